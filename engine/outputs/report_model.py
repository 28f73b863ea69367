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
