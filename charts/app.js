// The report's fixed page code. PEAKPLAN (set just before this) carries the
// chart options and formatting keywords as JSON data; every formatter lives
// here, and every text from the data reaches the DOM escaped or as text.
(function () {
  'use strict';
  var P = PEAKPLAN;
  var zh = P.lang === 'zh';
  var UNITS = zh ? [[1e12, '万亿'], [1e8, '亿'], [1e4, '万']]
                 : [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];

  function trim(s) { return s.indexOf('.') >= 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s; }
  function group(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

  // Mirrors FormatMoney in format.go.
  function scaled(v) {
    var idx = UNITS.length, i;
    for (i = 0; i < UNITS.length; i++) { if (v >= UNITS[i][0]) { idx = i; break; } }
    for (;;) {
      if (idx === UNITS.length) {
        var r = Math.round(v);
        if (r >= UNITS[UNITS.length - 1][0]) { idx = UNITS.length - 1; continue; }
        if (v < 10 && v !== r) { return trim((Math.round(v * 100) / 100).toFixed(2)); }
        return group(String(r));
      }
      var s = v / UNITS[idx][0];
      var r1 = Math.round(s * 10) / 10;
      var txt = r1 < 100 ? trim(r1.toFixed(1)) : String(Math.round(s));
      if (idx > 0) {
        if (parseFloat(txt) >= UNITS[idx - 1][0] / UNITS[idx][0]) { idx--; continue; }
      } else if (txt.length > 4) {
        txt = group(txt);
      }
      return txt + UNITS[idx][1];
    }
  }
  function money(v) {
    if (!isFinite(v)) { return '–'; }
    return (v < 0 ? '-' : '') + P.cur + scaled(Math.abs(v));
  }
  function fmt(kind, v) {
    if (v === null || v === undefined || v === '-' || v === '') { return '–'; }
    v = +v;
    switch (kind) {
      case 'money': return money(v);
      case 'ratio': return isFinite(v) ? v.toFixed(2) : '–';
      case 'pct': return isFinite(v) ? (v * 100).toFixed(1) + '%' : '–';
      case 'count': return isFinite(v) ? group(String(Math.round(v))) : '–';
      default: return String(v);
    }
  }
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }

  function axes(opt, key, kinds) {
    var list = opt[key];
    if (!list || !kinds) { return; }
    if (!Array.isArray(list)) { list = [list]; }
    list.forEach(function (ax, i) {
      var k = kinds[i];
      if (!k) { return; }
      ax.axisLabel = ax.axisLabel || {};
      ax.axisLabel.formatter = function (v) { return fmt(k, v); };
    });
  }

  // The tooltip is HTML: series names, headers and values are escaped here.
  function tooltip(spec) {
    var f = spec.fmt || {};
    return function (params) {
      var ps = Array.isArray(params) ? params : [params];
      var rows = [], head = null, seen = {};
      for (var i = 0; i < ps.length; i++) {
        var p = ps[i];
        if (p.componentType && p.componentType !== 'series') { continue; }
        var kind = (f.series || [])[p.seriesIndex] || '';
        // One row per series: on a value axis, points with equal x (the
        // plan's identical weeks) would all be listed.
        if (!kind || seen[p.seriesIndex]) { continue; }
        seen[p.seriesIndex] = true;
        if (head === null) {
          if (f.head && f.head[p.dataIndex] != null) {
            head = f.head[p.dataIndex];
          } else if (f.headFmt) {
            var x = p.axisValue != null ? p.axisValue : (Array.isArray(p.value) ? p.value[0] : p.value);
            head = (f.headPre || '') + fmt(f.headFmt, x);
          } else {
            head = p.axisValueLabel != null ? p.axisValueLabel : (p.name || '');
          }
        }
        var v = Array.isArray(p.value) ? p.value[1] : p.value;
        rows.push('<div>' + p.marker + '<span>' + esc(p.seriesName) +
          '</span><b style="float:right;margin-left:20px">' + esc(fmt(kind, v)) + '</b></div>');
      }
      if (f.total && rows.length > 1) {
        var sum = 0, any = false;
        for (var j = 0; j < ps.length; j++) {
          var q = ps[j];
          if ((f.sum || []).indexOf(q.seriesIndex) < 0) { continue; }
          var qv = Array.isArray(q.value) ? q.value[1] : q.value;
          if (isFinite(+qv)) { sum += +qv; any = true; }
        }
        if (any) {
          rows.push('<div style="border-top:1px solid #e2e8f0;margin-top:4px;padding-top:3px"><span>' + esc(f.total) +
            '</span><b style="float:right;margin-left:20px">' + esc(fmt('money', sum)) + '</b></div>');
        }
      }
      if (!rows.length) { return ''; }
      return (head ? '<div style="font-weight:600;margin-bottom:4px">' + esc(head) + '</div>' : '') + rows.join('');
    };
  }

  // For the tests: the browser test compares this with FormatMoney.
  P.money = money;

  var font = window.getComputedStyle(document.body).fontFamily;
  var instances = [];
  P.charts.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    if (!el) { return; }
    var opt = spec.option;
    var f = spec.fmt || {};
    axes(opt, 'xAxis', f.x);
    axes(opt, 'yAxis', f.y);
    if (opt.tooltip) {
      opt.tooltip.formatter = tooltip(spec);
      opt.tooltip.confine = true;
      opt.tooltip.textStyle = { fontSize: 12 };
    }
    opt.textStyle = { fontFamily: font };
    var chart = echarts.init(el, null, { renderer: 'canvas', locale: zh ? 'ZH' : 'EN' });
    chart.setOption(opt);
    instances.push(chart);
  });
  window.addEventListener('resize', function () {
    instances.forEach(function (c) { c.resize(); });
  });

  // Copy the month table as tab-separated text for a spreadsheet.
  var btn = document.getElementById('copy-table');
  if (btn) {
    btn.addEventListener('click', function () {
      var tsv = [].map.call(document.querySelectorAll('#sheet tr'), function (tr) {
        return [].map.call(tr.children, function (td) {
          return td.textContent.trim().replace(/[\t\r\n]+/g, ' ');
        }).join('\t');
      }).join('\n');
      var label = btn.textContent;
      function done() { btn.textContent = P.copied; setTimeout(function () { btn.textContent = label; }, 1500); }
      function fallback() {
        var ta = document.createElement('textarea');
        ta.value = tsv;
        document.body.appendChild(ta);
        ta.select();
        try { if (document.execCommand('copy')) { done(); } } catch (e) { /* nothing to do */ }
        document.body.removeChild(ta);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(tsv).then(done, fallback);
      } else {
        fallback();
      }
    });
  }
})();
