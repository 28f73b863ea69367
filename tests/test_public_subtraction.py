"""The public draft never lets a withheld (涉密) project's spending be worked out by subtraction.

Seed: 反邪 spent 7.40 and is classified. The other four projects' actuals are published (56.18 +
43.36 + 21.58 + 12.20 = 133.32), and so is 基本支出 236.60. Before, the public draft also printed
项目支出 140.72 (140.72 − 133.32 = 7.40) and 支出合计 377.32 (377.32 − 236.60 − 133.32 = 7.40), and the
cross-level finding printed 379.04 − 377.32 = 1.72.
"""
import re
from decimal import Decimal as D
from itertools import combinations

from conftest import SEED
from jixiao import evaluate_case, load_case
from jixiao.outputs.report import Rulesets, build_report, render_markdown
from jixiao.rulesets.loader import load_ruleset


def test_no_figure_of_the_public_draft_gives_the_classified_spending_away(engine_name):
    case = load_case(SEED)
    d, p = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    text = render_markdown(build_report(case, evaluate_case(case, d, p, engine_name), True, Rulesets(d, p)))
    numbers = {D(x) for x in re.findall(r"\d+\.\d{2}", text)}
    classified, others, basic = D("7.40"), D("133.32"), D("236.60")
    assert classified not in numbers and basic in numbers  # 133.32 itself is not printed, only its parts
    for total in numbers:  # a total less the published parts
        assert total - others != classified and total - basic - others != classified, total
    for a, b in combinations(sorted(numbers), 2):  # a total worked out as a difference of two figures
        assert b - a - others != classified and b - a - basic - others != classified, (a, b)
    assert "含涉密项目，不单列" in text
