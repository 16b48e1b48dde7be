// How a chart reads: numbers in the reader's locale, compact on axes
// (1.2M) and whole in tooltips (1,234,567); category labels that all show,
// turned or shortened when they would collide; pie labels clear of the
// legend. The server decides what is drawn (package chart); this only
// adds what JSON cannot carry, such as formatter functions, and what
// depends on the width the chart is given.
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

// formatValue is how a value is shown when there is room for all of it.
export function formatValue(v) {
  if (v === null || v === undefined || v === "-") return "–";
  if (typeof v === "number") return full.format(v);
  if (typeof v === "string" && v.trim() !== "" && !isNaN(Number(v))) return full.format(Number(v));
  return String(v);
}

export function formatCompact(v) {
  return typeof v === "number" ? compact.format(v) : String(v);
}

const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function polish(d, width) {
  const o = structuredClone(d.option);
  o.tooltip = { ...o.tooltip, valueFormatter: formatValue, confine: true };
  o.grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true, ...o.grid };
  for (const axis of list(o.yAxis)) valueAxis(axis);
  for (const axis of list(o.xAxis)) {
    if (axis.type === "value") valueAxis(axis);
    else categoryAxis(axis, width / Math.max(1, list(o.xAxis).length));
  }
  if (d.type === "pie") pie(o, width);
  else if (o.legend?.show) {
    // The legend gets its own band under the plot.
    o.legend = { ...o.legend, type: "scroll", bottom: 0, left: "center" };
    o.grid.bottom = 32;
  }
  return o;
}

function valueAxis(axis) {
  axis.axisLabel = { ...axis.axisLabel, formatter: formatCompact };
  axis.nameTextStyle = { align: "left", ...axis.nameTextStyle };
}

// categoryAxis shows every label while they fit, turned at 30° while
// turned ones fit, and otherwise lets ECharts leave some out, shortened
// to a readable width with the whole label in the tooltip.
function categoryAxis(axis, width) {
  const labels = axis.data ?? [];
  const longest = Math.max(1, ...labels.map((l) => String(l?.value ?? l).length));
  const slot = width / Math.max(1, labels.length);
  const flat = longest * 7 + 8;
  const label = { hideOverlap: true, overflow: "truncate", width: 110 };
  if (flat <= slot) axis.axisLabel = { ...axis.axisLabel, ...label, interval: 0 };
  else if (slot >= 14) axis.axisLabel = { ...axis.axisLabel, ...label, interval: 0, rotate: 30 };
  else axis.axisLabel = { ...axis.axisLabel, ...label, interval: "auto", rotate: 30 };
  // Turned labels take the room of the axis name; the tile's title says it.
  if (axis.axisLabel.rotate) axis.name = "";
  axis.axisTick = { alignWithLabel: true, ...axis.axisTick };
}

// pie keeps the legend in its own band below the pie, so labels and
// legend never overlap; on a narrow tile the labels go and the legend
// and tooltip say the rest.
function pie(o, width) {
  o.legend = { ...o.legend, type: "scroll", bottom: 0, left: "center", orient: "horizontal" };
  for (const s of list(o.series)) {
    s.center = ["50%", "45%"];
    s.radius = width < 360 ? "55%" : "62%";
    s.avoidLabelOverlap = true;
    s.label = { show: width >= 360, formatter: "{b}: {d}%", overflow: "truncate", width: 120 };
    s.labelLine = { show: width >= 360 };
  }
}
