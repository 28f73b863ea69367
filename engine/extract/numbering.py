"""The numbering of headings and list items: 一、 / 一 … / （一） / 1. 1、 / （1）, with their level."""
from __future__ import annotations

import re

_MARKERS = (  # (regex, level)
    (re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*"), 1),
    (re.compile(r"^[一二三四五六七八九十]+\s+(?=\S)"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*"), 2),
    (re.compile(r"^\d{1,2}\s*[、.．](?!\d)\s*"), 3),
    (re.compile(r"^[（(]\d{1,2}[）)]\s*"), 4),
)


def marker(text: str) -> tuple[int, str] | None:
    """(level, the text after the marker) for a numbered line, else None."""
    for regex, level in _MARKERS:
        found = regex.match(text)
        if found:
            return level, text[found.end():].strip()
    return None
