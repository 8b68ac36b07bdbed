//go:build !linux

package main

import "os"

// isTerminal reports whether f is a character device other than the null
// device: a portable approximation of isatty for systems without the
// Linux ioctl.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// terminalWidth is unknown without the Linux ioctl: the bar assumes 80
// columns.
func terminalWidth(*os.File) int { return 0 }
