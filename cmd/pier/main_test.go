package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/store/storetest"
)

// pierCmd runs the command line in-process and returns its output.
func pierCmd(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestAdminCommandsOnBothStores(t *testing.T) {
	stores := map[string]func(t *testing.T) []string{
		"sqlite":   func(t *testing.T) []string { return []string{"--data", t.TempDir()} },
		"postgres": func(t *testing.T) []string { return []string{"--db", storetest.PostgresSchemaURL(t)} },
	}
	for name, where := range stores {
		t.Run(name, func(t *testing.T) {
			at := where(t)
			with := func(args ...string) []string { return append(args, at...) }
			if _, err := pierCmd(t, "", with("migrate")...); err != nil {
				t.Fatal(err)
			}
			out, err := pierCmd(t, "a long enough password\n", with("users", "add", "--email", "ana@example.com", "--name", "Ana", "--tier", "analyze", "--password-stdin")...)
			if err != nil || !strings.Contains(out, "ana@example.com") {
				t.Fatalf("users add: %q, %v", out, err)
			}
			_, err = pierCmd(t, "a long enough password\n", with("users", "add", "--email", "ana@example.com", "--name", "Ana", "--tier", "analyze", "--password-stdin")...)
			if exitCode(err) == 0 || !strings.Contains(oneLine(err), "already exists") {
				t.Fatalf("duplicate user: %v", err)
			}
			for _, args := range [][]string{
				{"users", "set", "--email", "ana@example.com", "--tier", "data", "--disabled", "false"},
				{"grants", "add", "--email", "ana@example.com", "--table", "obj_members", "--pii"},
				{"tables", "set", "--table", "obj_members", "--restricted", "true", "--pii", "email,phone", "--description", "Members", "--owner", "ana@example.com"},
			} {
				if out, err := pierCmd(t, "", with(args...)...); err != nil {
					t.Fatalf("%v: %q, %v", args, out, err)
				}
			}
			out, err = pierCmd(t, "", with("tokens", "create", "--email", "ana@example.com", "--name", "ci")...)
			if err != nil || !strings.HasPrefix(out, "pier_") {
				t.Fatalf("tokens create: %q, %v", out, err)
			}
			token := strings.TrimSpace(out)
			list, err := pierCmd(t, "", with("tokens", "list", "--email", "ana@example.com")...)
			lines := strings.Split(strings.TrimSpace(list), "\n")
			if err != nil || len(lines) != 2 || !strings.Contains(lines[1], "ci") || !strings.Contains(lines[1], "never") || strings.Contains(list, token) {
				t.Fatalf("tokens list: %q, %v", list, err)
			}
			id := strings.Fields(lines[1])[0]
			if out, err := pierCmd(t, "", with("tokens", "revoke", "--id", id)...); err != nil || !strings.Contains(out, "Revoked") {
				t.Fatalf("tokens revoke: %q, %v", out, err)
			}
			if list, _ := pierCmd(t, "", with("tokens", "list", "--email", "ana@example.com")...); strings.Contains(list, "ci") {
				t.Fatalf("the revoked token is still listed: %q", list)
			}
			if _, err := pierCmd(t, "", with("tokens", "revoke", "--id", id)...); exitCode(err) != 2 {
				t.Fatalf("revoking it again: %v", err)
			}
			out, err = pierCmd(t, "", with("users", "reset-password", "--email", "ana@example.com")...)
			if err != nil || !strings.Contains(out, "One-time password for ana@example.com") || len(strings.TrimSpace(strings.Split(out, "\n")[1])) < 20 {
				t.Fatalf("users reset-password: %q, %v", out, err)
			}
		})
	}
}

// Settings come from the environment as PIER_<FLAG> too, so a --db URL
// with a password stays off the command line, and a flag given wins; what
// a command acts on never does.
func TestSettingsComeFromTheEnvironmentTooAndTheCommandLineWins(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	t.Setenv("PIER_DB", url)
	if _, err := pierCmd(t, "a long enough password\n", "users", "add", "--email", "env@example.com", "--name", "Env", "--tier", "analyze", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	// A variable left over for one command does not steer another.
	t.Setenv("PIER_TIER", "admin")
	t.Setenv("PIER_EMAIL", "env@example.com")
	out, err := pierCmd(t, "", "users", "set", "--email", "env@example.com", "--disabled", "false")
	if err != nil || !strings.Contains(out, "is now analyze") {
		t.Fatalf("PIER_TIER changed a tier, or PIER_DB was not used: %q, %v", out, err)
	}
	if _, err := pierCmd(t, "", "tokens", "create"); exitCode(err) != 2 {
		t.Fatalf("PIER_EMAIL named whom a token is for: %v", err)
	}
	t.Setenv("PIER_DB", "")
	if out, err := pierCmd(t, "", "users", "set", "--email", "env@example.com", "--db", url); err != nil || !strings.Contains(out, "analyze") {
		t.Fatalf("--db on the command line: %q, %v", out, err)
	}
	t.Setenv("PIER_NO_DEMO", "maybe")
	_, err = pierCmd(t, "", "serve", "--data", t.TempDir())
	if exitCode(err) != 2 || !strings.Contains(oneLine(err), "PIER_NO_DEMO") {
		t.Fatalf("a bad value in the environment: %v", err)
	}
}

func TestBadInputGetsAOneLineMessageAndNonZeroExit(t *testing.T) {
	data := []string{"--data", t.TempDir()}
	cases := map[string][]string{
		"unknown command":   {"frobnicate"},
		"missing e-mail":    append([]string{"tokens", "create"}, data...),
		"unknown user":      append([]string{"tokens", "create", "--email", "ghost@example.com"}, data...),
		"bad tier":          append([]string{"users", "set", "--email", "x@example.com", "--tier", "boss"}, data...),
		"unknown flag":      {"serve", "--colour", "blue"},
		"bad boolean":       append([]string{"tables", "set", "--table", "t", "--restricted", "maybe"}, data...),
		"bad table name":    append([]string{"tables", "set", "--table", "Bad Name"}, data...),
		"password on flags": append([]string{"users", "add", "--email", "a@example.com", "--name", "A", "--tier", "view"}, data...),
		"bad scale":         {"demo", "--scale", "huge", "--lake", t.TempDir()},
		"no sign-in at all": append([]string{"serve", "--no-password-sign-in", "--no-demo"}, data...),
		"strict, no tiers":  {"serve", "--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "pier", "--oidc-strict"},
		"bad group tier":    {"serve", "--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "pier", "--oidc-tiers", "analysts=boss"},
		"no client id":      {"serve", "--oidc-issuer", "https://idp.example.com"},
		"bad proxy":         {"serve", "--trusted-proxies", "proxy.local"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := pierCmd(t, "", args...)
			if err == nil || exitCode(err) == 0 {
				t.Fatalf("want a failure, got %v", err)
			}
			if msg := oneLine(err); strings.Contains(msg, "\n") || msg == "" {
				t.Fatalf("message %q", msg)
			}
			if pier.ErrorCode(err) == pier.EInternal && name != "unknown user" {
				t.Fatalf("bad input reported as an internal error: %v", err)
			}
		})
	}
}

// TestServeStartsAndShutsDownGracefully starts the real server, signs in
// with the printed one-time password, and stops it while a query runs.
func TestACommandGroupAloneSaysWhatItTakes(t *testing.T) {
	for group, want := range map[string]string{"tables": "pier tables set --table T", "tokens": "pier tokens revoke --id ID", "users": "pier users reset-password"} {
		_, err := pierCmd(t, "", group)
		if msg := oneLine(err); exitCode(err) != 2 || !strings.Contains(msg, want) {
			t.Errorf("pier %s: %q (exit %d), want the usage %q", group, msg, exitCode(err), want)
		}
	}
	_, err := pierCmd(t, "", "tables", "drop")
	if msg := oneLine(err); !strings.Contains(msg, `"tables drop" is not a command`) || !strings.Contains(msg, "pier tables set") {
		t.Errorf("pier tables drop: %q", msg)
	}
}

func TestServeStartsAndShutsDownGracefully(t *testing.T) {
	lake := filepath.Join(t.TempDir(), "lake")
	if err := demolake.Write(context.Background(), lake, demolake.Tiny); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	data := t.TempDir()
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--flight-addr", "127.0.0.1:0", "--data", data, "--lake", lake, "--no-demo"}, strings.NewReader(""), pw)
		pw.Close()
	}()
	addr, password, flightAddr := readStartup(t, pr)
	go io.Copy(io.Discard, pr)
	if password == "" || flightAddr == "" {
		t.Fatalf("printed one-time password %q, Flight SQL address %q", password, flightAddr)
	}
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	// The command line works against the store of a running server.
	token, err := pierCmd(t, "", "tokens", "create", "--email", "admin@pier.local", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	queryDone := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/query", strings.NewReader(`{"sql":"select count(*) from range(1000000000000) a, range(1000000000000) b"}`))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			queryDone <- 0
			return
		}
		res.Body.Close()
		queryDone <- res.StatusCode
	}()
	fc, err := flightsql.NewClient(flightAddr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	fctx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+strings.TrimSpace(token))
	if _, err := fc.Execute(fctx, "select 1"); err != nil {
		t.Fatalf("Flight SQL beside the web app: %v", err)
	}
	awaitInFlight(t, addr, strings.TrimSpace(token), 1)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop; the running query was not interrupted")
	}
	if status := <-queryDone; status == http.StatusOK {
		t.Fatal("the interrupted query answered 200")
	}
}

// awaitInFlight polls the metrics until n queries run, for at most 30 s.
func awaitInFlight(t *testing.T, addr, token string, n int) {
	t.Helper()
	want := fmt.Sprintf("pier_queries_in_flight %d", n)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(b), want) {
				return
			}
		}
		runtime.Gosched()
	}
	t.Fatalf("never saw %q", want)
}

// readStartup reads what serve prints until it listens for the web and
// for Flight SQL.
func readStartup(t *testing.T, r io.Reader) (addr, password, flightAddr string) {
	t.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if p, ok := strings.CutPrefix(line, "password:"); ok {
			password = strings.TrimSpace(p)
		}
		if a, ok := strings.CutPrefix(line, "Pier is listening on http://"); ok {
			addr = a
		}
		if a, ok := strings.CutPrefix(line, "Arrow Flight SQL is served at grpc://"); ok {
			flightAddr = a
		}
		if addr != "" && flightAddr != "" {
			return addr, password, flightAddr
		}
	}
	t.Fatal("serve ended before listening")
	return "", "", ""
}

// TestHelpListsACommandsFlags: --help on a command lists its flags and the
// environment variables they may come from, instead of an error.
func TestHelpListsACommandsFlags(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--help"}, strings.NewReader(""), &out)
	var help helpRequested
	if !errors.As(err, &help) || !strings.Contains(string(help), "--addr") || !strings.Contains(string(help), "PIER_QUERY_TIMEOUT") {
		t.Errorf("serve --help: %v", err)
	}
}
