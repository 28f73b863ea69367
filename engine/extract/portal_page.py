"""A saved portal page → its article's paragraphs and table rows (stdlib html.parser is enough:
we need the text and the <tr>/<td> structure, nothing a browser would compute)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED_TAGS = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "select", "button"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "section", "article", "pre",
               "blockquote", "table", "tr", "title"}
_ARTICLE_HINT = re.compile(r"article|content|TRS_Editor|zoom|detail|正文", re.IGNORECASE)


class PortalPage(HTMLParser):
    """A saved portal page: navigation, scripts and footers dropped; the article kept. Where the
    page marks its article (<article>, or a container named like content / TRS_Editor), only the
    blocks inside it are kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool, tuple[str, ...] | None]] = []  # text, in article, cells
        self._text: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open tag, whether it opens an article
        self._skip = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def _in_article(self) -> bool:
        return any(article for _tag, article in self._stack)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        self._text = []
        if text:
            self.blocks.append((text, self._in_article(), None))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skip += 1
            return
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            if tag == "br" and self._cell is None:
                self._flush()
            return
        names = " ".join(value or "" for key, value in attrs if key in ("id", "class"))
        self._stack.append((tag, tag == "article" or bool(_ARTICLE_HINT.search(names))))
        if tag == "tr":
            self._flush()
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in _BLOCK_TAGS and self._cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if any(self._row):
                self.blocks.append((" ".join(c for c in self._row if c), self._in_article(), tuple(self._row)))
            self._row = None
        elif tag in _BLOCK_TAGS and self._cell is None:
            self._flush()
        while self._stack:
            open_tag, _article = self._stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._skip:
            return
        (self._cell if self._cell is not None else self._text).append(data)

    def close(self) -> None:
        super().close()
        self._flush()
