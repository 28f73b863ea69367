"""What building a record's namespace costs, with a ruleset's reads and in full.

    python bench/namespace.py [--n 20000]

Prints µs per namespace for a project (mof-project-selfeval's reads) and a department
(department-overall's reads, its projects included), and the ratio reads / full.
"""
from __future__ import annotations

import argparse
import timeit
from pathlib import Path

from jixiao import load_case, load_ruleset
from jixiao.records.namespace import record_namespace

ROOT = Path(__file__).resolve().parent.parent


def per_call(function, n: int) -> float:
    return min(timeit.repeat(function, number=n, repeat=3)) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    case = load_case(ROOT / "cases" / "sample-county-2024.yaml")
    for label, record, ruleset in (("project", case.projects[0], "mof-project-selfeval"),
                                   ("department", case.department, "department-overall")):
        reads = load_ruleset(ruleset).reads
        some = per_call(lambda: record_namespace(record, case, reads), n)
        full = per_call(lambda: record_namespace(record, case), n)
        print(f"{label:10s} reads {some:7.2f} µs  full {full:7.2f} µs  reads/full {some / full:.2f}")


if __name__ == "__main__":
    main()
