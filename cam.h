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
      thread count: outputs are bit-identical for any thread count.

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

#ifdef __cplusplus
}
#endif

/* The CAM, box, image and picture API; then evaluation metrics and SVMs. */
#include "dev/cam_vis_api.inc"
#include "dev/cam_eval_api.inc"

#endif /* CAM_H_INCLUDED */

/* ======================================================================== */
#ifdef CAM_IMPLEMENTATION
#ifndef CAM_IMPLEMENTATION_DONE
#define CAM_IMPLEMENTATION_DONE

/* >>implementation */

#include "cam_simd.h"
#include "dev/cam_threadpool.inc"

/* The engine implementation goes here. */

#include "dev/cam_vis_impl.inc"
#include "dev/cam_eval_impl.inc"

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
