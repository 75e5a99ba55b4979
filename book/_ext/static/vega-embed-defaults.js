// The book's charts: a small embedder of our own over Vega and Vega-Lite (loaded just before
// this file by book/_ext/offline_book.py as one bundle, without vega-embed, which weighed 268 kB
// of the 898 kB). Altair's output calls `vegaEmbed(element, spec, {mode: "vega-lite"})`; this
// file defines that function: it compiles the Vega-Lite spec with `vegaLite.compile`, draws it
// with Vega's View API (SVG, hover, Vega's own tooltips), and adds a chart menu with what works
// offline (save as SVG or PNG, view the source), its icon button named for screen readers.
// Chart data comes from the scripts the page loads (window.TEAMSIM_DATA, keyed by file name;
// see book/_ext/offline_book.py) before Vega would fetch it: a page opened from disk may not
// fetch the files beside it.
//
// Every chart also fits its column (issue 14): before it is drawn, panels side by side that
// would not fit are narrowed or, when too narrow, stacked in one column, and colour scales'
// legends go under their plot; it is drawn again when its column changes width (a phone
// turned, a hidden answer opened). Under the chart go a live summary in words, announced
// politely when a control moves, and a "Show the data" table of the rows drawn, with a link to
// the data file. Marks are hidden from screen readers (the chart's description and the
// summary speak for them), and each slider says its value in words (aria-valuetext). The words
// come from the chart's `usermeta.teamsim`, written by src/teamsim/charts.py.
(function () {
  const vega = window.vega;
  const vegaLite = window.vegaLite;
  if (!vega || !vegaLite) return;
  const offline = { export: true, source: true, compiled: false, editor: false };
  // A Vega loader of our own: shipped data first, then the network as Vega would.
  // Each data file is shipped gzipped, in base64 ({gzip: "..."}; book/_ext/offline_book.py);
  // unpacked once per page by the browser's DecompressionStream.
  const unpacked = new Map();
  function shipped(uri) {
    const data = window.TEAMSIM_DATA || {};
    const name = String(uri).split("?")[0].split("/").pop();
    if (!Object.prototype.hasOwnProperty.call(data, name)) return null;
    const entry = data[name];
    if (typeof entry === "string") return Promise.resolve(entry);
    if (!entry || !entry.gzip || !window.DecompressionStream) return null;
    if (!unpacked.has(name)) {
      const bytes = Uint8Array.from(atob(entry.gzip), (c) => c.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      unpacked.set(name, new Response(stream).text());
    }
    return unpacked.get(name);
  }
  const loader = {
    sanitize: (uri) => Promise.resolve({ href: String(uri) }),
    http: (url, options) => fetch(url, options).then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}: ${url}`);
      return response.text();
    }),
    file: (filename) => Promise.reject(new Error(`no file system in a browser: ${filename}`)),
    load: (uri, options) => {
      const text = shipped(uri);
      return text !== null ? text : loader.http(uri, options && options.http);
    },
  };

  // ---- Drawing: Vega's View, a chart menu --------------------------------------------------
  // The menu's button: a small "save" arrow over a tray, drawn here (stroked, 16 x 16).
  const MENU_ICON = '<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8" ' +
    'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">' +
    '<path d="M8 2.5v7.5M4.5 7l3.5 3.5L11.5 7M2.5 13.5h11"></path></svg>';
  const MENU_NAME = "Save this chart, or view its source";
  function download(url, filename) {
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  const menus = new WeakSet();
  function menu(container, view, source, actions) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.innerHTML = MENU_ICON;
    summary.title = MENU_NAME;
    summary.setAttribute("aria-label", MENU_NAME);
    details.appendChild(summary);
    const list = document.createElement("div");
    list.className = "vega-actions";
    const item = (text, onclick, filename) => {
      const a = document.createElement("a");
      a.href = "#";
      a.textContent = text;
      if (filename) a.download = filename;
      a.addEventListener("click", (event) => {
        event.preventDefault();
        details.removeAttribute("open");
        onclick();
      });
      list.appendChild(a);
    };
    if (actions.export) {
      // saved under the chart's figure name (e.g. fig-p4-three-teams.svg), else "chart"
      const figure = container.closest("figure");
      const stem = (figure && figure.id) || "chart";
      ["svg", "png"].forEach((type) => item(`Save as ${type.toUpperCase()}`, () => {
        view.toImageURL(type, type === "png" ? 2 : 1).then((url) => download(url, `${stem}.${type}`));
      }, `${stem}.${type}`));
    }
    if (actions.source) {
      item("View Source", () => {
        const text = JSON.stringify(source, null, 2);
        const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
        window.open(url, "_blank");
      });
    }
    details.appendChild(list);
    // closes when a click goes elsewhere
    if (!menus.has(container)) {
      menus.add(container);
      document.addEventListener("click", (event) => {
        const open = container.querySelector("details[open]");
        if (open && !open.contains(event.target)) open.removeAttribute("open");
      });
    }
    container.appendChild(details);
  }
  // Draw a Vega-Lite (or Vega) spec into `container`; resolves to {view, spec, vgSpec, finalize}.
  function embed(container, spec, opts) {
    try {
      const isLite = opts.mode === "vega-lite" || /vega-lite/.test(String(spec.$schema || ""));
      const vgSpec = isLite ? vegaLite.compile(spec).spec : spec;
      container.replaceChildren();
      container.classList.add("vega-embed");
      const actions = opts.actions || {};
      const hasMenu = actions.export || actions.source;
      container.classList.toggle("has-actions", !!hasMenu);
      const wrapper = document.createElement("div");
      wrapper.className = "chart-wrapper";
      container.appendChild(wrapper);
      const view = new vega.View(vega.parse(vgSpec), {
        loader: opts.loader, renderer: "svg", logLevel: vega.Warn,
      });
      view.hover();
      view.initialize(wrapper);
      return view.runAsync().then(() => {
        if (hasMenu) menu(container, view, spec, actions);
        return { view, spec, vgSpec, finalize: () => view.finalize() };
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // ---- Fitting the column -------------------------------------------------------------------
  const AXIS = 78;      // room beside a plot for its y axis: labels and title
  const GAP = 20;       // Vega-Lite's spacing between concatenated views
  const SIDE_LEGEND = 110;
  const MIN_PLOT = 170; // narrower than this, panels side by side are stacked instead
  const clone = (x) => JSON.parse(JSON.stringify(x));
  const isView = (s) => !!s && typeof s === "object" && (s.mark !== undefined || s.layer !== undefined);
  const CHANNELS = ["color", "fill", "stroke", "size", "opacity", "shape", "strokeDash"];

  function eachEncoding(view, fn) {
    (function walk(v) {
      if (!v || typeof v !== "object") return;
      const enc = v.encoding || {};
      CHANNELS.forEach((ch) => { if (enc[ch] && enc[ch].field) fn(enc[ch], ch); });
      (v.layer || []).forEach(walk);
    })(view);
  }
  function sideLegend(view) {
    let side = false;
    eachEncoding(view, (def) => {
      if (def.legend === null) return;
      const orient = def.legend && def.legend.orient;
      if (!orient || orient === "right" || orient === "left") side = true;
    });
    return side;
  }
  // Colour scales (heat maps) get their legend under the plot, with room for its whole title.
  function legendsUnder(spec) {
    (function walk(s) {
      if (!s || typeof s !== "object") return;
      if (isView(s)) {
        eachEncoding(s, (def) => {
          if (def.legend === null) return;
          def.legend = Object.assign({ orient: "bottom", titleLimit: 400, direction: "horizontal" },
                                     def.legend || {});
        });
      }
      ["layer", "hconcat", "vconcat", "concat"].forEach((k) => (s[k] || []).forEach(walk));
    })(spec);
  }
  function plotWidth(view) {
    return typeof view.width === "number" ? view.width : 300;
  }
  // The width a spec takes, its plots at their own width (or at `plot` if given).
  function natural(s, plot) {
    if (s.hconcat) return s.hconcat.reduce((sum, c) => sum + natural(c, plot), 0) + GAP * (s.hconcat.length - 1);
    if (s.vconcat) return Math.max(...s.vconcat.map((c) => natural(c, plot)));
    if (isView(s)) {
      if (s.width === "container") return 0;
      return (plot || plotWidth(s)) + AXIS + (sideLegend(s) ? SIDE_LEGEND : 0);
    }
    return 0;
  }
  function fitView(view, avail) {
    if (view.width === "container" || natural(view) <= avail) return;
    const was = plotWidth(view);
    const width = Math.max(120, Math.floor(avail - AXIS - (sideLegend(view) ? SIDE_LEGEND : 0)));
    if (typeof view.height === "number" && view.height === was) view.height = width; // a square map
    view.width = width;
  }
  // Narrow side-by-side panels, or stack them when they would be too narrow; returns the spec.
  function fit(s, avail) {
    if (s.hconcat) {
      const n = s.hconcat.length;
      const share = (avail - GAP * (n - 1)) / n;
      if (natural(s) <= avail) return s;
      if (s.hconcat.every((c) => natural(c, MIN_PLOT) <= share)) {
        s.hconcat = s.hconcat.map((c) => fit(c, share));
        return s;
      }
      s.vconcat = s.hconcat.map((c) => fit(c, avail));
      delete s.hconcat;
      return s;
    }
    if (s.vconcat) {
      s.vconcat = s.vconcat.map((c) => fit(c, avail));
      return s;
    }
    if (isView(s)) fitView(s, avail);
    return s;
  }
  // On a narrow screen a legend above the plots wraps its entries instead of running off.
  function wrapLegends(spec, avail) {
    (function walk(s) {
      if (!s || typeof s !== "object") return;
      if (isView(s)) {
        eachEncoding(s, (def) => {
          if (def.legend && (def.legend.orient === "top" || def.legend.orient === "bottom") && def.type !== "quantitative") {
            def.legend.columns = Math.max(1, Math.floor(avail / 180));
          }
        });
      }
      ["layer", "hconcat", "vconcat", "concat"].forEach((k) => (s[k] || []).forEach(walk));
    })(spec);
  }
  function hasColourScale(spec) {
    let found = false;
    (function walk(s) {
      if (!s || typeof s !== "object") return;
      if (isView(s)) eachEncoding(s, (def) => { if (def.type === "quantitative" && def.legend !== null) found = true; });
      ["layer", "hconcat", "vconcat", "concat"].forEach((k) => (s[k] || []).forEach(walk));
    })(spec);
    return found;
  }
  function adapt(original, avail, shrink) {
    const spec = clone(original);
    // Screen readers: no label on every mark (a line would be read as its first point only);
    // the chart's description and the summary under it say what it shows.
    spec.config = spec.config || {};
    spec.config.mark = Object.assign({}, spec.config.mark, { aria: false });
    legendsUnder(spec);
    // a heat map's legend stays with its own plot, not at the edge of the whole figure
    if ((spec.vconcat || spec.hconcat) && hasColourScale(spec)) {
      spec.resolve = spec.resolve || {};
      spec.resolve.legend = Object.assign({ color: "independent" }, spec.resolve.legend);
    }
    if (avail > 0 && avail < 560) wrapLegends(spec, avail - shrink);
    if (avail > 0) fit(spec, avail - shrink);
    return spec;
  }

  // ---- Words: values, summaries, tables -------------------------------------------------------
  // A small number formatter for the templates in usermeta ("{value:.0%}", "{value:,.1f}").
  function format(value, pattern) {
    const m = /^([+]?)(,?)\.(\d+)([f%])$/.exec(pattern || "");
    if (!m) return String(value);
    let x = Number(value);
    if (m[4] === "%") x *= 100;
    let text = x.toLocaleString("en-US", {
      minimumFractionDigits: Number(m[3]), maximumFractionDigits: Number(m[3]),
      useGrouping: m[2] === ",",
    });
    if (m[1] === "+" && x >= 0) text = "+" + text;
    return text.replace("-", "\u2212") + (m[4] === "%" ? "%" : "");
  }
  function fill(template, value, labels) {
    return template.replace(/\{value(?::([^}]*))?\}/g, (_, pattern) => {
      if (pattern === "label") return labels && labels[String(value)] !== undefined ? labels[String(value)] : String(value);
      return format(value, pattern);
    });
  }
  function paramValue(view, name) {
    try { return view.signal(name); } catch (e) { return undefined; }
  }
  function near(a, b) {
    return typeof a === "number" || typeof b === "number" ? Math.abs(Number(a) - Number(b)) < 1e-6 : a === b;
  }
  function summaryText(meta, view) {
    const parts = [];
    (meta.summaries || []).forEach((s) => {
      if (s.signal) {
        const text = paramValue(view, s.signal);
        if (text) parts.push(String(text));
        return;
      }
      const values = s.params.map((p) => paramValue(view, p));
      const row = s.rows.find((r) => s.params.every((p, i) => near(r[i], values[i])));
      if (row) parts.push(row[row.length - 1]);
    });
    return parts.join(" ");
  }
  function summaryParams(meta) {
    const names = new Set();
    (meta.summaries || []).forEach((s) => {
      (s.params || []).forEach((p) => names.add(p));
      (s.depends || []).forEach((p) => names.add(p));
      if (s.signal) names.add(s.signal);
    });
    return [...names];
  }

  // The data a chart draws: its data files (or, for rows written into the page, those rows).
  function sources(spec) {
    const urls = new Map();
    (function walk(s) {
      if (!s || typeof s !== "object") return;
      if (Array.isArray(s)) { s.forEach(walk); return; }
      if (s.data && typeof s.data.url === "string") urls.set(s.data.url, s.data.format || {});
      Object.keys(s).forEach((k) => { if (k !== "datasets" && typeof s[k] === "object") walk(s[k]); });
    })(spec);
    if (urls.size) return [...urls.keys()].map((url) => ({ url, name: url.split("/").pop() }));
    const sets = Object.entries(spec.datasets || {}).sort((a, b) => b[1].length - a[1].length);
    return sets.length ? [{ rows: sets[0][1], name: null }] : [];
  }
  function parseCsv(text) {
    const lines = text.replace(/\r/g, "").split("\n").filter((l) => l.length);
    const split = (line) => {
      const out = []; let cur = ""; let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
        } else if (ch === '"') quoted = true; else if (ch === ",") { out.push(cur); cur = ""; } else cur += ch;
      }
      out.push(cur);
      return out;
    };
    const head = split(lines[0]);
    return lines.slice(1).map((line) => {
      const cells = split(line); const row = {};
      head.forEach((h, i) => { const v = cells[i]; row[h] = v !== "" && !isNaN(Number(v)) ? Number(v) : v; });
      return row;
    });
  }
  function rowsOf(src) {
    if (src.rows) return Promise.resolve(src.rows);
    return loader.load(src.url).then(parseCsv);
  }
  function toCsv(rows, columns) {
    const cell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c] === undefined ? "" : r[c])).join(","))].join("\n") + "\n";
  }
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function niceLabel(column, labels) {
    if (labels && labels[column]) return labels[column];
    const words = column.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  function cellText(v) {
    if (typeof v !== "number") return String(v);
    return Number.isInteger(v) ? v.toLocaleString("en-US") : String(Number(v.toPrecision(4)));
  }

  let counter = 0;
  // The summary and the data table under a chart, made once and kept across redraws.
  function extras(container, meta) {
    const figure = container.closest("figure");
    let box = container.nextElementSibling && container.nextElementSibling.classList.contains("chart-extras")
      ? container.nextElementSibling : null;
    if (box) return box;
    box = el("div", { class: "chart-extras" });
    // a live region only once it holds the first summary: the page's load is not announced
    const summary = el("p", { class: "chart-summary", "aria-atomic": "true" });
    box.appendChild(summary);
    const details = el("details", { class: "chart-data" });
    const caption = figure && figure.id ? figure.id.replace(/^fig-/, "") : `chart-${++counter}`;
    details.appendChild(el("summary", {}, "Show the data"));
    details.dataset.chart = caption;
    box.appendChild(details);
    container.insertAdjacentElement("afterend", box);
    return box;
  }
  function fillTable(details, src, rows, meta, view) {
    // Rows are those of the setting the controls pick (a data column named like a control).
    const names = Object.keys(rows[0] || {});
    const picked = (meta.filters || names).filter((n) => names.includes(n) && paramValue(view, n) !== undefined);
    const shown = rows.filter((r) => picked.every((p) => near(r[p], paramValue(view, p))));
    const columns = names.filter((n) => !picked.includes(n));
    const labels = meta.labels || {};
    details.querySelectorAll(".chart-data-body").forEach((n) => n.remove());
    const body = el("div", { class: "chart-data-body" });
    const setting = picked.map((p) => `${niceLabel(p, labels).toLowerCase()} ${cellText(paramValue(view, p))}`).join(", ");
    const note = el("p", {}, `${shown.length} row${shown.length === 1 ? "" : "s"}` +
      (setting ? ` for ${setting} (the controls above pick them)` : "") + ". ");
    if (src.url) {
      const link = el("a", { href: src.url, download: src.name }, `Download all of ${src.name}`);
      note.appendChild(link);
      note.appendChild(document.createTextNode(` (${rows.length} rows, every setting).`));
    } else {
      const blob = URL.createObjectURL(new Blob([toCsv(rows, names)], { type: "text/csv" }));
      note.appendChild(el("a", { href: blob, download: "chart-data.csv" }, "Download these rows as a CSV file"));
      note.appendChild(document.createTextNode("."));
    }
    body.appendChild(note);
    const scroll = el("div", { class: "chart-data-scroll", tabindex: "0", role: "region",
                               "aria-label": `Data of the chart${setting ? " for " + setting : ""}` });
    const table = el("table", { class: "chart-data-table" });
    const head = el("tr");
    columns.forEach((c) => head.appendChild(el("th", { scope: "col" }, niceLabel(c, labels))));
    table.appendChild(el("thead")).appendChild(head);
    const tbody = el("tbody");
    shown.forEach((r) => {
      const tr = el("tr");
      columns.forEach((c) => tr.appendChild(el("td", {}, cellText(r[c]))));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    scroll.appendChild(table);
    body.appendChild(scroll);
    details.appendChild(body);
  }

  function describeSliders(container, meta, view) {
    const texts = meta.valuetext || {};
    container.querySelectorAll(".vega-bindings input[type=range]").forEach((input) => {
      const spec = texts[input.name];
      if (!spec) return;
      const update = () => {
        input.setAttribute("aria-valuetext", fill(spec.text, input.value, spec.labels));
      };
      update();
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    });
  }

  // The words charts.py put in parameters named teamsim_words_*, joined.
  function wordsOf(spec) {
    const meta = { summaries: [], valuetext: {}, labels: {} };
    (spec.params || []).forEach((p) => {
      if (!/^teamsim_words/.test(p.name || "") || !p.value) return;
      meta.summaries.push(...(p.value.summaries || []));
      Object.assign(meta.valuetext, p.value.valuetext || {});
      Object.assign(meta.labels, p.value.labels || {});
    });
    return meta;
  }
  function speak(container, original, view) {
    const meta = wordsOf(original);
    const box = extras(container, meta);
    const summary = box.querySelector(".chart-summary");
    const details = box.querySelector("details.chart-data");
    describeSliders(container, meta, view);
    const srcs = sources(original);
    let cache = null;
    const refresh = () => {
      const text = summaryText(meta, view);
      summary.hidden = !text;
      if (summary.textContent !== text) summary.textContent = text;
      if (details.open && srcs.length) {
        (cache || (cache = Promise.all(srcs.map(rowsOf)))).then((all) => {
          details.querySelectorAll(".chart-data-body").forEach((n) => n.remove());
          all.forEach((rows, i) => fillTable(details, srcs[i], rows, meta, view));
        });
      }
    };
    const bound = (original.params || []).filter((p) => p.bind).map((p) => p.name);
    new Set([...bound, ...summaryParams(meta)]).forEach((name) => {
      try { view.addSignalListener(name, refresh); } catch (e) { /* not a signal of this view */ }
    });
    details.ontoggle = refresh;
    refresh();
    if (!summary.hasAttribute("aria-live")) {
      // set after this frame's text, so that only later changes are announced
      requestAnimationFrame(() => summary.setAttribute("aria-live", "polite"));
    }
  }

  function availableWidth(container) {
    const style = getComputedStyle(container);
    const width = container.getBoundingClientRect().width - parseFloat(style.paddingLeft || 0)
      - parseFloat(style.paddingRight || 0);
    return width > 0 ? width : 0;
  }

  function vegaEmbed(el_, spec, options) {
    const opts = Object.assign({ actions: offline, loader: loader }, options);
    const container = typeof el_ === "string" ? document.querySelector(el_) : el_;
    if (!container || !spec || typeof spec !== "object" || !spec.$schema || !/vega-lite/.test(spec.$schema)) {
      return container ? embed(container, spec, opts) : Promise.reject(new Error(`no element ${el_}`));
    }
    container.classList.add("teamsim-chart");
    let current = null;
    let drawnAt = -1;
    let shrink = 0;
    let tries = 0;
    function draw() {
      // the column's width, less room for the chart menu's button beside the chart
      const avail = Math.floor(availableWidth(container.parentElement || container)) - 40;
      drawnAt = avail;
      if (current) current.finalize();
      return embed(container, adapt(spec, avail, shrink), opts).then(function (result) {
        current = result;
        container.querySelectorAll("details > summary:not([aria-label])").forEach(function (s) {
          s.setAttribute("aria-label", "Chart menu: save the chart as an image or view its source");
        });
        speak(container, spec, result.view);
        // Our estimates of axis room can fall short: narrow once more by what still overflows.
        const marks = container.querySelector("canvas.marks, svg.marks");
        const over = marks ? marks.getBoundingClientRect().width - avail : 0;
        if (over > 1 && tries < 2 && avail > 0) {
          tries += 1;
          shrink += Math.ceil(over) + 4;
          return draw();
        }
        return result;
      });
    }
    const first = draw();
    if (window.ResizeObserver) {
      let timer = null;
      new ResizeObserver(function () {
        const avail = Math.floor(availableWidth(container.parentElement || container)) - 40;
        if (Math.abs(avail - drawnAt) < 8) return;
        clearTimeout(timer);
        timer = setTimeout(function () { shrink = 0; tries = 0; draw(); }, 150);
      }).observe(container.parentElement || container);
    }
    return first;
  }
  window.vegaEmbed = vegaEmbed;
})();
