var B = window.__bench;
var res = performance.getEntriesByType('resource').map(function (e) {
  return {name: e.name, start: e.startTime, transfer: e.transferSize || 0,
          type: e.initiatorType};
});
var mem = performance.memory ? performance.memory.usedJSHeapSize : null;
return {resources: res, sent: B.sent, longTasks: B.longTasks, heap: mem, maps: B.maps, lateAttach: B.lateAttach,
        plotly: window.Plotly ? window.Plotly.version : null,
        keysDay: window.aleppoKeys ? window.aleppoKeys.day : null, index: B.index,
        now: performance.now()};
