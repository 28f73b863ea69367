"""自评质量: how good the self-evaluation itself was, from what the review had to change."""
from __future__ import annotations

from decimal import Decimal

from jixiao.records.cycle import QualityBand


def quality_grade(bands: list[QualityBand], max_difference: Decimal, adjustments: int, flags: int) -> str:
    """The first band whose limits all hold (the largest total difference, the number of adjusted
    indicators, the number of review flags); the last band otherwise."""
    for band in bands:
        if ((band.max_difference is None or max_difference <= band.max_difference)
                and (band.max_adjustments is None or adjustments <= band.max_adjustments)
                and (band.max_flags is None or flags <= band.max_flags)):
            return band.grade
    return bands[-1].grade
