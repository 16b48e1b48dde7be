package app

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// flightAddr serves Flight SQL for the test app on a free port.
func (ta *testApp) flightAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop, err := ta.ServeFlight(ln)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return ln.Addr().String()
}

func flightClient(t *testing.T, addr string) *flightsql.Client {
	t.Helper()
	cl, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// bearer is a context whose calls carry a token, as ADBC and JDBC send it.
func bearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// flightRows runs a statement and reads every row as strings.
func flightRows(ctx context.Context, cl *flightsql.Client, sql string) ([][]string, error) {
	info, err := cl.Execute(ctx, sql)
	if err != nil {
		return nil, err
	}
	return flightTicketRows(ctx, cl, info.Endpoint[0].Ticket)
}

// flightTicketRows reads a ticket's stream as strings.
func flightTicketRows(ctx context.Context, cl *flightsql.Client, ticket *flight.Ticket) ([][]string, error) {
	rd, err := cl.DoGet(ctx, ticket)
	if err != nil {
		return nil, err
	}
	defer rd.Release()
	var out [][]string
	for rd.Next() {
		rec := rd.RecordBatch()
		for i := range int(rec.NumRows()) {
			var row []string
			for _, col := range rec.Columns() {
				row = append(row, col.ValueStr(i))
			}
			out = append(out, row)
		}
	}
	return out, rd.Err()
}

func codeOf(err error) codes.Code { return status.Code(err) }

// TestFlightSQLRunsAsThePersonUnderTheirRules: a statement over Flight SQL
// answers what POST /api/v1/query answers the same person, PII hashed;
// tiers that do not run SQL, missing and bad tokens, restricted tables and
// sandbox escapes are refused in words; GetTables lists only what the
// caller may read.
func TestFlightSQLRunsAsThePersonUnderTheirRules(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		cl := flightClient(t, ta.flightAddr(t))
		ctx := t.Context()
		analyst := bearer(ctx, ta.tokens[auth.TierAnalyze])

		const members = "SELECT member_id, email FROM obj_members ORDER BY member_id LIMIT 3"
		got, err := flightRows(analyst, cl, members)
		if err != nil {
			t.Fatal(err)
		}
		_, api := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": members})
		want := fmt.Sprint(api["rows"])
		if len(got) != 3 || fmt.Sprintf("%v", got) != strings.ReplaceAll(want, "map", "") || strings.Contains(fmt.Sprint(got), "@") {
			t.Errorf("over Flight SQL %v; the API answers %s; e-mails must be hashed in both", got, want)
		}

		for _, c := range []struct {
			name string
			ctx  context.Context
			sql  string
			code codes.Code
			says string
		}{
			{"a viewer", bearer(ctx, ta.tokens[auth.TierView]), "SELECT 1", codes.PermissionDenied, "does not run SQL"},
			{"a handler", bearer(ctx, ta.tokens[auth.TierHandle]), "SELECT 1", codes.PermissionDenied, "does not run SQL"},
			{"no token", ctx, "SELECT 1", codes.Unauthenticated, "API token"},
			{"a made-up token", bearer(ctx, "pier_notarealtoken"), "SELECT 1", codes.Unauthenticated, "not valid"},
			{"a forged session", bearer(ctx, sessionLike(ta)), "SELECT 1", codes.Unauthenticated, "Sign in again"},
			{"a file read", analyst, "SELECT * FROM read_csv('/etc/passwd')", codes.InvalidArgument, ""},
			{"attaching a database", analyst, "ATTACH '/tmp/x.db' AS x", codes.InvalidArgument, ""},
			{"a setting", analyst, "SELECT current_setting('home_directory')", codes.InvalidArgument, ""},
		} {
			_, err := flightRows(c.ctx, cl, c.sql)
			if codeOf(err) != c.code || !strings.Contains(status.Convert(err).Message(), c.says) {
				t.Errorf("%s: %v; want %s saying %q", c.name, err, c.code, c.says)
			}
		}

		restricted := true
		if err := ta.props.Set(ctx, "obj_members", query.PropChange{Restricted: &restricted}); err != nil {
			t.Fatal(err)
		}
		if _, err := flightRows(analyst, cl, members); err == nil || codeOf(err) == codes.Internal {
			t.Errorf("a restricted table read over Flight SQL: %v; want a refusal in words", err)
		}
		tables := flightTables(t, analyst, cl, "%")
		if slices.Contains(tables, "obj_members") || !slices.Contains(tables, "act_orders") {
			t.Errorf("GetTables for an analyst without a grant: %v", tables)
		}
		if err := ta.users.AddGrant(ctx, "analyze@example.com", "obj_members", false); err != nil {
			t.Fatal(err)
		}
		if tables := flightTables(t, analyst, cl, "%"); !slices.Contains(tables, "obj_members") {
			t.Errorf("GetTables after a grant, at once: %v", tables)
		}
	})
}

// sessionLike is a token shaped like a handshake's, signed with the wrong key.
func sessionLike(ta *testApp) string {
	return "pierfs_" + base64.RawURLEncoding.EncodeToString([]byte("someone|0|99999999999")) + "." + base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}

// flightTables lists the tables GetTables gives, whose names match pattern.
func flightTables(t *testing.T, ctx context.Context, cl *flightsql.Client, pattern string) []string {
	t.Helper()
	info, err := cl.GetTables(ctx, &flightsql.GetTablesOpts{TableNameFilterPattern: &pattern})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := flightTicketRows(ctx, cl, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[2])
	}
	return out
}

// TestFlightSQLSignsInWithAPassword: a Basic handshake answers a bearer
// token that works until the password changes; a wrong password and a
// malformed header are refused and the server keeps answering; Go's
// database/sql driver connects with a token, and is told to use one when
// it sends e-mail and password on every call.
func TestFlightSQLSignsInWithAPassword(t *testing.T) {
	ta := newTestApp(t)
	addr := ta.flightAddr(t)
	cl := flightClient(t, addr)
	ctx := t.Context()

	signedIn, err := cl.Client.AuthenticateBasicToken(ctx, "analyze@example.com", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := flightRows(signedIn, cl, "SELECT count(*) FROM act_orders"); err != nil || len(rows) != 1 {
		t.Fatalf("after the handshake: %v, %v", rows, err)
	}
	if _, err := cl.Client.AuthenticateBasicToken(ctx, "analyze@example.com", "not the password"); codeOf(err) != codes.Unauthenticated {
		t.Errorf("a wrong password: %v", err)
	}
	malformed := metadata.AppendToOutgoingContext(ctx, "authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("no colon here")))
	hs, err := cl.Client.Handshake(malformed)
	if err == nil {
		_, err = hs.Recv()
	}
	if codeOf(err) != codes.Unauthenticated {
		t.Errorf("a Basic header without e-mail:password: %v", err)
	}

	db, err := sql.Open("flightsql", "flightsql://"+addr+"?token="+ta.tokens[auth.TierAnalyze])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM act_orders").Scan(&n); err != nil || n == 0 {
		t.Errorf("database/sql with a token: %d, %v", n, err)
	}
	withPassword, err := sql.Open("flightsql", "flightsql://analyze%40example.com:"+strings.ReplaceAll(testPassword, " ", "%20")+"@"+addr)
	if err != nil {
		t.Fatal(err)
	}
	defer withPassword.Close()
	err = withPassword.QueryRowContext(ctx, "SELECT count(*) FROM act_orders").Scan(&n)
	if !strings.Contains(fmt.Sprint(err), "on the handshake") {
		t.Errorf("database/sql sends e-mail and password on every call, which is refused with what to do instead: %v", err)
	}

	if _, err := ta.users.ResetPassword(ctx, "analyze@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := flightRows(signedIn, cl, "SELECT 1"); codeOf(err) != codes.Unauthenticated {
		t.Errorf("the handshake's token after a password reset: %v; want it ended", err)
	}
}

// TestFlightSQLSaysWhatItIs: GetSqlInfo names the server and says it is
// read-only.
func TestFlightSQLSaysWhatItIs(t *testing.T) {
	ta := newTestApp(t)
	cl := flightClient(t, ta.flightAddr(t))
	ctx := bearer(t.Context(), ta.tokens[auth.TierAnalyze])
	info, err := cl.GetSqlInfo(ctx, []flightsql.SqlInfo{flightsql.SqlInfoFlightSqlServerName, flightsql.SqlInfoFlightSqlServerReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := flightTicketRows(ctx, cl, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, r := range rows {
		said = append(said, r[1])
	}
	if got := strings.Join(said, " "); !strings.Contains(got, "Pier") || !strings.Contains(got, "true") {
		t.Errorf("GetSqlInfo: %q", got)
	}
}

// TestFlightSQLStopsQueriesNobodyWaitsFor: a client's deadline ends its
// query with DeadlineExceeded, and a client that reads one batch of a
// long stream and goes away stops the query in the engine too.
func TestFlightSQLStopsQueriesNobodyWaitsFor(t *testing.T) {
	ta := newTestApp(t)
	cl := flightClient(t, ta.flightAddr(t))
	analyst := bearer(t.Context(), ta.tokens[auth.TierAnalyze])

	short, cancel := context.WithTimeout(analyst, 500*time.Millisecond)
	defer cancel()
	_, err := flightRows(short, cl, "SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b")
	if codeOf(err) != codes.DeadlineExceeded {
		t.Errorf("a query past the client's deadline: %v", err)
	}
	waitUntil(t, "the engine to stop the query past its deadline", func() bool { return ta.engine.InFlight() == 0 })

	gone, leave := context.WithCancel(analyst)
	info, err := cl.Execute(gone, "SELECT range AS n FROM range(1000000000)")
	if err != nil {
		t.Fatal(err)
	}
	rd, err := cl.DoGet(gone, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	if !rd.Next() || rd.RecordBatch().NumRows() == 0 {
		t.Fatalf("the first batch: %v", rd.Err())
	}
	if ta.engine.InFlight() == 0 {
		t.Fatal("the stream's query is not counted as running")
	}
	leave()
	rd.Release()
	waitUntil(t, "the engine to stop the query nobody reads", func() bool { return ta.engine.InFlight() == 0 })
}

// TestFlightSQLPreparedStatementsBindParameters: a prepared statement with
// a parameter answers what the API answers for the same value, through
// Go's database/sql driver; preparing does not get past the tier or the
// sandbox, which judge the statement when it runs.
func TestFlightSQLPreparedStatementsBindParameters(t *testing.T) {
	ta := newTestApp(t)
	addr := ta.flightAddr(t)
	ctx := t.Context()
	_, api := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{
		"sql": "SELECT status, count(*) AS n FROM act_orders WHERE status = (SELECT min(status) FROM act_orders) GROUP BY status"})
	row := api["rows"].([]any)[0].([]any)
	status, want := row[0].(string), fmt.Sprint(row[1])

	db, err := sql.Open("flightsql", "flightsql://"+addr+"?token="+ta.tokens[auth.TierAnalyze])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM act_orders WHERE status = $1", status).Scan(&n); err != nil || fmt.Sprint(n) != want {
		t.Errorf("orders with status %q over a prepared statement: %d, %v; the API says %s", status, n, err, want)
	}

	cl := flightClient(t, addr)
	analyst := bearer(ctx, ta.tokens[auth.TierAnalyze])
	stmt, err := cl.Prepare(analyst, "SELECT * FROM read_csv('/etc/passwd')")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close(analyst)
	info, err := stmt.Execute(analyst)
	if err == nil {
		_, err = cl.DoGet(analyst, info.Endpoint[0].Ticket) // the schema comes first, or the refusal
	}
	if codeOf(err) != codes.InvalidArgument {
		t.Errorf("a prepared file read: %v; want it refused as a statement", err)
	}
	if _, err := cl.Prepare(bearer(ctx, ta.tokens[auth.TierView]), "SELECT 1"); codeOf(err) != codes.PermissionDenied {
		t.Errorf("a viewer preparing a statement: %v", err)
	}
}

// TestFlightSQLStreamsMillionsOfRowsInBoundedMemory: three million rows
// of about 100 bytes (300 MB as a whole) arrive complete while the heap
// of server and client together grows by a small part of that.
func TestFlightSQLStreamsMillionsOfRowsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 300 MB")
	}
	ta := newTestApp(t)
	cl := flightClient(t, ta.flightAddr(t))
	analyst := bearer(t.Context(), ta.tokens[auth.TierAnalyze])
	info, err := cl.Execute(analyst, "SELECT range AS n, repeat('x', 92) AS pad FROM range(3000000)")
	if err != nil {
		t.Fatal(err)
	}
	rd, err := cl.DoGet(analyst, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, peak := m.HeapInuse, m.HeapInuse
	var rows, sum int64
	for batches := 0; rd.Next(); batches++ {
		rec := rd.RecordBatch()
		n := rec.Column(0).(*array.Int64)
		for i := range n.Len() {
			sum += n.Value(i)
		}
		rows += rec.NumRows()
		if batches%50 == 0 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	const want = 3_000_000
	if rows != want || sum != want*(want-1)/2 {
		t.Fatalf("%d rows summing to %d; want every one of %d", rows, sum, want)
	}
	grew := peak - base
	t.Logf("3M rows, 300 MB: the heap grew by at most %d MB", grew>>20)
	if grew > 100<<20 {
		t.Errorf("the heap grew by %d MB while 300 MB streamed; it should not grow with the row count", grew>>20)
	}
}
