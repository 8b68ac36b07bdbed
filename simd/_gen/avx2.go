package main

import "fmt"

// avx2: 2 records x 2 groups of 16 outputs; a group is two ymm of 8 int32
// (halves h = 0, 1). Accumulator of record i, group j, half h is
// Y(2(iC+j)+h); then the weights, one broadcast and one product register
// (see avx2W); Y14/Y15 hold the output mask (nmask) of the tile's last
// group for the two halves. 4x1 measured 64 GMAC/s on Zen 4, 2x2 67: the
// kernel is bound by instruction count (VPMADDWD + VPADDD per 16 MACs).
const avx2R, avx2C = 2, 2

func avx2() *gen {
	g := &gen{name: "avx2"}
	g.header(`// tileAVX2: AVX2. Each k step broadcasts the input pair in[2p], in[2p+1]
// widened to int16 (VPBROADCASTW of the two bytes, then VPMOVZXBW) and
// multiplies it by one 64-byte block of the int16 pair layout, as two ymm
// halves, with VPMADDWD: two exact int16 products summed in int32 per lane.

// avx2bits<> are the nmask bits of outputs 0..15, one per int32 lane.
DATA avx2bits<>+0(SB)/4, $1
DATA avx2bits<>+4(SB)/4, $2
DATA avx2bits<>+8(SB)/4, $4
DATA avx2bits<>+12(SB)/4, $8
DATA avx2bits<>+16(SB)/4, $16
DATA avx2bits<>+20(SB)/4, $32
DATA avx2bits<>+24(SB)/4, $64
DATA avx2bits<>+28(SB)/4, $128
DATA avx2bits<>+32(SB)/4, $256
DATA avx2bits<>+36(SB)/4, $512
DATA avx2bits<>+40(SB)/4, $1024
DATA avx2bits<>+44(SB)/4, $2048
DATA avx2bits<>+48(SB)/4, $4096
DATA avx2bits<>+52(SB)/4, $8192
DATA avx2bits<>+56(SB)/4, $16384
DATA avx2bits<>+60(SB)/4, $32768
GLOBL avx2bits<>(SB), RODATA|NOPTR, $64

`)
	g.prologue("tileAVX2")
	// Y14, Y15 = lanes whose nmask bit is set, for VPMASKMOVD.
	g.f("MOVQ nmask+72(FP), R14")
	g.f("VMOVD R14, X14")
	g.f("VPBROADCASTD X14, Y14")
	g.f("VMOVDQU Y14, Y15")
	g.f("VPAND avx2bits<>+0(SB), Y14, Y14")
	g.f("VPCMPEQD avx2bits<>+0(SB), Y14, Y14")
	g.f("VPAND avx2bits<>+32(SB), Y15, Y15")
	g.f("VPCMPEQD avx2bits<>+32(SB), Y15, Y15")
	g.dispatch(avx2R, avx2C)
	for r := 1; r <= avx2R; r++ {
		for c := 1; c <= avx2C; c++ {
			g.avx2Block(r, c)
		}
	}
	return g
}

func yacc(i, j, h int) string { return fmt.Sprintf("Y%d", 2*(i*avx2C+j)+h) }

// Register plan: accumulators Y0..Y(2RC-1), then the weights of the C
// groups (two halves each), one broadcast and one product register.
const (
	avx2W     = 2 * avx2R * avx2C
	avx2Bcast = avx2W + 2*avx2C
	avx2Tmp   = avx2Bcast + 1
)

func (g *gen) avx2Block(r, c int) {
	p := fmt.Sprintf("%s_%d_%d", g.name, r, c)
	g.label(p)
	g.f("MOVQ nmask+72(FP), R14")
	g.f("TESTQ BX, BX")
	g.f("JZ %s_zero", p)
	for j := 0; j < c-1; j++ {
		g.f("VMOVDQU %d(BX), %s", 64*j, yacc(0, j, 0))
		g.f("VMOVDQU %d(BX), %s", 64*j+32, yacc(0, j, 1))
	}
	// The last group of the tile may be partial: masked bias loads.
	l := c - 1
	g.f("CMPQ R14, $0xffff")
	g.f("JNE %s_maskbias", p)
	g.f("VMOVDQU %d(BX), %s", 64*l, yacc(0, l, 0))
	g.f("VMOVDQU %d(BX), %s", 64*l+32, yacc(0, l, 1))
	g.f("JMP %s_copy", p)
	g.label(p + "_maskbias")
	g.f("VPMASKMOVD %d(BX), Y14, %s", 64*l, yacc(0, l, 0))
	g.f("VPMASKMOVD %d(BX), Y15, %s", 64*l+32, yacc(0, l, 1))
	g.label(p + "_copy")
	for i := 1; i < r; i++ {
		for j := 0; j < c; j++ {
			for h := 0; h < 2; h++ {
				g.f("VMOVDQA %s, %s", yacc(0, j, h), yacc(i, j, h))
			}
		}
	}
	g.f("JMP %s_init", p)
	g.label(p + "_zero")
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			for h := 0; h < 2; h++ {
				g.f("VPXOR %[1]s, %[1]s, %[1]s", yacc(i, j, h))
			}
		}
	}
	g.label(p + "_init")
	g.f("TESTQ CX, CX")
	g.f("JZ %s_tail", p)
	g.label(p + "_loop")
	g.avx2Step(r, c, false)
	g.f("ADDQ $64, DX")
	g.f("ADDQ $2, SI")
	g.f("ADDQ $2, R8")
	g.f("DECQ CX")
	g.f("JNZ %s_loop", p)
	g.label(p + "_tail")
	g.f("TESTQ AX, AX")
	g.f("JZ %s_store", p)
	g.avx2Step(r, c, true)
	g.label(p + "_store")
	for i := 0; i < r; i++ {
		for j := 0; j < c-1; j++ {
			g.f("VMOVDQU %s, %s", yacc(i, j, 0), outAddr(i, 2*j, 32))
			g.f("VMOVDQU %s, %s", yacc(i, j, 1), outAddr(i, 2*j+1, 32))
		}
	}
	g.f("CMPQ R14, $0xffff")
	g.f("JNE %s_maskstore", p)
	for i := 0; i < r; i++ {
		g.f("VMOVDQU %s, %s", yacc(i, l, 0), outAddr(i, 2*l, 32))
		g.f("VMOVDQU %s, %s", yacc(i, l, 1), outAddr(i, 2*l+1, 32))
	}
	g.f("VZEROUPPER")
	g.f("RET")
	g.label(p + "_maskstore")
	for i := 0; i < r; i++ {
		g.f("VPMASKMOVD %s, Y14, %s", yacc(i, l, 0), outAddr(i, 2*l, 32))
		g.f("VPMASKMOVD %s, Y15, %s", yacc(i, l, 1), outAddr(i, 2*l+1, 32))
	}
	g.f("VZEROUPPER")
	g.f("RET")
}

// avx2Step does one pair for r records and c groups; the tail (K odd)
// reads one byte.
func (g *gen) avx2Step(r, c int, tail bool) {
	for j := 0; j < c; j++ {
		g.f("VMOVDQU %s, Y%d", wAddr(j), avx2W+2*j)
		g.f("VMOVDQU 32%s, Y%d", wAddr(j), avx2W+2*j+1)
	}
	b := avx2Bcast
	for i := 0; i < r; i++ {
		if tail {
			g.f("MOVBLZX %s, R15", rowAddr(i))
			g.f("VMOVD R15, X%d", b)
			g.f("VPBROADCASTD X%d, Y%d", b, b)
		} else {
			g.f("VPBROADCASTW %s, X%d", rowAddr(i), b)
			g.f("VPMOVZXBW X%d, Y%d", b, b)
		}
		for j := 0; j < c; j++ {
			for h := 0; h < 2; h++ {
				g.f("VPMADDWD Y%d, Y%d, Y%d", avx2W+2*j+h, b, avx2Tmp)
				g.f("VPADDD Y%[1]d, %[2]s, %[2]s", avx2Tmp, yacc(i, j, h))
			}
		}
	}
}
