"""Peak memory of `jixiao batch` over many generated project records.

Writes N project records (JSON Lines, deterministic from a seed; about 1 in 10,000 deliberately
bad) to a temporary file, runs `jixiao batch` on it as a subprocess, and samples the resident
memory of the whole process tree (the main process and its workers) every 0.1 s. Prints the
record count, wall time, records per second, the peak RSS of the largest process (as
getrusage(RUSAGE_CHILDREN) reports it) and the peak of the tree's summed RSS.

    python bench/batch_memory.py                       # 1,000,000 records, native engine, 1 worker
    python bench/batch_memory.py -n 100000 --engine durable --workers 2
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LEVELS = [("产出", "数量"), ("产出", "质量"), ("产出", "时效"), ("效益", "社会效益"), ("满意度", "服务对象满意度")]


def generate(path: Path, n: int, seed: int = 2024) -> None:
    """N project records, one per line, streamed to `path` (never held in memory)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            final = rng.randint(1000, 500000)  # in 分 (hundredths of 万元), written with two decimals
            actual = final * rng.randint(60, 100) // 100
            project: dict = {
                "id": f"p{i:07d}",
                "name": f"示例项目{i:07d}",
                "budget": {"initial": f"{final / 100:.2f}", "final": f"{final / 100:.2f}"},
                "actual": f"{actual / 100:.2f}",
                "carryover": f"{(final - actual) / 100:.2f}",
                "confidential": rng.random() < 0.01,
                "indicators": [],
            }
            for j, (level1, level2) in enumerate(rng.sample(LEVELS, rng.randint(0, 4))):
                target = rng.randint(50, 1000)
                project["indicators"].append({
                    "level1": level1, "level2": level2, "name": f"指标{j + 1}", "direction": ">=",
                    "target": target, "actual": target * rng.randint(50, 110) // 100, "weight": 10,
                })
            if rng.random() < 0.0001:
                project["actual"] = "未填"  # a bad record: reported, the others go on
            record = {"case": {"id": f"gen-{i // 1000:04d}", "unit": "示例单位", "year": 2024}, "project": project}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def tree_rss_kb(pid: int) -> int:
    """Summed VmRSS of `pid` and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--engine", default="native", choices=["native", "durable", "auto"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated input and the output")
    args = parser.parse_args()

    jixiao = shutil.which("jixiao") or str(Path(sys.executable).with_name("jixiao"))
    work = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    records, output = work / "records.jsonl", work / "results.jsonl"
    started = time.perf_counter()
    generate(records, args.n)
    print(f"generated {args.n:,} records ({records.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")

    command = [jixiao, "batch", str(records), "-o", str(output), "--engine", args.engine,
               "--workers", str(args.workers), "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    while process.poll() is None:
        peak_tree = max(peak_tree, tree_rss_kb(process.pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    summary = process.stderr.read()
    peak_single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    lines = sum(1 for _ in open(output, "rb"))
    print(summary.rstrip())
    print(f"command: {' '.join(command)}")
    print(f"exit status {process.returncode}; {lines:,} output lines ({output.stat().st_size / 1e6:.0f} MB)")
    print(f"records: {args.n:,}  engine: {args.engine}  workers: {args.workers}")
    print(f"wall time: {elapsed:.0f} s  ({args.n / elapsed:,.0f} records/s)")
    print(f"peak RSS, largest process: {peak_single / 1024:.0f} MB")
    print(f"peak RSS, whole process tree (sampled every 0.1 s): {peak_tree / 1024:.0f} MB")
    if not args.keep:
        shutil.rmtree(work)
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
