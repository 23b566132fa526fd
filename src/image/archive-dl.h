/* libarchive, loaded when an image is read (load, import, layer extraction) and not before: linked, it and what it
 * pulls in (ICU, libxml2, libstdc++, the compressors) were mapped and relocated by every burrow process, a container's
 * supervisor included, for nothing. Include this instead of <archive.h>: the libarchive calls below go through
 * pointers that archive_dl() fills on first use (dlopen of libarchive.so.13; a failure ends the process with one
 * line, exit 125, as libarchive is a dependency of the package). */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#define ARCHIVE_DL_FUNCTIONS(X) \
        X(archive_error_string) \
        X(archive_errno) \
        X(archive_set_error) \
        X(archive_read_new) \
        X(archive_read_free) \
        X(archive_read_next_header) \
        X(archive_read_support_filter_all) \
        X(archive_read_support_format_tar) \
        X(archive_read_support_format_raw) \
        X(archive_read_open_fd) \
        X(archive_read_open) \
        X(archive_read_data_block) \
        X(archive_read_data) \
        X(archive_entry_hardlink) \
        X(archive_entry_pathname) \
        X(archive_entry_filetype) \
        X(archive_entry_perm) \
        X(archive_entry_symlink) \
        X(archive_entry_size) \
        X(archive_entry_xattr_reset) \
        X(archive_entry_xattr_next) \
        X(archive_entry_uid) \
        X(archive_entry_gid) \
        X(archive_entry_rdev) \
        X(archive_entry_mtime) \
        X(archive_entry_mtime_nsec) \
        X(archive_entry_atime) \
        X(archive_entry_atime_nsec) \
        X(archive_entry_atime_is_set)

struct archive_dl {
#define ARCHIVE_DL_MEMBER(f) __typeof__(f) *f;
        ARCHIVE_DL_FUNCTIONS(ARCHIVE_DL_MEMBER)
#undef ARCHIVE_DL_MEMBER
};

/* The loaded functions (loads them the first time). */
const struct archive_dl *archive_dl(void);

#ifndef ARCHIVE_DL_IMPLEMENTATION
#define archive_error_string (archive_dl()->archive_error_string)
#define archive_errno (archive_dl()->archive_errno)
#define archive_set_error (archive_dl()->archive_set_error)
#define archive_read_new (archive_dl()->archive_read_new)
#define archive_read_free (archive_dl()->archive_read_free)
#define archive_read_next_header (archive_dl()->archive_read_next_header)
#define archive_read_support_filter_all (archive_dl()->archive_read_support_filter_all)
#define archive_read_support_format_tar (archive_dl()->archive_read_support_format_tar)
#define archive_read_support_format_raw (archive_dl()->archive_read_support_format_raw)
#define archive_read_open_fd (archive_dl()->archive_read_open_fd)
#define archive_read_open (archive_dl()->archive_read_open)
#define archive_read_data_block (archive_dl()->archive_read_data_block)
#define archive_read_data (archive_dl()->archive_read_data)
#define archive_entry_hardlink (archive_dl()->archive_entry_hardlink)
#define archive_entry_pathname (archive_dl()->archive_entry_pathname)
#define archive_entry_filetype (archive_dl()->archive_entry_filetype)
#define archive_entry_perm (archive_dl()->archive_entry_perm)
#define archive_entry_symlink (archive_dl()->archive_entry_symlink)
#define archive_entry_size (archive_dl()->archive_entry_size)
#define archive_entry_xattr_reset (archive_dl()->archive_entry_xattr_reset)
#define archive_entry_xattr_next (archive_dl()->archive_entry_xattr_next)
#define archive_entry_uid (archive_dl()->archive_entry_uid)
#define archive_entry_gid (archive_dl()->archive_entry_gid)
#define archive_entry_rdev (archive_dl()->archive_entry_rdev)
#define archive_entry_mtime (archive_dl()->archive_entry_mtime)
#define archive_entry_mtime_nsec (archive_dl()->archive_entry_mtime_nsec)
#define archive_entry_atime (archive_dl()->archive_entry_atime)
#define archive_entry_atime_nsec (archive_dl()->archive_entry_atime_nsec)
#define archive_entry_atime_is_set (archive_dl()->archive_entry_atime_is_set)
#endif
