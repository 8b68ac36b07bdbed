package ans

import "fmt"

// Model is a latent-variable model as bits-back coding sees it: three
// codecs, each able to push and pop. Every method works on all lanes of the
// message at once, one record and one latent per lane (records[lane],
// latents[lane]), so that a model can run its networks as one batch over
// the lanes. Within a method, the lanes' symbols may be pushed in any
// order, as long as the matching pop undoes them in the reverse order.
//
// Latents are vectors of int32 (for a VAE, bucket indices; for a mixture,
// the component); records are byte strings of the model's record size.
//
// records and latents may be shorter than the message has lanes, and an
// entry may be nil: lane i takes part in a step only if i < len(records)
// and records[i] != nil. Implementations must leave the other lanes
// untouched. This lets a caller code a last, partial batch, or leave out a
// lane whose record it codes another way (an escape). PushPrior and PopPrior,
// which see no records, skip lane i where latents[i] is nil; Encode and
// Decode callers therefore make latents[i] nil exactly where records[i] is.
type Model interface {
	// PopPosterior pops a latent for each lane's record with q(y|s).
	PopPosterior(m *Message, records [][]byte, latents [][]int32)
	// PushPosterior pushes each lane's latent with q(y|s): the inverse of
	// PopPosterior.
	PushPosterior(m *Message, records [][]byte, latents [][]int32)
	// PushLikelihood pushes each lane's record with p(s|y).
	PushLikelihood(m *Message, latents [][]int32, records [][]byte)
	// PopLikelihood pops each lane's record with p(s|y) into records.
	PopLikelihood(m *Message, latents [][]int32, records [][]byte)
	// PushPrior pushes each lane's latent with p(y).
	PushPrior(m *Message, latents [][]int32)
	// PopPrior pops each lane's latent with p(y) into latents.
	PopPrior(m *Message, latents [][]int32)
}

// Encode appends one record per lane to m with bits-back coding: it pops
// the latents with the posterior (getting bits back), then pushes the
// records with the likelihood and the latents with the prior. The message
// grows by the negative ELBO of the records, -log p(s|y) - log p(y) +
// log q(y|s), up to the coder's rounding. latents is scratch space, one
// slice of the model's latent size per lane; on return it holds the latents
// that were used.
func Encode(m *Message, model Model, records [][]byte, latents [][]int32) {
	checkLanes(m, records, latents)
	model.PopPosterior(m, records, latents)
	model.PushLikelihood(m, latents, records)
	model.PushPrior(m, latents)
}

// Decode is the inverse of Encode: it pops the latents with the prior, the
// records with the likelihood into records (one preallocated slice of the
// record size per lane), and pushes the latents back with the posterior,
// returning the bits that Encode took.
func Decode(m *Message, model Model, latents [][]int32, records [][]byte) {
	checkLanes(m, records, latents)
	model.PopPrior(m, latents)
	model.PopLikelihood(m, latents, records)
	model.PushPosterior(m, records, latents)
}

func checkLanes(m *Message, records [][]byte, latents [][]int32) {
	if len(records) > m.Lanes() || len(latents) != len(records) {
		panic(fmt.Sprintf("ans: %d records and %d latents for a message of %d lanes", len(records), len(latents), m.Lanes()))
	}
	for i := range records {
		if (records[i] == nil) != (latents[i] == nil) {
			panic(fmt.Sprintf("ans: lane %d has a record but no latent, or a latent but no record", i))
		}
	}
}
