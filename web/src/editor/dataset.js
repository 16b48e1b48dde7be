// Saving a cell's query as a dataset, which people who do not write SQL
// explore and build dashboards from. The notebook is saved first, so the
// dataset is the query as the cell shows it.
import { h, fill } from "../dom.js";
import { api } from "../api.js";

export class DatasetForm {
  constructor(editor, cell) {
    this.editor = editor;
    this.cell = cell;
    this.name = h("input", { type: "text", testid: "dataset-name", "aria-label": "Dataset name", placeholder: "Dataset name" });
    this.time = h("input", { type: "text", testid: "dataset-time", "aria-label": "Time column", placeholder: "time column (optional)" });
    this.message = h("span", { class: "summary", role: "status", testid: "dataset-message" });
    this.el = h("form", { class: "dataset-form add-input", hidden: true, onsubmit: (e) => (e.preventDefault(), this.save()) },
      this.name, this.time, h("button", { type: "submit", class: "small primary", testid: "dataset-save" }, "Save dataset"),
      h("button", { type: "button", class: "small quiet", onclick: () => (this.el.hidden = true) }, "Cancel"), this.message);
    this.button = h("button", { type: "button", class: "small", testid: "save-as-dataset", title: "Save this query as a dataset that others explore without SQL",
      onclick: () => this.open() }, "Save as dataset");
  }

  open() {
    this.el.hidden = false;
    if (!this.name.value) this.name.value = this.cell.name.replace(/_/g, " ");
    this.name.focus();
  }

  async save() {
    this.message.textContent = "Saving…";
    if (!(await this.editor.saver.save())) {
      this.message.textContent = "Save the notebook first.";
      return;
    }
    try {
      const ds = await api("POST", `/api/v1/notebooks/${this.editor.nb.id}/cells/${encodeURIComponent(this.cell.id)}/dataset`,
        { name: this.name.value.trim(), time_column: this.time.value.trim() });
      fill(this.message, `Saved ${ds.name}. `, h("a", { href: `/explore?dataset=${encodeURIComponent(ds.id)}`, testid: "dataset-link" }, "Explore it"));
    } catch (err) {
      fill(this.message, h("span", { class: "error-text" }, err.message));
    }
  }
}
