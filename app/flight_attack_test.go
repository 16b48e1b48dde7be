package app

// Attacks on the Arrow Flight SQL endpoint that once worked, kept as tests
// with their variants (found by an attacker's pass in session 11).

import (
	"database/sql"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier/auth"
)

// A name pattern of megabytes once compiled to a regular expression of
// gigabytes; patterns are now matched without one and bounded, for table
// and schema filters alike, and for viewers too.
func TestAFlightNamePatternCannotExhaustMemory(t *testing.T) {
	ta := newTestApp(t)
	cl := flightClient(t, ta.flightAddr(t))
	viewer := bearer(t.Context(), ta.tokens[auth.TierView])
	huge := strings.Repeat("%", 1<<20)
	for name, opts := range map[string]*flightsql.GetTablesOpts{
		"table pattern":  {TableNameFilterPattern: &huge},
		"schema pattern": {DbSchemaFilterPattern: &huge},
	} {
		start := time.Now()
		info, err := cl.GetTables(viewer, opts)
		if err == nil {
			_, err = cl.DoGet(viewer, info.Endpoint[0].Ticket)
		}
		if codeOf(err) != codes.InvalidArgument || time.Since(start) > 5*time.Second {
			t.Errorf("%s of 1 MB: %v after %s; want refused at once", name, err, time.Since(start))
		}
	}
	long := strings.Repeat("%", 200) + "orders"
	if tables := flightTables(t, viewer, cl, long); len(tables) != 1 || tables[0] != "act_orders" {
		t.Errorf("a long but fair pattern %q finds %v", long[195:], tables)
	}
}

// Clients that open streams and never read them once held their query
// slots past the query's deadline, until every slot was taken and nobody's
// query ran. The slot now comes back at the deadline, and the stream, read
// later, ends in an error rather than looking whole.
func TestAFlightStreamNobodyReadsGivesItsSlotBackAtTheDeadline(t *testing.T) {
	ta := newTestAppWith(t, Config{QueryTimeout: 2 * time.Second})
	addr := ta.flightAddr(t)
	ctx := t.Context()
	const big = "SELECT range AS n, repeat('x', 2000) AS pad FROM range(100000000)"
	var unread []func() error
	for _, tier := range []auth.Tier{auth.TierAnalyze, auth.TierData} {
		who := bearer(ctx, ta.tokens[tier])
		for range 3 {
			c, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			info, err := c.Execute(who, big)
			if err != nil {
				t.Fatal(err)
			}
			rd, err := c.DoGet(who, info.Endpoint[0].Ticket)
			if err != nil {
				t.Fatal(err)
			}
			unread = append(unread, func() error {
				defer rd.Release()
				for rd.Next() {
				}
				return rd.Err()
			})
		}
	}
	waitUntil(t, "the unread streams' queries to give their slots back", func() bool { return ta.engine.InFlight() == 0 })
	if rows, err := flightRows(bearer(ctx, ta.tokens[auth.TierAdmin]), flightClient(t, addr), "SELECT 1"); err != nil || len(rows) != 1 {
		t.Fatalf("an admin's query after the others' deadlines: %v %v", rows, err)
	}
	if err := unread[0](); codeOf(err) != codes.DeadlineExceeded {
		t.Errorf("a stream cut at its deadline, read at last: %v; want DeadlineExceeded, not a whole-looking end", err)
	}
}

// The per-account sign-in throttle once keyed on the e-mail as sent, while
// the account lookup trims it: spaces around the e-mail made each guess a
// new account to the throttle.
func TestAFlightHandshakeThrottleSeesThroughSpaces(t *testing.T) {
	ta := newTestApp(t)
	cl := flightClient(t, ta.flightAddr(t))
	ctx := t.Context()
	const email = "analyze@example.com"
	try := func(e, pw string) error {
		_, err := cl.Client.AuthenticateBasicToken(ctx, e, pw)
		return err
	}
	for i := range 5 {
		if err := try(email, "wrong "+strconv.Itoa(i)); codeOf(err) != codes.Unauthenticated {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	for _, variant := range []string{" " + email, email + "\u00a0\u00a0", "\u3000" + email, "\t" + email + "\n", strings.ToUpper(email)} {
		if err := try(variant, "wrong"); codeOf(err) != codes.ResourceExhausted {
			t.Errorf("%q after the account was throttled: %v; want throttled too", variant, err)
		}
	}
}

// Behind a trusted proxy every handshake comes from the proxy's address:
// the client it speaks for must count, or one person's failures lock out
// everyone. From an untrusted peer, x-forwarded-for counts for nothing, so
// it cannot be used to dodge the throttle.
func TestAFlightHandshakeCountsTheClientBehindATrustedProxy(t *testing.T) {
	proxies, err := ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	behind := newTestAppWith(t, Config{TrustedProxies: proxies})
	cl := flightClient(t, behind.flightAddr(t))
	ctx := t.Context()
	for i := range 30 {
		cl.Client.AuthenticateBasicToken(metadata.AppendToOutgoingContext(ctx, "x-forwarded-for", "203.0.113.66"), fmt.Sprintf("nobody%d@example.com", i), "guess")
	}
	victim := metadata.AppendToOutgoingContext(ctx, "x-forwarded-for", "198.51.100.7")
	if _, err := cl.Client.AuthenticateBasicToken(victim, "analyze@example.com", testPassword); err != nil {
		t.Errorf("after another client's 30 failed handshakes behind the proxy, the analyst gets: %v", err)
	}

	direct := newTestApp(t)
	dc := flightClient(t, direct.flightAddr(t))
	var last error
	for i := range 40 {
		spoofed := metadata.AppendToOutgoingContext(ctx, "x-forwarded-for", fmt.Sprintf("192.0.2.%d", i))
		_, last = dc.Client.AuthenticateBasicToken(spoofed, fmt.Sprintf("nobody%d@example.com", i), "guess")
	}
	if codeOf(last) != codes.ResourceExhausted {
		t.Errorf("40 failed handshakes from one address with made-up x-forwarded-for: the last got %v; want throttled", last)
	}
}

// A parameter that a handle cannot carry is refused in words, not as a raw
// error of the encoder.
func TestAFlightParameterThatCannotBeBoundIsRefusedInWords(t *testing.T) {
	ta := newTestApp(t)
	db, err := sql.Open("flightsql", "flightsql://"+ta.flightAddr(t)+"?token="+ta.tokens[auth.TierAnalyze])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		var out any
		err := db.QueryRowContext(t.Context(), "SELECT $1", v).Scan(&out)
		if st, _ := status.FromError(unwrapStatus(err)); st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "NaN and infinity") {
			t.Errorf("binding %v: %v", v, err)
		}
	}
}

// unwrapStatus finds the gRPC status inside the driver's wrapped error.
func unwrapStatus(err error) error {
	for e := err; e != nil; {
		if _, ok := status.FromError(e); ok {
			return e
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err
}

// The same over HTTP: an Arrow answer whose body the client never reads
// gives its query's slot back at the query's deadline.
func TestAnUnreadHTTPStreamGivesItsSlotBackAtTheDeadline(t *testing.T) {
	ta := newTestAppWith(t, Config{QueryTimeout: 2 * time.Second})
	for _, accept := range []string{"application/vnd.apache.arrow.stream", "text/csv"} {
		req, err := http.NewRequestWithContext(t.Context(), "POST", ta.srv.URL+"/api/v1/query",
			strings.NewReader(`{"sql":"SELECT range AS n, repeat('x', 2000) AS pad FROM range(100000000)"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+ta.tokens[auth.TierAnalyze])
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		waitUntil(t, accept+": the unread answer's query to give its slot back", func() bool { return ta.engine.InFlight() == 0 })
		if _, err := io.Copy(io.Discard, res.Body); err == nil {
			t.Errorf("%s: the answer cut at the deadline reads as whole", accept)
		}
	}
}
