/* Getting paid: keeps an invoice's payment state live while it is on screen (the invoice page
 * and the job's "Get paid" card). Polls every 2 s while the page is visible and online, stops
 * once Odoo says "paid": the technician sees "Paid" before leaving, without a reload.
 */
(function () {
  'use strict';
  if (!window.fetch) { return; }
  var EVERY = 2000;

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store',
                        headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function watch(url, onState) {
    var stopped = false;
    function tick() {
      if (stopped) { return; }
      if (document.hidden || navigator.onLine === false) { return setTimeout(tick, EVERY); }
      getJSON(url).then(function (data) {
        if (data && onState(data)) { stopped = true; return; }
        setTimeout(tick, EVERY);
      }).catch(function () { setTimeout(tick, EVERY); });
    }
    setTimeout(tick, EVERY);
  }

  function setBadge(box, data) {
    var badge = box.querySelector('[data-payment-badge] .badge') || box.querySelector('[data-payment-badge]');
    if (badge) {
      badge.textContent = data.label;
      if (badge.classList.contains('badge')) {
        badge.className = 'badge' + (data.paid ? ' badge--success' : (data.payment_state === 'partial' ? ' badge--warning' : ' badge--danger'));
      }
    }
    box.setAttribute('data-paid', data.paid ? 'true' : 'false');
  }

  var status = document.querySelector('[data-payment-status-url]');
  if (status && status.getAttribute('data-paid') !== 'true') {
    watch(status.getAttribute('data-payment-status-url'), function (data) {
      setBadge(status, data);
      if (!data.paid) { return false; }
      var banner = document.querySelector('[data-paid-banner]');
      if (banner) { banner.hidden = false; }
      var form = document.querySelector('[data-payment-form]');
      if (form) { form.hidden = true; }
      return true;
    });
  }

  var card = document.querySelector('[data-job-invoice-url]');
  if (card) {
    var summary = card.querySelector('[data-invoice-summary]');
    var link = card.querySelector('[data-invoice-link]');
    getJSON(card.getAttribute('data-job-invoice-url')).then(function (data) {
      var invoice = data && data.invoice;
      if (!invoice) { return; }
      link.href = invoice.url;
      link.textContent = fieldkit.t('Open invoice %(name)s', { name: invoice.name });
      function show(state) {
        summary.textContent = fieldkit.t('Invoice %(name)s: %(state)s', { name: invoice.name, state: state.label });
        summary.setAttribute('data-paid', state.paid ? 'true' : 'false');
        return state.paid;
      }
      if (!show({ label: invoice.paid ? fieldkit.t('Paid') : fieldkit.t('not paid yet'), paid: invoice.paid })) {
        watch(invoice.status_url, show);
      }
    }).catch(function () { /* offline: the card keeps its link */ });
  }
}());
