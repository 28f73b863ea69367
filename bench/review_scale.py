"""Seconds for the review (复核) rulesets on one case of many projects, and the flags they raise.

    python bench/review_scale.py [--sizes 100,1000,10000] [--seed 1] [--engine native|durable]

Each case is generated (`review_case`): every project's 绩效情况 paragraph is made of its own
sentences, made of the shipped and test cases' own clauses in a new order with new figures and
names, so two different projects share words and clauses but not sentences; then a known set of projects copies one long
sentence of the department's paragraph, of its goals, or of another project (some word for word,
some with a few characters changed). The answer is known by construction (`planted`): exactly those
projects are flagged, and `duplicate_similarity` is 1.0000 (some copy is word for word). The script prints, per size, the
seconds `evaluate_case` takes with `review-fuhe` and `review-fuhe-project` (the two passes
`jixiao report` adds) — wall-clock and this process's CPU seconds (steadier on a shared
machine) — and exits non-zero when the flags differ from the planted answer.
That the index gives the flags and values of comparing every pair is tests/test_review_scale.py's job.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jixiao.records.model import Case  # noqa: E402
from jixiao.rulesets.loader import load_ruleset  # noqa: E402
from jixiao.scoring.evaluate import evaluate_case  # noqa: E402

_ROOT = Path(__file__).resolve().parent.parent
_DIGITS = re.compile(r"\d+")


def _clauses() -> list[str]:
    """The clauses (between ，。；：、) of every text in the shipped and test cases: real report wording."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(c.strip() for c in re.split(r"[，。；：、\n]", value)
                         if len(c.strip()) >= 4 and re.search(r"[\u4e00-\u9fff]", c))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for path in sorted([*_ROOT.glob("cases/*.yaml"), *_ROOT.glob("cases/review/*.yaml")]):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found)


_SHORT_CLAUSES = [c for c in _clauses() if len(c) <= 16]
_CHARACTERS = sorted({ch for c in _clauses() for ch in c if "\u4e00" <= ch <= "\u9fff"})


def _sentence(r: random.Random, i: int, k: int) -> str:
    """A long (≥ 50-character) sentence of project `i`: report clauses in a new order, new figures."""
    parts = [f"第{k + 1}项工作在{_name(r)}片区实施"]
    for clause in r.sample(_SHORT_CLAUSES, 12):  # distinct clauses: no two sentences alike by chance
        clause = _DIGITS.sub(lambda _: str(r.randint(1, 9999)), clause)
        parts.append(f"{_name(r)}{clause}" if r.random() < 0.5 else clause)  # its own places and names
        if sum(map(len, parts)) >= 60:
            break
    return "，".join(parts) + f"（项目{i:05d}）。"


def _name(r: random.Random) -> str:
    """A place or unit name of two characters from the cases' own characters."""
    return r.choice(_CHARACTERS) + r.choice(_CHARACTERS)


def _mutate(r: random.Random, sentence: str, changes: int) -> str:
    chars = list(sentence)
    for _ in range(changes):
        chars[r.randrange(len(chars))] = r.choice(_CHARACTERS)
    return "".join(chars)


def review_case(n: int, seed: int) -> tuple[Case, list[str]]:
    """A case of `n` projects and the names of the projects that copy a sentence (the answer)."""
    r = random.Random(seed)
    dept_results = _sentence(r, 99999, 0) + _sentence(r, 99999, 1)
    dept_goals = _sentence(r, 99998, 0)
    paragraphs = [[_sentence(r, i, k) for k in range(r.randint(1, 3))] for i in range(n)]
    copies = max(2, n // 50)
    planted: set[int] = set()
    for _ in range(copies):
        i = r.randrange(n)
        source = r.choice(["department", "goals", "project"])
        if source == "department":
            copied = dept_results.split("。")[0] + "。"
        elif source == "goals":
            copied = dept_goals
        else:
            j = r.randrange(n)
            if j == i:
                continue
            copied = paragraphs[j][0]
            planted.add(j)  # copying is symmetric: the source project repeats the copy too
        paragraphs[i].append(_mutate(r, copied, r.choice([0, 0, 1, 2])))
        planted.add(i)
    projects = [{
        "id": f"p{i:05d}", "name": f"项目{i:05d}",
        "budget": {"initial": Decimal("10.00"), "adjustment": Decimal("0"), "final": Decimal("10.00")},
        "actual": Decimal("10.00"), "carryover": Decimal("0"),
        "narrative": {"results": "".join(paragraphs[i])},
    } for i in range(n)]
    case = Case.model_validate({
        "case": {"id": f"review-scale-{n}", "unit": "示例县住房和城乡建设局", "year": 2024, "source": "generated"},
        "department": {
            "id": "dept", "name": "示例县住房和城乡建设局",
            "budget": {"initial": Decimal("100.00"), "adjustment": Decimal("0"), "final": Decimal("100.00")},
            "spending": {"total": Decimal("100.00"), "basic": Decimal("90.00"), "project": Decimal("10.00")},
            "declared_counts": {"special_funds": n},
            "narrative": {"results": dept_results, "goals": dept_goals},
        },
        "projects": projects,
    })
    return case, sorted(f"项目{i:05d}" for i in planted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default="native", choices=["native", "durable"])
    args = parser.parse_args()
    department, project = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    failed = False
    print(f"{'projects':>9} {'seconds':>8} {'CPU s':>8} {'flagged':>8} {'planted':>8} {'max similarity':>15}")
    for n in (int(s) for s in args.sizes.split(",")):
        case, planted = review_case(n, args.seed)
        start, cpu = time.perf_counter(), time.process_time()
        result = evaluate_case(case, department, project, args.engine)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        flagged = sorted(result.department.metrics["duplicate_projects"])
        similarity = result.department.metrics["duplicate_similarity"]
        print(f"{n:>9} {seconds:>8.2f} {cpu:>8.2f} {len(flagged):>8} {len(planted):>8} {similarity!s:>15}")
        if flagged != planted:
            failed = True
            print(f"  flags differ from the planted answer: extra {sorted(set(flagged) - set(planted))[:5]}, "
                  f"missing {sorted(set(planted) - set(flagged))[:5]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
