// The chart picker of a SQL tile, as the explorer and notebooks offer
// it: what to draw, across which column, which numbers, split by which
// series. Dataset tiles are drawn from their picks instead.
import { h, option } from "../dom.js";
import { isNumericType, humanize } from "../chartlook.js";

const TYPES = [
  ["table", "Table"], ["bar", "Bar"], ["stacked_bar", "Stacked bar"], ["line", "Line"], ["area", "Area"], ["pie", "Pie"],
  ["scatter", "Scatter"], ["number", "Big number"], ["heatmap", "Heatmap"], ["word_cloud", "Word cloud"],
];

// chartForm returns the picker; onChange({type, chart}) saves a choice.
export function chartForm(tile, columns, onChange) {
  const chart = { ...(tile.chart ?? {}) };
  const form = h("div", { class: "tile-chart-form chart-controls", testid: "tile-chart-form" });
  const change = ({ type, ...patch }) => {
    const next = { ...chart, ...patch };
    for (const k of ["x", "series"]) if (!next[k]) delete next[k];
    if (!next.y?.length) delete next.y;
    onChange({ type: type ?? tile.type, chart: next });
  };
  const select = (label, testid, value, choices, onpick) =>
    h("label", { class: "inline" }, label + " ", h("select", { testid, onchange: (e) => onpick(e.target.value) },
      choices.map(([v, l]) => option(v, l, v === (value ?? "")))));
  const named = columns.map((c) => [c.name, humanize(c.name)]);
  form.append(select("Show as", "tile-chart-type", tile.type, TYPES, (type) => change({ type, x: "", y: [], series: "" })));
  if (!columns.length) {
    form.append(h("span", { class: "muted small" }, " The tile's columns show once it has drawn."));
    return form;
  }
  if (tile.type !== "table" && tile.type !== "number") {
    form.append(select("Across", "tile-chart-x", chart.x, [["", "first text column"], ...named], (x) => change({ x })));
  }
  if (tile.type !== "table") {
    const ys = columns.filter((c) => isNumericType(c.type)).map((c) => h("label", { class: "check" },
      h("input", { type: "checkbox", value: c.name, checked: (chart.y ?? []).includes(c.name),
        onchange: () => change({ y: [...form.querySelectorAll("[data-testid=tile-chart-y] input:checked")].map((i) => i.value) }) }),
      " ", humanize(c.name)));
    form.append(h("span", { class: "inline ys", testid: "tile-chart-y" }, "Numbers ", ys));
  }
  if (["bar", "stacked_bar", "line", "area", "scatter", "heatmap"].includes(tile.type)) {
    form.append(select("Series", "tile-chart-series", chart.series, [["", "none"], ...named], (series) => change({ series })));
  }
  return form;
}
