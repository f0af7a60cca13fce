/* Backprop saliency tests (owner: grad).

   usage: test_grad DIR [NAME MODEL INPUT.npy IMAGE CLASS REF.npy]...
          test_grad --grad MODEL INPUT.npy IMAGE CLASS OUT.npy
          test_grad --dump MODEL INPUT.npy NAMES.txt OUTDIR
   (the last two are tools for tests/grad/test_grad.py)

   DIR holds what tests/grad/grad_ref.py tiny wrote (tiny.onnx, tiny_in.npy,
   unsupported.onnx). Checks on the tiny graph: central finite differences,
   zero rows for the other image, saliency = max over channels of |gradient|,
   top-class pick, thread-count independence, the net's outputs left as a plain
   forward leaves them, error paths. Each further 6-tuple compares
   cam_net_gradient with PyTorch autograd's gradient REF (1e-4 of the largest
   |gradient|). */
#include "cam.h"
#include "tests/test_util.h"

#include <stdlib.h>
#include <string.h>

static float max_abs(const float *a, int64_t n)
{
    float m = 0;
    int64_t i;
    for (i = 0; i < n; i++)
        m = fabsf(a[i]) > m ? fabsf(a[i]) : m;
    return m;
}

static cam_net *load(const char *path, int threads)
{
    cam_net_desc d;
    cam_net *net = NULL;
    cam_error err;
    memset(&d, 0, sizeof d);
    d.threads = threads;
    if (cam_net_load(path, &d, &net, &err) != CAM_OK) {
        printf("# load %s: %s\n", path, err.message);
        return NULL;
    }
    return net;
}

/* S_c of image b: the logit, i.e. the input of the model's final Softmax. */
static double score(cam_net *net, const cam_tensor *x, int b, int c)
{
    cam_tensor t;
    if (cam_net_forward(net, x, 1) != CAM_OK || cam_net_tensor(net, "logits", &t) != CAM_OK)
        return NAN;
    return ((const float *)t.data)[b * (cam_tensor_count(&t) / t.dims[0]) + c];
}

/* Central differences (h = 1e-2) of S_cls for every element of image 1 of x
   against cam_net_gradient, relative to the largest |gradient|. */
static void fd_check(test_ctx *T, const char *dir, const char *name, cam_tensor *x, int cls)
{
    char path[1024], tname[128];
    cam_net_desc d;
    cam_net *net = NULL;
    cam_error err;
    const char *keep[] = {"logits"};
    int64_t n = cam_tensor_count(x), per = n / x->dims[0], i;
    float *g = (float *)calloc((size_t)n, sizeof(float));
    double worst = 0, gmax;
    snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
    snprintf(tname, sizeof tname, "grad_%s_finite_differences", name);
    memset(&d, 0, sizeof d);
    d.keep = keep;
    d.n_keep = 1;
    if (cam_net_load(path, &d, &net, &err) != CAM_OK || cam_net_gradient(net, x, 1, cls, g, NULL) != CAM_OK) {
        test_report(T, 0, tname, "%s: %s", path, net ? cam_net_last_error(net) : err.message);
        cam_net_free(net);
        free(g);
        return;
    }
    gmax = max_abs(g + per, per);
    for (i = 0; i < per; i++) {
        float *xv = (float *)x->data + per + i, keepv = *xv, h = 1e-2f;
        double sp, sm, fd;
        *xv = keepv + h;
        sp = score(net, x, 1, cls);
        *xv = keepv - h;
        sm = score(net, x, 1, cls);
        *xv = keepv;
        fd = (sp - sm) / (2.0 * h);
        if (!(fabs(fd - g[per + i]) / gmax <= worst))
            worst = fabs(fd - g[per + i]) / gmax;
    }
    test_report(T, gmax > 0 && worst < 2e-3, tname, "max |fd - g| / max |g| = %g (max |g| %g)", worst, gmax);
    printf("# %s: finite differences agree to %.2e of max |g| = %.3g\n", name, worst, gmax);
    cam_net_free(net);
    free(g);
}

static void test_tiny(test_ctx *T, const char *dir)
{
    char path[1024], in_path[1024];
    cam_net_desc d;
    cam_net *net = NULL, *net1 = NULL;
    cam_error err;
    cam_tensor x, out0, out1;
    const char *keep[] = {"logits"};
    float *g = NULL, *g1 = NULL, *sal = NULL, *ref_out = NULL;
    int64_t n, per, i;
    int cls = -1, ok, top, k;
    cam_result r;

    snprintf(path, sizeof path, "%s/tiny.onnx", dir);
    snprintf(in_path, sizeof in_path, "%s/tiny_in.npy", dir);
    memset(&d, 0, sizeof d);
    d.keep = keep;
    d.n_keep = 1;
    d.threads = 2;
    if (cam_net_load(path, &d, &net, &err) != CAM_OK || cam_npy_load(in_path, &x, &err) != CAM_OK) {
        test_report(T, 0, "grad_tiny_load", "%s", err.message);
        cam_net_free(net);
        return;
    }
    n = cam_tensor_count(&x);
    per = n / x.dims[0];
    g = (float *)calloc((size_t)n, sizeof(float));
    g1 = (float *)calloc((size_t)n, sizeof(float));
    sal = (float *)calloc((size_t)(x.dims[2] * x.dims[3]), sizeof(float));
    ref_out = (float *)calloc(16, sizeof(float));

    /* outputs after a gradient call equal those of a plain forward */
    cam_net_forward(net, &x, 1);
    cam_net_output(net, 0, &out0);
    memcpy(ref_out, out0.data, (size_t)cam_tensor_count(&out0) * sizeof(float));
    r = cam_net_gradient(net, &x, 1, -1, g, &cls);
    test_report(T, r == CAM_OK, "grad_tiny_runs", "%s: %s", cam_result_str(r), cam_net_last_error(net));
    if (r != CAM_OK)
        goto done;
    cam_net_output(net, 0, &out1);
    test_report(T, !memcmp(ref_out, out1.data, (size_t)cam_tensor_count(&out1) * sizeof(float)), "grad_tiny_outputs_kept",
                "outputs differ from a plain forward");
    top = 0;
    for (k = 1; k < 5; k++)
        if (ref_out[5 + k] > ref_out[5 + top])
            top = k;
    test_report(T, cls == top, "grad_tiny_top_class", "picked %d, top is %d", cls, top);

    /* image 0 does not influence image 1's score */
    test_report(T, max_abs(g, per) == 0, "grad_tiny_other_image_zero", "max |g| of image 0 = %g", max_abs(g, per));

    /* central differences for every element of image 1, on the smooth twin
       (kinks of Relu, Clip and max pools make differences meaningless there;
       the tiny graph itself is compared with PyTorch) and on misc.onnx */
    fd_check(T, dir, "smooth", &x, 3);
    fd_check(T, dir, "misc", &x, 1);

    /* saliency = max over channels of |g| */
    r = cam_net_saliency(net, &x, 1, cls, sal, NULL);
    ok = r == CAM_OK;
    for (i = 0; ok && i < x.dims[2] * x.dims[3]; i++) {
        float m = 0;
        for (k = 0; k < x.dims[1]; k++)
            m = fabsf(g[per + k * x.dims[2] * x.dims[3] + i]) > m ? fabsf(g[per + k * x.dims[2] * x.dims[3] + i]) : m;
        ok = sal[i] == m;
    }
    test_report(T, ok, "grad_tiny_saliency_is_max_abs", "%s", r == CAM_OK ? "mismatch" : cam_net_last_error(net));
    {
        /* several classes from one forward = one call per class */
        int cl[3] = {4, -1, 0}, used[3] = {0, 0, 0};
        int64_t hw = x.dims[2] * x.dims[3];
        float *ms = (float *)calloc((size_t)(3 * hw), sizeof(float)), *one = (float *)calloc((size_t)hw, sizeof(float));
        r = cam_net_saliency_maps(net, &x, 1, cl, 3, ms, used);
        ok = r == CAM_OK && used[0] == 4 && used[1] == top && used[2] == 0;
        for (k = 0; ok && k < 3; k++)
            ok = cam_net_saliency(net, &x, 1, used[k], one, NULL) == CAM_OK && !memcmp(one, ms + k * hw, (size_t)hw * sizeof(float));
        test_report(T, ok, "grad_tiny_saliency_maps", "%s", r == CAM_OK ? "differs from one call per class" : cam_net_last_error(net));
        free(ms);
        free(one);
    }
    {
        /* the cam_net_maps()-like wrapper: top classes by score, maps at the
           input and on a 2x image */
        cam_maps bm, bi;
        cam_map_desc md;
        cam_transform tf;
        int64_t hw = x.dims[2] * x.dims[3];
        float *ms = (float *)calloc((size_t)(2 * hw), sizeof(float)), *big = (float *)calloc((size_t)(4 * hw), sizeof(float));
        memset(&bm, 0, sizeof bm);
        memset(&bi, 0, sizeof bi);
        r = cam_net_backprop_maps(net, &x, 1, NULL, 2, NULL, &bm);
        ok = r == CAM_OK && bm.n == 2 && bm.classes[0] == top && bm.width == x.dims[3] && bm.height == x.dims[2] &&
             cam_net_saliency_maps(net, &x, 1, bm.classes, 2, ms, NULL) == CAM_OK &&
             !memcmp(ms, bm.data, (size_t)(2 * hw) * sizeof(float));
        test_report(T, ok, "grad_backprop_maps_input", "%s", r == CAM_OK ? "differs from cam_net_saliency_maps" : cam_net_last_error(net));
        memset(&md, 0, sizeof md);
        cam_transform_identity(&tf, (int)x.dims[3], (int)x.dims[2]);
        tf.image_width = 2 * (int)x.dims[3];
        tf.image_height = 2 * (int)x.dims[2];
        tf.scale_x = tf.scale_y = 2.0;
        md.transform = &tf;
        r = cam_net_backprop_maps(net, &x, 1, bm.classes, 2, &md, &bi);
        ok = r == CAM_OK && bi.width == tf.image_width && bi.height == tf.image_height &&
             cam_map_resize_to_image(ms + hw, (int)x.dims[3], (int)x.dims[2], &tf, big, CAM_INTERP_BILINEAR) == CAM_OK &&
             !memcmp(big, bi.data + 4 * hw, (size_t)(4 * hw) * sizeof(float));
        test_report(T, ok, "grad_backprop_maps_image", "%s", r == CAM_OK ? "differs from a resized saliency map" : cam_net_last_error(net));
        cam_maps_free(&bm);
        cam_maps_free(&bi);
        free(ms);
        free(big);
    }
    {
        cam_box box;
        int nb = cam_map_boxes(sal, (int)x.dims[3], (int)x.dims[2], NULL, &box, 1, NULL);
        test_report(T, nb == 1 && box.x0 >= 0 && box.x1 < x.dims[3] && box.y0 >= 0 && box.y1 < x.dims[2], "grad_tiny_box",
                    "%d boxes", nb);
    }

    /* one thread gives the same bits */
    snprintf(path, sizeof path, "%s/tiny.onnx", dir);
    net1 = load(path, 1);
    r = net1 ? cam_net_gradient(net1, &x, 1, cls, g1, NULL) : CAM_ERR_IO;
    test_report(T, r == CAM_OK && !memcmp(g, g1, (size_t)n * sizeof(float)), "grad_tiny_threads_invariant", "%s",
                r == CAM_OK ? "1 and 2 threads differ" : cam_result_str(r));

    /* unfused steps (standalone BatchNormalization, activations, Add) agree
       with the fused ones up to rounding */
    {
        cam_net_desc du;
        cam_net *nu = NULL;
        double e = 0, m = max_abs(g, n);
        memset(&du, 0, sizeof du);
        du.no_fuse = 1;
        r = cam_net_load(path, &du, &nu, &err) == CAM_OK ? cam_net_gradient(nu, &x, 1, cls, g1, NULL) : CAM_ERR_IO;
        for (i = 0; r == CAM_OK && i < n; i++)
            e = fabs((double)g[i] - g1[i]) > e ? fabs((double)g[i] - g1[i]) : e;
        test_report(T, r == CAM_OK && e <= 1e-5 * m, "grad_tiny_unfused", "%s, max diff %g of %g", cam_result_str(r), e, m);
        cam_net_free(nu);
    }

    /* errors */
    r = cam_net_gradient(net, &x, 2, 0, g, NULL);
    test_report(T, r == CAM_ERR_INVALID_ARG, "grad_err_image_range", "got %s", cam_result_str(r));
    r = cam_net_gradient(net, &x, 0, 5, g, NULL);
    test_report(T, r == CAM_ERR_INVALID_ARG, "grad_err_class_range", "got %s", cam_result_str(r));
    r = cam_net_gradient(net, NULL, 0, 0, g, NULL);
    test_report(T, r == CAM_ERR_INVALID_ARG, "grad_err_null", "got %s", cam_result_str(r));
    test_report(T, cam_grad_supports_op("Conv") && cam_grad_supports_op("Concat") && !cam_grad_supports_op("Max") &&
                       !cam_grad_supports_op(NULL),
                "grad_supports_op", "wrong answers");
done:
    cam_net_free(net);
    cam_net_free(net1);
    cam_npy_free(&x);
    free(g);
    free(g1);
    free(sal);
    free(ref_out);
}

static void test_unsupported(test_ctx *T, const char *dir)
{
    char path[1024];
    cam_net *net;
    float xin[48], g[48];
    cam_tensor x;
    cam_result r;
    int i;
    snprintf(path, sizeof path, "%s/unsupported.onnx", dir);
    net = load(path, 1);
    if (!net) {
        test_report(T, 0, "grad_err_unsupported", "cannot load %s", path);
        return;
    }
    for (i = 0; i < 48; i++)
        xin[i] = (float)((i * 37) % 11) - 5.0f;
    memset(&x, 0, sizeof x);
    x.dtype = CAM_FLOAT32;
    x.ndim = 4;
    x.dims[0] = 1;
    x.dims[1] = 3;
    x.dims[2] = 4;
    x.dims[3] = 4;
    x.data = xin;
    r = cam_net_gradient(net, &x, 0, 0, g, NULL);
    test_report(T, r == CAM_ERR_UNSUPPORTED && strstr(cam_net_last_error(net), "'Max'") != NULL, "grad_err_unsupported",
                "got %s: %s", cam_result_str(r), cam_net_last_error(net));
    /* and the net still runs forward normally afterwards */
    r = cam_net_forward(net, &x, 1);
    test_report(T, r == CAM_OK, "grad_err_unsupported_net_usable", "%s", cam_net_last_error(net));
    cam_net_free(net);
}

static void test_ref(test_ctx *T, char **a)
{
    const char *name = a[0], *model = a[1], *input = a[2], *ref = a[5];
    int image = atoi(a[3]), cls = atoi(a[4]);
    char tname[128];
    cam_net *net = load(model, 0);
    cam_tensor x, rt;
    cam_error err;
    float *g = NULL;
    cam_result r;
    double worst = 0, rmax;
    int64_t n, i;
    snprintf(tname, sizeof tname, "grad_torch_%s", name);
    if (!net || cam_npy_load(input, &x, &err) != CAM_OK) {
        test_report(T, 0, tname, "cannot load %s or %s", model, input);
        cam_net_free(net);
        return;
    }
    if (cam_npy_load(ref, &rt, &err) != CAM_OK || cam_tensor_count(&rt) != cam_tensor_count(&x)) {
        test_report(T, 0, tname, "bad reference %s", ref);
        cam_net_free(net);
        cam_npy_free(&x);
        return;
    }
    n = cam_tensor_count(&x);
    g = (float *)calloc((size_t)n, sizeof(float));
    r = cam_net_gradient(net, &x, image, cls, g, NULL);
    rmax = max_abs((const float *)rt.data, n);
    for (i = 0; r == CAM_OK && i < n; i++) {
        double e = fabs((double)g[i] - ((const float *)rt.data)[i]);
        if (e > worst)
            worst = e;
    }
    test_report(T, r == CAM_OK && rmax > 0 && worst <= 1e-4 * rmax, tname, "%s; max |g - ref| = %g, max |ref| = %g",
                r == CAM_OK ? "mismatch" : cam_net_last_error(net), worst, rmax);
    printf("# %s: max |g - torch| / max |torch| = %.2e (max |torch| %.3g)\n", name, rmax > 0 ? worst / rmax : 0, rmax);
    free(g);
    cam_npy_free(&x);
    cam_npy_free(&rt);
    cam_net_free(net);
}

/* --grad MODEL INPUT IMAGE CLASS OUT.npy: writes cam_net_gradient's result. */
static int tool_grad(char **a)
{
    cam_net *net = load(a[0], 0);
    cam_tensor x, o;
    cam_error err;
    float *g;
    cam_result r;
    if (!net || cam_npy_load(a[1], &x, &err) != CAM_OK)
        return 1;
    g = (float *)calloc((size_t)cam_tensor_count(&x), sizeof(float));
    r = cam_net_gradient(net, &x, atoi(a[2]), atoi(a[3]), g, NULL);
    if (r != CAM_OK) {
        fprintf(stderr, "gradient: %s\n", cam_net_last_error(net));
        return 1;
    }
    o = x;
    o.data = g;
    r = cam_npy_save(a[4], &o, &err);
    free(g);
    cam_npy_free(&x);
    cam_net_free(net);
    return r != CAM_OK;
}

/* --dump MODEL INPUT NAMES.txt DIR: forward with the named tensors kept,
   each written to DIR/K.npy (K = line number from 0). Kept tensors are not
   fused away, but a Conv computes the same sum either way: these are the
   values whose signs decided cam's Relu masks. */
static int tool_dump(char **a)
{
    char line[512], path[1024];
    char *names[1024];
    int n = 0, i, rc = 0;
    cam_net_desc d;
    cam_net *net = NULL;
    cam_tensor x, t;
    cam_error err;
    FILE *f = fopen(a[2], "r");
    if (!f)
        return 1;
    while (n < 1024 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0]) {
            names[n] = (char *)malloc(strlen(line) + 1);
            strcpy(names[n++], line);
        }
    }
    fclose(f);
    memset(&d, 0, sizeof d);
    d.keep = (const char *const *)names;
    d.n_keep = n;
    if (cam_net_load(a[0], &d, &net, &err) != CAM_OK || cam_npy_load(a[1], &x, &err) != CAM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (cam_net_forward(net, &x, 1) != CAM_OK)
        rc = 1;
    for (i = 0; !rc && i < n; i++) {
        snprintf(path, sizeof path, "%s/%d.npy", a[3], i);
        if (cam_net_tensor(net, names[i], &t) != CAM_OK || cam_npy_save(path, &t, &err) != CAM_OK)
            rc = 1;
    }
    if (rc)
        fprintf(stderr, "%s\n", cam_net_last_error(net));
    for (i = 0; i < n; i++)
        free(names[i]);
    cam_npy_free(&x);
    cam_net_free(net);
    return rc;
}

int main(int argc, char **argv)
{
    test_ctx T = {0, 0};
    int i;
    if (argc == 7 && !strcmp(argv[1], "--grad"))
        return tool_grad(argv + 2);
    if (argc == 6 && !strcmp(argv[1], "--dump"))
        return tool_dump(argv + 2);
    if (argc < 2 || (argc - 2) % 6) {
        fprintf(stderr, "usage: test_grad DIR [NAME MODEL INPUT IMAGE CLASS REF]...\n");
        return 2;
    }
    test_tiny(&T, argv[1]);
    test_unsupported(&T, argv[1]);
    for (i = 2; i + 6 <= argc; i += 6)
        test_ref(&T, argv + i);
    return test_done(&T);
}
