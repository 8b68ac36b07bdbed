package vae

import (
	"encoding/binary"
	"fmt"
)

// Section reads the little-endian fields of a model file, failing on the
// first read past its end. Families read their section of the file with it
// (Family.Parse); every length read from the file is checked against what
// remains before anything is allocated.
type Section struct {
	b   []byte
	off int
}

// Offset returns the position in the file of the next field.
func (p *Section) Offset() int { return p.off }

// Bytes returns the next n bytes (not to be modified).
func (p *Section) Bytes(n int) ([]byte, error) {
	if n < 0 || n > len(p.b)-p.off {
		return nil, fmt.Errorf("truncated at byte %d (need %d more)", p.off, n)
	}
	s := p.b[p.off : p.off+n]
	p.off += n
	return s, nil
}

// U8 reads a byte.
func (p *Section) U8() (byte, error) {
	s, err := p.Bytes(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

// U32 reads a u32.
func (p *Section) U32() (uint32, error) {
	s, err := p.Bytes(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(s), nil
}

// Count reads a table length (u32) and checks that size bytes per entry
// remain in the file.
func (p *Section) Count(size int) (int, error) {
	n, err := p.U32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(size) > uint64(len(p.b)-p.off) {
		return 0, fmt.Errorf("table of %d entries overruns the file", n)
	}
	return int(n), nil
}

// I32s reads n i32 values.
func (p *Section) I32s(n int) ([]int32, error) {
	s, err := p.Bytes(4 * n)
	if err != nil {
		return nil, err
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(binary.LittleEndian.Uint32(s[4*i:]))
	}
	return v, nil
}

// U16s reads n u16 values.
func (p *Section) U16s(n int) ([]uint16, error) {
	s, err := p.Bytes(2 * n)
	if err != nil {
		return nil, err
	}
	v := make([]uint16, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint16(s[2*i:])
	}
	return v, nil
}

// U32s reads n u32 values.
func (p *Section) U32s(n int) ([]uint32, error) {
	s, err := p.Bytes(4 * n)
	if err != nil {
		return nil, err
	}
	v := make([]uint32, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(s[4*i:])
	}
	return v, nil
}

// Uvarint reads a minimal unsigned varint (encoding/binary): one that
// could be shorter is refused, so that a file has one encoding.
func (p *Section) Uvarint() (uint64, error) {
	v, k := binary.Uvarint(p.b[p.off:])
	if k <= 0 || k > 1 && p.b[p.off+k-1] == 0 {
		return 0, fmt.Errorf("bad varint at byte %d", p.off)
	}
	p.off += k
	return v, nil
}

// AppendI32s appends v as i32 values.
func AppendI32s(b []byte, v []int32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(x))
	}
	return b
}

// AppendU16s appends v as u16 values.
func AppendU16s(b []byte, v []uint16) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

// checkLikPrec checks a family's fixed likelihood precision.
func checkLikPrec(name string, got, want uint) error {
	if got != want {
		return fmt.Errorf("%s precision %d, want %d", name, got, want)
	}
	return nil
}
