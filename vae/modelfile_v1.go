package vae

import (
	"encoding/binary"
	"fmt"
)

// v1Tables are the four tables with which the section of each of the
// first five likelihoods starts (SPEC.md section 3.1): the probability
// table of Bernoulli and the inverse-scale, sigmoid and exp tables of the
// logistic mixtures, each family writing the ones it uses and empty ones
// (count 0) for the others. Families registered later define their own
// sections and need not start with them.
type v1Tables struct {
	prob     []uint16
	invScale []int32
	sigmoid  []uint32
	exp      []int32
}

func (t *v1Tables) append(b []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.prob)))
	b = AppendU16s(b, t.prob)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.invScale)))
	b = AppendI32s(b, t.invScale)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.sigmoid)))
	for _, v := range t.sigmoid {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.exp)))
	return AppendI32s(b, t.exp)
}

// v1Tables reads and checks the four tables of a model of likelihood
// lik: a probability table if prob, the logistic tables if logistic (the
// exp table only with more than one component).
func (p *Section) v1Tables(lik string, prob, logistic bool, components int) (t v1Tables, err error) {
	n, err := p.Count(2)
	if err != nil {
		return t, err
	}
	if (n == 0) == prob {
		return t, fmt.Errorf("probability table of %d entries for a %s model", n, lik)
	}
	if t.prob, err = p.U16s(n); err != nil {
		return t, err
	}
	for _, v := range t.prob {
		if v < 1 { // a uint16 is at most 2^16-1 = 2^BernoulliPrec-1
			return t, fmt.Errorf("probability %d outside [1, 2^16-1]", v)
		}
	}
	if n, err = p.Count(4); err != nil {
		return t, err
	}
	if t.invScale, err = p.I32s(n); err != nil {
		return t, err
	}
	if (n == 0) == logistic {
		return t, fmt.Errorf("inverse-scale table of %d entries for a %s model", n, lik)
	}
	for _, v := range t.invScale {
		if v < 1 {
			return t, fmt.Errorf("inverse scale %d < 1", v)
		}
	}
	if n, err = p.Count(4); err != nil {
		return t, err
	}
	if logistic && n != sigmoidLen || !logistic && n != 0 {
		return t, fmt.Errorf("sigmoid table of %d entries", n)
	}
	if t.sigmoid, err = p.U32s(n); err != nil {
		return t, err
	}
	for i, v := range t.sigmoid {
		if v > 1<<30 || i > 0 && v < t.sigmoid[i-1] {
			return t, fmt.Errorf("sigmoid table not non-decreasing within [0, 2^30]")
		}
	}
	if n, err = p.Count(4); err != nil {
		return t, err
	}
	if mixed := logistic && components > 1; (n > 0) != mixed {
		return t, fmt.Errorf("exp table of %d entries with %d components", n, components)
	}
	if t.exp, err = p.I32s(n); err != nil {
		return t, err
	}
	for i, v := range t.exp {
		if v < 0 || v > 1<<16 || i == 0 && v < 1 {
			return t, fmt.Errorf("exp table entry %d outside [0, 2^16] (entry 0 >= 1)", v)
		}
	}
	return t, nil
}
