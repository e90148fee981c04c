#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
#include <crm/common/iso8601.h>
#include <crm/pengine/status.h>
#include <crm/pengine/complex.h>
#include <crm/pengine/common.h>
#include <crm/msg_xml.h>

#include "status_int.h"
#include "util.h"

/* libpacemaker exports this without a public header.  crm_mon calls it
 * after cluster_status() and so do we: unpacking the constraints applies
 * what they imply for display (a ticket lost with loss-policy=fence makes
 * its nodes unclean), and hacon must show what crm_mon shows. */
void pcmk__unpack_constraints(pe_working_set_t *data_set);

/* libpe_status exports this without a public header (crm_mon's bundle
 * output uses it): the resource inside the bundle replica whose guest node
 * is node. */
pe_resource_t *pe__find_bundle_replica(const pe_resource_t *bundle,
                                       const pe_node_t *node);

/* ---- freeing ---------------------------------------------------------- */

static void nvpair_free(gpointer p)
{
    hc_nvpair *nv = p;

    g_free(nv->name);
    g_free(nv->value);
    g_free(nv);
}

static void place_free(gpointer p)
{
    hc_rsc_place *pl = p;

    g_free(pl->node);
    g_free(pl->role);
    g_free(pl);
}

static void failcount_free(gpointer p)
{
    hc_failcount *fc = p;

    g_free(fc->node);
    g_free(fc);
}

static void op_free(gpointer p)
{
    hc_op *op = p;

    g_free(op->name);
    g_free(op->interval);
    g_free(op->timeout);
    g_free(op->role);
    g_free(op);
}

static void resource_free(gpointer p)
{
    hc_resource *r = p;

    if (!r) {
        return;
    }
    g_free(r->id);
    g_free(r->agent);
    g_free(r->role);
    g_free(r->target_role);
    g_free(r->image);
    g_free(r->replica_name);
    g_free(r->replica_node);
    g_ptr_array_unref(r->places);
    g_ptr_array_unref(r->failcounts);
    g_ptr_array_unref(r->params);
    g_ptr_array_unref(r->meta);
    g_ptr_array_unref(r->ops);
    g_ptr_array_unref(r->children);
    g_free(r);
}

static void node_free(gpointer p)
{
    hc_node *n = p;

    g_free(n->id);
    g_free(n->name);
    g_free(n->type);
    g_ptr_array_unref(n->running);
    g_free(n);
}

static void failed_free(gpointer p)
{
    hc_failed_action *f = p;

    g_free(f->resource);
    g_free(f->op_key);
    g_free(f->task);
    g_free(f->node);
    g_free(f->rc_text);
    g_free(f->status_text);
    g_free(f->exit_reason);
    g_free(f);
}

static void constraint_free(gpointer p)
{
    hc_constraint *c = p;

    g_free(c->id);
    g_free(c->rsc);
    g_free(c->rsc_role);
    g_free(c->with_rsc);
    g_free(c->with_role);
    g_free(c->node);
    g_free(c->score);
    g_free(c->action);
    g_free(c->with_action);
    g_free(c->kind_str);
    g_free(c->sets);
    g_free(c->expires);
    g_free(c->rule_node);
    g_free(c);
}

void hc_status_free(hc_status *st)
{
    if (!st) {
        return;
    }
    g_free(st->cluster.name);
    g_free(st->cluster.stack);
    g_free(st->cluster.dc);
    g_free(st->cluster.dc_version);
    g_free(st->cluster.last_written);
    g_free(st->cluster.last_change_user);
    g_free(st->cluster.last_change_client);
    g_free(st->cluster.last_change_origin);
    g_free(st->cluster.no_quorum_policy);
    g_free(st->cluster.watchdog_timeout);
    g_free(st->cluster.epoch);
    g_free(st->fence_why);
    hc_sbd_state_free(st->sbd);
    g_free(st->sbd_node);
    if (st->sbd_peers) {
        g_ptr_array_unref(st->sbd_peers);
    }
    g_free(st->qdevice);
    g_free(st->qdevice_heuristics);
    if (st->fence_history) {
        g_ptr_array_unref(st->fence_history);
    }
    g_ptr_array_unref(st->cluster.warnings);
    g_ptr_array_unref(st->nodes);
    g_ptr_array_unref(st->resources);
    g_ptr_array_unref(st->failed);
    g_ptr_array_unref(st->constraints);
    g_free(st);
}

/* ---- names ------------------------------------------------------------ */

const char *hc_node_state_str(hc_node_state s)
{
    switch (s) {
    case HC_NODE_ONLINE: return "online";
    case HC_NODE_STANDBY: return "standby";
    case HC_NODE_MAINTENANCE: return "maintenance";
    case HC_NODE_PENDING: return "pending";
    case HC_NODE_UNCLEAN: return "unclean";
    case HC_NODE_OFFLINE: return "offline";
    }
    return "unknown";
}

const char *hc_rsc_kind_str(hc_rsc_kind k)
{
    switch (k) {
    case HC_RSC_PRIMITIVE: return "primitive";
    case HC_RSC_GROUP: return "group";
    case HC_RSC_CLONE: return "clone";
    case HC_RSC_PROMOTABLE: return "promotable";
    case HC_RSC_BUNDLE: return "bundle";
    case HC_RSC_REPLICA: return "replica";
    }
    return "unknown";
}

const char *hc_cons_kind_str(hc_cons_kind k)
{
    switch (k) {
    case HC_CONS_LOCATION: return "location";
    case HC_CONS_COLOCATION: return "colocation";
    case HC_CONS_ORDER: return "order";
    case HC_CONS_TICKET: return "ticket";
    }
    return "unknown";
}

/* ---- building --------------------------------------------------------- */

static const char *xml_attr(const xmlNode *x, const char *name)
{
    return crm_element_value(x, name);
}

static char *dup_attr(const xmlNode *x, const char *name)
{
    return g_strdup(xml_attr(x, name));
}

/* The nvpairs of the first child block named block (instance_attributes,
 * meta_attributes), in CIB order.  Rules in the blocks are not evaluated
 * here: the detail pane shows what is configured. */
/* A parameter that holds a secret (a fence device's password, passwd,
 * snmp_priv_passwd ...): the model keeps "(hidden)" instead, so that
 * neither `hacon status` nor the console ever shows it. */
static bool secret_param(const char *name)
{
    return name && (g_str_has_suffix(name, "password")
                    || g_str_has_suffix(name, "passwd")
                    || !strcmp(name, "secret"));
}

static GPtrArray *nvpairs_of(const xmlNode *x, const char *block)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(nvpair_free);

    for (xmlNode *b = x ? x->children : NULL; b; b = b->next) {
        if (b->type != XML_ELEMENT_NODE
            || strcmp((const char *) b->name, block) != 0) {
            continue;
        }
        for (xmlNode *nv = b->children; nv; nv = nv->next) {
            hc_nvpair *p;

            if (nv->type != XML_ELEMENT_NODE
                || strcmp((const char *) nv->name, "nvpair") != 0) {
                continue;
            }
            p = g_new0(hc_nvpair, 1);
            p->name = dup_attr(nv, "name");
            p->value = secret_param(p->name) ? g_strdup("(hidden)")
                                             : dup_attr(nv, "value");
            g_ptr_array_add(a, p);
        }
    }
    return a;
}

static GPtrArray *ops_of(const xmlNode *x)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(op_free);

    for (xmlNode *b = x ? x->children : NULL; b; b = b->next) {
        if (b->type != XML_ELEMENT_NODE
            || strcmp((const char *) b->name, "operations") != 0) {
            continue;
        }
        for (xmlNode *o = b->children; o; o = o->next) {
            hc_op *op;

            if (o->type != XML_ELEMENT_NODE
                || strcmp((const char *) o->name, "op") != 0) {
                continue;
            }
            op = g_new0(hc_op, 1);
            op->name = dup_attr(o, "name");
            op->interval = g_strdup(xml_attr(o, "interval")
                                    ? xml_attr(o, "interval") : "0s");
            op->timeout = dup_attr(o, "timeout");
            op->role = dup_attr(o, "role");
            g_ptr_array_add(a, op);
        }
    }
    return a;
}

/* The id crm_mon prints: anonymous clone instances carry the primitive's
 * id without the ":N" suffix. */
static const char *printable_id(const pe_resource_t *rsc)
{
    if (pcmk_is_set(rsc->flags, pe_rsc_unique) || !rsc->xml) {
        return rsc->id;
    }
    return ID(rsc->xml) ? ID(rsc->xml) : rsc->id;
}

static char *base_id(const char *id)
{
    const char *colon = strrchr(id, ':');

    return colon ? g_strndup(id, (gsize) (colon - id)) : g_strdup(id);
}

/* fail-count-RSC#OP_INTERVAL (2.1) or fail-count-RSC (older): summed per
 * resource base id and node. */
static void collect_failcounts(pe_working_set_t *ws, GHashTable *by_rsc)
{
    for (GList *l = ws->nodes; l; l = l->next) {
        pe_node_t *node = l->data;
        GHashTableIter it;
        gpointer k, v;

        if (!node->details->attrs) {
            continue;
        }
        g_hash_table_iter_init(&it, node->details->attrs);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const char *name = k;
            char *rsc, *hash;
            GHashTable *per_node;
            long long n, *cur;

            if (!g_str_has_prefix(name, "fail-count-")) {
                continue;
            }
            rsc = g_strdup(name + strlen("fail-count-"));
            hash = strchr(rsc, '#');
            if (hash) {
                *hash = 0;
            }
            n = char2score(v);
            per_node = g_hash_table_lookup(by_rsc, rsc);
            if (!per_node) {
                per_node = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                 g_free, g_free);
                g_hash_table_insert(by_rsc, base_id(rsc), per_node);
            }
            cur = g_hash_table_lookup(per_node, node->details->uname);
            if (!cur) {
                cur = g_new0(long long, 1);
                g_hash_table_insert(per_node, g_strdup(node->details->uname),
                                    cur);
            }
            *cur += n;
            if (*cur > CRM_SCORE_INFINITY) {
                *cur = CRM_SCORE_INFINITY;
            }
            g_free(rsc);
        }
    }
}

static int cmp_failcount(gconstpointer a, gconstpointer b)
{
    const hc_failcount *x = *(hc_failcount *const *) a;
    const hc_failcount *y = *(hc_failcount *const *) b;

    return strcmp(x->node, y->node);
}

static hc_resource *resource_new(pe_resource_t *rsc, pe_working_set_t *ws,
                                 GHashTable *failcounts, hc_resource *parent);

/* An instance of a promotable clone that is merely Started is shown as
 * Unpromoted, as crm_mon does. */
static const char *display_role(const pe_resource_t *rsc)
{
    /* An action in flight (record-pending) names the state, as crm_mon. */
    static const char *const pending[][2] = {
        { "start", "Starting" }, { "stop", "Stopping" },
        { "migrate_to", "Migrating" }, { "migrate_from", "Migrating" },
        { "promote", "Promoting" }, { "demote", "Demoting" },
    };

    for (size_t i = 0; rsc->pending_task && i < G_N_ELEMENTS(pending); i++) {
        if (!strcasecmp(rsc->pending_task, pending[i][0])) {
            return pending[i][1];
        }
    }
    if (rsc->role == RSC_ROLE_STARTED) {
        for (const pe_resource_t *p = rsc->parent; p; p = p->parent) {
            if (pcmk_is_set(p->flags, pe_rsc_promotable)) {
                return role2text(RSC_ROLE_UNPROMOTED);
            }
        }
    }
    return role2text(rsc->role);
}

static pe_resource_t *top_ancestor(pe_resource_t *rsc)
{
    while (rsc->parent) {
        rsc = rsc->parent;
    }
    return rsc;
}

static bool has_child_element(const xmlNode *x, const char *name)
{
    for (const xmlNode *c = x ? x->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *) c->name,
                                                    name)) {
            return true;
        }
    }
    return false;
}

static const char *xml_child_attr(const xmlNode *x, const char *const *names,
                                  size_t n, const char *attr)
{
    for (const xmlNode *c = x ? x->children : NULL; c; c = c->next) {
        for (size_t i = 0; c->type == XML_ELEMENT_NODE && i < n; i++) {
            if (!strcmp((const char *) c->name, names[i])) {
                return xml_attr(c, attr);
            }
        }
    }
    return NULL;
}

static hc_resource *replica_new(hc_resource *bundle, int offset)
{
    hc_resource *r = g_new0(hc_resource, 1);

    r->parent = bundle;
    r->kind = HC_RSC_REPLICA;
    r->id = g_strdup_printf("%d", offset);
    r->managed = true;
    r->places = g_ptr_array_new_with_free_func(place_free);
    r->failcounts = g_ptr_array_new_with_free_func(failcount_free);
    r->children = g_ptr_array_new_with_free_func(resource_free);
    r->params = g_ptr_array_new_with_free_func(nvpair_free);
    r->meta = g_ptr_array_new_with_free_func(nvpair_free);
    r->ops = g_ptr_array_new_with_free_func(op_free);
    return r;
}

/* What crm_mon says of a replica on one line: the resource inside (else
 * the container) in its role, on the container's node. */
static void replica_summary(hc_resource *rep, const hc_resource *inner,
                            const hc_resource *container,
                            const hc_resource *remote)
{
    const hc_resource *main = inner ? inner : container;

    rep->replica_name = g_strdup(remote ? remote->id
                                 : container ? container->id : rep->id);
    if (main) {
        rep->agent = g_strdup(main->agent);
        rep->role = g_strdup(main->role);
    }
    if (container && container->places->len) {
        rep->replica_node = g_strdup(((hc_rsc_place *)
                                      container->places->pdata[0])->node);
    }
    for (guint i = 0; i < rep->children->len; i++) {
        const hc_resource *c = rep->children->pdata[i];

        rep->failed |= c->failed;
        rep->blocked |= c->blocked;
        rep->managed &= c->managed;
    }
    rep->active = container ? container->active : main && main->active;
}

/* A bundle's replicas as crm_mon lists them.  libpe_status keeps each
 * replica's container, IP address and remote connection in the bundle's
 * children, replica after replica, container first (bundle.c,
 * create_replica_resources()); the resource inside is an instance of the
 * bundle's own clone, found through the replica's guest node, which has
 * the remote connection's name. */
static void add_bundle_replicas(hc_resource *r, pe_resource_t *bundle,
                                pe_working_set_t *ws, GHashTable *failcounts)
{
    bool has_inner = has_child_element(bundle->xml, "primitive");
    char *ip_prefix = g_strdup_printf("%s-ip-", bundle->id);
    hc_resource *rep = NULL, *container = NULL, *ip = NULL, *remote = NULL;
    pe_resource_t *remote_rsc = NULL;
    GList *l = bundle->children;

    for (;;) {
        pe_resource_t *part = l ? l->data : NULL;
        bool is_remote = part && part->container != NULL;
        bool is_ip = part && g_str_has_prefix(part->id, ip_prefix);

        /* A container (or the end) closes the replica before it. */
        if (rep && (!part || (part->variant == pe_native && !is_remote
                              && !is_ip))) {
            pe_resource_t *in = NULL;
            hc_resource *inner = NULL;

            if (has_inner && remote_rsc) {
                pe_node_t *guest = pe_find_node(ws->nodes, remote_rsc->id);

                in = guest ? pe__find_bundle_replica(bundle, guest) : NULL;
            }
            if (in) {
                inner = resource_new(in, ws, failcounts, rep);
            }
            /* crm_mon's order: IP, the resource inside, container,
             * remote connection. */
            if (ip) {
                g_ptr_array_add(rep->children, ip);
            }
            if (inner) {
                g_ptr_array_add(rep->children, inner);
            }
            if (container) {
                g_ptr_array_add(rep->children, container);
            }
            if (remote) {
                g_ptr_array_add(rep->children, remote);
            }
            replica_summary(rep, inner, container, remote);
            g_ptr_array_add(r->children, rep);
            rep = NULL;
            container = ip = remote = NULL;
            remote_rsc = NULL;
        }
        if (!part) {
            break;
        }
        /* The bundle's own clone comes last: its instances are the
         * replicas' insides, taken above. */
        if (part->variant != pe_native) {
            l = l->next;
            continue;
        }
        if (!rep) {
            const char *dash = strrchr(part->id, '-');

            rep = replica_new(r, dash ? atoi(dash + 1)
                                      : (int) r->children->len);
        }
        if (is_remote) {
            remote = resource_new(part, ws, failcounts, rep);
            remote_rsc = part;
        } else if (is_ip) {
            ip = resource_new(part, ws, failcounts, rep);
        } else {
            container = resource_new(part, ws, failcounts, rep);
        }
        l = l->next;
    }
    g_free(ip_prefix);
}

/* A bundle keeps its replicas out of rsc->children (in data private to
 * libpe_status); their active parts are found on the nodes instead. */
static G_GNUC_UNUSED void add_bundle_parts(hc_resource *r,
                                           pe_resource_t *bundle,
                                           pe_working_set_t *ws,
                                           GHashTable *failcounts)
{
    for (GList *l = ws->nodes; l; l = l->next) {
        pe_node_t *node = l->data;

        for (GList *m = node->details->running_rsc; m; m = m->next) {
            pe_resource_t *part = m->data;
            bool seen = false;

            if (part->variant != pe_native || top_ancestor(part) != bundle) {
                continue;
            }
            for (guint i = 0; i < r->children->len; i++) {
                hc_resource *c = g_ptr_array_index(r->children, i);

                if (!strcmp(c->id, part->id)) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                g_ptr_array_add(r->children,
                                resource_new(part, ws, failcounts, r));
            }
        }
    }
}

static void add_children(hc_resource *r, pe_resource_t *rsc,
                         pe_working_set_t *ws, GHashTable *failcounts)
{
    for (GList *l = rsc->children; l; l = l->next) {
        g_ptr_array_add(r->children,
                        resource_new(l->data, ws, failcounts, r));
    }
}

static hc_resource *resource_new(pe_resource_t *rsc, pe_working_set_t *ws,
                                 GHashTable *failcounts, hc_resource *parent)
{
    hc_resource *r = g_new0(hc_resource, 1);
    const char *tr = rsc->meta ? g_hash_table_lookup(rsc->meta,
                                                     "target-role") : NULL;
    const xmlNode *cfg = rsc->xml;

    r->parent = parent;
    r->places = g_ptr_array_new_with_free_func(place_free);
    r->failcounts = g_ptr_array_new_with_free_func(failcount_free);
    r->children = g_ptr_array_new_with_free_func(resource_free);
    r->id = g_strdup(printable_id(rsc));
    r->target_role = g_strdup(tr);
    r->managed = pcmk_is_set(rsc->flags, pe_rsc_managed);
    r->failed = pcmk_is_set(rsc->flags, pe_rsc_failed);
    r->orphaned = pcmk_is_set(rsc->flags, pe_rsc_orphan);
    r->blocked = pcmk_is_set(rsc->flags, pe_rsc_block);
    r->unique = pcmk_is_set(rsc->flags, pe_rsc_unique);
    r->active = rsc->fns->active(rsc, TRUE);
    r->migration_threshold = rsc->migration_threshold;
    r->disabled = tr && (!strcasecmp(tr, "Stopped")
                         || (pcmk_is_set(rsc->flags, pe_rsc_promotable)
                             && (!strcasecmp(tr, "Unpromoted")
                                 || !strcasecmp(tr, "Slave"))));
    r->role = g_strdup(display_role(rsc));

    switch (rsc->variant) {
    case pe_native: {
        const char *cls = xml_attr(cfg, "class");
        const char *prov = xml_attr(cfg, "provider");
        const char *type = xml_attr(cfg, "type");
        GHashTable *fc;

        r->kind = HC_RSC_PRIMITIVE;
        r->agent = prov ? g_strdup_printf("%s:%s:%s", cls, prov, type)
                        : g_strdup_printf("%s:%s", cls ? cls : "?",
                                          type ? type : "?");
        for (GList *l = rsc->running_on; l; l = l->next) {
            pe_node_t *n = l->data;
            hc_rsc_place *pl = g_new0(hc_rsc_place, 1);

            pl->node = g_strdup(n->details->uname);
            pl->role = g_strdup(display_role(rsc));
            g_ptr_array_add(r->places, pl);
        }
        fc = g_hash_table_lookup(failcounts, r->id);
        if (!fc) {
            char *b = base_id(rsc->id);

            fc = g_hash_table_lookup(failcounts, b);
            g_free(b);
        }
        /* A clone's instances share the counts; give them to the instance
         * that ran there, or to the first instance only. */
        if (fc) {
            GHashTableIter it;
            gpointer k, v;

            g_hash_table_iter_init(&it, fc);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                hc_failcount *c;

                if (*(long long *) v <= 0) {
                    continue;
                }
                c = g_new0(hc_failcount, 1);
                c->node = g_strdup(k);
                c->count = (int) *(long long *) v;
                g_ptr_array_add(r->failcounts, c);
            }
            g_ptr_array_sort(r->failcounts, cmp_failcount);
        }
        break;
    }
    case pe_group:
        r->kind = HC_RSC_GROUP;
        add_children(r, rsc, ws, failcounts);
        break;
    case pe_clone:
        r->kind = pcmk_is_set(rsc->flags, pe_rsc_promotable)
                  ? HC_RSC_PROMOTABLE : HC_RSC_CLONE;
        add_children(r, rsc, ws, failcounts);
        break;
    case pe_container:
        r->kind = HC_RSC_BUNDLE;
        {
            static const char *const kinds[] = { "docker", "podman",
                                                 "rkt" };

            r->image = g_strdup(xml_child_attr(cfg, kinds,
                                               G_N_ELEMENTS(kinds),
                                               "image"));
        }
        add_bundle_replicas(r, rsc, ws, failcounts);
        break;
    default:
        r->kind = HC_RSC_PRIMITIVE;
        break;
    }
    /* Configuration as written, for the detail pane: clone instances are
     * copies of their primitive, so the primitive's XML serves. */
    r->params = nvpairs_of(cfg, "instance_attributes");
    r->meta = nvpairs_of(cfg, "meta_attributes");
    r->ops = ops_of(cfg);
    return r;
}

/* Clone instances that are not active anywhere are shown by crm_mon as one
 * "Stopped" line; keep the model the same: drop all but one inactive
 * anonymous instance. */
static void squash_stopped_instances(hc_resource *r)
{
    bool seen_stopped = false;

    if (r->kind != HC_RSC_CLONE && r->kind != HC_RSC_PROMOTABLE) {
        for (guint i = 0; i < r->children->len; i++) {
            squash_stopped_instances(g_ptr_array_index(r->children, i));
        }
        return;
    }
    if (r->unique) {
        return;
    }
    for (guint i = 0; i < r->children->len;) {
        hc_resource *c = g_ptr_array_index(r->children, i);

        if (!c->active && c->kind == HC_RSC_PRIMITIVE && !c->places->len) {
            if (seen_stopped) {
                g_ptr_array_remove_index(r->children, i);
                continue;
            }
            seen_stopped = true;
        }
        i++;
    }
}

/* What this top-level resource adds to the working set's counts: the same
 * count function cluster_status() ran, on zeroed counters. */
static void count_share(hc_resource *r, pe_resource_t *rsc,
                        pe_working_set_t *ws)
{
    int ni = ws->ninstances, nd = ws->disabled_resources;
    int nb = ws->blocked_resources;

    ws->ninstances = ws->disabled_resources = ws->blocked_resources = 0;
    rsc->fns->count(rsc);
    r->n_instances = ws->ninstances;
    r->n_disabled = ws->disabled_resources;
    r->n_blocked = ws->blocked_resources;
    ws->ninstances = ni;
    ws->disabled_resources = nd;
    ws->blocked_resources = nb;
}

static void add_running(hc_status *st, const hc_resource *r)
{
    for (guint i = 0; i < r->places->len; i++) {
        hc_rsc_place *pl = g_ptr_array_index(r->places, i);
        hc_node *n = hc_status_find_node(st, pl->node);

        if (n) {
            g_ptr_array_add(n->running, g_strdup(r->id));
        }
    }
    for (guint i = 0; i < r->children->len; i++) {
        add_running(st, g_ptr_array_index(r->children, i));
    }
}

static hc_node *node_new(pe_node_t *node)
{
    struct pe_node_shared_s *d = node->details;
    hc_node *n = g_new0(hc_node, 1);

    n->id = g_strdup(d->id);
    n->name = g_strdup(d->uname);
    n->running = g_ptr_array_new_with_free_func(g_free);
    if (d->type == node_remote) {
        n->type = g_strdup(d->remote_rsc && d->remote_rsc->container
                           ? "guest" : "remote");
    } else {
        n->type = g_strdup(d->type == node_ping ? "ping" : "member");
    }
    n->online = d->online;
    n->standby = d->standby;
    n->standby_onfail = d->standby_onfail;
    n->maintenance = d->maintenance;
    n->pending = d->pending;
    n->unclean = d->unclean;
    n->shutdown = d->shutdown;
    n->is_dc = d->is_dc;
    /* The same precedence as crm_mon's node summary. */
    if (d->unclean) {
        n->state = HC_NODE_UNCLEAN;
    } else if (d->pending) {
        n->state = HC_NODE_PENDING;
    } else if (!d->online) {
        n->state = HC_NODE_OFFLINE;
    } else if (d->standby || d->standby_onfail) {
        n->state = HC_NODE_STANDBY;
    } else if (d->maintenance) {
        n->state = HC_NODE_MAINTENANCE;
    } else {
        n->state = HC_NODE_ONLINE;
    }
    return n;
}

static const char *rc_text(int rc)
{
    switch (rc) {
    case 0: return "ok";
    case 1: return "error";
    case 2: return "invalid parameter";
    case 3: return "unimplemented feature";
    case 4: return "insufficient privileges";
    case 5: return "not installed";
    case 6: return "not configured";
    case 7: return "not running";
    case 8: return "promoted";
    case 9: return "promoted (failed)";
    case 189: return "OCF_DEGRADED";
    case 190: return "degraded";
    case 191: return "degraded (promoted)";
    default: return "unknown";
    }
}

static const char *op_status_text(int s)
{
    switch (s) {
    case -1: return "pending";
    case 0: return "complete";
    case 1: return "Cancelled";
    case 2: return "Timed Out";
    case 3: return "NOT SUPPORTED";
    case 4: return "Error";
    case 5: return "Not installed";
    case 6: return "Not connected";
    case 7: return "Invalid parameter";
    case 8: return "Error occurred";
    default: return "unknown";
    }
}

static void add_failed(hc_status *st, xmlNode *failed)
{
    for (xmlNode *x = failed ? failed->children : NULL; x; x = x->next) {
        hc_failed_action *f;
        const char *key, *v;

        if (x->type != XML_ELEMENT_NODE) {
            continue;
        }
        f = g_new0(hc_failed_action, 1);
        key = xml_attr(x, "operation_key");
        f->op_key = g_strdup(key ? key : ID(x));
        f->task = dup_attr(x, "operation");
        f->node = dup_attr(x, "uname");
        f->resource = dup_attr(x, "rsc-id");
        if (!f->resource && f->op_key) {
            guint ms = 0;
            char *rsc = NULL, *task = NULL;

            if (parse_op_key(f->op_key, &rsc, &task, &ms)) {
                f->resource = rsc;
                free(task);
            }
        }
        v = xml_attr(x, "interval");
        f->interval_ms = v ? (guint) strtoul(v, NULL, 10) : 0;
        v = xml_attr(x, "rc-code");
        f->rc = v ? atoi(v) : 0;
        f->rc_text = g_strdup(rc_text(f->rc));
        v = xml_attr(x, "op-status");
        f->op_status = v ? atoi(v) : 0;
        f->status_text = g_strdup(op_status_text(f->op_status));
        f->exit_reason = dup_attr(x, "exit-reason");
        v = xml_attr(x, "last-rc-change");
        f->last_rc_change = v ? (time_t) strtoll(v, NULL, 10) : 0;
        g_ptr_array_add(st->failed, f);
    }
}

static void append_set(GString *s, xmlNode *set)
{
    const char *seq = xml_attr(set, "sequential");
    const char *role = xml_attr(set, "role");

    g_string_append(s, s->len ? " " : "");
    g_string_append(s, seq && !crm_is_true(seq) ? "( " : "[ ");
    for (xmlNode *r = set->children; r; r = r->next) {
        if (r->type == XML_ELEMENT_NODE
            && !strcmp((const char *) r->name, "resource_ref")) {
            g_string_append_printf(s, "%s ", ID(r) ? ID(r) : "?");
        }
    }
    g_string_append(s, seq && !crm_is_true(seq) ? ")" : "]");
    if (role) {
        g_string_append_printf(s, ":%s", role);
    }
}

static void add_constraints(hc_status *st, xmlNode *cib)
{
    xmlNode *cons = get_xpath_object("/cib/configuration/constraints", cib,
                                     LOG_NEVER);

    for (xmlNode *x = cons ? cons->children : NULL; x; x = x->next) {
        const char *tag = (const char *) x->name;
        hc_constraint *c;
        GString *sets;

        if (x->type != XML_ELEMENT_NODE) {
            continue;
        }
        c = g_new0(hc_constraint, 1);
        c->id = g_strdup(ID(x));
        sets = g_string_new(NULL);
        for (xmlNode *k = x->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE) {
                continue;
            }
            if (!strcmp((const char *) k->name, "rule")) {
                c->has_rule = true;
                for (xmlNode *e = k->children; e; e = e->next) {
                    const char *en = (const char *) e->name;

                    if (e->type != XML_ELEMENT_NODE) {
                        continue;
                    }
                    if (!c->expires && !strcmp(en, "date_expression")
                        && xml_attr(e, "end")) {
                        c->expires = dup_attr(e, "end");
                    } else if (!c->rule_node && !strcmp(en, "expression")
                               && g_strcmp0(xml_attr(e, "attribute"),
                                            "#uname") == 0
                               && g_strcmp0(xml_attr(e, "operation"),
                                            "eq") == 0) {
                        c->rule_node = dup_attr(e, "value");
                    }
                }
            } else if (!strcmp((const char *) k->name, "resource_set")) {
                c->has_sets = true;
                append_set(sets, k);
            }
        }
        c->sets = c->has_sets ? g_strdup(sets->str) : NULL;
        g_string_free(sets, TRUE);
        if (!strcmp(tag, "rsc_location")) {
            c->kind = HC_CONS_LOCATION;
            c->rsc = dup_attr(x, "rsc");
            if (!c->rsc && xml_attr(x, "rsc-pattern")) {
                c->rsc = g_strdup_printf("/%s/", xml_attr(x, "rsc-pattern"));
            }
            c->rsc_role = dup_attr(x, "role");
            c->node = dup_attr(x, "node");
            c->score = dup_attr(x, "score");
            if (!c->score && c->has_rule) {
                xmlNode *rule = first_named_child(x, "rule");

                c->score = dup_attr(rule, "score");
            }
            c->leftover = c->id && (g_str_has_prefix(c->id, "cli-prefer-")
                                    || g_str_has_prefix(c->id, "cli-ban-"));
        } else if (!strcmp(tag, "rsc_colocation")) {
            c->kind = HC_CONS_COLOCATION;
            c->rsc = dup_attr(x, "rsc");
            c->rsc_role = dup_attr(x, "rsc-role");
            c->with_rsc = dup_attr(x, "with-rsc");
            c->with_role = dup_attr(x, "with-rsc-role");
            c->score = dup_attr(x, "score");
        } else if (!strcmp(tag, "rsc_order")) {
            c->kind = HC_CONS_ORDER;
            c->with_rsc = dup_attr(x, "first");
            c->with_action = dup_attr(x, "first-action");
            c->rsc = dup_attr(x, "then");
            c->action = dup_attr(x, "then-action");
            c->kind_str = dup_attr(x, "kind");
            c->score = dup_attr(x, "score");
        } else if (!strcmp(tag, "rsc_ticket")) {
            c->kind = HC_CONS_TICKET;
            c->rsc = dup_attr(x, "rsc");
            c->rsc_role = dup_attr(x, "rsc-role");
            c->with_rsc = dup_attr(x, "ticket");
        } else {
            constraint_free(c);
            continue;
        }
        g_ptr_array_add(st->constraints, c);
    }
}

static void warn(hc_status *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn(hc_status *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(st->cluster.warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void add_warnings(hc_status *st)
{
    hc_cluster *cl = &st->cluster;

    hc__status_fence_warnings(st);
    if (cl->no_quorum_policy && !strcmp(cl->no_quorum_policy, "ignore")) {
        warn(st, "no-quorum-policy=ignore: a node without quorum keeps "
                 "running resources");
    }
    if (cl->maintenance_mode) {
        warn(st, "maintenance-mode is on: the cluster manages no resource");
    }
    if (cl->stop_all_resources) {
        warn(st, "stop-all-resources is on: every resource is stopped");
    }
    if (!cl->have_dc) {
        warn(st, "no DC: the cluster has no designated controller");
    } else if (!cl->quorate) {
        warn(st, "partition WITHOUT quorum");
    }
    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = g_ptr_array_index(st->nodes, i);

        if (n->state == HC_NODE_UNCLEAN) {
            warn(st, "node %s is UNCLEAN (%s): it may still run resources",
                 n->name, n->online ? "online" : "offline");
        } else if (n->state == HC_NODE_MAINTENANCE) {
            warn(st, "node %s is in maintenance", n->name);
        }
    }
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = g_ptr_array_index(st->constraints, i);

        if (c->leftover) {
            const char *node = c->node ? c->node : c->rule_node;
            char *where = node ? g_strdup_printf("on %s", node)
                               : g_strdup("by a rule");
            char *until = c->expires ? g_strdup_printf("until %s",
                                                       c->expires)
                                     : g_strdup("until cleared");

            warn(st, "%s is left from a move: it %s %s %s %s "
                     "(crm resource clear %s)", c->id,
                 g_str_has_prefix(c->id, "cli-ban-") ? "bans" : "pins",
                 c->rsc ? c->rsc : "?", where, until,
                 c->rsc ? c->rsc : "?");
            g_free(where);
            g_free(until);
        }
    }
    if (st->failed->len) {
        warn(st, "%u failed action%s", st->failed->len,
             st->failed->len == 1 ? "" : "s");
    }
}

static const char *quorum_policy_str(enum pe_quorum_policy p)
{
    switch (p) {
    case no_quorum_freeze: return "freeze";
    case no_quorum_stop: return "stop";
    case no_quorum_ignore: return "ignore";
    case no_quorum_suicide: return "suicide";
    case no_quorum_demote: return "demote";
    }
    return "unknown";
}

static void cluster_props(hc_status *st, pe_working_set_t *ws, xmlNode *cib)
{
    hc_cluster *cl = &st->cluster;
    const char *v;

    v = ws->config_hash ? g_hash_table_lookup(ws->config_hash,
                                              "cluster-name") : NULL;
    cl->name = g_strdup(v);
    v = ws->config_hash ? g_hash_table_lookup(ws->config_hash,
                                              "cluster-infrastructure") : NULL;
    cl->stack = g_strdup(v ? v : "unknown");
    v = ws->config_hash ? g_hash_table_lookup(ws->config_hash,
                                              "dc-version") : NULL;
    cl->dc_version = g_strdup(v);
    cl->have_dc = ws->dc_node != NULL;
    cl->dc = ws->dc_node ? g_strdup(ws->dc_node->details->uname) : NULL;
    cl->quorate = pcmk_is_set(ws->flags, pe_flag_have_quorum);
    cl->stonith_enabled = pcmk_is_set(ws->flags, pe_flag_stonith_enabled);
    v = ws->config_hash ? g_hash_table_lookup(ws->config_hash,
                                              "have-watchdog") : NULL;
    cl->have_watchdog = crm_is_true(v);
    v = ws->config_hash ? g_hash_table_lookup(ws->config_hash,
                                              "stonith-watchdog-timeout")
                        : NULL;
    if (v && *v && strcmp(v, "0") && strcmp(v, "0s")) {
        cl->watchdog_timeout = g_strdup(v);
    }
    cl->maintenance_mode = pcmk_is_set(ws->flags, pe_flag_maintenance_mode);
    cl->stop_all_resources = pcmk_is_set(ws->flags, pe_flag_stop_everything);
    cl->shutdown_lock = pcmk_is_set(ws->flags, pe_flag_shutdown_lock);
    cl->no_quorum_policy = g_strdup(quorum_policy_str(ws->no_quorum_policy));
    cl->last_written = dup_attr(cib, "cib-last-written");
    cl->last_change_user = dup_attr(cib, "update-user");
    cl->last_change_client = dup_attr(cib, "update-client");
    cl->last_change_origin = dup_attr(cib, "update-origin");
    cl->epoch = g_strdup_printf("%s:%s:%s",
                                xml_attr(cib, "admin_epoch")
                                ? xml_attr(cib, "admin_epoch") : "0",
                                xml_attr(cib, "epoch")
                                ? xml_attr(cib, "epoch") : "0",
                                xml_attr(cib, "num_updates")
                                ? xml_attr(cib, "num_updates") : "0");
    cl->n_nodes = (int) g_list_length(ws->nodes);
    cl->n_resources = ws->ninstances;
    cl->n_disabled = ws->disabled_resources;
    cl->n_blocked = ws->blocked_resources;
}

static int status_from_xml(xmlNode *cib, bool owned, time_t now,
                           hc_status **ret, char **ret_err)
{
    pe_working_set_t *ws;
    hc_status *st;
    GHashTable *failcounts;

    *ret = NULL;
    if (!cib || strcmp((const char *) cib->name, "cib") != 0) {
        if (ret_err) {
            *ret_err = g_strdup("not a CIB: the root element is not <cib>");
        }
        if (owned) {
            free_xml(cib);
        }
        return -EINVAL;
    }
    ws = pe_new_working_set();
    if (!ws) {
        if (owned) {
            free_xml(cib);
        }
        return -ENOMEM;
    }
    /* The working set owns its input and frees it. */
    ws->input = owned ? cib : copy_xml(cib);
    cib = ws->input;
    if (now > 0) {
        ws->now = crm_time_new(NULL);
        crm_time_set_timet(ws->now, &now);
    }
    cluster_status(ws);
    pcmk__unpack_constraints(ws);

    st = g_new0(hc_status, 1);
    st->cluster.warnings = g_ptr_array_new_with_free_func(g_free);
    st->nodes = g_ptr_array_new_with_free_func(node_free);
    st->resources = g_ptr_array_new_with_free_func(resource_free);
    st->failed = g_ptr_array_new_with_free_func(failed_free);
    st->constraints = g_ptr_array_new_with_free_func(constraint_free);
    st->fence_why = g_strdup("not asked");

    cluster_props(st, ws, cib);
    for (GList *l = ws->nodes; l; l = l->next) {
        g_ptr_array_add(st->nodes, node_new(l->data));
    }
    failcounts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
    collect_failcounts(ws, failcounts);
    for (GList *l = ws->resources; l; l = l->next) {
        pe_resource_t *rsc = l->data;
        hc_resource *r;

        /* Fence devices and orphans that are stopped are noise here, as
         * in crm_mon's default view. */
        if (pcmk_is_set(rsc->flags, pe_rsc_orphan)
            && !rsc->fns->active(rsc, TRUE)) {
            continue;
        }
        r = resource_new(rsc, ws, failcounts, NULL);
        squash_stopped_instances(r);
        count_share(r, rsc, ws);
        g_ptr_array_add(st->resources, r);
        add_running(st, r);
    }
    g_hash_table_unref(failcounts);
    add_failed(st, ws->failed);
    add_constraints(st, cib);
    add_warnings(st);
    pe_free_working_set(ws);
    *ret = st;
    return 0;
}

int hc_status_from_xml(xmlNode *cib, time_t now, hc_status **ret,
                       char **ret_err)
{
    return status_from_xml(cib, false, now, ret, ret_err);
}

int hc_status_from_xml_owned(xmlNode *cib, time_t now, hc_status **ret,
                             char **ret_err)
{
    return status_from_xml(cib, true, now, ret, ret_err);
}

/* ---- lookups ---------------------------------------------------------- */

static hc_resource *find_in(GPtrArray *a, const char *id)
{
    for (guint i = 0; a && i < a->len; i++) {
        hc_resource *r = g_ptr_array_index(a, i), *f;

        if (!strcmp(r->id, id)) {
            return r;
        }
        if ((f = find_in(r->children, id))) {
            return f;
        }
    }
    return NULL;
}

hc_resource *hc_status_find_resource(const hc_status *st, const char *id)
{
    return find_in(st->resources, id);
}

hc_node *hc_status_find_node(const hc_status *st, const char *name)
{
    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = g_ptr_array_index(st->nodes, i);

        if (!strcmp(n->name, name) || (n->id && !strcmp(n->id, name))) {
            return n;
        }
    }
    return NULL;
}

/* ---- for status_update.c ------------------------------------------- */

void hc__status_add_running(hc_status *st, const hc_resource *r)
{
    add_running(st, r);
}

void hc__status_warnings(hc_status *st)
{
    g_ptr_array_set_size(st->cluster.warnings, 0);
    add_warnings(st);
}

void hc__status_failed_free(gpointer f)
{
    failed_free(f);
}

void hc_status_set_qdevice(hc_status *st, const char *text)
{
    g_free(st->qdevice);
    st->qdevice = g_strdup(text);
}

void hc_status_set_qdevice_heuristics(hc_status *st, const char *result)
{
    g_free(st->qdevice_heuristics);
    st->qdevice_heuristics = g_strdup(result);
}
