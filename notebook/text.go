package notebook

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier"
)

// A notebook as a plain SQL file, so that it can live in git and run
// elsewhere: markdown cells become comments, and "-- %%" lines mark where
// cells begin, as Jupytext and Databricks do.
//
//	-- pier notebook
//	-- title: Revenue by day
//	-- params: [{"name":"days","type":"date_range"}]
//
//	-- %% sql by_day
//	-- %% chart: {"type":"line","x":"dt","y":["n"]}
//	select dt, count(*) as n from act_orders group by dt
//
//	-- %% markdown
//	-- # What this shows
const (
	textMagic   = "-- pier notebook"
	cellMark    = "-- %% "
	chartMark   = "-- %% chart: "
	titleMark   = "-- title: "
	paramsMark  = "-- params: "
	jsonFormat  = "pier-notebook"
	jsonVersion = 1
)

// Export is a notebook in a portable form.
type Export struct {
	Title string
	Doc   Doc
}

// ToText writes the notebook as a SQL file.
func (e Export) ToText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s%s\n", textMagic, titleMark, oneLine(e.Title))
	if len(e.Doc.Params) > 0 {
		p, _ := json.Marshal(e.Doc.Params)
		fmt.Fprintf(&b, "%s%s\n", paramsMark, p)
	}
	for _, c := range e.Doc.Cells {
		b.WriteString("\n")
		if c.Kind == Markdown {
			b.WriteString(cellMark + "markdown\n")
			for _, line := range strings.Split(strings.TrimRight(c.Source, "\n"), "\n") {
				b.WriteString(strings.TrimRight("-- "+line, " ") + "\n")
			}
			continue
		}
		fmt.Fprintf(&b, "%ssql %s\n", cellMark, c.Name)
		if c.Chart != nil {
			ch, _ := json.Marshal(c.Chart)
			fmt.Fprintf(&b, "%s%s\n", chartMark, ch)
		}
		if src := strings.TrimRight(c.Source, "\n "); src != "" {
			b.WriteString(src + "\n")
		}
	}
	return b.String()
}

// ToJSON writes the notebook as the documented JSON form.
func (e Export) ToJSON() ([]byte, error) {
	return json.MarshalIndent(map[string]any{"format": jsonFormat, "version": jsonVersion,
		"title": e.Title, "params": nonNilParams(e.Doc.Params), "cells": e.Doc.Cells}, "", "  ")
}

// ParseJSON reads the JSON form.
func ParseJSON(data []byte) (Export, error) {
	var in struct {
		Format  string  `json:"format"`
		Version int     `json:"version"`
		Title   string  `json:"title"`
		Params  []Param `json:"params"`
		Cells   []Cell  `json:"cells"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return Export{}, pier.Errorf(pier.EInvalid, "The file is not a Pier notebook in JSON: %s.", err)
	}
	if in.Format != jsonFormat || in.Version != jsonVersion {
		return Export{}, pier.Errorf(pier.EInvalid, `The file is not a Pier notebook: it needs "format": %q and "version": %d.`, jsonFormat, jsonVersion)
	}
	return Export{Title: in.Title, Doc: Doc{Cells: in.Cells, Params: nonNilParams(in.Params)}}, nil
}

// ParseText reads the SQL form. A file without cell marks is one SQL cell,
// so that any .sql file can be imported.
func ParseText(text string) (Export, error) {
	p := &textParser{out: Export{Doc: Doc{Params: []Param{}}}}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), MaxSource+1024)
	for n := 1; sc.Scan(); n++ {
		if err := p.line(sc.Text()); err != nil {
			return Export{}, pier.Errorf(pier.EInvalid, "Line %d: %s", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Export{}, pier.Errorf(pier.EInvalid, "The file could not be read: %s.", err)
	}
	p.flush()
	if len(p.out.Doc.Cells) == 0 {
		return Export{}, pier.Errorf(pier.EInvalid, "The file holds no cells.")
	}
	return p.out, nil
}

type textParser struct {
	out    Export
	cur    *Cell
	lines  []string
	inHead bool
}

func (p *textParser) line(s string) error {
	switch {
	case p.cur == nil && len(p.out.Doc.Cells) == 0 && s == textMagic:
		p.inHead = true
	case p.inHead && strings.HasPrefix(s, titleMark):
		p.out.Title = strings.TrimPrefix(s, titleMark)
	case p.inHead && strings.HasPrefix(s, paramsMark):
		if err := json.Unmarshal([]byte(strings.TrimPrefix(s, paramsMark)), &p.out.Doc.Params); err != nil {
			return fmt.Errorf("the inputs are not valid JSON: %w", err)
		}
	case strings.HasPrefix(s, chartMark) && p.cur != nil && len(p.lines) == 0:
		p.cur.Chart = &Chart{}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(s, chartMark)), p.cur.Chart); err != nil {
			return fmt.Errorf("the chart is not valid JSON: %w", err)
		}
	case strings.HasPrefix(s, cellMark):
		return p.start(strings.Fields(strings.TrimPrefix(s, cellMark)))
	case p.inHead && strings.TrimSpace(s) == "":
	default:
		if p.cur == nil {
			p.cur = &Cell{Kind: SQL, Name: "query_1"}
		}
		p.inHead = false
		p.lines = append(p.lines, s)
	}
	return nil
}

func (p *textParser) start(f []string) error {
	p.flush()
	p.inHead = false
	switch {
	case len(f) == 1 && f[0] == "markdown":
		p.cur = &Cell{Kind: Markdown}
	case len(f) == 2 && f[0] == "sql":
		p.cur = &Cell{Kind: SQL, Name: f[1]}
	default:
		return fmt.Errorf(`a cell starts with "-- %%%% sql NAME" or "-- %%%% markdown"`)
	}
	return nil
}

func (p *textParser) flush() {
	if p.cur == nil {
		return
	}
	src := strings.Trim(strings.Join(p.lines, "\n"), "\n")
	if p.cur.Kind == Markdown {
		var md []string
		for _, l := range strings.Split(src, "\n") {
			md = append(md, strings.TrimPrefix(strings.TrimPrefix(l, "--"), " "))
		}
		src = strings.Join(md, "\n")
	}
	p.cur.Source = src
	p.out.Doc.Cells = append(p.out.Doc.Cells, *p.cur)
	p.cur, p.lines = nil, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func nonNilParams(p []Param) []Param {
	if p == nil {
		return []Param{}
	}
	return p
}
