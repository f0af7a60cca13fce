/* CAM maps on real models against an independent computation:
   M_c(p) = sum_k W[c][k] F[k][p], with W read from the ONNX initializer of
   the last Gemm/MatMul (found through node introspection, not the head
   detector) and F the feature tensor after forward; also the paper's identity
   score_c = mean_p M_c(p) + b_c, GAP features, maps on the input size, and
   maps that do not depend on the thread count.

   usage: test_vis_net [MODEL.onnx | INPUT.npy]...
   An argument ending in .npy is the input for the models after it (else a
   seeded random input of the model's shape). Models missing on disk are
   skipped with a comment line; at least one must exist. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "cam.h"
#include "tests/test_util.h"

static int file_exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int same_box(const cam_box *a, const cam_box *b) /* fields, not padding */
{
    return a->x0 == b->x0 && a->y0 == b->y0 && a->x1 == b->x1 && a->y1 == b->y1 && a->pixels == b->pixels &&
           !memcmp(&a->sum, &b->sum, sizeof a->sum);
}

/* Classifier weights as W[c][k] (C x K) from the last Gemm/MatMul initializer. */
static float *independent_weights(cam_net *net, int C, int K, const float **bias)
{
    int i, n = cam_net_node_count(net);
    *bias = NULL;
    for (i = n - 1; i >= 0; i--) {
        cam_node_info ni;
        cam_tensor w, b;
        float *out;
        int c, k;
        if (cam_net_node(net, i, &ni) != CAM_OK)
            continue;
        if (strcmp(ni.op_type, "Gemm") && strcmp(ni.op_type, "MatMul"))
            continue;
        if (ni.n_inputs < 2 || cam_net_tensor(net, ni.inputs[1], &w) != CAM_OK || w.ndim != 2 ||
            w.dtype != CAM_FLOAT32)
            return NULL;
        out = (float *)malloc(sizeof(float) * (size_t)C * K);
        if (w.dims[0] == C && w.dims[1] == K) /* Gemm transB=1: C x K */
            memcpy(out, w.data, sizeof(float) * (size_t)C * K);
        else if (w.dims[0] == K && w.dims[1] == C)
            for (c = 0; c < C; c++)
                for (k = 0; k < K; k++)
                    out[c * K + k] = ((const float *)w.data)[k * C + c];
        else {
            free(out);
            return NULL;
        }
        if (ni.n_inputs > 2 && ni.inputs[2][0] && cam_net_tensor(net, ni.inputs[2], &b) == CAM_OK &&
            cam_tensor_count(&b) == C)
            *bias = (const float *)b.data;
        return out;
    }
    return NULL;
}

static void check_model(test_ctx *t, const char *path, const char *input)
{
    const char *name = base_name(path);
    char tn[256];
    cam_net *net;
    cam_error err;
    cam_head head;
    cam_tensor in, f;
    cam_tensor_info info;
    cam_tensor npy;
    const float *sc, *bias = NULL;
    float *x = NULL, *W = NULL;
    int n_sc, K, h, w, hw, C, i, c, p, ok;
    unsigned s = 4242u;
    memset(&npy, 0, sizeof npy);
    if (cam_net_load(path, NULL, &net, &err) != CAM_OK) {
        snprintf(tn, sizeof tn, "net_%s_load", name);
        test_report(t, 0, tn, "%s", err.message);
        return;
    }
    cam_net_input_info(net, 0, &info);
    memset(&in, 0, sizeof in);
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = 1, in.dims[1] = info.dims[1], in.dims[2] = info.dims[2], in.dims[3] = info.dims[3];
    if (input && cam_npy_load(input, &npy, &err) == CAM_OK && npy.ndim == 4 && npy.dims[1] == info.dims[1]) {
        in.dims[2] = npy.dims[2], in.dims[3] = npy.dims[3];
        in.data = npy.data; /* first image of the batch */
    } else {
        size_t n = (size_t)cam_tensor_count(&in), j;
        x = (float *)malloc(sizeof(float) * n);
        for (j = 0; j < n; j++) {
            s = s * 1664525u + 1013904223u;
            x[j] = (float)((s >> 8) & 0xffff) / 65536.0f;
        }
        in.data = x;
    }
    snprintf(tn, sizeof tn, "net_%s_forward_and_head", name);
    ok = cam_net_forward(net, &in, 1) == CAM_OK && cam_net_head(net, &head) == CAM_OK &&
         cam_net_tensor(net, head.feature, &f) == CAM_OK && cam_net_scores(net, 0, &sc, &n_sc) == CAM_OK;
    test_report(t, ok, tn, "%s / %s", cam_net_last_error(net), cam_net_head_error(net));
    if (!ok)
        goto done;
    K = (int)f.dims[1], h = (int)f.dims[2], w = (int)f.dims[3], hw = h * w, C = head.n_classes;
    {
        /* preprocessing settings from the input shape and metadata_props */
        cam_preprocess pp;
        const char *mean = cam_net_metadata_get(net, "cam.mean"), *color = cam_net_metadata_get(net, "cam.color");
        const char *rs = cam_net_metadata_get(net, "cam.resize");
        ok = cam_preprocess_from_net(net, &pp, &err) == CAM_OK && pp.width == info.dims[3] &&
             pp.height == info.dims[2] && (pp.channels == info.dims[1] || info.dims[1] > 3);
        ok = ok && (!mean || fabsf(pp.mean[0] - strtof(mean, NULL)) < 1e-7f);
        ok = ok && (!color || strcmp(color, "gray") || pp.color == CAM_COLOR_GRAY);
        ok = ok && (!rs || (strcmp(rs, "crop") ? pp.resize == CAM_RESIZE_STRETCH : pp.resize == CAM_RESIZE_CROP));
        snprintf(tn, sizeof tn, "net_%s_preprocess_from_metadata", name);
        test_report(t, ok, tn, "%s", err.message);
    }
    {
        /* maps at feature resolution for the top 5 and some other classes */
        cam_maps maps;
        cam_map_desc md;
        int cls[8], nc = cam_scores_topk(sc, n_sc, 5, cls, NULL);
        double worst = 0, worst_id = 0;
        cls[nc++] = 0;
        cls[nc++] = C - 1;
        cls[nc++] = C / 2;
        memset(&md, 0, sizeof md);
        md.target = CAM_TARGET_FEATURE;
        ok = cam_net_maps(net, 0, cls, nc, &md, &maps) == CAM_OK && maps.width == w && maps.height == h;
        if (ok && !head.conv_classifier) {
            W = independent_weights(net, C, K, &bias);
            ok = W != NULL;
        }
        for (i = 0; ok && i < nc; i++) {
            double mean = 0;
            for (p = 0; p < hw; p++) {
                double ref = 0, e;
                int k;
                if (head.conv_classifier)
                    ref = ((const float *)f.data)[(size_t)cls[i] * hw + p];
                else
                    for (k = 0; k < K; k++)
                        ref += (double)W[(size_t)cls[i] * K + k] * ((const float *)f.data)[(size_t)k * hw + p];
                e = fabs(ref - maps.data[(size_t)i * hw + p]) / (1.0 + fabs(ref));
                worst = e > worst ? e : worst;
                mean += maps.data[(size_t)i * hw + p];
            }
            /* the paper's identity: S_c = mean(M_c) + b_c (GAP heads) */
            if (head.pool == CAM_POOL_AVG) {
                double e = fabs(mean / hw + (bias ? bias[cls[i]] : head.bias ? head.bias[cls[i]] : 0) - sc[cls[i]]);
                worst_id = e > worst_id ? e : worst_id;
            }
        }
        snprintf(tn, sizeof tn, "net_%s_maps_equal_W_times_F", name);
        test_report(t, ok && worst < 1e-5, tn, "worst rel err %g (K=%d, %dx%d)", worst, K, h, w);
        if (head.pool == CAM_POOL_AVG) {
            snprintf(tn, sizeof tn, "net_%s_score_is_mean_map_plus_bias", name);
            test_report(t, ok && worst_id < 1e-3, tn, "worst abs err %g", worst_id);
        }
        cam_maps_free(&maps);
        /* maps on the input: a resize of the feature maps */
        md.target = CAM_TARGET_INPUT;
        md.normalize = CAM_NORMALIZE_MINMAX;
        ok = cam_net_maps(net, 0, NULL, 2, &md, &maps) == CAM_OK && maps.width == in.dims[3] &&
             maps.height == in.dims[2] && maps.classes[0] == cls[0];
        if (ok) {
            float lo, hi;
            cam_map_range(maps.data, (size_t)maps.width * maps.height, &lo, &hi);
            ok = lo == 0.0f && fabsf(hi - 1.0f) < 1e-6f;
        }
        snprintf(tn, sizeof tn, "net_%s_maps_on_input_top_classes", name);
        test_report(t, ok, tn, "");
        cam_maps_free(&maps);
    }
    {
        /* all classes in one run (the packed product): W . F for every
           rectify mode, bit-identical to the same maps asked one by one in
           another order (cam_map_compute), for 1 and 2 threads */
        int *all = (int *)malloc(sizeof(int) * C), *rev = (int *)malloc(sizeof(int) * C), rect, threads = cam_net_threads(net);
        cam_map_desc fd;
        cam_maps m1, m2;
        memset(&fd, 0, sizeof fd);
        fd.target = CAM_TARGET_FEATURE;
        for (c = 0; c < C; c++)
            all[c] = c, rev[c] = C - 1 - c;
        if (!W && !head.conv_classifier)
            W = independent_weights(net, C, K, &bias);
        for (rect = 0; rect < 3; rect++) {
            double worst = 0;
            int same = 1, nt;
            fd.rectify = (cam_rectify)rect;
            cam_net_set_threads(net, 1);
            ok = cam_net_maps(net, 0, all, C, &fd, &m1) == CAM_OK;
            for (c = 0; ok && c < C; c++)
                for (p = 0; p < hw; p++) {
                    double ref = 0, e;
                    int k;
                    if (head.conv_classifier)
                        ref = ((const float *)f.data)[(size_t)c * hw + p];
                    else
                        for (k = 0; k < K; k++) {
                            double wv = W ? W[(size_t)c * K + k] : 0;
                            if (rect == CAM_RECTIFY_POSITIVE_WEIGHTS && !(wv > 0))
                                wv = 0;
                            ref += wv * ((const float *)f.data)[(size_t)k * hw + p];
                        }
                    if (rect == CAM_RECTIFY_RELU && ref < 0)
                        ref = 0;
                    e = fabs(ref - m1.data[(size_t)c * hw + p]) / (1.0 + fabs(ref));
                    worst = e > worst ? e : worst;
                }
            for (nt = 1; ok && nt <= 3; nt++) {
                cam_net_set_threads(net, nt);
                ok = cam_net_maps(net, 0, rev, C, &fd, &m2) == CAM_OK;
                for (c = 0; ok && c < C; c++)
                    same &= !memcmp(m1.data + (size_t)c * hw, m2.data + (size_t)(C - 1 - c) * hw, sizeof(float) * hw);
                cam_maps_free(&m2);
                /* the packed product split over nt threads (class blocks cut
                   into pixel tiles at the shares' ends) */
                ok = ok && cam_net_maps(net, 0, all, C, &fd, &m2) == CAM_OK;
                same &= ok && !memcmp(m1.data, m2.data, sizeof(float) * (size_t)C * hw);
                cam_maps_free(&m2);
            }
            snprintf(tn, sizeof tn, "net_%s_all_class_maps_rectify%d_equal_W_times_F", name, rect);
            test_report(t, ok && (W || head.conv_classifier) && worst < 1e-5, tn, "worst rel err %g", worst);
            snprintf(tn, sizeof tn, "net_%s_all_class_maps_rectify%d_equal_maps_one_by_one", name, rect);
            test_report(t, ok && same, tn, "");
            cam_maps_free(&m1);
        }
        cam_net_set_threads(net, threads);
        free(all);
        free(rev);
    }
    {
        /* cam_net_maps_into, cam_net_boxes and cam_net_map_boxes against
           cam_net_maps and cam_map_boxes, for 1 and 2 threads */
        int nt, threads = cam_net_threads(net), mw = 0, mh = 0, top = n_sc < 5 ? n_sc : 5;
        cam_map_desc md;
        cam_box_desc bd;
        cam_maps ref, into;
        memset(&md, 0, sizeof md);
        memset(&bd, 0, sizeof bd);
        md.target = CAM_TARGET_INPUT;
        for (nt = 1; nt <= 2; nt++) {
            size_t cap;
            int counts[5], counts2[5], cls2[5], m, same_maps, same_boxes = 1, same_mb = 1;
            cam_box b1[5 * 3], b2[5 * 3], b3[5 * 3];
            cam_net_set_threads(net, nt);
            md.normalize = nt == 2 ? CAM_NORMALIZE_MINMAX : CAM_NORMALIZE_NONE;
            ok = cam_net_maps(net, 0, NULL, top, &md, &ref) == CAM_OK &&
                 cam_net_maps_size(net, &md, &mw, &mh) == CAM_OK && mw == ref.width && mh == ref.height;
            cap = (size_t)mw * mh * top;
            memset(&into, 0, sizeof into);
            into.data = (float *)malloc(sizeof(float) * (cap ? cap : 1));
            into.classes = (int *)malloc(sizeof(int) * 5);
            into.scores = (float *)malloc(sizeof(float) * 5);
            snprintf(tn, sizeof tn, "net_%s_maps_into_err_capacity_t%d", name, nt);
            test_report(t, cam_net_maps_into(net, 0, NULL, top, &md, &into, cap - 1) == CAM_ERR_INVALID_ARG &&
                               into.n == 0, tn, "");
            ok = ok && cam_net_maps_into(net, 0, NULL, top, &md, &into, cap) == CAM_OK && into.n == top &&
                 into.width == mw && into.height == mh;
            same_maps = ok && !memcmp(into.data, ref.data, sizeof(float) * cap) &&
                        !memcmp(into.classes, ref.classes, sizeof(int) * top) &&
                        !memcmp(into.scores, ref.scores, sizeof(float) * top);
            snprintf(tn, sizeof tn, "net_%s_maps_into_equal_maps_t%d", name, nt);
            test_report(t, same_maps, tn, "");
            ok = ok && cam_net_boxes(net, &into, &bd, b2, 3, counts) == CAM_OK &&
                 cam_net_map_boxes(net, 0, NULL, top, &md, &bd, cls2, b3, 3, counts2) == CAM_OK;
            for (m = 0; ok && m < top; m++) {
                int n1 = cam_map_boxes(ref.data + (size_t)m * mw * mh, mw, mh, &bd, b1 + 3 * m, 3, NULL), q;
                same_boxes &= n1 == counts[m];
                same_mb &= n1 == counts2[m] && cls2[m] == ref.classes[m];
                for (q = 0; q < n1 && q < 3; q++) {
                    same_boxes &= same_box(&b1[3 * m + q], &b2[3 * m + q]);
                    same_mb &= same_box(&b1[3 * m + q], &b3[3 * m + q]);
                }
            }
            snprintf(tn, sizeof tn, "net_%s_net_boxes_equal_map_boxes_t%d", name, nt);
            test_report(t, ok && same_boxes, tn, "");
            snprintf(tn, sizeof tn, "net_%s_net_map_boxes_equal_map_boxes_t%d", name, nt);
            test_report(t, ok && same_mb, tn, "");
            cam_maps_free(&ref);
            free(into.data);
            free(into.classes);
            free(into.scores);
        }
        cam_net_set_threads(net, threads);
    }
    {
        /* GAP features from the same forward */
        float *g = (float *)malloc(sizeof(float) * K);
        int ni = 0, nk = 0;
        double worst = 0;
        ok = cam_net_features(net, CAM_POOL_AVG, NULL, &ni, &nk) == CAM_OK && ni == 1 && nk == K &&
             cam_net_features(net, CAM_POOL_AVG, g, &ni, &nk) == CAM_OK;
        for (c = 0; ok && c < K; c++) {
            double m = 0;
            for (p = 0; p < hw; p++)
                m += ((const float *)f.data)[(size_t)c * hw + p];
            m /= hw;
            worst = fabs(m - g[c]) > worst ? fabs(m - g[c]) : worst;
        }
        snprintf(tn, sizeof tn, "net_%s_gap_features", name);
        test_report(t, ok && worst < 1e-5, tn, "worst %g", worst);
        free(g);
    }
    {
        /* The cost of CAM against the forward pass is measured by make bench
           (bench/bench_cam.c), not here: timed tests fail on a loaded machine. */
        int *all = (int *)malloc(sizeof(int) * C), threads = cam_net_threads(net);
        cam_map_desc fd;
        memset(&fd, 0, sizeof fd);
        fd.target = CAM_TARGET_FEATURE;
        for (c = 0; c < C; c++)
            all[c] = c;
        {
            /* maps do not depend on the thread count */
            cam_maps m1, m2;
            cam_net_set_threads(net, 1);
            ok = cam_net_maps(net, 0, all, C, &fd, &m1) == CAM_OK;
            cam_net_set_threads(net, 3);
            ok = ok && cam_net_maps(net, 0, all, C, &fd, &m2) == CAM_OK &&
                 !memcmp(m1.data, m2.data, sizeof(float) * (size_t)C * hw);
            snprintf(tn, sizeof tn, "net_%s_maps_thread_independent", name);
            test_report(t, ok, tn, "");
            cam_maps_free(&m1);
            cam_maps_free(&m2);
        }
        cam_net_set_threads(net, threads);
        free(all);
    }
done:
    free(W);
    free(x);
    if (npy.data)
        cam_npy_free(&npy);
    cam_net_free(net);
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    const char *input = NULL;
    int i, ran = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t n = strlen(a);
        if (n > 4 && !strcmp(a + n - 4, ".npy")) {
            input = file_exists(a) ? a : NULL;
            continue;
        }
        if (!file_exists(a)) {
            printf("# %s not found: skipped\n", a);
            continue;
        }
        check_model(&t, a, input);
        ran++;
    }
    test_report(&t, ran > 0, "net_some_model_checked", "none of the models exists");
    return test_done(&t);
}
