"""Inputs a case states that no ruleset in use declares: a typo or a case written for another
ruleset version, refused rather than silently ignored.

Only scoring rulesets define the form a unit fills; a review ruleset reads from it and declares
no more than it reads, so it never makes a stated input unknown.
"""
from __future__ import annotations

from jixiao.core.errors import CaseError, Location, Problem, record_label
from jixiao.core.i18n import _
from jixiao.core.problems import did_you_mean
from jixiao.records.inputs import merge_declarations, undeclared
from jixiao.records.model import Case, Department, Project, record_kind
from jixiao.rulesets.compiler import CompiledRuleset


class InputsInUse:
    """The declarations of the scoring rulesets a run uses, merged, and how to name those rulesets."""

    def __init__(self, rulesets: list[CompiledRuleset | None]):
        scoring = [rs for rs in rulesets if rs is not None and rs.ruleset.kind == "scoring"]
        self.active = bool(scoring)
        self.specs, _conflicts = merge_declarations([rs.inputs for rs in scoring])
        self.names = "、".join(f"{rs.id} {rs.ruleset.version}" for rs in scoring)

    def problems(self, record: Project | Department, case: Case | None) -> list[Problem]:
        """One problem per key `record` states that none of the rulesets declares."""
        if not self.active or not record.inputs:
            return []
        kind = record_kind(record)
        declared = self.specs.get(kind, {})
        out = []
        for key in undeclared(record.inputs, declared):
            hint = did_you_mean(key, list(declared))
            where = case.input_place(kind, record.id, key) if case is not None else Location()
            out.append(Problem(_("数据项 `{key}` 未在所用规则集（{rulesets}）中声明{hint}").format(
                key=key, rulesets=self.names, hint=hint), where, record_label(kind, record.id), f"inputs.{key}"))
        return out

    def check_case(self, case: Case) -> None:
        """Raises `CaseError` listing every undeclared input of the case's records."""
        problems = self.problems(case.department, case)
        for project in case.projects:
            problems += self.problems(project, case)
        if problems:
            raise CaseError(problems)
