// Drawing a chart the server built (package chart): an ECharts option, or
// a big number. ECharts is loaded from /static/echarts.min.js.
import { h, fill } from "./dom.js";

const formatter = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

let loading = null;

// loadECharts loads the chart library the first time a chart is drawn, so
// pages without charts never fetch it. The page names its URL (versioned)
// in a data-echarts attribute; the read view loads it with a script tag.
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  const src = document.querySelector("[data-echarts]")?.dataset.echarts;
  if (!src) return Promise.reject(new Error("The chart library is not on this page; reload it."));
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => resolve(window.echarts);
    s.onerror = () => {
      loading = null;
      reject(new Error("The chart library did not load; reload the page."));
    };
    document.head.append(s);
  });
  return loading;
}

export async function drawChart(el, drawing) {
  const echarts = drawing.number ? window.echarts : await loadECharts();
  const old = echarts?.getInstanceByDom(el);
  if (old) old.dispose();
  el.classList.toggle("chart-number", !!drawing.number);
  if (drawing.number) {
    const v = drawing.number.value;
    const shown = v === null || v === undefined ? "–" : typeof v === "number" || !isNaN(Number(v)) ? formatter.format(Number(v)) : String(v);
    fill(el, h("div", { class: "big-number", testid: "big-number" }, shown), h("div", { class: "big-label" }, drawing.number.label));
    return;
  }
  fill(el);
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption(drawing.option);
  new ResizeObserver(() => chart.resize()).observe(el);
}

export function chartError(el, message) {
  const old = window.echarts?.getInstanceByDom(el);
  if (old) old.dispose();
  el.classList.remove("chart-number");
  fill(el, h("p", { class: "empty", testid: "chart-error" }, message));
}
