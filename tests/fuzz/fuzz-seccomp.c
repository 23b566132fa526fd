/* seccomp_profile_parse() on the input, then seccomp_profile_build() of what parsed (nothing is loaded). */
#include "fuzz.h"
#include "security/seccomp.h"

/* libseccomp 2.5.4 leaks tree nodes when a rule overlaps an earlier one on the same argument (seen with plain API
 * calls too: A1 < x && A2 == y, then A2 < z, then A2 != w). Its allocations all go through zmalloc(); our own contexts
 * are released on every path, and the ASan unit test run checks that without this suppression. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
        return "leak:zmalloc\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        struct seccomp_program prog = {0};

        if (seccomp_profile_parse((const char *)data, size, &p, &err) < 0) {
                FUZZ_ASSERT(p == NULL && err != NULL && err->msg != NULL);
                FUZZ_ASSERT(strncmp(err->msg, "seccomp profile: ", 17) == 0);
                error_free(&err);
                return 0;
        }
        FUZZ_ASSERT(p != NULL && err == NULL);
        /* The capability set comes from the input too, so that includes/excludes.caps both get exercised. The launcher
         * builds user profiles in a time-limited child (libseccomp 2.5.4 can loop forever on some shapes): so does
         * this target; a crash there is still a failure. */
        if (seccomp_profile_build(p, size % 2 ? ~UINT64_C(0) : 0, 2000, &prog, &err) == 0) {
                FUZZ_ASSERT(prog.len > 0 && prog.filter != NULL && err == NULL);
                seccomp_program_clear(&prog);
        } else {
                FUZZ_ASSERT(prog.len == 0 && err != NULL && err->msg != NULL);
                FUZZ_ASSERT(strstr(err->msg, "compiler process died") == NULL);
                error_free(&err);
        }
        seccomp_profile_free(p);
        return 0;
}
