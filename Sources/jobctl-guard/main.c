// `jobctl-guard __guard FD DEADLINE_NS GRACE_MS COMMAND`: the per-run guard as a tiny executable
// of its own, next to `jobctl` (docs/several-hosts.md §5.4). The same code also runs inside
// `jobctl __guard` (a constructor), which is what the node uses when this file is missing; this
// one starts about ten times faster: it loads no Swift runtime (see RunGuardProcess.swift).
#include "CJobctlGuard.h"

int main(int argc, char **argv, char **envp) {
    jobctl_guard_main(argc, argv, envp);
    return 2;  // not reached on Linux
}
