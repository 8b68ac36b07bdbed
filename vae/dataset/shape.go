package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Shape is the image a record stands for: W x H pixels of C channels,
// channels interleaved per pixel as in PPM and 4-D IDX files, so byte
// (y·W + x)·C + c is channel c of pixel (x, y). A record of a Shape has
// W·H·C bytes. The zero Shape means "not given".
type Shape struct{ W, H, C int }

// Size returns the bytes of a record of shape s.
func (s Shape) Size() int { return s.W * s.H * s.C }

// IsZero reports whether s is the zero Shape (no shape given).
func (s Shape) IsZero() bool { return s == Shape{} }

// RowBytes returns the bytes of one row of pixels, W·C: the likelihoods
// of SPEC.md sections 3.4 and 3.5 (package vae) take their causal
// neighbours in the image of H rows of RowBytes bytes.
func (s Shape) RowBytes() int { return s.W * s.C }

// String gives the shape as WxH, or WxHxC with more than one channel.
func (s Shape) String() string {
	if s.C == 1 {
		return fmt.Sprintf("%dx%d", s.W, s.H)
	}
	return fmt.Sprintf("%dx%dx%d", s.W, s.H, s.C)
}

// MaxShapeSize bounds the bytes of a record of a Shape (64 KiB, the
// largest record a model takes).
const MaxShapeSize = 1 << 16

// Validate checks that s is a shape of a record of at most MaxShapeSize
// bytes.
func (s Shape) Validate() error {
	if s.W < 1 || s.H < 1 || s.C < 1 || s.W > MaxShapeSize || s.H > MaxShapeSize || s.C > MaxShapeSize ||
		s.Size() > MaxShapeSize {
		return fmt.Errorf("dataset: shape %dx%dx%d is not W, H, C >= 1 with at most %d bytes", s.W, s.H, s.C, MaxShapeSize)
	}
	return nil
}

// ParseShape parses WxH or WxHxC (as --shape takes it).
func ParseShape(str string) (Shape, error) {
	parts := strings.Split(str, "x")
	if len(parts) < 2 || len(parts) > 3 {
		return Shape{}, fmt.Errorf("shape %q: want WxH or WxHxC", str)
	}
	v := [3]int{1, 1, 1}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return Shape{}, fmt.Errorf("shape %q: %q is not a positive number", str, p)
		}
		v[i] = n
	}
	s := Shape{W: v[0], H: v[1], C: v[2]}
	if err := s.Validate(); err != nil {
		return Shape{}, fmt.Errorf("shape %q: at most %d bytes", str, MaxShapeSize)
	}
	return s, nil
}

// LegacyShape is the shape of a record of size r in a model file that
// does not store one (version 1, SPEC.md section 3.1): a square of one
// channel if r is a perfect square (28x28 for MNIST), else one row.
func LegacyShape(r int) Shape {
	w := int(math.Sqrt(float64(r)))
	for w*w > r {
		w--
	}
	for (w+1)*(w+1) <= r {
		w++
	}
	if w*w == r {
		return Shape{W: w, H: w, C: 1}
	}
	return Shape{W: r, H: 1, C: 1}
}
