/* Working a transfer: − / + steppers, "All done", and scans matched to the lines on the page.
 * Without JavaScript the same form posts the typed quantities, and the scan field posts to
 * the server, which does the same matching. */
(function () {
  'use strict';
  var work = document.querySelector('[data-work]');
  if (!work) { return; }

  function toNumber(text) {
    var n = parseFloat(String(text).replace(',', '.'));
    return isFinite(n) ? n : 0;
  }
  function show(n) { return String(Math.round(n * 1000) / 1000); }

  work.addEventListener('click', function (event) {
    var step = event.target.closest('[data-step]');
    if (step) {
      var input = document.getElementById(step.getAttribute('aria-controls'));
      input.value = show(Math.max(0, toNumber(input.value) + Number(step.getAttribute('data-step'))));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    }
    if (event.target.closest('[data-all-done]')) {
      event.preventDefault();
      work.querySelectorAll('[data-move]').forEach(function (line) {
        line.querySelector('input').value = line.getAttribute('data-demand');
      });
    }
  });

  document.addEventListener('fieldkit:scan', function (event) {
    var code = event.detail.code;
    var form = event.target;
    var status = form.querySelector('[data-scan-status]');
    var lines = work.querySelectorAll('[data-move]');
    for (var i = 0; i < lines.length; i++) {
      var codes = (lines[i].getAttribute('data-codes') || '').split(' ');
      if (codes.indexOf(code) !== -1) {
        var input = lines[i].querySelector('input');
        input.value = show(toNumber(input.value) + 1);
        event.preventDefault();
        lines[i].classList.add('is-scanned');
        if (status) {
          status.textContent = window.fieldkit.t('%(product)s: %(done)s of %(demand)s. Validate when you are done.', {
            product: lines[i].querySelector('.move__product').textContent,
            done: input.value,
            demand: lines[i].getAttribute('data-demand'),
          });
        }
        return;
      }
    }
    event.preventDefault();
    if (status) { status.textContent = window.fieldkit.t('Nothing on this transfer matches “%(code)s”.', { code: code }); }
  });
}());
