"""What may be published: results with every detail of unpublishable (classified) records removed.

Disclosure is the rule "除涉及国家秘密外" (财预〔2016〕143号): a classified project keeps its place
in the list (the report itself names it and says "不作公开评价"), its spending stays inside the
department's totals, and nothing else of it — figures, indicators, checks, findings — is shown.
"""
from __future__ import annotations

from jixiao.scoring.results import CaseResult, RecordResult


def withheld(record: RecordResult) -> RecordResult:
    """The record as it may appear in public output: identity, status and the stated reason only."""
    return record.model_copy(update={
        "score": None,
        "grade": None,
        "indicators": [],
        "vetoes": [],
        "checks": [],
        "findings": [],
        "metrics": {},
        "inputs": None,  # a classified record's declared figures are its figures too
        "exemptions": [e.model_copy(update={"name": e.name}) for e in record.exemptions if not e.published],
    })


def visible(record: RecordResult | None) -> RecordResult | None:
    """The record as public output shows it: whole if it may be published, else `withheld`."""
    if record is None or record.published:
        return record
    return withheld(record)


def public_view(result: CaseResult) -> CaseResult:
    return result.model_copy(update={
        "public": True,
        "department": visible(result.department),
        "projects": [visible(p) for p in result.projects],
    })
