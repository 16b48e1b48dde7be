// The explorer's picks over one dataset: measures, dimensions, a time
// column and grain, filters, and how to show the answer.
import { h, fill, option } from "../dom.js";
import { humanize } from "../chartlook.js";

// named is a column as people read it: its label in the dataset, else
// its name in words.
const named = (c) => c.label || humanize(c.name);

const aggWords = { count: "count", count_distinct: "distinct count of", sum: "sum of", avg: "average of", min: "minimum of", max: "maximum of" };
const typeWords = { table: "Table", bar: "Bar", line: "Line", area: "Area", stacked_bar: "Stacked bar", pie: "Pie", number: "Big number",
  scatter: "Scatter", heatmap: "Heatmap", word_cloud: "Word cloud", traffic_light: "Traffic light" };

export class Picks {
  constructor(ds, data, onChange) {
    this.ds = ds;
    this.data = data;
    this.onChange = onChange;
    this.measures = [{ agg: "count", column: "" }];
    this.dimensions = [];
    this.filters = [];
    const times = ds.columns.filter((c) => c.role === "time");
    this.timeSelect = h("select", { testid: "time-column", "aria-label": "Time column", onchange: () => this.changed() },
      option("", "No time"), ...times.map((c) => option(c.name, named(c))));
    this.grainSelect = h("select", { testid: "time-grain", "aria-label": "Time grain", onchange: () => this.changed() },
      ...data.grains.map((g) => option(g, humanize(g), g === "month")));
    this.typeSelect = h("select", { testid: "chart-type", "aria-label": "Show as", onchange: () => this.changedType() },
      ...data.types.map((t) => option(t, typeWords[t] ?? t, t === "bar")));
    this.good = h("input", { type: "number", testid: "good", "aria-label": "Good at", placeholder: "good at", onchange: () => this.changed() });
    this.bad = h("input", { type: "number", testid: "bad", "aria-label": "Bad at", placeholder: "bad at", onchange: () => this.changed() });
    this.thresholds = h("div", { class: "row", hidden: true }, this.good, this.bad);
    this.measureList = h("div", { testid: "measures" });
    this.dimensionList = h("div", { class: "chips", testid: "dimensions" });
    this.filterList = h("div", { testid: "filters" });
    this.el = h("div", {},
      h("h3", {}, "Measures"), this.measureList,
      h("button", { type: "button", class: "small", testid: "add-measure", onclick: () => { this.measures.push({ agg: "sum", column: this.numeric()[0]?.name ?? "" }); this.changed(); } }, "+ Measure"),
      h("h3", {}, "Group by"), this.dimensionList, this.dimensionAdder(),
      h("h3", {}, "Time"), h("div", { class: "row" }, this.timeSelect, this.grainSelect),
      h("h3", {}, "Filters"), this.filterList,
      h("button", { type: "button", class: "small", testid: "add-filter", onclick: () => { this.filters.push({ column: ds.columns[0].name, op: "=", value: "" }); this.redraw(); } }, "+ Filter"),
      h("h3", {}, "Show as"), this.typeSelect, this.thresholds);
    this.redraw();
  }

  numeric() {
    return this.ds.columns.filter((c) => c.role === "measure");
  }

  changed() {
    this.redraw();
    this.onChange();
  }

  changedType() {
    this.thresholds.hidden = this.typeSelect.value !== "traffic_light";
    this.onChange();
  }

  redraw() {
    fill(this.measureList, ...this.measures.map((m, i) => this.measureRow(m, i)));
    fill(this.dimensionList, ...this.dimensions.map((d) => h("span", { class: "chip", testid: "dimension" }, d,
      h("button", { type: "button", class: "quiet", "aria-label": `Stop grouping by ${d}`, onclick: () => { this.dimensions = this.dimensions.filter((x) => x !== d); this.changed(); } }, "×"))));
    fill(this.filterList, ...this.filters.map((f, i) => this.filterRow(f, i)));
    this.grainSelect.disabled = !this.timeSelect.value;
  }

  measureRow(m, i) {
    const agg = h("select", { testid: "measure-agg", "aria-label": "Measure", onchange: () => { m.agg = agg.value; if (m.agg === "count") m.column = ""; else if (!m.column) m.column = this.columnsFor(m.agg)[0]?.name ?? ""; this.changed(); } },
      ...this.data.aggs.map((a) => option(a, aggWords[a] ?? a, a === m.agg)));
    const col = h("select", { testid: "measure-column", "aria-label": "Column", hidden: m.agg === "count", onchange: () => { m.column = col.value; this.changed(); } },
      ...this.columnsFor(m.agg).map((c) => { const o = option(c.name, named(c), c.name === m.column); if (c.definition) o.title = c.definition; return o; }));
    const drop = h("button", { type: "button", class: "quiet", "aria-label": "Remove this measure", onclick: () => { this.measures.splice(i, 1); this.changed(); } }, "×");
    // The glossary's definition, so that "which revenue" is answered where it is picked.
    const def = m.agg === "count" ? "" : this.ds.columns.find((c) => c.name === m.column)?.definition ?? "";
    return h("div", { class: "measure" }, h("div", { class: "row" }, agg, col, this.measures.length > 1 ? drop : null),
      def ? h("p", { class: "hint muted small", testid: "measure-definition" }, def) : null);
  }

  columnsFor(agg) {
    return agg === "sum" || agg === "avg" ? this.numeric() : this.ds.columns;
  }

  dimensionAdder() {
    const sel = h("select", { testid: "add-dimension", "aria-label": "Group by a column", onchange: () => {
      if (sel.value && !this.dimensions.includes(sel.value)) this.dimensions.push(sel.value);
      sel.value = "";
      this.changed();
    } }, option("", "Add a column…"), ...this.ds.columns.filter((c) => c.role !== "measure").map((c) => option(c.name, named(c))));
    return sel;
  }

  filterRow(f, i) {
    const col = h("select", { "aria-label": "Filter column", testid: "filter-column", onchange: () => { f.column = col.value; this.onChange(); } },
      ...this.ds.columns.map((c) => option(c.name, named(c), c.name === f.column)));
    const op = h("select", { "aria-label": "Comparison", testid: "filter-op", onchange: () => { f.op = op.value; this.onChange(); } },
      ...this.data.ops.map((o) => option(o, o, o === f.op)));
    const value = h("input", { type: "text", "aria-label": "Value", testid: "filter-value", value: f.value, placeholder: "value; a, b for in or between",
      onchange: () => { f.value = value.value; this.onChange(); } });
    const drop = h("button", { type: "button", class: "quiet", "aria-label": "Remove this filter", onclick: () => { this.filters.splice(i, 1); this.changed(); } }, "×");
    return h("div", { class: "row" }, col, op, value, drop);
  }

  exploration() {
    return {
      measures: this.measures.map((m) => (m.agg === "count" ? { agg: "count" } : { ...m })),
      dimensions: [...this.dimensions],
      filters: this.filters.filter((f) => f.value.trim() !== "").map((f) => ({ column: f.column, op: f.op, value: filterValue(f) })),
      time_column: this.timeSelect.value,
      grain: this.timeSelect.value ? this.grainSelect.value : "",
    };
  }

  look() {
    const type = this.typeSelect.value;
    const chart = {};
    if (type === "traffic_light") {
      if (this.good.value !== "") chart.good = Number(this.good.value);
      if (this.bad.value !== "") chart.bad = Number(this.bad.value);
    }
    return { type, chart };
  }

  title() {
    const ms = this.measures.map((m) => (m.agg === "count" ? "count" : `${aggWords[m.agg]} ${m.column}`)).join(", ");
    const by = [this.timeSelect.value ? `${this.grainSelect.value}` : "", ...this.dimensions].filter(Boolean);
    const text = by.length ? `${ms} by ${by.join(" and ")}` : ms;
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
}

function filterValue(f) {
  const parts = f.value.split(",").map((s) => s.trim()).filter(Boolean);
  if (f.op === "in") return parts;
  if (f.op === "between") return parts.slice(0, 2);
  return f.value.trim();
}
