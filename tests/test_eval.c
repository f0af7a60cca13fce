/* Tests of the evaluation code: IoU, box rules, the one-pass threshold sweep
   against per-threshold labelling, the metric accumulator and error paths.
   SVM tests are in test_eval_svm.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "cam.h"
#include "tests/test_util.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s) { return (double)(rng_next(s) >> 11) / 9007199254740992.0; }

static cam_box mk(int x0, int y0, int x1, int y1)
{
    cam_box b;
    memset(&b, 0, sizeof b);
    b.x0 = x0;
    b.y0 = y0;
    b.x1 = x1;
    b.y1 = y1;
    return b;
}

static int same_box(const cam_box *a, const cam_box *b)
{
    return a->x0 == b->x0 && a->y0 == b->y0 && a->x1 == b->x1 && a->y1 == b->y1;
}

static void test_iou(test_ctx *t)
{
    cam_box a = mk(0, 0, 9, 9), b = mk(0, 0, 4, 9), c = mk(1, 1, 2, 2), d = mk(0, 0, 1, 1), e = mk(5, 5, 4, 4);
    cam_box f = mk(20, 20, 30, 30);
    test_report(t, cam_box_iou(&a, &a) == 1.0, "iou_identical", "got %g", cam_box_iou(&a, &a));
    test_report(t, cam_box_iou(&a, &b) == 0.5, "iou_half", "got %g", cam_box_iou(&a, &b));
    test_report(t, fabs(cam_box_iou(&c, &d) - 1.0 / 7.0) < 1e-15, "iou_corner_overlap_inclusive",
                "got %g want 1/7", cam_box_iou(&c, &d));
    test_report(t, cam_box_iou(&a, &e) == 0.0 && cam_box_iou(&e, &e) == 0.0, "iou_empty_box_is_zero", "got %g",
                cam_box_iou(&a, &e));
    test_report(t, cam_box_iou(&a, &f) == 0.0, "iou_disjoint", "got %g", cam_box_iou(&a, &f));
    /* single pixels: inclusive boxes have area 1 */
    {
        cam_box p = mk(3, 3, 3, 3), q = mk(3, 3, 4, 3);
        test_report(t, cam_box_iou(&p, &p) == 1.0 && cam_box_iou(&p, &q) == 0.5, "iou_single_pixel", "got %g %g",
                    cam_box_iou(&p, &p), cam_box_iou(&p, &q));
    }
}

/* A 6 x 8 map by hand:
      row 0: 0 0 0 0 0 0 0 0
      row 1: 0 9 9 0 0 0 0 0
      row 2: 0 9 9 0 0 5 0 0
      row 3: 0 0 0 5 0 5 0 0
      row 4: 0 0 0 0 0 5 5 0
      row 5: 0 0 0 0 0 0 0 1                          */
static const float hand_map[48] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 0, 0, 0, 0, 0, 0, 9, 9, 0, 0, 5, 0, 0,
                                   0, 0, 0, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static void test_box_rules(test_ctx *t)
{
    cam_box_rule paper8, paper4, wsol;
    cam_box b, all[8];
    int n = 0;
    cam_result r;
    memset(&paper8, 0, sizeof paper8);
    paper4 = paper8;
    paper4.connectivity = 4;
    wsol = paper8;
    wsol.convention = CAM_CONVENTION_WSOL;
    /* tau 0.5: 4.5 cut keeps the 9-block (4 px), the diagonal 5 at (3,3) and
       the 4-pixel 5-snake; 8-connectivity joins the block with (3,3). */
    r = cam_map_box_at(hand_map, 6, 8, 0.5, &paper8, &b, &n, all, 8);
    test_report(t, r == CAM_OK && n == 2 && b.x0 == 1 && b.y0 == 1 && b.x1 == 3 && b.y1 == 3 && b.pixels == 5,
                "box_paper_8conn_hand", "r=%d n=%d box %d,%d,%d,%d px %ld", r, n, b.x0, b.y0, b.x1, b.y1,
                (long)b.pixels);
    r = cam_map_box_at(hand_map, 6, 8, 0.5, &paper4, &b, &n, NULL, 0);
    /* 4-conn: block (4 px, sum 36) ties the snake (4 px, sum 20): larger sum wins */
    test_report(t, r == CAM_OK && n == 3 && b.x0 == 1 && b.y0 == 1 && b.x1 == 2 && b.y1 == 2, "box_paper_4conn_hand",
                "r=%d n=%d box %d,%d,%d,%d", r, n, b.x0, b.y0, b.x1, b.y1);
    /* tau 0.6: cut 5.4 keeps only the 9 block */
    r = cam_map_box_at(hand_map, 6, 8, 0.6, &paper8, &b, &n, NULL, 0);
    test_report(t, r == CAM_OK && n == 1 && b.x0 == 1 && b.y0 == 1 && b.x1 == 2 && b.y1 == 2, "box_paper_ge_cut",
                "r=%d n=%d box %d,%d,%d,%d", r, n, b.x0, b.y0, b.x1, b.y1);
    /* paper rule is >=: a value equal to tau * max stays */
    {
        float m[4] = {10, 5, 0, 4.99f};
        r = cam_map_box_at(m, 1, 4, 0.5, &paper8, &b, &n, NULL, 0);
        test_report(t, r == CAM_OK && n == 1 && b.x0 == 0 && b.x1 == 1, "box_paper_inclusive_threshold",
                    "r=%d n=%d box %d..%d", r, n, b.x0, b.x1);
    }
    /* WSOL: q = floor(v/9*255): 9->255, 5->141, 1->28; tau 0.5 -> int(127.5)=127, keep q > 127.
       Components: block+diag (5 px; contour area: block 1 + ... ) and snake.
       Block+diag: 2x2 blocks with >= 3 kept: the 9 block itself (4) -> area 1;
       block (1..2,2..3)? pixels (2,2)=9? no: (row2,col2)=9,(row2,col3)=0,(row3,col2)=0,(row3,col3)=5 -> 2.
       Snake (2,5),(3,5),(4,5),(4,6): blocks with 3: rows3-4 cols5-6 -> 1/2. So block wins,
       box widened by one pixel: (1,1)-(3,3). */
    r = cam_map_box_at(hand_map, 6, 8, 0.5, &wsol, &b, &n, NULL, 0);
    test_report(t, r == CAM_OK && n == 2 && b.x0 == 1 && b.y0 == 1 && b.x1 == 4 && b.y1 == 4, "box_wsol_hand",
                "r=%d n=%d box %d,%d,%d,%d", r, n, b.x0, b.y0, b.x1, b.y1);
    /* WSOL strict >: q of the fives is 141 = int(tau * 255) at tau 0.553 -> dropped */
    r = cam_map_box_at(hand_map, 6, 8, 141.5 / 255.0, &wsol, &b, &n, NULL, 0);
    test_report(t, r == CAM_OK && n == 1, "box_wsol_strict_threshold", "r=%d n=%d", r, n);
    /* WSOL clips the widened box to the map: the lone 1 at the corner at tau 0 */
    {
        float m[4] = {0, 0, 0, 1};
        r = cam_map_box_at(m, 2, 2, 0.0, &wsol, &b, &n, NULL, 0);
        test_report(t, r == CAM_OK && n == 1 && b.x0 == 1 && b.y0 == 1 && b.x1 == 1 && b.y1 == 1, "box_wsol_clip",
                    "r=%d n=%d box %d,%d,%d,%d", r, n, b.x0, b.y0, b.x1, b.y1);
    }
    /* Empty results: paper gives an empty box, WSOL (0,0,0,0) */
    {
        float m[6] = {-1, -2, -3, -1, -5, -1};
        r = cam_map_box_at(m, 2, 3, 0.5, &paper8, &b, &n, NULL, 0); /* cut -0.5: none */
        test_report(t, r == CAM_OK && n == 0 && b.x1 < b.x0, "box_paper_empty", "r=%d n=%d", r, n);
        m[0] = 0; /* max 0: no positive evidence, no box (as cam_map_boxes) */
        r = cam_map_box_at(m, 2, 3, 0.0, &paper8, &b, &n, NULL, 0);
        test_report(t, r == CAM_OK && n == 0 && b.x1 < b.x0, "box_paper_max_zero_is_empty", "r=%d n=%d", r, n);
        m[0] = m[1] = m[2] = m[3] = m[4] = m[5] = 2;
        r = cam_map_box_at(m, 2, 3, 0.0, &wsol, &b, &n, NULL, 0); /* flat -> zeros -> nothing > 0 */
        test_report(t, r == CAM_OK && n == 0 && b.x0 == 0 && b.y0 == 0 && b.x1 == 0 && b.y1 == 0, "box_wsol_flat",
                    "r=%d n=%d box %d,%d,%d,%d", r, n, b.x0, b.y0, b.x1, b.y1);
    }
    /* WSOL hole contours: a 12x12 frame around a 5x5 hole has two contours;
       the hole's box is its pixels grown by one (2..8), widened (x1 + 1).
       An opening to the edge makes it no hole. */
    {
        float m[12 * 12];
        int i, y, x;
        for (i = 0; i < 144; i++) m[i] = 1;
        for (y = 3; y <= 7; y++)
            for (x = 3; x <= 7; x++) m[y * 12 + x] = 0;
        r = cam_map_box_at(m, 12, 12, 0.5, &wsol, &b, &n, all, 8);
        test_report(t, r == CAM_OK && n == 2 && b.x0 == 0 && b.x1 == 11 && all[1].x0 == 2 && all[1].y0 == 2 &&
                           all[1].x1 == 9 && all[1].y1 == 9,
                    "box_wsol_hole_contour", "r=%d n=%d hole %d,%d,%d,%d", r, n, all[1].x0, all[1].y0, all[1].x1,
                    all[1].y1);
        r = cam_map_box_at(m, 12, 12, 0.5, &paper8, &b, &n, all, 8);
        test_report(t, r == CAM_OK && n == 1, "box_paper_no_hole_contours", "r=%d n=%d", r, n);
        for (x = 0; x <= 3; x++) m[5 * 12 + x] = 0; /* corridor to the left edge */
        r = cam_map_box_at(m, 12, 12, 0.5, &wsol, &b, &n, all, 8);
        test_report(t, r == CAM_OK && n == 1, "box_wsol_open_region_is_no_hole", "r=%d n=%d", r, n);
    }
    /* WSOL picks by contour area, the paper by pixels: a 6-pixel line (area 0)
       against a 2x2 block (area 1) */
    {
        float m[5 * 8];
        int i;
        for (i = 0; i < 40; i++) m[i] = 0;
        for (i = 0; i < 6; i++) m[8 + i] = 1; /* row 1, cols 0..5 */
        m[3 * 8 + 5] = m[3 * 8 + 6] = m[4 * 8 + 5] = m[4 * 8 + 6] = 1;
        r = cam_map_box_at(m, 5, 8, 0.5, &paper8, &b, &n, NULL, 0);
        test_report(t, r == CAM_OK && b.y0 == 1 && b.y1 == 1 && b.x1 == 5, "box_paper_largest_by_pixels",
                    "box %d,%d,%d,%d", b.x0, b.y0, b.x1, b.y1);
        r = cam_map_box_at(m, 5, 8, 0.5, &wsol, &b, &n, NULL, 0);
        test_report(t, r == CAM_OK && b.x0 == 5 && b.y0 == 3, "box_wsol_largest_by_contour_area", "box %d,%d,%d,%d",
                    b.x0, b.y0, b.x1, b.y1);
    }
}

/* Random maps of several kinds: smooth bumps (CAM-like), noise, few levels
   (ties), negative maps. */
static void make_map(float *m, int h, int w, int kind, uint64_t *rng)
{
    int i, y, x, k;
    if (kind == 0) {
        int nb = 1 + (int)(rng_next(rng) % 4);
        double cy[4], cx[4], s[4], a[4];
        for (k = 0; k < nb; k++) {
            cy[k] = rng_unit(rng) * h;
            cx[k] = rng_unit(rng) * w;
            s[k] = 1 + rng_unit(rng) * (h + w) / 4;
            a[k] = rng_unit(rng) * 2 - 0.3;
        }
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++) {
                double v = 0.05 * (rng_unit(rng) - 0.5);
                for (k = 0; k < nb; k++)
                    v += a[k] * exp(-((y - cy[k]) * (y - cy[k]) + (x - cx[k]) * (x - cx[k])) / (2 * s[k] * s[k]));
                m[y * w + x] = (float)v;
            }
    } else if (kind == 1) {
        for (i = 0; i < h * w; i++) m[i] = (float)rng_unit(rng);
    } else if (kind == 2) {
        for (i = 0; i < h * w; i++) m[i] = (float)(rng_next(rng) % 5);
    } else {
        for (i = 0; i < h * w; i++) m[i] = (float)(-1.0 - rng_unit(rng));
    }
}

static void test_sweep_vs_labelling(test_ctx *t)
{
    static const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {7, 7}, {14, 14}, {17, 31}, {56, 56}};
    uint64_t rng = 12345;
    int conv, conn, si, kind, rep;
    float *m = (float *)malloc(64 * 64 * sizeof(float));
    cam_box *boxes = (cam_box *)malloc(100 * sizeof(cam_box));
    cam_box *all = (cam_box *)malloc(64 * 64 * sizeof(cam_box));
    double *best = (double *)malloc(100 * sizeof(double));
    for (conv = 0; conv < 2; conv++)
        for (conn = 4; conn <= 8; conn += 4) {
            cam_sweep_desc sd;
            cam_sweep *sw = NULL;
            cam_result r;
            int maps = 0, bad_box = 0, bad_iou = 0, fails = 0;
            char name[96], why[256];
            if (conv == CAM_CONVENTION_WSOL && conn == 4) continue;
            memset(&sd, 0, sizeof sd);
            sd.rule.convention = (cam_convention)conv;
            sd.rule.connectivity = conn;
            r = cam_sweep_create(&sd, &sw);
            why[0] = 0;
            for (si = 0; si < (int)(sizeof sizes / sizeof sizes[0]) && r == CAM_OK; si++)
                for (kind = 0; kind < 4; kind++)
                    for (rep = 0; rep < 6; rep++) {
                        int h = sizes[si][0], w = sizes[si][1], i, j, nc;
                        cam_box gt[2];
                        gt[0] = mk((int)(rng_next(&rng) % w), (int)(rng_next(&rng) % h), w - 1, h - 1);
                        gt[1] = mk(0, 0, (int)(rng_next(&rng) % w), (int)(rng_next(&rng) % h));
                        make_map(m, h, w, kind, &rng);
                        maps++;
                        if (cam_sweep_run(sw, m, h, w, gt, 2, boxes, best) != CAM_OK) {
                            fails++;
                            continue;
                        }
                        for (i = 0; i < 100; i++) {
                            cam_box ref;
                            double bi = 0;
                            if (cam_map_box_at(m, h, w, cam_sweep_tau(sw, i), &sd.rule, &ref, &nc, all, 64 * 64) !=
                                CAM_OK) {
                                fails++;
                                break;
                            }
                            if (!same_box(&ref, &boxes[i]) || ref.pixels != boxes[i].pixels) {
                                if (!bad_box)
                                    snprintf(why, sizeof why,
                                             "%dx%d kind %d tau %g: sweep %d,%d,%d,%d (%ld px) ref %d,%d,%d,%d (%ld px)",
                                             h, w, kind, cam_sweep_tau(sw, i), boxes[i].x0, boxes[i].y0, boxes[i].x1,
                                             boxes[i].y1, (long)boxes[i].pixels, ref.x0, ref.y0, ref.x1, ref.y1,
                                             (long)ref.pixels);
                                bad_box++;
                            }
                            if (nc == 0) bi = conv == CAM_CONVENTION_WSOL ? (cam_box_iou(&ref, &gt[0]) > cam_box_iou(&ref, &gt[1]) ? cam_box_iou(&ref, &gt[0]) : cam_box_iou(&ref, &gt[1])) : 0;
                            for (j = 0; j < nc; j++) {
                                double a = cam_box_iou(&all[j], &gt[0]), b = cam_box_iou(&all[j], &gt[1]);
                                if (a > bi) bi = a;
                                if (b > bi) bi = b;
                            }
                            if (bi != best[i]) {
                                if (!bad_iou && !bad_box)
                                    snprintf(why, sizeof why, "%dx%d kind %d tau %g: best IoU sweep %.17g ref %.17g", h,
                                             w, kind, cam_sweep_tau(sw, i), best[i], bi);
                                bad_iou++;
                            }
                        }
                    }
            snprintf(name, sizeof name, "sweep_equals_per_tau_labelling_%s_%dconn", conv ? "wsol" : "paper", conn);
            test_report(t, r == CAM_OK && !fails && !bad_box && maps > 100, name, "r=%d fails=%d wrong boxes %d: %s", r,
                        fails, bad_box, why);
            snprintf(name, sizeof name, "sweep_best_iou_all_components_%s_%dconn", conv ? "wsol" : "paper", conn);
            test_report(t, r == CAM_OK && !fails && !bad_iou, name, "wrong %d: %s", bad_iou, why);
            cam_sweep_free(sw);
        }
    /* an unordered threshold list and a list longer than the default */
    {
        double thr[7] = {0.5, 0.1, 0.9, 0.0, 0.3, 0.7, 0.2};
        cam_sweep_desc sd;
        cam_sweep *sw = NULL;
        int i, bad = 0, k;
        memset(&sd, 0, sizeof sd);
        sd.thresholds = thr;
        sd.n_thresholds = 7;
        if (cam_sweep_create(&sd, &sw) != CAM_OK) bad = 99;
        for (k = 0; k < 20 && !bad; k++) {
            make_map(m, 23, 19, k % 4, &rng);
            if (cam_sweep_run(sw, m, 23, 19, NULL, 0, boxes, NULL) != CAM_OK) bad = 98;
            for (i = 0; i < 7 && !bad; i++) {
                cam_box ref;
                cam_map_box_at(m, 23, 19, thr[i], NULL, &ref, NULL, NULL, 0);
                if (!same_box(&ref, &boxes[i])) bad = 1;
            }
        }
        test_report(t, !bad, "sweep_unordered_thresholds", "bad=%d", bad);
        cam_sweep_free(sw);
    }
    free(m);
    free(boxes);
    free(all);
    free(best);
}

/* The accumulator against a direct computation from cam_map_box_at. */
static void test_accumulator(test_ctx *t)
{
    cam_eval_desc ed;
    cam_eval *ev = NULL;
    cam_eval_summary s;
    uint64_t rng = 777;
    int img, i, j, n_img = 40, h = 24, w = 20;
    float *m = (float *)malloc((size_t)h * w * sizeof(float));
    int64_t hits[100], hv2[3][100];
    int64_t gk = 0;
    double acc[100];
    static const double deltas[3] = {0.3, 0.5, 0.7};
    cam_box all[24 * 20];
    memset(hits, 0, sizeof hits);
    memset(hv2, 0, sizeof hv2);
    memset(&ed, 0, sizeof ed);
    test_report(t, cam_eval_create(&ed, &ev) == CAM_OK, "eval_create", "failed");
    for (img = 0; img < n_img; img++) {
        cam_eval_sample smp;
        cam_box gt[2], b;
        int gl[2] = {3, 7};
        memset(&smp, 0, sizeof smp);
        make_map(m, h, w, img % 3 == 2 ? 1 : 0, &rng);
        gt[0] = mk((int)(rng_next(&rng) % 8), (int)(rng_next(&rng) % 8), 8 + (int)(rng_next(&rng) % 12),
                   8 + (int)(rng_next(&rng) % 16));
        gt[1] = mk(0, 0, 5, 5); /* another class's box: must be ignored for class 3 */
        smp.label = 3;
        smp.gt = gt;
        smp.gt_labels = gl;
        smp.n_gt = 2;
        smp.map = m;
        smp.map_h = h;
        smp.map_w = w;
        if (cam_eval_add(ev, &smp) != CAM_OK) break;
        for (i = 0; i < 100; i++) {
            int nc;
            double bi = 0;
            cam_map_box_at(m, h, w, i * (1.0 / 100), NULL, &b, &nc, all, h * w);
            if (cam_box_iou(&b, &gt[0]) >= 0.5) hits[i]++;
            for (j = 0; j < nc; j++)
                if (cam_box_iou(&all[j], &gt[0]) > bi) bi = cam_box_iou(&all[j], &gt[0]);
            for (j = 0; j < 3; j++)
                if (bi >= deltas[j]) hv2[j][i]++;
        }
        cam_map_box_at(m, h, w, 0.2, NULL, &b, NULL, NULL, 0);
        if (cam_box_iou(&b, &gt[0]) >= 0.5) gk++;
    }
    test_report(t, img == n_img, "eval_add_maps", "stopped at %d: %s", img, cam_eval_last_error(ev));
    /* two accumulators merged give the same counts as one (per-thread use) */
    {
        cam_eval *e1 = NULL, *e2 = NULL;
        cam_eval_summary s1, s0;
        uint64_t r2 = 777;
        int ok = cam_eval_create(&ed, &e1) == CAM_OK && cam_eval_create(&ed, &e2) == CAM_OK;
        for (i = 0; ok && i < n_img; i++) {
            cam_eval_sample smp;
            cam_box gt[2];
            int gl[2] = {3, 7};
            memset(&smp, 0, sizeof smp);
            make_map(m, h, w, i % 3 == 2 ? 1 : 0, &r2);
            gt[0] = mk((int)(rng_next(&r2) % 8), (int)(rng_next(&r2) % 8), 8 + (int)(rng_next(&r2) % 12),
                       8 + (int)(rng_next(&r2) % 16));
            gt[1] = mk(0, 0, 5, 5);
            smp.label = 3;
            smp.gt = gt;
            smp.gt_labels = gl;
            smp.n_gt = 2;
            smp.map = m;
            smp.map_h = h;
            smp.map_w = w;
            ok = cam_eval_add(i % 2 ? e1 : e2, &smp) == CAM_OK;
        }
        ok = ok && cam_eval_merge(e1, e2) == CAM_OK && cam_eval_summarize(e1, &s1) == CAM_OK &&
             cam_eval_summarize(ev, &s0) == CAM_OK;
        test_report(t, ok && s1.images == s0.images && s1.maxboxacc == s0.maxboxacc && s1.best_tau == s0.best_tau &&
                           s1.maxboxacc_v2 == s0.maxboxacc_v2 && s1.gt_known_loc == s0.gt_known_loc,
                    "eval_merge_equals_single_accumulator", "merged %g/%g/%g, single %g/%g/%g", s1.maxboxacc,
                    s1.maxboxacc_v2, s1.gt_known_loc, s0.maxboxacc, s0.maxboxacc_v2, s0.gt_known_loc);
        cam_eval_free(e1);
        cam_eval_free(e2);
    }
    cam_eval_summarize(ev, &s);
    {
        int64_t bh = 0, bv[3] = {0, 0, 0};
        int bt = 0;
        double v2;
        for (i = 0; i < 100; i++)
            if (hits[i] > bh) {
                bh = hits[i];
                bt = i;
            }
        for (j = 0; j < 3; j++)
            for (i = 0; i < 100; i++)
                if (hv2[j][i] > bv[j]) bv[j] = hv2[j][i];
        v2 = ((double)bv[0] / n_img + (double)bv[1] / n_img + (double)bv[2] / n_img) / 3.0;
        test_report(t, s.n_map == n_img && s.maxboxacc == (double)bh / n_img && s.best_tau == bt * (1.0 / 100),
                    "eval_maxboxacc_matches_direct", "got %g at %g, want %g at %g", s.maxboxacc, s.best_tau,
                    (double)bh / n_img, bt / 100.0);
        test_report(t, fabs(s.maxboxacc_v2 - v2) < 1e-12, "eval_maxboxacc_v2_matches_direct", "got %.17g want %.17g",
                    s.maxboxacc_v2, v2);
        test_report(t, s.gt_known_loc == (double)gk / n_img, "eval_gt_known_matches_direct", "got %g want %g",
                    s.gt_known_loc, (double)gk / n_img);
        test_report(t, bh > 0 && bh < n_img, "eval_test_data_not_trivial", "best hits %ld of %d", (long)bh, n_img);
        test_report(t, cam_eval_boxacc(ev, 0.5, acc, 100) == CAM_OK && acc[bt] == s.maxboxacc, "eval_boxacc_curve",
                    "acc[%d]=%g", bt, acc[bt]);
    }
    cam_eval_free(ev);

    /* classification and top-k localization by hand */
    ev = NULL;
    cam_eval_create(NULL, &ev);
    {
        float sc1[6] = {0.1f, 0.9f, 0.3f, 0.3f, 0.0f, 0.2f}; /* ranks: 1, 2, 3, 5, 0, 4 */
        cam_box gt = mk(10, 10, 19, 19), good = mk(10, 10, 19, 20), bad = mk(0, 0, 4, 4);
        int gcls[5] = {1, 2, 3, 5, 0};
        cam_box gbox[5];
        cam_eval_sample a;
        memset(&a, 0, sizeof a);
        a.scores = sc1;
        a.n_classes = 6;
        a.gt = &gt;
        a.n_gt = 1;
        a.guess_classes = gcls;
        a.guess_boxes = gbox;
        a.n_guesses = 5;
        /* image A: label 1 (top-1 right), box good -> loc top1 and top5 right */
        a.label = 1;
        gbox[0] = good; gbox[1] = bad; gbox[2] = bad; gbox[3] = bad; gbox[4] = bad;
        cam_eval_add(ev, &a);
        /* image B: label 3 (rank 3, tie with 2 broken by index), its box good -> top5 loc only */
        a.label = 3;
        gbox[0] = bad; gbox[2] = good;
        cam_eval_add(ev, &a);
        /* image C: label 1, right class but bad box -> classification right, loc wrong */
        a.label = 1;
        gbox[0] = bad; gbox[2] = bad;
        cam_eval_add(ev, &a);
        /* image D: label 4 (rank 6 of 6): outside top 5, good box for class 4 is not a guess */
        a.label = 4;
        cam_eval_add(ev, &a);
        cam_eval_summarize(ev, &s);
        test_report(t, s.images == 4 && s.top1_cls_ok == 2 && s.topk_cls_ok == 3 && s.top1_cls_err == 0.5 &&
                           s.topk_cls_err == 0.25,
                    "eval_topk_classification_hand", "top1 %ld top5 %ld", (long)s.top1_cls_ok, (long)s.topk_cls_ok);
        test_report(t, s.top1_loc_ok == 1 && s.topk_loc_ok == 2 && s.top1_loc_err == 0.75 && s.topk_loc_err == 0.5,
                    "eval_topk_localization_hand", "top1 %ld top5 %ld", (long)s.top1_loc_ok, (long)s.topk_loc_ok);
    }
    cam_eval_free(ev);
    free(m);
}

typedef struct count_alloc {
    int allocs, frees;
} count_alloc;

static void *ca_alloc(size_t size, size_t align, void *user)
{
    (void)align;
    ((count_alloc *)user)->allocs++;
    return malloc(size);
}

static void ca_free(void *p, void *user)
{
    ((count_alloc *)user)->frees++;
    free(p);
}

/* cam_eval and its sweep take all their memory from the desc's allocator */
static void test_allocator(test_ctx *t)
{
    count_alloc ca = {0, 0};
    cam_eval_desc ed;
    cam_eval *ev = NULL;
    cam_eval_sample smp;
    cam_box gt[3];
    float m[30 * 20];
    uint64_t rng = 5;
    int i, ok = 1;
    memset(&ed, 0, sizeof ed);
    ed.rule.convention = CAM_CONVENTION_WSOL;
    ed.allocator.alloc = ca_alloc;
    ed.allocator.free = ca_free;
    ed.allocator.user = &ca;
    ok = cam_eval_create(&ed, &ev) == CAM_OK;
    for (i = 0; ok && i < 5; i++) {
        memset(&smp, 0, sizeof smp);
        make_map(m, 20 + i * 2, 15 + i, i % 2, &rng);
        gt[0] = gt[1] = gt[2] = mk(2, 3, 9, 12);
        smp.gt = gt;
        smp.n_gt = 1 + i % 3; /* grows the ground-truth buffer */
        smp.map = m;
        smp.map_h = 20 + i * 2; /* grows the sweep's buffers */
        smp.map_w = 15 + i;
        ok = cam_eval_add(ev, &smp) == CAM_OK;
    }
    cam_eval_free(ev);
    test_report(t, ok && ca.allocs > 10 && ca.allocs == ca.frees, "eval_custom_allocator", "ok=%d allocs %d frees %d",
                ok, ca.allocs, ca.frees);
}

static void test_errors(test_ctx *t)
{
    float m[4] = {0, 1, 2, 3};
    float nanm[4] = {0, 1, 0, 0};
    cam_box b, gt = mk(0, 0, 1, 1);
    cam_box_rule rule;
    cam_sweep *sw = NULL;
    cam_sweep_desc sd;
    cam_eval *ev = NULL;
    cam_eval_sample smp;
    cam_convention cv;
    nanm[2] = strtof("nan", NULL);
    memset(&rule, 0, sizeof rule);
    test_report(t, cam_map_box_at(nanm, 2, 2, 0.2, NULL, &b, NULL, NULL, 0) == CAM_ERR_INVALID_ARG, "err_nan_map",
                "accepted");
    test_report(t, cam_map_box_at(m, 0, 2, 0.2, NULL, &b, NULL, NULL, 0) == CAM_ERR_INVALID_ARG, "err_empty_map",
                "accepted");
    rule.connectivity = 6;
    test_report(t, cam_map_box_at(m, 2, 2, 0.2, &rule, &b, NULL, NULL, 0) == CAM_ERR_INVALID_ARG,
                "err_bad_connectivity", "accepted");
    rule.connectivity = 4;
    rule.convention = CAM_CONVENTION_WSOL;
    test_report(t, cam_map_box_at(m, 2, 2, 0.2, &rule, &b, NULL, NULL, 0) == CAM_ERR_INVALID_ARG,
                "err_wsol_needs_8conn", "accepted");
    test_report(t, cam_convention_parse("wsol", &cv) == CAM_OK && cv == CAM_CONVENTION_WSOL &&
                       cam_convention_parse("paper", &cv) == CAM_OK && cv == CAM_CONVENTION_PAPER &&
                       cam_convention_parse("Paper", &cv) == CAM_ERR_INVALID_ARG,
                "convention_parse", "wrong");
    memset(&sd, 0, sizeof sd);
    sd.n_thresholds = -1;
    test_report(t, cam_sweep_create(&sd, &sw) == CAM_ERR_INVALID_ARG && !sw, "err_sweep_bad_count", "accepted");
    sd.n_thresholds = 0;
    cam_sweep_create(&sd, &sw);
    {
        double best[100];
        test_report(t, cam_sweep_run(sw, m, 2, 2, NULL, 0, NULL, best) == CAM_ERR_INVALID_ARG &&
                           strlen(cam_sweep_last_error(sw)) > 0,
                    "err_sweep_best_iou_needs_gt", "accepted");
        test_report(t, cam_sweep_run(sw, nanm, 2, 2, &gt, 1, NULL, best) == CAM_ERR_INVALID_ARG,
                    "err_sweep_nan_map", "accepted");
    }
    cam_sweep_free(sw);
    cam_eval_create(NULL, &ev);
    memset(&smp, 0, sizeof smp);
    smp.map = m;
    smp.map_h = smp.map_w = 2;
    test_report(t, cam_eval_add(ev, &smp) == CAM_ERR_INVALID_ARG && strlen(cam_eval_last_error(ev)) > 0,
                "err_eval_map_without_gt", "accepted");
    smp.gt = &gt;
    smp.n_gt = 1;
    smp.label = 2;
    {
        int other = 5;
        smp.gt_labels = &other;
        test_report(t, cam_eval_add(ev, &smp) == CAM_ERR_INVALID_ARG, "err_eval_no_gt_of_class", "accepted");
    }
    smp.gt_labels = NULL;
    gt = mk(3, 3, 2, 2);
    test_report(t, cam_eval_add(ev, &smp) == CAM_ERR_INVALID_ARG, "err_eval_empty_gt_box", "accepted");
    {
        cam_eval_summary s;
        cam_eval_summarize(ev, &s);
        test_report(t, s.images == 0, "err_eval_failed_adds_not_counted", "images %ld", (long)s.images);
    }
    cam_eval_free(ev);
    {
        cam_eval_desc ed;
        memset(&ed, 0, sizeof ed);
        ed.iou = 1.5;
        ev = NULL;
        test_report(t, cam_eval_create(&ed, &ev) == CAM_ERR_INVALID_ARG && !ev, "err_eval_bad_iou", "accepted");
    }
}

/* Timing of the sweep against per-threshold labelling (not a test: --bench). */
static double now_s(void) { return (double)clock() / CLOCKS_PER_SEC; }

static void bench(int n_thr)
{
    int h = 224, w = 224, i, reps = 20, conv;
    float *m = (float *)malloc((size_t)h * w * sizeof(float));
    cam_box *boxes = (cam_box *)malloc((size_t)n_thr * sizeof(cam_box));
    double *best = (double *)malloc((size_t)n_thr * sizeof(double));
    uint64_t rng = 1;
    cam_box gt = mk(50, 60, 150, 170);
    make_map(m, h, w, 0, &rng);
    for (conv = 0; conv < 2; conv++) {
        cam_sweep_desc sd;
        cam_sweep *sw;
        double t0, t1, t2;
        cam_box b;
        memset(&sd, 0, sizeof sd);
        sd.n_thresholds = n_thr;
        sd.rule.convention = (cam_convention)conv;
        cam_sweep_create(&sd, &sw);
        cam_sweep_run(sw, m, h, w, &gt, 1, boxes, best);
        t0 = now_s();
        for (i = 0; i < reps; i++) cam_sweep_run(sw, m, h, w, &gt, 1, boxes, best);
        t1 = now_s();
        for (i = 0; i < n_thr; i++) cam_map_box_at(m, h, w, cam_sweep_tau(sw, i), &sd.rule, &b, NULL, NULL, 0);
        t2 = now_s();
        printf("# %s 224x224, %d thresholds: sweep %.3f ms/map (boxes + all-component IoU), per-tau labelling %.3f ms/map, %.1fx\n",
               conv ? "wsol" : "paper", n_thr, (t1 - t0) / reps * 1e3, (t2 - t1) * 1e3, (t2 - t1) / ((t1 - t0) / reps));
        cam_sweep_free(sw);
    }
    free(m);
    free(boxes);
    free(best);
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    if (argc > 1 && !strcmp(argv[1], "--bench")) {
        bench(100);
        bench(1000);
        return 0;
    }
    test_iou(&t);
    test_box_rules(&t);
    test_sweep_vs_labelling(&t);
    test_accumulator(&t);
    test_allocator(&t);
    test_errors(&t);
    return test_done(&t);
}
