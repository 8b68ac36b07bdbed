package stream

import (
	"fmt"

	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/format"
)

// Compression levels, in the style of zstd: 1 is the fastest, 19 the
// smallest. A level sets three things (levelOf):
//
//   - the general-purpose codec that codes chunks no model fits (SPEC.md
//     section 4.4): Zstandard at klauspost/compress's four settings for
//     levels 1 to 11, Brotli at quality 9 (level 12), 10 (13 to 16, the
//     default) and 11 (17 to 19). On this project's sources klauspost's
//     best setting is 8% larger than zstd -19, Brotli 9 5% larger, 10 and
//     11 2-4% smaller; the default is the first that is safely within 5%
//     of zstd -19, at about a tenth of Brotli 9's speed (under 1 MB/s per
//     core on text; levels 1 to 12 run at 10 to 400 MB/s);
//   - the model effort: at every level a sample of the first chunk
//     decides whether the model fits the data at all (re-checked now and
//     then), so input no model fits never runs through the networks chunk
//     after chunk, and a chunk the model codes is compared with the general
//     codec only when a quick probe says it might lose; at levels 17 to 19
//     every chunk the model codes is also coded with the general codec and
//     the smaller kept;
//   - the lanes (WithLanes): 16 at levels 1 to 5 (the networks run on more
//     records at once, about 0.1-0.5% larger), 4 from 6 to 16, 1 from 17 (each lane
//     pays its initial bits and stagger once per chunk);
//   - with no WithModel, the models: DefaultModel and DefaultModel8Bit up
//     to level 16, BestModel and BestModel8Bit from BestLevel (their
//     adaptive context mixing codes binarized MNIST 3-6% and 8-bit MNIST
//     13% smaller, at about 0.7 and a twenty-fifth of the speed both ways);
//   - the chunk records (WithChunkRecords): DefaultChunkRecords, and
//     BestChunkRecords at MaxLevel, where the best models' adaptation spans
//     the longer chunks (their state resets at each chunk).
const (
	MinLevel     = 1
	MaxLevel     = 19
	DefaultLevel = 13
	// BestLevel is the first level whose writer codes records with
	// BestModel and BestModel8Bit when given no model.
	BestLevel = 17
	// BestChunkRecords is MaxLevel's chunk records.
	BestChunkRecords = 10000
)

// effort is how hard a level works at choosing each chunk's coding.
type effort int

const (
	// effortSampled decides from samples whether the model codes a chunk
	// at all, and runs the general codec beside it only when the probe
	// says it may win.
	effortSampled effort = iota
	// effortFull codes every chunk the gate lets through with the model
	// and with the general codec (no probe shortcut), and keeps the
	// smaller.
	effortFull
)

// level is what one compression level sets.
type level struct {
	general general
	effort  effort
	lanes   int
	// best: with no WithModel, records go to BestModel and BestModel8Bit
	// rather than DefaultModel and DefaultModel8Bit.
	best bool
	// chunkRecords is the chunk records unless WithChunkRecords is given.
	chunkRecords int
}

// levelOf returns the settings of compression level n (MinLevel..MaxLevel).
func levelOf(n int) level {
	l := level{effort: effortSampled, lanes: DefaultLanes, chunkRecords: DefaultChunkRecords}
	switch {
	case n <= 2:
		l.general = general{typ: format.Zstd, zstd: zstd.SpeedFastest}
	case n <= 5:
		l.general = general{typ: format.Zstd, zstd: zstd.SpeedDefault}
	case n <= 9:
		l.general = general{typ: format.Zstd, zstd: zstd.SpeedBetterCompression}
	case n <= 11:
		l.general = general{typ: format.Zstd, zstd: zstd.SpeedBestCompression}
	case n == 12:
		l.general = general{typ: format.Brotli, brotli: 9}
	case n <= 16:
		l.general = general{typ: format.Brotli, brotli: 10}
	default:
		l.general = general{typ: format.Brotli, brotli: 11}
	}
	switch {
	case n <= 5:
		l.lanes = 16
	case n >= 17:
		l.lanes = 1
	}
	if n >= 17 {
		l.effort = effortFull
	}
	l.best = n >= BestLevel
	if n == MaxLevel {
		l.chunkRecords = BestChunkRecords
	}
	return l
}

// LevelInfo describes compression level n for people (bbans compress -h):
// its general codec, model effort, lanes, models of binarized and 8-bit
// records and chunk records.
func LevelInfo(n int) string {
	l := levelOf(n)
	e := "model where a sample fits"
	if l.effort == effortFull {
		e = "model where a sample fits, and the general codec beside it"
	}
	m, m8 := DefaultModel, DefaultModel8Bit
	if l.best {
		m, m8 = BestModel, BestModel8Bit
	}
	return fmt.Sprintf("%s, %s, lanes %d, models %s (binarized) and %s (8-bit), chunks of %d records", l.general, e, l.lanes, m, m8, l.chunkRecords)
}

// WithEncoderLevel sets the compression level, MinLevel (fastest) to
// MaxLevel (smallest). Default DefaultLevel. The level chooses the general
// codec, the model effort, the model of 8-bit records unless WithModel is
// given, and the lanes and chunk records unless WithLanes and
// WithChunkRecords are given (see MinLevel). It cannot be changed by
// Reset.
func WithEncoderLevel(n int) WOption {
	return func(o *wOptions) error {
		if n < MinLevel || n > MaxLevel {
			return fmt.Errorf("stream: level %d outside [%d, %d]", n, MinLevel, MaxLevel)
		}
		o.level = n
		return nil
	}
}

// WithGeneralCodec sets whether chunks may be coded with the general-purpose
// codec (Zstd and Brotli frames). Default true. Without it every chunk is
// coded with the model, and stored when that does not make it smaller, as
// writers did before those frame types existed: readers that predate them
// then decode the archive too. It cannot be changed by Reset.
func WithGeneralCodec(b bool) WOption {
	return func(o *wOptions) error {
		o.noGeneral = !b
		return nil
	}
}
