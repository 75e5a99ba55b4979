"""LiveChart: a Vega-Lite chart in a notebook whose data the kernel replaces in place.

A small `anywidget <https://anywidget.dev>`_ widget. It draws a Vega-Lite spec once and, on
:meth:`LiveChart.update`, sends new rows for the spec's live datasets; the browser swaps them
into the running Vega view with a changeset, so the chart is updated, never rebuilt. It works
offline: its front end (``livechart.js``, next to this module) is bundled with vega, vega-lite
and vega-embed by ``vl_convert.javascript_bundle`` from the pinned ``vl-convert-python``, once
per process, and nothing is fetched from a CDN.

The spec names its live datasets: every view of a live dataset reads ``{"data": {"name":
NAME}}`` (``alt.NamedData(name=NAME)`` in Altair), so no rows need to be matched by value.

Messages (the widget's synced state, sent by the Jupyter widget protocol)
------------------------------------------------------------------------
``spec`` (set once)
    The Vega-Lite spec as a dict, without the rows of its live datasets.
``data`` (replaced by every :meth:`LiveChart.update` that changes something)
    One entry per live dataset, columnar, numbers and text codes as binary buffers (the widget
    protocol sends ``bytes`` as buffers beside the JSON; the front end gets them as
    ``DataView`` objects)::

        {NAME: {"rev": 3, "rows": 208,
                "columns": {"week": {"float64": <bytes>},
                            "series": {"text": ["Coach", "Driller"], "codes": <bytes>},
                            "flag": {"values": [true, null, ...]}}}}

    ``rev`` counts the changes of that dataset's rows (0 for the first rows) and ``rows`` is
    their number. A column is one of: ``float64``, every value as a little-endian 64-bit float
    (numbers; NaN is a missing value); ``text`` and ``codes``, the distinct strings in order of
    first appearance and each row's index into them as a little-endian 32-bit integer (-1 is a
    missing value); or ``values``, a JSON list (anything else, e.g. booleans; ``null`` is a
    missing value). The front end rebuilds the rows, with ``null`` for every missing value,
    ``[{"week": 1, "series": "Coach", ...}, ...]``, and for each dataset whose ``rev`` differs
    from the one it shows applies one changeset, ``view.change(NAME, changeset)``
    (``view.changeset()`` is ``vega.changeset()``), and then one ``view.runAsync()``. The
    changeset swaps only the rows that differ, position by position, from the rows the view
    shows (it removes the old
    row and inserts the new one; rows beyond the shorter of the two are removed or inserted),
    so Vega redraws only the marks whose data changed; the first update after the first draw
    replaces every row. Datasets whose rows did not change keep their ``rev`` and are not
    touched in the view.

An update that arrives before the chart is drawn, or while an earlier one is being applied, is
queued; a burst of updates is applied as one (the latest state). The chart renders as SVG,
without the vega-embed action menu. For profiling, the front end leaves two performance marks
in the page: ``teamsim-livechart:data`` when new data arrives and ``teamsim-livechart:drawn``
when the view has drawn it (only the latest of each is kept). For tests, the widget's element
(``.teamsim-livechart``) carries the running Vega view as ``teamsimView`` and the widget's
model as ``teamsimModel``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import altair as alt
import anywidget
import numpy as np
import pandas as pd
import traitlets

__all__ = ["LiveChart", "column", "columns", "dataset_names", "front_end", "rows", "sent_json",
           "values"]


@functools.cache
def front_end() -> str:
    """The widget's ES module: ``livechart.js`` bundled with vega-embed, vega-lite and vega."""
    import vl_convert as vlc

    source = resources.files(__package__).joinpath("livechart.js").read_text(encoding="utf-8")
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return vlc.javascript_bundle(source, vl_version=f"v{major}_{minor}")


Column = dict[str, Any]
"""One column of a live dataset as it is sent (see the module's docstring)."""


def column(series: pd.Series) -> Column:
    """A frame's column as it is sent: numbers as float64 bytes, text as codes, else a list."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return {"float64": np.ascontiguousarray(series.to_numpy(dtype="<f8")).tobytes()}
    if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) or (
            isinstance(series.dtype, pd.CategoricalDtype)):
        codes, uniques = pd.factorize(series.astype(object).to_numpy(), use_na_sentinel=True)
        if all(isinstance(u, str) for u in uniques):
            return {"text": list(uniques),
                    "codes": np.ascontiguousarray(codes, dtype="<i4").tobytes()}
    values = series.tolist()
    if series.hasnans:
        values = [None if missing else v for v, missing in zip(values, series.isna())]
    return {"values": values}


def columns(frame: pd.DataFrame) -> dict[str, Column]:
    """A frame's columns as they are sent, by name (see :func:`column`)."""
    return {str(name): column(frame[name]) for name in frame.columns}


def values(entry: Column, n: int) -> list:
    """A sent column's ``n`` values as plain Python values, None where missing."""
    if "float64" in entry:
        numbers = np.frombuffer(entry["float64"], dtype="<f8", count=n)
        return [None if v != v else v for v in numbers.tolist()]
    if "codes" in entry:
        text = entry["text"]
        return [None if c < 0 else text[c]
                for c in np.frombuffer(entry["codes"], dtype="<i4", count=n).tolist()]
    return list(entry["values"])


def rows(dataset: Mapping[str, Any]) -> list[dict]:
    """A sent dataset (``{"rows": n, "columns": ...}``) back to rows ``[{column: value}]``, as
    the front end rebuilds them."""
    n = dataset["rows"]
    cols = {name: values(entry, n) for name, entry in dataset["columns"].items()}
    names = list(cols)
    return [dict(zip(names, row)) for row in zip(*cols.values())] if names else [
        {} for _ in range(n)]


def sent_json(state: Mapping[str, Any]) -> tuple[str, list[bytes]]:
    """The JSON text and the binary buffers that ``state`` travels as (each ``bytes`` value is
    taken out as a buffer and left as null), to measure or check what goes over the wire."""
    buffers: list[bytes] = []

    def strip(node: object) -> object:
        if isinstance(node, bytes):
            buffers.append(node)
            return None
        if isinstance(node, Mapping):
            return {k: strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(state), allow_nan=False), buffers


def _walk(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def dataset_names(spec: Mapping) -> set[str]:
    """The names of the named data sources a Vega-Lite spec reads (``{"data": {"name": ...}}``)."""
    return {node["data"]["name"] for node in _walk(dict(spec))
            if isinstance(node.get("data"), dict) and isinstance(node["data"].get("name"), str)}


class LiveChart(anywidget.AnyWidget):
    """A Vega-Lite chart whose named datasets the kernel replaces in place.

    ``spec`` is a Vega-Lite spec (a dict, or an Altair chart) that reads each key of ``data``
    as a named data source; ``data`` maps those names to data frames. :meth:`update` sends new
    frames for some or all of them. Each frame must keep its columns from update to update.
    """

    _esm = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)

    def __init__(self, spec: Mapping[str, Any] | alt.TopLevelMixin,
                 data: Mapping[str, pd.DataFrame], **kwargs: Any) -> None:
        spec = spec.to_dict() if isinstance(spec, alt.TopLevelMixin) else dict(spec)
        used = dataset_names(spec)
        unused = sorted(set(data) - used)
        if unused:
            raise ValueError(f"live data {unused[0]!r} is not used by the chart (it reads "
                             f"{sorted(used)})")
        missing = sorted(used - set(data) - set(spec.get("datasets", {})))
        if missing:
            raise ValueError(f"the chart reads dataset {missing[0]!r}, which has no data")
        state = {name: {"rev": 0, "rows": len(frame), "columns": columns(frame)}
                 for name, frame in data.items()}
        super().__init__(_esm=front_end(), spec=spec, data=state, **kwargs)

    def update(self, data: Mapping[str, pd.DataFrame]) -> dict:
        """Replace the rows of the named datasets in ``data``; return the state sent (if any).

        Only datasets whose rows changed get a new ``rev``; when none changed, nothing is sent.
        """
        unknown = sorted(set(data) - set(self.data))
        if unknown:
            raise ValueError(f"unknown live dataset {unknown[0]!r}: this chart has "
                             f"{sorted(self.data)}")
        state = dict(self.data)
        changed = False
        for name, frame in data.items():
            cols = columns(frame)
            if cols != state[name]["columns"]:
                state[name] = {"rev": state[name]["rev"] + 1, "rows": len(frame),
                               "columns": cols}
                changed = True
        if changed:
            self.data = state
        return state if changed else {}

    def vegalite(self) -> dict:
        """The spec with the current rows of every live dataset inline (for a static render)."""
        spec = dict(self.spec)
        spec["datasets"] = {**spec.get("datasets", {}),
                            **{name: rows(entry) for name, entry in self.data.items()}}
        return spec

    def to_png(self, scale: float = 1.0) -> bytes:
        """The chart as it is now, as a PNG drawn in the kernel (offline)."""
        import vl_convert as vlc

        return vlc.vegalite_to_png(self.vegalite(), scale=scale)
