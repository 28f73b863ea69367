"""Finding texts: a restricted formatter that reaches record fields and metrics, nothing else."""
from decimal import Decimal as D

import pytest

from jixiao.core.errors import EvaluationError, Location, RulesetError
from jixiao.expressions.templates import MAX_RENDERED, parse_template


def render(text, **values):
    """The text as `render` writes it through a resolver, checked against `render_in`'s, the
    generated function scoring calls with the namespace itself."""
    template = parse_template(text)
    written = template.render(lambda path: _get(values, path))
    assert template.render_in(values) == written
    return written


def _get(values, path):
    value = values.get(path[0])
    for part in path[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def test_filters_format_as_published():
    text = "{name}执行率{rate|pct}，结余结转{carry|wan}，{n|int}个，{x|num}，{missing|wan}"
    assert render(text, name="雪亮工程", rate=D("0.8385"), carry=D("10.82"), n=D(7), x=D("8.385"), missing=None) == \
        "雪亮工程执行率83.85%，结余结转10.82万元，7个，8.39，未填报"


def test_dotted_names_and_literal_braces():
    assert render("{{注}}{spending.total|wan}", spending={"total": D("377.32")}) == "{注}377.32万元"


@pytest.mark.parametrize("text, message", [
    ("{x.__class__}", "不是字段名"),
    ("{x.__class__.__init__.__globals__}", "不是字段名"),
    ("{x!r}", "不是字段名"),
    ("{x:>10}", "不是字段名"),
    ("{x[0]}", "不是字段名"),
    ("{rate|eval}", "未知格式`eval`"),
    ("结余{carry", "花括号不成对"),
    ("结余}carry", "花括号不成对"),
])
def test_refuses_python_internals_and_format_specs(text, message):
    with pytest.raises(RulesetError) as info:
        parse_template(text, Location("r.yaml", 3, 14))
    assert message in info.value.problems[0].message
    assert str(info.value.problems[0].location) == "r.yaml:3:14"


def test_a_path_through_a_value_that_is_not_a_dict_is_not_stated():
    # budget is a number here: budget.final cannot be read from it, and is 未填报, never an error
    assert render("{budget.final|wan}；{a.b.c}", budget=D("5"), a={"b": {"c": "深"}}) == "未填报；深"


@pytest.mark.parametrize("way", ["render", "render_in"])
def test_a_number_filter_on_text_and_a_text_too_long_are_errors_both_ways(way):
    def run(template, values):
        return template.render(lambda path: _get(values, path)) if way == "render" else template.render_in(values)

    with pytest.raises(EvaluationError, match="模板`执行率{rate|pct}`：{rate}需要数值，实为'高'"):
        run(parse_template("执行率{rate|pct}"), {"rate": "高"})
    long = "项" * (MAX_RENDERED // 2 + 1)
    with pytest.raises(EvaluationError, match=f"生成的文字超过{MAX_RENDERED}个字符"):
        run(parse_template("{a}{b}"), {"a": long, "b": long})
    assert run(parse_template("{a}{b}"), {"a": long, "b": "项" * (MAX_RENDERED - len(long))}) == "项" * MAX_RENDERED
