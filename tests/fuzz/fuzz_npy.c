/* libFuzzer target: cam_npy_load_memory on arbitrary bytes (make fuzz; make test
   replays the seeds and tests/fuzz/regress/ through tests/fuzz/replay.c).
   A load that succeeds must describe exactly the bytes it claims: the element
   count times the dtype size is read back in full, so ASan flags any header
   whose dims were not checked against the file length. */
/* The implementation comes from -DCAM_IMPLEMENTATION (make fuzz, with its own
   limits) or from cam_impl.o (the regression run in make test). */
#include "cam.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cam_tensor t;
    cam_error err;
    memset(&t, 0, sizeof t);
    if (cam_npy_load_memory(data, size, &t, &err) == CAM_OK) {
        size_t n = (size_t)cam_tensor_count(&t) * cam_dtype_size(t.dtype);
        size_t i;
        unsigned sum = 0;
        if (t.ndim < 0 || t.ndim > CAM_MAX_NDIM || n > size)
            __builtin_trap(); /* more data than the file holds: a missed check */
        for (i = 0; i < n; i++)
            sum += ((const unsigned char *)t.data)[i];
        (void)sum;
        cam_npy_free(&t);
    } else if (err.message[0] == '\0') {
        __builtin_trap(); /* every failure must say why */
    }
    return 0;
}
