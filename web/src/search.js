// "/" anywhere but in a field puts the cursor in the header's search box,
// as in GitHub, Slack and most tools people already know.
document.addEventListener("keydown", (e) => {
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.closest?.(".cm-editor")) return;
  const box = document.querySelector("[data-testid=header-search]");
  if (!box) return;
  e.preventDefault();
  box.focus();
  box.select();
});
