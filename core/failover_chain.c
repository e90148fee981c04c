/* The failover test's view of the resources: the service's colocation
 * chain and its anchor, the floating IP, the DRBD and dhcpd primitives,
 * dhcpd's pid file, where the service runs. */
#include "failover_int.h"

#include <errno.h>
#include <string.h>

#include "status.h"

/* ------------------------------------------------------------ model */

static bool score_is_inf(const char *s)
{
    if (!s) {
        return false;
    }
    if (*s == '+') {
        s++;
    }
    return !g_ascii_strcasecmp(s, "INFINITY") || !g_ascii_strcasecmp(s, "inf");
}

hc_resource *hc__fo_top_of(hc_resource *r)
{
    while (r && r->parent) {
        r = r->parent;
    }
    return r;
}

bool hc__fo_is_kea_agent(const char *a)
{
    return a && !strcmp(a, "ocf:hacon:kea-dhcp4");
}

/* The DHCP service: dhcpd's agents or Kea's. */
bool hc__fo_is_dhcpd_agent(const char *a)
{
    return a && (!strcmp(a, "ocf:hacon:dhcpd")
                 || !strcmp(a, "ocf:heartbeat:dhcpd")
                 || hc__fo_is_kea_agent(a));
}

hc_resource *hc__fo_find_by_agent(GPtrArray *rscs, bool (*match)(const char *))
{
    for (guint i = 0; rscs && i < rscs->len; i++) {
        hc_resource *r = rscs->pdata[i], *c;

        if (r->kind == HC_RSC_PRIMITIVE && match(r->agent)) {
            return r;
        }
        if ((c = hc__fo_find_by_agent(r->children, match))) {
            return c;
        }
    }
    return NULL;
}

bool hc__fo_is_drbd_agent(const char *a)
{
    return a && !strcmp(a, "ocf:linbit:drbd");
}

const char *hc__fo_rsc_param(const hc_resource *r, const char *name)
{
    for (guint i = 0; r && r->params && i < r->params->len; i++) {
        hc_nvpair *nv = r->params->pdata[i];

        if (!strcmp(nv->name, name)) {
            return nv->value;
        }
    }
    return NULL;
}

/* The pid file of the dhcpd the resource runs, as its agent computes it:
 * ocf:hacon:dhcpd's pidfile (default /run/dhcpd.pid); ocf:heartbeat:dhcpd's
 * pid (default /var/run/dhcpd.pid), inside chrooted_path (default
 * /var/lib/dhcp) unless chrooted is false.  Newly allocated. */
char *hc__fo_dhcpd_pidfile(const hc_resource *r)
{
    const char *pid, *ch, *root;

    if (hc__fo_is_kea_agent(r->agent)) {
        /* Kea's: RUNDIR/NAME.kea-dhcp4.pid, NAME the configuration's file
         * name without its extension (ocf:hacon:kea-dhcp4). */
        const char *cf = hc__fo_rsc_param(r, "config");
        const char *rd = hc__fo_rsc_param(r, "rundir");
        char *base = g_path_get_basename(cf && *cf ? cf
                                         : "/etc/kea/kea-dhcp4.conf");
        char *dot = strrchr(base, '.'), *ret;

        if (dot && dot != base) {
            *dot = 0;
        }
        ret = g_strdup_printf("%s/%s.kea-dhcp4.pid", rd && *rd ? rd
                              : "/run/kea", base);
        g_free(base);
        return ret;
    }

    if (r->agent && !strcmp(r->agent, "ocf:hacon:dhcpd")) {
        pid = hc__fo_rsc_param(r, "pidfile");
        return g_strdup(pid && *pid ? pid : "/run/dhcpd.pid");
    }
    pid = hc__fo_rsc_param(r, "pid");
    if (!pid || !*pid) {
        pid = "/var/run/dhcpd.pid";
    }
    ch = hc__fo_rsc_param(r, "chrooted");
    if (ch && (!g_ascii_strcasecmp(ch, "false") || !strcmp(ch, "0")
               || !g_ascii_strcasecmp(ch, "no")
               || !g_ascii_strcasecmp(ch, "off"))) {
        return g_strdup(pid);
    }
    root = hc__fo_rsc_param(r, "chrooted_path");
    return g_strconcat(root && *root ? root : "/var/lib/dhcp", pid, NULL);
}

/* The node where r (a primitive, or any primitive below it) is active in
 * role (NULL: any active role but Unpromoted). */
static const char *rsc_node(const hc_resource *r, const char *role)
{
    for (guint i = 0; r && r->places && i < r->places->len; i++) {
        hc_rsc_place *pl = r->places->pdata[i];

        if (role ? !g_strcmp0(pl->role, role)
                 : g_strcmp0(pl->role, "Unpromoted")
                   && g_strcmp0(pl->role, "Slave")
                   && g_strcmp0(pl->role, "Stopped")) {
            return pl->node;
        }
    }
    for (guint i = 0; r && r->children && i < r->children->len; i++) {
        const char *n = rsc_node(r->children->pdata[i], role);

        if (n) {
            return n;
        }
    }
    return NULL;
}

const char *hc__fo_service_node(const hc_failover *fo)
{
    hc_resource *r = fo->st ? hc_status_find_resource(fo->st, fo->service)
                            : NULL;

    return r && r->active ? rsc_node(r, NULL) : NULL;
}

bool hc__fo_in_list(GPtrArray *a, const char *s)
{
    for (guint i = 0; a && i < a->len; i++) {
        if (!g_strcmp0(a->pdata[i], s)) {
            return true;
        }
    }
    return false;
}

/* The colocation chain: the component of top-level resources joined to
 * the service by mandatory colocations, and the anchor that the service
 * depends on through them without depending on anything itself (moving
 * the anchor moves the whole chain). */
/* An edge of a mandatory colocation between top-level resources:
 * dependent -> primary.  False for anything else. */
static bool coloc_edge(const hc_status *st, const hc_constraint *c,
                       hc_resource **ret_d, hc_resource **ret_p)
{
    hc_resource *d, *p;

    if (c->kind != HC_CONS_COLOCATION || c->has_sets
        || !score_is_inf(c->score)
        || !(d = hc_status_find_resource(st, c->rsc))
        || !(p = hc_status_find_resource(st, c->with_rsc))) {
        return false;
    }
    *ret_d = hc__fo_top_of(d);
    *ret_p = hc__fo_top_of(p);
    return *ret_d != *ret_p;
}

int hc_fo_find_chain(const hc_status *st, const char *service,
                     GPtrArray *chain, char **ret_anchor,
                     bool *ret_promoted)
{
    hc_resource *svc = hc_status_find_resource(st, service);
    GPtrArray *reach;
    char *anchor = NULL;
    bool promoted = false;

    if (!svc) {
        return -ENOENT;
    }
    reach = g_ptr_array_new();

    g_ptr_array_add(chain, g_strdup(hc__fo_top_of(svc)->id));
    /* Everything the service depends on, breadth first; the anchor is the
     * first of them that depends on nothing (dhcp -> fs_data, testnet;
     * testnet -> fs_data: fs_data). */
    g_ptr_array_add(reach, hc__fo_top_of(svc)->id);
    for (guint r = 0; r < reach->len; r++) {
        bool sink = true;

        for (guint i = 0; i < st->constraints->len; i++) {
            hc_constraint *c = st->constraints->pdata[i];
            hc_resource *d, *p;

            if (!coloc_edge(st, c, &d, &p) || strcmp(d->id, reach->pdata[r])) {
                continue;
            }
            sink = false;
            if (!hc__fo_in_list(reach, p->id)) {
                g_ptr_array_add(reach, p->id);
            }
        }
        if (sink && r > 0 && !anchor) {
            anchor = g_strdup(reach->pdata[r]);
        }
    }
    if (!anchor) {
        anchor = g_strdup(hc__fo_top_of(svc)->id);
    }
    g_ptr_array_free(reach, TRUE);
    /* Promotable anchors move by their promoted instance. */
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = st->constraints->pdata[i];
        hc_resource *d, *p;

        if (coloc_edge(st, c, &d, &p) && !strcmp(p->id, anchor)
            && c->with_role && (!strcmp(c->with_role, "Promoted")
                                || !strcmp(c->with_role, "Master"))) {
            promoted = true;
        }
    }
    /* The component, both directions. */
    for (bool grew = true; grew;) {
        grew = false;
        for (guint i = 0; i < st->constraints->len; i++) {
            hc_constraint *c = st->constraints->pdata[i];
            hc_resource *d, *p;

            if (!coloc_edge(st, c, &d, &p)) {
                continue;
            }
            if (hc__fo_in_list(chain, d->id) != hc__fo_in_list(chain, p->id)) {
                g_ptr_array_add(chain, g_strdup(hc__fo_in_list(chain, d->id)
                                                    ? p->id : d->id));
                grew = true;
            }
        }
    }
    *ret_anchor = anchor;
    if (ret_promoted) {
        *ret_promoted = promoted;
    }
    return 0;
}

/* The floating IP of the chain: an IPaddr2 primitive in it. */
hc_resource *hc__fo_find_vip_rsc(hc_failover *fo)
{
    for (guint i = 0; i < fo->chain->len; i++) {
        hc_resource *r = hc_status_find_resource(fo->st, fo->chain->pdata[i]);

        if (!r) {
            continue;
        }
        if (r->kind == HC_RSC_PRIMITIVE) {
            if (r->agent && (g_str_has_suffix(r->agent, ":IPaddr2")
                             || g_str_has_suffix(r->agent, ":IPaddr"))) {
                return r;
            }
            continue;
        }
        for (guint k = 0; r->children && k < r->children->len; k++) {
            hc_resource *c = r->children->pdata[k];

            if (c->agent && g_str_has_suffix(c->agent, ":IPaddr2")) {
                return c;
            }
        }
    }
    return NULL;
}
