/*
 * Keyboard control, from anywhere on the page (except while typing in a field):
 *   ← / →  previous / next day (previous / next scene while a briefing scene is on)
 *   Space  play / pause          Home / End  first / last day
 *   1–9    jump to a scene       Esc  close the help, or leave presentation mode
 *   ?      help                  P  presentation mode      F  fullscreen
 *   C      the scene caption on / off, G  the charts strip on / off (presentation mode)
 * Every action goes through the same controls a click would use, so the URL follows.
 * In presentation mode the controls fade out until the pointer moves.
 */
(function () {
  "use strict";
  var IDS = window.dash_clientside.ids;  // every component id, from dashboard/ids.py
  var state = { basics: null, day: 0, min: 0, max: 0 };
  window.aleppoKeys = state;

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function goToScene(n) {
    var b = state.basics;
    if (!b || !b.scenes || n < 1 || n > b.scenes) { return; }
    var params = new URLSearchParams(window.location.search);
    ["date", "window", "layers", "preset", "center", "zoom", "incident"].forEach(function (k) {
      params.delete(k);
    });
    params.set("scene", String(n));
    var qs = "?" + params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
    setProps(IDS.URL, { search: qs });
  }

  function setDay(day) {
    var d = Math.max(state.min, Math.min(state.max, day));
    if (d !== state.day) { setProps(IDS.TIMELINE_SLIDER, { value: d }); }
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); }
  }

  function toggleHelp(force) {
    var el = document.getElementById(IDS.HELP_OVERLAY);
    if (!el) { return false; }
    var show = force === undefined ? el.hidden : force;
    el.hidden = !show;
    if (show) { el.focus(); }
    return true;
  }

  // Presentation-only switches: a class on the root that assets/80-present.css reads. It
  // outlives the page re-render of a scene change, so a hidden caption stays hidden.
  function toggleRootClass(name) {
    document.documentElement.classList.toggle(name);
    // The map and chart resize with their boxes; plotly listens for the window's resize.
    window.dispatchEvent(new Event("resize"));
  }

  function typing(target) {
    if (!target) { return false; }
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) { return; }
    var b = state.basics || {};
    var inScene = b.scene && b.mode === "present";
    var handled = true;
    switch (e.key) {
      case "ArrowRight": if (inScene) { goToScene(b.scene + 1); } else { setDay(state.day + 1); } break;
      case "ArrowLeft": if (inScene) { goToScene(b.scene - 1); } else { setDay(state.day - 1); } break;
      case " ": case "Spacebar": click(IDS.PLAY_BUTTON); break;
      case "Home": setDay(state.min); break;
      case "End": setDay(state.max); break;
      case "?": toggleHelp(); break;
      case "p": case "P": click(IDS.MODE_TOGGLE); break;
      case "c": case "C":
        if (b.mode === "present") { toggleRootClass("caption-off"); } else { handled = false; }
        break;
      case "g": case "G":
        if (b.mode === "present") { toggleRootClass("charts-on"); } else { handled = false; }
        break;
      case "f": case "F":
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (document.documentElement.requestFullscreen) {
          document.documentElement.requestFullscreen().catch(function () { return null; });
        }
        break;
      case "Escape": {
        var help = document.getElementById(IDS.HELP_OVERLAY);
        if (help && !help.hidden) { toggleHelp(false); }
        else if (b.mode === "present") { click(IDS.MODE_TOGGLE); }
        else { handled = false; }
        break;
      }
      default:
        if (/^[1-9]$/.test(e.key)) { goToScene(Number(e.key)); } else { handled = false; }
    }
    if (handled) { e.preventDefault(); }
  });

  var idleTimer = null;
  function wake() {
    document.documentElement.classList.remove("pointer-idle");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      document.documentElement.classList.add("pointer-idle");
    }, 2500);
  }
  document.addEventListener("mousemove", wake, { passive: true });
  document.addEventListener("keydown", wake, { passive: true });
})();
