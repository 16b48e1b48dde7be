package query

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// sandbox is one DuckDB instance per access profile, holding only views
// over the profile's tables, with file access fenced to those tables and the
// configuration locked before any user SQL runs.
type sandbox struct {
	key      string
	db       *duckDB
	tables   map[string]bool
	visible  map[string]Visible
	tmp      string
	refs     int
	lastUsed time.Time
}

func newSandbox(p *profile, lim Limits, hashKey, tmpRoot string) (*sandbox, error) {
	tmp := filepath.Join(tmpRoot, p.key[:16])
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("query: sandbox temp dir: %w", err)
	}
	db, err := openDuck(map[string]string{
		"threads":                      strconv.Itoa(lim.Threads),
		"memory_limit":                 lim.MemoryLimit,
		"temp_directory":               tmp,
		"max_temp_directory_size":      lim.TempDirSize,
		"autoinstall_known_extensions": "false",
		"autoload_known_extensions":    "false",
		"allow_community_extensions":   "false",
		"allow_unsigned_extensions":    "false",
	})
	if err != nil {
		return nil, err
	}
	sb := &sandbox{key: p.key, db: db, tables: map[string]bool{}, visible: map[string]Visible{}, tmp: tmp}
	if err := db.execAll(sandboxSetup(p, hashKey, tmp)...); err != nil {
		db.close()
		return nil, err
	}
	for _, t := range p.tables {
		sb.tables[t.Name] = true
		sb.visible[t.Name] = t
	}
	return sb, nil
}

// sandboxSetup fences file access to the profile's tables and the temp
// directory, defines the views, and then locks the configuration, so no
// statement afterwards can widen what the engine may touch.
func sandboxSetup(p *profile, hashKey, tmp string) []string {
	var dirs, files []string
	for _, t := range p.tables {
		if t.Dir {
			dirs = append(dirs, t.Path+string(filepath.Separator))
		} else {
			files = append(files, t.Path)
		}
	}
	dirs = append(dirs, tmp+string(filepath.Separator))
	sort.Strings(dirs)
	stmts := []string{
		"SET allowed_directories = " + sqlList(dirs),
		"SET allowed_paths = " + sqlList(files),
		"SET enable_external_access = false",
	}
	for _, t := range p.tables {
		stmts = append(stmts, viewSQL(t, hashKey))
	}
	return append(stmts, "SET lock_configuration = true")
}

func (sb *sandbox) close() {
	sb.db.close()
	os.RemoveAll(sb.tmp)
}
