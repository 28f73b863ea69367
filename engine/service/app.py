"""The service: one process, no database — the JSON API under /api, the workbench pages at /,
and the OpenAPI document at /openapi.json (interactive docs at /docs, served from the package's
own files: no CDN)."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import jixiao
from jixiao.records.model import Case
from jixiao.service import api, pages, problems
from jixiao.service.catalog import Catalog
from jixiao.service.limits import BodyLimit, Limits

HERE = Path(__file__).resolve().parent


def create_app(rulesets: str | Path | None = None, limits: Limits = Limits()):
    """The ASGI application (wrapped in the request-size limit)."""
    catalog = Catalog.build(rulesets)
    app = FastAPI(title="jixiao 绩效评价服务", version=jixiao.__version__,
                  description="预算绩效自评的规则化评分：JSON 接口（金额、比率、得分均为精确小数字符串），"
                              "错误为 RFC 9457 问题文档（application/problem+json）。",
                  docs_url=None, redoc_url=None)
    problems.install(app)
    app.include_router(api.router(catalog, limits))
    app.include_router(pages.router(catalog, limits))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.openapi = lambda: _openapi(app)
    app.state.catalog = catalog
    return BodyLimit(app, limits.max_bytes)


def _openapi(app: FastAPI) -> dict:
    """FastAPI's document, plus the models the hand-declared request bodies refer to."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Case, problems.ProblemDocument):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
        components.update(found.pop("$defs", {}))
        components[model.__name__] = found
    app.openapi_schema = schema
    return schema


def from_environment():
    """The app for uvicorn's worker processes (`jixiao serve --workers N`), configured by the parent."""
    import os
    max_bytes, max_cases, seconds = os.environ.get("JIXIAO_SERVE_LIMITS", "20971520,50,60").split(",")
    return create_app(os.environ.get("JIXIAO_SERVE_RULESETS") or None,
                      Limits(int(max_bytes), int(max_cases), float(seconds)))
