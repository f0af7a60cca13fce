/* Kernel benchmark: GFLOP/s of cam__conv on ResNet/VGG/AlexNet layer shapes at
   1 and 2 threads (share of the per-core FMA peak), GB/s of depthwise, pooling and
   the batch-1 FC GEMV. Each figure is the best of --reps repeats (the machine
   is shared and noisy: min time, not median).

   The share of peak uses the FMA peak measured by this program at start (12
   independent FMA chains, best of 5), unless --peak gives one.

   usage: bench_kernels [--reps N] [--threads T] [--peak GFLOPS] [--only SUBSTR] */
#define _POSIX_C_SOURCE 199309L
/* The implementation brings cam_simd.h and the thread pool with it. */
#define CAM_IMPLEMENTATION
#include "cam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *buf(size_t n, unsigned seed)
{
    float *p = (float *)malloc((n ? n : 1) * sizeof(float));
    size_t i;
    for (i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 9) & 0xffff) / 65536.0f - 0.5f;
    }
    return p;
}

/* Work split as the engine does it: pixel ranges (whole tiles) when the
   input outweighs the weights, channel blocks otherwise. */
typedef struct conv_job {
    const cam__conv_params *p;
    int by_px, n_tasks;
} conv_job;

static void conv_task(void *ctx, int task, int thread)
{
    conv_job *j = (conv_job *)ctx;
    const cam__conv_params *p = j->p;
    (void)thread;
    if (j->by_px) {
        int npx = p->oh * p->ow, tiles = (npx + CAM__CONV_PX_TILE - 1) / CAM__CONV_PX_TILE;
        int t0 = (int)((long)tiles * task / j->n_tasks), t1 = (int)((long)tiles * (task + 1) / j->n_tasks);
        int px0 = t0 * CAM__CONV_PX_TILE, px1 = t1 * CAM__CONV_PX_TILE > npx ? npx : t1 * CAM__CONV_PX_TILE;
        if (px0 < px1) cam__conv(p, 0, p->oc, px0, px1);
    } else {
        int nb = (p->oc + CAM__CONV_OC_BLOCK - 1) / CAM__CONV_OC_BLOCK;
        int b0 = nb * task / j->n_tasks, b1 = nb * (task + 1) / j->n_tasks;
        int oc1 = b1 * CAM__CONV_OC_BLOCK > p->oc ? p->oc : b1 * CAM__CONV_OC_BLOCK;
        if (b0 < b1) cam__conv(p, b0 * CAM__CONV_OC_BLOCK, oc1, 0, p->oh * p->ow);
    }
}

typedef struct gemv_job {
    int n, k, n_tasks;
    const float *a, *b, *bias;
    float *c;
    cam__act_params act;
} gemv_job;

static void gemv_task(void *ctx, int task, int thread)
{
    gemv_job *j = (gemv_job *)ctx;
    int n0 = (int)((long)j->n * task / j->n_tasks), n1 = (int)((long)j->n * (task + 1) / j->n_tasks);
    (void)thread;
    cam__gemm_nt(1, j->n, j->k, j->a, j->k, j->b, j->k, j->bias, j->c, j->n, &j->act, n0, n1);
}

typedef struct dw_job {
    const cam__dwconv_params *dw;
    const cam__pool_params *pool;
    int n_tasks;
} dw_job;

static void dw_task(void *ctx, int task, int thread)
{
    dw_job *j = (dw_job *)ctx;
    int c = j->dw ? j->dw->c : j->pool->c;
    int c0 = c * task / j->n_tasks, c1 = c * (task + 1) / j->n_tasks;
    (void)thread;
    if (j->dw) cam__dwconv(j->dw, c0, c1);
    else cam__pool2d(j->pool, c0, c1);
}

/* FMA peak of this build's vectors, measured in the same minutes as the
   kernels (the machine is shared: its clock and load move): 12 independent
   accumulator chains per thread, as in /work/shared/anchors/peak/fma_peak.c. */
typedef struct peak_job {
    long iters;
    float sink[4];
} peak_job;

/* zmm chains in an AVX-512 build (the conv kernel's vectors), else ymm */
#if defined(CAM__SIMD_AVX512)
#define PK_T __m512
#define PK_SET1 _mm512_set1_ps
#define PK_FMA _mm512_fmadd_ps
#define PK_ADD _mm512_add_ps
#define PK_LANES 16
#define PK_FIRST(v) _mm512_cvtss_f32(v)
#elif defined(CAM__SIMD_AVX2)
#define PK_T __m256
#define PK_SET1 _mm256_set1_ps
#define PK_FMA _mm256_fmadd_ps
#define PK_ADD _mm256_add_ps
#define PK_LANES 8
#define PK_FIRST(v) _mm256_cvtss_f32(v)
#endif

static void peak_task(void *ctx, int task, int thread)
{
#if defined(CAM__SIMD_AVX2)
    peak_job *j = (peak_job *)ctx;
    /* distinct starting values, or the compiler merges identical chains */
    PK_T a0 = PK_SET1(1.000f), a1 = PK_SET1(1.001f), a2 = PK_SET1(1.002f);
    PK_T a3 = PK_SET1(1.003f), a4 = PK_SET1(1.004f), a5 = PK_SET1(1.005f);
    PK_T a6 = PK_SET1(1.006f), a7 = PK_SET1(1.007f), a8 = PK_SET1(1.008f);
    PK_T a9 = PK_SET1(1.009f), a10 = PK_SET1(1.010f), a11 = PK_SET1(1.011f);
    PK_T m = PK_SET1(0.999999f), c = PK_SET1(1e-6f);
    long i;
    (void)thread;
    for (i = 0; i < j->iters; ++i) {
        a0 = PK_FMA(a0, m, c); a1 = PK_FMA(a1, m, c); a2 = PK_FMA(a2, m, c);
        a3 = PK_FMA(a3, m, c); a4 = PK_FMA(a4, m, c); a5 = PK_FMA(a5, m, c);
        a6 = PK_FMA(a6, m, c); a7 = PK_FMA(a7, m, c); a8 = PK_FMA(a8, m, c);
        a9 = PK_FMA(a9, m, c); a10 = PK_FMA(a10, m, c); a11 = PK_FMA(a11, m, c);
    }
    a0 = PK_ADD(PK_ADD(PK_ADD(a0, a1), PK_ADD(a2, a3)),
                       PK_ADD(PK_ADD(a4, a5), PK_ADD(a6, a7)));
    a0 = PK_ADD(a0, PK_ADD(PK_ADD(a8, a9), PK_ADD(a10, a11)));
    j->sink[task & 3] = PK_FIRST(a0);
#else
    (void)ctx, (void)task, (void)thread;
#endif
}

static double measure_peak(cam__threadpool *pool, int threads, int reps)
{
    peak_job j;
    double best = 1e30;
    int r;
    j.iters = 2000000;
    for (r = 0; r < reps; ++r) {
        double t0 = now_s(), dt;
        cam__threadpool_run(pool, peak_task, &j, threads);
        dt = now_s() - t0;
        if (dt < best) best = dt;
    }
#if defined(CAM__SIMD_AVX2)
    return 2.0 * PK_LANES * 12 * (double)j.iters * threads / best * 1e-9;
#else
    (void)threads;
    return 0.0;
#endif
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void empty_task(void *ctx, int task, int thread)
{
    (void)ctx, (void)task, (void)thread;
}

typedef struct conv_shape {
    const char *name;
    int ic, oc, oh, ow, k, s;
} conv_shape;

static const conv_shape shapes[] = {
    {"resnet 3x3 64->64 56x56", 64, 64, 56, 56, 3, 1},
    {"resnet 3x3 128->128 28x28", 128, 128, 28, 28, 3, 1},
    {"resnet 3x3 256->256 14x14", 256, 256, 14, 14, 3, 1},
    {"resnet 3x3 512->512 7x7", 512, 512, 7, 7, 3, 1},
    {"resnet 3x3/s2 64->128 ->28x28", 64, 128, 28, 28, 3, 2},
    {"vgg 3x3 64->64 224x224", 64, 64, 224, 224, 3, 1},
    {"vgg first 3x3 3->64 224x224", 3, 64, 224, 224, 3, 1},
    {"vgg 3x3 128->128 112x112", 128, 128, 112, 112, 3, 1},
    {"vgg 3x3 256->256 56x56", 256, 256, 56, 56, 3, 1},
    {"vgg 3x3 512->512 28x28", 512, 512, 28, 28, 3, 1},
    {"resnet50 1x1 64->256 56x56", 64, 256, 56, 56, 1, 1},
    {"resnet50 1x1 256->64 56x56", 256, 64, 56, 56, 1, 1},
    {"resnet50 1x1 512->128 28x28", 512, 128, 28, 28, 1, 1},
    {"resnet50 1x1 1024->256 14x14", 1024, 256, 14, 14, 1, 1},
    {"resnet50 1x1 2048->512 7x7", 2048, 512, 7, 7, 1, 1},
    {"resnet50 1x1 512->2048 7x7", 512, 2048, 7, 7, 1, 1},
    {"resnet50 1x1 128->512 28x28", 128, 512, 28, 28, 1, 1},
    {"resnet50 1x1 256->1024 14x14", 256, 1024, 14, 14, 1, 1},
    {"googlenet 1x1 192->64 28x28", 192, 64, 28, 28, 1, 1},
    {"googlenet 1x1 192->96 28x28", 192, 96, 28, 28, 1, 1},
    {"mobilenet 1x1 16->96 112x112", 16, 96, 112, 112, 1, 1},
    {"mobilenet 1x1 32->192 28x28", 32, 192, 28, 28, 1, 1},
    {"mobilenet 1x1 144->24 56x56", 144, 24, 56, 56, 1, 1},
    {"mobilenet 1x1 960->160 7x7", 960, 160, 7, 7, 1, 1},
    {"first 7x7/s2 3->64 ->112x112", 3, 64, 112, 112, 7, 2},
    {"first 3x3/s2 3->32 ->112x112", 3, 32, 112, 112, 3, 2},
    {"alexnet 11x11/s4 3->64 ->55x55", 3, 64, 55, 55, 11, 4},
    {"alexnet 5x5 64->192 27x27", 64, 192, 27, 27, 5, 1},
    {"squeezenet 3x3 16->64 55x55", 16, 64, 55, 55, 3, 1},
    {"squeezenet 3x3 32->128 27x27", 32, 128, 27, 27, 3, 1},
    {"squeezenet 3x3 64->256 13x13", 64, 256, 13, 13, 3, 1},
};

/* CPU time of the calling thread: on one thread it leaves out the time the
   OS gave the core to other processes, which wall time cannot on a shared
   machine (a 30 ms layer never runs undisturbed there). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best wall time of reps runs; *cpu (if not NULL) gets the best caller CPU time. */
static double time_run(cam__threadpool *pool, cam__task_fn fn, void *ctx, int n_tasks, int reps, double *cpu)
{
    double best = 1e30, best_cpu = 1e30;
    int r;
    cam__threadpool_run(pool, fn, ctx, n_tasks); /* warm caches and workers */
    for (r = 0; r < reps; ++r) {
        double t0 = now_s(), c0 = cpu_s(), dt, dc;
        cam__threadpool_run(pool, fn, ctx, n_tasks);
        dt = now_s() - t0;
        dc = cpu_s() - c0;
        if (dt < best) best = dt;
        if (dc < best_cpu) best_cpu = dc;
    }
    if (cpu) *cpu = best_cpu;
    return best;
}

int main(int argc, char **argv)
{
    int reps = 5, max_threads = 2, i, th, peak_given = 0;
    double peak = 102.3, peak2 = 0.0;
    const char *only = NULL;
    cam__threadpool *pools[3] = {NULL, NULL, NULL};
    for (i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) max_threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--peak") && i + 1 < argc) peak = atof(argv[++i]), peak_given = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--reps N] [--threads 1|2] [--peak GFLOPS] [--only SUBSTR]\n", argv[0]);
            return 2;
        }
    }
    if (max_threads < 1) max_threads = 1;
    if (max_threads > 2) max_threads = 2;
    for (th = 1; th <= max_threads; ++th)
        if (cam__threadpool_create(&pools[th], th, NULL) != CAM_OK) return 1;

    {
        double m1 = measure_peak(pools[1], 1, 5);
        printf("# FMA peak measured now: %.1f GFLOP/s on 1 thread", m1);
        if (max_threads > 1) {
            peak2 = measure_peak(pools[2], 2, 5);
            printf(", %.1f on 2 (other processes share the cores)", peak2);
        }
        printf("\n");
        if (!peak_given && m1 > 0.0) peak = m1;
        if (peak_given || peak2 <= 0.0) peak2 = 2.0 * peak;
    }
    printf("# cam__conv (%s), best of %d; %% of %.1f GFLOP/s (1T) and %.1f (2T)\n", cam__simd_name(), reps, peak,
           peak2);
    printf("| layer | GFLOP | 1T ms | 1T GFLOP/s | 1T %% peak | 1T cpu ms | 1T %% peak by cpu time |%s\n",
           max_threads > 1 ? " 2T ms | 2T GFLOP/s | 2T % of 2T peak |" : "");
    printf("|---|---|---|---|---|---|---|%s\n", max_threads > 1 ? "---|---|---|" : "");
    for (i = 0; i < (int)(sizeof shapes / sizeof shapes[0]); ++i) {
        const conv_shape *s = &shapes[i];
        cam__conv_params p;
        float *in, *w, *packed, *bias, *out;
        double flop;
        if (only && !strstr(s->name, only)) continue;
        memset(&p, 0, sizeof p);
        p.ic = s->ic, p.oc = s->oc, p.oh = s->oh, p.ow = s->ow;
        p.kh = p.kw = s->k, p.sh = p.sw = s->s, p.dh = p.dw = 1;
        p.ih = (p.oh - 1) * p.sh + p.kh;
        p.iw = (p.ow - 1) * p.sw + p.kw;
        in = buf((size_t)p.ic * p.ih * p.iw, 1);
        w = buf((size_t)p.oc * p.ic * p.kh * p.kw, 2);
        bias = buf((size_t)p.oc, 3);
        packed = (float *)malloc(cam__conv_packed_floats(p.oc, p.ic, p.kh, p.kw) * sizeof(float));
        out = (float *)malloc((size_t)p.oc * p.oh * p.ow * sizeof(float));
        cam__conv_pack(w, p.oc, p.ic, p.kh, p.kw, packed);
        p.in = in, p.w = packed, p.bias = bias, p.out = out;
        p.act.kind = CAM__ACT_RELU;
        flop = 2.0 * p.oc * p.oh * p.ow * (double)p.ic * p.kh * p.kw;
        printf("| %s | %.3f |", s->name, flop * 1e-9);
        for (th = 1; th <= max_threads; ++th) {
            conv_job j;
            double t, tc;
            j.p = &p;
            j.n_tasks = th;
            /* as the engine does: channel blocks when the weights outweigh the input */
            j.by_px = th == 1 || (double)p.ic * p.ih * p.iw >= (double)p.oc * p.ic * p.kh * p.kw;
            t = time_run(pools[th], conv_task, &j, th, reps, &tc);
            printf(" %.3f | %.1f | %.0f%% |", t * 1e3, flop / t * 1e-9, 100.0 * flop / t * 1e-9 / (th == 1 ? peak : peak2));
            if (th == 1) printf(" %.3f | %.0f%% |", tc * 1e3, 100.0 * flop / tc * 1e-9 / peak);
        }
        printf("\n");
        fflush(stdout);
        free(in), free(w), free(bias), free(packed), free(out);
    }

    printf("\n# bandwidth-bound kernels: GB/s = (bytes read once + bytes written) / time\n");
    printf("| kernel | 1T ms | 1T GB/s |%s\n", max_threads > 1 ? " 2T ms | 2T GB/s |" : "");
    printf("|---|---|---|%s\n", max_threads > 1 ? "---|---|" : "");
    {
        static const struct {
            const char *name;
            int c, ih, k, s, pad, is_pool, is_max;
        } bw[] = {
            {"dwconv 3x3/s1 144ch 56x56", 144, 56, 3, 1, 1, 0, 0},
            {"dwconv 3x3/s2 144ch 56x56", 144, 56, 3, 2, 1, 0, 0},
            {"dwconv 3x3/s1 960ch 7x7", 960, 7, 3, 1, 1, 0, 0},
            {"dwconv 5x5/s1 240ch 28x28", 240, 28, 5, 1, 2, 0, 0},
            {"maxpool 3x3/s2 64ch 112x112", 64, 112, 3, 2, 1, 1, 1},
            {"maxpool 2x2/s2 128ch 112x112", 128, 112, 2, 2, 0, 1, 1},
            {"maxpool 3x3/s2 64ch 111x111 (squeezenet, unpadded)", 64, 111, 3, 2, 0, 1, 1},
            {"maxpool 3x3/s1 480ch 28x28", 480, 28, 3, 1, 1, 1, 1},
            {"avgpool 3x3/s1 480ch 28x28", 480, 28, 3, 1, 1, 1, 0},
            {"maxpool 3x3/s1 512ch 14x14", 512, 14, 3, 1, 1, 1, 1},
            {"maxpool 2x2/s2 64ch 224x224 (vgg, direct)", 64, 224, 2, 2, 0, 1, 1},
        };
        int b;
        for (b = 0; b < (int)(sizeof bw / sizeof bw[0]); ++b) {
            cam__dwconv_params d;
            cam__pool_params q;
            int pad = bw[b].pad, oh;
            float *in, *w, *bias, *out;
            double bytes;
            if (only && !strstr(bw[b].name, only)) continue;
            oh = (bw[b].ih + 2 * pad - bw[b].k) / bw[b].s + 1;
            in = buf((size_t)bw[b].c * bw[b].ih * bw[b].ih, 4);
            w = buf((size_t)bw[b].c * bw[b].k * bw[b].k, 5);
            bias = buf((size_t)bw[b].c, 6);
            out = (float *)malloc((size_t)bw[b].c * oh * oh * sizeof(float));
            memset(&d, 0, sizeof d);
            memset(&q, 0, sizeof q);
            d.c = q.c = bw[b].c;
            d.ih = d.iw = q.ih = q.iw = bw[b].ih;
            d.oh = d.ow = q.oh = q.ow = oh;
            d.kh = d.kw = q.kh = q.kw = bw[b].k;
            d.sh = d.sw = q.sh = q.sw = bw[b].s;
            d.dh = d.dw = q.dh = q.dw = 1;
            d.pt = d.pl = d.pb = d.pr = q.pt = q.pl = q.pb = q.pr = pad;
            d.in = q.in = in, d.out = q.out = out, d.w = w, d.bias = bias;
            d.act.kind = CAM__ACT_RELU;
            q.is_max = bw[b].is_max;
            bytes = 4.0 * bw[b].c * ((double)bw[b].ih * bw[b].ih + (double)oh * oh);
            printf("| %s |", bw[b].name);
            for (th = 1; th <= max_threads; ++th) {
                dw_job j;
                double t;
                j.dw = bw[b].is_pool ? NULL : &d;
                j.pool = bw[b].is_pool ? &q : NULL;
                j.n_tasks = th;
                t = time_run(pools[th], dw_task, &j, th, reps * 4, NULL);
                printf(" %.3f | %.1f |", t * 1e3, bytes / t * 1e-9);
            }
            printf("\n");
            free(in), free(w), free(bias), free(out);
        }
    }
    {
        static const struct {
            const char *name;
            int n, k;
        } fc[] = {
            {"gemv fc 1000x512 (resnet18, in cache)", 1000, 512},
            {"gemv fc 1000x4096 (vgg fc8, 16 MB)", 1000, 4096},
            {"gemv fc 4096x4096 (vgg fc7, 67 MB)", 4096, 4096},
            {"gemv fc 4096x9216 (alexnet fc6, 151 MB)", 4096, 9216},
        };
        int f;
        for (f = 0; f < (int)(sizeof fc / sizeof fc[0]); ++f) {
            gemv_job j;
            float *a, *b, *bias, *c;
            double bytes = 4.0 * (double)fc[f].n * fc[f].k;
            if (only && !strstr(fc[f].name, only)) continue;
            a = buf((size_t)fc[f].k, 7);
            b = buf((size_t)fc[f].n * fc[f].k, 8);
            bias = buf((size_t)fc[f].n, 9);
            c = (float *)malloc((size_t)fc[f].n * sizeof(float));
            j.n = fc[f].n, j.k = fc[f].k, j.a = a, j.b = b, j.bias = bias, j.c = c;
            j.act.kind = CAM__ACT_RELU, j.act.a = j.act.b = 0.0f;
            printf("| %s |", fc[f].name);
            for (th = 1; th <= max_threads; ++th) {
                double t;
                j.n_tasks = th;
                t = time_run(pools[th], gemv_task, &j, th, reps, NULL);
                printf(" %.3f | %.1f |", t * 1e3, bytes / t * 1e-9);
            }
            printf("\n");
            free(a), free(b), free(bias), free(c);
        }
    }
    if (!only || strstr("threadpool", only)) {
        /* fork/join cost of the pool: one empty task per thread, back to back */
        printf("\n# thread pool fork/join, one empty task per thread\n");
        for (th = 1; th <= max_threads; ++th) {
            enum { N = 20001 };
            static double dt[N];
            int k;
            for (k = 0; k < N; ++k) {
                double t0 = now_s();
                cam__threadpool_run(pools[th], empty_task, NULL, th);
                dt[k] = now_s() - t0;
            }
            qsort(dt, N, sizeof dt[0], cmp_double);
            printf("threadpool %d threads: min %.2f us, median %.2f us, 90%% %.2f us per run (%d runs)\n", th,
                   dt[0] * 1e6, dt[N / 2] * 1e6, dt[N * 9 / 10] * 1e6, N);
        }
    }
    for (th = 1; th <= max_threads; ++th) cam__threadpool_destroy(pools[th]);
    return 0;
}
