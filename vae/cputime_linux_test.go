package vae

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time of the calling thread, user and system
// (RUSAGE_THREAD): on a loaded machine it counts what a benchmark did, not
// how long it waited for a core or what the garbage collector did on other
// threads. Callers lock their goroutine to its thread.
func cpuTime() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
