"""Errors as RFC 9457 problem documents (`application/problem+json`), carrying the same
file/line/field problems the CLI prints, one object per problem."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from jixiao.core.errors import EngineError, JixiaoError, Problem
from jixiao.core.i18n import _

MEDIA_TYPE = "application/problem+json"
TYPE = "urn:jixiao:problem:"  # + a slug; the title says it in words


class ProblemItem(BaseModel):
    """One problem, as the CLI prints it (`text`) and by its parts."""

    text: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    record: str | None = None
    field: str | None = None


class ProblemDocument(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    problems: list[ProblemItem] = []


def item(problem: Problem) -> dict[str, Any]:
    where = asdict(problem.location) if is_dataclass(problem.location) else {}
    return {"text": str(problem), "message": problem.message, **where, "record": problem.record,
            "field": problem.field}


class ServiceError(Exception):
    """A request the service refuses (too large, too many cases, too slow) — not an input error."""

    def __init__(self, status: int, slug: str, title: str, detail: str):
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        super().__init__(detail)


def document(status: int, slug: str, title: str, detail: str, problems: list[dict] | None = None,
             instance: str | None = None) -> JSONResponse:
    body = {"type": TYPE + slug, "title": title, "status": status, "detail": detail, "instance": instance,
            "problems": problems or []}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def from_error(error: JixiaoError, instance: str | None = None) -> JSONResponse:
    if isinstance(error, EngineError):
        status, slug, title = 500, "engine", _("规则引擎运行失败")
    else:
        status, slug, title = 422, "invalid-input", _("输入有误")
    problems = [item(p) for p in error.problems]
    detail = problems[0]["text"] if len(problems) == 1 else _("共 {n} 处问题，见 problems").format(n=len(problems))
    return document(status, slug, title, detail, problems, instance)


def install(app) -> None:
    """Every error a request can cause answers as a problem document."""

    @app.exception_handler(JixiaoError)
    async def _jixiao(request: Request, exc: JixiaoError):
        return from_error(exc, request.url.path)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError):
        return document(exc.status, exc.slug, exc.title, exc.detail, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path"))
            message = _("参数不合法：{message}").format(message=error.get("msg", ""))
            problems.append(item(Problem(message, field=field or None)))
        detail = problems[0]["text"] if problems else _("请求参数不合法")
        return document(422, "invalid-request", _("请求参数不合法"), detail, problems, request.url.path)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        titles = {404: _("找不到该地址"), 405: _("不支持该请求方法"), 413: _("请求过大")}
        title = titles.get(exc.status_code, _("请求无法处理"))
        return document(exc.status_code, f"http-{exc.status_code}", title, title, instance=request.url.path)
