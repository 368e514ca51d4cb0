/* Drag and drop for every board: the jobs board (columns by stage), dispatch (lanes per
 * technician, a time on the day's timeline) and the CRM pipeline (columns by stage, each with
 * a card count and an expected-revenue sum). Progressive enhancement: every card also works
 * through its own "Move to…" form or link, which is what phones use.
 *
 * Markup: a root [data-board="stages"|"dispatch"|"crm"][data-move-url]; drop zones
 * [data-dropzone] with data-value (stage or person id, "" for the unassigned pool) and
 * data-zone-label (or aria-label); cards go into the zone's [data-cards] list, or the zone
 * itself. Cards [data-draggable][tabindex], named by data-label or their first link. A zone
 * may hold a [data-count] badge, a [data-sum] total of its cards' data-revenue and a
 * [data-empty] note, kept right as cards move. Tabs [data-stage-tab="<zone value>"] show one
 * zone at a time on phones. Announcements go to [data-announce]. A card's refusal shows in
 * its .plan-card__error, or in a banner above the board.
 *
 * Mouse and pen drag with pointer events (touch scrolls the page instead). Keyboard: Space or
 * Enter picks the focused card up, arrow keys choose a zone, Enter drops, Escape (or leaving
 * the card) puts it back; each step is announced. The move is posted with fetch, shown at
 * once; a refusal puts the card back where it was and says why.
 *
 * What differs per board is in KINDS: the form fields a move posts (and where), whether a
 * drop in the card's own zone counts (dispatch: a new time), where a card lands in a zone,
 * whether the keyboard carries the card along (and wraps round) or only marks the target.
 */
(function () {
  'use strict';
  var root = document.querySelector('[data-board]');
  if (!root || !window.fieldkit) { return; }
  var moveUrl = root.getAttribute('data-move-url');
  var SNAP_MINUTES = 15;
  var PICK_KEYS = [' ', 'Spacebar', 'Enter'];
  var t = window.fieldkit.t, nt = window.fieldkit.nt; // the page's words (app.js)

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  var SIDEWAYS_PX = 16;   // a drag that moves the card less than this sideways keeps its time

  /** Dispatch: the local start of a card dropped on a day. `x`: where the card's left edge
   * lies on a day timeline, snapped to 15 minutes; null (the keyboard, the week, a drag that
   * went up or down only): the card keeps its time, on the zone's day. */
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

  /* Each kind: fields(card, zone, x) gives the FormData of a move (null when the user backs
   * out of a question); url(card) where to post it (default data-move-url); sameZone: a drop
   * in the card's own zone is a move too; top: a moved card goes first in its zone; carry:
   * the arrow keys take the card along and wrap round; done(card, zone, data, before): what
   * the confirmation says after a move, and the FormData that undoes it. */
  var KINDS = {
    stages: {
      fields: function (card, zone) {
        var data = new FormData();
        data.append('job_id', card.getAttribute('data-id'));
        data.append('stage_id', zone.getAttribute('data-value'));
        var target = zone.getAttribute('data-kind');
        if (target === 'completed') {
          var resolution = window.prompt(t('Finishing %(job)s: what was done (the resolution)?', { job: cardName(card) }));
          if (resolution === null) { return null; }
          data.append('resolution', resolution);
        } else if (target === 'cancelled' && !window.confirm(t('Cancel %(job)s?', { job: cardName(card) }))) {
          return null;
        }
        return data;
      },
      carry: true
    },
    dispatch: {
      fields: function (card, zone, x) {
        var data = new FormData();
        data.append('job_id', card.getAttribute('data-id'));
        data.append('person_id', zone.getAttribute('data-value'));
        var start = startAt(zone, x, card);
        if (start) { data.append('start', start); }
        if (card.getAttribute('data-duration')) { data.append('duration', card.getAttribute('data-duration')); }
        return data;
      },
      sameZone: true,
      carry: true,
      // "FO045 → Wes Walker, 14:00", and how to put it back (not in planning mode, where the
      // draft itself is the undo).
      done: function (card, zone, data, before) {
        var start = data.get('start') || '';
        var text = (card.getAttribute('data-name') || cardName(card)) + ' \u2192 ' + (zone.getAttribute('data-zone-label') || zoneName(zone)) +
          (start ? ', ' + start.slice(11, 16) : '');
        if (root.hasAttribute('data-planning')) { return { text: t('%(move)s (draft)', { move: text }) }; }
        var back = new FormData();
        back.append('job_id', card.getAttribute('data-id'));
        back.append('person_id', before.zone.getAttribute('data-value'));
        if (before.start) { back.append('start', before.start); }
        if (before.duration) { back.append('duration', before.duration); }
        return { text: text, undo: back };
      }
    },
    crm: {
      fields: function (card, zone) {
        var data = new FormData();
        data.append('stage_id', zone.getAttribute('data-value'));
        return data;
      },
      // data-move-url is the route of lead 0 (".../crm/0/stage"): a board can hold 500 cards.
      url: function (card) { return moveUrl.replace('/0/', '/' + card.getAttribute('data-lead') + '/'); },
      top: true
    }
  };
  var kind = KINDS[root.getAttribute('data-board')];
  if (!kind) { return; }
  root.setAttribute('data-enhanced', '');

  function announce(text) {
    var live = document.querySelector('[data-announce]');
    if (!live) { return; }
    // Re-set the text so that the same message twice is announced twice.
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function zones() { return Array.prototype.slice.call(root.querySelectorAll('[data-dropzone]')); }
  function zoneOf(el) { return el && el.closest ? el.closest('[data-dropzone]') : null; }
  function zoneName(zone) { return zone.getAttribute('aria-label') || zone.getAttribute('data-zone-label') || t('there'); }
  function cardName(card) {
    var link = card.querySelector('a');
    return card.getAttribute('data-label') || (link && link.textContent.trim()) || t('The card');
  }
  function cardsIn(zone, except) {
    return Array.prototype.filter.call(zone.querySelectorAll('[data-draggable]'), function (c) { return c !== except; }).length;
  }
  function mark(zone) {
    Array.prototype.forEach.call(root.querySelectorAll('.is-over'), function (z) { z.classList.remove('is-over'); });
    if (zone) { zone.classList.add('is-over'); }
  }

  function place(card, zone) {
    var list = zone.querySelector('[data-cards]') || zone;
    list.insertBefore(card, kind.top ? list.firstChild : null);
  }
  function restore(card, origin) {
    origin.parent.insertBefore(card, origin.next && origin.next.parentNode === origin.parent ? origin.next : null);
  }

  /** A zone's count badge, revenue sum and "no cards" note after a card came (+1) or went (-1). */
  function tally(zone, delta, card) {
    var badge = zone.querySelector('[data-count]');
    if (badge) { badge.textContent = String(Math.max(0, parseInt(badge.textContent, 10) + delta)); }
    var sum = zone.querySelector('[data-sum]');
    if (sum) {
      var total = parseFloat(sum.getAttribute('data-sum')) + delta * (parseFloat(card.getAttribute('data-revenue')) || 0);
      sum.setAttribute('data-sum', String(total));
      sum.textContent = window.fieldkit.formatNumber(total, sum);
    }
    var empty = zone.querySelector('[data-empty]');
    if (empty) { empty.hidden = zone.querySelector('[data-draggable]') !== null; }
  }

  function showRefusal(card, message) {
    card.classList.add('is-refused');
    window.setTimeout(function () { card.classList.remove('is-refused'); }, 800);
    var box = card.querySelector('.plan-card__error');
    if (!box) {
      box = document.querySelector('[data-board-error]');
      if (!box) {
        box = document.createElement('p');
        box.className = 'banner banner--error';
        box.setAttribute('role', 'alert');
        box.setAttribute('data-board-error', '');
        root.parentNode.insertBefore(box, root);
      }
      message = t('Not moved: %(reason)s', { reason: message });
    }
    box.textContent = message;
    box.hidden = false;
  }

  /** Show the move at once, post it, and undo it with Odoo's reason when refused. */
  function move(card, zone, x, origin) {
    var from = zoneOf(origin.parent);
    if (zoneOf(card) !== zone) { place(card, zone); }
    var before = { zone: from, start: card.getAttribute('data-start'), duration: card.getAttribute('data-duration') };
    var data = kind.fields(card, zone, x);
    if (!data) { restore(card, origin); announce(t('Move cancelled.')); return; }
    tally(from, -1, card);
    tally(zone, +1, card);
    card.setAttribute('aria-busy', 'true');
    window.fieldkit.fetchJSON(kind.url ? kind.url(card) : moveUrl, { method: 'POST', body: data }).then(function (answer) {
      announce((answer && answer.message) || t('%(job)s moved to %(place)s.', { job: cardName(card), place: zoneName(zone) }));
      if (kind.done) { toast(kind.done(card, zone, data, before)); }
      document.dispatchEvent(new CustomEvent('fieldkit:refresh'));
    }, function (error) {
      restore(card, origin);
      tally(zone, -1, card);
      tally(from, +1, card);
      showRefusal(card, error.message);
      announce(t('Not moved: %(reason)s', { reason: error.message }));
    }).then(function () {
      card.removeAttribute('aria-busy');
      card.focus({ preventScroll: true });
    });
  }

  /** The confirmation of a drop ([data-move-toast]), with Undo when the move can be put back. */
  var toastTimer = null;
  function toast(what) {
    var box = document.querySelector('[data-move-toast]');
    if (!box || !what) { return; }
    box.querySelector('[data-move-text]').textContent = what.text;
    var undo = box.querySelector('[data-move-undo]');
    undo.hidden = !what.undo;
    undo.disabled = false;
    undo.onclick = what.undo ? function () {
      undo.disabled = true;
      window.fieldkit.fetchJSON(moveUrl, { method: 'POST', body: what.undo }).then(function (answer) {
        toast({ text: answer && answer.message ? t('Undone: %(what)s', { what: answer.message }) : t('Undone: the job is back.') });
        announce(t('Undone.'));
        document.dispatchEvent(new CustomEvent('fieldkit:refresh'));
      }, function (error) {
        toast({ text: t('Not undone: %(reason)s', { reason: error.message }) });
      });
    } : null;
    box.hidden = false;
    window.clearTimeout(toastTimer);
    // Long enough to read and reach Undo; hovering or focusing it keeps it.
    toastTimer = window.setTimeout(function hide() {
      if (box.matches(':hover, :focus-within')) { toastTimer = window.setTimeout(hide, 2000); return; }
      box.hidden = true;
    }, 10000);
  }

  // --- phones: one zone at a time, chosen from the tabs (links that work without JS too) ------
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[data-stage-tab]'));
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function (event) {
      event.preventDefault();
      var value = tab.getAttribute('data-stage-tab');
      tabs.forEach(function (t) {
        t.classList.toggle('is-current', t === tab);
        if (t === tab) { t.setAttribute('aria-current', 'true'); } else { t.removeAttribute('aria-current'); }
      });
      zones().forEach(function (z) { z.classList.toggle('is-current', z.getAttribute('data-value') === value); });
      window.history.replaceState(null, '', tab.href);
    });
  });
  /** A zone hidden behind its tab (a phone) is shown, so that a card dropped there stays in view. */
  function reveal(zone) {
    var tab = document.querySelector('[data-stage-tab="' + zone.getAttribute('data-value') + '"]');
    if (tab && tab.offsetParent !== null && zone.offsetParent === null) { tab.click(); }
  }

  // --- pointer (mouse, pen) ------------------------------------------------------------------
  var drag = null;
  // Links and images are natively draggable: the browser's own drag would cancel ours.
  root.addEventListener('dragstart', function (event) {
    if (event.target.closest && event.target.closest('[data-draggable]')) { event.preventDefault(); }
  });
  root.addEventListener('pointerdown', function (event) {
    var card = event.target.closest('[data-draggable][tabindex]');
    if (!card || (drag && drag.ghost) || event.pointerType === 'touch' || event.button !== 0) { return; }
    if (event.target.closest('input, select, textarea, button, label, summary, details[open]')) { return; }
    drag = { card: card, id: event.pointerId, x: event.clientX, y: event.clientY, ghost: null,
             origin: { parent: card.parentNode, next: card.nextSibling }, zone: null };
  });

  document.addEventListener('pointermove', function (event) {
    if (!drag || event.pointerId !== drag.id) { return; }
    if (!drag.ghost) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 6) { return; }
      var rect = drag.card.getBoundingClientRect();
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add('drag-ghost');
      drag.ghost.removeAttribute('tabindex');
      drag.ghost.setAttribute('aria-hidden', 'true');
      drag.ghost.style.width = rect.width + 'px';
      drag.dx = drag.x - rect.left;   // where the card was taken hold of
      drag.dy = drag.y - rect.top;
      document.body.appendChild(drag.ghost);
      drag.card.classList.add('is-dragging');
    }
    event.preventDefault();
    drag.clientX = event.clientX;
    drag.clientY = event.clientY;
    follow();
    autoScroll();
  });

  /** Where the dragged card would start: the x of its left edge, or null to keep its time. */
  function dropX(d) {
    return Math.abs(d.clientX - d.x) < SIDEWAYS_PX && d.card.getAttribute('data-start') ? null : d.clientX - d.dx;
  }

  /** Move the ghost to the pointer, mark the zone under it and show the time it would get. */
  function follow() {
    drag.ghost.style.transform = 'translate(' + (drag.clientX - drag.dx) + 'px,' + (drag.clientY - drag.dy) + 'px)';
    var zone = zoneOf(document.elementFromPoint(drag.clientX, drag.clientY));
    if (zone !== drag.zone) { mark(zone); drag.zone = zone; }
    var when = drag.ghost.querySelector('[data-when]');
    if (when && zone && zone.hasAttribute('data-day') && root.getAttribute('data-board') === 'dispatch') {
      var start = startAt(zone, dropX(drag), drag.card);
      if (start) {
        var end = new Date(Date.parse(start + ':00Z') + parseFloat(drag.card.getAttribute('data-duration') || '1') * 3600e3);
        when.textContent = start.slice(11, 16) + '\u2013' + end.toISOString().slice(11, 16);
      }
    } else if (when && zone && zone.getAttribute('data-value') === '') {
      when.textContent = t('Unassigned');
    }
  }

  /** Near the top or bottom of the window, a drag scrolls the page (lanes below the fold). */
  var EDGE_PX = 56;
  var scrolling = false;
  function autoScroll() {
    if (scrolling) { return; }
    scrolling = true;
    window.requestAnimationFrame(function step() {
      if (!drag || !drag.ghost) { scrolling = false; return; }
      var y = drag.clientY;
      var speed = y < EDGE_PX ? -Math.ceil((EDGE_PX - y) / 3) : y > window.innerHeight - EDGE_PX ? Math.ceil((y - window.innerHeight + EDGE_PX) / 3) : 0;
      if (!speed) { scrolling = false; return; }
      var before = window.scrollY;
      window.scrollBy(0, speed);
      if (window.scrollY === before) { scrolling = false; return; }
      follow();
      window.requestAnimationFrame(step);
    });
  }

  function endDrag(event, cancelled) {
    if (!drag || event.pointerId !== drag.id) { return; }
    var current = drag;
    drag = null;
    if (!current.ghost) { return; }
    current.ghost.remove();
    current.card.classList.remove('is-dragging');
    mark(null);
    // The click that ends a drag must not follow the card's link.
    var swallow = function (e) { e.preventDefault(); e.stopPropagation(); };
    current.card.addEventListener('click', swallow, true);
    window.setTimeout(function () { current.card.removeEventListener('click', swallow, true); }, 0);
    if (cancelled || !current.zone) { return; }
    if (current.zone === zoneOf(current.card) && !kind.sameZone) { return; }
    current.clientX = event.clientX;
    move(current.card, current.zone, dropX(current), current.origin);
  }
  document.addEventListener('pointerup', function (event) { endDrag(event, false); });
  document.addEventListener('pointercancel', function (event) { endDrag(event, true); });

  // --- keyboard -------------------------------------------------------------------------------
  var picked = null;   // { card, origin, home: its zone, target: the zone chosen }

  function choose(step) {
    var list = zones();
    var i = list.indexOf(picked.target) + step;
    var target = kind.carry ? list[(i + list.length) % list.length] : list[Math.min(Math.max(i, 0), list.length - 1)];
    picked.target = target;
    mark(target);
    if (kind.carry) {
      place(picked.card, target);
      picked.card.focus();
    }
    var n = cardsIn(target, picked.card);
    announce(target === picked.home ? t('%(place)s, where it is.', { place: zoneName(target) })
      : nt('%(place)s, %(num)d card.', '%(place)s, %(num)d cards.', n, { place: zoneName(target) }));
  }

  function finish(cancel) {
    var p = picked;
    picked = null;
    mark(null);
    p.card.removeAttribute('data-picked');
    p.card.removeAttribute('aria-grabbed');
    if (cancel || p.target === p.home) {
      restore(p.card, p.origin);
      p.card.focus();
      announce(cancel ? t('Move cancelled.') : t('%(job)s stays in %(place)s.', { job: cardName(p.card), place: zoneName(p.home) }));
      return;
    }
    reveal(p.target);
    move(p.card, p.target, null, p.origin);
    p.card.focus();
  }

  root.addEventListener('keydown', function (event) {
    var card = event.target.closest('[data-draggable][tabindex]');
    if (!card || event.target !== card) { return; }
    var key = event.key;
    if (!picked) {
      if (PICK_KEYS.indexOf(key) !== -1) {
        event.preventDefault();
        var home = zoneOf(card);
        picked = { card: card, origin: { parent: card.parentNode, next: card.nextSibling }, home: home, target: home };
        card.setAttribute('data-picked', '');
        card.setAttribute('aria-grabbed', 'true');
        announce(t('%(job)s picked up from %(place)s. Arrow keys choose where, Enter drops, Escape cancels.', { job: cardName(card), place: zoneName(home) }));
      }
      return;
    }
    if (picked.card !== card) { return; }
    if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'ArrowLeft' || key === 'ArrowUp') {
      event.preventDefault();
      choose(key === 'ArrowRight' || key === 'ArrowDown' ? 1 : -1);
    } else if (PICK_KEYS.indexOf(key) !== -1) {
      event.preventDefault();
      finish(false);
    } else if (key === 'Escape') {
      event.preventDefault();
      finish(true);
    }
  });
  // Leaving a picked-up card (Tab, a click elsewhere) cancels the move.
  root.addEventListener('focusout', function (event) {
    if (picked && event.target === picked.card) {
      window.setTimeout(function () { if (picked && document.activeElement !== picked.card) { finish(true); } }, 0);
    }
  });
}());
