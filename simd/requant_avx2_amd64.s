//go:build !noasm && gc

#include "textflag.h"

// Requantisation with AVX2, four outputs per step as int64 lanes, over the
// first n&^3 outputs of each row (the Go caller does the rest). As the
// AVX-512 version, but AVX2 has no 64-bit arithmetic shift or min/max:
//   - v >> s (arithmetic) = ((v ^ 1<<63) >>> s) - (1<<63 >>> s): flipping
//     the sign bit adds 2^63, an exact multiple of 2^s, so the logical
//     shift floors v/2^s + 2^63/2^s; sbias[n] = 1<<63 >>> shift[n] removes it.
//   - clamps are VPCMPGTQ + VPBLENDVB.
//   - narrowing takes the low dword of each lane (VPSHUFD, VPERMQ), exact
//     since the value is inside the clamp range.

#define REQUANT \
	VPMOVSXDQ (SI)(AX*4), Y0 \
	VPMULDQ (R8)(AX*8), Y0, Y0 \
	VPADDQ (R9)(AX*8), Y0, Y0 \
	VPXOR Y13, Y0, Y0 \
	VPSRLVQ (R10)(AX*8), Y0, Y0 \
	VPSUBQ (R11)(AX*8), Y0, Y0 \
	VPCMPGTQ Y0, Y14, Y1 \
	VPBLENDVB Y1, Y14, Y0, Y0 \
	VPCMPGTQ Y15, Y0, Y1 \
	VPBLENDVB Y1, Y15, Y0, Y0 \
	VPSHUFD $0x88, Y0, Y0 \
	VPERMQ $0x08, Y0, Y0

#define PROLOGUE \
	MOVQ out+0(FP), DI \
	MOVQ acc+8(FP), SI \
	MOVQ n+16(FP), DX \
	MOVQ batch+24(FP), CX \
	MOVQ mult+32(FP), R8 \
	MOVQ round+40(FP), R9 \
	MOVQ shift+48(FP), R10 \
	MOVQ sbias+56(FP), R11 \
	VPBROADCASTQ lo+64(FP), Y14 \
	VPBROADCASTQ hi+72(FP), Y15 \
	VPCMPEQQ Y13, Y13, Y13 \
	VPSLLQ $63, Y13, Y13 \
	MOVQ DX, R12 \
	SHRQ $2, R12

// func requant8AVX2(out *uint8, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, sbias *int64, lo int64, hi int64)
TEXT ·requant8AVX2(SB), NOSPLIT, $0-80
	PROLOGUE
	TESTQ CX, CX
	JZ    done8
	TESTQ R12, R12
	JZ    done8

row8:
	XORQ AX, AX
	MOVQ R12, BX

loop8:
	REQUANT
	VPACKUSDW X0, X0, X0
	VPACKUSWB X0, X0, X0
	VMOVD X0, (DI)(AX*1)
	ADDQ $4, AX
	DECQ BX
	JNZ  loop8
	LEAQ (SI)(DX*4), SI
	ADDQ DX, DI
	DECQ CX
	JNZ  row8

done8:
	VZEROUPPER
	RET

// func requant32AVX2(out *int32, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, sbias *int64, lo int64, hi int64)
TEXT ·requant32AVX2(SB), NOSPLIT, $0-80
	PROLOGUE
	TESTQ CX, CX
	JZ    done32
	TESTQ R12, R12
	JZ    done32

row32:
	XORQ AX, AX
	MOVQ R12, BX

loop32:
	REQUANT
	VMOVDQU X0, (DI)(AX*4)
	ADDQ $4, AX
	DECQ BX
	JNZ  loop32
	LEAQ (SI)(DX*4), SI
	LEAQ (DI)(DX*4), DI
	DECQ CX
	JNZ  row32

done32:
	VZEROUPPER
	RET
