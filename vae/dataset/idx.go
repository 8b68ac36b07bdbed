package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// MaxDatasetBytes bounds the size of a dataset that ReadIDX and ReadRaw
// accept (1 GiB), so a damaged header cannot ask for unbounded memory.
const MaxDatasetBytes = 1 << 30

// ReadIDX reads an IDX file of unsigned bytes (the format of the MNIST
// files: magic 0x00 0x00 0x08 n, then n big-endian u32 dimensions, then the
// data), gzip-compressed or not. The first dimension counts records; the
// product of the others is the record size. Dimensions n x h x w give
// records of Shape w x h, n x h x w x c records of w x h pixels of c
// channels (IDXShape); other dimensions give no shape. Gzip is recognised
// by its magic bytes 0x1f 0x8b.
func ReadIDX(r io.Reader) (*Dataset, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrDataset, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("%w: IDX header: %v", ErrDataset, unexpected(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("%w: not an IDX file (magic % x)", ErrDataset, hdr[:])
	}
	if hdr[2] != 0x08 {
		return nil, fmt.Errorf("%w: IDX element type 0x%02x, want 0x08 (unsigned byte)", ErrDataset, hdr[2])
	}
	nd := int(hdr[3])
	if nd < 1 {
		return nil, fmt.Errorf("%w: IDX file with no dimensions", ErrDataset)
	}
	dims := make([]byte, 4*nd)
	if _, err := io.ReadFull(br, dims); err != nil {
		return nil, fmt.Errorf("%w: IDX dimensions: %v", ErrDataset, unexpected(err))
	}
	n := uint64(binary.BigEndian.Uint32(dims))
	size := uint64(1)
	for i := 1; i < nd; i++ {
		size *= uint64(binary.BigEndian.Uint32(dims[4*i:]))
		if size > MaxDatasetBytes {
			break
		}
	}
	if size == 0 || size > MaxDatasetBytes || n*size > MaxDatasetBytes {
		return nil, fmt.Errorf("%w: IDX shape of %d records of %d bytes is empty or too large", ErrDataset, n, size)
	}
	var buf bytes.Buffer
	got, err := io.Copy(&buf, io.LimitReader(br, int64(n*size)))
	if err != nil {
		return nil, fmt.Errorf("%w: IDX data: %v", ErrDataset, err)
	}
	if uint64(got) != n*size {
		return nil, fmt.Errorf("%w: IDX data has %d bytes, header says %d", ErrDataset, got, n*size)
	}
	d := make([]int, nd)
	for i := range d {
		d[i] = int(binary.BigEndian.Uint32(dims[4*i:]))
	}
	return &Dataset{RecordSize: int(size), Shape: IDXShape(d), Data: buf.Bytes()}, nil
}

// IDXShape returns the record shape of an IDX file of dimensions dims
// (records first): w x h for n x h x w, w x h x c for n x h x w x c, and
// the zero Shape (none) for other dimensions.
func IDXShape(dims []int) Shape {
	var s Shape
	switch len(dims) {
	case 3:
		s = Shape{W: dims[2], H: dims[1], C: 1}
	case 4:
		s = Shape{W: dims[2], H: dims[1], C: dims[3]}
	default:
		return Shape{}
	}
	if s.Validate() != nil {
		return Shape{}
	}
	return s
}

// ReadRaw reads a file of fixed-size records with nothing else in it. A
// trailing partial record is an error.
func ReadRaw(r io.Reader, recordSize int) (*Dataset, error) {
	if recordSize < 1 {
		return nil, fmt.Errorf("dataset: record size %d, want >= 1", recordSize)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxDatasetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDatasetBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrDataset, MaxDatasetBytes)
	}
	if len(data)%recordSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of %d-byte records", ErrDataset, len(data), recordSize)
	}
	return &Dataset{RecordSize: recordSize, Data: data}, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
