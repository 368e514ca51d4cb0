// The WCAG contrast of each visible text under `root`, with the opacity of its ancestors
// applied as the browser paints it: text and background both blended over what lies behind
// the faded element. Used by test_job_states_contrast.py through page.evaluate.
(root) => {
  const WHITE = { r: 255, g: 255, b: 255, a: 1 };
  const parse = (css) => {
    const m = css.match(/[\d.]+/g).map(Number);
    return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 };
  };
  const mix = (top, under, a) => ({
    r: top.r * a + under.r * (1 - a),
    g: top.g * a + under.g * (1 - a),
    b: top.b * a + under.b * (1 - a),
    a: 1,
  });
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const ancestors = (el) => {
    const out = [];
    for (let e = el; e; e = e.parentElement) out.push(e);
    return out;
  };
  const opacity = (el) => Number(getComputedStyle(el).opacity);

  function background(el) {
    let color = WHITE;
    for (const e of ancestors(el).reverse()) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) color = mix(c, color, c.a);
      if (opacity(e) < 1) color = mix(color, behind(e), opacity(e));
    }
    return color;
  }
  function behind(el) {
    return el.parentElement ? background(el.parentElement) : WHITE;
  }
  function textColor(el) {
    const own = parse(getComputedStyle(el).color);
    let color = mix(own, background(el), own.a);
    for (const e of ancestors(el)) {
      if (opacity(e) < 1) color = mix(color, behind(e), opacity(e));
    }
    return color;
  }

  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el.getClientRects().length) continue;
    out.push({ text: n.textContent.trim().slice(0, 40), ratio: ratio(textColor(el), background(el)) });
  }
  return out;
}
