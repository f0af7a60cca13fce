/* libFuzzer target: cam_net_load_memory on arbitrary bytes (make fuzz; make test
   replays the seeds and tests/fuzz/regress/ through tests/fuzz/replay.c).
   A model that loads is also run once on zero inputs when it is small enough, so
   the shape inference and planning that hostile files drive are exercised, not
   only the protobuf reader. */
/* The implementation comes from -DCAM_IMPLEMENTATION (make fuzz, with its own
   limits) or from cam_impl.o (the regression run in make test). */
#include "cam.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounds that keep one run well under libFuzzer's timeout. */
#define FUZZ_MAX_MACS ((int64_t)20000000)
#define FUZZ_MAX_INPUT_ELEMENTS ((int64_t)1 << 20)

static void fuzz_forward(cam_net *net)
{
    cam_tensor in[4];
    cam_net_stats stats;
    int n = cam_net_input_count(net), i, ok = 1;
    if (n < 0 || n > 4 || cam_net_get_stats(net, &stats) != CAM_OK || stats.macs > FUZZ_MAX_MACS)
        return;
    memset(in, 0, sizeof in);
    for (i = 0; i < n; i++) {
        cam_tensor_info info;
        int64_t count;
        int d;
        if (cam_net_input_info(net, i, &info) != CAM_OK || info.ndim < 0 || info.ndim > CAM_MAX_NDIM) {
            ok = 0;
            break;
        }
        in[i].dtype = info.dtype;
        in[i].ndim = info.ndim;
        for (d = 0; d < info.ndim; d++)
            in[i].dims[d] = info.dims[d];
        count = cam_tensor_count(&in[i]);
        if (count < 0 || count > FUZZ_MAX_INPUT_ELEMENTS || cam_dtype_size(info.dtype) == 0) {
            ok = 0;
            break;
        }
        in[i].data = calloc((size_t)(count ? count : 1), cam_dtype_size(info.dtype));
        if (!in[i].data) {
            ok = 0;
            break;
        }
    }
    if (ok && cam_net_forward(net, in, n) == CAM_OK) {
        int o;
        for (o = 0; o < cam_net_output_count(net); o++) {
            cam_tensor out;
            if (cam_net_output(net, o, &out) == CAM_OK && out.data) {
                size_t bytes = (size_t)cam_tensor_count(&out) * cam_dtype_size(out.dtype);
                volatile unsigned char sink = 0;
                size_t b;
                for (b = 0; b < bytes; b++)
                    sink ^= ((const unsigned char *)out.data)[b]; /* ASan checks the extent */
                (void)sink;
            }
        }
    }
    for (i = 0; i < n; i++)
        free(in[i].data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cam_net *net = NULL;
    cam_net_desc desc;
    cam_error err;
    cam_head head;
    memset(&desc, 0, sizeof desc);
    desc.threads = 1;
    if (cam_net_load_memory(data, size, &desc, &net, &err) != CAM_OK) {
        if (err.message[0] == '\0')
            __builtin_trap(); /* every failure must say why */
        return 0;
    }
    (void)cam_net_head(net, &head);
    fuzz_forward(net);
    cam_net_free(net);
    return 0;
}
