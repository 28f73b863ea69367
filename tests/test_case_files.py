"""Bad case files: one readable line per problem naming file, line, record and field; exit 2."""
from decimal import Decimal as D

import pytest
from click.testing import CliRunner

from conftest import SEED, write
from jixiao import CaseError, load_case
from jixiao.cli.main import main

GOOD = """
case: {id: t, unit: 测试单位, year: 2024}
department:
  id: d
  name: 测试部门
  spending: {total: 100.00}
projects:
  - id: a
    name: 项目A
    budget: {initial: 67, adjustment: 0}
    actual: 56.18
  - id: b
    name: 项目B
    actual: 43.36
"""


def test_amounts_are_exact_decimals(tmp_path):
    case = load_case(write(tmp_path, "good.yaml", GOOD))
    assert case.projects[0].actual == D("56.18") and isinstance(case.projects[0].actual, D)
    assert case.projects[1].budget.initial is None  # not stated stays None, never 0


def problems_of(tmp_path, text):
    with pytest.raises(CaseError) as info:
        load_case(write(tmp_path, "bad.yaml", text))
    return [str(p) for p in info.value.problems]


def test_not_a_number_names_file_line_record_and_field(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("actual: 43.36", "actual: 四十三"))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'bad.yaml'}:13:13: 项目 b，字段 projects.actual：“四十三”不是数值")


def test_every_problem_at_once(tmp_path):
    text = GOOD.replace("actual: 56.18", "actual: 56.18\n    budgte: 3").replace("year: 2024", "year: 今年")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2
    assert any(":1:" in p and "字段 case.year" in p for p in problems)
    assert any(":11:13: 项目 a，字段 projects.budgte：未知字段" in p for p in problems)


def test_missing_required_field(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("    name: 项目B\n", ""))
    assert problems == [f"{tmp_path / 'bad.yaml'}:11:5: 项目 b，字段 projects.name：缺少必填字段"]


def test_duplicate_project_ids(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("id: b", "id: a"))
    assert problems == [f"{tmp_path / 'bad.yaml'}:11:9: 项目 a，字段 id：项目编号重复（与第1个项目相同）"]


def test_yaml_syntax_error(tmp_path):
    problems = problems_of(tmp_path, GOOD + "  - id: [unclosed\n")
    assert problems[0].startswith(f"{tmp_path / 'bad.yaml'}:15:") and "YAML语法错误" in problems[0]


def test_cli_reports_bad_case_and_still_scores_the_others(tmp_path):
    bad = write(tmp_path, "bad.yaml", GOOD.replace("actual: 43.36", "actual: 四十三"))
    result = CliRunner().invoke(main, ["score", str(bad), str(SEED), "--format", "json", "--engine", "native"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{bad}:13:13: 项目 b，字段 projects.actual：“四十三”不是数值" in result.stderr
    assert '"case": "lusong-zfw-2024"' in result.stdout  # the good case is still there


def test_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["score", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "文件不存在" in result.stderr


@pytest.mark.parametrize("bom, newline", [(b"", b"\n"), (b"\xef\xbb\xbf", b"\r\n")])
def test_a_file_is_read_as_its_text_is_with_or_without_bom_and_crlf(tmp_path, bom, newline):
    """The file's bytes go to the parser (`read_yaml`): the same case, places and problems as its text."""
    from jixiao.core.yamlsource import parse_yaml

    good = SEED.read_bytes().replace(b"\r\n", b"\n")
    path = tmp_path / "case.yaml"
    path.write_bytes(bom + good.replace(b"\n", newline))
    assert load_case(path).model_dump() == load_case(SEED).model_dump()
    bad = bom + b"case:\n  id: x\n  unit: [unclosed\nprojects: []\n".replace(b"\n", newline)
    path.write_bytes(bad)
    with pytest.raises(CaseError) as from_file:
        load_case(path)
    with pytest.raises(CaseError) as from_text:
        parse_yaml(bad.decode("utf-8-sig"), str(path), CaseError)
    assert [str(p) for p in from_file.value.problems] == [str(p) for p in from_text.value.problems]
    assert from_file.value.problems[0].location.line is not None


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("7", 7), ("2024", 2024), ("120000", 120000), ("+5", 5), ("-0", 0), ("-12", -12), ("1_000", 1000),
    ("007", None), ("0x1F", None), ("0b101", None), ("1:30", None), ("١٢", None), ("１２", None),
])
def test_an_int_is_read_in_decimal_only_however_its_digits_are_written(text, value):
    """`_int_text`'s plain-digits path and its pattern give the same: leading zeros (octal in YAML
    1.1), other bases, sexagesimal and digits that are not ASCII are not decimal ints."""
    from jixiao.core.yamlsource import _DECIMAL_INT, _int_text

    assert _int_text(text) == value
    assert (_DECIMAL_INT.fullmatch(text) is not None) == (value is not None)
