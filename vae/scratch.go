package vae

// ScratchBytes is the memory NewCoder(lanes) allocates, so that a caller
// decoding with an untrusted model (one embedded in an archive) can refuse
// it before allocating: the inference worker's buffers exactly (newWorker),
// and for the likelihood's coder a bound of three int32 per decoder output
// and slot (every family keeps at most that: table indices, or mixture
// parameters and their batch), plus one record of scratch, plus the
// adaptive state of a likelihood that keeps one of fixed size
// (StateBytes).
func (m *Model) ScratchBytes(lanes int) int64 {
	a := &m.Arch
	n := int64(max(lanes, 1))
	maxH := 1
	for _, h := range a.EncHidden {
		maxH = max(maxH, h)
	}
	for _, h := range a.DecHidden {
		maxH = max(maxH, h)
	}
	rec, lat, params := int64(a.RecordSize), int64(a.Latent), int64(max(a.Params(), 1))
	worker := n*max(rec, lat) + // in
		2*n*int64(maxH) + // hid
		4*n*max(2*lat, rec*params) + // acc
		2*4*n*lat // mu, sigma
	lik := 3*4*n*rec*params + 64*rec
	if s, ok := m.Lik.(interface{ StateBytes() int64 }); ok {
		lik += s.StateBytes()
	}
	return worker + lik
}
