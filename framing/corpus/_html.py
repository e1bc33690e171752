"""HTML to clean text with paragraphs kept (selectolax's Lexbor parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["HtmlText", "html_to_text"]

#: Elements whose content is never article text.
_DROP = (
    "script, style, noscript, template, iframe, object, embed, svg, canvas, nav, aside, "
    "footer, form, button, select, input, textarea, head"
)
#: Elements that end a paragraph.
_BLOCKS = (
    "p, div, section, article, main, header, h1, h2, h3, h4, h5, h6, li, dd, dt, blockquote, "
    "pre, figure, figcaption, table, tr, ul, ol, dl, hr, address"
)
#: Class or id words that mark boilerplate containers (matched as whole words of the
#: ``-``/``_``/space-separated attribute value).
_BOILERPLATE = frozenset(
    "nav navbar navigation menu breadcrumb breadcrumbs sidebar cookie cookies share social "
    "related advert advertisement ads banner newsletter comments".split()
)
_WORDS = re.compile(r"[^\W_]+")
_PARA = "\ue000"  # private-use marks: never in real text, removed before returning
_LINE = "\ue001"
_SPACE = re.compile(r"\s+")
_BREAKS = re.compile(rf"\s*[{_PARA}{_LINE}][{_PARA}{_LINE}\s]*")


@dataclass(frozen=True)
class HtmlText:
    """Text extracted from an HTML document.

    Attributes
    ----------
    title : str or None
        The ``<title>``, else the first ``<h1>``; None when neither has text.
    text : str
        The readable text: paragraphs separated by a blank line, ``<br>`` kept as a line
        break, scripts, styles, navigation, asides, footers and forms dropped, entities
        unescaped.
    """

    title: str | None
    text: str


def _is_boilerplate(node) -> bool:
    attrs = node.attributes
    if attrs.get("role") == "navigation":
        return True
    words = _WORDS.findall(f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower())
    return not _BOILERPLATE.isdisjoint(words)


def _remove_outermost(nodes: list) -> None:
    """Decompose ``nodes``, skipping those inside another (already freed with it)."""
    marked = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in marked:
            parent = parent.parent
        if parent is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def _clean(raw: str) -> str:
    def brk(match: re.Match) -> str:
        return "\n\n" if _PARA in match.group(0) else "\n"

    text = _SPACE.sub(" ", raw.replace("\xa0", " "))
    return _BREAKS.sub(brk, text).strip()


def html_to_text(html: str) -> HtmlText:
    """Reduce an HTML document (or fragment) to its title and clean text.

    When the page has an ``<article>`` (else ``<main>``) element, only its content is kept;
    otherwise the whole ``<body>``.

    Examples
    --------
    >>> page = html_to_text(
    ...     "<title>Aid &amp; love</title><nav>Home</nav>"
    ...     "<p>Doctors &amp; nurses<br>arrived.</p><script>x()</script><p>Italy said grazie.</p>"
    ... )
    >>> page.title
    'Aid & love'
    >>> print(page.text)
    Doctors & nurses
    arrived.
    <BLANKLINE>
    Italy said grazie.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = _clean(title_node.text(separator=" ")) if title_node is not None else ""
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        return HtmlText(title or None, "")
    _remove_outermost(
        root.css(_DROP) + [n for n in root.css("[class], [id], [role]") if _is_boilerplate(n)]
    )
    for node in root.css(_BLOCKS):
        node.insert_before(_PARA)
        node.insert_after(_PARA)
    for node in root.css("br"):
        node.insert_before(_LINE)
    return HtmlText(title or None, _clean(root.text(separator="")))
