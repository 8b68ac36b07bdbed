package cmix

import (
	"fmt"
	"testing"
)

// BenchmarkCode codes synthetic 28x28 records of 256 levels (about a
// third of their pixels nonzero, like MNIST) with a primed model of each
// version, adapting, encoding and decoding.
func BenchmarkCode(b *testing.B) {
	lv := levelsOf(256)
	train := synth(300, 28, 28, 1, lv, 20)
	test := synth(200, 28, 28, 1, lv, 21)
	for v := 1; v <= LatestVersion; v++ {
		p := DefaultParams(28, 28, 1, lv)
		p.Version, p.TableBits = v, 20
		m, _ := New(p)
		m.Prime(train, 1, nil)
		b.Run(fmt.Sprintf("v%d/encode", v), func(b *testing.B) {
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
		b.Run(fmt.Sprintf("v%d/decode", v), func(b *testing.B) {
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
}
