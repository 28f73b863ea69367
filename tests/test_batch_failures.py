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
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from click.testing import CliRunner

from conftest import SAMPLE
from jixiao.batch.runner import LOST, Scorer, Unit, run_batch
from jixiao.cli.main import main
from jixiao.core.i18n import set_language
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_with_duplicate_project_ids_is_refused_whole_in_either_language(tmp_path, lang):
    """Two projects with one id cannot be told apart in the output: neither is scored (the check
    once compared the message with English words and, once it was Chinese, scored both)."""
    case = Path(__file__).parent / "malformed" / "cases" / "duplicate_project_ids.yaml"
    out = tmp_path / "out.jsonl"
    try:
        result = CliRunner().invoke(main, ["--lang", lang, "batch", str(case), "-o", str(out), "--engine", "native"])
    finally:
        set_language(None)
    assert result.exit_code == 2 and "Traceback" not in result.output
    (line,) = read_lines(out)
    assert line["error"].endswith("项目编号重复（与第1个项目相同）" if lang == "zh" else "duplicate project id (also project #1)")


@dataclass
class DyingScorer(Scorer):
    """Scores like Scorer, but the worker holding unit `mem:7` kills itself (SIGKILL) there —
    every time, or only the first time when `once` names a marker file (the retry then scores)."""

    once: str | None = None

    def fresh(self):
        return DyingScorer(self.rulesets, self.engine, self.public, once=self.once)

    def score(self, unit):
        if unit.source == "mem:7" and (self.once is None or not os.path.exists(self.once)):
            if self.once is not None:
                Path(self.once).write_text("died", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return super().score(unit)


def _memory_units(count: int):
    return [Unit(f"mem:{i + 1}", "mem", i + 1, project_line(f"p{i}")) for i in range(count)]


def test_a_chunk_whose_worker_dies_once_is_retried(tmp_path):
    io_out = StringIO()
    summary = run_batch(_memory_units(12), io_out, DyingScorer(engine="native", once=str(tmp_path / "died")),
                        workers=2, chunk_size=3)
    lines = [json.loads(line) for line in io_out.getvalue().splitlines()]
    assert (tmp_path / "died").exists()  # the worker did die on mem:7
    assert [line["id"] for line in lines] == [f"p{i}" for i in range(12)] and not any("error" in x for x in lines)
    assert not summary.incomplete and summary.exit_code == 0


def test_a_chunk_whose_worker_dies_twice_is_marked_lost():
    io_out = StringIO()
    summary = run_batch(_memory_units(12), io_out, DyingScorer(engine="native"), workers=2, chunk_size=3)
    lines = [json.loads(line) for line in io_out.getvalue().splitlines()]
    # chunks of 3: mem:7 is in the third (mem:7..9): those three are lost, the other nine scored
    assert [line.get("id") for line in lines[:6] + lines[9:12]] == [f"p{i}" for i in (0, 1, 2, 3, 4, 5, 9, 10, 11)]
    assert lines[6:9] == [{"source": f"mem:{i}", "case": None, "id": None, "error": f"mem:{i}: {LOST}", "lost": True}
                          for i in (7, 8, 9)]
    assert lines[12] == {"incomplete": True, "lost": 3,
                         "message": "输出不完整：3条输入未能评分，用 --resume 重新运行可补评"}
    assert len(lines) == 13
    assert summary.incomplete and summary.lost == 3 and summary.exit_code == 3


def _workers_of(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    found = []
    for child in children:
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                found.append(int(child))
        except OSError:
            pass  # gone meanwhile
    return found


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("when", [(0,), (200,), (200, 1200)], ids=["at-start-up", "in-full-swing", "twice"])
def test_a_killed_worker_loses_no_record(tmp_path, how, when):
    """A worker killed before it scored anything (while it compiles the rulesets), in full swing,
    or one worker and later another: every record is written once, in order, exit 0. The hang the
    shared call queue caused (a worker killed holding its lock) cannot happen: each worker has its
    own pipe."""
    records = tmp_path / "records.jsonl"
    count = 2000
    records.write_text("\n".join(project_line(f"p{i}") for i in range(count)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    jixiao = Path(sys.executable).with_name("jixiao")
    batch = subprocess.Popen([str(jixiao), "batch", str(records), "-o", str(out), "--workers", "2", "--chunk-size", "20",
                              "--engine", "native", "--no-progress"], stderr=subprocess.PIPE, text=True)
    killed = []
    moments = list(when)
    deadline = time.time() + 90
    while moments and time.time() < deadline and batch.poll() is None:
        workers = [w for w in _workers_of(batch.pid) if w not in killed]
        written = out.read_bytes().count(b"\n") if out.exists() else 0
        if workers and written >= moments[0]:
            os.kill(workers[0], how)
            killed.append(workers[0])
            moments.pop(0)
        time.sleep(0.01)
    try:
        _, stderr = batch.communicate(timeout=120)
    finally:
        if batch.poll() is None:
            batch.kill()
    lines = read_lines(out)
    assert len(killed) == len(when), "the batch ended before its workers could be killed"
    assert "Traceback" not in stderr, stderr
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
