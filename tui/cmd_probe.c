/* hacon probe: proves that a DHCP server answers, with a real DHCPINFORM or
 * DHCPDISCOVER (see core/dhcpprobe.h for what each does to the server).
 * Used by ocf:hacon:dhcpd's deep monitor and by the failover test.
 *
 * Exit status: 0 every probe was answered, 1 at least one was not, 2 usage
 * or the probe could not run (no such interface, no permission). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "dhcpprobe.h"
#include "json.h"
#include "util.h"

static void print_result(GString *out, int json, int seq, int r,
                         const hc_dhcpprobe_result *res, const char *ifname)
{
    char sid[INET_ADDRSTRLEN], yi[INET_ADDRSTRLEN], ci[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &res->server_id, sid, sizeof(sid));
    inet_ntop(AF_INET, &res->yiaddr, yi, sizeof(yi));
    inet_ntop(AF_INET, &res->ciaddr, ci, sizeof(ci));
    if (json) {
        char xid[16];
        hc_jw w;

        g_snprintf(xid, sizeof(xid), "0x%08x", res->xid);
        hc_jw_init(&w, out);
        hc_jw_obj(&w, NULL);
        hc_jw_int(&w, "seq", seq);
        hc_jw_str(&w, "interface", ifname ? ifname : "");
        hc_jw_str(&w, "sent", hc_dhcp_type_name(res->sent_type));
        hc_jw_str(&w, "xid", xid);
        hc_jw_bool(&w, "answered", r == 0);
        if (r == 0) {
            hc_jw_str(&w, "reply", hc_dhcp_type_name(res->type));
            hc_jw_str(&w, "server_id", sid);
            hc_jw_str(&w, "yiaddr", yi);
            hc_jw_num(&w, "rtt_ms", res->rtt_ms, 2);
        }
        hc_jw_end(&w);
        g_string_append_c(out, '\n');
        return;
    }
    if (r == 0) {
        g_string_append_printf(out,
            "%d: %s from %s: %s server %s", seq,
            hc_dhcp_type_name(res->sent_type), ci,
            hc_dhcp_type_name(res->type), sid);
        if (res->yiaddr.s_addr) {
            g_string_append_printf(out, " offers %s", yi);
        }
        g_string_append_printf(out, " rtt %.2f ms\n", res->rtt_ms);
    } else {
        g_string_append_printf(out, "%d: %s from %s: no answer (%s)\n", seq,
                               hc_dhcp_type_name(res->sent_type), ci,
                               r == -ETIMEDOUT ? "timeout" : g_strerror(-r));
    }
}

static int probe_run(const hc_args *a)
{
    hc_dhcpprobe_opts opts = { 0 };
    hc_dhcpprobe *p = NULL;
    int timeout = (int) hc_args_int(a, "timeout", 1000);
    int count = (int) hc_args_int(a, "count", 1);
    int interval = (int) hc_args_int(a, "interval", 1000);
    int json = hc_args_choice(a, "format", 0);
    const char *server = hc_args_argv(a)[0];
    int answered = 0, r;
    GString *line;

    opts.ifname = hc_args_str(a, "interface", NULL);
    /* Neither --inform nor --discover: the library's choice. */
    if (hc_args_has(a, "inform")) {
        opts.type = HC_DHCPINFORM;
    }
    if (hc_args_has(a, "discover")) {
        opts.type = HC_DHCPDISCOVER;
    }
    if (!strcmp(server, "broadcast")) {
        opts.server.s_addr = htonl(INADDR_BROADCAST);
    } else if (inet_pton(AF_INET, server, &opts.server) != 1) {
        fprintf(stderr, "hacon probe: not an IPv4 address\n");
        return 2;
    }
    if (opts.server.s_addr == htonl(INADDR_BROADCAST) && !opts.ifname) {
        fprintf(stderr, "hacon probe: a broadcast probe needs --interface\n");
        return 2;
    }
    r = hc_dhcpprobe_open(&opts, &p);
    if (r < 0) {
        char *ifn = hc_escape(opts.ifname ? opts.ifname : "", 40);

        fprintf(stderr, "hacon probe: %s%s%s\n",
                r == -EADDRNOTAVAIL ? "interface has no IPv4 address for "
                                      "an INFORM: "
                : r == -ENODEV ? "no such interface: " : "",
                r == -EADDRNOTAVAIL || r == -ENODEV ? ifn : g_strerror(-r),
                r == -EPERM ? " (needs root or CAP_NET_RAW)" : "");
        g_free(ifn);
        return 2;
    }
    /* One buffer for every line: a long --count run allocates nothing
     * per probe. */
    line = g_string_sized_new(256);
    for (int i = 1; i <= count; i++) {
        hc_dhcpprobe_result res;
        double t0 = hc_now_ms();

        r = hc_dhcpprobe_run(p, timeout, &res);
        if (r == 0) {
            answered++;
        }
        g_string_truncate(line, 0);
        print_result(line, json, i, r, &res, hc_dhcpprobe_ifname(p));
        fputs(line->str, stdout);
        fflush(stdout);
        if (r < 0 && r != -ETIMEDOUT) {
            g_string_free(line, TRUE);
            hc_dhcpprobe_free(p);
            return 2;
        }
        if (i < count) {
            /* Start to start, so that the rate is steady. */
            double left = interval - (hc_now_ms() - t0);

            if (left > 0) {
                poll(NULL, 0, (int) left);
            }
        }
    }
    g_string_free(line, TRUE);
    hc_dhcpprobe_free(p);
    return answered == count ? 0 : 1;
}

static const hc_opt probe_opts[] = {
    { "interface", 'i', HC_OPT_STRING, "IF", .help = "the interface to send on",
      .complete = HC_OPT_IFACE },
    { "timeout", 't', HC_OPT_INT, "MS", .help = "how long to wait for each answer",
      1, 600000, "milliseconds" },
    { "count", 'c', HC_OPT_INT, "N", .help = "how many probes to send", 1, INT_MAX },
    { "interval", 'I', HC_OPT_INT, "MS", .help = "from the start of one probe to "
      "the next", 0, 3600000, "milliseconds" },
    { "inform", 0, HC_OPT_FLAG, NULL, .help = "send a DHCPINFORM (no lease is "
      "offered or taken)" },
    { "discover", 0, HC_OPT_FLAG, NULL, .help = "send a DHCPDISCOVER (the server "
      "offers a lease, none is committed)" },
    HC_FORMAT_OPT,
    { NULL },
};

static const char *const probe_forms[] = { "SERVER", NULL };

const hc_command hc_cmd_probe = {
    .name = "probe",
    .summary = "send a DHCP request and wait for the answer",
    .forms = probe_forms,
    .notes = "SERVER is an IPv4 address or 'broadcast' (needs --interface).\n"
             "Exit status: 0 every probe was answered, 1 at least one was "
             "not,\n2 usage or the probe could not run.\n",
    .args = { probe_opts, 1, 1, false },
    .run = probe_run,
};
