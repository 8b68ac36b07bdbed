package main

import "fmt"

// vnni: 6 records x 4 groups. Accumulator of record i, group j is
// Z(4i+j); weights of group j in Z(24+j); broadcasts alternate Z28/Z29.
// K1 masks the last group's outputs (nmask), K2 the tail bytes of K.
const vnniR, vnniC = 6, 4

func vnni() *gen {
	g := &gen{name: "vnni"}
	g.header(`// tileVNNI: AVX-512 VNNI. Each k step multiplies a broadcast of four
// input bytes in[4q..4q+3] (unsigned) by one 64-byte block of the quad
// layout (signed) with VPDPBUSD, adding four products into each int32 lane.

`)
	g.prologue("tileVNNI")
	g.f("MOVQ nmask+72(FP), R14")
	g.f("KMOVW R14, K1")
	g.f("KMOVW AX, K2") // ktail is a byte mask of the last, partial quad
	g.dispatch(vnniR, vnniC)
	for r := 1; r <= vnniR; r++ {
		for c := 1; c <= vnniC; c++ {
			g.vnniBlock(r, c)
		}
	}
	return g
}

func acc(i, j, cmax int) string { return fmt.Sprintf("Z%d", i*cmax+j) }

func (g *gen) vnniBlock(r, c int) {
	p := fmt.Sprintf("%s_%d_%d", g.name, r, c)
	g.label(p)
	// Accumulators start at the bias (masked: no read past N) or zero.
	g.f("TESTQ BX, BX")
	g.f("JZ %s_zero", p)
	for j := 0; j < c; j++ {
		if j == c-1 {
			g.f("VMOVDQU32.Z %d(BX), K1, %s", j*64, acc(0, j, vnniC))
		} else {
			g.f("VMOVDQU32 %d(BX), %s", j*64, acc(0, j, vnniC))
		}
	}
	for i := 1; i < r; i++ {
		for j := 0; j < c; j++ {
			g.f("VMOVDQA64 %s, %s", acc(0, j, vnniC), acc(i, j, vnniC))
		}
	}
	g.f("JMP %s_init", p)
	g.label(p + "_zero")
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			g.f("VPXORD %[1]s, %[1]s, %[1]s", acc(i, j, vnniC))
		}
	}
	g.label(p + "_init")
	g.f("TESTQ CX, CX")
	g.f("JZ %s_tail", p)
	g.label(p + "_loop")
	g.vnniStep(r, c, false)
	g.f("ADDQ $64, DX")
	g.f("ADDQ $4, SI")
	g.f("ADDQ $4, R8")
	g.f("DECQ CX")
	g.f("JNZ %s_loop", p)
	g.label(p + "_tail")
	g.f("TESTQ AX, AX")
	g.f("JZ %s_store", p)
	g.vnniStep(r, c, true)
	g.label(p + "_store")
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if j == c-1 {
				g.f("VMOVDQU32 %s, K1, %s", acc(i, j, vnniC), outAddr(i, j, 64))
			} else {
				g.f("VMOVDQU32 %s, %s", acc(i, j, vnniC), outAddr(i, j, 64))
			}
		}
	}
	g.f("VZEROUPPER")
	g.f("RET")
}

// vnniStep does one quad: load c weight blocks, then for each record
// broadcast its four bytes and VPDPBUSD into its c accumulators. In the
// tail only the K%4 bytes left are loaded (masked, so nothing past the row
// is touched); their weights beyond K are zero.
func (g *gen) vnniStep(r, c int, tail bool) {
	for j := 0; j < c; j++ {
		g.f("VMOVDQU64 %s, Z%d", wAddr(j), 24+j)
	}
	for i := 0; i < r; i++ {
		b := fmt.Sprintf("Z%d", 28+i%2)
		if tail {
			g.f("VMOVDQU8.Z %s, K2, %s", rowAddr(i), b)
			g.f("VPBROADCASTD X%d, %s", 28+i%2, b)
		} else {
			g.f("VPBROADCASTD %s, %s", rowAddr(i), b)
		}
		for j := 0; j < c; j++ {
			g.f("VPDPBUSD Z%d, %s, %s", 24+j, b, acc(i, j, vnniC))
		}
	}
}
