package testsets

import (
	"encoding/binary"
	"fmt"
	"io"
)

// A Set is one kind of data cut into a training part and a test part that
// share nothing: a model is made from Train alone and judged on Test.
type Set struct {
	// Name is the kind's name, used for file names (NAME-train.idx).
	Name string
	// Height, Width and Channels are the shape of one record: Channels is
	// 1 for grey records and 3 for colour ones (interleaved R, G, B per
	// pixel, row-major).
	Height, Width, Channels int
	// Train and Test are whole records, one byte per sample.
	Train, Test []byte
}

// RecordSize returns the bytes of one record.
func (s *Set) RecordSize() int { return s.Height * s.Width * s.Channels }

// Records returns the number of records in part (Train or Test).
func (s *Set) Records(part []byte) int { return len(part) / s.RecordSize() }

// Dims returns the IDX dimensions of part: n x h x w for grey records,
// n x h x w x 3 for colour ones.
func (s *Set) Dims(part []byte) []uint32 {
	d := []uint32{uint32(s.Records(part)), uint32(s.Height), uint32(s.Width)}
	if s.Channels != 1 {
		d = append(d, uint32(s.Channels))
	}
	return d
}

// WriteIDX writes part (s.Train or s.Test) as an IDX file of unsigned bytes:
// 0x00 0x00 0x08, the number of dimensions, the big-endian u32 dimensions
// (Dims), then the records.
func (s *Set) WriteIDX(w io.Writer, part []byte) error {
	if len(part)%s.RecordSize() != 0 {
		return fmt.Errorf("testsets: %s: %d bytes is not a whole number of %d-byte records", s.Name, len(part), s.RecordSize())
	}
	dims := s.Dims(part)
	hdr := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, d)
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(part)
	return err
}
