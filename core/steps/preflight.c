/* Step 1: what the other steps need, on both nodes, before anything is
 * changed: ssh to the peer, the node names resolving, the packages, the
 * HA and service interfaces, the disk.  Nothing to apply: the step is
 * done when every check passes, blocked with every failure listed. */
#include <errno.h>
#include <string.h>

#include "steps/steps.h"

static void need(hc_wizard *w, const char *node, const char *label,
                 const char *script, const char *arg, GString *bad)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };

    if (hc_wizard_run(w, node, 15000, NULL, NULL, argv) < 0) {
        g_string_append_printf(bad, "%s%s: %s", bad->len ? "; " : "",
                               node ? node : hc_wizard_local(w), label);
    }
}

static int preflight_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    static const char *const pkgs[] = { "corosync", "pacemaker",
        "pacemaker-cli-utils", "resource-agents", "isc-dhcp-server",
        "drbd-utils" };
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };
    GString *bad = g_string_new(NULL);
    bool drbd = !strcmp(hc_wizard_answer(w, "storage"), "drbd");
    const char *disk = drbd ? hc_wizard_answer(w, "drbd_disk")
                            : hc_wizard_answer(w, "shared_disk");
    char **agent = g_strsplit(hc_wizard_answer(w, "dhcp_agent"), ":", 3);
    char *agent_path = g_strdup_printf("/usr/lib/ocf/resource.d/%s/%s",
                                       agent[1], agent[2]);
    const char *argv[] = { "true", NULL };

    if (hc_wizard_run(w, nodes[1], 15000, NULL, NULL, argv) < 0) {
        g_string_append_printf(bad, "%s cannot be reached with ssh "
                               "(BatchMode, as root, by key)", nodes[1]);
    } else {
        for (int i = 0; i < 2; i++) {
            const char *n = nodes[i];

            need(w, n, "node1 does not resolve", "getent hosts \"$1\" "
                 ">/dev/null", hc_wizard_answer(w, "node1"), bad);
            need(w, n, "node2 does not resolve", "getent hosts \"$1\" "
                 ">/dev/null", hc_wizard_answer(w, "node2"), bad);
            for (size_t k = 0; k < G_N_ELEMENTS(pkgs); k++) {
                char *label = g_strdup_printf("package %s missing", pkgs[k]);

                need(w, n, label, "dpkg-query -W -f='${Status}' \"$1\" "
                     "2>/dev/null | grep -q 'ok installed'", pkgs[k], bad);
                g_free(label);
            }
            need(w, n, "the dhcpd agent is not installed", "test -x \"$1\"",
                 agent_path, bad);
            need(w, n, "the HA interface is missing", "ip link show \"$1\" "
                 ">/dev/null 2>&1", hc_wizard_answer(w, "ha_if"), bad);
            need(w, n, "the service interface is missing", "ip link show "
                 "\"$1\" >/dev/null 2>&1", hc_wizard_answer(w, "service_if"),
                 bad);
            need(w, n, "the disk is not a block device", "test -b \"$1\"",
                 disk, bad);
            if (drbd) {
                /* DRBD's backing disk must not be in use (mounted). */
                need(w, n, "the DRBD backing disk is mounted", "! grep -q "
                     "\"^$(readlink -f \"$1\") \" /proc/mounts", disk, bad);
            }
        }
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup("both nodes ready"));
    g_free(agent_path);
    g_strfreev(agent);
    if (bad->len) {
        *ret_err = g_string_free(bad, FALSE);
        return -ENOENT;
    }
    g_string_free(bad, TRUE);
    hc_plan_note(p, "both nodes reachable, names resolve, packages, the "
                 "agent, interfaces and disk present");
    return 0;
}

static int preflight_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    return 0;
}

static int preflight_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_preflight, ret, why);
}

const hc_step hc_step_preflight = {
    .name = "preflight",
    .title = "Both nodes ready",
    .tutorial = "apt-get install pacemaker corosync (drbd8-utils, "
                "isc-dhcp-server), eth0/eth1/eth2, /dev/sdb1",
    .hacon = "checks ssh to the peer, name resolution, the packages and the "
             "dhcpd agent, the interfaces and the disk on both nodes; "
             "changes nothing",
    .check = preflight_check,
    .plan = preflight_plan,
    .verify = preflight_verify,
};
