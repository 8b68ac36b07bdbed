package vae

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/simd"
)

// ReadModel reads and validates a model file (at most MaxModelFileSize
// bytes).
func ReadModel(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxModelFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxModelFileSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrModelFile, MaxModelFileSize)
	}
	return ParseModel(b)
}

// ParseModel validates a model file held in memory and returns the model.
// It checks the magic, the version, the SHA-256 trailer and every field; a
// damaged or foreign file gives an error wrapping ErrModelFile, never a
// panic. The model keeps its own copy of b.
func ParseModel(b []byte) (*Model, error) {
	if len(b) < len(ModelMagic)+2 || string(b[:len(ModelMagic)]) != ModelMagic {
		return nil, fmt.Errorf("%w: not a bbans model file", ErrModelFile)
	}
	if v := binary.LittleEndian.Uint16(b[len(ModelMagic):]); v != ModelVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads version %d", ErrModelFile, v, ModelVersion)
	}
	if len(b) < len(ModelMagic)+2+sha256.Size {
		return nil, fmt.Errorf("%w: truncated", ErrModelFile)
	}
	body := b[:len(b)-sha256.Size]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], b[len(body):]) {
		return nil, fmt.Errorf("%w: SHA-256 mismatch (damaged or truncated)", ErrModelFile)
	}
	p := &parser{b: body, off: len(ModelMagic) + 2}
	m, err := p.model()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModelFile, err)
	}
	if p.off != len(body) {
		return nil, fmt.Errorf("%w: %d stray bytes before the hash", ErrModelFile, len(body)-p.off)
	}
	m.file = bytes.Clone(b)
	m.hash = sum
	if err := m.prepare(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModelFile, err)
	}
	return m, nil
}

// parser reads little-endian fields, failing on the first short read.
type parser struct {
	b   []byte
	off int
}

func (p *parser) need(n int) ([]byte, error) {
	if n < 0 || n > len(p.b)-p.off {
		return nil, fmt.Errorf("truncated at byte %d (need %d more)", p.off, n)
	}
	s := p.b[p.off : p.off+n]
	p.off += n
	return s, nil
}

func (p *parser) u8() (byte, error) {
	s, err := p.need(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

func (p *parser) u32() (uint32, error) {
	s, err := p.need(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(s), nil
}

// count reads a table length and checks that size bytes per entry remain.
func (p *parser) count(size int) (int, error) {
	n, err := p.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(size) > uint64(len(p.b)-p.off) {
		return 0, fmt.Errorf("table of %d entries overruns the file", n)
	}
	return int(n), nil
}

func (p *parser) i32s(n int) ([]int32, error) {
	s, err := p.need(4 * n)
	if err != nil {
		return nil, err
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(binary.LittleEndian.Uint32(s[4*i:]))
	}
	return v, nil
}

func (p *parser) widths() ([]int, error) {
	n, err := p.u8()
	if err != nil {
		return nil, err
	}
	if n > MaxLayers {
		return nil, fmt.Errorf("%d hidden layers, at most %d", n, MaxLayers)
	}
	var w []int
	for range n {
		v, err := p.u32()
		if err != nil {
			return nil, err
		}
		if v < 1 || v > MaxWidth {
			return nil, fmt.Errorf("hidden width %d outside [1, %d]", v, MaxWidth)
		}
		w = append(w, int(v))
	}
	return w, nil
}

func (p *parser) model() (*Model, error) {
	h, err := p.need(2 + 4 + 4 + 4)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	a := &m.Arch
	a.Likelihood, a.Components = Likelihood(h[0]), int(h[1])
	rs, lat := binary.LittleEndian.Uint32(h[2:]), binary.LittleEndian.Uint32(h[6:])
	if rs > MaxRecordSize || lat > MaxLatent {
		return nil, fmt.Errorf("record size %d or latent size %d too large", rs, lat)
	}
	a.RecordSize, a.Latent = int(rs), int(lat)
	m.BucketBits, m.PosteriorPrec, m.LikPrec = uint(h[10]), uint(h[11]), uint(h[12])
	if h[13] != LatentFracBits {
		return nil, fmt.Errorf("latent input precision %d, this build supports %d", h[13], LatentFracBits)
	}
	if a.EncHidden, err = p.widths(); err != nil {
		return nil, err
	}
	if a.DecHidden, err = p.widths(); err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if m.BucketBits < 1 || m.BucketBits > ans.MaxBucketBits || m.PosteriorPrec <= m.BucketBits || m.PosteriorPrec > 24 {
		return nil, fmt.Errorf("bucket bits %d and posterior precision %d outside 1 <= k < prec <= 24", m.BucketBits, m.PosteriorPrec)
	}
	if (a.Likelihood.Binary() || a.Likelihood == ContextMix) && m.LikPrec != BernoulliPrec {
		return nil, fmt.Errorf("Bernoulli precision %d, want %d", m.LikPrec, BernoulliPrec)
	}
	if a.Likelihood.isLogistic() && (m.LikPrec < 12 || m.LikPrec > 28) {
		return nil, fmt.Errorf("likelihood precision %d outside [12, 28]", m.LikPrec)
	}
	es, ds := a.encSizes(), a.decSizes()
	for i := 1; i < len(es)+len(ds)-1; i++ {
		var in, out int
		if i < len(es) {
			in, out = es[i-1], es[i]
		} else {
			in, out = ds[i-len(es)], ds[i-len(es)+1]
		}
		hidden := i != len(es)-1 && i != len(es)+len(ds)-2
		l, err := p.layer(out, in, hidden)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %v", i-1, err)
		}
		if i < len(es) {
			m.Enc = append(m.Enc, l)
		} else {
			m.Dec = append(m.Dec, l)
		}
	}
	return m, p.tables(m)
}

func (p *parser) layer(n, k int, hidden bool) (Layer, error) {
	l := Layer{N: n, K: k}
	w, err := p.need(n * k)
	if err != nil {
		return l, err
	}
	l.W = make([]int8, n*k)
	for i, v := range w {
		l.W[i] = int8(v)
	}
	if l.Bias, err = p.i32s(n); err != nil {
		return l, err
	}
	if l.Mult, err = p.i32s(n); err != nil {
		return l, err
	}
	s, err := p.need(n)
	if err != nil {
		return l, err
	}
	l.Shift = bytes.Clone(s)
	for _, v := range l.Shift {
		if v > simd.MaxShift {
			return l, fmt.Errorf("shift %d > %d", v, simd.MaxShift)
		}
	}
	lh, err := p.i32s(2)
	if err != nil {
		return l, err
	}
	l.Lo, l.Hi = lh[0], lh[1]
	if l.Lo > l.Hi || hidden && (l.Lo < 0 || l.Hi > 255) {
		return l, fmt.Errorf("clamp range %d..%d", l.Lo, l.Hi)
	}
	return l, nil
}

func (p *parser) tables(m *Model) error {
	n, err := p.count(4)
	if err != nil {
		return err
	}
	if m.SigmaTable, err = p.i32s(n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("empty sigma table")
	}
	for _, v := range m.SigmaTable {
		if v < 1 || v > MaxMoment {
			return fmt.Errorf("sigma %d outside [1, %d]", v, MaxMoment)
		}
	}
	if n, err = p.count(2); err != nil {
		return err
	}
	if (n == 0) != (m.Arch.Likelihood != Bernoulli) {
		return fmt.Errorf("probability table of %d entries for a %v model", n, m.Arch.Likelihood)
	}
	s, err := p.need(2 * n)
	if err != nil {
		return err
	}
	m.ProbTable = make([]uint16, n)
	for i := range n {
		v := binary.LittleEndian.Uint16(s[2*i:])
		if v < 1 { // a uint16 is at most 2^16-1 = 2^BernoulliPrec-1
			return fmt.Errorf("probability %d outside [1, 2^16-1]", v)
		}
		m.ProbTable[i] = v
	}
	if n, err = p.count(4); err != nil {
		return err
	}
	if m.InvScaleTable, err = p.i32s(n); err != nil {
		return err
	}
	logistic := m.Arch.Likelihood.isLogistic()
	if (n == 0) == logistic {
		return fmt.Errorf("inverse-scale table of %d entries for a %v model", n, m.Arch.Likelihood)
	}
	for _, v := range m.InvScaleTable {
		if v < 1 {
			return fmt.Errorf("inverse scale %d < 1", v)
		}
	}
	if n, err = p.count(4); err != nil {
		return err
	}
	if logistic && n != sigmoidLen || !logistic && n != 0 {
		return fmt.Errorf("sigmoid table of %d entries", n)
	}
	if s, err = p.need(4 * n); err != nil {
		return err
	}
	m.SigmoidTable = make([]uint32, n)
	for i := range n {
		v := binary.LittleEndian.Uint32(s[4*i:])
		if v > 1<<30 || i > 0 && v < m.SigmoidTable[i-1] {
			return fmt.Errorf("sigmoid table not non-decreasing within [0, 2^30]")
		}
		m.SigmoidTable[i] = v
	}
	if n, err = p.count(4); err != nil {
		return err
	}
	if mixed := logistic && m.Arch.Components > 1; (n > 0) != mixed {
		return fmt.Errorf("exp table of %d entries with %d components", n, m.Arch.Components)
	}
	if m.ExpTable, err = p.i32s(n); err != nil {
		return err
	}
	for i, v := range m.ExpTable {
		if v < 0 || v > 1<<16 || i == 0 && v < 1 {
			return fmt.Errorf("exp table entry %d outside [0, 2^16] (entry 0 >= 1)", v)
		}
	}
	if m.Arch.Likelihood == BernoulliAR {
		if m.ARTable, err = p.arTable(); err != nil {
			return err
		}
	}
	if m.Arch.Likelihood == LogisticAR {
		if err = p.ar8Tables(m); err != nil {
			return err
		}
	}
	if m.Arch.Likelihood == ContextMix {
		if err = p.cmTables(m); err != nil {
			return err
		}
	}
	if n, err = p.count(1); err != nil {
		return err
	}
	if n > MaxDescription {
		return fmt.Errorf("description of %d bytes", n)
	}
	if s, err = p.need(n); err != nil {
		return err
	}
	if !utf8.Valid(s) {
		return fmt.Errorf("description is not UTF-8")
	}
	m.Description = string(s)
	return nil
}
