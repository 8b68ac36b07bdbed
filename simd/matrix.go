package simd

import "fmt"

// PackedMatrix is an N x K int8 weight matrix (N outputs, K inputs) packed
// once into the layouts every supported level reads (see the package doc).
// It is immutable and safe for concurrent use.
type PackedMatrix struct {
	n, k   int
	w      []int8  // row-major reference copy, w[n*K+k]
	quad   []int8  // VNNI quad layout, nil if no level needs it
	pair   []int16 // int16 pair layout, nil if no level needs it
	rowSum []int32
}

// Pack copies the row-major N x K matrix w (w[n*K+k] is the weight from
// input k to output n) into a PackedMatrix. It panics if len(w) != n*k or a
// dimension is negative.
func Pack(w []int8, n, k int) *PackedMatrix {
	if n < 0 || k < 0 || len(w) != n*k {
		panic(fmt.Sprintf("simd: Pack of %d weights as %d x %d", len(w), n, k))
	}
	m := &PackedMatrix{n: n, k: k, w: append([]int8(nil), w...), rowSum: make([]int32, n)}
	for i := range n {
		var s int32
		for _, v := range m.w[i*k : (i+1)*k] {
			s += int32(v)
		}
		m.rowSum[i] = s
	}
	packArch(m)
	return m
}

// N returns the number of outputs (rows).
func (m *PackedMatrix) N() int { return m.n }

// K returns the number of inputs (columns).
func (m *PackedMatrix) K() int { return m.k }

// At returns the weight from input k to output n.
func (m *PackedMatrix) At(n, k int) int8 { return m.w[n*m.k+k] }

// RowSums returns sum_k W[n][k] for each output n (int32, wrapping), the
// bias correction for offset activations (see the package doc). The caller
// must not modify the returned slice.
func (m *PackedMatrix) RowSums() []int32 { return m.rowSum }

// groups is the number of 16-output groups, N rounded up to 16.
func (m *PackedMatrix) groups() int { return (m.n + 15) / 16 }

// packQuad builds the VNNI quad layout: group g, quad q, lane j, byte t
// holds W[16g+j][4q+t], zero outside the matrix.
func packQuad(m *PackedMatrix) []int8 {
	kq := (m.k + 3) / 4
	out := make([]int8, m.groups()*kq*64)
	for n := range m.n {
		g, j := n/16, n%16
		for k := range m.k {
			q, t := k/4, k%4
			out[((g*kq+q)*16+j)*4+t] = m.w[n*m.k+k]
		}
	}
	return out
}

// packPair builds the int16 pair layout: group g, pair p, lane j, element t
// holds W[16g+j][2p+t], zero outside the matrix.
func packPair(m *PackedMatrix) []int16 {
	kp := (m.k + 1) / 2
	out := make([]int16, m.groups()*kp*32)
	for n := range m.n {
		g, j := n/16, n%16
		for k := range m.k {
			p, t := k/2, k%2
			out[((g*kp+p)*16+j)*2+t] = int16(m.w[n*m.k+k])
		}
	}
	return out
}
