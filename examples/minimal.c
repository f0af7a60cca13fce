/* minimal.c - the smallest complete use of cam.h: classify one image, take the
   class activation map of the top class on the original image, cut the
   paper's box from it and save a picture.

     cc -O2 -mavx2 -mfma $(pkg-config --cflags stb) examples/minimal.c -o minimal -lpthread -lm
     ./minimal models/fmnist-gap.onnx models/samples/00002_dress.png dress_cam.png
*/
#include <stdio.h>
#include <stdlib.h>
#define CAM_IMPLEMENTATION
#include "cam.h"

static int fail(const char *what, const char *message)
{
    fprintf(stderr, "minimal: error: %s: %s\n", what, message);
    return 1;
}

int main(int argc, char **argv)
{
    cam_error err;
    cam_net *net = NULL;
    cam_image img = {0, 0, NULL};
    cam_preprocess pp;
    cam_transform tf;
    cam_maps maps = {0};
    cam_box box;
    cam_tensor in = {CAM_FLOAT32, 4, {1, 1, 1, 1}, NULL};
    float *x = NULL;
    char label[64];
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: minimal MODEL.onnx IMAGE OUT.png\n");
        return 2;
    }
    if (cam_net_load(argv[1], NULL, &net, &err) != CAM_OK)
        return fail(argv[1], err.message);
    if (cam_image_load(argv[2], &img, &err) != CAM_OK) {
        rc = fail(argv[2], err.message);
        goto done;
    }
    /* input size, mean/std, resize mode and colour order come from the model */
    if (cam_preprocess_from_net(net, &pp, &err) != CAM_OK) {
        rc = fail("preprocess", err.message);
        goto done;
    }
    x = (float *)malloc(cam_preprocess_floats(&pp) * sizeof(float));
    if (!x || cam_image_preprocess(&img, &pp, x, &tf) != CAM_OK) {
        rc = fail("preprocess", "cannot convert the image");
        goto done;
    }
    in.dims[1] = (int64_t)(cam_preprocess_floats(&pp) / ((size_t)pp.width * pp.height));
    in.dims[2] = pp.height, in.dims[3] = pp.width;
    in.data = x;
    if (cam_net_forward(net, &in, 1) != CAM_OK) {
        rc = fail("forward", cam_net_last_error(net));
        goto done;
    }
    {
        cam_map_desc md = {0};
        md.transform = &tf; /* maps on the original image, not the network input */
        if (cam_net_maps(net, 0, NULL, 1, &md, &maps) != CAM_OK) {
            rc = fail("maps", cam_net_last_error(net));
            goto done;
        }
    }
    cam_net_label(net, maps.classes[0], label, sizeof label);
    /* NULL desc = the paper's rule: >= 0.2 of the max, largest 8-connected component */
    if (cam_map_boxes(maps.data, maps.width, maps.height, NULL, &box, 1, NULL) == 1)
        printf("%s (class %d): box %d %d %d %d\n", label, maps.classes[0], box.x0, box.y0, box.x1, box.y1);
    else
        printf("%s (class %d): no box\n", label, maps.classes[0]);
    {
        static const unsigned char green[3] = {0, 255, 0};
        if (cam_picture_overlay(&img, maps.data, 0.5f) != CAM_OK) {
            rc = fail("picture", "overlay failed");
            goto done;
        }
        cam_picture_box(&img, &box, green, 1);
        if (cam_image_write_png(argv[3], &img) != CAM_OK) {
            rc = fail(argv[3], "cannot write the picture");
            goto done;
        }
    }
    rc = 0;
done:
    cam_maps_free(&maps);
    free(x);
    cam_image_free(&img);
    cam_net_free(net);
    return rc;
}
