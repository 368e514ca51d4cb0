/* Live updates: pages with a [data-live-region] poll /api/live (If-None-Match, 304 when
 * nothing changed) and, when a job changed anywhere, fetch the page again and swap that
 * region. The server asks Odoo at most once per interval per company, whatever the number of
 * watchers. While the user is typing or dragging, the swap waits and a notice offers it.
 * Polling pauses while the page is hidden or offline.
 */
(function () {
  'use strict';
  var region = document.querySelector('[data-live-region]');
  if (!region || !window.fetch) { return; }
  var etag = null;
  var delay = 4000;
  var waiting = false;
  var timer = null;

  function busy() {
    var active = document.activeElement;
    return document.querySelector('.is-dragging, [data-picked], [aria-busy="true"]') ||
      (active && region.contains(active) && active.matches('input, textarea, select'));
  }

  function notice(show) {
    var box = document.querySelector('[data-live-notice]');
    if (!box && show) {
      box = document.createElement('p');
      box.className = 'banner banner--info live-notice';
      box.setAttribute('data-live-notice', '');
      box.setAttribute('role', 'status');
      var show = document.createElement('button');
      show.type = 'button';
      show.className = 'btn btn--ghost';
      show.textContent = window.fieldkit.t('Show changes');
      show.addEventListener('click', function () { waiting = false; refresh(true); });
      box.appendChild(document.createTextNode(window.fieldkit.t('Jobs changed.') + ' '));
      box.appendChild(show);
      region.parentNode.insertBefore(box, region);
    }
    if (box) { box.hidden = !show; }
  }

  function refresh(force) {
    if (!force && busy()) { waiting = true; notice(true); return; }
    notice(false);
    fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live-region]');
      if (!fresh) { return; }
      var focusedId = document.activeElement && document.activeElement.getAttribute('data-id');
      region.innerHTML = fresh.innerHTML;
      if (focusedId) {
        var again = region.querySelector('[data-id="' + focusedId + '"]');
        if (again) { again.focus(); }
      }
      document.dispatchEvent(new CustomEvent('fieldkit:updated'));
    }).catch(function () { /* offline: keep what is shown */ });
  }

  function poll() {
    if (document.hidden || navigator.onLine === false) { return schedule(); }
    var headers = { Accept: 'application/json' };
    if (etag) { headers['If-None-Match'] = '"' + etag + '"'; }
    fetch('/api/live', { credentials: 'same-origin', cache: 'no-store', headers: headers }).then(function (response) {
      if (response.status !== 200) { return null; }
      return response.json();
    }).then(function (data) {
      if (!data || !data.token) { return; }
      if (data.interval) { delay = Math.max(2, data.interval) * 1000 + 1000; }
      if (etag ? data.token !== etag : changedSinceRendered(data.changed_at)) { refresh(false); }
      etag = data.token;
    }).catch(function () { /* no signal: try again later */ }).then(schedule);
  }

  /* The first poll comes one interval after the page (which was just made from Odoo, so it
   * costs no extra Odoo call at load): a change made since the page was rendered still shows. */
  function changedSinceRendered(changedAt) {
    var meta = document.querySelector('meta[name="fk-rendered-at"]');
    var rendered = meta ? Date.parse(meta.getAttribute('content')) : NaN;
    var changed = changedAt ? Date.parse(changedAt) : NaN;
    // write_date has whole seconds: a change in the page's own second counts as newer.
    return !isNaN(rendered) && !isNaN(changed) && changed >= rendered - 1000;
  }

  function schedule() { window.clearTimeout(timer); timer = window.setTimeout(poll, delay); }

  document.addEventListener('fieldkit:refresh', function () { refresh(true); });
  document.addEventListener('focusout', function () {
    if (waiting) { window.setTimeout(function () { if (waiting && !busy()) { waiting = false; refresh(false); } }, 0); }
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && etag) { window.clearTimeout(timer); poll(); }
  });
  schedule();
}());
