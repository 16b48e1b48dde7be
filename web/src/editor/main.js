// The notebook editor: builds the page from the notebook embedded in it and
// keeps the notebook, as shown, saved.
import { h, fill } from "../dom.js";
import { api } from "../api.js";
import { CellView } from "./cell.js";
import { Saver } from "./save.js";
import { Inputs } from "./inputs.js";
import { Sharing } from "./share.js";
import { staleCells, snapshot } from "./stale.js";
import { SchemaPanel } from "./schema.js";

class NotebookEditor {
  constructor(root, data) {
    this.root = root;
    this.nb = data.notebook;
    this.nb.params ??= [];
    this.results = data.results ?? {};
    this.tables = data.tables ?? [];
    this.me = data.me;
    this.markdown = data.markdown ?? {}; // cell id -> sanitised HTML
    this.lazy = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        this.lazy.unobserve(e.target);
        e.target.cellView.materialize();
      }
    }, { rootMargin: "1200px 0px" });
    this.columns = {}; // cell name -> columns of its last result
    this.lastRun = {}; // cell id -> {source, at} of its last run
    for (const c of this.nb.cells) {
      const kept = this.results[c.id];
      if (c.kind === "sql" && kept?.page) this.columns[c.name] = kept.page.columns;
      if (c.kind === "sql" && kept?.source !== undefined) this.lastRun[c.id] = { source: kept.source, at: Date.parse(kept.ran_at) || 0 };
    }
    this.schemaPanel = new SchemaPanel(this);
    this.saver = new Saver(this);
    this.inputs = new Inputs(this);
    this.sharing = data.can_share ? new Sharing(this) : null;
    this.list = h("div", { class: "cells", testid: "cells" });
    this.views = this.nb.cells.map((c) => this.watch(new CellView(this, c)));
    this.render();
  }

  watch(view) {
    this.lazy.observe(view.el);
    return view;
  }

  render() {
    const title = h("input", { type: "text", class: "title-input", value: this.nb.title, "aria-label": "Title", testid: "title-input",
      oninput: (e) => {
        this.nb.title = e.target.value;
        this.changed();
      } });
    const base = `/notebooks/${this.nb.id}`;
    this.runAllButton = h("button", { type: "button", class: "primary", testid: "run-all", onclick: () => this.runAll() }, "Run all");
    this.notice = h("span", { class: "notice-slot", testid: "notice" });
    const head = h("div", { class: "editor-head" },
      title,
      h("div", { class: "editor-actions" }, this.runAllButton, this.saver.status, this.notice,
        h("a", { href: base, testid: "read-view" }, "Read view"),
        h("a", { href: base + "/revisions", testid: "revisions" }, "Revisions"),
        h("a", { href: `/api/v1/notebooks/${this.nb.id}/export?format=sql` }, "Download .sql")));
    this.inputs.render();
    fill(this.root, head, this.saver.banner, this.inputs.el, this.sharing?.el,
      h("div", { class: "nb-body" }, this.list, this.schemaPanel.el));
    this.schemaPanel.render();
    this.markStale();
    this.layout();
  }

  // layout puts the cells in order, with a place to add one between each.
  layout() {
    fill(this.list, this.adder(0), this.views.flatMap((v, i) => [v.el, this.adder(i + 1)]));
  }

  adder(index) {
    return h("div", { class: "add-cell" },
      h("button", { type: "button", class: "small quiet", testid: "add-sql", onclick: () => this.add("sql", index) }, "+ SQL"),
      h("button", { type: "button", class: "small quiet", testid: "add-text", onclick: () => this.add("markdown", index) }, "+ Text"));
  }

  changed() {
    this.saver.schedule();
    this.markStale();
  }

  // markStale marks the cells whose results no longer match their SQL.
  markStale() {
    const stale = staleCells(this.nb.cells, this.lastRun);
    for (const v of this.views) v.markStale?.(stale.get(v.cell.id));
  }

  // ran notes the SQL a cell's result came from.
  ran(cell, source, seen) {
    this.lastRun[cell.id] = { source, at: Date.now(), seen };
    this.markStale();
  }

  // seen is what a run of the cell reads of the cells before it.
  seen(cell) {
    return snapshot(this.nb.cells, cell);
  }

  add(kind, index) {
    const cell = { id: newID(), kind, source: "" };
    if (kind === "sql") cell.name = this.freeName();
    this.nb.cells.splice(index, 0, cell);
    const view = new CellView(this, cell);
    this.views.splice(index, 0, view);
    this.layout();
    this.changed();
    if (kind === "markdown") view.editMarkdown();
    else view.materialize().focus();
    return view;
  }

  freeName() {
    const taken = new Set(this.nb.cells.map((c) => c.name));
    for (let i = 1; ; i++) if (!taken.has(`query_${i}`)) return `query_${i}`;
  }

  move(view, delta) {
    const i = this.views.indexOf(view);
    const j = i + delta;
    if (j < 0 || j >= this.views.length) return;
    [this.views[i], this.views[j]] = [this.views[j], this.views[i]];
    [this.nb.cells[i], this.nb.cells[j]] = [this.nb.cells[j], this.nb.cells[i]];
    this.layout();
    this.changed();
  }

  // remove deletes a cell at once and offers to bring it back; every
  // revision is kept besides.
  remove(view) {
    const i = this.views.indexOf(view);
    this.views.splice(i, 1);
    this.nb.cells.splice(i, 1);
    this.layout();
    this.changed();
    const undo = () => {
      this.views.splice(i, 0, view);
      this.nb.cells.splice(i, 0, view.cell);
      fill(this.notice);
      this.layout();
      this.changed();
    };
    fill(this.notice, "Cell deleted. ", h("button", { type: "button", class: "small", testid: "undo-delete", onclick: undo }, "Undo"));
  }

  focusAfter(view) {
    const next = this.views[this.views.indexOf(view) + 1];
    if (next) next.cell.kind === "sql" ? next.materialize().focus() : next.editMarkdown();
  }

  // schema is what autocomplete offers: the lake tables the user may read
  // and the earlier cells' results by name, each with its columns.
  schema() {
    const s = {};
    for (const t of this.tables) s[t.name] = t.columns ?? [];
    for (const [name, cols] of Object.entries(this.columns)) s[name] = cols;
    return s;
  }

  learn(name, columns) {
    this.columns[name] = columns ?? [];
    const schema = this.schema();
    for (const v of this.views) v.code?.setSchema(schema);
    this.schemaPanel.render();
  }

  // insert puts text at the cursor of the SQL cell last edited.
  insert(text) {
    const view = this.lastSQL && this.views.includes(this.lastSQL) ? this.lastSQL : this.views.find((v) => v.cell.kind === "sql");
    view?.materialize().insert(text);
  }

  // markError marks an error's line and column in the cell it is in (an
  // earlier cell when the error names one) and says where it is.
  markError(view, err) {
    if (!err.line) return "";
    const target = (err.source && this.views.find((v) => v.cell.name === err.source)) || view;
    target.materialize().markError(err.line, err.column || 1, err.message);
    const at = `Line ${err.line}${err.column ? ", column " + err.column : ""}`;
    return err.source && target !== view ? `In cell ${err.source}, ${at.toLowerCase()}` : at;
  }

  async runAll() {
    await this.runEach(this.views.filter((v) => v.cell.kind === "sql"));
  }

  async runDownstream(view) {
    if (!(await this.saver.save())) return view.run();
    const { cells } = await api("GET", `/api/v1/notebooks/${this.nb.id}/cells/${encodeURIComponent(view.cell.id)}/downstream`)
      .catch((err) => (view.output.error(err), { cells: null }));
    if (!cells) return;
    await this.runEach([view, ...cells.map((id) => this.views.find((v) => v.cell.id === id)).filter(Boolean)]);
  }

  // runEach runs cells one after another and stops at the first that
  // fails or is cancelled, since the cells after it read its result.
  async runEach(views) {
    this.runAllButton.disabled = true;
    try {
      for (const v of views) {
        if (!(await v.run())) {
          v.el.scrollIntoView({ block: "center" });
          break;
        }
      }
    } finally {
      this.runAllButton.disabled = false;
    }
  }
}

function newID() {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return "c" + [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

const root = document.getElementById("notebook-editor");
const data = document.getElementById("notebook-data");
if (root && data) window.pierEditor = new NotebookEditor(root, JSON.parse(data.textContent));
