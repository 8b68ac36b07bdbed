package stream

import (
	"runtime"
	"sync"
)

// A Reader decodes on goroutines that hold its buffers and are reachable
// from the runtime, not from the Reader; a Reader dropped without Close
// would leave them blocked forever. sessionStop is the part of a Reader that
// a cleanup (runtime.AddCleanup) may keep without keeping the Reader itself
// alive: the quit channel of its current session, closed when the Reader
// becomes unreachable.
type sessionStop struct {
	mu   sync.Mutex
	quit chan struct{} // nil when no session runs
}

// watchReader registers the cleanup of z and returns what it closes.
func watchReader(z *Reader) *sessionStop {
	s := &sessionStop{}
	runtime.AddCleanup(z, (*sessionStop).fire, s)
	return s
}

// set records the quit channel of the session now running (nil for none).
func (s *sessionStop) set(quit chan struct{}) {
	s.mu.Lock()
	s.quit = quit
	s.mu.Unlock()
}

// fire stops the session of a dropped Reader.
func (s *sessionStop) fire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.quit != nil {
		close(s.quit)
		s.quit = nil
	}
}
