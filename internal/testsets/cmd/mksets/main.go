// Command mksets writes the test sets of package testsets as IDX files:
// DIR/KIND-train.idx and DIR/KIND-test.idx for every kind (or those named
// by -kinds), and prints one line per set.
//
//	go run ./internal/testsets/cmd/mksets -o DIR [-photos SKIMAGE_DATA] [-kinds a,b]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bbans/bbans/internal/testsets"
)

func main() {
	out := flag.String("o", "", "write the sets into `DIR` (created if missing)")
	photos := flag.String("photos", testsets.PhotoDir, "scikit-image's sample images, `DIR` (Debian python3-skimage)")
	kinds := flag.String("kinds", "", "comma-separated `KINDS` to write (default: all)")
	list := flag.Bool("l", false, "list the kinds and exit")
	flag.Parse()
	if *list {
		for _, k := range testsets.Kinds {
			fmt.Printf("%-20s %s\n", k.Name, k.About)
		}
		return
	}
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mksets -o DIR [-photos DIR] [-kinds a,b] | -l")
		os.Exit(2)
	}
	chosen := testsets.Kinds
	if *kinds != "" {
		chosen = nil
		for _, name := range strings.Split(*kinds, ",") {
			k, err := testsets.Lookup(strings.TrimSpace(name))
			if err != nil {
				fail(err)
			}
			chosen = append(chosen, k)
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for _, k := range chosen {
		s, err := k.Make(testsets.Sources{Photos: *photos})
		if err != nil {
			fail(err)
		}
		for _, part := range []struct {
			name string
			b    []byte
		}{{"train", s.Train}, {"test", s.Test}} {
			path := filepath.Join(*out, s.Name+"-"+part.name+".idx")
			if err := write(path, s, part.b); err != nil {
				fail(err)
			}
			fmt.Printf("%s: %d records of %dx%dx%d\n", path, s.Records(part.b), s.Height, s.Width, s.Channels)
		}
	}
}

// write writes one part through a temporary file, renamed when complete.
func write(path string, s *testsets.Set, part []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriter(f)
	err = s.WriteIDX(w, part)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mksets:", err)
	os.Exit(1)
}
