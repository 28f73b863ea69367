"""jixiao（绩效）: rules-based scoring of budget performance self-evaluations.

The library API, in the order data flows::

    from engine import load_case, load_ruleset, evaluate_case
    case = load_case("cases/lusong-zfw-2024.yaml")
    result = evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"))
    result.projects[0].score          # Decimal('8.39'); result.model_dump_json() is the JSON contract
"""
from .cases import load_case
from .errors import CaseError, EngineError, EvaluationError, ExpressionError, JixiaoError, RulesetError
from .evaluate import evaluate_case, evaluate_record
from .publication import public_view
from .records import Case, Department, Indicator, Project
from .results import CaseResult, RecordResult
from .rulesets import default_ruleset, load_ruleset

__all__ = [
    "Case", "CaseError", "CaseResult", "Department", "EngineError", "EvaluationError", "ExpressionError", "Indicator",
    "JixiaoError", "Project", "RecordResult", "RulesetError", "default_ruleset", "evaluate_case", "evaluate_record",
    "load_case", "load_ruleset", "public_view",
]
