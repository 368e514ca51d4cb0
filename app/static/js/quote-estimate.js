/* The quote form's running estimate (/sales/new and a draft's "Change lines"): each line shows
 * quantity × price as its product is picked, and the form a total, before Odoo computes the
 * quote. Prices come with the product suggestions (/api/sales/products: `price`, `currency`);
 * lines already on a draft carry Odoo's own net unit price (data-price). Everything is labelled
 * an estimate: Odoo applies the customer's price list and taxes when the lines are saved.
 *
 *   <div data-lines>                              the lines (templates/sales/_lines.html)
 *     <fieldset data-line data-price?>            one line: combobox, qty, [data-line-estimate]
 *   <strong data-quote-estimate data-symbol...>   the total, one short line over a fixed note
 *                                                 (its space is reserved: nothing shifts)
 */
(function () {
  'use strict';
  var fk = window.fieldkit || {};

  function number(text) {
    var n = parseFloat(String(text || '').replace(',', '.'));
    return isFinite(n) && n >= 0 ? n : null;
  }

  function setup(lines) {
    var form = lines.closest('form');
    var total = form && form.querySelector('[data-quote-estimate]');
    if (!total || !fk.formatNumber) { return; }
    var empty = total.textContent;

    function money(value) { return fk.formatNumber(value, total); }

    function useCurrency(c) {
      if (!c) { return; }
      total.setAttribute('data-symbol', c.symbol || '');
      total.setAttribute('data-position', c.position || 'after');
      total.setAttribute('data-digits', String(c.digits == null ? 2 : c.digits));
    }

    function update() {
      var sum = 0, priced = 0, unpriced = 0;
      Array.prototype.forEach.call(lines.querySelectorAll('[data-line]'), function (line) {
        var out = line.querySelector('[data-line-estimate]');
        var remove = line.querySelector('input[name$="-remove"]');
        var qtyField = line.querySelector('input[name$="-qty"]');
        var product = line.querySelector('[data-combobox-input]');
        var price = number(line.getAttribute('data-price'));
        var qty = number(qtyField && qtyField.value);
        var named = !product || product.value.trim() !== '';
        if ((remove && remove.checked) || !named) {
          if (out) { out.textContent = ''; }
          return;
        }
        if (price === null || qty === null) {
          unpriced += 1;
          var chosen = line.querySelector('[data-combobox-value]');
          if (out) { out.textContent = chosen && chosen.value ? '' : fk.t('Pick the product from the list to see its price.'); }
          return;
        }
        var amount = price * qty;
        sum += amount;
        priced += 1;
        if (out) {
          out.textContent = fk.t('%(qty)s × %(price)s = %(amount)s (estimate)',
            { qty: String(qty), price: money(price), amount: money(amount) });
        }
      });
      if (!priced) {
        total.textContent = empty;
      } else {
        total.textContent = unpriced ? fk.t('Estimate so far: %(total)s', { total: money(sum) })
          : fk.t('Estimate: %(total)s', { total: money(sum) });
      }
    }

    lines.addEventListener('combobox:select', function (e) {
      var line = e.target.closest('[data-line]');
      if (!line) { return; }
      var item = e.detail || {};
      if (typeof item.price === 'number') {
        line.setAttribute('data-price', String(item.price));
        useCurrency(item.currency);
      } else {
        line.removeAttribute('data-price');
      }
      update();
    });
    lines.addEventListener('input', function (e) {
      // A product typed over clears its price (the combobox clears the chosen id too).
      if (e.target.hasAttribute('data-combobox-input')) {
        var line = e.target.closest('[data-line]');
        if (line && !line.hasAttribute('data-line-kept')) { line.removeAttribute('data-price'); }
      }
      update();
    });
    lines.addEventListener('change', update);
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-lines]'), setup);
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); }
  else { init(); }
}());
