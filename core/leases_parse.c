/* dhcpd.leases: a hand-written scanner over the caller's buffer (no
 * regex, no per-line allocation) and a parser that fills the lease table
 * (leases_table.c) record by record.
 *
 * The grammar is dhcpd 4.4's (common/parse.c, server/db.c write it): a
 * sequence of top-level statements, each ending in ';' or a braced block.
 * Strings never span lines in what dhcpd writes (it escapes every control
 * byte as \ooo), so a newline ends a bad string: a broken record costs one
 * error, not the rest of the file. */
#include "leases.h"

#include <stdlib.h>
#include <string.h>

#include "leases_int.h"

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
    return strlen(hc__lease_state_names[i]) == n && !memcmp(s, hc__lease_state_names[i], n)
           ? i : -1;
}

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
        if (b.type != T_WORD
            || !hc__parse_uint(b.s, b.n, HC_LEASE_NEVER - 1, &v)) {
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

    hc__lease_arena_reserve(t, v->n + 2);
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

/* Stores the bytes of a string already checked to hold no bare quote. */
static uint32_t arena_put_quoted(hc_lease_table *t, const char *s, size_t n,
                                 bool escapes)
{
    size_t ref = t->arena_len, len;
    uint8_t *dst;

    hc__lease_arena_reserve(t, n + 2);
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

/* "client-hostname VALUE;" and "uid VALUE;" after the keyword: the value
 * into the arena at *ref. */
static int parse_string_statement(hc_lease_table *t, lexer *lx,
                                  uint32_t *ref, const char *bad,
                                  const char **why)
{
    tok a, b;

    if (next(lx, &a) == T_MORE || next(lx, &b) == T_MORE) {
        return P_MORE;
    }
    if ((a.type != T_STR && a.type != T_WORD) || b.type != T_SEMI) {
        *why = bad;
        return P_ERR;
    }
    *ref = arena_put_token(t, &a);
    return P_OK;
}

/* "[next|rewind] binding state S;" after its first word k. */
static int parse_binding_state(lexer *lx, hc_lease *l, const tok *k,
                               const char **why)
{
    uint8_t *dst = k->s[0] == 'b' ? &l->state
                 : k->s[0] == 'n' ? &l->next_state
                 : &l->rewind_state;
    tok a, b;
    int st;

    if (k->s[0] != 'b') {
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
    return P_OK;
}

/* "hardware TYPE XX:XX:...;" after the keyword. */
static int parse_hardware(lexer *lx, hc_lease *l, const char **why)
{
    size_t n = 0;
    uint8_t mac[16];
    tok a, b;

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
    return P_OK;
}

/* One statement of a lease body, after its keyword k (the general path,
 * for what fast_statement() did not take).  -1: not a statement we read
 * (the caller skips it). */
static int parse_lease_statement(hc_lease_table *t, lexer *lx, hc_lease *l,
                                 const tok *k, const char **why)
{
    switch (k->s[0]) {
    case 's':
        if (TOK_IS(k, "starts")) {
            return parse_when(lx, &l->starts, why);
        }
        if (TOK_IS(k, "set")) {
            return parse_extra(t, lx, l, true, why);
        }
        break;
    case 'e':
        if (TOK_IS(k, "ends")) {
            return parse_when(lx, &l->ends, why);
        }
        break;
    case 't':
        if (TOK_IS(k, "tstp")) {
            return parse_when(lx, &l->tstp, why);
        }
        if (TOK_IS(k, "tsfp")) {
            return parse_when(lx, &l->tsfp, why);
        }
        break;
    case 'a':
        if (TOK_IS(k, "atsfp")) {
            return parse_when(lx, &l->atsfp, why);
        }
        break;
    case 'c':
        if (TOK_IS(k, "cltt")) {
            return parse_when(lx, &l->cltt, why);
        }
        if (TOK_IS(k, "client-hostname")) {
            return parse_string_statement(t, lx, &l->hostname,
                                          "bad client-hostname", why);
        }
        break;
    case 'b':
    case 'n':
    case 'r':
        if (TOK_IS(k, "binding") || TOK_IS(k, "next")
            || TOK_IS(k, "rewind")) {
            return parse_binding_state(lx, l, k, why);
        }
        break;
    case 'h':
        if (TOK_IS(k, "hardware")) {
            return parse_hardware(lx, l, why);
        }
        break;
    case 'u':
        if (TOK_IS(k, "uid")) {
            return parse_string_statement(t, lx, &l->uid, "bad uid", why);
        }
        break;
    case 'o':
        if (TOK_IS(k, "option")) {
            return parse_extra(t, lx, l, false, why);
        }
        break;
    default:
        break;
    }
    return -1;
}

/* The body of "lease A.B.C.D {" up to its '}'. */
static int parse_lease_body(hc_lease_table *t, lexer *lx, hc_lease *l,
                            const char **why)
{
    tok k;
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
        r = parse_lease_statement(t, lx, l, &k, why);
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
    if (a.type != T_WORD || !hc__parse_ipv4(a.s, a.n, &l.ip)) {
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
    __builtin_prefetch(&t->index[hc__lease_slot_of(l.ip, t->index_cap)], 1);
    r = parse_lease_body(t, lx, &l, why);
    if (r == P_OK) {
        hc__lease_commit(t, &l);
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
            hc__lease_failover_free(fo);
            return P_MORE;
        }
        if (a.type == T_RBRACE) {
            break;
        }
        if (TOK_IS(&a, "my") || TOK_IS(&a, "partner")) {
            bool my = TOK_IS(&a, "my");

            if (next(lx, &b) == T_MORE || next(lx, &c) == T_MORE) {
                hc__lease_failover_free(fo);
                return P_MORE;
            }
            if (TOK_IS(&b, "state") && c.type == T_WORD) {
                copy_word(my ? fo->my_state : fo->partner_state, 32, &c);
                if (next(lx, &b) == T_MORE) {
                    hc__lease_failover_free(fo);
                    return P_MORE;
                }
                if (TOK_IS(&b, "at")) {
                    r = parse_when(lx, my ? &fo->my_since
                                          : &fo->partner_since, why);
                    if (r != P_OK) {
                        hc__lease_failover_free(fo);
                        return r;
                    }
                    continue;
                }
                lx->p = b.s;
            }
        } else if (TOK_IS(&a, "mclt")) {
            uint64_t v = 0;

            if (next(lx, &b) == T_MORE) {
                hc__lease_failover_free(fo);
                return P_MORE;
            }
            if (b.type == T_WORD && hc__parse_uint(b.s, b.n, UINT32_MAX, &v)) {
                fo->mclt = (uint32_t) v;
            }
        } else if (a.type == T_END) {
            hc__lease_failover_free(fo);
            *why = "truncated failover state";
            return P_ERR;
        }
        if (a.type != T_SEMI) {
            r = skip_statement(lx, 0);
            if (r != P_OK) {
                hc__lease_failover_free(fo);
                return r == P_ERR ? (*why = "truncated failover state", P_ERR)
                                  : r;
            }
        }
    }
    /* The newest state block for a peer replaces the older one. */
    for (guint i = 0; i < t->failover->len; i++) {
        hc_lease_failover *o = t->failover->pdata[i];

        if (!strcmp(o->name, fo->name)) {
            hc__lease_failover_free(o);
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

/* One top-level statement after its first token k (at line). */
static int parse_top_statement(hc_lease_table *t, lexer *lx, const tok *k,
                               uint32_t line, const char **why)
{
    int r;

    if (TOK_IS(k, "lease")) {
        return parse_lease(t, lx, line, why);
    }
    if (TOK_IS(k, "failover")) {
        return parse_failover(t, lx, why);
    }
    if (TOK_IS(k, "server-duid")) {
        return parse_duid(t, lx, why);
    }
    if (k->type == T_RBRACE || k->type == T_SEMI) {
        /* Stray punctuation between records. */
        if (k->type == T_RBRACE) {
            hc__lease_add_error(t, line, "unexpected '}'");
        }
        return P_OK;
    }
    if (k->type == T_BADSTR) {
        *why = "unterminated string";
        return P_ERR;
    }
    /* authoring-byte-order, host, class, subclass, ia-na, ...: not leases
     * we show. */
    r = skip_statement(lx, k->type == T_LBRACE ? 1 : 0);
    if (r == P_ERR) {
        *why = "truncated statement";
    }
    return r;
}

/* A statement at stmt (line) still open after MAX_PENDING bytes: reports
 * it and moves lx to the next "lease" line (or the last line start)
 * within those bytes.  false when the statement is not that long yet, or
 * no line starts in it. */
static bool skip_long_record(hc_lease_table *t, lexer *lx, const char *stmt,
                             uint32_t line)
{
    const char *q;

    if ((size_t) (lx->end - stmt) <= MAX_PENDING) {
        return false;
    }
    /* The search looks at the first MAX_PENDING bytes only, whatever was
     * read beyond: where the parse resumes depends on the file alone, not
     * on how it was read. */
    q = memmem(stmt + 1, MAX_PENDING - 1, "\nlease ", 7);
    if (!q) {
        q = memrchr(stmt, '\n', MAX_PENDING);
    }
    if (!q) {
        return false;
    }
    hc__lease_add_error(t, line, "record longer than %u bytes", MAX_PENDING);
    t->generation++;
    lx->line = line + count_lines(stmt, q + 1);
    lx->p = q + 1;
    return true;
}

static ssize_t dhcpd_parse_until(hc_lease_table *t, const char *buf,
                                 size_t len, bool eof, size_t *stop)
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
        r = parse_top_statement(t, &lx, &k, line, &why);
        if (r == P_ERR && (TOK_IS(&k, "lease") || TOK_IS(&k, "failover"))
            && recover_record(&lx) == P_MORE && !eof) {
            /* The error is reported once the broken record is complete. */
            r = P_MORE;
        }
        if (r == P_MORE) {
            t->arena_len = arena_mark;
            if (eof) {
                hc__lease_add_error(t, line, "truncated record");
                t->generation++;
                done = len;
                break;
            }
            if (skip_long_record(t, &lx, stmt, line)) {
                done = (size_t) (lx.p - buf);
                t->line = lx.line;
                continue;
            }
            break;
        }
        if (r == P_ERR) {
            t->arena_len = arena_mark;
            hc__lease_add_error(t, line, "%s", why ? why : "malformed record");
            t->generation++;
        }
        done = (size_t) (lx.p - buf);
        t->line = lx.line;
    }
    /* At the end of the file everything is consumed, whatever it was. */
    return (ssize_t) (eof ? len : done);
}

/* The first bytes of a file tell whose it is: Kea's starts with its
 * column header. */
ssize_t hc__leases_parse_until(hc_lease_table *t, const char *buf,
                               size_t len, bool eof, size_t *stop)
{
    if (t->format == HC_LEASE_FMT_UNKNOWN) {
        int kea = hc__kea_detect(buf, len, eof);

        if (kea < 0) {
            return 0;
        }
        t->format = kea ? HC_LEASE_FMT_KEA : HC_LEASE_FMT_DHCPD;
    }
    if (t->format == HC_LEASE_FMT_KEA) {
        return hc__kea_parse_until(t, buf, len, eof, stop);
    }
    return dhcpd_parse_until(t, buf, len, eof, stop);
}

ssize_t hc_leases_parse(hc_lease_table *t, const char *buf, size_t len,
                        bool eof)
{
    size_t stop = SIZE_MAX;

    return hc__leases_parse_until(t, buf, len, eof, &stop);
}
