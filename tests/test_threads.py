"""8 threads scoring different cases at once through the public API give one thread's results."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

from conftest import SAMPLE, SEED
from jixiao import evaluate_case, load_case, load_ruleset


def _variants():
    """16 different cases: the two shipped ones with their figures moved, so results differ."""
    cases = []
    for i in range(8):
        for path in (SEED, SAMPLE):
            case = load_case(path)
            projects = [p.model_copy(update={"actual": p.actual + D(i) if p.actual is not None else None})
                        for p in case.projects]
            cases.append(case.model_copy(update={"projects": projects}))
    return cases


def test_eight_threads_give_the_same_results_as_one(engine_name):
    department, project = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    cases = _variants()

    def score(case) -> str:
        return evaluate_case(case, department, project, engine_name).model_dump_json()

    alone = [score(case) for case in cases]
    assert len(set(alone)) == len(cases)  # the cases really differ
    for _ in range(3):
        with ThreadPoolExecutor(max_workers=8) as pool:
            together = list(pool.map(score, cases * 4))
        assert together == alone * 4
