// The dashboard page: each tile loads its data when it comes into view
// (all at once for those on screen), under the view in the URL. Filters are
// a plain form, so a filtered view is a link; clicking a bar or slice adds
// a filter on its column for every tile.
import { api } from "../api.js";
import { showTileView, showError } from "../chart.js";
import { h, fill } from "../dom.js";
import { LayoutEditor } from "./layout.js";

const grid = document.querySelector("[data-dashboard]");
const id = grid.dataset.dashboard;
const view = new URLSearchParams(location.search);

function tileURL(tile) {
  return `/api/v1/dashboards/${encodeURIComponent(id)}/tiles/${encodeURIComponent(tile)}/chart?${view}`;
}

async function load(section) {
  const body = section.querySelector(".tile-body");
  section.dataset.state = "loading";
  try {
    const tv = await api("GET", tileURL(section.dataset.tile));
    section.columns = tv.columns; // for the chart picker of SQL tiles
    await showTileView(body, tv, { onPick: (picks) => crossFilter(section.dataset.tile, picks), timeColumn: section.dataset.time });
    section.dataset.state = "ready";
  } catch (err) {
    showError(body, err);
    section.dataset.state = "error";
  }
}

// crossFilter filters every other tile by what was clicked in tile; the
// clicked tile keeps showing all its values.
function crossFilter(tile, picks) {
  for (const [column, value] of picks) {
    view.set("f." + column, value);
    view.set("from." + column, tile);
  }
  location.search = view.toString();
}

// Tiles on screen load at once, in parallel; the rest as they scroll near.
const seen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) {
      seen.unobserve(e.target);
      load(e.target);
    }
  }
}, { rootMargin: "200px" });
// A tile whose chart changed draws again.
grid.addEventListener("tile:reload", (e) => load(e.target));
for (const s of grid.querySelectorAll("[data-tile]")) {
  if (s.dataset.type !== "markdown") seen.observe(s);
}

// The grain switch applies as soon as it is picked.
document.querySelector("[data-testid=grain]")?.addEventListener("change", (e) => e.target.form.requestSubmit());

// The links to sharing and settings, which fold away below the tiles,
// unfold what they point at.
function unfold(id) {
  const target = document.getElementById(id);
  if (!target) return;
  for (const d of target.tagName === "DETAILS" ? [target] : target.querySelectorAll("details")) d.open = true;
}
for (const a of document.querySelectorAll("[data-open]")) a.addEventListener("click", () => unfold(a.dataset.open));
if (location.hash) unfold(location.hash.slice(1));

// Pick-lists offer the values in the data, fetched the first time they are used.
for (const input of document.querySelectorAll("input[data-filter]")) {
  input.addEventListener("focus", async () => {
    if (input.dataset.loaded) return;
    input.dataset.loaded = "1";
    try {
      const { values } = await api("GET", `/api/v1/dashboards/${encodeURIComponent(id)}/filters/${encodeURIComponent(input.dataset.filter)}/values`);
      fill(document.getElementById(input.getAttribute("list")), ...values.map((v) => h("option", { value: String(v) })));
    } catch {
      delete input.dataset.loaded;
    }
  }, { once: false });
}

const edit = document.querySelector("[data-action=edit]");
if (edit) {
  const editor = new LayoutEditor(grid, id);
  edit.addEventListener("click", () => {
    const on = editor.toggle();
    edit.textContent = on ? "Done" : "Edit layout";
  });
}
