package cmix

import (
	"errors"
	"fmt"
	"math/bits"
)

// Limits on a model's shape, so a model file cannot ask for unbounded
// memory or work.
const (
	LatestVersion = 4
	MaxDim        = 1 << 12 // width or height
	MaxChannels   = 4
	MaxRecord     = 1 << 22 // bytes per record
	MinTableBits  = 10
	MaxTableBits  = 24
)

// ErrParams reports parameters no model can have.
var ErrParams = errors.New("cmix: invalid parameters")

// Params are what a model is: the records' shape, the byte values they use
// and the sizes and rates of the adaptive state. They are fixed when a
// model is made; the state primed from training records goes with them.
type Params struct {
	Version int    // the engine's arithmetic: 1..4 (LatestVersion), as in the model file
	W, H, C int    // record shape: C channels of each of W×H pixels, row-major
	Levels  []byte // the byte values records may hold, strictly increasing, 2..256 of them

	TableBits uint // log2 of the number of counters (MinTableBits..MaxTableBits)
	Limit     int  // a counter's adaptation rate stops slowing at 1/(Limit+1.5) (1..255)
	MixRate   int  // the mixers' learning rate, in steps of 2^-9 (1..64)
	MinCount  int  // priming keeps the counters seen at least this often (1..255)
}

// DefaultParams returns the parameters for records of shape w×h×c that
// use the given levels.
func DefaultParams(w, h, c int, levels []byte) Params {
	return Params{Version: LatestVersion, W: w, H: h, C: c, Levels: levels, TableBits: 22, Limit: 255, MixRate: 2, MinCount: 2}
}

// Validate reports whether p describes a model.
func (p *Params) Validate() error {
	switch {
	case p.Version < 1 || p.Version > LatestVersion:
		return fmt.Errorf("%w: version %d (this build has 1..%d)", ErrParams, p.Version, LatestVersion)
	case p.W < 1 || p.H < 1 || p.W > MaxDim || p.H > MaxDim:
		return fmt.Errorf("%w: shape %dx%d (each side 1..%d)", ErrParams, p.W, p.H, MaxDim)
	case p.C < 1 || p.C > MaxChannels:
		return fmt.Errorf("%w: %d channels (1..%d)", ErrParams, p.C, MaxChannels)
	case p.W*p.H*p.C > MaxRecord:
		return fmt.Errorf("%w: records of %d bytes (at most %d)", ErrParams, p.W*p.H*p.C, MaxRecord)
	case len(p.Levels) < 2 || len(p.Levels) > 256:
		return fmt.Errorf("%w: %d levels (2..256)", ErrParams, len(p.Levels))
	case p.TableBits < MinTableBits || p.TableBits > MaxTableBits:
		return fmt.Errorf("%w: table bits %d (%d..%d)", ErrParams, p.TableBits, MinTableBits, MaxTableBits)
	case p.Limit < 1 || p.Limit > 255:
		return fmt.Errorf("%w: counter limit %d (1..255)", ErrParams, p.Limit)
	case p.MinCount < 1 || p.MinCount > 255:
		return fmt.Errorf("%w: minimum count %d (1..255)", ErrParams, p.MinCount)
	case p.MixRate < 1 || p.MixRate > 64:
		return fmt.Errorf("%w: mixer rate %d (1..64)", ErrParams, p.MixRate)
	}
	for i := 1; i < len(p.Levels); i++ {
		if p.Levels[i] <= p.Levels[i-1] {
			return fmt.Errorf("%w: levels not strictly increasing at %d", ErrParams, i)
		}
	}
	return nil
}

// RecordSize is the number of bytes of a record.
func (p *Params) RecordSize() int { return p.W * p.H * p.C }

// treeBits is the number of decisions after the first for a nonzero
// level index: the bit length of the largest value of v-1.
func (p *Params) treeBits() int { return bits.Len(uint(len(p.Levels) - 2)) }
