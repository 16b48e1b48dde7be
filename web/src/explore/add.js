// Adding an exploration to a dashboard as a tile: to one the person may
// edit, or to a new one.
import { api } from "../api.js";
import { h, fill, option } from "../dom.js";

export class AddToDashboard {
  constructor(data, tile) {
    this.tile = tile;
    this.dashboards = data.dashboards;
    this.title = h("input", { type: "text", testid: "tile-title", "aria-label": "Tile title", placeholder: "Tile title" });
    this.target = h("select", { testid: "target-dashboard", "aria-label": "Dashboard", onchange: () => this.toggleNew() },
      ...this.dashboards.map((d) => option(d.id, d.title, d.id === data.dashboard)), option("", "A new dashboard…", !this.dashboards.length));
    this.newTitle = h("input", { type: "text", testid: "new-dashboard-title", "aria-label": "New dashboard title", placeholder: "Title of the new dashboard" });
    this.button = h("button", { type: "button", class: "small primary", testid: "add-to-dashboard", disabled: true, onclick: () => this.add() }, "Add to dashboard");
    this.message = h("p", { class: "summary", testid: "add-message", role: "status" });
    this.el = h("div", { class: "card add-tile" }, h("h3", {}, "Add to a dashboard"),
      h("div", { class: "row" }, this.title, this.target, this.newTitle, this.button), this.message);
    this.toggleNew();
  }

  toggleNew() {
    this.newTitle.hidden = this.target.value !== "";
  }

  reset() {
    this.button.disabled = true;
    this.message.textContent = "";
    this.titleTouched = false;
    this.title.oninput = () => (this.titleTouched = true);
  }

  ready(suggested) {
    this.button.disabled = false;
    if (!this.titleTouched) this.title.value = suggested;
  }

  async add() {
    const tile = { ...this.tile(), title: this.title.value.trim() };
    this.button.disabled = true;
    this.message.textContent = "Adding…";
    try {
      let d;
      if (this.target.value) {
        d = await api("POST", `/api/v1/dashboards/${encodeURIComponent(this.target.value)}/tiles`, tile);
      } else {
        d = await api("POST", "/api/v1/dashboards", { title: this.newTitle.value.trim(), tiles: [tile] });
        this.dashboards.push({ id: d.id, title: d.title });
        this.target.prepend(option(d.id, d.title));
        this.target.value = d.id;
        this.toggleNew();
      }
      this.titleTouched = false; // the next tile gets a title of its own
      fill(this.message, `Added to ${d.title}. `, h("a", { href: `/dashboards/${encodeURIComponent(d.id)}`, testid: "open-dashboard" }, "Open the dashboard"));
    } catch (err) {
      fill(this.message, h("span", { class: "error-text" }, err.message));
    } finally {
      this.button.disabled = false;
    }
  }
}
