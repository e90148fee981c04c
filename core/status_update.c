/* Updating the status model for one resource's change without
 * recomputing the whole cluster.
 *
 * crm_mon recomputes everything from the whole CIB on every change; on a
 * CIB of 32 nodes and 1000 resources that is a quarter of a second of CPU
 * for a single monitor result.  When the only difference between the old and
 * the new CIB is the operation history (lrm_resource entries) or the fail
 * counts of some resources, libpe_status is run on a reduced CIB instead:
 * the whole cluster configuration and node states, but only the top-level
 * resources concerned (with their groups and clones) and only their
 * history.  What it computes for those resources is spliced into the
 * model.  Anything else (configuration, node state, quorum, tickets,
 * remote nodes, bundles) takes the full computation: the result must be
 * exactly what hc_status_from_xml() gives for the new CIB. */
#include "status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "status_int.h"
#include "xml_util.h"

static bool ignored(const xmlAttr *a, const char *const *ignore)
{
    for (; ignore && *ignore; ignore++) {
        if (!strcmp((const char *) a->name, *ignore)) {
            return true;
        }
    }
    return false;
}

static const xmlAttr *next_prop(const xmlAttr *a, const char *const *ignore)
{
    while (a && ignored(a, ignore)) {
        a = a->next;
    }
    return a;
}

/* Same attributes in the same order; a reordering counts as a change,
 * which only costs a full computation. */
static bool attrs_equal(const xmlNode *a, const xmlNode *b,
                        const char *const *ignore)
{
    const xmlAttr *pa = next_prop(a->properties, ignore);
    const xmlAttr *pb = next_prop(b->properties, ignore);

    for (; pa && pb; pa = next_prop(pa->next, ignore),
                     pb = next_prop(pb->next, ignore)) {
        if (strcmp((const char *) pa->name, (const char *) pb->name)
            || strcmp(hc_xml_prop_value(pa), hc_xml_prop_value(pb))) {
            return false;
        }
    }
    return !pa && !pb;
}

/* Elements, their attributes and element children; text and comments are
 * not part of a CIB's meaning. */
static bool elem_equal(const xmlNode *a, const xmlNode *b)
{
    xmlNode *ca, *cb;

    if (strcmp((const char *) a->name, (const char *) b->name)
        || !attrs_equal(a, b, NULL)) {
        return false;
    }
    for (ca = hc_xml_first_elem(a), cb = hc_xml_first_elem(b); ca && cb;
         ca = hc_xml_next_elem(ca->next), cb = hc_xml_next_elem(cb->next)) {
        if (!elem_equal(ca, cb)) {
            return false;
        }
    }
    return !ca && !cb;
}

static const char *xml_id(const xmlNode *x)
{
    const char *id = crm_element_value(x, "id");

    return id ? id : "";
}

/* ---- what changed ----------------------------------------------------- */

typedef struct change_set {
    GHashTable *ids;        /* resource ids (as in lrm or fail-count-) */
} change_set;

static void mark(change_set *cs, const char *id)
{
    g_hash_table_add(cs->ids, g_strdup(id));
}

/* lrm_resources of one node: the entries that differ, were added or went
 * away are marked. */
static void compare_lrm_resources(xmlNode *a, xmlNode *b, change_set *cs)
{
    xmlNode *ca = hc_xml_first_elem(a), *cb = hc_xml_first_elem(b);
    GHashTable *rest;

    /* Usually the same entries in the same order. */
    for (; ca && cb && !strcmp(xml_id(ca), xml_id(cb));
         ca = hc_xml_next_elem(ca->next), cb = hc_xml_next_elem(cb->next)) {
        if (!elem_equal(ca, cb)) {
            mark(cs, xml_id(ca));
        }
    }
    if (!ca && !cb) {
        return;
    }
    rest = g_hash_table_new(g_str_hash, g_str_equal);
    for (xmlNode *x = cb; x; x = hc_xml_next_elem(x->next)) {
        g_hash_table_insert(rest, (gpointer) xml_id(x), x);
    }
    for (xmlNode *x = ca; x; x = hc_xml_next_elem(x->next)) {
        xmlNode *y = g_hash_table_lookup(rest, xml_id(x));

        if (!y || !elem_equal(x, y)) {
            mark(cs, xml_id(x));
        }
        g_hash_table_remove(rest, xml_id(x));
    }
    {
        GHashTableIter it;
        gpointer k;

        g_hash_table_iter_init(&it, rest);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            mark(cs, k);
        }
    }
    g_hash_table_unref(rest);
}

static GHashTable *transient_pairs(xmlNode *ta, bool *ok)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

    for (xmlNode *ia = hc_xml_first_elem(ta); ia;
         ia = hc_xml_next_elem(ia->next)) {
        if (!hc_xml_is_elem(ia, "instance_attributes")) {
            *ok = false;
            continue;
        }
        for (xmlNode *nv = hc_xml_first_elem(ia); nv;
             nv = hc_xml_next_elem(nv->next)) {
            const char *n = crm_element_value(nv, "name");
            const char *v = crm_element_value(nv, "value");

            if (!hc_xml_is_elem(nv, "nvpair") || !n) {
                *ok = false;
                continue;
            }
            g_hash_table_insert(h, (gpointer) n, (gpointer) (v ? v : ""));
        }
    }
    return h;
}

/* The resource a fail-count-RSC#op_interval or last-failure-RSC#...
 * attribute is about, or NULL for another attribute. */
static char *failure_attr_rsc(const char *name)
{
    const char *rest = NULL;

    if (g_str_has_prefix(name, "fail-count-")) {
        rest = name + strlen("fail-count-");
    } else if (g_str_has_prefix(name, "last-failure-")) {
        rest = name + strlen("last-failure-");
    }
    return rest && *rest ? g_strndup(rest, strcspn(rest, "#")) : NULL;
}

/* Node attributes: a change of failure attributes marks the resource; any
 * other attribute (standby, maintenance, shutdown...) needs everything. */
static bool compare_transient(xmlNode *a, xmlNode *b, change_set *cs)
{
    bool ok = true;
    GHashTable *ha, *hb;
    GHashTableIter it;
    gpointer k, v;

    ha = transient_pairs(a, &ok);
    hb = transient_pairs(b, &ok);
    for (int pass = 0; ok && pass < 2; pass++) {
        GHashTable *x = pass ? hb : ha, *y = pass ? ha : hb;

        g_hash_table_iter_init(&it, x);
        while (ok && g_hash_table_iter_next(&it, &k, &v)) {
            const char *w = g_hash_table_lookup(y, k);
            char *rsc;

            if (w && !strcmp(w, v)) {
                continue;
            }
            rsc = failure_attr_rsc(k);
            if (rsc) {
                mark(cs, rsc);
                g_free(rsc);
            } else {
                ok = false;
            }
        }
    }
    g_hash_table_unref(ha);
    g_hash_table_unref(hb);
    return ok;
}

/* The one lrm_resources element of an lrm element, or NULL; false when
 * the lrm element holds anything else. */
static bool lrm_resources_of(xmlNode *lrm, xmlNode **ret)
{
    xmlNode *r = hc_xml_first_elem(lrm);

    *ret = NULL;
    if (!r) {
        return true;
    }
    if (!hc_xml_is_elem(r, "lrm_resources") || hc_xml_next_elem(r->next)) {
        return false;
    }
    *ret = r;
    return true;
}

static xmlNode *next_other(xmlNode *x)
{
    for (x = hc_xml_next_elem(x); x && (hc_xml_is_elem(x, "lrm")
                                 || hc_xml_is_elem(x, "transient_attributes"));
         x = hc_xml_next_elem(x->next)) {
    }
    return x;
}

static xmlNode *section(xmlNode *x, const char *name);

static bool compare_node_state(xmlNode *a, xmlNode *b, change_set *cs)
{
    /* Set on every update by the controller, for debugging only. */
    static const char *const debug_only[] = { "crm-debug-origin", NULL };
    xmlNode *la = section(a, "lrm"), *lb = section(b, "lrm");
    xmlNode *ta = section(a, "transient_attributes");
    xmlNode *tb = section(b, "transient_attributes");
    xmlNode *ra, *rb, *ca, *cb;

    if (!attrs_equal(a, b, debug_only)) {
        return false;
    }
    /* The history and the node attributes appear with the first operation
     * or the first attribute: a missing one is an empty one. */
    if ((la && lb && !attrs_equal(la, lb, NULL))
        || !lrm_resources_of(la, &ra) || !lrm_resources_of(lb, &rb)) {
        return false;
    }
    compare_lrm_resources(ra, rb, cs);
    if (ta && tb && !attrs_equal(ta, tb, NULL)) {
        return false;
    }
    if ((ta || tb) && !compare_transient(ta, tb, cs)) {
        return false;
    }
    for (ca = next_other(a->children), cb = next_other(b->children); ca && cb;
         ca = next_other(ca->next), cb = next_other(cb->next)) {
        if (!elem_equal(ca, cb)) {
            return false;
        }
    }
    return !ca && !cb;
}

/* Fills cs with the resources whose history changed; false when anything
 * else changed. */
static bool find_changes(xmlNode *old_cib, xmlNode *new_cib, change_set *cs)
{
    /* Bumped by every change, or by configuration changes that the
     * comparison of the configuration catches. */
    static const char *const counters[] = {
        "epoch", "num_updates", "cib-last-written", "update-origin",
        "update-client", "update-user", NULL
    };
    xmlNode *ca, *cb;

    if (!hc_xml_is_elem(old_cib, "cib") || !hc_xml_is_elem(new_cib, "cib")
        || !attrs_equal(old_cib, new_cib, counters)) {
        return false;
    }
    for (ca = hc_xml_first_elem(old_cib), cb = hc_xml_first_elem(new_cib);
         ca && cb;
         ca = hc_xml_next_elem(ca->next), cb = hc_xml_next_elem(cb->next)) {
        xmlNode *sa, *sb;

        if (strcmp((const char *) ca->name, (const char *) cb->name)) {
            return false;
        }
        if (!hc_xml_is_elem(ca, "status")) {
            if (!elem_equal(ca, cb)) {
                return false;
            }
            continue;
        }
        if (!attrs_equal(ca, cb, NULL)) {
            return false;
        }
        for (sa = hc_xml_first_elem(ca), sb = hc_xml_first_elem(cb); sa && sb;
             sa = hc_xml_next_elem(sa->next), sb = hc_xml_next_elem(sb->next)) {
            if (hc_xml_is_elem(sa, "node_state")
                && hc_xml_is_elem(sb, "node_state")
                && !strcmp(xml_id(sa), xml_id(sb))) {
                if (!compare_node_state(sa, sb, cs)) {
                    return false;
                }
            } else if (!elem_equal(sa, sb)) {
                return false;
            }
        }
        if (sa || sb) {
            return false;
        }
    }
    return !ca && !cb;
}

/* ---- the configuration's resources ------------------------------------ */

/* The id without a clone instance's ":N". */
static char *base_id(const char *id)
{
    const char *colon = strrchr(id, ':');

    if (colon && colon[1] && strspn(colon + 1, "0123456789")
                             == strlen(colon + 1)) {
        return g_strndup(id, (gsize) (colon - id));
    }
    return g_strdup(id);
}

/* Maps every resource id inside a top-level resource to the top-level
 * element.  False when the configuration has something whose status
 * depends on other resources' history: remote and guest nodes (their
 * connection resource), bundles. */
static bool map_resource(xmlNode *x, xmlNode *top, GHashTable *map)
{
    const char *cls = crm_element_value(x, "class");

    if (hc_xml_is_elem(x, "bundle")
        || (hc_xml_is_elem(x, "primitive") && cls && !strcmp(cls, "ocf")
            && !g_strcmp0(crm_element_value(x, "provider"), "pacemaker")
            && !g_strcmp0(crm_element_value(x, "type"), "remote"))) {
        return false;
    }
    if (hc_xml_is_elem(x, "nvpair")
        && !g_strcmp0(crm_element_value(x, "name"), "remote-node")) {
        return false;
    }
    if (hc_xml_is_elem(x, "primitive") || hc_xml_is_elem(x, "group")
        || hc_xml_is_elem(x, "clone") || hc_xml_is_elem(x, "master")) {
        g_hash_table_insert(map, (gpointer) xml_id(x), top);
    }
    for (xmlNode *c = hc_xml_first_elem(x); c; c = hc_xml_next_elem(c->next)) {
        if (!map_resource(c, top, map)) {
            return false;
        }
    }
    return true;
}

static xmlNode *section(xmlNode *x, const char *name)
{
    for (xmlNode *c = hc_xml_first_elem(x); c; c = hc_xml_next_elem(c->next)) {
        if (hc_xml_is_elem(c, name)) {
            return c;
        }
    }
    return NULL;
}

static bool has_tickets(xmlNode *cons)
{
    for (xmlNode *c = hc_xml_first_elem(cons); c;
         c = hc_xml_next_elem(c->next)) {
        if (hc_xml_is_elem(c, "rsc_ticket")) {
            return true;
        }
    }
    return false;
}

/* ---- the reduced CIB -------------------------------------------------- */

static bool is_fencing_device(const xmlNode *x)
{
    return hc_xml_is_elem(x, "primitive")
           && !g_strcmp0(crm_element_value(x, "class"), "stonith");
}

/* The whole CIB but for the resources: only the dirty top-level ones, the
 * templates they may use and the fencing devices (whether the cluster can
 * fence decides what a failed stop does), and only their history. */
static xmlNode *reduced_cib(xmlNode *cib, GHashTable *dirty_tops,
                            GHashTable *map)
{
    xmlNode *out = create_xml_node(NULL, "cib");

    copy_in_properties(out, cib);
    for (xmlNode *s = hc_xml_first_elem(cib); s;
         s = hc_xml_next_elem(s->next)) {
        if (hc_xml_is_elem(s, "configuration")) {
            xmlNode *conf = create_xml_node(out, "configuration");

            copy_in_properties(conf, s);
            for (xmlNode *c = hc_xml_first_elem(s); c;
                 c = hc_xml_next_elem(c->next)) {
                xmlNode *res;

                if (hc_xml_is_elem(c, "constraints")) {
                    create_xml_node(conf, "constraints");
                    continue;
                }
                if (!hc_xml_is_elem(c, "resources")) {
                    add_node_copy(conf, c);
                    continue;
                }
                res = create_xml_node(conf, "resources");
                for (xmlNode *r = hc_xml_first_elem(c); r;
                     r = hc_xml_next_elem(r->next)) {
                    if (hc_xml_is_elem(r, "template") || is_fencing_device(r)
                        || g_hash_table_contains(dirty_tops, r)) {
                        add_node_copy(res, r);
                    }
                }
            }
        } else if (hc_xml_is_elem(s, "status")) {
            xmlNode *st = create_xml_node(out, "status");

            copy_in_properties(st, s);
            for (xmlNode *ns = hc_xml_first_elem(s); ns;
                 ns = hc_xml_next_elem(ns->next)) {
                xmlNode *ns2;

                if (!hc_xml_is_elem(ns, "node_state")) {
                    add_node_copy(st, ns);
                    continue;
                }
                ns2 = create_xml_node(st, "node_state");
                copy_in_properties(ns2, ns);
                for (xmlNode *c = hc_xml_first_elem(ns); c;
                     c = hc_xml_next_elem(c->next)) {
                    xmlNode *lrs = hc_xml_first_elem(c), *lrm, *lrs2;

                    if (!hc_xml_is_elem(c, "lrm")
                        || !hc_xml_is_elem(lrs, "lrm_resources")) {
                        add_node_copy(ns2, c);
                        continue;
                    }
                    lrm = create_xml_node(ns2, "lrm");
                    copy_in_properties(lrm, c);
                    lrs2 = create_xml_node(lrm, "lrm_resources");
                    for (xmlNode *lr = hc_xml_first_elem(lrs); lr;
                         lr = hc_xml_next_elem(lr->next)) {
                        const char *id = xml_id(lr);
                        xmlNode *top;

                        if (strchr(id, ':')) {
                            char *b = base_id(id);

                            top = g_hash_table_lookup(map, b);
                            g_free(b);
                        } else {
                            top = g_hash_table_lookup(map, id);
                        }
                        if (top && g_hash_table_contains(dirty_tops, top)) {
                            add_node_copy(lrs2, lr);
                        }
                    }
                }
            }
        } else {
            add_node_copy(out, s);
        }
    }
    return out;
}

/* ---- splicing --------------------------------------------------------- */

static bool node_same(const hc_node *a, const hc_node *b)
{
    return !g_strcmp0(a->id, b->id) && !g_strcmp0(a->name, b->name)
           && !g_strcmp0(a->type, b->type) && a->state == b->state
           && a->online == b->online && a->standby == b->standby
           && a->maintenance == b->maintenance && a->pending == b->pending
           && a->unclean == b->unclean && a->shutdown == b->shutdown
           && a->is_dc == b->is_dc && a->standby_onfail == b->standby_onfail;
}

static int find_top(GPtrArray *a, const char *id)
{
    for (guint i = 0; i < a->len; i++) {
        hc_resource *r = g_ptr_array_index(a, i);

        if (!strcmp(r->id, id)) {
            return (int) i;
        }
    }
    return -1;
}

static xmlNode *failed_top(const hc_failed_action *f, GHashTable *map)
{
    char *b;
    xmlNode *top;

    if (!f->resource) {
        return NULL;
    }
    b = base_id(f->resource);
    top = g_hash_table_lookup(map, b);
    g_free(b);
    return top;
}

typedef struct failed_key {
    hc_failed_action *f;
    long node_rank, lrm_index, seq;
} failed_key;

static int cmp_failed_key(gconstpointer pa, gconstpointer pb)
{
    const failed_key *a = pa, *b = pb;

    if (a->node_rank != b->node_rank) {
        return a->node_rank < b->node_rank ? -1 : 1;
    }
    if (a->lrm_index != b->lrm_index) {
        return a->lrm_index < b->lrm_index ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* libpe_status lists failed operations in the order it unpacks the
 * history: node by node (online nodes first when neither fencing nor
 * shutdown locks are enabled), resource by resource in each node's lrm
 * section, operations by call id.  The merged list is put in that order;
 * false when an operation cannot be placed. */
static bool order_failed(hc_status *st, xmlNode *cib, GArray *keys)
{
    xmlNode *status = section(cib, "status");
    long n_states = 0, idx = 0;
    GHashTable *rank = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *lrm_of = g_hash_table_new(g_str_hash, g_str_equal);
    bool ok = true;

    for (xmlNode *ns = hc_xml_first_elem(status); ns;
         ns = hc_xml_next_elem(ns->next)) {
        n_states += hc_xml_is_elem(ns, "node_state");
    }
    for (xmlNode *ns = hc_xml_first_elem(status); ns;
         ns = hc_xml_next_elem(ns->next)) {
        const char *uname = crm_element_value(ns, "uname");
        hc_node *n;
        long r;

        if (!hc_xml_is_elem(ns, "node_state") || !uname) {
            continue;
        }
        n = hc_status_find_node(st, uname);
        r = (st->cluster.stonith_enabled || st->cluster.shutdown_lock
             || (n && n->online)) ? idx : n_states + idx;
        idx++;
        if (!g_hash_table_contains(rank, uname)) {
            g_hash_table_insert(rank, (gpointer) uname, (gpointer) (r + 1));
            g_hash_table_insert(lrm_of, (gpointer) uname,
                                hc_xml_first_elem(section(ns, "lrm")));
        }
    }
    for (guint i = 0; ok && i < keys->len; i++) {
        failed_key *k = &g_array_index(keys, failed_key, i);
        gpointer r = k->f->node ? g_hash_table_lookup(rank, k->f->node)
                                : NULL;
        xmlNode *lrs = k->f->node ? g_hash_table_lookup(lrm_of, k->f->node)
                                  : NULL;
        long j = 0;
        char *base;

        if (!r || !k->f->resource) {
            ok = false;
            break;
        }
        k->node_rank = (long) (intptr_t) r;
        k->lrm_index = -1;
        /* An anonymous clone's instance ("rsc:0") has its history under
         * the primitive's id. */
        base = base_id(k->f->resource);
        for (xmlNode *lr = hc_xml_first_elem(lrs); lr;
             lr = hc_xml_next_elem(lr->next)) {
            if (!strcmp(xml_id(lr), k->f->resource)
                || (k->lrm_index < 0 && !strcmp(xml_id(lr), base))) {
                k->lrm_index = j;
                if (!strcmp(xml_id(lr), k->f->resource)) {
                    break;
                }
            }
            j++;
        }
        g_free(base);
        ok = k->lrm_index >= 0;
    }
    g_hash_table_unref(rank);
    g_hash_table_unref(lrm_of);
    if (ok) {
        g_array_sort(keys, cmp_failed_key);
    }
    return ok;
}

/* st->failed becomes the entries of keys, in that order; the entries of
 * st and part that are not kept are freed. */
static void move_failed(hc_status *st, hc_status *part, GArray *keys)
{
    GHashTable *kept = g_hash_table_new(g_direct_hash, g_direct_equal);
    hc_status *from[2] = { st, part };

    for (guint i = 0; i < keys->len; i++) {
        g_hash_table_add(kept, g_array_index(keys, failed_key, i).f);
    }
    for (int s = 0; s < 2; s++) {
        gsize n = 0;
        gpointer *old = g_ptr_array_steal(from[s]->failed, &n);

        for (gsize i = 0; i < n; i++) {
            if (!g_hash_table_contains(kept, old[i])) {
                hc__status_failed_free(old[i]);
            }
        }
        g_free(old);
    }
    for (guint i = 0; i < keys->len; i++) {
        g_ptr_array_add(st->failed, g_array_index(keys, failed_key, i).f);
    }
    g_hash_table_unref(kept);
}

static void update_root(hc_status *st, xmlNode *cib)
{
    hc_cluster *cl = &st->cluster;
    const char *ae = crm_element_value(cib, "admin_epoch");
    const char *e = crm_element_value(cib, "epoch");
    const char *nu = crm_element_value(cib, "num_updates");

    g_free(cl->last_written);
    cl->last_written = g_strdup(crm_element_value(cib, "cib-last-written"));
    g_free(cl->last_change_user);
    cl->last_change_user = g_strdup(crm_element_value(cib, "update-user"));
    g_free(cl->last_change_client);
    cl->last_change_client = g_strdup(crm_element_value(cib,
                                                        "update-client"));
    g_free(cl->last_change_origin);
    cl->last_change_origin = g_strdup(crm_element_value(cib,
                                                        "update-origin"));
    g_free(cl->epoch);
    cl->epoch = g_strdup_printf("%s:%s:%s", ae ? ae : "0", e ? e : "0",
                                nu ? nu : "0");
}

int hc_status_update(hc_status *st, xmlNode *old_cib, xmlNode *new_cib,
                     time_t now, GPtrArray **ret_dirty)
{
    change_set cs = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL) };
    GHashTable *map = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *dirty_tops = g_hash_table_new(g_direct_hash,
                                              g_direct_equal);
    xmlNode *conf = section(new_cib, "configuration");
    xmlNode *reduced = NULL;
    hc_status *part = NULL;
    GArray *keys = NULL;
    GPtrArray *pairs = NULL;
    GHashTableIter it;
    gpointer k;
    int rc = 0;

    if (ret_dirty) {
        *ret_dirty = NULL;
    }
    if (!st || !conf || !find_changes(old_cib, new_cib, &cs)
        || has_tickets(section(conf, "constraints"))) {
        goto out;
    }
    for (xmlNode *r = hc_xml_first_elem(section(conf, "resources")); r;
         r = hc_xml_next_elem(r->next)) {
        if (!map_resource(r, r, map)) {
            goto out;
        }
    }
    g_hash_table_iter_init(&it, cs.ids);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        char *b = base_id(k);
        xmlNode *top = g_hash_table_lookup(map, b);

        g_free(b);
        if (!top) {
            /* History of a resource that is not configured: an orphan. */
            goto out;
        }
        g_hash_table_add(dirty_tops, top);
    }
    if (!g_hash_table_size(dirty_tops)) {
        /* Only counters moved. */
        update_root(st, new_cib);
        rc = 1;
        goto out;
    }

    reduced = reduced_cib(new_cib, dirty_tops, map);
    if (hc_status_from_xml(reduced, now, &part, NULL) < 0) {
        goto out;
    }
    /* The nodes' states must not depend on the resources left out. */
    if (part->nodes->len != st->nodes->len
        || g_strcmp0(part->cluster.dc, st->cluster.dc)
        || part->cluster.quorate != st->cluster.quorate) {
        goto out;
    }
    for (guint i = 0; i < st->nodes->len; i++) {
        if (!node_same(g_ptr_array_index(st->nodes, i),
                       g_ptr_array_index(part->nodes, i))) {
            goto out;
        }
    }
    /* Pairs of (index in st, index in part) for each dirty top. */
    pairs = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&it, dirty_tops);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        int *p = g_new(int, 2);

        p[0] = find_top(st->resources, xml_id(k));
        p[1] = find_top(part->resources, xml_id(k));
        g_ptr_array_add(pairs, p);
        if (p[0] < 0 || p[1] < 0) {
            goto out;
        }
    }
    /* Failed operations: the others' from st, the dirty ones' from part. */
    keys = g_array_new(FALSE, FALSE, sizeof(failed_key));
    for (int pass = 0; pass < 2; pass++) {
        GPtrArray *src = pass ? part->failed : st->failed;

        for (guint i = 0; i < src->len; i++) {
            hc_failed_action *f = g_ptr_array_index(src, i);
            xmlNode *top = failed_top(f, map);
            failed_key fk = { f, 0, 0, (long) (pass * 1000000 + i) };

            if (!top) {
                goto out;
            }
            if (g_hash_table_contains(dirty_tops, top) == (pass == 1)) {
                g_array_append_val(keys, fk);
            }
        }
    }
    if (!order_failed(st, new_cib, keys)) {
        goto out;
    }

    /* Nothing can fail from here on: splice. */
    for (guint i = 0; i < pairs->len; i++) {
        int *p = g_ptr_array_index(pairs, i);
        hc_resource *o = g_ptr_array_index(st->resources, p[0]);
        hc_resource *n = g_ptr_array_index(part->resources, p[1]);

        st->cluster.n_resources += n->n_instances - o->n_instances;
        st->cluster.n_disabled += n->n_disabled - o->n_disabled;
        st->cluster.n_blocked += n->n_blocked - o->n_blocked;
        part->resources->pdata[p[1]] = NULL;
        g_ptr_array_remove_index(st->resources, (guint) p[0]);
        g_ptr_array_insert(st->resources, p[0], n);
    }
    move_failed(st, part, keys);
    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = g_ptr_array_index(st->nodes, i);

        g_ptr_array_set_size(n->running, 0);
    }
    for (guint i = 0; i < st->resources->len; i++) {
        hc__status_add_running(st, g_ptr_array_index(st->resources, i));
    }
    update_root(st, new_cib);
    hc__status_warnings(st);
    if (ret_dirty) {
        *ret_dirty = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_iter_init(&it, dirty_tops);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            g_ptr_array_add(*ret_dirty, g_strdup(xml_id(k)));
        }
    }
    rc = 1;
out:
    g_hash_table_unref(cs.ids);
    g_hash_table_unref(map);
    g_hash_table_unref(dirty_tops);
    free_xml(reduced);
    hc_status_free(part);
    if (keys) {
        g_array_unref(keys);
    }
    if (pairs) {
        g_ptr_array_unref(pairs);
    }
    return rc;
}
