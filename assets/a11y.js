/*
 * Accessible names for controls whose Dash components take no aria-* props (dcc.Slider,
 * dcc.Dropdown): the label elements are in the layout, and this links them up whenever the
 * page is (re)rendered. Map: container id -> id of the element that names it.
 */
(function () {
  "use strict";
  var IDS = window.dash_clientside.ids;  // every component id, from dashboard/ids.py
  var NAMES = {};
  NAMES[IDS.TIMELINE_SLIDER] = IDS.TIMELINE_SLIDER_LABEL;
  NAMES[IDS.LANG_SELECT] = IDS.LANG_SELECT_LABEL;
  NAMES[IDS.SPEED_SELECT] = IDS.SPEED_SELECT_LABEL;

  // Radio groups outside a fieldset: the container becomes a named radiogroup.
  var GROUPS = {};
  GROUPS[IDS.EXPORT_VIEW] = IDS.EXPORT_VIEW_LABEL;
  GROUPS[IDS.EXPORT_FORMAT] = IDS.EXPORT_FORMAT_LABEL;
  GROUPS[IDS.EXPORT_PRESET] = IDS.EXPORT_PRESET_LABEL;
  GROUPS[IDS.EXPORT_SCALE] = IDS.EXPORT_SCALE_LABEL;

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
