/* cam run / info / bench: the engine's subcommands of the `cam` tool. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "cam.h"
#include "cam_cli.h"

#define CLI_MAX_IO 64

static double cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cli_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int cli_err(const char *cmd, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cam %s: error: ", cmd);
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fprintf(stderr, "\n");
    return 1;
}

static void cli_print_dims(FILE *f, int ndim, const int64_t *dims, const char *sep)
{
    int i;
    for (i = 0; i < ndim; i++)
        fprintf(f, "%s%lld", i ? sep : "", (long long)dims[i]);
}

static int cli_parse_int(const char *s, int *out)
{
    char *e;
    long v = strtol(s, &e, 10);
    if (!*s || *e || v < 0 || v > 1 << 20)
        return -1;
    *out = (int)v;
    return 0;
}

/* ---- cam run ---- */
static const char *run_usage =
    "usage: cam run MODEL --input [NAME=]x.npy ... [--output NAME=y.npy ...] [--threads N] [--json]\n"
    "               [--no-winograd]\n"
    "  Runs MODEL on .npy inputs (float32 or int64; by position when NAME is left out)\n"
    "  and writes the named tensors (any graph tensor) to .npy files. Without\n"
    "  --output, prints a summary of every graph output.\n"
    "  --no-winograd runs every conv direct (stride-1 3x3 convs run as Winograd\n"
    "  F(2x2,3x3) by default where they are big enough; results differ by rounding).\n";

int cam_cmd_run(int argc, char **argv)
{
    const char *model = NULL, *in_names[CLI_MAX_IO], *in_files[CLI_MAX_IO], *out_names[CLI_MAX_IO], *out_files[CLI_MAX_IO];
    int n_in = 0, n_out = 0, threads = 0, json = 0, no_wino = 0, i, k, rc = 1;
    cam_tensor inputs[CLI_MAX_IO];
    cam_net_desc desc;
    cam_net *net = NULL;
    cam_error err;
    char *bufs[2 * CLI_MAX_IO];
    int nbufs = 0;
    memset(inputs, 0, sizeof inputs);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(run_usage, stdout);
            return 0;
        } else if ((!strcmp(a, "--input") || !strcmp(a, "--output")) && i + 1 < argc) {
            int is_in = a[2] == 'i';
            char *v = argv[++i], *eq = strchr(v, '=');
            if ((is_in ? n_in : n_out) >= CLI_MAX_IO)
                return cli_err(argv[0], "too many %ss", is_in ? "input" : "output", NULL);
            if (!is_in && !eq)
                return cli_err(argv[0], "--output needs NAME=FILE.npy, got '%s'", v, NULL);
            if (is_in) {
                in_names[n_in] = NULL;
                in_files[n_in] = v;
                if (eq) {
                    *eq = 0;
                    in_names[n_in] = v;
                    in_files[n_in] = eq + 1;
                }
                n_in++;
            } else {
                *eq = 0;
                out_names[n_out] = v;
                out_files[n_out++] = eq + 1;
            }
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (cli_parse_int(argv[++i], &threads))
                return cli_err(argv[0], "bad --threads '%s'", argv[i], NULL);
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--no-winograd")) {
            no_wino = 1;
        } else if (a[0] == '-') {
            return cli_err(argv[0], "unknown option '%s' (try --help)", a, NULL);
        } else if (!model) {
            model = a;
        } else {
            return cli_err(argv[0], "unexpected argument '%s'", a, NULL);
        }
    }
    if (!model)
        return cli_err(argv[0], "no MODEL given (try --help)", NULL, NULL);
    memset(&desc, 0, sizeof desc);
    desc.threads = threads;
    desc.no_winograd = no_wino;
    desc.keep = out_names;
    desc.n_keep = n_out;
    if (cam_net_load(model, &desc, &net, &err) != CAM_OK)
        return cli_err(argv[0], "%s: %s", model, err.message);
    if (n_in != cam_net_input_count(net)) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%d", cam_net_input_count(net));
        snprintf(b, sizeof b, "%d", n_in);
        cli_err(argv[0], "the model has %s inputs, %s given", a, b);
        goto done;
    }
    for (i = 0; i < n_in; i++) {
        cam_tensor t;
        int slot = i;
        if (in_names[i]) {
            slot = -1;
            for (k = 0; k < cam_net_input_count(net); k++) {
                cam_tensor_info info;
                cam_net_input_info(net, k, &info);
                if (!strcmp(info.name, in_names[i]))
                    slot = k;
            }
            if (slot < 0) {
                cli_err(argv[0], "the model has no input named '%s'", in_names[i], NULL);
                goto done;
            }
        }
        if (cam_npy_load(in_files[i], &t, &err) != CAM_OK) {
            cli_err(argv[0], "%s: %s", in_files[i], err.message);
            goto done;
        }
        bufs[nbufs++] = (char *)t.data;
        inputs[slot] = t;
    }
    if (cam_net_forward(net, inputs, n_in) != CAM_OK) {
        cli_err(argv[0], "%s", cam_net_last_error(net), NULL);
        goto done;
    }
    if (json)
        printf("{\"outputs\": [");
    if (n_out) {
        for (i = 0; i < n_out; i++) {
            cam_tensor t;
            if (cam_net_tensor(net, out_names[i], &t) != CAM_OK) {
                cli_err(argv[0], "%s", cam_net_last_error(net), NULL);
                goto done;
            }
            if (cam_npy_save(out_files[i], &t, &err) != CAM_OK) {
                cli_err(argv[0], "%s", err.message, NULL);
                goto done;
            }
            if (json) {
                printf("%s{\"name\": \"%s\", \"file\": \"%s\", \"dtype\": \"%s\", \"shape\": [", i ? ", " : "", out_names[i],
                       out_files[i], cam_dtype_name(t.dtype));
                cli_print_dims(stdout, t.ndim, t.dims, ", ");
                printf("]}");
            } else {
                printf("%s -> %s (%s ", out_names[i], out_files[i], cam_dtype_name(t.dtype));
                cli_print_dims(stdout, t.ndim, t.dims, "x");
                printf(")\n");
            }
        }
    } else {
        for (i = 0; i < cam_net_output_count(net); i++) {
            cam_tensor t;
            cam_tensor_info info;
            int64_t cnt, j, am = 0;
            double sum = 0;
            cam_net_output_info(net, i, &info);
            if (cam_net_output(net, i, &t) != CAM_OK)
                continue;
            cnt = cam_tensor_count(&t);
            if (t.dtype == CAM_FLOAT32)
                for (j = 0; j < cnt; j++) {
                    float v = ((const float *)t.data)[j];
                    sum += v;
                    if (v > ((const float *)t.data)[am])
                        am = j;
                }
            if (json) {
                printf("%s{\"name\": \"%s\", \"dtype\": \"%s\", \"shape\": [", i ? ", " : "", info.name, cam_dtype_name(t.dtype));
                cli_print_dims(stdout, t.ndim, t.dims, ", ");
                printf("], \"sum\": %.9g, \"argmax\": %lld}", sum, (long long)am);
            } else {
                printf("%s: %s ", info.name, cam_dtype_name(t.dtype));
                cli_print_dims(stdout, t.ndim, t.dims, "x");
                printf(" sum=%.6g argmax=%lld\n", sum, (long long)am);
            }
        }
    }
    if (json)
        printf("]}\n");
    rc = 0;
done:
    for (i = 0; i < nbufs; i++)
        free(bufs[i]);
    cam_net_free(net);
    return rc;
}

/* ---- cam info ---- */
static const char *info_usage =
    "usage: cam info MODEL [--json] [--no-winograd]\n"
    "  Inputs, outputs (with shapes), operator counts, parameters, MACs, arena,\n"
    "  peak memory, weight bytes, opset, metadata, the CAM head and how many convs\n"
    "  run as Winograd F(2x2,3x3) (none with --no-winograd).\n";

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if (*s == '\n')
            printf("\\n");
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

/* Prints the net's inputs (outputs = 0) or outputs, as the items of a JSON
   array or as text lines. */
static void info_print_io(const cam_net *net, int outputs, int json)
{
    int i, n = outputs ? cam_net_output_count(net) : cam_net_input_count(net);
    for (i = 0; i < n; i++) {
        cam_tensor_info t;
        if (outputs)
            cam_net_output_info(net, i, &t);
        else
            cam_net_input_info(net, i, &t);
        if (json) {
            printf("%s{\"name\": ", i ? ", " : "");
            json_str(t.name);
            printf(", \"dtype\": \"%s\", \"shape\": [", cam_dtype_name(t.dtype));
            cli_print_dims(stdout, t.ndim, t.dims, ", ");
            printf("]}");
        } else {
            printf("%s %s %s ", outputs ? "output: " : "input:  ", t.name, cam_dtype_name(t.dtype));
            cli_print_dims(stdout, t.ndim, t.dims, "x");
            printf("\n");
        }
    }
}

int cam_cmd_info(int argc, char **argv)
{
    const char *model = NULL, *ops[256];
    int counts[256], n_ops = 0, json = 0, no_wino = 0, n_wino = 0, i, k;
    cam_net_desc desc;
    cam_net *net;
    cam_error err;
    cam_net_stats st;
    cam_head head;
    cam_result hr;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(info_usage, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--no-winograd"))
            no_wino = 1;
        else if (argv[i][0] == '-')
            return cli_err(argv[0], "unknown option '%s' (try --help)", argv[i], NULL);
        else if (!model)
            model = argv[i];
        else
            return cli_err(argv[0], "unexpected argument '%s'", argv[i], NULL);
    }
    if (!model)
        return cli_err(argv[0], "no MODEL given (try --help)", NULL, NULL);
    memset(&desc, 0, sizeof desc);
    desc.no_winograd = no_wino;
    if (cam_net_load(model, &desc, &net, &err) != CAM_OK)
        return cli_err(argv[0], "%s: %s", model, err.message);
    cam_net_get_stats(net, &st);
    for (i = 0; i < cam_net_step_count(net); i++) {
        cam_step_info si;
        if (cam_net_step(net, i, &si) == CAM_OK)
            n_wino += si.winograd;
    }
    for (i = 0; i < cam_net_node_count(net); i++) {
        cam_node_info ni;
        cam_net_node(net, i, &ni);
        for (k = 0; k < n_ops && strcmp(ops[k], ni.op_type); k++)
            ;
        if (k == n_ops && n_ops < 256) {
            ops[n_ops] = ni.op_type;
            counts[n_ops++] = 0;
        }
        if (k < 256)
            counts[k]++;
    }
    hr = cam_net_head(net, &head);
    if (json) {
        printf("{\"model\": ");
        json_str(model);
        printf(", \"opset\": %d, \"inputs\": [", st.opset);
        info_print_io(net, 0, 1);
        printf("], \"outputs\": [");
        info_print_io(net, 1, 1);
        printf("], \"operators\": {");
        for (i = 0; i < n_ops; i++) {
            printf("%s", i ? ", " : "");
            json_str(ops[i]);
            printf(": %d", counts[i]);
        }
        printf("}, \"nodes\": %d, \"steps\": %d, \"winograd_convs\": %d, \"params\": %lld, \"macs\": %lld, "
               "\"weight_bytes\": %lld, \"arena_bytes\": %lld, \"peak_bytes\": %lld, \"metadata\": {",
               st.n_nodes, st.n_steps, n_wino, (long long)st.params, (long long)st.macs, (long long)st.weight_bytes,
               (long long)st.arena_bytes, (long long)st.peak_bytes);
        for (i = 0; i < cam_net_metadata_count(net); i++) {
            const char *key, *val;
            cam_net_metadata(net, i, &key, &val);
            printf("%s", i ? ", " : "");
            json_str(key);
            printf(": ");
            json_str(val);
        }
        printf("}, \"cam_head\": ");
        if (hr == CAM_OK) {
            printf("{\"feature\": ");
            json_str(head.feature);
            printf(", \"scores\": ");
            json_str(head.scores);
            printf(", \"pool\": \"%s\", \"conv_classifier\": %d, \"classes\": %d, \"channels\": %d}",
                   head.pool == CAM_POOL_MAX ? "max" : "avg", head.conv_classifier, head.n_classes, head.n_channels);
        } else {
            printf("null, \"cam_head_error\": ");
            json_str(cam_net_head_error(net));
        }
        printf("}\n");
    } else {
        printf("model:   %s\nopset:   %d\nkernels: %s\n", model, st.opset, cam_simd_name());
        info_print_io(net, 0, 0);
        info_print_io(net, 1, 0);
        printf("operators:");
        for (i = 0; i < n_ops; i++)
            printf(" %s=%d", ops[i], counts[i]);
        printf("\nnodes:   %d (%d steps after folding and fusion)\n", st.n_nodes, st.n_steps);
        printf("winograd: %d convs as F(2x2,3x3)\n", n_wino);
        printf("params:  %lld\nMACs:    %lld (%.3f G)\n", (long long)st.params, (long long)st.macs, st.macs / 1e9);
        printf("weights: %lld bytes\narena:   %lld bytes\npeak:    %lld bytes\n", (long long)st.weight_bytes,
               (long long)st.arena_bytes, (long long)st.peak_bytes);
        if (hr == CAM_OK)
            printf("cam head: feature=%s scores=%s pool=%s%s classes=%d channels=%d\n", head.feature, head.scores,
                   head.pool == CAM_POOL_MAX ? "max" : "avg", head.conv_classifier ? " conv_classifier" : "", head.n_classes,
                   head.n_channels);
        else
            printf("cam head: none (%s)\n", cam_net_head_error(net));
        for (i = 0; i < cam_net_metadata_count(net); i++) {
            const char *key, *val;
            cam_net_metadata(net, i, &key, &val);
            size_t n;
            printf("metadata: %s = ", key);
            for (n = 0; val[n] && n < 200; n++)
                if (val[n] == '\n')
                    printf("\\n");
                else
                    putchar(val[n]);
            printf("%s\n", val[n] ? "..." : "");
        }
    }
    cam_net_free(net);
    return 0;
}

/* ---- cam bench ---- */
static const char *bench_usage =
    "usage: cam bench MODEL THREADS [--runs N] [--warmup W] [--input FILE.f32] [--profile]\n"
    "                 [--no-winograd]\n"
    "  Times forward passes (the anchors MINE_CMD contract): reads the input from\n"
    "  FILE.f32 or $ANCHORS_CACHE/input_1x3x224x224.f32 (raw little-endian float32),\n"
    "  prints one engine=cam line; maxdiff against MODEL.ref.f32 when it exists.\n"
    "  --profile then prints each compiled step (op, output, shape, MACs, ms, GFLOP/s;\n"
    "  the minimum over up to 10 more runs) to stderr; convs run as Winograd show\n"
    "  op Conv.../wino. --no-winograd runs every conv direct.\n";

/* Per-step profile: the minimum over several forwards, which filters out the
   preemptions a shared machine adds to single runs. */
typedef struct bench_prof {
    double *t, *cur;
    double last;
    int n;
} bench_prof;

static void bench_cb(void *user, int step)
{
    bench_prof *p = (bench_prof *)user;
    double now = cli_now_ms();
    if (step >= 0 && step < p->n)
        p->cur[step] = now - p->last;
    p->last = now;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static float *read_f32(const char *path, size_t want, size_t *got)
{
    FILE *f = fopen(path, "rb");
    float *buf;
    long n;
    *got = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) || (want && (size_t)n != want * 4)) {
        fclose(f);
        return NULL;
    }
    buf = (float *)malloc((size_t)n + 4);
    if (buf && n && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *got = (size_t)n / 4;
    return buf;
}

/* Reports a failed forward pass and frees what the benchmark holds; returns
   the exit status. */
static int bench_forward_failed(const char *cmd, cam_net *net, double *times, float *x)
{
    cli_err(cmd, "%s", cam_net_last_error(net), NULL);
    free(times);
    free(x);
    cam_net_free(net);
    return 1;
}

int cam_cmd_bench(int argc, char **argv)
{
    const char *model = NULL, *input = NULL, *cache;
    int threads = -1, runs = 20, warmup = 5, profile = 0, no_wino = 0, i;
    char path[4096], name[256];
    cam_net *net;
    cam_net_desc desc;
    cam_error err;
    cam_tensor in, out;
    cam_tensor_info ii;
    double load_ms, *times, cpu0, wall0, cpu_x, sum = 0, maxdiff = -1;
    float *x, *ref;
    size_t nx, nref;
    int64_t count, am = 0, j;
    bench_prof prof;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(bench_usage, stdout);
            return 0;
        } else if (!strcmp(a, "--runs") && i + 1 < argc) {
            if (cli_parse_int(argv[++i], &runs) || runs < 1)
                return cli_err(argv[0], "bad --runs '%s'", argv[i], NULL);
        } else if (!strcmp(a, "--warmup") && i + 1 < argc) {
            if (cli_parse_int(argv[++i], &warmup))
                return cli_err(argv[0], "bad --warmup '%s'", argv[i], NULL);
        } else if (!strcmp(a, "--input") && i + 1 < argc) {
            input = argv[++i];
        } else if (!strcmp(a, "--profile")) {
            profile = 1;
        } else if (!strcmp(a, "--no-winograd")) {
            no_wino = 1;
        } else if (a[0] == '-') {
            return cli_err(argv[0], "unknown option '%s' (try --help)", a, NULL);
        } else if (!model) {
            model = a;
        } else if (threads < 0) {
            if (cli_parse_int(a, &threads) || threads < 1)
                return cli_err(argv[0], "bad THREADS '%s'", a, NULL);
        } else {
            return cli_err(argv[0], "unexpected argument '%s'", a, NULL);
        }
    }
    if (!model || threads < 0)
        return cli_err(argv[0], "usage: cam bench MODEL THREADS [--runs N] [--warmup W] (try --help)", NULL, NULL);
    {
        const char *b = strrchr(model, '/');
        size_t n;
        b = b ? b + 1 : model;
        n = strlen(b);
        if (n > 5 && !strcmp(b + n - 5, ".onnx"))
            n -= 5;
        snprintf(name, sizeof name, "%.*s", (int)n, b);
    }
    memset(&desc, 0, sizeof desc);
    desc.threads = threads;
    desc.no_winograd = no_wino;
    load_ms = cli_now_ms();
    if (cam_net_load(model, &desc, &net, &err) != CAM_OK)
        return cli_err(argv[0], "%s: %s", model, err.message);
    load_ms = cli_now_ms() - load_ms;
    if (cam_net_input_count(net) != 1 || cam_net_input_info(net, 0, &ii) != CAM_OK || ii.dtype != CAM_FLOAT32) {
        cam_net_free(net);
        return cli_err(argv[0], "%s: the model must have one float32 input", model, NULL);
    }
    count = 1;
    for (i = 0; i < ii.ndim; i++)
        count *= ii.dims[i];
    if (!input) {
        cache = getenv("ANCHORS_CACHE");
        if (cache)
            snprintf(path, sizeof path, "%s/input_1x3x224x224.f32", cache);
        else
            snprintf(path, sizeof path, "%s/.cache/cam-anchors/input_1x3x224x224.f32", getenv("HOME") ? getenv("HOME") : ".");
        input = path;
    }
    x = read_f32(input, (size_t)count, &nx);
    if (!x) {
        cam_net_free(net);
        return cli_err(argv[0], "cannot read %s as %s float32 values", input, "the model's input count of");
    }
    in.dtype = CAM_FLOAT32;
    in.ndim = ii.ndim;
    memcpy(in.dims, ii.dims, sizeof in.dims);
    in.data = x;
    times = (double *)calloc((size_t)runs, sizeof(double));
    prof.n = 0;
    prof.t = NULL;
    for (i = 0; i < warmup; i++)
        if (cam_net_forward(net, &in, 1) != CAM_OK)
            return bench_forward_failed(argv[0], net, times, x);
    cpu0 = cli_cpu_s();
    wall0 = cli_now_ms();
    for (i = 0; i < runs; i++) {
        double t0 = cli_now_ms();
        if (cam_net_forward(net, &in, 1) != CAM_OK)
            return bench_forward_failed(argv[0], net, times, x);
        times[i] = cli_now_ms() - t0;
    }
    cpu_x = (cli_cpu_s() - cpu0) * 1e3 / (cli_now_ms() - wall0);
    cam_net_output(net, 0, &out);
    count = cam_tensor_count(&out);
    for (j = 0; j < count; j++) {
        float v = ((const float *)out.data)[j];
        sum += v;
        if (v > ((const float *)out.data)[am])
            am = j;
    }
    {
        size_t n = strlen(model);
        snprintf(path, sizeof path, "%.*s.ref.f32", (int)(n > 5 && !strcmp(model + n - 5, ".onnx") ? n - 5 : n), model);
        ref = read_f32(path, (size_t)count, &nref);
        if (ref) {
            maxdiff = 0;
            for (j = 0; j < count; j++) {
                double d = ((const float *)out.data)[j] - ref[j];
                if (d < 0)
                    d = -d;
                if (d > maxdiff)
                    maxdiff = d;
            }
            free(ref);
        }
    }
    {
        double mn, med, mean = 0, mx;
        for (i = 0; i < runs; i++)
            mean += times[i];
        mean /= runs;
        qsort(times, (size_t)runs, sizeof(double), cmp_double);
        mn = times[0];
        mx = times[runs - 1];
        med = runs % 2 ? times[runs / 2] : 0.5 * (times[runs / 2 - 1] + times[runs / 2]);
        printf("engine=cam model=%s threads=%d runs=%d warmup=%d min_ms=%.3f median_ms=%.3f mean_ms=%.3f max_ms=%.3f "
               "load_ms=%.1f out_sum=%.6g argmax=%lld",
               name, threads, runs, warmup, mn, med, mean, mx, load_ms, sum, (long long)am);
        if (maxdiff >= 0)
            printf(" maxdiff=%.2e", maxdiff);
        printf(" cpu_x=%.2f simd=%s\n", cpu_x, cam_simd_name());
        fflush(stdout);
    }
    if (profile) {
        int ns = cam_net_step_count(net), reps = runs < 10 ? runs : 10, k;
        double total = 0;
        prof.n = ns;
        prof.t = (double *)calloc((size_t)ns + 1, sizeof(double));
        prof.cur = (double *)calloc((size_t)ns + 1, sizeof(double));
        for (k = 0; k < ns; k++)
            prof.t[k] = 1e30;
        cam_net_set_step_callback(net, bench_cb, &prof);
        for (i = 0; i < reps; i++) {
            cam_net_forward(net, &in, 1);
            for (k = 0; k < ns; k++)
                if (prof.cur[k] < prof.t[k])
                    prof.t[k] = prof.cur[k];
        }
        cam_net_set_step_callback(net, NULL, NULL);
        fprintf(stderr, "%-4s %-22s %-28s %-16s %12s %9s %8s\n", "step", "op", "output", "shape", "MACs", "ms", "GFLOP/s");
        for (i = 0; i < ns; i++) {
            cam_step_info si;
            char shp[64], op[64];
            int k, o = 0;
            double ms = prof.t[i];
            cam_net_step(net, i, &si);
            shp[0] = 0;
            for (k = 0; k < si.ndim && o < (int)sizeof shp - 12; k++)
                o += snprintf(shp + o, sizeof shp - (size_t)o, "%s%lld", k ? "x" : "", (long long)si.dims[k]);
            snprintf(op, sizeof op, "%s%s", si.op, si.winograd ? "/wino" : "");
            fprintf(stderr, "%-4d %-22s %-28.28s %-16s %12lld %9.3f %8.1f\n", i, op, si.output, shp, (long long)si.macs, ms,
                    ms > 0 ? 2.0 * si.macs / (ms * 1e6) : 0.0);
            total += ms;
        }
        fprintf(stderr, "sum of per-step minima over %d runs: %.3f ms\n", reps, total);
        free(prof.t);
        free(prof.cur);
    }
    free(times);
    free(x);
    cam_net_free(net);
    return 0;
}
