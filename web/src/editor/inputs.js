// The notebook's inputs: typed values that SQL reads as $name, always
// bound by the engine. The value shown is the input's saved value, so the
// notebook reopens, runs and exports with the same inputs.
import { h, fill, option } from "../dom.js";

const TYPES = [["text", "Text"], ["number", "Number"], ["date", "Date"], ["date_range", "Date range"], ["list", "List"]];

export class Inputs {
  constructor(editor) {
    this.editor = editor;
    this.el = h("section", { class: "inputs card", testid: "inputs" });
  }

  get params() {
    return this.editor.nb.params;
  }

  render() {
    const rows = this.params.map((p, i) => h("div", { class: "input", testid: "input" },
      h("label", { class: "inline" }, h("code", {}, "$" + p.name), p.label ? " " + p.label : "", " ", this.control(p)),
      h("button", { type: "button", class: "small quiet", title: "Remove this input", onclick: () => this.remove(i) }, "×")));
    const name = h("input", { type: "text", placeholder: "name", "aria-label": "New input name", size: 12, testid: "new-input-name" });
    const type = h("select", { "aria-label": "New input type", testid: "new-input-type" }, TYPES.map(([v, l]) => option(v, l)));
    const add = h("form", { class: "add-input", onsubmit: (e) => (e.preventDefault(), this.add(name.value.trim(), type.value)) },
      name, type, h("button", { type: "submit", class: "small" }, "Add input"));
    fill(this.el, h("h2", {}, "Inputs"), rows.length ? rows : h("p", { class: "muted" }, "None yet. SQL reads an input named region as $region."), add);
  }

  control(p) {
    const set = (v) => {
      p.default = v;
      this.editor.changed();
    };
    const v = p.default;
    switch (p.type) {
      case "number":
        return h("input", { type: "number", step: "any", value: v ?? "", onchange: (e) => set(e.target.value === "" ? undefined : Number(e.target.value)) });
      case "date":
        return h("input", { type: "date", value: v ?? "", onchange: (e) => set(e.target.value || undefined) });
      case "date_range": {
        const [from, to] = Array.isArray(v) ? v : ["", ""];
        const start = h("input", { type: "date", value: from ?? "", "aria-label": p.name + " from" });
        const end = h("input", { type: "date", value: to ?? "", "aria-label": p.name + " to" });
        const both = () => set(start.value && end.value ? [start.value, end.value] : undefined);
        start.addEventListener("change", both);
        end.addEventListener("change", both);
        return h("span", {}, start, " to ", end,
          h("span", { class: "hint muted small", testid: "range-hint" },
            ` SQL reads it as $${p.name}_start and $${p.name}_end: WHERE dt BETWEEN $${p.name}_start AND $${p.name}_end`));
      }
      case "list":
        if (p.options?.length) {
          return h("select", { multiple: true, onchange: (e) => set([...e.target.selectedOptions].map((o) => o.value)) },
            p.options.map((o) => option(o, o, (v ?? []).includes(o))));
        }
        return h("input", { type: "text", placeholder: "a, b, c", value: (v ?? []).join(", "),
          onchange: (e) => set(e.target.value.split(",").map((s) => s.trim()).filter(Boolean)) });
      default:
        return h("input", { type: "text", value: v ?? "", onchange: (e) => set(e.target.value) });
    }
  }

  add(name, type) {
    if (!name) return;
    this.params.push({ name, type });
    this.editor.changed();
    this.render();
  }

  remove(i) {
    this.params.splice(i, 1);
    this.editor.changed();
    this.render();
  }
}
