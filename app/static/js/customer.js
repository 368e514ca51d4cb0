/* The customer's visit page: poll the visit's status while the page is visible (304 while
 * nothing changed) and show it without a reload. */
(function () {
  'use strict';
  var main = document.querySelector('[data-status-url]');
  if (!main || !window.fetch) { return; }
  var url = main.getAttribute('data-status-url');
  var status = main.querySelector('[data-cv-status]');
  var win = main.querySelector('[data-cv-window]');
  var tech = main.querySelector('[data-cv-technician]');
  var eta = main.querySelector('[data-cv-eta]');
  var etag = null;
  var INTERVAL = 3000;

  function show(data) {
    if (status && data.label) {
      status.textContent = data.label;
      status.className = 'cv__status cv__status--' + data.status;
    }
    if (win && data.window) { win.textContent = data.window; }
    if (eta) { eta.hidden = !data.arriving; eta.textContent = data.arriving || ''; }
    if (tech && data.technician) { tech.textContent = data.technician; }
    if (data.status === 'done' && !main.querySelector('#cv-after')) { window.location.reload(); }
  }

  function poll() {
    if (document.hidden) { return; }
    var headers = etag ? { 'If-None-Match': etag } : {};
    fetch(url, { headers: headers, credentials: 'same-origin', cache: 'no-cache' })
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get('ETag');
          return response.json().then(show);
        }
        return null;
      })
      .catch(function () { /* offline: the page shows what it had */ });
  }
  setInterval(poll, INTERVAL);
})();
