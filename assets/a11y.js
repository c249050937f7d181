/*
 * Accessible names for controls whose Dash components take no aria-* props (dcc.Slider): the
 * label elements are in the layout, and this links them up whenever the page is (re)rendered.
 * Map: container id -> id of the element that names it. (Selects, checkboxes and radios are
 * native elements named by their <label for>, dashboard/components/controls.py.)
 */
(function () {
  "use strict";
  var NAMES = {
    "timeline-slider": "timeline-slider-label"
  };

  // Radio groups outside a fieldset: the container becomes a named radiogroup.
  var GROUPS = {
    "export-view": "export-view-label",
    "export-format": "export-format-label",
    "export-preset": "export-preset-label",
    "export-scale": "export-scale-label"
  };

  function label() {
    Object.keys(GROUPS).forEach(function (id) {
      var box = document.getElementById(id);
      if (box && box.getAttribute("aria-labelledby") !== GROUPS[id]) {
        box.setAttribute("role", "radiogroup");
        box.setAttribute("aria-labelledby", GROUPS[id]);
      }
    });
    Object.keys(NAMES).forEach(function (id) {
      var box = document.getElementById(id);
      if (!box || !document.getElementById(NAMES[id])) { return; }
      box.querySelectorAll("[role=slider], [role=combobox], input, button").forEach(function (el) {
        if (el.getAttribute("aria-labelledby") !== NAMES[id]) {
          el.setAttribute("aria-labelledby", NAMES[id]);
        }
      });
    });
  }

  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", label);
})();
