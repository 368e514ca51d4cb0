/*
 * Video upload: enhances <form data-video-upload action="/api/sales/12/videos" data-max-bytes>
 * with its <input type="file">, <progress data-progress> and <p data-status>. The file is sent
 * as the raw request body (the server streams it to storage in chunks) with XMLHttpRequest,
 * whose upload events drive the progress bar; X-File-Name carries the name, X-CSRFToken the
 * token. Too-large files are refused before sending; the server checks the type by content.
 * With data-auto-upload (_media.html) choosing the video starts the upload (one tap; the form
 * gets .is-js, which hides the native input and the submit button).
 */
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // Fieldkit's words in the page's language (app.js's fieldkit.t/nt), looked up when used.
  function t(text, vars) { return window.fieldkit.t(text, vars); }

  function enhance(form) {
    var input = form.querySelector('input[type="file"]');
    var progress = form.querySelector('[data-progress]');
    var status = form.querySelector('[data-status]');
    var button = form.querySelector('button[type="submit"]');
    var max = parseInt(form.getAttribute('data-max-bytes') || '0', 10);

    function say(text, state) {
      status.textContent = text;
      if (state) status.setAttribute('data-state', state); else status.removeAttribute('data-state');
    }

    if (form.hasAttribute('data-auto-upload')) {
      form.classList.add('is-js');
      input.classList.add('visually-hidden');  // the label is the button
      input.addEventListener('change', function () {
        if (input.files && input.files.length && !button.disabled) {
          if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event('submit', { cancelable: true })); }
        }
      });
    }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var file = input.files && input.files[0];
      if (!file) { say(t('Please choose a video first.'), 'error'); return; }
      if (max && file.size > max) {
        say(t('This video is too large: videos can be up to %(num)d MB.', { num: Math.round(max / 1048576) }), 'error');
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-CSRFToken', csrfToken());
      xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name).slice(0, 200));
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', function (ev) {
        if (ev.lengthComputable) { progress.max = ev.total; progress.value = ev.loaded; }
        say(ev.lengthComputable ? t('Uploading… %(progress)s', { progress: Math.round(100 * ev.loaded / ev.total) + '%' })
          : t('Uploading…'), 'busy');
      });
      xhr.addEventListener('load', function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        button.disabled = false;
        if (xhr.status >= 200 && xhr.status < 300 && data && data.success) {
          say(data.message || t('Video added.'), 'ok');
          window.location.assign(data.redirect || window.location.href);
        } else {
          progress.hidden = true;
          say((data && data.error) || t('The video could not be uploaded (error %(status)s).', { status: xhr.status }), 'error');
        }
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        progress.hidden = true;
        say(t('Could not send the video: check your connection and try again.'), 'error');
      });
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      say(t('Uploading…'), 'busy');
      xhr.send(file);
    });
  }

  function init() {
    if (!window.XMLHttpRequest) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-video-upload]'), function (form) {
      if (!form.videoUpload) { form.videoUpload = true; enhance(form); }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
