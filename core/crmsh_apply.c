/* Applying a parsed crm shell command to the CIB in memory.  The XML is
 * what crmsh 4.4 (configure) and crm_resource/crm_attribute 2.1.5
 * (resource, node) write for the same line; the oracle test
 * tests/crmsh/t-oracle.sh checks it against them. */
#include "crmsh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <crm/common/iso8601.h>
#include <crm/common/nvpair.h>
#include <crm/common/xml.h>

#include "crmsh_int.h"
#include "util.h"

#define EL(n, s) (!strcmp((const char *)(n)->name, (s)))

static const char *const rsc_tags[] = {
    "primitive", "group", "clone", "master", "bundle",
};
static const char *const cons_tags[] = {
    "rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket",
};

static bool tag_in(const xmlNode *n, const char *const *set, size_t len)
{
    if (!n || n->type != XML_ELEMENT_NODE) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (EL(n, set[i])) {
            return true;
        }
    }
    return false;
}

static bool is_rsc(const xmlNode *n)
{
    return tag_in(n, rsc_tags, G_N_ELEMENTS(rsc_tags));
}

static bool is_cons(const xmlNode *n)
{
    return tag_in(n, cons_tags, G_N_ELEMENTS(cons_tags));
}

static xmlNode *child_el(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && EL(c, name)) {
            return c;
        }
    }
    return NULL;
}

xmlNode *hc_crm_section(xmlNode *cib, const char *name, bool create)
{
    xmlNode *conf = child_el(cib, "configuration");

    if (!conf) {
        if (!create) {
            return NULL;
        }
        conf = create_xml_node(cib, "configuration");
    }
    xmlNode *s = child_el(conf, name);
    if (!s && create) {
        s = create_xml_node(conf, name);
    }
    return s;
}

static xmlNode *find_id_under(xmlNode *n, const char *id)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        /* A resource_ref's id names another element, it is not one. */
        if (!EL(c, "resource_ref")) {
            const char *v = crm_element_value(c, "id");
            if (v && !strcmp(v, id)) {
                return c;
            }
        }
        xmlNode *r = find_id_under(c, id);
        if (r) {
            return r;
        }
    }
    return NULL;
}

static xmlNode *find_id(xmlNode *cib, const char *id)
{
    return find_id_under(child_el(cib, "configuration"), id);
}

/* crmsh's idmgmt: the base id, else base-0, base-1, ... */
static char *unique_id(xmlNode *cib, const char *base)
{
    char *id = g_strdup(base);

    for (int i = 0; find_id(cib, id) && i < 1000; i++) {
        g_free(id);
        id = g_strdup_printf("%s-%d", base, i);
    }
    return id;
}

static void collect_rsc(xmlNode *n, xmlNode *clone, GPtrArray *ids,
                        GPtrArray *addr)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (!is_rsc(c)) {
            continue;
        }
        const char *id = crm_element_value(c, "id");
        if (!id) {
            continue;
        }
        g_ptr_array_add(ids, (gpointer)id);
        if (addr) {
            g_ptr_array_add(addr, (gpointer)(clone
                ? crm_element_value(clone, "id") : id));
        }
        bool container = EL(c, "clone") || EL(c, "master")
            || EL(c, "bundle");
        collect_rsc(c, clone ? clone : (container ? c : NULL), ids, addr);
    }
}

void hc_crm_resource_ids(xmlNode *cib, GPtrArray *ids, GPtrArray *addr)
{
    collect_rsc(hc_crm_section(cib, "resources", false), NULL, ids, addr);
}

void hc_crm_node_names(xmlNode *cib, GPtrArray *names)
{
    xmlNode *nodes = hc_crm_section(cib, "nodes", false);

    for (xmlNode *c = nodes ? nodes->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && EL(c, "node")) {
            const char *u = crm_element_value(c, "uname");
            if (u) {
                g_ptr_array_add(names, (gpointer)u);
            }
        }
    }
}

static xmlNode *find_rsc(xmlNode *cib, const char *id)
{
    xmlNode *n = find_id_under(hc_crm_section(cib, "resources", false), id);

    return is_rsc(n) ? n : NULL;
}

xmlNode *hc_crm_find_rsc(xmlNode *cib, const char *id)
{
    return id ? find_rsc(cib, id) : NULL;
}

const char *hc_crm_meta_value(xmlNode *rsc, const char *name)
{
    for (xmlNode *m = rsc ? rsc->children : NULL; m; m = m->next) {
        if (m->type != XML_ELEMENT_NODE || !EL(m, "meta_attributes")) {
            continue;
        }
        for (xmlNode *nv = m->children; nv; nv = nv->next) {
            const char *n = nv->type == XML_ELEMENT_NODE && EL(nv, "nvpair")
                ? crm_element_value(nv, "name") : NULL;

            if (n && !strcmp(n, name)) {
                return crm_element_value(nv, "value");
            }
        }
    }
    return NULL;
}

bool hc_crm_is_promotable(xmlNode *rsc)
{
    if (!rsc || rsc->type != XML_ELEMENT_NODE) {
        return false;
    }
    if (EL(rsc, "master")) {
        return true;
    }
    const char *v = EL(rsc, "clone") ? hc_crm_meta_value(rsc, "promotable")
        : NULL;

    return v && crm_is_true(v);
}

/* The clone, master or bundle that holds n, or NULL. */
static xmlNode *outer_clone(xmlNode *n)
{
    for (xmlNode *p = n ? n->parent : NULL; p; p = p->parent) {
        if (p->type == XML_ELEMENT_NODE
            && (EL(p, "clone") || EL(p, "master") || EL(p, "bundle"))) {
            return p;
        }
    }
    return NULL;
}

static int fail_no_rsc(hc_crm_error *err, const hc_crm_cmd *c, int w,
                       xmlNode *cib, const char *name)
{
    GPtrArray *ids = g_ptr_array_new(), *addr = g_ptr_array_new();
    char *esc = hc_escape(name, 40);
    int rc;

    hc_crm_resource_ids(cib, ids, addr);
    const char *near = hc_crm_nearest(name, (const char *const *)ids->pdata,
                                      ids->len);
    if (near) {
        /* Offer what a constraint may name: the clone, not its child. */
        for (guint i = 0; i < ids->len; i++) {
            if (ids->pdata[i] == near) {
                near = addr->pdata[i];
                break;
            }
        }
        if (c->verb == HC_CRM_COLOCATION
            && hc_crm_is_promotable(find_rsc(cib, near))) {
            /* The clone alone would place the other resource with any
             * instance, Unpromoted included. */
            rc = hc_crm_fail(err, c->words, w, "no resource named %s; did "
                             "you mean %s:Promoted? (%s is a promotable "
                             "clone: name its role, or the colocation "
                             "follows any instance, Unpromoted included)",
                             esc, near, near);
        } else {
            rc = hc_crm_fail(err, c->words, w, "no resource named %s; did "
                             "you mean %s?", esc, near);
        }
    } else if (ids->len == 0) {
        rc = hc_crm_fail(err, c->words, w, "no resource named %s; there is "
                         "no resource yet", esc);
    } else {
        rc = hc_crm_fail(err, c->words, w, "no resource named %s", esc);
    }
    g_free(esc);
    g_ptr_array_unref(ids);
    g_ptr_array_unref(addr);
    return rc;
}

/* A resource a constraint may name: exists and is not inside a clone
 * (Pacemaker ignores constraints on a clone's child). */
static int resolve_constraint_rsc(hc_crm_error *err, const hc_crm_cmd *c,
                                  xmlNode *cib, const hc_crm_ref *r)
{
    xmlNode *n = find_rsc(cib, r->rsc);

    if (!n) {
        return fail_no_rsc(err, c, r->word, cib, r->rsc);
    }
    xmlNode *outer = outer_clone(n);
    if (outer && c->verb == HC_CRM_COLOCATION && !r->qual
        && hc_crm_is_promotable(outer)) {
        return hc_crm_fail(err, c->words, r->word, "%s is inside %s %s; "
                           "a constraint must name %s, here with its role: "
                           "%s:Promoted", r->rsc, (const char *)outer->name,
                           crm_element_value(outer, "id"),
                           crm_element_value(outer, "id"),
                           crm_element_value(outer, "id"));
    }
    if (outer) {
        return hc_crm_fail(err, c->words, r->word, "%s is inside %s %s; "
                           "a constraint must name %s", r->rsc,
                           (const char *)outer->name,
                           crm_element_value(outer, "id"),
                           crm_element_value(outer, "id"));
    }
    return 0;
}

static int check_node(hc_crm_error *err, const hc_crm_cmd *c, xmlNode *cib,
                      const char *node, int w)
{
    GPtrArray *names = g_ptr_array_new();
    int rc = 0;

    hc_crm_node_names(cib, names);
    bool found = false;
    for (guint i = 0; i < names->len; i++) {
        found = found || !strcmp(names->pdata[i], node);
    }
    /* A CIB that lists no node yet (a new cluster) cannot be checked. */
    if (!found && names->len > 0) {
        const char *near = hc_crm_nearest(node,
            (const char *const *)names->pdata, names->len);
        char *esc = hc_escape(node, 40);
        rc = near ? hc_crm_fail(err, c->words, w, "no node named %s; did "
                                "you mean %s?", esc, near)
            : hc_crm_fail(err, c->words, w, "no node named %s", esc);
        g_free(esc);
    }
    g_ptr_array_unref(names);
    return rc;
}

static int check_new_id(hc_crm_error *err, const hc_crm_cmd *c,
                        xmlNode *cib)
{
    xmlNode *n = find_id(cib, c->id);

    if (n) {
        return hc_crm_fail(err, c->words, c->id_word, "the id %s is "
                           "already used by a %s", c->id,
                           (const char *)n->name);
    }
    return 0;
}

/* Pacemaker 2.1 (schema pacemaker-3.7) renamed the roles; older schemas
 * only accept the old names. */
static bool new_role_names(xmlNode *cib)
{
    const char *v = crm_element_value(cib, "validate-with");
    int major = 0, minor = 0;

    if (!v || !g_str_has_prefix(v, "pacemaker-")) {
        return false;
    }
    if (!strcmp(v, "pacemaker-next")) {
        return true;
    }
    if (sscanf(v + strlen("pacemaker-"), "%d.%d", &major, &minor) != 2) {
        return false;
    }
    return major > 3 || (major == 3 && minor >= 7);
}

static const char *role_out(xmlNode *cib, const char *role)
{
    bool modern = new_role_names(cib);

    if (!strcmp(role, "Master") || !strcmp(role, "Promoted")) {
        return modern ? "Promoted" : "Master";
    }
    if (!strcmp(role, "Slave") || !strcmp(role, "Unpromoted")) {
        return modern ? "Unpromoted" : "Slave";
    }
    return role;
}

static void add_nvpair(xmlNode *cib, xmlNode *set, const char *name,
                       const char *value)
{
    xmlNode *nv = create_xml_node(set, "nvpair");
    char *base = g_strdup_printf("%s-%s", crm_element_value(set, "id"),
                                 name);
    char *id = unique_id(cib, base);

    crm_xml_add(nv, "name", name);
    crm_xml_add(nv, "value", value);
    crm_xml_add(nv, "id", id);
    g_free(base);
    g_free(id);
}

static xmlNode *add_nvset(xmlNode *cib, xmlNode *parent, const char *tag,
                          const char *owner, const char *sub,
                          const GPtrArray *nvs)
{
    char *base = g_strdup_printf("%s-%s", owner, sub);
    char *id = unique_id(cib, base);
    xmlNode *set = create_xml_node(parent, tag);

    crm_xml_add(set, "id", id);
    for (guint i = 0; nvs && i < nvs->len; i++) {
        const hc_crm_nv *nv = g_ptr_array_index(nvs, i);
        add_nvpair(cib, set, nv->name, nv->value);
    }
    g_free(base);
    g_free(id);
    return set;
}

/* Sets name=value in set, changing the nvpair when there is one. */
static void set_nvpair(xmlNode *cib, xmlNode *set, const char *name,
                       const char *value)
{
    for (xmlNode *c = set->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && EL(c, "nvpair")) {
            const char *n = crm_element_value(c, "name");
            if (n && !strcmp(n, name)) {
                crm_xml_add(c, "value", value);
                return;
            }
        }
    }
    add_nvpair(cib, set, name, value);
}

/* ---- configure ------------------------------------------------------ */

/* A cluster option Pacemaker does not know: a near one is a typo and is
 * refused, another is stored (Pacemaker ignores it) with a warning. */
static int check_cluster_options(const hc_crm_cmd *c, hc_crm_advice *adv,
                                 hc_crm_error *err)
{
    const GPtrArray *known = hc_crm_cluster_options();

    for (guint i = 0; known && i < c->params->len; i++) {
        const hc_crm_nv *nv = g_ptr_array_index(c->params, i);
        bool found = false;

        for (guint k = 0; k < known->len && !found; k++) {
            found = !strcmp(known->pdata[k], nv->name);
        }
        if (found) {
            continue;
        }
        const char *near = hc_crm_nearest(nv->name,
            (const char *const *)known->pdata, known->len);
        char *esc = hc_escape(nv->name, 40);

        if (near) {
            int rc = hc_crm_fail(err, c->words, nv->word, "Pacemaker has no "
                                 "cluster option %s; did you mean %s?", esc,
                                 near);
            g_free(esc);
            return rc;
        }
        if (adv) {
            g_ptr_array_add(adv->warnings, g_strdup_printf(
                "Pacemaker has no cluster option %s (its daemons' metadata "
                "lists none): it is stored, and Pacemaker ignores it.", esc));
        }
        g_free(esc);
    }
    return 0;
}

static int apply_nvs(const hc_crm_cmd *c, xmlNode *cib, hc_crm_advice *adv,
                     hc_crm_error *err)
{
    const char *section, *settag, *setid;
    int rc;

    switch (c->verb) {
    case HC_CRM_PROPERTY:
        if ((rc = check_cluster_options(c, adv, err))) {
            return rc;
        }
        section = "crm_config";
        settag = "cluster_property_set";
        setid = "cib-bootstrap-options";
        break;
    case HC_CRM_RSC_DEFAULTS:
        section = "rsc_defaults";
        settag = "meta_attributes";
        setid = "rsc-options";
        break;
    default:
        section = "op_defaults";
        settag = "meta_attributes";
        setid = "op-options";
        break;
    }
    xmlNode *sec = hc_crm_section(cib, section, true);
    xmlNode *set = NULL;
    /* The set crmsh picks: the one named by convention, else the first. */
    for (xmlNode *s = sec->children; s; s = s->next) {
        if (s->type == XML_ELEMENT_NODE && EL(s, settag)) {
            const char *id = crm_element_value(s, "id");
            if (id && !strcmp(id, setid)) {
                set = s;
                break;
            }
            if (!set) {
                set = s;
            }
        }
    }
    if (!set) {
        set = create_xml_node(sec, settag);
        crm_xml_add(set, "id", setid);
    }
    for (guint i = 0; i < c->params->len; i++) {
        const hc_crm_nv *nv = g_ptr_array_index(c->params, i);
        set_nvpair(cib, set, nv->name, nv->value);
    }
    return 0;
}

/* The op attributes the schema has; others are the op's parameters
 * (OCF_CHECK_LEVEL), which crmsh puts in the op's instance_attributes. */
static bool is_op_attr(const char *n)
{
    static const char *const attrs[] = {
        "id", "name", "interval", "description", "start-delay",
        "interval-origin", "timeout", "enabled", "record-pending", "role",
        "requires", "on-fail",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
        if (!strcmp(n, attrs[i])) {
            return true;
        }
    }
    return false;
}

static int resolve_agent(hc_crm_error *err, const hc_crm_cmd *c,
                         char **cls, char **prov)
{
    *cls = g_strdup(c->agent_class);
    *prov = g_strdup(c->agent_provider);
    if (!*cls) {
        /* A bare type: crmsh looks among the ocf agents, heartbeat's
         * first. */
        GPtrArray *all = hc_crm_list_agents();
        char *found = NULL;
        for (guint i = 0; i < all->len && !found; i++) {
            const char *a = all->pdata[i];
            const char *t = strrchr(a, ':');
            if (t && !strcmp(t + 1, c->agent_type)
                && g_str_has_prefix(a, "ocf:heartbeat:")) {
                found = g_strdup(a);
            }
        }
        for (guint i = 0; i < all->len && !found; i++) {
            const char *a = all->pdata[i];
            const char *t = strrchr(a, ':');
            if (t && !strcmp(t + 1, c->agent_type)) {
                found = g_strdup(a);
            }
        }
        if (!found) {
            GPtrArray *types = g_ptr_array_new_with_free_func(g_free);
            for (guint i = 0; i < all->len; i++) {
                g_ptr_array_add(types, g_strdup(strrchr(all->pdata[i], ':')
                                                + 1));
            }
            const char *near = hc_crm_nearest(c->agent_type,
                (const char *const *)types->pdata, types->len);
            char *esc = hc_escape(c->agent_type, 40);
            int rc = near ? hc_crm_fail(err, c->words, c->agent_word,
                                        "no agent named %s; did you mean "
                                        "%s?", esc, near)
                : hc_crm_fail(err, c->words, c->agent_word,
                              "no agent named %s", esc);
            g_free(esc);
            g_ptr_array_unref(types);
            g_ptr_array_unref(all);
            return rc;
        }
        gchar **parts = g_strsplit(found, ":", 3);
        g_free(*cls);
        g_free(*prov);
        *cls = g_strdup(parts[0]);
        *prov = g_strdup(parts[1]);
        g_strfreev(parts);
        g_free(found);
        g_ptr_array_unref(all);
    }
    return 0;
}

static int check_agent_params(hc_crm_error *err, const hc_crm_cmd *c,
                              const char *cls, const char *prov)
{
    GPtrArray *names = NULL, *required = NULL;
    int rc = hc_crm_agent_params(cls, prov, c->agent_type, &names,
                                 &required);

    if (rc == -ENOENT) {
        char *want = g_strdup_printf("%s:%s:%s", cls, prov, c->agent_type);
        GPtrArray *all = hc_crm_list_agents();
        const char *near = hc_crm_nearest(want,
            (const char *const *)all->pdata, all->len);
        char *esc = hc_escape(want, 60);
        rc = near ? hc_crm_fail(err, c->words, c->agent_word, "no agent %s;"
                                " did you mean %s?", esc, near)
            : hc_crm_fail(err, c->words, c->agent_word, "no agent %s "
                          "(no executable %s/resource.d/%s/%s)", esc,
                          g_getenv("OCF_ROOT") ? g_getenv("OCF_ROOT")
                          : "/usr/lib/ocf", prov, c->agent_type);
        g_free(esc);
        g_free(want);
        g_ptr_array_unref(all);
        return rc;
    }
    if (rc < 0) {
        /* No meta-data (not an ocf agent, or a broken one): nothing to
         * check against, as crmsh when it gets none. */
        return 0;
    }
    /* A misspelt parameter first: it is often the missing one. */
    for (guint j = 0; j < c->params->len; j++) {
        const hc_crm_nv *nv = g_ptr_array_index(c->params, j);
        bool known = false;
        for (guint i = 0; i < names->len; i++) {
            known = known || !strcmp(names->pdata[i], nv->name);
        }
        if (!known) {
            const char *near = hc_crm_nearest(nv->name,
                (const char *const *)names->pdata, names->len);
            char *esc = hc_escape(nv->name, 40);
            rc = near ? hc_crm_fail(err, c->words, nv->word, "%s has no "
                                    "parameter %s; did you mean %s?",
                                    c->agent_type, esc, near)
                : hc_crm_fail(err, c->words, nv->word, "%s has no "
                              "parameter %s", c->agent_type, esc);
            g_free(esc);
            return rc;
        }
    }
    for (guint i = 0; i < required->len; i++) {
        const char *need = required->pdata[i];
        bool given = false;
        for (guint j = 0; j < c->params->len; j++) {
            const hc_crm_nv *nv = g_ptr_array_index(c->params, j);
            given = given || !strcmp(nv->name, need);
        }
        if (!given) {
            return hc_crm_fail(err, c->words, c->agent_word, "%s:%s:%s "
                               "requires the parameter %s: add params "
                               "%s=...", cls, prov, c->agent_type, need,
                               need);
        }
    }
    return 0;
}

static int check_role(hc_crm_error *err, const hc_crm_cmd *c, int w,
                      const char *role)
{
    for (size_t i = 0; i < hc_crm_n_roles; i++) {
        if (!strcmp(role, hc_crm_roles[i])) {
            return 0;
        }
    }
    const char *near = hc_crm_nearest(role, hc_crm_roles, hc_crm_n_roles);
    char *esc = hc_escape(role, 40);
    int rc = near ? hc_crm_fail(err, c->words, w, "unknown role %s; did "
                                "you mean %s?", esc, near)
        : hc_crm_fail(err, c->words, w, "unknown role %s", esc);
    g_free(esc);
    return rc;
}

static void add_operations(xmlNode *cib, xmlNode *p, const hc_crm_cmd *c)
{
    if (c->ops->len) {
        xmlNode *ops = create_xml_node(p, "operations");
        for (guint i = 0; i < c->ops->len; i++) {
            const hc_crm_op *op = g_ptr_array_index(c->ops, i);
            xmlNode *o = create_xml_node(ops, "op");
            const char *interval = NULL;
            GPtrArray *extra = g_ptr_array_new();
            crm_xml_add(o, "name", op->name);
            for (guint j = 0; j < op->attrs->len; j++) {
                const hc_crm_nv *nv = g_ptr_array_index(op->attrs, j);
                if (!is_op_attr(nv->name)) {
                    g_ptr_array_add(extra, (gpointer)nv);
                    continue;
                }
                if (!strcmp(nv->name, "interval")) {
                    interval = nv->value;
                }
                crm_xml_add(o, nv->name, !strcmp(nv->name, "role")
                            ? role_out(cib, nv->value) : nv->value);
            }
            if (!interval) {
                interval = "0";
                crm_xml_add(o, "interval", interval);
            }
            char *base = g_strdup_printf("%s-%s-%s", c->id, op->name,
                                         interval);
            char *id = unique_id(cib, base);
            crm_xml_add(o, "id", id);
            if (extra->len) {
                GPtrArray *nvs = g_ptr_array_new();
                for (guint j = 0; j < extra->len; j++) {
                    g_ptr_array_add(nvs, extra->pdata[j]);
                }
                add_nvset(cib, o, "instance_attributes", id,
                          "instance_attributes", nvs);
                g_ptr_array_unref(nvs);
            }
            g_ptr_array_unref(extra);
            g_free(base);
            g_free(id);
        }
    }
}

static int apply_primitive(const hc_crm_cmd *c, xmlNode *cib,
                           hc_crm_error *err)
{
    char *cls = NULL, *prov = NULL;
    int rc = check_new_id(err, c, cib);

    if (rc || (rc = resolve_agent(err, c, &cls, &prov))) {
        goto out;
    }
    const char *instead = hc_crm_agent_replaced(prov, c->agent_type);
    if (instead) {
        char *esc = hc_escape(c->agent_type, 40);
        rc = hc_crm_fail(err, c->words, c->agent_word, "%s:%s:%s: %s", cls,
                         prov, esc, instead);
        g_free(esc);
        goto out;
    }
    if (!strcmp(cls, "ocf")
        && (rc = check_agent_params(err, c, cls, prov))) {
        goto out;
    }
    for (guint i = 0; i < c->ops->len; i++) {
        const hc_crm_op *op = g_ptr_array_index(c->ops, i);
        for (guint j = 0; j < op->attrs->len; j++) {
            const hc_crm_nv *nv = g_ptr_array_index(op->attrs, j);
            if (!strcmp(nv->name, "role")
                && (rc = check_role(err, c, nv->word, nv->value))) {
                goto out;
            }
        }
    }

    xmlNode *rscs = hc_crm_section(cib, "resources", true);
    xmlNode *p = create_xml_node(rscs, "primitive");
    crm_xml_add(p, "id", c->id);
    crm_xml_add(p, "class", cls);
    if (prov) {
        crm_xml_add(p, "provider", prov);
    }
    crm_xml_add(p, "type", c->agent_type);
    /* crmsh writes the sets in the order the line names them first;
     * the operations go where the first op was. */
    for (const char *k = c->sections; *k; k++) {
        if (*k == 'p') {
            add_nvset(cib, p, "instance_attributes", c->id,
                      "instance_attributes", c->params);
        } else if (*k == 'm') {
            add_nvset(cib, p, "meta_attributes", c->id, "meta_attributes",
                      c->meta);
        } else if (*k == 'u') {
            add_nvset(cib, p, "utilization", c->id, "utilization",
                      c->utilization);
        } else {
            add_operations(cib, p, c);
        }
    }
out:
    g_free(cls);
    g_free(prov);
    return rc;
}

static void nv_free(gpointer p)
{
    hc_crm_nv *nv = p;

    g_free(nv->name);
    g_free(nv->value);
    g_free(nv);
}

/* Agents that act on clone notifications and refuse to start without
 * them: ocf:linbit:drbd checks OCF_RESKEY_CRM_meta_notify ("meta parameter
 * misconfigured, expected notify=true"). */
static bool agent_needs_notify(xmlNode *rsc)
{
    const char *prov = crm_element_value(rsc, "provider");
    const char *type = crm_element_value(rsc, "type");

    return EL(rsc, "primitive") && prov && type && !strcmp(prov, "linbit")
        && !strcmp(type, "drbd");
}

/* The meta attributes of a new clone: Pacemaker 1's names (master-max,
 * master-node-max) as Pacemaker 2 names them, promotable=true for ms, and
 * notify=true for an agent that needs it; each change said in a note. */
static GPtrArray *container_meta(const hc_crm_cmd *c, xmlNode *cib,
                                 hc_crm_advice *adv, GPtrArray *owned)
{
    static const char *const renames[][2] = {
        { "master-max", "promoted-max" },
        { "master-node-max", "promoted-node-max" },
    };
    GPtrArray *meta = g_ptr_array_new();
    bool promotable = c->verb == HC_CRM_MS, has_promotable = false;
    const char *notify = NULL;
    GString *renamed = g_string_new(NULL);

    for (guint i = 0; i < c->meta->len; i++) {
        const hc_crm_nv *nv = g_ptr_array_index(c->meta, i);

        if (!strcmp(nv->name, "promotable")) {
            has_promotable = true;
            promotable = promotable || crm_is_true(nv->value);
        } else if (!strcmp(nv->name, "notify")) {
            notify = nv->value;
        }
    }
    for (guint i = 0; i < c->meta->len; i++) {
        hc_crm_nv *nv = g_ptr_array_index(c->meta, i);
        const char *to = NULL;

        for (size_t k = 0; promotable && k < G_N_ELEMENTS(renames); k++) {
            if (!strcmp(nv->name, renames[k][0])) {
                to = renames[k][1];
            }
        }
        for (guint j = 0; to && j < c->meta->len; j++) {
            const hc_crm_nv *o = g_ptr_array_index(c->meta, j);

            if (!strcmp(o->name, to)) {
                to = NULL;      /* both given: each is kept as typed */
            }
        }
        if (to) {
            hc_crm_nv *n = g_new0(hc_crm_nv, 1);

            n->name = g_strdup(to);
            n->value = g_strdup(nv->value);
            n->word = nv->word;
            g_ptr_array_add(owned, n);
            g_ptr_array_add(meta, n);
            g_string_append_printf(renamed, "%s%s=%s as %s=%s",
                                   renamed->len ? ", " : "", nv->name,
                                   nv->value, to, nv->value);
        } else {
            g_ptr_array_add(meta, nv);
        }
    }
    if (c->verb == HC_CRM_MS && !has_promotable) {
        /* The promotable clone that replaces Pacemaker 1's master
         * resource; crmsh suggests exactly this for ms. */
        hc_crm_nv *n = g_new0(hc_crm_nv, 1);

        n->name = g_strdup("promotable");
        n->value = g_strdup("true");
        n->word = -1;
        g_ptr_array_add(owned, n);
        g_ptr_array_add(meta, n);
    }
    xmlNode *child = c->refs->len
        ? find_rsc(cib, ((hc_crm_ref *)c->refs->pdata[0])->rsc) : NULL;
    bool needs = child && agent_needs_notify(child);

    if (needs && !notify) {
        hc_crm_nv *n = g_new0(hc_crm_nv, 1);

        n->name = g_strdup("notify");
        n->value = g_strdup("true");
        n->word = -1;
        g_ptr_array_add(owned, n);
        g_ptr_array_add(meta, n);
    }
    if (adv && c->verb == HC_CRM_MS) {
        g_ptr_array_add(adv->notes, g_strdup_printf(
            "ms is Pacemaker 1's master/slave resource: %s is written as a "
            "promotable clone (clone with meta promotable=true), as "
            "Pacemaker 2 has it.", c->id));
    }
    if (adv && renamed->len) {
        g_ptr_array_add(adv->notes, g_strdup_printf(
            "Written %s: the names since Pacemaker 2.0.", renamed->str));
    }
    if (adv && needs && !notify) {
        g_ptr_array_add(adv->notes, g_strdup_printf(
            "Added notify=true: %s:%s:%s acts on clone notifications and "
            "refuses to start without them.",
            crm_element_value(child, "class"),
            crm_element_value(child, "provider"),
            crm_element_value(child, "type")));
    } else if (adv && needs && !crm_is_true(notify)) {
        g_ptr_array_add(adv->warnings, g_strdup_printf(
            "notify=%s: %s:%s:%s refuses to start without clone "
            "notifications; write notify=true.", notify,
            crm_element_value(child, "class"),
            crm_element_value(child, "provider"),
            crm_element_value(child, "type")));
    }
    g_string_free(renamed, TRUE);
    return meta;
}

/* ms, clone, group: the new container takes the place of its first
 * member, as crmsh places it. */
static int apply_container(const hc_crm_cmd *c, xmlNode *cib,
                           hc_crm_advice *adv, hc_crm_error *err)
{
    int rc = check_new_id(err, c, cib);
    xmlNode *rscs = hc_crm_section(cib, "resources", true);

    if (rc) {
        return rc;
    }
    for (guint i = 0; i < c->refs->len; i++) {
        const hc_crm_ref *r = g_ptr_array_index(c->refs, i);
        xmlNode *n = find_rsc(cib, r->rsc);
        if (!n) {
            return fail_no_rsc(err, c, r->word, cib, r->rsc);
        }
        if (n->parent != rscs) {
            return hc_crm_fail(err, c->words, r->word, "%s is already in "
                               "%s %s", r->rsc, (const char *)n->parent->name,
                               crm_element_value(n->parent, "id"));
        }
        if (c->verb == HC_CRM_GROUP && !EL(n, "primitive")) {
            return hc_crm_fail(err, c->words, r->word, "%s is a %s; a group "
                               "holds primitives only", r->rsc,
                               (const char *)n->name);
        }
        if (c->verb != HC_CRM_GROUP && !EL(n, "primitive")
            && !EL(n, "group")) {
            return hc_crm_fail(err, c->words, r->word, "%s is a %s; a clone "
                               "holds a primitive or a group", r->rsc,
                               (const char *)n->name);
        }
        for (guint j = 0; j < i; j++) {
            const hc_crm_ref *q = g_ptr_array_index(c->refs, j);
            if (!strcmp(q->rsc, r->rsc)) {
                return hc_crm_fail(err, c->words, r->word, "%s is named "
                                   "twice", r->rsc);
            }
        }
    }
    const char *tag = c->verb == HC_CRM_GROUP ? "group" : "clone";
    xmlNode *first = find_rsc(cib, ((hc_crm_ref *)c->refs->pdata[0])->rsc);
    /* Made in the CIB's own document (a node made without a parent gets a
     * document of its own, which nothing would free once the node moved),
     * then put where the first resource is. */
    xmlNode *box = create_xml_node(first->parent, tag);
    crm_xml_add(box, "id", c->id);
    xmlUnlinkNode(box);
    xmlAddPrevSibling(first, box);
    GPtrArray *owned = g_ptr_array_new_with_free_func(nv_free);
    GPtrArray *meta = c->verb == HC_CRM_GROUP ? NULL
        : container_meta(c, cib, adv, owned);

    if (c->verb == HC_CRM_GROUP && c->meta->len) {
        add_nvset(cib, box, "meta_attributes", c->id, "meta_attributes",
                  c->meta);
    } else if (meta && meta->len) {
        add_nvset(cib, box, "meta_attributes", c->id, "meta_attributes",
                  meta);
    }
    if (meta) {
        g_ptr_array_unref(meta);
    }
    g_ptr_array_unref(owned);
    for (guint i = 0; i < c->refs->len; i++) {
        const hc_crm_ref *r = g_ptr_array_index(c->refs, i);
        xmlNode *n = find_rsc(cib, r->rsc);
        xmlUnlinkNode(n);
        xmlAddChild(box, n);
    }
    return 0;
}

static void set_ref_attrs(xmlNode *cib, xmlNode *el, const hc_crm_ref *r,
                          const char *rsc_attr, const char *qual_attr,
                          bool role)
{
    crm_xml_add(el, rsc_attr, r->rsc);
    if (r->qual) {
        crm_xml_add(el, qual_attr, role ? role_out(cib, r->qual) : r->qual);
    }
}

static int apply_constraint(const hc_crm_cmd *c, xmlNode *cib,
                            hc_crm_advice *adv, hc_crm_error *err)
{
    int rc = check_new_id(err, c, cib);

    if (rc) {
        return rc;
    }
    for (guint i = 0; i < c->refs->len; i++) {
        if ((rc = resolve_constraint_rsc(err, c, cib,
                                         c->refs->pdata[i]))) {
            return rc;
        }
    }
    hc_crm_advise_colocation(c, cib, adv);
    xmlNode *cons = hc_crm_section(cib, "constraints", true);
    const hc_crm_ref *a = c->refs->pdata[0];

    if (c->verb == HC_CRM_LOCATION) {
        if ((rc = check_node(err, c, cib, c->node, c->node_word))) {
            return rc;
        }
        xmlNode *l = create_xml_node(cons, "rsc_location");
        crm_xml_add(l, "id", c->id);
        crm_xml_add(l, "rsc", a->rsc);
        crm_xml_add(l, "score", c->score);
        crm_xml_add(l, "node", c->node);
        return 0;
    }
    bool coloc = c->verb == HC_CRM_COLOCATION;
    xmlNode *el = create_xml_node(cons, coloc ? "rsc_colocation"
                                  : "rsc_order");
    crm_xml_add(el, "id", c->id);
    if (coloc) {
        crm_xml_add(el, "score", c->score);
    } else if (c->kind) {
        crm_xml_add(el, "kind", c->kind);
    }
    for (guint i = 0; i < c->options->len; i++) {
        const hc_crm_nv *nv = g_ptr_array_index(c->options, i);
        crm_xml_add(el, nv->name, nv->value);
    }
    if (c->refs->len == 2) {
        const hc_crm_ref *b = c->refs->pdata[1];
        if (coloc) {
            set_ref_attrs(cib, el, a, "rsc", "rsc-role", true);
            set_ref_attrs(cib, el, b, "with-rsc", "with-rsc-role", true);
        } else {
            set_ref_attrs(cib, el, a, "first", "first-action", false);
            set_ref_attrs(cib, el, b, "then", "then-action", false);
        }
        return 0;
    }
    /* Three or more: one sequential set, as crmsh writes it. */
    for (guint i = 0; i < c->refs->len; i++) {
        const hc_crm_ref *r = c->refs->pdata[i];
        if (r->qual) {
            return hc_crm_fail(err, c->words, r->word, "a %s or %s on one "
                               "of more than two resources is not "
                               "supported by hacon; use crm configure",
                               coloc ? "role" : "action", coloc ? "role"
                               : "action");
        }
    }
    char *base = g_strdup_printf("%s-0", c->id);
    char *sid = unique_id(cib, base);
    xmlNode *set = create_xml_node(el, "resource_set");
    crm_xml_add(set, "id", sid);
    for (guint i = 0; i < c->refs->len; i++) {
        const hc_crm_ref *r = c->refs->pdata[i];
        xmlNode *ref = create_xml_node(set, "resource_ref");
        crm_xml_add(ref, "id", r->rsc);
    }
    g_free(base);
    g_free(sid);
    return 0;
}

static void collect_ids(xmlNode *n, GHashTable *into)
{
    const char *id = crm_element_value(n, "id");

    if (id && is_rsc(n)) {
        g_hash_table_add(into, g_strdup(id));
    }
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            collect_ids(c, into);
        }
    }
}

static bool refers(xmlNode *el, const char *attr, GHashTable *gone)
{
    const char *v = crm_element_value(el, attr);

    return v && g_hash_table_contains(gone, v);
}

/* What crmsh does to constraints that name a deleted resource: a simple
 * constraint goes; a set loses the reference, and a set left with two
 * becomes the simple form (a colocation set "A B" means B with A). */
static void drop_dangling(xmlNode *cib, GHashTable *gone)
{
    xmlNode *cons = hc_crm_section(cib, "constraints", false);
    xmlNode *next;

    for (xmlNode *el = cons ? cons->children : NULL; el; el = next) {
        next = el->next;
        if (el->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (refers(el, "rsc", gone) || refers(el, "with-rsc", gone)
            || refers(el, "first", gone) || refers(el, "then", gone)) {
            free_xml(el);
            continue;
        }
        int sets = 0, refs = 0;
        bool changed = false;
        xmlNode *nset;
        for (xmlNode *s = el->children; s; s = nset) {
            nset = s->next;
            if (s->type != XML_ELEMENT_NODE || !EL(s, "resource_set")) {
                continue;
            }
            xmlNode *nref;
            int here = 0;
            for (xmlNode *r = s->children; r; r = nref) {
                nref = r->next;
                if (r->type == XML_ELEMENT_NODE && EL(r, "resource_ref")) {
                    if (refers(r, "id", gone)) {
                        free_xml(r);
                        changed = true;
                    } else {
                        here++;
                    }
                }
            }
            if (here == 0) {
                free_xml(s);
                continue;
            }
            sets++;
            refs += here;
        }
        if (!changed) {
            continue;
        }
        if (refs < 2) {
            free_xml(el);
        } else if (sets == 1 && refs == 2) {
            xmlNode *s = child_el(el, "resource_set");
            xmlNode *r1 = child_el(s, "resource_ref");
            xmlNode *r2 = r1->next;
            while (r2 && r2->type != XML_ELEMENT_NODE) {
                r2 = r2->next;
            }
            char *x = g_strdup(crm_element_value(r1, "id"));
            char *y = g_strdup(crm_element_value(r2, "id"));
            if (EL(el, "rsc_colocation")) {
                crm_xml_add(el, "rsc", y);
                crm_xml_add(el, "with-rsc", x);
            } else {
                crm_xml_add(el, "first", x);
                crm_xml_add(el, "then", y);
            }
            free_xml(s);
            g_free(x);
            g_free(y);
        }
    }
}

static void rename_refs(xmlNode *n, const char *from, const char *to)
{
    static const char *const attrs[] = { "rsc", "with-rsc", "first", "then" };

    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
            const char *v = crm_element_value(c, attrs[i]);
            if (v && !strcmp(v, from)) {
                crm_xml_add(c, attrs[i], to);
            }
        }
        if (EL(c, "resource_ref")) {
            const char *v = crm_element_value(c, "id");
            if (v && !strcmp(v, from)) {
                crm_xml_add(c, "id", to);
            }
        }
        rename_refs(c, from, to);
    }
}

/* crmsh deletes a group or clone and keeps what it held: the resources
 * take its place, and constraints that named it name its first resource. */
static void unwrap_container(xmlNode *cib, xmlNode *box)
{
    char *id = g_strdup(crm_element_value(box, "id"));
    char *first = NULL;
    xmlNode *next;

    for (xmlNode *c = box->children; c; c = next) {
        next = c->next;
        if (!is_rsc(c)) {
            continue;
        }
        if (!first) {
            first = g_strdup(crm_element_value(c, "id"));
        }
        xmlUnlinkNode(c);
        xmlAddPrevSibling(box, c);
    }
    free_xml(box);
    if (first) {
        rename_refs(hc_crm_section(cib, "constraints", false), id, first);
    }
    g_free(id);
    g_free(first);
}

static int apply_delete(const hc_crm_cmd *c, xmlNode *cib,
                        hc_crm_error *err)
{
    GHashTable *gone = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);

    for (guint i = 0; i < c->ids->len; i++) {
        const hc_crm_ref *r = g_ptr_array_index(c->ids, i);
        xmlNode *n = find_id(cib, r->rsc);
        if (!n) {
            GPtrArray *ids = g_ptr_array_new();
            hc_crm_resource_ids(cib, ids, NULL);
            xmlNode *cons = hc_crm_section(cib, "constraints", false);
            for (xmlNode *k = cons ? cons->children : NULL; k; k = k->next) {
                if (is_cons(k) && crm_element_value(k, "id")) {
                    g_ptr_array_add(ids, (gpointer)crm_element_value(k,
                                                                     "id"));
                }
            }
            const char *near = hc_crm_nearest(r->rsc,
                (const char *const *)ids->pdata, ids->len);
            int rc = near ? hc_crm_fail(err, c->words, r->word, "nothing "
                                        "named %s; did you mean %s?",
                                        r->rsc, near)
                : hc_crm_fail(err, c->words, r->word, "nothing named %s",
                              r->rsc);
            g_ptr_array_unref(ids);
            g_hash_table_unref(gone);
            return rc;
        }
        if (!is_rsc(n) && !is_cons(n)) {
            int rc = hc_crm_fail(err, c->words, r->word, "%s is a <%s>,"
                                 " not a resource or a constraint: hacon "
                                 "deletes only those",
                                 r->rsc, (const char *)n->name);
            g_hash_table_unref(gone);
            return rc;
        }
        if (EL(n, "group") || EL(n, "clone") || EL(n, "master")) {
            unwrap_container(cib, n);
        } else if (is_rsc(n)) {
            collect_ids(n, gone);
            xmlNode *parent = n->parent;
            free_xml(n);
            /* A clone without its resource is nothing: it goes too. */
            if (parent && (EL(parent, "clone") || EL(parent, "master"))
                && !child_el(parent, "primitive")
                && !child_el(parent, "group")) {
                collect_ids(parent, gone);
                free_xml(parent);
            }
        } else {
            free_xml(n);
        }
    }
    drop_dangling(cib, gone);
    g_hash_table_unref(gone);
    return 0;
}

/* ---- resource and node ---------------------------------------------- */

/* Removes cli-prefer-RSC when prefer, and the cli-ban-RSC-on-NODE ones
 * when bans (all nodes when ban_node is NULL). */
static void remove_cli_constraints(xmlNode *cib, const char *rsc,
                                   bool prefer, bool bans,
                                   const char *ban_node)
{
    xmlNode *cons = hc_crm_section(cib, "constraints", false);
    char *prefer_id = g_strdup_printf("cli-prefer-%s", rsc);
    char *ban_pfx = g_strdup_printf("cli-ban-%s-on-", rsc);
    xmlNode *next;

    for (xmlNode *el = cons ? cons->children : NULL; el; el = next) {
        next = el->next;
        if (el->type != XML_ELEMENT_NODE || !EL(el, "rsc_location")) {
            continue;
        }
        const char *id = crm_element_value(el, "id");
        if (!id) {
            continue;
        }
        if (prefer && !strcmp(id, prefer_id)) {
            free_xml(el);
        } else if (bans && g_str_has_prefix(id, ban_pfx)
                   && (!ban_node || !strcmp(id + strlen(ban_pfx),
                                            ban_node))) {
            free_xml(el);
        }
    }
    g_free(prefer_id);
    g_free(ban_pfx);
}

/* What crm_resource --move writes: it first clears earlier moves and the
 * ban on the target node. */
static int apply_move(const hc_crm_cmd *c, xmlNode *cib, hc_crm_error *err)
{
    xmlNode *n = find_rsc(cib, c->id);
    int rc;

    if (!n) {
        return fail_no_rsc(err, c, c->id_word, cib, c->id);
    }
    xmlNode *outer = outer_clone(n);
    if (outer) {
        return hc_crm_fail(err, c->words, c->id_word, "%s is inside %s %s; "
                           "move %s", c->id, (const char *)outer->name,
                           crm_element_value(outer, "id"),
                           crm_element_value(outer, "id"));
    }
    if ((rc = check_node(err, c, cib, c->node, c->node_word))) {
        return rc;
    }
    remove_cli_constraints(cib, c->id, true, false, NULL);
    remove_cli_constraints(cib, c->id, false, true, c->node);

    xmlNode *cons = hc_crm_section(cib, "constraints", true);
    xmlNode *l = create_xml_node(cons, "rsc_location");
    char *id = g_strdup_printf("cli-prefer-%s", c->id);
    crm_xml_add(l, "id", id);
    crm_xml_add(l, "rsc", c->id);
    crm_xml_add(l, "role", "Started");
    if (!c->lifetime) {
        crm_xml_add(l, "node", c->node);
        crm_xml_add(l, "score", "INFINITY");
        g_free(id);
        return 0;
    }
    crm_time_t *now = crm_time_new(NULL);
    crm_time_t *dur = crm_time_parse_duration(c->lifetime);
    crm_time_t *end = (now && dur) ? crm_time_add(now, dur) : NULL;
    if (!end) {
        crm_time_free(now);
        crm_time_free(dur);
        g_free(id);
        return hc_crm_fail(err, c->words, c->lifetime_word, "cannot add "
                           "this duration to the time now");
    }
    char *until = crm_time_as_string(end, crm_time_log_date
                                     | crm_time_log_timeofday
                                     | crm_time_log_with_timezone);
    xmlNode *rule = create_xml_node(l, "rule");
    char *rid = g_strdup_printf("cli-prefer-rule-%s", c->id);
    crm_xml_add(rule, "id", rid);
    crm_xml_add(rule, "score", "INFINITY");
    crm_xml_add(rule, "boolean-op", "and");
    xmlNode *ex = create_xml_node(rule, "expression");
    char *eid = g_strdup_printf("cli-prefer-expr-%s", c->id);
    crm_xml_add(ex, "id", eid);
    crm_xml_add(ex, "attribute", "#uname");
    crm_xml_add(ex, "operation", "eq");
    crm_xml_add(ex, "value", c->node);
    crm_xml_add(ex, "type", "string");
    xmlNode *de = create_xml_node(rule, "date_expression");
    char *did = g_strdup_printf("cli-prefer-lifetime-end-%s", c->id);
    crm_xml_add(de, "id", did);
    crm_xml_add(de, "operation", "lt");
    crm_xml_add(de, "end", until);
    free(until);
    g_free(rid);
    g_free(eid);
    g_free(did);
    g_free(id);
    crm_time_free(now);
    crm_time_free(dur);
    crm_time_free(end);
    return 0;
}

static int apply_clear(const hc_crm_cmd *c, xmlNode *cib, hc_crm_error *err)
{
    if (!find_rsc(cib, c->id)) {
        return fail_no_rsc(err, c, c->id_word, cib, c->id);
    }
    remove_cli_constraints(cib, c->id, true, true, NULL);
    return 0;
}

/* What crm_resource --meta -p target-role writes: the resource's first
 * meta_attributes set, created (id RSC-meta_attributes) at its end. */
static int apply_target_role(const hc_crm_cmd *c, xmlNode *cib,
                             hc_crm_error *err)
{
    xmlNode *n = find_rsc(cib, c->id);

    if (!n) {
        return fail_no_rsc(err, c, c->id_word, cib, c->id);
    }
    /* crm_resource sets a meta attribute of a clone's resource on the
     * clone: the instances take their meta attributes from it. */
    if (n->parent && (EL(n->parent, "clone") || EL(n->parent, "master"))) {
        n = n->parent;
    }
    xmlNode *set = child_el(n, "meta_attributes");
    if (!set) {
        set = add_nvset(cib, n, "meta_attributes",
                        crm_element_value(n, "id"), "meta_attributes", NULL);
    }
    set_nvpair(cib, set, "target-role",
               c->verb == HC_CRM_START ? "Started" : "Stopped");
    return 0;
}

/* What crm_attribute -t nodes -n standby writes; online only changes an
 * existing standby, as crmsh's node online. */
static int apply_standby(const hc_crm_cmd *c, xmlNode *cib,
                         hc_crm_error *err)
{
    xmlNode *nodes = hc_crm_section(cib, "nodes", false);
    xmlNode *node = NULL;
    int rc;

    if ((rc = check_node(err, c, cib, c->node, c->node_word))) {
        return rc;
    }
    for (xmlNode *k = nodes ? nodes->children : NULL; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE && EL(k, "node")) {
            const char *u = crm_element_value(k, "uname");
            if (u && !strcmp(u, c->node)) {
                node = k;
                break;
            }
        }
    }
    if (!node) {
        return hc_crm_fail(err, c->words, c->node_word, "no node named %s "
                           "in the CIB yet", c->node);
    }
    xmlNode *set = child_el(node, "instance_attributes");
    if (c->verb == HC_CRM_ONLINE) {
        for (xmlNode *nv = set ? set->children : NULL; nv; nv = nv->next) {
            if (nv->type == XML_ELEMENT_NODE && EL(nv, "nvpair")) {
                const char *nm = crm_element_value(nv, "name");
                if (nm && !strcmp(nm, "standby")) {
                    crm_xml_add(nv, "value", "off");
                }
            }
        }
        return 0;
    }
    if (!set) {
        char *base = g_strdup_printf("nodes-%s",
                                     crm_element_value(node, "id"));
        char *id = unique_id(cib, base);
        set = create_xml_node(node, "instance_attributes");
        crm_xml_add(set, "id", id);
        g_free(base);
        g_free(id);
    }
    set_nvpair(cib, set, "standby", "on");
    return 0;
}

int hc_crm_apply(const hc_crm_cmd *c, xmlNode *cib, hc_crm_error *err)
{
    return hc_crm_apply_advised(c, cib, NULL, err);
}

int hc_crm_apply_advised(const hc_crm_cmd *c, xmlNode *cib,
                         hc_crm_advice *adv, hc_crm_error *err)
{
    hc_crm_error dummy;

    if (!err) {
        err = &dummy;
    }
    memset(err, 0, sizeof(*err));
    if (!c || !cib || strcmp((const char *)cib->name, "cib")) {
        return -EINVAL;
    }
    switch (c->verb) {
    case HC_CRM_PROPERTY:
    case HC_CRM_RSC_DEFAULTS:
    case HC_CRM_OP_DEFAULTS:
        return apply_nvs(c, cib, adv, err);
    case HC_CRM_PRIMITIVE:
        return apply_primitive(c, cib, err);
    case HC_CRM_MS:
    case HC_CRM_CLONE:
    case HC_CRM_GROUP:
        return apply_container(c, cib, adv, err);
    case HC_CRM_COLOCATION:
    case HC_CRM_ORDER:
    case HC_CRM_LOCATION:
        return apply_constraint(c, cib, adv, err);
    case HC_CRM_DELETE:
        return apply_delete(c, cib, err);
    case HC_CRM_MOVE:
        return apply_move(c, cib, err);
    case HC_CRM_CLEAR:
        return apply_clear(c, cib, err);
    case HC_CRM_START:
    case HC_CRM_STOP:
        return apply_target_role(c, cib, err);
    case HC_CRM_STANDBY:
    case HC_CRM_ONLINE:
        return apply_standby(c, cib, err);
    case HC_CRM_CLEANUP:
        return -EOPNOTSUPP;
    }
    return -EINVAL;
}

int hc_crm_apply_line(const char *line, xmlNode *cib, hc_crm_error *err)
{
    hc_crm_cmd *c = NULL;
    int rc = hc_crm_parse(line, strlen(line), &c, err);

    if (rc) {
        return rc;
    }
    rc = hc_crm_apply(c, cib, err);
    hc_crm_cmd_free(c);
    return rc;
}
