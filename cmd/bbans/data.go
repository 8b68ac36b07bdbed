package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bbans/bbans/vae/dataset"
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
func loadData(spec string, recordSize int, shape dataset.Shape, dropPartial bool) (*dataset.Dataset, error) {
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
func loadRecords(spec string, recordSize int, shape dataset.Shape, dropPartial bool) (*dataset.Dataset, error) {
	switch spec {
	case "mnist-test":
		return dataset.LoadMNIST("test")
	case "mnist-train", "mnist-trainset", "mnist-heldout":
		d, err := dataset.LoadMNIST("train")
		if err != nil {
			return nil, err
		}
		switch spec {
		case "mnist-trainset":
			d = d.Slice(0, d.Len()-dataset.MNISTHeldout)
		case "mnist-heldout":
			d = d.Slice(d.Len()-dataset.MNISTHeldout, d.Len())
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
	var d *dataset.Dataset
	switch {
	case recordSize > 0 && dropPartial:
		var b []byte
		if b, err = io.ReadAll(io.LimitReader(f, dataset.MaxDatasetBytes+1)); err == nil {
			if len(b) <= dataset.MaxDatasetBytes { // else ReadRaw says it is too large
				b = b[:len(b)/recordSize*recordSize]
			}
			d, err = dataset.ReadRaw(bytes.NewReader(b), recordSize)
		}
	case recordSize > 0:
		if d, err = dataset.ReadRaw(f, recordSize); errors.Is(err, dataset.ErrDataset) {
			err = fmt.Errorf("%w (give --drop-partial to leave a partial last record out)", err)
		}
	default:
		if d, err = dataset.ReadIDX(f); err != nil {
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
func binarize(d *dataset.Dataset, b dataset.Binarization) (*dataset.Dataset, error) {
	if b == dataset.None || d.MaxValue() <= 1 {
		return d, nil
	}
	return dataset.Binarize(d, b)
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
func shapeFlag(fs *flagSet, s *dataset.Shape, what string) {
	fs.Func("shape", "`WxH[xC]`: "+what+" are images of W x H pixels of C channels (default 1), channels interleaved per pixel", func(v string) error {
		sh, err := dataset.ParseShape(v)
		if err != nil {
			return err
		}
		*s = sh
		return nil
	})
}

// mnistDirFlag defines --mnist-dir: where the MNIST IDX files are, for a
// machine without the GoMNIST module in a Go module cache (dataset.MNISTDir);
// it sets BBANS_MNIST for the process.
func mnistDirFlag(fs *flag.FlagSet) {
	fs.Func("mnist-dir", "read MNIST from `DIR` (holding "+dataset.MNISTTrainImages+" and "+dataset.MNISTTestImages+"; the same as BBANS_MNIST=DIR)", func(v string) error {
		return os.Setenv("BBANS_MNIST", v)
	})
}
