package stream

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/bbans/bbans/vae"
)

// vaeModel adapts a vae.Model to Model.
type vaeModel struct{ *vae.Model }

func (m vaeModel) NewCoder(lanes int) Coder { return m.Model.NewCoder(lanes) }

// FromVAE returns m as a Model a stream can code with.
func FromVAE(m *vae.Model) Model { return vaeModel{m} }

// The models a Writer given no WithModel codes with, by the records it
// gets: the first built-in models in its order of preference that code
// them (see preferred).
const (
	// DefaultModel codes binarized records (bytes 0 and 1).
	DefaultModel = "mnist-bin-ar"
	// DefaultModel8Bit codes other records of its size (8-bit images).
	DefaultModel8Bit = "mnist-cm"
	// BestModel8Bit codes them from level BestLevel: adaptive context
	// mixing, smaller and far slower (both ways) than DefaultModel8Bit.
	BestModel8Bit = "mnist-cmix"
	// BestModel codes binarized records from level BestLevel: context
	// mixing that adapts over each chunk (at MaxLevel's longer chunks it
	// meets the binarized rate targets), about 0.7 of DefaultModel's speed.
	BestModel = "mnist-bin-cm2"
)

// preferred is the order in which a Writer with no model tries the built-in
// models: the best rate first (the autoregressive and context-mixing ones), and for each kind
// the binarized model before the 8-bit one. A Writer chooses the first
// registered model that can code (nearly) every record of its first chunk,
// so binarized data gets the binarized model and anything else an 8-bit one.
var preferred = []string{DefaultModel, DefaultModel8Bit, "mnist-ar", "mnist-bin", "mnist"}

// bestInstead pairs each default model with the one that takes its place
// from BestLevel.
var bestInstead = [][2]string{{DefaultModel, BestModel}, {DefaultModel8Bit, BestModel8Bit}}

// candidates returns the models in the order a Writer with no model tries
// them: ms, and if best, with BestModel moved to just before DefaultModel
// and BestModel8Bit to just before DefaultModel8Bit (each only if both of
// its pair are registered, the best one after the default).
func candidates(ms []Model, best bool) []Model {
	if !best {
		return ms
	}
	out := slices.Clone(ms)
	for _, pair := range bestInstead {
		at, from := -1, -1
		for i, m := range out {
			switch m.Name() {
			case pair[0]:
				at = i
			case pair[1]:
				from = i
			}
		}
		if at < 0 || from < at {
			continue
		}
		m := out[from]
		out = slices.Insert(slices.Delete(out, from, from+1), at, m)
	}
	return out
}

// builtinOrder returns the built-in model names, preferred ones first, then
// any others in vae's order.
func builtinOrder() []string {
	names := vae.BuiltinNames()
	order := make([]string, 0, len(names))
	for _, p := range preferred {
		if slices.Contains(names, p) {
			order = append(order, p)
		}
	}
	for _, n := range names {
		if !slices.Contains(order, n) {
			order = append(order, n)
		}
	}
	return order
}

// lazyBuiltin is a built-in model registered without parsing it: name,
// hash and record size come from the file's bytes, and the model is parsed
// (vae.Builtin, a few to tens of milliseconds) on first use, so that a
// process pays only for the models it codes with.
type lazyBuiltin struct {
	name string
	file []byte
	once sync.Once
	m    Model
}

func (l *lazyBuiltin) load() Model {
	l.once.Do(func() {
		m, err := vae.Builtin(l.name)
		if err != nil {
			panic(err) // the embedded files are part of the build (TestBuiltinsParse)
		}
		l.m = FromVAE(m)
	})
	return l.m
}

func (l *lazyBuiltin) Name() string { return l.name }

// Hash is the model file's SHA-256 trailer, which vae.Builtin checks.
func (l *lazyBuiltin) Hash() (h [32]byte) {
	copy(h[:], l.file[len(l.file)-32:])
	return h
}

// RecordSize reads the record size field (SPEC.md section 3.1: after the
// 8-byte magic, the u16 version and the likelihood and components bytes).
func (l *lazyBuiltin) RecordSize() int { return int(binary.LittleEndian.Uint32(l.file[12:])) }

func (l *lazyBuiltin) Codable(record []byte) bool { return l.load().Codable(record) }
func (l *lazyBuiltin) NewCoder(lanes int) Coder   { return l.load().NewCoder(lanes) }
func (l *lazyBuiltin) File() []byte               { return l.file }

func init() {
	infos := vae.Builtins()
	for _, name := range builtinOrder() {
		for _, b := range infos {
			if b.Name == name {
				Register(&lazyBuiltin{name: name, file: b.File()})
			}
		}
	}
	modelLoader = func(file []byte) (Model, error) {
		m, err := vae.ParseModel(file)
		if err != nil {
			return nil, err
		}
		return FromVAE(m), nil
	}
}
