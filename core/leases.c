/* dhcpd.leases: a hand-written scanner over the caller's buffer (no
 * regex, no per-line allocation), a compact table (60 bytes a lease,
 * strings in one arena, an open-addressing index by address) and a
 * follower for a file that dhcpd appends to and rewrites.
 *
 * The grammar is dhcpd 4.4's (common/parse.c, server/db.c write it): a
 * sequence of top-level statements, each ending in ';' or a braced block.
 * Strings never span lines in what dhcpd writes (it escapes every control
 * byte as \ooo), so a newline ends a bad string: a broken record costs one
 * error, not the rest of the file. */
#include "leases.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "util.h"

#define MAX_ERRORS 100
#define MAX_STR 65535u

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
};

static const char *const state_names[HC_LEASE_N_STATES] = {
    [HC_LEASE_NONE] = "none",
    [HC_LEASE_FREE] = "free",
    [HC_LEASE_ACTIVE] = "active",
    [HC_LEASE_EXPIRED] = "expired",
    [HC_LEASE_RELEASED] = "released",
    [HC_LEASE_ABANDONED] = "abandoned",
    [HC_LEASE_RESET] = "reset",
    [HC_LEASE_BACKUP] = "backup",
    [HC_LEASE_BOOTP] = "bootp",
};

const char *hc_lease_state_name(hc_lease_state s)
{
    return (unsigned) s < HC_LEASE_N_STATES ? state_names[s] : "?";
}

int hc_lease_state_from_name(const char *s)
{
    for (int i = 0; i < HC_LEASE_N_STATES; i++) {
        if (!strcmp(s, state_names[i])) {
            return i;
        }
    }
    return -1;
}

static int state_from_token(const char *s, size_t n)
{
    int i;

    /* By first letter: this runs three times per record. */
    switch (s[0]) {
    case 'a': i = n == 6 ? HC_LEASE_ACTIVE : HC_LEASE_ABANDONED; break;
    case 'f': i = HC_LEASE_FREE; break;
    case 'e': i = HC_LEASE_EXPIRED; break;
    case 'r': i = n == 5 ? HC_LEASE_RESET : HC_LEASE_RELEASED; break;
    case 'b': i = n == 6 ? HC_LEASE_BACKUP : HC_LEASE_BOOTP; break;
    default: return -1;
    }
    return strlen(state_names[i]) == n && !memcmp(s, state_names[i], n)
           ? i : -1;
}

/* ---- table ---- */

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
    if (p) {
        q = mremap(p, old_size, size, MREMAP_MAYMOVE);
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

static void failover_free(hc_lease_failover *p)
{
    if (p) {
        g_free(p->name);
        g_free(p);
    }
}

void hc_lease_table_reset(hc_lease_table *t)
{
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
    t->records = 0;
    t->line = 1;
    t->generation++;
    for (guint i = 0; i < t->errors->len; i++) {
        g_free(g_array_index(t->errors, hc_lease_error, i).msg);
    }
    g_array_set_size(t->errors, 0);
    t->n_errors = 0;
    for (guint i = 0; i < t->failover->len; i++) {
        failover_free(t->failover->pdata[i]);
    }
    g_ptr_array_set_size(t->failover, 0);
    g_free(t->duid);
    t->duid = NULL;
    t->duid_len = 0;
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

/* Eight neighbouring addresses share one 64-byte line of slots, and the
 * groups of eight are scattered by a Fibonacci hash: dhcpd writes a pool
 * mostly in address order, so a full read misses the cache once per eight
 * leases instead of once per lease, while pools cannot pile up into the
 * long runs that make linear probing slow. */
static inline size_t slot_of(uint32_t ip, size_t cap)
{
    unsigned bits = (unsigned) __builtin_ctzll((unsigned long long) cap);
    uint64_t group = ((uint64_t) (ip >> 3) * 0x9e3779b97f4a7c15ull)
                     >> (64 - (bits - 3));

    return (size_t) (group << 3 | (ip & 7));
}

static size_t index_lookup(const hc_lease_table *t, uint32_t ip)
{
    size_t s = slot_of(ip, t->index_cap);

    while (t->index[s].idx && t->index[s].ip != ip) {
        s = (s + 1) & (t->index_cap - 1);
    }
    return s;
}

const hc_lease *hc_lease_table_find(const hc_lease_table *t, uint32_t ip)
{
    size_t s = index_lookup(t, ip);

    return t->index[s].idx ? &t->leases[t->index[s].idx - 1] : NULL;
}

static void index_resize(hc_lease_table *t, size_t cap)
{
    big_free(t->index, t->index_cap * sizeof(hc_slot));
    t->index = big_resize(NULL, 0, cap * sizeof(hc_slot));
    t->index_cap = cap;
    for (size_t i = 0; i < t->n; i++) {
        size_t s = index_lookup(t, t->leases[i].ip);

        t->index[s] = (hc_slot) { t->leases[i].ip, (uint32_t) i + 1 };
    }
}

/* Sizes the table for about n leases and bytes of strings, so that a
 * full read does not grow (and copy) its arrays step by step. */
static void table_reserve(hc_lease_table *t, size_t n, size_t bytes)
{
    size_t cap = t->index_cap;

    if (n > t->cap) {
        t->leases = big_resize(t->leases, t->cap * sizeof(hc_lease),
                               n * sizeof(hc_lease));
        t->cap = n;
    }
    while (cap < n * 2) {
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

static void add_error(hc_lease_table *t, uint32_t line, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void add_error(hc_lease_table *t, uint32_t line, const char *fmt, ...)
{
    t->n_errors++;
    if (t->errors->len < MAX_ERRORS) {
        hc_lease_error e = { .line = line };
        va_list ap;

        va_start(ap, fmt);
        e.msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_array_append_val(t->errors, e);
    }
}

const uint8_t *hc_lease_str(const hc_lease_table *t, uint32_t ref,
                            size_t *ret_len)
{
    const uint8_t *p;

    if (!ref || ref + 2 > t->arena_len) {
        *ret_len = 0;
        return NULL;
    }
    p = (const uint8_t *) t->arena + ref;
    *ret_len = (size_t) p[0] | (size_t) p[1] << 8;
    return p + 2;
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

static void arena_reserve(hc_lease_table *t, size_t n)
{
    if (t->arena_len + n > t->arena_cap) {
        size_t cap = t->arena_cap;

        while (t->arena_len + n > cap) {
            cap *= 2;
        }
        t->arena = big_resize(t->arena, t->arena_cap, cap);
        t->arena_cap = cap;
    }
}

/* ---- scanner ---- */

enum {
    T_MORE = 0,     /* the buffer ended inside or before the token */
    T_END,          /* end of input (eof) */
    T_WORD,
    T_STR,          /* s, n: the raw bytes between the quotes */
    T_LBRACE,
    T_RBRACE,
    T_SEMI,
    T_EQ,
    T_COMMA,
    T_BADSTR,       /* a newline before the closing quote */
};

typedef struct lexer {
    const char *p, *end, *base;
    uint32_t line;
    bool eof;
    /* Dates read fast, by the last digit of the day: "YYYY/MM/DD" and its
     * day number.  Most dates in a file repeat one of a few days. */
    char date_key[10][10];
    int64_t date_days[10];
} lexer;

typedef struct tok {
    int type;
    const char *s;
    size_t n;
} tok;

/* 1: ends a word. */
static const uint8_t word_end[256] = {
    [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1,
    [';'] = 1, ['{'] = 1, ['}'] = 1, ['"'] = 1, ['='] = 1, [','] = 1,
    [0] = 1,
};

static int next(lexer *lx, tok *t)
{
    const char *p = lx->p, *end = lx->end;

    t->n = 0;
    for (;;) {
        if (p >= end) {
            lx->p = t->s = p;
            return t->type = lx->eof ? T_END : T_MORE;
        }
        if (*p == '\n') {
            lx->line++;
            p++;
        } else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v'
                   || *p == '\f' || *p == 0) {
            /* NUL counts as blank: a crash can leave zero-filled blocks
             * at the end of the file.  Such blocks are skipped a word at
             * a time. */
            p++;
            while (end - p >= 8) {
                uint64_t w;

                memcpy(&w, p, 8);
                if (w) {
                    break;
                }
                p += 8;
            }
        } else if (*p == '#') {
            const char *nl = memchr(p, '\n', (size_t) (end - p));

            if (!nl) {
                /* A comment cut by the buffer waits; at the end of the
                 * file it is all read. */
                lx->p = t->s = lx->eof ? end : p;
                return t->type = lx->eof ? T_END : T_MORE;
            }
            p = nl;
        } else {
            break;
        }
    }
    lx->p = p;
    t->s = p;
    switch (*p) {
    case '{': lx->p++; t->n = 1; return t->type = T_LBRACE;
    case '}': lx->p++; t->n = 1; return t->type = T_RBRACE;
    case ';': lx->p++; t->n = 1; return t->type = T_SEMI;
    case '=': lx->p++; t->n = 1; return t->type = T_EQ;
    case ',': lx->p++; t->n = 1; return t->type = T_COMMA;
    case '"':
        for (const char *q = p + 1; q < end; q++) {
            if (*q == '\\') {
                q++;
                if (q < end && *q == '\n') {
                    break;
                }
            } else if (*q == '"') {
                t->s = p + 1;
                t->n = (size_t) (q - p - 1);
                lx->p = q + 1;
                return t->type = T_STR;
            } else if (*q == '\n') {
                break;
            }
        }
        {
            const char *nl = memchr(p, '\n', (size_t) (end - p));

            if (!nl) {
                if (!lx->eof) {
                    return t->type = T_MORE;
                }
                /* The file ends inside the string: so does the token. */
                lx->p = end;
                t->n = (size_t) (end - p);
                return t->type = T_BADSTR;
            }
            /* The string ends at the line's end: the error costs one line. */
            lx->p = nl;
            t->n = (size_t) (nl - p);
            return t->type = T_BADSTR;
        }
    default:
        break;
    }
    {
        const char *q = p;

        while (q < end && !word_end[(uint8_t) *q]) {
            q++;
        }
        if (q == end && !lx->eof) {
            return t->type = T_MORE;
        }
        t->n = (size_t) (q - p);
        lx->p = q;
        return t->type = T_WORD;
    }
}

static inline bool tok_is(const tok *t, const char *w, size_t n)
{
    return t->type == T_WORD && t->n == n && !memcmp(t->s, w, n);
}
#define TOK_IS(t, lit) tok_is((t), (lit), sizeof(lit) - 1)

/* Results of the statement parsers. */
enum { P_OK = 0, P_MORE = 1, P_ERR = 2 };

/* Skips to the end of a statement: a ';' at depth 0 or the '}' closing the
 * depth it started in.  depth 1 skips the rest of an open block. */
static int skip_statement(lexer *lx, int depth)
{
    tok t;

    for (;;) {
        switch (next(lx, &t)) {
        case T_MORE:
            return P_MORE;
        case T_END:
            return P_ERR;
        case T_SEMI:
            if (depth == 0) {
                return P_OK;
            }
            break;
        case T_LBRACE:
            depth++;
            break;
        case T_RBRACE:
            if (depth == 0) {
                /* A stray '}' ends the enclosing block: leave it there. */
                lx->p--;
                return P_OK;
            }
            if (--depth == 0) {
                return P_OK;
            }
            break;
        default:
            break;
        }
    }
}

/* Recovery after a malformed record: to the '}' that closes it, or to a
 * "lease" at the start of a line when that '}' is missing. */
static int recover_record(lexer *lx)
{
    int depth = 1;
    tok t;

    for (;;) {
        switch (next(lx, &t)) {
        case T_MORE:
            return P_MORE;
        case T_END:
            return P_OK;
        case T_LBRACE:
            depth++;
            break;
        case T_RBRACE:
            if (--depth == 0) {
                return P_OK;
            }
            break;
        case T_WORD:
            if (TOK_IS(&t, "lease") && t.s > lx->base && t.s[-1] == '\n') {
                lx->p = t.s;
                return P_OK;
            }
            break;
        default:
            break;
        }
    }
}

static bool parse_ipv4(const char *s, size_t n, uint32_t *ret)
{
    uint32_t ip = 0;
    unsigned part = 0, digits = 0, dots = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            part = part * 10 + (unsigned) (s[i] - '0');
            if (++digits > 3 || part > 255) {
                return false;
            }
        } else if (s[i] == '.' && digits && dots < 3) {
            ip = ip << 8 | part;
            part = digits = 0;
            dots++;
        } else {
            return false;
        }
    }
    if (dots != 3 || !digits) {
        return false;
    }
    *ret = ip << 8 | part;
    return true;
}

static bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
    uint64_t v = 0;

    if (!n || n > 20) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t) (s[i] - '0');
        if (v > max) {
            return false;
        }
    }
    *ret = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t) doe - 719468;
}

/* "YYYY/MM/DD" and "HH:MM:SS" (UTC, as dhcpd writes them). */
static bool parse_date_time(const tok *d, const tok *tm, uint32_t *ret)
{
    unsigned v[6] = { 0 }, k = 0;
    int64_t secs;

    for (size_t i = 0; i < d->n && k < 3; i++) {
        char c = d->s[i];

        if (c >= '0' && c <= '9') {
            if (v[k] > 99999) {
                return false;
            }
            v[k] = v[k] * 10 + (unsigned) (c - '0');
        } else if (c == '/' && k < 2) {
            k++;
        } else {
            return false;
        }
    }
    if (k != 2) {
        return false;
    }
    k = 3;
    for (size_t i = 0; i < tm->n && k < 6; i++) {
        char c = tm->s[i];

        if (c >= '0' && c <= '9') {
            if (v[k] > 999) {
                return false;
            }
            v[k] = v[k] * 10 + (unsigned) (c - '0');
        } else if (c == ':' && k < 5) {
            k++;
        } else {
            return false;
        }
    }
    if (k != 5 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31
        || v[3] > 23 || v[4] > 59 || v[5] > 60 || v[0] < 1970) {
        return false;
    }
    secs = days_from_civil(v[0], v[1], v[2]) * 86400
           + v[3] * 3600 + v[4] * 60 + v[5];
    if (secs < 1 || secs >= (int64_t) HC_LEASE_NEVER) {
        return false;
    }
    *ret = (uint32_t) secs;
    return true;
}

/* A date after starts/ends/...: "W YYYY/MM/DD HH:MM:SS;", "epoch N;" or
 * "never;". */
static inline unsigned d2(const char *p)
{
    return (unsigned) (p[0] - '0') * 10 + (unsigned) (p[1] - '0');
}

static inline bool isdig(char c)
{
    return (unsigned char) (c - '0') < 10;
}

/* The digit positions of " W YYYY/MM/DD HH:MM:SS;". */
static inline bool digits_at(const char *p)
{
    return isdig(p[1]) & isdig(p[3]) & isdig(p[4]) & isdig(p[5])
           & isdig(p[6]) & isdig(p[8]) & isdig(p[9]) & isdig(p[11])
           & isdig(p[12]) & isdig(p[14]) & isdig(p[15]) & isdig(p[17])
           & isdig(p[18]) & isdig(p[20]) & isdig(p[21]);
}

/* "YYYY/MM/DD" equal, as two loads rather than a call to memcmp. */
static inline bool date_eq(const char *a, const char *b)
{
    uint64_t x, y;
    uint16_t u, v;

    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + 8, 2);
    memcpy(&v, b + 8, 2);
    return x == y && u == v;
}

/* " W YYYY/MM/DD HH:MM:SS;" exactly as dhcpd writes it: read in place.
 * Anything else goes through the tokenizer. */
static bool parse_when_fast(lexer *lx, uint32_t *ret)
{
    const char *p = lx->p;
    unsigned y, mo, d, h, mi, se, slot;
    int64_t secs;

    if (lx->end - p < 23 || p[0] != ' ' || p[2] != ' ' || p[7] != '/'
        || p[10] != '/' || p[13] != ' ' || p[16] != ':' || p[19] != ':'
        || p[22] != ';') {
        return false;
    }
    /* Most dates in a file repeat the one before: skip the calendar, and
     * the digits of a date that was checked when it was cached. */
    slot = (unsigned) (p[12] - '0') % 10;
    if (date_eq(lx->date_key[slot], p + 3)) {
        if (!(isdig(p[1]) & isdig(p[14]) & isdig(p[15]) & isdig(p[17])
              & isdig(p[18]) & isdig(p[20]) & isdig(p[21]))) {
            return false;
        }
    } else if (!digits_at(p)) {
        return false;
    }
    h = d2(p + 14);
    mi = d2(p + 17);
    se = d2(p + 20);
    if (h > 23 || mi > 59 || se > 60) {
        return false;
    }
    if (date_eq(lx->date_key[slot], p + 3)) {
        secs = lx->date_days[slot] * 86400 + h * 3600 + mi * 60 + se;
        if (secs < 1) {
            return false;
        }
        *ret = (uint32_t) secs;
        lx->p = p + 23;
        return true;
    }
    y = d2(p + 3) * 100 + d2(p + 5);
    mo = d2(p + 8);
    d = d2(p + 11);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23
        || mi > 59 || se > 60) {
        return false;
    }
    secs = days_from_civil(y, mo, d) * 86400;
    if (secs < 0 || secs + 86400 >= (int64_t) HC_LEASE_NEVER) {
        return false;
    }
    memcpy(lx->date_key[slot], p + 3, 10);
    lx->date_days[slot] = secs / 86400;
    secs += h * 3600 + mi * 60 + se;
    if (secs < 1) {
        return false;
    }
    *ret = (uint32_t) secs;
    lx->p = p + 23;
    return true;
}

static int parse_when(lexer *lx, uint32_t *ret, const char **why)
{
    tok a, b, c;

    if (parse_when_fast(lx, ret)) {
        return P_OK;
    }
    if (next(lx, &a) == T_MORE) {
        return P_MORE;
    }
    if (TOK_IS(&a, "never")) {
        *ret = HC_LEASE_NEVER;
    } else if (TOK_IS(&a, "epoch")) {
        uint64_t v;

        if (next(lx, &b) == T_MORE) {
            return P_MORE;
        }
        if (b.type != T_WORD || !parse_uint(b.s, b.n, HC_LEASE_NEVER - 1, &v)) {
            *why = "bad epoch time";
            return P_ERR;
        }
        *ret = (uint32_t) v;
    } else {
        if (a.type != T_WORD) {
            *why = "bad date";
            return P_ERR;
        }
        if (next(lx, &b) == T_MORE || next(lx, &c) == T_MORE) {
            return P_MORE;
        }
        if (b.type != T_WORD || c.type != T_WORD
            || !parse_date_time(&b, &c, ret)) {
            *why = "bad date";
            return P_ERR;
        }
    }
    if (next(lx, &a) == T_MORE) {
        return P_MORE;
    }
    if (a.type != T_SEMI) {
        *why = "expected ';' after date";
        return P_ERR;
    }
    return P_OK;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Decodes a quoted string's bytes (dhcpd's escapes: \ooo, \xhh, \t \n \r
 * \b, \c for any other c) into out; returns the decoded length. */
static size_t unescape(const char *s, size_t n, uint8_t *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t) s[i];

        if (c != '\\' || i + 1 >= n) {
            out[o++] = c;
            continue;
        }
        c = (uint8_t) s[++i];
        if (c >= '0' && c <= '7') {
            unsigned v = 0;

            for (int k = 0; k < 3 && i < n && s[i] >= '0' && s[i] <= '7';
                 k++, i++) {
                v = v * 8 + (unsigned) (s[i] - '0');
            }
            i--;
            out[o++] = (uint8_t) v;
        } else if (c == 'x' && i + 1 < n && hexval(s[i + 1]) >= 0) {
            unsigned v = (unsigned) hexval(s[++i]);

            if (i + 1 < n && hexval(s[i + 1]) >= 0) {
                v = v * 16 + (unsigned) hexval(s[++i]);
            }
            out[o++] = (uint8_t) v;
        } else {
            out[o++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r'
                     : c == 'b' ? '\b' : c;
        }
    }
    return o;
}

/* "01:a:ff" as dhcpd prints binary data; false when it is not that. */
static bool parse_hex_list(const char *s, size_t n, uint8_t *out,
                           size_t max, size_t *ret_len)
{
    size_t o = 0;
    unsigned v = 0, digits = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == ':') {
            if (!digits || o >= max) {
                return false;
            }
            out[o++] = (uint8_t) v;
            v = digits = 0;
        } else if (hexval(s[i]) >= 0 && digits < 2) {
            v = v * 16 + (unsigned) hexval(s[i]);
            digits++;
        } else {
            return false;
        }
    }
    *ret_len = o;
    return true;
}

/* Stores the value of a string or hex-list token in the arena; returns the
 * reference (0 for an empty token list). */
static uint32_t arena_put_token(hc_lease_table *t, const tok *v)
{
    size_t ref = t->arena_len, len;
    uint8_t *dst;

    arena_reserve(t, v->n + 2);
    dst = (uint8_t *) t->arena + ref + 2;
    if (v->type == T_STR) {
        len = unescape(v->s, v->n, dst);
    } else if (!parse_hex_list(v->s, v->n, dst, v->n, &len)) {
        memcpy(dst, v->s, v->n);
        len = v->n;
    }
    if (len > MAX_STR) {
        len = MAX_STR;
    }
    if (ref + 2 + len > UINT32_MAX) {
        return 0;
    }
    dst[-2] = (uint8_t) (len & 0xff);
    dst[-1] = (uint8_t) (len >> 8);
    t->arena_len = ref + 2 + len;
    return (uint32_t) ref;
}

/* "set NAME = VALUE;" and "option NAME VALUE;": into the record's extras
 * (or vclass for the vendor class).  The value is one token, or the raw
 * text up to the ';' when it has several. */
static int parse_extra(hc_lease_table *t, lexer *lx, hc_lease *l, bool is_set,
                       const char **why)
{
    tok name, v, x;
    const char *vstart;
    uint8_t tmp[512];
    size_t vlen;
    const uint8_t *vbytes;
    uint8_t *heap = NULL;

    if (next(lx, &name) == T_MORE) {
        return P_MORE;
    }
    if (name.type != T_WORD) {
        *why = is_set ? "bad set statement" : "bad option statement";
        return P_ERR;
    }
    if (is_set) {
        if (next(lx, &x) == T_MORE) {
            return P_MORE;
        }
        if (x.type != T_EQ) {
            *why = "expected '=' in set statement";
            return P_ERR;
        }
    }
    if (next(lx, &v) == T_MORE) {
        return P_MORE;
    }
    if (v.type != T_WORD && v.type != T_STR) {
        *why = "bad value";
        return P_ERR;
    }
    vstart = v.s;
    for (;;) {
        if (next(lx, &x) == T_MORE) {
            return P_MORE;
        }
        if (x.type == T_SEMI) {
            break;
        }
        if (x.type == T_END || x.type == T_LBRACE || x.type == T_RBRACE
            || x.type == T_BADSTR) {
            *why = "unterminated statement";
            return P_ERR;
        }
        /* Several tokens: keep the raw text. */
        v.type = T_WORD;
        v.s = vstart;
        v.n = (size_t) (x.s + x.n - vstart);
    }
    if (is_set && name.n == 23 && !memcmp(name.s, "vendor-class-identifier", 23)) {
        l->vclass = arena_put_token(t, &v);
        return P_OK;
    }
    /* Decode into a scratch buffer, then append name/value. */
    if (v.n > sizeof(tmp)) {
        heap = g_malloc(v.n);
    }
    if (v.type == T_STR) {
        vlen = unescape(v.s, v.n, heap ? heap : tmp);
        vbytes = heap ? heap : tmp;
    } else {
        vlen = v.n;
        vbytes = (const uint8_t *) v.s;
    }
    {
        size_t nlen = name.n > 255 ? 255 : name.n;
        uint8_t b[2];

        if (vlen > MAX_STR) {
            vlen = MAX_STR;
        }
        if (t->extras->len + 3 + nlen + vlen <= MAX_STR) {
            b[0] = (uint8_t) nlen;
            g_byte_array_append(t->extras, b, 1);
            g_byte_array_append(t->extras, (const guint8 *) name.s,
                                (guint) nlen);
            b[0] = (uint8_t) (vlen & 0xff);
            b[1] = (uint8_t) (vlen >> 8);
            g_byte_array_append(t->extras, b, 2);
            g_byte_array_append(t->extras, vbytes, (guint) vlen);
        }
    }
    g_free(heap);
    return P_OK;
}

static uint32_t arena_put_bytes(hc_lease_table *t, const uint8_t *s,
                                size_t n)
{
    size_t ref = t->arena_len;

    if (n > MAX_STR) {
        n = MAX_STR;
    }
    arena_reserve(t, n + 2);
    t->arena[ref] = (char) (n & 0xff);
    t->arena[ref + 1] = (char) (n >> 8);
    memcpy(t->arena + ref + 2, s, n);
    t->arena_len = ref + 2 + n;
    return (uint32_t) ref;
}

static void commit_lease(hc_lease_table *t, hc_lease *l)
{
    size_t s;

    switch (l->state) {
    case HC_LEASE_ACTIVE:
        l->usage = HC_USAGE_USED;
        break;
    case HC_LEASE_FREE:
    case HC_LEASE_EXPIRED:
    case HC_LEASE_RELEASED:
    case HC_LEASE_ABANDONED:
        l->usage = HC_USAGE_TOUCHED;
        break;
    case HC_LEASE_BACKUP:
        l->usage = HC_USAGE_BACKUP;
        break;
    default:
        l->usage = HC_USAGE_NONE;
        break;
    }
    if (t->extras->len) {
        l->extras = arena_put_bytes(t, t->extras->data, t->extras->len);
    }
    t->records++;
    t->generation++;
    s = index_lookup(t, l->ip);
    if (t->index[s].idx) {
        hc_lease *old = &t->leases[t->index[s].idx - 1];

        /* dhcpd-pools ignores states it does not know: the address keeps
         * the class it had. */
        if (l->usage == HC_USAGE_NONE) {
            l->usage = old->usage;
        }
        *old = *l;
        return;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;

        t->leases = big_resize(t->leases, t->cap * sizeof(hc_lease),
                               cap * sizeof(hc_lease));
        t->cap = cap;
    }
    t->leases[t->n] = *l;
    t->index[s] = (hc_slot) { l->ip, (uint32_t) ++t->n };
    if (t->n * 2 > t->index_cap) {
        index_resize(t, t->index_cap * 2);
    }
}

/* Stores the bytes of a string already checked to hold no bare quote. */
static uint32_t arena_put_quoted(hc_lease_table *t, const char *s, size_t n,
                                 bool escapes)
{
    size_t ref = t->arena_len, len;
    uint8_t *dst;

    arena_reserve(t, n + 2);
    dst = (uint8_t *) t->arena + ref + 2;
    if (escapes) {
        len = unescape(s, n, dst);
    } else {
        memcpy(dst, s, n);
        len = n;
    }
    if (len > MAX_STR) {
        len = MAX_STR;
    }
    dst[-2] = (uint8_t) (len & 0xff);
    dst[-1] = (uint8_t) (len >> 8);
    t->arena_len = ref + 2 + len;
    return (uint32_t) ref;
}

#define STARTS_WITH(p, n, lit) \
    ((n) >= sizeof(lit) - 1 && !memcmp((p), (lit), sizeof(lit) - 1))

/* The statements dhcpd writes on every record, one a line in a fixed
 * layout, are read here without the tokenizer: that is most of the
 * bytes of a lease file.  Returns true when the line at lx->p was one of
 * them (lx->p is then past its ';'); false leaves lx untouched for the
 * general path, which also handles every irregular form. */
static bool fast_statement(hc_lease_table *t, lexer *lx, hc_lease *l)
{
    const char *p = lx->p, *q, *end = lx->end;
    size_t n = (size_t) (end - p);
    uint32_t *when = NULL;
    uint8_t *state = NULL;
    uint32_t *str = NULL;

    /* Each form below ends at its ';'; what follows on the line, if
     * anything, is the next statement's business. */
    switch (p[0]) {
    case 's':
        if (STARTS_WITH(p, n, "starts ")) {
            when = &l->starts, q = p + 6;
        } else if (STARTS_WITH(p, n, "set vendor-class-identifier = \"")) {
            str = &l->vclass, q = p + 31;
        } else {
            return false;
        }
        break;
    case 'e':
        if (!STARTS_WITH(p, n, "ends ")) {
            return false;
        }
        when = &l->ends, q = p + 4;
        break;
    case 't':
        if (STARTS_WITH(p, n, "tstp ")) {
            when = &l->tstp, q = p + 4;
        } else if (STARTS_WITH(p, n, "tsfp ")) {
            when = &l->tsfp, q = p + 4;
        } else {
            return false;
        }
        break;
    case 'a':
        if (!STARTS_WITH(p, n, "atsfp ")) {
            return false;
        }
        when = &l->atsfp, q = p + 5;
        break;
    case 'c':
        if (STARTS_WITH(p, n, "cltt ")) {
            when = &l->cltt, q = p + 4;
        } else if (STARTS_WITH(p, n, "client-hostname \"")) {
            str = &l->hostname, q = p + 17;
        } else {
            return false;
        }
        break;
    case 'b':
        if (!STARTS_WITH(p, n, "binding state ")) {
            return false;
        }
        state = &l->state, q = p + 14;
        break;
    case 'n':
        if (!STARTS_WITH(p, n, "next binding state ")) {
            return false;
        }
        state = &l->next_state, q = p + 19;
        break;
    case 'r':
        if (!STARTS_WITH(p, n, "rewind binding state ")) {
            return false;
        }
        state = &l->rewind_state, q = p + 21;
        break;
    case 'u':
        if (!STARTS_WITH(p, n, "uid \"")) {
            return false;
        }
        str = &l->uid, q = p + 5;
        break;
    case 'h': {
        uint8_t mac[6];

        if (n < 36 || !STARTS_WITH(p, n, "hardware ethernet ")) {
            return false;
        }
        q = p + 18;
        for (int i = 0; i < 6; i++, q += 3) {
            int hi = hexval(q[0]), lo = hexval(q[1]);

            if (hi < 0 || lo < 0 || q[2] != (i < 5 ? ':' : ';')) {
                return false;
            }
            mac[i] = (uint8_t) (hi << 4 | lo);
        }
        memcpy(l->mac, mac, 6);
        l->hw_type = 1;
        l->hw_len = 6;
        lx->p = p + 36;
        return true;
    }
    default:
        return false;
    }
    if (when) {
        const char *save_p = lx->p;

        lx->p = q;
        if (!parse_when_fast(lx, when)) {
            lx->p = save_p;
            return false;
        }
        return true;
    }
    if (state) {
        const char *semi = q;
        int st;

        while (semi < end && semi - q < 10 && *semi >= 'a' && *semi <= 'z') {
            semi++;
        }
        if (semi >= end || *semi != ';'
            || (st = state_from_token(q, (size_t) (semi - q))) < 0) {
            return false;
        }
        *state = (uint8_t) st;
        lx->p = semi + 1;
        return true;
    }
    {
        bool escapes = false;
        const char *c = q;

        /* To the closing quote, which must be followed by ';'. */
        while (c < end && *c != '"') {
            if (*c == '\\') {
                escapes = true;
                c++;
            } else if (*c == '\n') {
                return false;
            }
            c++;
        }
        if (c + 1 >= end || *c != '"' || c[1] != ';') {
            return false;
        }
        *str = arena_put_quoted(t, q, (size_t) (c - q), escapes);
        lx->p = c + 2;
        return true;
    }
}

/* The body of "lease A.B.C.D {" up to its '}'. */
static int parse_lease_body(hc_lease_table *t, lexer *lx, hc_lease *l,
                            const char **why)
{
    tok k, a, b;
    int r;

    for (;;) {
        const char *p = lx->p;

        /* Blank space, then the fast path for the usual lines. */
        while (p < lx->end && (*p == ' ' || *p == '\n' || *p == '\t')) {
            lx->line += *p == '\n';
            p++;
        }
        lx->p = p;
        if (p < lx->end && *p != '}' && fast_statement(t, lx, l)) {
            continue;
        }
        switch (next(lx, &k)) {
        case T_MORE:
            return P_MORE;
        case T_RBRACE:
            return P_OK;
        case T_WORD:
            break;
        case T_SEMI:
            continue;
        case T_END:
            *why = "truncated record";
            return P_ERR;
        default:
            *why = "unexpected token in lease";
            return P_ERR;
        }
        r = -1;
        switch (k.s[0]) {
        case 's':
            if (TOK_IS(&k, "starts")) {
                r = parse_when(lx, &l->starts, why);
            } else if (TOK_IS(&k, "set")) {
                r = parse_extra(t, lx, l, true, why);
            }
            break;
        case 'e':
            if (TOK_IS(&k, "ends")) {
                r = parse_when(lx, &l->ends, why);
            }
            break;
        case 't':
            if (TOK_IS(&k, "tstp")) {
                r = parse_when(lx, &l->tstp, why);
            } else if (TOK_IS(&k, "tsfp")) {
                r = parse_when(lx, &l->tsfp, why);
            }
            break;
        case 'a':
            if (TOK_IS(&k, "atsfp")) {
                r = parse_when(lx, &l->atsfp, why);
            }
            break;
        case 'c':
            if (TOK_IS(&k, "cltt")) {
                r = parse_when(lx, &l->cltt, why);
            } else if (TOK_IS(&k, "client-hostname")) {
                if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
                    return P_MORE;
                }
                if ((a.type != T_STR && a.type != T_WORD) || b.type != T_SEMI) {
                    *why = "bad client-hostname";
                    return P_ERR;
                }
                l->hostname = arena_put_token(t, &a);
                r = P_OK;
            }
            break;
        case 'b':
        case 'n':
        case 'r':
            if (TOK_IS(&k, "binding") || TOK_IS(&k, "next")
                || TOK_IS(&k, "rewind")) {
                uint8_t *dst = k.s[0] == 'b' ? &l->state
                             : k.s[0] == 'n' ? &l->next_state
                             : &l->rewind_state;
                int st;

                if (k.s[0] != 'b') {
                    if (next(lx, &a) == T_MORE) {
                        return P_MORE;
                    }
                    if (!TOK_IS(&a, "binding")) {
                        *why = "expected 'binding'";
                        return P_ERR;
                    }
                }
                if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
                    return P_MORE;
                }
                if (!TOK_IS(&a, "state") || b.type != T_WORD) {
                    *why = "bad binding state";
                    return P_ERR;
                }
                st = state_from_token(b.s, b.n);
                if (st < 0) {
                    *why = "unknown binding state";
                    return P_ERR;
                }
                *dst = (uint8_t) st;
                if (next(lx, &a) == T_MORE) {
                    return P_MORE;
                }
                if (a.type != T_SEMI) {
                    *why = "expected ';' after binding state";
                    return P_ERR;
                }
                r = P_OK;
            }
            break;
        case 'h':
            if (TOK_IS(&k, "hardware")) {
                size_t n = 0;
                uint8_t mac[16];

                if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
                    return P_MORE;
                }
                if (a.type != T_WORD || b.type != T_WORD) {
                    *why = "bad hardware statement";
                    return P_ERR;
                }
                l->hw_type = TOK_IS(&a, "ethernet") ? 1
                           : TOK_IS(&a, "token-ring") ? 6
                           : TOK_IS(&a, "fddi") ? 8 : 255;
                if (!parse_hex_list(b.s, b.n, mac, sizeof(mac), &n)) {
                    *why = "bad hardware address";
                    return P_ERR;
                }
                l->hw_len = (uint8_t) (n > 6 ? 6 : n);
                memcpy(l->mac, mac, l->hw_len);
                if (next(lx, &a) == T_MORE) {
                    return P_MORE;
                }
                if (a.type != T_SEMI) {
                    *why = "expected ';' after hardware";
                    return P_ERR;
                }
                r = P_OK;
            }
            break;
        case 'u':
            if (TOK_IS(&k, "uid")) {
                if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
                    return P_MORE;
                }
                if ((a.type != T_STR && a.type != T_WORD) || b.type != T_SEMI) {
                    *why = "bad uid";
                    return P_ERR;
                }
                l->uid = arena_put_token(t, &a);
                r = P_OK;
            }
            break;
        case 'o':
            if (TOK_IS(&k, "option")) {
                r = parse_extra(t, lx, l, false, why);
            }
            break;
        default:
            break;
        }
        if (r < 0) {
            /* Unknown statement or block ("on commit { ... }",
             * "abandoned;", "bootp;", a future keyword): skipped. */
            r = skip_statement(lx, 0);
            if (r == P_ERR) {
                *why = "truncated record";
            }
        }
        if (r != P_OK) {
            return r;
        }
    }
}

static int parse_lease(hc_lease_table *t, lexer *lx, uint32_t line,
                       const char **why)
{
    hc_lease l = { .line = line };
    tok a, b;
    int r;

    g_byte_array_set_size(t->extras, 0);
    if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
        return P_MORE;
    }
    if (a.type != T_WORD || !parse_ipv4(a.s, a.n, &l.ip)) {
        *why = "bad address after 'lease'";
        /* Recovery starts inside the record's braces. */
        if (a.type == T_LBRACE) {
            lx->p = a.s + 1;
        } else if (b.type != T_LBRACE) {
            lx->p = b.s;
        }
        return P_ERR;
    }
    if (b.type != T_LBRACE) {
        *why = "expected '{' after the address";
        return P_ERR;
    }
    /* The index slot is a likely cache miss: ask for it now, it arrives
     * while the record's body is read. */
    __builtin_prefetch(&t->index[slot_of(l.ip, t->index_cap)], 1);
    r = parse_lease_body(t, lx, &l, why);
    if (r == P_OK) {
        commit_lease(t, &l);
    }
    return r;
}

static void copy_word(char *dst, size_t cap, const tok *t)
{
    size_t n = t->n < cap - 1 ? t->n : cap - 1;

    memcpy(dst, t->s, n);
    dst[n] = 0;
}

/* failover peer "NAME" state { my state S at W D T; partner state S at
 * ...; mclt N; } */
static int parse_failover(hc_lease_table *t, lexer *lx, const char **why)
{
    hc_lease_failover *fo;
    tok a, b, c;
    int r;

    if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE
        || next(lx, &c) == T_MORE) {
        return P_MORE;
    }
    if (!TOK_IS(&a, "peer") || (b.type != T_STR && b.type != T_WORD)
        || !TOK_IS(&c, "state")) {
        /* Not a state block: skip it whole. */
        lx->p = a.s;
        return skip_statement(lx, 0);
    }
    if (next(lx, &a) == T_MORE) {
        return P_MORE;
    }
    if (a.type != T_LBRACE) {
        *why = "expected '{' after failover peer state";
        return P_ERR;
    }
    fo = g_new0(hc_lease_failover, 1);
    {
        uint8_t *nb = g_malloc(b.n + 1);
        size_t n = b.type == T_STR ? unescape(b.s, b.n, nb)
                                   : (memcpy(nb, b.s, b.n), b.n);

        nb[n] = 0;
        fo->name = (char *) nb;
    }
    for (;;) {
        if (next(lx, &a) == T_MORE) {
            failover_free(fo);
            return P_MORE;
        }
        if (a.type == T_RBRACE) {
            break;
        }
        if (TOK_IS(&a, "my") || TOK_IS(&a, "partner")) {
            bool my = TOK_IS(&a, "my");

            if (next(lx, &b) == T_MORE || next(lx, &c) == T_MORE) {
                failover_free(fo);
                return P_MORE;
            }
            if (TOK_IS(&b, "state") && c.type == T_WORD) {
                copy_word(my ? fo->my_state : fo->partner_state, 32, &c);
                if (next(lx, &b) == T_MORE) {
                    failover_free(fo);
                    return P_MORE;
                }
                if (TOK_IS(&b, "at")) {
                    r = parse_when(lx, my ? &fo->my_since
                                          : &fo->partner_since, why);
                    if (r != P_OK) {
                        failover_free(fo);
                        return r;
                    }
                    continue;
                }
                lx->p = b.s;
            }
        } else if (TOK_IS(&a, "mclt")) {
            uint64_t v = 0;

            if (next(lx, &b) == T_MORE) {
                failover_free(fo);
                return P_MORE;
            }
            if (b.type == T_WORD && parse_uint(b.s, b.n, UINT32_MAX, &v)) {
                fo->mclt = (uint32_t) v;
            }
        } else if (a.type == T_END) {
            failover_free(fo);
            *why = "truncated failover state";
            return P_ERR;
        }
        if (a.type != T_SEMI) {
            r = skip_statement(lx, 0);
            if (r != P_OK) {
                failover_free(fo);
                return r == P_ERR ? (*why = "truncated failover state", P_ERR)
                                  : r;
            }
        }
    }
    /* The newest state block for a peer replaces the older one. */
    for (guint i = 0; i < t->failover->len; i++) {
        hc_lease_failover *o = t->failover->pdata[i];

        if (!strcmp(o->name, fo->name)) {
            failover_free(o);
            t->failover->pdata[i] = fo;
            t->generation++;
            return P_OK;
        }
    }
    g_ptr_array_add(t->failover, fo);
    t->generation++;
    return P_OK;
}

static int parse_duid(hc_lease_table *t, lexer *lx, const char **why)
{
    tok a, b;
    uint8_t *buf;
    size_t n = 0;

    if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
        return P_MORE;
    }
    if ((a.type != T_STR && a.type != T_WORD) || b.type != T_SEMI) {
        *why = "bad server-duid";
        return P_ERR;
    }
    buf = g_malloc(a.n + 1);
    if (a.type == T_STR) {
        n = unescape(a.s, a.n, buf);
    } else if (!parse_hex_list(a.s, a.n, buf, a.n, &n)) {
        g_free(buf);
        *why = "bad server-duid";
        return P_ERR;
    }
    g_free(t->duid);
    t->duid = buf;
    t->duid_len = n;
    return P_OK;
}

/* Counts the newlines in [p, q). */
static uint32_t count_lines(const char *p, const char *q)
{
    uint32_t n = 0;

    while (p < q && (p = memchr(p, '\n', (size_t) (q - p)))) {
        n++;
        p++;
    }
    return n;
}

/* A statement still open after this many bytes is not something dhcpd
 * wrote: report it and resynchronise on the next "lease" line, so that a
 * hostile file cannot make the follower hold (and rescan) all of it. */
#define MAX_PENDING (1u << 20)

/* hc_leases_parse(), which also stops before a top-level statement that
 * starts at byte *stop of buf (*stop is then set to SIZE_MAX - 1).  A
 * statement that runs over *stop sets it to SIZE_MAX: the stop was not a
 * statement boundary, and the parse goes on. */
static ssize_t parse_until(hc_lease_table *t, const char *buf, size_t len,
                           bool eof, size_t *stop)
{
    lexer lx = { .p = buf, .end = buf + len, .base = buf, .line = t->line,
                 .eof = eof };
    size_t done = 0;

    for (;;) {
        size_t arena_mark = t->arena_len;
        uint32_t line;
        const char *why = NULL, *stmt;
        tok k;
        int r;

        if (next(&lx, &k) == T_MORE || k.type == T_END) {
            /* Blank space and comments are consumed; a cut word is not. */
            done = (size_t) (lx.p - buf);
            t->line = lx.line;
            break;
        }
        line = lx.line;
        stmt = k.s;
        if ((size_t) (stmt - buf) >= *stop) {
            if ((size_t) (stmt - buf) == *stop) {
                *stop = SIZE_MAX - 1;
                lx.p = stmt;
                done = (size_t) (stmt - buf);
                t->line = lx.line;
                return (ssize_t) done;
            }
            *stop = SIZE_MAX;
        }
        if (TOK_IS(&k, "lease")) {
            r = parse_lease(t, &lx, line, &why);
        } else if (TOK_IS(&k, "failover")) {
            r = parse_failover(t, &lx, &why);
        } else if (TOK_IS(&k, "server-duid")) {
            r = parse_duid(t, &lx, &why);
        } else if (k.type == T_RBRACE || k.type == T_SEMI) {
            /* Stray punctuation between records. */
            if (k.type == T_RBRACE) {
                add_error(t, line, "unexpected '}'");
            }
            r = P_OK;
        } else if (k.type == T_BADSTR) {
            why = "unterminated string";
            r = P_ERR;
        } else {
            /* authoring-byte-order, host, class, subclass, ia-na, ...:
             * not leases we show. */
            r = skip_statement(&lx, k.type == T_LBRACE ? 1 : 0);
            if (r == P_ERR) {
                why = "truncated statement";
            }
        }
        if (r == P_ERR && (TOK_IS(&k, "lease") || TOK_IS(&k, "failover"))
            && recover_record(&lx) == P_MORE && !eof) {
            /* The error is reported once the broken record is complete. */
            r = P_MORE;
        }
        if (r == P_MORE) {
            t->arena_len = arena_mark;
            if (eof) {
                add_error(t, line, "truncated record");
                t->generation++;
                done = len;
                break;
            }
            if ((size_t) (lx.end - stmt) > MAX_PENDING) {
                /* The search looks at the first MAX_PENDING bytes only,
                 * whatever was read beyond: where the parse resumes
                 * depends on the file alone, not on how it was read. */
                const char *q = memmem(stmt + 1, MAX_PENDING - 1,
                                       "\nlease ", 7);

                if (!q) {
                    q = memrchr(stmt, '\n', MAX_PENDING);
                }
                if (q) {
                    add_error(t, line, "record longer than %u bytes",
                              MAX_PENDING);
                    t->generation++;
                    lx.line = line + count_lines(stmt, q + 1);
                    lx.p = q + 1;
                    done = (size_t) (lx.p - buf);
                    t->line = lx.line;
                    continue;
                }
            }
            break;
        }
        if (r == P_ERR) {
            t->arena_len = arena_mark;
            add_error(t, line, "%s", why ? why : "malformed record");
            t->generation++;
        }
        done = (size_t) (lx.p - buf);
        t->line = lx.line;
    }
    /* At the end of the file everything is consumed, whatever it was. */
    return (ssize_t) (eof ? len : done);
}

ssize_t hc_leases_parse(hc_lease_table *t, const char *buf, size_t len,
                        bool eof)
{
    size_t stop = SIZE_MAX;

    return parse_until(t, buf, len, eof, &stop);
}

/* Reads the file from byte `from` to its end into t.  With stop (a file
 * offset, UINT64_MAX: none), ends early, with *ret_stopped set, when a
 * top-level statement starts exactly there.  cancel (may be NULL) is
 * looked at between reads. */
static int load_range(hc_lease_table *t, int fd, uint64_t from,
                      uint64_t stop, bool *ret_stopped, const gint *cancel)
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
        if (cancel && g_atomic_int_get(cancel)) {
            rc = -ECANCELED;
            break;
        }
        have += (size_t) n;
        rel = stop != UINT64_MAX && stop >= bufoff
              ? (size_t) (stop - bufoff) : SIZE_MAX;
        used = parse_until(t, buf, have, n == 0, &rel);
        if (used < 0) {
            rc = (int) used;
            break;
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

/* Appends the reading of the rest of a file (u, parsed from a record
 * boundary on, lines counted from 1 there) to t, as if t had read on:
 * the last record for an address wins, an address keeps the place where
 * it first appeared, a state that does not count keeps the old usage. */
static void table_append(hc_lease_table *t, hc_lease_table *u)
{
    uint32_t lines = t->line - 1;
    size_t shift = t->arena_len - 1;

    arena_reserve(t, u->arena_len);
    memcpy(t->arena + t->arena_len, u->arena + 1, u->arena_len - 1);
    t->arena_len += u->arena_len - 1;
    table_reserve(t, t->n + u->n, 0);
    for (size_t i = 0; i < u->n; i++) {
        hc_lease l = u->leases[i];
        size_t s;

        l.line += lines;
        l.hostname += l.hostname ? (uint32_t) shift : 0;
        l.uid += l.uid ? (uint32_t) shift : 0;
        l.vclass += l.vclass ? (uint32_t) shift : 0;
        l.extras += l.extras ? (uint32_t) shift : 0;
        s = index_lookup(t, l.ip);
        if (t->index[s].idx) {
            hc_lease *old = &t->leases[t->index[s].idx - 1];

            if (l.usage == HC_USAGE_NONE) {
                l.usage = old->usage;
            }
            *old = l;
            continue;
        }
        t->leases[t->n] = l;
        t->index[s] = (hc_slot) { l.ip, (uint32_t) ++t->n };
        if (t->n * 2 > t->index_cap) {
            index_resize(t, t->index_cap * 2);
        }
    }
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
                failover_free(o);
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
    t->line = u->line + lines;
    t->generation++;
}

/* The second half of a split read, in its own thread. */
typedef struct load_half {
    hc_lease_table *t;
    int fd;
    uint64_t from;
    gint cancel;
    int rc;
} load_half;

static gpointer load_half_run(gpointer data)
{
    load_half *h = data;

    h->rc = load_range(h->t, h->fd, h->from, UINT64_MAX, NULL, &h->cancel);
    return NULL;
}

/* The first "lease" at the start of a line at or after byte `at`, within
 * 64 KiB; 0 when there is none. */
static uint64_t record_start_after(int fd, uint64_t at)
{
    char buf[64 << 10];
    ssize_t n = pread(fd, buf, sizeof(buf), (off_t) (at - 1));
    const char *q;

    if (n < 8) {
        return 0;
    }
    q = memmem(buf, (size_t) n, "\nlease ", 7);
    return q ? at + (uint64_t) (q - buf) : 0;
}

int hc_leases_load_split(hc_lease_table *t, const char *path, uint64_t at)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    load_half h = { .fd = fd };
    GThread *th = NULL;
    bool stopped = false;
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
    /* Strings are kept in at most as many bytes as they take in the file,
     * and references are 32 bits: a split is for files well below 4 GiB. */
    if (at > 0 && (uint64_t) st.st_size < (1ull << 30)
        && at < (uint64_t) st.st_size) {
        h.from = record_start_after(fd, at);
    }
    if (h.from) {
        h.t = hc_lease_table_new();
        /* dhcpd writes about 300 bytes a record, 40 of them strings. */
        table_reserve(h.t, ((uint64_t) st.st_size - h.from) / 300 + 16,
                      ((uint64_t) st.st_size - h.from) / 8 + 4096);
        th = g_thread_try_new("hc-leases", load_half_run, &h, NULL);
    }
    if (st.st_size > 0) {
        table_reserve(t, (size_t) st.st_size / 300 + 16,
                      (size_t) st.st_size / 8 + 4096);
    }
    rc = load_range(t, fd, 0, th ? h.from : UINT64_MAX, &stopped, NULL);
    if (th) {
        if (!stopped || rc < 0) {
            /* The first half read the whole file (the split point was
             * inside a statement), or failed: the second is not needed. */
            g_atomic_int_set(&h.cancel, 1);
        }
        g_thread_join(th);
        if (stopped && rc == 0) {
            rc = h.rc;
            if (rc == 0) {
                table_append(t, h.t);
            }
        }
        hc_lease_table_free(h.t);
    }
    close(fd);
    return rc;
}

static bool str_equal(const hc_lease_table *a, uint32_t ra,
                      const hc_lease_table *b, uint32_t rb)
{
    size_t na, nb;
    const uint8_t *sa = hc_lease_str(a, ra, &na);
    const uint8_t *sb = hc_lease_str(b, rb, &nb);

    return !sa == !sb && na == nb && (!na || !memcmp(sa, sb, na));
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
            || !str_equal(a, x.uid, b, y.uid)
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

        if (x->line != y->line || strcmp(x->msg, y->msg)) {
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

/* Below SPLIT_MIN a second thread costs more than it saves.  Above
 * SPLIT_MAX one thread reads: the second half's own table lives next to
 * the whole one until they are joined, half as much memory again, which a
 * file of a million leases cannot afford (128 MB). */
#define SPLIT_MIN (8u << 20)
#define SPLIT_MAX (128u << 20)

int hc_leases_load(hc_lease_table *t, const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && st.st_size >= SPLIT_MIN
        && st.st_size <= SPLIT_MAX) {
        return hc_leases_load_split(t, path, (uint64_t) st.st_size / 2);
    }
    return hc_leases_load_split(t, path, 0);
}

/* ---- follower ---- */

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
        add_error(f->t, line, "the last record is cut: %zu bytes up to the "
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
