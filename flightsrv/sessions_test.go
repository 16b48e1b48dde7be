package flightsrv

import (
	"strings"
	"testing"
	"time"
)

// A handshake's token holds who and which session epoch until when, and
// only the key that signed it can make one.
func TestSessionTokensAreSignedAndExpire(t *testing.T) {
	now := time.Now()
	s := newSessions([]byte("a key for this test alone, 32 by"))
	tok := s.issue("u1", 7, now)
	if id, epoch, err := s.check(tok, now.Add(time.Hour)); err != nil || id != "u1" || epoch != 7 {
		t.Fatalf("a fresh token: %q %d %v", id, epoch, err)
	}
	if _, _, err := s.check(tok, now.Add(sessionLife)); err == nil {
		t.Error("a token past its life was accepted")
	}
	other := newSessions([]byte("another key, as another install!"))
	if _, _, err := other.check(tok, now); err == nil {
		t.Error("a token signed with another key was accepted")
	}
	body := strings.TrimPrefix(tok, sessionPrefix)
	payload, sig, _ := strings.Cut(body, ".")
	for name, bad := range map[string]string{
		"no prefix":        body,
		"no signature":     sessionPrefix + payload,
		"another's id":     sessionPrefix + strings.Replace(payload, payload[:4], "dTI", 1) + "." + sig,
		"signature broken": sessionPrefix + payload + "." + sig[:len(sig)-2],
		"empty":            "",
	} {
		if _, _, err := s.check(bad, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTableFiltersAreSQLLike(t *testing.T) {
	p := func(s string) *string { return &s }
	for _, c := range []struct {
		pattern *string
		name    string
		want    bool
	}{
		{nil, "act_orders", true}, {p("%"), "x", true}, {p("act%"), "act_orders", true},
		{p("act%"), "obj_members", false}, {p("act_orders"), "actxorders", true}, {p("a.c%"), "abc", false},
		{p("ACT%"), "act_orders", false},
	} {
		if got := likeMatcher(c.pattern)(c.name); got != c.want {
			t.Errorf("%v on %q: %v", c.pattern, c.name, got)
		}
	}
}
