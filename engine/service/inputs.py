"""What a request carries, read into the library's models: case documents (JSON, YAML, filled
自评表 workbooks) and ruleset texts. Everything goes through the same validation as files on disk
(`records.cases.case_from_data`, the ruleset model and compiler) and fails with the same
`CaseError` / `RulesetError` problems; nothing here reads a file the request did not bring.

Cases from a parsed JSON document or from YAML text go through `records.load_case_data`.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError

from jixiao.core.errors import CaseError, JixiaoError, Location, Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import LineMap, parse_yaml
from jixiao.records.cases import load_case_data
from jixiao.records.model import Case
from jixiao.rulesets.compiler import Source, compile_ruleset, CompiledRuleset
from jixiao.rulesets.compose import resolve
from jixiao.rulesets import loader
from jixiao.rulesets.model import Ruleset
from jixiao.service.catalog import Catalog

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx",)


def safe_name(name: str | None, default: str) -> str:
    """The upload's own file name without any folder part: it only labels problems."""
    base = PurePath((name or "").replace("\\", "/")).name
    return base or default


def _text(data: bytes, name: str, error: type[JixiaoError]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error([Problem(_("文件不是 UTF-8 编码的文本"), Location(name))]) from None




def parse_json(body: bytes, name: str = "<request>") -> Any:
    """JSON with every number read from its text (56.18 stays Decimal('56.18'))."""
    try:
        return json.loads(_text(body, name, CaseError), parse_float=Decimal,
                          parse_constant=lambda word: _reject_constant(word, name))
    except json.JSONDecodeError as exc:
        raise CaseError([Problem(_("JSON 语法错误：{message}").format(message=exc.msg),
                                 Location(name, exc.lineno, exc.colno))]) from None


def _reject_constant(word: str, name: str):
    raise CaseError([Problem(_("JSON 中不能使用 {word}").format(word=word), Location(name))])


def cases_from_uploads(files: list[tuple[str, bytes]]) -> list[Case]:
    """Uploaded files: each YAML/JSON file is a case; all workbooks together are one case (as
    `jixiao import` reads them). Every problem of every file is reported at once."""
    cases, problems, workbooks = [], [], []
    for raw_name, data in files:
        name = safe_name(raw_name, "upload.yaml")
        suffix = Path(name).suffix.lower()
        try:
            if suffix in WORKBOOK_SUFFIXES:
                workbooks.append((name, data))
            elif suffix == ".json":
                cases.append(load_case_data(parse_json(data, name), name))
            elif suffix in YAML_SUFFIXES:
                cases.append(load_case_data(_text(data, name, CaseError), name))
            else:
                raise CaseError([Problem(_("不支持的文件类型：请上传 .yaml、.json 案例文件或 .xlsx 自评表"), Location(name))])
        except CaseError as exc:
            problems.extend(exc.problems)
    if workbooks:
        try:
            cases.append(case_from_workbooks(workbooks))
        except CaseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    if not cases:
        raise CaseError([Problem(_("请求中没有案例文件"), field="files")])
    return cases


def case_from_workbooks(workbooks: list[tuple[str, bytes]], warn=lambda message: None) -> Case:
    """Filled 自评表 workbooks → one case, through `forms.import_workbooks` (which reads files: the
    uploads go to a private temporary folder, and problems name the uploaded file, not that folder)."""
    from jixiao.forms.reader import import_workbooks

    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as folder:
        paths = []
        for i, (name, data) in enumerate(workbooks):
            path = Path(folder) / f"{i}-{name}"
            path.write_bytes(data)
            paths.append(path)
        try:
            return import_workbooks(paths, warn=lambda message: warn(message.replace(folder + "/", "")))
        except CaseError as exc:
            names = {str(p): name for p, (name, _data) in zip(paths, workbooks)}
            raise CaseError([_relabel(p, names) for p in exc.problems]) from None


def _relabel(problem: Problem, names: dict[str, str]) -> Problem:
    file = problem.location.file
    if file in names:
        return replace(problem, location=replace(problem.location, file=names[file]))
    return problem


# ---- a ruleset in a request --------------------------------------------------------------------

def ruleset_sources(text: str, name: str, catalog: Catalog) -> list[Source]:
    """A ruleset sent in a request, read as a file would be — except that `extends:` and
    `include:` may only name rulesets of the catalog (by id): a request never makes the server
    read a path. Raises RulesetError with file:line:column problems."""
    data, lines = parse_yaml(text, name, RulesetError)
    if not isinstance(data, dict):
        raise RulesetError([Problem(_("规则集文件应为映射（id、title、applies_to 等）"), lines.find(()))])
    _only_catalog_refs(data, lines, catalog)
    if isinstance(data.get("extends"), str):
        # the parent is a catalog ruleset: read it as the loader reads any file it may use
        data, lines = resolve(data, lines, lambda ref: loader._read_resolved(loader.locate(catalog.ref(ref))))
    try:
        model = Ruleset.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(problems_from(exc, lines)) from None
    sources = [Source(model, lines)]
    seen = {model.id}
    for included in model.include:
        for source in catalog.sources(included):
            if source.ruleset.id not in seen:
                seen.add(source.ruleset.id)
                sources.append(source)
    for source in sources[1:]:
        if source.ruleset.applies_to not in ("any", model.applies_to):
            raise RulesetError([Problem(_("引用的规则集 {ident} 适用于 {kind}，与本规则集不同").format(
                ident=source.ruleset.id, kind=source.ruleset.applies_to), lines.find(("include",)))])
    return sources


def _only_catalog_refs(data: dict, lines: LineMap, catalog: Catalog) -> None:
    problems = []
    refs = [(("extends",), data.get("extends"))] if "extends" in data else []
    if isinstance(data.get("include"), list):
        refs += [(("include", i), ref) for i, ref in enumerate(data["include"])]
    for path, ref in refs:
        if not isinstance(ref, str) or ref not in catalog.refs:
            problems.append(Problem(_("只能引用服务已登记的规则集编号（{known}），不能引用文件路径：{ref}").format(
                known="、".join(catalog.ids()), ref=ref), lines.find(path), field=path[0]))
    if problems:
        raise RulesetError(problems)


def compile_text(text: str, name: str, catalog: Catalog) -> CompiledRuleset:
    return compile_ruleset(ruleset_sources(text, name, catalog))
