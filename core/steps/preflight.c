/* Step 1: what the other steps need, on both nodes, before anything is
 * changed: ssh to the peer, the node names resolving, the packages, the
 * HA and service interfaces, the disk.  Nothing to apply: the step is
 * done when every check passes, blocked with every failure listed. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "steps/steps.h"
#include "version.h"

/* The checks of one node, run in one command there: on a slow node (a
 * VM under emulation, a far one) each command costs most of a second,
 * and the step has a dozen checks per node. */
typedef struct needs {
    GPtrArray *argv;    /* "sh", "-c", the loop, "sh", then script, arg... */
    GPtrArray *msgs;    /* what the admin reads when check i fails */
} needs;

static void needs_init(needs *nd)
{
    static const char loop[] =
        "while [ $# -gt 1 ]; do sh -c \"$1\" sh \"$2\" </dev/null "
        ">/dev/null 2>&1; echo $?; shift 2; done";

    nd->argv = g_ptr_array_new_with_free_func(g_free);
    nd->msgs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(nd->argv, g_strdup("sh"));
    g_ptr_array_add(nd->argv, g_strdup("-c"));
    g_ptr_array_add(nd->argv, g_strdup(loop));
    g_ptr_array_add(nd->argv, g_strdup("sh"));
}

/* script (with arg as $1) must succeed on the node; when it fails, the
 * message: what is wrong (the answer with its value) and what to do, as
 * the admin reads it in the step list. */
static void need(needs *nd, const char *script, const char *arg,
                 const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void need(needs *nd, const char *script, const char *arg,
                 const char *fmt, ...)
{
    va_list ap;

    g_ptr_array_add(nd->argv, g_strdup(script));
    g_ptr_array_add(nd->argv, g_strdup(arg));
    va_start(ap, fmt);
    g_ptr_array_add(nd->msgs, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Runs the checks of nd on node (NULL: here), in one command; its
 * output in *ret_out.  Returns what hc_wizard_run() returns
 * (below 0: it did not run, ssh cannot reach the node). */
static int needs_exec(hc_wizard *w, const char *node, needs *nd,
                      char **ret_out)
{
    char *err = NULL;
    int rc;

    g_ptr_array_add(nd->argv, NULL);
    *ret_out = NULL;
    rc = hc_wizard_run(w, node, 15000 * (int) nd->msgs->len, ret_out, &err,
                       (const char *const *) nd->argv->pdata);
    g_free(err);
    return rc;
}

/* Says each check of nd that failed (out: what needs_exec() printed; a
 * check that could not run failed) in bad, prefixed with the node. */
static void needs_report(hc_wizard *w, const char *node, needs *nd,
                         char *out, GString *bad)
{
    const char *name = node ? node : hc_wizard_local(w);
    char **st;

    st = g_strsplit(out ? out : "", "\n", -1);
    for (guint i = 0; i < nd->msgs->len; i++) {
        const char *msg = nd->msgs->pdata[i];
        char *mine, *at;

        if (i < g_strv_length(st) && !strcmp(st[i], "0")) {
            continue;
        }
        /* The same failure on the first node already listed: the
         * peer's name joins it ("nodeone, nodetwo: ..."), the message
         * is not said twice. */
        mine = g_strdup_printf("%s: %s", hc_wizard_local(w), msg);
        at = node ? strstr(bad->str, mine) : NULL;
        if (at && (at == bad->str || at[-1] == ' ')
            && (at[strlen(mine)] == ';' || at[strlen(mine)] == 0)) {
            gssize pos = (at - bad->str)
                         + (gssize) strlen(hc_wizard_local(w));

            g_string_insert(bad, pos, ", ");
            g_string_insert(bad, pos + 2, name);
        } else {
            g_string_append_printf(bad, "%s%s: %s", bad->len ? "; " : "",
                                   name, msg);
        }
        g_free(mine);
    }
    g_strfreev(st);
}

static void needs_clear(needs *nd)
{
    g_ptr_array_free(nd->argv, TRUE);
    g_ptr_array_free(nd->msgs, TRUE);
}


/* ------------------------------------------------ the same hacon on both */

static char *agent_path(const char *name)
{
    return g_strdup_printf("%s/%s", HC_AGENT_DIR, name);
}

/* The peer's hacon, in one ssh command (see hc_hacon_install_parse()). */
static int peer_probe(hc_wizard *w, const char *peer, hc_hacon_install *ret,
                      char **ret_err)
{
    static const char script[] =
        "v=$(hacon --version 2>/dev/null) || v=; echo \"version ${v#hacon }\"; "
        "echo \"path $(command -v hacon)\"; "
        "echo \"dpkg $(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "
        "hacon 2>/dev/null)\"; "
        "for a; do s=$(sha256sum < \"$a\" 2>/dev/null) || s=-; "
        "echo \"agent ${s%% *}\"; done";
    size_t n;
    const hc_agent_sum *sums = hc_agent_sums(&n);
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    char *out = NULL, *err = NULL;
    int rc;

    g_ptr_array_add(argv, g_strdup("sh"));
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup(script));
    g_ptr_array_add(argv, g_strdup("sh"));
    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(argv, agent_path(sums[i].name));
    }
    g_ptr_array_add(argv, NULL);
    rc = hc_wizard_run(w, peer, 15000, &out, ret_err,
                       (const char *const *) argv->pdata);
    g_ptr_array_free(argv, TRUE);
    if (rc == 0) {
        rc = hc_hacon_install_parse(out, strlen(out), ret, &err);
        if (rc < 0) {
            *ret_err = g_strdup_printf("%s: hacon's check there: %s", peer,
                                       err);
            g_free(err);
        }
    }
    g_free(out);
    return rc;
}

/* The command that copies the local file src to dest on node, src as its
 * standard input, over the connection every command there shares
 * (written beside it, then renamed: never half a program there). */
static void plan_copy(hc_plan *p, const char *node, const char *src,
                      const char *dest, const char *mode, const char *why)
{
    char *remote_script = g_strdup_printf(
        "set -e; mkdir -p \"${1%%/*}\"; cat > \"$1.hacon-new\"; "
        "chmod %s \"$1.hacon-new\"; mv -f \"$1.hacon-new\" \"$1\"", mode);

    hc_plan_cmd_add(p, node, 120000, why, "sh", "-c", remote_script, "sh",
                    dest, NULL);
    hc_plan_cmd_input(p, src);
    g_free(remote_script);
}

/* A file about to be replaced on node: kept in the node's
 * /var/lib/hacon/preflight, and put back (or removed, when there was
 * none) by a rollback. */
static void plan_keep(hc_plan *p, const char *node, const char *path)
{
    hc_plan_cmd_add(p, node, 15000, "keeps what is there, for a rollback",
                    "sh", "-c", "set -e; d=/var/lib/hacon/preflight; "
                    "mkdir -p \"$d\"; k=\"$d/$(echo \"$1\" | tr / _)\"; "
                    "if [ -e \"$1\" ]; then cp -p \"$1\" \"$k\"; "
                    "else rm -f \"$k\"; fi", "sh", path, NULL);
    hc_plan_cmd_undo(p, "sh", "-c", "k=\"/var/lib/hacon/preflight/$(echo "
                     "\"$1\" | tr / _)\"; if [ -e \"$k\" ]; then "
                     "cp -p \"$k\" \"$1\"; else rm -f \"$1\"; fi", "sh",
                     path, NULL);
}

/* The .deb of this hacon for the peer: the answer hacon_deb, else
 * ~/hacon_V_A.deb or apt's cache.  NULL when there is none. */
static char *local_deb(hc_wizard *w, const char *arch)
{
    const char *given = hc_wizard_answer(w, "hacon_deb");
    char *name = g_strdup_printf("hacon_%s_%s.deb", hc_version(), arch);
    char *cands[3] = {
        *given ? g_strdup(given) : NULL,
        g_build_filename(g_get_home_dir(), name, NULL),
        g_build_filename("/var/cache/apt/archives", name, NULL),
    };
    char *found = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(cands); i++) {
        if (!found && cands[i]
            && g_file_test(cands[i], G_FILE_TEST_IS_REGULAR)) {
            found = g_strdup(cands[i]);
        }
        if (*given) {
            break;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cands); i++) {
        g_free(cands[i]);
    }
    g_free(name);
    return found;
}

/* This node's hacon is its package's when the running program is the
 * package's /usr/bin/hacon and dpkg has this version installed. */
static bool local_is_package(hc_wizard *w, char **ret_arch)
{
    const char *argv[] = { "dpkg-query", "-W", "-f",
                           "${db:Status-Abbrev}${Version} ${Architecture}",
                           "hacon", NULL };
    char *exe = g_file_read_link("/proc/self/exe", NULL), *out = NULL;
    char *want = g_strdup_printf("ii %s ", hc_version());
    bool pkg = exe && !strcmp(exe, "/usr/bin/hacon")
               && hc_wizard_run(w, NULL, 15000, &out, NULL, argv) == 0
               && out && g_str_has_prefix(out, want);

    *ret_arch = pkg ? g_strstrip(g_strdup(out + strlen(want))) : NULL;
    g_free(want);
    g_free(out);
    g_free(exe);
    return pkg;
}

/* The plan's part for hacon itself: the agents here are this hacon's,
 * and the peer gets this hacon when it has another (or none). */
static void plan_same_hacon(hc_wizard *w, hc_plan *p, const char *peer,
                            GString *bad)
{
    size_t n;
    const hc_agent_sum *sums = hc_agent_sums(&n);
    hc_hacon_install h;
    GString *why = g_string_new(NULL);
    char *err = NULL, *arch = NULL;

    for (size_t i = 0; i < n; i++) {
        char *path = agent_path(sums[i].name), *text = NULL, *sum = NULL;
        size_t len;

        if (hc_wizard_read(w, NULL, path, &text, &len, &err) < 0 || !text) {
            g_string_append_printf(bad, "%sthis node lacks the agent %s of "
                                   "hacon %s: install hacon here (apt install "
                                   "./hacon_%s_*.deb, or make install)",
                                   bad->len ? "; " : "", path, hc_version(),
                                   hc_version());
        } else if (strcmp(sum = g_compute_checksum_for_data(
                       G_CHECKSUM_SHA256, (const guchar *) text, len),
                       sums[i].sha256)) {
            g_string_append_printf(bad, "%sthe agent %s on this node is not "
                                   "hacon %s's: install hacon here again",
                                   bad->len ? "; " : "", path, hc_version());
        }
        g_clear_pointer(&err, g_free);
        g_free(sum);
        g_free(text);
        g_free(path);
    }
    if (peer_probe(w, peer, &h, &err) < 0) {
        g_string_append_printf(bad, "%s%s", bad->len ? "; " : "", err);
        g_free(err);
        g_string_free(why, TRUE);
        return;
    }
    if (hc_hacon_install_same(&h, why)) {
        hc_plan_note(p, "%s runs hacon %s with the same agents as this node",
                     peer, hc_version());
        goto out;
    }
    hc_plan_note(p, "%s: %s: hacon %s is installed there from this node, "
                 "then checked again", peer, why->str, hc_version());
    if (local_is_package(w, &arch)) {
        char *deb = local_deb(w, arch);
        char *dest, *why_copy;

        if (!deb) {
            g_string_append_printf(bad, "%s%s needs hacon %s: this node's "
                                   "is the package, but hacon_%s_%s.deb is "
                                   "neither in ~ nor in apt's cache: answer "
                                   "hacon_deb=PATH, or run apt install "
                                   "./hacon_%s_%s.deb on %s",
                                   bad->len ? "; " : "", peer, hc_version(),
                                   hc_version(), arch, hc_version(), arch,
                                   peer);
            goto out;
        }
        dest = g_strdup_printf("/var/tmp/hacon_%s_%s.deb", hc_version(), arch);
        why_copy = g_strdup_printf("this node's package, %s, copied to %s "
                                   "over ssh", deb, peer);
        plan_copy(p, peer, deb, dest, "644", why_copy);
        hc_plan_cmd_add(p, peer, 300000, "installs the package", "dpkg",
                        "-i", dest, NULL);
        if (!g_str_has_prefix(h.dpkg, "ii ")) {
            hc_plan_cmd_undo(p, "dpkg", "--purge", "hacon", NULL);
        } else {
            hc_plan_warn(p, "%s has the package hacon %s: it is upgraded, "
                         "and a rollback does not bring it back", peer,
                         h.dpkg + 3);
        }
        hc_plan_cmd_add(p, peer, 15000, "removes the copy", "rm", "-f",
                        dest, NULL);
        if (*h.path && strcmp(h.path, "/usr/bin/hacon")) {
            hc_plan_warn(p, "%s has another hacon, %s, before the package's "
                         "on its PATH: remove it there", peer, h.path);
        }
        g_free(why_copy);
        g_free(dest);
        g_free(deb);
    } else {
        char *exe = g_file_read_link("/proc/self/exe", NULL);
        const char *dest = *h.path ? h.path : "/usr/local/bin/hacon";
        char *why_copy;

        if (g_str_has_prefix(h.dpkg, "ii ")) {
            g_string_append_printf(bad, "%s%s has the package hacon %s and "
                                   "this node a hacon installed from source: "
                                   "install the same on both (apt install "
                                   "./hacon_%s_*.deb, or make install)",
                                   bad->len ? "; " : "", peer, h.dpkg + 3,
                                   hc_version());
            g_free(exe);
            goto out;
        }
        why_copy = g_strdup_printf("this node's hacon, %s, copied to %s "
                                   "over ssh", exe ? exe : "?", peer);
        plan_keep(p, peer, dest);
        plan_copy(p, peer, exe ? exe : "/proc/self/exe", dest, "755",
                  why_copy);
        g_free(why_copy);
        for (size_t i = 0; i < n; i++) {
            char *path = agent_path(sums[i].name);
            char *src = hc_wizard_path(w, path);

            why_copy = g_strdup_printf("this node's agent ocf:hacon:%s "
                                       "copied to %s", sums[i].name, peer);
            plan_keep(p, peer, path);
            plan_copy(p, peer, src, path, "755", why_copy);
            g_free(why_copy);
            g_free(src);
            g_free(path);
        }
        g_free(exe);
    }
out:
    g_free(arch);
    hc_hacon_install_clear(&h);
    g_string_free(why, TRUE);
}

/* The checks of a node (the same on both), into nd. */
static void needs_fill(hc_wizard *w, needs *nd, bool drbd, const char *disk,
                       const char *disk_key, char **agent,
                       const char *agent_ans, const char *dhcp_agent,
                       const char *const *pkgs, size_t npkgs)
{
    needs_init(nd);
    for (int k = 1; k <= 2; k++) {
        const char *key = k == 1 ? "node1" : "node2";
        const char *v = hc_wizard_answer(w, key);

        need(nd, "getent hosts \"$1\" >/dev/null", v,
             "%s=%s does not resolve there (getent hosts): add it to "
             "/etc/hosts there, or answer %s= the node's name "
             "(uname -n)", key, v, key);
    }
    for (size_t k = 0; k < npkgs; k++) {
        need(nd, "dpkg-query -W -f='${Status}' \"$1\" "
             "2>/dev/null | grep -q 'ok installed'", pkgs[k],
             "package %s is not installed there: apt-get install %s",
             pkgs[k], pkgs[k]);
    }
    /* hacon's own agents are checked, and installed on the
     * peer, with hacon itself below. */
    if (strcmp(agent[1], "hacon")) {
        need(nd, "test -x \"$1\"", dhcp_agent,
             "dhcp_agent=%s is not installed there (no %s): install "
             "it on both nodes, or answer dhcp_agent=%s",
             agent_ans, dhcp_agent, hc_steps_kea(w)
             ? "ocf:hacon:kea-dhcp4" : "ocf:hacon:dhcpd");
    }
    need(nd, "ip link show \"$1\" >/dev/null 2>&1",
         hc_wizard_answer(w, "ha_if"),
         "ha_if=%s is no network interface there (ip link): answer "
         "ha_if= the interface on the HA network",
         hc_wizard_answer(w, "ha_if"));
    need(nd, "ip link show \"$1\" >/dev/null 2>&1",
         hc_wizard_answer(w, "service_if"),
         "service_if=%s is no network interface there (ip link): "
         "answer service_if= the interface towards the DHCP clients",
         hc_wizard_answer(w, "service_if"));
    if (drbd) {
        need(nd, "test -b \"$1\"", disk,
             "drbd_disk=%s (storage=drbd) is not a block device "
             "there: answer drbd_disk= the disk DRBD replicates, or, "
             "without DRBD, storage=shared and shared_disk= a disk "
             "both nodes see", disk);
        /* DRBD's backing disk must not be in use (mounted). */
        need(nd, "! grep -q \"^$(readlink -f \"$1\") \" "
             "/proc/mounts", disk,
             "drbd_disk=%s is mounted there: DRBD needs it unused: "
             "unmount it, or answer drbd_disk= another disk", disk);
    } else {
        need(nd, "test -b \"$1\"", disk,
             "%s=%s (storage=shared) is not a block device there: "
             "answer shared_disk= a disk both nodes see", disk_key,
             disk);
    }
}

static int preflight_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *const pkgs[] = { "corosync", "pacemaker",
        "pacemaker-cli-utils", "resource-agents",
        hc_steps_kea(w) ? "kea-dhcp4-server" : "isc-dhcp-server",
        "drbd-utils" };
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };
    GString *bad = g_string_new(NULL);
    bool drbd = !strcmp(hc_wizard_answer(w, "storage"), "drbd");
    const char *disk_key = drbd ? "drbd_disk" : "shared_disk";
    const char *disk = hc_wizard_answer(w, disk_key);
    const char *agent_ans = hc_wizard_answer(w, "dhcp_agent");
    char **agent = g_strsplit(agent_ans, ":", 3);
    char *dhcp_agent = g_strdup_printf("/usr/lib/ocf/resource.d/%s/%s",
                                       agent[1], agent[2]);
    needs nd[2];
    char *out[2] = { NULL, NULL };

    /* Each node's checks in one command there, the peer's first: that
     * it runs at all says whether ssh reaches the peer. */
    for (int i = 1; i >= 0; i--) {
        needs_fill(w, &nd[i], drbd, disk, disk_key, agent, agent_ans,
                   dhcp_agent, pkgs, G_N_ELEMENTS(pkgs));
    }
    if (needs_exec(w, nodes[1], &nd[1], &out[1]) < 0) {
        /* Two ways out: ssh's (the right name, no key yet), or an answer
         * (the default name on machines called otherwise), named so that
         * the answers form opens on it. */
        const char *key = strcmp(nodes[1], hc_wizard_answer(w, "node1"))
                          ? "node2" : "node1";

        g_string_append_printf(bad, "%s: %s=%s cannot be reached by ssh as "
                               "root (BatchMode): ssh-copy-id root@%s, then "
                               "ssh %s true once; if the peer is not called "
                               "%s, answer %s= its name",
                               hc_wizard_local(w), key, nodes[1], nodes[1],
                               nodes[1], nodes[1], key);
    } else {
        needs_exec(w, NULL, &nd[0], &out[0]);
        needs_report(w, NULL, &nd[0], out[0], bad);
        needs_report(w, nodes[1], &nd[1], out[1], bad);
        plan_same_hacon(w, p, nodes[1], bad);
    }
    for (int i = 0; i < 2; i++) {
        needs_clear(&nd[i]);
        g_free(out[i]);
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup("both nodes ready"));
    g_free(dhcp_agent);
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

/* After an install on the peer: it runs this hacon and its agents now. */
static int preflight_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *peer = hc_wizard_peer(w);
    GString *why;
    hc_hacon_install h;
    int rc;

    if (!p->cmds->len) {
        return 0;
    }
    rc = peer_probe(w, peer, &h, ret_err);
    if (rc < 0) {
        return rc;
    }
    why = g_string_new(NULL);
    if (!hc_hacon_install_same(&h, why)) {
        *ret_err = g_strdup_printf("%s after the install: %s", peer,
                                   why->str);
        rc = -EIO;
    } else {
        hc_wizard_progress(w, "%s runs hacon %s with the same agents",
                           peer, hc_version());
    }
    g_string_free(why, TRUE);
    hc_hacon_install_clear(&h);
    return rc;
}

static int preflight_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_preflight, ret, why);
}

/* A command's output on node (NULL: here), stripped; NULL when it fails
 * or prints nothing. */
static char *detect_out(hc_wizard *w, const char *node, const char *script,
                        const char *arg)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };
    char *out = NULL;

    if (hc_wizard_run(w, node, 15000, &out, NULL, argv) < 0 || !out
        || !*g_strstrip(out)) {
        g_free(out);
        return NULL;
    }
    return out;
}

static void detected(hc_wizard *w, const char *key, const char *value,
                     const char *why)
{
    char *err = NULL;

    hc_wizard_set_detected(w, key, value, why, &err);
    g_free(err);
}

/* The node names, when the defaults are not this machine's and the admin
 * named neither node: this node holds node1_ha or node2_ha (its uname -n
 * is that node); the peer is the node that answers ssh at the other HA
 * address, by the name that address has in this node's hosts database,
 * with its own uname -n. */
static void detect_nodes(hc_wizard *w)
{
    const char *me = hc_wizard_local(w), *addr;
    char *has, *name = NULL, *peer = NULL, *why;
    int k;

    if (hc_wizard_answer_origin(w, "node1", NULL) == HC_ANSWER_FILE
        || hc_wizard_answer_origin(w, "node2", NULL) == HC_ANSWER_FILE
        || !strcmp(me, hc_wizard_answer(w, "node1"))
        || !strcmp(me, hc_wizard_answer(w, "node2"))) {
        return;
    }
    for (k = 1; k <= 2; k++) {
        char *key = g_strdup_printf("node%d_ha", k);

        has = detect_out(w, NULL, "ip -o -4 addr show | grep -F \" $1/\"",
                         hc_wizard_answer(w, key));
        g_free(key);
        if (has) {
            g_free(has);
            break;
        }
    }
    if (k > 2) {
        return;
    }
    addr = hc_wizard_answer(w, k == 1 ? "node2_ha" : "node1_ha");
    why = g_strdup_printf("this node (uname -n) holds node%d_ha=%s", k,
                          hc_wizard_answer(w, k == 1 ? "node1_ha"
                                                     : "node2_ha"));
    detected(w, k == 1 ? "node1" : "node2", me, why);
    g_free(why);
    name = detect_out(w, NULL, "getent hosts \"$1\" | awk '{ print $2; "
                      "exit }'", addr);
    peer = detect_out(w, name ? name : addr, "uname -n", "");
    if (peer && !strchr(peer, '\n') && strcmp(peer, me)) {
        why = g_strdup_printf("uname -n over ssh at node%d_ha=%s%s%s", 3 - k,
                              addr, name ? " (" : "", name ? name : "");
        if (name) {
            char *t = g_strconcat(why, " in /etc/hosts)", NULL);

            g_free(why);
            why = t;
        }
        detected(w, k == 1 ? "node2" : "node1", peer, why);
        g_free(why);
    }
    g_free(name);
    g_free(peer);
}

/* Deadlines for a VM under software emulation (systemd-detect-virt says
 * qemu: QEMU without KVM, some 20 times slower than hardware), when the
 * admin left them at their defaults. */
static void detect_slow(hc_wizard *w)
{
    static const char *const keys[] = { "slow_factor", "op_timeout", "timeout" };
    static const char *const vals[] = { "4", "120", "300" };
    char *virt;

    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (hc_wizard_answer_origin(w, keys[i], NULL) == HC_ANSWER_FILE) {
            return;
        }
    }
    virt = detect_out(w, NULL, "systemd-detect-virt --vm", "");
    if (virt && !strcmp(virt, "qemu")) {
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
            detected(w, keys[i], vals[i], "this node is a VM under software "
                     "emulation (systemd-detect-virt: qemu, no KVM)");
        }
    }
    g_free(virt);
}

static int preflight_detect(hc_wizard *w)
{
    detect_nodes(w);
    detect_slow(w);
    return 0;
}

const hc_step hc_step_preflight = {
    .name = "preflight",
    .title = "Both nodes ready",
    .tutorial = "apt-get install pacemaker corosync (drbd8-utils, "
                "isc-dhcp-server), eth0/eth1/eth2, /dev/sdb1",
    .hacon = "checks ssh to the peer, name resolution, the packages, the "
             "interfaces and the disk on both nodes, and that both run the "
             "same hacon and agents; installs this node's hacon on the peer "
             "when it has another or none (its .deb with dpkg -i, or the "
             "program and agents when hacon was installed from source), "
             "and changes nothing else",
    .check = preflight_check,
    .plan = preflight_plan,
    .verify = preflight_verify,
    .detect = preflight_detect,
};
