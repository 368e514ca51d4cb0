/* Barcode scanning for forms marked data-scan (see templates/_macros/scan.html).
 *
 * Keyboard-wedge scanners "type" the code very fast into the focused field and press Enter.
 * Enter submits the form; before it does, a cancelable "fieldkit:scan" event (detail: {code,
 * wedge}) is dispatched on the form, so a page can handle the code itself (inventory.js adds one
 * to the matching line) and stop the submit. `wedge` is true when the keys came faster than a
 * person types.
 *
 * The camera: where the browser has BarcodeDetector (Chrome on Android) a Camera button shows;
 * it reads codes from the back camera and hands them over exactly as a scanner would. Where it
 * hasn't (Safari, most desktops), nothing is said: the typed field (and a scanner) just work.
 */
(function () {
  'use strict';
  var WEDGE_MS = 35; // scanners: a few ms between keys; people: 100 ms and more
  var FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'qr_code'];

  function setStatus(form, text) {
    var status = form.querySelector('[data-scan-status]');
    if (status) { status.textContent = text; }
  }

  function announce(form, code, wedge) {
    var event = new CustomEvent('fieldkit:scan', {
      bubbles: true, cancelable: true, detail: { code: code, wedge: wedge }
    });
    return form.dispatchEvent(event); // false: the page handled it
  }

  function submit(form, input, code, wedge) {
    if (!code) {
      // an empty search still clears the list; an empty scan posts nothing
      if (form.method.toLowerCase() === 'get') { form.submit(); }
      return;
    }
    if (announce(form, code, wedge)) {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    } else if (!input.hasAttribute('data-scan-keep')) {
      input.value = '';
    }
  }

  function watchKeys(form, input) {
    var times = [];
    input.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') {
        times.push(event.timeStamp);
        if (times.length > 64) { times.shift(); }
        return;
      }
      event.preventDefault();
      var gaps = [];
      for (var i = 1; i < times.length; i++) { gaps.push(times[i] - times[i - 1]); }
      var wedge = gaps.length >= 3 && gaps.reduce(function (a, b) { return a + b; }, 0) / gaps.length < WEDGE_MS;
      times = [];
      submit(form, input, input.value.trim(), wedge);
    });
  }

  function startCamera(form, input, button) {
    var video = form.querySelector('[data-scan-video]');
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: FORMATS });
    } catch (err) {
      detector = new window.BarcodeDetector();
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (stream) {
        var stopped = false;
        function stop() {
          stopped = true;
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
          button.textContent = window.fieldkit.t('Camera');
          button.onclick = null;
        }
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        setStatus(form, window.fieldkit.t('Point the camera at the barcode.'));
        button.textContent = window.fieldkit.t('Stop camera');
        button.onclick = function (e) { e.stopImmediatePropagation(); stop(); setStatus(form, ''); };
        (function look() {
          if (stopped) { return; }
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              input.value = codes[0].rawValue;
              submit(form, input, codes[0].rawValue, true);
            } else {
              setTimeout(look, 250);
            }
          }, function () { setTimeout(look, 500); });
        })();
      }, function () {
        setStatus(form, window.fieldkit.t('The camera is not available (permission refused?). Type the code or use a scanner.'));
      });
  }

  function setUp(form) {
    var input = form.querySelector('[data-scan-input]');
    var button = form.querySelector('[data-scan-camera]');
    if (!input) { return; }
    watchKeys(form, input);
    if (!button) { return; }
    var canScan = 'BarcodeDetector' in window && navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia;
    if (canScan) {
      button.hidden = false;
      button.addEventListener('click', function () { startCamera(form, input, button); });
    }
  }

  document.querySelectorAll('form[data-scan]').forEach(setUp);
}());
