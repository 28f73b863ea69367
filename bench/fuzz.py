"""The full expression fuzz of issue 12: escapes, crashes, hangs and engine disagreements.

    python bench/fuzz.py [--n 100000] [--seed 1] [--records 20] [--depth 3] [--hang 2.0]

Each expression (tests/expression_fuzz.py: a grammar over a project's fields, well typed or not,
with now and then a piece from outside the language) is compiled as a finding's condition and, if
it compiles, decided by both engines on the same generated project records. Printed: how many
were refused with a typed RulesetError, how many agreed, and the four figures that must be 0 —
escapes (an expression holding `__class__`, `open(…)`, a subscript … that compiled), crashes
(anything but a JixiaoError), hangs (one expression over --hang seconds, compile plus all its
records, and again when timed a second time: one slow trial on a shared machine is not a hang) and
disagreements (the engines' fired rules or errors differ on a record). The first few
of each are printed; exit status 1 if any of the four is not 0. The CI-sized run is
tests/test_expression_fuzz.py.
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import expression_fuzz as fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--hang", type=float, default=2.0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = [fuzz.project(rng, i) for i in range(args.records)]
    counts: collections.Counter = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    slowest = 0.0
    start = time.perf_counter()
    for index in range(args.n):
        text, hostile = fuzz.expression(rng, args.depth)
        outcome, detail, seconds = fuzz.trial(text, hostile, records)
        if seconds > args.hang:
            # a hang is the expression's, not the machine's: a trial slowed by other work on a shared
            # machine (or a collection of this process's garbage) is timed again, and counts only if
            # it is slow again
            again = fuzz.trial(text, hostile, records)[2]
            if again > args.hang:
                counts["hang"] += 1
                examples["hang"].append(f"{seconds:.1f} s, again {again:.1f} s: {text}")
            else:
                counts["slow once"] += 1
                examples["slow once"].append(f"{seconds:.1f} s, again {again * 1000:.0f} ms: {text}")
            seconds = again
        slowest = max(slowest, seconds)
        counts[outcome] += 1
        if outcome in ("escape", "crash", "disagree") and len(examples[outcome]) < 5:
            examples[outcome].append(f"{text}  →  {detail[:300]}")
        if (index + 1) % 10_000 == 0:
            print(f"  {index + 1:,} expressions, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - start
    print(f"expressions: {args.n:,} (seed {args.seed}, depth {args.depth}), {args.records} records each, {elapsed:.0f} s")
    print(f"refused with a RulesetError: {counts['refused']:,}; compiled and decided alike by both engines: {counts['agree']:,}")
    print(f"escapes: {counts['escape']}  crashes: {counts['crash']}  hangs (> {args.hang} s): {counts['hang']}  "
          f"disagreements: {counts['disagree']}  (slowest expression: {slowest:.2f} s; "
          f"over {args.hang} s once but not when timed again: {counts['slow once']})")
    for kind, lines in examples.items():
        for line in lines:
            print(f"  {kind}: {line}")
    return 1 if any(counts[k] for k in ("escape", "crash", "hang", "disagree")) else 0


if __name__ == "__main__":
    sys.exit(main())
