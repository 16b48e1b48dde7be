package webhook

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestCheckURLRefusesInternalAddresses(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{
		"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/", "http://10.1.2.3/",
		"http://172.16.0.9/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
		// reserved, documentation and benchmarking ranges
		"http://192.0.2.10/", "http://198.18.0.1/", "http://198.19.255.1/", "http://198.51.100.7/",
		"http://203.0.113.7/", "http://192.0.0.8/", "http://240.0.0.1/", "http://255.255.255.255/",
		"http://[2001:db8::1]/",
		// IPv6 forms that carry an internal IPv4 address, or hide one
		"http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a00:1]/", "http://[64:ff9b:1::a00:1]/",
		"http://[::7f00:1]/", "http://[::a00:1]/", "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/",
		"http://[::ffff:0:7f00:1]/", "http://[::ffff:0:a00:1]/",
		"http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[fec0::1]/",
	} {
		err := CheckURL(ctx, u, false)
		if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(err.Error(), "internal address") {
			t.Errorf("%s: %v, want refused as internal", u, err)
		}
		if err := CheckURL(ctx, u, true); err != nil {
			t.Errorf("%s with internal addresses allowed: %v", u, err)
		}
	}
	for _, u := range []string{"ftp://example.com/", "hooks.slack.com/services/x", "javascript:alert(1)", "http:///path"} {
		if err := CheckURL(ctx, u, true); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v, want not a web address", u, err)
		}
	}
	// A public host stays reachable through NAT64 and 6to4 (an IPv6-only
	// network with DNS64 answers 64:ff9b:: addresses for everything).
	for _, u := range []string{"https://93.184.215.14/services/T0/B0/x", "https://[64:ff9b::5db8:d70e]/x", "https://[2002:5db8:d70e::1]/x"} {
		if err := CheckURL(ctx, u, false); err != nil {
			t.Errorf("a public address %s: %v", u, err)
		}
	}
}

// A public address of this very host is as internal as localhost: a
// service listening on it is not meant for webhooks.
func TestThisHostsOwnAddressesAreRefused(t *testing.T) {
	_, public, _ := net.ParseCIDR("93.184.215.14/24")
	public.IP = net.ParseIP("93.184.215.14")
	old := interfaceAddrs
	interfaceAddrs = func() ([]net.Addr, error) { return []net.Addr{public}, nil }
	defer func() { interfaceAddrs = old }()
	err := CheckURL(context.Background(), "https://93.184.215.14/hook", false)
	if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(err.Error(), "internal address") {
		t.Fatalf("this host's own public address: %v", err)
	}
	if err := refuseInternal("tcp", "93.184.215.14:443", nil); err == nil {
		t.Fatal("connecting to this host's own address was allowed")
	}
	if err := CheckURL(context.Background(), "https://93.184.216.34/hook", false); err != nil {
		t.Fatalf("another public address: %v", err)
	}
}

func TestSlackTextEscapesMarkup(t *testing.T) {
	got := slackText(Message{Text: "New request #3: <b>&</b>", LinkText: "a|b <c>", Path: "/tickets/3"}, "https://pier.example.com")
	want := "New request #3: &lt;b&gt;&amp;&lt;/b&gt; <https://pier.example.com/tickets/3|a¦b &lt;c&gt;>"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// receiver is a local webhook server that answers with the statuses
// given, one per request, then 200.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []string
	hits     chan string
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses, hits: make(chan string, 16)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, string(b))
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		r.hits <- string(b)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// clock is a settable time for the outbox.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newOutbox(t *testing.T, db *store.DB, c *clock) *Outbox {
	return New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Backoff: time.Minute, MaxAttempts: 4, Timeout: 5 * time.Second, Now: c.now})
}

func configure(t *testing.T, db *store.DB, url string, allowPrivate bool) {
	t.Helper()
	if err := Save(context.Background(), db, Config{URL: url, AllowPrivate: allowPrivate, Base: "https://pier.example.com/"}); err != nil {
		t.Fatal(err)
	}
}

func TestFailuresAreRetriedWithBackoffUntilDelivered(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReceiver(t, 500, 503)
		configure(t, db, r.URL, true)
		c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
		o := newOutbox(t, db, c)
		if err := o.Enqueue(ctx, Message{Text: "New request #1", LinkText: "Churn", Path: "/tickets/1"}); err != nil {
			t.Fatal(err)
		}
		// Each step: how far the clock moves, then how many requests the
		// receiver has seen after the due messages are sent.
		for i, step := range []struct {
			advance time.Duration
			seen    int
		}{{0, 1}, {59 * time.Second, 1}, {time.Second, 2}, {119 * time.Second, 2}, {time.Second, 3}, {time.Hour, 3}} {
			c.t = c.t.Add(step.advance)
			if _, err := o.deliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			if got := r.count(); got != step.seen {
				t.Fatalf("step %d: receiver saw %d requests, want %d", i, got, step.seen)
			}
		}
		var payload map[string]string
		if err := json.Unmarshal([]byte(r.got[2]), &payload); err != nil {
			t.Fatal(err)
		}
		if payload["text"] != "New request #1 <https://pier.example.com/tickets/1|Churn>" {
			t.Errorf("payload %v", payload)
		}
		recent, err := o.Recent(ctx, 5)
		if err != nil || len(recent) != 1 {
			t.Fatal(recent, err)
		}
		if d := recent[0]; d.State() != "delivered" || d.Attempts != 3 {
			t.Errorf("delivery %+v, want delivered on the third attempt", d)
		}
	})
}

func TestMessagesAreGivenUpAfterTheLastAttempt(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r := newReceiver(t, 500, 500, 500, 500, 500)
	configure(t, db, r.URL, true)
	c := &clock{t: time.Now()}
	o := newOutbox(t, db, c)
	o.Enqueue(ctx, Message{Text: "x"})
	for range 6 {
		o.deliverDue(ctx)
		c.t = c.t.Add(2 * time.Hour)
	}
	recent, _ := o.Recent(ctx, 5)
	if r.count() != 4 || recent[0].State() != "given up" || !strings.Contains(recent[0].LastError, "500") {
		t.Errorf("%d requests, delivery %+v; want 4 attempts, then given up with the last error", r.count(), recent[0])
	}
}

// A URL saved while internal addresses were allowed, or a name that
// resolves to an internal address only later, is refused when connecting.
func TestInternalAddressesAreRefusedWhenSending(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r := newReceiver(t)
	configure(t, db, r.URL, true)
	if _, err := db.ExecContext(ctx, `UPDATE settings SET value = 'false' WHERE name = $1`, keyPrivate); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Now()}
	o := newOutbox(t, db, c)
	o.Enqueue(ctx, Message{Text: "x"})
	o.deliverDue(ctx)
	recent, _ := o.Recent(ctx, 5)
	if r.count() != 0 || recent[0].State() != "retrying" || !strings.Contains(recent[0].LastError, "internal address 127.0.0.1") {
		t.Errorf("%d requests reached the receiver, delivery %+v; want none, refused as internal", r.count(), recent[0])
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	inner := newReceiver(t)
	outer := httptest.NewServer(http.RedirectHandler(inner.URL, http.StatusTemporaryRedirect))
	defer outer.Close()
	configure(t, db, outer.URL, true)
	o := newOutbox(t, db, &clock{t: time.Now()})
	o.Enqueue(ctx, Message{Text: "x"})
	o.deliverDue(ctx)
	recent, _ := o.Recent(ctx, 5)
	if inner.count() != 0 || recent[0].State() != "retrying" {
		t.Errorf("redirect target saw %d requests, delivery %+v; want none and a retry", inner.count(), recent[0])
	}
}

func TestEnqueueDoesNotWaitForAStuckReceiver(t *testing.T) {
	db := storetest.OpenSQLite(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer stuck.Close()
	defer close(release)
	configure(t, db, stuck.URL, true)
	o := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go o.Run(ctx)
	for range 3 {
		if err := o.Enqueue(ctx, Message{Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	<-arrived // the worker is stuck on the first message, and every Enqueue returned
}

func TestNoWebhookNoMessages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	o := newOutbox(t, db, &clock{t: time.Now()})
	if err := o.Enqueue(context.Background(), Message{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if recent, _ := o.Recent(context.Background(), 5); len(recent) != 0 {
		t.Errorf("queued %d messages with no webhook configured", len(recent))
	}
	if err := Save(context.Background(), db, Config{URL: "http://10.0.0.1/hook"}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("saving an internal URL: %v", err)
	}
	if cfg, _ := Load(context.Background(), db); cfg.URL != "" {
		t.Errorf("a refused URL was saved: %+v", cfg)
	}
}
