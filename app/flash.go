package app

import (
	"context"
	"strings"
)

// A flash is what a form just did, kept in the session for the page it
// redirects to, shown once. Coming from the session, not the URL, a link
// cannot make a page claim it.
type flash struct {
	What string // what happened: "shared", "error", "saved", …
	Text string // the e-mail, the message, the value typed
}

// Session keys of the flashes.
const (
	shareFlash = "flash.share"
	zoneFlash  = "flash.zone"
)

func (a *App) putFlash(ctx context.Context, key string, f flash) {
	a.sessions.Put(ctx, key, f.What+"\n"+f.Text)
}

// popFlash returns the flash under key, once; What is "" when none.
func (a *App) popFlash(ctx context.Context, key string) flash {
	what, text, _ := strings.Cut(a.sessions.PopString(ctx, key), "\n")
	return flash{What: what, Text: text}
}
