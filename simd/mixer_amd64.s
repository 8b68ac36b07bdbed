//go:build !noasm && gc

#include "textflag.h"

// Mixer kernels (mixer.go) with AVX2 and AVX-512BW. The dot product is
// VPMADDWD (int16 x int16, adjacent products summed into an int32 lane:
// exactly the reference's pairs), VPSRAD by the shift, VPADDD into one
// accumulator, then a horizontal sum: all int32 arithmetic modulo 2^32.
// Training is VPADDSW, VPMULHW, VPADDSW, VPSRAW, VPADDSW as in the
// reference. The kernels do the first n&^7 elements (the caller does the
// rest in Go), so nothing outside the slices is read or written; AVX-512
// takes 32 at a time, then a ymm and an xmm step as AVX2 does. Masked
// tails would save the Go tail but not time: a masked store does not
// forward to the next call's loads of the same weights.

// HSUM8 adds the eight int32 lanes of Y0 into AX.
#define HSUM8 \
	VEXTRACTI128 $1, Y0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0x4e, X0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0xb1, X0, X1 \
	VPADDD       X1, X0, X0 \
	VMOVD        X0, AX

// func dotInt16AVX2(x, w *int16, n int, shift uint64) int32
TEXT ·dotInt16AVX2(SB), NOSPLIT, $0-36
	MOVQ   x+0(FP), SI
	MOVQ   w+8(FP), DI
	MOVQ   n+16(FP), CX
	VMOVQ  shift+24(FP), X15
	VPXOR  Y0, Y0, Y0
	MOVQ   CX, BX
	SHRQ   $4, BX
	JZ     dot2_8

dot2_16:
	VMOVDQU  (SI), Y1
	VPMADDWD (DI), Y1, Y1
	VPSRAD   X15, Y1, Y1
	VPADDD   Y1, Y0, Y0
	ADDQ     $32, SI
	ADDQ     $32, DI
	DECQ     BX
	JNZ      dot2_16

dot2_8:
	TESTQ    $8, CX
	JZ       dot2_sum
	VMOVDQU  (SI), X1
	VPMADDWD (DI), X1, X1
	VPSRAD   X15, X1, X1
	VPADDD   Y1, Y0, Y0

dot2_sum:
	HSUM8
	VZEROUPPER
	MOVL AX, ret+32(FP)
	RET

// func dotInt16AVX512(x, w *int16, n int, shift uint64) int32
TEXT ·dotInt16AVX512(SB), NOSPLIT, $0-36
	MOVQ   x+0(FP), SI
	MOVQ   w+8(FP), DI
	MOVQ   n+16(FP), CX
	VMOVQ  shift+24(FP), X15
	VPXORD Z0, Z0, Z0
	MOVQ   CX, BX
	SHRQ   $5, BX
	JZ     dot5_16

dot5_32:
	VMOVDQU16 (SI), Z1
	VPMADDWD  (DI), Z1, Z1
	VPSRAD    X15, Z1, Z1
	VPADDD    Z1, Z0, Z0
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      BX
	JNZ       dot5_32
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDD        Y1, Y0, Y0

dot5_16:
	TESTQ    $16, CX
	JZ       dot5_8
	VMOVDQU  (SI), Y1
	VPMADDWD (DI), Y1, Y1
	VPSRAD   X15, Y1, Y1
	VPADDD   Y1, Y0, Y0
	ADDQ     $32, SI
	ADDQ     $32, DI

dot5_8:
	TESTQ    $8, CX
	JZ       dot5_sum
	VMOVDQU  (SI), X1
	VPMADDWD (DI), X1, X1
	VPSRAD   X15, X1, X1
	VPADDD   Y1, Y0, Y0

dot5_sum:
	HSUM8
	VZEROUPPER
	MOVL AX, ret+32(FP)
	RET

// TRAIN turns the inputs in reg into the weight steps, with the error
// broadcast in err and 1 in every word of one.
#define TRAIN(reg, err, one) \
	VPADDSW reg, reg, reg \
	VPMULHW err, reg, reg \
	VPADDSW one, reg, reg \
	VPSRAW  $1, reg, reg

// func trainInt16AVX2(x, w *int16, n int, err int16)
TEXT ·trainInt16AVX2(SB), NOSPLIT, $0-26
	MOVQ         x+0(FP), SI
	MOVQ         w+8(FP), DI
	MOVQ         n+16(FP), CX
	VPBROADCASTW err+24(FP), Y14
	VPCMPEQW     Y13, Y13, Y13
	VPSRLW       $15, Y13, Y13
	MOVQ         CX, BX
	SHRQ         $4, BX
	JZ           train2_8

train2_16:
	VMOVDQU (SI), Y0
	TRAIN(Y0, Y14, Y13)
	VPADDSW (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    BX
	JNZ     train2_16

train2_8:
	TESTQ   $8, CX
	JZ      train2_done
	VMOVDQU (SI), X0
	TRAIN(X0, X14, X13)
	VPADDSW (DI), X0, X0
	VMOVDQU X0, (DI)

train2_done:
	VZEROUPPER
	RET

// func trainInt16AVX512(x, w *int16, n int, err int16)
TEXT ·trainInt16AVX512(SB), NOSPLIT, $0-26
	MOVQ         x+0(FP), SI
	MOVQ         w+8(FP), DI
	MOVQ         n+16(FP), CX
	VPBROADCASTW err+24(FP), Z14
	VPTERNLOGD   $0xff, Z13, Z13, Z13
	VPSRLW       $15, Z13, Z13
	MOVQ         CX, BX
	SHRQ         $5, BX
	JZ           train5_16

train5_32:
	VMOVDQU16 (SI), Z0
	TRAIN(Z0, Z14, Z13)
	VPADDSW   (DI), Z0, Z0
	VMOVDQU16 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      BX
	JNZ       train5_32

train5_16:
	TESTQ   $16, CX
	JZ      train5_8
	VMOVDQU (SI), Y0
	TRAIN(Y0, Y14, Y13)
	VPADDSW (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI

train5_8:
	TESTQ   $8, CX
	JZ      train5_done
	VMOVDQU (SI), X0
	TRAIN(X0, X14, X13)
	VPADDSW (DI), X0, X0
	VMOVDQU X0, (DI)

train5_done:
	VZEROUPPER
	RET
