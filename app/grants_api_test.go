package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestGrantsAreGivenAndTakenInTheAppAtOnce: an admin grants a restricted
// table and revokes it; each takes effect on the next query and is
// audited; the data team reads the list; nobody else may.
func TestGrantsAreGivenAndTakenInTheAppAtOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		restricted := true
		ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted})
		count := map[string]any{"sql": "select count(*) as n from act_orders"}
		if status, _ := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", count); status == http.StatusOK {
			t.Fatal("the restricted table answers without a grant")
		}
		for tier, want := range map[auth.Tier]int{auth.TierAnalyze: http.StatusForbidden, auth.TierData: http.StatusForbidden} {
			if status, _ := ta.call(t, tier, "POST", "/api/v1/grants", map[string]any{"email": "analyze@example.com", "table": "act_orders"}); status != want {
				t.Errorf("%s grants: %d", tier, status)
			}
		}
		for name, body := range map[string]map[string]any{
			"nobody":   {"email": "nobody@example.com", "table": "act_orders"},
			"no table": {"email": "analyze@example.com", "table": "no_such"},
		} {
			if status, _ := ta.call(t, auth.TierAdmin, "POST", "/api/v1/grants", body); status != http.StatusBadRequest {
				t.Errorf("%s: %d", name, status)
			}
		}
		status, g := ta.call(t, auth.TierAdmin, "POST", "/api/v1/grants", map[string]any{"email": "analyze@example.com", "table": "act_orders"})
		if status != http.StatusCreated || g["granted_by"] != "admin@example.com" || g["id"] == "" {
			t.Fatalf("grant: %d %v", status, g)
		}
		if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", count); status != http.StatusOK {
			t.Fatalf("after the grant: %d %v", status, q)
		}
		status, list := ta.call(t, auth.TierData, "GET", "/api/v1/grants?table=act_orders", nil)
		if status != http.StatusOK || len(list["grants"].([]any)) != 1 {
			t.Fatalf("the data team's list: %d %v", status, list)
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/grants", nil); status != http.StatusForbidden {
			t.Errorf("an analyst lists grants: %d", status)
		}
		if res := ta.do(t, auth.TierAdmin, "DELETE", "/api/v1/grants/"+g["id"].(string), ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", count); status == http.StatusOK {
			t.Error("the revoked grant still reads the table")
		}
		if res := ta.do(t, auth.TierAdmin, "DELETE", "/api/v1/grants/"+g["id"].(string), ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoking twice: %d", res.StatusCode)
		}
		_, audit := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit", nil)
		if got := fmt.Sprint(audit["events"]); !strings.Contains(got, auth.AuditGrant) || !strings.Contains(got, auth.AuditRevoke) {
			t.Errorf("audit: %s", got)
		}
	})
}
