/* Drag and drop for boards: the jobs board (columns by stage) and dispatch (lanes per
 * technician, a time on the day's timeline). Progressive enhancement: every card also works
 * through its own form or link, which is what phones use.
 *
 * Markup: a root [data-board="stages"|"dispatch"][data-move-url]; drop zones [data-dropzone]
 * with data-value (stage or person id, "" for the unassigned pool), data-zone-label, and on
 * dispatch data-day (+ data-span-start/-end on the day timeline); cards [data-draggable]
 * with data-id (and data-start, data-duration on dispatch).
 *
 * Mouse and pen drag with pointer events (touch scrolls the page instead). Keyboard: Space or
 * Enter picks the focused card up, arrow keys move it between zones, Enter drops it, Escape
 * puts it back; each step is announced in [data-announce]. The move is posted with fetch; a
 * refusal puts the card back where it was and shows why on the card.
 */
(function () {
  'use strict';
  var root = document.querySelector('[data-board]');
  if (!root || !window.fieldkit) { return; }
  var kind = root.getAttribute('data-board');
  var moveUrl = root.getAttribute('data-move-url');
  var SNAP_MINUTES = 15;
  var drag = null;     // pointer drag in progress

  /* The day timeline: the CSP allows no style attributes in the markup, so the positions travel
   * as data-left/data-width (percent of the day shown) and are set here through the CSSOM.
   * Without this script the cards simply stay in a list. */
  function layout() {
    var lanes = document.querySelector('.dispatch-lanes[data-hours]');
    if (!lanes) { return; }
    lanes.style.setProperty('--hours', lanes.getAttribute('data-hours'));
    Array.prototype.forEach.call(lanes.querySelectorAll('[data-left]'), function (card) {
      card.style.setProperty('--left', card.getAttribute('data-left') + '%');
      card.style.setProperty('--width', card.getAttribute('data-width') + '%');
    });
    lanes.classList.add('is-timeline');
  }
  layout();
  document.addEventListener('fieldkit:updated', layout);
  var picked = null;   // keyboard pick-up in progress

  function announce(text) {
    var live = document.querySelector('[data-announce]');
    if (!live) { return; }
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function zones() { return Array.prototype.slice.call(document.querySelectorAll('[data-dropzone]')); }
  function zoneOf(card) { return card.closest('[data-dropzone]'); }
  function zoneName(zone) { return zone.getAttribute('aria-label') || zone.getAttribute('data-zone-label') || 'there'; }
  function cardName(card) { return card.getAttribute('data-label') || 'The job'; }

  function showError(card, message) {
    var box = card.querySelector('.plan-card__error');
    if (box) { box.textContent = message; box.hidden = false; }
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** The local start for a drop at x on a day timeline, snapped to 15 minutes. */
  function startAt(zone, x, card) {
    var day = zone.getAttribute('data-day');
    var current = card.getAttribute('data-start') || '';
    var spanStart = parseFloat(zone.getAttribute('data-span-start'));
    var spanEnd = parseFloat(zone.getAttribute('data-span-end'));
    if (!day) { return current; }
    if (x === null || isNaN(spanStart)) {
      return current ? day + current.slice(10) : '';
    }
    var rect = zone.getBoundingClientRect();
    var ratio = Math.min(Math.max((x - rect.left) / rect.width, 0), 1);
    var minutes = Math.round((spanStart + ratio * (spanEnd - spanStart)) * 60 / SNAP_MINUTES) * SNAP_MINUTES;
    minutes = Math.min(minutes, 24 * 60 - SNAP_MINUTES);
    return day + 'T' + pad(Math.floor(minutes / 60)) + ':' + pad(minutes % 60);
  }

  /** The form fields of a move, or null when the user backs out of a question. */
  function moveFields(card, zone, x) {
    var data = new FormData();
    data.append('job_id', card.getAttribute('data-id'));
    if (kind === 'stages') {
      data.append('stage_id', zone.getAttribute('data-value'));
      var target = zone.getAttribute('data-kind');
      if (target === 'completed') {
        var resolution = window.prompt('Finishing ' + cardName(card) + ': what was done (the resolution)?');
        if (resolution === null) { return null; }
        data.append('resolution', resolution);
      } else if (target === 'cancelled' && !window.confirm('Cancel ' + cardName(card) + '?')) {
        return null;
      }
    } else {
      data.append('person_id', zone.getAttribute('data-value'));
      var start = startAt(zone, x, card);
      if (start) { data.append('start', start); }
      if (card.getAttribute('data-duration')) { data.append('duration', card.getAttribute('data-duration')); }
    }
    return data;
  }

  function restore(card, origin) {
    if (origin.next && origin.next.parentNode === origin.parent) {
      origin.parent.insertBefore(card, origin.next);
    } else {
      origin.parent.appendChild(card);
    }
  }

  function submitMove(card, zone, x, origin) {
    var data = moveFields(card, zone, x);
    if (!data) { restore(card, origin); announce('Move cancelled.'); return; }
    card.setAttribute('aria-busy', 'true');
    window.fieldkit.fetchJSON(moveUrl, { method: 'POST', body: data }).then(function (answer) {
      announce((answer && answer.message) || (cardName(card) + ' moved to ' + zoneName(zone) + '.'));
      document.dispatchEvent(new CustomEvent('fieldkit:refresh'));
    }, function (error) {
      restore(card, origin);
      showError(card, error.message);
      announce('Not moved: ' + error.message);
    }).then(function () { card.removeAttribute('aria-busy'); });
  }

  // --- pointer (mouse, pen) ------------------------------------------------------------------
  // Links and images are natively draggable: the browser's own drag would cancel ours.
  root.addEventListener('dragstart', function (event) {
    if (event.target.closest && event.target.closest('[data-draggable]')) { event.preventDefault(); }
  });
  root.addEventListener('pointerdown', function (event) {
    var card = event.target.closest('[data-draggable][tabindex]');
    if (!card || event.pointerType === 'touch' || event.button !== 0) { return; }
    if (event.target.closest('input, select, textarea, button, label')) { return; }
    drag = { card: card, x: event.clientX, y: event.clientY, started: false,
             origin: { parent: card.parentNode, next: card.nextSibling }, zone: null, ghost: null };
  });

  document.addEventListener('pointermove', function (event) {
    if (!drag) { return; }
    if (!drag.started) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 6) { return; }
      drag.started = true;
      var rect = drag.card.getBoundingClientRect();
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add('drag-ghost');
      drag.ghost.style.width = rect.width + 'px';
      drag.dx = event.clientX - rect.left;
      drag.dy = event.clientY - rect.top;
      document.body.appendChild(drag.ghost);
      drag.card.classList.add('is-dragging');
    }
    event.preventDefault();
    drag.ghost.style.transform = 'translate(' + (event.clientX - drag.dx) + 'px,' + (event.clientY - drag.dy) + 'px)';
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var zone = under && under.closest('[data-dropzone]');
    if (zone !== drag.zone) {
      if (drag.zone) { drag.zone.classList.remove('is-over'); }
      if (zone) { zone.classList.add('is-over'); }
      drag.zone = zone;
    }
  });

  function endDrag(event, cancelled) {
    if (!drag) { return; }
    var current = drag;
    drag = null;
    if (!current.started) { return; }
    current.ghost.remove();
    current.card.classList.remove('is-dragging');
    if (current.zone) { current.zone.classList.remove('is-over'); }
    // The click that ends a drag must not follow the card's link.
    document.addEventListener('click', function stop(e) { e.preventDefault(); e.stopPropagation(); }, { capture: true, once: true });
    window.setTimeout(function () { document.dispatchEvent(new Event('click')); }, 0);
    if (cancelled || !current.zone) { return; }
    var sameZone = current.zone === current.origin.parent;
    if (sameZone && kind === 'stages') { return; }
    current.zone.appendChild(current.card);
    submitMove(current.card, current.zone, event.clientX, current.origin);
  }
  document.addEventListener('pointerup', function (event) { endDrag(event, false); });
  document.addEventListener('pointercancel', function (event) { endDrag(event, true); });

  // --- keyboard -------------------------------------------------------------------------------
  root.addEventListener('keydown', function (event) {
    var card = event.target.closest('[data-draggable][tabindex]');
    if (!card || event.target !== card) { return; }
    var key = event.key;
    if (!picked) {
      if (key === ' ' || key === 'Enter') {
        event.preventDefault();
        picked = { card: card, origin: { parent: card.parentNode, next: card.nextSibling } };
        card.setAttribute('data-picked', '');
        card.setAttribute('aria-grabbed', 'true');
        announce(cardName(card) + ' picked up, in ' + zoneName(zoneOf(card)) + '. Arrow keys choose where, Enter drops, Escape cancels.');
      }
      return;
    }
    if (picked.card !== card) { return; }
    var list = zones();
    var index = list.indexOf(zoneOf(card));
    if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'ArrowLeft' || key === 'ArrowUp') {
      event.preventDefault();
      var step = (key === 'ArrowRight' || key === 'ArrowDown') ? 1 : -1;
      var target = list[(index + step + list.length) % list.length];
      target.appendChild(card);
      card.focus();
      announce(zoneName(target));
    } else if (key === 'Enter' || key === ' ') {
      event.preventDefault();
      var zone = zoneOf(card);
      var current = picked;
      picked = null;
      card.removeAttribute('data-picked');
      card.removeAttribute('aria-grabbed');
      card.focus();
      if (zone === current.origin.parent) { announce('Dropped where it was.'); return; }
      submitMove(card, zone, null, current.origin);
    } else if (key === 'Escape') {
      event.preventDefault();
      restore(card, picked.origin);
      picked = null;
      card.removeAttribute('data-picked');
      card.removeAttribute('aria-grabbed');
      card.focus();
      announce('Move cancelled.');
    }
  });
}());
