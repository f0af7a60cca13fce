/* cam.h - v0.1 - run ONNX CNNs on the CPU and show where they look
   Class Activation Maps (Zhou et al., CVPR 2016) and the boxes cut from them.
   Single-header C99 library (also compiles as C++). No dependencies beyond libc
   for the engine; stb_image / stb_image_write for pictures; SLEEF optional.

   Do this:
      #define CAM_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.

      #include ...
      #define CAM_IMPLEMENTATION
      #include "cam.h"

   cam_simd.h must sit next to cam.h: the implementation includes it.

   CONFIG MACROS (define before including the implementation)
      CAM_STATIC           make every public function static (private copy per file)
      CAM_NO_SIMD          compile only the scalar kernels
      CAM_USE_SLEEF        use SLEEF's vectorised expf (link -lsleef)
      CAM_MAX_DIM          largest accepted tensor dimension (default 1<<24); guards
                           against hostile files before anything is allocated
      CAM_MAX_ELEMENTS     largest accepted tensor element count (default 1<<31)
      CAM_NO_STB           leave out image loading and writing (engine only)
      CAM_NO_THREADS       single-threaded build, no pthreads

   DOCUMENTATION
      1. Overview ........ load an ONNX file, run it, read any named tensor
      2. Models .......... ONNX subset, shape inference, fusion done at load
      3. Tensors ......... cam_tensor is a view: dtype, dims, data; who owns it
      4. CAM and boxes ... see the CAM section of the API below
      5. Features / SVM . GAP features per image
      6. Memory .......... allocator hook in cam_net_desc; forward allocates nothing
      7. Errors .......... cam_result codes (one X-macro) + detailed message
      8. SIMD ............ AVX2+FMA, NEON or scalar, chosen at compile time
      9. Threads ......... persistent pool; results do not depend on thread count

   1. Overview
      cam_net *net; cam_error err;
      if (cam_net_load("model.onnx", NULL, &net, &err) != CAM_OK) { puts(err.message); ... }
      cam_tensor in = { CAM_FLOAT32, 4, {1,3,224,224}, pixels };
      cam_net_forward(net, &in, 1);
      cam_tensor out; cam_net_output(net, 0, &out);   // view, valid until next forward
      cam_net_free(net);

   2. Models
      Operators: see cam_net_supports_op(). The graph is compiled once at load:
      BatchNormalization folds into the preceding Conv, bias/activations/residual Add
      fuse into the conv epilogue, weights are packed, and every activation gets an
      offset in one arena. Input shapes come from the model (symbolic dims: 1, or
      cam_net_desc.batch / height / width); cam_net_set_input_shape() re-plans.

      What load does, in order: the protobuf reader (own decoder; every length
      checked against the bytes left, CAM_MAX_DIM and CAM_MAX_ELEMENTS before any
      allocation); Identity-of-initializer chains become initializers; Conv
      weights are packed (BatchNormalization folded in first) and the raw copy is
      freed; then the plan: shape inference, constant folding (Shape / Gather /
      Unsqueeze / Concat chains, Constant), fusion (Conv + Add + activation,
      Gemm + activation), views for Reshape / Flatten / Squeeze / Unsqueeze /
      Identity / Dropout, Concat inputs written in place by their producers
      (batch 1), CAM head detection, and the arena (lifetimes, greedy by size).
      int64 graph inputs that drive shapes (a Reshape target fed as an input) are
      planned as constants at the first forward and re-planned when they change.
      cam_net_desc.no_fuse keeps every node as written (no BN folding, fusion or
      in-place Concat). cam_net_step_count()/cam_net_step() list the compiled
      steps; cam_net_set_step_callback() lets a caller time each one.
      ONNX's own operator tests (libonnx-testdata) run in tests/conformance.c;
      cam_tensor_proto_load() reads their TensorProto files.

   3. Tensors
      cam_tensor never owns its data. Tensors returned by cam_net_output() and
      cam_net_tensor() point into the net's arena and are valid until the next
      forward, reshape or free. Only tensors named in cam_net_desc.keep, graph
      outputs and the CAM feature tensor are guaranteed to hold their values after
      a forward pass; other intermediate buffers are reused.

   6. Memory
      cam_net_desc.allocator (zero = aligned malloc). Load allocates the weights and
      the arena; forward allocates nothing unless the input shape changes.

   7. Errors
      Fallible calls return cam_result (CAM_OK = 0, negative on failure).
      cam_result_str() names the code. Load reports details in cam_error (may be
      NULL); later calls leave the message in the net: cam_net_last_error().
      The library never aborts or exits on bad input.

   8. SIMD: cam_simd_name() says which kernels are built ("avx2+fma", "neon",
      "scalar"). SIMD results match the scalar reference within a stated tolerance.

   9. Threads: cam_net_desc.threads (0 = all cores). Work is split so that every
      output element is computed by the same sequence of operations whatever the
      thread count: outputs are bit-identical for any thread count. Dense convs
      split by output-channel blocks when their weights outweigh their input, by
      pixel ranges otherwise; depthwise convs and pools by channels; dense layers
      by output columns; elementwise work in fixed chunks.

   LICENSE: MIT, see end of file.
*/
#ifndef CAM_H_INCLUDED
#define CAM_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define CAM_VERSION_MAJOR 0
#define CAM_VERSION_MINOR 1
#define CAM_VERSION_PATCH 0

#ifndef CAM_API
#ifdef CAM_STATIC
#define CAM_API static
#else
#define CAM_API extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* >>errors */
/* X(name, value, text): one list feeds the enum and cam_result_str(), so
   tests can assert which error fired. */
#define CAM_RESULTS(X)                                   \
    X(CAM_OK, 0, "ok")                                   \
    X(CAM_ERR_INVALID_ARG, -1, "invalid argument")       \
    X(CAM_ERR_NOMEM, -2, "out of memory")                \
    X(CAM_ERR_IO, -3, "i/o error")                       \
    X(CAM_ERR_FORMAT, -4, "malformed file")              \
    X(CAM_ERR_SHAPE, -5, "shape mismatch")               \
    X(CAM_ERR_UNSUPPORTED, -6, "unsupported")            \
    X(CAM_ERR_NOT_FOUND, -7, "not found")                \
    X(CAM_ERR_LIMIT, -8, "size limit exceeded")

typedef enum cam_result {
#define CAM__RESULT_ENUM(name, value, text) name = value,
    CAM_RESULTS(CAM__RESULT_ENUM)
#undef CAM__RESULT_ENUM
    CAM__RESULT_FORCE_INT = -0x7fffffff
} cam_result;

/* Static text for a code ("invalid argument"); "unknown error" otherwise. */
CAM_API const char *cam_result_str(cam_result r);

#define CAM_ERROR_MESSAGE_SIZE 256
/* Filled by calls that have no object to keep their message in (load). */
typedef struct cam_error {
    cam_result code;
    char message[CAM_ERROR_MESSAGE_SIZE]; /* "node conv2: weight has 3 input channels, input has 64" */
} cam_error;

/* >>tensors */
typedef enum cam_dtype {
    CAM_FLOAT32 = 0, /* default */
    CAM_INT64,
    CAM_INT32,
    CAM_UINT8,
    CAM_INT8,
    CAM_BOOL,
    CAM_DOUBLE,
    CAM_DTYPE_COUNT
} cam_dtype;

#define CAM_MAX_NDIM 8

/* A view: never owns data. */
typedef struct cam_tensor {
    cam_dtype dtype;
    int ndim;
    int64_t dims[CAM_MAX_NDIM];
    void *data;
} cam_tensor;

CAM_API int64_t cam_tensor_count(const cam_tensor *t); /* product of dims (1 for ndim 0) */
CAM_API size_t cam_dtype_size(cam_dtype dt);            /* bytes per element, 0 if unknown */
CAM_API const char *cam_dtype_name(cam_dtype dt);       /* "float32", ... */

/* >>memory */
typedef struct cam_allocator {
    void *(*alloc)(size_t size, size_t align, void *user); /* NULL on failure */
    void (*free)(void *ptr, void *user);
    void *user;
} cam_allocator;

/* >>net */
typedef struct cam_net cam_net;

/* Zero fields mean "default". */
typedef struct cam_net_desc {
    cam_allocator allocator;   /* zero: aligned malloc/free */
    int threads;               /* 0: all cores */
    const char *const *keep;   /* graph tensors to keep readable after forward */
    int n_keep;
    int batch;                 /* 0: the model's batch, or 1 where it is symbolic */
    int height, width;         /* 0: the model's, or an error if symbolic and needed */
    int no_fuse;               /* 1: run every node as written (debugging, parity) */
    const char *cam_feature;   /* override CAM head detection: feature tensor name */
    const char *cam_weights;   /* ... and classifier weight initializer (C x K) */
    const char *cam_bias;      /* ... and optional bias initializer (C) */
} cam_net_desc;

/* Loads and compiles an ONNX model. desc may be NULL; err may be NULL.
   On success *out owns everything; free it with cam_net_free(). */
CAM_API cam_result cam_net_load(const char *path, const cam_net_desc *desc, cam_net **out, cam_error *err);
/* Same from memory; the bytes are not kept after return. */
CAM_API cam_result cam_net_load_memory(const void *data, size_t size, const cam_net_desc *desc,
                                       cam_net **out, cam_error *err);
CAM_API void cam_net_free(cam_net *net); /* NULL is fine */
/* Detailed message of the last failing call on this net ("" if none). Owned by net. */
CAM_API const char *cam_net_last_error(const cam_net *net);

/* Names, dtypes and planned shapes of graph inputs and outputs.
   Strings are owned by the net. */
typedef struct cam_tensor_info {
    const char *name;
    cam_dtype dtype;
    int ndim;
    int64_t dims[CAM_MAX_NDIM];
} cam_tensor_info;

CAM_API int cam_net_input_count(const cam_net *net);
CAM_API int cam_net_output_count(const cam_net *net);
CAM_API cam_result cam_net_input_info(const cam_net *net, int i, cam_tensor_info *info);
CAM_API cam_result cam_net_output_info(const cam_net *net, int i, cam_tensor_info *info);
/* Info for any graph tensor with a known shape (values, outputs, initializers). */
CAM_API cam_result cam_net_tensor_info(const cam_net *net, const char *name, cam_tensor_info *info);

/* Sets the shape of input i and re-plans (this allocates). */
CAM_API cam_result cam_net_set_input_shape(cam_net *net, int i, int ndim, const int64_t *dims);

/* Runs the graph. inputs[i] feeds graph input i (in cam_net_input_info order).
   A different shape than planned re-plans first (allocates); int64 inputs that
   drive shapes (Reshape targets) are compared by value. */
CAM_API cam_result cam_net_forward(cam_net *net, const cam_tensor *inputs, int n_inputs);
/* View of output i after forward. Data owned by net, valid until the next
   forward, reshape or free. */
CAM_API cam_result cam_net_output(cam_net *net, int i, cam_tensor *out);
/* View of any kept tensor, graph output, CAM feature tensor or initializer by name. */
CAM_API cam_result cam_net_tensor(cam_net *net, const char *name, cam_tensor *out);

/* Thread count used by forward; changeable between forwards. */
CAM_API cam_result cam_net_set_threads(cam_net *net, int threads);
CAM_API int cam_net_threads(const cam_net *net);

/* >>introspection */
/* Nodes as written in the ONNX file (before fusion). Strings owned by net. */
typedef struct cam_node_info {
    const char *name;
    const char *op_type;
    int n_inputs, n_outputs;
    const char *const *inputs;  /* "" for an omitted optional input */
    const char *const *outputs;
} cam_node_info;

CAM_API int cam_net_node_count(const cam_net *net);
CAM_API cam_result cam_net_node(const cam_net *net, int i, cam_node_info *info);

/* metadata_props of the model: key/value strings owned by the net. */
CAM_API int cam_net_metadata_count(const cam_net *net);
CAM_API cam_result cam_net_metadata(const cam_net *net, int i, const char **key, const char **value);
CAM_API const char *cam_net_metadata_get(const cam_net *net, const char *key); /* NULL if absent */

typedef struct cam_net_stats {
    int64_t params;       /* parameters (initializer elements) as loaded */
    int64_t macs;         /* multiply-accumulates of Conv/Gemm/MatMul for planned shapes */
    int64_t weight_bytes; /* packed weights held by the compiled graph */
    int64_t arena_bytes;  /* activation arena */
    int64_t peak_bytes;   /* weights + arena + other allocations of the net */
    int n_nodes;          /* ONNX nodes */
    int n_steps;          /* compiled steps after folding and fusion */
    int opset;            /* default-domain opset import */
} cam_net_stats;

CAM_API cam_result cam_net_get_stats(const cam_net *net, cam_net_stats *stats);

/* Whether op_type (default domain) is implemented. */
CAM_API int cam_net_supports_op(const char *op_type);

/* >>npy */
/* NumPy .npy files (v1/v2/v3 headers, little-endian float32, float64, int64,
   int32, uint8, bool; C order). Load allocates out->data with malloc: free it
   with cam_npy_free(). Header sizes and dims are checked against the file. */
CAM_API cam_result cam_npy_load(const char *path, cam_tensor *out, cam_error *err);
CAM_API cam_result cam_npy_load_memory(const void *data, size_t size, cam_tensor *out, cam_error *err);
CAM_API cam_result cam_npy_save(const char *path, const cam_tensor *t, cam_error *err);
CAM_API void cam_npy_free(cam_tensor *t); /* frees data, sets it to NULL */

/* ONNX TensorProto (the input_K.pb / output_K.pb files of ONNX's tests).
   Allocates out->data with malloc: free it with cam_npy_free(). */
CAM_API cam_result cam_tensor_proto_load_memory(const void *data, size_t size, cam_tensor *out, cam_error *err);
CAM_API cam_result cam_tensor_proto_load(const char *path, cam_tensor *out, cam_error *err);

/* >>steps */
/* The compiled steps (after folding and fusion), for profiling. Valid while
   the plan is (until the next re-plan). */
typedef struct cam_step_info {
    const char *op;      /* "Conv+BN+Add+Relu", "MaxPool", ... */
    const char *output;  /* name of the step's (first) output */
    int ndim;
    int64_t dims[CAM_MAX_NDIM];
    int64_t macs;
} cam_step_info;

CAM_API int cam_net_step_count(const cam_net *net);
CAM_API cam_result cam_net_step(const cam_net *net, int i, cam_step_info *info);
/* Called by forward with step -1 before the first step, then with each step
   index after it ran (timing per step without a clock in the library). */
typedef void (*cam_step_callback)(void *user, int step);
CAM_API void cam_net_set_step_callback(cam_net *net, cam_step_callback fn, void *user);

/* "avx2+fma", "neon" or "scalar". */
CAM_API const char *cam_simd_name(void);

/* >>cam-head */
typedef enum cam_pool_kind {
    CAM_POOL_AVG = 0, /* GlobalAveragePool, ReduceMean over H,W, whole-map AveragePool */
    CAM_POOL_MAX      /* GlobalMaxPool */
} cam_pool_kind;

/* The CAM head found at load (or named in cam_net_desc). Pointers owned by net. */
typedef struct cam_head {
    const char *feature;     /* name of the feature tensor f: N x K x h x w */
    const char *scores;      /* name of the class score tensor (logits) */
    cam_pool_kind pool;
    int conv_classifier;     /* 1: a 1x1-conv classifier before pooling (SqueezeNet):
                                feature is then its output and weights is identity-free */
    int n_classes;           /* C */
    int n_channels;          /* K */
    const float *weights;    /* C x K row-major (NULL when conv_classifier) */
    const float *bias;       /* C or NULL */
} cam_head;

/* CAM_ERR_NOT_FOUND with a message saying why when the model has no CAM head. */
CAM_API cam_result cam_net_head(const cam_net *net, cam_head *head);
/* Why cam_net_head() found no head ("" when it did). Owned by net. */
CAM_API const char *cam_net_head_error(const cam_net *net);

#ifdef __cplusplus
}
#endif

/* The CAM, box, image and picture API; then evaluation metrics and SVMs. */
#include "dev/cam_vis_api.inc"
#include "dev/cam_eval_api.inc"
#include "dev/cam_grad_api.inc"

#endif /* CAM_H_INCLUDED */

/* ======================================================================== */
#ifdef CAM_IMPLEMENTATION
#ifndef CAM_IMPLEMENTATION_DONE
#define CAM_IMPLEMENTATION_DONE

/* >>implementation */

#include "cam_simd.h"
#include "dev/cam_threadpool.inc"

/* >>engine */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <math.h>
#include <float.h>

#ifndef CAM_MAX_DIM
#define CAM_MAX_DIM (1 << 24)
#endif
#ifndef CAM_MAX_ELEMENTS
#define CAM_MAX_ELEMENTS ((int64_t)1 << 31)
#endif

/* Kernels: cam_simd.h provides them once CAM__CONV_OC_BLOCK is defined;
   until then (and for shapes the kernels do not take) the scalar engine path
   below is used. cam__k_* is what the engine calls. */

/* >>errors-impl */
CAM_API const char *cam_result_str(cam_result r)
{
    switch (r) {
#define CAM__RESULT_CASE(name, value, text) \
    case name:                              \
        return text;
        CAM_RESULTS(CAM__RESULT_CASE)
#undef CAM__RESULT_CASE
    default:
        break;
    }
    return "unknown error";
}

static cam_result cam__errf(char *buf, cam_result code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, CAM_ERROR_MESSAGE_SIZE, fmt, ap);
    va_end(ap);
    return code;
}

static cam_result cam__seterr(cam_error *err, cam_result code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->message, CAM_ERROR_MESSAGE_SIZE, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* >>tensors-impl */
CAM_API int64_t cam_tensor_count(const cam_tensor *t)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < t->ndim; i++)
        n *= t->dims[i];
    return n;
}

CAM_API size_t cam_dtype_size(cam_dtype dt)
{
    switch (dt) {
    case CAM_FLOAT32: return 4;
    case CAM_INT64: return 8;
    case CAM_INT32: return 4;
    case CAM_UINT8: return 1;
    case CAM_INT8: return 1;
    case CAM_BOOL: return 1;
    case CAM_DOUBLE: return 8;
    default: return 0;
    }
}

CAM_API const char *cam_dtype_name(cam_dtype dt)
{
    static const char *const names[] = {"float32", "int64", "int32", "uint8", "int8", "bool", "float64"};
    if ((int)dt < 0 || (int)dt >= (int)CAM_DTYPE_COUNT)
        return "unknown";
    return names[dt];
}

/* Element count of dims with the limits applied; -1 when over CAM_MAX_DIM,
   CAM_MAX_ELEMENTS or negative. Used on everything read from files. */
static int64_t cam__checked_count(int ndim, const int64_t *dims)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < ndim; i++) {
        if (dims[i] < 0 || dims[i] > CAM_MAX_DIM)
            return -1;
        if (dims[i] && n > CAM_MAX_ELEMENTS / dims[i])
            return -1;
        n *= dims[i];
    }
    return n > CAM_MAX_ELEMENTS ? -1 : n;
}

/* >>memory-impl */
static void *cam__default_alloc(size_t size, size_t align, void *user)
{
    unsigned char *raw, *p;
    (void)user;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (size > (size_t)-1 - align - sizeof(void *))
        return NULL;
    raw = (unsigned char *)malloc(size + align + sizeof(void *));
    if (!raw)
        return NULL;
    p = raw + sizeof(void *);
    p += (align - ((uintptr_t)p % align)) % align;
    memcpy(p - sizeof(void *), &raw, sizeof(void *));
    return p;
}

static void cam__default_free(void *ptr, void *user)
{
    unsigned char *raw;
    (void)user;
    if (!ptr)
        return;
    memcpy(&raw, (unsigned char *)ptr - sizeof(void *), sizeof(void *));
    free(raw);
}

/* Every allocation of a net carries this header so that lists of them can be
   freed in one go (model memory at free, plan memory at re-plan) and the
   bytes held can be reported. */
typedef struct cam__mem {
    struct cam__mem *next, *prev;
    size_t size;
} cam__mem;
#define CAM__HDR 64

typedef struct cam__heap {
    cam_allocator a;
    int64_t live, peak;
} cam__heap;

static void *cam__halloc(cam__heap *h, cam__mem **list, size_t size)
{
    unsigned char *p;
    cam__mem *m;
    if (size > (size_t)-1 - 2 * CAM__HDR)
        return NULL;
    p = (unsigned char *)h->a.alloc(size + CAM__HDR, 64, h->a.user);
    if (!p)
        return NULL;
    m = (cam__mem *)p;
    m->size = size;
    m->prev = NULL;
    m->next = *list;
    if (*list)
        (*list)->prev = m;
    *list = m;
    h->live += (int64_t)size;
    if (h->live > h->peak)
        h->peak = h->live;
    return p + CAM__HDR;
}

static void *cam__hcalloc(cam__heap *h, cam__mem **list, size_t n, size_t size)
{
    void *p;
    if (size && n > ((size_t)-1 >> 1) / size)
        return NULL;
    p = cam__halloc(h, list, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

static void cam__hfree(cam__heap *h, cam__mem **list, void *ptr)
{
    cam__mem *m;
    if (!ptr)
        return;
    m = (cam__mem *)((unsigned char *)ptr - CAM__HDR);
    if (m->prev)
        m->prev->next = m->next;
    else
        *list = m->next;
    if (m->next)
        m->next->prev = m->prev;
    h->live -= (int64_t)m->size;
    h->a.free(m, h->a.user);
}

static void cam__hfree_all(cam__heap *h, cam__mem **list)
{
    cam__mem *m = *list;
    while (m) {
        cam__mem *next = m->next;
        h->live -= (int64_t)m->size;
        h->a.free(m, h->a.user);
        m = next;
    }
    *list = NULL;
}

/* >>protobuf */
/* Minimal protobuf wire-format reader. Every length is checked against the
   bytes that remain before it is used. */
typedef struct cam__pb {
    const uint8_t *p, *end;
} cam__pb;

typedef struct cam__pbf {
    uint32_t field;
    int wire;
    uint64_t v;  /* varint / fixed value */
    cam__pb sub; /* length-delimited payload */
} cam__pbf;

static int cam__pb_varint(cam__pb *b, uint64_t *out)
{
    uint64_t v = 0;
    int shift = 0;
    while (b->p < b->end) {
        uint8_t c = *b->p++;
        if (shift == 63 && c > 1)
            return -1;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
        shift += 7;
        if (shift > 63)
            return -1;
    }
    return -1;
}

/* 1: a field was read, 0: end of message, -1: malformed. */
static int cam__pb_next(cam__pb *b, cam__pbf *f)
{
    uint64_t key, len;
    if (b->p >= b->end)
        return 0;
    if (cam__pb_varint(b, &key))
        return -1;
    f->field = (uint32_t)(key >> 3);
    f->wire = (int)(key & 7);
    if (f->field == 0 || (key >> 3) > 0x1fffffff)
        return -1;
    f->v = 0;
    f->sub.p = f->sub.end = NULL;
    switch (f->wire) {
    case 0:
        return cam__pb_varint(b, &f->v) ? -1 : 1;
    case 1:
        if (b->end - b->p < 8)
            return -1;
        memcpy(&f->v, b->p, 8);
        b->p += 8;
        return 1;
    case 5: {
        uint32_t x;
        if (b->end - b->p < 4)
            return -1;
        memcpy(&x, b->p, 4);
        f->v = x;
        b->p += 4;
        return 1;
    }
    case 2:
        if (cam__pb_varint(b, &len) || len > (uint64_t)(b->end - b->p))
            return -1;
        f->sub.p = b->p;
        f->sub.end = b->p + len;
        b->p += len;
        return 1;
    default:
        return -1;
    }
}

/* Number of elements in a repeated scalar field occurrence (packed or not). */
static int64_t cam__pb_rep_count(const cam__pbf *f, int elem_wire)
{
    if (f->wire == elem_wire)
        return 1;
    if (f->wire != 2)
        return -1;
    if (elem_wire == 5)
        return (f->sub.end - f->sub.p) % 4 ? -1 : (f->sub.end - f->sub.p) / 4;
    if (elem_wire == 1)
        return (f->sub.end - f->sub.p) % 8 ? -1 : (f->sub.end - f->sub.p) / 8;
    {
        const uint8_t *p;
        int64_t n = 0;
        if (f->sub.p < f->sub.end && (f->sub.end[-1] & 0x80))
            return -1;
        for (p = f->sub.p; p < f->sub.end; p++)
            n += !(*p & 0x80);
        return n;
    }
}

/* Decodes the elements of one occurrence into dst starting at element *pos
   (at most max elements in all). kind: 0 float (fixed32 bits), 1 double
   (fixed64), 2 int64 (varint), 3 int32 (varint), 4 uint8/int8/bool (varint). */
static int cam__pb_rep_decode(const cam__pbf *f, int kind, void *dst, int64_t *pos, int64_t max)
{
    int elem_wire = kind == 0 ? 5 : kind == 1 ? 1 : 0;
    cam__pb b;
    if (f->wire == elem_wire) {
        /* one unpacked element (older writers do not pack repeated scalars) */
        uint64_t v = f->v;
        if (*pos >= max)
            return -1;
        switch (kind) {
        case 0: { uint32_t x = (uint32_t)v; memcpy((float *)dst + *pos, &x, 4); break; }
        case 1: memcpy((double *)dst + *pos, &v, 8); break;
        case 2: ((int64_t *)dst)[*pos] = (int64_t)v; break;
        case 3: ((int32_t *)dst)[*pos] = (int32_t)v; break;
        default: ((uint8_t *)dst)[*pos] = (uint8_t)v; break;
        }
        (*pos)++;
        return 0;
    }
    if (f->wire != 2)
        return -1;
    b = f->sub;
    if (kind <= 1) {
        size_t sz = kind == 0 ? 4 : 8;
        size_t n = (size_t)(b.end - b.p) / sz;
        if ((size_t)(b.end - b.p) % sz || (int64_t)n > max - *pos)
            return -1;
        if (!n)
            return 0;
        memcpy((unsigned char *)dst + (size_t)*pos * sz, b.p, n * sz);
        *pos += (int64_t)n;
        return 0;
    }
    while (b.p < b.end) {
        uint64_t v;
        if (*pos >= max || cam__pb_varint(&b, &v))
            return -1;
        if (kind == 2)
            ((int64_t *)dst)[*pos] = (int64_t)v;
        else if (kind == 3)
            ((int32_t *)dst)[*pos] = (int32_t)v;
        else
            ((uint8_t *)dst)[*pos] = (uint8_t)v;
        (*pos)++;
    }
    return 0;
}

/* >>net-structs */
#define CAM__OPS(X)                                                                     \
    X(Conv) X(Relu) X(Clip) X(LeakyRelu) X(PRelu) X(Sigmoid) X(HardSigmoid) X(HardSwish) \
    X(Tanh) X(Add) X(Sub) X(Mul) X(Div) X(Sum) X(Max) X(Min) X(Mean)                    \
    X(BatchNormalization) X(MaxPool) X(AveragePool) X(GlobalAveragePool)                \
    X(GlobalMaxPool) X(ReduceMean) X(LRN) X(Concat) X(Flatten) X(Reshape) X(Transpose)  \
    X(Gemm) X(MatMul) X(Softmax) X(LogSoftmax) X(Dropout) X(Identity) X(Constant) X(Pad) \
    X(Shape) X(Gather) X(Unsqueeze) X(Squeeze) X(Slice) X(Cast) X(Exp) X(Sqrt) X(Neg)    \
    X(Abs) X(Reciprocal) X(Floor) X(Ceil)

enum {
#define CAM__OP_ENUM(n) CAM__OP_##n,
    CAM__OPS(CAM__OP_ENUM)
#undef CAM__OP_ENUM
    CAM__OP_COUNT
};

static const char *const cam__op_names[] = {
#define CAM__OP_NAME(n) #n,
    CAM__OPS(CAM__OP_NAME)
#undef CAM__OP_NAME
};

static int cam__op_find(const char *name)
{
    int i;
    for (i = 0; i < CAM__OP_COUNT; i++)
        if (!strcmp(cam__op_names[i], name))
            return i;
    return -1;
}

CAM_API int cam_net_supports_op(const char *op_type)
{
    return op_type && cam__op_find(op_type) >= 0;
}

typedef struct cam__attr {
    const char *name;
    int type; /* ONNX AttributeType: 1 float 2 int 3 string 4 tensor 5 graph 6 floats 7 ints 8 strings */
    float f;
    int64_t i;
    const char *s;
    int n;
    float *floats;
    int64_t *ints;
    const char **strings;
    cam_tensor t;
    int has_t;
} cam__attr;

typedef struct cam__node {
    const char *name, *op_type, *domain;
    int op; /* CAM__OP_*, -1 unknown */
    int n_in, n_out, n_attr;
    const char **in_names, **out_names;
    int *in, *out; /* value ids; -1: omitted optional */
    cam__attr *attr;
    int dead;      /* removed at load (a BatchNormalization folded into its Conv) */
    /* Conv prepared at load (constant weights) */
    float *packed; /* packed per group, or NULL */
    float *bias;   /* [oc] (BatchNormalization folded in) or NULL */
    int bn_folded;
    int64_t oc, icg, kh, kw, group;
} cam__node;

enum { CAM__V_NONE = 0, CAM__V_CONST, CAM__V_INPUT, CAM__V_RUNTIME };

typedef struct cam__value {
    const char *name;
    int is_init;       /* initializer: init holds it (data may be NULL once packed away) */
    int shared;        /* init data shared with another value (Identity of an initializer) */
    cam_tensor init;
    int has_vi;        /* ValueInfo of a graph input/output */
    cam_tensor vi;     /* dims -1 where symbolic */
    int input_index;   /* graph input index or -1 */
    /* plan state */
    int state;
    cam_tensor t;      /* dtype, shape, data */
    int root;          /* storage root (aliases share their root's bytes) */
    size_t sub;        /* byte offset inside the root (a Concat input written in place) */
    size_t bytes, offset;
    int first, last;   /* lifetime in steps */
    int keep;
    int producer;      /* step index, -1 */
    int uses;          /* consumer steps + graph output */
} cam__value;

#define CAM__MAX_IN 4

typedef struct cam__step {
    int op;
    int node;
    int n_in, n_out;
    int *in, *out;
    int dead;
    int alias;            /* run-time no-op: output shares the input's bytes */
    int fused;            /* bit 1: BN, 2: Add, 4: activation */
    cam__act_params act;
    int res;              /* value id of a fused residual, -1 */
    int scratch;          /* value id of a planned scratch buffer, -1 */
    int64_t macs;
    /* op parameters */
    int64_t p[24];        /* op-specific integers (kernel, stride, pads, axis...) */
    int64_t q[2 * CAM_MAX_NDIM]; /* per-axis values (Slice starts/steps, Pad pads) */
    float f[4];           /* op-specific floats */
    int64_t perm[CAM_MAX_NDIM];
    const float *w;       /* prepared weights (packed conv, transposed gemm) */
    const float *bias;
    int dense;            /* conv: 1 dense kernel, 2 depthwise, 0 scalar reference */
    char label[48];       /* "Conv+BN+Add+Relu" */
} cam__step;

typedef void (*cam__step_cb)(void *user, int step);

struct cam_net {
    cam__heap heap;
    cam__mem *model_mem, *plan_mem;
    char err[CAM_ERROR_MESSAGE_SIZE];
    /* model */
    int opset;
    int64_t ir_version;
    int n_meta;
    const char **meta_key, **meta_val;
    int n_nodes;
    cam__node *nodes;
    int n_values, cap_values;
    cam__value *values;
    int *hash;
    int hash_cap;
    int n_inputs, n_outputs;
    int *inputs, *outputs;
    int64_t params;
    int64_t packed_bytes;
    /* desc */
    int threads;
    int no_fuse;
    int batch, height, width;
    const char **keep;
    int n_keep;
    const char *cam_feature, *cam_weights, *cam_bias;
    /* input shapes for planning; int64 inputs' values when planned as constants */
    int64_t (*in_dims)[CAM_MAX_NDIM];
    int *in_ndim;
    int64_t **in_vals;     /* model memory, per input, or NULL */
    int int_consts;        /* current plan treats int64 inputs as constants */
    int pending;           /* plan waits for int64 input values */
    /* plan */
    int planned;
    int n_steps;
    cam__step *steps;
    unsigned char *arena;
    size_t arena_bytes;
    int64_t macs;
    /* CAM head */
    int head_ok;
    cam_head head;
    char head_err[CAM_ERROR_MESSAGE_SIZE];
    float *head_w, *head_b;
    /* threads */
    void *pool;
    int pool_threads;
    /* profiling hook */
    cam__step_cb cb;
    void *cb_user;
};

/* How messages name a node: its name, else its first output. */
static const char *cam__node_label(const cam__node *n)
{
    return n->name[0] ? n->name : n->n_out > 0 ? n->out_names[0] : "(unnamed)";
}

static cam_result cam__fail(cam_net *net, cam_result code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net->err, sizeof net->err, fmt, ap);
    va_end(ap);
    return code;
}

static void *cam__malloc_model(cam_net *net, size_t size)
{
    return cam__hcalloc(&net->heap, &net->model_mem, 1, size ? size : 1);
}

static void *cam__malloc_plan(cam_net *net, size_t size)
{
    return cam__hcalloc(&net->heap, &net->plan_mem, 1, size ? size : 1);
}

static const char *cam__strdup_n(cam_net *net, const uint8_t *s, size_t n)
{
    char *p = (char *)cam__malloc_model(net, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static uint32_t cam__hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static int cam__value_find(const cam_net *net, const char *name)
{
    uint32_t h;
    if (!name || !net->hash)
        return -1;
    h = cam__hash_str(name) & (uint32_t)(net->hash_cap - 1);
    while (net->hash[h] >= 0) {
        if (!strcmp(net->values[net->hash[h]].name, name))
            return net->hash[h];
        h = (h + 1) & (uint32_t)(net->hash_cap - 1);
    }
    return -1;
}

/* Finds or adds a value; -1 when the table is full (sized from counts read
   in a first pass, so that means a malformed file). */
static int cam__value_get(cam_net *net, const char *name)
{
    uint32_t h = cam__hash_str(name) & (uint32_t)(net->hash_cap - 1);
    cam__value *v;
    while (net->hash[h] >= 0) {
        if (!strcmp(net->values[net->hash[h]].name, name))
            return net->hash[h];
        h = (h + 1) & (uint32_t)(net->hash_cap - 1);
    }
    if (net->n_values >= net->cap_values)
        return -1;
    v = &net->values[net->n_values];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->input_index = -1;
    v->producer = -1;
    v->root = net->n_values;
    net->hash[h] = net->n_values;
    return net->n_values++;
}

/* >>onnx-reader */
typedef struct cam__ld {
    cam_net *net;
    const uint8_t *base;
} cam__ld;

#define CAM__BAD(ld, b, what) \
    cam__fail((ld)->net, CAM_ERR_FORMAT, "onnx: malformed %s at byte %ld", what, (long)((b)->p - (ld)->base))

static int cam__dtype_from_onnx(int64_t t, cam_dtype *dt)
{
    switch (t) {
    case 1: *dt = CAM_FLOAT32; return 1;
    case 2: *dt = CAM_UINT8; return 1;
    case 3: *dt = CAM_INT8; return 1;
    case 6: *dt = CAM_INT32; return 1;
    case 7: *dt = CAM_INT64; return 1;
    case 9: *dt = CAM_BOOL; return 1;
    case 11: *dt = CAM_DOUBLE; return 1;
    default: return 0;
    }
}

static const char *cam__onnx_type_name(int64_t t)
{
    static const char *const n[] = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32",
                                    "int64", "string", "bool", "float16", "double", "uint32", "uint64",
                                    "complex64", "complex128", "bfloat16"};
    return t >= 0 && t <= 16 ? n[t] : "unknown";
}

/* TensorProto -> cam_tensor with data allocated by alloc_fn (model memory for
   the net, malloc for the public loader). name may be NULL. */
typedef void *(*cam__alloc_fn)(void *ctx, size_t size);

static cam_result cam__parse_tensor(char *err, const uint8_t *base, cam__pb msg, cam_tensor *t, const char **name,
                                    size_t *name_len, cam__alloc_fn alloc, void *actx)
{
    cam__pb b = msg;
    cam__pbf f;
    int r, ndim = 0;
    int64_t dtype_onnx = 1, n_typed = 0, count, pos;
    const uint8_t *raw = NULL;
    size_t raw_len = 0, esz;
    int has_raw = 0, external = 0, kind;
    const char *nm = "";
    size_t nlen = 0;
    memset(t, 0, sizeof *t);
    /* pass 1: dims, type, where the data is */
    while ((r = cam__pb_next(&b, &f)) == 1) {
        switch (f.field) {
        case 1: {
            int64_t c = cam__pb_rep_count(&f, 0);
            if (c < 0 || ndim + c > CAM_MAX_NDIM)
                return cam__errf(err, c < 0 ? CAM_ERR_FORMAT : CAM_ERR_LIMIT,
                                 "onnx: tensor has more than %d dims or malformed dims (byte %ld)", CAM_MAX_NDIM,
                                 (long)(f.sub.p ? f.sub.p - base : b.p - base));
            pos = ndim;
            if (cam__pb_rep_decode(&f, 2, t->dims, &pos, CAM_MAX_NDIM))
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed tensor dims at byte %ld", (long)(b.p - base));
            ndim = (int)pos;
            break;
        }
        case 2:
            if (f.wire != 0)
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed tensor data_type at byte %ld", (long)(b.p - base));
            dtype_onnx = (int64_t)f.v;
            break;
        case 4: case 5: case 7: case 10: case 11: {
            int ew = f.field == 4 ? 5 : f.field == 10 || f.field == 11 ? 1 : 0;
            int64_t c = cam__pb_rep_count(&f, ew);
            if (c < 0 || n_typed > CAM_MAX_ELEMENTS)
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed tensor data at byte %ld", (long)(b.p - base));
            n_typed += c;
            break;
        }
        case 8:
            if (f.wire != 2)
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed tensor name at byte %ld", (long)(b.p - base));
            nm = (const char *)f.sub.p;
            nlen = (size_t)(f.sub.end - f.sub.p);
            break;
        case 9:
            if (f.wire != 2)
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed raw_data at byte %ld", (long)(b.p - base));
            raw = f.sub.p;
            raw_len = (size_t)(f.sub.end - f.sub.p);
            has_raw = 1;
            break;
        case 14:
            if (f.v == 1)
                external = 1;
            break;
        default:
            break;
        }
    }
    if (r < 0)
        return cam__errf(err, CAM_ERR_FORMAT, "onnx: truncated or malformed tensor at byte %ld", (long)(b.p - base));
    if (name) {
        *name = nm;
        *name_len = nlen;
    }
    if (external)
        return cam__errf(err, CAM_ERR_UNSUPPORTED, "onnx: tensor '%.*s' has external data (not supported)",
                         (int)(nlen > 64 ? 64 : nlen), nm);
    if (!cam__dtype_from_onnx(dtype_onnx, &t->dtype))
        return cam__errf(err, CAM_ERR_UNSUPPORTED, "onnx: tensor '%.*s' has data type %s (not supported)",
                         (int)(nlen > 64 ? 64 : nlen), nm, cam__onnx_type_name(dtype_onnx));
    t->ndim = ndim;
    count = cam__checked_count(ndim, t->dims);
    if (count < 0)
        return cam__errf(err, CAM_ERR_LIMIT, "onnx: tensor '%.*s' dims exceed CAM_MAX_DIM/CAM_MAX_ELEMENTS or are negative",
                         (int)(nlen > 64 ? 64 : nlen), nm);
    esz = cam_dtype_size(t->dtype);
    if (has_raw) {
        if (raw_len != (size_t)count * esz)
            return cam__errf(err, CAM_ERR_FORMAT, "onnx: tensor '%.*s' raw_data has %lu bytes, expected %lu",
                             (int)(nlen > 64 ? 64 : nlen), nm, (unsigned long)raw_len,
                             (unsigned long)((size_t)count * esz));
    } else if (n_typed != count) {
        return cam__errf(err, CAM_ERR_FORMAT, "onnx: tensor '%.*s' has %ld data values, expected %ld",
                         (int)(nlen > 64 ? 64 : nlen), nm, (long)n_typed, (long)count);
    }
    t->data = alloc(actx, (size_t)count * esz);
    if (!t->data)
        return cam__errf(err, CAM_ERR_NOMEM, "onnx: out of memory for tensor '%.*s'", (int)(nlen > 64 ? 64 : nlen), nm);
    if (has_raw) {
        if (raw_len)
            memcpy(t->data, raw, raw_len);
        return CAM_OK;
    }
    /* pass 2: typed fields */
    kind = t->dtype == CAM_FLOAT32 ? 0 : t->dtype == CAM_DOUBLE ? 1 : t->dtype == CAM_INT64 ? 2
         : t->dtype == CAM_INT32 ? 3 : 4;
    b = msg;
    pos = 0;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        int want = kind == 0 ? 4 : kind == 1 ? 10 : kind == 2 ? 7 : 5;
        if (f.field == 4 || f.field == 5 || f.field == 7 || f.field == 10 || f.field == 11) {
            if ((int)f.field != want)
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: tensor '%.*s' stores %s values in the wrong field",
                                 (int)(nlen > 64 ? 64 : nlen), nm, cam_dtype_name(t->dtype));
            if (cam__pb_rep_decode(&f, kind, t->data, &pos, count))
                return cam__errf(err, CAM_ERR_FORMAT, "onnx: malformed tensor data at byte %ld", (long)(b.p - base));
        }
    }
    return CAM_OK;
}

static void *cam__alloc_model_cb(void *ctx, size_t size)
{
    return cam__malloc_model((cam_net *)ctx, size);
}

static cam_result cam__ld_str(cam__ld *ld, const cam__pbf *f, const char **out, cam__pb *b, const char *what)
{
    if (f->wire != 2)
        return CAM__BAD(ld, b, what);
    *out = cam__strdup_n(ld->net, f->sub.p, (size_t)(f->sub.end - f->sub.p));
    return *out ? CAM_OK : cam__fail(ld->net, CAM_ERR_NOMEM, "onnx: out of memory");
}

static cam_result cam__parse_attr(cam__ld *ld, cam__pb msg, cam__attr *a)
{
    cam__pb b = msg;
    cam__pbf f;
    int r;
    int64_t nf = 0, ni = 0, ns = 0, pos;
    cam_result res;
    a->name = "";
    a->type = 0;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        switch (f.field) {
        case 1: if ((res = cam__ld_str(ld, &f, &a->name, &b, "attribute name"))) return res; break;
        case 20: a->type = (int)f.v; break;
        case 2:
            if (f.wire != 5) return CAM__BAD(ld, &b, "attribute float");
            { uint32_t x = (uint32_t)f.v; memcpy(&a->f, &x, 4); }
            if (!a->type) a->type = 1;
            break;
        case 3:
            if (f.wire != 0) return CAM__BAD(ld, &b, "attribute int");
            a->i = (int64_t)f.v;
            if (!a->type) a->type = 2;
            break;
        case 4: if ((res = cam__ld_str(ld, &f, &a->s, &b, "attribute string"))) return res;
            if (!a->type) a->type = 3;
            break;
        case 5: {
            cam_result rr;
            if (f.wire != 2) return CAM__BAD(ld, &b, "attribute tensor");
            rr = cam__parse_tensor(ld->net->err, ld->base, f.sub, &a->t, NULL, NULL, cam__alloc_model_cb, ld->net);
            if (rr) return rr;
            a->has_t = 1;
            if (!a->type) a->type = 4;
            break;
        }
        case 7: {
            int64_t c = cam__pb_rep_count(&f, 5);
            if (c < 0 || c > CAM_MAX_DIM) return CAM__BAD(ld, &b, "attribute floats");
            nf += c;
            break;
        }
        case 8: {
            int64_t c = cam__pb_rep_count(&f, 0);
            if (c < 0 || c > CAM_MAX_DIM) return CAM__BAD(ld, &b, "attribute ints");
            ni += c;
            break;
        }
        case 9: if (f.wire != 2) return CAM__BAD(ld, &b, "attribute strings"); ns++; break;
        default: break; /* graphs, sparse tensors, type protos: not used by supported ops */
        }
    }
    if (r < 0)
        return CAM__BAD(ld, &b, "attribute");
    if (nf > CAM_MAX_DIM || ni > CAM_MAX_DIM || ns > CAM_MAX_DIM)
        return cam__fail(ld->net, CAM_ERR_LIMIT, "onnx: attribute '%s' has too many values", a->name);
    if (nf) {
        a->floats = (float *)cam__malloc_model(ld->net, (size_t)nf * 4);
        if (!a->floats) return cam__fail(ld->net, CAM_ERR_NOMEM, "onnx: out of memory");
        if (!a->type) a->type = 6;
    }
    if (ni) {
        a->ints = (int64_t *)cam__malloc_model(ld->net, (size_t)ni * 8);
        if (!a->ints) return cam__fail(ld->net, CAM_ERR_NOMEM, "onnx: out of memory");
        if (!a->type) a->type = 7;
    }
    if (ns) {
        a->strings = (const char **)cam__malloc_model(ld->net, (size_t)ns * sizeof(char *));
        if (!a->strings) return cam__fail(ld->net, CAM_ERR_NOMEM, "onnx: out of memory");
        if (!a->type) a->type = 8;
    }
    a->n = a->type == 6 ? (int)nf : a->type == 7 ? (int)ni : a->type == 8 ? (int)ns : 0;
    if (!nf && !ni && !ns)
        return CAM_OK;
    b = msg;
    pos = 0;
    {
        int64_t pi = 0, ps = 0;
        while ((r = cam__pb_next(&b, &f)) == 1) {
            if (f.field == 7 && cam__pb_rep_decode(&f, 0, a->floats, &pos, nf)) return CAM__BAD(ld, &b, "attribute floats");
            if (f.field == 8 && cam__pb_rep_decode(&f, 2, a->ints, &pi, ni)) return CAM__BAD(ld, &b, "attribute ints");
            if (f.field == 9 && (res = cam__ld_str(ld, &f, &a->strings[ps++], &b, "attribute strings"))) return res;
        }
    }
    return CAM_OK;
}

static cam_result cam__parse_node(cam__ld *ld, cam__pb msg, cam__node *nd)
{
    cam__pb b = msg;
    cam__pbf f;
    int r, ni = 0, no = 0, na = 0;
    cam_result res;
    nd->name = nd->op_type = nd->domain = "";
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 1) ni++;
        else if (f.field == 2) no++;
        else if (f.field == 5) na++;
        if ((f.field == 1 || f.field == 2 || f.field == 5) && f.wire != 2)
            return CAM__BAD(ld, &b, "node");
    }
    if (r < 0)
        return CAM__BAD(ld, &b, "node");
    nd->in_names = (const char **)cam__malloc_model(ld->net, (size_t)ni * sizeof(char *));
    nd->out_names = (const char **)cam__malloc_model(ld->net, (size_t)no * sizeof(char *));
    nd->in = (int *)cam__malloc_model(ld->net, (size_t)ni * sizeof(int));
    nd->out = (int *)cam__malloc_model(ld->net, (size_t)no * sizeof(int));
    nd->attr = (cam__attr *)cam__malloc_model(ld->net, (size_t)na * sizeof(cam__attr));
    if (!nd->in_names || !nd->out_names || !nd->in || !nd->out || !nd->attr)
        return cam__fail(ld->net, CAM_ERR_NOMEM, "onnx: out of memory");
    b = msg;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        switch (f.field) {
        case 1: if ((res = cam__ld_str(ld, &f, &nd->in_names[nd->n_in++], &b, "node input"))) return res; break;
        case 2: if ((res = cam__ld_str(ld, &f, &nd->out_names[nd->n_out++], &b, "node output"))) return res; break;
        case 3: if ((res = cam__ld_str(ld, &f, &nd->name, &b, "node name"))) return res; break;
        case 4: if ((res = cam__ld_str(ld, &f, &nd->op_type, &b, "node op_type"))) return res; break;
        case 7: if ((res = cam__ld_str(ld, &f, &nd->domain, &b, "node domain"))) return res; break;
        case 5:
            if ((res = cam__parse_attr(ld, f.sub, &nd->attr[nd->n_attr++]))) return res;
            break;
        default: break;
        }
    }
    return CAM_OK;
}

/* ValueInfoProto -> name and tensor type (dims -1 where symbolic). */
static cam_result cam__parse_vi(cam__ld *ld, cam__pb msg, const char **name, cam_tensor *t, int *has_type)
{
    cam__pb b = msg, tb, sb, db;
    cam__pbf f, g, h, k;
    int r;
    cam_result res;
    *name = "";
    *has_type = 0;
    memset(t, 0, sizeof *t);
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 1) {
            if ((res = cam__ld_str(ld, &f, name, &b, "value info name"))) return res;
        } else if (f.field == 2 && f.wire == 2) {
            tb = f.sub;
            while ((r = cam__pb_next(&tb, &g)) == 1) {
                if (g.field != 1 || g.wire != 2) continue; /* tensor_type only */
                sb = g.sub;
                *has_type = 1;
                t->dtype = CAM_FLOAT32;
                while ((r = cam__pb_next(&sb, &h)) == 1) {
                    if (h.field == 1) {
                        cam_dtype dt;
                        if (cam__dtype_from_onnx((int64_t)h.v, &dt)) t->dtype = dt;
                        else t->dtype = CAM_DTYPE_COUNT;
                    } else if (h.field == 2 && h.wire == 2) {
                        cam__pb shp = h.sub;
                        while ((r = cam__pb_next(&shp, &k)) == 1) {
                            cam__pbf m;
                            if (k.field != 1 || k.wire != 2) continue;
                            if (t->ndim >= CAM_MAX_NDIM)
                                return cam__fail(ld->net, CAM_ERR_LIMIT, "onnx: value '%s' has more than %d dims", *name, CAM_MAX_NDIM);
                            t->dims[t->ndim] = -1;
                            db = k.sub;
                            while ((r = cam__pb_next(&db, &m)) == 1)
                                if (m.field == 1 && m.wire == 0) {
                                    if ((int64_t)m.v < 0 || (int64_t)m.v > CAM_MAX_DIM)
                                        return cam__fail(ld->net, CAM_ERR_LIMIT, "onnx: value '%s' dim %d = %lld exceeds CAM_MAX_DIM",
                                                         *name, t->ndim, (long long)(int64_t)m.v);
                                    t->dims[t->ndim] = (int64_t)m.v;
                                }
                            if (r < 0) return CAM__BAD(ld, &db, "dimension");
                            t->ndim++;
                        }
                        if (r < 0) return CAM__BAD(ld, &shp, "shape");
                    }
                }
                if (r < 0) return CAM__BAD(ld, &sb, "tensor type");
            }
            if (r < 0) return CAM__BAD(ld, &tb, "type");
        }
    }
    if (r < 0)
        return CAM__BAD(ld, &b, "value info");
    return CAM_OK;
}

static cam_result cam__parse_model(cam_net *net, const uint8_t *data, size_t size)
{
    cam__ld ld;
    cam__pb b, gb;
    cam__pbf f;
    int r, have_graph = 0, n_nodes = 0, n_init = 0, n_in = 0, n_out = 0, n_meta = 0, i;
    int64_t n_names = 0;
    cam_result res;
    ld.net = net;
    ld.base = data;
    b.p = data;
    b.end = data + size;
    net->opset = 0;
    /* pass 1 over the model: graph location, opset, metadata count */
    gb.p = gb.end = NULL;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 7) {
            if (f.wire != 2) return CAM__BAD(&ld, &b, "graph");
            gb = f.sub;
            have_graph = 1;
        } else if (f.field == 1) {
            net->ir_version = (int64_t)f.v;
        } else if (f.field == 8 && f.wire == 2) {
            cam__pb ob = f.sub;
            cam__pbf g;
            int default_domain = 1;
            int64_t ver = 0;
            while ((r = cam__pb_next(&ob, &g)) == 1) {
                if (g.field == 1 && g.wire == 2 && g.sub.end > g.sub.p &&
                    !(g.sub.end - g.sub.p == 7 && !memcmp(g.sub.p, "ai.onnx", 7)))
                    default_domain = 0;
                if (g.field == 2) ver = (int64_t)g.v;
            }
            if (r < 0) return CAM__BAD(&ld, &ob, "opset_import");
            if (default_domain && ver > 0 && ver < 1000) net->opset = (int)ver;
        } else if (f.field == 14) {
            if (f.wire != 2) return CAM__BAD(&ld, &b, "metadata_props");
            n_meta++;
        }
    }
    if (r < 0)
        return cam__fail(net, CAM_ERR_FORMAT, "onnx: truncated or malformed model at byte %ld of %lu",
                         (long)(b.p - data), (unsigned long)size);
    if (!have_graph)
        return cam__fail(net, CAM_ERR_FORMAT, "onnx: no graph in the model (not an ONNX file?)");
    if (!net->opset)
        net->opset = 1;
    /* metadata */
    net->meta_key = (const char **)cam__malloc_model(net, (size_t)n_meta * sizeof(char *));
    net->meta_val = (const char **)cam__malloc_model(net, (size_t)n_meta * sizeof(char *));
    if (!net->meta_key || !net->meta_val) return cam__fail(net, CAM_ERR_NOMEM, "onnx: out of memory");
    b.p = data;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 14) {
            cam__pb mb = f.sub;
            cam__pbf g;
            const char *k = "", *v = "";
            while ((r = cam__pb_next(&mb, &g)) == 1) {
                if (g.field == 1 && (res = cam__ld_str(&ld, &g, &k, &mb, "metadata key"))) return res;
                if (g.field == 2 && (res = cam__ld_str(&ld, &g, &v, &mb, "metadata value"))) return res;
            }
            if (r < 0) return CAM__BAD(&ld, &mb, "metadata entry");
            net->meta_key[net->n_meta] = k;
            net->meta_val[net->n_meta++] = v;
        }
    }
    /* pass 1 over the graph: counts */
    b = gb;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 1 || f.field == 5 || f.field == 11 || f.field == 12) {
            if (f.wire != 2) return CAM__BAD(&ld, &b, "graph field");
        }
        if (f.field == 1) {
            cam__pb nb = f.sub;
            cam__pbf g;
            n_nodes++;
            while ((r = cam__pb_next(&nb, &g)) == 1)
                if (g.field == 1 || g.field == 2) n_names++;
            if (r < 0) return CAM__BAD(&ld, &nb, "node");
        } else if (f.field == 5) n_init++;
        else if (f.field == 11) n_in++;
        else if (f.field == 12) n_out++;
    }
    if (r < 0)
        return cam__fail(net, CAM_ERR_FORMAT, "onnx: truncated or malformed graph at byte %ld of %lu",
                         (long)(b.p - data), (unsigned long)size);
    n_names += n_init + n_in + n_out;
    if (n_names > 1 << 24 || n_nodes > 1 << 22)
        return cam__fail(net, CAM_ERR_LIMIT, "onnx: graph too large (%d nodes)", n_nodes);
    net->cap_values = (int)n_names + 1;
    net->hash_cap = 16;
    while (net->hash_cap < 2 * net->cap_values) net->hash_cap *= 2;
    net->values = (cam__value *)cam__malloc_model(net, (size_t)net->cap_values * sizeof(cam__value));
    net->hash = (int *)cam__malloc_model(net, (size_t)net->hash_cap * sizeof(int));
    net->nodes = (cam__node *)cam__malloc_model(net, (size_t)n_nodes * sizeof(cam__node));
    net->inputs = (int *)cam__malloc_model(net, (size_t)n_in * sizeof(int));
    net->outputs = (int *)cam__malloc_model(net, (size_t)n_out * sizeof(int));
    if (!net->values || !net->hash || !net->nodes || !net->inputs || !net->outputs)
        return cam__fail(net, CAM_ERR_NOMEM, "onnx: out of memory");
    for (i = 0; i < net->hash_cap; i++) net->hash[i] = -1;
    /* pass 2: initializers first (so inputs that are initializers are known) */
    b = gb;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 5) {
            cam_tensor t;
            const char *nm;
            size_t nl;
            int id;
            const char *name;
            if ((res = cam__parse_tensor(net->err, data, f.sub, &t, &nm, &nl, cam__alloc_model_cb, net)))
                return res;
            name = cam__strdup_n(net, (const uint8_t *)nm, nl);
            if (!name) return cam__fail(net, CAM_ERR_NOMEM, "onnx: out of memory");
            id = cam__value_get(net, name);
            if (id < 0) return cam__fail(net, CAM_ERR_FORMAT, "onnx: too many names");
            if (net->values[id].is_init)
                return cam__fail(net, CAM_ERR_FORMAT, "onnx: initializer '%s' defined twice", name);
            net->values[id].is_init = 1;
            net->values[id].init = t;
            net->params += cam_tensor_count(&t);
        }
    }
    b = gb;
    while ((r = cam__pb_next(&b, &f)) == 1) {
        if (f.field == 11 || f.field == 12) {
            const char *nm;
            cam_tensor t;
            int id, has;
            if ((res = cam__parse_vi(&ld, f.sub, &nm, &t, &has))) return res;
            if (!*nm) return cam__fail(net, CAM_ERR_FORMAT, "onnx: graph %s without a name", f.field == 11 ? "input" : "output");
            id = cam__value_get(net, nm);
            if (id < 0) return cam__fail(net, CAM_ERR_FORMAT, "onnx: too many names");
            if (has) {
                net->values[id].has_vi = 1;
                net->values[id].vi = t;
            }
            if (f.field == 11) {
                if (net->values[id].is_init) continue;
                if (net->values[id].input_index >= 0)
                    return cam__fail(net, CAM_ERR_FORMAT, "onnx: graph input '%s' listed twice", nm);
                if (!has)
                    return cam__fail(net, CAM_ERR_FORMAT, "onnx: graph input '%s' has no tensor type", nm);
                if (t.dtype == CAM_DTYPE_COUNT)
                    return cam__fail(net, CAM_ERR_UNSUPPORTED, "onnx: graph input '%s' has an unsupported data type", nm);
                net->values[id].input_index = net->n_inputs;
                net->inputs[net->n_inputs++] = id;
            } else {
                net->outputs[net->n_outputs++] = id;
            }
        } else if (f.field == 1) {
            cam__node *nd = &net->nodes[net->n_nodes];
            int k;
            memset(nd, 0, sizeof *nd);
            if ((res = cam__parse_node(&ld, f.sub, nd))) return res;
            net->n_nodes++;
            nd->op = (nd->domain[0] && strcmp(nd->domain, "ai.onnx")) ? -1 : cam__op_find(nd->op_type);
            for (k = 0; k < nd->n_in; k++) {
                nd->in[k] = nd->in_names[k][0] ? cam__value_get(net, nd->in_names[k]) : -1;
                if (nd->in_names[k][0] && nd->in[k] < 0) return cam__fail(net, CAM_ERR_FORMAT, "onnx: too many names");
            }
            for (k = 0; k < nd->n_out; k++) {
                nd->out[k] = nd->out_names[k][0] ? cam__value_get(net, nd->out_names[k]) : -1;
                if (nd->out_names[k][0] && nd->out[k] < 0) return cam__fail(net, CAM_ERR_FORMAT, "onnx: too many names");
            }
        }
    }
    if (r < 0)
        return CAM__BAD(&ld, &b, "graph");
    return CAM_OK;
}

/* >>engine-kernels */
#if defined(__GNUC__) || defined(__clang__)
#define CAM__ENG_FN static __attribute__((unused))
#else
#define CAM__ENG_FN static
#endif
/* Scalar engine path: the same contracts as cam_simd.h's kernels, used until
   (or where) those are not available. Packed conv weights are plain
   [oc][ic][kh][kw] here. */
static float cam__eng_act1(float x, const cam__act_params *a)
{
    switch (a->kind) {
    case CAM__ACT_RELU: return x > 0 ? x : 0;
    case CAM__ACT_CLIP: return x < a->a ? a->a : x > a->b ? a->b : x;
    case CAM__ACT_LEAKY: return x < 0 ? a->a * x : x;
    case CAM__ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case CAM__ACT_HARDSIGMOID: { float y = a->a * x + a->b; return y < 0 ? 0 : y > 1 ? 1 : y; }
    case CAM__ACT_HARDSWISH: { float y = x / 6.0f + 0.5f; return x * (y < 0 ? 0 : y > 1 ? 1 : y); }
    case CAM__ACT_TANH: return tanhf(x);
    default: return x;
    }
}

CAM__ENG_FN size_t cam__eng_conv_packed_floats(int oc, int ic, int kh, int kw)
{
    return (size_t)oc * ic * kh * kw;
}

CAM__ENG_FN void cam__eng_conv_pack(const float *w, int oc, int ic, int kh, int kw, float *packed)
{
    memcpy(packed, w, (size_t)oc * ic * kh * kw * sizeof(float));
}

CAM__ENG_FN void cam__eng_conv(const cam__conv_params *p, int oc0, int oc1, int px0, int px1)
{
    int o, c, ky, kx, px;
    int khw = p->kh * p->kw;
    for (o = oc0; o < oc1; o++) {
        float *out = p->out + (size_t)o * p->oh * p->ow;
        const float *w = p->w + (size_t)o * p->ic * khw;
        for (px = px0; px < px1; px++)
            out[px] = 0;
        for (c = 0; c < p->ic; c++) {
            const float *in = p->in + (size_t)c * p->ih * p->iw;
            for (ky = 0; ky < p->kh; ky++)
                for (kx = 0; kx < p->kw; kx++) {
                    float wv = w[(c * p->kh + ky) * p->kw + kx];
                    int oy = px0 / p->ow, ox = px0 % p->ow;
                    for (px = px0; px < px1; px++) {
                        out[px] += wv * in[(size_t)(oy * p->sh + ky * p->dh) * p->iw + ox * p->sw + kx * p->dw];
                        if (++ox == p->ow) {
                            ox = 0;
                            oy++;
                        }
                    }
                }
        }
        for (px = px0; px < px1; px++) {
            float v = out[px] + (p->bias ? p->bias[o] : 0.0f);
            if (p->res)
                v += p->res[(size_t)o * p->oh * p->ow + px];
            out[px] = cam__eng_act1(v, &p->act);
        }
    }
}

CAM__ENG_FN void cam__eng_dwconv(const cam__dwconv_params *p, int c0, int c1)
{
    int c, oy, ox, ky, kx;
    for (c = c0; c < c1; c++) {
        const float *in = p->in + (size_t)c * p->ih * p->iw;
        const float *w = p->w + (size_t)c * p->kh * p->kw;
        float *out = p->out + (size_t)c * p->oh * p->ow;
        for (oy = 0; oy < p->oh; oy++)
            for (ox = 0; ox < p->ow; ox++) {
                float acc = 0;
                for (ky = 0; ky < p->kh; ky++) {
                    int iy = oy * p->sh - p->pt + ky * p->dh;
                    if (iy < 0 || iy >= p->ih)
                        continue;
                    for (kx = 0; kx < p->kw; kx++) {
                        int ix = ox * p->sw - p->pl + kx * p->dw;
                        if (ix < 0 || ix >= p->iw)
                            continue;
                        acc += w[ky * p->kw + kx] * in[(size_t)iy * p->iw + ix];
                    }
                }
                acc += p->bias ? p->bias[c] : 0.0f;
                if (p->res)
                    acc += p->res[((size_t)c * p->oh + oy) * p->ow + ox];
                out[(size_t)oy * p->ow + ox] = cam__eng_act1(acc, &p->act);
            }
    }
}

CAM__ENG_FN void cam__eng_pool2d(const cam__pool_params *p, int c0, int c1)
{
    int c, oy, ox, ky, kx;
    for (c = c0; c < c1; c++) {
        const float *in = p->in + (size_t)c * p->ih * p->iw;
        float *out = p->out + (size_t)c * p->oh * p->ow;
        for (oy = 0; oy < p->oh; oy++)
            for (ox = 0; ox < p->ow; ox++) {
                float acc = p->is_max ? -FLT_MAX : 0.0f;
                int n = 0, npad = 0;
                for (ky = 0; ky < p->kh; ky++) {
                    int iy = oy * p->sh - p->pt + ky * p->dh;
                    if (iy >= p->ih + p->pb)
                        continue;
                    for (kx = 0; kx < p->kw; kx++) {
                        int ix = ox * p->sw - p->pl + kx * p->dw;
                        if (ix >= p->iw + p->pr)
                            continue;
                        npad++;
                        if (iy < 0 || iy >= p->ih || ix < 0 || ix >= p->iw)
                            continue;
                        {
                            float v = in[(size_t)iy * p->iw + ix];
                            if (p->is_max)
                                acc = v > acc ? v : acc;
                            else
                                acc += v;
                            n++;
                        }
                    }
                }
                if (!p->is_max)
                    acc = (p->count_include_pad ? npad : n) ? acc / (float)(p->count_include_pad ? npad : n) : 0.0f;
                out[(size_t)oy * p->ow + ox] = acc;
            }
    }
}

CAM__ENG_FN void cam__eng_gemm_nt(int m, int n, int k, const float *a, int lda, const float *b, int ldb, const float *bias,
                             float *c, int ldc, const cam__act_params *act, int n0, int n1)
{
    int i, j, l;
    (void)n;
    for (i = 0; i < m; i++)
        for (j = n0; j < n1; j++) {
            float acc = 0;
            for (l = 0; l < k; l++)
                acc += a[(size_t)i * lda + l] * b[(size_t)j * ldb + l];
            if (bias)
                acc += bias[j];
            c[(size_t)i * ldc + j] = act ? cam__eng_act1(acc, act) : acc;
        }
}

CAM__ENG_FN void cam__eng_vec_act(const float *x, float *y, size_t n, const cam__act_params *act)
{
    size_t i;
    for (i = 0; i < n; i++)
        y[i] = cam__eng_act1(x[i], act);
}

CAM__ENG_FN void cam__eng_vec_exp(const float *x, float *y, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        y[i] = expf(x[i]);
}

#ifdef CAM__CONV_OC_BLOCK
#define cam__k_conv cam__conv
#define cam__k_conv_pack cam__conv_pack
#define cam__k_conv_packed_floats cam__conv_packed_floats
#define cam__k_dwconv cam__dwconv
#define cam__k_pool2d cam__pool2d
#define cam__k_gemm_nt cam__gemm_nt
#define cam__k_vec_act cam__vec_act
#define cam__k_vec_exp cam__vec_exp
#define CAM__OCB CAM__CONV_OC_BLOCK
#else
#define cam__k_conv cam__eng_conv
#define cam__k_conv_pack cam__eng_conv_pack
#define cam__k_conv_packed_floats cam__eng_conv_packed_floats
#define cam__k_dwconv cam__eng_dwconv
#define cam__k_pool2d cam__eng_pool2d
#define cam__k_gemm_nt cam__eng_gemm_nt
#define cam__k_vec_act cam__eng_vec_act
#define cam__k_vec_exp cam__eng_vec_exp
#define CAM__OCB 8
#endif

/* >>threads-glue */
#ifdef CAM__THREADPOOL_INCLUDED
static void cam__par(cam_net *net, cam__task_fn fn, void *ctx, int n)
{
    if (net->pool && n > 1 && net->threads > 1)
        cam__threadpool_run((cam__threadpool *)net->pool, fn, ctx, n);
    else {
        int i;
        for (i = 0; i < n; i++)
            fn(ctx, i, 0);
    }
}
#else
typedef void (*cam__task_fn)(void *ctx, int task, int thread);
static void cam__par(cam_net *net, cam__task_fn fn, void *ctx, int n)
{
    int i;
    (void)net;
    for (i = 0; i < n; i++)
        fn(ctx, i, 0);
}
static int cam__cpu_count(void)
{
    return 1;
}
#endif

/* >>attributes */
static const cam__attr *cam__attr_find(const cam__node *n, const char *name)
{
    int i;
    for (i = 0; i < n->n_attr; i++)
        if (!strcmp(n->attr[i].name, name))
            return &n->attr[i];
    return NULL;
}
static int64_t cam__attr_i(const cam__node *n, const char *name, int64_t def)
{
    const cam__attr *a = cam__attr_find(n, name);
    return a && a->type == 2 ? a->i : def;
}
static float cam__attr_f(const cam__node *n, const char *name, float def)
{
    const cam__attr *a = cam__attr_find(n, name);
    return a && a->type == 1 ? a->f : def;
}
static const char *cam__attr_s(const cam__node *n, const char *name, const char *def)
{
    const cam__attr *a = cam__attr_find(n, name);
    return a && a->type == 3 && a->s ? a->s : def;
}
/* count of ints, -1 when absent */
static int cam__attr_ints(const cam__node *n, const char *name, const int64_t **v)
{
    const cam__attr *a = cam__attr_find(n, name);
    if (!a || a->type != 7)
        return -1;
    *v = a->ints;
    return a->n;
}

/* >>shape-inference */
static double cam__get_d(const cam_tensor *t, int64_t i);
#define CAM__DEFER ((cam_result)1) /* plan needs int64 input values: wait for forward */
#define CAM__VT(id) (&net->values[id].t)

static cam_result cam__nfail(cam_net *net, const cam__step *s, cam_result code, const char *fmt, ...)
{
    char msg[160];
    const cam__node *n = &net->nodes[s->node];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(net->err, sizeof net->err, "node %.40s (%.24s): %s", cam__node_label(n), n->op_type, msg);
    return code;
}

static int cam__has_in(const cam__step *s, int k)
{
    return k < s->n_in && s->in[k] >= 0;
}

static cam_result cam__need_const(cam_net *net, const cam__step *s, int k, const char *what)
{
    const cam__value *v = &net->values[s->in[k]];
    if (v->state == CAM__V_CONST)
        return CAM_OK;
    if (v->state == CAM__V_INPUT && v->t.dtype == CAM_INT64 && !net->int_consts)
        return CAM__DEFER;
    return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "%s ('%s') must be a constant", what, v->name);
}

/* Reads a constant integer tensor (int64 or int32) into out; count or -1. */
static int cam__const_ints(const cam_tensor *t, int64_t *out, int max)
{
    int64_t n = cam_tensor_count(t), i;
    if (n > max || (t->dtype != CAM_INT64 && t->dtype != CAM_INT32))
        return -1;
    for (i = 0; i < n; i++)
        out[i] = t->dtype == CAM_INT64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
    return (int)n;
}

static cam_result cam__set_out(cam_net *net, const cam__step *s, int k, cam_dtype dt, int ndim, const int64_t *dims)
{
    cam__value *v;
    int i;
    if (k >= s->n_out || s->out[k] < 0)
        return CAM_OK;
    if (ndim > CAM_MAX_NDIM)
        return cam__nfail(net, s, CAM_ERR_LIMIT, "output has more than %d dims", CAM_MAX_NDIM);
    if (cam__checked_count(ndim, dims) < 0)
        return cam__nfail(net, s, CAM_ERR_LIMIT, "output shape exceeds CAM_MAX_DIM/CAM_MAX_ELEMENTS");
    v = &net->values[s->out[k]];
    if (v->state != CAM__V_NONE || v->is_init || v->input_index >= 0)
        return cam__nfail(net, s, CAM_ERR_FORMAT, "output '%s' is defined twice", v->name);
    v->t.dtype = dt;
    v->t.ndim = ndim;
    for (i = 0; i < CAM_MAX_NDIM; i++)
        v->t.dims[i] = i < ndim ? dims[i] : 0;
    v->t.data = NULL;
    return CAM_OK;
}

static int cam__norm_axis(int64_t axis, int ndim, int64_t *out)
{
    if (axis < -ndim || axis >= ndim)
        return -1;
    *out = axis < 0 ? axis + ndim : axis;
    return 0;
}

static int cam__bcast(int na, const int64_t *a, int nb, const int64_t *b, int *no, int64_t *o)
{
    int n = na > nb ? na : nb, i;
    for (i = 0; i < n; i++) {
        int64_t x = i - (n - na) >= 0 ? a[i - (n - na)] : 1;
        int64_t y = i - (n - nb) >= 0 ? b[i - (n - nb)] : 1;
        if (x != y && x != 1 && y != 1)
            return -1;
        o[i] = x == 1 ? y : x;
    }
    *no = n;
    return 0;
}

static int cam__is_float(const cam_tensor *t)
{
    return t->dtype == CAM_FLOAT32;
}

/* Output size and pads of one spatial dim for Conv and pools. */
static int cam__spatial(const char *auto_pad, int64_t in, int64_t k, int64_t st, int64_t dil, int ceil_mode,
                        int64_t *pb, int64_t *pe, int64_t *out)
{
    int64_t ek = (k - 1) * dil + 1;
    if (k < 1 || st < 1 || dil < 1 || *pb < 0 || *pe < 0)
        return -1;
    if (!strcmp(auto_pad, "SAME_UPPER") || !strcmp(auto_pad, "SAME_LOWER")) {
        int64_t o = (in + st - 1) / st, total = (o - 1) * st + ek - in;
        if (total < 0)
            total = 0;
        if (!strcmp(auto_pad, "SAME_UPPER")) {
            *pb = total / 2;
            *pe = total - *pb;
        } else {
            *pe = total / 2;
            *pb = total - *pe;
        }
        *out = o;
        return 0;
    }
    if (!strcmp(auto_pad, "VALID"))
        *pb = *pe = 0;
    if (in + *pb + *pe < ek)
        return -1;
    if (ceil_mode) {
        *out = (in + *pb + *pe - ek + st - 1) / st + 1;
        if ((*out - 1) * st >= in + *pb)
            (*out)--;
    } else {
        *out = (in + *pb + *pe - ek) / st + 1;
    }
    return *out >= 1 ? 0 : -1;
}

/* Conv/pool geometry into s->p: [0]N [1]C [2]H [3]W [4]M [5]OH [6]OW [7]kh [8]kw
   [9]sh [10]sw [11]dh [12]dw [13]pt [14]pl [15]pb [16]pr [17]group. */
static cam_result cam__geom(cam_net *net, cam__step *s, const cam__node *n, const cam_tensor *x, int64_t kh, int64_t kw,
                            int ceil_mode)
{
    const int64_t *v;
    int c, one = x->ndim == 3; /* 1-D: a 1 x L map */
    int64_t *p = s->p;
    const char *ap = cam__attr_s(n, "auto_pad", "NOTSET");
    p[0] = x->dims[0];
    p[1] = x->dims[1];
    p[2] = one ? 1 : x->dims[2];
    p[3] = one ? x->dims[2] : x->dims[3];
    p[7] = one ? 1 : kh;
    p[8] = one ? kh : kw;
    p[9] = p[10] = p[11] = p[12] = 1;
    p[13] = p[14] = p[15] = p[16] = 0;
    if ((c = cam__attr_ints(n, "strides", &v)) >= 0) {
        if (c != 2 - one) return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "strides must have %d values", 2 - one);
        p[9] = one ? 1 : v[0]; p[10] = v[1 - one];
    }
    if ((c = cam__attr_ints(n, "dilations", &v)) >= 0) {
        if (c != 2 - one) return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "dilations must have %d values", 2 - one);
        p[11] = one ? 1 : v[0]; p[12] = v[1 - one];
    }
    if ((c = cam__attr_ints(n, "pads", &v)) >= 0) {
        if (c != 4 - 2 * one) return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "pads must have %d values", 4 - 2 * one);
        if (one) {
            p[14] = v[0]; p[16] = v[1];
        } else {
            p[13] = v[0]; p[14] = v[1]; p[15] = v[2]; p[16] = v[3];
        }
    }
    if (p[7] > CAM_MAX_DIM || p[8] > CAM_MAX_DIM || p[9] > CAM_MAX_DIM || p[10] > CAM_MAX_DIM ||
        p[11] > CAM_MAX_DIM || p[12] > CAM_MAX_DIM || p[13] > CAM_MAX_DIM || p[14] > CAM_MAX_DIM ||
        p[15] > CAM_MAX_DIM || p[16] > CAM_MAX_DIM)
        return cam__nfail(net, s, CAM_ERR_LIMIT, "kernel, stride, dilation or pad exceeds CAM_MAX_DIM");
    if (cam__spatial(one ? "NOTSET" : ap, p[2], p[7], p[9], p[11], ceil_mode, &p[13], &p[15], &p[5]) ||
        cam__spatial(ap, p[3], p[8], p[10], p[12], ceil_mode, &p[14], &p[16], &p[6]))
        return cam__nfail(net, s, CAM_ERR_SHAPE, "kernel %lldx%lld (stride %lld,%lld, dilation %lld,%lld) does not fit input %lldx%lld",
                          (long long)p[7], (long long)p[8], (long long)p[9], (long long)p[10], (long long)p[11],
                          (long long)p[12], (long long)p[2], (long long)p[3]);
    return CAM_OK;
}

static void cam__act_from(cam_net *net, const cam__step *s, cam__act_params *a)
{
    const cam__node *n = &net->nodes[s->node];
    a->a = a->b = 0;
    switch (s->op) {
    case CAM__OP_Relu: a->kind = CAM__ACT_RELU; break;
    case CAM__OP_LeakyRelu: a->kind = CAM__ACT_LEAKY; a->a = cam__attr_f(n, "alpha", 0.01f); break;
    case CAM__OP_Sigmoid: a->kind = CAM__ACT_SIGMOID; break;
    case CAM__OP_HardSigmoid:
        a->kind = CAM__ACT_HARDSIGMOID;
        a->a = cam__attr_f(n, "alpha", 0.2f);
        a->b = cam__attr_f(n, "beta", 0.5f);
        break;
    case CAM__OP_HardSwish: a->kind = CAM__ACT_HARDSWISH; break;
    case CAM__OP_Tanh: a->kind = CAM__ACT_TANH; break;
    case CAM__OP_Clip: a->kind = CAM__ACT_CLIP; break;
    default: a->kind = CAM__ACT_NONE; break;
    }
}

static cam_result cam__infer(cam_net *net, cam__step *s)
{
    const cam__node *n = &net->nodes[s->node];
    const cam_tensor *x = cam__has_in(s, 0) ? CAM__VT(s->in[0]) : NULL;
    int64_t dims[CAM_MAX_NDIM] = {0};
    int i, nd;
    cam_result r;
    int64_t *p = s->p;
    int opset = net->opset;

    if (!x && s->op != CAM__OP_Constant)
        return cam__nfail(net, s, CAM_ERR_FORMAT, "missing input");
    switch (s->op) {
    case CAM__OP_Conv: {
        const cam_tensor *w;
        const int64_t *ks;
        int64_t group = cam__attr_i(n, "group", 1);
        if (!cam__has_in(s, 1))
            return cam__nfail(net, s, CAM_ERR_FORMAT, "missing weight");
        w = CAM__VT(s->in[1]);
        if (x->ndim != 4 || w->ndim != 4)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only 2-D convolution is supported (input has %d dims)", x->ndim);
        if (!cam__is_float(x) || !cam__is_float(w))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only float32 is supported");
        if (group < 1 || x->dims[1] % group || w->dims[0] % group)
            return cam__nfail(net, s, CAM_ERR_SHAPE, "group %lld does not divide %lld input and %lld output channels",
                              (long long)group, (long long)x->dims[1], (long long)w->dims[0]);
        if (w->dims[1] * group != x->dims[1])
            return cam__nfail(net, s, CAM_ERR_SHAPE, "weight has %lld input channels, input has %lld",
                              (long long)(w->dims[1] * group), (long long)x->dims[1]);
        if (cam__attr_ints(n, "kernel_shape", &ks) == 2 && (ks[0] != w->dims[2] || ks[1] != w->dims[3]))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "kernel_shape does not match the weight");
        if (cam__has_in(s, 2)) {
            const cam_tensor *b = CAM__VT(s->in[2]);
            if (cam_tensor_count(b) != w->dims[0] || !cam__is_float(b))
                return cam__nfail(net, s, CAM_ERR_SHAPE, "bias has %lld values, expected %lld",
                                  (long long)cam_tensor_count(b), (long long)w->dims[0]);
        }
        if ((r = cam__geom(net, s, n, x, w->dims[2], w->dims[3], 0)))
            return r;
        p[4] = w->dims[0];
        p[17] = group;
        p[21] = p[13] >= (p[7] - 1) * p[11] + 1 || p[15] >= (p[7] - 1) * p[11] + 1 ||
                p[14] >= (p[8] - 1) * p[12] + 1 || p[16] >= (p[8] - 1) * p[12] + 1;
        s->macs = p[0] * p[4] * p[5] * p[6] * w->dims[1] * p[7] * p[8];
        dims[0] = p[0]; dims[1] = p[4]; dims[2] = p[5]; dims[3] = p[6];
        return cam__set_out(net, s, 0, CAM_FLOAT32, 4, dims);
    }
    case CAM__OP_Clip:
        if (opset < 11) {
            s->f[0] = cam__attr_f(n, "min", -FLT_MAX);
            s->f[1] = cam__attr_f(n, "max", FLT_MAX);
        } else {
            s->f[0] = -FLT_MAX;
            s->f[1] = FLT_MAX;
            for (i = 1; i <= 2; i++)
                if (cam__has_in(s, i)) {
                    const cam_tensor *b = CAM__VT(s->in[i]);
                    if (cam_tensor_count(b) != 1 || !cam__is_float(b))
                        return cam__nfail(net, s, CAM_ERR_SHAPE, "min and max must be float scalars");
                    if (net->values[s->in[i]].state == CAM__V_CONST)
                        s->f[i - 1] = *(const float *)b->data;
                    else
                        p[0] = 1; /* read at run time */
                }
        }
        s->act.kind = CAM__ACT_CLIP;
        s->act.a = s->f[0];
        s->act.b = s->f[1];
        /* fall through */
    case CAM__OP_Relu: case CAM__OP_LeakyRelu: case CAM__OP_Sigmoid: case CAM__OP_HardSigmoid:
    case CAM__OP_HardSwish: case CAM__OP_Tanh: case CAM__OP_Exp: case CAM__OP_Sqrt: case CAM__OP_Neg:
    case CAM__OP_Abs: case CAM__OP_Reciprocal: case CAM__OP_Floor: case CAM__OP_Ceil:
        if (!cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "%s input is not supported", cam_dtype_name(x->dtype));
        if (s->op != CAM__OP_Clip)
            cam__act_from(net, s, &s->act);
        return cam__set_out(net, s, 0, x->dtype, x->ndim, x->dims);
    case CAM__OP_Add: case CAM__OP_Sub: case CAM__OP_Mul: case CAM__OP_Div: case CAM__OP_PRelu:
    case CAM__OP_Sum: case CAM__OP_Max: case CAM__OP_Min: case CAM__OP_Mean: {
        int binary = s->op <= CAM__OP_Div || s->op == CAM__OP_PRelu;
        nd = x->ndim;
        for (i = 0; i < nd; i++)
            dims[i] = x->dims[i];
        if (binary && s->n_in != 2)
            return cam__nfail(net, s, CAM_ERR_FORMAT, "expects 2 inputs");
        if (x->dtype != CAM_FLOAT32 && x->dtype != CAM_DOUBLE && x->dtype != CAM_INT64 && x->dtype != CAM_INT32)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "%s input is not supported", cam_dtype_name(x->dtype));
        p[0] = 0;
        if (binary && opset < 7 && cam__attr_i(n, "broadcast", 0)) {
            const cam_tensor *b;
            if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing input");
            b = CAM__VT(s->in[1]);
            p[0] = 1;
            p[1] = cam__attr_i(n, "axis", x->ndim - b->ndim);
            if (p[1] < 0) p[1] += x->ndim;
            if (p[1] < 0 || p[1] + b->ndim > x->ndim)
                return cam__nfail(net, s, CAM_ERR_SHAPE, "broadcast axis out of range");
            for (i = 0; i < b->ndim; i++)
                if (b->dims[i] != x->dims[p[1] + i] && b->dims[i] != 1)
                    return cam__nfail(net, s, CAM_ERR_SHAPE, "cannot broadcast input 1");
            if (b->dtype != x->dtype)
                return cam__nfail(net, s, CAM_ERR_SHAPE, "inputs have different types");
            return cam__set_out(net, s, 0, x->dtype, nd, dims);
        }
        if (s->op == CAM__OP_PRelu && cam__has_in(s, 1) && CAM__VT(s->in[1])->ndim == 1 && x->ndim > 2 &&
            CAM__VT(s->in[1])->dims[0] == x->dims[1] && x->dims[1] != x->dims[x->ndim - 1]) {
            /* a per-channel slope of old exporters */
            p[0] = 1;
            p[1] = 1;
            return cam__set_out(net, s, 0, x->dtype, nd, dims);
        }
        for (i = 1; i < s->n_in; i++) {
            const cam_tensor *b;
            if (!cam__has_in(s, i)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing input %d", i);
            b = CAM__VT(s->in[i]);
            if (b->dtype != x->dtype)
                return cam__nfail(net, s, CAM_ERR_SHAPE, "inputs have different types (%s, %s)", cam_dtype_name(x->dtype),
                                  cam_dtype_name(b->dtype));
            if (cam__bcast(nd, dims, b->ndim, b->dims, &nd, dims))
                return cam__nfail(net, s, CAM_ERR_SHAPE, "input shapes cannot be broadcast together");
        }
        if (s->op == CAM__OP_PRelu && (nd != x->ndim || cam_tensor_count(x) != cam__checked_count(nd, dims)))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "slope does not broadcast to the input");
        return cam__set_out(net, s, 0, x->dtype, nd, dims);
    }
    case CAM__OP_BatchNormalization: {
        if (x->ndim < 2 || !cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "input must be float32 with a channel axis");
        if (s->n_in < 5)
            return cam__nfail(net, s, CAM_ERR_FORMAT, "expects 5 inputs");
        for (i = 1; i < 5; i++) {
            if (!cam__has_in(s, i) || cam_tensor_count(CAM__VT(s->in[i])) != x->dims[1] || !cam__is_float(CAM__VT(s->in[i])))
                return cam__nfail(net, s, CAM_ERR_SHAPE, "input %d must hold %lld floats", i, (long long)x->dims[1]);
        }
        for (i = 1; i < s->n_out; i++)
            if (s->out[i] >= 0 && net->values[s->out[i]].uses)
                return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "training-mode outputs are not supported");
        s->f[0] = cam__attr_f(n, "epsilon", 1e-5f);
        return cam__set_out(net, s, 0, x->dtype, x->ndim, x->dims);
    }
    case CAM__OP_MaxPool: case CAM__OP_AveragePool: {
        const int64_t *ks;
        if ((x->ndim != 4 && x->ndim != 3) || !cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only 1-D and 2-D float32 pooling is supported");
        if (cam__attr_ints(n, "kernel_shape", &ks) != x->ndim - 2)
            return cam__nfail(net, s, CAM_ERR_FORMAT, "kernel_shape must have %d values", x->ndim - 2);
        if (s->n_out > 1 && s->out[1] >= 0)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "the Indices output is not supported");
        if ((r = cam__geom(net, s, n, x, ks[0], x->ndim == 4 ? ks[1] : 1, (int)cam__attr_i(n, "ceil_mode", 0))))
            return r;
        p[4] = p[1];
        p[18] = cam__attr_i(n, "count_include_pad", 0);
        /* windows lying wholly in the padding: the engine's scalar path (the
           SIMD kernels assume pads smaller than the kernel, as exporters emit) */
        p[21] = p[13] >= (p[7] - 1) * p[11] + 1 || p[15] >= (p[7] - 1) * p[11] + 1 ||
                p[14] >= (p[8] - 1) * p[12] + 1 || p[16] >= (p[8] - 1) * p[12] + 1;
        dims[0] = p[0]; dims[1] = p[1]; dims[2] = x->ndim == 4 ? p[5] : p[6]; dims[3] = p[6];
        return cam__set_out(net, s, 0, CAM_FLOAT32, x->ndim, dims);
    }
    case CAM__OP_GlobalAveragePool: case CAM__OP_GlobalMaxPool:
        if (x->ndim < 3 || !cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "input must be float32 N x C x ...");
        for (i = 0; i < x->ndim; i++)
            dims[i] = i < 2 ? x->dims[i] : 1;
        return cam__set_out(net, s, 0, x->dtype, x->ndim, dims);
    case CAM__OP_ReduceMean: {
        int64_t axes[CAM_MAX_NDIM], keep = cam__attr_i(n, "keepdims", 1);
        int na = -1;
        const int64_t *av;
        if (!cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only float32 is supported");
        if (opset >= 18 && cam__has_in(s, 1)) {
            if ((r = cam__need_const(net, s, 1, "axes")))
                return r;
            na = cam__const_ints(CAM__VT(s->in[1]), axes, CAM_MAX_NDIM);
            if (na < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axes");
        } else if ((na = cam__attr_ints(n, "axes", &av)) >= 0) {
            if (na > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axes");
            for (i = 0; i < na; i++) axes[i] = av[i];
        }
        p[0] = 0;
        if (na <= 0) {
            if (na == 0 && opset >= 18 && cam__attr_i(n, "noop_with_empty_axes", 0))
                p[0] = 0;
            else
                p[0] = (1 << x->ndim) - 1;
        }
        for (i = 0; i < na; i++) {
            int64_t a;
            if (cam__norm_axis(axes[i], x->ndim, &a)) return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
            p[0] |= (int64_t)1 << a;
        }
        p[1] = keep;
        nd = 0;
        for (i = 0; i < x->ndim; i++) {
            if (p[0] >> i & 1) {
                if (keep) dims[nd++] = 1;
            } else {
                dims[nd++] = x->dims[i];
            }
        }
        return cam__set_out(net, s, 0, x->dtype, nd, dims);
    }
    case CAM__OP_LRN:
        if (x->ndim < 3 || !cam__is_float(x))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "input must be float32 N x C x ...");
        p[0] = cam__attr_i(n, "size", 0);
        if (p[0] < 1 || p[0] > CAM_MAX_DIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "size must be positive");
        s->f[0] = cam__attr_f(n, "alpha", 1e-4f);
        s->f[1] = cam__attr_f(n, "beta", 0.75f);
        s->f[2] = cam__attr_f(n, "bias", 1.0f);
        return cam__set_out(net, s, 0, x->dtype, x->ndim, x->dims);
    case CAM__OP_Concat: {
        int64_t axis;
        if (cam__norm_axis(cam__attr_i(n, "axis", 1), x->ndim, &axis))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
        for (i = 0; i < x->ndim; i++) dims[i] = x->dims[i];
        for (i = 1; i < s->n_in; i++) {
            const cam_tensor *b;
            int k;
            if (!cam__has_in(s, i)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing input %d", i);
            b = CAM__VT(s->in[i]);
            if (b->ndim != x->ndim || b->dtype != x->dtype)
                return cam__nfail(net, s, CAM_ERR_SHAPE, "input %d has a different rank or type", i);
            for (k = 0; k < x->ndim; k++)
                if (k != axis && b->dims[k] != x->dims[k])
                    return cam__nfail(net, s, CAM_ERR_SHAPE, "input %d has dim %d = %lld, expected %lld", i, k,
                                      (long long)b->dims[k], (long long)x->dims[k]);
            dims[axis] += b->dims[axis];
        }
        p[0] = axis;
        return cam__set_out(net, s, 0, x->dtype, x->ndim, dims);
    }
    case CAM__OP_Flatten: {
        int64_t axis = cam__attr_i(n, "axis", 1);
        if (axis < 0) axis += x->ndim;
        if (axis < 0 || axis > x->ndim) return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
        dims[0] = dims[1] = 1;
        for (i = 0; i < x->ndim; i++) dims[i < axis ? 0 : 1] *= x->dims[i];
        return cam__set_out(net, s, 0, x->dtype, 2, dims);
    }
    case CAM__OP_Reshape: {
        int64_t shp[CAM_MAX_NDIM], known = 1, total = cam_tensor_count(x);
        int neg = -1, allowzero = (int)cam__attr_i(n, "allowzero", 0);
        if (opset < 5) {
            const int64_t *sv;
            nd = cam__attr_ints(n, "shape", &sv);
            if (nd < 0 || nd > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "bad shape attribute");
            for (i = 0; i < nd; i++) shp[i] = sv[i];
        } else {
            if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing shape");
            if ((r = cam__need_const(net, s, 1, "shape"))) return r;
            nd = cam__const_ints(CAM__VT(s->in[1]), shp, CAM_MAX_NDIM);
            if (nd < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "shape must be int64 with at most %d values", CAM_MAX_NDIM);
        }
        for (i = 0; i < nd; i++) {
            if (shp[i] == 0 && !allowzero) {
                if (i >= x->ndim) return cam__nfail(net, s, CAM_ERR_SHAPE, "0 in shape beyond the input rank");
                shp[i] = x->dims[i];
            }
            if (shp[i] == -1) {
                if (neg >= 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "more than one -1 in shape");
                neg = i;
            } else if (shp[i] < 0 || shp[i] > CAM_MAX_DIM) {
                return cam__nfail(net, s, CAM_ERR_SHAPE, "bad dim %lld in shape", (long long)shp[i]);
            } else {
                if (shp[i] && known > CAM_MAX_ELEMENTS / shp[i]) return cam__nfail(net, s, CAM_ERR_LIMIT, "shape too large");
                known *= shp[i];
            }
        }
        if (neg >= 0) {
            if (known == 0 || total % known) return cam__nfail(net, s, CAM_ERR_SHAPE, "cannot infer -1 in shape");
            shp[neg] = total / known;
        } else if (known != total) {
            return cam__nfail(net, s, CAM_ERR_SHAPE, "shape has %lld elements, input has %lld", (long long)known, (long long)total);
        }
        return cam__set_out(net, s, 0, x->dtype, nd, shp);
    }
    case CAM__OP_Transpose: {
        const int64_t *pv;
        int used = 0;
        int c = cam__attr_ints(n, "perm", &pv);
        if (c >= 0 && c != x->ndim) return cam__nfail(net, s, CAM_ERR_SHAPE, "perm has %d values, input has %d dims", c, x->ndim);
        for (i = 0; i < x->ndim; i++) {
            s->perm[i] = c >= 0 ? pv[i] : x->ndim - 1 - i;
            if (s->perm[i] < 0 || s->perm[i] >= x->ndim || (used >> s->perm[i] & 1))
                return cam__nfail(net, s, CAM_ERR_SHAPE, "perm is not a permutation");
            used |= 1 << s->perm[i];
            dims[i] = x->dims[s->perm[i]];
        }
        return cam__set_out(net, s, 0, x->dtype, x->ndim, dims);
    }
    case CAM__OP_Gemm: {
        const cam_tensor *b;
        int64_t ta = cam__attr_i(n, "transA", 0), tb = cam__attr_i(n, "transB", 0);
        if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing B");
        b = CAM__VT(s->in[1]);
        if (x->ndim != 2 || b->ndim != 2 || !cam__is_float(x) || !cam__is_float(b))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "A and B must be 2-D float32 (A has %d dims)", x->ndim);
        p[0] = ta ? x->dims[1] : x->dims[0]; /* M */
        p[1] = ta ? x->dims[0] : x->dims[1]; /* K */
        p[2] = tb ? b->dims[0] : b->dims[1]; /* N */
        p[3] = ta;
        p[4] = tb;
        if ((tb ? b->dims[1] : b->dims[0]) != p[1])
            return cam__nfail(net, s, CAM_ERR_SHAPE, "A has %lld columns, B has %lld rows", (long long)p[1],
                              (long long)(tb ? b->dims[1] : b->dims[0]));
        s->f[0] = cam__attr_f(n, "alpha", 1.0f);
        s->f[1] = cam__attr_f(n, "beta", 1.0f);
        dims[0] = p[0];
        dims[1] = p[2];
        if (cam__has_in(s, 2)) {
            const cam_tensor *c = CAM__VT(s->in[2]);
            int64_t o[CAM_MAX_NDIM];
            int no;
            if (!cam__is_float(c) || c->ndim > 2 || cam__bcast(2, dims, c->ndim, c->dims, &no, o) || o[0] != dims[0] ||
                o[1] != dims[1])
                return cam__nfail(net, s, CAM_ERR_SHAPE, "C cannot be broadcast to %lldx%lld", (long long)dims[0],
                                  (long long)dims[1]);
        }
        s->macs = p[0] * p[1] * p[2];
        return cam__set_out(net, s, 0, CAM_FLOAT32, 2, dims);
    }
    case CAM__OP_MatMul: {
        const cam_tensor *b;
        int64_t ad[CAM_MAX_NDIM], bd[CAM_MAX_NDIM], K, M, N;
        int an, bn, ob;
        if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing B");
        b = CAM__VT(s->in[1]);
        if (!cam__is_float(x) || !cam__is_float(b) || x->ndim < 1 || b->ndim < 1)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only float32 tensors are supported");
        an = x->ndim; bn = b->ndim;
        for (i = 0; i < an; i++) ad[i] = x->dims[i];
        for (i = 0; i < bn; i++) bd[i] = b->dims[i];
        if (an == 1) { ad[1] = ad[0]; ad[0] = 1; an = 2; }
        if (bn == 1) { bd[1] = 1; bn = 2; }
        M = ad[an - 2]; K = ad[an - 1]; N = bd[bn - 1];
        if (bd[bn - 2] != K)
            return cam__nfail(net, s, CAM_ERR_SHAPE, "A has %lld columns, B has %lld rows", (long long)K, (long long)bd[bn - 2]);
        if (cam__bcast(an - 2, ad, bn - 2, bd, &ob, dims))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "batch dims cannot be broadcast");
        nd = ob;
        if (x->ndim > 1) dims[nd++] = M;
        if (b->ndim > 1) dims[nd++] = N;
        p[0] = M; p[1] = K; p[2] = N;
        s->macs = cam__checked_count(ob, dims) * M * K * N;
        return cam__set_out(net, s, 0, CAM_FLOAT32, nd, dims);
    }
    case CAM__OP_Softmax: case CAM__OP_LogSoftmax: {
        int64_t axis;
        if (!cam__is_float(x)) return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "only float32 is supported");
        if (x->ndim == 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "input must have at least 1 dim");
        if (cam__norm_axis(cam__attr_i(n, "axis", opset < 13 ? 1 : -1), x->ndim, &axis))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
        p[0] = p[1] = p[2] = 1; /* outer, len, inner */
        for (i = 0; i < x->ndim; i++) {
            if (i < axis) p[0] *= x->dims[i];
            else if (i == axis || opset < 13) p[1] *= x->dims[i];
            else p[2] *= x->dims[i];
        }
        return cam__set_out(net, s, 0, x->dtype, x->ndim, x->dims);
    }
    case CAM__OP_Dropout:
        if (cam__has_in(s, 2)) {
            const cam_tensor *tm = CAM__VT(s->in[2]);
            int ratio_zero = cam__has_in(s, 1) && net->values[s->in[1]].state == CAM__V_CONST &&
                             cam_tensor_count(CAM__VT(s->in[1])) == 1 && cam__get_d(CAM__VT(s->in[1]), 0) == 0;
            if (net->values[s->in[2]].state != CAM__V_CONST || cam_tensor_count(tm) != 1 ||
                (cam__get_d(tm, 0) != 0 && !ratio_zero))
                return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "training mode is not supported (inference only)");
        }
        if ((r = cam__set_out(net, s, 1, CAM_BOOL, x->ndim, x->dims))) return r;
        /* fall through */
    case CAM__OP_Identity:
        return cam__set_out(net, s, 0, x->dtype, x->ndim, x->dims);
    case CAM__OP_Constant: {
        const cam__attr *a = NULL;
        for (i = 0; i < n->n_attr; i++)
            if (!strncmp(n->attr[i].name, "value", 5)) a = &n->attr[i];
        if (!a) return cam__nfail(net, s, CAM_ERR_FORMAT, "no value attribute");
        /* p[0]: which attribute form; exec copies exactly what was checked here */
        p[0] = !strcmp(a->name, "value") && a->has_t ? 1 : !strcmp(a->name, "value_float") && a->type == 1 ? 2
             : !strcmp(a->name, "value_int") && a->type == 2 ? 3 : !strcmp(a->name, "value_floats") && a->type == 6 ? 4
             : !strcmp(a->name, "value_ints") && a->type == 7 ? 5 : 0;
        if (p[0] == 1)
            return cam__set_out(net, s, 0, a->t.dtype, a->t.ndim, a->t.dims);
        if (p[0] == 2 || p[0] == 3)
            return cam__set_out(net, s, 0, p[0] == 2 ? CAM_FLOAT32 : CAM_INT64, 0, dims);
        if (p[0] == 4 || p[0] == 5) {
            dims[0] = a->n;
            return cam__set_out(net, s, 0, p[0] == 4 ? CAM_FLOAT32 : CAM_INT64, 1, dims);
        }
        return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "attribute %s (type %d) is not supported", a->name, a->type);
    }
    case CAM__OP_Pad: {
        int64_t pads[2 * CAM_MAX_NDIM], axes[CAM_MAX_NDIM];
        int np, na = x->ndim;
        const char *mode = cam__attr_s(n, "mode", "constant");
        p[0] = !strcmp(mode, "constant") ? 0 : !strcmp(mode, "reflect") ? 1 : !strcmp(mode, "edge") ? 2 : -1;
        if (p[0] < 0) return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "mode '%s' is not supported", mode);
        s->f[0] = 0;
        if (opset < 11) {
            const int64_t *pv;
            np = cam__attr_ints(n, "pads", &pv);
            if (np < 0 || np > 2 * CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "bad pads");
            for (i = 0; i < np; i++) pads[i] = pv[i];
            for (i = 0; i < na; i++) axes[i] = i;
            s->f[0] = cam__attr_f(n, "value", 0.0f);
        } else {
            if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing pads");
            if ((r = cam__need_const(net, s, 1, "pads"))) return r;
            np = cam__const_ints(CAM__VT(s->in[1]), pads, 2 * CAM_MAX_NDIM);
            if (np < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad pads");
            if (cam__has_in(s, 2)) {
                const cam_tensor *cv = CAM__VT(s->in[2]);
                if (cam_tensor_count(cv) != 1 || cv->dtype != x->dtype)
                    return cam__nfail(net, s, CAM_ERR_SHAPE, "constant_value must be a scalar of the input type");
                if (net->values[s->in[2]].state == CAM__V_CONST)
                    s->f[0] = (float)cam__get_d(cv, 0);
                else
                    p[1] = 1; /* read at run time */
            }
            if (cam__has_in(s, 3)) {
                if ((r = cam__need_const(net, s, 3, "axes"))) return r;
                na = cam__const_ints(CAM__VT(s->in[3]), axes, CAM_MAX_NDIM);
                if (na < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axes");
            } else {
                for (i = 0; i < na; i++) axes[i] = i;
            }
        }
        if (np != 2 * na) return cam__nfail(net, s, CAM_ERR_SHAPE, "pads has %d values, expected %d", np, 2 * na);
        for (i = 0; i < 2 * CAM_MAX_NDIM; i++) s->q[i] = 0;
        for (i = 0; i < na; i++) {
            int64_t a;
            if (cam__norm_axis(axes[i], x->ndim, &a)) return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
            if (pads[i] > CAM_MAX_DIM || pads[i + na] > CAM_MAX_DIM || pads[i] < -CAM_MAX_DIM || pads[i + na] < -CAM_MAX_DIM)
                return cam__nfail(net, s, CAM_ERR_LIMIT, "pad exceeds CAM_MAX_DIM");
            s->q[a] = pads[i];
            s->q[a + CAM_MAX_NDIM] = pads[i + na];
        }
        for (i = 0; i < x->ndim; i++) {
            dims[i] = x->dims[i] + s->q[i] + s->q[i + CAM_MAX_NDIM];
            if (dims[i] < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "negative output dim");
            if (p[0] == 1 && (s->q[i] >= x->dims[i] || s->q[i + CAM_MAX_NDIM] >= x->dims[i]) &&
                (s->q[i] > 0 || s->q[i + CAM_MAX_NDIM] > 0))
                return cam__nfail(net, s, CAM_ERR_SHAPE, "reflect pad larger than the input");
            if (p[0] == 2 && x->dims[i] == 0 && dims[i] > 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "edge pad of an empty dim");
        }
        return cam__set_out(net, s, 0, x->dtype, x->ndim, dims);
    }
    case CAM__OP_Shape: {
        int64_t st = cam__attr_i(n, "start", 0), en = cam__attr_i(n, "end", x->ndim);
        if (st < 0) st += x->ndim;
        if (en < 0) en += x->ndim;
        st = st < 0 ? 0 : st > x->ndim ? x->ndim : st;
        en = en < 0 ? 0 : en > x->ndim ? x->ndim : en;
        p[0] = st;
        dims[0] = en > st ? en - st : 0;
        return cam__set_out(net, s, 0, CAM_INT64, 1, dims);
    }
    case CAM__OP_Gather: {
        const cam_tensor *ix;
        int64_t axis;
        if (!cam__has_in(s, 1)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing indices");
        ix = CAM__VT(s->in[1]);
        if (ix->dtype != CAM_INT64 && ix->dtype != CAM_INT32)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "indices must be int64 or int32");
        if (cam__norm_axis(cam__attr_i(n, "axis", 0), x->ndim, &axis))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
        if (x->ndim + ix->ndim - 1 > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_LIMIT, "too many dims");
        nd = 0;
        for (i = 0; i < axis; i++) dims[nd++] = x->dims[i];
        for (i = 0; i < ix->ndim; i++) dims[nd++] = ix->dims[i];
        for (i = (int)axis + 1; i < x->ndim; i++) dims[nd++] = x->dims[i];
        p[0] = axis;
        return cam__set_out(net, s, 0, x->dtype, nd, dims);
    }
    case CAM__OP_Unsqueeze: case CAM__OP_Squeeze: {
        int64_t axes[CAM_MAX_NDIM];
        int na = -1, mask = 0, k, on;
        if (opset < 13) {
            const int64_t *av;
            na = cam__attr_ints(n, "axes", &av);
            if (na > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_SHAPE, "too many axes");
            for (i = 0; i < na; i++) axes[i] = av[i];
        } else if (cam__has_in(s, 1)) {
            if ((r = cam__need_const(net, s, 1, "axes"))) return r;
            na = cam__const_ints(CAM__VT(s->in[1]), axes, CAM_MAX_NDIM);
            if (na < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axes");
        }
        if (s->op == CAM__OP_Unsqueeze) {
            if (na < 0) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing axes");
            on = x->ndim + na;
            if (on > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_LIMIT, "too many dims");
            for (i = 0; i < na; i++) {
                int64_t a;
                if (cam__norm_axis(axes[i], on, &a) || (mask >> a & 1))
                    return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axis %lld", (long long)axes[i]);
                mask |= 1 << a;
            }
            for (i = 0, k = 0; i < on; i++)
                dims[i] = (mask >> i & 1) ? 1 : x->dims[k++];
            return cam__set_out(net, s, 0, x->dtype, on, dims);
        }
        for (i = 0; i < na; i++) {
            int64_t a;
            if (cam__norm_axis(axes[i], x->ndim, &a) || x->dims[a] != 1)
                return cam__nfail(net, s, CAM_ERR_SHAPE, "cannot squeeze axis %lld", (long long)axes[i]);
            mask |= 1 << a;
        }
        if (na < 0)
            for (i = 0; i < x->ndim; i++)
                if (x->dims[i] == 1) mask |= 1 << i;
        for (i = 0, k = 0; i < x->ndim; i++)
            if (!(mask >> i & 1)) dims[k++] = x->dims[i];
        return cam__set_out(net, s, 0, x->dtype, k, dims);
    }
    case CAM__OP_Slice: {
        int64_t st[CAM_MAX_NDIM], en[CAM_MAX_NDIM], ax[CAM_MAX_NDIM], sp[CAM_MAX_NDIM];
        int ns, ne, na, nsp;
        if (opset < 10) {
            const int64_t *v;
            ns = cam__attr_ints(n, "starts", &v);
            if (ns < 0 || ns > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "bad starts");
            for (i = 0; i < ns; i++) st[i] = v[i];
            ne = cam__attr_ints(n, "ends", &v);
            if (ne < 0 || ne > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "bad ends");
            for (i = 0; i < ne; i++) en[i] = v[i];
            na = cam__attr_ints(n, "axes", &v);
            if (na > CAM_MAX_NDIM) return cam__nfail(net, s, CAM_ERR_FORMAT, "bad axes");
            for (i = 0; i < na; i++) ax[i] = v[i];
            nsp = -1;
        } else {
            if (!cam__has_in(s, 1) || !cam__has_in(s, 2)) return cam__nfail(net, s, CAM_ERR_FORMAT, "missing starts/ends");
            if ((r = cam__need_const(net, s, 1, "starts")) || (r = cam__need_const(net, s, 2, "ends"))) return r;
            ns = cam__const_ints(CAM__VT(s->in[1]), st, CAM_MAX_NDIM);
            ne = cam__const_ints(CAM__VT(s->in[2]), en, CAM_MAX_NDIM);
            na = nsp = -1;
            if (cam__has_in(s, 3)) {
                if ((r = cam__need_const(net, s, 3, "axes"))) return r;
                na = cam__const_ints(CAM__VT(s->in[3]), ax, CAM_MAX_NDIM);
                if (na < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad axes");
            }
            if (cam__has_in(s, 4)) {
                if ((r = cam__need_const(net, s, 4, "steps"))) return r;
                nsp = cam__const_ints(CAM__VT(s->in[4]), sp, CAM_MAX_NDIM);
                if (nsp < 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "bad steps");
            }
        }
        if (ns < 0 || ns != ne || (na >= 0 && na != ns) || (nsp >= 0 && nsp != ns))
            return cam__nfail(net, s, CAM_ERR_SHAPE, "starts, ends, axes and steps differ in length");
        for (i = 0; i < x->ndim; i++) {
            dims[i] = x->dims[i];
            s->q[i] = 0;
            s->q[i + CAM_MAX_NDIM] = 1;
        }
        for (i = 0; i < ns; i++) {
            int64_t a, d, b, e, stp = nsp >= 0 ? sp[i] : 1;
            if (cam__norm_axis(na >= 0 ? ax[i] : i, x->ndim, &a)) return cam__nfail(net, s, CAM_ERR_SHAPE, "axis out of range");
            if (stp == 0) return cam__nfail(net, s, CAM_ERR_SHAPE, "step 0");
            /* steps beyond any dim act alike; clamping keeps the arithmetic below in range */
            stp = stp > CAM_MAX_DIM ? CAM_MAX_DIM + 1 : stp < -CAM_MAX_DIM ? -CAM_MAX_DIM - 1 : stp;
            d = x->dims[a];
            b = st[i] < 0 ? st[i] + d : st[i];
            e = en[i] < 0 ? en[i] + d : en[i];
            if (stp > 0) {
                b = b < 0 ? 0 : b > d ? d : b;
                e = e < 0 ? 0 : e > d ? d : e;
                dims[a] = e > b ? (e - b + stp - 1) / stp : 0;
            } else {
                b = b < 0 ? -1 : b > d - 1 ? d - 1 : b;
                e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
                dims[a] = b > e ? (b - e + (-stp) - 1) / (-stp) : 0;
            }
            s->q[a] = b;
            s->q[a + CAM_MAX_NDIM] = stp;
        }
        return cam__set_out(net, s, 0, x->dtype, x->ndim, dims);
    }
    case CAM__OP_Cast: {
        cam_dtype dt;
        if (!cam__dtype_from_onnx(cam__attr_i(n, "to", 0), &dt))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "cast to type %lld is not supported", (long long)cam__attr_i(n, "to", 0));
        return cam__set_out(net, s, 0, dt, x->ndim, x->dims);
    }
    default:
        break;
    }
    return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "operator is not supported");
}

/* >>operators */
/* Strides of t (right-aligned to nd dims, 0 on broadcast dims) in elements. */
static void cam__bstrides(int tnd, const int64_t *tdims, int nd, const int64_t *odims, int64_t *st)
{
    int64_t acc = 1;
    int i;
    for (i = nd - 1; i >= 0; i--) {
        int k = i - (nd - tnd);
        int64_t d = k >= 0 ? tdims[k] : 1;
        st[i] = (d == 1 && odims[i] != 1) || k < 0 ? 0 : acc;
        acc *= d;
    }
}

enum { CAM__BIN_ADD, CAM__BIN_SUB, CAM__BIN_MUL, CAM__BIN_DIV, CAM__BIN_MAX, CAM__BIN_MIN, CAM__BIN_PRELU };

#define CAM__BIN_LOOP(T)                                                                               \
    {                                                                                                  \
        const T *A = (const T *)a->data, *B = (const T *)bdata;                                        \
        T *O = (T *)o->data;                                                                           \
        for (ob = 0; ob < outer; ob++) {                                                               \
            int64_t ia = 0, ib = 0, rem = ob;                                                          \
            for (i = nd - 2; i >= 0; i--) {                                                            \
                int64_t c = rem % o->dims[i];                                                          \
                rem /= o->dims[i];                                                                     \
                ia += c * sa[i];                                                                       \
                ib += c * sb[i];                                                                       \
            }                                                                                          \
            for (j = 0; j < inner; j++) {                                                              \
                T x = A[ia + j * la], y = B[ib + j * lb], z;                                           \
                switch (op) {                                                                          \
                case CAM__BIN_ADD: z = x + y; break;                                                   \
                case CAM__BIN_SUB: z = x - y; break;                                                   \
                case CAM__BIN_MUL: z = x * y; break;                                                   \
                case CAM__BIN_DIV: z = y != 0 || !is_int ? (T)(x / y) : 0; break;                      \
                case CAM__BIN_MAX: z = x > y ? x : y; break;                                           \
                case CAM__BIN_MIN: z = x < y ? x : y; break;                                           \
                default: z = x < 0 ? x * y : x; break;                                                 \
                }                                                                                      \
                O[ob * inner + j] = z;                                                                 \
            }                                                                                          \
        }                                                                                              \
    }

/* o = a op b with numpy broadcasting (a may be o itself: same index order). */
static void cam__binary(int op, const cam_tensor *a, const cam_tensor *b, cam_tensor *o)
{
    int64_t sa[CAM_MAX_NDIM], sb[CAM_MAX_NDIM], outer, inner, ob, j, la, lb;
    int nd = o->ndim, i, is_int = o->dtype == CAM_INT64 || o->dtype == CAM_INT32;
    const void *bdata = b->data;
    cam__bstrides(a->ndim, a->dims, nd, o->dims, sa);
    cam__bstrides(b->ndim, b->dims, nd, o->dims, sb);
    inner = nd ? o->dims[nd - 1] : 1;
    la = nd ? sa[nd - 1] : 0;
    lb = nd ? sb[nd - 1] : 0;
    outer = inner ? cam_tensor_count(o) / inner : 0;
    switch (o->dtype) {
    case CAM_FLOAT32: CAM__BIN_LOOP(float) break;
    case CAM_DOUBLE: CAM__BIN_LOOP(double) break;
    case CAM_INT64: CAM__BIN_LOOP(int64_t) break;
    case CAM_INT32: CAM__BIN_LOOP(int32_t) break;
    default: break;
    }
}

/* Generic strided copy: out[idx] = in[sum idx_i * st_i + base] (elements). */
static void cam__gather_copy(const unsigned char *in, size_t esz, int64_t base, const int64_t *st, unsigned char *out,
                             int nd, const int64_t *odims)
{
    int64_t idx[CAM_MAX_NDIM] = {0}, total = cam__checked_count(nd, odims), k, off = base;
    int i;
    for (k = 0; k < total; k++) {
        memcpy(out + (size_t)k * esz, in + (size_t)off * esz, esz);
        for (i = nd - 1; i >= 0; i--) {
            off += st[i];
            if (++idx[i] < odims[i])
                break;
            off -= st[i] * idx[i];
            idx[i] = 0;
        }
    }
}

static double cam__get_d(const cam_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case CAM_FLOAT32: return ((const float *)t->data)[i];
    case CAM_DOUBLE: return ((const double *)t->data)[i];
    case CAM_INT64: return (double)((const int64_t *)t->data)[i];
    case CAM_INT32: return ((const int32_t *)t->data)[i];
    case CAM_UINT8: return ((const uint8_t *)t->data)[i];
    case CAM_INT8: return ((const int8_t *)t->data)[i];
    case CAM_BOOL: return ((const uint8_t *)t->data)[i] != 0;
    default: return 0;
    }
}

static void cam__set_d(cam_tensor *t, int64_t i, double v)
{
    switch (t->dtype) {
    case CAM_FLOAT32: ((float *)t->data)[i] = (float)v; break;
    case CAM_DOUBLE: ((double *)t->data)[i] = v; break;
    case CAM_INT64: ((int64_t *)t->data)[i] = (int64_t)v; break;
    case CAM_INT32: ((int32_t *)t->data)[i] = (int32_t)v; break;
    case CAM_UINT8: ((uint8_t *)t->data)[i] = (uint8_t)v; break;
    case CAM_INT8: ((int8_t *)t->data)[i] = (int8_t)v; break;
    case CAM_BOOL: ((uint8_t *)t->data)[i] = v != 0; break;
    default: break;
    }
}

/* Tasks handed to the thread pool. */
typedef struct cam__conv_task {
    cam__conv_params cp;
    int oc_per, px_per, n_oc_tasks, ohw;
} cam__conv_task;

static void cam__conv_task_fn(void *ctx, int task, int thread)
{
    cam__conv_task *t = (cam__conv_task *)ctx;
    int oc0 = (task % t->n_oc_tasks) * t->oc_per, px0 = (task / t->n_oc_tasks) * t->px_per;
    int oc1 = oc0 + t->oc_per > t->cp.oc ? t->cp.oc : oc0 + t->oc_per;
    int px1 = px0 + t->px_per > t->ohw ? t->ohw : px0 + t->px_per;
    (void)thread;
    if (oc0 < oc1 && px0 < px1)
        cam__k_conv(&t->cp, oc0, oc1, px0, px1);
}

typedef struct cam__pad_task {
    const float *in;
    float *out;
    int ih, iw, pt, pl, ph, pw, per;
    int c;
} cam__pad_task;

static void cam__pad_task_fn(void *ctx, int task, int thread)
{
    cam__pad_task *t = (cam__pad_task *)ctx;
    int c0 = task * t->per, c1 = c0 + t->per > t->c ? t->c : c0 + t->per, c, y;
    (void)thread;
    for (c = c0; c < c1; c++) {
        const float *src = t->in + (size_t)c * t->ih * t->iw;
        float *dst = t->out + (size_t)c * t->ph * t->pw;
        memset(dst, 0, (size_t)t->pt * t->pw * sizeof(float));
        for (y = 0; y < t->ih; y++) {
            float *row = dst + (size_t)(t->pt + y) * t->pw;
            memset(row, 0, (size_t)t->pl * sizeof(float));
            memcpy(row + t->pl, src + (size_t)y * t->iw, (size_t)t->iw * sizeof(float));
            memset(row + t->pl + t->iw, 0, (size_t)(t->pw - t->pl - t->iw) * sizeof(float));
        }
        memset(dst + (size_t)(t->pt + t->ih) * t->pw, 0, (size_t)(t->ph - t->pt - t->ih) * t->pw * sizeof(float));
    }
}

typedef struct cam__dw_task {
    cam__dwconv_params dp;
    int per, scalar;
} cam__dw_task;

static void cam__dw_task_fn(void *ctx, int task, int thread)
{
    cam__dw_task *t = (cam__dw_task *)ctx;
    int c0 = task * t->per, c1 = c0 + t->per > t->dp.c ? t->dp.c : c0 + t->per;
    (void)thread;
    if (c0 < c1 && t->scalar)
        cam__eng_dwconv(&t->dp, c0, c1);
    else if (c0 < c1)
        cam__k_dwconv(&t->dp, c0, c1);
}

typedef struct cam__pool_task {
    cam__pool_params pp;
    int per, scalar;
} cam__pool_task;

static void cam__pool_task_fn(void *ctx, int task, int thread)
{
    cam__pool_task *t = (cam__pool_task *)ctx;
    int c0 = task * t->per, c1 = c0 + t->per > t->pp.c ? t->pp.c : c0 + t->per;
    (void)thread;
    if (c0 < c1 && t->scalar)
        cam__eng_pool2d(&t->pp, c0, c1);
    else if (c0 < c1)
        cam__k_pool2d(&t->pp, c0, c1);
}

typedef struct cam__gemm_task {
    int m, n, k;
    const float *a, *b, *bias;
    float *c;
    cam__act_params act;
    int per;
} cam__gemm_task;

static void cam__gemm_task_fn(void *ctx, int task, int thread)
{
    cam__gemm_task *t = (cam__gemm_task *)ctx;
    int n0 = task * t->per, n1 = n0 + t->per > t->n ? t->n : n0 + t->per;
    (void)thread;
    if (n0 < n1)
        cam__k_gemm_nt(t->m, t->n, t->k, t->a, t->k, t->b, t->k, t->bias, t->c, t->n, &t->act, n0, n1);
}

/* Elementwise work is cut at fixed element boundaries (not per thread) so the
   same element always takes the same path in a SIMD kernel. */
#define CAM__VEC_CHUNK 16384
typedef struct cam__vec_task {
    const float *x;
    float *y;
    size_t n;
    cam__act_params act;
} cam__vec_task;

static void cam__vec_task_fn(void *ctx, int task, int thread)
{
    cam__vec_task *t = (cam__vec_task *)ctx;
    size_t i0 = (size_t)task * CAM__VEC_CHUNK, i1 = i0 + CAM__VEC_CHUNK > t->n ? t->n : i0 + CAM__VEC_CHUNK;
    (void)thread;
    cam__k_vec_act(t->x + i0, t->y + i0, i1 - i0, &t->act);
}

static int cam__ntasks(cam_net *net, int64_t units, int64_t min_per)
{
    int64_t t = net->threads > 1 ? (int64_t)net->threads * 4 : 1;
    if (t > units / (min_per > 0 ? min_per : 1))
        t = units / (min_per > 0 ? min_per : 1);
    return t < 1 ? 1 : (int)t;
}

static void cam__exec_conv_dense(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const cam_tensor *x = CAM__VT(s->in[0]);
    cam_tensor *y = CAM__VT(s->out[0]);
    int64_t N = p[0], C = p[1], H = p[2], W = p[3], M = p[4], OH = p[5], OW = p[6], G = p[17];
    int64_t icg = C / G, ocg = M / G, ohw = OH * OW, ph = H + p[13] + p[15], pw = W + p[14] + p[16];
    int padded = p[13] || p[14] || p[15] || p[16];
    float *scratch = padded ? (float *)(net->arena + s->p[20]) : NULL;
    const float *res = s->res >= 0 ? (const float *)CAM__VT(s->res)->data : NULL;
    size_t pf = cam__k_conv_packed_floats((int)ocg, (int)icg, (int)p[7], (int)p[8]);
    cam__conv_task t;
    int64_t n, g, n_ocb = (ocg + CAM__OCB - 1) / CAM__OCB, wbytes = ocg * icg * p[7] * p[8], ibytes = icg * ph * pw;
    int n_oc_tasks = 1, n_px = 1, T = net->threads > 1 ? net->threads * 4 : 1;
    if (T > 1) {
        if (wbytes > ibytes) {
            n_oc_tasks = (int)(n_ocb < T ? n_ocb : T);
            n_px = (T + n_oc_tasks - 1) / n_oc_tasks;
        } else {
            n_px = T;
            n_oc_tasks = 1;
        }
        if (n_px > (ohw + 15) / 16)
            n_px = (int)((ohw + 15) / 16);
        if (n_px < 1)
            n_px = 1;
    }
    memset(&t, 0, sizeof t);
    t.oc_per = (int)(((n_ocb + n_oc_tasks - 1) / n_oc_tasks) * CAM__OCB);
    t.n_oc_tasks = (int)((ocg + t.oc_per - 1) / t.oc_per);
    t.px_per = (int)((ohw + n_px - 1) / n_px);
#ifdef CAM__CONV_PX_TILE
    /* whole pixel tiles per task: tails only at the end of the map */
    t.px_per = (t.px_per + CAM__CONV_PX_TILE - 1) / CAM__CONV_PX_TILE * CAM__CONV_PX_TILE;
#endif
    n_px = (int)((ohw + t.px_per - 1) / t.px_per);
    t.ohw = (int)ohw;
    t.cp.ic = (int)icg;
    t.cp.ih = (int)ph;
    t.cp.iw = (int)pw;
    t.cp.oc = (int)ocg;
    t.cp.oh = (int)OH;
    t.cp.ow = (int)OW;
    t.cp.kh = (int)p[7];
    t.cp.kw = (int)p[8];
    t.cp.sh = (int)p[9];
    t.cp.sw = (int)p[10];
    t.cp.dh = (int)p[11];
    t.cp.dw = (int)p[12];
    t.cp.act = s->act;
    for (n = 0; n < N; n++)
        for (g = 0; g < G; g++) {
            const float *src = (const float *)x->data + (size_t)(n * C + g * icg) * H * W;
            if (padded) {
                cam__pad_task pt;
                pt.in = src;
                pt.out = scratch;
                pt.ih = (int)H;
                pt.iw = (int)W;
                pt.pt = (int)p[13];
                pt.pl = (int)p[14];
                pt.ph = (int)ph;
                pt.pw = (int)pw;
                pt.c = (int)icg;
                pt.per = (int)((icg + cam__ntasks(net, icg, 4) - 1) / cam__ntasks(net, icg, 4));
                cam__par(net, cam__pad_task_fn, &pt, (int)((icg + pt.per - 1) / pt.per));
                src = scratch;
            }
            t.cp.in = src;
            t.cp.w = s->w + (size_t)g * pf;
            t.cp.bias = s->bias ? s->bias + g * ocg : NULL;
            t.cp.res = res ? res + (size_t)(n * M + g * ocg) * ohw : NULL;
            t.cp.out = (float *)y->data + (size_t)(n * M + g * ocg) * ohw;
            cam__par(net, cam__conv_task_fn, &t, t.n_oc_tasks * n_px);
        }
}

static void cam__exec_conv_dw(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const cam_tensor *x = CAM__VT(s->in[0]);
    cam_tensor *y = CAM__VT(s->out[0]);
    int64_t n, C = p[1], ohw = p[5] * p[6];
    cam__dw_task t;
    int nt = cam__ntasks(net, C, 4);
    memset(&t, 0, sizeof t);
    t.dp.c = (int)C;
    t.dp.ih = (int)p[2];
    t.dp.iw = (int)p[3];
    t.dp.oh = (int)p[5];
    t.dp.ow = (int)p[6];
    t.dp.kh = (int)p[7];
    t.dp.kw = (int)p[8];
    t.dp.sh = (int)p[9];
    t.dp.sw = (int)p[10];
    t.dp.dh = (int)p[11];
    t.dp.dw = (int)p[12];
    t.dp.pt = (int)p[13];
    t.dp.pl = (int)p[14];
    t.dp.pb = (int)p[15];
    t.dp.pr = (int)p[16];
    t.dp.w = s->w;
    t.dp.bias = s->bias;
    t.dp.act = s->act;
    t.scalar = (int)p[21];
    t.per = (int)((C + nt - 1) / nt);
    for (n = 0; n < p[0]; n++) {
        t.dp.in = (const float *)x->data + (size_t)n * C * p[2] * p[3];
        t.dp.out = (float *)y->data + (size_t)n * C * ohw;
        t.dp.res = s->res >= 0 ? (const float *)CAM__VT(s->res)->data + (size_t)n * C * ohw : NULL;
        cam__par(net, cam__dw_task_fn, &t, (int)((C + t.per - 1) / t.per));
    }
}

/* Direct convolution on unpadded input for weights known only at run time. */
static void cam__exec_conv_generic(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const float *x = (const float *)CAM__VT(s->in[0])->data, *w = (const float *)CAM__VT(s->in[1])->data;
    const float *b = cam__has_in(s, 2) ? (const float *)CAM__VT(s->in[2])->data : NULL;
    float *y = (float *)CAM__VT(s->out[0])->data;
    int64_t N = p[0], C = p[1], H = p[2], W = p[3], M = p[4], OH = p[5], OW = p[6], G = p[17];
    int64_t icg = C / G, ocg = M / G, n, m, c, oy, ox, ky, kx;
    (void)net;
    for (n = 0; n < N; n++)
        for (m = 0; m < M; m++) {
            int64_t g = m / ocg;
            for (oy = 0; oy < OH; oy++)
                for (ox = 0; ox < OW; ox++) {
                    float acc = 0;
                    for (c = 0; c < icg; c++)
                        for (ky = 0; ky < p[7]; ky++) {
                            int64_t iy = oy * p[9] - p[13] + ky * p[11];
                            if (iy < 0 || iy >= H)
                                continue;
                            for (kx = 0; kx < p[8]; kx++) {
                                int64_t ix = ox * p[10] - p[14] + kx * p[12];
                                if (ix < 0 || ix >= W)
                                    continue;
                                acc += w[((m * icg + c) * p[7] + ky) * p[8] + kx] *
                                       x[((n * C + g * icg + c) * H + iy) * W + ix];
                            }
                        }
                    if (b)
                        acc += b[m];
                    if (s->res >= 0)
                        acc += ((const float *)CAM__VT(s->res)->data)[((n * M + m) * OH + oy) * OW + ox];
                    y[((n * M + m) * OH + oy) * OW + ox] = cam__eng_act1(acc, &s->act);
                }
        }
}

static void cam__exec_pool(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    cam__pool_task t;
    int nt;
    memset(&t, 0, sizeof t);
    t.pp.is_max = s->op == CAM__OP_MaxPool;
    t.pp.count_include_pad = (int)p[18];
    t.pp.c = (int)(p[0] * p[1]);
    t.pp.ih = (int)p[2];
    t.pp.iw = (int)p[3];
    t.pp.oh = (int)p[5];
    t.pp.ow = (int)p[6];
    t.pp.kh = (int)p[7];
    t.pp.kw = (int)p[8];
    t.pp.sh = (int)p[9];
    t.pp.sw = (int)p[10];
    t.pp.dh = (int)p[11];
    t.pp.dw = (int)p[12];
    t.pp.pt = (int)p[13];
    t.pp.pl = (int)p[14];
    t.pp.pb = (int)p[15];
    t.pp.pr = (int)p[16];
    t.pp.in = (const float *)CAM__VT(s->in[0])->data;
    t.pp.out = (float *)CAM__VT(s->out[0])->data;
    nt = cam__ntasks(net, t.pp.c, 4);
    t.scalar = (int)p[21];
    t.per = (t.pp.c + nt - 1) / nt;
    cam__par(net, cam__pool_task_fn, &t, (t.pp.c + t.per - 1) / t.per);
}

static void cam__exec_gemm(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const float *a = (const float *)CAM__VT(s->in[0])->data;
    float *y = (float *)CAM__VT(s->out[0])->data;
    int64_t M = p[0], K = p[1], N = p[2], i, j, k;
    if (s->w) {
        cam__gemm_task t;
        int nt = cam__ntasks(net, N, 16);
        t.m = (int)M;
        t.n = (int)N;
        t.k = (int)K;
        t.a = a;
        t.b = s->w;
        t.bias = s->bias;
        t.c = y;
        t.act = s->act;
        t.per = (int)(((N + nt - 1) / nt + 15) / 16 * 16);
        cam__par(net, cam__gemm_task_fn, &t, (int)((N + t.per - 1) / t.per));
        return;
    }
    {
        const cam_tensor *bt = CAM__VT(s->in[1]);
        const float *b = (const float *)bt->data;
        int64_t ta = p[3], tb = p[4];
        float alpha = s->f[0], beta = s->f[1];
        int64_t sc[CAM_MAX_NDIM] = {0, 0};
        const float *c = NULL;
        if (cam__has_in(s, 2)) {
            const cam_tensor *ct = CAM__VT(s->in[2]);
            int64_t od[2];
            od[0] = M;
            od[1] = N;
            c = (const float *)ct->data;
            cam__bstrides(ct->ndim, ct->dims, 2, od, sc);
        }
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                float acc = 0;
                for (k = 0; k < K; k++)
                    acc += (ta ? a[k * M + i] : a[i * K + k]) * (tb ? b[j * K + k] : b[k * N + j]);
                acc *= alpha;
                if (c)
                    acc += beta * c[i * sc[0] + j * sc[1]];
                y[i * N + j] = cam__eng_act1(acc, &s->act);
            }
    }
}

static void cam__exec_matmul(cam_net *net, cam__step *s)
{
    const cam_tensor *at = CAM__VT(s->in[0]), *bt = CAM__VT(s->in[1]);
    cam_tensor *yt = CAM__VT(s->out[0]);
    int64_t M = s->p[0], K = s->p[1], N = s->p[2];
    if (s->w) {
        cam__gemm_task t;
        int nt = cam__ntasks(net, N, 16);
        t.m = (int)(cam_tensor_count(at) / K);
        t.n = (int)N;
        t.k = (int)K;
        t.a = (const float *)at->data;
        t.b = s->w;
        t.bias = s->bias;
        t.c = (float *)yt->data;
        t.act = s->act;
        t.per = (int)(((N + nt - 1) / nt + 15) / 16 * 16);
        cam__par(net, cam__gemm_task_fn, &t, (int)((N + t.per - 1) / t.per));
        return;
    }
    {
        /* batch dims: output dims without the matrix dims */
        int64_t bd[CAM_MAX_NDIM], sa[CAM_MAX_NDIM], sb[CAM_MAX_NDIM], ad[CAM_MAX_NDIM], bdd[CAM_MAX_NDIM];
        int nb = yt->ndim - (at->ndim > 1) - (bt->ndim > 1), i, an = at->ndim - 2, bn = bt->ndim - 2;
        int64_t nbatch, bi, r, c, k;
        const float *A = (const float *)at->data, *B = (const float *)bt->data;
        float *Y = (float *)yt->data;
        for (i = 0; i < nb; i++) bd[i] = yt->dims[i];
        for (i = 0; i < an; i++) ad[i] = at->dims[i];
        for (i = 0; i < bn; i++) bdd[i] = bt->dims[i];
        if (an < 0) an = 0;
        if (bn < 0) bn = 0;
        cam__bstrides(an, ad, nb, bd, sa);
        cam__bstrides(bn, bdd, nb, bd, sb);
        nbatch = cam__checked_count(nb, bd);
        for (bi = 0; bi < nbatch; bi++) {
            int64_t oa = 0, obb = 0, rem = bi;
            for (i = nb - 1; i >= 0; i--) {
                int64_t cc = rem % bd[i];
                rem /= bd[i];
                oa += cc * sa[i];
                obb += cc * sb[i];
            }
            for (r = 0; r < M; r++)
                for (c = 0; c < N; c++) {
                    float acc = 0;
                    for (k = 0; k < K; k++)
                        acc += A[oa * M * K + r * K + k] * B[obb * K * N + k * N + c];
                    Y[(bi * M + r) * N + c] = acc;
                }
        }
    }
}

static void cam__exec_softmax(cam_net *net, cam__step *s)
{
    const float *x = (const float *)CAM__VT(s->in[0])->data;
    float *y = (float *)CAM__VT(s->out[0])->data;
    int64_t outer = s->p[0], len = s->p[1], inner = s->p[2], o, i, k;
    int logsm = s->op == CAM__OP_LogSoftmax;
    (void)net;
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            const float *xr = x + o * len * inner + i;
            float *yr = y + o * len * inner + i;
            float mx = -FLT_MAX, sum = 0;
            for (k = 0; k < len; k++)
                mx = xr[k * inner] > mx ? xr[k * inner] : mx;
            if (inner == 1) {
                for (k = 0; k < len; k++)
                    yr[k] = xr[k] - mx;
                if (logsm) {
                    for (k = 0; k < len; k++)
                        sum += expf(yr[k]);
                    sum = logf(sum);
                    for (k = 0; k < len; k++)
                        yr[k] -= sum;
                } else {
                    cam__k_vec_exp(yr, yr, (size_t)len);
                    for (k = 0; k < len; k++)
                        sum += yr[k];
                    for (k = 0; k < len; k++)
                        yr[k] /= sum;
                }
                continue;
            }
            for (k = 0; k < len; k++) {
                float e = expf(xr[k * inner] - mx);
                sum += e;
                if (!logsm)
                    yr[k * inner] = e;
            }
            for (k = 0; k < len; k++)
                yr[k * inner] = logsm ? xr[k * inner] - mx - logf(sum) : yr[k * inner] / sum;
        }
}

static cam_result cam__exec(cam_net *net, cam__step *s)
{
    const cam__node *nd = &net->nodes[s->node];
    cam_tensor *x = cam__has_in(s, 0) ? CAM__VT(s->in[0]) : NULL;
    cam_tensor *y = s->n_out > 0 && s->out[0] >= 0 ? CAM__VT(s->out[0]) : NULL;
    const int64_t *p = s->p;
    int64_t i, n = y ? cam_tensor_count(y) : 0, k;
    size_t esz = y ? cam_dtype_size(y->dtype) : 0;
    if (!y || !n)
        return CAM_OK; /* nothing to compute (and no work to split) */
    switch (s->op) {
    case CAM__OP_Conv:
        if (s->dense == 1)
            cam__exec_conv_dense(net, s);
        else if (s->dense == 2)
            cam__exec_conv_dw(net, s);
        else
            cam__exec_conv_generic(net, s);
        return CAM_OK;
    case CAM__OP_Clip:
        if (p[0]) {
            s->act.a = cam__has_in(s, 1) ? *(const float *)CAM__VT(s->in[1])->data : -FLT_MAX;
            s->act.b = cam__has_in(s, 2) ? *(const float *)CAM__VT(s->in[2])->data : FLT_MAX;
        }
        /* fall through */
    case CAM__OP_Relu: case CAM__OP_LeakyRelu: case CAM__OP_Sigmoid: case CAM__OP_HardSigmoid:
    case CAM__OP_HardSwish: case CAM__OP_Tanh: {
        cam__vec_task t;
        t.x = (const float *)x->data;
        t.y = (float *)y->data;
        t.n = (size_t)n;
        t.act = s->act;
        cam__par(net, cam__vec_task_fn, &t, (int)((n + CAM__VEC_CHUNK - 1) / CAM__VEC_CHUNK));
        return CAM_OK;
    }
    case CAM__OP_Exp: case CAM__OP_Sqrt: case CAM__OP_Neg: case CAM__OP_Abs: case CAM__OP_Reciprocal:
    case CAM__OP_Floor: case CAM__OP_Ceil: {
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        for (i = 0; i < n; i++) {
            float v = a[i];
            switch (s->op) {
            case CAM__OP_Exp: v = expf(v); break;
            case CAM__OP_Sqrt: v = sqrtf(v); break;
            case CAM__OP_Neg: v = -v; break;
            case CAM__OP_Abs: v = fabsf(v); break;
            case CAM__OP_Reciprocal: v = 1.0f / v; break;
            case CAM__OP_Floor: v = floorf(v); break;
            default: v = ceilf(v); break;
            }
            o[i] = v;
        }
        return CAM_OK;
    }
    case CAM__OP_Add: case CAM__OP_Sub: case CAM__OP_Mul: case CAM__OP_Div: case CAM__OP_PRelu: {
        int op = s->op == CAM__OP_Add ? CAM__BIN_ADD : s->op == CAM__OP_Sub ? CAM__BIN_SUB : s->op == CAM__OP_Mul ? CAM__BIN_MUL
               : s->op == CAM__OP_Div ? CAM__BIN_DIV : CAM__BIN_PRELU;
        cam_tensor bv = *CAM__VT(s->in[1]);
        if (p[0]) { /* opset < 7 broadcast: B's dims sit at axis */
            int nb = bv.ndim;
            for (k = 0; k < x->ndim; k++)
                bv.dims[k] = k >= p[1] && k < p[1] + nb ? CAM__VT(s->in[1])->dims[k - p[1]] : 1;
            bv.ndim = x->ndim;
        }
        cam__binary(op, x, &bv, y);
        return CAM_OK;
    }
    case CAM__OP_Sum: case CAM__OP_Max: case CAM__OP_Min: case CAM__OP_Mean: {
        int op = s->op == CAM__OP_Max ? CAM__BIN_MAX : s->op == CAM__OP_Min ? CAM__BIN_MIN : CAM__BIN_ADD;
        int j;
        if (s->n_in == 1) {
            memcpy(y->data, x->data, (size_t)n * esz);
        } else {
            cam__binary(op, x, CAM__VT(s->in[1]), y);
            for (j = 2; j < s->n_in; j++)
                cam__binary(op, y, CAM__VT(s->in[j]), y);
        }
        if (s->op == CAM__OP_Mean)
            for (i = 0; i < n; i++)
                cam__set_d(y, i, cam__get_d(y, i) / s->n_in);
        return CAM_OK;
    }
    case CAM__OP_BatchNormalization: {
        const float *sc = (const float *)CAM__VT(s->in[1])->data, *bb = (const float *)CAM__VT(s->in[2])->data;
        const float *mean = (const float *)CAM__VT(s->in[3])->data, *var = (const float *)CAM__VT(s->in[4])->data;
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        int64_t C = x->dims[1], inner = n / (x->dims[0] * C > 0 ? x->dims[0] * C : 1), c, j;
        for (i = 0; i < x->dims[0]; i++)
            for (c = 0; c < C; c++) {
                float m = sc[c] / sqrtf(var[c] + s->f[0]), add = bb[c] - mean[c] * m;
                for (j = 0; j < inner; j++) {
                    size_t off = (size_t)((i * C + c) * inner + j);
                    o[off] = a[off] * m + add;
                }
            }
        return CAM_OK;
    }
    case CAM__OP_MaxPool: case CAM__OP_AveragePool:
        cam__exec_pool(net, s);
        return CAM_OK;
    case CAM__OP_GlobalAveragePool: case CAM__OP_GlobalMaxPool: {
        int64_t hw = cam_tensor_count(x) / (n ? n : 1), j;
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        for (i = 0; i < n; i++) {
            const float *r = a + i * hw;
            float acc = s->op == CAM__OP_GlobalMaxPool ? -FLT_MAX : 0;
            if (s->op == CAM__OP_GlobalMaxPool)
                for (j = 0; j < hw; j++)
                    acc = r[j] > acc ? r[j] : acc;
            else {
                for (j = 0; j < hw; j++)
                    acc += r[j];
                acc /= (float)hw;
            }
            o[i] = acc;
        }
        return CAM_OK;
    }
    case CAM__OP_ReduceMean: {
        int64_t st[CAM_MAX_NDIM], idx[CAM_MAX_NDIM] = {0}, acc = 1, total = cam_tensor_count(x), off = 0, red = 1;
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        int j;
        for (j = x->ndim - 1; j >= 0; j--) {
            if (p[0] >> j & 1) {
                st[j] = 0;
                red *= x->dims[j];
            } else {
                st[j] = acc;
                acc *= x->dims[j];
            }
        }
        for (i = 0; i < n; i++)
            o[i] = 0;
        for (k = 0; k < total; k++) {
            o[off] += a[k];
            for (j = x->ndim - 1; j >= 0; j--) {
                off += st[j];
                if (++idx[j] < x->dims[j])
                    break;
                off -= st[j] * idx[j];
                idx[j] = 0;
            }
        }
        for (i = 0; i < n; i++)
            o[i] /= (float)(red ? red : 1);
        return CAM_OK;
    }
    case CAM__OP_LRN: {
        int64_t N = x->dims[0], C = x->dims[1], inner = n / (N * C > 0 ? N * C : 1), c, j, c2;
        int64_t lo = (p[0] - 1) / 2, hi = p[0] - 1 - lo;
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        for (i = 0; i < N; i++)
            for (c = 0; c < C; c++)
                for (j = 0; j < inner; j++) {
                    float sq = 0;
                    for (c2 = c - lo; c2 <= c + hi; c2++)
                        if (c2 >= 0 && c2 < C) {
                            float v = a[(i * C + c2) * inner + j];
                            sq += v * v;
                        }
                    o[(i * C + c) * inner + j] =
                        a[(i * C + c) * inner + j] / powf(s->f[2] + s->f[0] / (float)p[0] * sq, s->f[1]);
                }
        return CAM_OK;
    }
    case CAM__OP_Concat: {
        int64_t axis = p[0], outer = 1, inner = 1, off = 0;
        int j;
        for (k = 0; k < axis; k++) outer *= y->dims[k];
        for (k = axis + 1; k < y->ndim; k++) inner *= y->dims[k];
        for (j = 0; j < s->n_in; j++) {
            const cam_tensor *b = CAM__VT(s->in[j]);
            size_t chunk = (size_t)(b->dims[axis] * inner) * esz;
            for (i = 0; i < outer; i++) {
                unsigned char *dst = (unsigned char *)y->data + ((size_t)i * y->dims[axis] * inner) * esz + off;
                const unsigned char *src = (const unsigned char *)b->data + i * chunk;
                if (dst != src && chunk) /* else the producer wrote it in place */
                    memcpy(dst, src, chunk);
            }
            off += chunk;
        }
        return CAM_OK;
    }
    case CAM__OP_Flatten: case CAM__OP_Reshape: case CAM__OP_Identity: case CAM__OP_Unsqueeze: case CAM__OP_Squeeze:
    case CAM__OP_Dropout:
        if (y->data != x->data && n)
            memmove(y->data, x->data, (size_t)n * esz);
        if (s->op == CAM__OP_Dropout && s->n_out > 1 && s->out[1] >= 0)
            memset(CAM__VT(s->out[1])->data, 1, (size_t)n);
        return CAM_OK;
    case CAM__OP_Transpose: {
        int64_t st[CAM_MAX_NDIM], ist[CAM_MAX_NDIM], acc = 1;
        int j;
        for (j = x->ndim - 1; j >= 0; j--) {
            ist[j] = acc;
            acc *= x->dims[j];
        }
        for (j = 0; j < x->ndim; j++)
            st[j] = ist[s->perm[j]];
        cam__gather_copy((const unsigned char *)x->data, esz, 0, st, (unsigned char *)y->data, y->ndim, y->dims);
        return CAM_OK;
    }
    case CAM__OP_Gemm:
        cam__exec_gemm(net, s);
        return CAM_OK;
    case CAM__OP_MatMul:
        cam__exec_matmul(net, s);
        return CAM_OK;
    case CAM__OP_Softmax: case CAM__OP_LogSoftmax:
        cam__exec_softmax(net, s);
        return CAM_OK;
    case CAM__OP_Constant: {
        const cam__attr *a = NULL;
        int j;
        for (j = 0; j < nd->n_attr; j++)
            if (!strncmp(nd->attr[j].name, "value", 5)) a = &nd->attr[j];
        if (!a) return CAM_OK;
        if (!n) return CAM_OK;
        if (p[0] == 1) memcpy(y->data, a->t.data, (size_t)n * esz);
        else if (p[0] == 2) *(float *)y->data = a->f;
        else if (p[0] == 3) *(int64_t *)y->data = a->i;
        else if (p[0] == 4) memcpy(y->data, a->floats, (size_t)n * 4);
        else if (p[0] == 5) memcpy(y->data, a->ints, (size_t)n * 8);
        return CAM_OK;
    }
    case CAM__OP_Pad: {
        int64_t idx[CAM_MAX_NDIM] = {0}, ist[CAM_MAX_NDIM], acc = 1;
        int j, nd2 = y->ndim, inside;
        if (p[1])
            s->f[0] = (float)cam__get_d(CAM__VT(s->in[2]), 0);
        for (j = nd2 - 1; j >= 0; j--) {
            ist[j] = acc;
            acc *= x->dims[j];
        }
        for (i = 0; i < n; i++) {
            int64_t off = 0;
            inside = 1;
            for (j = 0; j < nd2; j++) {
                int64_t v = idx[j] - s->q[j], d = x->dims[j];
                if (v < 0 || v >= d) {
                    if (p[0] == 0) inside = 0;
                    else if (p[0] == 2) v = v < 0 ? 0 : d - 1;
                    else {
                        while (v < 0 || v >= d) {
                            if (v < 0) v = -v;
                            if (v >= d) v = 2 * (d - 1) - v;
                        }
                    }
                }
                off += v * ist[j];
            }
            if (inside)
                memcpy((unsigned char *)y->data + (size_t)i * esz, (const unsigned char *)x->data + (size_t)off * esz, esz);
            else
                cam__set_d(y, i, s->f[0]);
            for (j = nd2 - 1; j >= 0; j--) {
                if (++idx[j] < y->dims[j]) break;
                idx[j] = 0;
            }
        }
        return CAM_OK;
    }
    case CAM__OP_Shape:
        for (i = 0; i < n; i++)
            ((int64_t *)y->data)[i] = x->dims[p[0] + i];
        return CAM_OK;
    case CAM__OP_Gather: {
        const cam_tensor *ix = CAM__VT(s->in[1]);
        int64_t axis = p[0], outer = 1, inner = 1, ni = cam_tensor_count(ix), d = x->dims[axis], j;
        for (k = 0; k < axis; k++) outer *= x->dims[k];
        for (k = axis + 1; k < x->ndim; k++) inner *= x->dims[k];
        for (j = 0; j < ni; j++) {
            int64_t v = ix->dtype == CAM_INT64 ? ((const int64_t *)ix->data)[j] : ((const int32_t *)ix->data)[j];
            if (v < -d || v >= d)
                return cam__nfail(net, s, CAM_ERR_INVALID_ARG, "index %lld out of range [%lld, %lld)", (long long)v, (long long)-d, (long long)d);
        }
        for (i = 0; i < outer; i++)
            for (j = 0; j < ni; j++) {
                int64_t v = ix->dtype == CAM_INT64 ? ((const int64_t *)ix->data)[j] : ((const int32_t *)ix->data)[j];
                if (v < 0) v += d;
                memcpy((unsigned char *)y->data + ((size_t)(i * ni + j) * inner) * esz,
                       (const unsigned char *)x->data + ((size_t)(i * d + v) * inner) * esz, (size_t)inner * esz);
            }
        return CAM_OK;
    }
    case CAM__OP_Slice: {
        int64_t st[CAM_MAX_NDIM], acc = 1, base = 0;
        int j;
        for (j = x->ndim - 1; j >= 0; j--) {
            st[j] = acc * s->q[j + CAM_MAX_NDIM];
            base += s->q[j] * acc;
            acc *= x->dims[j];
        }
        cam__gather_copy((const unsigned char *)x->data, esz, base, st, (unsigned char *)y->data, y->ndim, y->dims);
        return CAM_OK;
    }
    case CAM__OP_Cast:
        for (i = 0; i < n; i++)
            cam__set_d(y, i, cam__get_d(x, i));
        return CAM_OK;
    default:
        break;
    }
    return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "operator is not supported");
}

/* >>compile */
static int cam__is_keep_name(const cam_net *net, const char *name)
{
    int i;
    for (i = 0; i < net->n_keep; i++)
        if (!strcmp(net->keep[i], name))
            return 1;
    return 0;
}

static int cam__init_float(const cam_net *net, int id, int64_t count)
{
    const cam__value *v;
    if (id < 0)
        return 0;
    v = &net->values[id];
    return v->is_init && v->init.data && v->init.dtype == CAM_FLOAT32 && (count < 0 || cam_tensor_count(&v->init) == count);
}

/* Shape-independent work done once at load: BatchNormalization folded into
   the Conv before it, conv weights packed (the raw copy freed when nothing
   else reads it), dense-layer weights laid out N x K with alpha applied. */
static cam_result cam__prepare(cam_net *net)
{
    int i, j, k;
    /* Exporters deduplicate equal weights into Identity nodes: make their
       outputs initializers too, so those convs get packed like the others. */
    for (i = 0; i < net->n_nodes; i++) {
        cam__node *nd = &net->nodes[i];
        if (nd->op == CAM__OP_Identity && nd->n_in == 1 && nd->in[0] >= 0 && nd->n_out == 1 && nd->out[0] >= 0 &&
            net->values[nd->in[0]].is_init && !net->values[nd->out[0]].is_init && net->values[nd->out[0]].input_index < 0) {
            cam__value *src = &net->values[nd->in[0]], *dst = &net->values[nd->out[0]];
            dst->is_init = 1;
            dst->init = src->init;
            dst->shared = src->shared = 1;
            nd->dead = 1;
        }
    }
    for (i = 0; i < net->n_values; i++)
        net->values[i].uses = 0;
    for (i = 0; i < net->n_nodes; i++)
        for (k = 0; k < net->nodes[i].n_in; k++)
            if (net->nodes[i].in[k] >= 0)
                net->values[net->nodes[i].in[k]].uses++;
    for (i = 0; i < net->n_outputs; i++)
        net->values[net->outputs[i]].uses += 1000;
    for (i = 0; i < net->n_nodes; i++) {
        cam__node *nd = &net->nodes[i];
        if (nd->op == CAM__OP_Conv && nd->n_in >= 2 && nd->n_out >= 1 && nd->out[0] >= 0 &&
            cam__init_float(net, nd->in[1], -1) && net->values[nd->in[1]].init.ndim == 4 &&
            (nd->n_in < 3 || nd->in[2] < 0 || cam__init_float(net, nd->in[2], net->values[nd->in[1]].init.dims[0]))) {
            cam__value *wv = &net->values[nd->in[1]];
            int64_t M = wv->init.dims[0], icg = wv->init.dims[1], kh = wv->init.dims[2], kw = wv->init.dims[3];
            int64_t G = cam__attr_i(nd, "group", 1), ocg, g, per;
            float *w = (float *)wv->init.data, *tmp = NULL;
            size_t pf;
            if (G < 1 || M % G || M < 1 || icg < 1 || kh < 1 || kw < 1 || M > INT32_MAX || icg * kh * kw > INT32_MAX)
                continue;
            ocg = M / G;
            per = icg * kh * kw;
            nd->oc = M;
            nd->icg = icg;
            nd->kh = kh;
            nd->kw = kw;
            nd->group = G;
            nd->bias = (float *)cam__malloc_model(net, (size_t)M * sizeof(float));
            if (!nd->bias)
                return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
            if (nd->n_in >= 3 && nd->in[2] >= 0)
                memcpy(nd->bias, net->values[nd->in[2]].init.data, (size_t)M * sizeof(float));
            /* BatchNormalization right after, and the conv output read by nothing else */
            if (!net->no_fuse && net->values[nd->out[0]].uses == 1 && !cam__is_keep_name(net, net->values[nd->out[0]].name)) {
                for (j = i + 1; j < net->n_nodes; j++) {
                    cam__node *bn = &net->nodes[j];
                    int ok = 1;
                    if (bn->n_in < 1 || bn->in[0] != nd->out[0])
                        continue;
                    if (bn->op != CAM__OP_BatchNormalization || bn->n_in < 5)
                        break;
                    for (k = 1; k < 5; k++)
                        ok &= cam__init_float(net, bn->in[k], M);
                    for (k = 1; k < bn->n_out; k++)
                        ok &= bn->out[k] < 0 || net->values[bn->out[k]].uses == 0;
                    if (!ok || bn->out[0] < 0)
                        break;
                    tmp = (float *)cam__malloc_model(net, (size_t)M * per * sizeof(float));
                    if (!tmp)
                        return cam__fail(net, CAM_ERR_NOMEM, "out of memory folding BatchNormalization");
                    {
                        const float *sc = (const float *)net->values[bn->in[1]].init.data;
                        const float *bb = (const float *)net->values[bn->in[2]].init.data;
                        const float *mean = (const float *)net->values[bn->in[3]].init.data;
                        const float *var = (const float *)net->values[bn->in[4]].init.data;
                        float eps = cam__attr_f(bn, "epsilon", 1e-5f);
                        int64_t m, e;
                        for (m = 0; m < M; m++) {
                            float s = sc[m] / sqrtf(var[m] + eps);
                            for (e = 0; e < per; e++)
                                tmp[m * per + e] = w[m * per + e] * s;
                            nd->bias[m] = (nd->bias[m] - mean[m]) * s + bb[m];
                        }
                    }
                    w = tmp;
                    bn->dead = 1;
                    nd->bn_folded = 1;
                    nd->out[0] = bn->out[0];
                    break;
                }
            }
            if (G == M && icg == 1) {
                /* depthwise: plain [c][kh][kw] */
                pf = (size_t)kh * kw;
                nd->packed = (float *)cam__malloc_model(net, (size_t)M * pf * sizeof(float));
                if (!nd->packed)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
                memcpy(nd->packed, w, (size_t)M * pf * sizeof(float));
            } else {
                pf = cam__k_conv_packed_floats((int)ocg, (int)icg, (int)kh, (int)kw);
                nd->packed = (float *)cam__malloc_model(net, (size_t)G * pf * sizeof(float));
                if (!nd->packed)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
                for (g = 0; g < G; g++)
                    cam__k_conv_pack(w + (size_t)g * ocg * per, (int)ocg, (int)icg, (int)kh, (int)kw, nd->packed + (size_t)g * pf);
            }
            net->packed_bytes += (int64_t)(G == M && icg == 1 ? M * pf : G * pf) * 4 + M * 4;
            if (tmp)
                cam__hfree(&net->heap, &net->model_mem, tmp);
            /* the packed copy replaces the raw weights when nothing else reads them */
            if (wv->uses == 1 && !wv->shared && !cam__is_keep_name(net, wv->name)) {
                cam__hfree(&net->heap, &net->model_mem, wv->init.data);
                wv->init.data = NULL;
            }
        } else if ((nd->op == CAM__OP_Gemm || nd->op == CAM__OP_MatMul) && nd->n_in >= 2 && cam__init_float(net, nd->in[1], -1) &&
                   net->values[nd->in[1]].init.ndim == 2 && (nd->op == CAM__OP_MatMul || !cam__attr_i(nd, "transA", 0))) {
            cam__value *bv = &net->values[nd->in[1]];
            int tb = nd->op == CAM__OP_Gemm && cam__attr_i(nd, "transB", 0);
            float alpha = nd->op == CAM__OP_Gemm ? cam__attr_f(nd, "alpha", 1.0f) : 1.0f;
            float beta = nd->op == CAM__OP_Gemm ? cam__attr_f(nd, "beta", 1.0f) : 1.0f;
            int64_t K = tb ? bv->init.dims[1] : bv->init.dims[0], N = tb ? bv->init.dims[0] : bv->init.dims[1], a, b;
            const float *src = (const float *)bv->init.data;
            if (tb && alpha == 1.0f) {
                nd->packed = (float *)bv->init.data;
            } else {
                nd->packed = (float *)cam__malloc_model(net, (size_t)N * K * sizeof(float));
                if (!nd->packed)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory preparing weights");
                for (a = 0; a < N; a++)
                    for (b = 0; b < K; b++)
                        nd->packed[a * K + b] = alpha * (tb ? src[a * K + b] : src[b * N + a]);
                net->packed_bytes += N * K * 4;
            }
            nd->oc = N;
            nd->icg = K;
            if (nd->op == CAM__OP_Gemm && nd->n_in >= 3 && nd->in[2] >= 0) {
                cam__value *cv = &net->values[nd->in[2]];
                if (cam__init_float(net, nd->in[2], N) && (cv->init.ndim == 1 || (cv->init.ndim == 2 && cv->init.dims[0] == 1))) {
                    if (beta == 1.0f) {
                        nd->bias = (float *)cv->init.data;
                    } else {
                        nd->bias = (float *)cam__malloc_model(net, (size_t)N * sizeof(float));
                        if (!nd->bias)
                            return cam__fail(net, CAM_ERR_NOMEM, "out of memory preparing weights");
                        for (a = 0; a < N; a++)
                            nd->bias[a] = beta * ((const float *)cv->init.data)[a];
                    }
                } else {
                    nd->packed = NULL; /* C is a matrix or computed: general path */
                }
            }
        }
    }
    return CAM_OK;
}

/* >>cam-head-impl */
static int cam__single_consumer(cam_net *net, int v, int from)
{
    int j, k, found = -1, count = 0;
    for (j = from; j < net->n_steps; j++) {
        cam__step *t = &net->steps[j];
        if (t->dead)
            continue;
        for (k = 0; k < t->n_in; k++)
            if (t->in[k] == v) {
                if (found != j)
                    count++;
                found = j;
            }
    }
    return count == 1 ? found : -1;
}

static cam_result cam__find_head(cam_net *net)
{
    int i, pool = -1, f, v, c;
    cam__step *ps = NULL;
    cam_head *h = &net->head;
    memset(h, 0, sizeof *h);
    net->head_ok = 0;
    if (net->cam_feature) {
        int w = cam__value_find(net, net->cam_feature), wi = cam__value_find(net, net->cam_weights), bi;
        const cam_tensor *ft;
        if (w < 0 || net->values[w].state == CAM__V_NONE)
            return cam__errf(net->head_err, CAM_ERR_NOT_FOUND, "cam_feature: no tensor named '%s'", net->cam_feature);
        ft = CAM__VT(w);
        if (ft->ndim != 4 || ft->dtype != CAM_FLOAT32)
            return cam__errf(net->head_err, CAM_ERR_SHAPE, "cam_feature '%s' is not a float32 N x K x h x w tensor", net->cam_feature);
        if (!net->cam_weights || wi < 0 || !cam__init_float(net, wi, -1) || net->values[wi].init.ndim != 2 ||
            net->values[wi].init.dims[1] != ft->dims[1])
            return cam__errf(net->head_err, CAM_ERR_NOT_FOUND, "cam_weights: no C x %lld float initializer named '%s'",
                             (long long)ft->dims[1], net->cam_weights ? net->cam_weights : "(null)");
        h->feature = net->values[w].name;
        h->n_channels = (int)ft->dims[1];
        h->n_classes = (int)net->values[wi].init.dims[0];
        h->weights = (const float *)net->values[wi].init.data;
        if (net->cam_bias) {
            bi = cam__value_find(net, net->cam_bias);
            if (bi < 0 || !cam__init_float(net, bi, h->n_classes))
                return cam__errf(net->head_err, CAM_ERR_NOT_FOUND, "cam_bias: no float initializer of %d values named '%s'",
                                 h->n_classes, net->cam_bias);
            h->bias = (const float *)net->values[bi].init.data;
        }
        h->scores = net->n_outputs ? net->values[net->outputs[0]].name : "";
        net->values[w].keep = 1;
        net->head_ok = 1;
        return CAM_OK;
    }
    for (i = net->n_steps - 1; i >= 0 && pool < 0; i--) {
        cam__step *s = &net->steps[i];
        const cam_tensor *x;
        if (s->dead || !cam__has_in(s, 0))
            continue;
        x = CAM__VT(s->in[0]);
        if (x->ndim != 4 || x->dtype != CAM_FLOAT32)
            continue;
        if (s->op == CAM__OP_GlobalAveragePool || s->op == CAM__OP_GlobalMaxPool ||
            (s->op == CAM__OP_ReduceMean && s->p[0] == 0xC) ||
            (s->op == CAM__OP_AveragePool && s->p[5] == 1 && s->p[6] == 1 && s->p[7] >= x->dims[2] && s->p[8] >= x->dims[3] &&
             !s->p[13] && !s->p[14]))
            pool = i;
    }
    if (pool < 0)
        return cam__errf(net->head_err, CAM_ERR_NOT_FOUND,
                         "no global pooling (GlobalAveragePool, GlobalMaxPool, ReduceMean over H,W or whole-map AveragePool) in the graph");
    ps = &net->steps[pool];
    f = ps->in[0];
    h->pool = ps->op == CAM__OP_GlobalMaxPool ? CAM_POOL_MAX : CAM_POOL_AVG;
    v = ps->out[0];
    for (;;) {
        c = cam__single_consumer(net, v, pool + 1);
        if (c < 0)
            break;
        {
            cam__step *t = &net->steps[c];
            cam__node *nd = &net->nodes[t->node];
            int64_t K = CAM__VT(f)->dims[1];
            if (t->op == CAM__OP_Flatten || t->op == CAM__OP_Reshape || t->op == CAM__OP_Squeeze || t->op == CAM__OP_Dropout ||
                t->op == CAM__OP_Identity) {
                if (t->in[0] != v)
                    break;
                v = t->out[0];
                continue;
            }
            if ((t->op == CAM__OP_Gemm || t->op == CAM__OP_MatMul) && t->in[0] == v && nd->packed && nd->icg == K) {
                int64_t C = nd->oc;
                h->weights = nd->packed; /* N x K with alpha applied */
                h->bias = t->op == CAM__OP_Gemm ? nd->bias : NULL;
                h->n_classes = (int)C;
                h->n_channels = (int)K;
                h->scores = net->values[t->out[0]].name;
                if (t->op == CAM__OP_MatMul) {
                    int a = cam__single_consumer(net, t->out[0], c + 1);
                    if (a >= 0 && net->steps[a].op == CAM__OP_Add) {
                        cam__step *ad = &net->steps[a];
                        int o = ad->in[0] == t->out[0] ? ad->in[1] : ad->in[0];
                        if (cam__init_float(net, o, C)) {
                            h->bias = (const float *)net->values[o].init.data;
                            h->scores = net->values[ad->out[0]].name;
                        }
                    }
                }
                h->feature = net->values[f].name;
                net->values[f].keep = 1;
                net->head_ok = 1;
                return CAM_OK;
            }
            break;
        }
    }
    /* 1x1-conv classifier before the pooling (SqueezeNet) */
    {
        int pr = net->values[f].producer;
        if (pr >= 0 && net->steps[pr].op == CAM__OP_Relu)
            pr = net->values[net->steps[pr].in[0]].producer;
        if (pr >= 0 && net->steps[pr].op == CAM__OP_Conv && net->steps[pr].p[7] == 1 && net->steps[pr].p[8] == 1) {
            h->conv_classifier = 1;
            h->feature = net->values[f].name;
            h->n_classes = h->n_channels = (int)CAM__VT(f)->dims[1];
            h->scores = net->values[v].name;
            net->values[f].keep = 1;
            net->head_ok = 1;
            return CAM_OK;
        }
    }
    return cam__errf(net->head_err, CAM_ERR_NOT_FOUND,
                     "the pooled features of '%s' feed no Gemm/MatMul with constant weights, and no 1x1-conv classifier precedes the pooling",
                     net->values[f].name);
}

/* >>planner */
static int cam__fusable_act(const cam__step *u)
{
    switch (u->op) {
    case CAM__OP_Relu: case CAM__OP_LeakyRelu: case CAM__OP_Sigmoid: case CAM__OP_HardSigmoid: case CAM__OP_HardSwish:
    case CAM__OP_Tanh:
        return 1;
    case CAM__OP_Clip:
        return !u->p[0];
    default:
        return 0;
    }
}

static void cam__fuse(cam_net *net)
{
    int i;
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        int c;
        cam__value *ov;
        if (s->dead || !((s->op == CAM__OP_Conv && s->dense) || ((s->op == CAM__OP_Gemm || s->op == CAM__OP_MatMul) && s->w)))
            continue;
        ov = &net->values[s->out[0]];
        if (s->op == CAM__OP_Conv && !ov->keep && (c = cam__single_consumer(net, s->out[0], i + 1)) >= 0 &&
            net->steps[c].op == CAM__OP_Add && !net->steps[c].p[0]) {
            cam__step *t = &net->steps[c];
            int r = t->in[0] == s->out[0] ? t->in[1] : t->in[0];
            cam__value *rv = &net->values[r];
            if (t->in[0] != t->in[1] && rv->t.dtype == CAM_FLOAT32 && rv->t.ndim == 4 && rv->state != CAM__V_CONST &&
                !memcmp(rv->t.dims, ov->t.dims, sizeof rv->t.dims) && rv->producer < i) {
                s->res = r;
                s->out[0] = t->out[0];
                net->values[t->out[0]].producer = i;
                t->dead = 1;
                s->fused |= 2;
                ov = &net->values[s->out[0]];
            }
        }
        if (!ov->keep && (c = cam__single_consumer(net, s->out[0], i + 1)) >= 0 && cam__fusable_act(&net->steps[c]) &&
            net->steps[c].in[0] == s->out[0]) {
            cam__step *u = &net->steps[c];
            s->act = u->act;
            s->out[0] = u->out[0];
            net->values[u->out[0]].producer = i;
            u->dead = 1;
            s->fused |= 4;
        }
    }
}

typedef struct cam__slot {
    size_t offset, bytes;
    int first, last;
} cam__slot;

static void cam__plan_reset(cam_net *net)
{
    int i;
    cam__hfree_all(&net->heap, &net->plan_mem);
    net->steps = NULL;
    net->n_steps = 0;
    net->arena = NULL;
    net->arena_bytes = 0;
    net->planned = 0;
    net->head_ok = 0;
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        v->state = CAM__V_NONE;
        memset(&v->t, 0, sizeof v->t);
        v->root = i;
        v->sub = 0;
        v->bytes = v->offset = 0;
        v->first = INT32_MAX;
        v->last = -1;
        v->keep = 0;
        v->producer = -1;
        v->uses = 0;
    }
}

static cam_result cam__plan(cam_net *net)
{
    int i, j, k, n_live;
    cam_result r;
    cam__slot *slots;
    int *order, n_slots;
    size_t arena = 0;
    cam__plan_reset(net);
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->is_init) {
            v->state = CAM__V_CONST;
            v->t = v->init;
        }
    }
    for (i = 0; i < net->n_inputs; i++) {
        cam__value *v = &net->values[net->inputs[i]];
        v->t.dtype = v->vi.dtype;
        v->t.ndim = net->in_ndim[i];
        memcpy(v->t.dims, net->in_dims[i], sizeof v->t.dims);
        v->state = CAM__V_INPUT;
        if (v->t.dtype == CAM_INT64 && net->int_consts && net->in_vals[i]) {
            v->state = CAM__V_CONST;
            v->t.data = net->in_vals[i];
        }
    }
    net->steps = (cam__step *)cam__malloc_plan(net, (size_t)(net->n_nodes ? net->n_nodes : 1) * sizeof(cam__step));
    if (!net->steps)
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory planning");
    for (i = 0; i < net->n_nodes; i++) {
        cam__node *nd = &net->nodes[i];
        cam__step *s;
        if (nd->dead)
            continue;
        if (nd->op < 0)
            return cam__fail(net, CAM_ERR_UNSUPPORTED, "node %s: operator '%s%s%s' is not supported", cam__node_label(nd),
                             nd->domain, nd->domain[0] ? "." : "", nd->op_type);
        s = &net->steps[net->n_steps++];
        memset(s, 0, sizeof *s);
        s->op = nd->op;
        s->node = i;
        s->n_in = nd->n_in;
        s->n_out = nd->n_out;
        s->res = s->scratch = -1;
        s->in = (int *)cam__malloc_plan(net, (size_t)(nd->n_in + 1) * sizeof(int));
        s->out = (int *)cam__malloc_plan(net, (size_t)(nd->n_out + 1) * sizeof(int));
        if (!s->in || !s->out)
            return cam__fail(net, CAM_ERR_NOMEM, "out of memory planning");
        memcpy(s->in, nd->in, (size_t)nd->n_in * sizeof(int));
        memcpy(s->out, nd->out, (size_t)nd->n_out * sizeof(int));
        if (nd->n_out < 1 || nd->out[0] < 0)
            return cam__fail(net, CAM_ERR_FORMAT, "node %s (%s): no output", cam__node_label(nd), nd->op_type);
    }
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        for (k = 0; k < s->n_in; k++)
            if (s->in[k] >= 0)
                net->values[s->in[k]].uses++;
    }
    for (i = 0; i < net->n_outputs; i++) {
        net->values[net->outputs[i]].uses++;
        net->values[net->outputs[i]].keep = 1;
    }
    for (i = 0; i < net->n_keep; i++) {
        int id = cam__value_find(net, net->keep[i]);
        if (id < 0)
            return cam__fail(net, CAM_ERR_NOT_FOUND, "keep: no tensor named '%s' in the graph", net->keep[i]);
        net->values[id].keep = 1;
        net->values[id].uses++;
    }
    /* shapes, constant folding, aliases */
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        cam__node *nd = &net->nodes[s->node];
        int all_const = 1;
        for (k = 0; k < s->n_in; k++) {
            cam__value *v;
            if (s->in[k] < 0)
                continue;
            v = &net->values[s->in[k]];
            if (v->state == CAM__V_NONE)
                return cam__nfail(net, s, CAM_ERR_FORMAT, "input '%s' is not produced by any earlier node", v->name);
            if (v->state != CAM__V_CONST)
                all_const = 0;
        }
        if ((r = cam__infer(net, s)) != CAM_OK)
            return r;
        if (s->op == CAM__OP_Shape)
            all_const = 1;
        if (s->op == CAM__OP_Conv)
            all_const = 0;
        if (all_const) {
            for (k = 0; k < s->n_out; k++) {
                cam__value *v;
                if (s->out[k] < 0)
                    continue;
                v = &net->values[s->out[k]];
                v->t.data = cam__malloc_plan(net, (size_t)cam_tensor_count(&v->t) * cam_dtype_size(v->t.dtype));
                if (!v->t.data)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory folding constants");
                v->state = CAM__V_CONST;
            }
            if ((r = cam__exec(net, s)) != CAM_OK)
                return r;
            s->dead = 1;
            continue;
        }
        if (s->op == CAM__OP_Conv && nd->packed) {
            s->w = nd->packed;
            s->bias = nd->bias;
            s->dense = (nd->group == nd->oc && nd->icg == 1 && s->p[1] == nd->group) ? 2 : 1;
        }
        if (s->op == CAM__OP_Gemm && nd->packed && !s->p[3] && nd->oc == s->p[2] && nd->icg == s->p[1]) {
            s->w = nd->packed;
            s->bias = nd->bias;
        }
        if (s->op == CAM__OP_MatMul && nd->packed && CAM__VT(s->in[0])->ndim >= 2 && nd->icg == s->p[1] && nd->oc == s->p[2]) {
            s->w = nd->packed;
            s->bias = NULL;
        }
        for (k = 0; k < s->n_out; k++)
            if (s->out[k] >= 0) {
                net->values[s->out[k]].state = CAM__V_RUNTIME;
                net->values[s->out[k]].producer = i;
            }
        if ((s->op == CAM__OP_Reshape || s->op == CAM__OP_Flatten || s->op == CAM__OP_Squeeze || s->op == CAM__OP_Unsqueeze ||
             s->op == CAM__OP_Identity || (s->op == CAM__OP_Dropout && (s->n_out < 2 || s->out[1] < 0)))) {
            s->alias = 1;
            net->values[s->out[0]].root = net->values[s->in[0]].root;
        }
    }
    for (i = 0; i < net->n_outputs; i++)
        if (net->values[net->outputs[i]].state == CAM__V_NONE)
            return cam__fail(net, CAM_ERR_FORMAT, "graph output '%s' is not produced by any node", net->values[net->outputs[i]].name);
    if ((r = cam__find_head(net)) != CAM_OK && net->cam_feature)
        return cam__fail(net, r, "%s", net->head_err);
    net->head_ok = r == CAM_OK;
    if (!net->no_fuse)
        cam__fuse(net);
    /* compact live steps */
    n_live = 0;
    for (i = 0; i < net->n_steps; i++)
        if (!net->steps[i].dead)
            net->steps[n_live++] = net->steps[i];
    net->n_steps = n_live;
    net->macs = 0;
    for (i = 0; i < n_live; i++) {
        cam__step *s = &net->steps[i];
        const char *on = cam__op_names[s->op];
        net->macs += s->macs;
        snprintf(s->label, sizeof s->label, "%s%s%s%s", on, (s->fused & 2) ? "+Add" : "",
                 (s->fused & 4) ? "+" : "", (s->fused & 4) ? (s->act.kind == CAM__ACT_RELU ? "Relu" : s->act.kind == CAM__ACT_CLIP ? "Clip"
                 : s->act.kind == CAM__ACT_LEAKY ? "LeakyRelu" : s->act.kind == CAM__ACT_SIGMOID ? "Sigmoid"
                 : s->act.kind == CAM__ACT_HARDSWISH ? "HardSwish" : s->act.kind == CAM__ACT_HARDSIGMOID ? "HardSigmoid" : "Tanh") : "");
        if (net->nodes[s->node].bn_folded && strlen(s->label) + 3 < sizeof s->label) {
            memmove(s->label + 7, s->label + 4, strlen(s->label + 4) + 1);
            memcpy(s->label + 4, "+BN", 3);
        }
        for (k = 0; k < s->n_out; k++)
            if (s->out[k] >= 0)
                net->values[s->out[k]].producer = i;
    }
    /* Concat along an axis with nothing before it (batch 1 on channels): the
       producers write straight into their slice of the output. */
    if (!net->no_fuse)
        for (i = 0; i < n_live; i++) {
            cam__step *s = &net->steps[i];
            cam__value *o = &net->values[s->out[0]];
            int64_t outer = 1;
            size_t off = 0;
            if (s->op != CAM__OP_Concat || o->root != s->out[0])
                continue;
            for (k = 0; k < s->p[0]; k++)
                outer *= o->t.dims[k];
            if (outer != 1)
                continue;
            for (k = 0; k < s->n_in; k++) {
                cam__value *v = &net->values[s->in[k]];
                size_t bytes = (size_t)cam_tensor_count(&v->t) * cam_dtype_size(v->t.dtype);
                int dup = 0;
                for (j = 0; j < s->n_in; j++)
                    dup += s->in[j] == s->in[k];
                if (v->state == CAM__V_RUNTIME && v->root == s->in[k] && !v->keep && v->uses == 1 && dup == 1 &&
                    v->producer >= 0 && v->producer < i && !net->steps[v->producer].alias) {
                    v->root = s->out[0];
                    v->sub = off;
                }
                off += bytes;
            }
        }
    for (i = 0; i < net->n_values; i++) { /* roots of roots: nested concats, aliases of slices */
        cam__value *v = &net->values[i];
        while (net->values[v->root].root != v->root) {
            v->sub += net->values[v->root].sub;
            v->root = net->values[v->root].root;
        }
    }
    /* lifetimes of storage roots */
    for (i = 0; i < n_live; i++) {
        cam__step *s = &net->steps[i];
        for (k = 0; k < s->n_out; k++)
            if (s->out[k] >= 0) {
                cam__value *rv = &net->values[net->values[s->out[k]].root];
                if (rv->first > i) rv->first = i;
                if (rv->last < i) rv->last = i;
            }
        for (k = 0; k < s->n_in; k++)
            if (s->in[k] >= 0) {
                cam__value *rv = &net->values[net->values[s->in[k]].root];
                if (rv->last < i) rv->last = i;
            }
        if (s->res >= 0) {
            cam__value *rv = &net->values[net->values[s->res].root];
            if (rv->last < i) rv->last = i;
        }
    }
    for (i = 0; i < net->n_values; i++)
        if (net->values[i].keep && net->values[i].state == CAM__V_RUNTIME)
            net->values[net->values[i].root].last = n_live;
    /* slots: runtime roots, then conv padding scratch */
    slots = (cam__slot *)cam__malloc_plan(net, (size_t)(net->n_values + n_live + 1) * sizeof(cam__slot));
    order = (int *)cam__malloc_plan(net, (size_t)(net->n_values + n_live + 1) * sizeof(int));
    if (!slots || !order)
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory planning");
    n_slots = 0;
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->state != CAM__V_RUNTIME || v->root != i || v->first > v->last)
            continue;
        v->bytes = ((size_t)cam_tensor_count(&v->t) * cam_dtype_size(v->t.dtype) + 63) & ~(size_t)63;
        slots[n_slots].bytes = v->bytes;
        slots[n_slots].first = v->first;
        slots[n_slots].last = v->last;
        order[n_slots] = i;
        n_slots++;
    }
    for (i = 0; i < n_live; i++) {
        cam__step *s = &net->steps[i];
        if (s->op == CAM__OP_Conv && s->dense == 1 && (s->p[13] || s->p[14] || s->p[15] || s->p[16])) {
            int64_t icg = s->p[1] / s->p[17];
            slots[n_slots].bytes = ((size_t)(icg * (s->p[2] + s->p[13] + s->p[15]) * (s->p[3] + s->p[14] + s->p[16])) * 4 + 63) & ~(size_t)63;
            slots[n_slots].first = slots[n_slots].last = i;
            order[n_slots] = -1 - i;
            n_slots++;
        }
    }
    /* greedy by size: biggest first, lowest offset that fits among overlapping lifetimes */
    {
        int *idx = (int *)cam__malloc_plan(net, (size_t)(n_slots + 1) * sizeof(int));
        if (!idx)
            return cam__fail(net, CAM_ERR_NOMEM, "out of memory planning");
        for (i = 0; i < n_slots; i++)
            idx[i] = i;
        for (i = 1; i < n_slots; i++) { /* insertion sort by bytes desc (stable) */
            int t = idx[i];
            for (j = i - 1; j >= 0 && slots[idx[j]].bytes < slots[t].bytes; j--)
                idx[j + 1] = idx[j];
            idx[j + 1] = t;
        }
        for (i = 0; i < n_slots; i++) {
            cam__slot *a = &slots[idx[i]];
            size_t off = 0;
            int moved = 1;
            while (moved) {
                moved = 0;
                for (j = 0; j < i; j++) {
                    cam__slot *b = &slots[idx[j]];
                    if (b->last < a->first || a->last < b->first)
                        continue;
                    if (off < b->offset + b->bytes && b->offset < off + a->bytes) {
                        off = b->offset + b->bytes;
                        moved = 1;
                    }
                }
            }
            a->offset = off;
            if (off + a->bytes > arena)
                arena = off + a->bytes;
        }
    }
    net->arena_bytes = arena;
    net->arena = (unsigned char *)cam__malloc_plan(net, arena ? arena : 64);
    if (!net->arena)
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory: activation arena of %lu bytes", (unsigned long)arena);
    for (i = 0; i < n_slots; i++) {
        if (order[i] >= 0) {
            net->values[order[i]].offset = slots[i].offset;
            net->values[order[i]].t.data = net->arena + slots[i].offset;
        } else {
            /* conv padding scratch: its arena offset lives in the step */
            net->steps[-1 - order[i]].p[20] = (int64_t)slots[i].offset;
        }
    }
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->state == CAM__V_RUNTIME && v->root != i)
            v->t.data = net->values[v->root].t.data ? (unsigned char *)net->values[v->root].t.data + v->sub : NULL;
    }
    net->planned = 1;
    return CAM_OK;
}

/* >>net-api */
static void cam__pool_set(cam_net *net, int threads)
{
#ifdef CAM__THREADPOOL_INCLUDED
    if (net->pool && net->pool_threads == threads)
        return;
    if (net->pool)
        cam__threadpool_destroy((cam__threadpool *)net->pool);
    net->pool = NULL;
    net->pool_threads = 0;
    if (threads > 1) {
        cam__threadpool *p = NULL;
        if (cam__threadpool_create(&p, threads, &net->heap.a) == CAM_OK) {
            net->pool = p;
            net->pool_threads = threads;
        }
    }
    net->threads = net->pool ? threads : 1;
#else
    (void)threads;
    net->threads = 1;
#endif
}

CAM_API void cam_net_free(cam_net *net)
{
    cam__heap h;
    if (!net)
        return;
#ifdef CAM__THREADPOOL_INCLUDED
    if (net->pool)
        cam__threadpool_destroy((cam__threadpool *)net->pool);
#endif
    h = net->heap;
    cam__hfree_all(&h, &net->plan_mem);
    cam__hfree_all(&h, &net->model_mem);
    h.a.free(net, h.a.user);
}

static cam_result cam__load(const void *data, size_t size, const cam_net_desc *desc, cam_net **out, cam_error *err)
{
    cam_net_desc d;
    cam_allocator a;
    cam_net *net;
    cam_result r;
    int i, k;
    if (err) {
        err->code = CAM_OK;
        err->message[0] = 0;
    }
    if (!out)
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if (!data && size)
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "data is NULL");
    memset(&d, 0, sizeof d);
    if (desc)
        d = *desc;
    a = d.allocator;
    if (!a.alloc || !a.free) {
        a.alloc = cam__default_alloc;
        a.free = cam__default_free;
        a.user = NULL;
    }
    if (d.threads < 0 || d.batch < 0 || d.height < 0 || d.width < 0 || d.n_keep < 0 || (d.n_keep && !d.keep))
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "negative or inconsistent field in cam_net_desc");
    net = (cam_net *)a.alloc(sizeof(cam_net), 64, a.user);
    if (!net)
        return cam__seterr(err, CAM_ERR_NOMEM, "out of memory");
    memset(net, 0, sizeof *net);
    net->heap.a = a;
    net->no_fuse = d.no_fuse;
    net->batch = d.batch;
    net->height = d.height;
    net->width = d.width;
    r = cam__parse_model(net, (const uint8_t *)data, size);
    if (r == CAM_OK && d.n_keep) {
        net->keep = (const char **)cam__malloc_model(net, (size_t)d.n_keep * sizeof(char *));
        if (!net->keep)
            r = cam__fail(net, CAM_ERR_NOMEM, "out of memory");
        for (i = 0; r == CAM_OK && i < d.n_keep; i++) {
            net->keep[i] = d.keep[i] ? cam__strdup_n(net, (const uint8_t *)d.keep[i], strlen(d.keep[i])) : "";
            if (!net->keep[i])
                r = cam__fail(net, CAM_ERR_NOMEM, "out of memory");
        }
        net->n_keep = d.n_keep;
    }
    if (r == CAM_OK && d.cam_feature) {
        net->cam_feature = cam__strdup_n(net, (const uint8_t *)d.cam_feature, strlen(d.cam_feature));
        net->cam_weights = d.cam_weights ? cam__strdup_n(net, (const uint8_t *)d.cam_weights, strlen(d.cam_weights)) : NULL;
        net->cam_bias = d.cam_bias ? cam__strdup_n(net, (const uint8_t *)d.cam_bias, strlen(d.cam_bias)) : NULL;
    }
    if (r == CAM_OK) {
        net->in_dims = (int64_t(*)[CAM_MAX_NDIM])cam__malloc_model(net, (size_t)(net->n_inputs + 1) * sizeof(*net->in_dims));
        net->in_ndim = (int *)cam__malloc_model(net, (size_t)(net->n_inputs + 1) * sizeof(int));
        net->in_vals = (int64_t **)cam__malloc_model(net, (size_t)(net->n_inputs + 1) * sizeof(int64_t *));
        if (!net->in_dims || !net->in_ndim || !net->in_vals)
            r = cam__fail(net, CAM_ERR_NOMEM, "out of memory");
    }
    for (i = 0; r == CAM_OK && i < net->n_inputs; i++) {
        cam__value *v = &net->values[net->inputs[i]];
        net->in_ndim[i] = v->vi.ndim;
        for (k = 0; k < v->vi.ndim; k++) {
            int64_t dv = v->vi.dims[k];
            if (k == 0 && d.batch)
                dv = d.batch;
            else if (v->vi.ndim == 4 && k == 2 && d.height)
                dv = d.height;
            else if (v->vi.ndim == 4 && k == 3 && d.width)
                dv = d.width;
            if (dv < 0) {
                if (k == 0 || v->vi.ndim != 4)
                    dv = 1;
                else {
                    r = cam__fail(net, CAM_ERR_SHAPE, "input '%s': dimension %d is symbolic; set cam_net_desc.%s", v->name, k,
                                  k == 2 ? "height" : "width");
                    break;
                }
            }
            net->in_dims[i][k] = dv;
        }
    }
    if (r == CAM_OK)
        r = cam__prepare(net);
    if (r == CAM_OK) {
        r = cam__plan(net);
        if (r == CAM__DEFER) {
            cam__plan_reset(net);
            net->pending = 1;
            r = CAM_OK;
        }
    }
    if (r != CAM_OK) {
        cam__seterr(err, r, "%s", net->err);
        cam_net_free(net);
        return r;
    }
    cam__pool_set(net, d.threads ? d.threads : cam__cpu_count());
    *out = net;
    return CAM_OK;
}

CAM_API cam_result cam_net_load_memory(const void *data, size_t size, const cam_net_desc *desc, cam_net **out, cam_error *err)
{
    return cam__load(data, size, desc, out, err);
}

/* Reads a whole file with malloc; the caller frees. */
static cam_result cam__read_file(const char *path, unsigned char **data, size_t *size, char *msg)
{
    FILE *f;
    long n;
    *data = NULL;
    *size = 0;
    if (!path)
        return cam__errf(msg, CAM_ERR_INVALID_ARG, "path is NULL");
    f = fopen(path, "rb");
    if (!f)
        return cam__errf(msg, CAM_ERR_IO, "cannot open '%s'", path);
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return cam__errf(msg, CAM_ERR_IO, "cannot read '%s'", path);
    }
    *data = (unsigned char *)malloc((size_t)n + 1);
    if (!*data) {
        fclose(f);
        return cam__errf(msg, CAM_ERR_NOMEM, "out of memory reading '%s' (%ld bytes)", path, n);
    }
    if (n && fread(*data, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(*data);
        *data = NULL;
        return cam__errf(msg, CAM_ERR_IO, "cannot read '%s'", path);
    }
    fclose(f);
    *size = (size_t)n;
    return CAM_OK;
}

CAM_API cam_result cam_net_load(const char *path, const cam_net_desc *desc, cam_net **out, cam_error *err)
{
    unsigned char *data;
    size_t size;
    char msg[CAM_ERROR_MESSAGE_SIZE];
    cam_result r = cam__read_file(path, &data, &size, msg);
    if (out)
        *out = NULL;
    if (r != CAM_OK)
        return cam__seterr(err, r, "%s", msg);
    r = cam__load(data, size, desc, out, err);
    free(data);
    return r;
}

CAM_API const char *cam_net_last_error(const cam_net *net)
{
    return net ? net->err : "";
}

CAM_API int cam_net_input_count(const cam_net *net)
{
    return net ? net->n_inputs : 0;
}

CAM_API int cam_net_output_count(const cam_net *net)
{
    return net ? net->n_outputs : 0;
}

static void cam__info_from(const cam__value *v, const cam_tensor *t, cam_tensor_info *info)
{
    info->name = v->name;
    info->dtype = t->dtype;
    info->ndim = t->ndim;
    memcpy(info->dims, t->dims, sizeof info->dims);
}

CAM_API cam_result cam_net_input_info(const cam_net *net, int i, cam_tensor_info *info)
{
    const cam__value *v;
    if (!net || !info || i < 0 || i >= net->n_inputs)
        return CAM_ERR_INVALID_ARG;
    v = &net->values[net->inputs[i]];
    cam__info_from(v, &v->vi, info);
    info->ndim = net->in_ndim[i];
    memcpy(info->dims, net->in_dims[i], sizeof info->dims);
    return CAM_OK;
}

CAM_API cam_result cam_net_output_info(const cam_net *net, int i, cam_tensor_info *info)
{
    const cam__value *v;
    if (!net || !info || i < 0 || i >= net->n_outputs)
        return CAM_ERR_INVALID_ARG;
    v = &net->values[net->outputs[i]];
    if (net->planned && v->state != CAM__V_NONE)
        cam__info_from(v, &v->t, info);
    else if (v->has_vi)
        cam__info_from(v, &v->vi, info);
    else {
        memset(info, 0, sizeof *info);
        info->name = v->name;
    }
    return CAM_OK;
}

CAM_API cam_result cam_net_tensor_info(const cam_net *net, const char *name, cam_tensor_info *info)
{
    int id;
    const cam__value *v;
    if (!net || !name || !info)
        return CAM_ERR_INVALID_ARG;
    id = cam__value_find(net, name);
    if (id < 0)
        return CAM_ERR_NOT_FOUND;
    v = &net->values[id];
    if (net->planned && v->state != CAM__V_NONE)
        cam__info_from(v, &v->t, info);
    else if (v->is_init)
        cam__info_from(v, &v->init, info);
    else if (v->has_vi)
        cam__info_from(v, &v->vi, info);
    else
        return CAM_ERR_NOT_FOUND;
    return CAM_OK;
}

CAM_API cam_result cam_net_set_input_shape(cam_net *net, int i, int ndim, const int64_t *dims)
{
    int64_t old[CAM_MAX_NDIM];
    int old_nd, k;
    cam_result r;
    if (!net || i < 0 || i >= net->n_inputs || ndim < 0 || ndim > CAM_MAX_NDIM || (ndim && !dims))
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "set_input_shape: bad input index or dims") : CAM_ERR_INVALID_ARG;
    if (cam__checked_count(ndim, dims) < 0)
        return cam__fail(net, CAM_ERR_LIMIT, "set_input_shape: dims exceed CAM_MAX_DIM/CAM_MAX_ELEMENTS");
    memcpy(old, net->in_dims[i], sizeof old);
    old_nd = net->in_ndim[i];
    net->in_ndim[i] = ndim;
    for (k = 0; k < CAM_MAX_NDIM; k++)
        net->in_dims[i][k] = k < ndim ? dims[k] : 0;
    r = cam__plan(net);
    if (r == CAM__DEFER) {
        cam__plan_reset(net);
        net->pending = 1;
        return CAM_OK;
    }
    if (r != CAM_OK) {
        char msg[CAM_ERROR_MESSAGE_SIZE];
        memcpy(msg, net->err, sizeof msg);
        memcpy(net->in_dims[i], old, sizeof old);
        net->in_ndim[i] = old_nd;
        if (cam__plan(net) != CAM_OK)
            cam__plan_reset(net);
        memcpy(net->err, msg, sizeof msg);
    }
    return r;
}

CAM_API cam_result cam_net_forward(cam_net *net, const cam_tensor *inputs, int n_inputs)
{
    int i, replan = 0, k;
    cam_result r;
    if (!net)
        return CAM_ERR_INVALID_ARG;
    if (n_inputs != net->n_inputs || (n_inputs && !inputs))
        return cam__fail(net, CAM_ERR_INVALID_ARG, "forward: the model has %d inputs, %d given", net->n_inputs, n_inputs);
    for (i = 0; i < n_inputs; i++) {
        const cam_tensor *t = &inputs[i];
        const cam__value *v = &net->values[net->inputs[i]];
        if (t->dtype != v->vi.dtype)
            return cam__fail(net, CAM_ERR_INVALID_ARG, "forward: input %d ('%s') must be %s, got %s", i, v->name,
                             cam_dtype_name(v->vi.dtype), cam_dtype_name(t->dtype));
        if (t->ndim < 0 || t->ndim > CAM_MAX_NDIM || cam__checked_count(t->ndim, t->dims) < 0)
            return cam__fail(net, CAM_ERR_LIMIT, "forward: input %d ('%s') has bad dims", i, v->name);
        if (!t->data && cam_tensor_count(t))
            return cam__fail(net, CAM_ERR_INVALID_ARG, "forward: input %d ('%s') has no data", i, v->name);
        if (t->ndim != net->in_ndim[i] || memcmp(t->dims, net->in_dims[i], (size_t)t->ndim * sizeof(int64_t))) {
            net->in_ndim[i] = t->ndim;
            for (k = 0; k < CAM_MAX_NDIM; k++)
                net->in_dims[i][k] = k < t->ndim ? t->dims[k] : 0;
            replan = 1;
        }
        if (t->dtype == CAM_INT64 && (net->pending || net->int_consts)) {
            int64_t cnt = cam_tensor_count(t);
            int64_t *old = net->in_vals[i];
            if (!old || replan || memcmp(old, t->data, (size_t)cnt * 8)) {
                int64_t *nv = (int64_t *)cam__malloc_model(net, (size_t)cnt * 8 + 8);
                if (!nv)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory");
                memcpy(nv, t->data, (size_t)cnt * 8);
                if (old)
                    cam__hfree(&net->heap, &net->model_mem, old);
                net->in_vals[i] = nv;
                replan = 1;
            }
        }
    }
    if (net->pending) {
        net->int_consts = 1;
        replan = 1;
    }
    if (replan || !net->planned) {
        r = cam__plan(net);
        if (r == CAM__DEFER)
            r = cam__fail(net, CAM_ERR_UNSUPPORTED, "a shape depends on values computed at run time");
        if (r != CAM_OK) {
            cam__plan_reset(net);
            return r;
        }
        net->pending = 0;
    }
    for (i = 0; i < n_inputs; i++) {
        cam__value *v = &net->values[net->inputs[i]];
        if (v->state == CAM__V_INPUT)
            v->t.data = inputs[i].data;
    }
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->state == CAM__V_RUNTIME && v->root != i)
            v->t.data = net->values[v->root].t.data ? (unsigned char *)net->values[v->root].t.data + v->sub : NULL;
    }
    if (net->cb)
        net->cb(net->cb_user, -1);
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        if (!s->alias && (r = cam__exec(net, s)) != CAM_OK)
            return r;
        if (net->cb)
            net->cb(net->cb_user, i);
    }
    return CAM_OK;
}

static cam_result cam__view(cam_net *net, int id, cam_tensor *out)
{
    cam__value *v = &net->values[id];
    if (v->state == CAM__V_CONST || v->state == CAM__V_INPUT || (v->state == CAM__V_RUNTIME && (v->keep || v->root != id))) {
        if (v->state == CAM__V_RUNTIME && !net->values[v->root].keep && !v->keep)
            return cam__fail(net, CAM_ERR_NOT_FOUND, "tensor '%s' is not kept (name it in cam_net_desc.keep)", v->name);
        *out = v->t;
        return CAM_OK;
    }
    if (v->is_init && v->init.data) {
        *out = v->init;
        return CAM_OK;
    }
    if (v->is_init)
        return cam__fail(net, CAM_ERR_NOT_FOUND, "initializer '%s' was packed into a convolution at load", v->name);
    if (!net->planned)
        return cam__fail(net, CAM_ERR_NOT_FOUND, "tensor '%s': the net is not planned yet (run forward first)", v->name);
    return cam__fail(net, CAM_ERR_NOT_FOUND, "tensor '%s' is not kept (name it in cam_net_desc.keep)", v->name);
}

CAM_API cam_result cam_net_output(cam_net *net, int i, cam_tensor *out)
{
    if (!net || !out || i < 0 || i >= net->n_outputs)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "output %d out of range", i) : CAM_ERR_INVALID_ARG;
    return cam__view(net, net->outputs[i], out);
}

CAM_API cam_result cam_net_tensor(cam_net *net, const char *name, cam_tensor *out)
{
    int id;
    if (!net || !name || !out)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "tensor: NULL argument") : CAM_ERR_INVALID_ARG;
    id = cam__value_find(net, name);
    if (id < 0)
        return cam__fail(net, CAM_ERR_NOT_FOUND, "no tensor named '%s'", name);
    return cam__view(net, id, out);
}

CAM_API cam_result cam_net_set_threads(cam_net *net, int threads)
{
    if (!net || threads < 0)
        return CAM_ERR_INVALID_ARG;
    cam__pool_set(net, threads ? threads : cam__cpu_count());
    return CAM_OK;
}

CAM_API int cam_net_threads(const cam_net *net)
{
    return net ? net->threads : 0;
}

CAM_API int cam_net_node_count(const cam_net *net)
{
    return net ? net->n_nodes : 0;
}

CAM_API cam_result cam_net_node(const cam_net *net, int i, cam_node_info *info)
{
    const cam__node *n;
    if (!net || !info || i < 0 || i >= net->n_nodes)
        return CAM_ERR_INVALID_ARG;
    n = &net->nodes[i];
    info->name = n->name;
    info->op_type = n->op_type;
    info->n_inputs = n->n_in;
    info->n_outputs = n->n_out;
    info->inputs = n->in_names;
    info->outputs = n->out_names;
    return CAM_OK;
}

CAM_API int cam_net_metadata_count(const cam_net *net)
{
    return net ? net->n_meta : 0;
}

CAM_API cam_result cam_net_metadata(const cam_net *net, int i, const char **key, const char **value)
{
    if (!net || i < 0 || i >= net->n_meta)
        return CAM_ERR_INVALID_ARG;
    if (key)
        *key = net->meta_key[i];
    if (value)
        *value = net->meta_val[i];
    return CAM_OK;
}

CAM_API const char *cam_net_metadata_get(const cam_net *net, const char *key)
{
    int i;
    if (!net || !key)
        return NULL;
    for (i = net->n_meta - 1; i >= 0; i--)
        if (!strcmp(net->meta_key[i], key))
            return net->meta_val[i];
    return NULL;
}

CAM_API cam_result cam_net_get_stats(const cam_net *net, cam_net_stats *st)
{
    int i;
    if (!net || !st)
        return CAM_ERR_INVALID_ARG;
    memset(st, 0, sizeof *st);
    st->params = net->params;
    st->macs = net->macs;
    st->weight_bytes = net->packed_bytes;
    for (i = 0; i < net->n_values; i++) {
        const cam__value *v = &net->values[i];
        int dup = 0, j;
        if (v->shared)
            for (j = 0; j < i && !dup; j++)
                dup = net->values[j].is_init && net->values[j].init.data == v->init.data;
        if (v->is_init && v->init.data && !dup)
            st->weight_bytes += cam_tensor_count(&v->init) * (int64_t)cam_dtype_size(v->init.dtype);
    }
    st->arena_bytes = (int64_t)net->arena_bytes;
    st->peak_bytes = net->heap.peak;
    st->n_nodes = net->n_nodes;
    st->n_steps = net->n_steps;
    st->opset = net->opset;
    return CAM_OK;
}

CAM_API int cam_net_step_count(const cam_net *net)
{
    return net && net->planned ? net->n_steps : 0;
}

CAM_API cam_result cam_net_step(const cam_net *net, int i, cam_step_info *info)
{
    const cam__step *s;
    const cam__value *v;
    if (!net || !info || !net->planned || i < 0 || i >= net->n_steps)
        return CAM_ERR_INVALID_ARG;
    s = &net->steps[i];
    v = &net->values[s->out[0]];
    info->op = s->label;
    info->output = v->name;
    info->ndim = v->t.ndim;
    memcpy(info->dims, v->t.dims, sizeof info->dims);
    info->macs = s->macs;
    return CAM_OK;
}

CAM_API void cam_net_set_step_callback(cam_net *net, cam_step_callback fn, void *user)
{
    if (net) {
        net->cb = fn;
        net->cb_user = user;
    }
}

CAM_API cam_result cam_net_head(const cam_net *net, cam_head *head)
{
    if (!net || !head)
        return CAM_ERR_INVALID_ARG;
    if (!net->planned)
        return CAM_ERR_NOT_FOUND;
    if (!net->head_ok)
        return CAM_ERR_NOT_FOUND;
    *head = net->head;
    return CAM_OK;
}

CAM_API const char *cam_net_head_error(const cam_net *net)
{
    if (!net)
        return "";
    if (!net->planned)
        return "the net is not planned yet (run forward first)";
    return net->head_ok ? "" : net->head_err;
}

CAM_API const char *cam_simd_name(void)
{
    /* cam_simd.h's ladder decides; asking it keeps the two from disagreeing. */
    return cam__simd_name();
}

/* >>tensor-proto */
static void *cam__alloc_malloc_cb(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size ? size : 1);
}

CAM_API cam_result cam_tensor_proto_load_memory(const void *data, size_t size, cam_tensor *out, cam_error *err)
{
    char msg[CAM_ERROR_MESSAGE_SIZE];
    cam__pb b;
    cam_result r;
    if (!out || (!data && size))
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "NULL argument");
    b.p = (const uint8_t *)data;
    b.end = b.p + size;
    msg[0] = 0;
    r = cam__parse_tensor(msg, b.p, b, out, NULL, NULL, cam__alloc_malloc_cb, NULL);
    if (r != CAM_OK) {
        if (out->data && r != CAM_ERR_NOMEM)
            free(out->data);
        out->data = NULL;
        return cam__seterr(err, r, "%s", msg);
    }
    if (err) {
        err->code = CAM_OK;
        err->message[0] = 0;
    }
    return CAM_OK;
}

CAM_API cam_result cam_tensor_proto_load(const char *path, cam_tensor *out, cam_error *err)
{
    unsigned char *data;
    size_t size;
    char msg[CAM_ERROR_MESSAGE_SIZE];
    cam_result r = cam__read_file(path, &data, &size, msg);
    if (r != CAM_OK)
        return cam__seterr(err, r, "%s", msg);
    r = cam_tensor_proto_load_memory(data, size, out, err);
    free(data);
    return r;
}

/* >>npy-impl */
CAM_API void cam_npy_free(cam_tensor *t)
{
    if (t) {
        free(t->data);
        t->data = NULL;
    }
}

CAM_API cam_result cam_npy_load_memory(const void *data, size_t size, cam_tensor *out, cam_error *err)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t hlen, hstart, esz;
    char hdr[4096];
    const char *d, *q;
    int64_t count;
    if (!out || (!data && size))
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "npy: NULL argument");
    memset(out, 0, sizeof *out);
    if (size < 10 || memcmp(p, "\x93NUMPY", 6))
        return cam__seterr(err, CAM_ERR_FORMAT, "npy: not a .npy file (bad magic)");
    if (p[6] == 1) {
        hlen = (size_t)p[8] | (size_t)p[9] << 8;
        hstart = 10;
    } else if (p[6] == 2 || p[6] == 3) {
        if (size < 12)
            return cam__seterr(err, CAM_ERR_FORMAT, "npy: truncated header");
        hlen = (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
        hstart = 12;
    } else {
        return cam__seterr(err, CAM_ERR_UNSUPPORTED, "npy: version %d not supported", p[6]);
    }
    if (hlen > size - hstart)
        return cam__seterr(err, CAM_ERR_FORMAT, "npy: header of %lu bytes runs past the end of the %lu-byte file",
                           (unsigned long)hlen, (unsigned long)size);
    if (hlen >= sizeof hdr)
        return cam__seterr(err, CAM_ERR_LIMIT, "npy: header too long (%lu bytes)", (unsigned long)hlen);
    memcpy(hdr, p + hstart, hlen);
    hdr[hlen] = 0;
    d = strstr(hdr, "'descr'");
    if (!d || !(d = strchr(d + 7, '\'')) || !(q = strchr(d + 1, '\'')))
        return cam__seterr(err, CAM_ERR_FORMAT, "npy: no descr in header");
    {
        size_t n = (size_t)(q - d - 1);
        const char *s = d + 1;
        if (n == 3 && (s[0] == '<' || s[0] == '|' || s[0] == '=')) {
            if (!memcmp(s + 1, "f4", 2)) out->dtype = CAM_FLOAT32;
            else if (!memcmp(s + 1, "f8", 2)) out->dtype = CAM_DOUBLE;
            else if (!memcmp(s + 1, "i8", 2)) out->dtype = CAM_INT64;
            else if (!memcmp(s + 1, "i4", 2)) out->dtype = CAM_INT32;
            else if (!memcmp(s + 1, "u1", 2)) out->dtype = CAM_UINT8;
            else if (!memcmp(s + 1, "i1", 2)) out->dtype = CAM_INT8;
            else if (!memcmp(s + 1, "b1", 2)) out->dtype = CAM_BOOL;
            else return cam__seterr(err, CAM_ERR_UNSUPPORTED, "npy: dtype '%.*s' not supported", (int)n, s);
        } else {
            return cam__seterr(err, CAM_ERR_UNSUPPORTED, "npy: dtype '%.*s' not supported (little-endian only)", (int)(n > 16 ? 16 : n), s);
        }
    }
    d = strstr(hdr, "'fortran_order'");
    if (d && strstr(d, "True") && strstr(d, "True") < strstr(d, ","))
        return cam__seterr(err, CAM_ERR_UNSUPPORTED, "npy: fortran_order arrays not supported");
    d = strstr(hdr, "'shape'");
    if (!d || !(d = strchr(d, '(')))
        return cam__seterr(err, CAM_ERR_FORMAT, "npy: no shape in header");
    d++;
    for (;;) {
        char *e;
        long long v;
        while (*d == ' ' || *d == ',')
            d++;
        if (*d == ')')
            break;
        if (*d < '0' || *d > '9')
            return cam__seterr(err, CAM_ERR_FORMAT, "npy: bad shape in header");
        if (out->ndim >= CAM_MAX_NDIM)
            return cam__seterr(err, CAM_ERR_LIMIT, "npy: more than %d dims", CAM_MAX_NDIM);
        v = strtoll(d, &e, 10);
        if (v < 0 || v > CAM_MAX_DIM)
            return cam__seterr(err, CAM_ERR_LIMIT, "npy: dim %lld exceeds CAM_MAX_DIM", v);
        out->dims[out->ndim++] = v;
        d = e;
    }
    count = cam__checked_count(out->ndim, out->dims);
    if (count < 0)
        return cam__seterr(err, CAM_ERR_LIMIT, "npy: element count exceeds CAM_MAX_ELEMENTS");
    esz = cam_dtype_size(out->dtype);
    if ((size_t)count * esz > size - hstart - hlen)
        return cam__seterr(err, CAM_ERR_FORMAT, "npy: truncated: %lu data bytes expected, %lu present",
                           (unsigned long)((size_t)count * esz), (unsigned long)(size - hstart - hlen));
    out->data = malloc((size_t)count * esz + 1);
    if (!out->data)
        return cam__seterr(err, CAM_ERR_NOMEM, "npy: out of memory");
    memcpy(out->data, p + hstart + hlen, (size_t)count * esz);
    if (err) {
        err->code = CAM_OK;
        err->message[0] = 0;
    }
    return CAM_OK;
}

CAM_API cam_result cam_npy_load(const char *path, cam_tensor *out, cam_error *err)
{
    unsigned char *data;
    size_t size;
    char msg[CAM_ERROR_MESSAGE_SIZE];
    cam_result r = cam__read_file(path, &data, &size, msg);
    if (out)
        memset(out, 0, sizeof *out);
    if (r != CAM_OK)
        return cam__seterr(err, r, "%s", msg);
    r = cam_npy_load_memory(data, size, out, err);
    free(data);
    return r;
}

CAM_API cam_result cam_npy_save(const char *path, const cam_tensor *t, cam_error *err)
{
    static const char *const descr[] = {"<f4", "<i8", "<i4", "|u1", "|i1", "|b1", "<f8"};
    char hdr[512];
    int n, i, total;
    FILE *f;
    size_t bytes;
    if (!path || !t || (int)t->dtype < 0 || t->dtype >= CAM_DTYPE_COUNT || t->ndim < 0 || t->ndim > CAM_MAX_NDIM)
        return cam__seterr(err, CAM_ERR_INVALID_ARG, "npy: bad argument");
    n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr[t->dtype]);
    for (i = 0; i < t->ndim; i++)
        n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%lld%s", (long long)t->dims[i], t->ndim == 1 ? "," : i + 1 < t->ndim ? ", " : "");
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
    total = ((10 + n + 1 + 63) / 64) * 64;
    while (10 + n + 1 < total)
        hdr[n++] = ' ';
    hdr[n++] = '\n';
    f = fopen(path, "wb");
    if (!f)
        return cam__seterr(err, CAM_ERR_IO, "npy: cannot write '%s'", path);
    bytes = (size_t)cam_tensor_count(t) * cam_dtype_size(t->dtype);
    {
        unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
        pre[8] = (unsigned char)(n & 0xff);
        pre[9] = (unsigned char)(n >> 8);
        if (fwrite(pre, 1, 10, f) != 10 || fwrite(hdr, 1, (size_t)n, f) != (size_t)n ||
            (bytes && fwrite(t->data, 1, bytes, f) != bytes)) {
            fclose(f);
            return cam__seterr(err, CAM_ERR_IO, "npy: cannot write '%s'", path);
        }
    }
    if (fclose(f))
        return cam__seterr(err, CAM_ERR_IO, "npy: cannot write '%s'", path);
    return CAM_OK;
}
/* >>engine-end */

#include "dev/cam_vis_impl.inc"
#include "dev/cam_eval_impl.inc"
#include "dev/cam_grad_impl.inc"

#endif /* CAM_IMPLEMENTATION_DONE */
#endif /* CAM_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 the cam developers

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
