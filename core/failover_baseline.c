/* The failover test's baseline: what it checks and records before its
 * action (the service and its chain, where everything runs, the floating
 * IP, leftover constraints, DHCP answering, the active leases, DRBD), and
 * the lease file it reads then and after. */
#include "failover_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcpconf.h"
#include "exec.h"
#include "leases.h"
#include "leases_locate.h"
#include "util.h"

/* ------------------------------------------------------------ leases */

bool hc__fo_is_local(const hc_failover *fo, const char *node)
{
    return node && fo->local && !strcmp(node, fo->local);
}

/* Every lease record of the file, the last one of each address (active
 * or not: a lease that ran out during a test is still recorded). */
int hc__fo_read_leases(hc_failover *fo, const char *node, GArray *out,
                       char **ret_err)
{
    hc_lease_follower *f = NULL;
    hc_lease_table *t;
    uint32_t now = (uint32_t) time(NULL);
    int rc = hc_lease_follower_new(fo->leases_path,
                                   hc__fo_is_local(fo, node) ? NULL : node, &f);

    if (rc == 0) {
        rc = hc_lease_follower_poll(f, NULL);
    }
    if (rc < 0) {
        *ret_err = g_strdup_printf("%s%s%s: %s", node ? node : "",
                                   node ? ":" : "", fo->leases_path,
                                   g_strerror(-rc));
        hc_lease_follower_free(f);
        return rc;
    }
    t = hc_lease_follower_table(f);
    g_array_set_size(out, 0);
    for (size_t i = 0; i < hc_lease_table_count(t); i++) {
        const hc_lease *l = hc_lease_table_get(t, i);
        base_lease b = { 0 };

        b.active = l->state == HC_LEASE_ACTIVE
                   && (l->ends == HC_LEASE_NEVER || !l->ends || l->ends > now);
        b.ip = l->ip;
        b.mac_len = l->hw_len > 6 ? 6 : l->hw_len;
        memcpy(b.mac, l->mac, b.mac_len);
        b.ends = l->ends;
        g_array_append_val(out, b);
    }
    hc_lease_follower_free(f);
    return 0;
}

void hc__fo_lease_str(const base_lease *b, GString *out)
{
    struct in_addr a = { htonl(b->ip) };
    char ip[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &a, ip, sizeof(ip));
    g_string_append(out, ip);
    g_string_append_c(out, ' ');
    for (int i = 0; i < b->mac_len; i++) {
        g_string_append_printf(out, "%s%02x", i ? ":" : "", b->mac[i]);
    }
}

/* The server's config file on the node fo reads it from (includes too:
 * Kea's lease-database may be in one). */
static int read_conf_file(const char *path, char **ret_buf, size_t *ret_len,
                          void *data)
{
    const char *argv[] = { "cat", path, NULL };
    hc_exec_result res = { 0 };
    int rc = hc_exec(argv, &(hc_exec_opts) { .node = data }, &res);

    if (rc == 0 && res.status != 0) {
        rc = strstr(res.err, "No such file") ? -ENOENT : -EIO;
    }
    if (rc == 0) {
        *ret_buf = g_strndup(res.out, res.out_len);
        *ret_len = res.out_len;
    }
    hc_exec_result_clear(&res);
    return rc;
}

/* The lease file: --leases, else the server resource's parameter, else
 * the file its config names (dhcpd.conf's lease-file-name, Kea's
 * lease-database), read on the node running the server, else the
 * server's default. */
static int locate_leases(hc_failover *fo, xmlNode *xml, char **ret_err)
{
    hc_leases_location loc = { 0 };
    int rc = hc_leases_locate(xml, &loc);

    if (rc == 0) {
        fo->leases_node = g_strdup(loc.node);
    }
    if (fo->o.leases) {
        fo->leases_path = g_strdup(fo->o.leases);
    } else if (rc == 0 && loc.leases) {
        fo->leases_path = g_strdup(loc.leases);
    } else if (rc == 0 && loc.config) {
        const char *node = hc__fo_is_local(fo, fo->from) ? NULL : fo->from;
        hc_dhcp_conf *conf = NULL;

        if (hc_dhcp_conf_load_via(loc.config, read_conf_file, (void *) node,
                                  &conf) == 0 && conf->lease_file_name) {
            fo->leases_path = g_strdup(conf->lease_file_name);
        }
        hc_dhcp_conf_free(conf);
        if (!fo->leases_path) {
            fo->leases_path = g_strdup(loc.kea
                                       ? "/var/lib/kea/kea-leases4.csv"
                                       : "/var/lib/dhcp/dhcpd.leases");
        }
    }
    hc_leases_location_clear(&loc);
    if (!fo->leases_path) {
        *ret_err = g_strdup("cannot tell where the lease file is "
                            "(give --leases FILE)");
        return -ENOENT;
    }
    return 0;
}

static bool node_usable(const hc_node *n)
{
    return n->online && !n->standby && !n->maintenance && !n->unclean
           && !n->pending;
}

/* crm_resource --clear for each resource of rscs, then a --wait (the
 * service may move when its constraint goes: what comes next starts from
 * where the cluster settles); a line per command in out.  Returns 0, or
 * -EIO when a --clear failed. */
int hc__fo_clear_rscs(const GPtrArray *rscs, GString *out)
{
    const char *wait_argv[] = { "crm_resource", "--wait", "--timeout=60s",
                                NULL };
    hc_exec_result res = { 0 };
    int ret = 0, rc;

    for (guint i = 0; i < rscs->len; i++) {
        const char *argv[] = { "crm_resource", "--clear", "-r",
                               rscs->pdata[i], NULL };
        char *cl = hc_exec_cmdline(argv, NULL);

        rc = hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 30000 }, &res);
        if (rc < 0 || res.status != 0) {
            ret = -EIO;
        }
        g_string_append_printf(out, "%s: %s\n", cl,
                               rc == 0 && res.status == 0 ? "done"
                                                          : "failed");
        g_free(cl);
        if (rc == 0) {
            hc_exec_result_clear(&res);
        }
    }
    if (!rscs->len) {
        return ret;
    }
    rc = hc_exec(wait_argv, &(hc_exec_opts) { .timeout_ms = 70000 }, &res);
    g_string_append_printf(out, "crm_resource --wait: %s\n",
                           rc == 0 && res.status == 0
                           ? "the cluster is settled" : "did not settle");
    if (rc == 0) {
        hc_exec_result_clear(&res);
    }
    return ret;
}

/* The service (--service, else the dhcpd primitive), its pid file, its
 * chain and the DRBD resource in the CIB. */
static int find_service(hc_failover *fo, char **ret_err)
{
    hc_resource *svc, *d;

    svc = fo->o.service ? hc_status_find_resource(fo->st, fo->o.service)
                        : hc__fo_find_by_agent(fo->st->resources,
                                               hc__fo_is_dhcpd_agent);
    if (!svc) {
        *ret_err = fo->o.service
            ? g_strdup_printf("no resource %s in the CIB", fo->o.service)
            : g_strdup("no DHCP server resource (ocf:hacon:dhcpd, "
                       "ocf:heartbeat:dhcpd, ocf:hacon:kea-dhcp4) in the "
                       "CIB (give --service)");
        return -ENOENT;
    }
    fo->service = g_strdup(svc->id);
    fo->pidfile = hc__fo_dhcpd_pidfile(svc);
    if (hc__fo_is_kea_agent(svc->agent)) {
        const char *cf = hc__fo_rsc_param(svc, "config");

        fo->kea_config = g_strdup(cf && *cf ? cf : "/etc/kea/kea-dhcp4.conf");
    }
    hc_fo_find_chain(fo->st, fo->service, fo->chain, &fo->anchor,
                     &fo->anchor_promoted);
    d = hc__fo_find_by_agent(fo->st->resources, hc__fo_is_drbd_agent);
    fo->drbd_rsc = d ? g_strdup(hc__fo_top_of(d)->id) : NULL;
    return 0;
}

/* From where the service runs to the other usable node (kill: the same
 * node). */
static int choose_nodes(hc_failover *fo, char **ret_err)
{
    if (!hc__fo_service_node(fo)) {
        *ret_err = g_strdup_printf("%s is not running: nothing to fail over",
                                   fo->service);
        return -ESRCH;
    }
    fo->from = g_strdup(hc__fo_service_node(fo));
    if (fo->o.scenario == HC_FO_KILL) {
        fo->to = g_strdup(fo->from);
        return 0;
    }
    /* A cut with fencing: one side is fenced, and this run can only
     * report from the side that is not, its own: run on the active node,
     * it expects the active node to keep the service and the other one
     * to be fenced. */
    if (fo->o.scenario == HC_FO_CUT && fo->stonith
        && hc__fo_is_local(fo, fo->from)) {
        for (guint i = 0; i < fo->st->nodes->len; i++) {
            hc_node *n = fo->st->nodes->pdata[i];

            if (strcmp(n->name, fo->from) && node_usable(n)) {
                fo->to = g_strdup(fo->from);
                fo->victim = g_strdup(n->name);
                return 0;
            }
        }
    }
    for (guint i = 0; i < fo->st->nodes->len; i++) {
        hc_node *n = fo->st->nodes->pdata[i];

        if (strcmp(n->name, fo->from) && node_usable(n)) {
            fo->to = g_strdup(n->name);
            if (hc__fo_fence_scenario(fo)) {
                fo->victim = g_strdup(fo->from);
            }
            return 0;
        }
    }
    *ret_err = g_strdup_printf("no other node online to take %s over from "
                               "%s", fo->service, fo->from);
    return -EHOSTUNREACH;
}

/* What the scenario needs before anything is changed. */
static int scenario_ready(hc_failover *fo, char **ret_err)
{
    switch (fo->o.scenario) {
    case HC_FO_HANG:
        if (!fo->o.confirmed) {
            *ret_err = g_strdup_printf(
                "the hang scenario stops (SIGSTOP) corosync and pacemaker "
                "on %s: confirm it (--yes)", fo->from);
            return -EPERM;
        }
        if (hc__fo_is_local(fo, fo->from)) {
            *ret_err = g_strdup_printf(
                "hacon runs on %s, the active node, which the hang "
                "scenario hangs: run it on %s", fo->from, fo->to);
            return -EINVAL;
        }
        break;
    case HC_FO_CRASH:
    case HC_FO_CUT:
        if (!(fo->o.scenario == HC_FO_CRASH ? fo->o.crash_cmd
                                            : fo->o.cut_cmd)) {
            *ret_err = g_strdup_printf(
                "the %s scenario needs the command that does it here "
                "(--%s-cmd 'CMD {node}')", hc_fo_scenario_name(fo->o.scenario),
                fo->o.scenario == HC_FO_CRASH ? "crash" : "cut");
            return -EINVAL;
        }
        if (!fo->o.confirmed) {
            *ret_err = g_strdup_printf(
                "the %s scenario %s %s: confirm it (--yes)",
                hc_fo_scenario_name(fo->o.scenario),
                fo->o.scenario == HC_FO_CRASH ? "crashes"
                                              : "cuts the HA link of",
                fo->from);
            return -EPERM;
        }
        /* With fencing a cut may be run on the active node (which
         * then keeps the service). */
        if (fo->o.scenario == HC_FO_CUT && fo->stonith) {
            break;
        }
        /* fall through */
    case HC_FO_STOP_STACK:
        if (hc__fo_is_local(fo, fo->from)) {
            *ret_err = g_strdup_printf(
                "hacon runs on %s, the active node, which the %s scenario "
                "takes out of the cluster: run it on %s", fo->from,
                hc_fo_scenario_name(fo->o.scenario), fo->to);
            return -EINVAL;
        }
        break;
    default:
        break;
    }
    return 0;
}

/* The floating IP and where to probe it from. */
static int find_vip(hc_failover *fo, char **ret_err)
{
    hc_resource *vr = hc__fo_find_vip_rsc(fo);

    fo->vip = g_strdup(fo->o.vip ? fo->o.vip : hc__fo_rsc_param(vr, "ip"));
    fo->ifname = g_strdup(fo->o.ifname ? fo->o.ifname
                                       : hc__fo_rsc_param(vr, "nic"));
    if (!fo->vip || inet_pton(AF_INET, fo->vip, &fo->vip_addr) != 1) {
        *ret_err = g_strdup("no floating IP (IPaddr2) with the service "
                            "(give --vip)");
        return -EINVAL;
    }
    if (!fo->ifname) {
        *ret_err = g_strdup("the floating IP's resource names no nic (give "
                            "--interface)");
        return -EINVAL;
    }
    return 0;
}

/* Leftovers of earlier moves: the test's own assertion would blame this
 * run for them, and they pin the service.  Refused, or cleared when the
 * admin asked for it (the service must stay where it was). */
static int handle_leftovers(hc_failover *fo, char **ret_err)
{
    for (guint i = 0; i < fo->st->constraints->len; i++) {
        hc_constraint *c = fo->st->constraints->pdata[i];

        if (c->leftover) {
            g_ptr_array_add(fo->leftovers, g_strdup(c->id));
            if (!hc__fo_in_list(fo->leftover_rscs, c->rsc)) {
                g_ptr_array_add(fo->leftover_rscs, g_strdup(c->rsc));
            }
        }
    }
    if (fo->leftovers->len && !fo->o.clear_leftovers) {
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < fo->leftover_rscs->len; i++) {
            g_string_append_printf(s, "; crm_resource --clear -r %s",
                                   (char *) fo->leftover_rscs->pdata[i]);
        }
        *ret_err = g_strdup_printf("%u cli-prefer/cli-ban constraint(s) left "
                                   "by an earlier move or ban (first: %s): "
                                   "clear them first (or let the test do "
                                   "it)%s", fo->leftovers->len,
                                   (char *) fo->leftovers->pdata[0], s->str);
        g_string_free(s, TRUE);
        return -EEXIST;
    }
    if (fo->leftover_rscs->len) {
        GString *out = g_string_new(NULL);
        char **v;

        hc__fo_clear_rscs(fo->leftover_rscs, out);
        v = g_strsplit(out->str, "\n", -1);
        for (char **l = v; *l; l++) {
            if (**l) {
                hc__fo_emit(fo, HC_FO_EV_ACTION, "%s", *l);
            }
        }
        g_strfreev(v);
        g_string_free(out, TRUE);
        hc__fo_refresh(fo, NULL, NULL);
        if (!hc__fo_service_node(fo)
            || strcmp(hc__fo_service_node(fo), fo->from)) {
            *ret_err = g_strdup("the service moved when the leftover "
                                "constraints were cleared: run the test "
                                "again");
            return -EAGAIN;
        }
    }
    return 0;
}

static int open_probe(hc_failover *fo, char **ret_err)
{
    hc_dhcpprobe_opts po = { 0 };
    int rc;

    po.ifname = fo->ifname;
    po.server.s_addr = INADDR_BROADCAST;
    po.type = HC_DHCPDISCOVER;
    rc = hc_dhcpprobe_open(&po, &fo->probe);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot probe DHCP on %s: %s", fo->ifname,
                                   g_strerror(-rc));
    }
    return rc;
}

/* What the run is about to do, first in the timeline. */
static void announce(hc_failover *fo)
{
    static const char *const what[HC_FO_N_SCENARIOS] = {
        "move the service", "put the active node in standby",
        "stop the cluster stack on the active node",
        "kill dhcpd on the active node", "crash the active node",
        "cut the HA link of the active node",
        "hang the active node (SIGSTOP to corosync and pacemaker)",
    };

    hc__fo_emit(fo, HC_FO_EV_INFO, "%s: service %s, chain anchor %s%s, "
                "%s -> %s, hacon on %s", what[fo->o.scenario], fo->service,
                fo->anchor, fo->anchor_promoted ? " (promoted)" : "",
                fo->from, fo->to,
                fo->local ? fo->local : "a host outside the cluster");
    if (fo->o.scenario == HC_FO_KILL) {
        hc__fo_emit(fo, HC_FO_EV_INFO, "dhcpd's pid file (of %s): %s",
                    fo->service, fo->pidfile);
    }
    if (!fo->stonith && fo->o.scenario == HC_FO_CUT) {
        hc__fo_emit(fo, HC_FO_EV_WARN, "fencing is off (stonith-enabled="
                    "false): with the HA link cut both nodes think the "
                    "other is gone and both run the service (split brain); "
                    "the lease files diverge");
    }
    if (!fo->stonith && fo->o.scenario == HC_FO_HANG) {
        hc__fo_emit(fo, HC_FO_EV_WARN, "fencing is off (stonith-enabled="
                    "false): nothing resets %s, which keeps dhcpd, the "
                    "floating IP and DRBD Primary while %s takes the "
                    "service over (split brain)", fo->from, fo->to);
    }
    if (fo->stonith && fo->victim) {
        hc__fo_emit(fo, HC_FO_EV_INFO, "fencing is on: %s is to be fenced "
                    "(reset) and to come back, %s to %s the service",
                    fo->victim, fo->to, strcmp(fo->to, fo->from)
                    ? "take over" : "keep");
    }
}

int hc__fo_baseline(hc_failover *fo)
{
    xmlNode *xml = NULL;
    char *err = NULL, host[256];
    int rc;

    fo->cib_retry_ms = 0;
    rc = hc__fo_refresh(fo, &xml, &err);
    if (rc < 0) {
        return hc__fo_fail_start(fo, rc, err ? err : g_strdup(
            "cannot read the CIB"));
    }
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = 0;
        if (hc_status_find_node(fo->st, host)) {
            fo->local = g_strdup(host);
        }
    }
    fo->stonith = fo->st->cluster.stonith_enabled;
    rc = find_service(fo, &err);
    if (rc == 0) {
        rc = choose_nodes(fo, &err);
    }
    if (rc == 0) {
        rc = scenario_ready(fo, &err);
    }
    if (rc == 0) {
        rc = find_vip(fo, &err);
    }
    if (rc == 0) {
        rc = locate_leases(fo, xml, &err);
    }
    free_xml(xml);
    if (rc == 0) {
        rc = handle_leftovers(fo, &err);
    }
    if (rc == 0) {
        rc = open_probe(fo, &err);
    }
    if (rc < 0) {
        return hc__fo_fail_start(fo, rc, err);
    }
    announce(fo);
    /* A longer wait than during the test: dhcpd checks an address with a
     * ping (up to a second) before its first offer of it. */
    hc__fo_io_start(fo, 5, 1500, fo->leases_node ? fo->leases_node : fo->from);
    return 0;
}

/* Where everything runs, a line each in key order; the fail counts there
 * before the test, which it does not answer for. */
static void record_placement(hc_failover *fo)
{
    GHashTable *h = hc__fo_snapshot(fo);
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter it;
    gpointer k0;

    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k0, NULL)) {
        g_ptr_array_add(keys, k0);
    }
    g_ptr_array_sort(keys, hc__fo_cmp_str);
    for (guint i = 0; i < keys->len; i++) {
        const char *k = keys->pdata[i];

        g_ptr_array_add(fo->base_lines, g_strdup_printf(
            "%s: %s", k, (char *) g_hash_table_lookup(h, k)));
        if (g_str_has_prefix(k, "fail ")) {
            g_ptr_array_add(fo->base_fails, g_strdup(k + 5));
        }
    }
    g_ptr_array_free(keys, TRUE);
    fo->snap = h;
}

static void record_drbd(hc_failover *fo)
{
    char *text = NULL;
    int rc;

    if (!fo->drbd_rsc) {
        g_ptr_array_add(fo->base_lines,
                        g_strdup("DRBD: no DRBD resource in the CIB"));
        return;
    }
    if (!fo->drbd) {
        g_ptr_array_add(fo->base_lines, g_strdup_printf(
            "DRBD: %s in the CIB, no DRBD state reader", fo->drbd_rsc));
        return;
    }
    rc = fo->drbd(fo->from, &text, fo->drbd_data);
    fo->base_drbd = text ? text : g_strdup(g_strerror(rc < 0 ? -rc : EIO));
    fo->drbd_last = g_strdup(fo->base_drbd);
    g_ptr_array_add(fo->base_lines, g_strdup_printf("DRBD: %s",
                                                    fo->base_drbd));
}

/* The active leases, as the thread read them where the lease file is
 * now. */
static void record_leases(hc_failover *fo, const io_task *t)
{
    const char *ln = fo->leases_node ? fo->leases_node : fo->from;

    for (guint i = 0; i < t->leases->len; i++) {
        base_lease *b = &g_array_index(t->leases, base_lease, i);

        if (b->active) {
            g_array_append_val(fo->base_leases, *b);
        }
    }
    g_ptr_array_add(fo->base_lines, g_strdup_printf(
        "leases: %u active in %s on %s", fo->base_leases->len,
        fo->leases_path, ln));
    for (guint i = 0; i < fo->base_leases->len; i++) {
        base_lease *b = &g_array_index(fo->base_leases, base_lease, i);
        GString *s = g_string_new("lease ");
        char when[32];

        hc__fo_lease_str(b, s);
        g_string_append_printf(s, " ends %s", b->ends == HC_LEASE_NEVER
                               ? "never"
                               : hc_time_str(b->ends, when, sizeof(when)));
        g_ptr_array_add(fo->base_lines, g_string_free(s, FALSE));
    }
}

/* The rest of the baseline, once the thread read DHCP and the leases. */
int hc__fo_baseline_done(hc_failover *fo)
{
    io_task *t = fo->io;
    char *err;
    int rc;

    if (!t->probe_ok) {
        err = g_strdup_printf(
            "DHCP at %s does not answer a probe on %s before the test "
            "(%s)%s", fo->vip, fo->ifname,
            g_strerror(-fo->last_probe_err), fo->wrong_server_seen
            ? "; another DHCP server answered" : "");
        hc__fo_io_free(fo);
        return hc__fo_fail_start(fo, -EHOSTUNREACH, err);
    }
    g_ptr_array_add(fo->base_lines, g_strdup_printf(
        "DHCP: %s answers on %s in %.1f ms", fo->vip, fo->ifname, t->rtt));
    record_placement(fo);
    record_drbd(fo);
    if (t->lease_rc < 0) {
        rc = t->lease_rc;
        err = g_strdup_printf("cannot read the lease file before the test: "
                              "%s", t->lease_err);
        hc__fo_io_free(fo);
        return hc__fo_fail_start(fo, rc, err);
    }
    record_leases(fo, t);
    for (guint i = 0; i < fo->base_lines->len; i++) {
        hc__fo_emit(fo, HC_FO_EV_INFO, "baseline %s",
                    (char *) fo->base_lines->pdata[i]);
    }
    hc__fo_io_free(fo);
    fo->last_ok = true;
    return 0;
}
