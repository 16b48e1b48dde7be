package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/auth/authtest"
	"github.com/pier-analytics/pier/demolake/demotest"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestMain(m *testing.M) { demotest.Main(m) }

func tinyLake(t testing.TB) string { return demotest.Lake(t) }

const testPassword = "correct horse battery staple"

// testApp is the real router on a temporary SQLite store and the tiny lake,
// with one user and one API token per tier.
type testApp struct {
	*App
	srv    *httptest.Server
	tokens map[auth.Tier]string
}

func newTestApp(t testing.TB) *testApp {
	return newTestAppWith(t, Config{})
}

// newTestAppWith opens an app without the demo content, so tests start
// from an empty store; newDemoApp has it.
func newTestAppWith(t testing.TB, cfg Config) *testApp {
	t.Helper()
	cfg.NoDemo = true
	return openTestApp(t, cfg)
}

// onEachStore runs fn once on SQLite and once on PostgreSQL, each with a
// fresh app: the catalog's and the access rules' decisions are queries in
// the metadata store, and both stores must give the same answers.
func onEachStore(t *testing.T, fn func(t *testing.T, ta *testApp)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, newTestApp(t)) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, newTestAppWith(t, Config{DBURL: storetest.PostgresSchemaURL(t)}))
	})
}

// newDemoApp is a first start on the demo lake: with the demo datasets and
// dashboards.
func newDemoApp(t testing.TB) *testApp {
	t.Helper()
	return openTestApp(t, Config{})
}

func openTestApp(t testing.TB, cfg Config) *testApp {
	t.Helper()
	cfg.DataDir = t.TempDir()
	if cfg.PasswordCost == nil {
		cfg.PasswordCost = &authtest.CheapPasswords
	}
	if cfg.LakeDir == "" {
		cfg.LakeDir = tinyLake(t)
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ta := &testApp{App: a, tokens: map[auth.Tier]string{}}
	ta.srv = httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		ta.srv.Close()
		a.Close()
	})
	for _, tier := range auth.Tiers {
		ta.addUser(t, string(tier)+"@example.com", tier)
		tok, err := a.users.CreateToken(context.Background(), string(tier)+"@example.com", "test")
		if err != nil {
			t.Fatal(err)
		}
		ta.tokens[tier] = tok
	}
	return ta
}

func (ta *testApp) addUser(t testing.TB, email string, tier auth.Tier) {
	t.Helper()
	_, err := ta.users.CreateUser(context.Background(), auth.NewUser{Email: email, Name: "Test " + string(tier), Tier: tier, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request with the tier's token ("" for none).
func (ta *testApp) do(t testing.TB, tier auth.Tier, method, path, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ta.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tier != "" {
		req.Header.Set("Authorization", "Bearer "+ta.tokens[tier])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func readAll(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// browser is a cookie-keeping client that does not follow redirects, like a
// person's browser seen one response at a time.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func (ta *testApp) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ta.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, *goquery.Document) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	return res, doc
}

func (b *browser) post(path string, form url.Values) (*http.Response, *goquery.Document) {
	b.t.Helper()
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	return res, doc
}

// csrf reads the form token from a page.
func csrfFrom(doc *goquery.Document) string {
	v, _ := doc.Find(`input[name=_csrf]`).First().Attr("value")
	return v
}

// signIn signs the browser in as email and returns the home page.
func (b *browser) signIn(email string) *goquery.Document {
	b.t.Helper()
	_, login := b.get("/login")
	res, _ := b.post("/login", url.Values{"email": {email}, "password": {testPassword}, "_csrf": {csrfFrom(login)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		b.t.Fatalf("sign in as %s: status %d, location %q", email, res.StatusCode, res.Header.Get("Location"))
	}
	_, home := b.get("/")
	return home
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
