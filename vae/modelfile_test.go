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
// An execution costs in proportion to the input (the hash alone reads all
// of it) and the fuzzer minimises every new input in time quadratic in its
// length, so the seeds are small: whole tiny models (fuzzSeedModels: a few
// hundred bytes with nets, less without) wherever a family allows it, and,
// for the families whose files carry fixed big tables (the logistic
// sigmoid, BernoulliAR's context table, context mixing's tables and state),
// the first bytes of a small model up to a little into its tables, with the
// hash fixed: their fields up to the tables are fuzzed, the tables
// themselves are left to the deterministic damage tests.
func FuzzParseModel(f *testing.F) {
	for _, file := range fuzzSeedModels(f) {
		if len(file) > 512 {
			f.Fatalf("a seed of %d bytes, longer than the inputs fuzzed", len(file))
		}
		f.Add(file)
		// A valid hash over a damaged body, to get past the checksum.
		b := bytes.Clone(file[:len(file)-32])
		b[20] ^= 1
		f.Add(rehash(b))
	}
	f.Add([]byte(ModelMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 512 {
			// Longer than any seed: the fuzzer grows inputs by copying
			// parts of them, and minimises every new one in time
			// quadratic in its length (a minute, its limit, from a few
			// kilobytes), while longer files reach nothing shorter ones
			// do not but bigger tables.
			return
		}
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

// fuzzSeedModels are FuzzParseModel's seeds: model files of every
// likelihood family, whole where they can be small, else cut (see there).
func fuzzSeedModels(t testing.TB) [][]byte {
	const cutAt = 320
	cut := func(file []byte) []byte {
		return rehash(bytes.Clone(file[:min(len(file)-32, cutAt)]))
	}
	out := [][]byte{tinyModel(t, Bernoulli, 1).File(), tinyModel(t, Bernoulli, 0).File()}
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{Logistic, 1}, {Logistic, 2}, {BernoulliAR, 1}, {LogisticAR, 2}} {
		out = append(out, cut(tinyModel(t, c.lik, c.K).File()))
	}
	return append(out, cut(smallCMModel(t).File()), cut(smallCMixModel(t).File()))
}

// tinyModel is a model of lik with K components over 4-byte records: with
// one latent and hidden layers of two units, a sigma table of three
// entries and, for Bernoulli, a probability table of three; with K = 0, a
// Bernoulli model with no nets. The smallest valid files of each family.
func tinyModel(t testing.TB, lik Likelihood, K int) *Model {
	t.Helper()
	if K == 0 {
		m, err := NewModel(Arch{RecordSize: 4, Likelihood: lik, Components: 1}, BernoulliPrec,
			&bernoulliTables{prob: []uint16{1, 1 << 15, 1<<16 - 1}}, nil, "none")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := *randomModel(t, Arch{RecordSize: 4, Likelihood: lik, Components: K, EncHidden: []int{2}, Latent: 1, DecHidden: []int{2}}, 5)
	m.SigmaTable = []int32{1 << 10, 1 << 14, 1 << 18}
	if lik == Bernoulli {
		m.Lik = &bernoulliTables{prob: []uint16{1, 1 << 15, 1<<16 - 1}}
	}
	m.Description = "tiny"
	a, err := Assemble(&m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// smallCMModel is a context-mix model over tinyModel's BernoulliAR nets,
// fitted to 40 random 4-byte records.
func smallCMModel(t testing.TB) *Model {
	t.Helper()
	base := tinyModel(t, BernoulliAR, 1)
	d := &dataset.Dataset{RecordSize: 4, Data: make([]byte, 4*40)}
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
