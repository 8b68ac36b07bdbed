package dataset

import (
	"errors"
	"fmt"
)

// A Dataset is a sequence of fixed-size records held in memory: record i is
// Data[i*RecordSize : (i+1)*RecordSize]. MNIST images are 784-byte records,
// one byte per pixel, row-major.
type Dataset struct {
	RecordSize int
	// Shape is the image a record stands for, if known (an IDX file of
	// n x h x w or n x h x w x c gives it; see Shape): its Size is
	// RecordSize.
	Shape Shape
	Data  []byte
}

// CheckShape reports an error if d's shape is known and is not s.
func (d *Dataset) CheckShape(s Shape) error {
	if !d.Shape.IsZero() && d.Shape != s {
		return fmt.Errorf("dataset: records of shape %v for a model of shape %v", d.Shape, s)
	}
	return nil
}

// ErrDataset reports a dataset file that cannot be read as one.
var ErrDataset = errors.New("dataset: invalid dataset")

// Len returns the number of records.
func (d *Dataset) Len() int {
	if d.RecordSize == 0 {
		return 0
	}
	return len(d.Data) / d.RecordSize
}

// Record returns record i (a slice of Data, not a copy).
func (d *Dataset) Record(i int) []byte {
	return d.Data[i*d.RecordSize : (i+1)*d.RecordSize]
}

// Slice returns the records lo..hi-1, sharing Data.
func (d *Dataset) Slice(lo, hi int) *Dataset {
	if lo < 0 || hi < lo || hi > d.Len() {
		panic(fmt.Sprintf("dataset: Slice(%d, %d) of %d records", lo, hi, d.Len()))
	}
	return &Dataset{RecordSize: d.RecordSize, Shape: d.Shape, Data: d.Data[lo*d.RecordSize : hi*d.RecordSize]}
}

// MaxValue returns the largest byte in the dataset (1 for binarized data).
func (d *Dataset) MaxValue() byte {
	var m byte
	for _, b := range d.Data {
		m = max(m, b)
	}
	return m
}
