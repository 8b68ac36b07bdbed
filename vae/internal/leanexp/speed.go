package main

import (
	"runtime"
	"syscall"
	"time"

	"github.com/bbans/bbans/vae/dataset"
)

// threadCPU is the calling thread's CPU time (RUSAGE_THREAD, Linux).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(1, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// m3 is variant M3 written for speed: no closures, padded rows, the
// probabilities and updates of every decision but no entropy coder. Its
// time per image is a lower bound on M3's likelihood time each way (add
// the coder: about 10 us/image for ~2,000 binary decisions, from
// BenchmarkCMFProto's static prototypes).
type m3 struct {
	small                         bool // M4: t>>5 and 4-level W N NW NE for the node tables
	tWN, tW, tN, tNb, tNE, z1, zb []ctr
	w                             []int32 // 81 sets x 12
	pad                           [32 * 31]byte
}

func newM3(small bool) *m3 {
	mk := func(n int) []ctr {
		s := make([]ctr, n)
		for i := range s {
			s[i] = ctrInit
		}
		return s
	}
	m := &m3{tWN: mk(33 * 64 * 256), tW: mk(256 * 256), tN: mk(256 * 256), tNb: mk(4096 * 256), tNE: mk(256 * 256),
		z1: mk(33 * 4096), zb: mk(1 << 16), w: make([]int32, 81*12), small: small}
	for s := range 81 {
		for j := range 7 {
			m.w[s*12+j] = 65536 * 3 / 10
		}
		m.w[s*12+7] = 65536 / 4
	}
	return m
}

// record returns the code length of rec in units of 2^-16 bits... as a
// checksum-like sum of the coded frequencies' logs is float, it returns
// the sum of the probabilities instead (to keep the work from being
// optimised away); train updates the mixer too.
func (m *m3) record(rec []byte, ix []uint16, limit uint32, train bool) uint64 {
	const S = 32
	clear(m.pad[:])
	var sum uint64
	var in [12]int32
	var st [7]*ctr
	for y := range 28 {
		for x := range 28 {
			o := (y+2)*S + x + 2
			v := uint32(rec[y*28+x])
			W, N, NW, NE := m.pad[o-1], m.pad[o-S], m.pad[o-S-1], m.pad[o-S+1]
			WW, NN, NNE, NNW := m.pad[o-2], m.pad[o-2*S], m.pad[o-2*S+1], m.pad[o-2*S-1]
			t := ix[y*28+x]
			nb := lv8[W]<<9 | lv8[N]<<6 | lv8[NW]<<3 | lv8[NE]
			bWN := (int(t>>4)<<6 | lv8[W]<<3 | lv8[N]) << 8
			bW, bN, bNb, bNE := int(W)<<8, int(N)<<8, nb<<8, int(NE)<<8
			if m.small {
				bWN = (int(t>>5)<<6 | lv8[W]<<3 | lv8[N]) << 8
				bNb = (lv4[W]<<6 | lv4[N]<<4 | lv4[NW]<<2 | lv4[NE]) << 8
			}
			var tE, tS, tSE uint16 = 256, 256, 256
			if x < 27 {
				tE = ix[y*28+x+1]
			}
			if y < 27 {
				tS = ix[y*28+x+28]
				if x < 27 {
					tSE = ix[y*28+x+29]
				}
			}
			in[7], in[8], in[9], in[10], in[11] = u(t), u(tE), u(tS), u(tSE), 256
			tb := int(min(t>>6, 8))
			node, depth := 0, 0
			for {
				var bit uint32
				n := 5
				st[0], st[1], st[2], st[3], st[4] = &m.tWN[bWN+node], &m.tW[bW+node], &m.tN[bN+node], &m.tNb[bNb+node], &m.tNE[bNE+node]
				if depth == 0 {
					if v != 0 {
						bit = 1
					}
					st[5] = &m.z1[int(t>>4)<<12|nb]
					st[6] = &m.zb[lv4[W]<<14|lv4[N]<<12|lv4[NW]<<10|lv4[NE]<<8|lv4[WW]<<6|lv4[NN]<<4|lv4[NNE]<<2|lv4[NNW]]
					n = 7
				} else {
					bit = v >> (8 - depth) & 1
					in[5], in[6] = 0, 0
				}
				for k := range n {
					in[k] = stretch(ctrP12(*st[k]))
				}
				wv := m.w[(depth*9+tb)*12:][:12]
				var dot int64
				for i := range 12 {
					dot += int64(in[i]) * int64(wv[i])
				}
				d := int32(min(max(dot>>16, -2047), 2047))
				sum += uint64(squash16(d))
				if train {
					err := ((int32(bit) << 12) - squash(d)) * 2
					for i := range 12 {
						wv[i] += (in[i]*err + 1<<15) >> 16
					}
					for k := range n {
						ctrUpdate(st[k], bit, limit)
					}
				} else {
					// coding: only the byte-context counters adapt.
					ctrUpdate(st[1], bit, limit)
					ctrUpdate(st[2], bit, limit)
					ctrUpdate(st[3], bit, limit)
					ctrUpdate(st[4], bit, limit)
					if n == 7 {
						ctrUpdate(st[6], bit, limit)
					}
				}
				if depth == 0 {
					if bit == 0 {
						break
					}
					node = 1
				} else {
					node = 2*node + int(bit)
				}
				depth++
				if depth > 8 {
					break
				}
			}
			m.pad[o] = byte(v)
		}
	}
	return sum
}

// speedM3 primes m3 on fit and times its coding pass over meas (thread
// CPU time), returning us/image.
func speedM3(small bool, fit *dataset.Dataset, fi []uint16, meas *dataset.Dataset, mi []uint16) float64 {
	m := newM3(small)
	for r := range fit.Len() {
		m.record(fit.Record(r), fi[r*784:(r+1)*784], 127, true)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var sink uint64
	c0 := threadCPU()
	for r := range meas.Len() {
		sink += m.record(meas.Record(r), mi[r*784:(r+1)*784], 127, false)
	}
	el := threadCPU() - c0
	if sink == 0 {
		panic("no work")
	}
	return float64(el.Microseconds()) / float64(meas.Len())
}
