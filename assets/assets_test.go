package assets

import (
	"bytes"
	"compress/gzip"
	"io"
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

func TestStaticFilesAreGzippedForBrowsersThatTakeIt(t *testing.T) {
	plain := get(t, Path("echarts.min.js"))
	req := httptest.NewRequest("GET", Path("echarts.min.js"), nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Fatalf("the gzipped file is not the file: %v", err)
	}
	if got, was := rec.Body.Len(), plain.Body.Len(); got*2 > was {
		t.Errorf("gzipped ECharts is %d bytes of %d", got, was)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("ETag") == rec.Header().Get("ETag") {
		t.Errorf("a browser without gzip gets the plain file under its own ETag: %v", plain.Header())
	}
	req.Header.Set("Accept-Encoding", "gzip;q=0, identity")
	refused := httptest.NewRecorder()
	Handler().ServeHTTP(refused, req)
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
}
