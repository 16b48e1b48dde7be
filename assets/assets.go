// Package assets embeds Pier's static files (CSS, scripts), so Pier works
// air-gapped: nothing is loaded from a CDN. It imports nothing of Pier.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var files embed.FS

// Static returns the static files, rooted so that "pier.css" is at the top.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}

// versions holds a short content hash of every static file, computed once:
// a file's URL changes exactly when its content does.
var versions = func() map[string]string {
	out := map[string]string{}
	fs.WalkDir(Static(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static(), name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[name] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
}()

// Path is the URL of a static file with its content version, which the
// browser may keep for good.
func Path(name string) string {
	return "/static/" + name + "?v=" + versions[name]
}

// Handler serves the static files, gzipped for browsers that take it (the
// ECharts bundle shrinks from 1.1 MB to a third). A request carrying the
// file's current version is cached for a year; any other must be
// revalidated by ETag.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[len("/static/"):]
		v, ok := versions[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == v {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("Vary", "Accept-Encoding")
		body, etag := file(name), v
		if takesGzip(r) {
			body, etag = gzipped(name), v+"-gz"
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Content-Type", contentType(name))
		w.Header().Set("ETag", `"`+etag+`"`)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}

func file(name string) []byte {
	b, _ := fs.ReadFile(Static(), name) // versions lists only files that read
	return b
}

// gzipped compresses each file once, on first request, at the best ratio:
// the files never change while Pier runs.
var gzipped = func() func(string) []byte {
	var mu sync.Mutex
	done := map[string][]byte{}
	return func(name string) []byte {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := done[name]; ok {
			return b
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(file(name))
		zw.Close()
		done[name] = buf.Bytes()
		return done[name]
	}
}()

// takesGzip reads Accept-Encoding, honouring an explicit "gzip;q=0".
func takesGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
