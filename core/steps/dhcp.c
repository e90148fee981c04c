/* Step 6: the DHCP server, ready for Pacemaker: the packaged service
 * stopped and disabled on both nodes (ERRATA 11), one dhcpd.conf on both
 * with the lease file on the shared filesystem and the floating IP as
 * server identifier (ERRATA 9, 10), the existing leases moved there, the
 * same dhcpd uid/gid on both nodes and an AppArmor profile that would deny
 * the lease file detected (ERRATA 12); checked with dhcpd -t. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "gen_dhcpd.h"
#include "status.h"
#include "util.h"
#include "steps/steps.h"

#define APPARMOR "/etc/apparmor.d/usr.sbin.dhcpd"

/* The nodes' own network on the service interface: the answer, or what
 * `ip` says the interface has here. */
static char *static_net(hc_wizard *w, char **ret_err)
{
    const char *ans = hc_wizard_answer(w, "service_net");
    const char *argv[] = { "ip", "-o", "-4", "addr", "show", "dev",
                           hc_wizard_answer(w, "service_if"), NULL };
    char *out = NULL, **f, *net = NULL;

    if (*ans) {
        return g_strdup(ans);
    }
    if (hc_wizard_run(w, NULL, 10000, &out, NULL, argv) < 0) {
        *ret_err = g_strdup_printf("%s: service_if=%s is no network "
                                   "interface there (ip addr): answer "
                                   "service_if= the interface towards the "
                                   "DHCP clients", hc_wizard_local(w),
                                   hc_wizard_answer(w, "service_if"));
        g_free(out);
        return NULL;
    }
    /* "3: eth2    inet 10.10.102.1/24 brd ..." */
    f = g_strsplit_set(out, " \t\n", -1);
    for (size_t i = 0; f[i] && !net; i++) {
        if (!strcmp(f[i], "inet")) {
            for (size_t j = i + 1; f[j] && !net; j++) {
                if (*f[j]) {
                    net = g_strdup(f[j]);
                }
            }
        }
    }
    g_strfreev(f);
    g_free(out);
    if (!net) {
        *ret_err = g_strdup_printf("%s: service_if=%s has no IPv4 "
                                   "address there: give it the node's own "
                                   "static address on the service network, "
                                   "or answer service_net=A.B.C.D/N",
                                   hc_wizard_local(w),
                                   hc_wizard_answer(w, "service_if"));
    }
    return net;
}

static char *conf_text(hc_wizard *w, char **ret_err)
{
    char *net = static_net(w, ret_err), *text;
    hc_dhcpd_conf c = {
        .interface = hc_wizard_answer(w, "service_if"),
        .vip = hc_wizard_answer(w, "vip"),
        .vip_prefix = (unsigned) atoi(hc_wizard_answer(w, "vip_prefix")),
        .static_net = net,
        .range_start = hc_wizard_answer(w, "range_start"),
        .range_end = hc_wizard_answer(w, "range_end"),
        .leases = hc_wizard_answer(w, "leases"),
    };

    if (!net) {
        return NULL;
    }
    text = hc_gen_dhcpd_conf(&c, ret_err);
    g_free(net);
    return text;
}

/* "uid:gid" of the dhcpd user on node, "" when there is none (Debian runs
 * dhcpd as root). */
static int dhcpd_ids(hc_wizard *w, const char *node, char **ret,
                     char **ret_err)
{
    const char *argv[] = { "sh", "-c", "id -u dhcpd 2>/dev/null && "
                           "id -g dhcpd || true", NULL };
    char *out = NULL;
    int rc = hc_wizard_run(w, node, 15000, &out, ret_err, argv);

    if (rc == 0) {
        g_strdelimit(g_strstrip(out), "\n", ':');
        *ret = out;
    } else {
        g_free(out);
    }
    return rc;
}

/* The filesystem is not mounted here: as the tutorial does before
 * Pacemaker manages it, mount it for a moment and copy the leases there
 * (dhcpd's agent refuses a missing lease directory).  Only when it is
 * mounted nowhere (not on the peer either) and the device, with its
 * filesystem, is here; whether the file is there already, debugfs reads
 * from the unmounted ext3/ext4.  Returns false when it cannot be done
 * from here (the caller warns). */
static bool leases_on_disk(hc_wizard *w, hc_plan *p, const char *peer)
{
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    const char *leases = hc_wizard_answer(w, "leases");
    const char *dev = strcmp(hc_wizard_answer(w, "storage"), "drbd")
                      ? hc_wizard_answer(w, "shared_disk")
                      : hc_wizard_answer(w, "drbd_device");
    const char *fst = hc_wizard_answer(w, "fstype");
    size_t ml = strlen(mnt);
    const char *mp[] = { "mountpoint", "-q", mnt, NULL };
    const char *fs[] = { "sh", "-c", "test -b \"$1\" && [ \"$(blkid -o value "
                         "-s TYPE \"$1\")\" = \"$2\" ]", "sh", dev, fst, NULL };
    char *rel, *out = NULL;
    bool there;

    if (strncmp(leases, mnt, ml) || leases[ml] != '/'
        || hc_wizard_run(w, NULL, 15000, NULL, NULL, fs) < 0
        || hc_wizard_run(w, peer, 15000, NULL, NULL, mp) == 0) {
        return false;
    }
    rel = g_strdup_printf("stat %s", leases + ml);
    {
        const char *dbg[] = { "debugfs", "-R", rel, dev, NULL };

        there = hc_wizard_run(w, NULL, 15000, &out, NULL, dbg) == 0 && out
                && strstr(out, "Type: regular");
    }
    g_free(out);
    g_free(rel);
    if (!there) {
        hc_plan_cmd_add(p, NULL, 60000, "the leases onto the shared "
                        "filesystem: mounted here for the copy, then "
                        "unmounted (Pacemaker mounts it from now on)",
                        "sh", "-c", "set -e; mount -t \"$4\" \"$1\" \"$2\"; "
                        "trap 'umount \"$2\"' EXIT; mkdir -p \"$(dirname "
                        "\"$3\")\"; if [ ! -e \"$3\" ]; then if [ -s "
                        "/var/lib/dhcp/dhcpd.leases ]; then cp -p "
                        "/var/lib/dhcp/dhcpd.leases \"$3\"; else touch \"$3\"; "
                        "fi; fi", "sh", dev, mnt, leases, fst, NULL);
        hc_plan_crm(p, "mount %s %s; cp -a /var/lib/dhcp %s/; umount %s",
                    dev, mnt, mnt, mnt);
    }
    return true;
}

/* The node where the cluster runs the service's dhcpd now, or NULL (no
 * cluster yet, or it runs nowhere).  Its dhcpd and pid file are the
 * cluster's: the packaged service's init script uses the same pid file
 * and must not be told to stop it. */
static char *cluster_dhcpd_node(hc_wizard *w)
{
    xmlNode *cib = NULL;
    hc_status *st = NULL;
    char *err = NULL, *node = NULL;

    if (hc_wizard_cib(w, &cib, &err) == 0
        && hc_wizard_status(w, cib, false, &st, &err) == 0) {
        node = g_strdup(hc_wizard_rsc_node(st, HC_SERVICE_RSC));
    }
    hc_status_free(st);
    free_xml(cib);
    g_free(err);
    return node;
}

static int dhcp_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    const char *path = hc_wizard_answer(w, "dhcpd_conf");
    const char *leases = hc_wizard_answer(w, "leases");
    char *conf = conf_text(w, ret_err), *ids[2] = { NULL, NULL }, *aa;
    char *cluster_node = NULL;
    int rc = conf ? 0 : -EINVAL;

    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, path, conf,
                              strlen(conf), 0644, false, ret_err);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = dhcpd_ids(w, i ? nodes[1] : NULL, &ids[i], ret_err);
    }
    if (rc == 0 && strcmp(ids[0], ids[1])) {
        *ret_err = g_strdup_printf("the dhcpd user differs: %s on %s, %s on "
                                   "%s; give it the same uid and gid on both "
                                   "nodes (usermod/groupmod), or the lease "
                                   "file will not be readable after a "
                                   "failover", *ids[0] ? ids[0] : "none",
                                   nodes[0], *ids[1] ? ids[1] : "none",
                                   nodes[1]);
        rc = -EINVAL;
    }
    cluster_node = rc == 0 ? cluster_dhcpd_node(w) : NULL;
    for (int i = 0; rc == 0 && i < 2; i++) {
        /* Only Pacemaker may start dhcpd: the packaged service is stopped
         * and kept from starting at boot, whatever the init system.  Its
         * pid file is also the agent's default: a dhcpd that uses the
         * cluster's lease file is Pacemaker's, and stays. */
        const char *probe[] = { "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
            "systemd ]; then systemctl is-enabled -q isc-dhcp-server "
            "2>/dev/null && echo enabled; systemctl is-active -q "
            "isc-dhcp-server && echo active; else ls /etc/rc[2345].d/S* "
            "2>/dev/null | grep -q isc-dhcp-server && echo enabled; "
            "p=$(cat /run/dhcpd.pid 2>/dev/null) && kill -0 \"$p\" "
            "2>/dev/null && ! tr '\\0' '\\n' < /proc/$p/cmdline | "
            "grep -qxF -- \"$1\" && echo active; fi; true", "sh", leases,
            NULL };
        char *out = NULL;

        rc = hc_wizard_run(w, i ? nodes[1] : NULL, 15000, &out, ret_err, probe);
        if (rc == 0 && out && cluster_node
            && !strcmp(cluster_node, nodes[i])) {
            /* The running dhcpd here is the cluster's: only the boot
             * links of the packaged service count. */
            bool enabled = strstr(out, "enabled") != NULL;

            if (enabled) {
                hc_plan_cmd_add(p, i ? nodes[1] : NULL, 60000,
                                "disable the packaged isc-dhcp-server at "
                                "boot (the cluster runs dhcpd here: not "
                                "stopped)", "sh", "-c", "if [ \"$(cat "
                                "/proc/1/comm)\" = systemd ]; then systemctl "
                                "disable isc-dhcp-server; else update-rc.d "
                                "isc-dhcp-server disable; fi", NULL);
            }
        } else if (rc == 0 && out && *g_strstrip(out)) {
            hc_plan_cmd_add(p, i ? nodes[1] : NULL, 60000,
                            "stop the packaged isc-dhcp-server and disable it "
                            "at boot: only Pacemaker starts dhcpd (ERRATA 11)",
                            "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
                            "systemd ]; then systemctl disable --now "
                            "isc-dhcp-server; else "
                            "/etc/init.d/isc-dhcp-server stop || true; "
                            "update-rc.d isc-dhcp-server disable; fi", NULL);
        }
        g_free(out);
    }
    if (rc == 0) {
        char *dir = g_path_get_dirname(leases);
        char *cmd = g_strdup_printf("mkdir -p %s && if [ ! -e %s ]; then "
                                    "if [ -s /var/lib/dhcp/dhcpd.leases ]; "
                                    "then cp -p /var/lib/dhcp/dhcpd.leases %s; "
                                    "else touch %s; fi; fi", dir, leases,
                                    leases, leases);
        const char *mp[] = { "mountpoint", "-q",
                             hc_wizard_answer(w, "mountpoint"), NULL };
        char *lp = hc_wizard_path(w, leases);

        if (!g_file_test(lp, G_FILE_TEST_EXISTS)) {
            if (hc_wizard_run(w, NULL, 10000, NULL, NULL, mp) == 0) {
                hc_plan_cmd_add(p, NULL, 30000, "move the existing leases to "
                                "the shared filesystem", "sh", "-c", cmd, NULL);
            } else if (leases_on_disk(w, p, nodes[1])) {
                /* planned, or there already */
            } else {
                hc_plan_warn(p, "%s is not mounted here: the leases are moved "
                             "to %s when it is (or dhcpd starts with an empty "
                             "lease file)", hc_wizard_answer(w, "mountpoint"),
                             leases);
            }
        }
        g_free(lp);
        g_free(cmd);
        g_free(dir);
    }
    aa = hc_wizard_path(w, APPARMOR);
    if (rc == 0 && g_file_test(aa, G_FILE_TEST_EXISTS)) {
        hc_plan_warn(p, "AppArmor confines dhcpd (%s) to /var/lib/dhcp: add "
                     "\"%s/** lrw,\" to /etc/apparmor.d/local/usr.sbin.dhcpd "
                     "on both nodes and reload AppArmor, or dhcpd cannot "
                     "open %s", APPARMOR, hc_wizard_answer(w, "mountpoint"),
                     leases);
    }
    g_free(aa);
    hc_plan_note(p, "Tutorial says: lease-file-name with typographic quotes "
                 "and a placeholder subnet. hacon writes lease-file-name "
                 "\"%s\", declares the nodes' own subnet and the service "
                 "subnet, and names the floating IP as server-identifier "
                 "(ERRATA 9, 10).", leases);
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup_printf("%s the same on both nodes, the "
                                         "packaged service disabled", path));
    hc_plan_crm(p, "scp %s %s:%s   # and: systemctl disable --now "
                "isc-dhcp-server, on both", path, nodes[1], path);
    g_free(ids[0]);
    g_free(ids[1]);
    g_free(conf);
    g_free(cluster_node);
    return rc;
}

static int dhcp_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *path = hc_wizard_answer(w, "dhcpd_conf");
    char *lp = hc_wizard_path(w, path);
    const char *here[] = { "dhcpd", "-t", "-q", "-cf", lp, NULL };
    const char *there[] = { "dhcpd", "-t", "-q", "-cf", path, NULL };
    int rc = hc_wizard_run(w, NULL, 15000, NULL, ret_err, here);

    if (rc == 0) {
        rc = hc_wizard_run(w, hc_wizard_peer(w), 15000, NULL, ret_err, there);
    }
    g_free(lp);
    return rc;
}

static int dhcp_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_dhcp, ret, why);
}

const hc_step hc_step_dhcp = {
    .name = "dhcp",
    .title = "DHCP server configuration",
    .tutorial = "stop isc-dhcp-server, copy /var/lib/dhcp to the cluster "
                "device, lease-file-name, a shared-network, copy the "
                "configuration",
    .hacon = "disables the packaged service on both nodes, writes one "
             "dhcpd.conf checked by dhcpd -t on both, moves the leases, "
             "checks the dhcpd uid/gid and AppArmor",
    .check = dhcp_check,
    .plan = dhcp_plan,
    .verify = dhcp_verify,
};
