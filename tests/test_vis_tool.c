/* Helper for tests/vis/test_vis_ref.py: runs one cam.h vis routine on raw float32 files
   so Python can compare it with scipy / PyTorch / PIL. Not a test by itself.
     boxes CONN STRICT MODE THR W H IN.f32          -> "n" then "x0 y0 x1 y1 pixels" lines
     resize INTERP SW SH DW DH IN.f32 OUT.f32
     preprocess stretch|crop W H SIZE INTERP IMAGE OUT.f32   (C x H x W in [0,1])
     toimage stretch|crop W H SIZE SW SH IMAGE IN.f32 OUT.f32 (SW x SH map on the input -> image) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cam.h"

static float *read_f32(const char *path, size_t n)
{
    FILE *f = fopen(path, "rb");
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    if (!f || !p || fread(p, sizeof(float), n, f) != n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    return p;
}

static void write_f32(const char *path, const float *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, sizeof(float), n, f) != n) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
}

static cam_interp interp_of(const char *s)
{
    return !strcmp(s, "bicubic") ? CAM_INTERP_BICUBIC : !strcmp(s, "nearest") ? CAM_INTERP_NEAREST : CAM_INTERP_BILINEAR;
}

static void pp_of(char **a, cam_preprocess *pp)
{
    memset(pp, 0, sizeof *pp);
    pp->resize = !strcmp(a[0], "crop") ? CAM_RESIZE_CROP : CAM_RESIZE_STRETCH;
    pp->width = atoi(a[1]);
    pp->height = atoi(a[2]);
    pp->resize_size = atoi(a[3]);
}

int main(int argc, char **argv)
{
    if (argc == 9 && !strcmp(argv[1], "boxes")) {
        cam_box_desc d;
        int w = atoi(argv[6]), h = atoi(argv[7]), n, i;
        float *m = read_f32(argv[8], (size_t)w * h);
        cam_box *b = (cam_box *)malloc(sizeof(cam_box) * (size_t)w * h);
        memset(&d, 0, sizeof d);
        d.connectivity = atoi(argv[2]);
        d.strict = atoi(argv[3]);
        d.mode = !strcmp(argv[4], "range") ? CAM_THRESHOLD_RANGE : CAM_THRESHOLD_MAX;
        d.threshold = atof(argv[5]);
        n = cam_map_boxes(m, w, h, &d, b, w * h, NULL);
        printf("%d\n", n);
        for (i = 0; i < n; i++)
            printf("%d %d %d %d %lld\n", b[i].x0, b[i].y0, b[i].x1, b[i].y1, (long long)b[i].pixels);
        free(m);
        free(b);
        return n < 0;
    }
    if (argc == 9 && !strcmp(argv[1], "resize")) {
        int sw = atoi(argv[3]), sh = atoi(argv[4]), dw = atoi(argv[5]), dh = atoi(argv[6]);
        float *s = read_f32(argv[7], (size_t)sw * sh), *d = (float *)malloc(sizeof(float) * dw * dh);
        int rc = cam_map_resize(s, sw, sh, d, dw, dh, interp_of(argv[2])) != CAM_OK;
        if (!rc)
            write_f32(argv[8], d, (size_t)dw * dh);
        free(s);
        free(d);
        return rc;
    }
    if (argc == 9 && !strcmp(argv[1], "preprocess")) {
        cam_preprocess pp;
        cam_image img;
        cam_error err;
        float *x;
        pp_of(argv + 2, &pp);
        pp.interp = interp_of(argv[6]);
        if (cam_image_load(argv[7], &img, &err) != CAM_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        int rc;
        x = (float *)malloc(sizeof(float) * cam_preprocess_floats(&pp));
        rc = cam_image_preprocess(&img, &pp, x, NULL) != CAM_OK;
        if (!rc)
            write_f32(argv[8], x, cam_preprocess_floats(&pp));
        free(x);
        cam_image_free(&img);
        return rc;
    }
    if (argc == 11 && !strcmp(argv[1], "toimage")) {
        cam_preprocess pp;
        cam_image img;
        cam_error err;
        cam_transform tf;
        int sw = atoi(argv[6]), sh = atoi(argv[7]);
        float *x, *m, *o;
        pp_of(argv + 2, &pp);
        if (cam_image_load(argv[8], &img, &err) != CAM_OK)
            return 1;
        int rc;
        x = (float *)malloc(sizeof(float) * cam_preprocess_floats(&pp));
        m = read_f32(argv[9], (size_t)sw * sh);
        o = (float *)malloc(sizeof(float) * img.width * img.height);
        rc = cam_image_preprocess(&img, &pp, x, &tf) != CAM_OK ||
             cam_map_resize_to_image(m, sw, sh, &tf, o, CAM_INTERP_BILINEAR) != CAM_OK;
        if (!rc)
            write_f32(argv[10], o, (size_t)img.width * img.height);
        free(x);
        free(m);
        free(o);
        cam_image_free(&img);
        return rc;
    }
    fprintf(stderr, "usage: see the comment at the top of tests/test_vis_tool.c\n");
    return 2;
}
