/* The lease database of ISC dhcpd (dhcpd.leases, as dhcpd 4.4 writes it)
 * or of Kea (its memfile, kea-leases4.csv, as Kea 2.x writes it): a
 * streaming parser into a compact table where the last record for an
 * address wins, and a follower that keeps the table in step with the file
 * while the server appends to it and rewrites it.  Which server wrote a
 * file is told by its first line (Kea's starts with its column header).
 *
 * The table is leases_table.c, dhcpd's parser leases_parse.c, Kea's
 * leases_kea.c, the whole-file loader leases_load.c and the follower
 * leases_follow.c.
 *
 * Everything a lease holds that came from a client (hostname, client id,
 * vendor class, `set` variables) is kept as raw bytes; display code escapes
 * it with hc_escape_append() (hc_lease_str_escaped() does that). */
#ifndef HC_LEASES_H
#define HC_LEASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

typedef enum hc_lease_state {
    HC_LEASE_NONE = 0,     /* no binding state in the record */
    HC_LEASE_FREE,
    HC_LEASE_ACTIVE,
    HC_LEASE_EXPIRED,
    HC_LEASE_RELEASED,
    HC_LEASE_ABANDONED,
    HC_LEASE_RESET,
    HC_LEASE_BACKUP,
    HC_LEASE_BOOTP,
    HC_LEASE_DECLINED,     /* Kea state 1 */
    HC_LEASE_RECLAIMED,    /* Kea state 2, expired-reclaimed: "reclaimed" */
    HC_LEASE_N_STATES
} hc_lease_state;

/* How a lease counts in pool usage, as dhcpd-pools counts it: active is
 * used; free, expired, released and abandoned are "touched"; backup is
 * backup.  A record whose state is none of those (reset, bootp, missing)
 * keeps the class of the record before it for the same address.  Kea's
 * leases count as Kea's statistics count them: default (active) and
 * declined are used ("assigned-addresses"), expired-reclaimed touched; a
 * row with valid_lifetime 0 (Kea's record of a deleted lease, e.g. after
 * a RELEASE) removes the address from the table. */
typedef enum hc_lease_usage {
    HC_USAGE_NONE = 0,
    HC_USAGE_USED,
    HC_USAGE_TOUCHED,
    HC_USAGE_BACKUP,
} hc_lease_usage;

/* Times are seconds since the epoch (UTC) in 32 bits, which keeps a
 * million leases small and lasts until 2106.  0: the statement was absent;
 * HC_LEASE_NEVER: "never". */
#define HC_LEASE_NEVER UINT32_MAX

/* One lease: 60 bytes.  Strings are references into the table's arena
 * (0: absent); read them with hc_lease_str(). */
typedef struct hc_lease {
    uint32_t ip;            /* host byte order */
    uint32_t starts, ends, tstp, tsfp, atsfp, cltt;
    uint32_t hostname;      /* client-hostname */
    uint32_t uid;           /* client identifier bytes, or HC_LEASE_UID_MAC:
                             * read it with hc_lease_uid() */
    uint32_t vclass;        /* set vendor-class-identifier */
    uint32_t extras;        /* other set/option statements, see below */
    uint32_t line;          /* line of the "lease" keyword */
    uint8_t mac[6];
    uint8_t hw_type;        /* 0 none, 1 ethernet, 6 token-ring, 8 fddi */
    uint8_t hw_len;         /* bytes of mac[] that are valid */
    uint8_t state;          /* hc_lease_state */
    uint8_t next_state;
    uint8_t rewind_state;
    uint8_t usage;          /* hc_lease_usage */
} hc_lease;

typedef struct hc_lease_error {
    uint32_t line;
    char *msg;
    /* NULL: the file read; else appended to its name, the older file of
     * a Kea set the error is in (".2", ".1", ".completed"). */
    const char *suffix;
} hc_lease_error;

/* A failover peer's state block ("failover peer NAME state { ... }"). */
typedef struct hc_lease_failover {
    char *name;             /* raw bytes of the peer name, NUL-terminated */
    char my_state[32];
    char partner_state[32];
    uint32_t my_since, partner_since;
    uint32_t mclt;
} hc_lease_failover;

typedef struct hc_lease_table hc_lease_table;

hc_lease_table *hc_lease_table_new(void);
void hc_lease_table_free(hc_lease_table *t);
/* Forgets every lease, error and peer (the file was rewritten). */
void hc_lease_table_reset(hc_lease_table *t);

/* Leases in the order their address first appeared (when Kea deletes a
 * lease, the last one takes its place); index < count. */
size_t hc_lease_table_count(const hc_lease_table *t);
const hc_lease *hc_lease_table_get(const hc_lease_table *t, size_t i);
/* The lease for ip (host order), or NULL. */
const hc_lease *hc_lease_table_find(const hc_lease_table *t, uint32_t ip);
typedef enum hc_lease_format {
    HC_LEASE_FMT_UNKNOWN = 0,   /* nothing read yet */
    HC_LEASE_FMT_DHCPD,
    HC_LEASE_FMT_KEA,
} hc_lease_format;

/* Which server's file the table was read from. */
hc_lease_format hc_lease_table_format(const hc_lease_table *t);

/* Records read, duplicates included. */
size_t hc_lease_table_records(const hc_lease_table *t);
/* Bumped on every change; a view compares it with the one it drew. */
uint64_t hc_lease_table_generation(const hc_lease_table *t);

/* Malformed records (line and reason), oldest first, at most 100 kept;
 * hc_lease_table_n_errors() counts them all. */
const GArray *hc_lease_table_errors(const hc_lease_table *t);
size_t hc_lease_table_n_errors(const hc_lease_table *t);
const GPtrArray *hc_lease_table_failover(const hc_lease_table *t);
/* server-duid bytes (len 0 when absent). */
const uint8_t *hc_lease_table_server_duid(const hc_lease_table *t,
                                          size_t *ret_len);

/* A lease's uid that is not in the arena: the client identifier is type
 * 1 followed by the lease's 6-byte MAC, the form nearly every client
 * sends (a Kea row says so when its client_id is "01:" and its hwaddr). */
#define HC_LEASE_UID_MAC UINT32_MAX

/* The client identifier's bytes of l; NULL with *ret_len 0 when it has
 * none.  buf holds them when they are not in the arena
 * (HC_LEASE_UID_MAC). */
const uint8_t *hc_lease_uid(const hc_lease_table *t, const hc_lease *l,
                            uint8_t buf[7], size_t *ret_len);

/* Bytes of an arena string; NULL with *ret_len 0 when ref is 0. */
const uint8_t *hc_lease_str(const hc_lease_table *t, uint32_t ref,
                            size_t *ret_len);
/* Appends the string, escaped for a terminal, cut at max_cols (0: no cap). */
void hc_lease_str_escaped(GString *out, const hc_lease_table *t,
                          uint32_t ref, size_t max_cols);
/* Walks the extras of a lease: each call gives the next NAME and VALUE
 * ("set NAME = VALUE" or "option NAME VALUE"; the value raw, unquoted).
 * *pos starts at 0; returns false at the end. */
bool hc_lease_extra_next(const hc_lease_table *t, const hc_lease *l,
                         size_t *pos, const uint8_t **name, size_t *name_len,
                         const uint8_t **val, size_t *val_len);

const char *hc_lease_state_name(hc_lease_state s);
/* Parses a state name ("active"); returns -1 when unknown. */
int hc_lease_state_from_name(const char *s);

/* Parses the statements (dhcpd) or rows (Kea) in buf.  Returns the number of bytes consumed
 * (whole statements only) or a negative errno.  Without eof, a statement
 * cut by the end of buf is left unconsumed, for the caller to pass again
 * with what follows; with eof it is reported as truncated.  Malformed
 * records are recorded as errors and skipped; they do not stop the parse.
 * Consecutive calls must pass consecutive bytes of one file. */
ssize_t hc_leases_parse(hc_lease_table *t, const char *buf, size_t len,
                        bool eof);

/* Reads a whole file into t (after resetting it).  0 or a negative errno
 * (t then holds part of the file).  A large file is read in two halves by
 * two threads (see below). */
int hc_leases_load(hc_lease_table *t, const char *path);
/* The same, split at the first record that starts on a line at or after
 * byte at (0: no split): a second thread reads from there while this one
 * reads up to it, and the halves are joined in file order (the rows of
 * Kea's second half are replayed by this thread as the other reads them).
 * The result is the one a sequential read gives, also when the split
 * point turns out to be inside a statement (the first half then reads
 * on). */
int hc_leases_load_split(hc_lease_table *t, const char *path, uint64_t at);
/* Whether two tables hold the same leases (strings compared by value),
 * errors, failover states and server-duid.  For tests. */
bool hc_lease_table_equal(const hc_lease_table *a, const hc_lease_table *b);

/* Follows a lease file: on growth parses only the appended bytes, on a new
 * inode or a shrink (dhcpd's rewrite: a new file renamed over the old)
 * reads it again.  A half-written last record waits for its end. */
typedef struct hc_lease_follower hc_lease_follower;

/* node: NULL to read the file here; else the file is read on that node
 * over ssh through hc_exec (stat, then tail -c +OFFSET for the new bytes).
 * Returns 0 or a negative errno; the file need not exist yet. */
int hc_lease_follower_new(const char *path, const char *node,
                          hc_lease_follower **ret);
void hc_lease_follower_free(hc_lease_follower *f);
/* Looks at the file once.  *ret_changed (may be NULL) tells whether the
 * table changed.  Returns 0 or a negative errno (-ENOENT: no file). */
int hc_lease_follower_poll(hc_lease_follower *f, bool *ret_changed);
hc_lease_table *hc_lease_follower_table(hc_lease_follower *f);
/* Called after a poll that changed the table (the console marks the view
 * dirty). */
void hc_lease_follower_set_listener(hc_lease_follower *f,
                                    void (*fn)(void *), void *data);
/* Counters for tests and the status line: full reads and appended reads
 * done so far, bytes parsed by the last poll. */
void hc_lease_follower_stats(const hc_lease_follower *f, unsigned *ret_loads,
                             unsigned *ret_appends, uint64_t *ret_last_bytes);
/* Bytes at the end of the file that do not yet make a whole statement
 * (dhcpd is writing, or the file ends in a cut record). */
size_t hc_lease_follower_pending(const hc_lease_follower *f);
/* For a one-shot read, after the last poll: the pending bytes are taken
 * as the end of the file, so that a cut last record becomes an error of
 * the table (its line, "truncated record") instead of waiting for more.
 * Returns how many bytes were pending (0: the file ended in a whole
 * statement); pending is 0 afterwards. */
size_t hc_lease_follower_finish(hc_lease_follower *f);
/* The exec (ssh) poll in two halves, for a caller that must not wait on
 * ssh (the console runs the first in a child process):
 * hc_lease_follower_fetch() runs the commands (stat, then tail for what
 * is new) and puts their answer into out; it does not change f and
 * returns 0 or a negative errno (which out also carries).
 * hc_lease_follower_apply() takes that answer, as hc_lease_follower_poll()
 * would; -EAGAIN when f changed since the fetch (then fetch again). */
int hc_lease_follower_fetch(const hc_lease_follower *f, GString *out);
int hc_lease_follower_apply(hc_lease_follower *f, const char *buf, size_t len,
                            bool *ret_changed);
/* The node the file is read on, or NULL (here). */
const char *hc_lease_follower_node(const hc_lease_follower *f);
/* For tests: the exec path (used for ssh) also with node NULL. */
void hc_lease_follower_force_exec(hc_lease_follower *f, bool on);

#endif
