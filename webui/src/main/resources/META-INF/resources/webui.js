"use strict";
// DockerCoins web UI: asks json once a second, like the original, and draws what it says with uPlot (served by
// webui from its WebJar). window.dockercoins is what the browser test reads.
(function () {
  const WINDOW_S = 240;        // seconds of history on the charts
  const STALE_AFTER_S = 3;     // no new data for this long: say so in red, never a chart that only looks alive
  const SMOOTH_S = 5;          // the big number: speed over the last 5 s, which two counter updates in one sample do not move
  const GAP_S = 5;             // a longer hole between samples (an outage) is drawn as a hole
  const MAX_ROWS = 4;          // rows per list beside the charts; beyond, the last row sums up the rest (the page never overflows)
  const MAX_STEP_ROWS = 3;     // rows of loop-step bars under the charts (a rollout needs two)
  const COLORS = ["#ffd400", "#39c0ff", "#ff6ad5", "#7dff6a", "#ff9a3c", "#b58cff"];
  const TIME_INCRS = [1, 5, 10, 15, 30, 60, 120, 300, 600]; // seconds between time-axis ticks, the smallest that has room

  const $ = (id) => document.getElementById(id);
  // samples: {t (server seconds), hashes, instant, smooth, versions: {v: speed}}; a sample without hashes is a hole.
  const page = window.dockercoins = { samples: [], versions: [], stale: false, speedChart: null, versionChart: null, timeLabels: {} };
  let lastDataAt = Date.now();   // browser clock: last answer that showed mining (hashes grew or a worker reported)
  let lastAnswer = null;
  let clockOffset = 0;           // server seconds minus browser seconds, so the charts scroll in an outage too
  let lastError = "";
  let inFlight = false;

  function poll() {
    if (inFlight) { addHole(); return; }
    inFlight = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 3000);
    // Relative URL: works behind a path prefix (kubectl proxy, ingress). One request a second, whatever happens.
    fetch("json", { cache: "no-store", signal: abort.signal })
      .then((r) => r.ok ? r.json() : r.json().catch(() => ({})).then((b) => { throw new Error(b.error || "HTTP " + r.status); }))
      .then((data) => { addSample(data); lastError = ""; })
      .catch((e) => {
        lastError = e.name === "AbortError" ? "webui does not answer"
          : e.message === "Failed to fetch" ? "webui unreachable" : String(e.message || e);
        addHole();
      })
      .finally(() => { clearTimeout(timer); inFlight = false; render(); });
  }

  function addSample(data) {
    const hashes = Number(data.hashes); // the original webui sends it as a string
    const t = Number(data.now);
    if (!isFinite(hashes) || !isFinite(t)) throw new Error("unexpected answer from json");
    const s = page.samples;
    const prev = lastReal();
    if (prev && (hashes < prev.hashes || t <= prev.t)) s.length = 0; // counter reset (Redis emptied) or clock jump
    const last = lastReal();
    const workers = Array.isArray(data.workers) ? data.workers : [];
    const versions = data.versions && typeof data.versions === "object" ? data.versions : {};
    const sample = { t, hashes, instant: null, smooth: null, versions };
    if (last && t - last.t <= GAP_S) sample.instant = (hashes - last.hashes) / (t - last.t);
    let old = null; // the oldest real sample at most SMOOTH_S old, with no hole since
    for (let i = s.length - 1; i >= 0 && s[i].hashes !== null && t - s[i].t <= SMOOTH_S + 0.5; i--) old = s[i];
    if (old) sample.smooth = (hashes - old.hashes) / (t - old.t);
    if (!last || hashes > last.hashes || workers.length > 0) lastDataAt = Date.now();
    s.push(sample);
    trim(t);
    clockOffset = t - Date.now() / 1000;
    const steps = data.steps && typeof data.steps === "object" ? data.steps : {};
    lastAnswer = { coins: Number(data.coins), workers, versions, rng: data.rng || {}, steps };
  }

  function addHole() {
    const t = Date.now() / 1000 + clockOffset;
    page.samples.push({ t, hashes: null, instant: null, smooth: null, versions: {} });
    trim(t);
  }

  function lastReal() {
    for (let i = page.samples.length - 1; i >= 0; i--) if (page.samples[i].hashes !== null) return page.samples[i];
    return null;
  }

  function trim(t) {
    const s = page.samples;
    while (s.length && s[0].t < t - WINDOW_S) s.shift();
  }

  /**
   * The instant figure: the last poll that saw new hashes, within SMOOTH_S. Each worker adds its loops to the counter
   * in one batch about once a second, so a 1 s poll sees two batches or none: the chart shows every poll (the zeros are
   * the lesson), the figure never reads 0.0 while workers mine. Nothing new for SMOOTH_S: 0.0, mining has stalled.
   */
  function shownInstant() {
    const s = page.samples;
    const last = lastReal();
    if (!last) return null;
    for (let i = s.length - 1; i >= 0 && s[i].hashes !== null && last.t - s[i].t <= SMOOTH_S; i--) {
      if (s[i].instant > 0) return s[i].instant;
    }
    return last.instant;
  }

  function niceCeiling(x) {
    const power = Math.pow(10, Math.floor(Math.log10(x)));
    for (const step of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) if (step * power >= x) return step * power;
    return 10 * power;
  }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return "\u2013";
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  }

  /** A clock time, never a bare ":30": 14:05 when the ticks are whole minutes apart, else 14:05:30. */
  function clock(t, withSeconds) {
    const d = new Date(t * 1000);
    const two = (n) => String(n).padStart(2, "0");
    return two(d.getHours()) + ":" + two(d.getMinutes()) + (withSeconds ? ":" + two(d.getSeconds()) : "");
  }

  /** The size of one --u of the stylesheet, in pixels: the charts' type grows with the page's. */
  function unit() {
    return Math.min(window.innerHeight / 100, window.innerWidth * 0.0075);
  }

  function textWidth(text, font) {
    const ctx = textWidth.ctx || (textWidth.ctx = document.createElement("canvas").getContext("2d"));
    ctx.font = font;
    return ctx.measureText(text).width;
  }

  function chartOptions(name, box, series) {
    const px = Math.max(12, Math.round(2.7 * unit()));
    const font = "bold " + px + "px system-ui, sans-serif";
    const yAxisSize = Math.round(textWidth("000", font) + px);
    // Room between time ticks for a label and a gap: 14:05:30 when 30 s between ticks leaves room for it, else 14:05.
    const secondsSpace = Math.round(textWidth("00:00:00", font) + 1.5 * px);
    const minutesSpace = Math.round(textWidth("00:00", font) + 1.5 * px);
    const withSeconds = (plotWidth) => (30 / WINDOW_S) * plotWidth >= secondsSpace;
    // The widest label, for the right padding (a tick at the right edge); the plot is a little narrower than the box.
    const clockWidth = textWidth(withSeconds(box.clientWidth - yAxisSize) ? "00:00:00" : "00:00", font);
    const axis = { stroke: "#ddd", font, grid: { stroke: "#333", width: 1 }, ticks: { stroke: "#555", width: 1, size: Math.round(px / 3) } };
    const timeAxis = Object.assign({}, axis, {
      size: Math.round(px * 2), incrs: TIME_INCRS,
      // No room for 14:05:30 every 30 s: ask for more than 30 s takes, so that ticks are whole minutes apart.
      space: (u, axisIndex, min, max, plotWidth) => (withSeconds(plotWidth) ? secondsSpace
        : Math.max(minutesSpace, Math.floor((30 / WINDOW_S) * plotWidth) + 1)),
      values: (u, splits, axisIndex, foundSpace, incr) => {
        const labels = splits.map((t) => {
          const label = clock(t, incr % 60 !== 0);
          // A label that would run into the speed axis' numbers is left out (its grid line stays).
          return u.valToPos(t, "x") < textWidth(label, font) / 2 ? null : label;
        });
        page.timeLabels[name] = { labels, splits, font };
        return labels;
      },
    });
    const speedAxis = Object.assign({}, axis, {
      // As wide as its widest number (1500 h/s under a load test), never narrower than 3 digits.
      size: (u, values) => Math.round(Math.max(yAxisSize - px, ...(values || []).map((v) => textWidth(String(v), font))) + px),
      space: Math.round(px * 2),
      values: (u, vals) => vals.map((v) => +v.toFixed(2)), // 0.25 stays 0.25, 12.5 stays 12.5
    });
    return {
      width: Math.max(200, box.clientWidth), height: Math.max(100, box.clientHeight),
      // Room at the right for half a clock label (a tick at the right edge), at the top for half a number.
      padding: [Math.round(px * 0.7), Math.round(clockWidth / 2 + 4), null, null],
      legend: { show: false }, cursor: { show: false }, select: { show: false },
      scales: {
        x: { time: true, auto: false, range: () => { const end = Date.now() / 1000 + clockOffset; return [end - WINDOW_S, end]; } },
        y: { range: (u, min, max) => [0, niceCeiling(Math.max(1, (max || 0) * 1.15))] },
      },
      axes: [timeAxis, speedAxis],
      series: [{}].concat(series),
    };
  }

  function makeSpeedChart() {
    const box = $("speedBox");
    if (page.speedChart) page.speedChart.destroy();
    page.speedChart = new uPlot(chartOptions("speed", box, [
      { label: "instant", stroke: "#ffd400", width: 2, fill: "rgba(255,212,0,0.3)", points: { show: false } },
      { label: "smoothed", stroke: "#fff", width: 4, points: { show: false } },
    ]), speedData(), box);
  }

  /** Stacked areas, one per version (sorted: the oldest at the bottom): each series is the sum up to its version,
   *  drawn from the top one down with opaque fills, so each band's thickness is that version's speed from /json. */
  function makeVersionChart() {
    const box = $("versionBox");
    if (page.versionChart) page.versionChart.destroy();
    const series = page.versions.slice().reverse().map((v) => {
      const color = colorOf(v);
      return { label: v, stroke: color, width: 2, fill: color, points: { show: false } };
    });
    page.versionChart = new uPlot(chartOptions("version", box, series), versionData(), box);
    const legend = [el("span", "dim", "by worker version")];
    for (const v of page.versions) legend.push(el("span", "key version", swatch(v), el("span", "name", v)));
    $("versionLegend").replaceChildren(...legend);
  }

  function speedData() {
    const s = page.samples;
    return [s.map((p) => p.t), s.map((p) => p.instant), s.map((p) => p.smooth)];
  }

  function versionData() {
    const s = page.samples;
    const stacked = [];
    let below = s.map((p) => (p.hashes === null ? null : 0));
    for (const v of page.versions) {
      const level = below;
      below = s.map((p, i) => (level[i] === null ? null : level[i] + (Number(p.versions[v]) || 0)));
      stacked.unshift(below);
    }
    return [s.map((p) => p.t)].concat(stacked);
  }

  function colorOf(version) { return COLORS[Math.max(0, page.versions.indexOf(version)) % COLORS.length]; }

  /** An element with a class and children (strings become text: names from Redis are never parsed as HTML). */
  function el(tag, className, ...children) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    e.append(...children.map((c) => (c instanceof Node ? c : String(c))));
    return e;
  }

  function swatch(version) {
    const s = el("span", "swatch");
    s.style.background = colorOf(version);
    return s;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function render() {
    const silent = (Date.now() - lastDataAt) / 1000;
    page.stale = silent >= STALE_AFTER_S;
    document.body.classList.toggle("stale", page.stale);
    if (page.stale) {
      const why = lastError ? lastError : "no worker is reporting";
      $("banner").textContent = "no data for " + Math.round(silent) + " s \u2013 " + why;
    }
    const last = lastReal();
    $("speed").textContent = page.stale ? "\u2013" : fmt(last && last.smooth);
    $("instant").textContent = page.stale ? "\u2013" : fmt(shownInstant());
    if (lastAnswer) {
      const c = lastAnswer.coins;
      $("coins").replaceChildren(String(c), " ", el("span", "dim", c === 1 ? "coin mined" : "coins mined"));
      renderWorkers(lastAnswer.workers, lastAnswer.versions);
      renderRng(lastAnswer.rng);
      renderSteps(lastAnswer.steps);
    }

    // Versions seen in the window, sorted by name, so v0.1 stays below v0.2; a new one rebuilds the chart.
    const seen = new Set();
    for (const sample of page.samples) for (const v in sample.versions) seen.add(v);
    const versions = Array.from(seen).sort();
    if (!page.versionChart || versions.join("\n") !== page.versions.join("\n")) { page.versions = versions; makeVersionChart(); }
    page.speedChart.setData(speedData());
    page.versionChart.setData(versionData());
  }

  /** One row per version: how many workers run it, and its speed exactly as json's versions gives it. */
  function renderWorkers(workers, versions) {
    $("workersTitle").textContent = plural(workers.length, "worker", "workers") + " mining";
    const count = {};
    for (const w of workers) count[w.version] = (count[w.version] || 0) + 1;
    const names = Object.keys(versions).sort();
    const rows = [];
    names.forEach((v, i) => {
      if (names.length > MAX_ROWS && i >= MAX_ROWS - 1) return;
      const row = el("div", "row version-count", swatch(v), el("span", "name", v),
        el("span", "count", "\u00d7 " + (count[v] || 0)), el("span", "speed", fmt(Number(versions[v])) + " h/s"));
      row.title = v;
      rows.push(row);
    });
    if (names.length > MAX_ROWS) {
      const rest = names.slice(MAX_ROWS - 1);
      const restWorkers = rest.reduce((n, v) => n + (count[v] || 0), 0);
      rows.push(el("div", "row more", el("span", "name dim", "+ " + plural(rest.length, "version", "versions")),
        el("span", "count", "\u00d7 " + restWorkers)));
    }
    $("workers").replaceChildren(...rows);
  }

  /** One row per rng instance with its share of the workers' recent rng answers. */
  function renderRng(shares) {
    const hosts = Object.keys(shares).sort();
    $("rngTitle").textContent = plural(hosts.length, "rng instance", "rng instances") + " serving";
    const shown = hosts.length > MAX_ROWS ? hosts.slice(0, MAX_ROWS - 1) : hosts;
    const rows = shown.map((h) => shareRow(h, h, Number(shares[h])));
    if (shown.length < hosts.length) {
      const rest = hosts.slice(shown.length);
      rows.push(shareRow("+ " + rest.length + " more", rest.join(" "), rest.reduce((sum, h) => sum + Number(shares[h]), 0)));
    }
    $("rng").replaceChildren(...rows);
    for (const row of rows) keepTheEnd(row.querySelector(".name"));
  }

  /**
   * Per version, one stacked bar of the mean seconds of each step of its workers' loops (json's steps: the page only
   * draws them), all bars on one scale. With one worker the steps are about equal; with ten on one rng, rng's grows.
   */
  function renderSteps(steps) {
    const names = Object.keys(steps).sort();
    const shown = names.length > MAX_STEP_ROWS ? names.slice(0, MAX_STEP_ROWS - 1) : names;
    // The steps, their names and their order, are /json's (the ledger's LoopStep): the page lists none of its own.
    const stepsOf = (v) => (steps[v] && typeof steps[v] === "object" ? Object.keys(steps[v]) : []);
    const total = (v) => stepsOf(v).reduce((sum, step) => sum + (Number(steps[v][step]) || 0), 0);
    const scale = Math.max(0.001, ...shown.map(total));
    renderStepsLegend(shown.length ? stepsOf(shown[0]) : []);
    const rows = shown.map((v) => {
      const segments = stepsOf(v).map((step) => {
        const seconds = Number(steps[v][step]) || 0;
        const segment = el("span", "step step-" + step);
        segment.style.width = (100 * seconds / scale) + "%";
        segment.title = step + " " + seconds.toFixed(3) + " s";
        segment.dataset.step = step;
        segment.dataset.seconds = String(seconds);
        return segment;
      });
      const row = el("div", "row step-row", swatch(v), el("span", "name", v), el("span", "steps", ...segments),
        el("span", "speed", seconds(total(v)) + " s"));
      row.title = v + ": " + stepsOf(v).map((step) => step + " " + (Number(steps[v][step]) || 0).toFixed(3) + " s").join(", ");
      return row;
    });
    if (shown.length < names.length) {
      rows.push(el("div", "row step-row more", el("span", "name dim", "+ " + plural(names.length - shown.length, "version", "versions"))));
    }
    $("steps").replaceChildren(...rows);
    // Each segment says its seconds, with its step's name when there is room; a sliver says nothing (its title does).
    for (const segment of $("steps").querySelectorAll(".step")) {
      const value = seconds(Number(segment.dataset.seconds));
      for (const label of [segment.dataset.step + " " + value, value, ""]) {
        segment.textContent = label;
        if (fits(segment)) break;
      }
    }
  }

  /** The legend's keys, one per step, after its title; redrawn only when the steps change. */
  function renderStepsLegend(stepNames) {
    const legend = $("stepsLegend");
    if (legend.dataset.steps === stepNames.join(" ")) return;
    legend.dataset.steps = stepNames.join(" ");
    legend.replaceChildren(legend.firstElementChild,
      ...stepNames.map((step) => el("span", "key", el("span", "swatch step-" + step), step)));
  }

  /** Seconds as a room reads them: 2.0, 0.10, 0.003. */
  function seconds(s) {
    return s >= 1 ? s.toFixed(1) : s >= 0.01 ? s.toFixed(2) : s.toFixed(3);
  }

  function shareRow(label, title, share) {
    const pct = Math.round(share * 100);
    const fill = el("span", "fill");
    fill.style.width = pct + "%";
    const row = el("div", "row rng-share", el("span", "name", label), el("span", "bar", fill, el("span", "pct", pct + "%")));
    row.title = title;
    return row;
  }

  /** A name too long for its column loses its start, not its end: pods of one Deployment differ only in their last letters. */
  function keepTheEnd(name) {
    const text = name.textContent;
    for (let keep = text.length - 1; keep > 0 && !fits(name); keep--) name.textContent = "\u2026" + text.slice(-keep);
  }

  /** Whether an element's text fits its width (to the fraction of a pixel: scrollWidth rounds). */
  function fits(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect().width <= element.getBoundingClientRect().width + 0.01;
  }

  // A new window size, or chart boxes that grow or shrink because rows came or went (the loop-step bars appear
  // with the first workers): new charts of the boxes' size, with type to match (uPlot draws its axes on a canvas,
  // with a fixed font, at the size it was made with; a box that shrinks under it would cut its time labels off).
  let resizeTimer = null;
  const madeFor = { speedBox: "", versionBox: "" };
  function remakeCharts() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const size = (id) => $(id).clientWidth + "x" + $(id).clientHeight;
      if (size("speedBox") !== madeFor.speedBox) { madeFor.speedBox = size("speedBox"); makeSpeedChart(); }
      if (size("versionBox") !== madeFor.versionBox) { madeFor.versionBox = size("versionBox"); makeVersionChart(); }
    }, 100);
  }
  window.addEventListener("resize", remakeCharts);
  if (window.ResizeObserver) {
    const boxes = new ResizeObserver(remakeCharts);
    boxes.observe($("speedBox"));
    boxes.observe($("versionBox"));
  }

  makeSpeedChart();
  makeVersionChart();
  setInterval(poll, 1000);
  poll();
})();
