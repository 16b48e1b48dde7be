// The read view draws each cell's saved chart from its kept result.
import { api } from "./api.js";
import { showDrawing, showError } from "./chart.js";

for (const el of document.querySelectorAll("[data-chart-src]")) {
  api("GET", el.dataset.chartSrc)
    .then((d) => showDrawing(el, d))
    .catch((err) => showError(el, err));
}
