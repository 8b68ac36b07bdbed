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

// coderSlots is how many coders of m for the given lanes a reader that
// decodes up to conc chunks at once runs at once: conc, or fewer if their
// scratch (ScratchSizer) would pass a quarter of maxMemory, and at least
// one. need is one coder's scratch (0 if m does not say).
func coderSlots(m Model, lanes, conc int, maxMemory int64) (slots int, need int64) {
	sz, ok := m.(ScratchSizer)
	if !ok {
		return conc, 0
	}
	need = sz.ScratchBytes(lanes)
	if need <= 0 {
		return conc, need
	}
	return int(max(1, min(int64(conc), maxMemory/4/need))), need
}

// scratchError is the error of an archive one coder of whose model, for
// its lanes, would need more than a quarter of the memory bound; nil if
// it fits. A model whose coders fit only fewer at a time than the chunks
// a reader decodes at once is decoded with that many coders (coderSlots):
// a model with large adaptive tables (cmix) is slower to decode where
// memory is short, not refused.
func scratchError(f *format.Frame, name string, lanes int, need, maxMemory int64) error {
	if limit := maxMemory / 4; need > limit {
		return &format.CorruptInputError{Offset: f.Offset, Err: format.ErrLimit,
			Reason: fmt.Sprintf("model %q needs %d bytes of coder scratch for %d lanes, more than %d (a quarter of WithDecoderMaxMemory)", name, need, lanes, limit)}
	}
	return nil
}
