package vae

import (
	"fmt"
	"sync"

	"github.com/bbans/bbans/ans"
)

// A likelihood p(s|y) is a Family registered once, from its own files, with
// RegisterLikelihood, as image formats register with image.RegisterFormat:
// the model file names it by its Likelihood byte, and the rest of the
// package asks the registry, never which likelihood it has. A family gives
// four things:
//
//   - what it needs from the decoder net: Params outputs per byte of the
//     record (0 for a likelihood without nets);
//   - its section of the model file: Family.Parse reads and validates it,
//     Tables.AppendSection writes it (SPEC.md section 3.1);
//   - the integer coder made from that section (Tables.NewCoder): push,
//     pop and exact cost of a record, given the decoder's outputs;
//   - optionally a float training path (Trainable) and a view of the
//     record for the encoder (EncoderView).
//
// A model without nets (Arch.Latent 0, no hidden layers) is a pure context
// model: it has no encoder or decoder layers and an empty sigma table, its
// latents have no dimensions, so the posterior and prior steps of the
// bits-back coder code nothing and only the likelihood codes the record.
//
// A likelihood may be adaptive: its state starts from the model file's at
// the start of each chunk and moves as records are decoded. Its coder then
// implements ChunkStarter; see there for the order of the records and why
// the adaptive state may depend on the records' bytes only.

// Likelihood is the byte of the model file that names a family of p(s|y).
type Likelihood uint8

// Family is one registered likelihood. Its methods depend only on their
// arguments; a Family is shared by every model of the family.
type Family interface {
	// Name is the family's name in architectures ("784-...-784/bernoulli")
	// and on the command line.
	Name() string
	// Alphabet is the number of byte values the family codes: a record is
	// codable if every byte is below it (2 for binarized records, 256).
	Alphabet() int
	// MaxComponents is the largest Arch.Components the family takes (1 if
	// it has no mixture components).
	MaxComponents() int
	// Params returns the decoder's outputs per byte of the record for a;
	// 0 if the family codes without a decoder (then a.Latent may be 0).
	Params(a *Arch) int
	// Parse reads the family's section of a model file of architecture a
	// and likelihood precision likPrec (the header fields, already
	// checked against the architecture limits), validating every field.
	Parse(s *Section, a *Arch, likPrec uint) (Tables, error)
}

// Tables is the integer likelihood of one model: its section of the model
// file, immutable and safe for concurrent use.
type Tables interface {
	// AppendSection appends the section that Family.Parse reads.
	AppendSection(b []byte) []byte
	// NewCoder returns a coder with scratch for slots batch slots of
	// records of shape a.
	NewCoder(a *Arch, slots int) LikCoder
}

// LikCoder codes records with one model's likelihood. It is used by one
// goroutine. The bits-back coder gives it the decoder's outputs of a batch
// (SetParams, one slot per record) and then pushes, pops or costs each
// record of the batch with its slot.
type LikCoder interface {
	// Reserve makes room for slots batch slots, keeping any chunk state.
	Reserve(slots int)
	// SetParams gives slot the decoder's requantised outputs for its
	// record, Params·RecordSize values, parameter-major (out[p·R + i] is
	// parameter p of byte i). It is not called for a family without
	// decoder outputs.
	SetParams(slot int, out []int32)
	// Push pushes rec onto lane so that Pop pops it.
	Push(m *ans.Message, lane, slot int, rec []byte)
	// Pop pops a record from lane into rec (len(rec) = RecordSize).
	Pop(m *ans.Message, lane, slot int, rec []byte)
	// Cost calls f with the frequency, at precision prec, of every symbol
	// Push would push for rec, in the order Pop pops them: the record's
	// exact cost is the sum of prec - log2(freq). An adaptive coder
	// advances its state as Pop does.
	Cost(slot int, rec []byte, f func(freq uint32, prec uint))
}

// ChunkStarter is implemented by the coder of an adaptive likelihood: one
// whose state starts afresh at each chunk and learns from each record
// decoded. ChunkStart is called before a chunk is coded: for encoding with
// every record the likelihood will push, in decode order; for decoding
// (and for Cost over a data set) with nil, which resets the state.
//
// Decode order (SPEC.md section 5.2): batches first to last, within a
// batch the lanes from the highest to the lowest (the order PopLikelihood
// visits them; a staggered batch is decoded one lane at a time in that
// same order); escaped records are not coded by the likelihood and do not
// appear. The encoder pushes the records in exactly the reverse order, so
// an encoding coder knows, for the k-th Push of the chunk, that its record
// is decodeOrder[len-1-k] and its state must be the one after decoding
// decodeOrder[:len-1-k]. The coder computes those states in ChunkStart (a
// prepass: the encoder has the whole chunk) and the decoder updates its
// state after each Pop.
//
// The adaptive state may depend on the records' bytes only, never on the
// latents or the decoder's outputs: bits-back coding pops record i's
// latent after pushing the records decoded after it, so the encoder does
// not know those latents when the prepass runs. Parts of the likelihood
// that depend on the latent must be static (taken from the model file).
type ChunkStarter interface {
	ChunkStart(decodeOrder [][]byte)
}

// EncoderView is implemented by a family whose encoder sees something
// other than the record's bytes (context mixing sees the record
// thresholded at 128). Without it the encoder's input is the record.
type EncoderView interface {
	EncoderInput(in []uint8, rec []byte)
}

var (
	familyMu sync.RWMutex
	families [256]Family
)

// RegisterLikelihood makes a family known under id, for model files and
// architectures. It is called once per family, from an init function, and
// panics if id or the name is taken.
func RegisterLikelihood(id Likelihood, f Family) {
	familyMu.Lock()
	defer familyMu.Unlock()
	if id == 0 || families[id] != nil {
		panic(fmt.Sprintf("vae: likelihood %d registered twice (or 0)", id))
	}
	for _, g := range families {
		if g != nil && g.Name() == f.Name() {
			panic(fmt.Sprintf("vae: likelihood name %q registered twice", f.Name()))
		}
	}
	families[id] = f
}

// Family returns the registered family of l, or nil.
func (l Likelihood) Family() Family {
	familyMu.RLock()
	defer familyMu.RUnlock()
	return families[l]
}

// Likelihoods returns the registered likelihoods in increasing order.
func Likelihoods() []Likelihood {
	familyMu.RLock()
	defer familyMu.RUnlock()
	var ls []Likelihood
	for id, f := range families {
		if f != nil {
			ls = append(ls, Likelihood(id))
		}
	}
	return ls
}

// LikelihoodByName returns the likelihood registered under name.
func LikelihoodByName(name string) (Likelihood, bool) {
	for _, l := range Likelihoods() {
		if l.Family().Name() == name {
			return l, true
		}
	}
	return 0, false
}

func (l Likelihood) String() string {
	if f := l.Family(); f != nil {
		return f.Name()
	}
	return fmt.Sprintf("Likelihood(%d)", uint8(l))
}

// Binary reports whether l codes bytes 0 and 1 only.
func (l Likelihood) Binary() bool {
	f := l.Family()
	return f != nil && f.Alphabet() == 2
}

// Trainable returns l's float training path, or nil.
func (l Likelihood) Trainable() Trainable {
	t, _ := l.Family().(Trainable)
	return t
}
