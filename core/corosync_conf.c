/* Reading corosync.conf (not writing it: gen_corosync.c), to tell whether
 * a file already on a node makes the cluster hacon would make. */
#include <errno.h>
#include <string.h>

#include "gen_corosync.h"
#include "util.h"

#define MAX_DEPTH 8

int hc_corosync_conf_parse(const char *text, size_t len, GHashTable **ret,
                           char **ret_err)
{
    GHashTable *kv = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           g_free);
    /* Per depth: the section's path and how many "node"/"interface"
     * sections it has had, for their numbers. */
    char *path[MAX_DEPTH + 1] = { NULL };
    int nodes[MAX_DEPTH + 1] = { 0 }, ifaces[MAX_DEPTH + 1] = { 0 };
    int depth = 0, rc = 0;
    size_t lineno = 0;
    const char *p = text, *end = text + len;

    *ret = NULL;
    path[0] = g_strdup("");
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t ll = nl ? (size_t) (nl - p) : (size_t) (end - p);
        bool nul = memchr(p, 0, ll) != NULL;
        char *line = g_strndup(p, ll), *l = g_strstrip(line), *colon;
        size_t n = strlen(l);

        lineno++;
        p += ll + (nl ? 1 : 0);
        if (nul) {
            *ret_err = g_strdup_printf("line %zu: a NUL byte", lineno);
            rc = -EINVAL;
        } else if (!n || l[0] == '#') {
            /* blank or comment */
        } else if (!strcmp(l, "}")) {
            if (depth == 0) {
                *ret_err = g_strdup_printf("line %zu: } without a section",
                                           lineno);
                rc = -EINVAL;
            } else {
                g_clear_pointer(&path[depth], g_free);
                depth--;
            }
        } else if (l[n - 1] == '{') {
            char *name = g_strstrip(g_strndup(l, n - 1));

            if (!*name || strchr(name, ' ') || strchr(name, ':')) {
                *ret_err = g_strdup_printf("line %zu: a section needs a "
                                           "name", lineno);
                rc = -EINVAL;
            } else if (depth == MAX_DEPTH) {
                *ret_err = g_strdup_printf("line %zu: sections nested more "
                                           "than %d deep", lineno, MAX_DEPTH);
                rc = -EINVAL;
            } else {
                const char *parent = path[depth];
                char *sub = !strcmp(name, "node")
                            ? g_strdup_printf("node.%d", nodes[depth]++)
                            : !strcmp(name, "interface")
                            ? g_strdup_printf("interface.%d", ifaces[depth]++)
                            : g_strdup(name);

                depth++;
                path[depth] = *parent ? g_strdup_printf("%s.%s", parent, sub)
                                      : g_strdup(sub);
                nodes[depth] = ifaces[depth] = 0;
                g_free(sub);
            }
            g_free(name);
        } else if ((colon = strchr(l, ':'))) {
            char *key, *value;

            *colon = 0;
            key = g_strstrip(l);
            value = g_strstrip(colon + 1);
            if (!*key || strchr(key, ' ')) {
                *ret_err = g_strdup_printf("line %zu: expected key: value",
                                           lineno);
                rc = -EINVAL;
            } else {
                g_hash_table_replace(kv, *path[depth]
                                     ? g_strdup_printf("%s.%s", path[depth],
                                                       key)
                                     : g_strdup(key), g_strdup(value));
            }
        } else {
            *ret_err = g_strdup_printf("line %zu: expected key: value, "
                                       "\"name {\" or \"}\"", lineno);
            rc = -EINVAL;
        }
        g_free(line);
    }
    if (rc == 0 && depth > 0) {
        *ret_err = g_strdup_printf("section %s is not closed", path[depth]);
        rc = -EINVAL;
    }
    for (int i = 0; i <= MAX_DEPTH; i++) {
        g_free(path[i]);
    }
    if (rc < 0) {
        g_hash_table_unref(kv);
        return rc;
    }
    *ret = kv;
    return 0;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static const char *get(GHashTable *kv, const char *key, const char *def)
{
    const char *v = g_hash_table_lookup(kv, key);

    return v ? v : def;
}

/* The nodes as sorted "name/nodeid/ring0_addr" words, one string. */
static char *node_set(GHashTable *kv)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    GString *s = g_string_new(NULL);

    for (int i = 0; i < 64; i++) {
        char *kn = g_strdup_printf("nodelist.node.%d.name", i);
        char *ki = g_strdup_printf("nodelist.node.%d.nodeid", i);
        char *ka = g_strdup_printf("nodelist.node.%d.ring0_addr", i);
        bool any = g_hash_table_contains(kv, kn)
                   || g_hash_table_contains(kv, ki)
                   || g_hash_table_contains(kv, ka);

        if (any) {
            g_ptr_array_add(a, g_strdup_printf("%s/%s/%s", get(kv, kn, "-"),
                                               get(kv, ki, "-"),
                                               get(kv, ka, "-")));
        }
        g_free(kn);
        g_free(ki);
        g_free(ka);
        if (!any) {
            break;
        }
    }
    g_ptr_array_sort(a, cmp_str);
    for (guint i = 0; i < a->len; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "",
                               (char *) a->pdata[i]);
    }
    g_ptr_array_free(a, TRUE);
    return g_string_free(s, FALSE);
}

char *hc_corosync_conf_differs(const char *have, size_t have_len,
                               const char *want, size_t want_len)
{
    static const struct { const char *key, *def; } same[] = {
        { "totem.cluster_name", "" },
        { "totem.transport", "knet" },
        { "totem.crypto_cipher", "none" },
        { "totem.crypto_hash", "none" },
        { "quorum.provider", "" },
        { "quorum.two_node", "0" },
    };
    GHashTable *h = NULL, *w = NULL;
    GString *d = g_string_new(NULL);
    char *err = NULL;

    if (hc_corosync_conf_parse(have, have_len, &h, &err) < 0) {
        g_string_append_printf(d, "does not parse: %s", err);
        g_free(err);
        return g_string_free(d, FALSE);
    }
    if (hc_corosync_conf_parse(want, want_len, &w, &err) < 0) {
        g_string_append_printf(d, "hacon's does not parse: %s", err);
        g_free(err);
        g_hash_table_unref(h);
        return g_string_free(d, FALSE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
        const char *a = get(h, same[i].key, same[i].def);
        const char *b = get(w, same[i].key, same[i].def);

        /* A quorum device in two_node's place (corosync refuses both):
         * the third vote that step fence's fencing=qdevice adds. */
        if (!strcmp(same[i].key, "quorum.two_node") && !strcmp(b, "1")
            && strcmp(a, "1") && *get(h, "quorum.device.model", "")) {
            continue;
        }
        if (strcmp(a, b)) {
            char *ea = hc_escape(a, 40), *eb = hc_escape(b, 40);

            g_string_append_printf(d, "%s%s %s%s, not %s", d->len ? "; " : "",
                                   same[i].key, *a ? "" : "unset", ea, eb);
            g_free(ea);
            g_free(eb);
        }
    }
    {
        char *na = node_set(h), *nb = node_set(w);

        if (strcmp(na, nb)) {
            char *ea = hc_escape(na, 120), *eb = hc_escape(nb, 120);

            g_string_append_printf(d, "%snodes (name/nodeid/ring0_addr) %s, "
                                   "not %s", d->len ? "; " : "",
                                   *na ? ea : "none", eb);
            g_free(ea);
            g_free(eb);
        }
        g_free(na);
        g_free(nb);
    }
    g_hash_table_unref(h);
    g_hash_table_unref(w);
    if (!d->len) {
        g_string_free(d, TRUE);
        return NULL;
    }
    return g_string_free(d, FALSE);
}
