"""Typed errors. Every error a user can cause names where it happened, so the CLI can print one
readable line per problem and never a traceback."""
from __future__ import annotations

from dataclasses import dataclass

from jixiao.core.i18n import _


@dataclass(frozen=True)
class Location:
    """A place in a source file; any part may be unknown."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with where it is and what it concerns."""

    message: str
    location: Location = Location()
    record: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        """`file:line:column: record，字段 field：message` (the place stays in the form editors and
        CI problem matchers read; the rest is in the reader's language)."""
        subject = []
        if self.record:
            subject.append(self.record)
        if self.field:
            subject.append(_("字段 {field}").format(field=self.field))
        prefix = f"{self.location}: "
        return prefix + (_("{subject}：{message}").format(subject=_("，").join(subject), message=self.message)
                         if subject else self.message)


def record_label(kind: str, ident: str) -> str:
    """How a problem names its record: `部门 lusong-zfw`, `项目 xueliang` (`project xueliang` in English)."""
    return (_("部门 {id}") if kind == "department" else _("项目 {id}")).format(id=ident)


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(JixiaoError):
    """The user's input (a case file, a ruleset) is wrong: exit status 2."""

    exit_code = 2


class CaseError(InputError):
    """A case file cannot be read or does not validate."""


class RulesetError(InputError):
    """A ruleset cannot be read, does not validate, or an expression in it is not allowed."""


class ExpressionError(RulesetError):
    """An expression uses syntax or names outside the whitelisted language."""


class EvaluationError(JixiaoError):
    """A record cannot be evaluated (e.g. a number compared with text)."""

    exit_code = 2


class EngineError(JixiaoError):
    """The rule engine failed; results would be incomplete, so we stop instead of dropping them."""

    exit_code = 3
