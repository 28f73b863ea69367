"""jixiao（绩效）: rules-based scoring of budget performance self-evaluations.

The library API, in the order data flows::

    from jixiao import load_case, load_ruleset, evaluate_case
    case = load_case("cases/lusong-zfw-2024.yaml")
    result = evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"))
    result.projects[0].score          # Decimal('8.39'); result.model_dump_json() is the JSON contract
"""
from importlib.metadata import PackageNotFoundError, version as _version

from jixiao.records.cases import load_case, load_case_data
from jixiao.core.errors import CaseError, EngineError, EvaluationError, ExpressionError, JixiaoError, RulesetError
from jixiao.scoring.evaluate import evaluate_case, evaluate_record
from jixiao.outputs.publication import public_view
from jixiao.records.model import Case, Department, Indicator, Project
from jixiao.scoring.results import CaseResult, RecordResult
from jixiao.rulesets.loader import default_ruleset, load_ruleset

try:
    __version__ = _version("jixiao")
except PackageNotFoundError:  # pragma: no cover - imported from an unpacked tree
    __version__ = "0+unknown"

__all__ = [
    "Case", "CaseError", "CaseResult", "Department", "EngineError", "EvaluationError", "ExpressionError", "Indicator",
    "JixiaoError", "Project", "RecordResult", "RulesetError", "default_ruleset", "evaluate_case", "evaluate_record",
    "load_case", "load_case_data", "load_ruleset", "public_view", "__version__",
]
