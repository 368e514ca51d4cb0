/* The one combobox (ARIA 1.2 combobox + listbox) for every picker: parts on a job, products and
 * customers on quotes, any "type and pick". Markup: templates/_macros/combobox.html.
 *
 *   <div data-combobox="/api/...">               the suggestions URL: GET ?q= -> {results:
 *     <input role="combobox" data-combobox-input>   [{id, name, detail?}]}
 *     <input type="hidden" data-combobox-value>  the chosen id (cleared when the text changes,
 *     <ul role="listbox" data-combobox-list>        so the server matches the typed text, as
 *     <p data-combobox-status aria-live>            without JavaScript)
 *
 * Typing waits DEBOUNCE_MS, then asks once (one request per pause, never per key; the previous
 * request is aborted). Keyboard: Down/Up move (and open), Enter picks, Escape closes (then clears),
 * Tab leaves. Touch: tapping an option picks it (pointerdown keeps the focus in the field).
 * `data-combobox-empty` asks on focus with an empty field too (e.g. what the van holds).
 * The list is in the flow right under its own input, so it never covers it; opening scrolls
 * the page just enough to show it. Picking fires "combobox:select" (detail: the item).
 */
(function () {
  'use strict';
  if (!window.fetch) { return; }
  var DEBOUNCE_MS = 250;
  var TIMEOUT_MS = 8000;

  function Combobox(root) {
    this.root = root;
    this.url = root.getAttribute('data-combobox');
    this.min = parseInt(root.getAttribute('data-combobox-min') || '2', 10);
    this.askEmpty = root.hasAttribute('data-combobox-empty');
    this.input = root.querySelector('[data-combobox-input]');
    this.value = root.querySelector('[data-combobox-value]');
    this.list = root.querySelector('[data-combobox-list]');
    this.status = root.querySelector('[data-combobox-status]');
    this.items = [];
    this.active = -1;
    this.asked = null;
    this.timer = null;
    this.controller = null;
    var self = this;
    this.input.addEventListener('input', function () {
      if (self.value) { self.value.value = ''; }
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(); }, DEBOUNCE_MS);
    });
    this.input.addEventListener('focus', function () {
      if (self.askEmpty && !self.input.value.trim()) { self.search(); }
    });
    this.input.addEventListener('blur', function () { self.close(); });
    // Capture: runs before other keydown listeners on the field (scan.js submits on Enter).
    root.addEventListener('keydown', function (e) { self.key(e); }, true);
    this.list.addEventListener('pointerdown', function (e) { e.preventDefault(); });
    this.list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    this.list.addEventListener('click', function (e) {
      var option = e.target.closest('[role="option"]');
      if (option) { self.choose(Number(option.getAttribute('data-index'))); }
    });
  }

  Combobox.prototype.say = function (text) {
    if (this.status) { this.status.textContent = text; }
  };

  Combobox.prototype.key = function (e) {
    if (e.target !== this.input) { return; }
    var open = !this.list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        if (this.items.length) { this.open(); } else { this.search(true); }
        return;
      }
      var n = this.items.length;
      if (!n) { return; }
      var step = e.key === 'ArrowDown' ? 1 : -1;
      this.highlight(this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n);
    } else if (e.key === 'Enter' && open && this.active >= 0) {
      e.preventDefault();
      e.stopImmediatePropagation();
      this.choose(this.active);
    } else if (e.key === 'Escape') {
      if (open) { e.preventDefault(); this.close(); } else if (this.input.value) {
        e.preventDefault();
        this.input.value = '';
        if (this.value) { this.value.value = ''; }
      }
    } else if (e.key === 'Tab') {
      this.close();
    }
  };

  Combobox.prototype.search = function (force) {
    var q = this.input.value.trim();
    if (q.length < this.min && !(this.askEmpty && !q)) {
      this.items = [];
      this.close();
      return;
    }
    if (q === this.asked && !force) {
      if (this.items.length) { this.open(); }
      return;
    }
    this.asked = q;
    if (this.controller) { this.controller.abort(); }
    var controller = this.controller = window.AbortController ? new AbortController() : null;
    var timeout = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var self = this;
    this.root.setAttribute('aria-busy', 'true');
    fetch(this.url + (this.url.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(q), {
      credentials: 'same-origin', headers: { 'Accept': 'application/json' },
      signal: controller ? controller.signal : undefined
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (data) {
      self.show((data && data.results) || []);
    }).catch(function (err) {
      if (controller && controller !== self.controller) { return; } // replaced by a newer search
      self.asked = null;
      self.items = [];
      self.close();
      self.say(err && err.name === 'AbortError' || navigator.onLine === false
        ? fieldkit.t('No suggestions without a connection: type the name, reference or barcode.')
        : fieldkit.t('Suggestions are not available right now: type the name, reference or barcode.'));
    }).then(function () {
      if (timeout) { clearTimeout(timeout); }
      if (controller === self.controller) { self.root.removeAttribute('aria-busy'); }
    });
  };

  Combobox.prototype.show = function (results) {
    var self = this;
    this.items = results;
    this.list.textContent = '';
    this.list.setAttribute('data-query', this.asked || '');  // what these suggestions answer
    results.forEach(function (item, i) {
      var li = document.createElement('li');
      li.id = self.list.id + '-' + i;
      li.className = 'combobox__option';
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.setAttribute('data-index', String(i));
      var name = document.createElement('span');
      name.className = 'combobox__name';
      name.textContent = item.name;
      li.appendChild(name);
      if (item.detail) {
        var detail = document.createElement('span');
        detail.className = 'combobox__detail';
        detail.textContent = item.detail;
        li.appendChild(detail);
      }
      self.list.appendChild(li);
    });
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    if (!results.length) {
      this.close();
      this.say(this.input.value.trim() ? fieldkit.t('Nothing matches “%(text)s”.', { text: this.input.value.trim() }) : '');
      return;
    }
    this.say(fieldkit.nt('%(num)d suggestion.', '%(num)d suggestions.', results.length));
    if (document.activeElement === this.input) { this.open(); }
  };

  Combobox.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    // Under its own field, inside the viewport: scroll just enough (never over the field).
    var box = this.list.getBoundingClientRect();
    var field = this.input.getBoundingClientRect();
    var overflow = box.bottom - window.innerHeight;
    if (overflow > 0) { window.scrollBy(0, Math.min(overflow + 8, field.top - 8)); }
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  };

  Combobox.prototype.highlight = function (i) {
    var options = this.list.querySelectorAll('[role="option"]');
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute('aria-selected', 'false');
    }
    this.active = i;
    var option = options[i];
    option.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', option.id);
    if (option.scrollIntoView) { option.scrollIntoView({ block: 'nearest' }); }
  };

  Combobox.prototype.choose = function (i) {
    var item = this.items[i];
    if (!item) { return; }
    this.input.value = item.name;
    if (this.value) { this.value.value = item.id; }
    this.asked = item.name;
    this.close();
    this.say(fieldkit.t('Picked %(name)s.', { name: item.name }));
    this.input.dispatchEvent(new Event('change', { bubbles: true }));
    this.root.dispatchEvent(new CustomEvent('combobox:select', { bubbles: true, detail: item }));
  };

  function init(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll('[data-combobox]'), function (root) {
      if (!root.combobox) { root.combobox = new Combobox(root); }
    });
  }
  window.fieldkit = window.fieldkit || {};
  window.fieldkit.combobox = init;
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', function () { init(); }); }
  else { init(); }
}());
