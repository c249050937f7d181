"""Form controls that render native, accessible HTML.

Dash 4's dcc.Checklist and dcc.RadioItems wrap each native input in a `role="option"` label
inside a `role="listbox"` (an interactive control nested in another, with no accessible name
for the listbox), and dcc.Dropdown keeps a focusable input marked `aria-hidden`. axe-core
reports those as serious. dash-bootstrap-components renders plain `<input type="checkbox">` /
`<input type="radio">` with a `<label for>` each, and `<select>`/`<option>`, which assistive
technology, keyboards and phones all handle natively; grouped in a `<fieldset>` with a
`<legend>`, every group has a name too.

The value contracts stay those of the dcc components: a checklist's value is the list of
checked option values, a radio group's the chosen value. A `<select>`'s values are strings.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids


def checkbox_group(component_id: str, options: list[dict], value: list) -> dbc.Checklist:
    """Native checkboxes, one `<label for>` each (`options`: dicts with label and value)."""
    return dbc.Checklist(id=component_id, options=options, value=value,
                         className="checklist", input_class_name="check-input",
                         label_class_name="check-label")


def radio_group(component_id: str, options: list[dict], value, inline: bool = False
                ) -> dbc.RadioItems:
    """Native radio buttons sharing one name, one `<label for>` each."""
    return dbc.RadioItems(id=component_id, options=options, value=value,
                          className="radio inline" if inline else "radio",
                          input_class_name="check-input", label_class_name="check-label")


def fieldset(legend: str, *children, legend_class: str = "", **kwargs) -> html.Fieldset:
    """A named group of controls: the legend is what a screen reader announces for it."""
    return html.Fieldset(
        [html.Legend(legend, className=legend_class or None), *children], **kwargs)


def native_select(component_id: str, label: str, options: list[dict], value: str,
                  label_class: str = "sr-label", class_name: str = "") -> list:
    """A `<label for>` and a native `<select>` (values as strings)."""
    opts = [{"label": o["label"], "value": str(o["value"])} for o in options]
    return [
        html.Label(label, htmlFor=component_id, id=ids.label_of(component_id),
                   className=label_class),
        dbc.Select(id=component_id, options=opts, value=str(value),
                   className=f"native-select {class_name}".strip()),
    ]
