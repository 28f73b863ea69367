"""The cyclic collector is paused while a case is loaded and scored, and always comes back."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from jixiao import evaluate_case, load_case, load_ruleset
from jixiao.core.collector import paused_collector

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _collector_restored():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_back_after_nesting_and_errors():
    seen = []

    @paused_collector
    def inner():
        seen.append(("inner", gc.isenabled()))

    @paused_collector
    def outer(fail: bool):
        inner()
        seen.append(("outer after inner", gc.isenabled()))  # the inner pause ending does not resume it
        if fail:
            raise ValueError("boom")

    gc.enable()
    outer(False)
    assert seen == [("inner", False), ("outer after inner", False)]
    assert gc.isenabled()
    with pytest.raises(ValueError):
        outer(True)
    assert gc.isenabled()


def test_a_host_that_turned_the_collector_off_keeps_it_off():
    gc.disable()
    case = load_case(ROOT / "cases" / "lusong-zfw-2024.yaml")
    evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"))
    assert not gc.isenabled()


def test_loading_and_scoring_leave_it_running():
    gc.enable()
    case = load_case(ROOT / "cases" / "lusong-zfw-2024.yaml")
    result = evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"))
    assert gc.isenabled()
    assert result.projects  # it did score
