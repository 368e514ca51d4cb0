#!/usr/bin/env bash
# Fieldkit's catalogues (issue 29, languages): app/translations/<lang>/LC_MESSAGES/messages.po
# (the translators' files) and messages.mo (compiled, committed: the app needs no build step).
#
#   bash scripts/i18n.sh extract            the strings of app/ (babel.cfg) into a temporary .pot
#                                           (its path printed; POT=... to choose it)
#   bash scripts/i18n.sh update [lang...]   extract, then add new strings to the catalogues and
#                                           drop the ones gone (all languages by default)
#   bash scripts/i18n.sh compile            every .po into its .mo (fuzzy entries left out)
#   bash scripts/i18n.sh init <lang>        start a new language's catalogue
#   bash scripts/i18n.sh check              tests/unit/test_i18n_catalogues.py (missing,
#                                           untranslated, fuzzy, stale .mo, unmarked text)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
PYTHON="${PYTHON:-.venv/bin/python}"
DIR=app/translations
LANGS=(fr es de nl)

extract() {
  # The options (keywords: lazy_gettext, t, nt for the scripts) are in scripts/i18n_check.py,
  # the same extraction the suite checks the catalogues against.
  POT="${POT:-$(mktemp -t fieldkit-XXXXXX.pot)}"
  "$PYTHON" scripts/i18n_check.py pot "$POT"
  echo "$POT"
}

case "${1:-}" in
  extract)
    extract ;;
  update)
    shift
    extract >/dev/null
    for lang in "${@:-${LANGS[@]}}"; do
      "$PYBABEL" update -i "$POT" -d "$DIR" -l "$lang" --no-fuzzy-matching --ignore-obsolete --no-wrap
    done
    rm -f "$POT" ;;
  compile)
    "$PYBABEL" compile -d "$DIR" --statistics ;;
  init)
    [ -n "${2:-}" ] || { echo "usage: $0 init <lang>" >&2; exit 2; }
    extract >/dev/null
    "$PYBABEL" init -i "$POT" -d "$DIR" -l "$2" --no-wrap
    rm -f "$POT" ;;
  check)
    "$PYTHON" -m pytest -q tests/unit/test_i18n_catalogues.py ;;
  *)
    sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
