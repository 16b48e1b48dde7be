// Autosave: every change is saved shortly after typing stops, one save at a
// time, each over the version the page last saw. A stale version gets 409
// from the server; then nothing more is saved until the person chooses to
// open the other version or keep theirs as a copy, so no one's work is lost.
import { h, fill } from "../dom.js";
import { api } from "../api.js";

const QUIET_MS = 800;
const RETRY_MS = 5000;

export class Saver {
  constructor(editor) {
    this.editor = editor;
    this.dirty = false;
    this.conflict = false;
    this.problem = "";
    this.chain = Promise.resolve(true);
    this.status = h("span", { class: "save-status", testid: "save-status", role: "status" }, `Saved · version ${editor.nb.version}`);
    this.banner = h("div", { class: "conflict", testid: "conflict", hidden: true, role: "alert" });
    window.addEventListener("beforeunload", (e) => {
      if (this.dirty) e.preventDefault();
    });
  }

  say(text, kind = "") {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  schedule() {
    this.dirty = true;
    if (this.conflict) return;
    this.say("Unsaved changes…", "pending");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), QUIET_MS);
  }

  // save saves now (after any save in flight) and tells whether the notebook
  // as shown is the notebook as saved.
  save() {
    clearTimeout(this.timer);
    this.chain = this.chain.then(() => this.put());
    return this.chain;
  }

  async put() {
    if (this.conflict) return false;
    if (!this.dirty) return !this.problem;
    const nb = this.editor.nb;
    this.dirty = false;
    this.say("Saving…", "pending");
    try {
      const res = await api("PUT", `/api/v1/notebooks/${nb.id}`, { title: nb.title, version: nb.version, cells: nb.cells, params: nb.params });
      nb.version = res.version;
      this.problem = "";
      if (!this.dirty) this.say(`Saved · version ${nb.version}`, "saved");
      return true;
    } catch (err) {
      this.dirty = true;
      if (err.status === 409) {
        this.conflict = true;
        this.say("Not saved: someone else saved first", "problem");
        this.showConflict();
        return false;
      }
      this.problem = err.message;
      this.say(`Not saved: ${err.message}`, "problem");
      if (err.status === 0 || err.status >= 500) this.timer = setTimeout(() => this.save(), RETRY_MS);
      return false;
    }
  }

  async showConflict() {
    const nb = this.editor.nb;
    const theirs = await api("GET", `/api/v1/notebooks/${nb.id}`).catch(() => null);
    const who = theirs ? ` ${theirs.updated_by} saved version ${theirs.version}` : " Someone saved a newer version";
    fill(this.banner,
      h("p", {}, `${who} while you were editing. Your changes are still on this page but not saved.`),
      h("button", { type: "button", testid: "conflict-reload", onclick: () => this.reload() }, "Open their version (drop my changes)"),
      " ",
      h("button", { type: "button", class: "primary", testid: "conflict-copy", onclick: () => this.keepCopy() }, "Keep my changes as a copy"));
    this.banner.hidden = false;
  }

  reload() {
    this.dirty = false;
    location.reload();
  }

  async keepCopy() {
    const nb = this.editor.nb;
    const file = { format: "pier-notebook", version: 1, title: `${nb.title} (my copy)`, params: nb.params, cells: nb.cells };
    try {
      const copy = await api("POST", "/api/v1/notebooks/import", file);
      this.dirty = false;
      location.assign(`/notebooks/${copy.id}/edit`);
    } catch (err) {
      this.banner.append(h("p", { class: "error" }, `The copy could not be made: ${err.message}`));
    }
  }
}
