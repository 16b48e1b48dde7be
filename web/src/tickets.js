// The filing form: while the title is typed, show what may already answer
// it; show the data-access fields only for that category.
import { api } from "./api.js";
import { h, fill } from "./dom.js";

const form = document.querySelector('[data-testid="ticket-form"]');
if (form) {
  const title = form.querySelector('[name="title"]');
  const category = form.querySelector('[name="category"]');
  const access = form.querySelector('[data-testid="access-fields"]');
  const list = document.querySelector('[data-testid="suggestion-list"]');
  const empty = document.querySelector('[data-testid="suggestions-empty"]');

  const showAccess = () => { access.hidden = category.value !== "data_access"; };
  category.addEventListener("change", showAccess);
  showAccess();

  const kinds = { answer: "Answer", dashboard: "Dashboard", dataset: "Dataset" };
  let timer, pending;
  const suggest = async () => {
    const q = title.value.trim();
    pending?.abort();
    if (q.length < 3) { fill(list); empty.hidden = false; return; }
    pending = new AbortController();
    try {
      const { suggestions } = await api("GET", "/api/v1/tickets/similar?q=" + encodeURIComponent(q), undefined, { signal: pending.signal });
      empty.hidden = suggestions.length > 0;
      if (!suggestions.length) empty.textContent = "Nothing found yet: the data team will answer your request.";
      fill(list, suggestions.map((s) => h("li", { testid: "suggestion" },
        h("span", { class: "badge" + (s.trusted ? " certified" : "") }, kinds[s.kind] + (s.trusted ? " ✓" : "")), " ",
        h("a", { href: s.url, target: "_blank", rel: "noopener" }, s.title),
        s.snippet ? h("p", { class: "desc" }, s.snippet) : null)));
    } catch (err) {
      if (err.name !== "AbortError") { empty.hidden = false; empty.textContent = err.message; }
    }
  };
  title.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 250); });
  if (title.value) suggest();
}

// Office hours are kept on the office's clock; each reader also sees them
// on their own, named, so a session in Seoul reads right in Berlin.
const clock = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
const end = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" });
const local = (start, stop) => `${clock.format(new Date(start))}–${end.format(new Date(stop))}`;
for (const t of document.querySelectorAll("time[data-local]")) {
  const mine = local(t.dateTime, t.dataset.end);
  if (mine !== t.textContent) {
    t.title = "On the office hours' clock: " + t.textContent;
    t.textContent = mine;
  }
}
for (const o of document.querySelectorAll("option[data-start]")) {
  o.title = o.textContent;
  o.textContent = local(o.dataset.start, o.dataset.end);
}
