/* Customer search as you type: after a pause, fetch the results fragment and swap it in. The
 * form still works without JavaScript (plain GET with q). */
(function () {
  'use strict';
  var form = document.querySelector('[data-live-search]');
  var results = document.getElementById('customer-results');
  if (!form || !results || !window.fetch) { return; }
  var timer = null;
  var controller = null;

  function search() {
    var params = new URLSearchParams(new FormData(form));
    var q = (params.get('q') || '').trim();
    if (q.length === 1) { return; } // one character matches nearly everyone: wait for more
    params.set('partial', '1');
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(form.action + '?' + params.toString(), { credentials: 'same-origin', signal: controller && controller.signal })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        results.innerHTML = html;
        params.delete('partial');
        window.history.replaceState(null, '', form.action + '?' + params.toString());
      })
      .catch(function () { /* offline or aborted: the Search button still works */ });
  }

  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
})();
