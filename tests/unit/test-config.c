/* burrow.conf: the TOML subset, its known keys and values, and one error line naming file:line for everything else. */
#include "spec/config.h"
#include "unit.h"

static int parse(const char *text, struct burrow_config *cfg, burrow_error **err)
{
        return config_parse(text, strlen(text), "test.conf", cfg, err);
}

static void known_keys_are_read(void)
{
        struct burrow_config cfg = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse("# defaults\n\n[storage]\ndriver = \"vfs\"   # the copy\nroot='/srv/b'\r\n"
                       "[ network ]\n  mode=\"none\"\n",
                       &cfg, &err),
                 &err);
        CHECK_STREQ(config_get(&cfg, CONFIG_STORAGE_DRIVER), "vfs");
        CHECK_STREQ(config_get(&cfg, CONFIG_STORAGE_ROOT), "/srv/b");
        CHECK_STREQ(config_get(&cfg, CONFIG_NETWORK_MODE), "none");
        /* A later file (or line) replaces the value. */
        CHECK_OK(parse("[cgroup]\nmanager = \"disabled\"\n", &cfg, &err), &err);
        CHECK_STREQ(config_get(&cfg, CONFIG_CGROUP_MANAGER), "disabled");
        CHECK_OK(parse("[storage]\ndriver = \"overlay\"\n", &cfg, &err), &err);
        CHECK_STREQ(config_get(&cfg, CONFIG_STORAGE_DRIVER), "overlay");
        CHECK_OK(parse("[storage]\nroot = \"/a \\\"q\\\" \\\\ b\"\n", &cfg, &err), &err);
        CHECK_STREQ(config_get(&cfg, CONFIG_STORAGE_ROOT), "/a \"q\" \\ b");
        CHECK_OK(parse("", &cfg, &err), &err);
        config_clear(&cfg);
        CHECK(config_get(&cfg, CONFIG_STORAGE_DRIVER) == NULL);
}

static void bad(const char *text, const char *want)
{
        struct burrow_config cfg = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(parse(text, &cfg, &err), &err, want);
        config_clear(&cfg);
}

static void malformed_files_are_rejected_with_file_and_line(void)
{
        bad("[storage]\ndriver = \"zfs\"\n", "test.conf:2: storage.driver: unknown value");
        bad("[storage]\nroot = \"relative\"\n", "test.conf:2: storage.root: not an absolute path");
        bad("[storage]\ngraphroot = \"/x\"\n", "test.conf:2: unknown key storage.graphroot");
        bad("[engine]\ndriver = \"vfs\"\n", "test.conf:2: unknown key engine.driver");
        bad("driver = \"vfs\"\n", "test.conf:1: key outside a [section]");
        bad("[storage\n", "test.conf:1: unterminated section header");
        bad("[sto rage]\n", "test.conf:1: bad section name");
        bad("[storage] x\n", "test.conf:1: text after the section header");
        bad("[storage]\ndriver\n", "test.conf:2: expected KEY = VALUE");
        bad("[storage]\ndriver = vfs\n", "test.conf:2: the value must be a quoted string");
        bad("[storage]\ndriver = \"vfs\n", "test.conf:2: unterminated string");
        bad("[storage]\ndriver = \"vfs\" x\n", "test.conf:2: text after the value");
        bad("[storage]\ndriver = \"v\\qfs\"\n", "test.conf:2: unknown escape");
        bad("[storage]\ndri ver = \"vfs\"\n", "test.conf:2: bad key name");
        bad("[storage]\nroot = \"/a\x01\"\n", "test.conf:2: control character");
        {
                char text[8192];
                memset(text, '#', sizeof(text));
                text[sizeof(text) - 1] = '\0';
                bad(text, "test.conf:1: line longer than 4096 bytes");
        }
        {
                struct burrow_config cfg = {0};
                burrow_error *err = NULL;
                CHECK_ERROR(config_parse("[storage]\0x", 11, "test.conf", &cfg, &err), &err, "NUL character");
        }
}

int main(void)
{
        RUN(known_keys_are_read);
        RUN(malformed_files_are_rejected_with_file_and_line);
        return unit_finish();
}
