package main

import "fmt"

// avx512 (F+BW, no VNNI): 6 records x 4 groups. Accumulator of record i,
// group j is Z(4i+j); weights of group j in Z(24+j); broadcasts alternate
// Z28/Z29, products alternate Z30/Z31. K1 masks the last group's outputs.
const bwR, bwC = 6, 4

func avx512() *gen {
	g := &gen{name: "bw"}
	g.header(`// tileAVX512: AVX-512 F+BW without VNNI. Each k step broadcasts the input
// pair in[2p], in[2p+1] widened to int16 (VPBROADCASTW of the two bytes,
// then VPMOVZXBW) and multiplies it by one 64-byte block of the int16 pair
// layout with VPMADDWD: two exact int16 products summed in int32 per lane.

`)
	g.prologue("tileAVX512")
	g.f("MOVQ nmask+72(FP), R14")
	g.f("KMOVW R14, K1")
	g.dispatch(bwR, bwC)
	for r := 1; r <= bwR; r++ {
		for c := 1; c <= bwC; c++ {
			g.bwBlock(r, c)
		}
	}
	return g
}

func (g *gen) bwBlock(r, c int) {
	p := fmt.Sprintf("%s_%d_%d", g.name, r, c)
	g.label(p)
	g.f("TESTQ BX, BX")
	g.f("JZ %s_zero", p)
	for j := 0; j < c; j++ {
		if j == c-1 {
			g.f("VMOVDQU32.Z %d(BX), K1, %s", j*64, acc(0, j, bwC))
		} else {
			g.f("VMOVDQU32 %d(BX), %s", j*64, acc(0, j, bwC))
		}
	}
	for i := 1; i < r; i++ {
		for j := 0; j < c; j++ {
			g.f("VMOVDQA64 %s, %s", acc(0, j, bwC), acc(i, j, bwC))
		}
	}
	g.f("JMP %s_init", p)
	g.label(p + "_zero")
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			g.f("VPXORD %[1]s, %[1]s, %[1]s", acc(i, j, bwC))
		}
	}
	g.label(p + "_init")
	g.f("TESTQ CX, CX")
	g.f("JZ %s_tail", p)
	g.label(p + "_loop")
	g.bwStep(r, c, false)
	g.f("ADDQ $64, DX")
	g.f("ADDQ $2, SI")
	g.f("ADDQ $2, R8")
	g.f("DECQ CX")
	g.f("JNZ %s_loop", p)
	g.label(p + "_tail")
	g.f("TESTQ AX, AX")
	g.f("JZ %s_store", p)
	g.bwStep(r, c, true)
	g.label(p + "_store")
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if j == c-1 {
				g.f("VMOVDQU32 %s, K1, %s", acc(i, j, bwC), outAddr(i, j, 64))
			} else {
				g.f("VMOVDQU32 %s, %s", acc(i, j, bwC), outAddr(i, j, 64))
			}
		}
	}
	g.f("VZEROUPPER")
	g.f("RET")
}

// bwStep does one pair. In the tail (K odd) only the last byte is read:
// its dword is in[K-1] | 0<<16, and the pair's second weight is zero.
func (g *gen) bwStep(r, c int, tail bool) {
	for j := 0; j < c; j++ {
		g.f("VMOVDQU64 %s, Z%d", wAddr(j), 24+j)
	}
	for i := 0; i < r; i++ {
		b := 28 + i%2
		if tail {
			g.f("MOVBLZX %s, R14", rowAddr(i))
			g.f("VMOVD R14, X%d", b)
			g.f("VPBROADCASTD X%d, Z%d", b, b)
		} else {
			g.f("VPBROADCASTW %s, Z%d", rowAddr(i), b)
			g.f("VPMOVZXBW Y%d, Z%d", b, b)
		}
		for j := 0; j < c; j++ {
			t := 30 + j%2
			g.f("VPMADDWD Z%d, Z%d, Z%d", 24+j, b, t)
			g.f("VPADDD Z%d, %s, %s", t, acc(i, j, bwC), acc(i, j, bwC))
		}
	}
}
