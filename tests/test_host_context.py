"""Results do not depend on the decimal context of the program that embeds jixiao.

A host may set a low precision, another rounding or traps for its own use. Before the entry points
ran under jixiao's own context, a host at prec=3 got 1.23E+5 from abs(-123456.78) and scored
differently; here every output is compared with the one computed under Python's default context.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, Context, Decimal as D, Inexact, Rounded, getcontext, localcontext

import pytest

from conftest import SAMPLE, SEED
from jixiao import evaluate_case, load_case, load_ruleset
from jixiao.scoring.explain import render_trace, trace_record
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.native import compile_node
from jixiao.expressions.parser import parse_expression
from jixiao.outputs.report import build_report, render_markdown
from jixiao.authoring.simulate import simulate, to_text

HOSTILE = Context(prec=3, rounding=ROUND_FLOOR, traps=[Inexact, Rounded])


def outputs(engine: str) -> list[str]:
    department, project = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    out = []
    for path in (SEED, SAMPLE):
        case = load_case(path)
        result = evaluate_case(case, department, project, engine)
        out.append(result.model_dump_json())
        out.append(render_markdown(build_report(case, result)))
        out.append(render_markdown(build_report(case, result, public=True)))
        for record, scored in zip(case.projects, result.projects):
            out.append(render_trace(trace_record(project, record, scored, case, engine)))
    sim = simulate(project, load_ruleset("hubei-project-selfeval"), [str(SEED), str(SAMPLE)], engine)
    out.append(to_text(sim))
    return out


def test_a_hostile_host_context_changes_nothing(engine_name):
    expected = outputs(engine_name)
    with localcontext(HOSTILE):
        got = outputs(engine_name)
    assert got == expected
    assert '"score":"8.39"' in expected[0]  # 雪亮工程's execution score 83.85% × 10, worked by hand


def test_the_host_context_is_back_after_a_call_and_after_an_error():
    from jixiao.core.decimals import CONTEXT, exact

    @exact
    def inside(fail: bool):
        assert getcontext() is CONTEXT
        if fail:
            raise ValueError("x")
        return D(1) / D(3)

    with localcontext(HOSTILE) as host:
        assert inside(False) == D("0.3333333333333333333333333333")
        assert getcontext() is host and host.prec == 3
        with pytest.raises(ValueError):
            inside(True)
        assert getcontext() is host
        assert exact(lambda: inside(False))() == D("0.3333333333333333333333333333")  # nested
        assert getcontext() is host


@pytest.mark.parametrize("text, value", [("abs(x)", D("123456.78")), ("-x", D("123456.78")), ("x * 2", D("-246913.56"))])
def test_expressions_ignore_the_host_context(text, value):
    node = parse_expression(text)
    for run in (compile_node(node), compile_fast(node)):
        with localcontext(HOSTILE):
            assert run({"x": D("-123456.78")}) == value


def test_excel_import_ignores_the_host_context(tmp_path):
    from jixiao.forms import import_workbooks, write_template

    path = tmp_path / "sample.xlsx"
    write_template(path, "department", load_case(SAMPLE))
    expected = import_workbooks([path])
    with localcontext(HOSTILE):
        assert import_workbooks([path]) == expected == load_case(SAMPLE)
