"""SVRL reading: asserts and reports, flags, messages and locations."""

from __future__ import annotations

from involinks.compliance.validation.result import Layer, Severity
from involinks.compliance.validation.svrl import parse_svrl

SVRL = """<?xml version="1.0" encoding="UTF-8"?>
<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <svrl:fired-rule context="/ubl:Invoice"/>
  <svrl:failed-assert test="exists(cbc:ID)" id="r-1" flag="fatal"
      location="/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]">
    <svrl:text>[r-1]-An   Invoice
       MUST have a number.</svrl:text>
  </svrl:failed-assert>
  <svrl:failed-assert test="false()" id="r-2" flag="warning" location="/Invoice">
    <svrl:text>Only a warning.</svrl:text>
  </svrl:failed-assert>
  <svrl:successful-report test="true()" id="r-3" location="/Invoice">
    <svrl:text>Just so you know.</svrl:text>
  </svrl:successful-report>
  <svrl:successful-report test="true()" id="r-4" flag="fatal" location="/Invoice">
    <svrl:text>A fatal report.</svrl:text>
  </svrl:successful-report>
  <svrl:failed-assert test="false()" id="r-5" location="/Invoice">
    <svrl:text>No flag at all.</svrl:text>
  </svrl:failed-assert>
</svrl:schematron-output>
"""


def test_every_assert_and_report_is_read_in_order() -> None:
    issues = parse_svrl(SVRL, Layer.AE)

    assert [(i.rule_id, i.kind, i.severity) for i in issues] == [
        ("r-1", "assert", Severity.FATAL),
        ("r-2", "assert", Severity.WARNING),
        ("r-3", "report", Severity.WARNING),
        ("r-4", "report", Severity.FATAL),
        ("r-5", "assert", Severity.FATAL),
    ]
    assert [i.blocking for i in issues] == [True, False, False, True, True]
    assert {i.layer for i in issues} == {Layer.AE}


def test_message_whitespace_is_normalized_and_location_prefixed() -> None:
    first = parse_svrl(SVRL, Layer.PINT)[0]

    assert first.message == "[r-1]-An Invoice MUST have a number."
    assert first.location == "/Invoice"
    assert first.test == "exists(cbc:ID)"


def test_no_findings_gives_no_issues() -> None:
    empty = '<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl"/>'

    assert parse_svrl(empty, Layer.PINT) == []
