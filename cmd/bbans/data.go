package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/bbans/bbans/vae"
)

// loadData reads the records train and eval work on: a MNIST split by
// name, an IDX file (gzip-compressed or not), or, with recordSize > 0, a
// raw file of fixed-size records; with dropPartial, a partial record at
// the end of a raw file is left out rather than refused.
//
// MNIST names: mnist-test (the 10,000 test images), mnist-train (all
// 60,000 training images), mnist-trainset (the first 50,000, what
// training fits) and mnist-heldout (the last 10,000, held out).
func loadData(spec string, recordSize int, dropPartial bool) (*vae.Dataset, error) {
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
			err = fmt.Errorf("%w (for a raw file of records, give --record-size)", err)
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
