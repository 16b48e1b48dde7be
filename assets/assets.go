// Package assets embeds Pier's static files (CSS, scripts), so Pier works
// air-gapped: nothing is loaded from a CDN. It imports nothing of Pier.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
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

// Handler serves the static files. A request carrying the file's current
// version is cached for a year; any other must be revalidated by ETag.
func Handler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(Static()))
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
		w.Header().Set("ETag", `"`+v+`"`)
		files.ServeHTTP(w, r)
	})
}
