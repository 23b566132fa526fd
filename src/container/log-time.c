/* Times of the container log: RFC 3339 formatting of record times, and the --since/--until forms docker takes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container/log-internal.h"
#include "util/cleanup.h"

/* Longest --since/--until argument looked at. */
#define MAX_TIME_ARG 128

/* ---- Times ---- */

#define MALFORMED    "expected an RFC 3339 time, a Unix timestamp or a duration like 10m"
#define OUT_OF_RANGE "out of range"

static unsigned days_in_month(int y, int m)
{
        static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        return days[m - 1] + (m == 2 && leap);
}

void ctr_log_format_time(int64_t ns, char *buf, size_t size)
{
        int64_t secs = ns / NSEC_PER_SEC, frac = ns % NSEC_PER_SEC;
        time_t t;
        struct tm tm;

        if (size == 0)
                return;
        if (frac < 0) {
                secs--;
                frac += NSEC_PER_SEC;
        }
        t = (time_t)secs;
        if (gmtime_r(&t, &tm) == NULL) {
                buf[0] = '\0';
                return;
        }
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

/* Exactly n digits at *p (before end) into *ret, advancing *p. */
static bool take_digits(const char **p, const char *end, int n, int *ret)
{
        int v = 0;

        if (end - *p < n)
                return false;
        for (int i = 0; i < n; i++) {
                char c = (*p)[i];
                if (c < '0' || c > '9')
                        return false;
                v = v * 10 + (c - '0');
        }
        *p += n;
        *ret = v;
        return true;
}

static bool take_char(const char **p, const char *end, const char *set)
{
        if (*p < end && **p != '\0' && strchr(set, **p) != NULL) {
                (*p)++;
                return true;
        }
        return false;
}

/* One or more digits of a fraction of a second, as ns (digits past the ninth are dropped). */
static bool take_fraction(const char **p, const char *end, int64_t *ret_ns)
{
        int64_t scale = NSEC_PER_SEC, frac = 0;
        const char *start = *p;

        for (; *p < end && **p >= '0' && **p <= '9'; (*p)++)
                if (scale > 1) {
                        scale /= 10;
                        frac += (**p - '0') * scale;
                }
        *ret_ns = frac;
        return *p > start;
}

/* *ret only when it fits. */
static bool seconds_to_ns(int64_t secs, int64_t frac, int64_t *ret)
{
        int64_t ns;

        if (secs < 0 && frac > 0) {
                /* The first second of the range (1677-09-21T00:12:43.145224192Z) only fits this way round. */
                secs++;
                frac -= NSEC_PER_SEC;
        }
        if (__builtin_mul_overflow(secs, NSEC_PER_SEC, &ns) || __builtin_add_overflow(ns, frac, &ns))
                return false;
        *ret = ns;
        return true;
}

/* RFC 3339 as docker takes it: a date, then optionally T and hours[:minutes[:seconds[.fraction]]], then optionally
 * Z or ±hh:mm. Without a zone the time is local (or, with need_zone, refused: records always carry one). NULL on
 * success, or why not. */
const char *ctr_log_parse_rfc3339(const char *s, size_t len, bool need_zone, int64_t *ret_ns)
{
        const char *p = s, *end = s + len;
        int year, month, day, hour = 0, min = 0, sec = 0, zh = 0, zm = 0, offset = 0;
        int64_t frac = 0;
        bool zone = false;
        struct tm tm;
        time_t t;

        if (!take_digits(&p, end, 4, &year) || !take_char(&p, end, "-") || !take_digits(&p, end, 2, &month) ||
            !take_char(&p, end, "-") || !take_digits(&p, end, 2, &day))
                return MALFORMED;
        if (take_char(&p, end, "Tt")) {
                if (!take_digits(&p, end, 2, &hour))
                        return MALFORMED;
                if (take_char(&p, end, ":")) {
                        if (!take_digits(&p, end, 2, &min))
                                return MALFORMED;
                        if (take_char(&p, end, ":")) {
                                if (!take_digits(&p, end, 2, &sec))
                                        return MALFORMED;
                                if (take_char(&p, end, ".") && !take_fraction(&p, end, &frac))
                                        return MALFORMED;
                        }
                }
        }
        if (take_char(&p, end, "Zz")) {
                zone = true;
        } else if (p < end && (*p == '+' || *p == '-')) {
                int sign = *p++ == '-' ? -1 : 1;
                if (!take_digits(&p, end, 2, &zh) || !take_char(&p, end, ":") || !take_digits(&p, end, 2, &zm))
                        return MALFORMED;
                zone = true;
                offset = sign * (zh * 3600 + zm * 60);
        }
        if (p != end || (need_zone && !zone))
                return MALFORMED;
        if (month < 1 || month > 12)
                return "month out of range";
        if (day < 1 || (unsigned)day > days_in_month(year, month))
                return "day out of range";
        if (hour > 23 || min > 59 || sec > 59)
                return "time of day out of range";
        if (zh > 23 || zm > 59)
                return "zone offset out of range";
        tm = (struct tm){.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = hour, .tm_min = min};
        tm.tm_sec = sec;
        tm.tm_isdst = -1;
        /* Local time when no zone is given, as docker; mktime() picks standard or summer time itself. */
        errno = 0;
        t = zone ? timegm(&tm) : mktime(&tm);
        if ((t == (time_t)-1 && errno != 0) || !seconds_to_ns((int64_t)t - offset, frac, ret_ns))
                return OUT_OF_RANGE;
        return NULL;
}

/* "SECONDS[.FRACTION]" as docker's parseTimestamp. NULL on success, or why not. */
static const char *parse_unix_time(const char *s, int64_t *ret_ns)
{
        const char *p = s, *end = s + strlen(s);
        int64_t secs = 0, frac = 0;

        for (; *p >= '0' && *p <= '9'; p++)
                if (__builtin_mul_overflow(secs, 10, &secs) || __builtin_add_overflow(secs, *p - '0', &secs))
                        return OUT_OF_RANGE;
        if (p == s || (take_char(&p, end, ".") && !take_fraction(&p, end, &frac)) || p != end)
                return MALFORMED;
        return seconds_to_ns(secs, frac, ret_ns) ? NULL : OUT_OF_RANGE;
}

/* A Go time.ParseDuration string: [-+]?([0-9]*(\.[0-9]*)?UNIT)+. NULL on success, or why not. */
static const char *parse_duration(const char *s, int64_t *ret_ns)
{
        static const struct {
                const char *name;
                uint64_t ns;
        } units[] = {
            {"ns", 1},           {"us", 1000},      {"\xc2\xb5s", 1000}, /* U+00B5 MICRO SIGN */
            {"\xce\xbcs", 1000},                                         /* U+03BC GREEK SMALL LETTER MU */
            {"ms", 1000000},     {"s", 1000000000}, {"m", UINT64_C(60000000000)}, {"h", UINT64_C(3600000000000)},
        };
        uint64_t total = 0;
        bool negative = false;

        if (*s == '-' || *s == '+')
                negative = *s++ == '-';
        if (strcmp(s, "0") == 0) {
                *ret_ns = 0; /* the one number without a unit */
                return NULL;
        }
        if (*s == '\0')
                return MALFORMED;
        while (*s != '\0') {
                uint64_t whole = 0, frac = 0, scale = 1, unit = 0, v;
                bool digits = false;
                size_t n;

                for (; *s >= '0' && *s <= '9'; s++, digits = true)
                        if (__builtin_mul_overflow(whole, 10, &whole) ||
                            __builtin_add_overflow(whole, *s - '0', &whole))
                                return OUT_OF_RANGE;
                if (*s == '.')
                        for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
                                if (scale < UINT64_C(1000000000000000000)) {
                                        frac = frac * 10 + (uint64_t)(*s - '0');
                                        scale *= 10;
                                }
                if (!digits)
                        return MALFORMED;
                n = strcspn(s, "0123456789.");
                for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                        if (strlen(units[i].name) == n && strncmp(s, units[i].name, n) == 0)
                                unit = units[i].ns;
                if (unit == 0)
                        return MALFORMED;
                s += n;
                if (__builtin_mul_overflow(whole, unit, &v) ||
                    __builtin_add_overflow(v, (uint64_t)((long double)frac * (long double)unit / (long double)scale),
                                           &v) ||
                    __builtin_add_overflow(total, v, &total) || total > (uint64_t)INT64_MAX)
                        return OUT_OF_RANGE;
        }
        *ret_ns = negative ? -(int64_t)total : (int64_t)total;
        return NULL;
}

/* s in double quotes, with control characters, '"' and '\' escaped, so that every message stays one line. */
static char *quote(const char *s)
{
        char *out = xmalloc(strlen(s) * 4 + 3), *o = out;

        *o++ = '"';
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\') {
                        *o++ = '\\';
                        *o++ = (char)*p;
                } else if (*p < 0x20 || *p == 0x7f) {
                        o += sprintf(o, "\\x%02x", *p);
                } else {
                        *o++ = (char)*p;
                }
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

/* Which form s has decides the parser, so that an error can name what is wrong with it. */
static const char *parse_any_time(const char *s, size_t len, int64_t now_ns, int64_t *ret_ns)
{
        const char *why;
        int64_t d;

        if (strspn(s, "0123456789") == 4 && s[4] == '-')
                return ctr_log_parse_rfc3339(s, len, false, ret_ns);
        if (s[0] >= '0' && s[0] <= '9' && s[strspn(s, "0123456789.")] == '\0')
                return parse_unix_time(s, ret_ns);
        why = parse_duration(s, &d);
        if (why == NULL && __builtin_sub_overflow(now_ns, d, &d))
                return OUT_OF_RANGE;
        if (why == NULL)
                *ret_ns = d;
        return why;
}

int ctr_log_parse_time(const char *flag, const char *s, int64_t now_ns, int64_t *ret_ns, burrow_error **err)
{
        _cleanup_free_ char *quoted = NULL, *what = flag ? xasprintf("--%s", flag) : xstrdup("time");
        const char *why;
        size_t len = s ? strlen(s) : 0;

        if (len > MAX_TIME_ARG)
                return error_make(err, 0, "invalid %s: longer than %d bytes", what, MAX_TIME_ARG);
        why = len > 0 ? parse_any_time(s, len, now_ns, ret_ns) : MALFORMED;
        if (why == NULL)
                return 0;
        quoted = quote(s ? s : "");
        return error_make(err, 0, "invalid %s %s: %s", what, quoted, why);
}
