package vae

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"

	"github.com/bbans/bbans/vae/dataset"
)

// Model file layout (SPEC.md section 3). All integers little-endian.
const (
	// ModelMagic opens every model file.
	ModelMagic = "BBANSVAE"
	// ModelVersion is the newest version this package writes and reads:
	// version 2 stores the record's shape; a model whose shape is
	// LegacyShape of its record size is written as version 1, without it,
	// so that every model has one file and files from before shapes keep
	// their bytes and hashes (SPEC.md section 3.1).
	ModelVersion = 2
	// MaxModelFileSize bounds what ReadModel accepts (64 MiB).
	MaxModelFileSize = 64 << 20
	// MaxDescription bounds the description string.
	MaxDescription = 1 << 16
)

// ErrModelFile reports a model file that is damaged, foreign or of an
// unsupported version; the error that wraps it says what is wrong.
var ErrModelFile = errors.New("vae: invalid model file")

// finish validates m, encodes it into its canonical file and prepares it
// for inference.
func (m *Model) finish() error {
	body := m.appendBody(nil)
	sum := sha256.Sum256(body)
	file := append(body, sum[:]...)
	// Round-trip through the reader, so that a model built in memory obeys
	// exactly what a loaded one does.
	got, err := ParseModel(file)
	if err != nil {
		return err
	}
	*m = *got
	return nil
}

// appendBody appends the file's bytes without the trailing hash.
func (m *Model) appendBody(b []byte) []byte {
	a := &m.Arch
	shape := a.RecordShape()
	legacy := shape == dataset.LegacyShape(a.RecordSize)
	b = append(b, ModelMagic...)
	if legacy {
		b = binary.LittleEndian.AppendUint16(b, 1)
	} else {
		b = binary.LittleEndian.AppendUint16(b, 2)
	}
	b = append(b, byte(a.Likelihood), byte(a.Components))
	b = binary.LittleEndian.AppendUint32(b, uint32(a.RecordSize))
	b = binary.LittleEndian.AppendUint32(b, uint32(a.Latent))
	b = append(b, byte(m.BucketBits), byte(m.PosteriorPrec), byte(m.LikPrec), LatentFracBits)
	if !legacy {
		for _, v := range []int{shape.W, shape.H, shape.C} {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
	}
	for _, h := range [][]int{a.EncHidden, a.DecHidden} {
		b = append(b, byte(len(h)))
		for _, w := range h {
			b = binary.LittleEndian.AppendUint32(b, uint32(w))
		}
	}
	for _, l := range append(append([]Layer(nil), m.Enc...), m.Dec...) {
		for _, w := range l.W {
			b = append(b, byte(w))
		}
		b = AppendI32s(b, l.Bias)
		b = AppendI32s(b, l.Mult)
		b = append(b, l.Shift...)
		b = binary.LittleEndian.AppendUint32(b, uint32(l.Lo))
		b = binary.LittleEndian.AppendUint32(b, uint32(l.Hi))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.SigmaTable)))
	b = AppendI32s(b, m.SigmaTable)
	b = m.Lik.AppendSection(b)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.Description)))
	return append(b, m.Description...)
}

// WriteTo writes the model file.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.file)
	return int64(n), err
}
