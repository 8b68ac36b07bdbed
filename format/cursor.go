package format

import (
	"encoding/binary"
	"errors"
)

var (
	errVarintShort      = errors.New("truncated uvarint")
	errVarintOverflow   = errors.New("uvarint overflows 63 bits")
	errVarintNonMinimal = errors.New("uvarint not in its shortest form")
)

// cursor walks a byte slice that has already been read in full.
type cursor struct {
	b []byte
	i int
}

func (c *cursor) byte() (byte, bool) {
	if c.i >= len(c.b) {
		return 0, false
	}
	c.i++
	return c.b[c.i-1], true
}

func (c *cursor) bytes(n int) ([]byte, bool) {
	if n < 0 || n > len(c.b)-c.i {
		return nil, false
	}
	c.i += n
	return c.b[c.i-n : c.i], true
}

func (c *cursor) uvarint() (uint64, error) {
	v, n, err := uvarint(c.b[c.i:])
	if err != nil {
		return 0, err
	}
	c.i += n
	return v, nil
}

// uvarint decodes a uvarint that must be in its shortest form and below
// 2^63. Requiring the shortest form gives every value one encoding, so an
// archive is a function of its content and a flipped continuation bit cannot
// hide behind an equal value.
func uvarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	switch {
	case n == 0:
		return 0, 0, errVarintShort
	case n < 0 || v > 1<<63-1:
		return 0, 0, errVarintOverflow
	case n > 1 && b[n-1] == 0:
		return 0, 0, errVarintNonMinimal
	}
	return v, n, nil
}
