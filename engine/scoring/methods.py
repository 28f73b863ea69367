"""Scoring methods: turn metric values and the record's own indicators into points.

Every method returns the points and a short Chinese explanation that cites the figures, so a
score can always be traced back. Missing data is never 0 unless the ruleset says so.

Scores are `results.IndicatorScore` / `results.ItemScore` built from the values as computed,
without validating them again (`results.typed_builder`): every field is already of its type.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.rulesets.compiler import CompiledIndicator, CompiledRuleset
from jixiao.core.decimals import CONTEXT, divide, number, percent, quantum, round_half_up, shown_as
from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.expressions import nodes as n
from jixiao.rulesets.model import BandsMethod, ConditionMethod, LadderMethod, OwnIndicatorsMethod, RateMethod, Tier
from jixiao.scoring.results import IndicatorScore, ItemScore, typed_builder

ZERO, ONE = Decimal(0), Decimal(1)
_NONE: dict = {}  # read, never written: a missing case or coverage without a new dict each time
_quantize = CONTEXT.quantize  # with quantum(places): round_half_up without its look-up
_item_score, _indicator_score = typed_builder(ItemScore), typed_builder(IndicatorScore)


@dataclass
class Outcome:
    """A method's verdict before missing-data handling: points, or None when data is missing."""

    score: Decimal | None
    value: Any
    detail: str
    rejected: bool = False
    items: list[ItemScore] | None = None
    partial: Decimal | None = None  # points of the rows that could be scored, when others cannot


# A ruleset's own figures (an indicator's weight) are written in every record's explanation: each
# distinct one is formatted once. Keyed by value, which number() alone depends on; ruleset figures
# only, so the cache stays as small as the rulesets loaded.
_constant = functools.lru_cache(maxsize=1024)(number)


def _points(value: Decimal, places: int) -> Decimal:
    return round_half_up(max(value, ZERO), places)


def _require_number(leaf: CompiledIndicator, value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    raise EvaluationError(_("指标`{id}`：取值`{text}`得出{value!r}，不是数值").format(
        id=leaf.node.id, text=leaf.value.node.text, value=value))


def score_rate(leaf: CompiledIndicator, method: RateMethod, value: Decimal | None, places: int) -> Outcome:
    if value is None:
        return _unknown(leaf)
    weight = leaf.node.weight
    used = min(value, method.cap) if method.cap is not None else value
    capped = f"，按上限{percent(method.cap)}计" if method.cap is not None and value > method.cap else ""
    score = _points(CONTEXT.multiply(used, weight), places)
    return Outcome(score, value, f"{leaf.value_label}{percent(value)}{capped} × {_constant(weight)}分 = {number(score)}分")


def score_ladder(leaf: CompiledIndicator, method: LadderMethod, value: Decimal | None, places: int) -> Outcome:
    if value is None:
        return _unknown(leaf)
    _show = shown_as(leaf.value_format)
    weight = leaf.node.weight
    below, above = method.standard - value, value - method.standard
    gap = {"below": below, "above": above, "both": abs(below)}[method.direction]
    if gap <= 0:
        return Outcome(round_half_up(weight, places), value,
                       f"{leaf.value_label}{_show(value)}，达到标准{_show(method.standard)}，得满分{number(weight)}分")
    steps = CONTEXT.divide(gap, method.step)
    if method.steps == "floor":
        steps = Decimal(math.floor(steps))
    elif method.steps == "ceil":
        steps = Decimal(math.ceil(steps))
    deducted = CONTEXT.multiply(steps, method.deduct)
    score = _points(weight - deducted, places)
    side = "低于" if (method.direction == "below" or (method.direction == "both" and below > 0)) else "超过"
    return Outcome(score, value, f"{leaf.value_label}{_show(value)}，{side}标准{_show(method.standard)}共{_show(gap)}，"
                                 f"每{_show(method.step)}扣{number(method.deduct)}分，扣{number(deducted)}分，得{number(score)}分")


def score_bands(leaf: CompiledIndicator, method: BandsMethod, value: Decimal | None, places: int) -> Outcome:
    if value is None:
        return _unknown(leaf)
    _show = shown_as(leaf.value_format)
    for band in method.bands:
        if band.contains(value):
            return Outcome(round_half_up(band.points, places), value,
                           f"{leaf.value_label}{_show(value)}，落在{band_text(band, _show) or '任意'}区间，得{number(band.points)}分")
    return Outcome(round_half_up(ZERO, places), value, f"{leaf.value_label}{_show(value)}，不在任何给分区间，得0分")


def score_condition(leaf: CompiledIndicator, fired: set[str], places: int) -> Outcome:
    weight = leaf.node.weight
    if f"cond.true:{leaf.node.id}" in fired:
        return Outcome(round_half_up(weight, places), True, f"条件成立，得满分{number(weight)}分")
    if f"cond.false:{leaf.node.id}" in fired:
        return Outcome(round_half_up(ZERO, places), False, "条件不成立，得0分")
    return Outcome(None, None, "条件所需数据未填报，无法判断")


def _unknown(leaf: CompiledIndicator) -> Outcome:
    return Outcome(None, None, f"{leaf.value_label}无法计算（所需数据未填报）")


def band_text(band, _show) -> str:
    """A band's bounds in words: ≥90.00%且<100.00% ("" for a band without bounds)."""
    low = f"{'>' if band.gt is not None else '≥'}{_show(band.gt if band.gt is not None else band.gte)}" if (band.gt is not None or band.gte is not None) else ""
    high = f"{'<' if band.lt is not None else '≤'}{_show(band.lt if band.lt is not None else band.lte)}" if (band.lt is not None or band.lte is not None) else ""
    return "且".join(p for p in (low, high) if p)


# ---- the record's own indicators ---------------------------------------------------------

Groups = dict[str, tuple[list[dict], list]]  # a record's rows by 一级指标, each with its 分值


def rows_by_level1(indicators: list[dict] | None) -> Groups:
    """The record's indicator rows by 一级指标, in the table's order, each with its 分值: read once
    a record for all its own-indicator nodes (~3), rather than once a node."""
    groups: Groups = {}
    for row in indicators or ():  # a plain loop: ~6 rows a record
        level1 = row.get("level1")
        group = groups.get(level1)
        if group is None:
            group = groups[level1] = ([], [])
        group[0].append(row)
        group[1].append(row.get("weight"))
    return groups


def _rows_of(level1: list[str], indicators: list[dict] | None, groups: Groups):
    """The rows a node scores, with their 分值, in the table's order."""
    if len(level1) == 1:
        return groups.get(level1[0]) or ((), ())
    rows, form_weights = [], []
    for i in indicators or ():
        if i.get("level1") in level1:
            rows.append(i)
            form_weights.append(i.get("weight"))
    return rows, form_weights


def score_own_indicators(leaf: CompiledIndicator, method: OwnIndicatorsMethod, ns: dict, tiers: list[Tier],
                         places: int, groups: Groups) -> Outcome:
    """Score 产出/效益/满意度 rows by direction (正向/反向/等于) or qualitative tier, and the node
    from its rows (`_combine_items`).

    The node's weight is shared as the form's own 分值 say (scaled to the node's weight when they
    add up to something else), or equally when the form gives none. `groups`: `rows_by_level1`
    of the record's rows.
    """
    indicators = ns.get("indicators")
    rows, form_weights = _rows_of(method.level1, indicators, groups)
    weight = leaf.node.weight
    if not rows:  # not stated (None) is 未填报; a table stated without such rows says so
        coverage = (ns.get("case") or _NONE).get("coverage") or _NONE
        if indicators is None:
            told = _("未填报{level1}指标")
        elif coverage.get("complete") is not True and coverage.get("ends_at") is not None:
            # the table is stated only as far as the excerpt goes: its other rows are unknown
            told = _("报告所载部分未见{level1}指标（报告仅存摘录，其后内容未载明）")
        else:
            told = _("报告未设{level1}指标")
        return Outcome(None, None, told.format(level1="/".join(method.level1)), items=[])
    total = ZERO  # the 分值 added up, or None where a row gives none
    for form_weight in form_weights:  # not `None in form_weights`: None == Decimal asks numbers' ABCs
        if form_weight is None:
            total = None
            break
        total += form_weight
    shared = total is not None and total > 0  # by the form's 分值; else equally
    if shared:
        basis = f"按表内分值分配（合计{number(total)}分，折算为{_constant(weight)}分）" if total != weight else "按表内分值计分"
    else:
        equal = CONTEXT.divide(weight, Decimal(len(rows)))
        basis = f"表内未给分值，{len(rows)}项平均分配"
    step, items = quantum(places), []
    for row, form_weight in zip(rows, form_weights):
        share = CONTEXT.divide(CONTEXT.multiply(form_weight, weight), total) if shared else equal
        items.append(_score_quantitative(row, share, step) if row["kind"] != "qualitative"
                     else _score_qualitative(row, share, form_weight, tiers, method, places))
    return _combine_items(leaf, basis, items, places)


def _item(row: dict, share: Decimal, score: Decimal | None, status: str, detail: str) -> ItemScore:
    return _item_score(name=row["name"], level1=row["level1"], level2=row.get("level2"), kind=row["kind"],
                       direction=row.get("direction"), target=row.get("target"), actual=row.get("actual"),
                       weight=share, score=score, status=status, detail=detail)


def _score_quantitative(row: dict, share: Decimal, step: Decimal) -> ItemScore:
    """A 定量 row by its direction. The common case (direction and both figures stated) builds its
    item at once from the figures it already read: nearly every row of a report, ~5 a record."""
    target, actual, direction = row.get("target"), row.get("actual"), row.get("direction")
    if direction is None:
        return _item(row, share, None, "not_assessable", "未填写指标方向（≥、≤、=），无法按方向计分")
    if target.__class__ is not Decimal or actual.__class__ is not Decimal:  # the loop only when one may be wanting
        for label, value in (("年度指标值", target), ("实际完成值", actual)):
            if value is None:
                return _item(row, share, None, "not_assessable", f"{label}未填报")
            if not isinstance(value, Decimal):
                return _item(row, share, None, "not_assessable", f"{label}“{value}”不是数值，定量指标无法计分")
    ratio, formula = _direction_ratio(direction, target, ZERO if actual < ZERO else actual)
    score = _quantize(max(CONTEXT.multiply(ratio, share), ZERO), step)
    return _item_score(name=row["name"], level1=row["level1"], level2=row.get("level2"), kind=row["kind"],
                       direction=direction, target=target, actual=actual, weight=share, score=score,
                       status="scored", detail=f"{formula}，得{number(score)}分（分值{number(share)}）")


def _direction_ratio(direction: str, target: Decimal, actual: Decimal) -> tuple[Decimal, str]:
    """The share of the weight earned, by the 正向/反向/等于 formulas of the domain notes."""
    if direction == "=" and target == 0:
        return (ONE, "等于型，目标0，实际≤0，满分") if actual <= 0 else (ZERO, "等于型，目标0，实际>0，0分")
    if direction in (">=", ">", "="):
        if actual >= target or target == 0:
            return ONE, f"正向，实际{number(actual)}≥目标{number(target)}，满分"
        ratio = CONTEXT.divide(actual, target) or ZERO  # target ≠ 0 here: divide() need not guard
        return ratio, f"正向，实际{number(actual)}÷目标{number(target)}={percent(ratio)}"
    # 反向 (≤, <)
    if actual <= target:
        return ONE, f"反向，实际{number(actual)}≤目标{number(target)}，满分"
    if target <= 0 or actual >= target * 2:
        return ZERO, f"反向，实际{number(actual)}≥目标的2倍，0分"
    ratio = ONE - (CONTEXT.divide(actual - target, target) or ZERO)  # target > 0 here
    return ratio, f"反向，1−(实际{number(actual)}−目标{number(target)})÷目标={percent(ratio)}"


def _score_qualitative(row: dict, share: Decimal, form_weight: Decimal | None, tiers: list[Tier],
                       method: OwnIndicatorsMethod, places: int) -> ItemScore:
    tier_name = row.get("tier")
    if not tier_name:
        return _item(row, share, None, "not_assessable", "定性指标未选择评价档次")
    for tier in tiers:  # a loop, not next(generator): a row in four is qualitative
        if tier.name == tier_name:
            break
    else:
        tier = None
    if tier is None:
        return _item(row, share, None, "rejected", f"档次“{tier_name}”不是本规则的档次（{'、'.join(t.name for t in tiers)}）")
    basis = form_weight if form_weight is not None else share
    low, high = tier.min * basis, tier.max * basis
    self_score = row.get("self_score")
    band = f"{number(low)}–{number(high)}分"
    if self_score is None:
        if method.tier_score_default == "none":
            return _item(row, share, None, "not_assessable", f"档次“{tier_name}”（{band}）未填自评分")
        score = _points(CONTEXT.multiply(tier.min, share), places)
        return _item(row, share, score, "scored", f"档次“{tier_name}”未填自评分，按区间下限计{number(score)}分")
    if not (low <= self_score <= high):
        return _item(row, share, None, "rejected",
                     f"自评分{number(self_score)}不在所选档次“{tier_name}”的分值区间{band}内，不予采用")
    score = _points(divide(CONTEXT.multiply(self_score, share), basis) or ZERO, places)
    return _item(row, share, score, "scored", f"档次“{tier_name}”（{band}），自评分{number(self_score)}，得{number(score)}分")


# ---- one leaf, with missing-data handling --------------------------------------------------

def score_leaf(compiled: CompiledRuleset, leaf: CompiledIndicator, ns: dict, fired: set[str],
               groups: Groups) -> IndicatorScore:
    """The leaf scored; `groups`: `rows_by_level1` of the record's rows, read once for its leaves."""
    outside = not_applying(leaf, ns) if leaf.applies else None
    if outside is not None:
        return indicator_score(leaf, None, "not_applicable", None, outside, [])
    method, places = leaf.node.method, compiled.ruleset.rounding.places
    kind = type(method)  # the ruleset schema's method models have no subclasses
    if kind is OwnIndicatorsMethod:
        outcome = score_own_indicators(leaf, method, ns, compiled.ruleset.tiers, places, groups)
    elif kind is ConditionMethod:
        outcome = score_condition(leaf, fired, places)
    else:
        value = _require_number(leaf, leaf.value.run(ns))
        outcome = _VALUE_SCORERS[kind](leaf, method, value, places)
        if value is None:
            divisor = _zero_divisor(compiled, leaf.value.node, ns, set())
            if divisor is not None:  # stated figures, divided by a stated 0: not "未填报"
                outcome.detail = _("{label}无法计算（{divisor}为0）").format(label=leaf.value_label, divisor=divisor)
    return _apply_missing(leaf, outcome, places)


def not_applying(leaf: CompiledIndicator, ns: dict) -> str | None:
    """Why the indicator does not apply to this unit (its or a group's `applies_when` is false or
    not stated), or None where it applies. Not stated counts as not applying, as for the other
    parts a condition guards: an indicator is not imposed on a unit it may not concern."""
    for condition in leaf.applies:
        holds = condition.run(ns)
        if holds is True:
            continue
        if holds is None:
            return _("适用条件所需数据未填报，按不适用处理（适用条件：{condition}），不计入，总分按其余指标折算").format(
                condition=condition.node.text)
        return _("不属于本指标适用范围（适用条件：{condition}），不计入，总分按其余指标折算").format(
            condition=condition.node.text)
    return None


def _resolve(ns: dict, path: tuple[str, ...]) -> Any:
    value: Any = ns
    for part in path:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _zero_divisor(compiled: CompiledRuleset, node, ns: dict, seen: set[str]) -> str | None:
    """The label of a divisor that is a stated 0 in `node` (following metrics it names), or None:
    an unknown value whose inputs are all stated is 0 ÷ 0 or x ÷ 0, and says so."""
    metrics = {m.name: m for m in compiled.metrics}
    for sub in n.walk(node):
        if isinstance(sub, n.Binary) and sub.op == "/" and isinstance(sub.right, n.Name):
            divisor = _resolve(ns, sub.right.path)
            if isinstance(divisor, Decimal) and divisor == 0:
                metric = metrics.get(sub.right.dotted)
                return metric.label if metric is not None else sub.right.dotted
        if isinstance(sub, n.Name) and sub.dotted in metrics and sub.dotted not in seen:
            seen.add(sub.dotted)
            found = _zero_divisor(compiled, metrics[sub.dotted].expr.node, ns, seen)
            if found is not None:
                return found
    return None


_VALUE_SCORERS = {RateMethod: score_rate, LadderMethod: score_ladder, BandsMethod: score_bands}


def _combine_items(leaf: CompiledIndicator, basis: str, items: list[ItemScore], places: int) -> Outcome:
    """A node's points from its rows (scored, explained by `basis`): rejected rows reject it;
    missing rows follow `missing`."""
    weight, step = leaf.node.weight, quantum(places)
    # one pass over the rows (~5 a record): the points so far, and whether each earned its whole share
    scored, missing, rejected, partial, whole = [], [], 0, ZERO, True
    for i in items:
        status = i.status
        if status == "scored":
            scored.append(i)
            partial += i.score
            whole = whole and i.score == _quantize(i.weight, step)
        elif status == "not_assessable":
            missing.append(i)
        elif status == "rejected":
            rejected += 1
    if rejected:
        return Outcome(None, None, basis + f"；{rejected}项自评不予采用", rejected=True, items=items,
                       partial=round_half_up(partial, places))
    if missing and leaf.missing == "rescale":
        if not scored:
            return Outcome(None, None, basis + "；全部指标数据缺失", items=items)
        kept = sum((i.weight for i in scored), ZERO)
        score = _points(CONTEXT.divide(CONTEXT.multiply(partial, weight), kept), places)
        return Outcome(score, None, basis + f"；{len(missing)}项数据缺失不计，其余按{number(weight)}分折算", items=items)
    if missing and leaf.missing == "zero":
        return Outcome(round_half_up(partial, places), None, basis + f"；{len(missing)}项数据缺失按0分计", items=items)
    if missing:
        why = "；".join(f"{i.name}：{i.detail}" for i in missing)  # which rows, and why each
        return Outcome(None, None, basis + f"；{len(missing)}项无法计分（{why}），已得{number(partial)}分", items=items,
                       partial=round_half_up(partial, places))
    if whole:
        # every row earns its whole share: the node's full weight, not the sum of rounded shares
        # (19 rows of 50 ÷ 19 = 2.63 add up to 49.97, and no row lost anything)
        return Outcome(round_half_up(weight, places), None, basis, items=items)
    return Outcome(round_half_up(partial, places), None, basis, items=items)


def _apply_missing(leaf: CompiledIndicator, outcome: Outcome, places: int) -> IndicatorScore:
    if outcome.rejected:
        score, status, detail = None, "rejected", outcome.detail
    elif outcome.score is not None:
        score, status, detail = outcome.score, "scored", outcome.detail
    elif leaf.missing == "zero":
        score, status, detail = round_half_up(ZERO, places), "zero", outcome.detail + "，按0分计"
    elif leaf.missing == "rescale":
        score, status, detail = None, "dropped", outcome.detail + "，不计入，总分按其余指标折算"
    else:
        score, status, detail = None, "not_assessable", outcome.detail + "，信息不足无法评价"
    return indicator_score(leaf, score, status, outcome.value, detail, outcome.items or [], outcome.partial)


def indicator_score(leaf: CompiledIndicator, score: Decimal | None, status: str, value: Any, detail: str,
                    items: list[ItemScore], partial: Decimal | None = None) -> IndicatorScore:
    node = leaf.node
    return _indicator_score(id=node.id, name=node.name, path=list(leaf.path), method=node.method.type,
                            max_score=node.weight, score=score, status=status, value=value, detail=detail,
                            partial=partial, items=items)


@dataclass
class Total:
    score: Decimal | None
    assessable: bool


def total_score(compiled: CompiledRuleset, scores: list[IndicatorScore]) -> Total:
    """Sum of the leaves; leaves dropped for missing data or not applicable
    rescale the rest to the ruleset's total (the report says how: outputs.report's `_rescaled`)."""
    rs = compiled.ruleset
    places = rs.rounding.places
    partial, assessable, left_out = ZERO, True, []  # one pass: it runs for every record
    for s in scores:
        score, status = s.score, s.status
        partial += score if score is not None else s.partial or ZERO
        if status in ("not_assessable", "rejected"):
            assessable = False
        elif status in ("dropped", "not_applicable"):
            left_out.append(s.max_score)
    if not assessable:
        return Total(round_half_up(partial, places), False)
    if not left_out:
        return Total(round_half_up(partial, places), True)
    kept = rs.total - sum(left_out, ZERO)
    if kept <= 0:
        return Total(None, False)
    return Total(round_half_up(CONTEXT.divide(CONTEXT.multiply(partial, rs.total), kept), places), True)


def grade_for(compiled: CompiledRuleset, score: Decimal) -> str:
    for grade in compiled.ruleset.grades:
        if score >= grade.min:
            return grade.name
    return compiled.ruleset.grades[-1].name
