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

// HSUMQ adds the four int64 lanes of Y0 into AX.
#define HSUMQ \
	VEXTRACTI128 $1, Y0, X1 \
	VPADDQ       X1, X0, X0 \
	VPSHUFD      $0x4e, X0, X1 \
	VPADDQ       X1, X0, X0 \
	VMOVQ        X0, AX

// DOTQ adds the exact products of the int32 lanes of reg1 and reg2 into
// acc (even lanes) and acc2 (odd lanes), as int64.
#define DOTQ(reg1, reg2, t, acc, acc2) \
	VPMULDQ reg2, reg1, t \
	VPADDQ  t, acc, acc \
	VPSRLQ  $32, reg1, reg1 \
	VPSRLQ  $32, reg2, reg2 \
	VPMULDQ reg2, reg1, t \
	VPADDQ  t, acc2, acc2

// func dotInt32AVX2(x, w *int32, n int) int64
TEXT ·dotInt32AVX2(SB), NOSPLIT, $0-32
	MOVQ  x+0(FP), SI
	MOVQ  w+8(FP), DI
	MOVQ  n+16(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y3, Y3, Y3
	SHRQ  $3, CX
	JZ    dotq2_sum

dotq2_8:
	VMOVDQU (SI), Y1
	VMOVDQU (DI), Y2
	DOTQ(Y1, Y2, Y4, Y0, Y3)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     dotq2_8

dotq2_sum:
	VPADDQ Y3, Y0, Y0
	HSUMQ
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// func dotInt32AVX512(x, w *int32, n int) int64
TEXT ·dotInt32AVX512(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), SI
	MOVQ   w+8(FP), DI
	MOVQ   n+16(FP), CX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z3, Z3, Z3
	MOVQ   CX, BX
	SHRQ   $4, BX
	JZ     dotq5_8

dotq5_16:
	VMOVDQU32 (SI), Z1
	VMOVDQU32 (DI), Z2
	DOTQ(Z1, Z2, Z4, Z0, Z3)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      BX
	JNZ       dotq5_16
	VPADDQ        Z3, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ        Y1, Y0, Y0
	VPXOR         Y3, Y3, Y3

dotq5_8:
	TESTQ   $8, CX
	JZ      dotq5_sum
	VMOVDQU (SI), Y1
	VMOVDQU (DI), Y2
	DOTQ(Y1, Y2, Y4, Y0, Y3)

dotq5_sum:
	VPADDQ Y3, Y0, Y0
	HSUMQ
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// func trainInt32AVX512(x, w *int32, n int, err int32, shift uint64, limit int64)
TEXT ·trainInt32AVX512(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), SI
	MOVQ         w+8(FP), DI
	MOVQ         n+16(FP), CX
	MOVL         err+24(FP), AX
	VPBROADCASTD AX, Z14
	VMOVQ        shift+32(FP), X15
	VPBROADCASTQ limit+40(FP), Z13
	VPXORQ       Z12, Z12, Z12
	VPSUBQ       Z13, Z12, Z12
	SHRQ         $3, CX
	JZ           trainq5_done

trainq5_8:
	VPMOVSXDQ (SI), Z1
	VPMULDQ   Z14, Z1, Z1
	VPSRAQ    X15, Z1, Z1
	VPMOVSXDQ (DI), Z2
	VPADDQ    Z2, Z1, Z1
	VPMINSQ   Z13, Z1, Z1
	VPMAXSQ   Z12, Z1, Z1
	VPMOVQD   Z1, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       trainq5_8

trainq5_done:
	VZEROUPPER
	RET

// func trainInt32AVX2(x, w *int32, n int, err int32, shift uint64, limit int64, sbias int64)
//
// AVX2 has no VPSRAQ, VPMINSQ or VPMAXSQ: the arithmetic shift is
// ((v ^ 2^63) >>> shift) - sbias with sbias = 2^63 >>> shift, the clamp is
// VPCMPGTQ and VPBLENDVB, and VPSHUFD and VPERMQ gather the low dwords.
TEXT ·trainInt32AVX2(SB), NOSPLIT, $0-56
	MOVQ         x+0(FP), SI
	MOVQ         w+8(FP), DI
	MOVQ         n+16(FP), CX
	MOVL         err+24(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	VMOVQ        shift+32(FP), X15
	VPBROADCASTQ limit+40(FP), Y13
	VPXOR        Y12, Y12, Y12
	VPSUBQ       Y13, Y12, Y12
	VPBROADCASTQ sbias+48(FP), Y10
	MOVQ         $0x8000000000000000, AX
	VMOVQ        AX, X11
	VPBROADCASTQ X11, Y11
	SHRQ         $2, CX
	ANDQ         $-2, CX
	JZ           trainq2_done

trainq2_4:
	VPMOVSXDQ (SI), Y1
	VPMULDQ   Y14, Y1, Y1
	VPXOR     Y11, Y1, Y1
	VPSRLQ    X15, Y1, Y1
	VPSUBQ    Y10, Y1, Y1
	VPMOVSXDQ (DI), Y2
	VPADDQ    Y2, Y1, Y1
	VPCMPGTQ  Y13, Y1, Y3
	VPBLENDVB Y3, Y13, Y1, Y1
	VPCMPGTQ  Y1, Y12, Y3
	VPBLENDVB Y3, Y12, Y1, Y1
	VPSHUFD   $0x08, Y1, Y1
	VPERMQ    $0x08, Y1, Y1
	VMOVDQU   X1, (DI)
	ADDQ      $16, SI
	ADDQ      $16, DI
	DECQ      CX
	JNZ       trainq2_4

trainq2_done:
	VZEROUPPER
	RET
