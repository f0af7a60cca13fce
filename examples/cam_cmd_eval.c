/* cam eval: classification and localization metrics of a model's CAMs on a
   localization dataset (CSV: image,label,x0,y0,x1,y1). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "cam.h"
#include "cam_cli.h"

static const char cam_eval_usage[] =
    "usage: cam eval MODEL.onnx DATASET.csv [options]\n"
    "\n"
    "Runs MODEL on every image of DATASET (CSV header image,label,x0,y0,x1,y1;\n"
    "image paths relative to the CSV's folder; inclusive integer pixel boxes on\n"
    "the original image; several rows per image allowed; label: class index or\n"
    "a name from the model's cam.labels; no quoting, so no commas in paths) and\n"
    "reports:\n"
    "  top1_cls, top5_cls   classification error (label not among the k best)\n"
    "  top1_loc, top5_loc   ILSVRC localization error: no guess among the first k\n"
    "                       has the right class and IoU >= 0.5 with one of its boxes\n"
    "  gt_known_loc         accuracy: the true class's box at --tau has IoU >= 0.5\n"
    "  maxboxacc, best_tau  max over tau of BoxAcc(tau, 0.5), largest component\n"
    "  maxboxacc_v2         mean over IoU 0.3/0.5/0.7 of max BoxAcc, best box over\n"
    "                       all components (wsolevaluation's MaxBoxAccV2)\n"
    "  images_per_s         whole pipeline: decode, preprocess, forward, maps, boxes\n"
    "Rates are fractions in [0,1]. Boxes of a guess come from its class's map.\n"
    "\n"
    "options:\n"
    "  --method M           how maps are made:\n"
    "                       cam (default): class activation maps (Zhou et al.)\n"
    "                       backprop: |dS_c/dx| (Simonyan et al. 2014), max over\n"
    "                       colour channels, at the network input, then resized\n"
    "                       and boxed exactly like a CAM (S_c: class logit)\n"
    "                       center: a baseline that ignores the image: every\n"
    "                       class's map is exp(-(dx^2/(2 sx^2) + dy^2/(2 sy^2)))\n"
    "                       around the image centre, sx = 0.2 * width, sy = 0.2 *\n"
    "                       height; at tau 0.2 its box is the centred box of\n"
    "                       0.72 x the width and height (52% of the area), and\n"
    "                       the MaxBoxAcc sweep tries every centred box size\n"
    "                       (classification still by the network)\n"
    "  --smooth S           backprop only: Gaussian blur with sigma S input\n"
    "                       pixels on the saliency maps before boxing (0: none)\n"
    "  --per-image FILE     also write one CSV row per image: image,label,top1,\n"
    "                       cls1,cls5,loc1,loc5,gt_known,maxbox,v2_30,v2_50,v2_70,\n"
    "                       x0,y0,x1,y1,components (label, top1: class indices;\n"
    "                       then 1/0 outcomes, 1 = correct, maxbox and v2_* at the\n"
    "                       summary's best taus, so each column's mean is the\n"
    "                       summary's rate (or 1 - error); then the true class's\n"
    "                       box at --tau and its map's number of components)\n"
    "  --convention C       paper (default): map bilinear onto the original image,\n"
    "                       raw values, keep >= tau * max, largest component by\n"
    "                       pixels, boxes against the CSV's boxes.\n"
    "                       wsol (wsolevaluation): map bicubic to the network\n"
    "                       input, min-max normalised, uint8, keep > int(tau*255),\n"
    "                       largest contour; ground truth scaled to the input as\n"
    "                       int(x * input_w / image_w)\n"
    "  --svm FILE           liblinear model on the GAP features (e.g. from\n"
    "                       `cam features` + liblinear-train): its weights replace\n"
    "                       the classifier for scores and CAMs (paper section 4);\n"
    "                       labels must be the SVM's integer labels\n"
    "  --ilsvrc-boxes       guesses by the paper's ILSVRC heuristic instead of one\n"
    "                       box per top-5 class: tight (0.5 of max) and loose (0.2)\n"
    "                       boxes of the top-1 and top-2 classes, a loose one of the\n"
    "                       top-3 class (paper convention only); top1_loc then\n"
    "                       scores the first guess, the top-1 class's tight box\n"
    "  --tau T              box threshold for guesses and gt_known_loc (0.2)\n"
    "  --thresholds N       taus of the MaxBoxAcc sweep: i/N, i < N (100)\n"
    "  --connectivity 4|8   components (8; wsol needs 8)\n"
    "  --limit N            first N images only\n"
    "  --threads N          forward-pass threads (0: all cores)\n"
    "  --json               one JSON object with images, top1_cls, top5_cls,\n"
    "                       top1_loc, top5_loc, gt_known_loc, maxboxacc,\n"
    "                       maxboxacc_v2, best_tau, images_per_s\n"
    "  --quiet              no progress on stderr\n";

#define CAM_EVAL_TOPK 5
enum { EVAL_CAM, EVAL_BACKPROP, EVAL_CENTER };
/* sigma of the centre baseline's Gaussian, as a fraction of the image side */
#define EVAL_CENTER_SIGMA 0.2

typedef struct eval_row {
    char *image;
    int label;
    cam_box box;
    int line, order;
} eval_row;

typedef struct eval_group {
    int first, n; /* rows[first .. first+n) after sorting, all one image */
    int order;    /* first appearance in the file */
} eval_group;

static int eval_fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cam eval: error: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    return 1;
}

static double eval_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *eval_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = (char *)malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = 0;
            *size = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static int eval_parse_int(const char *s, int *out)
{
    char *e;
    long v = strtol(s, &e, 10);
    while (*e == ' ' || *e == '\t') e++;
    if (e == s || *e || v < -2147483647L || v > 2147483647L) return 0;
    *out = (int)v;
    return 1;
}

static int eval_cmp_rows(const void *a, const void *b)
{
    const eval_row *x = (const eval_row *)a, *y = (const eval_row *)b;
    int c = strcmp(x->image, y->image);
    return c ? c : x->order - y->order;
}

static int eval_cmp_groups(const void *a, const void *b)
{
    return ((const eval_group *)a)->order - ((const eval_group *)b)->order;
}

/* Class index of a CSV label: an integer (an SVM label with --svm), else a
   name from cam.labels. -1 when unknown. */
static int eval_label(const char *text, cam_net *net, int n_classes, const cam_svm *svm)
{
    int v, c;
    char buf[256];
    if (eval_parse_int(text, &v)) {
        if (!svm) return v >= 0 && v < n_classes ? v : -1;
        for (c = 0; c < svm->n_classes; c++)
            if (svm->labels[c] == v) return c;
        return -1;
    }
    if (svm) return -1;
    for (c = 0; c < n_classes; c++)
        if (cam_net_label(net, c, buf, sizeof buf) && !strcmp(buf, text)) return c;
    return -1;
}

static void eval_free_rows(eval_row *rows, int n)
{
    int i;
    for (i = 0; i < n; i++) free(rows[i].image);
    free(rows);
}

/* Reads the CSV into rows; returns 0 and prints the error on failure. */
static int eval_read_csv(const char *path, cam_net *net, int n_classes, const cam_svm *svm, eval_row **rows_out,
                         int *n_out)
{
    size_t size = 0;
    char *text = eval_read_file(path, &size), *p, *line;
    eval_row *rows = NULL;
    int n = 0, cap = 0, lineno = 0;
    char where[64];
    if (!text) return !eval_fail("cannot read dataset %s", path, "");
    p = text;
    while (p && *p) {
        char *f[7], *nl = strchr(p, '\n'), *q;
        int nf = 0, ok = 1;
        line = p;
        p = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        lineno++;
        if (nl && nl > line && nl[-1] == '\r') nl[-1] = 0;
        if (lineno == 1) {
            if (!strncmp(line, "\xef\xbb\xbf", 3)) line += 3; /* UTF-8 BOM */
            if (strcmp(line, "image,label,x0,y0,x1,y1")) {
                eval_fail("%s:1: header must be image,label,x0,y0,x1,y1, got '%.60s'", path, line);
                free(text);
                return 0;
            }
            continue;
        }
        if (!*line) continue;
        for (q = line, f[nf++] = q; *q && nf <= 6; q++)
            if (*q == ',') {
                *q = 0;
                f[nf++] = q + 1;
            }
        snprintf(where, sizeof where, "%d", lineno);
        if (nf != 6) ok = 0;
        if (n == cap) {
            eval_row *nr = (eval_row *)realloc(rows, sizeof(eval_row) * (size_t)(cap ? cap * 2 : 256));
            if (!nr) {
                free(text);
                eval_free_rows(rows, n);
                return !eval_fail("%s: out of memory%s", path, "");
            }
            rows = nr;
            cap = cap ? cap * 2 : 256;
        }
        if (ok) {
            eval_row *r = &rows[n];
            memset(r, 0, sizeof *r);
            if (!*f[0] || !eval_parse_int(f[2], &r->box.x0) || !eval_parse_int(f[3], &r->box.y0) ||
                !eval_parse_int(f[4], &r->box.x1) || !eval_parse_int(f[5], &r->box.y1) || r->box.x0 < 0 ||
                r->box.y0 < 0 || r->box.x1 < r->box.x0 || r->box.y1 < r->box.y0) {
                fprintf(stderr, "cam eval: error: %s:%s: bad row (want image,label,x0,y0,x1,y1 with 0 <= x0 <= x1, 0 <= y0 <= y1)\n",
                        path, where);
                free(text);
                eval_free_rows(rows, n);
                return 0;
            }
            r->label = eval_label(f[1], net, n_classes, svm);
            if (r->label < 0) {
                fprintf(stderr, "cam eval: error: %s:%s: unknown label '%s'%s\n", path, where, f[1],
                        svm ? " (not one of the SVM's labels)" : "");
                free(text);
                eval_free_rows(rows, n);
                return 0;
            }
            r->image = (char *)malloc(strlen(f[0]) + 1);
            if (!r->image) {
                free(text);
                eval_free_rows(rows, n);
                return !eval_fail("%s: out of memory%s", path, "");
            }
            strcpy(r->image, f[0]);
            r->line = lineno;
            r->order = n;
            n++;
        } else {
            fprintf(stderr, "cam eval: error: %s:%s: expected 6 comma-separated fields\n", path, where);
            free(text);
            eval_free_rows(rows, n);
            return 0;
        }
    }
    free(text);
    if (n == 0) {
        free(rows);
        return !eval_fail("%s: no rows after the header%s", path, "");
    }
    *rows_out = rows;
    *n_out = n;
    return 1;
}

/* Gaussian blur of an h x w map in place (separable, edges replicated);
   tmp holds w * h floats. Returns 0 when out of memory. */
static int eval_blur(float *m, int w, int h, double sigma, float *tmp)
{
    int r = (int)(3 * sigma + 0.999), x, y, k;
    float *ker = (float *)malloc(sizeof(float) * (size_t)(2 * r + 1));
    double sum = 0;
    if (!ker) return 0;
    for (k = -r; k <= r; k++) sum += ker[k + r] = (float)exp(-0.5 * k * k / (sigma * sigma));
    for (k = 0; k <= 2 * r; k++) ker[k] = (float)(ker[k] / sum);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            double acc = 0;
            for (k = -r; k <= r; k++) {
                int xx = x + k < 0 ? 0 : x + k >= w ? w - 1 : x + k;
                acc += ker[k + r] * m[(size_t)y * w + xx];
            }
            tmp[(size_t)y * w + x] = (float)acc;
        }
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            double acc = 0;
            for (k = -r; k <= r; k++) {
                int yy = y + k < 0 ? 0 : y + k >= h ? h - 1 : y + k;
                acc += ker[k + r] * tmp[(size_t)yy * w + x];
            }
            m[(size_t)y * w + x] = (float)acc;
        }
    free(ker);
    return 1;
}

/* The centre baseline's map (see --method center in the usage). */
static void eval_center_map(float *m, int w, int h)
{
    double cx = 0.5 * (w - 1), cy = 0.5 * (h - 1), sx = EVAL_CENTER_SIGMA * w, sy = EVAL_CENTER_SIGMA * h;
    int x, y;
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
            m[(size_t)y * w + x] =
                (float)exp(-0.5 * ((x - cx) * (x - cx) / (sx * sx) + (y - cy) * (y - cy) / (sy * sy)));
}

typedef struct eval_opts {
    const char *model, *csv, *svm_path, *per_image;
    cam_convention conv;
    double tau, smooth;
    int method; /* EVAL_CAM, EVAL_BACKPROP, EVAL_CENTER */
    int n_thr, conn, limit, threads, json, quiet, ilsvrc;
} eval_opts;

static int eval_parse_args(int argc, char **argv, eval_opts *o)
{
    int i, npos = 0;
    memset(o, 0, sizeof *o);
    o->tau = 0.2;
    o->n_thr = 100;
    o->conn = 8;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *e;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cam_eval_usage, stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--ilsvrc-boxes")) {
            o->ilsvrc = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            if (!v) return -eval_fail("option %s needs a value (try cam eval --help)", a, "");
            i++;
            if (!strcmp(a, "--method")) {
                if (!strcmp(v, "cam")) o->method = EVAL_CAM;
                else if (!strcmp(v, "backprop")) o->method = EVAL_BACKPROP;
                else if (!strcmp(v, "center")) o->method = EVAL_CENTER;
                else return -eval_fail("unsupported method '%s' (cam, backprop or center)", v, "");
            } else if (!strcmp(a, "--smooth")) {
                o->smooth = strtod(v, &e);
                if (e == v || *e || !(o->smooth >= 0 && o->smooth <= 100))
                    return -eval_fail("bad --smooth '%s' (0 <= S <= 100)", v, "");
            } else if (!strcmp(a, "--per-image")) {
                o->per_image = v;
            } else if (!strcmp(a, "--convention")) {
                if (cam_convention_parse(v, &o->conv) != CAM_OK)
                    return -eval_fail("unknown convention '%s' (paper or wsol)", v, "");
            } else if (!strcmp(a, "--svm")) {
                o->svm_path = v;
            } else if (!strcmp(a, "--tau")) {
                o->tau = strtod(v, &e);
                if (e == v || *e || !(o->tau > 0 && o->tau < 1)) return -eval_fail("bad --tau '%s' (0 < T < 1)", v, "");
            } else if (!strcmp(a, "--thresholds")) {
                if (!eval_parse_int(v, &o->n_thr) || o->n_thr < 1 || o->n_thr > 100000)
                    return -eval_fail("bad --thresholds '%s' (1..100000)", v, "");
            } else if (!strcmp(a, "--connectivity")) {
                if (!eval_parse_int(v, &o->conn) || (o->conn != 4 && o->conn != 8))
                    return -eval_fail("bad --connectivity '%s' (4 or 8)", v, "");
            } else if (!strcmp(a, "--limit")) {
                if (!eval_parse_int(v, &o->limit) || o->limit < 1) return -eval_fail("bad --limit '%s'", v, "");
            } else if (!strcmp(a, "--threads")) {
                if (!eval_parse_int(v, &o->threads) || o->threads < 0 || o->threads > 1024)
                    return -eval_fail("bad --threads '%s'", v, "");
            } else
                return -eval_fail("unknown option %s (try cam eval --help)", a, "");
        } else {
            if (npos == 0) o->model = a;
            else if (npos == 1) o->csv = a;
            else return -eval_fail("unexpected argument '%s' (try cam eval --help)", a, "");
            npos++;
        }
    }
    if (npos != 2) return -eval_fail("need MODEL and DATASET.csv (try cam eval --help)%s", "", "");
    if (o->conv == CAM_CONVENTION_WSOL && o->conn != 8) return -eval_fail("wsol needs --connectivity 8%s", "", "");
    if (o->conv == CAM_CONVENTION_WSOL && o->ilsvrc)
        return -eval_fail("--ilsvrc-boxes needs the paper convention%s", "", "");
    if (o->method == EVAL_BACKPROP && o->svm_path)
        return -eval_fail("--method backprop does not combine with --svm%s", "", "");
    if (o->smooth > 0 && o->method != EVAL_BACKPROP) return -eval_fail("--smooth needs --method backprop%s", "", "");
    return 1;
}

int cam_cmd_eval(int argc, char **argv)
{
    eval_opts o;
    int pr, rc = 1, n_rows = 0, n_groups = 0, i, g, n_classes, K, fh = 0, fw = 0, in_w, in_h, in_c;
    eval_row *rows = NULL;
    eval_group *groups = NULL;
    cam_net *net = NULL;
    cam_net_desc nd;
    cam_error err;
    cam_head head;
    cam_svm svm;
    cam_preprocess pp;
    cam_eval *ev = NULL;
    cam_eval_desc ed;
    cam_eval_summary s;
    cam_tensor_info info;
    float *x = NULL, *W = NULL, *Wb = NULL, *scores = NULL, *feat = NULL, *fm = NULL, *maps = NULL, *sal = NULL;
    float *tmp = NULL;
    double *pi_iou = NULL; /* per image: best IoU of any box at each tau (MaxBoxAccV2) */
    unsigned char *pi_flags = NULL, *pi_hit = NULL; /* per image: 5 outcomes; largest box hit at each tau */
    int *pi_pred = NULL, *pi_ncomp = NULL;
    cam_box *pi_box = NULL; /* per image: the true class's box at --tau */
    cam_eval *ev1 = NULL;
    cam_sweep *sw = NULL;
    cam_box *sw_boxes = NULL, *gtc = NULL;
    double *sw_best = NULL, *acc1 = NULL;
    cam_box *gt = NULL, guess[CAM_EVAL_TOPK];
    int *gt_lab = NULL, top[CAM_EVAL_TOPK], classes[CAM_EVAL_TOPK + 1], gcls[CAM_EVAL_TOPK];
    char dir[4096], path[8192];
    size_t maps_cap = 0;
    double t0, t1;
    const char *slash;
    memset(&svm, 0, sizeof svm);
    pr = eval_parse_args(argc, argv, &o);
    if (pr <= 0) return pr == 0 ? 0 : 2;

    memset(&nd, 0, sizeof nd);
    nd.threads = o.threads;
    if (cam_net_load(o.model, &nd, &net, &err) != CAM_OK) return eval_fail("%s: %s", o.model, err.message);
    if (cam_net_head(net, &head) != CAM_OK) {
        eval_fail("%s: no CAM head: %s", o.model, cam_net_head_error(net));
        goto done;
    }
    n_classes = head.n_classes;
    K = head.n_channels;
    if (o.svm_path) {
        if (cam_svm_load(o.svm_path, &svm, &err) != CAM_OK) {
            eval_fail("%s: %s", o.svm_path, err.message);
            goto done;
        }
        if (svm.n_features != K) {
            char msg[128];
            snprintf(msg, sizeof msg, "has %d features, the model's CAM layer has %d channels", svm.n_features, K);
            eval_fail("%s: %s", o.svm_path, msg);
            goto done;
        }
        n_classes = svm.n_classes;
        W = (float *)malloc(sizeof(float) * (size_t)n_classes * K);
        Wb = (float *)malloc(sizeof(float) * (size_t)n_classes);
        feat = (float *)malloc(sizeof(float) * (size_t)K);
        if (!W || !Wb || !feat || cam_svm_cam_weights(&svm, W, Wb) != CAM_OK) {
            eval_fail("%s: cannot use its weights%s", o.svm_path, "");
            goto done;
        }
    }
    if (!eval_read_csv(o.csv, net, n_classes, o.svm_path ? &svm : NULL, &rows, &n_rows)) goto done;
    /* group rows by image, in order of first appearance */
    qsort(rows, (size_t)n_rows, sizeof *rows, eval_cmp_rows);
    groups = (eval_group *)malloc(sizeof *groups * (size_t)n_rows);
    gt = (cam_box *)malloc(sizeof *gt * (size_t)n_rows);
    gt_lab = (int *)malloc(sizeof *gt_lab * (size_t)n_rows);
    if (!groups || !gt || !gt_lab) {
        eval_fail("out of memory%s%s", "", "");
        goto done;
    }
    for (i = 0; i < n_rows; i++) {
        if (i == 0 || strcmp(rows[i].image, rows[i - 1].image)) {
            groups[n_groups].first = i;
            groups[n_groups].n = 0;
            groups[n_groups].order = rows[i].order;
            n_groups++;
        }
        groups[n_groups - 1].n++;
    }
    qsort(groups, (size_t)n_groups, sizeof *groups, eval_cmp_groups);
    if (o.limit && o.limit < n_groups) n_groups = o.limit;
    slash = strrchr(o.csv, '/');
    if (slash) snprintf(dir, sizeof dir, "%.*s/", (int)(slash - o.csv), o.csv);
    else dir[0] = 0;

    memset(&pp, 0, sizeof pp);
    memset(&err, 0, sizeof err);
    if (cam_preprocess_from_net(net, &pp, &err) != CAM_OK || cam_net_input_info(net, 0, &info) != CAM_OK ||
        info.ndim != 4) {
        eval_fail("%s: cannot set up preprocessing: %s", o.model, err.message[0] ? err.message : cam_net_last_error(net));
        goto done;
    }
    if (o.conv == CAM_CONVENTION_WSOL && pp.resize == CAM_RESIZE_CROP && !o.quiet)
        fprintf(stderr, "cam eval: warning: the model centre-crops, wsol scales boxes as for a stretched image\n");
    in_c = (int)info.dims[1];
    in_h = (int)info.dims[2];
    in_w = (int)info.dims[3];
    x = (float *)malloc(sizeof(float) * cam_preprocess_floats(&pp));
    scores = (float *)malloc(sizeof(float) * (size_t)n_classes);
    if (!x || !scores) {
        eval_fail("out of memory%s%s", "", "");
        goto done;
    }
    memset(&ed, 0, sizeof ed);
    ed.rule.convention = o.conv;
    ed.rule.connectivity = o.conn;
    ed.n_thresholds = o.n_thr;
    ed.tau = o.tau;
    ed.top_k = CAM_EVAL_TOPK;
    if (cam_eval_create(&ed, &ev) != CAM_OK) {
        eval_fail("cannot set up the evaluation%s%s", "", "");
        goto done;
    }
    if (o.method == EVAL_BACKPROP) {
        sal = (float *)malloc(sizeof(float) * (size_t)in_w * in_h * (CAM_EVAL_TOPK + 1));
        tmp = (float *)malloc(sizeof(float) * (size_t)in_w * in_h);
        if (!sal || !tmp) {
            eval_fail("out of memory%s%s", "", "");
            goto done;
        }
    }
    if (o.per_image) {
        cam_sweep_desc sd;
        memset(&sd, 0, sizeof sd);
        sd.rule = ed.rule;
        sd.n_thresholds = o.n_thr;
        if (cam_sweep_create(&sd, &sw) != CAM_OK) {
            eval_fail("cannot set up the evaluation%s%s", "", "");
            goto done;
        }
        pi_iou = (double *)malloc(sizeof(double) * (size_t)n_groups * o.n_thr);
        pi_hit = (unsigned char *)malloc((size_t)n_groups * o.n_thr);
        pi_flags = (unsigned char *)malloc((size_t)n_groups * 5);
        pi_pred = (int *)malloc(sizeof(int) * (size_t)n_groups);
        pi_ncomp = (int *)malloc(sizeof(int) * (size_t)n_groups);
        pi_box = (cam_box *)malloc(sizeof(cam_box) * (size_t)n_groups);
        sw_boxes = (cam_box *)malloc(sizeof(cam_box) * (size_t)o.n_thr);
        sw_best = (double *)malloc(sizeof(double) * (size_t)o.n_thr);
        acc1 = (double *)malloc(sizeof(double) * (size_t)o.n_thr);
        gtc = (cam_box *)malloc(sizeof(cam_box) * (size_t)n_rows);
        if (!pi_iou || !pi_hit || !pi_flags || !pi_pred || !pi_ncomp || !pi_box || !sw_boxes || !sw_best || !acc1 || !gtc) {
            eval_fail("out of memory%s%s", "", "");
            goto done;
        }
    }

    t0 = eval_now();
    for (g = 0; g < n_groups; g++) {
        const eval_group *gr = &groups[g];
        const eval_row *r0 = &rows[gr->first];
        cam_image img;
        cam_transform tf;
        cam_tensor in, f;
        cam_eval_sample smp;
        int nk, nm, j, mw, mh, label = r0->label, ngt = 0, ng;
        cam_result res;
        snprintf(path, sizeof path, "%s%s", r0->image[0] == '/' ? "" : dir, r0->image);
        if (cam_image_load(path, &img, &err) != CAM_OK) {
            char where[32];
            snprintf(where, sizeof where, "%d", r0->line);
            fprintf(stderr, "cam eval: error: %s:%s: cannot load image %s: %s\n", o.csv, where, path, err.message);
            goto done;
        }
        res = cam_image_preprocess(&img, &pp, x, &tf);
        if (res == CAM_OK) {
            in.dtype = CAM_FLOAT32;
            in.ndim = 4;
            in.dims[0] = 1;
            in.dims[1] = in_c;
            in.dims[2] = in_h;
            in.dims[3] = in_w;
            in.data = x;
            res = cam_net_forward(net, &in, 1);
        }
        if (res == CAM_OK) res = cam_net_tensor(net, head.feature, &f);
        if (res != CAM_OK || f.ndim != 4 || f.dims[1] != K) {
            cam_image_free(&img);
            fprintf(stderr, "cam eval: error: %s: %s\n", path,
                    res != CAM_OK ? cam_net_last_error(net) : "unexpected feature tensor shape");
            goto done;
        }
        fh = (int)f.dims[2];
        fw = (int)f.dims[3];
        /* class scores: the network's logits, or the SVM on GAP features */
        if (o.svm_path) {
            int k, c;
            if ((res = cam_net_features(net, CAM_POOL_AVG, feat, NULL, NULL)) != CAM_OK) {
                cam_image_free(&img);
                eval_fail("%s: GAP features: %s", path, cam_net_last_error(net));
                goto done;
            }
            for (c = 0; c < n_classes; c++) {
                double acc = Wb[c];
                for (k = 0; k < K; k++) acc += (double)W[(size_t)c * K + k] * feat[k];
                scores[c] = (float)acc;
            }
        } else {
            const float *sc;
            int nsc;
            if ((res = cam_net_scores(net, 0, &sc, &nsc)) != CAM_OK || nsc != n_classes) {
                cam_image_free(&img);
                fprintf(stderr, "cam eval: error: %s: no class scores (%s)\n", path, cam_net_last_error(net));
                goto done;
            }
            memcpy(scores, sc, sizeof(float) * (size_t)n_classes);
        }
        nk = cam_scores_topk(scores, n_classes, CAM_EVAL_TOPK, top, NULL);
        for (j = 0; j < nk; j++) classes[j] = top[j];
        classes[nk] = label;
        nm = nk + 1;
        /* maps: paper on the original image (bilinear), wsol on the input (bicubic) */
        mw = o.conv == CAM_CONVENTION_PAPER ? img.width : in_w;
        mh = o.conv == CAM_CONVENTION_PAPER ? img.height : in_h;
        if ((size_t)mw * mh * nm > maps_cap) {
            free(maps);
            maps_cap = (size_t)mw * mh * nm;
            maps = (float *)malloc(sizeof(float) * maps_cap);
        }
        free(fm);
        fm = (float *)malloc(sizeof(float) * (size_t)fh * fw * nm);
        if (!maps || !fm) {
            cam_image_free(&img);
            eval_fail("out of memory%s%s", "", "");
            goto done;
        }
        /* a conv-classifier head (SqueezeNet) has no weights: map c is channel c */
        if (o.method == EVAL_CAM)
            res = cam_map_compute(o.svm_path ? W : (head.conv_classifier ? NULL : head.weights),
                                  o.svm_path ? n_classes : head.n_classes, K, (const float *)f.data, fh * fw, classes,
                                  nm, CAM_RECTIFY_NONE, fm);
        else if (o.method == EVAL_BACKPROP) {
            /* its own forward (kept for the reverse sweep); scores were copied above */
            res = cam_net_saliency_maps(net, &in, 0, classes, nm, sal, NULL);
            for (j = 0; j < nm && res == CAM_OK && o.smooth > 0; j++)
                if (!eval_blur(sal + (size_t)j * in_w * in_h, in_w, in_h, o.smooth, tmp)) res = CAM_ERR_NOMEM;
        } else
            for (j = 0; j < nm; j++) eval_center_map(maps + (size_t)j * mw * mh, mw, mh);
        for (j = 0; j < nm && res == CAM_OK && o.method == EVAL_BACKPROP; j++) {
            float *src = sal + (size_t)j * in_w * in_h, *dst = maps + (size_t)j * mw * mh;
            if (o.conv == CAM_CONVENTION_PAPER) {
                tf.input_width = in_w;
                tf.input_height = in_h;
                res = cam_map_resize_to_image(src, in_w, in_h, &tf, dst, CAM_INTERP_BILINEAR);
            } else
                res = cam_map_resize(src, in_w, in_h, dst, mw, mh, CAM_INTERP_BICUBIC);
        }
        for (j = 0; j < nm && res == CAM_OK && o.method == EVAL_CAM; j++) {
            float *src = fm + (size_t)j * fh * fw, *dst = maps + (size_t)j * mw * mh;
            if (o.conv == CAM_CONVENTION_PAPER) {
                tf.input_width = in_w;
                tf.input_height = in_h;
                res = cam_map_resize_to_image(src, fw, fh, &tf, dst, CAM_INTERP_BILINEAR);
            } else
                res = cam_map_resize(src, fw, fh, dst, mw, mh, CAM_INTERP_BICUBIC);
        }
        /* guesses: the box of each top class's map at tau, or the paper's five */
        ng = nk;
        for (j = 0; j < nk; j++) gcls[j] = top[j];
        if (o.ilsvrc && res == CAM_OK) {
            cam_ilsvrc_desc idsc;
            int rank[5];
            memset(&idsc, 0, sizeof idsc);
            idsc.box.connectivity = o.conn;
            ng = cam_map_boxes_ilsvrc(maps, nk < 3 ? nk : 3, mw, mh, &idsc, guess, rank);
            if (ng < 0) res = (cam_result)ng;
            for (j = 0; j < ng; j++) gcls[j] = top[rank[j]];
        }
        for (j = 0; j < nk && res == CAM_OK && !o.ilsvrc; j++) {
            const float *m = maps + (size_t)j * mw * mh;
            if (o.conv == CAM_CONVENTION_PAPER) {
                cam_box_desc bd;
                int nb;
                memset(&bd, 0, sizeof bd);
                bd.threshold = (float)o.tau;
                bd.connectivity = o.conn;
                nb = cam_map_boxes(m, mw, mh, &bd, &guess[j], 1, NULL);
                if (nb < 0) res = (cam_result)nb;
                else if (nb == 0) {
                    memset(&guess[j], 0, sizeof guess[j]);
                    guess[j].x1 = guess[j].y1 = -1; /* empty */
                }
            } else
                res = cam_map_box_at(m, mh, mw, o.tau, &ed.rule, &guess[j], NULL, NULL, 0);
        }
        /* ground truth, scaled to the input under wsol (wsolevaluation's resize_bbox) */
        for (j = 0; j < gr->n; j++) {
            cam_box b = rows[gr->first + j].box;
            if (o.conv == CAM_CONVENTION_WSOL) {
                b.x0 = (int)(b.x0 * (double)in_w / img.width);
                b.x1 = (int)(b.x1 * (double)in_w / img.width);
                b.y0 = (int)(b.y0 * (double)in_h / img.height);
                b.y1 = (int)(b.y1 * (double)in_h / img.height);
            }
            gt[ngt] = b;
            gt_lab[ngt++] = rows[gr->first + j].label;
        }
        cam_image_free(&img);
        if (res != CAM_OK) {
            fprintf(stderr, "cam eval: error: %s: maps or boxes failed (%s)\n", path, cam_result_str(res));
            goto done;
        }
        memset(&smp, 0, sizeof smp);
        smp.label = label;
        smp.scores = scores;
        smp.n_classes = n_classes;
        smp.gt = gt;
        smp.gt_labels = gt_lab;
        smp.n_gt = ngt;
        smp.guess_classes = gcls;
        smp.guess_boxes = guess;
        smp.n_guesses = ng > 0 ? ng : 0;
        smp.map = maps + (size_t)nk * mw * mh;
        smp.map_h = mh;
        smp.map_w = mw;
        if (cam_eval_add(ev, &smp) != CAM_OK) {
            fprintf(stderr, "cam eval: error: %s: %s\n", path, cam_eval_last_error(ev));
            goto done;
        }
        if (o.per_image) {
            /* this image's outcomes from an accumulator of its own (the same
               code as the summary), its IoUs at every tau from a sweep */
            cam_eval_summary s1;
            int ngc = 0, t;
            unsigned char *fl = pi_flags + (size_t)g * 5;
            if (cam_eval_create(&ed, &ev1) != CAM_OK || cam_eval_add(ev1, &smp) != CAM_OK ||
                cam_eval_summarize(ev1, &s1) != CAM_OK || cam_eval_boxacc(ev1, ed.iou > 0 ? ed.iou : 0.5, acc1, o.n_thr) != CAM_OK) {
                eval_fail("%s: per-image evaluation failed%s", path, "");
                goto done;
            }
            cam_eval_free(ev1);
            ev1 = NULL;
            for (j = 0; j < ngt; j++)
                if (gt_lab[j] == label) gtc[ngc++] = gt[j];
            if (cam_sweep_run(sw, smp.map, mh, mw, gtc, ngc, sw_boxes, sw_best) != CAM_OK) {
                fprintf(stderr, "cam eval: error: %s: %s\n", path, cam_sweep_last_error(sw));
                goto done;
            }
            if (cam_map_box_at(smp.map, mh, mw, o.tau, &ed.rule, &pi_box[g], &pi_ncomp[g], NULL, 0) != CAM_OK) {
                eval_fail("%s: box extraction failed%s", path, "");
                goto done;
            }
            pi_pred[g] = nk > 0 ? top[0] : -1;
            fl[0] = s1.top1_cls_ok > 0;
            fl[1] = s1.topk_cls_ok > 0;
            fl[2] = s1.top1_loc_ok > 0;
            fl[3] = s1.topk_loc_ok > 0;
            fl[4] = s1.gt_known_ok > 0;
            for (t = 0; t < o.n_thr; t++) {
                pi_hit[(size_t)g * o.n_thr + t] = acc1[t] > 0.5;
                pi_iou[(size_t)g * o.n_thr + t] = sw_best[t];
            }
        }
        if (!o.quiet && (g + 1 == n_groups || (g + 1) % (n_groups / 10 > 100 ? n_groups / 10 : 100) == 0))
            fprintf(stderr, "cam eval: %d/%d images, %.1f images/s\n", g + 1, n_groups,
                    (g + 1) / (eval_now() - t0 > 0 ? eval_now() - t0 : 1e-9));
    }
    t1 = eval_now();
    cam_eval_summarize(ev, &s);
    if (o.per_image) {
        /* outcomes at the summary's best taus, so the columns sum to its counts */
        static const double deltas[3] = {0.3, 0.5, 0.7};
        int bi = 0, bv[3] = {0, 0, 0}, t, d;
        FILE *pf = fopen(o.per_image, "w");
        if (!pf) {
            eval_fail("cannot write %s%s", o.per_image, "");
            goto done;
        }
        for (t = 0; t < o.n_thr; t++) {
            if (cam_sweep_tau(sw, t) == s.best_tau) bi = t;
            for (d = 0; d < 3; d++)
                if (cam_sweep_tau(sw, t) == s.best_tau_v2[d]) bv[d] = t;
        }
        fprintf(pf, "image,label,top1,cls1,cls5,loc1,loc5,gt_known,maxbox,v2_30,v2_50,v2_70,x0,y0,x1,y1,components\n");
        for (g = 0; g < n_groups; g++) {
            const unsigned char *fl = pi_flags + (size_t)g * 5;
            const double *io = pi_iou + (size_t)g * o.n_thr;
            const cam_box *b = &pi_box[g];
            fprintf(pf, "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", rows[groups[g].first].image,
                    rows[groups[g].first].label, pi_pred[g], fl[0], fl[1], fl[2], fl[3], fl[4],
                    pi_hit[(size_t)g * o.n_thr + bi], io[bv[0]] >= deltas[0], io[bv[1]] >= deltas[1],
                    io[bv[2]] >= deltas[2], b->x0, b->y0, b->x1, b->y1, pi_ncomp[g]);
        }
        if (fclose(pf) != 0) {
            eval_fail("cannot write %s%s", o.per_image, "");
            goto done;
        }
    }
    {
        double ips = (double)s.images / (t1 - t0 > 0 ? t1 - t0 : 1e-9);
        if (o.json)
            printf("{\"images\": %ld, \"top1_cls\": %.6f, \"top5_cls\": %.6f, \"top1_loc\": %.6f, \"top5_loc\": %.6f, "
                   "\"gt_known_loc\": %.6f, \"maxboxacc\": %.6f, \"maxboxacc_v2\": %.6f, \"best_tau\": %.4f, "
                   "\"images_per_s\": %.2f}\n",
                   (long)s.images, s.top1_cls_err, s.topk_cls_err, s.top1_loc_err, s.topk_loc_err, s.gt_known_loc,
                   s.maxboxacc, s.maxboxacc_v2, s.best_tau, ips);
        else {
            printf("model          %s%s%s\n", o.model, o.svm_path ? " + SVM " : "", o.svm_path ? o.svm_path : "");
            printf("method         %s", o.method == EVAL_CAM ? "cam" : o.method == EVAL_BACKPROP ? "backprop" : "center");
            if (o.smooth > 0) printf(", saliency smoothed with sigma %g px", o.smooth);
            printf("\n");
            printf("dataset        %s (%ld images)\n", o.csv, (long)s.images);
            printf("convention     %s, tau %.2f, %d-connected, %d sweep thresholds%s\n", cam_convention_name(o.conv),
                   o.tau, o.conn, o.n_thr, o.ilsvrc ? ", ILSVRC heuristic guesses" : "");
            printf("top-1 / top-5 classification error   %6.2f%% / %6.2f%%\n", 100 * s.top1_cls_err,
                   100 * s.topk_cls_err);
            printf("top-1 / top-5 localization error     %6.2f%% / %6.2f%%\n", 100 * s.top1_loc_err,
                   100 * s.topk_loc_err);
            printf("GT-known localization accuracy       %6.2f%%\n", 100 * s.gt_known_loc);
            printf("MaxBoxAcc (IoU 0.5)                  %6.2f%% at tau %.2f\n", 100 * s.maxboxacc, s.best_tau);
            printf("MaxBoxAccV2 (IoU 0.3/0.5/0.7)        %6.2f%% (%.2f / %.2f / %.2f)\n", 100 * s.maxboxacc_v2,
                   100 * s.maxboxacc_v2_delta[0], 100 * s.maxboxacc_v2_delta[1], 100 * s.maxboxacc_v2_delta[2]);
            printf("speed                                %.1f images/s (%d threads)\n", ips, cam_net_threads(net));
        }
    }
    rc = 0;
done:
    for (i = 0; i < n_rows; i++) free(rows[i].image);
    free(rows);
    free(groups);
    free(gt);
    free(gt_lab);
    free(x);
    free(W);
    free(Wb);
    free(scores);
    free(feat);
    free(fm);
    free(maps);
    free(sal);
    free(tmp);
    free(pi_iou);
    free(pi_hit);
    free(pi_flags);
    free(pi_pred);
    free(pi_ncomp);
    free(pi_box);
    free(sw_boxes);
    free(sw_best);
    free(acc1);
    free(gtc);
    cam_sweep_free(sw);
    cam_eval_free(ev1);
    cam_eval_free(ev);
    cam_svm_free(&svm);
    cam_net_free(net);
    return rc;
}
