/*
 * Browser-side callbacks of the page (namespace `app`). The heavy slicing lives in
 * timeline.js; this file wires controls, the URL and the document to it.
 *
 * The URL is written here with history.replaceState on every change so that the address bar
 * always reopens the current view. It mirrors dashboard/state.py's codec: same keys, same
 * value formats, defaults omitted (the defaults themselves come from the server, encoded by
 * the Python codec, so the two cannot drift on what a default is).
 *
 * One file (about 545 lines) on purpose: the callbacks of the namespace share the map
 * helpers (the day given to MapLibre, the layers skipped while hidden and their sources kept
 * loaded, the one-frame style change, the painter held for a whole first view and a whole
 * step) and the URL helpers.
 */
(function () {
  "use strict";
  var IDS = window.dash_clientside.ids;  // every component id, from dashboard/ids.py
  var noUpdate = function () { return window.dash_clientside.no_update; };
  var mapView = { center: null, zoom: null };

  function triggeredId() {
    var ctx = window.dash_clientside.callback_context;
    if (!ctx || !ctx.triggered || !ctx.triggered.length) { return null; }
    return ctx.triggered[0].prop_id.split(".")[0];
  }

  function flatLayers(groups) {
    var out = [];
    groups.forEach(function (g) { (g || []).forEach(function (x) { out.push(x); }); });
    return out;
  }

  function encodeLayers(layers, order) {
    var rank = {};
    (order || []).forEach(function (name, i) { rank[name] = i; });
    var n = (order || []).length;
    return layers.slice().sort(function (a, b) {
      var ra = a in rank ? rank[a] : n, rb = b in rank ? rank[b] : n;
      return ra !== rb ? ra - rb : (a < b ? -1 : a > b ? 1 : 0);
    }).join(",");
  }

  function setParam(params, key, value, defaults) {
    if (value === null || value === undefined || (defaults && defaults[key] === value)) {
      params.delete(key);
    } else {
      params.set(key, value);
    }
  }

  function queryString(params) {
    // URLSearchParams escapes ',' and ':'; the Python codec keeps them readable.
    var s = params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
    return s ? "?" + s : "";
  }

  function round(x, digits) {
    var f = Math.pow(10, digits);
    return String(Math.round(x * f) / f);
  }

  // Run fn(payload) with the timeline payload (timeline.js `load`): at once when it has
  // arrived (every step after the first), else once its fetch is done (a promise: Dash waits).
  function withPayload(ref, fn) {
    var tl = window.dash_clientside.timeline;
    var payload = tl && tl.loaded(ref);
    if (payload) { return fn(payload); }
    if (!tl || !ref) { return noUpdate(); }
    return tl.load(ref).then(fn, function (err) {
      if (window.console) { window.console.error(err); }
      return noUpdate();
    });
  }

  // Tell Dash each time the map has finished drawing (MapLibre "idle"), once per map: plotly
  // makes a new map when the graph is replaced (a new page), hence the check on every render.
  // The first render of a page can run before plotly has made its map: then look again at
  // every animation frame (up to ~10 s), so the map is found before it draws its first frame
  // (MapLibre asks for that frame when it is made; this frame's callback was asked first)
  // and the listeners never wait for the first timeline step.
  var lookingForMap = false;
  function watchMapDrawn(since) {
    var gd = mapGraph(), map = mapOf(gd);
    if (!map) {
      if (lookingForMap && !since) { return; }  // one search at a time
      since = since || Date.now();
      lookingForMap = Date.now() - since < 10000;
      if (lookingForMap) {
        window.requestAnimationFrame(function () { watchMapDrawn(since); });
      }
      return;
    }
    lookingForMap = false;
    if (map.__aleppoWatched) { return; }
    map.__aleppoWatched = true;
    drawFirstViewWhole(map);
    // Labels appear with the day instead of fading in over 300 ms (MapLibre's `fadeDuration`
    // option, which plotly.js does not pass on, so it is set on the map it made): a fade kept
    // the map redrawing for ~300 ms after a step, up to 12 frames where 4 draw the day.
    // tests/browser/test_city_map.py checks it holds with the pinned plotly.js.
    map._fadeDuration = 0;
    oneFramePerStyleChange(map);
    // The figure's day-bound layers skip drawing while the day hides them, now and after
    // every change of style (a new style makes new layer objects).
    var skipDayBound = function () {
      skipUnshown(map, gd.layout && gd.layout.meta && gd.layout.meta.day_layers);
    };
    skipDayBound();
    map.on("styledata", skipDayBound);
    // A click on a neighbourhood (not on an incident point above it) shows its names and
    // control (dashboard/callbacks/neighbourhood.py).
    var clicks = 0;
    map.on("click", "nbhd-fill", function (event) {
      var hovered = (gd._hoverdata || []).some(function (point) {
        return point.data && point.data.meta === "incident-points";
      }) || (window.aleppoMap && window.aleppoMap.hits(map, event.point).length > 0);
      var feature = event.features && event.features[0];
      if (hovered || !feature) { return; }
      clicks += 1;
      window.dash_clientside.set_props(IDS.NEIGHBOURHOOD_CLICK,
        { data: { id: feature.properties.nbhd_id, n: clicks } });
    });
    var drawn = 0;
    map.on("idle", function () {
      keepDayBoundLoaded(map, gd.layout && gd.layout.meta && gd.layout.meta.day_layers);
      if (window.aleppoIncidentList) { window.aleppoIncidentList.refresh(); }
      drawn += 1;
      window.dash_clientside.set_props(IDS.MAP_DRAWN, { data: drawn });
    });
  }

  // While the first view loads, MapLibre draws a frame each time a source's tiles arrive:
  // seven partial pictures before the whole one, each a full redraw that the browser then
  // composites (100-210 ms each in software WebGL, measured in a Chrome trace of the page:
  // the page's main thread waits for them). Its painter now draws nothing until the style and
  // the tiles of every layer shown are loaded, then draws the whole view; it draws anyway once
  // FIRST_VIEW_WAIT_MS have passed, so a slow or failing source cannot keep the map blank.
  // Everything but the drawing (tile requests, placement, events) runs as before. `painter`
  // and `areTilesLoaded` are MapLibre's, in the pinned plotly.js bundle:
  // tests/browser/test_city_map.py checks the first view is drawn in one frame.
  var FIRST_VIEW_WAIT_MS = 3000;
  function drawFirstViewWhole(map) {
    var painter = map.painter;
    if (!painter || typeof painter.render !== "function" || painter.__aleppoWhole) { return; }
    painter.__aleppoWhole = true;
    var render = painter.render, start = Date.now(), whole = false, timer = null;
    var first = map.__aleppoFirstView = { held: 0, complete: null, drawn: 0 };  // for tests
    painter.render = function (style) {
      if (!whole) {
        var left = FIRST_VIEW_WAIT_MS - (Date.now() - start);
        var complete = Boolean(map.style && map.style.loaded() && map.areTilesLoaded());
        if (!complete && left > 0) {
          // What a tile arriving meanwhile reads from the painter: the style, which names
          // the layers its buckets are made for (with none, its buckets are left empty).
          this.style = style;
          if (!timer) {
            timer = setTimeout(function () { map.triggerRepaint(); }, left);
          }
          first.held += 1;
          return undefined;
        }
        whole = true;
        first.complete = complete;
        clearTimeout(timer);
      }
      if (heldForStep(map)) {
        this.style = style;
        return undefined;
      }
      first.drawn += 1;  // frames drawn: the tests count them
      return render.apply(this, arguments);
    };
  }

  // A step drawn by plotly (data too large for the map's own points, native.js) hands each of
  // its traces' GeoJSON to MapLibre anew; the worker cuts them into tiles one after another,
  // and MapLibre drew a frame as each arrived: two or three frames a step, each a full redraw
  // (60-80 ms in software WebGL at 100,000 events, measured with the long-task observer),
  // the first with half the day's points. For up to STEP_WAIT_MS after such a step (a
  // ceiling: a loaded machine tiles slower), the painter waits until the sources it shows
  // are loaded (not the other days' context, kept loaded by keepDayBoundLoaded), then draws
  // the day once. Never while the map moves: a pan or a zoom draws as its tiles come.
  var STEP_WAIT_MS = 1000;
  function holdForStep(map) {
    if (!map || !map.painter || !map.painter.__aleppoWhole) { return; }
    map.__aleppoStepUntil = Date.now() + STEP_WAIT_MS;
    clearTimeout(map.__aleppoStepTimer);
    // Whatever is still loading then is drawn as it comes.
    map.__aleppoStepTimer = setTimeout(function () { map.triggerRepaint(); }, STEP_WAIT_MS);
  }
  function heldForStep(map) {
    if (!map.__aleppoStepUntil || Date.now() >= map.__aleppoStepUntil || map.isMoving()) {
      return false;
    }
    var managers = (map.style && map.style.tileManagers) || {};
    var loading = Object.keys(managers).some(function (id) {
      var manager = managers[id];
      return manager.used && !manager.__aleppoKept && !manager.loaded();
    });
    if (loading) { map.__aleppoStepHeld = (map.__aleppoStepHeld || 0) + 1; }  // tests read it
    return loading;
  }

  // A change of the style (the day given to the global state, a layer switched) is applied
  // by the frame that follows it, in `style.update`, which then fires a "styledata" event;
  // MapLibre answers that event as it would one from outside a frame: it asks for another
  // frame, which draws the same picture again (~55 ms a step in software WebGL, measured:
  // a bare setGlobalStateProperty took 56-84 ms to idle in two frames, a repaint 3-17 ms).
  // The event fired inside the frame being drawn is told apart and that extra frame dropped;
  // whatever else wants a frame (transitions, placement, tiles, sources) still asks for its
  // own after it. `_render`, `_styleDirty` and `_frameRequest` are MapLibre's, in the pinned
  // plotly.js bundle: tests/browser/test_city_map.py checks a day's change takes one frame
  // and draws the day's context.
  function oneFramePerStyleChange(map) {
    if (typeof map._render !== "function" || map.__aleppoOneFrame) { return; }
    map.__aleppoOneFrame = true;
    var render = map._render, drawing = false;
    map._render = function () {
      drawing = true;
      try { return render.apply(this, arguments); } finally { drawing = false; }
    };
    map.on("styledata", function () {
      if (!drawing || !map._frameRequest) { return; }
      map._styleDirty = false;
      map._frameRequest.abort();
      map._frameRequest = null;
    });
  }

  function mapGraph() {
    return document.querySelector("#" + IDS.MAP_GRAPH + " .js-plotly-plot");
  }

  function mapOf(gd) {
    return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&
      gd._fullLayout.map._subplot.map;
  }

  function inRanges(text, day) {  // timeline.js states the "lo-hi,…" rule
    return window.dash_clientside.timeline.internals.inRanges(text, day);
  }

  // MapLibre draws and places a layer at opacity 0 like any other, on every frame: the
  // day-bound layers (figures/map_city.py day_switch, their ids in the figure's meta) are
  // told to count as hidden while the day gives them opacity 0, so a frame skips them and a
  // label of another day keeps no name off the map. `isHidden` is the check MapLibre's
  // painter and symbol placement make per layer (the plotly.js bundle is pinned;
  // tests/browser/test_city_map.py checks the wrap is in place and names come back).
  var OPACITY = { fill: "fill-opacity", line: "line-opacity", symbol: "text-opacity",
                  circle: "circle-opacity" };
  function skipUnshown(map, ids) {
    (ids || []).forEach(function (id) {
      var layer = map.style && map.style.getLayer && map.style.getLayer(id);
      var prop = layer && OPACITY[layer.type];
      if (!prop || layer.__aleppoSkip || typeof layer.isHidden !== "function") { return; }
      var own = layer.isHidden;
      layer.isHidden = function () {
        if (own.apply(this, arguments)) { return true; }
        var value = this.paint && this.paint.get(prop);
        return (value && value.constantOr ? value.constantOr(1) : value) === 0;
      };
      layer.__aleppoSkip = true;
    });
  }

  // The first day of a context period used to take 3-4 frames (220-270 ms, measured per
  // step): MapLibre drops the tiles of a source no shown layer reads, so that period's
  // sources (its labels above all) were tiled and its text shaped by the worker only then.
  // Once the map has first drawn, every day-bound layer's source stays loaded: its tile
  // manager counts as used whatever the day (MapLibre sets `used` on every frame from the
  // layers' `isHidden`, so it is held by a property that ignores that). A label held this
  // way must still keep no name off the map: symbol placement leaves out the buckets of a
  // layer hidden that day (`getBucketParts`, the one per-layer entry of MapLibre's
  // placement; fadeDuration 0 places every frame anew, so a label shown the next day is
  // placed in that day's first frame). Names in the pinned bundle (plotly.js 4.1.1);
  // tests/browser/test_city_map.py checks both hold and that names come back.
  function keepDayBoundLoaded(map, ids) {
    var style = map.style;
    if (!style || !style.tileManagers || !ids || !ids.length) { return; }
    var placement = style.placement || (style.pauseablePlacement &&
                                        style.pauseablePlacement.placement);
    var proto = placement && Object.getPrototypeOf(placement);
    if (!proto || typeof proto.getBucketParts !== "function") { return; }
    if (!proto.__aleppoSkip) {
      var parts = proto.getBucketParts;
      // Layers alike but for their paint share one bucket, placed for its first layer: it
      // is left out only when every layer drawing it is hidden that day.
      proto.getBucketParts = function (results, layer, tile) {
        if (layer && layer.__aleppoSkip) {
          var zoom = this.transform.zoom;
          var bucket = tile && tile.getBucket && tile.getBucket(layer);
          var drawing = (bucket && bucket.layers && bucket.layers.length) ? bucket.layers : [layer];
          if (drawing.every(function (each) { return each.isHidden(zoom); })) { return; }
        }
        return parts.apply(this, arguments);
      };
      proto.__aleppoSkip = true;
    }
    var kept = 0;
    ids.forEach(function (id) {
      var layer = style.getLayer && style.getLayer(id);
      var manager = layer && layer.__aleppoSkip && style.tileManagers[layer.source];
      if (!manager || manager.__aleppoKept) { return; }
      Object.defineProperty(manager, "used", {
        configurable: true, get: function () { return true; }, set: function () {} });
      manager.__aleppoKept = true;
      kept += 1;
    });
    // `_update` marks the sources dirty, so the next frame asks for their tiles.
    if (kept) { map._update(); }
  }

  function periodStart(day, periods) {
    for (var i = 0; i < (periods || []).length; i++) {
      if (day >= periods[i][0] && day <= periods[i][1]) { return periods[i][0]; }
    }
    return day;
  }

  // The timeline's day, given to the map's style (figures/map_city.py day_switch) and to
  // the legend entries that belong to some days only (data-days), as the first day of its
  // context period (figures/map.py): within a period nothing is given, so MapLibre does not
  // re-evaluate its layers on every step. A new style (a layer switched, another basemap)
  // starts from its default, so the state is given again on "styledata".
  function setMapDay(day, periods) {
    if (day === null || day === undefined) { return; }
    var start = periodStart(Number(day), periods);
    var map = mapOf(mapGraph());
    if (map && map.setGlobalStateProperty) {
      if (!map.__aleppoDayWatched) {
        map.__aleppoDayWatched = true;
        map.on("styledata", function () {
          var state = map.getGlobalState ? map.getGlobalState() : {};
          if (map.__aleppoDay !== undefined && state.day !== map.__aleppoDay) {
            map.setGlobalStateProperty("day", map.__aleppoDay);
          }
        });
      }
      if (map.__aleppoDay !== start) {
        map.__aleppoDay = start;
        map.setGlobalStateProperty("day", start);
      }
    }
    document.querySelectorAll("#" + IDS.MAP_LEGEND + " [data-days]").forEach(function (item) {
      var hidden = !inRanges(item.getAttribute("data-days"), start);
      if (item.hidden !== hidden) { item.hidden = hidden; }
    });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    app: {
      // The map's day-dependent context (zones in force, the road's status, control) is all
      // in the base map's style; the day's shows through MapLibre's global state (setMapDay),
      // so a step never waits for the server and never resets the style.
      renderMap: function (day, win, cats, ctx, data, base, selected, payload, days) {
        if (!base || !payload || !window.dash_clientside.timeline) { return noUpdate(); }
        watchMapDrawn();
        setMapDay(day, base.layout && base.layout.meta && base.layout.meta.context_periods);
        var layers = flatLayers([cats, ctx, data]);
        return withPayload(payload, function (loaded) {
          // Small data: the map's style holds every incident (assets/native.js).
          if (window.aleppoMap && window.aleppoMap.eligible(loaded)) {
            return window.aleppoMap.step(day, win, layers, loaded, base, selected);
          }
          var figure = window.dash_clientside.timeline.render(day, win, layers, loaded, base,
                                                              selected);
          holdForStep(mapOf(mapGraph()));
          return figure;
        });
      },

      onDay: function (day, days) {
        if (!days || !days.length || day === null || day === undefined) { return noUpdate(); }
        return days[Math.max(0, Math.min(days.length - 1, day))].label;
      },

      // The charts' date markers follow once the map has drawn (MAP_DRAWN, see
      // watchMapDrawn): the map, which people watch, gets the main thread first on every step.
      // A chart that is not displayed (the table tab open, presentation mode without its
      // charts strip) is left alone until it shows: redrawing hidden charts on every step cost
      // time. It catches up when its tab opens, or when G opens the strip (the map shrinks
      // for it, draws again, and MAP_DRAWN comes with the charts on screen).
      moveMarkers: function (_drawn, _tab, day, days, casualty, daily, histogram) {
        if (!days || !days.length || day === null || day === undefined) {
          return [noUpdate(), noUpdate(), noUpdate()];
        }
        var iso = days[Math.max(0, Math.min(days.length - 1, day))].iso;
        var tl = window.dash_clientside.timeline;
        var move = function (fig) {
          var marker = fig && fig.layout && (fig.layout.shapes || []).filter(function (shape) {
            return shape.name === "date-marker";
          })[0];
          if (!fig || !tl || (marker && marker.x0 === iso)) { return noUpdate(); }
          return tl.moveDateMarker(fig, iso);
        };
        // Only a map drawn skips hidden charts; a tab opened (a one-off) updates them all,
        // whatever React has laid out by then.
        var step = triggeredId() === IDS.MAP_DRAWN;
        var shown = function (id) {
          var el = document.getElementById(id);
          return !step || !el || el.offsetParent !== null;
        };
        return [shown(IDS.CASUALTY_CHART) ? move(casualty) : noUpdate(),
                shown(IDS.DAILY_CHART) ? move(daily) : noUpdate(),
                shown(IDS.HISTOGRAM) ? move(histogram) : noUpdate()];
      },

      tableRequest: function (day, win, categories, dataLayers, tab) {
        if (tab !== "table") { return noUpdate(); }
        return { day: day, window: win, categories: categories, data_layers: dataLayers };
      },

      layerCounts: function (day, win, dataLayers, countIds, payload) {
        var tl = window.dash_clientside.timeline;
        if (!countIds || !payload || !tl) { return noUpdate(); }
        return withPayload(payload, function (loaded) {
          var counts = tl.counts(day, win, loaded, dataLayers || []) || {};
          return countIds.map(function (cid) {
            var n = counts[cid.layer] || 0;
            return String(n);
          });
        });
      },

      togglePlay: function (_clicks, disabled, value, max, basics) {
        var labels = (basics && basics.labels) || { play: "Play", pause: "Pause" };
        var starting = disabled !== false;
        if (starting && value >= max) {
          // Playing from the last day starts again at the first.
          window.dash_clientside.set_props(IDS.TIMELINE_SLIDER, { value: (basics && basics.day_min) || 0 });
        }
        return starting ? [false, labels.pause, "true"] : [true, labels.play, "false"];
      },

      tick: function (_n, value, max, basics) {
        var labels = (basics && basics.labels) || { play: "Play" };
        if (value === null || value === undefined) { return [0, noUpdate(), noUpdate()]; }
        if (value >= max) { return [noUpdate(), true, labels.play]; }
        return [value + 1, noUpdate(), noUpdate()];
      },

      speed: function (s) { return Math.round(1000 / (s || 1)); },

      navigate: function (lang, themeClicks, modeClicks, basics) {
        // Fires also when a new page inserts these controls: act only on a real change.
        if (!basics) { return noUpdate(); }
        var params = new URLSearchParams(window.location.search);
        var defaults = basics.defaults || {};
        var trig = triggeredId();
        var changed = false;
        if (trig === IDS.LANG_SELECT && lang && lang !== basics.lang) {
          setParam(params, "lang", lang, defaults);
          changed = true;
        }
        if (trig === IDS.THEME_TOGGLE && themeClicks) {
          setParam(params, "theme", basics.theme === "dark" ? "light" : "dark", defaults);
          changed = true;
        }
        if (trig === IDS.MODE_TOGGLE && modeClicks) {
          setParam(params, "mode", basics.mode === "present" ? "explore" : "present", defaults);
          changed = true;
        }
        return changed ? queryString(params) : noUpdate();
      },

      applyDocument: function (basics) {
        if (!basics) { return noUpdate(); }
        if (window.aleppoKeys) { window.aleppoKeys.basics = basics; }
        var root = document.documentElement;
        root.lang = basics.lang || "en";
        root.dir = basics.dir || "ltr";
        root.dataset.theme = basics.theme || "light";
        root.dataset.mode = basics.mode || "explore";
        return null;
      },

      syncUrl: function (day, win, cats, ctx, data, basemap, preset, chart, speed, relayout,
                         incident, days, basics) {
        if (!days || !days.length || !basics) { return noUpdate(); }
        if (window.aleppoKeys) {
          window.aleppoKeys.day = day;
          window.aleppoKeys.min = basics.day_min || 0;
          window.aleppoKeys.max = basics.day_max !== undefined ? basics.day_max : days.length - 1;
        }
        var defaults = basics.defaults || {};
        var trig = triggeredId();
        if (trig === IDS.PRESET_SELECT) { mapView = { center: null, zoom: null }; }
        if (relayout && trig === IDS.MAP_GRAPH) {
          var c = relayout["map.center"], z = relayout["map.zoom"];
          if (c && typeof c.lat === "number") { mapView.center = round(c.lat, 4) + "," + round(c.lon, 4); }
          if (typeof z === "number") { mapView.zoom = round(z, 2); }
        }
        var params = new URLSearchParams(window.location.search);
        if (day !== null && day !== undefined && days[day]) { params.set("date", days[day].iso); }
        setParam(params, "window", win, defaults);
        // Categories absent from the data have no switch; they count as on, as by default.
        var layers = flatLayers([cats, ctx, data, basics.implicit_layers]);
        setParam(params, "layers", encodeLayers(layers, basics.layer_order), defaults);
        setParam(params, "basemap", basemap, defaults);
        setParam(params, "preset", preset, defaults);
        setParam(params, "center", mapView.center, defaults);
        setParam(params, "zoom", mapView.zoom, defaults);
        setParam(params, "incident", incident || basics.incident || null, defaults);
        setParam(params, "speed", speed === undefined || speed === null ? null : String(speed),
                 defaults);
        setParam(params, "chart", chart, defaults);
        var qs = queryString(params);
        if (qs !== window.location.search) {
          window.history.replaceState(window.history.state, "", window.location.pathname + qs);
        }
        // A bundled layer (UCDP GED, the whole of 2016) switched on or off changes the
        // timeline's length: the page is built again for the new link.
        var wide = (basics.wide_layers || []).some(function (l) { return layers.indexOf(l) >= 0; });
        if (trig === IDS.DATA_LAYER_CHECKLIST && wide !== !!basics.wide) {
          window.dash_clientside.set_props(IDS.URL, { search: qs });
        }
        return qs;
      },

      dayFromChart: function (casualtyClick, dailyClick, histogramClick, days) {
        // A click on any chart moves the timeline to the clicked day (customdata holds ISO days).
        var trig = triggeredId();
        var byChart = {};
        byChart[IDS.CASUALTY_CHART] = casualtyClick;
        byChart[IDS.DAILY_CHART] = dailyClick;
        byChart[IDS.HISTOGRAM] = histogramClick;
        var data = byChart[trig];
        if (!data || !data.points || !data.points.length || !days) { return noUpdate(); }
        var p = data.points[0];
        var iso = String(p.customdata !== undefined ? p.customdata : p.x).slice(0, 10);
        for (var i = 0; i < days.length; i++) {
          if (days[i].iso === iso) { return i; }
        }
        return noUpdate();
      },

      share: function () {
        var href = window.location.href;
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(href).catch(function () { return null; });
        }
        return href;
      }
    }
  });
})();
