"""jixiao native against ZEN on a fair footing: each contender alone in its own fresh process.

    python bench/zen_fair.py [--n 20000] [--seed 1] [--rounds 3]

bench/engines.py times every contender in one process, so ZEN ran while durable-rules' `Host`
timer threads (started for the naive-durable contender) kept running and between durable's C
calls, and with its decision created from a JSON string. Here every contender gets its best:
- its own clean process (`--run NAME`, started by this script), with nothing else imported or
  running — ZEN's process never imports durable-rules;
- ZEN's decision created from `zen.ZenDecisionContent` (the pre-parsed content ZEN documents for
  reuse), the graph of bench/engines.py (`zen_graph`), the records converted as there
  (`zen_input`);
- the same records (`engines.generate(n, seed)`, rebuilt identically in each process);
- the same measure: the fastest of `--rounds` passes over all records, and the processes of the
  contenders take turns, `--rounds` times, so that a burst of load on the shared machine hits
  them alike; each contender's fastest process counts.
Deciding is metrics + which rules fire (ZEN's whole job); "whole" is jixiao's full evaluation.
Before timing, the parent checks that ZEN fires the same rules as native on the first 2,000 records.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CONTENDERS = ("native decide", "ZEN decide", "hand-written decide", "native whole", "hand-written whole")


def _runner(name: str):
    """The function timed for `name`, built the way that contender is fastest."""
    if name.startswith("ZEN"):
        import zen
        from engines import zen_graph, zen_input
        decision = zen.ZenEngine().create_decision(zen.ZenDecisionContent(json.dumps(zen_graph())))
        evaluate = decision.evaluate
        return lambda p: evaluate(zen_input(p))
    from engines import RULESET, hand_decide, hand_evaluate
    if name.startswith("hand-written"):
        return hand_decide if name.endswith("decide") else hand_evaluate
    from jixiao import evaluate_record, load_ruleset
    from jixiao.engines import get_engine
    from jixiao.records.namespace import record_namespace
    compiled = load_ruleset(RULESET)
    if name == "native whole":
        return lambda p: evaluate_record(compiled, p, None, "native")
    engine, reads, metrics = get_engine("native"), compiled.reads, compiled.run_metrics

    def decide(p):
        ns = record_namespace(p, None, reads)  # as evaluate_record builds it
        metrics(ns)
        return engine.fire(compiled, ns)
    return decide


def _child(name: str, n: int, seed: int, rounds: int) -> None:
    from engines import generate
    records = generate(n, seed)
    run = _runner(name)
    for p in records[:200]:  # warm up
        run(p)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for p in records:
            run(p)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"rate": n / best}))


def _agree(n: int, seed: int) -> int:
    """Differences between ZEN's fired rules and native's on the first records."""
    from engines import generate
    native, zen_run = _runner("native decide"), _runner("ZEN decide")
    records = generate(min(n, 2000), seed)
    return sum(1 for p in records if native(p) != {row["rule"] for row in zen_run(p)["result"]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--run", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        _child(args.run, args.n, args.seed, args.rounds)
        return 0
    problems = _agree(args.n, args.seed)
    print(f"ZEN and native fire the same rules on the first {min(args.n, 2000):,} records: "
          f"{'yes' if not problems else f'no, {problems} differ'}")
    best = dict.fromkeys(CONTENDERS, 0.0)
    for _ in range(args.rounds):
        for name in CONTENDERS:
            out = subprocess.run([sys.executable, __file__, "--run", name, "--n", str(args.n), "--seed", str(args.seed),
                                  "--rounds", str(args.rounds)], capture_output=True, text=True, check=True)
            best[name] = max(best[name], json.loads(out.stdout.splitlines()[-1])["rate"])
    print(f"\n{args.n:,} projects, bench-project (mof-project-selfeval as the ZEN graph mirrors it), each contender alone in its own process "
          f"(Python {sys.version.split()[0]}):")
    for name in CONTENDERS:
        print(f"  {name:22} {best[name]:>12,.0f} records/s")
    print("\nRatios (records/s ÷ records/s):")
    print(f"  decide: native ÷ ZEN              = {best['native decide'] / best['ZEN decide']:.2f}")
    print(f"  whole native ÷ ZEN deciding       = {best['native whole'] / best['ZEN decide']:.2f}")
    print(f"  decide: native ÷ hand-written     = {best['native decide'] / best['hand-written decide']:.3f}")
    print(f"  whole:  native ÷ hand-written     = {best['native whole'] / best['hand-written whole']:.3f}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
