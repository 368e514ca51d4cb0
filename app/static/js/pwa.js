/* Fieldkit PWA client: registers the service worker (static/sw.js) and talks to it.
 *
 * - "New version available — Reload": the new worker waits until the user taps Reload, so a
 *   deploy never swaps the code under a half-typed form.
 * - "Offline — showing the copy from 14:02" when the worker answered from its cache.
 * - Links marked data-precache (today's and tomorrow's jobs on /jobs/active) are cached for
 *   offline reading each time the page is shown.
 * - Logout (a form posting to /logout) empties this user's cached pages and drafts.
 * - Forms posted while offline are stopped with a visible message; their text stays.
 * - "Install Fieldkit" where the browser offers it; an Add to Home Screen hint on iOS Safari.
 * - The offline page lists the pages this device has kept ([data-offline-pages]).
 */
(function () {
  'use strict';

  var root = document.documentElement;
  var sw = navigator.serviceWorker;
  var swUrl = (document.currentScript && document.currentScript.dataset.sw) || '/sw.js';
  var reloading = false;
  // The page's words (app.js, which runs first); English if it is missing.
  function t(text, vars) {
    return window.fieldkit && window.fieldkit.t ? window.fieldkit.t(text, vars) : text;
  }

  // --- Notices: one area for every message of this file, fixed so it shifts no content. ---
  function noticeArea() {
    var area = document.querySelector('.fk-notices');
    if (area) return area;
    area = document.createElement('div');
    area.className = 'fk-notices stack';
    area.setAttribute('aria-live', 'polite');
    document.body.appendChild(area);
    if (getComputedStyle(area).position !== 'fixed') {
      // app.css may style .fk-notices; until it does, keep it above the bottom tab bar.
      Object.assign(area.style, {
        position: 'fixed', left: '8px', right: '8px', bottom: '72px', zIndex: '50',
        maxWidth: '40rem', margin: '0 auto',
      });
    }
    return area;
  }

  // kind: info | warning | error; actions: [[label, handler, primary?], ...]. One per id.
  function notice(id, kind, text, actions) {
    dismiss(id);
    var box = document.createElement('div');
    box.className = 'banner banner--' + kind + ' row';
    box.dataset.notice = id;
    if (kind === 'error') box.setAttribute('role', 'alert');
    var span = document.createElement('span');
    span.textContent = text;
    box.appendChild(span);
    (actions || []).forEach(function (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn' + (action[2] ? ' btn--primary' : ' btn--ghost');
      button.textContent = action[0];
      button.addEventListener('click', action[1]);
      box.appendChild(button);
    });
    noticeArea().appendChild(box);
    return box;
  }

  function dismiss(id) {
    var old = document.querySelector('[data-notice="' + id + '"]');
    if (old) old.remove();
  }

  function remembered(key) {
    try { return Number(localStorage.getItem('fk-dismissed:' + key)) > Date.now(); } catch (e) { return false; }
  }

  function remember(key, days) {
    try { localStorage.setItem('fk-dismissed:' + key, String(Date.now() + days * 864e5)); } catch (e) { /* private mode */ }
  }

  // --- Offline notice ---
  // As the server writes times (app/platform/timezone.py): 24-hour, in the user's zone
  // (fk-tz), not the device's: "today 14:30", "yesterday 17:45", "Wed 11 Mar 08:00" (the day
  // in the page's language). The parts below only compare days; the words come after.
  function timeParts(date, zone) {
    var out = {};
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric',
        month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    } catch (e) {
      return zone ? timeParts(date, undefined) : out; // an unknown zone: the device's
    }
    return out;
  }

  function dayText(date, zone) {
    var lang = (root.lang || 'en').split('-')[0];
    var options = { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' };
    try {
      return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, options).format(date).replace(',', '');
    } catch (e) {
      return zone ? dayText(date, undefined) : '';
    }
  }

  // "Offline — showing the copy from …" for the time this page was written, or '' unknown.
  function offlineCopyText() {
    var meta = document.querySelector('meta[name="fk-rendered-at"]');
    var when = meta && new Date(meta.content);
    if (!when || isNaN(when)) return '';
    var zoneMeta = document.querySelector('meta[name="fk-tz"]');
    var zone = (zoneMeta && zoneMeta.content) || undefined;
    var at = timeParts(when, zone);
    var time = at.hour + ':' + at.minute;
    function sameDay(other) {
      return other.day === at.day && other.month === at.month && other.year === at.year;
    }
    if (sameDay(timeParts(new Date(), zone))) {
      return t('Offline — showing the copy from today %(time)s', { time: time });
    }
    if (sameDay(timeParts(new Date(Date.now() - 864e5), zone))) {
      return t('Offline — showing the copy from yesterday %(time)s', { time: time });
    }
    return t('Offline — showing the copy from %(day)s %(time)s', { day: dayText(when, zone), time: time });
  }

  function showOffline() {
    if (document.querySelector('[data-fk-offline-page]')) return; // it says so itself
    notice('offline', 'warning', offlineCopyText() || t('Offline'));
  }

  function showOnline() {
    if (!document.querySelector('[data-notice="offline"]')) return;
    notice('offline', 'info', t('Back online.'), [[t('Refresh'), function () { location.reload(); }, true]]);
  }

  // --- Updates: offer the waiting worker, activate it only when the user agrees. ---
  function watchUpdates(registration) {
    function offer() {
      if (!registration.waiting || !sw.controller) return; // first install: nothing to replace
      notice('update', 'info', t('New version available'), [[t('Reload'), function () {
        reloading = true;
        registration.waiting.postMessage({ type: 'SKIP_WAITING' });
      }, true]]);
    }
    offer();
    registration.addEventListener('updatefound', function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', function () {
        if (worker.state === 'installed') offer();
      });
    });
    // A page left open all day looks for a deploy whenever it comes back to the front.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') registration.update().catch(function () {});
    });
  }

  // --- Offline reading of the day ---
  // Each link's data-precache holds the version of its job (its write_date): the worker
  // fetches a page again only when its copy is of another version, or old.
  function precacheLinks() {
    var pages = Array.prototype.map.call(document.querySelectorAll('a[data-precache]'), function (a) {
      return { url: a.href, version: a.getAttribute('data-precache') || '' };
    });
    if (!pages.length && location.pathname === '/jobs/active') {
      // Without the markers, the job links of the list itself (the worker caps how many).
      pages = Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a) { return { url: a.href, version: '' }; })
        .filter(function (p) { return /\/jobs\/\d+\/?$/.test(new URL(p.url).pathname); });
    }
    // This page itself was not seen by the worker when it loaded without one (a login faster
    // than the worker's install): the worker keeps the browser's copy of it (own: true).
    if (!sw.controller && document.querySelector('meta[name="fk-rendered-at"]')) pages.unshift({ url: location.href, version: '', own: true });
    if (!pages.length) return;
    var seen = {};
    pages = pages.filter(function (p) { return seen[p.url] ? false : (seen[p.url] = true); });
    sw.ready.then(function (registration) {
      registration.active.postMessage({ type: 'PRECACHE_PAGES', pages: pages });
    });
  }

  function onMessage(event) {
    var data = event.data || {};
    if (data.type === 'PAGE_SOURCE' && data.cachedAt) {
      root.dataset.fkSource = 'cache';
      showOffline();
    } else if (data.type === 'PRECACHED') {
      root.dataset.fkPrecached = String(data.count);
      root.dataset.fkPrecacheFetched = String(data.fetched || 0);
    }
  }

  // --- Forms: logout clears this user's copies; offline posts are stopped, visibly. ---
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post') return;
    if (new URL(form.action, location.href).pathname === '/logout') {
      if (sw && sw.controller) sw.controller.postMessage({ type: 'CLEAR_USER_CACHES' });
      if (window.FieldkitDrafts) window.FieldkitDrafts.clearAll();
    }
    if (navigator.onLine) return;
    // Job actions go to the outbox (outbox.js): kept on the phone and sent when back online.
    if ((form.hasAttribute('data-outbox') || form.hasAttribute('data-photo-upload')) &&
        window.fieldkit && window.fieldkit.outbox) return;
    event.preventDefault();
    notice('not-sent', 'error', t('You are offline: nothing was sent. Your text is kept on this device; send it again when you have signal.'));
  }, true); // capture: runs before form-draft.js marks the form as submitted

  // --- Install ---
  var installPrompt = null;
  window.addEventListener('beforeinstallprompt', function (event) {
    event.preventDefault(); // our own button instead of the mini-infobar
    installPrompt = event;
    var slot = document.querySelector('[data-pwa-install]');
    if (slot) {
      slot.hidden = false;
      slot.onclick = install;
    } else if (!remembered('install')) {
      notice('install', 'info', t('Keep Fieldkit on your home screen, ready offline.'), [
        [t('Install Fieldkit'), install, true],
        [t('Not now'), function () { remember('install', 30); dismiss('install'); }],
      ]);
    }
  });

  function install() {
    if (!installPrompt) return;
    dismiss('install');
    installPrompt.prompt();
    installPrompt = null;
  }

  window.addEventListener('appinstalled', function () {
    dismiss('install');
    var slot = document.querySelector('[data-pwa-install]');
    if (slot) slot.hidden = true;
  });

  function iosHint() {
    var ua = navigator.userAgent;
    var ios = /iPad|iPhone|iPod/.test(ua) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
    var safari = /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
    if (!ios || !safari || navigator.standalone || remembered('ios-hint')) return;
    notice('ios-hint', 'info', t('Install Fieldkit: tap Share, then “Add to Home Screen”.'), [
      [t('OK'), function () { remember('ios-hint', 90); dismiss('ios-hint'); }],
    ]);
  }

  // --- The offline page: list what this device has kept, read from the caches. ---
  function listOfflinePages(list) {
    if (!window.caches) return;
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf('fieldkit-pages-') === 0; }).map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return cache.match(request).then(function (response) { return response.text(); }).then(function (html) {
                var title = new DOMParser().parseFromString(html, 'text/html').title;
                return { url: new URL(request.url), title: title };
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var pages = [].concat.apply([], groups);
      list.textContent = '';
      pages.forEach(function (page) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = page.url.pathname + page.url.search;
        link.textContent = page.title || page.url.pathname;
        item.appendChild(link);
        list.appendChild(item);
      });
      var empty = document.querySelector('[data-offline-empty]');
      if (empty) empty.hidden = pages.length > 0;
      list.hidden = !pages.length;
    }).catch(function () { /* the no-JS text stays */ });
  }

  // --- Start ---
  iosHint();
  window.addEventListener('offline', showOffline);
  window.addEventListener('online', showOnline);
  if (!navigator.onLine) showOffline();
  var offlineList = document.querySelector('[data-offline-pages]');
  if (offlineList) listOfflinePages(offlineList);
  if (!sw) return;
  sw.addEventListener('message', onMessage);
  sw.addEventListener('controllerchange', function () {
    if (reloading) location.reload();
  });
  if (sw.controller) sw.controller.postMessage({ type: 'PAGE_SOURCE' });
  // After load, so that installing the worker does not compete with the page itself.
  window.addEventListener('load', function () {
    sw.register(swUrl, { scope: '/', updateViaCache: 'none' }).then(watchUpdates).catch(function () {
      /* no worker (private mode, old browser): the site works as a plain site */
    });
    precacheLinks();
    // The offline page in this page's language (the user's): the worker fetches it again only
    // when its copy is in another one (a login in another language, a shared phone).
    if (navigator.onLine && root.dataset.fkSource !== 'cache') {
      sw.ready.then(function (registration) {
        registration.active.postMessage({ type: 'OFFLINE_LANG', lang: (root.lang || 'en').split('-')[0] });
      });
    }
  });
})();
