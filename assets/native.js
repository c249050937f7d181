/*
 * Incidents drawn by MapLibre itself, for data small enough to hold whole in the map (the
 * payload's meta.native, dashboard/timeline.py NATIVE_MAX): the shipped data, most imports.
 *
 * Why: with plotly drawing the incidents, a timeline step hands new arrays to plotly, plotly
 * hands a new GeoJSON to MapLibre, MapLibre's worker cuts it into tiles again, and the map draws
 * twice (~60 ms apart). Here every incident is in one GeoJSON source of the map's style from the
 * first paint, and a step only switches features on and off (`setFeatureState`), which MapLibre
 * applies on the main thread in the next frame. The selection is timeline.js `select`, the same
 * rule as every other view (dashboard/filters.py); only the drawing differs.
 *
 * Hover and click come from MapLibre's events on the points layer: a hover box like plotly's,
 * and a click that sets the graph's clickData as a plotly click would, so the details panel,
 * the URL and the incident list behave the same in both modes.
 *
 * `window.aleppoMap.shown()` lists what the map shows (read back from the map's feature states
 * in this mode, from plotly's trace otherwise): the keyboard incident list, the benchmark and
 * the browser tests use it.
 */
(function () {
  "use strict";
  var SOURCE = "aleppo-incidents", HALO_SOURCE = "aleppo-halos", CTX_SOURCE = "aleppo-context-hover";
  var POINTS = "aleppo-incident-points", CTX_HOVER = "aleppo-context-hover";
  var HOVER_PX = 10;  // how near the pointer a point answers hover (plotly's own is 20 px)
  var HALO_FILL = "aleppo-halo-fill", HALO_LINE = "aleppo-halo-line";
  var ON = ["boolean", ["feature-state", "on"], false];
  var NONE = "rgba(0,0,0,0)";
  // Plotly's default opacity for markers sized per point, which the still images (plotly)
  // keep: the page and its exports draw the same colours.
  var POINT_OPACITY = 0.7;
  var built = new WeakMap();  // decoded payload -> {key: style additions}
  var ids = new WeakMap(), nextId = 1;
  // What the current step shows: payload positions of points and of halos.
  var want = { D: null, points: [], halos: [], context: [], hover: null, key: null };
  var version = 0;

  function T() { return window.dash_clientside.timeline.internals; }
  function IDS() { return window.dash_clientside.ids; }

  function identity(obj) {
    if (!obj || typeof obj !== "object") { return String(obj); }
    if (!ids.has(obj)) { ids.set(obj, nextId++); }
    return ids.get(obj);
  }

  function graph() {
    return document.querySelector("#" + IDS().MAP_GRAPH + " .js-plotly-plot");
  }

  function mapOf(gd) {
    return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&
      gd._fullLayout.map._subplot.map;
  }

  function haloPaint(base) {
    var trace = (base.data || []).filter(function (t) { return t.meta === "incident-halos"; })[0];
    var line = (trace && trace.line) || {};
    return { fill: (trace && trace.fillcolor) || NONE, line: line.color || "#555555",
             width: line.width || 0.8 };
  }

  function blobUrl(features) {
    var text = JSON.stringify({ type: "FeatureCollection", features: features });
    return URL.createObjectURL(new Blob([text], { type: "application/geo+json" }));
  }

  // The sources and layers the style gains: built once per payload, language, theme and set
  // of datasets switched on. Only the incidents of datasets switched on are in the sources:
  // with the shipped data that is 42 of 2,017 (the UCDP layer starts off), and building,
  // tiling and loading the other 1,975 points and halos cost the first paint ~0.4 s.
  function additions(D, settings, base, dsOn) {
    var halo = haloPaint(base);
    var key = [settings.lang, settings.ink, settings.unreported, halo.fill, halo.line,
               dsOn.join(",")].join("|");
    var byKey = built.get(D);
    if (!byKey) { byKey = {}; built.set(D, byKey); }
    if (byKey[key]) { return byKey[key]; }
    var t = T(), a = D.a, p = D.payload, meta = D.meta;
    var ink = settings.ink || "#1a1a1a", unreported = settings.unreported || "#8a8a8a";
    var wide = meta.halo_wide_m || Infinity;
    var points = [], halos = [];
    for (var i = 0; i < a.lat.length; i++) {
      if (!dsOn[a.dataset[i]]) { continue; }
      var c = a.category[i], killed = a.killed[i];
      // The ring plotly drew as a larger marker behind the point: 2 px, in the ring's colour.
      var ring = p.ringed[c] ? ink : (isNaN(killed) ? unreported : null);
      points.push({ type: "Feature", id: i,
        geometry: { type: "Point", coordinates: [a.lon[i], a.lat[i]] },
        properties: { row: a.row[i], colour: p.colours[c], radius: t.markerSize(meta, killed) / 2,
                      ring: ring || NONE, ring_px: ring ? 2 : 0 } });
      var r = a.radius[i];
      if (r > 0 && r <= wide) {
        var ringPts = t.haloRings([a.lat[i]], [a.lon[i]], [r], meta.halo_vertices);
        var coords = [];
        for (var k = 0; k < ringPts.lat.length; k++) {
          if (ringPts.lat[k] !== null) { coords.push([ringPts.lon[k], ringPts.lat[k]]); }
        }
        halos.push({ type: "Feature", id: i, properties: { row: a.row[i] },
                     geometry: { type: "Polygon", coordinates: [coords] } });
      }
    }
    // The context layers' hover points (zones, routes: figures/map_layers.py stand-ins), each
    // with its day ranges, answer hover for the day they belong to.
    var hoverDays = (base.layout && base.layout.meta && base.layout.meta.context_hover) || {};
    var context = [], ctxFeatures = [];
    (base.data || []).forEach(function (trace) {
      var ranges = hoverDays[trace.meta];
      if (!ranges) { return; }
      var layer = /^ctx-([a-z_]+)/.exec(trace.meta)[1];
      (trace.lat || []).forEach(function (lat, k) {
        var text = Array.isArray(trace.hovertext) ? trace.hovertext[k] : trace.hovertext;
        if (lat === null || trace.lon[k] === null) { return; }
        context.push({ id: context.length, layer: layer, ranges: String(ranges[k]) });
        ctxFeatures.push({ type: "Feature", id: ctxFeatures.length, properties: { text: text },
                           geometry: { type: "Point", coordinates: [trace.lon[k], lat] } });
      });
    });
    var out = {
      below: POINTS,
      context: context,
      sources: {},
      layers: [
        { id: CTX_HOVER, type: "circle", source: CTX_SOURCE,
          paint: { "circle-radius": 6, "circle-opacity": 0 } },
        { id: HALO_FILL, type: "fill", source: HALO_SOURCE,
          paint: { "fill-color": halo.fill, "fill-opacity": ["case", ON, 1, 0] } },
        { id: HALO_LINE, type: "line", source: HALO_SOURCE,
          paint: { "line-color": halo.line, "line-width": halo.width,
                   "line-opacity": ["case", ON, 1, 0] } },
        { id: POINTS, type: "circle", source: SOURCE,
          paint: { "circle-color": ["get", "colour"], "circle-radius": ["get", "radius"],
                   "circle-opacity": ["case", ON, POINT_OPACITY, 0],
                   "circle-stroke-color": ["get", "ring"], "circle-stroke-width": ["get", "ring_px"],
                   "circle-stroke-opacity": ["case", ON, POINT_OPACITY, 0] } }
      ]
    };
    // As blob: URLs, not inline: the figure stays small, so Dash and plotly, which compare
    // and copy it on every update, do not walk thousands of features (2.5 s a step when
    // inline, with 2,017 incidents).
    out.sources[SOURCE] = { type: "geojson", data: blobUrl(points) };
    out.sources[HALO_SOURCE] = { type: "geojson", data: blobUrl(halos) };
    out.sources[CTX_SOURCE] = { type: "geojson", data: blobUrl(ctxFeatures) };
    byKey[key] = out;
    return out;
  }

  // Switch the source's features to `list` (payload positions), changing only what differs;
  // true when something changed. Nothing happens while the map has no such source yet (its
  // style is loading): "styledata" and "sourcedata" call again.
  function switchTo(map, id, list) {
    var source = map.getSource && map.getSource(id);
    if (!source) { return false; }
    var next = new Set(list), on = source.__aleppoOn || new Set(), changed = false;
    try {
      on.forEach(function (i) {
        if (!next.has(i)) { map.setFeatureState({ source: id, id: i }, { on: false }); changed = true; }
      });
      next.forEach(function (i) {
        if (!on.has(i)) { map.setFeatureState({ source: id, id: i }, { on: true }); changed = true; }
      });
    } catch (err) {  // style not done loading: try again on its next "styledata"
      source.__aleppoOn = null;
      return false;
    }
    source.__aleppoOn = next;
    return changed;
  }

  // The first figure of a page is drawn before plotly has made its map: look again shortly.
  var retry = null, tries = 0;
  function apply(stepped) {
    var gd = graph(), map = mapOf(gd);
    if (!want.D) { return; }
    if (!map) {
      if (!retry && tries < 200) {
        tries += 1;
        retry = setTimeout(function () { retry = null; apply(stepped); }, 50);
      }
      return;
    }
    tries = 0;
    watch(gd, map);
    var changed = switchTo(map, SOURCE, want.points);
    changed = switchTo(map, HALO_SOURCE, want.halos) || changed;
    switchTo(map, CTX_SOURCE, want.context);
    // A step that changes nothing on the map still draws one frame, so whoever waits for the
    // step's frame (the benchmark, tests) sees it end.
    if (stepped === true && !changed) { map.triggerRepaint(); }
    if (changed || stepped === true || !gd.__aleppoNative) {
      version += 1;
      gd.__aleppoNative = { version: version, shown: want.points.length };
    }
  }

  // The features of `layer` the day shows within HOVER_PX of a mouse event's point,
  // nearest first.
  function near(map, point, layer) {
    if (!map.getLayer(layer)) { return []; }
    var box = [[point.x - HOVER_PX, point.y - HOVER_PX], [point.x + HOVER_PX, point.y + HOVER_PX]];
    var found = map.queryRenderedFeatures(box, { layers: [layer] }).filter(function (f) {
      return f.state && f.state.on;
    });
    var dist = function (f) {
      var p = map.project(f.geometry.coordinates);
      return (p.x - point.x) * (p.x - point.x) + (p.y - point.y) * (p.y - point.y);
    };
    return found.map(function (f) { return { f: f, d: dist(f) }; })
      .sort(function (x, y) { return x.d - y.d; })
      .map(function (x) { return x.f; });
  }

  function hits(map, point) { return near(map, point, POINTS); }

  function hoverLines(text) {
    var html = String(text || "").replace(/<br\s*\/?>/gi, "\n");
    var doc = new DOMParser().parseFromString(html, "text/html");  // runs nothing, loads nothing
    return (doc.body.textContent || "").split("\n");
  }

  function tip(gd) {
    var box = gd.querySelector(".map-tip");
    if (!box) {
      box = document.createElement("div");
      box.className = "map-tip";
      box.setAttribute("role", "tooltip");
      box.dir = "auto";
      box.hidden = true;
      gd.appendChild(box);
    }
    return box;
  }

  function showTip(gd, map, event) {
    var found = hits(map, event.point);
    var box = tip(gd);
    map.getCanvas().style.cursor = found.length ? "pointer" : "";
    var text = found.length && want.hover ? want.hover(found[0].id) : null;
    var ctx = text ? [] : near(map, event.point, CTX_HOVER);
    if (!text && ctx.length) { text = ctx[0].properties.text; }
    if (!text) { box.hidden = true; return; }
    var label = (gd.layout && gd.layout.hoverlabel) || {};
    var font = label.font || {};
    box.replaceChildren();
    hoverLines(text).forEach(function (line) {
      var el = document.createElement("div");
      el.textContent = line;
      box.appendChild(el);
    });
    box.style.background = label.bgcolor || "";
    box.style.color = font.color || "";
    box.style.borderColor = found.length ? found[0].properties.colour : "";
    box.style.fontSize = font.size ? font.size + "px" : "";
    // Beside the point, kept inside the map.
    var canvas = map.getCanvas().getBoundingClientRect(), own = gd.getBoundingClientRect();
    var x = event.point.x + canvas.left - own.left, y = event.point.y + canvas.top - own.top;
    box.hidden = false;
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = x + 14 + w > own.width ? x - 14 - w : x + 14;
    box.style.left = Math.max(0, left) + "px";
    box.style.top = Math.max(0, Math.min(own.height - h, y - h / 2)) + "px";
  }

  var clicks = 0;
  function watch(gd, map) {
    if (map.__aleppoNative) { return; }
    map.__aleppoNative = true;
    // A new style (a context layer switched, a new page's figure) makes new sources: their
    // features start switched off.
    map.on("styledata", apply);
    map.on("sourcedata", function (e) {
      if (e.sourceId === SOURCE || e.sourceId === HALO_SOURCE || e.sourceId === CTX_SOURCE) { apply(); }
    });
    map.on("mousemove", function (event) { showTip(gd, map, event); });
    map.on("mouseout", function () { tip(gd).hidden = true; });
    map.on("click", function (event) {
      var found = hits(map, event.point);
      if (!found.length) { return; }
      var f = found[0], c = f.geometry.coordinates;
      clicks += 1;
      window.dash_clientside.set_props(IDS().MAP_GRAPH, { clickData: {
        points: [{ customdata: f.properties.row, lon: c[0], lat: c[1], n: clicks }] } });
    });
  }

  /*
   * step(...) -> the map figure for a step, or no_update when only the day's incidents change
   * (then the map's feature states change instead, here). The figure is rebuilt when the base
   * figure, the layers or the selection changes.
   */
  function step(day, win, layers, payload, base, selected) {
    var t = T(), D = t.decode(payload), layerSet = t.toSet(layers), d = Number(day);
    var sel = t.select(D, d, win, layerSet), a = D.a;
    var settings = (base.layout && base.layout.meta && base.layout.meta.timeline) || {};
    var add = additions(D, settings, base, t.enabledTables(D, layerSet).dsOn);
    var rows = new Set(sel.points.map(function (i) { return a.row[i]; }));
    want.D = D;
    want.points = sel.points;
    want.halos = t.haloPositions(D, sel.points, layerSet);
    want.hover = t.hoverFor(D, settings);
    want.context = add.context.filter(function (c) {
      return layerSet[c.layer] && t.inRanges(c.ranges, d);
    }).map(function (c) { return c.id; });
    var gd = graph();
    var key = [identity(base), identity(add), layers.slice().sort().join(","),
               selected ? selected.row : "", selected ? rows.has(selected.row) : ""].join("|");
    apply(true);
    // The graph's figure already holds the incidents' sources (a new page's graph starts
    // from the server's figure, which does not).
    var style = gd && gd.layout && gd.layout.map && gd.layout.map.style;
    var holds = !!(style && style.sources && style.sources[SOURCE] &&
                   style.sources[SOURCE].data === add.sources[SOURCE].data);
    if (key === want.key && holds) { return window.dash_clientside.no_update; }
    want.key = key;
    return window.dash_clientside.timeline.render(d, win, layers, payload, base, selected,
                    { rows: rows, sources: add.sources, layers: add.layers, below: add.below });
  }

  function eligible(payload) {
    return !!(payload && payload.meta && payload.meta.native);
  }

  // What the map shows now: [{row, text, lat, lon}] in drawing order.
  function shown() {
    var gd = graph(), map = mapOf(gd);
    var source = map && map.getSource && map.getSource(SOURCE);
    if (source && want.D) {
      var out = [];
      want.points.forEach(function (i) {
        var state = map.getFeatureState({ source: SOURCE, id: i });
        if (state && state.on) {
          out.push({ row: want.D.a.row[i], text: want.hover(i), lat: want.D.a.lat[i], lon: want.D.a.lon[i] });
        }
      });
      return out;
    }
    var trace = ((gd && gd.data) || []).filter(function (t) { return t.meta === "incident-points"; })[0];
    if (!trace || !trace.customdata) { return []; }
    return Array.prototype.map.call(trace.customdata, function (row, i) {
      return { row: Array.isArray(row) ? row[0] : row,
               text: trace.hovertext ? trace.hovertext[i] : String(row),
               lat: trace.lat[i], lon: trace.lon[i] };
    });
  }

  window.aleppoMap = { step: step, eligible: eligible, shown: shown, hits: hits };
}());
