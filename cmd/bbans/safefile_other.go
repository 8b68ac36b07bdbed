//go:build !linux

package main

import (
	"errors"
	"os"
)

// openUnnamed reports that unnamed files are not available here: outputs
// are written to named temporary files.
func openUnnamed(dir string) (*os.File, bool) { return nil, false }

func procPath(f *os.File) string { return f.Name() }

func linkUnnamed(f *os.File, name string) error {
	return errors.New("unnamed files are not supported on this system")
}
