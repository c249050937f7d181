(function () {
  "use strict";
  if (window.__bench || window.top !== window) { return; }
  var cfg = window.__benchCfg || {};
  try { performance.setResourceTimingBufferSize(1000000); } catch (e) { /* older browsers */ }
  var B = window.__bench = {cfg: cfg, firstPaint: null, firstDrawn: null, armed: false,
                            lateAttach: false, pending: null, steps: [], sent: [], waiter: null,
                            maps: 0, index: 0, frameNames: null};
  B.longTasks = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { B.longTasks.push([e.startTime, e.duration]); });
    }).observe({type: "longtask", buffered: true});
  } catch (e) { /* no long-task timing */ }
  var enc = window.TextEncoder ? new TextEncoder() : null;
  var origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function (input, init) {
      try {
        var url = typeof input === "string" ? input : (input && input.url) || String(input);
        var body = init && init.body, bytes = 0;
        if (typeof body === "string") { bytes = enc ? enc.encode(body).length : body.length; }
        else if (body && body.byteLength !== undefined) { bytes = body.byteLength; }
        else if (body && body.size !== undefined) { bytes = body.size; }
        var output = null;
        if (typeof body === "string" && url.indexOf("_dash-update-component") >= 0) {
          try { output = JSON.parse(body).output; } catch (e) { output = null; }
        }
        B.sent.push({t: performance.now(), url: url, bytes: bytes, output: output});
      } catch (e) { /* never break the page */ }
      return origFetch.apply(this, arguments);
    };
  }
  function gd() { return document.querySelector(cfg.selector); }
  function mapOf(g) {
    try { return g._fullLayout.map._subplot.map || null; } catch (e) { return null; }
  }
  function drawn(g) {
    var traces = g && (g._fullData || g.data);
    if (!traces) { return 0; }
    // Incidents drawn by the map's own style (assets/native.js) count as drawn once their
    // features are switched on in the map.
    var n = g.__aleppoNative && cfg.roles && cfg.roles.indexOf("incident-points") >= 0 ?
      g.__aleppoNative.shown : 0;
    traces.forEach(function (t) {
      var role = typeof t.meta === "string" ? t.meta : "";
      if (cfg.roles && cfg.roles.indexOf(role) < 0) { return; }
      n += t.lat && t.lat.length ? t.lat.length : 0;
    });
    return n;
  }
  B.drawn = function () { return drawn(gd()); };
  function nativeVersion(g) { return g && g.__aleppoNative ? g.__aleppoNative.version : null; }
  function onRender() {
    var g = gd();
    if (B.firstPaint === null && !B.armed && drawn(g) > 0) { B.armed = true; }
    var st = B.pending;
    if (st && !st.rendered && g && (g.calcdata !== st.before || nativeVersion(g) !== st.nativeBefore)) {
      st.rendered = true;
      st.tRender = performance.now();
    }
  }
  function onIdle() {
    var now = performance.now(), g = gd();
    if (B.firstPaint === null && B.armed) { B.firstPaint = now; B.firstDrawn = drawn(g); }
    var st = B.pending;
    if (st && st.rendered) {
      st.tIdle = now;
      st.ms = now - st.t0;
      st.drawn = drawn(g);
      st.before = null;
      B.pending = null;
      B.steps.push(st);
      var w = B.waiter;
      B.waiter = null;
      if (w) { w(st); }
    }
  }
  function attach() {
    var m = mapOf(gd());
    if (!m || m.__benchAttached) { return; }
    m.__benchAttached = true;
    B.maps += 1;
    m.on("render", onRender);
    m.on("idle", onIdle);
    // Found after the points were already drawn and the map had gone idle (no more events).
    if (B.firstPaint === null && drawn(gd()) > 0 && m.loaded() && !m.isMoving()) {
      B.armed = true;
      B.lateAttach = true;
      B.firstPaint = performance.now();
      B.firstDrawn = drawn(gd());
    }
  }
  setInterval(attach, 10);
  window.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowRight") { return; }
    attach();
    var g = gd();
    var st = {t0: performance.now(), before: g ? g.calcdata : null, nativeBefore: nativeVersion(g),
              rendered: false};
    B.pending = st;
    if (cfg.impl === "px_animation") {
      B.index += 1;
      st.target = B.frameNames[B.index];
      window.Plotly.animate(g, [st.target], {frame: {duration: 0, redraw: true},
                                             transition: {duration: 0}, mode: "immediate"});
    } else if (cfg.impl === "dash_server_figure") {
      B.index += 1;
      st.target = B.index;
      window.dash_clientside.set_props("slider", {value: B.index});
    }
  }, true);
}());
