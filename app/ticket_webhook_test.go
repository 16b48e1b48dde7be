package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/webhook"
)

// A new ticket and a status change each reach the webhook as Slack-style
// JSON; the receiver's first failure is retried.
func TestTicketEventsReachTheWebhook(t *testing.T) {
	ta := newTestAppWith(t, Config{Webhook: webhook.Options{Backoff: time.Millisecond, Poll: time.Second}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ta.outbox.Run(ctx)

	texts := make(chan string, 8)
	failed := false
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("the webhook got %q (%s)", b, r.Header.Get("Content-Type"))
		}
		if !failed {
			failed = true
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		texts <- m["text"]
	}))
	defer receiver.Close()

	hook := map[string]any{"url": receiver.URL + "/hooks/pier"}
	if status, body := ta.call(t, auth.TierAdmin, "PUT", "/api/v1/settings/webhook", hook); status != http.StatusBadRequest ||
		!strings.Contains(body["error"].(map[string]any)["message"].(string), "internal address") {
		t.Fatalf("a loopback webhook without permission: %d %v", status, body)
	}
	hook["allow_private"] = true
	if status, body := ta.call(t, auth.TierAdmin, "PUT", "/api/v1/settings/webhook", hook); status != http.StatusOK {
		t.Fatalf("configure: %d %v", status, body)
	}
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Refunds <by> week & brand", "category": "analysis", "urgency": "high"})
	text := <-texts
	if !strings.HasPrefix(text, "New data request #1 from Test view (Analysis, high urgency): Refunds &lt;by&gt; week &amp; brand <") ||
		!strings.HasSuffix(text, "/tickets/1|#1>") {
		t.Errorf("new ticket message %q", text)
	}
	ta.call(t, auth.TierData, "PATCH", "/api/v1/tickets/"+id, map[string]any{"priority": "low"})
	ta.call(t, auth.TierData, "PATCH", "/api/v1/tickets/"+id, map[string]any{"status": "in_progress"})
	if text := <-texts; !strings.HasPrefix(text, "Request #1 is now In progress (was New), by Test data") {
		t.Errorf("status message %q (a priority change alone sends nothing)", text)
	}
}
