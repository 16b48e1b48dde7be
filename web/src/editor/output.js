// A cell's output: the running clock and cancel button, an error, or a
// paged, sortable table of the kept result with its downloads.
import { h, fill } from "../dom.js";
import { api } from "../api.js";
import { formatCell, isNumericType } from "../chartlook.js";
import { when } from "../when.js";

export const PAGE = 50;
const count = new Intl.NumberFormat();

export class Output {
  constructor(editor, cell) {
    this.editor = editor;
    this.cell = cell;
    this.sort = null; // {name, desc}
    this.el = h("div", { class: "output", testid: "output" });
  }

  base() {
    return `/api/v1/notebooks/${this.editor.nb.id}/cells/${encodeURIComponent(this.cell.id)}`;
  }

  running(started, cancel) {
    const clock = h("span", { testid: "elapsed" }, "0.0 s");
    const tick = () => (clock.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`);
    const timer = setInterval(tick, 100);
    fill(this.el, h("div", { class: "running", testid: "running" }, "Running… ", clock, " ",
      h("button", { type: "button", class: "small", testid: "cancel", onclick: cancel }, "Cancel")));
    return () => clearInterval(timer);
  }

  message(text, testid = "output-note") {
    fill(this.el, h("p", { class: "empty", testid }, text));
  }

  error(err, where) {
    // "where" already names the cell, so the message need not say it again.
    const message = where && err.source ? err.message.replace(`In ${err.source}: `, "") : err.message;
    fill(this.el, h("div", { class: "error", testid: "cell-error", role: "alert" },
      where ? h("span", { class: "where" }, where + ": ") : null, message));
  }

  result(page, ranBy, ranAt) {
    this.page = page;
    const cols = page.columns ?? [];
    const head = h("tr", {}, cols.map((c) => {
      const on = this.sort?.name === c.name;
      const mark = on ? (this.sort.desc ? " ▼" : " ▲") : "";
      return h("th", { scope: "col", "aria-sort": on ? (this.sort.desc ? "descending" : "ascending") : undefined },
        h("button", { type: "button", class: "sort", title: "Sort by " + c.name, onclick: () => this.toggleSort(c.name) }, c.name + mark),
        h("span", { class: "type" }, c.type));
    }));
    const body = (page.rows ?? []).map((row) => h("tr", {}, row.map((v, i) => cellOf(v, cols[i]))));
    const first = page.row_count === 0 ? 0 : page.offset + 1;
    const last = page.offset + (page.rows?.length ?? 0);
    const footer = h("div", { class: "result-foot" },
      h("span", { testid: "row-count" }, `Rows ${count.format(first)}–${count.format(last)} of ${count.format(page.row_count)}`),
      page.elapsed_ms !== undefined ? h("span", {}, ` · ${count.format(page.elapsed_ms)} ms`) : null,
      ranBy ? h("span", { class: "muted" }, ` · run by ${ranBy}${ranAt ? ", " + when(ranAt) : ""}`) : null,
      h("span", { class: "pager" },
        h("button", { type: "button", class: "small", disabled: page.offset === 0, testid: "prev-page", onclick: () => this.load(Math.max(page.offset - PAGE, 0)) }, "Previous"),
        h("button", { type: "button", class: "small", disabled: last >= page.row_count, testid: "next-page", onclick: () => this.load(page.offset + PAGE) }, "Next")),
      this.downloads());
    fill(this.el,
      page.truncated ? h("p", { class: "notice", testid: "truncated" }, `Only the first ${count.format(page.row_count)} rows were kept. Downloads hold every row.`) : null,
      h("div", { class: "result-wrap" }, h("table", { class: "result", testid: "result" }, h("thead", {}, head), h("tbody", {}, body))),
      footer);
  }

  downloads() {
    // Inputs are saved with the notebook, so the export runs with them.
    const link = (format, label) => h("a", { href: `${this.base()}/export?format=${format}`, download: "", testid: "download-" + format }, label);
    return h("span", { class: "downloads" }, "Download ", link("csv", "CSV"), " · ", link("xlsx", "Excel"), " · ", link("parquet", "Parquet"));
  }

  toggleSort(name) {
    if (this.sort?.name !== name) this.sort = { name, desc: false };
    else if (!this.sort.desc) this.sort.desc = true;
    else this.sort = null;
    this.load(0);
  }

  async load(offset) {
    const q = new URLSearchParams({ offset, limit: PAGE });
    if (this.sort) {
      q.set("sort", this.sort.name);
      q.set("desc", this.sort.desc);
    }
    try {
      this.result(await api("GET", `${this.base()}/result?${q}`));
    } catch (err) {
      this.error(err);
    }
  }
}

function cellOf(v, col) {
  if (v === null || v === undefined) return h("td", { class: "null" }, "NULL");
  return h("td", { class: isNumericType(col?.type) ? "num" : undefined, title: typeof v === "number" || typeof v === "string" ? String(v) : undefined }, formatCell(v, col));
}
