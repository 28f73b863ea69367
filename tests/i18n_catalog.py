"""The message catalogs: what the source asks to translate, and the check that both languages have
every message. Also the maintainer's tool:

    python tests/i18n_catalog.py update    # add new messages (empty) to engine/locale/en/…/jixiao.po
    python tests/i18n_catalog.py compile   # write the .mo files from the .po files

Message ids are the Chinese texts: `_()` / `N_()` calls in engine/, and the help texts of every
command and option (docstrings and `help=`), collected from the click tree itself.
"""
from __future__ import annotations

import io
import sys
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "engine" / "locale"
JIXIAO_PO = LOCALE / "en" / "LC_MESSAGES" / "jixiao.po"
CLICK_PO = LOCALE / "zh" / "LC_MESSAGES" / "click.po"


def _help_texts() -> set[str]:
    from jixiao.cli.language import help_texts
    from jixiao.cli.main import main

    return {msgid for _, _, msgid in help_texts(main)}


@lru_cache(maxsize=None)
def source_messages() -> frozenset[str]:
    """Every message id the code can show."""
    found = {entry[2] for entry in extract_from_dir(
        str(ROOT / "engine"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None})
        if isinstance(entry[2], str) and entry[2]}
    return frozenset(found | _help_texts())


def read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update() -> None:
    catalog = read(JIXIAO_PO, "en") if JIXIAO_PO.exists() else Catalog(locale="en", project="jixiao")
    wanted = source_messages()
    for message in sorted(wanted):
        if message not in catalog:
            catalog.add(message, "")
    for message in [m.id for m in catalog if m.id and m.id not in wanted]:
        del catalog[message]
    JIXIAO_PO.parent.mkdir(parents=True, exist_ok=True)
    with JIXIAO_PO.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False)


def compile_all() -> None:
    for po, locale in ((JIXIAO_PO, "en"), (CLICK_PO, "zh")):
        po.with_suffix(".mo").write_bytes(mo_bytes(read(po, locale)))


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
