"""Fieldkit's catalogue checks (issue 29): every string of the app is in every catalogue and
translated, every .mo is the compiled form of its .po, and no template or script shows English
outside _() / fieldkit.t().

    python scripts/i18n_check.py pot <file>   extract the app's strings (the options below)
    python scripts/i18n_check.py              report every problem; exit status 1 if any

tests/unit/test_i18n_catalogues.py runs these checks; scripts/i18n.sh uses ``pot``.
"""
from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n_unmarked  # noqa: E402

TRANSLATIONS = ROOT / "app" / "translations"
MIN_TRANSLATED = 0.99
# pybabel's default keywords (_, gettext, ngettext, ...) plus lazy_gettext for module-level
# constants; the scripts' t / nt (fieldkit.t, fieldkit.nt in app/static/js/app.js) only in
# scripts (Python's `t["id"]` is no message).
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
SCRIPT_KEYWORDS = {"t": None, "nt": (1, 2)}


# --- (a) catalogues -------------------------------------------------------------------------

def _searched(dirpath: str) -> bool:
    """Every folder but hidden ones and caches. Babel's default also skips folders whose name
    starts with "_", which would leave out app/templates/_macros/."""
    name = os.path.basename(dirpath)
    return not name.startswith(".") and name != "__pycache__"


def extract(root: Path = ROOT) -> Catalog:
    """The strings babel.cfg's files mark, as ``pybabel extract -F babel.cfg -k lazy_gettext
    -k t -k nt:1,2`` finds them (``t``/``nt`` in scripts only)."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(project="Fieldkit", copyright_holder="Fieldkit", charset="utf-8")
    for scripts, keywords in ((False, KEYWORDS), (True, SCRIPT_KEYWORDS)):
        methods = [(pattern, method) for pattern, method in method_map
                   if (method == "javascript") == scripts]
        for _path, _line, message, comments, context in extract_from_dir(
                str(root), methods, options_map, keywords=keywords,
                directory_filter=_searched):
            if isinstance(message, (list, tuple)):
                message = tuple(m for m in message if m is not None) or None
            if message:
                catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def write_pot(path) -> None:
    with open(path, "wb") as out:
        write_po(out, extract(), omit_header=False, sort_output=True, no_location=True)


def catalogues() -> dict[str, Path]:
    return {po.parts[-3]: po for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))}


def load(po_path) -> Catalog:
    with open(po_path, encoding="utf-8") as f:
        return read_po(f, locale=Path(po_path).parts[-3])


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
# str.format's fields, which a few texts carry for a script to fill ({minutes}: sms.js)
FIELD = re.compile(r"\{(\w+)\}")


def _names(text) -> set[str]:
    """The placeholders of a text as written: ``%(num)d``, ``{minutes}``."""
    text = text or ""
    return {m.group(0) for m in PLACEHOLDER.finditer(text)} | \
        {m.group(0) for m in FIELD.finditer(text)}


def catalogue_problems(template: Catalog, catalogue: Catalog,
                       min_translated: float = MIN_TRANSLATED) -> list[str]:
    """What keeps `catalogue` from being complete for `template`: msgids it lacks, fuzzy
    entries, too few translations, and placeholders a translation gets wrong (Babel's
    python-format checker, and each translation naming exactly its msgid's placeholders)."""
    problems = []
    lang = str(catalogue.locale or "?")
    for message in template:
        if message.id and message.id not in catalogue:
            problems.append(f"{lang}: missing msgid {message.id!r}")
    entries = [m for m in catalogue if m.id]
    for message in entries:
        if message.fuzzy:
            problems.append(f"{lang}: fuzzy entry {message.id!r}")
    done = [m for m in entries if _translated(m)]
    wanted = [m for m in template if m.id]
    if wanted:
        translated = sum(1 for m in wanted if m.id in catalogue and _translated(catalogue[m.id]))
        if translated / len(wanted) < min_translated:
            problems.append(f"{lang}: {translated} of {len(wanted)} strings translated "
                            f"(at least {min_translated:.0%} wanted)")
    for message, errors in catalogue.check():
        for error in errors:
            problems.append(f"{lang}: {message.id!r}: {error}")
    for message in done:
        problems.extend(f"{lang}: {message.id!r}: {e}" for e in _placeholder_errors(message))
    return problems


def _translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def _placeholder_errors(message) -> list[str]:
    if isinstance(message.id, (list, tuple)):
        wanted = _names(message.id[0]) | _names(message.id[1])
        forms = list(message.string)
        errors = [f"placeholder {n} is not in the English" for form in forms
                  for n in sorted(_names(form) - wanted)]
        # Singular forms may say "one" instead of %(num)d; the other forms keep them all.
        lacking = _names(message.id[1]) - _names(forms[-1])
        errors += [f"the last plural form lacks {n}" for n in sorted(lacking)]
        return errors
    wanted, got = _names(message.id), _names(message.string)
    return ([f"placeholder {n} is not in the English" for n in sorted(got - wanted)] +
            [f"the translation lacks {n}" for n in sorted(wanted - got)])


def compiled(po_path) -> bytes:
    """The .mo `pybabel compile` writes for a .po (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, load(po_path), use_fuzzy=False)
    return out.getvalue()


def stale_mo(po_path, root: Path = ROOT) -> str | None:
    """Why the committed .mo next to a .po is not its compiled form, or None."""
    mo_path = Path(po_path).with_suffix(".mo")
    name = mo_path.relative_to(root)
    if not mo_path.exists():
        return f"{name} is missing: run bash scripts/i18n.sh compile"
    if mo_path.read_bytes() != compiled(po_path):
        return f"{name} is not its .po compiled: run bash scripts/i18n.sh compile"
    return None


# --- (b) templates --------------------------------------------------------------------------

# Template text that stays English on purpose, each with its reason: {path under app/templates:
# reason}.
TEMPLATE_ALLOW: dict[str, str] = {}


def unmarked_templates(root: Path = ROOT / "app" / "templates", allow=None) -> list[str]:
    allow = TEMPLATE_ALLOW if allow is None else allow
    found = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel in allow:
            continue
        found += [f"{rel}:{line}: {text}" for line, text in i18n_unmarked.check(path)]
    return found


# --- (c) scripts ----------------------------------------------------------------------------

STRING = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\"""")
# Where a script puts words in front of people: properties, dialogs, attributes, toasts, errors
# (whose message a page shows). What follows, up to the end of the statement, is checked.
SINKS = re.compile(
    r"\.(?:textContent|innerText|title|placeholder|ariaLabel)\s*\+?=(?!=)"
    r"|\b(?:alert|confirm|prompt|toast|showToast|notify|announce|flash|notice|showRefusal"
    r"|showStatus|say|bannerText)\s*\("
    r"|setAttribute\(\s*['\"](?:aria-label|title|placeholder|alt)['\"]\s*,"
    r"|new\s+Error\(")
STATEMENT_END = re.compile(r";|\n\s*\n|\)\s*\n")
WORDS = re.compile(r"[A-Za-z]{2,}")
COMMENTS = re.compile(r"/\*.*?\*/|(?<![:\\'\"])//[^\n]*", re.S)
MARKED = re.compile(r"\bn?t\s*\(")
# A literal compared with (s.encoding === 'UCS-2') is a value, not words shown.
COMPARED = re.compile(r"[=!]==?\s*$")
COMPARED_AFTER = re.compile(r"\s*[=!]==?")


def _english(literal: str) -> bool:
    text = literal[1:-1]
    return bool(WORDS.search(text)) and (" " in text.strip() or text[:1].isupper())


def _unmarked_literals(statement: str):
    """The string literals of a statement outside t(...) / nt(...) calls."""
    spans, i = [], 0
    for m in MARKED.finditer(statement):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(statement) and depth:
            lit = STRING.match(statement, j)
            if lit:
                j = lit.end()
                continue
            depth += {"(": 1, ")": -1}.get(statement[j], 0)
            j += 1
        spans.append((m.start(), j))
        i = j
    for lit in STRING.finditer(statement):
        compared = COMPARED.search(statement, 0, lit.start()) or \
            COMPARED_AFTER.match(statement, lit.end())
        if not compared and not any(a <= lit.start() < b for a, b in spans):
            yield lit


def unmarked_script(text: str) -> list[tuple[int, str]]:
    """(line, literal) of English a script shows without fieldkit.t() / nt(): a heuristic over
    the literals of statements that assign textContent / innerText / title / placeholder /
    aria-label or call alert / confirm / toasts / Error."""
    text = COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for sink in SINKS.finditer(text):
        end = STATEMENT_END.search(text, sink.end())
        statement = text[sink.end():end.start() if end else len(text)]
        for lit in _unmarked_literals(statement):
            if _english(lit.group(0)):
                at = sink.end() + lit.start()
                found.append((text.count("\n", 0, at) + 1, lit.group(0)))
    return sorted(set(found))


SCRIPT_ALLOW: dict[str, str] = {}


def unmarked_scripts(root: Path = ROOT / "app" / "static" / "js", allow=None) -> list[str]:
    allow = SCRIPT_ALLOW if allow is None else allow
    found = []
    for path in sorted(root.rglob("*.js")):
        rel = path.relative_to(root).as_posix()
        if rel not in allow:
            found += [f"{rel}:{line}: {lit}" for line, lit in unmarked_script(path.read_text())]
    return found


def all_problems() -> list[str]:
    template = extract()
    problems = []
    for po in catalogues().values():
        problems += catalogue_problems(template, load(po))
        stale = stale_mo(po)
        if stale:
            problems.append(stale)
    return problems + unmarked_templates() + unmarked_scripts()


def main(argv) -> int:
    if argv[:1] == ["pot"] and len(argv) == 2:
        write_pot(argv[1])
        return 0
    problems = all_problems()
    print("\n".join(problems) or "catalogues complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
