// Package simd provides the exact integer matrix kernels behind the VAE's
// integer inference: uint8 activations times int8 weights into int32
// accumulators, for one record (GEMV) and for a batch of records (GEMM),
// plus the requantisation step that turns accumulators into the next layer's
// uint8 activations by an integer multiply and shift.
//
// # Exactness
//
// Every level computes the same integers on every input the API accepts, so
// an archive written on one machine decodes on any other (DESIGN.md,
// "Determinism is the contract"). Accumulation is int32 arithmetic modulo
// 2^32 (as Go's int32 addition wraps), which is associative, so the order
// of the SIMD sums does not matter. No path saturates: with K inputs the
// exact sum fits int32 whenever K <= 65793 (255*128*K < 2^31), and beyond
// that every path wraps identically.
//
// Activations are uint8 over their full range 0..255 and weights are int8
// over their full range -128..127. There is no narrower contract to keep:
//   - AVX-512 VNNI uses VPDPBUSD (u8 x s8, four products summed into int32,
//     the non-saturating form).
//   - AVX-512BW and AVX2 do not use VPMADDUBSW, whose int16 pair sums would
//     saturate for 255*(-128)*2. They widen both operands to int16 (weights
//     at pack time, activations as they are broadcast) and use VPMADDWD,
//     whose int16 x int16 pair sums are exact in int32 for these ranges
//     (|255*128*2| < 2^31; VPMADDWD saturates only for -32768*-32768 pairs).
//
// Signed int8 activations (a latent sample, say) fit this API by offsetting:
// sum_k w[k]*x[k] = sum_k w[k]*(x[k]+128) - 128*RowSums()[n], so feed x+128
// as uint8 and fold -128*RowSums()[n] into the bias.
//
// # Shapes and memory layout
//
// A layer is a weight matrix W of N rows (outputs) by K columns (inputs),
// given row-major to Pack as w[n*K+k]. Inputs are batch records of K bytes,
// row-major, in[b*K+k]; raw outputs are out[b*N+n] int32, row-major:
//
//	out[b*N+n] = bias[n] + sum_{k<K} int32(in[b*K+k]) * int32(W[n][k])
//
// Pack copies W once, at model load, into the layouts the kernels read:
//
//   - reference: the row-major copy, w[n*K+k].
//   - quad layout (AVX-512 VNNI): output rows in groups of 16 (N padded
//     to a multiple of 16 with zero rows), K padded to a multiple of 4 with
//     zeros; group g is a run of ceil(K/4) blocks of 64 bytes, block q
//     holding W[16g+j][4q+t] at byte 4j+t. One block is one zmm register:
//     lane j is output 16g+j, its four bytes are four consecutive inputs,
//     exactly what VPDPBUSD multiplies by a broadcast of in[4q..4q+3].
//   - pair layout (AVX-512BW and AVX2): the same grouping with K padded to a
//     multiple of 2 and int16 elements; block p of group g holds
//     W[16g+j][2p+t] at int16 index 2j+t (64 bytes: one zmm, or two ymm of 8
//     outputs each), what VPMADDWD multiplies by a broadcast of the widened
//     pair in[2p], in[2p+1].
//
// The kernels tile the output in blocks of up to R records x C groups of 16
// outputs held in registers (VNNI 6x4, AVX-512BW 4x4, AVX2 4x1) and stream
// the whole of K through them; partial tiles use masked loads and stores, so
// no input or output is read or written outside the slices given.
//
// # Requantisation
//
// A Requant holds per-output-row fixed-point scales (mult[n], shift[n]) and
// a clamp range; applied to an accumulator a (bias already added):
//
//	y = clamp((int64(a)*int64(mult[n]) + r) >> shift[n], lo, hi)
//
// where r = 1<<(shift[n]-1) (round half up) or 0 when shift[n] is 0, and >>
// is an arithmetic shift (floor). The product and rounding term fit int64
// for every int32 input. lo = 0 makes it a ReLU. Dense is MatMul followed by
// Requantize into uint8; DenseInt32 keeps int32 outputs (for example table
// indices for the final layer). QuantizeMultiplier turns a float scale into
// (mult, shift) at model-building time; nothing on a coding path uses floats.
//
// # Dispatch
//
// The level (Generic, AVX2, AVX512, AVX512VNNI) is chosen once at init from
// github.com/klauspost/cpuid/v2: the best the CPU supports, or a lower one
// named by the environment variable BBANS_SIMD (generic, avx2, avx512,
// avx512vnni; a level above what the CPU supports is lowered to the best
// supported). ForceLevel steps it down for tests and returns a restore
// function. Building with -tags noasm, or for a GOARCH other than amd64,
// leaves only Generic, the pure-Go reference, which is always compiled.
package simd
