// Which cells' results no longer match their SQL. A cell runs with the SQL
// of the earlier cells it reads (directly or through each other), so its
// result is stale when its own SQL or any of theirs changed since it ran.
// A person sees it before trusting a number that a changed cell fed.

const words = (src) => new Set(src.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);

// reads returns the earlier SQL cells that cells[i] reads, directly or
// through each other, as the server gathers them for a run.
function reads(cells, i) {
  const need = words(cells[i].source);
  const out = [];
  for (let j = i - 1; j >= 0; j--) {
    const c = cells[j];
    if (c.kind !== "sql" || !need.has(c.name)) continue;
    out.push(c);
    for (const w of words(c.source)) need.add(w);
  }
  return out;
}

// snapshot is what a run sees of the cells it reads: their SQL by id.
export function snapshot(cells, cell) {
  const i = cells.indexOf(cell);
  return Object.fromEntries(reads(cells, i).map((c) => [c.id, c.source]));
}

// staleCells takes each cell's last run ({source, at, seen}, by cell id;
// seen is the snapshot, unknown for runs before the page opened) and
// returns, by cell id, why each cell with a result is stale: "changed"
// (its own SQL) or the name of a cell it reads whose SQL changed.
export function staleCells(cells, ran) {
  const out = new Map();
  cells.forEach((c, i) => {
    const mine = ran[c.id];
    if (c.kind !== "sql" || !mine) return;
    if (mine.source !== c.source) return out.set(c.id, "changed");
    for (const up of reads(cells, i)) {
      // Before the page opened, an earlier cell that ran first was run
      // with the SQL this cell then saw.
      const theirs = ran[up.id];
      const saw = mine.seen ? mine.seen[up.id] : theirs && theirs.at <= mine.at ? theirs.source : undefined;
      if (saw !== undefined ? saw !== up.source : theirs && theirs.source !== up.source) return out.set(c.id, up.name);
    }
  });
  return out;
}
