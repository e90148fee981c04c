/* Step 1: what the other steps need, on both nodes, before anything is
 * changed: ssh to the peer, the node names resolving, the packages, the
 * HA and service interfaces, the disk.  Nothing to apply: the step is
 * done when every check passes, blocked with every failure listed. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "steps/steps.h"

/* Runs script (with arg as $1) on node; when it fails, the message goes
 * to bad: the node, what is wrong (the answer with its value) and what to
 * do, as the admin reads it in the step list. */
static void need(hc_wizard *w, const char *node, const char *script,
                 const char *arg, GString *bad, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
static void need(hc_wizard *w, const char *node, const char *script,
                 const char *arg, GString *bad, const char *fmt, ...)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };
    const char *name = node ? node : hc_wizard_local(w);
    va_list ap;
    char *msg, *mine, *at;

    if (hc_wizard_run(w, node, 15000, NULL, NULL, argv) == 0) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* The same failure on the first node already listed: the peer's name
     * joins it ("nodeone, nodetwo: ..."), the message is not said twice. */
    mine = g_strdup_printf("%s: %s", hc_wizard_local(w), msg);
    at = node ? strstr(bad->str, mine) : NULL;
    if (at && (at == bad->str || at[-1] == ' ')
        && (at[strlen(mine)] == ';' || at[strlen(mine)] == 0)) {
        g_string_insert(bad, (at - bad->str) + (gssize) strlen(hc_wizard_local(w)),
                        ", ");
        g_string_insert(bad, (at - bad->str) + (gssize) strlen(hc_wizard_local(w))
                        + 2, name);
    } else {
        g_string_append_printf(bad, "%s%s: %s", bad->len ? "; " : "", name,
                               msg);
    }
    g_free(mine);
    g_free(msg);
}

static int preflight_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    static const char *const pkgs[] = { "corosync", "pacemaker",
        "pacemaker-cli-utils", "resource-agents", "isc-dhcp-server",
        "drbd-utils" };
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };
    GString *bad = g_string_new(NULL);
    bool drbd = !strcmp(hc_wizard_answer(w, "storage"), "drbd");
    const char *disk_key = drbd ? "drbd_disk" : "shared_disk";
    const char *disk = hc_wizard_answer(w, disk_key);
    const char *agent_ans = hc_wizard_answer(w, "dhcp_agent");
    char **agent = g_strsplit(agent_ans, ":", 3);
    char *agent_path = g_strdup_printf("/usr/lib/ocf/resource.d/%s/%s",
                                       agent[1], agent[2]);
    const char *argv[] = { "true", NULL };

    if (hc_wizard_run(w, nodes[1], 15000, NULL, NULL, argv) < 0) {
        g_string_append_printf(bad, "%s: %s=%s cannot be reached with ssh "
                               "as root by key (BatchMode): give %s's root "
                               "key to root there (ssh-copy-id root@%s) and "
                               "accept its host key once (ssh %s true), or "
                               "answer %s= the peer's name (uname -n there)",
                               hc_wizard_local(w),
                               strcmp(nodes[1], hc_wizard_answer(w, "node1"))
                               ? "node2" : "node1", nodes[1], hc_wizard_local(w),
                               nodes[1], nodes[1],
                               strcmp(nodes[1], hc_wizard_answer(w, "node1"))
                               ? "node2" : "node1");
    } else {
        for (int i = 0; i < 2; i++) {
            const char *n = i ? nodes[1] : NULL;

            for (int k = 1; k <= 2; k++) {
                const char *key = k == 1 ? "node1" : "node2";
                const char *v = hc_wizard_answer(w, key);

                need(w, n, "getent hosts \"$1\" >/dev/null", v, bad,
                     "%s=%s does not resolve there (getent hosts): add it to "
                     "/etc/hosts there, or answer %s= the node's name "
                     "(uname -n)", key, v, key);
            }
            for (size_t k = 0; k < G_N_ELEMENTS(pkgs); k++) {
                need(w, n, "dpkg-query -W -f='${Status}' \"$1\" "
                     "2>/dev/null | grep -q 'ok installed'", pkgs[k], bad,
                     "package %s is not installed there: apt-get install %s",
                     pkgs[k], pkgs[k]);
            }
            need(w, n, "test -x \"$1\"", agent_path, bad,
                 "dhcp_agent=%s is not installed there (no %s): install it "
                 "on both nodes (hacon's make install), or answer "
                 "dhcp_agent=ocf:heartbeat:dhcpd", agent_ans, agent_path);
            need(w, n, "ip link show \"$1\" >/dev/null 2>&1",
                 hc_wizard_answer(w, "ha_if"), bad,
                 "ha_if=%s is no network interface there (ip link): answer "
                 "ha_if= the interface on the HA network",
                 hc_wizard_answer(w, "ha_if"));
            need(w, n, "ip link show \"$1\" >/dev/null 2>&1",
                 hc_wizard_answer(w, "service_if"), bad,
                 "service_if=%s is no network interface there (ip link): "
                 "answer service_if= the interface towards the DHCP clients",
                 hc_wizard_answer(w, "service_if"));
            if (drbd) {
                need(w, n, "test -b \"$1\"", disk, bad,
                     "drbd_disk=%s (storage=drbd) is not a block device "
                     "there: answer drbd_disk= the disk DRBD replicates, or, "
                     "without DRBD, storage=shared and shared_disk= a disk "
                     "both nodes see", disk);
                /* DRBD's backing disk must not be in use (mounted). */
                need(w, n, "! grep -q \"^$(readlink -f \"$1\") \" "
                     "/proc/mounts", disk, bad,
                     "drbd_disk=%s is mounted there: DRBD needs it unused: "
                     "unmount it, or answer drbd_disk= another disk", disk);
            } else {
                need(w, n, "test -b \"$1\"", disk, bad,
                     "%s=%s (storage=shared) is not a block device there: "
                     "answer shared_disk= a disk both nodes see", disk_key,
                     disk);
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
