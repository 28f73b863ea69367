"""Read YAML with exact decimals and remember where every value came from.

Floats in YAML become `Decimal` straight from their text (56.18 stays 56.18, never a binary
float), and a `LineMap` maps each value's path (("projects", 0, "actual")) to its line, so that
validation errors can point at the file and line the user has to fix.
"""
from __future__ import annotations

import re
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml

from jixiao.core.collector import paused_collector
from jixiao.core.errors import Location, Problem
from jixiao.core.i18n import N_, _


class LineMap:
    """Path of keys/indexes → Location of the value (or of its key, for mappings).

    The loader records each value's place as one packed int (line << 32 | column), not a
    `Location` object: a 10,000-project case has about a million values; `at`, `find` and
    `items` hand out `Location`s as before."""

    def __init__(self, file: str):
        self.file = file
        self._table: dict[tuple, Location | int] = {}
        # (text, loader type) whose places are not read yet: a case that loads without a problem
        # never asks for one, and the table is larger than the values (150 MB for 10,000 projects)
        self._source: tuple[str | _FileText, type] | None = None

    @property
    def _lines(self) -> dict[tuple, Location | int]:
        if self._source is not None:
            text, loader_type = self._source
            self._source = None
            if isinstance(text, _FileText):
                text = text.read()
            if text is not None:  # None: the file changed since it was read, so no line is known
                self._table = _load_events(text, self.file, loader_type, record=True)[1]._table
        return self._table

    @_lines.setter
    def _lines(self, table: dict[tuple, Location | int]) -> None:
        self._source, self._table = None, table

    def _location(self, where: Location | int) -> Location:
        if isinstance(where, int):
            return Location(self.file, where >> 32, where & 0xFFFFFFFF)
        return where

    def add(self, path: tuple, node: yaml.Node) -> None:
        self._lines[path] = Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def set(self, path: tuple, where: Location) -> None:
        self._lines[tuple(path)] = where

    def at(self, path: tuple) -> Location | None:
        """Where `path` itself was written; None when it was not (`find` answers with an ancestor)."""
        where = self._lines.get(tuple(path))
        return None if where is None else self._location(where)

    def items(self):
        return ((path, self._location(where)) for path, where in self._lines.items())

    def find(self, path: tuple) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._location(self._lines[path])
            path = path[:-1]
        where = self._lines.get(())
        return Location(self.file) if where is None else self._location(where)


_LOADER_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same nodes and marks, ~5× faster


class _DecimalLoader(_LOADER_BASE):  # type: ignore[misc, valid-type]
    pass


class _PyDecimalLoader(yaml.SafeLoader):
    """The pure-Python loader, asked only to word a syntax error (its messages say what it found)."""


# Amounts are decimal only. YAML 1.1 (PyYAML) reads 070 and 0o70 as octal 56, 0x38 and 0b111000 as
# 56 and 1:30 as 90 (base 60): each silently wrong for a figure copied from a report. Such a scalar
# is an error naming its line; written in quotes it stays text.
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


def _refuse(node: yaml.Node, message: str) -> yaml.YAMLError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


def _int_text(text: str) -> int | None:
    """A YAML int's value if it is written in decimal, else None (`_decimal_int` says why)."""
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)  # plain digits (a third of a case's values): half the time of the pattern
    if _DECIMAL_INT.fullmatch(text) is None:
        return None
    return int(text.replace("_", "") if "_" in text else text)


def _decimal_text(text: str) -> Decimal | None:
    """A YAML float's exact value if it is written in decimal (not .inf or .nan) and not too long, else None."""
    if _DECIMAL_FLOAT.fullmatch(text) is None or len(text) > MAX_NUMBER_TEXT:
        return None
    return Decimal(text.replace("_", "") if "_" in text else text)


def _decimal_int(loader: Any, node: yaml.ScalarNode) -> int:
    value = _int_text(node.value)
    if value is None:
        raise _refuse(node, _("`{text}`不是十进制数（YAML把它读作{base}）：数值请写十进制，文字请加引号").format(
            text=node.value, base=_base(node.value)))
    return value


def _base(text: str) -> str:
    bare = text.lstrip("+-").lower()
    if ":" in bare:
        return _("六十进制")
    if bare.startswith("0x"):
        return _("十六进制")
    if bare.startswith("0b"):
        return _("二进制")
    return _("八进制")


def _decimal_float(loader: Any, node: yaml.ScalarNode) -> Decimal | float:
    text = node.value
    if _SPECIAL_FLOAT.fullmatch(text):
        return float(loader.construct_yaml_float(node))  # .inf / .nan: validation rejects them by name
    value = _decimal_text(text)
    if value is None:
        raise _refuse(node, _("`{text}`不是十进制数：数值请写十进制，文字请加引号").format(text=text[:40]))
    return value


for _loader in (_DecimalLoader, _PyDecimalLoader):
    _loader.add_constructor("tag:yaml.org,2002:int", _decimal_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _decimal_float)

# Caps, each far above any real case (the 10,000-project bench case is 15 MB, ~1.2 M values).
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_NUMBER_TEXT = 64


_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Builder:
    """Python values from the node tree, each path's Location recorded (one walk, no recursion
    through PyYAML's constructor for the common scalars: most of a large case's load time)."""

    def __init__(self, loader: Any, lines: LineMap, text: str):
        self.loader = loader
        self.file = lines.file
        self.locations = lines._lines
        # values a document may build: aliases re-expand their node, so without a bound a 13 KB
        # "billion laughs" built 5 GB; linear in the text: 8 values a character, at least a million
        self.budget = max(1_000_000, 8 * len(text))
        self.open: set[int] = set()

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT:
            return _decimal_int(self.loader, node)
        if tag == _FLOAT:
            return _decimal_float(self.loader, node)
        return self.loader.construct_object(node, deep=True)  # yes/no, null, dates

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _refuse(node, _("文件展开后过大（别名重复展开？）"))
        mark = node.start_mark
        # a value's location is where the value starts (for a block below a key, its first line)
        self.locations[path] = (mark.line + 1) << 32 | (mark.column + 1)  # LineMap's packed form
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if len(path) > MAX_DEPTH:
            raise _refuse(node, _("嵌套超过{most}层").format(most=MAX_DEPTH))
        if id(node) in self.open:
            raise _refuse(node, _("别名引用了包含它自身的节点（递归别名）"))
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                _refuse_duplicates(node)
                self.loader.flatten_mapping(node)  # `<<: *x` entries first: the mapping's own keys override them
                out: dict = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise _refuse(key_node, _("键应为文字，不能是列表或映射（`? [a, b]`）"))
                    key = self.scalar(key_node)
                    if isinstance(key, (Decimal, float)):
                        key = str(key)
                    out[key] = self.build(value_node, path + (key,))
                return out
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))


def _refuse_duplicates(node: yaml.MappingNode) -> None:
    """The same key twice in one mapping: PyYAML keeps the last (`actual: 56.18` then
    `actual: 5.18` read 5.18). Merged keys (`<<: *x`) may be overridden; written keys may not."""
    seen: dict[str, yaml.Node] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        first = seen.setdefault(key_node.value, key_node)
        if first is not key_node:
            raise _refuse(key_node, _("键`{key}`重复（第{line}行已有）：只能写一次").format(
                key=key_node.value[:40], line=first.start_mark.line + 1))


Settle = Callable[[str, Any, dict], Any]


@paused_collector
def load_yaml_text(text: str | bytes, file: str, settle: Settle | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text; syntax errors become a `Problem` list raised by the caller's error type.

    `settle(key, item, root)`, when given, may replace each mapping in a list under the root's `key`
    as soon as it is read (a case's projects with their validated models, so that the whole tree of
    a large file is never held); `root` is the document's mapping as read so far, its keys before
    `key` complete. Where the document is read by the node tree instead (see `_load`), nothing is
    settled: the caller must take the items either way."""
    try:
        return _load(text, file, _DecimalLoader, settle)
    except yaml.constructor.ConstructorError:
        raise
    except yaml.YAMLError:
        if _DecimalLoader is _PyDecimalLoader:
            raise
        return _load(_as_text(text), file, _PyDecimalLoader, settle)  # raises the same error, in PyYAML's words


def _too_deep(text: str, loader_type: type) -> yaml.YAMLError:
    """Where nesting passes MAX_DEPTH, found from the parser's events (which do not recurse), so the
    message and its place are the ones the builder gives whichever loader ran out of stack first."""
    depth = 0
    for event in yaml.parse(text, Loader=loader_type):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if depth > MAX_DEPTH:
                return yaml.constructor.ConstructorError(None, None, _("嵌套超过{most}层").format(most=MAX_DEPTH),
                                                         event.start_mark)
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.YAMLError(_("嵌套过深"))


class _Unusual(Exception):
    """The streaming reader met something only the node tree handles exactly (an anchor, a merge key,
    a duplicate key, a complex key, an error): the document is read again through `_load_tree`."""


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_PLAIN_CONSTRUCTED = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_PLAIN_TAGS: dict[str, str] = {}  # plain scalar text → its resolved tag (resolution depends on the text only)
_NO_KEY = object()  # a mapping's next key is still to be read


def _load(text: str | bytes, file: str, loader_type: type, settle: Settle | None = None) -> tuple[Any, LineMap]:
    """The values and their LineMap from the parser's events, never holding the node tree (about
    25 times the size of the data it gives: 700 MB for the 10,000-project case); any document this
    does not read exactly as the tree walk does is read by that walk, so results and errors are the same.
    `text` may be the file's bytes, checked to be UTF-8 (`read_yaml`): libyaml parses a str by
    encoding it to those bytes first, so the events are the same without the str or its copy."""
    try:
        data, lines = _load_events(text, file, loader_type, record=False, settle=settle)
        lines._source = (text, loader_type)  # read again, with places, on the first question
        return data, lines
    except (_Unusual, yaml.YAMLError, RecursionError, ValueError, TypeError):
        pass  # the tree walk reads it exactly, or raises the error in its words
    return _load_tree(_as_text(text), file, loader_type)


def _as_text(text: str | bytes) -> str:
    """The text of a document given as a file's checked UTF-8 bytes (`read_yaml`), for the readers
    that take no bytes: the node tree's builder, whose bounds count characters, and PyYAML's own words."""
    return text if isinstance(text, str) else text.decode("utf-8-sig")


def _load_events(text: str | bytes, file: str, loader_type: type, record: bool,
                 settle: Settle | None = None) -> tuple[Any, LineMap]:
    lines = LineMap(file)
    locations = lines._table
    loader = loader_type(text)
    try:
        get = loader.get_event
        get()  # stream start
        event = get()
        if type(event) is yaml.StreamEndEvent:
            return None, lines
        if type(event) is not yaml.DocumentStartEvent:
            raise _Unusual
        budget = max(1_000_000, 8 * len(text))
        resolve = loader.resolve
        plain_tags = _PLAIN_TAGS
        constructors = loader.yaml_constructors
        scalar_type, map_type, seq_type = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent  # locals: ~2 million events
        str_tag, int_tag, float_tag, constructed = _STR, _INT, _FLOAT, _PLAIN_CONSTRUCTED
        int_text, decimal_text = _int_text, _decimal_text
        # The innermost open container's state is held in locals (~2 million events: indexing a
        # frame list for it measured a fifth of the loop); `stack` holds the enclosing ones' as
        # [container, path, key, keys seen, settled]. `key` is _NO_KEY until a mapping's key is
        # read (a key may be None: `null:`); `settled`, for a list under the root whose items are
        # settled: [the root's key, items settled so far, the root].
        stack: list[list] = []
        root: Any = None
        container: Any = None  # the innermost open mapping or list; None before the root
        in_map = False
        here: tuple = ()  # its path (record only)
        key: Any = _NO_KEY
        seen: set | None = None  # its keys' texts (mappings)
        settled: list | None = None
        while True:
            event = get()
            kind = type(event)
            if kind is map_end or kind is seq_end:
                if not stack:
                    break  # the root ends
                done, done_settled = container, settled
                container, here, key, seen, settled = stack.pop()
                in_map = type(container) is dict
                if not stack and done_settled is not None:  # a settled list ends: the items left
                    _settle_items(settle, done, done_settled, 1)
                elif len(stack) == 1 and settled is not None:  # one of its items ends
                    _settle_items(settle, container, settled, SETTLE_BATCH)
                continue
            if kind is not scalar_type and kind is not map_type and kind is not seq_type:
                raise _Unusual  # an alias, or the document ended unexpectedly
            if event.anchor is not None:
                raise _Unusual
            tag = event.tag
            if kind is scalar_type:  # a key's or a value's tag, resolved as the composer would
                value = event.value
                if tag is None or tag == "!":
                    implicit = event.implicit
                    if implicit[0]:
                        tag = plain_tags.get(value)
                        if tag is None:
                            tag = resolve(yaml.ScalarNode, value, implicit)
                            if len(value) < 64 and len(plain_tags) < 20_000:
                                plain_tags[value] = tag
                    else:
                        tag = _STR
            if in_map and key is _NO_KEY:
                # a mapping's key: a plain text, written once
                if kind is not scalar_type:
                    raise _Unusual
                if tag == _STR:
                    key = value
                elif tag == _INT or tag == _FLOAT or tag in _PLAIN_CONSTRUCTED:
                    key = _event_scalar(loader, event, tag, constructors)
                    if isinstance(key, (Decimal, float)):
                        key = str(key)
                else:
                    raise _Unusual  # merge keys (`<<`), `=` and other tags: the tree walk's rules
                if value in seen or key in container:
                    raise _Unusual
                seen.add(value)
                continue
            budget -= 1
            if budget < 0:
                raise _Unusual
            if not record or container is None:
                path: tuple = ()
            elif in_map:
                path = here + (key,)
            else:
                path = here + (len(container),)
            if record:
                mark = event.start_mark
                locations[path] = (mark.line + 1) << 32 | (mark.column + 1)
            if kind is scalar_type:
                if tag != str_tag:
                    if tag == int_tag or tag == float_tag:
                        # a value's number as `_decimal_int`/`_decimal_float` read it, without a node;
                        # one they refuse (or .inf, .nan) is read and worded by the tree walk
                        value = int_text(value) if tag == int_tag else decimal_text(value)
                        if value is None:
                            raise _Unusual
                    elif tag in constructed:
                        value = _event_scalar(loader, event, tag, constructors)
                    else:
                        raise _Unusual
                if container is None:
                    root = value
                    break  # the document is one scalar
                if in_map:
                    container[key] = value
                    key = _NO_KEY
                else:
                    container.append(value)
                continue
            if tag is not None and tag != "!" and tag != (_MAP if kind is map_type else _SEQ):
                raise _Unusual
            if len(stack) + (container is not None) > MAX_DEPTH:  # len(path): the depth
                raise _Unusual
            value = {} if kind is map_type else []
            opened = None
            if container is None:
                root = value
            else:
                if in_map:
                    if settle is not None and kind is seq_type and not stack:
                        opened = [key, 0, container]  # a list under the root: its items are settled as read
                    container[key] = value
                    key = _NO_KEY
                else:
                    container.append(value)
                stack.append([container, here, key, seen, settled])
            container, in_map, here, key, settled = value, kind is map_type, path, _NO_KEY, opened
            seen = set() if in_map else None
        if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
            raise _Unusual  # a second document: the tree walk words the error
        return root, lines
    finally:
        loader.dispose()


SETTLE_BATCH = 256  # items settled together: one at a time, validating between events made reading
# 10,000 projects ~1 s slower of 6 (the parser's state no longer in the CPU's caches); 256 projects'
# mappings are ~4 MB


def _settle_items(settle: Settle, items: list, settled: list, batch: int) -> None:
    """`settle` the `items` of a list read since the last time (`settled`: [the list's key under
    the root, items settled so far, the root]), once there are `batch` of them."""
    key, done, root = settled
    if len(items) - done >= batch:
        items[done:] = [settle(key, item, root) for item in items[done:]]
        settled[1] = len(items)


def _event_scalar(loader: Any, event: Any, tag: str, constructors: dict) -> Any:
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    if tag == _INT:
        return _decimal_int(loader, node)
    if tag == _FLOAT:
        return _decimal_float(loader, node)
    return constructors[tag](loader, node)


def _load_tree(text: str, file: str, loader_type: type) -> tuple[Any, LineMap]:
    lines = LineMap(file)
    loader = loader_type(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise _too_deep(text, loader_type) from None
        if node is None:
            return None, lines
        return _Builder(loader, lines, text).build(node, ()), lines
    finally:
        loader.dispose()


# PyYAML's words for the syntax errors people make, in the reader's language (the English ids are
# PyYAML's own); any other message stays as PyYAML says it
_YAML_PROBLEMS = [
    (r"mapping values are not allowed here", N_("此处不能出现“: ”（请检查缩进；含“: ”的文字请加引号）")),
    (r"expected ',' or '\}', but got (?P<got>.+)", N_("应为“,”或“}}”，实为{got}")),
    (r"expected ',' or '\]', but got (?P<got>.+)", N_("应为“,”或“]”，实为{got}")),
    (r"expected <block end>, but found (?P<got>.+)", N_("缩进或层次有误：此处不应出现{got}")),
    (r"expected '<document start>', but found (?P<got>.+)", N_("内容已结束，此处不应出现{got}")),
    (r"found unexpected end of stream", N_("文件意外结束")),
    (r"found character '\\t' that cannot start any token", N_("此处有制表符（Tab）：缩进请用空格")),
    (r"found character (?P<char>.+) that cannot start any token", N_("此处不能以字符{char}开头（以此字符开头的文字请加引号）")),
    (r"found undefined alias (?P<name>.+)", N_("别名{name}未定义")),
    (r"expected alphabetic or numeric character, but found (?P<got>.+)", N_("应为字母或数字，实为{got}")),
    (r"found unknown escape character (?P<char>.+)", N_("未知的转义字符{char}")),
    (r"could not find expected ':'", N_("缺少“:”")),
    (r"but found another document", N_("此处又开始了一个文档")),
]
_YAML_CONTEXTS = {
    "while parsing a flow mapping": N_("读取花括号内的映射时"),
    "while parsing a flow sequence": N_("读取方括号内的列表时"),
    "while parsing a block mapping": N_("读取映射时"),
    "while parsing a block collection": N_("读取列表时"),
    "while scanning a quoted scalar": N_("读取带引号的文字时"),
    "while scanning a double-quoted scalar": N_("读取带引号的文字时"),
    "while scanning for the next token": N_("读取下一项时"),
    "while scanning a simple key": N_("读取键时"),
    "while scanning an anchor": N_("读取锚点时"),
    "while scanning an alias": N_("读取别名时"),
    "expected a single document in the stream": N_("文件只能含一个文档"),
}
_YAML_TOKENS = {"'<stream end>'": N_("文件结尾"), "'<scalar>'": N_("文字或数值"),
                "'<block mapping start>'": N_("映射的开始"), "'<block sequence start>'": N_("列表的开始")}


def _yaml_words(message: str) -> str:
    """PyYAML's `message` in the reader's language, where it is one people meet."""
    for pattern, words in _YAML_PROBLEMS:
        match = re.fullmatch(pattern, message)
        if match:
            return _(words).format(**{k: _yaml_token(v) for k, v in match.groupdict().items()})
    return _(_YAML_CONTEXTS[message]) if message in _YAML_CONTEXTS else message


def _yaml_token(shown: str) -> str:
    """A token or character PyYAML quotes (`'<scalar>'`, `':'`, `'\\t'`) as the reader's language quotes it."""
    if shown in _YAML_TOKENS:
        return _(_YAML_TOKENS[shown])
    if len(shown) >= 2 and shown[0] == shown[-1] == "'":
        return _("“{token}”").format(token=shown[1:-1])
    return shown


def yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if isinstance(exc, yaml.constructor.ConstructorError):
        return Problem(what, where)  # our own refusals: already a sentence
    if context:
        return Problem(_("YAML语法错误：{what}（{context}）").format(what=_yaml_words(what), context=_yaml_words(context)), where)
    return Problem(_("YAML语法错误：{what}").format(what=_yaml_words(what)), where)


def read_yaml(path: str | Path, error_type: type, settle: Settle | None = None) -> tuple[Any, LineMap]:
    """Read a YAML file, raising `error_type` (a JixiaoError) that names the file and line."""
    return YamlFile.read(path, error_type).parse(error_type, settle)


class YamlFile:
    """A YAML file read and checked (its size, its UTF-8) but not parsed yet: `parse` parses it once
    and lets its text go. A helper forked in between (core/forked.py) has the very same bytes, with
    no second read of a file that may have changed since, and reads them itself with `read_again`."""

    def __init__(self, file: str, readable: str | bytes, again: _FileText):
        self.file, self._readable, self._again = file, readable, again

    @property
    def size(self) -> int:
        return self._again.size

    @classmethod
    def read(cls, path: str | Path, error_type: type) -> YamlFile:
        file = str(path)
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise error_type([Problem(_("文件不存在"), Location(file))]) from None
        except OSError as exc:
            raise error_type([Problem(_("无法读取文件：{error}").format(error=exc.strerror or exc), Location(file))]) from None
        if len(data) > MAX_FILE_BYTES:
            raise error_type([Problem(_("文件超过{most}MB").format(most=MAX_FILE_BYTES // 1_000_000), Location(file))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise error_type([Problem(_("文件不是UTF-8编码（第{offset}字节）：请另存为UTF-8").format(offset=exc.start + 1),
                                      Location(file))]) from None
        # libyaml reads the bytes, not the text: CParser would encode a str back to them, and the text
        # and that copy together were 36 MB more at the peak of reading 10,000 projects (278 → 242 MB)
        return cls(file, data if _DecimalLoader is not _PyDecimalLoader else text,
                   _FileText(path, len(data), zlib.crc32(data)))

    def parse(self, error_type: type, settle: Settle | None = None) -> tuple[Any, LineMap]:
        """The values and their places (`parse_yaml`); the text is not kept (37 MB for 10,000 projects
        while they are scored): a place asked for later is read from the file, if it is unchanged."""
        readable, self._readable = self._readable, None
        if readable is None:
            raise RuntimeError("a YamlFile is parsed once")
        loaded, lines = parse_yaml(readable, self.file, error_type, settle)
        if lines._source is not None:
            lines._source = (self._again, lines._source[1])  # the text itself is let go (above)
        return loaded, lines

    def read_again(self, settle: Settle) -> None:
        """The same text through the streaming reader alone, `settle` given each item as `parse` gives
        it, for a helper that works on the items while `parse` runs elsewhere. Whatever `parse` would
        read through the node tree instead (an anchor, a second document, an error) raises here."""
        if self._readable is None:
            raise RuntimeError("the YamlFile was parsed already")
        _load_events(self._readable, self.file, _DecimalLoader, record=False, settle=settle)


class _FileText:
    """A file's text for the places of its values, read again only when a place is asked for: a
    LineMap kept with a case (the places of its inputs) would otherwise hold the whole text (37 MB
    for 10,000 projects) while the case is scored. If the file changed since it was read, its
    lines are not the ones read, and no line is given (the file still is)."""

    def __init__(self, path: str | Path, size: int, crc: int):
        self.path, self.size, self.crc = Path(path), size, crc

    def read(self) -> str | None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        if len(data) != self.size or zlib.crc32(data) != self.crc:
            return None
        return data.decode("utf-8-sig")


def parse_yaml(text: str | bytes, file: str, error_type: type, settle: Settle | None = None) -> tuple[Any, LineMap]:
    """`load_yaml_text`, with a YAML error raised as `error_type` (a JixiaoError) at its line."""
    try:
        return load_yaml_text(text, file, settle)
    except yaml.YAMLError as exc:
        raise error_type([yaml_problem(exc, file)]) from None


MAX_FILE_BYTES = 200_000_000
