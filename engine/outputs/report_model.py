"""The report's document model: sections of paragraphs, tables and lists, text only.

It is the contract between the writer (`report`) and every renderer (Markdown in `report`, Word in
`word`): because it holds only text, every format shows the same words.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Paragraph(_Model):
    type: Literal["paragraph"] = "paragraph"
    text: str


class Table(_Model):
    type: Literal["table"] = "table"
    headers: list[str]
    rows: list[list[str]]


class BulletList(_Model):
    type: Literal["list"] = "list"
    items: list[str]


Block = Annotated[Union[Paragraph, Table, BulletList], Field(discriminator="type")]


class Section(_Model):
    heading: str
    level: int = 1
    blocks: list[Block] = []


class Report(_Model):
    title: str
    sections: list[Section]


NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1–99, as headings and items are numbered)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return NUMERALS[n]
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[ones] if ones else "")


def item_number(section_level: int, i: int) -> str:
    """The number of the i-th item (from 1) of a list in a section of `section_level`: the next level of
    公文 numbering after the heading's — 一、 → （一） → 1. → （1）."""
    if section_level <= 1:
        return f"（{chinese_number(i)}）"
    if section_level == 2:
        return f"{i}."
    return f"（{i}）"
