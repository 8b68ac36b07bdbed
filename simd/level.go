package simd

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// Level is a kernel implementation, ordered from slowest to fastest.
type Level int32

const (
	// Generic is the pure-Go reference, available everywhere.
	Generic Level = iota
	// AVX2 uses 256-bit VPMADDWD on int16-widened operands.
	AVX2
	// AVX512 uses 512-bit VPMADDWD (AVX-512 F and BW, without VNNI).
	AVX512
	// AVX512VNNI uses VPDPBUSD (AVX-512 F, BW and VNNI).
	AVX512VNNI
	// NEON is arm64's Advanced SIMD without the dot-product extension: the
	// mixer kernels; matrix products stay generic.
	NEON
	// NEONDot uses the arm64 SDOT instruction (FEAT_DotProd) on offset
	// activations, and NEON's mixer kernels. Levels are ordered within an
	// architecture; an arm64 build supports only Generic, NEON and NEONDot.
	NEONDot
)

var levelNames = [...]string{"generic", "avx2", "avx512", "avx512vnni", "neon", "neondot"}

// String returns the name BBANS_SIMD uses for l.
func (l Level) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int32(l))
}

// ParseLevel parses a BBANS_SIMD value: generic, avx2, avx512, avx512vnni,
// neon or neondot (case-insensitive).
func ParseLevel(s string) (Level, error) {
	for i, name := range levelNames {
		if strings.EqualFold(s, name) {
			return Level(i), nil
		}
	}
	return Generic, fmt.Errorf("simd: unknown level %q (want generic, avx2, avx512, avx512vnni, neon or neondot)", s)
}

// EnvVar names the environment variable read at init to cap the level.
const EnvVar = "BBANS_SIMD"

var (
	best    Level        // the best level this build and CPU support; set at init
	current atomic.Int32 // the level the exported kernels use
)

func init() {
	best = detect()
	l, err := chooseLevel(os.Getenv(EnvVar), best, supported)
	if err != nil {
		// A typo must not silently run another level in CI.
		panic(fmt.Sprintf("%v in %s", err, EnvVar))
	}
	current.Store(int32(l))
}

// chooseLevel reads a BBANS_SIMD value: empty or "auto" is best, any other
// level is lowered to the highest supported one at or below it (so avx2 on
// arm64 is generic, and avx512vnni on an AVX2 machine is avx2).
func chooseLevel(env string, best Level, supported func(Level) bool) (Level, error) {
	if env == "" || strings.EqualFold(env, "auto") {
		return best, nil
	}
	want, err := ParseLevel(env)
	if err != nil {
		return best, err
	}
	for l := min(want, best); l > Generic; l-- {
		if supported(l) {
			return l, nil
		}
	}
	return Generic, nil
}

// Best returns the fastest level this build and CPU support.
func Best() Level { return best }

// Current returns the level the kernels use now.
func Current() Level { return Level(current.Load()) }

// Levels returns every level this build and CPU support, slowest first.
// Generic is always first.
func Levels() []Level {
	var ls []Level
	for l := Generic; l <= best; l++ {
		if supported(l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// ForceLevel makes the kernels use level l until the returned function is
// called, which restores the previous level. It is meant for tests and
// benchmarks and must not race with kernel calls that care which level
// runs (results are the same either way). It panics if l is not supported.
func ForceLevel(l Level) (restore func()) {
	if l < Generic || l > best || !supported(l) {
		panic(fmt.Sprintf("simd: level %v not supported here (best %v)", l, best))
	}
	prev := current.Swap(int32(l))
	return func() { current.Store(prev) }
}
