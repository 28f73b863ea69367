"""`jixiao schema result|case|ruleset`: the JSON contracts, for tools that embed or call jixiao."""
from __future__ import annotations

from pathlib import Path

import click

from jixiao.outputs.contracts import KINDS, contract_text


@click.command("schema")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--overrides", is_flag=True, help="ruleset：用于 `extends:` 继承其他规则集的变体（无必填项）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（默认为标准输出）")
def schema_command(kind: str, overrides: bool, output: str | None) -> None:
    """打印 JSON 契约的 JSON Schema：result（评分结果）、case（案例文件）或 ruleset（规则集）。"""
    text = contract_text(kind, overrides)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
