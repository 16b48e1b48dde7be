// Showing a tile's view (package dashboard's TileView): an ECharts option,
// a big number with its change, a traffic light, a word cloud or a table.
import { h, fill } from "./dom.js";
import { loadECharts } from "./chart.js";

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });

export function formatValue(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") return numberFormat.format(v);
  if (typeof v === "string" && v.trim() !== "" && !isNaN(Number(v))) return numberFormat.format(Number(v));
  return String(v);
}

// showTileView draws view into el. onPick(column, value) is called when a
// person clicks a category of a chart, to filter the other tiles by it.
export async function showTileView(el, view, { onPick, timeColumn } = {}) {
  disposeChart(el);
  const d = view.drawing;
  el.className = "tile-body";
  if (!d) return showTable(el, view);
  if (d.number) return showNumber(el, d.number);
  if (d.light) return showLight(el, d.light);
  if (d.words) return showWords(el, d);
  const echarts = await loadECharts();
  fill(el);
  el.classList.add("tile-chart");
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption(d.option);
  new ResizeObserver(() => chart.resize()).observe(el);
  const column = d.type === "heatmap" ? null : d.x;
  if (onPick && column && column !== timeColumn && d.type !== "scatter") {
    chart.on("click", (p) => {
      if (p.name !== undefined && p.name !== "(empty)") onPick(column, p.name);
    });
    el.title = `Click a ${d.type === "pie" ? "slice" : "bar or point"} to filter the other tiles by ${column}`;
  }
}

export function disposeChart(el) {
  const old = window.echarts?.getInstanceByDom(el);
  if (old) old.dispose();
}

function showNumber(el, n) {
  el.classList.add("tile-number");
  const parts = [h("div", { class: "big-number", testid: "big-number" }, formatValue(n.value)), h("div", { class: "big-label" }, n.label)];
  if (n.change !== undefined && n.change !== null) {
    const dir = n.change > 0 ? "up" : n.change < 0 ? "down" : "flat";
    const arrow = { up: "▲", down: "▼", flat: "■" }[dir];
    parts.push(h("div", { class: `change ${dir}`, testid: "change" }, `${arrow} ${percent.format(n.change)} vs ${formatValue(n.previous)} the period before`));
  }
  if (n.period) parts.push(h("div", { class: "big-period" }, n.period));
  fill(el, ...parts);
}

function showLight(el, l) {
  el.classList.add("tile-light");
  const words = { good: "Good", normal: "Normal", bad: "Bad", "": "No data" };
  const higher = l.good > l.bad;
  fill(el,
    h("div", { class: `light ${l.state || "none"}`, testid: "light", "data-state": l.state, role: "img", "aria-label": words[l.state ?? ""] }),
    h("div", {},
      h("div", { class: "big-number" }, formatValue(l.value)),
      h("div", { class: "big-label" }, `${l.label} · ${words[l.state ?? ""]}`),
      h("div", { class: "muted small" }, higher ? `good at ${formatValue(l.good)} or more, bad at ${formatValue(l.bad)} or less` : `good at ${formatValue(l.good)} or less, bad at ${formatValue(l.bad)} or more`)));
}

// showWords lays the words out largest in the middle, so the cloud reads
// from its centre outwards.
function showWords(el, d) {
  el.classList.add("tile-words");
  const sorted = d.words;
  const order = [];
  sorted.forEach((w, i) => (i % 2 ? order.push(w) : order.unshift(w)));
  fill(el, ...order.map((w) => h("span", {
    class: "word", testid: "word", title: `${w.text}: ${formatValue(w.value)}`,
    style: `font-size: ${(0.8 + w.size * 1.9).toFixed(2)}rem; opacity: ${(0.55 + w.size * 0.45).toFixed(2)}`,
  }, w.text)));
  if (!sorted.length) fill(el, h("p", { class: "empty" }, "No words to show."));
}

function showTable(el, view) {
  el.classList.add("tile-table");
  const numeric = view.columns.map((c) => /INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(c.type));
  const table = h("table", { class: "result" },
    h("thead", {}, h("tr", {}, view.columns.map((c) => h("th", {}, c.name)))),
    h("tbody", {}, (view.rows || []).map((r) => h("tr", {}, r.map((v, i) =>
      h("td", { class: v === null ? "null" : numeric[i] ? "num" : undefined }, v === null ? "null" : numeric[i] ? formatValue(v) : String(v)))))));
  const foot = view.truncated ? h("p", { class: "summary" }, `First ${view.rows.length} of more rows; download the tile for all.`) : null;
  fill(el, h("div", { class: "result-wrap" }, table), foot);
}

export function showError(el, message) {
  disposeChart(el);
  el.className = "tile-body";
  fill(el, h("p", { class: "error", testid: "tile-error" }, message));
}
