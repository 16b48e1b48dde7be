package app

import (
	"cmp"
	"fmt"
	"mime"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// unsafeFileChars are what no file name on a common system may hold;
// everything else, Korean included, stays.
var unsafeFileChars = regexp.MustCompile(`[\x00-\x1f\x7f/\\:*?"<>|]+`)

func fileName(title string) string {
	name := strings.Trim(unsafeFileChars.ReplaceAllString(title, "-"), "-. ")
	if name == "" {
		return "notebook"
	}
	return name
}

// attach names the download. A name beyond ASCII goes in filename* (RFC
// 5987, which browsers read) with an ASCII filename for the rest.
func attach(c echo.Context, name string) {
	name = fileName(name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if !isASCII(name) {
		fallback := strings.Trim(nonASCII.ReplaceAllString(name, "_"), "_")
		v = `attachment; filename="` + cmp.Or(fallback, "download") + `"; filename*=UTF-8''` + encode5987(name)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, v)
}

var nonASCII = regexp.MustCompile(`[^\x20-\x7e]+|"|\\`)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// encode5987 percent-encodes all but RFC 5987's attr-chars.
func encode5987(s string) string {
	const keep = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
