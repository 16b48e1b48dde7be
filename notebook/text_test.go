package notebook

import (
	"reflect"
	"testing"

	"github.com/pier-analytics/pier"
)

func exampleExport() Export {
	return Export{Title: "Revenue by day", Doc: Doc{
		Params: []Param{{Name: "days", Type: "date_range", Label: "Days"}},
		Cells: []Cell{
			{Kind: Markdown, Source: "# What this shows\n\nOrders per day -- all of them.\n  indented"},
			{Kind: SQL, Name: "by_day", Source: "select dt, count(*) as n\nfrom act_orders\n\n-- a comment inside\ngroup by dt", Chart: &Chart{Type: "line", X: "dt", Y: []string{"n"}}},
			{Kind: SQL, Name: "empty"},
			{Kind: SQL, Name: "top", Source: "select * from by_day order by n desc limit 10"},
		}}}
}

func TestTextExportRoundTrips(t *testing.T) {
	want := exampleExport()
	got, err := ParseText(want.ToText())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v\ntext:\n%s", got, want, want.ToText())
	}
}

func TestJSONExportRoundTrips(t *testing.T) {
	want := exampleExport()
	data, err := want.ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJSON(data)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

func TestAnySQLFileImportsAsOneCell(t *testing.T) {
	got, err := ParseText("select 1\n-- done\n")
	if err != nil || len(got.Doc.Cells) != 1 || got.Doc.Cells[0].Source != "select 1\n-- done" || got.Doc.Cells[0].Name != "query_1" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestBadImportsSayWhatIsWrong(t *testing.T) {
	for name, text := range map[string]string{
		"empty":               "",
		"a bad cell mark":     "-- %% python x\nprint(1)",
		"bad inputs":          "-- pier notebook\n-- params: [oops\n-- %% sql a\nselect 1",
		"a bad chart":         "-- %% sql a\n-- %% chart: {\nselect 1",
		"a nameless sql cell": "-- %% sql\nselect 1",
	} {
		if _, err := ParseText(text); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseJSON([]byte(`{"title":"x","cells":[]}`)); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("JSON without its format: %v", err)
	}
}
