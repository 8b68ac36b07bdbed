package vae

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/vae/cmix"
)

func TestModelFileRoundTrip(t *testing.T) {
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{Bernoulli, 1}, {Logistic, 1}, {Logistic, 2}, {BernoulliAR, 1}, {LogisticAR, 2}} {
		m := testModel(t, c.lik, c.K)
		f := m.File()
		if sum := sha256.Sum256(f[:len(f)-32]); m.Hash() != sum || !bytes.Equal(sum[:], f[len(f)-32:]) {
			t.Errorf("%v: hash is not the SHA-256 trailer of the body", m.Arch)
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := ReadModel(&buf)
		if err != nil {
			t.Fatalf("%v: %v", m.Arch, err)
		}
		if !bytes.Equal(m2.appendBody(nil), f[:len(f)-32]) || m2.Hash() != m.Hash() {
			t.Errorf("%v: re-encoding a loaded model changes its bytes", m.Arch)
		}
		if m2.Description != m.Description || m2.Arch.String() != m.Arch.String() {
			t.Errorf("loaded %q %v", m2.Description, m2.Arch)
		}
	}
}

func TestModelFileDamage(t *testing.T) {
	m := testModel(t, Logistic, 2)
	f := m.File()
	check := func(name string, b []byte) {
		t.Helper()
		if _, err := ParseModel(b); !errors.Is(err, ErrModelFile) {
			t.Errorf("%s: error %v, want ErrModelFile", name, err)
		}
	}
	check("empty", nil)
	check("foreign", []byte("PK\x03\x04 not a model at all, but long enough to have a hash......"))
	check("truncated", f[:len(f)-1])
	check("extended", append(bytes.Clone(f), 0))
	for _, off := range []int{0, 8, 9, 12, 30, 1000, len(f) / 2, len(f) - 40, len(f) - 1} {
		b := bytes.Clone(f)
		b[off] ^= 0x10
		check("flipped byte", b)
	}
	// A well-hashed file with a bad field: version, then a non-monotone
	// sigmoid table.
	b := bytes.Clone(f[:len(f)-32])
	b[8] = 2
	check("version", rehash(b))
	m2 := *m
	lt := *m.Lik.(*logisticTables)
	lt.sigmoid = bytes32(lt.sigmoid)
	lt.sigmoid[100], lt.sigmoid[101] = lt.sigmoid[101], lt.sigmoid[100]+1
	m2.Lik = &lt
	check("sigmoid table", rehash(m2.appendBody(nil)))
	m3 := *m
	m3.Enc = append([]Layer(nil), m.Enc...)
	m3.Enc[0].Shift = bytes.Repeat([]byte{63}, m.Enc[0].N)
	check("shift", rehash(m3.appendBody(nil)))
}

func bytes32(v []uint32) []uint32 { return append([]uint32(nil), v...) }

func rehash(body []byte) []byte {
	s := sha256.Sum256(body)
	return append(body, s[:]...)
}

// FuzzParseModel checks that no input makes the loader panic or allocate
// without bound, and that whatever loads re-encodes to the same bytes.
// Seeds are small model files of every family; the families whose files
// carry big tables (BernoulliAR's fixed 1 MB context table, context mixing's
// tables) are cut to their first 4 KB, with the hash fixed, so that an
// execution costs microseconds and the fuzzer reaches a million of them in a
// CI-sized budget: their fields up to the tables are fuzzed, the tables
// themselves are left to the deterministic damage tests.
func FuzzParseModel(f *testing.F) {
	cut := func(file []byte) []byte {
		return rehash(bytes.Clone(file[:min(len(file)-32, 4096)]))
	}
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{Bernoulli, 1}, {Logistic, 1}, {Logistic, 2}, {BernoulliAR, 1}, {LogisticAR, 2}} {
		m := smallModel(f, c.lik, c.K)
		file := m.File()
		if c.lik == BernoulliAR {
			file = cut(file)
		}
		f.Add(file)
		// Seeds with a valid hash over a damaged body, to get past the
		// checksum.
		b := bytes.Clone(file[:len(file)-32])
		b[20] ^= 1
		f.Add(rehash(b))
	}
	cm := cut(smallCMModel(f).File())
	f.Add(cm)
	b := bytes.Clone(cm[:len(cm)-32])
	b[len(b)-60] ^= 1
	f.Add(rehash(b))
	f.Add([]byte(ModelMagic))
	f.Add(smallCMixModel(f).File())
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 32 && len(b)%3 == 0 {
			// Usually fix the hash so that the fuzzer reaches the fields.
			b = rehash(bytes.Clone(b[:len(b)-32]))
		}
		m, err := ParseModel(b)
		if err != nil {
			return
		}
		if !bytes.Equal(m.File(), b) || !bytes.Equal(rehash(m.appendBody(nil)), b) {
			t.Errorf("loaded model does not re-encode to its file")
		}
	})
}

// smallCMModel is a context-mix model over smallModel's BernoulliAR nets,
// fitted to 40 random 16-byte records.
func smallCMModel(t testing.TB) *Model {
	t.Helper()
	base := smallModel(t, BernoulliAR, 1)
	d := &dataset.Dataset{RecordSize: 16, Data: make([]byte, 16*40)}
	g := dataset.SplitMix64{State: 8}
	for i := range d.Data {
		d.Data[i] = byte(g.Next() >> (g.Next() % 8 * 8))
	}
	m, err := BuildContextMix(base, d, CMConfig{Alpha: 4, MinCount: 1, Epochs: 1, LR: 0.01, Seed: 2, Description: "small"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallModel is a random model (randomModel) with 16-byte records: a
// small, valid model file, quick to build and to fuzz.
func smallModel(t testing.TB, lik Likelihood, K int) *Model {
	t.Helper()
	a := Arch{RecordSize: 16, Likelihood: lik, Components: K, EncHidden: []int{8}, Latent: 2, DecHidden: []int{6, 5}}
	return randomModel(t, a, 4)
}

// smallCMixModel is a cmix model of 6x5 records with four levels, primed on
// a few records.
func smallCMixModel(f testing.TB) *Model {
	p := cmix.DefaultParams(6, 5, 1, []byte{0, 3, 9, 200})
	p.TableBits = 10
	cm, err := cmix.New(p)
	if err != nil {
		f.Fatal(err)
	}
	rec := make([]byte, 30)
	for i := range rec {
		rec[i] = p.Levels[i*i%4]
	}
	cm.Prime(rec, 1, nil)
	m, err := NewCMix(cm, "small cmix")
	if err != nil {
		f.Fatal(err)
	}
	return m
}
