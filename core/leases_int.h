/* What the lease modules share, not part of the API: the table's layout
 * (leases_table.c owns it), the parser's entry point for the loader and
 * the helpers the parser and the follower use to fill a table. */
#ifndef HC_LEASES_INT_H
#define HC_LEASES_INT_H

#include "leases.h"

#include <string.h>

#define MAX_ERRORS 100
#define MAX_STR 65535u
#define HC_KEA_MAX_COLS 32

/* The key is kept in the slot so that a probe touches one cache line. */
typedef struct hc_slot {
    uint32_t ip;
    uint32_t idx;           /* lease index + 1, 0: empty */
} hc_slot;

struct hc_lease_table {
    hc_lease *leases;
    size_t n, cap;
    hc_slot *index;         /* open addressing by address */
    size_t index_cap;       /* power of two */
    char *arena;
    size_t arena_len, arena_cap;
    size_t records;
    uint64_t generation;
    uint32_t line;          /* line at the end of the consumed bytes */
    GArray *errors;         /* hc_lease_error */
    size_t n_errors;
    GPtrArray *failover;    /* hc_lease_failover* */
    uint8_t *duid;
    size_t duid_len;
    GByteArray *extras;     /* scratch for one record's extras */
    /* The arena reference of the extras last stored: a record whose
     * extras are the same bytes shares them (a Kea row's subnet-id is
     * that of thousands of others).  Checked against the arena's bytes
     * before use, so a rolled-back or reset arena cannot mislead it. */
    uint32_t last_extras;
    uint8_t format;         /* hc_lease_format */
    /* Kea: the field of each column of the header, KEA_F_*. */
    uint8_t kea_cols[HC_KEA_MAX_COLS];
    uint8_t kea_ncols;
    /* The errors' hc_lease_error.suffix (a static string), or NULL. */
    const char *err_suffix;
    /* Kea: the rest of a row longer than KEA_MAX_ROW is being skipped. */
    bool kea_skip;
    /* The second half of a split read of Kea's file: every row is kept in
     * log_rows[] in file order, unindexed, a deletion as a row whose state
     * is HC__LOG_DELETED, for the join to replay. */
    bool log;
    struct hc__log_row *log_rows;
    size_t log_n, log_cap;
    /* Held while the log grows (it may move), when another thread reads
     * it meanwhile: a log replayed while it is being written. */
    GMutex *grow_lock;
    /* The log's rows are in another table's lease mapping (lent by
     * hc__lease_table_lend()): never freed or moved here; a log that
     * outgrows them is copied into a mapping of its own. */
    bool log_borrowed;
    /* A table that lent the tail of its lease mapping to another
     * table's log: the whole mapping (freed with the leases while they
     * are in it, apart once they moved out), and while `lent`, the
     * number of leases that fit before the log. */
    void *lend_base;
    size_t lend_size, limit;
    bool lent;
};

/* A row of a log: what a lease read from Kea's row holds (the rest of it
 * is zero, cltt is starts, hw_type is 1 with a MAC).  36 bytes where a
 * lease takes 60: fewer fresh pages for the kernel to clear, fewer bytes
 * for the join to fetch from the other core. */
typedef struct hc__log_row {
    uint32_t ip, starts, ends, hostname, uid, extras, line;
    uint8_t mac[6];
    uint8_t hw_len;
    uint8_t state;          /* hc_lease_state, or HC__LOG_DELETED */
} hc__log_row;

/* In a log: the row deleted the address's lease. */
#define HC__LOG_DELETED 0xff

/* Names of hc_lease_state, indexed by it. */
extern const char *const hc__lease_state_names[HC_LEASE_N_STATES];

/* Eight neighbouring addresses share one 64-byte line of slots, and the
 * groups of eight are scattered by a Fibonacci hash: dhcpd writes a pool
 * mostly in address order, so a full read misses the cache once per eight
 * leases instead of once per lease, while pools cannot pile up into the
 * long runs that make linear probing slow. */
static inline size_t hc__lease_slot_of(uint32_t ip, size_t cap)
{
    unsigned bits = (unsigned) __builtin_ctzll((unsigned long long) cap);
    uint64_t group = ((uint64_t) (ip >> 3) * 0x9e3779b97f4a7c15ull)
                     >> (64 - (bits - 3));

    return (size_t) (group << 3 | (ip & 7));
}

/* The slot of ip: its own, or the empty one where it would go. */
static inline size_t hc__lease_index_lookup(const hc_lease_table *t,
                                            uint32_t ip)
{
    size_t s = hc__lease_slot_of(ip, t->index_cap);

    while (t->index[s].idx && t->index[s].ip != ip) {
        s = (s + 1) & (t->index_cap - 1);
    }
    return s;
}

/* A dotted quad, exactly: four parts of one to three digits, each at
 * most 255 (both servers write it so).  false when [s, s + n) is not one.
 * Part by part, not a character at a time: a row's address is the first
 * thing read of it. */
static inline bool hc__parse_ipv4(const char *s, size_t n, uint32_t *ret)
{
    const char *e = s + n;
    uint32_t ip = 0;

    for (int k = 0; k < 4; k++) {
        unsigned part, d;

        if (s == e || (part = (unsigned) (*s - '0')) > 9) {
            return false;
        }
        s++;
        if (s < e && (d = (unsigned) (*s - '0')) <= 9) {
            part = part * 10 + d;
            s++;
            if (s < e && (d = (unsigned) (*s - '0')) <= 9) {
                part = part * 10 + d;
                s++;
                if (part > 255) {
                    return false;
                }
            }
        }
        ip = ip << 8 | part;
        if (k < 3) {
            if (s == e || *s != '.') {
                return false;
            }
            s++;
        }
    }
    if (s != e) {
        return false;
    }
    *ret = ip;
    return true;
}

/* The value of eight decimal digits at s (the first the most
 * significant), in a few multiplications instead of a chain of eight;
 * false when one of the bytes is not a digit. */
static inline bool hc__parse_digits8(const char *s, uint64_t *ret)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0xf0 * ones;
    uint64_t w;

    memcpy(&w, s, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    /* Every byte 0x30 to 0x39: its high nibble 3, and still 3 with 6
     * added (no byte carries into the next when the first holds). */
    if ((w & highs) != 0x30 * ones || ((w + 6 * ones) & highs) != 0x30 * ones) {
        return false;
    }
    w -= 0x30 * ones;
    w = (w * 10 + (w >> 8)) & 0x00ff00ff00ff00ffull;
    w = (w * 100 + (w >> 16)) & 0x0000ffff0000ffffull;
    *ret = (w * 10000 + (w >> 32)) & 0xffffffffull;
    return true;
}

/* Decimal digits only, at most max; no value wraps past 2^64 into a
 * small one. */
static inline bool hc__parse_uint(const char *s, size_t n, uint64_t max,
                                  uint64_t *ret)
{
    uint64_t v = 0;

    if (!n || n > 20) {
        return false;
    }
    /* Kea's expire is ten digits: eight of them at once.  Nineteen
     * digits always fit in 64 bits, so the check of the twentieth below
     * is left to the byte-wise loop. */
    if (n >= 8 && n <= 19) {
        size_t i = 0;

        for (; n - i >= 8; i += 8) {
            uint64_t d8;

            if (!hc__parse_digits8(s + i, &d8)) {
                return false;
            }
            v = v * 100000000u + d8;
        }
        for (; i < n; i++) {
            unsigned d = (unsigned) (s[i] - '0');

            if (d > 9) {
                return false;
            }
            v = v * 10 + d;
        }
        if (v > max) {
            return false;
        }
        *ret = v;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned) (s[i] - '0');

        /* Nineteen digits always fit in 64 bits; the twentieth may not. */
        if (d > 9 || (i == 19 && v > (UINT64_MAX - d) / 10)) {
            return false;
        }
        v = v * 10 + d;
    }
    if (v > max) {
        return false;
    }
    *ret = v;
    return true;
}

/* Makes room for n more bytes in the arena (it may move). */
void hc__lease_arena_grow(hc_lease_table *t, size_t n);

static inline void hc__lease_arena_reserve(hc_lease_table *t, size_t n)
{
    if (t->arena_len + n > t->arena_cap) {
        hc__lease_arena_grow(t, n);
    }
}

/* Stores n bytes (cut at MAX_STR) as an arena string: its reference, or
 * 0 for none. */
static inline uint32_t hc__lease_arena_put(hc_lease_table *t, const void *s,
                                           size_t n)
{
    size_t ref = t->arena_len;

    if (!n) {
        return 0;
    }
    if (n > MAX_STR) {
        n = MAX_STR;
    }
    hc__lease_arena_reserve(t, n + 2);
    t->arena[ref] = (char) (n & 0xff);
    t->arena[ref + 1] = (char) (n >> 8);
    memcpy(t->arena + ref + 2, s, n);
    t->arena_len = ref + 2 + n;
    return (uint32_t) ref;
}

/* The arena reference of a record's extras (n > 0 bytes): the last ones
 * stored when they are the same bytes (a Kea row's subnet-id is that of
 * thousands of others), else a new string. */
static inline uint32_t hc__lease_extras_ref(hc_lease_table *t, const void *b,
                                            size_t n)
{
    size_t ref = t->last_extras;

    if (ref && ref + 2 + n <= t->arena_len
        && ((size_t) (uint8_t) t->arena[ref]
            | (size_t) (uint8_t) t->arena[ref + 1] << 8) == n) {
        const char *a = t->arena + ref + 2;

        /* A Kea row's subnet-id is 13 bytes or so: two overlapping words
         * cost less than a call to memcmp. */
        if (n >= 8 && n <= 16) {
            uint64_t a0, a1, b0, b1;

            memcpy(&a0, a, 8);
            memcpy(&a1, a + n - 8, 8);
            memcpy(&b0, b, 8);
            memcpy(&b1, (const char *) b + n - 8, 8);
            if (!((a0 ^ b0) | (a1 ^ b1))) {
                return (uint32_t) ref;
            }
        } else if (!memcmp(a, b, n)) {
            return (uint32_t) ref;
        }
    }
    t->last_extras = hc__lease_arena_put(t, b, n);
    return t->last_extras;
}

/* Sizes the table for about n leases and bytes of strings. */
void hc__lease_table_reserve(hc_lease_table *t, size_t n, size_t bytes);

/* Records a malformed record (at most MAX_ERRORS kept, all counted). */
void hc__lease_add_error(hc_lease_table *t, uint32_t line, const char *fmt,
                         ...) G_GNUC_PRINTF(3, 4);

/* Stores one parsed record: the last record for an address wins, a state
 * that does not count keeps the address's old usage.  The scratch extras
 * of the table become the lease's. */
void hc__lease_commit(hc_lease_table *t, hc_lease *l);

/* A record built in place: hc__lease_next() returns the zeroed slot after
 * the last lease (valid until the table changes), which
 * hc__lease_commit_next() then stores as hc__lease_commit() would.  A
 * large read saves the copy of every new lease, and the stall of reading
 * back, as one wide copy, the narrow stores that have just built it. */
hc_lease *hc__lease_next(hc_lease_table *t);
void hc__lease_commit_next(hc_lease_table *t);

void hc__lease_failover_free(hc_lease_failover *p);

/* Removes the lease for ip, if any: the last lease takes its place (in
 * a log, records the deletion instead). */
void hc__lease_remove(hc_lease_table *t, uint32_t ip);

/* Appends u (the rest of a file, read from a record boundary with lines
 * counted from 1 there) to t, as if t had read on; takes u's errors,
 * failover states, server-duid and Kea columns.  A log (u->log) is
 * replayed row by row, deletions included. */
void hc__lease_table_append(hc_lease_table *t, hc_lease_table *u);

/* hc__lease_table_append() in three parts, for a join that replays a log
 * while its rows are still being read (t's own reading done):
 * hc__lease_join_begin() returns the shift by which the references of
 * u's strings grow in t (u: the whole of the rest, or NULL when its
 * strings are not all read yet); hc__lease_join_rows() takes u's rows
 * [a, b) in order; hc__lease_join_end() takes u's strings, errors and the
 * rest, once u is whole and all its rows are taken. */
size_t hc__lease_join_begin(const hc_lease_table *t, const hc_lease_table *u);
void hc__lease_join_rows(hc_lease_table *t, const hc_lease *rows, size_t a,
                         size_t b, size_t shift);
/* The same for the rows of a log (u->log_rows). */
/* The same for the rows of a log (u->log_rows).  Returns the index of
 * the first row not taken, b when all are: a log in t's own lease mapping
 * (lent) stops where the next new lease would be written over a row not
 * taken yet; hc__lease_join_log_all() takes those too, once the log is
 * whole (they are copied aside first). */
size_t hc__lease_join_log(hc_lease_table *t, const hc__log_row *rows,
                          size_t a, size_t b, size_t shift);
void hc__lease_join_log_all(hc_lease_table *t, const hc__log_row *rows,
                            size_t a, size_t b, size_t shift);

/* A split read of Kea's file: the second half's log written where the
 * first half's replay of it will write leases, so that the pages the
 * log's writer has had cleared are the ones the replay writes (not
 * fresh pages a second time).  t (empty) gets a lease mapping of
 * `first` leases (its first half's, estimated) and, after them, room for
 * the rows of the log: log_cap rows, of which about log_est are expected
 * (the log starts where the replay of that many rows catches up with it
 * and no earlier).  Returns the log's rows (NULL: t is not empty); t's leases stay below them
 * (they move out by a copy if there are more) until
 * hc__lease_table_claim(), from which the replay (hc__lease_join_log())
 * may write over the rows it has taken.  hc__lease_table_release(), once
 * the log's writer is done, frees the mapping the leases moved out of. */
hc__log_row *hc__lease_table_lend(hc_lease_table *t, size_t first,
                                  size_t log_est, size_t log_cap);
void hc__lease_table_claim(hc_lease_table *t);
void hc__lease_table_release(hc_lease_table *t);
/* u's log is rows (log_cap rows lent by hc__lease_table_lend()). */
void hc__lease_log_borrow(hc_lease_table *u, hc__log_row *rows,
                          size_t log_cap);
void hc__lease_join_end(hc_lease_table *t, hc_lease_table *u, size_t shift);

/* hc_leases_parse(), which also stops before a top-level statement that
 * starts at byte *stop of buf (*stop is then set to SIZE_MAX - 1).  A
 * statement that runs over *stop sets it to SIZE_MAX: the stop was not a
 * statement boundary, and the parse goes on. */
ssize_t hc__leases_parse_until(hc_lease_table *t, const char *buf,
                               size_t len, bool eof, size_t *stop);

/* Kea's memfile (leases_kea.c), with the same contract as
 * hc__leases_parse_until(); a line starting at *stop is a row boundary. */
ssize_t hc__kea_parse_until(hc_lease_table *t, const char *buf, size_t len,
                            bool eof, size_t *stop);

/* Whether buf (len bytes, all there is when eof) starts as Kea's memfile
 * does ("address,"): 1 yes, 0 no, -1 cannot tell yet. */
int hc__kea_detect(const char *buf, size_t len, bool eof);

/* Takes Kea's column header (one line, without its newline) into t; false
 * when it is not one. */
bool hc__kea_header(hc_lease_table *t, const char *line, size_t len);

#endif
