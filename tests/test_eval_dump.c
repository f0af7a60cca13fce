/* Helper for tests/eval/wsol_check.py: reads maps and ground-truth boxes from a binary
   file, runs the threshold sweep, prints per threshold the largest
   component's box and the best IoU over all components.
   usage: test_eval_dump paper|wsol FILE
   FILE: int32 count, then per map int32 h, w, n_gt, n_gt x 4 int32 boxes,
   h x w float32 values (all little-endian). Output per map and threshold:
   "x0 y0 x1 y1 best_iou" (%.17g). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cam.h"

static int rd(FILE *f, void *p, size_t n) { return fread(p, 1, n, f) == n; }

int main(int argc, char **argv)
{
    FILE *f;
    int32_t count, i, hdr[3];
    cam_sweep_desc sd;
    cam_sweep *sw = NULL;
    cam_box boxes[100];
    double best[100];
    if (argc != 3) {
        fprintf(stderr, "usage: test_eval_dump paper|wsol FILE\n");
        return 2;
    }
    memset(&sd, 0, sizeof sd);
    if (cam_convention_parse(argv[1], &sd.rule.convention) != CAM_OK || !(f = fopen(argv[2], "rb"))) {
        fprintf(stderr, "test_eval_dump: bad convention or file\n");
        return 2;
    }
    if (!rd(f, &count, 4) || cam_sweep_create(&sd, &sw) != CAM_OK) return 2;
    for (i = 0; i < count; i++) {
        int t;
        cam_box *gt;
        float *m;
        if (!rd(f, hdr, sizeof hdr) || hdr[0] <= 0 || hdr[1] <= 0 || hdr[2] <= 0 || hdr[2] > 1000) return 3;
        gt = (cam_box *)calloc((size_t)hdr[2], sizeof(cam_box));
        m = (float *)malloc((size_t)hdr[0] * hdr[1] * sizeof(float));
        if (!gt || !m) return 4;
        for (t = 0; t < hdr[2]; t++) {
            int32_t b[4];
            if (!rd(f, b, sizeof b)) return 3;
            gt[t].x0 = b[0];
            gt[t].y0 = b[1];
            gt[t].x1 = b[2];
            gt[t].y1 = b[3];
        }
        if (!rd(f, m, (size_t)hdr[0] * hdr[1] * sizeof(float))) return 3;
        if (cam_sweep_run(sw, m, hdr[0], hdr[1], gt, hdr[2], boxes, best) != CAM_OK) {
            fprintf(stderr, "test_eval_dump: %s\n", cam_sweep_last_error(sw));
            return 5;
        }
        for (t = 0; t < cam_sweep_count(sw); t++)
            printf("%d %d %d %d %.17g\n", boxes[t].x0, boxes[t].y0, boxes[t].x1, boxes[t].y1, best[t]);
        free(gt);
        free(m);
    }
    cam_sweep_free(sw);
    fclose(f);
    return 0;
}
