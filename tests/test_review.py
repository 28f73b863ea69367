"""The review (复核) rulesets review-fuhe / review-fuhe-project, on the seed and on constructed cases.

Hand-worked figures:
- seed: the 雪亮工程 paragraph's third sentence ("全区政法机关……安全保障。", 154 characters) is the
  department paragraph's sentence character for character: ratio 2·154 ÷ 308 = 1.0000 ≥ 0.9;
  "年初预算专项资金共4个，上级专项资金1个，区级大项资金1个，上年结转资金1个" = 7 declared, 5 listed;
  improvement (二) says "将绩效评价作为街道开展工作的必备程序" in a 区委政法委's report.
- the form's stock sentence, 维稳 vs 雪亮 ("年初预算资金30万元…8.42万元。" vs "…67万元…10.82万元。"),
  scores 0.8421 (< 0.9) and is 47–48 characters (< 50): never a repeat.
- cases/review/dirty.yaml: 100.00 ÷ 100.00 = 100.00% while 60.00 + 30.00 = 90.00; 0 → 3.36
  (3.36 − 0 = 3.36) unexplained; |70 − 100| ÷ 100 = 30% > 20% unexplained; 4 declared, 3 listed.
"""
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import SAMPLE, by_id
from jixiao import evaluate_case, load_case, load_ruleset
from jixiao.expressions.native import compile_node
from jixiao.expressions.parser import parse_expression
from jixiao.expressions.textsim import max_similarity, mentions, sentences, similarity

DATA = Path(__file__).resolve().parent.parent / "cases" / "review"


@pytest.fixture(scope="module")
def review_rs():
    return load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")


def review(case, review_rs, engine):
    return evaluate_case(case, review_rs[0], review_rs[1], engine)


def fired(result):
    return {"department": sorted(f.id for f in result.department.findings),
            **{p.id: sorted(f.id for f in p.findings) for p in result.projects}}


# ---- the text measures ------------------------------------------------------------------------

def test_sentences_split_on_chinese_stops_and_lines():
    assert sentences("甲。乙；丙\n丁！ ") == ["甲。", "乙；", "丙", "丁！"]
    assert sentences(None) == []


def test_similarity_is_difflib_ratio_in_four_places():
    assert similarity("abcd", "abcf") == D("0.7500")  # 2·3 ÷ 8
    assert similarity("甲乙丙", "丁戊己") == D("0.0000")
    assert similarity("a b", "ab") == D("1.0000")  # whitespace does not count


def test_max_similarity_ignores_short_sentences_and_missing_texts():
    long = "这是一个足够长的句子用来测试重复检测。"  # 19 characters
    assert max_similarity(long, [None, "开头。" + long], 10) == D("1.0000")
    assert max_similarity(long, [long], 20) == D("0")  # shorter than min_chars: not compared
    assert max_similarity(None, [long], 5) == D("0")


def test_mentions_returns_the_sentences_with_the_word():
    assert mentions([["一是街道工作。二是区级工作。"], None], "街道") == ["一是街道工作。"]


def test_review_functions_in_expressions():
    run = lambda text, ns: compile_node(parse_expression(text))(ns)  # noqa: E731
    assert run("is_text(x)", {"x": "完成"}) is True
    assert run("is_number(x)", {"x": "完成"}) is False
    assert run("is_text(x)", {"x": None}) is False  # a type test, never unknown
    assert run("distinct(xs)", {"xs": ["效果良好", "效果良好", D(1)]}) == D(2)
    assert run("distinct(xs)", {"xs": None}) is None
    assert run("len(mentions('街道', a, b))", {"a": ["街道一。"], "b": "街道二。乡镇。"}) == D(2)


# ---- the seed ---------------------------------------------------------------------------------

def test_seed_flags_the_repeated_paragraph_the_street_wording_and_7_vs_5(seed_case, review_rs, engine_name):
    result = review(seed_case, review_rs, engine_name)
    dept = result.department
    assert fired(result)["department"] == ["declared_count_mismatch", "duplicate_paragraph", "other_unit_wording_street"]
    assert dept.metrics["duplicate_projects"] == ["雪亮工程建设专项项目"]
    assert dept.metrics["duplicate_similarity"] == D("1.0000")
    assert dept.metrics["similarity_threshold"] == D("0.9")
    assert dept.metrics["street_mentions"] == ["应进一步加强绩效评价工作业务，将绩效评价作为街道开展工作的必备程序，从而使投入的资金发挥最大效益。"]
    assert "报告称专项资金共7个，但项目支出绩效情况只列出5个项目" in by_id(dept.findings, "declared_count_mismatch").problem
    assert "句子相似度100.00%，复核阈值90.00%" in by_id(dept.findings, "duplicate_paragraph").problem
    # no project-level flag: no indicators, no budget changes (雪亮, 维稳 state 0)
    assert all(not p.findings for p in result.projects)


def test_the_forms_stock_sentence_is_not_a_repeat(seed_case):
    weiwen, xueliang = seed_case.project("weiwen").narrative.results, seed_case.project("xueliang").narrative.results
    stock = sentences(weiwen)[0]
    assert stock.startswith("年初预算资金30万元") and len(stock) < 50
    assert similarity(stock, sentences(xueliang)[0]) == D("0.8421")
    assert max_similarity(weiwen, xueliang, 50) < D("0.9")


# ---- constructed cases ------------------------------------------------------------------------

def test_clean_case_flags_nothing(review_rs, engine_name):
    result = review(load_case(DATA / "clean.yaml"), review_rs, engine_name)
    assert fired(result) == {"department": [], "songxi": [], "feiyi": []}


def test_dirty_case_flags_each_defect_with_its_evidence(review_rs, engine_name):
    result = review(load_case(DATA / "dirty.yaml"), review_rs, engine_name)
    assert fired(result) == {
        "department": ["all_full_marks", "declared_count_mismatch", "duplicate_paragraph", "full_rate_parts_short",
                       "no_problems_full_marks", "other_unit_wording_street"],
        "jia": ["quantitative_as_words", "same_qualitative_actuals", "unexplained_adjustment", "unexplained_deviation"],
        "yi": ["all_full_marks", "no_problems_full_marks"],
        "bing": ["unexplained_adjustment"],
    }
    dept = result.department
    assert dept.metrics["spending_rate"] == D("1.0000") and dept.metrics["parts_sum"] == D("90.00")
    assert "基本支出60.00万元与项目支出30.00万元之和只有90.00万元" in by_id(dept.findings, "full_rate_parts_short").problem
    assert dept.metrics["duplicate_projects"] == ["统计执法检查项目"]
    assert "报告称专项资金共4个，但项目支出绩效情况只列出3个项目" in by_id(dept.findings, "declared_count_mismatch").problem
    jia = by_id(result.projects, "jia")
    assert jia.metrics["budget_change"] == D("3.36")
    assert "年中预算调整3.36万元（年初0.00万元，全年3.36万元）" in by_id(jia.findings, "unexplained_adjustment").problem
    assert jia.metrics["unexplained_deviations"] == ["普查表审核数"]  # 30% off, no reason
    assert jia.metrics["quantitative_words"] == ["普查登记单位数"]
    assert "（“完成”）" in by_id(jia.findings, "quantitative_as_words").problem
    assert jia.metrics["qualitative_actuals"] == ["效果良好", "效果良好"]
    bing = by_id(result.projects, "bing")
    assert bing.published is False  # reviewed internally, never published


def test_sample_county_flags_nothing(review_rs, engine_name):
    """The constructed sample adds up, its texts differ, and each mid-year change (80.00 for the
    department, +20.00 and −10.00 in two projects) states its reason."""
    result = review(load_case(SAMPLE), review_rs, engine_name)
    assert {k: v for k, v in fired(result).items() if v} == {}
    assert by_id(result.projects, "nt-rjhj").metrics["budget_change"] == D("-10.00")
