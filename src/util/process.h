/* clone3(2) without a new stack: fork-like, into new namespaces, with a pidfd. glibc has no wrapper. */
#pragma once

#include <sys/types.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Like fork(), with CLONE_* namespace `flags`; the parent gets the child's pidfd in *ret_pidfd. Returns the pid in the
 * parent, 0 in the child, -1 with errno. */
pid_t process_clone_pidfd(unsigned long flags, int *ret_pidfd);
