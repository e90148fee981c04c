#include "drbd_cib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "json.h"
#include "util.h"
#include "xml_util.h"

static bool eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static void collect_primitives(xmlNode *n, GPtrArray *out)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (hc_xml_is_elem(c, "primitive")) {
            g_ptr_array_add(out, c);
        } else if (c->type == XML_ELEMENT_NODE) {
            collect_primitives(c, out);
        }
    }
}

static char *safe(const char *s)
{
    return s ? hc_escape(s, 80) : NULL;
}

void hc_drbd_cib_link_free(hc_drbd_cib_link *l)
{
    if (!l) {
        return;
    }
    g_free(l->drbd_resource);
    g_free(l->primitive);
    g_free(l->clone);
    g_free(l->promoted_node);
    g_free(l->filesystem);
    g_free(l->device);
    g_free(l->mountpoint);
    if (l->services) {
        g_ptr_array_free(l->services, TRUE);
    }
    g_free(l);
}

/* Where the status section says prim is Promoted: its last operation on
 * that node was a successful promote, or a probe found it promoted
 * (rc 8, OCF_RUNNING_PROMOTED). */
static char *promoted_node(xmlNode *status, const char *prim)
{
    size_t plen = strlen(prim);

    for (xmlNode *ns = status ? status->children : NULL; ns; ns = ns->next) {
        xmlNode *rs;
        if (!hc_xml_is_elem(ns, "node_state")) {
            continue;
        }
        rs = hc_xml_child(hc_xml_child(ns, "lrm"), "lrm_resources");
        for (xmlNode *lr = rs ? rs->children : NULL; lr; lr = lr->next) {
            const char *id;
            if (!hc_xml_is_elem(lr, "lrm_resource")) {
                continue;
            }
            id = hc_xml_attr(lr, "id");
            /* Anonymous clone instances may carry ":N". */
            if (!id || strncmp(id, prim, plen)
                || (id[plen] && id[plen] != ':')) {
                continue;
            }
            for (xmlNode *op = lr->children; op; op = op->next) {
                const char *oid, *opn, *rc;
                size_t ol;
                if (!hc_xml_is_elem(op, "lrm_rsc_op")) {
                    continue;
                }
                oid = hc_xml_attr(op, "id");
                opn = hc_xml_attr(op, "operation");
                rc = hc_xml_attr(op, "rc-code");
                ol = oid ? strlen(oid) : 0;
                if (ol < 7 || strcmp(oid + ol - 7, "_last_0")) {
                    continue;
                }
                if ((eq(opn, "promote") && eq(rc, "0")) || eq(rc, "8")) {
                    return safe(hc_xml_attr(ns, "uname"));
                }
            }
        }
    }
    return NULL;
}

/* The DRBD resource a Filesystem device names: /dev/drbd/by-res/NAME[/N]
 * or /dev/drbdN (through the model's minors). */
static char *device_resource(const char *dev, const hc_drbd *d)
{
    const char *p;

    if (!dev) {
        return NULL;
    }
    if (!strncmp(dev, "/dev/drbd/by-res/", 17)) {
        p = dev + 17;
        return g_strndup(p, strcspn(p, "/"));
    }
    if (!strncmp(dev, "/dev/drbd", 9) && dev[9] >= '0' && dev[9] <= '9'
        && d) {
        hc_drbd_resource *r = NULL;
        if (hc_drbd_find_minor(d, atoi(dev + 9), &r)) {
            return g_strdup(r->name);
        }
    }
    return NULL;
}

static bool in_list(GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++) {
        if (!strcmp(a->pdata[i], s)) {
            return true;
        }
    }
    return false;
}

/* The resources placed with fs: colocated with it (directly or through
 * another such resource), or after it in its group. */
static GPtrArray *services_on(xmlNode *cfg, xmlNode *fs_prim)
{
    GPtrArray *set = g_ptr_array_new_with_free_func(g_free);
    xmlNode *cons = hc_xml_child(cfg, "constraints");
    const char *fs = hc_xml_attr(fs_prim, "id");
    bool grew = true;

    if (fs_prim->parent && hc_xml_is_elem(fs_prim->parent, "group")) {
        for (xmlNode *m = fs_prim->next; m; m = m->next) {
            if (hc_xml_is_elem(m, "primitive") && hc_xml_attr(m, "id")) {
                g_ptr_array_add(set, g_strdup(hc_xml_attr(m, "id")));
            }
        }
    }
    while (grew) {
        grew = false;
        for (xmlNode *c = cons ? cons->children : NULL; c; c = c->next) {
            const char *rsc = hc_xml_attr(c, "rsc"),
                       *with = hc_xml_attr(c, "with-rsc");
            if (!hc_xml_is_elem(c, "rsc_colocation") || !rsc || !with) {
                continue;
            }
            if ((eq(with, fs) || in_list(set, with)) && !eq(rsc, fs)
                && !in_list(set, rsc)) {
                g_ptr_array_add(set, g_strdup(rsc));
                grew = true;
            }
        }
    }
    return set;
}

int hc_drbd_cib_links(xmlNode *cib, const hc_drbd *d, GPtrArray *links)
{
    xmlNode *cfg, *res;
    GPtrArray *prims;

    if (!cib || !hc_xml_is_elem(cib, "cib") || !links) {
        return -EINVAL;
    }
    cfg = hc_xml_child(cib, "configuration");
    res = hc_xml_child(cfg, "resources");
    if (!res) {
        return 0;
    }
    prims = g_ptr_array_new();
    collect_primitives(res, prims);
    for (guint i = 0; i < prims->len; i++) {
        xmlNode *p = prims->pdata[i], *parent = p->parent;
        hc_drbd_cib_link *l;
        if (!eq(hc_xml_attr(p, "class"), "ocf")
            || !eq(hc_xml_attr(p, "provider"), "linbit")
            || !eq(hc_xml_attr(p, "type"), "drbd")
            || !hc_xml_param(p, "drbd_resource")) {
            continue;
        }
        l = g_new0(hc_drbd_cib_link, 1);
        l->drbd_resource = safe(hc_xml_param(p, "drbd_resource"));
        l->primitive = safe(hc_xml_attr(p, "id"));
        if (parent && hc_xml_is_elem(parent, "group")) {
            parent = parent->parent;
        }
        if (parent
            && (hc_xml_is_elem(parent, "clone")
                || hc_xml_is_elem(parent, "master"))) {
            l->clone = safe(hc_xml_attr(parent, "id"));
        }
        l->promoted_node =
            promoted_node(hc_xml_child(cib, "status"),
                          hc_xml_attr(p, "id") ? hc_xml_attr(p, "id") : "");
        for (guint j = 0; j < prims->len; j++) {
            xmlNode *f = prims->pdata[j];
            char *name;
            if (!eq(hc_xml_attr(f, "type"), "Filesystem")) {
                continue;
            }
            name = device_resource(hc_xml_param(f, "device"), d);
            if (eq(name, hc_xml_param(p, "drbd_resource"))) {
                l->filesystem = safe(hc_xml_attr(f, "id"));
                l->device = safe(hc_xml_param(f, "device"));
                l->mountpoint = safe(hc_xml_param(f, "directory"));
                l->services = services_on(cfg, f);
                for (guint k = 0; k < l->services->len; k++) {
                    char *e = safe(l->services->pdata[k]);
                    g_free(l->services->pdata[k]);
                    l->services->pdata[k] = e;
                }
            }
            g_free(name);
            if (l->filesystem) {
                break;
            }
        }
        g_ptr_array_add(links, l);
    }
    g_ptr_array_free(prims, TRUE);
    return 0;
}

static void warn(GPtrArray *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void warn(GPtrArray *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(w, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* What DRBD alone says is wrong, whatever Pacemaker thinks. */
static void drbd_warnings(const hc_drbd_resource *r, GPtrArray *w)
{
    char dn[HC_DRBD_NAME_MAX + 32];
    /* "minor 1 (name unknown)" for a minor /proc/drbd alone showed. */
    const char *name = hc_drbd_display_name(r, dn, sizeof(dn));

    if (r->split_brain) {
        warn(w, "DRBD %s: split brain, the nodes hold diverging data "
             "(reconnect with --discard-my-data on the node to give up)",
             name);
    }
    if (!strcmp(r->role, "Primary")) {
        for (guint i = 0; i < r->devices->len; i++) {
            const hc_drbd_device *v = r->devices->pdata[i];
            if (v->disk[0] && strcmp(v->disk, "UpToDate")) {
                warn(w, "DRBD %s is Primary with its disk %s", name,
                     v->disk);
            }
        }
    }
    for (guint i = 0; i < r->connections->len; i++) {
        const hc_drbd_connection *c = r->connections->pdata[i];
        if (!strcmp(c->cstate, "StandAlone")) {
            warn(w, "DRBD %s: StandAlone, not replicating to %s", name,
                 c->name);
        }
        for (guint j = 0; j < c->peer_devices->len; j++) {
            const hc_drbd_peer_device *p = c->peer_devices->pdata[j];
            if (!strcmp(p->peer_disk, "Outdated")) {
                warn(w, "DRBD %s: the data on %s is Outdated", name,
                     c->name);
            }
        }
    }
    for (guint i = 0; i < r->devices->len; i++) {
        const hc_drbd_device *v = r->devices->pdata[i];
        if (!strcmp(v->disk, "Outdated")) {
            warn(w, "DRBD %s: the data here is Outdated", name);
        }
        if (v->quorum == 0) {
            warn(w, "DRBD %s: no quorum", name);
        }
    }
    if (strcmp(r->suspended, "no") && r->suspended[0]) {
        warn(w, "DRBD %s: I/O suspended (%s)", name, r->suspended);
    }
}

int hc_drbd_cib_warnings(xmlNode *cib, const hc_drbd *d,
                         const char *local_node, GPtrArray *warnings)
{
    GPtrArray *links;
    xmlNode *cons;
    char *node = safe(local_node);
    int rc;

    if (!d || !warnings) {
        g_free(node);
        return -EINVAL;
    }
    links =
        g_ptr_array_new_with_free_func((GDestroyNotify) hc_drbd_cib_link_free);
    rc = hc_drbd_cib_links(cib, d, links);
    if (rc < 0) {
        g_ptr_array_free(links, TRUE);
        g_free(node);
        return rc;
    }
    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        hc_drbd_cib_link *l = NULL;
        const char *managed;
        for (guint j = 0; j < links->len; j++) {
            hc_drbd_cib_link *lj = links->pdata[j];
            if (!strcmp(lj->drbd_resource, r->name)) {
                l = lj;
            }
        }
        drbd_warnings(r, warnings);
        if (!l && r->name_unknown) {
            char dn[HC_DRBD_NAME_MAX + 32];

            /* /proc/drbd alone: "minor1" is no name Pacemaker could use. */
            warn(warnings, "DRBD %s: which Pacemaker resource manages it "
                 "is known once its name is",
                 hc_drbd_display_name(r, dn, sizeof(dn)));
            continue;
        }
        if (!l) {
            warn(warnings, "DRBD %s is not managed by Pacemaker "
                 "(no ocf:linbit:drbd resource with drbd_resource=%s)",
                 r->name, r->name);
            continue;
        }
        managed = l->clone ? l->clone : l->primitive;
        if (!strcmp(r->role, "Primary") && node
            && !eq(l->promoted_node, node)) {
            warn(warnings, "DRBD %s is Primary on %s, but Pacemaker has %s "
                 "promoted %s%s", r->name, node, managed,
                 l->promoted_node ? "on " : "nowhere",
                 l->promoted_node ? l->promoted_node : "");
        }
        if (eq(l->promoted_node, node) && strcmp(r->role, "Primary")) {
            warn(warnings, "Pacemaker has %s promoted on %s, but DRBD %s is "
                 "%s there", managed, node, r->name,
                 r->role[0] ? r->role : "Unknown");
        }
    }
    /* crm-fence-peer.sh forbids promotion elsewhere until the peer has
     * resynced; crm-unfence-peer.sh removes it after the resync, unless
     * the handler is not configured or the resync never ended. */
    cons = hc_xml_child(hc_xml_child(cib, "configuration"), "constraints");
    for (xmlNode *c = cons ? cons->children : NULL; c; c = c->next) {
        const char *id = hc_xml_attr(c, "id");
        char *sid;
        if (!hc_xml_is_elem(c, "rsc_location") || !id
            || strncmp(id, "drbd-fence-by-handler-", 22)) {
            continue;
        }
        sid = safe(id);
        {
            char *srsc =
                safe(hc_xml_attr(c, "rsc") ? hc_xml_attr(c, "rsc") : "?");
            warn(warnings, "constraint %s, left by the DRBD fence handler, "
                 "keeps %s from being promoted elsewhere; remove it once "
                 "the peer is UpToDate", sid, srsc);
            g_free(srsc);
        }
        g_free(sid);
    }
    g_ptr_array_free(links, TRUE);
    g_free(node);
    return 0;
}

int hc_drbd_cib_warnings_file(const char *path, const hc_drbd *d,
                              const char *local_node, GPtrArray *warnings)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                              | XML_PARSE_NOWARNING);
    int rc;

    if (!doc) {
        return -EINVAL;
    }
    rc = hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d, local_node,
                              warnings);
    xmlFreeDoc(doc);
    return rc;
}

/* The members "pacemaker" and "warnings" of the object open at the end
 * of out, after its other members. */
static void report_json(GString *out, const GPtrArray *links,
                        const GPtrArray *warnings)
{
    hc_jw w;

    hc_jw_init_in_object(&w, out, true);
    hc_jw_arr(&w, "pacemaker");
    for (guint i = 0; i < links->len; i++) {
        const hc_drbd_cib_link *l = links->pdata[i];

        hc_jw_obj(&w, NULL);
        hc_jw_str(&w, "drbd_resource", l->drbd_resource ? l->drbd_resource
                                                        : "");
        hc_jw_str(&w, "primitive", l->primitive);
        hc_jw_str(&w, "clone", l->clone);
        hc_jw_str(&w, "promoted_node", l->promoted_node);
        hc_jw_str(&w, "filesystem", l->filesystem);
        hc_jw_str(&w, "device", l->device);
        hc_jw_str(&w, "mountpoint", l->mountpoint);
        hc_jw_arr(&w, "services");
        for (guint k = 0; l->services && k < l->services->len; k++) {
            const char *s = l->services->pdata[k];

            hc_jw_str(&w, NULL, s ? s : "");
        }
        hc_jw_end(&w);
        hc_jw_end(&w);
    }
    hc_jw_end(&w);
    hc_jw_arr(&w, "warnings");
    for (guint i = 0; i < warnings->len; i++) {
        hc_jw_str(&w, NULL, warnings->pdata[i]);
    }
    hc_jw_end(&w);
}

int hc_drbd_cib_report_file(const char *path, const hc_drbd *d,
                            const char *local_node, bool json,
                            GString *out)
{
    xmlDoc *doc;
    GPtrArray *links, *warnings;
    int rc;

    if (access(path, R_OK) < 0) {
        return -errno;
    }
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                      | XML_PARSE_NOWARNING);
    if (!doc) {
        return -EINVAL;
    }
    links =
        g_ptr_array_new_with_free_func((GDestroyNotify) hc_drbd_cib_link_free);
    warnings = g_ptr_array_new_with_free_func(g_free);
    rc = hc_drbd_cib_links(xmlDocGetRootElement(doc), d, links);
    if (rc == 0) {
        rc = hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d, local_node,
                                  warnings);
    }
    if (rc == 0 && json) {
        report_json(out, links, warnings);
    } else if (rc == 0) {
        for (guint i = 0; i < links->len; i++) {
            hc_drbd_cib_link *l = links->pdata[i];
            g_string_append_printf(out, "pacemaker: %s is managed by %s%s%s%s,"
                                   " promoted on %s\n", l->drbd_resource,
                                   l->clone ? l->clone : l->primitive,
                                   l->clone ? " (" : "",
                                   l->clone ? l->primitive : "",
                                   l->clone ? ")" : "",
                                   l->promoted_node ? l->promoted_node
                                                    : "no node");
            if (l->filesystem) {
                g_string_append_printf(out, "  %s mounts %s on %s\n",
                                       l->filesystem, l->device,
                                       l->mountpoint ? l->mountpoint : "?");
            }
            if (l->services && l->services->len) {
                g_string_append(out, "  services on it:");
                for (guint k = 0; k < l->services->len; k++) {
                    g_string_append_printf(out, " %s",
                                           (char *)l->services->pdata[k]);
                }
                g_string_append(out, "\n");
            }
        }
        for (guint i = 0; i < warnings->len; i++) {
            g_string_append_printf(out, "WARNING: %s\n",
                                   (char *)warnings->pdata[i]);
        }
    }
    g_ptr_array_free(warnings, TRUE);
    g_ptr_array_free(links, TRUE);
    xmlFreeDoc(doc);
    return rc;
}
