/* burrow's PID 1 inside the container: reaps orphans and forwards signals to the workload. */
#pragma once

#include <sys/types.h>

/* Runs the init loop for `workload` (with every signal already blocked) and returns the exit code to exit with: the
 * workload's status, or 128+N when it was killed by signal N. */
int init_run(pid_t workload);

/* The exit code docker reports for a wait status. */
int init_exit_code(int wait_status);
