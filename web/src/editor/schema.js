// The schema browser beside the cells: the lake tables the person may
// read and the earlier cells' results, each with its columns, types and
// PII badges. A click puts the name into the SQL being written.
import { h, fill } from "../dom.js";

export class SchemaPanel {
  constructor(editor) {
    this.editor = editor;
    this.filter = "";
    this.open = new Set(); // tables unfolded, kept when the list is redrawn
    this.list = h("div", { class: "schema-list" });
    const search = h("input", { type: "search", placeholder: "Find a table or column", "aria-label": "Find a table or column", testid: "schema-filter",
      oninput: (e) => ((this.filter = e.target.value.trim().toLowerCase()), this.render()) });
    this.el = h("aside", { class: "schema card", testid: "schema" }, h("h2", {}, "Tables"), search, this.list);
  }

  render() {
    const groups = [
      ["Lake tables", this.editor.tables.map((t) => ({ name: t.name, columns: t.columns ?? [], note: t.restricted ? "restricted" : "" }))],
      ["Results of cells", Object.entries(this.editor.columns).map(([name, columns]) => ({ name, columns, note: "cell" }))],
    ];
    fill(this.list, groups.flatMap(([title, items]) => {
      const shown = items.filter((t) => this.matches(t));
      return shown.length ? [h("h3", {}, title), ...shown.map((t) => this.table(t))] : [];
    }));
    if (!this.list.childElementCount) fill(this.list, h("p", { class: "muted small" }, this.filter ? "Nothing matches." : "No tables you can read yet."));
  }

  matches(t) {
    const f = this.filter;
    return !f || t.name.toLowerCase().includes(f) || t.columns.some((c) => c.name.toLowerCase().includes(f));
  }

  table(t) {
    const insert = (text) => h("button", { type: "button", class: "link", title: `Put ${text} into the SQL`, onclick: () => this.editor.insert(text) }, text);
    return h("details", { class: "schema-table", testid: "schema-table", "data-table": t.name, open: !!this.filter || this.open.has(t.name),
      ontoggle: (e) => (e.target.open ? this.open.add(t.name) : this.open.delete(t.name)) },
      h("summary", {}, insert(t.name), t.note ? h("span", { class: "muted small" }, " " + t.note) : null),
      h("ul", {}, t.columns.map((c) => h("li", { testid: "schema-column" },
        insert(c.name), " ", h("span", { class: "type" }, c.type ?? ""),
        c.pii ? h("span", { class: "badge pii", title: "Personal data: hashed unless you hold a PII grant" }, "PII") : null))));
  }
}
