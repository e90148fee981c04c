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
    { "leases", "/data/dhcp/dhcpd.leases", check_path, NULL,
      "dhcpd's lease file (on the shared filesystem)" },
    { "dhcpd_conf", "/etc/dhcp/dhcpd.conf", check_path, NULL,
      "dhcpd configuration" },
    { "dhcp_agent", "ocf:hacon:dhcpd", check_agent, NULL,
      "resource agent of dhcpd" },
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
};

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
    g_free(w);
}

const char *hc_wizard_answer(const hc_wizard *w, const char *key)
{
    const char *v = g_hash_table_lookup(w->answers, key);
    const answer_def *d;

    if (v) {
        return v;
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

int hc_wizard_run(hc_wizard *w, const char *node, int timeout_ms,
                  char **ret_out, char **ret_err, const char *const *argv)
{
    /* Every deadline stretched on a slow machine (answer slow_factor). */
    hc_exec_opts o = { .node = node, .timeout_ms = timeout_ms
                       * atoi(hc_wizard_answer(w, "slow_factor")) };
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
            char *e = g_strstrip(g_strdup(*r.err ? r.err : r.out));
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

static int mkdir_p(const char *dir)
{
    return g_mkdir_with_parents(dir, 0755) < 0 ? -errno : 0;
}

int hc_wizard_read(hc_wizard *w, const char *node, const char *path,
                   char **ret, size_t *ret_len, char **ret_err)
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
        int rc = hc_wizard_run(w, node, 15000, &out, ret_err, argv);

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
        g_free(out);
        return 0;
    }
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
        const char *argv[] = { "sh", "-c",
            "set -e; p=$1; mkdir -p \"$(dirname \"$p\")\"; "
            "if [ \"$3\" = rm ]; then rm -f \"$p\"; exit 0; fi; "
            "base64 -d > \"$p.hacon-tmp\"; chmod \"$2\" \"$p.hacon-tmp\"; "
            "if [ -e \"$p\" ]; then ln -f \"$p\" \"$p~\"; fi; "
            "sync \"$p.hacon-tmp\" 2>/dev/null || true; "
            "mv -f \"$p.hacon-tmp\" \"$p\"",
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
    int rc = hc_wizard_read(w, node, path, &old, &old_len, ret_err);

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
    int status;

    if (!dir) {
        return g_strdup("(no diff: cannot make a temporary directory)\n");
    }
    a = g_build_filename(dir, "old", NULL);
    b = g_build_filename(dir, "new", NULL);
    g_file_set_contents(a, old_text ? old_text : "", (gssize) old_len, NULL);
    g_file_set_contents(b, new_text, (gssize) new_len, NULL);
    la = g_strdup_printf("%s (%s)", path, old_label);
    lb = g_strdup_printf("%s (%s)", path, new_label);
    {
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

void hc_plan_format(const hc_step *s, const hc_plan *p, GString *out)
{
    g_string_append_printf(out, "Step %s: %s\n", s->name, s->title);
    g_string_append_printf(out, "  Tutorial: %s\n  hacon:    %s\n",
                           s->tutorial, s->hacon);
    /* A step that is done still says what it is and why (the quorum
     * step's explanation is the only place the admin learns it). */
    for (guint i = 0; i < p->notes->len; i++) {
        append_text(out, i ? "  " : "\nNotes:\n  ", p->notes->pdata[i]);
    }
    for (guint i = 0; i < p->warnings->len; i++) {
        append_text(out, "WARNING: ", p->warnings->pdata[i]);
    }
    if (p->empty) {
        const char *done = g_hash_table_lookup(p->data, "done");
        char *d = done ? hc_escape(done, 0) : NULL;

        g_string_append_printf(out, "\nNothing to do: the step is done%s%s."
                               "\n", d ? ": " : "", d ? d : "");
        g_free(d);
        return;
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
        g_string_append(out, "\ncrm_verify of the planned CIB: ");
        if (p->cib_verify && *p->cib_verify) {
            g_string_append(out, "\n");
            append_text(out, "  ", p->cib_verify);
        } else {
            g_string_append(out, "clean\n");
        }
        g_string_append(out, "\nWhat the cluster will do (crm_simulate -S):\n");
        append_text(out, "  ", p->simulate);
    }
    if (p->crm->len) {
        g_string_append(out, "\nThe same in crm shell:\n");
    }
    for (guint i = 0; i < p->crm->len; i++) {
        append_text(out, "  ", p->crm->pdata[i]);
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

/* The checkpoint holds cib.xml (the whole CIB, when there is one) and, for
 * every file of the plan, its old content and a manifest line:
 *   N<TAB>node or -<TAB>present|absent<TAB>mode<TAB>path */
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
        rc = hc_wizard_read(w, f->node, f->path, &text, &len, ret_err);
        if (rc == 0 && !f->node) {
            char *lp = hc_wizard_path(w, f->path);

            if (stat(lp, &st) == 0) {
                mode = st.st_mode & 07777;
            }
            g_free(lp);
        }
        if (rc == 0) {
            path = g_build_filename(dir, name, NULL);
            if (text && hc_write_file_atomic(path, text, len, 0600, false) < 0) {
                *ret_err = g_strdup_printf("cannot write %s", path);
                rc = -EIO;
            }
            g_string_append_printf(manifest, "%u\t%s\t%s\t%o\t%s\n", i,
                                   f->node ? f->node : "-",
                                   text ? "present" : "absent",
                                   (unsigned) mode, f->path);
            g_free(path);
        }
        g_free(text);
        g_free(name);
    }
    if (rc == 0) {
        path = g_build_filename(dir, "files", NULL);
        rc = hc_write_file_atomic(path, manifest->str, manifest->len, 0600,
                                  false);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s", path);
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

        if (g_strv_length(f) != 5) {
            g_strfreev(f);
            continue;
        }
        node = strcmp(f[1], "-") ? f[1] : NULL;
        if (!strcmp(f[2], "present")) {
            char *fp = g_strdup_printf("%s/file%s", dir, f[0]);

            rc = hc_read_file(fp, &text, &tl);
            g_free(fp);
        }
        if (rc == 0) {
            char *now = NULL;
            size_t nl = 0;

            /* A file the step did not get to write stays as it is. */
            if (hc_wizard_read(w, node, f[4], &now, &nl, &err) == 0
                && (now ? text && nl == tl && !memcmp(now, text, tl) : !text)) {
                g_free(now);
                g_strfreev(f);
                g_free(text);
                continue;
            }
            g_clear_pointer(&err, g_free);
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

/* The checkpoint's "undo" file: one line per command that ran and has an
 * undo, node (or -) then the undo's words, tab-separated and escaped. */
static void undo_record(hc_wizard *w, const hc_plan_cmd *c)
{
    char *path, *old = NULL;
    size_t len = 0;
    GString *s;

    if (!w->checkpoint) {
        return;
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
    hc_write_file_atomic(path, s->str, s->len, 0600, false);
    g_string_free(s, TRUE);
    g_free(old);
    g_free(path);
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

    hc_wizard_progress(w, "running %s", cmd);
    g_free(cmd);
    rc = hc_wizard_run(w, c->node, c->timeout_ms, NULL, ret_err,
                       (const char *const *) c->argv);
    if (rc == 0 && c->undo) {
        undo_record(w, c);
    }
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

/* Appends the transcript entries from index `from` on to DIR/transcript:
 * the record of what the step ran, kept with its checkpoint. */
static void transcript_save(const char *dir, guint from)
{
    GPtrArray *t = hc_transcript();
    GString *s = g_string_new(NULL);
    char *path = g_build_filename(dir, "transcript", NULL), *old = NULL;
    size_t len = 0;

    hc_read_file(path, &old, &len);
    if (old) {
        g_string_append_len(s, old, (gssize) len);
    }
    for (guint i = from; i < t->len; i++) {
        hc_transcript_entry *e = t->pdata[i];
        char when[32];

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
    hc_write_file_atomic(path, s->str, s->len, 0600, false);
    g_string_free(s, TRUE);
    g_free(path);
    g_free(old);
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
    guint t0 = hc_transcript()->len;
    char *cp, *err = NULL, *rerr = NULL;
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
    if (rc < 0) {
        int rb;

        hc_wizard_progress(w, "failed: %s; rolling back", err);
        rb = checkpoint_restore(w, cp, &rerr);
        if (rb == 0 && s->rollback) {
            rb = s->rollback(w, &rerr);
        }
        if (rb == 0 && p->cib_new) {
            cleanup_failures(w);
        }
        if (rb == 0) {
            *ret_err = g_strdup_printf("%s; rolled back to %s", err, cp);
        } else {
            *ret_err = g_strdup_printf("%s; ROLLBACK FAILED: %s (checkpoint "
                                       "%s)", err, rerr, cp);
        }
        g_free(err);
        g_free(rerr);
        transcript_save(cp, t0);
        g_free(cp);
        return rc;
    }
    transcript_save(cp, t0);
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
    char *cp = checkpoint_latest(w, s);
    int rc;

    if (!cp) {
        *ret_err = g_strdup_printf("no checkpoint of step %s in %s/checkpoints",
                                   s->name, w->state_dir);
        return -ENOENT;
    }
    guint t0 = hc_transcript()->len;

    hc_wizard_progress(w, "rolling back to %s", cp);
    rc = checkpoint_restore(w, cp, ret_err);
    if (rc == 0 && s->rollback) {
        rc = s->rollback(w, ret_err);
    }
    transcript_save(cp, t0);
    if (rc == 0) {
        /* A checkpoint is used once; the one before it is next. */
        char *used = g_strdup_printf("%s.rolled-back", cp);

        rename(cp, used);
        g_free(used);
    }
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
