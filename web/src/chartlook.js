// How a chart reads: numbers in the reader's locale, compact on axes
// (1.2M) and whole in tooltips (1,234,567); category labels that all show,
// turned or shortened when they would collide; pie labels clear of the
// legend. The server decides what is drawn (package chart); this only
// adds what JSON cannot carry, such as formatter functions, and what
// depends on the width the chart is given.
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

// numberFormats turns a column's format (package chart's Format: number,
// currency with its code, or percent of a fraction) into the reader's
// locale, whole and compact: ₩3,212,000,000 and ₩3.2B.
function numberFormats(f) {
  if (!f) return { full, compact };
  const base = f.kind === "currency" ? { style: "currency", currency: f.currency } : f.kind === "percent" ? { style: "percent" } : {};
  const digits = f.decimals ?? (f.kind === "percent" ? 1 : 2);
  try {
    return {
      full: new Intl.NumberFormat(undefined, { ...base, minimumFractionDigits: f.decimals ?? 0, maximumFractionDigits: digits }),
      compact: new Intl.NumberFormat(undefined, { ...base, notation: "compact", maximumFractionDigits: 1 }),
    };
  } catch {
    return { full, compact }; // a currency this browser does not know
  }
}

const asNumber = (v) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !isNaN(Number(v)) ? Number(v) : null);

// formatValue is how a value is shown when there is room for all of it,
// in the column's format if it has one.
export function formatValue(v, format) {
  if (v === null || v === undefined || v === "-") return "–";
  const n = asNumber(v);
  return n === null ? String(v) : numberFormats(format).full.format(n);
}

export function formatCompact(v, format) {
  const n = asNumber(v);
  return n === null ? String(v) : numberFormats(format).compact.format(n);
}

// humanize reads a column name as words, as package chart's Humanize
// does: member_id is "Member ID", dt "Date".
const words = { id: "ID", dt: "date", url: "URL", pii: "PII", kpi: "KPI", ip: "IP" };
export function humanize(name) {
  const s = String(name).split(/[_\s-]+/).filter(Boolean).map((p) => words[p.toLowerCase()] ?? p).join(" ");
  return s ? s[0].toUpperCase() + s.slice(1) : String(name);
}

const numericType = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL|REAL)/i;
const identifier = /^(id|dt|year|month)$|_id$/i;

// formatCell is how a result table shows a value: numbers with the
// reader's separators, a DECIMAL with its own decimals, a DOUBLE with as
// few as make sense; identifiers and years as they are (no 2,026).
export function formatCell(v, column = {}) {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "string" && /^TIMESTAMP/i.test(column.type ?? "")) {
    // As package chart's TimeLabel: midnight reads as its day.
    const [day, time = ""] = v.split("T");
    return /^[0:.]*Z?$/.test(time) ? day : `${day} ${time.replace(/Z$/, "")}`;
  }
  const n = asNumber(v);
  if (n === null || !numericType.test(column.type ?? "") || identifier.test(column.name ?? "")) return String(v);
  const scale = /^DECIMAL\(\d+,\s*(\d+)\)/i.exec(column.type)?.[1];
  if (scale !== undefined) return new Intl.NumberFormat(undefined, { minimumFractionDigits: +scale, maximumFractionDigits: +scale }).format(n);
  if (Number.isInteger(n)) return full.format(n);
  return new Intl.NumberFormat(undefined, Math.abs(n) >= 1 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 3 }).format(n);
}

export const isNumericType = (type) => numericType.test(type ?? "");

const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function polish(d, width) {
  const o = structuredClone(d.option);
  const formatOf = (column) => d.formats?.[column];
  o.tooltip = { ...o.tooltip, valueFormatter: (v) => formatValue(v), confine: true };
  o.grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true, ...o.grid };
  // Each series reads in its column's format, in the tooltip and on its axis.
  const axisFormat = [];
  list(o.series).forEach((s, i) => {
    if (!s) return;
    const f = formatOf(d.series_columns?.[i]);
    s.tooltip = { ...s.tooltip, valueFormatter: (v) => formatValue(v, f) };
    axisFormat[s.yAxisIndex ?? 0] ??= f;
  });
  list(o.yAxis).forEach((axis, i) => axis.type !== "category" && valueAxis(axis, axisFormat[i]));
  for (const axis of list(o.xAxis)) {
    if (axis.type === "value") valueAxis(axis, d.type === "scatter" ? formatOf(d.x) : axisFormat[0]);
    else categoryAxis(axis, width / Math.max(1, list(o.xAxis).length));
  }
  if (d.type === "heatmap") heatmap(o, formatOf(d.y?.[0]));
  if (d.type === "pie") pie(o, width);
  else if (o.legend?.show) {
    // The legend gets its own band under the plot.
    o.legend = { ...o.legend, type: "scroll", bottom: 0, left: "center" };
    // ...and the axis name its own line above it.
    o.grid.bottom = list(o.xAxis).some((a) => a.name) ? 60 : 32;
  }
  return o;
}

function valueAxis(axis, format) {
  axis.axisLabel = { ...axis.axisLabel, formatter: (v) => formatCompact(v, format) };
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

// heatmap stands the colour scale on the right, its ends in compact
// numbers, clear of the axis name below.
function heatmap(o, format) {
  o.legend = { show: false };
  o.grid.right = 72;
  for (const vm of list(o.visualMap)) {
    Object.assign(vm, { orient: "vertical", right: 0, top: "middle", left: "auto", bottom: "auto", itemHeight: 120 });
    vm.formatter = (v) => formatCompact(v, format);
  }
}
