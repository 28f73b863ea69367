"""随机抽评: which units the bureau reviews this year, drawn with a seed it records.

The same seed and the same population (sorted, so the order of the files does not matter) always
draw the same units: `random.Random(seed).sample` with an integer seed is reproducible across
Python versions."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Draw:
    seed: int
    population: list[str]
    selected: list[str]


def draw_units(units: list[str], seed: int, count: int | None = None, share: Decimal | None = None) -> Draw:
    """`count` units, or `share` of them rounded up (at least one when there are any)."""
    population = sorted(set(units))
    if count is None:
        count = math.ceil(Decimal(len(population)) * (share if share is not None else Decimal(1)))
        count = max(count, 1) if population else 0
    count = min(count, len(population))
    selected = sorted(random.Random(seed).sample(population, count))
    return Draw(seed, population, selected)
