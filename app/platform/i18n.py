"""Languages: Fieldkit's own words in the user's language (Flask-Babel), one piece for the app.

Everything user-visible that Fieldkit writes goes through these functions: templates use
``_()`` / ``ngettext()`` (Flask-Babel installs them in Jinja), Python code imports them from
here (``from app.platform.i18n import _, ngettext, lazy_gettext``), and scripts use ``t()``
(see ``app/static/js/app.js``), whose words come from :func:`script_catalogue` (the compiled
catalogue's entries for the msgids the scripts use, served by ``app/pwa.py``). Catalogues live
in ``app/translations/<lang>/LC_MESSAGES``; ``babel.cfg`` says what ``pybabel extract`` reads,
``scripts/i18n.sh`` extracts, updates and compiles them.

The language is the user's Odoo language (``session["lang"]``, Odoo's ``user_context.lang``
read at login), else the browser's ``Accept-Language`` (the login page), reduced to the closest
language Fieldkit has (``fr_BE`` -> ``fr``), else English.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from babel.support import Translations
from flask import current_app, g, has_request_context, request, session
from flask_babel import (
    Babel,
    _get_current_context,
    force_locale,
    get_locale,
    get_translations,
    refresh,
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

__all__ = ["_", "ngettext", "lazy_gettext", "force_locale", "get_locale", "LANGUAGES",
           "closest", "select_locale", "language", "refresh", "script_catalogue", "init_app"]

# The languages Fieldkit has catalogues for; English is the source language.
LANGUAGES = ("en", "fr", "es", "de", "nl")
DEFAULT = "en"


def closest(code: str | None) -> str | None:
    """The language Fieldkit has that is closest to an Odoo/browser code (``fr_BE``, ``fr-be``,
    ``es``), or None when it has none."""
    if not code:
        return None
    code = code.replace("-", "_")
    if code in LANGUAGES:
        return code
    base = code.split("_")[0].lower()
    return base if base in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    chosen = closest(session.get("lang"))
    if chosen:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def language() -> str:
    """The page's language (``fr``): its catalogue, and its scripts' (``/i18n/<language>.js``,
    loaded by pages not in English)."""
    return str(get_locale() or DEFAULT)


# --- the scripts' catalogue ---------------------------------------------------------------------

# fieldkit.t('…') / fieldkit.nt('…', …) in app/static/js: their first argument is the msgid.
SCRIPT_CALL = re.compile(r"""\bn?t\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")""")
JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
PLURAL_EXPR = re.compile(r"plural\s*=\s*([n0-9\s()?:=!<>%&|]+);?\s*$")


def _unescape(text: str) -> str:
    def one(match):
        code = match.group(1)
        if code[0] == "u" and len(code) == 5:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t"}.get(code, code)
    return JS_ESCAPE.sub(one, text)


def script_msgids(js_dir) -> frozenset:
    """The msgids the scripts pass to fieldkit.t / nt (read from their sources)."""
    found = set()
    for path in sorted(Path(js_dir).rglob("*.js")):
        for match in SCRIPT_CALL.finditer(path.read_text(encoding="utf-8")):
            raw = match.group(1) if match.group(1) is not None else match.group(2)
            found.add(_unescape(raw))
    return frozenset(found)


def build_script_catalogue(translations_dir, lang: str, msgids) -> str:
    """``window.FK_I18N`` ({msgid: msgstr or [forms]}: the scripts' translated strings only)
    and ``window.FK_I18N_PLURAL`` (the catalogue's own Plural-Forms expression: gettext's C
    expression is JavaScript too) from the compiled catalogue of `lang`."""
    translations = Translations.load(str(translations_dir), [lang])
    catalog = getattr(translations, "_catalog", {})
    entries = {}
    for msgid in sorted(msgids):
        if (msgid, 0) in catalog:   # a plural: every form (Babel fills untranslated ones)
            forms, n = [], 0
            while (msgid, n) in catalog:
                forms.append(catalog[(msgid, n)])
                n += 1
            entries[msgid] = forms
        elif catalog.get(msgid) and catalog[msgid] != msgid:
            entries[msgid] = catalog[msgid]
    header = getattr(translations, "_info", {}).get("plural-forms", "")
    found = PLURAL_EXPR.search(header)
    plural = found.group(1).strip() if found else "(n != 1)"
    return (f"window.FK_I18N = {json.dumps(entries, ensure_ascii=False, sort_keys=True)};\n"
            f"window.FK_I18N_PLURAL = function (n) {{ return Number({plural}); }};\n")


@lru_cache(maxsize=len(LANGUAGES))
def _script_catalogue(root: str, lang: str) -> tuple[str, str]:
    app_dir = Path(root)
    body = build_script_catalogue(app_dir / "translations", lang,
                                  script_msgids(app_dir / "static" / "js"))
    return body, hashlib.sha256(body.encode()).hexdigest()[:10]


def script_catalogue(lang: str) -> tuple[str, str]:
    """(the script, its content hash) of a language: built once per process from the compiled
    catalogue and the scripts' sources, served at a fingerprinted URL (app/pwa.py)."""
    return _script_catalogue(current_app.root_path, lang)


def translations():
    """The request's translations, found once per request and language.

    Flask-Babel looks them up on every call (the locale, its name, its cache: ~7 us, a page of
    cards calls it thousands of times); this keeps them on Flask-Babel's own request state next
    to the locale they are for, so ``force_locale`` (the report in the customer's language) and
    ``refresh`` still switch them: another locale object means a new lookup.
    """
    try:
        ctx = g._flask_babel  # Flask-Babel 4's request state, once it has looked anything up
        known = ctx.fieldkit_translations
        if known[0] is ctx.babel_locale:
            return known[1]
    except (AttributeError, RuntimeError):  # not yet, or outside an app context
        pass
    found = get_translations()
    ctx = _get_current_context()
    if ctx is not None:
        ctx.fieldkit_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def _(string, **variables):
    """Flask-Babel's ``gettext``, with :func:`translations`."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string, **variables):
    """Flask-Babel's ``lazy_gettext``, translated by :func:`_` when used (Flask-Babel's own
    looks the translations up each time: a page of jobs shows ~70 such labels)."""
    return LazyString(_, string, **variables)


def ngettext(singular, plural, num, **variables):
    """Flask-Babel's ``ngettext`` (``num`` available as ``%(num)d``), with
    :func:`translations`."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def _as_template_text(text, autoescape, variables):
    # Our own catalogue's words, as Jinja's new-style gettext takes them (its own Markup).
    return (Markup(text) if autoescape else text) % variables  # noqa: S704


@pass_context
def _template_gettext(context, string, **variables):
    """``_()`` in templates: Jinja's new-style ``gettext`` (the text as Markup where the
    template escapes, always %-formatted) in one call instead of three (Jinja's ``_`` alias
    looked ``gettext`` up and called it through the context for every string), and a string
    without variables done once per catalogue (a job page has ~100)."""
    autoescape = context.eval_ctx.autoescape
    found = translations()
    if variables:
        return _as_template_text(found.ugettext(string), autoescape, variables)
    try:
        done = found._fk_template_strings
    except AttributeError:
        done = found._fk_template_strings = {}
    key = (string, autoescape)
    text = done.get(key)
    if text is None:
        text = done[key] = _as_template_text(found.ugettext(string), autoescape, {})
    return text


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    # Flask-Babel's Jinja callables look the translations up per string: the same, found once
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["_"] = _template_gettext
