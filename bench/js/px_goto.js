var done = arguments[arguments.length - 1], start = arguments[0], B = window.__bench;
var gd = document.getElementById('gd');
B.frameNames = gd._transitionData._frames.map(function (f) { return f.name; });
var i = B.frameNames.indexOf(start);
if (i < 0) { i = 0; }
B.index = i;
var map = gd._fullLayout.map._subplot.map;
Plotly.animate(gd, [B.frameNames[i]], {frame: {duration: 0, redraw: true},
                                       transition: {duration: 0}, mode: 'immediate'})
  .then(function () { setTimeout(function () {
      if (map.loaded()) { done([i, B.frameNames.length]); }
      else { map.once('idle', function () { done([i, B.frameNames.length]); }); }
  }, 50); });
