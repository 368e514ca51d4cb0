/* Form drafts: text typed into a <form data-draft> survives a closed tab, a dead battery or a
 * failed submit.
 *
 * - Saved to localStorage as the user types, under "fk-draft:" + the data-draft value (or the
 *   form's action path and field names when data-draft is empty).
 * - Restored on return into fields that are empty, with a "Draft restored" note and Discard.
 * - Cleared only once the server has answered the submit: the draft is kept on submit and
 *   marked pending; the next page load clears it if it is the post/redirect/get answer to that
 *   submit (redirected, coming from the form's page, rendered after the submit, no error or
 *   warning banner, not the login page, and not showing the form still filled in).
 *   Anything else (offline, a timeout, an error page, an expired session) keeps the text.
 */
(function () {
  'use strict';

  var PREFIX = 'fk-draft:';
  // The page's words (app.js, which runs first); English if it is missing.
  function t(text, vars) {
    return window.fieldkit && window.fieldkit.t ? window.fieldkit.t(text, vars) : text;
  }
  var KEEP_MS = 7 * 864e5; // drafts older than a week are dropped
  var PENDING_MS = 10 * 60e3; // how long a submit may wait for its answer
  var CLOCK_SKEW_MS = 2 * 60e3;
  var TEXT_TYPES = ['text', 'search', 'email', 'tel', 'url', 'number', 'date', 'time', 'datetime-local'];
  var FAILED = '.banner--error, .banner--warning, [data-flash="error"], [data-flash="danger"], [data-flash="warning"]';

  var store;
  try {
    store = window.localStorage;
    store.setItem(PREFIX + 'probe', '1');
    store.removeItem(PREFIX + 'probe');
  } catch (e) {
    return; // storage disabled: forms work as plain forms
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === 'csrf_token') return false;
      return el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_TYPES.indexOf(el.type) !== -1);
    });
  }

  function keyFor(form) {
    if (form.dataset.draft) return PREFIX + form.dataset.draft;
    var action = new URL(form.getAttribute('action') || location.href, location.href);
    return PREFIX + action.pathname + '|' + fields(form).map(function (f) { return f.name; }).join(',');
  }

  function read(key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function write(key, draft) {
    try { store.setItem(key, JSON.stringify(draft)); } catch (e) { /* quota: keep typing anyway */ }
  }

  function valuesOf(form) {
    var values = {};
    fields(form).forEach(function (f) { values[f.name] = f.value; });
    return values;
  }

  function isBlank(values) {
    return Object.keys(values).every(function (name) { return !String(values[name]).trim(); });
  }

  function save(form, pending) {
    var key = keyFor(form);
    var values = valuesOf(form);
    if (isBlank(values)) {
      store.removeItem(key);
      return;
    }
    write(key, {
      values: values,
      savedAt: Date.now(),
      from: location.pathname + location.search,
      pending: pending ? Date.now() : null,
    });
  }

  function eachDraft(fn) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) fn(key, read(key));
    }
  }

  // Is this page the server's answer to a submitted draft? Decide, then clear or keep it.
  function settle() {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    var redirected = !!(nav && nav.redirectCount > 0);
    var referrer = document.referrer ? new URL(document.referrer) : null;
    var failed = location.pathname === '/login' || !!document.querySelector(FAILED);
    var meta = document.querySelector('meta[name="fk-rendered-at"]');
    var renderedAt = meta ? Date.parse(meta.content) : NaN;
    eachDraft(function (key, draft) {
      if (!draft || !draft.values || Date.now() - draft.savedAt > KEEP_MS) {
        store.removeItem(key);
        return;
      }
      if (!draft.pending) return;
      var recent = Date.now() - draft.pending < PENDING_MS;
      var fromForm = referrer ? referrer.pathname + referrer.search === draft.from
        : location.pathname === draft.from.split('?')[0];
      var fresh = isNaN(renderedAt) || renderedAt > draft.pending - CLOCK_SKEW_MS;
      var answered = recent && redirected && fromForm && fresh;
      var form = formFor(key);
      var stillFilled = form && !isBlank(valuesOf(form));
      if (answered && !failed && !stillFilled) {
        store.removeItem(key);
      } else if (answered || !recent || form) {
        draft.pending = null; // an ordinary draft again, restored below if its form is empty
        write(key, draft);
      } // else: some other page (offline copy, another tab...): decide on a later load
    });
  }

  function formFor(key) {
    var forms = document.querySelectorAll('form[data-draft]');
    for (var i = 0; i < forms.length; i++) if (keyFor(forms[i]) === key) return forms[i];
    return null;
  }

  function restore(form) {
    var key = keyFor(form);
    var draft = read(key);
    if (!draft || !draft.values) return;
    var restored = [];
    fields(form).forEach(function (f) {
      var value = draft.values[f.name];
      if (value && !f.value) {
        f.value = value;
        restored.push(f);
      }
    });
    if (!restored.length) return;
    var note = document.createElement('p');
    note.className = 'muted row fk-draft-note';
    note.setAttribute('role', 'status');
    note.textContent = t('Draft restored') + ' ';
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'btn btn--ghost';
    discard.textContent = t('Discard');
    discard.addEventListener('click', function () {
      restored.forEach(function (f) { f.value = ''; });
      store.removeItem(key);
      note.remove();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
    // A draft folded away in a closed section (the job page's groups) would be lost from view.
    for (var el = form.parentElement; el; el = el.parentElement) {
      if (el.tagName === 'DETAILS') el.open = true;
    }
  }

  function watch(form) {
    var timer = null;
    function flush() {
      if (timer === null) return;
      clearTimeout(timer);
      timer = null;
      save(form, false);
    }
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(flush, 300);
    });
    form.addEventListener('change', flush);
    window.addEventListener('pagehide', flush);
    form.addEventListener('submit', function (event) {
      if (event.defaultPrevented) return; // stopped (offline, validation): still an ordinary draft
      clearTimeout(timer);
      timer = null;
      save(form, true);
    });
  }

  window.FieldkitDrafts = {
    clearAll: function () { eachDraft(function (key) { store.removeItem(key); }); },
    // The outbox holds the text now (queued or sent): the draft must not come back.
    clear: function (form) { store.removeItem(keyFor(form)); },
  };

  settle();
  Array.prototype.forEach.call(document.querySelectorAll('form[data-draft]'), function (form) {
    restore(form);
    watch(form);
  });
})();
