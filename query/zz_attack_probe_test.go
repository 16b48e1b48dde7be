package query

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

type probeCase struct {
	Name     string
	SQL      string
	Params   map[string]any
	Upstream []Upstream
	PII      bool // grant obj_members with PII
	Describe bool
	Timeout  int
}

func TestZZProbe(t *testing.T) {
	f := os.Getenv("PROBE")
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var cases []probeCase
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&cases); err != nil {
		t.Fatal(err)
	}
	lim := Limits{}
	if os.Getenv("PROBE_TIMEOUT") != "" {
		lim.Timeout = 10 * time.Second
	}
	te := newTestEngine(t, sharedLake(t), lim)
	fmt.Println("LAKE", te.lake)
	for _, c := range cases {
		p := analyst
		if c.PII {
			p = Principal{UserID: "dpo", Grants: map[string]bool{"obj_members": true}}
		}
		req := Request{SQL: c.SQL, Params: c.Params, Upstream: c.Upstream, LenientParams: true}
		start := time.Now()
		if c.Describe {
			d, err := te.Describe(context.Background(), p, req)
			js, _ := json.Marshal(d)
			fmt.Printf("=== %s\n  SQL: %.300s\n  DESCRIBE: %.1500s\n  ERR: %v\n  (%v)\n", c.Name, c.SQL, js, err, time.Since(start))
			continue
		}
		res, rows, err := te.collectReq(t, p, req)
		js, _ := json.Marshal(res)
		var tables []string
		if rows != nil {
			tables = rows.Tables()
		}
		fmt.Printf("=== %s\n  SQL: %.300s\n  RES: %.1500s\n  TABLES: %v\n  ERR: %v\n  (%v) workers=%d inflight=%d\n", c.Name, c.SQL, js, tables, err, time.Since(start), te.Workers(), te.InFlight())
	}
}
