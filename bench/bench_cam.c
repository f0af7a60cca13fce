/* bench_cam - what CAM costs on top of the forward pass.

   usage: bench_cam MODEL.onnx THREADS [--runs N] [--input FILE.f32] [--api boxes|into|alloc]

   Times, each as the median of N runs after one warm-up:
     forward     cam_net_forward on one 1x3xHxW image
     maps_all    the maps of every class at feature resolution (the one
                 C x K by K x hw product of the method)
     boxes_top5  the maps of the 5 best classes resized to the input, and the
                 box of each (the paper's rule)
   as a program looping over many images calls them (--api):
     boxes (default)  maps_all: cam_net_maps_into() into a buffer it keeps;
                      boxes_top5: cam_net_map_boxes() (the maps are not kept)
     into             boxes_top5: cam_net_maps_into() keeps the 5 maps, then
                      cam_net_boxes() over the net's threads
     alloc            cam_net_maps() (allocates and frees the maps each time)
                      and cam_map_boxes() map after map on the caller's thread
                      (the calls before cam_net_maps_into existed)
   Prints one line of key=value fields, overhead_pct = (maps_all + boxes_top5)
   / forward. The input is the anchors' shared input when given, else a fixed
   pattern: CAM's cost does not depend on the values. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cam.h"

#define BENCH_MAX_RUNS 1000

static double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double bench_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static int bench_fail(const char *what, cam_result r, const cam_net *net)
{
    fprintf(stderr, "bench_cam: error: %s: %s%s%s\n", what, cam_result_str(r), net ? ": " : "",
            net ? cam_net_last_error(net) : "");
    return 1;
}

int main(int argc, char **argv)
{
    const char *model, *input_path = NULL;
    int threads, runs = 20, i, r, n_classes, *all = NULL, status = 1, alloc = 0, keep = 0, fw = 0, fh = 0;
    const char *api = "boxes";
    int cls_all_buf_n = 0, cls5[5], counts[5];
    float *all_maps = NULL, *top_maps = NULL, *all_scores = NULL, scores5[5];
    int *all_classes = NULL;
    cam_box boxes5[5];
    cam_map_desc md_all, md_top;
    cam_net_desc desc;
    cam_net *net = NULL;
    cam_error err;
    cam_tensor_info info;
    cam_tensor in;
    cam_head head;
    cam_result res;
    float *x = NULL;
    size_t count;
    double t_fwd[BENCH_MAX_RUNS], t_all[BENCH_MAX_RUNS], t_box[BENCH_MAX_RUNS];
    void *scratch = NULL;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_cam MODEL.onnx THREADS [--runs N] [--input FILE.f32] [--api boxes|into|alloc]\n");
        return 2;
    }
    model = argv[1];
    threads = atoi(argv[2]);
    for (i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--input"))
            input_path = argv[i + 1];
        else if (!strcmp(argv[i], "--api"))
            api = argv[i + 1];
    }
    alloc = !strcmp(api, "alloc");
    keep = !strcmp(api, "into");
    if (!alloc && !keep && strcmp(api, "boxes")) {
        fprintf(stderr, "bench_cam: error: --api is boxes, into or alloc\n");
        return 2;
    }
    if (runs < 1 || runs > BENCH_MAX_RUNS || threads < 1) {
        fprintf(stderr, "bench_cam: error: runs must be 1..%d and threads >= 1\n", BENCH_MAX_RUNS);
        return 2;
    }

    memset(&desc, 0, sizeof desc);
    desc.threads = threads;
    if ((res = cam_net_load(model, &desc, &net, &err)) != CAM_OK) {
        fprintf(stderr, "bench_cam: error: %s: %s\n", model, err.message);
        return 1;
    }
    if ((res = cam_net_head(net, &head)) != CAM_OK) {
        bench_fail("no CAM head", res, net);
        goto done;
    }
    if ((res = cam_net_input_info(net, 0, &info)) != CAM_OK || info.ndim != 4) {
        bench_fail("input 0 is not N x C x H x W", res, net);
        goto done;
    }
    in.dtype = CAM_FLOAT32;
    in.ndim = 4;
    in.dims[0] = 1;
    for (i = 1; i < 4; i++)
        in.dims[i] = info.dims[i];
    count = (size_t)cam_tensor_count(&in);
    x = (float *)malloc(count * sizeof *x);
    all = (int *)malloc((size_t)head.n_classes * sizeof *all);
    scratch = malloc(cam_map_boxes_scratch_size((int)in.dims[3], (int)in.dims[2]));
    if (!x || !all || !scratch) {
        fprintf(stderr, "bench_cam: error: out of memory\n");
        goto done;
    }
    {
        FILE *f = input_path ? fopen(input_path, "rb") : NULL;
        if (!f || fread(x, sizeof *x, count, f) != count)
            for (i = 0; i < (int)count; i++)
                x[i] = (float)((i * 7919) % 2000) / 1000.0f - 1.0f;
        if (f)
            fclose(f);
    }
    in.data = x;
    n_classes = head.n_classes;
    for (i = 0; i < n_classes; i++)
        all[i] = i;
    /* buffers for cam_net_maps_into, sized after one forward */
    if ((res = cam_net_forward(net, &in, 1)) != CAM_OK) {
        bench_fail("forward", res, net);
        goto done;
    }
    memset(&md_all, 0, sizeof md_all);
    md_all.target = CAM_TARGET_FEATURE;
    memset(&md_top, 0, sizeof md_top);
    md_top.target = CAM_TARGET_INPUT;
    if ((res = cam_net_maps_size(net, &md_all, &fw, &fh)) != CAM_OK) {
        bench_fail("map size", res, net);
        goto done;
    }
    cls_all_buf_n = n_classes;
    all_maps = (float *)malloc(sizeof(float) * (size_t)n_classes * fw * fh);
    all_classes = (int *)malloc(sizeof(int) * (size_t)n_classes);
    all_scores = (float *)malloc(sizeof(float) * (size_t)n_classes);
    top_maps = (float *)malloc(sizeof(float) * 5 * (size_t)in.dims[2] * in.dims[3]);
    if (!all_maps || !all_classes || !all_scores || !top_maps) {
        fprintf(stderr, "bench_cam: error: out of memory\n");
        goto done;
    }

    for (r = -1; r < runs; r++) { /* run -1 is the warm-up */
        cam_maps maps;
        double t0 = bench_now_ms(), t1, t2, t3;
        int m;
        if ((res = cam_net_forward(net, &in, 1)) != CAM_OK) {
            bench_fail("forward", res, net);
            goto done;
        }
        t1 = bench_now_ms();
        if (alloc) {
            memset(&maps, 0, sizeof maps);
            res = cam_net_maps(net, 0, all, n_classes, &md_all, &maps);
            cam_maps_free(&maps);
        } else {
            maps.data = all_maps;
            maps.classes = all_classes;
            maps.scores = all_scores;
            res = cam_net_maps_into(net, 0, all, n_classes, &md_all, &maps, (size_t)cls_all_buf_n * fw * fh);
        }
        if (res != CAM_OK) {
            bench_fail("maps for all classes", res, net);
            goto done;
        }
        t2 = bench_now_ms();
        if (alloc) {
            memset(&maps, 0, sizeof maps);
            res = cam_net_maps(net, 0, NULL, 5, &md_top, &maps);
            for (m = 0; res == CAM_OK && m < maps.n; m++) {
                int nb = cam_map_boxes(maps.data + (size_t)m * maps.width * maps.height, maps.width,
                                       maps.height, NULL, &boxes5[m], 1, scratch);
                if (nb < 0)
                    res = (cam_result)nb;
            }
            cam_maps_free(&maps);
        } else if (!keep) {
            res = cam_net_map_boxes(net, 0, NULL, 5, &md_top, NULL, cls5, boxes5, 1, counts);
        } else {
            maps.data = top_maps;
            maps.classes = cls5;
            maps.scores = scores5;
            res = cam_net_maps_into(net, 0, NULL, 5, &md_top, &maps, 5 * (size_t)in.dims[2] * in.dims[3]);
            if (res == CAM_OK)
                res = cam_net_boxes(net, &maps, NULL, boxes5, 1, counts);
        }
        if (res != CAM_OK) {
            bench_fail("top-5 maps and boxes", res, net);
            goto done;
        }
        t3 = bench_now_ms();
        if (r >= 0) {
            t_fwd[r] = t1 - t0;
            t_all[r] = t2 - t1;
            t_box[r] = t3 - t2;
        }
    }
    {
        const char *slash = strrchr(model, '/');
        char name[256];
        double f = bench_median(t_fwd, runs), a = bench_median(t_all, runs), b = bench_median(t_box, runs);
        snprintf(name, sizeof name, "%s", slash ? slash + 1 : model);
        if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".onnx"))
            name[strlen(name) - 5] = '\0';
        printf("test=cam_overhead model=%s threads=%d runs=%d classes=%d forward_ms=%.3f "
               "maps_all_ms=%.3f boxes_top5_ms=%.3f overhead_pct=%.2f api=%s simd=%s\n",
               name, threads, runs, n_classes, f, a, b, 100.0 * (a + b) / f, api,
               cam_simd_name());
    }
    status = 0;
done:
    free(scratch);
    free(all_maps);
    free(all_classes);
    free(all_scores);
    free(top_maps);
    free(all);
    free(x);
    cam_net_free(net);
    return status;
}
