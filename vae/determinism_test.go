package vae

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/simd"
)

// traceDigest hashes everything that decides the coder's probabilities for
// the records of d: posterior means and sigmas, drawn buckets and their
// frequencies, and the frequency of every byte.
func traceDigest(m *Model, d *dataset.Dataset) string {
	h := sha256.New()
	var b [5]byte
	m.trace(d, 1, func(k traceKind, v uint32, _ uint) {
		b[0] = byte(k)
		binary.LittleEndian.PutUint32(b[1:], v)
		h.Write(b[:])
	})
	return hex.EncodeToString(h.Sum(nil))
}

// TestSameIntegersOnEveryLevel computes the coding probabilities of a few
// hundred test images on every SIMD level this machine and build support
// (only the reference with -tags noasm or off amd64) and compares them
// with ==, through a digest. For the built-in models the digest is also
// pinned, so that every platform (arm64 under qemu in CI, noasm) must
// reproduce the same numbers.
func TestSameIntegersOnEveryLevel(t *testing.T) {
	type named struct {
		name string
		m    *Model
	}
	models := []named{{"random-logistic1", testModel(t, Logistic, 1)}}
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, named{name, m})
	}
	for _, nm := range models {
		t.Run(nm.name, func(t *testing.T) {
			n := 300
			if nm.m.Arch.Likelihood == CMix {
				n = traceCMixImages // some 50 times slower per image
			}
			d := testImages(t, nm.m, n)
			var first string
			for _, l := range simd.Levels() {
				restore := simd.ForceLevel(l)
				got := traceDigest(nm.m, d)
				restore()
				if first == "" {
					first = got
				} else if got != first {
					t.Errorf("level %v: digest %s, %v gave %s", l, got, simd.Levels()[0], first)
				}
			}
			if want, ok := builtinTraceDigests[nm.name]; ok && first != want {
				t.Errorf("digest %s, pinned %s", first, want)
			}
			t.Logf("digest %s on %v", first, simd.Levels())
		})
	}
}
