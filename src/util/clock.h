/* Nanoseconds on a clock, as the container records and logs keep times. */
#pragma once

#include <stdint.h>
#include <time.h>

/* CLOCK_REALTIME for times shown or stored (records, logs); CLOCK_MONOTONIC for intervals. */
static inline int64_t clock_now_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
