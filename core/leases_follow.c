/* Following a lease file that dhcpd appends to and rewrites: on growth
 * only the appended bytes are parsed, on a new inode or a shrink the file
 * is read again.  Here (open, pread) or on a node over ssh (stat, then
 * tail -c +N through hc_exec), the latter in two halves so that the
 * console can run the slow one in a child process. */
#include "leases.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "leases_int.h"

struct hc_lease_follower {
    char *path;
    char *node;
    bool force_exec;
    hc_lease_table *t;
    bool have_file;
    uint64_t dev, ino;
    uint64_t offset;        /* bytes of the file taken in (parsed + carry) */
    char *carry;            /* bytes after the last whole statement */
    size_t carry_len, carry_cap;
    unsigned loads, appends;
    uint64_t last_bytes;
    void (*fn)(void *);
    void *data;
};

int hc_lease_follower_new(const char *path, const char *node,
                          hc_lease_follower **ret)
{
    hc_lease_follower *f;

    if (!path || !*path || !ret) {
        return -EINVAL;
    }
    f = g_new0(hc_lease_follower, 1);
    f->path = g_strdup(path);
    f->node = g_strdup(node);
    f->t = hc_lease_table_new();
    *ret = f;
    return 0;
}

void hc_lease_follower_free(hc_lease_follower *f)
{
    if (!f) {
        return;
    }
    g_free(f->path);
    g_free(f->node);
    g_free(f->carry);
    hc_lease_table_free(f->t);
    g_free(f);
}

hc_lease_table *hc_lease_follower_table(hc_lease_follower *f)
{
    return f->t;
}

void hc_lease_follower_set_listener(hc_lease_follower *f,
                                    void (*fn)(void *), void *data)
{
    f->fn = fn;
    f->data = data;
}

void hc_lease_follower_stats(const hc_lease_follower *f, unsigned *ret_loads,
                             unsigned *ret_appends, uint64_t *ret_last_bytes)
{
    if (ret_loads) {
        *ret_loads = f->loads;
    }
    if (ret_appends) {
        *ret_appends = f->appends;
    }
    if (ret_last_bytes) {
        *ret_last_bytes = f->last_bytes;
    }
}

size_t hc_lease_follower_pending(const hc_lease_follower *f)
{
    return f->carry_len;
}

size_t hc_lease_follower_finish(hc_lease_follower *f)
{
    size_t n = f->carry_len;

    if (n) {
        uint32_t line = f->t->line;
        size_t i = 0;

        /* The error is the cut, at the line where the cut statement
         * starts: parsed as if complete, its last word would be "bad
         * date" or the like, which the record is not. */
        for (; i < n && g_ascii_isspace(f->carry[i]); i++) {
            line += f->carry[i] == '\n';
        }
        hc__lease_add_error(f->t, line, "the last record is cut: %zu bytes up to the "
                  "end of the file, not read (the file was cut short, or "
                  "dhcpd was writing it)", n);
        f->t->generation++;
        f->carry_len = 0;
    }
    return n;
}

void hc_lease_follower_force_exec(hc_lease_follower *f, bool on)
{
    f->force_exec = on;
}

/* Appends new bytes to the carry and parses what is whole. */
static int feed(hc_lease_follower *f, const char *data, size_t n)
{
    ssize_t used;

    if (f->carry_len + n > f->carry_cap) {
        f->carry_cap = MAX(f->carry_cap * 2, f->carry_len + n);
        f->carry = g_realloc(f->carry, f->carry_cap);
    }
    memcpy(f->carry + f->carry_len, data, n);
    f->carry_len += n;
    f->offset += n;
    f->last_bytes += n;
    used = hc_leases_parse(f->t, f->carry, f->carry_len, false);
    if (used < 0) {
        return (int) used;
    }
    memmove(f->carry, f->carry + used, f->carry_len - (size_t) used);
    f->carry_len -= (size_t) used;
    return 0;
}

/* Decides between nothing new, appended bytes and a full read. */
static bool start_read(hc_lease_follower *f, uint64_t dev, uint64_t ino,
                       uint64_t size)
{
    if (!f->have_file || dev != f->dev || ino != f->ino || size < f->offset) {
        hc_lease_table_reset(f->t);
        f->have_file = true;
        f->dev = dev;
        f->ino = ino;
        f->offset = 0;
        f->carry_len = 0;
        f->loads++;
        return true;
    }
    if (size == f->offset) {
        return false;
    }
    f->appends++;
    return true;
}

static int poll_local(hc_lease_follower *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf;
    int rc = 0;

    if (fd < 0) {
        return -errno;
    }
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    if (!start_read(f, (uint64_t) st.st_dev, (uint64_t) st.st_ino,
                    (uint64_t) st.st_size)) {
        close(fd);
        return 0;
    }
    /* Reads to the end, which may be past st_size if dhcpd is writing. */
    buf = g_malloc(1u << 20);
    for (;;) {
        ssize_t n;
        off_t data = lseek(fd, (off_t) f->offset, SEEK_DATA);

        /* A hole reads as NULs, which the parser takes as blanks: one
         * stands for all of it (a crash can leave a sparse tail). */
        if (data > (off_t) f->offset) {
            rc = feed(f, "", 1);
            if (rc < 0) {
                break;
            }
            f->offset = (uint64_t) data;
        }
        n = pread(fd, buf, 1u << 20, (off_t) f->offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0) {
            break;
        }
        rc = feed(f, buf, (size_t) n);
        if (rc < 0) {
            break;
        }
    }
    g_free(buf);
    close(fd);
    return rc;
}

/* The same over hc_exec (ssh when a node is set): stat for identity and
 * size, tail -c +N for the bytes from the offset on.  In two halves, so
 * that the console can run the first in a child process: fetch runs the
 * commands and writes what they said into one buffer, apply takes it.
 * The buffer: "HCL1 RC DEV INO SIZE FROM\n" and the bytes from FROM. */
#define FETCH_MAGIC "HCL1 "

/* Decides what to read the way start_read() will, without changing f. */
static uint64_t fetch_from(const hc_lease_follower *f, uint64_t dev,
                           uint64_t ino, uint64_t size)
{
    if (!f->have_file || dev != f->dev || ino != f->ino || size < f->offset) {
        return 0;
    }
    return f->offset;
}

int hc_lease_follower_fetch(const hc_lease_follower *f, GString *out)
{
    const char *stat_argv[] = { "stat", "-L", "-c", "%d %i %s", f->path,
                                NULL };
    hc_exec_opts o = { .node = f->node, .timeout_ms = 20000 };
    hc_exec_result res;
    unsigned long long dev = 0, ino = 0, size = 0, from = 0;
    char fromarg[32];
    const char *tail_argv[] = { "tail", "-c", fromarg, f->path, NULL };
    int rc;

    rc = hc_exec(stat_argv, &o, &res);
    if (rc == 0 && (res.status != 0
                    || sscanf(res.out, "%llu %llu %llu", &dev, &ino,
                              &size) != 3)) {
        rc = res.timed_out ? -ETIMEDOUT
           : strstr(res.err, "No such file") ? -ENOENT : -EIO;
    }
    if (rc == 0) {
        hc_exec_result_clear(&res);
    }
    if (rc == 0) {
        from = fetch_from(f, dev, ino, size);
        if (f->have_file && from == size) {
            /* Nothing new: no second command. */
            g_string_printf(out, FETCH_MAGIC "0 %llu %llu %llu %llu\n", dev,
                            ino, size, from);
            return 0;
        }
        snprintf(fromarg, sizeof(fromarg), "+%llu", from + 1);
        o.timeout_ms = 60000;
        rc = hc_exec(tail_argv, &o, &res);
        if (rc == 0 && res.status != 0) {
            rc = res.timed_out ? -ETIMEDOUT : -EIO;
            hc_exec_result_clear(&res);
        }
    }
    g_string_printf(out, FETCH_MAGIC "%d %llu %llu %llu %llu\n", rc, dev, ino,
                    size, from);
    if (rc == 0) {
        g_string_append_len(out, res.out, (gssize) res.out_len);
        hc_exec_result_clear(&res);
    }
    return rc;
}

static int apply_fetched(hc_lease_follower *f, const char *buf, size_t len)
{
    unsigned long long dev, ino, size, from;
    const char *nl = memchr(buf, '\n', len);
    char head[128];
    int rc;

    if (!nl || (size_t) (nl - buf) >= sizeof(head)
        || strncmp(buf, FETCH_MAGIC, strlen(FETCH_MAGIC))) {
        return -EPROTO;
    }
    memcpy(head, buf, (size_t) (nl - buf));
    head[nl - buf] = 0;
    if (sscanf(head + strlen(FETCH_MAGIC), "%d %llu %llu %llu %llu", &rc,
               &dev, &ino, &size, &from) != 5) {
        return -EPROTO;
    }
    if (rc < 0) {
        return rc;
    }
    /* Fetched for another state of f (a fetch started before a reset):
     * the bytes would not follow on; the next fetch gets the right ones. */
    if (fetch_from(f, dev, ino, size) != from) {
        return -EAGAIN;
    }
    if (start_read(f, dev, ino, size)) {
        rc = feed(f, nl + 1, len - (size_t) (nl + 1 - buf));
    }
    return rc;
}

int hc_lease_follower_apply(hc_lease_follower *f, const char *buf, size_t len,
                            bool *ret_changed)
{
    uint64_t gen = hc_lease_table_generation(f->t);
    int rc;

    f->last_bytes = 0;
    rc = apply_fetched(f, buf, len);
    if (ret_changed) {
        *ret_changed = hc_lease_table_generation(f->t) != gen;
    }
    if (hc_lease_table_generation(f->t) != gen && f->fn) {
        f->fn(f->data);
    }
    return rc;
}

static int poll_exec(hc_lease_follower *f)
{
    GString *out = g_string_new(NULL);
    int rc;

    hc_lease_follower_fetch(f, out);
    rc = apply_fetched(f, out->str, out->len);
    g_string_free(out, TRUE);
    return rc;
}

const char *hc_lease_follower_node(const hc_lease_follower *f)
{
    return f->node;
}

int hc_lease_follower_poll(hc_lease_follower *f, bool *ret_changed)
{
    uint64_t gen = hc_lease_table_generation(f->t);
    int rc;

    f->last_bytes = 0;
    rc = f->node || f->force_exec ? poll_exec(f) : poll_local(f);
    if (ret_changed) {
        *ret_changed = hc_lease_table_generation(f->t) != gen;
    }
    if (hc_lease_table_generation(f->t) != gen && f->fn) {
        f->fn(f->data);
    }
    return rc;
}
