/*
 * Quote forms: search-as-you-type for customers and products, and spare product rows.
 *   <div data-autocomplete="/api/sales/products">
 *     <input data-autocomplete-text> <input type="hidden" data-autocomplete-id>
 *     <ul data-autocomplete-list hidden></ul>
 *   </div>
 * Typing waits DEBOUNCE_MS, then asks the URL (?q=) once: one Odoo RPC per pause, never per
 * key. Choosing a result fills the hidden id; typing again clears it, so the server matches the
 * text (as without JavaScript). Rows marked data-spare stay hidden until "Add another product".
 */
(function () {
  'use strict';

  var DEBOUNCE_MS = 300;
  var MIN_CHARS = 2;

  function Autocomplete(root) {
    this.url = root.getAttribute('data-autocomplete');
    this.text = root.querySelector('[data-autocomplete-text]');
    this.id = root.querySelector('[data-autocomplete-id]');
    this.list = root.querySelector('[data-autocomplete-list]');
    this.timer = null;
    this.controller = null;
    this.asked = '';
    var self = this;
    this.list.id = this.list.id || (this.text.id + '-results');
    this.text.setAttribute('aria-controls', this.list.id);
    this.text.setAttribute('aria-autocomplete', 'list');
    this.text.addEventListener('input', function () {
      self.id.value = '';
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(); }, DEBOUNCE_MS);
    });
    this.text.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') self.close();
      if (e.key === 'ArrowDown') {
        var first = self.list.querySelector('button');
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    document.addEventListener('click', function (e) {
      if (!root.contains(e.target)) self.close();
    });
  }

  Autocomplete.prototype.close = function () {
    this.list.hidden = true;
    this.list.textContent = '';
  };

  Autocomplete.prototype.search = function () {
    var q = this.text.value.trim();
    if (q.length < MIN_CHARS || q === this.asked) { if (q.length < MIN_CHARS) this.close(); return; }
    this.asked = q;
    if (this.controller) this.controller.abort();
    this.controller = window.AbortController ? new AbortController() : null;
    var self = this;
    fetch(this.url + '?q=' + encodeURIComponent(q), {
      credentials: 'same-origin', headers: { 'Accept': 'application/json' },
      signal: this.controller ? this.controller.signal : undefined
    }).then(function (r) { return r.json(); }).then(function (data) {
      self.show((data && data.results) || []);
    }).catch(function () { self.asked = ''; });
  };

  Autocomplete.prototype.show = function (results) {
    var self = this;
    this.list.textContent = '';
    if (!results.length) {
      var none = document.createElement('li');
      none.className = 'muted';
      none.textContent = 'Nothing found';
      this.list.appendChild(none);
    }
    results.forEach(function (item) {
      var li = document.createElement('li');
      var button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('role', 'option');
      button.textContent = item.name;
      button.addEventListener('click', function () {
        self.text.value = item.name;
        self.id.value = item.id;
        self.asked = item.name;
        self.close();
        self.text.dispatchEvent(new Event('change', { bubbles: true }));
      });
      li.appendChild(button);
      self.list.appendChild(li);
    });
    this.list.hidden = false;
  };

  function initSpares(container) {
    var spares = container.querySelectorAll('[data-spare]');
    var add = container.querySelector('[data-add-line]');
    if (!spares.length || !add) return;
    Array.prototype.forEach.call(spares, function (row) { row.classList.add('is-spare'); });
    add.hidden = false;
    add.addEventListener('click', function () {
      var next = container.querySelector('.is-spare');
      if (next) {
        next.classList.remove('is-spare');
        var input = next.querySelector('input[type="text"]');
        if (input) input.focus();
      }
      if (!container.querySelector('.is-spare')) add.hidden = true;
    });
  }

  function init() {
    if (!window.fetch) return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-autocomplete]'), function (root) {
      if (!root.autocomplete) root.autocomplete = new Autocomplete(root);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-lines]'), initSpares);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
