package stream

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/bbans/bbans/format"
)

// Defaults of the writer options.
const (
	// DefaultChunkRecords is the number of records per chunk. A chunk is
	// the unit of parallelism and of memory; each chunk pays the initial
	// bits of its lanes (SPEC.md section 1.3), so chunks must be large
	// enough for that to vanish next to their content.
	DefaultChunkRecords = 1000
	// DefaultLanes is the number of bits-back chains per chunk, which
	// lets the model run its networks on that many records at once.
	DefaultLanes = 4
)

// WOption sets an option of a Writer.
type WOption func(*wOptions) error

type wOptions struct {
	model        Model
	chunkRecords int
	lanes        int
	concurrency  int
	embed        bool
	rawEmbed     bool // embed the model file verbatim (embed.go)
	idx          bool
	noIndex      bool // no index frame (index_writer.go)
	level        int
	lanesSet     bool // WithLanes was given: the level does not set them
	chunkSet     bool // WithChunkRecords was given: the level does not set them
	noGeneral    bool // WithGeneralCodec(false)
}

func defaultWOptions() wOptions {
	return wOptions{chunkRecords: DefaultChunkRecords, lanes: DefaultLanes, idx: true, level: DefaultLevel}
}

// WithModel sets the model that codes records. Default: chosen from the
// first chunk among the registered models of the record size, in order of
// preference: DefaultModel for binarized records (bytes 0 and 1),
// DefaultModel8Bit for other 784-byte records (BestModel and
// BestModel8Bit from BestLevel). It cannot be changed by Reset.
func WithModel(m Model) WOption {
	return func(o *wOptions) error {
		if m == nil {
			return errors.New("stream: nil model")
		}
		if s := m.RecordSize(); s < 1 || s > format.MaxRecordSize {
			return fmt.Errorf("stream: model record size %d outside [1, %d]", s, format.MaxRecordSize)
		}
		o.model = m
		return nil
	}
}

// WithChunkRecords sets how many records a chunk holds, in [1, 2^24], with
// record size times chunk records at most 64 MiB. Default: the level's
// (WithEncoderLevel), DefaultChunkRecords but at MaxLevel. Larger chunks spread the fixed cost of a chunk over
// more records; smaller ones give more parallelism on small inputs, less
// memory and faster random access (a ReaderAt decodes a whole chunk to read
// one of its records), at the price of rate: each chunk pays the initial
// bits of its chain and its frame (on binarized MNIST, 100-record chunks
// cost about 8% more than 1,000-record ones, 10-record chunks about 90%).
func WithChunkRecords(n int) WOption {
	return func(o *wOptions) error {
		if n < 1 || n > format.MaxChunkRecords {
			return fmt.Errorf("stream: chunk records %d outside [1, %d]", n, format.MaxChunkRecords)
		}
		o.chunkRecords = n
		o.chunkSet = true
		return nil
	}
}

// WithLanes sets the number of independent bits-back chains in a chunk, in
// [1, 1024]. Default: the level's (WithEncoderLevel), DefaultLanes at
// DefaultLevel. More lanes let the model batch its networks; each lane
// costs its initial bits once per chunk.
func WithLanes(n int) WOption {
	return func(o *wOptions) error {
		if n < 1 || n > format.MaxLanes {
			return fmt.Errorf("stream: lanes %d outside [1, %d]", n, format.MaxLanes)
		}
		o.lanes = n
		o.lanesSet = true
		return nil
	}
}

// WithEncoderConcurrency sets how many chunks are coded at once; 0 means
// GOMAXPROCS. Default 0. Memory use is at most about 5n + 8 chunks (see
// Writer).
func WithEncoderConcurrency(n int) WOption {
	return func(o *wOptions) error {
		if n < 0 {
			return fmt.Errorf("stream: concurrency %d < 0", n)
		}
		o.concurrency = n
		return nil
	}
}

// WithEmbeddedModel makes archives carry their model file, so that they
// decode where the model is not built in. Default false. The file is
// stored zstd-compressed unless WithEmbeddedModelRaw says otherwise.
func WithEmbeddedModel(b bool) WOption {
	return func(o *wOptions) error {
		o.embed = b
		return nil
	}
}

// WithIDX enables recognition of IDX files (MNIST's format): when the input
// starts with an IDX header whose item size equals the record size, the
// header is kept verbatim in a raw frame and the records after it are coded
// aligned. Default true.
func WithIDX(b bool) WOption {
	return func(o *wOptions) error {
		o.idx = b
		return nil
	}
}

// ROption sets an option of a Reader.
type ROption func(*rOptions) error

type rOptions struct {
	models      []Model
	concurrency int
	maxMemory   int64
	maxRatio    int64
	allowEmbed  bool
	cacheBytes  int64 // ReaderAt's chunk cache; < 0: the default (chunk_cache.go)
}

// DefaultMaxMemory is the default bound of a Reader's memory for buffers.
const DefaultMaxMemory = 1 << 30

func defaultROptions() rOptions {
	return rOptions{maxMemory: DefaultMaxMemory, maxRatio: DefaultMaxRatio, allowEmbed: true, cacheBytes: -1}
}

// WithModels adds models a Reader can decode with, besides the built-in
// ones; archives name their model by hash.
func WithModels(ms ...Model) ROption {
	return func(o *rOptions) error {
		for _, m := range ms {
			if m == nil {
				return errors.New("stream: nil model")
			}
		}
		o.models = append(o.models, ms...)
		return nil
	}
}

// WithDecoderConcurrency sets how many chunks are decoded at once; 0 means
// GOMAXPROCS. Default 0.
func WithDecoderConcurrency(n int) ROption {
	return func(o *rOptions) error {
		if n < 0 {
			return fmt.Errorf("stream: concurrency %d < 0", n)
		}
		o.concurrency = n
		return nil
	}
}

// WithDecoderMaxMemory bounds the memory a Reader uses, in bytes; an
// archive that would need more (a huge chunk size claimed by its header,
// an embedded model too large or with too much coder scratch) is rejected
// with an error wrapping format.ErrLimit before anything that large is
// allocated. The chunk buffers (a payload copy, the decoded content and a
// message for each chunk queued, decoded or consumed) get n in all, split
// between them; an embedded model file at most n/4; the coders' scratch
// (ScratchSizer), one coder per chunk decoded at once, n/4 in all: where
// fewer coders than the concurrency fit (a cmix model's tables are up to
// 67 MiB a coder), fewer chunks are decoded at once, at least one, and an
// archive one coder of whose model needs more than n/4 is rejected.
// Default DefaultMaxMemory (1 GiB); at least 1 MiB.
func WithDecoderMaxMemory(n int64) ROption {
	return func(o *rOptions) error {
		if n < 1<<20 {
			return fmt.Errorf("stream: max memory %d below 1 MiB", n)
		}
		o.maxMemory = n
		return nil
	}
}

// DefaultMaxRatio is the default of WithDecoderMaxRatio. Writers split a
// chunk that would code denser than this (blank MNIST images code at about
// 200), so every archive they write decodes with the default.
const DefaultMaxRatio = 1 << 16

// WithDecoderMaxRatio bounds a decoder's work by what it has read: a chunk
// frame of more than one record may decode to at most n bytes per byte of
// its payload. A frame that claims more is rejected with an error wrapping
// format.ErrLimit before any of it is decoded; without the bound, a few
// dozen bytes could claim millions of records and keep a decoder busy for
// minutes before the damage shows. Default DefaultMaxRatio; at least 1.
// No lower bound on the bits a record costs holds for every model (bits
// back can make a record's net cost negative), so the bound is a limit,
// not a proof.
func WithDecoderMaxRatio(n int64) ROption {
	return func(o *rOptions) error {
		if n < 1 {
			return fmt.Errorf("stream: max ratio %d below 1", n)
		}
		o.maxRatio = n
		return nil
	}
}

// WithEmbeddedModels sets whether a Reader may use a model embedded in an
// archive. Default true. Turn it off to decode only with trusted models.
func WithEmbeddedModels(b bool) ROption {
	return func(o *rOptions) error {
		o.allowEmbed = b
		return nil
	}
}

func concurrency(n int) int {
	if n == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}
