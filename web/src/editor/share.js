// Sharing with named people as viewer or editor (owners only). The form is
// made once; only the list and messages are redrawn, so what someone is
// typing survives the list arriving.
import { h, fill, option } from "../dom.js";
import { api } from "../api.js";

export class Sharing {
  constructor(editor) {
    this.editor = editor;
    this.list = h("div", { class: "share-list" }, h("p", { class: "muted" }, "Loading…"));
    const email = h("input", { type: "email", placeholder: "name@company.com", required: true, "aria-label": "E-mail", testid: "share-email" });
    const role = h("select", { "aria-label": "Role", testid: "share-role" }, option("viewer", "can view"), option("editor", "can edit"));
    const form = h("form", { class: "inline-form", onsubmit: (e) => (e.preventDefault(), this.change("POST", this.path(), { email: email.value, role: role.value })) },
      email, role, h("button", { type: "submit", class: "small" }, "Share"));
    this.el = h("details", { class: "share card", testid: "share" }, h("summary", {}, "Share"), this.list, form);
    this.el.addEventListener("toggle", () => this.el.open && this.load());
  }

  path(suffix = "") {
    return `/api/v1/notebooks/${this.editor.nb.id}/shares${suffix}`;
  }

  async load() {
    try {
      this.show((await api("GET", this.path())).shares);
    } catch (err) {
      this.show([], err.message);
    }
  }

  show(shares, problem = "") {
    fill(this.list,
      problem ? h("p", { class: "error", role: "alert" }, problem) : null,
      shares.length ? h("ul", { class: "shares" }, shares.map((s) => h("li", {},
        `${s.name || s.email} (${s.email}) — ${s.role === "editor" ? "can edit" : "can view"} `,
        h("button", { type: "button", class: "small quiet", onclick: () => this.change("DELETE", this.path("/" + encodeURIComponent(s.email))) }, "Remove"))))
        : h("p", { class: "muted" }, "Only you can open this notebook."));
  }

  async change(method, path, body) {
    try {
      this.show((await api(method, path, body)).shares);
    } catch (err) {
      const current = await api("GET", this.path()).catch(() => ({ shares: [] }));
      this.show(current.shares, err.message);
    }
  }
}
