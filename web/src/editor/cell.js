// One cell in the editor: its name and buttons, its editor, and for SQL
// its chart and output; for markdown, a preview as readers will see it.
import { h } from "../dom.js";
import { api } from "../api.js";
import { CellEditor } from "./codemirror.js";
import { Output, PAGE } from "./output.js";
import { ChartPicker } from "./chartpicker.js";
import { DatasetForm } from "./dataset.js";

export class CellView {
  constructor(editor, cell) {
    this.editor = editor;
    this.cell = cell;
    this.el = h("section", { class: "card cell editing", testid: "cell", "data-cell": cell.id, "data-kind": cell.kind });
    this.el.cellView = this;
    this.body = h("div", { class: "cell-editor" });
    // Until the cell comes near the screen it shows its text; the editor and
    // the result table are made then, so a long notebook opens at once.
    this.code = null;
    this.placeholder = h("pre", { class: "cell-static" }, cell.source || " ");
    this.body.append(this.placeholder);
    if (cell.kind === "sql") this.buildSQL();
    else this.buildMarkdown();
  }

  // materialize makes the cell's editor (and shows its kept result) if it
  // has not been made yet, and returns the editor.
  materialize() {
    if (this.code) return this.code;
    const { editor, cell } = this;
    this.placeholder.remove();
    this.code = new CellEditor(this.body, {
      doc: cell.source, kind: cell.kind, schema: editor.schema(),
      onChange: (text) => {
        cell.source = text;
        this.code.clearError();
        editor.changed();
      },
      onRun: () => this.runOrPreview(),
      onRunAdvance: () => (this.runOrPreview(), editor.focusAfter(this)),
      onBlur: () => cell.kind === "markdown" && this.preview(),
      onFocus: () => cell.kind === "sql" && (editor.lastSQL = this),
    });
    if (cell.kind === "sql" && !this.shown) this.showKept(editor.results[cell.id]);
    return this.code;
  }

  buildSQL() {
    const name = h("input", { type: "text", class: "cell-name", value: this.cell.name, "aria-label": "Cell name", testid: "cell-name",
      title: "Later cells read this cell's result by this name", spellcheck: false,
      oninput: (e) => {
        this.cell.name = e.target.value.trim();
        this.editor.changed();
      } });
    this.runButton = h("button", { type: "button", class: "primary small", testid: "run-cell", title: "Run (Ctrl/⌘-Enter)", onclick: () => this.run() }, "▶ Run");
    this.staleBadge = h("span", { class: "badge stale", testid: "stale", hidden: true });
    const downstream = h("button", { type: "button", class: "small", testid: "run-downstream", title: "Run this cell and every later cell that reads it",
      onclick: () => this.editor.runDownstream(this) }, "Run downstream");
    this.output = new Output(this.editor, this.cell);
    this.chart = new ChartPicker(this.editor, this.cell, this.output);
    const dataset = new DatasetForm(this.editor, this.cell);
    this.el.append(h("div", { class: "cell-bar" }, name, this.runButton, downstream, this.staleBadge, dataset.button, this.moveButtons()), dataset.el,
      this.body, this.chart.el, this.output.el);
  }

  buildMarkdown() {
    this.previewEl = h("div", { class: "markdown preview", testid: "markdown-preview", title: "Click to edit", onclick: () => this.editMarkdown() });
    this.el.append(h("div", { class: "cell-bar" }, h("span", { class: "kind" }, "Text"), this.moveButtons()), this.body, this.previewEl);
    const html = this.editor.markdown[this.cell.id];
    if (html !== undefined) this.showPreview(html);
    else this.previewEl.hidden = true;
  }

  moveButtons() {
    const b = (label, title, testid, fn) => h("button", { type: "button", class: "small quiet", title, "aria-label": title, testid, onclick: fn }, label);
    return h("span", { class: "cell-moves" },
      b("↑", "Move up", "move-up", () => this.editor.move(this, -1)),
      b("↓", "Move down", "move-down", () => this.editor.move(this, 1)),
      b("✕", "Delete cell", "delete-cell", () => this.editor.remove(this)));
  }

  // markStale says the result below no longer matches the SQL: why is
  // "changed", or the name of the changed cell this one reads.
  markStale(why) {
    if (!this.staleBadge) return;
    this.el.classList.toggle("stale", !!why);
    this.staleBadge.hidden = !why;
    this.staleBadge.textContent = why === "changed" ? "Stale: the SQL changed since this ran" : why ? `Stale: ${why} changed since this ran` : "";
  }

  showKept(kept) {
    this.shown = true;
    if (!kept) {
      this.output.message("Not run yet. Ctrl/⌘-Enter runs the cell.");
    } else if (kept.hidden) {
      this.output.message(kept.hidden, "cell-hidden");
    } else if (kept.error) {
      this.output.error(kept.error, this.editor.markError(this, kept.error));
    } else {
      this.output.result(kept.page, kept.ran_by, kept.ran_at);
    }
    this.chart.render();
  }

  runOrPreview() {
    if (this.cell.kind === "sql") this.run();
    else this.preview();
  }

  // run saves the notebook, then runs this cell as saved; the run is
  // cancelled in the engine when the request is aborted.
  async run() {
    if (this.running) return false;
    if (!(await this.editor.saver.save())) {
      this.output.error({ message: "The notebook is not saved, so the cell cannot run. " + (this.editor.saver.problem || "") });
      return false;
    }
    const ctl = new AbortController();
    this.running = ctl;
    this.runButton.disabled = true;
    this.shown = true;
    this.code?.clearError();
    const stop = this.output.running(performance.now(), () => ctl.abort());
    const source = this.cell.source, seen = this.editor.seen(this.cell); // as saved, and so as it runs
    try {
      const page = await api("POST", `${this.output.base()}/run?limit=${PAGE}`, {}, { signal: ctl.signal });
      this.output.sort = null;
      this.output.result(page, this.editor.me, new Date().toISOString());
      this.editor.learn(this.cell.name, page.columns);
      this.editor.ran(this.cell, source, seen);
      this.chart.render();
      return true;
    } catch (err) {
      if (err.name === "AbortError") this.output.message("Cancelled: the query was stopped.", "cancelled");
      else this.output.error(err, this.editor.markError(this, err));
      return false;
    } finally {
      stop();
      this.running = null;
      this.runButton.disabled = false;
    }
  }

  async preview() {
    if (!this.cell.source.trim()) return;
    try {
      const { html } = await api("POST", "/api/v1/markdown", { source: this.cell.source });
      this.showPreview(html);
    } catch (err) {
      this.previewEl.textContent = err.message;
    }
  }

  showPreview(html) {
    // The server sanitised it (bluemonday), and the page's content policy
    // runs no inline script even if something slipped through.
    this.previewEl.innerHTML = html;
    this.previewEl.hidden = false;
    this.body.hidden = true;
  }

  editMarkdown() {
    this.previewEl.hidden = true;
    this.body.hidden = false;
    this.materialize().focus();
  }
}
