package main

import (
	"fmt"
	"os"

	"github.com/bbans/bbans/vae"
)

// loadData reads the records train and eval work on: a MNIST split by
// name, an IDX file (gzip-compressed or not), or, with recordSize > 0, a
// raw file of fixed-size records.
//
// MNIST names: mnist-test (the 10,000 test images), mnist-train (all
// 60,000 training images), mnist-trainset (the first 50,000, what
// training fits) and mnist-heldout (the last 10,000, held out).
func loadData(spec string, recordSize int) (*vae.Dataset, error) {
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
	if recordSize > 0 {
		d, err = vae.ReadRaw(f, recordSize)
	} else {
		d, err = vae.ReadIDX(f)
	}
	if err != nil {
		if recordSize == 0 {
			err = fmt.Errorf("%w (for a raw file of records, give --record-size)", err)
		}
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
