package stream

import (
	"errors"
	"fmt"

	"github.com/bbans/bbans/format"
)

// archiveModel finds the model of the archive with header h: given by the
// caller, registered (built in), or embedded in the archive if o allows it.
func archiveModel(h *format.Header, o *rOptions) (Model, error) {
	m := lookupHash(h.ModelHash, o.models)
	if m == nil && h.Model != nil && o.allowEmbed {
		if modelLoader == nil {
			return nil, errors.New("stream: this build cannot load embedded models")
		}
		loaded, err := modelLoader(h.Model)
		if err != nil {
			return nil, fmt.Errorf("stream: embedded model: %w", err)
		}
		if loaded.Hash() != h.ModelHash {
			return nil, fmt.Errorf("%w: the embedded model's hash differs from the header's", format.ErrHeader)
		}
		m = loaded
	}
	if m == nil {
		return nil, &format.ModelUnavailableError{Name: h.ModelName, Hash: h.ModelHash, Embedded: h.Model != nil}
	}
	if m.RecordSize() != h.RecordSize {
		return nil, fmt.Errorf("%w: model %q codes records of %d bytes, the archive has %d", format.ErrHeader, m.Name(), m.RecordSize(), h.RecordSize)
	}
	return m, nil
}
