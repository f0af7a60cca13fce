/* ONNX's own operator tests as a conformance suite: for each line of the list
   file (a test folder relative to the data root), load model.onnx, feed every
   test_data_set_N/input_K.pb, compare with output_K.pb (rtol 1e-3, atol 1e-7,
   the tolerance of ONNX's runner). Prints "ok node/test_x" or "not ok ...".
   usage: conformance LIST [DATA_ROOT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "cam.h"

#define MAX_IO 16

static double get_d(const cam_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case CAM_FLOAT32: return ((const float *)t->data)[i];
    case CAM_DOUBLE: return ((const double *)t->data)[i];
    case CAM_INT64: return (double)((const int64_t *)t->data)[i];
    case CAM_INT32: return ((const int32_t *)t->data)[i];
    default: return ((const uint8_t *)t->data)[i];
    }
}

/* "" when equal, else a reason written into why. */
static int compare(const cam_tensor *got, const cam_tensor *want, char *why, size_t n)
{
    int64_t i, cnt;
    int d;
    if (got->dtype != want->dtype) {
        snprintf(why, n, "dtype %s, expected %s", cam_dtype_name(got->dtype), cam_dtype_name(want->dtype));
        return 0;
    }
    if (got->ndim != want->ndim) {
        snprintf(why, n, "rank %d, expected %d", got->ndim, want->ndim);
        return 0;
    }
    for (d = 0; d < got->ndim; d++)
        if (got->dims[d] != want->dims[d]) {
            snprintf(why, n, "dim %d is %lld, expected %lld", d, (long long)got->dims[d], (long long)want->dims[d]);
            return 0;
        }
    cnt = cam_tensor_count(want);
    for (i = 0; i < cnt; i++) {
        double g = get_d(got, i), w = get_d(want, i);
        if (isnan(w) && isnan(g))
            continue;
        if (!(fabs(g - w) <= 1e-7 + 1e-3 * fabs(w))) {
            snprintf(why, n, "element %lld is %.9g, expected %.9g", (long long)i, g, w);
            return 0;
        }
    }
    return 1;
}

static int file_exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static int run_test(const char *root, const char *name, char *why, size_t wn)
{
    char path[1024];
    cam_net *net = NULL;
    cam_error err;
    int set, ok = 1;
    snprintf(path, sizeof path, "%s/%s/model.onnx", root, name);
    if (cam_net_load(path, NULL, &net, &err) != CAM_OK) {
        snprintf(why, wn, "load: %s", err.message);
        return 0;
    }
    for (set = 0; ok; set++) {
        cam_tensor in[MAX_IO], want;
        int n_in = 0, k;
        snprintf(path, sizeof path, "%s/%s/test_data_set_%d", root, name, set);
        snprintf(path + strlen(path), sizeof path - strlen(path), "/input_0.pb");
        if (!file_exists(path) && set > 0)
            break;
        for (k = 0; k < MAX_IO; k++) {
            snprintf(path, sizeof path, "%s/%s/test_data_set_%d/input_%d.pb", root, name, set, k);
            if (!file_exists(path))
                break;
            if (cam_tensor_proto_load(path, &in[k], &err) != CAM_OK) {
                snprintf(why, wn, "set %d input %d: %s", set, k, err.message);
                ok = 0;
                break;
            }
            n_in++;
        }
        if (ok && cam_net_forward(net, in, n_in) != CAM_OK) {
            snprintf(why, wn, "set %d forward: %s", set, cam_net_last_error(net));
            ok = 0;
        }
        for (k = 0; ok && k < cam_net_output_count(net); k++) {
            cam_tensor got;
            snprintf(path, sizeof path, "%s/%s/test_data_set_%d/output_%d.pb", root, name, set, k);
            if (!file_exists(path))
                break;
            if (cam_tensor_proto_load(path, &want, &err) != CAM_OK) {
                snprintf(why, wn, "set %d output %d: %s", set, k, err.message);
                ok = 0;
                break;
            }
            if (cam_net_output(net, k, &got) != CAM_OK) {
                snprintf(why, wn, "set %d output %d: %s", set, k, cam_net_last_error(net));
                ok = 0;
            } else {
                int off = snprintf(why, wn, "set %d output %d: ", set, k);
                if (!compare(&got, &want, why + off, wn - (size_t)off))
                    ok = 0;
            }
            cam_npy_free(&want);
        }
        for (k = 0; k < n_in; k++)
            cam_npy_free(&in[k]);
        if (set > 1000)
            break;
    }
    cam_net_free(net);
    return ok;
}

int main(int argc, char **argv)
{
    const char *root = argc > 2 ? argv[2] : "/usr/share/libonnx-testdata/data";
    char line[512], why[512];
    FILE *f;
    int failed = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: conformance LIST [DATA_ROOT]\n");
        return 2;
    }
    f = fopen(argv[1], "r");
    if (!f) {
        printf("not ok conformance: cannot open %s\n", argv[1]);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (!n || line[0] == '#')
            continue;
        why[0] = 0;
        if (run_test(root, line, why, sizeof why))
            printf("ok %s\n", line);
        else {
            printf("not ok %s: %s\n", line, why);
            failed++;
        }
        fflush(stdout);
    }
    fclose(f);
    return failed ? 1 : 0;
}
