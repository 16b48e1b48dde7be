package notebook

import (
	"crypto/rand"
	"encoding/hex"
)

// newCellID returns a short id, unique within a notebook in practice; a
// clash is refused by Validate rather than silently merged.
func newCellID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "c" + hex.EncodeToString(b)
}
