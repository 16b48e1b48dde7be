package query

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

var tableName = regexp.MustCompile(`^[a-z0-9_]+$`)

// discover lists the lake's tables from the file system alone: names, files
// and a signature of sizes and modification times to tell what changed.
func (c *Catalog) discover() ([]*Table, error) {
	entries, err := os.ReadDir(c.lake)
	if err != nil {
		return nil, fmt.Errorf("query: read lake: %w", err)
	}
	var out []*Table
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue // staging and marker files
		}
		t, why := c.discoverEntry(e)
		if t == nil {
			c.warnOnce(name, why)
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

func (c *Catalog) discoverEntry(e fs.DirEntry) (*Table, string) {
	name := e.Name()
	path := filepath.Join(c.lake, name)
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		return nil, "symbolic links are not followed; put the table's files in the lake"
	case e.Type().IsRegular() && strings.HasSuffix(name, ".parquet"):
		base := strings.TrimSuffix(name, ".parquet")
		if !tableName.MatchString(base) {
			return nil, "table names are lower-case letters, digits and _"
		}
		info, err := e.Info()
		if err != nil {
			return nil, err.Error()
		}
		t := &Table{Name: base, Path: path, Files: []string{path}, Modified: info.ModTime()}
		t.signature = signature([]fileStamp{{path, info.Size(), info.ModTime()}})
		return t, ""
	case e.IsDir():
		if !tableName.MatchString(name) {
			return nil, "table names are lower-case letters, digits and _"
		}
		return c.discoverDir(name, path)
	}
	return nil, "not a Parquet file or a directory"
}

type fileStamp struct {
	path string
	size int64
	mod  time.Time
}

func (c *Catalog) discoverDir(name, dir string) (*Table, string) {
	var stamps []fileStamp
	parts := map[string]bool{}
	var keys []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if p != dir && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			c.warnOnce(p, "symbolic links inside tables are not followed")
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(base, ".parquet") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		stamps = append(stamps, fileStamp{p, info.Size(), info.ModTime()})
		rel, _ := filepath.Rel(dir, p)
		segs := strings.Split(filepath.ToSlash(rel), "/")
		if _, v, ok := strings.Cut(segs[0], "="); ok && len(segs) > 1 {
			parts[v] = true
			keys = partitionKeys(segs[:len(segs)-1], keys)
		}
		return nil
	})
	if err != nil {
		return nil, err.Error()
	}
	if len(stamps) == 0 {
		return nil, "the directory holds no Parquet files"
	}
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].path < stamps[j].path })
	t := &Table{Name: name, Path: dir, Dir: true, Partitions: keys, PartCount: len(parts)}
	for v := range parts {
		t.LatestPartition = max(t.LatestPartition, v)
	}
	for _, s := range stamps {
		t.Files = append(t.Files, s.path)
		if s.mod.After(t.Modified) {
			t.Modified = s.mod
		}
	}
	t.signature = signature(stamps)
	return t, ""
}

func partitionKeys(segs, known []string) []string {
	if len(known) > 0 {
		return known
	}
	var keys []string
	for _, s := range segs {
		if k, _, ok := strings.Cut(s, "="); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func signature(stamps []fileStamp) string {
	h := sha256.New()
	for _, s := range stamps {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", s.path, s.size, s.mod.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}
