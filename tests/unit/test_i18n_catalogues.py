"""The catalogues are complete and compiled, and no template or script shows English outside
_() / fieldkit.t() (issue 29). The checkers live in scripts/i18n_check.py; here they are tested
on small samples (each must be able to fail), then run over the whole app.

No template or script text outside _() / t(), every .mo compiled from its .po, and every
catalogue complete (>= 99 % translated, no fuzzy entry, placeholders right): a new string fails
the suite until each language has it (``bash scripts/i18n.sh update``, translate, compile)."""
import sys
from pathlib import Path

from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n_check as check  # noqa: E402


def _catalog(entries, locale="de"):
    catalog = Catalog(locale=locale)
    for msgid, msgstr, *flags in entries:
        catalog.add(msgid, msgstr, flags=flags)
    return catalog


TEMPLATE = _catalog([("Save", ""), ("Call %(name)s", ""),
                     (("%(num)d job", "%(num)d jobs"), ("", ""))])


def test_a_complete_catalogue_passes():
    done = _catalog([("Save", "Speichern"), ("Call %(name)s", "%(name)s anrufen"),
                     (("%(num)d job", "%(num)d jobs"), ("ein Auftrag", "%(num)d Aufträge"))])
    assert check.catalogue_problems(TEMPLATE, done) == []


def test_missing_untranslated_fuzzy_and_wrong_placeholders_are_caught():
    catalogue = _catalog([("Save", "Speichern", "fuzzy"), ("Call %(name)s", "%(nahme)s anrufen"),
                          (("%(num)d job", "%(num)d jobs"), ("ein Auftrag", "Aufträge"))])
    problems = "\n".join(check.catalogue_problems(TEMPLATE, catalogue))
    assert "fuzzy entry 'Save'" in problems
    assert "%(nahme)s is not in the English" in problems
    assert "lacks %(name)s" in problems
    assert "last plural form lacks %(num)d" in problems
    braces = _catalog([("Arriving in {minutes} min", "Ankunft in {minuten} Min.")])
    assert any("the translation lacks {minutes}" in p for p in
               check.catalogue_problems(_catalog([("Arriving in {minutes} min", "")]), braces))
    missing = check.catalogue_problems(TEMPLATE, _catalog([("Save", "Speichern")]))
    assert "de: missing msgid 'Call %(name)s'" in missing
    assert "de: 1 of 3 strings translated (at least 99% wanted)" in missing


def test_a_catalogue_below_99_percent_fails():
    wanted = _catalog([(f"Word {i}", "") for i in range(100)])
    nearly = _catalog([(f"Word {i}", f"Mot {i}" if i else "") for i in range(100)])
    assert check.catalogue_problems(wanted, nearly) == []        # 99 of 100
    nearly["Word 1"].string = ""
    assert check.catalogue_problems(wanted, nearly)              # 98 of 100


def test_extraction_finds_templates_python_and_scripts(tmp_path):
    (tmp_path / "app" / "templates" / "_macros").mkdir(parents=True)
    (tmp_path / "app" / "static" / "js").mkdir(parents=True)
    # Babel's default skips folders named "_…": the shared macros live in one.
    (tmp_path / "app" / "templates" / "_macros" / "m.html").write_text("{{ _('Macro') }}")
    (tmp_path / "babel.cfg").write_text((ROOT / "babel.cfg").read_text())
    (tmp_path / "app" / "templates" / "a.html").write_text(
        "<p>{{ _('Hello %(name)s', name=n) }} {{ ngettext('%(num)d job', '%(num)d jobs', 2) }}</p>")
    (tmp_path / "app" / "m.py").write_text(
        "from app.platform.i18n import _, lazy_gettext\nX = lazy_gettext('Lazy')\n"
        "rows = [t['id'] for t in y]\nprint(_('Python'))\n")
    (tmp_path / "app" / "static" / "js" / "a.js").write_text(
        "el.textContent = fk.t('Script'); fk.nt('%(num)d part', '%(num)d parts', n);")
    ids = {m.id for m in check.extract(tmp_path) if m.id}
    assert ids == {"Hello %(name)s", ("%(num)d job", "%(num)d jobs"), "Lazy", "Python",
                   "Script", ("%(num)d part", "%(num)d parts"), "Macro"}


def test_a_stale_mo_is_caught(tmp_path):
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Save"\nmsgstr "Enregistrer"\n', encoding="utf-8")
    po.with_suffix(".mo").write_bytes(check.compiled(po))
    assert check.stale_mo(po, root=tmp_path) is None
    po.write_text(po.read_text().replace("Enregistrer", "Sauver"), encoding="utf-8")
    assert "is not its .po compiled" in check.stale_mo(po, root=tmp_path)
    po.with_suffix(".mo").unlink()
    assert "is missing" in check.stale_mo(po, root=tmp_path)


def test_unmarked_script_text_is_caught():
    source = """
      status.textContent = 'Saved';                 // English
      status.textContent = fieldkit.t('Saved');     // marked
      button.textContent = open ? 'Hide password' : fk.t('Show password');
      if (!window.confirm('Discard this change?')) { return; }
      el.setAttribute('aria-label', fk.nt('%(num)d job', '%(num)d jobs', n));
      el.className = 'is-open'; el.textContent = count + ' / ' + total;
      throw new Error('Not moved: ' + reason);
      label.textContent = kind === 'UCS-2' ? t('(special characters)') : '';
      notice('not-sent', 'error', 'You are offline.');
    """
    found = [literal for _line, literal in check.unmarked_script(source)]
    assert found == ["'Saved'", "'Hide password'", "'Discard this change?'", "'Not moved: '",
                     "'You are offline.'"]


def test_unmarked_template_text_is_caught(tmp_path):
    (tmp_path / "a.html").write_text("<p>{{ _('Marked') }}</p>\n<p>Not marked</p>\n")
    (tmp_path / "dev.html").write_text("<p>Developer reference</p>\n")
    found = check.unmarked_templates(tmp_path, allow={"dev.html": "developers read it"})
    assert found == ["a.html:2: Not marked"]


def test_every_mo_is_its_po_compiled():
    stale = [why for po in check.catalogues().values() if (why := check.stale_mo(po))]
    assert check.catalogues(), "no catalogues in app/translations"
    assert not stale, "\n".join(stale)


def test_every_catalogue_is_complete():
    template = check.extract()
    problems = [p for po in check.catalogues().values()
                for p in check.catalogue_problems(template, check.load(po))]
    problems.sort(key=lambda p: "strings translated" not in p)   # each language's count first
    shown = problems[:60] + ([f"... and {len(problems) - 60} more"] if len(problems) > 60 else [])
    assert not problems, "run bash scripts/i18n.sh update <lang>, then translate:\n" + \
        "\n".join(shown)


def test_no_template_text_outside_gettext():
    found = check.unmarked_templates()
    assert not found, "wrap in _() (scripts/i18n_unmarked.py):\n" + "\n".join(found)


def test_no_script_text_outside_t():
    found = check.unmarked_scripts()
    assert not found, "wrap in fieldkit.t() / nt():\n" + "\n".join(found)
