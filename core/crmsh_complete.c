/* Resource agents (the OCF tree and each agent's meta-data) and the
 * completion of crm shell lines for the console's command line. */
#include "crmsh.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <crm/common/nvpair.h>
#include <crm/common/xml.h>

#include "crmsh_int.h"
#include "exec.h"
#include "util.h"

/* ---- agents --------------------------------------------------------- */

static const char *ocf_root(void)
{
    const char *r = g_getenv("OCF_ROOT");

    return (r && *r) ? r : "/usr/lib/ocf";
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *hc_crm_list_agents(void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char *base = g_build_filename(ocf_root(), "resource.d", NULL);
    DIR *d = opendir(base);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char *pdir = g_build_filename(base, e->d_name, NULL);
        DIR *pd = opendir(pdir);
        struct dirent *a;
        while (pd && (a = readdir(pd))) {
            if (a->d_name[0] == '.') {
                continue;
            }
            char *path = g_build_filename(pdir, a->d_name, NULL);
            struct stat st;
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)
                && access(path, X_OK) == 0) {
                g_ptr_array_add(out, g_strdup_printf("ocf:%s:%s", e->d_name,
                                                     a->d_name));
            }
            g_free(path);
        }
        if (pd) {
            closedir(pd);
        }
        g_free(pdir);
    }
    if (d) {
        closedir(d);
    }
    g_free(base);
    g_ptr_array_sort(out, cmp_str);
    return out;
}

typedef struct agent_info {
    int rc;
    GPtrArray *names;
    GPtrArray *required;
} agent_info;

static GHashTable *agent_cache;

static void agent_info_free(gpointer p)
{
    agent_info *a = p;

    g_ptr_array_unref(a->names);
    g_ptr_array_unref(a->required);
    g_free(a);
}

void hc_crm_agent_cache_clear(void)
{
    if (agent_cache) {
        g_hash_table_destroy(agent_cache);
        agent_cache = NULL;
    }
}

static void parse_meta_data(const char *text, agent_info *a)
{
    xmlNode *doc = string2xml(text);
    xmlNode *params = NULL;

    if (!doc) {
        a->rc = -EBADMSG;
        return;
    }
    for (xmlNode *c = doc->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && !strcmp((const char *)c->name, "parameters")) {
            params = c;
        }
    }
    for (xmlNode *p = params ? params->children : NULL; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE
            || strcmp((const char *)p->name, "parameter")) {
            continue;
        }
        const char *name = crm_element_value(p, "name");
        const char *req = crm_element_value(p, "required");
        if (!name) {
            continue;
        }
        g_ptr_array_add(a->names, g_strdup(name));
        if (req && (!strcmp(req, "1") || !strcmp(req, "true"))) {
            g_ptr_array_add(a->required, g_strdup(name));
        }
    }
    a->rc = 0;
    free_xml(doc);
}

int hc_crm_agent_params(const char *cls, const char *provider,
                        const char *type, GPtrArray **ret_names,
                        GPtrArray **ret_required)
{
    if (!cls || strcmp(cls, "ocf") || !provider || !type
        || strchr(provider, '/') || strchr(type, '/')
        || !strcmp(provider, "..") || !strcmp(type, "..")) {
        return -EOPNOTSUPP;
    }
    char *key = g_strdup_printf("%s:%s:%s", cls, provider, type);
    if (!agent_cache) {
        agent_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            agent_info_free);
    }
    agent_info *a = g_hash_table_lookup(agent_cache, key);
    if (!a) {
        a = g_new0(agent_info, 1);
        a->names = g_ptr_array_new_with_free_func(g_free);
        a->required = g_ptr_array_new_with_free_func(g_free);
        char *path = g_build_filename(ocf_root(), "resource.d", provider,
                                      type, NULL);
        if (access(path, X_OK) != 0) {
            a->rc = -ENOENT;
        } else {
            /* The agent itself, as crm_resource --show-metadata runs it,
             * with the same OCF_ROOT that found it. */
            char *root_env = g_strdup_printf("OCF_ROOT=%s", ocf_root());
            const char *env[] = { root_env, NULL };
            const char *argv[] = { path, "meta-data", NULL };
            hc_exec_opts o = { .timeout_ms = 10000, .env = env };
            hc_exec_result r = { 0 };
            int rc = hc_exec(argv, &o, &r);
            if (rc < 0) {
                a->rc = rc;
            } else if (r.status != 0 || r.timed_out) {
                a->rc = -EIO;
            } else {
                parse_meta_data(r.out, a);
            }
            hc_exec_result_clear(&r);
            g_free(root_env);
        }
        g_free(path);
        g_hash_table_insert(agent_cache, g_strdup(key), a);
    }
    g_free(key);
    if (a->rc == 0) {
        *ret_names = a->names;
        *ret_required = a->required;
    }
    return a->rc;
}

/* ---- completion ----------------------------------------------------- */

static void add_if(GPtrArray *out, const char *partial, const char *cand)
{
    if (cand && g_str_has_prefix(cand, partial)) {
        g_ptr_array_add(out, g_strdup(cand));
    }
}

static void add_set(GPtrArray *out, const char *partial,
                    const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        add_if(out, partial, set[i]);
    }
}

static void add_resources(GPtrArray *out, const char *partial, xmlNode *cib,
                          bool addressable_only)
{
    GPtrArray *ids = g_ptr_array_new(), *addr = g_ptr_array_new();

    if (cib) {
        hc_crm_resource_ids(cib, ids, addr);
    }
    for (guint i = 0; i < ids->len; i++) {
        if (!addressable_only || ids->pdata[i] == addr->pdata[i]) {
            add_if(out, partial, ids->pdata[i]);
        }
    }
    g_ptr_array_unref(ids);
    g_ptr_array_unref(addr);
}

/* Top-level primitives: what a group or clone may take. */
static void add_free_primitives(GPtrArray *out, const char *partial,
                                xmlNode *cib)
{
    xmlNode *r = cib ? hc_crm_section(cib, "resources", false) : NULL;

    for (xmlNode *c = r ? r->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && (!strcmp((const char *)c->name, "primitive")
                || !strcmp((const char *)c->name, "group"))) {
            add_if(out, partial, crm_element_value(c, "id"));
        }
    }
}

static void add_nodes(GPtrArray *out, const char *partial, xmlNode *cib)
{
    GPtrArray *names = g_ptr_array_new();

    if (cib) {
        hc_crm_node_names(cib, names);
    }
    for (guint i = 0; i < names->len; i++) {
        add_if(out, partial, names->pdata[i]);
    }
    g_ptr_array_unref(names);
}

static void add_constraint_ids(GPtrArray *out, const char *partial,
                               xmlNode *cib)
{
    xmlNode *c = cib ? hc_crm_section(cib, "constraints", false) : NULL;

    for (xmlNode *k = c ? c->children : NULL; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            add_if(out, partial, crm_element_value(k, "id"));
        }
    }
}

/* RSC:ROLE or RSC:ACTION once a colon is typed, else the resources. */
static void add_ref(GPtrArray *out, const char *partial, xmlNode *cib,
                    const char *const *quals, size_t n)
{
    const char *colon = strchr(partial, ':');

    if (!colon) {
        add_resources(out, partial, cib, true);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *full = g_strdup_printf("%.*s:%s", (int)(colon - partial),
                                     partial, quals[i]);
        add_if(out, partial, full);
        g_free(full);
    }
}

static void add_agents(GPtrArray *out, const char *partial)
{
    GPtrArray *all = hc_crm_list_agents();

    for (guint i = 0; i < all->len; i++) {
        add_if(out, partial, all->pdata[i]);
    }
    g_ptr_array_unref(all);
}

static void add_params(GPtrArray *out, const char *partial,
                       const char *agent)
{
    gchar **parts = g_strsplit(agent, ":", 3);
    GPtrArray *names = NULL, *required = NULL;

    if (g_strv_length(parts) == 3
        && hc_crm_agent_params(parts[0], parts[1], parts[2], &names,
                               &required) == 0) {
        for (guint i = 0; i < names->len; i++) {
            char *w = g_strdup_printf("%s=", (char *)names->pdata[i]);
            add_if(out, partial, w);
            g_free(w);
        }
    }
    g_strfreev(parts);
}

static const char *const configure_words[] = {
    "property", "rsc_defaults", "op_defaults", "primitive", "ms", "clone",
    "group", "colocation", "order", "location", "delete",
};
static const char *const top_words[] = {
    "configure", "resource", "node", "property", "rsc_defaults",
    "op_defaults", "primitive", "ms", "clone", "group", "colocation",
    "order", "location", "delete",
};
static const char *const resource_words[] = {
    "move", "migrate", "unmigrate", "clear", "cleanup", "start", "stop",
};
static const char *const node_words[] = { "standby", "online" };
static const char *const op_names[] = {
    "monitor", "start", "stop", "promote", "demote", "notify", "reload",
};
static const char *const scores[] = { "inf:", "-inf:" };
static const char *const order_kinds[] = {
    "inf:", "Mandatory:", "Optional:", "Serialize:",
};
static const char *const primitive_keywords[] = {
    "params", "meta", "op", "utilization",
};

static void complete_primitive(GPtrArray *out, const char *partial,
                               char **w, int n)
{
    /* w[0] = primitive, w[1] = id, w[2] = agent, then sections. */
    if (n == 1) {
        return;     /* a new id: nothing to offer */
    }
    if (n == 2) {
        add_agents(out, partial);
        return;
    }
    const char *section = NULL;
    for (int i = 3; i < n; i++) {
        if (!strcmp(w[i], "params") || !strcmp(w[i], "param")
            || !strcmp(w[i], "meta") || !strcmp(w[i], "op")
            || !strcmp(w[i], "utilization")) {
            section = w[i];
        }
    }
    if (section && !strcmp(section, "op") && !strcmp(w[n - 1], "op")) {
        add_set(out, partial, op_names, G_N_ELEMENTS(op_names));
        return;
    }
    add_set(out, partial, primitive_keywords,
            G_N_ELEMENTS(primitive_keywords));
    if (section && (!strcmp(section, "params")
                    || !strcmp(section, "param"))) {
        add_params(out, partial, w[2]);
    }
}

int hc_crm_complete(const char *line, xmlNode *cib, GPtrArray **ret)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *words = g_ptr_array_new_with_free_func(hc_crm_word_free);
    hc_crm_error err;
    size_t len = strlen(line);

    *ret = NULL;
    if (hc_crm_tokenize(line, len, words, &err) < 0) {
        /* An open quote: nothing sensible to complete. */
        g_ptr_array_unref(words);
        *ret = out;
        return 0;
    }
    bool trailing_blank = len > 0 && (line[len - 1] == ' '
                                      || line[len - 1] == '\t');
    const char *partial = "";
    guint n_done = words->len;
    if (!trailing_blank && words->len > 0) {
        partial = ((hc_crm_word *)words->pdata[words->len - 1])->text;
        n_done--;
    }
    /* The finished words, after "crm" and "configure". */
    char **w = g_new0(char *, n_done + 1);
    int n = 0;
    bool configure = false;
    for (guint i = 0; i < n_done; i++) {
        char *t = ((hc_crm_word *)words->pdata[i])->text;
        if (n == 0 && !configure && !strcmp(t, "crm")) {
            continue;
        }
        if (n == 0 && !configure && !strcmp(t, "configure")) {
            configure = true;
            continue;
        }
        w[n++] = t;
    }

    if (n == 0) {
        if (configure) {
            add_set(out, partial, configure_words,
                    G_N_ELEMENTS(configure_words));
        } else {
            add_set(out, partial, top_words, G_N_ELEMENTS(top_words));
        }
    } else if (!configure && !strcmp(w[0], "resource")) {
        if (n == 1) {
            add_set(out, partial, resource_words,
                    G_N_ELEMENTS(resource_words));
        } else if (n == 2) {
            add_resources(out, partial, cib, false);
        } else if (n == 3 && (!strcmp(w[1], "move")
                              || !strcmp(w[1], "migrate")
                              || !strcmp(w[1], "cleanup"))) {
            add_nodes(out, partial, cib);
        }
    } else if (!configure && !strcmp(w[0], "node")) {
        if (n == 1) {
            add_set(out, partial, node_words, G_N_ELEMENTS(node_words));
        } else if (n == 2) {
            add_nodes(out, partial, cib);
        }
    } else if (!strcmp(w[0], "primitive")) {
        complete_primitive(out, partial, w, n);
    } else if (!strcmp(w[0], "ms") || !strcmp(w[0], "clone")
               || !strcmp(w[0], "group")) {
        if (n == 2 || (n > 2 && !strcmp(w[0], "group")
                       && strcmp(w[n - 1], "meta")
                       && !strchr(w[n - 1], '='))) {
            add_free_primitives(out, partial, cib);
        }
        if (n >= 3) {
            add_if(out, partial, "meta");
        }
    } else if (!strcmp(w[0], "colocation") || !strcmp(w[0], "collocation")
               || !strcmp(w[0], "order")) {
        bool order = !strcmp(w[0], "order");
        if (n == 2) {
            if (order) {
                add_set(out, partial, order_kinds,
                        G_N_ELEMENTS(order_kinds));
            } else {
                add_set(out, partial, scores, G_N_ELEMENTS(scores));
            }
        }
        if (n >= 2 && (order || n >= 3)) {
            add_ref(out, partial, cib, order ? hc_crm_actions : hc_crm_roles,
                    order ? hc_crm_n_actions : hc_crm_n_roles);
        }
    } else if (!strcmp(w[0], "location")) {
        if (n == 2) {
            add_resources(out, partial, cib, true);
        } else if (n == 3) {
            add_set(out, partial, scores, G_N_ELEMENTS(scores));
        } else if (n == 4) {
            add_nodes(out, partial, cib);
        }
    } else if (!strcmp(w[0], "delete")) {
        add_resources(out, partial, cib, false);
        add_constraint_ids(out, partial, cib);
    } else if (!strcmp(w[0], "property") && !strchr(partial, '=')) {
        /* Pacemaker's own names, as the line is checked against them. */
        const GPtrArray *opts = hc_crm_cluster_options();

        for (guint i = 0; opts && i < opts->len; i++) {
            char *nv = g_strdup_printf("%s=", (char *) opts->pdata[i]);

            add_if(out, partial, nv);
            g_free(nv);
        }
    }

    g_ptr_array_sort(out, cmp_str);
    for (guint i = 1; i < out->len;) {
        if (!strcmp(out->pdata[i], out->pdata[i - 1])) {
            g_ptr_array_remove_index(out, i);
        } else {
            i++;
        }
    }
    g_free(w);
    g_ptr_array_unref(words);
    *ret = out;
    return 0;
}
