/* cam_simd.h - compute kernels for cam.h: scalar reference, AVX-512, AVX2+FMA,
   NEON.

   Included by cam.h's implementation (not meant to be included on its own).
   Every kernel has a scalar reference (cam__X_ref), always compiled, and SIMD
   variants (cam__X_avx2, cam__X_neon) selected at compile time by the ladder
   below (AVX-512 -> AVX2 -> NEON -> scalar); cam__X (no suffix) is the one
   the engine calls. An AVX-512 build (__AVX512F__ with AVX2 and FMA, e.g.
   -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma) is an AVX2 build
   whose dense conv is cam__conv_avx512 (zmm tiles, same packed weights and
   contract), with zmm 3x3 depthwise, max pooling (straight from the input
   for rows of >= 40 outputs, flat over small planes, else a plane copy for
   rows of >= 12 outputs), FC GEMV/GEMM and CAM map kernels; the other
   kernels stay AVX2 (pooling has an unrolled 3x3 path in every SIMD build).
   tests/test_kernels.c compares each SIMD variant against its reference on
   seeded random shapes.

   INTERFACE CONTRACT (the engine relies on exactly this)
   ------------------------------------------------------
   Layout: activations are NCHW float32, one image at a time.

   Epilogue: out = act(acc + bias[c] + res[c][p]), bias and res optional (NULL).

   Dense conv (any kernel size, stride, dilation; one group at a time):
     size_t cam__conv_packed_floats(int oc, int ic, int kh, int kw);
     void   cam__conv_pack(const float *w, int oc, int ic, int kh, int kw, float *packed);
            w is ONNX layout [oc][ic][kh][kw]; packed layout is this file's choice.
     void   cam__conv(const cam__conv_params *p, int oc0, int oc1, int px0, int px1);
     int    cam__conv_takes_unpadded(const cam__conv_params *p);
     int    cam__conv_px_grain(const cam__conv_params *p);
     int    cam__conv_out_pitch_ok(const cam__conv_params *p);
            input is ALREADY zero-padded by the caller (p->ih, p->iw are padded dims),
            except where cam__conv_takes_unpadded(p) (shapes only) says 1: then the
            caller may give the unpadded input instead (p->uh > 0, with uw, pt,
            pl) and the kernel pads as it reads;
            computes out channels [oc0,oc1) and flat output pixels [px0,px1)
            (px = oy*ow+ox). The engine splits work over these ranges across
            threads (at multiples of cam__conv_px_grain(p) where that is > 0); oc0/oc1 are multiples of CAM__CONV_OC_BLOCK (except oc1 == oc).
            Every output element must be computed by the same sequence of
            operations whatever the ranges (thread-count independence).
            Where cam__conv_out_pitch_ok(p) (shapes only) says 1, the output
            may go to a plane with rows p->opw floats apart and planes
            p->oplane apart (p->opw > 0; p->out at the first pixel): the
            inside of a zero-bordered buffer the next conv reads as its
            padded input. The kernel writes only the output pixels.
   Winograd F(2x2,3x3) transforms (stride-1 3x3 convs; the engine runs the
   16 products through cam__conv as 1x1 convs; see >>kernel-winograd):
     void cam__wino_weights(const float *g, float *u);        3x3 -> 4x4, load time
     void cam__wino_in(const float *in, int c, int ih, int iw, int ty, int tx0, int tx1,
                       float *v, size_t vplane, size_t vpitch);
     void cam__wino_out(const float *m, size_t mplane, size_t mpitch, int nk, int ty,
                        int tx0, int tx1, int oh, int ow, const float *bias, const float *res,
                        float *out, int opw, size_t oplane, const cam__act_params *act);
            tiles [tx0, tx1) of tile row ty; input padded, cells past the plane read
            as 0; output pitched (opw, oplane), epilogue as the conv's.
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

   WHAT THIS FILE CHOOSES (read before calling)
   - CAM__CONV_OC_BLOCK is 16. Packed conv weights are [oc/16][ic][kh][kw][16],
     the last block zero-filled: cam__conv_packed_floats() floats (any
     alignment works; 32-byte alignment is a little faster).
   - cam__conv, AVX-512 build: tiles of 1..14 pixels of one output row (or
     1..12 pixels across rows, on maps under 14 wide) x 32 channels (two
     blocks; 16 for the last block of an odd count), each pixel chunk cut
     into tiles of nearly equal width (no mostly-empty tile, so ranges of
     any length are fine); 1x1 stride-1 unpadded convs on maps of >= 512
     pixels, or with < 128 input channels (or oc not a multiple of 16), use
     8-channel x 48-pixel zmm tiles (whole 48-pixel runs; the rest of a range
     in the general tiles), convs with ic*kh*kw <= 64 and stride 1 or 2
     along x 4-channel x 48-pixel tiles; convs with
     <= 4 input channels, kh*kw >= 2, stride 1 or 2 along x and rows of >= 16
     pixels (the first conv) use 8-channel x 48-pixel tiles (3 row vectors;
     stride 2 or an unpadded input: the rows of a band of output rows are
     first copied into a 48 KB stack buffer, split into even/odd columns
     for stride 2, zero-padded for an unpadded input). Same split
     rules as below: whole channel blocks and/or pixel ranges, bit-identical.
     When the weights of [oc0, oc1) exceed 640 KB (CAM__CONV512_WGROUP) and
     the range spans more than one pixel chunk (112), the tiles walk groups of
     block pairs (<= 640 KB each) over all chunks, so each weight is read
     from L3/DRAM once per group, not once per chunk (VGG 512->512 at 28x28
     in the network: 131-157 -> 238 GFLOP/s).
   - cam__conv, AVX2 and NEON: tiles of 6 (CAM__CONV_PX_TILE) or 5 pixels x 16 channels;
     a pixel range of L >= 20 pixels is cut into 6- and 5-pixel tiles with no
     partial tile (7x7 maps: 4*6 + 5*5). 1x1 stride-1 convs on unpadded input
     with < 256 input channels (or oc not a multiple of 16), and convs with
     ic*kh*kw <= 64 and stride 1 or 2 along x, use 4-channel x 24-pixel tiles
     (AVX2; the latter within output rows). For work splits, give each task whole channel
     blocks and/or pixel ranges; any split gives bit-identical outputs.
     Ranges shorter than 20 pixels end in a partial tile (wasted lanes), so
     on small maps split by channel blocks. Each task should cover >= ~100
     pixels x 16 channels to amortise the call. Kernels with more than 256
     taps per channel (kh*kw > 256) run the scalar reference (still
     split-invariant). out may alias res (each element reads res once, then
     writes out); out must not alias in.
     Grouped convs: call once per group with in/w/bias/res/out offset.
     Concat: point out (and res) at the channel slice; rows are oh*ow apart.
   - cam__dwconv and cam__pool2d (but AVX-512 max pooling of rows of >= 40
     outputs or small 'same'/even planes) copy each channel plane into a 64 KB stack
     buffer with its padding (planes up to 16384 floats padded, e.g. 126x126;
     pooling also keeps 16 KB of divisors); larger planes or strides other
     than 1 and 2 take a slower direct path. Threads need that much stack
     (pthread default is 8 MB). Split by channel. out may alias res. Any
     pads are valid, also pads wider than the kernel's span (windows wholly
     in padding): no pointer outside the input is ever formed.
   - cam__pool2d gives exactly the reference's results on finite inputs, and
     for max pooling on any input (-inf and NaN included); max pooling of a
     window with no real tap gives -FLT_MAX (ONNX Runtime's initial value).
     The plane-copy kernels border the plane with -inf and mend the two
     cases borders cannot give (cam__maxpool_mend); the AVX-512 row and flat
     kernels need no plane copy.
   - cam__gemm_nt streams each B row once per 4 A rows (M = 1, 2 or 4 best);
     split by n (e.g. n/threads, multiples of 4 columns are fastest). Row i
     of C does not depend on M either (batch size does not change an
     image's result).
   - Activations: SIMD sigmoid/tanh use a vector expf (SLEEF's u10 with
     CAM_USE_SLEEF, else a Cephes-style polynomial, ~2 ulp); results match the
     reference within 2e-6 absolute + 2e-6 relative.
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
    /* uh > 0 (only where cam__conv_takes_unpadded(p)): in is the UNPADDED
       input [ic][uh][uw], placed at row pt, column pl of the ih x iw padded
       plane (zeros elsewhere); 0 (memset): in is padded, as above */
    int uh, uw, pt, pl;
    /* opw > 0 (only where cam__conv_out_pitch_ok(p)): output rows are opw
       floats apart and channel planes oplane apart (res stays dense
       [oc][oh][ow]); 0 (memset): out is dense, as above */
    int opw;
    size_t oplane;
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

/* >>kernel-common */
#include <float.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
/* Kernels are static in a header: a translation unit that calls only some of
   them must not warn about the others. */
#define CAM__KFN static __attribute__((unused))
#define CAM__INLINE static inline __attribute__((always_inline, unused))
/* A micro-kernel with as many accumulators as there are registers: inlined
   into its large caller, GCC 12 spilled them (the 8-channel 1x1 tile ran at
   half speed) */
#define CAM__OWNREGS static __attribute__((noinline, unused))
#else
#define CAM__KFN static
#define CAM__INLINE static inline
#define CAM__OWNREGS static
#endif

/* Where pixel px's output lies in its channel plane, and the planes'
   stride (see opw above). */
CAM__INLINE size_t cam__out_px(const cam__conv_params *p, int px)
{
    return p->opw ? (size_t)(px / p->ow) * (size_t)p->opw + (size_t)(px % p->ow) : (size_t)px;
}
CAM__INLINE size_t cam__out_plane(const cam__conv_params *p, size_t ohw) { return p->opw ? p->oplane : ohw; }

/* Output channels per packed weight block and per micro-kernel tile. */
#define CAM__CONV_OC_BLOCK 16
/* Pixels per conv micro-kernel tile (AVX2 and NEON). */
#define CAM__CONV_PX_TILE 6
/* Larger kernels (more taps per input channel) fall back to the scalar conv. */
#define CAM__CONV_MAX_TAPS 256

/* The ladder: one ISA per build, chosen at compile time. NEON needs AArch64
   (vfmaq_f32, vrndnq_f32, vaddvq_f32). */
#if !defined(CAM_NO_SIMD) && defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
/* AVX-512 builds are AVX2 builds plus zmm kernels for the dense conv
   (cam__conv_avx512, with its own 1x1 and row tiles), the 3x3 depthwise
   conv, max pooling on rows of >= 12 outputs, the FC GEMV/GEMM and the CAM
   map product; every other kernel is the AVX2 one. */
#define CAM__SIMD_AVX512 1
#define CAM__SIMD_AVX2 1
#include <immintrin.h>
#elif !defined(CAM_NO_SIMD) && defined(__AVX2__) && defined(__FMA__)
#define CAM__SIMD_AVX2 1
#include <immintrin.h>
#elif !defined(CAM_NO_SIMD) && defined(__ARM_NEON) && defined(__aarch64__)
#define CAM__SIMD_NEON 1
#include <arm_neon.h>
#endif
#if defined(CAM_USE_SLEEF) && (defined(CAM__SIMD_AVX2) || defined(CAM__SIMD_NEON))
#include <sleef.h>
#endif

CAM__KFN const char *cam__simd_name(void)
{
#if defined(CAM__SIMD_AVX512)
    return "avx512";
#elif defined(CAM__SIMD_AVX2)
    return "avx2+fma";
#elif defined(CAM__SIMD_NEON)
    return "neon";
#else
    return "scalar";
#endif
}

/* >>kernel-reference
   Scalar references: always compiled, the tests' yardstick and the
   CAM_NO_SIMD build. Straight loops in the same tap order as the SIMD code. */

CAM__INLINE float cam__act1(float x, const cam__act_params *a)
{
    switch (a->kind) {
    case CAM__ACT_RELU: return x > 0.0f ? x : 0.0f;
    case CAM__ACT_CLIP: return x < a->a ? a->a : (x > a->b ? a->b : x);
    case CAM__ACT_LEAKY: return x < 0.0f ? a->a * x : x;
    case CAM__ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case CAM__ACT_HARDSIGMOID: {
        float y = a->a * x + a->b;
        return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
    }
    case CAM__ACT_HARDSWISH: {
        float y = x * (1.0f / 6.0f) + 0.5f;
        return x * (y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y));
    }
    case CAM__ACT_TANH: return tanhf(x);
    case CAM__ACT_NONE:
    default: return x;
    }
}

CAM__KFN void cam__vec_act_ref(const float *x, float *y, size_t n, const cam__act_params *act)
{
    size_t i;
    for (i = 0; i < n; ++i)
        y[i] = cam__act1(x[i], act);
}

CAM__KFN void cam__vec_exp_ref(const float *x, float *y, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i)
        y[i] = expf(x[i]);
}

/* The padding pass of a padded conv: rows [y0, y1) of the ph x pw padded
   copy of each of c planes of ih x iw (the plane at row pt, column pl,
   zeros around it; pw >= pl + iw, ph >= pt + ih). */
CAM__KFN void cam__pad_rows_ref(const float *in, float *out, int c, int ih, int iw, int pt, int pl, int ph, int pw,
                                int y0, int y1)
{
    int k, y;
    for (k = 0; k < c; ++k) {
        const float *src = in + (size_t)k * ih * iw;
        float *dst = out + (size_t)k * ph * pw;
        for (y = y0; y < y1; ++y) {
            float *row = dst + (size_t)y * pw;
            if (y < pt || y >= pt + ih) {
                memset(row, 0, (size_t)pw * sizeof(float));
                continue;
            }
            memset(row, 0, (size_t)pl * sizeof(float));
            memcpy(row + pl, src + (size_t)(y - pt) * iw, (size_t)iw * sizeof(float));
            memset(row + pl + iw, 0, (size_t)(pw - pl - iw) * sizeof(float));
        }
    }
}

/* Global pooling (GlobalAveragePool, GlobalMaxPool) of planes [c0, c1),
   hw floats each: the mean (0, then += each element in order, then / hw)
   or the max (from the first element, acc > v ? acc : v). */
CAM__KFN void cam__gpool_ref(const float *x, float *y, size_t hw, int is_max, int c0, int c1)
{
    int c;
    size_t j;
    for (c = c0; c < c1; ++c) {
        const float *r = x + (size_t)c * hw;
        float acc = is_max && hw > 0 ? r[0] : 0.0f;
        if (is_max)
            for (j = 1; j < hw; ++j) acc = acc > r[j] ? acc : r[j];
        else {
            for (j = 0; j < hw; ++j) acc += r[j];
            acc /= (float)hw;
        }
        y[c] = acc;
    }
}

/* Packed conv weights: blocks of 16 output channels, [ocb][ic][kh][kw][16],
   the tail block zero-filled. One micro-kernel step reads 16 consecutive
   floats (2 ymm / 4 q registers) for one input channel and tap. */
CAM__KFN size_t cam__conv_packed_floats(int oc, int ic, int kh, int kw)
{
    return (size_t)((oc + CAM__CONV_OC_BLOCK - 1) / CAM__CONV_OC_BLOCK) * CAM__CONV_OC_BLOCK *
           (size_t)ic * (size_t)kh * (size_t)kw;
}

CAM__KFN void cam__conv_pack(const float *w, int oc, int ic, int kh, int kw, float *packed)
{
    size_t taps = (size_t)ic * (size_t)kh * (size_t)kw, t;
    int nb = (oc + CAM__CONV_OC_BLOCK - 1) / CAM__CONV_OC_BLOCK, b, j;
    for (b = 0; b < nb; ++b) {
        float *dst = packed + (size_t)b * taps * CAM__CONV_OC_BLOCK;
        for (t = 0; t < taps; ++t)
            for (j = 0; j < CAM__CONV_OC_BLOCK; ++j) {
                int o = b * CAM__CONV_OC_BLOCK + j;
                dst[t * CAM__CONV_OC_BLOCK + j] = o < oc ? w[(size_t)o * taps + t] : 0.0f;
            }
    }
}

CAM__INLINE float cam__epi1(float acc, const float *bias, const float *res, int o, size_t i,
                            const cam__act_params *act)
{
    if (bias) acc += bias[o];
    if (res) acc += res[i];
    return cam__act1(acc, act);
}

/* >>kernel-winograd
   Winograd F(2x2, 3x3) for stride-1, undilated 3x3 convs (Lavin and Gray,
   "Fast Algorithms for Convolutional Neural Networks", 2016): each 2x2
   output tile costs 16 multiply-adds per input/output channel pair instead
   of 36, at a few additions per tile and channel for the transforms.
   Y = A^T [ (G g G^T) .* (B^T d B) ] A with
     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
     G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
     A^T = [1 1 1 0; 0 1 -1 -1].
   The engine transforms the weights once, at the conv's first plan
   (cam__wino_weights), the input tiles of a band (cam__wino_in), runs the 16 products
   as 1x1 convs over the band's tiles (cam__conv, the GEMM) and transforms
   back with the conv epilogue (cam__wino_out). Tile (ty, tx) reads rows
   2ty..2ty+3 and columns 2tx..2tx+3 of the padded input; cells outside the
   plane (odd output sizes) read as 0. Element xi = 4i + j of a tile's
   16. Every lane of the SIMD variants goes through the reference's
   operations in the same order (bit-identical results, but for sigmoid
   and tanh, whose vector exp is not expf). */

/* U = G g G^T for one 3x3 kernel g (row-major); u[4i + j]. */
CAM__KFN void cam__wino_weights(const float *g, float *u)
{
    float t[4][3];
    int i, j;
    for (j = 0; j < 3; ++j) {
        float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
        t[0][j] = g0;
        t[1][j] = 0.5f * ((g0 + g1) + g2);
        t[2][j] = 0.5f * ((g0 - g1) + g2);
        t[3][j] = g2;
    }
    for (i = 0; i < 4; ++i) {
        float a = t[i][0], b = t[i][1], c = t[i][2];
        u[4 * i + 0] = a;
        u[4 * i + 1] = 0.5f * ((a + b) + c);
        u[4 * i + 2] = 0.5f * ((a - b) + c);
        u[4 * i + 3] = c;
    }
}

/* The 4-point input transform (B^T x), applied along a tile's rows (d B)
   and then down its columns (B^T (d B)). */
#define CAM__WINO_ROW(d0, d1, d2, d3, h0, h1, h2, h3) \
    do {                                              \
        (h0) = (d0) - (d2);                           \
        (h1) = (d1) + (d2);                           \
        (h2) = (d2) - (d1);                           \
        (h3) = (d1) - (d3);                           \
    } while (0)

/* Input transform of tiles [tx0, tx1) of tile row ty, channels [0, c) of
   the padded input in ([c][ih][iw]): element xi of channel ch's tile tx
   goes to v[xi * vplane + ch * vpitch + (tx - tx0)]. */
CAM__KFN void cam__wino_in_ref(const float *in, int c, int ih, int iw, int ty, int tx0, int tx1, float *v,
                               size_t vplane, size_t vpitch)
{
    int ch, tx, r, j;
    for (ch = 0; ch < c; ++ch) {
        const float *plane = in + (size_t)ch * ih * iw;
        for (tx = tx0; tx < tx1; ++tx) {
            float d[4][4], h[4][4];
            float *dst = v + (size_t)ch * vpitch + (size_t)(tx - tx0);
            for (r = 0; r < 4; ++r)
                for (j = 0; j < 4; ++j) {
                    int y = 2 * ty + r, x = 2 * tx + j;
                    d[r][j] = y < ih && x < iw ? plane[(size_t)y * iw + x] : 0.0f;
                }
            for (r = 0; r < 4; ++r)
                CAM__WINO_ROW(d[r][0], d[r][1], d[r][2], d[r][3], h[r][0], h[r][1], h[r][2], h[r][3]);
            for (j = 0; j < 4; ++j)
                CAM__WINO_ROW(h[0][j], h[1][j], h[2][j], h[3][j], dst[(size_t)(0 + j) * vplane],
                              dst[(size_t)(4 + j) * vplane], dst[(size_t)(8 + j) * vplane], dst[(size_t)(12 + j) * vplane]);
        }
    }
}

/* The 4-to-2-point output transform (A^T x), along rows then columns. */
#define CAM__WINO_OROW(m0, m1, m2, m3, s0, s1) \
    do {                                       \
        (s0) = ((m0) + (m1)) + (m2);           \
        (s1) = ((m1) - (m2)) - (m3);           \
    } while (0)

/* Output transform of tiles [tx0, tx1) of tile row ty, channels [0, nk):
   products m[xi * mplane + k * mpitch + (tx - tx0)]; writes the tile's
   outputs inside the oh x ow map, act(y + bias[k] + res[k][y][x]), to
   out + k * oplane + y * opw + x (bias, res dense [nk][oh][ow], optional). */
CAM__KFN void cam__wino_out_ref(const float *m, size_t mplane, size_t mpitch, int nk, int ty, int tx0, int tx1,
                                int oh, int ow, const float *bias, const float *res, float *out, int opw,
                                size_t oplane, const cam__act_params *act)
{
    int k, tx, i, j;
    for (k = 0; k < nk; ++k)
        for (tx = tx0; tx < tx1; ++tx) {
            const float *src = m + (size_t)k * mpitch + (size_t)(tx - tx0);
            float s[4][2], y[2][2];
            for (i = 0; i < 4; ++i)
                CAM__WINO_OROW(src[(size_t)(4 * i + 0) * mplane], src[(size_t)(4 * i + 1) * mplane],
                               src[(size_t)(4 * i + 2) * mplane], src[(size_t)(4 * i + 3) * mplane], s[i][0], s[i][1]);
            for (j = 0; j < 2; ++j)
                CAM__WINO_OROW(s[0][j], s[1][j], s[2][j], s[3][j], y[0][j], y[1][j]);
            for (i = 0; i < 2; ++i)
                for (j = 0; j < 2; ++j) {
                    int oy = 2 * ty + i, ox = 2 * tx + j;
                    if (oy < oh && ox < ow)
                        out[(size_t)k * oplane + (size_t)oy * opw + ox] =
                            cam__epi1(y[i][j], bias, res, k, ((size_t)k * oh + oy) * ow + ox, act);
                }
        }
}

CAM__KFN void cam__conv_ref(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    size_t taps = (size_t)p->ic * p->kh * p->kw;
    int o, px, c, ky, kx;
    for (o = oc0; o < oc1; ++o) {
        const float *wb = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * taps * CAM__CONV_OC_BLOCK +
                          o % CAM__CONV_OC_BLOCK;
        for (px = px0; px < px1; ++px) {
            int oy = px / p->ow, ox = px % p->ow;
            const float *ib = p->in + (size_t)oy * p->sh * p->iw + (size_t)ox * p->sw;
            const float *wt = wb;
            float acc = 0.0f;
            for (c = 0; c < p->ic; ++c)
                for (ky = 0; ky < p->kh; ++ky)
                    for (kx = 0; kx < p->kw; ++kx) {
                        acc += ib[c * ihw + (size_t)ky * p->dh * p->iw + (size_t)kx * p->dw] * wt[0];
                        wt += CAM__CONV_OC_BLOCK;
                    }
            p->out[(size_t)o * ohw + px] =
                cam__epi1(acc, p->bias, p->res, o, (size_t)o * ohw + px, &p->act);
        }
    }
}

/* One depthwise output pixel with bounds checks (reference and SIMD edges). */
CAM__INLINE float cam__dw_px(const cam__dwconv_params *p, const float *ic, const float *wc, int oy, int ox)
{
    float acc = 0.0f;
    int ky, kx;
    for (ky = 0; ky < p->kh; ++ky) {
        int iy = oy * p->sh - p->pt + ky * p->dh;
        if (iy < 0 || iy >= p->ih) continue;
        for (kx = 0; kx < p->kw; ++kx) {
            int ix = ox * p->sw - p->pl + kx * p->dw;
            if (ix < 0 || ix >= p->iw) continue;
            acc += ic[(size_t)iy * p->iw + ix] * wc[ky * p->kw + kx];
        }
    }
    return acc;
}

CAM__KFN void cam__dwconv_ref(const cam__dwconv_params *p, int c0, int c1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, oy, ox;
    for (c = c0; c < c1; ++c) {
        const float *ic = p->in + (size_t)c * ihw, *wc = p->w + (size_t)c * p->kh * p->kw;
        for (oy = 0; oy < p->oh; ++oy)
            for (ox = 0; ox < p->ow; ++ox) {
                size_t i = (size_t)c * ohw + (size_t)oy * p->ow + ox;
                p->out[i] = cam__epi1(cam__dw_px(p, ic, wc, oy, ox), p->bias, p->res, c, i, &p->act);
            }
    }
}

/* Taps of a pooling window along one axis: first window index s = o*stride - pad.
   'real' taps lie inside [0, n); 'padded' taps inside [-pad0, n + pad1)
   (ceil_mode windows may run past that; those taps never count). */
CAM__INLINE int cam__pool_count(int s, int k, int d, int n, int pad0, int pad1, int padded)
{
    int lo = padded ? -pad0 : 0, hi = padded ? n + pad1 : n, cnt = 0, t;
    for (t = 0; t < k; ++t) {
        int i = s + t * d;
        cnt += i >= lo && i < hi;
    }
    return cnt;
}

/* One pooling output with bounds checks. Max starts from the first real tap
   (no -inf sentinel); average sums real taps in order and divides. */
CAM__INLINE float cam__pool_px(const cam__pool_params *p, const float *ic, int oy, int ox)
{
    int sy = oy * p->sh - p->pt, sx = ox * p->sw - p->pl, ky, kx, any = 0;
    float acc = 0.0f;
    for (ky = 0; ky < p->kh; ++ky) {
        int iy = sy + ky * p->dh;
        if (iy < 0 || iy >= p->ih) continue;
        for (kx = 0; kx < p->kw; ++kx) {
            int ix = sx + kx * p->dw;
            float v;
            if (ix < 0 || ix >= p->iw) continue;
            v = ic[(size_t)iy * p->iw + ix];
            if (!any) acc = v;
            else if (p->is_max) acc = acc > v ? acc : v; /* as x86 max(acc, v) */
            else acc += v;
            any = 1;
        }
    }
    if (p->is_max) return any ? acc : -FLT_MAX;
    {
        int cnt = cam__pool_count(sy, p->kh, p->dh, p->ih, p->pt, p->pb, p->count_include_pad) *
                  cam__pool_count(sx, p->kw, p->dw, p->iw, p->pl, p->pr, p->count_include_pad);
        return cnt > 0 ? acc / (float)cnt : 0.0f;
    }
}

/* Whether a window starting at s (k taps d apart) reaches [0, n). */
CAM__INLINE int cam__pool_real(int s, int k, int d, int n)
{
    int i;
    for (i = 0; i < k; ++i)
        if (s + i * d >= 0 && s + i * d < n) return 1;
    return 0;
}

/* Whether every window of p holds a real tap (pads under the window's span:
   always). */
CAM__INLINE int cam__pool_all_real(const cam__pool_params *p)
{
    int o;
    for (o = 0; o < p->oh; ++o)
        if (!cam__pool_real(o * p->sh - p->pt, p->kh, p->dh, p->ih)) return 0;
    for (o = 0; o < p->ow; ++o)
        if (!cam__pool_real(o * p->sw - p->pl, p->kw, p->dw, p->iw)) return 0;
    return 1;
}

/* Max pooling over a plane copy with -inf borders (the plane kernels) gives
   the reference's value for every window with a real tap as long as no
   input is NaN: max(x, -inf) = x. Two cases left, mended here for one
   channel (input ic, output oc, already written by the kernel): a channel
   with a NaN or an infinity (nonfinite; the NaN is what needs it: max(NaN,
   -inf) at a border tap gives -inf where the reference, which skips the
   border, keeps the NaN) is pooled again by the reference; windows with no
   real tap (all_real 0) get the reference's -FLT_MAX. */
CAM__INLINE void cam__maxpool_mend(const cam__pool_params *p, const float *ic, float *oc, int nonfinite, int all_real)
{
    int oy, ox;
    if (nonfinite) {
        for (oy = 0; oy < p->oh; ++oy)
            for (ox = 0; ox < p->ow; ++ox) oc[(size_t)oy * p->ow + ox] = cam__pool_px(p, ic, oy, ox);
        return;
    }
    if (all_real) return;
    for (oy = 0; oy < p->oh; ++oy) {
        int rows = cam__pool_real(oy * p->sh - p->pt, p->kh, p->dh, p->ih);
        for (ox = 0; ox < p->ow; ++ox)
            if (!rows || !cam__pool_real(ox * p->sw - p->pl, p->kw, p->dw, p->iw))
                oc[(size_t)oy * p->ow + ox] = -FLT_MAX;
    }
}

/* Channels [c0, c1) x output rows [oy0, oy1). */
CAM__KFN void cam__pool2d_rows_ref(const cam__pool_params *p, int c0, int c1, int oy0, int oy1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, oy, ox;
    for (c = c0; c < c1; ++c)
        for (oy = oy0; oy < oy1; ++oy)
            for (ox = 0; ox < p->ow; ++ox)
                p->out[(size_t)c * ohw + (size_t)oy * p->ow + ox] = cam__pool_px(p, p->in + (size_t)c * ihw, oy, ox);
}

CAM__KFN void cam__pool2d_ref(const cam__pool_params *p, int c0, int c1) { cam__pool2d_rows_ref(p, c0, c1, 0, p->oh); }

CAM__KFN void cam__gemm_nt_ref(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                               const float *bias, float *c, int ldc, const cam__act_params *act,
                               int n0, int n1)
{
    int i, j, t;
    (void)n;
    for (i = 0; i < m; ++i)
        for (j = n0; j < n1; ++j) {
            float s = 0.0f;
            for (t = 0; t < k; ++t)
                s += a[(size_t)i * lda + t] * b[(size_t)j * ldb + t];
            if (bias) s += bias[j];
            c[(size_t)i * ldc + j] = cam__act1(s, act);
        }
}

/* >>kernel-vector
   A thin vector layer (cam__vf, CAM__VL lanes) so that activation, exp,
   depthwise, pooling and GEMV are written once for AVX2 and NEON. Loads and
   stores are unaligned: data may come from outside (Lua userdata is 8-byte
   aligned). */
#if defined(CAM__SIMD_AVX2)
typedef __m256 cam__vf;
#define CAM__VL 8
#define CAM__SFX(name) name##_avx2
/* Floats read past the last one used by cam__vf_loadu_s2. */
#define CAM__S2_REACH 0
CAM__INLINE cam__vf cam__vf_zero(void) { return _mm256_setzero_ps(); }
CAM__INLINE cam__vf cam__vf_set1(float x) { return _mm256_set1_ps(x); }
CAM__INLINE cam__vf cam__vf_loadu(const float *p) { return _mm256_loadu_ps(p); }
CAM__INLINE void cam__vf_storeu(float *p, cam__vf v) { _mm256_storeu_ps(p, v); }
CAM__INLINE cam__vf cam__vf_add(cam__vf a, cam__vf b) { return _mm256_add_ps(a, b); }
CAM__INLINE cam__vf cam__vf_sub(cam__vf a, cam__vf b) { return _mm256_sub_ps(a, b); }
CAM__INLINE cam__vf cam__vf_mul(cam__vf a, cam__vf b) { return _mm256_mul_ps(a, b); }
CAM__INLINE cam__vf cam__vf_div(cam__vf a, cam__vf b) { return _mm256_div_ps(a, b); }
CAM__INLINE cam__vf cam__vf_fma(cam__vf a, cam__vf b, cam__vf c) { return _mm256_fmadd_ps(a, b, c); }
CAM__INLINE cam__vf cam__vf_max(cam__vf a, cam__vf b) { return _mm256_max_ps(a, b); }
CAM__INLINE cam__vf cam__vf_or(cam__vf a, cam__vf b) { return _mm256_or_ps(a, b); }
CAM__INLINE cam__vf cam__vf_min(cam__vf a, cam__vf b) { return _mm256_min_ps(a, b); }
CAM__INLINE cam__vf cam__vf_abs(cam__vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
/* |a| with the sign of s */
CAM__INLINE cam__vf cam__vf_copysign(cam__vf a, cam__vf s)
{
    __m256 m = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(m, a), _mm256_and_ps(m, s));
}
/* p[0], p[2], ..., p[14]: reads p[0..14] only (second load starts at p[7]). */
CAM__INLINE cam__vf cam__vf_loadu_s2(const float *p)
{
    __m256 lo = _mm256_loadu_ps(p), hi = _mm256_loadu_ps(p + 7);
    __m256 t = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}
CAM__INLINE __m256i cam__mask8(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/* First n lanes (n < CAM__VL); the rest read as zero and are never touched. */
CAM__INLINE cam__vf cam__vf_load_n(const float *p, int n) { return _mm256_maskload_ps(p, cam__mask8(n)); }
CAM__INLINE void cam__vf_store_n(float *p, cam__vf v, int n) { _mm256_maskstore_ps(p, cam__mask8(n), v); }
/* a0 b0 a1 b1 ... of the low and the high halves */
CAM__INLINE cam__vf cam__vf_zip_lo(cam__vf a, cam__vf b)
{
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x20);
}
CAM__INLINE cam__vf cam__vf_zip_hi(cam__vf a, cam__vf b)
{
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x31);
}
CAM__INLINE float cam__vf_hsum(cam__vf v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#if defined(CAM_USE_SLEEF)
CAM__INLINE cam__vf cam__vf_exp(cam__vf x) { return Sleef_expf8_u10avx2(x); }
#else
/* Cephes-style expf: x = n ln2 + r, |r| <= ln2/2, degree-6 polynomial, 2^n
   applied in two halves so n = 128 does not overflow the exponent field.
   About 2 ulp; below -87.3 it returns ~1e-38 instead of a subnormal. */
CAM__INLINE cam__vf cam__vf_exp(cam__vf x)
{
    __m256 big = _mm256_cmp_ps(x, _mm256_set1_ps(88.72283935546875f), _CMP_GT_OQ);
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    __m256 xc = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3365447504f)), _mm256_set1_ps(88.3762626647949f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), xc);
    __m256 y;
    __m256i ni, n1, n2;
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    ni = _mm256_cvtps_epi32(n);
    n1 = _mm256_srai_epi32(ni, 1);
    n2 = _mm256_sub_epi32(ni, n1);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, _mm256_set1_epi32(127)), 23)));
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23)));
    y = _mm256_blendv_ps(y, _mm256_set1_ps(HUGE_VALF), big);
    return _mm256_blendv_ps(y, x, nan);
}
#endif

#elif defined(CAM__SIMD_NEON)
typedef float32x4_t cam__vf;
#define CAM__VL 4
#define CAM__SFX(name) name##_neon
#define CAM__S2_REACH 1
CAM__INLINE cam__vf cam__vf_zero(void) { return vdupq_n_f32(0.0f); }
CAM__INLINE cam__vf cam__vf_set1(float x) { return vdupq_n_f32(x); }
CAM__INLINE cam__vf cam__vf_loadu(const float *p) { return vld1q_f32(p); }
CAM__INLINE void cam__vf_storeu(float *p, cam__vf v) { vst1q_f32(p, v); }
CAM__INLINE cam__vf cam__vf_add(cam__vf a, cam__vf b) { return vaddq_f32(a, b); }
CAM__INLINE cam__vf cam__vf_sub(cam__vf a, cam__vf b) { return vsubq_f32(a, b); }
CAM__INLINE cam__vf cam__vf_mul(cam__vf a, cam__vf b) { return vmulq_f32(a, b); }
CAM__INLINE cam__vf cam__vf_div(cam__vf a, cam__vf b) { return vdivq_f32(a, b); }
CAM__INLINE cam__vf cam__vf_fma(cam__vf a, cam__vf b, cam__vf c) { return vfmaq_f32(c, a, b); }
/* max and min as x86's maxps / minps (a > b ? a : b: the second operand
   on NaN or equal values, so -0 / +0 ties and NaN come out as in the AVX2
   build and the scalar reference); NEON's fmax / fmin would give +0 for
   (-0, +0) and keep NaN */
CAM__INLINE cam__vf cam__vf_max(cam__vf a, cam__vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
CAM__INLINE cam__vf cam__vf_or(cam__vf a, cam__vf b)
{
    return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b)));
}
CAM__INLINE cam__vf cam__vf_min(cam__vf a, cam__vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
CAM__INLINE cam__vf cam__vf_abs(cam__vf a) { return vabsq_f32(a); }
CAM__INLINE cam__vf cam__vf_copysign(cam__vf a, cam__vf s)
{
    return vbslq_f32(vdupq_n_u32(0x80000000u), s, vabsq_f32(a));
}
/* p[0], p[2], p[4], p[6]: vld2q reads p[0..7], one float past the last used. */
CAM__INLINE cam__vf cam__vf_loadu_s2(const float *p) { return vld2q_f32(p).val[0]; }
CAM__INLINE cam__vf cam__vf_load_n(const float *p, int n)
{
    float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int i;
    for (i = 0; i < n; ++i) t[i] = p[i];
    return vld1q_f32(t);
}
CAM__INLINE void cam__vf_store_n(float *p, cam__vf v, int n)
{
    float t[4];
    int i;
    vst1q_f32(t, v);
    for (i = 0; i < n; ++i) p[i] = t[i];
}
CAM__INLINE float cam__vf_hsum(cam__vf v) { return vaddvq_f32(v); }
CAM__INLINE cam__vf cam__vf_zip_lo(cam__vf a, cam__vf b) { return vzip1q_f32(a, b); }
CAM__INLINE cam__vf cam__vf_zip_hi(cam__vf a, cam__vf b) { return vzip2q_f32(a, b); }
#if defined(CAM_USE_SLEEF)
CAM__INLINE cam__vf cam__vf_exp(cam__vf x) { return Sleef_expf4_u10advsimd(x); }
#else
/* Same polynomial and range handling as the AVX2 version. */
CAM__INLINE cam__vf cam__vf_exp(cam__vf x)
{
    uint32x4_t big = vcgtq_f32(x, vdupq_n_f32(88.72283935546875f));
    uint32x4_t num = vceqq_f32(x, x);
    float32x4_t xc = vminq_f32(vmaxq_f32(x, vdupq_n_f32(-87.3365447504f)), vdupq_n_f32(88.3762626647949f));
    float32x4_t n = vrndnq_f32(vmulq_f32(xc, vdupq_n_f32(1.44269504088896341f)));
    float32x4_t r = vfmsq_f32(xc, n, vdupq_n_f32(0.693359375f));
    float32x4_t y;
    int32x4_t ni, n1, n2;
    r = vfmsq_f32(r, n, vdupq_n_f32(-2.12194440e-4f));
    y = vdupq_n_f32(1.9875691500e-4f);
    y = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), y, r);
    y = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), y, r);
    y = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), y, r);
    y = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), y, r);
    y = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), y, r);
    y = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), y, vmulq_f32(r, r));
    ni = vcvtq_s32_f32(n);
    n1 = vshrq_n_s32(ni, 1);
    n2 = vsubq_s32(ni, n1);
    y = vmulq_f32(y, vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n1, vdupq_n_s32(127)), 23)));
    y = vmulq_f32(y, vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n2, vdupq_n_s32(127)), 23)));
    y = vbslq_f32(big, vdupq_n_f32(HUGE_VALF), y);
    return vbslq_f32(num, y, x);
}
#endif
#endif /* vector layer */

/* >>kernel-elementwise */
#if defined(CAM__VL)
/* Activation on CAM__VL lanes; every lane goes through the same operations,
   so a value never depends on its position in a vector. */
CAM__INLINE cam__vf cam__vf_act(cam__vf v, const cam__act_params *a)
{
    switch (a->kind) {
    case CAM__ACT_RELU: return cam__vf_max(v, cam__vf_zero());
    case CAM__ACT_CLIP: return cam__vf_min(cam__vf_max(v, cam__vf_set1(a->a)), cam__vf_set1(a->b));
    case CAM__ACT_LEAKY:
        /* max(x,0) + a*min(x,0) is exactly x or a*x */
        return cam__vf_add(cam__vf_max(v, cam__vf_zero()), cam__vf_mul(cam__vf_set1(a->a), cam__vf_min(v, cam__vf_zero())));
    case CAM__ACT_SIGMOID:
        return cam__vf_div(cam__vf_set1(1.0f), cam__vf_add(cam__vf_set1(1.0f), cam__vf_exp(cam__vf_sub(cam__vf_zero(), v))));
    case CAM__ACT_HARDSIGMOID:
        return cam__vf_max(cam__vf_zero(), cam__vf_min(cam__vf_set1(1.0f),
                           cam__vf_add(cam__vf_mul(cam__vf_set1(a->a), v), cam__vf_set1(a->b))));
    case CAM__ACT_HARDSWISH:
        return cam__vf_mul(v, cam__vf_max(cam__vf_zero(), cam__vf_min(cam__vf_set1(1.0f),
                           cam__vf_add(cam__vf_mul(v, cam__vf_set1(1.0f / 6.0f)), cam__vf_set1(0.5f)))));
    case CAM__ACT_TANH: {
        /* 1 - 2/(e^{2|x|}+1) with the sign of x; exact 0 at 0, 1 when e overflows */
        cam__vf e = cam__vf_exp(cam__vf_add(cam__vf_abs(v), cam__vf_abs(v)));
        cam__vf t = cam__vf_sub(cam__vf_set1(1.0f), cam__vf_div(cam__vf_set1(2.0f), cam__vf_add(e, cam__vf_set1(1.0f))));
        return cam__vf_copysign(t, v);
    }
    case CAM__ACT_NONE:
    default: return v;
    }
}

/* >>kernel-winograd-vl: cam__wino_in/out_ref on CAM__VL tiles per vector
   (AVX2, NEON): a row's cells for CAM__VL tiles as four stride-2 loads
   (columns 2tx, 2tx+1, 2tx+2, 2tx+3), the outputs' two columns zipped back
   into pixel order. Groups that would read past a row, or part groups,
   take the reference (the same operations). */
CAM__KFN void CAM__SFX(cam__wino_in)(const float *in, int c, int ih, int iw, int ty, int tx0, int tx1, float *v,
                                     size_t vplane, size_t vpitch)
{
    int ch, a, r;
    for (ch = 0; ch < c; ++ch) {
        const float *plane = in + (size_t)ch * ih * iw;
        for (a = tx0; a < tx1; a += CAM__VL) {
            int n = tx1 - a < CAM__VL ? tx1 - a : CAM__VL, x0 = 2 * a;
            float *dst = v + (size_t)ch * vpitch + (size_t)(a - tx0);
            cam__vf h[4][4];
            /* the last load reads 2 * CAM__VL - 2 + CAM__S2_REACH floats after x0 + 3 */
            if (n < CAM__VL || x0 + 3 + 2 * CAM__VL - 2 + CAM__S2_REACH >= iw) {
                cam__wino_in_ref(plane, 1, ih, iw, ty, a, a + n, dst, vplane, vpitch);
                continue;
            }
            for (r = 0; r < 4; ++r) {
                int y = 2 * ty + r;
                if (y < ih) {
                    const float *row = plane + (size_t)y * iw + x0;
                    cam__vf e0 = cam__vf_loadu_s2(row), e1 = cam__vf_loadu_s2(row + 1);
                    cam__vf e2 = cam__vf_loadu_s2(row + 2), e3 = cam__vf_loadu_s2(row + 3);
                    h[r][0] = cam__vf_sub(e0, e2);
                    h[r][1] = cam__vf_add(e1, e2);
                    h[r][2] = cam__vf_sub(e2, e1);
                    h[r][3] = cam__vf_sub(e1, e3);
                } else {
                    h[r][0] = h[r][1] = h[r][2] = h[r][3] = cam__vf_zero();
                }
            }
            for (r = 0; r < 4; ++r) {
                cam__vf_storeu(dst + (size_t)(0 + r) * vplane, cam__vf_sub(h[0][r], h[2][r]));
                cam__vf_storeu(dst + (size_t)(4 + r) * vplane, cam__vf_add(h[1][r], h[2][r]));
                cam__vf_storeu(dst + (size_t)(8 + r) * vplane, cam__vf_sub(h[2][r], h[1][r]));
                cam__vf_storeu(dst + (size_t)(12 + r) * vplane, cam__vf_sub(h[1][r], h[3][r]));
            }
        }
    }
}

CAM__INLINE cam__vf cam__wino_epi(cam__vf y, const float *bias, const float *res, const cam__act_params *act)
{
    if (bias) y = cam__vf_add(y, cam__vf_set1(*bias));
    if (res) y = cam__vf_add(y, cam__vf_loadu(res));
    return cam__vf_act(y, act);
}

CAM__KFN void CAM__SFX(cam__wino_out)(const float *m, size_t mplane, size_t mpitch, int nk, int ty, int tx0, int tx1,
                                      int oh, int ow, const float *bias, const float *res, float *out, int opw,
                                      size_t oplane, const cam__act_params *act)
{
    int k, a, i;
    for (k = 0; k < nk; ++k)
        for (a = tx0; a < tx1; a += CAM__VL) {
            int n = tx1 - a < CAM__VL ? tx1 - a : CAM__VL, x0 = 2 * a;
            const float *src = m + (size_t)k * mpitch + (size_t)(a - tx0);
            cam__vf s[4][2], y[2][2];
            if (n < CAM__VL || x0 + 2 * CAM__VL > ow) {
                cam__wino_out_ref(src, mplane, mpitch, 1, ty, a, a + n, oh, ow, bias ? bias + k : NULL,
                                  res ? res + (size_t)k * oh * ow : NULL, out + (size_t)k * oplane, opw, oplane, act);
                continue;
            }
            for (i = 0; i < 4; ++i) {
                cam__vf q0 = cam__vf_loadu(src + (size_t)(4 * i + 0) * mplane);
                cam__vf q1 = cam__vf_loadu(src + (size_t)(4 * i + 1) * mplane);
                cam__vf q2 = cam__vf_loadu(src + (size_t)(4 * i + 2) * mplane);
                cam__vf q3 = cam__vf_loadu(src + (size_t)(4 * i + 3) * mplane);
                s[i][0] = cam__vf_add(cam__vf_add(q0, q1), q2);
                s[i][1] = cam__vf_sub(cam__vf_sub(q1, q2), q3);
            }
            for (i = 0; i < 2; ++i) {
                y[0][i] = cam__vf_add(cam__vf_add(s[0][i], s[1][i]), s[2][i]);
                y[1][i] = cam__vf_sub(cam__vf_sub(s[1][i], s[2][i]), s[3][i]);
            }
            for (i = 0; i < 2; ++i) {
                int oy = 2 * ty + i;
                const float *rr = res ? res + ((size_t)k * oh + oy) * ow + x0 : NULL;
                float *o = out + (size_t)k * oplane + (size_t)oy * opw + x0;
                if (oy >= oh)
                    break;
                cam__vf_storeu(o, cam__wino_epi(cam__vf_zip_lo(y[i][0], y[i][1]), bias ? bias + k : NULL, rr, act));
                cam__vf_storeu(o + CAM__VL, cam__wino_epi(cam__vf_zip_hi(y[i][0], y[i][1]), bias ? bias + k : NULL,
                                                          rr ? rr + CAM__VL : NULL, act));
            }
        }
}

CAM__KFN void CAM__SFX(cam__vec_act)(const float *x, float *y, size_t n, const cam__act_params *act)
{
    size_t i = 0;
    if (act->kind == CAM__ACT_NONE) {
        if (x != y) memmove(y, x, n * sizeof(float));
        return;
    }
    for (; i + CAM__VL <= n; i += CAM__VL)
        cam__vf_storeu(y + i, cam__vf_act(cam__vf_loadu(x + i), act));
    if (i < n)
        cam__vf_store_n(y + i, cam__vf_act(cam__vf_load_n(x + i, (int)(n - i)), act), (int)(n - i));
}

CAM__KFN void CAM__SFX(cam__vec_exp)(const float *x, float *y, size_t n)
{
    size_t i = 0;
    for (; i + CAM__VL <= n; i += CAM__VL)
        cam__vf_storeu(y + i, cam__vf_exp(cam__vf_loadu(x + i)));
    if (i < n)
        cam__vf_store_n(y + i, cam__vf_exp(cam__vf_load_n(x + i, (int)(n - i))), (int)(n - i));
}

/* Output columns [*xa, *xb) whose window lies inside the input row for a
   whole vector load (stride 1 or 2 only): x runs from ox*s - pad over
   (k-1)*d + 1 taps, plus what the strided load reads beyond. */
CAM__INLINE void cam__vec_cols(int ow, int iw, int s, int pad, int k, int d, int *xa, int *xb)
{
    int reach = (k - 1) * d + (s == 2 ? CAM__S2_REACH : 0), last;
    *xa = (pad + s - 1) / s;
    last = iw - 1 - reach + pad; /* ox*s <= last */
    *xb = last < 0 ? 0 : last / s + 1;
    if (*xb > ow) *xb = ow;
    if (*xa > *xb) *xa = *xb;
}

CAM__INLINE cam__vf cam__vf_load_s(const float *p, int s) { return s == 1 ? cam__vf_loadu(p) : cam__vf_loadu_s2(p); }

/* >>kernel-depthwise-pool: depthwise conv and pooling share the plane copy */

/* Overlapping last vector of a row (pixels [xb-VL, xb)), storing only the
   columns from ox on: out may alias res, so nothing is written twice. */
CAM__INLINE void cam__store_tail(float *dst, cam__vf v, int from)
{
    float t[CAM__VL];
    int i;
    cam__vf_storeu(t, v);
    for (i = from; i < CAM__VL; ++i) dst[i] = t[i];
}

/* Depthwise, direct from the unpadded input (fallback when the padded plane
   does not fit the stack scratch): per output row, CAM__VL pixels at a time
   where the whole window row is inside the input (stride 1 or 2), taps in
   (ky, kx) order with rows outside the input skipped; border columns and
   other strides go through the scalar pixel. */
CAM__KFN void CAM__SFX(cam__dwconv_direct)(const cam__dwconv_params *p, int c0, int c1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, oy, ox, xa, xb, ky, kx, vec = p->sw == 1 || p->sw == 2;
    cam__vec_cols(p->ow, p->iw, p->sw, p->pl, p->kw, p->dw, &xa, &xb);
    if (!vec) xa = xb = 0;
    for (c = c0; c < c1; ++c) {
        const float *ic = p->in + (size_t)c * ihw, *wc = p->w + (size_t)c * p->kh * p->kw;
        cam__vf vb = cam__vf_set1(p->bias ? p->bias[c] : 0.0f);
        for (oy = 0; oy < p->oh; ++oy) {
            size_t orow = (size_t)c * ohw + (size_t)oy * p->ow;
            int iy0 = oy * p->sh - p->pt, x0;
            for (ox = 0; ox < xa; ++ox)
                p->out[orow + ox] = cam__epi1(cam__dw_px(p, ic, wc, oy, ox), p->bias, p->res, c, orow + ox, &p->act);
            for (x0 = ox; ox < xb; ox += CAM__VL) {
                cam__vf acc = cam__vf_zero();
                int at = ox + CAM__VL <= xb ? ox : xb - CAM__VL; /* last vector overlaps */
                ptrdiff_t ix;
                if (at < x0) break; /* fewer than CAM__VL vector columns: scalar */
                ix = (ptrdiff_t)at * p->sw - p->pl; /* >= 0: at >= xa */
                for (ky = 0; ky < p->kh; ++ky) {
                    int iy = iy0 + ky * p->dh;
                    const float *r, *wr = wc + ky * p->kw;
                    /* pointers are formed only for rows inside the input */
                    if (iy < 0 || iy >= p->ih) continue;
                    r = ic + (size_t)iy * p->iw + ix;
                    for (kx = 0; kx < p->kw; ++kx)
                        acc = cam__vf_fma(cam__vf_load_s(r + kx * p->dw, p->sw), cam__vf_set1(wr[kx]), acc);
                }
                if (p->bias) acc = cam__vf_add(acc, vb);
                if (p->res) acc = cam__vf_add(acc, cam__vf_loadu(p->res + orow + at));
                acc = cam__vf_act(acc, &p->act);
                if (at == ox) cam__vf_storeu(p->out + orow + ox, acc);
                else cam__store_tail(p->out + orow + at, acc, ox - at);
            }
            if (ox > xb) ox = xb;
            for (; ox < p->ow; ++ox)
                p->out[orow + ox] = cam__epi1(cam__dw_px(p, ic, wc, oy, ox), p->bias, p->res, c, orow + ox, &p->act);
        }
    }
}

/* Pooling, direct (fallback): same structure. Vector columns have all kw taps
   inside the input, so a row's divisor is (real or padded row taps) * kw. */
CAM__KFN void CAM__SFX(cam__pool2d_direct)(const cam__pool_params *p, int c0, int c1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, oy, ox, xa, xb, ky, kx, vec = p->sw == 1 || p->sw == 2;
    cam__vec_cols(p->ow, p->iw, p->sw, p->pl, p->kw, p->dw, &xa, &xb);
    if (!vec) xa = xb = 0;
    for (c = c0; c < c1; ++c) {
        const float *ic = p->in + (size_t)c * ihw;
        for (oy = 0; oy < p->oh; ++oy) {
            float *orow = p->out + (size_t)c * ohw + (size_t)oy * p->ow;
            int iy0 = oy * p->sh - p->pt, x0;
            int cnt = cam__pool_count(iy0, p->kh, p->dh, p->ih, p->pt, p->pb, p->count_include_pad) * p->kw;
            int rows = cam__pool_count(iy0, p->kh, p->dh, p->ih, 0, 0, 0);
            cam__vf vdiv = cam__vf_set1((float)cnt);
            for (ox = 0; ox < xa; ++ox) orow[ox] = cam__pool_px(p, ic, oy, ox);
            if (rows > 0 && cnt > 0)
                for (x0 = ox; ox < xb; ox += CAM__VL) {
                    cam__vf acc = cam__vf_zero();
                    int at = ox + CAM__VL <= xb ? ox : xb - CAM__VL, any = 0;
                    ptrdiff_t ix;
                    if (at < x0) break;
                    ix = (ptrdiff_t)at * p->sw - p->pl; /* >= 0: at >= xa */
                    for (ky = 0; ky < p->kh; ++ky) {
                        int iy = iy0 + ky * p->dh;
                        const float *r;
                        /* pointers are formed only for rows inside the input */
                        if (iy < 0 || iy >= p->ih) continue;
                        r = ic + (size_t)iy * p->iw + ix;
                        for (kx = 0; kx < p->kw; ++kx) {
                            cam__vf v = cam__vf_load_s(r + kx * p->dw, p->sw);
                            if (!any) acc = v;
                            else acc = p->is_max ? cam__vf_max(acc, v) : cam__vf_add(acc, v);
                            any = 1;
                        }
                    }
                    if (!p->is_max) acc = cam__vf_div(acc, vdiv);
                    if (at == ox) cam__vf_storeu(orow + ox, acc);
                    else cam__store_tail(orow + at, acc, ox - at);
                }
            if (ox > xb) ox = xb;
            for (; ox < p->ow; ++ox) orow[ox] = cam__pool_px(p, ic, oy, ox);
        }
    }
}

/* Stack scratch for one padded channel plane (floats). The depthwise and
   pooling kernels copy each channel into it with its borders (zero, or
   -FLT_MAX for max pooling) so that every output vector reads inside it: no
   edge cases, any padding, ceil_mode overrun, tails by masked stores. */
#ifndef CAM__PLANE_SCRATCH
#define CAM__PLANE_SCRATCH 16384
#endif
#define CAM__POOL_MAX_COLS 2048

/* Padded plane size: rows and columns the vectorised loops read (output
   columns rounded up to CAM__VL). 0 if it does not fit or the stride is not
   1 or 2. */
/* The same for vectors of 'lanes' floats whose stride-2 load reads s2_reach
   floats past its last used one (the AVX-512 kernels: 16 and 0). */
CAM__INLINE int cam__plane_dims_lanes(int ih, int iw, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw,
                                      int pt, int pl, int lanes, int s2_reach, int *H, int *W)
{
    long long owv = (ow + lanes - 1) / lanes * lanes;
    long long h = (long long)(oh - 1) * sh + (long long)(kh - 1) * dh + 1;
    long long w = (owv - 1) * sw + (long long)(kw - 1) * dw + 1 + (sw == 2 ? s2_reach : 0);
    if (sw != 1 && sw != 2) return 0;
    if (h < (long long)pt + ih) h = (long long)pt + ih;
    if (w < (long long)pl + iw) w = (long long)pl + iw;
    if (h * w > CAM__PLANE_SCRATCH) return 0;
    *H = (int)h;
    *W = (int)w;
    return 1;
}

CAM__INLINE int cam__plane_dims(int ih, int iw, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw,
                                int pt, int pl, int *H, int *W)
{
    return cam__plane_dims_lanes(ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, CAM__VL, CAM__S2_REACH, H, W);
}

CAM__INLINE void cam__plane_borders(float *dst, int ih, int iw, int pt, int pl, int H, int W, float fill)
{
    int y, x;
    for (y = 0; y < H; ++y) {
        float *row = dst + (size_t)y * W;
        if (y < pt || y >= pt + ih) {
            for (x = 0; x < W; ++x) row[x] = fill;
            continue;
        }
        for (x = 0; x < pl; ++x) row[x] = fill;
        for (x = pl + iw; x < W; ++x) row[x] = fill;
    }
}

/* Interior rows only (the borders stay as cam__plane_borders wrote them).
   Inline vector copies: rows of small maps are a few floats long. CHK (a
   constant at each call): also say whether the plane holds a NaN or an
   infinity: v - v is +0 (no bits set) only for finite v, and the bits are
   or-ed (an add chain would be latency-bound); 0 without CHK. */
CAM__INLINE int cam__plane_copy_x(float *dst, const float *src, int ih, int iw, int pt, int pl, int W, const int CHK)
{
    cam__vf chk = cam__vf_zero(), v;
    float l[CAM__VL];
    int y, x, i;
    for (y = 0; y < ih; ++y) {
        float *d = dst + (size_t)(y + pt) * W + pl;
        const float *s = src + (size_t)y * iw;
        for (x = 0; x + CAM__VL <= iw; x += CAM__VL) {
            v = cam__vf_loadu(s + x);
            cam__vf_storeu(d + x, v);
            if (CHK) chk = cam__vf_or(chk, cam__vf_sub(v, v));
        }
        if (x < iw) {
            if (iw >= CAM__VL) { /* overlapping last vector: masked moves are slow on AMD */
                v = cam__vf_loadu(s + iw - CAM__VL);
                cam__vf_storeu(d + iw - CAM__VL, v);
            } else {
                v = cam__vf_load_n(s + x, iw - x); /* the other lanes read as zero */
                cam__vf_store_n(d + x, v, iw - x);
            }
            if (CHK) chk = cam__vf_or(chk, cam__vf_sub(v, v));
        }
    }
    if (!CHK) return 0;
    cam__vf_storeu(l, chk);
    for (i = 0; i < CAM__VL; ++i)
        if (l[i] != 0.0f) return 1; /* NaN compares unequal */
    return 0;
}

CAM__INLINE void cam__plane_copy(float *dst, const float *src, int ih, int iw, int pt, int pl, int W)
{
    cam__plane_copy_x(dst, src, ih, iw, pt, pl, W, 0);
}

CAM__INLINE int cam__plane_copy_chk(float *dst, const float *src, int ih, int iw, int pt, int pl, int W)
{
    return cam__plane_copy_x(dst, src, ih, iw, pt, pl, W, 1);
}

/* Stores CAM__VL depthwise outputs (n valid) after + bias, + res; the
   activation runs afterwards over the whole channel plane (still in cache),
   which keeps calls (exp) out of the tap loops and the weights in registers. */
CAM__INLINE void cam__dw_put(float *o, const float *r, cam__vf acc, cam__vf vb, int has_bias, int n)
{
    if (has_bias) acc = cam__vf_add(acc, vb);
    if (n >= CAM__VL) {
        if (r) acc = cam__vf_add(acc, cam__vf_loadu(r));
        cam__vf_storeu(o, acc);
    } else {
        if (r) acc = cam__vf_add(acc, cam__vf_load_n(r, n));
        cam__vf_store_n(o, acc, n);
    }
}

/* 3x3, two output rows per pass (stride 1 and dilation 1 vertically): the
   4 input rows are loaded once for both; each output keeps its (ky, kx) tap
   order, so a pixel gets the same value as from the one-row loop. */
#define CAM__DW3_PAIR_LOOP(LD)                                                             \
    for (ox = 0; ox < p->ow; ox += CAM__VL) {                                              \
        const float *q0 = r0 + ox * p->sw, *q1 = q0 + W, *q2 = q1 + W, *q3 = q2 + W;       \
        cam__vf a = cam__vf_zero(), b = a, x;                                              \
        int n = p->ow - ox;                                                                \
        x = LD(q0); a = cam__vf_fma(x, w0, a);                                             \
        x = LD(q0 + d1); a = cam__vf_fma(x, w1, a);                                        \
        x = LD(q0 + d2); a = cam__vf_fma(x, w2, a);                                        \
        x = LD(q1); a = cam__vf_fma(x, w3, a); b = cam__vf_fma(x, w0, b);                  \
        x = LD(q1 + d1); a = cam__vf_fma(x, w4, a); b = cam__vf_fma(x, w1, b);             \
        x = LD(q1 + d2); a = cam__vf_fma(x, w5, a); b = cam__vf_fma(x, w2, b);             \
        x = LD(q2); a = cam__vf_fma(x, w6, a); b = cam__vf_fma(x, w3, b);                  \
        x = LD(q2 + d1); a = cam__vf_fma(x, w7, a); b = cam__vf_fma(x, w4, b);             \
        x = LD(q2 + d2); a = cam__vf_fma(x, w8, a); b = cam__vf_fma(x, w5, b);             \
        x = LD(q3); b = cam__vf_fma(x, w6, b);                                             \
        x = LD(q3 + d1); b = cam__vf_fma(x, w7, b);                                        \
        x = LD(q3 + d2); b = cam__vf_fma(x, w8, b);                                        \
        cam__dw_put(oa + ox, ra ? ra + ox : NULL, a, vb, hb, n);                           \
        cam__dw_put(oa + p->ow + ox, ra ? ra + p->ow + ox : NULL, b, vb, hb, n);           \
    }
/* 3x3, one output row (rows dh*W apart). */
#define CAM__DW3_ROW_LOOP(LD)                                                              \
    for (ox = 0; ox < p->ow; ox += CAM__VL) {                                              \
        const float *q0 = r0 + ox * p->sw, *q1 = q0 + dW, *q2 = q1 + dW;                   \
        cam__vf a = cam__vf_zero();                                                        \
        a = cam__vf_fma(LD(q0), w0, a);                                                    \
        a = cam__vf_fma(LD(q0 + d1), w1, a);                                               \
        a = cam__vf_fma(LD(q0 + d2), w2, a);                                               \
        a = cam__vf_fma(LD(q1), w3, a);                                                    \
        a = cam__vf_fma(LD(q1 + d1), w4, a);                                               \
        a = cam__vf_fma(LD(q1 + d2), w5, a);                                               \
        a = cam__vf_fma(LD(q2), w6, a);                                                    \
        a = cam__vf_fma(LD(q2 + d1), w7, a);                                               \
        a = cam__vf_fma(LD(q2 + d2), w8, a);                                               \
        cam__dw_put(oa + ox, ra ? ra + ox : NULL, a, vb, hb, p->ow - ox);                  \
    }

/* Depthwise conv (group == channels), bandwidth-bound. Per channel: copy the
   plane into the padded scratch, then CAM__VL output pixels at a time, all
   kh*kw taps in (ky, kx) order (padding taps add x*0), + bias, + res, then
   the activation over the channel. 3x3 keeps its 9 weights in registers and
   does two output rows per pass when it can. Stride 1 or 2 with any kernel
   and dilation; other strides, or planes larger than the scratch, take the
   direct path. */
CAM__KFN void CAM__SFX(cam__dwconv)(const cam__dwconv_params *p, int c0, int c1)
{
    float scratch[CAM__PLANE_SCRATCH];
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int H, W, c, oy, ox, ky, kx, s2 = p->sw == 2, k3 = p->kh == 3 && p->kw == 3, hb = p->bias != NULL;
    if (!cam__plane_dims(p->ih, p->iw, p->oh, p->ow, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw, p->pt, p->pl, &H, &W)) {
        CAM__SFX(cam__dwconv_direct)(p, c0, c1);
        return;
    }
    cam__plane_borders(scratch, p->ih, p->iw, p->pt, p->pl, H, W, 0.0f);
    for (c = c0; c < c1; ++c) {
        const float *wc = p->w + (size_t)c * p->kh * p->kw;
        float *oc = p->out + (size_t)c * ohw;
        const float *rc = p->res ? p->res + (size_t)c * ohw : NULL;
        cam__vf vb = cam__vf_set1(hb ? p->bias[c] : 0.0f);
        int y0 = 0;
        cam__plane_copy(scratch, p->in + (size_t)c * ihw, p->ih, p->iw, p->pt, p->pl, W);
        if (k3) {
            const cam__vf w0 = cam__vf_set1(wc[0]), w1 = cam__vf_set1(wc[1]), w2 = cam__vf_set1(wc[2]);
            const cam__vf w3 = cam__vf_set1(wc[3]), w4 = cam__vf_set1(wc[4]), w5 = cam__vf_set1(wc[5]);
            const cam__vf w6 = cam__vf_set1(wc[6]), w7 = cam__vf_set1(wc[7]), w8 = cam__vf_set1(wc[8]);
            int d1 = p->dw, d2 = 2 * p->dw, dW = p->dh * W, pair = p->sh == 1 && p->dh == 1;
            for (oy = 0; oy < p->oh; oy += 1 + (pair && oy + 1 < p->oh)) {
                const float *r0 = scratch + (size_t)oy * p->sh * W;
                float *oa = oc + (size_t)oy * p->ow;
                const float *ra = rc ? rc + (size_t)oy * p->ow : NULL;
                if (pair && oy + 1 < p->oh) {
                    if (s2) CAM__DW3_PAIR_LOOP(cam__vf_loadu_s2)
                    else CAM__DW3_PAIR_LOOP(cam__vf_loadu)
                } else {
                    if (s2) CAM__DW3_ROW_LOOP(cam__vf_loadu_s2)
                    else CAM__DW3_ROW_LOOP(cam__vf_loadu)
                }
            }
        } else if (p->sh == 1 && p->dh == 1 && !s2 && p->oh > 1) {
            /* any kernel, two output rows per pass as for 3x3: two FMA chains
               and kh+1 input rows loaded once (the chains are long: 25 FMAs
               for 5x5) */
            for (oy = 0; oy + 1 < p->oh; oy += 2) {
                const float *rb = scratch + (size_t)oy * W;
                float *oa = oc + (size_t)oy * p->ow;
                const float *ra = rc ? rc + (size_t)oy * p->ow : NULL;
                for (ox = 0; ox < p->ow; ox += CAM__VL) {
                    cam__vf a = cam__vf_zero(), b = a;
                    for (ky = 0; ky <= p->kh; ++ky) {
                        const float *r = rb + (size_t)ky * W + ox;
                        const float *wa = wc + ky * p->kw, *wb = wc + (ky - 1) * p->kw;
                        if (ky == 0)
                            for (kx = 0; kx < p->kw; ++kx)
                                a = cam__vf_fma(cam__vf_loadu(r + kx * p->dw), cam__vf_set1(wa[kx]), a);
                        else if (ky == p->kh)
                            for (kx = 0; kx < p->kw; ++kx)
                                b = cam__vf_fma(cam__vf_loadu(r + kx * p->dw), cam__vf_set1(wb[kx]), b);
                        else
                            for (kx = 0; kx < p->kw; ++kx) {
                                cam__vf x = cam__vf_loadu(r + kx * p->dw);
                                a = cam__vf_fma(x, cam__vf_set1(wa[kx]), a);
                                b = cam__vf_fma(x, cam__vf_set1(wb[kx]), b);
                            }
                    }
                    cam__dw_put(oa + ox, ra ? ra + ox : NULL, a, vb, hb, p->ow - ox);
                    cam__dw_put(oa + p->ow + ox, ra ? ra + p->ow + ox : NULL, b, vb, hb, p->ow - ox);
                }
            }
            y0 = oy; /* an odd last row is left to the one-row loop */
        }
        if (!k3) {
            for (oy = y0; oy < p->oh; ++oy) {
                const float *rb = scratch + (size_t)oy * p->sh * W;
                float *oa = oc + (size_t)oy * p->ow;
                const float *ra = rc ? rc + (size_t)oy * p->ow : NULL;
                for (ox = 0; ox < p->ow; ox += CAM__VL) {
                    const float *ib = rb + ox * p->sw;
                    cam__vf acc = cam__vf_zero();
                    for (ky = 0; ky < p->kh; ++ky) {
                        const float *r = ib + (size_t)ky * p->dh * W, *wr = wc + ky * p->kw;
                        if (s2)
                            for (kx = 0; kx < p->kw; ++kx)
                                acc = cam__vf_fma(cam__vf_loadu_s2(r + kx * p->dw), cam__vf_set1(wr[kx]), acc);
                        else if (p->kw == 5) {
                            int d = p->dw;
                            acc = cam__vf_fma(cam__vf_loadu(r), cam__vf_set1(wr[0]), acc);
                            acc = cam__vf_fma(cam__vf_loadu(r + d), cam__vf_set1(wr[1]), acc);
                            acc = cam__vf_fma(cam__vf_loadu(r + 2 * d), cam__vf_set1(wr[2]), acc);
                            acc = cam__vf_fma(cam__vf_loadu(r + 3 * d), cam__vf_set1(wr[3]), acc);
                            acc = cam__vf_fma(cam__vf_loadu(r + 4 * d), cam__vf_set1(wr[4]), acc);
                        } else
                            for (kx = 0; kx < p->kw; ++kx)
                                acc = cam__vf_fma(cam__vf_loadu(r + kx * p->dw), cam__vf_set1(wr[kx]), acc);
                    }
                    cam__dw_put(oa + ox, ra ? ra + ox : NULL, acc, vb, hb, p->ow - ox);
                }
            }
        }
        if (p->act.kind != CAM__ACT_NONE) CAM__SFX(cam__vec_act)(oc, oc, ohw, &p->act);
    }
}
#undef CAM__DW3_PAIR_LOOP
#undef CAM__DW3_ROW_LOOP

/* Pooling (ONNX MaxPool / AveragePool). Per channel: copy into the padded
   scratch (border -inf for max, 0 for average), then CAM__VL outputs at a
   time over all taps in (ky, kx) order. Average divides by (row taps) *
   (column taps), each counted as real or padded taps per count_include_pad
   (ceil_mode overrun never counts). The padding values never change a
   result (max with -inf, + 0), so outputs equal the reference on finite
   inputs; max pooling mends the rest (cam__maxpool_mend: windows with no
   real tap, channels with a NaN), so it equals the reference on any input. */
CAM__KFN void CAM__SFX(cam__pool2d)(const cam__pool_params *p, int c0, int c1)
{
    float scratch[CAM__PLANE_SCRATCH];
    float xdiv[CAM__POOL_MAX_COLS + CAM__VL], ydiv[CAM__POOL_MAX_COLS];
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int H, W, c, oy, ox, ky, kx, s2 = p->sw == 2, all_real, nonfinite = 0;
    int k33 = p->kh == 3 && p->kw == 3 && p->dh == 1 && p->dw == 1;
    if (p->ow > CAM__POOL_MAX_COLS || p->oh > CAM__POOL_MAX_COLS ||
        !cam__plane_dims(p->ih, p->iw, p->oh, p->ow, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw, p->pt, p->pl, &H, &W)) {
        CAM__SFX(cam__pool2d_direct)(p, c0, c1);
        return;
    }
    cam__plane_borders(scratch, p->ih, p->iw, p->pt, p->pl, H, W, p->is_max ? -HUGE_VALF : 0.0f);
    all_real = !p->is_max || cam__pool_all_real(p);
    if (!p->is_max) {
        for (ox = 0; ox < p->ow + CAM__VL; ++ox) {
            int n = ox < p->ow ? cam__pool_count(ox * p->sw - p->pl, p->kw, p->dw, p->iw, p->pl, p->pr,
                                                 p->count_include_pad) : 1;
            xdiv[ox] = (float)(n > 0 ? n : 1);
        }
        for (oy = 0; oy < p->oh; ++oy) {
            int n = cam__pool_count(oy * p->sh - p->pt, p->kh, p->dh, p->ih, p->pt, p->pb, p->count_include_pad);
            ydiv[oy] = (float)(n > 0 ? n : 1);
        }
    }
    for (c = c0; c < c1; ++c) {
        if (p->is_max)
            nonfinite = cam__plane_copy_chk(scratch, p->in + (size_t)c * ihw, p->ih, p->iw, p->pt, p->pl, W);
        else
            cam__plane_copy(scratch, p->in + (size_t)c * ihw, p->ih, p->iw, p->pt, p->pl, W);
        for (oy = 0; oy < p->oh; ++oy) {
            const float *rb = scratch + (size_t)oy * p->sh * W;
            float *orow = p->out + (size_t)c * ohw + (size_t)oy * p->ow;
            cam__vf vy = cam__vf_set1(p->is_max ? 1.0f : ydiv[oy]);
            /* one loop per (load, combine) pair so that neither is a branch per
               tap; two vectors at a time give two independent max/add chains */
#define CAM__POOL_ROW(LD, OP)                                                      \
    {                                                                              \
    for (ox = 0; ox + 2 * CAM__VL <= p->ow; ox += 2 * CAM__VL) {                   \
        const float *ib = rb + ox * p->sw, *ib2 = ib + CAM__VL * p->sw;            \
        cam__vf acc = LD(ib), acc2 = LD(ib2);                                      \
        for (ky = 0; ky < p->kh; ++ky) {                                           \
            size_t ro = (size_t)ky * p->dh * W;                                    \
            for (kx = ky == 0; kx < p->kw; ++kx) {                                 \
                acc = OP(acc, LD(ib + ro + kx * p->dw));                           \
                acc2 = OP(acc2, LD(ib2 + ro + kx * p->dw));                        \
            }                                                                      \
        }                                                                          \
        if (!p->is_max) {                                                          \
            acc = cam__vf_div(acc, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox)));    \
            acc2 = cam__vf_div(acc2, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox + CAM__VL))); \
        }                                                                          \
        cam__vf_storeu(orow + ox, acc);                                            \
        cam__vf_storeu(orow + ox + CAM__VL, acc2);                                 \
    }                                                                              \
    for (; ox < p->ow; ox += CAM__VL) {                                            \
        const float *ib;                                                           \
        int n = p->ow - ox;                                                        \
        if (n < CAM__VL && p->ow >= CAM__VL) /* overlap: same values again */      \
            ox = p->ow - CAM__VL, n = CAM__VL;                                     \
        ib = rb + ox * p->sw;                                                      \
        cam__vf acc = LD(ib);                                                      \
        for (ky = 0; ky < p->kh; ++ky) {                                           \
            const float *r = ib + (size_t)ky * p->dh * W;                          \
            for (kx = ky == 0; kx < p->kw; ++kx) acc = OP(acc, LD(r + kx * p->dw)); \
        }                                                                          \
        if (!p->is_max) acc = cam__vf_div(acc, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox))); \
        if (n >= CAM__VL) cam__vf_storeu(orow + ox, acc);                          \
        else cam__vf_store_n(orow + ox, acc, n);                                   \
    }                                                                              \
    }
/* 3x3, no dilation: the same taps in the same (ky, kx) order, unrolled
   (the generic loop costs more than the loads on small maps, e.g. the
   3x3/s1 pools of GoogLeNet's 14x14 inception blocks) */
#define CAM__POOL_TAPS3(LD, OP, ib, acc)                                           \
    {                                                                              \
        const float *q0 = (ib), *q1 = q0 + W, *q2 = q1 + W;                        \
        acc = LD(q0);                                                              \
        acc = OP(acc, LD(q0 + 1)); acc = OP(acc, LD(q0 + 2));                      \
        acc = OP(acc, LD(q1)); acc = OP(acc, LD(q1 + 1)); acc = OP(acc, LD(q1 + 2)); \
        acc = OP(acc, LD(q2)); acc = OP(acc, LD(q2 + 1)); acc = OP(acc, LD(q2 + 2)); \
    }
#define CAM__POOL_ROW3(LD, OP)                                                      \
    {                                                                              \
    for (ox = 0; ox + 2 * CAM__VL <= p->ow; ox += 2 * CAM__VL) {                   \
        const float *ib = rb + ox * p->sw, *ib2 = ib + CAM__VL * p->sw;            \
        cam__vf acc, acc2;                                                         \
        CAM__POOL_TAPS3(LD, OP, ib, acc) CAM__POOL_TAPS3(LD, OP, ib2, acc2)        \
        if (!p->is_max) {                                                          \
            acc = cam__vf_div(acc, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox)));    \
            acc2 = cam__vf_div(acc2, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox + CAM__VL))); \
        }                                                                          \
        cam__vf_storeu(orow + ox, acc);                                            \
        cam__vf_storeu(orow + ox + CAM__VL, acc2);                                 \
    }                                                                              \
    for (; ox < p->ow; ox += CAM__VL) {                                            \
        const float *ib;                                                           \
        int n = p->ow - ox;                                                        \
        if (n < CAM__VL && p->ow >= CAM__VL) /* overlap: same values again */      \
            ox = p->ow - CAM__VL, n = CAM__VL;                                     \
        ib = rb + ox * p->sw;                                                      \
        cam__vf acc;                                                               \
        CAM__POOL_TAPS3(LD, OP, ib, acc)                                           \
        if (!p->is_max) acc = cam__vf_div(acc, cam__vf_mul(vy, cam__vf_loadu(xdiv + ox))); \
        if (n >= CAM__VL) cam__vf_storeu(orow + ox, acc);                          \
        else cam__vf_store_n(orow + ox, acc, n);                                   \
    }                                                                              \
    }
            if (k33 && p->is_max) {
                if (s2) CAM__POOL_ROW3(cam__vf_loadu_s2, cam__vf_max)
                else CAM__POOL_ROW3(cam__vf_loadu, cam__vf_max)
            } else if (k33) {
                if (s2) CAM__POOL_ROW3(cam__vf_loadu_s2, cam__vf_add)
                else CAM__POOL_ROW3(cam__vf_loadu, cam__vf_add)
            } else if (p->is_max) {
                if (s2) CAM__POOL_ROW(cam__vf_loadu_s2, cam__vf_max)
                else CAM__POOL_ROW(cam__vf_loadu, cam__vf_max)
            } else {
                if (s2) CAM__POOL_ROW(cam__vf_loadu_s2, cam__vf_add)
                else CAM__POOL_ROW(cam__vf_loadu, cam__vf_add)
            }
#undef CAM__POOL_ROW
#undef CAM__POOL_ROW3
#undef CAM__POOL_TAPS3
        }
        if (p->is_max)
            cam__maxpool_mend(p, p->in + (size_t)c * ihw, p->out + (size_t)c * ohw, nonfinite, all_real);
    }
}

/* >>kernel-gemm */

/* GEMV/GEMM for FC layers at small M: each C element is one chain of vector
   FMAs over k (CAM__VL lanes), a fixed horizontal sum, the scalar k tail,
   bias, activation. Tiles (4 rows x 2 columns, 2 x 4, 1 x 4) only
   interleave independent chains, so results do not depend on [n0,n1) or M.
   Each B row is streamed once per 4 A rows (then pairs, then one). */
CAM__INLINE float cam__gemm_fin(cam__vf acc, const float *a, const float *b, int kv, int k,
                                const float *bias, int j, const cam__act_params *act)
{
    float s = cam__vf_hsum(acc);
    int t;
    for (t = kv; t < k; ++t) s += a[t] * b[t];
    if (bias) s += bias[j];
    return cam__act1(s, act);
}

CAM__KFN void CAM__SFX(cam__gemm_nt)(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                                     const float *bias, float *c, int ldc, const cam__act_params *act,
                                     int n0, int n1)
{
    int kv = k - k % CAM__VL, i = 0, j, t;
    (void)n;
    /* 4 rows x 2 columns: each B row streams once per 4 A rows (batch 4) */
    for (; i + 4 <= m; i += 4) {
        const float *a0 = a + (size_t)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        float *c0 = c + (size_t)i * ldc;
        for (j = n0; j < n1; j += 2) {
            const float *b0 = b + (size_t)j * ldb, *b1 = j + 1 < n1 ? b0 + ldb : b0;
            cam__vf s00 = cam__vf_zero(), s01 = s00, s10 = s00, s11 = s00;
            cam__vf s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            int r;
            for (t = 0; t < kv; t += CAM__VL) {
                cam__vf w0 = cam__vf_loadu(b0 + t), w1 = cam__vf_loadu(b1 + t), x;
                x = cam__vf_loadu(a0 + t); s00 = cam__vf_fma(x, w0, s00); s01 = cam__vf_fma(x, w1, s01);
                x = cam__vf_loadu(a1 + t); s10 = cam__vf_fma(x, w0, s10); s11 = cam__vf_fma(x, w1, s11);
                x = cam__vf_loadu(a2 + t); s20 = cam__vf_fma(x, w0, s20); s21 = cam__vf_fma(x, w1, s21);
                x = cam__vf_loadu(a3 + t); s30 = cam__vf_fma(x, w0, s30); s31 = cam__vf_fma(x, w1, s31);
            }
            for (r = 0; r < 4; ++r) {
                const float *ar = a0 + (size_t)r * lda;
                cam__vf u0 = r == 0 ? s00 : r == 1 ? s10 : r == 2 ? s20 : s30;
                cam__vf u1 = r == 0 ? s01 : r == 1 ? s11 : r == 2 ? s21 : s31;
                c0[(size_t)r * ldc + j] = cam__gemm_fin(u0, ar, b0, kv, k, bias, j, act);
                if (j + 1 < n1) c0[(size_t)r * ldc + j + 1] = cam__gemm_fin(u1, ar, b1, kv, k, bias, j + 1, act);
            }
        }
    }
    for (; i < m; i += 2) {
        const float *a0 = a + (size_t)i * lda, *a1 = i + 1 < m ? a0 + lda : a0;
        float *c0 = c + (size_t)i * ldc, *c1 = c0 + ldc;
        int two = i + 1 < m;
        for (j = n0; j + 4 <= n1; j += 4) {
            const float *b0 = b + (size_t)j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            cam__vf s00 = cam__vf_zero(), s01 = s00, s02 = s00, s03 = s00;
            cam__vf s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            if (two) {
                for (t = 0; t < kv; t += CAM__VL) {
                    cam__vf x0 = cam__vf_loadu(a0 + t), x1 = cam__vf_loadu(a1 + t), w;
                    w = cam__vf_loadu(b0 + t); s00 = cam__vf_fma(x0, w, s00); s10 = cam__vf_fma(x1, w, s10);
                    w = cam__vf_loadu(b1 + t); s01 = cam__vf_fma(x0, w, s01); s11 = cam__vf_fma(x1, w, s11);
                    w = cam__vf_loadu(b2 + t); s02 = cam__vf_fma(x0, w, s02); s12 = cam__vf_fma(x1, w, s12);
                    w = cam__vf_loadu(b3 + t); s03 = cam__vf_fma(x0, w, s03); s13 = cam__vf_fma(x1, w, s13);
                }
                c1[j] = cam__gemm_fin(s10, a1, b0, kv, k, bias, j, act);
                c1[j + 1] = cam__gemm_fin(s11, a1, b1, kv, k, bias, j + 1, act);
                c1[j + 2] = cam__gemm_fin(s12, a1, b2, kv, k, bias, j + 2, act);
                c1[j + 3] = cam__gemm_fin(s13, a1, b3, kv, k, bias, j + 3, act);
            } else {
                for (t = 0; t < kv; t += CAM__VL) {
                    cam__vf x0 = cam__vf_loadu(a0 + t);
                    s00 = cam__vf_fma(x0, cam__vf_loadu(b0 + t), s00);
                    s01 = cam__vf_fma(x0, cam__vf_loadu(b1 + t), s01);
                    s02 = cam__vf_fma(x0, cam__vf_loadu(b2 + t), s02);
                    s03 = cam__vf_fma(x0, cam__vf_loadu(b3 + t), s03);
                }
            }
            c0[j] = cam__gemm_fin(s00, a0, b0, kv, k, bias, j, act);
            c0[j + 1] = cam__gemm_fin(s01, a0, b1, kv, k, bias, j + 1, act);
            c0[j + 2] = cam__gemm_fin(s02, a0, b2, kv, k, bias, j + 2, act);
            c0[j + 3] = cam__gemm_fin(s03, a0, b3, kv, k, bias, j + 3, act);
        }
        for (; j < n1; ++j) {
            const float *b0 = b + (size_t)j * ldb;
            cam__vf s00 = cam__vf_zero(), s10 = s00;
            for (t = 0; t < kv; t += CAM__VL) {
                cam__vf w = cam__vf_loadu(b0 + t);
                s00 = cam__vf_fma(cam__vf_loadu(a0 + t), w, s00);
                if (two) s10 = cam__vf_fma(cam__vf_loadu(a1 + t), w, s10);
            }
            c0[j] = cam__gemm_fin(s00, a0, b0, kv, k, bias, j, act);
            if (two) c1[j] = cam__gemm_fin(s10, a1, b0, kv, k, bias, j, act);
        }
    }
}
#endif /* CAM__VL */

/* >>kernel-conv
   Dense direct convolution, im2col-free. A tile is CAM__CONV_PX_TILE (6)
   output pixels x 16 output channels, held in registers (12 ymm on AVX2, 24 q
   on NEON) while the kernel reduces over every input channel and tap in
   (ic, ky, kx) order: per step 16 packed weights are loaded and each pixel's
   input value is broadcast. Pixels address the input through their own
   offsets (oy*sh*iw + ox*sw), so a tile may run across row ends and any
   stride or dilation works. Tails: a tile with fewer pixels repeats the last
   pixel's address and stores only the valid ones; the last channel block
   computes all 16 lanes (packed weights are zero there) and stores only the
   valid rows; on AVX2 the driver also uses 5-pixel tiles so that ranges of
   20 pixels or more need no partial tile. Each output element is therefore
   one fixed chain of FMAs starting from 0, then + bias, + res, act, whatever
   [oc0,oc1) and [px0,px1) are. Pixels are walked in chunks of CAM__CONV_PX_CHUNK so that the input
   rows of a chunk stay in cache while every channel block passes over them. */
#ifndef CAM__CONV_PX_CHUNK
#define CAM__CONV_PX_CHUNK 96
#endif
/* 1x1 convs with fewer input channels (or channel counts that leave a
   partial 16-channel block) use the 4 x 24 pixel-vector tile (AVX2); with
   more, the 6 x 16 tile is as fast and keeps its input chunk in L1. */
#ifndef CAM__CONV1X1_MAX_IC
#define CAM__CONV1X1_MAX_IC 256
#endif
/* The same bound for the AVX-512 build, on maps of fewer than
   CAM__CONV512_1X1_MIN_PX pixels: from 128 input channels the 12 x 32 tile
   wins there in a network (its weight groups and prefetches: resnet50's
   7x7 1x1 convs stream 1-4 MB of cold weights, 0.25 ms each at 2 threads
   against 0.37 on the pixel tile). On larger maps the 8-channel pixel tile
   (cam__conv_vtile8_avx512) beats it for any input count (bench_kernels, 2
   threads: resnet50 128->512 at 28x28 0.494 -> 0.423 ms, 64->256 at 56x56
   0.497 -> 0.425; in resnet50 at 2 threads each conv3 of layer1/layer2 gains
   0.03-0.06 ms). */
#ifndef CAM__CONV512_1X1_MAX_IC
#define CAM__CONV512_1X1_MAX_IC 128
#endif
#ifndef CAM__CONV512_1X1_MIN_PX
#define CAM__CONV512_1X1_MIN_PX 512
#endif

#if defined(CAM__SIMD_AVX2)
/* r[j] lane i <- r[i] lane j */
CAM__INLINE void cam__tr8_avx2(__m256 *r)
{
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* cam__gpool_avx512's scheme with 8 planes per vector (8 x 8 blocks, two
   channel blocks at a time): bit-identical to cam__gpool_ref. */
CAM__INLINE void cam__gpool_block8(const float *x, size_t hw, int nch, size_t e0, int m, __m256 *r)
{
    int j;
    for (j = 0; j < 8; ++j)
        r[j] = j >= nch ? _mm256_setzero_ps()
                        : m == 8 ? _mm256_loadu_ps(x + (size_t)j * hw + e0)
                                 : _mm256_maskload_ps(x + (size_t)j * hw + e0, cam__mask8(m));
    cam__tr8_avx2(r);
}

CAM__KFN void cam__gpool_avx2(const float *x, float *y, size_t hw, int is_max, int c0, int c1)
{
    const __m256 n = _mm256_set1_ps((float)hw);
    __m256 ra[8], rb[8];
    int c, j;
    size_t e0;
    for (c = c0; c < c1; c += 16) {
        const int na = c1 - c < 8 ? c1 - c : 8, nb = c1 - c - na < 8 ? c1 - c - na : 8;
        const float *xa = x + (size_t)c * hw, *xb = xa + 8 * hw;
        __m256 aa = _mm256_setzero_ps(), ab = aa;
        for (e0 = 0; e0 < hw; e0 += 8) {
            const int m = hw - e0 < 8 ? (int)(hw - e0) : 8;
            cam__gpool_block8(xa, hw, na, e0, m, ra);
            cam__gpool_block8(xb, hw, nb, e0, m, rb);
            j = 0;
            if (is_max && e0 == 0) aa = ra[0], ab = rb[0], j = 1;
            for (; j < m; ++j)
                if (is_max) aa = _mm256_max_ps(aa, ra[j]), ab = _mm256_max_ps(ab, rb[j]);
                else aa = _mm256_add_ps(aa, ra[j]), ab = _mm256_add_ps(ab, rb[j]);
        }
        if (!is_max) aa = _mm256_div_ps(aa, n), ab = _mm256_div_ps(ab, n);
        _mm256_maskstore_ps(y + c, cam__mask8(na), aa);
        if (nb) _mm256_maskstore_ps(y + c + 8, cam__mask8(nb), ab);
    }
}

/* Epilogue for 8 channels: transpose pixel-major accumulators into channel
   rows of (up to) 6 contiguous output pixels, then masked loads/stores. */
CAM__INLINE void cam__conv_epi8_avx2(const cam__conv_params *p, __m256 *r, int o, int nrows, size_t ohw,
                                     int px, __m256i mask, int full /* 6, 5 or 0: masked */)
{
    int j;
    cam__tr8_avx2(r);
    if (full == 5) {
        /* 5 pixels: 4 + 1 plain moves */
        for (j = 0; j < nrows; ++j) {
            size_t at = (size_t)(o + j) * ohw + px;
            __m256 v = r[j];
            if (p->bias) v = _mm256_add_ps(v, _mm256_set1_ps(p->bias[o + j]));
            if (p->res) {
                __m128 a = _mm_loadu_ps(p->res + at), b = _mm_load_ss(p->res + at + 4);
                v = _mm256_add_ps(v, _mm256_insertf128_ps(_mm256_castps128_ps256(a), b, 1));
            }
            v = cam__vf_act(v, &p->act);
            _mm_storeu_ps(p->out + at, _mm256_castps256_ps128(v));
            _mm_store_ss(p->out + at + 4, _mm256_extractf128_ps(v, 1));
        }
        return;
    }
    if (full) {
        /* 6 pixels: 4 + 2 plain moves (masked stores are slow on AMD) */
        for (j = 0; j < nrows; ++j) {
            size_t at = (size_t)(o + j) * ohw + px;
            __m256 v = r[j];
            __m128 lo;
            if (p->bias) v = _mm256_add_ps(v, _mm256_set1_ps(p->bias[o + j]));
            if (p->res) {
                __m128 a = _mm_loadu_ps(p->res + at);
                double d2; /* 2 floats, 4-byte aligned: memcpy, not a double load */
                __m128 b;
                memcpy(&d2, p->res + at + 4, sizeof d2);
                b = _mm_castpd_ps(_mm_set_sd(d2));
                v = _mm256_add_ps(v, _mm256_insertf128_ps(_mm256_castps128_ps256(a), b, 1));
            }
            v = cam__vf_act(v, &p->act);
            lo = _mm256_castps256_ps128(v);
            _mm_storeu_ps(p->out + at, lo);
            {
                double d2 = _mm_cvtsd_f64(_mm_castps_pd(_mm256_extractf128_ps(v, 1)));
                memcpy(p->out + at + 4, &d2, sizeof d2);
            }
        }
        return;
    }
    for (j = 0; j < nrows; ++j) {
        size_t at = (size_t)(o + j) * ohw + px;
        __m256 v = r[j];
        if (p->bias) v = _mm256_add_ps(v, _mm256_set1_ps(p->bias[o + j]));
        if (p->res) v = _mm256_add_ps(v, _mm256_maskload_ps(p->res + at, mask));
        _mm256_maskstore_ps(p->out + at, mask, cam__vf_act(v, &p->act));
    }
}

#define CAM__CONV_STEP_AVX2(q)                                                   \
    do {                                                                         \
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8), x;          \
        x = _mm256_broadcast_ss(i0 + (q));                                       \
        a0 = _mm256_fmadd_ps(x, w0, a0); a1 = _mm256_fmadd_ps(x, w1, a1);        \
        x = _mm256_broadcast_ss(i1 + (q));                                       \
        a2 = _mm256_fmadd_ps(x, w0, a2); a3 = _mm256_fmadd_ps(x, w1, a3);        \
        x = _mm256_broadcast_ss(i2 + (q));                                       \
        a4 = _mm256_fmadd_ps(x, w0, a4); a5 = _mm256_fmadd_ps(x, w1, a5);        \
        x = _mm256_broadcast_ss(i3 + (q));                                       \
        a6 = _mm256_fmadd_ps(x, w0, a6); a7 = _mm256_fmadd_ps(x, w1, a7);        \
        x = _mm256_broadcast_ss(i4 + (q));                                       \
        a8 = _mm256_fmadd_ps(x, w0, a8); a9 = _mm256_fmadd_ps(x, w1, a9);        \
        x = _mm256_broadcast_ss(i5 + (q));                                       \
        a10 = _mm256_fmadd_ps(x, w0, a10); a11 = _mm256_fmadd_ps(x, w1, a11);    \
        w += CAM__CONV_OC_BLOCK;                                                 \
    } while (0)

/* One 6 px x 16 oc tile. ip: the 6 pixels' input addresses; toff: tap offsets. */
CAM__INLINE void cam__conv_tile_avx2(const cam__conv_params *p, const float *wp, const float *const *ip,
                                     const int *toff, int ntaps, size_t ihw, int o, int nrows,
                                     size_t ohw, int px, int npx)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256 a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    const float *i0 = ip[0], *i1 = ip[1], *i2 = ip[2], *i3 = ip[3], *i4 = ip[4], *i5 = ip[5];
    const float *w = wp;
    __m256 r[8];
    __m256i mask = cam__mask8(npx);
    int c, t;
    if (ntaps == 1) {
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw) CAM__CONV_STEP_AVX2(q);
    } else if (ntaps == 9) {
        const size_t t0 = (size_t)toff[0], t1 = (size_t)toff[1], t2 = (size_t)toff[2];
        const size_t t3 = (size_t)toff[3], t4 = (size_t)toff[4], t5 = (size_t)toff[5];
        const size_t t6 = (size_t)toff[6], t7 = (size_t)toff[7], t8 = (size_t)toff[8];
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw) {
            CAM__CONV_STEP_AVX2(q + t0); CAM__CONV_STEP_AVX2(q + t1); CAM__CONV_STEP_AVX2(q + t2);
            CAM__CONV_STEP_AVX2(q + t3); CAM__CONV_STEP_AVX2(q + t4); CAM__CONV_STEP_AVX2(q + t5);
            CAM__CONV_STEP_AVX2(q + t6); CAM__CONV_STEP_AVX2(q + t7); CAM__CONV_STEP_AVX2(q + t8);
        }
    } else {
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw)
            for (t = 0; t < ntaps; ++t) CAM__CONV_STEP_AVX2(q + (size_t)toff[t]);
    }
    r[0] = a0; r[1] = a2; r[2] = a4; r[3] = a6; r[4] = a8; r[5] = a10;
    r[6] = r[7] = _mm256_setzero_ps();
    cam__conv_epi8_avx2(p, r, o, nrows < 8 ? nrows : 8, ohw, px, mask, npx == CAM__CONV_PX_TILE);
    if (nrows > 8) {
        r[0] = a1; r[1] = a3; r[2] = a5; r[3] = a7; r[4] = a9; r[5] = a11;
        r[6] = r[7] = _mm256_setzero_ps();
        cam__conv_epi8_avx2(p, r, o + 8, nrows - 8, ohw, px, mask, npx == CAM__CONV_PX_TILE);
    }
}
#undef CAM__CONV_STEP_AVX2

/* 5 px x 16 oc (10 accumulators, still enough chains for 2 FMA pipes x 4
   cycles): the driver mixes it with 6-pixel tiles so that a range of L >= 20
   pixels needs no partial tile (49 = 4*6 + 5*5 on 7x7 maps). Per pixel the
   operations are those of the 6-pixel tile. */
#define CAM__CONV_STEP5_AVX2(q)                                                  \
    do {                                                                         \
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8), x;          \
        x = _mm256_broadcast_ss(i0 + (q));                                       \
        a0 = _mm256_fmadd_ps(x, w0, a0); a1 = _mm256_fmadd_ps(x, w1, a1);        \
        x = _mm256_broadcast_ss(i1 + (q));                                       \
        a2 = _mm256_fmadd_ps(x, w0, a2); a3 = _mm256_fmadd_ps(x, w1, a3);        \
        x = _mm256_broadcast_ss(i2 + (q));                                       \
        a4 = _mm256_fmadd_ps(x, w0, a4); a5 = _mm256_fmadd_ps(x, w1, a5);        \
        x = _mm256_broadcast_ss(i3 + (q));                                       \
        a6 = _mm256_fmadd_ps(x, w0, a6); a7 = _mm256_fmadd_ps(x, w1, a7);        \
        x = _mm256_broadcast_ss(i4 + (q));                                       \
        a8 = _mm256_fmadd_ps(x, w0, a8); a9 = _mm256_fmadd_ps(x, w1, a9);        \
        w += CAM__CONV_OC_BLOCK;                                                 \
    } while (0)

CAM__INLINE void cam__conv_tile5_avx2(const cam__conv_params *p, const float *wp, const float *const *ip,
                                      const int *toff, int ntaps, size_t ihw, int o, int nrows, size_t ohw,
                                      int px)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    __m256 a8 = a0, a9 = a0;
    const float *i0 = ip[0], *i1 = ip[1], *i2 = ip[2], *i3 = ip[3], *i4 = ip[4];
    const float *w = wp;
    __m256 r[8];
    __m256i mask = cam__mask8(5);
    int c, t;
    if (ntaps == 1) {
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw) CAM__CONV_STEP5_AVX2(q);
    } else if (ntaps == 9) {
        const size_t t0 = (size_t)toff[0], t1 = (size_t)toff[1], t2 = (size_t)toff[2];
        const size_t t3 = (size_t)toff[3], t4 = (size_t)toff[4], t5 = (size_t)toff[5];
        const size_t t6 = (size_t)toff[6], t7 = (size_t)toff[7], t8 = (size_t)toff[8];
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw) {
            CAM__CONV_STEP5_AVX2(q + t0); CAM__CONV_STEP5_AVX2(q + t1); CAM__CONV_STEP5_AVX2(q + t2);
            CAM__CONV_STEP5_AVX2(q + t3); CAM__CONV_STEP5_AVX2(q + t4); CAM__CONV_STEP5_AVX2(q + t5);
            CAM__CONV_STEP5_AVX2(q + t6); CAM__CONV_STEP5_AVX2(q + t7); CAM__CONV_STEP5_AVX2(q + t8);
        }
    } else {
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw)
            for (t = 0; t < ntaps; ++t) CAM__CONV_STEP5_AVX2(q + (size_t)toff[t]);
    }
    r[0] = a0; r[1] = a2; r[2] = a4; r[3] = a6; r[4] = a8;
    r[5] = r[6] = r[7] = _mm256_setzero_ps();
    cam__conv_epi8_avx2(p, r, o, nrows < 8 ? nrows : 8, ohw, px, mask, 5);
    if (nrows > 8) {
        r[0] = a1; r[1] = a3; r[2] = a5; r[3] = a7; r[4] = a9;
        r[5] = r[6] = r[7] = _mm256_setzero_ps();
        cam__conv_epi8_avx2(p, r, o + 8, nrows - 8, ohw, px, mask, 5);
    }
}
#undef CAM__CONV_STEP5_AVX2
#define CAM__CONV_HAS_TILE5 1

/* 1x1 stride-1 convs on unpadded input (ih == oh, iw == ow) read pixels
   contiguously, so they also have a pixel-vector tile: 4 channels x 24
   pixels (3 ymm of 8 pixels per channel = 12 accumulators); per input
   channel 3 loads, 4 weight broadcasts, 12 FMAs, and the channel rows store
   straight to NCHW without a transpose. With few input channels (MobileNet's
   16-64) the 6x16 tile spends as long in its epilogue as in its FMAs, and
   channel counts such as 24 fill 4-channel steps exactly. Per output element
   the operations are those of the 6x16 tile (same FMA chain over ic from 0,
   then + bias, + res, act), so ranges may mix both tiles bit-identically. */
#define CAM__CONV1X1_PX 24
CAM__INLINE void cam__conv1x1_tile_avx2(const cam__conv_params *p, const float *wp, const float *in, size_t ihw,
                                        int o, int nrows, size_t ohw, int px)
{
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    __m256 r[12];
    int c, j;
    for (c = 0; c < p->ic; ++c, in += ihw, wp += CAM__CONV_OC_BLOCK) {
        __m256 x0 = _mm256_loadu_ps(in), x1 = _mm256_loadu_ps(in + 8), x2 = _mm256_loadu_ps(in + 16), w;
        w = _mm256_broadcast_ss(wp);
        a00 = _mm256_fmadd_ps(x0, w, a00); a01 = _mm256_fmadd_ps(x1, w, a01); a02 = _mm256_fmadd_ps(x2, w, a02);
        w = _mm256_broadcast_ss(wp + 1);
        a10 = _mm256_fmadd_ps(x0, w, a10); a11 = _mm256_fmadd_ps(x1, w, a11); a12 = _mm256_fmadd_ps(x2, w, a12);
        w = _mm256_broadcast_ss(wp + 2);
        a20 = _mm256_fmadd_ps(x0, w, a20); a21 = _mm256_fmadd_ps(x1, w, a21); a22 = _mm256_fmadd_ps(x2, w, a22);
        w = _mm256_broadcast_ss(wp + 3);
        a30 = _mm256_fmadd_ps(x0, w, a30); a31 = _mm256_fmadd_ps(x1, w, a31); a32 = _mm256_fmadd_ps(x2, w, a32);
    }
    r[0] = a00, r[1] = a01, r[2] = a02, r[3] = a10, r[4] = a11, r[5] = a12;
    r[6] = a20, r[7] = a21, r[8] = a22, r[9] = a30, r[10] = a31, r[11] = a32;
    for (j = 0; j < nrows; ++j) {
        size_t at = (size_t)(o + j) * ohw + px;
        int v;
        for (v = 0; v < 3; ++v) {
            __m256 y = r[3 * j + v];
            if (p->bias) y = _mm256_add_ps(y, _mm256_set1_ps(p->bias[o + j]));
            if (p->res) y = _mm256_add_ps(y, _mm256_loadu_ps(p->res + at + 8 * v));
            _mm256_storeu_ps(p->out + at + 8 * v, cam__vf_act(y, &p->act));
        }
    }
}

/* Pixels [px0, returned) of a 1x1 stride-1 unpadded conv in 24-pixel tiles;
   the caller does the rest with the general tiles. */
CAM__KFN int cam__conv1x1_avx2(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow, block = (size_t)p->ic * CAM__CONV_OC_BLOCK;
    int end = px0 + (px1 - px0) / CAM__CONV1X1_PX * CAM__CONV1X1_PX, pc, o, j, px;
    /* leave the general tiles 0 or >= 20 pixels: they then need no partial tile */
    if (px1 - end > 0 && px1 - end < 20 && end > px0) end -= CAM__CONV1X1_PX;
    for (pc = px0; pc < end; pc += 4 * CAM__CONV1X1_PX) {
        int pe = end - pc < 4 * CAM__CONV1X1_PX ? end : pc + 4 * CAM__CONV1X1_PX;
        for (o = oc0; o < oc1; o += CAM__CONV_OC_BLOCK) {
            const float *wb = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            for (j = 0; j < CAM__CONV_OC_BLOCK && o + j < oc1; j += 4) {
                int nrows = oc1 - (o + j) < 4 ? oc1 - (o + j) : 4;
                for (px = pc; px < pe; px += CAM__CONV1X1_PX)
                    cam__conv1x1_tile_avx2(p, wb + j, p->in + px, ihw, o + j, nrows, ohw, px);
            }
        }
    }
    return end;
}
#define CAM__CONV_HAS_1X1 1

/* Convs with few multiply-adds per output (K = ic*kh*kw <= 64: the 3-channel
   3x3/s2 first layers of MobileNet and SqueezeNet) spend as long in the 6x16
   tile's transposing epilogue as in its FMAs. Stride 1 or 2 along x lets a
   tile take 24 consecutive pixels of one output row as 3 vectors instead:
   4 channels x 24 pixels, per (ic, tap) step 3 (strided) loads, 4 weight
   broadcasts, 12 FMAs, no transpose. Same per-element FMA chain as the 6x16
   tile; row pieces shorter than a tile go to the general tiles. */
#ifndef CAM__CONV_ROW_MAX_K
#define CAM__CONV_ROW_MAX_K 64
#endif
#define CAM__CONV_ROW_TILE(LD)                                                           \
    for (c = 0; c < p->ic; ++c, ib += ihw)                                               \
        for (t = 0; t < ntaps; ++t, wp += CAM__CONV_OC_BLOCK) {                          \
            const float *q = ib + toff[t];                                               \
            __m256 x0 = LD(q), x1 = LD(q + 8 * s), x2 = LD(q + 16 * s), w;                \
            w = _mm256_broadcast_ss(wp);                                                 \
            a00 = _mm256_fmadd_ps(x0, w, a00); a01 = _mm256_fmadd_ps(x1, w, a01);        \
            a02 = _mm256_fmadd_ps(x2, w, a02);                                           \
            w = _mm256_broadcast_ss(wp + 1);                                             \
            a10 = _mm256_fmadd_ps(x0, w, a10); a11 = _mm256_fmadd_ps(x1, w, a11);        \
            a12 = _mm256_fmadd_ps(x2, w, a12);                                           \
            w = _mm256_broadcast_ss(wp + 2);                                             \
            a20 = _mm256_fmadd_ps(x0, w, a20); a21 = _mm256_fmadd_ps(x1, w, a21);        \
            a22 = _mm256_fmadd_ps(x2, w, a22);                                           \
            w = _mm256_broadcast_ss(wp + 3);                                             \
            a30 = _mm256_fmadd_ps(x0, w, a30); a31 = _mm256_fmadd_ps(x1, w, a31);        \
            a32 = _mm256_fmadd_ps(x2, w, a32);                                           \
        }

/* ib: input of the tile's first pixel (oy*sh*iw + ox*sw); wp: block + j. */
CAM__INLINE void cam__conv_row_tile_avx2(const cam__conv_params *p, const float *wp, const float *ib,
                                         const int *toff, int ntaps, size_t ihw, int o, int nrows, size_t ohw,
                                         int px)
{
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    __m256 r[12];
    int c, t, j, s = p->sw;
    if (s == 2) {
        CAM__CONV_ROW_TILE(cam__vf_loadu_s2)
    } else {
        CAM__CONV_ROW_TILE(_mm256_loadu_ps)
    }
    r[0] = a00, r[1] = a01, r[2] = a02, r[3] = a10, r[4] = a11, r[5] = a12;
    r[6] = a20, r[7] = a21, r[8] = a22, r[9] = a30, r[10] = a31, r[11] = a32;
    for (j = 0; j < nrows; ++j) {
        size_t at = (size_t)(o + j) * ohw + px;
        int v;
        for (v = 0; v < 3; ++v) {
            __m256 y = r[3 * j + v];
            if (p->bias) y = _mm256_add_ps(y, _mm256_set1_ps(p->bias[o + j]));
            if (p->res) y = _mm256_add_ps(y, _mm256_loadu_ps(p->res + at + 8 * v));
            _mm256_storeu_ps(p->out + at + 8 * v, cam__vf_act(y, &p->act));
        }
    }
}
#undef CAM__CONV_ROW_TILE

CAM__KFN void cam__conv_tiles_avx2(const cam__conv_params *p, int oc0, int oc1, int px0, int px1,
                                   const int *toff, int ntaps);

/* [px0, px1) row by row: 24-pixel row tiles, the rest of each row (kept at
   0 or a length the 6/5-pixel tiles cover exactly when possible) in general
   tiles. */
CAM__KFN void cam__conv_rows_avx2(const cam__conv_params *p, int oc0, int oc1, int px0, int px1,
                                  const int *toff, int ntaps)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    size_t block = (size_t)p->ic * ntaps * CAM__CONV_OC_BLOCK;
    int a = px0;
    while (a < px1) {
        int oy = a / p->ow, ox0 = a % p->ow, e = (oy + 1) * p->ow < px1 ? (oy + 1) * p->ow : px1;
        int n = (e - a) / CAM__CONV1X1_PX * CAM__CONV1X1_PX, rem = e - a - n, o, j, x;
        /* lengths the general tiles fill exactly: 5, 6, 10-12, 15-18, >= 20 */
        int exact = rem == 0 || rem == 5 || rem == 6 || (rem >= 10 && rem <= 12) || (rem >= 15 && rem <= 18) ||
                    rem >= 20;
        if (!exact && n > 0) n -= CAM__CONV1X1_PX;
        for (o = oc0; o < oc1 && n > 0; o += CAM__CONV_OC_BLOCK) {
            const float *wb = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            for (j = 0; j < CAM__CONV_OC_BLOCK && o + j < oc1; j += 4) {
                int nrows = oc1 - (o + j) < 4 ? oc1 - (o + j) : 4;
                for (x = 0; x < n; x += CAM__CONV1X1_PX)
                    cam__conv_row_tile_avx2(p, wb + j, p->in + (size_t)oy * p->sh * p->iw + (size_t)(ox0 + x) * p->sw,
                                            toff, ntaps, ihw, o + j, nrows, ohw, a + x);
            }
        }
        if (a + n < e) cam__conv_tiles_avx2(p, oc0, oc1, a + n, e, toff, ntaps);
        a = e;
    }
}
#endif /* CAM__SIMD_AVX2 */

#if defined(CAM__SIMD_NEON)
/* 6 px x 16 oc = 24 q accumulators + 4 weight registers of the 32; named
   variables (not an array) so that the compiler keeps them in registers. */
#define CAM__CONV_PX_NEON(k, x)                                                  \
    do {                                                                         \
        float xs = (x);                                                          \
        c##k##0 = vfmaq_n_f32(c##k##0, w0, xs);                                  \
        c##k##1 = vfmaq_n_f32(c##k##1, w1, xs);                                  \
        c##k##2 = vfmaq_n_f32(c##k##2, w2, xs);                                  \
        c##k##3 = vfmaq_n_f32(c##k##3, w3, xs);                                  \
    } while (0)
#define CAM__CONV_STEP_NEON(q)                                                   \
    do {                                                                         \
        float32x4_t w0 = vld1q_f32(w), w1 = vld1q_f32(w + 4);                    \
        float32x4_t w2 = vld1q_f32(w + 8), w3 = vld1q_f32(w + 12);               \
        CAM__CONV_PX_NEON(0, i0[q]);                                             \
        CAM__CONV_PX_NEON(1, i1[q]);                                             \
        CAM__CONV_PX_NEON(2, i2[q]);                                             \
        CAM__CONV_PX_NEON(3, i3[q]);                                             \
        CAM__CONV_PX_NEON(4, i4[q]);                                             \
        CAM__CONV_PX_NEON(5, i5[q]);                                             \
        w += CAM__CONV_OC_BLOCK;                                                 \
    } while (0)

CAM__INLINE void cam__conv_tile_neon(const cam__conv_params *p, const float *wp, const float *const *ip,
                                     const int *toff, int ntaps, size_t ihw, int o, int nrows,
                                     size_t ohw, int px, int npx)
{
    float32x4_t c00 = vdupq_n_f32(0.0f), c01 = c00, c02 = c00, c03 = c00;
    float32x4_t c10 = c00, c11 = c00, c12 = c00, c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    float32x4_t c30 = c00, c31 = c00, c32 = c00, c33 = c00, c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    float32x4_t c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    const float *i0 = ip[0], *i1 = ip[1], *i2 = ip[2], *i3 = ip[3], *i4 = ip[4], *i5 = ip[5];
    float buf[CAM__CONV_PX_TILE][CAM__CONV_OC_BLOCK];
    const float *w = wp;
    int c, t, k, j;
    if (ntaps == 1) {
        size_t q = 0;
        for (c = 0; c < p->ic; ++c, q += ihw) CAM__CONV_STEP_NEON(q);
    } else {
        size_t cq = 0;
        for (c = 0; c < p->ic; ++c, cq += ihw)
            for (t = 0; t < ntaps; ++t) {
                size_t q = cq + (size_t)toff[t];
                CAM__CONV_STEP_NEON(q);
            }
    }
    vst1q_f32(&buf[0][0], c00), vst1q_f32(&buf[0][4], c01), vst1q_f32(&buf[0][8], c02), vst1q_f32(&buf[0][12], c03);
    vst1q_f32(&buf[1][0], c10), vst1q_f32(&buf[1][4], c11), vst1q_f32(&buf[1][8], c12), vst1q_f32(&buf[1][12], c13);
    vst1q_f32(&buf[2][0], c20), vst1q_f32(&buf[2][4], c21), vst1q_f32(&buf[2][8], c22), vst1q_f32(&buf[2][12], c23);
    vst1q_f32(&buf[3][0], c30), vst1q_f32(&buf[3][4], c31), vst1q_f32(&buf[3][8], c32), vst1q_f32(&buf[3][12], c33);
    vst1q_f32(&buf[4][0], c40), vst1q_f32(&buf[4][4], c41), vst1q_f32(&buf[4][8], c42), vst1q_f32(&buf[4][12], c43);
    vst1q_f32(&buf[5][0], c50), vst1q_f32(&buf[5][4], c51), vst1q_f32(&buf[5][8], c52), vst1q_f32(&buf[5][12], c53);
    for (j = 0; j < nrows; ++j) {
        float row[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t at = (size_t)(o + j) * ohw + px;
        for (k = 0; k < npx; ++k) row[k] = buf[k][j];
        for (k = 0; k < npx; k += 4) {
            int n = npx - k < 4 ? npx - k : 4;
            float32x4_t v = vld1q_f32(row + k);
            if (p->bias) v = vaddq_f32(v, vdupq_n_f32(p->bias[o + j]));
            if (p->res) v = vaddq_f32(v, cam__vf_load_n(p->res + at + k, n));
            cam__vf_store_n(p->out + at + k, cam__vf_act(v, &p->act), n);
        }
    }
}
#undef CAM__CONV_STEP_NEON
#undef CAM__CONV_PX_NEON
#endif /* CAM__SIMD_NEON */

#if defined(CAM__VL)
/* Pixels [px0, px1) in 6- and 5-pixel tiles (the general path). */
CAM__KFN void CAM__SFX(cam__conv_tiles)(const cam__conv_params *p, int oc0, int oc1, int px0, int px1,
                                        const int *toff, int ntaps)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    size_t block = (size_t)p->ic * ntaps * CAM__CONV_OC_BLOCK;
    int o, pc, px, k;
    for (pc = px0; pc < px1; pc += CAM__CONV_PX_CHUNK) {
        int pe = px1 - pc < CAM__CONV_PX_CHUNK ? px1 : pc + CAM__CONV_PX_CHUNK;
        /* tiles of the chunk: 6-pixel tiles, the last n5 of them 5 pixels
           wide where that avoids a partial tile (chunk lengths >= 20) */
        int ntiles = (pe - pc + CAM__CONV_PX_TILE - 1) / CAM__CONV_PX_TILE;
        int n5 = ntiles * CAM__CONV_PX_TILE - (pe - pc);
#if !defined(CAM__CONV_HAS_TILE5)
        n5 = 0;
#endif
        if (n5 > ntiles) n5 = 0;
        for (o = oc0; o < oc1; o += CAM__CONV_OC_BLOCK) {
            const float *wp = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            int nrows = oc1 - o < CAM__CONV_OC_BLOCK ? oc1 - o : CAM__CONV_OC_BLOCK;
            int tile = 0, width;
            for (px = pc; px < pe; px += width, ++tile) {
                const float *ip[CAM__CONV_PX_TILE];
                int npx, oy = px / p->ow, ox = px % p->ow;
                width = tile >= ntiles - n5 ? CAM__CONV_PX_TILE - 1 : CAM__CONV_PX_TILE;
                npx = pe - px < width ? pe - px : width;
                for (k = 0; k < CAM__CONV_PX_TILE; ++k) {
                    if (k >= npx) {
                        ip[k] = ip[k - 1];
                        continue;
                    }
                    ip[k] = p->in + (size_t)oy * p->sh * p->iw + (size_t)ox * p->sw;
                    if (++ox == p->ow) ox = 0, ++oy;
                }
#if defined(CAM__CONV_HAS_TILE5)
                if (width == CAM__CONV_PX_TILE - 1) {
                    cam__conv_tile5_avx2(p, wp, ip, toff, ntaps, ihw, o, nrows, ohw, px);
                    continue;
                }
#endif
                CAM__SFX(cam__conv_tile)(p, wp, ip, toff, ntaps, ihw, o, nrows, ohw, px, npx);
            }
        }
    }
}

CAM__KFN void CAM__SFX(cam__conv)(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    int toff[CAM__CONV_MAX_TAPS];
    int ntaps = p->kh * p->kw, ky, kx;
    if (ntaps > CAM__CONV_MAX_TAPS) {
        cam__conv_ref(p, oc0, oc1, px0, px1);
        return;
    }
    for (ky = 0; ky < p->kh; ++ky)
        for (kx = 0; kx < p->kw; ++kx) toff[ky * p->kw + kx] = ky * p->dh * p->iw + kx * p->dw;
#if defined(CAM__CONV_HAS_1X1)
    if (ntaps == 1 && p->sh == 1 && p->sw == 1 && p->ih == p->oh && p->iw == p->ow &&
        (p->ic < CAM__CONV1X1_MAX_IC || p->oc % CAM__CONV_OC_BLOCK != 0))
        px0 = cam__conv1x1_avx2(p, oc0, oc1, px0, px1);
    else if (p->ic * ntaps <= CAM__CONV_ROW_MAX_K && (p->sw == 1 || p->sw == 2)) {
        cam__conv_rows_avx2(p, oc0, oc1, px0, px1, toff, ntaps);
        return;
    }
#endif
    CAM__SFX(cam__conv_tiles)(p, oc0, oc1, px0, px1, toff, ntaps);
}
#endif


#if defined(CAM__SIMD_AVX512)
#if defined(__GNUC__) && !defined(__clang__)
/* g++ 12 warns inside its own _mm512_undefined_ps() (a self-initialised
   variable) wherever unpack/shuffle intrinsics are inlined. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/* >>kernel-conv-avx512
   AVX-512 dense conv: the same packed weights (16-channel blocks, one zmm per
   block and tap) and the same per-element FMA chain as the AVX2 tiles, so the
   1x1 and row tiles of the AVX2 code (still used here for 1x1 convs with few
   input channels and for ic*kh*kw <= 64) mix with these bit-identically.
   A tile is N output pixels (1..12) x 32 channels (two blocks: 2N zmm
   accumulators, 24 at N = 12) or x 16 (the last block of an odd count); per
   (ic, tap) step 2 weight loads, N broadcasts, 2N FMAs. N is a compile-time
   constant in each specialisation, so the accumulators are named registers.
   A pixel chunk of L pixels is cut into ceil(L/12) tiles of nearly equal
   width (49 = 4 x 10 + 9), so no tile is mostly empty. Epilogue: a 16 x 16
   transpose puts each channel's N pixels into one zmm; + bias, + res, act
   (RELU/NONE in zmm, other kinds through the AVX2 cam__vf_act on both
   halves, so every activation equals the AVX2 build's), masked store.
   Prefetches (no effect on results): the first two tiles of a block pair
   pull the next pair's weights into L2, and on maps of >= 1024 pixels each
   tile touches its output lines before its FMAs (cold outputs). */

/* r[j] lane i <- r[i] lane j (16 x 16) */
CAM__INLINE void cam__tr16_avx512(__m512 *r)
{
    __m512 t[16];
    int i;
    for (i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    /* per 128-bit lane k, u[4g + m] holds column 4k + m of rows 4g..4g+3 */
    for (i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (i = 0; i < 4; ++i) {
        /* column m = i: lanes of r[m] (rows 0-3), r[4+m], r[8+m], r[12+m] */
        __m512 a = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);     /* cols m, 8+m of rows 0-7 */
        __m512 b = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xDD);     /* cols 4+m, 12+m */
        __m512 c = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88); /* rows 8-15 */
        __m512 d = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xDD);
        t[i] = _mm512_shuffle_f32x4(a, c, 0x88);
        t[8 + i] = _mm512_shuffle_f32x4(a, c, 0xDD);
        t[4 + i] = _mm512_shuffle_f32x4(b, d, 0x88);
        t[12 + i] = _mm512_shuffle_f32x4(b, d, 0xDD);
    }
    for (i = 0; i < 16; ++i) r[i] = t[i];
}

CAM__INLINE __m512 cam__act512(__m512 v, const cam__act_params *a)
{
    __m256 lo, hi;
    if (a->kind == CAM__ACT_NONE) return v;
    if (a->kind == CAM__ACT_RELU) return _mm512_max_ps(v, _mm512_setzero_ps());
    lo = cam__vf_act(_mm512_castps512_ps256(v), a);
    hi = cam__vf_act(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)), a);
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
}

/* Channels [o, o + nrows) of one 16-channel block; r[k]: pixel k's accumulator. */
CAM__INLINE void cam__conv_epi16_avx512(const cam__conv_params *p, __m512 *r, int o, int nrows, size_t ohw,
                                        int px, __mmask16 m)
{
    const size_t ob = cam__out_px(p, px), ops = cam__out_plane(p, ohw);
    int j;
    cam__tr16_avx512(r);
    for (j = 0; j < nrows; ++j) {
        size_t at = (size_t)(o + j) * ohw + px;
        __m512 v = r[j];
        if (p->bias) v = _mm512_add_ps(v, _mm512_set1_ps(p->bias[o + j]));
        if (p->res) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, p->res + at));
        _mm512_mask_storeu_ps(p->out + (size_t)(o + j) * ops + ob, m, cam__act512(v, &p->act));
    }
}

#define CAM__C512_PX(k)                                                          \
    if (N > k) {                                                                 \
        __m512 x = _mm512_set1_ps(i##k[q]);                                      \
        a##k = _mm512_fmadd_ps(x, w0, a##k);                                     \
        if (TWO) b##k = _mm512_fmadd_ps(x, w1, b##k);                            \
    }
#define CAM__C512_STEP(qq)                                                       \
    do {                                                                         \
        const size_t q = (qq);                                                   \
        __m512 w0 = _mm512_loadu_ps(w), w1 = w0;                                 \
        if (TWO) w1 = _mm512_loadu_ps(w + bstride);                              \
        CAM__C512_PX(0) CAM__C512_PX(1) CAM__C512_PX(2) CAM__C512_PX(3)          \
        CAM__C512_PX(4) CAM__C512_PX(5) CAM__C512_PX(6) CAM__C512_PX(7)          \
        CAM__C512_PX(8) CAM__C512_PX(9) CAM__C512_PX(10) CAM__C512_PX(11)        \
        CAM__C512_PX(12) CAM__C512_PX(13)                                        \
        _mm_prefetch((const char *)pf, _MM_HINT_T1);                             \
        w += CAM__CONV_OC_BLOCK;                                                 \
        pf += CAM__CONV_OC_BLOCK;                                                \
    } while (0)

/* What a tile prefetches into L2 while its FMAs run (no effect on results).
   w: one cache line per step from there on (ic*ntaps lines inside the packed
   weights: the next block pair's, or the tile's own where that is in L2).
   in0, in1: first and last column of this tile's part of the input row that
   the next output row adds (channel 0; channel c at + c*ihw), one line each
   per input channel; out: this tile's pixels one output row down (channel
   0; the tile adds its first channel), one line per input channel for the
   first 2*nrows channels. Where nothing is to be fetched, in0 and in1 are
   the tile's own input and out is NULL. */
typedef struct cam__c512_pf {
    const float *w, *in0, *in1, *out;
} cam__c512_pf;

/* N pixels (ip[0..N)) x 16 or 32 (TWO) channels from o; nrows valid channels
   in all (<= 32); bstride: floats between the two packed blocks. */
CAM__INLINE void cam__conv_tile_avx512(const cam__conv_params *p, const float *wp, size_t bstride,
                                       const cam__c512_pf *pfs, const float *const *ip, const int *toff, int ntaps,
                                       size_t ihw, int o, int nrows, size_t ohw, int px, const int N, const int TWO,
                                       const int ROW)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    __m512 a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
    __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
    __m512 b8 = a0, b9 = a0, b10 = a0, b11 = a0, b12 = a0, b13 = a0;
    /* ROW (1 or 2): the N pixels are consecutive in one output row of a
       conv with stride ROW along x, so pixel k reads i0 + ROW * k: one base
       register and constant displacements instead of N pointers (which
       spill: 12 pointers + 9 tap offsets + the loop state exceed the 16
       general registers) */
#define CAM__C512_IP(k) (ROW ? i0 + (N > k ? ROW * k : 0) : ip[N > k ? k : 0])
    const float *i0 = ip[0], *i1 = CAM__C512_IP(1), *i2 = CAM__C512_IP(2), *i3 = CAM__C512_IP(3);
    const float *i4 = CAM__C512_IP(4), *i5 = CAM__C512_IP(5), *i6 = CAM__C512_IP(6), *i7 = CAM__C512_IP(7);
    const float *i8 = CAM__C512_IP(8), *i9 = CAM__C512_IP(9), *i10 = CAM__C512_IP(10);
    const float *i11 = CAM__C512_IP(11), *i12 = CAM__C512_IP(12), *i13 = CAM__C512_IP(13);
#undef CAM__C512_IP
    const float *w = wp, *pf = pfs->w, *pn0 = pfs->in0, *pn1 = pfs->in1;
    const size_t ops = cam__out_plane(p, ohw);
    const float *po = pfs->out ? pfs->out + (size_t)o * ops : NULL;
    __m512 r[16];
    __mmask16 m = (__mmask16)((1u << N) - 1u);
    int c, t, npo = po ? 2 * nrows : 0;
    /* the output lines this tile stores (their first and last pixel): a
       layer's output is often cold (e.g. the first conv's 3.2 MB), and the
       loads overlap with the FMAs instead of stalling the epilogue; small
       maps (7x7: 100 KB) are warm and skip this */
    for (t = 0; t < (ohw >= 1024 ? nrows : 0); ++t) {
        const float *q = p->out + (size_t)(o + t) * ops + cam__out_px(p, px);
        _mm_prefetch((const char *)q, _MM_HINT_T0);
        _mm_prefetch((const char *)(q + N - 1), _MM_HINT_T0);
    }
    /* per input channel: its lines of the next output row's input row, and
       one of the next output row's lines (the prefetches of a large map:
       rows of 224 x 64 channels are 64 streams, too many for the hardware
       prefetcher; vgg16's 64->64 conv at 224x224, 2 threads, 8.5 -> 7.8 ms).
       Not in the 1x1 loop: one step per channel there, and resnet50's
       1x1/s2 256->512 from 56x56 ran 0.51 -> 0.60 ms with them. */
#define CAM__C512_PF_ROW()                                                                        \
    do {                                                                                          \
        _mm_prefetch((const char *)(pn0 + cq), _MM_HINT_T1);                                      \
        _mm_prefetch((const char *)(pn1 + cq), _MM_HINT_T1);                                      \
        if (c < npo) _mm_prefetch((const char *)(po + (size_t)(c >> 1) * ops + (c & 1) * (N - 1)), \
                                  _MM_HINT_T1);                                                   \
    } while (0)
    if (ntaps == 1) {
        size_t cq = 0;
        for (c = 0; c < p->ic; ++c, cq += ihw) CAM__C512_STEP(cq);
    } else if (ntaps == 9) {
        const size_t t0 = (size_t)toff[0], t1 = (size_t)toff[1], t2 = (size_t)toff[2];
        const size_t t3 = (size_t)toff[3], t4 = (size_t)toff[4], t5 = (size_t)toff[5];
        const size_t t6 = (size_t)toff[6], t7 = (size_t)toff[7], t8 = (size_t)toff[8];
        size_t cq = 0;
        for (c = 0; c < p->ic; ++c, cq += ihw) {
            CAM__C512_PF_ROW();
            CAM__C512_STEP(cq + t0); CAM__C512_STEP(cq + t1); CAM__C512_STEP(cq + t2);
            CAM__C512_STEP(cq + t3); CAM__C512_STEP(cq + t4); CAM__C512_STEP(cq + t5);
            CAM__C512_STEP(cq + t6); CAM__C512_STEP(cq + t7); CAM__C512_STEP(cq + t8);
        }
    } else {
        size_t cq = 0;
        for (c = 0; c < p->ic; ++c, cq += ihw) {
            CAM__C512_PF_ROW();
            for (t = 0; t < ntaps; ++t) CAM__C512_STEP(cq + (size_t)toff[t]);
        }
    }
#undef CAM__C512_PF_ROW
    r[0] = a0; r[1] = a1; r[2] = a2; r[3] = a3; r[4] = a4; r[5] = a5; r[6] = a6; r[7] = a7;
    r[8] = a8; r[9] = a9; r[10] = a10; r[11] = a11; r[12] = a12; r[13] = a13;
    r[14] = r[15] = _mm512_setzero_ps();
    cam__conv_epi16_avx512(p, r, o, nrows < 16 ? nrows : 16, ohw, px, m);
    if (TWO && nrows > 16) {
        r[0] = b0; r[1] = b1; r[2] = b2; r[3] = b3; r[4] = b4; r[5] = b5; r[6] = b6; r[7] = b7;
        r[8] = b8; r[9] = b9; r[10] = b10; r[11] = b11; r[12] = b12; r[13] = b13;
        r[14] = r[15] = _mm512_setzero_ps();
        cam__conv_epi16_avx512(p, r, o + 16, nrows - 16, ohw, px, m);
    }
}
#undef CAM__C512_STEP
#undef CAM__C512_PX

/* One specialisation per (N, TWO); row tiles in a function of their own
   (one function with both kinds compiled the tiles across rows 40% slower:
   gcc 12 register allocation in the huge switch). */
#define CAM__C512_CASE(N)                                                                                    \
    case N:                                                                                                  \
        if (two) cam__conv_tile_avx512(p, wp, bstride, pf, ip, toff, ntaps, ihw, o, nrows, ohw, px, N, 1, ROW); \
        else cam__conv_tile_avx512(p, wp, bstride, pf, ip, toff, ntaps, ihw, o, nrows, ohw, px, N, 0, ROW);     \
        break;
#define CAM__C512_SWITCH                                                         \
    switch (n) {                                                                 \
    CAM__C512_CASE(1) CAM__C512_CASE(2) CAM__C512_CASE(3) CAM__C512_CASE(4)      \
    CAM__C512_CASE(5) CAM__C512_CASE(6) CAM__C512_CASE(7) CAM__C512_CASE(8)      \
    CAM__C512_CASE(9) CAM__C512_CASE(10) CAM__C512_CASE(11) CAM__C512_CASE(12)   \
    CAM__C512_CASE(13) CAM__C512_CASE(14)                                        \
    default: break;                                                              \
    }
CAM__KFN void cam__conv_tile_n_avx512(const cam__conv_params *p, const float *wp, size_t bstride,
                                      const cam__c512_pf *pf, const float *const *ip, const int *toff, int ntaps, size_t ihw,
                                      int o, int nrows, size_t ohw, int px, int n, int two)
{
    const int ROW = 0;
    CAM__C512_SWITCH
}
CAM__KFN void cam__conv_rtile_n_avx512(const cam__conv_params *p, const float *wp, size_t bstride,
                                       const cam__c512_pf *pf, const float *const *ip, const int *toff, int ntaps, size_t ihw,
                                       int o, int nrows, size_t ohw, int px, int n, int two)
{
    const int ROW = 1;
    CAM__C512_SWITCH
}
/* stride-2 row tiles (3x3/s2 and 1x1/s2 downsampling convs) */
CAM__KFN void cam__conv_r2tile_n_avx512(const cam__conv_params *p, const float *wp, size_t bstride,
                                        const cam__c512_pf *pf, const float *const *ip, const int *toff, int ntaps,
                                        size_t ihw, int o, int nrows, size_t ohw, int px, int n, int two)
{
    const int ROW = 2;
    CAM__C512_SWITCH
}
#undef CAM__C512_SWITCH
#undef CAM__C512_CASE

/* Widest tile: 14 pixels in a row tile (28 accumulators, 2 weight
   vectors, 2 registers left of the 32), 12 in a tile across rows (its 14
   pixel pointers would spill more). 14 divides the widths of the
   networks' maps (224, 112, 56, 28), so a 56-pixel row is 4 tiles of 14
   instead of 5 of 11.2: the weight pair is read once per 14 pixels and
   there are 20% fewer epilogues. Against 12 for both, 2 threads,
   alternating rounds: resnet18 8.34 -> 8.19 ms, resnet50 19.17 -> 18.99,
   googlenet 7.35 -> 7.24, vgg16 76.2 -> 75.4, squeezenet 1.78 -> 1.75;
   14 for the tiles across rows as well: resnet18 8.29, resnet50 19.09. */
#ifndef CAM__CONV512_PX_TILE
#define CAM__CONV512_PX_TILE 14
#endif
#ifndef CAM__CONV512_PX_TILE_X
#define CAM__CONV512_PX_TILE_X 12
#endif
/* Pixel chunk of the zmm tiles: 8 row tiles of 14, so a 224- or 112-pixel
   row is 16 or 8 whole tiles (with chunks of 96 it was 7 + 7 + 3 and 7 + 2,
   the last ones of 10.7 and 8 pixels). vgg16 at 2 threads, per step: 64->64
   at 224x224 8.01 -> 7.79 ms, 128->128 at 112x112 7.72 -> 7.47; network
   75.7 -> 73.1 (alternating rounds); resnet18, resnet50, googlenet within
   +-1%. Narrower maps still cut chunks at row ends. */
#ifndef CAM__CONV512_PX_CHUNK
#define CAM__CONV512_PX_CHUNK (8 * CAM__CONV512_PX_TILE)
#endif
/* narrowest output row taken by the row tiles (cam__conv512_rowt) */
#ifndef CAM__CONV512_ROW_MIN
#define CAM__CONV512_ROW_MIN 14
#endif
/* weight bytes above which the zmm tiles loop over channel groups outside
   pixel chunks (L2 is 1 MB per core on Zen 4/5; half of it for the weights) */
#ifndef CAM__CONV512_WGROUP
#define CAM__CONV512_WGROUP (640u * 1024u)
#endif

/* Whether the tiles of a conv are row tiles (pixels of one output row,
   read at ROW * k from one base: see cam__conv_tile_avx512) rather than
   tiles across rows (one pointer per pixel): stride 1 or 2 along x, rows of
   >= CAM__CONV512_ROW_MIN pixels. Stride 2 (3x3/s2 and 1x1/s2 downsampling
   convs, 28 wide in resnets), resnet18 at 2T, per step: 0.273-0.279 ->
   0.267-0.268 ms (3x3/s2 64->128), 0.059-0.062 -> 0.054 (1x1/s2 + add).
   Rows of 14..23 (the 14x14 maps) became row tiles with the 14-pixel
   tile: one tile per row, 14 per block pair on a 14x14 map instead of 17
   tiles across rows (96 + 96 + 4 pixels), and no spilled pixel pointers;
   2 threads, alternating: resnet50 19.14 -> 18.84 ms, resnet18 8.19 ->
   8.09, googlenet 7.13 -> 6.93; resnet50 at 1 thread 37.3 -> 36.4.
   Row tiles on rows of 7..13 were faster alone (bench_kernels 1T, 3x3
   512->512 at 7x7 0.94-0.97 -> 0.88-0.91 ms) but slower in the network
   (resnet18's 7x7 convs at 2T 0.56-0.58 -> 0.59-0.61: 7 tiles per block
   pair instead of 5, each streaming the pair's 590 KB of weights). */
CAM__INLINE int cam__conv512_rowt(const cam__conv_params *p)
{
    return (p->sw == 1 || p->sw == 2) && p->ow >= CAM__CONV512_ROW_MIN;
}

/* Unpadded input for the row tiles (p->uh > 0): a tile whose input window
   lies inside the unpadded plane reads it in place (row pitch uw); an edge
   tile (first or last of a row, or in a row whose window leaves the plane)
   reads a copy of its window with the padding as zeros, ic x R x W floats
   (R = (kh-1)*dh+1 rows, W = npx+(kw-1)*dw columns), made once per chunk
   and reused by every block pair. Saves the engine's padding pass: vgg16's
   64-channel 224x224 conv (a 13 MB copy) 8.70 -> 8.38-8.50 ms at 2 threads,
   17.06 -> 16.09 at 1. Maps narrower than CAM__CONV512_RTU_MIN_OW keep the
   padding pass: at 24, resnet18 and googlenet ran 5% slower (2 of 5 tiles
   of a 56-wide row are edges, and an unpadded plane's stride, a multiple
   of 4 KB plus little, puts the channels' rows in few L1 sets). */
#ifndef CAM__CONV512_RTU_MIN_OW
#define CAM__CONV512_RTU_MIN_OW 96
#endif
#define CAM__CONV512_RTU_BUF 6144 /* floats per edge window (two on the stack: 48 KB) */

/* Input bytes above which row tiles prefetch a row ahead (cam__c512_pf):
   below, the input stays in L2 (1 MB per core on Zen 4/5) and the
   prefetches changed nothing (64->64 at 56x56, 128->128 at 28x28). */
#ifndef CAM__CONV512_PFROW_MIN
#define CAM__CONV512_PFROW_MIN (1u << 20)
#endif

/* The row prefetches of the row tile of pixels [px, px + npx) with weights
   prefetch pf->w already set (see cam__c512_pf): the input row the next
   output row adds (its columns under this tile) and the tile's pixels one
   output row down. Off (the tile's own input, no output) where on == 0 or
   the next output row is outside the map. */
CAM__INLINE void cam__conv512_pf_rows(const cam__conv_params *p, cam__c512_pf *pf, const float *own, int on, int px,
                                      int npx)
{
    const int unp = p->uh > 0;
    int oy, ox, pitch, rows, r, x0, x1;
    pf->in0 = pf->in1 = own;
    pf->out = NULL;
    if (!on) return; /* most tiles: no divisions for them */
    oy = px / p->ow, ox = px % p->ow;
    pitch = unp ? p->uw : p->iw, rows = unp ? p->uh : p->ih;
    r = (oy + 1) * p->sh + (p->kh - 1) * p->dh - (unp ? p->pt : 0);
    x0 = ox * p->sw - (unp ? p->pl : 0), x1 = x0 + (npx - 1) * p->sw + (p->kw - 1) * p->dw;
    if (oy + 1 >= p->oh || r < 0 || r >= rows) return;
    if (x0 < 0) x0 = 0;
    if (x1 > pitch - 1) x1 = pitch - 1;
    pf->in0 = p->in + (size_t)r * pitch + x0;
    pf->in1 = p->in + (size_t)r * pitch + x1;
    pf->out = p->out + cam__out_px(p, px + p->ow);
}

CAM__INLINE int cam__conv_rtu_rows(const cam__conv_params *p) { return (p->kh - 1) * p->dh + 1; }

/* 16 floats row[i0 .. i0 + 16), zeros outside [0, n); forms no pointer
   outside the row */
CAM__INLINE __m512 cam__pv_ld16(const float *row, int i0, int n)
{
    int lo, hi;
    if (i0 >= 0 && i0 + 16 <= n) return _mm512_loadu_ps(row + i0);
    lo = i0 < 0 ? -i0 : 0;
    hi = n - i0 < 16 ? n - i0 : 16;
    if (lo >= hi) return _mm512_setzero_ps();
    return _mm512_maskz_expandloadu_ps((__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u)), row + i0 + lo);
}

/* cam__pad_rows_ref's rows, 16 floats of a padded row per load and store
   (zeros outside the input row from cam__pv_ld16): the memset / memcpy /
   memset of the reference cost a library call per row and side, e.g.
   256 x 14 x 14 took 20.8 us at 1 thread (19 GB/s). */
CAM__KFN void cam__pad_rows_avx512(const float *in, float *out, int c, int ih, int iw, int pt, int pl, int ph, int pw,
                                   int y0, int y1)
{
    const __mmask16 tail = (__mmask16)((1u << (pw % 16)) - 1u);
    int k, y, j;
    if (pw <= 16) {
        /* a padded row in one vector (14x14, 7x7 maps): the input row's
           lanes moved up by pl (a masked load and a permute) */
        const __mmask16 m_in = (__mmask16)((1u << iw) - 1u), m_row = (__mmask16)((1u << pw) - 1u);
        const __mmask16 m_data = (__mmask16)(((1u << (pl + iw)) - 1u) & ~((1u << pl) - 1u));
        const __m512i idx = _mm512_sub_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                             _mm512_set1_epi32(pl));
        for (k = 0; k < c; ++k) {
            const float *src = in + (size_t)k * ih * iw;
            float *dst = out + (size_t)k * ph * pw;
            for (y = y0; y < y1; ++y) {
                __m512 v = _mm512_setzero_ps();
                if (y >= pt && y < pt + ih)
                    v = _mm512_maskz_permutexvar_ps(m_data, idx, _mm512_maskz_loadu_ps(m_in, src + (size_t)(y - pt) * iw));
                _mm512_mask_storeu_ps(dst + (size_t)y * pw, m_row, v);
            }
        }
        return;
    }
    for (k = 0; k < c; ++k) {
        const float *src = in + (size_t)k * ih * iw;
        float *dst = out + (size_t)k * ph * pw;
        for (y = y0; y < y1; ++y) {
            float *row = dst + (size_t)y * pw;
            const float *s = y >= pt && y < pt + ih ? src + (size_t)(y - pt) * iw : NULL;
            for (j = 0; j + 16 <= pw; j += 16)
                _mm512_storeu_ps(row + j, s ? cam__pv_ld16(s, j - pl, iw) : _mm512_setzero_ps());
            if (tail) _mm512_mask_storeu_ps(row + j, tail, s ? cam__pv_ld16(s, j - pl, iw) : _mm512_setzero_ps());
        }
    }
}

/* Rows [y0, y0 + R) x columns [x0, x0 + W) of every input channel of the
   unpadded input into d (ic x R x W), zeros outside it; 16 columns per
   masked load and store (a window is ~14 columns wide: one of each). */
static void cam__conv_rtu_window(const cam__conv_params *p, int y0, int x0, int R, int W, float *d)
{
    int c, r, j;
    for (c = 0; c < p->ic; ++c)
        for (r = 0; r < R; ++r, d += W) {
            int y = y0 + r, in = y >= 0 && y < p->uh;
            const float *row = in ? p->in + ((size_t)c * p->uh + y) * p->uw : p->in;
            for (j = 0; j < W; j += 16) {
                __mmask16 m = W - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (W - j)) - 1u);
                _mm512_mask_storeu_ps(d + j, m, in ? cam__pv_ld16(row, x0 + j, p->uw) : _mm512_setzero_ps());
            }
        }
}

/* >>kernel-winograd-avx512: cam__wino_in/out_ref on 16 tiles per vector.
   A row's 34 cells for 16 tiles come in two masked loads plus two single
   cells (the row's end reads as zero), split into even and odd columns. */
CAM__INLINE __mmask16 cam__wino_mask(int n) { return n <= 0 ? 0 : n >= 16 ? 0xFFFF : (__mmask16)((1u << n) - 1u); }

#ifndef CAM__WINO_PF
#define CAM__WINO_PF 4
#endif
CAM__KFN void cam__wino_in_avx512(const float *in, int c, int ih, int iw, int ty, int tx0, int tx1, float *v,
                                  size_t vplane, size_t vpitch)
{
    const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    int ch, a, r;
    for (ch = 0; ch < c; ++ch) {
        const float *plane = in + (size_t)ch * ih * iw;
        for (a = tx0; a < tx1; a += 16) {
            int n = tx1 - a < 16 ? tx1 - a : 16, x0 = 2 * a, nv = iw - x0;
            __mmask16 sm = cam__wino_mask(n);
            __m512 h[4][4];
            float *dst = v + (size_t)ch * vpitch + (size_t)(a - tx0);
            for (r = 0; r < 4; ++r) {
                __m512 lo, hi, e0, e1, e2, e3, t2, t3;
                int y = 2 * ty + r;
                if (y < ih) {
                    const float *row = plane + (size_t)y * iw + x0;
                    /* the cells CAM__WINO_PF channels ahead: a band's rows
                       are short runs in planes far apart, too short for
                       the hardware prefetcher (the loads stalled 1/3 of
                       the transform's time on vgg16's 64-channel convs) */
                    if (ch + CAM__WINO_PF < c) {
                        const char *nx = (const char *)(row + (size_t)CAM__WINO_PF * ih * iw);
                        _mm_prefetch(nx, _MM_HINT_T0);
                        _mm_prefetch(nx + 64, _MM_HINT_T0);
                        _mm_prefetch(nx + 128, _MM_HINT_T0);
                    }
                    lo = _mm512_maskz_loadu_ps(cam__wino_mask(nv), row);
                    hi = _mm512_maskz_loadu_ps(cam__wino_mask(nv - 16), row + 16);
                    t2 = _mm512_maskz_loadu_ps(cam__wino_mask(nv - 32), row + 32); /* cells 32, 33 */
                } else {
                    lo = hi = t2 = _mm512_setzero_ps();
                }
                e0 = _mm512_permutex2var_ps(lo, ev, hi);
                e1 = _mm512_permutex2var_ps(lo, od, hi);
                t3 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(t2), _mm512_castps_si512(t2), 1));
                e2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(t2), _mm512_castps_si512(e0), 1));
                e3 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(t3), _mm512_castps_si512(e1), 1));
                h[r][0] = _mm512_sub_ps(e0, e2);
                h[r][1] = _mm512_add_ps(e1, e2);
                h[r][2] = _mm512_sub_ps(e2, e1);
                h[r][3] = _mm512_sub_ps(e1, e3);
            }
            for (r = 0; r < 4; ++r) {
                _mm512_mask_storeu_ps(dst + (size_t)(0 + r) * vplane, sm, _mm512_sub_ps(h[0][r], h[2][r]));
                _mm512_mask_storeu_ps(dst + (size_t)(4 + r) * vplane, sm, _mm512_add_ps(h[1][r], h[2][r]));
                _mm512_mask_storeu_ps(dst + (size_t)(8 + r) * vplane, sm, _mm512_sub_ps(h[2][r], h[1][r]));
                _mm512_mask_storeu_ps(dst + (size_t)(12 + r) * vplane, sm, _mm512_sub_ps(h[1][r], h[3][r]));
            }
        }
    }
}

CAM__KFN void cam__wino_out_avx512(const float *m, size_t mplane, size_t mpitch, int nk, int ty, int tx0, int tx1,
                                   int oh, int ow, const float *bias, const float *res, float *out, int opw,
                                   size_t oplane, const cam__act_params *act)
{
    const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    int k, a, i;
    for (k = 0; k < nk; ++k) {
        const __m512 b = _mm512_set1_ps(bias ? bias[k] : 0.0f);
        for (a = tx0; a < tx1; a += 16) {
            int n = tx1 - a < 16 ? tx1 - a : 16, x0 = 2 * a, nx = ow - x0 < 2 * n ? ow - x0 : 2 * n;
            const float *src = m + (size_t)k * mpitch + (size_t)(a - tx0);
            __mmask16 lm = cam__wino_mask(n), m0 = cam__wino_mask(nx), m1 = cam__wino_mask(nx - 16);
            __m512 s[4][2], y[2][2];
            for (i = 0; i < 4; ++i) {
                __m512 q0 = _mm512_maskz_loadu_ps(lm, src + (size_t)(4 * i + 0) * mplane);
                __m512 q1 = _mm512_maskz_loadu_ps(lm, src + (size_t)(4 * i + 1) * mplane);
                __m512 q2 = _mm512_maskz_loadu_ps(lm, src + (size_t)(4 * i + 2) * mplane);
                __m512 q3 = _mm512_maskz_loadu_ps(lm, src + (size_t)(4 * i + 3) * mplane);
                s[i][0] = _mm512_add_ps(_mm512_add_ps(q0, q1), q2);
                s[i][1] = _mm512_sub_ps(_mm512_sub_ps(q1, q2), q3);
            }
            for (i = 0; i < 2; ++i) {
                y[0][i] = _mm512_add_ps(_mm512_add_ps(s[0][i], s[1][i]), s[2][i]);
                y[1][i] = _mm512_sub_ps(_mm512_sub_ps(s[1][i], s[2][i]), s[3][i]);
            }
            for (i = 0; i < 2; ++i) {
                int oy = 2 * ty + i;
                __m512 lo, hi;
                float *o;
                if (oy >= oh)
                    break;
                lo = _mm512_permutex2var_ps(y[i][0], il, y[i][1]);
                hi = _mm512_permutex2var_ps(y[i][0], ih, y[i][1]);
                if (bias) {
                    lo = _mm512_add_ps(lo, b);
                    hi = _mm512_add_ps(hi, b);
                }
                if (res) {
                    const float *rr = res + ((size_t)k * oh + oy) * ow + x0;
                    lo = _mm512_add_ps(lo, _mm512_maskz_loadu_ps(m0, rr));
                    hi = _mm512_add_ps(hi, _mm512_maskz_loadu_ps(m1, rr + 16));
                }
                lo = cam__act512(lo, act);
                hi = cam__act512(hi, act);
                o = out + (size_t)k * oplane + (size_t)oy * opw + x0;
                _mm512_mask_storeu_ps(o, m0, lo);
                _mm512_mask_storeu_ps(o + 16, m1, hi);
            }
        }
    }
}

/* cam__gpool_ref with 16 channels per vector: lane j runs channel c + j's
   chain in the reference's order (mean: 0, += each element, / hw; max:
   from the first element, acc > v ? acc : v, which is vmaxps), so the
   result is bit-identical. The elements of 16 planes come in as 16 x 16
   blocks (row loads, then a transpose: column e holds element e of every
   plane); two channel blocks at a time for two independent chains. The
   engine's scalar chain took 58 us on squeezenet's 1000 x 13 x 13 at 2
   threads (one working), gathers 26 us. */
CAM__INLINE void cam__gpool_block(const float *x, size_t hw, int nch, size_t e0, __mmask16 em, __m512 *r)
{
    int j;
    for (j = 0; j < 16; ++j) r[j] = j < nch ? _mm512_maskz_loadu_ps(em, x + (size_t)j * hw + e0) : _mm512_setzero_ps();
    cam__tr16_avx512(r);
}

CAM__KFN void cam__gpool_avx512(const float *x, float *y, size_t hw, int is_max, int c0, int c1)
{
    const __m512 n = _mm512_set1_ps((float)hw);
    __m512 ra[16], rb[16];
    int c, j;
    size_t e0;
    for (c = c0; c < c1; c += 32) {
        const int na = c1 - c < 16 ? c1 - c : 16, nb = c1 - c - na < 16 ? c1 - c - na : 16;
        const float *xa = x + (size_t)c * hw, *xb = xa + 16 * hw;
        __m512 aa = _mm512_setzero_ps(), ab = aa;
        for (e0 = 0; e0 < hw; e0 += 16) {
            const int m = hw - e0 < 16 ? (int)(hw - e0) : 16;
            const __mmask16 em = (__mmask16)(m == 16 ? 0xFFFFu : (1u << m) - 1u);
            cam__gpool_block(xa, hw, na, e0, em, ra);
            cam__gpool_block(xb, hw, nb, e0, em, rb);
            j = 0;
            if (is_max && e0 == 0) aa = ra[0], ab = rb[0], j = 1;
            for (; j < m; ++j)
                if (is_max) aa = _mm512_max_ps(aa, ra[j]), ab = _mm512_max_ps(ab, rb[j]);
                else aa = _mm512_add_ps(aa, ra[j]), ab = _mm512_add_ps(ab, rb[j]);
        }
        if (!is_max) aa = _mm512_div_ps(aa, n), ab = _mm512_div_ps(ab, n);
        _mm512_mask_storeu_ps(y + c, (__mmask16)((1u << na) - 1u), aa);
        if (nb) _mm512_mask_storeu_ps(y + c + 16, (__mmask16)((1u << nb) - 1u), ab);
    }
}

/* Pixels [px0, px1): chunks of CAM__CONV512_PX_CHUNK (with an unpadded input
   also cut at row ends), each cut into tiles of nearly equal width <= 14
   (row tiles) or <= 12 (tiles across rows);
   channel blocks in pairs. */
CAM__KFN void cam__conv_tiles_avx512(const cam__conv_params *p, int oc0, int oc1, int px0, int px1,
                                     const int *toff, int ntaps)
{
    const int unp = p->uh > 0, R = cam__conv_rtu_rows(p);
    size_t ihw = unp ? (size_t)p->uh * p->uw : (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    size_t block = (size_t)p->ic * ntaps * CAM__CONV_OC_BLOCK;
    size_t pair_bytes = 2 * block * sizeof(float);
    int o, pc, px, k, g0, g1, gstep = oc1 - oc0, pe;
    /* unpadded input: the edge windows of the chunk's first and last tile,
       made on the first block pair and reused by the others (made[]) */
    float ebuf[2][CAM__CONV512_RTU_BUF];
    int etoff[CAM__CONV_MAX_TAPS];
    int rowt = cam__conv512_rowt(p);
    /* row prefetches (cam__conv512_pf_rows) where the input is larger than
       L2; the 1x1 loop has none */
    int pfrow = rowt && ntaps > 1 && (size_t)p->ic * ihw * sizeof(float) > CAM__CONV512_PFROW_MIN;
    cam__c512_pf pf;
    /* Large weights (more than CAM__CONV512_WGROUP bytes in [oc0, oc1),
       e.g. 512->512 3x3: 9.4 MB) are walked in groups of block pairs that fit
       in L2 next to the input chunk, each group over all pixel chunks: the
       weights are read from L3/DRAM once per group instead of once per
       chunk. Only the order of the tiles changes (results are identical). */
    if ((size_t)(oc1 - oc0) * p->ic * ntaps * sizeof(float) > CAM__CONV512_WGROUP && px1 - px0 > CAM__CONV512_PX_CHUNK) {
        size_t np = CAM__CONV512_WGROUP / pair_bytes;
        gstep = (int)(np < 1 ? 1 : np) * 2 * CAM__CONV_OC_BLOCK;
    }
    for (g0 = oc0; g0 < oc1; g0 += gstep)
    for (pc = px0; pc < px1; pc = pe) {
        int len, ntiles, base, wide, made[2] = {0, 0}, rows_in = 1;
        pe = px1 - pc < CAM__CONV512_PX_CHUNK ? px1 : pc + CAM__CONV512_PX_CHUNK;
        if (rowt && !unp && pe < px1) {
            /* row tiles: the chunk ends where a row ends, and with the
               engine's parts at whole rows (cam__conv_px_grain) no row is
               cut short: a 56x56 map in 8 parts was 291 tiles (10.8
               pixels on average), now 280 (11.2). resnet18 at 2T, 3x3
               64->64 at 56x56 0.491-0.505 -> 0.484-0.497 ms, 128->128 at
               28x28 (84 tiles either way) 0.476-0.482 -> 0.466-0.473 */
            int re = pe / p->ow * p->ow;
            if (re > pc) pe = re;
        }
        if (unp) {
            int y0 = pc / p->ow * p->sh - p->pt;
            if (pe > (pc / p->ow + 1) * p->ow) pe = (pc / p->ow + 1) * p->ow;
            rows_in = y0 >= 0 && y0 + R <= p->uh;
        }
        len = pe - pc, ntiles = (len + CAM__CONV512_PX_TILE_X - 1) / CAM__CONV512_PX_TILE_X;
        base = len / ntiles, wide = len % ntiles; /* the first 'wide' tiles get base + 1 */
        g1 = oc1 - g0 < gstep ? oc1 : g0 + gstep;
        for (o = g0; o < g1; o += 2 * CAM__CONV_OC_BLOCK) {
            const float *wp = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            /* prefetch the next pair only where it is not in L2 yet: inside
               the group on the first chunk, the next group's on the last */
            int pf_next = o + 2 * CAM__CONV_OC_BLOCK < g1 ? pc == px0 : pe == px1;
            int nrows = oc1 - o < 2 * CAM__CONV_OC_BLOCK ? oc1 - o : 2 * CAM__CONV_OC_BLOCK;
            int two = nrows > CAM__CONV_OC_BLOCK, tile = 0, npx, seg_end = pc, sbase = 0, swide = 0, stile = 0;
            for (px = pc; px < pe; px += npx, ++tile) {
                const float *ip[CAM__CONV512_PX_TILE];
                const int *tof = toff;
                size_t tihw = ihw;
                int oy = px / p->ow, ox = px % p->ow;
                npx = base + (tile < wide);
                if (rowt) {
                    /* row tiles: each row's part of the chunk is cut into
                       nearly equal tiles that end at the row's end */
                    if (px == seg_end) {
                        int sl, nt;
                        seg_end = (oy + 1) * p->ow < pe ? (oy + 1) * p->ow : pe;
                        sl = seg_end - px;
                        nt = (sl + CAM__CONV512_PX_TILE - 1) / CAM__CONV512_PX_TILE;
                        sbase = sl / nt, swide = sl % nt, stile = 0;
                    }
                    npx = sbase + (stile++ < swide);
                }
                if (unp) {
                    /* row tiles: only ip[0] is read */
                    int y0 = oy * p->sh - p->pt, x0 = ox - p->pl, W = npx + (p->kw - 1) * p->dw;
                    if (rows_in && x0 >= 0 && x0 + W <= p->uw) {
                        ip[0] = p->in + (size_t)y0 * p->uw + x0;
                    } else {
                        /* edge tile: its window; the chunk's first and last
                           are kept for the next pairs, others (rows at the
                           plane's top or bottom) made each time */
                        int e = tile == 0 ? 0 : 1, keep = rows_in && (tile == 0 || px + npx == pe), ky, kx;
                        if (!keep || !made[e]) cam__conv_rtu_window(p, y0, x0, R, W, ebuf[e]);
                        made[e] = keep;
                        for (ky = 0; ky < p->kh; ++ky)
                            for (kx = 0; kx < p->kw; ++kx) etoff[ky * p->kw + kx] = ky * p->dh * W + kx * p->dw;
                        ip[0] = ebuf[e];
                        tof = etoff;
                        tihw = (size_t)R * W;
                    }
                    for (k = 1; k < npx; ++k) ip[k] = ip[0];
                } else
                    for (k = 0; k < npx; ++k) {
                        ip[k] = p->in + (size_t)oy * p->sh * p->iw + (size_t)ox * p->sw;
                        if (++ox == p->ow) ox = 0, ++oy;
                    }
                /* the first two tiles of a block pair pull the next pair's
                   weights (two blocks of ic*ntaps lines) towards L2, at one
                   line per step: the layers with the largest weights (e.g.
                   512 channels on 7x7 maps) stream them from DRAM once */
                pf.w = wp;
                if (pf_next && tile < 2 && o + (2 + tile) * CAM__CONV_OC_BLOCK < p->oc)
                    pf.w = wp + (size_t)(2 + tile) * block;
                cam__conv512_pf_rows(p, &pf, ip[0], tof == toff && pfrow, px, npx);
                if (rowt && p->sw == 2)
                    cam__conv_r2tile_n_avx512(p, wp, block, &pf, ip, tof, ntaps, tihw, o, nrows, ohw, px, npx, two);
                else if (rowt)
                    cam__conv_rtile_n_avx512(p, wp, block, &pf, ip, tof, ntaps, tihw, o, nrows, ohw, px, npx, two);
                else cam__conv_tile_n_avx512(p, wp, block, &pf, ip, toff, ntaps, ihw, o, nrows, ohw, px, npx, two);
            }
        }
    }
}

/* Pixel-vector tile, the zmm twin of the AVX2 1x1 and row tiles: 4 channels
   x 48 consecutive pixels (3 zmm each, 12 accumulators); per (ic, tap) step
   3 loads (stride s = 1 or 2 along x), 4 weight broadcasts, 12 FMAs; channel
   rows store straight to NCHW. Same per-element FMA chain as the other tiles.
   ib: input of the first pixel; wp: block + j. Stride-2 loads read q[0..30]
   only (the last lane used), as the AVX2 cam__vf_loadu_s2 reads p[0..14]. */
#define CAM__CONV512_VPX 48
CAM__INLINE __m512 cam__ld512_s(const float *q, const int s)
{
    if (s == 1) return _mm512_loadu_ps(q);
    return _mm512_permutex2var_ps(_mm512_loadu_ps(q),
                                  _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
                                  _mm512_maskz_loadu_ps((__mmask16)0x7FFF, q + 16));
}

CAM__INLINE void cam__conv_vtile_avx512(const cam__conv_params *p, const float *wp, const float *ib,
                                        const int *toff, int ntaps, size_t ihw, int o, int nrows, size_t ohw,
                                        int px, const int s)
{
    __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m512 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    __m512 r[12];
    int c, t, j;
    for (c = 0; c < p->ic; ++c, ib += ihw)
        for (t = 0; t < ntaps; ++t, wp += CAM__CONV_OC_BLOCK) {
            const float *q = ib + toff[t];
            __m512 x0 = cam__ld512_s(q, s), x1 = cam__ld512_s(q + 16 * s, s), x2 = cam__ld512_s(q + 32 * s, s), w;
            w = _mm512_set1_ps(wp[0]);
            a00 = _mm512_fmadd_ps(x0, w, a00); a01 = _mm512_fmadd_ps(x1, w, a01); a02 = _mm512_fmadd_ps(x2, w, a02);
            w = _mm512_set1_ps(wp[1]);
            a10 = _mm512_fmadd_ps(x0, w, a10); a11 = _mm512_fmadd_ps(x1, w, a11); a12 = _mm512_fmadd_ps(x2, w, a12);
            w = _mm512_set1_ps(wp[2]);
            a20 = _mm512_fmadd_ps(x0, w, a20); a21 = _mm512_fmadd_ps(x1, w, a21); a22 = _mm512_fmadd_ps(x2, w, a22);
            w = _mm512_set1_ps(wp[3]);
            a30 = _mm512_fmadd_ps(x0, w, a30); a31 = _mm512_fmadd_ps(x1, w, a31); a32 = _mm512_fmadd_ps(x2, w, a32);
        }
    r[0] = a00, r[1] = a01, r[2] = a02, r[3] = a10, r[4] = a11, r[5] = a12;
    r[6] = a20, r[7] = a21, r[8] = a22, r[9] = a30, r[10] = a31, r[11] = a32;
    for (j = 0; j < nrows; ++j) {
        size_t at = (size_t)(o + j) * ohw + px;
        int v;
        for (v = 0; v < 3; ++v) {
            __m512 y = r[3 * j + v];
            if (p->bias) y = _mm512_add_ps(y, _mm512_set1_ps(p->bias[o + j]));
            if (p->res) y = _mm512_add_ps(y, _mm512_loadu_ps(p->res + at + 16 * v));
            _mm512_storeu_ps(p->out + at + 16 * v, cam__act512(y, &p->act));
        }
    }
}

/* 16 outputs of consecutive pixels to a pitched plane (rows of >= 16
   pixels, so the vector spans at most two rows): lanes m1 at plane + at,
   the rest (the next row's first pixels) gap floats further on. */
CAM__INLINE void cam__st16_rows(float *plane, size_t at, __mmask16 m1, size_t gap, __m512 y)
{
    _mm512_mask_storeu_ps(plane + at, m1, y);
    if (m1 != (__mmask16)0xFFFF) _mm512_mask_storeu_ps(plane + at + gap, (__mmask16)~m1, y);
}

/* The same tile for 8 channels (24 accumulators, as the first conv's
   pixel-vector tile): per input channel 3 loads, 8 broadcasts, 24 FMAs, so
   half the input loads per FMA of the 4-channel tile; 1x1 stride-1 only.
   nrows <= 8. */
CAM__OWNREGS void cam__conv_vtile8_avx512(const cam__conv_params *p, const float *wp, const float *ib, size_t ihw,
                                          int o, int nrows, size_t ohw, int px)
{
    __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m512 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    __m512 a40 = a00, a41 = a00, a42 = a00, a50 = a00, a51 = a00, a52 = a00;
    __m512 a60 = a00, a61 = a00, a62 = a00, a70 = a00, a71 = a00, a72 = a00;
    const size_t ops = cam__out_plane(p, ohw), gap = p->opw ? (size_t)(p->opw - p->ow) : 0;
    size_t ob[3] = {0, 0, 0};
    __mmask16 m1[3] = {0, 0, 0};
    int c;
    for (c = 0; c < p->ic; ++c, ib += ihw, wp += CAM__CONV_OC_BLOCK) {
        __m512 x0 = _mm512_loadu_ps(ib), x1 = _mm512_loadu_ps(ib + 16), x2 = _mm512_loadu_ps(ib + 32), w;
#define CAM__VT8_CH(j)                                                                                  \
        w = _mm512_set1_ps(wp[j]);                                                                      \
        a##j##0 = _mm512_fmadd_ps(x0, w, a##j##0);                                                      \
        a##j##1 = _mm512_fmadd_ps(x1, w, a##j##1);                                                      \
        a##j##2 = _mm512_fmadd_ps(x2, w, a##j##2);
        CAM__VT8_CH(0) CAM__VT8_CH(1) CAM__VT8_CH(2) CAM__VT8_CH(3)
        CAM__VT8_CH(4) CAM__VT8_CH(5) CAM__VT8_CH(6) CAM__VT8_CH(7)
#undef CAM__VT8_CH
    }
#define CAM__VT8_ST(j)                                                                                  \
    if (nrows > j) {                                                                                    \
        size_t at = (size_t)(o + j) * ohw + px;                                                         \
        float *oj = p->out + (size_t)(o + j) * ops;                                                     \
        __m512 y0 = a##j##0, y1 = a##j##1, y2 = a##j##2;                                                \
        if (p->bias) {                                                                                  \
            const __m512 b = _mm512_set1_ps(p->bias[o + j]);                                            \
            y0 = _mm512_add_ps(y0, b), y1 = _mm512_add_ps(y1, b), y2 = _mm512_add_ps(y2, b);            \
        }                                                                                               \
        if (p->res) {                                                                                   \
            y0 = _mm512_add_ps(y0, _mm512_loadu_ps(p->res + at));                                       \
            y1 = _mm512_add_ps(y1, _mm512_loadu_ps(p->res + at + 16));                                  \
            y2 = _mm512_add_ps(y2, _mm512_loadu_ps(p->res + at + 32));                                  \
        }                                                                                               \
        if (!p->opw) {                                                                                  \
            _mm512_storeu_ps(oj + px, cam__act512(y0, &p->act));                                        \
            _mm512_storeu_ps(oj + px + 16, cam__act512(y1, &p->act));                                   \
            _mm512_storeu_ps(oj + px + 32, cam__act512(y2, &p->act));                                   \
        } else {                                                                                        \
            cam__st16_rows(oj, ob[0], m1[0], gap, cam__act512(y0, &p->act));                            \
            cam__st16_rows(oj, ob[1], m1[1], gap, cam__act512(y1, &p->act));                            \
            cam__st16_rows(oj, ob[2], m1[2], gap, cam__act512(y2, &p->act));                            \
        }                                                                                               \
    }
    if (p->opw) /* pitched output: each vector's place and lanes in its first row */
        for (c = 0; c < 3; ++c) {
            int k = p->ow - (px + 16 * c) % p->ow;
            ob[c] = cam__out_px(p, px + 16 * c);
            m1[c] = k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << k) - 1u);
        }
    CAM__VT8_ST(0) CAM__VT8_ST(1) CAM__VT8_ST(2) CAM__VT8_ST(3)
    CAM__VT8_ST(4) CAM__VT8_ST(5) CAM__VT8_ST(6) CAM__VT8_ST(7)
#undef CAM__VT8_ST
}

/* Whether cam__conv takes the 48-pixel tiles of cam__conv1x1_avx512. */
CAM__KFN int cam__conv1x1_ok(const cam__conv_params *p)
{
    return p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1 && p->ih == p->oh && p->iw == p->ow &&
           (p->ic < CAM__CONV512_1X1_MAX_IC || p->oc % CAM__CONV_OC_BLOCK != 0 ||
            p->oh * p->ow >= CAM__CONV512_1X1_MIN_PX);
}

/* Pixels [px0, returned) of a 1x1 stride-1 unpadded conv (pixels contiguous
   across rows) in 48-pixel tiles; the general tiles do the rest. */
CAM__KFN int cam__conv1x1_avx512(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow, block = (size_t)p->ic * CAM__CONV_OC_BLOCK;
    int end = px0 + (px1 - px0) / CAM__CONV512_VPX * CAM__CONV512_VPX, pc, o, j, px;
    for (pc = px0; pc < end; pc += 2 * CAM__CONV512_VPX) {
        int pe = end - pc < 2 * CAM__CONV512_VPX ? end : pc + 2 * CAM__CONV512_VPX;
        for (o = oc0; o < oc1; o += CAM__CONV_OC_BLOCK) {
            const float *wb = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            for (j = 0; j < CAM__CONV_OC_BLOCK && o + j < oc1; j += 8) {
                int nrows = oc1 - (o + j) < 8 ? oc1 - (o + j) : 8;
                for (px = pc; px < pe; px += CAM__CONV512_VPX)
                    cam__conv_vtile8_avx512(p, wb + j, p->in + px, ihw, o + j, nrows, ohw, px);
            }
        }
    }
    return end;
}

/* [px0, px1) row by row: 48-pixel row tiles, the rest of each row in
   general tiles (convs with ic*kh*kw <= CAM__CONV_ROW_MAX_K, stride 1 or 2
   along x). */
CAM__KFN void cam__conv_rows_avx512(const cam__conv_params *p, int oc0, int oc1, int px0, int px1,
                                    const int *toff, int ntaps)
{
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    size_t block = (size_t)p->ic * ntaps * CAM__CONV_OC_BLOCK;
    int a = px0;
    while (a < px1) {
        int oy = a / p->ow, ox0 = a % p->ow, e = (oy + 1) * p->ow < px1 ? (oy + 1) * p->ow : px1;
        int n = (e - a) / CAM__CONV512_VPX * CAM__CONV512_VPX, o, j, x;
        for (o = oc0; o < oc1 && n > 0; o += CAM__CONV_OC_BLOCK) {
            const float *wb = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block;
            for (j = 0; j < CAM__CONV_OC_BLOCK && o + j < oc1; j += 4) {
                int nrows = oc1 - (o + j) < 4 ? oc1 - (o + j) : 4;
                for (x = 0; x < n; x += CAM__CONV512_VPX) {
                    const float *ib = p->in + (size_t)oy * p->sh * p->iw + (size_t)(ox0 + x) * p->sw;
                    if (p->sw == 2)
                        cam__conv_vtile_avx512(p, wb + j, ib, toff, ntaps, ihw, o + j, nrows, ohw, a + x, 2);
                    else
                        cam__conv_vtile_avx512(p, wb + j, ib, toff, ntaps, ihw, o + j, nrows, ohw, a + x, 1);
                }
            }
        }
        if (a + n < e) cam__conv_tiles_avx512(p, oc0, oc1, a + n, e, toff, ntaps);
        a = e;
    }
}

/* Pixel-vector conv for few input channels (the first conv: 3 channels,
   7x7/s2 or 3x3/s1): NCHW output rows are contiguous pixels, so a tile keeps
   16 pixels in the lanes of a zmm and 8 output channels in registers: 3
   vectors x 8 channels = 24 accumulators; per (ic, ky, kx) step 3 loads, 8
   weight broadcasts, 24 FMAs (~98% of the FMA peak with L1-resident input);
   the epilogue stores each channel's vectors straight to its rows (no
   transpose). Same per-element FMA chain as the other tiles ((ic, ky, kx)
   order from zero, then + bias, + res, act), so it mixes with them
   bit-identically. Vectors sit at 16-pixel multiples of the output row
   (aligned full-line stores where the row is a multiple of 16) and are
   masked at row and range ends; a tile's 3 vectors may lie in different
   rows. Output rows go in bands: stride 2 along x, or an unpadded input
   (p->uh > 0), first copies the band's input rows into a 48 KB stack buffer,
   stride 2 split into even and odd columns (so every tap loads 16
   consecutive floats), the padding written as zeros; stride 1 on a padded
   input reads it in place. Each tile first prefetches the output lines of
   the next tile (the first conv's output, 3.2-12.8 MB, is cold: without it
   1T ran ~10% slower on a cold output). */
#ifndef CAM__CONV_PV_MAX_IC
#define CAM__CONV_PV_MAX_IC 4
#endif
#define CAM__CONV_PV_MAX_K 256
#define CAM__CONV_PV_CH 8
#ifndef CAM__CONV_PV_BUF
#define CAM__CONV_PV_BUF 12288 /* floats: 48 KB */
#endif
#define CAM__CONV_PV_NVEC 192 /* vectors per band */

/* Whether cam__conv takes the pixel-vector path for these shapes, and so
   accepts an unpadded input (p->uh > 0). Depends on the shapes only, so
   every range of one conv takes the same path. */
CAM__KFN int cam__conv_pv_ok(const cam__conv_params *p)
{
    int rows;
    if (p->ic > CAM__CONV_PV_MAX_IC || p->kh * p->kw < 2 || p->ic * p->kh * p->kw > CAM__CONV_PV_MAX_K ||
        (p->sw != 1 && p->sw != 2) || p->ow < 16 || p->ow > 16 * (CAM__CONV_PV_NVEC / 2 - 1) ||
        (size_t)p->ic * p->ih * p->iw >= ((size_t)1 << 30)) /* int tap offsets */
        return 0;
    /* a band of at least one output row fits the buffer */
    rows = (p->kh - 1) * p->dh + 1;
    return (size_t)p->ic * rows * p->iw <= CAM__CONV_PV_BUF;
}

/* 32 padded columns [x, x + 32) of a row (input columns x - sh ..) into
   d: as is, or (S2) even ones to d[x/2 ..) and odd ones to d[we + x/2 ..),
   each store masked to the row's iw columns */
CAM__INLINE void cam__pv_cols32(const float *row, int x, int sh, int n, float *d, int iw, int we, const int S2)
{
    __m512 u0 = cam__pv_ld16(row, x - sh, n), u1 = cam__pv_ld16(row, x + 16 - sh, n);
    if (S2) {
        const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        int j = x / 2, ne = we - j, no = iw - we - j;
        _mm512_mask_storeu_ps(d + j, ne >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ne) - 1u),
                              _mm512_permutex2var_ps(u0, ev, u1));
        if (no > 0)
            _mm512_mask_storeu_ps(d + we + j, no >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << no) - 1u),
                                  _mm512_permutex2var_ps(u0, od, u1));
    } else {
        int n0 = iw - x, n1 = iw - x - 16;
        _mm512_mask_storeu_ps(d + x, n0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n0) - 1u), u0);
        if (n1 > 0) _mm512_mask_storeu_ps(d + x + 16, n1 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n1) - 1u), u1);
    }
}

/* Padded input row R of channel c (columns [0, iw)) into d: as is, or (S2)
   even columns to d[0, we) and odd ones to d[we, iw). Unpadded input: rows
   and columns outside it are zeros. The columns whose 32 loads and stores
   all fall inside go through a loop without masks. */
CAM__INLINE void cam__pv_row(const cam__conv_params *p, int c, int R, float *d, int we, const int S2)
{
    const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const float *row;
    int n, sh, x, iw = p->iw, xa, xb;
    if (p->uh > 0) {
        int y = R - p->pt;
        if (y < 0 || y >= p->uh) {
            memset(d, 0, (size_t)iw * sizeof(float));
            return;
        }
        row = p->in + ((size_t)c * p->uh + y) * p->uw;
        n = p->uw, sh = p->pl;
    } else {
        row = p->in + ((size_t)c * p->ih + R) * iw;
        n = iw, sh = 0;
    }
    /* [xa, xb): multiples of 32 with x - sh >= 0, x + 32 - sh <= n and
       whole stores (S2: x/2 + 16 <= iw - we; else x + 32 <= iw) */
    xa = (sh + 31) & ~31;
    xb = n + sh - 32;
    if (S2 && 2 * (iw - we) - 32 < xb) xb = 2 * (iw - we) - 32;
    if (!S2 && iw - 32 < xb) xb = iw - 32;
    xb = xb < xa ? xa : (xb & ~31) + 32;
    for (x = 0; x < xa && x < iw; x += 32) cam__pv_cols32(row, x, sh, n, d, iw, we, S2);
    for (; x < xb; x += 32) {
        __m512 u0 = _mm512_loadu_ps(row + x - sh), u1 = _mm512_loadu_ps(row + x + 16 - sh);
        if (S2) {
            _mm512_storeu_ps(d + x / 2, _mm512_permutex2var_ps(u0, ev, u1));
            _mm512_storeu_ps(d + we + x / 2, _mm512_permutex2var_ps(u0, od, u1));
        } else {
            _mm512_storeu_ps(d + x, u0);
            _mm512_storeu_ps(d + x + 16, u1);
        }
    }
    for (; x < iw; x += 32) cam__pv_cols32(row, x, sh, n, d, iw, we, S2);
}

#define CAM__PV_CH(j)                                                            \
    w = _mm512_set1_ps(wp[j]);                                                   \
    c##j##0 = _mm512_fmadd_ps(x0, w, c##j##0);                                   \
    if (NV > 1) c##j##1 = _mm512_fmadd_ps(x1, w, c##j##1);                       \
    if (NV > 2) c##j##2 = _mm512_fmadd_ps(x2, w, c##j##2);
/* epilogue of channel j: fast path (no res, act NONE or RELU): + bias, max,
   masked store per vector; else the general per-vector path */
#define CAM__PV_ST1(j, v)                                                        \
    if (NV > v) {                                                                \
        __m512 y = c##j##v;                                                      \
        if (hasb) y = _mm512_add_ps(y, vb);                                      \
        if (relu) y = _mm512_max_ps(y, _mm512_setzero_ps());                     \
        _mm512_mask_storeu_ps(dj + opx##v, m##v, y);                             \
    }
#define CAM__PV_ST(j)                                                            \
    if (j < nrows) {                                                             \
        float *dj = p->out + (size_t)(o + j) * ohw;                              \
        if (fast) {                                                              \
            const __m512 vb = hasb ? _mm512_set1_ps(p->bias[o + j]) : _mm512_setzero_ps(); \
            CAM__PV_ST1(j, 0) CAM__PV_ST1(j, 1) CAM__PV_ST1(j, 2)                \
        } else {                                                                 \
            r[0] = c##j##0, r[1] = c##j##1, r[2] = c##j##2;                      \
            for (v = 0; v < NV; ++v) {                                           \
                size_t at = (size_t)(o + j) * ohw + (size_t)opx[v];              \
                __m512 y = r[v];                                                 \
                if (hasb) y = _mm512_add_ps(y, _mm512_set1_ps(p->bias[o + j]));  \
                if (p->res) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mk[v], p->res + at)); \
                _mm512_mask_storeu_ps(p->out + at, mk[v], cam__act512(y, &p->act)); \
            }                                                                    \
        }                                                                        \
    }

/* NV (1..3) vectors: vector v reads ib[v] + toff[t] (lanes of mk[v]) and
   stores channels [o, o + nrows) (nrows <= 8) at pixel opx[v]; wp: the
   packed block + the channel's offset in it; pf: the next tile's first
   output line of channel o (prefetched: 8 channels x 3 lines). */
CAM__INLINE void cam__conv_pvtile_avx512(const cam__conv_params *p, const float *wp, const float *const *ib,
                                         const __mmask16 *mk, const int *opx, const int *toff, int K, int o,
                                         int nrows, size_t ohw, const float *pf, const int NV)
{
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    __m512 c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    __m512 c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
    __m512 c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    const float *b0 = ib[0], *b1 = ib[NV > 1 ? 1 : 0], *b2 = ib[NV > 2 ? 2 : 0];
    const __mmask16 m0 = mk[0], m1 = mk[NV > 1 ? 1 : 0], m2 = mk[NV > 2 ? 2 : 0];
    const size_t opx0 = (size_t)opx[0], opx1 = (size_t)opx[NV > 1 ? 1 : 0], opx2 = (size_t)opx[NV > 2 ? 2 : 0];
    const int relu = p->act.kind == CAM__ACT_RELU, hasb = p->bias != NULL;
    const int fast = !p->res && (relu || p->act.kind == CAM__ACT_NONE);
    __m512 r[3];
    int t, v;
    for (t = 0; t < K; ++t, wp += CAM__CONV_OC_BLOCK) {
        const size_t q = (size_t)toff[t];
        __m512 x0, x1, x2, w;
        if (t < CAM__CONV_PV_CH) {
            const float *f = pf + (size_t)t * ohw;
            _mm_prefetch((const char *)f, _MM_HINT_T0);
            _mm_prefetch((const char *)(f + 16), _MM_HINT_T0);
            _mm_prefetch((const char *)(f + 32), _MM_HINT_T0);
        }
        x0 = _mm512_maskz_loadu_ps(m0, b0 + q);
        x1 = NV > 1 ? _mm512_maskz_loadu_ps(m1, b1 + q) : x0;
        x2 = NV > 2 ? _mm512_maskz_loadu_ps(m2, b2 + q) : x0;
        CAM__PV_CH(0) CAM__PV_CH(1) CAM__PV_CH(2) CAM__PV_CH(3)
        CAM__PV_CH(4) CAM__PV_CH(5) CAM__PV_CH(6) CAM__PV_CH(7)
    }
    CAM__PV_ST(0) CAM__PV_ST(1) CAM__PV_ST(2) CAM__PV_ST(3)
    CAM__PV_ST(4) CAM__PV_ST(5) CAM__PV_ST(6) CAM__PV_ST(7)
}
#undef CAM__PV_CH
#undef CAM__PV_ST1
#undef CAM__PV_ST

CAM__KFN void cam__conv_pvtile_n_avx512(const cam__conv_params *p, const float *wp, const float *const *ib,
                                        const __mmask16 *mk, const int *opx, const int *toff, int K, int o,
                                        int nrows, size_t ohw, const float *pf, int nv)
{
    if (nv == 3) cam__conv_pvtile_avx512(p, wp, ib, mk, opx, toff, K, o, nrows, ohw, pf, 3);
    else if (nv == 2) cam__conv_pvtile_avx512(p, wp, ib, mk, opx, toff, K, o, nrows, ohw, pf, 2);
    else cam__conv_pvtile_avx512(p, wp, ib, mk, opx, toff, K, o, nrows, ohw, pf, 1);
}

/* Channels [oc0, oc1), pixels [px0, px1) where cam__conv_pv_ok(p). Bands
   of output rows; with a buffer (stride 2 or an unpadded input) each band
   first copies its input rows into it, and its tiles prefetch the rows the
   next band adds (towards L2: the network's input is cold). Copying the
   next band during the tiles into the other half of a double buffer was
   no faster (0.90 against 0.89 ms for resnet's 7x7/s2, 1 thread). */
CAM__KFN void cam__conv_pv_avx512(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    float buf[CAM__CONV_PV_BUF];
    int toff[CAM__CONV_PV_MAX_K];
    const float *ib[CAM__CONV_PV_NVEC];
    __mmask16 mk[CAM__CONV_PV_NVEC];
    int opx[CAM__CONV_PV_NVEC];
    size_t ohw = (size_t)p->oh * p->ow, ihw = (size_t)p->ih * p->iw;
    size_t block = (size_t)p->ic * p->kh * p->kw * CAM__CONV_OC_BLOCK;
    int K = p->ic * p->kh * p->kw, s2 = p->sw == 2, usebuf = s2 || p->uh > 0, we = (p->iw + 1) / 2;
    int span = (p->kh - 1) * p->dh + 1, band, rows = 0, c, ky, kx, oy, oy1;
    int pf_lpr = 1, pf_nr = 1, pf_n = 0, pf_l = 0, pf_r = 0, pf_c = p->ic, pf_step = 0;
    size_t pf_cstep = 0;
    const float *pf_row = p->in;
    /* output rows per band: their vectors in the lists, their input rows
       (all channels) in buf */
    band = CAM__CONV_PV_NVEC / ((p->ow + 15) / 16 + 1); /* +1: a range may start mid-vector */
    if (usebuf) {
        int fit = ((int)(CAM__CONV_PV_BUF / ((size_t)p->ic * p->iw)) - span) / p->sh + 1;
        if (fit < band) band = fit;
        rows = (band - 1) * p->sh + span;
    }
    for (c = 0; c < p->ic; ++c)
        for (ky = 0; ky < p->kh; ++ky)
            for (kx = 0; kx < p->kw; ++kx) {
                int t = (c * p->kh + ky) * p->kw + kx, dx = kx * p->dw;
                if (!usebuf) toff[t] = (int)(c * ihw) + ky * p->dh * p->iw + dx;
                else toff[t] = (c * rows + ky * p->dh) * p->iw + (s2 ? (dx & 1) * we + (dx >> 1) : dx);
            }
    if (px0 >= px1) return;
    oy1 = (px1 - 1) / p->ow + 1;
    for (oy = px0 / p->ow; oy < oy1; oy += band) {
        int ob = oy + band < oy1 ? oy + band : oy1, nv = 0, y, o, v;
        const float *base;
        size_t brs = (size_t)p->iw * p->sh;
        if (usebuf) {
            int nr = (ob - 1 - oy) * p->sh + span, r;
            for (c = 0; c < p->ic; ++c)
                for (r = 0; r < nr; ++r) {
                    float *d = buf + (size_t)(c * rows + r) * p->iw;
                    if (s2) cam__pv_row(p, c, oy * p->sh + r, d, we, 1);
                    else cam__pv_row(p, c, oy * p->sh + r, d, we, 0);
                }
            base = buf;
        } else
            base = p->in + (size_t)oy * brs;
        for (y = oy; y < ob; ++y) {
            int a = y * p->ow, e = a + p->ow, x;
            if (a < px0) a = px0;
            if (e > px1) e = px1;
            for (x = (a - y * p->ow) & ~15; y * p->ow + x < e; x += 16) {
                int lo = y * p->ow + x, hi = lo + 16;
                unsigned m = 0xFFFFu;
                if (lo < a) m &= 0xFFFFu << (a - lo);
                if (hi > e) m &= 0xFFFFu >> (hi - e);
                ib[nv] = base + (size_t)(y - oy) * brs + x;
                mk[nv] = (__mmask16)m;
                opx[nv] = lo;
                ++nv;
            }
        }
        /* the input rows the next band adds (read on demand from a cold
           network input they cost ~3% of resnet's first conv), spread over
           this band's tiles; past the range too: the engine's threads run
           consecutive ranges, so the last band prefetches the next one's */
        if (usebuf && ob < p->oh) {
            int r0 = (ob - 1) * p->sh + span, r1 = ((ob + band < p->oh ? ob + band : p->oh) - 1) * p->sh + span, n = p->iw;
            if (p->uh > 0) {
                r0 -= p->pt, r1 -= p->pt, n = p->uw;
                r0 = r0 < 0 ? 0 : r0;
                r1 = r1 > p->uh ? p->uh : r1;
            }
            /* cursor: line pf_l of row pf_r of channel pf_c (rows n apart,
               planes pf_cstep further), pf_step lines per tile */
            pf_lpr = (n + 15) / 16;
            pf_nr = r1 > r0 ? r1 - r0 : 0;
            pf_n = n;
            pf_cstep = (size_t)((p->uh > 0 ? p->uh : p->ih) - pf_nr) * n;
            pf_row = p->in + (size_t)r0 * n;
            pf_l = pf_r = 0;
            pf_c = pf_nr > 0 ? 0 : p->ic;
            pf_step = p->ic * pf_nr * pf_lpr / (((oc1 - oc0 + CAM__CONV_PV_CH - 1) / CAM__CONV_PV_CH) * ((nv + 2) / 3)) + 1;
        } else
            pf_c = p->ic;
        for (o = oc0; o < oc1; o += CAM__CONV_PV_CH) {
            const float *wp = p->w + (size_t)(o / CAM__CONV_OC_BLOCK) * block + o % CAM__CONV_OC_BLOCK;
            int nrows = oc1 - o < CAM__CONV_PV_CH ? oc1 - o : CAM__CONV_PV_CH;
            for (v = 0; v < nv; v += 3) {
                const float *pf = p->out + (size_t)o * ohw + opx[v];
                int k;
                for (k = 0; k < pf_step && pf_c < p->ic; ++k) {
                    _mm_prefetch((const char *)(pf_row + 16 * pf_l), _MM_HINT_T1);
                    if (++pf_l == pf_lpr) {
                        pf_l = 0, pf_row += pf_n;
                        if (++pf_r == pf_nr) pf_r = 0, ++pf_c, pf_row += pf_cstep;
                    }
                }
                /* the next tile's output lines: this group's next vectors,
                   or the next group's first ones (else its own, harmless) */
                if (v + 3 < nv) pf = p->out + (size_t)o * ohw + opx[v + 3];
                else if (o + CAM__CONV_PV_CH < oc1) pf = p->out + (size_t)(o + CAM__CONV_PV_CH) * ohw + opx[0];
                cam__conv_pvtile_n_avx512(p, wp, ib + v, mk + v, opx + v, toff, K, o, nrows, ohw, pf,
                                          nv - v < 3 ? nv - v : 3);
            }
        }
    }
}

/* Whether the row tiles take this conv with an unpadded input: the shapes
   cam__conv_avx512 sends to them (stride 1 along x, rows of >= 14), wide
   rows, an edge window that fits CAM__CONV512_RTU_BUF, int offsets. */
CAM__KFN int cam__conv_rtu_ok(const cam__conv_params *p)
{
    int ntaps = p->kh * p->kw;
    if (p->sw != 1 || p->ow < CAM__CONV512_RTU_MIN_OW || p->ow < CAM__CONV512_ROW_MIN || ntaps > CAM__CONV_MAX_TAPS ||
        p->ic * ntaps <= CAM__CONV_ROW_MAX_K || cam__conv1x1_ok(p) || (size_t)p->ic * p->ih * p->iw >= ((size_t)1 << 30))
        return 0;
    return (size_t)p->ic * cam__conv_rtu_rows(p) * (CAM__CONV512_PX_TILE + (size_t)(p->kw - 1) * p->dw) <=
           CAM__CONV512_RTU_BUF;
}

CAM__KFN void cam__conv_avx512(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    int toff[CAM__CONV_MAX_TAPS];
    int ntaps = p->kh * p->kw, ky, kx, pitch = p->uh > 0 ? p->uw : p->iw;
    if (ntaps > CAM__CONV_MAX_TAPS) {
        cam__conv_ref(p, oc0, oc1, px0, px1);
        return;
    }
    for (ky = 0; ky < p->kh; ++ky)
        for (kx = 0; kx < p->kw; ++kx) toff[ky * p->kw + kx] = ky * p->dh * pitch + kx * p->dw;
    if (cam__conv_pv_ok(p)) {
        cam__conv_pv_avx512(p, oc0, oc1, px0, px1);
        return;
    }
    if (p->uh > 0) { /* cam__conv_rtu_ok(p): the row tiles */
        cam__conv_tiles_avx512(p, oc0, oc1, px0, px1, toff, ntaps);
        return;
    }
    if (cam__conv1x1_ok(p))
        px0 = cam__conv1x1_avx512(p, oc0, oc1, px0, px1);
    else if (p->ic * ntaps <= CAM__CONV_ROW_MAX_K && (p->sw == 1 || p->sw == 2)) {
        cam__conv_rows_avx512(p, oc0, oc1, px0, px1, toff, ntaps);
        return;
    }
    cam__conv_tiles_avx512(p, oc0, oc1, px0, px1, toff, ntaps);
}

/* >>kernel-depthwise-avx512
   3x3 depthwise conv (MobileNet's), stride 1 or 2 along x, any dilation and
   padding: the AVX2 kernel's plan on 16 lanes. Per channel the plane is
   copied into a zero-bordered stack scratch (columns for whole 16-pixel
   vectors), then each output vector sums its 9 taps in (ky, kx) order from
   zero, + bias, + res, act: per element the AVX2 kernel's operations, so
   both builds give the same bits. Stride 1 vertically does two output rows
   per pass (4 input rows loaded once). NONE, RELU and CLIP are applied in
   the store; other activations in a pass over the plane (still in L1/L2).
   Returns 0 (nothing done) for other kernels or planes over the scratch. */
CAM__INLINE __m512 cam__dw512_ld(const float *q, const int s2)
{
    return s2 ? cam__ld512_s(q, 2) : _mm512_loadu_ps(q);
}

CAM__INLINE __m512 cam__dw512_epi(__m512 a, const __m512 *vb, const float *r, __mmask16 m, const cam__act_params *act,
                                  int fused)
{
    if (vb) a = _mm512_add_ps(a, *vb); /* only with a bias, as AVX2 (-0 + 0 is +0) */
    if (r) a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(m, r));
    if (!fused) return a;
    if (act->kind == CAM__ACT_RELU) return _mm512_max_ps(a, _mm512_setzero_ps());
    if (act->kind == CAM__ACT_CLIP)
        return _mm512_min_ps(_mm512_max_ps(a, _mm512_set1_ps(act->a)), _mm512_set1_ps(act->b));
    return a;
}

#define CAM__DW512_TAPS3(acc, q, w0, w1, w2)                                       \
    acc = _mm512_fmadd_ps(cam__dw512_ld(q, S2), w0, acc);                            \
    acc = _mm512_fmadd_ps(cam__dw512_ld((q) + d1, S2), w1, acc);                     \
    acc = _mm512_fmadd_ps(cam__dw512_ld((q) + d2, S2), w2, acc);

CAM__INLINE void cam__dw3_plane_avx512(const cam__dwconv_params *p, const float *scratch, int W, const float *wc,
                                       const float *bias, float *oc, const float *rc, int fused, const int S2)
{
    const __m512 w0 = _mm512_set1_ps(wc[0]), w1 = _mm512_set1_ps(wc[1]), w2 = _mm512_set1_ps(wc[2]);
    const __m512 w3 = _mm512_set1_ps(wc[3]), w4 = _mm512_set1_ps(wc[4]), w5 = _mm512_set1_ps(wc[5]);
    const __m512 w6 = _mm512_set1_ps(wc[6]), w7 = _mm512_set1_ps(wc[7]), w8 = _mm512_set1_ps(wc[8]);
    const __m512 vbias = _mm512_set1_ps(bias ? *bias : 0.0f), *vb = bias ? &vbias : NULL;
    const int d1 = p->dw, d2 = 2 * p->dw, dW = p->dh * W, pair = p->sh == 1 && p->dh == 1;
    const int sx = S2 ? 2 : 1;
    int oy, ox;
    for (oy = 0; oy < p->oh; oy += 1 + (pair && oy + 1 < p->oh)) {
        const float *r0 = scratch + (size_t)oy * p->sh * W;
        float *oa = oc + (size_t)oy * p->ow;
        const float *ra = rc ? rc + (size_t)oy * p->ow : NULL;
        if (pair && oy + 1 < p->oh) {
            for (ox = 0; ox < p->ow; ox += 16) {
                const float *q0 = r0 + ox * sx, *q1 = q0 + W, *q2 = q1 + W, *q3 = q2 + W;
                __mmask16 m = p->ow - ox >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (p->ow - ox)) - 1u);
                __m512 a = _mm512_setzero_ps(), b = a, x;
                CAM__DW512_TAPS3(a, q0, w0, w1, w2)
                x = cam__dw512_ld(q1, S2); a = _mm512_fmadd_ps(x, w3, a); b = _mm512_fmadd_ps(x, w0, b);
                x = cam__dw512_ld(q1 + d1, S2); a = _mm512_fmadd_ps(x, w4, a); b = _mm512_fmadd_ps(x, w1, b);
                x = cam__dw512_ld(q1 + d2, S2); a = _mm512_fmadd_ps(x, w5, a); b = _mm512_fmadd_ps(x, w2, b);
                x = cam__dw512_ld(q2, S2); a = _mm512_fmadd_ps(x, w6, a); b = _mm512_fmadd_ps(x, w3, b);
                x = cam__dw512_ld(q2 + d1, S2); a = _mm512_fmadd_ps(x, w7, a); b = _mm512_fmadd_ps(x, w4, b);
                x = cam__dw512_ld(q2 + d2, S2); a = _mm512_fmadd_ps(x, w8, a); b = _mm512_fmadd_ps(x, w5, b);
                CAM__DW512_TAPS3(b, q3, w6, w7, w8)
                _mm512_mask_storeu_ps(oa + ox, m, cam__dw512_epi(a, vb, ra ? ra + ox : NULL, m, &p->act, fused));
                _mm512_mask_storeu_ps(oa + p->ow + ox, m,
                                      cam__dw512_epi(b, vb, ra ? ra + p->ow + ox : NULL, m, &p->act, fused));
            }
        } else {
            for (ox = 0; ox < p->ow; ox += 16) {
                const float *q0 = r0 + ox * sx, *q1 = q0 + dW, *q2 = q1 + dW;
                __mmask16 m = p->ow - ox >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (p->ow - ox)) - 1u);
                __m512 a = _mm512_setzero_ps();
                CAM__DW512_TAPS3(a, q0, w0, w1, w2)
                CAM__DW512_TAPS3(a, q1, w3, w4, w5)
                CAM__DW512_TAPS3(a, q2, w6, w7, w8)
                _mm512_mask_storeu_ps(oa + ox, m, cam__dw512_epi(a, vb, ra ? ra + ox : NULL, m, &p->act, fused));
            }
        }
    }
}
#undef CAM__DW512_TAPS3

CAM__KFN int cam__dwconv3_avx512(const cam__dwconv_params *p, int c0, int c1)
{
    float scratch[CAM__PLANE_SCRATCH];
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow, i;
    int c, h, w, fused = p->act.kind == CAM__ACT_NONE || p->act.kind == CAM__ACT_RELU || p->act.kind == CAM__ACT_CLIP;
    /* rows and columns the 16-lane loops read (cam__ld512_s reads q[0..30]: no reach) */
    if (p->kh != 3 || p->kw != 3 || p->oh < 1 || p->ow < 1 ||
        !cam__plane_dims_lanes(p->ih, p->iw, p->oh, p->ow, 3, 3, p->sh, p->sw, p->dh, p->dw, p->pt, p->pl, 16, 0, &h, &w))
        return 0;
    cam__plane_borders(scratch, p->ih, p->iw, p->pt, p->pl, h, w, 0.0f);
    for (c = c0; c < c1; ++c) {
        float *oc = p->out + (size_t)c * ohw;
        const float *rc = p->res ? p->res + (size_t)c * ohw : NULL;
        cam__plane_copy(scratch, p->in + (size_t)c * ihw, p->ih, p->iw, p->pt, p->pl, w);
        if (p->sw == 2)
            cam__dw3_plane_avx512(p, scratch, w, p->w + (size_t)c * 9, p->bias ? p->bias + c : NULL, oc, rc, fused, 1);
        else
            cam__dw3_plane_avx512(p, scratch, w, p->w + (size_t)c * 9, p->bias ? p->bias + c : NULL, oc, rc, fused, 0);
        for (i = 0; !fused && i < ohw; i += 16) {
            __mmask16 m = ohw - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (ohw - i)) - 1u);
            _mm512_mask_storeu_ps(oc + i, m, cam__act512(_mm512_maskz_loadu_ps(m, oc + i), &p->act));
        }
    }
    return 1;
}

/* >>kernel-maxpool-avx512
   Max pooling, stride 1 or 2 along x, any window, dilation and padding, on
   16 lanes: the plane is copied into the stack scratch with -inf borders,
   then each output vector takes the max over its taps in (ky, kx) order,
   and cam__maxpool_mend mends windows with no real tap and channels with a
   NaN. Max is exact, so outputs equal the reference and the AVX2 kernel bit
   for bit, for any input. Returns 0 (nothing done) for average
   pooling, rows under 12 outputs or planes over the scratch. The row and
   flat kernels below take most max pools before this one. */
CAM__INLINE void cam__maxpool_plane_avx512(const cam__pool_params *p, const float *scratch, int W, float *oc, const int S2)
{
    const int sx = S2 ? 2 : 1;
    int oy, ox, ky, kx;
    for (oy = 0; oy < p->oh; ++oy) {
        const float *rb = scratch + (size_t)oy * p->sh * W;
        float *orow = oc + (size_t)oy * p->ow;
        for (ox = 0; ox < p->ow; ox += 16) {
            const float *ib = rb + ox * sx;
            __mmask16 m = p->ow - ox >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (p->ow - ox)) - 1u);
            __m512 acc = cam__dw512_ld(ib, S2);
            if (p->kh == 3 && p->kw == 3 && p->dh == 1 && p->dw == 1) {
                const float *q1 = ib + W, *q2 = q1 + W;
                acc = _mm512_max_ps(acc, cam__dw512_ld(ib + 1, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(ib + 2, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q1, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q1 + 1, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q1 + 2, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q2, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q2 + 1, S2));
                acc = _mm512_max_ps(acc, cam__dw512_ld(q2 + 2, S2));
            } else
                for (ky = 0; ky < p->kh; ++ky) {
                    const float *r = ib + (size_t)ky * p->dh * W;
                    for (kx = ky == 0; kx < p->kw; ++kx) acc = _mm512_max_ps(acc, cam__dw512_ld(r + kx * p->dw, S2));
                }
            _mm512_mask_storeu_ps(orow + ox, m, acc);
        }
    }
}

CAM__KFN int cam__maxpool_avx512(const cam__pool_params *p, int c0, int c1)
{
    float scratch[CAM__PLANE_SCRATCH];
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, h, w, all_real;
    /* rows narrower than 12 fill a zmm worse than the AVX2 kernel's ymm
       (GoogLeNet's 7x7 pools: 0.028 against 0.020 ms); rows and columns the
       16-lane loops read (cam__ld512_s reads q[0..30]: no reach) */
    if (!p->is_max || p->oh < 1 || p->ow < 12 || p->kh < 1 || p->kw < 1 ||
        !cam__plane_dims_lanes(p->ih, p->iw, p->oh, p->ow, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw, p->pt, p->pl, 16,
                               0, &h, &w))
        return 0;
    cam__plane_borders(scratch, p->ih, p->iw, p->pt, p->pl, h, w, -HUGE_VALF);
    all_real = cam__pool_all_real(p);
    for (c = c0; c < c1; ++c) {
        int nonfinite = cam__plane_copy_chk(scratch, p->in + (size_t)c * ihw, p->ih, p->iw, p->pt, p->pl, w);
        if (p->sw == 2) cam__maxpool_plane_avx512(p, scratch, w, p->out + (size_t)c * ohw, 1);
        else cam__maxpool_plane_avx512(p, scratch, w, p->out + (size_t)c * ohw, 0);
        cam__maxpool_mend(p, p->in + (size_t)c * ihw, p->out + (size_t)c * ohw, nonfinite, all_real);
    }
    return 1;
}

/* >>kernel-gemm-avx512
   cam__gemm_nt on 16 lanes: the same tiles (4 rows x 2 columns, 2 x 4, 1 x 4
   and 2 x 1 for the last columns), each C element one chain of zmm FMAs over
   k whose last step is a masked FMA over the k tail (k % 16, lanes past k read
   as zero), then a fixed horizontal sum (the two ymm halves added, then the
   AVX2 cam__vf_hsum), bias, activation; so results do not depend on [n0,n1)
   or on M. Batch-1 FC layers stream B (their weights) from DRAM once per
   forward: zmm loads reach the plain-read rate where the 8-lane AVX2 kernel
   ran ~5% under it (VGG's 25088 -> 4096, 411 MB, one thread), and each B row
   is prefetched CAM__GEMM_PF bytes ahead, since the hardware prefetcher
   stops at each 4 KB page. The prefetch is non-temporal (NTA): weights
   read once per forward need not displace the caches, and the kernel ran
   4-6% faster with it than with T0 (T1: slower). More rows per pass do
   worse: 8 B rows in flight read at half the rate of 4 on this Zen 5. */
#ifndef CAM__GEMM_PF
#define CAM__GEMM_PF 1024
#endif
CAM__INLINE float cam__gemm_fin512(__m512 acc, const float *bias, int j, const cam__act_params *act)
{
    __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1));
    float s = cam__vf_hsum(_mm256_add_ps(_mm512_castps512_ps256(acc), hi));
    if (bias) s += bias[j];
    return cam__act1(s, act);
}

#define CAM__G512_PF(p) _mm_prefetch((const char *)(p) + CAM__GEMM_PF, _MM_HINT_NTA)
#define CAM__G512_LDU(p) _mm512_loadu_ps(p)
#define CAM__G512_LDM(p) _mm512_maskz_loadu_ps(km, p)
/* one k step of each tile; LD is the full or the masked (tail) load */
#define CAM__G512_4X2(LD)                                                                                             \
    w0 = LD(b0 + t), w1 = LD(b1 + t);                                                                                  \
    x = LD(a0 + t), s00 = _mm512_fmadd_ps(x, w0, s00), s01 = _mm512_fmadd_ps(x, w1, s01);                              \
    x = LD(a1 + t), s10 = _mm512_fmadd_ps(x, w0, s10), s11 = _mm512_fmadd_ps(x, w1, s11);                              \
    x = LD(a2 + t), s20 = _mm512_fmadd_ps(x, w0, s20), s21 = _mm512_fmadd_ps(x, w1, s21);                              \
    x = LD(a3 + t), s30 = _mm512_fmadd_ps(x, w0, s30), s31 = _mm512_fmadd_ps(x, w1, s31)
#define CAM__G512_2X4(LD)                                                                                             \
    x0 = LD(a0 + t), x1 = LD(a1 + t);                                                                                  \
    w = LD(b0 + t), s00 = _mm512_fmadd_ps(x0, w, s00), s10 = _mm512_fmadd_ps(x1, w, s10);                              \
    w = LD(b1 + t), s01 = _mm512_fmadd_ps(x0, w, s01), s11 = _mm512_fmadd_ps(x1, w, s11);                              \
    w = LD(b2 + t), s02 = _mm512_fmadd_ps(x0, w, s02), s12 = _mm512_fmadd_ps(x1, w, s12);                              \
    w = LD(b3 + t), s03 = _mm512_fmadd_ps(x0, w, s03), s13 = _mm512_fmadd_ps(x1, w, s13)
#define CAM__G512_1X4(LD)                                                                                             \
    x0 = LD(a0 + t);                                                                                                   \
    s00 = _mm512_fmadd_ps(x0, LD(b0 + t), s00), s01 = _mm512_fmadd_ps(x0, LD(b1 + t), s01);                            \
    s02 = _mm512_fmadd_ps(x0, LD(b2 + t), s02), s03 = _mm512_fmadd_ps(x0, LD(b3 + t), s03)
#define CAM__G512_2X1(LD)                                                                                             \
    w = LD(b0 + t), s00 = _mm512_fmadd_ps(LD(a0 + t), w, s00);                                                         \
    if (two) s10 = _mm512_fmadd_ps(LD(a1 + t), w, s10)

CAM__KFN void cam__gemm_nt_avx512(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                                  const float *bias, float *c, int ldc, const cam__act_params *act, int n0, int n1)
{
    int kv = k - k % 16, i = 0, j, t;
    __mmask16 km = (__mmask16)((1u << (k - kv)) - 1u);
    (void)n;
    for (; i + 4 <= m; i += 4) {
        const float *a0 = a + (size_t)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        float *c0 = c + (size_t)i * ldc;
        for (j = n0; j < n1; j += 2) {
            const float *b0 = b + (size_t)j * ldb, *b1 = j + 1 < n1 ? b0 + ldb : b0;
            __m512 s00 = _mm512_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            __m512 w0, w1, x;
            int r;
            for (t = 0; t < kv; t += 16) {
                CAM__G512_PF(b0 + t), CAM__G512_PF(b1 + t);
                CAM__G512_4X2(CAM__G512_LDU);
            }
            if (kv < k) {
                CAM__G512_4X2(CAM__G512_LDM);
            }
            for (r = 0; r < 4; ++r) {
                __m512 u0 = r == 0 ? s00 : r == 1 ? s10 : r == 2 ? s20 : s30;
                __m512 u1 = r == 0 ? s01 : r == 1 ? s11 : r == 2 ? s21 : s31;
                c0[(size_t)r * ldc + j] = cam__gemm_fin512(u0, bias, j, act);
                if (j + 1 < n1) c0[(size_t)r * ldc + j + 1] = cam__gemm_fin512(u1, bias, j + 1, act);
            }
        }
    }
    for (; i < m; i += 2) {
        const float *a0 = a + (size_t)i * lda, *a1 = i + 1 < m ? a0 + lda : a0;
        float *c0 = c + (size_t)i * ldc, *c1 = c0 + ldc;
        int two = i + 1 < m;
        for (j = n0; j + 4 <= n1; j += 4) {
            const float *b0 = b + (size_t)j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            __m512 s00 = _mm512_setzero_ps(), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            __m512 x0, x1, w;
            if (two) {
                for (t = 0; t < kv; t += 16) {
                    CAM__G512_PF(b0 + t), CAM__G512_PF(b1 + t), CAM__G512_PF(b2 + t), CAM__G512_PF(b3 + t);
                    CAM__G512_2X4(CAM__G512_LDU);
                }
                if (kv < k) {
                    CAM__G512_2X4(CAM__G512_LDM);
                }
                c1[j] = cam__gemm_fin512(s10, bias, j, act);
                c1[j + 1] = cam__gemm_fin512(s11, bias, j + 1, act);
                c1[j + 2] = cam__gemm_fin512(s12, bias, j + 2, act);
                c1[j + 3] = cam__gemm_fin512(s13, bias, j + 3, act);
            } else {
                for (t = 0; t < kv; t += 16) {
                    CAM__G512_PF(b0 + t), CAM__G512_PF(b1 + t), CAM__G512_PF(b2 + t), CAM__G512_PF(b3 + t);
                    CAM__G512_1X4(CAM__G512_LDU);
                }
                if (kv < k) {
                    CAM__G512_1X4(CAM__G512_LDM);
                }
            }
            c0[j] = cam__gemm_fin512(s00, bias, j, act);
            c0[j + 1] = cam__gemm_fin512(s01, bias, j + 1, act);
            c0[j + 2] = cam__gemm_fin512(s02, bias, j + 2, act);
            c0[j + 3] = cam__gemm_fin512(s03, bias, j + 3, act);
        }
        for (; j < n1; ++j) {
            const float *b0 = b + (size_t)j * ldb;
            __m512 s00 = _mm512_setzero_ps(), s10 = s00, w;
            for (t = 0; t < kv; t += 16) {
                CAM__G512_PF(b0 + t);
                CAM__G512_2X1(CAM__G512_LDU);
            }
            if (kv < k) {
                CAM__G512_2X1(CAM__G512_LDM);
            }
            c0[j] = cam__gemm_fin512(s00, bias, j, act);
            if (two) c1[j] = cam__gemm_fin512(s10, bias, j, act);
        }
    }
}
#undef CAM__G512_PF
#undef CAM__G512_LDU
#undef CAM__G512_LDM
#undef CAM__G512_4X2
#undef CAM__G512_2X4
#undef CAM__G512_1X4
#undef CAM__G512_2X1
/* >>kernel-maxpool-rows-avx512
   Max pooling straight from the input, one output row band at a time (no
   plane copy): each input row's horizontal window maxima are computed once
   into a small ring of rows (kernel height rows, in L1), then each output
   row is the max over its real rows, top to bottom. Horizontal padding and
   columns past the input read as -inf. Stride 1 or 2 along x, any stride
   along y, no dilation; used for rows of >= 40 outputs and planes over the
   stack scratch (shorter rows: the plane kernel above, whose per-row cost
   is lower). 1 thread, in the network: ResNet-18's 3x3/s2 64x112x112 0.19
   -> 0.10 ms, VGG-16's 2x2/s2 64x224x224 1.6 -> 0.44 ms.

   Exactness. For inputs without NaN, max(a, b) = a > b ? a : b is
   associative (it picks the last of equal values, which only matters for
   -0 and +0) and -inf never changes a result, so a horizontal-then-vertical
   order of the same taps gives the reference's bits. NaN breaks that (the
   reference keeps what follows a NaN), so every element read is also summed
   into a check vector; a channel whose sum is NaN (a NaN, or +inf meeting
   -inf) is redone by the scalar reference pixel. Preconditions, checked by
   cam__maxpool_rows_ok: every window has a real tap (pads smaller than the
   window, ceil_mode windows starting inside the input). */
#ifndef CAM__POOL_HBUF
#define CAM__POOL_HBUF 4096 /* floats of horizontal maxima (kernel-height rows) */
#endif
#define CAM__POOL_MAX_KH 16

/* Lanes [s, s + 16) of a row of n floats, -inf outside [0, n); only pointers
   into the row are formed. *m gets the lanes inside the row. */
CAM__INLINE __m512 cam__mp_ld(const float *row, int n, int s, __mmask16 *m)
{
    const __m512 ninf = _mm512_set1_ps(-HUGE_VALF);
    if (s >= 0 && s + 16 <= n) {
        *m = (__mmask16)0xFFFF;
        return _mm512_loadu_ps(row + s);
    }
    if (s >= n || s + 16 <= 0) {
        *m = 0;
        return ninf;
    }
    if (s >= 0) {
        *m = (__mmask16)((1u << (n - s)) - 1u);
        return _mm512_mask_loadu_ps(ninf, *m, row + s);
    }
    /* lanes -s .. min(16, n - s) - 1 take row[0], row[1], ... */
    *m = (__mmask16)(((1u << (n - s < 16 ? n - s : 16)) - 1u) & ~((1u << -s) - 1u));
    return _mm512_mask_expandloadu_ps(ninf, *m, row);
}

/* The same, adding the lanes inside the row to the check sum. */
CAM__INLINE __m512 cam__mp_ldc(const float *row, int n, int s, __m512 *chk)
{
    __mmask16 m;
    __m512 x = cam__mp_ld(row, n, s, &m);
    *chk = _mm512_mask_add_ps(*chk, m, *chk, x);
    return x;
}

#define CAM__MP_EVEN _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define CAM__MP_ODD _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)

/* Horizontal maxima of one input row into h[0 .. owv): h[ox] = max over
   taps row[ox * sw - pl + kx], kx = 0 .. kw-1 in order. Returns the check
   sum plus every element read (the accumulator stays in a register: through
   a pointer gcc kept it in memory, a store-load chain per vector). */
CAM__INLINE __m512 cam__mp_hrow(const cam__pool_params *p, const float *row, float *h, int owv, __m512 chk)
{
    const int n = p->iw, b = -p->pl;
    int ox, kx;
    if (p->sw == 2 && p->kw == 3) {
        /* taps 2ox+b, +1, +2: the middle and last are the evens and odds of
           the 32 floats at 2ox+b+1, the first is the previous odds shifted
           by one lane (row[b] or -inf before the first vector) */
        __m512 prev = _mm512_set1_ps(b >= 0 ? row[b] : -HUGE_VALF), x0, x1, e, o, first;
        if (b >= 0) chk = _mm512_add_ps(chk, prev);
        for (ox = 0; ox < owv; ox += 16) {
            int s = 2 * ox + b + 1;
            if (s >= 0 && s + 32 <= n) {
                x0 = _mm512_loadu_ps(row + s);
                x1 = _mm512_loadu_ps(row + s + 16);
                chk = _mm512_add_ps(chk, _mm512_add_ps(x0, x1));
            } else {
                x0 = cam__mp_ldc(row, n, s, &chk);
                x1 = cam__mp_ldc(row, n, s + 16, &chk);
            }
            e = _mm512_permutex2var_ps(x0, CAM__MP_EVEN, x1);
            o = _mm512_permutex2var_ps(x0, CAM__MP_ODD, x1);
            first = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(o), _mm512_castps_si512(prev), 15));
            _mm512_storeu_ps(h + ox, _mm512_max_ps(_mm512_max_ps(first, e), o));
            prev = o;
        }
    } else if (p->sw == 2) {
        /* tap pairs (kx, kx+1): evens and odds of the 32 floats at 2ox+b+kx */
        for (ox = 0; ox < owv; ox += 16) {
            __m512 acc = _mm512_setzero_ps(), x0, x1, e, o;
            for (kx = 0; kx < p->kw; kx += 2) {
                int s = 2 * ox + b + kx;
                if (s >= 0 && s + 32 <= n) {
                    x0 = _mm512_loadu_ps(row + s);
                    x1 = _mm512_loadu_ps(row + s + 16);
                    chk = _mm512_add_ps(chk, _mm512_add_ps(x0, x1));
                } else {
                    x0 = cam__mp_ldc(row, n, s, &chk);
                    x1 = cam__mp_ldc(row, n, s + 16, &chk);
                }
                e = _mm512_permutex2var_ps(x0, CAM__MP_EVEN, x1);
                o = _mm512_permutex2var_ps(x0, CAM__MP_ODD, x1);
                acc = kx == 0 ? e : _mm512_max_ps(acc, e);
                if (kx + 1 < p->kw) acc = _mm512_max_ps(acc, o);
            }
            _mm512_storeu_ps(h + ox, acc);
        }
    } else {
        /* stride 1: one load per tap; the check sums tap 0 of every vector
           and the other taps of the last one (every element read) */
        for (ox = 0; ox < owv; ox += 16) {
            __m512 acc = cam__mp_ldc(row, n, ox + b, &chk);
            __mmask16 m;
            for (kx = 1; kx < p->kw; ++kx)
                acc = _mm512_max_ps(acc, ox + 16 >= owv ? cam__mp_ldc(row, n, ox + b + kx, &chk)
                                                        : cam__mp_ld(row, n, ox + b + kx, &m));
            _mm512_storeu_ps(h + ox, acc);
        }
    }
    return chk;
}

/* Output rows [oy0, oy1) of one channel from its ring of horizontal rows:
   input row iy lives in slot iy mod span (kept as a running remainder: a
   division per row costs as much as a short row's maxima). Returns 1 if
   the check sum is NaN. */
CAM__INLINE int cam__mp_rows_channel(const cam__pool_params *p, const float *ic, float *oc, int oy0, int oy1,
                                     float *hbuf)
{
    const int span = (p->kh - 1) * p->dh + 1, owv = (p->ow + 15) & ~15;
    __m512 chk = _mm512_setzero_ps();
    int oy, ox, ky, have = 0, ylo = oy0 * p->sh - p->pt, sl = ylo % span;
    if (sl < 0) sl += span;
    for (oy = oy0; oy < oy1; ++oy, ylo += p->sh) {
        const float *rp[CAM__POOL_MAX_KH];
        int iy, nr = 0, k, s;
        float *orow = oc + (size_t)oy * p->ow;
        if (oy > oy0)
            for (sl += p->sh; sl >= span;) sl -= span;
        /* new rows of this window: [max(ylo, have, 0), min(ylo + span, ih)) */
        iy = ylo > have ? ylo : have;
        if (iy < 0) iy = 0;
        for (s = sl + (iy - ylo); s >= span;) s -= span;
        for (; iy < ylo + span && iy < p->ih; ++iy) {
            chk = cam__mp_hrow(p, ic + (size_t)iy * p->iw, hbuf + (size_t)s * owv, owv, chk);
            if (++s == span) s = 0;
        }
        if (iy > have) have = iy;
        for (ky = 0, s = sl; ky < p->kh; ++ky) {
            iy = ylo + ky * p->dh;
            if (iy >= 0 && iy < p->ih) rp[nr++] = hbuf + (size_t)s * owv;
            for (s += p->dh; s >= span;) s -= span;
        }
        for (ox = 0; ox < p->ow; ox += 16) {
            int at = ox + 16 <= p->ow || p->ow < 16 ? ox : p->ow - 16; /* overlapping last vector */
            __m512 acc = _mm512_loadu_ps(rp[0] + at);
            for (k = 1; k < nr; ++k) acc = _mm512_max_ps(acc, _mm512_loadu_ps(rp[k] + at));
            if (at + 16 <= p->ow) _mm512_storeu_ps(orow + at, acc);
            else _mm512_mask_storeu_ps(orow + at, (__mmask16)((1u << (p->ow - at)) - 1u), acc);
        }
    }
    return _mm512_cmp_ps_mask(chk, chk, _CMP_UNORD_Q) != 0;
}

/* 1 if cam__maxpool_rows_avx512 takes this pooling. */
CAM__KFN int cam__maxpool_rows_ok(const cam__pool_params *p)
{
    int span_h = (p->kh - 1) * p->dh + 1, owv = (p->ow + 15) & ~15, h, w;
    if (!p->is_max || p->kh < 1 || p->kw < 1 || p->dh != 1 || p->dw != 1 || (p->sw != 1 && p->sw != 2) || p->sh < 1)
        return 0;
    if (p->oh < 1 || p->ow < 1 || (long long)span_h * owv > CAM__POOL_HBUF || p->kh > CAM__POOL_MAX_KH)
        return 0;
    /* every window holds a real tap (no dilation): first windows reach
       into the input, last windows start inside it */
    if (p->pt >= span_h || p->pl >= p->kw) return 0;
    if ((long long)(p->oh - 1) * p->sh - p->pt >= p->ih || (long long)(p->ow - 1) * p->sw - p->pl >= p->iw) return 0;
    /* rows under 40 outputs: the plane kernel (per-row overhead) */
    if (p->ow < 40 && cam__plane_dims_lanes(p->ih, p->iw, p->oh, p->ow, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw, p->pt,
                                            p->pl, 16, 0, &h, &w))
        return 0;
    return 1;
}

/* Channels [c0, c1) x output rows [oy0, oy1); the caller checked
   cam__maxpool_rows_ok. */
CAM__KFN void cam__maxpool_rows_avx512(const cam__pool_params *p, int c0, int c1, int oy0, int oy1)
{
    float hbuf[CAM__POOL_HBUF];
    size_t ihw = (size_t)p->ih * p->iw, ohw = (size_t)p->oh * p->ow;
    int c, oy, ox;
    for (c = c0; c < c1; ++c) {
        const float *ic = p->in + (size_t)c * ihw;
        float *oc = p->out + (size_t)c * ohw;
        if (cam__mp_rows_channel(p, ic, oc, oy0, oy1, hbuf)) /* NaN: the reference's order */
            for (oy = oy0; oy < oy1; ++oy)
                for (ox = 0; ox < p->ow; ++ox) oc[(size_t)oy * p->ow + ox] = cam__pool_px(p, ic, oy, ox);
    }
}

/* >>kernel-maxpool-flat-avx512
   Max pooling of small planes (rows of < 40 outputs: GoogLeNet's and
   VGG's 28x28 .. 7x7 maps) with every vector full: the plane is read as one
   flat array, so a vector spans several rows. Pass 1: horizontal window
   maxima of every input row at once (taps at flat offsets; a lane whose tap
   falls outside its row is masked, the masks repeat every ow / gcd(ow, 16)
   vectors and are made once per call). Pass 2: the vertical max over a
   buffer of those rows with -inf rows above and below, flat (one vector
   spans rows) for stride 1, per output row for stride 2. Same exactness
   argument and NaN check as the row kernel above. Needs the output row as
   wide as the input row over the stride (ow == iw / sw: 'same' padding at
   stride 1, even widths at stride 2). 1 thread, in the network: GoogLeNet's
   maxpool2 (192x56x56) 0.090 -> 0.055 ms, 14x14 inception pools 0.033 ->
   0.023, VGG-16's 256x56x56 0.14 -> 0.08-0.10. */
#define CAM__POOL_FLAT_IN 4096   /* input plane floats */
#define CAM__POOL_FLAT_BUF 8192  /* horizontal maxima with their -inf rows */
#define CAM__POOL_FLAT_KW 5
#define CAM__POOL_FLAT_PERIOD 32 /* mask period in vectors */
#define CAM__POOL_FLAT_VPERIOD 64 /* vertical mask period (channel groups) */
#ifndef CAM__POOL_FLAT_GROUP
#define CAM__POOL_FLAT_GROUP 1024 /* floats of maxima a channel group fills (L1) */
#endif

CAM__INLINE int cam__mp_gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Rows of the vertical buffer: pt -inf rows, ih rows of maxima, -inf rows
   to the last window's bottom, one more for the last vector's overrun. */
CAM__INLINE int cam__mp_flat_rows(const cam__pool_params *p)
{
    int r = (p->oh - 1) * p->sh + p->kh;
    return (r > p->pt + p->ih ? r : p->pt + p->ih) + 1 + 16 / p->ow;
}

/* The channel-group path of stride 1: planes under 128 floats (7x7: 0.018
   -> 0.011 ms for 832 channels alone; at 14x14 the masked vertical taps
   cost more than the two partial vectors a channel it saves: 0.023 ->
   0.027), its vertical mask period, at least two channels a group. */
CAM__INLINE int cam__mp_flat_group_ok(const cam__pool_params *p)
{
    int ohw = p->oh * p->ow;
    return ohw < 128 && ohw / cam__mp_gcd(ohw, 16) <= CAM__POOL_FLAT_VPERIOD && CAM__POOL_FLAT_GROUP / ohw >= 2 &&
           CAM__POOL_FLAT_GROUP + (p->pt + p->kh) * p->ow + 48 <= CAM__POOL_FLAT_BUF;
}

CAM__KFN int cam__maxpool_flat_ok(const cam__pool_params *p)
{
    if (!p->is_max || p->kh < 1 || p->kw < 1 || p->kw > CAM__POOL_FLAT_KW || p->dh != 1 || p->dw != 1 || p->sh < 1 ||
        (p->sw != 1 && p->sw != 2) || p->ow < 1 || p->oh < 1)
        return 0;
    if (p->iw % p->sw || p->ow != p->iw / p->sw || (long long)p->ih * p->iw > CAM__POOL_FLAT_IN) return 0;
    if (p->pt >= p->kh || p->pl >= p->kw || (long long)(p->oh - 1) * p->sh - p->pt >= p->ih) return 0;
    if (p->ow / cam__mp_gcd(p->ow, 16) > CAM__POOL_FLAT_PERIOD || p->oh > CAM__POOL_FLAT_BUF) return 0;
    return (long long)cam__mp_flat_rows(p) * p->ow <= CAM__POOL_FLAT_BUF;
}

/* Pass 1 of one channel: horizontal maxima of all rows, flat (hb[j], j =
   y * ow + x). KW and S are constants at the call sites (unrolled taps).
   nrows input rows (one channel, or several: a channel's rows follow the
   previous channel's). Returns chk plus every input element read. */
CAM__INLINE __m512 cam__mp_flat_h(const cam__pool_params *p, const float *ic, int nrows, float *hb,
                                  const __mmask16 (*mk)[CAM__POOL_FLAT_PERIOD], int per, __m512 chk, const int KW,
                                  const int S)
{
    const __m512 ninf = _mm512_set1_ps(-HUGE_VALF);
    const int n = nrows * p->iw, nh = nrows * p->ow, pl = p->pl;
    int v, m, kx;
    __mmask16 in_row;
    for (v = 0, m = 0; v * 16 < nh; ++v, m = m + 1 == per ? 0 : m + 1) {
        __m512 acc = ninf;
        if (S == 1) {
            int s = 16 * v - pl;
            if (s >= 0 && s + KW - 1 + 16 <= n) {
                const float *q = ic + s;
                chk = _mm512_add_ps(chk, _mm512_loadu_ps(q + pl));
                acc = _mm512_mask_mov_ps(ninf, mk[0][m], _mm512_loadu_ps(q));
                for (kx = 1; kx < KW; ++kx) acc = _mm512_mask_max_ps(acc, mk[kx][m], acc, _mm512_loadu_ps(q + kx));
            } else
                for (kx = 0; kx < KW; ++kx) {
                    __m512 t = kx == pl ? cam__mp_ldc(ic, n, s + kx, &chk) : cam__mp_ld(ic, n, s + kx, &in_row);
                    acc = kx == 0 ? _mm512_mask_mov_ps(ninf, mk[0][m], t) : _mm512_mask_max_ps(acc, mk[kx][m], acc, t);
                }
        } else
            for (kx = 0; kx < KW; kx += 2) {
                int s = 32 * v - pl + kx;
                __m512 x0, x1, e, od;
                if (s >= 0 && s + 32 <= n) {
                    x0 = _mm512_loadu_ps(ic + s);
                    x1 = _mm512_loadu_ps(ic + s + 16);
                    chk = _mm512_add_ps(chk, _mm512_add_ps(x0, x1));
                } else {
                    x0 = cam__mp_ldc(ic, n, s, &chk);
                    x1 = cam__mp_ldc(ic, n, s + 16, &chk);
                }
                e = _mm512_permutex2var_ps(x0, CAM__MP_EVEN, x1);
                acc = kx == 0 ? _mm512_mask_mov_ps(ninf, mk[0][m], e) : _mm512_mask_max_ps(acc, mk[kx][m], acc, e);
                if (kx + 1 < KW) {
                    od = _mm512_permutex2var_ps(x0, CAM__MP_ODD, x1);
                    acc = _mm512_mask_max_ps(acc, mk[kx + 1][m], acc, od);
                }
            }
        _mm512_storeu_ps(hb + 16 * v, acc);
    }
    _mm512_storeu_ps(hb + nh, ninf); /* the last vector's lanes past the plane */
    return chk;
}

/* Pass 2 of one channel: out[y][x] = max over ky of buf row y * sh + ky
   (buf row r - pt is input row r); KH constant at the call sites. */
CAM__INLINE void cam__mp_flat_v(const cam__pool_params *p, const float *buf, float *oc, const int KH)
{
    const int ow = p->ow, ohw = p->oh * ow;
    int o, y, ky;
    if (p->sh == 1)
        for (o = 0; o < ohw; o += 16) {
            int at = o + 16 <= ohw || ohw < 16 ? o : ohw - 16; /* overlapping last vector */
            __m512 acc = _mm512_loadu_ps(buf + at);
            for (ky = 1; ky < KH; ++ky) acc = _mm512_max_ps(acc, _mm512_loadu_ps(buf + at + ky * ow));
            if (at + 16 <= ohw) _mm512_storeu_ps(oc + at, acc);
            else _mm512_mask_storeu_ps(oc + at, (__mmask16)((1u << (ohw - at)) - 1u), acc);
        }
    else
        for (y = 0; y < p->oh; ++y) {
            const float *r0 = buf + (size_t)y * p->sh * ow;
            for (o = 0; o < ow; o += 16) {
                int at = o + 16 <= ow || ow < 16 ? o : ow - 16;
                __m512 acc = _mm512_loadu_ps(r0 + at);
                for (ky = 1; ky < KH; ++ky) acc = _mm512_max_ps(acc, _mm512_loadu_ps(r0 + at + ky * ow));
                if (at + 16 <= ow) _mm512_storeu_ps(oc + (size_t)y * ow + at, acc);
                else _mm512_mask_storeu_ps(oc + (size_t)y * ow + at, (__mmask16)((1u << (ow - at)) - 1u), acc);
            }
        }
}

/* Stride 1 both ways with oh == ih ('same' rows): groups of channels as one
   tall plane, so that only the group's first and last vectors are partial
   (GoogLeNet's 14x14 and 7x7 inception pools: 13 and 4 vectors a channel,
   two of them at the plane's edges). The vertical taps mask the rows
   outside their channel (masks repeat every oh*ow / gcd(oh*ow, 16)
   vectors). */
CAM__INLINE void cam__mp_flat_s1_group(const cam__pool_params *p, int c0, int c1, float *buf,
                                       const __mmask16 (*mk)[CAM__POOL_FLAT_PERIOD], int per)
{
    __mmask16 mv[CAM__POOL_FLAT_KW][CAM__POOL_FLAT_VPERIOD];
    const __m512 ninf = _mm512_set1_ps(-HUGE_VALF);
    const int ow = p->ow, ohw = p->oh * ow, pv = ohw / cam__mp_gcd(ohw, 16), lead = p->pt * ow;
    const int g = CAM__POOL_FLAT_GROUP / ohw;
    float *hb = buf + lead;
    int c, v, m, ky, o, i;
    /* row y = (o / ow) mod oh of lane o, in floats (exact: o < 2^24) */
    for (v = 0; v < pv; ++v) {
        __m512 idx = _mm512_add_ps(_mm512_set1_ps((float)(16 * v)),
                                   _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        __m512 r = _mm512_floor_ps(_mm512_div_ps(_mm512_add_ps(idx, _mm512_set1_ps(0.5f)), _mm512_set1_ps((float)ow)));
        __m512 y = _mm512_sub_ps(r, _mm512_mul_ps(_mm512_set1_ps((float)p->oh),
                                                  _mm512_floor_ps(_mm512_div_ps(_mm512_add_ps(r, _mm512_set1_ps(0.5f)),
                                                                                _mm512_set1_ps((float)p->oh)))));
        for (ky = 0; ky < p->kh; ++ky) {
            __m512 iy = _mm512_add_ps(y, _mm512_set1_ps((float)(ky - p->pt)));
            mv[ky][v] = _mm512_cmp_ps_mask(iy, _mm512_setzero_ps(), _CMP_GE_OQ) &
                        _mm512_cmp_ps_mask(iy, _mm512_set1_ps((float)p->ih), _CMP_LT_OQ);
        }
    }
    for (c = c0; c < c1; c += g) {
        const int gc = c1 - c < g ? c1 - c : g, tot = gc * ohw;
        const float *ic = p->in + (size_t)c * ohw;
        float *oc = p->out + (size_t)c * ohw;
        __m512 chk = _mm512_setzero_ps();
        if (p->kw == 3) chk = cam__mp_flat_h(p, ic, gc * p->ih, hb, mk, per, chk, 3, 1);
        else chk = cam__mp_flat_h(p, ic, gc * p->ih, hb, mk, per, chk, p->kw, 1);
        for (o = 0, m = 0; o < tot; o += 16, m = m + 1 == pv ? 0 : m + 1) {
            __m512 acc = _mm512_mask_mov_ps(ninf, mv[0][m], _mm512_loadu_ps(buf + o));
            for (ky = 1; ky < p->kh; ++ky)
                acc = _mm512_mask_max_ps(acc, mv[ky][m], acc, _mm512_loadu_ps(buf + o + ky * ow));
            if (o + 16 <= tot) _mm512_storeu_ps(oc + o, acc);
            else _mm512_mask_storeu_ps(oc + o, (__mmask16)((1u << (tot - o)) - 1u), acc);
        }
        if (_mm512_cmp_ps_mask(chk, chk, _CMP_UNORD_Q)) /* NaN: the reference's order */
            for (i = 0; i < tot; ++i) oc[i] = cam__pool_px(p, ic + (size_t)(i / ohw) * ohw, i % ohw / ow, i % ow);
    }
}

CAM__KFN void cam__maxpool_flat_avx512(const cam__pool_params *p, int c0, int c1)
{
    float buf[CAM__POOL_FLAT_BUF];
    __mmask16 mk[CAM__POOL_FLAT_KW][CAM__POOL_FLAT_PERIOD];
    const __m512 ninf = _mm512_set1_ps(-HUGE_VALF);
    const int n = p->ih * p->iw, ow = p->ow, per = ow / cam__mp_gcd(ow, 16);
    const int rows = cam__mp_flat_rows(p), ohw = p->oh * ow;
    float *hb = buf + (size_t)p->pt * ow;
    int c, v, l, kx, o;
    /* lane l of vector v: output column x = (16v + l) mod ow; tap kx reads
       input column x * sw - pl + kx */
    for (v = 0; v < per; ++v)
        for (kx = 0; kx < p->kw; ++kx) {
            unsigned bits = 0;
            for (l = 0; l < 16; ++l) {
                int ix = ((16 * v + l) % ow) * p->sw - p->pl + kx;
                bits |= (unsigned)(ix >= 0 && ix < p->iw) << l;
            }
            mk[kx][v] = (__mmask16)bits;
        }
    if (p->sw == 1 && p->sh == 1 && p->oh == p->ih && cam__mp_flat_group_ok(p)) {
        cam__mp_flat_s1_group(p, c0, c1, buf, (const __mmask16(*)[CAM__POOL_FLAT_PERIOD])mk, per);
        return;
    }
    for (o = 0; o + 16 <= rows * ow; o += 16) _mm512_storeu_ps(buf + o, ninf);
    _mm512_storeu_ps(buf + rows * ow - 16, ninf);
    for (c = c0; c < c1; ++c) {
        const float *ic = p->in + (size_t)c * n;
        float *oc = p->out + (size_t)c * ohw;
        __m512 chk = _mm512_setzero_ps();
        if (p->sw == 1 && p->kw == 3) chk = cam__mp_flat_h(p, ic, p->ih, hb, mk, per, chk, 3, 1);
        else if (p->sw == 1) chk = cam__mp_flat_h(p, ic, p->ih, hb, mk, per, chk, p->kw, 1);
        else if (p->kw == 3) chk = cam__mp_flat_h(p, ic, p->ih, hb, mk, per, chk, 3, 2);
        else if (p->kw == 2) chk = cam__mp_flat_h(p, ic, p->ih, hb, mk, per, chk, 2, 2);
        else chk = cam__mp_flat_h(p, ic, p->ih, hb, mk, per, chk, p->kw, 2);
        if (p->kh == 3) cam__mp_flat_v(p, buf, oc, 3);
        else if (p->kh == 2) cam__mp_flat_v(p, buf, oc, 2);
        else cam__mp_flat_v(p, buf, oc, p->kh);
        if (_mm512_cmp_ps_mask(chk, chk, _CMP_UNORD_Q)) /* NaN: the reference's order */
            for (o = 0; o < ohw; ++o) oc[o] = cam__pool_px(p, ic, o / ow, o % ow);
    }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif /* CAM__SIMD_AVX512 */

/* >>kernel-cam-map
   Class-vectorised CAM product for many classes (cam_net_maps with a run of
   consecutive classes, e.g. all of them): M[c][p] = sum_k W[c][k] F[k][p].
   The classifier weights are packed once per net into blocks of
   CAM__MAPC_CB classes, each block [K][CB] (classes past C are zero), so
   one k step of a tile loads CB/lanes weight vectors and broadcasts one
   feature value per pixel. A tile is CAM__MAPC_PX pixels x CB classes:
     AVX-512  7 pixels x 48 classes: 21 zmm accumulators, per k 3 weight
              loads, 7 broadcasts, 21 FMAs (hw = 49 = 7 tiles, no waste)
     AVX2     4 pixels x 24 classes: 12 ymm accumulators, 3 loads, 4
              broadcasts, 12 FMAs
     scalar   4 pixels x 16 classes (the reference; NEON builds use it).
   Layout: wp = the block's packed weights at the first k of the chunk
   (row stride CB), f = F[k0][p0] (row stride fs: hw), tile = [PX][CB]
   floats. kc k steps; first: start from zero, else from tile (the partial
   sums of the previous k chunks). np < PX pixels (the tail): the missing
   pixels repeat pixel np-1, so every tile row is written and no feature
   beyond the np columns is read. Each element is one chain of FMAs over k
   in ascending order whatever the chunking and the thread split, so results
   do not depend on the thread count. */
#ifndef CAM__MAPC_PF_HINT
#define CAM__MAPC_PF_HINT _MM_HINT_T1
#endif
#if defined(CAM__SIMD_AVX512)
#define CAM__MAPC_CB 48
#define CAM__MAPC_PX 7
#elif defined(CAM__SIMD_AVX2)
#define CAM__MAPC_CB 24
#define CAM__MAPC_PX 4
#else
#define CAM__MAPC_CB 16
#define CAM__MAPC_PX 4
#endif

/* Floats of the packed weights of c classes x k channels. */
CAM__KFN size_t cam__mapc_packed_floats(int c, int k)
{
    return (size_t)((c + CAM__MAPC_CB - 1) / CAM__MAPC_CB) * CAM__MAPC_CB * (size_t)k;
}

/* w: C x K row-major. poswt: max(w, 0) (NaN -> 0), CAM_RECTIFY_POSITIVE_WEIGHTS. */
CAM__KFN void cam__mapc_pack(const float *w, int c, int k, int poswt, float *wp)
{
    int b, j, kk, nb = (c + CAM__MAPC_CB - 1) / CAM__MAPC_CB;
    for (b = 0; b < nb; ++b) {
        float *dst = wp + (size_t)b * k * CAM__MAPC_CB;
        for (j = 0; j < CAM__MAPC_CB; ++j) {
            int cls = b * CAM__MAPC_CB + j;
            const float *src = w + (size_t)cls * k;
            for (kk = 0; kk < k; ++kk) {
                float v = cls < c ? src[kk] : 0.0f;
                if (poswt && !(v > 0.0f))
                    v = 0.0f;
                dst[(size_t)kk * CAM__MAPC_CB + j] = v;
            }
        }
    }
}

/* The classifier's GEMV on the packed weights of one block: out[j] = the sum
   over k, ascending, of wp[k][j] * x[k]: the FMA chain cam__mapc_tile runs
   for a pixel whose features are x. A CAM head's Gemm runs on these weights
   (cam__exec_gemm), so the copy the all-class map product reads next is the
   one the forward pass just left in cache. */
CAM__KFN void cam__mapc_gemv_ref(const float *wp, int k, const float *x, float *out)
{
    int j, kk;
    for (j = 0; j < CAM__MAPC_CB; ++j) out[j] = 0.0f;
    for (kk = 0; kk < k; ++kk) {
        const float xv = x[kk], *w = wp + (size_t)kk * CAM__MAPC_CB;
        for (j = 0; j < CAM__MAPC_CB; ++j) out[j] += w[j] * xv;
    }
}

CAM__KFN void cam__mapc_tile_ref(const float *wp, int kc, const float *f, int fs, int np, float *tile, int first,
                                 const float *pf)
{
    int p, j, kk;
    (void)pf;
    for (p = 0; p < CAM__MAPC_PX; ++p) {
        const float *fp = f + (p < np ? p : np - 1);
        float *t = tile + (size_t)p * CAM__MAPC_CB;
        if (first)
            for (j = 0; j < CAM__MAPC_CB; ++j) t[j] = 0.0f;
        for (kk = 0; kk < kc; ++kk) {
            const float fv = fp[(size_t)kk * fs], *w = wp + (size_t)kk * CAM__MAPC_CB;
            for (j = 0; j < CAM__MAPC_CB; ++j) t[j] += w[j] * fv;
        }
    }
}

#if defined(CAM__SIMD_AVX512)
/* o1..o6: column offsets of pixels 1..6 (constants for a full tile). */
CAM__INLINE void cam__mapc_t7_avx512(const float *wp, int kc, const float *f, int fs, int o1, int o2, int o3,
                                     int o4, int o5, int o6, float *tile, int first, const float *pf)
{
    __m512 a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32, a40, a41, a42, a50, a51, a52, a60, a61, a62;
    int kk;
#define CAM__MAPC_LD(p) \
    a##p##0 = _mm512_loadu_ps(tile + p * 48), a##p##1 = _mm512_loadu_ps(tile + p * 48 + 16), \
    a##p##2 = _mm512_loadu_ps(tile + p * 48 + 32)
#define CAM__MAPC_ST(p) \
    _mm512_storeu_ps(tile + p * 48, a##p##0), _mm512_storeu_ps(tile + p * 48 + 16, a##p##1), \
    _mm512_storeu_ps(tile + p * 48 + 32, a##p##2)
#define CAM__MAPC_FMA(p, off)                       \
    {                                               \
        const __m512 b_ = _mm512_set1_ps(f[off]);   \
        a##p##0 = _mm512_fmadd_ps(w0, b_, a##p##0); \
        a##p##1 = _mm512_fmadd_ps(w1, b_, a##p##1); \
        a##p##2 = _mm512_fmadd_ps(w2, b_, a##p##2); \
    }
    if (first) {
        a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = _mm512_setzero_ps();
        a40 = a41 = a42 = a50 = a51 = a52 = a60 = a61 = a62 = _mm512_setzero_ps();
    } else {
        CAM__MAPC_LD(0); CAM__MAPC_LD(1); CAM__MAPC_LD(2); CAM__MAPC_LD(3);
        CAM__MAPC_LD(4); CAM__MAPC_LD(5); CAM__MAPC_LD(6);
    }
    for (kk = 0; kk < kc; ++kk, wp += 48, f += fs) {
        const __m512 w0 = _mm512_loadu_ps(wp), w1 = _mm512_loadu_ps(wp + 16), w2 = _mm512_loadu_ps(wp + 32);
        if (pf)
            _mm_prefetch((const char *)(pf + (size_t)kk * 16), CAM__MAPC_PF_HINT);
        CAM__MAPC_FMA(0, 0)
        CAM__MAPC_FMA(1, o1)
        CAM__MAPC_FMA(2, o2)
        CAM__MAPC_FMA(3, o3)
        CAM__MAPC_FMA(4, o4)
        CAM__MAPC_FMA(5, o5)
        CAM__MAPC_FMA(6, o6)
    }
    CAM__MAPC_ST(0); CAM__MAPC_ST(1); CAM__MAPC_ST(2); CAM__MAPC_ST(3);
    CAM__MAPC_ST(4); CAM__MAPC_ST(5); CAM__MAPC_ST(6);
#undef CAM__MAPC_LD
#undef CAM__MAPC_ST
#undef CAM__MAPC_FMA
}

CAM__KFN void cam__mapc_gemv_avx512(const float *wp, int k, const float *x, float *out)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0;
    int kk;
    for (kk = 0; kk < k; ++kk, wp += 48) {
        const __m512 b = _mm512_set1_ps(x[kk]);
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(wp), b, a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(wp + 16), b, a1);
        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(wp + 32), b, a2);
    }
    _mm512_storeu_ps(out, a0);
    _mm512_storeu_ps(out + 16, a1);
    _mm512_storeu_ps(out + 32, a2);
}

CAM__KFN void cam__mapc_tile_avx512(const float *wp, int kc, const float *f, int fs, int np, float *tile, int first,
                                    const float *pf)
{
    int o[7], j;
    if (np == 7) {
        cam__mapc_t7_avx512(wp, kc, f, fs, 1, 2, 3, 4, 5, 6, tile, first, pf);
        return;
    }
    for (j = 0; j < 7; ++j) o[j] = j < np ? j : np - 1;
    cam__mapc_t7_avx512(wp, kc, f, fs, o[1], o[2], o[3], o[4], o[5], o[6], tile, first, pf);
}
#endif /* CAM__SIMD_AVX512 */

#if defined(CAM__SIMD_AVX2)
CAM__KFN void cam__mapc_gemv_avx2(const float *wp, int k, const float *x, float *out)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0;
    int kk;
    for (kk = 0; kk < k; ++kk, wp += 24) {
        const __m256 b = _mm256_set1_ps(x[kk]);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(wp), b, a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(wp + 8), b, a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(wp + 16), b, a2);
    }
    _mm256_storeu_ps(out, a0);
    _mm256_storeu_ps(out + 8, a1);
    _mm256_storeu_ps(out + 16, a2);
}

CAM__KFN void cam__mapc_tile_avx2(const float *wp, int kc, const float *f, int fs, int np, float *tile, int first,
                                  const float *pf)
{
    __m256 a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
    const int o1 = np > 1 ? 1 : np - 1, o2 = np > 2 ? 2 : np - 1, o3 = np > 3 ? 3 : np - 1;
    int kk;
#define CAM__MAPC_LD(p) \
    a##p##0 = _mm256_loadu_ps(tile + p * 24), a##p##1 = _mm256_loadu_ps(tile + p * 24 + 8), \
    a##p##2 = _mm256_loadu_ps(tile + p * 24 + 16)
#define CAM__MAPC_ST(p) \
    _mm256_storeu_ps(tile + p * 24, a##p##0), _mm256_storeu_ps(tile + p * 24 + 8, a##p##1), \
    _mm256_storeu_ps(tile + p * 24 + 16, a##p##2)
#define CAM__MAPC_FMA(p, off)                       \
    {                                               \
        const __m256 b_ = _mm256_broadcast_ss(f + (off)); \
        a##p##0 = _mm256_fmadd_ps(w0, b_, a##p##0); \
        a##p##1 = _mm256_fmadd_ps(w1, b_, a##p##1); \
        a##p##2 = _mm256_fmadd_ps(w2, b_, a##p##2); \
    }
    if (first) {
        a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = _mm256_setzero_ps();
    } else {
        CAM__MAPC_LD(0); CAM__MAPC_LD(1); CAM__MAPC_LD(2); CAM__MAPC_LD(3);
    }
    for (kk = 0; kk < kc; ++kk, wp += 24, f += fs) {
        const __m256 w0 = _mm256_loadu_ps(wp), w1 = _mm256_loadu_ps(wp + 8), w2 = _mm256_loadu_ps(wp + 16);
        if (pf)
            _mm_prefetch((const char *)(pf + (size_t)kk * 16), CAM__MAPC_PF_HINT);
        CAM__MAPC_FMA(0, 0)
        CAM__MAPC_FMA(1, o1)
        CAM__MAPC_FMA(2, o2)
        CAM__MAPC_FMA(3, o3)
    }
    CAM__MAPC_ST(0); CAM__MAPC_ST(1); CAM__MAPC_ST(2); CAM__MAPC_ST(3);
#undef CAM__MAPC_LD
#undef CAM__MAPC_ST
#undef CAM__MAPC_FMA
}
#endif /* CAM__SIMD_AVX2 */

/* The variant this build uses (AVX-512 builds: the zmm tile). */
CAM__KFN void cam__mapc_tile(const float *wp, int kc, const float *f, int fs, int np, float *tile, int first,
                             const float *pf)
{
#if defined(CAM__SIMD_AVX512)
    cam__mapc_tile_avx512(wp, kc, f, fs, np, tile, first, pf);
#elif defined(CAM__SIMD_AVX2)
    cam__mapc_tile_avx2(wp, kc, f, fs, np, tile, first, pf);
#else
    cam__mapc_tile_ref(wp, kc, f, fs, np, tile, first, pf);
#endif
}

CAM__KFN void cam__mapc_gemv(const float *wp, int k, const float *x, float *out)
{
#if defined(CAM__SIMD_AVX512)
    cam__mapc_gemv_avx512(wp, k, x, out);
#elif defined(CAM__SIMD_AVX2)
    cam__mapc_gemv_avx2(wp, k, x, out);
#else
    cam__mapc_gemv_ref(wp, k, x, out);
#endif
}

/* >>kernel-dispatch: cam__X is the variant this build selected. */
#if defined(CAM__VL)
#define CAM__PICK(name) CAM__SFX(name)
#else
#define CAM__PICK(name) name##_ref
#endif
CAM__KFN void cam__conv(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
#if defined(CAM__SIMD_AVX512)
    cam__conv_avx512(p, oc0, oc1, px0, px1);
#else
    CAM__PICK(cam__conv)(p, oc0, oc1, px0, px1);
#endif
}
/* Whether cam__conv accepts these shapes with an unpadded input (p->uh > 0,
   the padding done inside the kernel): the AVX-512 pixel-vector path and
   the row tiles on wide maps (cam__conv_rtu_ok). */
CAM__KFN int cam__conv_takes_unpadded(const cam__conv_params *p)
{
#if defined(CAM__SIMD_AVX512)
    return cam__conv_pv_ok(p) || cam__conv_rtu_ok(p);
#else
    (void)p;
    return 0;
#endif
}
/* Whether cam__conv can write these shapes' output pitched (p->opw > 0):
   the AVX-512 row tiles (a tile's pixels lie in one output row) and the
   1x1 8-channel pixel tiles on rows of >= 16 pixels (a 16-pixel vector
   spans at most two rows), with the rest of their ranges in row tiles. */
CAM__KFN int cam__conv_out_pitch_ok(const cam__conv_params *p)
{
#if defined(CAM__SIMD_AVX512)
    if (p->kh * p->kw > CAM__CONV_MAX_TAPS || cam__conv_pv_ok(p) || !cam__conv512_rowt(p)) return 0;
    if (p->uh > 0) return 1;
    if (cam__conv1x1_ok(p)) return p->ow >= 16;
    return !(p->ic * p->kh * p->kw <= CAM__CONV_ROW_MAX_K && (p->sw == 1 || p->sw == 2));
#else
    (void)p;
    return 0;
#endif
}
/* Pixel ranges the engine should cut cam__conv's work at where it can
   (0: no preference): whole output rows for the pixel-vector path (a range
   that starts or ends inside a row computes the part-filled vector there
   in both neighbouring ranges). */
CAM__KFN int cam__conv_px_grain(const cam__conv_params *p)
{
#if defined(CAM__SIMD_AVX512)
    /* whole rows for the pixel-vector path and the row tiles (a part
       that ends inside a row gives that row's rest, in both parts, tiles of
       fewer pixels); whole 48-pixel tiles for 1x1 (a 784-pixel map in 8
       parts of 98 left 2 pixels per part to the general tiles) */
    if (cam__conv_pv_ok(p)) return p->ow;
    if (cam__conv1x1_ok(p)) return CAM__CONV512_VPX;
    return cam__conv512_rowt(p) ? p->ow : 0;
#else
    (void)p;
    return 0;
#endif
}
CAM__KFN void cam__dwconv(const cam__dwconv_params *p, int c0, int c1)
{
#if defined(CAM__SIMD_AVX512)
    if (cam__dwconv3_avx512(p, c0, c1)) return;
#endif
    CAM__PICK(cam__dwconv)(p, c0, c1);
}
CAM__KFN void cam__pool2d(const cam__pool_params *p, int c0, int c1)
{
#if defined(CAM__SIMD_AVX512)
    if (cam__maxpool_rows_ok(p)) {
        cam__maxpool_rows_avx512(p, c0, c1, 0, p->oh);
        return;
    }
    if (cam__maxpool_flat_ok(p)) {
        cam__maxpool_flat_avx512(p, c0, c1);
        return;
    }
    if (cam__maxpool_avx512(p, c0, c1)) return;
#endif
    CAM__PICK(cam__pool2d)(p, c0, c1);
}
CAM__KFN void cam__gemm_nt(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                           const float *bias, float *c, int ldc, const cam__act_params *act, int n0, int n1)
{
#if defined(CAM__SIMD_AVX512)
    cam__gemm_nt_avx512(m, n, k, a, lda, b, ldb, bias, c, ldc, act, n0, n1);
#else
    CAM__PICK(cam__gemm_nt)(m, n, k, a, lda, b, ldb, bias, c, ldc, act, n0, n1);
#endif
}
CAM__KFN void cam__vec_act(const float *x, float *y, size_t n, const cam__act_params *act)
{
    CAM__PICK(cam__vec_act)(x, y, n, act);
}
CAM__KFN void cam__vec_exp(const float *x, float *y, size_t n) { CAM__PICK(cam__vec_exp)(x, y, n); }
CAM__KFN void cam__gpool(const float *x, float *y, size_t hw, int is_max, int c0, int c1)
{
#if defined(CAM__SIMD_AVX512)
    cam__gpool_avx512(x, y, hw, is_max, c0, c1);
#elif defined(CAM__SIMD_AVX2)
    cam__gpool_avx2(x, y, hw, is_max, c0, c1);
#else
    cam__gpool_ref(x, y, hw, is_max, c0, c1);
#endif
}
CAM__KFN void cam__pad_rows(const float *in, float *out, int c, int ih, int iw, int pt, int pl, int ph, int pw, int y0,
                            int y1)
{
#if defined(CAM__SIMD_AVX512)
    cam__pad_rows_avx512(in, out, c, ih, iw, pt, pl, ph, pw, y0, y1);
#else
    cam__pad_rows_ref(in, out, c, ih, iw, pt, pl, ph, pw, y0, y1);
#endif
}
CAM__KFN void cam__wino_in(const float *in, int c, int ih, int iw, int ty, int tx0, int tx1, float *v, size_t vplane,
                           size_t vpitch)
{
#if defined(CAM__SIMD_AVX512)
    cam__wino_in_avx512(in, c, ih, iw, ty, tx0, tx1, v, vplane, vpitch);
#else
    CAM__PICK(cam__wino_in)(in, c, ih, iw, ty, tx0, tx1, v, vplane, vpitch);
#endif
}
CAM__KFN void cam__wino_out(const float *m, size_t mplane, size_t mpitch, int nk, int ty, int tx0, int tx1, int oh,
                            int ow, const float *bias, const float *res, float *out, int opw, size_t oplane,
                            const cam__act_params *act)
{
#if defined(CAM__SIMD_AVX512)
    cam__wino_out_avx512(m, mplane, mpitch, nk, ty, tx0, tx1, oh, ow, bias, res, out, opw, oplane, act);
#else
    CAM__PICK(cam__wino_out)(m, mplane, mpitch, nk, ty, tx0, tx1, oh, ow, bias, res, out, opw, oplane, act);
#endif
}
#undef CAM__PICK

#endif /* CAM_SIMD_H_INCLUDED */
