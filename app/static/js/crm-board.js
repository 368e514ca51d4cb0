/* The CRM board: stage tabs on phones, drag and drop between columns on desktops.
   Progressive enhancement: without this file every card has a "Move to…" form that posts the
   same stage change. A move is shown at once and undone (with Odoo's reason) if refused. */
(function () {
  'use strict';
  var board = document.querySelector('[data-board]');
  if (!board || !window.fieldkit) { return; }
  var live = document.querySelector('[data-live]');
  var wide = window.matchMedia('(min-width: 1024px)');
  var moveUrl = board.getAttribute('data-move-url');  // .../crm/0/stage
  var columns = Array.prototype.slice.call(board.querySelectorAll('[data-col]'));
  board.setAttribute('data-enhanced', '');

  function say(text) {
    // Re-set the text so that the same message twice is announced twice.
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 30);
  }
  function colOf(el) { return el && el.closest ? el.closest('[data-col]') : null; }
  function colName(col) { return col.querySelector('.crm-col__name').textContent; }
  function cardName(card) { return card.querySelector('.crm-card__name').textContent; }
  var money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  function setCount(col, delta, revenue) {
    var badge = col.querySelector('[data-count]');
    badge.textContent = String(Math.max(0, parseInt(badge.textContent, 10) + delta));
    var sum = col.querySelector('[data-sum]');
    var total = parseFloat(sum.getAttribute('data-sum')) + delta * revenue;
    sum.setAttribute('data-sum', String(total));
    sum.textContent = money.format(total);
    var empty = col.querySelector('.crm-col__empty');
    if (empty) { empty.hidden = col.querySelector('.crm-card') !== null; }
  }
  function clearTargets() {
    columns.forEach(function (c) { c.classList.remove('is-target'); });
  }

  // --- phone: one column at a time, chosen from the tabs (links work without JS too)
  document.querySelectorAll('[data-stage-tab]').forEach(function (tab) {
    tab.addEventListener('click', function (event) {
      event.preventDefault();
      var id = tab.getAttribute('data-stage-tab');
      document.querySelectorAll('[data-stage-tab]').forEach(function (t) {
        var on = t === tab;
        t.classList.toggle('is-current', on);
        if (on) { t.setAttribute('aria-current', 'true'); } else { t.removeAttribute('aria-current'); }
      });
      columns.forEach(function (c) { c.classList.toggle('is-current', c.getAttribute('data-col') === id); });
      window.history.replaceState(null, '', tab.href);
    });
  });

  // --- the move itself: optimistic, undone when refused
  function move(card, target) {
    var from = colOf(card);
    if (!target || target === from) { return; }
    var list = target.querySelector('.crm-col__cards');
    var home = { parent: card.parentNode, next: card.nextSibling };
    list.insertBefore(card, list.firstChild);
    var revenue = parseFloat(card.getAttribute('data-revenue')) || 0;
    setCount(from, -1, revenue);
    setCount(target, +1, revenue);
    var body = new FormData();
    body.append('stage_id', target.getAttribute('data-col'));
    card.setAttribute('aria-busy', 'true');
    window.fieldkit.fetchJSON(moveUrl.replace('/0/', '/' + card.getAttribute('data-lead') + '/'),
      { method: 'POST', body: body })
      .then(function () {
        say(cardName(card) + ' moved to ' + colName(target) + '.');
      }, function (error) {
        home.parent.insertBefore(card, home.next);
        setCount(target, -1, revenue);
        setCount(from, +1, revenue);
        card.classList.add('is-refused');
        window.setTimeout(function () { card.classList.remove('is-refused'); }, 800);
        say('Not moved: ' + error.message);
        showError(error.message);
      })
      .then(function () { card.removeAttribute('aria-busy'); card.focus({ preventScroll: true }); });
  }
  function showError(message) {
    var banner = document.querySelector('[data-board-error]');
    if (!banner) {
      banner = document.createElement('p');
      banner.className = 'banner banner--error';
      banner.setAttribute('role', 'alert');
      banner.setAttribute('data-board-error', '');
      board.parentNode.insertBefore(banner, board);
    }
    banner.textContent = 'Not moved: ' + message;
  }

  // --- mouse, pen and touch on wide screens: pointer events
  var drag = null;
  var THRESHOLD = 6;
  board.addEventListener('pointerdown', function (event) {
    var card = event.target.closest('.crm-card');
    if (!card || !wide.matches || event.button !== 0 || drag) { return; }
    if (event.target.closest('button, input, select, textarea, summary, details[open]')) { return; }
    drag = { card: card, x: event.clientX, y: event.clientY, id: event.pointerId, ghost: null };
  });
  document.addEventListener('pointermove', function (event) {
    if (!drag || event.pointerId !== drag.id) { return; }
    if (!drag.ghost) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < THRESHOLD) { return; }
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add('crm-ghost');
      drag.ghost.removeAttribute('tabindex');
      drag.ghost.setAttribute('aria-hidden', 'true');
      document.body.appendChild(drag.ghost);
      drag.card.classList.add('is-dragging');
    }
    event.preventDefault();
    drag.ghost.style.left = (event.clientX + 8) + 'px';
    drag.ghost.style.top = (event.clientY + 8) + 'px';
    var over = colOf(document.elementFromPoint(event.clientX, event.clientY));
    clearTargets();
    if (over) { over.classList.add('is-target'); }
  });
  function endDrag(event, cancelled) {
    if (!drag || event.pointerId !== drag.id) { return; }
    var d = drag;
    drag = null;
    clearTargets();
    if (!d.ghost) { return; }
    d.ghost.remove();
    d.card.classList.remove('is-dragging');
    // The click that follows a drag must not open the card.
    var swallow = function (e) { e.preventDefault(); e.stopPropagation(); };
    d.card.addEventListener('click', swallow, true);
    window.setTimeout(function () { d.card.removeEventListener('click', swallow, true); }, 0);
    if (!cancelled) { move(d.card, colOf(document.elementFromPoint(event.clientX, event.clientY))); }
  }
  document.addEventListener('pointerup', function (event) { endDrag(event, false); });
  document.addEventListener('pointercancel', function (event) { endDrag(event, true); });
  board.addEventListener('dragstart', function (event) { if (wide.matches) { event.preventDefault(); } });

  // --- keyboard: Space picks a focused card up, arrows choose a column, Enter drops, Escape cancels
  var picked = null;
  function choose(col) {
    clearTargets();
    picked.target = col;
    col.classList.add('is-target');
    var n = col.querySelectorAll('.crm-card').length;
    say(colName(col) + (col === colOf(picked.card) ? ', its current stage' : ', ' + n + ' cards') + '.');
  }
  function drop(cancel) {
    var p = picked;
    picked = null;
    clearTargets();
    p.card.classList.remove('is-picked');
    p.card.removeAttribute('aria-grabbed');
    if (cancel || p.target === colOf(p.card)) {
      say(cancel ? 'Move cancelled.' : cardName(p.card) + ' stays in ' + colName(p.target) + '.');
      return;
    }
    if (!wide.matches) {
      // On a phone the target column may be hidden: show it so the card stays in view.
      var tab = document.querySelector('[data-stage-tab="' + p.target.getAttribute('data-col') + '"]');
      if (tab) { tab.click(); }
    }
    move(p.card, p.target);
  }
  board.addEventListener('keydown', function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains('crm-card')) { return; }
    var key = event.key;
    if (!picked) {
      if (key === ' ' || key === 'Spacebar') {
        event.preventDefault();
        picked = { card: card, target: colOf(card) };
        card.classList.add('is-picked');
        card.setAttribute('aria-grabbed', 'true');
        say(cardName(card) + ' picked up from ' + colName(colOf(card)) +
          '. Left and Right arrows choose a stage, Enter drops, Escape cancels.');
      }
      return;
    }
    if (picked.card !== card) { return; }
    var cols = columns;
    var i = cols.indexOf(picked.target);
    if (key === 'ArrowRight' || key === 'ArrowDown') {
      event.preventDefault();
      choose(cols[Math.min(cols.length - 1, i + 1)]);
    } else if (key === 'ArrowLeft' || key === 'ArrowUp') {
      event.preventDefault();
      choose(cols[Math.max(0, i - 1)]);
    } else if (key === 'Enter' || key === ' ' || key === 'Spacebar') {
      event.preventDefault();
      drop(false);
    } else if (key === 'Escape') {
      event.preventDefault();
      drop(true);
    }
  });
  board.addEventListener('focusout', function (event) {
    if (picked && event.target === picked.card && !picked.card.hasAttribute('aria-busy')) {
      window.setTimeout(function () { if (picked && document.activeElement !== picked.card) { drop(true); } }, 0);
    }
  });
})();
