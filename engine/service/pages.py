"""The workbench: Chinese pages rendered on the server, usable without JavaScript.

Score: upload → choose rulesets, engine and public/internal → the score table, each indicator's
计分说明, the checks and the 问题与改进建议, with buttons that download the results workbook and
the Word report (the page carries the case back in a hidden field, so the server keeps nothing).
Rulesets: the list, validation with line numbers, and simulation with the grade-migration table
and chart. Bad input re-renders the form with one row per problem (file, place, record, field).
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

import jixiao
from jixiao.core.decimals import number, percent
from jixiao.core.errors import CaseError, JixiaoError, Problem
from jixiao.core.i18n import _
from jixiao.forms.case_yaml import case_to_yaml
from jixiao.outputs.render import CHECK_MARK
from jixiao.scoring.results import INDICATOR_STATUS_WORDS, RECORD_STATUS_WORDS
from jixiao.rulesets.loader import DEFAULTS
from jixiao.service import jobs
from jixiao.service.catalog import Catalog
from jixiao.records.cases import load_case_data
from jixiao.service.inputs import cases_from_uploads, ruleset_sources, safe_name
from jixiao.service.limits import Limits
from jixiao.service.problems import ServiceError, item
from jixiao.service.requests import Options, choose

HERE = Path(__file__).resolve().parent
KIND_LABEL = {"department": "部门整体", "project": "项目"}
APPLIES_LABEL = {"department": "部门整体", "project": "项目", "any": "部门和项目"}


def _where(problem: dict) -> str:
    if problem.get("cell"):
        return f"{problem.get('sheet') or ''}!{problem['cell']}"
    if problem.get("line"):
        return _("第 {line} 行").format(line=problem["line"]) + (
            _("第 {column} 列").format(column=problem["column"]) if problem.get("column") else "")
    return ""


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(_=_, where=_where, version=jixiao.__version__, kind_label=KIND_LABEL,
                       applies_label=APPLIES_LABEL, record_status=RECORD_STATUS_WORDS, indicator_status=INDICATOR_STATUS_WORDS,
                       check_mark=CHECK_MARK, score_text=_score_text, rate_text=_rate_text,
                       indicator_score=_indicator_score)
    env.filters["number"] = lambda value: "—" if value is None else number(value)
    return templates


def _score_text(record) -> str:
    if record.score is None:
        return "—"
    shown = f"{number(record.score)}/{number(record.max_score, 0)}"
    return shown if record.assessable else f"({shown})"


def _rate_text(record) -> str:
    rate = record.metrics.get("execution_rate")
    if rate is not None and not isinstance(rate, str):
        return percent(rate)
    return "—" if not record.published or record.status == "exempt" else _("无法计算")


def _indicator_score(ind) -> str:
    if ind.score is not None:
        return number(ind.score)
    return f"({number(ind.partial)})" if ind.partial is not None else "—"


def router(catalog: Catalog, limits: Limits) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    templates = _templates()
    engines = [("auto", _("自动（有 durable-rules 时用它）")), ("durable", "durable-rules"), ("native", _("内置引擎（native）"))]

    def listing() -> list[dict]:
        out = []
        for ident in catalog.ids():
            rs = catalog.sources(ident)[0].ruleset
            out.append({"id": ident, "applies_to": rs.applies_to, "title": rs.title, "version": rs.version,
                        "extends": rs.extends, "include": list(rs.include)})
        return out

    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("chosen", {"department": DEFAULTS["department"], "project": DEFAULTS["project"],
                                      "engine": "auto", "public": False})
        context.setdefault("sim_choice", {"base": DEFAULTS["project"], "candidate": "hubei-project-selfeval"})
        return templates.TemplateResponse(request, name, {"rulesets": listing(), "engines": engines,
                                                          "max_mb": limits.max_bytes // (1024 * 1024),
                                                          "max_cases": limits.max_cases, **context},
                                          status_code=status)

    async def form(request: Request):
        try:
            return await request.form(max_files=limits.max_cases + 10, max_fields=50)
        except Exception:  # a malformed multipart body
            raise CaseError([Problem(_("无法读取提交的表单，请重新选择文件后提交"))]) from None

    async def uploads(data, field: str) -> list[tuple[str, bytes]]:
        files = [(f.filename, await f.read()) for f in data.getlist(field) if isinstance(f, UploadFile) and f.filename]
        limits.check_cases(len(files))
        return files

    def chosen_of(data) -> dict:
        return {"department": str(data.get("department") or DEFAULTS["department"]),
                "project": str(data.get("project") or DEFAULTS["project"]),
                "engine": str(data.get("engine") or "auto"), "public": str(data.get("public") or "0") == "1"}

    def choice_of(chosen: dict) -> jobs.Choice:
        engine = chosen["engine"] if chosen["engine"] in ("auto", "durable", "native") else "auto"
        return choose(Options(engine, chosen["public"], [chosen["department"], chosen["project"]]), catalog)

    @pages.get("/", response_class=HTMLResponse)
    async def index(request: Request):
        return render(request, "index.html", page="score")

    @pages.post("/score", response_class=HTMLResponse)
    async def score(request: Request):
        data = await form(request)
        chosen = chosen_of(data)
        try:
            cases = cases_from_uploads(await uploads(data, "files"))
            choice = choice_of(chosen)
            results = await limits.run(jobs.score, cases, choice)
        except (JixiaoError, ServiceError) as exc:
            return _failed(request, render, "index.html", exc, page="score", chosen=chosen)
        entries = [{"index": i, "result": r, "case_yaml": case_to_yaml(c),
                    "records": ([r.department] if r.department else []) + list(r.projects)}
                   for i, (c, r) in enumerate(zip(cases, results), 1)]
        return render(request, "result.html", page="score", entries=entries, chosen=chosen)

    @pages.post("/download")
    async def download(request: Request):
        data = await form(request)
        chosen = chosen_of(data)
        try:
            case = load_case_data(str(data.get("case_yaml") or ""), "case.yaml")
            choice = choice_of(chosen)
            if data.get("what") == "docx":
                from jixiao.outputs.word import write_docx
                document = await limits.run(jobs.report, case, choice, catalog)
                body, media, name = jobs.office_bytes(write_docx, document), "docx", f"{case.case.id}-report.docx"
            else:
                from jixiao.outputs.workbook import write_results
                results = await limits.run(jobs.score, [case], choice)
                body, media, name = jobs.office_bytes(write_results, results), "xlsx", f"{case.case.id}-results.xlsx"
        except (JixiaoError, ServiceError) as exc:
            return _failed(request, render, "index.html", exc, page="score", chosen=chosen)
        from jixiao.service.api import DOCX, XLSX
        return Response(body, media_type=DOCX if media == "docx" else XLSX,
                        headers={"content-disposition": f'attachment; filename="{safe_name(name, "download")}"'})

    @pages.get("/rulesets", response_class=HTMLResponse)
    async def rulesets(request: Request):
        return render(request, "rulesets.html", page="rulesets")

    @pages.post("/rulesets/validate", response_class=HTMLResponse)
    async def validate(request: Request):
        data = await form(request)
        try:
            files = await uploads(data, "ruleset_file")
            if files:
                name, raw = safe_name(files[0][0], "ruleset.yaml"), files[0][1]
                text = raw.decode("utf-8-sig", errors="replace")
                problems = await limits.run(jobs.validate, lambda: ruleset_sources(text, name, catalog))
            else:
                name = str(data.get("shipped") or DEFAULTS["project"])
                problems = await limits.run(jobs.validate, lambda: catalog.sources(name))
        except (JixiaoError, ServiceError) as exc:
            return _failed(request, render, "rulesets.html", exc, page="rulesets")
        return render(request, "rulesets.html", page="rulesets",
                      validated={"name": name, "problems": [item(p) for p in problems]})

    @pages.post("/rulesets/simulate", response_class=HTMLResponse)
    async def simulate(request: Request):
        data = await form(request)
        sim_choice = {"base": str(data.get("base") or DEFAULTS["project"]),
                      "candidate": str(data.get("candidate") or DEFAULTS["project"])}
        public = str(data.get("public") or "0") == "1"
        try:
            cases = cases_from_uploads(await uploads(data, "files"))
            base = catalog.compiled(sim_choice["base"])
            texts = await uploads(data, "ruleset_file")
            if texts:
                from jixiao.service.inputs import compile_text
                candidate = compile_text(texts[0][1].decode("utf-8-sig", errors="replace"),
                                         safe_name(texts[0][0], "ruleset.yaml"), catalog)
            else:
                candidate = catalog.compiled(sim_choice["candidate"])
            sim = await limits.run(jobs.simulate, base, candidate, cases, "auto", public)
            png = await limits.run(jobs.chart_png, sim)
        except (JixiaoError, ServiceError) as exc:
            return _failed(request, render, "rulesets.html", exc, page="rulesets", sim_choice=sim_choice)
        summary = jobs.simulation_json(sim)
        before, after = sim.distribution("base"), sim.distribution("candidate")
        alt = _("等级分布图：") + "；".join(_("{grade} 调整前 {a} 个、调整后 {b} 个").format(grade=g, a=a, b=b)
                                           for g, a, b in zip(sim.grades(), before, after))
        return render(request, "rulesets.html", page="rulesets", sim=summary, sim_choice=sim_choice,
                      chart=base64.b64encode(png).decode() if png else None, chart_alt=alt)

    @pages.get("/docs", response_class=HTMLResponse)
    async def docs(request: Request):
        schema = request.app.openapi()
        operations = []
        for path, methods in schema["paths"].items():
            for method, op in methods.items():
                content = op.get("responses", {}).get("200", {}).get("content", {})
                example = next((v["example"] for v in content.values() if "example" in v), None)
                operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                                   "parameters": op.get("parameters", []),
                                   "request": list(op.get("requestBody", {}).get("content", {})),
                                   "example": json.dumps(example, ensure_ascii=False, indent=2)
                                   if not isinstance(example, str) and example is not None else example})
        return render(request, "docs.html", page="docs", operations=operations)

    return pages


def _failed(request, render, template: str, exc, **context) -> HTMLResponse:
    """The form again, with one row per problem."""
    if isinstance(exc, ServiceError):
        problems, status = [{"message": exc.detail}], exc.status
    else:
        problems, status = [item(p) for p in exc.problems], 422 if exc.exit_code == 2 else 500
    return render(request, template, status, problems=problems, **context)
