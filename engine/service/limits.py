"""What one request may ask of the service: its size, its number of cases, its time.

The size is enforced while the body arrives (an ASGI middleware: a client that announces or sends
more than the limit gets 413 as soon as the limit is passed). The time limit bounds how long a
request waits for its answer: work runs in a worker thread, and past the limit the client gets
503 at once (the thread finishes its current case and its result is dropped — Python cannot
interrupt a thread).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, TypeVar

import anyio

from jixiao.core.i18n import _
from jixiao.service.problems import MEDIA_TYPE, TYPE, ServiceError

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_cases: int = 50
    seconds: float = 60.0

    def check_cases(self, count: int) -> None:
        if count > self.max_cases:
            raise ServiceError(413, "too-many-cases", _("案例过多"),
                               _("一次请求最多 {limit} 个案例，本次 {count} 个").format(limit=self.max_cases, count=count))

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(*args)` in a worker thread, answered within the time limit or refused with 503."""
        with anyio.move_on_after(self.seconds) as scope:
            return await anyio.to_thread.run_sync(work, *args, abandon_on_cancel=True)
        if scope.cancelled_caught:
            raise ServiceError(503, "timeout", _("处理超时"),
                               _("请求处理超过 {seconds} 秒，已中止；请减少案例数量后重试").format(seconds=self.seconds))
        raise AssertionError("unreachable")


class BodyLimit:
    """ASGI middleware: 413 problem document for a body larger than `max_bytes`."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send)
        chunks, received = [], 0
        while True:  # read the body up to the limit, then hand it on in one piece
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message], receive), send)
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                return await self._refuse(send)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, send) -> None:
        limit = self.max_bytes // (1024 * 1024)
        body = json.dumps({"type": TYPE + "too-large", "title": _("请求过大"), "status": 413,
                           "detail": _("请求体超过 {limit} MB 的上限").format(limit=limit), "problems": []},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[dict], receive):
    async def replayed():
        return messages.pop(0) if messages else await receive()
    return replayed
