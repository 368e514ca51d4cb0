// Ticks the job timer's shown time forward once a second. The starting value is the server's
// (data-timer-seconds, when the page was made); the phone's clock only measures time since.
(function () {
  'use strict';
  var clock = document.querySelector('[data-timer-running]');
  if (!clock) return;
  var base = parseInt(clock.getAttribute('data-timer-seconds'), 10) || 0;
  var loaded = Date.now();
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function tick() {
    var s = base + Math.floor((Date.now() - loaded) / 1000);
    clock.textContent = Math.floor(s / 3600) + ':' + pad(Math.floor(s / 60) % 60) + ':' + pad(s % 60);
  }
  tick();
  setInterval(tick, 1000);
})();
