/* Reading a whole lease file, in two halves by two threads when it is
 * large: the second half is parsed into a table of its own (for Kea's
 * file, a log of its rows) from the first record at or after the middle,
 * and joined to the first in file order (hc__lease_table_append()), which
 * gives what a sequential read gives. */
#include "leases.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leases_int.h"

/* The second half of a split read, in its own thread.  Kea's rows, a
 * log, are replayed by the first thread as they come (see
 * join_while_reading()): `ready` says how many of t's log rows are
 * whole, `lock` is held while they move (as they grow) or are replayed. */
typedef struct load_half {
    hc_lease_table *t;      /* made by the thread */
    int fd;
    bool kea;
    uint64_t from, size;
    size_t rec, strings;
    hc__log_row *rows;      /* the log's room, lent by the first table */
    size_t log_cap;
    gint cancel;
    int rc;
    GMutex lock;
    GMutex wait_lock;       /* with more: ready or done changed */
    GCond more;
    gint ready;
    gint done;
} load_half;

/* Tells the first thread that more rows of the log are whole. */
static void load_half_publish(load_half *h, bool done)
{
    g_mutex_lock(&h->wait_lock);
    g_atomic_int_set(&h->ready, (gint) h->t->log_n);
    if (done) {
        g_atomic_int_set(&h->done, 1);
    }
    g_cond_signal(&h->more);
    g_mutex_unlock(&h->wait_lock);
}

/* Reads the file from byte `from` to its end into t.  With stop (a file
 * offset, UINT64_MAX: none), ends early, with *ret_stopped set, when a
 * top-level statement starts exactly there.  h (may be NULL): the second
 * half being read, whose cancel is looked at between reads and whose rows
 * are published after each. */
static int load_range(hc_lease_table *t, int fd, uint64_t from,
                      uint64_t stop, bool *ret_stopped, struct load_half *h)
{
    /* A buffer that stays in the L2 cache: the copy out of the page cache
     * is then nearly free for the scanner that follows it. */
    size_t cap = 256u << 10, have = 0;
    uint64_t bufoff = from;     /* file offset of buf[0] */
    char *buf = g_malloc(cap);
    int rc = 0;

    if (ret_stopped) {
        *ret_stopped = false;
    }
    for (;;) {
        ssize_t n = pread(fd, buf + have, cap - have,
                          (off_t) (bufoff + have));
        ssize_t used;
        size_t rel;

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = -errno;
            break;
        }
        if (h && g_atomic_int_get(&h->cancel)) {
            rc = -ECANCELED;
            break;
        }
        have += (size_t) n;
        rel = stop != UINT64_MAX && stop >= bufoff
              ? (size_t) (stop - bufoff) : SIZE_MAX;
        used = hc__leases_parse_until(t, buf, have, n == 0, &rel);
        if (used < 0) {
            rc = (int) used;
            break;
        }
        if (h && h->t->log) {
            load_half_publish(h, false);
        }
        if (rel == SIZE_MAX - 1) {
            *ret_stopped = true;
            break;
        }
        if (rel == SIZE_MAX) {
            /* The stop fell inside a statement: read on to the end. */
            stop = UINT64_MAX;
        }
        memmove(buf, buf + used, have - (size_t) used);
        have -= (size_t) used;
        bufoff += (uint64_t) used;
        if (n == 0) {
            break;
        }
        if (have == cap) {
            /* One statement longer than the buffer: let it grow. */
            cap *= 2;
            buf = g_realloc(buf, cap);
        }
    }
    g_free(buf);
    return rc;
}

/* Whether the file is Kea's, as the parser tells it (by its first
 * bytes); t is then Kea's, with the header taken when it is one. */
static bool read_kea_header(hc_lease_table *t, int fd)
{
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof(buf), 0);
    const char *nl = n > 0 ? memchr(buf, '\n', (size_t) n) : NULL;

    if (n <= 0 || hc__kea_detect(buf, (size_t) n, true) != 1) {
        return false;
    }
    if (nl) {
        hc__kea_header(t, buf, (size_t) (nl - buf));
    }
    t->format = HC_LEASE_FMT_KEA;
    return true;
}

static gpointer load_half_run(gpointer data)
{
    load_half *h = data;
    hc_lease_table *u = hc_lease_table_new();

    /* A Kea row that deletes a lease moves the last one into its place,
     * which a join of two tables would not repeat: the second half of
     * Kea's file is kept as a log of its rows, replayed in order by the
     * join.  It starts with the file's header, which the first half
     * checks against the columns it ended with.  The table is made here,
     * so that the first pages it touches are cleared on this core. */
    u->log = h->kea;
    u->grow_lock = &h->lock;
    if (h->kea) {
        read_kea_header(u, h->fd);
    }
    if (h->rows) {
        hc__lease_log_borrow(u, h->rows, h->log_cap);
    }
    hc__lease_table_reserve(u, (h->size - h->from) / (h->kea ? 64 : h->rec)
                               + 16,
                            (h->size - h->from) / h->strings + 4096);
    g_mutex_lock(&h->wait_lock);
    h->t = u;
    g_mutex_unlock(&h->wait_lock);
    h->rc = load_range(h->t, h->fd, h->from, UINT64_MAX, NULL, h);
    load_half_publish(h, true);
    return NULL;
}

/* Joins the second half's log (h->t) to t while it is being read: the
 * rows are replayed as the other thread makes them whole, so that the
 * join, which must go in file order, does not wait for the end of the
 * read (it was a sixth of the time of a large read, on one core while the
 * other idled).  Returns the second half's result; t has taken all of its
 * rows when it is 0. */
static int join_while_reading(hc_lease_table *t, load_half *h)
{
    size_t shift = hc__lease_join_begin(t, NULL), done = 0;
    /* The new leases reached the rows of the log not read yet (in the
     * same mapping): the rest waits for the whole log. */
    bool caught_up = false;

    /* The log's rows taken may be written over by the leases. */
    hc__lease_table_claim(t);
    for (;;) {
        size_t ready;
        bool fin;

        g_mutex_lock(&h->wait_lock);
        while (!(fin = g_atomic_int_get(&h->done))
               && (caught_up
                   || (size_t) g_atomic_int_get(&h->ready) == done)) {
            g_cond_wait(&h->more, &h->wait_lock);
        }
        ready = (size_t) g_atomic_int_get(&h->ready);
        g_mutex_unlock(&h->wait_lock);
        if (ready > done && !caught_up) {
            size_t k;

            g_mutex_lock(&h->lock);
            k = hc__lease_join_log(t, h->t->log_rows, done, ready, shift);
            g_mutex_unlock(&h->lock);
            caught_up = k < ready;
            done = k;
        } else if (fin) {
            break;
        }
    }
    if (h->rc == 0) {
        hc__lease_join_log_all(t, h->t->log_rows, done, h->t->log_n, shift);
        hc__lease_join_end(t, h->t, shift);
    }
    return h->rc;
}

/* The first record at or after byte `at` (dhcpd's: "lease" at the start
 * of a line; Kea's: a line), within 64 KiB; 0 when there is none. */
static uint64_t record_start_after(int fd, uint64_t at, bool kea)
{
    char buf[64 << 10];
    ssize_t n = pread(fd, buf, sizeof(buf), (off_t) (at - 1));
    const char *q;

    if (n < 8) {
        return 0;
    }
    q = kea ? memchr(buf, '\n', (size_t) n)
            : memmem(buf, (size_t) n, "\nlease ", 7);
    return q ? at + (uint64_t) (q - buf) : 0;
}

/* The second half's log of Kea's rows is written in t's lease mapping,
 * after room for the first half's leases, where the replay will write
 * the leases of the second half's rows (hc__lease_table_lend()): the
 * sizes are estimated from the rows of the file's first 16 KiB.  Of the
 * 5 MB log of make bench's 240,000 rows, 1.9 MB are then pages the
 * replay writes without the kernel clearing them again (the log's rows
 * are 36 bytes, the leases 60: the log must start that far ahead of
 * them).  An estimate too low costs a copy, never a row. */
static void lend_log(hc_lease_table *t, load_half *h, int fd)
{
    char *buf = g_malloc(16 << 10);
    ssize_t n = pread(fd, buf, 16 << 10, 0);
    size_t lines = 0, row, first, rest;

    for (const char *p = buf, *e = buf + (n > 0 ? n : 0);
         (p = memchr(p, '\n', (size_t) (e - p))); p++) {
        lines++;
    }
    g_free(buf);
    if (lines < 2) {
        return;
    }
    /* Bytes a row (the header is one), and 2 % more rows than that.  No
     * row of Kea's is shorter than 32 bytes (its expire alone is ten
     * digits): blank lines do not make the mapping sixty times the file. */
    row = MAX((size_t) n / lines, (size_t) 32);
    first = (size_t) h->from / row;
    rest = (size_t) (h->size - h->from) / row;
    h->log_cap = MAX(rest + rest / 50, (size_t) (h->size - h->from) / 64) + 16;
    h->rows = hc__lease_table_lend(t, first + first / 50 + 16,
                                   rest + rest / 50 + 16, h->log_cap);
}

int hc_leases_load_split(hc_lease_table *t, const char *path, uint64_t at)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    load_half h = { .fd = fd };
    GThread *th = NULL;
    bool stopped = false, relay, kea;
    uint8_t cols[HC_KEA_MAX_COLS];
    size_t rec, strings, ncols = 0;
    int rc;

    if (fd < 0) {
        return -errno;
    }
    hc_lease_table_reset(t);
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    kea = read_kea_header(t, fd);
    /* Strings are kept in at most as many bytes as they take in the file,
     * and references are 32 bits: a split is for files well below 4 GiB. */
    if (at > 0 && (uint64_t) st.st_size < (1ull << 30)
        && at < (uint64_t) st.st_size) {
        h.from = record_start_after(fd, at, kea);
    }
    /* dhcpd writes about 300 bytes a record, 40 of them strings; Kea
     * about 100, 35 of them strings.  The number of leases sizes the
     * index, which is all touched; the strings and the log of Kea's rows
     * are given room enough not to grow (a growth is an mremap, which
     * stops the other thread's page faults): a page not touched costs
     * nothing. */
    rec = kea ? 100 : 300;
    strings = kea ? 2 : 8;
    /* The columns the second half starts with: the file's header. */
    memcpy(cols, t->kea_cols, t->kea_ncols);
    ncols = t->kea_ncols;
    if (h.from) {
        h.kea = kea;
        h.size = (uint64_t) st.st_size;
        h.rec = rec;
        h.strings = strings;
        if (kea) {
            lend_log(t, &h, fd);
        }
        g_mutex_init(&h.lock);
        g_mutex_init(&h.wait_lock);
        g_cond_init(&h.more);
        th = g_thread_try_new("hc-leases", load_half_run, &h, NULL);
    }
    /* After the second half's thread is started, which takes longest:
     * the first page of the strings is cleared here meanwhile. */
    if (st.st_size > 0) {
        hc__lease_table_reserve(t, (size_t) st.st_size / rec + 16,
                                (size_t) st.st_size / strings + 4096);
    }
    rc = load_range(t, fd, 0, th ? h.from : UINT64_MAX, &stopped, NULL);
    /* A header line in the first half changed the columns (or a long row
     * is being skipped): the second half was read by other ones, and the
     * first reads on instead. */
    relay = stopped && rc == 0 && kea
            && (t->kea_skip || t->kea_ncols != ncols
                || memcmp(t->kea_cols, cols, ncols));
    if (th) {
        if (!stopped || rc < 0 || relay) {
            /* The first half read the whole file (the split point was
             * inside a statement), or failed: the second is not needed. */
            g_atomic_int_set(&h.cancel, 1);
        }
        if (relay) {
            g_thread_join(th);
            hc__lease_table_release(t);
            rc = load_range(t, fd, h.from, UINT64_MAX, NULL, NULL);
        } else if (stopped && rc == 0 && kea) {
            rc = join_while_reading(t, &h);
            g_thread_join(th);
        } else {
            g_thread_join(th);
            if (stopped && rc == 0) {
                rc = h.rc;
                if (rc == 0) {
                    hc__lease_table_append(t, h.t);
                }
            }
        }
    }
    /* The log's writer is done (or never started). */
    hc__lease_table_release(t);
    if (h.from) {
        hc_lease_table_free(h.t);
        g_cond_clear(&h.more);
        g_mutex_clear(&h.wait_lock);
        g_mutex_clear(&h.lock);
    }
    close(fd);
    return rc;
}

/* Below SPLIT_MIN a second thread costs more than it saves.  Above
 * SPLIT_MAX one thread reads: the second half's own table lives next to
 * the whole one until they are joined, half as much memory again, which a
 * file of a million leases cannot afford (128 MB). */
#define SPLIT_MIN (8u << 20)
#define SPLIT_MAX (128u << 20)

/* Where a file of size bytes is split, in percent.  The first half of
 * Kea's file also fills the lease index and replays the second's log as
 * it comes, the second only logs its rows: at 38 % both end together
 * (measured on tests/bench/genkea's file, the log lent by the first
 * table). */
static unsigned split_percent(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char head[8];
    ssize_t n = fd < 0 ? -1 : pread(fd, head, sizeof(head), 0);

    if (fd >= 0) {
        close(fd);
    }
    return n > 0 && hc__kea_detect(head, (size_t) n, true) == 1 ? 38 : 50;
}

int hc_leases_load(hc_lease_table *t, const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && st.st_size >= SPLIT_MIN
        && st.st_size <= SPLIT_MAX) {
        return hc_leases_load_split(t, path, (uint64_t) st.st_size
                                             * split_percent(path) / 100);
    }
    return hc_leases_load_split(t, path, 0);
}
