package ans

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// op is one push recorded by a test, so that it can be popped and checked.
type op struct {
	lane        int
	start, freq uint32
	prec        uint
}

// randomInterval returns a random interval at precision prec.
func randomInterval(r *rand.Rand, prec uint) (start, freq uint32) {
	total := uint64(1) << prec
	f := 1 + r.Uint64N(total)
	if r.IntN(4) == 0 { // favour small frequencies: the costly symbols
		f = 1 + r.Uint64N(min(total, 16))
	}
	s := r.Uint64N(total - f + 1)
	return uint32(s), uint32(f)
}

func TestPushPopPrimitive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, lanes := range []int{1, 2, 3, 7, 8, 16, 63, 64} {
		for _, prec := range []uint{1, 2, 8, 12, 16, 23, 24, 31} {
			m := NewMessage(lanes)
			empty := m.Clone()
			var ops []op
			for range 2000 {
				start, freq := randomInterval(r, prec)
				o := op{lane: r.IntN(lanes), start: start, freq: freq, prec: prec}
				m.Push(o.lane, o.start, o.freq, o.prec)
				ops = append(ops, o)
			}
			for i := len(ops) - 1; i >= 0; i-- {
				o := ops[i]
				slot := m.Peek(o.lane, o.prec)
				if slot < o.start || slot-o.start >= o.freq {
					t.Fatalf("lanes=%d prec=%d op %d: peek %d outside [%d, %d)", lanes, prec, i, slot, o.start, o.start+o.freq)
				}
				m.Pop(o.lane, o.start, o.freq, o.prec)
			}
			if !m.Equal(empty) {
				t.Fatalf("lanes=%d prec=%d: message not restored", lanes, prec)
			}
		}
	}
}

// TestPopFromEmpty pops from nothing (borrowing words), then pushes the same
// symbols back: the message must return exactly to empty.
func TestPopFromEmpty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, lanes := range []int{1, 5, 64} {
		m := NewMessage(lanes)
		empty := m.Clone()
		var ops []op
		for range 5000 {
			prec := uint(1 + r.IntN(24))
			lane := r.IntN(lanes)
			slot := m.Peek(lane, prec)
			// Choose an interval that holds the slot.
			start := slot - uint32(r.Uint64N(uint64(slot)+1))
			freq := uint32(1 + r.Uint64N(uint64(1)<<prec-uint64(start)))
			if start+freq <= slot {
				freq = slot - start + 1
			}
			m.Pop(lane, start, freq, prec)
			ops = append(ops, op{lane, start, freq, prec})
		}
		if m.Borrowed() == 0 {
			t.Fatalf("lanes=%d: 5000 pops from an empty message borrowed nothing", lanes)
		}
		if m.TailLen() != 0 {
			t.Fatalf("lanes=%d: pops from an empty message left %d tail words", lanes, m.TailLen())
		}
		for i := len(ops) - 1; i >= 0; i-- {
			o := ops[i]
			m.Push(o.lane, o.start, o.freq, o.prec)
		}
		if !m.Equal(empty) {
			t.Fatalf("lanes=%d: message not restored to empty (borrowed %d, tail %d)", lanes, m.Borrowed(), m.TailLen())
		}
	}
}

func TestMisusePanics(t *testing.T) {
	cases := []struct {
		name string
		f    func(m *Message)
	}{
		{"freq 0", func(m *Message) { m.Push(0, 0, 0, 8) }},
		{"interval past total", func(m *Message) { m.Push(0, 200, 57, 8) }},
		{"precision 0", func(m *Message) { m.Push(0, 0, 1, 0) }},
		{"precision 32", func(m *Message) { m.Push(0, 0, 1, 32) }},
		{"pop interval without slot", func(m *Message) {
			s := m.Peek(0, 8)
			m.Pop(0, (s+1)%256, 1, 8)
		}},
		{"bernoulli prob 0", func(m *Message) { PushBernoulli(m, 0, []byte{1}, []uint16{0}, 8) }},
		{"bernoulli prob 2^prec", func(m *Message) { PushBernoulli(m, 0, []byte{0}, []uint16{256}, 8) }},
		{"bernoulli byte 2", func(m *Message) { PushBernoulli(m, 0, []byte{2}, []uint16{5}, 8) }},
		{"bernoulli lengths", func(m *Message) { PushBernoulli(m, 0, []byte{1, 0}, []uint16{5}, 8) }},
		{"lanes 0", func(m *Message) { NewMessage(0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			c.f(NewMessage(1))
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, lanes := range []int{1, 4, 64} {
		for _, pushes := range []int{0, 1, 10, 1000} {
			m := NewMessage(lanes)
			for range pushes {
				start, freq := randomInterval(r, 16)
				m.Push(r.IntN(lanes), start, freq, 16)
			}
			// Some borrowing too.
			for range 3 {
				m.Pop(0, m.Peek(0, 20), 1, 20)
			}
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != m.MarshalledSize() {
				t.Fatalf("MarshalledSize %d, marshalled %d bytes", m.MarshalledSize(), len(b))
			}
			var got Message
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatalf("lanes=%d pushes=%d: %v", lanes, pushes, err)
			}
			if !got.Equal(m) {
				t.Fatalf("lanes=%d pushes=%d: unmarshalled message differs (-marshalled +unmarshalled):\n%s", lanes, pushes,
					cmp.Diff(m, &got, cmp.AllowUnexported(Message{}), cmpopts.EquateEmpty()))
			}
		}
	}
}

func TestUnmarshalRejects(t *testing.T) {
	m := NewMessage(2)
	m.Push(0, 3, 5, 10)
	good, _ := m.MarshalBinary()
	cases := map[string][]byte{
		"empty":          {},
		"zero lanes":     {0, 0, 0},
		"too many lanes": {0x81, 0x08, 0, 0}, // 1025
		"short":          good[:len(good)-1],
		"long":           append(append([]byte(nil), good...), 0),
		"huge tail":      {1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8},
		"head too small": {1, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0},
		"head too big":   {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80},
	}
	// Non-canonical: a borrowed word sitting at the bottom of the tail.
	nc := []byte{1, 1, 1}
	w := borrowedWord(0)
	nc = append(nc, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	nc = append(nc, 0, 0, 0, 0, 0, 0, 0, 0x40)
	cases["non-canonical"] = nc
	for name, b := range cases {
		var got Message
		err := got.UnmarshalBinary(b)
		if !errors.Is(err, ErrMessage) {
			t.Errorf("%s: got %v, want ErrMessage", name, err)
		}
	}
}

// TestGolden pins the serialised form of a fixed sequence of operations:
// SPEC.md section 1 and every decoder in the world depend on these bytes.
func TestGolden(t *testing.T) {
	m := NewMessage(2)
	PushBernoulli(m, 0, []byte{1, 0, 1, 1, 0, 0, 0, 1}, []uint16{1, 2, 3, 4, 60000, 65000, 65535, 9}, 16)
	u := NewUniform(10)
	u.Push(m, 1, 7)
	g := NewGaussianBuckets(4, 12)
	g.PopPosterior(m, 1, []int32{0, 1 << 16}, []int32{1 << 15, 1 << 10}, make([]int32, 2))
	got, _ := m.MarshalBinary()
	const want = "020003cc513e6b0000fafffdff1fc2fffffbc67e6306005b760a9de44ceb53"
	if hex.EncodeToString(got) != want {
		t.Errorf("serialised message changed:\n got %x\nwant %s", got, want)
	}
	var back Message
	if err := back.UnmarshalBinary(got); err != nil || !bytes.Equal(mustMarshal(&back), got) {
		t.Errorf("golden message does not round-trip: %v", err)
	}
}

func mustMarshal(m *Message) []byte {
	b, _ := m.MarshalBinary()
	return b
}
