/* Linear SVM tests against Debian's liblinear-tools (liblinear-train and
   liblinear-predict): accuracy within 1 point on the same features, models
   read both ways, round trips, error paths.
   usage: test_eval_svm WORKDIR   (scratch files go there) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "cam.h"
#include "tests/test_util.h"

#define NCLS 10
#define DIM 40
#define NTRAIN 2000
#define NTEST 1000

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_normal(uint64_t *s)
{
    double u = ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
    double v = ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Overlapping Gaussian classes: neither trivially separable nor hopeless. */
static void make_data(float *x, int *y, int n, int ncls, const float *means, uint64_t *rng, int label_base)
{
    int i, k;
    for (i = 0; i < n; i++) {
        int c = (int)(rng_next(rng) % (uint64_t)ncls);
        y[i] = label_base + c * (label_base < 0 ? 2 : 1); /* binary case: -1, +1 */
        for (k = 0; k < DIM; k++) x[i * DIM + k] = (float)(means[c * DIM + k] + 3.0 * rng_normal(rng));
    }
}

static int write_libsvm(const char *path, const float *x, const int *y, int n)
{
    FILE *f = fopen(path, "w");
    int i, k;
    if (!f) return 0;
    for (i = 0; i < n; i++) {
        fprintf(f, "%d", y[i]);
        for (k = 0; k < DIM; k++)
            if (x[i * DIM + k] != 0) fprintf(f, " %d:%.9g", k + 1, x[i * DIM + k]);
        fprintf(f, "\n");
    }
    return fclose(f) == 0;
}

static int read_preds(const char *path, int *p, int n)
{
    FILE *f = fopen(path, "r");
    int i;
    if (!f) return 0;
    for (i = 0; i < n; i++)
        if (fscanf(f, "%d", &p[i]) != 1) break;
    fclose(f);
    return i == n;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

static void run_solver(test_ctx *t, const char *dir, int solver, int ncls, int label_base, uint64_t seed)
{
    char train[512], test[512], mll[512], mours[512], pll[512], pours[512], cmd[4096], name[128];
    float *means = (float *)malloc(NCLS * DIM * sizeof(float));
    float *xtr = (float *)malloc((size_t)NTRAIN * DIM * sizeof(float));
    float *xte = (float *)malloc((size_t)NTEST * DIM * sizeof(float));
    int *ytr = (int *)malloc(NTRAIN * sizeof(int)), *yte = (int *)malloc(NTEST * sizeof(int));
    int *p_ll = (int *)malloc(NTEST * sizeof(int)), *p_ll_ours = (int *)malloc(NTEST * sizeof(int));
    int i, k, ok_ll = 0, ok_ours = 0, agree_ll_model = 0, agree_our_model = 0, same_w = 1;
    cam_svm ours, ll, back;
    cam_svm_desc sd;
    cam_error err;
    cam_result r;
    const char *tag = solver == 1 ? "s1" : "s3";
    uint64_t rng = seed;
    memset(&ours, 0, sizeof ours);
    memset(&ll, 0, sizeof ll);
    memset(&back, 0, sizeof back);
    for (i = 0; i < NCLS * DIM; i++) means[i] = (float)rng_normal(&rng);
    make_data(xtr, ytr, NTRAIN, ncls, means, &rng, label_base);
    make_data(xte, yte, NTEST, ncls, means, &rng, label_base);
    snprintf(train, sizeof train, "%s/svm_%s_%d.train", dir, tag, ncls);
    snprintf(test, sizeof test, "%s/svm_%s_%d.test", dir, tag, ncls);
    snprintf(mll, sizeof mll, "%s/svm_%s_%d.ll.model", dir, tag, ncls);
    snprintf(mours, sizeof mours, "%s/svm_%s_%d.cam.model", dir, tag, ncls);
    snprintf(pll, sizeof pll, "%s/svm_%s_%d.ll.pred", dir, tag, ncls);
    snprintf(pours, sizeof pours, "%s/svm_%s_%d.camll.pred", dir, tag, ncls);
    write_libsvm(train, xtr, ytr, NTRAIN);
    write_libsvm(test, xte, yte, NTEST);
    snprintf(cmd, sizeof cmd, "liblinear-train -q -s %d -B 1 -c 1 '%s' '%s' >/dev/null && liblinear-predict '%s' '%s' '%s' >/dev/null",
             solver, train, mll, test, mll, pll);
    r = system(cmd) == 0 && read_preds(pll, p_ll, NTEST) ? CAM_OK : CAM_ERR_IO;
    snprintf(name, sizeof name, "svm_%s_%dclass_liblinear_runs", tag, ncls);
    test_report(t, r == CAM_OK, name, "command failed: %s", cmd);
    if (r != CAM_OK) goto done;

    memset(&sd, 0, sizeof sd);
    sd.solver = solver;
    sd.seed = seed;
    r = cam_svm_train(xtr, NTRAIN, DIM, ytr, &sd, &ours, &err);
    snprintf(name, sizeof name, "svm_%s_%dclass_train", tag, ncls);
    test_report(t, r == CAM_OK && ours.n_classes == ncls, name, "%s", err.message);
    if (r != CAM_OK) goto done;
    for (i = 0; i < NTEST; i++) {
        ok_ll += p_ll[i] == yte[i];
        ok_ours += cam_svm_predict(&ours, xte + i * DIM, NULL) == yte[i];
    }
    snprintf(name, sizeof name, "svm_%s_%dclass_accuracy_within_1pt_of_liblinear", tag, ncls);
    test_report(t, abs(ok_ll - ok_ours) <= NTEST / 100 && ok_ll > NTEST / ncls + NTEST / 20 && ok_ll < NTEST, name,
                "liblinear %d/%d, cam %d/%d", ok_ll, NTEST, ok_ours, NTEST);
    printf("# %s %d classes: liblinear %.1f%%, cam %.1f%% test accuracy\n", tag, ncls, ok_ll * 100.0 / NTEST,
           ok_ours * 100.0 / NTEST);

    /* liblinear's model read here predicts as liblinear-predict does */
    r = cam_svm_load(mll, &ll, &err);
    snprintf(name, sizeof name, "svm_%s_%dclass_load_liblinear_model", tag, ncls);
    test_report(t, r == CAM_OK && ll.n_classes == ncls && ll.n_features == DIM && ll.bias == 1 && ll.solver == solver,
                name, "r=%d %s", r, err.message);
    if (r == CAM_OK)
        for (i = 0; i < NTEST; i++) agree_ll_model += cam_svm_predict(&ll, xte + i * DIM, NULL) == p_ll[i];
    snprintf(name, sizeof name, "svm_%s_%dclass_liblinear_model_same_predictions", tag, ncls);
    test_report(t, agree_ll_model == NTEST, name, "%d of %d agree", agree_ll_model, NTEST);
    if (ncls == 2) {
        snprintf(name, sizeof name, "svm_%s_label_order_like_liblinear", tag);
        test_report(t, r == CAM_OK && ll.labels[0] == ours.labels[0] && ll.labels[1] == ours.labels[1], name,
                    "liblinear %d %d, cam %d %d", ll.labels[0], ll.labels[1], ours.labels[0], ours.labels[1]);
    }

    /* our model: exact round trip, and liblinear-predict reads it */
    r = cam_svm_save(&ours, mours, &err);
    if (r == CAM_OK) r = cam_svm_load(mours, &back, &err);
    if (r == CAM_OK) {
        for (k = 0; k < (DIM + 1) * ours.n_w; k++) same_w &= ours.w[k] == back.w[k];
        for (k = 0; k < ncls; k++) same_w &= ours.labels[k] == back.labels[k];
    }
    snprintf(name, sizeof name, "svm_%s_%dclass_model_round_trip_exact", tag, ncls);
    test_report(t, r == CAM_OK && same_w && back.n_w == ours.n_w && back.bias == ours.bias, name, "r=%d %s", r,
                err.message);
    snprintf(cmd, sizeof cmd, "liblinear-predict '%s' '%s' '%s' >/dev/null", test, mours, pours);
    if (system(cmd) == 0 && read_preds(pours, p_ll_ours, NTEST))
        for (i = 0; i < NTEST; i++) agree_our_model += cam_svm_predict(&ours, xte + i * DIM, NULL) == p_ll_ours[i];
    snprintf(name, sizeof name, "svm_%s_%dclass_our_model_in_liblinear_predict", tag, ncls);
    test_report(t, agree_our_model == NTEST, name, "%d of %d agree", agree_our_model, NTEST);

    /* CAM weights: row c scores labels[c] */
    {
        float *wc = (float *)malloc((size_t)ncls * DIM * sizeof(float)), bc[NCLS];
        int bad = 0, c;
        r = cam_svm_cam_weights(&ours, wc, bc);
        for (i = 0; i < 50 && r == CAM_OK; i++) {
            const float *xi = xte + i * DIM;
            double dec[NCLS], best = -HUGE_VAL;
            int pred = cam_svm_predict(&ours, xi, dec), arg = 0;
            for (c = 0; c < ncls; c++) {
                double s = bc[c];
                for (k = 0; k < DIM; k++) s += (double)wc[c * DIM + k] * xi[k];
                if (s > best) {
                    best = s;
                    arg = c;
                }
            }
            if (ours.labels[arg] != pred) bad++;
        }
        snprintf(name, sizeof name, "svm_%s_%dclass_cam_weights_score_like_predict", tag, ncls);
        test_report(t, r == CAM_OK && bad == 0, name, "r=%d, %d disagree", r, bad);
        free(wc);
    }
done:
    cam_svm_free(&ours);
    cam_svm_free(&ll);
    cam_svm_free(&back);
    free(means);
    free(xtr);
    free(xte);
    free(ytr);
    free(yte);
    free(p_ll);
    free(p_ll_ours);
}

static void test_errors(test_ctx *t, const char *dir)
{
    char path[512];
    cam_svm m;
    cam_error err;
    cam_result r;
    static const char *good_head = "solver_type L2R_L2LOSS_SVC_DUAL\nnr_class 2\nlabel 1 -1\nnr_feature 2\nbias -1\nw\n";
    char buf[1024];
    memset(&m, 0, sizeof m);
    r = cam_svm_load("/nonexistent/model", &m, &err);
    test_report(t, r == CAM_ERR_IO && err.code == CAM_ERR_IO && strlen(err.message) > 0, "svm_err_missing_file",
                "r=%d", r);
    snprintf(buf, sizeof buf, "%s0.5 \n-0.25 \n", good_head);
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_OK && m.n_w == 1 && m.w[0] == 0.5 && m.w[1] == -0.25, "svm_load_minimal", "r=%d %s", r,
                err.message);
    cam_svm_free(&m);
    snprintf(buf, sizeof buf, "%s0.5 \n", good_head);
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT && strstr(err.message, "w section"), "svm_err_truncated_weights", "r=%d %s", r,
                err.message);
    snprintf(buf, sizeof buf, "%s0.5 \nabc \n", good_head);
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_bad_weight", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "%s0.5 \n1 \n7 \n", good_head);
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_trailing_data", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "solver_type L2R_L2LOSS_SVR\nnr_class 2\nlabel 1 -1\nnr_feature 1\nbias -1\nw\n1\n");
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_UNSUPPORTED, "svm_err_regression_solver", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "solver_type L2R_L2LOSS_SVC_DUAL\nnr_class 2\nlabel 1 -1\nnr_feature 1000000000\nbias -1\nw\n1\n");
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_huge_nr_feature_short_file", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "solver_type L2R_L2LOSS_SVC_DUAL\nnr_class x\n");
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_bad_nr_class", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "solver_type L2R_L2LOSS_SVC_DUAL\nfoo 3\n");
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT && strstr(err.message, "foo"), "svm_err_unknown_key", "r=%d %s", r, err.message);
    snprintf(buf, sizeof buf, "nr_class 2\nlabel 1 -1\nnr_feature 1\nbias -1\nw\n1\n");
    r = cam_svm_load_memory(buf, strlen(buf), &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_missing_solver", "r=%d %s", r, err.message);
    r = cam_svm_load_memory("", 0, &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_empty", "r=%d", r);
    snprintf(path, sizeof path, "%s/svm_garbage.model", dir);
    write_text(path, "\x7f" "ELF garbage\n");
    r = cam_svm_load(path, &m, &err);
    test_report(t, r == CAM_ERR_FORMAT, "svm_err_garbage_file", "r=%d %s", r, err.message);
    {
        float x[6] = {1, 2, 3, 4, 5, 6};
        int y[3] = {4, 4, 4};
        cam_svm_desc sd;
        r = cam_svm_train(x, 3, 2, y, NULL, &m, &err);
        test_report(t, r == CAM_ERR_INVALID_ARG && strstr(err.message, "two classes"), "svm_err_one_class", "r=%d %s",
                    r, err.message);
        memset(&sd, 0, sizeof sd);
        sd.solver = 2;
        y[1] = 5;
        r = cam_svm_train(x, 3, 2, y, &sd, &m, &err);
        test_report(t, r == CAM_ERR_INVALID_ARG, "svm_err_bad_solver", "r=%d", r);
        snprintf(path, sizeof path, "%s/no/such/dir/model", dir);
        r = cam_svm_train(x, 3, 2, y, NULL, &m, &err);
        if (r == CAM_OK) r = cam_svm_save(&m, path, &err);
        test_report(t, r == CAM_ERR_IO, "svm_err_save_unwritable", "r=%d", r);
        cam_svm_free(&m);
    }
}

int main(int argc, char **argv)
{
    test_ctx t = {0, 0};
    const char *dir = argc > 1 ? argv[1] : ".";
    test_report(&t, system("command -v liblinear-train >/dev/null && command -v liblinear-predict >/dev/null") == 0,
                "svm_liblinear_tools_installed", "install liblinear-tools (Debian) for the comparison");
    run_solver(&t, dir, 1, NCLS, 0, 1);
    run_solver(&t, dir, 3, NCLS, 0, 2);
    run_solver(&t, dir, 1, 2, -1, 3);
    run_solver(&t, dir, 3, 2, -1, 4);
    test_errors(&t, dir);
    return test_done(&t);
}
