#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 when invalid.
 * Rejects overlongs, surrogates and code points past U+10FFFF, and the C1
 * controls (U+0080..U+009F), which some terminals obey. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;

    if (c < 0xc2 || c > 0xf4) {
        return 0;
    }
    len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (len > n) {
        return 0;
    }
    cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
        || (cp >= 0x80 && cp <= 0x9f)) {
        return 0;
    }
    return len;
}

static void escape_append(GString *out, const char *str, size_t len,
                          size_t max_cols, bool ascii, bool quotes)
{
    const unsigned char *s = (const unsigned char *) str;
    size_t cols = 0;

    for (size_t i = 0; i < len;) {
        char tmp[8];
        size_t w = 1, adv = 1;
        unsigned c = s[i];
        size_t run = 0;

        /* Plain printable ASCII, most of every CIB, goes in one piece. */
        while (i + run < len && s[i + run] >= 0x20 && s[i + run] < 0x7f
               && (!quotes || (s[i + run] != '\\' && s[i + run] != '"'))) {
            run++;
        }
        if (run > 0) {
            if (max_cols && cols + run > max_cols) {
                run = max_cols - cols;
                g_string_append_len(out, str + i, (gssize) run);
                cols += run;
                i += run;
                if (i < len) {
                    /* the next character does not fit: cut as below */
                    g_string_append(out, "...");
                    return;
                }
                continue;
            }
            g_string_append_len(out, str + i, (gssize) run);
            cols += run;
            i += run;
            continue;
        }
        if (quotes && (c == '\\' || c == '"')) {
            tmp[0] = '\\'; tmp[1] = (char) c; tmp[2] = 0; w = 2;
        } else if (c == '\n') {
            strcpy(tmp, "\\n"); w = 2;
        } else if (c == '\t') {
            strcpy(tmp, "\\t"); w = 2;
        } else if (c == '\r') {
            strcpy(tmp, "\\r"); w = 2;
        } else if (c >= 0x20 && c < 0x7f) {
            tmp[0] = (char) c; tmp[1] = 0;
        } else if (c >= 0x80 && !ascii && (adv = utf8_seq_len(s + i, len - i))) {
            memcpy(tmp, s + i, adv); tmp[adv] = 0;
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", c); w = 4; adv = 1;
        }
        if (max_cols && cols + w > max_cols) {
            /* A cut string ends in "..." so that the cut is visible. */
            g_string_append(out, "...");
            return;
        }
        g_string_append(out, tmp);
        cols += w;
        i += adv;
    }
}

void hc_escape_append(GString *out, const char *s, size_t len, size_t max_cols)
{
    escape_append(out, s, len, max_cols, false, true);
}

char *hc_escape(const char *s, size_t max_cols)
{
    GString *out = g_string_new(NULL);

    if (s) {
        escape_append(out, s, strlen(s), max_cols, false, true);
    }
    return g_string_free(out, FALSE);
}

char *hc_escape_ascii(const char *s, size_t max_cols)
{
    GString *out = g_string_new(NULL);

    if (s) {
        escape_append(out, s, strlen(s), max_cols, true, true);
    }
    return g_string_free(out, FALSE);
}

char *hc_escape_text(const char *s, size_t max_cols, bool ascii)
{
    GString *out = g_string_new(NULL);

    if (s) {
        escape_append(out, s, strlen(s), max_cols, ascii, false);
    }
    return g_string_free(out, FALSE);
}

void hc_json_str(GString *out, const char *str)
{
    const unsigned char *s = (const unsigned char *) (str ? str : "");
    size_t len = strlen((const char *) s);

    g_string_append_c(out, '"');
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t adv;

        if (c == '"' || c == '\\') {
            g_string_append_c(out, '\\');
            g_string_append_c(out, (char) c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            g_string_append_printf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            g_string_append_c(out, (char) c);
            i++;
        } else if ((adv = utf8_seq_len(s + i, len - i))) {
            g_string_append_len(out, (const char *) s + i, (gssize) adv);
            i += adv;
        } else {
            g_string_append(out, "\\ufffd");
            i++;
        }
    }
    g_string_append_c(out, '"');
}

/* fsync of the directory that holds path: the rename is on disk. */
static int sync_dir_of(const char *path)
{
    char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

    if (fd < 0 || fsync(fd) < 0) {
        rc = -errno;
    }
    if (fd >= 0) {
        close(fd);
    }
    g_free(dir);
    return rc;
}

int hc_write_file_atomic(const char *path, const char *data, size_t len,
                         mode_t mode, bool keep_backup)
{
    char *tmp = g_strdup_printf("%s.hacon-XXXXXX", path);
    struct stat st;
    bool existed = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    int fd, rc = 0;

    if (existed) {
        /* The file's own mode, less any group or other access that the
         * caller's mode does not give (a secret stays secret). */
        mode = (st.st_mode & 07777) & ~(~mode & 077);
    }
    /* Created 0600 (g_mkstemp_full's mode is masked by the umask), then
     * given its mode before a byte is written. */
    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = -errno;
        g_free(tmp);
        return rc;
    }
    if (existed && (st.st_uid != geteuid() || st.st_gid != getegid())
        && fchown(fd, st.st_uid, st.st_gid) < 0) {
        rc = -errno;
    }
    if (rc == 0 && fchmod(fd, mode) < 0) {
        rc = -errno;
    }
    for (size_t off = 0; rc == 0 && off < len;) {
        ssize_t n = write(fd, data + off, len - off);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = -errno;
        } else {
            off += (size_t) n;
        }
    }
    if (rc == 0 && fsync(fd) < 0) {
        rc = -errno;
    }
    if (close(fd) < 0 && rc == 0) {
        rc = -errno;
    }
    if (rc == 0 && keep_backup && existed) {
        char *bak = g_strdup_printf("%s~", path);

        unlink(bak);
        if (link(path, bak) < 0 && errno != EEXIST) {
            rc = -errno;
        }
        g_free(bak);
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -errno;
    }
    if (rc != 0) {
        unlink(tmp);
    } else {
        rc = sync_dir_of(path);
    }
    g_free(tmp);
    return rc;
}

int hc_read_file(const char *path, char **ret, size_t *ret_len)
{
    GError *err = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, ret, &len, &err)) {
        int rc = err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_NOENT
                 ? -ENOENT : -EIO;

        if (err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_ACCES) {
            rc = -EACCES;
        }
        g_error_free(err);
        return rc;
    }
    if (ret_len) {
        *ret_len = len;
    }
    return 0;
}

const char *hc_time_str(time_t t, char *buf, size_t n)
{
    struct tm tm;

    if (t <= 0 || !localtime_r(&t, &tm)) {
        snprintf(buf, n, "-");
    } else {
        strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
    }
    return buf;
}

const char *hc_time_rel(time_t t, time_t now, char *buf, size_t n)
{
    long long d = (long long) t - (long long) now;
    long long a = d < 0 ? -d : d;
    const char *unit;
    long long v;

    if (a < 60) {
        snprintf(buf, n, "now");
        return buf;
    }
    if (a < 3600) {
        v = a / 60; unit = "min";
    } else if (a < 86400 * 2) {
        v = a / 3600; unit = "h";
    } else {
        v = a / 86400; unit = "d";
    }
    if (d > 0) {
        snprintf(buf, n, "in %lld %s", v, unit);
    } else {
        snprintf(buf, n, "%lld %s ago", v, unit);
    }
    return buf;
}

double hc_now_ms(void)
{
    return (double) g_get_monotonic_time() / 1000.0;
}

char **hc_wrap(const char *text, size_t width, const char *first,
               const char *rest)
{
    GPtrArray *out = g_ptr_array_new();
    GString *l = g_string_new(first);
    char **words = g_strsplit_set(text ? text : "", " \n", -1);
    bool empty = true;

    for (char **w = words; *w; w++) {
        if (!**w) {
            continue;
        }
        if (!empty && l->len + 1 + strlen(*w) > width) {
            g_ptr_array_add(out, g_string_free(l, FALSE));
            l = g_string_new(rest);
            empty = true;
        }
        if (!empty) {
            g_string_append_c(l, ' ');
        }
        g_string_append(l, *w);
        empty = false;
    }
    g_ptr_array_add(out, g_string_free(l, FALSE));
    g_ptr_array_add(out, NULL);
    g_strfreev(words);
    return (char **) g_ptr_array_free(out, FALSE);
}

void hc_child_detach_tty(void)
{
    int nul = open("/dev/null", O_RDWR);

    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_DFL);
    if (nul >= 0) {
        dup2(nul, STDIN_FILENO);
        dup2(nul, STDOUT_FILENO);
        dup2(nul, STDERR_FILENO);
        if (nul > STDERR_FILENO) {
            close(nul);
        }
    }
}

void hc_rm_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, e, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR)
            && !g_file_test(p, G_FILE_TEST_IS_SYMLINK)) {
            hc_rm_tree(p);
        } else {
            unlink(p);
        }
        g_free(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
}
