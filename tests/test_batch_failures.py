"""`jixiao batch` under failure (issue 12): a case with one unscoreable amount keeps its good
records, a killed worker's chunk is retried (else its units are marked lost and the output
incomplete), and `--resume` scores only what is not yet written."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from click.testing import CliRunner

from conftest import SAMPLE
from jixiao.batch.runner import LOST, Summary, Unit, _collect
from jixiao.cli.main import main
from test_batch import project_line, read_lines


def test_a_case_with_one_unscoreable_amount_keeps_its_good_records(tmp_path):
    # the sample case has a department and 3 projects; one project's actual is 1e999999999
    text = SAMPLE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("actual: 316.80", "actual: 1e999999999", 1), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(bad), "-o", str(out), "--engine", "native"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = read_lines(out)
    assert len(lines) == 4  # the department (not scored), the bad project, two scored projects
    assert lines[0]["error"].endswith("部门未评分：部门的汇总依赖全部项目，而有项目数据有误（见各项目的错误）")
    assert lines[1]["id"] == "nt-gbzn" and lines[1]["error"].endswith(
        "项目 nt-gbzn，字段 actual：数值1E+999999999过大（绝对值应小于10的15次方）")
    assert [line.get("grade") for line in lines[2:]] == ["良", "中"]  # as in test_batch: 85.79 and 78.40


class _FakePools:
    """Stands in for the worker pool: every future it hands out has died with its worker."""

    def __init__(self, dies: int):
        self.dies, self.restarts = dies, 0

    def submit(self, chunk):
        future = Future()
        if self.dies > 0:
            self.dies -= 1
            future.set_exception(BrokenProcessPool("killed"))
        else:
            future.set_result([("scored", unit.source) for unit in chunk])
        return future

    def restart(self):
        self.restarts += 1


def test_a_chunk_whose_worker_dies_is_retried_once_then_marked_lost():
    units = [Unit(f"r.jsonl:{i}", "r.jsonl", i, "{}") for i in (1, 2)]
    pools = _FakePools(dies=1)  # dies once: the retry scores it
    window = deque([[2, units, pools.submit(units), 0]])
    assert _collect(window, pools) == (2, [("scored", "r.jsonl:1"), ("scored", "r.jsonl:2")]) and pools.restarts == 1
    pools = _FakePools(dies=2)  # dies twice: lost, one line per unit
    window = deque([[2, units, pools.submit(units), 0]])
    done, outputs = _collect(window, pools)
    assert [json.loads(o.line) for o in outputs] == [
        {"source": f"r.jsonl:{i}", "case": None, "id": None, "error": f"r.jsonl:{i}: {LOST}", "lost": True} for i in (1, 2)]
    summary = Summary()
    for output in outputs:
        summary.add(output)
    assert summary.incomplete and summary.lost == 2 and summary.exit_code == 3


@pytest.mark.skipif(os.environ.get("JIXIAO_KILL_TEST") != "1", reason=(
    "set JIXIAO_KILL_TEST=1: under load this run has still been seen to hang after the kill (issue 12 "
    "stays open for it), and a hang would cost CI its 180 s timeout"))
def test_a_killed_worker_loses_no_record(tmp_path):
    records = tmp_path / "records.jsonl"
    count = 2000
    records.write_text("\n".join(project_line(f"p{i}") for i in range(count)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    jixiao = Path(sys.executable).with_name("jixiao")
    batch = subprocess.Popen([str(jixiao), "batch", str(records), "-o", str(out), "--workers", "2", "--chunk-size", "20",
                              "--engine", "native", "--no-progress"], stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.time() + 60
    while killed is None and time.time() < deadline and batch.poll() is None:
        children = subprocess.run(["pgrep", "-P", str(batch.pid)], capture_output=True, text=True).stdout.split()
        workers = [c for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")] \
            if children else []
        if workers and out.exists() and out.read_bytes().count(b"\n") >= 200:  # in full swing
            killed = int(workers[0])
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    try:
        _, stderr = batch.communicate(timeout=180)
    finally:
        if batch.poll() is None:
            batch.kill()
    lines = read_lines(out)
    assert killed is not None, "the batch ended before a worker could be killed"
    assert "Traceback" not in stderr
    assert [line["id"] for line in lines] == [f"p{i}" for i in range(count)] and not any("error" in x for x in lines)
    assert batch.returncode == 0


def test_resume_scores_only_what_is_missing(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(project_line(f"p{i}") for i in range(6)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(main, ["batch", str(records), "-o", str(out), "--engine", "native"]).exit_code == 0
    whole = out.read_text(encoding="utf-8").splitlines()
    # as a killed run leaves it: p0, p1 written, p2 and p3 lost, the mark, p4 cut short
    lost = [json.dumps({"source": f"{records}:{i}", "error": LOST, "lost": True}, ensure_ascii=False) for i in (3, 4)]
    out.write_text("\n".join(whole[:2] + lost + ['{"incomplete":true,"lost":2}']) + "\n" + whole[4][:30],
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(records), "-o", str(out), "--engine", "native", "--resume"])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == sorted(whole)  # every record once, as a whole run writes it


def test_the_eta_leaves_start_up_out():
    """Start-up (0.6 s here) before the first chunk once counted as time per record: 60 records done
    after 0.6 s gave an ETA of 0.6 ÷ 60 × 9,940 ≈ 99 s; here 1,260 records after 0.64 s would give 4.4 s for a
    run that needs under 0.3 s more."""
    import io
    import click
    from jixiao.cli.batch import steady_eta

    with click.progressbar(length=10_000, file=io.StringIO(), show_eta=True) as bar:
        time.sleep(0.6)
        update = steady_eta(bar)
        for _ in range(20):
            update(60)
            time.sleep(0.002)
        bar.last_eta = 0  # click refreshes its average at most once a second
        update(60)
        assert bar.eta < 2  # without steady_eta: 0.64 s ÷ 1,260 × 8,740 ≈ 4.4 s
