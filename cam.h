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
      CAM_NO_STB_IMPLEMENTATION  use stb_image / stb_image_write but compile their
                           implementations elsewhere (your program already has them)
      CAM_MAX_IMAGE_DIM    largest image side accepted (default 1<<15)
      CAM_MAX_IMAGE_PIXELS largest width * height accepted (default 1<<27)
      CAM_NO_THREADS       single-threaded build, no pthreads

   DOCUMENTATION
      1. Overview ........ load an ONNX file, run it, read any named tensor
      2. Models .......... ONNX subset, shape inference, fusion done at load
      3. Tensors ......... cam_tensor is a view: dtype, dims, data; who owns it
      4. CAM and boxes ... maps, threshold-and-label boxes, images, pictures (>>cam-api)
      5. Features ........ GAP / GMP feature vectors per image (>>cam-api)
      6. Memory .......... allocator hook in cam_net_desc; forward allocates nothing
      7. Errors .......... cam_result codes (one X-macro) + detailed message
      8. SIMD ............ AVX2+FMA, NEON or scalar, chosen at compile time
      9. Threads ......... persistent pool; results do not depend on thread count
     10. Evaluation ...... IoU, localization metrics, one-pass tau sweep, linear SVM (>>eval-api)
     11. Backprop ........ gradient saliency, the baseline CAM beats (>>grad-api)

   Sections 4, 5, 10 and 11 sit beside their declarations further down; search
   for the marker in brackets. The implementation has markers too: >>protobuf,
   >>onnx-reader, >>operators, >>compile, >>planner, >>threadpool,
   >>vis-implementation, >>boxes, >>eval-impl, >>sweep-impl, >>svm-impl, >>grad.

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
      in-place Concat).
      Convolutions are direct (no im2col) except stride-1, undilated 3x3 convs of
      one group with >= 16 channels on each side, >= 32 2x2 output tiles and
      >= 20 M multiply-adds per image: those run as Winograd F(2x2,3x3) (16
      multiply-adds per tile and channel pair instead of 36: VGG-16 1.2x, ResNet-18
      1.1x faster at 2 threads), chosen at the first plan from the map size and
      kept for later shapes. Their outputs differ from the direct sums by rounding
      (~1e-6 relative per layer; whole networks agree with PyTorch within 3e-5 of
      the largest logit); cam_net_desc.no_winograd = 1 runs every conv direct.
      Their weights take 16/9 of the direct packing, and each needs a scratch per
      thread (about 1 MB) in the arena. cam_net_step_count()/cam_net_step() list the compiled
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
      A CAM head whose classifier is a Gemm (torchvision's) gets, at load, a
      copy of its weights packed into class blocks (C x K floats): the
      forward's Gemm runs on it and so does the all-class map product, which
      then finds it in cache after the forward. CAM calls keep some memory in
      the net, made on first use and freed by cam_net_free(): the first map of
      a run of at least 48 consecutive classes (all classes, typically; fewer
      in non-AVX-512 builds) packs that copy if load did not (a second copy
      for CAM_RECTIFY_POSITIVE_WEIGHTS); cam_net_maps_into() and
      cam_net_boxes() keep their scratch. cam_net_maps() allocates the maps
      it returns.

   7. Errors
      Fallible calls return cam_result (CAM_OK = 0, negative on failure).
      cam_result_str() names the code. Load reports details in cam_error (may be
      NULL); later calls leave the message in the net: cam_net_last_error().
      The library never aborts or exits on bad input.

   8. SIMD: cam_simd_name() says which kernels are built ("avx512", "avx2+fma",
      "neon", "scalar"). SIMD results match the scalar reference within a stated tolerance.

   9. Threads: cam_net_desc.threads (0 = all cores). Work is split so that every
      output element is computed by the same sequence of operations whatever the
      thread count: outputs are bit-identical for any thread count. Dense convs
      split by output-channel blocks when their weights outweigh their input, by
      pixel ranges otherwise; Winograd convs by bands of tiles (fixed by the
      shapes) and output channels; depthwise convs and pools by channels; dense layers
      by output columns; elementwise work in fixed chunks. The thread that calls
      forward runs part of the work itself: give it at least 128 KB of stack
      (the AVX-512 conv kernels keep up to 48 KB of input windows there).

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
    int no_winograd;           /* 1: every conv direct; 0: stride-1 3x3 convs with
                                  >= 16 channels each side run as Winograd F(2x2,3x3)
                                  (16 products per 2x2 tile instead of 36; outputs
                                  differ from the direct sums by rounding, ~1e-6
                                  relative) */
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

/* Thread count used by forward (0: all cores); changeable between forwards.
   Outputs are the same whatever the count. Raising it above the count the
   net was planned with re-plans at the next forward (allocates) where a
   Winograd conv needs a scratch per thread. */
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
    int winograd;        /* 1: a conv run as Winograd F(2x2,3x3) (cam_net_desc.no_winograd) */
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
/* >>cam-api
   4. CAM and boxes
      After cam_net_forward(), cam_net_maps() computes the class activation maps
      M_c = sum_k w_k^c f_k (Zhou et al. 2016) for given classes or the top-k by
      score, in one matrix product over the feature tensor; cam_map_boxes() cuts
      boxes from a map. cam_net_maps() splits the product over the net's
      threads (results do not depend on the thread count) and allocates its
      result. Lower-level pieces (cam_map_compute, cam_map_resize,
      cam_map_resize_to_image, cam_map_normalize, and cam_map_boxes given its
      scratch) take caller buffers and allocate nothing, so a loop over many
      images can stay allocation-free. For such a loop: cam_net_maps_into()
      writes the maps into caller memory, cam_net_boxes() boxes a set of maps
      over the net's threads, and cam_net_map_boxes() gives the boxes of the
      maps without keeping them (each map is resampled and boxed on one
      thread while it is in cache); all three keep their scratch in the net
      and give the same values as cam_net_maps() + cam_map_boxes().
      A run of many consecutive classes (all of them, typically) uses the
      classifier weights packed once per net into class blocks (see 6. Memory).

         cam_image img; cam_preprocess pp; cam_transform tf; cam_maps maps;
         cam_image_load("dog.jpg", &img, &err);
         cam_preprocess_from_net(net, &pp, &err);      // size, mean/std, resize from metadata
         float *x = malloc(cam_preprocess_floats(&pp) * sizeof(float));
         cam_image_preprocess(&img, &pp, x, &tf);
         cam_tensor in = {CAM_FLOAT32, 4, {1, pp.channels, pp.height, pp.width}, x};
         cam_net_forward(net, &in, 1);
         cam_map_desc md = {0}; md.transform = &tf;    // maps on the original image
         cam_net_maps(net, 0, NULL, 5, &md, &maps);    // top-5 classes
         cam_box box; int n = cam_map_boxes(maps.data, maps.width, maps.height, NULL, &box, 1, NULL);

      Map options (0 = the paper's behaviour):
         rectify    NONE (paper) | RELU (clip negative map values, pytorch-grad-cam)
                    | POSITIVE_WEIGHTS (drop negative w_k^c before the product)
         normalize  NONE (paper; the box threshold is relative anyway) | MAX (divide
                    by the max when it is > 0) | MINMAX ((m-min)/(max-min), 0 when flat)
         order      NORMALIZE_AFTER_RESIZE (default) | NORMALIZE_BEFORE_RESIZE
         interp     BILINEAR (default) | BICUBIC (a = -0.75, as PyTorch and OpenCV)
                    | NEAREST; half-pixel centres (align_corners = False).
         target     IMAGE (default: the original image through desc.transform; with
                    no transform, the network input) | INPUT | FEATURE.
      Resizing replicates the border: a sample position outside the map takes the
      nearest edge value. Pixels of the original image outside the centre crop
      therefore get the value of the nearest map edge (extrapolated by replication).
      Maps never include the classifier bias (S_c = mean(M_c) + b_c).

      Boxes (threshold and label), cam_box_desc zero = the paper's rule:
         keep pixels with m >= 0.2 * max(m) (strict: >), or with mode RANGE
         m >= min + t * (max - min), the threshold computed and compared in
         double (as NumPy float64 would); label 8-connected components (or 4) with a
         two-pass union-find over runs; the box of the largest component (most
         pixels; ties: larger sum of map values, then the first component in
         raster order of its first pixel). All boxes come sorted the same way.
         NaN pixels never pass the threshold and are ignored for min and max.
         No box (count 0) when the map has no finite value, when max <= 0 in MAX
         mode, or when nothing passes a strict threshold. A flat map with max > 0
         gives the whole map. Boxes are inclusive pixel coordinates
         (x0, y0, x1, y1) of the map they were cut from; cut them from a map on
         the original image (target IMAGE) to get boxes on the original image, or
         map a box with cam_transform_box().
      ILSVRC heuristic (paper, test set): cam_map_boxes_ilsvrc() gives five boxes,
      a tight and a loose one for the top-1 and top-2 classes and a loose one for
      the top-3 class. Tight = threshold 0.5 of max (the core of the object),
      loose = 0.2 of max (the paper's rule: the whole object) unless set in
      cam_ilsvrc_desc. (The official code thresholds a uint8 map at 20, 100 and
      110 of 255 and merges contour boxes; this is the simpler reading.)

   5. Features: cam_net_features() pools the CAM feature tensor per image
      (N x K, GAP by default or GMP) from the same forward pass.

   Images: cam_image_load() reads JPEG, PNG, BMP, TGA, GIF (first frame) and PNM
   with stb_image, always as 8-bit RGB; larger than CAM_MAX_IMAGE_DIM on a side or
   CAM_MAX_IMAGE_PIXELS in all is CAM_ERR_LIMIT. Define CAM_NO_STB_IMPLEMENTATION
   when your program already compiles stb_image / stb_image_write itself.
   Preprocessing (cam_preprocess, zero fields = defaults, cam_preprocess_from_net
   fills it from the model's input shape and metadata_props cam.resize,
   cam.resize_size, cam.mean, cam.std, cam.color): resize STRETCH to the input
   size, or CROP (shorter side to resize_size, default round(256/224 * size),
   then centre crop); antialiased resampling when shrinking (as PIL); scale to
   [0,1]; (x - mean) / std per channel; RGB, BGR or GRAY (0.299 R + 0.587 G +
   0.114 B). The cam_transform it fills maps network-input pixels back onto
   the original image.
*/
#ifdef __cplusplus
extern "C" {
#endif

#ifndef CAM_MAX_IMAGE_DIM
#define CAM_MAX_IMAGE_DIM (1 << 15) /* largest image side accepted */
#endif
#ifndef CAM_MAX_IMAGE_PIXELS
#define CAM_MAX_IMAGE_PIXELS (1 << 27) /* largest width * height accepted */
#endif

/* >>transform */
/* Where network-input pixels come from in the original image. Continuous
   coordinates with pixel centres at +0.5: input position u (in input pixels)
   sits at x = u * scale_x + offset_x in the image. */
typedef struct cam_transform {
    int image_width, image_height; /* original image */
    int input_width, input_height; /* network input */
    double scale_x, scale_y;       /* image pixels per input pixel */
    double offset_x, offset_y;     /* image position of the input's left/top edge */
} cam_transform;

/* Inclusive integer pixel box (x0, y0, x1, y1): width x1 - x0 + 1. */
typedef struct cam_box {
    int x0, y0, x1, y1;
    int64_t pixels; /* pixels of the connected component (0 for a mapped box) */
    float sum;      /* sum of map values over the component */
} cam_box;

/* Identity transform for an image that is the network input. */
CAM_API void cam_transform_identity(cam_transform *tf, int width, int height);
/* Input pixel position (u, v), pixel centres at integer + 0.5 as above, to image position. */
CAM_API void cam_transform_point(const cam_transform *tf, double u, double v, double *x, double *y);
/* Box on the network input to the smallest box of image pixels covering it,
   clipped to the image. CAM_ERR_NOT_FOUND when it falls outside the image. */
CAM_API cam_result cam_transform_box(const cam_transform *tf, const cam_box *in, cam_box *out);

/* >>maps */
typedef enum cam_rectify {
    CAM_RECTIFY_NONE = 0,
    CAM_RECTIFY_RELU,            /* max(M_c, 0) after the product */
    CAM_RECTIFY_POSITIVE_WEIGHTS /* use max(w_k^c, 0) in the product */
} cam_rectify;

typedef enum cam_normalize {
    CAM_NORMALIZE_NONE = 0,
    CAM_NORMALIZE_MAX,   /* m / max when max > 0, unchanged otherwise */
    CAM_NORMALIZE_MINMAX /* (m - min) / (max - min); 0 when max == min */
} cam_normalize;

typedef enum cam_norm_order {
    CAM_NORMALIZE_AFTER_RESIZE = 0,
    CAM_NORMALIZE_BEFORE_RESIZE
} cam_norm_order;

typedef enum cam_interp {
    CAM_INTERP_BILINEAR = 0,
    CAM_INTERP_BICUBIC, /* Keys cubic, a = -0.75 (PyTorch, OpenCV) for maps */
    CAM_INTERP_NEAREST
} cam_interp;

typedef enum cam_map_target {
    CAM_TARGET_IMAGE = 0, /* original image through desc.transform (input if none) */
    CAM_TARGET_INPUT,     /* network input size */
    CAM_TARGET_FEATURE    /* feature-map resolution, no resampling */
} cam_map_target;

typedef struct cam_map_desc {
    cam_map_target target;
    cam_interp interp;
    cam_rectify rectify;
    cam_normalize normalize;
    cam_norm_order order;
    const cam_transform *transform; /* for CAM_TARGET_IMAGE; not kept */
} cam_map_desc;

/* A set of maps for one image. Arrays owned by the struct: cam_maps_free(). */
typedef struct cam_maps {
    int n;           /* maps */
    int width, height;
    int *classes;    /* n class ids */
    float *scores;   /* n class scores (logits, from the head's score tensor) */
    float *data;     /* n x height x width, row-major */
} cam_maps;

/* M = W[classes] (n x K) times F (K x hw), out n x hw. weights C x K row-major,
   or NULL for a conv-classifier head (the map of class c is channel c of F, K
   >= every class). classes must be in [0, C). One thread; allocates nothing. */
CAM_API cam_result cam_map_compute(const float *weights, int n_weight_rows, int k, const float *features,
                                   int hw, const int *classes, int n, cam_rectify rectify, float *out);
/* Resamples a src_w x src_h map to dst_w x dst_h (half-pixel centres, border
   replicated; dst must not overlap src). Allocates nothing. */
CAM_API cam_result cam_map_resize(const float *src, int src_w, int src_h, float *dst, int dst_w, int dst_h,
                                  cam_interp interp);
/* Resamples a map covering the network input onto the original image through
   tf: dst is tf->image_width x tf->image_height. Allocates nothing. */
CAM_API cam_result cam_map_resize_to_image(const float *src, int src_w, int src_h, const cam_transform *tf,
                                           float *dst, cam_interp interp);
/* In place over n values; NaN values are skipped for min/max and left as they are. */
CAM_API void cam_map_normalize(float *map, size_t n, cam_normalize mode);
/* Min and max over the finite values; returns their count (0: both set to 0). */
CAM_API size_t cam_map_range(const float *map, size_t n, float *min, float *max);

/* Logits of image b from the CAM head's score tensor after forward (pointer
   into the net, valid until the next forward). */
CAM_API cam_result cam_net_scores(cam_net *net, int b, const float **scores, int *n_classes);
/* Indices of the k largest values, best first (ties: the lower index first).
   Returns min(k, n). NaN sorts last. */
CAM_API int cam_scores_topk(const float *scores, int n, int k, int *idx, float *val);
/* Numerically stable softmax (in place allowed). */
CAM_API void cam_scores_softmax(const float *x, int n, float *out);

/* Maps of image b for the given classes, or (classes NULL) for the n_classes
   best classes by score, after forward. desc may be NULL. Allocates out's
   arrays (free with cam_maps_free, also after a failure). */
CAM_API cam_result cam_net_maps(cam_net *net, int b, const int *classes, int n_classes, const cam_map_desc *desc,
                                cam_maps *out);
CAM_API void cam_maps_free(cam_maps *maps);
/* Width and height of every map cam_net_maps() / cam_net_maps_into() give
   with desc (after forward; desc may be NULL). */
CAM_API cam_result cam_net_maps_size(cam_net *net, const cam_map_desc *desc, int *width, int *height);
/* cam_net_maps() into caller memory, for a loop over many images: set
   out->data (capacity floats, at least n_classes x width x height, see
   cam_net_maps_size), out->classes (n_classes ints) and out->scores
   (n_classes floats, or NULL); the call fills them and out->n, width and
   height (n = 0 after a failure), with the same values as cam_net_maps().
   The arrays stay the caller's: never cam_maps_free() such a struct. The
   net keeps scratch for the maps before resampling (n_classes x the feature
   map's pixels, grown when a call needs more) and the packed weights (see
   6. Memory); once they exist a call allocates nothing. */
CAM_API cam_result cam_net_maps_into(cam_net *net, int b, const int *classes, int n_classes,
                                     const cam_map_desc *desc, cam_maps *out, size_t capacity);

/* GAP (or GMP) of the CAM feature tensor for every image of the batch after
   forward: out is N x K (ask the size with n_images / n_channels NULL-out). */
CAM_API cam_result cam_net_features(cam_net *net, cam_pool_kind pool, float *out, int *n_images, int *n_channels);
/* Class name c from the model's cam.labels metadata into buf (truncated,
   NUL-terminated). Returns buf, or NULL when there is none. */
CAM_API const char *cam_net_label(const cam_net *net, int c, char *buf, size_t size);

/* >>boxes */
typedef enum cam_threshold_mode {
    CAM_THRESHOLD_MAX = 0, /* t * max */
    CAM_THRESHOLD_RANGE    /* min + t * (max - min) */
} cam_threshold_mode;

typedef struct cam_box_desc {
    double threshold;        /* 0: 0.2 (pass a tiny value for a threshold of 0) */
    int strict;              /* 1: keep m > t instead of m >= t */
    cam_threshold_mode mode;
    int connectivity;        /* 0 or 8: 8-connectivity; 4 */
} cam_box_desc;

/* Scratch bytes cam_map_boxes needs for a w x h map. */
CAM_API size_t cam_map_boxes_scratch_size(int w, int h);
/* Thresholds a w x h map and labels its components; writes the boxes of up to
   max_boxes components, sorted largest first (see 4. above), and returns the
   number of components (possibly more than max_boxes; 0: no box), or a
   negative cam_result. desc may be NULL (paper's rule). scratch holds
   cam_map_boxes_scratch_size(w, h) bytes (a buffer sized for a larger map
   fits too), aligned as malloc's, or NULL to allocate it. */
CAM_API int cam_map_boxes(const float *map, int w, int h, const cam_box_desc *desc, cam_box *boxes, int max_boxes,
                          void *scratch);
/* cam_map_boxes() on every map of maps (from cam_net_maps or
   cam_net_maps_into) over the net's threads: the boxes of map i go to
   boxes[i * max_boxes ...], its return value (count or negative
   cam_result) to counts[i] (maps->n ints). The net keeps one scratch per
   thread (allocated on the first call and when maps grow; then a call
   allocates nothing). Returns CAM_OK, or the error of the first map that
   failed. Boxes and counts equal cam_map_boxes() on each map. */
CAM_API cam_result cam_net_boxes(cam_net *net, const cam_maps *maps, const cam_box_desc *desc, cam_box *boxes,
                                 int max_boxes, int *counts);
/* Boxes of the maps cam_net_maps(net, b, classes, n_classes, desc, ...)
   would give, without keeping the maps (localization over many images):
   each map is resampled into a scratch map of the thread that boxes it,
   while it is in cache. Classes (given, or the best n_classes by score) go
   to classes_out (n_classes ints); the rest as cam_net_boxes(): boxes of
   map i at boxes[i * max_boxes ...], counts[i] its cam_map_boxes() return
   value; boxes equal cam_map_boxes() on cam_net_maps()'s maps. Scratch (one
   map plus cam_map_boxes scratch per thread, the maps before resampling)
   is kept by the net; once it exists a call allocates nothing. */
CAM_API cam_result cam_net_map_boxes(cam_net *net, int b, const int *classes, int n_classes,
                                     const cam_map_desc *desc, const cam_box_desc *bdesc, int *classes_out,
                                     cam_box *boxes, int max_boxes, int *counts);

typedef struct cam_ilsvrc_desc {
    double tight; /* 0: 0.5 of max */
    double loose; /* 0: 0.2 of max */
    cam_box_desc box; /* connectivity, strict, mode; its threshold is ignored */
} cam_ilsvrc_desc;

/* The paper's five ILSVRC guesses from the maps of the top-3 classes (maps:
   3 x h x w in rank order; n_maps 1..3 is fine): top-1 tight, top-1 loose,
   top-2 tight, top-2 loose, top-3 loose. rank[i] says which map box i came
   from; a map without a box gives no guess. Returns the number of boxes (0..5)
   or a negative cam_result. */
CAM_API int cam_map_boxes_ilsvrc(const float *maps, int n_maps, int w, int h, const cam_ilsvrc_desc *desc,
                                 cam_box boxes[5], int rank[5]);

/* >>images */
/* 8-bit RGB image, row-major, 3 bytes per pixel. pixels owned: cam_image_free(). */
typedef struct cam_image {
    int width, height;
    unsigned char *pixels;
} cam_image;

typedef enum cam_resize_mode {
    CAM_RESIZE_STRETCH = 0, /* whole image to the input size */
    CAM_RESIZE_CROP         /* shorter side to resize_size, then centre crop */
} cam_resize_mode;

typedef enum cam_color {
    CAM_COLOR_RGB = 0,
    CAM_COLOR_BGR,
    CAM_COLOR_GRAY
} cam_color;

typedef struct cam_preprocess {
    int width, height;      /* network input size (required) */
    int channels;           /* 0: 1 for GRAY, else 3 */
    cam_resize_mode resize;
    int resize_size;        /* CROP: shorter side before the crop; 0: round(max(w,h) * 256 / 224) */
    cam_color color;
    float mean[3];          /* per channel in [0,1] units (GRAY uses [0]) */
    float std[3];           /* 0 means 1 */
    cam_interp interp;      /* image resampling: BILINEAR (default) or BICUBIC (a = -0.5, PIL) */
} cam_preprocess;

#ifndef CAM_NO_STB
CAM_API cam_result cam_image_load(const char *path, cam_image *img, cam_error *err);
CAM_API cam_result cam_image_load_memory(const void *data, size_t size, cam_image *img, cam_error *err);
/* PNG; CAM_ERR_IO on failure. */
CAM_API cam_result cam_image_write_png(const char *path, const cam_image *img);
#endif
/* Allocates a width x height image filled with rgb (NULL: black). */
CAM_API cam_result cam_image_create(cam_image *img, int width, int height, const unsigned char *rgb);
CAM_API void cam_image_free(cam_image *img); /* NULL or empty is fine */

/* Fills pp from the net's first input (N x C x H x W) and metadata_props
   (cam.resize, cam.resize_size, cam.mean, cam.std, cam.color); fields not
   given stay 0 (defaults). Override fields afterwards. CAM_ERR_FORMAT with
   the malformed value named in err (may be NULL). */
CAM_API cam_result cam_preprocess_from_net(const cam_net *net, cam_preprocess *pp, cam_error *err);
/* Same from metadata values alone (any may be NULL: field left as it is). */
CAM_API cam_result cam_preprocess_parse(cam_preprocess *pp, const char *resize, const char *resize_size,
                                        const char *mean, const char *std, const char *color, cam_error *err);
/* Floats of one preprocessed image: channels x height x width. */
CAM_API size_t cam_preprocess_floats(const cam_preprocess *pp);
/* Image to a channels x height x width float tensor in out; tf (may be NULL)
   receives the input-to-image transform. Allocates its temporaries
   (resampling taps, one intermediate image). */
CAM_API cam_result cam_image_preprocess(const cam_image *img, const cam_preprocess *pp, float *out,
                                        cam_transform *tf);
/* Undoes the mean/std of a preprocessed C x H x W tensor into a picture (for
   .npy inputs): allocates img. */
CAM_API cam_result cam_image_from_tensor(const float *x, const cam_preprocess *pp, cam_image *img);

/* >>pictures */
/* Jet-coloured heat map blended over img in place: colour = (1-alpha) * pixel +
   alpha * jet(v) with v = max(m, 0) / max(m) (0 where max <= 0 or NaN). map
   is img->width x img->height. alpha 0 means 0.5. */
CAM_API cam_result cam_picture_overlay(cam_image *img, const float *map, float alpha);
/* Jet colour of v in [0,1] (clamped). */
CAM_API void cam_picture_jet(float v, unsigned char rgb[3]);
/* Rectangle outline (inclusive box, thickness >= 1, clipped to the image). */
CAM_API void cam_picture_box(cam_image *img, const cam_box *box, const unsigned char rgb[3], int thickness);
/* ASCII text with the built-in 5x7 font (descenders below), top-left at (x, y), each font pixel
   drawn as scale x scale (0: 1), on a dark background strip. Returns the width drawn. */
CAM_API int cam_picture_text(cam_image *img, int x, int y, const char *text, const unsigned char rgb[3], int scale);
/* Grid of overlays of n maps (each img->width x img->height) on copies of img,
   with a caption per cell ("label score", captions may be NULL), up to cols
   cells per row (0: ceil(sqrt(n))); each cell is the image scaled so its longer
   side is cell_max pixels (0: 256). Allocates out. */
CAM_API cam_result cam_picture_grid(const cam_image *img, const float *maps, int n, const char *const *captions,
                                    float alpha, int cols, int cell_max, cam_image *out);

#ifdef __cplusplus
}
#endif
/* >>eval-api
   10. Evaluation: metrics, threshold sweep, linear SVM (declarations)

   BOXES are inclusive integer pixel boxes: width = x1 - x0 + 1. A box with
   x1 < x0 or y1 < y0 is empty (area 0, IoU 0 with anything).

   CONVENTIONS. How a map becomes a box at threshold tau:
      CAM_CONVENTION_PAPER (default; Zhou et al. 2016)
         the raw map (no rectification, no normalisation); a pixel is kept
         when value >= tau * max(map) (compared in double); the box is the
         tight bounding box of the largest connected component, largest by
         pixel count, then larger sum of values, then first in raster order
         (as cam_map_boxes); connectivity 8 (or 4); no pixel kept, or a map
         whose max is <= 0 (as cam_map_boxes): empty box.
      CAM_CONVENTION_WSOL (clovaai/wsolevaluation, CVPR 2020)
         the map is min-max normalised to [0,1] (a constant map becomes all
         zeros), then truncated to uint8 q = (uint8)(v * 255); a pixel is kept
         when q > (int)(tau * max(q)) (strict); components are 8-connected;
         the largest is the one with the largest cv2.contourArea of its outer
         contour, computed without tracing: the contour runs through border
         pixel centres, so its area is that of the component with its holes
         filled, counted by 2x2 blocks (4 pixels inside: 1, 3 pixels: 1/2);
         its box follows cv2.boundingRect + the repository's x1 = x + w: one
         pixel wider and taller than the tight box, clipped to the map; no
         pixel kept: box (0,0,0,0), which has area 1 as in the repository.
      The caller resizes: wsolevaluation resizes the CAM bicubically to the
      network input (224 x 224) before normalising and rescales the ground
      truth with int(x * 224 / W); the paper upsamples the CAM to the image.
      Multi-contour (MaxBoxAccV2) boxes include hole contours as cv2's
      RETR_TREE returns them: a hole (4-connected dropped pixels away from the
      map's edge) has the box of its own pixels grown by one on every side.
      tests/eval/wsol_check.py finds every box equal to OpenCV's on CAM-like
      and noise maps. Ties in area pick the component whose first pixel in
      raster order is last (cv2's order for top-level contours; a tie with a
      contour nested in a hole could go the other way).

   THRESHOLD SWEEP. MaxBoxAcc needs the box at every tau of a list (default
   tau_i = i / 100, i = 0..99 like np.arange(0, 1, 0.01)). cam_sweep visits the
   pixels once in decreasing order and grows components with union-find, so
   one map costs one sort plus near-linear work whatever the list length
   (WSOL adds a pass in increasing order for the holes, and measures the
   filled area of components around a hole at the thresholds that have one).

   METRICS (cam_eval accumulator, one image at a time, maps are not kept):
      top-k classification error   the label is not among the k best scores
      top-k localization error     (ILSVRC) no guess among the first k has
                                   the right class and IoU >= 0.5 with a
                                   ground-truth box of that class
      GT-known localization        box of the true class at tau (default 0.2)
                                   has IoU >= 0.5 with a ground-truth box
      BoxAcc(tau, delta)           share of images whose largest-component
                                   box at tau has IoU >= delta
      MaxBoxAcc                    max over tau of BoxAcc(tau, 0.5); best tau
      MaxBoxAccV2                  mean over delta in {0.3, 0.5, 0.7} of
                                   max over tau of BoxAcc with the best box
                                   over all components (multi-contour)
   Ties in scores rank the lower class index first (cam_scores_topk).
   Boxes are cam_box (section 4); the functions here fill x0..y1 and pixels
   (the component's pixel count) and leave sum 0.

   SVM. One-vs-rest L2-regularised linear SVM trained by dual coordinate
   descent (Hsieh et al. 2008), the algorithm of liblinear's -s 1 (L2 loss,
   default) and -s 3 (L1 loss), with liblinear's -B bias feature. Models read
   and write liblinear's text model format, so `liblinear-train` models load
   here and ours load in `liblinear-predict`. Paper section 4: the SVM's
   weights replace the classifier as CAM class weights (cam_svm_cam_weights).
*/
#ifndef CAM_EVAL_API_INCLUDED
#define CAM_EVAL_API_INCLUDED

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cam_convention {
    CAM_CONVENTION_PAPER = 0, /* >= tau * max of the raw map, largest by pixels */
    CAM_CONVENTION_WSOL       /* min-max, uint8, > , largest contour area */
} cam_convention;

/* "paper" / "wsol" <-> enum. Parse returns CAM_ERR_INVALID_ARG on other text. */
CAM_API const char *cam_convention_name(cam_convention c);
CAM_API cam_result cam_convention_parse(const char *name, cam_convention *out);

/* Intersection over union of inclusive boxes; 0 when either is empty. */
CAM_API double cam_box_iou(const cam_box *a, const cam_box *b);

/* Box rule shared by the single-threshold call and the sweep. Zero = default. */
typedef struct cam_box_rule {
    cam_convention convention;
    int connectivity; /* 8 (default) or 4; WSOL accepts only 8 */
} cam_box_rule;

/* Box at one threshold by plain thresholding and labelling (the reference the
   sweep is tested against). map is h x w row-major; NaN is an error.
   n_components (may be NULL) gets the number of components; all_boxes (may
   be NULL) gets up to max_boxes of their boxes (raster order of their first
   pixel, convention applied). Under WSOL both also count the hole contours
   (their boxes follow the components'), as cv2.findContours would.
   Allocates work memory with malloc. */
CAM_API cam_result cam_map_box_at(const float *map, int h, int w, double tau, const cam_box_rule *rule,
                                  cam_box *box, int *n_components, cam_box *all_boxes, int max_boxes);

/* >>sweep */
typedef struct cam_sweep cam_sweep;

typedef struct cam_sweep_desc {
    cam_box_rule rule;
    int n_thresholds;          /* 0: 100 */
    const double *thresholds;  /* any order; NULL: tau_i = i * (1.0 / n) */
    int max_pixels;            /* buffers for maps up to this many pixels; 0: grow on demand */
    cam_allocator allocator;   /* zero: malloc/free */
} cam_sweep_desc;

CAM_API cam_result cam_sweep_create(const cam_sweep_desc *desc, cam_sweep **out);
CAM_API void cam_sweep_free(cam_sweep *s);
CAM_API int cam_sweep_count(const cam_sweep *s);        /* number of thresholds */
CAM_API double cam_sweep_tau(const cam_sweep *s, int i); /* threshold i */
/* One pass over a map. boxes (may be NULL): n_thresholds boxes, the largest
   component's at each threshold (as cam_map_box_at gives). best_iou (may be
   NULL, needs gt): the best IoU at each threshold between any component's box
   (and, under WSOL, any hole contour's) and any of the n_gt ground-truth
   boxes. Buffers grow to the largest map seen and are kept for the next. */
CAM_API cam_result cam_sweep_run(cam_sweep *s, const float *map, int h, int w, const cam_box *gt,
                                 int n_gt, cam_box *boxes, double *best_iou);
CAM_API const char *cam_sweep_last_error(const cam_sweep *s);

/* >>metrics */
typedef struct cam_eval cam_eval;

typedef struct cam_eval_desc {
    cam_box_rule rule;
    int n_thresholds;          /* MaxBoxAcc sweep; 0: 100 (tau = 0, 0.01, ..., 0.99) */
    const double *thresholds;  /* NULL: i / n */
    double tau;                /* GT-known box threshold; 0: 0.2 (the paper's) */
    double iou;                /* localization IoU; 0: 0.5 */
    int top_k;                 /* the "k" of top-k; 0: 5 */
    cam_allocator allocator;   /* zero: malloc/free (also for its sweep) */
} cam_eval_desc;

/* One image. Absent parts (NULL pointers) are not counted. */
typedef struct cam_eval_sample {
    int label;                     /* the image's ground-truth class */
    const float *scores;           /* n_classes class scores: classification */
    int n_classes;
    const cam_box *gt;             /* ground-truth boxes */
    const int *gt_labels;          /* their classes; NULL: all are `label` */
    int n_gt;
    const int *guess_classes;      /* localization guesses in rank order */
    const cam_box *guess_boxes;
    int n_guesses;
    const float *map;              /* map of class `label`, in gt coordinates: */
    int map_h, map_w;              /* GT-known loc, MaxBoxAcc, MaxBoxAccV2 */
} cam_eval_sample;

typedef struct cam_eval_summary {
    int64_t images;                /* samples added */
    int64_t n_cls, n_loc, n_map;   /* samples with scores / guesses / map */
    int64_t top1_cls_ok, topk_cls_ok, top1_loc_ok, topk_loc_ok, gt_known_ok;
    double top1_cls_err, topk_cls_err;   /* errors in [0,1] (paper tables) */
    double top1_loc_err, topk_loc_err;
    double gt_known_loc;           /* accuracy in [0,1] */
    double maxboxacc;              /* accuracy in [0,1], delta = 0.5, largest box */
    double best_tau;               /* tau of maxboxacc (first best) */
    double maxboxacc_v2;           /* mean over deltas 0.3, 0.5, 0.7, all boxes */
    double maxboxacc_v2_delta[3];  /* each delta's max */
    double best_tau_v2[3];
} cam_eval_summary;

CAM_API cam_result cam_eval_create(const cam_eval_desc *desc, cam_eval **out);
CAM_API void cam_eval_free(cam_eval *ev);
CAM_API cam_result cam_eval_add(cam_eval *ev, const cam_eval_sample *s);
/* Rates of what was added so far (0 where nothing was counted). */
CAM_API cam_result cam_eval_summarize(const cam_eval *ev, cam_eval_summary *out);
/* BoxAcc(tau_i, desc.iou) curve for the largest box into acc (n >=
   n_thresholds values); delta must equal desc.iou. */
CAM_API cam_result cam_eval_boxacc(const cam_eval *ev, double delta, double *acc, int n);
CAM_API const char *cam_eval_last_error(const cam_eval *ev);
/* Merges b's counts into a (same desc): per-thread accumulators. */
CAM_API cam_result cam_eval_merge(cam_eval *a, const cam_eval *b);

/* >>svm */
typedef enum cam_svm_solver {
    CAM_SVM_L2LOSS_DUAL = 1, /* liblinear -s 1 (default) */
    CAM_SVM_L1LOSS_DUAL = 3  /* liblinear -s 3 */
} cam_svm_solver;

typedef struct cam_svm_desc {
    int solver;     /* 0: CAM_SVM_L2LOSS_DUAL */
    double C;       /* 0: 1 */
    double eps;     /* stopping tolerance on the dual violation; 0: 0.1 */
    double bias;    /* 0: 1 (liblinear -B 1); negative: no bias term */
    int max_iter;   /* 0: 1000 */
    uint64_t seed;  /* shuffling; any value, 0 included */
} cam_svm_desc;

/* A liblinear model. w is (n_features + has_bias) x n_w row-major as in the
   file; n_w = 1 for two classes (positive = labels[0]), else n_classes. */
typedef struct cam_svm {
    int solver;
    int n_classes;
    int n_features;
    double bias;    /* < 0: none */
    int n_w;
    int *labels;    /* n_classes, malloc'd */
    double *w;      /* malloc'd */
} cam_svm;

/* Trains on n dense rows x (n x d, row-major) with integer labels y. Labels are
   ordered as liblinear does: by first appearance, except that a two-class
   {-1,+1} problem puts +1 first. Free with cam_svm_free(). */
CAM_API cam_result cam_svm_train(const float *x, int n, int d, const int *y, const cam_svm_desc *desc,
                                 cam_svm *out, cam_error *err);
/* Decision values (n_w of them, may be NULL) and the predicted label. */
CAM_API int cam_svm_predict(const cam_svm *m, const float *x, double *dec);
CAM_API cam_result cam_svm_save(const cam_svm *m, const char *path, cam_error *err);
CAM_API cam_result cam_svm_load(const char *path, cam_svm *out, cam_error *err);
CAM_API cam_result cam_svm_load_memory(const char *text, size_t size, cam_svm *out, cam_error *err);
CAM_API void cam_svm_free(cam_svm *m); /* frees arrays, zeroes m */
/* Per-class CAM weights (n_classes x n_features) and biases (n_classes, may
   be NULL; 0 without a bias term): row c scores labels[c]. Two classes: the
   second row is the negated first. */
CAM_API cam_result cam_svm_cam_weights(const cam_svm *m, float *weights, float *bias);

#ifdef __cplusplus
}
#endif
#endif /* CAM_EVAL_API_INCLUDED */
/* >>grad-api
   Backprop saliency (Simonyan et al. 2014), the baseline CAM beats
      The saliency of class c for one image is |dS_c/dx|, the gradient of the
      class score S_c (the logit: the graph's first output, or the input of the
      Softmax/LogSoftmax that produces it) with respect to the input pixels,
      maxed over colour channels: an H x W map that cam_map_boxes() cuts boxes
      from exactly like a CAM (resize it to the image first with
      cam_map_resize_to_image() when the input was cropped or stretched).

         cam_tensor in = {CAM_FLOAT32, 4, {1, 3, 224, 224}, x};
         float *sal = malloc(224 * 224 * sizeof(float));
         cam_net_saliency(net, &in, 0, -1, sal, NULL);  // top-1 class of image 0
         cam_box box; int n = cam_map_boxes(sal, 224, 224, NULL, &box, 1, NULL);
         int top5[5] = {...}; float *m5 = malloc(5 * 224 * 224 * sizeof(float));
         cam_net_saliency_maps(net, &in, 0, top5, 5, m5, NULL); // one forward, 5 sweeps
         cam_map_desc md = {0}; md.transform = &tf; cam_maps maps;   // as cam_net_maps():
         cam_net_backprop_maps(net, &in, 0, NULL, 5, &md, &maps);    // top-5, on the image

      How: a forward pass that keeps every intermediate tensor (its own
      allocation, through the net's allocator, freed before return; the
      engine's own operator code runs it), then a reverse sweep over the
      compiled steps. Convolutions are differentiated with their folded
      BatchNormalization, fused residual Add and fused activation; the input
      gradient of a dense conv is a GEMM with the engine's kernel plus col2im.
      Operators with a backward: Conv (any kernel, stride, pad, dilation,
      group, depthwise), BatchNormalization, Relu, Clip, LeakyRelu, Sigmoid,
      HardSigmoid, HardSwish, Tanh, PRelu (constant slope), Exp, Neg, Abs,
      Sqrt, Reciprocal, Add, Sub, Mul, Div, Sum, Mean (broadcasting), MaxPool,
      AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean, LRN, Concat,
      Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout, Transpose,
      Slice, Pad, Gemm, MatMul, Softmax, LogSoftmax, Cast (float). Operators
      that do not depend on the input (shape arithmetic, constants) need none.
      Elsewhere CAM_ERR_UNSUPPORTED, the message (cam_net_last_error) naming
      the operator and node. Derivatives at kinks follow PyTorch: Relu and
      Clip pass the gradient only strictly inside (x > 0, min < x < max),
      LeakyRelu uses the slope at x <= 0, max pools send it to the first
      maximum of the window.

      Unlike cam_net_forward(), these calls allocate (about the activations of
      a forward, kept, plus one gradient buffer per tensor on the path).
      The net must have one float32 input (the image batch N x C x H x W).
      After return the net holds the forward results of `input` exactly as
      after cam_net_forward() (scores, CAM features: a CAM can be computed
      from the same call). Nothing is kept between calls. */
#ifdef __cplusplus
extern "C" {
#endif

/* Whether op_type has a backward in cam_net_gradient(). */
CAM_API int cam_grad_supports_op(const char *op_type);

/* dS_c/dx for image `image` of input (N x C x H x W): out receives
   cam_tensor_count(input) floats (the other images' rows are 0, images being
   independent). class_index < 0 picks the top-scoring class of that image;
   *class_out (may be NULL) receives the class used. Errors:
   CAM_ERR_INVALID_ARG (NULL, image or class out of range, not one float32
   input), CAM_ERR_UNSUPPORTED (an operator on the path has no backward),
   CAM_ERR_NOMEM, and whatever cam_net_forward() returns. */
CAM_API cam_result cam_net_gradient(cam_net *net, const cam_tensor *input, int image, int class_index, float *out,
                                    int *class_out);

/* The saliency map of image `image`: out receives H x W floats,
   max over channels of |dS_c/dx| (same arguments and errors as above). */
CAM_API cam_result cam_net_saliency(cam_net *net, const cam_tensor *input, int image, int class_index, float *out,
                                    int *class_out);

/* Saliency maps of several classes of one image from one forward pass (a
   reverse sweep each): out receives n_classes x H x W floats, map j for
   classes[j] (< 0: the top-1 class); classes_out (n_classes, may be NULL)
   receives the classes used. The cheap way to get the top-k maps, as
   cam_net_maps() gives CAMs. Errors as cam_net_gradient(). */
CAM_API cam_result cam_net_saliency_maps(cam_net *net, const cam_tensor *input, int image, const int *classes, int n_classes,
                                         float *out, int *classes_out);

/* The saliency maps as cam_net_maps() gives CAMs, for a drop-in "method":
   runs the forward for `input`, takes classes (NULL: the top n_classes by
   score), and fills out (free with cam_maps_free()) with n_classes maps,
   scores and classes. desc as cam_net_maps(): target IMAGE through
   desc->transform (resampled with desc->interp) or, without a transform,
   INPUT; FEATURE means the input resolution too (saliency has no feature
   map); normalize and order apply; rectify is ignored (saliency is >= 0). */
CAM_API cam_result cam_net_backprop_maps(cam_net *net, const cam_tensor *input, int b, const int *classes, int n_classes,
                                         const cam_map_desc *desc, cam_maps *out);

#ifdef __cplusplus
}
#endif

#endif /* CAM_H_INCLUDED */

/* ======================================================================== */
#ifdef CAM_IMPLEMENTATION
#ifndef CAM_IMPLEMENTATION_DONE
#define CAM_IMPLEMENTATION_DONE

/* >>implementation */

#include "cam_simd.h"
/* >>threadpool
   Persistent thread pool for per-layer fork/join. At batch 1 a layer can take
   tens of microseconds, so waking workers must cost far less than that:
   workers spin on a generation counter for a while (CAM__POOL_SPIN rounds of
   a pause instruction, ~50-100 us) before sleeping on a condition variable,
   and the caller runs tasks too. Each thread owns a contiguous share of the
   tasks (thread t: [t*n/T, (t+1)*n/T)) and takes them one at a time through
   its share's atomic counter, then takes from the other shares when its own
   is done. Which thread runs which task still varies between runs, so
   kernels must not let results depend on it (they split by output ranges).

   cam__threadpool_run() is not reentrant and must be called from one thread
   at a time (the net's forward). With CAM_NO_THREADS (or on Windows, which
   has no pthreads here) everything runs on the caller. */
#ifndef CAM__THREADPOOL_INCLUDED
#define CAM__THREADPOOL_INCLUDED

#include <stdlib.h>
#include <string.h>

#if !defined(CAM_NO_THREADS) && defined(_WIN32)
#define CAM_NO_THREADS
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CAM__POOL_FN static __attribute__((unused))
#else
#define CAM__POOL_FN static
#endif

typedef void (*cam__task_fn)(void *ctx, int task, int thread); /* thread in [0, n_threads) */
typedef struct cam__threadpool cam__threadpool;

#ifndef CAM__POOL_SPIN
#define CAM__POOL_SPIN 4000
#endif

#if !defined(CAM_NO_THREADS)
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CAM__CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CAM__CPU_RELAX() __asm__ __volatile__("yield" ::: "memory")
#else
#define CAM__CPU_RELAX() ((void)0)
#endif

typedef struct cam__pool_worker {
    cam__threadpool *pool;
    int index; /* 1 .. n_threads-1; the caller is 0 */
} cam__pool_worker;

/* Thread t's share of a job: tasks [next, hi), taken one by one from next;
   a thread that runs out takes from the others' shares (stealing). One
   cache line each. */
typedef struct cam__pool_share {
    int next, hi;
    char pad[64 - 2 * sizeof(int)];
} cam__pool_share;

struct cam__threadpool {
    int n_threads;
    int n_started;
    cam_allocator alloc;
    pthread_t *threads;
    cam__pool_worker *workers;
    cam__pool_share *shares; /* n_threads */
    pthread_mutex_t mu;
    pthread_cond_t wake;   /* workers sleep here */
    pthread_cond_t done;   /* the caller sleeps here */
    /* Job, published by bumping 'generation' (release) after it is written. */
    cam__task_fn fn;
    void *ctx;
    int busy;              /* workers not yet finished with this generation */
    unsigned generation;
    int sleepers;          /* workers inside the wake wait */
    int caller_sleeping;
    int stop;
};

static void *cam__pool_alloc(const cam_allocator *a, size_t size)
{
    if (a->alloc) return a->alloc(size, 64, a->user);
    return malloc(size);
}

static void cam__pool_free(const cam_allocator *a, void *ptr)
{
    if (!ptr) return;
    if (a->alloc) {
        if (a->free) a->free(ptr, a->user);
        return;
    }
    free(ptr);
}

/* Thread t first runs its own contiguous share of the tasks, then helps the
   others. Contiguous shares keep data on a core from layer to layer: the
   pixel rows a thread writes in one conv are the rows it reads in the next
   (with dynamic hand-out, 2 threads took alternate row bands, and half of
   every layer's input came from the other core's cache). */
static void cam__pool_work(cam__threadpool *p, int thread)
{
    cam__task_fn fn = p->fn;
    void *ctx = p->ctx;
    int T = p->n_threads, k;
    for (k = 0; k < T; ++k) {
        cam__pool_share *s = &p->shares[(thread + k) % T];
        for (;;) {
            int t = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);
            if (t >= __atomic_load_n(&s->hi, __ATOMIC_RELAXED)) break;
            fn(ctx, t, thread);
        }
    }
}

static void *cam__pool_main(void *arg)
{
    cam__pool_worker *w = (cam__pool_worker *)arg;
    cam__threadpool *p = w->pool;
    unsigned seen = 0;
    for (;;) {
        unsigned g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE);
        int spin;
        for (spin = 0; g == seen && spin < CAM__POOL_SPIN; ++spin) {
            CAM__CPU_RELAX();
            g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE);
        }
        if (g == seen) {
            /* sleepers++ and the generation check are both seq_cst, as are
               the caller's generation bump and its sleepers check, so either
               we see the new generation or the caller sees us and signals. */
            pthread_mutex_lock(&p->mu);
            __atomic_add_fetch(&p->sleepers, 1, __ATOMIC_SEQ_CST);
            while ((g = __atomic_load_n(&p->generation, __ATOMIC_SEQ_CST)) == seen &&
                   !__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST))
                pthread_cond_wait(&p->wake, &p->mu);
            __atomic_sub_fetch(&p->sleepers, 1, __ATOMIC_SEQ_CST);
            pthread_mutex_unlock(&p->mu);
        }
        if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) break;
        seen = g;
        cam__pool_work(p, w->index);
        if (__atomic_sub_fetch(&p->busy, 1, __ATOMIC_SEQ_CST) == 0 &&
            __atomic_load_n(&p->caller_sleeping, __ATOMIC_SEQ_CST)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

CAM__POOL_FN void cam__threadpool_destroy(cam__threadpool *p)
{
    int i;
    cam_allocator a;
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    __atomic_store_n(&p->stop, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&p->generation, 1, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i < p->n_started; ++i) pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    a = p->alloc;
    cam__pool_free(&a, p->threads);
    cam__pool_free(&a, p->workers);
    cam__pool_free(&a, p->shares);
    cam__pool_free(&a, p);
}

/* n_threads counts the caller; <= 0 means cam__cpu_count(). a may be NULL. */
CAM__POOL_FN int cam__cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > 1024 ? 1024 : (int)n);
}

CAM__POOL_FN cam_result cam__threadpool_create(cam__threadpool **out, int n_threads, const cam_allocator *a)
{
    cam__threadpool *p;
    cam_allocator al;
    int i, nw;
    *out = NULL;
    if (a) al = *a;
    else memset(&al, 0, sizeof al);
    if (n_threads <= 0) n_threads = cam__cpu_count();
    if (n_threads > 1024) return CAM_ERR_INVALID_ARG;
    nw = n_threads - 1;
    p = (cam__threadpool *)cam__pool_alloc(&al, sizeof *p);
    if (!p) return CAM_ERR_NOMEM;
    memset(p, 0, sizeof *p);
    p->alloc = al;
    p->n_threads = n_threads;
    if (nw > 0) {
        p->threads = (pthread_t *)cam__pool_alloc(&al, sizeof(pthread_t) * (size_t)nw);
        p->workers = (cam__pool_worker *)cam__pool_alloc(&al, sizeof(cam__pool_worker) * (size_t)nw);
        p->shares = (cam__pool_share *)cam__pool_alloc(&al, sizeof(cam__pool_share) * (size_t)n_threads);
        if (!p->threads || !p->workers || !p->shares) {
            cam__pool_free(&al, p->threads);
            cam__pool_free(&al, p->workers);
            cam__pool_free(&al, p->shares);
            cam__pool_free(&al, p);
            return CAM_ERR_NOMEM;
        }
        memset(p->shares, 0, sizeof(cam__pool_share) * (size_t)n_threads);
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    for (i = 0; i < nw; ++i) {
        p->workers[i].pool = p;
        p->workers[i].index = i + 1;
        if (pthread_create(&p->threads[i], NULL, cam__pool_main, &p->workers[i]) != 0) {
            cam__threadpool_destroy(p);
            return CAM_ERR_NOMEM;
        }
        p->n_started = i + 1;
    }
    *out = p;
    return CAM_OK;
}

CAM__POOL_FN int cam__threadpool_threads(const cam__threadpool *p) { return p ? p->n_threads : 1; }

/* Runs fn(ctx, task, thread) for every task in [0, n_tasks) exactly once and
   returns when all have finished. The caller is thread 0. */
CAM__POOL_FN void cam__threadpool_run(cam__threadpool *p, cam__task_fn fn, void *ctx, int n_tasks)
{
    int spin, i;
    if (n_tasks <= 0) return;
    if (!p || p->n_started == 0 || n_tasks == 1) {
        int t;
        for (t = 0; t < n_tasks; ++t) fn(ctx, t, 0);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    for (i = 0; i < p->n_threads; ++i) { /* published by the generation bump below */
        __atomic_store_n(&p->shares[i].next, (int)((int64_t)n_tasks * i / p->n_threads), __ATOMIC_RELAXED);
        __atomic_store_n(&p->shares[i].hi, (int)((int64_t)n_tasks * (i + 1) / p->n_threads), __ATOMIC_RELAXED);
    }
    __atomic_store_n(&p->busy, p->n_started, __ATOMIC_RELAXED);
    __atomic_add_fetch(&p->generation, 1, __ATOMIC_SEQ_CST); /* publishes the job */
    if (__atomic_load_n(&p->sleepers, __ATOMIC_SEQ_CST) > 0) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
    }
    cam__pool_work(p, 0);
    for (spin = 0; __atomic_load_n(&p->busy, __ATOMIC_ACQUIRE) > 0 && spin < CAM__POOL_SPIN; ++spin)
        CAM__CPU_RELAX();
    if (__atomic_load_n(&p->busy, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&p->mu);
        /* An exchange, not a store: the worker decrements busy and then
           reads caller_sleeping, this thread sets caller_sleeping and then
           reads busy; one of the two must see the other's write. A plain
           store followed by a load is the pair a store buffer may reorder
           (an emulator translating aarch64's STLR/LDAR may not fence it);
           an exchange is a full barrier everywhere. check-neon under
           qemu-aarch64 hung once with both threads asleep here or nearby. */
        (void)__atomic_exchange_n(&p->caller_sleeping, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&p->busy, __ATOMIC_SEQ_CST) > 0) {
            /* timed: should a wake-up ever be lost, the caller looks again
               after a second instead of sleeping for good */
            struct timespec until;
            until.tv_sec = time(NULL) + 1;
            until.tv_nsec = 0;
            pthread_cond_timedwait(&p->done, &p->mu, &until);
        }
        __atomic_store_n(&p->caller_sleeping, 0, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&p->mu);
    }
}

#else /* CAM_NO_THREADS: the same API, everything on the caller */

struct cam__threadpool {
    int n_threads;
    cam_allocator alloc;
};

CAM__POOL_FN int cam__cpu_count(void) { return 1; }

CAM__POOL_FN cam_result cam__threadpool_create(cam__threadpool **out, int n_threads, const cam_allocator *a)
{
    cam__threadpool *p;
    cam_allocator al;
    (void)n_threads;
    *out = NULL;
    if (a) al = *a;
    else memset(&al, 0, sizeof al);
    p = (cam__threadpool *)(al.alloc ? al.alloc(sizeof *p, 64, al.user) : malloc(sizeof *p));
    if (!p) return CAM_ERR_NOMEM;
    p->n_threads = 1;
    p->alloc = al;
    *out = p;
    return CAM_OK;
}

CAM__POOL_FN void cam__threadpool_destroy(cam__threadpool *p)
{
    if (!p) return;
    if (p->alloc.alloc) {
        if (p->alloc.free) p->alloc.free(p, p->alloc.user);
    } else {
        free(p);
    }
}

CAM__POOL_FN int cam__threadpool_threads(const cam__threadpool *p) { return p ? 1 : 1; }

CAM__POOL_FN void cam__threadpool_run(cam__threadpool *p, cam__task_fn fn, void *ctx, int n_tasks)
{
    int t;
    (void)p;
    for (t = 0; t < n_tasks; ++t) fn(ctx, t, 0);
}
#endif /* CAM_NO_THREADS */

#endif /* CAM__THREADPOOL_INCLUDED */

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

/* Marks err (may be NULL) as holding no error, at the start or the success of a call. */
static void cam__clearerr(cam_error *err)
{
    if (err) {
        err->code = CAM_OK;
        err->message[0] = 0;
    }
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
    int wino;      /* packed for Winograd F(2x2,3x3): 16 cam__conv_pack 1x1 slices, one per product */
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
    /* dense conv: pad_into >= 0: this conv writes its output straight into
       the padding scratch of step pad_into (the only reader), pitched, with
       the borders zeroed; pad_given: this conv's scratch comes filled */
    int pad_into, pad_given;
    int64_t macs;
    /* op parameters */
    int64_t p[24];        /* op-specific integers (kernel, stride, pads, axis...) */
    int64_t q[2 * CAM_MAX_NDIM]; /* per-axis values (Slice starts/steps, Pad pads) */
    float f[4];           /* op-specific floats */
    int64_t perm[CAM_MAX_NDIM];
    const float *w;       /* prepared weights (packed conv, transposed gemm) */
    const float *bias;
    const float *camw;    /* a CAM head's Gemm: w packed for the map product (cam__mapc_pack) */
    int dense;            /* conv: 1 dense kernel, 2 depthwise, 0 scalar reference */
    int wino;             /* dense conv run as Winograd F(2x2,3x3) (w: the node's wino packing) */
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
    /* 1 while every step must write its own output tensor (the gradient's
       kept forward): no conv writes into the next one's padding scratch */
    int dense_acts;
    int no_winograd;
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
    int wino_replan;       /* threads raised above a Winograd step's scratch count: re-plan at the next forward */
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
    /* CAM maps, made on first use (or at load: cam__pack_head_gemm) and kept
       in model memory: the classifier weights packed for cam__mapc_tile ([0]
       as they are, [1] max(w, 0)) and
       the packed copy's source, scratch for maps before resampling, and
       one cam_map_boxes scratch per thread (cam_net_boxes) */
    float *mapc_w[2];
    const float *mapc_src[2];
    void *map_fm, *box_scratch;
    size_t map_fm_bytes, box_scratch_bytes;
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
                            if (p->is_max) /* from the first real tap, as x86 max(acc, v) (the kernels' rule) */
                                acc = n == 0 || !(acc > v) ? v : acc;
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
#define cam__k_conv_takes_unpadded cam__conv_takes_unpadded
#define cam__k_conv_px_grain cam__conv_px_grain
#define cam__k_conv_out_pitch_ok cam__conv_out_pitch_ok
#define cam__k_conv_pack cam__conv_pack
#define cam__k_conv_packed_floats cam__conv_packed_floats
#define cam__k_wino_in cam__wino_in
#define cam__k_wino_out cam__wino_out
#define cam__k_dwconv cam__dwconv
#define cam__k_pool2d cam__pool2d
#define cam__k_gemm_nt cam__gemm_nt
#define cam__k_vec_act cam__vec_act
#define cam__k_vec_exp cam__vec_exp
#define cam__k_pad_rows cam__pad_rows
#define cam__k_gpool cam__gpool
#define CAM__OCB CAM__CONV_OC_BLOCK
#else
#define cam__k_conv cam__eng_conv
#define cam__k_conv_takes_unpadded(p) 0
#define cam__k_conv_px_grain(p) 0
#define cam__k_conv_out_pitch_ok(p) 0
#define cam__k_conv_pack cam__eng_conv_pack
#define cam__k_conv_packed_floats cam__eng_conv_packed_floats
#define cam__k_wino_in cam__wino_in_ref
#define cam__k_wino_out cam__wino_out_ref
#define cam__k_dwconv cam__eng_dwconv
#define cam__k_pool2d cam__eng_pool2d
#define cam__k_gemm_nt cam__eng_gemm_nt
#define cam__k_vec_act cam__eng_vec_act
#define cam__k_vec_exp cam__eng_vec_exp
#define cam__k_pad_rows cam__pad_rows_ref
#define cam__k_gpool cam__gpool_ref
#define CAM__OCB 8
#endif
/* Output channels a conv task gets in multiples of: the AVX-512 tiles are
   32 channels (two blocks) wide, and a task holding one block alone runs
   16-wide tiles at ~3/4 of their speed (12 broadcasts per 12 FMAs). */
#if defined(CAM__SIMD_AVX512)
#define CAM__OC_TASK (2 * CAM__OCB)
#else
#define CAM__OC_TASK CAM__OCB
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

/* Numpy broadcast of shapes a and b into o (o may be a or b: callers pass
   the running shape as both; a writes-as-it-reads loop then read a dim it
   had already overwritten, and accepted [3] * [1,4,5] as [1,4,5], found by
   the fuzzer). */
static int cam__bcast(int na, const int64_t *a, int nb, const int64_t *b, int *no, int64_t *o)
{
    int64_t r[CAM_MAX_NDIM];
    int n = na > nb ? na : nb, i;
    if (n > CAM_MAX_NDIM || na < 0 || nb < 0)
        return -1;
    for (i = 0; i < n; i++) {
        int64_t x = i - (n - na) >= 0 ? a[i - (n - na)] : 1;
        int64_t y = i - (n - nb) >= 0 ? b[i - (n - nb)] : 1;
        if (x != y && x != 1 && y != 1)
            return -1;
        r[i] = x == 1 ? y : x;
    }
    for (i = 0; i < n; i++)
        o[i] = r[i];
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

/* The batch loop of MatMul with numpy broadcasting, shared by the forward
   pass and its gradient: y's batch dims are its dims without the matrix dims
   (a 1-D operand has none); a's and b's batch dims broadcast to them. */
typedef struct cam__mm_batch {
    int64_t bd[CAM_MAX_NDIM], sa[CAM_MAX_NDIM], sb[CAM_MAX_NDIM], count;
    int nb;
} cam__mm_batch;

static void cam__mm_batch_init(cam__mm_batch *mb, const cam_tensor *a, const cam_tensor *b, const cam_tensor *y)
{
    int i, an = a->ndim > 2 ? a->ndim - 2 : 0, bn = b->ndim > 2 ? b->ndim - 2 : 0;
    mb->nb = y->ndim - (a->ndim > 1) - (b->ndim > 1);
    for (i = 0; i < mb->nb; i++) mb->bd[i] = y->dims[i];
    cam__bstrides(an, a->dims, mb->nb, mb->bd, mb->sa);
    cam__bstrides(bn, b->dims, mb->nb, mb->bd, mb->sb);
    mb->count = cam__checked_count(mb->nb, mb->bd);
}

/* The matrix numbers in a and in b that batch bi of y multiplies. */
static void cam__mm_batch_at(const cam__mm_batch *mb, int64_t bi, int64_t *oa, int64_t *ob)
{
    int64_t rem = bi;
    int i;
    *oa = *ob = 0;
    for (i = mb->nb - 1; i >= 0; i--) {
        int64_t c = rem % mb->bd[i];
        rem /= mb->bd[i];
        *oa += c * mb->sa[i];
        *ob += c * mb->sb[i];
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

/* Where Pad's output position idx reads x (ist: x's strides in elements;
   pads: the leading pads); mode 0 constant, 1 reflect, 2 edge. Returns 0 when
   idx falls in constant padding; the forward pass and its gradient share it
   so both map positions alike. */
static int cam__pad_src(int mode, int nd, const int64_t *idx, const int64_t *pads, const int64_t *xdims,
                        const int64_t *ist, int64_t *off)
{
    int64_t o = 0;
    int j, inside = 1;
    for (j = 0; j < nd; j++) {
        int64_t v = idx[j] - pads[j], d = xdims[j];
        if (v < 0 || v >= d) {
            if (mode == 0) inside = 0;
            else if (mode == 2) v = v < 0 ? 0 : d - 1;
            else {
                while (v < 0 || v >= d) {
                    if (v < 0) v = -v;
                    if (v >= d) v = 2 * (d - 1) - v;
                }
            }
        }
        o += v * ist[j];
    }
    *off = o;
    return inside;
}

/* o = a op b with numpy broadcasting (a may be o itself: same index order). */
static void cam__binary(int op, const cam_tensor *a, const cam_tensor *b, cam_tensor *o)
{
    /* zeroed: at -O3 gcc cannot see that cam__bstrides fills every used entry */
    int64_t sa[CAM_MAX_NDIM] = {0}, sb[CAM_MAX_NDIM] = {0}, outer, inner, ob, j, la, lb;
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

/* Advances the row-major position idx over dims by one element and the
   offset off by the strides st (0 on an axis that is broadcast or reduced). */
static void cam__odometer_step(int nd, const int64_t *dims, const int64_t *st, int64_t *idx, int64_t *off)
{
    int i;
    for (i = nd - 1; i >= 0; i--) {
        *off += st[i];
        if (++idx[i] < dims[i])
            return;
        *off -= st[i] * idx[i];
        idx[i] = 0;
    }
}

/* Strides of x with the axes in the bit mask `axes` reduced (stride 0), for
   ReduceMean and its gradient; returns how many elements each output sums. */
static int64_t cam__reduce_strides(const cam_tensor *x, int64_t axes, int64_t *st)
{
    int64_t acc = 1, red = 1;
    int j;
    for (j = x->ndim - 1; j >= 0; j--) {
        if (axes >> j & 1) {
            st[j] = 0;
            red *= x->dims[j];
        } else {
            st[j] = acc;
            acc *= x->dims[j];
        }
    }
    return red;
}

/* LRN's sum of squares of x (N x C x inner) over the channel window
   [c - lo, c + hi] at (i, c, j), for the forward pass and its gradient. */
static float cam__lrn_sumsq(const float *x, int64_t C, int64_t inner, int64_t i, int64_t c, int64_t j, int64_t lo,
                            int64_t hi)
{
    float sq = 0;
    int64_t c2;
    for (c2 = c - lo; c2 <= c + hi; c2++)
        if (c2 >= 0 && c2 < C) {
            float v = x[(i * C + c2) * inner + j];
            sq += v * v;
        }
    return sq;
}

/* Generic strided copy: out[idx] = in[sum idx_i * st_i + base] (elements). */
static void cam__gather_copy(const unsigned char *in, size_t esz, int64_t base, const int64_t *st, unsigned char *out,
                             int nd, const int64_t *odims)
{
    int64_t idx[CAM_MAX_NDIM] = {0}, total = cam__checked_count(nd, odims), k, off = base;
    for (k = 0; k < total; k++) {
        memcpy(out + (size_t)k * esz, in + (size_t)off * esz, esz);
        cam__odometer_step(nd, odims, st, idx, &off);
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

/* The zero border of a conv's padding scratch that its producer fills
   (cam__step.pad_into): planes of ph x pw floats, the output's h x w
   pixels at row pt, column pl. */
typedef struct cam__pad_border {
    float *buf;
    int ph, pw, pt, pl, h, w;
} cam__pad_border;

/* Tasks handed to the thread pool. */
typedef struct cam__conv_task {
    cam__conv_params cp;
    int oc_per, n_px, n_oc_tasks, ohw, grain;
    cam__pad_border zb; /* zb.buf NULL: dense output */
} cam__conv_task;

/* Zeros the border cells next to a task's output [c0, c1) x [px0, px1).
   Each cell has one owner (the kernel writes none): the range holding a
   row's first pixel zeros the run after that row, its right border and the
   next row's left border (pr + pl floats; after the last row only its
   right border); the range that starts the map zeros the rows above and
   row 0's left border, the range that ends it the rows below. */
static void cam__zero_border(const cam__pad_border *b, int c0, int c1, int px0, int px1)
{
    const int pr = b->pw - b->pl - b->w, run = pr + b->pl;
    int y0 = (px0 + b->w - 1) / b->w, y1 = (px1 + b->w - 1) / b->w, c, y, x;
    for (c = c0; c < c1; c++) {
        float *plane = b->buf + (size_t)c * b->ph * b->pw;
        if (px0 == 0)
            memset(plane, 0, ((size_t)b->pt * b->pw + b->pl) * sizeof(float));
        if (px1 == b->h * b->w)
            memset(plane + (size_t)(b->pt + b->h) * b->pw, 0, (size_t)(b->ph - b->pt - b->h) * b->pw * sizeof(float));
        for (y = y0; y < y1; y++) {
            float *r = plane + (size_t)(b->pt + y) * b->pw + b->pl + b->w;
            int n = y + 1 < b->h ? run : pr;
            for (x = 0; x < n; x++)
                r[x] = 0.0f;
        }
    }
}

/* Start of pixel part i of n: near-equal parts, cut at the nearest multiple
   of grain (> 0: the kernel's cam__conv_px_grain, whole rows or tiles; the
   last part ends at the map's end) or at whole AVX2/NEON tiles where the
   build has them (tails only at the end of the map). */
static int cam__conv_px_start(int i, int n, int ohw, int grain)
{
    int px = (int)((int64_t)i * ohw / n);
    if (grain > 0)
        return i >= n ? ohw : (int)(((int64_t)i * (ohw / grain) * 2 + n) / (2 * n)) * grain;
#ifdef CAM__CONV_PX_TILE
    if (i < n)
        px = px / CAM__CONV_PX_TILE * CAM__CONV_PX_TILE;
#endif
    return px;
}

static void cam__conv_task_fn(void *ctx, int task, int thread)
{
    cam__conv_task *t = (cam__conv_task *)ctx;
    int oc0 = (task % t->n_oc_tasks) * t->oc_per, pi = task / t->n_oc_tasks;
    int oc1 = oc0 + t->oc_per > t->cp.oc ? t->cp.oc : oc0 + t->oc_per;
    int px0 = cam__conv_px_start(pi, t->n_px, t->ohw, t->grain), px1 = cam__conv_px_start(pi + 1, t->n_px, t->ohw, t->grain);
    (void)thread;
    if (oc0 < oc1 && px0 < px1) {
        cam__k_conv(&t->cp, oc0, oc1, px0, px1);
        if (t->zb.buf)
            cam__zero_border(&t->zb, oc0, oc1, px0, px1);
    }
}

typedef struct cam__pad_task {
    const float *in;
    float *out;
    int ih, iw, pt, pl, ph, pw, n;
    int c;
} cam__pad_task;

/* Padded rows [task * ph / n, (task + 1) * ph / n) of every channel: row
   bands, as the conv's pixel split, so that with the pool's contiguous
   shares the thread that pads a band is the one that reads it. */
static void cam__pad_task_fn(void *ctx, int task, int thread)
{
    cam__pad_task *t = (cam__pad_task *)ctx;
    int y0 = (int)((int64_t)task * t->ph / t->n), y1 = (int)((int64_t)(task + 1) * t->ph / t->n);
    (void)thread;
    cam__k_pad_rows(t->in, t->out, t->c, t->ih, t->iw, t->pt, t->pl, t->ph, t->pw, y0, y1);
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

/* The shapes of a dense conv step's kernel call (per group; in, w, bias,
   res, out left NULL). Padded input dims: the kernel's contract. */
static void cam__conv_step_params(const cam__step *s, cam__conv_params *cp)
{
    const int64_t *p = s->p;
    memset(cp, 0, sizeof *cp);
    cp->ic = (int)(p[1] / p[17]);
    cp->ih = (int)(p[2] + p[13] + p[15]);
    cp->iw = (int)(p[3] + p[14] + p[16]);
    cp->oc = (int)(p[4] / p[17]);
    cp->oh = (int)p[5];
    cp->ow = (int)p[6];
    cp->kh = (int)p[7];
    cp->kw = (int)p[8];
    cp->sh = (int)p[9];
    cp->sw = (int)p[10];
    cp->dh = (int)p[11];
    cp->dw = (int)p[12];
    cp->act = s->act;
}

/* Whether a padded dense conv step gives the kernel its input unpadded
   (the kernel pads inside: no padding pass, no scratch). */
static int cam__conv_step_unpadded(const cam__step *s)
{
    cam__conv_params cp;
    if (s->wino || !(s->p[13] || s->p[14] || s->p[15] || s->p[16]))
        return 0;
    cam__conv_step_params(s, &cp);
    return cam__k_conv_takes_unpadded(&cp);
}

/* cam__conv_step_params plus the unpadded input's shape where the step
   gives the kernel its input unpadded: the kernel call's shapes. */
static void cam__conv_step_kparams(const cam__step *s, cam__conv_params *cp)
{
    cam__conv_step_params(s, cp);
    if (cam__conv_step_unpadded(s)) {
        cp->uh = (int)s->p[2];
        cp->uw = (int)s->p[3];
        cp->pt = (int)s->p[13];
        cp->pl = (int)s->p[14];
    }
}

/* Whether step s has a padding scratch (a padded dense conv whose kernel
   takes its input padded). */
static int cam__conv_step_scratch(const cam__step *s)
{
    return s->op == CAM__OP_Conv && s->dense == 1 && (s->p[13] || s->p[14] || s->p[15] || s->p[16]) &&
           !cam__conv_step_unpadded(s);
}

/* The padding pass of padded conv step s: c planes of src copied into its
   scratch with their zero borders (s->p[13..16]). */
static void cam__conv_pad_input(cam_net *net, const cam__step *s, const float *src, float *scratch, int64_t c)
{
    cam__pad_task pt;
    pt.in = src;
    pt.out = scratch;
    pt.ih = (int)s->p[2];
    pt.iw = (int)s->p[3];
    pt.pt = (int)s->p[13];
    pt.pl = (int)s->p[14];
    pt.ph = (int)(s->p[2] + s->p[13] + s->p[15]);
    pt.pw = (int)(s->p[3] + s->p[14] + s->p[16]);
    pt.c = (int)c;
    pt.n = cam__ntasks(net, pt.ph, 2);
    cam__par(net, cam__pad_task_fn, &pt, pt.n);
}

/* Where conv step s writes its output inside the padding scratch of step
   s->pad_into (cam__plan_pad_into; the caller checks pad_into >= 0): the
   scratch's geometry, borders to zero. */
static void cam__conv_pad_border(const cam_net *net, const cam__step *s, cam__pad_border *zb)
{
    const cam__step *c = &net->steps[s->pad_into];
    zb->buf = (float *)(net->arena + c->p[20]);
    zb->pt = (int)c->p[13];
    zb->pl = (int)c->p[14];
    zb->h = (int)s->p[5];
    zb->w = (int)s->p[6];
    zb->ph = (int)(s->p[5] + c->p[13] + c->p[15]);
    zb->pw = (int)(s->p[6] + c->p[14] + c->p[16]);
}

/* Winograd F(2x2,3x3) conv step (s->wino). The output's 2x2 tiles, in
   raster order, are cut into bands of about CAM__WINO_BAND_BYTES of
   transformed input and products (so they stay in L2 between the
   transforms and the GEMM), or left whole where the 16 weight matrices
   outweigh them (deep layers on small maps: each band reads all weights
   again); each band's output channels are cut into parts where the bands
   alone are fewer than the threads. A work item (band, part) transforms
   the band's input tiles into 16 planes V[xi][c][t], runs the 16 products
   M[xi] = U[xi] V[xi] as 1x1 convs over the band's tiles, and transforms M
   back through the conv epilogue into the output (pitched where it fills
   the next conv's padding scratch). Bands depend on the shapes only, and
   the 1x1 kernel computes every element the same way whatever its ranges,
   so outputs do not depend on the thread count. */
#ifndef CAM__WINO_BAND_BYTES
#define CAM__WINO_BAND_BYTES (1024 * 1024)
#endif
typedef struct cam__wino_geom {
    int tiles_y, tiles_x, tiles, n_bands, band_max; /* band_max: most tiles in a band */
} cam__wino_geom;

static void cam__wino_geometry(int64_t C, int64_t K, int64_t OH, int64_t OW, cam__wino_geom *g)
{
    int64_t target, nb;
    g->tiles_y = (int)((OH + 1) / 2);
    g->tiles_x = (int)((OW + 1) / 2);
    g->tiles = g->tiles_y * g->tiles_x;
    target = CAM__WINO_BAND_BYTES / (64 * (C + K));
    if (target < 16)
        target = 16;
    nb = (g->tiles + target - 1) / target;
    if (C * K >= (int64_t)g->tiles * (C + K) || nb < 1)
        nb = 1; /* weights (16 C K) >= V and M of all tiles (16 (C + K) tiles) */
    g->n_bands = (int)nb;
    g->band_max = (int)((g->tiles + nb - 1) / nb);
}

/* Band b's tiles [*t0, *t1) (raster order): near-equal parts. */
static void cam__wino_band(const cam__wino_geom *g, int b, int *t0, int *t1)
{
    *t0 = (int)((int64_t)b * g->tiles / g->n_bands);
    *t1 = (int)((int64_t)(b + 1) * g->tiles / g->n_bands);
}

/* Floats between the 16 planes of V or M holding n floats each: whole
   cache lines, an odd number of them, so that the 16 planes a transform
   reads or writes at once fall in 16 different L1 sets (planes a multiple
   of 4 KB apart all hit one set: 2.5x slower transforms on vgg16's
   64-channel convs). */
static size_t cam__wino_plane(size_t n)
{
    size_t lines = (n + 15) / 16;
    return (lines | 1) * 16;
}

/* Scratch of one Winograd task: V and M for the largest band and all
   output channels (16 planes each, cam__wino_plane apart). The step's arena
   slot holds s->p[22] of them (the thread count when it was planned) at
   arena offset s->p[23] (p[21] is the shape's padding flag). */
static size_t cam__wino_step_floats(const cam__step *s)
{
    cam__wino_geom g;
    size_t tc;
    cam__wino_geometry(s->p[1], s->p[4], s->p[5], s->p[6], &g);
    tc = (size_t)g.band_max;
    return 16 * (cam__wino_plane((size_t)s->p[1] * tc) + cam__wino_plane((size_t)s->p[4] * tc));
}

typedef struct cam__wino_task {
    const float *in, *w, *bias, *res;
    float *out, *scratch;
    int c, k, ih, iw, oh, ow, opw, n_parts, k_per, n_items, n_tasks;
    size_t pf1, oplane, per;
    cam__wino_geom g;
    cam__act_params act;
    cam__pad_border zb; /* zb.buf NULL: dense output */
} cam__wino_task;

static void cam__wino_item(const cam__wino_task *t, int item, float *scratch)
{
    int b = item / t->n_parts, k0 = (item % t->n_parts) * t->k_per, k1, t0, t1, ty, nt, xi, tx_n = t->g.tiles_x;
    size_t vplane, mplane;
    float *V = scratch, *Mb;
    cam__conv_params cp;
    k1 = k0 + t->k_per < t->k ? k0 + t->k_per : t->k;
    if (k0 >= k1)
        return;
    cam__wino_band(&t->g, b, &t0, &t1);
    nt = t1 - t0;
    vplane = cam__wino_plane((size_t)t->c * nt);
    mplane = cam__wino_plane((size_t)(k1 - k0) * nt);
    Mb = V + 16 * vplane;
    /* the band's part of each tile row it touches */
    for (ty = t0 / tx_n; ty * tx_n < t1; ty++) {
        int a = t0 > ty * tx_n ? t0 - ty * tx_n : 0, e = t1 < (ty + 1) * tx_n ? t1 - ty * tx_n : tx_n;
        cam__k_wino_in(t->in, t->c, t->ih, t->iw, ty, a, e, V + (ty * tx_n + a - t0), vplane, (size_t)nt);
    }
    memset(&cp, 0, sizeof cp);
    cp.ic = t->c;
    cp.ih = cp.oh = 1;
    cp.iw = cp.ow = nt;
    cp.oc = k1 - k0;
    cp.kh = cp.kw = cp.sh = cp.sw = cp.dh = cp.dw = 1;
    for (xi = 0; xi < 16; xi++) {
        cp.in = V + (size_t)xi * vplane;
        cp.w = t->w + (size_t)xi * t->pf1 + (size_t)k0 * t->c; /* k0 starts a packed block */
        cp.out = Mb + (size_t)xi * mplane;
        cam__k_conv(&cp, 0, k1 - k0, 0, nt);
    }
    for (ty = t0 / tx_n; ty * tx_n < t1; ty++) {
        int a = t0 > ty * tx_n ? t0 - ty * tx_n : 0, e = t1 < (ty + 1) * tx_n ? t1 - ty * tx_n : tx_n;
        cam__k_wino_out(Mb + (ty * tx_n + a - t0), mplane, (size_t)nt, k1 - k0, ty, a, e, t->oh, t->ow,
                        t->bias ? t->bias + k0 : NULL, t->res ? t->res + (size_t)k0 * t->oh * t->ow : NULL,
                        t->out + (size_t)k0 * t->oplane, t->opw, t->oplane, &t->act);
        /* the band holding a tile row's first tile zeros the borders of its
           output rows (cam__zero_border: whole rows, one owner each) */
        if (t->zb.buf && a == 0) {
            int y1 = 2 * ty + 2 < t->oh ? 2 * ty + 2 : t->oh;
            cam__zero_border(&t->zb, k0, k1, 2 * ty * t->ow, y1 * t->ow);
        }
    }
}

static void cam__wino_task_fn(void *ctx, int task, int thread)
{
    cam__wino_task *t = (cam__wino_task *)ctx;
    int item;
    (void)thread;
    for (item = task; item < t->n_items; item += t->n_tasks)
        cam__wino_item(t, item, t->scratch + (size_t)task * t->per);
}

static void cam__exec_conv_wino(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const cam_tensor *x = CAM__VT(s->in[0]);
    cam_tensor *y = CAM__VT(s->out[0]);
    int64_t N = p[0], C = p[1], H = p[2], W = p[3], M = p[4], OH = p[5], OW = p[6], ohw = OH * OW;
    int64_t ph = H + p[13] + p[15], pw = W + p[14] + p[16], n;
    int padded = cam__conv_step_scratch(s), pad_given = s->pad_given && !net->dense_acts;
    float *scratch = padded ? (float *)(net->arena + s->p[20]) : NULL;
    const float *res = s->res >= 0 ? (const float *)CAM__VT(s->res)->data : NULL;
    int P = net->threads < (int)p[22] ? net->threads : (int)p[22], units;
    cam__wino_task t;
    memset(&t, 0, sizeof t);
    cam__wino_geometry(C, M, OH, OW, &t.g);
    t.c = (int)C;
    t.k = (int)M;
    t.ih = (int)ph;
    t.iw = (int)pw;
    t.oh = (int)OH;
    t.ow = (int)OW;
    t.w = s->w;
    t.pf1 = cam__k_conv_packed_floats((int)M, (int)C, 1, 1);
    t.bias = s->bias;
    t.act = s->act;
    t.per = cam__wino_step_floats(s);
    t.scratch = (float *)(net->arena + p[23]);
    /* channel parts (whole CAM__OC_TASK units) where the bands alone are
       fewer than twice the threads: the fewest that make the items a
       multiple of the threads (each part transforms the band's input
       again and runs thinner products) */
    units = (int)((M + CAM__OC_TASK - 1) / CAM__OC_TASK);
    t.n_parts = 1;
    if (P > 1 && t.g.n_bands < 2 * P)
        while ((t.g.n_bands * t.n_parts) % P != 0 && t.n_parts < units)
            t.n_parts++;
    t.k_per = ((units + t.n_parts - 1) / t.n_parts) * CAM__OC_TASK;
    t.n_parts = (int)((M + t.k_per - 1) / t.k_per);
    t.n_items = t.g.n_bands * t.n_parts;
    t.n_tasks = P < t.n_items ? P : t.n_items;
    if (t.n_tasks < 1)
        t.n_tasks = 1;
    if (s->pad_into >= 0 && !net->dense_acts) {
        cam__conv_pad_border(net, s, &t.zb);
        t.opw = t.zb.pw;
        t.oplane = (size_t)t.zb.ph * t.zb.pw;
    } else {
        t.opw = (int)OW;
        t.oplane = (size_t)ohw;
    }
    for (n = 0; n < N; n++) {
        const float *src = (const float *)x->data + (size_t)(n * C) * H * W;
        if (padded && !pad_given)
            cam__conv_pad_input(net, s, src, scratch, C);
        t.in = padded ? scratch : src;
        t.res = res ? res + (size_t)(n * M) * ohw : NULL;
        t.out = t.zb.buf ? t.zb.buf + (size_t)t.zb.pt * t.zb.pw + t.zb.pl : (float *)y->data + (size_t)(n * M) * ohw;
        cam__par(net, cam__wino_task_fn, &t, t.n_tasks);
    }
}

static void cam__exec_conv_dense(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const cam_tensor *x = CAM__VT(s->in[0]);
    cam_tensor *y = CAM__VT(s->out[0]);
    int64_t N = p[0], C = p[1], H = p[2], W = p[3], M = p[4], OH = p[5], OW = p[6], G = p[17];
    int64_t icg = C / G, ocg = M / G, ohw = OH * OW, ph = H + p[13] + p[15], pw = W + p[14] + p[16];
    int padded = cam__conv_step_scratch(s);
    int pad_given = s->pad_given && !net->dense_acts;
    float *scratch = padded ? (float *)(net->arena + s->p[20]) : NULL;
    const float *res = s->res >= 0 ? (const float *)CAM__VT(s->res)->data : NULL;
    size_t pf = cam__k_conv_packed_floats((int)ocg, (int)icg, (int)p[7], (int)p[8]);
    cam__conv_task t;
    if (s->wino) {
        cam__exec_conv_wino(net, s);
        return;
    }
    /* n_ocu: output channel units of CAM__OC_TASK channels, the split's grain */
    int64_t n, g, n_ocu = (ocg + CAM__OC_TASK - 1) / CAM__OC_TASK, wbytes = ocg * icg * p[7] * p[8], ibytes = icg * ph * pw;
    int n_oc_tasks = 1, n_px = 1, T = net->threads > 1 ? net->threads * 4 : 1;
    if (T > 1) {
        if (wbytes > ibytes) {
            /* at least min(n_ocu, T) tasks of whole channel units; no
               pixel split where the units alone give enough tasks (each
               pixel part reads all of its channels' weights again) */
            int64_t units_per = n_ocu / T > 1 ? n_ocu / T : 1;
            n_oc_tasks = (int)((n_ocu + units_per - 1) / units_per);
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
    t.oc_per = (int)(((n_ocu + n_oc_tasks - 1) / n_oc_tasks) * CAM__OC_TASK);
    t.n_oc_tasks = (int)((ocg + t.oc_per - 1) / t.oc_per);
    /* A task count the threads divide (5 equal tasks on 2 threads run
       3 + 2, a 1.67x speed-up): more pixel splits where the map allows. */
    while ((t.n_oc_tasks * n_px) % net->threads != 0 && (n_px + 1) * 16 <= ohw)
        n_px++;
    t.n_px = n_px;
    t.ohw = (int)ohw;
    cam__conv_step_kparams(s, &t.cp);
    t.grain = cam__k_conv_px_grain(&t.cp);
    if (t.grain > 0 && ohw / t.grain < n_px)
        t.grain = 0; /* fewer grains than pixel parts: tile cuts */
    if (s->pad_into >= 0 && !net->dense_acts) {
        /* the output goes inside the next conv's padding scratch (batch 1,
           one group: cam__plan_pad_into) */
        cam__conv_pad_border(net, s, &t.zb);
        t.cp.opw = t.zb.pw;
        t.cp.oplane = (size_t)t.zb.ph * t.zb.pw;
    }
    for (n = 0; n < N; n++)
        for (g = 0; g < G; g++) {
            const float *src = (const float *)x->data + (size_t)(n * C + g * icg) * H * W;
            if (padded && !pad_given)
                cam__conv_pad_input(net, s, src, scratch, icg);
            t.cp.in = padded ? scratch : src; /* with pad_given filled by the producer */
            t.cp.w = s->w + (size_t)g * pf;
            t.cp.bias = s->bias ? s->bias + g * ocg : NULL;
            t.cp.res = res ? res + (size_t)(n * M + g * ocg) * ohw : NULL;
            t.cp.out = t.zb.buf ? t.zb.buf + (size_t)t.zb.pt * t.zb.pw + t.zb.pl
                                : (float *)y->data + (size_t)(n * M + g * ocg) * ohw;
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

/* Global pooling: one output per plane (n planes), in tasks of at least
   64 planes; each plane's value is one fixed chain (cam__gpool_ref), so
   the split changes nothing. */
typedef struct cam__gpool_task {
    const float *x;
    float *y;
    size_t hw;
    int is_max, n, per;
} cam__gpool_task;

static void cam__gpool_task_fn(void *ctx, int task, int thread)
{
    cam__gpool_task *t = (cam__gpool_task *)ctx;
    int c0 = task * t->per, c1 = c0 + t->per > t->n ? t->n : c0 + t->per;
    (void)thread;
    if (c0 < c1)
        cam__k_gpool(t->x, t->y, t->hw, t->is_max, c0, c1);
}

static void cam__exec_gpool(cam_net *net, const cam__step *s, const cam_tensor *x, cam_tensor *y, int64_t n)
{
    const int64_t step = (int64_t)1 << 30; /* int plane indices for the kernel */
    int64_t off;
    cam__gpool_task t;
    t.hw = (size_t)(cam_tensor_count(x) / (n ? n : 1));
    t.is_max = s->op == CAM__OP_GlobalMaxPool; /* from the first value: a plane of -inf gives -inf */
    for (off = 0; off < n; off += step) {
        int nt;
        t.x = (const float *)x->data + (size_t)off * t.hw;
        t.y = (float *)y->data + off;
        t.n = (int)(n - off < step ? n - off : step);
        nt = cam__ntasks(net, t.n, 64);
        t.per = (t.n + nt - 1) / nt;
        cam__par(net, cam__gpool_task_fn, &t, (t.n + t.per - 1) / t.per);
    }
}

/* A CAM head's Gemm on packed weights (cam__pack_head_gemm): one task per
   thread, a range of class blocks, nearly the map product's split
   (cam__vis_job_run), so each thread reads the blocks it reads again for
   the maps. */
typedef struct cam__gemv_task {
    const float *wp, *a, *bias;
    float *c;
    int m, n, k, per;
    cam__act_params act;
} cam__gemv_task;

static void cam__gemv_task_fn(void *ctx, int task, int thread)
{
    cam__gemv_task *t = (cam__gemv_task *)ctx;
    int nb = (t->n + CAM__MAPC_CB - 1) / CAM__MAPC_CB, b0 = task * t->per, b1 = b0 + t->per < nb ? b0 + t->per : nb;
    int b, i, j;
    float out[CAM__MAPC_CB];
    (void)thread;
    for (b = b0; b < b1; b++)
        for (i = 0; i < t->m; i++) {
            float *c = t->c + (size_t)i * t->n;
            cam__mapc_gemv(t->wp + (size_t)b * t->k * CAM__MAPC_CB, t->k, t->a + (size_t)i * t->k, out);
            for (j = 0; j < CAM__MAPC_CB && b * CAM__MAPC_CB + j < t->n; j++) {
                float v = out[j];
                if (t->bias)
                    v += t->bias[b * CAM__MAPC_CB + j];
                c[b * CAM__MAPC_CB + j] = cam__act1(v, &t->act);
            }
        }
}

static void cam__exec_gemm_packed(cam_net *net, cam__step *s)
{
    cam__gemv_task t;
    int nb = (int)((s->p[2] + CAM__MAPC_CB - 1) / CAM__MAPC_CB), nt = net->threads > 1 ? net->threads : 1;
    t.wp = s->camw;
    t.a = (const float *)CAM__VT(s->in[0])->data;
    t.bias = s->bias;
    t.c = (float *)CAM__VT(s->out[0])->data;
    t.m = (int)s->p[0];
    t.n = (int)s->p[2];
    t.k = (int)s->p[1];
    t.act = s->act;
    t.per = (nb + nt - 1) / nt;
    cam__par(net, cam__gemv_task_fn, &t, (nb + t.per - 1) / t.per);
}

static void cam__exec_gemm(cam_net *net, cam__step *s)
{
    const int64_t *p = s->p;
    const float *a = (const float *)CAM__VT(s->in[0])->data;
    float *y = (float *)CAM__VT(s->out[0])->data;
    int64_t M = p[0], K = p[1], N = p[2], i, j, k;
    if (s->camw) {
        cam__exec_gemm_packed(net, s);
        return;
    }
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
        cam__mm_batch mb;
        int64_t bi, r, c, k;
        const float *A = (const float *)at->data, *B = (const float *)bt->data;
        float *Y = (float *)yt->data;
        cam__mm_batch_init(&mb, at, bt, yt);
        for (bi = 0; bi < mb.count; bi++) {
            int64_t oa, obb;
            cam__mm_batch_at(&mb, bi, &oa, &obb);
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
    case CAM__OP_GlobalAveragePool: case CAM__OP_GlobalMaxPool:
        cam__exec_gpool(net, s, x, y, n);
        return CAM_OK;
    case CAM__OP_ReduceMean: {
        int64_t st[CAM_MAX_NDIM], idx[CAM_MAX_NDIM] = {0}, total = cam_tensor_count(x), off = 0;
        int64_t red = cam__reduce_strides(x, p[0], st);
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        for (i = 0; i < n; i++)
            o[i] = 0;
        for (k = 0; k < total; k++) {
            o[off] += a[k];
            cam__odometer_step(x->ndim, x->dims, st, idx, &off);
        }
        for (i = 0; i < n; i++)
            o[i] /= (float)(red ? red : 1);
        return CAM_OK;
    }
    case CAM__OP_LRN: {
        int64_t N = x->dims[0], C = x->dims[1], inner = n / (N * C > 0 ? N * C : 1), c, j;
        int64_t lo = (p[0] - 1) / 2, hi = p[0] - 1 - lo;
        const float *a = (const float *)x->data;
        float *o = (float *)y->data;
        for (i = 0; i < N; i++)
            for (c = 0; c < C; c++)
                for (j = 0; j < inner; j++) {
                    float sq = cam__lrn_sumsq(a, C, inner, i, c, j, lo, hi);
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
        int j, nd2 = y->ndim;
        if (p[1])
            s->f[0] = (float)cam__get_d(CAM__VT(s->in[2]), 0);
        for (j = nd2 - 1; j >= 0; j--) {
            ist[j] = acc;
            acc *= x->dims[j];
        }
        for (i = 0; i < n; i++) {
            int64_t off;
            if (cam__pad_src((int)p[0], nd2, idx, s->q, x->dims, ist, &off))
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

/* Winograd F(2x2,3x3) (cam_simd.h's kernel-winograd) takes stride-1,
   undilated 3x3 convs of one group with at least CAM__WINO_MIN_C channels
   on each side: below that the 16 1x1 products are too thin for the GEMM
   tiles and the transforms' cost per multiply-add grows. */
#ifndef CAM__WINO_MIN_C
#define CAM__WINO_MIN_C 16
#endif
static int cam__wino_node(const cam_net *net, const cam__node *nd, int64_t M, int64_t icg, int64_t kh, int64_t kw,
                          int64_t G)
{
    const int64_t *v;
    int c, i;
    if (net->no_winograd || kh != 3 || kw != 3 || G != 1 || icg < CAM__WINO_MIN_C || M < CAM__WINO_MIN_C)
        return 0;
    if ((c = cam__attr_ints(nd, "strides", &v)) >= 0)
        for (i = 0; i < c; i++)
            if (v[i] != 1)
                return 0;
    if ((c = cam__attr_ints(nd, "dilations", &v)) >= 0)
        for (i = 0; i < c; i++)
            if (v[i] != 1)
                return 0;
    return 1;
}

/* Floats of a Winograd packing: 16 packed 1x1 convs of M x icg. */
static size_t cam__wino_packed_floats(int64_t M, int64_t icg)
{
    return 16 * cam__k_conv_packed_floats((int)M, (int)icg, 1, 1);
}

/* Packs 3x3 weights w ([M][icg][3][3]) for Winograd: U = G g G^T per
   kernel, then product xi's M x icg matrix as a packed 1x1 conv. */
static cam_result cam__wino_pack(cam_net *net, const float *w, int64_t M, int64_t icg, float *packed)
{
    size_t pf1 = cam__k_conv_packed_floats((int)M, (int)icg, 1, 1), n = (size_t)M * icg, e;
    float *u = (float *)cam__malloc_model(net, n * 16 * sizeof(float));
    float *slice = (float *)cam__malloc_model(net, n * sizeof(float));
    int xi;
    if (!u || !slice) {
        if (u) cam__hfree(&net->heap, &net->model_mem, u);
        if (slice) cam__hfree(&net->heap, &net->model_mem, slice);
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
    }
    for (e = 0; e < n; e++)
        cam__wino_weights(w + e * 9, u + e * 16);
    for (xi = 0; xi < 16; xi++) {
        for (e = 0; e < n; e++)
            slice[e] = u[e * 16 + (size_t)xi];
        cam__k_conv_pack(slice, (int)M, (int)icg, 1, 1, packed + (size_t)xi * pf1);
    }
    cam__hfree(&net->heap, &net->model_mem, slice);
    cam__hfree(&net->heap, &net->model_mem, u);
    return CAM_OK;
}

/* Winograd pays where a conv has enough 2x2 tiles to amortise its 16
   weight matrices (16/9 of the direct weights, read once per band): on 7x7
   maps (16 tiles, resnet's last stage) the direct conv is faster, and on
   14x14 maps (49 tiles) too where the products' reduction (the input
   channels) is short: googlenet's 96-160-channel 3x3s ran 5-20% slower at
   2 threads, alexnet's 192->384 at 13x13 8%, where 256 and 512 channels
   gained 10-45% (the rule may not depend on the thread count). And where
   the conv is big enough for its gain to matter: below ~20 M multiply-adds
   (a conv of < 0.1 ms) the gain is a few microseconds while the scratch
   (a band's transformed input and products per thread, ~0.5 MB) would
   double a small net's activation memory. */
#ifndef CAM__WINO_MIN_TILES
#define CAM__WINO_MIN_TILES 32
#endif
#ifndef CAM__WINO_MIN_MACS
#define CAM__WINO_MIN_MACS 20000000
#endif
#ifndef CAM__WINO_SMALL_TILES
#define CAM__WINO_SMALL_TILES 64 /* below: only with >= CAM__WINO_SMALL_MIN_C input channels */
#endif
#ifndef CAM__WINO_SMALL_MIN_C
#define CAM__WINO_SMALL_MIN_C 256
#endif
/* Packs a Winograd-eligible conv (nd->wino == -1: raw weights held) at its
   first plan, when its map size is known: Winograd where the map has at
   least CAM__WINO_MIN_TILES tiles (CAM__WINO_SMALL_TILES unless it has
   CAM__WINO_SMALL_MIN_C input channels) and the conv CAM__WINO_MIN_MACS
   multiply-adds per image, else the direct packing. The choice
   stays for later plans (other input sizes run it as chosen). */
static cam_result cam__wino_decide(cam_net *net, cam__node *nd, const cam__step *s)
{
    int64_t M = nd->oc, icg = nd->icg, tiles = ((s->p[5] + 1) / 2) * ((s->p[6] + 1) / 2);
    int use = tiles >= CAM__WINO_MIN_TILES && M * icg * 9 * s->p[5] * s->p[6] >= CAM__WINO_MIN_MACS &&
              (tiles >= CAM__WINO_SMALL_TILES || icg >= CAM__WINO_SMALL_MIN_C);
    size_t raw = (size_t)M * icg * 9;
    size_t pf = use ? cam__wino_packed_floats(M, icg) : cam__k_conv_packed_floats((int)M, (int)icg, 3, 3);
    float *packed = (float *)cam__malloc_model(net, pf * sizeof(float));
    cam_result r = CAM_OK;
    if (!packed)
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
    if (use)
        r = cam__wino_pack(net, nd->packed, M, icg, packed);
    else
        cam__k_conv_pack(nd->packed, (int)M, (int)icg, 3, 3, packed);
    if (r != CAM_OK) {
        cam__hfree(&net->heap, &net->model_mem, packed);
        return r;
    }
    cam__hfree(&net->heap, &net->model_mem, nd->packed);
    nd->packed = packed;
    nd->wino = use;
    net->packed_bytes += ((int64_t)pf - (int64_t)raw) * 4;
    return CAM_OK;
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
            } else if (cam__wino_node(net, nd, M, icg, kh, kw, G)) {
                /* raw for now: the first plan packs it for Winograd or
                   direct from the map size (cam__wino_decide) */
                pf = (size_t)M * icg * 9;
                nd->packed = (float *)cam__malloc_model(net, pf * sizeof(float));
                if (!nd->packed)
                    return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing weights");
                memcpy(nd->packed, w, pf * sizeof(float));
                nd->wino = -1;
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

/* A CAM head's Gemm runs on its weights packed for the all-class map
   product (cam__mapc_gemv): the product then reads the copy the forward pass
   has just read (with the even split of cam__vis_job_run, resnet18's
   all-class maps after a forward: 0.229 -> 0.219 ms at 1 thread, 0.123 ->
   0.118 at 2), and the map product needs no copy of its own. */
static cam_result cam__pack_head_gemm(cam_net *net)
{
    int i;
    if (!net->head_ok || net->head.conv_classifier || !net->head.weights || net->head.n_classes < 1 ||
        net->head.n_channels < 1)
        return CAM_OK;
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        if (s->op != CAM__OP_Gemm || s->w != net->head.weights || s->p[2] != net->head.n_classes ||
            s->p[1] != net->head.n_channels)
            continue;
        if (!net->mapc_w[0]) {
            size_t nf = cam__mapc_packed_floats(net->head.n_classes, net->head.n_channels);
            float *wp = (float *)cam__halloc(&net->heap, &net->model_mem, nf * sizeof(float));
            if (!wp)
                return cam__fail(net, CAM_ERR_NOMEM, "out of memory packing the classifier weights (%lld floats)",
                                 (long long)nf);
            cam__mapc_pack(net->head.weights, net->head.n_classes, net->head.n_channels, 0, wp);
            net->mapc_w[0] = wp;
            net->mapc_src[0] = net->head.weights;
        }
        s->camw = net->mapc_w[0];
    }
    return CAM_OK;
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

/* Pairs conv step i with the producer of its input where the producer can
   write that input straight into i's padding scratch (zero borders and
   all: no padding pass, and the input takes no arena space of its own):
   batch 1, one group each, a dense conv producer whose output nothing else
   reads (no other step, no graph output or kept tensor, not a Concat
   slice), and a kernel that writes these shapes pitched. Without it every
   3x3 conv fed by a conv copied its whole input once more: resnet50 has
   16 such, googlenet 9. */
static void cam__plan_pad_into(cam_net *net, int i)
{
    cam__step *s = &net->steps[i], *pr;
    const cam__value *v;
    cam__conv_params cp;
    if (!cam__conv_step_scratch(s) || s->p[0] != 1 || s->p[17] != 1 || s->in[0] < 0)
        return;
    v = &net->values[s->in[0]];
    if (v->state != CAM__V_RUNTIME || v->root != s->in[0] || v->keep || v->uses != 1 || v->producer < 0 ||
        v->producer >= i)
        return;
    pr = &net->steps[v->producer];
    if (pr->op != CAM__OP_Conv || pr->dense != 1 || pr->alias || pr->p[0] != 1 || pr->p[17] != 1 ||
        pr->out[0] != s->in[0] || pr->pad_into >= 0 || pr->p[4] != s->p[1])
        return;
    cam__conv_step_kparams(pr, &cp);
    if (!pr->wino && !cam__k_conv_out_pitch_ok(&cp))
        return;
    pr->pad_into = i;
    s->pad_given = 1;
}

/* Whether value id lives inside a padding scratch (cam__plan_pad_into). */
static int cam__value_in_scratch(const cam_net *net, int id)
{
    const cam__value *v = &net->values[id];
    return v->producer >= 0 && net->steps[v->producer].pad_into >= 0 && net->steps[v->producer].out[0] == id;
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
        s->res = s->scratch = s->pad_into = -1;
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
            if (nd->wino < 0 && (r = cam__wino_decide(net, nd, s)) != CAM_OK)
                return r;
            s->w = nd->packed;
            s->bias = nd->bias;
            s->dense = (nd->group == nd->oc && nd->icg == 1 && s->p[1] == nd->group) ? 2 : 1;
            s->wino = nd->wino;
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
    if ((r = cam__pack_head_gemm(net)) != CAM_OK)
        return r;
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
    if (!net->no_fuse)
        for (i = 0; i < n_live; i++)
            cam__plan_pad_into(net, i);
    /* slots: runtime roots, then conv padding and Winograd scratch */
    slots = (cam__slot *)cam__malloc_plan(net, (size_t)(net->n_values + 2 * n_live + 1) * sizeof(cam__slot));
    order = (int *)cam__malloc_plan(net, (size_t)(net->n_values + 2 * n_live + 1) * sizeof(int));
    if (!slots || !order)
        return cam__fail(net, CAM_ERR_NOMEM, "out of memory planning");
    n_slots = 0;
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->state != CAM__V_RUNTIME || v->root != i || v->first > v->last || cam__value_in_scratch(net, i))
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
        if (cam__conv_step_scratch(s)) {
            int64_t icg = s->p[1] / s->p[17];
            slots[n_slots].bytes = ((size_t)(icg * (s->p[2] + s->p[13] + s->p[15]) * (s->p[3] + s->p[14] + s->p[16])) * 4 + 63) & ~(size_t)63;
            /* filled by the producer: lives from there */
            slots[n_slots].first = s->pad_given ? net->values[s->in[0]].producer : i;
            slots[n_slots].last = i;
            order[n_slots] = -1 - i;
            n_slots++;
        }
        if (s->wino) {
            /* a scratch per thread (cam__exec_conv_wino) */
            s->p[22] = net->threads > 1 ? net->threads : 1;
            slots[n_slots].bytes = cam__wino_step_floats(s) * (size_t)s->p[22] * sizeof(float);
            slots[n_slots].first = slots[n_slots].last = i;
            order[n_slots] = -1 - n_live - i;
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
        } else if (-1 - order[i] >= n_live) {
            net->steps[-1 - order[i] - n_live].p[23] = (int64_t)slots[i].offset; /* Winograd scratch */
        } else {
            /* conv padding scratch: its arena offset lives in the step */
            cam__step *s = &net->steps[-1 - order[i]];
            s->p[20] = (int64_t)slots[i].offset;
            if (s->pad_given) /* the input's bytes, pitched inside it */
                net->values[s->in[0]].t.data = net->arena + slots[i].offset;
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
    cam__clearerr(err);
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
    net->no_winograd = d.no_winograd;
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
    /* the pool before the plan: Winograd convs get a scratch per thread */
    if (r == CAM_OK)
        cam__pool_set(net, d.threads ? d.threads : cam__cpu_count());
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

/* "1x3x224x224", "?" for a symbolic (-1) dimension, "scalar" for rank 0. */
static void cam__dims_str(int ndim, const int64_t *dims, char *buf, size_t size)
{
    size_t used = 0;
    int k;
    buf[0] = 0;
    if (ndim == 0)
        snprintf(buf, size, "scalar");
    for (k = 0; k < ndim && used < size; k++) {
        int n = dims[k] < 0 ? snprintf(buf + used, size - used, "%s?", k ? "x" : "")
                            : snprintf(buf + used, size - used, "%s%lld", k ? "x" : "", (long long)dims[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* An input must have the rank the model declares and its fixed dimensions
   (symbolic ones, -1, take any size): a wrong shape is named here rather than
   by whichever operator first trips over it. The first (batch) dimension is
   free even when fixed: exporters often fix it at 1, and batching such a
   model is still meaningful (the graph is re-planned). */
static cam_result cam__check_declared_shape(cam_net *net, const cam__value *v, const cam_tensor *t)
{
    char want[128], got[128];
    int k, bad = v->vi.ndim > 0 && t->ndim != v->vi.ndim;
    for (k = 1; !bad && k < v->vi.ndim; k++)
        bad = v->vi.dims[k] >= 0 && v->vi.dims[k] != t->dims[k];
    if (!bad)
        return CAM_OK;
    cam__dims_str(v->vi.ndim, v->vi.dims, want, sizeof want);
    cam__dims_str(t->ndim, t->dims, got, sizeof got);
    return cam__fail(net, CAM_ERR_SHAPE, "forward: input '%s' must be %s (? = any size), got %s", v->name, want,
                     got);
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
        r = cam__check_declared_shape(net, v, t);
        if (r != CAM_OK)
            return r;
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
    if (net->wino_replan)
        replan = 1;
    if (replan || !net->planned) {
        r = cam__plan(net);
        if (r == CAM__DEFER)
            r = cam__fail(net, CAM_ERR_UNSUPPORTED, "a shape depends on values computed at run time");
        if (r != CAM_OK) {
            cam__plan_reset(net);
            return r;
        }
        net->pending = 0;
        net->wino_replan = 0;
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
    if (net->planned) {
        int i;
        for (i = 0; i < net->n_steps; i++)
            if (net->steps[i].wino && net->steps[i].p[22] < net->threads)
                net->wino_replan = 1;
    }
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
    info->winograd = s->wino;
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
    cam__clearerr(err);
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
    cam__clearerr(err);
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

/* >>vis-implementation: CAM maps, boxes, images, preprocessing, pictures */

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <math.h>
#include <float.h>
#include <limits.h>

#if !defined(CAM_NO_STB)
#if !defined(CAM_NO_STB_IMPLEMENTATION)
/* stb_image and stb_image_write are compiled here, with the formats cam
   reads. A program that compiles stb itself (or links libstb) defines
   CAM_NO_STB_IMPLEMENTATION so the symbols exist once. */
#ifndef STBI_MAX_DIMENSIONS
#define STBI_MAX_DIMENSIONS CAM_MAX_IMAGE_DIM
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_TGA
#define STBI_ONLY_GIF
#define STBI_ONLY_PNM
#define STB_IMAGE_WRITE_IMPLEMENTATION
#endif
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#endif /* CAM_NO_STB */

#if defined(__AVX2__) && defined(__FMA__) && !defined(CAM_NO_SIMD)
#include <immintrin.h>
#define CAM__VIS_AVX2 1
#endif

/* >>transform */
CAM_API void cam_transform_identity(cam_transform *tf, int width, int height)
{
    memset(tf, 0, sizeof *tf);
    tf->image_width = tf->input_width = width;
    tf->image_height = tf->input_height = height;
    tf->scale_x = tf->scale_y = 1.0;
}

CAM_API void cam_transform_point(const cam_transform *tf, double u, double v, double *x, double *y)
{
    if (x)
        *x = u * tf->scale_x + tf->offset_x;
    if (y)
        *y = v * tf->scale_y + tf->offset_y;
}

CAM_API cam_result cam_transform_box(const cam_transform *tf, const cam_box *in, cam_box *out)
{
    double ax, ay, bx, by;
    cam_box b;
    if (!tf || !in || !out || in->x1 < in->x0 || in->y1 < in->y0)
        return CAM_ERR_INVALID_ARG;
    /* Input pixel x0 spans [x0, x0+1) in input units: cover both edges. The
       small epsilon keeps exact integer edges from spilling into the next pixel. */
    cam_transform_point(tf, in->x0, in->y0, &ax, &ay);
    cam_transform_point(tf, in->x1 + 1.0, in->y1 + 1.0, &bx, &by);
    b.x0 = (int)floor(ax + 1e-9);
    b.y0 = (int)floor(ay + 1e-9);
    b.x1 = (int)ceil(bx - 1e-9) - 1;
    b.y1 = (int)ceil(by - 1e-9) - 1;
    if (b.x0 < 0) b.x0 = 0;
    if (b.y0 < 0) b.y0 = 0;
    if (b.x1 > tf->image_width - 1) b.x1 = tf->image_width - 1;
    if (b.y1 > tf->image_height - 1) b.y1 = tf->image_height - 1;
    b.pixels = 0;
    b.sum = in->sum;
    if (b.x1 < b.x0 || b.y1 < b.y0)
        return CAM_ERR_NOT_FOUND;
    *out = b;
    return CAM_OK;
}

/* >>maps */
/* Class-block x pixel-block tile of W[classes] * F. F is packed per pixel block
   into a K-chunk x 16 panel (zero beyond hw) so the panel stays in L1 while
   every class block streams its weight rows past it; each output element is
   one fixed sequence of FMAs over k, whatever the block it lands in. */
#define CAM__MAP_PB 16  /* pixels per block (two AVX vectors) */
#define CAM__MAP_CB 6   /* classes per block: 12 accumulators */
#define CAM__MAP_KB 256 /* k per panel: 16 KiB */

static void cam__map_block(const float *const *wr, int kc, const float *panel, float acc[CAM__MAP_CB][CAM__MAP_PB],
                           int first, int poswt)
{
#ifdef CAM__VIS_AVX2
    __m256 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51;
    const __m256 zero = _mm256_setzero_ps();
    int k;
    if (first) {
        a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = zero;
    } else {
        a00 = _mm256_loadu_ps(acc[0]), a01 = _mm256_loadu_ps(acc[0] + 8);
        a10 = _mm256_loadu_ps(acc[1]), a11 = _mm256_loadu_ps(acc[1] + 8);
        a20 = _mm256_loadu_ps(acc[2]), a21 = _mm256_loadu_ps(acc[2] + 8);
        a30 = _mm256_loadu_ps(acc[3]), a31 = _mm256_loadu_ps(acc[3] + 8);
        a40 = _mm256_loadu_ps(acc[4]), a41 = _mm256_loadu_ps(acc[4] + 8);
        a50 = _mm256_loadu_ps(acc[5]), a51 = _mm256_loadu_ps(acc[5] + 8);
    }
#define CAM__MAP_ROW(j, x0, x1)                                   \
    {                                                             \
        __m256 w_ = _mm256_broadcast_ss(wr[j] + k);               \
        if (poswt)                                                \
            w_ = _mm256_max_ps(w_, zero);                         \
        x0 = _mm256_fmadd_ps(w_, f0, x0);                         \
        x1 = _mm256_fmadd_ps(w_, f1, x1);                         \
    }
    for (k = 0; k < kc; k++) {
        const __m256 f0 = _mm256_loadu_ps(panel + (size_t)k * CAM__MAP_PB);
        const __m256 f1 = _mm256_loadu_ps(panel + (size_t)k * CAM__MAP_PB + 8);
        CAM__MAP_ROW(0, a00, a01)
        CAM__MAP_ROW(1, a10, a11)
        CAM__MAP_ROW(2, a20, a21)
        CAM__MAP_ROW(3, a30, a31)
        CAM__MAP_ROW(4, a40, a41)
        CAM__MAP_ROW(5, a50, a51)
    }
#undef CAM__MAP_ROW
    _mm256_storeu_ps(acc[0], a00), _mm256_storeu_ps(acc[0] + 8, a01);
    _mm256_storeu_ps(acc[1], a10), _mm256_storeu_ps(acc[1] + 8, a11);
    _mm256_storeu_ps(acc[2], a20), _mm256_storeu_ps(acc[2] + 8, a21);
    _mm256_storeu_ps(acc[3], a30), _mm256_storeu_ps(acc[3] + 8, a31);
    _mm256_storeu_ps(acc[4], a40), _mm256_storeu_ps(acc[4] + 8, a41);
    _mm256_storeu_ps(acc[5], a50), _mm256_storeu_ps(acc[5] + 8, a51);
#else
    int j, k, p;
    if (first)
        memset(acc, 0, sizeof(float) * CAM__MAP_CB * CAM__MAP_PB);
    for (j = 0; j < CAM__MAP_CB; j++) {
        float *a = acc[j];
        for (k = 0; k < kc; k++) {
            float w = wr[j][k];
            const float *f = panel + (size_t)k * CAM__MAP_PB;
            if (poswt && !(w > 0.0f))
                w = 0.0f;
            for (p = 0; p < CAM__MAP_PB; p++)
                a[p] += w * f[p];
        }
    }
#endif
}

/* The same tile for a last pixel block of at most 8 pixels (hw = 49 leaves
   1): one vector per class instead of two. */
static void cam__map_block8(const float *const *wr, int kc, const float *panel, float acc[CAM__MAP_CB][CAM__MAP_PB],
                            int first, int poswt)
{
#ifdef CAM__VIS_AVX2
    __m256 a0, a1, a2, a3, a4, a5;
    const __m256 zero = _mm256_setzero_ps();
    int k;
    if (first) {
        a0 = a1 = a2 = a3 = a4 = a5 = zero;
    } else {
        a0 = _mm256_loadu_ps(acc[0]), a1 = _mm256_loadu_ps(acc[1]), a2 = _mm256_loadu_ps(acc[2]);
        a3 = _mm256_loadu_ps(acc[3]), a4 = _mm256_loadu_ps(acc[4]), a5 = _mm256_loadu_ps(acc[5]);
    }
#define CAM__MAP_ROW8(j, x0)                                      \
    {                                                             \
        __m256 w_ = _mm256_broadcast_ss(wr[j] + k);               \
        if (poswt)                                                \
            w_ = _mm256_max_ps(w_, zero);                         \
        x0 = _mm256_fmadd_ps(w_, f0, x0);                         \
    }
    for (k = 0; k < kc; k++) {
        const __m256 f0 = _mm256_loadu_ps(panel + (size_t)k * CAM__MAP_PB);
        CAM__MAP_ROW8(0, a0)
        CAM__MAP_ROW8(1, a1)
        CAM__MAP_ROW8(2, a2)
        CAM__MAP_ROW8(3, a3)
        CAM__MAP_ROW8(4, a4)
        CAM__MAP_ROW8(5, a5)
    }
#undef CAM__MAP_ROW8
    _mm256_storeu_ps(acc[0], a0), _mm256_storeu_ps(acc[1], a1), _mm256_storeu_ps(acc[2], a2);
    _mm256_storeu_ps(acc[3], a3), _mm256_storeu_ps(acc[4], a4), _mm256_storeu_ps(acc[5], a5);
#else
    cam__map_block(wr, kc, panel, acc, first, poswt);
#endif
}

#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
#if defined(__GNUC__) && !defined(__clang__)
/* g++ 12 warns inside its own _mm512_undefined_ps() (as in cam_simd.h),
   where the AVX-512 code from here to the box run sums is inlined: popped
   after cam__box_run_sum */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/* A few classes (top-5 maps), AVX-512: pixels in the vector lanes, 64 at a
   time (4 zmm, the last masked), up to 6 classes in one pass over F (24
   accumulators, named so that they stay in registers: with arrays GCC kept
   them in memory, 5.3 us for resnet18's top 5 against 1.5 now), F read
   straight from its rows. The panel tile above copies a K x 16 feature panel
   per pixel block, which for 5 classes cost more than the FMAs. Each element
   is the same FMA chain over ascending k from zero as in the tile above and
   the packed kernel: the same bits. */
#define CAM__MAP_FEW 6
static void cam__map_few_avx512(const float *const *wr, int nc, int k, const float *features, int hw, int poswt,
                                float *const *dst)
{
    const __m512 zero = _mm512_setzero_ps();
    int p0, kk;
    for (p0 = 0; p0 < hw; p0 += 64) {
        __mmask16 m0, m1, m2, m3;
        __m512 a00 = zero, a01 = zero, a02 = zero, a03 = zero, a10 = zero, a11 = zero, a12 = zero, a13 = zero;
        __m512 a20 = zero, a21 = zero, a22 = zero, a23 = zero, a30 = zero, a31 = zero, a32 = zero, a33 = zero;
        __m512 a40 = zero, a41 = zero, a42 = zero, a43 = zero, a50 = zero, a51 = zero, a52 = zero, a53 = zero;
#define CAM__FEW_MASK(v) (hw - p0 - 16 * (v) >= 16 ? (__mmask16)0xFFFF : hw - p0 - 16 * (v) <= 0 ? (__mmask16)0 \
                          : (__mmask16)((1u << (hw - p0 - 16 * (v))) - 1u))
        m0 = CAM__FEW_MASK(0), m1 = CAM__FEW_MASK(1), m2 = CAM__FEW_MASK(2), m3 = CAM__FEW_MASK(3);
#undef CAM__FEW_MASK
        for (kk = 0; kk < k; kk++) {
            const float *f = features + (size_t)kk * hw + p0;
            const __m512 x0 = _mm512_maskz_loadu_ps(m0, f), x1 = _mm512_maskz_loadu_ps(m1, f + 16);
            const __m512 x2 = _mm512_maskz_loadu_ps(m2, f + 32), x3 = _mm512_maskz_loadu_ps(m3, f + 48);
#define CAM__FEW_CLASS(j)                                  \
    if (nc > j) {                                          \
        __m512 w_ = _mm512_set1_ps(wr[j][kk]);             \
        if (poswt)                                         \
            w_ = _mm512_max_ps(w_, zero);                  \
        a##j##0 = _mm512_fmadd_ps(w_, x0, a##j##0);        \
        a##j##1 = _mm512_fmadd_ps(w_, x1, a##j##1);        \
        a##j##2 = _mm512_fmadd_ps(w_, x2, a##j##2);        \
        a##j##3 = _mm512_fmadd_ps(w_, x3, a##j##3);        \
    }
            CAM__FEW_CLASS(0)
            CAM__FEW_CLASS(1)
            CAM__FEW_CLASS(2)
            CAM__FEW_CLASS(3)
            CAM__FEW_CLASS(4)
            CAM__FEW_CLASS(5)
#undef CAM__FEW_CLASS
        }
#define CAM__FEW_STORE(j)                                                  \
    if (nc > j) {                                                          \
        _mm512_mask_storeu_ps(dst[j] + p0, m0, a##j##0);                   \
        _mm512_mask_storeu_ps(dst[j] + p0 + 16, m1, a##j##1);              \
        _mm512_mask_storeu_ps(dst[j] + p0 + 32, m2, a##j##2);              \
        _mm512_mask_storeu_ps(dst[j] + p0 + 48, m3, a##j##3);              \
    }
        CAM__FEW_STORE(0)
        CAM__FEW_STORE(1)
        CAM__FEW_STORE(2)
        CAM__FEW_STORE(3)
        CAM__FEW_STORE(4)
        CAM__FEW_STORE(5)
#undef CAM__FEW_STORE
    }
}
#endif

CAM_API cam_result cam_map_compute(const float *weights, int n_weight_rows, int k, const float *features, int hw,
                                   const int *classes, int n, cam_rectify rectify, float *out)
{
    float panel[CAM__MAP_KB * CAM__MAP_PB];
    float acc[CAM__MAP_CB][CAM__MAP_PB];
    const float *wr[CAM__MAP_CB];
    int i, p0, k0, c0, j, p, few = 0;
    if (!features || !classes || !out || k <= 0 || hw <= 0 || n < 0 || (int)rectify < 0 ||
        (int)rectify > (int)CAM_RECTIFY_POSITIVE_WEIGHTS)
        return CAM_ERR_INVALID_ARG;
    for (i = 0; i < n; i++) {
        int lim = weights ? n_weight_rows : k;
        if (classes[i] < 0 || classes[i] >= lim)
            return CAM_ERR_INVALID_ARG;
    }
    memset(acc, 0, sizeof acc); /* rows past the last class hold finite junk, never stored */
    if (!weights) {
        /* Conv-classifier head: the class map is the class channel itself. */
        for (i = 0; i < n; i++) {
            const float *src = features + (size_t)classes[i] * hw;
            float *dst = out + (size_t)i * hw;
            for (p = 0; p < hw; p++)
                dst[p] = rectify != CAM_RECTIFY_RELU || src[p] > 0.0f || src[p] != src[p] ? src[p] : 0.0f;
        }
        return CAM_OK;
    }
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
    if (n > 0 && n <= CAM__MAP_FEW) {
        const float *fw[CAM__MAP_FEW];
        float *dst[CAM__MAP_FEW];
        for (j = 0; j < CAM__MAP_FEW; j++) { /* slots past n repeat the last class, never read */
            fw[j] = weights + (size_t)classes[j < n ? j : n - 1] * k;
            dst[j] = out + (size_t)(j < n ? j : n - 1) * hw;
        }
        cam__map_few_avx512(fw, n, k, features, hw, rectify == CAM_RECTIFY_POSITIVE_WEIGHTS, dst);
        few = 1; /* only the rectify below is left */
    }
#endif
    for (p0 = 0; p0 < hw && !few; p0 += CAM__MAP_PB) {
        int pn = hw - p0 < CAM__MAP_PB ? hw - p0 : CAM__MAP_PB;
        for (k0 = 0; k0 < k; k0 += CAM__MAP_KB) {
            int kc = k - k0 < CAM__MAP_KB ? k - k0 : CAM__MAP_KB, kk;
            for (kk = 0; kk < kc; kk++) {
                const float *f = features + (size_t)(k0 + kk) * hw + p0;
                float *d = panel + (size_t)kk * CAM__MAP_PB;
                for (p = 0; p < pn; p++)
                    d[p] = f[p];
                for (; p < CAM__MAP_PB; p++)
                    d[p] = 0.0f;
            }
            for (c0 = 0; c0 < n; c0 += CAM__MAP_CB) {
                int cn = n - c0 < CAM__MAP_CB ? n - c0 : CAM__MAP_CB;
                for (j = 0; j < CAM__MAP_CB; j++)
                    wr[j] = weights + (size_t)classes[c0 + (j < cn ? j : cn - 1)] * k + k0;
                if (k0 > 0) /* partial sums of the previous panels */
                    for (j = 0; j < cn; j++)
                        memcpy(acc[j], out + (size_t)(c0 + j) * hw + p0, sizeof(float) * pn);
                if (pn <= 8)
                    cam__map_block8(wr, kc, panel, acc, k0 == 0, rectify == CAM_RECTIFY_POSITIVE_WEIGHTS);
                else
                    cam__map_block(wr, kc, panel, acc, k0 == 0, rectify == CAM_RECTIFY_POSITIVE_WEIGHTS);
                for (j = 0; j < cn; j++)
                    memcpy(out + (size_t)(c0 + j) * hw + p0, acc[j], sizeof(float) * pn);
            }
        }
    }
    if (rectify == CAM_RECTIFY_RELU)
        for (p = 0; p < n; p++) {
            float *o = out + (size_t)p * hw;
            for (i = 0; i < hw; i++)
                if (!(o[i] > 0.0f) && o[i] == o[i])
                    o[i] = 0.0f;
        }
    return CAM_OK;
}

/* Maps of the consecutive classes [c_lo, c_lo + n) from the weights packed by
   cam__mapc_pack (wp), computed for class blocks [b0, b1) and pixels
   [p_lo, p_hi) (p_lo a multiple of CAM__MAPC_PX; any such split gives the
   same values): pixel groups of up to CAM__MAPC_GROUP tiles, k in chunks of
   CAM__MAPC_KC (a chunk of weights and of features stays in L1 while the
   group's tiles pass over it), then the group is transposed into out's
   class-major rows. relu: rectify after. */
#ifndef CAM__MAPC_KC
#define CAM__MAPC_KC 128
#endif
#define CAM__MAPC_GROUP ((56 + CAM__MAPC_PX - 1) / CAM__MAPC_PX)

#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
/* 16 pixels x 16 classes of the product's pixel-major buffer (src, rows of
   sstride floats) into class rows: row i goes to base + (r0 + i) * hw when
   bit i of valid is set. Four rounds of shuffles (64 in all) instead of 256
   scalar moves: the scalar copy took ~6% of the all-class product. relu as
   the scalar copy does it (NaN kept, v <= 0 -> +0). The transpose is
   cam__tr16_avx512's, written out with named registers: through that
   helper's arrays GCC 12 kept the rows on the stack here (34 zmm stack
   moves; the 1-thread all-class product 0.1945 -> 0.1987 ms). */
static void cam__mapc_t16_store(const float *src, size_t sstride, float *base, int r0, int hw, unsigned valid,
                                int relu)
{
    __m512 a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15;
    __m512 b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15;
#define CAM__T16_LD(i) a##i = _mm512_loadu_ps(src + (size_t)(i) * sstride)
    CAM__T16_LD(0); CAM__T16_LD(1); CAM__T16_LD(2); CAM__T16_LD(3);
    CAM__T16_LD(4); CAM__T16_LD(5); CAM__T16_LD(6); CAM__T16_LD(7);
    CAM__T16_LD(8); CAM__T16_LD(9); CAM__T16_LD(10); CAM__T16_LD(11);
    CAM__T16_LD(12); CAM__T16_LD(13); CAM__T16_LD(14); CAM__T16_LD(15);
#undef CAM__T16_LD
    /* pairs of rows interleaved by element, then by element pair */
    b0 = _mm512_unpacklo_ps(a0, a1), b1 = _mm512_unpackhi_ps(a0, a1);
    b2 = _mm512_unpacklo_ps(a2, a3), b3 = _mm512_unpackhi_ps(a2, a3);
    b4 = _mm512_unpacklo_ps(a4, a5), b5 = _mm512_unpackhi_ps(a4, a5);
    b6 = _mm512_unpacklo_ps(a6, a7), b7 = _mm512_unpackhi_ps(a6, a7);
    b8 = _mm512_unpacklo_ps(a8, a9), b9 = _mm512_unpackhi_ps(a8, a9);
    b10 = _mm512_unpacklo_ps(a10, a11), b11 = _mm512_unpackhi_ps(a10, a11);
    b12 = _mm512_unpacklo_ps(a12, a13), b13 = _mm512_unpackhi_ps(a12, a13);
    b14 = _mm512_unpacklo_ps(a14, a15), b15 = _mm512_unpackhi_ps(a14, a15);
    a0 = _mm512_shuffle_ps(b0, b2, 0x44), a1 = _mm512_shuffle_ps(b0, b2, 0xEE);
    a2 = _mm512_shuffle_ps(b1, b3, 0x44), a3 = _mm512_shuffle_ps(b1, b3, 0xEE);
    a4 = _mm512_shuffle_ps(b4, b6, 0x44), a5 = _mm512_shuffle_ps(b4, b6, 0xEE);
    a6 = _mm512_shuffle_ps(b5, b7, 0x44), a7 = _mm512_shuffle_ps(b5, b7, 0xEE);
    a8 = _mm512_shuffle_ps(b8, b10, 0x44), a9 = _mm512_shuffle_ps(b8, b10, 0xEE);
    a10 = _mm512_shuffle_ps(b9, b11, 0x44), a11 = _mm512_shuffle_ps(b9, b11, 0xEE);
    a12 = _mm512_shuffle_ps(b12, b14, 0x44), a13 = _mm512_shuffle_ps(b12, b14, 0xEE);
    a14 = _mm512_shuffle_ps(b13, b15, 0x44), a15 = _mm512_shuffle_ps(b13, b15, 0xEE);
    /* then 128-bit lanes: 4 rows x 4 classes blocks into place */
    b0 = _mm512_shuffle_f32x4(a0, a4, 0x88), b1 = _mm512_shuffle_f32x4(a1, a5, 0x88);
    b2 = _mm512_shuffle_f32x4(a2, a6, 0x88), b3 = _mm512_shuffle_f32x4(a3, a7, 0x88);
    b4 = _mm512_shuffle_f32x4(a0, a4, 0xDD), b5 = _mm512_shuffle_f32x4(a1, a5, 0xDD);
    b6 = _mm512_shuffle_f32x4(a2, a6, 0xDD), b7 = _mm512_shuffle_f32x4(a3, a7, 0xDD);
    b8 = _mm512_shuffle_f32x4(a8, a12, 0x88), b9 = _mm512_shuffle_f32x4(a9, a13, 0x88);
    b10 = _mm512_shuffle_f32x4(a10, a14, 0x88), b11 = _mm512_shuffle_f32x4(a11, a15, 0x88);
    b12 = _mm512_shuffle_f32x4(a8, a12, 0xDD), b13 = _mm512_shuffle_f32x4(a9, a13, 0xDD);
    b14 = _mm512_shuffle_f32x4(a10, a14, 0xDD), b15 = _mm512_shuffle_f32x4(a11, a15, 0xDD);
    a0 = _mm512_shuffle_f32x4(b0, b8, 0x88), a1 = _mm512_shuffle_f32x4(b1, b9, 0x88);
    a2 = _mm512_shuffle_f32x4(b2, b10, 0x88), a3 = _mm512_shuffle_f32x4(b3, b11, 0x88);
    a4 = _mm512_shuffle_f32x4(b4, b12, 0x88), a5 = _mm512_shuffle_f32x4(b5, b13, 0x88);
    a6 = _mm512_shuffle_f32x4(b6, b14, 0x88), a7 = _mm512_shuffle_f32x4(b7, b15, 0x88);
    a8 = _mm512_shuffle_f32x4(b0, b8, 0xDD), a9 = _mm512_shuffle_f32x4(b1, b9, 0xDD);
    a10 = _mm512_shuffle_f32x4(b2, b10, 0xDD), a11 = _mm512_shuffle_f32x4(b3, b11, 0xDD);
    a12 = _mm512_shuffle_f32x4(b4, b12, 0xDD), a13 = _mm512_shuffle_f32x4(b5, b13, 0xDD);
    a14 = _mm512_shuffle_f32x4(b6, b14, 0xDD), a15 = _mm512_shuffle_f32x4(b7, b15, 0xDD);
#define CAM__T16_ST(i)                                                                            \
    if (valid & (1u << (i))) {                                                                    \
        __m512 v_ = a##i;                                                                         \
        if (relu) /* not (v <= 0): true for v > 0 and for NaN */                                  \
            v_ = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v_, _mm512_setzero_ps(), _CMP_NLE_UQ), v_); \
        _mm512_storeu_ps(base + (size_t)(r0 + (i)) * hw, v_);                                     \
    }
    CAM__T16_ST(0) CAM__T16_ST(1) CAM__T16_ST(2) CAM__T16_ST(3)
    CAM__T16_ST(4) CAM__T16_ST(5) CAM__T16_ST(6) CAM__T16_ST(7)
    CAM__T16_ST(8) CAM__T16_ST(9) CAM__T16_ST(10) CAM__T16_ST(11)
    CAM__T16_ST(12) CAM__T16_ST(13) CAM__T16_ST(14) CAM__T16_ST(15)
#undef CAM__T16_ST
}
#endif

static void cam__map_packed(const float *wp, int k, const float *f, int hw, int c_lo, int n, int b0, int b1, int p_lo,
                            int p_hi, int relu, float *out)
{
    float buf[CAM__MAPC_GROUP * CAM__MAPC_PX * CAM__MAPC_CB];
    int b, g0, k0, t, c, p, pv = 0;
    for (b = b0; b < b1; b++) {
        const float *wb = wp + (size_t)b * k * CAM__MAPC_CB;
        int lo = b * CAM__MAPC_CB, hi = lo + CAM__MAPC_CB;
        if (lo < c_lo) lo = c_lo;
        if (hi > c_lo + n) hi = c_lo + n;
        for (g0 = p_lo; g0 < p_hi; g0 += CAM__MAPC_GROUP * CAM__MAPC_PX) {
            int gn = p_hi - g0 < CAM__MAPC_GROUP * CAM__MAPC_PX ? p_hi - g0 : CAM__MAPC_GROUP * CAM__MAPC_PX;
            for (k0 = 0; k0 < k; k0 += CAM__MAPC_KC) {
                int kc = k - k0 < CAM__MAPC_KC ? k - k0 : CAM__MAPC_KC;
                /* the next chunk of weights (this block's or the next
                   one's), one line per k step of the first tiles: the
                   packed copy is cold after a forward pass */
                const float *next = wb + (size_t)(k0 + kc) * CAM__MAPC_CB;
                size_t left = (size_t)(b1 - b) * k * CAM__MAPC_CB - (size_t)(k0 + kc) * CAM__MAPC_CB;
                for (t = 0; t * CAM__MAPC_PX < gn; t++) {
                    int np = gn - t * CAM__MAPC_PX < CAM__MAPC_PX ? gn - t * CAM__MAPC_PX : CAM__MAPC_PX;
                    size_t at = (size_t)t * kc * 16;
                    cam__mapc_tile(wb + (size_t)k0 * CAM__MAPC_CB, kc, f + (size_t)k0 * hw + g0 + t * CAM__MAPC_PX,
                                   hw, np, buf + (size_t)t * CAM__MAPC_PX * CAM__MAPC_CB, k0 == 0,
                                   g0 == p_lo && at + (size_t)kc * 16 <= left ? next + at : NULL);
                }
            }
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
            /* whole 16-pixel runs through 16 x 16 transposes, the rest below */
            pv = CAM__MAPC_CB % 16 == 0 ? gn / 16 * 16 : 0;
            for (p = 0; p < pv; p += 16) {
                int j, i;
                for (j = 0; j < CAM__MAPC_CB; j += 16) {
                    int c0 = b * CAM__MAPC_CB + j;
                    unsigned valid = 0;
                    for (i = 0; i < 16; i++)
                        if (c0 + i >= lo && c0 + i < hi)
                            valid |= 1u << i;
                    if (valid)
                        cam__mapc_t16_store(buf + (size_t)p * CAM__MAPC_CB + j, CAM__MAPC_CB, out + g0 + p, c0 - c_lo,
                                            hw, valid, relu);
                }
            }
#endif
            for (c = lo; c < hi; c++) {
                const float *src = buf + (c - b * CAM__MAPC_CB);
                float *o = out + (size_t)(c - c_lo) * hw + g0;
                if (relu)
                    for (p = pv; p < gn; p++) {
                        float v = src[(size_t)p * CAM__MAPC_CB];
                        o[p] = v > 0.0f || v != v ? v : 0.0f;
                    }
                else
                    for (p = pv; p < gn; p++)
                        o[p] = src[(size_t)p * CAM__MAPC_CB];
            }
        }
    }
}

/* Resampling taps for one output position. Source position s (in source pixel
   index units, centres at integers) = (d + 0.5) * scale + offset - 0.5. Taps
   outside the source are clamped to the border (replication). */
typedef struct cam__vis_taps {
    int idx[4];
    float w[4];
} cam__vis_taps;

static float cam__vis_cubic(float x, float a)
{
    x = fabsf(x);
    if (x <= 1.0f)
        return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
    if (x < 2.0f)
        return ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a;
    return 0.0f;
}

static int cam__vis_clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int cam__vis_taps_at(double s, int n, cam_interp interp, cam__vis_taps *t)
{
    double fl = floor(s);
    int i0, j;
    float f;
    if (fl < -4.0) fl = -4.0; /* far outside: all taps clamp to the edge anyway */
    if (fl > n + 4.0) fl = n + 4.0;
    i0 = (int)fl;
    f = (float)(s - fl);
    if (interp == CAM_INTERP_NEAREST) {
        t->idx[0] = cam__vis_clampi(f >= 0.5f ? i0 + 1 : i0, 0, n - 1);
        t->w[0] = 1.0f;
        return 1;
    }
    if (interp == CAM_INTERP_BICUBIC) {
        for (j = 0; j < 4; j++) {
            t->idx[j] = cam__vis_clampi(i0 - 1 + j, 0, n - 1);
            t->w[j] = cam__vis_cubic(f + 1.0f - (float)j, -0.75f);
        }
        return 4;
    }
    t->idx[0] = cam__vis_clampi(i0, 0, n - 1);
    t->idx[1] = cam__vis_clampi(i0 + 1, 0, n - 1);
    t->w[0] = 1.0f - f;
    t->w[1] = f;
    return 2;
}

/* Separable resampling without heap memory: columns go in chunks; within a
   chunk each source row needed is interpolated horizontally once into a
   5-slot ring (slot = row % 5 keeps the up to 4 consecutive rows of a bicubic
   output row apart), and each output row is a weighted sum of cached rows.
   range (may be NULL): when the call can, it sets range[0..1] to the min and
   max of the output, taken as it is written, and returns 1; else 0. It can
   when the source values are finite and below 1e36 in magnitude: with tap
   weights of at most ~1.2 in magnitude every output is then finite (no
   overflow, no NaN), so the min and max are what cam_map_range gives,
   without reading the map again. */
static int cam__vis_resample_map(const float *src, int sw, int sh, float *dst, int dw, int dh, double sx, double ox,
                                 double sy, double oy, cam_interp interp, float *range)
{
    enum { CHUNK = 256, SLOTS = 5 };
    cam__vis_taps xt[CHUNK];
    float ring[SLOTS][CHUNK];
    int slot_row[SLOTS];
    int x0, x, y, i, j, ranged = range != NULL;
    float lo = HUGE_VALF, hi = -HUGE_VALF;
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
    /* Two taps across a source row of at most 16 values: the row sits in one
       zmm and each lane takes its two values with a permute; the same
       operations in the same order as the scalar loop, so the same values. */
    const int vec_h = sw <= 16;
    int32_t i0s[CHUNK], i1s[CHUNK];
    float w0s[CHUNK], w1s[CHUNK];
    __m512 vlo = _mm512_set1_ps(HUGE_VALF), vhi = _mm512_set1_ps(-HUGE_VALF);
#elif defined(CAM__VIS_AVX2)
    ranged = 0; /* the 8-lane loops keep no range: cam_map_range's pass is faster than a scalar one */
#endif
    for (i = 0; ranged && i < sw * sh; i++)
        if (!(fabsf(src[i]) <= 1e36f)) /* NaN fails too */
            ranged = 0;
    for (x0 = 0; x0 < dw; x0 += CHUNK) {
        int xn = dw - x0 < CHUNK ? dw - x0 : CHUNK, nt = 0;
        for (x = 0; x < xn; x++)
            nt = cam__vis_taps_at((x0 + x + 0.5) * sx + ox - 0.5, sw, interp, &xt[x]);
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
        if (nt == 2 && vec_h)
            for (x = 0; x < xn; x++) {
                i0s[x] = xt[x].idx[0], i1s[x] = xt[x].idx[1];
                w0s[x] = xt[x].w[0], w1s[x] = xt[x].w[1];
            }
#endif
        for (i = 0; i < SLOTS; i++)
            slot_row[i] = -1;
        for (y = 0; y < dh; y++) {
            cam__vis_taps yt;
            int nty = cam__vis_taps_at((y + 0.5) * sy + oy - 0.5, sh, interp, &yt);
            const float *rows[4];
            float *d = dst + (size_t)y * dw + x0;
            for (i = 0; i < nty; i++) {
                int r = yt.idx[i], sl = r % SLOTS;
                if (slot_row[sl] != r) {
                    const float *sr = src + (size_t)r * sw;
                    float *o = ring[sl];
                    if (nt == 2) { /* the loop below for two taps, written out */
                        x = 0;
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
                        if (vec_h) {
                            const __m512 row = _mm512_maskz_loadu_ps((__mmask16)((1u << sw) - 1u), sr);
                            const __m512 zero = _mm512_setzero_ps();
                            for (; x + 16 <= xn; x += 16) {
                                __m512 a = _mm512_permutexvar_ps(_mm512_loadu_si512(i0s + x), row);
                                __m512 b = _mm512_permutexvar_ps(_mm512_loadu_si512(i1s + x), row);
                                a = _mm512_add_ps(zero, _mm512_mul_ps(a, _mm512_loadu_ps(w0s + x)));
                                _mm512_storeu_ps(o + x, _mm512_add_ps(a, _mm512_mul_ps(b, _mm512_loadu_ps(w1s + x))));
                            }
                        }
#endif
                        for (; x < xn; x++)
                            o[x] = (0.0f + sr[xt[x].idx[0]] * xt[x].w[0]) + sr[xt[x].idx[1]] * xt[x].w[1];
                    } else {
                        for (x = 0; x < xn; x++) {
                            const cam__vis_taps *t = &xt[x];
                            float v = 0.0f;
                            for (j = 0; j < nt; j++)
                                v += sr[t->idx[j]] * t->w[j];
                            o[x] = v;
                        }
                    }
                    slot_row[sl] = r;
                }
                rows[i] = ring[sl];
            }
            x = 0;
#ifdef CAM__VIS_AVX2
            /* the tap count is fixed per call: one loop each, no inner loop */
            if (nty == 2) {
                const __m256 w0 = _mm256_set1_ps(yt.w[0]), w1 = _mm256_set1_ps(yt.w[1]);
#if defined(__AVX512F__) && !defined(CAM_NO_SIMD)
                const __m512 v0 = _mm512_set1_ps(yt.w[0]), v1 = _mm512_set1_ps(yt.w[1]);
                if (ranged) /* the range in registers as the row is written */
                    for (; x + 16 <= xn; x += 16) {
                        __m512 v = _mm512_fmadd_ps(v1, _mm512_loadu_ps(rows[1] + x),
                                                   _mm512_mul_ps(v0, _mm512_loadu_ps(rows[0] + x)));
                        _mm512_storeu_ps(d + x, v);
                        vlo = _mm512_min_ps(v, vlo);
                        vhi = _mm512_max_ps(v, vhi);
                    }
                else
                    for (; x + 16 <= xn; x += 16)
                        _mm512_storeu_ps(d + x, _mm512_fmadd_ps(v1, _mm512_loadu_ps(rows[1] + x),
                                                                _mm512_mul_ps(v0, _mm512_loadu_ps(rows[0] + x))));
#endif
                for (; x + 8 <= xn; x += 8)
                    _mm256_storeu_ps(d + x, _mm256_fmadd_ps(w1, _mm256_loadu_ps(rows[1] + x),
                                                            _mm256_mul_ps(w0, _mm256_loadu_ps(rows[0] + x))));
            } else {
                for (; x + 8 <= xn; x += 8) {
                    __m256 acc = _mm256_mul_ps(_mm256_set1_ps(yt.w[0]), _mm256_loadu_ps(rows[0] + x));
                    for (i = 1; i < nty; i++)
                        acc = _mm256_fmadd_ps(_mm256_set1_ps(yt.w[i]), _mm256_loadu_ps(rows[i] + x), acc);
                    _mm256_storeu_ps(d + x, acc);
                }
            }
#endif
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
            /* what the 16-lane loop did not see, from the row as written */
            if (ranged)
                for (i = nty == 2 ? xn / 16 * 16 : 0; i < x; i++) {
                    lo = d[i] < lo ? d[i] : lo;
                    hi = d[i] > hi ? d[i] : hi;
                }
#endif
            for (; x < xn; x++) {
                float v = yt.w[0] * rows[0][x];
                for (i = 1; i < nty; i++)
                    v += yt.w[i] * rows[i][x];
                d[x] = v;
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
    }
    if (!ranged)
        return 0;
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__)
    {
        float l16[16], h16[16];
        _mm512_storeu_ps(l16, vlo);
        _mm512_storeu_ps(h16, vhi);
        for (i = 0; i < 16; i++) {
            lo = l16[i] < lo ? l16[i] : lo;
            hi = h16[i] > hi ? h16[i] : hi;
        }
    }
#endif
    if (!(lo - lo == 0.0f && hi - hi == 0.0f))
        return 0; /* cannot happen (see above); cam_map_range would sort it out */
    range[0] = lo;
    range[1] = hi;
    return 1;
}

static int cam__vis_interp_ok(cam_interp interp)
{
    return (int)interp >= 0 && (int)interp <= (int)CAM_INTERP_NEAREST;
}

/* cam_map_resize and cam_map_resize_to_image, checks done; range as
   cam__vis_resample_map's. */
static int cam__vis_resize(const float *src, int src_w, int src_h, float *dst, int dst_w, int dst_h, cam_interp interp,
                           float *range)
{
    return cam__vis_resample_map(src, src_w, src_h, dst, dst_w, dst_h, (double)src_w / dst_w, 0.0,
                                 (double)src_h / dst_h, 0.0, interp, range);
}

static int cam__vis_resize_to_image(const float *src, int src_w, int src_h, const cam_transform *tf, float *dst,
                                    cam_interp interp, float *range)
{
    /* image x -> input u = (x - offset) / scale -> map m = u * src_w / input_w */
    double ax = (double)src_w / (tf->input_width * tf->scale_x);
    double ay = (double)src_h / (tf->input_height * tf->scale_y);
    return cam__vis_resample_map(src, src_w, src_h, dst, tf->image_width, tf->image_height, ax, -tf->offset_x * ax,
                                 ay, -tf->offset_y * ay, interp, range);
}

CAM_API cam_result cam_map_resize(const float *src, int src_w, int src_h, float *dst, int dst_w, int dst_h,
                                  cam_interp interp)
{
    if (!src || !dst || src_w <= 0 || src_h <= 0 || dst_w <= 0 || dst_h <= 0 || !cam__vis_interp_ok(interp))
        return CAM_ERR_INVALID_ARG;
    cam__vis_resize(src, src_w, src_h, dst, dst_w, dst_h, interp, NULL);
    return CAM_OK;
}

static int cam__vis_transform_ok(const cam_transform *tf)
{
    return tf && tf->image_width > 0 && tf->image_height > 0 && tf->input_width > 0 && tf->input_height > 0 &&
           tf->scale_x > 0.0 && tf->scale_y > 0.0 && tf->image_width <= CAM_MAX_IMAGE_DIM &&
           tf->image_height <= CAM_MAX_IMAGE_DIM;
}

CAM_API cam_result cam_map_resize_to_image(const float *src, int src_w, int src_h, const cam_transform *tf,
                                           float *dst, cam_interp interp)
{
    if (!src || !dst || src_w <= 0 || src_h <= 0 || !cam__vis_transform_ok(tf) || !cam__vis_interp_ok(interp))
        return CAM_ERR_INVALID_ARG;
    cam__vis_resize_to_image(src, src_w, src_h, tf, dst, interp, NULL);
    return CAM_OK;
}

CAM_API size_t cam_map_range(const float *map, size_t n, float *mn, float *mx)
{
    float lo = FLT_MAX, hi = -FLT_MAX;
    size_t i = 0, cnt = 0;
#ifdef CAM__VIS_AVX2
    if (n >= 32) {
        /* Fast path for maps without NaN or inf (the usual case): four
           independent min/max pairs and a NaN flag; max_ps / min_ps return
           their second operand when the first is NaN, so NaN never enters.
           Any NaN or infinite value: start over on the exact loop below. */
        float l16[16], h16[16];
        int k, clean;
#if defined(__AVX512F__) && !defined(CAM_NO_SIMD)
        /* the same on 16 lanes, 64 values a step (a 224 x 224 map: 1.7 ->
           0.9 us) */
        __m512 l0 = _mm512_set1_ps(HUGE_VALF), l1 = l0, l2 = l0, l3 = l0;
        __m512 h0 = _mm512_set1_ps(-HUGE_VALF), h1 = h0, h2 = h0, h3 = h0;
        __mmask16 nan = 0;
        for (; i + 64 <= n; i += 64) {
            __m512 v0 = _mm512_loadu_ps(map + i), v1 = _mm512_loadu_ps(map + i + 16);
            __m512 v2 = _mm512_loadu_ps(map + i + 32), v3 = _mm512_loadu_ps(map + i + 48);
            l0 = _mm512_min_ps(v0, l0), h0 = _mm512_max_ps(v0, h0);
            l1 = _mm512_min_ps(v1, l1), h1 = _mm512_max_ps(v1, h1);
            l2 = _mm512_min_ps(v2, l2), h2 = _mm512_max_ps(v2, h2);
            l3 = _mm512_min_ps(v3, l3), h3 = _mm512_max_ps(v3, h3);
            nan |= (__mmask16)(_mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(v2, v3, _CMP_UNORD_Q));
        }
        _mm512_storeu_ps(l16, _mm512_min_ps(_mm512_min_ps(l0, l1), _mm512_min_ps(l2, l3)));
        _mm512_storeu_ps(h16, _mm512_max_ps(_mm512_max_ps(h0, h1), _mm512_max_ps(h2, h3)));
        clean = !nan;
        for (k = 0; k < 16; k++) {
#else
        __m256 l0 = _mm256_set1_ps(HUGE_VALF), l1 = l0, l2 = l0, l3 = l0;
        __m256 h0 = _mm256_set1_ps(-HUGE_VALF), h1 = h0, h2 = h0, h3 = h0, nan = _mm256_setzero_ps();
        for (; i + 32 <= n; i += 32) {
            __m256 v0 = _mm256_loadu_ps(map + i), v1 = _mm256_loadu_ps(map + i + 8);
            __m256 v2 = _mm256_loadu_ps(map + i + 16), v3 = _mm256_loadu_ps(map + i + 24);
            l0 = _mm256_min_ps(v0, l0), h0 = _mm256_max_ps(v0, h0);
            l1 = _mm256_min_ps(v1, l1), h1 = _mm256_max_ps(v1, h1);
            l2 = _mm256_min_ps(v2, l2), h2 = _mm256_max_ps(v2, h2);
            l3 = _mm256_min_ps(v3, l3), h3 = _mm256_max_ps(v3, h3);
            nan = _mm256_or_ps(nan, _mm256_or_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q),
                                                 _mm256_cmp_ps(v2, v3, _CMP_UNORD_Q)));
        }
        _mm256_storeu_ps(l16, _mm256_min_ps(_mm256_min_ps(l0, l1), _mm256_min_ps(l2, l3)));
        _mm256_storeu_ps(h16, _mm256_max_ps(_mm256_max_ps(h0, h1), _mm256_max_ps(h2, h3)));
        clean = !_mm256_movemask_ps(nan);
        for (k = 0; k < 8; k++) {
#endif
            lo = l16[k] < lo ? l16[k] : lo;
            hi = h16[k] > hi ? h16[k] : hi;
        }
        for (; i < n; i++) {
            float v = map[i];
            if (v != v)
                break;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (i == n && clean && lo - lo == 0.0f && hi - hi == 0.0f) {
            if (mn) *mn = lo;
            if (mx) *mx = hi;
            return n;
        }
        lo = FLT_MAX, hi = -FLT_MAX, i = 0;
    }
    if (n >= 8) {
        const __m256 zero = _mm256_setzero_ps(), big = _mm256_set1_ps(FLT_MAX), small = _mm256_set1_ps(-FLT_MAX);
        __m256 vlo = big, vhi = small;
        float l8[8], h8[8];
        int k;
        for (; i + 8 <= n; i += 8) {
            __m256 v = _mm256_loadu_ps(map + i);
            /* finite: v - v == 0 (NaN and inf give NaN, which compares false) */
            __m256 fin = _mm256_cmp_ps(_mm256_sub_ps(v, v), zero, _CMP_EQ_OQ);
            vlo = _mm256_min_ps(vlo, _mm256_blendv_ps(big, v, fin));
            vhi = _mm256_max_ps(vhi, _mm256_blendv_ps(small, v, fin));
            cnt += (size_t)__builtin_popcount((unsigned)_mm256_movemask_ps(fin));
        }
        _mm256_storeu_ps(l8, vlo);
        _mm256_storeu_ps(h8, vhi);
        for (k = 0; k < 8; k++) {
            lo = l8[k] < lo ? l8[k] : lo;
            hi = h8[k] > hi ? h8[k] : hi;
        }
    }
#endif
    for (; i < n; i++) {
        float v = map[i];
        if (v - v == 0.0f) { /* finite: NaN and inf fail */
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            cnt++;
        }
    }
    if (!cnt)
        lo = hi = 0.0f;
    if (mn) *mn = lo;
    if (mx) *mx = hi;
    return cnt;
}

CAM_API void cam_map_normalize(float *map, size_t n, cam_normalize mode)
{
    float lo, hi;
    size_t i;
    if (!map || mode == CAM_NORMALIZE_NONE || !cam_map_range(map, n, &lo, &hi))
        return;
    if (mode == CAM_NORMALIZE_MAX) {
        if (hi > 0.0f) {
            float s = 1.0f / hi;
            for (i = 0; i < n; i++)
                map[i] *= s;
        }
    } else if (mode == CAM_NORMALIZE_MINMAX) {
        float s = hi > lo ? 1.0f / (hi - lo) : 0.0f;
        for (i = 0; i < n; i++)
            if (map[i] == map[i])
                map[i] = (map[i] - lo) * s;
    }
}

static float cam__vis_score_key(float v)
{
    return v == v ? v : -HUGE_VALF; /* NaN ranks with -inf, after every number */
}

CAM_API int cam_scores_topk(const float *scores, int n, int k, int *idx, float *val)
{
    int i, j, m = 0;
    if (!scores || !idx || n <= 0 || k <= 0)
        return 0;
    if (k > n)
        k = n;
    /* Insertion into a sorted prefix: k is small (5) next to n (1000). A later
       index moves up only when strictly better, so ties keep the lower index. */
    for (i = 0; i < n; i++) {
        float v = cam__vis_score_key(scores[i]);
        if (m == k && !(v > cam__vis_score_key(scores[idx[k - 1]])))
            continue;
        j = m < k ? m : k - 1;
        while (j > 0 && v > cam__vis_score_key(scores[idx[j - 1]])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
        if (m < k)
            m++;
    }
    if (val)
        for (i = 0; i < m; i++)
            val[i] = scores[idx[i]];
    return m;
}

CAM_API void cam_scores_softmax(const float *x, int n, float *out)
{
    double mx = -HUGE_VAL, s = 0.0;
    int i;
    for (i = 0; i < n; i++)
        if (x[i] > mx)
            mx = x[i];
    for (i = 0; i < n; i++) {
        double e = exp((double)x[i] - mx);
        out[i] = (float)e;
        s += e;
    }
    for (i = 0; i < n; i++)
        out[i] = s > 0.0 ? (float)(out[i] / s) : 0.0f;
}

/* >>boxes */
/* Two-pass union-find over runs: pass one cuts each row into runs of kept
   pixels and unions each run with the runs of the row above it touches
   (overlap for 4-connectivity, overlap or diagonal contact for 8); the union
   keeps the smaller run index as root, so a root is the first run of its
   component in raster order. Pass two numbers the roots in run order and
   folds every run into its component's box, pixel count and sum. */
typedef struct cam__box_run {
    int x0, x1, y, parent;
    double sum; /* of the run's map values */
} cam__box_run;

typedef struct cam__box_comp {
    int x0, y0, x1, y1;
    int64_t pixels;
    double sum;
    int order;
} cam__box_comp;

static int64_t cam__box_max_runs(int w, int h)
{
    return (int64_t)h * ((w + 1) / 2);
}

CAM_API size_t cam_map_boxes_scratch_size(int w, int h)
{
    if (w <= 0 || h <= 0 || w > CAM_MAX_IMAGE_DIM || h > CAM_MAX_IMAGE_DIM)
        return 0;
    /* runs, components, one row of bits, run labels: each part stays 8-byte aligned */
    return (size_t)cam__box_max_runs(w, h) * (sizeof(cam__box_run) + sizeof(cam__box_comp) + sizeof(int)) +
           sizeof(uint64_t) * (size_t)((w + 63) / 64);
}

static int cam__box_find(cam__box_run *r, int i)
{
    while (r[i].parent != i) {
        r[i].parent = r[r[i].parent].parent;
        i = r[i].parent;
    }
    return i;
}

static void cam__box_union(cam__box_run *r, int a, int b)
{
    a = cam__box_find(r, a);
    b = cam__box_find(r, b);
    if (a < b)
        r[b].parent = a;
    else if (b < a)
        r[a].parent = b;
}

static int cam__box_cmp(const void *pa, const void *pb)
{
    const cam__box_comp *a = (const cam__box_comp *)pa, *b = (const cam__box_comp *)pb;
    if (a->pixels != b->pixels)
        return a->pixels > b->pixels ? -1 : 1;
    if (a->sum != b->sum)
        return a->sum > b->sum ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Smallest float f with (f >= t) == (v >= t in double) for all float v, or for
   strict the largest float f with (v > f) == (v > t). */
static float cam__box_threshold(double t, int strict)
{
    float f;
    if (t > FLT_MAX)
        return strict ? FLT_MAX : HUGE_VALF;
    if (t < -FLT_MAX)
        return strict ? -HUGE_VALF : -FLT_MAX;
    f = (float)t;
    if (!strict && (double)f < t)
        f = nextafterf(f, HUGE_VALF);
    if (strict && (double)f > t)
        f = nextafterf(f, -HUGE_VALF);
    return f;
}

/* Sum of row[x0..x1] in double while the row is in L1. In the default mode
   kept values lie within a factor 5 of the max, so double sums of up to 2^25
   of them are exact and the order of the additions does not matter there
   (elsewhere it moves the last bits at most); several chains keep the adds
   busy. */
static double cam__box_run_sum(const float *row, int x0, int x1)
{
    double s = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int x = x0;
#if defined(__AVX512F__) && !defined(CAM_NO_SIMD)
    /* 32 at a time, then the AVX2 loop takes what is left of >= 16 */
    if (x1 - x + 1 >= 32) {
        __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
        double l[8];
        for (; x + 31 <= x1; x += 32) {
            a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm256_loadu_ps(row + x)));
            a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_loadu_ps(row + x + 8)));
            a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm256_loadu_ps(row + x + 16)));
            a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_loadu_ps(row + x + 24)));
        }
        _mm512_storeu_pd(l, _mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
        s = l[0] + l[4], s1 = l[1] + l[5], s2 = l[2] + l[6], s3 = l[3] + l[7];
    }
#endif
#if defined(CAM__VIS_AVX2)
    if (x1 - x + 1 >= 16) {
        __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
        double l[4];
        for (; x + 15 <= x1; x += 16) {
            a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm_loadu_ps(row + x)));
            a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm_loadu_ps(row + x + 4)));
            a2 = _mm256_add_pd(a2, _mm256_cvtps_pd(_mm_loadu_ps(row + x + 8)));
            a3 = _mm256_add_pd(a3, _mm256_cvtps_pd(_mm_loadu_ps(row + x + 12)));
        }
        _mm256_storeu_pd(l, _mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
        s += l[0], s1 += l[1], s2 += l[2], s3 += l[3];
    }
#endif
    for (; x + 3 <= x1; x += 4) {
        s += row[x];
        s1 += row[x + 1];
        s2 += row[x + 2];
        s3 += row[x + 3];
    }
    for (; x <= x1; x++)
        s += row[x];
    return s + (s1 + s2 + s3);
}
#if defined(CAM__VIS_AVX2) && defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* Row of kept pixels as bits (bit x of word x / 64); NaN compares false.
   Each word is built in a register and stored once. */
static void cam__box_row_bits(const float *row, int w, float tf, int strict, uint64_t *bits)
{
    int nw = (w + 63) / 64, i, x;
#if defined(__AVX512F__) && !defined(CAM_NO_SIMD)
    const __m512 t16 = _mm512_set1_ps(tf);
    const int pred = strict ? _CMP_GT_OQ : _CMP_GE_OQ;
#endif
#if defined(CAM__VIS_AVX2)
    const __m256 t8 = _mm256_set1_ps(tf);
#endif
    for (i = 0; i < nw; i++) {
        const float *r = row + (size_t)i * 64;
        int n = w - i * 64 < 64 ? w - i * 64 : 64;
        uint64_t word = 0;
        x = 0;
#if defined(__AVX512F__) && !defined(CAM_NO_SIMD)
        /* the predicate must be a constant: two loops */
        if (pred == _CMP_GT_OQ)
            for (; x + 16 <= n; x += 16)
                word |= (uint64_t)_mm512_cmp_ps_mask(_mm512_loadu_ps(r + x), t16, _CMP_GT_OQ) << x;
        else
            for (; x + 16 <= n; x += 16)
                word |= (uint64_t)_mm512_cmp_ps_mask(_mm512_loadu_ps(r + x), t16, _CMP_GE_OQ) << x;
#endif
#if defined(CAM__VIS_AVX2)
        if (strict)
            for (; x + 8 <= n; x += 8)
                word |= (uint64_t)(unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(r + x), t8, _CMP_GT_OQ))
                        << x;
        else
            for (; x + 8 <= n; x += 8)
                word |= (uint64_t)(unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(r + x), t8, _CMP_GE_OQ))
                        << x;
#endif
        for (; x < n; x++)
            if (strict ? r[x] > tf : r[x] >= tf)
                word |= (uint64_t)1 << x;
        bits[i] = word;
    }
}

static int cam__box_ctz(uint64_t v) /* v != 0 */
{
#if defined(__GNUC__)
    return __builtin_ctzll(v);
#else
    int n = 0;
    while (!(v & 1)) {
        v >>= 1;
        n++;
    }
    return n;
#endif
}

/* First position >= x whose bit equals set; nw * 64 when there is none. */
static int cam__box_next(const uint64_t *bits, int nw, int x, int set)
{
    int i = x >> 6;
    uint64_t word;
    if (i >= nw)
        return nw * 64;
    word = (set ? bits[i] : ~bits[i]) & (~(uint64_t)0 << (x & 63));
    while (!word) {
        if (++i >= nw)
            return nw * 64;
        word = set ? bits[i] : ~bits[i];
    }
    return i * 64 + cam__box_ctz(word);
}

/* cam_map_boxes; range: the map's min and max when the caller has them
   (every value finite), else NULL. */
static int cam__map_boxes(const float *map, int w, int h, const cam_box_desc *desc, cam_box *boxes, int max_boxes,
                          void *scratch, const float *range)
{
    uint64_t *bits;
    cam_box_desc d;
    float lo, hi, tf;
    double t;
    void *own = NULL;
    cam__box_run *runs;
    cam__box_comp *comps;
    int *label;
    int nruns = 0, ncomp = 0, prev0 = 0, prev1 = 0, x, y, i, diag;
    size_t ss;
    if (!map || w <= 0 || h <= 0 || max_boxes < 0 || (max_boxes > 0 && !boxes))
        return CAM_ERR_INVALID_ARG;
    if (w > CAM_MAX_IMAGE_DIM || h > CAM_MAX_IMAGE_DIM)
        return CAM_ERR_LIMIT;
    if (desc)
        d = *desc;
    else
        memset(&d, 0, sizeof d);
    if (d.threshold == 0.0)
        d.threshold = 0.2;
    if (d.connectivity == 0)
        d.connectivity = 8;
    if ((d.connectivity != 4 && d.connectivity != 8) || d.threshold != d.threshold ||
        ((int)d.mode != CAM_THRESHOLD_MAX && (int)d.mode != CAM_THRESHOLD_RANGE))
        return CAM_ERR_INVALID_ARG;
    if (range)
        lo = range[0], hi = range[1];
    else if (!cam_map_range(map, (size_t)w * h, &lo, &hi))
        return 0;
    if (d.mode == CAM_THRESHOLD_MAX) {
        if (!(hi > 0.0f))
            return 0;
        t = d.threshold * hi;
    } else {
        t = (double)lo + d.threshold * ((double)hi - lo);
    }
    tf = cam__box_threshold(t, d.strict);
    ss = cam_map_boxes_scratch_size(w, h);
    if (!scratch) {
        own = scratch = malloc(ss);
        if (!own)
            return CAM_ERR_NOMEM;
    }
    runs = (cam__box_run *)scratch;
    comps = (cam__box_comp *)(runs + cam__box_max_runs(w, h));
    bits = (uint64_t *)(comps + cam__box_max_runs(w, h));
    label = (int *)(bits + (w + 63) / 64);
    diag = d.connectivity == 8 ? 1 : 0;
    for (y = 0; y < h; y++) {
        int row0 = nruns, p = prev0, nw = (w + 63) / 64;
        cam__box_row_bits(map + (size_t)y * w, w, tf, d.strict, bits);
        x = 0;
        while (x < w) {
            int a = cam__box_next(bits, nw, x, 1);
            if (a >= w)
                break;
            x = cam__box_next(bits, nw, a, 0);
            if (x > w)
                x = w;
            runs[nruns].x0 = a;
            runs[nruns].x1 = x - 1;
            runs[nruns].y = y;
            runs[nruns].parent = nruns;
            runs[nruns].sum = cam__box_run_sum(map + (size_t)y * w, a, x - 1);
            /* previous-row runs are sorted: skip those ending left of contact */
            while (p < prev1 && runs[p].x1 < a - diag)
                p++;
            for (i = p; i < prev1 && runs[i].x0 <= x - 1 + diag; i++)
                cam__box_union(runs, i, nruns);
            nruns++;
        }
        prev0 = row0;
        prev1 = nruns;
    }
    for (i = 0; i < nruns; i++) {
        int r = cam__box_find(runs, i), c;
        if (r == i) {
            c = ncomp++;
            label[i] = c;
            comps[c].x0 = runs[i].x0;
            comps[c].x1 = runs[i].x1;
            comps[c].y0 = comps[c].y1 = runs[i].y;
            comps[c].pixels = 0;
            comps[c].sum = 0.0;
            comps[c].order = c;
        } else {
            c = label[i] = label[r];
            if (runs[i].x0 < comps[c].x0) comps[c].x0 = runs[i].x0;
            if (runs[i].x1 > comps[c].x1) comps[c].x1 = runs[i].x1;
            comps[c].y1 = runs[i].y; /* runs come in row order */
        }
        comps[c].pixels += runs[i].x1 - runs[i].x0 + 1;
        comps[c].sum += runs[i].sum;
    }
    if (max_boxes == 1 && ncomp > 1) {
        int best = 0;
        for (i = 1; i < ncomp; i++)
            if (cam__box_cmp(&comps[i], &comps[best]) < 0)
                best = i;
        comps[0] = comps[best];
    } else if (max_boxes > 1 && ncomp > 1) {
        qsort(comps, (size_t)ncomp, sizeof *comps, cam__box_cmp);
    }
    for (i = 0; i < ncomp && i < max_boxes; i++) {
        boxes[i].x0 = comps[i].x0;
        boxes[i].y0 = comps[i].y0;
        boxes[i].x1 = comps[i].x1;
        boxes[i].y1 = comps[i].y1;
        boxes[i].pixels = comps[i].pixels;
        boxes[i].sum = (float)comps[i].sum;
    }
    free(own);
    return ncomp;
}

CAM_API int cam_map_boxes(const float *map, int w, int h, const cam_box_desc *desc, cam_box *boxes, int max_boxes,
                          void *scratch)
{
    return cam__map_boxes(map, w, h, desc, boxes, max_boxes, scratch, NULL);
}

CAM_API int cam_map_boxes_ilsvrc(const float *maps, int n_maps, int w, int h, const cam_ilsvrc_desc *desc,
                                 cam_box boxes[5], int rank[5])
{
    static const int which[5] = {0, 0, 1, 1, 2};
    static const int tight[5] = {1, 0, 1, 0, 0};
    cam_ilsvrc_desc d;
    void *scratch;
    int i, n = 0;
    if (!maps || n_maps < 1 || n_maps > 3 || w <= 0 || h <= 0 || !boxes || !rank)
        return CAM_ERR_INVALID_ARG;
    if (desc)
        d = *desc;
    else
        memset(&d, 0, sizeof d);
    if (d.tight == 0.0) d.tight = 0.5;
    if (d.loose == 0.0) d.loose = 0.2;
    scratch = malloc(cam_map_boxes_scratch_size(w, h) + 1);
    if (!scratch)
        return CAM_ERR_NOMEM;
    for (i = 0; i < 5; i++) {
        cam_box_desc bd = d.box;
        int r;
        if (which[i] >= n_maps)
            continue;
        bd.threshold = tight[i] ? d.tight : d.loose;
        r = cam_map_boxes(maps + (size_t)which[i] * w * h, w, h, &bd, &boxes[n], 1, scratch);
        if (r < 0) {
            free(scratch);
            return r;
        }
        if (r > 0)
            rank[n++] = which[i];
    }
    free(scratch);
    return n;
}

/* >>images */
static void cam__vis_seterr(cam_error *err, cam_result code, const char *fmt, const char *a, const char *b)
{
    if (!err)
        return;
    err->code = code;
    snprintf(err->message, sizeof err->message, fmt, a ? a : "", b ? b : "");
}

CAM_API cam_result cam_image_create(cam_image *img, int width, int height, const unsigned char *rgb)
{
    size_t i, n;
    if (!img)
        return CAM_ERR_INVALID_ARG;
    img->width = img->height = 0;
    img->pixels = NULL;
    if (width <= 0 || height <= 0)
        return CAM_ERR_INVALID_ARG;
    if (width > CAM_MAX_IMAGE_DIM || height > CAM_MAX_IMAGE_DIM ||
        (int64_t)width * height > (int64_t)CAM_MAX_IMAGE_PIXELS)
        return CAM_ERR_LIMIT;
    n = (size_t)width * height;
    img->pixels = (unsigned char *)malloc(n * 3);
    if (!img->pixels)
        return CAM_ERR_NOMEM;
    img->width = width;
    img->height = height;
    if (!rgb)
        memset(img->pixels, 0, n * 3);
    else
        for (i = 0; i < n; i++)
            memcpy(img->pixels + 3 * i, rgb, 3);
    return CAM_OK;
}

CAM_API void cam_image_free(cam_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    img->pixels = NULL;
    img->width = img->height = 0;
}

#ifndef CAM_NO_STB
/* Copies stb's pixels into our own malloc block so cam_image_free() never has
   to know which allocator a user-configured stb used. */
static cam_result cam__vis_adopt(unsigned char *px, int w, int h, cam_image *img, cam_error *err, const char *what)
{
    cam_result r;
    if (!px) {
        cam__vis_seterr(err, CAM_ERR_FORMAT, "%s: %s", what, stbi_failure_reason());
        return CAM_ERR_FORMAT;
    }
    r = cam_image_create(img, w, h, NULL);
    if (r == CAM_OK)
        memcpy(img->pixels, px, (size_t)w * h * 3);
    else
        cam__vis_seterr(err, r, "%s: %s", what, r == CAM_ERR_LIMIT ? "image too large" : "out of memory");
    stbi_image_free(px);
    return r;
}

static cam_result cam__vis_check_dims(int w, int h, cam_error *err, const char *what)
{
    if (w > CAM_MAX_IMAGE_DIM || h > CAM_MAX_IMAGE_DIM || (int64_t)w * h > (int64_t)CAM_MAX_IMAGE_PIXELS) {
        cam__vis_seterr(err, CAM_ERR_LIMIT, "%s: image too large (limit CAM_MAX_IMAGE_DIM, CAM_MAX_IMAGE_PIXELS)%s",
                        what, "");
        return CAM_ERR_LIMIT;
    }
    return CAM_OK;
}

CAM_API cam_result cam_image_load(const char *path, cam_image *img, cam_error *err)
{
    FILE *f;
    int w, h, c;
    cam_result r;
    cam__clearerr(err);
    if (!path || !img) {
        cam__vis_seterr(err, CAM_ERR_INVALID_ARG, "cam_image_load: NULL argument%s%s", NULL, NULL);
        return CAM_ERR_INVALID_ARG;
    }
    img->width = img->height = 0;
    img->pixels = NULL;
    f = fopen(path, "rb");
    if (!f) {
        cam__vis_seterr(err, CAM_ERR_IO, "%s: cannot open%s", path, NULL);
        return CAM_ERR_IO;
    }
    if (!stbi_info_from_file(f, &w, &h, &c)) {
        const char *why = stbi_failure_reason();
        fclose(f);
        /* stb refuses sides above STBI_MAX_DIMENSIONS while reading the header */
        if (why && strstr(why, "too large")) {
            cam__vis_seterr(err, CAM_ERR_LIMIT, "%s: image too large (%s)", path, why);
            return CAM_ERR_LIMIT;
        }
        cam__vis_seterr(err, CAM_ERR_FORMAT, "%s: not a readable image (%s)", path, why ? why : "unknown format");
        return CAM_ERR_FORMAT;
    }
    if ((r = cam__vis_check_dims(w, h, err, path)) != CAM_OK) {
        fclose(f);
        return r;
    }
    r = cam__vis_adopt(stbi_load_from_file(f, &w, &h, &c, 3), w, h, img, err, path);
    fclose(f);
    return r;
}

CAM_API cam_result cam_image_load_memory(const void *data, size_t size, cam_image *img, cam_error *err)
{
    int w, h, c;
    cam_result r;
    cam__clearerr(err);
    if (!data || !img || size == 0 || size > (size_t)INT_MAX) {
        cam__vis_seterr(err, CAM_ERR_INVALID_ARG, "cam_image_load_memory: bad buffer%s%s", NULL, NULL);
        return CAM_ERR_INVALID_ARG;
    }
    img->width = img->height = 0;
    img->pixels = NULL;
    if (!stbi_info_from_memory((const stbi_uc *)data, (int)size, &w, &h, &c)) {
        const char *why = stbi_failure_reason();
        if (why && strstr(why, "too large")) {
            cam__vis_seterr(err, CAM_ERR_LIMIT, "image too large (%s)%s", why, NULL);
            return CAM_ERR_LIMIT;
        }
        cam__vis_seterr(err, CAM_ERR_FORMAT, "not a readable image (%s)%s", why ? why : "unknown format", NULL);
        return CAM_ERR_FORMAT;
    }
    if ((r = cam__vis_check_dims(w, h, err, "image")) != CAM_OK)
        return r;
    return cam__vis_adopt(stbi_load_from_memory((const stbi_uc *)data, (int)size, &w, &h, &c, 3), w, h, img, err,
                          "image");
}

CAM_API cam_result cam_image_write_png(const char *path, const cam_image *img)
{
    if (!path || !img || !img->pixels || img->width <= 0 || img->height <= 0)
        return CAM_ERR_INVALID_ARG;
    return stbi_write_png(path, img->width, img->height, 3, img->pixels, img->width * 3) ? CAM_OK : CAM_ERR_IO;
}
#endif /* CAM_NO_STB */

/* >>preprocess */
/* Antialiased resampling taps, as PIL computes them: output pixel d covers
   source centre c = (d + 0.5) * scale + offset; the filter is stretched by the
   scale when shrinking, taps outside the source are dropped and the rest
   renormalised. A centre outside the source takes the nearest edge pixel. */
typedef struct cam__vis_aa {
    int n, max_taps;
    int *first, *count;
    float *w; /* n x max_taps */
} cam__vis_aa;

static double cam__vis_filter(double x, cam_interp interp)
{
    x = fabs(x);
    if (interp == CAM_INTERP_BICUBIC) {
        const double a = -0.5;
        if (x < 1.0)
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
        if (x < 2.0)
            return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
        return 0.0;
    }
    if (interp == CAM_INTERP_NEAREST)
        return x < 0.5 ? 1.0 : 0.0;
    return x < 1.0 ? 1.0 - x : 0.0;
}

static void cam__vis_aa_free(cam__vis_aa *t)
{
    free(t->first);
    free(t->count);
    free(t->w);
}

static cam_result cam__vis_aa_make(cam__vis_aa *t, int out_n, int in_n, double scale, double offset,
                                   cam_interp interp)
{
    double ss = scale > 1.0 ? scale : 1.0;
    double support = (interp == CAM_INTERP_BICUBIC ? 2.0 : interp == CAM_INTERP_NEAREST ? 0.5 : 1.0) * ss;
    int d, i;
    memset(t, 0, sizeof *t);
    t->n = out_n;
    t->max_taps = (int)ceil(support) * 2 + 2;
    if (t->max_taps > in_n + 2)
        t->max_taps = in_n + 2;
    t->first = (int *)malloc(sizeof(int) * out_n);
    t->count = (int *)malloc(sizeof(int) * out_n);
    t->w = (float *)malloc(sizeof(float) * out_n * (size_t)t->max_taps);
    if (!t->first || !t->count || !t->w) {
        cam__vis_aa_free(t);
        return CAM_ERR_NOMEM;
    }
    for (d = 0; d < out_n; d++) {
        double c = (d + 0.5) * scale + offset, sum = 0.0;
        int lo = (int)floor(c - support + 0.5), hi = (int)floor(c + support + 0.5);
        float *w = t->w + (size_t)d * t->max_taps;
        if (lo < 0) lo = 0;
        if (hi > in_n) hi = in_n;
        if (hi - lo > t->max_taps) hi = lo + t->max_taps;
        for (i = lo; i < hi; i++) {
            w[i - lo] = (float)cam__vis_filter((i - c + 0.5) / ss, interp);
            sum += w[i - lo];
        }
        if (interp == CAM_INTERP_NEAREST && hi > lo) {
            /* exactly one tap: the pixel containing the centre */
            int k = (int)floor(c);
            k = k < lo ? lo : k >= hi ? hi - 1 : k;
            t->first[d] = k;
            t->count[d] = 1;
            w[0] = 1.0f;
            continue;
        }
        if (hi <= lo || !(sum > 0.0)) {
            t->first[d] = c < 0 ? 0 : in_n - 1;
            t->count[d] = 1;
            w[0] = 1.0f;
            continue;
        }
        for (i = 0; i < hi - lo; i++)
            w[i] = (float)(w[i] / sum);
        t->first[d] = lo;
        t->count[d] = hi - lo;
    }
    return CAM_OK;
}

/* RGB8 image -> dw x dh x 3 floats in [0,255], through per-axis scale/offset. */
static cam_result cam__vis_resample_rgb(const cam_image *img, int dw, int dh, double sx, double ox, double sy,
                                        double oy, cam_interp interp, float *dst)
{
    cam__vis_aa tx, ty;
    float *tmp;
    cam_result r;
    int x, y, i, y0 = img->height, y1 = 0;
    if ((r = cam__vis_aa_make(&tx, dw, img->width, sx, ox, interp)) != CAM_OK)
        return r;
    if ((r = cam__vis_aa_make(&ty, dh, img->height, sy, oy, interp)) != CAM_OK) {
        cam__vis_aa_free(&tx);
        return r;
    }
    for (y = 0; y < dh; y++) { /* only the source rows the crop needs */
        if (ty.first[y] < y0) y0 = ty.first[y];
        if (ty.first[y] + ty.count[y] > y1) y1 = ty.first[y] + ty.count[y];
    }
    tmp = (float *)malloc(sizeof(float) * 3 * (size_t)dw * (size_t)(y1 - y0));
    if (!tmp) {
        cam__vis_aa_free(&tx);
        cam__vis_aa_free(&ty);
        return CAM_ERR_NOMEM;
    }
    for (y = y0; y < y1; y++) {
        const unsigned char *row = img->pixels + (size_t)y * img->width * 3;
        float *o = tmp + (size_t)(y - y0) * dw * 3;
        for (x = 0; x < dw; x++) {
            const float *w = tx.w + (size_t)x * tx.max_taps;
            const unsigned char *p = row + (size_t)tx.first[x] * 3;
            float r0 = 0, g0 = 0, b0 = 0;
            for (i = 0; i < tx.count[x]; i++) {
                r0 += w[i] * p[3 * i];
                g0 += w[i] * p[3 * i + 1];
                b0 += w[i] * p[3 * i + 2];
            }
            o[3 * x] = r0, o[3 * x + 1] = g0, o[3 * x + 2] = b0;
        }
    }
    for (y = 0; y < dh; y++) {
        const float *w = ty.w + (size_t)y * ty.max_taps;
        float *o = dst + (size_t)y * dw * 3;
        for (x = 0; x < dw * 3; x++)
            o[x] = 0.0f;
        for (i = 0; i < ty.count[y]; i++) {
            const float *s = tmp + (size_t)(ty.first[y] + i - y0) * dw * 3;
            for (x = 0; x < dw * 3; x++)
                o[x] += w[i] * s[x];
        }
    }
    free(tmp);
    cam__vis_aa_free(&tx);
    cam__vis_aa_free(&ty);
    return CAM_OK;
}

static int cam__vis_pp_channels(const cam_preprocess *pp)
{
    return pp->channels ? pp->channels : pp->color == CAM_COLOR_GRAY ? 1 : 3;
}

static cam_result cam__vis_pp_check(const cam_preprocess *pp)
{
    int c;
    if (!pp || pp->width <= 0 || pp->height <= 0 || (int)pp->resize < 0 || (int)pp->resize > CAM_RESIZE_CROP ||
        (int)pp->color < 0 || (int)pp->color > CAM_COLOR_GRAY || pp->resize_size < 0 || !cam__vis_interp_ok(pp->interp))
        return CAM_ERR_INVALID_ARG;
    if (pp->width > CAM_MAX_IMAGE_DIM || pp->height > CAM_MAX_IMAGE_DIM || pp->resize_size > CAM_MAX_IMAGE_DIM)
        return CAM_ERR_LIMIT;
    c = cam__vis_pp_channels(pp);
    return c == 1 || c == 3 ? CAM_OK : CAM_ERR_UNSUPPORTED;
}

CAM_API size_t cam_preprocess_floats(const cam_preprocess *pp)
{
    if (cam__vis_pp_check(pp) != CAM_OK)
        return 0;
    return (size_t)cam__vis_pp_channels(pp) * pp->width * pp->height;
}

static cam_result cam__vis_pp_transform(const cam_preprocess *pp, int iw, int ih, cam_transform *tf)
{
    memset(tf, 0, sizeof *tf);
    tf->image_width = iw;
    tf->image_height = ih;
    tf->input_width = pp->width;
    tf->input_height = pp->height;
    if (pp->resize == CAM_RESIZE_CROP) {
        /* torchvision Resize(int) + CenterCrop: the short side becomes S, the
           long side int(S * long / short); the crop offset rounds half to even. */
        int s = pp->resize_size, rw, rh;
        if (!s)
            s = (int)floor((pp->width > pp->height ? pp->width : pp->height) * 256.0 / 224.0 + 0.5);
        if (iw <= ih) {
            rw = s;
            rh = (int)((int64_t)s * ih / iw);
        } else {
            rh = s;
            rw = (int)((int64_t)s * iw / ih);
        }
        if (rw < 1 || rh < 1 || rw > CAM_MAX_IMAGE_DIM * 4 || rh > CAM_MAX_IMAGE_DIM * 4)
            return CAM_ERR_LIMIT;
        tf->scale_x = (double)iw / rw;
        tf->scale_y = (double)ih / rh;
        tf->offset_x = nearbyint((rw - pp->width) / 2.0) * tf->scale_x;
        tf->offset_y = nearbyint((rh - pp->height) / 2.0) * tf->scale_y;
    } else {
        tf->scale_x = (double)iw / pp->width;
        tf->scale_y = (double)ih / pp->height;
    }
    return CAM_OK;
}

CAM_API cam_result cam_image_preprocess(const cam_image *img, const cam_preprocess *pp, float *out,
                                        cam_transform *tf)
{
    cam_transform t;
    cam_result r;
    float *rgb, mean[3], inv[3];
    size_t hw, p;
    int c, i;
    if (!img || !img->pixels || img->width <= 0 || img->height <= 0 || !out)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_pp_check(pp)) != CAM_OK)
        return r;
    if ((r = cam__vis_pp_transform(pp, img->width, img->height, &t)) != CAM_OK)
        return r;
    hw = (size_t)pp->width * pp->height;
    rgb = (float *)malloc(sizeof(float) * 3 * hw);
    if (!rgb)
        return CAM_ERR_NOMEM;
    r = cam__vis_resample_rgb(img, pp->width, pp->height, t.scale_x, t.offset_x, t.scale_y, t.offset_y, pp->interp,
                              rgb);
    if (r != CAM_OK) {
        free(rgb);
        return r;
    }
    c = cam__vis_pp_channels(pp);
    for (i = 0; i < 3; i++) {
        mean[i] = pp->mean[i];
        inv[i] = 1.0f / (255.0f * (pp->std[i] != 0.0f ? pp->std[i] : 1.0f));
    }
    for (p = 0; p < hw; p++) {
        float R = rgb[3 * p], G = rgb[3 * p + 1], B = rgb[3 * p + 2];
        if (pp->color == CAM_COLOR_GRAY) {
            float l = 0.299f * R + 0.587f * G + 0.114f * B;
            for (i = 0; i < c; i++)
                out[i * hw + p] = (l - 255.0f * mean[i]) * inv[i];
        } else {
            float v[3];
            v[0] = pp->color == CAM_COLOR_BGR ? B : R;
            v[1] = G;
            v[2] = pp->color == CAM_COLOR_BGR ? R : B;
            if (c == 1) /* 1-channel input with a colour setting: luminance */
                out[p] = (0.299f * R + 0.587f * G + 0.114f * B - 255.0f * mean[0]) * inv[0];
            else
                for (i = 0; i < 3; i++)
                    out[i * hw + p] = (v[i] - 255.0f * mean[i]) * inv[i];
        }
    }
    free(rgb);
    if (tf)
        *tf = t;
    return CAM_OK;
}

CAM_API cam_result cam_image_from_tensor(const float *x, const cam_preprocess *pp, cam_image *img)
{
    size_t hw, p;
    int c, i;
    cam_result r;
    if (!x || !img)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_pp_check(pp)) != CAM_OK)
        return r;
    if ((r = cam_image_create(img, pp->width, pp->height, NULL)) != CAM_OK)
        return r;
    c = cam__vis_pp_channels(pp);
    hw = (size_t)pp->width * pp->height;
    for (p = 0; p < hw; p++) {
        float v[3];
        for (i = 0; i < 3; i++) {
            int ch = c == 1 ? 0 : i;
            float s = pp->std[ch] != 0.0f ? pp->std[ch] : 1.0f;
            float u = (x[ch * hw + p] * s + pp->mean[ch]) * 255.0f;
            v[i] = u != u ? 0.0f : u < 0.0f ? 0.0f : u > 255.0f ? 255.0f : u;
        }
        if (pp->color == CAM_COLOR_BGR && c == 3) {
            float tmp = v[0];
            v[0] = v[2];
            v[2] = tmp;
        }
        for (i = 0; i < 3; i++)
            img->pixels[3 * p + i] = (unsigned char)(v[i] + 0.5f);
    }
    return CAM_OK;
}

/* Parses "a,b,c" (1 or 3 numbers; one is used for every channel). */
static int cam__vis_parse3(const char *s, float v[3])
{
    int n = 0;
    while (s && *s && n < 3) {
        char *end;
        double d = strtod(s, &end);
        if (end == s || d != d)
            return 0;
        v[n++] = (float)d;
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end == ',')
            end++;
        else if (*end)
            return 0;
        s = end;
    }
    if (s && *s)
        return 0;
    if (n == 1)
        v[1] = v[2] = v[0];
    return n == 1 || n == 3;
}

CAM_API cam_result cam_preprocess_parse(cam_preprocess *pp, const char *resize, const char *resize_size,
                                        const char *mean, const char *std, const char *color, cam_error *err)
{
    if (!pp)
        return CAM_ERR_INVALID_ARG;
    if (resize) {
        if (!strcmp(resize, "stretch"))
            pp->resize = CAM_RESIZE_STRETCH;
        else if (!strcmp(resize, "crop"))
            pp->resize = CAM_RESIZE_CROP;
        else {
            cam__vis_seterr(err, CAM_ERR_FORMAT, "cam.resize: '%s' is not stretch or crop%s", resize, NULL);
            return CAM_ERR_FORMAT;
        }
    }
    if (resize_size) {
        char *end;
        long v = strtol(resize_size, &end, 10);
        if (end == resize_size || *end || v <= 0 || v > CAM_MAX_IMAGE_DIM) {
            cam__vis_seterr(err, CAM_ERR_FORMAT, "cam.resize_size: '%s' is not a size%s", resize_size, NULL);
            return CAM_ERR_FORMAT;
        }
        pp->resize_size = (int)v;
    }
    if (mean && !cam__vis_parse3(mean, pp->mean)) {
        cam__vis_seterr(err, CAM_ERR_FORMAT, "cam.mean: '%s' is not 1 or 3 numbers%s", mean, NULL);
        return CAM_ERR_FORMAT;
    }
    if (std) {
        float s[3];
        if (!cam__vis_parse3(std, s) || s[0] == 0.0f || s[1] == 0.0f || s[2] == 0.0f) {
            cam__vis_seterr(err, CAM_ERR_FORMAT, "cam.std: '%s' is not 1 or 3 non-zero numbers%s", std, NULL);
            return CAM_ERR_FORMAT;
        }
        memcpy(pp->std, s, sizeof s);
    }
    if (color) {
        if (!strcmp(color, "rgb"))
            pp->color = CAM_COLOR_RGB;
        else if (!strcmp(color, "bgr"))
            pp->color = CAM_COLOR_BGR;
        else if (!strcmp(color, "gray") || !strcmp(color, "grey"))
            pp->color = CAM_COLOR_GRAY;
        else {
            cam__vis_seterr(err, CAM_ERR_FORMAT, "cam.color: '%s' is not rgb, bgr or gray%s", color, NULL);
            return CAM_ERR_FORMAT;
        }
    }
    return CAM_OK;
}

/* >>pictures */
CAM_API void cam_picture_jet(float v, unsigned char rgb[3])
{
    /* MATLAB jet: blue -> cyan -> yellow -> red, piecewise linear */
    float c[3];
    int i;
    if (!(v >= 0.0f))
        v = 0.0f;
    if (v > 1.0f)
        v = 1.0f;
    c[0] = 1.5f - fabsf(4.0f * v - 3.0f);
    c[1] = 1.5f - fabsf(4.0f * v - 2.0f);
    c[2] = 1.5f - fabsf(4.0f * v - 1.0f);
    for (i = 0; i < 3; i++) {
        float x = c[i] < 0.0f ? 0.0f : c[i] > 1.0f ? 1.0f : c[i];
        rgb[i] = (unsigned char)(x * 255.0f + 0.5f);
    }
}

CAM_API cam_result cam_picture_overlay(cam_image *img, const float *map, float alpha)
{
    float lo, hi, inv;
    size_t n, p;
    int i;
    if (!img || !img->pixels || !map || !(alpha >= 0.0f && alpha <= 1.0f))
        return CAM_ERR_INVALID_ARG;
    if (alpha == 0.0f)
        alpha = 0.5f;
    n = (size_t)img->width * img->height;
    cam_map_range(map, n, &lo, &hi);
    inv = hi > 0.0f ? 1.0f / hi : 0.0f;
    for (p = 0; p < n; p++) {
        unsigned char c[3];
        float v = map[p] > 0.0f ? map[p] * inv : 0.0f;
        cam_picture_jet(v, c);
        for (i = 0; i < 3; i++) {
            float o = (1.0f - alpha) * img->pixels[3 * p + i] + alpha * c[i];
            img->pixels[3 * p + i] = (unsigned char)(o + 0.5f);
        }
    }
    return CAM_OK;
}

static void cam__vis_fill(cam_image *img, int x0, int y0, int x1, int y1, const unsigned char rgb[3])
{
    int x, y;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > img->width - 1) x1 = img->width - 1;
    if (y1 > img->height - 1) y1 = img->height - 1;
    for (y = y0; y <= y1; y++)
        for (x = x0; x <= x1; x++)
            memcpy(img->pixels + ((size_t)y * img->width + x) * 3, rgb, 3);
}

CAM_API void cam_picture_box(cam_image *img, const cam_box *b, const unsigned char rgb[3], int t)
{
    if (!img || !img->pixels || !b || !rgb || b->x1 < b->x0 || b->y1 < b->y0)
        return;
    if (t < 1)
        t = 1;
    cam__vis_fill(img, b->x0, b->y0, b->x1, b->y0 + t - 1, rgb);
    cam__vis_fill(img, b->x0, b->y1 - t + 1, b->x1, b->y1, rgb);
    cam__vis_fill(img, b->x0, b->y0, b->x0 + t - 1, b->y1, rgb);
    cam__vis_fill(img, b->x1 - t + 1, b->y0, b->x1, b->y1, rgb);
}

/* Classic 5x8 LCD font, ASCII 32..126: five column bytes, bit 0 = top row. */
static const unsigned char cam__vis_font[95][5] = {
    {0x00, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x5F, 0x00, 0x00}, {0x00, 0x07, 0x00, 0x07, 0x00},
    {0x14, 0x7F, 0x14, 0x7F, 0x14}, {0x24, 0x2A, 0x7F, 0x2A, 0x12}, {0x23, 0x13, 0x08, 0x64, 0x62},
    {0x36, 0x49, 0x56, 0x20, 0x50}, {0x00, 0x08, 0x07, 0x03, 0x00}, {0x00, 0x1C, 0x22, 0x41, 0x00},
    {0x00, 0x41, 0x22, 0x1C, 0x00}, {0x2A, 0x1C, 0x7F, 0x1C, 0x2A}, {0x08, 0x08, 0x3E, 0x08, 0x08},
    {0x00, 0x80, 0x70, 0x30, 0x00}, {0x08, 0x08, 0x08, 0x08, 0x08}, {0x00, 0x00, 0x60, 0x60, 0x00},
    {0x20, 0x10, 0x08, 0x04, 0x02}, {0x3E, 0x51, 0x49, 0x45, 0x3E}, {0x00, 0x42, 0x7F, 0x40, 0x00},
    {0x72, 0x49, 0x49, 0x49, 0x46}, {0x21, 0x41, 0x49, 0x4D, 0x33}, {0x18, 0x14, 0x12, 0x7F, 0x10},
    {0x27, 0x45, 0x45, 0x45, 0x39}, {0x3C, 0x4A, 0x49, 0x49, 0x31}, {0x41, 0x21, 0x11, 0x09, 0x07},
    {0x36, 0x49, 0x49, 0x49, 0x36}, {0x46, 0x49, 0x49, 0x29, 0x1E}, {0x00, 0x00, 0x14, 0x00, 0x00},
    {0x00, 0x40, 0x34, 0x00, 0x00}, {0x00, 0x08, 0x14, 0x22, 0x41}, {0x14, 0x14, 0x14, 0x14, 0x14},
    {0x00, 0x41, 0x22, 0x14, 0x08}, {0x02, 0x01, 0x59, 0x09, 0x06}, {0x3E, 0x41, 0x5D, 0x59, 0x4E},
    {0x7C, 0x12, 0x11, 0x12, 0x7C}, {0x7F, 0x49, 0x49, 0x49, 0x36}, {0x3E, 0x41, 0x41, 0x41, 0x22},
    {0x7F, 0x41, 0x41, 0x41, 0x3E}, {0x7F, 0x49, 0x49, 0x49, 0x41}, {0x7F, 0x09, 0x09, 0x09, 0x01},
    {0x3E, 0x41, 0x41, 0x51, 0x73}, {0x7F, 0x08, 0x08, 0x08, 0x7F}, {0x00, 0x41, 0x7F, 0x41, 0x00},
    {0x20, 0x40, 0x41, 0x3F, 0x01}, {0x7F, 0x08, 0x14, 0x22, 0x41}, {0x7F, 0x40, 0x40, 0x40, 0x40},
    {0x7F, 0x02, 0x1C, 0x02, 0x7F}, {0x7F, 0x04, 0x08, 0x10, 0x7F}, {0x3E, 0x41, 0x41, 0x41, 0x3E},
    {0x7F, 0x09, 0x09, 0x09, 0x06}, {0x3E, 0x41, 0x51, 0x21, 0x5E}, {0x7F, 0x09, 0x19, 0x29, 0x46},
    {0x26, 0x49, 0x49, 0x49, 0x32}, {0x03, 0x01, 0x7F, 0x01, 0x03}, {0x3F, 0x40, 0x40, 0x40, 0x3F},
    {0x1F, 0x20, 0x40, 0x20, 0x1F}, {0x3F, 0x40, 0x38, 0x40, 0x3F}, {0x63, 0x14, 0x08, 0x14, 0x63},
    {0x03, 0x04, 0x78, 0x04, 0x03}, {0x61, 0x59, 0x49, 0x4D, 0x43}, {0x00, 0x7F, 0x41, 0x41, 0x41},
    {0x02, 0x04, 0x08, 0x10, 0x20}, {0x00, 0x41, 0x41, 0x41, 0x7F}, {0x04, 0x02, 0x01, 0x02, 0x04},
    {0x40, 0x40, 0x40, 0x40, 0x40}, {0x00, 0x03, 0x07, 0x08, 0x00}, {0x20, 0x54, 0x54, 0x78, 0x40},
    {0x7F, 0x28, 0x44, 0x44, 0x38}, {0x38, 0x44, 0x44, 0x44, 0x28}, {0x38, 0x44, 0x44, 0x28, 0x7F},
    {0x38, 0x54, 0x54, 0x54, 0x18}, {0x00, 0x08, 0x7E, 0x09, 0x02}, {0x18, 0xA4, 0xA4, 0x9C, 0x78},
    {0x7F, 0x08, 0x04, 0x04, 0x78}, {0x00, 0x44, 0x7D, 0x40, 0x00}, {0x20, 0x40, 0x40, 0x3D, 0x00},
    {0x7F, 0x10, 0x28, 0x44, 0x00}, {0x00, 0x41, 0x7F, 0x40, 0x00}, {0x7C, 0x04, 0x78, 0x04, 0x78},
    {0x7C, 0x08, 0x04, 0x04, 0x78}, {0x38, 0x44, 0x44, 0x44, 0x38}, {0xFC, 0x18, 0x24, 0x24, 0x18},
    {0x18, 0x24, 0x24, 0x18, 0xFC}, {0x7C, 0x08, 0x04, 0x04, 0x08}, {0x48, 0x54, 0x54, 0x54, 0x24},
    {0x04, 0x04, 0x3F, 0x44, 0x24}, {0x3C, 0x40, 0x40, 0x20, 0x7C}, {0x1C, 0x20, 0x40, 0x20, 0x1C},
    {0x3C, 0x40, 0x30, 0x40, 0x3C}, {0x44, 0x28, 0x10, 0x28, 0x44}, {0x4C, 0x90, 0x90, 0x90, 0x7C},
    {0x44, 0x64, 0x54, 0x4C, 0x44}, {0x00, 0x08, 0x36, 0x41, 0x00}, {0x00, 0x00, 0x77, 0x00, 0x00},
    {0x00, 0x41, 0x36, 0x08, 0x00}, {0x02, 0x01, 0x02, 0x04, 0x02}};

CAM_API int cam_picture_text(cam_image *img, int x, int y, const char *text, const unsigned char rgb[3], int scale)
{
    static const unsigned char bg[3] = {16, 16, 16};
    int len, i, col, row, cx;
    if (!img || !img->pixels || !text || !rgb)
        return 0;
    if (scale < 1)
        scale = 1;
    len = (int)strlen(text);
    /* background strip: one font pixel of margin around 6-pixel cells, 9 rows */
    cam__vis_fill(img, x, y, x + (len * 6 + 1) * scale - 1, y + 10 * scale - 1, bg);
    for (i = 0, cx = x + scale; i < len; i++, cx += 6 * scale) {
        unsigned char ch = (unsigned char)text[i];
        const unsigned char *g = cam__vis_font[(ch >= 32 && ch < 127 ? ch : '?') - 32];
        for (col = 0; col < 5; col++)
            for (row = 0; row < 8; row++)
                if (g[col] >> row & 1)
                    cam__vis_fill(img, cx + col * scale, y + (row + 1) * scale, cx + (col + 1) * scale - 1,
                                  y + (row + 2) * scale - 1, rgb);
    }
    return (len * 6 + 1) * scale;
}

CAM_API cam_result cam_picture_grid(const cam_image *img, const float *maps, int n, const char *const *captions,
                                    float alpha, int cols, int cell_max, cam_image *out)
{
    static const unsigned char bgc[3] = {32, 32, 32}, white[3] = {255, 255, 255};
    const int gap = 4;
    int cw, ch, rows, i, x, y;
    double s;
    cam_image cell;
    float *rgb = NULL, *m = NULL;
    cam_result r;
    if (!img || !img->pixels || !maps || n <= 0 || !out || cols < 0 || cell_max < 0 || !(alpha >= 0.0f && alpha <= 1.0f))
        return CAM_ERR_INVALID_ARG;
    memset(&cell, 0, sizeof cell);
    if (!cell_max)
        cell_max = 256;
    if (!cols)
        for (cols = 1; cols * cols < n; cols++) {
        }
    if (cols > n)
        cols = n;
    rows = (n + cols - 1) / cols;
    s = img->width > img->height ? (double)cell_max / img->width : (double)cell_max / img->height;
    cw = (int)(img->width * s + 0.5);
    ch = (int)(img->height * s + 0.5);
    if (cw < 1) cw = 1;
    if (ch < 1) ch = 1;
    if ((r = cam_image_create(out, gap + cols * (cw + gap), gap + rows * (ch + gap), bgc)) != CAM_OK)
        return r;
    rgb = (float *)malloc(sizeof(float) * 3 * (size_t)cw * ch);
    m = (float *)malloc(sizeof(float) * (size_t)cw * ch);
    r = rgb && m ? cam_image_create(&cell, cw, ch, NULL) : CAM_ERR_NOMEM;
    if (r == CAM_OK)
        r = cam__vis_resample_rgb(img, cw, ch, (double)img->width / cw, 0.0, (double)img->height / ch, 0.0,
                                  CAM_INTERP_BILINEAR, rgb);
    for (i = 0; r == CAM_OK && i < n; i++) {
        size_t p;
        int ox = gap + (i % cols) * (cw + gap), oy = gap + (i / cols) * (ch + gap);
        for (p = 0; p < (size_t)cw * ch * 3; p++)
            cell.pixels[p] = (unsigned char)(rgb[p] < 0.0f ? 0 : rgb[p] > 255.0f ? 255 : (int)(rgb[p] + 0.5f));
        r = cam_map_resize(maps + (size_t)i * img->width * img->height, img->width, img->height, m, cw, ch,
                           CAM_INTERP_BILINEAR);
        if (r == CAM_OK)
            r = cam_picture_overlay(&cell, m, alpha);
        if (r == CAM_OK && captions && captions[i])
            cam_picture_text(&cell, 0, 0, captions[i], white, cw >= 160 ? 2 : 1);
        for (y = 0; r == CAM_OK && y < ch; y++)
            for (x = 0; x < cw; x++)
                memcpy(out->pixels + (((size_t)(oy + y)) * out->width + ox + x) * 3,
                       cell.pixels + ((size_t)y * cw + x) * 3, 3);
    }
    cam_image_free(&cell);
    free(rgb);
    free(m);
    if (r != CAM_OK)
        cam_image_free(out);
    return r;
}

/* >>cam-net: maps, scores and features straight from a forward pass */
/* Feature tensor of the head as N x K x h x w float32. */
static cam_result cam__vis_features(cam_net *net, cam_head *head, cam_tensor *f, int *n, int *k, int *h, int *w)
{
    cam_result r;
    if (!net)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam_net_head(net, head)) != CAM_OK)
        return r;
    if ((r = cam_net_tensor(net, head->feature, f)) != CAM_OK)
        return r;
    if (f->dtype != CAM_FLOAT32 || f->ndim != 4 || f->dims[0] < 1 || f->dims[1] < 1 || f->dims[2] < 1 ||
        f->dims[3] < 1 || f->dims[1] > INT_MAX || f->dims[2] * f->dims[3] > INT_MAX || !f->data)
        return CAM_ERR_SHAPE;
    *n = (int)f->dims[0];
    *k = (int)f->dims[1];
    *h = (int)f->dims[2];
    *w = (int)f->dims[3];
    if (head->conv_classifier ? *k < head->n_classes : (*k != head->n_channels || !head->weights))
        return CAM_ERR_SHAPE;
    return CAM_OK;
}

CAM_API cam_result cam_net_scores(cam_net *net, int b, const float **scores, int *n_classes)
{
    cam_head head;
    cam_tensor t;
    cam_result r;
    int64_t per;
    if (!net || !scores || b < 0)
        return CAM_ERR_INVALID_ARG;
    /* Prefer the head's logits; a model without a CAM head still classifies. */
    if (cam_net_head(net, &head) == CAM_OK && head.scores && cam_net_tensor(net, head.scores, &t) == CAM_OK)
        r = CAM_OK;
    else
        r = cam_net_output(net, 0, &t);
    if (r != CAM_OK)
        return r;
    if (t.dtype != CAM_FLOAT32 || t.ndim < 1 || t.dims[0] < 1 || !t.data)
        return CAM_ERR_SHAPE;
    if (b >= t.dims[0])
        return CAM_ERR_INVALID_ARG;
    per = cam_tensor_count(&t) / t.dims[0];
    if (per < 1 || per > INT_MAX)
        return CAM_ERR_SHAPE;
    *scores = (const float *)t.data + (size_t)b * per;
    if (n_classes)
        *n_classes = (int)per;
    return CAM_OK;
}

CAM_API void cam_maps_free(cam_maps *m)
{
    if (!m)
        return;
    free(m->classes);
    free(m->scores);
    free(m->data);
    memset(m, 0, sizeof *m);
}

/* Net-owned buffers (model memory, freed with the net): grown, never shrunk. */
static void *cam__vis_net_buf(cam_net *net, void **buf, size_t *have, size_t need)
{
    if (*buf && *have >= need)
        return *buf;
    if (*buf)
        cam__hfree(&net->heap, &net->model_mem, *buf);
    *buf = cam__halloc(&net->heap, &net->model_mem, need ? need : 1);
    *have = *buf ? need : 0;
    return *buf;
}

/* The head's weights packed for cam__mapc_tile, made at load for a Gemm head
   (cam__pack_head_gemm), else on first use. */
static const float *cam__vis_packed_weights(cam_net *net, const cam_head *head, int poswt)
{
    if (!net->mapc_w[poswt] || net->mapc_src[poswt] != head->weights) {
        size_t nf = cam__mapc_packed_floats(head->n_classes, head->n_channels);
        if (net->mapc_w[poswt])
            cam__hfree(&net->heap, &net->model_mem, net->mapc_w[poswt]);
        net->mapc_src[poswt] = NULL;
        net->mapc_w[poswt] = (float *)cam__halloc(&net->heap, &net->model_mem, nf * sizeof(float));
        if (!net->mapc_w[poswt])
            return NULL;
        cam__mapc_pack(head->weights, head->n_classes, head->n_channels, poswt, net->mapc_w[poswt]);
        net->mapc_src[poswt] = head->weights;
    }
    return net->mapc_w[poswt];
}

/* One call's maps: what cam_net_maps and cam_net_maps_into share. */
typedef struct cam__vis_job {
    cam_map_desc d;
    cam_head head;
    const float *features; /* image b: K x hw */
    const float *sc;       /* scores of image b */
    int nsc, k, fw, fh, hw, ow, oh, in_w, in_h;
} cam__vis_job;

static cam_result cam__vis_job_init(cam_net *net, int b, int n_classes, const cam_map_desc *desc, cam__vis_job *j)
{
    cam_tensor f;
    cam_result r;
    int n;
    memset(j, 0, sizeof *j);
    if (desc)
        j->d = *desc;
    if (!net || b < 0 || n_classes <= 0 || !cam__vis_interp_ok(j->d.interp) || (int)j->d.target < 0 ||
        (int)j->d.target > CAM_TARGET_FEATURE || (int)j->d.rectify < 0 ||
        (int)j->d.rectify > CAM_RECTIFY_POSITIVE_WEIGHTS || (int)j->d.normalize < 0 ||
        (int)j->d.normalize > CAM_NORMALIZE_MINMAX || (int)j->d.order < 0 ||
        (int)j->d.order > CAM_NORMALIZE_BEFORE_RESIZE)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_features(net, &j->head, &f, &n, &j->k, &j->fh, &j->fw)) != CAM_OK)
        return r;
    if (b >= n)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam_net_scores(net, b, &j->sc, &j->nsc)) != CAM_OK)
        return r;
    j->hw = j->fh * j->fw;
    j->features = (const float *)f.data + (size_t)b * j->k * j->hw;
    j->ow = j->fw, j->oh = j->fh;
    if (j->d.target != CAM_TARGET_FEATURE) {
        cam_tensor_info info;
        if ((r = cam_net_input_info(net, 0, &info)) != CAM_OK)
            return r;
        if (info.ndim != 4 || info.dims[2] < 1 || info.dims[3] < 1 || info.dims[2] > CAM_MAX_IMAGE_DIM ||
            info.dims[3] > CAM_MAX_IMAGE_DIM)
            return CAM_ERR_SHAPE;
        j->in_h = (int)info.dims[2];
        j->in_w = (int)info.dims[3];
        j->ow = j->in_w, j->oh = j->in_h;
        if (j->d.target == CAM_TARGET_IMAGE && j->d.transform) {
            if (!cam__vis_transform_ok(j->d.transform))
                return CAM_ERR_INVALID_ARG;
            j->ow = j->d.transform->image_width;
            j->oh = j->d.transform->image_height;
        }
    }
    return CAM_OK;
}

/* Classes (given, or the top n by score) and their scores; n already clamped. */
static cam_result cam__vis_job_classes(const cam__vis_job *j, const int *classes, int n, int *cls, float *scores)
{
    int i;
    if (classes)
        memcpy(cls, classes, sizeof(int) * n);
    else
        cam_scores_topk(j->sc, j->nsc, n, cls, NULL);
    for (i = 0; i < n; i++) {
        if (cls[i] < 0 || cls[i] >= j->head.n_classes)
            return CAM_ERR_INVALID_ARG;
        if (scores)
            scores[i] = cls[i] < j->nsc ? j->sc[cls[i]] : 0.0f;
    }
    return CAM_OK;
}

typedef struct cam__vis_map_task {
    const cam__vis_job *job;
    const float *wp; /* packed weights, or NULL: cam_map_compute on class ranges */
    const int *classes;
    int n, per, b_first;
    int nb, ntiles, ntask; /* packed: class blocks, pixel tiles per block, tasks */
    float *fm, *out;
    cam_result res[64];
} cam__vis_map_task;

/* The product: task = a range of classes (cam_map_compute) or of class
   blocks (packed). Every map element is the same FMA chain whatever the split. */
static void cam__vis_map_run(void *ctx, int task, int thread)
{
    cam__vis_map_task *t = (cam__vis_map_task *)ctx;
    const cam__vis_job *j = t->job;
    cam_result r = CAM_OK;
    (void)thread;
    if (t->wp) {
        /* units = (class block, pixel tile), an equal share per task: whole
           blocks, and at a share's ends part of a block's tiles */
        int64_t U = (int64_t)t->nb * t->ntiles, u0 = U * task / t->ntask, u1 = U * (task + 1) / t->ntask;
        int relu = j->d.rectify == CAM_RECTIFY_RELU;
        while (u0 < u1) {
            int b = (int)(u0 / t->ntiles), ta = (int)(u0 % t->ntiles), tb, bl;
            if (ta == 0 && u1 >= (int64_t)(b + 1) * t->ntiles) {
                bl = (int)(u1 / t->ntiles);
                cam__map_packed(t->wp, j->k, j->features, j->hw, t->classes[0], t->n, t->b_first + b,
                                t->b_first + bl, 0, j->hw, relu, t->fm);
                u0 = (int64_t)bl * t->ntiles;
                continue;
            }
            tb = u1 < (int64_t)(b + 1) * t->ntiles ? (int)(u1 - (int64_t)b * t->ntiles) : t->ntiles;
            cam__map_packed(t->wp, j->k, j->features, j->hw, t->classes[0], t->n, t->b_first + b, t->b_first + b + 1,
                            ta * CAM__MAPC_PX, tb * CAM__MAPC_PX < j->hw ? tb * CAM__MAPC_PX : j->hw, relu, t->fm);
            u0 = (int64_t)b * t->ntiles + tb;
        }
    } else {
        int c0 = task * t->per, cn = t->n - c0 < t->per ? t->n - c0 : t->per;
        r = cam_map_compute(j->head.conv_classifier ? NULL : j->head.weights, j->head.n_classes, j->k, j->features,
                            j->hw, t->classes + c0, cn, j->d.rectify, t->fm + (size_t)c0 * j->hw);
    }
    if (task < 64)
        t->res[task] = r;
}

/* Normalising and resampling one map: src (hw floats, normalised in place
   when asked before resampling) to dst (ow x oh; src itself at feature
   resolution). range (may be NULL): set to the finished map's min and max
   when the resampling could take them on the way (*ranged = 1; see
   cam__vis_resample_map). */
static cam_result cam__vis_finish(const cam__vis_job *j, float *src, float *dst, float *range, int *ranged)
{
    const cam_map_desc *d = &j->d;
    int after = d->normalize && d->order == CAM_NORMALIZE_AFTER_RESIZE, got;
    if (ranged)
        *ranged = 0;
    if (d->normalize && (d->order == CAM_NORMALIZE_BEFORE_RESIZE || d->target == CAM_TARGET_FEATURE))
        cam_map_normalize(src, (size_t)j->hw, d->normalize);
    if (d->target == CAM_TARGET_FEATURE)
        return CAM_OK;
    if (after)
        range = NULL; /* the values change after */
    if (d->target == CAM_TARGET_IMAGE && d->transform) {
        /* The map covers the network input: the transform takes it on. */
        cam_transform tf = *d->transform;
        tf.input_width = j->in_w;
        tf.input_height = j->in_h;
        if (!cam__vis_transform_ok(&tf))
            return CAM_ERR_INVALID_ARG;
        got = cam__vis_resize_to_image(src, j->fw, j->fh, &tf, dst, d->interp, range);
    } else {
        got = cam__vis_resize(src, j->fw, j->fh, dst, j->ow, j->oh, d->interp, range);
    }
    if (after)
        cam_map_normalize(dst, (size_t)j->ow * j->oh, d->normalize);
    if (ranged)
        *ranged = got;
    return CAM_OK;
}

/* task = one map */
static void cam__vis_resize_run(void *ctx, int task, int thread)
{
    cam__vis_map_task *t = (cam__vis_map_task *)ctx;
    const cam__vis_job *j = t->job;
    cam_result r = cam__vis_finish(j, t->fm + (size_t)task * j->hw, t->out + (size_t)task * j->ow * j->oh, NULL, NULL);
    (void)thread;
    if (task < 64)
        t->res[task] = r;
}

/* Maps of the n classes cls into out (n x oh x ow); fm: n x hw scratch for
   the product (out itself at feature resolution). */
static cam_result cam__vis_job_run(cam_net *net, const cam__vis_job *j, const int *cls, int n, float *fm, float *out)
{
    cam__vis_map_task mt;
    int nt = cam_net_threads(net), i, ntask, consecutive = 1;
    double work = (double)n * j->k * j->hw;
    cam_result r = CAM_OK;
    if (nt > 64)
        nt = 64;
    memset(&mt, 0, sizeof mt);
    mt.job = j;
    mt.classes = cls;
    mt.n = n;
    mt.fm = fm;
    mt.out = out;
    for (i = 1; i < n && consecutive; i++)
        consecutive = cls[i] == cls[0] + i;
    if (!j->head.conv_classifier && consecutive && n >= CAM__MAPC_CB) {
        /* many classes in a run (all of them, typically): the packed product */
        int nb;
        mt.wp = cam__vis_packed_weights(net, &j->head, j->d.rectify == CAM_RECTIFY_POSITIVE_WEIGHTS);
        if (!mt.wp)
            return CAM_ERR_NOMEM;
        mt.b_first = cls[0] / CAM__MAPC_CB;
        nb = (cls[0] + n - 1) / CAM__MAPC_CB + 1 - mt.b_first;
        mt.nb = nb;
        mt.ntiles = (j->hw + CAM__MAPC_PX - 1) / CAM__MAPC_PX;
        /* one task per thread: 21 blocks of 48 classes as whole blocks
           went 11 + 10 on 2 threads */
        ntask = nt > 1 && work >= 1e6 ? nt : 1;
        if (ntask > nb * mt.ntiles)
            ntask = nb * mt.ntiles;
        mt.ntask = ntask;
    } else {
        mt.per = n;
        if (nt > 1 && n >= 2 * CAM__MAP_CB && work >= 1e6) {
            mt.per = (n + nt - 1) / nt;
            mt.per = (mt.per + CAM__MAP_CB - 1) / CAM__MAP_CB * CAM__MAP_CB;
        }
        ntask = (n + mt.per - 1) / mt.per;
    }
    cam__par(net, cam__vis_map_run, &mt, ntask);
    for (i = 0; i < ntask && i < 64; i++)
        if (mt.res[i] != CAM_OK)
            r = mt.res[i];
    if (r != CAM_OK || (j->d.target == CAM_TARGET_FEATURE && !j->d.normalize))
        return r;
    memset(mt.res, 0, sizeof mt.res);
    /* one map per task; resampling to an image is worth a thread per map */
    if (j->d.target == CAM_TARGET_FEATURE || (double)j->ow * j->oh < 4096.0)
        for (i = 0; i < n; i++)
            cam__vis_resize_run(&mt, i, 0);
    else
        cam__par(net, cam__vis_resize_run, &mt, n);
    for (i = 0; i < n && i < 64; i++)
        if (mt.res[i] != CAM_OK)
            r = mt.res[i];
    return r;
}

CAM_API cam_result cam_net_maps(cam_net *net, int b, const int *classes, int n_classes, const cam_map_desc *desc,
                                cam_maps *out)
{
    cam__vis_job j;
    cam_result r;
    float *fm;
    if (!out)
        return CAM_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if ((r = cam__vis_job_init(net, b, n_classes, desc, &j)) != CAM_OK)
        return r;
    if (!classes && n_classes > j.nsc)
        n_classes = j.nsc;
    out->classes = (int *)malloc(sizeof(int) * n_classes);
    out->scores = (float *)malloc(sizeof(float) * n_classes);
    if (!out->classes || !out->scores)
        return CAM_ERR_NOMEM;
    if ((r = cam__vis_job_classes(&j, classes, n_classes, out->classes, out->scores)) != CAM_OK)
        return r;
    out->n = n_classes;
    out->width = j.ow;
    out->height = j.oh;
    out->data = (float *)malloc(sizeof(float) * (size_t)j.ow * j.oh * n_classes);
    if (!out->data)
        return CAM_ERR_NOMEM;
    fm = j.d.target == CAM_TARGET_FEATURE ? out->data : (float *)malloc(sizeof(float) * j.hw * n_classes);
    if (!fm)
        return CAM_ERR_NOMEM;
    r = cam__vis_job_run(net, &j, out->classes, n_classes, fm, out->data);
    if (fm != out->data)
        free(fm);
    return r;
}

CAM_API cam_result cam_net_maps_size(cam_net *net, const cam_map_desc *desc, int *width, int *height)
{
    cam__vis_job j;
    cam_result r;
    if ((r = cam__vis_job_init(net, 0, 1, desc, &j)) != CAM_OK)
        return r;
    if (width)
        *width = j.ow;
    if (height)
        *height = j.oh;
    return CAM_OK;
}

CAM_API cam_result cam_net_maps_into(cam_net *net, int b, const int *classes, int n_classes,
                                     const cam_map_desc *desc, cam_maps *out, size_t capacity)
{
    cam__vis_job j;
    cam_result r;
    float *fm;
    if (!out || !out->data || !out->classes)
        return CAM_ERR_INVALID_ARG;
    out->n = 0;
    if ((r = cam__vis_job_init(net, b, n_classes, desc, &j)) != CAM_OK)
        return r;
    if (!classes && n_classes > j.nsc)
        n_classes = j.nsc;
    if ((size_t)j.ow * j.oh * n_classes > capacity)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_job_classes(&j, classes, n_classes, out->classes, out->scores)) != CAM_OK)
        return r;
    out->width = j.ow;
    out->height = j.oh;
    fm = out->data;
    if (j.d.target != CAM_TARGET_FEATURE) {
        fm = (float *)cam__vis_net_buf(net, &net->map_fm, &net->map_fm_bytes,
                                       sizeof(float) * (size_t)j.hw * n_classes);
        if (!fm)
            return CAM_ERR_NOMEM;
    }
    if ((r = cam__vis_job_run(net, &j, out->classes, n_classes, fm, out->data)) != CAM_OK)
        return r;
    out->n = n_classes;
    return CAM_OK;
}

typedef struct cam__vis_box_task {
    const cam_maps *maps;
    const cam_box_desc *desc;
    cam_box *boxes;
    int max_boxes;
    int *counts;
    unsigned char *scratch;
    size_t each;
} cam__vis_box_task;

static void cam__vis_box_run(void *ctx, int task, int thread)
{
    cam__vis_box_task *t = (cam__vis_box_task *)ctx;
    size_t px = (size_t)t->maps->width * t->maps->height;
    t->counts[task] = cam_map_boxes(t->maps->data + (size_t)task * px, t->maps->width, t->maps->height, t->desc,
                                    t->boxes ? t->boxes + (size_t)task * t->max_boxes : NULL, t->max_boxes,
                                    t->scratch + (size_t)thread * t->each);
}

CAM_API cam_result cam_net_boxes(cam_net *net, const cam_maps *maps, const cam_box_desc *desc, cam_box *boxes,
                                 int max_boxes, int *counts)
{
    cam__vis_box_task bt;
    size_t each;
    int i, nth;
    if (!net || !maps || !counts || maps->n < 0 || (maps->n > 0 && !maps->data) || max_boxes < 0 ||
        (max_boxes > 0 && !boxes))
        return CAM_ERR_INVALID_ARG;
    if (maps->n == 0)
        return CAM_OK;
    if (maps->width <= 0 || maps->height <= 0)
        return CAM_ERR_INVALID_ARG;
    if (maps->width > CAM_MAX_IMAGE_DIM || maps->height > CAM_MAX_IMAGE_DIM)
        return CAM_ERR_LIMIT;
    /* each scratch rounded up to keep the next one aligned as malloc's */
    each = (cam_map_boxes_scratch_size(maps->width, maps->height) + 63) / 64 * 64;
    nth = cam_net_threads(net) > 1 ? cam_net_threads(net) : 1;
    bt.maps = maps;
    bt.desc = desc;
    bt.boxes = boxes;
    bt.max_boxes = max_boxes;
    bt.counts = counts;
    bt.each = each;
    bt.scratch = (unsigned char *)cam__vis_net_buf(net, &net->box_scratch, &net->box_scratch_bytes, each * nth);
    if (!bt.scratch)
        return CAM_ERR_NOMEM;
    cam__par(net, cam__vis_box_run, &bt, maps->n);
    for (i = 0; i < maps->n; i++)
        if (counts[i] < 0)
            return (cam_result)counts[i];
    return CAM_OK;
}

typedef struct cam__vis_mb_task {
    cam__vis_map_task mt;
    const cam_box_desc *bdesc;
    cam_box *boxes;
    int max_boxes;
    int *counts;
    unsigned char *scratch; /* per thread: one map, then cam_map_boxes scratch */
    size_t map_bytes, each;
} cam__vis_mb_task;

/* One map: resample into the thread's scratch and box it while it is in cache. */
static void cam__vis_mb_run(void *ctx, int task, int thread)
{
    cam__vis_mb_task *t = (cam__vis_mb_task *)ctx;
    const cam__vis_job *j = t->mt.job;
    unsigned char *s = t->scratch + (size_t)thread * t->each;
    float *map = (float *)s, *src = t->mt.fm + (size_t)task * j->hw, range[2];
    cam_result r;
    int ranged;
    if (j->d.target == CAM_TARGET_FEATURE)
        map = src;
    if ((r = cam__vis_finish(j, src, map, range, &ranged)) != CAM_OK) {
        t->counts[task] = r;
        return;
    }
    t->counts[task] = cam__map_boxes(map, j->ow, j->oh, t->bdesc,
                                     t->boxes ? t->boxes + (size_t)task * t->max_boxes : NULL, t->max_boxes,
                                     s + t->map_bytes, ranged ? range : NULL);
}

CAM_API cam_result cam_net_map_boxes(cam_net *net, int b, const int *classes, int n_classes,
                                     const cam_map_desc *desc, const cam_box_desc *bdesc, int *classes_out,
                                     cam_box *boxes, int max_boxes, int *counts)
{
    cam__vis_mb_task bt;
    cam__vis_job j;
    cam_result r;
    float *fm;
    int i, nth;
    if (!classes_out || !counts || max_boxes < 0 || (max_boxes > 0 && !boxes))
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_job_init(net, b, n_classes, desc, &j)) != CAM_OK)
        return r;
    if (!classes && n_classes > j.nsc)
        n_classes = j.nsc;
    if ((r = cam__vis_job_classes(&j, classes, n_classes, classes_out, NULL)) != CAM_OK)
        return r;
    fm = (float *)cam__vis_net_buf(net, &net->map_fm, &net->map_fm_bytes, sizeof(float) * (size_t)j.hw * n_classes);
    if (!fm)
        return CAM_ERR_NOMEM;
    memset(&bt, 0, sizeof bt);
    /* the product only (feature target, no normalising): maps are done per task */
    {
        cam__vis_job pj = j;
        pj.d.target = CAM_TARGET_FEATURE;
        pj.d.normalize = CAM_NORMALIZE_NONE;
        if ((r = cam__vis_job_run(net, &pj, classes_out, n_classes, fm, fm)) != CAM_OK)
            return r;
    }
    bt.mt.job = &j;
    bt.mt.fm = fm;
    bt.bdesc = bdesc;
    bt.boxes = boxes;
    bt.max_boxes = max_boxes;
    bt.counts = counts;
    bt.map_bytes = (sizeof(float) * (size_t)j.ow * j.oh + 63) / 64 * 64;
    bt.each = bt.map_bytes + (cam_map_boxes_scratch_size(j.ow, j.oh) + 63) / 64 * 64;
    nth = cam_net_threads(net) > 1 ? cam_net_threads(net) : 1;
    bt.scratch = (unsigned char *)cam__vis_net_buf(net, &net->box_scratch, &net->box_scratch_bytes, bt.each * nth);
    if (!bt.scratch)
        return CAM_ERR_NOMEM;
    cam__par(net, cam__vis_mb_run, &bt, n_classes);
    for (i = 0; i < n_classes; i++)
        if (counts[i] < 0)
            return (cam_result)counts[i];
    return CAM_OK;
}

CAM_API cam_result cam_net_features(cam_net *net, cam_pool_kind pool, float *out, int *n_images, int *n_channels)
{
    cam_head head;
    cam_tensor f;
    cam_result r;
    int n, k, h, w, i, c;
    size_t hw, p;
    if ((int)pool < 0 || (int)pool > CAM_POOL_MAX)
        return CAM_ERR_INVALID_ARG;
    if ((r = cam__vis_features(net, &head, &f, &n, &k, &h, &w)) != CAM_OK)
        return r;
    if (n_images)
        *n_images = n;
    if (n_channels)
        *n_channels = k;
    if (!out)
        return CAM_OK;
    hw = (size_t)h * w;
    for (i = 0; i < n; i++)
        for (c = 0; c < k; c++) {
            const float *x = (const float *)f.data + ((size_t)i * k + c) * hw;
            double s = 0.0;
            float m = x[0];
            for (p = 0; p < hw; p++) {
                s += x[p];
                m = x[p] > m ? x[p] : m;
            }
            out[(size_t)i * k + c] = pool == CAM_POOL_MAX ? m : (float)(s / (double)hw);
        }
    return CAM_OK;
}

CAM_API const char *cam_net_label(const cam_net *net, int c, char *buf, size_t size)
{
    const char *s = net ? cam_net_metadata_get(net, "cam.labels") : NULL, *e;
    size_t len;
    if (!s || c < 0 || !buf || !size)
        return NULL;
    while (c > 0 && s) {
        s = strchr(s, '\n');
        if (s)
            s++;
        c--;
    }
    if (!s || !*s)
        return NULL;
    e = strchr(s, '\n');
    len = e ? (size_t)(e - s) : strlen(s);
    if (len && s[len - 1] == '\r')
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return buf;
}

CAM_API cam_result cam_preprocess_from_net(const cam_net *net, cam_preprocess *pp, cam_error *err)
{
    cam_tensor_info info;
    cam_result r;
    if (!net || !pp)
        return CAM_ERR_INVALID_ARG;
    memset(pp, 0, sizeof *pp);
    if ((r = cam_net_input_info(net, 0, &info)) != CAM_OK)
        return r;
    if (info.ndim == 4) {
        pp->channels = info.dims[1] > 0 && info.dims[1] <= 3 ? (int)info.dims[1] : 0;
        pp->height = info.dims[2] > 0 && info.dims[2] <= CAM_MAX_IMAGE_DIM ? (int)info.dims[2] : 0;
        pp->width = info.dims[3] > 0 && info.dims[3] <= CAM_MAX_IMAGE_DIM ? (int)info.dims[3] : 0;
    }
    if (pp->channels == 1)
        pp->color = CAM_COLOR_GRAY;
    return cam_preprocess_parse(pp, cam_net_metadata_get(net, "cam.resize"),
                                cam_net_metadata_get(net, "cam.resize_size"), cam_net_metadata_get(net, "cam.mean"),
                                cam_net_metadata_get(net, "cam.std"), cam_net_metadata_get(net, "cam.color"), err);
}
/* >>eval-impl: metrics, box extraction, threshold sweep, linear SVM */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <limits.h>
#include <stdarg.h>

/* Largest map the box code accepts: pixel indices stay in int. */
#define CAM__EVAL_MAX_PIXELS (1 << 30)

/* The allocator of a creation desc; zero fields: malloc and free. Memory
   comes back zeroed so that a failed create can free what it got. */
static void *cam__ev_alloc(const cam_allocator *a, size_t n)
{
    void *p;
    if (n == 0) n = 1;
    p = a->alloc ? a->alloc(n, 16, a->user) : malloc(n);
    if (p) memset(p, 0, n);
    return p;
}

static void cam__ev_free(const cam_allocator *a, void *p)
{
    if (!p) return;
    if (!a->alloc) free(p);
    else if (a->free) a->free(p, a->user);
}

CAM_API const char *cam_convention_name(cam_convention c)
{
    return c == CAM_CONVENTION_WSOL ? "wsol" : c == CAM_CONVENTION_PAPER ? "paper" : "unknown";
}

CAM_API cam_result cam_convention_parse(const char *name, cam_convention *out)
{
    if (!name || !out) return CAM_ERR_INVALID_ARG;
    if (!strcmp(name, "paper")) *out = CAM_CONVENTION_PAPER;
    else if (!strcmp(name, "wsol")) *out = CAM_CONVENTION_WSOL;
    else return CAM_ERR_INVALID_ARG;
    return CAM_OK;
}

static int64_t cam__box_area(const cam_box *b)
{
    if (b->x1 < b->x0 || b->y1 < b->y0) return 0;
    return (int64_t)(b->x1 - b->x0 + 1) * (int64_t)(b->y1 - b->y0 + 1);
}

CAM_API double cam_box_iou(const cam_box *a, const cam_box *b)
{
    int64_t ia, ua, aa, ab;
    int ix0, iy0, ix1, iy1;
    if (!a || !b) return 0.0;
    aa = cam__box_area(a);
    ab = cam__box_area(b);
    if (aa == 0 || ab == 0) return 0.0;
    ix0 = a->x0 > b->x0 ? a->x0 : b->x0;
    iy0 = a->y0 > b->y0 ? a->y0 : b->y0;
    ix1 = a->x1 < b->x1 ? a->x1 : b->x1;
    iy1 = a->y1 < b->y1 ? a->y1 : b->y1;
    ia = (ix1 < ix0 || iy1 < iy0) ? 0 : (int64_t)(ix1 - ix0 + 1) * (int64_t)(iy1 - iy0 + 1);
    ua = aa + ab - ia;
    /* Doubles of the integer areas, divided once: the same value numpy gets. */
    return ua > 0 ? (double)ia / (double)ua : 0.0;
}

/* >>levels
   Both conventions reduce to "keep pixel i at threshold t when lv[i] >= cut(t)":
   paper: lv = value, cut = tau * max; wsol: lv = uint8 level q, cut = int(tau * max q) + 1. */
typedef struct cam__levels {
    cam_convention conv;
    double vmax;     /* paper: max of the map; wsol: max of q */
    int n;
} cam__levels;

static cam_result cam__levels_make(const float *map, int h, int w, cam_convention conv, float *lv,
                                   cam__levels *info)
{
    int i, n;
    double mn, mx;
    if (!map || h <= 0 || w <= 0 || (int64_t)h * w > CAM__EVAL_MAX_PIXELS) return CAM_ERR_INVALID_ARG;
    if (conv != CAM_CONVENTION_PAPER && conv != CAM_CONVENTION_WSOL) return CAM_ERR_INVALID_ARG;
    n = h * w;
    mn = mx = map[0];
    for (i = 0; i < n; i++) {
        double v = map[i];
        if (!(v == v) || v > 3.0e38 || v < -3.0e38) return CAM_ERR_INVALID_ARG; /* NaN, inf */
        if (v < mn) mn = v;
        if (v > mx) mx = v;
    }
    info->conv = conv;
    info->n = n;
    if (conv == CAM_CONVENTION_PAPER) {
        if (lv != map) memcpy(lv, map, (size_t)n * sizeof(float));
        info->vmax = mx;
    } else {
        /* wsolevaluation: cam -= min; cam /= max (float64); (cam * 255).astype(uint8). */
        double range = mx - mn, qmax = 0;
        for (i = 0; i < n; i++) {
            double q = 0;
            if (range > 0) {
                q = floor((((double)map[i] - mn) / range) * 255.0);
                if (q > 255) q = 255;
            }
            lv[i] = (float)q;
            if (q > qmax) qmax = q;
        }
        info->vmax = qmax;
    }
    return CAM_OK;
}

static double cam__levels_cut(const cam__levels *L, double tau)
{
    /* max <= 0: no positive evidence, no box (cam_map_boxes does the same) */
    if (L->conv == CAM_CONVENTION_PAPER) return L->vmax > 0 ? tau * L->vmax : HUGE_VAL;
    return floor(tau * L->vmax) + 1.0; /* int() of a non-negative product, then strict > */
}

/* The convention's box from a component's tight box (or an empty one). */
static cam_box cam__conv_box(cam_convention conv, int empty, int x0, int y0, int x1, int y1, int h, int w)
{
    cam_box b;
    memset(&b, 0, sizeof b);
    if (empty) {
        b.x0 = b.y0 = 0;
        b.x1 = b.y1 = conv == CAM_CONVENTION_WSOL ? 0 : -1;
        return b;
    }
    b.x0 = x0;
    b.y0 = y0;
    if (conv == CAM_CONVENTION_WSOL) {
        /* cv2.boundingRect gives w = x1 - x0 + 1 and the repository uses x + w. */
        x1 = x1 + 1 < w - 1 ? x1 + 1 : w - 1;
        y1 = y1 + 1 < h - 1 ? y1 + 1 : h - 1;
    }
    b.x1 = x1;
    b.y1 = y1;
    return b;
}

/* Box of a hole's contour: cv2 traces a hole along the kept pixels 4-adjacent
   to it, one pixel outside the hole's own box on every side. */
static cam_box cam__hole_box(cam_convention conv, int x0, int y0, int x1, int y1, int h, int w)
{
    return cam__conv_box(conv, 0, x0 - 1, y0 - 1, x1 + 1, y1 + 1, h, w);
}

/* 2 x cv2.contourArea of a component's outer contour. The contour runs
   through the centres of its border pixels, so the area it encloses is that
   of the component with its holes filled, counted over 2x2 pixel blocks:
   4 pixels inside add 2, 3 pixels add 1 (the contour cuts the block along a
   diagonal), fewer add nothing. mask: bw x bh over the component's bounding
   box, 1 = in the component, 0 = not; overwritten (2 = outside). stack:
   bw * bh ints. Pixels not in the component that reach the box's edge
   through 4-connected non-component pixels are outside; the rest are holes. */
static int64_t cam__filled_area2(unsigned char *mask, int bw, int bh, int *stack)
{
    int sp = 0, x, y;
    int64_t a = 0;
    for (y = 0; y < bh; y++)
        for (x = 0; x < bw; x++)
            if ((y == 0 || y == bh - 1 || x == 0 || x == bw - 1) && mask[y * bw + x] == 0) {
                mask[y * bw + x] = 2;
                stack[sp++] = y * bw + x;
            }
    while (sp) {
        int p = stack[--sp], py = p / bw, px = p % bw;
        if (py > 0 && mask[p - bw] == 0) { mask[p - bw] = 2; stack[sp++] = p - bw; }
        if (py < bh - 1 && mask[p + bw] == 0) { mask[p + bw] = 2; stack[sp++] = p + bw; }
        if (px > 0 && mask[p - 1] == 0) { mask[p - 1] = 2; stack[sp++] = p - 1; }
        if (px < bw - 1 && mask[p + 1] == 0) { mask[p + 1] = 2; stack[sp++] = p + 1; }
    }
    for (y = 0; y + 1 < bh; y++)
        for (x = 0; x + 1 < bw; x++) {
            int cnt = (mask[y * bw + x] != 2) + (mask[y * bw + x + 1] != 2) + (mask[(y + 1) * bw + x] != 2) +
                      (mask[(y + 1) * bw + x + 1] != 2);
            if (cnt >= 3) a += cnt - 2;
        }
    return a;
}

/* Is component a larger than b? paper: more pixels, then larger sum, then
   first pixel earlier in raster order (cam_map_boxes' order); wsol: larger
   contour area, then first pixel later (cv2 lists top-level contours in
   reverse order of discovery and max() keeps the first). */
static int cam__larger(int wsol, int64_t ka, double sa, int ia, int64_t kb, double sb, int ib)
{
    if (ka != kb) return ka > kb;
    if (wsol) return ia > ib;
    if (sa != sb) return sa > sb;
    return ia < ib;
}

static cam_result cam__rule_check(const cam_box_rule *rule, cam_convention *conv, int *conn)
{
    cam_box_rule r;
    if (rule) r = *rule;
    else memset(&r, 0, sizeof r);
    if (r.convention != CAM_CONVENTION_PAPER && r.convention != CAM_CONVENTION_WSOL) return CAM_ERR_INVALID_ARG;
    if (r.connectivity == 0) r.connectivity = 8;
    if (r.connectivity != 4 && r.connectivity != 8) return CAM_ERR_INVALID_ARG;
    if (r.convention == CAM_CONVENTION_WSOL && r.connectivity != 8) return CAM_ERR_INVALID_ARG;
    *conv = r.convention;
    *conn = r.connectivity;
    return CAM_OK;
}

/* >>box-at: threshold, label by flood fill, pick the largest. Plain on purpose:
   it is the reference for the sweep. */
static cam_result cam__map_box_at(const float *map, int h, int w, double tau, const cam_box_rule *rule, cam_box *box,
                                  int *n_components, cam_box *all_boxes, int max_boxes, const cam_allocator *A)
{
    cam_convention conv;
    int conn, n, i, ncomp = 0, best = -1;
    float *lv = NULL;
    int *lab = NULL, *stack = NULL;
    int64_t *key = NULL, *npix = NULL;
    double *sum = NULL;
    int *first = NULL;
    int *bx = NULL; /* 4 per component: x0 y0 x1 y1 */
    cam__levels L;
    double cut;
    cam_result r;
    if ((r = cam__rule_check(rule, &conv, &conn)) != CAM_OK) return r;
    if (!map || h <= 0 || w <= 0 || (int64_t)h * w > CAM__EVAL_MAX_PIXELS || tau != tau) return CAM_ERR_INVALID_ARG;
    n = h * w;
    lv = (float *)cam__ev_alloc(A, (size_t)n * sizeof(float));
    lab = (int *)cam__ev_alloc(A, (size_t)n * sizeof(int));
    stack = (int *)cam__ev_alloc(A, (size_t)n * sizeof(int));
    key = (int64_t *)cam__ev_alloc(A, (size_t)n * sizeof(int64_t));
    bx = (int *)cam__ev_alloc(A, (size_t)n * 4 * sizeof(int));
    npix = (int64_t *)cam__ev_alloc(A, (size_t)n * sizeof(int64_t));
    sum = (double *)cam__ev_alloc(A, (size_t)n * sizeof(double));
    first = (int *)cam__ev_alloc(A, (size_t)n * sizeof(int));
    if (!lv || !lab || !stack || !key || !bx || !npix || !sum || !first) {
        r = CAM_ERR_NOMEM;
        goto done;
    }
    if ((r = cam__levels_make(map, h, w, conv, lv, &L)) != CAM_OK) goto done;
    cut = cam__levels_cut(&L, tau);
    for (i = 0; i < n; i++) lab[i] = (double)lv[i] >= cut ? -1 : -2; /* -1: kept, unlabelled */
    for (i = 0; i < n; i++) {
        int sp = 0, c;
        if (lab[i] != -1) continue;
        c = ncomp++;
        lab[i] = c;
        stack[sp++] = i;
        key[c] = 0;
        sum[c] = 0;
        first[c] = i;
        bx[4 * c] = bx[4 * c + 2] = i % w;
        bx[4 * c + 1] = bx[4 * c + 3] = i / w;
        while (sp) {
            int p = stack[--sp], y = p / w, x = p % w, dy, dx;
            key[c]++;
            sum[c] += lv[p];
            if (x < bx[4 * c]) bx[4 * c] = x;
            if (x > bx[4 * c + 2]) bx[4 * c + 2] = x;
            if (y < bx[4 * c + 1]) bx[4 * c + 1] = y;
            if (y > bx[4 * c + 3]) bx[4 * c + 3] = y;
            for (dy = -1; dy <= 1; dy++)
                for (dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx, q;
                    if ((!dy && !dx) || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    if (conn == 4 && dy && dx) continue;
                    q = yy * w + xx;
                    if (lab[q] == -1) {
                        lab[q] = c;
                        stack[sp++] = q;
                    }
                }
        }
    }
    for (i = 0; i < ncomp; i++) npix[i] = key[i];
    if (conv == CAM_CONVENTION_WSOL) {
        /* contour area x2 of each component, holes filled, over its box */
        unsigned char *mask = (unsigned char *)cam__ev_alloc(A, (size_t)n);
        if (!mask) {
            r = CAM_ERR_NOMEM;
            goto done;
        }
        for (i = 0; i < ncomp; i++) {
            int x0 = bx[4 * i], y0 = bx[4 * i + 1], bw = bx[4 * i + 2] - x0 + 1, bh = bx[4 * i + 3] - y0 + 1, y, x;
            for (y = 0; y < bh; y++)
                for (x = 0; x < bw; x++) mask[y * bw + x] = lab[(y0 + y) * w + x0 + x] == i;
            key[i] = cam__filled_area2(mask, bw, bh, stack);
        }
        cam__ev_free(A, mask);
    }
    for (i = 0; i < ncomp; i++)
        if (best < 0 || cam__larger(conv == CAM_CONVENTION_WSOL, key[i], sum[i], first[i], key[best], sum[best],
                                    first[best]))
            best = i;
    if (box) {
        if (best < 0) *box = cam__conv_box(conv, 1, 0, 0, 0, 0, h, w);
        else {
            *box = cam__conv_box(conv, 0, bx[4 * best], bx[4 * best + 1], bx[4 * best + 2], bx[4 * best + 3], h, w);
            box->pixels = npix[best];
        }
    }
    if (all_boxes)
        for (i = 0; i < ncomp && i < max_boxes; i++) {
            all_boxes[i] = cam__conv_box(conv, 0, bx[4 * i], bx[4 * i + 1], bx[4 * i + 2], bx[4 * i + 3], h, w);
            all_boxes[i].pixels = npix[i];
        }
    if (conv == CAM_CONVENTION_WSOL && ncomp > 0) {
        /* hole contours (cv2 RETR_TREE): 4-connected dropped regions away from the edge */
        int nh = 0;
        for (i = 0; i < n; i++) {
            int sp = 0, x0, y0, x1, y1, edge = 0;
            if (lab[i] != -2) continue;
            lab[i] = -3;
            stack[sp++] = i;
            x0 = x1 = i % w;
            y0 = y1 = i / w;
            while (sp) {
                int p = stack[--sp], y = p / w, x = p % w, k;
                static const int dy4[4] = {-1, 1, 0, 0}, dx4[4] = {0, 0, -1, 1};
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
                if (x == 0 || y == 0 || x == w - 1 || y == h - 1) edge = 1;
                for (k = 0; k < 4; k++) {
                    int yy = y + dy4[k], xx = x + dx4[k];
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w || lab[yy * w + xx] != -2) continue;
                    lab[yy * w + xx] = -3;
                    stack[sp++] = yy * w + xx;
                }
            }
            if (edge) continue;
            if (all_boxes && ncomp + nh < max_boxes) all_boxes[ncomp + nh] = cam__hole_box(conv, x0, y0, x1, y1, h, w);
            nh++;
        }
        ncomp += nh;
    }
    if (n_components) *n_components = ncomp;
done:
    cam__ev_free(A, npix);
    cam__ev_free(A, sum);
    cam__ev_free(A, first);
    cam__ev_free(A, lv);
    cam__ev_free(A, lab);
    cam__ev_free(A, stack);
    cam__ev_free(A, key);
    cam__ev_free(A, bx);
    return r;
}

CAM_API cam_result cam_map_box_at(const float *map, int h, int w, double tau, const cam_box_rule *rule,
                                  cam_box *box, int *n_components, cam_box *all_boxes, int max_boxes)
{
    cam_allocator a;
    memset(&a, 0, sizeof a);
    return cam__map_box_at(map, h, w, tau, rule, box, n_components, all_boxes, max_boxes, &a);
}

/* >>sweep-impl */
typedef struct cam__heap_item {
    double iou;
    int root, version;
} cam__heap_item;

struct cam_sweep {
    cam_allocator alloc;
    cam_convention conv;
    int conn;
    int n_thr;
    double *thr;
    int cap;              /* pixels the buffers hold */
    float *lv;
    int *order, *tmp;     /* pixel order (descending level) and radix scratch */
    uint32_t *keys, *keys2;
    int *parent, *size, *minidx, *bx, *version, *dirty_list;
    int64_t *area2;
    double *sum;
    unsigned char *dirty;
    cam__heap_item *heap;
    int *cp;              /* checkpoint order */
    double *cut;
    double *hole_best;    /* WSOL: best hole-contour IoU per threshold, -1: none */
    int *hole_off, *hole_cnt; /* WSOL: holes[hole_off[t] ..] are the first pixels of */
    int *holes;           /* the holes at threshold t (hole_cnt[t] of them) */
    int holes_cap;
    int *bmin, *cand;     /* first pixel of a dropped region; holed components */
    char error[CAM_ERROR_MESSAGE_SIZE];
};

CAM_API int cam_sweep_count(const cam_sweep *s) { return s ? s->n_thr : 0; }
CAM_API double cam_sweep_tau(const cam_sweep *s, int i)
{
    return s && i >= 0 && i < s->n_thr ? s->thr[i] : 0.0;
}
CAM_API const char *cam_sweep_last_error(const cam_sweep *s) { return s ? s->error : ""; }

static void cam__sweep_release(cam_sweep *s)
{
    const cam_allocator *a = &s->alloc;
    cam__ev_free(a, s->lv); cam__ev_free(a, s->order); cam__ev_free(a, s->tmp);
    cam__ev_free(a, s->keys); cam__ev_free(a, s->keys2); cam__ev_free(a, s->parent);
    cam__ev_free(a, s->size); cam__ev_free(a, s->minidx); cam__ev_free(a, s->bx);
    cam__ev_free(a, s->version); cam__ev_free(a, s->dirty_list); cam__ev_free(a, s->area2);
    cam__ev_free(a, s->sum); cam__ev_free(a, s->dirty); cam__ev_free(a, s->heap);
    cam__ev_free(a, s->bmin); cam__ev_free(a, s->cand);
    s->lv = NULL; s->order = s->tmp = NULL; s->keys = s->keys2 = NULL;
    s->parent = s->size = s->minidx = s->bx = s->version = s->dirty_list = NULL;
    s->area2 = NULL; s->sum = NULL; s->dirty = NULL; s->heap = NULL; s->bmin = s->cand = NULL;
    s->cap = 0;
}

static cam_result cam__sweep_reserve(cam_sweep *s, int n)
{
    size_t N = (size_t)n;
    if (n <= s->cap) return CAM_OK;
    cam__sweep_release(s);
    s->lv = (float *)cam__ev_alloc(&s->alloc, N * sizeof(float));
    s->order = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->tmp = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->keys = (uint32_t *)cam__ev_alloc(&s->alloc, N * sizeof(uint32_t));
    s->keys2 = (uint32_t *)cam__ev_alloc(&s->alloc, N * sizeof(uint32_t));
    s->parent = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->size = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->minidx = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->bx = (int *)cam__ev_alloc(&s->alloc, N * 4 * sizeof(int));
    s->version = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->dirty_list = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->area2 = (int64_t *)cam__ev_alloc(&s->alloc, N * sizeof(int64_t));
    s->sum = (double *)cam__ev_alloc(&s->alloc, N * sizeof(double));
    s->bmin = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->cand = (int *)cam__ev_alloc(&s->alloc, N * sizeof(int));
    s->dirty = (unsigned char *)cam__ev_alloc(&s->alloc, N);
    s->heap = (cam__heap_item *)cam__ev_alloc(&s->alloc, N * sizeof(cam__heap_item));
    if (!s->lv || !s->order || !s->tmp || !s->keys || !s->keys2 || !s->parent || !s->size || !s->minidx ||
        !s->bx || !s->version || !s->dirty_list || !s->area2 || !s->sum || !s->bmin || !s->cand || !s->dirty || !s->heap) {
        cam__sweep_release(s);
        return CAM_ERR_NOMEM;
    }
    s->cap = n;
    return CAM_OK;
}

CAM_API cam_result cam_sweep_create(const cam_sweep_desc *desc, cam_sweep **out)
{
    cam_sweep *s;
    cam_sweep_desc d;
    cam_result r;
    int i;
    if (!out) return CAM_ERR_INVALID_ARG;
    *out = NULL;
    if (desc) d = *desc;
    else memset(&d, 0, sizeof d);
    if (d.n_thresholds < 0 || d.n_thresholds > 1000000 || d.max_pixels < 0 || d.max_pixels > CAM__EVAL_MAX_PIXELS)
        return CAM_ERR_INVALID_ARG;
    if (d.n_thresholds == 0) {
        if (d.thresholds) return CAM_ERR_INVALID_ARG;
        d.n_thresholds = 100;
    }
    if (d.thresholds)
        for (i = 0; i < d.n_thresholds; i++)
            if (!(d.thresholds[i] == d.thresholds[i])) return CAM_ERR_INVALID_ARG;
    s = (cam_sweep *)cam__ev_alloc(&d.allocator, sizeof *s);
    if (!s) return CAM_ERR_NOMEM;
    s->alloc = d.allocator;
    if ((r = cam__rule_check(&d.rule, &s->conv, &s->conn)) != CAM_OK) {
        cam__ev_free(&d.allocator, s);
        return r;
    }
    s->n_thr = d.n_thresholds;
    s->thr = (double *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(double));
    s->cp = (int *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(int));
    s->cut = (double *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(double));
    s->hole_best = (double *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(double));
    s->hole_off = (int *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(int));
    s->hole_cnt = (int *)cam__ev_alloc(&s->alloc, (size_t)s->n_thr * sizeof(int));
    if (!s->thr || !s->cp || !s->cut || !s->hole_best || !s->hole_off || !s->hole_cnt) {
        cam_sweep_free(s);
        return CAM_ERR_NOMEM;
    }
    /* np.arange(0, 1, step) computes i * step; 1.0 / 100 is the double 0.01. */
    for (i = 0; i < s->n_thr; i++) s->thr[i] = d.thresholds ? d.thresholds[i] : i * (1.0 / s->n_thr);
    if (d.max_pixels && (r = cam__sweep_reserve(s, d.max_pixels)) != CAM_OK) {
        cam_sweep_free(s);
        return r;
    }
    *out = s;
    return CAM_OK;
}

CAM_API void cam_sweep_free(cam_sweep *s)
{
    cam_allocator a;
    if (!s) return;
    a = s->alloc;
    cam__sweep_release(s);
    cam__ev_free(&a, s->thr);
    cam__ev_free(&a, s->cp);
    cam__ev_free(&a, s->cut);
    cam__ev_free(&a, s->hole_best);
    cam__ev_free(&a, s->hole_off);
    cam__ev_free(&a, s->hole_cnt);
    cam__ev_free(&a, s->holes);
    cam__ev_free(&a, s);
}

/* Orders pixels by level, highest first, ties by index: an LSD radix sort on
   the float bits (flipped so that unsigned order is descending value). */
static void cam__sweep_order(cam_sweep *s, int n, int uint8_levels)
{
    int i, pass, npass = uint8_levels ? 1 : 4;
    int *src = s->order, *dst = s->tmp;
    uint32_t *ks = s->keys, *kd = s->keys2;
    for (i = 0; i < n; i++) {
        uint32_t u;
        float f = s->lv[i];
        if (uint8_levels) u = 255u - (uint32_t)f;
        else {
            memcpy(&u, &f, sizeof u);
            u = (u & 0x80000000u) ? ~u : (u | 0x80000000u); /* ascending as unsigned */
            u = ~u;                                         /* descending */
        }
        ks[i] = u;
        src[i] = i;
    }
    for (pass = 0; pass < npass; pass++) {
        int count[257];
        int shift = pass * 8;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++) count[((ks[i] >> shift) & 255u) + 1]++;
        for (i = 0; i < 256; i++) count[i + 1] += count[i];
        for (i = 0; i < n; i++) {
            int b = (int)((ks[i] >> shift) & 255u), at = count[b]++;
            dst[at] = src[i];
            kd[at] = ks[i];
        }
        { int *t = src; src = dst; dst = t; }
        { uint32_t *t = ks; ks = kd; kd = t; }
    }
    if (src != s->order) memcpy(s->order, src, (size_t)n * sizeof(int));
}

static int cam__uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

/* Grows component big's box (x0 y0 x1 y1 in bx, 4 per component) to take in small's. */
static void cam__box_grow(int *bx, int big, int small)
{
    if (bx[4 * small] < bx[4 * big]) bx[4 * big] = bx[4 * small];
    if (bx[4 * small + 1] < bx[4 * big + 1]) bx[4 * big + 1] = bx[4 * small + 1];
    if (bx[4 * small + 2] > bx[4 * big + 2]) bx[4 * big + 2] = bx[4 * small + 2];
    if (bx[4 * small + 3] > bx[4 * big + 3]) bx[4 * big + 3] = bx[4 * small + 3];
}

static void cam__heap_push(cam__heap_item *h, int *n, cam__heap_item it)
{
    int i = (*n)++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (h[p].iou >= it.iou) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = it;
}

static void cam__heap_pop(cam__heap_item *h, int *n)
{
    cam__heap_item last = h[--(*n)];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && h[c + 1].iou > h[c].iou) c++;
        if (h[c].iou <= last.iou) break;
        h[i] = h[c];
        i = c;
    }
    if (*n > 0) h[i] = last;
}

static double cam__best_gt_iou(const cam_box *b, const cam_box *gt, int n_gt)
{
    double best = 0;
    int j;
    for (j = 0; j < n_gt; j++) {
        double v = cam_box_iou(b, &gt[j]);
        if (v > best) best = v;
    }
    return best;
}

/* WSOL multi-contour: cv2's RETR_TREE also returns hole contours. Holes are
   the 4-connected components of dropped pixels that do not touch the map's
   edge; they grow as the threshold rises, so a union-find pass over the
   pixels in increasing order finds them at every threshold (the same
   arrays as the main pass, which runs afterwards). It also lists the holes
   at every threshold (their first pixels) for the largest-contour rule. */
static cam_result cam__sweep_holes(cam_sweep *s, int h, int w, int n, const cam_box *gt, int n_gt)
{
    int *parent = s->parent, *size = s->size, *edge = s->minidx, *bx = s->bx, *bmin = s->bmin;
    int c, p = n - 1, nheap = 0, ndirty = 0, i, nholes = 0;
    for (i = 0; i < n; i++) parent[i] = -1;
    for (c = s->n_thr - 1; c >= 0; c--) { /* lowest cut first */
        int t = s->cp[c];
        double cut = s->cut[t];
        while (p >= 0 && (double)s->lv[s->order[p]] < cut) {
            int q = s->order[p--], y = q / w, x = q % w, k, root = q;
            static const int dy4[4] = {-1, 1, 0, 0}, dx4[4] = {0, 0, -1, 1};
            parent[q] = q;
            size[q] = 1;
            edge[q] = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            bmin[q] = q;
            bx[4 * q] = bx[4 * q + 2] = x;
            bx[4 * q + 1] = bx[4 * q + 3] = y;
            s->dirty[q] = 0;
            s->version[q] = 0;
            for (k = 0; k < 4; k++) {
                int yy = y + dy4[k], xx = x + dx4[k], o, ro, big, small;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                o = yy * w + xx;
                if (parent[o] < 0) continue;
                ro = cam__uf_find(parent, o);
                if (ro == root) continue;
                big = size[ro] > size[root] ? ro : root;
                small = big == ro ? root : ro;
                parent[small] = big;
                size[big] += size[small];
                edge[big] |= edge[small];
                if (bmin[small] < bmin[big]) bmin[big] = bmin[small];
                cam__box_grow(bx, big, small);
                root = big;
            }
            if (!s->dirty[root]) {
                s->dirty[root] = 1;
                s->dirty_list[ndirty++] = root;
            }
        }
        for (i = 0; i < ndirty; i++) {
            int q = s->dirty_list[i];
            s->dirty[q] = 0;
            if (parent[q] != q) continue;
            ++s->version[q]; /* older entries of q are stale now */
            if (!edge[q]) {
                cam__heap_item it;
                cam_box b = cam__hole_box(s->conv, bx[4 * q], bx[4 * q + 1], bx[4 * q + 2], bx[4 * q + 3], h, w);
                it.iou = gt ? cam__best_gt_iou(&b, gt, n_gt) : 0.0;
                it.root = q;
                it.version = s->version[q];
                cam__heap_push(s->heap, &nheap, it);
            }
        }
        ndirty = 0;
        while (nheap > 0 && (parent[s->heap[0].root] != s->heap[0].root ||
                             s->version[s->heap[0].root] != s->heap[0].version))
            cam__heap_pop(s->heap, &nheap);
        s->hole_best[t] = nheap > 0 ? s->heap[0].iou : -1.0;
        /* the live holes are the heap's current entries */
        s->hole_off[t] = nholes;
        s->hole_cnt[t] = 0;
        for (i = 0; i < nheap; i++) {
            int q = s->heap[i].root;
            if (parent[q] != q || s->version[q] != s->heap[i].version) continue;
            if (nholes == s->holes_cap) {
                int cap = s->holes_cap ? 2 * s->holes_cap : 1024;
                int *nh = (int *)cam__ev_alloc(&s->alloc, (size_t)cap * sizeof(int));
                if (!nh) return CAM_ERR_NOMEM;
                if (nholes) memcpy(nh, s->holes, (size_t)nholes * sizeof(int));
                cam__ev_free(&s->alloc, s->holes);
                s->holes = nh;
                s->holes_cap = cap;
            }
            s->holes[nholes++] = bmin[q];
            s->hole_cnt[t]++;
        }
    }
    return CAM_OK;
}

/* The largest WSOL contour at a checkpoint: the tracked largest by area
   without holes, unless a component with holes is larger once they are
   filled. Only components around a hole can gain, so only they are measured. */
static int cam__sweep_holed_best(cam_sweep *s, int t, int h, int w, int best)
{
    int *parent = s->parent, *bx = s->bx, *minidx = s->minidx, *cand = s->cand;
    unsigned char *mask = (unsigned char *)s->keys2; /* free after the sort */
    int *stack = s->tmp;
    int i, nc = 0, cbest = best;
    int64_t ckey = best >= 0 ? s->area2[best] : -1;
    (void)h;
    for (i = 0; i < s->hole_cnt[t]; i++) {
        int q = s->holes[s->hole_off[t] + i] - w; /* the pixel above a hole's first pixel is kept */
        int c = cam__uf_find(parent, q), j;
        for (j = 0; j < nc && cand[j] != c; j++) {
        }
        if (j == nc) cand[nc++] = c;
    }
    /* A filled area is at most the box's, 2 (bw-1)(bh-1) in these units:
       components that cannot reach the tracked best's area are skipped, and
       the tracked best is measured only when some other one could pass it. */
    {
        int any = 0, best_holed = 0;
        for (i = 0; i < nc; i++) {
            int c = cand[i];
            int64_t ub = 2 * (int64_t)(bx[4 * c + 2] - bx[4 * c]) * (bx[4 * c + 3] - bx[4 * c + 1]);
            if (c == best) best_holed = 1;
            else if (ub >= ckey) cand[any++] = c;
        }
        nc = any;
        if (nc && best_holed) cand[nc++] = best; /* measured like the others */
    }
    for (i = 0; i < nc; i++) {
        int c = cand[i], x0 = bx[4 * c], y0 = bx[4 * c + 1], bw = bx[4 * c + 2] - x0 + 1, bh = bx[4 * c + 3] - y0 + 1;
        int y, x;
        int64_t k;
        if (c != best && 2 * (int64_t)(bw - 1) * (bh - 1) < ckey) continue; /* cannot pass the current pick */
        for (y = 0; y < bh; y++)
            for (x = 0; x < bw; x++) {
                int p = (y0 + y) * w + x0 + x;
                mask[y * bw + x] = parent[p] >= 0 && cam__uf_find(parent, p) == c;
            }
        k = cam__filled_area2(mask, bw, bh, stack);
        if (c == best) {
            /* the tracked best grows to its filled area; a pick made before
               against its smaller area is checked again */
            if (cbest == best) ckey = k;
            else if (!cam__larger(1, ckey, 0, minidx[cbest], k, 0, minidx[best])) {
                cbest = best;
                ckey = k;
            }
        } else if (cam__larger(1, k, 0, minidx[c], ckey, 0, minidx[cbest])) {
            cbest = c;
            ckey = k;
        }
    }
    return cbest;
}

CAM_API cam_result cam_sweep_run(cam_sweep *s, const float *map, int h, int w, const cam_box *gt, int n_gt,
                                 cam_box *boxes, double *best_iou)
{
    cam__levels L;
    cam_result r;
    int n, i, c, p = 0, best = -1, rescan = 0, nheap = 0, ndirty = 0;
    int64_t best_key = -1;
    double best_sum = 0;
    int best_min = -1;
    int *parent, *size, *minidx, *bx;
    int64_t *area2;
    double *sum;
    int wsol;
    if (!s) return CAM_ERR_INVALID_ARG;
    s->error[0] = 0;
    if (!map || h <= 0 || w <= 0 || (int64_t)h * w > CAM__EVAL_MAX_PIXELS) {
        snprintf(s->error, sizeof s->error, "sweep: bad map (%d x %d)", h, w);
        return CAM_ERR_INVALID_ARG;
    }
    if (best_iou && (n_gt <= 0 || !gt)) {
        snprintf(s->error, sizeof s->error, "sweep: best IoU needs ground-truth boxes");
        return CAM_ERR_INVALID_ARG;
    }
    n = h * w;
    if ((r = cam__sweep_reserve(s, n)) != CAM_OK) {
        snprintf(s->error, sizeof s->error, "sweep: out of memory for %d pixels", n);
        return r;
    }
    if ((r = cam__levels_make(map, h, w, s->conv, s->lv, &L)) != CAM_OK) {
        snprintf(s->error, sizeof s->error, "sweep: map holds NaN or infinity");
        return r;
    }
    wsol = s->conv == CAM_CONVENTION_WSOL;
    cam__sweep_order(s, n, wsol);
    /* Checkpoints from the highest cut down (a caller's list need not be sorted). */
    for (i = 0; i < s->n_thr; i++) {
        s->cut[i] = cam__levels_cut(&L, s->thr[i]);
        s->cp[i] = i;
    }
    {
        int inc = 1, dec = 1;
        for (i = 1; i < s->n_thr; i++) {
            if (s->cut[i] < s->cut[i - 1]) inc = 0;
            if (s->cut[i] > s->cut[i - 1]) dec = 0;
        }
        if (inc && !dec) /* the usual case: ascending tau, max >= 0 */
            for (i = 0; i < s->n_thr; i++) s->cp[i] = s->n_thr - 1 - i;
        else if (!dec)
            for (i = 1; i < s->n_thr; i++) { /* unordered list: insertion sort */
                int v = s->cp[i], j = i;
                while (j > 0 && s->cut[s->cp[j - 1]] < s->cut[v]) {
                    s->cp[j] = s->cp[j - 1];
                    j--;
                }
                s->cp[j] = v;
            }
    }
    if (wsol && (best_iou || boxes) && (r = cam__sweep_holes(s, h, w, n, best_iou ? gt : NULL, n_gt)) != CAM_OK) {
        snprintf(s->error, sizeof s->error, "sweep: out of memory for the hole list");
        return r;
    }
    parent = s->parent;
    size = s->size;
    minidx = s->minidx;
    bx = s->bx;
    area2 = s->area2;
    sum = s->sum;
    for (i = 0; i < n; i++) parent[i] = -1;
    for (c = 0; c < s->n_thr; c++) {
        int t = s->cp[c];
        double cut = s->cut[t];
        while (p < n && (double)s->lv[s->order[p]] >= cut) {
            int q = s->order[p++], y = q / w, x = q % w, dy, dx, root;
            int contains_best = 0;
            parent[q] = q;
            size[q] = 1;
            minidx[q] = q;
            area2[q] = 0;
            sum[q] = s->lv[q];
            bx[4 * q] = bx[4 * q + 2] = x;
            bx[4 * q + 1] = bx[4 * q + 3] = y;
            s->dirty[q] = 0;
            s->version[q] = 0;
            root = q;
            for (dy = -1; dy <= 1; dy++)
                for (dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx, o, ro, big, small;
                    if ((!dy && !dx) || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    if (s->conn == 4 && dy && dx) continue;
                    o = yy * w + xx;
                    if (parent[o] < 0) continue;
                    ro = cam__uf_find(parent, o);
                    if (ro == root) continue;
                    /* union by size; the merged root takes both boxes and areas */
                    big = size[ro] > size[root] ? ro : root;
                    small = big == ro ? root : ro;
                    parent[small] = big;
                    size[big] += size[small];
                    area2[big] += area2[small];
                    sum[big] += sum[small];
                    if (minidx[small] < minidx[big]) minidx[big] = minidx[small];
                    cam__box_grow(bx, big, small);
                    root = big;
                }
            if (wsol) {
                /* the four 2x2 blocks holding q: each reaching 3 or 4 kept pixels adds 1 */
                int by, bxx;
                for (by = y - 1; by <= y; by++)
                    for (bxx = x - 1; bxx <= x; bxx++) {
                        int cnt;
                        if (by < 0 || bxx < 0 || by + 1 >= h || bxx + 1 >= w) continue;
                        cnt = (parent[by * w + bxx] >= 0) + (parent[by * w + bxx + 1] >= 0) +
                              (parent[(by + 1) * w + bxx] >= 0) + (parent[(by + 1) * w + bxx + 1] >= 0);
                        if (cnt >= 3) area2[root]++;
                    }
            }
            if (best_iou && !s->dirty[root]) {
                s->dirty[root] = 1;
                s->dirty_list[ndirty++] = root;
            }
            /* Largest component: only the grown one can overtake. Keys only
               grow, except that in WSOL a merge can lower the tie-break index
               while the area stays; then look again at the checkpoint. */
            if (!rescan) {
                int64_t k = wsol ? area2[root] : size[root];
                contains_best = best >= 0 && cam__uf_find(parent, best) == root;
                if (contains_best) {
                    if (!cam__larger(wsol, best_key, best_sum, best_min, k, sum[root], minidx[root])) {
                        best = root;
                        best_key = k;
                        best_sum = sum[root];
                        best_min = minidx[root];
                    } else
                        rescan = 1;
                } else if (best < 0 || cam__larger(wsol, k, sum[root], minidx[root], best_key, best_sum, best_min)) {
                    best = root;
                    best_key = k;
                    best_sum = sum[root];
                    best_min = minidx[root];
                }
            }
        }
        if (rescan) {
            int j;
            best = -1;
            for (j = 0; j < p; j++) {
                int q = s->order[j];
                int64_t k;
                if (parent[q] != q) continue;
                k = wsol ? area2[q] : size[q];
                if (best < 0 || cam__larger(wsol, k, sum[q], minidx[q], best_key, best_sum, best_min)) {
                    best = q;
                    best_key = k;
                    best_sum = sum[q];
                    best_min = minidx[q];
                }
            }
            rescan = 0;
        }
        if (boxes) {
            int b = best;
            if (wsol && b >= 0 && s->hole_cnt[t] > 0) b = cam__sweep_holed_best(s, t, h, w, best);
            if (b < 0) boxes[t] = cam__conv_box(s->conv, 1, 0, 0, 0, 0, h, w);
            else {
                boxes[t] = cam__conv_box(s->conv, 0, bx[4 * b], bx[4 * b + 1], bx[4 * b + 2], bx[4 * b + 3], h, w);
                boxes[t].pixels = size[b];
            }
        }
        if (best_iou) {
            int j;
            for (j = 0; j < ndirty; j++) {
                int q = s->dirty_list[j];
                s->dirty[q] = 0;
                if (parent[q] == q) {
                    cam__heap_item it;
                    cam_box b = cam__conv_box(s->conv, 0, bx[4 * q], bx[4 * q + 1], bx[4 * q + 2], bx[4 * q + 3], h, w);
                    it.iou = cam__best_gt_iou(&b, gt, n_gt);
                    it.root = q;
                    it.version = ++s->version[q];
                    cam__heap_push(s->heap, &nheap, it);
                }
            }
            ndirty = 0;
            /* stale entries: roots merged away or boxes that changed since */
            while (nheap > 0 && (parent[s->heap[0].root] != s->heap[0].root ||
                                 s->version[s->heap[0].root] != s->heap[0].version))
                cam__heap_pop(s->heap, &nheap);
            if (nheap > 0) best_iou[t] = s->heap[0].iou;
            else {
                cam_box e = cam__conv_box(s->conv, 1, 0, 0, 0, 0, h, w);
                best_iou[t] = cam__best_gt_iou(&e, gt, n_gt);
            }
            if (wsol && s->hole_best[t] > best_iou[t]) best_iou[t] = s->hole_best[t];
        }
    }
    return CAM_OK;
}

/* >>eval-accumulator */
static const double cam__v2_deltas[3] = {0.3, 0.5, 0.7};

struct cam_eval {
    cam_eval_desc desc;
    cam_sweep *sweep;
    int n_thr;
    int64_t images, n_cls, n_loc, n_map;
    int64_t top1_cls_ok, topk_cls_ok, top1_loc_ok, topk_loc_ok, gt_known_ok;
    int64_t *hits;        /* n_thr: largest box IoU >= desc.iou */
    int64_t *hits_v2;     /* 3 x n_thr: any component IoU >= delta */
    cam_box *boxes;  /* n_thr */
    double *best;         /* n_thr */
    cam_box *gtc;    /* ground truth of the label's class */
    int gtc_cap;
    int *topk;
    char error[CAM_ERROR_MESSAGE_SIZE];
};

CAM_API const char *cam_eval_last_error(const cam_eval *ev) { return ev ? ev->error : ""; }

static const cam_allocator cam__ev_default = {NULL, NULL, NULL};

CAM_API cam_result cam_eval_create(const cam_eval_desc *desc, cam_eval **out)
{
    cam_eval *ev;
    cam_sweep_desc sd;
    cam_result r;
    if (!out) return CAM_ERR_INVALID_ARG;
    *out = NULL;
    ev = (cam_eval *)cam__ev_alloc(desc ? &desc->allocator : &cam__ev_default, sizeof *ev);
    if (!ev) return CAM_ERR_NOMEM;
    if (desc) ev->desc = *desc;
    if (ev->desc.tau == 0) ev->desc.tau = 0.2;
    if (ev->desc.iou == 0) ev->desc.iou = 0.5;
    if (ev->desc.top_k == 0) ev->desc.top_k = 5;
    if (ev->desc.top_k < 0 || ev->desc.top_k > 1000000 || !(ev->desc.tau == ev->desc.tau) ||
        !(ev->desc.iou > 0 && ev->desc.iou <= 1)) {
        cam__ev_free(&ev->desc.allocator, ev);
        return CAM_ERR_INVALID_ARG;
    }
    memset(&sd, 0, sizeof sd);
    sd.rule = ev->desc.rule;
    sd.n_thresholds = ev->desc.n_thresholds;
    sd.thresholds = ev->desc.thresholds;
    sd.allocator = ev->desc.allocator;
    if ((r = cam_sweep_create(&sd, &ev->sweep)) != CAM_OK) {
        cam__ev_free(&ev->desc.allocator, ev);
        return r;
    }
    ev->n_thr = cam_sweep_count(ev->sweep);
    ev->desc.thresholds = NULL; /* not kept: the sweep holds its copy */
    ev->desc.n_thresholds = ev->n_thr;
    ev->hits = (int64_t *)cam__ev_alloc(&ev->desc.allocator, (size_t)ev->n_thr * sizeof(int64_t));
    ev->hits_v2 = (int64_t *)cam__ev_alloc(&ev->desc.allocator, (size_t)ev->n_thr * 3 * sizeof(int64_t));
    ev->boxes = (cam_box *)cam__ev_alloc(&ev->desc.allocator, (size_t)ev->n_thr * sizeof(cam_box));
    ev->best = (double *)cam__ev_alloc(&ev->desc.allocator, (size_t)ev->n_thr * sizeof(double));
    ev->topk = (int *)cam__ev_alloc(&ev->desc.allocator, (size_t)ev->desc.top_k * sizeof(int));
    if (!ev->hits || !ev->hits_v2 || !ev->boxes || !ev->best || !ev->topk) {
        cam_eval_free(ev);
        return CAM_ERR_NOMEM;
    }
    *out = ev;
    return CAM_OK;
}

CAM_API void cam_eval_free(cam_eval *ev)
{
    cam_allocator a;
    if (!ev) return;
    a = ev->desc.allocator;
    cam_sweep_free(ev->sweep);
    cam__ev_free(&a, ev->hits);
    cam__ev_free(&a, ev->hits_v2);
    cam__ev_free(&a, ev->boxes);
    cam__ev_free(&a, ev->best);
    cam__ev_free(&a, ev->gtc);
    cam__ev_free(&a, ev->topk);
    cam__ev_free(&a, ev);
}

static int cam__gt_label(const cam_eval_sample *s, int j)
{
    return s->gt_labels ? s->gt_labels[j] : s->label;
}

CAM_API cam_result cam_eval_add(cam_eval *ev, const cam_eval_sample *s)
{
    int i, j, k;
    cam_result r;
    if (!ev) return CAM_ERR_INVALID_ARG;
    ev->error[0] = 0;
    if (!s) {
        snprintf(ev->error, sizeof ev->error, "eval: no sample");
        return CAM_ERR_INVALID_ARG;
    }
    if (s->n_gt < 0 || (s->n_gt > 0 && !s->gt) || s->n_guesses < 0 ||
        (s->n_guesses > 0 && (!s->guess_classes || !s->guess_boxes)) || (s->scores && s->n_classes <= 0)) {
        snprintf(ev->error, sizeof ev->error, "eval: inconsistent sample (counts without arrays)");
        return CAM_ERR_INVALID_ARG;
    }
    if ((s->guess_boxes || s->map) && s->n_gt == 0) {
        snprintf(ev->error, sizeof ev->error, "eval: localization needs ground-truth boxes");
        return CAM_ERR_INVALID_ARG;
    }
    for (j = 0; j < s->n_gt; j++)
        if (s->gt[j].x1 < s->gt[j].x0 || s->gt[j].y1 < s->gt[j].y0) {
            snprintf(ev->error, sizeof ev->error, "eval: ground-truth box %d is empty (%d,%d,%d,%d)", j,
                     s->gt[j].x0, s->gt[j].y0, s->gt[j].x1, s->gt[j].y1);
            return CAM_ERR_INVALID_ARG;
        }
    /* ground truth of the image's own class, for GT-known and the sweep */
    if (s->n_gt > ev->gtc_cap) {
        cam_box *nb = (cam_box *)cam__ev_alloc(&ev->desc.allocator, (size_t)s->n_gt * sizeof(cam_box));
        if (!nb) return CAM_ERR_NOMEM;
        cam__ev_free(&ev->desc.allocator, ev->gtc);
        ev->gtc = nb;
        ev->gtc_cap = s->n_gt;
    }
    k = 0;
    for (j = 0; j < s->n_gt; j++)
        if (cam__gt_label(s, j) == s->label) ev->gtc[k++] = s->gt[j];
    if (s->map) {
        cam_box b;
        if (k == 0) {
            snprintf(ev->error, sizeof ev->error, "eval: no ground-truth box of class %d", s->label);
            return CAM_ERR_INVALID_ARG;
        }
        r = cam_sweep_run(ev->sweep, s->map, s->map_h, s->map_w, ev->gtc, k, ev->boxes, ev->best);
        if (r != CAM_OK) {
            snprintf(ev->error, sizeof ev->error, "eval: %.200s", cam_sweep_last_error(ev->sweep));
            return r;
        }
        r = cam__map_box_at(s->map, s->map_h, s->map_w, ev->desc.tau, &ev->desc.rule, &b, NULL, NULL, 0,
                            &ev->desc.allocator);
        if (r != CAM_OK) {
            snprintf(ev->error, sizeof ev->error, "eval: box extraction failed (code %d)", (int)r);
            return r;
        }
        ev->n_map++;
        if (cam__best_gt_iou(&b, ev->gtc, k) >= ev->desc.iou) ev->gt_known_ok++;
        for (i = 0; i < ev->n_thr; i++) {
            if (cam__best_gt_iou(&ev->boxes[i], ev->gtc, k) >= ev->desc.iou) ev->hits[i]++;
            for (j = 0; j < 3; j++)
                if (ev->best[i] >= cam__v2_deltas[j]) ev->hits_v2[j * ev->n_thr + i]++;
        }
    }
    if (s->scores) {
        int m = cam_scores_topk(s->scores, s->n_classes, ev->desc.top_k, ev->topk, NULL);
        ev->n_cls++;
        if (m > 0 && ev->topk[0] == s->label) ev->top1_cls_ok++;
        for (i = 0; i < m; i++)
            if (ev->topk[i] == s->label) {
                ev->topk_cls_ok++;
                break;
            }
    }
    if (s->guess_boxes) {
        int ok1 = 0, okk = 0;
        for (i = 0; i < s->n_guesses && i < ev->desc.top_k; i++) {
            int c = s->guess_classes[i], right = 0;
            if (c != s->label) continue;
            for (j = 0; j < s->n_gt && !right; j++)
                if (cam__gt_label(s, j) == c && cam_box_iou(&s->guess_boxes[i], &s->gt[j]) >= ev->desc.iou) right = 1;
            if (right) {
                okk = 1;
                if (i == 0) ok1 = 1;
                break;
            }
        }
        ev->n_loc++;
        ev->top1_loc_ok += ok1;
        ev->topk_loc_ok += okk;
    }
    ev->images++;
    return CAM_OK;
}

CAM_API cam_result cam_eval_merge(cam_eval *a, const cam_eval *b)
{
    int i;
    if (!a || !b || a->n_thr != b->n_thr || a->desc.top_k != b->desc.top_k) return CAM_ERR_INVALID_ARG;
    for (i = 0; i < a->n_thr; i++)
        if (cam_sweep_tau(a->sweep, i) != cam_sweep_tau(b->sweep, i)) return CAM_ERR_INVALID_ARG;
    a->images += b->images;
    a->n_cls += b->n_cls;
    a->n_loc += b->n_loc;
    a->n_map += b->n_map;
    a->top1_cls_ok += b->top1_cls_ok;
    a->topk_cls_ok += b->topk_cls_ok;
    a->top1_loc_ok += b->top1_loc_ok;
    a->topk_loc_ok += b->topk_loc_ok;
    a->gt_known_ok += b->gt_known_ok;
    for (i = 0; i < a->n_thr; i++) a->hits[i] += b->hits[i];
    for (i = 0; i < 3 * a->n_thr; i++) a->hits_v2[i] += b->hits_v2[i];
    return CAM_OK;
}

static double cam__rate(int64_t ok, int64_t n) { return n > 0 ? (double)ok / (double)n : 0.0; }

CAM_API cam_result cam_eval_summarize(const cam_eval *ev, cam_eval_summary *o)
{
    int i, j;
    if (!ev || !o) return CAM_ERR_INVALID_ARG;
    memset(o, 0, sizeof *o);
    o->images = ev->images;
    o->n_cls = ev->n_cls;
    o->n_loc = ev->n_loc;
    o->n_map = ev->n_map;
    o->top1_cls_ok = ev->top1_cls_ok;
    o->topk_cls_ok = ev->topk_cls_ok;
    o->top1_loc_ok = ev->top1_loc_ok;
    o->topk_loc_ok = ev->topk_loc_ok;
    o->gt_known_ok = ev->gt_known_ok;
    o->top1_cls_err = ev->n_cls ? 1.0 - cam__rate(ev->top1_cls_ok, ev->n_cls) : 0.0;
    o->topk_cls_err = ev->n_cls ? 1.0 - cam__rate(ev->topk_cls_ok, ev->n_cls) : 0.0;
    o->top1_loc_err = ev->n_loc ? 1.0 - cam__rate(ev->top1_loc_ok, ev->n_loc) : 0.0;
    o->topk_loc_err = ev->n_loc ? 1.0 - cam__rate(ev->topk_loc_ok, ev->n_loc) : 0.0;
    o->gt_known_loc = cam__rate(ev->gt_known_ok, ev->n_map);
    if (ev->n_map > 0) {
        int bi = 0;
        for (i = 1; i < ev->n_thr; i++)
            if (ev->hits[i] > ev->hits[bi]) bi = i;
        o->maxboxacc = cam__rate(ev->hits[bi], ev->n_map);
        o->best_tau = cam_sweep_tau(ev->sweep, bi);
        for (j = 0; j < 3; j++) {
            const int64_t *hv = ev->hits_v2 + j * ev->n_thr;
            bi = 0;
            for (i = 1; i < ev->n_thr; i++)
                if (hv[i] > hv[bi]) bi = i;
            o->maxboxacc_v2_delta[j] = cam__rate(hv[bi], ev->n_map);
            o->best_tau_v2[j] = cam_sweep_tau(ev->sweep, bi);
            o->maxboxacc_v2 += o->maxboxacc_v2_delta[j] / 3.0;
        }
    }
    return CAM_OK;
}

CAM_API cam_result cam_eval_boxacc(const cam_eval *ev, double delta, double *acc, int n)
{
    int i;
    if (!ev || !acc || n < ev->n_thr || delta != ev->desc.iou) return CAM_ERR_INVALID_ARG;
    for (i = 0; i < ev->n_thr; i++) acc[i] = cam__rate(ev->hits[i], ev->n_map);
    return CAM_OK;
}

/* >>svm-impl */
static const char *const cam__svm_solver_names[] = {
    "L2R_LR", "L2R_L2LOSS_SVC_DUAL", "L2R_L2LOSS_SVC", "L2R_L1LOSS_SVC_DUAL",
    "MCSVM_CS", "L1R_L2LOSS_SVC", "L1R_LR", "L2R_LR_DUAL"};
#define CAM__SVM_N_SOLVERS 8

static void cam__eval_error(cam_error *err, cam_result code, const char *fmt, ...)
{
    va_list ap;
    if (!err) return;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

CAM_API void cam_svm_free(cam_svm *m)
{
    if (!m) return;
    free(m->labels);
    free(m->w);
    memset(m, 0, sizeof *m);
}

static uint64_t cam__splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Dual coordinate descent for one binary problem (Hsieh et al. 2008, with
   liblinear's shrinking): min_a 1/2 a'Qa - e'a, 0 <= a_i <= U,
   Q = yy'XX' + D; L2 loss: U = inf, D = 1/(2C); L1 loss: U = C, D = 0. */
static void cam__svm_dcd(const float *x, int n, int d, double bias, const signed char *y, double C, int l1,
                         double eps, int max_iter, uint64_t *rng, double *w, double *alpha, double *qd, int *index)
{
    int dw = d + (bias >= 0), i, s, iter = 0, active = n;
    double U = l1 ? C : HUGE_VAL, diag = l1 ? 0.0 : 0.5 / C;
    double pgmax_old = HUGE_VAL, pgmin_old = -HUGE_VAL;
    memset(w, 0, (size_t)dw * sizeof(double));
    for (i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * d;
        double q = diag;
        int k;
        for (k = 0; k < d; k++) q += (double)xi[k] * xi[k];
        if (bias >= 0) q += bias * bias;
        qd[i] = q;
        alpha[i] = 0;
        index[i] = i;
    }
    while (iter < max_iter) {
        double pgmax_new = -HUGE_VAL, pgmin_new = HUGE_VAL;
        for (i = 0; i < active; i++) {
            int j = i + (int)(cam__splitmix(rng) % (uint64_t)(active - i)), t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        for (s = 0; s < active; s++) {
            int ii = index[s], k;
            const float *xi = x + (size_t)ii * d;
            double yi = y[ii], G = 0, PG = 0;
            for (k = 0; k < d; k++) G += w[k] * xi[k];
            if (bias >= 0) G += w[d] * bias;
            G = G * yi - 1 + alpha[ii] * diag;
            if (alpha[ii] == 0) {
                if (G > pgmax_old) {
                    active--;
                    index[s] = index[active];
                    index[active] = ii;
                    s--;
                    continue;
                } else if (G < 0)
                    PG = G;
            } else if (alpha[ii] == U) {
                if (G < pgmin_old) {
                    active--;
                    index[s] = index[active];
                    index[active] = ii;
                    s--;
                    continue;
                } else if (G > 0)
                    PG = G;
            } else
                PG = G;
            if (PG > pgmax_new) pgmax_new = PG;
            if (PG < pgmin_new) pgmin_new = PG;
            if (fabs(PG) > 1.0e-12) {
                double old = alpha[ii], a = old - G / qd[ii], dlt;
                if (a < 0) a = 0;
                if (a > U) a = U;
                alpha[ii] = a;
                dlt = (a - old) * yi;
                for (k = 0; k < d; k++) w[k] += dlt * xi[k];
                if (bias >= 0) w[d] += dlt * bias;
            }
        }
        iter++;
        if (pgmax_new - pgmin_new <= eps) {
            if (active == n) break;
            active = n;
            pgmax_old = HUGE_VAL;
            pgmin_old = -HUGE_VAL;
            continue;
        }
        pgmax_old = pgmax_new;
        pgmin_old = pgmin_new;
        if (pgmax_old <= 0) pgmax_old = HUGE_VAL;
        if (pgmin_old >= 0) pgmin_old = -HUGE_VAL;
    }
}

CAM_API cam_result cam_svm_train(const float *x, int n, int d, const int *y, const cam_svm_desc *desc, cam_svm *out,
                                 cam_error *err)
{
    cam_svm_desc D;
    cam_svm m;
    int i, c, nc = 0, cap = 16, dw;
    int *labels = NULL;
    double *wtmp = NULL, *alpha = NULL, *qd = NULL;
    int *index = NULL;
    signed char *yy = NULL;
    uint64_t rng;
    cam__clearerr(err);
    if (!out) return CAM_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (!x || !y || n <= 0 || d <= 0 || (int64_t)n * d > ((int64_t)1 << 40)) {
        cam__eval_error(err, CAM_ERR_INVALID_ARG, "svm: bad training set (%d rows of %d)", n, d);
        return CAM_ERR_INVALID_ARG;
    }
    if (desc) D = *desc;
    else memset(&D, 0, sizeof D);
    if (D.solver == 0) D.solver = CAM_SVM_L2LOSS_DUAL;
    if (D.C == 0) D.C = 1;
    if (D.eps == 0) D.eps = 0.1;
    if (D.bias == 0) D.bias = 1;
    if (D.max_iter == 0) D.max_iter = 1000;
    if ((D.solver != CAM_SVM_L2LOSS_DUAL && D.solver != CAM_SVM_L1LOSS_DUAL) || !(D.C > 0) || !(D.eps > 0) ||
        D.max_iter < 0) {
        cam__eval_error(err, CAM_ERR_INVALID_ARG, "svm: bad parameters (solver %d, C %g, eps %g)", D.solver, D.C, D.eps);
        return CAM_ERR_INVALID_ARG;
    }
    labels = (int *)malloc((size_t)cap * sizeof(int));
    if (!labels) return CAM_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        for (c = 0; c < nc; c++)
            if (labels[c] == y[i]) break;
        if (c < nc) continue;
        if (nc == cap) {
            int *nl = (int *)realloc(labels, (size_t)cap * 2 * sizeof(int));
            if (!nl) {
                free(labels);
                return CAM_ERR_NOMEM;
            }
            labels = nl;
            cap *= 2;
        }
        labels[nc++] = y[i];
    }
    if (nc < 2) {
        free(labels);
        cam__eval_error(err, CAM_ERR_INVALID_ARG, "svm: training needs two classes or more (got %d)", nc);
        return CAM_ERR_INVALID_ARG;
    }
    /* liblinear: a {-1,+1} problem that lists -1 first is flipped so +1 is positive */
    if (nc == 2 && labels[0] == -1 && labels[1] == 1) {
        labels[0] = 1;
        labels[1] = -1;
    }
    memset(&m, 0, sizeof m);
    m.solver = D.solver;
    m.n_classes = nc;
    m.n_features = d;
    m.bias = D.bias;
    m.n_w = nc == 2 ? 1 : nc;
    m.labels = labels;
    dw = d + (D.bias >= 0);
    m.w = (double *)calloc((size_t)dw * m.n_w, sizeof(double));
    wtmp = (double *)malloc((size_t)dw * sizeof(double));
    alpha = (double *)malloc((size_t)n * sizeof(double));
    qd = (double *)malloc((size_t)n * sizeof(double));
    index = (int *)malloc((size_t)n * sizeof(int));
    yy = (signed char *)malloc((size_t)n);
    if (!m.w || !wtmp || !alpha || !qd || !index || !yy) {
        free(wtmp); free(alpha); free(qd); free(index); free(yy);
        cam_svm_free(&m);
        return CAM_ERR_NOMEM;
    }
    rng = D.seed;
    for (c = 0; c < m.n_w; c++) {
        int k;
        for (i = 0; i < n; i++) yy[i] = y[i] == labels[c] ? 1 : -1;
        cam__svm_dcd(x, n, d, D.bias, yy, D.C, D.solver == CAM_SVM_L1LOSS_DUAL, D.eps, D.max_iter, &rng, wtmp, alpha,
                     qd, index);
        for (k = 0; k < dw; k++) m.w[(size_t)k * m.n_w + c] = wtmp[k];
    }
    free(wtmp); free(alpha); free(qd); free(index); free(yy);
    *out = m;
    return CAM_OK;
}

CAM_API int cam_svm_predict(const cam_svm *m, const float *x, double *dec)
{
    int j, k, best = 0;
    double bestv = 0;
    if (!m || !x || !m->w || !m->labels || m->n_w <= 0) return 0;
    for (j = 0; j < m->n_w; j++) {
        double v = 0;
        for (k = 0; k < m->n_features; k++) v += m->w[(size_t)k * m->n_w + j] * x[k];
        if (m->bias >= 0) v += m->w[(size_t)m->n_features * m->n_w + j] * m->bias;
        if (dec) dec[j] = v;
        if (j == 0 || v > bestv) {
            bestv = v;
            best = j;
        }
    }
    if (m->n_w == 1) return bestv > 0 ? m->labels[0] : m->labels[1];
    return m->labels[best];
}

CAM_API cam_result cam_svm_save(const cam_svm *m, const char *path, cam_error *err)
{
    FILE *f;
    int i, j, dw;
    cam__clearerr(err);
    if (!m || !path || !m->w || !m->labels || m->solver < 0 || m->solver >= CAM__SVM_N_SOLVERS || m->n_classes < 2) {
        cam__eval_error(err, CAM_ERR_INVALID_ARG, "svm: nothing to save");
        return CAM_ERR_INVALID_ARG;
    }
    f = fopen(path, "w");
    if (!f) {
        cam__eval_error(err, CAM_ERR_IO, "svm: cannot write %s", path);
        return CAM_ERR_IO;
    }
    dw = m->n_features + (m->bias >= 0);
    /* the layout liblinear's save_model writes, "%.17g" so doubles round-trip */
    fprintf(f, "solver_type %s\nnr_class %d\nlabel", cam__svm_solver_names[m->solver], m->n_classes);
    for (i = 0; i < m->n_classes; i++) fprintf(f, " %d", m->labels[i]);
    fprintf(f, "\nnr_feature %d\nbias %.17g\nw\n", m->n_features, m->bias);
    for (i = 0; i < dw; i++) {
        for (j = 0; j < m->n_w; j++) fprintf(f, "%.17g ", m->w[(size_t)i * m->n_w + j]);
        fprintf(f, "\n");
    }
    if (fclose(f) != 0) {
        cam__eval_error(err, CAM_ERR_IO, "svm: cannot write %s", path);
        return CAM_ERR_IO;
    }
    return CAM_OK;
}

/* Reads the next whitespace-separated word into buf; 0 at the end. */
static int cam__next_word(const char **p, const char *end, char *buf, size_t cap)
{
    size_t n = 0;
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')) (*p)++;
    if (*p >= end) return 0;
    while (*p < end && !(**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')) {
        if (n + 1 < cap) buf[n++] = **p;
        (*p)++;
    }
    buf[n] = 0;
    return 1;
}

static int cam__parse_long(const char *s, long lo, long hi, long *out)
{
    char *e;
    long v = strtol(s, &e, 10);
    if (e == s || *e || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

static int cam__parse_double(const char *s, double *out)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s || *e || v != v) return 0;
    *out = v;
    return 1;
}

CAM_API cam_result cam_svm_load_memory(const char *text, size_t size, cam_svm *out, cam_error *err)
{
    const char *p = text, *end = text + size;
    char word[128];
    cam_svm m;
    long v;
    int have_solver = 0, have_nc = 0, have_nf = 0, have_bias = 0, have_labels = 0, i;
    size_t nvals, k;
    cam__clearerr(err);
    if (!out || (!text && size)) return CAM_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    memset(&m, 0, sizeof m);
    m.bias = -1;
#define CAM__SVM_FAIL(code, msg, arg)                                         \
    do {                                                                      \
        cam__eval_error(err, code, "svm model: " msg "%s", arg);           \
        cam_svm_free(&m);                                                     \
        return code;                                                          \
    } while (0)
    for (;;) {
        if (!cam__next_word(&p, end, word, sizeof word)) CAM__SVM_FAIL(CAM_ERR_FORMAT, "ends before the w section", "");
        if (!strcmp(word, "solver_type")) {
            if (!cam__next_word(&p, end, word, sizeof word)) CAM__SVM_FAIL(CAM_ERR_FORMAT, "no solver name", "");
            for (i = 0; i < CAM__SVM_N_SOLVERS; i++)
                if (!strcmp(word, cam__svm_solver_names[i])) break;
            if (i == CAM__SVM_N_SOLVERS) CAM__SVM_FAIL(CAM_ERR_UNSUPPORTED, "solver not a classifier: ", word);
            m.solver = i;
            have_solver = 1;
        } else if (!strcmp(word, "nr_class")) {
            if (!cam__next_word(&p, end, word, sizeof word) || !cam__parse_long(word, 2, 1000000, &v))
                CAM__SVM_FAIL(CAM_ERR_FORMAT, "bad nr_class ", word);
            m.n_classes = (int)v;
            have_nc = 1;
        } else if (!strcmp(word, "label")) {
            if (!have_nc) CAM__SVM_FAIL(CAM_ERR_FORMAT, "label before nr_class", "");
            /* each label takes 2 bytes at least: check before allocating */
            if ((size_t)(end - p) < (size_t)m.n_classes * 2) CAM__SVM_FAIL(CAM_ERR_FORMAT, "too few labels", "");
            free(m.labels);
            m.labels = (int *)malloc((size_t)m.n_classes * sizeof(int));
            if (!m.labels) CAM__SVM_FAIL(CAM_ERR_NOMEM, "out of memory", "");
            for (i = 0; i < m.n_classes; i++) {
                if (!cam__next_word(&p, end, word, sizeof word) || !cam__parse_long(word, INT_MIN, INT_MAX, &v))
                    CAM__SVM_FAIL(CAM_ERR_FORMAT, "bad label ", word);
                m.labels[i] = (int)v;
            }
            have_labels = 1;
        } else if (!strcmp(word, "nr_feature")) {
            if (!cam__next_word(&p, end, word, sizeof word) || !cam__parse_long(word, 0, 1L << 30, &v))
                CAM__SVM_FAIL(CAM_ERR_FORMAT, "bad nr_feature ", word);
            m.n_features = (int)v;
            have_nf = 1;
        } else if (!strcmp(word, "bias")) {
            if (!cam__next_word(&p, end, word, sizeof word) || !cam__parse_double(word, &m.bias))
                CAM__SVM_FAIL(CAM_ERR_FORMAT, "bad bias ", word);
            have_bias = 1;
        } else if (!strcmp(word, "w")) {
            break;
        } else if (!strcmp(word, "rho")) {
            CAM__SVM_FAIL(CAM_ERR_UNSUPPORTED, "one-class models (rho) are not classifiers", "");
        } else
            CAM__SVM_FAIL(CAM_ERR_FORMAT, "unknown key ", word);
    }
    if (!have_solver || !have_nc || !have_nf || !have_bias || !have_labels)
        CAM__SVM_FAIL(CAM_ERR_FORMAT, "missing solver_type, nr_class, label, nr_feature or bias", "");
    m.n_w = (m.n_classes == 2 && m.solver != 4) ? 1 : m.n_classes; /* MCSVM_CS keeps one row per class */
    nvals = (size_t)(m.n_features + (m.bias >= 0)) * (size_t)m.n_w;
    if ((size_t)(end - p) < nvals * 2) CAM__SVM_FAIL(CAM_ERR_FORMAT, "w section shorter than nr_feature says", "");
    m.w = (double *)malloc((nvals ? nvals : 1) * sizeof(double));
    if (!m.w) CAM__SVM_FAIL(CAM_ERR_NOMEM, "out of memory", "");
    for (k = 0; k < nvals; k++) {
        if (!cam__next_word(&p, end, word, sizeof word))
            CAM__SVM_FAIL(CAM_ERR_FORMAT, "missing weights: the w section is shorter than nr_feature says", "");
        if (!cam__parse_double(word, &m.w[k])) CAM__SVM_FAIL(CAM_ERR_FORMAT, "bad weight ", word);
    }
    if (cam__next_word(&p, end, word, sizeof word)) CAM__SVM_FAIL(CAM_ERR_FORMAT, "trailing data after weights: ", word);
#undef CAM__SVM_FAIL
    *out = m;
    return CAM_OK;
}

CAM_API cam_result cam_svm_load(const char *path, cam_svm *out, cam_error *err)
{
    FILE *f;
    char *buf;
    long sz;
    size_t got;
    cam_result r;
    cam__clearerr(err);
    if (!path || !out) return CAM_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    f = fopen(path, "rb");
    if (!f) {
        cam__eval_error(err, CAM_ERR_IO, "svm: cannot open %s", path);
        return CAM_ERR_IO;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        cam__eval_error(err, CAM_ERR_IO, "svm: cannot read %s", path);
        return CAM_ERR_IO;
    }
    buf = (char *)malloc((size_t)sz + 1);
    if (!buf) {
        fclose(f);
        return CAM_ERR_NOMEM;
    }
    got = fread(buf, 1, (size_t)sz, f);
    fclose(f);
    if (got != (size_t)sz) {
        free(buf);
        cam__eval_error(err, CAM_ERR_IO, "svm: short read on %s", path);
        return CAM_ERR_IO;
    }
    buf[sz] = 0;
    r = cam_svm_load_memory(buf, (size_t)sz, out, err);
    free(buf);
    return r;
}

CAM_API cam_result cam_svm_cam_weights(const cam_svm *m, float *weights, float *bias)
{
    int c, k;
    if (!m || !weights || !m->w || m->n_classes < 2) return CAM_ERR_INVALID_ARG;
    for (c = 0; c < m->n_classes; c++) {
        int j = m->n_w == 1 ? 0 : c;
        double sign = (m->n_w == 1 && c == 1) ? -1.0 : 1.0;
        for (k = 0; k < m->n_features; k++)
            weights[(size_t)c * m->n_features + k] = (float)(sign * m->w[(size_t)k * m->n_w + j]);
        if (bias)
            bias[c] = m->bias >= 0 ? (float)(sign * m->w[(size_t)m->n_features * m->n_w + j] * m->bias) : 0.0f;
    }
    return CAM_OK;
}
/* >>grad
   Backprop saliency: a forward pass over the compiled steps that keeps every
   tensor (the engine's cam__exec runs each step; only the data pointers of
   the runtime values are pointed at private buffers for the duration), then
   a reverse sweep that accumulates dS_c/dv into one float buffer per value
   that depends on the input. Steps keep their load-time folding and fusion:
   a Conv step is Conv (+ folded BN) (+ residual Add) (+ activation), so its
   backward multiplies by the activation's derivative at the stored
   pre-activation, hands that to the residual unchanged, then runs the
   transposed convolution. */

static const char *const cam__grad_ops[] = {
    "Conv", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "PRelu",
    "Exp", "Neg", "Abs", "Sqrt", "Reciprocal", "Add", "Sub", "Mul", "Div", "Sum", "Mean", "MaxPool", "AveragePool",
    "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "LRN", "Concat", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
    "Identity", "Dropout", "Transpose", "Slice", "Pad", "Gemm", "MatMul", "Softmax", "LogSoftmax", "Cast"};

CAM_API int cam_grad_supports_op(const char *op_type)
{
    size_t i;
    if (!op_type)
        return 0;
    for (i = 0; i < sizeof cam__grad_ops / sizeof cam__grad_ops[0]; i++)
        if (!strcmp(cam__grad_ops[i], op_type))
            return 1;
    return 0;
}

typedef struct cam__gctx {
    cam_net *net;
    cam__mem *mem;      /* every allocation of this call */
    float **g;          /* per value: dS/dv, NULL while zero */
    unsigned char *dep; /* per value: depends on the input */
    float **pre;        /* per step: pre-activation of a fused activation, or NULL */
    float **wt;         /* per step: conv weights as G x R x ocg (Wt per group), made on first use */
} cam__gctx;

static void *cam__grad_alloc(cam__gctx *c, size_t n, size_t size)
{
    return cam__hcalloc(&c->net->heap, &c->mem, n ? n : 1, size);
}

/* The gradient buffer of value id (zeros on first use); NULL when out of memory. */
static float *cam__grad_of(cam__gctx *c, int id)
{
    if (!c->g[id])
        c->g[id] = (float *)cam__grad_alloc(c, (size_t)cam_tensor_count(&c->net->values[id].t), sizeof(float));
    return c->g[id];
}

/* Whether input k of step s needs a gradient. */
static int cam__grad_need(const cam__gctx *c, int id)
{
    return id >= 0 && c->dep[id] && c->net->values[id].t.dtype == CAM_FLOAT32;
}

/* d act(x) / dx, with PyTorch's choices at the kinks. */
static float cam__grad_act_d(float x, const cam__act_params *a)
{
    switch (a->kind) {
    case CAM__ACT_RELU: return x > 0 ? 1.0f : 0.0f;
    case CAM__ACT_CLIP: return x > a->a && x < a->b ? 1.0f : 0.0f;
    case CAM__ACT_LEAKY: return x > 0 ? 1.0f : a->a;
    case CAM__ACT_SIGMOID: { float s = 1.0f / (1.0f + expf(-x)); return s * (1.0f - s); }
    case CAM__ACT_HARDSIGMOID: { float y = a->a * x + a->b; return y > 0 && y < 1 ? a->a : 0.0f; }
    case CAM__ACT_HARDSWISH: return x < -3.0f ? 0.0f : x <= 3.0f ? x / 3.0f + 0.5f : 1.0f;
    case CAM__ACT_TANH: { float t = tanhf(x); return 1.0f - t * t; }
    default: return 1.0f;
    }
}

/* ga[ia] += d(a op b)/da * g, gb[ib] += d/db * g over the broadcast output o
   (ga or gb may be NULL). */
static void cam__grad_bin(int op, const cam_tensor *a, const cam_tensor *b, const cam_tensor *o, const float *g, float scale,
                          float *ga, float *gb)
{
    int64_t sa[CAM_MAX_NDIM], sb[CAM_MAX_NDIM], idx[CAM_MAX_NDIM] = {0}, total = cam_tensor_count(o), k, ia = 0, ib = 0;
    const float *A = (const float *)a->data, *B = (const float *)b->data;
    int nd = o->ndim, i;
    cam__bstrides(a->ndim, a->dims, nd, o->dims, sa);
    cam__bstrides(b->ndim, b->dims, nd, o->dims, sb);
    for (k = 0; k < total; k++) {
        float gv = g[k] * scale, x = A[ia], y = B[ib], da = gv, db = gv;
        switch (op) {
        case CAM__BIN_SUB: db = -gv; break;
        case CAM__BIN_MUL: da = gv * y; db = gv * x; break;
        case CAM__BIN_DIV: da = gv / y; db = -gv * x / (y * y); break;
        case CAM__BIN_PRELU: if (x > 0) db = 0; else { da = gv * y; db = gv * x; } break;
        default: break;
        }
        if (ga) ga[ia] += da;
        if (gb) gb[ib] += db;
        for (i = nd - 1; i >= 0; i--) {
            ia += sa[i];
            ib += sb[i];
            if (++idx[i] < o->dims[i])
                break;
            ia -= sa[i] * idx[i];
            ib -= sb[i] * idx[i];
            idx[i] = 0;
        }
    }
}

/* The adjoint of cam__gather_copy: gin[base + idx . st] += gout[k]. */
static void cam__grad_scatter(float *gin, int64_t base, const int64_t *st, const float *gout, int nd, const int64_t *odims)
{
    int64_t idx[CAM_MAX_NDIM] = {0}, total = cam__checked_count(nd, odims), k, off = base;
    for (k = 0; k < total; k++) {
        gin[off] += gout[k];
        cam__odometer_step(nd, odims, st, idx, &off);
    }
}

/* >>grad-conv */
typedef struct cam__gconv_task {
    const float *wt, *gzt; /* R x ocg, OHW x ocg */
    float *col;            /* R x OHW */
    int R, ohw, ocg, per;
} cam__gconv_task;

static void cam__gconv_task_fn(void *ctx, int task, int thread)
{
    cam__gconv_task *t = (cam__gconv_task *)ctx;
    int n0 = task * t->per, n1 = n0 + t->per > t->ohw ? t->ohw : n0 + t->per;
    cam__act_params none;
    (void)thread;
    none.kind = CAM__ACT_NONE;
    none.a = none.b = 0;
    if (n0 < n1)
        cam__k_gemm_nt(t->R, t->ohw, t->ocg, t->wt, t->ocg, t->gzt, t->ocg, NULL, t->col, t->ohw, &none, n0, n1);
}

typedef struct cam__col2im_task {
    const int64_t *p;
    const float *col;
    float *gx; /* icg planes of this image and group */
    int icg, per;
} cam__col2im_task;

static void cam__col2im_task_fn(void *ctx, int task, int thread)
{
    cam__col2im_task *t = (cam__col2im_task *)ctx;
    const int64_t *p = t->p;
    int64_t H = p[2], W = p[3], OH = p[5], OW = p[6], kh = p[7], kw = p[8], c, ky, kx, oy, ox;
    int c0 = task * t->per, c1 = c0 + t->per > t->icg ? t->icg : c0 + t->per;
    (void)thread;
    for (c = c0; c < c1; c++) {
        float *gp = t->gx + (size_t)c * H * W;
        for (ky = 0; ky < kh; ky++)
            for (kx = 0; kx < kw; kx++) {
                const float *row = t->col + (size_t)((c * kh + ky) * kw + kx) * OH * OW;
                for (oy = 0; oy < OH; oy++) {
                    int64_t iy = oy * p[9] - p[13] + ky * p[11];
                    if (iy < 0 || iy >= H)
                        continue;
                    for (ox = 0; ox < OW; ox++) {
                        int64_t ix = ox * p[10] - p[14] + kx * p[12];
                        if (ix >= 0 && ix < W)
                            gp[iy * W + ix] += row[oy * OW + ox];
                    }
                }
            }
    }
}

typedef struct cam__gdw_task {
    const int64_t *p;
    const float *w, *gz; /* [c][kh][kw], [c][OH][OW] of one image */
    float *gx;
    int c, per;
} cam__gdw_task;

static void cam__gdw_task_fn(void *ctx, int task, int thread)
{
    cam__gdw_task *t = (cam__gdw_task *)ctx;
    const int64_t *p = t->p;
    int64_t H = p[2], W = p[3], OH = p[5], OW = p[6], kh = p[7], kw = p[8], c, ky, kx, oy, ox;
    int c0 = task * t->per, c1 = c0 + t->per > t->c ? t->c : c0 + t->per;
    (void)thread;
    for (c = c0; c < c1; c++) {
        const float *w = t->w + (size_t)c * kh * kw, *gz = t->gz + (size_t)c * OH * OW;
        float *gx = t->gx + (size_t)c * H * W;
        for (oy = 0; oy < OH; oy++)
            for (ox = 0; ox < OW; ox++) {
                float gv = gz[oy * OW + ox];
                if (gv == 0)
                    continue;
                for (ky = 0; ky < kh; ky++) {
                    int64_t iy = oy * p[9] - p[13] + ky * p[11];
                    if (iy < 0 || iy >= H)
                        continue;
                    for (kx = 0; kx < kw; kx++) {
                        int64_t ix = ox * p[10] - p[14] + kx * p[12];
                        if (ix >= 0 && ix < W)
                            gx[iy * W + ix] += w[ky * kw + kx] * gv;
                    }
                }
            }
    }
}

/* Weights of group g as Wt[r][o] (r = (c*kh + ky)*kw + kx): from the packed
   copy (checked by packing it again: a layout this code does not know is an
   error, never a wrong gradient), or from the raw initializer. */
/* A Winograd conv's 3x3 weights back from its 16 packed products:
   U = G g G^T inverts exactly up to rounding (g row 0 = U row 0, row 2 =
   U row 3, row 1 = U row 1 - U row 2, the same along columns). Checked by
   transforming them again (a few ulps apart, or the packing is not the one
   this code knows: an error, never a wrong gradient). wt[r][o] as
   cam__grad_conv_wt. */
static cam_result cam__grad_wino_wt(cam__gctx *c, const cam__step *s, float *wt)
{
    cam_net *net = c->net;
    int64_t C = s->p[1], M = s->p[4], o, k;
    size_t pf1 = cam__k_conv_packed_floats((int)M, (int)C, 1, 1);
    const int64_t B = CAM__CONV_OC_BLOCK;
    for (o = 0; o < M; o++)
        for (k = 0; k < C; k++) {
            float u[16], t[4][3], g[9], u2[16], big = 0, diff = 0;
            int xi, i, j;
            for (xi = 0; xi < 16; xi++)
                u[xi] = s->w[(size_t)xi * pf1 + (size_t)((o / B) * C + k) * B + (size_t)(o % B)];
            for (i = 0; i < 4; i++) {
                t[i][0] = u[4 * i];
                t[i][1] = u[4 * i + 1] - u[4 * i + 2];
                t[i][2] = u[4 * i + 3];
            }
            for (j = 0; j < 3; j++) {
                g[j] = t[0][j];
                g[3 + j] = t[1][j] - t[2][j];
                g[6 + j] = t[3][j];
            }
            cam__wino_weights(g, u2);
            for (xi = 0; xi < 16; xi++) {
                float a = fabsf(u[xi]), d = fabsf(u[xi] - u2[xi]);
                big = a > big ? a : big;
                diff = d > diff ? d : diff;
            }
            if (diff > 1e-5f * big)
                return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: unknown packed weight layout");
            for (i = 0; i < 9; i++)
                wt[(size_t)(k * 9 + i) * M + o] = g[i];
        }
    return CAM_OK;
}

static cam_result cam__grad_conv_wt(cam__gctx *c, const cam__step *s, int64_t g, float *wt)
{
    cam_net *net = c->net;
    const int64_t *p = s->p;
    int64_t G = p[17], icg = p[1] / G, ocg = p[4] / G, R = icg * p[7] * p[8], o, r;
    if (s->wino)
        return cam__grad_wino_wt(c, s, wt);
    if (s->dense == 1) {
        size_t pf = cam__k_conv_packed_floats((int)ocg, (int)icg, (int)p[7], (int)p[8]);
        const float *P = s->w + (size_t)g * pf;
        float *w = (float *)cam__grad_alloc(c, (size_t)(ocg * R), sizeof(float));
        float *re = (float *)cam__grad_alloc(c, pf, sizeof(float));
        int same;
        if (!w || !re)
            return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
        /* read in packed order (sequential), then transpose for the repack */
#ifdef CAM__CONV_OC_BLOCK
        {
            const int64_t B = CAM__CONV_OC_BLOCK;
            const float *q = P;
            int64_t ob, oi;
            for (ob = 0; ob < (ocg + B - 1) / B; ob++)
                for (r = 0; r < R; r++, q += B)
                    for (oi = 0; oi < B && ob * B + oi < ocg; oi++)
                        wt[r * ocg + ob * B + oi] = q[oi];
        }
#else
        for (o = 0; o < ocg; o++)
            for (r = 0; r < R; r++)
                wt[r * ocg + o] = P[o * R + r];
#endif
        {
            int64_t r0, r1; /* in row blocks: the reads stay in L1 */
            for (r0 = 0; r0 < R; r0 += 32) {
                r1 = r0 + 32 < R ? r0 + 32 : R;
                for (o = 0; o < ocg; o++)
                    for (r = r0; r < r1; r++)
                        w[o * R + r] = wt[r * ocg + o];
            }
        }
        cam__k_conv_pack(w, (int)ocg, (int)icg, (int)p[7], (int)p[8], re);
        same = !memcmp(re, P, pf * sizeof(float));
        cam__hfree(&net->heap, &c->mem, re);
        cam__hfree(&net->heap, &c->mem, w);
        if (!same)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: unknown packed weight layout");
        return CAM_OK;
    }
    {
        const float *w;
        if (cam__grad_need(c, s->in[1]) || (cam__has_in(s, 2) && cam__grad_need(c, s->in[2])))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: weights computed from the input are not supported");
        w = (const float *)CAM__VT(s->in[1])->data;
        if (!w)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: weights are not available");
        for (o = 0; o < ocg; o++)
            for (r = 0; r < R; r++)
                wt[r * ocg + o] = w[(g * ocg + o) * R + r];
        return CAM_OK;
    }
}

/* gx += conv^T(gz) for every image and group. */
static cam_result cam__grad_conv(cam__gctx *c, int si, const cam__step *s, const float *gz, float *gx)
{
    cam_net *net = c->net;
    const int64_t *p = s->p;
    int64_t N = p[0], C = p[1], H = p[2], W = p[3], M = p[4], OH = p[5], OW = p[6], G = p[17];
    int64_t icg = C / G, ocg = M / G, ohw = OH * OW, R = icg * p[7] * p[8], n, g, o, px;
    float *wt, *gzt, *col;
    cam_result r;
    if (s->dense == 2) {
        cam__gdw_task t;
        int nt = cam__ntasks(net, C, 4);
        t.p = p;
        t.w = s->w;
        t.c = (int)C;
        t.per = (int)((C + nt - 1) / nt);
        for (n = 0; n < N; n++) {
            t.gz = gz + (size_t)n * M * ohw;
            t.gx = gx + (size_t)n * C * H * W;
            cam__par(net, cam__gdw_task_fn, &t, (int)((C + t.per - 1) / t.per));
        }
        return CAM_OK;
    }
    if (!c->wt[si]) {
        /* kept for the other classes of a cam_net_saliency_maps() call */
        if (!(c->wt[si] = (float *)cam__grad_alloc(c, (size_t)(G * R * ocg), sizeof(float))))
            return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
        for (g = 0; g < G; g++)
            if ((r = cam__grad_conv_wt(c, s, g, c->wt[si] + (size_t)(g * R * ocg))) != CAM_OK)
                return r;
    }
    gzt = (float *)cam__grad_alloc(c, (size_t)(ohw * ocg), sizeof(float));
    col = (float *)cam__grad_alloc(c, (size_t)(R * ohw), sizeof(float));
    if (!gzt || !col)
        return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
    for (g = 0; g < G; g++) {
        wt = c->wt[si] + (size_t)(g * R * ocg);
        for (n = 0; n < N; n++) {
            const float *gzg = gz + (size_t)(n * M + g * ocg) * ohw;
            cam__gconv_task t;
            cam__col2im_task ct;
            int nt = cam__ntasks(net, ohw, 64), nc;
            int any = 0;
            for (o = 0; o < ocg; o++)
                for (px = 0; px < ohw; px++) {
                    float v = gzg[o * ohw + px];
                    gzt[px * ocg + o] = v;
                    any |= v != 0;
                }
            if (!any)
                continue;
            t.wt = wt;
            t.gzt = gzt;
            t.col = col;
            t.R = (int)R;
            t.ohw = (int)ohw;
            t.ocg = (int)ocg;
            t.per = (int)(((ohw + nt - 1) / nt + 3) / 4 * 4);
            cam__par(net, cam__gconv_task_fn, &t, (int)((ohw + t.per - 1) / t.per));
            nc = cam__ntasks(net, icg, 1);
            ct.p = p;
            ct.col = col;
            ct.gx = gx + (size_t)(n * C + g * icg) * H * W;
            ct.icg = (int)icg;
            ct.per = (int)((icg + nc - 1) / nc);
            cam__par(net, cam__col2im_task_fn, &ct, (int)((icg + ct.per - 1) / ct.per));
        }
    }
    cam__hfree(&net->heap, &c->mem, col);
    cam__hfree(&net->heap, &c->mem, gzt);
    return CAM_OK;
}

/* >>grad-ops */
static cam_result cam__grad_pool(const cam__step *s, const float *x, const float *gy, float *gx)
{
    const int64_t *p = s->p;
    int64_t C = p[0] * p[1], H = p[2], W = p[3], OH = p[5], OW = p[6], c, oy, ox, ky, kx;
    int is_max = s->op == CAM__OP_MaxPool;
    for (c = 0; c < C; c++) {
        const float *in = x + (size_t)c * H * W;
        float *gi = gx + (size_t)c * H * W;
        const float *go = gy + (size_t)c * OH * OW;
        for (oy = 0; oy < OH; oy++)
            for (ox = 0; ox < OW; ox++) {
                float gv = go[oy * OW + ox], acc = -FLT_MAX;
                int64_t best = -1, n = 0, npad = 0;
                if (gv == 0)
                    continue;
                /* first pass: argmax (first maximum) or the divisor, as cam__eng_pool2d */
                for (ky = 0; ky < p[7]; ky++) {
                    int64_t iy = oy * p[9] - p[13] + ky * p[11];
                    if (iy >= H + p[15])
                        continue;
                    for (kx = 0; kx < p[8]; kx++) {
                        int64_t ix = ox * p[10] - p[14] + kx * p[12];
                        if (ix >= W + p[16])
                            continue;
                        npad++;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            continue;
                        n++;
                        if (is_max && (best < 0 || in[iy * W + ix] > acc)) {
                            acc = in[iy * W + ix];
                            best = iy * W + ix;
                        }
                    }
                }
                if (is_max) {
                    if (best >= 0)
                        gi[best] += gv;
                    continue;
                }
                if (!(p[18] ? npad : n))
                    continue;
                gv /= (float)(p[18] ? npad : n);
                for (ky = 0; ky < p[7]; ky++) {
                    int64_t iy = oy * p[9] - p[13] + ky * p[11];
                    if (iy < 0 || iy >= H)
                        continue;
                    for (kx = 0; kx < p[8]; kx++) {
                        int64_t ix = ox * p[10] - p[14] + kx * p[12];
                        if (ix >= 0 && ix < W)
                            gi[iy * W + ix] += gv;
                    }
                }
            }
    }
    return CAM_OK;
}

static void cam__grad_lrn(const cam__step *s, const cam_tensor *xt, const float *gy, float *gx, float *d)
{
    const float *x = (const float *)xt->data;
    int64_t N = xt->dims[0], C = xt->dims[1], n = cam_tensor_count(xt), inner = n / (N * C > 0 ? N * C : 1), i, c, j, c2;
    int64_t lo = (s->p[0] - 1) / 2, hi = s->p[0] - 1 - lo;
    float k = s->f[0] / (float)s->p[0], beta = s->f[1];
    /* d = bias + alpha/size * sum of squares over the window, as the forward */
    for (i = 0; i < N; i++)
        for (c = 0; c < C; c++)
            for (j = 0; j < inner; j++)
                d[(i * C + c) * inner + j] = s->f[2] + k * cam__lrn_sumsq(x, C, inner, i, c, j, lo, hi);
    /* gx_j = g_j d_j^-b - 2 k b x_j sum_{c: j in win(c)} g_c x_c d_c^(-b-1) */
    for (i = 0; i < N; i++)
        for (c = 0; c < C; c++)
            for (j = 0; j < inner; j++) {
                size_t o = (size_t)((i * C + c) * inner + j);
                float acc = 0;
                for (c2 = c - hi; c2 <= c + lo; c2++)
                    if (c2 >= 0 && c2 < C) {
                        size_t o2 = (size_t)((i * C + c2) * inner + j);
                        acc += gy[o2] * x[o2] * powf(d[o2], -beta - 1.0f);
                    }
                gx[o] += gy[o] * powf(d[o], -beta) - 2.0f * k * beta * x[o] * acc;
            }
}

static cam_result cam__grad_unsupported(cam_net *net, const cam__step *s)
{
    return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: operator '%s' has no backward", cam__op_names[s->op]);
}

/* Backward of one step: gy is dS/d(output 0). */
static cam_result cam__grad_step(cam__gctx *c, int si, const float *gy)
{
    cam_net *net = c->net;
    cam__step *s = &net->steps[si];
    const cam_tensor *x = cam__has_in(s, 0) ? CAM__VT(s->in[0]) : NULL;
    const cam_tensor *y = CAM__VT(s->out[0]);
    int64_t n = cam_tensor_count(y), i, k;
    int need0 = cam__has_in(s, 0) && cam__grad_need(c, s->in[0]);
    float *gx = NULL;
    int j;
    if (need0 && !(gx = cam__grad_of(c, s->in[0])))
        return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
    switch (s->op) {
    case CAM__OP_Flatten: case CAM__OP_Reshape: case CAM__OP_Identity: case CAM__OP_Unsqueeze: case CAM__OP_Squeeze:
    case CAM__OP_Dropout:
        if (gx)
            for (i = 0; i < n; i++)
                gx[i] += gy[i];
        return CAM_OK;
    case CAM__OP_Cast:
        if (gx && y->dtype == CAM_FLOAT32)
            for (i = 0; i < n; i++)
                gx[i] += gy[i];
        return CAM_OK;
    case CAM__OP_Conv: case CAM__OP_Gemm: case CAM__OP_MatMul: {
        const float *gz = gy;
        float *tmp = NULL;
        cam_result r = CAM_OK;
        if (c->pre[si]) {
            tmp = (float *)cam__grad_alloc(c, (size_t)n, sizeof(float));
            if (!tmp)
                return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            for (i = 0; i < n; i++)
                tmp[i] = gy[i] * cam__grad_act_d(c->pre[si][i], &s->act);
            gz = tmp;
        }
        if (s->res >= 0 && cam__grad_need(c, s->res)) {
            float *gr = cam__grad_of(c, s->res);
            if (!gr)
                return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            for (i = 0; i < n; i++)
                gr[i] += gz[i];
        }
        if (s->op == CAM__OP_Conv) {
            if (gx)
                r = cam__grad_conv(c, si, s, gz, gx);
            else if (cam__grad_need(c, s->in[1]))
                r = cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: weights computed from the input are not supported");
        } else if (s->w) {
            /* y = a . w^T with w N x K (alpha applied): ga = gz . w */
            int64_t K = s->p[1], N = s->p[2], rows = cam_tensor_count(x) / (K ? K : 1), m, q;
            if (gx)
                for (m = 0; m < rows; m++)
                    for (q = 0; q < N; q++) {
                        float gv = gz[m * N + q];
                        const float *wr = s->w + q * K;
                        if (gv != 0)
                            for (k = 0; k < K; k++)
                                gx[m * K + k] += gv * wr[k];
                    }
        } else if (s->op == CAM__OP_Gemm) {
            const cam_tensor *bt = CAM__VT(s->in[1]);
            const float *a = (const float *)x->data, *b = (const float *)bt->data;
            int64_t M = s->p[0], K = s->p[1], N = s->p[2], ta = s->p[3], tb = s->p[4], q, m;
            float alpha = s->f[0], beta = s->f[1];
            float *gb = cam__grad_need(c, s->in[1]) ? cam__grad_of(c, s->in[1]) : NULL;
            for (m = 0; m < M; m++)
                for (q = 0; q < N; q++) {
                    float gv = alpha * gz[m * N + q];
                    for (k = 0; k < K; k++) {
                        if (gx) gx[ta ? k * M + m : m * K + k] += gv * (tb ? b[q * K + k] : b[k * N + q]);
                        if (gb) gb[tb ? q * K + k : k * N + q] += gv * (ta ? a[k * M + m] : a[m * K + k]);
                    }
                }
            if (cam__has_in(s, 2) && cam__grad_need(c, s->in[2])) {
                float *gc = cam__grad_of(c, s->in[2]);
                if (!gc)
                    return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
                cam__grad_bin(CAM__BIN_ADD, CAM__VT(s->in[2]), CAM__VT(s->in[2]), y, gz, beta, gc, NULL);
            }
        } else {
            const cam_tensor *at = x, *bt = CAM__VT(s->in[1]);
            cam__mm_batch mb;
            int64_t M = s->p[0], K = s->p[1], N = s->p[2], bi, rr, cc;
            const float *A = (const float *)at->data, *B = (const float *)bt->data;
            float *gb = cam__grad_need(c, s->in[1]) ? cam__grad_of(c, s->in[1]) : NULL;
            cam__mm_batch_init(&mb, at, bt, y);
            for (bi = 0; bi < mb.count; bi++) {
                int64_t oa, obb;
                cam__mm_batch_at(&mb, bi, &oa, &obb);
                for (rr = 0; rr < M; rr++)
                    for (cc = 0; cc < N; cc++) {
                        float gv = gz[(bi * M + rr) * N + cc];
                        for (k = 0; k < K; k++) {
                            if (gx) gx[oa * M * K + rr * K + k] += gv * B[obb * K * N + k * N + cc];
                            if (gb) gb[obb * K * N + k * N + cc] += gv * A[oa * M * K + rr * K + k];
                        }
                    }
            }
        }
        if (tmp)
            cam__hfree(&net->heap, &c->mem, tmp);
        return r;
    }
    case CAM__OP_Relu: case CAM__OP_LeakyRelu: case CAM__OP_Sigmoid: case CAM__OP_HardSigmoid: case CAM__OP_HardSwish:
    case CAM__OP_Tanh: case CAM__OP_Clip: {
        const float *xv = (const float *)x->data;
        if (s->op == CAM__OP_Clip && ((cam__has_in(s, 1) && cam__grad_need(c, s->in[1])) || (cam__has_in(s, 2) && cam__grad_need(c, s->in[2]))))
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: Clip bounds computed from the input are not supported");
        if (gx)
            for (i = 0; i < n; i++)
                gx[i] += gy[i] * cam__grad_act_d(xv[i], &s->act);
        return CAM_OK;
    }
    case CAM__OP_Exp: case CAM__OP_Sqrt: case CAM__OP_Neg: case CAM__OP_Abs: case CAM__OP_Reciprocal:
    case CAM__OP_Floor: case CAM__OP_Ceil: {
        const float *xv = (const float *)x->data, *yv = (const float *)y->data;
        if (gx)
            for (i = 0; i < n; i++) {
                float d;
                switch (s->op) {
                case CAM__OP_Exp: d = yv[i]; break;
                case CAM__OP_Sqrt: d = 0.5f / yv[i]; break;
                case CAM__OP_Neg: d = -1.0f; break;
                case CAM__OP_Abs: d = xv[i] > 0 ? 1.0f : xv[i] < 0 ? -1.0f : 0.0f; break;
                case CAM__OP_Reciprocal: d = -yv[i] * yv[i]; break;
                default: d = 0; break;
                }
                gx[i] += gy[i] * d;
            }
        return CAM_OK;
    }
    case CAM__OP_Add: case CAM__OP_Sub: case CAM__OP_Mul: case CAM__OP_Div: case CAM__OP_PRelu: {
        int op = s->op == CAM__OP_Add ? CAM__BIN_ADD : s->op == CAM__OP_Sub ? CAM__BIN_SUB : s->op == CAM__OP_Mul ? CAM__BIN_MUL
               : s->op == CAM__OP_Div ? CAM__BIN_DIV : CAM__BIN_PRELU;
        cam_tensor bv = *CAM__VT(s->in[1]);
        float *gb = NULL;
        if (x->dtype != CAM_FLOAT32)
            return CAM_OK;
        if (cam__grad_need(c, s->in[1]) && !(gb = cam__grad_of(c, s->in[1])))
            return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
        if (s->op == CAM__OP_PRelu && gb)
            return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: a PRelu slope computed from the input is not supported");
        if (s->p[0]) { /* opset < 7 broadcast, as cam__exec */
            int nb = bv.ndim;
            for (k = 0; k < x->ndim; k++)
                bv.dims[k] = k >= s->p[1] && k < s->p[1] + nb ? CAM__VT(s->in[1])->dims[k - s->p[1]] : 1;
            bv.ndim = x->ndim;
        }
        if (s->in[0] == s->in[1] && gx) {
            /* x op x: both partials land in the same buffer */
            float *tb = (float *)cam__grad_alloc(c, (size_t)cam_tensor_count(x), sizeof(float));
            if (!tb)
                return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            cam__grad_bin(op, x, &bv, y, gy, 1.0f, gx, tb);
            for (i = 0; i < cam_tensor_count(x); i++)
                gx[i] += tb[i];
            cam__hfree(&net->heap, &c->mem, tb);
            return CAM_OK;
        }
        cam__grad_bin(op, x, &bv, y, gy, 1.0f, gx, gb);
        return CAM_OK;
    }
    case CAM__OP_Sum: case CAM__OP_Mean:
        for (j = 0; j < s->n_in; j++)
            if (cam__grad_need(c, s->in[j])) {
                float *gi = cam__grad_of(c, s->in[j]);
                if (!gi)
                    return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
                cam__grad_bin(CAM__BIN_ADD, CAM__VT(s->in[j]), CAM__VT(s->in[j]), y, gy,
                              s->op == CAM__OP_Mean ? 1.0f / (float)s->n_in : 1.0f, gi, NULL);
            }
        return CAM_OK;
    case CAM__OP_BatchNormalization: {
        const float *sc = (const float *)CAM__VT(s->in[1])->data, *var = (const float *)CAM__VT(s->in[4])->data;
        int64_t C = x->dims[1], inner = n / (x->dims[0] * C > 0 ? x->dims[0] * C : 1), q, e;
        for (j = 1; j < 5; j++)
            if (cam__grad_need(c, s->in[j]))
                return cam__nfail(net, s, CAM_ERR_UNSUPPORTED, "gradient: BatchNormalization parameters computed from the input are not supported");
        if (gx)
            for (i = 0; i < x->dims[0]; i++)
                for (q = 0; q < C; q++) {
                    float m = sc[q] / sqrtf(var[q] + s->f[0]);
                    for (e = 0; e < inner; e++) {
                        size_t off = (size_t)((i * C + q) * inner + e);
                        gx[off] += gy[off] * m;
                    }
                }
        return CAM_OK;
    }
    case CAM__OP_MaxPool: case CAM__OP_AveragePool:
        return gx ? cam__grad_pool(s, (const float *)x->data, gy, gx) : CAM_OK;
    case CAM__OP_GlobalAveragePool: case CAM__OP_GlobalMaxPool: {
        int64_t hw = cam_tensor_count(x) / (n ? n : 1), e;
        const float *a = (const float *)x->data;
        if (gx)
            for (i = 0; i < n; i++) {
                if (s->op == CAM__OP_GlobalAveragePool) {
                    for (e = 0; e < hw; e++)
                        gx[i * hw + e] += gy[i] / (float)hw;
                } else {
                    int64_t best = 0;
                    for (e = 1; e < hw; e++)
                        if (a[i * hw + e] > a[i * hw + best])
                            best = e;
                    gx[i * hw + best] += gy[i];
                }
            }
        return CAM_OK;
    }
    case CAM__OP_ReduceMean: {
        int64_t st[CAM_MAX_NDIM], idx[CAM_MAX_NDIM] = {0}, total = cam_tensor_count(x), off = 0;
        int64_t red = cam__reduce_strides(x, s->p[0], st);
        if (gx)
            for (k = 0; k < total; k++) {
                gx[k] += gy[off] / (float)(red ? red : 1);
                cam__odometer_step(x->ndim, x->dims, st, idx, &off);
            }
        return CAM_OK;
    }
    case CAM__OP_LRN:
        if (gx) {
            float *d = (float *)cam__grad_alloc(c, (size_t)n, sizeof(float));
            if (!d)
                return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            cam__grad_lrn(s, x, gy, gx, d);
            cam__hfree(&net->heap, &c->mem, d);
        }
        return CAM_OK;
    case CAM__OP_Concat: {
        int64_t axis = s->p[0], outer = 1, inner = 1, off = 0, e;
        for (k = 0; k < axis; k++) outer *= y->dims[k];
        for (k = axis + 1; k < y->ndim; k++) inner *= y->dims[k];
        for (j = 0; j < s->n_in; j++) {
            const cam_tensor *b = CAM__VT(s->in[j]);
            int64_t chunk = b->dims[axis] * inner;
            float *gi = cam__grad_need(c, s->in[j]) ? cam__grad_of(c, s->in[j]) : NULL;
            if (cam__grad_need(c, s->in[j]) && !gi)
                return cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            if (gi)
                for (i = 0; i < outer; i++)
                    for (e = 0; e < chunk; e++)
                        gi[i * chunk + e] += gy[i * y->dims[axis] * inner + off + e];
            off += chunk;
        }
        return CAM_OK;
    }
    case CAM__OP_Transpose: {
        int64_t st[CAM_MAX_NDIM], ist[CAM_MAX_NDIM], acc = 1;
        for (j = x->ndim - 1; j >= 0; j--) {
            ist[j] = acc;
            acc *= x->dims[j];
        }
        for (j = 0; j < x->ndim; j++)
            st[j] = ist[s->perm[j]];
        if (gx)
            cam__grad_scatter(gx, 0, st, gy, y->ndim, y->dims);
        return CAM_OK;
    }
    case CAM__OP_Slice: {
        int64_t st[CAM_MAX_NDIM], acc = 1, base = 0;
        for (j = x->ndim - 1; j >= 0; j--) {
            st[j] = acc * s->q[j + CAM_MAX_NDIM];
            base += s->q[j] * acc;
            acc *= x->dims[j];
        }
        if (gx)
            cam__grad_scatter(gx, base, st, gy, y->ndim, y->dims);
        return CAM_OK;
    }
    case CAM__OP_Pad: {
        int64_t idx[CAM_MAX_NDIM] = {0}, ist[CAM_MAX_NDIM], acc = 1;
        int nd2 = y->ndim;
        if (!gx)
            return CAM_OK;
        for (j = nd2 - 1; j >= 0; j--) {
            ist[j] = acc;
            acc *= x->dims[j];
        }
        for (i = 0; i < n; i++) {
            int64_t off;
            if (cam__pad_src((int)s->p[0], nd2, idx, s->q, x->dims, ist, &off))
                gx[off] += gy[i];
            for (j = nd2 - 1; j >= 0; j--) {
                if (++idx[j] < y->dims[j]) break;
                idx[j] = 0;
            }
        }
        return CAM_OK;
    }
    case CAM__OP_Softmax: case CAM__OP_LogSoftmax: {
        const float *yv = (const float *)y->data;
        int64_t outer = s->p[0], len = s->p[1], inner = s->p[2], o, e;
        if (!gx)
            return CAM_OK;
        for (o = 0; o < outer; o++)
            for (e = 0; e < inner; e++) {
                size_t b0 = (size_t)(o * len * inner + e);
                float dot = 0;
                for (k = 0; k < len; k++)
                    dot += s->op == CAM__OP_Softmax ? gy[b0 + k * inner] * yv[b0 + k * inner] : gy[b0 + k * inner];
                for (k = 0; k < len; k++) {
                    size_t q = b0 + (size_t)(k * inner);
                    gx[q] += s->op == CAM__OP_Softmax ? yv[q] * (gy[q] - dot) : gy[q] - expf(yv[q]) * dot;
                }
            }
        return CAM_OK;
    }
    default:
        break;
    }
    return cam__grad_unsupported(net, s);
}

/* >>grad-api-impl */
/* Gradients (grad_out: n_classes x count(input)) and/or saliency maps
   (sal_out: n_classes x H x W) of image `image` for each class (< 0: top-1),
   from one kept forward; class_out (n_classes) receives the classes used. */
static cam_result cam__gradient(cam_net *net, const cam_tensor *input, int image, const int *classes, int n_classes,
                                float *grad_out, float *sal_out, int *class_out)
{
    cam__gctx c;
    void **saved = NULL;
    unsigned char *arena = NULL;
    cam_result r;
    int i, j, k, in_id, sv, C, N;
    int64_t count;
    if (!net)
        return CAM_ERR_INVALID_ARG;
    if (!input || (!grad_out && !sal_out) || !classes || n_classes < 1)
        return cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: NULL argument or no class");
    if (sal_out && input->ndim < 3)
        return cam__fail(net, CAM_ERR_INVALID_ARG, "saliency: the input must be N x C x H x W");
    if (net->n_inputs != 1 || input->dtype != CAM_FLOAT32 || input->ndim < 2)
        return cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: the model needs one float32 input N x C x ... (it has %d inputs)",
                         net->n_inputs);
    if ((r = cam_net_forward(net, input, 1)) != CAM_OK)
        return r;
    if (!net->n_outputs)
        return cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: the model has no output");
    N = (int)input->dims[0];
    if (image < 0 || image >= N)
        return cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: image %d out of range [0, %d)", image, N);
    /* the class scores: the first output, or the logits under its Softmax */
    sv = net->outputs[0];
    if (net->values[sv].producer >= 0 && net->values[sv].state == CAM__V_RUNTIME) {
        const cam__step *ps = &net->steps[net->values[sv].producer];
        if ((ps->op == CAM__OP_Softmax || ps->op == CAM__OP_LogSoftmax) && ps->out[0] == sv)
            sv = ps->in[0];
    }
    if (net->values[sv].state != CAM__V_RUNTIME || net->values[sv].t.dtype != CAM_FLOAT32 || net->values[sv].t.ndim < 1 ||
        net->values[sv].t.dims[0] != N)
        return cam__fail(net, CAM_ERR_UNSUPPORTED, "gradient: the scores '%s' are not a float32 tensor computed per image",
                         net->values[sv].name);
    C = (int)(cam_tensor_count(&net->values[sv].t) / N);
    for (j = 0; j < n_classes; j++)
        if (classes[j] >= C)
            return cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: class %d out of range [0, %d)", classes[j], C);
    in_id = net->inputs[0];
    count = cam_tensor_count(input);

    memset(&c, 0, sizeof c);
    c.net = net;
    saved = (void **)cam__grad_alloc(&c, (size_t)net->n_values, sizeof(void *));
    c.g = (float **)cam__grad_alloc(&c, (size_t)net->n_values, sizeof(float *));
    c.dep = (unsigned char *)cam__grad_alloc(&c, (size_t)net->n_values, 1);
    c.pre = (float **)cam__grad_alloc(&c, (size_t)net->n_steps, sizeof(float *));
    c.wt = (float **)cam__grad_alloc(&c, (size_t)net->n_steps, sizeof(float *));
    if (!saved || !c.g || !c.dep || !c.pre || !c.wt) {
        r = cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
        goto done;
    }
    for (i = 0; i < net->n_values; i++)
        saved[i] = net->values[i].t.data;
    /* private storage for every runtime root; aliases point into it as planned */
    r = CAM_OK;
    for (i = 0; i < net->n_values && r == CAM_OK; i++) {
        cam__value *v = &net->values[i];
        if (v->state == CAM__V_RUNTIME && v->root == i) {
            v->t.data = cam__grad_alloc(&c, (size_t)cam_tensor_count(&v->t) * cam_dtype_size(v->t.dtype) + 64, 1);
            if (!v->t.data)
                r = cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory keeping the activations");
        }
    }
    if (r != CAM_OK)
        goto restore;
    for (i = 0; i < net->n_values; i++) {
        cam__value *v = &net->values[i];
        if (v->state == CAM__V_RUNTIME && v->root != i)
            v->t.data = (unsigned char *)net->values[v->root].t.data + v->sub;
    }
    net->values[in_id].t.data = input->data;
    /* conv padding scratch lives in the arena, where it may share bytes with
       the outputs of the plain forward: give it a private arena */
    {
        unsigned char *priv = (unsigned char *)cam__grad_alloc(&c, net->arena_bytes + 64, 1);
        if (!priv) {
            r = cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            goto restore;
        }
        arena = net->arena;
        net->arena = priv;
    }
    /* forward, keeping pre-activations of fused activations, and every
       conv's output in its own tensor */
    net->dense_acts = 1;
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        int fused_act = (s->op == CAM__OP_Conv || s->op == CAM__OP_Gemm || s->op == CAM__OP_MatMul) && s->act.kind != CAM__ACT_NONE;
        cam__act_params act = s->act;
        if (s->alias)
            continue;
        if (fused_act)
            s->act.kind = CAM__ACT_NONE;
        r = cam__exec(net, s);
        s->act = act;
        if (r != CAM_OK)
            goto restore;
        if (fused_act) {
            cam_tensor *y = CAM__VT(s->out[0]);
            int64_t n = cam_tensor_count(y), e;
            float *yv = (float *)y->data;
            c.pre[i] = (float *)cam__grad_alloc(&c, (size_t)n, sizeof(float));
            if (!c.pre[i]) {
                r = cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
                goto restore;
            }
            memcpy(c.pre[i], yv, (size_t)n * sizeof(float));
            for (e = 0; e < n; e++)
                yv[e] = cam__eng_act1(yv[e], &act);
        }
    }
    /* which values depend on the input */
    c.dep[in_id] = 1;
    for (i = 0; i < net->n_steps; i++) {
        cam__step *s = &net->steps[i];
        int d = s->res >= 0 && c.dep[s->res];
        for (k = 0; k < s->n_in; k++)
            d |= s->in[k] >= 0 && c.dep[s->in[k]];
        for (k = 0; k < s->n_out; k++)
            if (s->out[k] >= 0)
                c.dep[s->out[k]] = (unsigned char)d;
    }
    if (!c.dep[sv]) {
        r = cam__fail(net, CAM_ERR_UNSUPPORTED, "gradient: the scores do not depend on the input");
        goto restore;
    }
    /* one reverse sweep per class over the same kept forward */
    for (j = 0; j < n_classes; j++) {
        const float *sc = (const float *)net->values[sv].t.data + (size_t)image * C;
        int cls = classes[j];
        float *g;
        for (i = 0; i < net->n_values; i++)
            if (c.g[i]) {
                cam__hfree(&net->heap, &c.mem, c.g[i]);
                c.g[i] = NULL;
            }
        if (cls < 0) {
            cls = 0;
            for (k = 1; k < C; k++)
                if (sc[k] > sc[cls])
                    cls = k;
        }
        if (class_out)
            class_out[j] = cls;
        if (!(g = cam__grad_of(&c, sv))) {
            r = cam__fail(net, CAM_ERR_NOMEM, "gradient: out of memory");
            goto restore;
        }
        g[(size_t)image * C + cls] = 1.0f;
        for (i = net->n_steps - 1; i >= 0; i--) {
            cam__step *s = &net->steps[i];
            if (s->n_out < 1 || s->out[0] < 0 || !c.g[s->out[0]] || !c.dep[s->out[0]])
                continue;
            for (k = 1; k < s->n_out; k++)
                if (s->out[k] >= 0 && c.g[s->out[k]]) {
                    r = cam__grad_unsupported(net, s);
                    goto restore;
                }
            if ((r = cam__grad_step(&c, i, c.g[s->out[0]])) != CAM_OK)
                goto restore;
        }
        g = c.g[in_id];
        if (grad_out) {
            if (g)
                memcpy(grad_out + (size_t)j * count, g, (size_t)count * sizeof(float));
            else
                memset(grad_out + (size_t)j * count, 0, (size_t)count * sizeof(float));
        }
        if (sal_out) {
            /* max over channels of |dS/dx| */
            int64_t ch = input->dims[1], hw = count / (N * ch), e, q;
            float *o = sal_out + (size_t)j * hw;
            for (e = 0; e < hw; e++) {
                float m = 0;
                for (q = 0; g && q < ch; q++) {
                    float v = fabsf(g[((size_t)image * ch + q) * hw + e]);
                    m = v > m ? v : m;
                }
                o[e] = m;
            }
        }
    }
restore:
    net->dense_acts = 0;
    if (arena)
        net->arena = arena;
    for (i = 0; i < net->n_values; i++)
        net->values[i].t.data = saved[i];
done:
    cam__hfree_all(&net->heap, &c.mem);
    return r;
}

CAM_API cam_result cam_net_gradient(cam_net *net, const cam_tensor *input, int image, int class_index, float *out, int *class_out)
{
    if (!out)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "gradient: NULL argument") : CAM_ERR_INVALID_ARG;
    return cam__gradient(net, input, image, &class_index, 1, out, NULL, class_out);
}

CAM_API cam_result cam_net_saliency(cam_net *net, const cam_tensor *input, int image, int class_index, float *out, int *class_out)
{
    if (!out)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "saliency: NULL argument") : CAM_ERR_INVALID_ARG;
    return cam__gradient(net, input, image, &class_index, 1, NULL, out, class_out);
}

CAM_API cam_result cam_net_saliency_maps(cam_net *net, const cam_tensor *input, int image, const int *classes, int n_classes,
                                         float *out, int *classes_out)
{
    if (!out || !classes || n_classes < 1)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "saliency: NULL argument or no class") : CAM_ERR_INVALID_ARG;
    return cam__gradient(net, input, image, classes, n_classes, NULL, out, classes_out);
}

CAM_API cam_result cam_net_backprop_maps(cam_net *net, const cam_tensor *input, int b, const int *classes, int n_classes,
                                         const cam_map_desc *desc, cam_maps *out)
{
    cam_map_desc d;
    const float *sc = NULL;
    float *sal;
    cam_result r;
    int i, nsc = 0, in_w, in_h, ow, oh;
    size_t hw;
    if (!out)
        return CAM_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (desc)
        d = *desc;
    else
        memset(&d, 0, sizeof d);
    if (!net || !input || input->ndim != 4 || b < 0 || b >= input->dims[0] || n_classes <= 0 ||
        !cam__vis_interp_ok(d.interp) || (int)d.target < 0 || (int)d.target > CAM_TARGET_FEATURE || (int)d.normalize < 0 ||
        (int)d.normalize > CAM_NORMALIZE_MINMAX || (int)d.order < 0 || (int)d.order > CAM_NORMALIZE_BEFORE_RESIZE ||
        input->dims[2] > CAM_MAX_IMAGE_DIM || input->dims[3] > CAM_MAX_IMAGE_DIM)
        return net ? cam__fail(net, CAM_ERR_INVALID_ARG, "backprop maps: invalid argument") : CAM_ERR_INVALID_ARG;
    if (d.target == CAM_TARGET_IMAGE && d.transform && !cam__vis_transform_ok(d.transform))
        return cam__fail(net, CAM_ERR_INVALID_ARG, "backprop maps: invalid transform");
    /* the scores pick the top classes (and are reported) */
    if ((r = cam_net_forward(net, input, 1)) != CAM_OK)
        return r;
    if (cam_net_scores(net, b, &sc, &nsc) != CAM_OK) {
        if (!classes)
            return cam__fail(net, CAM_ERR_NOT_FOUND, "backprop maps: no class scores to pick the top classes from");
        sc = NULL;
        nsc = 0;
    }
    if (!classes && n_classes > nsc)
        n_classes = nsc;
    in_h = (int)input->dims[2];
    in_w = (int)input->dims[3];
    hw = (size_t)in_w * in_h;
    out->classes = (int *)malloc(sizeof(int) * (size_t)n_classes);
    out->scores = (float *)malloc(sizeof(float) * (size_t)n_classes);
    sal = (float *)malloc(sizeof(float) * hw * (size_t)n_classes);
    if (!out->classes || !out->scores || !sal) {
        free(sal);
        cam_maps_free(out);
        return cam__fail(net, CAM_ERR_NOMEM, "backprop maps: out of memory");
    }
    if (classes)
        memcpy(out->classes, classes, sizeof(int) * (size_t)n_classes);
    else
        cam_scores_topk(sc, nsc, n_classes, out->classes, NULL);
    out->n = n_classes;
    r = cam__gradient(net, input, b, out->classes, n_classes, NULL, sal, out->classes);
    for (i = 0; i < n_classes; i++)
        out->scores[i] = sc && out->classes[i] < nsc ? sc[out->classes[i]] : 0.0f;
    ow = in_w;
    oh = in_h;
    if (d.target == CAM_TARGET_IMAGE && d.transform) {
        ow = d.transform->image_width;
        oh = d.transform->image_height;
    }
    out->width = ow;
    out->height = oh;
    if (r == CAM_OK && ow == in_w && oh == in_h && !(d.target == CAM_TARGET_IMAGE && d.transform)) {
        out->data = sal; /* at the input resolution already: no resampling */
        sal = NULL;
        if (d.normalize)
            for (i = 0; i < n_classes; i++)
                cam_map_normalize(out->data + (size_t)i * hw, hw, d.normalize);
    } else if (r == CAM_OK) {
        out->data = (float *)malloc(sizeof(float) * (size_t)ow * oh * (size_t)n_classes);
        if (!out->data)
            r = cam__fail(net, CAM_ERR_NOMEM, "backprop maps: out of memory");
        for (i = 0; r == CAM_OK && i < n_classes; i++) {
            float *src = sal + (size_t)i * hw, *dst = out->data + (size_t)i * ow * oh;
            cam_transform tf = *d.transform;
            if (d.normalize && d.order == CAM_NORMALIZE_BEFORE_RESIZE)
                cam_map_normalize(src, hw, d.normalize);
            tf.input_width = in_w;
            tf.input_height = in_h;
            r = cam_map_resize_to_image(src, in_w, in_h, &tf, dst, d.interp);
            if (r == CAM_OK && d.normalize && d.order == CAM_NORMALIZE_AFTER_RESIZE)
                cam_map_normalize(dst, (size_t)ow * oh, d.normalize);
        }
    }
    free(sal);
    if (r != CAM_OK)
        cam_maps_free(out);
    return r;
}

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
