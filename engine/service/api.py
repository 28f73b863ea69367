"""The JSON API: every job of the CLI over HTTP, answered in the README's JSON contract, errors
as problem documents. Each handler reads the request (`requests`), runs a job (`jobs`) within the
time limit, and returns its answer; nothing else happens here."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from jixiao.core.i18n import _
from jixiao.service import examples, jobs
from jixiao.service.catalog import Catalog
from jixiao.service.inputs import ruleset_sources
from jixiao.service.limits import Limits
from jixiao.service.problems import MEDIA_TYPE, ProblemDocument
from jixiao.service.requests import Options, choose, one_case, options, read_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROBLEMS = {code: {"description": text, "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDocument"},
                                                                  "example": examples.PROBLEM}}}
            for code, text in ((413, "请求过大或案例过多"), (422, "输入有误：每处问题一条，含文件、行、记录和字段"),
                               (503, "处理超时"))}


def case_body(description: str) -> dict:
    """The request body of every endpoint that takes cases: JSON, YAML text or uploaded files."""
    return {"requestBody": {"required": True, "description": description, "content": {
        "application/json": {"schema": {"anyOf": [{"$ref": "#/components/schemas/Case"},
                                                  {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}]},
                             "example": examples.CASE},
        "application/yaml": {"schema": {"type": "string"}, "example": examples.CASE_YAML},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": "案例文件（.yaml/.json，每个一案）或填好的自评表（.xlsx，合为一案）"},
            "ruleset_file": {"type": "array", "items": {"type": "string", "format": "binary"},
                             "description": "自带的规则集（YAML；只能 extends/include 已登记的规则集编号）"}},
            "required": ["files"]}},
    }}}


def ok(example, media: str = "application/json", description: str = "成功") -> dict:
    content = {media: {"example": example}} if media.endswith("json") or media.startswith("text/") else {media: {"schema": {"type": "string", "format": "binary"}}}
    return {200: {"description": description, "content": content}}


SCORE_EXAMPLE = {"case": "example-2024", "unit": "示例区某局", "year": 2024, "public": False, "engine": "native",
                 "ruleset": {"department": {"id": "department-overall", "version": "2024.1", "title": "…"},
                             "project": {"id": "mof-project-selfeval", "version": "2024.1", "title": "…"}},
                 "department": {"id": "example-dept", "score": "…", "grade": "…"}, "projects": [{"id": "p1", "score": "…"}]}


def router(catalog: Catalog, limits: Limits) -> APIRouter:
    api = APIRouter(prefix="/api", responses=PROBLEMS)

    async def upload_and_choice(request: Request, opts: Options):
        upload = await read_upload(request, limits)
        return upload, choose(opts, catalog, upload.ruleset_texts)

    @api.post("/score", summary="评分", tags=["评分"], openapi_extra=case_body("要评分的案例"),
              responses=ok(SCORE_EXAMPLE) | {200: {"description": "JSON 契约（一个案例为对象，多个为数组）；format=xlsx 为评分结果工作簿，markdown 为文本",
                                                   "content": {"application/json": {"example": SCORE_EXAMPLE},
                                                               XLSX: {"schema": {"type": "string", "format": "binary"}},
                                                               "text/markdown": {"example": "# 示例区某局 2024年 绩效评价"}}}})
    async def score(request: Request, opts: Options = Depends(options),
                    format: Literal["json", "xlsx", "markdown", "table"] = Query("json", description="json、xlsx、markdown 或 table")):
        upload, choice = await upload_and_choice(request, opts)
        results = await limits.run(jobs.score, upload.cases, choice)
        if format == "xlsx":
            from jixiao.outputs.workbook import write_results
            return Response(await limits.run(jobs.office_bytes, write_results, results), media_type=XLSX,
                            headers=_attachment("results.xlsx"))
        if format in ("markdown", "table"):
            from jixiao.outputs.render import to_text
            return PlainTextResponse(to_text(results, format), media_type="text/markdown" if format == "markdown" else "text/plain")
        return Response(jobs.score_json(results), media_type="application/json")

    @api.post("/explain", summary="计分过程（trace）", tags=["评分"], openapi_extra=case_body("一个案例"),
              responses=ok({"records": [{"id": "p1", "kind": "project", "ruleset": "mof-project-selfeval",
                                         "published": True, "trace": "项目 p1 示例项目 …"}]}))
    async def explain(request: Request, opts: Options = Depends(options),
                      project: str | None = Query(None, description="只看这个项目（编号）"),
                      review: bool = Query(True, description="同时运行复核规则集")):
        upload, choice = await upload_and_choice(request, opts)
        records = []
        for case in upload.cases:
            records += await limits.run(jobs.explain, case, choice, catalog, project, review)
        return {"records": records}

    @api.post("/report", summary="自评报告", tags=["评分"], openapi_extra=case_body("一个案例"),
              responses={200: {"description": "markdown 文本、Word（docx）或报告文档模型（json）",
                               "content": {"text/markdown": {"example": "# 示例区某局2024年度部门整体支出及项目支出绩效自评报告"},
                                           DOCX: {"schema": {"type": "string", "format": "binary"}},
                                           "application/json": {"example": {"title": "…", "sections": []}}}}})
    async def report(request: Request, opts: Options = Depends(options),
                     format: Literal["markdown", "docx", "json"] = Query("markdown", description="markdown、docx 或 json"),
                     review: bool = Query(True, description="同时运行复核规则集（公开版不含复核意见）")):
        upload, choice = await upload_and_choice(request, opts)
        one_case(upload)
        document = await limits.run(jobs.report, upload.cases[0], choice, catalog, review)
        if format == "docx":
            from jixiao.outputs.word import write_docx
            return Response(await limits.run(jobs.office_bytes, write_docx, document), media_type=DOCX,
                            headers=_attachment("report.docx"))
        if format == "json":
            return Response(document.model_dump_json(indent=2) + "\n", media_type="application/json")
        from jixiao.outputs.report import render_markdown
        return PlainTextResponse(render_markdown(document), media_type="text/markdown")

    @api.post("/import", summary="自评表导入为案例", tags=["自评表"],
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                  "required": ["files"]}}}}},
              responses=ok(examples.CASE, description="案例（JSON；format=yaml 为 YAML 文本）"))
    async def import_(request: Request, format: Literal["json", "yaml"] = Query("json"), public: bool = Query(False)):
        upload = await read_upload(request, limits)
        one_case(upload)
        case = jobs.public_case(upload.cases[0]) if public else upload.cases[0]
        if format == "yaml":
            from jixiao.forms.case_yaml import case_to_yaml
            return PlainTextResponse(case_to_yaml(case), media_type="application/yaml")
        return Response(case.model_dump_json(exclude_none=True), media_type="application/json")

    @api.get("/template", summary="空白自评表", tags=["自评表"], responses=ok(None, XLSX, "自评表工作簿"))
    async def blank_template(kind: Literal["project", "department"] = Query("project", description="project 项目 / department 部门整体")):
        return _workbook(kind, None)

    @api.post("/template", summary="按案例填好的自评表", tags=["自评表"], openapi_extra=case_body("一个案例"),
              responses=ok(None, XLSX, "自评表工作簿"))
    async def filled_template(request: Request, kind: Literal["project", "department"] = Query("department"),
                              public: bool = Query(False)):
        upload = await read_upload(request, limits)
        one_case(upload)
        case = jobs.public_case(upload.cases[0]) if public else upload.cases[0]
        return _workbook(kind, case)

    @api.get("/schema", summary="规则集 JSON Schema", tags=["规则集"],
             responses=ok({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "jixiao ruleset"}))
    async def schema(overrides: bool = Query(False, description="extends: 文件用的变体（不要求任何字段）")):
        from jixiao.rulesets.schema import schema_text
        return Response(schema_text(overrides), media_type="application/schema+json")

    @api.get("/rulesets", summary="可用的规则集", tags=["规则集"],
             responses=ok({"rulesets": [{"id": "mof-project-selfeval", "applies_to": "project", "version": "2024.1",
                                         "title": "…", "extends": None, "include": [], "tests": 3}]}))
    async def list_rulesets():
        rows = []
        for ident in catalog.ids():
            rs = catalog.sources(ident)[0].ruleset
            rows.append({"id": ident, "applies_to": rs.applies_to, "version": rs.version, "title": rs.title,
                         "extends": rs.extends, "include": list(rs.include), "tests": len(rs.tests)})
        return {"rulesets": rows}

    @api.get("/rulesets/{ident}", summary="规则集内容（合并继承后，每项注明出处）", tags=["规则集"],
             responses=ok({"id": "mof-project-selfeval", "version": "2024.1", "title": "…", "applies_to": "project",
                           "entries": [{"kind": "grade", "id": "优", "depth": 0, "fields": {"min": "90"},
                                        "from": {"min": "rulesets/mof-project-selfeval.yaml:20"}}]}))
    async def show(ident: str):
        return jobs.show(catalog.sources(ident))

    @api.post("/rulesets/validate", summary="校验规则集", tags=["规则集"],
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/yaml": {"schema": {"type": "string"}, "example": examples.RULESET_YAML}}}},
              responses=ok({"ok": False, "problems": [{"text": "<request>:3:8: unknown field", "message": "unknown field",
                                                       "file": "<request>", "line": 3, "column": 8}]}))
    async def validate(request: Request):
        text = _text(await request.body())
        problems = await limits.run(jobs.validate, lambda: ruleset_sources(text, "<request>", catalog))
        from jixiao.service.problems import item
        return {"ok": not problems, "problems": [item(p) for p in problems]}

    @api.get("/rulesets/{old}/diff/{new}", summary="两个规则集的语义差异", tags=["规则集"],
             responses=ok({"old": {"id": "mof-project-selfeval", "version": "2024.1"},
                           "new": {"id": "hubei-project-selfeval", "version": "2024.1"},
                           "changes": [{"op": "~", "kind": "grade", "id": "优", "field": "min", "old": "90", "new": "80",
                                        "from": "rulesets/hubei-project-selfeval.yaml:21", "text": "~ grade 优 min: 90 → 80"}],
                           "text": "…"}))
    async def diff(old: str, new: str):
        return jobs.diff(catalog.sources(old), catalog.sources(new))

    @api.post("/rulesets/diff", summary="与自带规则集的语义差异", tags=["规则集"],
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/yaml": {"schema": {"type": "string"}, "example": examples.RULESET_YAML}}}},
              responses=ok({"old": {"id": "mof-project-selfeval"}, "new": {"id": "my-project-rules"}, "changes": [], "text": "…"}))
    async def diff_text(request: Request, base: str = Query(..., description="对比的已登记规则集编号",
                                                            examples=["mof-project-selfeval"])):
        text = _text(await request.body())
        return jobs.diff(catalog.sources(base), ruleset_sources(text, "<request>", catalog))

    @api.post("/rulesets/simulate", summary="规则调整模拟（等级迁移）", tags=["规则集"],
              openapi_extra=case_body("要模拟的案例；candidate_file 或 ruleset_file 为候选规则集"),
              responses={200: {"description": "模拟结果（JSON），format=png 为等级分布图",
                               "content": {"application/json": {"example": {"base": {"id": "mof-project-selfeval"},
                                                                            "candidate": {"id": "hubei-project-selfeval"},
                                                                            "records": [], "migration": {"grades": ["优", "良", "中", "差", "—"], "counts": []}}},
                                           "image/png": {"schema": {"type": "string", "format": "binary"}}}}})
    async def simulate(request: Request, base: str = Query(..., examples=["mof-project-selfeval"]),
                       candidate: str | None = Query(None, examples=["hubei-project-selfeval"],
                                                     description="已登记的候选规则集；或上传 ruleset_file"),
                       engine: Literal["auto", "durable", "native"] = Query("auto"), public: bool = Query(False),
                       format: Literal["json", "png"] = Query("json")):
        upload = await read_upload(request, limits)
        choose(Options(engine, public, []), catalog)  # the engine check
        base_rs = catalog.compiled(base)
        if upload.ruleset_texts:
            from jixiao.service.inputs import compile_text
            candidate_rs = compile_text(upload.ruleset_texts[0][1], upload.ruleset_texts[0][0], catalog)
        else:
            candidate_rs = catalog.compiled(candidate or base)
        sim = await limits.run(jobs.simulate, base_rs, candidate_rs, upload.cases, engine, public)
        if format == "png":
            png = await limits.run(jobs.chart_png, sim)
            if png is None:
                from jixiao.service.problems import ServiceError
                raise ServiceError(501, "no-chart", _("未安装 matplotlib"), _("服务端未安装 matplotlib，无法出图"))
            return Response(png, media_type="image/png")
        return JSONResponse(jobs.simulation_json(sim))

    return api


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


def _workbook(kind: str, case) -> Response:
    from jixiao.forms.template import write_template
    return Response(jobs.office_bytes(lambda path: write_template(path, kind, case)), media_type=XLSX,
                    headers=_attachment(f"{kind}-form.xlsx"))


def _text(body: bytes) -> str:
    from jixiao.core.errors import Problem, RulesetError
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RulesetError([Problem(_("请求体不是 UTF-8 编码的文本"))]) from None


