/* config.json → spec (spec/oci.c): the rootless defaults of runc and crun, a podman-like bundle, and every error path.
 * The configs are written with ' for " so that they read as JSON; parse() swaps them back. */
#include <json-c/json.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "security/caps.h"
#include "security/seccomp.h"
#include "spec/oci.h"
#include "unit.h"
#include "util/cleanup.h"

#define CAP(name) (UINT64_C(1) << caps_number_from_name(name))

/* `runc spec --rootless` (runc 1.1.5), as it writes it. */
static const char runc_config[] =
    "{'ociVersion':'1.0.2-dev','process':{'terminal':true,'user':{'uid':0,'gid':0},'args':['sh'],'env':['PATH"
    "=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM=xterm'],'cwd':'/','capabilities':{'"
    "bounding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'effective':['CAP_AUDIT_WRITE','CAP_KILL"
    "','CAP_NET_BIND_SERVICE'],'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'ambient':['"
    "CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,'sof"
    "t':1024}],'noNewPrivileges':true},'root':{'path':'rootfs','readonly':true},'hostname':'runc','mounts':[{"
    "'destination':'/proc','type':'proc','source':'proc'},{'destination':'/dev','type':'tmpfs','source':'tmpf"
    "s','options':['nosuid','strictatime','mode=755','size=65536k']},{'destination':'/dev/pts','type':'devpts"
    "','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620']},{'destinati"
    "on':'/dev/shm','type':'tmpfs','source':'shm','options':['nosuid','noexec','nodev','mode=1777','size=6553"
    "6k']},{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev"
    "']},{'destination':'/sys','type':'none','source':'/sys','options':['rbind','nosuid','noexec','nodev','ro"
    "']},{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid','noexec','node"
    "v','relatime','ro']}],'linux':{'uidMappings':[{'containerID':0,'hostID':0,'size':1}],'gidMappings':[{'co"
    "ntainerID':0,'hostID':0,'size':1}],'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'uts'},{'type':'m"
    "ount'},{'type':'user'}],'maskedPaths':['/proc/acpi','/proc/asound','/proc/kcore','/proc/keys','/proc/lat"
    "ency_stats','/proc/timer_list','/proc/timer_stats','/proc/sched_debug','/sys/firmware','/proc/scsi'],'re"
    "adonlyPaths':['/proc/bus','/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

/* `crun spec --rootless` (crun 1.8.1), as it writes it. */
static const char crun_config[] =
    "{'ociVersion':'1.0.0','process':{'terminal':true,'user':{'uid':0,'gid':0},'args':['sh'],'env':['PATH=/us"
    "r/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM=xterm'],'cwd':'/','capabilities':{'boun"
    "ding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'effective':['CAP_AUDIT_WRITE','CAP_KILL','C"
    "AP_NET_BIND_SERVICE'],'inheritable':[],'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']"
    ",'ambient':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},'rlimits':[{'type':'RLIMIT_NOFILE','ha"
    "rd':1024,'soft':1024}],'noNewPrivileges':true},'root':{'path':'rootfs','readonly':true},'hostname':'crun"
    "','mounts':[{'destination':'/proc','type':'proc','source':'proc'},{'destination':'/dev','type':'tmpfs','"
    "source':'tmpfs','options':['nosuid','strictatime','mode=755','size=65536k']},{'destination':'/dev/pts','"
    "type':'devpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620']"
    "},{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['nosuid','noexec','nodev','mode=177"
    "7','size=65536k']},{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':['nosuid','n"
    "oexec','nodev']},{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nod"
    "ev','ro']},{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid','noexec"
    "','nodev','relatime','ro']}],'linux':{'resources':{'devices':[{'allow':false,'access':'rwm'}]},'namespac"
    "es':[{'type':'pid'},{'type':'network'},{'type':'ipc'},{'type':'uts'},{'type':'user'},{'type':'mount'}],'"
    "maskedPaths':['/proc/acpi','/proc/asound','/proc/kcore','/proc/keys','/proc/latency_stats','/proc/timer_"
    "list','/proc/timer_stats','/proc/sched_debug','/sys/firmware','/proc/scsi'],'readonlyPaths':['/proc/bus'"
    ",'/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

/* What podman 4 writes for a rootless `podman run` (in its own user namespace: no user namespace here), with
 * binds, a tmpfs, limits, hooks, annotations, sysctls, a device and a seccomp profile. */
static const char podman_config[] =
    "{'ociVersion':'1.1.0','process':{'terminal':true,'consoleSize':{'height':40,'width':120},'user':{'uid':1"
    "000,'gid':1000,'umask':18,'additionalGids':[10,1000]},'args':['/bin/sh','-c','echo hi'],'env':['PATH=/us"
    "r/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM=xterm','container=podman','HOSTNAME=012"
    "3456789ab'],'cwd':'/work/../home/','capabilities':{'bounding':['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNE"
    "R','CAP_FSETID','CAP_KILL','CAP_NET_BIND_SERVICE','CAP_SETFCAP','CAP_SETGID','CAP_SETPCAP','CAP_SETUID',"
    "'CAP_SYS_CHROOT'],'effective':['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL','CAP_"
    "NET_BIND_SERVICE','CAP_SETFCAP','CAP_SETGID','CAP_SETPCAP','CAP_SETUID','CAP_SYS_CHROOT'],'permitted':['"
    "CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL','CAP_NET_BIND_SERVICE','CAP_SETFCAP',"
    "'CAP_SETGID','CAP_SETPCAP','CAP_SETUID','CAP_SYS_CHROOT']},'rlimits':[{'type':'RLIMIT_NOFILE','hard':524"
    "288,'soft':524288},{'type':'RLIMIT_NPROC','hard':18446744073709551615,'soft':4096}],'oomScoreAdj':200,'a"
    "pparmorProfile':'','selinuxLabel':''},'root':{'path':'/home/user/.local/share/containers/storage/overlay"
    "/f00d/merged'},'hostname':'0123456789ab','domainname':'example.org','mounts':[{'destination':'/proc','ty"
    "pe':'proc','source':'proc','options':['nosuid','noexec','nodev']},{'destination':'/dev','type':'tmpfs','"
    "source':'tmpfs','options':['nosuid','strictatime','mode=755','size=65536k']},{'destination':'/sys','type"
    "':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},{'destination':'/dev/pts','type':"
    "'devpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620','gid=5"
    "']},{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev']"
    "},{'destination':'/etc/hosts','type':'bind','source':'/run/user/1000/containers/overlay-containers/f00d/"
    "userdata/hosts','options':['bind','rprivate']},{'destination':'/etc/resolv.conf','type':'bind','source':"
    "'/run/user/1000/containers/overlay-containers/f00d/userdata/resolv.conf','options':['bind','rprivate']},"
    "{'destination':'/dev/shm','type':'bind','source':'/home/user/.local/share/containers/storage/overlay-con"
    "tainers/f00d/userdata/shm','options':['bind','rprivate','nosuid','noexec','nodev']},{'destination':'/dat"
    "a','type':'bind','source':'/srv/data','options':['rbind','rslave','ro','nosuid','nodev','z']},{'destinat"
    "ion':'/config','source':'conf','options':['bind','rw','noexec']},{'destination':'/tmp','type':'tmpfs','s"
    "ource':'tmpfs','options':['rw','rprivate','nosuid','nodev','tmpcopyup','size=64m','mode=1777']},{'destin"
    "ation':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['rprivate','nosuid','noexec','nodev"
    "','relatime','rw']}],'hooks':{'prestart':[{'path':'/usr/libexec/podman/netns-hook','args':['netns-hook',"
    "'setup'],'env':['A=1'],'timeout':5}],'createRuntime':[{'path':'/usr/bin/nvidia-ctk','args':['nvidia-ctk'"
    ",'hook']}],'poststop':[{'path':'/bin/true'},{'path':'/bin/echo','args':['echo','done']}]},'annotations':"
    "{'io.container.manager':'libpod','io.podman.annotations.autoremove':'FALSE','org.opencontainers.image.st"
    "opSignal':'15'},'linux':{'sysctl':{'net.ipv4.ping_group_range':'0 0','kernel.msgmax':'65536'},'resources"
    "':{'devices':[{'allow':false,'access':'rwm'}],'memory':{'limit':536870912,'reservation':268435456,'swap'"
    ":1073741824,'swappiness':60,'disableOOMKiller':false},'cpu':{'shares':1024,'quota':50000,'period':100000"
    ",'cpus':'0-1','mems':'0'},'pids':{'limit':2048},'blockIO':{'weight':500,'throttleReadBpsDevice':[{'major"
    "':8,'minor':0,'rate':1048576}],'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':100}]},'unified':{"
    "'memory.high':'400000000'},'hugepageLimits':[],'network':{}},'cgroupsPath':'user.slice:libpod:f00d','nam"
    "espaces':[{'type':'pid'},{'type':'network','path':'/run/user/1000/netns/netns-1234'},{'type':'ipc'},{'ty"
    "pe':'uts'},{'type':'mount'},{'type':'cgroup'}],'devices':[{'path':'/dev/fuse','type':'c','major':10,'min"
    "or':229,'fileMode':438,'uid':0,'gid':0}],'rootfsPropagation':'rslave','seccomp':{'defaultAction':'SCMP_A"
    "CT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],'fla"
    "gs':['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],'listenerPath':'/run/seccomp-agent.sock','listenerMetadata':'meta"
    "','syscalls':[{'names':['read','write','exit_group','execve'],'action':'SCMP_ACT_ALLOW'},{'names':['pers"
    "onality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},{'names':['ptrace"
    "'],'action':'SCMP_ACT_ERRNO','errnoRet':1}]},'maskedPaths':['/proc/acpi','/proc/kcore','/sys/firmware'],"
    "'readonlyPaths':['/proc/bus','/proc/sys']}}";

/* The smallest valid config; tests splice their fields after it. */
#define MINIMAL "'ociVersion':'1.2.0','process':{'args':['sh'],'cwd':'/'},'root':{'path':'rootfs'}"

static int parse_bundle(const char *text, const char *bundle, struct burrow_spec *spec, burrow_error **err)
{
        _cleanup_free_ char *json = strdup(text);

        for (char *p = json; *p; p++)
                if (*p == '\'')
                        *p = '"';
        spec_init(spec);
        return oci_config_parse(json, strlen(json), bundle, spec, err);
}

static int parse(const char *text, struct burrow_spec *spec, burrow_error **err)
{
        return parse_bundle(text, "/bundle", spec, err);
}

/* Fails with an error containing want, which is one line starting with "config.json: ". */
static void check_fails(const char *text, const char *want)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        if (parse(text, &spec, &err) == 0 || err == NULL) {
                printf("#   expected an error \"%s\" for %s\n", want, text);
                unit_failed_checks++;
        } else {
                CHECK(strchr(err->msg, '\n') == NULL);
                CHECK(strncmp(err->msg, "config.json: ", 13) == 0);
                if (strstr(err->msg, want) == NULL) {
                        printf("#   error \"%s\" does not contain \"%s\"\n", err->msg, want);
                        unit_failed_checks++;
                }
        }
        error_free(&err);
        spec_clear(&spec);
}

static bool mounts_all_standard(const struct spec_oci *oci)
{
        return oci->mount_proc && oci->mount_dev && oci->mount_devpts && oci->mount_shm && oci->mount_mqueue &&
               oci->mount_sys && oci->mount_cgroup;
}

static void test_runc_rootless_default(void)
{
        const uint64_t caps = CAP("CAP_AUDIT_WRITE") | CAP("CAP_KILL") | CAP("CAP_NET_BIND_SERVICE");
        static const int ns[] = {CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS, CLONE_NEWUSER};
        struct burrow_spec spec;
        burrow_error *err = NULL;

        CHECK_OK(parse(runc_config, &spec, &err), &err);
        CHECK(spec.oci.enabled);
        CHECK(spec.args.len == 1);
        CHECK_STREQ(spec.args.items[0], "sh");
        CHECK(spec.env.len == 2);
        CHECK_STREQ(spec.env.items[1], "TERM=xterm");
        CHECK_STREQ(spec.cwd, "/");
        CHECK(spec.tty && spec.interactive);
        CHECK(spec.oci.uid == 0 && spec.oci.gid == 0 && spec.oci.umask == -1);
        CHECK_STREQ(spec.user.user, "0");
        CHECK_STREQ(spec.user.group, "0");
        CHECK(spec.oci.caps_given);
        CHECK(spec.oci.cap_bounding == caps && spec.oci.cap_effective == caps && spec.oci.cap_permitted == caps &&
              spec.oci.cap_ambient == caps && spec.oci.cap_inheritable == 0);
        CHECK(spec.n_rlimits == 1);
        CHECK(spec.rlimits && spec.rlimits[0].resource == RLIMIT_NOFILE && spec.rlimits[0].soft == 1024 &&
              spec.rlimits[0].hard == 1024);
        CHECK(spec.no_new_privileges);
        CHECK_STREQ(spec.rootfs, "/bundle/rootfs");
        CHECK(spec.readonly_rootfs);
        CHECK_STREQ(spec.hostname, "runc");
        CHECK(spec.n_mounts == 0);
        CHECK(mounts_all_standard(&spec.oci));
        CHECK(spec.oci.sys_readonly && spec.oci.cgroup_readonly);
        CHECK(spec.oci.has_maps && spec.oci.uidmap.n == 1 && spec.oci.gidmap.n == 1);
        CHECK(spec.oci.uidmap.ranges[0].container_id == 0 && spec.oci.uidmap.ranges[0].size == 1);
        CHECK(spec.oci.n_namespaces == 5);
        for (size_t i = 0; i < 5 && i < spec.oci.n_namespaces; i++)
                CHECK(spec.oci.namespaces[i].type == ns[i] && spec.oci.namespaces[i].path == NULL);
        CHECK(spec.network == SPEC_NETWORK_HOST);
        CHECK(spec.masked_paths.len == 10);
        CHECK_STREQ(spec.masked_paths.items[9], "/proc/scsi");
        CHECK(spec.readonly_paths.len == 5);
        CHECK(spec.cgroup_flags.len == 0);
        CHECK(spec.oci.seccomp_json == NULL);
        CHECK_STREQ(spec.oci.bundle, "/bundle");
        spec_clear(&spec);
}

static void test_crun_rootless_default(void)
{
        static const int ns[] = {CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWNS};
        struct burrow_spec spec;
        burrow_error *err = NULL;

        CHECK_OK(parse(crun_config, &spec, &err), &err);
        CHECK(spec.oci.n_namespaces == 6);
        for (size_t i = 0; i < 6 && i < spec.oci.n_namespaces; i++)
                CHECK(spec.oci.namespaces[i].type == ns[i]);
        /* An own network namespace with only loopback. */
        CHECK(spec.network == SPEC_NETWORK_NONE);
        CHECK(!spec.oci.has_maps);
        CHECK(spec.oci.cap_inheritable == 0 && spec.oci.cap_bounding == spec.oci.cap_ambient);
        CHECK_STREQ(spec.hostname, "crun");
        CHECK(spec.n_mounts == 0 && mounts_all_standard(&spec.oci));
        /* The device cgroup's allow-list is the only resource: no limit, so no cgroup is needed. */
        CHECK(spec.cgroup_flags.len == 0);
        spec_clear(&spec);
}

static const struct spec_mount *find_mount(const struct burrow_spec *spec, const char *destination)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (strcmp(spec->mounts[i].destination, destination) == 0)
                        return &spec->mounts[i];
        return NULL;
}

static void test_podman_like(void)
{
        static const char *const flags[] = {
            "memory=536870912",
            "memory-reservation=268435456",
            "memory-swap=1073741824",
            "cpu-shares=1024",
            "cpu-quota=50000",
            "cpu-period=100000",
            "pids-limit=2048",
            "blkio-weight=500",
            "cpuset-cpus=0-1",
            "cpuset-mems=0",
            "cgroup-conf=io.max=8:0 rbps=1048576 wiops=100",
            "cgroup-conf=memory.high=400000000",
        };
        struct burrow_spec spec;
        burrow_error *err = NULL;
        const struct spec_mount *m;

        CHECK_OK(parse(podman_config, &spec, &err), &err);
        CHECK(spec.args.len == 3);
        CHECK_STREQ(spec.args.items[2], "echo hi");
        CHECK_STREQ(spec.cwd, "/home");
        CHECK(spec.oci.console_height == 40 && spec.oci.console_width == 120);
        CHECK(spec.oci.uid == 1000 && spec.oci.gid == 1000 && spec.oci.umask == 022);
        CHECK(spec.oci.n_additional_gids == 2 && spec.oci.additional_gids[0] == 10);
        CHECK_STREQ(spec.user.user, "1000");
        CHECK_STREQ(spec.user.group, "1000");
        CHECK(spec.oci.cap_bounding == spec.oci.cap_effective && spec.oci.cap_ambient == 0);
        CHECK(spec.oci.cap_bounding & CAP("CAP_SYS_CHROOT"));
        CHECK(!(spec.oci.cap_bounding & CAP("CAP_SYS_ADMIN")));
        CHECK(spec.n_rlimits == 2 && spec.rlimits[1].resource == RLIMIT_NPROC && spec.rlimits[1].soft == 4096 &&
              spec.rlimits[1].hard == RLIM_INFINITY);
        /* OCI's default, unlike `burrow run`'s. */
        CHECK(!spec.no_new_privileges);
        CHECK(spec.oci.has_oom_score_adj && spec.oci.oom_score_adj == 200);
        CHECK_STREQ(spec.rootfs, "/home/user/.local/share/containers/storage/overlay/f00d/merged");
        CHECK(!spec.readonly_rootfs);
        CHECK_STREQ(spec.oci.domainname, "example.org");

        CHECK(spec.oci.mount_proc && spec.oci.mount_dev && spec.oci.mount_devpts && spec.oci.mount_mqueue &&
              spec.oci.mount_sys && spec.oci.mount_cgroup);
        CHECK(spec.oci.sys_readonly && !spec.oci.cgroup_readonly);
        /* podman's /dev/shm is its own, shared with --ipc container:, so it stays a bind. */
        CHECK(!spec.oci.mount_shm);
        CHECK(spec.n_mounts == 6);
        m = find_mount(&spec, "/etc/hosts");
        CHECK(m && m->type == SPEC_MOUNT_BIND && m->flags == 0 && m->propagation == (MS_PRIVATE | MS_REC));
        m = find_mount(&spec, "/dev/shm");
        CHECK(m && m->type == SPEC_MOUNT_BIND && m->flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV));
        m = find_mount(&spec, "/data");
        CHECK(m && m->flags == (MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV) && m->propagation == (MS_SLAVE | MS_REC));
        CHECK_STREQ(m ? m->source : NULL, "/srv/data");
        m = find_mount(&spec, "/config");
        CHECK(m && m->type == SPEC_MOUNT_BIND && m->flags == MS_NOEXEC);
        CHECK_STREQ(m ? m->source : NULL, "/bundle/conf");
        m = find_mount(&spec, "/tmp");
        CHECK(m && m->type == SPEC_MOUNT_TMPFS && m->source == NULL && m->flags == (MS_NOSUID | MS_NODEV));
        CHECK_STREQ(m ? m->data : NULL, "size=64m,mode=1777");

        CHECK(spec.oci.n_hooks[SPEC_HOOK_PRESTART] == 1 && spec.oci.n_hooks[SPEC_HOOK_CREATE_RUNTIME] == 1 &&
              spec.oci.n_hooks[SPEC_HOOK_CREATE_CONTAINER] == 0 && spec.oci.n_hooks[SPEC_HOOK_POSTSTOP] == 2);
        CHECK_STREQ(spec.oci.hooks[SPEC_HOOK_PRESTART][0].path, "/usr/libexec/podman/netns-hook");
        CHECK(spec.oci.hooks[SPEC_HOOK_PRESTART][0].args.len == 2 &&
              spec.oci.hooks[SPEC_HOOK_PRESTART][0].env.len == 1);
        CHECK(spec.oci.hooks[SPEC_HOOK_PRESTART][0].timeout == 5);
        CHECK(spec.oci.hooks[SPEC_HOOK_POSTSTOP][0].args.len == 0 &&
              spec.oci.hooks[SPEC_HOOK_POSTSTOP][0].timeout == 0);
        CHECK(spec.oci.annotations.len == 3 && strv_contains(&spec.oci.annotations, "io.container.manager=libpod"));
        CHECK(spec.oci.sysctl.len == 2 && strv_contains(&spec.oci.sysctl, "net.ipv4.ping_group_range=0 0"));

        CHECK(spec.cgroup_flags.len == sizeof(flags) / sizeof(flags[0]));
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
                if (!strv_contains(&spec.cgroup_flags, flags[i])) {
                        printf("#   no cgroup flag %s\n", flags[i]);
                        unit_failed_checks++;
                }
        CHECK_STREQ(spec.oci.cgroups_path, "user.slice:libpod:f00d");
        CHECK(spec.oci.n_namespaces == 6 && spec.oci.namespaces[1].type == CLONE_NEWNET);
        CHECK_STREQ(spec.oci.namespaces[1].path, "/run/user/1000/netns/netns-1234");
        CHECK(spec.network == SPEC_NETWORK_NONE);
        CHECK(spec.oci.n_devices == 1 && spec.oci.devices[0].type == 'c' && spec.oci.devices[0].major == 10 &&
              spec.oci.devices[0].minor == 229 && spec.oci.devices[0].file_mode == 0666 && spec.oci.devices[0].has_uid);
        CHECK_STREQ(spec.oci.devices[0].path, "/dev/fuse");
        CHECK(spec.oci.rootfs_propagation == (MS_SLAVE | MS_REC));
        CHECK_STREQ(spec.oci.seccomp_listener_path, "/run/seccomp-agent.sock");
        CHECK_STREQ(spec.oci.seccomp_listener_metadata, "meta");
        CHECK(spec.oci.seccomp_json && strstr(spec.oci.seccomp_json, "listener") == NULL);
        CHECK(spec.masked_paths.len == 3 && spec.readonly_paths.len == 2);
        spec_clear(&spec);
}

/* The profile the parser keeps is one the seccomp engine takes: OCI's names are Docker's. */
static void test_seccomp_profile_accepted(void)
{
        struct seccomp_profile *profile = NULL;
        struct burrow_spec spec;
        burrow_error *err = NULL;

        CHECK_OK(parse(podman_config, &spec, &err), &err);
        CHECK(spec.oci.seccomp_json != NULL);
        if (spec.oci.seccomp_json) {
                CHECK_OK(seccomp_profile_parse(spec.oci.seccomp_json, strlen(spec.oci.seccomp_json), &profile, &err),
                         &err);
                seccomp_profile_free(profile);
        }
        spec_clear(&spec);
        /* Every action and operator of runtime-spec 1.2 but SCMP_ACT_NOTIFY, which needs the listener. */
        CHECK_OK(parse("{" MINIMAL ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':["
                       "'SCMP_ARCH_AARCH64','SCMP_ARCH_ARM'],'flags':['SECCOMP_FILTER_FLAG_TSYNC',"
                       "'SECCOMP_FILTER_FLAG_LOG'],'syscalls':[{'names':['kill'],'action':'SCMP_ACT_KILL_PROCESS'},"
                       "{'names':['tkill'],'action':'SCMP_ACT_KILL_THREAD'},{'names':['ptrace'],'action':"
                       "'SCMP_ACT_TRACE','errnoRet':3},{'names':['uname'],'action':'SCMP_ACT_LOG'},{'names':["
                       "'mount'],'action':'SCMP_ACT_TRAP'},{'names':['umount2'],'action':'SCMP_ACT_KILL'},{'names':"
                       "['clone'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':2114060288,'valueTwo':0,'op':"
                       "'SCMP_CMP_MASKED_EQ'},{'index':1,'value':1,'op':'SCMP_CMP_NE'},{'index':2,'value':1,'op':"
                       "'SCMP_CMP_LT'},{'index':3,'value':1,'op':'SCMP_CMP_LE'},{'index':4,'value':1,'op':"
                       "'SCMP_CMP_GE'},{'index':5,'value':1,'op':'SCMP_CMP_GT'}]}]}}}",
                       &spec, &err),
                 &err);
        CHECK(spec.oci.seccomp_json != NULL);
        if (spec.oci.seccomp_json) {
                CHECK_OK(seccomp_profile_parse(spec.oci.seccomp_json, strlen(spec.oci.seccomp_json), &profile, &err),
                         &err);
                seccomp_profile_free(profile);
        }
        spec_clear(&spec);
}

static void test_defaults_and_paths(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        /* No user, no capabilities, no linux section: root, the capabilities left as they are, the host's
         * namespaces, and nothing masked. */
        CHECK_OK(parse("{" MINIMAL "}", &spec, &err), &err);
        CHECK_STREQ(spec.user.user, "0");
        CHECK(!spec.oci.caps_given && spec.oci.n_namespaces == 0 && spec.network == SPEC_NETWORK_HOST);
        CHECK(spec.masked_paths.len == 0 && spec.readonly_paths.len == 0 && !spec.tty && spec.env.len == 0);
        CHECK(spec.hostname == NULL && spec.oci.umask == -1 && !spec.oci.has_oom_score_adj);
        spec_clear(&spec);

        CHECK_OK(parse_bundle("{'ociVersion':'1.0.0','process':{'args':['a'],'cwd':'/x/./y/'},'root':{'path':"
                              "'../other/root/'},'mounts':[{'destination':'/m','type':'bind','source':'./s/../t'}]}",
                              "/b/bundle/", &spec, &err),
                 &err);
        CHECK_STREQ(spec.cwd, "/x/y");
        CHECK_STREQ(spec.rootfs, "/b/other/root");
        CHECK_STREQ(spec.oci.bundle, "/b/bundle");
        CHECK(spec.n_mounts == 1 && spec.mounts[0].flags == 0);
        CHECK_STREQ(spec.n_mounts ? spec.mounts[0].source : NULL, "/b/bundle/t");
        spec_clear(&spec);

        CHECK_OK(parse("{'ociVersion':'1.0.0','process':{'args':['a'],'cwd':'/'},'root':{'path':'/abs/root'},"
                       "'hostname':'','linux':{'namespaces':[{'type':'user','path':'/proc/1/ns/user'}],"
                       "'uidMappings':[],'rootfsPropagation':'','cgroupsPath':''},'unknownKey':{'x':[1]}}",
                       &spec, &err),
                 &err);
        CHECK_STREQ(spec.rootfs, "/abs/root");
        CHECK(spec.hostname == NULL && !spec.oci.has_maps && spec.oci.cgroups_path == NULL);
        CHECK_STREQ(spec.oci.namespaces[0].path, "/proc/1/ns/user");
        spec_clear(&spec);

        CHECK_ERROR(parse_bundle("{" MINIMAL "}", "relative", &spec, &err), &err, "must be an absolute path");
        spec_clear(&spec);
}

static void test_mount_mapping(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        CHECK_OK(parse("{" MINIMAL ",'mounts':["
                       "{'destination':'/sys','type':'bind','source':'/sys','options':['rbind','rw']},"
                       "{'destination':'/sys/fs/cgroup','type':'cgroup2','source':'cgroup2'},"
                       "{'destination':'/dev/mqueue','type':'bind','source':'/dev/mqueue','options':['bind']},"
                       "{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['size=1g']},"
                       "{'destination':'/sys/kernel','type':'bind','source':'/sys/kernel','options':['ro','rw']},"
                       "{'destination':'/a','type':'none','source':'/a','options':['rbind','rro','private']},"
                       "{'destination':'/t','type':'tmpfs','options':['uid=1','gid=2','nr_inodes=1k','noatime',"
                       "'exec','runbindable']}]}",
                       &spec, &err),
                 &err);
        CHECK(spec.oci.mount_sys && !spec.oci.sys_readonly && spec.oci.mount_cgroup && !spec.oci.cgroup_readonly);
        CHECK(spec.oci.mount_mqueue && spec.oci.mount_shm && !spec.oci.mount_proc && !spec.oci.mount_dev);
        CHECK(spec.n_mounts == 3);
        CHECK(spec.n_mounts == 3 && spec.mounts[0].flags == 0);
        CHECK(spec.n_mounts == 3 && spec.mounts[1].flags == (MS_REC | MS_RDONLY) &&
              spec.mounts[1].propagation == MS_PRIVATE);
        CHECK(spec.n_mounts == 3 && spec.mounts[2].propagation == (MS_UNBINDABLE | MS_REC));
        CHECK_STREQ(spec.n_mounts == 3 ? spec.mounts[2].data : NULL, "uid=1,gid=2,nr_inodes=1k");
        spec_clear(&spec);
}

static void test_resources(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        /* -1 and 0 are "unlimited" and "not set"; unified files go through --cgroup-conf. */
        CHECK_OK(parse("{" MINIMAL ",'linux':{'resources':{'memory':{'limit':-1,'reservation':0,'swap':-1,"
                       "'kernel':1,'kernelTCP':1},'cpu':{'quota':-1,'period':0,'idle':1,'burst':1000,'cpus':''},"
                       "'pids':{'limit':-1},'unified':{'cpu.weight':'100','io.max':'8:16 rbps=1'}}}}",
                       &spec, &err),
                 &err);
        CHECK(spec.cgroup_flags.len == 7);
        CHECK(strv_contains(&spec.cgroup_flags, "memory-swap=-1"));
        CHECK(strv_contains(&spec.cgroup_flags, "cpu-quota=-1"));
        CHECK(strv_contains(&spec.cgroup_flags, "pids-limit=-1"));
        CHECK(strv_contains(&spec.cgroup_flags, "cgroup-conf=cpu.idle=1"));
        CHECK(strv_contains(&spec.cgroup_flags, "cgroup-conf=cpu.max.burst=1000"));
        CHECK(strv_contains(&spec.cgroup_flags, "cgroup-conf=cpu.weight=100"));
        CHECK(strv_contains(&spec.cgroup_flags, "cgroup-conf=io.max=8:16 rbps=1"));
        spec_clear(&spec);

        /* A rate of 0 lifts the limit. */
        CHECK_OK(parse("{" MINIMAL ",'linux':{'resources':{'blockIO':{'throttleWriteBpsDevice':[{'major':259,"
                       "'minor':1,'rate':0}],'leafWeight':10}}}}",
                       &spec, &err),
                 &err);
        CHECK(spec.cgroup_flags.len == 1 && strv_contains(&spec.cgroup_flags, "cgroup-conf=io.max=259:1 wbps=max"));
        spec_clear(&spec);

        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':{'limit':1024}}}}",
                    "linux.resources.memory.limit: invalid --memory \"1024\": below the minimum");
        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':{'swap':1073741824}}}}",
                    "linux.resources: invalid --memory-swap \"1073741824\": needs --memory");
        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':{'limit':-2}}}}",
                    "linux.resources.memory.limit: must be from -1 to");
        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':{'limit':'1g'}}}}",
                    "linux.resources.memory.limit: must be an integer, not a string");
        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':[]}}}", "linux.resources.memory: must be an object");
        check_fails("{" MINIMAL ",'linux':{'resources':{'cpu':{'shares':1}}}}", "invalid --cpu-shares \"1\"");
        check_fails("{" MINIMAL ",'linux':{'resources':{'cpu':{'cpus':'0-x'}}}}", "linux.resources.cpu.cpus: invalid");
        check_fails("{" MINIMAL ",'linux':{'resources':{'cpu':{'realtimeRuntime':950000}}}}",
                    "linux.resources.cpu.realtimeRuntime: not supported");
        check_fails("{" MINIMAL ",'linux':{'resources':{'pids':{'limit':-5}}}}", "invalid --pids-limit \"-5\"");
        check_fails("{" MINIMAL ",'linux':{'resources':{'blockIO':{'weight':5}}}}", "invalid --blkio-weight \"5\"");
        check_fails("{" MINIMAL ",'linux':{'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0,"
                    "'rate':1},{'major':8,'minor':16,'rate':1}]}}}}",
                    "throttleReadBpsDevice[1]: throttling more than one device is not supported");
        check_fails("{" MINIMAL ",'linux':{'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8,'rate':1}]}}}}",
                    "needs major, minor and rate");
        check_fails("{" MINIMAL ",'linux':{'resources':{'blockIO':{'weightDevice':[{'major':8,'minor':0,"
                    "'weight':10}]}}}}",
                    "linux.resources.blockIO.weightDevice: not supported");
        check_fails("{" MINIMAL ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'2MB','limit':1}]}}}",
                    "linux.resources.hugepageLimits: not supported");
        check_fails("{" MINIMAL ",'linux':{'resources':{'network':{'classID':1}}}}",
                    "linux.resources.network: not supported");
        check_fails("{" MINIMAL ",'linux':{'resources':{'unified':{'cgroup.procs':'1'}}}}",
                    "linux.resources.unified[\"cgroup.procs\"]: invalid --cgroup-conf");
        check_fails("{" MINIMAL ",'linux':{'resources':{'unified':{'memory.high':1}}}}",
                    "linux.resources.unified[\"memory.high\"]: must be a string");
        check_fails("{" MINIMAL ",'linux':{'resources':{'memory':{'limit':1073741824},'unified':{'memory.max':'1'}}}}",
                    "linux.resources: invalid --cgroup-conf \"memory.max=1\": memory.max is already set by --memory");
}

static void test_json_errors(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;
        _cleanup_free_ char *deep = NULL, *long_arg = NULL, *big = NULL;

        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],", "truncated JSON");
        check_fails("", "truncated JSON");
        check_fails("{" MINIMAL "} x", "invalid JSON at byte");
        check_fails("{" MINIMAL "}{}", "invalid JSON at byte");
        CHECK_OK(parse("{" MINIMAL "}\n\t ", &spec, &err), &err);
        spec_clear(&spec);
        check_fails("{'ociVersion':'1.0.0',}", "invalid JSON at byte");
        check_fails("[1]", "top level: must be an object, not an array");
        check_fails("{'process':{}}", "ociVersion: missing");
        check_fails("{'ociVersion':1}", "ociVersion: must be a string");
        check_fails("{'ociVersion':'2.0.0','process':{'args':['sh'],'cwd':'/'},'root':{'path':'r'}}",
                    "ociVersion: version \"2.0.0\" is not supported");
        check_fails("{'ociVersion':'10.0'}", "version \"10.0\" is not supported");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh\\u0000x'],'cwd':'/'},'root':{'path':'r'}}",
                    "process.args[0]: contains a NUL character");

        deep = unit_repeat('[', 100);
        check_fails(deep, "nested deeper than 64 levels");

        long_arg = unit_repeat('a', (64 << 10) + 1);
        big = malloc(strlen(long_arg) + 200);
        sprintf(big, "{'ociVersion':'1.0.0','process':{'args':['%s'],'cwd':'/'},'root':{'path':'r'}}", long_arg);
        check_fails(big, "process.args[0]: longer than 65536 bytes");

        spec_init(&spec);
        CHECK_ERROR(oci_config_parse("{}\0", 3, "/b", &spec, &err), &err, "contains a NUL byte");
        CHECK_ERROR(oci_config_parse("{}", OCI_CONFIG_MAX + 1, "/b", &spec, &err), &err, "larger than");
        spec_clear(&spec);
}

static void test_process_errors(void)
{
        check_fails("{'ociVersion':'1.0.0','root':{'path':'r'}}", "process: missing");
        check_fails("{'ociVersion':'1.0.0','process':[],'root':{'path':'r'}}", "process: must be an object");
        check_fails("{'ociVersion':'1.0.0','process':{'cwd':'/'},'root':{'path':'r'}}", "process.args: missing");
        check_fails("{'ociVersion':'1.0.0','process':{'args':[],'cwd':'/'},'root':{'path':'r'}}",
                    "process.args: must be a non-empty array of strings");
        check_fails("{'ociVersion':'1.0.0','process':{'args':[''],'cwd':'/'},'root':{'path':'r'}}",
                    "process.args: must be a non-empty array of strings");
        check_fails("{'ociVersion':'1.0.0','process':{'args':'sh','cwd':'/'},'root':{'path':'r'}}",
                    "process.args: must be an array, not a string");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh',1],'cwd':'/'},'root':{'path':'r'}}",
                    "process.args[1]: must be a string, not an integer");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'env':['A'],'cwd':'/'},'root':{'path':'r'}}",
                    "process.env[0]: \"A\" is not KEY=VALUE");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'work'},'root':{'path':'r'}}",
                    "process.cwd: \"work\" is not an absolute path");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh']},'root':{'path':'r'}}", "process.cwd: missing");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','terminal':'yes'},'root':{'path':'r'}}",
                    "process.terminal: must be a boolean, not a string");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','consoleSize':{'height':1}},"
                    "'root':{'path':'r'}}",
                    "process.consoleSize: needs height and width");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','user':{'uid':-1}},'root':{'path':'r'}}",
                    "process.user.uid: must not be negative");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','user':{'uid':4294967295}},"
                    "'root':{'path':'r'}}",
                    "process.user.uid: larger than 4294967294");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','user':{'gid':1.5}},'root':{'path':'r'}}",
                    "process.user.gid: must be an integer, not a number");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','user':{'umask':512}},"
                    "'root':{'path':'r'}}",
                    "process.user.umask: larger than 511");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','user':{'additionalGids':[1,'x']}},"
                    "'root':{'path':'r'}}",
                    "process.user.additionalGids[1]: must be an integer");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':"
                    "['CAP_KILL','CAP_FLY']}},'root':{'path':'r'}}",
                    "process.capabilities.bounding[1]: unknown capability \"CAP_FLY\"");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'ambient':['KILL']}},"
                    "'root':{'path':'r'}}",
                    "process.capabilities.ambient[0]: unknown capability \"KILL\"");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'effective':['ALL']}},"
                    "'root':{'path':'r'}}",
                    "unknown capability \"ALL\"");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_FOO',"
                    "'soft':1,'hard':1}]},'root':{'path':'r'}}",
                    "process.rlimits[0]: invalid ulimit");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'nofile',"
                    "'soft':1,'hard':1}]},'root':{'path':'r'}}",
                    "process.rlimits[0]: unknown type \"nofile\"");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE',"
                    "'soft':2,'hard':1}]},'root':{'path':'r'}}",
                    "the soft limit exceeds the hard limit");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE',"
                    "'soft':1,'hard':1},{'type':'RLIMIT_CORE','soft':0,'hard':0}]},'root':{'path':'r'}}",
                    "process.rlimits[1]: RLIMIT_CORE is given twice");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE'}]},"
                    "'root':{'path':'r'}}",
                    "process.rlimits[0]: needs type, soft and hard");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','oomScoreAdj':1001},'root':{'path':'r'}}",
                    "process.oomScoreAdj: must be from -1000 to 1000");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','apparmorProfile':'x'},"
                    "'root':{'path':'r'}}",
                    "process.apparmorProfile: not supported");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','selinuxLabel':'x'},'root':{'path':'r'}}",
                    "process.selinuxLabel: not supported");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','scheduler':{'policy':'SCHED_FIFO'}},"
                    "'root':{'path':'r'}}",
                    "process.scheduler: not supported");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'IOPRIO_CLASS_RT'}"
                    "},'root':{'path':'r'}}",
                    "process.ioPriority: not supported");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','execCPUAffinity':{'initial':'0'}},"
                    "'root':{'path':'r'}}",
                    "process.execCPUAffinity: not supported");
}

static void test_root_and_names_errors(void)
{
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'}}", "root: missing");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'},'root':{}}", "root.path: missing");
        check_fails("{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'},'root':{'path':''}}",
                    "root.path: empty");
        check_fails("{" MINIMAL ",'root':{'path':'r','readonly':1}}", "root.readonly: must be a boolean");
        check_fails("{" MINIMAL ",'hostname':'h'}", "hostname: needs a uts namespace");
        check_fails("{" MINIMAL ",'domainname':'d','linux':{'namespaces':[{'type':'pid'}]}}",
                    "domainname: needs a uts namespace");
        check_fails("{" MINIMAL ",'hostname':7}", "hostname: must be a string");
}

static void test_mount_errors(void)
{
        check_fails("{" MINIMAL ",'mounts':{}}", "mounts: must be an array, not an object");
        check_fails("{" MINIMAL ",'mounts':[{'type':'tmpfs'}]}", "mounts[0]: no destination");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'tmp','type':'tmpfs'}]}",
                    "mounts[0].destination: \"tmp\" is not an absolute path");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/','type':'tmpfs'}]}",
                    "mounts[0]: the destination must not");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'tmpfs'},{'destination':'/n','type':'nfs',"
                    "'source':'h:/e'}]}",
                    "mounts[1]: type \"nfs\" is not supported");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','source':'/y'}]}",
                    "mounts[0]: no type, and no bind or rbind option");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/p','type':'proc','source':'proc'}]}",
                    "mounts[0]: type proc is supported only at its standard place, not at \"/p\"");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/sys/x','type':'sysfs'}]}", "mounts[0]: type sysfs");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/cg','type':'cgroup2'}]}", "mounts[0]: type cgroup2");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'bind'}]}",
                    "mounts[0]: a bind mount needs a source");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'bind','source':'/y','options':['idmap']}]}",
                    "mounts[0].options[0]: idmap mounts are not supported");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','source':'/y','options':['rbind','ridmap']}]}",
                    "mounts[0].options[1]: ridmap mounts are not supported");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','source':'/y','options':['rbind','size=1m']}]}",
                    "mounts[0].options[1]: unknown option \"size=1m\"");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'tmpfs','options':['size=lots']}]}",
                    "mounts[0].options[0]: invalid value in \"size=lots\": expected a number");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'tmpfs','options':['huge=always']}]}",
                    "unknown tmpfs option \"huge=always\"");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'tmpfs','options':'ro'}]}",
                    "mounts[0].options: must be an array");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':'tmpfs','options':[true]}]}",
                    "mounts[0].options[0]: must be a string");
        check_fails("{" MINIMAL ",'mounts':[{'destination':'/x','type':5}]}", "mounts[0].type: must be a string");
}

static void test_namespace_and_mapping_errors(void)
{
        check_fails("{" MINIMAL ",'linux':[]}", "linux: must be an object");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'foo'}]}}",
                    "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'a\\nb'}]}}", "unknown namespace type \"a\\x0ab\"");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'time'}]}}",
                    "linux.namespaces[0].type: time namespaces are not supported");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'pid'},{'type':'pid'}]}}",
                    "linux.namespaces[1].type: the pid namespace is listed twice");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{}]}}", "linux.namespaces[0]: no type");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'network','path':'netns'}]}}",
                    "linux.namespaces[0].path: \"netns\" is not an absolute path");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'pid'},{'type':'network'},{'type':'mount'},"
                    "{'type':'ipc'},{'type':'uts'},{'type':'user'},{'type':'cgroup'},{'type':'pid'},{'type':'pid'}]}}",
                    "linux.namespaces: more than 8 entries");
        check_fails("{" MINIMAL ",'linux':{'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
                    "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}",
                    "linux.uidMappings: needs a user namespace in linux.namespaces");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,"
                    "'hostID':1000,'size':1}]}}",
                    "linux.gidMappings: missing: uidMappings and gidMappings go together");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user','path':'/proc/1/ns/user'}],'uidMappings':"
                    "[{'containerID':0,'hostID':1000,'size':1}],'gidMappings':[{'containerID':0,'hostID':1000,"
                    "'size':1}]}}",
                    "not allowed when joining the user namespace");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,"
                    "'hostID':1000,'size':10},{'containerID':5,'hostID':2000,'size':10}],'gidMappings':[]}}",
                    "config.json: linux.uidMappings: ");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,"
                    "'hostID':1000,'size':0}]}}",
                    "config.json: linux.uidMappings: ");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,"
                    "'hostID':1000}]}}",
                    "linux.uidMappings[0]: no size");
        check_fails("{" MINIMAL ",'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,"
                    "'hostID':4294967296,'size':1}]}}",
                    "linux.uidMappings[0].hostID: larger than 4294967295");
}

static void test_devices(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        /* The node's type bits in fileMode (020666) are dropped; a fifo needs no numbers. */
        CHECK_OK(parse("{" MINIMAL ",'linux':{'devices':[{'type':'c','path':'/dev/null','major':1,'minor':3,"
                       "'fileMode':8630},{'type':'p','path':'/dev/fifo'}]}}",
                       &spec, &err),
                 &err);
        CHECK(spec.oci.n_devices == 2 && spec.oci.devices[0].file_mode == 0666 && !spec.oci.devices[0].has_uid);
        CHECK(spec.oci.n_devices == 2 && spec.oci.devices[1].type == 'p' && spec.oci.devices[1].file_mode == 0);
        spec_clear(&spec);
}

static void test_linux_errors(void)
{
        check_fails("{" MINIMAL ",'linux':{'maskedPaths':['proc/kcore']}}",
                    "linux.maskedPaths[0]: \"proc/kcore\" is not an absolute path");
        check_fails("{" MINIMAL ",'linux':{'readonlyPaths':'/proc/sys'}}", "linux.readonlyPaths: must be an array");
        check_fails("{" MINIMAL ",'linux':{'sysctl':{'net.ipv4.ip_forward':1}}}",
                    "linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string");
        check_fails("{" MINIMAL ",'linux':{'sysctl':{'../x':'1'}}}", "linux.sysctl[\"../x\"]: not a sysctl name");
        check_fails("{" MINIMAL ",'linux':{'devices':[{'type':'x','path':'/dev/x'}]}}",
                    "linux.devices[0].type: \"x\" is not one of c, b, u, p");
        check_fails("{" MINIMAL ",'linux':{'devices':[{'type':'c','path':'/dev/x'}]}}",
                    "linux.devices[0]: a c device needs major and minor");
        check_fails("{" MINIMAL ",'linux':{'devices':[{'type':'c','path':'dev/x','major':1,'minor':3}]}}",
                    "linux.devices[0].path: \"dev/x\" is not an absolute path");
        check_fails("{" MINIMAL ",'linux':{'devices':[{'type':'b','path':'/dev/x','major':1,'minor':3,"
                    "'fileMode':65536}]}}",
                    "linux.devices[0].fileMode: larger than 65535");
        check_fails("{" MINIMAL ",'linux':{'rootfsPropagation':'sideways'}}",
                    "linux.rootfsPropagation: unknown propagation \"sideways\"");
        check_fails("{" MINIMAL ",'linux':{'seccomp':'unconfined'}}", "linux.seccomp: must be an object");
        check_fails("{" MINIMAL ",'linux':{'seccomp':{'listenerPath':'sock'}}}",
                    "linux.seccomp.listenerPath: \"sock\" is not an absolute path");
        check_fails("{" MINIMAL ",'linux':{'cgroupsPath':[]}}", "linux.cgroupsPath: must be a string");
        check_fails("{" MINIMAL ",'linux':{'intelRdt':{'closID':'x'}}}", "linux.intelRdt: not supported");
        check_fails("{" MINIMAL ",'linux':{'personality':{'domain':'LINUX32'}}}", "linux.personality: not supported");
        check_fails("{" MINIMAL ",'linux':{'timeOffsets':{'monotonic':{'secs':1}}}}",
                    "linux.timeOffsets: not supported");
        check_fails("{" MINIMAL ",'linux':{'memoryPolicy':{'mode':'MPOL_BIND'}}}", "linux.memoryPolicy: not supported");
        check_fails("{" MINIMAL ",'linux':{'mountLabel':'system_u'}}", "linux.mountLabel: not supported");
}

static void test_hooks_and_annotations(void)
{
        check_fails("{" MINIMAL ",'hooks':[]}", "hooks: must be an object");
        check_fails("{" MINIMAL ",'hooks':{'poststart':[{'args':['x']}]}}", "hooks.poststart[0]: no path");
        check_fails("{" MINIMAL ",'hooks':{'createContainer':[{'path':'hook'}]}}",
                    "hooks.createContainer[0].path: \"hook\" is not an absolute path");
        check_fails("{" MINIMAL ",'hooks':{'startContainer':[{'path':'/h','timeout':0}]}}",
                    "hooks.startContainer[0].timeout: must be from 1 to");
        check_fails("{" MINIMAL ",'hooks':{'prestart':[{'path':'/h','env':['X']}]}}",
                    "hooks.prestart[0].env[0]: \"X\" is not KEY=VALUE");
        check_fails("{" MINIMAL ",'annotations':{'a':1}}", "annotations[\"a\"]: must be a string");
        check_fails("{" MINIMAL ",'annotations':{'a=b':'c'}}", "a key must be non-empty, without '='");
        check_fails("{" MINIMAL ",'annotations':[]}", "annotations: must be an object");
}

int main(void)
{
        RUN(test_runc_rootless_default);
        RUN(test_crun_rootless_default);
        RUN(test_podman_like);
        RUN(test_seccomp_profile_accepted);
        RUN(test_defaults_and_paths);
        RUN(test_mount_mapping);
        RUN(test_resources);
        RUN(test_json_errors);
        RUN(test_process_errors);
        RUN(test_root_and_names_errors);
        RUN(test_mount_errors);
        RUN(test_namespace_and_mapping_errors);
        RUN(test_devices);
        RUN(test_linux_errors);
        RUN(test_hooks_and_annotations);
        return unit_finish();
}
