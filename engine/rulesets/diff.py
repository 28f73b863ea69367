"""A semantic diff of two resolved rulesets: what a bureau changed, not which lines moved.

Entries (indicators, grades, vetoes, …) are matched by id; for each one added, removed or changed
the diff names the field, the old and new value, and the file:line the new value comes from.
"""
from __future__ import annotations

from dataclasses import dataclass

from jixiao.rulesets.compiler import Source
from jixiao.core.i18n import N_, _
from jixiao.rulesets.view import KINDS, Entry, flatten, short

LABELS = {"ruleset": N_("规则集"), "grade": N_("等级"), "tier": N_("档次"), "input": N_("数据项"), "metric": N_("计算量"), "indicator": N_("指标"),
          "veto": N_("一票否决"), "exemption": N_("免评"), "check": N_("核对"), "finding": N_("问题与建议")}


@dataclass(frozen=True)
class Change:
    op: str  # "+", "-", "~"
    kind: str
    ident: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    where: str = ""

    def __str__(self) -> str:
        subject = f"{_(LABELS[self.kind])} {self.ident}".strip() if self.ident else _(LABELS[self.kind])
        if self.op == "~":
            return f"~ {subject} {self.field}: {self.old} → {self.new}  ({self.where})"
        summary = f": {self.new}" if self.new else ""
        return f"{self.op} {subject}{summary}  ({self.where})"


def diff(old: list[Source], new: list[Source]) -> list[Change]:
    """Changes from `old` to `new`, grouped by kind in a fixed order, then in the new file's order."""
    a, b = flatten(old), flatten(new)
    changes: list[Change] = []
    for kind in KINDS:
        for key, entry in b.items():
            if key[0] != kind:
                continue
            if key not in a:
                changes.append(Change("+", kind, entry.ident, new=_summary(entry), where=short(entry.where)))
                continue
            before = a[key]
            for name in list(dict.fromkeys(list(before.fields) + list(entry.fields))):
                was, now = before.fields.get(name), entry.fields.get(name)
                if was != now:
                    where = entry.origins.get(name) or entry.where
                    changes.append(Change("~", kind, entry.ident if kind != "ruleset" else "", name,
                                          _clip(was), _clip(now), short(where)))
        for key, entry in a.items():
            if key[0] == kind and key not in b:
                changes.append(Change("-", kind, entry.ident, new=_summary(entry), where=_("原在 {where}").format(where=short(entry.where))))
    return changes


def _summary(entry: Entry) -> str:
    keys = [k for k in ("name", "label", "type", "unit", "weight", "method", "min", "range", "effect", "expr", "when") if k in entry.fields]
    return ", ".join(f"{k} {entry.fields[k]}" for k in keys)


def _clip(value: str | None) -> str:
    return _("（无）") if value is None else value


def format_diff(old: list[Source], new: list[Source], changes: list[Change]) -> str:
    a, b = old[0].ruleset, new[0].ruleset
    lines = [f"{a.id} {a.version} ({old[0].lines.file}) → {b.id} {b.version} ({new[0].lines.file})"]
    if not changes:
        lines.append(_("无实质差异"))
    added = sum(c.op == "+" for c in changes)
    removed = sum(c.op == "-" for c in changes)
    changed = sum(c.op == "~" for c in changes)
    lines += [str(c) for c in changes]
    if changes:
        lines.append(_("新增 {added} 项，删除 {removed} 项，修改 {changed} 项").format(added=added, removed=removed, changed=changed))
    return "\n".join(lines) + "\n"
