#include "dhcp2kea.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* dhcpd's option names that Kea knows under the same name and format
 * (Kea's standard DHCPv4 option definitions); dhcpd's bootfile-name is
 * Kea's boot-file-name. */
static const struct {
    const char *dhcpd, *kea;
} options[] = {
    { "routers", "routers" },
    { "domain-name-servers", "domain-name-servers" },
    { "domain-name", "domain-name" },
    { "domain-search", "domain-search" },
    { "ntp-servers", "ntp-servers" },
    { "time-servers", "time-servers" },
    { "log-servers", "log-servers" },
    { "broadcast-address", "broadcast-address" },
    { "interface-mtu", "interface-mtu" },
    { "time-offset", "time-offset" },
    { "netbios-name-servers", "netbios-name-servers" },
    { "netbios-node-type", "netbios-node-type" },
    { "netbios-scope", "netbios-scope" },
    { "tftp-server-name", "tftp-server-name" },
    { "bootfile-name", "boot-file-name" },
    { "host-name", "host-name" },
    { "nis-domain", "nis-domain" },
    { "nis-servers", "nis-servers" },
    { "smtp-server", "smtp-server" },
    { "pop-server", "pop-server" },
    { "www-server", "www-server" },
    { "default-ip-ttl", "default-ip-ttl" },
};

/* The parts of one scope as Kea members ("\"key\": value"), rendered. */
typedef struct level {
    GPtrArray *params;      /* char* */
    GPtrArray *opts;        /* char*: option-data entries */
} level;

static void level_init(level *l)
{
    l->params = g_ptr_array_new_with_free_func(g_free);
    l->opts = g_ptr_array_new_with_free_func(g_free);
}

static void level_clear(level *l)
{
    if (l->params) {
        g_ptr_array_free(l->params, TRUE);
        g_ptr_array_free(l->opts, TRUE);
    }
}

/* Text that can stand in a JSON string as it is (NULL: none can). */
static bool plain(const char *s)
{
    if (!s) {
        return false;
    }
    for (; *s; s++) {
        if ((unsigned char) *s < 0x20 || (unsigned char) *s > 0x7e
            || *s == '"' || *s == '\\') {
            return false;
        }
    }
    return true;
}

static bool is_number(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 10;
}

static bool is_ipv4(const char *s)
{
    struct in_addr a;

    return inet_pton(AF_INET, s, &a) == 1;
}

/* The statement as written, for a message. */
static char *stmt_text(const hc_dhcp_stmt *st)
{
    GString *s = g_string_new(NULL);

    for (char **w = st->words; *w; w++) {
        if (s->len && strcmp(*w, ",")) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, *w);
    }
    if (st->cut) {
        g_string_append(s, " ...");
    }
    return g_string_free(s, FALSE);
}

static void skip(hc_dhcp2kea *k, const hc_dhcp_stmt *st, const char *why)
{
    char *t = stmt_text(st);

    g_ptr_array_add(k->skipped, g_strdup_printf("%s:%u: %s%s: %s",
                                                st->file, st->line, t,
                                                st->block ? " {" : "", why));
    g_free(t);
}

static void note_once(hc_dhcp2kea *k, const char *note)
{
    for (guint i = 0; i < k->notes->len; i++) {
        if (!strcmp(k->notes->pdata[i], note)) {
            return;
        }
    }
    g_ptr_array_add(k->notes, g_strdup(note));
}

/* The value of "option NAME VALUE, VALUE ...": unquoted, commas as ", ";
 * NULL when a part is not plain. */
static char *option_value(char **w)
{
    GString *s = g_string_new(NULL);

    for (; *w; w++) {
        char *v = **w == '"' ? g_strndup(*w + 1, strlen(*w) - 2)
                             : g_strdup(*w);

        if (!strcmp(v, ",")) {
            g_string_append(s, ", ");
        } else if (!plain(v) || strchr(v, ',')) {
            g_free(v);
            g_string_free(s, TRUE);
            return NULL;
        } else {
            g_string_append(s, v);
        }
        g_free(v);
    }
    return g_string_free(s, FALSE);
}

static bool prefix_of(uint32_t mask, unsigned *ret)
{
    unsigned n = 0;

    while (n < 32 && (mask & (0x80000000u >> n))) {
        n++;
    }
    *ret = n;
    return n == 32 || (mask << n) == 0;
}

static char *ip_str(uint32_t ip)
{
    struct in_addr a = { .s_addr = htonl(ip) };
    char b[16];

    inet_ntop(AF_INET, &a, b, sizeof(b));
    return g_strdup(b);
}

/* One statement, at its level (NULL: a host's, which takes options only). */
static void translate_stmt(hc_dhcp2kea *k, const hc_dhcp_stmt *st, level *lv,
                           bool host)
{
    const char *kw = st->words[0];
    int n = (int) g_strv_length(st->words);

    if (st->cut) {
        skip(k, st, "longer than hacon reads");
    } else if (!g_ascii_strcasecmp(kw, "option") && n >= 3) {
        const char *kea = NULL;
        char *v;

        if (!g_ascii_strcasecmp(st->words[1], "subnet-mask")) {
            note_once(k, "option subnet-mask: Kea sends each subnet's own "
                      "mask");
            return;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(options) && !kea; i++) {
            if (!g_ascii_strcasecmp(st->words[1], options[i].dhcpd)) {
                kea = options[i].kea;
            }
        }
        if (!kea) {
            skip(k, st, "an option hacon does not translate");
            return;
        }
        v = option_value(st->words + 2);
        if (!v) {
            skip(k, st, "a value hacon does not translate");
            return;
        }
        g_ptr_array_add(lv->opts, g_strdup_printf("{ \"name\": \"%s\", "
                                                  "\"data\": \"%s\" }", kea,
                                                  v));
        g_free(v);
    } else if (host) {
        if ((!g_ascii_strcasecmp(kw, "hardware") && n == 3
             && !g_ascii_strcasecmp(st->words[1], "ethernet"))
            || (!g_ascii_strcasecmp(kw, "fixed-address") && n == 2)) {
            return;     /* the reservation itself */
        }
        skip(k, st, "Kea's reservations take options only");
    } else if (!g_ascii_strcasecmp(kw, "server-identifier") && n == 2
               && is_ipv4(st->words[1])) {
        g_ptr_array_add(lv->opts, g_strdup_printf(
            "{ \"name\": \"dhcp-server-identifier\", \"data\": \"%s\" }",
            st->words[1]));
    } else if ((!g_ascii_strcasecmp(kw, "default-lease-time")
                || !g_ascii_strcasecmp(kw, "max-lease-time")
                || !g_ascii_strcasecmp(kw, "min-lease-time"))
               && n == 2 && is_number(st->words[1])) {
        g_ptr_array_add(lv->params, g_strdup_printf(
            "\"%s\": %s", kw[1] == 'e' ? "valid-lifetime" : kw[1] == 'a'
            ? "max-valid-lifetime" : "min-valid-lifetime", st->words[1]));
    } else if (!g_ascii_strcasecmp(kw, "authoritative") && n == 1) {
        g_ptr_array_add(lv->params, g_strdup("\"authoritative\": true"));
    } else if (!g_ascii_strcasecmp(kw, "not") && n == 2
               && !g_ascii_strcasecmp(st->words[1], "authoritative")) {
        g_ptr_array_add(lv->params, g_strdup("\"authoritative\": false"));
    } else if (!g_ascii_strcasecmp(kw, "next-server") && n == 2
               && is_ipv4(st->words[1])) {
        g_ptr_array_add(lv->params, g_strdup_printf("\"next-server\": "
                                                    "\"%s\"", st->words[1]));
    } else if (!g_ascii_strcasecmp(kw, "filename") && n == 2
               && st->words[1][0] == '"' && strlen(st->words[1]) >= 2) {
        char *v = g_strndup(st->words[1] + 1, strlen(st->words[1]) - 2);

        if (plain(v)) {
            g_ptr_array_add(lv->params, g_strdup_printf(
                "\"boot-file-name\": \"%s\"", v));
        } else {
            skip(k, st, "a value hacon does not translate");
        }
        g_free(v);
    } else if (!g_ascii_strcasecmp(kw, "lease-file-name")) {
        note_once(k, "lease-file-name: Kea's lease-database (memfile) on "
                  "the shared filesystem instead");
    } else if (!g_ascii_strcasecmp(kw, "ddns-update-style") && n == 2
               && !g_ascii_strcasecmp(st->words[1], "none")) {
        note_once(k, "ddns-update-style none: Kea sends no DNS updates "
                  "unless configured to");
    } else if (!g_ascii_strcasecmp(kw, "dhcp-cache-threshold")) {
        note_once(k, "dhcp-cache-threshold: Kea writes every allocation and "
                  "renewal to its lease file (no lease caching)");
    } else if (!g_ascii_strcasecmp(kw, "include")) {
        note_once(k, "include: the included files are read and translated "
                  "with the main one");
    } else {
        skip(k, st, "a statement hacon does not translate");
    }
}

static void append_list(GString *s, const char *ind, const char *key,
                        GPtrArray *items, bool *first)
{
    if (!items->len) {
        return;
    }
    g_string_append_printf(s, "%s\n%s\"%s\": [\n", *first ? "" : ",", ind,
                           key);
    for (guint i = 0; i < items->len; i++) {
        g_string_append_printf(s, "%s    %s%s\n", ind,
                               (const char *) items->pdata[i],
                               i + 1 < items->len ? "," : "");
    }
    g_string_append_printf(s, "%s]", ind);
    *first = false;
}

static void append_params(GString *s, const char *ind, GPtrArray *params,
                          bool *first)
{
    for (guint i = 0; i < params->len; i++) {
        g_string_append_printf(s, "%s\n%s%s", *first ? "" : ",", ind,
                               (const char *) params->pdata[i]);
        *first = false;
    }
}

static int subnet_of(const hc_dhcp_conf *c, uint32_t ip)
{
    for (guint i = 0; i < c->subnets->len; i++) {
        const hc_dhcp_subnet *sn = &g_array_index(c->subnets, hc_dhcp_subnet,
                                                  i);

        if ((ip & sn->mask) == sn->net) {
            return (int) i;
        }
    }
    return -1;
}

/* A subnet4 entry, indented by ind. */
static void append_subnet(GString *s, const hc_dhcp_conf *c, hc_dhcp2kea *k,
                          guint i, level *lv, GPtrArray *reserv,
                          const char *ind)
{
    const hc_dhcp_subnet *sn = &g_array_index(c->subnets, hc_dhcp_subnet, i);
    GPtrArray *pools = g_ptr_array_new_with_free_func(g_free);
    char *net = ip_str(sn->net), *in = g_strconcat(ind, "    ", NULL);
    unsigned prefix = 0;
    bool first = false;

    prefix_of(sn->mask, &prefix);
    for (guint r = 0; r < c->ranges->len; r++) {
        const hc_dhcp_range *rg = &g_array_index(c->ranges, hc_dhcp_range, r);

        if (rg->subnet == (int) i) {
            char *a = ip_str(rg->first), *b = ip_str(rg->last);

            g_ptr_array_add(pools, g_strdup_printf("{ \"pool\": \"%s - %s\" }",
                                                   a, b));
            g_free(a);
            g_free(b);
        }
    }
    g_string_append_printf(s, "%s{\n%s\"id\": %u,\n%s\"subnet\": \"%s/%u\"",
                           ind, in, k->subnet_id[i], in, net, prefix);
    append_params(s, in, lv->params, &first);
    append_list(s, in, "pools", pools, &first);
    append_list(s, in, "option-data", lv->opts, &first);
    append_list(s, in, "reservations", reserv, &first);
    g_string_append_printf(s, "\n%s}", ind);
    g_ptr_array_free(pools, TRUE);
    g_free(net);
    g_free(in);
}

int hc_dhcp2kea_translate(const hc_dhcp_conf *c, const hc_dhcp2kea_opts *o,
                          hc_dhcp2kea *k, char **ret_err)
{
    guint ns = c->subnets->len, nsh = c->shared->len, nh = c->hosts->len;
    level glob, *shared = g_new0(level, nsh ? nsh : 1);
    level *subnet = g_new0(level, ns ? ns : 1), *host = g_new0(level,
                                                               nh ? nh : 1);
    GPtrArray **reserv = g_new0(GPtrArray *, ns ? ns : 1);
    uint32_t next_id = 1;
    GString *s;
    bool first;

    memset(k, 0, sizeof(*k));
    k->skipped = g_ptr_array_new_with_free_func(g_free);
    k->notes = g_ptr_array_new_with_free_func(g_free);
    k->subnet_id = g_new0(uint32_t, ns ? ns : 1);
    if (!ns) {
        *ret_err = g_strdup("the dhcpd.conf declares no subnet: nothing to "
                            "translate");
        g_free(shared);
        g_free(subnet);
        g_free(host);
        g_free(reserv);
        return -EINVAL;
    }
    if (!plain(o->interface) || !plain(o->leases)
        || (o->control_socket && !plain(o->control_socket))) {
        *ret_err = g_strdup("an interface or path that would need quoting");
        g_free(shared);
        g_free(subnet);
        g_free(host);
        g_free(reserv);
        return -EINVAL;
    }
    level_init(&glob);
    for (guint i = 0; i < nsh; i++) {
        level_init(&shared[i]);
    }
    for (guint i = 0; i < ns; i++) {
        level_init(&subnet[i]);
        reserv[i] = g_ptr_array_new_with_free_func(g_free);
    }
    for (guint i = 0; i < nh; i++) {
        level_init(&host[i]);
    }
    /* The subnets that lease addresses first: in hacon's dhcpd.conf the
     * service subnet gets id 1, as in the kea-dhcp4.conf the dhcp step
     * writes; every lease row names its subnet by this id. */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < ns; i++) {
            bool pooled = false;

            for (guint r = 0; r < c->ranges->len && !pooled; r++) {
                pooled = g_array_index(c->ranges, hc_dhcp_range, r).subnet
                         == (int) i;
            }
            if (!k->subnet_id[i] && (pass || pooled)) {
                k->subnet_id[i] = next_id++;
            }
        }
    }
    for (guint i = 0; i < c->stmts->len; i++) {
        const hc_dhcp_stmt *st = &g_array_index(c->stmts, hc_dhcp_stmt, i);
        const char *kw = st->words[0];

        if (st->other) {
            skip(k, st, "inside a block hacon does not translate");
        } else if (st->block) {
            if (!g_ascii_strcasecmp(kw, "shared-network")
                || !g_ascii_strcasecmp(kw, "subnet")
                || !g_ascii_strcasecmp(kw, "pool")
                || !g_ascii_strcasecmp(kw, "group")
                || !g_ascii_strcasecmp(kw, "host")) {
                continue;
            }
            skip(k, st, "a block hacon does not translate");
        } else if (!g_ascii_strcasecmp(kw, "range")) {
            continue;   /* from c->ranges */
        } else if (st->host >= 0 && (guint) st->host < nh) {
            translate_stmt(k, st, &host[st->host], true);
        } else if (st->group) {
            skip(k, st, "in a group (Kea has none)");
        } else if (st->pool) {
            skip(k, st, "in a pool (hacon translates its range only)");
        } else if (st->subnet >= 0 && (guint) st->subnet < ns) {
            translate_stmt(k, st, &subnet[st->subnet], false);
        } else if (st->shared >= 0 && (guint) st->shared < nsh) {
            translate_stmt(k, st, &shared[st->shared], false);
        } else {
            translate_stmt(k, st, &glob, false);
        }
    }
    for (guint r = 0; r < c->ranges->len; r++) {
        const hc_dhcp_range *rg = &g_array_index(c->ranges, hc_dhcp_range, r);

        if (rg->subnet < 0) {
            g_ptr_array_add(k->skipped, g_strdup_printf(
                "%s:%u: range: in no subnet", rg->file, rg->line));
        } else if (rg->dynamic_bootp) {
            note_once(k, "range dynamic-bootp: translated as a pool; Kea "
                      "answers BOOTP clients only with its bootp hook");
        }
    }
    for (guint i = 0; i < nh; i++) {
        const hc_dhcp_host *h = &g_array_index(c->hosts, hc_dhcp_host, i);
        int sn = h->has_ip ? subnet_of(c, h->ip) : -1;
        GString *r;
        char *ip;

        if (!h->has_mac || !h->has_ip || sn < 0) {
            g_ptr_array_add(k->skipped, g_strdup_printf(
                "line %u: host %s: %s", h->line, plain(h->name) ? h->name
                : "(a name with unusual bytes)", !h->has_mac
                ? "no hardware ethernet" : !h->has_ip
                ? "no fixed-address that is an IPv4 address"
                : "its fixed-address is in no subnet"));
            continue;
        }
        ip = ip_str(h->ip);
        r = g_string_new(NULL);
        g_string_append_printf(r, "{ \"hw-address\": "
                               "\"%02x:%02x:%02x:%02x:%02x:%02x\", "
                               "\"ip-address\": \"%s\"", h->mac[0], h->mac[1],
                               h->mac[2], h->mac[3], h->mac[4], h->mac[5], ip);
        if (plain(h->name) && strspn(h->name, "abcdefghijklmnopqrstuvwxyz"
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
                              == strlen(h->name)) {
            g_string_append_printf(r, ", \"hostname\": \"%s\"", h->name);
        }
        if (host[i].opts->len) {
            g_string_append(r, ", \"option-data\": [ ");
            for (guint j = 0; j < host[i].opts->len; j++) {
                g_string_append_printf(r, "%s%s", j ? ", " : "",
                                       (const char *) host[i].opts->pdata[j]);
            }
            g_string_append(r, " ]");
        }
        g_string_append(r, " }");
        g_ptr_array_add(reserv[sn], g_string_free(r, FALSE));
        k->n_reservations++;
        g_free(ip);
    }

    s = g_string_new(NULL);
    g_string_append_printf(s,
        HC_DHCP2KEA_MARK " from %s; the same on both nodes.\n"
        "# What was not translated is listed by hacon setup plan kea.\n"
        "# Only Pacemaker starts Kea.\n"
        "{\n"
        "\"Dhcp4\": {\n"
        "    \"interfaces-config\": {\n"
        "        \"interfaces\": [ \"%s\" ],\n"
        "        \"dhcp-socket-type\": \"raw\"\n"
        "    },\n"
        "    # On the shared filesystem, which only the active node mounts.\n"
        "    \"lease-database\": {\n"
        "        \"type\": \"memfile\",\n"
        "        \"persist\": true,\n"
        "        \"name\": \"%s\",\n"
        "        \"lfc-interval\": %u\n"
        "    }", o->source && plain(o->source) ? o->source : "dhcpd.conf",
        o->interface, o->leases, o->lfc_interval ? o->lfc_interval : 3600);
    if (o->control_socket && *o->control_socket) {
        g_string_append_printf(s, ",\n"
            "    \"control-socket\": {\n"
            "        \"socket-type\": \"unix\",\n"
            "        \"socket-name\": \"%s\"\n"
            "    }", o->control_socket);
    }
    first = false;
    append_params(s, "    ", glob.params, &first);
    append_list(s, "    ", "option-data", glob.opts, &first);
    if (nsh) {
        g_string_append(s, ",\n    \"shared-networks\": [\n");
        for (guint i = 0; i < nsh; i++) {
            const hc_dhcp_shared *sh = &g_array_index(c->shared,
                                                      hc_dhcp_shared, i);
            char *name = plain(sh->name) ? g_strdup(sh->name)
                                         : g_strdup_printf("shared-%u", i + 1);
            bool f2 = false, any = false;

            g_string_append_printf(s, "        {\n            \"name\": "
                                   "\"%s\"", name);
            /* One network on the interface: Kea takes it for every
             * request there, as dhcpd takes the one that holds the
             * interface's address. */
            if (nsh == 1) {
                g_string_append_printf(s, ",\n            \"interface\": "
                                       "\"%s\"", o->interface);
            }
            append_params(s, "            ", shared[i].params, &f2);
            append_list(s, "            ", "option-data", shared[i].opts,
                        &f2);
            g_string_append(s, ",\n            \"subnet4\": [\n");
            for (guint j = 0; j < ns; j++) {
                if (g_array_index(c->subnets, hc_dhcp_subnet, j).shared
                    == (int) i) {
                    g_string_append(s, any ? ",\n" : "");
                    append_subnet(s, c, k, j, &subnet[j], reserv[j],
                                  "                ");
                    any = true;
                }
            }
            g_string_append_printf(s, "\n            ]\n        }%s\n",
                                   i + 1 < nsh ? "," : "");
            g_free(name);
        }
        g_string_append(s, "    ]");
    }
    {
        bool any = false;

        for (guint j = 0; j < ns; j++) {
            if (g_array_index(c->subnets, hc_dhcp_subnet, j).shared < 0) {
                g_string_append(s, any ? ",\n" : ",\n    \"subnet4\": [\n");
                append_subnet(s, c, k, j, &subnet[j], reserv[j], "        ");
                any = true;
            }
        }
        if (any) {
            g_string_append(s, "\n    ]");
        }
    }
    g_string_append(s, "\n}\n}\n");
    k->text = g_string_free(s, FALSE);

    level_clear(&glob);
    for (guint i = 0; i < nsh; i++) {
        level_clear(&shared[i]);
    }
    for (guint i = 0; i < ns; i++) {
        level_clear(&subnet[i]);
        g_ptr_array_free(reserv[i], TRUE);
    }
    for (guint i = 0; i < nh; i++) {
        level_clear(&host[i]);
    }
    g_free(shared);
    g_free(subnet);
    g_free(host);
    g_free(reserv);
    return 0;
}

void hc_dhcp2kea_clear(hc_dhcp2kea *k)
{
    g_free(k->text);
    if (k->skipped) {
        g_ptr_array_free(k->skipped, TRUE);
    }
    if (k->notes) {
        g_ptr_array_free(k->notes, TRUE);
    }
    g_free(k->subnet_id);
    memset(k, 0, sizeof(*k));
}

/* Bytes as Kea writes a client id or hardware address: hex pairs joined
 * by ':'. */
static void hex_colon(GString *s, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%02x", i ? ":" : "", b[i]);
    }
}

char *hc_dhcp2kea_leases(const hc_dhcp_conf *c, const hc_dhcp2kea *k,
                         const hc_lease_table *t, uint32_t now,
                         unsigned *ret_n, GPtrArray *skipped)
{
    GString *s = g_string_new("address,hwaddr,client_id,valid_lifetime,"
                              "expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,"
                              "state,user_context\n");
    unsigned n = 0;

    for (size_t i = 0; i < hc_lease_table_count(t); i++) {
        const hc_lease *l = hc_lease_table_get(t, i);
        int sn;
        char *ip;
        const uint8_t *b;
        size_t len;
        uint8_t uidbuf[7];
        uint32_t ends, valid;

        if (l->state != HC_LEASE_ACTIVE
            || (l->ends != HC_LEASE_NEVER && l->ends <= now)) {
            continue;
        }
        ip = ip_str(l->ip);
        sn = subnet_of(c, l->ip);
        if (sn < 0 || l->hw_len == 0) {
            if (skipped) {
                g_ptr_array_add(skipped, g_strdup_printf(
                    "lease %s: %s", ip, sn < 0 ? "in no subnet of the "
                    "dhcpd.conf" : "no hardware address"));
            }
            g_free(ip);
            continue;
        }
        /* Kea keeps 32-bit lifetimes; "never" is Kea's infinite one. */
        ends = l->ends == HC_LEASE_NEVER ? UINT32_MAX : l->ends;
        valid = l->ends == HC_LEASE_NEVER ? UINT32_MAX
                : l->starts && l->starts < l->ends ? l->ends - l->starts
                : l->ends - now;
        g_string_append_printf(s, "%s,", ip);
        hex_colon(s, l->mac, l->hw_len);
        g_string_append_c(s, ',');
        b = hc_lease_uid(t, l, uidbuf, &len);
        hex_colon(s, b, b ? len : 0);
        g_string_append_printf(s, ",%u,%u,%u,0,0,", valid, ends,
                               k->subnet_id[sn]);
        b = hc_lease_str(t, l->hostname, &len);
        /* A hostname goes in as a plain name or not at all: Kea escapes a
         * comma as &#x2c, and a client's bytes are not trusted. */
        if (b && len < 254) {
            bool ok = true;

            for (size_t j = 0; j < len && ok; j++) {
                ok = g_ascii_isalnum(b[j]) || b[j] == '-' || b[j] == '.'
                     || b[j] == '_';
            }
            if (ok) {
                g_string_append_len(s, (const char *) b, (gssize) len);
            }
        }
        g_string_append(s, ",0,\n");
        n++;
        g_free(ip);
    }
    *ret_n = n;
    return g_string_free(s, FALSE);
}
