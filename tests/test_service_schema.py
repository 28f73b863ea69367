"""Property-based: schemathesis generates requests from /openapi.json and sends them to the
service; no generated request may get a server error (no 5xx but 501, "no matplotlib for the
chart"), and every refusal is a problem document. Bounded: 8 examples per operation by default
(JIXIAO_SCHEMATHESIS_EXAMPLES to change), 13 operations."""
from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed (pip install -e '.[test]')")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, settings  # noqa: E402

from jixiao.service.app import create_app  # noqa: E402
from jixiao.service.limits import Limits  # noqa: E402

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(limits=Limits(seconds=30)))


@schema.parametrize()
@settings(max_examples=int(os.environ.get("JIXIAO_SCHEMATHESIS_EXAMPLES", "8")), deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error(case):
    response = case.call()
    assert response.status_code < 500 or response.status_code == 501, (
        f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:500]}")
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json"), response.text[:200]
