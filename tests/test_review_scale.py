"""The review's sentence index gives the flags and similarities of comparing every pair.

The generated case comes from bench/review_scale.py: every project writes its own sentences (report
clauses in a new order with new figures, the project's number in each), and a known set of projects
copies one sentence of the department's paragraph, of its goals or of another project — word for
word, or with one or two characters replaced. A copy with c characters replaced in a sentence of n
characters keeps n − c matched characters in blocks around them, so its ratio is 2(n − c) ÷ 2n ≥
(60 − 2) ÷ 60 > 0.96 for sentences of at least 60 characters: every planted copy is flagged at 0.9,
and nothing else, because no two own sentences share more than a few clauses.
"""
from __future__ import annotations

import importlib.util
from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.expressions import textsim
from jixiao.expressions.textsim import FLOOR, Pool, max_similarity, max_similarity_all_pairs, sentences
from jixiao.rulesets.loader import load_ruleset
from jixiao.scoring.evaluate import evaluate_case

_BENCH = Path(__file__).resolve().parent.parent / "bench" / "review_scale.py"
_spec = importlib.util.spec_from_file_location("review_scale", _BENCH)
review_scale = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(review_scale)


@pytest.fixture
def index_always(monkeypatch):
    """Every query through the index, however small (shipped cases are compared exhaustively)."""
    monkeypatch.setattr(textsim, "SMALL_PAIRS", 0)
    textsim._POOLS.clear()
    yield
    textsim._POOLS.clear()


def test_generated_case_flags_exactly_the_planted_copies(index_always):
    case, planted = review_scale.review_case(120, seed=3)
    assert len(planted) >= 2
    result = evaluate_case(case, load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project"), "native")
    dept = result.department
    assert sorted(dept.metrics["duplicate_projects"]) == planted
    # the indexed similarity is the exhaustive one (the generator's vocabulary comes from the shipped
    # cases, so which copy is closest depends on them): at or above the 0.9 threshold, and exact
    similarity = dept.metrics["duplicate_similarity"]
    textsim._POOLS.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textsim, "SMALL_PAIRS", 10 ** 9)
        exhaustive = evaluate_case(case, load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project"), "native")
    assert similarity >= D("0.9") and similarity == exhaustive.department.metrics["duplicate_similarity"]
    assert "duplicate_paragraph" in {f.id for f in dept.findings}


def test_index_agrees_with_all_pairs_on_every_project(index_always):
    case, _ = review_scale.review_case(60, seed=5)
    results = [p.narrative.results for p in case.projects]
    pool = Pool(tuple(results), 50)
    dept = case.department.narrative
    for i, text in enumerate(results):
        others = results[:i] + results[i + 1:]
        reference = max_similarity_all_pairs(text, others, 50)
        indexed = pool.best(text, frozenset([i]))
        if reference >= FLOOR:
            assert indexed == reference
        else:  # below FLOOR: the best of the candidates, never above the true best
            assert indexed <= reference < FLOOR
        assert (indexed >= D("0.9")) == (reference >= D("0.9"))
        for other in (dept.results, dept.goals):
            reference = max_similarity_all_pairs(text, [other], 50)
            indexed = max_similarity(text, [other], 50)
            assert indexed == reference if reference >= FLOOR else indexed <= reference < FLOOR


def test_a_pair_just_over_the_floor_is_found():
    # 60 characters, then the same with 6 replaced: 2·54 ÷ 120 = 0.9000 exactly — on the boundary
    base = "全区政法机关围绕平安建设目标任务扎实开展矛盾纠纷排查化解工作全年共排查各类矛盾纠纷一千二百余件调处成功率达到百分之九十八以上有效"[:60]
    assert len(base) == 60
    changed = "".join("某" if i % 10 == 5 else ch for i, ch in enumerate(base))
    assert max_similarity_all_pairs(base, [changed], 50) == D("0.9000")
    filler = [f"第{k}项工作在东区实施，完成道路硬化三公里，投入资金一百二十万元，受益群众满意度达到百分之九十五以上（项目{k:05d}）。"
              for k in range(250)]
    pool = Pool(tuple([changed, *filler]), 50)
    assert pool.entries * 1 > textsim.SMALL_PAIRS  # the index, not the exhaustive path
    assert pool.best(base) == D("0.9000")


def test_shipped_sentences_still_compare_exhaustively_below_the_floor():
    # the seed's form sentence pair (README: 0.8421) stays exact in a small comparison
    a = "年初预算资金30万元，年中执行调增（减）0万元，全年预算数30万元，全年执行数21.58万元，预算执行率71.93%。"
    b = "年初预算资金67万元，年中执行调增（减）0万元，全年预算数67万元，全年执行数56.18万元，预算执行率83.85%。"
    assert sentences(a) == [a]
    assert max_similarity(a, [b], 10) == max_similarity_all_pairs(a, [b], 10) < FLOOR


@pytest.mark.parametrize("case_path", ["cases/sample-county-2024.yaml", "cases/lusong-zfw-2024.yaml",
                                       "cases/review/clean.yaml", "cases/review/dirty.yaml"])
def test_shipped_cases_compare_exactly_as_all_pairs(case_path):
    # every value, above and below FLOOR: these comparisons are small (sample-county's 0.2883 is
    # 维稳-like wording of nt-zljc against nt-gbzn, and depends on which sentence comes first:
    # SequenceMatcher is not symmetric, so pairs are never reused in the swapped order)
    from jixiao.records.cases import load_case
    case = load_case(Path(__file__).resolve().parent.parent / case_path)
    results = [p.narrative.results for p in case.projects]
    dept = case.department.narrative
    for i, text in enumerate(results):
        others = results[:i] + results[i + 1:]
        assert Pool(tuple(results), 50).best(text, frozenset([i])) == max_similarity_all_pairs(text, others, 50)
        for other in (dept.results, dept.goals):
            assert max_similarity(text, other, 50) == max_similarity_all_pairs(text, other, 50)
