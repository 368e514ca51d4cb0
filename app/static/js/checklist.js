/* The job's checklist (templates/jobs/_checklist.html).
 * Activities (OCA fieldservice_activity): each tick is a small form sent through the outbox
 * (works offline); here a tick only shows at once that it is on its way.
 * The to-do checklist: ticks are kept on this device (localStorage, per user, job and list) and
 * go with "Finish job" as the field "checklist" (the indexes ticked), which the server writes
 * into the job's history as one note. */
(function () {
  'use strict';
  var section = document.querySelector('[data-checklist]');
  if (!section) { return; }

  if (section.getAttribute('data-checklist') === 'activities') {
    section.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form.matches || !form.matches('[data-step-form]')) { return; }
      var step = form.closest('.job-step');
      if (!step) { return; }
      var skipped = event.submitter && event.submitter.value === 'cancel';
      step.classList.add('is-pending');
      var state = step.querySelector('[data-step-state]');
      if (state) {
        state.textContent = skipped ? window.fieldkit.t('Skipped (sending…)') : window.fieldkit.t('Done (sending…)');
      }
    });
    return;
  }

  var boxes = Array.prototype.slice.call(section.querySelectorAll('[data-todo-step]'));
  var meta = document.querySelector('meta[name="fk-user"]');
  var names = boxes.map(function (box) { return box.parentNode.textContent.trim(); }).join('\n');
  var key = 'fk-checklist:' + (meta ? meta.getAttribute('content') : '') + ':' +
    section.getAttribute('data-checklist-job') + ':' + hash(names);

  function hash(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) { h = (h * 31 + text.charCodeAt(i)) | 0; }
    return (h >>> 0).toString(36);
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || '[]'); } catch (err) { return []; }
  }
  function ticked() {
    return boxes.filter(function (box) { return box.checked; })
      .map(function (box) { return box.getAttribute('data-todo-step'); });
  }
  function finishField() {
    var form = document.querySelector('form[action$="/finish"]');
    if (!form) { return null; }
    var field = form.querySelector('input[name="checklist"]');
    if (!field) {
      field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'checklist';
      form.appendChild(field);
    }
    return field;
  }
  function update() {
    var list = ticked();
    try { window.localStorage.setItem(key, JSON.stringify(list)); } catch (err) { /* private mode */ }
    var field = finishField();
    if (field) { field.value = list.join(','); }
    var badge = section.querySelector('[data-checklist-progress]');
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'badge';
      badge.setAttribute('data-checklist-progress', '');
      section.querySelector('.job-checklist__head').appendChild(badge);
    }
    badge.textContent = window.fieldkit.nt('%(num)d/%(total)d ticked', '%(num)d/%(total)d ticked', list.length,
      { total: boxes.length });
  }
  var saved = load();
  boxes.forEach(function (box) {
    box.checked = saved.indexOf(box.getAttribute('data-todo-step')) !== -1;
    box.addEventListener('change', update);
  });
  update();
})();
