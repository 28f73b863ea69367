"""Which rulesets a running service may use: the shipped ones and, with `--rulesets DIR`, the
files of that folder. Requests name rulesets only by id from this list, never by path, so no
request can make the server read a file it was not started with."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jixiao.core.errors import Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.rulesets.compiler import CompiledRuleset, Source
from jixiao.rulesets.loader import load_ruleset, load_sources, pick_rulesets, shipped_ids


@dataclass
class Catalog:
    folder: Path | None = None
    refs: dict[str, str] = field(default_factory=dict)  # id → what the loader reads (shipped id or path)

    @classmethod
    def build(cls, folder: str | Path | None = None) -> "Catalog":
        refs = {ident: ident for ident in shipped_ids()}
        if folder is not None:
            folder = Path(folder)
            if not folder.is_dir():
                raise RulesetError(_("规则集目录不存在：{folder}").format(folder=folder))
            for path in sorted(folder.glob("*.y*ml")):
                refs[path.stem] = str(path.resolve())
        return cls(folder, refs)

    def ids(self) -> list[str]:
        return sorted(self.refs)

    def ref(self, ident: str) -> str:
        if ident not in self.refs:
            raise RulesetError([Problem(_("没有编号为 {ident} 的规则集（可用：{known}）").format(
                ident=ident, known="、".join(self.ids())), field="ruleset")])
        return self.refs[ident]

    def compiled(self, ident: str) -> CompiledRuleset:
        return load_ruleset(self.ref(ident))

    def sources(self, ident: str) -> list[Source]:
        return load_sources(self.ref(ident))

    def pick(self, idents: list[str]) -> tuple[CompiledRuleset, CompiledRuleset]:
        """One ruleset per record kind, as the CLI's `--ruleset` does: the ones named, defaults for the rest."""
        return pick_rulesets(tuple(self.ref(ident) for ident in idents))
