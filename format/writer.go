package format

import (
	"errors"
	"io"
)

// A Writer writes one archive to an io.Writer: the header at NewWriter,
// frames with WriteFrame, and the end frame, with totals it has kept, at
// Close. Code that assembles frames in parallel can instead use
// AppendFrame in its workers and Totals plus AppendEnd where frames are put
// in order.
type Writer struct {
	w      io.Writer
	h      Header
	totals Totals
	buf    []byte
	err    error
}

// NewWriter writes the header h to w and returns a Writer for the frames.
func NewWriter(w io.Writer, h *Header) (*Writer, error) {
	b, err := AppendHeader(nil, h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	return &Writer{w: w, h: *h}, nil
}

// WriteFrame writes frame f (see AppendFrame for its rules).
func (z *Writer) WriteFrame(f *Frame) error {
	if z.err != nil {
		return z.err
	}
	b, err := AppendFrame(z.buf[:0], &z.h, f)
	if err != nil {
		return err // a bad frame is the caller's mistake; the Writer stays usable
	}
	z.buf = b
	if _, err := z.w.Write(b); err != nil {
		z.err = err
		return err
	}
	z.totals.Add(f)
	return nil
}

var errClosed = errors.New("format: Writer is closed")

// Close writes the end frame. It does not close the underlying writer.
func (z *Writer) Close() error {
	if z.err != nil {
		if z.err == errClosed {
			return nil
		}
		return z.err
	}
	if _, err := z.w.Write(AppendEnd(z.buf[:0], z.totals)); err != nil {
		z.err = err
		return err
	}
	z.err = errClosed
	return nil
}

// Totals returns the totals of the frames written so far.
func (z *Writer) Totals() Totals { return z.totals }
