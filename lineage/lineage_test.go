package lineage

import (
	"fmt"
	"testing"
)

func TestWalksGoBothWaysAtTheShortestDepthAndStop(t *testing.T) {
	table, ds, ds2, board, nb := Node{"table", "act_orders"}, Node{"dataset", "a"}, Node{"dataset", "b"}, Node{"dashboard", "d"}, Node{"notebook", "n"}
	g := New(Part{Edges: []Edge{{table, ds}, {ds, ds2}, {ds2, board}, {ds, board}, {table, nb}, {nb, nb}}},
		Part{Edges: []Edge{{ds2, ds}}}) // a cycle must not loop
	if got := fmt.Sprint(g.Downstream(table, 5)); got != "[{{dataset a} 1} {{notebook n} 1} {{dashboard d} 2} {{dataset b} 2}]" {
		t.Errorf("downstream %s", got)
	}
	if got := fmt.Sprint(g.Upstream(board, 5)); got != "[{{dataset a} 1} {{dataset b} 1} {{table act_orders} 2}]" {
		t.Errorf("upstream %s", got)
	}
	if got := fmt.Sprint(g.Downstream(table, 1)); got != "[{{dataset a} 1} {{notebook n} 1}]" {
		t.Errorf("depth 1: %s", got)
	}
	if g.Title(table) != "act_orders" {
		t.Error("an untitled node is named by its id")
	}
}
