"""A large case's projects scored on two CPUs (core/forked.py): the same bytes in the same order as
one process, and every failure of the helping child handled as if it had never been forked."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from jixiao.cli import main as cli
from jixiao.core import forked
from jixiao.core.errors import EvaluationError
from jixiao.core.forked import TwoCPUs, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork or fewer than two CPUs here: one process only")


@pytest.fixture
def forks(monkeypatch):
    """The children TwoCPUs forked (in this process): a 1 for each."""
    count, pids = [], []
    real = os.fork

    def counted():
        pid = real()
        if pid:
            count.append(1)
            pids.append(pid)
        return pid
    monkeypatch.setattr(forked.os, "fork", counted)
    yield count
    for pid in pids:  # each was waited for: none is left running or unreaped
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def _all(items, to_bytes, fork_at=2) -> list[bytes]:
    with TwoCPUs(items, to_bytes, fork_at) as work:
        return list(work)


def _in_child(parent: int) -> bool:
    return os.getpid() != parent


def test_the_same_items_in_the_same_order(forks):
    items = list(range(11))
    got = _all(items, lambda i: f"<{i}>".encode() * (i + 1))
    assert got == [f"<{i}>".encode() * (i + 1) for i in items]
    assert forks == [1]
    assert _all(items, lambda i: b"x", fork_at=12) == [b"x"] * 11 and forks == [1]  # below fork_at


def test_an_error_in_the_childs_half_is_raised_where_one_process_raises_it(forks):
    seen = []

    def to_bytes(i):
        if i == 7:
            raise EvaluationError("第8项出错")
        seen.append((os.getpid(), i))
        return str(i).encode()

    got = []
    with pytest.raises(EvaluationError, match="第8项出错"):
        with TwoCPUs(list(range(10)), to_bytes, fork_at=2) as work:
            for chunk in work:
                got.append(chunk)
    assert got == [b"0", b"1", b"2", b"3", b"4", b"5", b"6"] and forks == [1]
    # the parent did the child's half again: 5 and 6 here, after its own 0–4
    assert [i for pid, i in seen] == [0, 1, 2, 3, 4, 5, 6]


def test_a_child_that_dies_is_replaced_by_the_parent(forks):
    parent = os.getpid()

    def to_bytes(i):
        if _in_child(parent) and i == 8:
            os._exit(3)  # killed, out of memory …: no error, no end mark
        return bytes([65 + i])

    assert b"".join(_all(list(range(10)), to_bytes)) == b"ABCDEFGHIJ" and forks == [1]


def test_no_process_to_be_had_and_one_process_does_it_all(monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN
    monkeypatch.setattr(forked.os, "fork", refused)
    assert _all(list(range(5)), lambda i: b"%d" % i) == [b"0", b"1", b"2", b"3", b"4"]


def test_a_reader_that_stops_early_stops_the_child(forks):
    with TwoCPUs(list(range(100)), lambda i: b"%d" % i, fork_at=2) as work:
        chunks = iter(work)
        assert next(chunks) == b"0"
        chunks.close()  # the fixture checks that the child was stopped and waited for
    assert forks == [1]


def _score(tmp_path, name, *extra):
    out = tmp_path / name
    result = CliRunner().invoke(cli.main, ["score", str(SAMPLE), "--format", "json", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("public", [[], ["--public"]], ids=["full", "public"])
def test_score_json_on_two_cpus_is_the_same_bytes(tmp_path, monkeypatch, forks, public):
    one = _score(tmp_path, "one.json", *public)
    assert forks == []
    monkeypatch.setattr(forked, "FORK_AT", 2)  # sample-county's three projects: one to the child
    assert _score(tmp_path, "two.json", *public) == one and forks == [1]


def test_a_project_failing_in_the_child_fails_the_case_as_in_one_process(tmp_path, monkeypatch, forks):
    real = cli.evaluate_record

    def failing(ruleset, project, case, engine):
        if project.id == "nt-rjhj":  # the third project: the child's half
            raise EvaluationError("第三个项目出错")
        return real(ruleset, project, case, engine)

    monkeypatch.setattr(forked, "FORK_AT", 2)
    monkeypatch.setattr(cli, "evaluate_record", failing)
    out = tmp_path / "out.json"
    out.write_text("旧结果", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["score", str(SAMPLE), "--format", "json", "-o", str(out)])
    assert result.exit_code != 0 and "第三个项目出错" in result.stderr and forks == [1]
    assert out.read_text(encoding="utf-8") == "旧结果"


def test_a_department_that_fails_stops_the_child_and_writes_nothing(tmp_path, monkeypatch, forks):
    def failing(*_args):
        raise EvaluationError("部门出错")

    monkeypatch.setattr(forked, "FORK_AT", 2)
    monkeypatch.setattr(cli, "case_head", failing)
    result = CliRunner().invoke(cli.main, ["score", str(SAMPLE), "--format", "json", "-o", str(tmp_path / "out.json")])
    assert result.exit_code != 0 and "部门出错" in result.stderr
    # the child began on its half before the department was scored: stopped and reaped (the fixture)
    assert forks == [1] and not (tmp_path / "out.json").exists()


def test_a_child_begun_early_is_stopped_when_the_caller_fails(forks):
    with pytest.raises(EvaluationError, match="调用方出错"):
        with forked.TwoCPUs(list(range(10)), lambda i: b"%d" % i, fork_at=2):
            raise EvaluationError("调用方出错")  # before any item was asked for
    assert forks == [1]  # the fixture: the child was stopped and reaped
