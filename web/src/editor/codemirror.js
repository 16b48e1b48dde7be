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
// CodeMirror knows.
const language = (schema) => sql({ dialect: PostgreSQL, schema, upperCaseKeywords: false });

export class CellEditor {
  constructor(parent, { doc, kind, schema, onChange, onRun, onRunAdvance, onBlur }) {
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
