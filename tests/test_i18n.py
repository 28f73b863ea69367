"""One language in every message: Chinese by default, English on request, both catalogs complete."""
import re
import string

import pytest
from click.testing import CliRunner

from i18n_catalog import CLICK_PO, JIXIAO_PO, mo_bytes, read, source_messages
from jixiao.cli.main import main
from jixiao.core.i18n import _, set_language

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_an_english_translation():
    catalog = read(JIXIAO_PO, "en")
    missing = sorted(m for m in source_messages() if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run: python tests/i18n_catalog.py update, translate, then compile"


def test_translations_keep_every_placeholder():
    for message in read(JIXIAO_PO, "en"):
        if message.id and message.string:
            assert _fields(message.id) == _fields(message.string), message.id


def test_the_catalog_holds_no_message_the_code_no_longer_has():
    stale = sorted(m.id for m in read(JIXIAO_PO, "en") if m.id and m.id not in source_messages())
    assert stale == []


@pytest.mark.parametrize("po, locale", [(JIXIAO_PO, "en"), (CLICK_PO, "zh")])
def test_compiled_catalogs_are_current(po, locale):
    assert po.with_suffix(".mo").read_bytes() == mo_bytes(read(po, locale)), "run: python tests/i18n_catalog.py compile"


def test_clicks_own_texts_have_chinese():
    catalog = read(CLICK_PO, "zh")
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []


def test_help_is_chinese_by_default_and_english_on_request(monkeypatch):
    monkeypatch.delenv("JIXIAO_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    runner = CliRunner()
    zh = runner.invoke(main, ["score", "--help"]).output
    assert "对案例文件评分" in zh and "用法：" in zh and "显示本帮助并退出" in zh
    en = runner.invoke(main, ["--lang", "en", "score", "--help"]).output
    assert "Score CASE files" in en and "Usage:" in en and not CJK.search(en.replace("涉密", ""))
    set_language(None)
    monkeypatch.setenv("JIXIAO_LANG", "en")
    assert "Score CASE files" in runner.invoke(main, ["score", "--help"]).output
    monkeypatch.delenv("JIXIAO_LANG")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert "Score CASE files" in runner.invoke(main, ["score", "--help"]).output
    monkeypatch.setenv("JIXIAO_LANG", "zh")  # the explicit choice wins over the locale
    assert "对案例文件评分" in runner.invoke(main, ["score", "--help"]).output


def test_every_help_text_in_english_has_no_chinese_but_domain_terms():
    """In English, Chinese appears only as the names of the forms, terms users search for, and quoted words."""
    set_language("en")
    try:
        for message in source_messages():
            english = _(message)
            assert not CJK.search(re.sub(r"“[^”]*”|'[^']*'|\([^)]*[\u4e00-\u9fff][^)]*\)|自评表|绩效|复核|涉密|万元|元|[\u4e00-\u9fff]+表", "", english)), (message, english)
    finally:
        set_language(None)


def test_errors_follow_the_language(tmp_path, monkeypatch):
    monkeypatch.delenv("JIXIAO_LANG", raising=False)
    target = tmp_path / "kept.xlsx"
    target.write_bytes(b"filled")
    runner = CliRunner()
    zh = runner.invoke(main, ["template", str(target)])
    assert zh.exit_code == 2 and "不覆盖" in zh.output and "错误：" in zh.output
    en = runner.invoke(main, ["--lang", "en", "template", str(target)])
    assert en.exit_code == 2 and "not overwritten" in en.output and "Error:" in en.output
    set_language(None)
    assert target.read_bytes() == b"filled"
