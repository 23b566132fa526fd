#!/usr/bin/python3
"""seccomp-errno.py SYSCALL=ERRNO[,SYSCALL=ERRNO...] CMD [ARG...]: runs CMD with those system calls failing with
those errnos (a seccomp filter, after no_new_privs), as a kernel without them or a locked-down sandbox would. For the
doctor tests: a check must be seen failing as well as passing. x86_64 and aarch64 only."""
import ctypes
import errno
import os
import platform
import struct
import sys

# (x86_64, aarch64) numbers.
SYSCALLS = {
    "unshare": (272, 97),
    "clone3": (435, 435),
    "pidfd_open": (434, 434),
    "close_range": (436, 436),
    "openat2": (437, 437),
    "mount_setattr": (442, 442),
    "seccomp": (317, 277),
}
ARCHES = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}

BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000


def insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def main():
    machine = platform.machine()
    if machine not in ARCHES or len(sys.argv) < 3:
        sys.exit(f"usage: {sys.argv[0]} SYSCALL=ERRNO[,...] CMD [ARG...] (x86_64, aarch64)")
    index, audit_arch = ARCHES[machine]
    prog = [insn(BPF_LD_W_ABS, 0, 0, 4), insn(BPF_JEQ_K, 1, 0, audit_arch), insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
            insn(BPF_LD_W_ABS, 0, 0, 0)]
    for spec in sys.argv[1].split(","):
        name, err = spec.split("=")
        prog.append(insn(BPF_JEQ_K, 0, 1, SYSCALLS[name][index]))
        prog.append(insn(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | getattr(errno, err)))
    prog.append(insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    code = b"".join(prog)
    buf = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("HxxxxxxQ", len(prog), ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog, len(fprog))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        sys.exit("prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(22, 2, ctypes.addressof(fbuf), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        sys.exit(f"prctl(PR_SET_SECCOMP): {os.strerror(ctypes.get_errno())}")
    os.execvp(sys.argv[2], sys.argv[2:])


main()
