package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestNotebookBadInputGetsPlainErrors sends wrong input to every notebook
// endpoint: each answers with its API.md status and a message, and the
// saved notebook is unchanged afterwards.
func TestNotebookBadInputGetsPlainErrors(t *testing.T) {
	ta := newTestApp(t)
	id, version := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "kept", "select 1 as one"))
	nb := "/api/v1/notebooks/" + id
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"create without a title", "POST", "/api/v1/notebooks", `{"title":"  "}`, 400},
		{"create with an unknown field", "POST", "/api/v1/notebooks", `{"title":"x","owner":"me"}`, 400},
		{"create with broken JSON", "POST", "/api/v1/notebooks", `{"title":`, 400},
		{"save without a version", "PUT", nb, `{"title":"x","cells":[]}`, 400},
		{"save a version that never was", "PUT", nb, `{"title":"x","version":99,"cells":[]}`, 409},
		{"save a bad cell name", "PUT", nb, `{"title":"x","version":2,"cells":[{"kind":"sql","name":"My Cell","source":"select 1"}]}`, 400},
		{"save cells of the wrong type", "PUT", nb, `{"title":"x","version":2,"cells":"select 1"}`, 400},
		{"a tag with a comma", "PATCH", nb, `{"tags":["a,b"]}`, 400},
		{"a revision that is not a number", "GET", nb + "/revisions/abc", ``, 404},
		{"a revision that does not exist", "GET", nb + "/revisions/42", ``, 404},
		{"share as boss", "POST", nb + "/shares", `{"email":"view@example.com","role":"boss"}`, 400},
		{"share with nobody", "POST", nb + "/shares", `{"email":"ghost@example.com","role":"viewer"}`, 400},
		{"run a missing cell", "POST", nb + "/cells/zzz/run", ``, 404},
		{"run with an unknown field", "POST", nb + "/cells/a/run", `{"parameters":{}}`, 400},
		{"a negative offset", "GET", nb + "/cells/a/result?offset=-1", ``, 400},
		{"params that are not JSON", "GET", nb + "/cells/a/export?format=csv&params=oops", ``, 400},
		{"export as pdf", "GET", nb + "/export?format=pdf", ``, 400},
		{"import a bad cell mark", "POST", "/api/v1/notebooks/import", "-- %% python x\nprint(1)", 400},
		{"import JSON that is not a notebook", "POST", "/api/v1/notebooks/import", `{"title":"x"}`, 400},
	}
	ta.call(t, auth.TierAnalyze, "POST", nb+"/cells/a/run", nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			contentType := "application/json"
			if strings.HasPrefix(c.body, "--") {
				contentType = "text/plain"
			}
			res := ta.do(t, auth.TierAnalyze, c.method, c.path, c.body, "Content-Type", contentType)
			body := readAll(t, res)
			if res.StatusCode != c.status || !containsAll(body, `"error"`, `"message"`) {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
		})
	}
	status, n := ta.call(t, auth.TierAnalyze, "GET", nb, nil)
	cells, _ := n["cells"].([]any)
	if status != http.StatusOK || int(n["version"].(float64)) != version || len(cells) != 1 || cells[0].(map[string]any)["source"] != "select 1 as one" {
		t.Fatalf("bad input changed the saved notebook: %v", n)
	}
}

func TestNotebookFormWithoutATitleSaysSo(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	res, page := b.post("/notebooks", map[string][]string{"title": {" "}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=error-message]`).Text(), "title") {
		t.Fatalf("%d: %s", res.StatusCode, page.Text())
	}
}
