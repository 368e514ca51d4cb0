/*
 * Signature pad: enhances
 *   <div data-signature-pad data-save-url="/api/jobs/12/signature">
 *     <canvas></canvas>
 *     <input name="signer_name">
 *     <button data-action="clear">  <button data-action="save">
 *     <p data-status aria-live="polite"></p>
 *   </div>
 * Finger, stylus and mouse through pointer events. Strokes are kept as points in CSS pixels, so
 * the canvas can be redrawn sharp at any size and device pixel ratio, and a failed save loses
 * nothing. Save posts {image: "data:image/png;base64,...", signer_name} with the X-CSRFToken
 * header and dispatches "signature:saved" (detail: the server's JSON) on success, after showing
 * the stored image (the server's `url`) in the pad's parent, in [data-signature-image]. When the
 * answer has a local `redirect`, the browser goes there (the record changed with the signature).
 * Markup: app/templates/_signature.html, for any record.
 */
(function () {
  'use strict';

  var MAX_OUTPUT_WIDTH = 1200;      // px of the PNG sent to the server
  var MIN_OUTPUT_CSS = [150, 60];   // the trimmed area never gets smaller than this
  var PADDING = 12;                 // CSS px of white around the trimmed signature
  var BASE_WIDTH = 2.5;             // stroke width in CSS px without pressure
  var INK = '#111';
  var SAVE_TIMEOUT_MS = 20000;
  // Fieldkit's words in the page's language (app.js's fieldkit.t), looked up when used.
  function t(text, vars) { return window.fieldkit.t(text, vars); }
  function networkError() { return t('Could not send the signature: check your connection and try again'); }

  // Zero-specificity defaults (:where) so that any rule in app.css wins.
  var DEFAULT_CSS =
    ':where([data-signature-pad]) :where(canvas){display:block;width:100%;height:200px;' +
    'background:#fff;border:1px solid #8a8f98;border-radius:8px;cursor:crosshair}' +
    ':where([data-signature-pad]) :where(button){min-height:44px;min-width:44px}';

  function addDefaultStyles() {
    // A constructed stylesheet, not a <style> element: the app's CSP (style-src 'self') would
    // refuse the latter. Where unsupported, app.css alone styles the pad.
    if (addDefaultStyles.done || !('adoptedStyleSheets' in document)) return;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(DEFAULT_CSS);
      var current = Array.prototype.slice.call(document.adoptedStyleSheets);
      document.adoptedStyleSheets = [sheet].concat(current);
      addDefaultStyles.done = true;
    } catch (err) { /* older browser: no defaults */ }
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function midpoint(a, b) {
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, w: (a.w + b.w) / 2 };
  }

  /* Drawing: a stroke is a quadratic curve through the midpoints of its points, drawn one
   * segment at a time so the width can follow the pressure. Drawing live and redrawing later
   * go through the same two functions, so they give the same picture. */
  function drawSegment(ctx, points, i) {
    // Segment i runs from the midpoint before points[i] to the one after, bending towards it.
    var start = i === 1 ? points[0] : midpoint(points[i - 1], points[i]);
    var end = midpoint(points[i], points[i + 1]);
    ctx.lineWidth = (start.w + points[i].w + end.w) / 3;
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.quadraticCurveTo(points[i].x, points[i].y, end.x, end.y);
    ctx.stroke();
  }

  function drawTail(ctx, points) {
    var n = points.length;
    var last = points[n - 1];
    if (n === 1) {
      ctx.beginPath();
      ctx.arc(last.x, last.y, last.w / 2, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    var start = n === 2 ? points[0] : midpoint(points[n - 2], last);
    ctx.lineWidth = (start.w + last.w) / 2;
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.lineTo(last.x, last.y);
    ctx.stroke();
  }

  function drawStroke(ctx, points) {
    for (var i = 1; i < points.length - 1; i++) drawSegment(ctx, points, i);
    drawTail(ctx, points);
  }

  function prepareInk(ctx) {
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }

  function SignaturePad(root) {
    this.root = root;
    this.canvas = root.querySelector('canvas');
    this.nameInput = root.querySelector('input[name="signer_name"]');
    this.clearButton = root.querySelector('[data-action="clear"]');
    this.saveButton = root.querySelector('[data-action="save"]');
    this.status = root.querySelector('[data-status]');
    this.url = root.getAttribute('data-save-url');
    this.ctx = this.canvas.getContext('2d');
    this.strokes = [];
    this.current = null;          // the stroke being drawn
    this.pointerId = null;        // one pointer at a time: a resting palm doesn't draw
    this.saving = false;
    this.saved = false;
    this.size = { width: 0, height: 0, ratio: 0 };
    this.setUp();
  }

  SignaturePad.prototype.setUp = function () {
    var self = this;
    var canvas = this.canvas;
    // The browser must not scroll or zoom while a finger draws.
    canvas.style.touchAction = 'none';
    canvas.style.userSelect = 'none';
    canvas.style.webkitUserSelect = 'none';
    if (!canvas.hasAttribute('role')) canvas.setAttribute('role', 'img');
    if (!canvas.hasAttribute('aria-label')) canvas.setAttribute('aria-label', t('Signature area: sign here'));
    if (this.status) {
      if (!this.status.hasAttribute('aria-live')) this.status.setAttribute('aria-live', 'polite');
      if (!this.status.hasAttribute('role')) this.status.setAttribute('role', 'status');
    }
    [this.clearButton, this.saveButton].forEach(function (button) {
      // Inside a form, a button would submit it: these act on the pad only.
      if (button && button.tagName === 'BUTTON') button.type = 'button';
    });

    canvas.addEventListener('pointerdown', function (e) { self.onDown(e); });
    canvas.addEventListener('pointermove', function (e) { self.onMove(e); });
    ['pointerup', 'pointercancel', 'lostpointercapture'].forEach(function (type) {
      canvas.addEventListener(type, function (e) { self.onUp(e); });
    });
    canvas.addEventListener('contextmenu', function (e) { e.preventDefault(); });
    if (this.clearButton) this.clearButton.addEventListener('click', function () { self.clear(); });
    if (this.saveButton) this.saveButton.addEventListener('click', function () { self.save(); });
    if (this.nameInput) {
      this.nameInput.addEventListener('input', function () {
        self.saved = false;
        self.updateButtons();
      });
    }

    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.resize(); }).observe(canvas);
    }
    // Also catches a change of devicePixelRatio (zoom, moving to another screen).
    window.addEventListener('resize', function () { self.resize(); });
    this.resize();
    this.updateButtons();
    // A signature on file shows as its image only; the pad opens with "Replace signature".
    var shown = this.root.parentNode.querySelector('[data-signature-image]');
    if (shown && shown.getAttribute('src')) this.collapse();
  };

  /* One signature on screen: the stored image above, the pad folded away behind an active
   * "Replace signature" button (the status line stays, so "Signature saved" is still read). */
  SignaturePad.prototype.collapse = function () {
    var self = this;
    if (!this.replaceButton) {
      this.replaceButton = document.createElement('button');
      this.replaceButton.type = 'button';
      this.replaceButton.className = 'btn';
      this.replaceButton.setAttribute('data-signature-replace', '');
      this.replaceButton.textContent = t('Replace signature');
      this.replaceButton.addEventListener('click', function () { self.expand(); });
      this.root.insertBefore(this.replaceButton, this.status || null);
    }
    // style.display, not [hidden]: the pad's own CSS (display: block) would win over it
    Array.prototype.forEach.call(this.root.children, function (child) {
      child.style.display = child === self.status || child === self.replaceButton ? '' : 'none';
    });
  };

  SignaturePad.prototype.expand = function () {
    var self = this;
    Array.prototype.forEach.call(this.root.children, function (child) {
      child.style.display = child === self.replaceButton ? 'none' : '';
    });
    this.strokes = [];
    this.saved = false;
    this.size = { width: 0, height: 0, ratio: 0 };
    this.resize();
    this.setStatus('', '');
    if (this.saveButton && this.saveButton.textContent.trim() === t('Replace signature')) {
      this.saveButton.textContent = t('Save the new signature');
    }
    this.updateButtons();
    this.canvas.scrollIntoView({ block: 'center' });
  };

  /* Size the backing store to CSS size × devicePixelRatio and redraw every stroke. If the
   * canvas changed size (rotation), strokes are scaled to keep the whole signature in view. */
  SignaturePad.prototype.resize = function () {
    var rect = this.canvas.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    if (!rect.width || !rect.height) return;  // hidden: wait until it is shown
    var old = this.size;
    if (old.width === rect.width && old.height === rect.height && old.ratio === ratio) return;
    if (old.width && old.height && (old.width !== rect.width || old.height !== rect.height)) {
      var scale = Math.min(rect.width / old.width, rect.height / old.height);
      this.strokes.forEach(function (points) {
        points.forEach(function (p) { p.x *= scale; p.y *= scale; p.w *= scale; });
      });
    }
    this.size = { width: rect.width, height: rect.height, ratio: ratio };
    this.canvas.width = Math.round(rect.width * ratio);
    this.canvas.height = Math.round(rect.height * ratio);
    this.redraw();
  };

  SignaturePad.prototype.redraw = function () {
    var ctx = this.ctx;
    var ratio = this.size.ratio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    prepareInk(ctx);
    this.strokes.forEach(function (points) { drawStroke(ctx, points); });
  };

  SignaturePad.prototype.pointFrom = function (e) {
    var rect = this.canvas.getBoundingClientRect();
    // Mice and most fingers report 0.5 (or 0) while pressed; only real pressure changes width.
    var pressure = e.pressure;
    var width = BASE_WIDTH;
    if (pressure > 0 && pressure !== 0.5) width = 1 + pressure * 3.5;
    return { x: e.clientX - rect.left, y: e.clientY - rect.top, w: width };
  };

  SignaturePad.prototype.onDown = function (e) {
    if (this.pointerId !== null || this.saving) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    try {
      // Keep receiving moves when the finger slides off the canvas.
      this.canvas.setPointerCapture(e.pointerId);
    } catch (err) { /* synthetic or already-released pointer: drawing still works */ }
    this.current = [this.pointFrom(e)];
    this.strokes.push(this.current);
    this.saved = false;
    this.setStatus('', '');
  };

  SignaturePad.prototype.onMove = function (e) {
    if (e.pointerId !== this.pointerId || !this.current) return;
    e.preventDefault();
    // Coalesced events carry the points the browser merged between frames: smoother curves.
    var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    if (!events.length) events = [e];
    var points = this.current;
    for (var i = 0; i < events.length; i++) {
      var p = this.pointFrom(events[i]);
      var last = points[points.length - 1];
      if (Math.abs(p.x - last.x) + Math.abs(p.y - last.y) < 0.75) continue;
      points.push(p);
      if (points.length >= 3) {
        prepareInk(this.ctx);
        drawSegment(this.ctx, points, points.length - 2);
      }
    }
  };

  SignaturePad.prototype.onUp = function (e) {
    if (e.pointerId !== this.pointerId || !this.current) return;
    prepareInk(this.ctx);
    drawTail(this.ctx, this.current);
    this.current = null;
    this.pointerId = null;
    this.updateButtons();
  };

  SignaturePad.prototype.isEmpty = function () {
    return this.strokes.length === 0;
  };

  SignaturePad.prototype.signerName = function () {
    return this.nameInput ? this.nameInput.value.trim() : '';
  };

  SignaturePad.prototype.updateButtons = function () {
    var nameNeeded = !!this.nameInput;
    if (this.saveButton) {
      this.saveButton.disabled = this.saving || this.saved || this.isEmpty() ||
        (nameNeeded && !this.signerName());
    }
    if (this.clearButton) this.clearButton.disabled = this.saving || this.isEmpty();
  };

  SignaturePad.prototype.setStatus = function (message, state) {
    if (!this.status) return;
    this.status.textContent = message;
    if (state) this.status.setAttribute('data-state', state);
    else this.status.removeAttribute('data-state');
  };

  SignaturePad.prototype.clear = function () {
    if (this.saving) return;
    this.strokes = [];
    this.current = null;
    this.pointerId = null;
    this.saved = false;
    this.redraw();
    this.setStatus('', '');
    this.updateButtons();
  };

  /* The PNG sent to the server: strokes redrawn on white, trimmed to their bounding box plus a
   * margin, at the screen's sharpness but never wider than MAX_OUTPUT_WIDTH. */
  SignaturePad.prototype.toDataURL = function () {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    this.strokes.forEach(function (points) {
      points.forEach(function (p) {
        minX = Math.min(minX, p.x - p.w); maxX = Math.max(maxX, p.x + p.w);
        minY = Math.min(minY, p.y - p.w); maxY = Math.max(maxY, p.y + p.w);
      });
    });
    var box = { x: minX - PADDING, y: minY - PADDING,
                w: maxX - minX + 2 * PADDING, h: maxY - minY + 2 * PADDING };
    // A dot or a short tick still gives an image the server accepts (≥ 50×20 px).
    if (box.w < MIN_OUTPUT_CSS[0]) { box.x -= (MIN_OUTPUT_CSS[0] - box.w) / 2; box.w = MIN_OUTPUT_CSS[0]; }
    if (box.h < MIN_OUTPUT_CSS[1]) { box.y -= (MIN_OUTPUT_CSS[1] - box.h) / 2; box.h = MIN_OUTPUT_CSS[1]; }
    var scale = Math.min(Math.max(this.size.ratio || 1, 1), MAX_OUTPUT_WIDTH / box.w, 4000 / box.h);
    var out = document.createElement('canvas');
    out.width = Math.min(MAX_OUTPUT_WIDTH, Math.ceil(box.w * scale));
    out.height = Math.ceil(box.h * scale);
    var ctx = out.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.setTransform(scale, 0, 0, scale, -box.x * scale, -box.y * scale);
    prepareInk(ctx);
    this.strokes.forEach(function (points) { drawStroke(ctx, points); });
    return out.toDataURL('image/png');
  };

  function dataURLToBlob(url) {
    var parts = url.split(',');
    var binary = atob(parts[1]);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Blob([bytes], { type: (/data:([^;]+)/.exec(parts[0]) || [])[1] || 'image/png' });
  }

  SignaturePad.prototype.save = function () {
    var self = this;
    if (this.saving || this.isEmpty()) return;
    if (this.nameInput && !this.signerName()) {
      this.setStatus(t('Please type the name of the person signing.'), 'error');
      this.nameInput.focus();
      return;
    }
    var body = JSON.stringify({ image: this.toDataURL(), signer_name: this.signerName() });
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, SAVE_TIMEOUT_MS) : null;
    this.saving = true;
    this.updateButtons();
    this.root.setAttribute('aria-busy', 'true');
    this.setStatus(t('Sending the signature…'), 'busy');

    fetch(this.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        'X-CSRFToken': csrfToken()
      },
      body: body,
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    }).then(function (result) {
      var data = result.data;
      if (result.ok && data && data.success !== false) {
        self.saved = true;
        self.setStatus(data.warning || t('Signature saved'), 'ok');
        if (data.url) {
          self.showSaved(data.url);
          // The stored image is the signature now: the drawing leaves the pad, which folds away.
          self.strokes = [];
          self.redraw();
          self.collapse();
        }
        self.root.dispatchEvent(new CustomEvent('signature:saved', { bubbles: true, detail: data }));
        // A record whose state changed with the signature (a quote confirmed) shows its new page.
        if (data.redirect && data.redirect.charAt(0) === '/' && data.redirect.charAt(1) !== '/') {
          window.location.assign(data.redirect);
        }
      } else {
        self.setStatus((data && data.error) || networkError(), 'error');
      }
    }, function () {
      // Offline or timed out: into the outbox (the image as a Blob), sent when the signal is
      // back; without an outbox the strokes stay, so the customer needn't sign again.
      var outbox = window.fieldkit && window.fieldkit.outbox;
      if (!outbox) { self.setStatus(networkError(), 'error'); return; }
      // The same cropped PNG as sent online, kept as a Blob (decoded here: the page's CSP
      // does not let fetch() read data: URLs).
      return Promise.resolve(dataURLToBlob(self.toDataURL())).then(function (blob) {
        return outbox.enqueue({ url: self.url, label: t('Signature'), json: { signer_name: self.signerName() },
                                blobs: { image: blob } });
      }).then(function () {
        self.saved = true;
        self.setStatus(t('No signal: the signature is kept on this phone and sent when the signal is back.'), 'ok');
      }, function () { self.setStatus(networkError(), 'error'); });
    }).then(function () {
      if (timer) clearTimeout(timer);
      self.saving = false;
      self.root.removeAttribute('aria-busy');
      self.updateButtons();
    });
  };

  /* The stored signature replaces the one shown above the pad (or a "can't be shown" note),
   * so the technician sees what the office will see without reloading the page. */
  SignaturePad.prototype.showSaved = function (url) {
    var section = this.root.parentNode;
    var image = section.querySelector('[data-signature-image]');
    if (!image) {
      image = document.createElement('img');
      image.setAttribute('data-signature-image', '');
      image.className = 'signature__img';
      image.alt = t('Customer signature');
      var placeholder = section.querySelector('[data-signature-missing]');
      if (placeholder) section.removeChild(placeholder);
      section.insertBefore(image, this.root);
    }
    image.src = url;
  };

  function enhance(root) {
    if (root.signaturePad || !root.querySelector('canvas')) return;
    if (!window.PointerEvent || !window.fetch) return;  // leave the fallback markup as it is
    root.signaturePad = new SignaturePad(root);
  }

  function init() {
    addDefaultStyles();
    Array.prototype.forEach.call(document.querySelectorAll('[data-signature-pad]'), enhance);
  }

  window.FieldkitSignaturePad = { enhance: enhance, init: init };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
