package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// timeStyle is how Pier writes a moment, on every page and in every
// script: 2026-12-01 14:05 KST.
const timeStyle = "2006-01-02 15:04 MST"

const zoneKey = "report.timezone"

// reportZone is the time zone Pier's pages read in: the admins' setting,
// else the server's. It is read from the store at most once a minute, so a
// change applies at once on the replica that made it and within a minute
// on the others.
type reportZone struct {
	db   *store.DB
	mu   sync.Mutex
	loc  *time.Location
	name string // as set; "" for the server's
	read time.Time
}

// get returns the zone and its name as set ("" for the server's).
func (z *reportZone) get() (*time.Location, string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.loc != nil && time.Since(z.read) < time.Minute {
		return z.loc, z.name
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var name string
	err := z.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, zoneKey).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) && z.loc != nil {
		return z.loc, z.name // keep the last one while the store is away
	}
	z.loc, z.name, z.read = time.Local, "", time.Now()
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		z.loc, z.name = loc, name
	}
	return z.loc, z.name
}

// set stores the zone by its IANA name; "" goes back to the server's.
func (z *reportZone) set(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	loc := time.Local
	if name != "" {
		l, err := time.LoadLocation(name)
		if err != nil || strings.EqualFold(name, "local") {
			return pier.Errorf(pier.EInvalid, "%q is not a time zone; use a name such as Asia/Seoul, Europe/Berlin or UTC.", name)
		}
		loc = l
	}
	_, err := z.db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, zoneKey, name)
	if err != nil {
		return err
	}
	z.mu.Lock()
	z.loc, z.name, z.read = loc, name, time.Now()
	z.mu.Unlock()
	return nil
}

// when writes a moment in the report zone, in Pier's one style.
func (a *App) when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	loc, _ := a.zone.get()
	return t.In(loc).Format(timeStyle)
}

// serverZoneName names the server's own zone, as zoneName does.
func serverZoneName() string {
	return ianaName(time.Local)
}

// zoneName is the report zone's IANA name for pages and scripts. The
// server's own zone is named by TZ or /etc/timezone when they say it, else
// by its offset now.
func (a *App) zoneName() string {
	loc, name := a.zone.get()
	if name != "" {
		return name
	}
	return ianaName(loc)
}

func ianaName(loc *time.Location) string {
	if loc != time.Local {
		return loc.String()
	}
	for _, n := range []string{os.Getenv("TZ"), readFirstLine("/etc/timezone")} {
		if l, err := time.LoadLocation(n); err == nil && n != "" && n != "Local" && sameZone(l, loc) {
			return n
		}
	}
	_, offset := time.Now().In(loc).Zone()
	if offset == 0 {
		return "UTC"
	}
	if offset%3600 == 0 { // Etc/GMT's sign is the other way round
		return fmt.Sprintf("Etc/GMT%+d", -offset/3600)
	}
	return "UTC"
}

func sameZone(a, b *time.Location) bool {
	now := time.Now()
	_, x := now.In(a).Zone()
	_, y := now.In(b).Zone()
	return x == y
}

func readFirstLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}
