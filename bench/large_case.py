"""A case of 10,000 projects (issue 14's large case): scored in under 5 s and 300 MB peak?

    python bench/large_case.py [--projects 10000] [--runs 3] [--keep FILE]

The case is cases/sample-county-2024.yaml with its three projects repeated (fresh ids) up to
--projects, about 27 MB of YAML for 10,000. Printed: the file's size; `jixiao score CASE --format
json -o FILE` run as its own process --runs times, each run's wall time, CPU time (of all its
processes) and the largest process's peak RSS (getrusage of the children, from a small launcher:
see `measured`), against the targets; one more run whose memory is sampled every 50 ms as the PSS
of all its processes together (the child that scores the first projects shares pages with the
parent: see core/forked.py); and the YAML loading alone, in this process: jixiao's reader (the
parser's events, no node tree, places read only when asked) on libyaml and on PyYAML's
pure-Python parser, and the node-tree walk it falls back to.

Measured on the shared 2-CPU machine (10,000 projects, 27.2 MB): at first (node tree, line table
always, JSON as one str) 39.5 s wall, 1,295 MB peak; with the event reader 13.2 s, 774 MB (8de3661,
`/usr/bin/time`); a project at a time (settled as read, written as scored, the cyclic collector
paused) 10.5–11.1 s wall, 279 MB (bb51c78, a slower day); with the
projects scored on two CPUs and leaner reading 4.9–5.8 s wall by the hour (against 6.6–7.0 s for
bb51c78 in the same hours), 279 MB peak RSS, 284 MB PSS of both processes (cb8843f); with the
faster evaluation and the child forked before the department 5.24–5.41 s in a busy hour (against
5.85–6.04 s for cb8843f in the same hour), 279 MB peak RSS, 288 MB PSS: the memory target met, the
time target not reliably met; with the child forked before the case is parsed, reading it itself
and scoring the first projects, 4.50–4.62 s (4.35–4.55 s against 4.90–5.12 s for 8fdea68 in the
same hour), 244 MB peak RSS, 260 MB PSS: both targets met.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(count: int) -> str:
    from jixiao.core.yamlsource import load_yaml_text

    data, _lines = load_yaml_text((ROOT / "cases" / "sample-county-2024.yaml").read_text(encoding="utf-8"), "sample")
    base = data["projects"]
    projects = []
    for index in range(count):
        project = yaml.safe_load(yaml.safe_dump(_plain(base[index % len(base)]), allow_unicode=True))
        project["id"] = f"{project['id']}-{index}"
        for row in project.get("indicators", []):
            if row.get("id"):
                row["id"] = f"{row['id']}-{index}"
        projects.append(project)
    data["projects"] = projects
    data["department"].setdefault("declared_counts", {})["special_funds"] = count
    return yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=1000)


def _plain(value):
    """Decimals as YAML numbers written from their text (safe_dump knows no Decimal)."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# Started from this process, a child's peak RSS (ru_maxrss) would be at least this process's size
# when it was spawned: Linux carries the spawning memory's high-water mark across exec, and this
# process holds the generated case (760 MB). A small launcher starts the command and measures it.
_LAUNCHER = """
import resource, subprocess, sys, threading, time

def pss_kb(pid):
    # the proportional set size of pid and its descendants: shared pages are counted once in all
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(pss_kb(int(child)) for child in children.read().split())
    except (OSError, StopIteration, ValueError):
        pass
    return total

mode, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
peak = [0]

def sample():
    while process.poll() is None:
        peak[0] = max(peak[0], pss_kb(process.pid))
        time.sleep(0.05)

sampler = threading.Thread(target=sample, daemon=True)
if mode == "pss":  # reading smaps_rollup walks the page tables: a CPU's share, so not in timed runs
    sampler.start()
stderr = process.communicate()[1]
seconds = time.perf_counter() - start
if sampler.is_alive():
    sampler.join()
child = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(stderr)
print(seconds, child.ru_utime + child.ru_stime, child.ru_maxrss / 1024, peak[0] / 1024, process.returncode)
"""


def measured(command: list[str], pss: bool = False) -> tuple[float, float, float, float, int, str]:
    """Wall seconds, CPU seconds, the largest process's peak RSS and (if `pss`, else 0) the peak of
    all its processes' PSS together (MB: a forked child shares pages), exit status and stderr."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, "pss" if pss else "time", *command],
                          capture_output=True, text=True)
    seconds, cpu, peak_mb, pss_mb, returncode = done.stdout.split()
    return float(seconds), float(cpu), float(peak_mb), float(pss_mb), int(returncode), done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--keep", help="write the generated case here (else a temporary file)")
    parser.add_argument("--runs", type=int, default=3, help="how many times `jixiao score` is run (each printed)")
    args = parser.parse_args()
    text = generate(args.projects)
    folder = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(folder.name) / "large.yaml"
    path.write_text(text, encoding="utf-8")
    print(f"case: {args.projects:,} projects, {len(text.encode()) / 1e6:.1f} MB of YAML")

    jixiao = Path(sys.executable).with_name("jixiao")
    command = [str(jixiao) if jixiao.exists() else sys.executable, *([] if jixiao.exists() else ["-m", "jixiao"]),
               "score", str(path), "--format", "json", "-o", str(Path(folder.name) / "out.json")]
    for _run in range(args.runs):
        seconds, cpu, peak_mb, _pss, returncode, stderr = measured(command)
        if returncode not in (0, 1):
            print(stderr[-2000:])
            return 2
        print(f"jixiao score: {seconds:.2f} s wall, {cpu:.2f} s CPU (target < 5 s: {'met' if seconds < 5 else 'NOT met'}); "
              f"peak RSS {peak_mb:.0f} MB")
    _seconds, _cpu, peak_mb, pss_mb, _status, _stderr = measured(command, pss=True)
    memory = max(peak_mb, pss_mb)  # the largest process, or all of them together
    print(f"memory (one more run, sampled every 50 ms): peak RSS {peak_mb:.0f} MB, peak PSS of its processes together "
          f"{pss_mb:.0f} MB (target < 300 MB: {'met' if memory < 300 else 'NOT met'})")

    from jixiao.core import yamlsource
    timings = {}
    for name, load, loader in (("libyaml", yamlsource._load, yamlsource._DecimalLoader),
                               ("pure Python", yamlsource._load, yamlsource._PyDecimalLoader),
                               ("node tree", yamlsource._load_tree, yamlsource._DecimalLoader)):
        start = time.process_time()
        load(text, str(path), loader)
        timings[name] = time.process_time() - start
    print(f"YAML loading (CPU): events on libyaml {timings['libyaml']:.2f} s, on pure Python {timings['pure Python']:.2f} s "
          f"({timings['pure Python'] / timings['libyaml']:.1f}×); libyaml node tree walk {timings['node tree']:.2f} s "
          f"({timings['node tree'] / timings['libyaml']:.1f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
