/* Finding the lease file from the CIB.  ocf:heartbeat:dhcpd takes the
 * lease path relative to chrooted_path, chrooted or not (its start action
 * runs dhcpd with -lf $chrooted_path/$leases when not chrooted, and chroots
 * to chrooted_path otherwise); ocf:hacon:dhcpd takes absolute paths.
 * ocf:hacon:kea-dhcp4 has no lease parameter: Kea's config names the file
 * (its lease-database), which the caller reads. */
#include "leases_locate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "xml_util.h"

static void collect_primitives(xmlNode *n, GPtrArray *out)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (hc_xml_is_elem(c, "primitive")) {
            g_ptr_array_add(out, c);
        } else if (hc_xml_is_elem(c, "group") || hc_xml_is_elem(c, "clone")
                   || hc_xml_is_elem(c, "master")
                   || hc_xml_is_elem(c, "bundle")) {
            collect_primitives(c, out);
        }
    }
}

static bool is_true(const char *v)
{
    return v && (!g_ascii_strcasecmp(v, "true") || !g_ascii_strcasecmp(v, "yes")
                 || !strcmp(v, "1") || !g_ascii_strcasecmp(v, "on")
                 || !g_ascii_strcasecmp(v, "y"));
}

/* path is dir or below it. */
static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/') {
        n--;
    }
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0
                                      || (n == 1 && dir[0] == '/'));
}

/* The node where rsc runs: its newest operation (by call-id) on a node is
 * a successful start, promote, migrate_from or monitor. */
static char *running_node(xmlNode *cib, const char *rsc)
{
    xmlNode *status = hc_xml_child(cib, "status");

    if (!status || !rsc) {
        return NULL;
    }
    for (xmlNode *ns = status->children; ns; ns = ns->next) {
        xmlNode *lrm_rscs =
            hc_xml_child(hc_xml_child(ns, "lrm"), "lrm_resources");
        const char *uname =
            hc_xml_is_elem(ns, "node_state") ? hc_xml_attr(ns, "uname") : NULL;

        if (!uname || !lrm_rscs) {
            continue;
        }
        for (xmlNode *lr = lrm_rscs->children; lr; lr = lr->next) {
            xmlNode *newest = NULL;
            long best = -2;
            const char *id = hc_xml_is_elem(lr, "lrm_resource")
                                 ? hc_xml_attr(lr, "id")
                                 : NULL;
            const char *op, *rc;

            if (!id || strcmp(id, rsc)) {
                continue;
            }
            for (xmlNode *o = lr->children; o; o = o->next) {
                const char *cid = hc_xml_is_elem(o, "lrm_rsc_op")
                                      ? hc_xml_attr(o, "call-id")
                                      : NULL;
                long v = cid ? strtol(cid, NULL, 10) : -2;

                if (cid && v > best) {
                    best = v;
                    newest = o;
                }
            }
            if (!newest) {
                continue;
            }
            op = hc_xml_attr(newest, "operation");
            rc = hc_xml_attr(newest, "rc-code");
            if (op && rc && (!strcmp(rc, "0") || !strcmp(rc, "8"))
                && (!strcmp(op, "start") || !strcmp(op, "monitor")
                    || !strcmp(op, "promote") || !strcmp(op, "migrate_from"))) {
                return g_strdup(uname);
            }
        }
    }
    return NULL;
}

int hc_leases_locate(xmlNode *cib, hc_leases_location *loc)
{
    xmlNode *resources =
        hc_xml_child(hc_xml_child(cib, "configuration"), "resources");
    GPtrArray *prims = g_ptr_array_new();
    xmlNode *dhcpd = NULL;
    size_t best = 0;

    memset(loc, 0, sizeof(*loc));
    if (!resources) {
        g_ptr_array_free(prims, TRUE);
        return -ENOENT;
    }
    collect_primitives(resources, prims);
    for (guint i = 0; i < prims->len && !dhcpd; i++) {
        xmlNode *p = prims->pdata[i];
        const char *cls = hc_xml_attr(p, "class"),
                   *prov = hc_xml_attr(p, "provider");
        const char *type = hc_xml_attr(p, "type");

        if (cls && type && prov && !strcmp(cls, "ocf")
            && ((!strcmp(type, "dhcpd")
                 && (!strcmp(prov, "hacon") || !strcmp(prov, "heartbeat")))
                || (!strcmp(type, "kea-dhcp4") && !strcmp(prov, "hacon")))) {
            dhcpd = p;
        }
    }
    if (!dhcpd) {
        g_ptr_array_free(prims, TRUE);
        return -ENOENT;
    }
    loc->dhcpd_rsc = g_strdup(hc_xml_attr(dhcpd, "id"));
    loc->agent = g_strdup_printf("ocf:%s:%s", hc_xml_attr(dhcpd, "provider"),
                                 hc_xml_attr(dhcpd, "type"));
    loc->kea = !strcmp(hc_xml_attr(dhcpd, "type"), "kea-dhcp4");
    if (loc->kea) {
        const char *cfg = hc_xml_param(dhcpd, "config");

        /* The agent's default (its meta-data), Debian's path. */
        loc->config = g_strdup(cfg && *cfg ? cfg : "/etc/kea/kea-dhcp4.conf");
    } else if (!strcmp(hc_xml_attr(dhcpd, "provider"), "heartbeat")) {
        /* Defaults from the agent's meta-data. */
        const char *cfg = hc_xml_param(dhcpd, "config");
        const char *root = hc_xml_param(dhcpd, "chrooted_path");
        const char *lf = hc_xml_param(dhcpd, "leases");

        if (!root) {
            root = "/var/lib/dhcp";
        }
        if (!lf) {
            lf = "/db/dhcpd.leases";
        }
        loc->leases = g_build_filename(root, lf, NULL);
        if (cfg && *cfg) {
            loc->config = g_strdup(cfg);
        } else if (is_true(hc_xml_param(dhcpd, "chrooted"))
                   || !hc_xml_param(dhcpd, "chrooted")) {
            /* dhcpd's built-in default, seen from inside the chroot. */
            loc->config = g_build_filename(root, "etc/dhcp/dhcpd.conf", NULL);
        } else {
            loc->config = g_strdup("/etc/dhcp/dhcpd.conf");
        }
    } else {
        const char *cfg = hc_xml_param(dhcpd, "config");
        const char *lf = hc_xml_param(dhcpd, "leases");

        loc->config = g_strdup(cfg && *cfg ? cfg : "/etc/dhcp/dhcpd.conf");
        loc->leases = lf && *lf ? g_strdup(lf) : NULL;
    }
    /* The Filesystem with the longest mount point above the lease file. */
    for (guint i = 0; loc->leases && i < prims->len; i++) {
        xmlNode *p = prims->pdata[i];
        const char *type = hc_xml_attr(p, "type"),
                   *dir = hc_xml_param(p, "directory");

        if (type && !strcmp(type, "Filesystem") && dir && *dir == '/'
            && path_under(loc->leases, dir) && strlen(dir) > best) {
            best = strlen(dir);
            g_free(loc->fs_rsc);
            g_free(loc->fs_directory);
            g_free(loc->fs_device);
            loc->fs_rsc = g_strdup(hc_xml_attr(p, "id"));
            loc->fs_directory = g_strdup(dir);
            loc->fs_device = g_strdup(hc_xml_param(p, "device"));
        }
    }
    loc->node = running_node(cib, loc->fs_rsc ? loc->fs_rsc : loc->dhcpd_rsc);
    g_ptr_array_free(prims, TRUE);
    return 0;
}

void hc_leases_location_clear(hc_leases_location *loc)
{
    if (!loc) {
        return;
    }
    g_free(loc->dhcpd_rsc);
    g_free(loc->agent);
    g_free(loc->leases);
    g_free(loc->config);
    g_free(loc->fs_rsc);
    g_free(loc->fs_directory);
    g_free(loc->fs_device);
    g_free(loc->node);
    memset(loc, 0, sizeof(*loc));
}

char *hc_leases_location_describe(const hc_leases_location *loc)
{
    GString *s = g_string_new("leases ");

    if (loc->fs_directory) {
        g_string_append_printf(s, "on %s (%s, ", loc->fs_directory,
                               loc->fs_rsc);
    } else if (loc->leases || !loc->config) {
        g_string_append_printf(s, "on %s (%s, ",
                               loc->leases ? loc->leases : "?",
                               loc->dhcpd_rsc);
    } else {
        /* Kea (or ocf:hacon:dhcpd without its leases parameter): the
         * server's config names the file. */
        g_string_append_printf(s, "named in %s (%s, ", loc->config,
                               loc->dhcpd_rsc);
    }
    if (loc->node) {
        g_string_append_printf(s, "running on %s)", loc->node);
    } else {
        g_string_append(s, "not running)");
    }
    return g_string_free(s, FALSE);
}
