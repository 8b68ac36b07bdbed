//go:build !noasm && gc

#include "textflag.h"

// LEVEL is one level of cmFast.prob: the record r = px.rec[lvl] (at
// off(SI)), its bitmap word r[8w:] (w in DX), the rank of node (CX) among
// the values, the value b, and, if the node's bit is set, s = b (AX) and
// conf = lvl (BX) by conditional moves. R9 holds 1<<(node&63) - 1.
#define LEVEL(off, lvl) \
	MOVQ    off(SI), R10 \
	MOVQ    (R10)(DX*8), R11 \
	MOVBQZX 32(R10)(DX*1), R12 \
	MOVQ    R11, R13 \
	ANDQ    R9, R13 \
	POPCNTQ R13, R13 \
	ADDQ    R13, R12 \
	ANDQ    $0xff, R12 \
	MOVBQSX 36(R10)(R12*1), R13 \
	MOVQ    $lvl, R12 \
	BTQ     CX, R11 \
	CMOVQCS R13, AX \
	CMOVQCS R12, BX

// func cmProbPOPCNT(f *cmFast, px *cmPix, node uint, depth int) uint16
TEXT ·cmProbPOPCNT(SB), NOSPLIT, $0-34
	MOVQ f+0(FP), DI
	MOVQ px+8(FP), SI
	MOVQ node+16(FP), CX
	MOVQ depth+24(FP), R8
	ANDQ $0xff, CX
	MOVQ CX, DX
	SHRQ $6, DX
	MOVQ $1, R9
	SHLQ CX, R9
	DECQ R9
	MOVBQSX 16(DI)(CX*1), AX
	XORQ BX, BX
	LEVEL(8, 1)
	LEVEL(16, 2)
	MOVQ AX, R14
	LEVEL(24, 3)
	MOVQ AX, R15
	LEVEL(32, 4)

	// set = (depth·40 + tb·5 + conf) & 511, a row of 64 bytes
	MOVQ  72(SI), R10
	LEAQ  (R10)(R10*4), R10
	IMULQ $40, R8
	ADDQ  R10, R8
	ADDQ  BX, R8
	ANDQ  $511, R8
	SHLQ  $6, R8
	MOVQ  0(DI), R10
	ADDQ  R8, R10

	MOVQ  0(R10), R11
	IMULQ R14, R11
	MOVQ  8(R10), R12
	IMULQ R15, R12
	ADDQ  R12, R11
	MOVQ  16(R10), R12
	IMULQ AX, R12
	ADDQ  R12, R11
	MOVQ  24(R10), R12
	IMULQ 40(SI), R12
	ADDQ  R12, R11
	MOVQ  32(R10), R12
	IMULQ 48(SI), R12
	ADDQ  R12, R11
	MOVQ  40(R10), R12
	IMULQ 56(SI), R12
	ADDQ  R12, R11
	MOVQ  48(R10), R12
	IMULQ 64(SI), R12
	ADDQ  R12, R11
	ADDQ  56(R10), R11

	// i = clamp((d >> 17) + 2048, 0, 4095)
	SARQ    $17, R11
	ADDQ    $2048, R11
	XORQ    R12, R12
	CMPQ    R11, $0
	CMOVQLT R12, R11
	MOVQ    $4095, R12
	CMPQ    R11, R12
	CMOVQGT R12, R11
	MOVQ    8(DI), R10
	MOVWQZX (R10)(R11*2), AX
	MOVW    AX, ret+32(FP)
	RET
