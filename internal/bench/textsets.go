package bench

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/bbans/bbans/vae/dataset"
)

// The sets of data no model fits, for the general-purpose codec: "text",
// this project's own Go sources, README and SPEC concatenated (what bbans
// should compress about as well as zstd), and "mixed", MNIST images with
// text between them (what a data set archive looks like: the model codes
// the images, the general codec the text).

// TextSetNames are the sets LoadTextSets knows.
var TextSetNames = []string{"text", "mixed"}

// IsTextSet reports whether name is one of TextSetNames.
func IsTextSet(name string) bool { return slices.Contains(TextSetNames, name) }

// mixedText is the length of the text in the mixed set: about 1 MB, a
// whole number of 784-byte records, so that the images after it stay
// aligned to the record grid.
const mixedText = 1276 * 784

// LoadTextSets returns the named sets (see TextSetNames). Both need this
// project's source tree: the module root is found from the working
// directory upwards. The mixed set is an IDX file of the first half of
// the 10,000 MNIST test images, then mixedText bytes of text (the text
// set, continued with the Go standard library's sources if shorter), then
// the other half of the images; it has no image shape (JPEG XL does not
// run on it).
func LoadTextSets(names []string) ([]*Set, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	text, err := projectText(root)
	if err != nil {
		return nil, err
	}
	var sets []*Set
	for _, name := range names {
		switch name {
		case "text":
			sets = append(sets, &Set{Name: "text", Data: text, RecordSize: 784})
		case "mixed":
			d, err := mixedSet(text)
			if err != nil {
				return nil, err
			}
			sets = append(sets, &Set{Name: "mixed", Data: d, RecordSize: 784})
		default:
			return nil, fmt.Errorf("%w %q", ErrUnknownSet, name)
		}
	}
	return sets, nil
}

// moduleRoot finds the directory of this module's go.mod from the working
// directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module github.com/bbans/bbans\n")) {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("bench: the text sets are this project's sources: run bench inside the bbans source tree")
		}
		dir = up
	}
}

// projectText concatenates the .go files under root (in lexical order of
// their paths, skipping hidden and testdata directories), then README.md
// and SPEC.md.
func projectText(root string) ([]byte, error) {
	var text []byte
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			b, err := os.ReadFile(path)
			text = append(text, b...)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"README.md", "SPEC.md"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		text = append(text, b...)
	}
	return text, nil
}

// mixedSet builds the mixed set from the text set.
func mixedSet(text []byte) ([]byte, error) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		return nil, err
	}
	half := test.Len() / 2
	t := append([]byte(nil), text...)
	if len(t) < mixedText {
		more, err := goSources(mixedText - len(t))
		if err != nil {
			return nil, err
		}
		t = append(t, more...)
	}
	t = t[:mixedText]
	hdr := []byte{0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28}
	binary.BigEndian.PutUint32(hdr[4:], uint32(half))
	d := append(hdr, test.Slice(0, half).Data...)
	d = append(d, t...)
	return append(d, test.Slice(half, test.Len()).Data...), nil
}

// goSources returns n bytes of the Go standard library's .go files, in
// lexical order of their paths, from the toolchain's GOROOT.
func goSources(n int) ([]byte, error) {
	var b []byte
	src := filepath.Join(runtime.GOROOT(), "src")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || len(b) >= n {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			f, err := os.ReadFile(path)
			b = append(b, f...)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bench: Go sources for the mixed set: %w", err)
	}
	if len(b) < n {
		return nil, fmt.Errorf("bench: only %d bytes of Go sources under %s, want %d", len(b), src, n)
	}
	return b[:n], nil
}
