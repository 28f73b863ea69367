"""A large case's projects scored on two CPUs (core/forked.py): the same bytes in the same order as
one process, and every failure of the helping child handled as if it had never been forked."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLE
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


def _making(items, to_bytes, after=None):
    """A child that makes the items itself, as the parent has them, and stops when told (or, with
    `after`, of its own accord after that many)."""
    def child(emit):
        for i, item in enumerate(items):
            if i == after or not emit(to_bytes(item)):
                return
    return child


def _all(items, to_bytes, child=None, fork_at=0) -> list[bytes]:
    with TwoCPUs(child or _making(items, to_bytes), 1, fork_at) as work:
        return list(work.share(items, to_bytes))


def _in_child(parent: int) -> bool:
    return os.getpid() != parent


def test_the_same_items_in_the_same_order(forks):
    items = list(range(11))
    got = _all(items, lambda i: f"<{i}>".encode() * (i + 1))
    assert got == [f"<{i}>".encode() * (i + 1) for i in items]
    assert forks == [1]
    assert _all(items, lambda i: b"x", fork_at=2) == [b"x"] * 11 and forks == [1]  # a size below fork_at


def test_the_child_does_the_first_items_and_the_parent_the_rest(forks):
    parent = os.getpid()
    items = list(range(40))
    got = _all(items, lambda i: b"%d:%s" % (i, b"child" if _in_child(parent) else b"parent"))
    owners = [chunk.split(b":")[1] for chunk in got]
    assert [chunk.split(b":")[0] for chunk in got] == [b"%d" % i for i in items]
    split = owners.index(b"parent") if b"parent" in owners else len(owners)
    assert owners == [b"child"] * split + [b"parent"] * (len(owners) - split) and forks == [1]
    assert split > 0  # half at least when the child had none done yet, else as many as it had


def test_a_child_that_stops_short_leaves_its_items_to_the_parent(forks):
    parent = os.getpid()
    to_bytes = lambda i: b"%d%s" % (i, b"c" if _in_child(parent) else b"p")  # noqa: E731
    items = list(range(100))
    # the child does 3 and stops of its own accord, before the parent tells it where: 3.. are the parent's
    got = _all(items, to_bytes, _making(items, to_bytes, after=3))
    assert got[:3] == [b"0c", b"1c", b"2c"] and got[3:] == [b"%dp" % i for i in range(3, 100)]


def test_a_child_told_to_stop_stops(forks):
    def endless(emit):
        while emit(b"x"):
            pass
    # the child would emit forever if it was not told; it makes every item the same: the parent's are too
    assert _all(list(range(5)), lambda i: b"x", endless) == [b"x"] * 5


def test_an_error_is_raised_where_one_process_raises_it(forks):
    seen = []

    def to_bytes(i):
        if i in (2, 8):
            raise EvaluationError(f"第{i + 1}项出错")
        seen.append(i)
        return str(i).encode()

    got = []
    items = list(range(10))
    with pytest.raises(EvaluationError, match="第3项出错"):
        with TwoCPUs(_making(items, to_bytes), 1, 0) as work:
            for chunk in work.share(items, to_bytes):
                got.append(chunk)
    # whoever had items 2 and 8, the first error in order is raised, after the items before it
    assert got == [b"0", b"1"] and forks == [1]


def test_an_error_in_the_parents_items_waits_for_the_childs(forks):
    parent = os.getpid()

    def to_bytes(i):
        if i == 9 and not _in_child(parent):
            raise EvaluationError("第10项出错")
        return str(i).encode()

    def slow_child(emit):  # does nothing until the parent has failed: the parent does 0–8 itself
        time.sleep(0.3)

    got = []
    items = list(range(10))
    with pytest.raises(EvaluationError, match="第10项出错"):
        with TwoCPUs(slow_child, 1, 0) as work:
            for chunk in work.share(items, to_bytes):
                got.append(chunk)
    assert got == [str(i).encode() for i in range(9)] and forks == [1]


def test_a_child_that_dies_is_replaced_by_the_parent(forks):
    parent = os.getpid()

    def to_bytes(i):
        if _in_child(parent) and i == 1:
            os._exit(3)  # killed, out of memory …: no error, no end mark
        return bytes([65 + i])

    assert b"".join(_all(list(range(10)), to_bytes)) == b"ABCDEFGHIJ" and forks == [1]


def test_no_process_to_be_had_and_one_process_does_it_all(monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN
    monkeypatch.setattr(forked.os, "fork", refused)
    assert _all(list(range(5)), lambda i: b"%d" % i) == [b"0", b"1", b"2", b"3", b"4"]


def test_a_reader_that_stops_early_stops_the_child(forks):
    items = list(range(100))
    with TwoCPUs(_making(items, lambda i: b"%d" % i), 1, 0) as work:
        chunks = work.share(items, lambda i: b"%d" % i)
        assert next(chunks) == b"0"
        chunks.close()  # the fixture checks that the child was stopped and waited for
    assert forks == [1]


def test_a_child_begun_early_is_stopped_when_the_caller_fails(forks):
    with pytest.raises(EvaluationError, match="调用方出错"):
        with TwoCPUs(lambda emit: time.sleep(5), 1, 0):
            raise EvaluationError("调用方出错")  # before any item was asked for
    assert forks == [1]  # the fixture: the child was stopped and reaped


@pytest.mark.parametrize("done, expected", [
    # 10,000 items read by the parent in the 3 s the child took for 5,000 (0.6 ms an item: 0.3 to
    # read, 0.3 for the bytes): the other 5,000 split so that both finish together, 1 : 1 by speed
    # (child 0.6 ms, parent 0.3 ms an item): 5,000 + 5,000 × 0.3 ÷ 0.9 = 6,667
    (5_000, 6_667),
    (0, 5_000),  # the child has not done one yet: no speed known, half each
    (10_000, 10_000),  # it did them all
])
def test_where_the_child_stops_evens_out_the_two(monkeypatch, done, expected):
    work = TwoCPUs(None)
    work.counts, work.started = bytearray(forked._COUNTS.pack(done, forked._DONE)), 100.0
    monkeypatch.setattr(forked.time, "perf_counter", lambda: 103.0)
    assert work._stop_at(10_000) == expected
    assert forked._COUNTS.unpack(work.counts) == (done, expected)  # and the child is told


def _score(tmp_path, case, name, *extra):
    out = tmp_path / name
    result = CliRunner().invoke(cli.main, ["score", str(case), "--format", "json", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


CASES = [SAMPLE, *sorted((ROOT / "cases" / "real").glob("*.yaml")), ROOT / "cases" / "lusong-zfw-2024.yaml"]


@pytest.fixture
def scorers(tmp_path, monkeypatch):
    """The processes that scored each project, in the order they did (a file: the child's memory is its own)."""
    log = tmp_path / "scorers.txt"
    real = cli.evaluate_record

    def logged(ruleset, record, case, engine):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return real(ruleset, record, case, engine)
    monkeypatch.setattr(cli, "evaluate_record", logged)
    return lambda: [int(line) for line in log.read_text(encoding="utf-8").split()] if log.exists() else []


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
@pytest.mark.parametrize("public", [[], ["--public"]], ids=["full", "public"])
def test_score_json_on_two_cpus_is_the_same_bytes(tmp_path, monkeypatch, forks, scorers, case, public):
    one = _score(tmp_path, case, "one.json", *public)
    projects = len(scorers())
    assert forks == [] and set(scorers()) <= {os.getpid()}
    monkeypatch.setattr(forked, "FORK_AT", 0)  # every case: the child reads it and scores its first projects
    assert _score(tmp_path, case, "two.json", *public) == one and forks == [1]
    if projects >= 2:  # the child is asked for half at least (or as many as it has done): it scored some
        assert set(scorers()[projects:]) - {os.getpid()}


def test_projects_written_before_the_department_are_all_the_parents(tmp_path, monkeypatch, forks, scorers):
    text = SAMPLE.read_text(encoding="utf-8")
    head, projects = text.split("\nprojects:", 1)
    case_part, department = head.split("\ndepartment:", 1)
    moved = tmp_path / "moved.yaml"
    moved.write_text(f"{case_part}\nprojects:{projects}\ndepartment:{department}\n", encoding="utf-8")
    one = _score(tmp_path, moved, "one.json")
    monkeypatch.setattr(forked, "FORK_AT", 0)
    assert _score(tmp_path, moved, "two.json") == one and forks == [1]
    assert set(scorers()) == {os.getpid()}  # the child scored none: it cannot know the case's fields yet


def test_a_project_failing_in_the_child_fails_the_case_as_in_one_process(tmp_path, monkeypatch, forks):
    real = cli.evaluate_record

    def failing(ruleset, project, case, engine):
        if project.id == "nt-rjhj":  # the third project
            raise EvaluationError("第三个项目出错")
        return real(ruleset, project, case, engine)

    monkeypatch.setattr(forked, "FORK_AT", 0)
    monkeypatch.setattr(cli, "evaluate_record", failing)
    out = tmp_path / "out.json"
    out.write_text("旧结果", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["score", str(SAMPLE), "--format", "json", "-o", str(out)])
    assert result.exit_code != 0 and "第三个项目出错" in result.stderr and forks == [1]
    assert out.read_text(encoding="utf-8") == "旧结果"


def test_a_department_that_fails_stops_the_child_and_writes_nothing(tmp_path, monkeypatch, forks):
    def failing(*_args):
        raise EvaluationError("部门出错")

    monkeypatch.setattr(forked, "FORK_AT", 0)
    monkeypatch.setattr(cli, "case_head", failing)
    result = CliRunner().invoke(cli.main, ["score", str(SAMPLE), "--format", "json", "-o", str(tmp_path / "out.json")])
    assert result.exit_code != 0 and "部门出错" in result.stderr
    # the child began on the projects before the department was scored: stopped and reaped (the fixture)
    assert forks == [1] and not (tmp_path / "out.json").exists()


def test_a_case_that_does_not_load_stops_the_child(tmp_path, monkeypatch, forks):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("id: nt-rjhj", "id: nt-gbzn", 1), encoding="utf-8")
    monkeypatch.setattr(forked, "FORK_AT", 0)
    result = CliRunner().invoke(cli.main, ["score", str(bad), "--format", "json", "-o", str(tmp_path / "out.json")])
    assert result.exit_code != 0 and "项目编号重复" in result.stderr and forks == [1]
    assert not Path(tmp_path / "out.json").exists()
