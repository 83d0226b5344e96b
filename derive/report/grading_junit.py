"""Grading results as JUnit XML: one testsuite per submission, one testcase per question.

A question that did not earn all its points has a `failure` whose text is its feedback
(final answer, first invalid step with its counterexample, every step); a submission
that could not be read has one testcase `read` with an `error`. Scores are properties.

    write_grading_junit("grades.xml", results)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from os import PathLike

from derive.grading.results import SubmissionResult
from derive.report.grading_json import number, question_feedback, question_headline

__all__ = ["grading_junit_text", "grading_junit_tree", "write_grading_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def grading_junit_tree(
    results: Sequence[SubmissionResult], *, name: str = "derive grade"
) -> ET.ElementTree:
    root = ET.Element("testsuites", name=name)
    total_tests = total_failures = total_errors = 0
    for result in results:
        suite = ET.SubElement(root, "testsuite", name=_clean(result.student))
        properties = ET.SubElement(suite, "properties")
        for key, value in (
            ("key", result.key),
            ("path", result.path),
            ("score", str(number(result.score))),
            ("max_score", str(number(result.max_score))),
        ):
            ET.SubElement(properties, "property", name=key, value=_clean(value))
        classname = _clean(f"{result.key}.{result.student}" if result.key else result.student)
        tests = failures = errors = 0
        if result.error is not None:
            case = ET.SubElement(suite, "testcase", classname=classname, name="read")
            error = ET.SubElement(case, "error", message=_clean(result.error), type="unreadable")
            error.text = _clean(result.error)
            tests, errors = 1, 1
        for question in result.questions:
            tests += 1
            case = ET.SubElement(
                suite, "testcase", classname=classname, name=_clean(question.label)
            )
            case_properties = ET.SubElement(case, "properties")
            for key, value in (
                ("score", str(number(question.score))),
                ("max_score", str(number(question.max_score))),
                ("final", question.final.status.value),
            ):
                ET.SubElement(case_properties, "property", name=key, value=value)
            if question.score < question.max_score:
                failures += 1
                message = (
                    f"{number(question.score)} / {number(question.max_score)}: "
                    f"{question_headline(question)}"
                )
                failure = ET.SubElement(
                    case, "failure", message=_clean(message), type=question.final.status.value
                )
                failure.text = _clean("\n".join(question_feedback(question)))
        for element, value in (("tests", tests), ("failures", failures), ("errors", errors)):
            suite.set(element, str(value))
        suite.set("skipped", "0")
        total_tests, total_failures, total_errors = (
            total_tests + tests,
            total_failures + failures,
            total_errors + errors,
        )
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def grading_junit_text(results: Sequence[SubmissionResult]) -> str:
    """The XML document as text, with its declaration."""
    body = ET.tostring(grading_junit_tree(results).getroot(), encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def write_grading_junit(path: str | PathLike[str], results: Sequence[SubmissionResult]) -> None:
    grading_junit_tree(results).write(path, encoding="utf-8", xml_declaration=True)
