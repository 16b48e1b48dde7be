// One CodeMirror editor per cell: SQL with highlighting and completion of
// the tables and columns the user may read, or plain text for markdown.
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from "@codemirror/view";
import { EditorState, Compartment } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { sql, PostgreSQL } from "@codemirror/lang-sql";
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";

// DuckDB's SQL is close to PostgreSQL's, which is the nearest dialect
// CodeMirror knows. schema maps each table (and earlier cell) to its
// columns; CodeMirror completes "table." with them, and columnsInScope
// offers the columns of the tables the statement names as bare words.
const language = (schema) => {
  const names = Object.fromEntries(Object.entries(schema).map(([t, cols]) => [t, cols.map((c) => c.name ?? c)]));
  const support = sql({ dialect: PostgreSQL, schema: names, upperCaseKeywords: false });
  return [support, support.language.data.of({ autocomplete: columnsInScope(schema) })];
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function columnsInScope(schema) {
  return (ctx) => {
    const word = ctx.matchBefore(/\w*/);
    if (!word || (word.from === word.to && !ctx.explicit)) return null;
    if (ctx.state.sliceDoc(word.from - 1, word.from) === ".") return null; // "table." is CodeMirror's
    const text = ctx.state.doc.toString();
    const options = [];
    for (const [table, cols] of Object.entries(schema)) {
      if (!new RegExp(`\\b${escape(table)}\\b`, "i").test(text)) continue;
      for (const c of cols) {
        const name = c.name ?? c;
        options.push({ label: name, type: "property", detail: [table, c.type, c.pii ? "PII" : ""].filter(Boolean).join(" · "), boost: 2 });
      }
    }
    return options.length ? { from: word.from, options, validFor: /^\w*$/ } : null;
  };
}

export class CellEditor {
  constructor(parent, { doc, kind, schema, onChange, onRun, onRunAdvance, onBlur, onFocus }) {
    this.lang = new Compartment();
    const runKeys = [
      { key: "Mod-Enter", run: () => (onRun(), true), preventDefault: true },
      { key: "Shift-Enter", run: () => (onRunAdvance(), true), preventDefault: true },
    ];
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          kind === "sql" ? lineNumbers() : [],
          history(), drawSelection(), indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
          highlightSelectionMatches(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          kind === "sql" ? [autocompletion(), lintGutter()] : EditorView.lineWrapping,
          keymap.of([...runKeys, ...closeBracketsKeymap, ...completionKeymap, ...searchKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
          this.lang.of(kind === "sql" ? language(schema) : []),
          placeholder(kind === "sql" ? "select … (Ctrl/⌘-Enter runs)" : "Write notes in markdown"),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange(u.state.doc.toString());
            if (u.focusChanged && !u.view.hasFocus && onBlur) onBlur();
            if (u.focusChanged && u.view.hasFocus && onFocus) onFocus();
          }),
          EditorView.contentAttributes.of({ "aria-label": kind === "sql" ? "SQL" : "Markdown" }),
        ],
      }),
    });
    this.kind = kind;
  }

  text() {
    return this.view.state.doc.toString();
  }

  focus() {
    this.view.focus();
  }

  // insert puts text where the cursor is, as if typed.
  insert(text) {
    this.view.dispatch(this.view.state.replaceSelection(text));
    this.view.focus();
  }

  setSchema(schema) {
    if (this.kind === "sql") this.view.dispatch({ effects: this.lang.reconfigure(language(schema)) });
  }

  // markError underlines the word at a 1-based line and column and puts
  // the message on it; a line past the end marks the last line.
  markError(line, column, message) {
    const doc = this.view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const from = l.from + Math.min(Math.max(column - 1, 0), l.length);
    let to = from;
    while (to < l.to && /\w/.test(doc.sliceString(to, to + 1))) to++;
    if (to === from) to = Math.min(from + 1, l.to);
    this.view.dispatch(setDiagnostics(this.view.state, [{ from, to: Math.max(to, from), severity: "error", message }]));
  }

  clearError() {
    this.view.dispatch(setDiagnostics(this.view.state, []));
  }
}
