/*
 * Accessible names for controls whose Dash components take no aria-* props (dcc.Slider): the
 * label elements are in the layout, and this links them up whenever the page is (re)rendered.
 * Map: container id -> id of the element that names it. (Selects, checkboxes and radios are
 * native elements named by their <label for>, dashboard/components/controls.py.)
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

  // Sheets (layer panel, details): open on wide screens, folded on phones so the map comes
  // first; the details sheet opens by itself when an incident is chosen.
  var PHONE = "(max-width: 900px)", shownTitle = null;
  function sheets() {
    var phone = window.matchMedia && window.matchMedia(PHONE).matches;
    document.querySelectorAll("details.sheet:not([data-sheet])").forEach(function (el) {
      el.setAttribute("data-sheet", "1");
      el.open = !phone;
    });
    var title = document.querySelector("#" + IDS.INCIDENT_DETAILS + " .details-title");
    var text = title ? title.textContent : null;
    if (text && text !== shownTitle) {
      var sheet = title.closest("details.sheet");
      if (sheet && shownTitle !== null) { sheet.open = true; }
    }
    shownTitle = text || "";
  }

  // A scene's inset map is a still picture named by its container (role="img", "Inset map:
  // …"); MapLibre still makes its canvas a focusable region called "Map", a second "Map"
  // landmark with nothing to do by keyboard (staticPlot). It is left out of the tab order and
  // of the accessibility tree: the container's name says what it shows.
  function quietInset() {
    var box = document.getElementById(IDS.SCENE_INSET);
    if (!box) { return; }
    box.querySelectorAll("canvas").forEach(function (canvas) {
      if (canvas.getAttribute("aria-hidden") !== "true") {
        canvas.setAttribute("aria-hidden", "true");
        canvas.setAttribute("tabindex", "-1");
      }
    });
  }

  function onChange() { label(); sheets(); quietInset(); }
  new MutationObserver(onChange).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", onChange);
})();

/*
 * The incident list (dashboard/components/incident_list.py): one button per incident point of
 * the drawn map, labelled with the point's own hover line; a button sets the map's clickData,
 * so the details panel opens as for a click on the point.
 */
(function () {
  "use strict";
  var IDS = window.dash_clientside.ids;  // every component id, from dashboard/ids.py
  var MAX_ITEMS = 300;  // aggregated imports draw cells, not points; the list stays short
  var lastList = null;

  function plain(text) {  // hover lines may hold <br> and <b>: the list shows text only
    var box = document.createElement("div");
    box.innerHTML = String(text || "").replace(/<br\s*\/?>/gi, " · ");
    return box.textContent;
  }

  function li(row, text, current) {
    return {
      type: "Li", namespace: "dash_html_components", props: {
        children: {
          type: "Button", namespace: "dash_html_components", props: {
            id: { type: IDS.INCIDENT_ITEM, row: row }, n_clicks: 0, type: "button",
            "aria-current": current ? "true" : undefined, dir: "auto", children: text
          }
        }
      }
    };
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    a11y: {
      // What the map shows (assets/native.js `shown`: plotly's trace or the map's own points).
      incidentList: function (_drawn, _figure, selected) {
        var points = window.aleppoMap ? window.aleppoMap.shown() : [];
        if (!points.length) { lastList = null; return []; }
        var n = Math.min(points.length, MAX_ITEMS), items = [];
        // The same points (a new selection redraws the map, not its points): keep the list,
        // and with it the keyboard focus on the button just used.
        var key = points.slice(0, n).map(function (p) { return p.row; }).join(",") + "|" + points.length;
        if (key === lastList) { return window.dash_clientside.no_update; }
        lastList = key;
        for (var i = 0; i < n; i++) { items.push(li(points[i].row, plain(points[i].text), false)); }
        return items;
      },
      step: function (_prev, _next, value, max, min) {
        var ctx = window.dash_clientside.callback_context;
        var trig = ctx && ctx.triggered && ctx.triggered[0];
        if (!trig || !trig.value) { return window.dash_clientside.no_update; }
        var delta = trig.prop_id.indexOf(IDS.TIMELINE_PREV) === 0 ? -1 : 1;
        var day = Math.max(min || 0, Math.min(max, (value || 0) + delta));
        return day === value ? window.dash_clientside.no_update : day;
      },
      pickIncident: function (clicks) {
        var ctx = window.dash_clientside.callback_context;
        var trig = ctx && ctx.triggered && ctx.triggered[0];
        if (!trig || !trig.value) { return window.dash_clientside.no_update; }
        var id = JSON.parse(trig.prop_id.split(".")[0]);
        return { points: [{ customdata: id.row }] };
      }
    }
  });
})();
