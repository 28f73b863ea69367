"""`jixiao serve`: the JSON API and the workbench pages in one process, on uvicorn."""
from __future__ import annotations

import click

from jixiao.cli.common import abort
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口（0：任一空闲端口）")
@click.option("--rulesets", "folder", type=click.Path(file_okay=False, exists=True), metavar="DIR",
              help="另外提供 DIR 中的规则集（按文件名），与随附规则集并列")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn 工作进程数")
@click.option("--max-mb", default=20, show_default=True, type=click.IntRange(1, 1024), help="请求体上限（MB）")
@click.option("--max-cases", default=50, show_default=True, type=click.IntRange(1, 10000), help="一次请求最多的案例数")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0.1), help="一次请求最长的处理秒数")
def serve(host: str, port: int, folder: str | None, workers: int, max_mb: int, max_cases: int, timeout: float) -> None:
    """启动 JSON 接口（/api；OpenAPI 见 /openapi.json，文档见 /docs）与网页工作台（/）。"""
    try:
        import uvicorn
        from jixiao.service.app import create_app
        from jixiao.service.limits import Limits
    except ImportError as exc:
        raise click.ClickException(_("jixiao serve 需要安装 serve 扩展：pip install 'jixiao[serve]'（{error}）").format(error=exc)) from None
    limits = Limits(max_mb * 1024 * 1024, max_cases, timeout)
    try:
        app = create_app(folder, limits)
    except JixiaoError as exc:
        abort(exc)
    if workers > 1:
        import os
        os.environ.update(JIXIAO_SERVE_RULESETS=folder or "", JIXIAO_SERVE_LIMITS=f"{limits.max_bytes},{max_cases},{timeout}")
        uvicorn.run("jixiao.service.app:from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        click.echo(_("jixiao serve：http://{host}:{port}/（接口 /api，OpenAPI /openapi.json）").format(host=host, port=port), err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
