//go:build !noasm && gc

#include "textflag.h"

// Mixer kernels (mixer.go) with arm64 Advanced SIMD, eight int16 per step.
// The dot product multiplies with SMULL/SMULL2 into int32 products, sums
// adjacent ones with ADDP (the reference's pairs), shifts with SSHL by
// -shift (arithmetic, not rounding) and adds into one accumulator: int32
// arithmetic modulo 2^32. Training is SQADD x+x, SMULL/SMULL2 by err and
// SHRN #16 (bits 16..31 of the product: its floor over 2^16), ADD 1, SSHR
// 1, SQADD into the weights, as in the reference. The kernels do the first
// n&^7 elements; the caller does the rest. The Go assembler lacks these
// instructions, so they are WORDs (encodings from llvm-mc), each with its
// mnemonic.

// func dotInt16NEON(x, w *int16, n int, shift uint64) int32
TEXT ·dotInt16NEON(SB), NOSPLIT, $0-36
	MOVD  x+0(FP), R0
	MOVD  w+8(FP), R1
	MOVD  n+16(FP), R2
	MOVD  shift+24(FP), R3
	NEG   R3, R3
	VDUP  R3, V31.S4
	VEOR  V16.B16, V16.B16, V16.B16
	LSR   $3, R2, R2
	CBZ   R2, dot_sum

dot_loop:
	VLD1.P 16(R0), [V1.H8]
	VLD1.P 16(R1), [V2.H8]
	WORD   $0x0e62c020 // SMULL V0.4S, V1.4H, V2.4H
	WORD   $0x4e62c023 // SMULL2 V3.4S, V1.8H, V2.8H
	WORD   $0x4ea3bc00 // ADDP V0.4S, V0.4S, V3.4S
	WORD   $0x4ebf4400 // SSHL V0.4S, V0.4S, V31.4S
	VADD   V0.S4, V16.S4, V16.S4
	SUBS   $1, R2, R2
	BNE    dot_loop

dot_sum:
	WORD $0x4eb1ba00 // ADDV S0, V16.4S
	VMOV V0.S[0], R4
	MOVW R4, ret+32(FP)
	RET

// func trainInt16NEON(x, w *int16, n int, err int16)
TEXT ·trainInt16NEON(SB), NOSPLIT, $0-26
	MOVD  x+0(FP), R0
	MOVD  w+8(FP), R1
	MOVD  n+16(FP), R2
	MOVH  err+24(FP), R3
	VDUP  R3, V30.H8
	MOVD  $1, R4
	VDUP  R4, V29.H8
	LSR   $3, R2, R2
	CBZ   R2, train_done

train_loop:
	VLD1.P 16(R0), [V1.H8]
	VLD1   (R1), [V2.H8]
	WORD   $0x4e610c21 // SQADD V1.8H, V1.8H, V1.8H
	WORD   $0x0e7ec023 // SMULL V3.4S, V1.4H, V30.4H
	WORD   $0x4e7ec024 // SMULL2 V4.4S, V1.8H, V30.8H
	WORD   $0x0f108465 // SHRN V5.4H, V3.4S, #16
	WORD   $0x4f108485 // SHRN2 V5.8H, V4.4S, #16
	VADD   V29.H8, V5.H8, V5.H8
	WORD   $0x4f1f04a5 // SSHR V5.8H, V5.8H, #1
	WORD   $0x4e650c42 // SQADD V2.8H, V2.8H, V5.8H
	VST1.P [V2.H8], 16(R1)
	SUBS   $1, R2, R2
	BNE    train_loop

train_done:
	RET

// func dotInt32NEON(x, w *int32, n int) int64
TEXT ·dotInt32NEON(SB), NOSPLIT, $0-32
	MOVD x+0(FP), R0
	MOVD w+8(FP), R1
	MOVD n+16(FP), R2
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	LSR  $2, R2, R2
	CBZ  R2, dotq_sum

dotq_loop:
	VLD1.P 16(R0), [V1.S4]
	VLD1.P 16(R1), [V2.S4]
	WORD   $0x0ea28030 // SMLAL V16.2D, V1.2S, V2.2S
	WORD   $0x4ea28031 // SMLAL2 V17.2D, V1.4S, V2.4S
	SUBS   $1, R2, R2
	BNE    dotq_loop

dotq_sum:
	WORD $0x4ef18610 // ADD V16.2D, V16.2D, V17.2D
	WORD $0x5ef1ba00 // ADDP D0, V16.2D
	VMOV V0.D[0], R4
	MOVD R4, ret+24(FP)
	RET

// func trainInt32NEON(x, w *int32, n int, err int32, shift uint64, limit int64)
TEXT ·trainInt32NEON(SB), NOSPLIT, $0-48
	MOVD  x+0(FP), R0
	MOVD  w+8(FP), R1
	MOVD  n+16(FP), R2
	MOVW  err+24(FP), R4
	MOVD  shift+32(FP), R3
	MOVD  limit+40(FP), R5
	NEG   R3, R3
	NEG   R5, R6
	WORD  $0x4e080c7f // DUP V31.2D, X3
	WORD  $0x4e080cbd // DUP V29.2D, X5
	WORD  $0x4e080cdc // DUP V28.2D, X6
	WORD  $0x4e040c9e // DUP V30.4S, W4
	LSR   $2, R2, R2
	CBZ   R2, trainq_done

trainq_loop:
	VLD1.P 16(R0), [V1.S4]
	VLD1   (R1), [V2.S4]
	WORD   $0x0ebec023 // SMULL V3.2D, V1.2S, V30.2S
	WORD   $0x4ebec024 // SMULL2 V4.2D, V1.4S, V30.4S
	WORD   $0x4eff4463 // SSHL V3.2D, V3.2D, V31.2D
	WORD   $0x4eff4484 // SSHL V4.2D, V4.2D, V31.2D
	WORD   $0x0ea21063 // SADDW V3.2D, V3.2D, V2.2S
	WORD   $0x4ea21084 // SADDW2 V4.2D, V4.2D, V2.4S
	WORD   $0x4efd3465 // CMGT V5.2D, V3.2D, V29.2D
	WORD   $0x6ea51fa3 // BIT V3.16B, V29.16B, V5.16B
	WORD   $0x4efd3486 // CMGT V6.2D, V4.2D, V29.2D
	WORD   $0x6ea61fa4 // BIT V4.16B, V29.16B, V6.16B
	WORD   $0x4ee33785 // CMGT V5.2D, V28.2D, V3.2D
	WORD   $0x6ea51f83 // BIT V3.16B, V28.16B, V5.16B
	WORD   $0x4ee43786 // CMGT V6.2D, V28.2D, V4.2D
	WORD   $0x6ea61f84 // BIT V4.16B, V28.16B, V6.16B
	WORD   $0x0ea12862 // XTN V2.2S, V3.2D
	WORD   $0x4ea12882 // XTN2 V2.4S, V4.2D
	VST1.P [V2.S4], 16(R1)
	SUBS   $1, R2, R2
	BNE    trainq_loop

trainq_done:
	RET
