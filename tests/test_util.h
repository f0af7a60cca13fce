/* Minimal test helpers: each check prints "ok NAME" or "not ok NAME: why";
   tests/run_tests.sh counts them. No global mutable state: a test program
   keeps its counters in a local test_ctx. */
#ifndef CAM_TEST_UTIL_H
#define CAM_TEST_UTIL_H
#include <stdio.h>
#include <stdarg.h>
#include <math.h>

typedef struct test_ctx {
    int passed, failed;
} test_ctx;

static void test_report(test_ctx *t, int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        t->passed++;
        printf("ok %s\n", name);
    } else {
        va_list ap;
        t->failed++;
        printf("not ok %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

/* Exit status for main(). */
static int test_done(const test_ctx *t)
{
    return t->failed ? 1 : 0;
}
#endif
