#include "wizard.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
#include <crm/common/util.h>

#include "cib.h"
#include "crmsh.h"
#include "exec.h"
#include "status.h"
#include "util.h"
#include "steps/steps.h"

/* ------------------------------------------------------------ the steps */

static const hc_step *const step_table[] = {
    &hc_step_preflight,
    &hc_step_cluster,
    &hc_step_stonith,
    &hc_step_quorum,
    &hc_step_drbd,
    &hc_step_dhcp,
    &hc_step_resources,
    &hc_step_migrate,
};

const hc_step *const *hc_steps(size_t *n)
{
    *n = sizeof(step_table) / sizeof(step_table[0]);
    return step_table;
}

const hc_step *hc_step_find(const char *name)
{
    size_t n;
    const hc_step *const *s = hc_steps(&n);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s[i]->name, name)) {
            return s[i];
        }
    }
    /* The tutorial's order as numbers, for `hacon setup plan 3`. */
    if (name[0] >= '1' && name[0] <= '9' && !name[1]
        && (size_t) (name[0] - '1') < n) {
        return s[name[0] - '1'];
    }
    return NULL;
}

const char *hc_step_state_str(hc_step_state s)
{
    switch (s) {
    case HC_STEP_TODO: return "to do";
    case HC_STEP_PARTIAL: return "partly done";
    case HC_STEP_DONE: return "done";
    case HC_STEP_BLOCKED: return "blocked";
    }
    return "?";
}

/* ------------------------------------------------------------ answers */

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

/* ------------------------------------------------------------ the wizard */

struct hc_wizard {
    GHashTable *answers;
    /* key -> where its answer came from (GINT hc_answer_origin); a key
     * that is not here has its default. */
    GHashTable *origins;
    GHashTable *detected_why;   /* key -> the fact that filled it */
    char *root;
    char *state_dir;
    char *uname;
    void (*progress)(const char *, void *);
    void *progress_data;
    char *checkpoint;   /* of the step being applied: where undos go */
    time_t apply_started;   /* of the step being applied, else 0 */
    /* "NODE:DEVICE" the admin named for overwriting (never an answer). */
    GPtrArray *overwrite;
};

int hc_wizard_add_overwrite(hc_wizard *w, const char *node_dev,
                            char **ret_err)
{
    const char *colon = strchr(node_dev, ':');

    if (!colon || colon == node_dev || colon[1] != '/') {
        char *e = hc_escape(node_dev, 60);

        *ret_err = g_strdup_printf("--overwrite %s: give NODE:DEVICE, as "
                                   "the plan names it (alpha:/dev/sdb1)", e);
        g_free(e);
        return -EINVAL;
    }
    if (!w->overwrite) {
        w->overwrite = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(w->overwrite, g_strdup(node_dev));
    return 0;
}

bool hc_wizard_overwrite(const hc_wizard *w, const char *node,
                         const char *dev)
{
    size_t n = strlen(node);

    for (guint i = 0; w->overwrite && i < w->overwrite->len; i++) {
        const char *o = w->overwrite->pdata[i];

        if (!strncmp(o, node, n) && o[n] == ':' && !strcmp(o + n + 1, dev)) {
            return true;
        }
    }
    return false;
}

const GPtrArray *hc_wizard_overwrites(const hc_wizard *w)
{
    return w->overwrite;
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

static int answers_load(hc_wizard *w, const char *path, char **ret_err)
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

int hc_wizard_new(const char *answers_path, hc_wizard **ret, char **ret_err)
{
    hc_wizard *w = g_new0(hc_wizard, 1);
    const char *root = getenv("HACON_ROOT");
    const char *state = getenv("HACON_STATE_DIR");
    struct utsname u;
    int rc = 0;

    *ret = NULL;
    w->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->origins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->detected_why = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            g_free);
    w->root = g_strdup(root && *root ? root : "/");
    w->state_dir = g_strdup(state && *state ? state : "/var/lib/hacon");
    w->uname = g_strdup(uname(&u) == 0 ? u.nodename : "localhost");
    if (answers_path) {
        rc = answers_load(w, answers_path, ret_err);
    }
    if (rc == 0) {
        rc = hc_wizard_check_answers(w, ret_err);
    }
    if (rc < 0) {
        hc_wizard_free(w);
        return rc;
    }
    *ret = w;
    return 0;
}

void hc_wizard_free(hc_wizard *w)
{
    if (!w) {
        return;
    }
    g_hash_table_destroy(w->answers);
    g_hash_table_destroy(w->origins);
    g_hash_table_destroy(w->detected_why);
    g_free(w->root);
    g_free(w->state_dir);
    g_free(w->uname);
    g_free(w->checkpoint);
    if (w->overwrite) {
        g_ptr_array_unref(w->overwrite);
    }
    g_free(w);
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

void hc_wizard_format_answers(const hc_wizard *w, GString *out)
{
    for (size_t i = 0; i < N_ANSWERS; i++) {
        const char *why = NULL;

        g_string_append_printf(out, "# %s\n", answer_defs[i].help);
        if (hc_wizard_answer_origin(w, answer_defs[i].key, &why)
            == HC_ANSWER_DETECTED) {
            char *e = hc_escape_text(why, 0, false);

            g_string_append_printf(out, "# detected: %s\n", e);
            g_free(e);
        }
        g_string_append_printf(out, "%s=%s\n", answer_defs[i].key,
                               hc_wizard_answer(w, answer_defs[i].key));
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
        const char *key = answer_defs[i].key, *why = NULL;
        hc_answer_origin o = hc_wizard_answer_origin(w, key, &why);

        g_string_append_printf(out, "# %s\n", answer_defs[i].help);
        if (o == HC_ANSWER_DETECTED) {
            char *e = hc_escape_text(why, 0, false);

            g_string_append_printf(out, "# detected: %s\n", e);
            g_free(e);
        }
        g_string_append_printf(out, "%s%s=%s\n",
                               o == HC_ANSWER_DEFAULT ? "#" : "", key,
                               hc_wizard_answer(w, key));
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

int hc_wizard_detect(hc_wizard *w)
{
    return hc_steps_detect_storage(w);
}

void hc_wizard_set_progress(hc_wizard *w, void (*fn)(const char *, void *),
                            void *data)
{
    w->progress = fn;
    w->progress_data = data;
}

void hc_wizard_progress(hc_wizard *w, const char *fmt, ...)
{
    va_list ap;
    char *s;

    if (!w->progress) {
        return;
    }
    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    w->progress(s, w->progress_data);
    g_free(s);
}

char *hc_wizard_path(const hc_wizard *w, const char *path)
{
    if (!strcmp(w->root, "/")) {
        return g_strdup(path);
    }
    return g_build_filename(w->root, path, NULL);
}

const char *hc_wizard_local(const hc_wizard *w)
{
    const char *l = hc_wizard_answer(w, "local_node");

    return *l ? l : w->uname;
}

const char *hc_wizard_peer(const hc_wizard *w)
{
    const char *n1 = hc_wizard_answer(w, "node1");

    return strcmp(hc_wizard_local(w), n1) ? n1 : hc_wizard_answer(w, "node2");
}

/* ------------------------------------------------------------ running */

/* hc_wizard_run(); secret: stdout is a secret, kept out of the transcript
 * and of the error message. */
static int wizard_run(hc_wizard *w, const char *node, int timeout_ms,
                      bool secret, char **ret_out, char **ret_err,
                      const char *const *argv)
{
    /* Every deadline stretched on a slow machine (answer slow_factor). */
    hc_exec_opts o = { .node = node, .timeout_ms = timeout_ms
                       * atoi(hc_wizard_answer(w, "slow_factor")),
                       .secret_output = secret };
    hc_exec_result r;
    int rc;

    if (node && !strcmp(node, hc_wizard_local(w))) {
        o.node = NULL;
    }
    rc = hc_exec(argv, &o, &r);
    if (rc < 0) {
        if (ret_err) {
            *ret_err = g_strdup_printf("%s: %s", argv[0], strerror(-rc));
        }
        return rc;
    }
    if (r.timed_out || r.status != 0) {
        if (ret_err) {
            char *cmd = hc_exec_cmdline(argv, o.node);
            char *e = g_strstrip(g_strdup(*r.err || secret ? r.err : r.out));
            char *nl = strrchr(e, '\n');

            *ret_err = g_strdup_printf("%s: %s%s", cmd,
                                       r.timed_out ? "timed out" : "failed",
                                       "");
            if (*e) {
                char *full = g_strdup_printf("%s: %s", *ret_err,
                                             nl ? nl + 1 : e);

                g_free(*ret_err);
                *ret_err = full;
            }
            g_free(cmd);
            g_free(e);
        }
        rc = r.timed_out ? -ETIMEDOUT : -EIO;
    }
    if (ret_out) {
        *ret_out = g_steal_pointer(&r.out);
    }
    hc_exec_result_clear(&r);
    return rc;
}

int hc_wizard_run(hc_wizard *w, const char *node, int timeout_ms,
                  char **ret_out, char **ret_err, const char *const *argv)
{
    return wizard_run(w, node, timeout_ms, false, ret_out, ret_err, argv);
}

static int mkdir_p(const char *dir)
{
    return g_mkdir_with_parents(dir, 0755) < 0 ? -errno : 0;
}

/* hc_wizard_read(); secret: the file is a secret (an authkey), its bytes
 * kept out of the transcript. */
static int wizard_read(hc_wizard *w, const char *node, const char *path,
                       bool secret, char **ret, size_t *ret_len,
                       char **ret_err)
{
    *ret = NULL;
    *ret_len = 0;
    if (!node || !strcmp(node, hc_wizard_local(w))) {
        char *p = hc_wizard_path(w, path);
        int rc = hc_read_file(p, ret, ret_len);

        if (rc == -ENOENT) {
            rc = 0;
        } else if (rc < 0) {
            *ret_err = g_strdup_printf("cannot read %s: %s", p, strerror(-rc));
        }
        g_free(p);
        return rc;
    } else {
        /* base64, so that a binary authkey survives the text channel. */
        const char *argv[] = { "sh", "-c",
            "if [ -e \"$1\" ]; then echo present; base64 -w0 < \"$1\"; "
            "else echo absent; fi", "sh", path, NULL };
        char *out = NULL;
        int rc = wizard_run(w, node, 15000, secret, &out, ret_err, argv);

        if (rc < 0) {
            return rc;
        }
        if (g_str_has_prefix(out, "present\n")) {
            gsize n;

            *ret = (char *) g_base64_decode(out + 8, &n);
            *ret = g_realloc(*ret, n + 1);
            (*ret)[n] = 0;
            *ret_len = n;
        }
        if (secret) {
            explicit_bzero(out, strlen(out));
        }
        g_free(out);
        return 0;
    }
}

int hc_wizard_read(hc_wizard *w, const char *node, const char *path,
                   char **ret, size_t *ret_len, char **ret_err)
{
    return wizard_read(w, node, path, false, ret, ret_len, ret_err);
}

/* Writes (text) or removes (text NULL) a file on node, the old one kept
 * as path~. */
static int wizard_write(hc_wizard *w, const char *node, const char *path,
                        const char *text, size_t len, mode_t mode,
                        char **ret_err)
{
    if (!node || !strcmp(node, hc_wizard_local(w))) {
        char *p = hc_wizard_path(w, path), *dir = g_path_get_dirname(p);
        int rc = mkdir_p(dir);

        if (rc == 0) {
            rc = text ? hc_write_file_atomic(p, text, len, mode, true)
                      : (unlink(p) < 0 && errno != ENOENT ? -errno : 0);
        }
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", p, strerror(-rc));
        }
        g_free(dir);
        g_free(p);
        return rc;
    } else {
        char *b64 = text ? g_base64_encode((const guchar *) text, len)
                         : g_strdup("");
        char *m = g_strdup_printf("%o", (unsigned) mode);
        /* Under umask 077 to a fresh mktemp name (0600 from its first
         * byte: an authkey is never readable by others, not even while
         * it is written), the mode set, fsynced (a failed sync fails the
         * write), the old file kept as FILE~, renamed, the directory
         * fsynced. */
        const char *argv[] = { "sh", "-c",
            "set -e; umask 077; p=$1; d=$(dirname \"$p\"); mkdir -p \"$d\"; "
            "if [ \"$3\" = rm ]; then rm -f \"$p\"; sync \"$d\"; exit 0; fi; "
            "t=$(mktemp \"$p.hacon-XXXXXX\"); "
            "trap 'rm -f \"$t\"' EXIT; "
            "base64 -d > \"$t\"; chmod \"$2\" \"$t\"; sync \"$t\"; "
            "if [ -e \"$p\" ]; then ln -f \"$p\" \"$p~\"; fi; "
            "mv -f \"$t\" \"$p\"; trap - EXIT; sync \"$d\"",
            "sh", path, m, text ? "write" : "rm", NULL };
        hc_exec_opts o = { .node = node, .timeout_ms = 20000, .input = b64 };
        hc_exec_result r;
        int rc = hc_exec(argv, &o, &r);

        if (rc == 0 && (r.status != 0 || r.timed_out)) {
            char *e = g_strstrip(g_strdup(r.err));

            *ret_err = g_strdup_printf("cannot write %s on %s: %s", path, node,
                                       *e ? e : "ssh failed");
            g_free(e);
            rc = -EIO;
        } else if (rc < 0) {
            *ret_err = g_strdup_printf("cannot run ssh: %s", strerror(-rc));
        }
        hc_exec_result_clear(&r);
        g_free(b64);
        g_free(m);
        return rc;
    }
}

/* ------------------------------------------------------------ the CIB */

int hc_wizard_cib(hc_wizard *w, xmlNode **ret, char **ret_err)
{
    hc_cib *c = NULL;
    int rc;

    /* A connection per operation: with CIB_file the library keeps its own
     * copy until signoff, and other tools (crm_resource) change the file
     * in between. */
    rc = hc_cib_connect(&c, ret_err);
    if (rc == 0) {
        rc = hc_cib_query(c, ret, ret_err);
    }
    hc_cib_free(c);
    return rc;
}

bool hc_wizard_cib_is_file(hc_wizard *w)
{
    const char *f = getenv("CIB_file"), *s = getenv("CIB_shadow");

    return (f && *f) || (s && *s);
}

static char *config_text(xmlNode *cib)
{
    xmlNode *cfg = cib ? pcmk_find_cib_element(cib, "configuration") : NULL;

    return cfg ? dump_xml_unformatted(cfg) : g_strdup("");
}

bool hc_cib_same_config(xmlNode *a, xmlNode *b)
{
    char *x = config_text(a), *y = config_text(b);
    bool same = !strcmp(x, y);

    free(x);
    free(y);
    return same;
}

/* Writes the configuration section of want into the CIB in one update,
 * provided that the CIB's configuration is still expect's (NULL: any).
 * Only the configuration is replaced (the status section belongs to the
 * cluster), refused when the CIB's epoch moved since it was read: then
 * it is read and tried again, a few times.  A CIB file is rewritten
 * through a temporary file and a rename, the old one kept as FILE~
 * (hc_crm_cib_commit(), as the console's command line commits). */
static int cib_write_config(hc_wizard *w, xmlNode *expect, xmlNode *want,
                            char **ret_err)
{
    int rc = 0;

    for (int attempt = 0; attempt < 5; attempt++) {
        xmlNode *now = NULL;

        rc = hc_crm_cib_query(&now, ret_err);
        if (rc == 0 && expect && !hc_cib_same_config(now, expect)) {
            *ret_err = g_strdup("the CIB changed since the plan was made; "
                                "plan again");
            rc = -ESTALE;
        } else if (rc == 0 && !hc_cib_same_config(now, want)) {
            rc = hc_crm_cib_commit(now, want, ret_err);
            if (rc == -ESTALE && attempt < 4) {
                /* Changed between the read and the commit. */
                g_clear_pointer(ret_err, g_free);
                free_xml(now);
                g_usleep(200 * 1000);
                continue;
            }
        }
        free_xml(now);
        break;
    }
    return rc;
}

const char *hc_cib_property(xmlNode *cib, const char *name)
{
    char *xp = g_strdup_printf("//crm_config/cluster_property_set"
                               "/nvpair[@name='%s']", name);
    xmlNode *n = get_xpath_object(xp, cib, LOG_NEVER);

    g_free(xp);
    return n ? crm_element_value(n, "value") : NULL;
}

int hc_cib_set_property(xmlNode *cib, const char *name, const char *value)
{
    char *xp = g_strdup_printf("//crm_config/cluster_property_set"
                               "/nvpair[@name='%s']", name);
    xmlNode *n = get_xpath_object(xp, cib, LOG_NEVER), *set;

    g_free(xp);
    if (!value) {
        if (n) {
            free_xml(n);
        }
        return 0;
    }
    if (n) {
        crm_xml_add(n, "value", value);
        return 0;
    }
    set = get_xpath_object("//crm_config/cluster_property_set"
                           "[@id='cib-bootstrap-options']", cib, LOG_NEVER);
    if (!set) {
        xmlNode *cc = get_xpath_object("//configuration/crm_config", cib,
                                       LOG_NEVER);

        if (!cc) {
            return -EINVAL;
        }
        set = create_xml_node(cc, "cluster_property_set");
        crm_xml_add(set, "id", "cib-bootstrap-options");
    }
    n = create_xml_node(set, "nvpair");
    /* crm_attribute's id scheme, so crm shell and hacon agree. */
    crm_xml_set_id(n, "%s-%s", crm_element_value(set, "id"), name);
    crm_xml_add(n, "name", name);
    crm_xml_add(n, "value", value);
    return 0;
}

xmlNode *hc_cib_find_id(xmlNode *cib, const char *id)
{
    char *xp;
    xmlNode *n;

    if (strchr(id, '\'')) {
        return NULL;
    }
    xp = g_strdup_printf("//configuration//*[@id='%s']", id);
    n = get_xpath_object(xp, cib, LOG_NEVER);
    g_free(xp);
    return n;
}

bool hc_cib_remove_id(xmlNode *cib, const char *id)
{
    xmlNode *n = hc_cib_find_id(cib, id);

    if (n) {
        free_xml(n);
    }
    return n != NULL;
}

int hc_cib_add_xml(xmlNode *cib, const char *section, const char *xml_text)
{
    char *xp = g_strdup_printf("//configuration/%s", section);
    xmlNode *sec = get_xpath_object(xp, cib, LOG_NEVER);
    xmlNode *frag = string2xml(xml_text);

    g_free(xp);
    if (!frag) {
        return -EINVAL;
    }
    if (!sec) {
        xmlNode *cfg = pcmk_find_cib_element(cib, "configuration");

        if (!cfg) {
            free_xml(frag);
            return -EINVAL;
        }
        sec = create_xml_node(cfg, section);
    }
    add_node_copy(sec, frag);
    free_xml(frag);
    return 0;
}

static char *tmp_dir(void)
{
    char *t = g_build_filename(g_get_tmp_dir(), "hacon-wizard-XXXXXX", NULL);

    if (!g_mkdtemp(t)) {
        g_free(t);
        return NULL;
    }
    return t;
}

static void rm_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, e, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR)
            && !g_file_test(p, G_FILE_TEST_IS_SYMLINK)) {
            rm_tree(p);
        } else {
            unlink(p);
        }
        g_free(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
}

/* Runs a tool that reads files only, not the cluster: no transcript entry
 * of its own is wanted, but the one exec helper is still the way. */
static int run_tool(const char *const *argv, int timeout_ms, char **out,
                    int *status)
{
    /* CIB_file must not leak into tools pointed at other files. */
    static const char *const env[] = { "CIB_file=", NULL };
    hc_exec_opts o = { .timeout_ms = timeout_ms, .env = env };
    hc_exec_result r;
    int rc = hc_exec(argv, &o, &r);

    if (rc < 0) {
        *out = g_strdup_printf("%s: %s\n", argv[0], strerror(-rc));
        *status = 127;
        return rc;
    }
    *out = g_strconcat(r.out, r.err, r.timed_out ? "(timed out)\n" : "", NULL);
    *status = r.timed_out ? 124 : r.status;
    hc_exec_result_clear(&r);
    return 0;
}

/* The state after crm_simulate has run the transitions until nothing is
 * left to do (a move takes two: stop there, start here).  DRBD's agent
 * sets a promotion score (master-RSC) on a node whose disk is UpToDate;
 * a CIB file has none, so the simulation sets it for the promotable DRBD
 * primitives once they have started, as the agent would with both disks
 * in sync. */
static int simulate_settle(xmlNode *cib, const char *in, const char *out_path,
                           int rounds, char **log)
{
    GString *all = g_string_new(NULL);
    GPtrArray *drbd = g_ptr_array_new_with_free_func(g_free);
    xmlXPathObject *xo = xpath_search(cib, "//configuration//clone"
                                      "/primitive[@provider='linbit']"
                                      "[@type='drbd']");
    int status = 0, n = numXpathResults(xo);
    char *env_file = g_strdup_printf("CIB_file=%s", out_path);

    for (int i = 0; i < n; i++) {
        xmlNode *x = getXpathResult(xo, i);

        g_ptr_array_add(drbd, g_strdup(crm_element_value(x, "id")));
    }
    freeXpathObject(xo);
    for (int i = 0; i < rounds; i++) {
        const char *argv[] = { "crm_simulate", "-x", i ? out_path : in, "-S",
                               "-O", out_path, NULL };
        char *o = NULL;

        bool idle;

        run_tool(argv, 30000, &o, &status);
        if (i == 0) {
            g_string_append(all, o);
        }
        /* Settled: the transition had nothing to do. */
        idle = !strstr(o, "Resource action") && !strstr(o, "Pseudo action");
        g_free(o);
        if (status != 0 || (idle && (i > 0 || !drbd->len))) {
            break;
        }
        for (guint d = 0; i == 0 && d < drbd->len; d++) {
            xmlNode *res = filename2xml(out_path);
            xmlXPathObject *nodes = res ? xpath_search(res, "//status/node_state")
                                        : NULL;

            for (int k = 0; k < numXpathResults(nodes); k++) {
                const char *uname = crm_element_value(getXpathResult(nodes, k),
                                                      "uname");
                char *name = g_strdup_printf("master-%s",
                                             (char *) drbd->pdata[d]);
                const char *argv2[] = { "crm_attribute", "--node", uname,
                                        "--lifetime", "reboot", "--name", name,
                                        "--update", "10000", NULL };
                const char *env[] = { env_file, NULL };
                hc_exec_opts o2 = { .timeout_ms = 10000, .env = env };
                hc_exec_result r;

                if (uname && hc_exec(argv2, &o2, &r) == 0) {
                    hc_exec_result_clear(&r);
                }
                g_free(name);
            }
            freeXpathObject(nodes);
            free_xml(res);
        }
    }
    g_free(env_file);
    g_ptr_array_free(drbd, TRUE);
    if (log) {
        *log = g_string_free(all, FALSE);
    } else {
        g_string_free(all, TRUE);
    }
    return status == 0 ? 0 : -EIO;
}

/* The state after rounds transitions of crm_simulate (5: settled). */
static int status_simulated(xmlNode *cib, int rounds, hc_status **ret,
                            char **ret_err)
{
    char *dir, *in, *out, *log = NULL;
    xmlNode *res;
    int rc;

    dir = tmp_dir();
    if (!dir) {
        *ret_err = g_strdup("cannot make a temporary directory");
        return -EIO;
    }
    in = g_build_filename(dir, "in.xml", NULL);
    out = g_build_filename(dir, "out.xml", NULL);
    rc = write_xml_file(cib, in, FALSE) < 0 ? -EIO : 0;
    if (rc == 0) {
        rc = simulate_settle(cib, in, out, rounds, &log);
        if (rc < 0) {
            *ret_err = g_strdup_printf("crm_simulate failed: %s", log);
        }
    }
    if (rc == 0) {
        res = filename2xml(out);
        if (!res) {
            *ret_err = g_strdup("crm_simulate wrote no CIB");
            rc = -EIO;
        } else {
            rc = hc_status_from_xml(res, 0, ret, ret_err);
            free_xml(res);
        }
    }
    g_free(log);
    g_free(in);
    g_free(out);
    rm_tree(dir);
    g_free(dir);
    return rc;
}

int hc_wizard_status(hc_wizard *w, xmlNode *cib, bool simulate,
                     hc_status **ret, char **ret_err)
{
    if (!simulate) {
        return hc_status_from_xml(cib, 0, ret, ret_err);
    }
    return status_simulated(cib, 5, ret, ret_err);
}

const char *hc_wizard_rsc_node(const hc_status *st, const char *id)
{
    hc_resource *r = hc_status_find_resource(st, id);

    if (!r) {
        return NULL;
    }
    if (r->kind == HC_RSC_PROMOTABLE) {
        for (guint i = 0; r->children && i < r->children->len; i++) {
            hc_resource *c = r->children->pdata[i];

            for (guint j = 0; c->places && j < c->places->len; j++) {
                hc_rsc_place *pl = c->places->pdata[j];

                if (pl->role && !strcmp(pl->role, "Promoted")) {
                    return pl->node;
                }
            }
        }
        return NULL;
    }
    if (r->places && r->places->len) {
        hc_rsc_place *pl = r->places->pdata[0];

        return pl->node;
    }
    return NULL;
}

/* ------------------------------------------------------------ plans */

static void plan_cmd_free(gpointer p)
{
    hc_plan_cmd *c = p;

    g_free(c->node);
    g_strfreev(c->argv);
    g_strfreev(c->undo);
    g_free(c->why);
    g_free(c);
}

static void plan_file_free(gpointer p)
{
    hc_plan_file *f = p;

    g_free(f->node);
    g_free(f->path);
    g_free(f->old_text);
    g_free(f->new_text);
    g_free(f);
}

static hc_plan *plan_new(void)
{
    hc_plan *p = g_new0(hc_plan, 1);

    p->notes = g_ptr_array_new_with_free_func(g_free);
    p->warnings = g_ptr_array_new_with_free_func(g_free);
    p->crm = g_ptr_array_new_with_free_func(g_free);
    p->files = g_ptr_array_new_with_free_func(plan_file_free);
    p->cmds = g_ptr_array_new_with_free_func(plan_cmd_free);
    p->data = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return p;
}

void hc_plan_free(hc_plan *p)
{
    if (!p) {
        return;
    }
    g_ptr_array_free(p->notes, TRUE);
    g_ptr_array_free(p->warnings, TRUE);
    g_ptr_array_free(p->crm, TRUE);
    g_ptr_array_free(p->files, TRUE);
    g_ptr_array_free(p->cmds, TRUE);
    g_hash_table_destroy(p->data);
    free_xml(p->cib_old);
    free_xml(p->cib_new);
    g_free(p->cib_diff);
    g_free(p->cib_verify);
    g_free(p->simulate);
    g_free(p);
}

#define PLAN_ADD(arr) do { \
        va_list ap; \
        va_start(ap, fmt); \
        g_ptr_array_add(arr, g_strdup_vprintf(fmt, ap)); \
        va_end(ap); \
    } while (0)

void hc_plan_note(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->notes); }
void hc_plan_warn(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->warnings); }
void hc_plan_crm(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->crm); }

void hc_plan_cmd_add(hc_plan *p, const char *node, int timeout_ms,
                     const char *why, ...)
{
    hc_plan_cmd *c = g_new0(hc_plan_cmd, 1);
    va_list ap;

    va_start(ap, why);
    c->argv = hc_argv_from_va(ap);
    va_end(ap);
    c->node = g_strdup(node);
    c->timeout_ms = timeout_ms;
    c->why = g_strdup(why);
    g_ptr_array_add(p->cmds, c);
}

void hc_plan_cmd_undo(hc_plan *p, ...)
{
    hc_plan_cmd *c;
    va_list ap;

    g_return_if_fail(p->cmds->len > 0);
    c = p->cmds->pdata[p->cmds->len - 1];
    g_strfreev(c->undo);
    va_start(ap, p);
    c->undo = hc_argv_from_va(ap);
    va_end(ap);
}

int hc_plan_file_add(hc_wizard *w, hc_plan *p, const char *node,
                     const char *path, const char *text, size_t len,
                     mode_t mode, bool secret, char **ret_err)
{
    hc_plan_file *f;
    char *old = NULL;
    size_t old_len = 0;
    int rc = wizard_read(w, node, path, secret, &old, &old_len, ret_err);

    if (rc < 0) {
        return rc;
    }
    if (old && old_len == len && !memcmp(old, text, len)) {
        g_free(old);
        return 0;
    }
    f = g_new0(hc_plan_file, 1);
    f->node = g_strdup(node);
    f->path = g_strdup(path);
    f->old_text = old;
    f->old_len = old_len;
    f->new_text = g_memdup2(text, len + 1);
    f->new_text[len] = 0;
    f->new_len = len;
    f->mode = mode;
    f->secret = secret;
    g_ptr_array_add(p->files, f);
    return 0;
}

/* What crm_verify -V found, one message a line without its function
 * name, and what causes it and which step fixes it when hacon knows. */
static char *verify_error(const char *out)
{
    static const struct {
        const char *seen;
        const char *cause;
    } causes[] = {
        { "no STONITH resources", "Cause: fencing is on (stonith-enabled is "
          "not false) and no fence device is configured, so Pacemaker would "
          "start no resource. Step stonith fixes it (the tutorial's "
          "stonith-enabled=false): apply it first, or configure a fence "
          "device." },
    };
    GString *m = g_string_new("crm_verify rejects the new CIB:");
    char **l = g_strsplit(out ? out : "", "\n", -1);
    const char *cause = NULL;

    for (char **p = l; *p; p++) {
        char *t = g_strstrip(*p);

        /* "(unpack_resources) \terror: ..." */
        if (*t == '(' && strchr(t, ')')) {
            t = g_strstrip(strchr(t, ')') + 1);
        }
        if (!*t || g_str_has_prefix(t, "-V may provide")) {
            continue;
        }
        g_string_append_printf(m, "\n  %s", t);
        for (size_t i = 0; !cause && i < G_N_ELEMENTS(causes); i++) {
            if (strstr(t, causes[i].seen)) {
                cause = causes[i].cause;
            }
        }
    }
    if (cause) {
        g_string_append_printf(m, "\n%s", cause);
    }
    g_strfreev(l);
    return g_string_free(m, FALSE);
}

/* Fills the CIB parts of the plan: diff, crm_verify, crm_simulate. */
static int plan_cib_preview(hc_plan *p, char **ret_err)
{
    char *dir = tmp_dir(), *old, *new;
    int status, rc = 0;

    if (!dir) {
        *ret_err = g_strdup("cannot make a temporary directory");
        return -EIO;
    }
    old = g_build_filename(dir, "old.xml", NULL);
    new = g_build_filename(dir, "new.xml", NULL);
    if (write_xml_file(p->cib_old, old, FALSE) < 0
        || write_xml_file(p->cib_new, new, FALSE) < 0) {
        *ret_err = g_strdup("cannot write the CIB to a temporary file");
        rc = -EIO;
    } else {
        const char *diff[] = { "crm_diff", "-o", old, "-n", new, NULL };
        const char *verify[] = { "crm_verify", "-x", new, NULL };
        const char *sim[] = { "crm_simulate", "-S", "-x", new, NULL };

        run_tool(diff, 30000, &p->cib_diff, &status);
        run_tool(verify, 30000, &p->cib_verify, &status);
        if (status != 0) {
            /* Without -V crm_verify only says that the CIB is not valid;
             * with it, why. */
            const char *verbose[] = { "crm_verify", "-V", "-x", new, NULL };
            char *why = NULL;

            run_tool(verbose, 30000, &why, &status);
            *ret_err = verify_error(why);
            g_free(why);
            rc = -EINVAL;
        }
        /* The scheduler's preview, bounded: a pathological CIB must not
         * hang the wizard. */
        run_tool(sim, 30000, &p->simulate, &status);
    }
    g_free(old);
    g_free(new);
    rm_tree(dir);
    g_free(dir);
    return rc;
}

/* Where the service ends up once the cluster has run the planned CIB to
 * the end (crm_simulate until nothing is left to do): said in a note, or,
 * when it would not run, in the first warning of the plan. */
static void plan_outcome(hc_wizard *w, hc_plan *p)
{
    hc_status *st = NULL;
    char *err = NULL, *node;
    GString *where;

    if (hc_wizard_status(w, p->cib_new, true, &st, &err) < 0) {
        hc_plan_warn(p, "the simulation of the planned CIB failed: %s",
                     err ? err : "?");
        g_free(err);
        return;
    }
    where = g_string_new(NULL);
    node = hc_steps_placed_on(w, st, where);
    if (node) {
        hc_status *first = NULL;
        char *first_node = NULL;
        GString *first_where = g_string_new(NULL);

        /* The preview shows one transition: with DRBD that one ends with
         * both instances Unpromoted and the service stopped, until DRBD's
         * agent reports its disks UpToDate (the promotion score); said,
         * so that the preview's Stopped is not read as the outcome. */
        if (status_simulated(p->cib_new, 1, &first, &err) == 0) {
            first_node = hc_steps_placed_on(w, first, first_where);
        }
        g_clear_pointer(&err, g_free);
        hc_status_free(first);
        if (!first_node) {
            hc_plan_note(p, "The preview below is the first transition "
                         "only: it ends with %s. DRBD starts Unpromoted; "
                         "its agent sets the promotion score once the "
                         "disks are UpToDate (step drbd done), and then "
                         "the service starts.", first_where->str);
        }
        g_free(first_node);
        g_string_free(first_where, TRUE);
        hc_plan_note(p, "At the end of the simulation (crm_simulate, run "
                     "until the cluster has nothing left to do) the service "
                     "runs on %s: %s.", node, where->str);
        g_hash_table_replace(p->data, g_strdup("outcome"),
                             g_strdup_printf("runs on %s", node));
    } else {
        g_ptr_array_insert(p->warnings, 0, g_strdup_printf(
            "THE SERVICE WOULD NOT RUN: at the end of the simulation of "
            "this plan (crm_simulate, run until the cluster has nothing "
            "left to do) %s. Applying it leaves the service stopped.",
            where->str));
        g_hash_table_replace(p->data, g_strdup("outcome"),
                             g_strdup("stopped"));
    }
    g_free(node);
    g_string_free(where, TRUE);
    hc_status_free(st);
}

int hc_wizard_plan(hc_wizard *w, const hc_step *s, hc_plan **ret,
                   char **ret_err)
{
    hc_plan *p = plan_new();
    int rc = s->plan(w, p, ret_err);

    if (rc == 0 && p->cib_new && p->cib_old
        && hc_cib_same_config(p->cib_old, p->cib_new)) {
        free_xml(p->cib_new);
        p->cib_new = NULL;
    }
    if (rc == 0 && p->cib_new) {
        rc = plan_cib_preview(p, ret_err);
    }
    if (rc == 0 && p->cib_new && hc_cib_find_id(p->cib_new, HC_SERVICE_RSC)) {
        plan_outcome(w, p);
    }
    if (rc < 0) {
        hc_plan_free(p);
        *ret = NULL;
        return rc;
    }
    p->empty = !p->files->len && !p->cmds->len && !p->cib_new;
    *ret = p;
    return 0;
}

/* Untrusted text (file content, tool output) line by line: control bytes
 * and invalid UTF-8 escaped, but quotes and backslashes kept as they are,
 * so that a config file still reads as one. */
static void append_text(GString *out, const char *prefix, const char *s)
{
    const char *p = s ? s : "";

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);

        g_string_append(out, prefix);
        for (size_t i = 0; i < len;) {
            size_t j = i;

            while (j < len && p[j] != '"' && p[j] != '\\' && p[j] != '\t') {
                j++;
            }
            hc_escape_append(out, p + i, j - i, 0);
            if (j < len) {
                g_string_append_c(out, p[j] == '\t' ? ' ' : p[j]);
                if (p[j] == '\t') {
                    g_string_append(out, "   ");
                }
                j++;
            }
            i = j;
        }
        g_string_append_c(out, '\n');
        p += len + (nl ? 1 : 0);
    }
}

char *hc_wizard_diff(const char *path, const char *old_text, size_t old_len,
                     const char *new_text, size_t new_len,
                     const char *old_label, const char *new_label)
{
    char *dir = tmp_dir(), *a, *b, *out = NULL, *la, *lb;
    GError *gerr = NULL;
    int status;

    if (!dir) {
        return g_strdup_printf("(no diff: cannot make a temporary directory "
                               "in %s: %s)\n", g_get_tmp_dir(),
                               strerror(errno));
    }
    a = g_build_filename(dir, "old", NULL);
    b = g_build_filename(dir, "new", NULL);
    la = g_strdup_printf("%s (%s)", path, old_label);
    lb = g_strdup_printf("%s (%s)", path, new_label);
    if (!g_file_set_contents(a, old_text ? old_text : "", (gssize) old_len,
                             &gerr)
        || !g_file_set_contents(b, new_text, (gssize) new_len, &gerr)) {
        /* Said where the diff would be: a diff of a half-written file
         * would show changes that are not planned. */
        out = g_strdup_printf("(no diff: %s)\n", gerr->message);
        g_error_free(gerr);
    } else {
        const char *argv[] = { "diff", "-u", "--label", la, "--label", lb,
                               old_text ? a : "/dev/null", b, NULL };

        run_tool(argv, 10000, &out, &status);
    }
    g_free(la);
    g_free(lb);
    g_free(a);
    g_free(b);
    rm_tree(dir);
    g_free(dir);
    return out;
}

/* What a CIB element is, in the words of crm shell. */
static const char *element_word(const xmlNode *x)
{
    static const char *const words[][2] = {
        { "primitive", "the resource" }, { "group", "the group" },
        { "clone", "the clone" }, { "master", "the promotable clone" },
        { "rsc_colocation", "the colocation" }, { "rsc_order", "the order" },
        { "rsc_location", "the location constraint" },
        { "rsc_ticket", "the ticket constraint" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        if (!strcmp((const char *) x->name, words[i][0])) {
            return words[i][1];
        }
    }
    return (const char *) x->name;
}

/* The CIB change in words: the resources and constraints added, changed
 * or removed (top-level elements by id) and the cluster properties set or
 * removed, one line each. */
static void describe_cib_change(xmlNode *old, xmlNode *new_cib, GString *out)
{
    static const char *const sections[] = { "resources", "constraints" };
    static const char *const props = "//configuration/crm_config//nvpair";

    for (size_t k = 0; k < G_N_ELEMENTS(sections); k++) {
        char *xp = g_strdup_printf("//configuration/%s", sections[k]);
        xmlNode *so = old ? get_xpath_object(xp, old, LOG_NEVER) : NULL;
        xmlNode *sn = get_xpath_object(xp, new_cib, LOG_NEVER);

        for (xmlNode *c = sn ? xmlFirstElementChild(sn) : NULL; c;
             c = xmlNextElementSibling(c)) {
            const char *id = crm_element_value(c, "id");
            xmlNode *was = NULL;

            for (xmlNode *o = so ? xmlFirstElementChild(so) : NULL;
                 o && id && !was; o = xmlNextElementSibling(o)) {
                if (!g_strcmp0(crm_element_value(o, "id"), id)) {
                    was = o;
                }
            }
            if (!was) {
                const char *type = crm_element_value(c, "type");
                const char *cls = crm_element_value(c, "class");
                const char *prov = crm_element_value(c, "provider");

                g_string_append_printf(out, "  adds %s %s", element_word(c),
                                       id ? id : "?");
                if (type) {
                    g_string_append_printf(out, " (%s%s%s:%s)",
                                           cls ? cls : "?", prov ? ":" : "",
                                           prov ? prov : "", type);
                }
                g_string_append_c(out, '\n');
            } else {
                char *x = dump_xml_unformatted(was), *y = dump_xml_unformatted(c);

                if (strcmp(x, y)) {
                    g_string_append_printf(out, "  changes %s %s\n",
                                           element_word(c), id);
                }
                free(x);
                free(y);
            }
        }
        for (xmlNode *o = so ? xmlFirstElementChild(so) : NULL; o;
             o = xmlNextElementSibling(o)) {
            const char *id = crm_element_value(o, "id");
            bool kept = false;

            for (xmlNode *c = sn ? xmlFirstElementChild(sn) : NULL; c && id;
                 c = xmlNextElementSibling(c)) {
                kept = kept || !g_strcmp0(crm_element_value(c, "id"), id);
            }
            if (!kept) {
                g_string_append_printf(out, "  removes %s %s\n",
                                       element_word(o), id ? id : "?");
            }
        }
        g_free(xp);
    }
    {
        xmlXPathObjectPtr xn = xpath_search(new_cib, props);
        xmlXPathObjectPtr xo = old ? xpath_search(old, props) : NULL;
        int nn = numXpathResults(xn), no = xo ? numXpathResults(xo) : 0;

        for (int i = 0; i < nn; i++) {
            xmlNode *n = getXpathResult(xn, i);
            const char *name = crm_element_value(n, "name");
            const char *v = crm_element_value(n, "value"), *was = NULL;

            for (int j = 0; j < no && !was; j++) {
                xmlNode *o = getXpathResult(xo, j);

                if (!g_strcmp0(crm_element_value(o, "name"), name)) {
                    was = crm_element_value(o, "value");
                    was = was ? was : "";
                }
            }
            if (!was || g_strcmp0(was, v)) {
                g_string_append_printf(out, "  sets the property %s=%s%s%s%s\n",
                                       name, v ? v : "", was ? " (was " : "",
                                       was ? was : "", was ? ")" : "");
            }
        }
        for (int j = 0; j < no; j++) {
            xmlNode *o = getXpathResult(xo, j);
            const char *name = crm_element_value(o, "name");
            bool kept = false;

            for (int i = 0; i < nn && !kept; i++) {
                kept = !g_strcmp0(crm_element_value(getXpathResult(xn, i),
                                                    "name"), name);
            }
            if (!kept) {
                g_string_append_printf(out, "  removes the property %s\n",
                                       name);
            }
        }
        freeXpathObject(xn);
        if (xo) {
            freeXpathObject(xo);
        }
    }
}

/* The files and commands in words: each file with the nodes it goes to,
 * the commands counted by node. */
static void describe_files_cmds(const hc_plan *p, GString *out)
{
    for (guint i = 0; i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];
        bool seen = false;
        GString *nodes = g_string_new(NULL);

        for (guint j = 0; j < i && !seen; j++) {
            seen = !strcmp(((hc_plan_file *) p->files->pdata[j])->path,
                           f->path);
        }
        if (seen) {
            g_string_free(nodes, TRUE);
            continue;
        }
        for (guint j = i; j < p->files->len; j++) {
            hc_plan_file *g = p->files->pdata[j];

            if (!strcmp(g->path, f->path)) {
                g_string_append_printf(nodes, "%s%s", nodes->len ? " and " : "",
                                       g->node ? g->node : "here");
            }
        }
        g_string_append_printf(out, "  %s %s on %s\n",
                               f->old_text ? "rewrites" : "writes", f->path,
                               nodes->str);
        g_string_free(nodes, TRUE);
    }
    if (p->cmds->len) {
        GString *nodes = g_string_new(NULL);

        for (guint i = 0; i < p->cmds->len; i++) {
            hc_plan_cmd *c = p->cmds->pdata[i];
            const char *n = c->node ? c->node : "here";
            bool seen = false;

            for (guint j = 0; j < i && !seen; j++) {
                hc_plan_cmd *d = p->cmds->pdata[j];

                seen = !strcmp(d->node ? d->node : "here", n);
            }
            if (!seen) {
                g_string_append_printf(nodes, "%s%s", nodes->len ? ", " : "",
                                       n);
            }
        }
        g_string_append_printf(out, "  runs %u command%s (on %s; each "
                               "under Commands below)\n", p->cmds->len,
                               p->cmds->len == 1 ? "" : "s", nodes->str);
        g_string_free(nodes, TRUE);
    }
}

/* The outcome of crm_simulate: its "Transition Summary" and "Revised
 * Cluster Status" sections (the sections start at column 0); the whole
 * output when it has neither. */
static char *simulate_outcome(const char *sim)
{
    GString *o = g_string_new(NULL);
    char **l = g_strsplit(sim ? sim : "", "\n", -1);
    bool keep = false, in_summary = false, actions = false;

    for (size_t i = 0; l[i]; i++) {
        if (l[i][0] && l[i][0] != ' ') {
            if (in_summary && !actions) {
                g_string_append(o, "  (no action: every resource stays as "
                                "it is)\n");
            }
            in_summary = g_str_has_prefix(l[i], "Transition Summary");
            keep = in_summary
                   || g_str_has_prefix(l[i], "Revised Cluster Status");
        } else if (in_summary && strchr(l[i], '*')) {
            actions = true;
        }
        /* The summary's blank lines dropped, the status's kept. */
        if (keep && (l[i][strspn(l[i], " ")] || !in_summary)) {
            g_string_append_printf(o, "%s\n", l[i]);
        }
    }
    g_strfreev(l);
    if (!o->len) {
        g_string_assign(o, sim ? sim : "");
    }
    return g_string_free(o, FALSE);
}

void hc_plan_format(const hc_step *s, const hc_plan *p, GString *out)
{
    g_string_append_printf(out, "Step %s: %s\n", s->name, s->title);
    g_string_append_printf(out, "  Tutorial: %s\n  hacon:    %s\n",
                           s->tutorial, s->hacon);
    if (p->empty) {
        const char *done = g_hash_table_lookup(p->data, "done");
        char *d = done ? hc_escape(done, 0) : NULL;

        /* A step that is done still says what it is and why (the quorum
         * step's explanation is the only place the admin learns it). */
        for (guint i = 0; i < p->notes->len; i++) {
            append_text(out, i ? "  " : "\nNotes:\n  ", p->notes->pdata[i]);
        }
        for (guint i = 0; i < p->warnings->len; i++) {
            append_text(out, "WARNING: ", p->warnings->pdata[i]);
        }
        g_string_append_printf(out, "\nNothing to do: the step is done%s%s."
                               "\n", d ? ": " : "", d ? d : "");
        g_free(d);
        return;
    }
    /* The readable part first (what changes, what the cluster will then
     * do, the crm lines); the files, commands and the CIB diff after it,
     * for whoever wants every line. */
    g_string_append(out, "\nSummary: what changes\n");
    {
        GString *words = g_string_new(NULL);

        describe_files_cmds(p, words);
        if (p->cib_new) {
            describe_cib_change(p->cib_old, p->cib_new, words);
        }
        if (!words->len) {
            g_string_append(words, "  nothing in files, commands or the CIB\n");
        }
        append_text(out, "", words->str);
        g_string_free(words, TRUE);
    }
    for (guint i = 0; i < p->warnings->len; i++) {
        append_text(out, "WARNING: ", p->warnings->pdata[i]);
    }
    if (p->cib_new) {
        char *outcome = simulate_outcome(p->simulate);

        g_string_append(out, "\nWhat the cluster will do (crm_simulate -S):\n");
        append_text(out, "  ", outcome);
        g_free(outcome);
        g_string_append(out, "\ncrm_verify of the planned CIB: ");
        if (p->cib_verify && *p->cib_verify) {
            g_string_append(out, "\n");
            append_text(out, "  ", p->cib_verify);
        } else {
            g_string_append(out, "clean\n");
        }
    }
    if (p->crm->len) {
        g_string_append(out, "\nThe same in crm shell:\n");
    }
    for (guint i = 0; i < p->crm->len; i++) {
        append_text(out, "  ", p->crm->pdata[i]);
    }
    for (guint i = 0; i < p->notes->len; i++) {
        append_text(out, i ? "  " : "\nNotes:\n  ", p->notes->pdata[i]);
    }
    if (p->files->len) {
        g_string_append(out, "\nFiles:\n");
    }
    for (guint i = 0; i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];

        g_string_append_printf(out, "  [%s] %s (mode %04o, %s)\n",
                               f->node ? f->node : "here", f->path,
                               (unsigned) f->mode,
                               f->old_text ? "changed; the old one is kept "
                               "as FILE~" : "new");
        if (f->secret) {
            g_string_append_printf(out, "    (secret: %zu bytes, not shown)\n",
                                   f->new_len);
        } else {
            char *d = hc_wizard_diff(f->path, f->old_text, f->old_len,
                                     f->new_text, f->new_len, "now",
                                     "planned");

            append_text(out, "    ", d);
            g_free(d);
        }
    }
    if (p->cmds->len) {
        g_string_append(out, "\nCommands:\n");
    }
    for (guint i = 0; i < p->cmds->len; i++) {
        hc_plan_cmd *c = p->cmds->pdata[i];
        char *cmd = hc_exec_cmdline((const char *const *) c->argv, c->node);

        g_string_append_printf(out, "  %s\n      # %s (deadline %d s)\n", cmd,
                               c->why, (c->timeout_ms ? c->timeout_ms : 30000)
                               / 1000);
        g_free(cmd);
        if (c->undo) {
            cmd = hc_exec_cmdline((const char *const *) c->undo, c->node);
            g_string_append_printf(out, "      # a rollback runs: %s\n", cmd);
            g_free(cmd);
        }
    }
    if (p->cib_new) {
        g_string_append(out, "\nCIB change, in one atomic update "
                        "(crm_diff -o now -n planned):\n");
        append_text(out, "  ", p->cib_diff);
        g_string_append(out, "\ncrm_simulate -S of the planned CIB, in "
                        "full:\n");
        append_text(out, "  ", p->simulate);
    }
}

/* ------------------------------------------------------------ checking */

int hc_wizard_check(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                    char **ret_why)
{
    GString *why = g_string_new(NULL);
    int rc = s->check(w, ret, why);

    *ret_why = g_string_free(why, FALSE);
    return rc;
}

/* What each step builds on, in the tutorial's order: the direct
 * prerequisites only (each of those has its own).  On a CIB file only the
 * CIB steps among them count (cib_needs). */
typedef struct step_needs {
    const char *step;
    const char *needs[5];
    const char *cib_needs[3];
} step_needs;

static const step_needs prereq_table[] = {
    { "preflight", { NULL }, { NULL } },
    { "cluster", { "preflight", NULL }, { NULL } },
    { "stonith", { "cluster", NULL }, { NULL } },
    { "quorum", { "cluster", NULL }, { NULL } },
    { "drbd", { "cluster", NULL }, { NULL } },
    { "dhcp", { "drbd", NULL }, { NULL } },
    { "resources", { "stonith", "quorum", "drbd", "dhcp", NULL },
      { "stonith", "quorum", NULL } },
    { "migrate", { "resources", NULL }, { "resources", NULL } },
};

const char *const *hc_step_prereqs(const hc_step *s, bool file)
{
    static const char *const none[] = { NULL };

    for (size_t i = 0; i < G_N_ELEMENTS(prereq_table); i++) {
        if (!strcmp(prereq_table[i].step, s->name)) {
            return file ? prereq_table[i].cib_needs : prereq_table[i].needs;
        }
    }
    return none;
}

int hc_wizard_prereqs(hc_wizard *w, const hc_step *s, GString *unmet)
{
    const char *const *need = hc_step_prereqs(s, hc_wizard_cib_is_file(w));
    int n = 0;

    for (size_t i = 0; need[i]; i++) {
        const hc_step *p = hc_step_find(need[i]);
        hc_step_state st;
        char *why = NULL;
        int rc;

        if (!p) {
            continue;
        }
        hc_wizard_progress(w, "checking step %s (needed first)", p->name);
        rc = hc_wizard_check(w, p, &st, &why);
        if (rc < 0) {
            g_free(why);
            return rc;
        }
        if (st != HC_STEP_DONE) {
            g_string_append_printf(unmet, "%s%s (%s%s%s)", n ? "; " : "",
                                   p->name, hc_step_state_str(st),
                                   why && *why ? ": " : "", why ? why : "");
            n++;
        }
        g_free(why);
    }
    return n;
}

void hc_wizard_answers_hint(GString *msg)
{
    if (strstr(msg->str, "answer ") && !strstr(msg->str, HC_WIZARD_FORM_HINT)) {
        g_string_append(msg, " (" HC_WIZARD_FORM_HINT ")");
    }
}

int hc_step_check_by_plan(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                          GString *why)
{
    hc_plan *p = plan_new();
    char *err = NULL;
    int rc = s->plan(w, p, &err);

    if (rc < 0) {
        *ret = HC_STEP_BLOCKED;
        g_string_append(why, err ? err : "cannot plan");
        hc_wizard_answers_hint(why);
        g_free(err);
        hc_plan_free(p);
        return 0;
    }
    if (p->cib_new && p->cib_old && hc_cib_same_config(p->cib_old, p->cib_new)) {
        free_xml(p->cib_new);
        p->cib_new = NULL;
    }
    if (!p->files->len && !p->cmds->len && !p->cib_new) {
        *ret = HC_STEP_DONE;
    } else {
        const char *part = g_hash_table_lookup(p->data, "partial");

        *ret = part ? HC_STEP_PARTIAL : HC_STEP_TODO;
        if (part) {
            g_string_append(why, part);
        }
    }
    if (*ret == HC_STEP_DONE && g_hash_table_lookup(p->data, "done")) {
        g_string_append(why, g_hash_table_lookup(p->data, "done"));
    }
    hc_plan_free(p);
    return 0;
}

/* ------------------------------------------------------------ checkpoints */

static char *checkpoint_new(hc_wizard *w, const hc_step *s, char **ret_err)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    char *base = g_build_filename(w->state_dir, "checkpoints", NULL);
    char *dir = NULL;

    for (int i = 0; i < 100 && !dir; i++) {
        char *name = i ? g_strdup_printf("%s-%s.%d", s->name, stamp, i)
                       : g_strdup_printf("%s-%s", s->name, stamp);
        char *d = g_build_filename(base, name, NULL);

        g_free(name);
        if (mkdir_p(base) < 0) {
            *ret_err = g_strdup_printf("cannot create %s: %s", base,
                                       strerror(errno));
            g_free(d);
            break;
        }
        if (mkdir(d, 0700) == 0) {
            dir = d;
        } else if (errno != EEXIST) {
            *ret_err = g_strdup_printf("cannot create %s: %s", d,
                                       strerror(errno));
            g_free(d);
            break;
        } else {
            g_free(d);
        }
    }
    g_free(base);
    g_free(stamp);
    g_date_time_unref(now);
    return dir;
}

/* Where the checkpoint dir keeps the old content of a secret file: beside
 * the file on its own node (same directory, mode 0400), never in the
 * state directory, whose checkpoints are not secret. */
static char *kept_path(const char *dir, const char *path)
{
    char *cp = g_path_get_basename(dir);
    char *k = g_strdup_printf("%s.hacon-checkpoint-%s", path, cp);

    g_free(cp);
    return k;
}

/* The checkpoint holds cib.xml (the whole CIB, when there is one) and, for
 * every file of the plan, its old content and a manifest line:
 *   N<TAB>node or -<TAB>present|absent|kept<TAB>mode<TAB>path
 * "kept": a secret, whose old content is on its node (kept_path()). */
static int checkpoint_save(hc_wizard *w, const char *dir, hc_plan *p,
                           char **ret_err)
{
    GString *manifest = g_string_new(NULL);
    xmlNode *cib = NULL;
    char *err = NULL, *path;
    int rc = 0;

    if (hc_wizard_cib(w, &cib, &err) == 0) {
        path = g_build_filename(dir, "cib.xml", NULL);
        if (write_xml_file(cib, path, FALSE) < 0) {
            *ret_err = g_strdup_printf("cannot save the CIB to %s", path);
            rc = -EIO;
        }
        g_free(path);
        free_xml(cib);
    } else if (p->cib_new) {
        *ret_err = err;
        err = NULL;
        rc = -EIO;
    }
    g_free(err);
    for (guint i = 0; rc == 0 && i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];
        char *text = NULL, *name = g_strdup_printf("file%u", i);
        size_t len = 0;
        struct stat st;
        mode_t mode = f->mode;

        /* Read again: the file may have changed since the plan. */
        rc = wizard_read(w, f->node, f->path, f->secret, &text, &len,
                         ret_err);
        if (rc == 0 && !f->node) {
            char *lp = hc_wizard_path(w, f->path);

            if (stat(lp, &st) == 0) {
                mode = st.st_mode & 07777;
            }
            g_free(lp);
        }
        if (rc == 0 && text && f->secret) {
            char *k = kept_path(dir, f->path);

            rc = wizard_write(w, f->node, k, text, len, 0400, ret_err);
            g_free(k);
        } else if (rc == 0 && text) {
            path = g_build_filename(dir, name, NULL);
            rc = hc_write_file_atomic(path, text, len, 0600, false);
            if (rc < 0) {
                *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                           strerror(-rc));
            }
            g_free(path);
        }
        if (rc == 0) {
            g_string_append_printf(manifest, "%u\t%s\t%s\t%o\t%s\n", i,
                                   f->node ? f->node : "-",
                                   !text ? "absent"
                                   : f->secret ? "kept" : "present",
                                   (unsigned) mode, f->path);
        }
        if (text && f->secret) {
            explicit_bzero(text, len);
        }
        g_free(text);
        g_free(name);
    }
    if (rc == 0) {
        path = g_build_filename(dir, "files", NULL);
        rc = hc_write_file_atomic(path, manifest->str, manifest->len, 0600,
                                  false);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                       strerror(-rc));
        }
        g_free(path);
    }
    g_string_free(manifest, TRUE);
    return rc;
}

static int undo_run(hc_wizard *w, const char *dir, char **ret_err);

/* Apply went files, commands, CIB; the restore goes back the other way:
 * the CIB (while the cluster the step may have started still runs), the
 * commands undone, then the files. */
static int checkpoint_restore(hc_wizard *w, const char *dir, char **ret_err)
{
    char *path, *manifest = NULL;
    size_t len;
    int rc, first = 0;
    char **lines;

    path = g_build_filename(dir, "cib.xml", NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        xmlNode *old = filename2xml(path);

        if (!old) {
            *ret_err = g_strdup_printf("cannot read %s", path);
            first = -EIO;
        } else {
            first = cib_write_config(w, NULL, old, ret_err);
            if (first == 0) {
                hc_wizard_progress(w, "restored the CIB configuration");
            }
            free_xml(old);
        }
    }
    g_free(path);
    if (first < 0) {
        return first;
    }
    first = undo_run(w, dir, ret_err);
    if (first < 0) {
        return first;
    }
    path = g_build_filename(dir, "files", NULL);
    rc = hc_read_file(path, &manifest, &len);
    g_free(path);
    if (rc < 0) {
        *ret_err = g_strdup_printf("checkpoint %s has no file list", dir);
        return rc;
    }
    lines = g_strsplit(manifest, "\n", -1);
    /* Every file is restored even when one fails: as much as possible. */
    for (size_t i = 0; lines[i]; i++) {
        char **f = g_strsplit(lines[i], "\t", 5), *text = NULL, *err = NULL;
        size_t tl = 0;
        const char *node;
        bool secret;

        if (g_strv_length(f) != 5) {
            g_strfreev(f);
            continue;
        }
        node = strcmp(f[1], "-") ? f[1] : NULL;
        secret = !strcmp(f[2], "kept");
        if (!strcmp(f[2], "present")) {
            char *fp = g_strdup_printf("%s/file%s", dir, f[0]);

            rc = hc_read_file(fp, &text, &tl);
            if (rc < 0) {
                err = g_strdup_printf("cannot read %s: %s", fp, strerror(-rc));
            }
            g_free(fp);
        } else if (secret) {
            char *k = kept_path(dir, f[4]);

            rc = wizard_read(w, node, k, true, &text, &tl, &err);
            if (rc == 0 && !text) {
                err = g_strdup_printf("the old content of %s, kept as %s%s%s, "
                                      "is gone", f[4], node ? node : "",
                                      node ? ":" : "", k);
                rc = -ENOENT;
            }
            g_free(k);
        }
        if (rc == 0) {
            char *now = NULL;
            size_t nl = 0;

            /* A file the step did not get to write stays as it is. */
            if (wizard_read(w, node, f[4], secret, &now, &nl, &err) == 0
                && (now ? text && nl == tl && !memcmp(now, text, tl) : !text)) {
                if (secret) {
                    explicit_bzero(text, tl);
                    if (now) {
                        explicit_bzero(now, nl);
                    }
                }
                g_free(now);
                g_strfreev(f);
                g_free(text);
                continue;
            }
            g_clear_pointer(&err, g_free);
            if (now && secret) {
                explicit_bzero(now, nl);
            }
            g_free(now);
            rc = wizard_write(w, node, f[4], text, tl,
                              (mode_t) strtoul(f[3], NULL, 8), &err);
        }
        hc_wizard_progress(w, "restored %s%s%s: %s", node ? node : "",
                           node ? ":" : "", f[4], rc == 0 ? "ok" : err);
        if (rc < 0 && !first) {
            first = rc;
            *ret_err = err;
            err = NULL;
        }
        rc = 0;
        g_free(err);
        if (text && secret) {
            explicit_bzero(text, tl);
        }
        g_free(text);
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(manifest);
    return first;
}

/* The newest checkpoint of the step (names sort by time). */
static char *checkpoint_latest(hc_wizard *w, const hc_step *s)
{
    char *base = g_build_filename(w->state_dir, "checkpoints", NULL);
    GDir *d = g_dir_open(base, 0, NULL);
    char *prefix = g_strdup_printf("%s-", s->name), *best = NULL;
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        if (g_str_has_prefix(e, prefix) && isdigit((unsigned char) e[strlen(prefix)])
            && (!best || strcmp(e, best) > 0)) {
            g_free(best);
            best = g_strdup(e);
        }
    }
    if (d) {
        g_dir_close(d);
    }
    if (best) {
        char *full = g_build_filename(base, best, NULL);

        g_free(best);
        best = full;
    }
    g_free(prefix);
    g_free(base);
    return best;
}

/* ------------------------------------------------------------ applying */

/* The checkpoint's "undo" file: one line per command that was started
 * and has an undo, node (or -) then the undo's words, tab-separated and
 * escaped.  Written before the command runs: a command that times out may
 * still have started what its undo stops.  Returns 0 or a negative errno
 * with the message in *ret_err. */
static int undo_record(hc_wizard *w, const hc_plan_cmd *c, char **ret_err)
{
    char *path, *old = NULL;
    size_t len = 0;
    GString *s;
    int rc;

    if (!w->checkpoint) {
        return 0;
    }
    path = g_build_filename(w->checkpoint, "undo", NULL);
    s = g_string_new(NULL);
    if (hc_read_file(path, &old, &len) == 0) {
        g_string_append_len(s, old, (gssize) len);
    }
    g_string_append(s, c->node ? c->node : "-");
    for (size_t i = 0; c->undo[i]; i++) {
        char *e = g_strescape(c->undo[i], NULL);

        g_string_append_printf(s, "\t%s", e);
        g_free(e);
    }
    g_string_append_c(s, '\n');
    rc = hc_write_file_atomic(path, s->str, s->len, 0600, false);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot record the undo in %s: %s", path,
                                   strerror(-rc));
    }
    g_string_free(s, TRUE);
    g_free(old);
    g_free(path);
    return rc;
}

/* Runs the checkpoint's undo commands, the last first; every one is tried.
 * Each gets a minute: a daemon's stop waits for its resources. */
static int undo_run(hc_wizard *w, const char *dir, char **ret_err)
{
    char *path = g_build_filename(dir, "undo", NULL), *text = NULL, **lines;
    size_t len;
    int first = 0;

    if (hc_read_file(path, &text, &len) < 0) {
        g_free(path);
        return 0;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = (int) g_strv_length(lines) - 1; i >= 0; i--) {
        char **f = g_strsplit(lines[i], "\t", -1), *err = NULL, *cmd;
        guint n = g_strv_length(f);
        const char *node;
        char **argv;
        int rc;

        if (n < 2) {
            g_strfreev(f);
            continue;
        }
        node = strcmp(f[0], "-") ? f[0] : NULL;
        argv = g_new0(char *, n);
        for (guint k = 1; k < n; k++) {
            argv[k - 1] = g_strcompress(f[k]);
        }
        cmd = hc_exec_cmdline((const char *const *) argv, node);
        hc_wizard_progress(w, "undoing: %s", cmd);
        rc = hc_wizard_run(w, node, 60000, NULL, &err,
                           (const char *const *) argv);
        if (rc < 0 && !first) {
            first = rc;
            *ret_err = g_steal_pointer(&err);
        }
        g_free(err);
        g_free(cmd);
        g_strfreev(argv);
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return first;
}

int hc_wizard_apply_files(hc_wizard *w, hc_plan *p, char **ret_err)
{
    int rc = 0;

    for (guint i = 0; rc == 0 && i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];

        hc_wizard_progress(w, "writing %s%s%s", f->node ? f->node : "",
                           f->node ? ":" : "", f->path);
        rc = wizard_write(w, f->node, f->path, f->new_text, f->new_len,
                          f->mode, ret_err);
    }
    return rc;
}

int hc_wizard_apply_cmd(hc_wizard *w, const hc_plan_cmd *c, char **ret_err)
{
    char *cmd = hc_exec_cmdline((const char *const *) c->argv, c->node);
    int rc;

    /* The undo first: without it nothing may start. */
    if (c->undo) {
        rc = undo_record(w, c, ret_err);
        if (rc < 0) {
            g_free(cmd);
            return rc;
        }
    }
    hc_wizard_progress(w, "running %s", cmd);
    g_free(cmd);
    rc = hc_wizard_run(w, c->node, c->timeout_ms, NULL, ret_err,
                       (const char *const *) c->argv);
    return rc;
}

static int apply_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    int rc = hc_wizard_apply_files(w, p, ret_err);

    for (guint i = 0; rc == 0 && i < p->cmds->len; i++) {
        rc = hc_wizard_apply_cmd(w, p->cmds->pdata[i], ret_err);
    }
    if (rc == 0 && p->cib_new) {
        hc_wizard_progress(w, "updating the CIB (one atomic update)");
        rc = cib_write_config(w, p->cib_old, p->cib_new, ret_err);
    }
    return rc;
}

/* Test hook: HACON_WIZARD_FAIL=STEP:apply|verify makes that part of the
 * step fail after it has changed things, so that the rollback of every
 * step can be tested where no real fault can be made. */
static bool injected(const hc_step *s, const char *part)
{
    const char *f = getenv("HACON_WIZARD_FAIL");
    char *want = g_strdup_printf("%s:%s", s->name, part);
    bool yes = f && !strcmp(f, want);

    g_free(want);
    return yes;
}

/* Appends the transcript entries from seq `from` on to DIR/transcript:
 * the record of what the step ran, kept with its checkpoint.  Returns 0 or
 * a negative errno with the message in *ret_err. */
static int transcript_save(const char *dir, guint64 from, char **ret_err)
{
    GPtrArray *t;
    GString *s = g_string_new(NULL);
    char *path = g_build_filename(dir, "transcript", NULL), *old = NULL;
    size_t len = 0;
    int rc;

    if (hc_read_file(path, &old, &len) == 0) {
        g_string_append_len(s, old, (gssize) len);
    }
    hc_transcript_lock();
    t = hc_transcript();
    for (guint i = 0; i < t->len; i++) {
        hc_transcript_entry *e = t->pdata[i];
        char when[32];

        if (e->seq < from) {
            continue;
        }
        g_string_append_printf(s, "[%s] %s\n  exit %d%s, %.0f ms\n",
                               hc_time_str(e->when, when, sizeof(when)),
                               e->cmdline, e->status,
                               e->timed_out ? " (timed out)" : "", e->ms);
        if (e->out && *e->out) {
            g_string_append_printf(s, "  stdout:\n%s%s", e->out,
                                   g_str_has_suffix(e->out, "\n") ? "" : "\n");
        }
        if (e->err && *e->err) {
            g_string_append_printf(s, "  stderr:\n%s%s", e->err,
                                   g_str_has_suffix(e->err, "\n") ? "" : "\n");
        }
    }
    hc_transcript_unlock();
    rc = hc_write_file_atomic(path, s->str, s->len, 0600, false);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                   strerror(-rc));
    }
    g_string_free(s, TRUE);
    g_free(path);
    g_free(old);
    return rc;
}

/* After a rollback on a live cluster: the failures this apply caused (a
 * start that found no agent) are cleared, so that the restored
 * configuration runs as before; Pacemaker would otherwise keep a resource
 * that failed with "not installed" away from those nodes. */
static void cleanup_failures(hc_wizard *w)
{
    GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    xmlNode *cib = NULL;
    hc_status *st = NULL;
    char *err = NULL;

    if (hc_wizard_cib_is_file(w) || hc_wizard_cib(w, &cib, &err) < 0
        || hc_status_from_xml(cib, 0, &st, &err) < 0) {
        g_free(err);
        free_xml(cib);
        g_hash_table_destroy(done);
        return;
    }
    for (guint i = 0; st->failed && i < st->failed->len; i++) {
        hc_failed_action *f = st->failed->pdata[i];
        char *id;

        if (!f->resource || f->last_rc_change < w->apply_started) {
            continue;
        }
        /* A clone instance's failure is the clone's primitive's. */
        id = g_strndup(f->resource, strcspn(f->resource, ":"));
        if (!g_hash_table_contains(done, id)) {
            const char *argv[] = { "crm_resource", "--cleanup", "--resource",
                                   id, NULL };

            hc_wizard_progress(w, "clearing the failures of this apply: "
                               "crm_resource --cleanup --resource %s", id);
            hc_wizard_run(w, NULL, 60000, NULL, NULL, argv);
            g_hash_table_add(done, g_strdup(id));
        }
        g_free(id);
    }
    hc_status_free(st);
    free_xml(cib);
    g_hash_table_destroy(done);
}

int hc_wizard_apply(hc_wizard *w, const hc_step *s, hc_plan *p,
                    char **ret_checkpoint, char **ret_err)
{
    guint64 t0 = hc_transcript_next_seq();
    char *cp, *err = NULL, *rerr = NULL, *terr = NULL;
    int rc;

    if (ret_checkpoint) {
        *ret_checkpoint = NULL;
    }
    if (p->empty) {
        return 0;
    }
    cp = checkpoint_new(w, s, ret_err);
    if (!cp) {
        return -EIO;
    }
    rc = checkpoint_save(w, cp, p, ret_err);
    if (rc < 0) {
        rm_tree(cp);
        g_free(cp);
        return rc;
    }
    hc_wizard_progress(w, "checkpoint %s", cp);
    w->checkpoint = g_strdup(cp);
    w->apply_started = time(NULL);
    rc = s->apply ? s->apply(w, p, &err) : apply_plan(w, p, &err);
    g_clear_pointer(&w->checkpoint, g_free);
    if (rc == 0 && injected(s, "apply")) {
        err = g_strdup("failure injected by HACON_WIZARD_FAIL");
        rc = -EIO;
    }
    if (rc == 0) {
        hc_wizard_progress(w, "verifying");
        rc = s->verify(w, p, &err);
        if (rc == 0 && injected(s, "verify")) {
            err = g_strdup("failure injected by HACON_WIZARD_FAIL");
            rc = -EIO;
        }
    }
    /* A step whose record cannot be written is not done: rolled back. */
    if (rc == 0) {
        rc = transcript_save(cp, t0, &err);
    }
    if (rc < 0) {
        int rb, ts;

        hc_wizard_progress(w, "failed: %s; rolling back", err);
        rb = checkpoint_restore(w, cp, &rerr);
        if (rb == 0 && s->rollback) {
            rb = s->rollback(w, &rerr);
        }
        if (rb == 0 && p->cib_new) {
            cleanup_failures(w);
        }
        ts = transcript_save(cp, t0, &terr);
        if (rb == 0) {
            *ret_err = g_strdup_printf("%s; rolled back to %s%s%s", err, cp,
                                       ts < 0 ? "; " : "", ts < 0 ? terr : "");
        } else {
            *ret_err = g_strdup_printf("%s; ROLLBACK FAILED: %s (checkpoint "
                                       "%s)%s%s", err, rerr, cp,
                                       ts < 0 ? "; " : "", ts < 0 ? terr : "");
        }
        g_free(err);
        g_free(rerr);
        g_free(terr);
        g_free(cp);
        return rc;
    }
    hc_wizard_progress(w, "done");
    if (ret_checkpoint) {
        *ret_checkpoint = cp;
    } else {
        g_free(cp);
    }
    return 0;
}

int hc_wizard_rollback(hc_wizard *w, const hc_step *s, char **ret_err)
{
    char *cp = checkpoint_latest(w, s), *terr = NULL;
    int rc, ts;

    if (!cp) {
        *ret_err = g_strdup_printf("no checkpoint of step %s in %s/checkpoints",
                                   s->name, w->state_dir);
        return -ENOENT;
    }
    guint64 t0 = hc_transcript_next_seq();

    hc_wizard_progress(w, "rolling back to %s", cp);
    rc = checkpoint_restore(w, cp, ret_err);
    if (rc == 0 && s->rollback) {
        rc = s->rollback(w, ret_err);
    }
    ts = transcript_save(cp, t0, &terr);
    if (rc == 0 && ts < 0) {
        /* Rolled back, but not recorded: said, and the checkpoint stays
         * (the rollback can be run again: it finds the files restored). */
        *ret_err = g_strdup_printf("rolled back to %s, but %s", cp, terr);
        rc = ts;
    } else if (ts < 0) {
        char *both = g_strdup_printf("%s; %s", *ret_err, terr);

        g_free(*ret_err);
        *ret_err = both;
    }
    if (rc == 0) {
        /* A checkpoint is used once; the one before it is next. */
        char *used = g_strdup_printf("%s.rolled-back", cp);

        if (rename(cp, used) < 0) {
            rc = -errno;
            *ret_err = g_strdup_printf("rolled back to %s, but cannot mark "
                                       "it used (rename to %s): %s", cp, used,
                                       strerror(-rc));
        }
        g_free(used);
    }
    g_free(terr);
    g_free(cp);
    return rc;
}

const char *hc_wizard_state_dir(const hc_wizard *w)
{
    return w->state_dir;
}

time_t hc_wizard_apply_started(const hc_wizard *w)
{
    return w->apply_started;
}
