/* The SMS sheet (templates/sms/_sheet.html): pick a number and a template, see characters and
 * segments as you type, send through POST /api/sms. Links marked data-sms-send send a template
 * in one tap ("On my way"). Without this script (or without <dialog>) every sms: link opens the
 * phone's own SMS app, as before. */
(function () {
  'use strict';
  var sheet = document.querySelector('[data-sms-sheet]');
  // (app.js, which defines fieldkit.fetchJSON, may run after this script: it is used lazily.)
  if (!sheet || typeof sheet.showModal !== 'function') { return; }
  var form = sheet.querySelector('[data-sms-form]');
  var message = form.elements.message;
  var template = form.elements.template;
  var minutes = form.elements.minutes;
  var counter = sheet.querySelector('[data-sms-counter]');
  var status = sheet.querySelector('[data-sms-status]');
  var sendButton = sheet.querySelector('[data-sms-send]');
  var maxSegments = parseInt(sheet.getAttribute('data-max-segments'), 10) || 10;

  // GSM 03.38 basic set and extension table (the latter counts twice), as the server counts.
  var GSM = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var GSM_EXT = '^{}\\[~]|€\f';

  function segments(text) {
    var units = 0, gsm = true, i;
    for (i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (GSM.indexOf(ch) >= 0) { units += 1; } else if (GSM_EXT.indexOf(ch) >= 0) { units += 2; } else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; } // UTF-16 code units: an emoji counts 2, as in UCS-2
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var count = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return { chars: Array.from(text).length, count: count, encoding: gsm ? 'GSM-7' : 'UCS-2' };
  }

  function updateCounter() {
    var s = segments(message.value.trim());
    var t = window.fieldkit.t, nt = window.fieldkit.nt;
    counter.textContent = nt('%(num)d character', '%(num)d characters', s.chars) + ' · ' +
      nt('%(num)d SMS', '%(num)d SMS', s.count) +
      (s.encoding === 'UCS-2' ? ' ' + t('(special characters: 70 per SMS)') : '');
    counter.classList.toggle('is-over', s.count > maxSegments);
    sendButton.disabled = s.count === 0 || s.count > maxSegments;
  }

  // The customer's visit page rides along with "On my way" (the counter counts it).
  var visitLink = sheet.getAttribute('data-link');
  function templateText(key, mins) {
    var option = template.querySelector('option[value="' + key + '"]');
    var text = option ? option.getAttribute('data-text').replace('{minutes}', mins || minutes.value) : '';
    return text && key === 'eta' && visitLink
      ? window.fieldkit.t('%(text)s Follow your visit: %(url)s', { text: text, url: visitLink }) : text;
  }

  function applyTemplate() {
    minutes.hidden = template.value !== 'eta';
    if (template.value !== 'free') { message.value = templateText(template.value); }
    updateCounter();
  }

  function showStatus(text, kind) {
    status.hidden = !text;
    status.textContent = text || '';
    status.className = 'sms-sheet__status' + (kind ? ' banner banner--' + kind : '');
  }

  function chosenNumber() {
    var checked = form.querySelector('input[name="number"]:checked');
    return checked ? checked.value : '';
  }

  // An Idempotency-Key (app/platform/idempotency.py) per text: sending the same text again after a lost
  // answer (no signal) returns the first answer instead of texting the customer twice. A new
  // key once the server has answered, or when the text or number changes.
  var attempt = { key: null, text: null, number: null };
  function idempotencyKey(text, number) {
    if (!attempt.key || attempt.text !== text || attempt.number !== number) {
      attempt = { key: 'sms-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12),
                  text: text, number: number };
    }
    return attempt.key;
  }

  function post(text) {
    var number = chosenNumber();
    return window.fieldkit.fetchJSON(sheet.getAttribute('data-api'), {
      method: 'POST',
      headers: { 'Idempotency-Key': idempotencyKey(text, number) },
      body: { target: sheet.getAttribute('data-target'), id: parseInt(sheet.getAttribute('data-id'), 10),
              number: number, message: text }
    }).then(function (data) {
      attempt.key = null;
      return data;
    }, function (error) {
      if (error.status !== 0) { attempt.key = null; } // answered: a new try is a new text
      throw error;
    });
  }

  function afterSent() {
    // Show the new message in the record's history (the page is server-rendered).
    var target = sheet.getAttribute('data-reload');
    if (window.location.pathname + window.location.search === target.split('#')[0]) {
      window.location.hash = 'history';
      window.location.reload();
    } else {
      window.location.assign(target);
    }
  }

  function open(key, mins, body) {
    showStatus('');
    template.value = key || 'free';
    if (mins) { minutes.value = String(mins); }
    applyTemplate();
    if (body && template.value === 'free') { message.value = body; updateCounter(); }
    sheet.showModal();
    message.focus();
  }

  function oneTap(link) {
    var text = templateText(link.getAttribute('data-sms-send'), link.getAttribute('data-minutes'));
    var note = link.parentNode.querySelector('[data-sms-tap-status]');
    if (!note) {
      note = document.createElement('p');
      note.setAttribute('data-sms-tap-status', '');
      note.setAttribute('role', 'status');
      link.insertAdjacentElement('afterend', note);
    }
    link.setAttribute('aria-busy', 'true');
    note.textContent = window.fieldkit.t('Sending…');
    post(text).then(function (data) {
      note.textContent = data.message || window.fieldkit.t('Text sent.');
      remember(note.textContent, 'success');
      afterSent();
    }, function (error) {
      link.removeAttribute('aria-busy');
      note.className = 'banner banner--error';
      note.textContent = error.message;
    });
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="sms:"]');
    if (!link || event.defaultPrevented) { return; }
    event.preventDefault();
    if (link.hasAttribute('data-sms-send')) { oneTap(link); return; }
    var body = '';
    var query = link.getAttribute('href').split('?body=')[1];
    if (query && !link.hasAttribute('data-sms-template')) { body = decodeURIComponent(query); }
    open(link.getAttribute('data-sms-template'), link.getAttribute('data-minutes'), body);
  });

  // "On my way" in one tap: move the job to its en-route stage (the same POST the form makes
  // without JavaScript), then text the customer the ETA through the API.
  var enroute = document.querySelector('form[data-sms-enroute]');
  if (enroute && window.fetch) {
    enroute.addEventListener('submit', function (event) {
      if (event.defaultPrevented) { return; }
      event.preventDefault();
      var mins = enroute.elements.eta ? enroute.elements.eta.value : '';
      var button = enroute.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); } // one tap, one text
      // redirect: 'manual': the PRG redirect means "done"; the page it leads to isn't needed.
      fetch(enroute.action, { method: 'POST', body: new FormData(enroute), credentials: 'same-origin', redirect: 'manual' })
        .then(function (response) {
          if (response.type !== 'opaqueredirect' && !response.ok) { throw new Error('stage'); }
          return post(templateText('eta', mins)).then(function (data) {
            remember(data.message || window.fieldkit.t('Text sent.'), 'success');
          }, function (error) {
            remember(error.message, 'error');
          }).then(function () { afterSent(); });
        })
        .catch(function () { enroute.submit(); }); // let the page show Odoo's refusal
    });
  }

  // The outcome of a one-tap text survives the reload that shows it in the history.
  var FLASH_KEY = 'fieldkit-sms-flash';
  function remember(text, kind) {
    try { window.sessionStorage.setItem(FLASH_KEY, JSON.stringify({ text: text, kind: kind })); } catch (e) { /* private mode */ }
  }
  try {
    var flash = JSON.parse(window.sessionStorage.getItem(FLASH_KEY) || 'null');
    window.sessionStorage.removeItem(FLASH_KEY);
    var main = document.getElementById('main');
    if (flash && main) {
      var banner = document.createElement('p');
      banner.className = 'banner banner--' + (flash.kind === 'error' ? 'error' : 'success');
      banner.setAttribute('role', flash.kind === 'error' ? 'alert' : 'status');
      banner.setAttribute('data-sms-flash', '');
      banner.textContent = flash.text;
      main.insertBefore(banner, main.firstChild);
    }
  } catch (e) { /* storage unavailable: nothing to show */ }

  template.addEventListener('change', applyTemplate);
  minutes.addEventListener('change', applyTemplate);
  message.addEventListener('input', function () {
    if (template.value !== 'free' && message.value !== templateText(template.value)) { template.value = 'free'; minutes.hidden = true; }
    updateCounter();
  });
  sheet.querySelector('[data-sms-close]').addEventListener('click', function () { sheet.close(); });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = message.value.trim();
    sendButton.disabled = true;
    showStatus(window.fieldkit.t('Sending…'));
    post(text).then(function (data) {
      showStatus(data.message || window.fieldkit.t('Text sent.'), 'success');
      afterSent();
    }, function (error) {
      // The typed message stays in the box: fix and send again. Odoo keeps a text it could not
      // deliver in the record's history: say so, with a way to see it.
      showStatus(error.message, 'error');
      if (error.data && error.data.logged) {
        var link = document.createElement('a');
        link.href = sheet.getAttribute('data-reload');
        link.textContent = ' ' + window.fieldkit.t('See the history');
        link.addEventListener('click', function (e) { e.preventDefault(); afterSent(); });
        status.appendChild(link);
      }
      updateCounter();
    });
  });
})();
