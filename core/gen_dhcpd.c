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

char *hc_gen_ipv4_list(const char *list)
{
    char **v = g_strsplit(list, ",", -1);
    GString *s = g_string_new(NULL);
    bool ok = true;

    for (char **p = v; *p && ok; p++) {
        struct in_addr a;
        char *t = g_strstrip(*p);

        ok = inet_pton(AF_INET, t, &a) == 1;
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", t);
    }
    g_strfreev(v);
    if (!ok) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

static bool given(const char *s)
{
    return s && *s;
}

char *hc_gen_dhcpd_conf(const hc_dhcpd_conf *c, char **ret_err)
{
    char *routers = NULL, *dns = NULL;
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
    if ((given(c->routers) && !(routers = hc_gen_ipv4_list(c->routers)))
        || (given(c->dns_servers) && !(dns = hc_gen_ipv4_list(c->dns_servers)))) {
        *ret_err = g_strdup_printf("not a list of IPv4 addresses: %s",
                                   routers || !given(c->routers)
                                   ? c->dns_servers : c->routers);
        g_free(routers);
        return NULL;
    }
    if (given(c->domain_name)
        && strspn(c->domain_name, "abcdefghijklmnopqrstuvwxyz"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
           != strlen(c->domain_name)) {
        *ret_err = g_strdup_printf("not a domain name: %s", c->domain_name);
        g_free(routers);
        g_free(dns);
        return NULL;
    }
    s = g_string_new(NULL);
    g_string_append_printf(s,
        HC_DHCPD_CONF_MARK "; the same on both nodes.\n"
        "# Edit it by hand? Remove the line above: hacon then keeps the file\n"
        "# while dhcpd -t accepts it and its leases stay on the shared disk.\n"
        "# Only Pacemaker starts dhcpd, on the node that holds %s.\n"
        "authoritative;\n"
        "ddns-update-style none;\n"
        "default-lease-time %u;\n"
        "max-lease-time %u;\n"
        "# On the shared filesystem, which only the active node mounts.\n"
        "lease-file-name \"%s\";\n"
        "# Every renewal goes to the lease file, so that the node taking\n"
        "# over knows it.\n"
        "dhcp-cache-threshold 0;\n"
        "# The floating IP: a client's unicast renewal reaches whichever\n"
        "# node is active.\n"
        "server-identifier %s;\n"
        "shared-network %s {\n", c->vip,
        c->default_lease_time ? c->default_lease_time : 600,
        c->max_lease_time ? c->max_lease_time : 7200, c->leases, c->vip,
        c->interface);
    if (*snet && strcmp(snet, vnet)) {
        g_string_append_printf(s,
            "\t# The nodes' own addresses on %s: dhcpd serves an interface\n"
            "\t# only when its address lies in a declared subnet.\n"
            "\tsubnet %s netmask %s {\n"
            "\t}\n", c->interface, snet, smask);
    }
    g_string_append_printf(s,
        "\tsubnet %s netmask %s {\n"
        "\t\trange %s %s;\n", vnet, vmask, c->range_start, c->range_end);
    if (routers) {
        g_string_append_printf(s, "\t\toption routers %s;\n", routers);
    } else {
        g_string_append(s, "\t\t# No default gateway for the clients (no "
                        "router given).\n");
    }
    g_string_append_printf(s, "\t\toption subnet-mask %s;\n", vmask);
    if (dns) {
        g_string_append_printf(s, "\t\toption domain-name-servers %s;\n",
                               dns);
    }
    if (given(c->domain_name)) {
        g_string_append_printf(s, "\t\toption domain-name \"%s\";\n",
                               c->domain_name);
    }
    g_string_append(s, "\t}\n}\n");
    g_free(routers);
    g_free(dns);
    return g_string_free(s, FALSE);
}
