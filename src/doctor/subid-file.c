/* The /etc/subuid format (subid-file.h). */
#include "doctor/subid-file.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define ID_SPACE (UINT64_C(1) << 32)

/* A decimal number of at most 10 digits filling [p, end) exactly. */
static bool parse_number(const char *p, const char *end, uint64_t *ret)
{
        uint64_t v = 0;

        if (p == end || end - p > 10)
                return false;
        for (; p < end; p++) {
                if (*p < '0' || *p > '9')
                        return false;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        *ret = v;
        return true;
}

/* One line [p, end): owner:start:count. */
static bool parse_line(const char *p, const char *end, struct doctor_subid_line *ret)
{
        const char *c1 = memchr(p, ':', (size_t)(end - p)), *c2;
        uint64_t start, count;

        if (c1 == NULL || c1 == p || c1 - p > DOCTOR_SUBID_MAX_OWNER)
                return false;
        c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
        if (c2 == NULL || !parse_number(c1 + 1, c2, &start) || !parse_number(c2 + 1, end, &count))
                return false;
        if (count == 0 || start >= ID_SPACE || count > ID_SPACE - start)
                return false;
        if (memchr(p, '\0', (size_t)(c1 - p)) != NULL)
                return false;
        *ret = (struct doctor_subid_line){.owner = xstrndup(p, (size_t)(c1 - p)), .start = start, .count = count};
        return true;
}

void doctor_subid_file_parse(const char *text, size_t len, struct doctor_subid_file *ret)
{
        const char *p = text, *end = text + len;
        size_t cap = 0;

        *ret = (struct doctor_subid_file){0};
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end;
                struct doctor_subid_line line;

                if (eol > p && eol[-1] == '\r')
                        eol--;
                if (eol == p || *p == '#') {
                        /* blank or comment */
                } else if (ret->n >= DOCTOR_SUBID_MAX_LINES || !parse_line(p, eol, &line)) {
                        ret->malformed++;
                } else {
                        if (ret->n == cap) {
                                cap = cap ? cap * 2 : 16;
                                ret->lines = xrealloc(ret->lines, cap * sizeof(*ret->lines));
                        }
                        ret->lines[ret->n++] = line;
                }
                p = nl ? nl + 1 : end;
        }
}

void doctor_subid_file_clear(struct doctor_subid_file *f)
{
        for (size_t i = 0; i < f->n; i++)
                free(f->lines[i].owner);
        free(f->lines);
        *f = (struct doctor_subid_file){0};
}

bool doctor_subid_line_is_owner(const struct doctor_subid_line *l, const char *name, uid_t uid)
{
        uint64_t n;

        if (name && strcmp(l->owner, name) == 0)
                return true;
        return parse_number(l->owner, l->owner + strlen(l->owner), &n) && n == (uint64_t)uid;
}

bool doctor_subid_line_overlaps(const struct doctor_subid_line *l, uint64_t start, uint64_t count)
{
        return count > 0 && l->start < start + count && start < l->start + l->count;
}

static int by_start(const void *a, const void *b)
{
        const struct doctor_subid_line *x = a, *y = b;

        return x->start < y->start ? -1 : x->start > y->start;
}

uint64_t doctor_subid_free_start(const struct doctor_subid_file *f, uint64_t min, uint64_t count)
{
        _cleanup_free_ struct doctor_subid_line *sorted = NULL;
        uint64_t candidate = min;

        if (count == 0 || count > ID_SPACE || min >= ID_SPACE)
                return 0;
        if (f->n > 0) {
                sorted = xmalloc(f->n * sizeof(*sorted));
                memcpy(sorted, f->lines, f->n * sizeof(*sorted));
                qsort(sorted, f->n, sizeof(*sorted), by_start);
        }
        /* Sweep in order of start: a range beginning past the candidate's end leaves the gap free. */
        for (size_t i = 0; i < f->n; i++) {
                if (sorted[i].start >= candidate + count)
                        break;
                if (sorted[i].start + sorted[i].count > candidate)
                        candidate = sorted[i].start + sorted[i].count;
        }
        return candidate + count <= ID_SPACE ? candidate : 0;
}
