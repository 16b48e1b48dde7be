package assets

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestVersionedAssetsAreKeptByTheBrowser(t *testing.T) {
	path := Path("pier.css")
	if !strings.HasPrefix(path, "/static/pier.css?v=") || len(path) <= len("/static/pier.css?v=") {
		t.Fatalf("path %q carries no version", path)
	}
	rec := get(t, path)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "--ink") {
		t.Fatalf("versioned file: %d", rec.Code)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("a file at its current version is cached for good; Cache-Control is %q", cc)
	}
	for _, stale := range []string{"/static/pier.css", "/static/pier.css?v=000000000000"} {
		if cc := get(t, stale).Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s must be revalidated; Cache-Control is %q", stale, cc)
		}
	}
	if rec := get(t, "/static/nope.js"); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown file: %d", rec.Code)
	}
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest("GET", "/static/pier.css", nil)
	req.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	Handler().ServeHTTP(again, req)
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidating with the ETag: %d, want 304", again.Code)
	}
}
