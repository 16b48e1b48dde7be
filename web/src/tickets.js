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
