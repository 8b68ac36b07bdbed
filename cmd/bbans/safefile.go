package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// An outFile is an output being written: a temporary file beside the final
// name, renamed into place by commit only once everything was written and
// synced, so a failure or a signal never leaves a partial output under the
// final name, and an existing file is replaced atomically (or not at all).
// On Linux the temporary file is unnamed (O_TMPFILE) and linked into place,
// so even SIGKILL, which no handler sees, leaves nothing behind; elsewhere,
// or on a file system that refuses O_TMPFILE, it is a named ".NAME.*.tmp"
// that the signal handler removes.
type outFile struct {
	*os.File
	final   string
	unnamed bool // opened with O_TMPFILE: no name until commit
	done    bool
}

// temps are the temporary files of outputs in progress, removed by the
// signal handler.
var temps struct {
	sync.Mutex
	m map[string]bool
}

func trackTemp(name string, on bool) {
	temps.Lock()
	defer temps.Unlock()
	if temps.m == nil {
		temps.m = map[string]bool{}
	}
	if on {
		temps.m[name] = true
	} else {
		delete(temps.m, name)
	}
}

// handleSignals removes temporary outputs on SIGINT, SIGTERM and SIGHUP and
// exits with 128+signal, as a shell reports a killed command.
func handleSignals(stderr io.Writer) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-c
		temps.Lock() // held until exit: no new temporary file can appear
		for name := range temps.m {
			os.Remove(name)
		}
		fmt.Fprintf(stderr, "\nbbans: %v: stopped, partial output removed\n", s)
		code := 130
		if n, ok := s.(syscall.Signal); ok {
			code = 128 + int(n)
		}
		os.Exit(code)
	}()
}

// createOut starts writing the output file name. Unless force is set, an
// existing name is an error; the check is repeated at commit, so a file
// that appears meanwhile is not overwritten either.
func createOut(name string, force bool) (*outFile, error) {
	// What no -f can replace first, so that -f is not suggested in vain.
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory; the output must be a file name", name)
	} else if err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s exists and is not a regular file; only files are overwritten", name)
	}
	if !force {
		if _, err := os.Lstat(name); err == nil {
			return nil, fmt.Errorf("%s already exists; use -f to overwrite", name)
		}
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	if f, ok := openUnnamed(dir); ok {
		return &outFile{File: f, final: name, unnamed: true}, nil
	}
	temps.Lock()
	defer temps.Unlock()
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, &outputError{name, err}
	}
	if temps.m == nil {
		temps.m = map[string]bool{}
	}
	temps.m[f.Name()] = true
	return &outFile{File: f, final: name}, nil
}

// commit syncs the temporary file, gives it the mode and modification time
// of src (if any) and renames it to the final name.
func (o *outFile) commit(src os.FileInfo, force bool) error {
	if o.done {
		return errors.New("output committed twice")
	}
	if o.unnamed {
		return o.commitUnnamed(src, force)
	}
	tmp := o.Name()
	err := o.Sync()
	// CreateTemp made the file 0600; give it the input's permissions, or
	// those of a new file.
	mode := os.FileMode(0o644)
	if src != nil {
		mode = src.Mode().Perm()
	}
	if err == nil {
		err = o.Chmod(mode)
	}
	if cerr := o.Close(); err == nil {
		err = cerr
	}
	if src != nil && err == nil {
		err = os.Chtimes(tmp, time.Time{}, src.ModTime())
	}
	if err == nil && !force {
		// Link fails if the name exists, so a file created after
		// createOut is kept; rename would replace it.
		if err = os.Link(tmp, o.final); err == nil {
			err = os.Remove(tmp)
		} else if !os.IsExist(err) {
			err = os.Rename(tmp, o.final) // file systems without hard links
		} else {
			err = fmt.Errorf("%s already exists; use -f to overwrite", o.final)
		}
	} else if err == nil {
		err = os.Rename(tmp, o.final)
	}
	if err != nil {
		os.Remove(tmp)
	} else {
		syncDir(filepath.Dir(o.final))
	}
	trackTemp(tmp, false)
	o.done = true
	return err
}

// commitUnnamed is commit for an unnamed file: sync, mode and time through
// the open file, then a link to the final name. Replacing an existing file
// (force) links to a named temporary file and renames that over it, since a
// link cannot replace a name; only that instant leaves a name to clean up.
func (o *outFile) commitUnnamed(src os.FileInfo, force bool) error {
	o.done = true
	defer o.Close()
	mode := os.FileMode(0o644)
	if src != nil {
		mode = src.Mode().Perm()
	}
	err := o.Sync()
	if err == nil {
		err = o.Chmod(mode)
	}
	if src != nil && err == nil {
		err = os.Chtimes(procPath(o.File), time.Time{}, src.ModTime())
	}
	if err != nil {
		return err
	}
	if !force {
		if err := linkUnnamed(o.File, o.final); err != nil {
			if os.IsExist(err) {
				return fmt.Errorf("%s already exists; use -f to overwrite", o.final)
			}
			return err
		}
		syncDir(filepath.Dir(o.final))
		return nil
	}
	dir, base := filepath.Split(o.final)
	var tmp string
	for i := 0; ; i++ {
		tmp = filepath.Join(dir, fmt.Sprintf(".%s.%d.%d.tmp", base, os.Getpid(), i))
		trackTemp(tmp, true)
		err = linkUnnamed(o.File, tmp)
		if err == nil || !os.IsExist(err) || i == 100 {
			break
		}
		trackTemp(tmp, false)
	}
	if err == nil {
		if err = os.Rename(tmp, o.final); err != nil {
			os.Remove(tmp)
		}
	}
	trackTemp(tmp, false)
	if err == nil {
		syncDir(filepath.Dir(o.final))
	}
	return err
}

// abort removes the temporary file (an unnamed one vanishes on close).
func (o *outFile) abort() {
	if o.done {
		return
	}
	o.done = true
	o.Close()
	if o.unnamed {
		return
	}
	os.Remove(o.Name())
	trackTemp(o.Name(), false)
}

// syncDir makes a rename durable. Errors are ignored: some file systems
// cannot sync directories, and the data itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
