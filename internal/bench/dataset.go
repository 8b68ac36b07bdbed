package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// A Set is one data set every method compresses: the same bytes for all.
type Set struct {
	// Name is the set's label in tables and plots ("threshold").
	Name string
	// Data is what every method compresses. For MNIST and IDX files it is
	// the records alone, without the IDX header.
	Data []byte
	// RecordSize is the bytes per record; Data may end in a partial record
	// (files only).
	RecordSize int
	// Height and Width give the shape of a record as an image, or 0 when
	// it is not known; JPEG XL runs only on sets with a shape.
	Height, Width int
	// Binarized sets hold bytes 0 and 1; images of them scale 1 to 255.
	Binarized bool
	// Model is the built-in model bbans uses by default on this set, or ""
	// to let the Writer choose.
	Model string
	// Models are all the built-in models that can code the set, Model
	// first; bench runs each.
	Models []string
}

// Records returns the number of whole records in s.
func (s *Set) Records() int {
	if s.RecordSize == 0 {
		return 0
	}
	return len(s.Data) / s.RecordSize
}

// dataset returns the whole records of s as a dataset.Dataset.
func (s *Set) dataset() *dataset.Dataset {
	return &dataset.Dataset{RecordSize: s.RecordSize, Data: s.Data[:s.Records()*s.RecordSize]}
}

// SetNames are the data sets of MNIST (and of a file) that Load knows, in
// their default order.
var SetNames = []string{"8bit", "threshold", "sampled"}

// ErrUnknownSet is the error of a set name not in SetNames.
var ErrUnknownSet = errors.New("bench: unknown data set")

// binarization maps a set name to its binarization.
func binarization(name string) (dataset.Binarization, error) {
	switch name {
	case "8bit":
		return dataset.None, nil
	case "threshold":
		return dataset.Threshold, nil
	case "sampled":
		return dataset.Sampled, nil
	}
	return dataset.None, fmt.Errorf("%w %q (want %s)", ErrUnknownSet, name, strings.Join(SetNames, ", "))
}

// LoadMNIST returns the named sets (see SetNames) made from the first n
// MNIST test images (all 10,000 if n <= 0): the 8-bit images, or their
// threshold or sampled binarization (SPEC.md section 2).
func LoadMNIST(names []string, n int) ([]*Set, error) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		return nil, err
	}
	if n > 0 && n < test.Len() {
		test = test.Slice(0, n)
	}
	return makeSets(test, names, 28, 28, "")
}

// LoadFile returns the named sets made from a file. An IDX file (MNIST's
// format, gzip-compressed or not) gives its records, without the header,
// and their shape when it has two dimensions per record; any other file is
// taken verbatim with the record size of the built-in models, 784 bytes,
// and has no image shape. Binarized sets binarize every byte. With no
// names, an IDX file gives every set of SetNames, any other file only the
// bytes as they are ("8bit"), coded by bbans with one model.
func LoadFile(path string, names []string) ([]*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	if u, err := gunzip(b); err == nil {
		if _, _, ok := idxShape(u); ok {
			b = u // a gzip-compressed IDX file; other gzip files stay as they are
		}
	}
	if h, w, ok := idxShape(b); ok {
		d, err := dataset.ReadIDX(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", path, err)
		}
		return makeSets(d, names, h, w, base)
	}
	// Not images, as far as anyone knows: unless told otherwise, the bytes
	// as they are, no binarizations, and bbans with one model (the
	// Writer's choice), not every model that happens to code the bytes.
	if len(names) == 0 {
		names = []string{"8bit"}
	}
	d := &dataset.Dataset{RecordSize: 784, Data: b}
	sets, err := makeSets(d, names, 0, 0, base)
	for _, s := range sets {
		if len(s.Models) > 1 {
			s.Models = s.Models[:1]
		}
	}
	return sets, err
}

// LoadRaw returns the named sets made from a raw file of records of the
// given shape (bench --shape): the file verbatim, its records
// shape.Size() bytes, coded only by the built-in models of that shape.
func LoadRaw(path string, names []string, shape dataset.Shape) ([]*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &dataset.Dataset{RecordSize: shape.Size(), Shape: shape, Data: b}
	h, w := 0, 0
	if shape.C == 1 {
		h, w = shape.H, shape.W
	}
	sets, err := makeSets(d, names, h, w, filepath.Base(path))
	for _, s := range sets {
		var keep []string
		for _, name := range s.Models {
			if m, err := vae.Builtin(name); err == nil && m.Arch.RecordShape() == shape {
				keep = append(keep, name)
			}
		}
		s.Models, s.Model = keep, ""
		if len(keep) > 0 {
			s.Model = keep[0]
		}
	}
	return sets, err
}

// idxShape reports whether b is an uncompressed IDX file of bytes and,
// for records of two dimensions, their height and width.
func idxShape(b []byte) (h, w int, ok bool) {
	if len(b) < 4 || b[0] != 0 || b[1] != 0 || b[2] != 8 || b[3] == 0 {
		return 0, 0, false
	}
	dims := int(b[3])
	if len(b) < 4+4*dims {
		return 0, 0, false
	}
	if dims == 3 {
		h = int(binary.BigEndian.Uint32(b[8:]))
		w = int(binary.BigEndian.Uint32(b[12:]))
	}
	return h, w, true
}

// gunzip returns b decompressed if it starts with gzip's magic, else b.
func gunzip(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, dataset.MaxDatasetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(out) > dataset.MaxDatasetBytes {
		return nil, fmt.Errorf("bench: more than %d bytes after gunzip", dataset.MaxDatasetBytes)
	}
	return out, nil
}

// makeSets binarizes d for each named set.
func makeSets(d *dataset.Dataset, names []string, h, w int, prefix string) ([]*Set, error) {
	if len(names) == 0 {
		names = SetNames
	}
	var sets []*Set
	for _, name := range names {
		b, err := binarization(name)
		if err != nil {
			return nil, err
		}
		bd, err := dataset.Binarize(d, b)
		if err != nil {
			return nil, err
		}
		label := name
		if prefix != "" {
			label = prefix + " " + name
		}
		s := &Set{Name: label, Data: bd.Data, RecordSize: bd.RecordSize, Height: h, Width: w, Binarized: b != dataset.None}
		s.Models = chooseModels(s)
		if len(s.Models) > 0 {
			s.Model = s.Models[0]
		}
		sets = append(sets, s)
	}
	return sets, nil
}

// chooseModels returns the built-in models of the set's record size that
// can code every whole record, in the order the Writer tries them (so the
// first is the one it would choose), or nil if there is none. A binarized
// set gets only the binarized models: an 8-bit model codes bytes 0 and 1
// too, but is not meant for them.
func chooseModels(s *Set) []string {
	if s.Records() == 0 {
		return nil
	}
	twos := make([]byte, s.RecordSize)
	for i := range twos {
		twos[i] = 2
	}
	var names []string
	for _, m := range stream.Models() {
		if m.RecordSize() != s.RecordSize || (s.Binarized && m.Codable(twos)) {
			continue
		}
		ok := true
		for i := 0; i < s.Records() && ok; i++ {
			ok = m.Codable(s.Data[i*s.RecordSize : (i+1)*s.RecordSize])
		}
		if ok {
			names = append(names, m.Name())
		}
	}
	return names
}
