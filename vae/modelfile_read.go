package vae

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bbans/bbans/vae/dataset"

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

// MaxModelName is the longest model name, in bytes: what an archive header
// holds (SPEC.md section 4.2).
const MaxModelName = 64

// ReadModelFile reads and validates the model file at path and names the
// model after the file: its base name without the .bbm extension, cut to
// MaxModelName bytes. Archives identify models by hash; the name is what
// archive headers and messages show (bbans info), and what stream.Lookup
// finds once the model is registered.
func ReadModelFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadModel(f)
	if err != nil {
		return nil, fmt.Errorf("model file %s: %w", path, err)
	}
	return m.WithName(ModelNameOf(path)), nil
}

// ModelNameOf returns the name ReadModelFile gives the model file at path.
func ModelNameOf(path string) string {
	n := strings.TrimSuffix(filepath.Base(path), ".bbm")
	for len(n) > MaxModelName {
		_, size := utf8.DecodeLastRuneInString(n)
		n = n[:len(n)-size]
	}
	return n
}

// WithName returns m under another name (at most MaxModelName bytes of
// UTF-8): the same model, file and hash. m is not changed.
func (m *Model) WithName(name string) *Model {
	c := *m
	c.name = name
	return &c
}

// ParseModel validates a model file held in memory and returns the model.
// It checks the magic, the version, the SHA-256 trailer and every field; a
// damaged or foreign file gives an error wrapping ErrModelFile, never a
// panic. The model keeps its own copy of b.
func ParseModel(b []byte) (*Model, error) {
	if len(b) < len(ModelMagic)+2 || string(b[:len(ModelMagic)]) != ModelMagic {
		return nil, fmt.Errorf("%w: not a bbans model file", ErrModelFile)
	}
	version := binary.LittleEndian.Uint16(b[len(ModelMagic):])
	if version < 1 || version > ModelVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads versions 1 to %d", ErrModelFile, version, ModelVersion)
	}
	if len(b) < len(ModelMagic)+2+sha256.Size {
		return nil, fmt.Errorf("%w: truncated", ErrModelFile)
	}
	body := b[:len(b)-sha256.Size]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], b[len(body):]) {
		return nil, fmt.Errorf("%w: SHA-256 mismatch (damaged or truncated)", ErrModelFile)
	}
	p := &Section{b: body, off: len(ModelMagic) + 2}
	m, err := p.model(version)
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

func (p *Section) widths() ([]int, error) {
	n, err := p.U8()
	if err != nil {
		return nil, err
	}
	if n > MaxLayers {
		return nil, fmt.Errorf("%d hidden layers, at most %d", n, MaxLayers)
	}
	var w []int
	for range n {
		v, err := p.U32()
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

func (p *Section) model(version uint16) (*Model, error) {
	h, err := p.Bytes(2 + 4 + 4 + 4)
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
	a.Shape = dataset.LegacyShape(a.RecordSize)
	if version >= 2 {
		if a.Shape, err = p.shape(a.RecordSize); err != nil {
			return nil, err
		}
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
	es, ds := a.EncoderSizes(), a.DecoderSizes()
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

// shape reads the shape of a version-2 file: W, H, C, with W·H·C the
// record size r and not LegacyShape(r), which version 1 stands for.
func (p *Section) shape(r int) (dataset.Shape, error) {
	var v [3]int
	for i := range v {
		u, err := p.U32()
		if err != nil {
			return dataset.Shape{}, err
		}
		v[i] = int(min(u, MaxRecordSize+1))
	}
	s := dataset.Shape{W: v[0], H: v[1], C: v[2]}
	if s.Validate() != nil || s.Size() != r {
		return dataset.Shape{}, fmt.Errorf("shape %dx%dx%d for records of %d bytes", v[0], v[1], v[2], r)
	}
	if s == dataset.LegacyShape(r) {
		return dataset.Shape{}, fmt.Errorf("version 2 file with the version-1 shape %v", s)
	}
	return s, nil
}

func (p *Section) layer(n, k int, hidden bool) (Layer, error) {
	l := Layer{N: n, K: k}
	w, err := p.Bytes(n * k)
	if err != nil {
		return l, err
	}
	l.W = make([]int8, n*k)
	for i, v := range w {
		l.W[i] = int8(v)
	}
	if l.Bias, err = p.I32s(n); err != nil {
		return l, err
	}
	if l.Mult, err = p.I32s(n); err != nil {
		return l, err
	}
	s, err := p.Bytes(n)
	if err != nil {
		return l, err
	}
	l.Shift = bytes.Clone(s)
	for _, v := range l.Shift {
		if v > simd.MaxShift {
			return l, fmt.Errorf("shift %d > %d", v, simd.MaxShift)
		}
	}
	lh, err := p.I32s(2)
	if err != nil {
		return l, err
	}
	l.Lo, l.Hi = lh[0], lh[1]
	if l.Lo > l.Hi || hidden && (l.Lo < 0 || l.Hi > 255) {
		return l, fmt.Errorf("clamp range %d..%d", l.Lo, l.Hi)
	}
	return l, nil
}

func (p *Section) tables(m *Model) error {
	n, err := p.Count(4)
	if err != nil {
		return err
	}
	if m.SigmaTable, err = p.I32s(n); err != nil {
		return err
	}
	if (n == 0) != (m.Arch.Latent == 0) {
		return fmt.Errorf("sigma table of %d entries for %d latents", n, m.Arch.Latent)
	}
	for _, v := range m.SigmaTable {
		if v < 1 || v > MaxMoment {
			return fmt.Errorf("sigma %d outside [1, %d]", v, MaxMoment)
		}
	}
	if m.Lik, err = m.Arch.Likelihood.Family().Parse(p, &m.Arch, m.LikPrec); err != nil {
		return err
	}
	if n, err = p.Count(1); err != nil {
		return err
	}
	if n > MaxDescription {
		return fmt.Errorf("description of %d bytes", n)
	}
	s, err := p.Bytes(n)
	if err != nil {
		return err
	}
	if !utf8.Valid(s) {
		return fmt.Errorf("description is not UTF-8")
	}
	m.Description = string(s)
	return nil
}
