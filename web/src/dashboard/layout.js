// Editing a dashboard's layout in place: drag a tile by its title to move
// it, by its corner to resize it, or remove it. Every change is saved at
// once over the version the page has; if someone else saved first, nothing
// is overwritten and the page says so.
import { api } from "../api.js";
import { h } from "../dom.js";
import { chartForm } from "./chartform.js";

const COLUMNS = 12;

export class LayoutEditor {
  constructor(grid, id) {
    this.grid = grid;
    this.id = id;
    this.on = false;
    this.doc = null;
    this.status = h("span", { class: "save-status", testid: "layout-status", role: "status" });
    grid.before(this.status);
  }

  toggle() {
    this.on = !this.on;
    this.grid.classList.toggle("editing", this.on);
    if (this.on) this.start();
    else this.stop();
    return this.on;
  }

  async start() {
    this.say("");
    try {
      this.doc = await api("GET", `/api/v1/dashboards/${encodeURIComponent(this.id)}`);
    } catch (err) {
      this.say(err.message, true);
      return;
    }
    for (const section of this.grid.querySelectorAll("[data-tile]")) this.decorate(section);
  }

  stop() {
    for (const el of this.grid.querySelectorAll(".tile-tools, .resize")) el.remove();
  }

  decorate(section) {
    const tile = section.dataset.tile;
    const remove = h("button", { type: "button", class: "small quiet", testid: "remove-tile", "aria-label": "Remove this tile", onclick: () => this.remove(section) }, "Remove");
    const rename = h("button", { type: "button", class: "small quiet", testid: "rename-tile", "aria-label": "Rename this tile", onclick: () => this.rename(section) }, "Rename");
    const t = this.doc.tiles.find((x) => x.id === tile);
    const chart = t?.sql ? h("button", { type: "button", class: "small quiet", testid: "chart-tile", "aria-label": "Choose how this tile draws", onclick: () => this.pickChart(section, t) }, "Chart") : null;
    section.querySelector(".tile-head").append(h("span", { class: "tile-tools" }, chart, rename, remove));
    const handle = h("span", { class: "resize", title: "Drag to resize", testid: "resize-tile" });
    section.append(handle);
    section.querySelector(".tile-head").addEventListener("pointerdown", (e) => this.drag(e, section, tile, "move"));
    handle.addEventListener("pointerdown", (e) => this.drag(e, section, tile, "resize"));
  }

  layoutOf(tile) {
    return this.doc.tiles.find((t) => t.id === tile).layout;
  }

  // drag follows the pointer in whole grid cells and saves on release.
  drag(e, section, tile, mode) {
    if (!this.on || !this.doc || e.target.closest("button, a")) return;
    e.preventDefault();
    const start = { ...this.layoutOf(tile) };
    const cell = this.cellSize();
    const x0 = e.clientX, y0 = e.clientY;
    const move = (ev) => {
      const dx = Math.round((ev.clientX - x0) / cell.w), dy = Math.round((ev.clientY - y0) / cell.h);
      const l = this.layoutOf(tile);
      if (mode === "move") {
        l.x = clamp(start.x + dx, 0, COLUMNS - l.w);
        l.y = Math.max(0, start.y + dy);
      } else {
        l.w = clamp(start.w + dx, 1, COLUMNS - l.x);
        l.h = clamp(start.h + dy, 1, 24);
      }
      place(section, l);
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      const l = this.layoutOf(tile);
      if (l.x !== start.x || l.y !== start.y || l.w !== start.w || l.h !== start.h) {
        this.settle(tile);
        this.save();
      }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  cellSize() {
    const style = getComputedStyle(this.grid);
    const gap = parseFloat(style.columnGap) || 0;
    const w = (this.grid.clientWidth + gap) / COLUMNS;
    const h = (parseFloat(style.gridAutoRows) || 60) + (parseFloat(style.rowGap) || 0);
    return { w, h };
  }

  // settle pushes tiles that now overlap the moved one down below it.
  settle(moved) {
    const placed = [this.doc.tiles.find((t) => t.id === moved)];
    const rest = this.doc.tiles.filter((t) => t.id !== moved).sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
    for (const t of rest) {
      while (placed.some((p) => overlaps(p.layout, t.layout))) t.layout.y++;
      placed.push(t);
      const section = this.grid.querySelector(`[data-tile="${CSS.escape(t.id)}"]`);
      if (section) place(section, t.layout);
    }
  }

  // rename turns the title into a field; Enter or leaving it saves.
  rename(section) {
    const title = section.querySelector(".tile-title");
    const tile = this.doc.tiles.find((t) => t.id === section.dataset.tile);
    const input = h("input", { type: "text", class: "tile-title-input", testid: "tile-title-input", value: tile.title ?? "", "aria-label": "Tile title" });
    let done = false;
    const finish = async (keep) => {
      if (done) return;
      done = true;
      if (keep && input.value.trim() !== tile.title) {
        tile.title = input.value.trim();
        title.textContent = tile.title;
        await this.save();
      }
      input.replaceWith(title);
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") finish(true);
      if (e.key === "Escape") finish(false);
    });
    input.addEventListener("blur", () => finish(true));
    title.replaceWith(input);
    input.focus();
  }

  // pickChart opens the chart picker of a SQL tile: type, x, y and series
  // over the columns of its result, saved and drawn at each change.
  pickChart(section, tile) {
    const open = section.querySelector(".tile-chart-form");
    if (open) return open.remove();
    const form = () => {
      const f = chartForm(tile, section.columns ?? [], async (next) => {
        Object.assign(tile, next);
        section.dataset.type = tile.type;
        f.replaceWith(form());
        await this.save();
        section.dispatchEvent(new Event("tile:reload", { bubbles: true }));
      });
      return f;
    };
    section.querySelector(".tile-head").after(form());
  }

  async remove(section) {
    this.doc.tiles = this.doc.tiles.filter((t) => t.id !== section.dataset.tile);
    section.remove();
    await this.save();
  }

  async save() {
    this.say("Saving…");
    this.status.dataset.kind = "saving";
    const d = this.doc;
    try {
      const saved = await api("PUT", `/api/v1/dashboards/${encodeURIComponent(this.id)}`,
        { title: d.title, description: d.description, version: d.version, tiles: d.tiles, filters: d.filters });
      this.doc.version = saved.version;
      this.grid.dataset.version = saved.version;
      this.status.dataset.saves = (Number(this.status.dataset.saves) || 0) + 1; // for scripts that wait on a save
      this.say("Saved");
    } catch (err) {
      this.say(err.status === 409 ? "Someone else changed this dashboard; reload the page to see their changes. Nothing was overwritten." : err.message, true);
    }
  }

  say(text, problem = false) {
    this.status.textContent = text;
    this.status.dataset.kind = problem ? "problem" : "";
  }
}

function place(section, l) {
  section.style.setProperty("--x", l.x + 1);
  section.style.setProperty("--w", l.w);
  section.style.setProperty("--y", l.y + 1);
  section.style.setProperty("--h", l.h);
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}
