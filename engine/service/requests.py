"""Reading a request's cases, rulesets and options — the same for every endpoint that scores.

A case comes as a JSON body (one case document, or an array of them), as YAML text, or as
uploaded files (multipart `files`: YAML/JSON case files, or filled 自评表 workbooks that together
make one case). Rulesets are named by catalog id (`ruleset=…`, repeatable, as the CLI's
`--ruleset`), or uploaded (multipart `ruleset_file`), compiled with the same whitelist.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import Query, Request
from starlette.datastructures import UploadFile

from jixiao.core.errors import CaseError, Problem
from jixiao.core.i18n import _
from jixiao.engines.durable import durable_available
from jixiao.records.model import Case
from jixiao.service.catalog import Catalog
from jixiao.records.cases import load_case_data
from jixiao.service.inputs import cases_from_uploads, compile_text, parse_json, safe_name
from jixiao.service.jobs import Choice
from jixiao.service.limits import Limits

Engine = Literal["auto", "durable", "native"]
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


@dataclass
class Options:
    engine: Engine
    public: bool
    rulesets: list[str]


def options(engine: Engine = Query("auto", description="规则引擎：auto（有 durable-rules 时用它）、durable、native"),
            public: bool = Query(False, description="公开版：涉密项目只保留名称和不予公开的理由"),
            ruleset: list[str] = Query([], description="规则集编号（可重复，按适用对象分别用于部门和项目）；缺省用默认规则集")
            ) -> Options:
    return Options(engine, public, ruleset)


@dataclass
class Upload:
    """What a request brought: its cases and any ruleset files."""

    cases: list[Case]
    ruleset_texts: list[tuple[str, str]]


async def read_upload(request: Request, limits: Limits) -> Upload:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await _multipart(request, limits)
    body = await request.body()
    if kind in JSON_TYPES:
        data = parse_json(body)
        documents = data if isinstance(data, list) else [data]
        limits.check_cases(len(documents))
        return Upload(_each(documents), [])
    if kind in YAML_TYPES:
        return Upload([load_case_data(_utf8(body), "<request>")], [])
    raise CaseError([Problem(_("请以 JSON（application/json）、YAML（application/yaml）或上传文件（multipart/form-data）提交案例"),
                             field="content-type")])


def _each(documents: list) -> list[Case]:
    cases, problems = [], []
    for i, document in enumerate(documents):
        try:
            cases.append(load_case_data(document, f"<request>[{i}]" if len(documents) > 1 else "<request>"))
        except CaseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    return cases


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseError([Problem(_("请求体不是 UTF-8 编码的文本"))]) from None


async def _multipart(request: Request, limits: Limits) -> Upload:
    form = await request.form(max_files=limits.max_cases + 10, max_fields=50)
    files = [(f.filename, await f.read()) for f in form.getlist("files") if isinstance(f, UploadFile)]
    limits.check_cases(len(files))
    rulesets = []
    for f in form.getlist("ruleset_file"):
        if isinstance(f, UploadFile) and f.filename:
            rulesets.append((safe_name(f.filename, "ruleset.yaml"), _utf8(await f.read())))
    return Upload(cases_from_uploads(files), rulesets)


def one_case(upload: Upload) -> None:
    if len(upload.cases) != 1:
        raise CaseError([Problem(_("此操作一次只处理一个案例，本次 {n} 个").format(n=len(upload.cases)), field="files")])


def choose(opts: Options, catalog: Catalog, ruleset_texts: list[tuple[str, str]] = ()) -> Choice:
    """The rulesets named (or defaults) per record kind; uploaded rulesets take their kind's place."""
    if opts.engine == "durable" and not durable_available():
        raise EngineUnavailable()
    department, project = catalog.pick(opts.rulesets)
    for name, text in ruleset_texts:
        compiled = compile_text(text, name, catalog)
        if compiled.kind in ("department", "any"):
            department = compiled
        if compiled.kind in ("project", "any"):
            project = compiled
    return Choice(department, project, opts.engine, opts.public)


class EngineUnavailable(CaseError):
    """Asking for durable-rules where it is not installed is a bad request, not a server error."""

    def __init__(self):
        super().__init__([Problem(_("本机没有可用的 durable-rules 引擎，请改用 engine=native 或 auto"), field="engine")])


