package query

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestCSVQuotesLikeEncodingCSVAndKeepsNullApartFromEmpty(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	rows, err := te.Query(context.Background(), analyst, Request{SQL: `select * from (values
		(1, 'plain', null), (2, 'a,b', ''), (3, 'say "hi"', ' lead'), (4, 'two' || chr(10) || 'lines', '\.'), (5, 'ünï', 'x')) v(id, s, t) order by id`})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = WriteCSV(&buf, rows)
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\r\n")
	if lines[0] != "id,s,t" || lines[1] != "1,plain," || lines[2] != `2,"a,b",""` {
		t.Fatalf("CSV text:\n%s", buf.String())
	}
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"id", "s", "t"}, {"1", "plain", ""}, {"2", "a,b", ""}, {"3", `say "hi"`, " lead"}, {"4", "two\nlines", `\.`}, {"5", "ünï", "x"}}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Fatalf("row %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

// FuzzCSVText checks that encoding/csv reads back exactly what Pier wrote.
func FuzzCSVText(f *testing.F) {
	for _, s := range []string{"", "a", "a,b", `"`, "x\ny", " lead", `\.`, "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, '\r') || !utf8Valid(s) {
			t.Skip("encoding/csv turns \\r\\n into \\n and needs UTF-8")
		}
		line := string(appendCSVText(nil, s)) + ",end\r\n"
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil || len(rec) != 2 || rec[0] != s || rec[1] != "end" {
			t.Fatalf("%q was written as %q and read back as %q (%v)", s, line, rec, err)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestTimestampsFormatAsTimeFormatWould compares the fast formatter with
// time.Format over every unit, both zones and dates across the calendar.
func TestTimestampsFormatAsTimeFormatWould(t *testing.T) {
	units := []arrow.TimeUnit{arrow.Second, arrow.Millisecond, arrow.Microsecond, arrow.Nanosecond}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, -1, 1, 86399, -86400, 951782400, -62135596800, 253402300799}
	for range 20000 {
		values = append(values, rng.Int64N(2*253402300799)-253402300799)
	}
	for _, unit := range units {
		per := int64(unit.Multiplier())
		for _, secs := range values {
			v := secs * (int64(time.Second) / per)
			if unit != arrow.Second {
				v += rng.Int64N(int64(time.Second) / per)
			}
			for _, zoned := range []bool{false, true} {
				layout := "2006-01-02T15:04:05.999999"
				if zoned {
					layout += "Z07:00"
				}
				want := arrow.Timestamp(v).ToTime(unit).Format(layout)
				if got := string(appendTimestamp(nil, v, unit, zoned)); got != want {
					t.Fatalf("%d %s: got %s, want %s", v, unit, got, want)
				}
			}
		}
	}
	for _, days := range []int64{0, -1, 59, 60, -719528, 2932896, 11016, -25567} {
		want := time.Unix(days*86400, 0).UTC().Format(time.DateOnly)
		if got := string(appendDate(nil, days)); got != want {
			t.Fatalf("day %d: got %s, want %s", days, got, want)
		}
	}
}

// TestSpreadsheetCSVDisarmsFormulas: what a spreadsheet would run is
// written as text there, and as it is in the CSV for programs.
func TestSpreadsheetCSVDisarmsFormulas(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	sql := `select * from (values (1, '=HYPERLINK("http://x","y")', -5), (2, '+1', 3), (3, '-2', 4), (4, '@SUM(A1)', 5),
		(5, chr(9) || 'tab', 6), (6, 'plain', 7), (7, '', 8), (8, null, 9)) v(id, s, n) order by id`
	export := func(write func(io.Writer, *Rows) error) []string {
		return strings.Split(te.exportOf(t, sql, write).String(), "\r\n")
	}
	raw, sheet := export(WriteCSV), export(WriteSpreadsheetCSV)
	wantRaw := []string{"id,s,n", `1,"=HYPERLINK(""http://x"",""y"")",-5`, "2,+1,3", "3,-2,4", "4,@SUM(A1),5", "5,\"\ttab\",6", "6,plain,7", `7,"",8`, "8,,9", ""}
	wantSheet := []string{"id,s,n", `1,"'=HYPERLINK(""http://x"",""y"")",-5`, `2,"'+1",3`, `3,"'-2",4`, `4,"'@SUM(A1)",5`, "5,\"'\ttab\",6", "6,plain,7", `7,"",8`, "8,,9", ""}
	if strings.Join(raw, "\n") != strings.Join(wantRaw, "\n") {
		t.Fatalf("CSV for programs:\n%q\nwant\n%q", raw, wantRaw)
	}
	if strings.Join(sheet, "\n") != strings.Join(wantSheet, "\n") {
		t.Fatalf("CSV for spreadsheets:\n%q\nwant\n%q", sheet, wantSheet)
	}
}
