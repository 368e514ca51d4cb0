"""Languages: Fieldkit's own words in the user's language (Flask-Babel), one piece for the app.

Everything user-visible that Fieldkit writes goes through these functions: templates use
``_()`` / ``ngettext()`` (Flask-Babel installs them in Jinja), Python code imports them from
here (``from app.platform.i18n import _, ngettext, lazy_gettext``), and scripts use ``t()``
(see ``app/static/js/app.js``). Catalogues live in ``app/translations/<lang>/LC_MESSAGES``;
``babel.cfg`` says what ``pybabel extract`` reads.

The language is the user's Odoo language (``session["lang"]``, Odoo's ``user_context.lang``
read at login), else the browser's ``Accept-Language`` (the login page), reduced to the closest
language Fieldkit has (``fr_BE`` -> ``fr``), else English.
"""
from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, lazy_gettext, ngettext, refresh
from flask_babel import gettext as _

__all__ = ["_", "ngettext", "lazy_gettext", "force_locale", "get_locale", "LANGUAGES",
           "closest", "select_locale", "language", "refresh", "init_app"]

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
    """The page's language (``fr``): its catalogue, its scripts' catalogue
    (app/static/js/i18n/<language>.js, loaded by pages not in English)."""
    return str(get_locale() or DEFAULT)


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["fk_language"] = language
