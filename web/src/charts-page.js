// The read view draws each cell's saved chart from its kept result.
import { api } from "./api.js";
import { drawChart, chartError } from "./chart.js";

for (const el of document.querySelectorAll("[data-chart-src]")) {
  api("GET", el.dataset.chartSrc)
    .then((d) => drawChart(el, d))
    .catch((err) => chartError(el, err.message));
}
