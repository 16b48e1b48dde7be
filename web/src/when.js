// when writes a moment as Pier's pages do (2026-12-01 14:05 KST, in the
// report time zone the page names), so that script and server agree.
const zone = document.querySelector('meta[name="pier-zone"]')?.content || undefined;

let style;
try {
  style = new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" });
} catch {
  style = new Intl.DateTimeFormat("sv-SE", { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" });
}

export function when(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : style.format(d);
}
