"""The malformed-input corpus (issue 12): every broken case file and ruleset in tests/malformed/
gets exactly its one expected line (EXPECTED.tsv: file, message — Chinese, naming file, line and
column where there is one), exit status 2, and never a traceback.

The corpus holds what the issue's probe found (YAML 1.1 octal/hex/binary/base-60 numbers, '56,18'
and '1,2,3', duplicate keys, empty or blank ids, 1e999999999, 60 digits, 1E+28, alias bombs,
recursive aliases, deep nesting, `? [a, b]` keys; in rulesets text compared with numbers,
`distinct` of records, {name|pct}, round to 1e999999999 places, 0x10, 900 nested `not`, a
1,000-term `and`, a 20,000-number `in` list, includes outside the folder) and what people do
(missing fields, wrong types, unknown keys, duplicate project ids, an empty file, a list or a
text instead of a mapping, words and units in number fields, full-width digits, NaN/Infinity,
non-UTF-8 and UTF-16 files, YAML syntax errors)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli.main import main

CORPUS = Path(__file__).resolve().parent / "malformed"


def expected(folder: str) -> list[tuple[str, str]]:
    rows = (CORPUS / folder / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(row.split("\t", 1)) for row in rows]


def test_the_corpus_is_complete():
    for folder in ("cases", "rulesets"):
        listed = {name for name, _ in expected(folder)}
        assert listed == {p.name for p in (CORPUS / folder).glob("*.yaml")}
    assert len(expected("cases")) >= 50


@pytest.mark.parametrize("name, message", expected("cases"))
def test_a_broken_case_file_gets_its_one_line(name, message, monkeypatch):
    monkeypatch.chdir(CORPUS / "cases")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["score", name, "--engine", "native"])
    assert time.perf_counter() - start < 30  # no hang (the alias bomb took > 60 s and 5 GB)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[0] == f"错误：{message}"


@pytest.mark.parametrize("name, message", expected("rulesets"))
def test_a_broken_ruleset_gets_its_one_line(name, message, monkeypatch):
    monkeypatch.chdir(CORPUS / "rulesets")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["rulesets", "validate", name])
    assert time.perf_counter() - start < 30
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.splitlines()[0] == message.replace("{here}", str(CORPUS / "rulesets"))


def _books():
    import sys
    sys.path.insert(0, str(CORPUS))
    from workbooks import BOOKS
    return BOOKS


@pytest.mark.parametrize("name", sorted(_books()))
def test_a_broken_workbook_gets_its_one_line(name, tmp_path):
    """Workbooks are made at test time (tests/malformed/workbooks.py): the first error line of
    `jixiao import` is exactly the expected one, exit 2, no traceback, refused fast."""
    make, message = _books()[name]
    book = tmp_path / f"{name}.xlsx"
    make(book)
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(tmp_path / "out.yaml")])
    assert time.perf_counter() - start < 30
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    first = next(line for line in result.stderr.splitlines() if line.startswith("错误："))
    assert first == "错误：" + message.format(book=book, total=12)
    assert not (tmp_path / "out.yaml").exists()
