"""`jixiao rulesets validate`: the corpus of broken rulesets, each with the exact lines expected.

Each file in tests/broken_rulesets/ says what is broken in its first line and ends with one
`# expect: file:line:column: message` line per problem; validate must print exactly those, all at
once, and exit 2. Shipped rulesets must validate clean (exit 0).
"""
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli.main import main
from jixiao.cli.rulesets import validate_ref
from jixiao.rulesets.compiler import band_problems
from jixiao.rulesets.model import BandsMethod
from jixiao.rulesets.loader import shipped_ids
from jixiao.core.yamlsource import LineMap

BROKEN = Path(__file__).parent / "broken_rulesets"
CORPUS = sorted(p.name for p in BROKEN.glob("*.yaml"))


def expected_lines(name: str) -> list[str]:
    text = (BROKEN / name).read_text(encoding="utf-8")
    return [line[len("# expect: "):] for line in text.splitlines() if line.startswith("# expect: ")]


def test_the_corpus_has_at_least_20_broken_rulesets_each_with_expectations():
    assert len(CORPUS) >= 20
    for name in CORPUS:
        assert expected_lines(name), name


@pytest.mark.parametrize("name", CORPUS)
def test_broken_ruleset_reports_exactly_the_expected_lines(name, monkeypatch):
    monkeypatch.chdir(BROKEN)
    assert [str(p) for p in validate_ref(name)] == expected_lines(name)


def test_validate_cli_prints_every_problem_and_exits_2(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = CliRunner().invoke(main, ["rulesets", "validate", "many_fields.yaml", "weights_total.yaml"])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == expected_lines("many_fields.yaml") + expected_lines("weights_total.yaml")
    assert len(expected_lines("many_fields.yaml")) == 4  # all four field problems at once, not the first


def test_shipped_rulesets_validate_clean():
    result = CliRunner().invoke(main, ["rulesets", "validate", *shipped_ids()])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def _bands(*bands):
    return band_problems("x", BandsMethod(type="bands", value="v", bands=list(bands)), LineMap("f.yaml"), ("b",))


def test_bands_that_touch_at_a_closed_and_an_open_bound_are_clean():
    assert _bands({"lte": "0.05", "points": 10}, {"gt": "0.05", "lte": "0.1", "points": 8}, {"gt": "0.1", "points": 0}) == []
    # listed in any order, and open at both ends
    assert _bands({"gte": "0.9", "points": 10}, {"lt": "0.8", "points": 0}, {"gte": "0.8", "lt": "0.9", "points": 5}) == []


def test_bands_overlap_gap_and_empty():
    overlap = _bands({"lte": "0.1", "points": 10}, {"gte": "0.1", "points": 0})
    assert [p.message for p in overlap] == ["指标`x`：第1档（lte 0.1）与第2档（gte 0.1）重叠，以先列者为准"]
    gap = _bands({"lt": "0.1", "points": 10}, {"gt": "0.1", "points": 0})
    assert [p.message for p in gap] == [
        "指标`x`：第1档（lt 0.1）与第2档（gt 0.1）之间的值无档可归，将得0分"]
    empty = _bands({"gt": "0.1", "lt": "0.1", "points": 1})
    assert [p.message for p in empty] == ["指标`x`：第1档（gt 0.1，lt 0.1）不含任何值"]


def test_validate_speaks_english_on_request(monkeypatch):
    """The expectations above are the default Chinese; `--lang en` gives the same problems in English."""
    from jixiao.core.i18n import set_language
    monkeypatch.chdir(BROKEN)
    try:
        result = CliRunner().invoke(main, ["--lang", "en", "rulesets", "validate", "children_weights.yaml", "unknown_metric.yaml",
                                           "bands_gap.yaml", "yaml_syntax.yaml"])
    finally:
        set_language(None)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "children_weights.yaml:15:13: indicator `results`: children's weights add up to 50, not its weight 60",
        "unknown_metric.yaml:12:33: expression `execution_rat`: unknown name `execution_rat` (did you mean `execution_rate`?)",
        "bands_gap.yaml:17:11: indicator `execution`: no band covers the values between band 3 (lt 0.8) and band 2 "
        "(gt 0.8, lt 0.9); they would score 0",
        "yaml_syntax.yaml:13:7: YAML syntax error: expected ',' or '}', but got ':' (while parsing a flow mapping)",
    ]
