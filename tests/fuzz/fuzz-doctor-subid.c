/* doctor_subid_file_parse() on arbitrary /etc/subuid text, then the overlap and free-range helpers: every parsed line
 * is a non-empty range inside the 32-bit id space with a named owner, and a suggested free range overlaps no line. */
#include "doctor/subid-file.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct doctor_subid_file f;
        uint64_t start;

        doctor_subid_file_parse((const char *)data, size, &f);
        FUZZ_ASSERT(f.n <= DOCTOR_SUBID_MAX_LINES);
        for (size_t i = 0; i < f.n; i++) {
                const struct doctor_subid_line *l = &f.lines[i];
                FUZZ_ASSERT(l->owner[0] != '\0' && strlen(l->owner) <= DOCTOR_SUBID_MAX_OWNER);
                FUZZ_ASSERT(strchr(l->owner, ':') == NULL && strchr(l->owner, '\n') == NULL);
                FUZZ_ASSERT(l->count > 0 && l->start + l->count <= (UINT64_C(1) << 32));
                FUZZ_ASSERT(doctor_subid_line_overlaps(l, l->start, 1));
                (void)doctor_subid_line_is_owner(l, "root", 0);
        }
        start = doctor_subid_free_start(&f, 100000, 65536);
        if (start != 0) {
                FUZZ_ASSERT(start >= 100000 && start + 65536 <= (UINT64_C(1) << 32));
                for (size_t i = 0; i < f.n; i++)
                        FUZZ_ASSERT(!doctor_subid_line_overlaps(&f.lines[i], start, 65536));
        }
        doctor_subid_file_clear(&f);
        return 0;
}
