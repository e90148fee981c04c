/* The answers of the guided setup: every key with its default, its check
 * and its help line; an answers file read and saved; where each answer
 * came from (default, file or admin, detected on the nodes); the checks
 * across answers. */
#include "wizard.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "util.h"
#include "wizard_int.h"

typedef bool (*answer_check)(const char *v, const char *arg);

typedef struct answer_def {
    const char *key;
    const char *def;
    answer_check check;
    const char *arg;        /* for choice: "a|b|c"; for int: "min-max" */
    const char *help;
} answer_def;

static bool check_name(const char *v, const char *arg)
{
    if (!*v || strlen(v) > 63) {
        return false;
    }
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char) *p) && *p != '-' && *p != '_'
            && *p != '.') {
            return false;
        }
    }
    return v[0] != '-' && v[0] != '.';
}

static bool check_opt_name(const char *v, const char *arg)
{
    return !*v || check_name(v, arg);
}

static bool check_ipv4(const char *v, const char *arg)
{
    struct in_addr a;

    return inet_pton(AF_INET, v, &a) == 1;
}

static bool check_opt_ipv4_list(const char *v, const char *arg)
{
    char **l;
    bool ok = true;

    if (!*v) {
        return true;
    }
    l = g_strsplit(v, ",", -1);
    for (char **p = l; *p && ok; p++) {
        ok = check_ipv4(g_strstrip(*p), arg);
    }
    g_strfreev(l);
    return ok;
}

static bool check_opt_domain(const char *v, const char *arg)
{
    return !*v || (strlen(v) <= 253 && check_name(v, arg)
                   && !strchr(v, '_'));
}

static bool check_opt_cidr(const char *v, const char *arg)
{
    char *ip, *slash;
    bool ok;

    if (!*v) {
        return true;
    }
    ip = g_strdup(v);
    slash = strchr(ip, '/');
    ok = slash != NULL;
    if (ok) {
        char *end;
        long n;

        *slash = 0;
        n = strtol(slash + 1, &end, 10);
        ok = check_ipv4(ip, NULL) && !*end && end != slash + 1 && n >= 0
             && n <= 32;
    }
    g_free(ip);
    return ok;
}

static bool check_int(const char *v, const char *arg)
{
    long lo, hi, n;
    char *end;

    if (sscanf(arg, "%ld-%ld", &lo, &hi) != 2 || !*v) {
        return false;
    }
    n = strtol(v, &end, 10);
    return !*end && n >= lo && n <= hi;
}

static bool check_auto_int(const char *v, const char *arg)
{
    return !strcmp(v, "auto") || check_int(v, arg);
}

static bool check_choice(const char *v, const char *arg)
{
    char **c = g_strsplit(arg, "|", -1);
    bool ok = g_strv_contains((const char *const *) c, v);

    g_strfreev(c);
    return ok;
}

/* Absolute paths without the characters that a generated config file or
 * a crm line would have to quote. */
static bool check_path(const char *v, const char *arg)
{
    if (v[0] != '/' || strstr(v, "/../") || strlen(v) > 255) {
        return false;
    }
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("/._-+@:", *p)) {
            return false;
        }
    }
    return true;
}

static bool check_opt_path(const char *v, const char *arg)
{
    return !*v || check_path(v, arg);
}

static bool check_fence_agent(const char *v, const char *arg)
{
    if (!g_str_has_prefix(v, "fence_") || strlen(v) > 64 || !v[6]) {
        return false;
    }
    for (const char *p = v; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-') {
            return false;
        }
    }
    return true;
}

/* Words as a shell splits them (quotes allowed). */
static bool check_words(const char *v, const char *arg)
{
    char **argv = NULL;
    GError *e = NULL;
    bool ok = !*v || g_shell_parse_argv(v, NULL, &argv, &e);

    g_clear_error(&e);
    g_strfreev(argv);
    return ok;
}

static bool check_watchdog(const char *v, const char *arg)
{
    return !strcmp(v, "auto") || check_path(v, arg);
}

static bool check_agent(const char *v, const char *arg)
{
    char **p = g_strsplit(v, ":", -1);
    bool ok = g_strv_length(p) == 3 && !strcmp(p[0], "ocf")
              && check_name(p[1], NULL) && check_name(p[2], NULL);

    g_strfreev(p);
    return ok;
}

/* ISO 8601 durations as crm_resource --lifetime takes them (PT10M). */
static bool check_duration(const char *v, const char *arg)
{
    if (!*v) {
        return true;
    }
    if (v[0] != 'P' || !v[1] || strlen(v) > 32) {
        return false;
    }
    for (const char *p = v + 1; *p; p++) {
        if (!isdigit((unsigned char) *p) && !strchr("YMWDTHS", *p)) {
            return false;
        }
    }
    return true;
}

static bool check_command(const char *v, const char *arg)
{
    GError *e = NULL;
    char **argv = NULL;
    bool ok;

    if (!*v) {
        return true;
    }
    ok = g_shell_parse_argv(v, NULL, &argv, &e);
    g_clear_error(&e);
    g_strfreev(argv);
    return ok;
}

static const answer_def answer_defs[] = {
    { "cluster_name", "hacluster", check_name, NULL,
      "corosync cluster name" },
    { "node1", "nodeone", check_name, NULL, "first node (uname -n)" },
    { "node2", "nodetwo", check_name, NULL, "second node (uname -n)" },
    { "node1_ha", "10.10.100.1", check_ipv4, NULL,
      "node1's address on the HA network (eth1)" },
    { "node2_ha", "10.10.100.2", check_ipv4, NULL,
      "node2's address on the HA network (eth1)" },
    { "local_node", "", check_opt_name, NULL,
      "the node hacon runs on (default: uname -n)" },
    { "ha_if", "eth1", check_name, NULL, "HA network interface" },
    { "service_if", "eth2", check_name, NULL,
      "interface towards the DHCP clients" },
    { "service_net", "", check_opt_cidr, NULL,
      "the nodes' own static network on service_if, A.B.C.D/N "
      "(default: read from the interface)" },
    { "vip", "10.10.101.1", check_ipv4, NULL, "floating IP of the service" },
    { "vip_prefix", "24", check_int, "8-32", "prefix length of the floating IP" },
    { "range_start", "10.10.101.100", check_ipv4, NULL, "first leased address" },
    { "range_end", "10.10.101.200", check_ipv4, NULL, "last leased address" },
    { "storage", "drbd", check_choice, "drbd|shared",
      "drbd: DRBD r0 under Pacemaker; shared: a shared disk (no DRBD)" },
    { "drbd_resource", "r0", check_name, NULL, "DRBD resource name" },
    { "drbd_disk", "/dev/sdb1", check_path, NULL, "backing disk of DRBD" },
    { "drbd_device", "/dev/drbd1", check_path, NULL, "DRBD device" },
    { "drbd_port", "7789", check_int, "1024-65535", "DRBD TCP port" },
    { "drbd_version", "auto", check_choice, "auto|8.4|9",
      "DRBD syntax (auto: the version in /proc/drbd, else modinfo's of "
      "the drbd module, on each node)" },
    { "shared_disk", "/dev/drbd1", check_path, NULL,
      "the shared disk for storage=shared" },
    { "fstype", "ext4", check_choice, "ext3|ext4",
      "filesystem on the device (the tutorial: ext3)" },
    { "mountpoint", "/data", check_path, NULL, "where the active node mounts it" },
    { "dhcp_server", "isc", check_choice, "isc|kea",
      "isc: ISC dhcpd, as in the tutorial; kea: ISC Kea, recommended for "
      "a new cluster: dhcpd reached its end of life in December 2022 (no "
      "more fixes, security ones included) and ISC points every new "
      "deployment to Kea, which Debian ships as kea-dhcp4-server" },
    { "leases", "/data/dhcp/dhcpd.leases", check_path, NULL,
      "dhcpd's lease file (on the shared filesystem)" },
    { "dhcpd_conf", "/etc/dhcp/dhcpd.conf", check_path, NULL,
      "dhcpd configuration" },
    { "kea_leases", "/data/kea/kea-leases4.csv", check_path, NULL,
      "Kea's lease file with dhcp_server=kea (on the shared filesystem)" },
    { "kea_conf", "/etc/kea/kea-dhcp4.conf", check_path, NULL,
      "Kea's configuration with dhcp_server=kea" },
    { "dhcp_agent", "ocf:hacon:dhcpd", check_agent, NULL,
      "resource agent of the DHCP server (with dhcp_server=kea, "
      "ocf:hacon:kea-dhcp4 unless given)" },
    { "routers", "", check_opt_ipv4_list, NULL,
      "the clients' default gateway(s), A.B.C.D[,...] (default: none; the "
      "floating IP only if the nodes route for the clients)" },
    { "dns_servers", "", check_opt_ipv4_list, NULL,
      "DNS servers for the clients, A.B.C.D[,...] (default: none)" },
    { "domain_name", "", check_opt_domain, NULL,
      "the clients' DNS domain (default: none)" },
    { "default_lease_time", "600", check_int, "60-31536000",
      "lease time in seconds when a client asks for none" },
    { "max_lease_time", "7200", check_int, "60-31536000",
      "the longest lease in seconds" },
    { "dhcpd_conf_rewrite", "no", check_choice, "no|yes",
      "yes: replace a hand-edited dhcpd.conf that works (dhcpd -t passes, "
      "leases on the shared disk) with hacon's; no: keep it" },
    { "hacon_deb", "", check_opt_path, NULL,
      "the hacon .deb that preflight installs on the peer when this node's "
      "hacon is the package (default: ~/hacon_VERSION_ARCH.deb or apt's "
      "cache)" },
    { "fencing", "none", check_choice, "none|agent|sbd|qdevice",
      "how a node is fenced (step fence): agent (a fence device per node: "
      "a BMC, a power switch, a hypervisor), sbd (a small shared disk and "
      "a watchdog), qdevice (diskless sbd with a third host's vote); none: "
      "the tutorial's stonith-enabled=false (not safe; step stonith)" },
    { "fence_agent", "fence_ipmilan", check_fence_agent, NULL,
      "with fencing=agent: the fence agent (stonith_admin "
      "--list-installed lists them)" },
    { "fence_node1_params", "", check_words, NULL,
      "with fencing=agent: the parameters of node1's fence device as "
      "NAME=VALUE words, no password (fence_ipmilan: ip=ADDR "
      "username=USER lanplus=1)" },
    { "fence_node2_params", "", check_words, NULL,
      "with fencing=agent: the parameters of node2's fence device" },
    { "fence_secret_file", "", check_opt_path, NULL,
      "with fencing=agent: a file of mode 0600 with the devices' "
      "passwords, lines node1=SECRET and node2=SECRET (or one line for "
      "both); never shown or logged" },
    { "fence_delay", "15", check_int, "0-120",
      "seconds of random delay before a fence (pcmk_delay_max), so that "
      "two nodes never shoot each other at once (0: none)" },
    { "priority_fencing_delay", "auto", check_auto_int, "0-600",
      "seconds that a fence of the node running the service waits "
      "(priority-fencing-delay), so that after a split the node without it "
      "is fenced first; it must exceed the time a fence takes: auto derives "
      "it from the time measured (the live status checks, or sbd's "
      "msgwait); 0: none" },
    { "fence_test", "no", check_choice, "no|yes",
      "yes: step fence's verify ends with one real fence of the passive "
      "node (it is power-cycled and joins again)" },
    { "sbd_device", "", check_opt_path, NULL,
      "with fencing=sbd: a small disk both nodes see (8 MB), by a stable "
      "name; sbd overwrites its start" },
    { "sbd_watchdog", "auto", check_watchdog, NULL,
      "the watchdog sbd feeds: auto (a hardware one, else softdog) or a "
      "device path" },
    { "sbd_watchdog_timeout", "5", check_int, "1-60",
      "seconds without sbd before the watchdog resets the node (msgwait "
      "is twice that)" },
    { "qnetd_host", "", check_opt_name, NULL,
      "with fencing=qdevice: a third host (not a node) with corosync-qnetd "
      "installed, which root on this node reaches by ssh (hacon sets it up)" },
    { "quorum", "two_node", check_choice, "two_node|ignore",
      "two_node: corosync keeps quorum safely; ignore: the tutorial's "
      "no-quorum-policy=ignore" },
    { "move_to", "", check_opt_name, NULL,
      "node to move the service to (default: the other one)" },
    { "move_lifetime", "", check_duration, NULL,
      "lifetime of the move constraint, ISO 8601 (PT10M)" },
    { "move_clear", "yes", check_choice, "yes|no",
      "clear the move constraint once the service runs there" },
    { "clear_leftovers", "yes", check_choice, "yes|no",
      "clear cli-prefer/cli-ban constraints left by earlier moves" },
    { "service_manager", "auto", check_choice, "auto|systemd|init|command",
      "how to start corosync and pacemaker" },
    { "start_command", "", check_command, NULL,
      "with service_manager=command: run as CMD start|stop DAEMON" },
    { "slow_factor", "1", check_int, "1-20",
      "multiplies the deadline of every command the wizard runs, for slow "
      "machines (VMs under emulation)" },
    { "op_timeout", "0", check_int, "0-3600",
      "seconds allowed to every resource operation, for slow machines "
      "(0: the tutorial's 20-40 s)" },
    { "timeout", "120", check_int, "5-3600",
      "seconds to wait for nodes to come online, resources to start" },
};

#define N_ANSWERS (sizeof(answer_defs) / sizeof(answer_defs[0]))

static const answer_def *answer_find(const char *key)
{
    for (size_t i = 0; i < N_ANSWERS; i++) {
        if (!strcmp(answer_defs[i].key, key)) {
            return &answer_defs[i];
        }
    }
    return NULL;
}

const char *const *hc_wizard_answer_keys(void)
{
    static const char *keys[N_ANSWERS + 1];

    for (size_t i = 0; i < N_ANSWERS; i++) {
        keys[i] = answer_defs[i].key;
    }
    return keys;
}

const char *hc_wizard_answer_help(const char *key)
{
    const answer_def *d = answer_find(key);

    return d ? d->help : NULL;
}

const char *hc_wizard_answer_choices(const char *key)
{
    const answer_def *d = answer_find(key);

    return d && d->check == check_choice ? d->arg : NULL;
}

int hc_wizard_set_answer(hc_wizard *w, const char *key, const char *value,
                         char **ret_err)
{
    const answer_def *d = answer_find(key);

    if (!d) {
        *ret_err = g_strdup_printf("unknown answer '%s'", key);
        return -EINVAL;
    }
    if (!d->check(value, d->arg)) {
        char *v = hc_escape(value, 60);

        *ret_err = g_strdup_printf("bad value %s for %s (%s%s%s)", v, key,
                                   d->help, d->check == check_choice ? ": " : "",
                                   d->check == check_choice ? d->arg : "");
        g_free(v);
        return -EINVAL;
    }
    g_hash_table_replace(w->answers, g_strdup(key), g_strdup(value));
    g_hash_table_replace(w->origins, g_strdup(key),
                         GINT_TO_POINTER(HC_ANSWER_FILE));
    g_hash_table_remove(w->detected_why, key);
    return 0;
}

int hc_wizard_set_detected(hc_wizard *w, const char *key, const char *value,
                           const char *why, char **ret_err)
{
    int rc;

    if (hc_wizard_answer_origin(w, key, NULL) == HC_ANSWER_FILE) {
        return 0;
    }
    rc = hc_wizard_set_answer(w, key, value, ret_err);
    if (rc == 0) {
        g_hash_table_replace(w->origins, g_strdup(key),
                             GINT_TO_POINTER(HC_ANSWER_DETECTED));
        g_hash_table_replace(w->detected_why, g_strdup(key),
                             g_strdup(why ? why : ""));
    }
    return rc;
}

hc_answer_origin hc_wizard_answer_origin(const hc_wizard *w, const char *key,
                                         const char **ret_why)
{
    gpointer o;

    if (ret_why) {
        *ret_why = g_hash_table_lookup(w->detected_why, key);
    }
    if (!g_hash_table_lookup_extended(w->origins, key, NULL, &o)) {
        return HC_ANSWER_DEFAULT;
    }
    return (hc_answer_origin) GPOINTER_TO_INT(o);
}

const char *hc_answer_origin_str(hc_answer_origin o)
{
    switch (o) {
    case HC_ANSWER_DEFAULT: return "default";
    case HC_ANSWER_FILE: return "file";
    case HC_ANSWER_DETECTED: return "detected";
    }
    return "?";
}

int hc_wizard_answers_load(hc_wizard *w, const char *path, char **ret_err)
{
    char *text = NULL, **lines;
    size_t len;
    int rc = hc_read_file(path, &text, &len);

    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot read %s: %s", path, strerror(-rc));
        return rc;
    }
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]), *eq, *err = NULL;

        if (!*l || *l == '#') {
            continue;
        }
        eq = strchr(l, '=');
        if (!eq) {
            *ret_err = g_strdup_printf("%s:%zu: expected key=value", path,
                                       i + 1);
            rc = -EINVAL;
            break;
        }
        *eq = 0;
        rc = hc_wizard_set_answer(w, g_strstrip(l), g_strstrip(eq + 1), &err);
        if (rc < 0) {
            *ret_err = g_strdup_printf("%s:%zu: %s", path, i + 1, err);
            g_free(err);
            break;
        }
    }
    g_strfreev(lines);
    g_free(text);
    return rc;
}

/* Cross-field checks: two distinct nodes, the floating IP outside the
 * leased range, the range in the floating IP's subnet. */
int hc_wizard_check_answers(hc_wizard *w, char **ret_err)
{
    struct in_addr vip, a, b;
    unsigned prefix = (unsigned) atoi(hc_wizard_answer(w, "vip_prefix"));
    uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;

    if (!strcmp(hc_wizard_answer(w, "node1"), hc_wizard_answer(w, "node2"))) {
        *ret_err = g_strdup("node1 and node2 must differ");
        return -EINVAL;
    }
    inet_pton(AF_INET, hc_wizard_answer(w, "vip"), &vip);
    inet_pton(AF_INET, hc_wizard_answer(w, "range_start"), &a);
    inet_pton(AF_INET, hc_wizard_answer(w, "range_end"), &b);
    if ((a.s_addr & mask) != (vip.s_addr & mask)
        || (b.s_addr & mask) != (vip.s_addr & mask)) {
        *ret_err = g_strdup_printf("the range %s - %s is not in the floating "
                                   "IP's subnet %s/%u",
                                   hc_wizard_answer(w, "range_start"),
                                   hc_wizard_answer(w, "range_end"),
                                   hc_wizard_answer(w, "vip"), prefix);
        return -EINVAL;
    }
    if (ntohl(a.s_addr) > ntohl(b.s_addr)
        || (ntohl(vip.s_addr) >= ntohl(a.s_addr)
            && ntohl(vip.s_addr) <= ntohl(b.s_addr))) {
        *ret_err = g_strdup("range_start must not be after range_end, and "
                            "the floating IP must lie outside the range");
        return -EINVAL;
    }
    if (atol(hc_wizard_answer(w, "max_lease_time"))
        < atol(hc_wizard_answer(w, "default_lease_time"))) {
        *ret_err = g_strdup("max_lease_time must not be below "
                            "default_lease_time");
        return -EINVAL;
    }
    {
        /* An agent given for the other server would start the wrong
         * daemon on the other server's configuration. */
        bool kea = !strcmp(hc_wizard_answer(w, "dhcp_server"), "kea");
        const char *agent = hc_wizard_answer(w, "dhcp_agent");
        const char *type = strrchr(agent, ':');

        if (type && ((kea && !strcmp(type, ":dhcpd"))
                     || (!kea && !strcmp(type, ":kea-dhcp4")))) {
            *ret_err = g_strdup_printf("dhcp_agent=%s runs %s, but "
                                       "dhcp_server=%s: answer dhcp_agent= "
                                       "an agent of %s, or leave it unset",
                                       agent, kea ? "dhcpd" : "Kea",
                                       kea ? "kea" : "isc",
                                       kea ? "Kea (ocf:hacon:kea-dhcp4)"
                                           : "dhcpd (ocf:hacon:dhcpd)");
            return -EINVAL;
        }
    }
    return 0;
}

const char *hc_wizard_answer(const hc_wizard *w, const char *key)
{
    const char *v = g_hash_table_lookup(w->answers, key);
    const answer_def *d;

    if (v) {
        return v;
    }
    /* Kea's agent runs Kea: the default follows the server. */
    if (!strcmp(key, "dhcp_agent")
        && !g_strcmp0(g_hash_table_lookup(w->answers, "dhcp_server"),
                      "kea")) {
        return "ocf:hacon:kea-dhcp4";
    }
    d = answer_find(key);
    return d ? d->def : NULL;
}

/* Answer i as an answers file has it: its help line, the fact that
 * filled a detected one, and key=value (commented out for a default when
 * default_commented). */
static void append_answer(const hc_wizard *w, size_t i,
                          bool default_commented, GString *out)
{
    const char *key = answer_defs[i].key, *why = NULL;
    hc_answer_origin o = hc_wizard_answer_origin(w, key, &why);

    g_string_append_printf(out, "# %s\n", answer_defs[i].help);
    if (o == HC_ANSWER_DETECTED) {
        char *e = hc_escape_text(why, 0, false);

        g_string_append_printf(out, "# detected: %s\n", e);
        g_free(e);
    }
    g_string_append_printf(out, "%s%s=%s\n",
                           default_commented && o == HC_ANSWER_DEFAULT
                           ? "#" : "", key, hc_wizard_answer(w, key));
}

void hc_wizard_format_answers(const hc_wizard *w, GString *out)
{
    for (size_t i = 0; i < N_ANSWERS; i++) {
        append_answer(w, i, false, out);
    }
}

char *hc_wizard_answers_path(const hc_wizard *w)
{
    return g_build_filename(w->state_dir, "answers", NULL);
}

int hc_wizard_save_answers(const hc_wizard *w, const char *path,
                           char **ret_err)
{
    GString *out = g_string_new("# hacon's answers for the guided setup "
                                "(hacon setup ... --answers FILE), saved by "
                                "the console's\n# answers form: key=value "
                                "lines; a default is shown as a comment.\n");
    char *dir = g_path_get_dirname(path);
    int rc;

    for (size_t i = 0; i < N_ANSWERS; i++) {
        append_answer(w, i, true, out);
    }
    rc = g_mkdir_with_parents(dir, 0700) < 0 ? -errno : 0;
    if (rc == 0) {
        rc = hc_write_file_atomic(path, out->str, out->len, 0600, true);
    }
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                   strerror(-rc));
    }
    g_free(dir);
    g_string_free(out, TRUE);
    return rc;
}
