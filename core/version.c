/* The version and agent checksums, generated from debian/changelog and
 * agents/ into build/gen/hc_version.h, and the reading of another node's
 * (the setup's preflight). */
#include "version.h"

#include <errno.h>
#include <string.h>

#include "hc_version.h"
#include "util.h"

static const hc_agent_sum agent_sums[] = { HC_AGENT_SUMS };

const char *hc_version(void)
{
    return HC_VERSION;
}

const hc_agent_sum *hc_agent_sums(size_t *n)
{
    *n = sizeof(agent_sums) / sizeof(agent_sums[0]);
    return agent_sums;
}

void hc_hacon_install_clear(hc_hacon_install *h)
{
    g_free(h->version);
    g_free(h->path);
    g_free(h->dpkg);
    g_strfreev(h->sums);
    memset(h, 0, sizeof(*h));
}

static bool is_sha256(const char *s)
{
    size_t i;

    if (!strcmp(s, "-")) {
        return true;
    }
    for (i = 0; s[i]; i++) {
        if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i])) {
            return false;
        }
    }
    return i == 64;
}

/* A value as it may be shown: printable ASCII, at most 255 bytes. */
static bool is_value(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (s[i] < 0x20 || s[i] > 0x7e) {
            return false;
        }
    }
    return i <= 255;
}

int hc_hacon_install_parse(const char *buf, size_t len,
                           hc_hacon_install *ret, char **ret_err)
{
    static const char *const keys[] = { "version", "path", "dpkg" };
    char *vals[3] = { NULL, NULL, NULL };
    GPtrArray *sums = g_ptr_array_new_with_free_func(g_free);
    size_t n_sums, line = 0, pos = 0;
    char *err = NULL;

    hc_agent_sums(&n_sums);
    memset(ret, 0, sizeof(*ret));
    while (!err && pos < len) {
        const char *start = buf + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t) (nl - start) : len - pos;
        const char *sp = memchr(start, ' ', n);
        size_t klen = sp ? (size_t) (sp - start) : n;
        char *v;
        size_t k;

        line++;
        pos += n + 1;
        if (n == 0) {
            continue;
        }
        if (memchr(start, '\0', n)) {
            err = g_strdup_printf("line %zu: a NUL byte", line);
            break;
        }
        v = sp ? g_strndup(sp + 1, n - klen - 1) : g_strdup("");
        for (k = 0; k < G_N_ELEMENTS(keys); k++) {
            if (klen == strlen(keys[k]) && !memcmp(start, keys[k], klen)) {
                break;
            }
        }
        if (k < G_N_ELEMENTS(keys)) {
            if (vals[k]) {
                err = g_strdup_printf("line %zu: a second %s line", line,
                                      keys[k]);
            } else if (!is_value(v)) {
                err = g_strdup_printf("line %zu: the %s is not printable "
                                      "text", line, keys[k]);
            } else {
                vals[k] = g_steal_pointer(&v);
            }
        } else if (klen == 5 && !memcmp(start, "agent", 5)) {
            if (sums->len >= n_sums) {
                err = g_strdup_printf("line %zu: more than %zu agent%s",
                                      line, n_sums, n_sums == 1 ? "" : "s");
            } else if (!is_sha256(v)) {
                err = g_strdup_printf("line %zu: an agent's checksum is "
                                      "not 64 hex digits or -", line);
            } else {
                g_ptr_array_add(sums, g_steal_pointer(&v));
            }
        } else {
            GString *e = g_string_new(NULL);

            hc_escape_append(e, start, klen, 40);
            err = g_strdup_printf("line %zu: unexpected '%s'", line, e->str);
            g_string_free(e, TRUE);
        }
        g_free(v);
    }
    for (size_t k = 0; !err && k < G_N_ELEMENTS(keys); k++) {
        if (!vals[k]) {
            err = g_strdup_printf("no %s line", keys[k]);
        }
    }
    if (!err && sums->len != n_sums) {
        err = g_strdup_printf("%u agent%s where %zu %s expected", sums->len,
                              sums->len == 1 ? "" : "s", n_sums,
                              n_sums == 1 ? "was" : "were");
    }
    if (err) {
        for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
            g_free(vals[k]);
        }
        g_ptr_array_free(sums, TRUE);
        *ret_err = err;
        return -EINVAL;
    }
    ret->version = vals[0];
    ret->path = vals[1];
    ret->dpkg = vals[2];
    g_ptr_array_add(sums, NULL);
    ret->sums = (char **) g_ptr_array_free(sums, FALSE);
    return 0;
}

bool hc_hacon_install_same(const hc_hacon_install *h, GString *why)
{
    size_t n;
    const hc_agent_sum *sums = hc_agent_sums(&n);
    bool same = !strcmp(h->version, hc_version());

    if (!same && why) {
        if (*h->version) {
            g_string_append_printf(why, "hacon %s (this node: %s)",
                                   h->version, hc_version());
        } else {
            g_string_append(why, "no hacon on its PATH");
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(h->sums[i], sums[i].sha256)) {
            same = false;
            if (why) {
                g_string_append_printf(why, "%sthe agent %s/%s %s",
                                       why->len ? ", " : "", HC_AGENT_DIR,
                                       sums[i].name, strcmp(h->sums[i], "-")
                                       ? "is another version" : "is missing");
            }
        }
    }
    return same;
}
