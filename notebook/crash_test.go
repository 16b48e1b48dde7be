package notebook

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestKillDuringSavesLeavesOldOrNew kills a process that saves a large
// notebook in a loop, at a different moment each round, and checks that
// the store then holds a whole version: the notebook's document is exactly
// the revision its version names, and it parses.
func TestKillDuringSavesLeavesOldOrNew(t *testing.T) {
	engines := map[string]func(t *testing.T) (url, dir string){
		"sqlite":   func(t *testing.T) (string, string) { return "", t.TempDir() },
		"postgres": func(t *testing.T) (string, string) { return storetest.PostgresSchemaURL(t), "" },
	}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			url, dir := open(t)
			db, err := store.Open(context.Background(), url, dir)
			if err != nil {
				t.Fatal(err)
			}
			s, p := newTestService(t, db)
			n := mustCreate(t, s, p.owner, "Crash test")
			db.Close()
			for round := 1; round <= 6; round++ {
				saveUntilKilled(t, url, dir, n.ID, p.owner.Email, round*3)
				checkWhole(t, url, dir, n.ID)
			}
		})
	}
}

// saveUntilKilled starts the saver, lets it report `after` saves, then
// kills it with SIGKILL while it is saving the next ones.
func saveUntilKilled(t *testing.T, url, dir, id, email string, after int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSaverProcess$")
	cmd.Env = append(os.Environ(), "PIER_SAVER="+strings.Join([]string{url, dir, id, email}, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for seen := 0; seen < after && lines.Scan(); {
		if strings.HasPrefix(lines.Text(), "saved ") {
			seen++
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
}

func checkWhole(t *testing.T, url, dir, id string) {
	t.Helper()
	db, err := store.Open(context.Background(), url, dir)
	if err != nil {
		t.Fatalf("the store does not open after a kill: %v", err)
	}
	defer db.Close()
	st := &notebookStore{db: db}
	n, err := st.get(context.Background(), id)
	if err != nil {
		t.Fatalf("the notebook does not load after a kill: %v", err)
	}
	rev, err := st.revision(context.Background(), id, n.Version)
	if err != nil {
		t.Fatalf("version %d has no revision: %v", n.Version, err)
	}
	if !reflect.DeepEqual(*rev.Doc, n.Doc) || rev.Title != n.Title {
		t.Fatalf("the notebook at version %d differs from its revision", n.Version)
	}
	revs, _ := st.revisions(context.Background(), id)
	if len(revs) == 0 || revs[0].Version != n.Version {
		t.Fatalf("the newest revision is not the notebook's version %d", n.Version)
	}
}

// TestSaverProcess is the process that TestKillDuringSavesLeavesOldOrNew
// kills; run alone it does nothing.
func TestSaverProcess(t *testing.T) {
	env := os.Getenv("PIER_SAVER")
	if env == "" {
		t.Skip("started only by TestKillDuringSavesLeavesOldOrNew")
	}
	parts := strings.Split(env, "\n")
	url, dir, id, email := parts[0], parts[1], parts[2], parts[3]
	ctx := context.Background()
	db, err := store.Open(ctx, url, dir)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := auth.NewEnforcer()
	users := auth.NewStore(db)
	s := NewService(db, en, users, readable{})
	who, err := users.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		n, err := s.Get(ctx, who, id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Save(ctx, who, id, Save{Version: n.Version, Title: fmt.Sprintf("Crash test %d", i), Doc: bigDoc(i)})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("saved %d\n", n.Version+1)
	}
}

// bigDoc is a 200-cell document whose every cell changes with i.
func bigDoc(i int) Doc {
	var d Doc
	for c := range 200 {
		d.Cells = append(d.Cells, Cell{ID: fmt.Sprintf("c%d", c), Kind: SQL, Name: fmt.Sprintf("cell_%d", c),
			Source: fmt.Sprintf("select %d as round, '%s' as padding -- cell %d", i, strings.Repeat("x", 200), c)})
	}
	d.Params = []Param{}
	return d
}
