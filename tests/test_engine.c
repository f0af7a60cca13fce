/* Engine tests: error paths (every cam_result code, by code and message),
   hostile files (truncation, byte flips), fusion, CAM head, threads, memory.
   Models are written as protobuf bytes right here, so the test needs no
   Python. usage: test_engine [BUILD_DIR] (scratch files go there). */
#define _POSIX_C_SOURCE 200112L /* popen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include "cam.h"
#include "test_util.h"

/* ---- a tiny protobuf writer ---- */
typedef struct pbw {
    unsigned char *b;
    size_t n, cap;
} pbw;

static void pb_put(pbw *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2 + 64;
        w->b = (unsigned char *)realloc(w->b, w->cap);
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void pb_varint(pbw *w, uint64_t v)
{
    unsigned char c;
    do {
        c = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            c |= 0x80;
        pb_put(w, &c, 1);
    } while (v);
}
static void pb_key(pbw *w, int field, int wire) { pb_varint(w, (uint64_t)field << 3 | (uint64_t)wire); }
static void pb_int(pbw *w, int field, int64_t v) { pb_key(w, field, 0); pb_varint(w, (uint64_t)v); }
static void pb_bytes(pbw *w, int field, const void *p, size_t n) { pb_key(w, field, 2); pb_varint(w, n); pb_put(w, p, n); }
static void pb_str(pbw *w, int field, const char *s) { pb_bytes(w, field, s, strlen(s)); }
static void pb_msg(pbw *w, int field, pbw *sub) { pb_bytes(w, field, sub->b, sub->n); free(sub->b); memset(sub, 0, sizeof *sub); }
static void pb_float(pbw *w, int field, float f) { pb_key(w, field, 5); pb_put(w, &f, 4); }

static void pb_tensor(pbw *w, int field, const char *name, int ndim, const int64_t *dims, int dtype, const void *data, size_t bytes)
{
    pbw t = {0, 0, 0};
    int i;
    for (i = 0; i < ndim; i++)
        pb_int(&t, 1, dims[i]);
    pb_int(&t, 2, dtype);
    pb_str(&t, 8, name);
    pb_bytes(&t, 9, data, bytes);
    pb_msg(w, field, &t);
}

static void pb_vi(pbw *w, int field, const char *name, int elem, int ndim, const int64_t *dims)
{
    pbw v = {0, 0, 0}, tp = {0, 0, 0}, tt = {0, 0, 0}, sh = {0, 0, 0};
    int i;
    for (i = 0; i < ndim; i++) {
        pbw d = {0, 0, 0};
        if (dims[i] >= 0)
            pb_int(&d, 1, dims[i]);
        else
            pb_str(&d, 2, "N");
        pb_msg(&sh, 1, &d);
    }
    pb_int(&tt, 1, elem);
    pb_msg(&tt, 2, &sh);
    pb_msg(&tp, 1, &tt);
    pb_str(&v, 1, name);
    pb_msg(&v, 2, &tp);
    pb_msg(w, field, &v);
}

/* attrs: a pbw holding already-encoded AttributeProto messages (field 5) */
static void attr_int(pbw *a, const char *name, int64_t v)
{
    pbw t = {0, 0, 0};
    pb_str(&t, 1, name);
    pb_int(&t, 3, v);
    pb_int(&t, 20, 2);
    pb_msg(a, 5, &t);
}
static void attr_ints(pbw *a, const char *name, int n, const int64_t *v)
{
    pbw t = {0, 0, 0};
    int i;
    pb_str(&t, 1, name);
    for (i = 0; i < n; i++)
        pb_int(&t, 8, v[i]);
    pb_int(&t, 20, 7);
    pb_msg(a, 5, &t);
}
static void attr_float(pbw *a, const char *name, float v)
{
    pbw t = {0, 0, 0};
    pb_str(&t, 1, name);
    pb_float(&t, 2, v);
    pb_int(&t, 20, 1);
    pb_msg(a, 5, &t);
}

static void pb_node(pbw *g, const char *op, const char *name, const char *ins, const char *outs, pbw *attrs)
{
    pbw n = {0, 0, 0};
    char buf[256], *tok;
    snprintf(buf, sizeof buf, "%s", ins);
    for (tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        pb_str(&n, 1, strcmp(tok, "-") ? tok : "");
    snprintf(buf, sizeof buf, "%s", outs);
    for (tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        pb_str(&n, 2, tok);
    pb_str(&n, 3, name);
    pb_str(&n, 4, op);
    if (attrs && attrs->n) {
        pb_put(&n, attrs->b, attrs->n);
        free(attrs->b);
        memset(attrs, 0, sizeof *attrs);
    }
    pb_msg(g, 1, &n);
}

static void pb_model(pbw *m, pbw *graph, int opset)
{
    pbw o = {0, 0, 0}, md = {0, 0, 0};
    pb_int(m, 1, 8);
    pb_str(&o, 1, "");
    pb_int(&o, 2, opset);
    pb_msg(m, 8, &o);
    pb_msg(m, 7, graph);
    pb_str(&md, 1, "cam.labels");
    pb_str(&md, 2, "a\nb\nc\nd\ne");
    pb_msg(m, 14, &md);
}

static uint32_t rng_next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static float *rand_floats(uint32_t *seed, size_t n, float scale)
{
    float *f = (float *)malloc(n * sizeof(float));
    size_t i;
    for (i = 0; i < n; i++)
        f[i] = ((float)(rng_next(seed) % 20001) / 10000.0f - 1.0f) * scale;
    return f;
}

enum { C1 = 16, C2 = 16, NCLS = 5, HW = 24 };

/* conv-BN-relu, conv + residual add + relu (the CAM feature), GAP, flatten,
   Gemm, softmax. opt_bad_op replaces the softmax by an unknown op. */
static pbw make_cnn_pool(const char *last_op, const char *pool_op, int with_fc)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0}, a = {0, 0, 0};
    uint32_t seed = 42;
    int64_t d_w1[4] = {C1, 3, 3, 3}, d_c1[1] = {C1}, d_w2[4] = {C2, C1, 3, 3}, d_fc[2] = {NCLS, C2}, d_b[1] = {NCLS};
    int64_t in_d[4] = {-1, 3, HW, HW}, out_d[2] = {-1, NCLS}, pads[4] = {1, 1, 1, 1};
    float *w1 = rand_floats(&seed, C1 * 27, 0.3f), *b1 = rand_floats(&seed, C1, 0.1f);
    float *sc = rand_floats(&seed, C1, 0.5f), *bb = rand_floats(&seed, C1, 0.2f), *mean = rand_floats(&seed, C1, 0.2f);
    float *var = rand_floats(&seed, C1, 0.5f), *w2 = rand_floats(&seed, C2 * C1 * 9, 0.15f);
    float *fc = rand_floats(&seed, NCLS * C2, 0.5f), *fb = rand_floats(&seed, NCLS, 0.1f);
    int i;
    for (i = 0; i < C1; i++) {
        var[i] = fabsf(var[i]) + 0.5f;
        sc[i] += 1.0f;
    }
    pb_tensor(&g, 5, "w1", 4, d_w1, 1, w1, C1 * 27 * 4);
    pb_tensor(&g, 5, "b1", 1, d_c1, 1, b1, C1 * 4);
    pb_tensor(&g, 5, "bn_s", 1, d_c1, 1, sc, C1 * 4);
    pb_tensor(&g, 5, "bn_b", 1, d_c1, 1, bb, C1 * 4);
    pb_tensor(&g, 5, "bn_m", 1, d_c1, 1, mean, C1 * 4);
    pb_tensor(&g, 5, "bn_v", 1, d_c1, 1, var, C1 * 4);
    pb_tensor(&g, 5, "w2", 4, d_w2, 1, w2, C2 * C1 * 9 * 4);
    pb_tensor(&g, 5, "fc_w", 2, d_fc, 1, fc, NCLS * C2 * 4);
    pb_tensor(&g, 5, "fc_b", 1, d_b, 1, fb, NCLS * 4);
    attr_ints(&a, "pads", 4, pads);
    pb_node(&g, "Conv", "conv1", "x,w1,b1", "c1", &a);
    pb_node(&g, "BatchNormalization", "bn1", "c1,bn_s,bn_b,bn_m,bn_v", "n1", NULL);
    pb_node(&g, "Relu", "relu1", "n1", "r1", NULL);
    attr_ints(&a, "pads", 4, pads);
    pb_node(&g, "Conv", "conv2", "r1,w2", "c2", &a);
    pb_node(&g, "Add", "add", "c2,r1", "a2", NULL);
    pb_node(&g, "Relu", "relu2", "a2", "feat", NULL);
    pb_node(&g, pool_op, "gap", "feat", "gap", NULL);
    pb_node(&g, "Flatten", "flat", "gap", "flat", NULL);
    attr_int(&a, "transB", 1);
    attr_float(&a, "alpha", 0.5f);
    if (with_fc)
        pb_node(&g, "Gemm", "fc", "flat,fc_w,fc_b", "logits", &a);
    else
        pb_node(&g, "Tanh", "fc", "flat", "logits", NULL);
    attr_int(&a, "axis", 1);
    pb_node(&g, last_op, "softmax", "logits", "prob", &a);
    pb_vi(&g, 11, "x", 1, 4, in_d);
    pb_vi(&g, 12, "prob", 1, 2, out_d);
    pb_model(&m, &g, 13);
    free(w1); free(b1); free(sc); free(bb); free(mean); free(var); free(w2); free(fc); free(fb);
    return m;
}

static pbw make_cnn(const char *last_op)
{
    return make_cnn_pool(last_op, "GlobalAveragePool", 1);
}

/* Reshape whose target shape is a graph input (int64). */
static pbw make_reshape(void)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0};
    int64_t in_d[2] = {3, 4}, sd[1] = {2}, out_d[2] = {-1, -1};
    pb_node(&g, "Reshape", "reshape", "data,shape", "y", NULL);
    pb_node(&g, "Relu", "relu", "y", "z", NULL);
    pb_vi(&g, 11, "data", 1, 2, in_d);
    pb_vi(&g, 11, "shape", 7, 1, sd);
    pb_vi(&g, 12, "z", 1, 2, out_d);
    pb_model(&m, &g, 14);
    return m;
}

/* Two branches concatenated on channels (written in place when fused). */
static pbw make_concat(void)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0}, a = {0, 0, 0};
    int64_t in_d[4] = {1, 4, 8, 8}, out_d[4] = {1, 12, 8, 8};
    pb_node(&g, "Relu", "relu", "x", "a", NULL);
    pb_node(&g, "Sigmoid", "sig", "x", "b", NULL);
    pb_node(&g, "Neg", "neg", "x", "n", NULL);
    attr_int(&a, "axis", 1);
    pb_node(&g, "Concat", "cat", "a,b,n", "y", &a);
    pb_vi(&g, 11, "x", 1, 4, in_d);
    pb_vi(&g, 12, "y", 1, 4, out_d);
    pb_model(&m, &g, 13);
    return m;
}

/* An initializer with absurd dims. */
static pbw make_absurd(void)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0}, t = {0, 0, 0};
    int64_t in_d[2] = {1, 4};
    pb_int(&t, 1, (int64_t)1 << 40);
    pb_int(&t, 1, 4);
    pb_int(&t, 2, 1);
    pb_str(&t, 8, "huge");
    pb_bytes(&t, 9, "abcd", 4);
    pb_msg(&g, 5, &t);
    pb_node(&g, "Add", "add", "x,huge", "y", NULL);
    pb_vi(&g, 11, "x", 1, 2, in_d);
    pb_vi(&g, 12, "y", 1, 2, in_d);
    pb_model(&m, &g, 13);
    return m;
}

static int has(const char *s, const char *sub)
{
    return s && strstr(s, sub) != NULL;
}

/* Allocator that counts calls and can be told to fail. */
typedef struct count_alloc {
    long calls;
    long fail_at; /* fail the call with this index; -1 never */
} count_alloc;

static void *ca_alloc(size_t size, size_t align, void *user)
{
    count_alloc *c = (count_alloc *)user;
    unsigned char *raw, *p;
    if (c->fail_at >= 0 && c->calls == c->fail_at) {
        c->calls++;
        return NULL;
    }
    c->calls++;
    raw = (unsigned char *)malloc(size + align + sizeof(void *));
    if (!raw)
        return NULL;
    p = raw + sizeof(void *);
    p += (align - (uintptr_t)p % align) % align;
    memcpy(p - sizeof(void *), &raw, sizeof raw);
    return p;
}

static void ca_free(void *ptr, void *user)
{
    unsigned char *raw;
    (void)user;
    if (!ptr)
        return;
    memcpy(&raw, (unsigned char *)ptr - sizeof(void *), sizeof raw);
    free(raw);
}

static float *make_input(int n)
{
    uint32_t seed = 7;
    return rand_floats(&seed, (size_t)n * 3 * HW * HW, 1.0f);
}

static void test_errors(test_ctx *t, const pbw *cnn, const char *dir)
{
    cam_net *net = NULL;
    cam_error err;
    cam_result r;
    char path[512];
    pbw bad = make_cnn("FooBarOp"), absurd = make_absurd();
    float *x = make_input(1);
    cam_tensor in;
    int i;

    test_report(t, !strcmp(cam_result_str(CAM_OK), "ok") && !strcmp(cam_result_str(CAM_ERR_SHAPE), "shape mismatch") &&
                       !strcmp(cam_result_str((cam_result)-99), "unknown error"),
                "result_str", "unexpected texts");
    r = cam_net_load("/nonexistent/model.onnx", NULL, &net, &err);
    test_report(t, r == CAM_ERR_IO && err.code == CAM_ERR_IO && has(err.message, "/nonexistent/model.onnx") && !net,
                "error_io_missing_file", "got %d '%s'", r, err.message);
    r = cam_net_load_memory("not an onnx file at all", 23, NULL, &net, &err);
    test_report(t, r == CAM_ERR_FORMAT && has(err.message, "onnx"), "error_format_garbage", "got %d '%s'", r, err.message);
    r = cam_net_load_memory(cnn->b, cnn->n, NULL, NULL, &err);
    test_report(t, r == CAM_ERR_INVALID_ARG, "error_invalid_arg_null_out", "got %d", r);
    r = cam_net_load_memory(bad.b, bad.n, NULL, &net, &err);
    test_report(t, r == CAM_ERR_UNSUPPORTED && has(err.message, "FooBarOp"), "error_unsupported_op", "got %d '%s'", r, err.message);
    r = cam_net_load_memory(absurd.b, absurd.n, NULL, &net, &err);
    test_report(t, r == CAM_ERR_LIMIT && has(err.message, "huge"), "error_limit_absurd_dims", "got %d '%s'", r, err.message);
    {
        cam_net_desc d;
        const char *keep[1] = {"no_such_tensor"};
        memset(&d, 0, sizeof d);
        d.keep = keep;
        d.n_keep = 1;
        r = cam_net_load_memory(cnn->b, cnn->n, &d, &net, &err);
        test_report(t, r == CAM_ERR_NOT_FOUND && has(err.message, "no_such_tensor"), "error_not_found_keep", "got %d '%s'", r,
                    err.message);
    }
    /* out of memory at every allocation of a load */
    {
        int all_nomem = 1, n_fail = 0;
        for (i = 0; i < 400; i++) {
            count_alloc ca = {0, 0};
            cam_net_desc d;
            memset(&d, 0, sizeof d);
            ca.fail_at = i;
            d.allocator.alloc = ca_alloc;
            d.allocator.free = ca_free;
            d.allocator.user = &ca;
            d.threads = 1;
            r = cam_net_load_memory(cnn->b, cnn->n, &d, &net, &err);
            if (r == CAM_OK) {
                cam_net_free(net);
                if (ca.calls <= i)
                    break;
                /* a failing allocation the library could do without */
                continue;
            }
            n_fail++;
            if (r != CAM_ERR_NOMEM || !has(err.message, "memory"))
                all_nomem = 0;
        }
        test_report(t, all_nomem && n_fail > 5, "error_nomem_every_allocation", "%d failures, all NOMEM=%d", n_fail, all_nomem);
    }
    r = cam_net_load_memory(cnn->b, cnn->n, NULL, &net, &err);
    test_report(t, r == CAM_OK, "load_cnn", "%s", err.message);
    if (r != CAM_OK)
        goto out;
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = 1;
    in.dims[1] = 4; /* wrong channel count */
    in.dims[2] = HW;
    in.dims[3] = HW;
    in.data = x;
    r = cam_net_forward(net, &in, 1);
    test_report(t, r == CAM_ERR_SHAPE && has(cam_net_last_error(net), "input 'x' must be ?x3x24x24") &&
                       has(cam_net_last_error(net), "got 1x4x24x24"),
                "error_shape_wrong_input",
                "got %d '%s'", r, cam_net_last_error(net));
    in.dims[1] = 3;
    r = cam_net_forward(net, &in, 2);
    test_report(t, r == CAM_ERR_INVALID_ARG && has(cam_net_last_error(net), "inputs"), "error_invalid_arg_input_count",
                "got %d '%s'", r, cam_net_last_error(net));
    in.dtype = CAM_INT64;
    r = cam_net_forward(net, &in, 1);
    test_report(t, r == CAM_ERR_INVALID_ARG && has(cam_net_last_error(net), "float32"), "error_invalid_arg_dtype", "got %d '%s'",
                r, cam_net_last_error(net));
    in.dtype = CAM_FLOAT32;
    r = cam_net_forward(net, &in, 1);
    test_report(t, r == CAM_OK, "forward_after_errors", "%s", cam_net_last_error(net));
    {
        cam_tensor v;
        r = cam_net_tensor(net, "nope", &v);
        test_report(t, r == CAM_ERR_NOT_FOUND && has(cam_net_last_error(net), "nope"), "error_not_found_tensor", "got %d", r);
        r = cam_net_tensor(net, "c2", &v);
        test_report(t, r == CAM_ERR_NOT_FOUND && has(cam_net_last_error(net), "keep"), "error_not_found_unkept", "got %d '%s'",
                    r, cam_net_last_error(net));
    }
    cam_net_free(net);
    net = NULL;
    /* npy errors */
    {
        static const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        unsigned char buf[256];
        cam_tensor nt;
        size_t hl = 128;
        unsigned char good_hdr[128];
        memset(good_hdr, ' ', sizeof good_hdr);
        memcpy(good_hdr, "\x93NUMPY\x01\x00\x76\x00", 10);
        memcpy(good_hdr + 10, dict, sizeof dict - 1);
        good_hdr[127] = '\n';
        memcpy(buf, good_hdr, hl);
        memset(buf + hl, 0, 24);
        r = cam_npy_load_memory(buf, hl + 24, &nt, &err);
        test_report(t, r == CAM_OK && nt.ndim == 2 && nt.dims[0] == 2 && nt.dims[1] == 3 && nt.dtype == CAM_FLOAT32,
                    "npy_load_memory", "got %d '%s'", r, err.message);
        if (r == CAM_OK)
            cam_npy_free(&nt);
        r = cam_npy_load_memory(buf, hl + 23, &nt, &err);
        test_report(t, r == CAM_ERR_FORMAT && has(err.message, "truncated"), "npy_error_truncated", "got %d '%s'", r, err.message);
        memcpy(buf + 10 + 11, ">f4", 3);
        r = cam_npy_load_memory(buf, hl + 24, &nt, &err);
        test_report(t, r == CAM_ERR_UNSUPPORTED && has(err.message, ">f4"), "npy_error_dtype", "got %d '%s'", r, err.message);
        r = cam_npy_load_memory("\x93NUMPX", 6, &nt, &err);
        test_report(t, r == CAM_ERR_FORMAT && has(err.message, "magic"), "npy_error_magic", "got %d '%s'", r, err.message);
        buf[8] = 0xff;
        r = cam_npy_load_memory(buf, hl + 24, &nt, &err);
        test_report(t, r == CAM_ERR_FORMAT && has(err.message, "header"), "npy_error_header_length", "got %d '%s'", r, err.message);
        snprintf(path, sizeof path, "%s/test_engine_rt.npy", dir);
        {
            int64_t vals[5] = {1, -2, 3, 1LL << 40, 5};
            cam_tensor st, lt;
            st.dtype = CAM_INT64;
            st.ndim = 1;
            st.dims[0] = 5;
            st.data = vals;
            r = cam_npy_save(path, &st, &err);
            if (r == CAM_OK)
                r = cam_npy_load(path, &lt, &err);
            test_report(t, r == CAM_OK && lt.dtype == CAM_INT64 && lt.ndim == 1 && lt.dims[0] == 5 && !memcmp(lt.data, vals, sizeof vals),
                        "npy_round_trip", "got %d '%s'", r, err.message);
            if (r == CAM_OK)
                cam_npy_free(&lt);
        }
        r = cam_npy_load("/nonexistent.npy", &nt, &err);
        test_report(t, r == CAM_ERR_IO, "npy_error_io", "got %d", r);
    }
out:
    free(bad.b);
    free(absurd.b);
    free(x);
}

/* Truncations and byte flips must end in a clean error (or a model that
   loads and runs), never in a crash. */
static void test_hostile(test_ctx *t, const pbw *cnn, const char *label, int flips_n, const int64_t *in_dims)
{
    size_t cut;
    int bad_code = 0, loaded = 0, iter;
    uint32_t seed = 1234;
    int64_t n = in_dims[0] * in_dims[1] * in_dims[2] * in_dims[3];
    float *x = rand_floats(&seed, (size_t)n, 1.0f);
    cam_tensor in;
    unsigned char *copy = (unsigned char *)malloc(cnn->n);
    char name[128];
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    memcpy(in.dims, in_dims, 4 * sizeof(int64_t));
    in.data = x;
    for (cut = 0; cut < cnn->n; cut += 1 + cut / 64) {
        cam_net *net = NULL;
        cam_error err;
        cam_result r = cam_net_load_memory(cnn->b, cut, NULL, &net, &err);
        if (r == CAM_OK) {
            loaded++;
            cam_net_forward(net, &in, 1);
            cam_net_free(net);
        } else if (r > 0 || !err.message[0] || err.code != r) {
            bad_code++;
        }
    }
    snprintf(name, sizeof name, "hostile_truncation_%s", label);
    test_report(t, bad_code == 0, name, "%d loads without a message", bad_code);
    for (iter = 0; iter < flips_n; iter++) {
        cam_net *net = NULL;
        cam_error err;
        cam_result r;
        int flips = 1 + (int)(rng_next(&seed) % 4), f;
        memcpy(copy, cnn->b, cnn->n);
        for (f = 0; f < flips; f++)
            copy[rng_next(&seed) % cnn->n] ^= (unsigned char)(1 + rng_next(&seed) % 255);
        r = cam_net_load_memory(copy, cnn->n, NULL, &net, &err);
        if (r == CAM_OK) {
            loaded++;
            cam_net_forward(net, &in, 1);
            cam_net_free(net);
        } else if (r > 0 || !err.message[0]) {
            bad_code++;
        }
    }
    snprintf(name, sizeof name, "hostile_byte_flips_%s", label);
    test_report(t, bad_code == 0, name, "%d errors without a message (%d loaded)", bad_code, loaded);
    free(copy);
    free(x);
}

/* The same on the shipped model, when it is there. */
static void test_hostile_real(test_ctx *t)
{
    FILE *f = fopen("models/fmnist-gap.onnx", "rb");
    pbw m = {0, 0, 0};
    int64_t dims[4] = {1, 1, 64, 64};
    long n;
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    m.b = (unsigned char *)malloc((size_t)n);
    m.n = fread(m.b, 1, (size_t)n, f);
    fclose(f);
    /* emulated builds (qemu) run the short version */
    test_hostile(t, &m, "fmnist_gap", getenv("CAM_CHECK_BUILD") && !strcmp(getenv("CAM_CHECK_BUILD"), "neon") ? 40 : 300, dims);
    free(m.b);
}

static int run_net(cam_net *net, const float *x, int n, cam_tensor *out)
{
    cam_tensor in;
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = n;
    in.dims[1] = 3;
    in.dims[2] = HW;
    in.dims[3] = HW;
    in.data = (void *)x;
    if (cam_net_forward(net, &in, 1) != CAM_OK)
        return -1;
    return cam_net_output(net, 0, out) == CAM_OK ? 0 : -1;
}

static void test_compile(test_ctx *t, const pbw *cnn)
{
    cam_net *fused = NULL, *plain = NULL;
    cam_net_desc d;
    cam_error err;
    cam_tensor a, b, feat, logits;
    cam_head head;
    cam_net_stats st;
    const char *keep[1] = {"logits"};
    float *x = make_input(2);
    float *ref = NULL;
    int i, c, k, ok;
    memset(&d, 0, sizeof d);
    d.threads = 1;
    d.keep = keep;
    d.n_keep = 1;
    if (cam_net_load_memory(cnn->b, cnn->n, &d, &fused, &err) != CAM_OK) {
        test_report(t, 0, "compile_load", "%s", err.message);
        free(x);
        return;
    }
    d.no_fuse = 1;
    if (cam_net_load_memory(cnn->b, cnn->n, &d, &plain, &err) != CAM_OK) {
        test_report(t, 0, "compile_load_no_fuse", "%s", err.message);
        cam_net_free(fused);
        free(x);
        return;
    }
    cam_net_get_stats(fused, &st);
    test_report(t, st.n_steps < st.n_nodes && st.n_nodes == 10 && st.opset == 13 && st.macs == (int64_t)HW * HW * 9 * (3 * C1 + C1 * C2) + C2 * NCLS,
                "compile_fused_steps", "%d steps for %d nodes, macs %lld", st.n_steps, st.n_nodes, (long long)st.macs);
    test_report(t, st.params == C1 * 27 + 5 * C1 + C2 * C1 * 9 + NCLS * C2 + NCLS, "stats_params", "params %lld", (long long)st.params);
    ok = run_net(fused, x, 2, &a) == 0 && run_net(plain, x, 2, &b) == 0;
    if (ok) {
        float md = 0;
        for (i = 0; i < 2 * NCLS; i++)
            md = fmaxf(md, fabsf(((float *)a.data)[i] - ((float *)b.data)[i]));
        test_report(t, md < 1e-5f && a.dims[0] == 2 && a.dims[1] == NCLS, "fused_matches_unfused", "max diff %g", md);
    } else {
        test_report(t, 0, "fused_matches_unfused", "forward failed: %s / %s", cam_net_last_error(fused), cam_net_last_error(plain));
    }
    /* CAM head: feature kept; scores = W . mean(F) + b */
    if (cam_net_head(fused, &head) == CAM_OK && cam_net_tensor(fused, head.feature, &feat) == CAM_OK &&
        cam_net_tensor(fused, "logits", &logits) == CAM_OK) {
        float md = 0;
        int64_t hw = feat.dims[2] * feat.dims[3];
        for (i = 0; i < 2; i++)
            for (c = 0; c < head.n_classes; c++) {
                double s = head.bias ? head.bias[c] : 0;
                for (k = 0; k < head.n_channels; k++) {
                    double m = 0;
                    int64_t p;
                    for (p = 0; p < hw; p++)
                        m += ((const float *)feat.data)[(i * head.n_channels + k) * hw + p];
                    s += head.weights[c * head.n_channels + k] * m / hw;
                }
                md = fmaxf(md, fabsf((float)s - ((const float *)logits.data)[i * NCLS + c]));
            }
        test_report(t, !strcmp(head.feature, "feat") && !strcmp(head.scores, "logits") && head.n_classes == NCLS &&
                           head.n_channels == C2 && head.pool == CAM_POOL_AVG && !head.conv_classifier && md < 1e-4f,
                    "cam_head_gap_gemm", "feature %s scores %s, diff %g", head.feature, head.scores, md);
    } else {
        test_report(t, 0, "cam_head_gap_gemm", "no head: %s", cam_net_head_error(fused));
    }
    test_report(t, cam_net_metadata_get(fused, "cam.labels") && !strcmp(cam_net_metadata_get(fused, "cam.labels"), "a\nb\nc\nd\ne") &&
                       cam_net_metadata_count(fused) == 1 && !cam_net_metadata_get(fused, "nope"),
                "metadata", "labels not read");
    /* 1 vs 2 threads: bit-identical */
    ref = (float *)malloc(2 * NCLS * sizeof(float));
    ok = run_net(fused, x, 2, &a) == 0;
    if (ok)
        memcpy(ref, a.data, 2 * NCLS * sizeof(float));
    cam_net_set_threads(fused, 2);
    ok = ok && run_net(fused, x, 2, &a) == 0;
    test_report(t, ok && !memcmp(ref, a.data, 2 * NCLS * sizeof(float)), "threads_bit_identical_cnn", "outputs differ (threads %d)",
                cam_net_threads(fused));
    free(ref);
    cam_net_free(fused);
    cam_net_free(plain);
    free(x);
}

static void test_no_alloc(test_ctx *t, const pbw *cnn)
{
    count_alloc ca = {0, -1};
    cam_net_desc d;
    cam_net *net;
    cam_error err;
    cam_tensor out;
    float *x = make_input(1);
    long before;
    int i, ok = 1;
    memset(&d, 0, sizeof d);
    d.allocator.alloc = ca_alloc;
    d.allocator.free = ca_free;
    d.allocator.user = &ca;
    d.threads = 2;
    if (cam_net_load_memory(cnn->b, cnn->n, &d, &net, &err) != CAM_OK) {
        test_report(t, 0, "forward_allocates_nothing", "%s", err.message);
        free(x);
        return;
    }
    ok = run_net(net, x, 1, &out) == 0;
    before = ca.calls;
    for (i = 0; i < 3 && ok; i++)
        ok = run_net(net, x, 1, &out) == 0;
    test_report(t, ok && ca.calls == before && before > 0, "forward_allocates_nothing", "%ld allocations during forward",
                ca.calls - before);
    /* a new batch size re-plans (allocates), then stays quiet again */
    {
        float *x2 = make_input(2);
        ok = run_net(net, x2, 2, &out) == 0 && out.dims[0] == 2;
        before = ca.calls;
        ok = ok && run_net(net, x2, 2, &out) == 0;
        test_report(t, ok && ca.calls == before, "replan_then_no_alloc", "%ld allocations", ca.calls - before);
        free(x2);
    }
    cam_net_free(net);
    free(x);
}

static void test_reshape_input(test_ctx *t)
{
    pbw m = make_reshape();
    cam_net *net;
    cam_error err;
    cam_tensor in[2], out;
    float data[12];
    int64_t shp[2] = {2, -1};
    int i;
    cam_result r;
    for (i = 0; i < 12; i++)
        data[i] = (float)i - 5.5f;
    r = cam_net_load_memory(m.b, m.n, NULL, &net, &err);
    test_report(t, r == CAM_OK, "int64_input_load", "%s", err.message);
    if (r != CAM_OK) {
        free(m.b);
        return;
    }
    in[0].dtype = CAM_FLOAT32;
    in[0].ndim = 2;
    in[0].dims[0] = 3;
    in[0].dims[1] = 4;
    in[0].data = data;
    in[1].dtype = CAM_INT64;
    in[1].ndim = 1;
    in[1].dims[0] = 2;
    in[1].data = shp;
    r = cam_net_forward(net, in, 2);
    r = r == CAM_OK ? cam_net_output(net, 0, &out) : r;
    test_report(t, r == CAM_OK && out.ndim == 2 && out.dims[0] == 2 && out.dims[1] == 6 && ((float *)out.data)[11] == 5.5f &&
                       ((float *)out.data)[0] == 0.0f,
                "int64_input_reshape", "got %d %s", r, cam_net_last_error(net));
    shp[0] = 6;
    shp[1] = 2;
    r = cam_net_forward(net, in, 2);
    r = r == CAM_OK ? cam_net_output(net, 0, &out) : r;
    test_report(t, r == CAM_OK && out.dims[0] == 6 && out.dims[1] == 2, "int64_input_replans_on_value", "got %d %s", r,
                cam_net_last_error(net));
    shp[0] = 5;
    r = cam_net_forward(net, in, 2);
    test_report(t, r == CAM_ERR_SHAPE && has(cam_net_last_error(net), "elements"), "int64_input_bad_value", "got %d '%s'", r,
                cam_net_last_error(net));
    cam_net_free(net);
    free(m.b);
}

/* A real model when one is around: thread bit-identity and memory bounds. */
static void test_real_model(test_ctx *t)
{
    static const char *const cands[] = {"models/fmnist-gap.onnx", "build/tv/resnet18.onnx", "build/tv/mobilenet_v2.onnx",
                                        "build/tv/squeezenet1_1.onnx", "build/tv/googlenet.onnx", "build/tv/resnet50.onnx",
                                        "build/tv/alexnet.onnx", "build/tv/vgg16.onnx"};
    size_t c;
    for (c = 0; c < sizeof cands / sizeof cands[0]; c++) {
        cam_net *net;
        cam_error err;
        cam_net_desc d;
        cam_tensor_info ii;
        cam_tensor in, out;
        cam_net_stats st;
        float *x, *ref;
        int64_t n = 1, a1 = 0, a2 = 0, cnt;
        uint32_t seed = 99;
        int i, ok;
        char name[128];
        FILE *f = fopen(cands[c], "rb");
        if (!f)
            continue;
        fclose(f);
        memset(&d, 0, sizeof d);
        d.threads = 1;
        if (cam_net_load(cands[c], &d, &net, &err) != CAM_OK) {
            snprintf(name, sizeof name, "real_model_load %s", cands[c]);
            test_report(t, 0, name, "%s", err.message);
            continue;
        }
        cam_net_input_info(net, 0, &ii);
        for (i = 0; i < ii.ndim; i++)
            n *= ii.dims[i];
        x = rand_floats(&seed, (size_t)n, 1.0f);
        in.dtype = CAM_FLOAT32;
        in.ndim = ii.ndim;
        memcpy(in.dims, ii.dims, sizeof in.dims);
        in.data = x;
        ok = cam_net_forward(net, &in, 1) == CAM_OK && cam_net_output(net, 0, &out) == CAM_OK;
        cnt = ok ? cam_tensor_count(&out) : 0;
        ref = (float *)malloc((size_t)(cnt + 1) * sizeof(float));
        if (ok)
            memcpy(ref, out.data, (size_t)cnt * sizeof(float));
        cam_net_set_threads(net, 2);
        ok = ok && cam_net_forward(net, &in, 1) == CAM_OK && cam_net_output(net, 0, &out) == CAM_OK;
        snprintf(name, sizeof name, "threads_bit_identical %s", cands[c]);
        test_report(t, ok && !memcmp(ref, out.data, (size_t)cnt * sizeof(float)), name, "1 and 2 threads differ: %s",
                    cam_net_last_error(net));
        cam_net_get_stats(net, &st);
        for (i = 0; i < cam_net_step_count(net); i++) {
            cam_step_info si;
            int64_t b = 4;
            int k;
            cam_net_step(net, i, &si);
            for (k = 0; k < si.ndim; k++)
                b *= si.dims[k];
            if (b > a1) {
                a2 = a1;
                a1 = b;
            } else if (b > a2) {
                a2 = b;
            }
        }
        snprintf(name, sizeof name, "peak_memory_bound %s", cands[c]);
        test_report(t, st.peak_bytes <= 1.2 * (double)(st.weight_bytes + a1 + a2), name,
                    "peak %lld > 1.2 x (weights %lld + activations %lld + %lld)", (long long)st.peak_bytes,
                    (long long)st.weight_bytes, (long long)a1, (long long)a2);
        free(ref);
        free(x);
        cam_net_free(net);
        if (!getenv("CAM_TEST_ALL_MODELS"))
            break;
    }
}

static void test_concat_inplace(test_ctx *t)
{
    pbw m = make_concat();
    cam_net *fused = NULL, *plain = NULL;
    cam_net_desc d;
    cam_error err;
    cam_tensor in, a, b;
    cam_net_stats sf, sp;
    uint32_t seed = 5;
    float *x = rand_floats(&seed, 4 * 64, 2.0f);
    int ok;
    memset(&d, 0, sizeof d);
    ok = cam_net_load_memory(m.b, m.n, &d, &fused, &err) == CAM_OK;
    d.no_fuse = 1;
    ok = ok && cam_net_load_memory(m.b, m.n, &d, &plain, &err) == CAM_OK;
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = 1;
    in.dims[1] = 4;
    in.dims[2] = in.dims[3] = 8;
    in.data = x;
    ok = ok && cam_net_forward(fused, &in, 1) == CAM_OK && cam_net_output(fused, 0, &a) == CAM_OK;
    ok = ok && cam_net_forward(plain, &in, 1) == CAM_OK && cam_net_output(plain, 0, &b) == CAM_OK;
    if (ok) {
        cam_net_get_stats(fused, &sf);
        cam_net_get_stats(plain, &sp);
    }
    test_report(t, ok && !memcmp(a.data, b.data, 12 * 64 * sizeof(float)) && ((float *)a.data)[0] == fmaxf(x[0], 0.0f) &&
                       ((float *)a.data)[8 * 64 + 3] == -x[3],
                "concat_in_place_values", "outputs differ or forward failed");
    test_report(t, ok && sf.arena_bytes < sp.arena_bytes, "concat_in_place_saves_memory", "arena %lld vs %lld without fusion",
                ok ? (long long)sf.arena_bytes : 0LL, ok ? (long long)sp.arena_bytes : 0LL);
    cam_net_free(fused);
    cam_net_free(plain);
    free(x);
    free(m.b);
}

/* MaxPool with pads as wide as the window (windows wholly in padding: the
   engine's scalar path) and GlobalMaxPool, on a channel of -inf and one of
   plain values: a window or plane of -inf gives -inf, a window with no real
   tap -FLT_MAX (ONNX Runtime's initial value). Both had given -FLT_MAX for
   -inf: they started from -FLT_MAX instead of the first value. */
static void test_maxpool_specials(test_ctx *t)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0}, a = {0, 0, 0};
    int64_t in_d[4] = {1, 2, 5, 6}, y_d[4] = {1, 2, 9, 10}, g_d[4] = {1, 2, 1, 1}, ks[2] = {3, 3}, pads[4] = {3, 3, 3, 3};
    cam_net *net = NULL;
    cam_net_desc d;
    cam_error err;
    cam_tensor in, y, gm;
    float x[60];
    int i, oy, ox, ok, bad = -1;
    attr_ints(&a, "kernel_shape", 2, ks);
    attr_ints(&a, "pads", 4, pads);
    pb_node(&g, "MaxPool", "pool", "x", "y", &a);
    pb_node(&g, "GlobalMaxPool", "gpool", "x", "g", NULL);
    pb_vi(&g, 11, "x", 1, 4, in_d);
    pb_vi(&g, 12, "y", 1, 4, y_d);
    pb_vi(&g, 12, "g", 1, 4, g_d);
    pb_model(&m, &g, 13);
    for (i = 0; i < 30; i++) {
        x[i] = -HUGE_VALF;
        x[30 + i] = (float)((i * 7) % 11) - 5.0f;
    }
    memset(&d, 0, sizeof d);
    memset(&in, 0, sizeof in);
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    for (i = 0; i < 4; i++)
        in.dims[i] = in_d[i];
    in.data = x;
    ok = cam_net_load_memory(m.b, m.n, &d, &net, &err) == CAM_OK && cam_net_forward(net, &in, 1) == CAM_OK &&
         cam_net_output(net, 0, &y) == CAM_OK && cam_net_output(net, 1, &gm) == CAM_OK;
    for (i = 0; ok && i < 2 && bad < 0; i++)
        for (oy = 0; oy < 9; oy++)
            for (ox = 0; ox < 10; ox++) {
                int ky, kx, any = 0;
                float want = -FLT_MAX, got = ((const float *)y.data)[(i * 9 + oy) * 10 + ox];
                for (ky = 0; ky < 3; ky++)
                    for (kx = 0; kx < 3; kx++) {
                        int iy = oy - 3 + ky, ix = ox - 3 + kx;
                        float v;
                        if (iy < 0 || iy >= 5 || ix < 0 || ix >= 6) continue;
                        v = x[(i * 5 + iy) * 6 + ix];
                        want = !any || v > want ? v : want;
                        any = 1;
                    }
                if (memcmp(&want, &got, sizeof want) && bad < 0)
                    bad = (i * 9 + oy) * 10 + ox;
            }
    test_report(t, ok && bad < 0, "maxpool_wide_pads_inf_windows", "element %d of y differs", bad);
    test_report(t, ok && ((const float *)gm.data)[0] == -HUGE_VALF && ((const float *)gm.data)[1] == 5.0f,
                "global_maxpool_all_inf", "got %g %g", ok ? ((const float *)gm.data)[0] : 0.0,
                ok ? ((const float *)gm.data)[1] : 0.0);
    cam_net_free(net);
    free(m.b);
}

static void test_heads(test_ctx *t)
{
    pbw gmp = make_cnn_pool("Softmax", "GlobalMaxPool", 1), none = make_cnn_pool("Softmax", "GlobalAveragePool", 0);
    cam_net *net;
    cam_error err;
    cam_head h;
    cam_result r;
    if (cam_net_load_memory(gmp.b, gmp.n, NULL, &net, &err) == CAM_OK) {
        r = cam_net_head(net, &h);
        test_report(t, r == CAM_OK && h.pool == CAM_POOL_MAX && !strcmp(h.feature, "feat"), "cam_head_gmp", "got %d %s", r,
                    cam_net_head_error(net));
        cam_net_free(net);
    } else {
        test_report(t, 0, "cam_head_gmp", "%s", err.message);
    }
    if (cam_net_load_memory(none.b, none.n, NULL, &net, &err) == CAM_OK) {
        r = cam_net_head(net, &h);
        test_report(t, r == CAM_ERR_NOT_FOUND && has(cam_net_head_error(net), "Gemm"), "cam_head_not_found", "got %d '%s'", r,
                    cam_net_head_error(net));
        cam_net_free(net);
    } else {
        test_report(t, 0, "cam_head_not_found", "%s", err.message);
    }
    {
        cam_net_desc d;
        memset(&d, 0, sizeof d);
        d.cam_feature = "r1";
        d.cam_weights = "fc_w";
        d.cam_bias = "fc_b";
        r = cam_net_load_memory(none.b, none.n, &d, &net, &err);
        if (r == CAM_OK) {
            cam_tensor f;
            float *x = make_input(1);
            int ok = cam_net_head(net, &h) == CAM_OK && !strcmp(h.feature, "r1") && h.n_classes == NCLS && h.n_channels == C1 &&
                     h.bias != NULL && run_net(net, x, 1, &f) == 0 && cam_net_tensor(net, "r1", &f) == CAM_OK;
            test_report(t, ok, "cam_head_override", "head override not applied: %s", cam_net_last_error(net));
            free(x);
            cam_net_free(net);
        } else {
            test_report(t, 0, "cam_head_override", "%s", err.message);
        }
        d.cam_weights = "w2";
        r = cam_net_load_memory(none.b, none.n, &d, &net, &err);
        test_report(t, r == CAM_ERR_NOT_FOUND && has(err.message, "w2"), "cam_head_override_bad_weights", "got %d '%s'", r,
                    err.message);
    }
    free(gmp.b);
    free(none.b);
}

static void test_set_input_shape(test_ctx *t, const pbw *cnn)
{
    cam_net *net;
    cam_error err;
    int64_t dims[4] = {3, 3, 16, 16};
    cam_tensor_info info;
    cam_result r;
    if (cam_net_load_memory(cnn->b, cnn->n, NULL, &net, &err) != CAM_OK) {
        test_report(t, 0, "set_input_shape", "%s", err.message);
        return;
    }
    r = cam_net_set_input_shape(net, 0, 4, dims);
    test_report(t, r == CAM_OK && cam_net_output_info(net, 0, &info) == CAM_OK && info.ndim == 2 && info.dims[0] == 3 &&
                       info.dims[1] == NCLS && cam_net_input_info(net, 0, &info) == CAM_OK && info.dims[2] == 16,
                "set_input_shape", "got %d %s", r, cam_net_last_error(net));
    dims[1] = 5;
    r = cam_net_set_input_shape(net, 0, 4, dims);
    test_report(t, r == CAM_ERR_SHAPE && cam_net_input_info(net, 0, &info) == CAM_OK && info.dims[1] == 3,
                "set_input_shape_bad_keeps_old", "got %d %s", r, cam_net_last_error(net));
    cam_net_free(net);
}

/* The command-line tool, when it was built next to this test. */
static void test_cli(test_ctx *t, const char *dir, const char *run)
{
    char cmd[1024], line[1024], path[512];
    FILE *f, *p;
    float *x;
    uint32_t seed = 3;
    int ok;
    snprintf(path, sizeof path, "%s/cam", dir);
    if (!(f = fopen(path, "rb")) || !(p = fopen("models/fmnist-gap.onnx", "rb"))) {
        if (f)
            fclose(f);
        return;
    }
    fclose(f);
    fclose(p);
    x = rand_floats(&seed, 64 * 64, 1.0f);
    snprintf(path, sizeof path, "%s/test_engine_in.f32", dir);
    f = fopen(path, "wb");
    fwrite(x, sizeof(float), 64 * 64, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s/cam bench models/fmnist-gap.onnx 1 --runs 3 --warmup 1 --input %s 2>&1", run, dir, path);
    p = popen(cmd, "r");
    line[0] = 0;
    ok = p && fgets(line, sizeof line, p) != NULL;
    if (p)
        pclose(p);
    test_report(t, ok && !strncmp(line, "engine=cam model=fmnist-gap threads=1 ", 38) && has(line, " min_ms=") &&
                       has(line, " median_ms=") && has(line, " cpu_x="),
                "cli_bench_line", "got '%s'", line);
    {
        cam_tensor tt;
        cam_error err;
        tt.dtype = CAM_FLOAT32;
        tt.ndim = 4;
        tt.dims[0] = 1;
        tt.dims[1] = 1;
        tt.dims[2] = tt.dims[3] = 64;
        tt.data = x;
        snprintf(path, sizeof path, "%s/test_engine_in.npy", dir);
        cam_npy_save(path, &tt, &err);
        snprintf(cmd, sizeof cmd, "%s %s/cam run models/fmnist-gap.onnx --input %s --output features=%s/test_engine_feat.npy --json 2>&1",
                 run, dir, path, dir);
        p = popen(cmd, "r");
        line[0] = 0;
        ok = p && fgets(line, sizeof line, p) != NULL;
        if (p)
            pclose(p);
        snprintf(path, sizeof path, "%s/test_engine_feat.npy", dir);
        ok = ok && has(line, "\"features\"") && cam_npy_load(path, &tt, &err) == CAM_OK;
        test_report(t, ok && tt.ndim == 4 && tt.dims[1] == 128, "cli_run_kept_tensor", "got '%s'", line);
        if (ok)
            cam_npy_free(&tt);
    }
    snprintf(cmd, sizeof cmd, "%s %s/cam run /nonexistent.onnx --input x.npy 2>&1", run, dir);
    p = popen(cmd, "r");
    line[0] = 0;
    ok = p && fgets(line, sizeof line, p) != NULL;
    test_report(t, ok && !strncmp(line, "cam run: error: ", 16) && p && pclose(p) != 0, "cli_error_line", "got '%s'", line);
    free(x);
}

/* Inputs the fuzzer (make fuzz) once broke the library with; each must now
   load or fail cleanly, and run when it loads. */
static const char *const fuzz_regress[] = {
    /* Dropout whose output aliases a graph input (null + 0 at plan time) */
    "CAYSDGJhY2tlbmQtdGVzdDpNCg8KAXgSAXkiB0Ryb3BvdXQSGHRlc3RfZHJvcG91dF9kZWZhdWx0X29sZFoPCgF4EgoKCAgBEgQKAggDYg8KAXkSCgoICAESBAoCCANCBAoAEAs=",
    /* AveragePool over an empty batch (work split by zero) */
    "CAYSDGJhY2tlbmQtdGVzdDqhAQo8CgF4EgF5IgtBdmVyYWdlUG9vbCoVCgxrZXJuZWxfc2hhcGVAAkACoAEHKhAKB3N0cmlkZXNAAkACoAEHEid0ZXN0X2F2ZXJhZ2Vwb29sXzJkX3ByZWNvbXB1dGVfc2R0cmlkZXNaGwoBeBIWChQIARIQCgIIAAoCCAEKAggFCgIIBWIbCgF5EhYKFAgBEhAKAggBCgIIAQoCCAIKAggCQgQKABAL",
    /* empty packed floats attribute */
    "CAYSDGJhY2tlbmQtdGVzdDrHAQpLCgF4CgFXEgGH3fu+b252KhUKDGtlcm5lbF9zaGFwZUADQAOgAQcqEQoEcGFkczoAQABAAEAAoAEHKhAKB3N0cmlkZXNAAkACoAEHEiF0ZXN0X2NvbnZfd2l0aF9zdHJpZGVzX25vX3BhZGRpbmdaGwoBeBIWChQIARIQCgIIAQoCCAEKAggHCgIIBVobCgFXEhYKFAgBEhAKAggBCgIIAQoCCAMKAggDYhsKAXkSFmVuZGBgYGBgYGBgYGBgYGAIAwoCCAJCBAoAEAs=",
    /* AveragePool with pads far larger than the kernel */
    "LXRlc3Q6vwEKVwoBeBIBeSILQXZlcmFnZVBvb2wqGAoRY28CAAAAaW5jbHVkZV9wYWQYAaABAioVCgxrZXJuZWxfc2hhcGVAA0ADoAEHKhEKBHBhZHNAbkBqQAJAAqABBxIqdGVzdF9hdmVyYWdlcG9vbF8yZF9wYWRzX2NvdW50X2luY2x1ZGVfcGFkWhsKAXgSFgoUCAESEAoCCAEKAggDCgIIHAoCCBxiGwoBeRIWChQIARIQCgIIAQoCCAMKAggeCgIIHkIECgAQCw==",
};

static size_t b64_decode(const char *in, unsigned char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (; *in && *in != '='; in++) {
        const char *p = strchr(tab, *in);
        if (!p)
            continue;
        v = v << 6 | (unsigned)(p - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(v >> bits);
        }
    }
    return n;
}

static void test_fuzz_regress(test_ctx *t)
{
    size_t i;
    int bad = 0;
    for (i = 0; i < sizeof fuzz_regress / sizeof fuzz_regress[0]; i++) {
        unsigned char buf[1024];
        size_t n = b64_decode(fuzz_regress[i], buf);
        cam_net *net = NULL;
        cam_error err;
        cam_result r = cam_net_load_memory(buf, n, NULL, &net, &err);
        if (r == CAM_OK) {
            cam_tensor in[4];
            float zeros[4096];
            int k, ni = cam_net_input_count(net);
            memset(zeros, 0, sizeof zeros);
            for (k = 0; k < ni && k < 4; k++) {
                cam_tensor_info info;
                cam_net_input_info(net, k, &info);
                in[k].dtype = info.dtype;
                in[k].ndim = info.ndim;
                memcpy(in[k].dims, info.dims, sizeof in[k].dims);
                in[k].data = zeros;
            }
            cam_net_forward(net, in, ni);
            cam_net_free(net);
        } else if (!err.message[0]) {
            bad++;
        }
    }
    test_report(t, bad == 0, "fuzz_regressions", "%d failed without a message", bad);
}

/* >>winograd: stride-1 3x3 convs big enough for Winograd F(2x2,3x3): a
   padded conv (+bias+relu) writing straight into the next one's padding
   scratch, a conv with a fused residual add, an unpadded conv (odd map:
   the last tiles read past the plane), then GAP to scores. Batch 2. */
enum { WC = 48, WHW = 45 };
static pbw make_wino(void)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0}, a = {0, 0, 0};
    uint32_t seed = 7;
    int64_t dw[4] = {WC, WC, 3, 3}, db[1] = {WC}, in_d[4] = {2, WC, WHW, WHW}, out_d[2] = {2, WC};
    int64_t pads[4] = {1, 1, 1, 1}, nopad[4] = {0, 0, 0, 0};
    float *w1 = rand_floats(&seed, WC * WC * 9, 0.07f), *b1 = rand_floats(&seed, WC, 0.1f);
    float *w2 = rand_floats(&seed, WC * WC * 9, 0.07f), *w3 = rand_floats(&seed, WC * WC * 9, 0.07f);
    pb_tensor(&g, 5, "w1", 4, dw, 1, w1, WC * WC * 9 * 4);
    pb_tensor(&g, 5, "b1", 1, db, 1, b1, WC * 4);
    pb_tensor(&g, 5, "w2", 4, dw, 1, w2, WC * WC * 9 * 4);
    pb_tensor(&g, 5, "w3", 4, dw, 1, w3, WC * WC * 9 * 4);
    attr_ints(&a, "pads", 4, pads);
    pb_node(&g, "Conv", "conv1", "x,w1,b1", "c1", &a);
    pb_node(&g, "Relu", "relu1", "c1", "r1", NULL);
    attr_ints(&a, "pads", 4, pads);
    pb_node(&g, "Conv", "conv2", "r1,w2", "c2", &a);
    pb_node(&g, "Add", "add", "c2,r1", "a2", NULL);
    pb_node(&g, "Relu", "relu2", "a2", "r2", NULL);
    attr_ints(&a, "pads", 4, nopad);
    pb_node(&g, "Conv", "conv3", "r2,w3", "c3", &a);
    pb_node(&g, "GlobalAveragePool", "gap", "c3", "gap", NULL);
    pb_node(&g, "Flatten", "flat", "gap", "y", NULL);
    pb_vi(&g, 11, "x", 1, 4, in_d);
    pb_vi(&g, 12, "y", 1, 2, out_d);
    pb_model(&m, &g, 13);
    free(w1); free(b1); free(w2); free(w3);
    return m;
}

static cam_net *wino_load(test_ctx *t, const pbw *m, int no_winograd, int threads, const char *what)
{
    cam_net_desc d;
    cam_net *net = NULL;
    cam_error err;
    const char *keep[1] = {"c3"};
    memset(&d, 0, sizeof d);
    d.no_winograd = no_winograd;
    d.threads = threads;
    d.keep = keep;
    d.n_keep = 1;
    if (cam_net_load_memory(m->b, m->n, &d, &net, &err) != CAM_OK) {
        test_report(t, 0, what, "load: %s", err.message);
        return NULL;
    }
    return net;
}

/* Copies the kept last conv map (2 x WC x 43 x 43) after a forward. */
static float *wino_run(cam_net *net, const cam_tensor *in, size_t *n)
{
    cam_tensor o;
    float *c;
    if (cam_net_forward(net, in, 1) != CAM_OK || cam_net_tensor(net, "c3", &o) != CAM_OK)
        return NULL;
    *n = (size_t)cam_tensor_count(&o);
    c = (float *)malloc(*n * sizeof(float));
    memcpy(c, o.data, *n * sizeof(float));
    return c;
}

/* Shapes that do not broadcast fail at load: [3] * [N,4,5] (the running
   shape was read after being overwritten and came out [1,4,5]). */
static void test_broadcast_mismatch(test_ctx *t)
{
    pbw g = {0, 0, 0}, m = {0, 0, 0};
    int64_t xd[1] = {3}, yd[3] = {-1, 4, 5}, zd[3] = {1, 4, 5};
    cam_net *net = NULL;
    cam_error err;
    cam_result r;
    pb_node(&g, "Mul", "mul", "x,y", "z", NULL);
    pb_vi(&g, 11, "x", 1, 1, xd);
    pb_vi(&g, 11, "y", 1, 3, yd);
    pb_vi(&g, 12, "z", 1, 3, zd);
    pb_model(&m, &g, 14);
    r = cam_net_load_memory(m.b, m.n, NULL, &net, &err);
    test_report(t, r == CAM_ERR_SHAPE && strstr(err.message, "broadcast"), "broadcast_mismatch_rejected",
                "load gave %s: %s", cam_result_str(r), r == CAM_OK ? "" : err.message);
    cam_net_free(net);
    free(m.b);
}

static void test_winograd(test_ctx *t)
{
    pbw m = make_wino();
    uint32_t seed = 99;
    size_t nx = (size_t)2 * WC * WHW * WHW, n1 = 0, n2 = 0, n3 = 0, i;
    float *x = rand_floats(&seed, nx, 1.0f), *ref = NULL, *got = NULL, *again = NULL;
    float *g_ref = (float *)malloc(nx * sizeof(float)), *g_got = (float *)malloc(nx * sizeof(float));
    cam_net *direct = wino_load(t, &m, 1, 1, "wino_load_direct"), *wino = wino_load(t, &m, 0, 1, "wino_load");
    cam_tensor in;
    int s, n_wino = 0, n_direct = 0;
    double worst = 0, big = 0, gworst = 0, gbig = 0;
    memset(&in, 0, sizeof in);
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = 2;
    in.dims[1] = WC;
    in.dims[2] = in.dims[3] = WHW;
    in.data = x;
    if (!direct || !wino)
        goto done;
    ref = wino_run(direct, &in, &n1);
    got = wino_run(wino, &in, &n2);
    for (s = 0; s < cam_net_step_count(wino); s++) {
        cam_step_info si;
        memset(&si, 0, sizeof si);
        cam_net_step(wino, s, &si);
        n_wino += si.winograd;
    }
    for (s = 0; s < cam_net_step_count(direct); s++) {
        cam_step_info si;
        memset(&si, 0, sizeof si);
        cam_net_step(direct, s, &si);
        n_direct += si.winograd;
    }
    test_report(t, n_wino == 3 && n_direct == 0, "wino_steps", "%d Winograd steps (want 3), %d with no_winograd",
                n_wino, n_direct);
    test_report(t, ref && got && n1 == n2, "wino_forward", "forward failed: %s / %s", cam_net_last_error(direct),
                cam_net_last_error(wino));
    if (!ref || !got || n1 != n2)
        goto done;
    for (i = 0; i < n1; i++) {
        double d = fabs((double)ref[i] - got[i]);
        worst = d > worst ? d : worst;
        big = fabs(ref[i]) > big ? fabs(ref[i]) : big;
    }
    test_report(t, worst <= 1e-5 * big, "wino_matches_direct", "max |winograd - direct| %g, largest %g", worst, big);
    /* more threads than the net was planned with: re-planned, same bits */
    cam_net_set_threads(wino, 3);
    again = wino_run(wino, &in, &n3);
    test_report(t, again && n3 == n2 && !memcmp(again, got, n2 * sizeof(float)), "wino_threads_bit_identical",
                "1 and 3 threads differ (%s)", cam_net_last_error(wino));
    free(again);
    again = NULL;
    cam_net_set_threads(wino, 2);
    again = wino_run(wino, &in, &n3);
    test_report(t, again && n3 == n2 && !memcmp(again, got, n2 * sizeof(float)), "wino_threads_2_bit_identical",
                "1 and 2 threads differ (%s)", cam_net_last_error(wino));
    /* the gradient through Winograd convs (weights unpacked from the 16 products) */
    if (cam_net_gradient(direct, &in, 1, 3, g_ref, NULL) != CAM_OK || cam_net_gradient(wino, &in, 1, 3, g_got, NULL) != CAM_OK) {
        test_report(t, 0, "wino_gradient", "gradient failed: %s / %s", cam_net_last_error(direct),
                    cam_net_last_error(wino));
    } else {
        for (i = 0; i < nx; i++) {
            double d = fabs((double)g_ref[i] - g_got[i]);
            gworst = d > gworst ? d : gworst;
            gbig = fabs(g_ref[i]) > gbig ? fabs(g_ref[i]) : gbig;
        }
        test_report(t, gbig > 0 && gworst <= 1e-4 * gbig, "wino_gradient", "max |d winograd - d direct| %g, largest %g",
                    gworst, gbig);
    }
done:
    free(again);
    free(ref);
    free(got);
    free(x);
    free(g_ref);
    free(g_got);
    cam_net_free(direct);
    cam_net_free(wino);
    free(m.b);
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    const char *dir = argc > 1 ? argv[1] : ".";
    pbw cnn = make_cnn("Softmax");
    test_errors(&t, &cnn, dir);
    {
        int64_t dims[4] = {1, 3, HW, HW};
        test_hostile(&t, &cnn, "cnn", 1500, dims);
    }
    test_hostile_real(&t);
    test_compile(&t, &cnn);
    test_no_alloc(&t, &cnn);
    test_reshape_input(&t);
    test_heads(&t);
    test_maxpool_specials(&t);
    test_concat_inplace(&t);
    test_set_input_shape(&t, &cnn);
    test_cli(&t, dir, argc > 2 ? argv[2] : "");
    test_fuzz_regress(&t);
    test_broadcast_mismatch(&t);
    test_winograd(&t);
    test_real_model(&t);
    free(cnn.b);
    return test_done(&t);
}
