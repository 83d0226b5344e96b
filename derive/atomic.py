"""Writing a file so that it is either all there or not changed at all.

The text goes to a temporary file in the same folder, is flushed to disk, and replaces
the target with one rename: a full disk, a read-only folder or a kill in the middle
leaves the previous file (a report, a verdict, a grading record) as it was, and readers
never see half a file. The temporary file is removed when the write fails. A target that
is not a regular file (`/dev/stdout`, a FIFO, a symbolic link) is written in place: a
rename would replace the link or the device instead of writing to it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomically(
    path: str | os.PathLike[str], text: str, *, newline: str | None = None
) -> None:
    """Replace `path` with `text` (UTF-8); raises OSError, leaving `path` untouched."""
    target = Path(path)
    try:
        info = os.lstat(target)
    except OSError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, "w", encoding="utf-8", newline=newline) as stream:
            stream.write(text)
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            with contextlib.suppress(OSError):  # some file systems (vfat, shares) refuse it
                os.fchmod(stream.fileno(), _mode_for(info))
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(info: os.stat_result | None) -> int:
    """The permissions the file would have had if written in place: its own if it
    exists, else what the umask leaves of rw-rw-rw- (mkstemp's are owner-only)."""
    if info is not None:
        return info.st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
