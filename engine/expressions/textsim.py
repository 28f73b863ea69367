"""Text measures a reviewer (复核) uses: sentences, near-duplicate sentences, sentences naming a word.

Similarity is difflib's `SequenceMatcher.ratio()` (standard library: 2·M ÷ T, M the characters in
matching blocks, T the characters of both texts) on the two sentences with whitespace removed,
`autojunk` off so that long Chinese sentences are not thinned out. It is compared sentence by
sentence, not paragraph by paragraph: a project paragraph that copies one long sentence of another
section scores 1.0 on that sentence even when the rest differs. Sentences shorter than `min_chars`
are ignored, so the form's own stock phrases (the 47–48-character "年初预算资金67万元，年中执行调增（减）0万元……") do not count as copying —
and figures count as characters, so two such sentences with different amounts stay below a high
threshold. Results are exact decimals rounded half-up to 4 places, so both engines agree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Iterable

from jixiao.core.decimals import CONTEXT, round_half_up

_BREAK = re.compile(r"(?<=[。！？；!?;])|\n+")
_SPACE = re.compile(r"\s+")


def sentences(text: str | None) -> list[str]:
    """The sentences of `text`, ended by 。！？； or a line break, whitespace removed, empty ones dropped."""
    if not text:
        return []
    return [s for s in (_SPACE.sub("", part) for part in _BREAK.split(text)) if s]


def similarity(a: str, b: str) -> Decimal:
    """SequenceMatcher ratio of two texts (whitespace removed), 0–1, four places."""
    a, b = _SPACE.sub("", a), _SPACE.sub("", b)
    if not a and not b:
        return Decimal(1)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return round_half_up(CONTEXT.divide(Decimal(2 * matched), Decimal(len(a) + len(b))), 4)


@dataclass(frozen=True)
class Repeat:
    """A sentence of one text found again, nearly or exactly, in another."""

    sentence: str
    other: str
    score: Decimal
    source: int  # index of the other text in the list it came from


def _texts(others: Iterable[str | None] | str | None) -> list[str | None]:
    if others is None:
        return []
    if isinstance(others, str):
        return [others]
    out: list[str | None] = []
    for item in others:
        out.extend(_texts(item) if isinstance(item, list) else [item])
    return out


def repeats(text: str | None, others, min_chars: int) -> list[Repeat]:
    """For each sentence of `text` of at least `min_chars` characters, its closest sentence among
    `others` (a text or a list of texts; missing ones skipped), best first."""
    found: list[Repeat] = []
    pool = [(i, s) for i, other in enumerate(_texts(others)) for s in sentences(other)]
    for sentence in sentences(text):
        if len(sentence) < min_chars:
            continue
        best: Repeat | None = None
        for index, other in pool:
            if len(other) < min_chars:
                continue
            score = similarity(sentence, other)
            if best is None or score > best.score:
                best = Repeat(sentence, other, score, index)
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda r: -r.score)


def max_similarity(text: str | None, others, min_chars: int) -> Decimal:
    """The highest sentence similarity between `text` and `others`; 0 when either has no long sentence
    (a missing text repeats nothing)."""
    found = repeats(text, others, min_chars)
    return found[0].score if found else Decimal(0)


def mentions(texts, word: str) -> list[str]:
    """The sentences of `texts` (a text or a list of texts) that contain `word`, in order."""
    return [s for text in _texts(texts) for s in sentences(text) if word in s]
