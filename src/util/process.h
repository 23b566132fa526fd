/* clone3(2) without a new stack: fork-like, into new namespaces, with a pidfd. glibc has no wrapper. */
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Like fork(), with CLONE_* namespace `flags`; the parent gets the child's pidfd in *ret_pidfd. Returns the pid in the
 * parent, 0 in the child, -1 with errno. */
pid_t process_clone_pidfd(unsigned long flags, int *ret_pidfd);

/* The same, the child starting in the cgroup v2 directory cgroup_fd (CLONE_INTO_CGROUP): it never runs anywhere else,
 * and with CLONE_NEWCGROUP that directory is the root of its cgroup namespace. cgroup_fd -1: the caller's cgroup. */
pid_t process_clone_pidfd_into(unsigned long flags, int cgroup_fd, int *ret_pidfd);

/* For a child that was just asked to exit: waits up to timeout_ms for it (its pidfd becoming readable; no wait
 * without a pidfd), SIGKILLs it when it is still there, and reaps it. */
void process_finish(pid_t pid, int pidfd, int timeout_ms);
