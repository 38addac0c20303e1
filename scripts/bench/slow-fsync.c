/* LD_PRELOAD shim for benchmark B1: every fsync and fdatasync first waits SLOW_FSYNC_US
 * microseconds (default 2000), as on a disk whose cache flush takes that long (a laptop SSD
 * without power-loss protection, an SD card, a network volume). Both the service and the sqlite3
 * baseline run under it, so the comparison shows what group commit saves where fsync dominates.
 *   cc -shared -fPIC -O2 -o slow-fsync.so slow-fsync.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void wait_for_flush(void) {
    const char *text = getenv("SLOW_FSYNC_US");
    long micros = text ? atol(text) : 2000;
    struct timespec delay = {micros / 1000000, (micros % 1000000) * 1000};
    nanosleep(&delay, NULL);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_for_flush();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_for_flush();
    return real(fd);
}
