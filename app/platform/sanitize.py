"""HTML from Odoo (descriptions, to-do lists, chatter) made safe to show; plain text made HTML."""

import re

import nh3
from markupsafe import Markup, escape

_TAGS = {
    "p",
    "br",
    "div",
    "span",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "strike",
    "small",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "font",
}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Odoo's to-do checklists are <ul class="o_checklist"><li class="o_checked">: the only classes kept.
_KEPT_CLASSES = {"o_checklist", "o_checked"}


def _filter_attribute(tag: str, attr: str, value: str):
    if attr != "class":
        return value
    kept = [c for c in value.split() if c in _KEPT_CLASSES]
    return " ".join(kept) or None


def sanitize_html(html) -> Markup:
    """Odoo HTML reduced to safe formatting tags; scripts, styles, handlers and images removed."""
    if not html:
        return Markup("")
    cleaned = nh3.clean(
        str(html),
        tags=_TAGS,
        attributes={**_ATTRIBUTES, "ul": {"class"}, "li": {"class"}},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned.strip())  # noqa: S704 (nh3 has just sanitised it)


def text_to_html(text: str) -> Markup:
    """Plain text typed by a person as escaped HTML paragraphs (line breaks kept)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.splitlines()))
        for p in paragraphs
    )


def html_to_text(html) -> str:
    """Visible text of an HTML fragment, for short previews and matching."""
    if not html:
        return ""
    text = re.sub(r"<br\s*/?>|</p>|</li>|</div>", "\n", str(html), flags=re.IGNORECASE)
    # nh3 with no tags leaves only text, still entity-escaped: unescape it to plain text.
    return Markup(nh3.clean(text, tags=set())).unescape().strip()  # noqa: S704


def is_blank_html(html) -> bool:
    """True when an HTML field has no visible text (Odoo stores "<p><br></p>" for empty)."""
    return not html_to_text(html)


_MARKUP_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKUP_TAG = re.compile(r"<.*?>", re.DOTALL)


def blank_cell(content) -> bool:
    """True when a table cell's content shows nothing: None, spaces, or markup without text
    (what ``content|string|striptags|trim`` is empty for, as one test: a table asks it of
    every cell, 350 on a page of 50 jobs)."""
    if content is None:
        return True
    text = str(content)
    if not text.strip():
        return True
    if "<" not in text and "&" not in text:
        return False
    visible = _MARKUP_TAG.sub("", _MARKUP_COMMENT.sub("", text))
    if "&" in visible:
        visible = Markup(visible).unescape()  # noqa: S704 (read, never rendered)
    return not visible.strip()


def list_items(html) -> list[str]:
    """The visible text of each item of the HTML lists in a fragment (nested lists flattened,
    empty items left out), e.g. the steps of an order's to-do."""
    if not html or "<li" not in str(html).lower():
        return []
    parts = re.split(r"<li\b[^>]*>", str(html), flags=re.IGNORECASE)[1:]
    items = []
    for part in parts:
        part = re.split(r"</li\s*>|<[uo]l\b", part, maxsplit=1, flags=re.IGNORECASE)[0]
        text = " ".join(html_to_text(part).split())
        if text:
            items.append(text)
    return items
