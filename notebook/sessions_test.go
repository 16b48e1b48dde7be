package notebook

import (
	"testing"
	"time"
)

func TestSavesGroupIntoEditingSessions(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	save := func(v int, who string, after time.Duration, restored int) Revision {
		return Revision{Version: v, Author: who, SavedAt: at.Add(after), RestoredFrom: restored}
	}
	// Newest first, as Revisions lists them.
	revs := []Revision{
		save(9, "ana", 30*time.Minute, 0),
		save(8, "ana", 29*time.Minute+30*time.Second, 0),
		save(7, "bo", 29*time.Minute, 0),
		save(6, "ana", 20*time.Minute, 2),
		save(5, "ana", 3*time.Minute, 0),
		save(4, "ana", 2*time.Minute+20*time.Second, 0),
		save(3, "ana", 1*time.Minute+30*time.Second, 0),
		save(2, "ana", 50*time.Second, 0),
		save(1, "ana", 0, 0),
	}
	var got [][3]int
	for _, s := range Sessions(revs) {
		got = append(got, [3]int{s.Version, s.First, s.Saves})
	}
	want := [][3]int{{9, 8, 2}, {7, 7, 1}, {6, 6, 1}, {5, 1, 5}}
	if len(got) != len(want) {
		t.Fatalf("sessions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sessions %v, want %v", got, want)
		}
	}
}
