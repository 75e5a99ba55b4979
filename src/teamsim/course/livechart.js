// The front end of teamsim's LiveChart widget (see livechart.py for the message format).
//
// This file has no imports: livechart.py bundles it with vl_convert.javascript_bundle, which
// provides `vegaEmbed` (vega-embed) from the pinned vl-convert, so nothing is ever loaded from a
// CDN. (Its `vega` name comes out as null in vl-convert 1.9, so changesets are made with the
// view's own `view.changeset()`, the same as `vega.changeset()`.) anywidget calls `render` once
// per view of the widget.

// One sent column (see livechart.py) as an array of n plain values, null where missing: float64
// and codes arrive as DataViews of little-endian buffers, text and values as JSON.
function valuesOf(column, n) {
  const out = new Array(n);
  if (column.float64 !== undefined) {
    const view = column.float64;
    for (let i = 0; i < n; i++) {
      const x = view.getFloat64(8 * i, true);
      out[i] = Number.isNaN(x) ? null : x;
    }
  } else if (column.codes !== undefined) {
    const view = column.codes;
    for (let i = 0; i < n; i++) {
      const code = view.getInt32(4 * i, true);
      out[i] = code < 0 ? null : column.text[code];
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = column.values[i] ?? null;
  }
  return out;
}

// A sent dataset {rows, columns} -> [{column: value}, ...]
function rowsOf(dataset) {
  const n = dataset.rows;
  const names = Object.keys(dataset.columns);
  const cols = names.map((name) => valuesOf(dataset.columns[name], n));
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = cols[c][i];
    rows[i] = row;
  }
  return rows;
}

// Whether two rows hold the same values (the columns of a dataset never change).
function sameRow(a, b) {
  for (const key in b) {
    if (a[key] !== b[key]) return false;
  }
  return true;
}

// A performance mark for profiling (teamsim.bench.lab reads them); only the latest is kept.
function mark(name) {
  performance.clearMarks(name);
  performance.mark(name);
}

function render({ model, el }) {
  el.classList.add("teamsim-livechart");
  const target = document.createElement("div");
  el.appendChild(target);
  let view = null;
  let finalize = null;
  let closed = false;
  const drawn = {}; // dataset name -> revision the view shows
  const shown = {}; // dataset name -> the row objects the view holds (after the first update)

  // The first draw: the spec with every live dataset's current rows.
  const embed = async () => {
    const spec = structuredClone(model.get("spec"));
    const data = model.get("data");
    spec.datasets = { ...(spec.datasets || {}) };
    for (const [name, entry] of Object.entries(data)) {
      spec.datasets[name] = rowsOf(entry);
      drawn[name] = entry.rev;
    }
    try {
      const result = await vegaEmbed(target, spec, { renderer: "svg", actions: false });
      if (closed) {
        result.finalize();
        return;
      }
      view = result.view;
      finalize = result.finalize;
      // For tests and profiling: the running Vega view and the widget's model, found from the
      // page on the widget's element (`.teamsim-livechart`).
      el.teamsimView = view;
      el.teamsimModel = model;
    } catch (error) {
      target.textContent = `The chart could not be drawn: ${error.message}`;
      console.error(error);
    }
  };

  // New rows for the datasets whose revision changed, as one Vega changeset each, then one
  // re-run of the dataflow: the chart is updated in place, never rebuilt. Only the rows that
  // differ from the ones shown are swapped (removed and re-inserted), so Vega redraws only the
  // marks whose data changed: a slider that moves one line leaves the others alone. The first
  // update replaces every row (the rows of the first draw are Vega's own copies); from then on
  // the view holds the row objects kept in `shown`.
  const apply = async () => {
    if (view === null || closed) return;
    let changed = false;
    for (const [name, entry] of Object.entries(model.get("data"))) {
      if (drawn[name] === entry.rev) continue;
      const rows = rowsOf(entry);
      const before = shown[name];
      const change = view.changeset();
      if (before === undefined) {
        change.remove(() => true).insert(rows);
        shown[name] = rows;
      } else {
        const gone = [];
        const added = [];
        const kept = new Array(rows.length);
        for (let i = 0; i < Math.max(rows.length, before.length); i++) {
          if (i < rows.length && i < before.length && sameRow(before[i], rows[i])) {
            kept[i] = before[i];
            continue;
          }
          if (i < before.length) gone.push(before[i]);
          if (i < rows.length) {
            added.push(rows[i]);
            kept[i] = rows[i];
          }
        }
        change.remove(gone).insert(added);
        shown[name] = kept;
      }
      view.change(name, change);
      drawn[name] = entry.rev;
      changed = true;
    }
    if (changed) {
      await view.runAsync();
      mark("teamsim-livechart:drawn");
    }
  };

  // Updates are applied one after another, after the first draw. Updates that arrive while one
  // is being applied (or before the chart is ready) are queued as one: the next apply reads the
  // model's latest data, so a burst of slider moves costs one redraw, not one per move.
  let queue = embed();
  let waiting = false;
  const onData = () => {
    mark("teamsim-livechart:data");
    if (waiting) return;
    waiting = true;
    queue = queue.then(() => {
      waiting = false;
      return apply();
    }).catch((error) => console.error(error));
  };
  model.on("change:data", onData);

  return () => {
    closed = true;
    model.off("change:data", onData);
    if (finalize) finalize();
  };
}

export default { render };
