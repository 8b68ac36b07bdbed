package main

import "fmt"

// avx2: 4 records x 1 group of 16 outputs, which is two ymm of 8 int32.
// Accumulators of record i are Y(2i) (outputs 0..7) and Y(2i+1) (8..15);
// weights Y8/Y9; broadcasts alternate Y10/Y11; products Y12/Y13; Y14/Y15
// hold the output mask (nmask) for the two halves.
const avx2R = 4

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
	g.dispatch(avx2R, 1)
	for r := 1; r <= avx2R; r++ {
		g.avx2Block(r)
	}
	return g
}

func (g *gen) avx2Block(r int) {
	p := fmt.Sprintf("%s_%d_1", g.name, r)
	g.label(p)
	g.f("MOVQ nmask+72(FP), R14")
	g.f("TESTQ BX, BX")
	g.f("JZ %s_zero", p)
	g.f("CMPQ R14, $0xffff")
	g.f("JNE %s_maskbias", p)
	g.f("VMOVDQU (BX), Y0")
	g.f("VMOVDQU 32(BX), Y1")
	g.f("JMP %s_copy", p)
	g.label(p + "_maskbias")
	g.f("VPMASKMOVD (BX), Y14, Y0")
	g.f("VPMASKMOVD 32(BX), Y15, Y1")
	g.label(p + "_copy")
	for i := 1; i < r; i++ {
		g.f("VMOVDQA Y0, Y%d", 2*i)
		g.f("VMOVDQA Y1, Y%d", 2*i+1)
	}
	g.f("JMP %s_init", p)
	g.label(p + "_zero")
	for i := 0; i < 2*r; i++ {
		g.f("VPXOR Y%[1]d, Y%[1]d, Y%[1]d", i)
	}
	g.label(p + "_init")
	g.f("TESTQ CX, CX")
	g.f("JZ %s_tail", p)
	g.label(p + "_loop")
	g.avx2Step(r, false)
	g.f("ADDQ $64, DX")
	g.f("ADDQ $2, SI")
	g.f("ADDQ $2, R8")
	g.f("DECQ CX")
	g.f("JNZ %s_loop", p)
	g.label(p + "_tail")
	g.f("TESTQ AX, AX")
	g.f("JZ %s_store", p)
	g.avx2Step(r, true)
	g.label(p + "_store")
	g.f("CMPQ R14, $0xffff")
	g.f("JNE %s_maskstore", p)
	for i := 0; i < r; i++ {
		g.f("VMOVDQU Y%d, %s", 2*i, outAddr(i, 0, 32))
		g.f("VMOVDQU Y%d, %s", 2*i+1, outAddr(i, 1, 32))
	}
	g.f("VZEROUPPER")
	g.f("RET")
	g.label(p + "_maskstore")
	for i := 0; i < r; i++ {
		g.f("VPMASKMOVD Y%d, Y14, %s", 2*i, outAddr(i, 0, 32))
		g.f("VPMASKMOVD Y%d, Y15, %s", 2*i+1, outAddr(i, 1, 32))
	}
	g.f("VZEROUPPER")
	g.f("RET")
}

// avx2Step does one pair for r records; the tail (K odd) reads one byte.
func (g *gen) avx2Step(r int, tail bool) {
	g.f("VMOVDQU (DX), Y8")
	g.f("VMOVDQU 32(DX), Y9")
	for i := 0; i < r; i++ {
		b := 10 + i%2
		if tail {
			g.f("MOVBLZX %s, R15", rowAddr(i))
			g.f("VMOVD R15, X%d", b)
			g.f("VPBROADCASTD X%d, Y%d", b, b)
		} else {
			g.f("VPBROADCASTW %s, X%d", rowAddr(i), b)
			g.f("VPMOVZXBW X%d, Y%d", b, b)
		}
		g.f("VPMADDWD Y8, Y%d, Y12", b)
		g.f("VPADDD Y12, Y%[1]d, Y%[1]d", 2*i)
		g.f("VPMADDWD Y9, Y%d, Y13", b)
		g.f("VPADDD Y13, Y%[1]d, Y%[1]d", 2*i+1)
	}
}
