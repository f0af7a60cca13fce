/* cam_simd.h - compute kernels for cam.h: scalar reference, AVX2+FMA, NEON.

   Included by cam.h's implementation (not meant to be included on its own).
   Every kernel has a scalar reference (cam__X_ref), always compiled, and SIMD
   variants (cam__X_avx2, cam__X_neon) selected at compile time by the ladder
   below; cam__X (no suffix) is the one the engine calls. tests/test_kernels.c
   compares each SIMD variant against its reference on seeded random shapes.

   INTERFACE CONTRACT (the engine relies on exactly this)
   ------------------------------------------------------
   Layout: activations are NCHW float32, one image at a time.

   Epilogue: out = act(acc + bias[c] + res[c][p]), bias and res optional (NULL).

   Dense conv (any kernel size, stride, dilation; one group at a time):
     size_t cam__conv_packed_floats(int oc, int ic, int kh, int kw);
     void   cam__conv_pack(const float *w, int oc, int ic, int kh, int kw, float *packed);
            w is ONNX layout [oc][ic][kh][kw]; packed layout is this file's choice.
     void   cam__conv(const cam__conv_params *p, int oc0, int oc1, int px0, int px1);
            input is ALREADY zero-padded by the caller (p->ih, p->iw are padded dims),
            computes out channels [oc0,oc1) and flat output pixels [px0,px1)
            (px = oy*ow+ox). The engine splits work over these ranges across
            threads; oc0/oc1 are multiples of CAM__CONV_OC_BLOCK (except oc1 == oc).
            Every output element must be computed by the same sequence of
            operations whatever the ranges (thread-count independence).
   Depthwise conv (group == ic == oc, multiplier 1): input NOT padded, pads given.
     void cam__dwconv(const cam__dwconv_params *p, int c0, int c1);
   Pooling 2D (max / average): input NOT padded, pads given.
     void cam__pool2d(const cam__pool_params *p, int c0, int c1);
   Dense layer: C[m][n] = act(sum_k A[m][k] * B[n][k] + bias[n])   (B is N x K)
     void cam__gemm_nt(int m, int n, int k, const float *a, int lda, const float *b,
                       int ldb, const float *bias, float *c, int ldc,
                       const cam__act_params *act, int n0, int n1);
   Elementwise (in place allowed):
     void cam__vec_act(const float *x, float *y, size_t n, const cam__act_params *act);
     void cam__vec_exp(const float *x, float *y, size_t n);
*/
#ifndef CAM_SIMD_H_INCLUDED
#define CAM_SIMD_H_INCLUDED

#include <stddef.h>
#include <math.h>

/* Activation applied in kernel epilogues and by cam__vec_act. */
typedef enum cam__act_kind {
    CAM__ACT_NONE = 0,
    CAM__ACT_RELU,
    CAM__ACT_CLIP,        /* min(max(x, a), b) */
    CAM__ACT_LEAKY,       /* x < 0 ? a*x : x */
    CAM__ACT_SIGMOID,
    CAM__ACT_HARDSIGMOID, /* max(0, min(1, a*x + b)) */
    CAM__ACT_HARDSWISH,   /* x * max(0, min(1, x/6 + 1/2)) */
    CAM__ACT_TANH
} cam__act_kind;

typedef struct cam__act_params {
    cam__act_kind kind;
    float a, b;
} cam__act_params;

typedef struct cam__conv_params {
    int ic, ih, iw;          /* input channels and PADDED input height/width */
    int oc, oh, ow;
    int kh, kw, sh, sw, dh, dw;
    const float *in;         /* [ic][ih][iw] */
    const float *w;          /* packed by cam__conv_pack */
    const float *bias;       /* [oc] or NULL */
    const float *res;        /* [oc][oh][ow] or NULL: added before act */
    float *out;              /* [oc][oh][ow] */
    cam__act_params act;
} cam__conv_params;

typedef struct cam__dwconv_params {
    int c, ih, iw, oh, ow;
    int kh, kw, sh, sw, dh, dw;
    int pt, pl, pb, pr;      /* padding top, left, bottom, right */
    const float *in;         /* [c][ih][iw], unpadded */
    const float *w;          /* [c][kh][kw] */
    const float *bias;       /* [c] or NULL */
    const float *res;        /* [c][oh][ow] or NULL */
    float *out;              /* [c][oh][ow] */
    cam__act_params act;
} cam__dwconv_params;

typedef struct cam__pool_params {
    int is_max;              /* 1: MaxPool, 0: AveragePool */
    int count_include_pad;   /* AveragePool: divide by kh*kw, else by taps inside the input */
    int c, ih, iw, oh, ow;
    int kh, kw, sh, sw, dh, dw;
    int pt, pl, pb, pr;      /* padding; with ceil_mode windows may also run past pb/pr:
                                those taps never count (ONNX semantics) */
    const float *in;         /* [c][ih][iw], unpadded */
    float *out;              /* [c][oh][ow] */
} cam__pool_params;

#endif /* CAM_SIMD_H_INCLUDED */
