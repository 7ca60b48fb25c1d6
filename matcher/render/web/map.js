(function () {
'use strict';
var D = JSON.parse(document.getElementById('matcher-data').textContent);
var lang = D.lang;
var NS = 'http://www.w3.org/2000/svg';
// coverage classes and pair colours come from matcher.render.style, through the data block
var BINS = D.style.classes.map(function (c, i, all) {
  var lo = i === 0 ? -Infinity : all[i - 1].hi, hi = c.hi === null ? Infinity : c.hi;
  return {lo: lo, hi: hi, color: c.color, label: function () {
    if (i === 0) { return '< ' + pct(hi); }
    if (hi === Infinity) { return pct(1); }
    return pct(lo) + ' – < ' + pct(hi > 0.999 ? 1 : hi);  // the last class ends just below 100%
  }};
});
var NODATA = D.style.no_data;
document.documentElement.style.setProperty('--locked', D.style.locked);
document.documentElement.style.setProperty('--new', D.style['new']);

function $(id) { return document.getElementById(id); }
function t(key, vals) {
  var e = D.strings[key];
  var s = e ? (e[lang] !== undefined ? e[lang] : e.vi) : key;
  if (vals) {
    s = s.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vals, k) ? String(vals[k]) : m;
    });
  }
  return s;
}
// ---- numbers: the one rule of matcher.i18n (fmt_number, fmt_km, fmt_percent), ported --------
// (tests/test_numbers.py runs this block in node against the Python; figures of the data come
// preformatted from Python, these serve the scale bar, the legend and staff counts)
function fixed(x, dec) {
  // x >= 0 in fixed point with dec decimals, correctly rounded, ties to even (as Python's format)
  var s = x >= 1e21 ? BigInt(Math.round(x)).toString() + (dec ? '.' + '0'.repeat(dec) : '') : x.toFixed(dec);
  if (x < 1e21) {
    var long = x.toFixed(Math.min(100, dec + 25)), cut = long.indexOf('.') + (dec ? dec + 1 : 0);
    var rest = dec ? long.slice(cut) : long.slice(long.indexOf('.') + 1);
    var kept = dec ? long.slice(0, cut) : long.slice(0, long.indexOf('.'));
    if (/^50*$/.test(rest) && '02468'.indexOf(kept.charAt(kept.length - 1)) >= 0) { s = kept; }
  }
  return s;
}
function fmtNumber(x, dec, L) {
  L = L || lang;
  if (x === null || x === undefined || x !== x) { return '–'; }
  if (x === Infinity) { return '∞'; }
  if (x === -Infinity) { return '−∞'; }
  dec = Math.max(0, dec || 0);
  var s = fixed(Math.abs(x), dec), parts = s.split('.');
  var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, L === 'vi' ? '.' : ',');
  var out = whole + (parts.length > 1 ? (L === 'vi' ? ',' : '.') + parts[1] : '');
  var zero = /^[0.,]*$/.test(out);
  return (x < 0 && !zero ? '-' : '') + out;
}
function fmtKm(x, L) {
  if (x === null || x === undefined || x !== x) { return '–'; }
  var dec = (x === Infinity || x === -Infinity) ? 0 : (parseFloat(fixed(Math.abs(x), 1)) < 100 ? 1 : 0);
  return fmtNumber(x, dec, L) + ' ' + t('km');
}
function fmtPct(r, L) {
  if (r === null || r === undefined || r !== r) { return '–'; }
  var p = 100 * r, dec = 0;
  while (dec < 2 && p > 0 && p < 100 && ['0', '100', '100.0', '0.0'].indexOf(fmtNumber(p, dec, 'en')) >= 0) { dec++; }
  return fmtNumber(p, dec, L) + '%';
}
// ---- end of numbers
function txt(o) { return o ? (o[lang] !== undefined ? o[lang] : o.vi) : '–'; }
function nf(x, digits) { return fmtNumber(x, digits === undefined ? 0 : digits); }
function pct(r) { return r === null || r === undefined ? t('wm_no_data') : fmtPct(r); }
function km(x) { return fmtKm(x); }
function h(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  return e;
}
function s(tag, attrs) {
  var e = document.createElementNS(NS, tag);
  for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, String(attrs[k])); } }
  return e;
}
function binOf(r) {
  if (r === null || r === undefined) { return null; }
  for (var i = 0; i < BINS.length; i++) { if (r >= BINS[i].lo && r < BINS[i].hi) { return BINS[i]; } }
  return BINS[BINS.length - 1];
}
function colorOf(r) { var b = binOf(r); return b ? b.color : NODATA; }
function domainName(d) { return d[lang] || d.key; }
function roleName(role) {
  if (role === 'lowland') { return t('lowland'); }
  if (role === 'remote') { return t('remote'); }
  return t('wm_excluded');
}
function fold(x) {
  return String(x).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd').replace(/\u0110/g, 'D')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}

// ---- model -----------------------------------------------------------------------------
var units = D.units, byCode = {};
units.forEach(function (u) { byCode[u.code] = u; u.pairs = []; u.fold = fold(u.name); });
D.pairs.forEach(function (p) {
  if (byCode[p.l]) { byCode[p.l].pairs.push(p); }
  if (byCode[p.r]) { byCode[p.r].pairs.push(p); }
});
var hasPolys = D.polygons.length > 0;
var FLAGS = D.flags || [];  // issue 11: summary.json flags (none in an older result folder)
function flagsOf(code) { return FLAGS.filter(function (f) { return f.l === code || f.r === code; }); }

// ---- drawing ---------------------------------------------------------------------------
var root = document.body;
var svg = $('map'), world = $('world'), gPolys = $('polys'), gLines = $('lines'), gMarks = $('markers'),
  gLabels = $('labels'), selPoly = $('selpoly');
var polyOf = {};
var tip = $('tip');
D.polygons.forEach(function (p) {
  var u = byCode[p.code];
  var role = u ? (u.role === 'lowland' || u.role === 'remote' ? u.role : 'excluded') : 'other';
  var el = s('path', {d: p.d, 'class': 'poly role-' + role, 'fill-rule': 'evenodd'});
  if (role === 'remote') { el.setAttribute('fill', colorOf(D.remote[p.code] ? D.remote[p.code].ratio : null)); }
  if (u) { el.setAttribute('data-code', u.code); polyOf[u.code] = p.d; }
  gPolys.appendChild(el);
});
if (!hasPolys) { $('layer-boundaries').hidden = true; $('lowswatch').remove(); }

var lineEls = [];
D.pairs.forEach(function (p) {
  var a = byCode[p.l], b = byCode[p.r];
  if (!a || !b || a.x === null || b.x === null) { return; }
  var el = s('line', {'class': 'pair ' + (p.locked ? 'locked' : 'new')});
  gLines.appendChild(el);
  lineEls.push({el: el, a: a, b: b, p: p});
});

// markers: remote on top of lowland
var drawn = units.filter(function (u) { return u.x !== null && u.y !== null; });
var order = drawn.slice().sort(function (a, b) { return rank(a) - rank(b); });
function rank(u) { return u.role === 'remote' ? 2 : (u.role === 'lowland' ? 1 : 0); }
order.forEach(function (u) {
  var role = u.role === 'lowland' || u.role === 'remote' ? u.role : 'excluded';
  var r = role === 'remote' ? (hasPolys ? 5 : 7.5) : (role === 'lowland' ? 3.5 : 3);
  var el = s('circle', {r: r, 'class': 'mk mk-' + role + ' role-' + role, 'data-code': u.code});
  if (role === 'remote') { el.setAttribute('fill', colorOf(D.remote[u.code] ? D.remote[u.code].ratio : null)); }
  gMarks.appendChild(el);
  u.mark = el; u.r = r; u.vrole = role;
  if (flagsOf(u.code).length) { el.classList.add('flagged'); }  // a red ring: the unit or its pair is flagged
  var lab = s('text', {'class': 'label role-' + role});
  lab.textContent = u.name;
  gLabels.appendChild(lab);
  u.label = lab;
});

// ---- view state ------------------------------------------------------------------------
var V = {k: 1, tx: 0, ty: 0, fitK: 1, touched: false};
function size() { return {w: svg.clientWidth || 800, h: svg.clientHeight || 600}; }
function fit() {
  var z = size(), pad = 24;
  var k = Math.min((z.w - 2 * pad) / D.frame.w, (z.h - 2 * pad - 30) / D.frame.h);
  if (!(k > 0)) { k = 1; }
  V.k = V.fitK = k;
  V.tx = (z.w - k * D.frame.w) / 2;
  V.ty = (z.h - 30 - k * D.frame.h) / 2;
}
function scr(u) { return [V.tx + V.k * u.x, V.ty + V.k * u.y]; }
function zoomAt(sx, sy, f) {
  var nk = Math.max(V.fitK / 3, Math.min(V.fitK * 40, V.k * f));
  f = nk / V.k;
  V.tx = sx - (sx - V.tx) * f;
  V.ty = sy - (sy - V.ty) * f;
  V.k = nk;
  V.touched = true;
  schedule();
}
function centerOn(u, minZoom) {
  var z = size();
  tip.hidden = true;
  V.k = Math.max(V.k, V.fitK * minZoom);
  V.tx = z.w / 2 - V.k * u.x;
  V.ty = z.h / 2 - V.k * u.y;
  V.touched = true;
  schedule();
}
var pending = false;
function schedule() {
  if (pending) { return; }
  pending = true;
  window.requestAnimationFrame(function () { pending = false; render(); });
}
function render() {
  if (V.touched || selected) { $('hint').classList.add('done'); }
  world.setAttribute('transform', 'translate(' + V.tx + ' ' + V.ty + ') scale(' + V.k + ')');
  lineEls.forEach(function (L) {
    var a = scr(L.a), b = scr(L.b);
    L.el.setAttribute('x1', a[0]); L.el.setAttribute('y1', a[1]);
    L.el.setAttribute('x2', b[0]); L.el.setAttribute('y2', b[1]);
  });
  drawn.forEach(function (u) {
    var p = scr(u);
    u.mark.setAttribute('cx', p[0]); u.mark.setAttribute('cy', p[1]);
  });
  layoutLabels();
  drawScale();
}

// ---- labels ----------------------------------------------------------------------------
var layers = {remote: true, lowland: true, locked: true, 'new': true, boundaries: true, labels: true};
var selected = null;
function labelWidth(u) {
  if (u.lw === undefined || u.lw === 0) {
    u.label.classList.remove('off');
    u.label.setAttribute('x', -9999); u.label.setAttribute('y', -9999);
    try { u.lw = u.label.getComputedTextLength(); } catch (e) { u.lw = 0; }
    if (!u.lw) { u.lw = u.name.length * 7; }
  }
  return u.lw;
}
function overlaps(a, list) {
  for (var i = 0; i < list.length; i++) {
    var b = list[i];
    if (a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) { return true; }
  }
  return false;
}
function layoutLabels() {
  var z = size();
  var forced = {};
  if (selected) {
    forced[selected.code] = true;
    selected.pairs.forEach(function (p) { forced[p.l] = true; forced[p.r] = true; });
  }
  var showLow = V.k >= V.fitK * D.frame.low_label_zoom;
  var placed = [];
  var vis = function (u) { return u.vrole === 'remote' ? layers.remote : layers.lowland; };
  // remote markers are obstacles for every label
  drawn.forEach(function (u) {
    if (u.vrole === 'remote' && layers.remote) {
      var p = scr(u);
      placed.push([p[0] - u.r, p[1] - u.r, 2 * u.r, 2 * u.r]);
    }
  });
  var todo = drawn.slice().sort(function (a, b) {
    var fa = forced[a.code] ? 1 : 0, fb = forced[b.code] ? 1 : 0;
    if (fa !== fb) { return fb - fa; }
    return rank(b) - rank(a);
  });
  todo.forEach(function (u) {
    var L = u.label;
    L.classList.toggle('sel', !!(selected && selected.code === u.code));
    var want = layers.labels && vis(u) && (forced[u.code] || u.vrole === 'remote' || showLow);
    var p = scr(u);
    if (!want || p[0] < -200 || p[1] < -50 || p[0] > z.w + 200 || p[1] > z.h + 50) { L.classList.add('off'); return; }
    var w = labelWidth(u), hgt = u.vrole === 'remote' ? 15 : 13, r = u.r + 3;
    var cands = [
      [p[0] + r, p[1] + hgt * 0.35, 'start', [p[0] + r, p[1] - hgt / 2, w, hgt]],
      [p[0] - r, p[1] + hgt * 0.35, 'end', [p[0] - r - w, p[1] - hgt / 2, w, hgt]],
      [p[0], p[1] - r - 2, 'middle', [p[0] - w / 2, p[1] - r - hgt, w, hgt]],
      [p[0], p[1] + r + hgt - 2, 'middle', [p[0] - w / 2, p[1] + r, w, hgt]]
    ];
    var pick = null;
    for (var i = 0; i < cands.length; i++) { if (!overlaps(cands[i][3], placed)) { pick = cands[i]; break; } }
    if (!pick && forced[u.code]) { pick = cands[0]; }
    if (!pick) { L.classList.add('off'); return; }
    L.classList.remove('off');
    L.setAttribute('x', pick[0]); L.setAttribute('y', pick[1]); L.setAttribute('text-anchor', pick[2]);
    placed.push(pick[3]);
  });
}

// ---- scale bar -------------------------------------------------------------------------
function drawScale() {
  var mPerPx = D.frame.unit_m / V.k;
  var target = 120 * mPerPx, pow = Math.pow(10, Math.floor(Math.log10(target))), len = pow;
  [1, 2, 5, 10].forEach(function (m) { if (m * pow <= target) { len = m * pow; } });
  $('scalebar').style.width = (len / mPerPx) + 'px';
  // a scale bar is a round length: no decimal (the same as the static maps)
  $('scaletext').textContent = len >= 1000 ? fmtNumber(len / 1000, 0) + ' ' + t('km') : fmtNumber(len, 0) + ' m';
}

// ---- selection and details panel -------------------------------------------------------
function select(code, center) {
  var u = byCode[code];
  if (!u) { return; }
  if (selected && selected.mark) { selected.mark.classList.remove('sel'); }
  selected = u;
  if (u.mark) { u.mark.classList.add('sel'); }
  root.classList.add('has-sel');
  lineEls.forEach(function (L) { L.el.classList.toggle('hl', L.a === u || L.b === u); });
  selPoly.setAttribute('d', polyOf[u.code] || '');
  if (center && u.mark) {
    centerOn(u, 3);
    u.mark.classList.remove('found');
    void u.mark.getBoundingClientRect();
    u.mark.classList.add('found');
  } else { schedule(); }
  fillPanel();
}
function unselect() {
  if (selected && selected.mark) { selected.mark.classList.remove('sel'); }
  selected = null;
  root.classList.remove('has-sel');
  lineEls.forEach(function (L) { L.el.classList.remove('hl'); });
  selPoly.setAttribute('d', '');
  $('panel').hidden = true;
  schedule();
}
function row(cells, cls) {
  var tr = h('tr', cls);
  cells.forEach(function (c) {
    var td = h('td');
    if (c && c.nodeType) { td.appendChild(c); }
    else { td.textContent = c === null || c === undefined ? '–' : String(c); }
    tr.appendChild(td);
  });
  return tr;
}
function table(heads, rows) {
  var tb = h('table'), thead = h('thead'), tr = h('tr');
  heads.forEach(function (x) { tr.appendChild(h('th', null, x)); });
  thead.appendChild(tr); tb.appendChild(thead);
  var body = h('tbody');
  rows.forEach(function (r) { body.appendChild(r); });
  tb.appendChild(body);
  return tb;
}
function sum(a) {
  var x = 0, any = false;
  a.forEach(function (v) { if (v !== null && v !== undefined) { x += v; any = true; } });
  return any ? x : null;
}
function fillPanel() {
  var u = selected, body = $('panelbody');
  if (!u) { return; }
  body.textContent = '';
  body.appendChild(h('h2', null, u.name));
  body.appendChild(h('div', 'meta', t('code') + ': ' + u.code + ' · ' + roleName(u.role)));
  var rem = D.remote[u.code];
  if (u.role === 'remote') {
    var cov = h('div', 'cov');
    var sw = h('span', 'sw'); sw.style.cssText = 'display:inline-block;width:16px;height:12px;border:1px solid #555';
    sw.style.background = colorOf(rem ? rem.ratio : null);
    cov.appendChild(sw);
    cov.appendChild(h('span', null, t('coverage') + ': ' + (rem && rem.ratio_text ? txt(rem.ratio_text) :
      pct(rem ? rem.ratio : null))));
    body.appendChild(cov);
  }
  if (u.role === 'lowland' || u.role === 'remote') {
    body.appendChild(h('h3', null, t('partners')));
    if (!u.pairs.length) { body.appendChild(h('p', 'note', t('wm_no_partner'))); } else {
      var rows = u.pairs.slice().sort(function (a, b) { return (a.km || 0) - (b.km || 0); }).map(function (p) {
        var other = p.l === u.code ? p.r : p.l;
        var name = byCode[other] ? byCode[other].name : (p.l === u.code ? p.rn : p.ln);
        var btn = h('button', 'link', name);
        btn.type = 'button';
        btn.addEventListener('click', function () { select(other, true); });
        var kind = h('span', 'kind ' + (p.locked ? 'locked' : 'new'), t(p.locked ? 'kind_locked' : 'kind_new'));
        return row([btn, p.km_text ? txt(p.km_text) : km(p.km), kind]);
      });
      body.appendChild(table([t('name'), t('distance'), t('pair_kind')], rows));
      var whys = u.pairs.filter(function (p) { return p.why && p.why[lang]; });
      if (whys.length) {
        body.appendChild(h('h3', null, t('why')));
        var ul = h('ul', 'plain');
        whys.forEach(function (p) {
          var other = p.l === u.code ? p.r : p.l;
          var name = byCode[other] ? byCode[other].name : other;
          ul.appendChild(h('li', null, name + ': ' + p.why[lang]));
        });
        body.appendChild(ul);
      }
      var alts = u.pairs.filter(function (p) { return p.alt && p.alt[lang]; });
      if (alts.length) {  // issue 11: the runner-up of each pair and what taking it would cost
        body.appendChild(h('h3', null, t('wm_alt')));
        var ul2 = h('ul', 'plain');
        alts.forEach(function (p) { ul2.appendChild(h('li', null, p.alt[lang])); });
        body.appendChild(ul2);
      }
    }
  }
  var mine = flagsOf(u.code);
  if (mine.length) {  // issue 11: the flags of this unit and its pairs
    body.appendChild(h('h3', 'flagged', t('flag_title')));
    var ul3 = h('ul', 'plain flags');
    mine.forEach(function (f) { ul3.appendChild(h('li', null, txt(f.text))); });
    body.appendChild(ul3);
  }
  if (u.role === 'remote' && rem) {
    body.appendChild(h('h3', null, t('need')));
    var rows2 = D.domains.map(function (d, i) {
      var r = row([domainName(d), nf(rem.need[i]), nf(rem.covered[i]), nf(rem.uncovered[i])]);
      if (rem.uncovered[i] > 0) { r.lastChild.className = 'bad'; }
      return r;
    });
    var tot = row([t('wm_total'), nf(sum(rem.need)), nf(sum(rem.covered)), nf(sum(rem.uncovered))], 'total');
    if (sum(rem.uncovered) > 0) { tot.lastChild.className = 'bad'; }
    rows2.push(tot);
    body.appendChild(table([t('domain'), t('need'), t('covered'), t('uncovered')], rows2));
  } else if (u.role === 'lowland') {
    body.appendChild(h('h3', null, t('staff')));
    var staff = D.domains.map(function (d, i) { return sum(u.pairs.map(function (p) { return p.staff[i]; })); });
    var supply = u.supply || D.domains.map(function () { return null; });
    var rows3 = D.domains.map(function (d, i) { return row([domainName(d), nf(supply[i]), nf(staff[i])]); });
    rows3.push(row([t('wm_total'), nf(sum(supply)), nf(sum(staff))], 'total'));
    body.appendChild(table([t('domain'), t('wm_available'), t('staff')], rows3));
  } else if (u.role !== 'remote') {
    body.appendChild(h('p', 'note', t('wm_excluded')));
  }
  $('panel').hidden = false;
}
$('close').addEventListener('click', unselect);

// ---- pointer: pan, zoom, click, hover ----------------------------------------------------
var drag = null;
function codeAt(target) {
  var el = target && target.closest ? target.closest('[data-code]') : null;
  return el ? el.getAttribute('data-code') : null;
}
function local(e) { var b = svg.getBoundingClientRect(); return [e.clientX - b.left, e.clientY - b.top]; }
svg.addEventListener('wheel', function (e) {
  e.preventDefault();
  var p = local(e), dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
  tip.hidden = true;
  zoomAt(p[0], p[1], Math.exp(-dy * 0.0015));
}, {passive: false});
svg.addEventListener('pointerdown', function (e) {
  if (e.button !== 0) { return; }
  drag = {x: e.clientX, y: e.clientY, tx: V.tx, ty: V.ty, moved: false, id: e.pointerId, code: codeAt(e.target)};
});
svg.addEventListener('pointermove', function (e) {
  if (drag && e.pointerId === drag.id) {
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) {
      drag.moved = true;
      try { svg.setPointerCapture(e.pointerId); } catch (err) { /* pointer already gone */ }
      svg.classList.add('dragging');
      tip.hidden = true;
    }
    if (drag.moved) { V.tx = drag.tx + dx; V.ty = drag.ty + dy; V.touched = true; schedule(); }
    return;
  }
  var code = codeAt(e.target), u = code && byCode[code];
  if (!u) { tip.hidden = true; return; }
  var p = local(e);
  tip.textContent = u.name;
  tip.hidden = false;
  tip.style.left = (p[0] + 14) + 'px';
  tip.style.top = (p[1] + 12) + 'px';
});
svg.addEventListener('pointerleave', function () { tip.hidden = true; });
function endDrag(e) {
  if (!drag || e.pointerId !== drag.id) { return; }
  if (!drag.moved && e.type === 'pointerup') {
    if (drag.code) { select(drag.code, false); } else { unselect(); }
  }
  drag = null;
  svg.classList.remove('dragging');
}
svg.addEventListener('pointerup', endDrag);
svg.addEventListener('pointercancel', endDrag);
$('zin').addEventListener('click', function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 1.5); });
$('zout').addEventListener('click', function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 1 / 1.5); });
$('zreset').addEventListener('click', function () { fit(); V.touched = false; schedule(); });
document.addEventListener('keydown', function (e) {
  var tag = e.target && e.target.tagName;
  if (tag === 'INPUT') { return; }
  var z = size();
  if (e.key === '+' || e.key === '=') { zoomAt(z.w / 2, z.h / 2, 1.5); }
  else if (e.key === '-' || e.key === '_') { zoomAt(z.w / 2, z.h / 2, 1 / 1.5); }
  else if (e.key === 'Escape') { unselect(); }
});
window.addEventListener('resize', function () { if (!V.touched) { fit(); } schedule(); });

// ---- layers ----------------------------------------------------------------------------
Array.prototype.forEach.call(document.querySelectorAll('input[data-layer]'), function (cb) {
  cb.addEventListener('change', function () {
    var name = cb.getAttribute('data-layer');
    layers[name] = cb.checked;
    root.classList.toggle('hide-' + name, !cb.checked);
    schedule();
  });
});

// ---- search ----------------------------------------------------------------------------
var q = $('q'), results = $('results'), hits = [], active = 0;
function searchUnits(text) {
  var f = fold(text);
  if (!f) { return []; }
  var out = units.filter(function (u) { return u.fold.indexOf(f) >= 0 || u.code.indexOf(f) === 0; });
  out.sort(function (a, b) {
    var sa = a.fold.indexOf(f) === 0 ? 0 : 1, sb = b.fold.indexOf(f) === 0 ? 0 : 1;
    if (sa !== sb) { return sa - sb; }
    if (rank(a) !== rank(b)) { return rank(b) - rank(a); }
    return a.name.localeCompare(b.name, 'vi');
  });
  return out.slice(0, 12);
}
function showResults() {
  hits = searchUnits(q.value);
  results.textContent = '';
  if (!q.value.trim()) { results.hidden = true; return; }
  if (!hits.length) { results.appendChild(h('li', 'none', t('wm_no_match'))); }
  hits.forEach(function (u, i) {
    var li = h('li'), b = h('button', i === active ? 'active' : '');
    b.type = 'button';
    b.setAttribute('data-code', u.code);
    b.appendChild(h('span', null, u.name));
    b.appendChild(h('span', 'role', roleName(u.role)));
    b.addEventListener('click', function () { choose(u); });
    li.appendChild(b);
    results.appendChild(li);
  });
  results.hidden = false;
}
function choose(u) {
  results.hidden = true;
  q.value = u.name;
  select(u.code, true);
}
q.addEventListener('input', function () { active = 0; showResults(); });
q.addEventListener('focus', function () { if (q.value.trim()) { showResults(); } });
q.addEventListener('keydown', function (e) {
  if (e.key === 'Enter') { e.preventDefault(); if (hits.length) { choose(hits[Math.min(active, hits.length - 1)]); } }
  else if (e.key === 'ArrowDown') {
    e.preventDefault(); active = Math.min(active + 1, Math.max(hits.length - 1, 0)); showResults();
  }
  else if (e.key === 'ArrowUp') { e.preventDefault(); active = Math.max(active - 1, 0); showResults(); }
  else if (e.key === 'Escape') { results.hidden = true; }
});
document.addEventListener('pointerdown', function (e) {
  if (!e.target.closest || !e.target.closest('.search')) { results.hidden = true; }
});

// ---- language --------------------------------------------------------------------------
function applyLang(l) {
  lang = l;
  document.documentElement.lang = l;
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (e) {
    e.textContent = t(e.getAttribute('data-i18n'));
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-placeholder]'), function (e) {
    e.setAttribute('placeholder', t(e.getAttribute('data-i18n-placeholder')));
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-label]'), function (e) {
    var v = t(e.getAttribute('data-i18n-label'));
    e.setAttribute('aria-label', v); e.setAttribute('title', v);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
    b.setAttribute('aria-pressed', b.getAttribute('data-lang') === l ? 'true' : 'false');
  });
  var m = D.meta;
  var sub = [];
  if (m.scenario) { sub.push(t('scenario', {name: m.scenario})); }
  if (m.created) { sub.push(t('date', {date: m.created})); }
  $('subtitle').textContent = sub.join(' · ');
  document.title = t('title') + (m.scenario ? ' — ' + m.scenario : '');
  svg.setAttribute('aria-label', t('title'));
  $('northlabel').textContent = t('north');
  // legend
  var bins = $('bins');
  bins.textContent = '';
  BINS.forEach(function (b) {
    var li = h('li'), sw = h('span', 'sw');
    sw.style.background = b.color;
    li.appendChild(sw); li.appendChild(h('span', null, b.label()));
    bins.appendChild(li);
  });
  var used = units.some(function (u) {
    return u.role === 'remote' && !(D.remote[u.code] && D.remote[u.code].ratio !== null);
  });
  if (used) {
    var li2 = h('li'), sw2 = h('span', 'sw');
    sw2.style.background = NODATA;
    li2.appendChild(sw2); li2.appendChild(h('span', null, t('wm_no_data')));
    bins.appendChild(li2);
  }
  // figures
  var fig = $('figures');
  fig.textContent = '';
  var stat = m.status === 'optimal' ? t('status_optimal') : (m.status === 'feasible' ? t('status_feasible') : m.status);
  var F = m.figures || {};
  [['n_pairs', nf(m.n_pairs, 0)], ['n_locked', nf(m.n_locked, 0)],
    ['min_coverage', F.min_coverage ? txt(F.min_coverage) : pct(m.min_coverage)],
    ['total_shortfall', nf(m.total_shortfall, 0)],
    ['total_distance', F.total_distance_km ? txt(F.total_distance_km) : km(m.total_distance_km)],
    ['longest_distance', F.longest_distance_km ? txt(F.longest_distance_km) : km(m.longest_distance_km)],
    ['status', stat]].forEach(function (kv) {
    if (kv[1] === null || kv[1] === undefined || kv[1] === '–') { return; }
    fig.appendChild(h('dt', null, t(kv[0])));
    fig.appendChild(h('dd', null, kv[1]));
  });
  [['sources', m.sources[lang] || m.sources.en], ['assumptions', m.assumptions[lang] || m.assumptions.en]].forEach(
    function (kv) {
    var ul = $(kv[0]);
    ul.textContent = '';
    kv[1].forEach(function (x) { ul.appendChild(h('li', null, x)); });
    ul.previousElementSibling.hidden = !kv[1].length;
  });
  // footer
  var parts = [];
  if (m.boundaries) {
    if (m.boundaries_source) { parts.push(t('boundaries_source', {source: m.boundaries_source})); }
    parts.push(t('wm_simplified', {tol: nf(m.tolerance_m, 0)}));
    if (m.missing_polygons) { parts.push(t('wm_missing_polygons', {n: m.missing_polygons})); }
  } else {
    parts.push(t('no_boundaries'));
  }
  if (m.repairs) { parts.push(t(m.repairs === 1 ? 'input_repairs_one' : 'input_repairs', {n: nf(m.repairs, 0)})); }
  parts.push(t('made_with', {version: m.version}));
  $('foot').textContent = parts.join(' ');
  if (selected) { fillPanel(); }
  if (!results.hidden) { showResults(); }
  drawScale();
}
Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
  b.addEventListener('click', function () { applyLang(b.getAttribute('data-lang')); });
});

applyLang(lang);
fit();
render();
})();
