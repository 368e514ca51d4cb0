/*
 * Photo upload: enhances
 *   <form data-photo-upload method="post" action="/jobs/12/photos" enctype="multipart/form-data">
 *     <input type="file" name="photos" accept="image/*" multiple>
 *     <button type="submit">Upload</button>
 *     optional: <progress data-progress hidden></progress> <p data-status></p>
 *   </form>
 * On submit each photo is downscaled in the browser to at most MAX_SIDE px on its long side and
 * re-encoded as JPEG, so a 12-megapixel photo crosses a weak phone network as ~300 KB. Photos the
 * browser cannot decode (HEIC on most browsers) are sent as they are. The form then posts
 * through fetch with the X-CSRFToken header; without JavaScript it posts normally.
 *
 * One tap (form marked data-auto-upload, _media.html): choosing photos is the whole action. The
 * form gets .is-js (the label is the button, the native input and the submit button hide), the
 * thumbnails show at once in [data-previews] with each photo's state, and the upload starts by
 * itself (kept in the outbox when there is no signal, as before).
 */
(function () {
  'use strict';

  var MAX_SIDE = 1600;
  var JPEG_QUALITY = 0.82;
  // Fieldkit's words in the page's language (app.js's fieldkit.t/nt), looked up when used.
  function t(text, vars) { return window.fieldkit.t(text, vars); }
  function nt(one, many, n, vars) { return window.fieldkit.nt(one, many, n, vars); }
  function networkError() { return t('Could not send the photos: check your connection and try again'); }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  /* Decode with EXIF orientation applied, so portrait photos stay upright once the EXIF
   * block is gone. Resolves to {source, width, height, close} or rejects. */
  function decode(file) {
    if (window.createImageBitmap) {
      // Wrapped so that a browser throwing on the options object falls back too.
      return new Promise(function (resolve) {
        resolve(createImageBitmap(file, { imageOrientation: 'from-image' }));
      }).catch(function () {
        return createImageBitmap(file);
      }).then(function (bitmap) {
        return { source: bitmap, width: bitmap.width, height: bitmap.height,
                 close: function () { if (bitmap.close) bitmap.close(); } };
      }, function () { return decodeWithImage(file); });
    }
    return decodeWithImage(file);
  }

  function decodeWithImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        resolve({ source: img, width: img.naturalWidth, height: img.naturalHeight,
                  close: function () { URL.revokeObjectURL(url); } });
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error('undecodable')); };
      img.src = url;
    });
  }

  function jpegName(name) {
    var stem = (name || 'photo').replace(/\.[^./\\]*$/, '') || 'photo';
    return stem + '.jpg';
  }

  /* Resolves to {blob, name}: the downscaled JPEG, or the original file when the browser
   * can't decode it or re-encoding would not make it smaller. */
  function prepare(file) {
    var original = { blob: file, name: file.name };
    return decode(file).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      var ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';  // transparent PNGs would turn black in a JPEG
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(image.source, 0, 0, canvas.width, canvas.height);
      image.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) resolve(original);
          else resolve({ blob: blob, name: jpegName(file.name) });
        }, 'image/jpeg', JPEG_QUALITY);
      });
    }).catch(function () { return original; });
  }

  function PhotoUpload(form) {
    this.form = form;
    this.input = form.querySelector('input[type="file"]');
    this.progress = form.querySelector('[data-progress]');
    this.status = form.querySelector('[data-status]');
    this.busy = false;
    if (!this.progress) {
      this.progress = document.createElement('progress');
      this.progress.setAttribute('data-progress', '');
      this.progress.hidden = true;
      form.appendChild(this.progress);
    }
    if (!this.status) {
      this.status = document.createElement('p');
      this.status.setAttribute('data-status', '');
      form.appendChild(this.status);
    }
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    var self = this;
    form.addEventListener('submit', function (e) { self.onSubmit(e); });
    this.previews = form.querySelector('[data-previews]');
    if (form.hasAttribute('data-auto-upload') && this.input) {
      form.classList.add('is-js');
      this.input.classList.add('visually-hidden');  // the label is the button
      this.input.addEventListener('change', function () {
        if (!self.input.files || !self.input.files.length || self.busy) return;
        self.showPreviews(Array.prototype.slice.call(self.input.files));
        if (form.requestSubmit) form.requestSubmit();
        else self.onSubmit({ preventDefault: function () {} });
      });
    }
  }

  /* A thumbnail per chosen photo, shown before anything is sent. */
  PhotoUpload.prototype.showPreviews = function (files) {
    if (!this.previews) return;
    this.previews.textContent = '';
    files.forEach(function (file, i) {
      var li = document.createElement('li');
      li.className = 'media-preview';
      var img = document.createElement('img');
      img.className = 'media-grid__img';
      img.alt = t('New photo %(num)d', { num: i + 1 });
      img.src = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      var state = document.createElement('span');
      state.className = 'media-preview__state';
      state.setAttribute('data-preview-state', '');
      state.textContent = t('Waiting…');
      li.appendChild(img);
      li.appendChild(state);
      this.previews.appendChild(li);
    }, this);
    this.previews.hidden = false;
  };

  /* The state under one thumbnail (i) or all of them (i undefined). */
  PhotoUpload.prototype.mark = function (text, i) {
    if (!this.previews) return;
    var states = this.previews.querySelectorAll('[data-preview-state]');
    Array.prototype.forEach.call(states, function (state, n) {
      if (i === undefined || i === n) state.textContent = text;
    });
  };

  PhotoUpload.prototype.setStatus = function (message, state) {
    this.status.textContent = message;
    if (state) this.status.setAttribute('data-state', state);
    else this.status.removeAttribute('data-state');
  };

  PhotoUpload.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.form.setAttribute('aria-busy', busy ? 'true' : 'false');
    Array.prototype.forEach.call(this.form.querySelectorAll('button, input[type="submit"]'),
      function (button) { button.disabled = busy; });
    if (!busy) this.progress.hidden = true;
  };

  PhotoUpload.prototype.showProgress = function (done, total, message) {
    this.progress.hidden = false;
    if (total) {
      this.progress.max = total;
      this.progress.value = done;
    } else {
      this.progress.removeAttribute('value');  // indeterminate: fetch can't report upload bytes
    }
    this.setStatus(message, 'busy');
  };

  PhotoUpload.prototype.onSubmit = function (e) {
    var files = this.input && this.input.files ? Array.prototype.slice.call(this.input.files) : [];
    // Nothing chosen: let the server answer as it would without JavaScript.
    if (!files.length) return;
    e.preventDefault();
    if (this.busy) return;
    var self = this;
    var form = this.form;
    var fieldName = this.input.name || 'photos';
    var data;
    try {
      data = new FormData(form, e.submitter || undefined);
    } catch (err) {
      data = new FormData(form);  // browsers without the submitter argument
    }
    data.delete(fieldName);
    this.setBusy(true);

    var prepared = 0;
    this.showProgress(0, files.length, t('Preparing photo %(n)d of %(num)d…', { n: 1, num: files.length }));
    // One at a time: decoding several 12-megapixel photos at once can exhaust a phone's memory.
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      chain = chain.then(function () {
        self.mark(t('Preparing…'), i);
        return prepare(file);
      }).then(function (photo) {
        data.append(fieldName, photo.blob, photo.name);
        self.mark(t('Ready'), i);
        prepared += 1;
        if (prepared < files.length) {
          self.showProgress(prepared, files.length,
            t('Preparing photo %(n)d of %(num)d…', { n: prepared + 1, num: files.length }));
        }
      });
    });
    chain.then(function () {
      self.showProgress(0, 0, nt('Uploading the photo…', 'Uploading %(num)d photos…', files.length));
      self.mark(t('Uploading…'));
      return fetch(form.action || window.location.href, {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': csrfToken() },
        // Don't follow the redirect here: that GET would use up the confirmation flashed for
        // the page, which the browser then loads without it.
        redirect: 'manual'
      });
    }).then(function (response) {
      return self.finish(response);
    }).catch(function () {
      self.setBusy(false);
      var outbox = window.fieldkit && window.fieldkit.outbox;
      if (!outbox) { self.setStatus(networkError(), 'error'); self.mark(t('Not sent')); return; }
      // No signal: the downscaled photos wait in the outbox (as Blobs) and go later.
      var fields = [];
      data.forEach(function (value, name) {
        if (name === 'csrf_token') return;
        fields.push(value instanceof Blob ? [name, value, value.name || 'photo.jpg'] : [name, value]);
      });
      outbox.enqueue({ url: form.action || window.location.href, label: nt('Photo', '%(num)d photos', files.length), fields: fields, next: form.getAttribute('data-next') || '' })
        .then(function () {
          form.reset();
          self.mark(t('Kept on this phone'));
          self.setStatus(t('No signal: kept on this phone, sent when the signal is back.'), 'ok');
        }, function () { self.setStatus(networkError(), 'error'); self.mark(t('Not sent')); });
    });
  };

  PhotoUpload.prototype.finish = function (response) {
    var self = this;
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      this.mark(t('Added'));
      window.fieldkit.reloadAt(this.form.getAttribute('data-next') || window.location.href);
      return null;
    }
    var contentType = response.headers.get('Content-Type') || '';
    return response.text().then(function (text) {
      var message = errorMessage(text, contentType);
      if (response.ok && !message) {
        window.location.reload();
        return;
      }
      self.setBusy(false);
      self.mark(t('Not sent'));
      self.setStatus(message || (response.status === 413
        ? t('These photos are too large to send. Try fewer at a time.')
        : t('The photos could not be uploaded (error %(status)s). Please try again.', { status: response.status })),
      'error');
    });
  };

  /* The message for people in an answer: JSON {error}, or the error banner of an HTML page. */
  function errorMessage(text, contentType) {
    if (contentType.indexOf('json') !== -1) {
      try { return JSON.parse(text).error || ''; } catch (err) { return ''; }
    }
    if (contentType.indexOf('html') === -1 || !window.DOMParser) return '';
    var doc = new DOMParser().parseFromString(text, 'text/html');
    var banner = doc.querySelector('.banner--error, [role="alert"]');
    return banner ? banner.textContent.trim() : '';
  }

  function init() {
    if (!window.fetch || !window.FormData || !window.Promise) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-photo-upload]'), function (form) {
      if (!form.photoUpload) form.photoUpload = new PhotoUpload(form);
    });
  }

  window.FieldkitPhotoUpload = { init: init };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
