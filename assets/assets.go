// Package assets embeds Pier's static files (CSS, icons), so Pier works
// air-gapped: nothing is loaded from a CDN. It imports nothing of Pier.
package assets

import (
	"embed"
	"io/fs"
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
