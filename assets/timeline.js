/*
 * The map timeline, computed in the browser (Dash clientside callbacks).
 *
 * Why clientside: a server round trip that returns a whole map figure per timeline step costs
 * ~1 s at 100,000 events. The payload (dashboard/timeline.py) arrives once; each step slices
 * its typed arrays with a binary search over start days and hands plotly only what is visible.
 * The selection rules (windows, layers, aggregation, halos) are stated in dashboard/filters.py;
 * `select` below is their browser copy and dashboard/timeline.py `slice_for_view` the Python
 * mirror of `slice`. tests/test_select_parity.py runs this file under node against them.
 *
 * No eval, no inline script: this file is served as a static asset (CSP-friendly).
 * One file (about 540 lines) on purpose: select, slice, render and counts share the decoded
 * payload and its caches, and node loads this one file for the parity test.
 */
(function () {
    "use strict";

    var DTYPES = {
        f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array,
        i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array
    };
    var ROLE = {
        points: "incident-points", outlines: "incident-outlines",
        halos: "incident-halos", cells: "incident-cells", selectedHalo: "incident-halo-selected"
    };
    var INCIDENT_ROLES = {};
    Object.keys(ROLE).forEach(function (k) { INCIDENT_ROLES[ROLE[k]] = true; });
    var EARTH_M_PER_DEG = 111320.0;
    var CURATED = "curated";
    var DATA_LAYER_PREFIX = "data:";
    // Decoded once per payload: the Store hands the same object to every step.
    var decodedByPayload = new WeakMap();
    var lastDecoded = null;

    function noUpdate() {
        var dc = window.dash_clientside;
        return dc && dc.no_update !== undefined ? dc.no_update : null;
    }

    // A payload array as a typed array: already one when the payload came from `load`, else
    // base64 (plotly's {dtype, bdata}). Little-endian, as is every browser platform.
    function decodeArray(spec) {
        if (ArrayBuffer.isView(spec)) { return spec; }
        var binary = atob(spec.bdata);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        return new DTYPES[spec.dtype](bytes.buffer);
    }

    function lowerBound(arr, x) {  // first position with arr[p] >= x
        var lo = 0, hi = arr.length;
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (arr[mid] < x) { lo = mid + 1; } else { hi = mid; } }
        return lo;
    }

    function upperBound(arr, x) {  // first position with arr[p] > x
        var lo = 0, hi = arr.length;
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (arr[mid] <= x) { lo = mid + 1; } else { hi = mid; } }
        return lo;
    }

    // Cell counts of the first p events are a checkpoint row plus at most `step` events more,
    // so a step costs O(cells + step) instead of O(events).
    function buildCellCheckpoints(D) {
        var cell = D.a.cell, n = cell.length, nc = D.nCells;
        var step = Math.max(4096, Math.ceil(n / 64));
        var rows = Math.floor(n / step) + 1;
        var table = new Int32Array(rows * nc);
        var running = new Int32Array(nc);
        for (var r = 1; r < rows; r++) {
            for (var i = (r - 1) * step; i < r * step; i++) { running[cell[i]]++; }
            table.set(running, r * nc);
        }
        D.checkpointStep = step;
        D.checkpoints = table;
    }

    // Per-category counts of events started on or before each day (O(categories) totals).
    function buildCategoryDays(D) {
        var a = D.a, n = a.start.length, nc = D.payload.categories.length;
        var dayLo = n ? a.start[0] : 0, dayHi = n ? a.start[n - 1] : 0;
        var days = dayHi - dayLo + 1;
        var table = new Int32Array(days * nc);
        for (var i = 0; i < n; i++) { table[(a.start[i] - dayLo) * nc + a.category[i]]++; }
        for (var d = 1; d < days; d++) {
            for (var c = 0; c < nc; c++) { table[d * nc + c] += table[(d - 1) * nc + c]; }
        }
        D.dayLo = dayLo; D.dayHi = dayHi; D.categoryDays = table;
    }

    function decode(payload) {
        var hit = decodedByPayload.get(payload);
        if (hit) { return hit; }
        if (lastDecoded && lastDecoded.id === payload.id) {
            decodedByPayload.set(payload, lastDecoded);
            return lastDecoded;
        }
        var a = {};
        Object.keys(payload.arrays).forEach(function (key) { a[key] = decodeArray(payload.arrays[key]); });
        var D = {id: payload.id, payload: payload, meta: payload.meta, a: a, dateCache: {}};
        buildCategoryDays(D);
        if (payload.cells) {
            D.nCells = payload.cells.n;
            // Plain arrays, built once and reused every step, so plotly sees the same lat/lon.
            D.cellLat = Array.from(decodeArray(payload.cells.lat));
            D.cellLon = Array.from(decodeArray(payload.cells.lon));
            buildCellCheckpoints(D);
        }
        decodedByPayload.set(payload, D);
        lastDecoded = D;
        return D;
    }

    /*
     * The payload as its own resource (dashboard/payload_resource.py). The page's store holds
     * only a reference {id, url, bytes}; `load(ref)` fetches the body once per page (the
     * browser's cache keeps it across visits: its URL names its content) and views its
     * arrays in place as typed arrays. `loaded(ref)` is the payload once it has arrived (else
     * null), so a timeline step never waits on a promise.
     */
    var loads = {};  // url -> {promise, payload}

    function unpack(buffer) {
        var head = new DataView(buffer, 0, 8);
        var magic = String.fromCharCode(head.getUint8(0), head.getUint8(1), head.getUint8(2), head.getUint8(3));
        if (magic !== "ATLP") { throw new Error("timeline payload: unknown format"); }
        var size = head.getUint32(4, true);
        var payload = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, size)));
        var view = function (e) { return new DTYPES[e.dtype](buffer, e.offset, e.length); };
        Object.keys(payload.arrays).forEach(function (key) { payload.arrays[key] = view(payload.arrays[key]); });
        if (payload.cells) {
            payload.cells.lat = view(payload.cells.lat);
            payload.cells.lon = view(payload.cells.lon);
        }
        return payload;
    }

    function load(ref) {
        if (!ref || !ref.url) { return Promise.reject(new Error("timeline payload: no reference")); }
        var entry = loads[ref.url];
        if (!entry) {
            entry = loads[ref.url] = {payload: null};
            entry.promise = fetch(ref.url, {credentials: "same-origin"}).then(function (response) {
                if (!response.ok) { throw new Error("timeline payload: HTTP " + response.status); }
                return response.arrayBuffer();
            }).then(function (buffer) {
                entry.payload = unpack(buffer);
                return entry.payload;
            }, function (err) {
                delete loads[ref.url];  // a later step tries again
                throw err;
            });
        }
        return entry.promise;
    }

    function loaded(ref) {
        if (ref && ref.arrays) { return ref; }  // a payload itself (tests, older pages)
        var entry = ref && ref.url ? loads[ref.url] : null;
        return entry ? entry.payload : null;
    }

    // Start fetching as soon as the page names the payload (see the <link rel=preload>).
    function preload() {
        if (typeof document === "undefined") { return; }
        var link = document.querySelector('link[rel="preload"][data-timeline-payload]');
        if (link) { load({url: link.getAttribute("href")}).catch(function () { return null; }); }
    }

    function toSet(list) {
        var set = {};
        (list || []).forEach(function (x) { set[x] = true; });
        return set;
    }

    function enabledTables(D, layerSet) {
        var p = D.payload, allOn = true;
        var catOn = p.categories.map(function (c) { allOn = allOn && !!layerSet[c]; return !!layerSet[c]; });
        var dsOn = p.datasets.map(function (d) {
            var on = d === CURATED || !!layerSet[DATA_LAYER_PREFIX + d];
            allOn = allOn && on;
            return on;
        });
        return {catOn: catOn, dsOn: dsOn, allOn: allOn};
    }

    function collect(D, en, lo, hi, endAtLeast) {
        var a = D.a, out = [];
        for (var i = lo; i < hi; i++) {
            if (endAtLeast !== null && a.end[i] < endAtLeast) { continue; }
            if (en.allOn || (en.catOn[a.category[i]] && en.dsOn[a.dataset[i]])) { out.push(i); }
        }
        return out;
    }

    function countCells(D, en, cut) {
        var a = D.a, nc = D.nCells, counts = new Int32Array(nc), from = 0;
        if (en.allOn) {
            var row = Math.floor(cut / D.checkpointStep);
            counts.set(D.checkpoints.subarray(row * nc, (row + 1) * nc));
            from = row * D.checkpointStep;
        }
        for (var i = from; i < cut; i++) {
            if (en.allOn || (en.catOn[a.category[i]] && en.dsOn[a.dataset[i]])) { counts[a.cell[i]]++; }
        }
        return counts;
    }

    // The core rule (filters.select_sorted, through timeline.select_positions): sorted positions
    // shown as points, and per-cell counts of the older events when the cumulative window is
    // aggregated. Day "day": start <= d <= end; "cumulative": start <= d (inclusive edges).
    function select(D, day, windowMode, layerSet) {
        var a = D.a, meta = D.meta, limit = meta.point_threshold;
        var en = enabledTables(D, layerSet);
        var hi = upperBound(a.start, day);
        var res = {aggregated: false, capped: false, cellCounts: null, points: [], total: 0};
        if (windowMode === "day") {
            var pos = collect(D, en, lowerBound(a.start, day - meta.max_span), hi, day);
            res.total = pos.length;
            res.capped = pos.length > limit;
            res.points = res.capped ? pos.slice(pos.length - limit) : pos;
            return res;
        }
        res.total = en.allOn ? hi : countEnabled(D, en, day, hi);
        if (!meta.aggregate || res.total <= limit) {
            res.points = collect(D, en, 0, hi, null);
            return res;
        }
        var recent = collect(D, en, lowerBound(a.start, day - meta.current_week_days + 1), hi, null);
        res.capped = recent.length > limit;
        res.points = res.capped ? recent.slice(recent.length - limit) : recent;
        res.aggregated = true;
        res.cellCounts = countCells(D, en, res.points.length ? res.points[0] : hi);
        return res;
    }

    function countEnabled(D, en, day, hi) {
        var datasetsOn = en.dsOn.every(Boolean);
        if (!datasetsOn) { return collect(D, en, 0, hi, null).length; }
        var nc = D.payload.categories.length, total = 0;
        if (day < D.dayLo) { return 0; }
        var row = Math.min(day, D.dayHi) - D.dayLo;
        for (var c = 0; c < nc; c++) { if (en.catOn[c]) { total += D.categoryDays[row * nc + c]; } }
        return total;
    }

    function isoDay(D, dayIndex) {
        var hit = D.dateCache[dayIndex];
        if (hit) { return hit; }
        var p = D.meta.first_day.split("-");
        var iso = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + dayIndex)).toISOString().slice(0, 10);
        D.dateCache[dayIndex] = iso;
        return iso;
    }

    // Hover line for large imports, as timeline._js_hover writes it: date · category · place · killed.
    function hoverLine(D, i, labels, strings, fmt) {
        var a = D.a, when = isoDay(D, a.start[i]);
        if (a.end[i] !== a.start[i]) { when += "\u2013" + isoDay(D, a.end[i]); }
        var place = D.payload.places && a.place ? D.payload.places[a.place[i]] : "";
        var k = a.killed[i];
        var killed = isNaN(k) ? strings.unreported : strings.killed.replace("{n}", fmt.format(k));
        return [when, labels[a.category[i]], place, killed].filter(Boolean).join(" \u00b7 ");
    }

    // hoverFor(D, opts)(i): the hover line of payload position i in opts.lang (the server's
    // lines for few events, else written from the arrays).
    function hoverFor(D, opts) {
        opts = opts || {};
        var p = D.payload, lang = opts.lang || "en";
        var hover = p.hover ? (p.hover[lang] || p.hover.en) : null;
        if (hover) { return function (i) { return hover[i]; }; }
        var labels = opts.labels || p.categories;
        var strings = opts.strings || {killed: "{n} killed (best estimate)", unreported: "killed: not reported"};
        var fmt = new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB");
        return function (i) { return hoverLine(D, i, labels, strings, fmt); };
    }

    // Fixed sqrt scale from the whole dataset (timeline.marker_sizes): nothing rescales per step.
    function markerSize(meta, killed) {
        var px = meta.size_px;
        if (isNaN(killed)) { return px.unreported; }
        var top = meta.max_killed > 0 ? Math.sqrt(meta.max_killed) : 1;
        return px.min + (px.max - px.min) * Math.sqrt(Math.max(killed, 0)) / top;
    }

    // The positions among `pos` (the points shown) that get a precision halo
    // (filters.halos_shown): the layer on, not too many points, and a radius up to district
    // size (wider ones only for the selected incident: render).
    function haloPositions(D, pos, layerSet) {
        var a = D.a, meta = D.meta, wide = meta.halo_wide_m || Infinity;
        if (!layerSet.halos || pos.length === 0 || pos.length > meta.halo_limit) { return []; }
        return pos.filter(function (i) { return a.radius[i] > 0 && a.radius[i] <= wide; });
    }

    function haloRings(lat, lon, radius, vertices) {
        var outLat = [], outLon = [];
        for (var i = 0; i < lat.length; i++) {
            var r = radius[i];
            if (!(r > 0)) { continue; }
            var dLat = r / EARTH_M_PER_DEG, dLon = r / (EARTH_M_PER_DEG * Math.cos(lat[i] * Math.PI / 180));
            for (var k = 0; k <= vertices; k++) {
                var t = 2 * Math.PI * k / vertices;
                outLat.push(lat[i] + dLat * Math.sin(t));
                outLon.push(lon[i] + dLon * Math.cos(t));
            }
            outLat.push(null);
            outLon.push(null);
        }
        return {lat: outLat, lon: outLon};
    }

    /*
     * slice(payload, dayIndex, windowMode, layers, opts) -> the same shape as
     * timeline.slice_for_view: {points: {lat, lon, color, size, customdata, hovertext},
     * outlines: {lat, lon, color, size}, halos: {lat, lon}, cells: {lat, lon, z} | null,
     * aggregated, capped, total, shown, in_cells}.
     * opts: {lang, ink, unreported, labels: [category labels], strings: {killed, unreported}}.
     */
    function slice(payload, dayIndex, windowMode, layers, opts) {
        opts = opts || {};
        var D = decode(payload), a = D.a, meta = D.meta, p = D.payload;
        var layerSet = toSet(layers);
        var s = select(D, dayIndex, windowMode, layerSet);
        var pos = s.points, n = pos.length;
        var hoverText = hoverFor(D, opts);
        var pts = {lat: new Array(n), lon: new Array(n), color: new Array(n), size: new Array(n),
                   customdata: new Array(n), hovertext: new Array(n)};
        var ol = {lat: [], lon: [], color: [], size: []};
        var ink = opts.ink || "#1a1a1a", unreported = opts.unreported || "#8a8a8a";
        for (var j = 0; j < n; j++) {
            var i = pos[j], c = a.category[i];
            pts.lat[j] = a.lat[i];
            pts.lon[j] = a.lon[i];
            pts.color[j] = p.colours[c];
            pts.size[j] = markerSize(meta, a.killed[i]);
            pts.customdata[j] = a.row[i];
            pts.hovertext[j] = hoverText(i);
            if (p.ringed[c] || isNaN(a.killed[i])) {
                ol.lat.push(a.lat[i]);
                ol.lon.push(a.lon[i]);
                ol.color.push(p.ringed[c] ? ink : unreported);
                ol.size.push(pts.size[j] + 4);
            }
        }
        var out = {points: pts, outlines: ol, halos: {lat: [], lon: []}, cells: null,
                   aggregated: s.aggregated, capped: s.capped, total: s.total, shown: n, in_cells: 0};
        var ringed = haloPositions(D, pos, layerSet);
        if (ringed.length) {
            var at = function (arr) { return ringed.map(function (i) { return arr[i]; }); };
            out.halos = haloRings(at(a.lat), at(a.lon), at(a.radius), meta.halo_vertices);
        }
        if (s.cellCounts) {
            var inCells = 0;
            for (var k = 0; k < s.cellCounts.length; k++) { inCells += s.cellCounts[k]; }
            out.cells = {lat: D.cellLat, lon: D.cellLon, z: s.cellCounts};
            out.in_cells = inCells;
        }
        return out;
    }

    // Replace one incident trace's arrays, on a copy (the base figure is never changed).
    function withArrays(trace, values) {
        var copy = Object.assign({}, trace, values.top || {});
        if (values.marker) { copy.marker = Object.assign({}, trace.marker, values.marker); }
        return copy;
    }

    function cellsTrace(trace, s, settings) {
        var cells = s.cells;
        if (!cells) { return withArrays(trace, {top: {lat: [], lon: [], z: [], text: [], showlegend: false}}); }
        if (trace.type === "densitymap") {
            // Same lat/lon arrays every step; only z changes.
            return withArrays(trace, {top: {lat: cells.lat, lon: cells.lon, z: Array.from(cells.z), showlegend: true}});
        }
        var lat = [], lon = [], size = [], text = [], top = settings.cell_max || 1;
        for (var k = 0; k < cells.z.length; k++) {
            var count = cells.z[k];
            if (count === 0) { continue; }
            lat.push(cells.lat[k]);
            lon.push(cells.lon[k]);
            text.push(count);
            size.push(settings.cell_min_px + (settings.cell_max_px - settings.cell_min_px) * Math.sqrt(count / top));
        }
        return withArrays(trace, {top: {lat: lat, lon: lon, text: text, showlegend: true}, marker: {size: size}});
    }

    /*
     * render(dayIndex, windowMode, layers, payload, baseFigure) -> a new map figure.
     * dayIndex: days since payload.meta.first_day; windowMode: "day" | "cumulative";
     * layers: list of layer ids (categories, context layers, "halos", "data:<dataset>");
     * payload: from timeline.build_timeline_payload; baseFigure: figures.map.make_map_figure;
     * selected: timeline.selected_halo of the selected incident, or null.
     * native (assets/native.js): the incidents are drawn by the map's style, not by plotly:
     * {rows: Set of the rows shown, sources, layers: style additions, below: a layer id}. The
     * incident traces then stay empty and the selected halo goes below the native points.
     */
    function render(dayIndex, windowMode, layers, payload, baseFigure, selected, native) {
        if (dayIndex === null || dayIndex === undefined || !windowMode || !layers ||
                !payload || !payload.arrays || !baseFigure || !baseFigure.data) {
            return noUpdate();
        }
        var layout = baseFigure.layout || {};
        var settings = (layout.meta && layout.meta.timeline) || {};
        var s = native ? null : slice(payload, Number(dayIndex), windowMode, layers, settings);
        var layerSet = toSet(layers);
        var isShown = function (row) {
            return native ? native.rows.has(row) : s.points.customdata.indexOf(row) >= 0;
        };
        var hoverDays = (layout.meta && layout.meta.context_hover) || {};
        var data = [];
        baseFigure.data.forEach(function (trace) {
            // Roles live in trace.meta: plotly.py drops `uid` when it serialises a figure.
            var role = typeof trace.meta === "string" ? trace.meta : "";
            var ctx = /^ctx-([a-z_]+)/.exec(role);
            if (ctx && !layerSet[ctx[1]]) { return; }  // context layer switched off: left out
            if (native && INCIDENT_ROLES[role] && role !== ROLE.selectedHalo) {
                data.push(trace);  // empty, as in the base figure
            } else if (role === ROLE.points) {
                var name = s.capped && settings.strings ? settings.strings.capped
                    .replace("{shown}", s.shown).replace("{total}", s.total) : trace.name;
                data.push(withArrays(trace, {
                    top: {lat: s.points.lat, lon: s.points.lon, customdata: s.points.customdata,
                          hovertext: s.points.hovertext, name: name, showlegend: s.capped},
                    marker: {color: s.points.color, size: s.points.size}
                }));
            } else if (role === ROLE.outlines) {
                data.push(withArrays(trace, {top: {lat: s.outlines.lat, lon: s.outlines.lon},
                                             marker: {color: s.outlines.color, size: s.outlines.size}}));
            } else if (role === ROLE.halos) {
                data.push(withArrays(trace, {top: {lat: s.halos.lat, lon: s.halos.lon}}));
            } else if (role === ROLE.selectedHalo) {
                // Emphasised, whatever its radius, while the selected incident is on the map.
                var shown = selected && layerSet.halos && isShown(selected.row);
                var top = shown ? {lat: selected.lat, lon: selected.lon} : {lat: [], lon: []};
                if (native) { top.below = native.below; }  // under the map's own points
                data.push(withArrays(trace, {top: top}));
            } else if (role === ROLE.cells) {
                data.push(cellsTrace(trace, s, settings));
            } else if (hoverDays[role] && native) {
                return;  // the map's own hover points answer for the day (native.js)
            } else if (hoverDays[role]) {
                data.push(hoverOnDay(trace, hoverDays[role], Number(dayIndex)));
            } else {
                data.push(trace);
            }
        });
        return {data: data, layout: withoutContextLayers(layout, layerSet, native)};
    }

    // A context layer's hover points for one day (figures/map_layers.periodic_context_style
    // gives each point its day ranges "lo-hi,…"). Kept per trace and period, so an unchanged
    // day hands plotly the same arrays.
    var hoverCache = new WeakMap();
    // Whether `day` is in "lo-hi,lo-hi,…" (the day ranges a context feature belongs to).
    function inRanges(text, day) {
        return String(text).split(",").some(function (range) {
            var ends = range.split("-");
            return day >= Number(ends[0]) && day <= Number(ends[1]);
        });
    }
    function hoverOnDay(trace, ranges, day) {
        var byKey = hoverCache.get(trace);
        if (!byKey) { byKey = {}; hoverCache.set(trace, byKey); }
        var keep = ranges.map(function (text) { return inRanges(text, day); });
        var key = keep.map(Number).join("");
        if (!byKey[key]) {
            var pick = function (arr) { return (arr || []).filter(function (_, i) { return keep[i]; }); };
            byKey[key] = withArrays(trace, {top: {lat: pick(trace.lat), lon: pick(trace.lon),
                                                  hovertext: pick(trace.hovertext)}});
        }
        return byKey[key];
    }

    // Context drawn by the map style (figures/map_layers.py): a switched-off layer's style
    // layers are left out by the same "ctx-<layer>" prefix. Unchanged switches give an equal
    // style, which plotly leaves alone (it compares styles as JSON).
    // With `native`, the incidents' own sources and layers are added on top of the style.
    function withoutContextLayers(layout, layerSet, native) {
        var out = Object.assign({}, layout);
        var style = layout.map && layout.map.style;
        if (!style || !style.layers) { return out; }
        var layers = style.layers.filter(function (layer) {
            var ctx = /^ctx-([a-z_]+)/.exec(layer.id || "");
            return !ctx || layerSet[ctx[1]];
        });
        var sources = style.sources;
        if (native) {
            layers = layers.concat(native.layers);
            sources = Object.assign({}, sources, native.sources);
        }
        out.map = Object.assign({}, layout.map, {style: Object.assign({}, style, {layers: layers, sources: sources})});
        return out;
    }

    /* counts(dayIndex, windowMode, payload) -> {category: number of mapped events in the window}
     * (category switches ignored, so the layer panel can show what switching on would add). */
    function counts(dayIndex, windowMode, payload, layers) {
        if (dayIndex === null || dayIndex === undefined || !windowMode || !payload || !payload.arrays) {
            return noUpdate();
        }
        var D = decode(payload), a = D.a, cats = payload.categories, day = Number(dayIndex);
        var out = {};
        cats.forEach(function (c) { out[c] = 0; });
        var hi = upperBound(a.start, day);
        // Imported datasets switched off are not counted (a category count says what switching
        // the category on would show, with the data that is on).
        var dsOn = null;
        if (layers) {
            var set = toSet(layers);
            dsOn = payload.datasets.map(function (d) { return d === CURATED || !!set[DATA_LAYER_PREFIX + d]; });
            if (dsOn.every(Boolean)) { dsOn = null; }
        }
        var i;
        if (windowMode === "day") {
            for (i = lowerBound(a.start, day - D.meta.max_span); i < hi; i++) {
                if (a.end[i] >= day && (!dsOn || dsOn[a.dataset[i]])) { out[cats[a.category[i]]]++; }
            }
        } else if (dsOn) {
            for (i = 0; i < hi; i++) { if (dsOn[a.dataset[i]]) { out[cats[a.category[i]]]++; } }
        } else if (day >= D.dayLo && hi > 0) {
            var row = Math.min(day, D.dayHi) - D.dayLo;
            cats.forEach(function (c, k) { out[c] = D.categoryDays[row * cats.length + k]; });
        }
        return out;
    }

    /* moveDateMarker(figure, isoDate) -> a copy of a chart figure whose shape named
     * "date-marker" sits at isoDate (a vertical line: x0 = x1 = isoDate). */
    function moveDateMarker(figure, isoDate) {
        if (!figure || !isoDate) { return noUpdate(); }
        var layout = Object.assign({}, figure.layout);
        layout.shapes = ((figure.layout && figure.layout.shapes) || []).map(function (shape) {
            return shape.name === "date-marker" ? Object.assign({}, shape, {x0: isoDate, x1: isoDate}) : shape;
        });
        return Object.assign({}, figure, {layout: layout});
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        timeline: {render: render, counts: counts, moveDateMarker: moveDateMarker, slice: slice,
                   load: load, loaded: loaded,
                   // for assets/native.js, which draws the same selection through MapLibre
                   internals: {decode: decode, select: select, toSet: toSet, hoverFor: hoverFor,
                               markerSize: markerSize, haloRings: haloRings, haloPositions: haloPositions,
                               inRanges: inRanges, enabledTables: enabledTables}}
    });
    preload();
}());
