/* Counts the SQL statements a process runs, for bench-history.sh (the status route's queries).
 *
 *   cc -shared -fPIC -O2 -o sqlite_count.so sqlite_count.c -ldl -lsqlite3
 *   LD_PRELOAD=./sqlite_count.so SQLITE_COUNT_LOG=FILE jobctl run ...
 *
 * Interposes sqlite3_step (jobctl links the system libsqlite3 dynamically): every first step of
 * a statement, i.e. every execution, appends its SQL text as one line to FILE (O_APPEND, one
 * write per line, so threads do not interleave). Statements run by triggers are part of their
 * statement's step and not counted; sqlite3_exec's statements are counted when libsqlite3 calls
 * its own exported sqlite3_step through the PLT, as Debian's build does.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*real_step)(sqlite3_stmt *);
static int log_fd = -2;

static void log_statement(sqlite3_stmt *statement) {
    if (log_fd == -2) {
        const char *path = getenv("SQLITE_COUNT_LOG");
        log_fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    }
    const char *sql = sqlite3_sql(statement);
    if (log_fd < 0 || sql == NULL) return;
    char line[512];
    size_t n = 0;
    for (const char *c = sql; *c && n < sizeof line - 1; c++) {
        char ch = (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c;
        if (ch == ' ' && n > 0 && line[n - 1] == ' ') continue;
        line[n++] = ch;
    }
    line[n++] = '\n';
    ssize_t written = write(log_fd, line, n);
    (void)written;
}

int sqlite3_step(sqlite3_stmt *statement) {
    if (real_step == NULL) real_step = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT, "sqlite3_step");
    if (!sqlite3_stmt_busy(statement)) log_statement(statement);
    return real_step(statement);
}
