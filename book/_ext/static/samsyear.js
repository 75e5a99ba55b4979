// Sam's year: a decision game played from data worked out by teamsim when the book was built
// (window.TEAMSIM_DATA.sams_year, written by book/_ext/game.py from teamsim.course.game).
// Every number the game shows comes from that data; the sentences are put together from it.
(function () {
  "use strict";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }
  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    return node;
  }

  function money(k) {
    return Math.abs(k) >= 1000 ? "$" + (k / 1000).toFixed(2) + " million" : "$" + Math.round(k) + "k";
  }
  function two(x) { return x.toFixed(2); }
  function people(n) {
    // a mean over the simulated years, so a fraction of a person is a fair answer
    const text = n.toFixed(1);
    return text === "1.0" ? "1 person" : text + " people";
  }
  function more(k) {
    return money(Math.abs(k)) + (k >= 0 ? " more" : " less");
  }

  function start(root, data) {
    const Q = data.weeks_per_quarter;
    const QUARTERS = 4;
    const choices = data.choices;
    const metrics = Object.keys(data.metrics);
    const factor = data.metrics;
    const summaryNames = Object.keys(data.summary_metrics);
    const summaryFactor = data.summary_metrics;
    const allPaths = Object.keys(data.paths);
    let path = "";
    let timer = null;

    function quarter(prefix) {
      // {revenue: [...13], engagement: [...], ...} in natural units
      const rows = data.quarters[prefix];
      const out = {};
      metrics.forEach((name, m) => { out[name] = rows[m].map((v) => v / factor[name]); });
      return out;
    }
    function weeksOf(prefix) {
      // the weeks played so far on this path, quarter after quarter
      const out = {};
      metrics.forEach((name) => { out[name] = []; });
      for (let q = 1; q <= prefix.length; q++) {
        const part = quarter(prefix.slice(0, q));
        metrics.forEach((name) => { out[name].push(...part[name]); });
      }
      return out;
    }
    function summary(full) {
      const values = {};
      summaryNames.forEach((name, m) => { values[name] = data.paths[full][m] / summaryFactor[name]; });
      return values;
    }
    function sum(xs) { return xs.reduce((a, b) => a + b, 0); }
    function names(prefix) { return [...prefix].map((c) => choices[+c].name); }
    function market(q) { return data.market.slice((q - 1) * Q, q * Q).map((v) => v / 100); }

    // ----- the frame -----
    const maxRevenue = Math.max(...Object.values(data.quarters).map((rows) => Math.max(...rows[0])));
    const live = el("p", {class: "samsyear-live", role: "status", "aria-live": "polite"});
    const intro = el("p", {class: "samsyear-intro"});
    // Sam cannot see the shock coming; the reader is told, so that the choice is about what to do
    // with it, not a guessing game.
    intro.textContent = "In this model's year, demand falls by " + Math.round(data.shock.depth * 100)
      + "% in week " + data.shock.start + " and recovers after week " + data.shock.end
      + ". Sam cannot see it coming; you can. Every number below is the model's mean over "
      + data.runs + " simulated years of the same " + data.team_size
      + "-rep team: an illustration of the model's rules, not a forecast.";

    const chartTitle = el("p", {class: "samsyear-chart-title", id: "samsyear-chart-title",
      text: "Sam's team, week by week"});
    // a narrower drawing on a phone, so that its labels stay readable when it is scaled down
    const W = (root.parentElement.clientWidth || 640) < 560 ? 360 : 640;
    const chart = svg("svg", {viewBox: "0 0 " + W + " 300", role: "img", class: "samsyear-chart",
      "aria-labelledby": "samsyear-chart-title samsyear-chart-desc", focusable: "false"});
    const chartDesc = el("p", {class: "samsyear-chart-desc", id: "samsyear-chart-desc"});
    const tableBody = el("tbody");
    const weeksTable = el("details", {class: "samsyear-weeks"}, [
      el("summary", {text: "The weeks so far, as a table"}),
      el("div", {class: "samsyear-scroll", tabindex: "0", role: "region",
        "aria-label": "The weeks so far"}, [
        el("table", {class: "samsyear-table"}, [
          el("thead", {}, [el("tr", {}, ["Week", "Style", "Revenue ($k)", "Engagement",
            "Exhaustion", "Expected leavers"].map((h) => el("th", {scope: "col", text: h})))]),
          tableBody])])]);
    const log = el("ol", {class: "samsyear-log", "aria-label": "Quarters played"});
    const form = el("form", {class: "samsyear-decide"});
    const end = el("section", {class: "samsyear-end", hidden: true, "aria-labelledby": "samsyear-end-title"});
    const restart = el("button", {type: "button", class: "samsyear-button samsyear-restart",
      text: "Start the year again"});
    root.append(intro, el("figure", {class: "samsyear-figure"}, [chartTitle, chart, chartDesc]),
      weeksTable, log, form, end, restart, live);

    // ----- the chart -----
    const left = 44, right = 8, plotW = W - left - right;
    const panels = [
      {top: 44, height: 100, max: Math.ceil(maxRevenue * 1.05 / 50) * 50, label: "Revenue, $k a week",
        lines: [{name: "revenue", cls: "samsyear-line-revenue"}]},
      {top: 180, height: 88, max: 1, label: "Engagement (solid), exhaustion (dashed)",
        lines: [{name: "engagement", cls: "samsyear-line-engagement"},
          {name: "exhaustion", cls: "samsyear-line-exhaustion"}]},
    ];
    const x = (week) => left + (week - 0.5) / (QUARTERS * Q) * plotW;
    function drawFrame() {
      chart.replaceChildren();
      const shock = svg("rect", {x: x(data.shock.start - 0.5), y: 20,
        width: x(data.shock.end + 0.5) - x(data.shock.start - 0.5), height: 256, class: "samsyear-shock"});
      chart.append(shock);
      const shockLabel = svg("text", {x: x(data.shock.start) + 2, y: 292, class: "samsyear-small"});
      shockLabel.textContent = "market shock";
      chart.append(shockLabel);
      for (let q = 1; q < QUARTERS; q++) {
        chart.append(svg("line", {x1: x(q * Q + 0.5), x2: x(q * Q + 0.5), y1: 20, y2: 276,
          class: "samsyear-divider"}));
      }
      for (let q = 1; q <= QUARTERS; q++) {
        const t = svg("text", {x: x((q - 1) * Q + Q / 2 + 0.5), y: 12, class: "samsyear-small",
          "text-anchor": "middle"});
        t.textContent = "Q" + q;
        chart.append(t);
      }
      panels.forEach((p) => {
        chart.append(svg("line", {x1: left, x2: W - right, y1: p.top + p.height, y2: p.top + p.height,
          class: "samsyear-axis"}));
        const label = svg("text", {x: left, y: p.top - 10, class: "samsyear-small samsyear-panel-label"});
        label.textContent = p.label;
        chart.append(label);
        [0, p.max / 2, p.max].forEach((v) => {
          const tick = svg("text", {x: left - 6, y: p.top + p.height - v / p.max * p.height + 4,
            class: "samsyear-small", "text-anchor": "end"});
          tick.textContent = p.max === 1 ? v.toFixed(1) : Math.round(v);
          chart.append(tick);
        });
      });
    }
    function drawLines(weeks, upTo) {
      chart.querySelectorAll(".samsyear-line").forEach((n) => n.remove());
      panels.forEach((p) => {
        p.lines.forEach((line) => {
          const values = weeks[line.name].slice(0, upTo);
          if (!values.length) return;
          const points = values.map((v, i) =>
            x(i + 1).toFixed(1) + "," + (p.top + p.height - Math.min(v, p.max) / p.max * p.height).toFixed(1));
          chart.append(svg("polyline", {points: points.join(" "), class: "samsyear-line " + line.cls}));
        });
      });
    }
    function describeChart(weeks) {
      const n = weeks.revenue.length;
      if (!n) {
        chartDesc.textContent = "Nothing played yet: the chart fills in quarter by quarter. "
          + "The shaded weeks are the market shock.";
        return;
      }
      const rev = weeks.revenue;
      chartDesc.textContent = "Weeks 1 to " + n + ": revenue from " + money(rev[0]) + " to "
        + money(rev[n - 1]) + " a week (lowest " + money(Math.min(...rev)) + ", highest "
        + money(Math.max(...rev)) + "); engagement from " + two(weeks.engagement[0]) + " to "
        + two(weeks.engagement[n - 1]) + "; exhaustion from " + two(weeks.exhaustion[0]) + " to "
        + two(weeks.exhaustion[n - 1]) + ". "
        + "The shaded weeks are the market shock.";
    }
    function fillTable(prefix, weeks) {
      tableBody.replaceChildren();
      weeks.revenue.forEach((_, i) => {
        const style = choices[+prefix[Math.floor(i / Q)]].name;
        tableBody.append(el("tr", {}, [
          el("th", {scope: "row", text: String(i + 1)}), el("td", {text: style}),
          el("td", {text: String(Math.round(weeks.revenue[i]))}),
          el("td", {text: two(weeks.engagement[i])}), el("td", {text: two(weeks.exhaustion[i])}),
          el("td", {text: weeks.quits[i].toFixed(2)})]));
      });
    }
    function show(prefix, animate) {
      const weeks = weeksOf(prefix);
      const n = weeks.revenue.length;
      clearInterval(timer);
      describeChart(weeks);
      fillTable(prefix, weeks);
      const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (!animate || reduced || n === 0) { drawLines(weeks, n); return; }
      let upTo = n - Q;
      drawLines(weeks, upTo);
      timer = setInterval(() => {
        upTo += 1;
        drawLines(weeks, upTo);
        if (upTo >= n) clearInterval(timer);
      }, 70);
    }

    // ----- what happened, and why (from the data) -----
    function story(prefix) {
      const q = prefix.length;
      const c = +prefix[q - 1];
      const style = choices[c];
      const now = quarter(prefix);
      const rev = sum(now.revenue);
      const left = sum(now.quits);
      const before = q > 1 ? quarter(prefix.slice(0, -1)) : null;
      const engFrom = before ? before.engagement[Q - 1] : now.engagement[0];
      const exhFrom = before ? before.exhaustion[Q - 1] : now.exhaustion[0];
      const engTo = now.engagement[Q - 1];
      const exhTo = now.exhaustion[Q - 1];
      const lines = [];
      let what = "The quarter brought in " + money(rev);
      if (before) {
        const change = (rev / sum(before.revenue) - 1) * 100;
        what += " (" + (change >= 0 ? "up " : "down ") + Math.abs(change).toFixed(0) + "% on the last quarter)";
      }
      what += ". Engagement went from " + two(engFrom) + " to " + two(engTo) + ", exhaustion from "
        + two(exhFrom) + " to " + two(exhTo) + ", and " + people(left)
        + " left the team (on average over the simulated years).";
      lines.push(what);
      const demand = sum(market(q)) / Q;
      if (demand < 0.97) {
        lines.push("Demand averaged " + Math.round(demand * 100) + "% of normal in these weeks: "
          + "the shock hits every path alike, whatever Sam does.");
      }
      // the same start, the five choices: where this one stands
      const siblings = choices.map((_, k) => ({k, rev: sum(quarter(prefix.slice(0, -1) + k).revenue),
        eng: quarter(prefix.slice(0, -1) + k).engagement[Q - 1]}));
      const byRev = [...siblings].sort((a, b) => b.rev - a.rev);
      const rank = byRev.findIndex((s) => s.k === c) + 1;
      const best = byRev[0];
      if (rank === 1) {
        lines.push("From the same start, none of the other four styles would have brought in more "
          + "this quarter (the next best, " + choices[byRev[1].k].name + ", brought in " + more(byRev[1].rev - rev) + ").");
      } else {
        lines.push("From the same start, " + style.name + " was number " + rank + " of 5 for the "
          + "quarter's revenue; " + choices[best.k].name + " would have brought in " + more(best.rev - rev) + ".");
      }
      const engBest = [...siblings].sort((a, b) => b.eng - a.eng)[0];
      if (engBest.k !== c) {
        lines.push("For engagement at the quarter's end, " + choices[engBest.k].name + " would have done best ("
          + two(engBest.eng) + ").");
      }
      // why, in the model's own rules, chosen by what moved and which dials were set
      const why = [];
      if (exhTo - exhFrom >= 0.02 && style.control >= 0.6) {
        why.push("control turns into pressure, which drains people and leaves less time to recover");
      }
      if (exhTo - exhFrom <= -0.02 && style.control <= 0.3) {
        why.push("with little pressure, people recover from exhaustion");
      }
      if (engTo - engFrom >= 0.02 && style.inspiration >= 0.6) {
        why.push("inspiration fitted to each rep lifts engagement, and trust builds slowly");
      }
      if (engTo - engFrom <= -0.02 && style.inspiration <= 0.2) {
        why.push("without inspiration, engagement drifts down, and tired, disengaged people leave more often");
      }
      if (style.control <= 0.3 && demand >= 0.97 && rank > 1) {
        why.push("with little control, pipelines go stale and effort comes in bursts");
      }
      if (demand < 0.97 && style.control <= 0.6 && style.inspiration >= 0.6) {
        why.push("during a shock, a trusted team with purpose and room finds some demand elsewhere (an assumed rule that no study sizes)");
      }
      if (why.length) {
        lines.push("Why, in the model: " + why.slice(0, 2).join("; ") + ". These are the model's rules "
          + "(the model appendix gives each one's evidence), not laws of real teams.");
      }
      return {title: "Quarter " + q + " (weeks " + ((q - 1) * Q + 1) + "\u2013" + q * Q + "): " + style.name,
        lines, rev, left};
    }

    // ----- one decision at a time -----
    function buildForm() {
      const q = path.length + 1;
      form.replaceChildren();
      if (q > QUARTERS) { form.hidden = true; return; }
      form.hidden = false;
      const fieldset = el("fieldset", {});
      let legendText = "Quarter " + q + " of " + QUARTERS + " (weeks " + ((q - 1) * Q + 1) + "\u2013" + q * Q
        + "): how does Sam manage the team?";
      fieldset.append(el("legend", {text: legendText}));
      if (q > 1) {
        const lastWeek = (q - 1) * Q;
        fieldset.append(el("p", {class: "samsyear-hint", text: "Last week, demand stood at "
          + data.market[lastWeek - 1] + "% of normal."}));
      }
      choices.forEach((choice, k) => {
        const id = "samsyear-q" + q + "-" + k;
        fieldset.append(el("div", {class: "samsyear-choice"}, [
          el("input", {type: "radio", name: "samsyear-q" + q, id, value: String(k)}),
          el("label", {for: id}, [el("strong", {text: choice.name}), ": " + choice.about
            + " (control " + choice.control.toFixed(1) + ", inspiration " + choice.inspiration.toFixed(1) + ")"])]));
      });
      const note = el("p", {class: "samsyear-note", id: "samsyear-note-" + q});
      form.append(fieldset, el("button", {type: "submit", class: "samsyear-button samsyear-play",
        text: "Play the quarter"}), note);
    }

    function play(k) {
      path += String(k);
      const s = story(path);
      const heading = el("h3", {tabindex: "-1", class: "samsyear-quarter-title", text: s.title});
      const item = el("li", {class: "samsyear-quarter", "data-prefix": path}, [heading,
        ...s.lines.map((line) => el("p", {text: line}))]);
      log.append(item);
      show(path, true);
      buildForm();
      if (path.length === QUARTERS) finish();
      else {
        heading.focus();
        live.textContent = s.title + ". " + s.lines[0];
      }
    }

    function row(label, full, cls) {
      const v = summary(full);
      return el("tr", {class: cls || null, "data-path": full, "data-revenue": String(data.paths[full][0])}, [
        el("th", {scope: "row", text: label}),
        el("td", {text: money(v.revenue)}), el("td", {text: v.quits.toFixed(1)}),
        el("td", {text: two(v.engagement)}), el("td", {text: two(v.exhaustion_end)})]);
    }

    function finish() {
      const mine = summary(path);
      const ranked = [...allPaths].sort((a, b) => data.paths[b][0] - data.paths[a][0]);
      const best = ranked[0];
      const rank = ranked.findIndex((p) => data.paths[p][0] <= data.paths[path][0]) + 1;
      const bestSummary = summary(best);
      const title = el("h3", {id: "samsyear-end-title", tabindex: "-1", text: "Sam's year, your way"});
      const yours = names(path).join(" \u2192 ");
      const lines = [
        "Your path: " + yours + ". The year brought in " + money(mine.revenue) + ", and "
          + people(mine.quits) + " left on average.",
        best === path
          ? "No path of the " + allPaths.length + " brought in more revenue in this model."
          : "By the year's revenue, your path ranks " + rank + " of " + allPaths.length + ". The best, "
            + names(best).join(" \u2192 ") + ", brought in " + money(bestSummary.revenue) + ", "
            + more(bestSummary.revenue - mine.revenue) + " than yours.",
        "Revenue is the score here because it is the easiest to compare; the table shows what each "
          + "year cost the people too. In another model, or on a real team, the ranking could differ: "
          + "use it to ask why, not as a recipe.",
      ];
      const rows = [row("Your path: " + yours, path, "samsyear-yours")];
      choices.forEach((choice, k) => rows.push(row(choice.name + " all year", String(k).repeat(QUARTERS))));
      if (best !== path) rows.push(row("Best by revenue: " + names(best).join(" \u2192 "), best, "samsyear-best"));
      const table = el("div", {class: "samsyear-scroll", tabindex: "0", role: "region",
        "aria-label": "Your year beside the fixed styles"}, [
        el("table", {class: "samsyear-table samsyear-compare"}, [
          el("caption", {text: "Your year beside the five styles held all year"
            + (best !== path ? " and the best path" : "") + " (means over " + data.runs + " simulated years)"}),
          el("thead", {}, [el("tr", {}, ["Path", "Revenue", "People who left", "Mean engagement",
            "Exhaustion at the end"].map((h) => el("th", {scope: "col", text: h})))]),
          el("tbody", {}, rows)])]);
      end.replaceChildren(title, ...lines.map((line) => el("p", {text: line})), table);
      end.hidden = false;
      title.focus();
      live.textContent = "The year is over. " + lines[0] + " " + lines[1];
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[type=radio]:checked");
      const note = form.querySelector(".samsyear-note");
      if (!picked) {
        note.textContent = "Pick one of the five styles first.";
        form.querySelector("input[type=radio]").focus();
        return;
      }
      play(+picked.value);
    });
    restart.addEventListener("click", () => {
      path = "";
      clearInterval(timer);
      log.replaceChildren();
      end.hidden = true;
      end.replaceChildren();
      buildForm();
      show(path, false);
      live.textContent = "A new year: quarter 1.";
      form.querySelector("input[type=radio]").focus();
    });
    drawFrame();
    buildForm();
    show(path, false);
    root.hidden = false;
    root.closest(".samsyear").classList.add("samsyear-ready");
  }

  function init() {
    const root = document.querySelector(".samsyear-app");
    const data = (window.TEAMSIM_DATA || {}).sams_year;
    if (!root || !data) return;
    start(root, data);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
