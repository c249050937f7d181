// Runs assets/timeline.js under node for tests/test_select_parity.py: reads {payload, cases}
// from stdin, writes one result per case. A minimal `window` stands in for the browser's.
"use strict";
global.window = {};
global.atob = global.atob || function (s) { return Buffer.from(s, "base64").toString("binary"); };
require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const tl = window.dash_clientside.timeline;
const plain = (x) => (x && typeof x.length === "number" ? Array.from(x) : x);
const out = input.cases.map((c) => {
    const s = tl.slice(input.payload, c.day, c.window, c.layers, c.opts);
    return {
        points: Object.fromEntries(Object.entries(s.points).map(([k, v]) => [k, plain(v)])),
        outlines: Object.fromEntries(Object.entries(s.outlines).map(([k, v]) => [k, plain(v)])),
        halos: {lat: plain(s.halos.lat), lon: plain(s.halos.lon)},
        cells: s.cells ? {lat: plain(s.cells.lat), lon: plain(s.cells.lon), z: plain(s.cells.z)} : null,
        aggregated: s.aggregated, capped: s.capped, total: s.total, shown: s.shown,
        in_cells: s.in_cells,
        counts: tl.counts(c.day, c.window, input.payload),
    };
});
process.stdout.write(JSON.stringify(out));
