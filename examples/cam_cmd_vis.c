/* cam classify / map / features: the CAM side of the command-line tool.
   Images are files stb_image reads (JPEG, PNG, BMP, TGA, GIF, PNM) or .npy
   tensors already preprocessed (C x H x W or 1 x C x H x W). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cam.h"
#include "cam_cli.h"

#define VIS_MAX_CLASSES 64

/* ---- small helpers ---------------------------------------------------- */
static int vis_fail(const char *cmd, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cam %s: error: ", cmd);
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fputc('\n', stderr);
    return 1;
}

static int vis_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Numbers JSON accepts: NaN and infinities become null. */
static void json_num(FILE *f, double v)
{
    if (v != v || v > 1e308 || v < -1e308)
        fputs("null", f);
    else
        fprintf(f, "%.6g", v);
}

static const char *vis_label(const cam_net *net, int c, char *buf, size_t n)
{
    if (!cam_net_label(net, c, buf, n) || !buf[0])
        snprintf(buf, n, "class %d", c);
    return buf;
}

static int vis_parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return 0;
    *out = (int)v;
    return 1;
}

static int vis_parse_float(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return 0;
    *out = v;
    return 1;
}

static void vis_progress(const char *cmd, int done, int total, int tty)
{
    if (total > 1 && tty)
        fprintf(stderr, "\rcam %s: %d/%d images", cmd, done, total);
    if (total > 1 && tty && done == total)
        fputc('\n', stderr);
}

/* ---- one network input from a file ------------------------------------ */
typedef struct vis_input {
    cam_image image;  /* the picture (original, or undone from a tensor) */
    cam_transform tf; /* input -> image */
    float *x;         /* C x H x W */
    int c, h, w;
} vis_input;

static void vis_input_free(vis_input *in)
{
    cam_image_free(&in->image);
    free(in->x);
    memset(in, 0, sizeof *in);
}

static int vis_input_load(const char *cmd, const char *path, const cam_preprocess *pp, int want_image, vis_input *in)
{
    cam_error err;
    cam_result r;
    memset(in, 0, sizeof *in);
    if (vis_ends_with(path, ".npy")) {
        cam_tensor t;
        int off;
        if (cam_npy_load(path, &t, &err) != CAM_OK)
            return vis_fail(cmd, "%s%s", err.message, NULL);
        off = t.ndim == 4 ? 1 : 0;
        if (t.dtype != CAM_FLOAT32 || (t.ndim != 3 && !(t.ndim == 4 && t.dims[0] == 1)) || t.dims[off] != pp->channels ||
            t.dims[off + 1] < 1 || t.dims[off + 2] < 1 || t.dims[off + 1] > CAM_MAX_IMAGE_DIM ||
            t.dims[off + 2] > CAM_MAX_IMAGE_DIM) {
            cam_npy_free(&t);
            return vis_fail(cmd, "%s: expected a float32 tensor of %s channels x H x W", path,
                            pp->channels == 1 ? "1" : "3");
        }
        in->c = (int)t.dims[off];
        in->h = (int)t.dims[off + 1];
        in->w = (int)t.dims[off + 2];
        in->x = (float *)t.data;
        cam_transform_identity(&in->tf, in->w, in->h);
        if (want_image) {
            cam_preprocess p2 = *pp;
            p2.width = in->w;
            p2.height = in->h;
            if (cam_image_from_tensor(in->x, &p2, &in->image) != CAM_OK) {
                vis_input_free(in);
                return vis_fail(cmd, "%s: cannot make a picture of the tensor%s", path, NULL);
            }
        }
        return 0;
    }
    if ((r = cam_image_load(path, &in->image, &err)) != CAM_OK)
        return vis_fail(cmd, "%s%s", err.message, NULL);
    in->c = pp->channels;
    in->h = pp->height;
    in->w = pp->width;
    in->x = (float *)malloc(sizeof(float) * cam_preprocess_floats(pp));
    if (!in->x || cam_image_preprocess(&in->image, pp, in->x, &in->tf) != CAM_OK) {
        vis_input_free(in);
        return vis_fail(cmd, "%s: preprocessing failed%s", path, NULL);
    }
    if (!want_image)
        cam_image_free(&in->image);
    return 0;
}

/* ---- shared model options --------------------------------------------- */
typedef struct vis_model_opts {
    const char *resize, *mean, *std, *color;
    int size, resize_size, threads;
} vis_model_opts;

static const char vis_model_help[] =
    "model options:\n"
    "  --size N            network input side when the model leaves it open\n"
    "  --resize stretch|crop   override the model's cam.resize\n"
    "  --resize-size N     shorter side before the crop (cam.resize_size)\n"
    "  --mean A,B,C --std A,B,C   override cam.mean / cam.std ([0,1] units)\n"
    "  --color rgb|bgr|gray     override cam.color\n"
    "  --threads N         worker threads (0: all cores)\n";

/* 1: consumed argv[*i] (and its value), 0: not a model option, -1: bad value */
static int vis_model_opt(int argc, char **argv, int *i, vis_model_opts *o)
{
    const char *a = argv[*i];
    const char **sv = !strcmp(a, "--resize") ? &o->resize : !strcmp(a, "--mean") ? &o->mean
                                                       : !strcmp(a, "--std")      ? &o->std
                                                       : !strcmp(a, "--color")    ? &o->color
                                                                                  : NULL;
    int *iv = !strcmp(a, "--size") ? &o->size : !strcmp(a, "--resize-size") ? &o->resize_size
                                            : !strcmp(a, "--threads")        ? &o->threads
                                                                             : NULL;
    if (!sv && !iv)
        return 0;
    if (*i + 1 >= argc)
        return -1;
    ++*i;
    if (sv) {
        *sv = argv[*i];
        return 1;
    }
    return vis_parse_int(argv[*i], 0, CAM_MAX_IMAGE_DIM, iv) ? 1 : -1;
}

static int vis_open(const char *cmd, const char *model, const vis_model_opts *o, int batch, cam_net **net,
                    cam_preprocess *pp)
{
    cam_net_desc d;
    cam_error err;
    cam_result r;
    char sz[32];
    memset(&d, 0, sizeof d);
    d.threads = o->threads;
    d.batch = batch > 1 ? batch : 0;
    if (o->size)
        d.height = d.width = o->size;
    r = cam_net_load(model, &d, net, &err);
    if (r != CAM_OK && d.batch) { /* a model with a fixed batch may refuse another: take its own */
        d.batch = 0;
        r = cam_net_load(model, &d, net, &err);
    }
    if (r != CAM_OK)
        return vis_fail(cmd, "%s%s", err.message, NULL);
    if (cam_preprocess_from_net(*net, pp, &err) != CAM_OK) {
        cam_net_free(*net);
        return vis_fail(cmd, "%s: %s", model, err.message);
    }
    snprintf(sz, sizeof sz, "%d", o->resize_size);
    if (cam_preprocess_parse(pp, o->resize, o->resize_size ? sz : NULL, o->mean, o->std, o->color, &err) != CAM_OK) {
        cam_net_free(*net);
        return vis_fail(cmd, "%s%s", err.message, NULL);
    }
    if (o->size)
        pp->width = pp->height = o->size;
    if (!pp->channels)
        pp->channels = pp->color == CAM_COLOR_GRAY ? 1 : 3;
    if (pp->width <= 0 || pp->height <= 0) {
        cam_net_free(*net);
        return vis_fail(cmd, "%s: the model does not fix its input size: give --size N%s", model, NULL);
    }
    return 0;
}

static int vis_forward(const char *cmd, cam_net *net, const float *x, int n, int c, int h, int w)
{
    cam_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = CAM_FLOAT32;
    t.ndim = 4;
    t.dims[0] = n, t.dims[1] = c, t.dims[2] = h, t.dims[3] = w;
    t.data = (void *)x;
    if (cam_net_forward(net, &t, 1) != CAM_OK)
        return vis_fail(cmd, "forward: %s%s", cam_net_last_error(net), NULL);
    return 0;
}

/* A liblinear model on the GAP features used as CAM class weights (paper
   section 4: maps for classes the network never saw). Classes are the SVM's,
   in its label order; scores are its decision values on GAP features (what
   `cam features` writes by default). */
typedef struct vis_svm {
    cam_svm model;
    float *w, *bias, *scores, *gap; /* n x K, n, n, K */
    int n, k;
} vis_svm;

static void vis_svm_free(vis_svm *v)
{
    cam_svm_free(&v->model);
    free(v->w), free(v->bias), free(v->scores), free(v->gap);
    memset(v, 0, sizeof *v);
}

static int vis_svm_load(const char *cmd, const char *path, int k, vis_svm *v)
{
    cam_error err;
    memset(v, 0, sizeof *v);
    if (cam_svm_load(path, &v->model, &err) != CAM_OK)
        return vis_fail(cmd, "%s: %s", path, err.message);
    if (v->model.n_features != k) {
        char why[96];
        snprintf(why, sizeof why, "has %d features, the model's CAM layer has %d channels", v->model.n_features, k);
        vis_svm_free(v);
        return vis_fail(cmd, "%s: %s", path, why);
    }
    v->n = v->model.n_classes, v->k = k;
    v->w = (float *)malloc(sizeof(float) * (size_t)v->n * k);
    v->bias = (float *)malloc(sizeof(float) * (size_t)v->n);
    v->scores = (float *)malloc(sizeof(float) * (size_t)v->n);
    v->gap = (float *)malloc(sizeof(float) * (size_t)k);
    if (!v->w || !v->bias || !v->scores || !v->gap || cam_svm_cam_weights(&v->model, v->w, v->bias) != CAM_OK) {
        vis_svm_free(v);
        return vis_fail(cmd, "%s: cannot use its weights%s", path, NULL);
    }
    return 0;
}

/* The SVM's decision values for the last forward (one image): its weight
   rows against the GAP features. */
static cam_result vis_svm_scores(cam_net *net, vis_svm *v)
{
    int n, k, c, j;
    cam_result r = cam_net_features(net, CAM_POOL_AVG, NULL, &n, &k);
    if (r != CAM_OK)
        return r;
    if (n != 1 || k != v->k)
        return CAM_ERR_SHAPE;
    if ((r = cam_net_features(net, CAM_POOL_AVG, v->gap, NULL, NULL)) != CAM_OK)
        return r;
    for (c = 0; c < v->n; c++) {
        double acc = v->bias[c];
        for (j = 0; j < v->k; j++)
            acc += (double)v->w[(size_t)c * v->k + j] * v->gap[j];
        v->scores[c] = (float)acc;
    }
    return CAM_OK;
}

/* Maps from the SVM's weights: the product at feature resolution, then onto
   the image (or the input) and normalised after resizing. v->scores must hold
   this forward's decision values (vis_svm_scores). */
static cam_result vis_svm_maps(cam_net *net, const cam_head *head, vis_svm *v, const int *classes, int n,
                               const cam_map_desc *md, cam_maps *out)
{
    cam_tensor f;
    float *fm = NULL;
    int fh, fw, j, ow, oh;
    cam_result r;
    memset(out, 0, sizeof *out);
    if ((r = cam_net_tensor(net, head->feature, &f)) != CAM_OK)
        return r;
    if (f.ndim != 4 || f.dims[1] != v->k)
        return CAM_ERR_SHAPE;
    fh = (int)f.dims[2], fw = (int)f.dims[3];
    if (!classes && n > v->n)
        n = v->n;
    out->classes = (int *)malloc(sizeof(int) * n);
    out->scores = (float *)malloc(sizeof(float) * n);
    if (!out->classes || !out->scores)
        return CAM_ERR_NOMEM;
    if (classes)
        memcpy(out->classes, classes, sizeof(int) * n);
    else
        cam_scores_topk(v->scores, v->n, n, out->classes, NULL);
    for (j = 0; j < n; j++)
        out->scores[j] = v->scores[out->classes[j]];
    out->n = n;
    ow = md->target == CAM_TARGET_FEATURE ? fw : md->transform->image_width;
    oh = md->target == CAM_TARGET_FEATURE ? fh : md->transform->image_height;
    out->width = ow, out->height = oh;
    out->data = (float *)malloc(sizeof(float) * (size_t)ow * oh * n);
    fm = md->target == CAM_TARGET_FEATURE ? out->data : (float *)malloc(sizeof(float) * (size_t)fw * fh * n);
    if (!out->data || !fm)
        return CAM_ERR_NOMEM;
    r = cam_map_compute(v->w, v->n, v->k, (const float *)f.data, fw * fh, out->classes, n, md->rectify, fm);
    for (j = 0; r == CAM_OK && fm != out->data && j < n; j++)
        r = cam_map_resize_to_image(fm + (size_t)j * fw * fh, fw, fh, md->transform,
                                    out->data + (size_t)j * ow * oh, md->interp);
    for (j = 0; r == CAM_OK && md->normalize && j < n; j++)
        cam_map_normalize(out->data + (size_t)j * ow * oh, (size_t)ow * oh, md->normalize);
    if (fm != out->data)
        free(fm);
    return r;
}

/* A class's name: the SVM's integer label, or the model's cam.labels. */
static const char *vis_class_label(const cam_net *net, const vis_svm *svm, int c, char *buf, size_t n)
{
    if (svm) {
        snprintf(buf, n, "svm label %d", svm->model.labels[c]);
        return buf;
    }
    return vis_label(net, c, buf, n);
}

/* Maps of the chosen method for image 0 of the last forward: CAM (W . F) or
   Backprop saliency (|dS_c/dx|, max over colour channels), which needs the
   preprocessed input again because it runs its own forward and reverse sweep. */
static cam_result vis_method_maps(cam_net *net, int backprop, const float *x, int c, int h, int w,
                                  const int *classes, int n, const cam_map_desc *md, cam_maps *out,
                                  const cam_head *head, vis_svm *svm)
{
    cam_tensor t;
    if (svm)
        return vis_svm_maps(net, head, svm, classes, n, md, out);
    if (!backprop)
        return cam_net_maps(net, 0, classes, n, md, out);
    memset(&t, 0, sizeof t);
    t.dtype = CAM_FLOAT32;
    t.ndim = 4;
    t.dims[0] = 1, t.dims[1] = c, t.dims[2] = h, t.dims[3] = w;
    t.data = (void *)x;
    return cam_net_backprop_maps(net, &t, 0, classes, n, md, out);
}

/* ---- cam classify ----------------------------------------------------- */
static const char classify_help[] =
    "usage: cam classify MODEL IMAGE... [--top K] [--json]\n"
    "Top classes for each image: class id, label, softmax probability and logit.\n"
    "IMAGE: JPEG/PNG/BMP/TGA/GIF/PNM, or a preprocessed .npy tensor (C x H x W).\n"
    "  --top K     classes per image (default 5)\n"
    "  --json      one JSON array: [{\"image\", \"top\": [{\"class\", \"label\", \"prob\", \"score\"}]}]\n";

int cam_cmd_classify(int argc, char **argv)
{
    const char *cmd = "classify", *model = NULL;
    const char **images;
    vis_model_opts mo;
    cam_preprocess pp;
    cam_net *net;
    int i, n_images = 0, top = 5, json = 0, rc = 0, tty = isatty(2);
    memset(&mo, 0, sizeof mo);
    images = (const char **)calloc((size_t)argc + 1, sizeof *images);
    if (!images)
        return vis_fail(cmd, "out of memory%s%s", NULL, NULL);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int m = vis_model_opt(argc, argv, &i, &mo);
        if (m < 0) {
            free(images);
            return vis_fail(cmd, "bad or missing value for %s%s", a, NULL), 2;
        }
        if (m)
            continue;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s%s", classify_help, vis_model_help);
            free(images);
            return 0;
        } else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--top")) {
            if (i + 1 >= argc || !vis_parse_int(argv[++i], 1, 1 << 20, &top)) {
                free(images);
                return vis_fail(cmd, "--top needs a positive integer%s%s", NULL, NULL), 2;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            free(images);
            return vis_fail(cmd, "unknown option %s (try --help)", argv[i], NULL), 2;
        } else if (!model)
            model = argv[i];
        else
            images[n_images++] = argv[i];
    }
    if (!model || !n_images) {
        free(images);
        fputs(classify_help, stderr);
        return 2;
    }
    if (vis_open(cmd, model, &mo, 1, &net, &pp)) {
        free(images);
        return 1;
    }
    if (json)
        printf("[");
    for (i = 0; i < n_images && !rc; i++) {
        vis_input in;
        const float *sc;
        float *prob = NULL;
        int nc, k, j, idx[64];
        if (vis_input_load(cmd, images[i], &pp, 0, &in)) {
            rc = 1;
            break;
        }
        if (vis_forward(cmd, net, in.x, 1, in.c, in.h, in.w)) {
            rc = 1;
            vis_input_free(&in);
            break;
        }
        if (cam_net_scores(net, 0, &sc, &nc) != CAM_OK) {
            rc = vis_fail(cmd, "%s: no class scores%s", model, NULL);
            vis_input_free(&in);
            break;
        }
        prob = (float *)malloc(sizeof(float) * nc);
        if (!prob) {
            vis_input_free(&in);
            rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
            break;
        }
        cam_scores_softmax(sc, nc, prob);
        k = cam_scores_topk(sc, nc, top < 64 ? top : 64, idx, NULL);
        if (json) {
            printf("%s\n  {\"image\": ", i ? "," : "");
            json_str(stdout, images[i]);
            printf(", \"top\": [");
        } else {
            printf("%s\n", images[i]);
        }
        for (j = 0; j < k; j++) {
            char lb[256];
            vis_label(net, idx[j], lb, sizeof lb);
            if (json) {
                printf("%s{\"class\": %d, \"label\": ", j ? ", " : "", idx[j]);
                json_str(stdout, lb);
                printf(", \"prob\": ");
                json_num(stdout, prob[idx[j]]);
                printf(", \"score\": ");
                json_num(stdout, sc[idx[j]]);
                printf("}");
            } else {
                printf("  %d. %-24s class %-5d prob %.4f  score %.4f\n", j + 1, lb, idx[j], prob[idx[j]], sc[idx[j]]);
            }
        }
        if (json)
            printf("]}");
        free(prob);
        vis_input_free(&in);
        vis_progress(cmd, i + 1, n_images, tty && !json);
    }
    if (json && !rc)
        printf("\n]\n");
    cam_net_free(net);
    free(images);
    return rc;
}

/* ---- cam map ---------------------------------------------------------- */
static const char map_help[] =
    "usage: cam map MODEL IMAGE... [--top K | --class C ...] [--out DIR] [--save-maps FILE.npy]\n"
    "               [--threshold T] [--connectivity 4|8] [--all-boxes] [--alpha A] [--json]\n"
    "Class activation maps (Zhou et al. 2016) on the original image, and the box of\n"
    "the largest connected component above T * max of each map.\n"
    "  --top K            maps of the K best classes (default 1)\n"
    "  --class C          map of class C (repeatable; replaces --top)\n"
    "  --svm FILE         class weights from a liblinear model trained on GAP features\n"
    "                     (cam features + liblinear-train: maps for classes the network never\n"
    "                     saw, paper section 4); classes are the SVM's, in its label order\n"
    "  --method cam|backprop  class activation maps (default), or Backprop saliency\n"
    "                     (Simonyan et al. 2014: |dS_c/dpixel|, max over colour channels)\n"
    "  --out DIR          write DIR/<image>_cam.png (first class: heat map, box, caption)\n"
    "                     and DIR/<image>_grid.png (all classes)\n"
    "  --save-maps F.npy  raw maps at feature resolution, classes x h x w (N x classes x h x w\n"
    "                     for several images), before any rectify / normalise\n"
    "  --threshold T      box threshold as a fraction of the max (default 0.2)\n"
    "  --threshold-mode max|range   T * max (default) or min + T * (max - min)\n"
    "  --strict           keep m > t instead of m >= t\n"
    "  --connectivity 4|8 (default 8)\n"
    "  --all-boxes        every component's box, largest first\n"
    "  --ilsvrc           also the paper's 5 ILSVRC guesses (tight/loose of top-1, top-2, loose of top-3)\n"
    "  --rectify none|relu|positive   (default none)\n"
    "  --normalize none|max|minmax    (default none) --normalize-first: before resizing\n"
    "  --interp bilinear|bicubic      map upsampling (default bilinear)\n"
    "  --alpha A          heat map opacity in the pictures (default 0.5)\n"
    "  --json             one JSON array: [{\"image\", \"width\", \"height\", \"classes\": [{\"class\",\n"
    "                     \"label\", \"prob\", \"score\", \"box\": [x0,y0,x1,y1] | null, \"boxes\"}]}]\n"
    "Boxes are inclusive pixel coordinates of the original image.\n";

static int vis_pick(const char *s, const char *const *names, int n, int *out)
{
    int i;
    for (i = 0; i < n; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 1;
        }
    return 0;
}

static void vis_stem(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/'), *dot;
    size_t len;
    b = b ? b + 1 : path;
    dot = strrchr(b, '.');
    len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (len >= n)
        len = n - 1;
    memcpy(out, b, len);
    out[len] = 0;
}

/* DIR/<stem>_cam.png: heat map of the first class, its boxes and a caption.
   Small images are enlarged by an integer factor so the caption stays legible. */
static int vis_picture(const char *cmd, const cam_image *img, const float *map, const cam_box *boxes, int nb,
                       const char *label, float prob, double alpha, const char *dir, const char *image_path)
{
    static const unsigned char box_rgb[3] = {0, 255, 0}, txt[3] = {255, 255, 255};
    int side = img->width > img->height ? img->width : img->height, k = side < 256 ? 256 / side : 1;
    int w = img->width * k, h = img->height * k, x, y, b, rc = 0;
    cam_image pic;
    float *m = NULL;
    char cap[300], stem[256], path[1024];
    if (cam_image_create(&pic, w, h, NULL) != CAM_OK || !(m = (float *)malloc(sizeof(float) * (size_t)w * h))) {
        cam_image_free(&pic);
        return vis_fail(cmd, "out of memory%s%s", NULL, NULL);
    }
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
            memcpy(pic.pixels + ((size_t)y * w + x) * 3, img->pixels + ((size_t)(y / k) * img->width + x / k) * 3, 3);
    cam_map_resize(map, img->width, img->height, m, w, h, CAM_INTERP_BILINEAR);
    cam_picture_overlay(&pic, m, (float)alpha);
    for (b = 0; b < nb; b++) {
        cam_box bb = boxes[b];
        bb.x0 *= k, bb.y0 *= k, bb.x1 = bb.x1 * k + k - 1, bb.y1 = bb.y1 * k + k - 1;
        cam_picture_box(&pic, &bb, box_rgb, w >= 320 ? 2 : 1);
    }
    snprintf(cap, sizeof cap, "%s %.2f", label, prob);
    cam_picture_text(&pic, 0, 0, cap, txt, w >= 200 ? 2 : 1);
    vis_stem(image_path, stem, sizeof stem);
    snprintf(path, sizeof path, "%s/%s_cam.png", dir, stem);
    if (cam_image_write_png(path, &pic) != CAM_OK)
        rc = vis_fail(cmd, "cannot write %s%s", path, NULL);
    cam_image_free(&pic);
    free(m);
    return rc;
}

static void json_box(const cam_box *b)
{
    printf("[%d, %d, %d, %d]", b->x0, b->y0, b->x1, b->y1);
}

int cam_cmd_map(int argc, char **argv)
{
    static const char *const rect_names[] = {"none", "relu", "positive"};
    static const char *const norm_names[] = {"none", "max", "minmax"};
    static const char *const interp_names[] = {"bilinear", "bicubic", "nearest"};
    static const char *const mode_names[] = {"max", "range"};
    static const char *const method_names[] = {"cam", "backprop"};
    const char *svm_path = NULL;
    vis_svm svm_store, *svm = NULL;
    cam_head head;
    const char *cmd = "map", *model = NULL, *out_dir = NULL, *save = NULL;
    const char **images;
    vis_model_opts mo;
    cam_preprocess pp;
    cam_map_desc md;
    cam_box_desc bd;
    cam_net *net;
    int classes[VIS_MAX_CLASSES], n_classes = 0, top = 1, json = 0, all_boxes = 0, ilsvrc = 0, rc = 0;
    int i, n_images = 0, tty = isatty(2), v, backprop = 0;
    double alpha = 0.5, thr = 0.2;
    float *saved = NULL;
    int64_t save_dims[4] = {0, 0, 0, 0};
    memset(&mo, 0, sizeof mo);
    memset(&md, 0, sizeof md);
    memset(&bd, 0, sizeof bd);
    images = (const char **)calloc((size_t)argc + 1, sizeof *images);
    if (!images)
        return vis_fail(cmd, "out of memory%s%s", NULL, NULL);
#define MAP_NEED(cond, what)                                        \
    if (!(cond)) {                                                  \
        free(images);                                               \
        return vis_fail(cmd, "%s needs %s", argv[i], what), 2;      \
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int m = vis_model_opt(argc, argv, &i, &mo);
        MAP_NEED(m >= 0, "a valid value")
        if (m)
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s%s", map_help, vis_model_help);
            free(images);
            return 0;
        } else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--all-boxes"))
            all_boxes = 1;
        else if (!strcmp(a, "--ilsvrc"))
            ilsvrc = 1;
        else if (!strcmp(a, "--strict"))
            bd.strict = 1;
        else if (!strcmp(a, "--normalize-first"))
            md.order = CAM_NORMALIZE_BEFORE_RESIZE;
        else if (!strcmp(a, "--method")) {
            MAP_NEED(i + 1 < argc && vis_pick(argv[i + 1], method_names, 2, &backprop), "cam or backprop")
            i++;
        } else if (!strcmp(a, "--svm")) {
            MAP_NEED(i + 1 < argc, "a liblinear model file")
            svm_path = argv[++i];
        } else if (!strcmp(a, "--top")) {
            MAP_NEED(i + 1 < argc && vis_parse_int(argv[i + 1], 1, VIS_MAX_CLASSES, &top), "an integer in 1..64")
            i++;
        } else if (!strcmp(a, "--class")) {
            MAP_NEED(i + 1 < argc && n_classes < VIS_MAX_CLASSES &&
                         vis_parse_int(argv[i + 1], 0, 1 << 30, &classes[n_classes]),
                     "a class id (at most 64 of them)")
            n_classes++, i++;
        } else if (!strcmp(a, "--out")) {
            MAP_NEED(i + 1 < argc, "a folder")
            out_dir = argv[++i];
        } else if (!strcmp(a, "--save-maps")) {
            MAP_NEED(i + 1 < argc, "a file name")
            save = argv[++i];
        } else if (!strcmp(a, "--threshold")) {
            MAP_NEED(i + 1 < argc && vis_parse_float(argv[i + 1], 1e-12, 1.0, &thr), "a number in (0, 1]")
            i++;
        } else if (!strcmp(a, "--alpha")) {
            MAP_NEED(i + 1 < argc && vis_parse_float(argv[i + 1], 0.0, 1.0, &alpha) && alpha > 0, "a number in (0, 1]")
            i++;
        } else if (!strcmp(a, "--connectivity")) {
            MAP_NEED(i + 1 < argc && vis_parse_int(argv[i + 1], 4, 8, &bd.connectivity) &&
                         (bd.connectivity == 4 || bd.connectivity == 8),
                     "4 or 8")
            i++;
        } else if (!strcmp(a, "--threshold-mode")) {
            MAP_NEED(i + 1 < argc && vis_pick(argv[i + 1], mode_names, 2, &v), "max or range")
            bd.mode = (cam_threshold_mode)v, i++;
        } else if (!strcmp(a, "--rectify")) {
            MAP_NEED(i + 1 < argc && vis_pick(argv[i + 1], rect_names, 3, &v), "none, relu or positive")
            md.rectify = (cam_rectify)v, i++;
        } else if (!strcmp(a, "--normalize")) {
            MAP_NEED(i + 1 < argc && vis_pick(argv[i + 1], norm_names, 3, &v), "none, max or minmax")
            md.normalize = (cam_normalize)v, i++;
        } else if (!strcmp(a, "--interp")) {
            MAP_NEED(i + 1 < argc && vis_pick(argv[i + 1], interp_names, 3, &v), "bilinear, bicubic or nearest")
            md.interp = (cam_interp)v, i++;
        } else if (a[0] == '-' && a[1]) {
            free(images);
            return vis_fail(cmd, "unknown option %s (try --help)", a, NULL), 2;
        } else if (!model)
            model = a;
        else
            images[n_images++] = a;
    }
#undef MAP_NEED
    bd.threshold = thr;
    if (!model || !n_images) {
        free(images);
        fputs(map_help, stderr);
        return 2;
    }
    if (out_dir && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        free(images);
        return vis_fail(cmd, "cannot create %s: %s", out_dir, strerror(errno));
    }
    if (vis_open(cmd, model, &mo, 1, &net, &pp)) {
        free(images);
        return 1;
    }
    {
        if (cam_net_head(net, &head) != CAM_OK) {
            rc = vis_fail(cmd, "%s: no CAM head (%s)", model, cam_net_head_error(net));
            n_images = 0;
        } else if (svm_path && backprop) {
            rc = vis_fail(cmd, "--svm gives class weights for CAM: it does not combine with --method backprop%s%s",
                          "", NULL);
            n_images = 0;
        } else if (svm_path && vis_svm_load(cmd, svm_path, head.n_channels, &svm_store)) {
            rc = 1;
            n_images = 0;
        } else {
            svm = svm_path ? &svm_store : NULL;
            for (i = 0; i < n_classes; i++)
                if (classes[i] >= (svm ? svm->n : head.n_classes)) {
                    char c[32], have[32];
                    snprintf(c, sizeof c, "%d", classes[i]);
                    snprintf(have, sizeof have, "%d", svm ? svm->n : head.n_classes);
                    rc = vis_fail(cmd, "class %s is out of range (%s classes)", c, have);
                    n_images = 0;
                    break;
                }
        }
    }
    if (json && !rc)
        printf("[");
    for (i = 0; i < n_images && !rc; i++) {
        vis_input in;
        cam_maps maps;
        const float *sc;
        float *prob = NULL;
        int nc = 0, j, hw;
        cam_box *boxes = NULL;
        void *scratch = NULL;
        char stem[256], lb[256], path[1024];
        if (vis_input_load(cmd, images[i], &pp, 1, &in)) {
            rc = 1;
            break;
        }
        md.transform = &in.tf;
        if (vis_forward(cmd, net, in.x, 1, in.c, in.h, in.w) || cam_net_scores(net, 0, &sc, &nc) != CAM_OK) {
            vis_input_free(&in);
            rc = 1;
            break;
        }
        if (svm) {
            if (vis_svm_scores(net, svm) != CAM_OK) {
                vis_input_free(&in);
                rc = vis_fail(cmd, "%s: SVM scores failed: %s", images[i], cam_net_last_error(net));
                break;
            }
            sc = svm->scores, nc = svm->n;
        }
        if (vis_method_maps(net, backprop, in.x, in.c, in.h, in.w, n_classes ? classes : NULL,
                            n_classes ? n_classes : top, &md, &maps, &head, svm) != CAM_OK) {
            cam_maps_free(&maps);
            vis_input_free(&in);
            rc = vis_fail(cmd, "%s: maps failed: %s", images[i], cam_net_last_error(net));
            break;
        }
        hw = maps.width * maps.height;
        prob = (float *)malloc(sizeof(float) * nc);
        boxes = (cam_box *)malloc(sizeof(cam_box) * 256);
        scratch = malloc(cam_map_boxes_scratch_size(maps.width, maps.height));
        if (!prob || !boxes || !scratch) {
            rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
        } else {
            cam_scores_softmax(sc, nc, prob);
            if (json) {
                printf("%s\n  {\"image\": ", i ? "," : "");
                json_str(stdout, images[i]);
                printf(", \"width\": %d, \"height\": %d, \"classes\": [", maps.width, maps.height);
            } else {
                printf("%s (%dx%d)\n", images[i], maps.width, maps.height);
            }
        }
        for (j = 0; !rc && j < maps.n; j++) {
            int nb = cam_map_boxes(maps.data + (size_t)j * hw, maps.width, maps.height, &bd, boxes,
                                   all_boxes ? 256 : 1, scratch), b;
            int c = maps.classes[j];
            if (nb < 0) {
                rc = vis_fail(cmd, "boxes: %s%s", cam_result_str((cam_result)nb), NULL);
                break;
            }
            vis_class_label(net, svm, c, lb, sizeof lb);
            if (json) {
                printf("%s{\"class\": %d, \"label\": ", j ? ", " : "", c);
                json_str(stdout, lb);
                printf(", \"prob\": ");
                json_num(stdout, c < nc ? prob[c] : 0.0);
                printf(", \"score\": ");
                json_num(stdout, maps.scores[j]);
                printf(", \"box\": ");
                if (nb > 0)
                    json_box(&boxes[0]);
                else
                    printf("null");
                if (all_boxes) {
                    printf(", \"boxes\": [");
                    for (b = 0; b < nb && b < 256; b++) {
                        printf("%s", b ? ", " : "");
                        json_box(&boxes[b]);
                    }
                    printf("]");
                }
                printf("}");
            } else {
                printf("  %-24s class %-5d prob %.4f  box ", lb, c, c < nc ? prob[c] : 0.0f);
                if (nb > 0)
                    printf("%d %d %d %d", boxes[0].x0, boxes[0].y0, boxes[0].x1, boxes[0].y1);
                else
                    printf("none");
                for (b = 1; all_boxes && b < nb && b < 256; b++)
                    printf(" | %d %d %d %d", boxes[b].x0, boxes[b].y0, boxes[b].x1, boxes[b].y1);
                printf("\n");
            }
            if (j == 0 && out_dir && vis_picture(cmd, &in.image, maps.data, boxes, all_boxes ? nb : (nb > 0),
                                                 lb, c < nc ? prob[c] : 0.0f, alpha, out_dir, images[i]))
                rc = 1;
        }
        if (json && !rc)
            printf("]");
        if (!rc && ilsvrc) {
            cam_maps top3;
            cam_box ib[5];
            int rank[5], nb = -1;
            if (vis_method_maps(net, backprop, in.x, in.c, in.h, in.w, NULL, 3, &md, &top3, &head, svm) == CAM_OK) {
                cam_ilsvrc_desc id;
                memset(&id, 0, sizeof id);
                id.box = bd;
                id.loose = thr;
                nb = cam_map_boxes_ilsvrc(top3.data, top3.n, top3.width, top3.height, &id, ib, rank);
            }
            if (nb < 0)
                rc = vis_fail(cmd, "%s: ILSVRC boxes failed%s", images[i], NULL);
            for (j = 0; j < nb; j++) {
                if (json) {
                    printf("%s{\"class\": %d, \"box\": ", j ? ", " : ", \"ilsvrc\": [", top3.classes[rank[j]]);
                    json_box(&ib[j]);
                    printf("}");
                } else {
                    printf("  ilsvrc %d: class %d box %d %d %d %d\n", j + 1, top3.classes[rank[j]], ib[j].x0,
                           ib[j].y0, ib[j].x1, ib[j].y1);
                }
            }
            if (json && nb == 0)
                printf(", \"ilsvrc\": [");
            if (json && nb >= 0)
                printf("]");
            cam_maps_free(&top3);
        }
        if (json && !rc)
            printf("}");
        if (!rc && out_dir) {
            cam_image grid;
            char **caps = (char **)calloc((size_t)maps.n, sizeof(char *));
            for (j = 0; caps && j < maps.n; j++) {
                caps[j] = (char *)malloc(300);
                if (caps[j])
                    snprintf(caps[j], 300, "%s %.2f", vis_class_label(net, svm, maps.classes[j], lb, sizeof lb),
                             maps.classes[j] < nc ? prob[maps.classes[j]] : 0.0f);
            }
            vis_stem(images[i], stem, sizeof stem);
            snprintf(path, sizeof path, "%s/%s_grid.png", out_dir, stem);
            if (!caps || cam_picture_grid(&in.image, maps.data, maps.n, (const char *const *)caps, (float)alpha, 0, 0,
                                          &grid) != CAM_OK)
                rc = vis_fail(cmd, "%s: cannot draw the grid%s", images[i], NULL);
            else if (cam_image_write_png(path, &grid) != CAM_OK)
                rc = vis_fail(cmd, "cannot write %s%s", path, NULL);
            cam_image_free(&grid);
            for (j = 0; caps && j < maps.n; j++)
                free(caps[j]);
            free(caps);
        }
        if (!rc && save) {
            /* raw maps: feature resolution, no rectify / normalise */
            cam_map_desc raw;
            cam_maps fm;
            memset(&raw, 0, sizeof raw);
            raw.target = CAM_TARGET_FEATURE;
            if (vis_method_maps(net, backprop, in.x, in.c, in.h, in.w, maps.classes, maps.n, &raw, &fm, &head, svm) !=
                CAM_OK) {
                rc = vis_fail(cmd, "%s: raw maps failed%s", images[i], NULL);
            } else {
                size_t per = (size_t)fm.n * fm.width * fm.height;
                if (i == 0) {
                    save_dims[0] = n_images, save_dims[1] = fm.n, save_dims[2] = fm.height, save_dims[3] = fm.width;
                    saved = (float *)malloc(sizeof(float) * per * n_images);
                }
                if (!saved || save_dims[1] != fm.n || save_dims[2] != fm.height || save_dims[3] != fm.width)
                    rc = vis_fail(cmd, "--save-maps: maps of %s differ in size from the first image's", images[i],
                                  NULL);
                else
                    memcpy(saved + per * i, fm.data, sizeof(float) * per);
            }
            cam_maps_free(&fm);
        }
        free(prob);
        free(boxes);
        free(scratch);
        cam_maps_free(&maps);
        vis_input_free(&in);
        vis_progress(cmd, i + 1, n_images, tty && !json);
    }
    if (json && !rc)
        printf("\n]\n");
    if (!rc && save && saved) {
        cam_tensor t;
        cam_error err;
        memset(&t, 0, sizeof t);
        t.dtype = CAM_FLOAT32;
        if (n_images == 1) {
            t.ndim = 3;
            t.dims[0] = save_dims[1], t.dims[1] = save_dims[2], t.dims[2] = save_dims[3];
        } else {
            t.ndim = 4;
            memcpy(t.dims, save_dims, sizeof save_dims);
        }
        t.data = saved;
        if (cam_npy_save(save, &t, &err) != CAM_OK)
            rc = vis_fail(cmd, "%s%s", err.message, NULL);
    }
    free(saved);
    if (svm)
        vis_svm_free(svm);
    cam_net_free(net);
    free(images);
    return rc;
}

/* ---- cam features ----------------------------------------------------- */
static const char features_help[] =
    "usage: cam features MODEL IMAGES_OR_LIST... --out FILE [--format libsvm|csv|npy] [--labels]\n"
    "GAP (or GMP) of the CAM feature tensor for each image: N x K, for linear SVMs\n"
    "(the paper's generic localization).\n"
    "IMAGES_OR_LIST: image files, or list files (*.txt, *.list, *.lst) with one image per\n"
    "line, optionally followed by an integer label: `path label`; relative paths are\n"
    "relative to the list's folder; blank lines and lines starting with # are skipped.\n"
    "  --out FILE         output file (- for stdout with libsvm / csv)\n"
    "  --format F         libsvm (default: `label 1:v1 2:v2 ...`, 1-based, zeros left out),\n"
    "                     csv (one row per image), npy (N x K float32)\n"
    "  --labels           write labels (libsvm: first field, 0 when absent; csv: first\n"
    "                     column; npy: FILE with .labels.npy in place of .npy, int64)\n"
    "  --pool avg|max     GAP (default) or GMP\n"
    "  --batch N          images per forward pass (default 8)\n";

typedef struct vis_item {
    char *path;
    long label;
    int has_label;
} vis_item;

static int vis_add_list(const char *cmd, const char *list, vis_item **items, int *n, int *cap)
{
    FILE *f = fopen(list, "r");
    char line[4096], dir[4096];
    const char *slash = strrchr(list, '/');
    int lineno = 0;
    if (!f)
        return vis_fail(cmd, "%s: cannot open: %s", list, strerror(errno));
    if (slash && (size_t)(slash - list) < sizeof dir - 1) {
        memcpy(dir, list, (size_t)(slash - list + 1));
        dir[slash - list + 1] = 0;
    } else {
        dir[0] = 0;
    }
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end, *sp;
        size_t len;
        lineno++;
        len = strlen(p);
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
            p[--len] = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        if (*n == *cap) {
            vis_item *g;
            *cap = *cap ? *cap * 2 : 64;
            g = (vis_item *)realloc(*items, sizeof **items * (size_t)*cap);
            if (!g) {
                fclose(f);
                return vis_fail(cmd, "out of memory%s%s", NULL, NULL);
            }
            *items = g;
        }
        memset(&(*items)[*n], 0, sizeof **items);
        sp = strrchr(p, ' ');
        if (!sp)
            sp = strrchr(p, '\t');
        if (sp) {
            long v = strtol(sp + 1, &end, 10);
            if (end != sp + 1 && !*end) {
                (*items)[*n].label = v;
                (*items)[*n].has_label = 1;
                *sp = 0;
                while (sp > p && (sp[-1] == ' ' || sp[-1] == '\t'))
                    *--sp = 0;
            }
        }
        len = strlen(dir) + strlen(p) + 1;
        (*items)[*n].path = (char *)malloc(len);
        if (!(*items)[*n].path) {
            fclose(f);
            return vis_fail(cmd, "out of memory%s%s", NULL, NULL);
        }
        snprintf((*items)[*n].path, len, "%s%s", p[0] == '/' ? "" : dir, p);
        (*n)++;
    }
    fclose(f);
    return 0;
}

int cam_cmd_features(int argc, char **argv)
{
    const char *cmd = "features", *model = NULL, *out = NULL, *format = "libsvm";
    vis_model_opts mo;
    cam_preprocess pp;
    cam_net *net = NULL;
    vis_item *items = NULL;
    int n = 0, cap = 0, i, j, labels = 0, batch = 8, pool = 0, rc = 0, tty = isatty(2), k = 0, b0;
    float *x = NULL, *feat = NULL, *all = NULL;
    FILE *f = NULL;
    size_t per;
    memset(&mo, 0, sizeof mo);
    for (i = 1; i < argc && !rc; i++) {
        const char *a = argv[i];
        int m = vis_model_opt(argc, argv, &i, &mo);
        if (m < 0) {
            rc = 2;
            vis_fail(cmd, "bad or missing value for %s%s", a, NULL);
        } else if (m) {
            continue;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s%s", features_help, vis_model_help);
            for (j = 0; j < n; j++)
                free(items[j].path);
            free(items);
            return 0;
        } else if (!strcmp(a, "--labels")) {
            labels = 1;
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            format = argv[++i];
            if (strcmp(format, "libsvm") && strcmp(format, "csv") && strcmp(format, "npy"))
                rc = 2, vis_fail(cmd, "--format must be libsvm, csv or npy, not %s%s", format, NULL);
        } else if (!strcmp(a, "--pool") && i + 1 < argc) {
            i++;
            if (!strcmp(argv[i], "avg"))
                pool = 0;
            else if (!strcmp(argv[i], "max"))
                pool = 1;
            else
                rc = 2, vis_fail(cmd, "--pool must be avg or max%s%s", NULL, NULL);
        } else if (!strcmp(a, "--batch") && i + 1 < argc) {
            if (!vis_parse_int(argv[++i], 1, 1024, &batch))
                rc = 2, vis_fail(cmd, "--batch needs an integer in 1..1024%s%s", NULL, NULL);
        } else if (a[0] == '-' && a[1]) {
            rc = 2, vis_fail(cmd, "unknown option or missing value: %s (try --help)", a, NULL);
        } else if (!model) {
            model = a;
        } else if (vis_ends_with(a, ".txt") || vis_ends_with(a, ".list") || vis_ends_with(a, ".lst")) {
            rc = vis_add_list(cmd, a, &items, &n, &cap);
        } else {
            if (n == cap) {
                vis_item *g;
                cap = cap ? cap * 2 : 64;
                g = (vis_item *)realloc(items, sizeof *items * (size_t)cap);
                if (!g) {
                    rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
                    break;
                }
                items = g;
            }
            memset(&items[n], 0, sizeof *items);
            items[n].path = (char *)malloc(strlen(a) + 1);
            if (items[n].path)
                strcpy(items[n].path, a);
            n++;
        }
    }
    if (!rc && (!model || !out || !n)) {
        fputs(features_help, stderr);
        rc = 2;
    }
    if (!rc && !strcmp(format, "npy") && (!strcmp(out, "-") || !vis_ends_with(out, ".npy")))
        rc = vis_fail(cmd, "--format npy needs --out FILE.npy%s%s", NULL, NULL);
    if (!rc && batch > n)
        batch = n;
    if (!rc && vis_open(cmd, model, &mo, batch, &net, &pp))
        rc = 1;
    if (!rc) {
        /* The batch the net was planned for may differ (fixed-batch models). */
        cam_tensor_info info;
        if (cam_net_input_info(net, 0, &info) == CAM_OK && info.ndim == 4 && info.dims[0] >= 1 &&
            info.dims[0] != batch) {
            int64_t d[4];
            memcpy(d, info.dims, sizeof d);
            d[0] = batch;
            if (cam_net_set_input_shape(net, 0, 4, d) != CAM_OK)
                batch = (int)info.dims[0];
        }
    }
    per = rc ? 0 : cam_preprocess_floats(&pp);
    if (!rc) {
        x = (float *)calloc(per * (size_t)batch, sizeof(float));
        if (!x)
            rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
    }
    if (!rc && strcmp(out, "-")) {
        if (strcmp(format, "npy")) {
            f = fopen(out, "w");
            if (!f)
                rc = vis_fail(cmd, "cannot write %s: %s", out, strerror(errno));
        }
    } else if (!rc) {
        f = stdout;
    }
    for (b0 = 0; !rc && b0 < n; b0 += batch) {
        int nb = n - b0 < batch ? n - b0 : batch, ni = 0, kk = 0;
        for (j = 0; j < nb && !rc; j++) {
            vis_input in;
            if (vis_input_load(cmd, items[b0 + j].path, &pp, 0, &in)) {
                rc = 1;
                break;
            }
            if (in.c != pp.channels || in.h != pp.height || in.w != pp.width)
                rc = vis_fail(cmd, "%s: a batch needs inputs of the model's input size%s", items[b0 + j].path, NULL);
            else
                memcpy(x + per * j, in.x, sizeof(float) * per);
            vis_input_free(&in);
            if (labels && !items[b0 + j].has_label && strcmp(format, "libsvm"))
                rc = vis_fail(cmd, "%s: no label (list lines are `path label`)", items[b0 + j].path, NULL);
        }
        if (rc)
            break;
        if (nb < batch) /* pad the last batch: no re-planning for one short batch */
            memset(x + per * nb, 0, sizeof(float) * per * (size_t)(batch - nb));
        if (vis_forward(cmd, net, x, batch, pp.channels, pp.height, pp.width) ||
            cam_net_features(net, pool ? CAM_POOL_MAX : CAM_POOL_AVG, NULL, &ni, &kk) != CAM_OK) {
            if (!rc)
                rc = vis_fail(cmd, "%s: no CAM feature tensor%s", model, NULL);
            break;
        }
        if (!feat) {
            k = kk;
            feat = (float *)malloc(sizeof(float) * (size_t)ni * k);
            if (!strcmp(format, "npy"))
                all = (float *)malloc(sizeof(float) * (size_t)n * k);
            if (!feat || (!strcmp(format, "npy") && !all)) {
                rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
                break;
            }
        }
        cam_net_features(net, pool ? CAM_POOL_MAX : CAM_POOL_AVG, feat, &ni, &kk);
        for (j = 0; j < nb; j++) {
            const float *v = feat + (size_t)j * k;
            int c;
            if (all) {
                memcpy(all + (size_t)(b0 + j) * k, v, sizeof(float) * k);
            } else if (!strcmp(format, "libsvm")) {
                fprintf(f, "%ld", labels && items[b0 + j].has_label ? items[b0 + j].label : 0L);
                for (c = 0; c < k; c++)
                    if (v[c] != 0.0f)
                        fprintf(f, " %d:%.9g", c + 1, v[c]);
                fputc('\n', f);
            } else {
                if (labels)
                    fprintf(f, "%ld,", items[b0 + j].label);
                for (c = 0; c < k; c++)
                    fprintf(f, c ? ",%.9g" : "%.9g", v[c]);
                fputc('\n', f);
            }
        }
        vis_progress(cmd, b0 + nb, n, tty);
    }
    if (!rc && all) {
        cam_tensor t;
        cam_error err;
        memset(&t, 0, sizeof t);
        t.dtype = CAM_FLOAT32;
        t.ndim = 2;
        t.dims[0] = n, t.dims[1] = k;
        t.data = all;
        if (cam_npy_save(out, &t, &err) != CAM_OK)
            rc = vis_fail(cmd, "%s%s", err.message, NULL);
        if (!rc && labels) {
            int64_t *lab = (int64_t *)malloc(sizeof(int64_t) * n);
            size_t len = strlen(out);
            char *lp = (char *)malloc(len + 16);
            if (!lab || !lp) {
                rc = vis_fail(cmd, "out of memory%s%s", NULL, NULL);
            } else {
                for (j = 0; j < n; j++)
                    lab[j] = items[j].label;
                memcpy(lp, out, len - 4);
                strcpy(lp + len - 4, ".labels.npy");
                t.dtype = CAM_INT64;
                t.ndim = 1;
                t.dims[0] = n;
                t.data = lab;
                if (cam_npy_save(lp, &t, &err) != CAM_OK)
                    rc = vis_fail(cmd, "%s%s", err.message, NULL);
            }
            free(lab);
            free(lp);
        }
    }
    if (f && f != stdout && fclose(f) != 0 && !rc)
        rc = vis_fail(cmd, "cannot write %s%s", out, NULL);
    free(x);
    free(feat);
    free(all);
    cam_net_free(net);
    for (j = 0; j < n; j++)
        free(items[j].path);
    free(items);
    return rc;
}
