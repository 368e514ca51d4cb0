"""List user-visible English in templates that is not inside _() / ngettext() (issue 29).

    python scripts/i18n_unmarked.py [paths...]     # default: app/templates

Prints ``file:line: text`` for: text between tags, the attributes people read (title,
placeholder, aria-label, alt, label, value of buttons), and string literals inside Jinja tags
that read like words (``{{ "Save" if x }}``, ``{% set title = "Jobs" %}``, macro arguments),
unless they sit in ``_()``, ``gettext()`` or ``ngettext()``. Exit status 1 when anything is
found. A heuristic: a literal that is machine text (a CSS class, an endpoint, a field name)
is skipped when it has no space and no capital letter.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

COMMENT = re.compile(r"\{#.*?#\}", re.S)
RAW = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
TAG = re.compile(r"<[^>]+>", re.S)
ATTR = re.compile(r"\b(title|placeholder|aria-label|alt|label|data-confirm|data-title)"
                  r"""\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
LETTERS = re.compile(r"[A-Za-z]{2,}")
# Literals inside Jinja expressions: "..." or '...'
LITERAL = re.compile(r"""(?<![\w.])("([^"\\]*)"|'([^'\\]*)')""")
TRANSLATED_CALL = re.compile(r"\b(_|gettext|ngettext|lazy_gettext|pgettext)\s*\(", re.S)
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


def _blank(match):
    """Keep line numbers: replace a span with as many newlines as it had."""
    return "\n" * match.group(0).count("\n")


def _strip_translated(expr: str) -> str:
    """Remove the string arguments of _()/ngettext() calls from a Jinja expression."""
    out, i = [], 0
    for m in TRANSLATED_CALL.finditer(expr):
        if m.start() < i:
            continue
        out.append(expr[i:m.start()])
        depth, j = 1, m.end()
        while j < len(expr) and depth:
            if expr[j] in "\"'":
                q = expr[j]
                j += 1
                while j < len(expr) and expr[j] != q:
                    j += 2 if expr[j] == "\\" else 1
            elif expr[j] == "(":
                depth += 1
            elif expr[j] == ")":
                depth -= 1
            j += 1
        i = j
    out.append(expr[i:])
    return "".join(out)


def _wordy(text: str) -> bool:
    text = ENTITY.sub(" ", text).strip()
    if not LETTERS.search(text):
        return False
    return " " in text or any(c.isupper() for c in text)


def _is_machine(literal: str) -> bool:
    return (not _wordy(literal) or literal.startswith(("/", "#", ".", "http"))
            or re.fullmatch(r"[\w.\-:/ ]*\.(html|js|css|svg|png)", literal) is not None
            or re.fullmatch(r"[a-z0-9_\-. ]+", literal) is not None)


def check(path: Path):
    source = path.read_text()
    text = COMMENT.sub(_blank, source)
    found = []
    # 1. Literals in Jinja tags.
    for m in JINJA.finditer(text):
        expr = _strip_translated(m.group(0))
        for lit in LITERAL.finditer(expr):
            value = lit.group(2) if lit.group(2) is not None else lit.group(3)
            if not _is_machine(value):
                found.append((text.count("\n", 0, m.start()) + 1, value))
    html = RAW.sub(_blank, text)
    html = JINJA.sub(lambda m: " " * 0 + "\n" * m.group(0).count("\n") + "\x00", html)
    # 2. Attributes people read.
    for m in TAG.finditer(html):
        for a in ATTR.finditer(m.group(0)):
            value = (a.group(3) if a.group(3) is not None else a.group(4)).replace("\x00", "")
            if _wordy(value):
                found.append((html.count("\n", 0, m.start()) + 1, f'{a.group(1)}="{value}"'))
    # 3. Text between tags.
    tags_blanked = TAG.sub(lambda t: "<" + "\n" * t.group(0).count("\n") + ">", html)
    for m in re.finditer(r">([^<]+)<", tags_blanked):
        chunk = m.group(1).replace("\x00", " ")
        if _wordy(chunk) and LETTERS.search(ENTITY.sub(" ", chunk)):
            line = tags_blanked.count("\n", 0, m.start()) + 1
            found.append((line, " ".join(chunk.split())))
    return found


def main(argv):
    roots = [Path(a) for a in argv] or [Path("app/templates")]
    files = [p for r in roots for p in ([r] if r.is_file() else sorted(r.rglob("*.html")))]
    total = 0
    for path in files:
        for line, value in check(path):
            print(f"{path}:{line}: {value}")
            total += 1
    print(f"{total} unmarked string(s) in {len(files)} template(s)", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
