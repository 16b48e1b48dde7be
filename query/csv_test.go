package query

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
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
