package notebook

import "time"

// Pause is how long a person stops typing before their next save starts a
// new editing session in the history.
const Pause = time.Minute

// Session is a run of saves by one person with no pause of Pause or more
// between them: what the history shows as one change, since autosave
// keeps every keystroke's worth of work.
type Session struct {
	Revision     // the newest save of the session
	First    int // its first version
	Saves    int
	From     time.Time // when its first save was made
}

// Sessions groups revisions (newest first, as Revisions returns them)
// into editing sessions. A restore is a session of its own.
func Sessions(revs []Revision) []Session {
	var out []Session
	for _, r := range revs {
		if n := len(out); n > 0 {
			s := &out[n-1]
			if s.Author == r.Author && s.RestoredFrom == 0 && r.RestoredFrom == 0 && s.From.Sub(r.SavedAt) < Pause {
				s.First, s.From, s.Saves = r.Version, r.SavedAt, s.Saves+1
				continue
			}
		}
		out = append(out, Session{Revision: r, First: r.Version, Saves: 1, From: r.SavedAt})
	}
	return out
}
