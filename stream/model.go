package stream

import "github.com/bbans/bbans/ans"

// Model is what a stream codes records with: a latent-variable model with a
// name, an identity (the SHA-256 that names its model file, SPEC.md section
// 3.1) and a fixed record size. Package vae provides the built-in ones.
type Model interface {
	// Name is the model's short name, for people (e.g. "mnist-bin").
	Name() string
	// Hash is the model's SHA-256 as SPEC.md section 3.1 defines it;
	// archives name models by it.
	Hash() [32]byte
	// RecordSize is the number of bytes in one record.
	RecordSize() int
	// Codable reports whether the model can code record; a record it
	// cannot code (a byte other than 0 or 1 for a binarized model) is
	// escaped and stored verbatim inside the chunk.
	Codable(record []byte) bool
	// NewCoder returns a bits-back coder with scratch space for the given
	// number of lanes. A coder is used by one goroutine at a time.
	NewCoder(lanes int) Coder
	// File returns the model file, for archives that embed their model.
	File() []byte
}

// Coder is one goroutine's bits-back coder for a Model: the three codecs of
// ans.Model, honouring nil lanes, and the size of a latent.
type Coder interface {
	ans.Model
	LatentSize() int
}
