// Drawing a chart the server built (package chart): an ECharts option, or
// a big number. ECharts is loaded from /static/echarts.min.js.
import { h, fill } from "./dom.js";

const formatter = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function drawChart(el, drawing) {
  const old = window.echarts?.getInstanceByDom(el);
  if (old) old.dispose();
  el.classList.toggle("chart-number", !!drawing.number);
  if (drawing.number) {
    const v = drawing.number.value;
    const shown = v === null || v === undefined ? "–" : typeof v === "number" || !isNaN(Number(v)) ? formatter.format(Number(v)) : String(v);
    fill(el, h("div", { class: "big-number", testid: "big-number" }, shown), h("div", { class: "big-label" }, drawing.number.label));
    return;
  }
  fill(el);
  if (!window.echarts) {
    fill(el, h("p", { class: "error" }, "The chart library did not load; reload the page."));
    return;
  }
  const chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption(drawing.option);
  new ResizeObserver(() => chart.resize()).observe(el);
}

export function chartError(el, message) {
  const old = window.echarts?.getInstanceByDom(el);
  if (old) old.dispose();
  el.classList.remove("chart-number");
  fill(el, h("p", { class: "empty", testid: "chart-error" }, message));
}
