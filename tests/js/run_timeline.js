// Runs assets/timeline.js under node for tests/test_select_parity.py: reads {payload, cases}
// from stdin, writes one result per case. A minimal `window` stands in for the browser's.
"use strict";
global.window = {};
global.atob = global.atob || function (s) { return Buffer.from(s, "base64").toString("binary"); };
require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const tl = window.dash_clientside.timeline;
const plain = (x) => (ArrayBuffer.isView(x) || Array.isArray(x) ? Array.from(x) : x);
// The parts of a rendered figure the Python still image must equal (figures.map.apply_slice).
function figureSummary(fig) {
    const keys = ["lat", "lon", "customdata", "hovertext", "text", "name", "showlegend"];
    const traces = fig.data.map((t) => {
        const o = {meta: t.meta === undefined ? null : t.meta};
        keys.forEach((k) => { if (t[k] !== undefined) { o[k] = plain(t[k]); } });
        if (t.marker) {
            o.marker = {};
            ["color", "size"].forEach((k) => { if (t.marker[k] !== undefined) { o.marker[k] = plain(t.marker[k]); } });
        }
        return o;
    });
    const style = fig.layout.map && fig.layout.map.style;
    return {traces: traces, styleLayers: style && style.layers ? style.layers.map((l) => l.id) : null};
}
const out = input.cases.map((c) => {
    const s = tl.slice(input.payload, c.day, c.window, c.layers, c.opts);
    return {
        points: Object.fromEntries(Object.entries(s.points).map(([k, v]) => [k, plain(v)])),
        outlines: Object.fromEntries(Object.entries(s.outlines).map(([k, v]) => [k, plain(v)])),
        halos: {lat: plain(s.halos.lat), lon: plain(s.halos.lon)},
        cells: s.cells ? {lat: plain(s.cells.lat), lon: plain(s.cells.lon), z: plain(s.cells.z)} : null,
        aggregated: s.aggregated, capped: s.capped, total: s.total, shown: s.shown,
        in_cells: s.in_cells,
        counts: tl.counts(c.day, c.window, input.payload, c.layers),
        render: c.base ? figureSummary(tl.render(c.day, c.window, c.layers, input.payload, c.base)) : null,
    };
});
process.stdout.write(JSON.stringify(out));
