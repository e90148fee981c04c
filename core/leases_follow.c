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
    /* Kea's lease file cleanup leaves older rows in FILE.completed or in
     * FILE.2 and FILE.1: their identities when the set was last read, ""
     * when there are none. */
    char *aux_sig;
};

/* Kea's files of one lease database besides the current one, as Kea
 * reads them at its start (Memfile_LeaseMgr::loadLeasesFromFiles()):
 * FILE.completed when it exists (a cleanup finished but was not yet
 * renamed), else FILE.2 then FILE.1; then FILE, whose rows come last. */
static const char *const kea_aux[] = { ".completed", ".2", ".1" };
#define N_AUX 3

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
    g_free(f->aux_sig);
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
        if (hc_lease_table_format(f->t) == HC_LEASE_FMT_KEA) {
            hc__lease_add_error(f->t, line, "the last row is cut: %zu bytes "
                                "up to the end of the file, not read (the "
                                "file was cut short, or Kea was writing "
                                "it)", n);
        } else {
            hc__lease_add_error(f->t, line, "the last record is cut: %zu "
                                "bytes up to the end of the file, not read "
                                "(the file was cut short, or dhcpd was "
                                "writing it)", n);
        }
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

/* Whether the file set's older files (kea_aux) changed since they were
 * read; then the next read is a full one.  Takes sig (g_free). */
static void note_aux(hc_lease_follower *f, char *sig)
{
    if (g_strcmp0(sig, f->aux_sig ? f->aux_sig : "")) {
        f->have_file = false;
    }
    g_free(f->aux_sig);
    f->aux_sig = sig;
}

/* Parses one older file of a Kea set into the table before the current
 * one: its own lines, its errors named after it. */
static void read_aux(hc_lease_follower *f, unsigned i, const char *buf,
                     size_t len)
{
    hc_lease_table *t = f->t;
    size_t stop = SIZE_MAX;

    if (hc__kea_detect(buf, len, true) != 1) {
        return;
    }
    t->line = 1;
    t->format = HC_LEASE_FMT_UNKNOWN;
    t->kea_skip = false;
    t->err_suffix = kea_aux[i];
    hc__leases_parse_until(t, buf, len, true, &stop);
    t->err_suffix = NULL;
    t->line = 1;
    t->format = HC_LEASE_FMT_UNKNOWN;
    t->kea_skip = false;
}

/* Whether aux i is read, given which exist (bit i of have). */
static bool aux_wanted(unsigned have, unsigned i)
{
    return i == 0 ? (have & 1) : !(have & 1) && (have & (1u << i));
}

static char *aux_sig_local(const hc_lease_follower *f, unsigned *ret_have)
{
    GString *s = g_string_new(NULL);

    *ret_have = 0;
    for (unsigned i = 0; i < N_AUX; i++) {
        char *p = g_strconcat(f->path, kea_aux[i], NULL);
        struct stat st;

        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            *ret_have |= 1u << i;
            g_string_append_printf(s, "%s %llu %llu %llu %lld.%09ld;",
                                   kea_aux[i],
                                   (unsigned long long) st.st_dev,
                                   (unsigned long long) st.st_ino,
                                   (unsigned long long) st.st_size,
                                   (long long) st.st_mtim.tv_sec,
                                   st.st_mtim.tv_nsec);
        }
        g_free(p);
    }
    return g_string_free(s, FALSE);
}

/* Before a full read of a Kea file: its older files, here. */
static void read_aux_local(hc_lease_follower *f, int fd, unsigned have)
{
    char head[8];
    ssize_t n = pread(fd, head, sizeof(head), 0);

    if (!have || n <= 0 || hc__kea_detect(head, (size_t) n, true) != 1) {
        return;
    }
    for (unsigned i = 0; i < N_AUX; i++) {
        char *p, *buf = NULL;
        gsize len = 0;

        if (!aux_wanted(have, i)) {
            continue;
        }
        p = g_strconcat(f->path, kea_aux[i], NULL);
        if (g_file_get_contents(p, &buf, &len, NULL)) {
            read_aux(f, i, buf, len);
        }
        g_free(buf);
        g_free(p);
    }
}

static int poll_local(hc_lease_follower *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    unsigned have;
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
    note_aux(f, aux_sig_local(f, &have));
    if (!start_read(f, (uint64_t) st.st_dev, (uint64_t) st.st_ino,
                    (uint64_t) st.st_size)) {
        close(fd);
        return 0;
    }
    if (f->offset == 0) {
        read_aux_local(f, fd, have);
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
 * size (of Kea's older files too), tail -c +N for the bytes from the
 * offset on.  In two halves, so that the console can run the first in a
 * child process: fetch runs the commands and writes what they said into
 * one buffer, apply takes it.  The buffer:
 * "HCL2 RC DEV INO SIZE FROM NAUX SIGLEN\n", the older files' identities
 * (SIGLEN bytes), NAUX times "I LEN\n" and the bytes of kea_aux[I], and
 * the bytes of the file from FROM. */
#define FETCH_MAGIC "HCL2 "

/* Decides what to read the way start_read() will, without changing f. */
static uint64_t fetch_from(const hc_lease_follower *f, uint64_t dev,
                           uint64_t ino, uint64_t size, const char *sig)
{
    if (!f->have_file || dev != f->dev || ino != f->ino || size < f->offset
        || strcmp(sig, f->aux_sig ? f->aux_sig : "")) {
        return 0;
    }
    return f->offset;
}

/* Reads stat's lines ("DEV INO SIZE MTIME NAME"): the file's identity
 * and the older files' signature.  Lines are told apart by the file
 * name's last part (the name as the node prints it may differ from the
 * one asked for, through a symbolic link or a bind mount).  false when
 * the file is not there. */
static bool parse_stat(const hc_lease_follower *f, const char *out,
                       unsigned long long *dev, unsigned long long *ino,
                       unsigned long long *size, GString *sig,
                       unsigned *ret_have)
{
    bool found = false;
    gchar **lines = g_strsplit(out, "\n", -1);
    char *base = g_path_get_basename(f->path);
    size_t bl = strlen(base);

    *ret_have = 0;
    for (gchar **l = lines; *l; l++) {
        unsigned long long d, i, s;
        long long m;
        int off = 0;
        const char *name, *slash;

        if (sscanf(*l, "%llu %llu %llu %lld %n", &d, &i, &s, &m, &off) < 4
            || !off) {
            continue;
        }
        slash = strrchr(*l + off, '/');
        name = slash ? slash + 1 : *l + off;
        if (strncmp(name, base, bl)) {
            continue;
        }
        if (!name[bl]) {
            *dev = d, *ino = i, *size = s;
            found = true;
            continue;
        }
        for (unsigned k = 0; k < N_AUX; k++) {
            if (!strcmp(name + bl, kea_aux[k])) {
                *ret_have |= 1u << k;
                g_string_append_printf(sig, "%s %llu %llu %llu %lld;",
                                       kea_aux[k], d, i, s, m);
            }
        }
    }
    g_free(base);
    g_strfreev(lines);
    return found;
}

/* tail -c +FROM of path on f's node into res. */
static int fetch_bytes(const hc_lease_follower *f, const char *path,
                       unsigned long long from, hc_exec_result *res)
{
    char fromarg[32];
    const char *tail_argv[] = { "tail", "-c", fromarg, path, NULL };
    hc_exec_opts o = { .node = f->node, .timeout_ms = 60000 };
    int rc;

    snprintf(fromarg, sizeof(fromarg), "+%llu", from + 1);
    rc = hc_exec(tail_argv, &o, res);
    if (rc == 0 && res->status != 0) {
        rc = res->timed_out ? -ETIMEDOUT : -EIO;
        hc_exec_result_clear(res);
    }
    return rc;
}

int hc_lease_follower_fetch(const hc_lease_follower *f, GString *out)
{
    char *aux[N_AUX];
    const char *stat_argv[] = { "stat", "-L", "-c", "%d %i %s %Y %n", f->path,
                                NULL, NULL, NULL, NULL };
    hc_exec_opts o = { .node = f->node, .timeout_ms = 20000 };
    hc_exec_result res;
    unsigned long long dev = 0, ino = 0, size = 0, from = 0;
    GString *sig = g_string_new(NULL), *auxout = g_string_new(NULL);
    unsigned have = 0, naux = 0;
    int rc;

    for (unsigned i = 0; i < N_AUX; i++) {
        aux[i] = g_strconcat(f->path, kea_aux[i], NULL);
        stat_argv[5 + i] = aux[i];
    }
    /* stat fails for the older files that do not exist (most often all
     * of them): only the file's own line counts. */
    rc = hc_exec(stat_argv, &o, &res);
    if (rc == 0) {
        if (!parse_stat(f, res.out, &dev, &ino, &size, sig, &have)) {
            rc = res.timed_out ? -ETIMEDOUT
               : strstr(res.err, "No such file") ? -ENOENT : -EIO;
        }
        hc_exec_result_clear(&res);
    }
    if (rc == 0) {
        from = fetch_from(f, dev, ino, size, sig->str);
    }
    if (rc == 0 && f->have_file && from == size && from) {
        /* Nothing new: no second command. */
        goto done;
    }
    for (unsigned i = 0; rc == 0 && from == 0 && i < N_AUX; i++) {
        if (!aux_wanted(have, i) || fetch_bytes(f, aux[i], 0, &res) < 0) {
            continue;
        }
        g_string_append_printf(auxout, "%u %zu\n", i, res.out_len);
        g_string_append_len(auxout, res.out, (gssize) res.out_len);
        hc_exec_result_clear(&res);
        naux++;
    }
    if (rc == 0) {
        rc = fetch_bytes(f, f->path, from, &res);
    }
done:
    g_string_printf(out, FETCH_MAGIC "%d %llu %llu %llu %llu %u %zu\n", rc,
                    dev, ino, size, from, naux, sig->len);
    g_string_append_len(out, sig->str, (gssize) sig->len);
    g_string_append_len(out, auxout->str, (gssize) auxout->len);
    if (rc == 0 && !(f->have_file && from == size && from)) {
        g_string_append_len(out, res.out, (gssize) res.out_len);
        hc_exec_result_clear(&res);
    }
    for (unsigned i = 0; i < N_AUX; i++) {
        g_free(aux[i]);
    }
    g_string_free(sig, TRUE);
    g_string_free(auxout, TRUE);
    return rc;
}

/* One "I LEN\n" section of the fetched buffer at *p (before end). */
static bool next_aux(const char **p, const char *end, unsigned *ret_i,
                     const char **ret_bytes, size_t *ret_len)
{
    const char *nl = memchr(*p, '\n', (size_t) (end - *p));
    char head[48];
    unsigned long long len;

    if (!nl || (size_t) (nl - *p) >= sizeof(head)) {
        return false;
    }
    memcpy(head, *p, (size_t) (nl - *p));
    head[nl - *p] = 0;
    if (sscanf(head, "%u %llu", ret_i, &len) != 2 || *ret_i >= N_AUX
        || len > (unsigned long long) (end - nl - 1)) {
        return false;
    }
    *ret_bytes = nl + 1;
    *ret_len = (size_t) len;
    *p = nl + 1 + len;
    return true;
}

static int apply_fetched(hc_lease_follower *f, const char *buf, size_t len)
{
    unsigned long long dev, ino, size, from, siglen;
    unsigned naux;
    const char *nl = memchr(buf, '\n', len), *p, *end = buf + len;
    char head[160], *sig;
    int rc;

    if (!nl || (size_t) (nl - buf) >= sizeof(head)
        || strncmp(buf, FETCH_MAGIC, strlen(FETCH_MAGIC))) {
        return -EPROTO;
    }
    memcpy(head, buf, (size_t) (nl - buf));
    head[nl - buf] = 0;
    if (sscanf(head + strlen(FETCH_MAGIC), "%d %llu %llu %llu %llu %u %llu",
               &rc, &dev, &ino, &size, &from, &naux, &siglen) != 7
        || siglen > (unsigned long long) (end - nl - 1) || naux > N_AUX) {
        return -EPROTO;
    }
    if (rc < 0) {
        return rc;
    }
    p = nl + 1;
    sig = g_strndup(p, (gsize) siglen);
    p += siglen;
    /* Fetched for another state of f (a fetch started before a reset):
     * the bytes would not follow on; the next fetch gets the right ones. */
    if (fetch_from(f, dev, ino, size, sig) != from) {
        g_free(sig);
        return -EAGAIN;
    }
    note_aux(f, sig);
    if (!start_read(f, dev, ino, size)) {
        return 0;
    }
    {
        const char *auxp = p;
        unsigned i;
        const char *bytes;
        size_t n;

        /* The sections, then the file itself. */
        for (unsigned k = 0; k < naux; k++) {
            if (!next_aux(&p, end, &i, &bytes, &n)) {
                return -EPROTO;
            }
        }
        if (f->offset == 0
            && hc__kea_detect(p, (size_t) (end - p), true) == 1) {
            for (unsigned k = 0; k < naux; k++) {
                next_aux(&auxp, end, &i, &bytes, &n);
                read_aux(f, i, bytes, n);
            }
        }
    }
    return feed(f, p, (size_t) (end - p));
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
