/* Step 3: fencing, before the tutorial's "disable STONITH" (which stays,
 * with its warnings, for fencing=none).  Answer "fencing" chooses:
 *
 *   agent    a fence device per node, of the fence agent the admin names
 *            (fence_ipmilan, fence_virsh, fence_xvm, any installed one):
 *            its parameters checked against the agent's own meta-data, the
 *            secret (a password) kept in a file of mode 0600 on both nodes
 *            and handed to the agent through password_script (never in the
 *            CIB, the plan, the transcript or an argv), each device's
 *            `-o status` run live before the CIB is changed
 *   sbd      sbd on a small shared disk (poison pill) with a watchdog (a
 *            hardware one where the node has it, softdog otherwise):
 *            `sbd -d DEV create`, /etc/default/sbd on both nodes, sbd
 *            started with pacemaker, stonith:fence_sbd, stonith-timeout
 *            from sbd's msgwait
 *   qdevice  diskless sbd (watchdog only) with corosync-qdevice: the third
 *            vote of corosync-qnetd on another host, stonith-watchdog-timeout
 *   none     nothing here: step stonith then disables fencing
 *
 * With two nodes, every method gets a fence delay (pcmk_delay_max) so that
 * both nodes never shoot each other at once.  Verify fences nothing by
 * surprise: the devices run and answer, sbd runs with its watchdog open;
 * one real test fence of the passive node only when the admin answered
 * fence_test=yes. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
#include <crm/common/util.h>
#include <libxml/parser.h>

#include "status.h"
#include "util.h"
#include "steps/steps.h"

#define SECRET_DIR "/var/lib/hacon/fence"
#define SBD_CONF "/etc/default/sbd"
#define SOFTDOG_CONF "/etc/modules-load.d/hacon-softdog.conf"
#define COROSYNC_CONF "/etc/corosync/corosync.conf"
#define QNETD_DB "/etc/corosync/qnetd/nssdb"
#define QDEVICE_DB "/etc/corosync/qdevice/net/nssdb"
/* SBD_WATCHDOG_TIMEOUT with a quorum device: above corosync-qdevice's
 * default sync_timeout of 30 s. */
#define QDEVICE_MIN_WD_TIMEOUT 35

static const char *method(const hc_wizard *w)
{
    return hc_wizard_answer(w, "fencing");
}

/* ------------------------------------------------------------ the agent */

typedef hc_fence_param agent_param;

static void agent_param_free(gpointer p)
{
    agent_param *a = p;

    g_free(a->name);
    g_free(a);
}

int hc_fence_meta_params(const char *xml, size_t len, GPtrArray **ret)
{
    xmlDoc *doc;

    *ret = NULL;
    if (len > INT_MAX) {
        return -EINVAL;
    }
    doc = xmlReadMemory(xml, (int) len, "meta-data", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR
                        | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return -EINVAL;
    }
    *ret = g_ptr_array_new_with_free_func(agent_param_free);
    for (xmlNode *s = xmlDocGetRootElement(doc)->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE
            || strcmp((const char *) s->name, "parameters")) {
            continue;
        }
        for (xmlNode *x = s->children; x; x = x->next) {
            xmlChar *name, *req, *dep;
            agent_param *a;

            if (x->type != XML_ELEMENT_NODE
                || strcmp((const char *) x->name, "parameter")) {
                continue;
            }
            name = xmlGetProp(x, (const xmlChar *) "name");
            if (!name) {
                continue;
            }
            req = xmlGetProp(x, (const xmlChar *) "required");
            dep = xmlGetProp(x, (const xmlChar *) "deprecated");
            a = g_new0(agent_param, 1);
            a->name = g_strdup((const char *) name);
            a->required = req && !strcmp((const char *) req, "1");
            a->deprecated = dep && !strcmp((const char *) dep, "1");
            g_ptr_array_add(*ret, a);
            xmlFree(name);
            xmlFree(req);
            xmlFree(dep);
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

/* A parameter that holds a secret: a password, not its script. */
static bool is_secret(const char *name)
{
    return strstr(name, "passw") && !g_str_has_suffix(name, "_script");
}

/* The agent's parameters from `AGENT -o metadata`, run here. */
static int agent_meta(hc_wizard *w, const char *agent, GPtrArray **ret,
                      char **ret_err)
{
    const char *argv[] = { agent, "-o", "metadata", NULL };
    char *out = NULL, *err = NULL;
    int rc = hc_wizard_run(w, NULL, 30000, &out, &err, argv);

    *ret = NULL;
    if (rc < 0 || !out || !*out) {
        *ret_err = g_strdup_printf("fence agent %s gives no meta-data here "
                                   "(%s): answer fence_agent with one that "
                                   "`stonith_admin --list-installed` lists",
                                   agent, err ? err : "no output");
        g_free(out);
        g_free(err);
        return rc < 0 ? rc : -ENOENT;
    }
    rc = hc_fence_meta_params(out, strlen(out), ret);
    g_free(out);
    if (rc < 0) {
        *ret_err = g_strdup_printf("fence agent %s: its meta-data is not XML",
                                   agent);
    }
    return rc;
}

static const agent_param *param_find(GPtrArray *params, const char *name)
{
    for (guint i = 0; i < params->len; i++) {
        const agent_param *a = params->pdata[i];

        if (!strcmp(a->name, name)) {
            return a;
        }
    }
    return NULL;
}

/* The parameters Pacemaker or hacon sets, never the admin's own. */
static bool param_reserved(const char *name)
{
    return !strcmp(name, "action") || !strcmp(name, "plug")
           || !strcmp(name, "port") || !strcmp(name, "pcmk_host_list")
           || !strcmp(name, "password_script")
           || !strcmp(name, "passwd_script");
}

/* fence_nodeN_params as NAME=VALUE pairs (a GPtrArray of "name", "value",
 * ...), each name checked against the meta-data. */
static int device_params(const hc_wizard *w, int i, GPtrArray *params,
                         const char *agent, GPtrArray **ret, char **ret_err)
{
    const char *key = i ? "fence_node2_params" : "fence_node1_params";
    const char *text = hc_wizard_answer(w, key);
    char **words = NULL;
    GError *e = NULL;

    *ret = g_ptr_array_new_with_free_func(g_free);
    if (!*text) {
        GString *req = g_string_new(NULL);

        for (guint k = 0; k < params->len; k++) {
            const agent_param *a = params->pdata[k];

            if (a->required && !a->deprecated && !param_reserved(a->name)) {
                g_string_append_printf(req, " %s=...", a->name);
            }
        }
        *ret_err = g_strdup_printf("answer %s: the parameters of %s's fence "
                                   "device (%s) as NAME=VALUE words%s%s; the "
                                   "password goes in fence_secret_file",
                                   key, hc_wizard_answer(w, i ? "node2"
                                                                : "node1"),
                                   agent, req->len ? ", required:" : "",
                                   req->str);
        g_string_free(req, TRUE);
        return -ENOENT;
    }
    if (!g_shell_parse_argv(text, NULL, &words, &e)) {
        *ret_err = g_strdup_printf("answer %s: %s", key, e->message);
        g_error_free(e);
        return -EINVAL;
    }
    for (char **p = words; *p; p++) {
        char *eq = strchr(*p, '='), *name;
        int rc = 0;

        if (!eq || eq == *p) {
            char *x = hc_escape(*p, 40);

            *ret_err = g_strdup_printf("answer %s: '%s' is not NAME=VALUE",
                                       key, x);
            g_free(x);
            rc = -EINVAL;
        } else {
            name = g_strndup(*p, eq - *p);
            if (is_secret(name)) {
                *ret_err = g_strdup_printf("answer %s: %s is a secret: put it "
                                           "in the file fence_secret_file "
                                           "names (mode 0600), not in the "
                                           "answers", key, name);
                rc = -EINVAL;
            } else if (param_reserved(name)) {
                *ret_err = g_strdup_printf("answer %s: %s is set by hacon "
                                           "(pcmk_host_list, the password "
                                           "script) or by Pacemaker", key,
                                           name);
                rc = -EINVAL;
            } else if (!g_str_has_prefix(name, "pcmk_")
                       && !param_find(params, name)) {
                char *x = hc_escape(name, 40);

                *ret_err = g_strdup_printf("answer %s: %s has no parameter "
                                           "'%s' (%s -o metadata lists "
                                           "them)", key, agent, x, agent);
                g_free(x);
                rc = -EINVAL;
            }
            if (rc == 0) {
                g_ptr_array_add(*ret, name);
                g_ptr_array_add(*ret, g_strdup(eq + 1));
            } else {
                g_free(name);
            }
        }
        if (rc < 0) {
            g_strfreev(words);
            return rc;
        }
    }
    g_strfreev(words);
    for (guint k = 0; k < params->len; k++) {
        const agent_param *a = params->pdata[k];
        bool given = false;

        if (!a->required || a->deprecated || param_reserved(a->name)
            || is_secret(a->name)) {
            continue;
        }
        for (guint j = 0; j < (*ret)->len; j += 2) {
            given |= !strcmp((*ret)->pdata[j], a->name);
        }
        if (!given) {
            *ret_err = g_strdup_printf("answer %s: %s needs %s=...", key,
                                       agent, a->name);
            return -ENOENT;
        }
    }
    return 0;
}

/* The secret of node i's device from fence_secret_file: a line
 * "node1=SECRET" (or node2=, or the node's name=), else a line without
 * "=" for both.  NULL (and 0) when no file is named.  The file must not
 * be readable by others. */
char *hc_fence_secret_pick(const char *text, const char *num,
                           const char *name)
{
    char **lines = g_strsplit(text, "\n", -1), *r = NULL;

    for (char **l = lines; *l && !r; l++) {
        char *eq = strchr(*l, '=');
        size_t n = eq ? (size_t) (eq - *l) : 0;

        if (eq && ((n == strlen(num) && !strncmp(*l, num, n))
                   || (n == strlen(name) && !strncmp(*l, name, n)))) {
            r = g_strdup(eq + 1);
        }
    }
    for (char **l = lines; *l && !r; l++) {
        if (**l && !strchr(*l, '=')) {
            r = g_strdup(*l);
        }
    }
    /* The copies of the secret are cleared before they are freed. */
    for (char **l = lines; *l; l++) {
        explicit_bzero(*l, strlen(*l));
    }
    g_strfreev(lines);
    return r;
}

static int device_secret(const hc_wizard *w, int i, char **ret,
                         char **ret_err)
{
    const char *path = hc_wizard_answer(w, "fence_secret_file");
    const char *name = hc_wizard_answer(w, i ? "node2" : "node1");
    const char *num = i ? "node2" : "node1";
    struct stat sb;
    char *text = NULL;
    size_t len;
    int rc;

    *ret = NULL;
    if (!*path) {
        return 0;
    }
    if (stat(path, &sb) < 0) {
        *ret_err = g_strdup_printf("fence_secret_file %s: %s", path,
                                   strerror(errno));
        return -errno;
    }
    if (sb.st_mode & 077) {
        *ret_err = g_strdup_printf("fence_secret_file %s is readable by "
                                   "others (mode %04o): chmod 600 it",
                                   path, (unsigned) (sb.st_mode & 07777));
        return -EPERM;
    }
    rc = hc_read_file(path, &text, &len);
    if (rc < 0) {
        *ret_err = g_strdup_printf("fence_secret_file %s: %s", path,
                                   strerror(-rc));
        return rc;
    }
    *ret = hc_fence_secret_pick(text, num, name);
    memset(text, 0, len);
    g_free(text);
    if (!*ret) {
        *ret_err = g_strdup_printf("fence_secret_file %s has no line %s=... "
                                   "(or %s=..., or one line for both "
                                   "nodes)", path, num, name);
        return -ENOENT;
    }
    return 0;
}

static char *device_id(const char *node)
{
    return g_strdup_printf("st_%s", node);
}

static char *secret_path(const char *id)
{
    return g_strdup_printf(SECRET_DIR "/%s.secret", id);
}

static void nvpair(GString *x, GString *crm, const char *id, const char *n,
                   const char *v)
{
    char *s = g_markup_printf_escaped("      <nvpair id=\"%s-instance_"
                                      "attributes-%s\" name=\"%s\" "
                                      "value=\"%s\"/>\n", id, n, n, v);

    g_string_append(x, s);
    g_free(s);
    if (crm) {
        char *q = g_shell_quote(v);

        g_string_append_printf(crm, " %s=%s", n,
                               strpbrk(v, " \t\"'$\\") ? q : v);
        g_free(q);
    }
}

/* checks gets the live status checks (hc_plan_cmd*), which the plan runs
 * only when it changes something. */
static int agent_plan(hc_wizard *w, hc_plan *p, GPtrArray *checks,
                      char **ret_err)
{
    const char *agent = hc_wizard_answer(w, "fence_agent");
    const char *nodes[2] = { hc_wizard_answer(w, "node1"),
                             hc_wizard_answer(w, "node2") };
    const char *delay = hc_wizard_answer(w, "fence_delay");
    GPtrArray *meta = NULL;
    bool has_script;
    int rc = agent_meta(w, agent, &meta, ret_err);

    if (rc < 0) {
        return rc;
    }
    has_script = param_find(meta, "password_script") != NULL;
    for (int i = 0; rc == 0 && i < 2; i++) {
        /* Node i's device runs on the other node (a node never fences
         * itself), which checks it. */
        const char *target = nodes[i], *runner = nodes[!i];
        const char *run_on = strcmp(runner, hc_wizard_local(w)) ? runner
                                                                 : NULL;
        GPtrArray *kv = NULL;
        char *secret = NULL, *id = device_id(target), *spath = secret_path(id);
        GString *x = g_string_new(NULL), *crm = g_string_new(NULL);
        GString *check = g_string_new(NULL);
        GPtrArray *argv;
        char *s;

        rc = device_params(w, i, meta, agent, &kv, ret_err);
        if (rc == 0) {
            rc = device_secret(w, i, &secret, ret_err);
        }
        if (rc == 0 && secret) {
            /* The secret, on both nodes: either may run the device. */
            for (int n = 0; rc == 0 && n < 2; n++) {
                const char *on = strcmp(nodes[n], hc_wizard_local(w))
                                 ? nodes[n] : NULL;
                char *t = g_strdup_printf("%s\n", secret);

                rc = hc_plan_file_add(w, p, on, spath, t, strlen(t), 0600,
                                      true, ret_err);
                memset(t, 0, strlen(t));
                g_free(t);
            }
            memset(secret, 0, strlen(secret));
        }
        if (rc == 0) {
            s = g_markup_printf_escaped("<primitive id=\"%s\" class=\"stonith\""
                                        " type=\"%s\">\n    <instance_"
                                        "attributes id=\"%s-instance_"
                                        "attributes\">\n", id, agent, id);
            g_string_append(x, s);
            g_free(s);
            g_string_append_printf(crm, "crm configure primitive %s "
                                   "stonith:%s params", id, agent);
            for (guint k = 0; k < kv->len; k += 2) {
                nvpair(x, crm, id, kv->pdata[k], kv->pdata[k + 1]);
            }
            nvpair(x, crm, id, "pcmk_host_list", target);
            if (strcmp(delay, "0")) {
                char *d = g_strdup_printf("%ss", delay);

                nvpair(x, crm, id, "pcmk_delay_max", d);
                g_free(d);
            }
            if (secret && has_script) {
                char *cmd = g_strdup_printf("cat %s", spath);

                nvpair(x, crm, id, "password_script", cmd);
                g_free(cmd);
            } else if (secret) {
                /* No script parameter: the password goes in the CIB. */
                nvpair(x, NULL, id, "password", secret);
                g_string_append(crm, " password=...");
                hc_plan_warn(p, "%s has no password_script parameter: the "
                             "password of %s's device is stored in the CIB "
                             "(readable by root and the hacluster group "
                             "only), where crm configure show masks it.",
                             agent, target);
            }
            g_string_append_printf(x, "    </instance_attributes>\n    "
                                   "<operations>\n      <op id=\"%s-monitor-"
                                   "60s\" name=\"monitor\" interval=\"60s\" "
                                   "timeout=\"30s\"/>\n    </operations>\n"
                                   "</primitive>", id);
            g_string_append(crm, " op monitor interval=60s timeout=30s");
            hc_cib_remove_id(p->cib_new, id);
            rc = hc_cib_add_xml(p->cib_new, "resources", x->str);
            if (rc < 0) {
                *ret_err = g_strdup_printf("cannot add %s to the CIB", id);
            }
        }
        if (rc == 0) {
            char *lid = g_strdup_printf("l_%s", id);

            s = g_markup_printf_escaped("<rsc_location id=\"%s\" rsc=\"%s\" "
                                        "node=\"%s\" score=\"-INFINITY\"/>",
                                        lid, id, target);
            hc_cib_remove_id(p->cib_new, lid);
            rc = hc_cib_add_xml(p->cib_new, "constraints", s);
            g_free(s);
            hc_plan_crm(p, "%s", crm->str);
            hc_plan_crm(p, "crm configure location %s %s -inf: %s", lid, id,
                        target);
            g_free(lid);
        }
        /* The live status check: the agent reads its options on stdin
         * (NAME=VALUE lines), so that the secret is in no argv. */
        if (rc == 0) {
            argv = g_ptr_array_new();
            g_string_append(check, "a=$1; s=$2; shift 2; { for o in \"$@\"; "
                            "do printf '%s\\n' \"$o\"; done; ");
            if (secret && has_script) {
                g_string_append(check, "printf 'password_script=cat %s\\n' "
                                "\"$s\"; ");
            } else if (secret) {
                g_string_append(check, "printf 'password=%s\\n' \"$(cat "
                                "\"$s\")\"; ");
            }
            g_string_append(check, "echo action=status; } | \"$a\"");
            g_ptr_array_add(argv, g_strdup("sh"));
            g_ptr_array_add(argv, g_strdup("-c"));
            g_ptr_array_add(argv, g_string_free(check, FALSE));
            check = NULL;
            g_ptr_array_add(argv, g_strdup("fence-status"));
            g_ptr_array_add(argv, g_strdup(agent));
            g_ptr_array_add(argv, g_strdup(spath));
            for (guint k = 0; k < kv->len; k += 2) {
                g_ptr_array_add(argv, g_strdup_printf("%s=%s",
                                                      (char *) kv->pdata[k],
                                                      (char *) kv->pdata[k + 1]));
            }
            g_ptr_array_add(argv, g_strdup_printf("plug=%s", target));
            g_ptr_array_add(argv, NULL);
            {
                hc_plan_cmd *c = g_new0(hc_plan_cmd, 1);

                c->node = g_strdup(run_on);
                c->argv = (char **) g_ptr_array_free(argv, FALSE);
                c->timeout_ms = 60000;
                c->why = g_strdup_printf("live check: %s's fence device "
                                         "answers (%s -o status from %s), "
                                         "before it is committed", target,
                                         agent, runner);
                g_ptr_array_add(checks, c);
            }
        }
        if (check) {
            g_string_free(check, TRUE);
        }
        g_free(secret);
        g_free(id);
        g_free(spath);
        g_string_free(x, TRUE);
        g_string_free(crm, TRUE);
        if (kv) {
            g_ptr_array_unref(kv);
        }
    }
    g_ptr_array_unref(meta);
    if (rc == 0) {
        hc_plan_note(p, "Chosen: fencing=agent, one %s device per node. "
                     "Each device fences one node (pcmk_host_list) and never "
                     "runs on that node. %s", agent, has_script
                     ? "The password is in " SECRET_DIR "/st_NODE.secret "
                       "(mode 0600) on both nodes, and the device reads it "
                       "through password_script: it is not in the CIB."
                     : "");
    }
    return rc;
}

/* ------------------------------------------------------------ sbd */

/* The text of /etc/default/sbd; dev NULL: diskless (watchdog only). */
static char *sbd_conf(const char *dev, const char *watchdog, int wd_timeout)
{
    return g_strdup_printf(
        "# sbd: written by hacon setup (step fence); read by sbd at its "
        "start.\n"
        "# %s\n"
        "%s%s%s"
        "SBD_PACEMAKER=yes\n"
        "SBD_STARTMODE=always\n"
        "SBD_DELAY_START=no\n"
        "SBD_WATCHDOG_DEV=%s\n"
        "SBD_WATCHDOG_TIMEOUT=%d\n"
        "SBD_TIMEOUT_ACTION=flush,reboot\n"
        "SBD_MOVE_TO_ROOT_CGROUP=auto\n"
        "SBD_SYNC_RESOURCE_STARTUP=yes\n"
        "SBD_OPTS=\n",
        dev ? "A shared disk (poison pill) and the watchdog."
            : "Diskless: the watchdog alone, with corosync-qdevice's vote.",
        dev ? "SBD_DEVICE=\"" : "", dev ? dev : "", dev ? "\"\n" : "",
        watchdog, wd_timeout);
}

/* The watchdog of a node: /dev/watchdog of a hardware driver, else
 * softdog (loaded now and at boot). */
static int plan_watchdog(hc_wizard *w, hc_plan *p, const char *node,
                         char **ret_dev, char **ret_err)
{
    const char *want = hc_wizard_answer(w, "sbd_watchdog");
    const char *probe[] = { "sh", "-c", "for d in /sys/class/watchdog/*; do "
                            "[ -e \"$d/identity\" ] && cat \"$d/identity\"; "
                            "done; true", NULL };
    const char *on = strcmp(node, hc_wizard_local(w)) ? node : NULL;
    char *out = NULL;
    int rc;

    if (strcmp(want, "auto")) {
        *ret_dev = g_strdup(want);
        hc_plan_note(p, "[%s] watchdog %s (answer sbd_watchdog).", node, want);
        return 0;
    }
    *ret_dev = g_strdup("/dev/watchdog");
    rc = hc_wizard_run(w, on, 15000, &out, ret_err, probe);
    if (rc < 0) {
        g_free(out);
        return rc;
    }
    g_strstrip(out);
    if (*out && !strstr(out, "Software Watchdog")) {
        char *e = hc_escape(out, 60);

        hc_plan_note(p, "[%s] hardware watchdog: %s (/dev/watchdog).", node, e);
        g_free(e);
    } else if (*out) {
        hc_plan_note(p, "[%s] softdog is loaded: /dev/watchdog.", node);
    } else {
        hc_plan_note(p, "[%s] no hardware watchdog: softdog, a watchdog in "
                     "the kernel, resets the node when sbd stops feeding it "
                     "(it cannot help when the kernel itself hangs).", node);
        hc_plan_cmd_add(p, on, 30000, "load softdog (the watchdog sbd feeds)",
                        "modprobe", "softdog", NULL);
        rc = hc_plan_file_add(w, p, on, SOFTDOG_CONF, "softdog\n", 8, 0644,
                              false, ret_err);
    }
    g_free(out);
    return rc;
}

/* Diskless sbd without systemd, started and stopped as systemd's
 * sbd.service does (its environment from /etc/default/sbd, then `sbd
 * $SBD_OPTS watch`; SIGTERM): Debian's init script refuses a configuration
 * without SBD_DEVICE ("No sbd devices defined") for start and stop alike.
 * sbd writes its pid file padded with spaces. */
#define SBD_DISKLESS_START \
    "set -a; . " SBD_CONF "; set +a; pidof sbd > /dev/null || " \
    "exec /usr/sbin/sbd $SBD_OPTS -p /run/sbd.pid watch"
#define SBD_DISKLESS_STOP \
    "p=$(tr -dc 0-9 < /run/sbd.pid 2> /dev/null); " \
    "[ -n \"$p\" ] && kill -TERM \"$p\"; " \
    "i=0; while pidof sbd > /dev/null; do i=$((i + 1)); " \
    "[ $i -gt 45 ] && exit 1; sleep 1; done; exit 0"

/* How a node starts sbd so that it runs before pacemaker: systemd starts it
 * with corosync once enabled (it refuses a manual start), so the cluster
 * restarts on that node; an init script or the admin's start_command: stop
 * pacemaker, start sbd, start pacemaker (diskless without a start_command:
 * sbd itself, as systemd's unit runs it). */
static int plan_sbd_start(hc_wizard *w, hc_plan *p, const char *node,
                          bool diskless, bool kept)
{
    const char *on = strcmp(node, hc_wizard_local(w)) ? node : NULL;
    const char *mgr = hc_wizard_answer(w, "service_manager");
    char *out = NULL, *err = NULL;

    if (!strcmp(mgr, "auto")) {
        const char *probe[] = { "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
                                "systemd ]; then echo systemd; elif [ -x "
                                "/etc/init.d/sbd ]; then echo init; else "
                                "echo none; fi", NULL };

        if (hc_wizard_run(w, on, 15000, &out, &err, probe) == 0) {
            g_strstrip(out);
            mgr = !strcmp(out, "systemd") ? "systemd"
                  : !strcmp(out, "init") ? "init" : "command";
        }
    }
    if (!strcmp(mgr, "systemd")) {
        hc_plan_cmd_add(p, on, 30000, "sbd starts with corosync from now on",
                        "systemctl", "enable", "sbd", NULL);
        hc_plan_cmd_undo(p, "systemctl", "disable", "sbd", NULL);
        hc_plan_cmd_add(p, on, 300000, kept
                        ? "restart the cluster stack on the node, sbd first "
                          "(its resources keep running: maintenance-mode)"
                        : "restart the cluster stack on the node, sbd first "
                          "(its resources move away meanwhile)",
                        "crm", "cluster", "restart", NULL);
        /* A rollback restarts the stack without sbd (undone the last
         * first: this before the disable above). */
        hc_plan_cmd_undo(p, "sh", "-c", "systemctl disable sbd && crm cluster "
                         "restart", NULL);
    } else {
        const char *cmd = !strcmp(mgr, "command")
                          ? hc_wizard_answer(w, "start_command") : "";
        char **words = NULL;
        GPtrArray *a[3];
        static const char *const what[3][2] = {
            { "pacemaker", "stop" }, { "sbd", "start" },
            { "pacemaker", "start" } };

        if (*cmd) {
            g_shell_parse_argv(cmd, NULL, &words, NULL);
        }
        for (int k = 0; k < 3; k++) {
            hc_plan_cmd *c = g_new0(hc_plan_cmd, 1);

            a[k] = g_ptr_array_new();
            if (words) {
                for (char **wd = words; *wd; wd++) {
                    g_ptr_array_add(a[k], g_strdup(*wd));
                }
                g_ptr_array_add(a[k], g_strdup(what[k][1]));
                g_ptr_array_add(a[k], g_strdup(what[k][0]));
            } else {
                g_ptr_array_add(a[k], g_strdup_printf("/etc/init.d/%s",
                                                      what[k][0]));
                g_ptr_array_add(a[k], g_strdup(what[k][1]));
            }
            g_ptr_array_add(a[k], NULL);
            c->node = g_strdup(on);
            c->argv = (char **) g_ptr_array_free(a[k], FALSE);
            /* A rollback runs the undos the last first: pacemaker stopped,
             * then sbd (which does not exit while pacemaker runs), then
             * pacemaker started again without it. */
            c->undo = g_strdupv(c->argv);
            g_free(c->undo[g_strv_length(c->undo) - (words ? 2 : 1)]);
            c->undo[g_strv_length(c->undo) - (words ? 2 : 1)] =
                g_strdup(k == 1 ? "stop" : k == 0 ? "start" : "stop");
            if (k == 1 && diskless && !words) {
                g_strfreev(c->argv);
                g_strfreev(c->undo);
                c->argv = g_strsplit("sh\n-c\n" SBD_DISKLESS_START, "\n",
                                     -1);
                c->undo = g_strsplit("sh\n-c\n" SBD_DISKLESS_STOP, "\n", -1);
            }
            c->timeout_ms = k == 1 ? 60000 : 300000;
            c->why = g_strdup_printf("%s %s on %s%s", what[k][1], what[k][0],
                                     node, k != 0 ? "" : kept
                                     ? " (its resources keep running: "
                                       "maintenance-mode), so that sbd "
                                       "starts before it"
                                     : " (its resources move away), so that "
                                       "sbd starts before it");
            g_ptr_array_add(p->cmds, c);
        }
        g_strfreev(words);
    }
    g_free(out);
    g_free(err);
    return 0;
}

/* Pacemaker restarts on each node in turn while the cluster is in
 * maintenance mode, as Pacemaker's detach-and-reattach upgrade does: it
 * neither stops nor moves a resource, so the service keeps running where
 * it runs (without it, each restart moves it away and back: a stop and a
 * start of DRBD, /data and dhcpd, twice).  maintenance-mode goes back to
 * what it was only once every node is online in Pacemaker again and the
 * cluster has settled (crm_resource --wait: the probes of the restarted
 * nodes done), so that no resource is taken for stopped on a node that has
 * not reported it yet.  Arguments: seconds to wait, the old value ("-":
 * none), the nodes. */
#define MAINT_END \
    "end=$(( $(date +%s) + $1 )); old=$2; shift 2; for n in \"$@\"; do " \
    "until crm_mon -1 --output-as=xml 2> /dev/null | grep -Eq " \
    "\"<node name=\\\"$n\\\" [^>]*online=\\\"true\\\"[^>]*" \
    "pending=\\\"false\\\"\"; do if [ \"$(date +%s)\" -ge $end ]; then " \
    "echo \"$n is not back online in Pacemaker: maintenance-mode stays " \
    "on\" >&2; exit 1; fi; sleep 1; done; done; " \
    "left=$(( end - $(date +%s) )); [ $left -gt 10 ] || left=10; " \
    "crm_resource --wait --timeout=${left}s || { echo \"the cluster has not " \
    "settled: maintenance-mode stays on\" >&2; exit 1; }; " \
    "if [ \"$old\" = - ]; then crm_attribute --type crm_config --name " \
    "maintenance-mode --delete; else crm_attribute --type crm_config " \
    "--name maintenance-mode --update \"$old\"; fi"

/* Whether the plan's restarts run under maintenance-mode it sets (false:
 * the cluster is in maintenance mode already, and stays so). */
static bool maint_needed(const hc_plan *p)
{
    const char *v = hc_cib_property(p->cib_old, "maintenance-mode");

    return !v || !crm_is_true(v);
}

static void maint_begin(hc_wizard *w, hc_plan *p, const char **nodes)
{
    const char *v = hc_cib_property(p->cib_old, "maintenance-mode");
    char *secs = g_strdup_printf("%d", 3 * atoi(hc_wizard_answer(w,
                                                                "timeout")));

    hc_plan_cmd_add(p, NULL, 30000, "maintenance-mode=true while pacemaker "
                    "restarts: the resources keep running where they are",
                    "crm_attribute", "--type", "crm_config", "--name",
                    "maintenance-mode", "--update", "true", NULL);
    /* A rollback ends as the apply does: once both nodes are back. */
    hc_plan_cmd_undo(p, "sh", "-c", MAINT_END, "sh", secs, v ? v : "-",
                     nodes[0], nodes[1], NULL);
    hc_plan_crm(p, "crm configure property maintenance-mode=true");
    hc_plan_note(p, "maintenance-mode=true while pacemaker restarts on each "
                 "node (as Pacemaker's detach-and-reattach upgrade does): "
                 "the resources keep running where they are, nothing moves "
                 "and the service is not interrupted. Pacemaker probes them "
                 "on each node as it comes back, and manages them again "
                 "once %s and %s are both online and the cluster has "
                 "settled (maintenance-mode %s). Meanwhile a failure is not "
                 "recovered.", nodes[0], nodes[1],
                 v ? "as it was" : "removed again");
    g_free(secs);
}

static void maint_end(hc_wizard *w, hc_plan *p, const char **nodes)
{
    const char *v = hc_cib_property(p->cib_old, "maintenance-mode");
    int s = 3 * atoi(hc_wizard_answer(w, "timeout"));
    char *secs = g_strdup_printf("%d", s);

    hc_plan_cmd_add(p, NULL, 1000 * (s + 30), "once both nodes are online "
                    "again and the cluster has settled: maintenance-mode as "
                    "it was, Pacemaker manages the resources again", "sh",
                    "-c", MAINT_END, "sh", secs, v ? v : "-", nodes[0],
                    nodes[1], NULL);
    hc_plan_cmd_undo(p, "crm_attribute", "--type", "crm_config", "--name",
                     "maintenance-mode", "--update", "true", NULL);
    if (v) {
        hc_plan_crm(p, "crm configure property maintenance-mode=%s", v);
    } else {
        hc_plan_crm(p, "crm_attribute --type crm_config --name "
                    "maintenance-mode --delete");
    }
    g_free(secs);
}

/* msgwait of the sbd header on dev, or 0 when dev has none. */
static int sbd_msgwait(hc_wizard *w, const char *dev, int *ret)
{
    const char *argv[] = { "sbd", "-d", dev, "dump", NULL };
    char *out = NULL, *err = NULL, *m;

    *ret = 0;
    if (hc_wizard_run(w, NULL, 30000, &out, &err, argv) == 0 && out
        && (m = strstr(out, "Timeout (msgwait)"))) {
        m = strchr(m, ':');
        *ret = m ? atoi(m + 1) : 0;
    }
    g_free(out);
    g_free(err);
    return 0;
}

static int sbd_plan(hc_wizard *w, hc_plan *p, bool diskless, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    const char *dev = diskless ? NULL : hc_wizard_answer(w, "sbd_device");
    int wd = atoi(hc_wizard_answer(w, "sbd_watchdog_timeout"));
    int msgwait = 2 * wd, timeout;
    const char *delay = hc_wizard_answer(w, "fence_delay");
    int rc = 0;

    if (diskless && wd < QDEVICE_MIN_WD_TIMEOUT) {
        /* A node that loses the quorum device's vote learns it only after
         * corosync-qdevice's sync_timeout (30 s): its watchdog must not
         * take the other half for fenced before that. */
        hc_plan_note(p, "SBD_WATCHDOG_TIMEOUT=%d, not sbd_watchdog_timeout=%d: "
                     "with a quorum device the watchdog timeout must be "
                     "longer than corosync-qdevice's sync_timeout (30 s), or "
                     "the survivor takes the other half for fenced before "
                     "that half knows it lost quorum (crmsh sets the same).",
                     QDEVICE_MIN_WD_TIMEOUT, wd);
        wd = QDEVICE_MIN_WD_TIMEOUT;
    }
    if (!diskless && !*dev) {
        *ret_err = g_strdup("answer sbd_device: a small disk (8 MB is "
                            "enough) that both nodes see, by a stable name "
                            "(/dev/disk/by-id/...); sbd overwrites its "
                            "start");
        return -ENOENT;
    }
    if (!diskless) {
        const char *blk[] = { "blkid", "-p", "-o", "value", "-s", "TYPE",
                              dev, NULL };
        char *type = NULL, *e = NULL;
        int have = 0;

        for (int i = 0; rc == 0 && i < 2; i++) {
            const char *test[] = { "test", "-b", dev, NULL };

            if (hc_wizard_run(w, i ? nodes[1] : NULL, 15000, NULL, NULL,
                              test) < 0) {
                *ret_err = g_strdup_printf("%s: %s is not a block device "
                                           "there: answer sbd_device with a "
                                           "disk both nodes see", nodes[i],
                                           dev);
                rc = -ENODEV;
            }
        }
        if (rc < 0) {
            return rc;
        }
        sbd_msgwait(w, dev, &have);
        if (have) {
            msgwait = have;
            hc_plan_note(p, "%s has an sbd header already (msgwait %d s): "
                         "kept, not created again.", dev, have);
        } else {
            hc_wizard_run(w, NULL, 15000, &type, &e, blk);
            if (type && *g_strstrip(type)
                && !hc_wizard_overwrite(w, nodes[0], dev)) {
                char *t = hc_escape(type, 20);

                *ret_err = g_strdup_printf("%s holds %s data: sbd create "
                                           "overwrites its start; if that "
                                           "is meant, run hacon setup apply "
                                           "fence --overwrite %s:%s", dev, t,
                                           nodes[0], dev);
                g_free(t);
                rc = -EEXIST;
            } else {
                char *s1 = g_strdup_printf("%d", wd);

                if (type && *type) {
                    char *t = hc_escape(type, 20);

                    hc_plan_warn(p, "sbd create overwrites the start of %s, "
                                 "which holds %s data (--overwrite %s:%s).",
                                 dev, t, nodes[0], dev);
                    g_free(t);
                }
                char *s4 = g_strdup_printf("%d", msgwait);

                hc_plan_cmd_add(p, NULL, 60000, "write sbd's header and "
                                "slots on the shared disk", "sbd", "-d", dev,
                                "-1", s1, "-4", s4, "create", NULL);
                hc_plan_crm(p, "sbd -d %s -1 %d -4 %d create", dev, wd,
                            msgwait);
                g_free(s1);
                g_free(s4);
            }
            g_free(type);
            g_free(e);
        }
    }
    bool start[2] = { false, false };

    for (int i = 0; rc == 0 && i < 2; i++) {
        char *wdev = NULL, *conf;
        size_t before = p->files->len;
        const char *pid[] = { "pidof", "sbd", NULL };

        rc = plan_watchdog(w, p, nodes[i], &wdev, ret_err);
        if (rc == 0) {
            conf = sbd_conf(dev, wdev, wd);
            rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, SBD_CONF, conf,
                                  strlen(conf), 0644, false, ret_err);
            g_free(conf);
        }
        /* sbd reads its configuration when it starts. */
        start[i] = p->files->len != before
                   || hc_wizard_run(w, i ? nodes[1] : NULL, 15000, NULL, NULL,
                                    pid) < 0;
        g_free(wdev);
    }
    bool maint = rc == 0 && (start[0] || start[1]) && maint_needed(p);

    if (maint) {
        maint_begin(w, p, nodes);
    }
    /* The peer first: the node hacon runs on keeps the service until its
     * own turn (when the restarts move it). */
    for (int i = 1; rc == 0 && i >= 0; i--) {
        if (start[i]) {
            rc = plan_sbd_start(w, p, nodes[i], diskless,
                                maint || !maint_needed(p));
        }
    }
    if (rc == 0 && maint) {
        maint_end(w, p, nodes);
    }
    if (rc < 0) {
        return rc;
    }
    /* 20 % over msgwait: a fence by sbd is only done when the victim has
     * had msgwait to read its message and be reset. */
    timeout = msgwait + (msgwait + 4) / 5;
    g_hash_table_replace(p->data, g_strdup("sbd_msgwait"),
                         g_strdup_printf("%d", msgwait));
    if (!diskless) {
        GString *x = g_string_new(NULL);
        char *s = g_strdup("<primitive id=\"st_sbd\" class=\"stonith\" "
                           "type=\"fence_sbd\">\n    <instance_attributes "
                           "id=\"st_sbd-instance_attributes\">\n");
        char *ts = g_strdup_printf("%ds", timeout);
        char *d = g_strdup_printf("%ss", delay);

        g_string_append(x, s);
        g_free(s);
        nvpair(x, NULL, "st_sbd", "devices", dev);
        if (strcmp(delay, "0")) {
            nvpair(x, NULL, "st_sbd", "pcmk_delay_max", d);
        }
        g_string_append(x, "    </instance_attributes>\n    <operations>\n"
                        "      <op id=\"st_sbd-monitor-60s\" name=\"monitor\" "
                        "interval=\"60s\" timeout=\"30s\"/>\n    </operations>"
                        "\n</primitive>");
        hc_cib_remove_id(p->cib_new, "st_sbd");
        rc = hc_cib_add_xml(p->cib_new, "resources", x->str);
        g_string_free(x, TRUE);
        hc_cib_set_property(p->cib_new, "stonith-timeout", ts);
        hc_plan_crm(p, "crm configure primitive st_sbd stonith:fence_sbd "
                    "params devices=%s%s%s op monitor interval=60s "
                    "timeout=30s", dev, strcmp(delay, "0")
                    ? " pcmk_delay_max=" : "", strcmp(delay, "0") ? d : "");
        hc_plan_crm(p, "crm configure property stonith-timeout=%s", ts);
        hc_plan_note(p, "Chosen: fencing=sbd on %s. A node fences its peer "
                     "by writing a poison pill in the peer's slot; the peer's "
                     "sbd reads it and resets the node through the "
                     "watchdog. A node that loses the disk or hangs stops "
                     "feeding its watchdog and is reset within %d s. "
                     "stonith-timeout=%s is msgwait (%d s) plus 20 %%.",
                     dev, wd, ts, msgwait);
        g_free(ts);
        g_free(d);
    } else {
        char *t = g_strdup_printf("%ds", 2 * wd);

        hc_cib_set_property(p->cib_new, "stonith-watchdog-timeout", t);
        /* Pacemaker's controller sets have-watchdog=true itself once sbd
         * runs with its watchdog (this plan starts it before the CIB
         * changes); without it the planned CIB would have no fencing at
         * all, for crm_verify and for the cluster.  Verify checks the
         * controller's own value. */
        hc_cib_set_property(p->cib_new, "have-watchdog", "true");
        hc_plan_note(p, "have-watchdog=true: Pacemaker sets it when sbd runs "
                     "with its watchdog; the plan assumes it, and verify "
                     "checks that Pacemaker says so.");
        hc_plan_crm(p, "crm configure property stonith-watchdog-timeout=%s",
                    t);
        g_free(t);
    }
    if (rc < 0) {
        *ret_err = g_strdup("cannot add st_sbd to the CIB");
    }
    return rc;
}

/* corosync-qdevice's heuristics command (exec_hacon_service): a script
 * of hacon's on every node (hc_fence_qdevice_heuristics()).  Its path
 * alone, so that corosync-qdevice's own word splitting has nothing to
 * do, and the same on both nodes, as corosync.conf is. */
#define QDEVICE_HEURISTICS HC_QDEVICE_HEURISTICS

/* The heuristics section, at the indentation of a section in quorum's
 * device section.  mode: sync runs the command when corosync-qdevice
 * starts or connects to qnetd and at every membership change (a split
 * is one): the moment qnetd's ffsplit decides; no need to run it every
 * 30 s as mode: on would. */
#define HEURISTICS_SECTION \
    "\t\theuristics {\n\t\t\tmode: sync\n" \
    "\t\t\texec_hacon_service: " QDEVICE_HEURISTICS "\n\t\t}\n"

/* The first word of a corosync.conf line stripped of its blanks, up to a
 * blank, '{' or ':' (g_free). */
static char *conf_word(const char *t)
{
    size_t n = strcspn(t, " \t{:");

    return g_strndup(t, n);
}

char *hc_fence_qdevice_conf(const char *conf, const char *qnetd)
{
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(conf, "\n", -1);
    /* Where a line is: depth 1 in a top-level section, 2 in a section of
     * that one, ...; quorum and device say which ones these are. */
    int depth = 0, quorum = 0, device = 0;
    bool has_device = false, has_heuristics = false;

    for (char **l = lines; *l; l++) {
        char *t = g_strstrip(g_strdup(*l));
        size_t len = strlen(t);

        if (len && t[len - 1] == '{') {
            char *w = conf_word(t);

            depth++;
            if (depth == 1 && !strcmp(w, "quorum") && !quorum) {
                quorum = 1;
            } else if (quorum && depth == 2 && !strcmp(w, "device")) {
                device = 1;
                has_device = true;
            } else if (device && depth == 3 && !strcmp(w, "heuristics")) {
                has_heuristics = true;
            }
            g_free(w);
        } else if (t[0] == '}' && depth > 0) {
            if (device && depth == 2) {
                if (!has_heuristics) {
                    g_string_append(out, HEURISTICS_SECTION);
                }
                device = 0;
            } else if (quorum == 1 && depth == 1) {
                if (!has_device) {
                    g_string_append_printf(out, "\tdevice {\n\t\tmodel: net\n"
                                           "\t\tvotes: 1\n\t\tnet {\n"
                                           "\t\t\thost: %s\n\t\t\talgorithm: "
                                           "ffsplit\n\t\t}\n"
                                           HEURISTICS_SECTION "\t}\n", qnetd);
                }
                /* Only the first quorum section, as before. */
                quorum = 2;
            }
            depth--;
        } else if (quorum == 1 && depth == 1
                   && (g_str_has_prefix(t, "two_node")
                       || g_str_has_prefix(t, "wait_for_all"))) {
            /* corosync refuses two_node beside a quorum device. */
            g_free(t);
            continue;
        }
        g_string_append(out, *l);
        if (l[1]) {
            g_string_append_c(out, '\n');
        }
        g_free(t);
    }
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}

char *hc_fence_qdevice_heuristics(void)
{
    return g_strdup(
        "#!/bin/sh\n"
        "# Written by hacon setup (step fence, fencing=qdevice): the\n"
        "# heuristics of corosync-qdevice (exec_hacon_service in the quorum\n"
        "# device section of corosync.conf).  It passes (exit 0) only on the\n"
        "# node where the service runs now, as this node's own CIB says:\n"
        "# resource " HC_SERVICE_RSC ", or its filesystem fs_data while "
        HC_SERVICE_RSC " is stopped.\n"
        "# corosync-qdevice runs it at every membership change; in a split\n"
        "# network corosync-qnetd (ffsplit) gives its vote to the half where\n"
        "# it passed, so the node that runs the service keeps it, and the\n"
        "# other loses quorum.  Where it passes on neither node or on both,\n"
        "# qnetd's tie-breaker decides: the node with the lowest ID.\n"
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
        "here=$(timeout 5 crm_node -n 2> /dev/null) || here=$(uname -n)\n"
        "for r in " HC_SERVICE_RSC " fs_data; do\n"
        "    for n in $(crm_resource --locate --quiet --resource \"$r\" "
        "2> /dev/null); do\n"
        "        [ \"$n\" = \"$here\" ] && exit 0\n"
        "    done\n"
        "done\n"
        "exit 1\n");
}

/* Prints the container a node runs in (lxc, docker, ...), nothing on a
 * machine of its own: what container managers tell their PID 1
 * (/run/systemd/container, container= in its environment), else what
 * systemd-detect-virt finds where it is installed. */
#define CONTAINER_PROBE \
    "c=; if [ -r /run/systemd/container ]; then " \
    "c=$(cat /run/systemd/container); fi; " \
    "if [ -z \"$c\" ]; then c=$(tr '\\0' '\\n' < /proc/1/environ 2>/dev/null " \
    "| sed -n 's/^container=//p' | head -n 1); fi; " \
    "if [ -z \"$c\" ]; then c=$(systemd-detect-virt --container " \
    "2>/dev/null); fi; [ \"$c\" = none ] && c=; echo \"$c\""

/* The container node runs in (g_free), or NULL on a machine of its own.  A
 * container shares its host's kernel: a watchdog it opens resets the host
 * and every other container on it. */
static int node_container(hc_wizard *w, const char *node, char **ret,
                          char **ret_err)
{
    const char *argv[] = { "sh", "-c", CONTAINER_PROBE, NULL };
    const char *on = strcmp(node, hc_wizard_local(w)) ? node : NULL;
    char *out = NULL;
    int rc = hc_wizard_run(w, on, 15000, &out, ret_err, argv);

    *ret = NULL;
    if (rc == 0 && out && *g_strstrip(out)) {
        *ret = hc_escape(out, 40);
    }
    g_free(out);
    return rc;
}

/* Runs a shell probe on node (NULL: here) and returns its words (one per
 * line) in a set; -errno with *ret_err when it cannot run. */
static int probe_words(hc_wizard *w, const char *node, const char *script,
                       const char *arg, GHashTable **ret, char **ret_err)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };
    char *out = NULL;
    int rc = hc_wizard_run(w, node, 30000, &out, ret_err, argv);

    *ret = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (rc == 0 && out) {
        char **l = g_strsplit(out, "\n", -1);

        for (char **x = l; *x; x++) {
            if (*g_strstrip(*x)) {
                g_hash_table_add(*ret, g_strdup(*x));
            }
        }
        g_strfreev(l);
    }
    g_free(out);
    return rc;
}

/* Starts (undo: stops) a service on node, through systemd where it runs,
 * else the init script. */
static void plan_service(hc_plan *p, const char *node, const char *name,
                         const char *why)
{
    char *start = g_strdup_printf("if [ \"$(cat /proc/1/comm)\" = systemd ]; "
                                  "then systemctl enable --now %s; else "
                                  "/etc/init.d/%s start; fi", name, name);
    char *stop = g_strdup_printf("if [ \"$(cat /proc/1/comm)\" = systemd ]; "
                                 "then systemctl disable --now %s; else "
                                 "/etc/init.d/%s stop; fi", name, name);

    hc_plan_cmd_add(p, node, 60000, why, "sh", "-c", start, NULL);
    hc_plan_cmd_undo(p, "sh", "-c", stop, NULL);
    g_free(start);
    g_free(stop);
}

/* How many nodes corosync has as members here (0: it does not run). */
static int corosync_members(hc_wizard *w)
{
    const char *argv[] = { "corosync-quorumtool", "-s", NULL };
    char *out = NULL, *err = NULL, *n;
    int members = 0;

    /* It exits 2 without quorum, and still says it all. */
    hc_wizard_run(w, NULL, 15000, &out, &err, argv);
    if (out && (n = strstr(out, "\nNodes:"))) {
        members = atoi(n + strlen("\nNodes:"));
    }
    g_free(out);
    g_free(err);
    return members;
}

/* The fence devices of hacon's other methods than m that the planned CIB
 * holds (st_NODE of fencing=agent, st_sbd of fencing=sbd), in words:
 * "st_nodeone and st_nodetwo"; NULL when there is none.  *n: how many. */
static char *other_devices(hc_wizard *w, hc_plan *p, const char *m, int *n)
{
    GString *s = g_string_new(NULL);
    char *ids[3] = { NULL, NULL, NULL };
    int k = 0;

    for (int i = 0; strcmp(m, "agent") && i < 2; i++) {
        char *id = device_id(hc_wizard_answer(w, i ? "node2" : "node1"));

        if (hc_cib_find_id(p->cib_new, id)) {
            ids[k++] = id;
        } else {
            g_free(id);
        }
    }
    if (strcmp(m, "sbd") && hc_cib_find_id(p->cib_new, "st_sbd")) {
        ids[k++] = g_strdup("st_sbd");
    }
    for (int i = 0; i < k; i++) {
        g_string_append_printf(s, "%s%s", i == 0 ? "" : i == k - 1
                               ? " and " : ", ", ids[i]);
        g_free(ids[i]);
    }
    *n = k;
    return g_string_free(s, k == 0);
}

/* The devices of another method hacon set up earlier go (with their
 * location constraints): the method chosen replaces them.  crm shell
 * refuses to delete a running resource without --force (which stops it
 * first); the one CIB update here removes them at once, and Pacemaker
 * stops what ran of them. */
static void drop_other_devices(hc_wizard *w, hc_plan *p, const char *m)
{
    for (int i = 0; i < 2; i++) {
        const char *n = hc_wizard_answer(w, i ? "node2" : "node1");
        char *id = device_id(n), *lid = g_strdup_printf("l_%s", id);

        if (strcmp(m, "agent") && hc_cib_find_id(p->cib_new, id)) {
            hc_cib_remove_id(p->cib_new, lid);
            hc_cib_remove_id(p->cib_new, id);
            hc_plan_crm(p, "crm configure delete --force %s %s", lid, id);
        }
        g_free(id);
        g_free(lid);
    }
    if (strcmp(m, "sbd") && hc_cib_find_id(p->cib_new, "st_sbd")) {
        hc_cib_remove_id(p->cib_new, "st_sbd");
        hc_plan_crm(p, "crm configure delete --force st_sbd");
    }
}

/* The diskless sbd half in a container: what a node of its own would get,
 * shown, and nothing of it done.  The fence devices another method set up
 * stay: without the watchdog half they are the cluster's only fencing
 * (removed, stonith-enabled=true would leave Pacemaker nothing to fence
 * with, and it would start no resource). */
static void sbd_skipped(hc_wizard *w, hc_plan *p, const char *node,
                        const char *container)
{
    int wd = MAX(atoi(hc_wizard_answer(w, "sbd_watchdog_timeout")),
                 QDEVICE_MIN_WD_TIMEOUT);
    char *conf = sbd_conf(NULL, "/dev/watchdog", wd);
    int n = 0;
    char *kept = other_devices(w, p, "qdevice", &n);
    char *why = g_strdup_printf("%s runs in a container (%s)", node,
                                container);
    char *rest;

    /* What differs with devices to keep: whether the cluster still fences. */
    if (kept) {
        rest = g_strdup_printf("The fence device%s %s %s kept: %s this "
            "cluster's fencing (removed, stonith-enabled=true would leave "
            "Pacemaker nothing to fence with, and it would start no "
            "resource). stonith-enabled, stonith-watchdog-timeout and sbd "
            "are left as they are, and the quorum device is set up beside "
            "%s (the half of a split without its vote loses quorum, the "
            "other fences it).", n > 1 ? "s" : "", kept,
            n > 1 ? "are" : "is", n > 1 ? "they stay" : "it stays",
            n > 1 ? "them" : "it");
        g_hash_table_replace(p->data, g_strdup("kept-devices"), kept);
    } else {
        rest = g_strdup("Without the watchdog half there is no fencing: "
            "stonith-enabled, stonith-watchdog-timeout and sbd are left as "
            "they are, and only the quorum device is set up (the half of a "
            "split without its vote loses quorum, but nothing resets it).");
    }
    hc_plan_warn(p, "SKIPPED: diskless sbd. %s: it shares its host's kernel, "
                 "and a watchdog it opened would reset the host and "
                 "everything on it. %s", why, rest);
    hc_plan_note(p, "Diskless sbd, not done here: on machines of their own "
                 "both nodes would get this /etc/default/sbd, sbd started "
                 "before pacemaker and stonith-watchdog-timeout=%ds:\n%s",
                 2 * wd, conf);
    /* The plan's data keeps the reason for the apply's summary. */
    g_hash_table_replace(p->data, g_strdup("sbd-skipped"), why);
    g_free(rest);
    g_free(conf);
}

static int qdevice_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *qnetd = hc_wizard_answer(w, "qnetd_host");
    const char *name = hc_wizard_answer(w, "cluster_name");
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    bool live = !hc_wizard_cib_is_file(w), conf_changed = false;
    bool device_new = false;
    GHashTable *qs = NULL, *ns[2] = { NULL, NULL };
    char *container = NULL, *where = NULL;
    int rc = 0;

    if (!*qnetd) {
        *ret_err = g_strdup("answer qnetd_host: a third host (not a node) "
                            "that runs corosync-qnetd and that both nodes "
                            "reach; root on this node reaches it over ssh");
        return -ENOENT;
    }
    if (!strcmp(qnetd, nodes[0]) || !strcmp(qnetd, nodes[1])) {
        *ret_err = g_strdup_printf("answer qnetd_host: %s is a node; the "
                                   "third vote must come from a third host",
                                   qnetd);
        return -EINVAL;
    }
    hc_plan_note(p, "Chosen: fencing=qdevice, diskless sbd with a quorum "
                 "device. Why the third vote: without a disk, sbd fences a "
                 "node only by letting its watchdog reset it when the node "
                 "loses quorum. Diskless sbd on two nodes alone is not safe: "
                 "with two_node: 1 both halves of a split network keep "
                 "quorum, so neither resets, and after "
                 "stonith-watchdog-timeout each takes the other for fenced: "
                 "both run the service. corosync-qnetd on %s gives its vote "
                 "to exactly one half; the other half loses quorum and its "
                 "watchdog resets it.", qnetd);
    hc_plan_note(p, "Which half keeps the service: in a split each half "
                 "is one node, and qnetd's algorithm (ffsplit) alone would "
                 "give its vote to the node with the lowest node ID (%s), "
                 "even where the service runs on the other one, which then "
                 "loses quorum, is reset, and the service moves: a takeover "
                 "for every split. So the quorum device gets heuristics: at "
                 "every membership change corosync-qdevice runs "
                 QDEVICE_HEURISTICS " (mode: sync), which passes only on "
                 "the node where " HC_SERVICE_RSC " (or, while it is "
                 "stopped, fs_data) runs now, as that node's own CIB says "
                 "(crm_resource --locate), and qnetd gives its vote to the "
                 "half where it passed. Where it passes on neither node "
                 "(the service stopped or moving) or on both, the lowest "
                 "node ID decides, as without heuristics.",
                 hc_wizard_answer(w, "node1"));
    hc_plan_warn(p, "If %s is down as well as one node, the other node "
                 "loses quorum and stops the service.", qnetd);
    if (strcmp(hc_wizard_answer(w, "quorum"), "ignore") == 0) {
        hc_plan_warn(p, "quorum=ignore: step quorum keeps the tutorial's "
                     "no-quorum-policy=ignore, and the half that loses the "
                     "quorum device's vote then keeps running the service; "
                     "answer quorum=two_node (step quorum then sets "
                     "no-quorum-policy=stop).");
    } else if (!g_strcmp0(hc_cib_property(p->cib_old, "no-quorum-policy"),
                          "ignore")) {
        hc_plan_warn(p, "no-quorum-policy=ignore (the tutorial's) is in the "
                     "CIB: until step quorum sets it back to stop, the half "
                     "that loses the quorum device's vote keeps running the "
                     "service.");
    }
    /* What is in place: the third host, the nodes' certificates and
     * daemons. */
    if (live) {
        rc = probe_words(w, qnetd, "command -v corosync-qnetd > /dev/null "
                         "|| { echo missing; exit 0; }; "
                         "[ -f " QNETD_DB "/cert9.db ] && echo db; "
                         "[ -f " QNETD_DB "/cluster-\"$1\".crt ] && echo crt; "
                         "pidof corosync-qnetd > /dev/null && echo running; "
                         "true", name, &qs, ret_err);
        if (rc == 0 && g_hash_table_contains(qs, "missing")) {
            *ret_err = g_strdup_printf("%s has no corosync-qnetd: install it "
                                       "there (Debian package "
                                       "corosync-qnetd)", qnetd);
            rc = -ENOENT;
        }
    } else {
        qs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        if (live) {
            rc = probe_words(w, i ? nodes[1] : NULL, "command -v "
                             "corosync-qdevice > /dev/null || { echo "
                             "missing; exit 0; }; "
                             "[ -d " QDEVICE_DB " ] && echo db; "
                             "[ -f " QDEVICE_DB "/qdevice-net-node.p12 ] && "
                             "echo cert; pidof corosync-qdevice > /dev/null "
                             "&& echo running; true", "", &ns[i], ret_err);
        } else {
            ns[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
        }
        if (rc == 0 && g_hash_table_contains(ns[i], "missing")) {
            *ret_err = g_strdup_printf("%s has no corosync-qdevice: install "
                                       "it there (Debian package "
                                       "corosync-qdevice)", nodes[i]);
            rc = -ENOENT;
        }
    }
    /* 1. qnetd's certificate authority, as the package makes it. */
    if (rc == 0 && !g_hash_table_contains(qs, "db")) {
        hc_plan_cmd_add(p, qnetd, 60000, "qnetd's certificate database and "
                        "authority on the third host (as Debian's package "
                        "makes it: readable by the coroqnetd group)", "sh",
                        "-c", "corosync-qnetd-certutil -i -G && if id -g "
                        "coroqnetd > /dev/null 2>&1; then chgrp coroqnetd "
                        QNETD_DB " " QNETD_DB "/cert9.db " QNETD_DB
                        "/key4.db; fi", NULL);
        hc_plan_cmd_undo(p, "rm", "-rf", QNETD_DB, NULL);
    }
    /* 2. The cluster's certificate, signed by qnetd, on both nodes. */
    if (rc == 0 && (!g_hash_table_contains(qs, "crt")
                    || !g_hash_table_contains(ns[0], "cert")
                    || !g_hash_table_contains(ns[1], "cert"))) {
        const char *reach[] = { "sh", "-c", "for h; do ssh -o BatchMode=yes "
                                "-o ConnectTimeout=10 root@\"$h\" true "
                                "< /dev/null > /dev/null 2>&1 || { echo "
                                "\"$h\"; exit 1; }; done", "sh", qnetd,
                                nodes[0], nodes[1], NULL };
        char *out = NULL, *e = NULL;
        char *undo = g_strdup_printf("rm -rf " QDEVICE_DB "; ssh root@%s rm "
                                     "-rf " QDEVICE_DB "; ssh root@%s rm -f "
                                     QNETD_DB "/cluster-%s.crt", nodes[1],
                                     qnetd, name);

        if (live && hc_wizard_run(w, NULL, 60000, &out, &e, reach) < 0) {
            char *h = hc_escape(out ? g_strstrip(out) : "?", 60);

            *ret_err = g_strdup_printf("corosync-qdevice-net-certutil -Q "
                                       "copies the certificates with ssh and "
                                       "scp as root: root on %s cannot reach "
                                       "%s without a password (ssh-copy-id "
                                       "root@%s, then ssh root@%s true once)",
                                       nodes[0], h, h, h);
            g_free(h);
            rc = -EHOSTUNREACH;
        }
        g_free(out);
        g_free(e);
        for (int i = 0; rc == 0 && i < 2; i++) {
            if (g_hash_table_contains(ns[i], "db")) {
                /* -Q starts from nodes without a database. */
                hc_plan_cmd_add(p, i ? nodes[1] : NULL, 15000, "the "
                                "unfinished qdevice certificate database "
                                "goes (corosync-qdevice-net-certutil -Q "
                                "makes it anew)", "rm", "-rf", QDEVICE_DB,
                                NULL);
            }
        }
        if (rc == 0) {
            hc_plan_cmd_add(p, NULL, 120000, "the nodes' certificates for "
                            "qnetd, signed by its authority (the tool "
                            "reaches the other hosts over ssh and scp)",
                            "corosync-qdevice-net-certutil", "-Q", "-n", name,
                            qnetd, nodes[0], nodes[1], NULL);
            hc_plan_cmd_undo(p, "sh", "-c", undo, NULL);
        }
        g_free(undo);
    }
    /* 3. qnetd runs (before the nodes' clients connect). */
    if (rc == 0 && !g_hash_table_contains(qs, "running")) {
        char *why = g_strdup_printf("start corosync-qnetd on %s", qnetd);

        plan_service(p, qnetd, "corosync-qnetd", why);
        g_free(why);
    }
    /* 4. corosync.conf: the quorum device instead of two_node, with its
     * heuristics; their script first, on both nodes. */
    if (rc == 0) {
        char *h = hc_fence_qdevice_heuristics();

        for (int i = 0; rc == 0 && i < 2; i++) {
            rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL,
                                  QDEVICE_HEURISTICS, h, strlen(h), 0755,
                                  false, ret_err);
        }
        g_free(h);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        char *conf = NULL, *q;
        size_t len = 0;

        rc = hc_wizard_read(w, i ? nodes[1] : NULL, COROSYNC_CONF, &conf,
                            &len, ret_err);
        if (rc == 0 && !conf) {
            *ret_err = g_strdup_printf("%s: no " COROSYNC_CONF ": apply step "
                                       "cluster first", nodes[i]);
            rc = -ENOENT;
        }
        if (rc < 0) {
            g_free(conf);
            break;
        }
        q = hc_fence_qdevice_conf(conf, qnetd);
        if (strcmp(q, conf)) {
            rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, COROSYNC_CONF,
                                  q, strlen(q), 0644, false, ret_err);
            conf_changed = true;
            device_new = device_new || !strstr(conf, "model: net");
        }
        g_free(q);
        g_free(conf);
    }
    if (rc == 0 && conf_changed) {
        if (live && device_new && corosync_members(w) != 2) {
            *ret_err = g_strdup_printf("both nodes must be corosync members "
                                       "when the quorum device is added "
                                       "(corosync-quorumtool -s on %s): with "
                                       "one node, the device's expected vote "
                                       "would take its quorum until "
                                       "corosync-qdevice connects", nodes[0]);
            rc = -EAGAIN;
        } else {
            hc_plan_cmd_add(p, NULL, 30000, device_new
                            ? "corosync reads the new quorum section on both "
                              "nodes, without a restart: with both nodes "
                              "members the cluster keeps quorum (2 of 3 "
                              "expected votes) until the device votes"
                            : "corosync reads the quorum device's "
                              "heuristics on both nodes, without a restart; "
                              "corosync-qdevice takes them from there",
                            "corosync-cfgtool", "-R", NULL);
            hc_plan_crm(p, "crm cluster init qdevice --qnetd-hostname=%s "
                        "--qdevice-heuristics=" QDEVICE_HEURISTICS
                        " --qdevice-heuristics-mode=sync", qnetd);
        }
    }
    /* 5. The quorum device's client on both nodes. */
    for (int i = 0; rc == 0 && i < 2; i++) {
        if (!g_hash_table_contains(ns[i], "running")) {
            char *why = g_strdup_printf("start corosync-qdevice on %s (the "
                                        "third vote's client)", nodes[i]);

            plan_service(p, i ? nodes[1] : NULL, "corosync-qdevice", why);
            g_free(why);
        }
    }
    /* 6. The diskless sbd half: never in a container. */
    for (int i = 0; rc == 0 && live && !container && i < 2; i++) {
        rc = node_container(w, nodes[i], &container, ret_err);
        where = container ? g_strdup(nodes[i]) : NULL;
    }
    if (rc == 0 && container) {
        sbd_skipped(w, p, where, container);
    } else if (rc == 0) {
        rc = sbd_plan(w, p, true, ret_err);
    }
    if (qs) {
        g_hash_table_unref(qs);
    }
    for (int i = 0; i < 2; i++) {
        if (ns[i]) {
            g_hash_table_unref(ns[i]);
        }
    }
    g_free(container);
    g_free(where);
    return rc;
}

/* sbd with a disk in a container: the plan says it cannot be applied here
 * (apply refuses it, --force or not).  sbd arms a watchdog, and a
 * container's watchdog is its host's: when sbd stops feeding it, the host
 * and every container on it are reset. */
static int sbd_container_warn(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    int rc = 0;

    for (int i = 0; rc == 0 && i < 2; i++) {
        char *c = NULL;

        rc = node_container(w, nodes[i], &c, ret_err);
        if (rc == 0 && c) {
            hc_plan_warn(p, "CANNOT BE APPLIED HERE: %s runs in a container "
                         "(%s), which shares its host's kernel: the watchdog "
                         "sbd arms would reset the host and everything on "
                         "it. sbd needs machines of their own (or VMs); "
                         "here, answer fencing=agent.", nodes[i], c);
            g_hash_table_replace(p->data, g_strdup("sbd-container"),
                                 g_strdup_printf("%s runs in a container "
                                                 "(%s)", nodes[i], c));
            g_free(c);
            break;
        }
    }
    return rc;
}

/* ------------------------------------------------------------ the priority
 * delay: after a split, the fence of the node that runs the service waits
 * priority-fencing-delay, so that the other node is fenced first.  It must
 * exceed the time a fence takes (with its pcmk_delay_max): a delay shorter
 * than the fence lets both fences run, and the node with the service can
 * be the one that goes.  With sbd a fence takes msgwait; with an agent the
 * apply measures it (a reboot is an off and an on, each followed by
 * status polls: six times the slowest live status check). */

#define PRIORITY_SET "hacon-fence-priority"
#define PRIORITY_CALLS 6

/* A delay that exceeds a fence of e seconds: e plus half of it (at least
 * 5 s), rounded up to 5 s. */
static int delay_over(int e)
{
    int d = e + MAX(e / 2, 5);

    return (d + 4) / 5 * 5;
}

static int cib_secs(xmlNode *cib, const char *name)
{
    const char *v = hc_cib_property(cib, name);
    long long ms = v ? crm_get_msec(v) : -1;

    return ms > 0 ? (int) ((ms + 999) / 1000) : 0;
}

static void set_priority_delay(hc_plan *p, int d)
{
    char *v = g_strdup_printf("%ds", d);

    hc_cib_set_property(p->cib_new, "priority-fencing-delay", v);
    g_free(v);
}

static int priority_plan(hc_wizard *w, hc_plan *p, const char *m,
                         char **ret_err)
{
    const char *ans = hc_wizard_answer(w, "priority_fencing_delay");
    int have = cib_secs(p->cib_old, "priority-fencing-delay");
    int fdelay = atoi(hc_wizard_answer(w, "fence_delay"));
    bool is_auto = !strcmp(ans, "auto");
    int d = is_auto ? 0 : atoi(ans);

    if (!is_auto && d == 0) {
        if (have) {
            hc_cib_set_property(p->cib_new, "priority-fencing-delay", NULL);
            hc_plan_crm(p, "crm configure property priority-fencing-delay=0");
        }
        if (hc_cib_remove_id(p->cib_new, PRIORITY_SET)) {
            hc_plan_crm(p, "crm configure rsc_defaults priority=0");
        }
        hc_plan_note(p, "priority_fencing_delay=0: after a split each node "
                     "fences the other (after pcmk_delay_max's random "
                     "delay): the node that keeps the service is chance.");
        return 0;
    }
    /* Each resource counts 1 (a promoted instance 1 more): the node that
     * runs the service weighs more. */
    if (!hc_cib_find_id(p->cib_new, PRIORITY_SET)) {
        int rc = hc_cib_add_xml(p->cib_new, "rsc_defaults",
                                "<meta_attributes id=\"" PRIORITY_SET "\">"
                                "<nvpair id=\"" PRIORITY_SET "-priority\" "
                                "name=\"priority\" value=\"1\"/>"
                                "</meta_attributes>");

        if (rc < 0) {
            *ret_err = g_strdup("cannot add the resources' priority to the "
                                "CIB");
            return rc;
        }
        hc_plan_crm(p, "crm configure rsc_defaults priority=1");
    }
    if (!strcmp(m, "sbd")) {
        const char *mw = g_hash_table_lookup(p->data, "sbd_msgwait");
        int e = (mw ? atoi(mw) : 0) + fdelay;

        if (is_auto) {
            d = delay_over(e);
        } else if (d <= e) {
            *ret_err = g_strdup_printf("priority_fencing_delay=%d is not more "
                                       "than a fence by sbd takes (msgwait "
                                       "%s s + fence_delay %d s = %d s): "
                                       "answer auto or more than %d", d,
                                       mw ? mw : "?", fdelay, e, e);
            return -EINVAL;
        }
        hc_plan_note(p, "priority-fencing-delay=%ds: after a split the node "
                     "that runs the service is fenced only after %d s; a "
                     "fence by sbd takes msgwait (%s s) plus up to "
                     "fence_delay (%d s), %d s, so the other node is gone "
                     "first.%s", d, d, mw ? mw : "?", fdelay, e,
                     is_auto ? " (auto: that time plus half, rounded up to "
                               "5 s)" : "");
    } else if (is_auto && have) {
        d = have;
        g_hash_table_replace(p->data, g_strdup("priority_auto"),
                             g_strdup("1"));
        hc_plan_note(p, "priority-fencing-delay=%ds kept (auto: derived from "
                     "the fence time measured when it was set; checked again "
                     "whenever the live checks run).", d);
    } else {
        /* Until measured: more than the longest a fence may take before
         * it counts as failed (stonith-timeout). */
        int st = cib_secs(p->cib_old, "stonith-timeout");

        if (is_auto) {
            d = delay_over((st ? st : 60) + fdelay);
            g_hash_table_replace(p->data, g_strdup("priority_auto"),
                                 g_strdup("1"));
        }
        hc_plan_note(p, "priority-fencing-delay: after a split the node that "
                     "runs the service is fenced only after this delay, so "
                     "that the other node is gone first. It must exceed the "
                     "time a fence takes: the apply measures the live status "
                     "checks, takes a fence (an off and an on, each with its "
                     "status polls) as %d times the slowest plus fence_delay, "
                     "and %s.", PRIORITY_CALLS,
                     is_auto ? "sets the delay to that plus half, rounded up "
                               "to 5 s (the plan shows it from stonith-"
                               "timeout until then)"
                             : "refuses a delay that does not exceed it");
    }
    g_hash_table_replace(p->data, g_strdup("priority_delay"),
                         g_strdup_printf("%d", d));
    if (d != have) {
        set_priority_delay(p, d);
        hc_plan_crm(p, "crm configure property priority-fencing-delay=%ds", d);
    }
    return 0;
}

/* fencing=qdevice: no priority delay, and what fencing=agent or sbd left
 * of it goes (the property, hacon's rsc_defaults priority).  The delay
 * breaks the race of two halves that each fence the other: Pacemaker
 * applies it only in a partition without a majority of the nodes, and its
 * fencer starts the wait for a watchdog self-fence (stonith-watchdog-
 * timeout) without it.  With a quorum device the half without its vote
 * loses quorum and fences nothing (its watchdog resets it): which half
 * keeps the service is qnetd's choice, whatever the resources' priority. */
static void priority_drop(hc_plan *p)
{
    bool prop = hc_cib_property(p->cib_old, "priority-fencing-delay") != NULL;
    bool set = hc_cib_remove_id(p->cib_new, PRIORITY_SET);

    if (prop) {
        hc_cib_set_property(p->cib_new, "priority-fencing-delay", NULL);
        hc_plan_crm(p, "crm configure property priority-fencing-delay=0");
    }
    if (set) {
        hc_plan_crm(p, "crm configure rsc_defaults priority=0");
    }
    if (prop || set) {
        hc_plan_note(p, "%s%s%s removed: with a quorum device only the half "
                     "that keeps its vote fences, the other loses quorum%s, "
                     "so no two fences race for a delay to break; which "
                     "half keeps the service is the quorum device's choice "
                     "(ffsplit), not the resources' priority.",
                     prop ? "priority-fencing-delay" : "",
                     prop && set ? " and " : "",
                     set ? "the resources' priority (rsc_defaults "
                           PRIORITY_SET ")" : "",
                     g_hash_table_contains(p->data, "sbd-skipped") ? ""
                     : " and is reset by its watchdog");
    }
}

/* The live status checks' command (agent_plan()). */
static bool is_live_check(const hc_plan_cmd *c)
{
    return c->argv[0] && c->argv[1] && c->argv[2] && c->argv[3]
           && !strcmp(c->argv[3], "fence-status");
}

/* The engine's apply, with the live checks timed: the fence time they
 * give sets (auto) or checks priority-fencing-delay before the CIB
 * update. */
static int fence_apply(hc_wizard *w, hc_plan *p, char **ret_err)
{
    double slowest = 0;
    const char *box = g_hash_table_lookup(p->data, "sbd-container");
    int rc;

    if (box) {
        /* Before any change: nothing to roll back. */
        *ret_err = g_strdup_printf("fencing=sbd refused: %s, whose kernel "
                                   "is its host's; sbd's watchdog would "
                                   "reset the host. Answer fencing=agent "
                                   "here", box);
        return -EPERM;
    }
    rc = hc_wizard_apply_files(w, p, ret_err);

    for (guint i = 0; rc == 0 && i < p->cmds->len; i++) {
        const hc_plan_cmd *c = p->cmds->pdata[i];
        double t0 = hc_now_ms();

        rc = hc_wizard_apply_cmd(w, c, ret_err);
        if (rc == 0 && is_live_check(c)) {
            slowest = MAX(slowest, hc_now_ms() - t0);
        }
    }
    if (rc == 0 && slowest > 0 && p->cib_new
        && g_hash_table_lookup(p->data, "priority_delay")) {
        int fdelay = atoi(hc_wizard_answer(w, "fence_delay"));
        int e = (int) (PRIORITY_CALLS * slowest + 999) / 1000 + fdelay;
        int d = atoi(g_hash_table_lookup(p->data, "priority_delay"));
        bool is_auto = g_hash_table_lookup(p->data, "priority_auto") != NULL;

        if (!is_auto && d <= e) {
            *ret_err = g_strdup_printf("priority_fencing_delay=%d is not more "
                                       "than a fence takes here: about %d s "
                                       "(%d x the slowest live status check, "
                                       "%.1f s, + fence_delay %d s); answer "
                                       "auto or more than %d", d, e,
                                       PRIORITY_CALLS, slowest / 1000, fdelay,
                                       e);
            return -EINVAL;
        }
        if (is_auto) {
            d = delay_over(e);
            set_priority_delay(p, d);
        }
        hc_wizard_progress(w, "priority-fencing-delay=%ds: a fence takes about "
                           "%d s here (%d x the slowest live status check, "
                           "%.1f s, + fence_delay %d s)%s", d, e,
                           PRIORITY_CALLS, slowest / 1000, fdelay,
                           is_auto ? "; auto: that plus half, rounded up to "
                                     "5 s" : "");
    }
    if (rc == 0) {
        rc = hc_wizard_apply_cib(w, p, ret_err);
    }
    return rc;
}

/* ------------------------------------------------------------ the step */

static int fence_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *m = method(w);
    GPtrArray *checks;
    const char *v;
    int rc = hc_steps_plan_cib(w, p, ret_err);

    if (rc < 0) {
        return rc;
    }
    if (!strcmp(m, "none")) {
        g_hash_table_replace(p->data, g_strdup("done"), g_strdup(
            "skipped: fencing=none"));
        hc_plan_note(p, "fencing=none: nothing to do here; step stonith "
                     "disables fencing as the tutorial does, which leaves a "
                     "split network able to run the service on both nodes. "
                     "Recommended: fencing=agent (a power switch or BMC per "
                     "node), sbd (a small shared disk and a watchdog) or "
                     "qdevice (a third host's vote).");
        return 0;
    }
    hc_plan_note(p, "Tutorial says: disable STONITH. hacon recommends "
                 "fencing instead: the survivor of a split or a hang takes "
                 "the service over only once the other node is known to be "
                 "off, so that DRBD, /data and dhcpd never run twice.");
    checks = g_ptr_array_new();
    /* fencing=qdevice replaces them only where its diskless sbd half is
     * not skipped (below). */
    if (strcmp(m, "qdevice")) {
        drop_other_devices(w, p, m);
    }
    if (!strcmp(m, "agent")) {
        rc = agent_plan(w, p, checks, ret_err);
    } else if (!strcmp(m, "sbd")) {
        rc = sbd_plan(w, p, false, ret_err);
        if (rc == 0) {
            rc = sbd_container_warn(w, p, ret_err);
        }
    } else {
        rc = qdevice_plan(w, p, ret_err);
        if (rc == 0 && !g_hash_table_contains(p->data, "sbd-skipped")) {
            drop_other_devices(w, p, m);
        }
    }
    if (rc == 0 && strcmp(m, "qdevice")) {
        rc = priority_plan(w, p, m, ret_err);
    } else if (rc == 0) {
        priority_drop(p);
    }
    v = hc_cib_property(p->cib_old, "stonith-enabled");
    /* Without its watchdog half, fencing=qdevice fences nothing: STONITH
     * on without a way to fence would stop every resource. */
    if (rc == 0 && (!v || strcmp(v, "true"))
        && !g_hash_table_contains(p->data, "sbd-skipped")) {
        hc_cib_set_property(p->cib_new, "stonith-enabled", "true");
        hc_plan_crm(p, "crm configure property stonith-enabled=true");
    }
    /* The live checks run only before a change, never make one. */
    for (guint i = 0; i < checks->len; i++) {
        hc_plan_cmd *c = checks->pdata[i];

        if (rc == 0 && (p->files->len
                        || !hc_cib_same_config(p->cib_old, p->cib_new))) {
            g_ptr_array_add(p->cmds, c);
        } else {
            hc_plan_cmd_free(c);
        }
    }
    g_ptr_array_free(checks, TRUE);
    if (rc < 0) {
        return rc;
    }
    if (strcmp(hc_wizard_answer(w, "fence_delay"), "0")
        && strcmp(m, "qdevice")) {
        hc_plan_note(p, "Two nodes: each fence waits a random delay of up to "
                     "%s s (pcmk_delay_max), so that after a split the two "
                     "nodes never shoot each other at the same moment.",
                     hc_wizard_answer(w, "fence_delay"));
    }
    if (!strcmp(hc_wizard_answer(w, "storage"), "drbd")) {
        hc_plan_note(p, "DRBD: with fencing=%s, step drbd writes r0 with "
                     "`fencing resource-and-stonith` and the crm-fence-peer "
                     "handlers (a Primary then never outlives its fenced "
                     "peer's data); where step drbd was applied before, "
                     "apply it again: its plan shows the change.", m);
    }
    if (!strcmp(hc_wizard_answer(w, "fence_test"), "yes")) {
        hc_plan_warn(p, "fence_test=yes: verify ends with one real fence of "
                     "the passive node: it is power-cycled (or reset by its "
                     "watchdog) and joins again.");
    }
    if (g_hash_table_contains(p->data, "sbd-skipped")) {
        const char *kept = g_hash_table_lookup(p->data, "kept-devices");

        g_hash_table_replace(p->data, g_strdup("done"), g_strdup_printf(
            "fencing=qdevice: the quorum device of %s votes; diskless sbd "
            "SKIPPED (%s): %s%s", hc_wizard_answer(w, "qnetd_host"),
            (char *) g_hash_table_lookup(p->data, "sbd-skipped"),
            kept ? "fencing stays with " : "no fencing", kept ? kept : ""));
        return 0;
    }
    g_hash_table_replace(p->data, g_strdup("done"), g_strdup_printf(
        "fencing=%s configured, stonith-enabled=true", m));
    return 0;
}

/* The node that does not run the service (the peer when none runs it). */
static char *passive_node(hc_wizard *w)
{
    hc_status *st = NULL;
    char *err = NULL, *active = NULL;
    const char *n1 = hc_wizard_answer(w, "node1"), *n2 = hc_wizard_answer(w,
                                                                          "node2");

    if (hc_steps_status(w, &st, &err) == 0) {
        GString *where = g_string_new(NULL);

        active = hc_steps_placed_on(w, st, where);
        g_string_free(where, TRUE);
    }
    hc_status_free(st);
    g_free(err);
    if (!active) {
        return g_strdup(hc_wizard_peer(w));
    }
    {
        char *r = g_strdup(!strcmp(active, n1) ? n2 : n1);

        g_free(active);
        return r;
    }
}

static int node_online(hc_wizard *w, const char *node)
{
    hc_status *st = NULL;
    char *err = NULL;
    int on = 0;

    if (hc_steps_status(w, &st, &err) == 0) {
        hc_node *n = hc_status_find_node(st, node);

        on = n && n->online;
    }
    hc_status_free(st);
    g_free(err);
    return on;
}

static int test_fence(hc_wizard *w, char **ret_err)
{
    char *victim = passive_node(w), *out = NULL;
    double t0 = hc_now_ms(), deadline;
    int rc;

    if (!strcmp(victim, hc_wizard_local(w))) {
        hc_wizard_progress(w, "test fence skipped: the passive node is this "
                           "one (%s); run the verify from %s", victim,
                           hc_wizard_peer(w));
        g_free(victim);
        return 0;
    }
    hc_wizard_progress(w, "test fence: rebooting %s (the passive node)",
                       victim);
    {
        const char *argv[] = { "stonith_admin", "--reboot", victim,
                               "--delay=-1", "--timeout=120", NULL };

        rc = hc_wizard_run(w, NULL, 150000, NULL, ret_err, argv);
    }
    if (rc < 0) {
        g_free(victim);
        return rc;
    }
    hc_wizard_progress(w, "%s fenced after %.1f s; waiting for it to join",
                       victim, (hc_now_ms() - t0) / 1000);
    {
        /* The fence just measured must be shorter than the delay that
         * lets it end first after a split. */
        xmlNode *cib = NULL;
        char *err = NULL;
        int d = 0;

        if (hc_wizard_cib(w, &cib, &err) == 0) {
            d = cib_secs(cib, "priority-fencing-delay");
        }
        free_xml(cib);
        g_free(err);
        if (d > 0 && (hc_now_ms() - t0) / 1000 >= d) {
            *ret_err = g_strdup_printf("the test fence of %s took %.1f s, not "
                                       "less than priority-fencing-delay "
                                       "(%d s): after a split both fences "
                                       "could run; answer "
                                       "priority_fencing_delay with more",
                                       victim, (hc_now_ms() - t0) / 1000, d);
            g_free(victim);
            return -ETIMEDOUT;
        }
    }
    deadline = hc_now_ms() + 1000.0 * atoi(hc_wizard_answer(w, "timeout"));
    /* It first drops out, then comes back. */
    g_usleep(2 * 1000 * 1000);
    while (!node_online(w, victim)) {
        if (hc_now_ms() > deadline) {
            *ret_err = g_strdup_printf("%s was fenced but is not Online "
                                       "again after %s s", victim,
                                       hc_wizard_answer(w, "timeout"));
            g_free(victim);
            return -ETIMEDOUT;
        }
        g_usleep(1000 * 1000);
    }
    {
        const char *argv[] = { "stonith_admin", "--history", victim, NULL };

        rc = hc_wizard_run(w, NULL, 30000, &out, ret_err, argv);
        if (rc == 0 && (!out || !strstr(out, "successful"))) {
            *ret_err = g_strdup_printf("stonith_admin --history %s shows no "
                                       "successful fence", victim);
            rc = -EPROTO;
        }
    }
    if (rc == 0) {
        hc_wizard_progress(w, "test fence: %s power-cycled and Online again "
                           "%.1f s after the fence began", victim,
                           (hc_now_ms() - t0) / 1000);
    }
    g_free(out);
    g_free(victim);
    return rc;
}

/* The quorum device's vote as corosync-quorumtool -s shows it: the votes
 * of its "Qdevice" membership line (-1: none). */
int hc_fence_qdevice_votes(const char *quorumtool)
{
    char **lines = g_strsplit(quorumtool ? quorumtool : "", "\n", -1);
    int votes = -1;

    for (char **l = lines; *l; l++) {
        unsigned id, v;
        char name[16];

        if (sscanf(*l, " %u %u %15s", &id, &v, name) == 3 && id == 0
            && !strcmp(name, "Qdevice") && v <= INT_MAX) {
            votes = (int) v;
        }
    }
    g_strfreev(lines);
    return votes;
}

/* Until the deadline: corosync counts the quorum device's vote here, and
 * corosync-qdevice is connected to qnetd on both nodes. */
static int qdevice_verify(hc_wizard *w, double deadline, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };

    for (;;) {
        const char *qt[] = { "corosync-quorumtool", "-s", NULL };
        const char *qd[] = { "corosync-qdevice-tool", "-s", NULL };
        char *out = NULL, *err = NULL;
        GString *missing = g_string_new(NULL);
        int votes;

        hc_wizard_run(w, NULL, 15000, &out, &err, qt);
        votes = hc_fence_qdevice_votes(out);
        if (votes < 1) {
            g_string_append_printf(missing, " corosync-quorumtool -s on %s "
                                   "shows %s;", nodes[0], votes < 0
                                   ? "no Qdevice" : "the Qdevice without its "
                                   "vote");
        }
        g_clear_pointer(&out, g_free);
        g_clear_pointer(&err, g_free);
        for (int i = 0; i < 2; i++) {
            char *st;

            hc_wizard_run(w, i ? nodes[1] : NULL, 15000, &out, &err, qd);
            st = out ? strstr(out, "\nState:") : NULL;
            if (!st || strncmp(g_strchug(st + strlen("\nState:")),
                               "Connected", 9)) {
                g_string_append_printf(missing, " corosync-qdevice on %s is "
                                       "not connected to qnetd "
                                       "(corosync-qdevice-tool -s);",
                                       nodes[i]);
            }
            g_clear_pointer(&out, g_free);
            g_clear_pointer(&err, g_free);
        }
        if (!missing->len) {
            g_string_free(missing, TRUE);
            hc_wizard_progress(w, "quorum device: corosync counts its vote "
                               "(%d), corosync-qdevice connected to %s on "
                               "both nodes", votes,
                               hc_wizard_answer(w, "qnetd_host"));
            return 0;
        }
        if (hc_now_ms() > deadline) {
            *ret_err = g_strdup_printf("timed out:%s", missing->str);
            g_string_free(missing, TRUE);
            return -ETIMEDOUT;
        }
        g_string_free(missing, TRUE);
        g_usleep(1000 * 1000);
    }
}

static int fence_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *m = method(w);
    const char *nodes[2] = { hc_wizard_answer(w, "node1"),
                             hc_wizard_answer(w, "node2") };
    double deadline = hc_now_ms()
                      + 1000.0 * atoi(hc_wizard_answer(w, "timeout"));
    bool no_sbd = g_hash_table_contains(p->data, "sbd-skipped");
    int rc = 0;

    if (!strcmp(m, "none")) {
        return 0;
    }
    if (!strcmp(m, "qdevice") && !hc_wizard_cib_is_file(w)) {
        rc = qdevice_verify(w, deadline, ret_err);
    }
    /* The devices run (their start and monitor called the agent). */
    while (rc == 0) {
        hc_status *st = NULL;
        char *err = NULL;
        GString *missing = g_string_new(NULL);

        rc = hc_steps_status(w, &st, ret_err);
        if (rc < 0) {
            g_string_free(missing, TRUE);
            break;
        }
        if (!st->cluster.stonith_enabled && !no_sbd) {
            g_string_append(missing, " stonith-enabled is not true;");
        }
        if (!strcmp(m, "agent")) {
            for (int i = 0; i < 2; i++) {
                char *id = device_id(nodes[i]);

                if (!hc_wizard_rsc_node(st, id)) {
                    g_string_append_printf(missing, " %s not started;", id);
                }
                g_free(id);
            }
        } else if (!strcmp(m, "sbd") && !hc_wizard_rsc_node(st, "st_sbd")) {
            g_string_append(missing, " st_sbd not started;");
        }
        hc_status_free(st);
        g_free(err);
        if (!missing->len || hc_wizard_cib_is_file(w)) {
            g_string_free(missing, TRUE);
            break;
        }
        if (hc_now_ms() > deadline) {
            *ret_err = g_strdup_printf("timed out:%s", missing->str);
            rc = -ETIMEDOUT;
        }
        g_string_free(missing, TRUE);
        if (rc == 0) {
            g_usleep(1000 * 1000);
        }
    }
    if (rc < 0 || hc_wizard_cib_is_file(w)) {
        return rc;
    }
    /* The fencer of the other node (which runs the device) can fence
     * each node. */
    for (int i = 0; rc == 0 && strcmp(m, "qdevice") && i < 2; i++) {
        const char *argv[] = { "stonith_admin", "--list", nodes[i], NULL };
        const char *on = strcmp(nodes[!i], hc_wizard_local(w)) ? nodes[!i]
                                                                : NULL;
        char *out = NULL;

        rc = hc_wizard_run(w, on, 30000, &out, ret_err, argv);
        if (rc == 0 && (!out || strstr(out, "0 fence devices"))) {
            *ret_err = g_strdup_printf("%s's fencer has no device that can "
                                       "fence %s (stonith_admin --list %s)",
                                       nodes[!i], nodes[i], nodes[i]);
            rc = -EPROTO;
        }
        g_free(out);
    }
    if (rc == 0 && no_sbd) {
        hc_wizard_progress(w, "diskless sbd skipped (%s): no watchdog, sbd "
                           "or test fence to verify",
                           (char *) g_hash_table_lookup(p->data,
                                                        "sbd-skipped"));
        return 0;
    }
    if (rc == 0 && !strcmp(m, "qdevice")) {
        xmlNode *cib = NULL;

        rc = hc_wizard_cib(w, &cib, ret_err);
        if (rc == 0 && !crm_is_true(hc_cib_property(cib, "have-watchdog"))) {
            *ret_err = g_strdup("Pacemaker does not report a watchdog "
                                "(have-watchdog is not true): sbd does not "
                                "run with one");
            rc = -EPROTO;
        }
        free_xml(cib);
    }
    /* sbd runs on both nodes with the watchdog open. */
    for (int i = 0; rc == 0 && strcmp(m, "agent") && i < 2; i++) {
        const char *argv[] = { "sh", "-c", "for p in $(pidof sbd); do ls -l "
                               "/proc/$p/fd; done | grep -q watchdog", NULL };
        const char *on = strcmp(nodes[i], hc_wizard_local(w)) ? nodes[i]
                                                               : NULL;

        if (hc_wizard_run(w, on, 15000, NULL, NULL, argv) < 0) {
            *ret_err = g_strdup_printf("%s: sbd does not run with its "
                                       "watchdog open", nodes[i]);
            rc = -EPROTO;
        }
    }
    if (rc == 0 && !strcmp(hc_wizard_answer(w, "fence_test"), "yes")) {
        rc = test_fence(w, ret_err);
    }
    return rc;
}

/* After the checkpoint's files are back: corosync reads corosync.conf
 * again when its quorum device and the file's disagree (the device added
 * by this step goes, or one it removed comes back); corosync-cfgtool -R
 * makes both nodes read their restored copies. */
static int fence_rollback(hc_wizard *w, char **ret_err)
{
    const char *cs[] = { "corosync-cfgtool", "-s", NULL };
    const char *cmap[] = { "corosync-cmapctl", "-g", "quorum.device.model",
                           NULL };
    const char *reload[] = { "corosync-cfgtool", "-R", NULL };
    char *conf = NULL, *err = NULL;
    size_t len = 0;
    bool in_file, running;
    int rc;

    if (hc_wizard_cib_is_file(w)
        || hc_wizard_run(w, NULL, 15000, NULL, NULL, cs) < 0) {
        return 0;
    }
    rc = hc_wizard_read(w, NULL, COROSYNC_CONF, &conf, &len, ret_err);
    if (rc < 0) {
        return rc;
    }
    in_file = conf && strstr(conf, "model: net");
    running = hc_wizard_run(w, NULL, 15000, NULL, &err, cmap) == 0;
    g_free(conf);
    g_free(err);
    if (in_file == running) {
        return 0;
    }
    hc_wizard_progress(w, "corosync reads the restored corosync.conf on "
                       "both nodes (the quorum device %s)",
                       running ? "goes" : "comes back");
    return hc_wizard_run(w, NULL, 30000, NULL, ret_err, reload);
}

static int fence_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_fence, ret, why);
}

const hc_step hc_step_fence = {
    .name = "fence",
    .title = "Fencing (recommended)",
    .tutorial = "(none: the tutorial disables STONITH in the next step)",
    .hacon = "a fence device per node (a fence agent of the admin's choice, "
             "checked live), sbd on a shared disk with a watchdog, or "
             "diskless sbd with a quorum device; a fence delay for two "
             "nodes; fencing=none leaves it to step stonith",
    .check = fence_check,
    .plan = fence_plan,
    .apply = fence_apply,
    .verify = fence_verify,
    .rollback = fence_rollback,
    .needs = { "cluster" },
};
