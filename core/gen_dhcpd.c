#include "gen_dhcpd.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool net_of(const char *ip, unsigned prefix, char net[16],
                   char mask[16])
{
    struct in_addr a, m;

    if (inet_pton(AF_INET, ip, &a) != 1 || prefix > 32) {
        return false;
    }
    m.s_addr = prefix ? htonl(~0u << (32 - prefix)) : 0;
    a.s_addr &= m.s_addr;
    inet_ntop(AF_INET, &a, net, 16);
    inet_ntop(AF_INET, &m, mask, 16);
    return true;
}

char *hc_gen_dhcpd_conf(const hc_dhcpd_conf *c, char **ret_err)
{
    char vnet[16], vmask[16], snet[16] = "", smask[16] = "";
    GString *s;

    if (!net_of(c->vip, c->vip_prefix, vnet, vmask)) {
        *ret_err = g_strdup_printf("not an IPv4 address: %s", c->vip);
        return NULL;
    }
    if (c->static_net && *c->static_net) {
        char *ip = g_strdup(c->static_net), *slash = strchr(ip, '/');
        bool ok = slash != NULL;

        if (ok) {
            *slash = 0;
            ok = net_of(ip, (unsigned) atoi(slash + 1), snet, smask);
        }
        g_free(ip);
        if (!ok) {
            *ret_err = g_strdup_printf("not an IPv4 network: %s",
                                       c->static_net);
            return NULL;
        }
    }
    s = g_string_new(NULL);
    g_string_append_printf(s,
        "# Written by hacon setup (step dhcp); the same on both nodes.\n"
        "# Only Pacemaker starts dhcpd, on the node that holds %s.\n"
        "authoritative;\n"
        "ddns-update-style none;\n"
        "default-lease-time 600;\n"
        "max-lease-time 7200;\n"
        "# On the shared filesystem, which only the active node mounts.\n"
        "lease-file-name \"%s\";\n"
        "# Every renewal goes to the lease file, so that the node taking\n"
        "# over knows it.\n"
        "dhcp-cache-threshold 0;\n"
        "# The floating IP: a client's unicast renewal reaches whichever\n"
        "# node is active.\n"
        "server-identifier %s;\n"
        "shared-network %s {\n", c->vip, c->leases, c->vip, c->interface);
    if (*snet && strcmp(snet, vnet)) {
        g_string_append_printf(s,
            "\t# The nodes' own addresses on %s: dhcpd serves an interface\n"
            "\t# only when its address lies in a declared subnet.\n"
            "\tsubnet %s netmask %s {\n"
            "\t}\n", c->interface, snet, smask);
    }
    g_string_append_printf(s,
        "\tsubnet %s netmask %s {\n"
        "\t\trange %s %s;\n"
        "\t\toption routers %s;\n"
        "\t\toption subnet-mask %s;\n"
        "\t}\n"
        "}\n", vnet, vmask, c->range_start, c->range_end, c->vip, vmask);
    return g_string_free(s, FALSE);
}
