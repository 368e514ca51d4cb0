/* Fieldkit's shared JavaScript: small, no framework. Pages work without it. */
(function () {
  'use strict';
  var fieldkit = window.fieldkit = window.fieldkit || {};

  /**
   * Fieldkit's words in the page's language (issue 29): fieldkit.t('Saved %(name)s', {name: x})
   * and fieldkit.nt('%(num)d job', '%(num)d jobs', n). The English text is the key, as in
   * gettext; the catalogue is window.FK_I18N ({msgid: msgstr or [singular, plural]}), handed to
   * the page in the user's language; without it, English. `pybabel extract -k t -k nt:1,2`
   * finds these calls.
   */
  function fill(text, vars) {
    return vars ? text.replace(/%\((\w+)\)[sd]/g, function (all, key) {
      return key in vars ? String(vars[key]) : all;
    }) : text;
  }
  fieldkit.t = function (text, vars) {
    var found = (window.FK_I18N || {})[text];
    return fill(typeof found === 'string' && found ? found : text, vars);
  };
  fieldkit.nt = function (singular, plural, n, vars) {
    var found = (window.FK_I18N || {})[singular];
    var forms = Array.isArray(found) ? found : [singular, plural];
    var pick = window.FK_I18N_PLURAL ? window.FK_I18N_PLURAL(n) : (n === 1 ? 0 : 1);
    return fill(forms[Math.min(pick, forms.length - 1)] || (n === 1 ? singular : plural),
      Object.assign({ num: n }, vars || {}));
  };

  /** The CSRF token of this page (from <meta name="csrf-token">). */
  fieldkit.csrfToken = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  };

  /**
   * fetch() for JSON endpoints: sends the CSRF header on unsafe methods, serialises a plain
   * object body, and resolves with the parsed JSON. Rejects with an Error whose message is
   * fit for people (err.status and err.data carry the details) when the network fails, the
   * status is not 2xx or the answer says {success: false}. A 401 with login_url goes there.
   */
  fieldkit.fetchJSON = function (url, opts) {
    opts = Object.assign({ credentials: 'same-origin' }, opts || {});
    var method = (opts.method || 'GET').toUpperCase();
    var headers = new Headers(opts.headers || {});
    headers.set('Accept', 'application/json');
    if (method !== 'GET' && method !== 'HEAD') {
      headers.set('X-CSRFToken', fieldkit.csrfToken());
    }
    if (opts.body && !(opts.body instanceof FormData) && typeof opts.body !== 'string') {
      headers.set('Content-Type', 'application/json');
      opts.body = JSON.stringify(opts.body);
    }
    opts.method = method;
    opts.headers = headers;
    return fetch(url, opts).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.success !== false) { return data; }
        if (response.status === 401 && data.login_url) { window.location.assign(data.login_url); }
        var error = new Error(data.error || fieldkit.t('The server refused this (%(status)s). Please try again.', { status: response.status }));
        error.status = response.status;
        error.data = data;
        throw error;
      });
    }, function () {
      var error = new Error(fieldkit.t('No connection. Try again when you have signal.'));
      error.status = 0;
      throw error;
    });
  };

  /**
   * A number as the server writes it (app/platform/formatting.py: grouped, the decimals of
   * `el`'s data-digits, else none for whole amounts and 2 otherwise), with the currency
   * symbol of `el`'s data-symbol on the side its data-position says. For totals kept right in
   * the page after a drag; the page's next load writes them from the server again.
   */
  fieldkit.formatNumber = function (value, el) {
    var attr = function (name) { return el ? el.getAttribute(name) : null; };
    var digits = attr('data-digits') !== null ? parseInt(attr('data-digits'), 10) : (value === Math.round(value) ? 0 : 2);
    var text = new Intl.NumberFormat(document.documentElement.lang || 'en',
      { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    var symbol = attr('data-symbol');
    if (!symbol) { return text; }
    return attr('data-position') === 'after' ? text + '\u00a0' + symbol : symbol + '\u00a0' + text;
  };

  /** Load `next` afresh. Assigning the current URL plus a #fragment would only scroll, so in
   *  that case the fragment is set first and the page reloaded (app.js then opens and shows the
   *  section). Used after an action sent by script (outbox.js, photo-upload.js). */
  fieldkit.reloadAt = function (next) {
    var target = new URL(next, window.location.href);
    var here = window.location;
    if (target.origin === here.origin && target.pathname === here.pathname &&
        target.search === here.search) {
      if (target.hash !== here.hash) { window.history.replaceState(window.history.state, '', target.href); }
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  };

  // Confirm before submitting forms (or buttons) marked data-confirm="Question?".
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // One tap, one submit: weak signal makes people tap twice. Disabled after the browser
    // has collected the submitter's name and value.
    if (!event.defaultPrevented) {
      setTimeout(function () {
        form.querySelectorAll('button[type="submit"], button:not([type])').forEach(function (button) {
          button.disabled = true;
          button.setAttribute('aria-busy', 'true');
        });
      }, 0);
    }
  });

  // GET forms marked data-clean-url leave their empty fields out of the URL, so a link to the
  // view says only what was chosen (/jobs?technician=4, not /jobs?q=&stage=&technician=4...).
  document.addEventListener('formdata', function (event) {
    if (!event.target.hasAttribute('data-clean-url')) { return; }
    Array.from(new Set(event.formData.keys())).forEach(function (name) {
      if (event.formData.getAll(name).every(function (value) { return value === ''; })) {
        event.formData.delete(name);
      }
    });
  });

  // The company switcher: the company worked in is always shown, so its own "Also show" box
  // is switched off (without JavaScript the server ignores it, as it does now).
  function syncCompanyBoxes(form) {
    var current = form.querySelector('input[name="company_id"]:checked');
    Array.prototype.forEach.call(form.querySelectorAll('input[name="company_ids"]'), function (box) {
      var same = current && box.value === current.value;
      box.disabled = same;
      if (same) { box.checked = false; }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[data-company-switch]'), function (form) {
    syncCompanyBoxes(form);
    form.addEventListener('change', function () { syncCompanyBoxes(form); });
  });

  // Pages restored from the back/forward cache must not keep buttons disabled.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('button[aria-busy="true"]').forEach(function (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    });
  });

  // Close the user menu and the tab bar's "More" sheet when tapping elsewhere (the sheet's
  // dimmed backdrop is the <details> itself, so only its summary and links count as inside).
  document.addEventListener('click', function (event) {
    document.querySelectorAll('details.usermenu[open], details[data-more-menu][open]').forEach(function (menu) {
      var inside = menu.hasAttribute('data-more-menu')
        ? event.target.closest('summary, .more-sheet') && menu.contains(event.target)
        : menu.contains(event.target);
      if (!inside) { menu.removeAttribute('open'); }
    });
  });

  // Escape closes an open menu and gives the focus back to its button, as a menu should.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    document.querySelectorAll('details.usermenu[open], details[data-more-menu][open]').forEach(function (menu) {
      menu.removeAttribute('open');
      menu.querySelector('summary').focus();
    });
  });

  // A page restored from the back/forward cache opens with its menus closed.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('details[data-more-menu][open]').forEach(function (menu) {
      menu.removeAttribute('open');
    });
  });

  // A link or a redirect to a section (#note, #photos, #finish...) that sits in a closed
  // <details> (the job page's groups): open it and scroll there. After an action the page comes
  // back at that section, so its message (the flash banners at the top) moves there too.
  function reveal(hash, moveBanners) {
    var target = null;
    try { target = hash && hash.length > 1 ? document.querySelector(hash) : null; } catch (err) { target = null; }
    if (!target) { return; }
    for (var box = target.parentElement; box; box = box.parentElement) {
      if (box.tagName === 'DETAILS' && !box.open) { box.open = true; }
    }
    if (moveBanners) {
      var banners = document.querySelectorAll('.main > .banner');
      Array.prototype.forEach.call(banners, function (banner) { target.parentNode.insertBefore(banner, target); });
    }
    (target.previousElementSibling && target.previousElementSibling.classList.contains('banner')
      ? target.previousElementSibling : target).scrollIntoView({ block: 'start' });
  }
  reveal(window.location.hash, true);
  // Forms marked data-opens="id ...": sending opens those <details> (e.g. "Start job" opens the
  // job's work: offline the action waits in the outbox and the page changes in place).
  document.addEventListener('submit', function (event) {
    var ids = event.target.getAttribute && event.target.getAttribute('data-opens');
    if (!ids || event.defaultPrevented && !event.target.hasAttribute('data-outbox')) { return; }
    ids.split(/\s+/).forEach(function (id) {
      var box = document.getElementById(id);
      if (box && box.tagName === 'DETAILS') { box.open = true; }
    });
  });
  window.addEventListener('hashchange', function () { reveal(window.location.hash, false); });
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link && link.getAttribute('href').length > 1) { reveal(link.getAttribute('href'), false); }
  });

  // "Show password" (login): a typed password is checked on a phone before sending it.
  document.querySelectorAll('[data-show-password]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-show-password'));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      var show = field.type === 'password';
      field.type = show ? 'text' : 'password';
      button.setAttribute('aria-pressed', show ? 'true' : 'false');
      button.textContent = show ? fieldkit.t('Hide password') : fieldkit.t('Show password');
      field.focus();
    });
  });
})();
