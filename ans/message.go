package ans

import (
	"fmt"
	"math"
	"math/bits"
)

// Limits of the primitive operations.
const (
	// MaxPrecision is the largest precision (bits of the total frequency
	// 2^prec) that Push, Peek and Pop accept. It follows from the head
	// interval [2^31, 2^63) and 32-bit renormalisation: the interval's
	// lower bound must be a multiple of 2^prec.
	MaxPrecision = 31
	// MaxLanes is the largest number of lanes a Message may have.
	MaxLanes = 1024
)

// headLow is the lower bound of every head: heads lie in [headLow, 2^63).
const headLow = 1 << 31

// Message is an rANS message with stack semantics: L lanes, each a 64-bit
// head in [2^31, 2^63), sharing one tail of 32-bit words.
//
// Pushing a symbol whose interval is [start, start+freq) out of 2^prec onto
// a lane multiplies the lane's head by about 2^prec/freq; when the head would
// overflow, its low 32 bits first move to the tail. Popping is the exact
// inverse: the same interval must be given (find it with Peek), and a head
// that falls below 2^31 takes a word back from the tail. Operations must be
// undone in the reverse order of doing them, across all lanes, because the
// tail is shared.
//
// Popping from an empty or short message is defined: a new message's heads
// hold fixed pseudo-random values, and a pop that needs a word when the tail
// is empty takes the next word of a fixed pseudo-random sequence and counts
// it as borrowed (see SPEC.md section 1). Pushing the same word back returns
// it, so push and pop stay exact inverses, and a chain can start from nothing
// without any randomness that the decoder would need to know.
//
// The zero value is not usable; create messages with NewMessage.
type Message struct {
	head     []uint64
	tail     []uint32
	borrowed uint64 // words taken from below the bottom of the tail
}

// NewMessage returns an empty message with the given number of lanes,
// which must be in [1, MaxLanes].
func NewMessage(lanes int) *Message {
	m := &Message{}
	m.Reset(lanes)
	return m
}

// Reset makes m an empty message with the given number of lanes, keeping
// its allocated memory.
func (m *Message) Reset(lanes int) {
	if lanes < 1 || lanes > MaxLanes {
		panic(fmt.Sprintf("ans: lane count %d outside [1, %d]", lanes, MaxLanes))
	}
	if cap(m.head) >= lanes {
		m.head = m.head[:lanes]
	} else {
		m.head = make([]uint64, lanes)
	}
	for i := range m.head {
		m.head[i] = initialHead(i)
	}
	m.tail = m.tail[:0]
	m.borrowed = 0
}

// Lanes returns the number of lanes.
func (m *Message) Lanes() int { return len(m.head) }

// TailLen returns the number of 32-bit words in the tail.
func (m *Message) TailLen() int { return len(m.tail) }

// Borrowed returns how many words pops have taken from below the bottom of
// the tail, net of words pushed back. It is the part of the initial-bits
// cost that went beyond what the initial heads held.
func (m *Message) Borrowed() uint64 { return m.borrowed }

// Reserve grows the tail's capacity so that n more words can be pushed
// without allocating.
func (m *Message) Reserve(n int) {
	if n > cap(m.tail)-len(m.tail) {
		t := make([]uint32, len(m.tail), len(m.tail)+n)
		copy(t, m.tail)
		m.tail = t
	}
}

// BitLen returns the length of the message in bits: 32 bits for each tail
// word, the significant bits of each head, less 32 bits for each borrowed
// word. It is exact to within one bit per lane of the information the
// message holds; the difference of two BitLen values measures the cost of
// what was pushed between them.
func (m *Message) BitLen() int64 {
	n := 32 * (int64(len(m.tail)) - int64(m.borrowed))
	for _, x := range m.head {
		n += int64(bits.Len64(x))
	}
	return n
}

// Bits returns the information content of the message relative to an
// empty message with the same number of lanes, in bits, including the
// fractional bits of the heads. Pushing a symbol of probability p adds
// -log2(p) to it, up to the rounding of the coder. It is for reporting
// only: nothing on a coding path uses floating point.
func (m *Message) Bits() float64 {
	b := 32 * (float64(len(m.tail)) - float64(m.borrowed))
	for i, x := range m.head {
		b += math.Log2(float64(x)) - math.Log2(float64(initialHead(i)))
	}
	return b
}

// Clone returns a deep copy of m.
func (m *Message) Clone() *Message {
	return &Message{
		head:     append([]uint64(nil), m.head...),
		tail:     append([]uint32(nil), m.tail...),
		borrowed: m.borrowed,
	}
}

// Equal reports whether m and o hold the same state.
func (m *Message) Equal(o *Message) bool {
	if len(m.head) != len(o.head) || len(m.tail) != len(o.tail) || m.borrowed != o.borrowed {
		return false
	}
	for i := range m.head {
		if m.head[i] != o.head[i] {
			return false
		}
	}
	for i := range m.tail {
		if m.tail[i] != o.tail[i] {
			return false
		}
	}
	return true
}

// Push pushes onto lane the symbol whose interval is [start, start+freq)
// out of a total of 2^prec. It panics if freq is 0, if start+freq exceeds
// 2^prec, or if prec is outside [1, MaxPrecision].
//
// With x the head, the new head is (x/freq)*2^prec + x%freq + start. The head
// must stay below 2^63, so when x >= freq*2^(63-prec) its low 32 bits move
// to the tail first; afterwards x < 2^31 <= freq*2^(63-prec), so one word
// is always enough.
func (m *Message) Push(lane int, start, freq uint32, prec uint) {
	checkInterval(start, freq, prec)
	x := m.head[lane]
	f := uint64(freq)
	if x >= f<<(63-prec) {
		m.pushWord(uint32(x))
		x >>= 32
	}
	m.head[lane] = (x/f)<<prec + x%f + uint64(start)
}

// Peek returns the slot in [0, 2^prec) that the next pop from lane at this
// precision reads: the symbol to pop is the one whose interval holds it.
func (m *Message) Peek(lane int, prec uint) uint32 {
	if prec < 1 || prec > MaxPrecision {
		panic(fmt.Sprintf("ans: precision %d outside [1, %d]", prec, MaxPrecision))
	}
	return uint32(m.head[lane] & (1<<prec - 1))
}

// Pop pops from lane the symbol whose interval is [start, start+freq) out
// of 2^prec; the interval must hold the slot that Peek returns. It is the
// exact inverse of Push with the same arguments. It panics on the misuse
// that Push panics on, and if the interval does not hold the slot.
//
// The new head is freq*(x>>prec) + (x mod 2^prec) - start, which lies in
// [1, 2^63) for any head in [2^31, 2^63); below 2^31 it takes a word from
// the tail, which brings it back into [2^31, 2^63). So popping any valid
// interval from any message, even one made of garbage, is well defined.
func (m *Message) Pop(lane int, start, freq uint32, prec uint) {
	checkInterval(start, freq, prec)
	x := m.head[lane]
	slot := x & (1<<prec - 1)
	if slot-uint64(start) >= uint64(freq) {
		panic(fmt.Sprintf("ans: pop of interval [%d, %d) that does not hold slot %d", start, uint64(start)+uint64(freq), slot))
	}
	x = uint64(freq)*(x>>prec) + slot - uint64(start)
	if x < headLow {
		x = x<<32 | uint64(m.popWord())
	}
	m.head[lane] = x
}

func checkInterval(start, freq uint32, prec uint) {
	if prec < 1 || prec > MaxPrecision {
		panic(fmt.Sprintf("ans: precision %d outside [1, %d]", prec, MaxPrecision))
	}
	if freq == 0 {
		panic("ans: symbol with frequency 0")
	}
	if uint64(start)+uint64(freq) > 1<<prec {
		panic(fmt.Sprintf("ans: interval [%d, %d) exceeds 2^%d", start, uint64(start)+uint64(freq), prec))
	}
}

// pushWord puts w on top of the tail. If the tail is empty and words have
// been borrowed, w is the last borrowed word coming back, and the borrow is
// undone instead (see canonical form in SPEC.md section 1).
func (m *Message) pushWord(w uint32) {
	if len(m.tail) == 0 && m.borrowed != 0 {
		m.unborrow(w)
		return
	}
	m.tail = append(m.tail, w)
}

func (m *Message) unborrow(w uint32) {
	if w == borrowedWord(m.borrowed-1) {
		m.borrowed--
		return
	}
	m.tail = append(m.tail, w)
}

// popWord takes the top word off the tail, or borrows the next word of the
// fixed sequence when the tail is empty.
func (m *Message) popWord() uint32 {
	if n := len(m.tail) - 1; n >= 0 {
		w := m.tail[n]
		m.tail = m.tail[:n]
		return w
	}
	w := borrowedWord(m.borrowed)
	m.borrowed++
	return w
}
