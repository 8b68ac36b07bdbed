package stream

import (
	"fmt"

	"github.com/bbans/bbans/format"
)

// ScratchSizer is implemented by a Model that can say how much memory
// NewCoder(lanes) allocates (vae models can). A Reader counts it, for each
// of the coders it runs at once, against WithDecoderMaxMemory before it
// makes one: a model embedded in an archive chooses its own record size,
// widths and outputs, so its scratch (lanes x record size x outputs) could
// otherwise ask for gigabytes that no limit saw.
type ScratchSizer interface {
	ScratchBytes(lanes int) int64
}

// ScratchBytes is the loaded model's.
func (l *lazyBuiltin) ScratchBytes(lanes int) int64 {
	if s, ok := l.load().(ScratchSizer); ok {
		return s.ScratchBytes(lanes)
	}
	return 0
}

// checkScratch rejects frame f's archive if the coders for its lanes, one
// per chunk decoded at once, would need more than a quarter of the memory
// bound.
func (s *readSession) checkScratch(f *format.Frame) error {
	sz, ok := s.model.(ScratchSizer)
	if !ok {
		return nil
	}
	need, limit := sz.ScratchBytes(s.hdr.Lanes), s.o.maxMemory/4/int64(s.conc)
	if need > limit {
		return &format.CorruptInputError{Offset: f.Offset, Err: format.ErrLimit,
			Reason: fmt.Sprintf("model %q needs %d bytes of coder scratch for %d lanes, more than %d (a quarter of WithDecoderMaxMemory, per concurrent chunk)", s.hdr.ModelName, need, s.hdr.Lanes, limit)}
	}
	return nil
}
