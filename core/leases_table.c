/* The lease table: 60 bytes a lease, strings in one arena, an
 * open-addressing index by address; the last record for an address wins.
 * The big arrays are anonymous mappings (see big_resize()).  The parsers
 * fill it through leases_int.h; views read it through leases.h. */
#include "leases.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "leases_int.h"
#include "util.h"

const char *const hc__lease_state_names[HC_LEASE_N_STATES] = {
    [HC_LEASE_NONE] = "none",
    [HC_LEASE_FREE] = "free",
    [HC_LEASE_ACTIVE] = "active",
    [HC_LEASE_EXPIRED] = "expired",
    [HC_LEASE_RELEASED] = "released",
    [HC_LEASE_ABANDONED] = "abandoned",
    [HC_LEASE_RESET] = "reset",
    [HC_LEASE_BACKUP] = "backup",
    [HC_LEASE_BOOTP] = "bootp",
    [HC_LEASE_DECLINED] = "declined",
    [HC_LEASE_RECLAIMED] = "reclaimed",
};

const char *hc_lease_state_name(hc_lease_state s)
{
    return (unsigned) s < HC_LEASE_N_STATES ? hc__lease_state_names[s] : "?";
}

int hc_lease_state_from_name(const char *s)
{
    for (int i = 0; i < HC_LEASE_N_STATES; i++) {
        if (!strcmp(s, hc__lease_state_names[i])) {
            return i;
        }
    }
    return -1;
}

/* The three big arrays live in their own mappings: growth is an mremap
 * (no copy), fresh pages are zero, and transparent huge pages save the
 * thousands of page faults that a full read of a large file would take
 * otherwise (they were a fifth of its time). */
#define HUGE ((size_t) 2 << 20)

static void *big_resize(void *p, size_t old_size, size_t size)
{
    void *q;

    size = (size + 4095) & ~(size_t) 4095;
    old_size = (old_size + 4095) & ~(size_t) 4095;
    if (p && size == old_size) {
        return p;
    }
    if (p && old_size < HUGE && size >= HUGE) {
        /* A small array becoming large starts again on a huge page (an
         * mremap would keep its 4 KiB alignment, and the part before the
         * first huge page boundary would fault a page at a time); what
         * it held, less than 2 MiB, is copied. */
        q = big_resize(NULL, 0, size);
        memcpy(q, p, old_size);
        munmap(p, old_size);
        return q;
    }
    if (p) {
        q = mremap(p, old_size, size, MREMAP_MAYMOVE);
        if (q == MAP_FAILED) {
            /* The array is more than one mapping (a join moved the pages
             * of another into it), which mremap cannot resize: a copy. */
            q = big_resize(NULL, 0, size);
            memcpy(q, p, MIN(old_size, size));
            munmap(p, old_size);
            return q;
        }
    } else if (size >= HUGE) {
        /* Aligned on a huge page, or only the aligned middle of the
         * mapping gets huge pages and the rest faults 4 KiB at a time. */
        char *m = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        size_t head;

        if (m == MAP_FAILED) {
            g_error("hacon: out of memory (%zu bytes)", size);
        }
        head = (HUGE - ((uintptr_t) m & (HUGE - 1))) & (HUGE - 1);
        if (head) {
            munmap(m, head);
        }
        munmap(m + head + size, HUGE - head);
        q = m + head;
    } else {
        q = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (q == MAP_FAILED) {
        g_error("hacon: out of memory (%zu bytes)", size);
    }
    if (size >= HUGE) {
        madvise(q, size, MADV_HUGEPAGE);
    }
    return q;
}

static void big_free(void *p, size_t size)
{
    if (p) {
        munmap(p, (size + 4095) & ~(size_t) 4095);
    }
}


hc_lease_table *hc_lease_table_new(void)
{
    hc_lease_table *t = g_new0(hc_lease_table, 1);

    t->errors = g_array_new(FALSE, TRUE, sizeof(hc_lease_error));
    t->failover = g_ptr_array_new();
    t->extras = g_byte_array_new();
    hc_lease_table_reset(t);
    return t;
}

void hc__lease_failover_free(hc_lease_failover *p)
{
    if (p) {
        g_free(p->name);
        g_free(p);
    }
}

void hc_lease_table_reset(hc_lease_table *t)
{
    if (!t->log_borrowed) {
        big_free(t->log_rows, t->log_cap * sizeof(hc__log_row));
    }
    t->log_rows = NULL;
    t->log_n = t->log_cap = 0;
    t->log_borrowed = false;
    if (t->lend_base && t->lend_base != (void *) t->leases) {
        big_free(t->lend_base, t->lend_size);
    }
    t->lend_base = NULL;
    t->lent = false;
    big_free(t->leases, t->cap * sizeof(hc_lease));
    big_free(t->index, t->index_cap * sizeof(hc_slot));
    big_free(t->arena, t->arena_cap);
    t->leases = NULL;
    t->n = t->cap = 0;
    t->index_cap = 1024;
    t->index = big_resize(NULL, 0, t->index_cap * sizeof(hc_slot));
    t->arena_cap = 4096;
    t->arena = big_resize(NULL, 0, t->arena_cap);
    t->arena[0] = 0;
    t->arena_len = 1;       /* reference 0 means "absent" */
    t->last_extras = 0;
    t->records = 0;
    t->line = 1;
    t->generation++;
    for (guint i = 0; i < t->errors->len; i++) {
        g_free(g_array_index(t->errors, hc_lease_error, i).msg);
    }
    g_array_set_size(t->errors, 0);
    t->n_errors = 0;
    for (guint i = 0; i < t->failover->len; i++) {
        hc__lease_failover_free(t->failover->pdata[i]);
    }
    g_ptr_array_set_size(t->failover, 0);
    g_free(t->duid);
    t->duid = NULL;
    t->duid_len = 0;
    t->format = HC_LEASE_FMT_UNKNOWN;
    t->kea_ncols = 0;
    t->kea_skip = false;
    t->err_suffix = NULL;
}

void hc_lease_table_free(hc_lease_table *t)
{
    if (!t) {
        return;
    }
    hc_lease_table_reset(t);
    big_free(t->leases, t->cap * sizeof(hc_lease));
    big_free(t->index, t->index_cap * sizeof(hc_slot));
    big_free(t->arena, t->arena_cap);
    g_array_free(t->errors, TRUE);
    g_ptr_array_free(t->failover, TRUE);
    g_byte_array_free(t->extras, TRUE);
    g_free(t);
}

size_t hc_lease_table_count(const hc_lease_table *t)
{
    return t->n;
}

const hc_lease *hc_lease_table_get(const hc_lease_table *t, size_t i)
{
    return i < t->n ? &t->leases[i] : NULL;
}

hc_lease_format hc_lease_table_format(const hc_lease_table *t)
{
    return (hc_lease_format) t->format;
}

size_t hc_lease_table_records(const hc_lease_table *t)
{
    return t->records;
}

uint64_t hc_lease_table_generation(const hc_lease_table *t)
{
    return t->generation;
}

const GArray *hc_lease_table_errors(const hc_lease_table *t)
{
    return t->errors;
}

size_t hc_lease_table_n_errors(const hc_lease_table *t)
{
    return t->n_errors;
}

const GPtrArray *hc_lease_table_failover(const hc_lease_table *t)
{
    return t->failover;
}

const uint8_t *hc_lease_table_server_duid(const hc_lease_table *t,
                                          size_t *ret_len)
{
    *ret_len = t->duid_len;
    return t->duid;
}

const hc_lease *hc_lease_table_find(const hc_lease_table *t, uint32_t ip)
{
    size_t s = hc__lease_index_lookup(t, ip);

    return t->index[s].idx ? &t->leases[t->index[s].idx - 1] : NULL;
}

static void index_resize(hc_lease_table *t, size_t cap)
{
    big_free(t->index, t->index_cap * sizeof(hc_slot));
    t->index = big_resize(NULL, 0, cap * sizeof(hc_slot));
    t->index_cap = cap;
    for (size_t i = 0; i < t->n; i++) {
        size_t s = hc__lease_index_lookup(t, t->leases[i].ip);

        t->index[s] = (hc_slot) { t->leases[i].ip, (uint32_t) i + 1 };
    }
}

/* Makes room for one more lease. */
static void lease_grow(hc_lease_table *t)
{
    if (t->lent && t->n == t->limit) {
        /* The rest of the mapping holds another thread's log, which an
         * mremap would take along: the leases move out by a copy. */
        size_t cap = t->limit * 2 + 1024;
        hc_lease *q = big_resize(NULL, 0, cap * sizeof(hc_lease));

        memcpy(q, t->leases, t->n * sizeof(hc_lease));
        t->leases = q;
        t->cap = cap;
        t->lent = false;
        return;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;

        t->leases = big_resize(t->leases, t->cap * sizeof(hc_lease),
                               cap * sizeof(hc_lease));
        t->cap = cap;
    }
}

/* The next row of a log, not counted yet. */
static hc__log_row *log_next(hc_lease_table *t)
{
    if (t->log_n == t->log_cap) {
        size_t cap = t->log_cap ? t->log_cap * 2 : 1024;

        if (t->grow_lock) {
            g_mutex_lock(t->grow_lock);
        }
        if (t->log_borrowed) {
            /* Rows in another table's mapping: copied into one of its
             * own (the other table's leases may take their place). */
            hc__log_row *q = big_resize(NULL, 0, cap * sizeof(hc__log_row));

            memcpy(q, t->log_rows, t->log_n * sizeof(hc__log_row));
            t->log_rows = q;
            t->log_borrowed = false;
        } else {
            t->log_rows = big_resize(t->log_rows,
                                     t->log_cap * sizeof(hc__log_row),
                                     cap * sizeof(hc__log_row));
        }
        t->log_cap = cap;
        if (t->grow_lock) {
            g_mutex_unlock(t->grow_lock);
        }
    }
    return &t->log_rows[t->log_n];
}

void hc__lease_remove(hc_lease_table *t, uint32_t ip)
{
    size_t mask = t->index_cap - 1;
    size_t s, i, j;
    uint32_t idx;

    if (t->log) {
        *log_next(t) = (hc__log_row) { .ip = ip, .state = HC__LOG_DELETED };
        t->log_n++;
        return;
    }
    s = hc__lease_index_lookup(t, ip);
    if (!t->index[s].idx) {
        return;
    }
    idx = t->index[s].idx - 1;
    if (idx != t->n - 1) {
        /* The last lease moves into the hole; its slot follows it. */
        size_t ls = hc__lease_index_lookup(t, t->leases[t->n - 1].ip);

        t->leases[idx] = t->leases[t->n - 1];
        t->index[ls].idx = idx + 1;
    }
    t->n--;
    /* Linear probing without tombstones: the entries after the hole that
     * could not sit in their home slot move back into it (Knuth's
     * algorithm R). */
    i = s;
    for (j = (i + 1) & mask; t->index[j].idx; j = (j + 1) & mask) {
        size_t home = hc__lease_slot_of(t->index[j].ip, t->index_cap);

        /* Moves when home is not cyclically in (i, j]. */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            t->index[i] = t->index[j];
            i = j;
        }
    }
    t->index[i] = (hc_slot) { 0, 0 };
    t->generation++;
}

/* Sizes the table for about n leases and bytes of strings, so that a
 * full read does not grow (and copy) its arrays step by step. */
void hc__lease_table_reserve(hc_lease_table *t, size_t n, size_t bytes)
{
    size_t cap = t->index_cap;

    if (t->log) {
        if (n > t->log_cap && !t->log_borrowed) {
            t->log_rows = big_resize(t->log_rows,
                                     t->log_cap * sizeof(hc__log_row),
                                     n * sizeof(hc__log_row));
            t->log_cap = n;
        }
    } else if (n > t->cap && !t->lend_base) {
        t->leases = big_resize(t->leases, t->cap * sizeof(hc_lease),
                               n * sizeof(hc_lease));
        t->cap = n;
    }
    /* A log is not indexed. */
    while (!t->log && cap < n * 2) {
        cap *= 2;
    }
    if (cap != t->index_cap) {
        index_resize(t, cap);
    }
    if (bytes > t->arena_cap) {
        t->arena = big_resize(t->arena, t->arena_cap, bytes);
        t->arena_cap = bytes;
    }
}

void hc__lease_add_error(hc_lease_table *t, uint32_t line, const char *fmt,
                         ...)
{
    t->n_errors++;
    if (t->errors->len < MAX_ERRORS) {
        hc_lease_error e = { .line = line };
        va_list ap;

        va_start(ap, fmt);
        e.msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        e.suffix = t->err_suffix;
        g_array_append_val(t->errors, e);
    }
}

const uint8_t *hc_lease_str(const hc_lease_table *t, uint32_t ref,
                            size_t *ret_len)
{
    const uint8_t *p;

    if (!ref || (size_t) ref + 2 > t->arena_len) {
        *ret_len = 0;
        return NULL;
    }
    p = (const uint8_t *) t->arena + ref;
    *ret_len = (size_t) p[0] | (size_t) p[1] << 8;
    return p + 2;
}

const uint8_t *hc_lease_uid(const hc_lease_table *t, const hc_lease *l,
                            uint8_t buf[7], size_t *ret_len)
{
    if (l->uid == HC_LEASE_UID_MAC) {
        buf[0] = 1;
        memcpy(buf + 1, l->mac, 6);
        *ret_len = 7;
        return buf;
    }
    return hc_lease_str(t, l->uid, ret_len);
}

void hc_lease_str_escaped(GString *out, const hc_lease_table *t, uint32_t ref,
                          size_t max_cols)
{
    size_t n;
    const uint8_t *s = hc_lease_str(t, ref, &n);

    if (s) {
        hc_escape_append(out, (const char *) s, n, max_cols);
    }
}

bool hc_lease_extra_next(const hc_lease_table *t, const hc_lease *l,
                         size_t *pos, const uint8_t **name, size_t *name_len,
                         const uint8_t **val, size_t *val_len)
{
    size_t n;
    const uint8_t *b = hc_lease_str(t, l->extras, &n);

    if (!b || *pos + 3 > n) {
        return false;
    }
    *name_len = b[*pos];
    *name = b + *pos + 1;
    *pos += 1 + *name_len;
    if (*pos + 2 > n) {
        return false;
    }
    *val_len = (size_t) b[*pos] | (size_t) b[*pos + 1] << 8;
    *val = b + *pos + 2;
    *pos += 2 + *val_len;
    return *pos <= n;
}

void hc__lease_arena_grow(hc_lease_table *t, size_t n)
{
    size_t cap = t->arena_cap;

    while (t->arena_len + n > cap) {
        cap *= 2;
    }
    t->arena = big_resize(t->arena, t->arena_cap, cap);
    t->arena_cap = cap;
}

/* Puts l in the table: in place of the address's lease, or after the
 * last one.  l may be the slot after the last lease (hc__lease_next()). */
static void lease_store(hc_lease_table *t, const hc_lease *l)
{
    size_t s = hc__lease_index_lookup(t, l->ip);

    if (t->index[s].idx) {
        hc_lease *old = &t->leases[t->index[s].idx - 1];
        uint8_t usage = old->usage;

        *old = *l;
        /* dhcpd-pools ignores states it does not know: the address keeps
         * the class it had. */
        if (l->usage == HC_USAGE_NONE) {
            old->usage = usage;
        }
        return;
    }
    lease_grow(t);
    if (l != &t->leases[t->n]) {
        t->leases[t->n] = *l;
    }
    t->index[s] = (hc_slot) { l->ip, (uint32_t) ++t->n };
    if (t->n * 2 > t->index_cap) {
        index_resize(t, t->index_cap * 2);
    }
}

/* A record's usage by its state. */
static void lease_prepare_usage(hc_lease *l)
{
    switch (l->state) {
    case HC_LEASE_ACTIVE:
    case HC_LEASE_DECLINED:     /* Kea counts them as assigned */
        l->usage = HC_USAGE_USED;
        break;
    case HC_LEASE_FREE:
    case HC_LEASE_EXPIRED:
    case HC_LEASE_RELEASED:
    case HC_LEASE_ABANDONED:
    case HC_LEASE_RECLAIMED:
        l->usage = HC_USAGE_TOUCHED;
        break;
    case HC_LEASE_BACKUP:
        l->usage = HC_USAGE_BACKUP;
        break;
    default:
        l->usage = HC_USAGE_NONE;
        break;
    }
}

/* A record's usage, its extras from the table's scratch. */
static void lease_prepare(hc_lease_table *t, hc_lease *l)
{
    lease_prepare_usage(l);
    if (t->extras->len) {
        l->extras = hc__lease_extras_ref(t, t->extras->data, t->extras->len);
    }
    t->records++;
    t->generation++;
}

/* A log's row of a lease read from Kea's row, written field by field
 * (a copy of a row built aside would wait on its narrow stores). */
static void log_lease(hc_lease_table *t, const hc_lease *l)
{
    hc__log_row *r = log_next(t);

    r->ip = l->ip;
    r->starts = l->starts;
    r->ends = l->ends;
    r->hostname = l->hostname;
    r->uid = l->uid;
    r->extras = l->extras;
    r->line = l->line;
    memcpy(r->mac, l->mac, sizeof(r->mac));
    r->hw_len = l->hw_len;
    r->state = l->state;
    t->log_n++;
}

void hc__lease_commit(hc_lease_table *t, hc_lease *l)
{
    lease_prepare(t, l);
    if (t->log) {
        log_lease(t, l);
        return;
    }
    lease_store(t, l);
}

hc_lease *hc__lease_next(hc_lease_table *t)
{
    hc_lease *l;

    lease_grow(t);
    l = &t->leases[t->n];
    memset(l, 0, sizeof(*l));
    return l;
}

void hc__lease_commit_next(hc_lease_table *t)
{
    hc_lease *l = &t->leases[t->n];

    lease_prepare(t, l);
    if (t->log) {
        log_lease(t, l);
        return;
    }
    lease_store(t, l);
}

/* Places u's strings in t's arena so that a reference r of u's is
 * r + shift in t's (shift from hc__lease_join_begin()).  The pages of
 * u's arena are moved into t's mapping (mremap(2): no copy, and no fresh
 * pages to clear, which for megabytes of strings was a fifth of the
 * join) when shift is a page past t's strings; else a copy. */
static void arena_take(hc_lease_table *t, hc_lease_table *u, size_t shift)
{
    size_t usize = (u->arena_cap + 4095) & ~(size_t) 4095;

    if (!(shift & 4095) && shift >= t->arena_len
        && shift + usize <= UINT32_MAX) {
        t->arena = big_resize(t->arena, t->arena_cap, shift + usize);
        t->arena_cap = shift + usize;
        if (mremap(u->arena, usize, usize, MREMAP_MAYMOVE | MREMAP_FIXED,
                   t->arena + shift) == t->arena + shift) {
            u->arena = NULL;
            u->arena_cap = 0;
            t->arena_len = shift + u->arena_len;
            return;
        }
    }
    if (shift + u->arena_len > t->arena_len) {
        hc__lease_arena_reserve(t, shift + u->arena_len - t->arena_len);
    }
    memcpy(t->arena + shift + 1, u->arena + 1, u->arena_len - 1);
    t->arena_len = shift + u->arena_len;
}

size_t hc__lease_join_begin(const hc_lease_table *t, const hc_lease_table *u)
{
    size_t at = (t->arena_len + 4095) & ~(size_t) 4095;

    if (u && at + ((u->arena_cap + 4095) & ~(size_t) 4095) > UINT32_MAX) {
        /* References are 32 bits: u's strings copied right after t's. */
        return t->arena_len - 1;
    }
    return at;
}

/* The join's prefetches: the index slot of ip, and the lease that slot
 * holds when it holds ip (written soon: fetched for writing, both of
 * its cache lines).  Always inlined: GCC takes a function that only
 * prefetches for one without effect, and drops every call to it when it
 * is not inlined (which a plain "inline" leaves to it). */
static inline __attribute__((always_inline)) void
join_prefetch_slot(const hc_lease_table *t, uint32_t ip)
{
    __builtin_prefetch(&t->index[hc__lease_slot_of(ip, t->index_cap)]);
}

static inline __attribute__((always_inline)) void
join_prefetch_lease(const hc_lease_table *t, uint32_t ip)
{
    const hc_slot *sl = &t->index[hc__lease_slot_of(ip, t->index_cap)];

    if (sl->idx && sl->ip == ip) {
        const char *old = (const char *) &t->leases[sl->idx - 1];

        __builtin_prefetch(old, 1);
        __builtin_prefetch(old + sizeof(hc_lease) - 1, 1);
    }
}

void hc__lease_join_rows(hc_lease_table *t, const hc_lease *rows, size_t a,
                         size_t b, size_t shift)
{
    uint32_t lines = t->line - 1;

    for (size_t i = a; i < b; i++) {
        hc_lease l = rows[i];

        /* A slot and the lease it points to are two cache misses in a
         * large table (a renewal of an address from anywhere in the
         * file): the slot is fetched sixteen leases ahead, and eight
         * ahead, when it is there, the lease. */
        if (i + 16 < b) {
            join_prefetch_slot(t, rows[i + 16].ip);
        }
        if (i + 8 < b) {
            join_prefetch_lease(t, rows[i + 8].ip);
        }
        l.line += lines;
        l.hostname += l.hostname ? (uint32_t) shift : 0;
        l.uid += l.uid && l.uid != HC_LEASE_UID_MAC ? (uint32_t) shift : 0;
        l.vclass += l.vclass ? (uint32_t) shift : 0;
        l.extras += l.extras ? (uint32_t) shift : 0;
        lease_store(t, &l);
    }
}

size_t hc__lease_join_log(hc_lease_table *t, const hc__log_row *rows,
                          size_t a, size_t b, size_t shift)
{
    uint32_t lines = t->line - 1;
    /* The log in the lease mapping (lent): new leases are written over
     * the rows already taken, never over one still to come. */
    bool inplace = (const char *) rows >= (const char *) t->leases
                   && (const char *) rows < (const char *) (t->leases
                                                            + t->cap);

    for (size_t i = a; i < b; i++) {
        /* A copy: the lease may be written over the row itself. */
        const hc__log_row row = rows[i], *r = &row;
        hc_lease *l;
        size_t s;
        bool fresh;

        /* As in hc__lease_join_rows(). */
        if (i + 16 < b) {
            join_prefetch_slot(t, rows[i + 16].ip);
        }
        if (i + 8 < b) {
            join_prefetch_lease(t, rows[i + 8].ip);
        }
        if (r->state == HC__LOG_DELETED) {
            hc__lease_remove(t, r->ip);
            continue;
        }
        /* lease_store(), with the lease written in its place field by
         * field: a lease built aside and copied whole would wait on the
         * narrow stores that built it.  A Kea state always counts, so
         * the row replaces the whole of an old lease. */
        s = hc__lease_index_lookup(t, r->ip);
        fresh = !t->index[s].idx;
        if (fresh) {
            if (inplace && (const char *) &t->leases[t->n + 1]
                           > (const char *) &rows[i + 1]) {
                return i;
            }
            lease_grow(t);
            l = &t->leases[t->n];
            t->index[s] = (hc_slot) { r->ip, (uint32_t) ++t->n };
        } else {
            l = &t->leases[t->index[s].idx - 1];
        }
        l->ip = r->ip;
        l->starts = l->cltt = r->starts;
        l->ends = r->ends;
        l->tstp = l->tsfp = l->atsfp = 0;
        l->hostname = r->hostname ? r->hostname + (uint32_t) shift : 0;
        l->uid = r->uid && r->uid != HC_LEASE_UID_MAC
                 ? r->uid + (uint32_t) shift : r->uid;
        l->vclass = 0;
        l->extras = r->extras ? r->extras + (uint32_t) shift : 0;
        l->line = r->line + lines;
        memcpy(l->mac, r->mac, sizeof(l->mac));
        l->hw_type = r->hw_len ? 1 : 0;
        l->hw_len = r->hw_len;
        l->state = r->state;
        l->next_state = l->rewind_state = 0;
        lease_prepare_usage(l);
        if (fresh && t->n * 2 > t->index_cap) {
            index_resize(t, t->index_cap * 2);
        }
    }
    return b;
}

void hc__lease_join_log_all(hc_lease_table *t, const hc__log_row *rows,
                            size_t a, size_t b, size_t shift)
{
    size_t k = hc__lease_join_log(t, rows, a, b, shift);

    if (k < b) {
        /* The leases reached the rows still to take: those are copied
         * aside (the log is whole), then taken. */
        hc__log_row *rest = g_memdup2(rows + k, (b - k) * sizeof(*rows));

        hc__lease_join_log(t, rest, 0, b - k, shift);
        g_free(rest);
    }
}

static size_t page_up(size_t n)
{
    return (n + 4095) & ~(size_t) 4095;
}

hc__log_row *hc__lease_table_lend(hc_lease_table *t, size_t first,
                                  size_t log_est, size_t log_cap)
{
    /* The replay writes the lease of its row j at most at first + j, 60
     * bytes a lease, while row j + 1 of the log (36 bytes a row) must
     * stay whole: the log starts 60 first + 24 log_est bytes in. */
    size_t at = page_up(first * sizeof(hc_lease)
                        + log_est * (sizeof(hc_lease) - sizeof(hc__log_row)));
    size_t size = at + page_up(log_cap * sizeof(hc__log_row));

    if (t->n || t->lend_base) {
        return NULL;        /* only an empty table lends */
    }
    big_free(t->leases, t->cap * sizeof(hc_lease));
    t->leases = big_resize(NULL, 0, size);
    t->cap = size / sizeof(hc_lease);
    t->limit = at / sizeof(hc_lease);
    t->lend_base = t->leases;
    t->lend_size = size;
    t->lent = true;
    return (hc__log_row *) (void *) ((char *) t->leases + at);
}

void hc__lease_table_claim(hc_lease_table *t)
{
    t->lent = false;
}

void hc__lease_table_release(hc_lease_table *t)
{
    t->lent = false;
    if (t->lend_base && t->lend_base != (void *) t->leases) {
        big_free(t->lend_base, t->lend_size);
    }
    t->lend_base = NULL;
}

void hc__lease_log_borrow(hc_lease_table *u, hc__log_row *rows,
                          size_t log_cap)
{
    if (!u->log_borrowed) {
        big_free(u->log_rows, u->log_cap * sizeof(hc__log_row));
    }
    u->log_rows = rows;
    u->log_cap = log_cap;
    u->log_n = 0;
    u->log_borrowed = true;
}

void hc__lease_table_append(hc_lease_table *t, hc_lease_table *u)
{
    size_t shift = hc__lease_join_begin(t, u);

    if (u->log) {
        hc__lease_table_reserve(t, t->n + u->log_n, 0);
        hc__lease_join_log_all(t, u->log_rows, 0, u->log_n, shift);
    } else {
        hc__lease_table_reserve(t, t->n + u->n, 0);
        hc__lease_join_rows(t, u->leases, 0, u->n, shift);
    }
    hc__lease_join_end(t, u, shift);
}

void hc__lease_join_end(hc_lease_table *t, hc_lease_table *u, size_t shift)
{
    uint32_t lines = t->line - 1;

    arena_take(t, u, shift);
    t->records += u->records;
    for (guint i = 0; i < u->errors->len; i++) {
        hc_lease_error *e = &g_array_index(u->errors, hc_lease_error, i);

        if (t->errors->len < MAX_ERRORS) {
            hc_lease_error c = { .line = e->line + lines, .msg = e->msg };

            g_array_append_val(t->errors, c);
        } else {
            g_free(e->msg);
        }
    }
    g_array_set_size(u->errors, 0);
    t->n_errors += u->n_errors;
    for (guint i = 0; i < u->failover->len; i++) {
        hc_lease_failover *fo = u->failover->pdata[i];
        guint j;

        for (j = 0; j < t->failover->len; j++) {
            hc_lease_failover *o = t->failover->pdata[j];

            if (!strcmp(o->name, fo->name)) {
                hc__lease_failover_free(o);
                t->failover->pdata[j] = fo;
                break;
            }
        }
        if (j == t->failover->len) {
            g_ptr_array_add(t->failover, fo);
        }
    }
    g_ptr_array_set_size(u->failover, 0);
    if (u->duid) {
        g_free(t->duid);
        t->duid = u->duid;
        t->duid_len = u->duid_len;
        u->duid = NULL;
    }
    if (u->format == HC_LEASE_FMT_KEA) {
        memcpy(t->kea_cols, u->kea_cols, u->kea_ncols);
        t->kea_ncols = u->kea_ncols;
        t->kea_skip = u->kea_skip;
    }
    t->line = u->line + lines;
    t->generation++;
}

static bool bytes_equal(const uint8_t *sa, size_t na, const uint8_t *sb,
                        size_t nb)
{
    return !sa == !sb && na == nb && (!na || !memcmp(sa, sb, na));
}

static bool uid_equal(const hc_lease_table *a, const hc_lease *x,
                      const hc_lease_table *b, const hc_lease *y)
{
    uint8_t bx[7], by[7];
    size_t nx, ny;
    const uint8_t *sx = hc_lease_uid(a, x, bx, &nx);
    const uint8_t *sy = hc_lease_uid(b, y, by, &ny);

    return bytes_equal(sx, nx, sy, ny);
}

static bool str_equal(const hc_lease_table *a, uint32_t ra,
                      const hc_lease_table *b, uint32_t rb)
{
    size_t na, nb;
    const uint8_t *sa = hc_lease_str(a, ra, &na);
    const uint8_t *sb = hc_lease_str(b, rb, &nb);

    return bytes_equal(sa, na, sb, nb);
}

bool hc_lease_table_equal(const hc_lease_table *a, const hc_lease_table *b)
{
    if (a->n != b->n || a->records != b->records || a->line != b->line
        || a->n_errors != b->n_errors || a->errors->len != b->errors->len
        || a->failover->len != b->failover->len
        || a->duid_len != b->duid_len || !a->duid != !b->duid
        || (a->duid_len && memcmp(a->duid, b->duid, a->duid_len))) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        hc_lease x = a->leases[i], y = b->leases[i];

        if (!str_equal(a, x.hostname, b, y.hostname)
            || !uid_equal(a, &x, b, &y)
            || !str_equal(a, x.vclass, b, y.vclass)
            || !str_equal(a, x.extras, b, y.extras)) {
            return false;
        }
        x.hostname = x.uid = x.vclass = x.extras = 0;
        y.hostname = y.uid = y.vclass = y.extras = 0;
        if (memcmp(&x, &y, sizeof(x))) {
            return false;
        }
    }
    for (guint i = 0; i < a->errors->len; i++) {
        const hc_lease_error *x = &g_array_index(a->errors, hc_lease_error, i);
        const hc_lease_error *y = &g_array_index(b->errors, hc_lease_error, i);

        if (x->line != y->line || strcmp(x->msg, y->msg)
            || g_strcmp0(x->suffix, y->suffix)) {
            return false;
        }
    }
    for (guint i = 0; i < a->failover->len; i++) {
        const hc_lease_failover *x = a->failover->pdata[i];
        const hc_lease_failover *y = b->failover->pdata[i];

        if (strcmp(x->name, y->name) || strcmp(x->my_state, y->my_state)
            || strcmp(x->partner_state, y->partner_state)
            || x->my_since != y->my_since
            || x->partner_since != y->partner_since || x->mclt != y->mclt) {
            return false;
        }
    }
    return true;
}
