#include "kea_read.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "failover.h"

char *hc_kea_conf_lease_file(const char *text, size_t len)
{
    GRegex *re = g_regex_new("\"lease-database\"\\s*:\\s*\\{([^}]*)\\}",
                             G_REGEX_RAW, 0, NULL);
    GRegex *name = g_regex_new("\"name\"\\s*:\\s*\"([^\"\\\\]*)\"",
                               G_REGEX_RAW, 0, NULL);
    GRegex *type = g_regex_new("\"type\"\\s*:\\s*\"([^\"]*)\"", G_REGEX_RAW,
                               0, NULL);
    GMatchInfo *m = NULL;
    char *db = NULL, *file = NULL;

    if (g_regex_match_full(re, text, (gssize) len, 0, 0, &m, NULL)) {
        db = g_match_info_fetch(m, 1);
    }
    g_match_info_free(m);
    m = NULL;
    if (db && g_regex_match(type, db, 0, &m)) {
        char *t = g_match_info_fetch(m, 1);

        if (strcmp(t, "memfile")) {
            g_clear_pointer(&db, g_free);
        }
        g_free(t);
    }
    g_match_info_free(m);
    m = NULL;
    if (db && g_regex_match(name, db, 0, &m)) {
        file = g_match_info_fetch(m, 1);
    }
    g_match_info_free(m);
    g_free(db);
    g_regex_unref(re);
    g_regex_unref(name);
    g_regex_unref(type);
    return file;
}

/* "aa:bb:..." into mac (at most 6 bytes kept); false when it is not. */
static bool parse_hw(const char *s, size_t n, uint8_t mac[6], uint8_t *len)
{
    size_t i = 0;

    *len = 0;
    while (i < n) {
        unsigned v = 0;

        for (int k = 0; k < 2; k++, i++) {
            char c = i < n ? s[i] : 0;

            if (!g_ascii_isxdigit(c)) {
                return false;
            }
            v = v * 16 + (unsigned) g_ascii_xdigit_value(c);
        }
        if (*len < 6) {
            mac[(*len)++] = (uint8_t) v;
        }
        if (i < n && s[i++] != ':') {
            return false;
        }
    }
    return *len > 0;
}

static bool parse_u32(const char *s, size_t n, uint32_t *ret)
{
    uint64_t v = 0;

    if (n == 0 || n > 10) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t) (s[i] - '0');
    }
    if (v > UINT32_MAX) {
        return false;
    }
    *ret = (uint32_t) v;
    return true;
}

/* One row: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,
 * fqdn_fwd,fqdn_rev,hostname,state[,user_context] (Kea 2.x). */
static bool parse_row(const char *s, size_t n, uint32_t now, hc_fo_lease *l)
{
    const char *f[10];
    size_t fl[10];
    int nf = 0;
    size_t start = 0;
    uint32_t state = 0, expire = 0;
    char ip[16];
    struct in_addr a;

    for (size_t i = 0; i <= n && nf < 10; i++) {
        if (i == n || s[i] == ',') {
            f[nf] = s + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    if (nf < 10 || fl[0] == 0 || fl[0] >= sizeof(ip)) {
        return false;
    }
    memcpy(ip, f[0], fl[0]);
    ip[fl[0]] = 0;
    if (inet_pton(AF_INET, ip, &a) != 1 || !parse_u32(f[4], fl[4], &expire)
        || !parse_u32(f[9], fl[9], &state)) {
        return false;
    }
    memset(l, 0, sizeof(*l));
    l->ip = ntohl(a.s_addr);
    if (fl[1] && !parse_hw(f[1], fl[1], l->mac, &l->mac_len)) {
        return false;
    }
    l->ends = expire;
    l->active = state == 0 && expire > now;
    return true;
}

void hc_kea_csv_leases(const char *buf, size_t len, uint32_t now,
                       GArray *out, unsigned *ret_bad,
                       unsigned *ret_bad_line)
{
    GHashTable *at = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned bad = 0, bad_line = 0, line = 0;
    size_t pos = 0;

    g_array_set_size(out, 0);
    while (pos < len) {
        const char *s = buf + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t) (nl - s) : len - pos;
        hc_fo_lease l;

        line++;
        pos += n + 1;
        if (n && s[n - 1] == '\r') {
            n--;
        }
        if (n == 0 || (n >= 8 && !memcmp(s, "address,", 8))) {
            continue;
        }
        if (!parse_row(s, n, now, &l)) {
            if (!bad++) {
                bad_line = line;
            }
            continue;
        }
        {
            gpointer idx;

            if (g_hash_table_lookup_extended(at, GUINT_TO_POINTER(l.ip + 1u),
                                             NULL, &idx)) {
                g_array_index(out, hc_fo_lease, GPOINTER_TO_UINT(idx)) = l;
            } else {
                g_hash_table_insert(at, GUINT_TO_POINTER(l.ip + 1u),
                                    GUINT_TO_POINTER(out->len));
                g_array_append_val(out, l);
            }
        }
    }
    g_hash_table_destroy(at);
    if (ret_bad) {
        *ret_bad = bad;
    }
    if (ret_bad_line) {
        *ret_bad_line = bad_line;
    }
}
