package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func ids(hits []Hit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Kind+":"+h.ID)
	}
	return strings.Join(out, " ")
}

// TestSearchFindsWordsAndPrefixesRankedOnBothStores: every word must
// match, each also as a prefix; a title match outranks a body match, a
// certified one an uncertified one; Sync changes only what changed and
// forgets what is gone.
func TestSearchFindsWordsAndPrefixesRankedOnBothStores(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		x := New(db)
		err := x.Sync(ctx, "dashboard", []Doc{
			{ID: "d1", Title: "Weekly revenue", Body: "Revenue by brand and week"},
			{ID: "d2", Title: "Orders", Body: "count of orders; revenue is elsewhere"},
			{ID: "d3", Title: "Revenue (certified)", Body: "the one to use", Certified: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Sync(ctx, "table", []Doc{{ID: "act_orders", Title: "act_orders", Body: "Every order, one row each"}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q     string
			kinds []string
			want  string
		}{
			{"revenue", nil, "dashboard:d3 dashboard:d1 dashboard:d2"},
			{"rev", nil, "dashboard:d3 dashboard:d1 dashboard:d2"},
			{"revenue brand", nil, "dashboard:d1"},
			{"ORDERS", []string{"table"}, "table:act_orders"},
			{"act_orders", nil, "table:act_orders"},
			{"nothing-like-it", nil, ""},
			{`" * -- ' ; ()`, nil, ""},
			{"zzz AND orders", nil, ""},              // AND is a word here, not an operator
			{"revenue by week", nil, "dashboard:d1"}, // "by" is a stop word
		} {
			hits, err := x.Search(ctx, c.q, c.kinds, 0, 10)
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			if got := ids(hits); got != c.want {
				t.Errorf("%q %v: %q, want %q", c.q, c.kinds, got, c.want)
			}
		}
		hits, _ := x.Search(ctx, "brand", nil, 0, 10)
		if len(hits) != 1 {
			t.Fatalf("brand: %+v", hits)
		}
		if s, err := x.Snippet(ctx, hits[0], "brand"); err != nil || !strings.Contains(s, "Revenue by brand") {
			t.Errorf("snippet %q, %v", s, err)
		}
		if page2, _ := x.Search(ctx, "revenue", nil, 2, 10); ids(page2) != "dashboard:d2" {
			t.Errorf("from the third on: %s", ids(page2))
		}
		if err := x.Sync(ctx, "dashboard", []Doc{{ID: "d2", Title: "Orders and refunds", Body: ""}}); err != nil {
			t.Fatal(err)
		}
		if hits, _ := x.Search(ctx, "revenue", nil, 0, 10); len(hits) != 0 {
			t.Errorf("gone and changed documents still match: %s", ids(hits))
		}
		if hits, _ := x.Search(ctx, "refunds", nil, 0, 10); ids(hits) != "dashboard:d2" {
			t.Errorf("the changed title: %s", ids(hits))
		}
	})
}

// BenchmarkSearch10000 searches an index of 10,000 documents of several
// kinds, as a big Pier's would be.
func BenchmarkSearch10000(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres} {
		b.Run(name, func(b *testing.B) { benchmarkSearch(b, open(b)) })
	}
}

func benchmarkSearch(b *testing.B, db *store.DB) {
	{
		ctx := b.Context()
		x := New(db)
		words := strings.Fields("revenue orders members churn refunds brand week month region channel margin cohort funnel signup retention basket")
		for k, kind := range []string{"dashboard", "notebook", "dataset", "table", "column"} {
			var docs []Doc
			for i := range 2000 {
				w := func(n int) string { return words[(i*7+n*3+k)%len(words)] }
				docs = append(docs, Doc{ID: fmt.Sprint(i), Title: w(0) + " by " + w(1) + fmt.Sprint(" ", i),
					Body: strings.Repeat(w(2)+" per "+w(3)+" and "+w(4)+" ", 20), Certified: i%10 == 0, Uses: int64(i % 50)})
			}
			if err := x.Sync(ctx, kind, docs); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			hits, err := x.Search(ctx, []string{"revenue", "rev", "churn by week", "cohort retention"}[i%4], nil, 0, 100)
			if err != nil || len(hits) == 0 {
				b.Fatalf("%v %v", hits, err)
			}
		}
	}
}

// TestASnippetIsCutFromTheBodyWhateverItsLetters: letters whose lower case
// is longer than their upper case must not throw the cut off the text.
func TestASnippetIsCutFromTheBodyWhateverItsLetters(t *testing.T) {
	body := strings.Repeat("Ⱥ", 200) + " revenue orders"
	if s := snippet(body, []string{"revenue"}); !strings.Contains(s, "revenue orders") {
		t.Errorf("snippet %q", s)
	}
	if s := snippet("ȺȺ", []string{"zz"}); s != "ȺȺ" {
		t.Errorf("no match: %q", s)
	}
}
