// Package lineage walks what reads what: lake tables, datasets, dashboards
// and notebooks, as the services recorded it from the plans of what ran,
// never typed in. It is a graph and a walk; it imports nothing of Pier.
package lineage

import (
	"cmp"
	"slices"
)

// Node is one thing in the graph: a table, dataset, dashboard or notebook.
type Node struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Edge says To reads From.
type Edge struct{ From, To Node }

// Part is what one service knows: its edges, and the titles of its nodes.
type Part struct {
	Edges  []Edge
	Titles map[Node]string
}

// Graph is every edge, walkable both ways.
type Graph struct {
	up, down map[Node][]Node
	titles   map[Node]string
}

// New joins the parts into one graph.
func New(parts ...Part) *Graph {
	g := &Graph{up: map[Node][]Node{}, down: map[Node][]Node{}, titles: map[Node]string{}}
	for _, p := range parts {
		for _, e := range p.Edges {
			if e.From == e.To || slices.Contains(g.down[e.From], e.To) {
				continue
			}
			g.down[e.From] = append(g.down[e.From], e.To)
			g.up[e.To] = append(g.up[e.To], e.From)
		}
		for n, t := range p.Titles {
			g.titles[n] = t
		}
	}
	return g
}

// Title is a node's name as people know it, or its id.
func (g *Graph) Title(n Node) string { return cmp.Or(g.titles[n], n.ID) }

// Step is a node reached from another, and how many edges away.
type Step struct {
	Node
	Depth int
}

// Upstream is what n reads, directly (depth 1) and through others, up to
// maxDepth, each once at its shortest distance.
func (g *Graph) Upstream(n Node, maxDepth int) []Step { return walk(g.up, n, maxDepth) }

// Downstream is what reads n, as Upstream.
func (g *Graph) Downstream(n Node, maxDepth int) []Step { return walk(g.down, n, maxDepth) }

func walk(next map[Node][]Node, from Node, maxDepth int) []Step {
	seen := map[Node]bool{from: true}
	var out []Step
	frontier := []Node{from}
	for depth := 1; depth <= maxDepth && len(frontier) > 0; depth++ {
		var more []Node
		for _, n := range frontier {
			for _, m := range next[n] {
				if !seen[m] {
					seen[m] = true
					more = append(more, m)
					out = append(out, Step{m, depth})
				}
			}
		}
		slices.SortFunc(more, func(a, b Node) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
		frontier = more
	}
	slices.SortStableFunc(out, func(a, b Step) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}
