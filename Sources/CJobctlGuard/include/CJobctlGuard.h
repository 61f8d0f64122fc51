#ifndef CJOBCTL_GUARD_H
#define CJOBCTL_GUARD_H

/// The per-run guard of a leased run (docs/several-hosts.md §5.4, `GUARD`, `GUARD_KILL`),
/// entered as `jobctl __guard FD DEADLINE_NS GRACE_MS COMMAND` before Swift's main runs (a
/// constructor in guard.c). Exposed for a test that wants to run it in-process: never returns.
void jobctl_guard_main(int argc, char **argv, char **envp);

/// The argument that selects the guard (argv[1]).
#define JOBCTL_GUARD_ARGUMENT "__guard"

/// The guard's exit status when the deadline had passed before the command could start.
#define JOBCTL_GUARD_DEADLINE_PASSED 125

#endif
