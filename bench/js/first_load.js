// What the page load did up to the first paint: requests, bytes, Dash callbacks, long tasks.
var B = window.__bench, fp = B.firstPaint;
var nav = performance.getEntriesByType('navigation')[0] || null;
var res = performance.getEntriesByType('resource').filter(function (e) { return e.startTime <= fp; });
var bytes = nav ? (nav.transferSize || 0) : 0;
res.forEach(function (e) { bytes += e.transferSize || 0; });
var callbacks = B.sent.filter(function (s) {
  return s.t <= fp && s.url.indexOf('_dash-update-component') >= 0;
}).length;
var longMs = 0, longN = 0;
(B.longTasks || []).forEach(function (t) { if (t[0] <= fp) { longMs += t[1]; longN += 1; } });
var slowest = res.slice().sort(function (a, b) { return b.duration - a.duration; }).slice(0, 6)
  .map(function (e) {
    return {path: new URL(e.name).pathname.slice(0, 60), start: Math.round(e.startTime),
            ms: Math.round(e.duration), bytes: e.transferSize || 0};
  });
return {bytes: bytes, requests: res.length + 1, callbacks: callbacks,
        long_tasks: longN, long_task_ms: Math.round(longMs),
        dom_content_loaded_ms: nav ? Math.round(nav.domContentLoadedEventEnd) : null,
        slowest: slowest};
