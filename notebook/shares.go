package notebook

import (
	"github.com/pier-analytics/pier/share"
	"github.com/pier-analytics/pier/store"
)

// Share is one person a notebook is shared with.
type Share = share.Share

func shareTable(db *store.DB) share.Table {
	return share.Table{DB: db, Name: "notebook_shares", Object: "notebook_id"}
}
