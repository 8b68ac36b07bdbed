package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bbans/bbans/vae"
)

// errShapeFlag marks a --shape that does not fit the data (a usage error).
var errShapeFlag = errors.New("--shape does not fit the records")

// loadData reads the records train and eval work on: a MNIST split by
// name, an IDX file (gzip-compressed or not), or, with recordSize > 0 or a
// shape (--record-size, --shape), a raw file of fixed-size records; with
// dropPartial, a partial record at the end of a raw file is left out
// rather than refused. An IDX file of n x h x w (x c) gives its records'
// shape; a shape given overrides it, and must have the records' size.
//
// MNIST names: mnist-test (the 10,000 test images), mnist-train (all
// 60,000 training images), mnist-trainset (the first 50,000, what
// training fits) and mnist-heldout (the last 10,000, held out).
func loadData(spec string, recordSize int, shape vae.Shape, dropPartial bool) (*vae.Dataset, error) {
	d, err := loadRecords(spec, recordSize, shape, dropPartial)
	if err != nil || shape.IsZero() {
		return d, err
	}
	if d.RecordSize != shape.Size() {
		return nil, fmt.Errorf("%w: %s has records of %d bytes, --shape %v has %d", errShapeFlag, spec, d.RecordSize, shape, shape.Size())
	}
	d.Shape = shape
	return d, nil
}

// loadRecords is loadData without the check of a given shape. A file is
// raw with --record-size, IDX or raw by its first bytes with only --shape,
// and IDX otherwise.
func loadRecords(spec string, recordSize int, shape vae.Shape, dropPartial bool) (*vae.Dataset, error) {
	switch spec {
	case "mnist-test":
		return vae.LoadMNIST("test")
	case "mnist-train", "mnist-trainset", "mnist-heldout":
		d, err := vae.LoadMNIST("train")
		if err != nil {
			return nil, err
		}
		switch spec {
		case "mnist-trainset":
			d = d.Slice(0, d.Len()-vae.MNISTHeldout)
		case "mnist-heldout":
			d = d.Slice(d.Len()-vae.MNISTHeldout, d.Len())
		}
		return d, nil
	}
	f, err := os.Open(spec)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if recordSize == 0 && !shape.IsZero() && !isIDX(f) {
		recordSize = shape.Size()
	}
	var d *vae.Dataset
	switch {
	case recordSize > 0 && dropPartial:
		var b []byte
		if b, err = io.ReadAll(io.LimitReader(f, vae.MaxDatasetBytes+1)); err == nil {
			if len(b) <= vae.MaxDatasetBytes { // else ReadRaw says it is too large
				b = b[:len(b)/recordSize*recordSize]
			}
			d, err = vae.ReadRaw(bytes.NewReader(b), recordSize)
		}
	case recordSize > 0:
		if d, err = vae.ReadRaw(f, recordSize); errors.Is(err, vae.ErrDataset) {
			err = fmt.Errorf("%w (give --drop-partial to leave a partial last record out)", err)
		}
	default:
		if d, err = vae.ReadIDX(f); err != nil {
			err = fmt.Errorf("%w (for a raw file of records, give --shape or --record-size)", err)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec, err)
	}
	return d, nil
}

// binarize applies b to d unless d is binarized already: thresholding
// bytes 0 and 1 at 128 would erase them.
func binarize(d *vae.Dataset, b vae.Binarization) (*vae.Dataset, error) {
	if b == vae.None || d.MaxValue() <= 1 {
		return d, nil
	}
	return vae.Binarize(d, b)
}

// isIDX reports whether f starts with an IDX header of bytes (uncompressed)
// and rewinds it.
func isIDX(f *os.File) bool {
	var b [4]byte
	n, _ := io.ReadFull(f, b[:])
	f.Seek(0, io.SeekStart)
	return n == 4 && b[0] == 0 && b[1] == 0 && b[2] == 8 && b[3] >= 1
}

// shapeFlag defines --shape on fs, parsed into *s.
func shapeFlag(fs *flagSet, s *vae.Shape, what string) {
	fs.Func("shape", "`WxH[xC]`: "+what+" are images of W x H pixels of C channels (default 1), channels interleaved per pixel", func(v string) error {
		sh, err := vae.ParseShape(v)
		if err != nil {
			return err
		}
		*s = sh
		return nil
	})
}

// mnistDirFlag defines --mnist-dir: where the MNIST IDX files are, for a
// machine without the GoMNIST module in a Go module cache (vae.MNISTDir);
// it sets BBANS_MNIST for the process.
func mnistDirFlag(fs *flag.FlagSet) {
	fs.Func("mnist-dir", "read MNIST from `DIR` (holding "+vae.MNISTTrainImages+" and "+vae.MNISTTestImages+"; the same as BBANS_MNIST=DIR)", func(v string) error {
		return os.Setenv("BBANS_MNIST", v)
	})
}
