// The chart choice of a SQL cell: type, x, y and series pickers over the
// columns of its last result. The choice is saved with the cell; the
// server draws it (package chart) and the page shows the drawing.
import { h, fill, option } from "../dom.js";
import { api } from "../api.js";
import { showDrawing, showError } from "../chart.js";
import { isNumericType } from "../chartlook.js";

const TYPES = [
  ["table", "Table only"], ["line", "Line"], ["area", "Area"], ["bar", "Bar"], ["stacked_bar", "Stacked bar"],
  ["pie", "Pie"], ["scatter", "Scatter"], ["number", "Big number"],
];

export class ChartPicker {
  constructor(editor, cell, output) {
    this.editor = editor;
    this.cell = cell;
    this.output = output;
    this.controls = h("div", { class: "chart-controls", testid: "chart-controls" });
    this.canvas = h("div", { class: "chart", testid: "chart", hidden: true });
    this.el = h("div", { class: "chart-box" }, this.controls, this.canvas);
  }

  columns() {
    return this.output.page?.columns ?? [];
  }

  // render redraws the pickers and, when there is a result, the chart.
  render({ draw = true } = {}) {
    const ch = this.cell.chart ?? { type: "table" };
    const cols = this.columns();
    const type = h("select", { testid: "chart-type", "aria-label": "Chart type", onchange: (e) => this.choose({ type: e.target.value, x: "", y: [], series: "" }) },
      TYPES.map(([v, label]) => option(v, label, v === ch.type)));
    const parts = [h("label", { class: "inline" }, "Show as ", type)];
    if (ch.type !== "table" && cols.length) {
      const x = h("select", { testid: "chart-x", "aria-label": "Across (x)", onchange: (e) => this.choose({ ...ch, x: e.target.value }) },
        cols.map((c) => option(c.name, c.name, c.name === ch.x)));
      const series = h("select", { testid: "chart-series", "aria-label": "Series", onchange: (e) => this.choose({ ...ch, series: e.target.value }) },
        option("", "none", !ch.series), cols.map((c) => option(c.name, c.name, c.name === ch.series)));
      const ys = cols.filter((c) => isNumericType(c.type)).map((c) => h("label", { class: "check" },
        h("input", { type: "checkbox", value: c.name, checked: (ch.y ?? []).includes(c.name), onchange: () => this.choose({ ...ch, y: checked(this.controls) }) }), " ", c.name));
      if (ch.type !== "number") parts.push(h("label", { class: "inline" }, "x ", x));
      parts.push(h("span", { class: "inline ys", testid: "chart-y" }, "y ", ys));
      if (!["pie", "number"].includes(ch.type)) parts.push(h("label", { class: "inline" }, "series ", series));
    } else if (ch.type !== "table") {
      parts.push(h("span", { class: "muted" }, " Run the cell to pick its columns."));
    }
    fill(this.controls, parts);
    if (draw) this.draw();
  }

  choose(chart) {
    this.cell.chart = chart.type === "table" ? undefined : compact(chart);
    this.editor.changed();
    this.render();
  }

  async draw() {
    const ch = this.cell.chart;
    this.canvas.hidden = !ch || !this.output.page;
    if (this.canvas.hidden) return;
    const q = new URLSearchParams({ type: ch.type, x: ch.x ?? "", y: (ch.y ?? []).join(","), series: ch.series ?? "" });
    try {
      const d = await api("GET", `${this.output.base()}/chart?${q}`);
      if (this.cell.chart !== ch) return; // a newer choice is on its way
      await showDrawing(this.canvas, d);
      this.settle(ch, d);
    } catch (err) {
      showError(this.canvas, err);
    }
  }

  // settle keeps the columns the server chose when the user left them
  // open, so the saved chart says what it shows.
  settle(ch, d) {
    const resolved = compact({ type: ch.type, x: d.x, y: d.y, series: d.series });
    if (JSON.stringify(resolved) === JSON.stringify(compact(ch))) return;
    this.cell.chart = resolved;
    this.editor.changed();
    this.render({ draw: false });
  }
}

function checked(root) {
  return [...root.querySelectorAll(".ys input:checked")].map((i) => i.value);
}

function compact(ch) {
  const out = { type: ch.type };
  if (ch.x) out.x = ch.x;
  if (ch.y?.length) out.y = ch.y;
  if (ch.series) out.series = ch.series;
  return out;
}
