"""What every `jixiao` subcommand shares: the --ruleset and --engine options, how errors are
printed, and where output goes. No command module defines these again."""
from __future__ import annotations

import errno
import os
import sys
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator

import click
from click.shell_completion import CompletionItem

from jixiao.core.errors import InputError, JixiaoError, Location, Problem
from jixiao.core.i18n import N_, _
from jixiao.rulesets.loader import shipped_ids

ENGINE = click.option("--engine", type=click.Choice(["auto", "durable", "native"]), default="auto", show_default=True,
                      help="规则引擎：auto（可用时用 durable-rules）、durable 或 native")
def complete_ruleset(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion: the shipped ruleset ids, then files (`eval "$(_JIXIAO_COMPLETE=bash_source jixiao)"`)."""
    ids = [CompletionItem(ident) for ident in shipped_ids() if ident.startswith(incomplete)]
    return ids + [CompletionItem(incomplete, type="file")]


RULESETS = click.option("--ruleset", "rulesets", multiple=True, metavar="ID|PATH", shell_complete=complete_ruleset,
                        help=N_("所用规则集（部门、项目各一，可重复）；默认：部门 department-overall，项目 mof-project-selfeval"))
REVIEWS = click.option("--review", "reviews", multiple=True, metavar="ID|PATH", shell_complete=complete_ruleset,
                       help=N_("与评分规则集并用的复核规则集，从不替代评分规则集（部门、项目各一，可重复）；"
                               "默认：部门 review-fuhe，项目 review-fuhe-project"))
NO_REVIEW = click.option("--no-review", is_flag=True, help="不运行复核规则集")


def report_problem(problem: Problem | str) -> None:
    click.echo(_("错误：{problem}").format(problem=problem), err=True)


def fail(error: JixiaoError) -> None:
    """One line per problem on stderr, no traceback; the caller goes on with the other inputs."""
    for problem in error.problems:
        report_problem(problem)


def abort(error: JixiaoError) -> None:
    """`fail`, then exit with the error's status (2 for bad input)."""
    fail(error)
    sys.exit(error.exit_code)


_WRITE_ERRORS = {errno.ENOENT: N_("所在文件夹不存在"), errno.EACCES: N_("没有写入权限"), errno.EPERM: N_("没有写入权限"),
                 errno.ENOSPC: N_("磁盘空间不足"), errno.EISDIR: N_("这是一个文件夹"), errno.EROFS: N_("文件系统只读")}


def unwritable(output: str, error: OSError) -> InputError:
    """The output file cannot be written (no such folder, no permission, a full disk): a line, no traceback."""
    why = _WRITE_ERRORS.get(error.errno)
    return InputError([Problem(_("无法写入输出文件：{error}").format(error=_(why) if why else error.strerror or error),
                               Location(output))])


def emit_bytes(chunks: list[bytes], output: str | None) -> None:
    """UTF-8 `chunks` to the file `output`, or to stdout (large JSON, without decoding it first)."""
    if output:
        try:
            with open(output, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            abort(unwritable(output, exc))
    else:
        for chunk in chunks:
            click.echo(chunk, nl=False)


@contextmanager
def replaced_on_success(output: str) -> Iterator[BinaryIO]:
    """A file to write into that becomes `output` only when the block ends without an exception:
    output written as it is computed never leaves a half-written file (nor clobbers the old one)."""
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(output)), prefix=".jixiao-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # as open() would have made it
        os.replace(temporary, output)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def emit(text: str, output: str | None) -> None:
    """`text` to the file `output`, or to stdout."""
    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            abort(unwritable(output, exc))
    else:
        click.echo(text, nl=False)
