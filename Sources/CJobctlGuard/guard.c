// The per-run guard (docs/several-hosts.md §5.4). See JobctlRunning/RunGuardProcess.swift for
// how the node starts it and why it is C run from a constructor (start-up cost).
//
// Linux only (CLOCK_BOOTTIME, signalfd); elsewhere the constructor does nothing and the guard
// is not used.
#define _GNU_SOURCE
#include "CJobctlGuard.h"

#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t boot_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_u64(const char *text, uint64_t *out) {
    if (text == NULL || *text == '\0') return 0;
    uint64_t value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        uint64_t digit = (uint64_t)(*p - '0');
        if (value > (UINT64_MAX - digit) / 10) return 0;
        value = value * 10 + digit;
    }
    *out = value;
    return 1;
}

static void say(const char *text) {
    // Only used before the command starts: its output pipe is empty, so this cannot block.
    ssize_t ignored = write(2, text, strlen(text));
    (void)ignored;
}

/// Leaves with the command's own status: its exit code, or death by the same signal.
static void exit_like(int status) {
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    _exit(1);
}

/// PROTOCOL: GUARD_KILL — SIGTERM to the run's process group (the guard ignores it), up to
/// `grace_ms` for the shell to go, then SIGKILL to the whole group, the guard included: no
/// process of the run outlives it.
static void kill_group(pid_t child, int sigfd, uint64_t grace_ms) {
    pid_t group = getpgrp();
    kill(-group, SIGTERM);
    uint64_t end = boot_now() + grace_ms * 1000000ull;
    for (;;) {
        int status;
        if (waitpid(child, &status, WNOHANG) == child) break;
        uint64_t now = boot_now();
        if (now >= end) break;
        struct pollfd pfd = {sigfd, POLLIN, 0};
        int wait_ms = (int)((end - now + 999999ull) / 1000000ull);
        if (poll(&pfd, 1, wait_ms) > 0) {
            struct signalfd_siginfo info;
            ssize_t ignored = read(sigfd, &info, sizeof info);
            (void)ignored;
        }
    }
    kill(-group, SIGKILL);
    _exit(137);
}

/// Reads deadline lines ("NS\n") from the node; returns 0 on EOF (the node died).
static int read_deadlines(int fd, uint64_t *deadline, char *pending, size_t *used, size_t size) {
    ssize_t got = read(fd, pending + *used, size - *used - 1);
    if (got == 0) return 0;
    if (got < 0) return (errno == EINTR || errno == EAGAIN) ? 1 : 0;
    *used += (size_t)got;
    pending[*used] = '\0';
    char *line = pending;
    char *newline;
    while ((newline = strchr(line, '\n')) != NULL) {
        *newline = '\0';
        uint64_t value;
        if (parse_u64(line, &value)) *deadline = value;
        line = newline + 1;
    }
    size_t rest = strlen(line);
    memmove(pending, line, rest);
    *used = rest >= size - 1 ? 0 : rest;
    return 1;
}

static pid_t start_shell(const char *command, char **envp) {
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) sigaddset(&defaults, reset[i]);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    pid_t pid = 0;
    int failed = posix_spawn(&pid, "/bin/sh", NULL, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    return failed ? -1 : pid;
}

void jobctl_guard_main(int argc, char **argv, char **envp) {
    uint64_t fd64, deadline, grace_ms;
    if (argc != 6 || !parse_u64(argv[2], &fd64) || fd64 > 1024 || !parse_u64(argv[3], &deadline)
        || !parse_u64(argv[4], &grace_ms)) {
        say("jobctl __guard: usage: jobctl __guard FD DEADLINE_NS GRACE_MS COMMAND (internal)\n");
        _exit(2);
    }
    int fd = (int)fd64;
    // A group of its own, which the command joins: GUARD_KILL signals the group, never its
    // starter's (the node spawns it so already; a guard started otherwise must not kill its parent).
    setpgid(0, 0);
    // The group's SIGTERM is for the command; the node's terminal signals are not for us.
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t children;
    sigemptyset(&children);
    sigaddset(&children, SIGCHLD);
    sigprocmask(SIG_BLOCK, &children, NULL);
    int sigfd = signalfd(-1, &children, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        say("jobctl __guard: cannot set up\n");
        _exit(2);
    }
    // PROTOCOL: GUARD — the deadline is checked before the command starts: passed, nothing runs.
    if (boot_now() >= deadline) {
        say("jobctl: the run's lease deadline passed before its command started; not starting it\n");
        _exit(JOBCTL_GUARD_DEADLINE_PASSED);
    }
    pid_t child = start_shell(argv[5], envp);
    if (child < 0) {
        say("jobctl: cannot start /bin/sh\n");
        _exit(127);
    }
    char pending[256];
    size_t used = 0;
    for (;;) {
        int status;
        if (waitpid(child, &status, WNOHANG) == child) exit_like(status);
        uint64_t now = boot_now();
        if (now >= deadline) kill_group(child, sigfd, grace_ms);
        uint64_t left_ms = (deadline - now + 999999ull) / 1000000ull;
        struct pollfd pfds[2] = {{fd, POLLIN, 0}, {sigfd, POLLIN, 0}};
        int ready = poll(pfds, 2, left_ms > 60000 ? 60000 : (int)left_ms);
        if (ready < 0 && errno != EINTR) kill_group(child, sigfd, grace_ms);
        if (ready <= 0) continue;
        // A deadline already passed is never extended (§5.4): check before reading a new one.
        if (boot_now() >= deadline) kill_group(child, sigfd, grace_ms);
        if (pfds[1].revents) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {}
        }
        if (pfds[0].revents && !read_deadlines(fd, &deadline, pending, &used, sizeof pending)) {
            // The node died (its end of the socket closed): end the run now.
            kill_group(child, sigfd, grace_ms);
        }
    }
}

__attribute__((constructor)) static void jobctl_guard_entry(int argc, char **argv, char **envp) {
    if (argc >= 2 && argv[1] != NULL && strcmp(argv[1], JOBCTL_GUARD_ARGUMENT) == 0) {
        jobctl_guard_main(argc, argv, envp);
    }
}
#else
void jobctl_guard_main(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    (void)envp;
}
#endif
