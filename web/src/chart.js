// The one chart view of Pier: it draws what the server built (package
// chart's Drawing, or a dashboard tile's view) into an element the page
// owns. ECharts is loaded from /static/echarts.min.js the first time a
// chart needs it. The element keeps the classes its page gave it; the
// view only adds and removes its own.
import { h, fill } from "./dom.js";
import { polish, formatValue, formatCompact, humanize, formatCell, isNumericType } from "./chartlook.js";

export { formatValue };

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
const modes = ["tile-chart", "tile-number", "tile-light", "tile-words", "tile-table", "tile-error"];
const observers = new WeakMap();

let loading = null;

// loadECharts loads the chart library the first time a chart is drawn, so
// pages without charts never fetch it. The page names its URL (versioned)
// in a data-echarts attribute.
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  const src = document.querySelector("[data-echarts]")?.dataset.echarts;
  if (!src) return Promise.reject(new Error("The chart library is not on this page; reload it."));
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => resolve(window.echarts);
    s.onerror = () => {
      loading = null;
      reject(new Error("The chart library did not load; reload the page."));
    };
    document.head.append(s);
  });
  return loading;
}

// clear takes down whatever the view drew in el: the chart, its resize
// observer and its mode class.
export function clear(el) {
  window.echarts?.getInstanceByDom(el)?.dispose();
  observers.get(el)?.disconnect();
  observers.delete(el);
  el.classList.remove(...modes);
  delete el.dataset.drawn;
}

// showDrawing draws a Drawing into el. onPick(column, value) is called
// when a person clicks a category or a series, to filter other tiles.
export async function showDrawing(el, d, { onPick, timeColumn } = {}) {
  clear(el);
  const format = d.formats?.[d.y?.[0]];
  if (d.number) return showNumber(el, d.number, format);
  if (d.light) return showLight(el, d.light, format);
  if (d.empty) return showEmpty(el);
  if (d.words) return showWords(el, d);
  const echarts = await loadECharts();
  clear(el); // another draw may have finished while the library loaded
  fill(el);
  el.classList.add("tile-chart");
  const chart = echarts.init(el, null, { renderer: "svg" });
  // Lines and bars grow in; "drawn" says the chart stands still, so that
  // what a person (or a screenshot) sees is the whole of it.
  chart.on("finished", () => { el.dataset.drawn = "true"; });
  chart.setOption(polish(d, el.clientWidth));
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  observers.set(el, observer);
  pickable(el, chart, d, onPick, timeColumn);
}

// pickable lets a click on a category filter by it, and a click on a
// series (a stacked bar's part, a line) filter by the series column too.
function pickable(el, chart, d, onPick, timeColumn) {
  if (!onPick || d.type === "scatter" || d.type === "heatmap") return;
  const x = d.x && d.x !== timeColumn ? d.x : null;
  if (!x && !d.series) return;
  chart.on("click", (p) => {
    const picks = [];
    if (x && p.name !== undefined && p.name !== "(empty)") picks.push([x, p.name]);
    if (d.series && p.seriesName !== undefined && p.seriesName !== "(empty)") picks.push([d.series, p.seriesName]);
    if (picks.length) onPick(picks);
  });
  el.title = `Click a ${d.type === "pie" ? "slice" : "bar or point"} to filter the other tiles by it`;
}

// showTileView draws a tile's view: its drawing, or its rows as a table.
export async function showTileView(el, view, opts) {
  if (view.drawing) return showDrawing(el, view.drawing, opts);
  clear(el);
  showTable(el, view);
}

function showEmpty(el) {
  el.classList.add("tile-words");
  fill(el, h("p", { class: "empty", testid: "no-data" }, "No data for this view. Widen the period or drop a filter."));
}

function showNumber(el, n, format) {
  el.classList.add("tile-number");
  const parts = [h("div", { class: "big-number", testid: "big-number" }, formatValue(n.value, format)), h("div", { class: "big-label" }, n.value === null || n.value === undefined ? `${n.label} · no data for this view` : n.label)];
  if (n.change !== undefined && n.change !== null) {
    const dir = n.change > 0 ? "up" : n.change < 0 ? "down" : "flat";
    const arrow = { up: "▲", down: "▼", flat: "■" }[dir];
    parts.push(h("div", { class: `change ${dir}`, testid: "change" }, `${arrow} ${percent.format(n.change)} vs ${formatValue(n.previous, format)} the period before`));
  }
  const p = n.partial;
  if (p && p.period === n.period) {
    parts.push(h("div", { class: "big-period partial", testid: "big-period" }, `${n.period} so far: ${p.days} of ${p.of} days`));
  } else if (n.period) {
    parts.push(h("div", { class: "big-period", testid: "big-period" }, n.period));
  }
  if (n.compared && (n.change === undefined || n.change === null)) parts.push(h("div", { class: "muted small" }, n.compared));
  if (p && p.period !== n.period) {
    parts.push(h("div", { class: "big-partial", testid: "partial", title: "Not compared until the period is complete" },
      `${p.period} so far: ${formatValue(p.value, format)} (${p.days} of ${p.of} days)`));
  }
  fill(el, ...parts);
  fit(parts[0], n.value, format);
}

// fit shortens a big number that is wider than its tile (1.2B for
// 1,234,567,890), with the whole number on hover.
function fit(el, v, format) {
  if (el.scrollWidth <= el.clientWidth || isNaN(Number(v))) return;
  el.title = formatValue(v, format);
  el.textContent = formatCompact(Number(v), format);
}

function showLight(el, l, format) {
  el.classList.add("tile-light");
  const words = { good: "Good", normal: "Normal", bad: "Bad", "": "No data" };
  const higher = l.good > l.bad;
  fill(el,
    h("div", { class: `light ${l.state || "none"}`, testid: "light", "data-state": l.state, role: "img", "aria-label": words[l.state ?? ""] }),
    h("div", {},
      h("div", { class: "big-number" }, formatValue(l.value, format)),
      h("div", { class: "big-label" }, `${l.label} · ${words[l.state ?? ""]}`),
      h("div", { class: "muted small" }, higher ? `good at ${formatValue(l.good)} or more, bad at ${formatValue(l.bad)} or less` : `good at ${formatValue(l.good)} or less, bad at ${formatValue(l.bad)} or more`)));
}

// showWords lays the words out largest in the middle, so the cloud reads
// from its centre outwards.
function showWords(el, d) {
  el.classList.add("tile-words");
  const order = [];
  d.words.forEach((w, i) => (i % 2 ? order.push(w) : order.unshift(w)));
  fill(el, ...order.map((w) => h("span", {
    class: "word", testid: "word", title: `${w.text}: ${formatValue(w.value)}`,
    style: `font-size: ${(0.8 + w.size * 1.9).toFixed(2)}rem; opacity: ${(0.55 + w.size * 0.45).toFixed(2)}`,
  }, w.text)));
  if (!d.words.length) fill(el, h("p", { class: "empty" }, "No words to show."));
}

function showTable(el, view) {
  el.classList.add("tile-table");
  const numeric = view.columns.map((c) => isNumericType(c.type));
  const table = h("table", { class: "result" },
    h("thead", {}, h("tr", {}, view.columns.map((c, i) => h("th", { class: numeric[i] ? "num" : undefined, title: c.name }, humanize(c.name))))),
    h("tbody", {}, (view.rows || []).map((r) => h("tr", {}, r.map((v, i) =>
      h("td", { class: v === null ? "null" : numeric[i] ? "num" : undefined }, v === null ? "null" : formatCell(v, view.columns[i])))))));
  const foot = view.truncated ? h("p", { class: "summary" }, `First ${view.rows.length} of more rows; download the tile for all.`) : null;
  fill(el, h("div", { class: "result-wrap" }, table), foot);
}

// showError says why nothing is drawn. An error that names the access a
// person could ask for links to the request, filled in.
export function showError(el, err) {
  clear(el);
  el.classList.add("tile-error");
  const message = typeof err === "string" ? err : err.message;
  const request = err?.access?.request;
  fill(el, h("p", { class: "error", testid: "tile-error" }, message),
    request ? h("a", { class: "button", href: request, testid: "request-access" }, "Request access") : null);
}
