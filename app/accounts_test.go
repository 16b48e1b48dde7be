package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// addPerson adds someone through the admins' API and returns their
// one-time password.
func (ta *testApp) addPerson(t *testing.T, email string, tier auth.Tier) string {
	t.Helper()
	res := ta.do(t, auth.TierAdmin, "POST", "/api/v1/admin/users", `{"email":"`+email+`","name":"New Person","tier":"`+string(tier)+`"}`)
	var out struct {
		Email    string `json:"email"`
		Password string `json:"one_time_password"`
	}
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&out) != nil || out.Password == "" {
		t.Fatalf("add person: %d", res.StatusCode)
	}
	return out.Password
}

// signInWith signs the browser in with a password and returns where Pier
// sent it.
func (b *browser) signInWith(email, password string) string {
	b.t.Helper()
	_, login := b.get("/login")
	res, _ := b.post("/login", url.Values{"email": {email}, "password": {password}, "_csrf": {csrfFrom(login)}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d", email, res.StatusCode)
	}
	return res.Header.Get("Location")
}

func TestAOneTimePasswordMustBeReplacedBeforeAnythingElse(t *testing.T) {
	ta := newTestApp(t)
	once := ta.addPerson(t, "new@example.com", auth.TierAnalyze)
	b := ta.browser(t)
	if to := b.signInWith("new@example.com", once); to != "/settings/account" {
		t.Fatalf("after signing in with a one-time password, sent to %q", to)
	}
	if res, _ := b.get("/dashboards"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/account" {
		t.Fatalf("a page before the change: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, page := b.get("/settings/account")
	if page.Find(`[data-testid=must-change]`).Length() != 1 || page.Find(`[data-testid=token-form]`).Length() != 0 {
		t.Fatal("the account page does not ask for a new password first, or offers tokens meanwhile")
	}
	req, _ := http.NewRequest("GET", ta.srv.URL+"/api/v1/tables", nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"password_change_required"`) {
		t.Fatalf("API with the one-time session: %d %s", res.StatusCode, body)
	}
	form := url.Values{"current": {once}, "new": {"qwertyuiop"}, "confirm": {"qwertyuiop"}, "_csrf": {csrfFrom(page)}}
	res, doc := b.post("/settings/account/password", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(`[data-testid=account-error]`).Text(), "most common passwords") {
		t.Fatalf("a common password: %d %q", res.StatusCode, doc.Find(`[data-testid=account-error]`).Text())
	}
	form.Set("new", "lantern quiet orbit 42")
	form.Set("confirm", "lantern quiet orbit 42")
	res, doc = b.post("/settings/account/password", form)
	if res.StatusCode != http.StatusOK || doc.Find(`[data-testid=account-notice]`).Length() != 1 {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, _ := b.get("/dashboards"); res.StatusCode != http.StatusOK {
		t.Fatalf("after the change the same session cannot go on: %d", res.StatusCode)
	}
}

func TestChangingYourPasswordEndsYourOtherSessions(t *testing.T) {
	ta := newTestApp(t)
	here, there := ta.browser(t), ta.browser(t)
	home := here.signIn("analyze@example.com")
	there.signIn("analyze@example.com")
	req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/me/password",
		strings.NewReader(`{"current":"`+testPassword+`","new":"lantern quiet orbit 42"}`))
	req.Header.Set("X-CSRF-Token", csrfFrom(home))
	res, err := here.c.Do(req)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("change: %v %v", res, err)
	}
	if res, _ := here.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("the session that changed the password: %d", res.StatusCode)
	}
	if res, _ := there.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("the other session: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := ta.do(t, auth.TierAnalyze, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("API tokens are not sessions and keep working: %d", res.StatusCode)
	}
}

func TestARevokedTokenIsRefusedAtOnce(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(t, auth.TierView, "POST", "/api/v1/me/tokens", `{"name":"laptop"}`)
	var made struct{ ID, Name, Token string }
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&made) != nil || !strings.HasPrefix(made.Token, "pier_") {
		t.Fatalf("create: %d %+v", res.StatusCode, made)
	}
	use := func() int {
		req, _ := http.NewRequest("GET", ta.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+made.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if use() != http.StatusOK {
		t.Fatal("the new token does not work")
	}
	list := readAll(t, ta.do(t, auth.TierView, "GET", "/api/v1/me/tokens", ""))
	if !strings.Contains(list, `"name":"laptop"`) || strings.Contains(list, made.Token) || !strings.Contains(list, `"last_used_at":"20`) {
		t.Fatalf("listing: %s", list)
	}
	if res := ta.do(t, auth.TierAnalyze, "DELETE", "/api/v1/me/tokens/"+made.ID, ""); res.StatusCode != http.StatusNotFound {
		t.Fatalf("someone else revoked it: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierView, "DELETE", "/api/v1/me/tokens/"+made.ID, ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if code := use(); code != http.StatusUnauthorized {
		t.Fatalf("the revoked token: %d, want 401", code)
	}
}

func TestPeopleAPIIsForAdminsAndChangesApplyAtOnce(t *testing.T) {
	ta := newTestApp(t)
	if res := ta.do(t, auth.TierData, "GET", "/api/v1/admin/users", ""); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the data tier listed people: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierAdmin, "POST", "/api/v1/admin/users", `{"email":"a@example.com","name":"A","tier":"view","password":"x"}`); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("an unknown field: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierAdmin, "PATCH", "/api/v1/admin/users/view@example.com", `{"tier":"analyze"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("change tier: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierView, "POST", "/api/v1/query", `{"sql":"select 1"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("the new tier does not apply at once: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierAdmin, "PATCH", "/api/v1/admin/users/view@example.com", `{"disabled":true}`); res.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierView, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a disabled person's token: %d", res.StatusCode)
	}
	res := ta.do(t, auth.TierAdmin, "POST", "/api/v1/admin/users/analyze@example.com/reset-password", "")
	if body := readAll(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "one_time_password") {
		t.Fatalf("reset: %d %s", res.StatusCode, body)
	}
	list := readAll(t, ta.do(t, auth.TierAdmin, "GET", "/api/v1/admin/users", ""))
	for _, want := range []string{`"email":"view@example.com"`, `"disabled":true`, `"must_change_password":true`, `"last_seen_at":"20`} {
		if !strings.Contains(list, want) {
			t.Errorf("people list lacks %s: %s", want, list)
		}
	}
}

// A flood of sign-ins for unknown e-mails must not take the server's
// memory or its health check with it: hashing runs one per core, and the
// address limit turns the rest away.
func TestASignInFloodKeepsMemoryAndHealth(t *testing.T) {
	ta := newTestAppWith(t, Config{PasswordCost: &auth.DefaultPasswordCost})
	b := ta.browser(t)
	_, login := b.get("/login")
	token := csrfFrom(login)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			runtime.Gosched()
		}
	}()
	codes := make(chan int, 48)
	var wg sync.WaitGroup
	for i := range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"email": {"nobody" + strconv.Itoa(i) + "@example.com"}, "password": {"guess number " + strconv.Itoa(i)}, "_csrf": {token}}
			res, err := b.c.PostForm(ta.srv.URL+"/login", form)
			if err != nil {
				codes <- 0
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	first := <-codes // the flood is under way
	health, err := http.Get(ta.srv.URL + "/healthz")
	if err != nil || health.StatusCode != http.StatusOK {
		t.Errorf("health during the flood: %v %v", health, err)
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(codes)
	count := map[int]int{first: 1}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] == 0 || count[http.StatusTooManyRequests] == 0 || count[0] > 0 {
		t.Errorf("answers to the flood: %v; want refusals (401) and, past the address limit, 429", count)
	}
	// One check per core at a time, each 64 MiB, and as much again awaiting
	// the collector; unbounded, 48 checks at once would take 3 GB.
	limit := int64(runtime.GOMAXPROCS(0))*150<<20 + 150<<20
	if grew := int64(peak) - int64(before.HeapInuse); grew > limit {
		t.Errorf("the heap grew by %d MB during the flood", grew>>20)
	}
}

// PostgreSQL refuses NUL in text; such input must be refused in words
// before it gets there, on every account route.
func TestControlCharactersInAccountInputAreRefusedPlainly(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/api/v1/me/tokens", `{"name":"a\u0000b"}`, http.StatusBadRequest},
		{"POST", "/api/v1/admin/users", `{"email":"n@example.com","name":"a\u0000b","tier":"view"}`, http.StatusBadRequest},
		{"POST", "/api/v1/admin/users", `{"email":"a\u0000b@example.com","name":"N","tier":"view"}`, http.StatusBadRequest},
		{"PATCH", "/api/v1/admin/users/view@example.com", `{"name":"a\u0001b"}`, http.StatusBadRequest},
		{"DELETE", "/api/v1/me/tokens/a%00b", "", http.StatusNotFound},
		{"POST", "/api/v1/admin/users/a%00b@example.com/reset-password", "", http.StatusNotFound},
	}
	for _, c := range cases {
		if res := ta.do(t, auth.TierAdmin, c.method, c.path, c.body); res.StatusCode != c.want {
			t.Errorf("%s %s %s: %d, want %d", c.method, c.path, c.body, res.StatusCode, c.want)
		}
	}
	b := ta.browser(t)
	_, login := b.get("/login")
	res, _ := b.post("/login", url.Values{"email": {"a\x00b@example.com"}, "password": {"whatever it is"}, "_csrf": {csrfFrom(login)}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign-in with a NUL in the e-mail: %d, want 401", res.StatusCode)
	}
}

func TestPeoplePageRefusesInWordsAndOnlyForAdmins(t *testing.T) {
	ta := newTestApp(t)
	data := ta.browser(t)
	data.signIn("data@example.com")
	if res, _ := data.get("/admin/people"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the data tier opened the People page: %d", res.StatusCode)
	}
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	_, page := admin.get("/admin/people")
	token := csrfFrom(page)
	if page.Find(`tr[data-email="admin@example.com"] [data-testid=disable]`).Length() != 0 {
		t.Fatal("an admin is offered to disable themselves")
	}
	res, doc := admin.post("/admin/people", url.Values{"email": {"not an address"}, "name": {"X"}, "tier": {"view"}, "_csrf": {token}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(`[data-testid=people-error]`).Text(), "not an e-mail address") {
		t.Fatalf("a bad e-mail: %d %q", res.StatusCode, doc.Find(`[data-testid=people-error]`).Text())
	}
	res, doc = admin.post("/admin/people", url.Values{"email": {"view@example.com"}, "name": {"X"}, "tier": {"view"}, "_csrf": {token}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(doc.Find(`[data-testid=people-error]`).Text(), "already exists") {
		t.Fatalf("an e-mail taken: %d", res.StatusCode)
	}
	me, _ := ta.users.UserByEmail(context.Background(), "admin@example.com")
	res, doc = admin.post("/admin/people/"+me.ID+"/disabled", url.Values{"disabled": {"true"}, "_csrf": {token}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(`[data-testid=people-error]`).Text(), "your own account") {
		t.Fatalf("disabling oneself: %d", res.StatusCode)
	}
	action, _ := page.Find(`tr[data-email="view@example.com"] [data-testid=disable]`).Parent().Attr("action")
	res, doc = admin.post(action, url.Values{"disabled": {"true"}, "_csrf": {token}})
	if res.StatusCode != http.StatusOK || doc.Find(`tr[data-email="view@example.com"] [data-testid=status]`).Text() != "Disabled" {
		t.Fatalf("disabling someone with the row's own form (%s): %d", action, res.StatusCode)
	}
	if r := ta.do(t, auth.TierView, "GET", "/api/v1/me", ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the disabled person's token: %d", r.StatusCode)
	}
}

// An e-mail may hold % (and / ? #): the address of one account must never
// be read as another's, on the page or in the API.
func TestAnEmailWithEscapesNamesOnlyItsOwnAccount(t *testing.T) {
	ta := newTestApp(t)
	for _, email := range []string{"dat%61@example.com", "data%40example.com/disabled?@example.com"} {
		ta.addPerson(t, email, auth.TierView)
	}
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	_, page := admin.get("/admin/people")
	for _, email := range []string{"dat%61@example.com", "data%40example.com/disabled?@example.com"} {
		action, ok := page.Find(`tr[data-email="` + email + `"] [data-testid=disable]`).Parent().Attr("action")
		if !ok {
			t.Fatalf("no disable form for %s", email)
		}
		res, doc := admin.post(action, url.Values{"disabled": {"true"}, "_csrf": {csrfFrom(page)}})
		if res.StatusCode != http.StatusOK || doc.Find(`tr[data-email="`+email+`"] [data-testid=status]`).Text() != "Disabled" {
			t.Fatalf("disabling %s through %s: %d", email, action, res.StatusCode)
		}
	}
	if res := ta.do(t, auth.TierAdmin, "PATCH", "/api/v1/admin/users/"+url.PathEscape("dat%61@example.com"), `{"name":"Dat"}`); res.StatusCode != http.StatusOK || !strings.Contains(readAll(t, res), `"email":"dat%61@example.com"`) {
		t.Fatalf("the API, escaped once: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierAdmin, "PATCH", "/api/v1/admin/users/view%40example.com", `{"name":"Vi"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("the API, @ escaped: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierData, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("data@example.com was hit by another account's action: %d", res.StatusCode)
	}
}
