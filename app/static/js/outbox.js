/* The outbox: job actions made without signal are kept in IndexedDB (photos and signatures
 * as Blobs) with an Idempotency-Key, sent in order per job when the signal is back, exactly
 * once (app/platform/idempotency.py). Answers, states and markup: docs/architecture.md ("Offline
 * outbox"). Every page is small on a phone's first visit, so this file explains itself there. */
(function () {
  'use strict';
  if (!window.indexedDB || !window.fetch || !window.Promise) { return; }
  var fk = window.fieldkit = window.fieldkit || {};
  var DB_NAME = 'fieldkit-outbox';
  var STORE = 'items';
  var TIMEOUT_MS = 20000;
  var FLUSH_EVERY_MS = 15000;
  var user = metaContent('fk-user');
  var flushing = null;
  var seq = 0;

  function metaContent(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // --- IndexedDB ------------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: 'key' }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function run(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function allItems() {
    return run('readonly', function (store) { return store.getAll(); }).then(function (items) {
      return items.sort(function (a, b) { return a.created - b.created || a.seq - b.seq; });
    });
  }
  function save(item) { return run('readwrite', function (store) { return store.put(item); }); }
  function drop(key) { return run('readwrite', function (store) { return store.delete(key); }); }
  function mine(items) { return items.filter(function (item) { return item.user === user; }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function pageJob() {
    var article = document.querySelector('[data-job-id][data-job-version]');
    return article ? { id: article.getAttribute('data-job-id'), version: article.getAttribute('data-job-version'),
                       name: article.getAttribute('data-job-name') || '' } : null;
  }

  /** Keep an item, then try to send it. `spec`: {url, label, fields: [[name, value, filename]]
   *  | json + blobs: {field: Blob}, next, text (what the user typed, for "Copy")}. */
  function enqueue(spec) {
    var job = pageJob();
    var item = {
      key: newKey(), user: user, url: spec.url, label: spec.label || fk.t('Change'),
      fields: spec.fields || null, json: spec.json || null, blobs: spec.blobs || null,
      next: spec.next || (window.location.pathname + window.location.search),
      text: spec.text || '', job: job ? job.id : null, jobName: job ? job.name : '',
      version: job ? job.version : null, created: Date.now(), seq: seq++, attempts: 0,
      csrf: fk.csrfToken ? fk.csrfToken() : '',  // for the worker's Background Sync only
      state: 'waiting', error: '', due: 0
    };
    // Only the first waiting item of a job is checked against the version the user saw: the
    // later ones build on it (the job changes when the first one lands).
    return allItems().then(function (items) {
      if (item.job && mine(items).some(function (other) { return other.job === item.job; })) {
        item.version = null;
      }
      return save(item);
    }).then(function () { render(); registerSync(); return item; });
  }

  /** Background Sync (Chrome): the worker sends what is waiting even with no page open. */
  function registerSync() {
    if (!navigator.serviceWorker || !window.SyncManager) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync.register('fieldkit-outbox');
    }).catch(function () { /* not allowed here: the page flushes itself */ });
  }

  // --- sending --------------------------------------------------------------------------------
  function blobToDataURL(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  function body(item) {
    if (item.json) {
      var payload = Object.assign({}, item.json);
      var names = Object.keys(item.blobs || {});
      return Promise.all(names.map(function (name) {
        return blobToDataURL(item.blobs[name]).then(function (url) { payload[name] = url; });
      })).then(function () { return JSON.stringify(payload); });
    }
    var data = new FormData();
    (item.fields || []).forEach(function (field) {
      if (field[2]) { data.append(field[0], field[1], field[2]); } else { data.append(field[0], field[1]); }
    });
    return Promise.resolve(data);
  }

  function send(item, checkVersion) {
    var headers = { 'X-CSRFToken': fk.csrfToken ? fk.csrfToken() : '', 'Idempotency-Key': item.key,
                    'Accept': 'application/json' };
    if (item.json) { headers['Content-Type'] = 'application/json'; }
    if (checkVersion && item.version && !item.force) { headers['X-Fk-Job-Version'] = item.version; }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return body(item).then(function (payload) {
      return fetch(item.url, { method: 'POST', body: payload, headers: headers, credentials: 'same-origin',
                               redirect: 'manual', signal: controller ? controller.signal : undefined });
    }).then(function (response) {
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
        return { outcome: 'done' };
      }
      return response.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (err) { data = null; }
        var status = response.status;
        if (response.ok && !(data && data.success === false)) { return { outcome: 'done', data: data }; }
        var reason = (data && data.error) || bannerText(text) || fk.t('The server answered %(status)s.', { status: status });
        if (status === 401) { return { outcome: 'login', reason: reason }; }
        // Odoo got an earlier send of this item and its answer was lost: it may be saved already.
        if (status === 409 && data && data.unknown) { return { outcome: 'unknown', reason: reason }; }
        if (status === 409 && data && data.conflict) { return { outcome: 'conflict', reason: reason, data: data }; }
        if (status >= 500 || status === 429 || status === 409) { return { outcome: 'retry', reason: reason }; }
        if (status === 400 && /expired/i.test(reason)) { return { outcome: 'retry', reason: reason, token: true }; }
        return { outcome: 'refused', reason: reason };
      });
    }, function () {
      return { outcome: 'retry', reason: fk.t('No connection.') };
    }).then(function (result) { if (timer) { clearTimeout(timer); } return result; });
  }

  function bannerText(html) {
    if (!html || !window.DOMParser) { return ''; }
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var banner = doc.querySelector('.banner--error, [role="alert"]');
    return banner ? banner.textContent.trim() : '';
  }

  /** A fresh CSRF token from the current page (after logging in again in another tab). */
  function refreshToken() {
    return fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var match = /name="csrf-token" content="([^"]+)"/.exec(html);
      var meta = document.querySelector('meta[name="csrf-token"]');
      if (match && meta) { meta.setAttribute('content', match[1]); }
    }).catch(function () { /* offline */ });
  }

  /** Send what is due, in order per job. Resolves with the number of items sent. */
  function flush(options) {
    options = options || {};
    if (flushing) { return flushing.then(function () { return flush(options); }); }
    flushing = allItems().then(function (items) {
      var blocked = {};
      var sent = 0;
      var chain = Promise.resolve();
      mine(items).forEach(function (item) {
        chain = chain.then(function () {
          var lane = item.job || item.url;
          if (blocked[lane]) { return; }
          if (item.state !== 'waiting' && item.state !== 'login') { blocked[lane] = true; return; }
          if (!options.force && item.due > Date.now()) { blocked[lane] = true; return; }
          return send(item, item.attempts > 0).then(function (result) {
            if (result.outcome === 'done') {
              sent += 1;
              return drop(item.key);
            }
            blocked[lane] = true;
            item.attempts += 1;
            item.error = result.reason || '';
            if (result.outcome === 'retry' || result.outcome === 'login') {
              item.state = result.outcome === 'login' ? 'login' : 'waiting';
              item.due = Date.now() + Math.min(300000, 2000 * Math.pow(2, item.attempts - 1));
              if (result.token) { item.due = 0; refreshToken(); }
            } else {
              item.state = result.outcome;
              item.changes = result.data && result.data.changes;
            }
            return save(item);
          });
        });
      });
      return chain.then(function () { return sent; });
    }).then(function (sent) {
      flushing = null;
      render();
      return sent;
    }, function (error) {
      flushing = null;
      throw error;
    });
    return flushing;
  }

  // --- forms ----------------------------------------------------------------------------------
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches('form[data-outbox]')) { return; }
    event.preventDefault();
    var fields = [];
    var text = '';
    var data;
    try { data = new FormData(form, event.submitter || undefined); } catch (err) { data = new FormData(form); }
    data.forEach(function (value, name) {
      if (name === 'csrf_token') { return; }
      if (value instanceof Blob) { fields.push([name, value, value.name || 'file']); }
      else { fields.push([name, value]); if (value.length > text.length) { text = value; } }
    });
    var next = form.getAttribute('data-next') || (window.location.pathname + window.location.search);
    enqueue({ url: form.action, label: form.getAttribute('data-outbox'), fields: fields, next: next, text: text })
      .then(function (item) {
        // The outbox holds what was typed now: no draft to restore, no second copy to send.
        if (window.FieldkitDrafts && window.FieldkitDrafts.clear) { window.FieldkitDrafts.clear(form); }
        return sendNow(item, form);
      });
  });

  /** The first attempt, from the page where the user acted: success loads the next page (as
   *  the form would have), anything else leaves the item in the outbox and says so. */
  function sendNow(item, form) {
    return send(item, false).then(function (result) {
      if (result.outcome === 'done') {
        return drop(item.key).then(function () { fk.reloadAt(item.next); });
      }
      item.attempts = 1;
      item.error = result.reason || '';
      if (result.outcome === 'refused') {
        // Refused at once: the user is still here, the form still holds what they typed.
        return drop(item.key).then(function () { showRefusal(form, item.error); render(); });
      }
      if (form) {
        form.reset();  // kept in the outbox, shown there as waiting to send
      }
      item.state = result.outcome === 'retry' ? 'waiting' : result.outcome;
      item.changes = result.data && result.data.changes;
      item.due = Date.now() + 2000;
      return save(item).then(function () {
        if (form) { enableButtons(form); }
        render();
      });
    });
  }

  function enableButtons(form) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    });
  }

  function showRefusal(form, message) {
    if (!form) { return; }
    enableButtons(form);
    var box = form.querySelector('.outbox-refusal');
    if (!box) {
      box = document.createElement('p');
      box.className = 'banner banner--error outbox-refusal';
      box.setAttribute('role', 'alert');
      form.insertBefore(box, form.firstChild);
    }
    box.textContent = message;
  }

  // --- what the user sees ---------------------------------------------------------------------
  function stateText(state) {
    return {
      waiting: fk.t('waiting to send'),
      login: fk.t('waiting: log in again to send'),
      refused: fk.t('refused'),
      conflict: fk.t('the job changed in Odoo since'),
      unknown: fk.t('maybe saved')
    }[state];
  }

  function render() {
    return allItems().then(function (items) {
      items = mine(items);
      fk.outboxCount = items.length;
      renderBadge(items);
      renderPanel(items);
      markJobs(items);
    }).catch(function () { /* storage unavailable: nothing to show */ });
  }

  function renderBadge(items) {
    var bar = document.querySelector('.topbar');
    if (!bar) { return; }
    var badge = bar.querySelector('[data-outbox-count]');
    if (!items.length) { if (badge) { badge.remove(); } return; }
    if (!badge) {
      badge = document.createElement('a');
      badge.className = 'outbox-badge';
      badge.href = '#outbox';
      badge.setAttribute('data-outbox-count', '');
      bar.insertBefore(badge, bar.querySelector('.usermenu'));
    }
    badge.textContent = fk.nt('%(num)d unsent', '%(num)d unsent', items.length);
    badge.setAttribute('aria-label', fk.nt('%(num)d change waiting to be sent',
      '%(num)d changes waiting to be sent', items.length));
  }

  function renderPanel(items) {
    var main = document.querySelector('main');
    var panel = document.getElementById('outbox');
    if (!items.length) { if (panel) { panel.remove(); } return; }
    if (!main) { return; }
    if (!panel) {
      panel = document.createElement('section');
      panel.id = 'outbox';
      panel.className = 'card stack outbox';
      panel.setAttribute('aria-live', 'polite');
      main.insertBefore(panel, main.firstChild);
    }
    var job = pageJob();
    panel.textContent = '';
    var title = document.createElement('h2');
    title.className = 'outbox__title';
    title.textContent = fk.t('Not sent yet (%(num)d)', { num: items.length });
    panel.appendChild(title);
    var hint = document.createElement('p');
    hint.className = 'muted';
    hint.textContent = fk.t('Kept on this phone and sent by itself when there is signal.');
    panel.appendChild(hint);
    var list = document.createElement('ul');
    list.className = 'outbox__list';
    items.forEach(function (item) {
      var row = document.createElement('li');
      row.className = 'outbox__item outbox__item--' + item.state;
      row.setAttribute('data-outbox-item', item.key);
      var what = document.createElement('span');
      what.textContent = item.label + (item.jobName && (!job || job.id !== item.job) ? ' · ' + item.jobName : '') +
        (item.text ? ': “' + item.text.slice(0, 60) + (item.text.length > 60 ? '…' : '') + '”' : '') +
        ' — ' + stateText(item.state) + (item.state !== 'waiting' && item.error ? ': ' + item.error : '');
      row.appendChild(what);
      if (item.state === 'conflict' && item.changes) {
        var changes = document.createElement('span');
        changes.className = 'muted outbox__changes';
        changes.textContent = ' ' + Object.keys(item.changes).map(function (name) {
          return name + ': ' + item.changes[name];
        }).join(' · ');
        row.appendChild(changes);
        row.appendChild(button(fk.t('Send anyway'), function () {
          item.force = true;
          item.state = 'waiting';
          item.due = 0;
          save(item).then(function () { return flush({ force: true }); });
        }));
      }
      if (item.state === 'unknown') {
        // The same key would only get the same answer: a new key sends it as a new change.
        row.appendChild(button(fk.t('Send again'), function () {
          var old = item.key;
          item.key = newKey();
          item.state = 'waiting';
          item.due = 0;
          drop(old).then(function () { return save(item); }).then(function () { return flush({ force: true }); });
        }));
      }
      if (item.state === 'refused' || item.state === 'conflict' || item.state === 'unknown') {
        if (item.text) {
          row.appendChild(button(fk.t('Copy text'), function () {
            if (navigator.clipboard) { navigator.clipboard.writeText(item.text); }
          }));
        }
        row.appendChild(button(fk.t('Discard'), function () {
          if (window.confirm(fk.t('Discard this change? It will not be sent.'))) { drop(item.key).then(render); }
        }));
      }
      list.appendChild(row);
    });
    panel.appendChild(list);
  }

  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn--ghost';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  function markJobs(items) {
    var jobs = {};
    items.forEach(function (item) { if (item.job) { jobs[item.job] = (jobs[item.job] || 0) + 1; } });
    Array.prototype.forEach.call(document.querySelectorAll('.job-card[data-job-id]'), function (card) {
      var count = jobs[card.getAttribute('data-job-id')];
      var mark = card.querySelector('.outbox-mark');
      if (!count) { if (mark) { mark.remove(); } return; }
      if (!mark) {
        mark = document.createElement('span');
        mark.className = 'badge badge--warning outbox-mark';
        card.insertBefore(mark, card.firstChild);
      }
      mark.textContent = fk.nt('%(num)d unsent', '%(num)d unsent', count);
    });
  }

  // Logging out keeps the items (for this user) but says so first.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('form[data-logout]') || event.defaultPrevented) { return; }
    if (!fk.outboxCount) { return; }
    if (!window.confirm(fk.nt('%(num)d change is not sent yet. It stays on this phone and is sent when ' +
                              'you log in again as %(user)s. Log out anyway?',
                              '%(num)d changes are not sent yet. They stay on this phone and are sent ' +
                              'when you log in again as %(user)s. Log out anyway?', fk.outboxCount, { user: user }))) {
      event.preventDefault();
    }
  }, true);

  function countForLogout() {
    allItems().then(function (items) { fk.outboxCount = mine(items).length; }).catch(function () {});
  }

  fk.outbox = {
    enqueue: function (spec) { return enqueue(spec).then(function (item) { countForLogout(); return item; }); },
    flush: flush,
    items: function () { return allItems().then(mine); },
    send: function (item) { return flush({ force: true }).then(function () { return item; }); }
  };

  function start() {
    render();
    countForLogout();
    if (navigator.onLine !== false) { flush({ force: true }).then(reloadIfSent).catch(function () {}); }
    window.addEventListener('online', function () { flush({ force: true }).then(reloadIfSent).catch(function () {}); });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden) { flush().then(reloadIfSent).catch(function () {}); }
    });
    setInterval(function () {
      if (fk.outboxCount) { flush().then(reloadIfSent).catch(function () {}); }
      countForLogout();
    }, FLUSH_EVERY_MS);
  }

  /** After items went out in the background, show the page as Odoo now has it, unless the
   *  user is typing. */
  function reloadIfSent(sent) {
    countForLogout();
    if (!sent) { return; }
    var active = document.activeElement;
    if (active && active.matches && active.matches('input, textarea, select')) { return; }
    window.location.reload();
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
