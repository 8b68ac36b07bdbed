package stream

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// toyRecords returns n records sampled from the toy model, with every
// escapeEvery-th record (if escapeEvery > 0) made uncodable.
func toyRecords(m *toyModel, n, escapeEvery int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	var data []byte
	for i := range n {
		rec := m.sample(r)
		if escapeEvery > 0 && i%escapeEvery == escapeEvery-1 {
			rec[r.IntN(len(rec))] = byte(2 + r.IntN(254))
		}
		data = append(data, rec...)
	}
	return data
}

func TestChunkRoundTrip(t *testing.T) {
	m := newToyModel()
	for _, lanes := range []int{1, 2, 3, 8} {
		for _, n := range []int{1, 2, 3, 7, 8, 9, 100} {
			for _, esc := range []int{0, 1, 3} {
				t.Run(fmt.Sprintf("lanes=%d/n=%d/escape=%d", lanes, n, esc), func(t *testing.T) {
					data := toyRecords(m, n, esc, uint64(n))
					enc := newChunkCoder(m, lanes)
					payload := enc.encode(nil, data)
					dec := newChunkCoder(m, lanes)
					out := make([]byte, len(data))
					if err := dec.decode(out, payload); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(out, data) {
						t.Fatal("decoded records differ")
					}
				})
			}
		}
	}
}

// TestChunkCompresses checks that the toy model really saves bits (so the
// bits-back path, not an accident, is what round-trips) and that an unused
// escape costs next to nothing.
func TestChunkCompresses(t *testing.T) {
	m := newToyModel()
	data := toyRecords(m, 2000, 0, 9)
	c := newChunkCoder(m, 4)
	payload := c.encode(nil, data)
	// A record holds 24 bits of raw information (one bit per byte).
	if bits := 8 * len(payload); bits > 2000*24/2 {
		t.Errorf("payload %d bits for 2000 toy records: the model saves less than half", bits)
	}
	escData := bytes.Clone(data)
	escData[999*toySize] = 7
	escData[1999*toySize+5] = 255
	withEsc := c.encode(nil, escData)
	t.Logf("payload %d bytes; with 2 escapes %d bytes", len(payload), len(withEsc))
	if len(withEsc) > len(payload)+2*toySize+16 {
		t.Errorf("2 escaped records cost %d bytes more", len(withEsc)-len(payload))
	}
}

func TestChunkDamage(t *testing.T) {
	m := newToyModel()
	data := toyRecords(m, 50, 7, 3)
	c := newChunkCoder(m, 3)
	payload := c.encode(nil, data)
	out := make([]byte, len(data))
	undetected := 0
	for i := range payload {
		for bit := range 8 {
			bad := bytes.Clone(payload)
			bad[i] ^= 1 << bit
			err := c.decode(out, bad)
			if err == nil && !bytes.Equal(out, data) {
				undetected++ // the frame CRC catches these
			}
		}
	}
	t.Logf("%d of %d bit flips decode without a chunk-level error (the frame CRC catches them)", undetected, 8*len(payload))
	if err := c.decode(out, payload[:len(payload)-1]); err == nil {
		t.Error("truncated payload decoded without error")
	}
	if err := c.decode(make([]byte, len(data)-toySize), payload); err == nil {
		t.Error("payload decoded as one record fewer without error")
	}
}
