package train

import (
	"encoding/gob"
	"fmt"
	"io"
)

// floatMagic starts a float checkpoint (gob-encoded FloatModel). Float
// checkpoints are a training artefact, not a format bbans promises to keep.
const floatMagic = "bbans float vae 1\n"

// WriteFloat writes m as a float checkpoint.
func (m *FloatModel) WriteFloat(w io.Writer) error {
	if _, err := io.WriteString(w, floatMagic); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(m)
}

// ReadFloat reads a checkpoint written by WriteFloat.
func ReadFloat(r io.Reader) (*FloatModel, error) {
	var hdr [len(floatMagic)]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil || string(hdr[:]) != floatMagic {
		return nil, fmt.Errorf("train: not a float checkpoint")
	}
	var m FloatModel
	if err := gob.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("train: float checkpoint: %v", err)
	}
	if err := m.Arch.Validate(); err != nil {
		return nil, err
	}
	es, ds := m.Arch.EncoderSizes(), m.Arch.DecoderSizes()
	if len(m.Enc) != len(es)-1 || len(m.Dec) != len(ds)-1 {
		return nil, fmt.Errorf("train: float checkpoint layers do not match %v", m.Arch)
	}
	for i, l := range append(append([]*dense(nil), m.Enc...), m.Dec...) {
		sz := es
		j := i
		if i >= len(m.Enc) {
			sz, j = ds, i-len(m.Enc)
		}
		if l.In != sz[j] || l.Out != sz[j+1] || len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return nil, fmt.Errorf("train: float checkpoint layer %d has the wrong shape", i)
		}
	}
	tr := m.Arch.Likelihood.Trainable()
	if tr == nil {
		return nil, fmt.Errorf("train: float checkpoint of a %v model, which has no float training path", m.Arch.Likelihood)
	}
	if err := tr.CheckFloat(&m.Arch, m.Lik); err != nil {
		return nil, fmt.Errorf("train: float checkpoint tables do not match %v: %v", m.Arch, err)
	}
	return &m, nil
}
