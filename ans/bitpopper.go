package ans

// BitPopper pops Bernoulli bits one at a time from one lane, for a decoder
// whose every probability depends on the bits popped before it (a context
// model walking a binary tree): the lane's head lives in the popper, which
// the caller keeps in a local variable so that the compiler holds it in a
// register, and goes back to the message at Close. Pop followed by Renorm
// is PopBernoulli of one bit, the same arithmetic without a call, a loop or
// a branch on the bit. Between Message.BitPopper and Close no other pop or
// push may touch the message (a renormalisation takes a word from the tail
// that all lanes share).
//
// The work is split in two so that each half is small enough for the
// compiler to inline (a call in Pop would keep it out of line, and an out
// of line call costs the caller its registers):
//
//	p := ...                  // P(1) in units of 2^-16
//	bit := d.Pop(p)
//	d.Renorm()                // before the next Pop, always
type BitPopper struct {
	x    uint64
	bad  uint64 // bit 63 set once a probability was out of range
	m    *Message
	lane int
}

// BitPopper starts popping bits from lane.
func (m *Message) BitPopper(lane int) BitPopper {
	return BitPopper{x: m.head[lane], m: m, lane: lane}
}

// Pop pops one bit with probability p/2^16 of being 1 and returns it (0 or
// 1): PopBernoulli at precision MaxBernoulliPrecision, symbol 0 with the
// interval [0, 2^16-p) and symbol 1 [2^16-p, 2^16). p must lie in [1,
// 2^16-1]; Renorm panics if it did not. Renorm must follow before the next
// Pop: the head may be below 2^31.
func (d *BitPopper) Pop(p uint16) uint64 {
	const prec = MaxBernoulliPrecision
	const one = 1 << prec
	pp := uint64(p)
	// pp-1 wraps to above 2^63 when pp is 0 (a uint16 is below one).
	d.bad |= pp - 1
	q := one - pp
	slot := d.x & (one - 1)
	// slot >= q (bit 1) makes q-1-slot wrap below zero: its top bit is the
	// bit, and -s masks the interval without a branch.
	s := (q - 1 - slot) >> 63
	d.x = (q+(pp-q)&-s)*(d.x>>prec) + slot - q&-s
	return s
}

// Renorm brings a head below 2^31 back into [2^31, 2^63) with a word from
// the tail, as Message.Pop does after each pop.
func (d *BitPopper) Renorm() {
	if d.x < headLow || d.bad>>63 != 0 {
		d.refill()
	}
}

// refill is Renorm's rare path, out of line: a head loses one bit per bit
// of information, so it takes a word about once every 32 bits coded.
//
//go:noinline
func (d *BitPopper) refill() {
	if d.bad>>63 != 0 {
		panic("ans: BitPopper.Pop of probability 0")
	}
	d.x = d.x<<32 | uint64(d.m.popWord())
}

// Close renormalises and writes the head back to the message; the popper
// is done.
func (d *BitPopper) Close() {
	d.Renorm()
	d.m.head[d.lane] = d.x
}
