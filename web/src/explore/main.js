// The explorer: pick a dataset, measures, dimensions, filters and a time
// grain, and see the answer at once, without writing SQL. Pier writes the
// SQL (shown on request) and runs it with the explorer's own rights. An
// exploration can be added to a dashboard as a tile.
import { api } from "../api.js";
import { h, fill, option } from "../dom.js";
import { showTileView, showError } from "../chart.js";
import { Picks } from "./picks.js";
import { AddToDashboard } from "./add.js";

const data = JSON.parse(document.getElementById("explore-data").textContent);
const root = document.getElementById("explorer");

class Explorer {
  constructor() {
    this.seq = 0;
    this.timer = null;
    this.datasetSelect = h("select", { testid: "dataset", "aria-label": "Dataset", onchange: () => this.pickDataset() },
      option("", "Choose a dataset…"),
      ...data.datasets.map((d) => option(d.id, (d.certified ? "✓ " : "") + d.name, d.id === data.dataset)));
    this.about = h("p", { class: "muted", testid: "dataset-about" });
    this.picksSlot = h("div", { class: "picks" });
    this.result = h("div", { class: "tile-body explore-result", testid: "explore-result" }, h("p", { class: "empty" }, "Choose a dataset to begin."));
    this.summary = h("p", { class: "summary", testid: "explore-summary" });
    this.sql = h("pre", { class: "sql", testid: "explore-sql" });
    this.add = new AddToDashboard(data, () => this.tile());
    fill(root,
      h("div", { class: "explore" },
        h("aside", { class: "card explore-picks" },
          h("label", {}, "Dataset"), this.datasetSelect, this.about, this.picksSlot),
        h("section", { class: "explore-main" },
          h("div", { class: "card" }, this.result, this.summary,
            h("details", { class: "explore-sql" }, h("summary", {}, "SQL Pier wrote"), this.sql)),
          this.add.el)));
    if (!data.datasets.length) fill(this.result, h("p", { class: "empty", testid: "no-datasets" }, "No datasets are shared with you yet. Ask an analyst to save one."));
    if (data.dataset) this.pickDataset();
  }

  dataset() {
    return data.datasets.find((d) => d.id === this.datasetSelect.value);
  }

  pickDataset() {
    const ds = this.dataset();
    if (!ds) return;
    this.about.textContent = [ds.certified ? "Certified by the data team." : "", ds.description, `Owner ${ds.owner}.`].filter(Boolean).join(" ");
    this.picks = new Picks(ds, data, () => this.changed());
    fill(this.picksSlot, this.picks.el);
    this.add.reset(ds);
    this.run();
  }

  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), 250);
  }

  // tile is the exploration as a dashboard tile.
  tile() {
    const x = this.picks.exploration();
    const { type, chart } = this.picks.look();
    return { type, chart, dataset: this.dataset().id, measures: x.measures, dimensions: x.dimensions,
      filters: x.filters, time_column: x.time_column, grain: x.grain || undefined, limit: x.limit || undefined };
  }

  async run() {
    const ds = this.dataset();
    if (!ds || !this.picks) return;
    const seq = ++this.seq;
    const body = { ...this.picks.exploration(), ...this.picks.look() };
    this.summary.textContent = "Running…";
    try {
      const out = await api("POST", `/api/v1/datasets/${encodeURIComponent(ds.id)}/explore`, body);
      if (seq !== this.seq) return;
      this.sql.textContent = out.sql;
      await showTileView(this.result, out.view);
      const v = out.view;
      this.summary.textContent = `${v.row_count} row${v.row_count === 1 ? "" : "s"}${v.truncated ? " (more were left out)" : ""}${v.cached ? " · from the cache" : ""}`;
      this.add.ready(this.picks.title());
    } catch (err) {
      if (seq !== this.seq) return;
      showError(this.result, err);
      this.summary.textContent = "";
    }
  }
}

new Explorer();
