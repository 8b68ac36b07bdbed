//go:build !linux

package vae

import "time"

var cpuStart = time.Now()

// cpuTime is the wall time since start where the thread's CPU time is not
// at hand.
func cpuTime() time.Duration { return time.Since(cpuStart) }
