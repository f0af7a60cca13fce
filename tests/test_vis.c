/* Tests of the CAM / box / image / picture section of cam.h that need no
   model: box extraction on hand-built maps and against a flood-fill labeller,
   resampling against direct formulas, preprocessing and coordinate
   transforms, image I/O and every error path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "cam.h"
#include <stb/stb_image_write.h>
#include "tests/test_util.h"

/* ---- helpers ---------------------------------------------------------- */
static unsigned rnd_next(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}
static float rnd_float(unsigned *s) /* [0, 1) */
{
    return (float)(rnd_next(s) & 0xffffff) / 16777216.0f;
}

/* Map from ASCII art: '.' = 0, digits = their value, 'n' = NaN. */
static void art(const char *rows, int w, int h, float *m)
{
    int i;
    for (i = 0; i < w * h; i++) {
        char c = rows[i];
        m[i] = c == '.' ? 0.0f : c == 'n' ? NAN : (float)(c - '0');
    }
}

static int box_is(const cam_box *b, int x0, int y0, int x1, int y1)
{
    return b->x0 == x0 && b->y0 == y0 && b->x1 == x1 && b->y1 == y1;
}

/* Independent labeller: threshold in double, iterative flood fill, then the
   same ordering rule (pixels desc, sum desc, first pixel in raster order). */
typedef struct ref_comp {
    int x0, y0, x1, y1, first;
    long pixels;
    double sum;
} ref_comp;

static int ref_cmp(const void *pa, const void *pb)
{
    const ref_comp *a = (const ref_comp *)pa, *b = (const ref_comp *)pb;
    if (a->pixels != b->pixels)
        return a->pixels > b->pixels ? -1 : 1;
    if (a->sum != b->sum)
        return a->sum > b->sum ? -1 : 1;
    return a->first - b->first;
}

static int ref_boxes(const float *m, int w, int h, double thr, int strict, int rangemode, int conn, ref_comp *out)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL, t;
    int *lab = (int *)calloc((size_t)w * h, sizeof(int)), *stack = (int *)malloc(sizeof(int) * w * h * 9);
    int i, n = 0, any = 0;
    for (i = 0; i < w * h; i++)
        if (isfinite(m[i])) {
            lo = m[i] < lo ? m[i] : lo;
            hi = m[i] > hi ? m[i] : hi;
            any = 1;
        }
    if (!any || (!rangemode && !(hi > 0))) {
        free(lab);
        free(stack);
        return 0;
    }
    t = rangemode ? lo + thr * (hi - lo) : thr * hi;
    for (i = 0; i < w * h; i++) {
        int sp = 0;
        double v = m[i];
        if (lab[i] || !(strict ? v > t : v >= t))
            continue;
        n++;
        out[n - 1].x0 = out[n - 1].x1 = i % w;
        out[n - 1].y0 = out[n - 1].y1 = i / w;
        out[n - 1].first = i;
        out[n - 1].pixels = 0;
        out[n - 1].sum = 0;
        lab[i] = n;
        stack[sp++] = i;
        while (sp) {
            int p = stack[--sp], x = p % w, y = p / w, dx, dy;
            ref_comp *c = &out[n - 1];
            c->pixels++;
            c->sum += m[p];
            if (x < c->x0) c->x0 = x;
            if (x > c->x1) c->x1 = x;
            if (y < c->y0) c->y0 = y;
            if (y > c->y1) c->y1 = y;
            for (dy = -1; dy <= 1; dy++)
                for (dx = -1; dx <= 1; dx++) {
                    int X = x + dx, Y = y + dy, q;
                    double u;
                    if ((!dx && !dy) || X < 0 || Y < 0 || X >= w || Y >= h || (conn == 4 && dx && dy))
                        continue;
                    q = Y * w + X;
                    u = m[q];
                    if (!lab[q] && (strict ? u > t : u >= t)) {
                        lab[q] = n;
                        stack[sp++] = q;
                    }
                }
        }
    }
    qsort(out, (size_t)n, sizeof *out, ref_cmp);
    free(lab);
    free(stack);
    return n;
}

/* ---- boxes ------------------------------------------------------------ */
static void test_boxes_hand(test_ctx *t)
{
    float m[64];
    cam_box b[8];
    cam_box_desc d;
    int n;

    art("........"
        ".99....."
        ".99....."
        "......5."
        ".....555"
        "......5.",
        8, 6, m);
    n = cam_map_boxes(m, 8, 6, NULL, b, 8, NULL);
    test_report(t, n == 2 && box_is(&b[0], 5, 3, 7, 5) && b[0].pixels == 5 && box_is(&b[1], 1, 1, 2, 2),
                "boxes_largest_by_pixels", "n=%d b0=(%d,%d,%d,%d) px=%ld", n, b[0].x0, b[0].y0, b[0].x1, b[0].y1,
                (long)b[0].pixels);

    /* equal pixel counts: larger sum wins */
    art("33...."
        "33...."
        "....44"
        "....44",
        6, 4, m);
    n = cam_map_boxes(m, 6, 4, NULL, b, 2, NULL);
    test_report(t, n == 2 && box_is(&b[0], 4, 2, 5, 3) && box_is(&b[1], 0, 0, 1, 1) && b[0].sum == 16.0f,
                "boxes_tie_larger_sum", "n=%d b0=(%d,%d,%d,%d)", n, b[0].x0, b[0].y0, b[0].x1, b[0].y1);

    /* equal pixels and sums: first in raster order of the first pixel */
    art("....44"
        "....44"
        "44...."
        "44....",
        6, 4, m);
    n = cam_map_boxes(m, 6, 4, NULL, b, 1, NULL);
    test_report(t, n == 2 && box_is(&b[0], 4, 0, 5, 1), "boxes_tie_raster_order", "n=%d b0=(%d,%d,%d,%d)", n,
                b[0].x0, b[0].y0, b[0].x1, b[0].y1);
    /* several equal components, all returned in raster order */
    art("9.9.9"
        "....."
        "9.9.9",
        5, 3, m);
    n = cam_map_boxes(m, 5, 3, NULL, b, 8, NULL);
    test_report(t, n == 6 && box_is(&b[0], 0, 0, 0, 0) && box_is(&b[1], 2, 0, 2, 0) && box_is(&b[3], 0, 2, 0, 2) &&
                       box_is(&b[5], 4, 2, 4, 2),
                "boxes_equal_components", "n=%d", n);

    /* all zero, all equal, negative, NaN, 1x1 */
    memset(m, 0, sizeof m);
    n = cam_map_boxes(m, 8, 8, NULL, b, 1, NULL);
    test_report(t, n == 0, "boxes_all_zero", "n=%d", n);
    for (n = 0; n < 64; n++)
        m[n] = 3.0f;
    n = cam_map_boxes(m, 8, 8, NULL, b, 1, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 7, 7) && b[0].pixels == 64, "boxes_all_equal", "n=%d", n);
    memset(&d, 0, sizeof d);
    d.mode = CAM_THRESHOLD_RANGE;
    n = cam_map_boxes(m, 8, 8, &d, b, 1, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 7, 7), "boxes_all_equal_range", "n=%d", n);
    d.strict = 1;
    n = cam_map_boxes(m, 8, 8, &d, b, 1, NULL);
    test_report(t, n == 0, "boxes_all_equal_range_strict", "n=%d", n);
    for (n = 0; n < 64; n++)
        m[n] = -1.0f - n;
    n = cam_map_boxes(m, 8, 8, NULL, b, 1, NULL);
    test_report(t, n == 0, "boxes_max_negative", "n=%d", n);
    d.strict = 0; /* RANGE works on negative maps: t = -64 + 0.2 * 63 keeps -1..-51 */
    n = cam_map_boxes(m, 8, 8, &d, b, 1, NULL);
    test_report(t, n == 1 && b[0].y0 == 0 && b[0].pixels == 51, "boxes_negative_range", "n=%d px=%ld", n,
                (long)b[0].pixels);
    for (n = 0; n < 64; n++)
        m[n] = NAN;
    n = cam_map_boxes(m, 8, 8, NULL, b, 1, NULL);
    test_report(t, n == 0, "boxes_all_nan", "n=%d", n);
    art("9n9"
        "9n9"
        "nnn",
        3, 3, m);
    n = cam_map_boxes(m, 3, 3, NULL, b, 2, NULL);
    test_report(t, n == 2 && box_is(&b[0], 0, 0, 0, 1) && box_is(&b[1], 2, 0, 2, 1), "boxes_nan_below_threshold",
                "n=%d", n);
    m[0] = 2.0f;
    n = cam_map_boxes(m, 1, 1, NULL, b, 1, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 0, 0), "boxes_1x1", "n=%d", n);
    m[0] = 0.0f;
    n = cam_map_boxes(m, 1, 1, NULL, b, 1, NULL);
    test_report(t, n == 0, "boxes_1x1_zero", "n=%d", n);
    m[0] = INFINITY;
    m[1] = 1.0f;
    n = cam_map_boxes(m, 2, 1, NULL, b, 1, NULL);
    test_report(t, n == 1 && b[0].x0 == 0 && b[0].x1 == 1, "boxes_inf_ignored_for_max", "n=%d", n);

    /* border-touching components on all four sides, and a U that only joins
       in its last row (union-find must merge the two arms) */
    art("9.....9"
        "9.....9"
        "......."
        "9.....9"
        "9999999",
        7, 5, m);
    n = cam_map_boxes(m, 7, 5, NULL, b, 4, NULL);
    test_report(t, n == 3 && box_is(&b[0], 0, 3, 6, 4) && b[0].pixels == 9 && box_is(&b[1], 0, 0, 0, 1) &&
                       box_is(&b[2], 6, 0, 6, 1),
                "boxes_border_and_u_shape", "n=%d b0=(%d,%d,%d,%d)", n, b[0].x0, b[0].y0, b[0].x1, b[0].y1);
    art("9.9.9"
        "9.9.9"
        "99999",
        5, 3, m);
    n = cam_map_boxes(m, 5, 3, NULL, b, 1, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 4, 2) && b[0].pixels == 11, "boxes_comb_merges", "n=%d", n);

    /* 4 vs 8 connectivity */
    art("9..."
        ".9.."
        "..9."
        "...9",
        4, 4, m);
    memset(&d, 0, sizeof d);
    n = cam_map_boxes(m, 4, 4, &d, b, 4, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 3, 3), "boxes_8_connectivity_diagonal", "n=%d", n);
    d.connectivity = 4;
    n = cam_map_boxes(m, 4, 4, &d, b, 4, NULL);
    test_report(t, n == 4 && box_is(&b[0], 0, 0, 0, 0) && box_is(&b[3], 3, 3, 3, 3), "boxes_4_connectivity_diagonal",
                "n=%d", n);
    art("..9."
        ".9.."
        "9..."
        "....",
        4, 4, m);
    d.connectivity = 8;
    n = cam_map_boxes(m, 4, 4, &d, b, 4, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 2, 2), "boxes_8_connectivity_antidiagonal", "n=%d", n);

    /* threshold: >= by default, > when strict; exactly 0.2 * max passes */
    m[0] = 10.0f, m[1] = 2.0f, m[2] = 1.9f, m[3] = 2.0f;
    memset(&d, 0, sizeof d);
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    test_report(t, n == 2 && box_is(&b[0], 0, 0, 1, 0) && box_is(&b[1], 3, 0, 3, 0), "boxes_threshold_ge", "n=%d", n);
    d.strict = 1;
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 0, 0), "boxes_threshold_strict", "n=%d", n);
    d.strict = 0;
    d.threshold = 0.5f;
    d.mode = CAM_THRESHOLD_RANGE; /* min 1.9, max 10: t = 5.95 */
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    test_report(t, n == 1 && box_is(&b[0], 0, 0, 0, 0), "boxes_threshold_range", "n=%d", n);
    m[0] = 10.0f, m[1] = 6.0f, m[2] = 5.0f, m[3] = 0.0f; /* range: t = 5 vs max: t = 5 */
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    d.mode = CAM_THRESHOLD_MAX;
    test_report(t, n == 1 && b[0].x1 == 2, "boxes_range_vs_max_same_when_min_0", "n=%d", n);
    m[3] = 4.0f; /* min 4: range t = 7, max t = 5 */
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    test_report(t, n == 1 && b[0].x1 == 2, "boxes_max_mode_ignores_min", "n=%d x1=%d", n, b[0].x1);
    d.mode = CAM_THRESHOLD_RANGE;
    n = cam_map_boxes(m, 4, 1, &d, b, 4, NULL);
    test_report(t, n == 1 && b[0].x1 == 0, "boxes_range_mode_uses_min", "n=%d x1=%d", n, b[0].x1);

    /* count beyond max_boxes; max_boxes 0 only counts */
    art("9.9.9.9", 7, 1, m);
    n = cam_map_boxes(m, 7, 1, NULL, b, 2, NULL);
    test_report(t, n == 4, "boxes_count_beyond_max", "n=%d", n);
    n = cam_map_boxes(m, 7, 1, NULL, NULL, 0, NULL);
    test_report(t, n == 4, "boxes_count_only", "n=%d", n);

    /* errors */
    d.connectivity = 6;
    test_report(t, cam_map_boxes(m, 7, 1, &d, b, 1, NULL) == CAM_ERR_INVALID_ARG, "boxes_err_connectivity", "");
    test_report(t, cam_map_boxes(NULL, 7, 1, NULL, b, 1, NULL) == CAM_ERR_INVALID_ARG, "boxes_err_null_map", "");
    test_report(t, cam_map_boxes(m, 0, 1, NULL, b, 1, NULL) == CAM_ERR_INVALID_ARG, "boxes_err_zero_width", "");
    test_report(t, cam_map_boxes(m, 7, 1, NULL, NULL, 1, NULL) == CAM_ERR_INVALID_ARG, "boxes_err_null_boxes", "");
    test_report(t, cam_map_boxes(m, CAM_MAX_IMAGE_DIM + 1, 1, NULL, b, 1, NULL) == CAM_ERR_LIMIT, "boxes_err_limit",
                "");
    memset(&d, 0, sizeof d);
    d.threshold = NAN;
    test_report(t, cam_map_boxes(m, 7, 1, &d, b, 1, NULL) == CAM_ERR_INVALID_ARG, "boxes_err_nan_threshold", "");
    test_report(t, cam_map_boxes_scratch_size(0, 5) == 0 && cam_map_boxes_scratch_size(7, 5) > 0,
                "boxes_scratch_size", "");
}

static void test_boxes_random(test_ctx *t)
{
    enum { MAXW = 70, MAXH = 50 };
    static float m[MAXW * MAXH];
    static ref_comp ref[MAXW * MAXH];
    static cam_box b[MAXW * MAXH];
    unsigned s = 12345u;
    void *scratch = malloc(cam_map_boxes_scratch_size(MAXW, MAXH));
    int trial, bad = 0, total = 0;
    char why[200] = "";
    for (trial = 0; trial < 300; trial++) {
        int w = 1 + (int)(rnd_next(&s) % MAXW), h = 1 + (int)(rnd_next(&s) % MAXH), i, n, nr, conn, strict, range;
        double thr = 0.05 + 0.9 * rnd_float(&s);
        cam_box_desc d;
        int quant = (int)(rnd_next(&s) % 3); /* 0: continuous, 1: few levels (ties), 2: with NaN */
        for (i = 0; i < w * h; i++) {
            float v = rnd_float(&s) * 2.0f - 0.3f;
            if (quant == 1)
                v = (float)(int)(v * 4.0f);
            if (quant == 2 && rnd_next(&s) % 7 == 0)
                v = NAN;
            m[i] = v;
        }
        conn = rnd_next(&s) % 2 ? 4 : 8;
        strict = (int)(rnd_next(&s) % 2);
        range = (int)(rnd_next(&s) % 2);
        memset(&d, 0, sizeof d);
        d.threshold = thr;
        d.connectivity = conn;
        d.strict = strict;
        d.mode = range ? CAM_THRESHOLD_RANGE : CAM_THRESHOLD_MAX;
        n = cam_map_boxes(m, w, h, &d, b, w * h, trial % 2 ? scratch : NULL);
        nr = ref_boxes(m, w, h, thr, strict, range, conn, ref);
        total++;
        if (n != nr) {
            if (!bad++)
                snprintf(why, sizeof why, "trial %d: %d components, reference %d", trial, n, nr);
            continue;
        }
        for (i = 0; i < n; i++)
            if (!box_is(&b[i], ref[i].x0, ref[i].y0, ref[i].x1, ref[i].y1) || b[i].pixels != ref[i].pixels) {
                if (!bad++)
                    snprintf(why, sizeof why, "trial %d box %d: (%d,%d,%d,%d) vs (%d,%d,%d,%d)", trial, i, b[i].x0,
                             b[i].y0, b[i].x1, b[i].y1, ref[i].x0, ref[i].y0, ref[i].x1, ref[i].y1);
                break;
            }
    }
    free(scratch);
    test_report(t, bad == 0, "boxes_vs_flood_fill_random", "%d/%d differ; first: %s", bad, total, why);
}

static void test_ilsvrc(test_ctx *t)
{
    enum { W = 20, H = 16 };
    static float maps[3 * W * H];
    cam_box b[5];
    int rank[5], n, i, x, y, nested = 1;
    for (i = 0; i < 3; i++)
        for (y = 0; y < H; y++)
            for (x = 0; x < W; x++) {
                double dx = x - (4 + 5 * i), dy = y - 8;
                maps[(i * H + y) * W + x] = (float)exp(-(dx * dx + dy * dy) / 18.0);
            }
    n = cam_map_boxes_ilsvrc(maps, 3, W, H, NULL, b, rank);
    for (i = 0; i < 4; i += 2)
        if (!(b[i].x0 >= b[i + 1].x0 && b[i].x1 <= b[i + 1].x1 && b[i].y0 >= b[i + 1].y0 && b[i].y1 <= b[i + 1].y1 &&
              b[i].pixels < b[i + 1].pixels))
            nested = 0;
    test_report(t, n == 5 && rank[0] == 0 && rank[1] == 0 && rank[2] == 1 && rank[3] == 1 && rank[4] == 2 && nested,
                "ilsvrc_five_boxes_tight_inside_loose", "n=%d nested=%d", n, nested);
    n = cam_map_boxes_ilsvrc(maps, 1, W, H, NULL, b, rank);
    test_report(t, n == 2 && rank[1] == 0, "ilsvrc_one_map", "n=%d", n);
    memset(maps + W * H, 0, sizeof(float) * W * H);
    n = cam_map_boxes_ilsvrc(maps, 3, W, H, NULL, b, rank);
    test_report(t, n == 3 && rank[2] == 2, "ilsvrc_map_without_box_skipped", "n=%d", n);
    test_report(t, cam_map_boxes_ilsvrc(maps, 4, W, H, NULL, b, rank) == CAM_ERR_INVALID_ARG, "ilsvrc_err_n_maps", "");
}

/* ---- maps ------------------------------------------------------------- */
static void test_map_compute(test_ctx *t)
{
    static const int ks[] = {1, 3, 17, 256, 300};
    static const int hws[] = {1, 7, 16, 49, 50};
    unsigned s = 777u;
    int bad = 0, ik, ih, nclass = 13, i;
    double worst = 0;
    for (ik = 0; ik < 5; ik++)
        for (ih = 0; ih < 5; ih++) {
            int k = ks[ik], hw = hws[ih], n, r, rect;
            float *w = (float *)malloc(sizeof(float) * nclass * k), *f = (float *)malloc(sizeof(float) * k * hw);
            float *o = (float *)malloc(sizeof(float) * nclass * hw);
            int cls[13];
            for (i = 0; i < nclass * k; i++)
                w[i] = rnd_float(&s) - 0.5f;
            for (i = 0; i < k * hw; i++)
                f[i] = rnd_float(&s);
            for (n = 1; n <= nclass; n += 4) {
                for (i = 0; i < n; i++)
                    cls[i] = (int)(rnd_next(&s) % nclass);
                for (rect = 0; rect < 3; rect++) {
                    int c, p, kk;
                    r = cam_map_compute(w, nclass, k, f, hw, cls, n, (cam_rectify)rect, o);
                    if (r != CAM_OK) {
                        bad++;
                        continue;
                    }
                    for (c = 0; c < n; c++)
                        for (p = 0; p < hw; p++) {
                            double acc = 0, e;
                            for (kk = 0; kk < k; kk++) {
                                double wv = w[cls[c] * k + kk];
                                if (rect == CAM_RECTIFY_POSITIVE_WEIGHTS && wv < 0)
                                    wv = 0;
                                acc += wv * f[kk * hw + p];
                            }
                            if (rect == CAM_RECTIFY_RELU && acc < 0)
                                acc = 0;
                            e = fabs(acc - o[c * hw + p]) / (1.0 + fabs(acc));
                            if (e > worst)
                                worst = e;
                        }
                }
            }
            free(w);
            free(f);
            free(o);
        }
    test_report(t, bad == 0 && worst < 1e-5, "map_compute_vs_direct_sum", "bad=%d worst rel err %g", bad, worst);
    {
        float f[2 * 3] = {1, -2, 3, -4, 5, -6}, o[3];
        int c = 1;
        cam_map_compute(NULL, 0, 2, f, 3, &c, 1, CAM_RECTIFY_NONE, o);
        i = o[0] == -4 && o[1] == 5 && o[2] == -6;
        cam_map_compute(NULL, 0, 2, f, 3, &c, 1, CAM_RECTIFY_RELU, o);
        test_report(t, i && o[0] == 0 && o[1] == 5 && o[2] == 0, "map_compute_conv_classifier_channel", "");
        c = 2;
        test_report(t, cam_map_compute(NULL, 0, 2, f, 3, &c, 1, CAM_RECTIFY_NONE, o) == CAM_ERR_INVALID_ARG &&
                           cam_map_compute(f, 3, 2, f, 3, &c, 1, (cam_rectify)7, o) == CAM_ERR_INVALID_ARG &&
                           cam_map_compute(f, 2, 3, f, 2, &c, 1, CAM_RECTIFY_NONE, o) == CAM_ERR_INVALID_ARG,
                    "map_compute_err_args", "");
    }
}

/* Direct (non-separable) bilinear with PyTorch's align_corners=False rule. */
static double ref_bilinear(const float *s, int sw, int sh, double u, double v)
{
    int x0, y0, x1, y1;
    double fx, fy;
    if (u < 0) u = 0;
    if (v < 0) v = 0;
    x0 = (int)u, y0 = (int)v;
    if (x0 > sw - 1) x0 = sw - 1;
    if (y0 > sh - 1) y0 = sh - 1;
    x1 = x0 + 1 < sw ? x0 + 1 : sw - 1;
    y1 = y0 + 1 < sh ? y0 + 1 : sh - 1;
    fx = u - x0, fy = v - y0;
    if (fx > 1) fx = 1;
    if (fy > 1) fy = 1;
    return (1 - fy) * ((1 - fx) * s[y0 * sw + x0] + fx * s[y0 * sw + x1]) +
           fy * ((1 - fx) * s[y1 * sw + x0] + fx * s[y1 * sw + x1]);
}

static double ref_cubic_w(double x)
{
    const double a = -0.75;
    x = fabs(x);
    if (x <= 1)
        return (a + 2) * x * x * x - (a + 3) * x * x + 1;
    if (x < 2)
        return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
    return 0;
}

static double ref_bicubic(const float *s, int sw, int sh, double u, double v)
{
    int ix = (int)floor(u), iy = (int)floor(v), i, j;
    double acc = 0;
    for (j = -1; j <= 2; j++)
        for (i = -1; i <= 2; i++) {
            int X = ix + i < 0 ? 0 : ix + i > sw - 1 ? sw - 1 : ix + i;
            int Y = iy + j < 0 ? 0 : iy + j > sh - 1 ? sh - 1 : iy + j;
            acc += ref_cubic_w(u - (ix + i)) * ref_cubic_w(v - (iy + j)) * s[Y * sw + X];
        }
    return acc;
}

static void test_resize(test_ctx *t)
{
    static const int sizes[][4] = {{7, 7, 224, 224}, {1, 1, 5, 3}, {5, 3, 1, 1}, {13, 9, 40, 17}, {30, 20, 7, 11},
                                   {3, 4, 600, 9}};
    unsigned s = 99u;
    int c, i, interp;
    for (interp = 0; interp < 2; interp++) {
        double worst = 0;
        for (c = 0; c < 6; c++) {
            int sw = sizes[c][0], sh = sizes[c][1], dw = sizes[c][2], dh = sizes[c][3], x, y;
            float *src = (float *)malloc(sizeof(float) * sw * sh), *dst = (float *)malloc(sizeof(float) * dw * dh);
            for (i = 0; i < sw * sh; i++)
                src[i] = rnd_float(&s) * 4 - 1;
            cam_map_resize(src, sw, sh, dst, dw, dh, (cam_interp)interp);
            for (y = 0; y < dh; y++)
                for (x = 0; x < dw; x++) {
                    double u = (x + 0.5) * sw / dw - 0.5, v = (y + 0.5) * sh / dh - 0.5;
                    double r = interp ? ref_bicubic(src, sw, sh, u, v) : ref_bilinear(src, sw, sh, u, v);
                    double e = fabs(r - dst[y * dw + x]);
                    if (e > worst)
                        worst = e;
                }
            free(src);
            free(dst);
        }
        test_report(t, worst < 1e-5, interp ? "resize_bicubic_vs_formula" : "resize_bilinear_vs_formula",
                    "max err %g", worst);
    }
    {
        float src[4] = {1, 2, 3, 4}, dst[16], big[4];
        int ok = cam_map_resize(src, 2, 2, dst, 4, 4, CAM_INTERP_NEAREST) == CAM_OK && dst[0] == 1 && dst[3] == 2 &&
                 dst[12] == 3 && dst[15] == 4 && dst[5] == 1 && dst[6] == 2;
        test_report(t, ok, "resize_nearest", "");
        ok = cam_map_resize(src, 2, 2, big, 2, 2, CAM_INTERP_BICUBIC) == CAM_OK && !memcmp(src, big, sizeof big);
        test_report(t, ok, "resize_same_size_identity", "");
        test_report(t, cam_map_resize(src, 2, 2, dst, 0, 4, CAM_INTERP_BILINEAR) == CAM_ERR_INVALID_ARG &&
                           cam_map_resize(src, 2, 2, dst, 4, 4, (cam_interp)9) == CAM_ERR_INVALID_ARG &&
                           cam_map_resize(NULL, 2, 2, dst, 4, 4, CAM_INTERP_BILINEAR) == CAM_ERR_INVALID_ARG,
                    "resize_err_args", "");
    }
}

static void test_normalize_topk(test_ctx *t)
{
    float m[5] = {-2, 0, 2, NAN, 6}, lo, hi, v[3], sm[4];
    static const float sc[8] = {1, 5, 3, 5, NAN, -1, 5, 0};
    int idx[8], n;
    cam_map_normalize(m, 5, CAM_NORMALIZE_MAX);
    test_report(t, m[0] == -2.0f / 6 && m[4] == 1 && m[3] != m[3], "normalize_max", "");
    cam_map_normalize(m, 5, CAM_NORMALIZE_MINMAX);
    test_report(t, m[0] == 0 && m[4] == 1 && fabsf(m[2] - 0.5f) < 1e-6f && m[3] != m[3], "normalize_minmax", "%g",
                m[2]);
    m[0] = m[1] = m[2] = m[4] = 3;
    cam_map_normalize(m, 5, CAM_NORMALIZE_MINMAX);
    test_report(t, m[0] == 0 && m[4] == 0, "normalize_minmax_flat", "");
    m[0] = -1, m[1] = -3;
    cam_map_normalize(m, 2, CAM_NORMALIZE_MAX);
    test_report(t, m[0] == -1 && m[1] == -3, "normalize_max_nonpositive_unchanged", "");
    test_report(t, cam_map_range(m, 5, &lo, &hi) == 4 && lo == -3 && hi == 0, "map_range_skips_nan", "");
    n = cam_scores_topk(sc, 8, 3, idx, v);
    test_report(t, n == 3 && idx[0] == 1 && idx[1] == 3 && idx[2] == 6 && v[0] == 5, "topk_ties_lower_index_first",
                "%d %d %d", idx[0], idx[1], idx[2]);
    n = cam_scores_topk(sc, 8, 20, idx, NULL);
    test_report(t, n == 8 && idx[3] == 2 && idx[6] == 5 && idx[7] == 4, "topk_all_nan_last", "n=%d last=%d", n,
                idx[7]);
    test_report(t, cam_scores_topk(sc, 8, 0, idx, NULL) == 0, "topk_zero", "");
    cam_scores_softmax(sc, 4, sm);
    test_report(t, fabsf(sm[0] + sm[1] + sm[2] + sm[3] - 1) < 1e-6f && sm[1] == sm[3] && sm[1] > sm[2],
                "softmax_sums_to_one", "");
}

/* ---- transforms and preprocessing ------------------------------------- */
static void test_transform(test_ctx *t)
{
    cam_preprocess pp;
    cam_image img;
    cam_transform tf;
    cam_box in, out;
    float *x;
    int ok, X, Y;
    double px, py;

    /* crop: 500 x 375 -> shorter side 256 -> 341 x 256 -> centre 224 x 224 */
    memset(&pp, 0, sizeof pp);
    pp.width = pp.height = 224;
    pp.resize = CAM_RESIZE_CROP;
    cam_image_create(&img, 500, 375, NULL);
    for (Y = 0; Y < 375; Y++)
        for (X = 0; X < 500; X++) {
            unsigned char *p = img.pixels + (Y * 500 + X) * 3;
            p[0] = (unsigned char)(X & 255), p[1] = (unsigned char)(Y & 255), p[2] = 7;
        }
    x = (float *)malloc(sizeof(float) * cam_preprocess_floats(&pp));
    ok = cam_image_preprocess(&img, &pp, x, &tf) == CAM_OK;
    test_report(t, ok && fabs(tf.scale_x - 500.0 / 341) < 1e-12 && fabs(tf.scale_y - 375.0 / 256) < 1e-12 &&
                       fabs(tf.offset_x - 58 * 500.0 / 341) < 1e-9 && fabs(tf.offset_y - 16 * 375.0 / 256) < 1e-9,
                "transform_crop_values", "sx=%g ox=%g oy=%g", tf.scale_x, tf.offset_x, tf.offset_y);
    /* the blue channel is constant 7: preprocessing keeps it exactly (0..1 scale) */
    test_report(t, fabsf(x[2 * 224 * 224 + 1000] - 7.0f / 255) < 1e-6f, "preprocess_constant_channel", "%g",
                x[2 * 224 * 224 + 1000]);
    /* centre pixel of the input comes from image position via the transform */
    cam_transform_point(&tf, 112.5, 112.5, &px, &py);
    test_report(t, fabs(px - (112.5 + 58) * 500.0 / 341) < 1e-9 && fabs(py - (112.5 + 16) * 375.0 / 256) < 1e-9,
                "transform_point_crop", "%g %g", px, py);
    /* red channel encodes x (a ramp where it does not wrap): the input value at
       u is the image ramp at the mapped position (linear, so exact up to the
       antialias filter's symmetric support) */
    {
        double u = 100.5, xi;
        cam_transform_point(&tf, u, 50.5, &xi, NULL);
        test_report(t, fabs(x[50 * 224 + 100] * 255 - (xi - 0.5)) < 0.02, "preprocess_ramp_follows_transform",
                    "%g vs %g", x[50 * 224 + 100] * 255, xi - 0.5);
    }
    in.x0 = 0, in.y0 = 0, in.x1 = 223, in.y1 = 223, in.pixels = 0, in.sum = 0;
    ok = cam_transform_box(&tf, &in, &out) == CAM_OK;
    test_report(t, ok && out.x0 == 85 && out.y0 == 23 && out.x1 == 413 && out.y1 == 351, "transform_box_crop",
                "(%d,%d,%d,%d)", out.x0, out.y0, out.x1, out.y1);
    /* stretch: the whole input covers the whole image */
    pp.resize = CAM_RESIZE_STRETCH;
    ok = cam_image_preprocess(&img, &pp, x, &tf) == CAM_OK && cam_transform_box(&tf, &in, &out) == CAM_OK;
    test_report(t, ok && out.x0 == 0 && out.y0 == 0 && out.x1 == 499 && out.y1 == 374, "transform_box_stretch",
                "(%d,%d,%d,%d)", out.x0, out.y0, out.x1, out.y1);
    in.x0 = in.x1 = 112, in.y0 = in.y1 = 0;
    ok = cam_transform_box(&tf, &in, &out) == CAM_OK;
    test_report(t, ok && out.x0 == 250 && out.x1 == 252 && out.y0 == 0 && out.y1 == 1, "transform_box_stretch_pixel",
                "(%d,%d,%d,%d)", out.x0, out.y0, out.x1, out.y1);
    in.x0 = in.x1 = -50;
    test_report(t, cam_transform_box(&tf, &in, &out) == CAM_ERR_NOT_FOUND, "transform_box_outside", "");

    /* map on the input, resampled onto the image through the crop: inside the
       crop it matches a resize to the crop region; outside it replicates the edge */
    {
        float map[4] = {0, 1, 2, 3}, *im = (float *)malloc(sizeof(float) * 500 * 375);
        pp.resize = CAM_RESIZE_CROP;
        cam_image_preprocess(&img, &pp, x, &tf);
        ok = cam_map_resize_to_image(map, 2, 2, &tf, im, CAM_INTERP_BILINEAR) == CAM_OK;
        test_report(t, ok && im[0] == 0 && im[499] == 1 && im[374 * 500] == 2 && im[374 * 500 + 499] == 3,
                    "map_to_image_outside_crop_edge_value", "%g %g %g %g", im[0], im[499], im[374 * 500],
                    im[374 * 500 + 499]);
        {
            /* image pixel (250, 187): input position (u, v) from the inverse transform */
            double u = (250.5 - tf.offset_x) / tf.scale_x, v = (187.5 - tf.offset_y) / tf.scale_y;
            double e = ref_bilinear(map, 2, 2, u * 2 / 224 - 0.5, v * 2 / 224 - 0.5);
            test_report(t, ok && fabs(e - im[187 * 500 + 250]) < 1e-5, "map_to_image_inside_crop", "%g vs %g", e,
                        im[187 * 500 + 250]);
        }
        free(im);
    }
    /* identity transform equals plain resize */
    {
        float map[6] = {0, 1, 5, 3, 2, 9}, a[40 * 30], b[40 * 30];
        cam_transform id;
        cam_transform_identity(&id, 40, 30);
        cam_map_resize_to_image(map, 3, 2, &id, a, CAM_INTERP_BICUBIC);
        cam_map_resize(map, 3, 2, b, 40, 30, CAM_INTERP_BICUBIC);
        test_report(t, !memcmp(a, b, sizeof a), "map_to_image_identity_is_resize", "");
        id.scale_x = 0;
        test_report(t, cam_map_resize_to_image(map, 3, 2, &id, a, CAM_INTERP_BILINEAR) == CAM_ERR_INVALID_ARG,
                    "map_to_image_err_transform", "");
    }
    /* mean/std, BGR, gray */
    {
        cam_image c;
        unsigned char rgb[3] = {255, 0, 51};
        float y[3 * 4 * 4];
        cam_image back;
        cam_image_create(&c, 8, 8, rgb);
        memset(&pp, 0, sizeof pp);
        pp.width = pp.height = 4;
        pp.mean[0] = 0.5f, pp.mean[1] = 0.5f, pp.mean[2] = 0.5f;
        pp.std[0] = 0.5f, pp.std[1] = 0.25f, pp.std[2] = 2.0f;
        pp.color = CAM_COLOR_BGR;
        ok = cam_image_preprocess(&c, &pp, y, NULL) == CAM_OK;
        test_report(t, ok && fabsf(y[0] - (0.2f - 0.5f) / 0.5f) < 1e-5f && fabsf(y[16] - (0 - 0.5f) / 0.25f) < 1e-5f &&
                           fabsf(y[32] - (1 - 0.5f) / 2) < 1e-5f,
                    "preprocess_bgr_mean_std", "%g %g %g", y[0], y[16], y[32]);
        ok = cam_image_from_tensor(y, &pp, &back) == CAM_OK;
        test_report(t, ok && back.pixels[0] == 255 && back.pixels[1] == 0 && back.pixels[2] == 51,
                    "image_from_tensor_inverts", "%d %d %d", back.pixels[0], back.pixels[1], back.pixels[2]);
        cam_image_free(&back);
        memset(&pp, 0, sizeof pp);
        pp.width = pp.height = 4;
        pp.color = CAM_COLOR_GRAY;
        ok = cam_image_preprocess(&c, &pp, y, NULL) == CAM_OK && cam_preprocess_floats(&pp) == 16;
        test_report(t, ok && fabsf(y[5] - (0.299f * 255 + 0.114f * 51) / 255) < 1e-5f, "preprocess_gray", "%g", y[5]);
        pp.interp = CAM_INTERP_BICUBIC;
        ok = cam_image_preprocess(&c, &pp, y, NULL) == CAM_OK;
        test_report(t, ok && fabsf(y[5] - (0.299f * 255 + 0.114f * 51) / 255) < 1e-5f, "preprocess_bicubic_constant",
                    "%g", y[5]);
        pp.channels = 2;
        test_report(t, cam_image_preprocess(&c, &pp, y, NULL) == CAM_ERR_UNSUPPORTED, "preprocess_err_channels", "");
        pp.channels = 0;
        pp.width = 0;
        test_report(t, cam_image_preprocess(&c, &pp, y, NULL) == CAM_ERR_INVALID_ARG &&
                           cam_preprocess_floats(&pp) == 0,
                    "preprocess_err_size", "");
        pp.width = CAM_MAX_IMAGE_DIM + 1;
        test_report(t, cam_image_preprocess(&c, &pp, y, NULL) == CAM_ERR_LIMIT, "preprocess_err_limit", "");
        cam_image_free(&c);
    }
    /* metadata parsing */
    {
        cam_error err;
        memset(&pp, 0, sizeof pp);
        ok = cam_preprocess_parse(&pp, "crop", "256", "0.485,0.456,0.406", "0.229, 0.224, 0.225", "bgr", &err) ==
             CAM_OK;
        test_report(t, ok && pp.resize == CAM_RESIZE_CROP && pp.resize_size == 256 && pp.mean[2] == 0.406f &&
                           pp.std[1] == 0.224f && pp.color == CAM_COLOR_BGR,
                    "preprocess_parse", "");
        ok = cam_preprocess_parse(&pp, NULL, NULL, "0.5", NULL, "gray", &err) == CAM_OK;
        test_report(t, ok && pp.mean[0] == 0.5f && pp.mean[2] == 0.5f && pp.color == CAM_COLOR_GRAY,
                    "preprocess_parse_one_value", "");
        test_report(t, cam_preprocess_parse(&pp, "squash", NULL, NULL, NULL, NULL, &err) == CAM_ERR_FORMAT &&
                           strstr(err.message, "squash") != NULL,
                    "preprocess_parse_err_resize", "%s", err.message);
        test_report(t, cam_preprocess_parse(&pp, NULL, "12x", NULL, NULL, NULL, &err) == CAM_ERR_FORMAT &&
                           cam_preprocess_parse(&pp, NULL, NULL, "1,2", NULL, NULL, &err) == CAM_ERR_FORMAT &&
                           cam_preprocess_parse(&pp, NULL, NULL, NULL, "1,0,1", NULL, &err) == CAM_ERR_FORMAT &&
                           cam_preprocess_parse(&pp, NULL, NULL, "a,b,c", NULL, NULL, &err) == CAM_ERR_FORMAT &&
                           cam_preprocess_parse(&pp, NULL, NULL, NULL, NULL, "cmyk", &err) == CAM_ERR_FORMAT,
                    "preprocess_parse_err_values", "%s", err.message);
    }
    free(x);
    cam_image_free(&img);
}

/* ---- images and pictures ---------------------------------------------- */
static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    size_t w;
    if (!f)
        return 0;
    w = fwrite(data, 1, n, f);
    fclose(f);
    return w == n;
}

static void test_images(test_ctx *t, const char *dir)
{
    char path[512];
    cam_image a, b;
    cam_error err;
    int x, y, ok, r;
    memset(&b, 0, sizeof b);
    memset(&err, 0, sizeof err);
    cam_image_create(&a, 13, 7, NULL);
    for (y = 0; y < 7; y++)
        for (x = 0; x < 13; x++) {
            unsigned char *p = a.pixels + (y * 13 + x) * 3;
            p[0] = (unsigned char)(x * 19), p[1] = (unsigned char)(y * 36), p[2] = (unsigned char)(x * y);
        }
    snprintf(path, sizeof path, "%s/vis_rt.png", dir);
    ok = cam_image_write_png(path, &a) == CAM_OK && cam_image_load(path, &b, &err) == CAM_OK;
    test_report(t, ok && b.width == 13 && b.height == 7 && !memcmp(a.pixels, b.pixels, 13 * 7 * 3), "image_png_round_trip",
                "%s", err.message);
    cam_image_free(&b);
    snprintf(path, sizeof path, "%s/vis_rt.bmp", dir);
    ok = stbi_write_bmp(path, 13, 7, 3, a.pixels) && cam_image_load(path, &b, &err) == CAM_OK;
    test_report(t, ok && !memcmp(a.pixels, b.pixels, 13 * 7 * 3), "image_bmp", "%s", err.message);
    cam_image_free(&b);
    snprintf(path, sizeof path, "%s/vis_rt.tga", dir);
    ok = stbi_write_tga(path, 13, 7, 3, a.pixels) && cam_image_load(path, &b, &err) == CAM_OK;
    test_report(t, ok && !memcmp(a.pixels, b.pixels, 13 * 7 * 3), "image_tga", "%s", err.message);
    cam_image_free(&b);
    /* JPEG: tests/vis/test_vis_ref.py decodes PIL's files (stb's JPEG writer
       trips UBSan, so it is not used here) */
    {
        /* PNM and a 1x1 GIF from bytes; the GIF's one pixel is red */
        static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 255, 0, 0, 0, 0, 0,
                                            0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b};
        unsigned char pnm[64];
        int n = sprintf((char *)pnm, "P6\n2 1\n255\n");
        memcpy(pnm + n, "\x01\x02\x03\xfa\xfb\xfc", 6);
        ok = cam_image_load_memory(pnm, (size_t)n + 6, &b, &err) == CAM_OK;
        test_report(t, ok && b.width == 2 && b.pixels[0] == 1 && b.pixels[5] == 0xfc, "image_pnm_memory", "%s",
                    err.message);
        cam_image_free(&b);
        ok = cam_image_load_memory(gif, sizeof gif, &b, &err) == CAM_OK;
        test_report(t, ok && b.width == 1 && b.pixels[0] == 255 && b.pixels[1] == 0, "image_gif_memory", "%s",
                    err.message);
        cam_image_free(&b);
        /* errors: missing file, not an image, truncated, too large */
        snprintf(path, sizeof path, "%s/does_not_exist.png", dir);
        r = cam_image_load(path, &b, &err);
        test_report(t, r == CAM_ERR_IO && err.code == CAM_ERR_IO && b.pixels == NULL, "image_err_missing", "%d", r);
        snprintf(path, sizeof path, "%s/vis_bad.png", dir);
        write_file(path, "this is not an image at all", 27);
        r = cam_image_load(path, &b, &err);
        test_report(t, r == CAM_ERR_FORMAT && strstr(err.message, "vis_bad.png"), "image_err_not_image", "%d %s", r,
                    err.message);
        {
            /* a PNG cut in half */
            static unsigned char buf[4096];
            FILE *f;
            size_t len = 0;
            snprintf(path, sizeof path, "%s/vis_rt.png", dir);
            f = fopen(path, "rb");
            if (f) {
                len = fread(buf, 1, sizeof buf, f);
                fclose(f);
            }
            r = len > 16 ? cam_image_load_memory(buf, len / 2, &b, &err) : CAM_OK;
            test_report(t, r == CAM_ERR_FORMAT, "image_err_truncated", "%d %s", r, err.message);
        }
        n = sprintf((char *)pnm, "P6\n40000 2\n255\n");
        r = cam_image_load_memory(pnm, (size_t)n + 16, &b, &err);
        test_report(t, r == CAM_ERR_LIMIT, "image_err_too_wide", "%d %s", r, err.message);
        n = sprintf((char *)pnm, "P6\n20000 20000\n255\n");
        r = cam_image_load_memory(pnm, (size_t)n + 16, &b, &err);
        test_report(t, r == CAM_ERR_LIMIT, "image_err_too_many_pixels", "%d %s", r, err.message);
        r = cam_image_load_memory(NULL, 5, &b, &err);
        test_report(t, r == CAM_ERR_INVALID_ARG, "image_err_null", "%d", r);
        test_report(t, cam_image_create(&b, 0, 5, NULL) == CAM_ERR_INVALID_ARG &&
                           cam_image_create(&b, CAM_MAX_IMAGE_DIM + 1, 1, NULL) == CAM_ERR_LIMIT,
                    "image_err_create", "");
        snprintf(path, sizeof path, "%s/no_such_dir/x.png", dir);
        test_report(t, cam_image_write_png(path, &a) == CAM_ERR_IO, "image_err_write", "");
    }
    cam_image_free(&a);
}

static void test_pictures(test_ctx *t, const char *dir)
{
    unsigned char c[3];
    cam_image img, grid;
    float *maps;
    int x, y, i, ok, changed = 0, w;
    static const unsigned char red[3] = {255, 0, 0};
    cam_box b;
    char path[512];
    const char *caps[3] = {"dog 0.91", "cat 0.05", NULL};
    cam_picture_jet(0, c);
    ok = c[0] == 0 && c[1] == 0 && c[2] == 128;
    cam_picture_jet(1, c);
    ok = ok && c[0] == 128 && c[1] == 0 && c[2] == 0;
    cam_picture_jet(0.5f, c);
    test_report(t, ok && c[1] == 255, "jet_endpoints", "%d %d %d", c[0], c[1], c[2]);
    unsigned char gray[3] = {100, 100, 100};
    cam_image_create(&img, 60, 40, gray);
    maps = (float *)malloc(sizeof(float) * 3 * 60 * 40);
    for (i = 0; i < 3; i++)
        for (y = 0; y < 40; y++)
            for (x = 0; x < 60; x++)
                maps[(i * 40 + y) * 60 + x] = (float)(x + i * 20 < 60 ? x + i * 20 : 0) - 10.0f;
    {
        cam_image o;
        cam_image_create(&o, 60, 40, gray);
        ok = cam_picture_overlay(&o, maps, 1.0f) == CAM_OK;
        cam_picture_jet(1.0f, c);
        /* alpha 1: pure jet; the map max (49) sits at x = 59 */
        test_report(t, ok && !memcmp(o.pixels + 59 * 3, c, 3), "overlay_alpha_one_is_jet", "");
        test_report(t, cam_picture_overlay(&o, maps, 1.5f) == CAM_ERR_INVALID_ARG, "overlay_err_alpha", "");
        cam_image_free(&o);
    }
    b.x0 = -5, b.y0 = 2, b.x1 = 30, b.y1 = 100;
    cam_picture_box(&img, &b, red, 2);
    test_report(t, !memcmp(img.pixels + (2 * 60 + 10) * 3, red, 3) && !memcmp(img.pixels + (20 * 60 + 29) * 3, red, 3) &&
                       img.pixels[(20 * 60 + 27) * 3] == 100,
                "picture_box_clipped", "");
    w = cam_picture_text(&img, 1, 1, "Ab9", red, 1);
    for (i = 0; i < 60 * 40; i++)
        changed += img.pixels[i * 3] == 255 && img.pixels[i * 3 + 1] == 0 && i / 60 < 12 && i % 60 < 20;
    test_report(t, w == 19 && changed > 10, "picture_text_draws", "w=%d changed=%d", w, changed);
    ok = cam_picture_grid(&img, maps, 3, caps, 0.5f, 0, 0, &grid) == CAM_OK;
    test_report(t, ok && grid.width == 4 + 2 * (256 + 4) && grid.height == 4 + 2 * (171 + 4), "picture_grid_layout", "%dx%d",
                grid.width, grid.height);
    snprintf(path, sizeof path, "%s/vis_grid.png", dir);
    test_report(t, cam_image_write_png(path, &grid) == CAM_OK, "picture_grid_png", "");
    cam_image_free(&grid);
    ok = cam_picture_grid(&img, maps, 3, NULL, 0.5f, 3, 30, &grid) == CAM_OK;
    test_report(t, ok && grid.width == 4 + 3 * 34 && grid.height == 4 + 24, "picture_grid_downscaled", "%dx%d",
                grid.width, grid.height);
    cam_image_free(&grid);
    test_report(t, cam_picture_grid(&img, maps, 0, NULL, 0.5f, 0, 0, &grid) == CAM_ERR_INVALID_ARG,
                "picture_grid_err", "");
    free(maps);
    cam_image_free(&img);
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    const char *dir = argc > 1 ? argv[1] : ".";
    test_boxes_hand(&t);
    test_boxes_random(&t);
    test_ilsvrc(&t);
    test_map_compute(&t);
    test_resize(&t);
    test_normalize_topk(&t);
    test_transform(&t);
    test_images(&t, dir);
    test_pictures(&t, dir);
    return test_done(&t);
}
