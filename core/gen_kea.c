#include "gen_kea.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool given(const char *s)
{
    return s && *s;
}

/* "A.B.C.D/N" of ip's network; false when ip is not IPv4. */
static bool cidr_of(const char *ip, unsigned prefix, char cidr[20])
{
    struct in_addr a;
    char net[16];

    if (inet_pton(AF_INET, ip, &a) != 1 || prefix > 32) {
        return false;
    }
    a.s_addr &= prefix ? htonl(~0u << (32 - prefix)) : 0;
    inet_ntop(AF_INET, &a, net, sizeof(net));
    g_snprintf(cidr, 20, "%s/%u", net, prefix);
    return true;
}

/* Names and paths go into JSON strings unescaped: only what needs no
 * escaping is taken. */
static bool plain(const char *s, const char *extra)
{
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && !strchr(extra, *s)) {
            return false;
        }
    }
    return true;
}

static bool plain_path(const char *s)
{
    return given(s) && *s == '/' && plain(s, "/._-+@:");
}

static void option(GString *s, bool *first, const char *name,
                   const char *data)
{
    g_string_append_printf(s, "%s\n                { \"name\": \"%s\", "
                           "\"data\": \"%s\" }", *first ? "" : ",", name,
                           data);
    *first = false;
}

char *hc_gen_kea_conf(const hc_kea_conf *k, char **ret_err)
{
    const hc_dhcpd_conf *c = &k->dhcp;
    char vnet[20], snet[20] = "", *routers = NULL, *dns = NULL;
    struct in_addr a;
    bool first = true, have_sock = given(k->control_socket);
    GString *s;

    if (!cidr_of(c->vip, c->vip_prefix, vnet)) {
        *ret_err = g_strdup_printf("not an IPv4 address: %s", c->vip);
        return NULL;
    }
    if (given(c->static_net)) {
        char *ip = g_strdup(c->static_net), *slash = strchr(ip, '/');
        bool ok = slash != NULL;

        if (ok) {
            *slash = 0;
            ok = cidr_of(ip, (unsigned) atoi(slash + 1), snet);
        }
        g_free(ip);
        if (!ok) {
            *ret_err = g_strdup_printf("not an IPv4 network: %s",
                                       c->static_net);
            return NULL;
        }
    }
    if (inet_pton(AF_INET, c->range_start, &a) != 1
        || inet_pton(AF_INET, c->range_end, &a) != 1) {
        *ret_err = g_strdup_printf("not an IPv4 range: %s - %s",
                                   c->range_start, c->range_end);
        return NULL;
    }
    if (!given(c->interface) || !plain(c->interface, "._-:@")) {
        *ret_err = g_strdup_printf("not an interface name: %s",
                                   c->interface ? c->interface : "");
        return NULL;
    }
    if (!plain_path(c->leases)
        || (have_sock && !plain_path(k->control_socket))) {
        *ret_err = g_strdup_printf("not an absolute path of letters, "
                                   "digits and /._-+@: %s",
                                   plain_path(c->leases) ? k->control_socket
                                                         : c->leases);
        return NULL;
    }
    if ((given(c->routers) && !(routers = hc_gen_ipv4_list(c->routers)))
        || (given(c->dns_servers) && !(dns = hc_gen_ipv4_list(c->dns_servers)))) {
        *ret_err = g_strdup_printf("not a list of IPv4 addresses: %s",
                                   routers || !given(c->routers)
                                   ? c->dns_servers : c->routers);
        g_free(routers);
        return NULL;
    }
    if (given(c->domain_name) && !plain(c->domain_name, "-.")) {
        *ret_err = g_strdup_printf("not a domain name: %s", c->domain_name);
        g_free(routers);
        g_free(dns);
        return NULL;
    }
    s = g_string_new(NULL);
    g_string_append_printf(s,
        HC_DHCPD_CONF_MARK "; the same on both nodes.\n"
        "# Edit it by hand? Remove the line above: hacon then keeps the file\n"
        "# while kea-dhcp4 -t accepts it and its leases stay on the shared\n"
        "# disk.  Only Pacemaker starts Kea, on the node that holds %s.\n"
        "{\n"
        "\"Dhcp4\": {\n"
        "    \"interfaces-config\": {\n"
        "        \"interfaces\": [ \"%s\" ],\n"
        "        # Raw sockets: the clients have no address yet.\n"
        "        \"dhcp-socket-type\": \"raw\"\n"
        "    },\n"
        "    # On the shared filesystem, which only the active node mounts.\n"
        "    # Kea appends every lease and renewal to it, so that the node\n"
        "    # taking over knows them; lease file cleanup (kea-lfc) compacts\n"
        "    # it every lfc-interval seconds.\n"
        "    \"lease-database\": {\n"
        "        \"type\": \"memfile\",\n"
        "        \"persist\": true,\n"
        "        \"name\": \"%s\",\n"
        "        \"lfc-interval\": %u\n"
        "    },\n",
        c->vip, c->interface, c->leases,
        k->lfc_interval ? k->lfc_interval : 3600);
    if (have_sock) {
        g_string_append_printf(s,
            "    # Statistics and lease commands for the local admin.\n"
            "    \"control-socket\": {\n"
            "        \"socket-type\": \"unix\",\n"
            "        \"socket-name\": \"%s\"\n"
            "    },\n", k->control_socket);
    }
    g_string_append_printf(s,
        "    # A client asking for an address that is not its lease here\n"
        "    # gets a DHCPNAK, as with dhcpd's authoritative.\n"
        "    \"authoritative\": true,\n"
        "    \"valid-lifetime\": %u,\n"
        "    \"max-valid-lifetime\": %u,\n"
        "    # dhcpd's shared-network (ERRATA 10): Kea picks the network by\n"
        "    # the interface a request comes in on, whichever of the node's\n"
        "    # addresses lies where, and leases from any pool in it.\n"
        "    \"shared-networks\": [ {\n"
        "        \"name\": \"%s\",\n"
        "        \"interface\": \"%s\",\n"
        "        # The floating IP: a client's unicast renewal reaches\n"
        "        # whichever node is active.\n"
        "        \"option-data\": [\n"
        "            { \"name\": \"dhcp-server-identifier\", "
        "\"data\": \"%s\" }\n"
        "        ],\n"
        "        \"subnet4\": [\n",
        c->default_lease_time ? c->default_lease_time : 600,
        c->max_lease_time ? c->max_lease_time : 7200, c->interface,
        c->interface, c->vip);
    if (*snet && strcmp(snet, vnet)) {
        g_string_append_printf(s,
            "            # The nodes' own addresses on %s: no pool.\n"
            "            {\n"
            "                \"id\": %d,\n"
            "                \"subnet\": \"%s\"\n"
            "            },\n", c->interface, HC_KEA_STATIC_SUBNET_ID, snet);
    }
    g_string_append_printf(s,
        "            {\n"
        "                \"id\": %d,\n"
        "                \"subnet\": \"%s\",\n"
        "                \"pools\": [ { \"pool\": \"%s - %s\" } ],\n",
        HC_KEA_SERVICE_SUBNET_ID, vnet, c->range_start, c->range_end);
    if (!routers) {
        g_string_append(s, "                # No default gateway for the "
                        "clients (no router given).\n");
    }
    g_string_append(s, "                \"option-data\": [");
    if (routers) {
        option(s, &first, "routers", routers);
    }
    if (dns) {
        option(s, &first, "domain-name-servers", dns);
    }
    if (given(c->domain_name)) {
        option(s, &first, "domain-name", c->domain_name);
    }
    g_string_append_printf(s, "%s]\n"
        "            }\n"
        "        ]\n"
        "    } ]\n"
        "}\n"
        "}\n", first ? " " : "\n                ");
    g_free(routers);
    g_free(dns);
    return g_string_free(s, FALSE);
}
