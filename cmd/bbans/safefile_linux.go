package main

import (
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed opens an unnamed file in dir (O_TMPFILE, Linux 3.11 and
// later): until linkUnnamed gives it a name it has none, so a process killed
// by SIGKILL, which no handler sees, leaves nothing behind. It returns
// ok false where the file system or kernel refuses O_TMPFILE (then the
// caller falls back to a named temporary file).
func openUnnamed(dir string) (f *os.File, ok bool) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, false
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)")), true
}

// procPath names an open file through /proc, which linkat and utimensat
// follow to the file itself, unnamed or not.
func procPath(f *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
}

// linkUnnamed gives the unnamed file f the name name; it fails with an error
// satisfying os.IsExist if name exists.
func linkUnnamed(f *os.File, name string) error {
	err := unix.Linkat(unix.AT_FDCWD, procPath(f), unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err}
	}
	return nil
}
