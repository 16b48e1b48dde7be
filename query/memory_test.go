package query

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestStreamingMemoryDoesNotGrowWithRows exports ten times more rows and
// expects the process's peak memory to grow by far less than the extra
// rows would take if they were held: results must stream.
func TestStreamingMemoryDoesNotGrowWithRows(t *testing.T) {
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		t.Skip("needs Linux /proc to read peak memory")
	}
	te := newTestEngine(t, sharedLake(t), Limits{})
	export := func(n int) int64 {
		resetPeakRSS(t)
		before := peakRSSKiB(t)
		rows, err := te.Query(context.Background(), analyst, Request{SQL: "select i, i * 2 as j from range(" + strconv.Itoa(n) + ") t(i)"})
		if err != nil {
			t.Fatal(err)
		}
		err = WriteArrow(io.Discard, rows)
		rows.Close()
		if err != nil || rows.Count() != int64(n) {
			t.Fatalf("exported %d rows, %v", rows.Count(), err)
		}
		return peakRSSKiB(t) - before
	}
	export(100_000) // warm up: the sandbox and its buffers
	small := export(1_000_000)
	large := export(10_000_000)
	// Held in memory, 9 million more rows of two BIGINTs would be ~140 MB.
	if large-small > 48*1024 {
		t.Fatalf("peak memory grew by %d KiB for 1e6 rows and %d KiB for 1e7 rows", small, large)
	}
}

func resetPeakRSS(t *testing.T) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset peak memory: %v", err)
	}
}

func peakRSSKiB(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
