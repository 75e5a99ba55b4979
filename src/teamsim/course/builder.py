"""The parts of the capstone's policy builder, for learners who do not code.

Each rule is a row of controls ("if attainment has been below 80% in each of the last 3 weeks,
manage like the Driller"); rules are tried in order and the first that holds wins; the last row
says what to do otherwise. :class:`RulesForm` turns the rows into a
:class:`~teamsim.model.rules.RulePolicy` at every change; the live dashboard around it,
:class:`teamsim.course.dashboard.PolicyBuilder`, draws that policy's year beside the fixed styles.

How the rules are kept: a widget's state is not saved with a notebook, and the instructor grades
the ``.ipynb`` alone in a fresh kernel, so the rules live in the notebook as text. The builder
shows them as a cell, ``my_rules = {...}`` (JSON, which is also Python), with a button that
copies it (:class:`CopyBox`); pasted over the ``my_rules = None`` cell, they are part of the
notebook, and :func:`use_rules` (run after the coded route's cell) makes them the graded
``my_policy``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from teamsim.analysis.measures import CAPSTONE_RUNS, CAPSTONE_SEED, UNSEEN, capstone_run
from teamsim.model import STYLES, Batch, Policy, Result, Scenario, Style, batch
from teamsim.model.rules import MAX_RULES, MAX_WEEKS, MEASURES, RuleError, RulePolicy, rule_policy

STARTER: dict[str, Any] = {
    "rules": [
        {"when": "attainment", "is": "below", "value": 0.8, "weeks": 3, "use": "Driller"},
        {"when": "engagement_pulse", "is": "below", "value": 0.55, "weeks": 2,
         "use": "Cheerleader"},
    ],
    "otherwise": "Coach",
}
"""The rules the form starts from when the notebook holds none yet (a start, not an answer)."""
DIALS_CHOICE = "dials I set"
COMPARED: dict[str, Style] = {name: STYLES[name] for name in ("Driller", "Coach", "Cheerleader")}
"""The fixed styles drawn beside the rules' year."""
CHECKS_HEADING = (f"<b>What the checks will say</b> <small>({CAPSTONE_RUNS} runs, seed "
                  f"{CAPSTONE_SEED}, as in the checks and the grading)</small>")
HOW_KEPT = ("Your rules are saved in the notebook only as the text of the cell "
            "<code>my_rules = ...</code> above this form: after changing them, press "
            "<b>Copy my rules</b>, paste over that cell's text (click in it, Ctrl+A, Ctrl+V; "
            "Cmd on a Mac), run it and save the notebook.")


def cell_text(policy: RulePolicy) -> str:
    """The rules as the text of a notebook cell, ``my_rules = {...}``: one rule a line, JSON
    (and so a Python literal too)."""
    rules = ",\n".join(f"        {json.dumps(r.to_data())}" for r in policy.rules)
    inside = f"[\n{rules}\n    ]" if rules else "[]"
    return (f"my_rules = {{\n    \"rules\": {inside},\n"
            f"    \"otherwise\": {json.dumps(policy.otherwise.to_data())}\n}}")


def use_rules(rules: object, namespace: dict[str, Any]) -> None:
    """Make the rules built with the form the notebook's ``my_policy`` (in ``namespace``, the
    notebook's globals), or, if ``my_rules`` is None, leave the coded ``my_policy`` alone; print
    which one is graded.

    The cell that calls it assigns nothing itself, so the grader still tells a renamed or
    deleted ``def my_policy`` from a policy built with the form.
    """
    if rules is None:
        print("my_policy is your code above (my_rules is None: no rules from the form).")
        return
    policy = rule_policy(rules)  # type: ignore[arg-type]
    namespace["my_policy"] = policy
    count = len(policy.rules)
    print(f"my_policy is the rules you built with the form ({count} rule{'s' * (count != 1)} "
          "and an otherwise). To use your code above instead, set my_rules = None and run "
          "the cells again.")


@cache
def compared_run(scenario: str) -> Batch:
    """The fixed styles of :data:`COMPARED` on a named scenario, with the checks' runs and
    seed (so the chart's year and the checks' figures agree)."""
    return batch(tuple(COMPARED.values()), Scenario.named(scenario), runs=CAPSTONE_RUNS,
                 seed=CAPSTONE_SEED)


@cache
def _fixed_year(scenario: str) -> dict[str, float]:
    return {name: float(capstone_run(style, scenario).summary()["revenue"].iloc[0])
            for name, style in STYLES.items()}


def check_preview(policy: Policy, made: Mapping[str, Result] | None = None) -> list[str]:
    """What the capstone's checks 6.2 and 6.3 will say, in a line each (their runs and seed).

    ``made`` holds runs of this policy already made with :func:`capstone_run`, by scenario
    name (the builder's chart has just run it on the scenario it shows); the others are run."""
    def year(scenario: str) -> float:
        result = (made or {}).get(scenario) or capstone_run(policy, scenario)
        return float(result.summary()["revenue"].iloc[0])

    lines = []
    fixed = _fixed_year("default")
    best = max(fixed, key=fixed.__getitem__)
    mine = year("default")
    verdict = "ahead of" if mine >= fixed[best] else "behind"  # as the check judges
    lines.append(f"Default scenario: your rules ${mine:,.0f}k, {verdict} the best named style "
                 f"(the {best}, ${fixed[best]:,.0f}k).")
    for scenario in UNSEEN:
        coach = _fixed_year(scenario)["Coach"]
        mine = year(scenario)
        verdict = "ahead of" if mine >= coach else "behind"
        lines.append(f"{Scenario.LABELS[scenario].capitalize()}: your rules ${mine:,.0f}k, "
                     f"{verdict} the Coach (${coach:,.0f}k).")
    return lines


# -- the form -------------------------------------------------------------------------------------
class CopyBox(anywidget.AnyWidget):
    """The rules as cell text, with a button that copies them (the browser's clipboard)."""

    _esm = traitlets.Unicode("""
function render({ model, el }) {
  const button = document.createElement("button");
  button.textContent = "Copy my rules";
  button.className = "jupyter-widgets jupyter-button widget-button mod-primary";
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  status.style.marginLeft = "8px";
  const pre = document.createElement("pre");
  pre.setAttribute("aria-label", "Your rules as the text of the my_rules cell");
  pre.tabIndex = 0;
  pre.style.userSelect = "text";
  const show = () => { pre.textContent = model.get("text"); };
  show();
  model.on("change:text", () => { show(); status.textContent = ""; });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(model.get("text"));
      status.textContent = "Copied: now paste it over the my_rules cell above and run it.";
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (Cmd+C on a Mac) to copy it.";
    }
  });
  el.append(button, status, pre);
}
export default { render };
""").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)


def _label(text: str, width: str = "auto") -> widgets.HTML:
    return widgets.HTML(html.escape(text), layout=widgets.Layout(width=width))


class ActionPicker:
    """A named style, or the two dials set by hand."""

    def __init__(self, data: object, on_change: Callable[[], None]) -> None:
        names = {f"the {n}": n for n in STYLES}
        self.choice = widgets.Dropdown(options=[*names, DIALS_CHOICE], description="use",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="190px"))
        self.control = widgets.FloatSlider(0.6, min=0, max=1, step=0.05, description="Control",
                                           readout_format=".2f", continuous_update=False,
                                           layout=widgets.Layout(width="230px"))
        self.inspiration = widgets.FloatSlider(0.7, min=0, max=1, step=0.05,
                                               description="Inspiration", readout_format=".2f",
                                               continuous_update=False,
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="250px"))
        self.tailoring: float | None = None
        if isinstance(data, str):
            self.choice.value = f"the {data}"
        else:
            assert isinstance(data, Mapping)
            self.choice.value = DIALS_CHOICE
            self.control.value = data["control"]
            self.inspiration.value = data["inspiration"]
            self.tailoring = data.get("tailoring")
        self.widgets = [self.choice, self.control, self.inspiration]
        self._show_dials()
        self.on_change = on_change
        self.choice.observe(self._chosen, names="value")
        for slider in (self.control, self.inspiration):
            slider.observe(lambda _: on_change(), names="value")

    def _chosen(self, change: Mapping[str, Any]) -> None:
        self._show_dials()
        self.on_change()

    def _show_dials(self) -> None:
        shown = "flex" if self.choice.value == DIALS_CHOICE else "none"
        self.control.layout.display = self.inspiration.layout.display = shown

    def data(self) -> str | dict[str, float]:
        if self.choice.value != DIALS_CHOICE:
            return str(self.choice.value).removeprefix("the ")
        dials = {"control": round(self.control.value, 3),
                 "inspiration": round(self.inspiration.value, 3)}
        if self.tailoring is not None:
            dials["tailoring"] = self.tailoring
        return dials


class RuleRow:
    """One rule: what to look at, below or above what, for how many weeks, and what to do."""

    def __init__(self, data: Mapping[str, Any], on_change: Callable[[], None],
                 on_remove: Callable[[RuleRow], None], on_up: Callable[[RuleRow], None]) -> None:
        self.on_change = on_change
        self._holding = False
        self.number = _label("", "28px")
        self.measure = widgets.Dropdown(options={m.short: m.name for m in MEASURES.values()},
                                        value=data["when"], description="If",
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="250px"))
        self.compare = widgets.Dropdown(options=["below", "above"], value=data["is"],
                                        description="is", style={"description_width": "initial"},
                                        layout=widgets.Layout(width="110px"))
        self.threshold = widgets.FloatSlider(description="Threshold", continuous_update=False,
                                             style={"description_width": "initial"},
                                             layout=widgets.Layout(width="270px"))
        self.weeks = widgets.IntSlider(data.get("weeks", 1), min=1, max=MAX_WEEKS,
                                       description="Weeks running", continuous_update=False,
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="300px"))
        self.action = ActionPicker(data["use"], on_change)
        self.up = widgets.Button(description="Move up", tooltip="Try this rule earlier",
                                 layout=widgets.Layout(width="90px"))
        self.remove = widgets.Button(description="Remove", tooltip="Remove this rule",
                                     layout=widgets.Layout(width="90px"))
        self.up.on_click(lambda _: on_up(self))
        self.remove.on_click(lambda _: on_remove(self))
        self._set_range(data["value"])
        self.measure.observe(self._measure_changed, names="value")
        for widget in (self.compare, self.threshold, self.weeks):
            widget.observe(lambda _: self._changed(), names="value")
        self.widget = widgets.HBox(
            [self.number, self.measure, self.compare, self.threshold, self.weeks,
             *self.action.widgets, self.up, self.remove],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center",
                                  border_bottom="1px solid #ddd", padding="2px 0"))

    def _set_range(self, value: float) -> None:
        measure = MEASURES[self.measure.value]
        self._holding = True
        try:
            # widen first, so that neither bound clamps the value on the way
            self.threshold.min, self.threshold.max = min(self.threshold.min, measure.low), max(
                self.threshold.max, measure.high)
            self.threshold.value = value
            self.threshold.min, self.threshold.max = measure.low, measure.high
            self.threshold.step = 0.05 if measure.name == "engagement_pulse" else 0.01
            self.threshold.readout_format = ".0%" if measure.percent else ".2f"
            if not measure.history:
                self.weeks.value = 1
            self.weeks.disabled = not measure.history
        finally:
            self._holding = False

    def _measure_changed(self, change: Mapping[str, Any]) -> None:
        self._set_range(MEASURES[change["new"]].default)
        self._changed()

    def _changed(self) -> None:
        if not self._holding:
            self.on_change()

    def data(self) -> dict[str, Any]:
        return {"when": self.measure.value, "is": self.compare.value,
                "value": round(self.threshold.value, 3), "weeks": self.weeks.value,
                "use": self.action.data()}


class RulesForm:
    """Rules in rows (add, remove, move up), a row for "otherwise", and the rules in words.

    ``rules`` is what the notebook's ``my_rules`` holds (None: start from :data:`STARTER`);
    ``on_change`` is called with the new :class:`RulePolicy` after every change.
    """

    def __init__(self, rules: RulePolicy | Mapping | str | None,
                 on_change: Callable[[RulePolicy], None] | None = None) -> None:
        start = rule_policy(STARTER if rules is None else rules)
        self.on_change = on_change
        self.policy = start
        self.rows: list[RuleRow] = []
        self.error = widgets.HTML()
        self.words = widgets.HTML()
        self.rows_box = widgets.VBox()
        self.otherwise = ActionPicker(start.otherwise.to_data(), self.changed)
        self.add = widgets.Button(description="Add a rule", icon="plus",
                                  tooltip="Add a rule at the end of the list")
        self.add.on_click(lambda _: self.add_rule())
        self._holding = True
        for rule in start.rules:
            self.add_rule(rule.to_data())
        self._holding = False
        self.widget = widgets.VBox([
            widgets.HTML("<small>Rules are tried in order; the first that holds chooses the "
                         "week's style.</small>"),
            self.rows_box,
            widgets.HBox([self.add]),
            widgets.HBox([_label("Otherwise,", "80px"), *self.otherwise.widgets],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.error,
            widgets.HTML("<b>Your rules in words</b>"), self.words,
        ])
        self.show_words()

    def add_rule(self, data: Mapping[str, Any] | None = None) -> None:
        if len(self.rows) >= MAX_RULES:
            self.error.value = f"<b>At most {MAX_RULES} rules.</b>"
            return
        data = data or {"when": "engagement_pulse", "is": "below", "value": 0.55, "weeks": 1,
                        "use": "Cheerleader"}
        self.rows.append(RuleRow(data, self.changed, self.remove_rule, self.move_up))
        self._relayout()
        self.changed()

    def remove_rule(self, row: RuleRow) -> None:
        self.rows.remove(row)
        self._relayout()
        self.changed()

    def move_up(self, row: RuleRow) -> None:
        i = self.rows.index(row)
        if i > 0:
            self.rows[i - 1], self.rows[i] = self.rows[i], self.rows[i - 1]
            self._relayout()
            self.changed()

    def _relayout(self) -> None:
        for i, row in enumerate(self.rows, 1):
            row.number.value = f"<b>{i}.</b>"
            row.up.disabled = i == 1
        self.rows_box.children = [r.widget for r in self.rows]

    def data(self) -> dict[str, Any]:
        """The rules as the rows say them, as data for :func:`rule_policy`."""
        return {"rules": [r.data() for r in self.rows], "otherwise": self.otherwise.data()}

    def changed(self) -> None:
        if self._holding:
            return
        try:
            policy = rule_policy(self.data())
        except RuleError as exc:  # the form keeps to valid values; a safeguard, in words
            self.error.value = f"<b>These rules cannot be used:</b> {html.escape(str(exc))}"
            return
        self.error.value = ""
        self.policy = policy
        self.show_words()
        if self.on_change is not None:
            self.on_change(policy)

    def show_words(self) -> None:
        self.words.value = "<ol>" + "".join(f"<li>{html.escape(s)}</li>"
                                            for s in self.policy.words()) + "</ol>"


__all__ = ["COMPARED", "STARTER", "ActionPicker", "CopyBox", "RuleRow", "RulesForm", "cell_text",
           "check_preview", "compared_run", "use_rules"]
