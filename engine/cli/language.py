"""The command line in one language: Chinese by default, English with `--lang en` (or JIXIAO_LANG,
or an English locale).

jixiao's own help texts are written in Chinese and translated through `jixiao.core.i18n` when help
is shown; click's built-in texts ("Usage:", "Missing argument …") are English ids in click's own
code, translated to Chinese through the `click` catalog we ship (locale/zh/LC_MESSAGES/click.mo).
"""
from __future__ import annotations

import inspect
from typing import Any, Iterator

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.shell_completion
import click.termui
import click.types

from jixiao.core.i18n import _, language, set_language, translations

_CLICK_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser,
                  click.shell_completion, click.termui, click.types)


def _click_gettext(message: str) -> str:
    return translations("click", language(), "en").gettext(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return translations("click", language(), "en").ngettext(singular, plural, n)


def _install_click_translations() -> None:
    for module in _CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = _click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext


def help_texts(command: click.Command) -> Iterator[tuple[Any, str, str]]:
    """(command or parameter, attribute, message id) for every help text of `command` and below.
    The Chinese original is kept beside the attribute the first time, so switching languages back
    and forth (tests, embedders) is exact. Python 3.13 strips docstrings' indentation when it
    compiles them and older ones do not: the message id is the cleaned text, on every Python."""
    for obj in [command, *command.params]:
        for attr in ("help", "short_help"):
            original = getattr(obj, "_msgid_" + attr, None)
            if original is None:
                original = getattr(obj, attr, None) or ""
                setattr(obj, "_msgid_" + attr, original)
            if original:
                yield obj, attr, inspect.cleandoc(original)
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def localize(command: click.Command) -> None:
    """Help texts of `command` and everything below it in the current language."""
    for obj, attr, msgid in help_texts(command):
        setattr(obj, attr, _(msgid))
    _forget_help_options(command)


def _forget_help_options(command: click.Command) -> None:
    """click caches each command's --help option, with the text of the language it was made in."""
    if getattr(command, "_help_option", None) is not None:
        command._help_option = None
    for sub in getattr(command, "commands", {}).values():
        _forget_help_options(sub)


class LocalizedGroup(click.Group):
    """The root group: translates the tree before parsing, so help and errors match the language."""

    def main(self, *args, **kwargs):
        _install_click_translations()
        localize(self)
        return super().main(*args, **kwargs)


def _choose(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        set_language(value)
        localize(ctx.find_root().command)


LANG = click.option("--lang", type=click.Choice(["zh", "en"]), expose_value=False, is_eager=True, callback=_choose,
                    help="界面语言：zh（中文，默认）或 en（英文）；也可用环境变量 JIXIAO_LANG")
