"""One language in every message: Chinese by default, English when asked.

Message ids are the Chinese texts themselves, so the Chinese output needs no catalog and a missing
translation can never print an English/Chinese mix. English comes from the standard gettext
catalog `locale/en/LC_MESSAGES/jixiao.mo` (written from `jixiao.po` with Babel: see the README).
The language is, in order: `set_language()` (the CLI's `--lang`), `JIXIAO_LANG`, the locale
(`LC_ALL`, `LC_MESSAGES`, `LANG` starting with `en`), else Chinese. JSON keys and codes never change.

Write `_("扣{points}分").format(points=…)`, not an f-string inside `_()`: the id must be literal.
"""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Fix the language for this process (None: back to the environment's choice)."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        from jixiao.core.errors import JixiaoError
        raise JixiaoError(_("未知语言{lang!r}：可选 zh、en").format(lang=lang))
    _chosen = lang


def language() -> str:
    if _chosen:
        return _chosen
    env = os.environ.get("JIXIAO_LANG", "").strip().lower()
    if env:
        return "en" if env.startswith("en") else "zh"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


@lru_cache(maxsize=None)
def translations(domain: str, lang: str, source: str) -> gettext.NullTranslations:
    """`domain`'s catalog for `lang` under locale/; none is needed in the ids' own language `source`
    (Chinese for jixiao's messages, English for click's)."""
    if lang == source:
        return gettext.NullTranslations()
    return gettext.translation(domain, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """The message in the current language (the Chinese id itself for zh)."""
    return translations("jixiao", language(), "zh").gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is translated later (tables of labels)."""
    return message
