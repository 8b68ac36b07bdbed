//go:build !noasm && gc

#include "textflag.h"

// Requantisation with AVX-512F, eight outputs per step as int64 lanes:
// VPMOVSXDQ widens the accumulators, VPMULDQ multiplies their low dwords by
// the low dwords of the int64 multipliers (an exact 64-bit product),
// VPADDQ adds the rounding term, VPSRAVQ shifts each lane by its row's
// shift (arithmetic), VPMAXSQ/VPMINSQ clamp, and VPMOVQB/VPMOVQD narrow
// (exact, the values are inside the clamp range). The last n%8 lanes of a
// row use the zeroing mask K2 = tmask on every load and store, so nothing
// outside the slices is touched.

#define REQUANT(ld, k) \
	ld (SI)(AX*4), k, Z0 \
	VPMULDQ.Z (R8)(AX*8), Z0, k, Z0 \
	VPADDQ.Z (R9)(AX*8), Z0, k, Z0 \
	VPSRAVQ.Z (R10)(AX*8), Z0, k, Z0 \
	VPMAXSQ Z30, Z0, Z0 \
	VPMINSQ Z31, Z0, Z0

#define PROLOGUE \
	MOVQ out+0(FP), DI \
	MOVQ acc+8(FP), SI \
	MOVQ n+16(FP), DX \
	MOVQ batch+24(FP), CX \
	MOVQ mult+32(FP), R8 \
	MOVQ round+40(FP), R9 \
	MOVQ shift+48(FP), R10 \
	VPBROADCASTQ lo+56(FP), Z30 \
	VPBROADCASTQ hi+64(FP), Z31 \
	MOVQ tmask+72(FP), AX \
	KMOVW AX, K2 \
	KXNORW K1, K1, K1 \
	MOVQ DX, R11 \
	SHRQ $3, R11

// func requant8AVX512(out *uint8, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, lo int64, hi int64, tmask int)
TEXT ·requant8AVX512(SB), NOSPLIT, $0-80
	PROLOGUE
	TESTQ CX, CX
	JZ    done8

row8:
	XORQ AX, AX
	MOVQ R11, BX
	TESTQ BX, BX
	JZ   tail8

loop8:
	REQUANT(VPMOVSXDQ.Z, K1)
	VPMOVQB Z0, (DI)(AX*1)
	ADDQ $8, AX
	DECQ BX
	JNZ  loop8

tail8:
	KORTESTW K2, K2
	JZ       next8
	REQUANT(VPMOVSXDQ.Z, K2)
	VPMOVQB Z0, K2, (DI)(AX*1)

next8:
	LEAQ (SI)(DX*4), SI
	ADDQ DX, DI
	DECQ CX
	JNZ  row8

done8:
	VZEROUPPER
	RET

// func requant32AVX512(out *int32, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, lo int64, hi int64, tmask int)
TEXT ·requant32AVX512(SB), NOSPLIT, $0-80
	PROLOGUE
	TESTQ CX, CX
	JZ    done32

row32:
	XORQ AX, AX
	MOVQ R11, BX
	TESTQ BX, BX
	JZ   tail32

loop32:
	REQUANT(VPMOVSXDQ.Z, K1)
	VPMOVQD Z0, (DI)(AX*4)
	ADDQ $8, AX
	DECQ BX
	JNZ  loop32

tail32:
	KORTESTW K2, K2
	JZ       next32
	REQUANT(VPMOVSXDQ.Z, K2)
	VPMOVQD Z0, K2, (DI)(AX*4)

next32:
	LEAQ (SI)(DX*4), SI
	LEAQ (DI)(DX*4), DI
	DECQ CX
	JNZ  row32

done32:
	VZEROUPPER
	RET
