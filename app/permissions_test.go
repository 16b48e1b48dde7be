package app

import (
	"net/http"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestPermissionMatrix tries every endpoint as every tier and as nobody.
func TestPermissionMatrix(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		const anon = auth.Tier("")
		type route struct{ method, path, body string }
		routes := map[string]route{
			"healthz":       {"GET", "/healthz", ""},
			"metrics":       {"GET", "/metrics", ""},
			"me":            {"GET", "/api/v1/me", ""},
			"tables":        {"GET", "/api/v1/tables", ""},
			"refresh":       {"POST", "/api/v1/catalog/refresh", ""},
			"query":         {"POST", "/api/v1/query", `{"sql":"select 1"}`},
			"new notebook":  {"POST", "/api/v1/notebooks", `{"title":"t"}`},
			"notebook list": {"GET", "/api/v1/notebooks", ""},
		}
		ok, created, unauth, forbidden := http.StatusOK, http.StatusCreated, http.StatusUnauthorized, http.StatusForbidden
		want := map[string]map[auth.Tier]int{
			"healthz":       {anon: ok, auth.TierView: ok, auth.TierHandle: ok, auth.TierAnalyze: ok, auth.TierData: ok, auth.TierAdmin: ok},
			"metrics":       {anon: unauth, auth.TierView: forbidden, auth.TierHandle: forbidden, auth.TierAnalyze: forbidden, auth.TierData: forbidden, auth.TierAdmin: ok},
			"me":            {anon: unauth, auth.TierView: ok, auth.TierHandle: ok, auth.TierAnalyze: ok, auth.TierData: ok, auth.TierAdmin: ok},
			"tables":        {anon: unauth, auth.TierView: ok, auth.TierHandle: ok, auth.TierAnalyze: ok, auth.TierData: ok, auth.TierAdmin: ok},
			"refresh":       {anon: unauth, auth.TierView: forbidden, auth.TierHandle: forbidden, auth.TierAnalyze: forbidden, auth.TierData: ok, auth.TierAdmin: ok},
			"query":         {anon: unauth, auth.TierView: forbidden, auth.TierHandle: forbidden, auth.TierAnalyze: ok, auth.TierData: ok, auth.TierAdmin: ok},
			"new notebook":  {anon: unauth, auth.TierView: forbidden, auth.TierHandle: forbidden, auth.TierAnalyze: created, auth.TierData: created, auth.TierAdmin: created},
			"notebook list": {anon: unauth, auth.TierView: ok, auth.TierHandle: ok, auth.TierAnalyze: ok, auth.TierData: ok, auth.TierAdmin: ok},
		}
		for name, r := range routes {
			for _, tier := range append([]auth.Tier{anon}, auth.Tiers...) {
				who := string(tier)
				if who == "" {
					who = "anonymous"
				}
				t.Run(name+" as "+who, func(t *testing.T) {
					res := ta.do(t, tier, r.method, r.path, r.body)
					if res.StatusCode != want[name][tier] {
						t.Fatalf("status %d, want %d: %s", res.StatusCode, want[name][tier], readAll(t, res))
					}
				})
			}
		}
	})
}

func TestABadTokenIsUnauthorized(t *testing.T) {
	ta := newTestApp(t)
	for name, header := range map[string]string{
		"unknown token": "Bearer pier_not-a-real-token",
		"not bearer":    "Basic YWRtaW46YWRtaW4=",
	} {
		t.Run(name, func(t *testing.T) {
			res := ta.do(t, "", "GET", "/api/v1/me", "", "Authorization", header)
			body := readAll(t, res)
			if res.StatusCode != http.StatusUnauthorized || !containsAll(body, `"code":"unauthorized"`, `"message"`) {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
		})
	}
}
