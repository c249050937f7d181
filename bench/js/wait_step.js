var done = arguments[arguments.length - 1], i = arguments[0], B = window.__bench;
function out(s) { return {ms: s.ms, t0: s.t0, tRender: s.tRender, tIdle: s.tIdle,
                          drawn: s.drawn, target: s.target === undefined ? null : s.target}; }
if (B.steps.length > i) { done(out(B.steps[i])); }
else { B.waiter = function () { done(out(B.steps[i])); }; }
