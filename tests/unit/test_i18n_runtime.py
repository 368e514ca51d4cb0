"""The page's language at run time (issue 29): <html lang>, the scripts' catalogue a page in
another language loads (and an English page does not), and the offline page in the language
the service worker asks for."""
import io
import re

import pytest
from flask import session

from app.platform import i18n

CATALOGUE = re.compile(r'<script src="(/i18n/(\w+)\.js\?v=\w+)" defer></script>')


@pytest.fixture
def odoo_url():
    return "http://odoo.invalid"  # the login and offline pages call no Odoo


def test_an_english_page_loads_no_catalogue(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert not CATALOGUE.search(html)


@pytest.mark.parametrize(("accept", "lang"), [("fr-BE,fr;q=0.9", "fr"), ("de", "de"),
                                              ("nl-NL", "nl"), ("es-MX,es", "es")])
def test_the_login_page_speaks_the_browsers_language(client, accept, lang):
    html = client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}' in html
    url, language = CATALOGUE.search(html).groups()
    assert language == lang
    # Before app.js, so that every script's fieldkit.t() finds it.
    assert html.index(url) < html.index("/static/js/app.js")
    script = client.get(url)
    assert script.status_code == 200
    assert "immutable" in script.headers["Cache-Control"]
    assert b"window.FK_I18N = " in script.get_data()


def test_a_logged_in_user_gets_their_odoo_language(client):
    with client.session_transaction() as session:
        session["lang"] = "nl_BE"
    html = client.get("/offline?lang=nl").get_data(as_text=True)
    assert '<html lang="nl-BE">' in html


@pytest.mark.parametrize(("query", "accept", "lang"), [
    ("?lang=de", "fr", "de"), ("?lang=fr_BE", "en", "fr"), ("", "es", "es"),
    ("?lang=xx", "nl", "nl"), ("?lang=<script>", "en", "en")])
def test_the_offline_page_is_in_the_language_asked(client, query, accept, lang):
    response = client.get(f"/offline{query}", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang
    assert "Accept-Language" in response.headers["Vary"]
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_the_scripts_catalogue_holds_the_scripts_translations_and_plural_rule(tmp_path):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = io.StringIO('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                     '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
                     'msgid "Saved"\nmsgstr "Enregistré"\n\n'
                     'msgid "Not in a script"\nmsgstr "Pas dans un script"\n\n'
                     'msgid "Untranslated"\nmsgstr ""\n\n'
                     '#, fuzzy\nmsgid "Guess"\nmsgstr "Devine"\n\n'
                     'msgid "%(num)d job"\nmsgid_plural "%(num)d jobs"\n'
                     'msgstr[0] "%(num)d intervention"\nmsgstr[1] "%(num)d interventions"\n')
    mo = tmp_path / "fr" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    with open(mo, "wb") as out:
        write_mo(out, read_po(po, locale="fr"))
    js = tmp_path / "js"
    js.mkdir()
    (js / "a.js").write_text("el.textContent = fieldkit.t('Saved');\n"
                             "fk.t(\"Untranslated\"); fk.t('Guess'); sort(x);\n"
                             "fk.nt('%(num)d job', '%(num)d jobs', n);\n"
                             "fk.t('It\\'s \\u00e9t\\u00e9');\n", encoding="utf-8")
    ids = i18n.script_msgids(js)
    assert ids == {"Saved", "Untranslated", "Guess", "%(num)d job", "It's été"}
    script = i18n.build_script_catalogue(tmp_path, "fr", ids)
    assert ('window.FK_I18N = {"%(num)d job": ["%(num)d intervention", "%(num)d interventions"]'
            ', "Saved": "Enregistré"};') in script
    assert "window.FK_I18N_PLURAL = function (n) { return Number((n > 1)); };" in script


def test_english_has_no_scripts_catalogue_and_an_old_version_is_revalidated(client):
    assert client.get("/i18n/en.js").status_code == 404
    assert client.get("/i18n/xx.js").status_code == 404
    unversioned = client.get("/i18n/fr.js?v=old")
    assert unversioned.status_code == 200 and unversioned.headers["Cache-Control"] == "no-cache"


def _numbers_typed(app, lang, text):
    """What each numeric form makes of `text` typed by a user whose Odoo language is `lang`."""
    from app.services import planning
    from app.services.inventory.common import parse_quantity
    from app.services.invoices.detail import parse_payment
    from app.services.sales import quotes
    with app.test_request_context():
        session["lang"] = lang
        i18n.refresh()
        payment = parse_payment({"amount": text, "journal_id": "1"},
                                [{"id": 1, "name": "Cash"}], due=0)
        return {"quote": quotes._number(text, "Price"),
                "quantity": parse_quantity(text),
                "payment": payment["amount"],
                "dispatch": planning.assign_form("", "2026-12-04T09:00", text)["end"]}


@pytest.mark.parametrize(("lang", "text"), [("de_DE", "1,5"), ("fr_FR", "1,5"),
                                            ("en_US", "1.5"), ("nl_BE", "1.5")])
def test_every_numeric_form_takes_the_users_decimal_separator(app, lang, text):
    numbers = _numbers_typed(app, lang, text)
    assert numbers["quote"] == numbers["quantity"] == numbers["payment"] == 1.5
    assert numbers["dispatch"] == "2026-12-04T10:30"


def test_grouped_amounts_in_the_users_locale(app):
    from app.services.invoices.detail import parse_payment
    from app.services.sales import quotes
    for lang, text in (("de_DE", "1.234,5"), ("fr_FR", "1\u202f234,5"), ("fr_FR", "1 234,5"),
                       ("en_US", "1,234.5")):
        with app.test_request_context():
            session["lang"] = lang
            i18n.refresh()
            assert quotes._number(text, "Price") == 1234.5, (lang, text)
            assert parse_payment({"amount": text, "journal_id": "1"}, [{"id": 1}],
                                 due=0)["amount"] == 1234.5


def test_translations_are_looked_up_once_per_request_and_language(app, monkeypatch):
    """Flask-Babel finds the translations per string (~7 us, thousands of times on a page of
    cards): they are found once per request and language, and still follow force_locale and
    refresh."""
    import flask_babel

    looked_up = []
    real = flask_babel.get_translations

    def counting():
        looked_up.append(1)
        return real()
    monkeypatch.setattr(i18n, "get_translations", counting)
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        html = app.jinja_env.from_string(
            "{% for i in range(50) %}{{ _('Save') }}"
            "{{ ngettext('%(num)d job', '%(num)d jobs', i) }}{% endfor %}").render()
        assert "Enregistrer" in html and "Save" not in html
        assert i18n._("Save") == "Enregistrer"
        assert len(looked_up) == 1
        with i18n.force_locale("de"):
            assert i18n._("Save") == "Speichern"
        assert i18n._("Save") == "Enregistrer"
        assert i18n.ngettext("%(num)d job", "%(num)d jobs", 2) == "2 interventions"
        assert len(looked_up) == 3
        i18n.refresh()
        assert i18n._("Save") == "Enregistrer" and len(looked_up) == 4


def test_a_template_string_is_looked_up_once_per_catalogue(app, monkeypatch):
    """`_()` in templates: a string without variables is looked up and made Markup once per
    catalogue (a job page has ~100 of them), escaped as Jinja's new-style gettext escapes:
    variables escaped where the template escapes, not where it does not."""
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        catalogue = i18n.translations()
        looked_up = []
        real = type(catalogue).ugettext

        def counting(self, string):
            looked_up.append(string)
            return real(self, string)
        monkeypatch.setattr(type(catalogue), "ugettext", counting)
        page = app.jinja_env.from_string("{% for i in range(20) %}{{ _('Save') }}{% endfor %}")
        assert page.render() == "Enregistrer" * 20
        assert page.render() == "Enregistrer" * 20
        assert looked_up.count("Save") <= 1
        with i18n.force_locale("de"):
            assert page.render() == "Speichern" * 20
    with app.test_request_context("/"):
        times = "{{ _('Times in %(zone)s', zone=zone) }}"
        assert app.jinja_env.from_string(times).render(zone="<b>") == "Times in &lt;b&gt;"
        unescaped = "{% autoescape false %}" + times + "{% endautoescape %}"
        assert app.jinja_env.from_string(unescaped).render(zone="<b>") == "Times in <b>"
        for _round in range(2):  # always %-formatted, the kept string too
            assert app.jinja_env.from_string("{{ _('100%% done') }}").render() == "100% done"


def test_lazy_strings_use_the_translations_found_for_the_request(app, monkeypatch):
    """lazy_gettext labels (a page of jobs shows ~70) are translated through `_`: the
    translations found once per request, not looked up again for each label."""
    import flask_babel

    looked_up = []
    real = flask_babel.Domain.get_translations
    monkeypatch.setattr(flask_babel.Domain, "get_translations",
                        lambda self: looked_up.append(1) or real(self))
    label = i18n.lazy_gettext("Save")
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert [str(label) for _ in range(50)] == ["Enregistrer"] * 50
        assert len(looked_up) == 1
        assert "UTC" in str(i18n.lazy_gettext("Times in %(zone)s", zone="UTC"))
