"""Writing a file so that it is either all there or not changed at all.

The text goes to a temporary file in the same folder, is flushed to disk, and replaces
the target with one rename: a full disk, a read-only folder or a kill in the middle
leaves the previous file (a report, a verdict, a grading record) as it was, and readers
never see half a file. The temporary file is removed when the write fails.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(
    path: str | os.PathLike[str], text: str, *, newline: str | None = None
) -> None:
    """Replace `path` with `text` (UTF-8); raises OSError, leaving `path` untouched."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        os.chmod(temporary, _mode_for(target))
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(target: Path) -> int:
    """The permissions the file would have had if written in place: its own if it
    exists, else what the umask leaves of rw-rw-rw- (mkstemp's are owner-only)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
