package app

import (
	"mime"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestDownloadsKeepTheirTitles: a Korean title names the file in full for
// browsers (RFC 5987), with an ASCII name for the rest, and nothing in a
// title can leave the download folder or break the header.
func TestDownloadsKeepTheirTitles(t *testing.T) {
	for title, want := range map[string]string{
		"매출 보고서 2026.csv":        "매출 보고서 2026.csv",
		"Revenue by status.xlsx": "Revenue by status.xlsx",
		`../../etc/"passwd".csv`: `etc-passwd-.csv`,
		"Q1/Q2: 주문.sql":          "Q1-Q2- 주문.sql",
	} {
		rec := httptest.NewRecorder()
		attach(echo.New().NewContext(httptest.NewRequest("GET", "/", nil), rec), title)
		header := rec.Header().Get("Content-Disposition")
		_, params, err := mime.ParseMediaType(header)
		if err != nil || params["filename"] != want {
			t.Errorf("%q: header %q reads as %q (%v), want %q", title, header, params["filename"], err, want)
		}
	}
}
