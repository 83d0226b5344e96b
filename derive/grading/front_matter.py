"""Who wrote a solution document, when it says so in YAML front matter.

Markdown tools (Jekyll, Pandoc, Quarto, Obsidian) put a document's metadata in a YAML
block between `---` lines at its very top; a class template can ask for the student's
id there:

    >>> split_front_matter("---\\nstudent: s042\\n---\\n# 1\\n$$x = 1$$\\n")
    ('s042', '# 1\\n$$x = 1$$\\n')

Only the block's `student` (or `student_id`) is read, and the block is removed only when
it names one: a document without such a block is returned unchanged (a leading `---`
block may hold answers).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["read_front_matter", "split_front_matter"]

MAX_FRONT_MATTER = 4096  # characters: metadata, not a place for answers
_BLOCK = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FIELDS = ("student", "student_id")  # not `id`: templates use it for the assignment


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(the front matter's fields, the text after the block); ({}, text) where the
    document has no block, or one that is not a YAML mapping (a rule and a paragraph)."""
    match = _BLOCK.match(text[: MAX_FRONT_MATTER + 16])
    if match is None:
        return {}, text
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(match.group(1), Loader=loader)
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    return {str(k): v for k, v in data.items()}, text[match.end() :]


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(the student the front matter names, or None; the text after the block)."""
    data, rest = read_front_matter(text)
    for field in _FIELDS:
        value = data.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            name = " ".join(str(value).split())
            if name and len(name) <= 200 and name.isprintable():
                return name, rest
    return None, text
