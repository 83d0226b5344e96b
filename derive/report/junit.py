"""A `derive check` run as JUnit XML, for CI dashboards.

One testcase per claim (classname = course, name = id); a claim that did not come out
as expected carries a `failure` whose text is the rendered verdict, and every testcase
records its status, method and seed as properties.

    write_junit("derive.xml", claims, verdicts, seconds=12.3)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from os import PathLike

from derive.atomic import write_atomically
from derive.claim import Claim
from derive.report.text import check_text, evidence
from derive.verdict import Verdict, passes

__all__ = ["junit_tree", "verdict_text", "write_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 form


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def verdict_text(verdict: Verdict) -> str:
    """The verdict and its evidence as plain lines: `counterexample: x = -1`."""
    return "\n".join(f"{label}: {text}" for label, text in evidence(verdict))


def junit_tree(
    claims: Sequence[Claim],
    verdicts: Sequence[Verdict],
    *,
    seconds: float,
    name: str = "derive",
) -> ET.ElementTree:
    pairs = list(zip(claims, verdicts, strict=True))
    failures = sum(not passes(v, c.expect) for c, v in pairs)
    root = ET.Element("testsuites", name=name, tests=str(len(pairs)), failures=str(failures))
    root.set("time", f"{seconds:.3f}")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(pairs)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
    )
    for c, v in pairs:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_clean(c.course),
            name=_clean(c.id),
            time=f"{v.seconds:.3f}",
        )
        properties = ET.SubElement(case, "properties")
        for key, value in (
            ("status", v.status.value),
            ("expect", c.expect.value),
            ("method", v.method),
            ("seed", str(v.seed)),
        ):
            ET.SubElement(properties, "property", name=key, value=_clean(value))
        if not passes(v, c.expect):
            message = f"expected {c.expect.value}, got {v.status.value}"
            if v.summary or v.reason:
                message += f": {v.summary or v.reason}"
            failure = ET.SubElement(case, "failure", message=_clean(message), type=v.status.value)
            statement = check_text(c.check)
            heading = f"{c.title}\nstatement: {statement}" if statement else c.title
            failure.text = _clean(f"{heading}\n{verdict_text(v)}")
    return ET.ElementTree(root)


def write_junit(
    path: str | PathLike[str],
    claims: Sequence[Claim],
    verdicts: Sequence[Verdict],
    *,
    seconds: float,
) -> None:
    """Write the report to `path` (UTF-8, with an XML declaration)."""
    tree = junit_tree(claims, verdicts, seconds=seconds)
    ET.indent(tree)
    text = ET.tostring(tree.getroot(), encoding="unicode")
    write_atomically(path, "<?xml version='1.0' encoding='utf-8'?>\n" + text + "\n")
