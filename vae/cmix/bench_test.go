package cmix

import "testing"

// BenchmarkCode codes synthetic 28x28 records of 256 levels (about a
// third of their pixels nonzero, like MNIST) with a primed model, adapting,
// encoding and decoding.
func BenchmarkCode(b *testing.B) {
	lv := levelsOf(256)
	train := synth(300, 28, 28, 1, lv, 20)
	p := DefaultParams(28, 28, 1, lv)
	p.TableBits = 20
	m, _ := New(p)
	m.Prime(train, 1, nil)
	test := synth(200, 28, 28, 1, lv, 21)
	b.Run("encode", func(b *testing.B) {
		c := m.NewCoder()
		var bits []byte
		var probs []uint16
		b.SetBytes(int64(len(test)))
		b.ReportAllocs()
		for b.Loop() {
			c.Reset()
			for off := 0; off < len(test); off += 784 {
				bits, probs = c.Encode(test[off:off+784], bits[:0], probs[:0])
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		c, d := m.NewCoder(), m.NewCoder()
		var all [][]uint32
		for off := 0; off < len(test); off += 784 {
			bits, probs := c.Encode(test[off:off+784], nil, nil)
			all = append(all, decisions(bits, probs))
		}
		rec := make([]byte, 784)
		b.SetBytes(int64(len(test)))
		b.ReportAllocs()
		for b.Loop() {
			d.Reset()
			for _, dec := range all {
				d.Decode(rec, &replay{t: b, dec: dec})
			}
		}
	})
}
