/* Kea's memfile, kea-leases4.csv as Kea 2.x writes it (CSVLeaseFile4):
 * a header line naming the columns, then one row a line, appended on
 * every change of a lease.  The last row for an address wins; a row with
 * valid_lifetime 0 is Kea's record of a deleted lease (a RELEASE, or a
 * reclaimed lease removed), which takes the address out of the table.
 *
 * Kea escapes what would break its CSV in text fields (hostname,
 * user_context) as "&#xHH;" (a comma is "&#x2c;"); those bytes are kept
 * as Kea wrote them, and the views escape whatever else a client sent
 * before it reaches a terminal.  Columns are read by the header's names,
 * so that a file of an older or newer schema (fewer or more columns) is
 * read as Kea reads it. */
#include "leases.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "leases_int.h"

/* The fields hacon reads; KEA_F_OTHER for a column it does not know. */
enum {
    KEA_F_OTHER = 0,
    KEA_F_ADDRESS,
    KEA_F_HWADDR,
    KEA_F_CLIENT_ID,
    KEA_F_VALID,
    KEA_F_EXPIRE,
    KEA_F_SUBNET,
    KEA_F_FQDN_FWD,
    KEA_F_FQDN_REV,
    KEA_F_HOSTNAME,
    KEA_F_STATE,
    KEA_F_USER_CONTEXT,
    KEA_F_POOL_ID,
    KEA_F_N
};

static const char *const kea_field_names[KEA_F_N] = {
    [KEA_F_ADDRESS] = "address",
    [KEA_F_HWADDR] = "hwaddr",
    [KEA_F_CLIENT_ID] = "client_id",
    [KEA_F_VALID] = "valid_lifetime",
    [KEA_F_EXPIRE] = "expire",
    [KEA_F_SUBNET] = "subnet_id",
    [KEA_F_FQDN_FWD] = "fqdn_fwd",
    [KEA_F_FQDN_REV] = "fqdn_rev",
    [KEA_F_HOSTNAME] = "hostname",
    [KEA_F_STATE] = "state",
    [KEA_F_USER_CONTEXT] = "user_context",
    [KEA_F_POOL_ID] = "pool_id",
};

/* Kea 2.2's header, for rows read before any header (a file cut at its
 * start). */
static const char kea_default_header[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
    "fqdn_rev,hostname,state,user_context";

#define KEA_MAGIC "address,"
/* A row longer than this is not Kea's (its longest fields are a client id
 * of 255 bytes and a hostname of 255, escaped: about 3 KiB). */
#define KEA_MAX_ROW (64u << 10)

int hc__kea_detect(const char *buf, size_t len, bool eof)
{
    size_t n = len < 8 ? len : 8;

    if (memcmp(buf, KEA_MAGIC, n)) {
        return 0;
    }
    return n == 8 ? 1 : eof ? 0 : -1;
}

bool hc__kea_header(hc_lease_table *t, const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    uint8_t cols[HC_KEA_MAX_COLS];
    unsigned n = 0;

    if (len && end[-1] == '\r') {
        end--;
    }
    if (hc__kea_detect(line, len, true) != 1) {
        return false;
    }
    for (;;) {
        const char *c = memchr(p, ',', (size_t) (end - p));
        size_t fl = (size_t) ((c ? c : end) - p);
        uint8_t f = KEA_F_OTHER;

        if (n == HC_KEA_MAX_COLS) {
            return false;
        }
        for (int i = 1; i < KEA_F_N; i++) {
            if (strlen(kea_field_names[i]) == fl
                && !memcmp(kea_field_names[i], p, fl)) {
                f = (uint8_t) i;
                break;
            }
        }
        cols[n++] = f;
        if (!c) {
            break;
        }
        p = c + 1;
    }
    memcpy(t->kea_cols, cols, n);
    t->kea_ncols = (uint8_t) n;
    t->format = HC_LEASE_FMT_KEA;
    return true;
}

/* The value of a hex digit, 16 for any other byte (a table: this runs
 * for every byte of two columns of every row). */
static const uint8_t kea_hexval[256] = {
#define X16 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16
    X16, X16, X16,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    X16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    X16, X16, X16, X16, X16, X16, X16, X16, X16,
#undef X16
};

/* "08:00:2b:01:02:03" (Kea writes two digits a byte; one is accepted as
 * Kea's own parser does); "" is no bytes.  false when it is not that. */
static bool kea_hex(const char *s, size_t n, uint8_t *out, size_t max,
                    size_t *ret_len)
{
    size_t o = 0, i = 0, k = (n + 1) / 3;

    /* Kea's own form, two digits a byte and a colon between: checked
     * without a branch a byte, and if it is not that, read again by the
     * byte-wise loop below. */
    if (n % 3 == 2 && k <= max) {
        unsigned bad = 0;

        for (size_t j = 0; j < k; j++) {
            unsigned hi = kea_hexval[(uint8_t) s[3 * j]];
            unsigned lo = kea_hexval[(uint8_t) s[3 * j + 1]];

            bad |= hi | lo;
            out[j] = (uint8_t) (hi << 4 | lo);
        }
        for (size_t j = 2; j + 1 < n; j += 3) {
            bad |= (unsigned) (s[j] != ':') << 4;
        }
        if (bad <= 15) {
            *ret_len = k;
            return true;
        }
    }
    while (i < n) {
        unsigned hi = kea_hexval[(uint8_t) s[i]], lo;

        if (hi > 15 || o >= max) {
            return false;
        }
        lo = i + 1 < n ? kea_hexval[(uint8_t) s[i + 1]] : 16;
        if (lo <= 15) {
            out[o++] = (uint8_t) (hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = (uint8_t) hi;
            i++;
        }
        if (i < n) {
            if (s[i] != ':' || i + 1 == n) {
                return false;
            }
            i++;
        }
    }
    *ret_len = o;
    return true;
}

/* Kea's MAC form "08:00:2b:01:02:03" into mac; false when it is not
 * exactly that (kea_hex() then reads it). */
static inline bool kea_mac17(const char *s, uint8_t *mac)
{
    unsigned bad = 0;
    uint8_t m[8];
    uint64_t v = 0;

    for (int j = 0; j < 6; j++) {
        unsigned hi = kea_hexval[(uint8_t) s[3 * j]];
        unsigned lo = kea_hexval[(uint8_t) s[3 * j + 1]];

        bad |= hi | lo;
        v |= (uint64_t) (hi << 4 | lo) << (8 * j);
    }
    bad |= (unsigned) ((s[2] != ':') | (s[5] != ':') | (s[8] != ':')
                       | (s[11] != ':') | (s[14] != ':')) << 4;
    /* One wide store, not six narrow ones that a copy of the lease would
     * have to wait on. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(m, &v, 8);
    memcpy(mac, m, 6);
    return bad <= 15;
}

/* Whether the 20 bytes of cid are "01:" followed by the 17 of hw (a MAC
 * in Kea's form, already read): two words and a byte compared, not a
 * call to memcmp. */
static inline bool kea_uid_is_mac(const char *cid, const char *hw)
{
    uint64_t c0, c1, h0, h1;

    if (cid[0] != '0' || cid[1] != '1' || cid[2] != ':' || cid[19] != hw[16]) {
        return false;
    }
    memcpy(&c0, cid + 3, 8);
    memcpy(&c1, cid + 11, 8);
    memcpy(&h0, hw, 8);
    memcpy(&h1, hw + 8, 8);
    return !((c0 ^ h0) | (c1 ^ h1));
}

/* kea_hex() of at most max bytes, decoded straight into a new arena
 * string (a copy out of a buffer just written byte by byte would wait on
 * those stores): *ret_ref is 0 for no bytes.  The caller rolls the arena
 * back when the row is not taken. */
static bool kea_hex_arena(hc_lease_table *t, const char *s, size_t n,
                          size_t max, uint32_t *ret_ref)
{
    size_t ref = t->arena_len, len;
    uint8_t *out;

    hc__lease_arena_reserve(t, max + 2);
    out = (uint8_t *) t->arena + ref;
    if (!kea_hex(s, n, out + 2, max, &len)) {
        return false;
    }
    if (!len) {
        *ret_ref = 0;
        return true;
    }
    out[0] = (uint8_t) len;
    out[1] = 0;
    t->arena_len = ref + 2 + len;
    *ret_ref = (uint32_t) ref;
    return true;
}

/* The arena reference of the extras "subnet-id" = [s, s + n) when they
 * are the ones last stored, else 0.  Compared in place, not built first
 * in a buffer: the row's fields and the arena were written long ago, a
 * buffer just now, and reading one back whole waits on its stores. */
static inline uint32_t kea_subnet_extras_last(const hc_lease_table *t,
                                              const char *s, size_t n)
{
    static const char head[12] = "\x09subnet-id";
    size_t ref = t->last_extras, xn = 12 + n;
    const uint8_t *a = (const uint8_t *) t->arena + ref;
    uint64_t a8, h8;

    if (!ref || n > 20 || ref + 2 + xn > t->arena_len
        || (a[0] | (size_t) a[1] << 8) != xn || a[12] != n || a[13]) {
        return 0;
    }
    /* (memcmp is a call, for a few bytes) */
    memcpy(&a8, a + 2, 8);
    memcpy(&h8, head, 8);
    if (a8 != h8 || a[10] != (uint8_t) head[8] || a[11] != (uint8_t) head[9]) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[14 + i] != (uint8_t) s[i]) {
            return 0;
        }
    }
    return (uint32_t) ref;
}

/* One name/value pair into the record's extras (see hc_lease_extra_next). */
static void kea_extra(hc_lease_table *t, const char *name, const char *v,
                      size_t vlen)
{
    size_t nlen = strlen(name), at = t->extras->len;
    uint8_t *b;

    if (vlen > MAX_STR) {
        vlen = MAX_STR;
    }
    if (at + 3 + nlen + vlen > MAX_STR) {
        return;
    }
    g_byte_array_set_size(t->extras, (guint) (at + 3 + nlen + vlen));
    b = t->extras->data + at;
    b[0] = (uint8_t) nlen;
    memcpy(b + 1, name, nlen);
    b[1 + nlen] = (uint8_t) (vlen & 0xff);
    b[2 + nlen] = (uint8_t) (vlen >> 8);
    memcpy(b + 3 + nlen, v, vlen);
}

/* The first ',' in [p, end), or NULL: eight bytes at a time (the fields
 * are short, and memchr's call costs more than it scans). */
static inline const char *kea_comma(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;

    while (end - p >= 8) {
        uint64_t w;

        memcpy(&w, p, 8);
        w ^= ones * ',';
        w = (w - ones) & ~w & highs;
        if (w) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(w) >> 3);
#else
            return p + (__builtin_clzll(w) >> 3);
#endif
        }
        p += 8;
    }
    for (; p < end; p++) {
        if (*p == ',') {
            return p;
        }
    }
    return NULL;
}

typedef struct kea_row {
    const char *s[KEA_F_N];
    size_t n[KEA_F_N];
    bool have[KEA_F_N];
} kea_row;

/* Takes the field [s, e) of column *col into r; false when the row has
 * more columns than the header. */
static inline bool kea_field(const hc_lease_table *t, kea_row *r,
                             unsigned *col, const char *s, const char *e)
{
    uint8_t f;

    if (*col >= t->kea_ncols) {
        return false;
    }
    f = t->kea_cols[(*col)++];
    if (f != KEA_F_OTHER) {
        r->s[f] = s;
        r->n[f] = (size_t) (e - s);
        r->have[f] = true;
    }
    return true;
}

/* Splits a row into its fields by the header's columns.  NULL, or why
 * the row is not one. */
static const char *kea_split(const hc_lease_table *t, const char *p,
                             const char *end, kea_row *r)
{
    const char *fs = p;
    unsigned col = 0;

    memset(r->have, 0, sizeof(r->have));
#ifdef __SSE2__
    /* The commas of sixteen bytes at a time as the bits of a mask: a row
     * is a hundred bytes and eleven fields, which one search a field
     * made the largest cost of the read. */
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *) (const void *) p);
        unsigned m = (unsigned) _mm_movemask_epi8(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));

        while (m) {
            const char *c = p + __builtin_ctz(m);

            m &= m - 1;
            if (!kea_field(t, r, &col, fs, c)) {
                return "more columns than the header";
            }
            fs = c + 1;
        }
    }
#endif
    for (;;) {
        const char *c = kea_comma(p, end);

        if (!kea_field(t, r, &col, fs, c ? c : end)) {
            return "more columns than the header";
        }
        if (!c) {
            break;
        }
        fs = p = c + 1;
    }
    /* Kea reads a row of an older schema, with the newer columns left
     * out; the columns every schema has must be there. */
    for (int f = KEA_F_ADDRESS; f <= KEA_F_SUBNET; f++) {
        if (!r->have[f]) {
            return "fewer columns than the header";
        }
    }
    return NULL;
}

/* The lease of a row, into l (zeroed, its line set); NULL or why it is
 * malformed.  *ret_deleted: the row records a deleted lease
 * (valid_lifetime 0). */
static const char *kea_row_lease(hc_lease_table *t, const kea_row *r,
                                 hc_lease *l, bool *ret_deleted)
{
    uint64_t valid, expire, v;
    uint8_t buf[20];
    size_t n, ucn;
    uint32_t uid;

    if (!hc__parse_ipv4(r->s[KEA_F_ADDRESS], r->n[KEA_F_ADDRESS],
                        &l->ip)) {
        return "bad address";
    }
    /* The address's slot is a cache miss in a large table: fetched while
     * the rest of the row is read. */
    __builtin_prefetch(&t->index[hc__lease_slot_of(l->ip, t->index_cap)]);
    if (!hc__parse_uint(r->s[KEA_F_VALID], r->n[KEA_F_VALID], UINT32_MAX,
                  &valid)) {
        return "bad valid_lifetime";
    }
    if (!hc__parse_uint(r->s[KEA_F_EXPIRE], r->n[KEA_F_EXPIRE], INT64_MAX,
                  &expire)) {
        return "bad expire";
    }
    if (!hc__parse_uint(r->s[KEA_F_SUBNET], r->n[KEA_F_SUBNET], UINT32_MAX,
                        &v)) {
        return "bad subnet_id";
    }
    if (r->n[KEA_F_HWADDR] == 17 && kea_mac17(r->s[KEA_F_HWADDR], l->mac)) {
        l->hw_len = 6;
    } else {
        memset(l->mac, 0, sizeof(l->mac));
        if (!kea_hex(r->s[KEA_F_HWADDR], r->n[KEA_F_HWADDR], buf,
                     sizeof(buf), &n)) {
            return "bad hwaddr";
        }
        l->hw_len = (uint8_t) (n > 6 ? 6 : n);
        memcpy(l->mac, buf, l->hw_len);
    }
    l->hw_type = l->hw_len ? 1 : 0;
    /* The common client id, type 1 and the hardware address ("01:" then
     * the hwaddr's own text): neither decoded nor stored, hc_lease_uid()
     * makes it from the MAC. */
    if (l->hw_len == 6 && r->n[KEA_F_HWADDR] == 17
        && r->n[KEA_F_CLIENT_ID] == 20
        && kea_uid_is_mac(r->s[KEA_F_CLIENT_ID], r->s[KEA_F_HWADDR])) {
        uid = HC_LEASE_UID_MAC;
    } else if (!kea_hex_arena(t, r->s[KEA_F_CLIENT_ID],
                              r->n[KEA_F_CLIENT_ID], 64, &uid)) {
        return "bad client_id";
    }
    for (int f = KEA_F_FQDN_FWD; f <= KEA_F_FQDN_REV; f++) {
        if (r->have[f] && (r->n[f] != 1 || (r->s[f][0] != '0'
                                            && r->s[f][0] != '1'))) {
            return f == KEA_F_FQDN_FWD ? "bad fqdn_fwd" : "bad fqdn_rev";
        }
    }
    l->state = HC_LEASE_ACTIVE;
    if (r->have[KEA_F_STATE]) {
        uint64_t st;

        if (!hc__parse_uint(r->s[KEA_F_STATE], r->n[KEA_F_STATE], 255,
                            &st)) {
            return "bad state";
        }
        if (st > 2) {
            return "unknown state";
        }
        l->state = st == 0 ? HC_LEASE_ACTIVE : st == 1 ? HC_LEASE_DECLINED
                 : HC_LEASE_RECLAIMED;
    }
    *ret_deleted = valid == 0;
    if (*ret_deleted) {
        return NULL;
    }
    l->uid = uid;
    if (r->have[KEA_F_HOSTNAME]) {
        l->hostname = hc__lease_arena_put(t, r->s[KEA_F_HOSTNAME],
                                          r->n[KEA_F_HOSTNAME]);
    }
    /* Kea: the client's last transmission is expire - valid_lifetime; an
     * infinite lifetime (all ones) never ends. */
    if (valid == UINT32_MAX) {
        l->ends = HC_LEASE_NEVER;
    } else {
        l->ends = expire >= HC_LEASE_NEVER ? HC_LEASE_NEVER - 1
                                           : (uint32_t) expire;
    }
    l->cltt = l->starts = expire >= valid
                          ? (uint32_t) MIN(expire - valid,
                                           (uint64_t) HC_LEASE_NEVER - 1)
                          : 0;
    ucn = r->have[KEA_F_USER_CONTEXT] ? r->n[KEA_F_USER_CONTEXT] : 0;
    if (ucn) {
        kea_extra(t, "subnet-id", r->s[KEA_F_SUBNET], r->n[KEA_F_SUBNET]);
        kea_extra(t, "user-context", r->s[KEA_F_USER_CONTEXT], ucn);
    } else {
        /* The common row: its one extra, most often the same bytes as the
         * row before's (hc__lease_commit_next() then has no extras of the
         * table's to store). */
        const char *sv = r->s[KEA_F_SUBNET];
        size_t sn = r->n[KEA_F_SUBNET];

        l->extras = kea_subnet_extras_last(t, sv, sn);
        if (!l->extras) {
            uint8_t x[3 + 9 + 20];

            x[0] = 9;
            memcpy(x + 1, "subnet-id", 9);
            x[10] = (uint8_t) sn;
            x[11] = 0;
            memcpy(x + 12, sv, sn);
            l->extras = hc__lease_extras_ref(t, x, 12 + sn);
        }
    }
    return NULL;
}

/* One line of the file, without its newline. */
static void kea_line(hc_lease_table *t, const char *p, const char *end,
                     uint32_t line)
{
    size_t arena_mark = t->arena_len;
    hc_lease row, *l;
    bool deleted = false;
    const char *why;
    kea_row r;

    /* The same limit as for a row still without its newline (see
     * hc__kea_parse_until()), so that a reading does not depend on how
     * the bytes came in. */
    if ((size_t) (end - p) > KEA_MAX_ROW) {
        hc__lease_add_error(t, line, "row longer than %u bytes", KEA_MAX_ROW);
        t->generation++;
        return;
    }
    if (end > p && end[-1] == '\r') {
        end--;
    }
    if (p == end) {
        return;
    }
    /* A row starts with its address, a digit: only a line starting as
     * the header does ("address,") can be one. */
    if (*p == 'a' && hc__kea_header(t, p, (size_t) (end - p))) {
        return;
    }
    if (!t->kea_ncols) {
        hc__kea_header(t, kea_default_header, sizeof(kea_default_header) - 1);
    }
    t->extras->len = 0;     /* (set_size would go through remove_range) */
    why = kea_split(t, p, end, &r);
    if (why) {
        hc__lease_add_error(t, line, "%s", why);
        t->generation++;
        return;
    }
    /* A log keeps rows of its own form: the lease is built aside. */
    if (t->log) {
        memset(&row, 0, sizeof(row));
        l = &row;
    } else {
        l = hc__lease_next(t);
    }
    l->line = line;
    why = kea_row_lease(t, &r, l, &deleted);
    if (why) {
        t->arena_len = arena_mark;
        hc__lease_add_error(t, line, "%s", why);
        t->generation++;
        return;
    }
    if (deleted) {
        uint32_t ip = l->ip;

        t->arena_len = arena_mark;
        t->records++;
        t->generation++;
        hc__lease_remove(t, ip);
        return;
    }
    if (t->log) {
        hc__lease_commit(t, l);
    } else {
        hc__lease_commit_next(t);
    }
}

ssize_t hc__kea_parse_until(hc_lease_table *t, const char *buf, size_t len,
                            bool eof, size_t *stop)
{
    const char *p = buf, *end = buf + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));

        if ((size_t) (p - buf) >= *stop) {
            if ((size_t) (p - buf) == *stop) {
                *stop = SIZE_MAX - 1;
                return p - buf;
            }
            *stop = SIZE_MAX;
        }
        if (t->kea_skip) {
            if (!nl) {
                p = end;
                break;
            }
            t->kea_skip = false;
            t->line++;
            p = nl + 1;
            continue;
        }
        if (!nl) {
            if (!eof && end - p > KEA_MAX_ROW) {
                /* Not something Kea wrote: reported once, and skipped to
                 * its end, so that the follower does not hold it. */
                hc__lease_add_error(t, t->line, "row longer than %u bytes",
                                    KEA_MAX_ROW);
                t->generation++;
                t->kea_skip = true;
                p = end;
                break;
            }
            if (!eof) {
                break;
            }
            /* Kea ends every row with a newline: one without is cut. */
            hc__lease_add_error(t, t->line, "truncated row");
            t->generation++;
            p = end;
            break;
        }
        kea_line(t, p, nl, t->line);
        t->line++;
        p = nl + 1;
    }
    return (ssize_t) (p - buf);
}
