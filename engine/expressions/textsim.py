"""Text measures a reviewer (复核) uses: sentences, near-duplicate sentences, sentences naming a word.

Similarity is difflib's `SequenceMatcher.ratio()` (standard library: 2·M ÷ T, M the characters in
matching blocks, T the characters of both texts) on the two sentences with whitespace removed,
`autojunk` off so that long Chinese sentences are not thinned out. It is compared sentence by
sentence, not paragraph by paragraph: a project paragraph that copies one long sentence of another
section scores 1.0 on that sentence even when the rest differs. Sentences shorter than `min_chars`
are ignored, so the form's own stock phrases (the 47–48-character "年初预算资金67万元，年中执行调增（减）0万元……") do not count as copying —
and figures count as characters, so two such sentences with different amounts stay below a high
threshold. Results are exact decimals rounded half-up to 4 places, so both engines agree.

Comparing every sentence with every other is quadratic (a case of 1,000 projects took 13 minutes),
so the sentences of the texts compared are indexed once (`Pool`, cached) and each query confirms
only candidates with the measure above. Candidates come from prefix filtering on characters: 2·M÷T
is at most 2·C÷T, C the characters the two sentences share counted with repeats, so a pair scoring
at least f shares α ≥ ⌈f·n÷(2−f)⌉ of the n characters of each sentence; ordering every sentence's
characters rarest first (rarest within the texts compared), the first k shared ones lie within the
first n − α + k of each. A pair whose prefixes share fewer than k scores below f and is never
compared; nor is one whose 2·C÷T is below f. Hence the contract of `max_similarity`: a result of
at least `FLOOR` (0.9, the shipped threshold) is exact, and so are the flags of any threshold ≥
FLOOR; a result below FLOOR is exact when the comparison is small (at most `SMALL_PAIRS` sentence
pairs, as on every shipped case), and otherwise the best of the candidate pairs (each exact: the
true best may be higher, but it is below FLOOR too). A threshold set below FLOOR needs FLOOR
lowered with it (slower: longer prefixes).
"""
from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from itertools import chain
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


_PAIRS: dict[tuple[str, str], Decimal] = {}
_PAIRS_KEPT = 200_000


def _pair_similarity(a: str, b: str) -> Decimal:
    """`similarity` of two sentences, each pair computed once (a bounded memo: pure). Ordered:
    SequenceMatcher's blocks, hence the ratio, can differ when the two are swapped."""
    key = (a, b)
    score = _PAIRS.get(key)
    if score is None:
        if len(_PAIRS) >= _PAIRS_KEPT:
            _PAIRS.clear()
        score = _PAIRS[key] = similarity(a, b)
    return score


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


FLOOR = Decimal("0.9")
SMALL_PAIRS = 200
# prefix filtering uses f a hair under FLOOR, so that every ratio that *rounds* to FLOOR is kept
_F_NUM, _F_DEN = 89_995, 100_000  # f = 0.89995


def _shared_at_least(length: int) -> int:
    """Characters a sentence of `length` shares with any sentence it scores ≥ FLOOR with: ⌈f·n÷(2−f)⌉."""
    return -(-_F_NUM * length // (2 * _F_DEN - _F_NUM))


def _tokens(sentence: str) -> list[tuple[str, int]]:
    """The sentence's characters as (character, repeat) tokens: shared tokens = shared characters
    counted with repeats."""
    seen: dict[str, int] = {}
    tokens = []
    for ch in sentence:
        k = seen.get(ch, 0)
        tokens.append((ch, k))
        seen[ch] = k + 1
    return tokens


_K = 8  # prefixes longer by K − 1 tokens must share K tokens: fewer candidates, counted in C


def _prefix(length: int) -> tuple[int, int]:
    """(prefix length, tokens two prefixes must share) for a sentence of `length` characters.

    Two sentences sharing α ≥ ⌈f·n÷(2−f)⌉ tokens of each have their first k shared tokens (in the
    common order) within the first n − α + k tokens of each, for any k ≤ α."""
    least = _shared_at_least(length)
    k = min(_K, least)
    return length - least + k, k


class Pool:
    """The long sentences of a list of texts, indexed once for many best-match queries.

    `best(text, excluded)` is `max_similarity(text, [texts except those at excluded indexes])`.
    The index is built on the first query too large to compare exhaustively: tokens numbered
    rarest first, each sentence's prefix of rarest tokens in `postings`, its tokens as a bit mask
    so that shared characters are one `&` and a bit count.
    """

    def __init__(self, texts: tuple[str | None, ...], min_chars: int):
        self.min_chars = min_chars
        self.owners: dict[str, list[int]] = {}
        entries = 0
        for index, text in enumerate(texts):
            for sentence in sentences(text):
                if len(sentence) >= min_chars:
                    self.owners.setdefault(sentence, []).append(index)
                    entries += 1
        self.entries = entries
        self.sentences = list(self.owners)
        self._numbers: dict[tuple[str, int], int] = {}
        self._postings: dict[int, list[int]] = {}
        self._masks: list[int] = []
        self._shares: list[int] = []
        self._built = False
        self._building = threading.Lock()
        self._answers: dict[tuple[str | None, frozenset[int]], Decimal] = {}

    def _available(self, sentence: str, excluded: frozenset[int]) -> bool:
        return not excluded or any(i not in excluded for i in self.owners[sentence])

    def _build(self) -> None:
        with self._building:  # threads share pools: numbering must be complete before any prefix
            if self._built:
                return
            frequency = Counter(t for sentence in self.sentences for t in _tokens(sentence))
            numbers = {t: i for i, t in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
            for position, sentence in enumerate(self.sentences):
                ids = sorted(numbers[t] for t in _tokens(sentence))
                length, k = _prefix(len(ids))
                for token in ids[:length]:
                    self._postings.setdefault(token, []).append(position)
                self._masks.append(_mask(ids))
                self._shares.append(k)
            self._numbers = numbers
            self._built = True

    def _candidates(self, sentence: str) -> tuple[int, list[int]]:
        """The sentence's token mask, and the pool sentences whose prefix shares enough of its own."""
        self._build()
        numbers, postings, shares = self._numbers, self._postings, self._shares
        tokens = _tokens(sentence)
        # tokens the pool lacks are the rarest of all: they come first and have no postings
        ids = sorted(i for i in (numbers.get(t) for t in tokens) if i is not None)
        length, k = _prefix(len(tokens))
        met = Counter(chain.from_iterable(postings.get(t, ()) for t in ids[:max(0, length - (len(tokens) - len(ids)))]))
        return _mask(ids), [y for y, count in met.items() if count >= k or count >= shares[y]]

    def best(self, text: str | None, excluded: frozenset[int] = frozenset()) -> Decimal:
        key = (text, excluded)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._best(text, excluded)
        return answer

    def _best(self, text: str | None, excluded: frozenset[int]) -> Decimal:
        mine = [s for s in sentences(text) if len(s) >= self.min_chars]
        if not mine or not self.sentences:
            return Decimal(0)
        if len(mine) * self.entries <= SMALL_PAIRS:
            pairs = [(a, b) for a in mine for b in self.sentences if self._available(b, excluded)]
            return _best_of(pairs)
        best: Decimal | None = None
        for sentence in mine:
            mask, found = self._candidates(sentence)
            for position in found:
                other = self.sentences[position]
                shared = (mask & self._masks[position]).bit_count()
                if 2 * shared * _F_DEN < _F_NUM * (len(sentence) + len(other)) or not self._available(other, excluded):
                    continue
                score = _pair_similarity(sentence, other)
                if best is None or score > best:
                    best = score
        return Decimal(0) if best is None else best


def _best_of(pairs: list[tuple[str, str]]) -> Decimal:
    """The highest similarity of the pairs, exactly: pairs in order of their ceiling 2·C÷T (C the
    characters shared, counted with repeats), stopping when the ceiling cannot beat the best."""
    ceilings = []
    for a, b in pairs:
        shared = sum((Counter(a) & Counter(b)).values())
        ceilings.append((round_half_up(CONTEXT.divide(Decimal(2 * shared), Decimal(len(a) + len(b))), 4), a, b))
    ceilings.sort(key=lambda c: c[0], reverse=True)
    best: Decimal | None = None
    for ceiling, a, b in ceilings:
        if best is not None and ceiling <= best:
            break
        score = _pair_similarity(a, b)
        if best is None or score > best:
            best = score
    return Decimal(0) if best is None else best


def _mask(ids: list[int]) -> int:
    mask = 0
    for i in ids:
        mask |= 1 << i
    return mask


_POOLS: OrderedDict[tuple[tuple[str | None, ...], int], Pool] = OrderedDict()
_POOLS_KEPT = 8
_POOLS_LOCK = threading.Lock()


def pool(texts, min_chars: int) -> Pool:
    """The `Pool` of `texts` (a text or a list of texts), shared by every query on the same texts."""
    key = (tuple(_texts(texts)), min_chars)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is None:
            found = _POOLS[key] = Pool(key[0], min_chars)
            if len(_POOLS) > _POOLS_KEPT:
                _POOLS.popitem(last=False)
        else:
            _POOLS.move_to_end(key)
    return found


def max_similarity(text: str | None, others, min_chars: int) -> Decimal:
    """The highest sentence similarity between `text` and `others`; 0 when either has no long sentence
    (a missing text repeats nothing). Exact at or above FLOOR (see the module's docstring)."""
    if not any(len(s) >= min_chars for s in sentences(text)):
        return Decimal(0)
    return pool(others, min_chars).best(text)


def max_similarity_all_pairs(text: str | None, others, min_chars: int) -> Decimal:
    """`max_similarity` by comparing every pair of sentences: the reference the index is tested against."""
    found = repeats(text, others, min_chars)
    return found[0].score if found else Decimal(0)


def mentions(texts, word: str) -> list[str]:
    """The sentences of `texts` (a text or a list of texts) that contain `word`, in order."""
    return [s for text in _texts(texts) for s in sentences(text) if word in s]
