/* Replays files through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer,
   so `make test` (and the sanitizer and valgrind builds) run the fuzz seeds and
   every input that once crashed (tests/fuzz/regress/).

   usage: replay NAME PATH...   (a PATH that is a folder means the files in it)
   Prints "ok fuzz/NAME/PATH: N inputs" per path; a crash ends the program, which
   tests/run_tests.sh counts as a failure. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns 0 on success, -1 when the file can't be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    /* An exact-size heap copy: ASan then catches a read one byte past the input. */
    buf = (unsigned char *)malloc(n ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, failed = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: replay NAME PATH...\n");
        return 2;
    }
    for (i = 2; i < argc; i++) {
        struct stat st;
        int count = 0, bad = 0;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char path[4096];
            while (d && (e = readdir(d)) != NULL) {
                struct stat es;
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                if (stat(path, &es) == 0 && S_ISDIR(es.st_mode))
                    continue; /* regress/net, regress/npy: named on the command line */
                if (replay_file(path) == 0)
                    count++;
                else
                    bad++;
            }
            if (d)
                closedir(d);
            else
                bad++;
        } else if (replay_file(argv[i]) == 0) {
            count++;
        } else {
            bad++;
        }
        if (bad || count == 0) {
            printf("not ok fuzz/%s/%s: %d inputs, %d unreadable\n", argv[1], argv[i], count, bad);
            failed++;
        } else {
            printf("ok fuzz/%s/%s: %d inputs\n", argv[1], argv[i], count);
        }
        fflush(stdout);
    }
    return failed ? 1 : 0;
}
