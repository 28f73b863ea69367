"""The expression language: what it accepts, what it refuses (with file:line:column), and how it
computes with exact decimals and unknown values."""
from decimal import Decimal as D

import pytest

from jixiao.core.errors import EvaluationError, ExpressionError, Location
from jixiao.expressions.native import compile_node
from jixiao.expressions.parser import parse_expression


def run(text: str, **ns):
    return compile_node(parse_expression(text))(ns)


@pytest.mark.parametrize("text, expected", [
    ("actual / budget", D("56.18") / D("67")),
    ("1 + 2 * 3", D(7)),
    ("0.1 + 0.2 == 0.3", True),            # exact decimals: true here, false in binary floats
    ("abs(-1.5)", D("1.5")),
    ("round(0.83850746, 4)", D("0.8385")),
    ("round(8.385, 2)", D("8.39")),          # 四舍五入, not banker's rounding
    ("round(8.375, 2)", D("8.38")),
    ("min(3, 1, 2)", D(1)),
    ("coalesce(missing_value, 67)", D(67)),
    ("1 < 2 < 3", True),
    ("1 < 3 < 2", False),
    ("'本级' in ['本级', '上级专项']", True),
    ("'其他' not in ['本级', '上级专项']", True),
])
def test_evaluates(text, expected):
    assert run(text, actual=D("56.18"), budget=D("67"), missing_value=None) == expected


def test_unknown_is_not_zero_and_propagates():
    assert run("actual / budget", actual=D("43.36"), budget=None) is None
    assert run("actual / budget < 0.9", actual=D("43.36"), budget=None) is None
    assert run("actual / budget", actual=D("7.4"), budget=D(0)) is None  # no budget: no rate


def test_three_valued_logic():
    assert run("x < 1 or True", x=None) is True
    assert run("x < 1 and False", x=None) is False
    assert run("x < 1 and True", x=None) is None
    assert run("not (x < 1)", x=None) is None
    assert run("x is None", x=None) is True
    assert run("known(x) or missing(x)", x=None) is True


def test_aggregates_over_projects():
    projects = [
        {"name": "雪亮", "actual": D("56.18"), "budget": {"initial": D(67)}, "confidential": False},
        {"name": "司法救助", "actual": D("43.36"), "budget": {"initial": None}, "confidential": False},
        {"name": "反邪", "actual": D("7.4"), "budget": {"initial": D(0)}, "confidential": True},
    ]
    assert run("sum(p.actual for p in projects)", projects=projects) == D("106.94")
    assert run("count(p for p in projects if p.budget.initial is None)", projects=projects) == D(1)
    assert run("collect(p.name for p in projects if not p.confidential)", projects=projects) == ["雪亮", "司法救助"]
    # a condition unknown for one project makes the count unknown, not a guess
    assert run("count(p for p in projects if p.budget.initial > 10)", projects=projects) is None
    assert run("any(p.confidential for p in projects)", projects=projects) is True


def test_type_errors_are_clear():
    with pytest.raises(EvaluationError, match="文字“完成”与数值1不能比较（>=）"):
        run("actual >= 1", actual="完成")
    with pytest.raises(EvaluationError, match="需要数值，实为文字“完成”"):
        run("actual + 1", actual="完成")


@pytest.mark.parametrize("text, message, column", [
    ("x.__class__", "不允许以“_”开头的名称", 10),
    ("__import__('os')", "未知函数`__import__`", 10),
    ("open('/etc/passwd')", "未知函数`open`", 10),
    ("budget[0]", "规则表达式中不允许`budget[0]`", 10),
    ("lambda: 1", "规则表达式中不允许", 10),
    ("actual ** 2", "不允许运算符`Pow`", 10),
    ("[p for p in projects]", "规则表达式中不允许", 10),
    ("min(x, key=abs)", "不允许关键字参数", 10),
    ("actual == None", "与None比较请用`is None`", 20),
    ("actual < ", "语法错误", None),
    ("f'{x}'", "规则表达式中不允许", 10),
    ("sum(x for x in projects for y in x)", "每个汇总只能有一个`for`", 13),  # at the generator
])
def test_refuses_everything_outside_the_whitelist(text, message, column):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, Location("rules.yaml", 7, 10))
    problem = info.value.problems[0]
    assert message in problem.message
    assert problem.location.file == "rules.yaml" and problem.location.line == 7
    if column is not None:
        assert problem.location.column == column
