"""Instructions a record, counted by callgrind: the engines' costs without the machine's noise.

    python bench/instructions.py [--n 1000] [--jobs 2]

Needs valgrind. Each measurement runs this script again under callgrind with collection switched
on only inside `builtin_all`, i.e. inside the timing loop `all(map(step, records))`, so that
imports, compiling the ruleset and generating the records are not counted; an empty step gives
the loop's own cost, which is subtracted. Counts are deterministic to a few parts in a thousand,
where wall-clock rates on a shared machine moved by ±25 %; instructions are not time (a decimal
division is few instructions and many cycles), so read both this and bench/engines.py.

Steps (bench/rulesets/bench-project.yaml on bench/engines.py's generated projects):
- deciding: the namespace, then the metrics, then the rules, each counted cumulatively;
- whole: evaluate_record, also with result validation and number formats switched off, to
  show what they cost;
- the hand-written functions of bench/engines.py, deciding and whole.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = ["empty", "namespace", "metrics", "decide", "whole", "whole-no-validation", "whole-no-formats",
         "hand-decide", "hand-whole"]


def run_step(step: str, n: int) -> None:
    """Inside callgrind: warm up, then run `step` over n records inside builtin_all."""
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    from engines import RULESET, generate, hand_decide, hand_evaluate

    from jixiao import evaluate_record, load_ruleset
    from jixiao.records.namespace import record_namespace
    compiled = load_ruleset(RULESET)
    if step == "whole-no-validation":
        import jixiao.scoring.evaluate as evaluate
        evaluate._validate_result = lambda fields: fields
    if step == "whole-no-formats":
        import jixiao.scoring.methods as scoring
        scoring.number = scoring.percent = lambda value, places=2: ""
        scoring.shown_as = lambda fmt: (lambda value: "")

    def namespace(p):
        return record_namespace(p, None, compiled.reads)

    def metrics(p):
        compiled.run_metrics(namespace(p))

    def decide(p):
        ns = namespace(p)
        compiled.run_metrics(ns)
        return compiled.run_rules(ns)

    def whole(p):
        return evaluate_record(compiled, p, None, "native")

    run = {"empty": lambda p: None, "namespace": namespace, "metrics": metrics, "decide": decide, "whole": whole,
           "whole-no-validation": whole, "whole-no-formats": whole,
           "hand-decide": hand_decide, "hand-whole": hand_evaluate}[step]
    records = generate(n + 200, 1)
    for p in records[:200]:
        run(p)
    all(map(lambda p: (run(p), True)[1], records[200:]))


def count(step: str, n: int) -> int:
    """Instructions callgrind collected for `step` over n records."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=builtin_all",
                        f"--callgrind-out-file={out}", sys.executable, __file__, "--step", step, "--n", str(n)],
                       check=True, capture_output=True)
        text = Path(out).read_text()
    match = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    if match is None:
        raise SystemExit(f"no instruction total in callgrind's output for {step}")
    return int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="records per step (default 1,000)")
    parser.add_argument("--jobs", type=int, default=2, help="callgrind runs at once (default 2)")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_step(args.step, args.n)
        return 0
    with ThreadPoolExecutor(args.jobs) as pool:
        totals = dict(zip(STEPS, pool.map(lambda step: count(step, args.n), STEPS)))
    per = {step: (total - totals["empty"]) / args.n for step, total in totals.items()}
    print(f"Instructions a record (callgrind, {args.n:,} generated projects, the loop's own "
          f"{totals['empty'] / args.n:,.0f} subtracted; Python {sys.version.split()[0]}):")
    rows = [("deciding, native", per["decide"],
             f"namespace {per['namespace']:,.0f} + metrics {per['metrics'] - per['namespace']:,.0f} "
             f"+ rules {per['decide'] - per['metrics']:,.0f}"),
            ("deciding, hand-written", per["hand-decide"], ""),
            ("whole, native", per["whole"],
             f"result validation {per['whole'] - per['whole-no-validation']:,.0f}, "
             f"number formats {per['whole'] - per['whole-no-formats']:,.0f}"),
            ("whole, hand-written", per["hand-whole"], "")]
    for label, value, detail in rows:
        print(f"  {label:24} {value:>10,.0f}   {detail}")
    print(f"Ratios (hand-written ÷ native instructions): deciding {per['hand-decide'] / per['decide']:.2f}, "
          f"whole {per['hand-whole'] / per['whole']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
