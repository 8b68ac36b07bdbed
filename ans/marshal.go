package ans

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMessage is wrapped by every error that UnmarshalBinary returns.
var ErrMessage = errors.New("ans: invalid message")

// AppendBinary appends the serialised message to b (SPEC.md section 1):
//
//	uvarint lanes
//	uvarint borrowed
//	uvarint tail length n
//	n × u32 tail words, bottom of the stack first
//	lanes × u64 heads
//
// all little-endian. It never fails.
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(m.head)))
	b = binary.AppendUvarint(b, m.borrowed)
	b = binary.AppendUvarint(b, uint64(len(m.tail)))
	for _, w := range m.tail {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	for _, x := range m.head {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b, nil
}

// MarshalBinary returns the serialised message.
func (m *Message) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(make([]byte, 0, m.MarshalledSize()))
}

// MarshalledSize returns the length in bytes of the serialised message.
func (m *Message) MarshalledSize() int {
	return uvarintLen(uint64(len(m.head))) + uvarintLen(m.borrowed) +
		uvarintLen(uint64(len(m.tail))) + 4*len(m.tail) + 8*len(m.head)
}

// UnmarshalBinary replaces m with the message serialised in data, which
// must hold exactly one message. It checks everything (lane count, tail
// length against the bytes present, heads in [2^31, 2^63), the canonical
// form of borrowed words) before allocating, and returns an error wrapping
// ErrMessage on any violation; it never panics.
func (m *Message) UnmarshalBinary(data []byte) error {
	rest := data
	lanes, err := readUvarint(&rest, "lane count")
	if err != nil {
		return err
	}
	if lanes < 1 || lanes > MaxLanes {
		return fmt.Errorf("%w: lane count %d outside [1, %d]", ErrMessage, lanes, MaxLanes)
	}
	borrowed, err := readUvarint(&rest, "borrowed count")
	if err != nil {
		return err
	}
	n, err := readUvarint(&rest, "tail length")
	if err != nil {
		return err
	}
	if want := uint64(len(rest)); n > want/4 || want-4*n != 8*lanes {
		return fmt.Errorf("%w: %d bytes cannot hold %d tail words and %d heads", ErrMessage, want, n, lanes)
	}
	heads := rest[4*n:]
	for i := uint64(0); i < lanes; i++ {
		x := binary.LittleEndian.Uint64(heads[8*i:])
		if x < headLow || x >= 1<<63 {
			return fmt.Errorf("%w: head %d is %#x, outside [2^31, 2^63)", ErrMessage, i, x)
		}
	}
	if borrowed != 0 && n != 0 && binary.LittleEndian.Uint32(rest) == borrowedWord(borrowed-1) {
		return fmt.Errorf("%w: not in canonical form (bottom word equals the last borrowed word)", ErrMessage)
	}
	if cap(m.head) >= int(lanes) {
		m.head = m.head[:lanes]
	} else {
		m.head = make([]uint64, lanes)
	}
	for i := range m.head {
		m.head[i] = binary.LittleEndian.Uint64(heads[8*i:])
	}
	if cap(m.tail) >= int(n) {
		m.tail = m.tail[:n]
	} else {
		m.tail = make([]uint32, n)
	}
	for i := range m.tail {
		m.tail[i] = binary.LittleEndian.Uint32(rest[4*i:])
	}
	m.borrowed = borrowed
	return nil
}

func readUvarint(b *[]byte, what string) (uint64, error) {
	v, n := binary.Uvarint(*b)
	if n <= 0 {
		return 0, fmt.Errorf("%w: bad or missing %s", ErrMessage, what)
	}
	if n != uvarintLen(v) {
		// One message, one serialisation: padded varints are rejected.
		return 0, fmt.Errorf("%w: %s is not a minimal varint", ErrMessage, what)
	}
	*b = (*b)[n:]
	return v, nil
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
