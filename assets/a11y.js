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
 *
 * The buttons are plain elements made here, not Dash components: Dash's renderer took 0.75 to
 * 0.9 s of main-thread time to mount 300 of them, a long task after every step once a day
 * shows that many points (100,000 events; measured with the long-task observer), in which a
 * second key press waited. The list is made while it is open, and again after each drawing
 * of the map (app.js calls `refresh` on the map's "idle"); closed, it costs nothing.
 */
(function () {
  "use strict";
  var IDS = window.dash_clientside.ids;  // every component id, from dashboard/ids.py
  var MAX_ITEMS = 300;  // aggregated imports draw cells, not points; the list stays short

  function plain(text) {  // hover lines may hold <br> and <b>: the list shows text only
    var box = document.createElement("div");
    box.innerHTML = String(text || "").replace(/<br\s*\/?>/gi, " · ");
    return box.textContent;
  }

  function refresh() {
    var box = document.getElementById(IDS.INCIDENT_LIST_BOX);
    var list = document.getElementById(IDS.INCIDENT_LIST);
    if (!box || !list || !box.open) { return; }
    var points = window.aleppoMap ? window.aleppoMap.shown() : [];
    var n = Math.min(points.length, MAX_ITEMS);
    // The same points (a new selection redraws the map, not its points): keep the list,
    // and with it the keyboard focus on the button just used.
    var key = points.slice(0, n).map(function (p) { return p.row; }).join(",") + "|" + points.length;
    if (list.__aleppoKey === key) { return; }
    list.__aleppoKey = key;
    var active = document.activeElement;
    var focused = active && list.contains(active) ? active.getAttribute("data-row") : null;
    var items = document.createDocumentFragment(), refocus = null;
    for (var i = 0; i < n; i++) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.dir = "auto";
      button.setAttribute("data-row", JSON.stringify(points[i].row));
      button.textContent = plain(points[i].text);
      if (button.getAttribute("data-row") === focused) { refocus = button; }
      item.appendChild(button);
      items.appendChild(item);
    }
    list.replaceChildren(items);
    if (refocus) { refocus.focus(); }
  }

  // One listener for every button, present and to come (Enter and Space click a button).
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest &&
      event.target.closest("#" + IDS.INCIDENT_LIST + " button[data-row]");
    if (!button) { return; }
    var row = JSON.parse(button.getAttribute("data-row"));
    window.dash_clientside.set_props(IDS.MAP_GRAPH, { clickData: { points: [{ customdata: row }] } });
  });
  // Opened: made now. (`toggle` does not bubble: listened for in the capture phase.)
  document.addEventListener("toggle", function (event) {
    if (event.target && event.target.id === IDS.INCIDENT_LIST_BOX) { refresh(); }
  }, true);

  window.aleppoIncidentList = { refresh: refresh };

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    a11y: {
      step: function (_prev, _next, value, max, min) {
        var ctx = window.dash_clientside.callback_context;
        var trig = ctx && ctx.triggered && ctx.triggered[0];
        if (!trig || !trig.value) { return window.dash_clientside.no_update; }
        var delta = trig.prop_id.indexOf(IDS.TIMELINE_PREV) === 0 ? -1 : 1;
        var day = Math.max(min || 0, Math.min(max, (value || 0) + delta));
        return day === value ? window.dash_clientside.no_update : day;
      }
    }
  });
})();
