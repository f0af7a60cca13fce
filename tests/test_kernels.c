/* Kernel tests: every SIMD kernel of this build against its scalar reference
   on seeded random shapes (tails, 1x1 maps, strides, dilation, every
   activation, residual on/off), split invariance (any [oc0,oc1) x [px0,px1)
   or [n0,n1) split gives bit-identical outputs and writes nothing outside its
   range), and the thread pool (every task runs exactly once).

   Tolerances (SIMD reorders nothing but fuses multiply-add and approximates
   exp): conv, depthwise and GEMM outputs within 1e-5 * (sum |x*w| + |bias| +
   |res| + 1) of the reference; activations and exp within 2e-6 absolute +
   2e-6 relative; pooling bit-identical.

   Built three ways: native SIMD (make test), CAM_NO_SIMD + CAM_NO_THREADS
   (make test), and AArch64 NEON under qemu (make test-kernels-neon). */
/* The implementation brings cam_simd.h and the thread pool with it. */
#define CAM_IMPLEMENTATION
#include "cam.h"
#include "tests/test_util.h"

#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rng_u32(rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}
static int rng_int(rng *r, int lo, int hi) /* [lo, hi] */
{
    return lo + (int)(rng_u32(r) % (uint32_t)(hi - lo + 1));
}
static float rng_f(rng *r, float lo, float hi)
{
    return lo + (hi - lo) * (float)(rng_u32(r) & 0xffffff) / 16777216.0f;
}
static float *rand_buf(rng *r, size_t n, float lo, float hi)
{
    float *p = (float *)malloc((n ? n : 1) * sizeof(float));
    size_t i;
    for (i = 0; i < n; ++i) p[i] = rng_f(r, lo, hi);
    return p;
}

static const char *act_name(cam__act_kind k)
{
    static const char *names[] = {"none", "relu", "clip", "leaky", "sigmoid", "hardsigmoid", "hardswish", "tanh"};
    return names[(int)k];
}

static cam__act_params make_act(int kind)
{
    cam__act_params a;
    a.kind = (cam__act_kind)kind;
    a.a = 0.0f;
    a.b = 0.0f;
    if (kind == CAM__ACT_CLIP) a.a = -0.5f, a.b = 0.75f;
    if (kind == CAM__ACT_LEAKY) a.a = 0.1f;
    if (kind == CAM__ACT_HARDSIGMOID) a.a = 0.2f, a.b = 0.5f;
    return a;
}

/* >>conv */
typedef struct conv_case {
    int ic, oc, oh, ow, kh, kw, sh, sw, dh, dw, act, bias, res;
} conv_case;

/* "PREFIX ic .. oc .. out HxW kKHxKW sSHxSW dDHxDW act[ bias][ res][ unpadded]" */
static void conv_name(char *buf, size_t n, const char *prefix, const conv_case *c, int unpad)
{
    snprintf(buf, n, "%s ic %d oc %d out %dx%d k%dx%d s%dx%d d%dx%d %s%s%s%s", prefix, c->ic, c->oc, c->oh, c->ow, c->kh,
             c->kw, c->sh, c->sw, c->dh, c->dw, act_name((cam__act_kind)c->act), c->bias ? " bias" : "",
             c->res ? " res" : "", unpad ? " unpadded" : "");
}

/* Ranges [lo, hi] of a random conv case (dilations 1..2, every activation,
   bias and res either way). */
typedef struct conv_range {
    int ic[2], oc[2], kh[2], kw[2], sh[2], sw[2], oh[2], ow[2];
} conv_range;

static int rng_in(rng *r, const int *lh) { return lh[0] == lh[1] ? lh[0] : rng_int(r, lh[0], lh[1]); }

/* The output written pitched (p->opw > 0: inside a bordered buffer, as the
   engine has a conv write the next conv's padded input) in random pixel
   pieces and channel blocks: every pixel equal to the dense result 'dense'
   bit for bit, and no border cell written. */
static int pitched_check(rng *r, const cam__conv_params *p0, const float *dense, char *label, size_t n)
{
    cam__conv_params p = *p0;
    int pt = rng_int(r, 0, 2), pl = rng_int(r, 0, 2), pb = rng_int(r, 0, 2), pr = rng_int(r, 0, 2);
    int ph = p.oh + pt + pb, pw = p.ow + pl + pr, npx = p.oh * p.ow, nb = (p.oc + CAM__CONV_OC_BLOCK - 1) / CAM__CONV_OC_BLOCK;
    size_t sz = (size_t)p.oc * ph * pw, i;
    float *buf = (float *)malloc(sz * sizeof(float));
    int ok = 1, b, a, o, y, x;
    for (i = 0; i < sz; ++i) buf[i] = -12345.0f;
    p.opw = pw;
    p.oplane = (size_t)ph * pw;
    p.out = buf + (size_t)pt * pw + pl;
    for (b = 0; b < nb;) { /* runs of 1 or 2 channel blocks, each in 1.. pixel pieces */
        int oc0 = b * CAM__CONV_OC_BLOCK, b1 = b + 1 + rng_int(r, 0, 1);
        int oc1 = b1 * CAM__CONV_OC_BLOCK > p.oc ? p.oc : b1 * CAM__CONV_OC_BLOCK;
        for (a = 0; a < npx;) {
            int e = rng_int(r, 0, 2) ? npx : rng_int(r, a + 1, npx);
            cam__conv(&p, oc0, oc1, a, e);
            a = e;
        }
        b = b1;
    }
    label[0] = 0;
    for (o = 0; o < p.oc && ok; ++o)
        for (y = 0; y < ph && ok; ++y)
            for (x = 0; x < pw; ++x) {
                const float *q = buf + ((size_t)o * ph + y) * pw + x;
                int inside = y >= pt && y < pt + p.oh && x >= pl && x < pl + p.ow;
                if (inside ? memcmp(q, dense + ((size_t)o * p.oh + (y - pt)) * p.ow + (x - pl), sizeof(float)) != 0
                           : *q != -12345.0f) {
                    ok = 0;
                    snprintf(label, n, "borders t%d l%d b%d r%d: oc %d row %d col %d %s", pt, pl, pb, pr, o, y, x,
                             inside ? "differs" : "border written");
                    break;
                }
            }
    free(buf);
    return ok;
}

/* unpad: where the build's cam__conv takes an unpadded input for the shape
   (cam__conv_takes_unpadded), it gets one (random pads, the rest of the
   padded plane zeros) and the reference the padded plane; else as usual. */
static int conv_check(test_ctx *t, rng *r, const conv_case *cc, const char *name, int unpad)
{
    cam__conv_params p;
    size_t insz, outsz, wsz, i;
    float *in, *w, *packed, *bias, *res, *ref, *out, *part, *uin = NULL;
    int ok = 1, o, px, splits, rep;
    char label[200];

    memset(&p, 0, sizeof p);
    p.ic = cc->ic; p.oc = cc->oc; p.oh = cc->oh; p.ow = cc->ow;
    p.kh = cc->kh; p.kw = cc->kw; p.sh = cc->sh; p.sw = cc->sw; p.dh = cc->dh; p.dw = cc->dw;
    p.ih = (p.oh - 1) * p.sh + (p.kh - 1) * p.dh + 1 + rng_int(r, 0, 1);
    p.iw = (p.ow - 1) * p.sw + (p.kw - 1) * p.dw + 1 + rng_int(r, 0, 2);
    if (p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && rng_int(r, 0, 3)) {
        p.ih = p.oh; /* unpadded 1x1: the pixel-vector tile path */
        p.iw = p.ow;
    }
    insz = (size_t)p.ic * p.ih * p.iw;
    outsz = (size_t)p.oc * p.oh * p.ow;
    wsz = (size_t)p.oc * p.ic * p.kh * p.kw;
    in = rand_buf(r, insz, -1.0f, 1.0f);
    w = rand_buf(r, wsz, -1.0f, 1.0f);
    bias = rand_buf(r, (size_t)p.oc, -1.0f, 1.0f);
    res = rand_buf(r, outsz, -2.0f, 2.0f);
    packed = (float *)malloc(cam__conv_packed_floats(p.oc, p.ic, p.kh, p.kw) * sizeof(float));
    ref = (float *)malloc(outsz * sizeof(float));
    out = (float *)malloc(outsz * sizeof(float));
    part = (float *)malloc(outsz * sizeof(float));
    cam__conv_pack(w, p.oc, p.ic, p.kh, p.kw, packed);
    p.in = in;
    p.w = packed;
    p.bias = cc->bias ? bias : NULL;
    p.res = cc->res ? res : NULL;
    p.act = make_act(cc->act);
    if (unpad && cam__conv_takes_unpadded(&p)) {
        /* pads up to the kernel's span (rows/columns of padding only are
           allowed too), the unpadded input at least 1 x 1 */
        int pt = rng_int(r, 0, p.ih - 1 < p.kh - 1 ? p.ih - 1 : p.kh - 1);
        int pl = rng_int(r, 0, p.iw - 1 < p.kw * p.dw ? p.iw - 1 : p.kw * p.dw);
        int uh = rng_int(r, 1, p.ih - pt), uw = rng_int(r, 1, p.iw - pl), c, y;
        /* half the time pads on the far sides of at most the kernel's span
           + 1 (a "same" conv's input ends where the last window does) */
        if (rng_int(r, 0, 1)) {
            int sh = (p.kh - 1) * p.dh + 1, sw = (p.kw - 1) * p.dw + 1;
            uh = rng_int(r, p.ih - pt - sh > 1 ? p.ih - pt - sh : 1, p.ih - pt);
            uw = rng_int(r, p.iw - pl - sw > 1 ? p.iw - pl - sw : 1, p.iw - pl);
        }
        uin = rand_buf(r, (size_t)p.ic * uh * uw, -1.0f, 1.0f);
        memset(in, 0, insz * sizeof(float));
        for (c = 0; c < p.ic; ++c)
            for (y = 0; y < uh; ++y)
                memcpy(in + ((size_t)c * p.ih + pt + y) * p.iw + pl, uin + ((size_t)c * uh + y) * uw, (size_t)uw * sizeof(float));
        p.uh = uh, p.uw = uw, p.pt = pt, p.pl = pl;
    }

    p.out = ref;
    {
        cam__conv_params pr = p; /* the reference reads the padded plane */
        pr.uh = pr.uw = pr.pt = pr.pl = 0;
        cam__conv_ref(&pr, 0, p.oc, 0, p.oh * p.ow);
    }
    if (uin) p.in = uin;
    p.out = out;
    cam__conv(&p, 0, p.oc, 0, p.oh * p.ow);

    /* tolerance from the magnitude of the terms, straight from the ONNX weights */
    for (o = 0; o < p.oc && ok; ++o)
        for (px = 0; px < p.oh * p.ow; ++px) {
            int oy = px / p.ow, ox = px % p.ow, c, ky, kx;
            double mag = 1.0, tol, d;
            size_t at = (size_t)o * p.oh * p.ow + px;
            for (c = 0; c < p.ic; ++c)
                for (ky = 0; ky < p.kh; ++ky)
                    for (kx = 0; kx < p.kw; ++kx)
                        mag += fabs(in[((size_t)c * p.ih + oy * p.sh + ky * p.dh) * p.iw + ox * p.sw + kx * p.dw] *
                                    w[(((size_t)o * p.ic + c) * p.kh + ky) * p.kw + kx]);
            if (p.bias) mag += fabs(bias[o]);
            if (p.res) mag += fabs(res[at]);
            tol = 1e-5 * mag;
            d = fabs((double)out[at] - (double)ref[at]);
            if (!(d <= tol)) {
                ok = 0;
                snprintf(label, sizeof label, "oc %d px %d: simd %.9g ref %.9g (tol %.3g)", o, px, out[at], ref[at], tol);
                break;
            }
        }
    if (ok) label[0] = 0;
    test_report(t, ok, name, "%s", label);

    /* split invariance: random oc-block and pixel cuts, each range written
       into a sentinel-filled buffer, must reproduce the full-range result
       bit for bit and touch nothing outside the range */
    ok = 1;
    label[0] = 0;
    for (rep = 0; rep < 3 && ok; ++rep) {
        int nb = (p.oc + CAM__CONV_OC_BLOCK - 1) / CAM__CONV_OC_BLOCK;
        int npx = p.oh * p.ow;
        int ob0 = rng_int(r, 0, nb - 1), ob1 = rng_int(r, ob0 + 1, nb);
        int oc0 = ob0 * CAM__CONV_OC_BLOCK, oc1 = ob1 * CAM__CONV_OC_BLOCK > p.oc ? p.oc : ob1 * CAM__CONV_OC_BLOCK;
        int px0 = rng_int(r, 0, npx - 1), px1 = rng_int(r, px0 + 1, npx);
        for (i = 0; i < outsz; ++i) part[i] = -12345.0f;
        p.out = part;
        /* the range itself in random sub-pieces, as threads would */
        splits = rng_int(r, 1, 4);
        {
            int a = px0, s;
            for (s = 0; s < splits && a < px1; ++s) {
                int b = s == splits - 1 ? px1 : rng_int(r, a + 1, px1);
                cam__conv(&p, oc0, oc1, a, b);
                a = b;
            }
            if (a < px1) cam__conv(&p, oc0, oc1, a, px1);
        }
        for (o = 0; o < p.oc && ok; ++o)
            for (px = 0; px < npx; ++px) {
                size_t at = (size_t)o * npx + px;
                int inside = o >= oc0 && o < oc1 && px >= px0 && px < px1;
                if (inside ? memcmp(&part[at], &out[at], sizeof(float)) != 0 : part[at] != -12345.0f) {
                    ok = 0;
                    snprintf(label, sizeof label, "range oc [%d,%d) px [%d,%d): oc %d px %d %s", oc0, oc1, px0, px1, o,
                             px, inside ? "differs" : "written outside");
                    break;
                }
            }
    }
    {
        char n2[160];
        snprintf(n2, sizeof n2, "%s split", name);
        test_report(t, ok, n2, "%s", label);
    }
    if (cam__conv_out_pitch_ok(&p)) {
        char n2[160];
        snprintf(n2, sizeof n2, "%s pitched", name);
        ok = pitched_check(r, &p, out, label, sizeof label);
        test_report(t, ok, n2, "%s", label);
    }
    free(in); free(w); free(bias); free(res); free(packed); free(ref); free(out); free(part); free(uin);
    return ok;
}

/* One random case in the ranges of g, named "PREFIX I: ..." */
static void random_conv_check(test_ctx *t, rng *r, const conv_range *g, const char *prefix, int i, int unpad)
{
    conv_case c;
    static const int dil[2] = {1, 2}, act[2] = {0, 7}, bit[2] = {0, 1};
    char pre[80], name[200];
    c.ic = rng_in(r, g->ic);
    c.oc = rng_in(r, g->oc);
    c.kh = rng_in(r, g->kh);
    c.kw = rng_in(r, g->kw);
    c.sh = rng_in(r, g->sh);
    c.sw = rng_in(r, g->sw);
    c.dh = rng_in(r, dil);
    c.dw = rng_in(r, dil);
    c.oh = rng_in(r, g->oh);
    c.ow = rng_in(r, g->ow);
    c.act = rng_in(r, act);
    c.bias = rng_in(r, bit);
    c.res = rng_in(r, bit);
    snprintf(pre, sizeof pre, "%s %d:", prefix, i);
    conv_name(name, sizeof name, pre, &c, unpad);
    conv_check(t, r, &c, name, unpad);
}

static void test_conv(test_ctx *t, rng *r)
{
    /* fixed cases: network shapes (scaled maps) and every activation */
    static const conv_case fixed[] = {
        /* ic oc  oh ow kh kw sh sw dh dw act bias res */
        {64, 64, 14, 14, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {128, 128, 7, 7, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {3, 64, 20, 20, 7, 7, 2, 2, 1, 1, CAM__ACT_RELU, 1, 0},
        {3, 64, 11, 13, 11, 11, 4, 4, 1, 1, CAM__ACT_RELU, 1, 0},
        {256, 64, 7, 7, 1, 1, 1, 1, 1, 1, CAM__ACT_NONE, 1, 1},
        {64, 256, 7, 7, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {64, 128, 7, 7, 1, 1, 2, 2, 1, 1, CAM__ACT_NONE, 1, 0},
        {32, 48, 1, 1, 1, 1, 1, 1, 1, 1, CAM__ACT_NONE, 0, 0},
        {512, 1000, 1, 1, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {16, 24, 9, 9, 3, 3, 1, 1, 2, 2, CAM__ACT_CLIP, 1, 1},
        {5, 3, 6, 5, 3, 3, 2, 1, 1, 3, CAM__ACT_LEAKY, 1, 1},
        {7, 17, 5, 7, 5, 5, 1, 1, 1, 1, CAM__ACT_SIGMOID, 1, 1},
        {9, 33, 4, 9, 3, 1, 1, 1, 1, 1, CAM__ACT_HARDSIGMOID, 0, 1},
        {10, 40, 3, 3, 1, 3, 1, 2, 1, 1, CAM__ACT_HARDSWISH, 1, 0},
        {12, 8, 13, 1, 3, 3, 3, 3, 1, 1, CAM__ACT_TANH, 1, 1},
        {2, 1, 1, 17, 2, 2, 1, 1, 1, 1, CAM__ACT_RELU, 0, 0},
        {4, 5, 3, 3, 17, 17, 1, 1, 1, 1, CAM__ACT_NONE, 1, 0}, /* > CAM__CONV_MAX_TAPS: scalar fallback */
        /* 1x1 stride 1: pixel-vector tiles, channel counts in steps of 4, tails */
        {16, 96, 14, 14, 1, 1, 1, 1, 1, 1, CAM__ACT_CLIP, 1, 0},
        {144, 24, 8, 9, 1, 1, 1, 1, 1, 1, CAM__ACT_NONE, 1, 1},
        {32, 20, 7, 7, 1, 1, 1, 1, 1, 1, CAM__ACT_HARDSWISH, 1, 1},
        {24, 37, 3, 5, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 0, 1},
        {8, 18, 11, 13, 1, 1, 1, 1, 1, 1, CAM__ACT_SIGMOID, 1, 1},
        {300, 50, 6, 8, 1, 1, 1, 1, 1, 1, CAM__ACT_NONE, 1, 1},
        /* few taps per output, rows >= 24 pixels: the row tiles, then general tiles */
        {3, 32, 9, 30, 3, 3, 2, 2, 1, 1, CAM__ACT_CLIP, 1, 0},
        {3, 16, 5, 50, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {2, 20, 4, 27, 2, 5, 1, 2, 2, 1, CAM__ACT_LEAKY, 0, 1},
        {7, 8, 3, 48, 3, 3, 1, 1, 1, 2, CAM__ACT_SIGMOID, 1, 0},
        {1, 5, 6, 61, 4, 4, 2, 1, 1, 1, CAM__ACT_TANH, 1, 1},
        /* AVX-512 tiles: odd channel-block counts (a 16-channel tile after
           32-channel ones), chunk remainders cut into tiles of 1..12 pixels,
           48-pixel 1x1 and row tiles (stride 1 and 2) with their remainders */
        {64, 48, 7, 7, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {33, 70, 5, 23, 2, 3, 1, 2, 1, 1, CAM__ACT_LEAKY, 1, 1},
        {20, 80, 1, 13, 3, 3, 1, 1, 1, 1, CAM__ACT_NONE, 0, 1},
        {96, 17, 1, 1, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {16, 96, 10, 10, 1, 1, 1, 1, 1, 1, CAM__ACT_SIGMOID, 1, 1},
        {24, 40, 13, 13, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {3, 32, 3, 100, 3, 3, 2, 2, 1, 1, CAM__ACT_CLIP, 1, 1},
        {3, 20, 2, 53, 3, 3, 1, 1, 1, 1, CAM__ACT_TANH, 1, 0},
        {2, 36, 2, 97, 3, 2, 2, 2, 1, 2, CAM__ACT_HARDSWISH, 0, 1},
        /* weights over CAM__CONV512_WGROUP (640 KB) and more than one pixel
           chunk: the AVX-512 tiles loop over channel groups outside the
           chunks (groups of one pair here, of four pairs + a tail below) */
        {288, 80, 11, 13, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {128, 176, 10, 11, 3, 3, 1, 1, 1, 1, CAM__ACT_NONE, 1, 0},
        /* stride 1 along x, rows >= 24 pixels (CAM__CONV512_ROW_MIN): AVX-512
           row tiles that end at row ends (chunks of 96 cross rows), with
           dilation, a 16-channel tail block, and 1x1 with >= 128 channels */
        {40, 48, 5, 30, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {20, 36, 3, 61, 3, 3, 1, 1, 1, 1, CAM__ACT_LEAKY, 1, 1},
        {24, 32, 4, 40, 3, 3, 2, 1, 2, 2, CAM__ACT_NONE, 0, 1},
        {130, 32, 4, 25, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        /* AVX-512 row tiles on rows of 14..23 pixels (one tile a row):
           3x3 on 14x14, 3x3/s2 down to 14 wide, 1x1 (>= 128 channels,
           + res) and a 20-wide map with a channel tail */
        {64, 64, 14, 14, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {40, 48, 3, 14, 3, 3, 2, 2, 1, 1, CAM__ACT_NONE, 1, 0},
        {256, 64, 3, 14, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {24, 40, 4, 20, 3, 3, 1, 1, 1, 1, CAM__ACT_LEAKY, 0, 1},
        /* AVX-512 row tiles at stride 2 along x (3x3/s2, 1x1/s2
           downsampling), and rows of 7..13 pixels (tiles across rows) */
        {40, 36, 3, 30, 3, 3, 2, 2, 1, 1, CAM__ACT_RELU, 1, 1},
        {64, 48, 2, 28, 1, 1, 2, 2, 1, 1, CAM__ACT_NONE, 1, 1},
        {20, 17, 4, 9, 3, 3, 2, 2, 2, 2, CAM__ACT_LEAKY, 1, 0},
        {300, 48, 3, 7, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {96, 40, 5, 13, 3, 3, 1, 1, 1, 1, CAM__ACT_CLIP, 0, 1},
        {72, 33, 6, 8, 3, 3, 1, 2, 1, 1, CAM__ACT_SIGMOID, 1, 1},
        /* 1x1 on maps of >= 512 pixels with >= 128 input channels: the
           AVX-512 8-channel pixel tiles (a 4-channel and a 12-channel tail
           of the 16-channel block) and the general tiles for the rest */
        {160, 36, 23, 25, 1, 1, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {200, 44, 16, 33, 1, 1, 1, 1, 1, 1, CAM__ACT_NONE, 0, 1},
        /* 5..7 input channels, ic*kh*kw <= 64: the AVX-512 48-pixel row
           tiles (3 or 4 channels take the pixel-vector path below) */
        {5, 24, 3, 100, 3, 3, 2, 2, 1, 1, CAM__ACT_CLIP, 1, 1},
        {6, 20, 2, 53, 3, 3, 1, 1, 1, 1, CAM__ACT_TANH, 1, 0},
    };
    /* <= 4 input channels, rows >= 16 pixels: the AVX-512 pixel-vector
       path (the first conv), each case with a padded input and (where the
       build takes one) an unpadded one: 7x7/s2 and 3x3/s1 on network-width
       rows, 3x3/s2 on 111-pixel rows, bands over tall maps, 16-pixel rows,
       dilation, channel tails of the 8-channel tiles, every epilogue kind */
    static const conv_case pv[] = {
        /* ic oc  oh ow kh kw sh sw dh dw act bias res */
        {3, 64, 9, 112, 7, 7, 2, 2, 1, 1, CAM__ACT_RELU, 1, 0},
        {3, 64, 5, 224, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {3, 32, 6, 112, 3, 3, 2, 2, 1, 1, CAM__ACT_CLIP, 1, 0},
        {3, 64, 4, 111, 3, 3, 2, 2, 1, 1, CAM__ACT_RELU, 1, 0},
        {3, 20, 40, 20, 7, 7, 2, 2, 1, 1, CAM__ACT_NONE, 1, 0},
        {3, 16, 30, 16, 3, 3, 1, 1, 1, 1, CAM__ACT_NONE, 0, 0},
        {1, 5, 3, 17, 2, 2, 1, 1, 1, 1, CAM__ACT_RELU, 0, 0},
        {4, 20, 3, 40, 5, 5, 1, 2, 2, 1, CAM__ACT_LEAKY, 0, 1},
        {2, 13, 7, 33, 3, 4, 3, 1, 1, 2, CAM__ACT_TANH, 1, 1},
        {3, 9, 4, 50, 7, 7, 2, 2, 2, 2, CAM__ACT_SIGMOID, 1, 1},
        {4, 70, 2, 61, 8, 8, 1, 1, 1, 1, CAM__ACT_HARDSWISH, 1, 0},
        {3, 33, 5, 29, 1, 3, 2, 2, 1, 1, CAM__ACT_HARDSIGMOID, 0, 1},
        /* rows of >= 96 pixels, ic*kh*kw > 64: the AVX-512 row tiles, which
           take an unpadded input (edge tiles through a window copy) where
           the window fits (ic x R x (14 + (kw-1)*dw) <= 6144 floats):
           stride 2 down, dilation, 5x5, a channel tail, rows of exactly
           96, the largest window that fits and one just over it */
        {8, 20, 3, 100, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {20, 33, 4, 97, 3, 3, 2, 1, 2, 2, CAM__ACT_LEAKY, 1, 1},
        {7, 17, 3, 130, 5, 5, 1, 1, 1, 1, CAM__ACT_SIGMOID, 0, 1},
        {64, 40, 2, 224, 3, 3, 1, 1, 1, 1, CAM__ACT_NONE, 1, 1},
        {130, 16, 3, 96, 3, 3, 1, 1, 1, 1, CAM__ACT_CLIP, 1, 0},
        {128, 8, 2, 100, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 0},
        {129, 8, 2, 100, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        /* inputs over CAM__CONV512_PFROW_MIN (1 MB): the row tiles
           prefetch a row ahead (the map's last rows, the plane's edges) */
        {80, 20, 14, 230, 3, 3, 1, 1, 1, 1, CAM__ACT_RELU, 1, 1},
        {72, 24, 8, 112, 3, 3, 2, 2, 1, 1, CAM__ACT_NONE, 1, 0},
    };
    char name[160];
    int i;
    for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); ++i) {
        conv_name(name, sizeof name, "conv", &fixed[i], 0);
        conv_check(t, r, &fixed[i], name, 0);
    }
    for (i = 0; i < (int)(sizeof pv / sizeof pv[0]) * 2; ++i) {
        conv_name(name, sizeof name, "conv", &pv[i / 2], i % 2);
        conv_check(t, r, &pv[i / 2], name, i % 2);
    }
    for (i = 0; i < 30; ++i) { /* few input channels, rows >= 16: the pixel-vector path */
        static const conv_range g = {{1, 4}, {1, 70}, {1, 7}, {1, 7}, {1, 3}, {1, 2}, {1, 12}, {16, 120}};
        random_conv_check(t, r, &g, "conv few-channel random", i, i % 2);
    }
    for (i = 0; i < 12; ++i) { /* wide rows, padded and unpadded (AVX-512 row tiles) */
        static const conv_range g = {{8, 60}, {1, 50}, {2, 5}, {2, 5}, {1, 2}, {1, 1}, {1, 5}, {90, 200}};
        random_conv_check(t, r, &g, "conv wide-row random", i, i % 2);
    }
    for (i = 0; i < 40; ++i) {
        static const conv_range g = {{1, 40}, {1, 70}, {1, 5}, {1, 5}, {1, 3}, {1, 3}, {1, 12}, {1, 12}};
        random_conv_check(t, r, &g, "conv random", i, 0);
    }
}

/* >>depthwise */
static void test_dwconv(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 120; ++i) {
        cam__dwconv_params p;
        size_t insz, outsz, j;
        float *in, *w, *bias, *res, *ref, *out;
        int ok = 1, c, oy, ox;
        char name[200], why[200];
        static const int ks[] = {3, 3, 3, 5, 5, 1, 7, 2};
        memset(&p, 0, sizeof p);
        p.c = rng_int(r, 1, 20);
        p.kh = ks[rng_int(r, 0, 7)];
        p.kw = rng_int(r, 0, 3) ? p.kh : rng_int(r, 1, 5);
        p.sh = rng_int(r, 1, 2);
        p.sw = i % 7 == 6 ? 3 : (rng_int(r, 0, 2) ? p.sh : rng_int(r, 1, 2));
        p.dh = rng_int(r, 0, 4) ? 1 : 2;
        p.dw = rng_int(r, 0, 4) ? 1 : 2;
        p.pt = rng_int(r, 0, p.kh / 2 * p.dh);
        p.pb = rng_int(r, 0, p.kh / 2 * p.dh);
        p.pl = rng_int(r, 0, p.kw / 2 * p.dw);
        p.pr = rng_int(r, 0, p.kw / 2 * p.dw);
        p.ih = rng_int(r, (p.kh - 1) * p.dh + 1, 40);
        p.iw = rng_int(r, (p.kw - 1) * p.dw + 1, 40);
        if (i < 3) /* the kernel's span: a 1x1 output where the pads are 0 */
            p.ih = (p.kh - 1) * p.dh + 1, p.iw = (p.kw - 1) * p.dw + 1;
        if (i >= 3 && i < 6) p.ih = rng_int(r, 120, 140), p.iw = rng_int(r, 125, 150), p.c = 2; /* plane > scratch */
        if (i == 5) { /* pads beyond the kernel's span: whole rows/columns of padding (direct path) */
            p.pt = (p.kh - 1) * p.dh + 1 + rng_int(r, 0, 2);
            p.pl = (p.kw - 1) * p.dw + 1 + rng_int(r, 0, 2);
            p.pb = p.pt, p.pr = p.pl;
        }
        p.oh = (p.ih + p.pt + p.pb - (p.kh - 1) * p.dh - 1) / p.sh + 1;
        p.ow = (p.iw + p.pl + p.pr - (p.kw - 1) * p.dw - 1) / p.sw + 1;
        insz = (size_t)p.c * p.ih * p.iw;
        outsz = (size_t)p.c * p.oh * p.ow;
        in = rand_buf(r, insz, -1.0f, 1.0f);
        w = rand_buf(r, (size_t)p.c * p.kh * p.kw, -1.0f, 1.0f);
        bias = rand_buf(r, (size_t)p.c, -1.0f, 1.0f);
        res = rand_buf(r, outsz, -1.0f, 1.0f);
        ref = (float *)malloc(outsz * sizeof(float));
        out = (float *)malloc(outsz * sizeof(float));
        p.in = in;
        p.w = w;
        p.bias = rng_int(r, 0, 1) ? bias : NULL;
        p.res = rng_int(r, 0, 1) ? res : NULL;
        p.act = make_act(i % 8);
        p.out = ref;
        cam__dwconv_ref(&p, 0, p.c);
        p.out = out;
        for (j = 0; j < outsz; ++j) out[j] = -12345.0f;
        {
            int c0 = rng_int(r, 0, p.c);
            cam__dwconv(&p, 0, c0);
            cam__dwconv(&p, c0, p.c);
        }
        why[0] = 0;
        for (c = 0; c < p.c && ok; ++c)
            for (oy = 0; oy < p.oh && ok; ++oy)
                for (ox = 0; ox < p.ow; ++ox) {
                    size_t at = ((size_t)c * p.oh + oy) * p.ow + ox;
                    double mag = 1.0, d;
                    int ky, kx;
                    for (ky = 0; ky < p.kh; ++ky)
                        for (kx = 0; kx < p.kw; ++kx) {
                            int iy = oy * p.sh - p.pt + ky * p.dh, ix = ox * p.sw - p.pl + kx * p.dw;
                            if (iy >= 0 && iy < p.ih && ix >= 0 && ix < p.iw)
                                mag += fabs(in[((size_t)c * p.ih + iy) * p.iw + ix] * w[(c * p.kh + ky) * p.kw + kx]);
                        }
                    if (p.bias) mag += fabs(bias[c]);
                    if (p.res) mag += fabs(res[at]);
                    d = fabs((double)out[at] - ref[at]);
                    if (!(d <= 1e-5 * mag)) {
                        ok = 0;
                        snprintf(why, sizeof why, "c %d y %d x %d: simd %.9g ref %.9g", c, oy, ox, out[at], ref[at]);
                        break;
                    }
                }
        snprintf(name, sizeof name, "dwconv %d: c %d in %dx%d k%dx%d s%dx%d d%dx%d pad %d,%d,%d,%d %s%s%s", i, p.c, p.ih,
                 p.iw, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl, p.pb, p.pr, act_name(p.act.kind),
                 p.bias ? " bias" : "", p.res ? " res" : "");
        test_report(t, ok, name, "%s", why);
        free(in); free(w); free(bias); free(res); free(ref); free(out);
    }
}

/* A pooling case for p: a random input (variant 1: with -0/+0 ties, +-inf
   and -FLT_MAX, 2: and NaN; 0: plain), the reference's output, and an output
   buffer the kernel under test writes (p->out). Free the three buffers. */
static void special_values(rng *r, float *x, size_t n, int nan)
{
    static const float pick[6] = {0.0f, -0.0f, -HUGE_VALF, HUGE_VALF, -FLT_MAX, 1.0f};
    size_t j, k = n / 7 + 1;
    for (j = 0; j < n; ++j) /* ties of -0 and +0 everywhere */
        if (rng_int(r, 0, 2) == 0) x[j] = rng_int(r, 0, 1) ? 0.0f : -0.0f;
    for (j = 0; j < k; ++j) x[rng_u32(r) % n] = pick[rng_int(r, 0, 5)];
    if (nan) {
        x[rng_u32(r) % n] = NAN;
        x[n - 1] = NAN; /* the last element: read only by the last taps */
    }
}

static void pool_case(rng *r, cam__pool_params *p, int variant, float **in, float **ref, float **out)
{
    size_t insz = (size_t)p->c * p->ih * p->iw, outsz = (size_t)p->c * p->oh * p->ow;
    *in = rand_buf(r, insz, -3.0f, 3.0f);
    if (variant) special_values(r, *in, insz, variant == 2);
    *ref = (float *)malloc(outsz * sizeof(float));
    *out = (float *)malloc(outsz * sizeof(float));
    p->in = *in;
    p->out = *ref;
    cam__pool2d_ref(p, 0, p->c);
    p->out = *out;
}

/* The first element where a and b differ bit for bit, or -1. */
static long first_bit_diff(const float *a, const float *b, size_t n)
{
    size_t j;
    for (j = 0; j < n; ++j)
        if (memcmp(&a[j], &b[j], sizeof(float)) != 0) return (long)j;
    return -1;
}

/* >>pool */
static void test_pool(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 120; ++i) {
        cam__pool_params p;
        size_t outsz, j;
        long d;
        float *in, *ref, *out;
        int ok = 1, ceil_mode, span_h, span_w;
        char name[200], why[160];
        memset(&p, 0, sizeof p);
        p.is_max = i % 2;
        p.count_include_pad = rng_int(r, 0, 1);
        p.c = rng_int(r, 1, 12);
        switch (i % 5) {
        case 0: p.kh = p.kw = 2, p.sh = p.sw = 2; break;
        case 1: p.kh = p.kw = 3, p.sh = p.sw = 2; break;
        case 2: p.kh = p.kw = 3, p.sh = p.sw = 1; break;
        default:
            p.kh = rng_int(r, 1, 5), p.kw = rng_int(r, 1, 5);
            p.sh = rng_int(r, 1, 3), p.sw = rng_int(r, 1, 3);
        }
        p.dh = rng_int(r, 0, 3) ? 1 : 2;
        p.dw = rng_int(r, 0, 3) ? 1 : 2;
        span_h = (p.kh - 1) * p.dh + 1;
        span_w = (p.kw - 1) * p.dw + 1;
        p.pt = rng_int(r, 0, (span_h - 1) / 2);
        p.pb = rng_int(r, 0, (span_h - 1) / 2);
        p.pl = rng_int(r, 0, (span_w - 1) / 2);
        p.pr = rng_int(r, 0, (span_w - 1) / 2);
        p.ih = rng_int(r, span_h, 35);
        p.iw = rng_int(r, span_w, 35);
        if (i >= 70) p.iw = rng_int(r, span_w + 24, 70); /* rows of >= 12 outputs: the AVX-512 max pool */
        if (i >= 60 && i < 70) p.ih = rng_int(r, 120, 140), p.iw = rng_int(r, 125, 150), p.c = 2; /* plane > scratch */
        if ((i >= 67 && i < 70) || i >= 114) { /* pads beyond the kernel's span: windows wholly in padding
                                                  (direct path for the planes over the scratch) */
            p.pt = span_h + rng_int(r, 0, 2), p.pb = span_h + rng_int(r, 0, 2);
            p.pl = span_w + rng_int(r, 0, 2), p.pr = span_w + rng_int(r, 0, 2);
        }
        ceil_mode = rng_int(r, 0, 1);
        p.oh = (p.ih + p.pt + p.pb - span_h + (ceil_mode ? p.sh - 1 : 0)) / p.sh + 1;
        p.ow = (p.iw + p.pl + p.pr - span_w + (ceil_mode ? p.sw - 1 : 0)) / p.sw + 1;
        /* PyTorch/ORT rule: the last window must start inside input or left pad */
        if (ceil_mode && (p.oh - 1) * p.sh >= p.ih + p.pt) p.oh--;
        if (ceil_mode && (p.ow - 1) * p.sw >= p.iw + p.pl) p.ow--;
        outsz = (size_t)p.c * p.oh * p.ow;
        /* max pooling on any input: -inf next to the padding, NaN last in a
           window, -0/+0 ties (average pooling's zero borders meet -0) */
        pool_case(r, &p, p.is_max ? i % 3 : 0, &in, &ref, &out);
        for (j = 0; j < outsz; ++j) out[j] = -12345.0f;
        cam__pool2d(&p, 0, p.c / 2);
        cam__pool2d(&p, p.c / 2, p.c);
        why[0] = 0;
        if ((d = first_bit_diff(out, ref, outsz)) >= 0) {
            ok = 0;
            snprintf(why, sizeof why, "element %ld: simd %.9g ref %.9g", d, out[d], ref[d]);
        }
        snprintf(name, sizeof name, "pool %d: %s%s c %d in %dx%d k%dx%d s%dx%d d%dx%d pad %d,%d,%d,%d%s%s", i,
                 p.is_max ? "max" : "avg", p.is_max ? "" : (p.count_include_pad ? " incl-pad" : " excl-pad"), p.c, p.ih,
                 p.iw, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl, p.pb, p.pr, ceil_mode ? " ceil" : "",
                 !p.is_max || i % 3 == 0 ? "" : i % 3 == 1 ? " special" : " special+NaN");
        test_report(t, ok, name, "%s", why);
        free(in); free(ref); free(out);
    }

    /* ONNX semantics by hand: 1x1x3x3 input 1..9, 2x2 s2, ceil_mode, no pad:
       windows {1,2,4,5} {3,6} {7,8} {9} -> avg 3, 4.5, 7.5, 9; max 5, 6, 8, 9 */
    {
        float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, out[4];
        static const float avg[4] = {3.0f, 4.5f, 7.5f, 9.0f}, mx[4] = {5, 6, 8, 9};
        cam__pool_params p;
        int k, ok = 1;
        memset(&p, 0, sizeof p);
        p.c = 1, p.ih = p.iw = 3, p.oh = p.ow = 2, p.kh = p.kw = 2, p.sh = p.sw = 2, p.dh = p.dw = 1;
        p.in = in, p.out = out;
        cam__pool2d(&p, 0, 1);
        for (k = 0; k < 4; ++k) ok &= out[k] == avg[k];
        test_report(t, ok, "pool avg ceil_mode hand-computed", "got %g %g %g %g", out[0], out[1], out[2], out[3]);
        p.is_max = 1;
        cam__pool2d(&p, 0, 1);
        ok = 1;
        for (k = 0; k < 4; ++k) ok &= out[k] == mx[k];
        test_report(t, ok, "pool max ceil_mode hand-computed", "got %g %g %g %g", out[0], out[1], out[2], out[3]);
        /* count_include_pad with pad 1 (all sides), 3x3 s2 -> 2x2 outputs: corner
           window covers 4 real + 5 pad taps -> sum(1,2,4,5)/9 = 4/3 */
        p.is_max = 0, p.count_include_pad = 1, p.kh = p.kw = 3, p.pt = p.pl = p.pb = p.pr = 1;
        cam__pool2d(&p, 0, 1);
        test_report(t, fabsf(out[0] - 12.0f / 9.0f) < 1e-6f && fabsf(out[3] - 28.0f / 9.0f) < 1e-6f,
                    "pool avg count_include_pad hand-computed", "got %g %g", out[0], out[3]);
        p.count_include_pad = 0;
        cam__pool2d(&p, 0, 1);
        test_report(t, out[0] == 3.0f && out[3] == 7.0f, "pool avg exclude pad hand-computed", "got %g %g", out[0],
                    out[3]);
    }
}

/* >>maxpool-rows: the AVX-512 row and flat kernels (rows of >= 40 outputs, planes
   over the scratch) against the reference, bit for bit, on inputs with
   -0/+0 ties, +-inf, -FLT_MAX and NaN (the reference's order after a NaN
   differs from a separable one: the kernel must notice and redo the
   channel), split by channels and by output rows. */
#if defined(CAM__SIMD_AVX512)

static void test_maxpool_rows(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 90; ++i) {
        cam__pool_params p;
        size_t outsz, j;
        long d;
        float *in, *ref, *out;
        int ok = 1, ceil_mode, kind = i % 6, split, cut;
        char name[220], why[160];
        memset(&p, 0, sizeof p);
        p.is_max = 1;
        p.c = rng_int(r, 1, 3);
        p.dh = p.dw = 1;
        switch (kind) {
        case 0: p.kh = p.kw = 3, p.sh = p.sw = 2; break; /* ResNet, GoogLeNet */
        case 1: p.kh = p.kw = 2, p.sh = p.sw = 2; break; /* VGG */
        case 2: p.kh = p.kw = 3, p.sh = p.sw = 1; break; /* inception branches */
        default:
            p.kh = rng_int(r, 1, 4), p.kw = rng_int(r, 1, 5);
            p.sh = rng_int(r, 1, 3), p.sw = rng_int(r, 1, 2);
        }
        p.pt = rng_int(r, 0, p.kh - 1), p.pb = rng_int(r, 0, p.kh - 1);
        p.pl = rng_int(r, 0, p.kw - 1), p.pr = rng_int(r, 0, p.kw - 1);
        p.ih = rng_int(r, p.kh, 20);
        p.iw = rng_int(r, 40 * p.sw + p.kw, 150 * p.sw); /* >= 40 outputs per row */
        if (i % 10 == 9) p.ih = rng_int(r, 120, 160), p.iw = rng_int(r, 130, 230); /* plane over the scratch */
        ceil_mode = rng_int(r, 0, 1);
        p.oh = (p.ih + p.pt + p.pb - p.kh + (ceil_mode ? p.sh - 1 : 0)) / p.sh + 1;
        p.ow = (p.iw + p.pl + p.pr - p.kw + (ceil_mode ? p.sw - 1 : 0)) / p.sw + 1;
        if (ceil_mode && (p.oh - 1) * p.sh >= p.ih + p.pt) p.oh--;
        if (ceil_mode && (p.ow - 1) * p.sw >= p.iw + p.pl) p.ow--;
        if (!cam__maxpool_rows_ok(&p)) {
            test_report(t, 0, "maxpool rows: shape taken", "k%dx%d s%dx%d pad %d,%d,%d,%d in %dx%d out %dx%d", p.kh,
                        p.kw, p.sh, p.sw, p.pt, p.pl, p.pb, p.pr, p.ih, p.iw, p.oh, p.ow);
            continue;
        }
        outsz = (size_t)p.c * p.oh * p.ow;
        pool_case(r, &p, i % 3, &in, &ref, &out);
        why[0] = 0;
        for (split = 0; split < 3 && ok; ++split) {
            for (j = 0; j < outsz; ++j) out[j] = -12345.0f;
            cut = split == 0 ? p.oh : rng_int(r, 0, p.oh);
            if (split == 0) cam__pool2d(&p, 0, p.c); /* the dispatch takes this kernel */
            else if (split == 1) { /* by channels */
                cam__maxpool_rows_avx512(&p, 0, p.c / 2, 0, p.oh);
                cam__maxpool_rows_avx512(&p, p.c / 2, p.c, 0, p.oh);
            } else { /* by output rows */
                cam__maxpool_rows_avx512(&p, 0, p.c, 0, cut);
                cam__maxpool_rows_avx512(&p, 0, p.c, cut, p.oh);
            }
            if ((d = first_bit_diff(out, ref, outsz)) >= 0) {
                ok = 0;
                snprintf(why, sizeof why, "split %d (cut %d) element %ld: simd %.9g ref %.9g", split, cut, d, out[d],
                         ref[d]);
            }
        }
        snprintf(name, sizeof name, "maxpool rows %d: c %d in %dx%d k%dx%d s%dx%d pad %d,%d,%d,%d%s%s", i, p.c, p.ih,
                 p.iw, p.kh, p.kw, p.sh, p.sw, p.pt, p.pl, p.pb, p.pr, ceil_mode ? " ceil" : "",
                 i % 3 == 0 ? "" : i % 3 == 1 ? " special" : " special+NaN");
        test_report(t, ok, name, "%s", why);
        free(in); free(ref); free(out);
    }
}

/* The AVX-512 flat kernel (rows of < 40 outputs, ow == iw / sw): 'same'
   padding at stride 1, even widths at stride 2, as GoogLeNet's and VGG's
   small maps; planes of 1 .. 4096 floats, several channels (a vector
   spans rows and, at the plane's end, the next channel's floats). */
static void test_maxpool_flat(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 120; ++i) {
        cam__pool_params p;
        size_t outsz, j;
        long d;
        float *in, *ref, *out;
        int ok = 1, ceil_mode = rng_int(r, 0, 1), split;
        char name[220], why[160];
        memset(&p, 0, sizeof p);
        p.is_max = 1;
        p.c = rng_int(r, 1, 5);
        p.dh = p.dw = 1;
        p.sw = i % 2 ? 2 : 1;
        p.sh = i % 4 < 2 ? p.sw : rng_int(r, 1, 3);
        p.kh = i % 3 ? 3 : rng_int(r, 1, 4);
        if (p.sw == 1) {
            p.kw = i % 3 ? 3 : rng_int(r, 1, 5);
            p.pl = rng_int(r, 0, p.kw - 1), p.pr = p.kw - 1 - p.pl;
            p.iw = rng_int(r, 1, 39);
        } else {
            p.kw = i % 3 ? 3 - (i / 2) % 2 : rng_int(r, 1, 5); /* 3x3/s2 and 2x2/s2 */
            p.pl = p.kw == 3 && rng_int(r, 0, 1) ? 1 : 0, p.pr = p.pl;
            p.iw = 2 * rng_int(r, 1, 39);
        }
        p.pt = rng_int(r, 0, p.kh - 1), p.pb = rng_int(r, 0, p.kh - 1);
        p.ih = rng_int(r, p.kh, 4096 / p.iw < 60 ? 4096 / p.iw : 60);
        if (i % 8 == 0) /* 'same' rows on planes under 128 floats: the channel-group path (7x7) */
            p.pb = p.kh - 1 - p.pt, p.iw = rng_int(r, 1, 12), p.ih = rng_int(r, p.kh, 10), p.c = rng_int(r, 2, 40);
        if (p.ih < 1) p.ih = 1;
        p.oh = (p.ih + p.pt + p.pb - p.kh + (ceil_mode ? p.sh - 1 : 0)) / p.sh + 1;
        if (ceil_mode && (p.oh - 1) * p.sh >= p.ih + p.pt) p.oh--;
        p.ow = p.iw / p.sw;
        if (p.oh < 1 || !cam__maxpool_flat_ok(&p)) {
            --i; /* a shape the kernel does not take (e.g. iw + pads - kw): draw again */
            continue;
        }
        outsz = (size_t)p.c * p.oh * p.ow;
        pool_case(r, &p, i % 3, &in, &ref, &out);
        why[0] = 0;
        for (split = 0; split < 2 && ok; ++split) {
            int cut = rng_int(r, 0, p.c);
            for (j = 0; j < outsz; ++j) out[j] = -12345.0f;
            if (split == 0) cam__pool2d(&p, 0, p.c); /* the dispatch takes this kernel */
            else {
                cam__maxpool_flat_avx512(&p, 0, cut);
                cam__maxpool_flat_avx512(&p, cut, p.c);
            }
            if ((d = first_bit_diff(out, ref, outsz)) >= 0) {
                ok = 0;
                snprintf(why, sizeof why, "split %d element %ld: simd %.9g ref %.9g", split, d, out[d], ref[d]);
            }
        }
        snprintf(name, sizeof name, "maxpool flat %d: c %d in %dx%d k%dx%d s%dx%d pad %d,%d,%d,%d%s%s%s", i, p.c, p.ih,
                 p.iw, p.kh, p.kw, p.sh, p.sw, p.pt, p.pl, p.pb, p.pr, ceil_mode ? " ceil" : "",
                 i % 3 == 0 ? "" : i % 3 == 1 ? " special" : " special+NaN",
                 p.sw == 1 && p.sh == 1 && p.oh == p.ih && cam__mp_flat_group_ok(&p) ? " (channel groups)" : "");
        test_report(t, ok, name, "%s", why);
        free(in); free(ref); free(out);
    }
}
#endif

/* >>gemm */
static void test_gemm(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 40; ++i) {
        int m = rng_int(r, 1, 5), n = rng_int(r, 1, 70), k = rng_int(r, 1, 300), lda, ldb, ldc;
        float *a, *b, *bias, *ref, *out, *part;
        cam__act_params act = make_act(i % 8);
        int use_bias = rng_int(r, 0, 1), ok = 1, j, n0, n1, cut;
        char name[160], why[160];
        if (i == 0) m = 1, n = 4096, k = 4099;
        /* every M from 1 to 5 with odd N and a k tail (k % 16 and k % 8) */
        if (i >= 1 && i <= 5) m = i, n = 2 * rng_int(r, 1, 35) + 1, k = 16 * rng_int(r, 1, 20) + rng_int(r, 1, 15);
        lda = k + rng_int(r, 0, 3);
        ldb = k + rng_int(r, 0, 3);
        ldc = n + rng_int(r, 0, 3);
        a = rand_buf(r, (size_t)m * lda, -1.0f, 1.0f);
        b = rand_buf(r, (size_t)n * ldb, -1.0f, 1.0f);
        bias = rand_buf(r, (size_t)n, -1.0f, 1.0f);
        ref = (float *)malloc((size_t)m * ldc * sizeof(float));
        out = (float *)malloc((size_t)m * ldc * sizeof(float));
        part = (float *)malloc((size_t)m * ldc * sizeof(float));
        cam__gemm_nt_ref(m, n, k, a, lda, b, ldb, use_bias ? bias : NULL, ref, ldc, &act, 0, n);
        cam__gemm_nt(m, n, k, a, lda, b, ldb, use_bias ? bias : NULL, out, ldc, &act, 0, n);
        why[0] = 0;
        for (j = 0; j < m * n && ok; ++j) {
            int row = j / n, col = j % n, q;
            double mag = 1.0 + (use_bias ? fabs(bias[col]) : 0.0);
            size_t at = (size_t)row * ldc + col;
            for (q = 0; q < k; ++q) mag += fabs(a[(size_t)row * lda + q] * b[(size_t)col * ldb + q]);
            if (!(fabs((double)out[at] - ref[at]) <= 1e-5 * mag)) {
                ok = 0;
                snprintf(why, sizeof why, "m %d n %d: simd %.9g ref %.9g", row, col, out[at], ref[at]);
            }
        }
        snprintf(name, sizeof name, "gemm_nt %d: m %d n %d k %d %s%s", i, m, n, k, act_name(act.kind),
                 use_bias ? " bias" : "");
        test_report(t, ok, name, "%s", why);
        /* split over n: bit-identical, nothing written outside [n0, n1) */
        for (j = 0; j < m * ldc; ++j) part[j] = -12345.0f;
        n0 = rng_int(r, 0, n - 1);
        n1 = rng_int(r, n0 + 1, n);
        cut = rng_int(r, n0, n1);
        cam__gemm_nt(m, n, k, a, lda, b, ldb, use_bias ? bias : NULL, part, ldc, &act, n0, cut);
        cam__gemm_nt(m, n, k, a, lda, b, ldb, use_bias ? bias : NULL, part, ldc, &act, cut, n1);
        ok = 1;
        for (j = 0; j < m * n && ok; ++j) {
            int row = j / n, col = j % n;
            size_t at = (size_t)row * ldc + col;
            int inside = col >= n0 && col < n1;
            if (inside ? memcmp(&part[at], &out[at], sizeof(float)) != 0 : part[at] != -12345.0f) ok = 0;
        }
        snprintf(name, sizeof name, "gemm_nt %d split [%d,%d,%d)", i, n0, cut, n1);
        test_report(t, ok, name, "differs or writes outside");
        /* each row alone (M = 1, the 1 x 4 tile) equals its row of the M-row
           product (4 x 2 and 2 x 4 tiles) bit for bit: batch size does not
           change an image's result */
        ok = 1;
        for (j = 0; j < m && ok; ++j) {
            cam__gemm_nt(1, n, k, a + (size_t)j * lda, lda, b, ldb, use_bias ? bias : NULL, part, ldc, &act, 0, n);
            if (memcmp(part, out + (size_t)j * ldc, (size_t)n * sizeof(float)) != 0) ok = 0;
        }
        snprintf(name, sizeof name, "gemm_nt %d rows alone equal the m %d product", i, m);
        test_report(t, ok, name, "row %d differs", j - 1);
        free(a); free(b); free(bias); free(ref); free(out); free(part);
    }
}

/* >>cam-map: the class-vectorised CAM product (cam__mapc_tile against its
   reference, tile by tile with k chunks and pixel tails; cam__map_packed
   against a double sum, split over class blocks, and against
   cam_map_compute) */
static void test_cam_map(test_ctx *t, rng *r)
{
    int i;
    for (i = 0; i < 24; ++i) {
        int c = rng_int(r, 1, 130), k = rng_int(r, 1, 300), hw = rng_int(r, 1, 60), poswt = i % 2, relu = i % 3 == 2;
        int c_lo, n, nb, ok = 1, j, p, cut, b_lo, b_hi, *cls;
        float *w, *f, *wp, *tile, *tref, *out, *part, *old;
        size_t nf;
        double worst = 0.0;
        char name[160], why[200];
        if (i == 0) c = 100, k = 512, hw = 49;
        if (i == 1) hw = 1;
        if (i == 2) k = 1;
        if (i == 3) hw = 130; /* cam_map_compute's few-class path: several 64-pixel chunks */
        w = rand_buf(r, (size_t)c * k, -1.0f, 1.0f);
        f = rand_buf(r, (size_t)k * hw, -0.5f, 1.0f);
        for (j = 0; j < k * hw; ++j)
            if (f[j] < 0.0f) f[j] = 0.0f; /* ReLU features: many zeros */
        nf = cam__mapc_packed_floats(c, k);
        wp = (float *)malloc(nf * sizeof(float));
        cam__mapc_pack(w, c, k, poswt, wp);
        /* tiles: SIMD against reference, every pixel count, k in two chunks */
        tile = (float *)malloc(sizeof(float) * CAM__MAPC_PX * CAM__MAPC_CB);
        tref = (float *)malloc(sizeof(float) * CAM__MAPC_PX * CAM__MAPC_CB);
        why[0] = 0;
        for (p = 1; p <= CAM__MAPC_PX && p <= hw; ++p) {
            int b = rng_int(r, 0, (c - 1) / CAM__MAPC_CB), k1 = rng_int(r, 0, k), q;
            const float *wb = wp + (size_t)b * k * CAM__MAPC_CB;
            int p0 = rng_int(r, 0, hw - p);
            cam__mapc_tile(wb, k1, f + p0, hw, p, tile, 1, NULL);
            cam__mapc_tile(wb + (size_t)k1 * CAM__MAPC_CB, k - k1, f + (size_t)k1 * hw + p0, hw, p, tile, 0, wb);
            cam__mapc_tile_ref(wb, k, f + p0, hw, p, tref, 1, NULL);
            for (q = 0; q < CAM__MAPC_PX * CAM__MAPC_CB; ++q) {
                int px = q / CAM__MAPC_CB, cl = q % CAM__MAPC_CB, kk;
                double mag = 1.0, e;
                for (kk = 0; kk < k; ++kk)
                    mag += fabs(wb[(size_t)kk * CAM__MAPC_CB + cl] * f[(size_t)kk * hw + p0 + (px < p ? px : p - 1)]);
                e = fabs((double)tile[q] - tref[q]) / mag;
                if (!(e <= 1e-5)) {
                    ok = 0;
                    snprintf(why, sizeof why, "pixels %d: [%d][%d] simd %.9g ref %.9g", p, px, cl, tile[q], tref[q]);
                }
            }
        }
        snprintf(name, sizeof name, "cam_map tile %d: c %d k %d hw %d%s", i, c, k, hw, poswt ? " poswt" : "");
        test_report(t, ok, name, "%s", why);
        /* the driver over a run of classes: against a double sum */
        c_lo = rng_int(r, 0, c - 1);
        n = rng_int(r, 1, c - c_lo);
        if (i < 4) c_lo = 0, n = c;
        nb = (c_lo + n - 1) / CAM__MAPC_CB + 1;
        out = (float *)malloc(sizeof(float) * (size_t)n * hw);
        part = (float *)malloc(sizeof(float) * (size_t)n * hw);
        old = (float *)malloc(sizeof(float) * (size_t)n * hw);
        cls = (int *)malloc(sizeof(int) * (size_t)n);
        cam__map_packed(wp, k, f, hw, c_lo, n, c_lo / CAM__MAPC_CB, nb, 0, hw, relu, out);
        ok = 1;
        why[0] = 0;
        for (j = 0; j < n * hw; ++j) {
            int cl = c_lo + j / hw, px = j % hw, kk;
            double acc = 0.0, mag = 1.0, e;
            for (kk = 0; kk < k; ++kk) {
                double wv = w[(size_t)cl * k + kk];
                if (poswt && !(wv > 0.0)) wv = 0.0;
                acc += wv * f[(size_t)kk * hw + px];
                mag += fabs(wv * f[(size_t)kk * hw + px]);
            }
            if (relu && acc < 0.0) acc = 0.0;
            e = fabs(acc - out[j]) / mag;
            worst = e > worst ? e : worst;
            if (!(e <= 1e-5) && ok) {
                ok = 0;
                snprintf(why, sizeof why, "class %d pixel %d: %.9g, direct %.9g", cl, px, out[j], acc);
            }
        }
        snprintf(name, sizeof name, "cam_map packed %d: classes [%d,%d) of %d, k %d hw %d%s%s", i, c_lo, c_lo + n, c,
                 k, hw, poswt ? " poswt" : "", relu ? " relu" : "");
        test_report(t, ok, name, "%s (worst %g)", why, worst);
        /* split over class blocks: bit-identical (the thread split) */
        b_lo = c_lo / CAM__MAPC_CB;
        b_hi = nb;
        cut = rng_int(r, b_lo, b_hi);
        for (j = 0; j < n * hw; ++j) part[j] = -12345.0f;
        cam__map_packed(wp, k, f, hw, c_lo, n, b_lo, cut, 0, hw, relu, part);
        cam__map_packed(wp, k, f, hw, c_lo, n, cut, b_hi, 0, hw, relu, part);
        snprintf(name, sizeof name, "cam_map packed %d split at block %d of [%d,%d)", i, cut, b_lo, b_hi);
        test_report(t, !memcmp(part, out, sizeof(float) * (size_t)n * hw), name, "differs");
        /* and inside a block, at a pixel tile (the 2-thread split of 1000
           classes): bit-identical too */
        if (cut < b_hi) {
            int ptile = CAM__MAPC_PX * rng_int(r, 0, (hw - 1) / CAM__MAPC_PX);
            for (j = 0; j < n * hw; ++j) part[j] = -12345.0f;
            cam__map_packed(wp, k, f, hw, c_lo, n, b_lo, cut, 0, hw, relu, part);
            cam__map_packed(wp, k, f, hw, c_lo, n, cut, cut + 1, 0, ptile, relu, part);
            cam__map_packed(wp, k, f, hw, c_lo, n, cut, cut + 1, ptile, hw, relu, part);
            cam__map_packed(wp, k, f, hw, c_lo, n, cut + 1, b_hi, 0, hw, relu, part);
            snprintf(name, sizeof name, "cam_map packed %d split in block %d at pixel %d", i, cut, ptile);
            test_report(t, !memcmp(part, out, sizeof(float) * (size_t)n * hw), name, "differs");
        }
        /* the classifier GEMV on the packed weights (a CAM head's Gemm):
           against the reference, and equal to the map of a pixel whose
           features are the GEMV's input (the same FMA chain) */
        {
            int b = rng_int(r, 0, (c - 1) / CAM__MAPC_CB), px = rng_int(r, 0, hw - 1), q;
            const float *wb = wp + (size_t)b * k * CAM__MAPC_CB;
            float *x = (float *)malloc(sizeof(float) * (size_t)k), g[CAM__MAPC_CB], gref[CAM__MAPC_CB];
            for (j = 0; j < k; ++j) x[j] = f[(size_t)j * hw + px];
            cam__mapc_gemv(wb, k, x, g);
            cam__mapc_gemv_ref(wb, k, x, gref);
            cam__mapc_tile(wb, k, x, 1, 1, tile, 1, NULL);
            ok = 1;
            for (q = 0; q < CAM__MAPC_CB; ++q) {
                double mag = 1.0;
                for (j = 0; j < k; ++j) mag += fabs(wb[(size_t)j * CAM__MAPC_CB + q] * x[j]);
                if (!(fabs((double)g[q] - gref[q]) / mag <= 1e-5) || memcmp(&g[q], &tile[q], sizeof(float)))
                    ok = 0;
            }
            snprintf(name, sizeof name, "cam_map gemv %d: k %d block %d", i, k, b);
            test_report(t, ok, name, "differs from the reference or the tile");
            free(x);
        }
#if defined(CAM__SIMD_AVX2)
        /* one FMA chain over k per element in both kernels: the packed maps
           equal cam_map_compute's bit for bit (top-5 maps = all-class maps) */
        for (j = 0; j < n; ++j) cls[j] = c_lo + j;
        cam_map_compute(w, c, k, f, hw, cls, n,
                        relu ? CAM_RECTIFY_RELU : poswt ? CAM_RECTIFY_POSITIVE_WEIGHTS : CAM_RECTIFY_NONE, old);
        snprintf(name, sizeof name, "cam_map packed %d equals cam_map_compute", i);
        if (!(relu && poswt)) /* cam_map_compute has no rectify mode for both */
            test_report(t, !memcmp(old, out, sizeof(float) * (size_t)n * hw), name, "differs");
        /* a few classes (the top-5 path of AVX-512 builds): the same bits */
        {
            int nf = n < 1 + i % 7 ? n : 1 + i % 7;
            cam_map_compute(w, c, k, f, hw, cls, nf,
                            relu ? CAM_RECTIFY_RELU : poswt ? CAM_RECTIFY_POSITIVE_WEIGHTS : CAM_RECTIFY_NONE, old);
            snprintf(name, sizeof name, "cam_map packed %d equals cam_map_compute for %d classes", i, nf);
            if (!(relu && poswt))
                test_report(t, !memcmp(old, out, sizeof(float) * (size_t)nf * hw), name, "differs");
        }
#endif
        free(w); free(f); free(wp); free(tile); free(tref); free(out); free(part); free(old); free(cls);
    }
}

/* >>cam-resample-range: the min and max cam__vis_resample_map takes while it
   writes a map (the boxes' threshold without a second pass) equal
   cam_map_range on the map it wrote, for every size, interpolation and
   source it accepts; sources with NaN, inf or huge values are declined (the
   caller then reads the map). AVX-512 builds take it for bilinear maps. */
static void test_resample_range(test_ctx *t, rng *r)
{
    static const int sizes[][4] = {{7, 7, 224, 224}, {14, 14, 224, 224}, {1, 1, 5, 3}, {13, 9, 40, 17},
                                   {30, 20, 7, 11}, {3, 4, 600, 9}, {16, 5, 33, 70}, {17, 6, 300, 41}};
    int c, interp, special;
    for (c = 0; c < 8; ++c)
        for (interp = 0; interp < 3; ++interp)
            for (special = 0; special < 5; ++special) {
                int sw = sizes[c][0], sh = sizes[c][1], dw = sizes[c][2], dh = sizes[c][3], got, ok;
                float *src = rand_buf(r, (size_t)sw * sh, -3.0f, 5.0f), range[2] = {0, 0}, lo, hi;
                float *dst = (float *)malloc(sizeof(float) * (size_t)dw * dh);
                float *ref = (float *)malloc(sizeof(float) * (size_t)dw * dh);
                size_t n = (size_t)dw * dh, cnt;
                char name[160];
                const float specials[5] = {0.0f, NAN, INFINITY, -1e37f, 2e36f};
                if (special)
                    src[rng_int(r, 0, sw * sh - 1)] = specials[special];
                got = cam__vis_resample_map(src, sw, sh, dst, dw, dh, (double)sw / dw, 0.0, (double)sh / dh, 0.0,
                                            (cam_interp)interp, range);
                cam_map_resize(src, sw, sh, ref, dw, dh, (cam_interp)interp);
                cnt = cam_map_range(dst, n, &lo, &hi);
                ok = !memcmp(dst, ref, sizeof(float) * n) && (!got || (cnt == n && range[0] == lo && range[1] == hi));
                if (special)
                    ok = ok && !got; /* declined */
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
                if (!special && interp == CAM_INTERP_BILINEAR)
                    ok = ok && got; /* taken */
#endif
                snprintf(name, sizeof name, "resample range %dx%d -> %dx%d interp %d special %d", sw, sh, dw, dh,
                         interp, special);
                test_report(t, ok, name, "taken %d: %.9g %.9g, map %.9g %.9g (%zu of %zu finite)", got, range[0],
                            range[1], lo, hi, cnt, n);
                free(src);
                free(dst);
                free(ref);
            }
}

/* >>pad-rows: the padding pass (cam__pad_rows) against its reference, bit
   for bit, rows outside [y0, y1) untouched: network shapes (one vector per
   padded row at 14x14 and 7x7, 3 vectors and a tail at 56x56), rows of
   exactly 16 and 32 floats, an unpadded row of 16, and random pads */
static void pad_rows_check(test_ctx *t, int c, int ih, int iw, int pt, int pl, int pb, int pr, int y0, int y1)
{
    int ph = pt + ih + pb, pw = pl + iw + pr;
    size_t n = (size_t)c * ph * pw, i;
    float *in = (float *)malloc((size_t)c * ih * iw * sizeof(float)), *ref = (float *)malloc(n * sizeof(float)),
          *out = (float *)malloc(n * sizeof(float));
    char name[120];
    int ok;
    for (i = 0; i < (size_t)c * ih * iw; ++i) in[i] = (float)i + 0.5f;
    for (i = 0; i < n; ++i) ref[i] = out[i] = -7.0f;
    cam__pad_rows_ref(in, ref, c, ih, iw, pt, pl, ph, pw, y0, y1);
    cam__pad_rows(in, out, c, ih, iw, pt, pl, ph, pw, y0, y1);
    ok = memcmp(ref, out, n * sizeof(float)) == 0;
    snprintf(name, sizeof name, "pad_rows c %d %dx%d pads %d,%d,%d,%d rows %d..%d", c, ih, iw, pt, pl, pb, pr, y0, y1);
    test_report(t, ok, name, "%s", ok ? "" : "differs from the reference");
    free(in);
    free(ref);
    free(out);
}

static void test_pad_rows(test_ctx *t, rng *r)
{
    static const int fixed[][6] = {{3, 14, 14, 1, 1, 1}, {4, 7, 7, 1, 1, 1}, {2, 56, 56, 1, 1, 1}, {2, 28, 28, 1, 1, 1},
                                   {2, 5, 30, 1, 1, 1},  {2, 4, 16, 0, 0, 0}, {3, 6, 12, 2, 2, 2}, {1, 9, 15, 3, 1, 0}};
    int i;
    for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); ++i) {
        const int *f = fixed[i];
        int ph = f[1] + 2 * f[3];
        pad_rows_check(t, f[0], f[1], f[2], f[3], f[4], f[3], f[5], 0, ph);
        pad_rows_check(t, f[0], f[1], f[2], f[3], f[4], f[3], f[5], 1, ph - 1);
    }
    for (i = 0; i < 30; ++i) {
        int c = rng_int(r, 1, 5), ih = rng_int(r, 1, 40), iw = rng_int(r, 1, 70), pt = rng_int(r, 0, 3);
        int pl = rng_int(r, 0, 3), pb = rng_int(r, 0, 3), pr = rng_int(r, 0, 3), ph = pt + ih + pb;
        int y0 = rng_int(r, 0, ph - 1), y1 = rng_int(r, y0 + 1, ph);
        pad_rows_check(t, c, ih, iw, pt, pl, pb, pr, y0, y1);
    }
}

/* >>winograd: the F(2x2,3x3) transforms (cam__wino_in, cam__wino_out)
   against their references bit for bit (sigmoid and tanh within 2e-6), cells outside the tiles given left
   untouched: network rows (112, 28, 7 tiles), odd maps (the last tile
   reads zeros past the plane), part rows, every activation, bias and
   residual on and off, pitched output; then the whole method (references
   and a plain GEMM) against the direct 3x3 sum in double precision. */
static void wino_in_check(test_ctx *t, rng *r, int c, int ih, int iw, int ty, int tx0, int tx1)
{
    int nt = tx1 - tx0, pitch = nt + rng_int(r, 0, 3);
    size_t plane = (size_t)c * pitch + (size_t)rng_int(r, 0, 5), n = 16 * plane, i;
    float *in = rand_buf(r, (size_t)c * ih * iw, -2.0f, 2.0f), *ref = (float *)malloc(n * sizeof(float)),
          *out = (float *)malloc(n * sizeof(float));
    char name[120];
    int ok;
    for (i = 0; i < n; ++i) ref[i] = out[i] = -7.0f;
    cam__wino_in_ref(in, c, ih, iw, ty, tx0, tx1, ref, plane, (size_t)pitch);
    cam__wino_in(in, c, ih, iw, ty, tx0, tx1, out, plane, (size_t)pitch);
    ok = memcmp(ref, out, n * sizeof(float)) == 0;
    snprintf(name, sizeof name, "wino_in c %d %dx%d tile row %d tiles %d..%d", c, ih, iw, ty, tx0, tx1);
    test_report(t, ok, name, "%s", ok ? "" : "differs from the reference");
    free(in);
    free(ref);
    free(out);
}

static void wino_out_check(test_ctx *t, rng *r, int nk, int oh, int ow, int ty, int tx0, int tx1, int act, int bias,
                           int res)
{
    int nt = tx1 - tx0, opw = ow + rng_int(r, 0, 3);
    size_t mpitch = (size_t)nt + (size_t)rng_int(r, 0, 3), mplane = (size_t)nk * mpitch + (size_t)rng_int(r, 0, 5);
    size_t oplane = (size_t)oh * opw + (size_t)rng_int(r, 0, 4), n = (size_t)nk * oplane, i;
    float *m = rand_buf(r, 16 * mplane, -2.0f, 2.0f), *b = rand_buf(r, (size_t)nk, -1.0f, 1.0f);
    float *rs = rand_buf(r, (size_t)nk * oh * ow, -1.0f, 1.0f);
    float *ref = (float *)malloc(n * sizeof(float)), *out = (float *)malloc(n * sizeof(float));
    cam__act_params a = make_act(act);
    char name[160];
    int ok;
    for (i = 0; i < n; ++i) ref[i] = out[i] = -7.0f;
    cam__wino_out_ref(m, mplane, mpitch, nk, ty, tx0, tx1, oh, ow, bias ? b : NULL, res ? rs : NULL, ref, opw, oplane, &a);
    cam__wino_out(m, mplane, mpitch, nk, ty, tx0, tx1, oh, ow, bias ? b : NULL, res ? rs : NULL, out, opw, oplane, &a);
    if (act == CAM__ACT_SIGMOID || act == CAM__ACT_TANH) {
        /* the vector exp (SLEEF or cam's own) is not expf: 1-2 ulp */
        for (ok = 1, i = 0; i < n; ++i)
            ok = ok && fabsf(ref[i] - out[i]) <= 2e-6f;
    } else {
        ok = memcmp(ref, out, n * sizeof(float)) == 0;
    }
    snprintf(name, sizeof name, "wino_out k %d %dx%d pitch %d tile row %d tiles %d..%d act %s%s%s", nk, oh, ow, opw, ty,
             tx0, tx1, act_name((cam__act_kind)act), bias ? " bias" : "", res ? " res" : "");
    test_report(t, ok, name, "%s", ok ? "" : "differs from the reference");
    free(m);
    free(b);
    free(rs);
    free(ref);
    free(out);
}

/* The method end to end on one padded input (c x ih x iw, k outputs of
   (ih-2) x (iw-2)): relative error against the direct sum in double. */
static void wino_math_check(test_ctx *t, rng *r, int c, int k, int ih, int iw)
{
    int oh = ih - 2, ow = iw - 2, ty_n = (oh + 1) / 2, tx_n = (ow + 1) / 2, xi, ch, o, ty, tx, y, x, i, j;
    size_t vplane = (size_t)c * tx_n, mplane = (size_t)k * tx_n;
    float *in = rand_buf(r, (size_t)c * ih * iw, -1.0f, 1.0f), *w = rand_buf(r, (size_t)k * c * 9, -1.0f, 1.0f);
    float *u = (float *)malloc((size_t)k * c * 16 * sizeof(float)), *v = (float *)malloc(16 * vplane * sizeof(float));
    float *m = (float *)malloc(16 * mplane * sizeof(float)), *out = (float *)malloc((size_t)k * oh * ow * sizeof(float));
    double worst = 0, big = 0;
    cam__act_params a = make_act(CAM__ACT_NONE);
    char name[120];
    for (i = 0; i < k * c; ++i) cam__wino_weights(w + (size_t)i * 9, u + (size_t)i * 16);
    for (ty = 0; ty < ty_n; ++ty) {
        cam__wino_in_ref(in, c, ih, iw, ty, 0, tx_n, v, vplane, (size_t)tx_n);
        for (xi = 0; xi < 16; ++xi)
            for (o = 0; o < k; ++o)
                for (tx = 0; tx < tx_n; ++tx) {
                    float acc = 0;
                    for (ch = 0; ch < c; ++ch)
                        acc += u[((size_t)o * c + ch) * 16 + xi] * v[xi * vplane + (size_t)ch * tx_n + tx];
                    m[xi * mplane + (size_t)o * tx_n + tx] = acc;
                }
        cam__wino_out_ref(m, mplane, (size_t)tx_n, k, ty, 0, tx_n, oh, ow, NULL, NULL, out, ow, (size_t)oh * ow, &a);
    }
    for (o = 0; o < k; ++o)
        for (y = 0; y < oh; ++y)
            for (x = 0; x < ow; ++x) {
                double s = 0, d;
                for (ch = 0; ch < c; ++ch)
                    for (i = 0; i < 3; ++i)
                        for (j = 0; j < 3; ++j)
                            s += (double)w[((size_t)o * c + ch) * 9 + i * 3 + j] * in[((size_t)ch * ih + y + i) * iw + x + j];
                d = fabs(s - out[((size_t)o * oh + y) * ow + x]);
                worst = d > worst ? d : worst;
                big = fabs(s) > big ? fabs(s) : big;
            }
    snprintf(name, sizeof name, "wino_math c %d k %d %dx%d", c, k, ih, iw);
    test_report(t, worst <= 1e-5 * (big > 1 ? big : 1), name, "max error %g (largest output %g)", worst, big);
    free(in);
    free(w);
    free(u);
    free(v);
    free(m);
    free(out);
}

static void test_wino(test_ctx *t, rng *r)
{
    /* padded input sizes: 226 (112 tiles), 58 (28), 16 (7), 9 (odd map 7), 5, 3 (one output) */
    static const int sizes[][2] = {{226, 226}, {58, 58}, {16, 16}, {9, 9}, {5, 12}, {3, 3}, {17, 40}, {4, 35}};
    int i;
    for (i = 0; i < (int)(sizeof sizes / sizeof sizes[0]); ++i) {
        int ih = sizes[i][0], iw = sizes[i][1], tx_n = (iw - 1) / 2, ty_n = (ih - 1) / 2;
        wino_in_check(t, r, 3, ih, iw, ty_n - 1, 0, tx_n);
        wino_in_check(t, r, 2, ih, iw, 0, tx_n / 3, tx_n);
        wino_out_check(t, r, 3, ih - 2, iw - 2, ty_n - 1, 0, tx_n, i % 3 ? CAM__ACT_RELU : CAM__ACT_NONE, i & 1, i & 2);
        wino_out_check(t, r, 2, ih - 2, iw - 2, 0, tx_n / 2, tx_n, CAM__ACT_CLIP, 1, 1);
    }
    for (i = 0; i < 40; ++i) {
        int ih = rng_int(r, 3, 40), iw = rng_int(r, 3, 80), tx_n = (iw - 1) / 2, ty = rng_int(r, 0, (ih - 1) / 2 - 1);
        int tx0 = rng_int(r, 0, tx_n - 1), tx1 = rng_int(r, tx0 + 1, tx_n);
        wino_in_check(t, r, rng_int(r, 1, 4), ih, iw, ty, tx0, tx1);
        wino_out_check(t, r, rng_int(r, 1, 4), ih - 2, iw - 2, ty, tx0, tx1, i % 8, i & 1, (i >> 1) & 1);
    }
    wino_math_check(t, r, 3, 5, 9, 9);
    wino_math_check(t, r, 16, 4, 14, 11);
    wino_math_check(t, r, 7, 3, 3, 20);
}

/* >>gpool: global pooling (cam__gpool) against its reference, bit for bit,
   only [c0, c1) written: network shapes (2048 x 7x7, 1000 x 13x13), plane
   sizes around the 16-element blocks, channel counts around the two
   16-channel blocks, random ranges; max pooling with -0/+0, infinities and
   NaN in the planes */
static void gpool_check(test_ctx *t, rng *r, int c, int hw, int is_max, int c0, int c1)
{
    size_t n = (size_t)c * hw, i;
    float *x = rand_buf(r, n, -3.0f, 3.0f), *ref = (float *)malloc((size_t)c * sizeof(float)),
          *out = (float *)malloc((size_t)c * sizeof(float));
    char name[120];
    int ok;
    if (is_max && n > 8) {
        x[rng_int(r, 0, (int)n - 1)] = -0.0f, x[rng_int(r, 0, (int)n - 1)] = 0.0f;
        x[rng_int(r, 0, (int)n - 1)] = HUGE_VALF, x[rng_int(r, 0, (int)n - 1)] = -HUGE_VALF;
        x[rng_int(r, 0, (int)n - 1)] = NAN;
    }
    for (i = 0; i < (size_t)c; ++i) ref[i] = out[i] = -7.0f;
    cam__gpool_ref(x, ref, (size_t)hw, is_max, c0, c1);
    cam__gpool(x, out, (size_t)hw, is_max, c0, c1);
    ok = memcmp(ref, out, (size_t)c * sizeof(float)) == 0;
    snprintf(name, sizeof name, "gpool %s c %d hw %d channels %d..%d", is_max ? "max" : "avg", c, hw, c0, c1);
    test_report(t, ok, name, "%s", ok ? "" : "differs from the reference");
    free(x);
    free(ref);
    free(out);
}

static void test_gpool(test_ctx *t, rng *r)
{
    static const int fixed[][2] = {{2048, 49}, {1000, 169}, {1280, 49}, {33, 16}, {17, 17}, {32, 1}, {5, 15}, {48, 32}};
    int i, m;
    for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); ++i)
        for (m = 0; m < 2; ++m) {
            gpool_check(t, r, fixed[i][0], fixed[i][1], m, 0, fixed[i][0]);
            gpool_check(t, r, fixed[i][0], fixed[i][1], m, 1, fixed[i][0] - 1 > 1 ? fixed[i][0] - 1 : 2);
        }
    for (i = 0; i < 30; ++i) {
        int c = rng_int(r, 1, 70), hw = rng_int(r, 1, 200), c0 = rng_int(r, 0, c - 1), c1 = rng_int(r, c0 + 1, c);
        gpool_check(t, r, c, hw, i & 1, c0, c1);
    }
}

/* >>elementwise */
static void test_vec(test_ctx *t, rng *r)
{
    int kind;
    size_t n = 1000 + 7, j;
    float *x = rand_buf(r, n, -12.0f, 12.0f), *ref = (float *)malloc(n * sizeof(float)),
          *y = (float *)malloc(n * sizeof(float));
    char name[80], why[160];
    x[0] = 0.0f, x[1] = -0.0f, x[2] = 1e-7f, x[3] = -1e-7f, x[4] = 60.0f, x[5] = -60.0f, x[6] = -3.0f, x[7] = 3.0f;
    for (kind = 0; kind <= CAM__ACT_TANH; ++kind) {
        cam__act_params a = make_act(kind);
        int ok = 1;
        size_t len = (size_t)rng_int(r, 1, (int)n);
        cam__vec_act_ref(x, ref, n, &a);
        memcpy(y, x, n * sizeof(float));
        cam__vec_act(y, y, len, &a); /* in place, odd length */
        cam__vec_act(x + len, y + len, n - len, &a);
        why[0] = 0;
        for (j = 0; j < n; ++j)
            if (!(fabs((double)y[j] - ref[j]) <= 2e-6 + 2e-6 * fabs(ref[j]))) {
                ok = 0;
                snprintf(why, sizeof why, "x %.9g: simd %.9g ref %.9g", x[j], y[j], ref[j]);
                break;
            }
        snprintf(name, sizeof name, "vec_act %s", act_name((cam__act_kind)kind));
        test_report(t, ok, name, "%s", why);
    }
    {
        int ok = 1;
        float big[6] = {-100.0f, -87.0f, 0.0f, 88.0f, 89.0f, 200.0f}, e[6];
        for (j = 0; j < n; ++j) x[j] = rng_f(r, -87.0f, 88.0f);
        cam__vec_exp_ref(x, ref, n);
        cam__vec_exp(x, y, n - 3);
        cam__vec_exp(x + n - 3, y + n - 3, 3);
        why[0] = 0;
        for (j = 0; j < n; ++j)
            if (!(fabs((double)y[j] - ref[j]) <= 1e-6 * fabs(ref[j]))) {
                ok = 0;
                snprintf(why, sizeof why, "exp(%.9g): simd %.9g ref %.9g", x[j], y[j], ref[j]);
                break;
            }
        test_report(t, ok, "vec_exp relative error <= 1e-6 on [-87, 88]", "%s", why);
        cam__vec_exp(big, e, 6);
        test_report(t, e[0] >= 0.0f && e[0] < 1e-37f && e[2] == 1.0f && fabsf(e[3] / expf(88.0f) - 1.0f) < 1e-6f &&
                        e[4] > 3e38f && e[5] > 3e38f,
                    "vec_exp range ends", "got %g %g %g %g %g %g", e[0], e[1], e[2], e[3], e[4], e[5]);
    }
    free(x); free(ref); free(y);
}

/* >>threadpool */
typedef struct pool_ctx {
    int *hits;
    int n_threads;
    int bad_thread;
} pool_ctx;

static void pool_task(void *ctx, int task, int thread)
{
    pool_ctx *c = (pool_ctx *)ctx;
    __atomic_add_fetch(&c->hits[task], 1, __ATOMIC_RELAXED);
    if (thread < 0 || thread >= c->n_threads) __atomic_store_n(&c->bad_thread, 1, __ATOMIC_RELAXED);
}

static void test_pool_threads(test_ctx *t)
{
    static const int counts[] = {1, 2, 3, 4};
    static const int tasks[] = {0, 1, 2, 7, 64, 1000};
    int ci, ti, rep;
    for (ci = 0; ci < 4; ++ci) {
        cam__threadpool *p = NULL;
        cam_result rc = cam__threadpool_create(&p, counts[ci], NULL);
        char name[80];
        int ok = rc == CAM_OK && p != NULL, hits[1000];
        snprintf(name, sizeof name, "threadpool %d threads: create", counts[ci]);
        test_report(t, ok, name, "rc %d", (int)rc);
        if (!ok) continue;
        for (ti = 0; ti < 6; ++ti) {
            pool_ctx c;
            int j, reps = tasks[ti] <= 7 ? 500 : 20, bad = 0;
            c.hits = hits;
            c.n_threads = cam__threadpool_threads(p);
            c.bad_thread = 0;
            for (rep = 0; rep < reps && !bad; ++rep) {
                memset(hits, 0, sizeof hits);
                cam__threadpool_run(p, pool_task, &c, tasks[ti]);
                for (j = 0; j < tasks[ti]; ++j) bad |= hits[j] != 1;
                for (j = tasks[ti]; j < 1000; ++j) bad |= hits[j] != 0;
                bad |= c.bad_thread;
            }
            snprintf(name, sizeof name, "threadpool %d threads: %d tasks x %d runs exactly once", counts[ci], tasks[ti],
                     reps);
            test_report(t, !bad, name, "a task ran %s", c.bad_thread ? "on a bad thread index" : "not exactly once");
        }
        cam__threadpool_destroy(p);
    }
    {
        cam__threadpool *p = NULL;
        cam_result rc = cam__threadpool_create(&p, 0, NULL);
        test_report(t, rc == CAM_OK && cam__threadpool_threads(p) == cam__cpu_count(), "threadpool 0 threads = cpu count",
                    "rc %d", (int)rc);
        cam__threadpool_destroy(p);
        cam__threadpool_destroy(NULL);
    }
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    rng r;
    r.s = argc > 1 ? strtoull(argv[1], NULL, 10) : 20261125ULL;
    (void)argv;
    printf("# kernels: %s\n", cam__simd_name());
    test_conv(&t, &r);
    test_dwconv(&t, &r);
    test_pool(&t, &r);
#if defined(CAM__SIMD_AVX512)
    test_maxpool_rows(&t, &r);
    test_maxpool_flat(&t, &r);
#endif
    test_gemm(&t, &r);
    test_vec(&t, &r);
    test_cam_map(&t, &r);
    test_resample_range(&t, &r);
    test_pad_rows(&t, &r);
    test_gpool(&t, &r);
    test_wino(&t, &r);
    test_pool_threads(&t);
    printf("# %d passed, %d failed\n", t.passed, t.failed);
    return test_done(&t);
}
