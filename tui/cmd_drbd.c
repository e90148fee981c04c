/* hacon drbd: DRBD's replication state and sync progress, printed once or
 * followed.  Inputs: the live system (drbdsetup events2 and /proc/drbd),
 * or captured files (--proc, --events2), which is what the golden tests
 * use.  With --cib, what Pacemaker says about the same resources and
 * where the two disagree.  A --proc file may hold several /proc/drbd snapshots, each after a
 * line "@ SECONDS", replayed in order as samples of a sync. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib-unix.h>

#include "commands.h"
#include "drbd.h"
#include "drbd_cib.h"
#include "drbd_follow.h"
#include "gen_drbd.h"
#include "exec.h"
#include "util.h"

typedef struct drbd_opts {
    int json;
    bool history;
    bool follow;
    bool until_synced;
    double timeout_s;
    double dump_deadline_s;
    const char *proc;
    const char *events2;
    const char *status_json;
    const char *drbdsetup;
    const char *drbdadm;
    GHashTable *names;          /* minor -> name for /proc/drbd */
    hc_drbd *ref;               /* the kernel's view, for the sizes */
    const char *cib;
    const char *node;
    /* --gen-res: print a resource file instead */
    hc_drbd_res_opts res;
    int n_hosts;
    char *host_names[2];
    bool gen_res;
} drbd_opts;

/* With --cib, the Pacemaker side and the warnings follow the model (in
 * JSON, one object holding both). */
static int print_model(const hc_drbd *d, const drbd_opts *o)
{
    GString *out = g_string_new(NULL);
    char host[256] = "";
    int rc = 0;

    if (o->cib) {
        if (!o->node && gethostname(host, sizeof(host) - 1) < 0) {
            host[0] = '\0';
        }
        if (o->json) {
            g_string_append(out, "{\"drbd\":");
            hc_drbd_format_json(d, out);
            g_string_truncate(out, out->len - 1);   /* its newline */
        } else {
            hc_drbd_format_text(d, out, o->history);
        }
        rc = hc_drbd_cib_report_file(o->cib, d, o->node ? o->node : host,
                                     o->json, out);
        if (o->json) {
            g_string_append(out, "}\n");
        }
    } else if (o->json) {
        hc_drbd_format_json(d, out);
    } else {
        hc_drbd_format_text(d, out, o->history);
    }
    if (rc < 0) {
        fprintf(stderr, "hacon drbd: %s: %s\n", o->cib,
                rc == -EINVAL ? "not a CIB" : g_strerror(-rc));
    } else {
        fwrite(out->str, 1, out->len, stdout);
        fflush(stdout);
    }
    g_string_free(out, TRUE);
    return rc < 0 ? 1 : 0;
}

/* Replays a --proc file: snapshots separated by "@ SECONDS" lines (a file
 * without them is one snapshot at time 0). */
static int replay_snapshot(hc_drbd *d, const char *s, size_t len, double t,
                           const drbd_opts *o)
{
    int rc;

    if (len == 0) {
        return 0;
    }
    rc = hc_drbd_feed_proc(d, s, len, t, o->names);
    if (o->ref) {
        hc_drbd_take_sizes(d, o->ref);
    }
    if (rc == 0 && o->follow) {
        GString *out = g_string_new(NULL);
        g_string_append_printf(out, "@ %.2f\n", t);
        hc_drbd_format_brief(d, out);
        fwrite(out->str, 1, out->len, stdout);
        g_string_free(out, TRUE);
    }
    return rc;
}

static int replay_proc(hc_drbd *d, const char *buf, size_t len,
                       const drbd_opts *o)
{
    const char *p = buf, *end = buf + len, *snap = buf;
    double t = 0;
    int rc;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le - p > 2 && p[0] == '@' && p[1] == ' ') {
            char tmp[32];
            size_t l = (size_t)(le - p - 2);
            rc = replay_snapshot(d, snap, (size_t)(p - snap), t, o);
            if (rc < 0) {
                return rc;
            }
            if (l >= sizeof(tmp)) {
                return -EINVAL;
            }
            memcpy(tmp, p + 2, l);
            tmp[l] = '\0';
            t = g_ascii_strtod(tmp, NULL);
            snap = nl ? nl + 1 : end;
        }
        p = nl ? nl + 1 : end;
    }
    return replay_snapshot(d, snap, (size_t)(end - snap), t, o);
}

/* --events2 FILE: with --follow, one brief block per line that changed
 * the model, as a live follower would print. */
static int replay_events2(hc_drbd *d, const char *buf, size_t len,
                          const drbd_opts *o)
{
    const char *p = buf, *end = buf + len;
    int lineno = 0, rc;

    if (!o->follow) {
        rc = hc_drbd_feed_events2(d, buf, len, -1);
        return rc < 0 ? rc : 0;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        d->dirty = false;
        rc = hc_drbd_feed_events2_line(d, p, l, -1);
        if (rc < 0) {
            d->err_line = lineno;
            return rc;
        }
        if (d->dirty && d->dump_done) {
            GString *out = g_string_new(NULL);
            g_string_append_printf(out, "@ %.6f\n", d->last_update);
            hc_drbd_format_brief(d, out);
            fwrite(out->str, 1, out->len, stdout);
            g_string_free(out, TRUE);
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* ---- live ---------------------------------------------------------------- */

/* The kernel's /proc/drbd, or the file HACON_PROC_DRBD_PATH names (tests
 * play a node's /proc/drbd with it). */
static const char *proc_path(void)
{
    const char *p = getenv("HACON_PROC_DRBD_PATH");

    return p && *p ? p : "/proc/drbd";
}

typedef struct follow_ctx {
    GMainLoop *loop;
    const drbd_opts *o;
    double t0;
    bool saw_sync;
    int status;
} follow_ctx;

static bool all_in_sync(const hc_drbd *d, bool *ret_syncing)
{
    bool ok = d->resources->len > 0;

    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        for (guint j = 0; j < r->devices->len; j++) {
            const hc_drbd_device *v = r->devices->pdata[j];
            ok &= !strcmp(v->disk, "UpToDate");
        }
        for (guint j = 0; j < r->connections->len; j++) {
            const hc_drbd_connection *c = r->connections->pdata[j];
            for (guint k = 0; k < c->peer_devices->len; k++) {
                const hc_drbd_peer_device *p = c->peer_devices->pdata[k];
                if (hc_drbd_repl_is_sync(p->repl)) {
                    *ret_syncing = true;
                }
                ok &= !strcmp(p->repl, "Established")
                    && !strcmp(p->peer_disk, "UpToDate");
            }
        }
    }
    return ok;
}

static void follow_changed(hc_drbd *d, const char *msg, void *data)
{
    follow_ctx *x = data;
    GString *out = g_string_new(NULL);
    bool syncing = false, synced;

    g_string_append_printf(out, "@ %.2f\n",
                           (double)g_get_real_time() / 1e6 - x->t0);
    if (msg) {
        g_string_append(out, "! ");
        hc_escape_append(out, msg, strlen(msg), 200);
        g_string_append(out, "\n");
    }
    if (d->dump_done || d->sources & HC_DRBD_SRC_PROC) {
        if (x->o->json) {
            hc_drbd_format_json(d, out);
        } else {
            hc_drbd_format_brief(d, out);
        }
    }
    fwrite(out->str, 1, out->len, stdout);
    fflush(stdout);
    g_string_free(out, TRUE);
    d->dirty = false;
    synced = all_in_sync(d, &syncing);
    x->saw_sync |= syncing;
    if (x->o->until_synced && x->saw_sync && synced) {
        x->status = 0;
        g_main_loop_quit(x->loop);
    }
}

static gboolean follow_timeout(gpointer data)
{
    follow_ctx *x = data;

    fprintf(stderr, "hacon drbd: --timeout reached\n");
    x->status = 1;
    g_main_loop_quit(x->loop);
    return G_SOURCE_REMOVE;
}

static gboolean follow_signal(gpointer data)
{
    follow_ctx *x = data;

    g_main_loop_quit(x->loop);
    return G_SOURCE_REMOVE;
}

static int run_follow(hc_drbd *d, const drbd_opts *o)
{
    follow_ctx x = { 0 };
    hc_drbd_follow_opts fo = { 0 };
    hc_drbd_follow *f;
    char *err = NULL;

    fo.drbdsetup = o->drbdsetup;
    fo.drbdadm = o->drbdadm;
    fo.proc_path = proc_path();
    fo.dump_deadline_ms = (int)(o->dump_deadline_s * 1000);
    x.loop = g_main_loop_new(NULL, FALSE);
    x.o = o;
    x.t0 = (double)g_get_real_time() / 1e6;
    f = hc_drbd_follow_start(d, &fo, follow_changed, &x, &err);
    if (!f) {
        fprintf(stderr, "hacon drbd: cannot follow DRBD: %s\n",
                err ? err : "no drbdsetup and no /proc/drbd");
        g_free(err);
        g_main_loop_unref(x.loop);
        return 1;
    }
    if (o->timeout_s > 0) {
        g_timeout_add((guint)(o->timeout_s * 1000), follow_timeout, &x);
    }
    g_unix_signal_add(SIGINT, follow_signal, &x);
    g_unix_signal_add(SIGTERM, follow_signal, &x);
    g_main_loop_run(x.loop);
    hc_drbd_follow_stop(f);
    g_main_loop_unref(x.loop);
    return x.status;
}

/* /proc/drbd shows minors, not names or sizes: ask the tools that know
 * them (drbd_follow.h); what none names is shown as "name unknown". */
static void lookup_names(drbd_opts *o)
{
    o->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    o->ref = hc_drbd_new();
    hc_drbd_lookup_minors(o->drbdsetup, o->drbdadm, o->names, o->ref);
}

/* One look at the live system: events2 --now for names and states, then
 * /proc/drbd (8.4) for the sync progress it alone shows. */
static int run_once(hc_drbd *d, drbd_opts *o)
{
    const char *argv[] = { o->drbdsetup ? o->drbdsetup : "drbdsetup",
                           "events2", "--now", "--timestamps",
                           "--statistics", "all", NULL };
    hc_exec_opts eo = { .timeout_ms = 10000 };
    hc_exec_result res = { 0 };
    char *buf = NULL;
    size_t len = 0;
    bool any = false;

    if (hc_exec(argv, &eo, &res) == 0 && res.status == 0) {
        if (hc_drbd_feed_events2(d, res.out, strlen(res.out), -1) >= 0) {
            any = true;
        }
    }
    hc_exec_result_clear(&res);
    if (hc_read_file(proc_path(), &buf, &len) == 0) {
        /* Without events2, /proc/drbd knows its minors by number only. */
        if (!any) {
            lookup_names(o);
        }
        hc_drbd_feed_proc(d, buf, len, (double)g_get_real_time() / 1e6,
                          o->names);
        if (o->ref) {
            hc_drbd_take_sizes(d, o->ref);
        }
        any = true;
        g_free(buf);
    }
    if (!any) {
        fprintf(stderr, "hacon drbd: DRBD is not running here "
                "(no /proc/drbd, drbdsetup events2 failed)\n");
        return 1;
    }
    return print_model(d, o);
}

/* --host NAME=ADDRESS, twice. */
/* NAME=ADDR: the strings are o's, freed by cmd_drbd. */
static int parse_host(drbd_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');

    if (!eq || o->n_hosts == 2) {
        return -1;
    }
    o->host_names[o->n_hosts] = g_strndup(arg, (gsize) (eq - arg));
    o->res.hosts[o->n_hosts].name = o->host_names[o->n_hosts];
    o->res.hosts[o->n_hosts++].address = eq + 1;
    return 0;
}

static int run_gen_res(drbd_opts *o)
{
    GString *out = g_string_new(NULL);
    const char *why = NULL;
    int rc;

    if (o->n_hosts != 2) {
        fprintf(stderr, "hacon drbd: --gen-res needs two --host NAME=ADDR\n");
        g_string_free(out, TRUE);
        return 2;
    }
    rc = hc_gen_drbd_res(&o->res, out, &why);
    if (rc < 0) {
        fprintf(stderr, "hacon drbd: %s\n", why);
    } else {
        fwrite(out->str, 1, out->len, stdout);
    }
    g_string_free(out, TRUE);
    return rc < 0 ? 1 : 0;
}

static int cmd_drbd(const hc_args *a)
{
    drbd_opts o = {
        .json = hc_args_choice(a, "format", 0),
        .history = hc_args_has(a, "history"),
        .proc = hc_args_str(a, "proc", NULL),
        .events2 = hc_args_str(a, "events2", NULL),
        .status_json = hc_args_str(a, "status-json", NULL),
        .follow = hc_args_has(a, "follow"),
        .until_synced = hc_args_has(a, "until-synced"),
        .timeout_s = hc_args_real(a, "timeout", 0),
        .dump_deadline_s = hc_args_real(a, "dump-deadline", 0),
        .drbdsetup = hc_args_str(a, "drbdsetup", NULL),
        .drbdadm = hc_args_str(a, "drbdadm", NULL),
        .cib = hc_args_str(a, "cib", NULL),
        .node = hc_args_str(a, "node", NULL),
        .gen_res = hc_args_has(a, "gen-res"),
        .res = {
            .name = hc_args_str(a, "gen-res", NULL),
            .drbd_major = (int) hc_args_int(a, "drbd-version", 8),
            .minor = (int) hc_args_int(a, "minor", 1),
            .disk = hc_args_str(a, "disk", "/dev/sdb1"),
            .port = (int) hc_args_int(a, "port", 0),
            .fencing = hc_args_has(a, "fencing"),
            .resync_rate = hc_args_str(a, "resync-rate", NULL),
            .verify_alg = hc_args_str(a, "verify-alg", NULL),
        },
    };
    hc_drbd *d;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    for (unsigned i = 0; i < hc_args_count(a, "host"); i++) {
        if (parse_host(&o, hc_args_nth(a, "host", i)) < 0) {
            char *e = hc_escape(hc_args_nth(a, "host", i), 40);
            char *m = g_strdup_printf("--host: \"%s\" is not NAME=ADDR", e);

            rc = hc_command_usage_error(&hc_cmd_drbd, m);
            g_free(m);
            g_free(e);
            g_free(o.host_names[0]);
            g_free(o.host_names[1]);
            return rc;
        }
    }
    if ((!!o.proc + !!o.events2 + !!o.status_json) > 1) {
        return hc_command_usage_error(&hc_cmd_drbd, "--proc, --events2 and "
                                      "--status-json: one at most");
    }
    if (o.gen_res) {
        rc = run_gen_res(&o);
        g_free(o.host_names[0]);
        g_free(o.host_names[1]);
        return rc;
    }
    d = hc_drbd_new();
    if (o.proc || o.events2 || o.status_json) {
        const char *path = o.proc ? o.proc
                         : o.events2 ? o.events2 : o.status_json;
        rc = hc_read_file(path, &buf, &len);
        if (rc < 0) {
            fprintf(stderr, "hacon drbd: %s: %s\n", path, g_strerror(-rc));
            hc_drbd_free(d);
            return 1;
        }
        if (o.proc) {
            lookup_names(&o);
        }
        rc = o.proc ? replay_proc(d, buf, len, &o)
           : o.events2 ? replay_events2(d, buf, len, &o)
           : hc_drbd_feed_status_json(d, buf, len, 0);
        g_free(buf);
        if (rc < 0) {
            if (d->err_line > 0) {
                fprintf(stderr, "hacon drbd: %s:%d: %s\n", path,
                        d->err_line, d->err[0] ? d->err : "malformed");
            } else {
                fprintf(stderr, "hacon drbd: %s: %s\n", path,
                        d->err[0] ? d->err : "malformed");
            }
            rc = 1;
        } else {
            rc = o.follow ? 0 : print_model(d, &o);
        }
    } else if (o.follow) {
        rc = run_follow(d, &o);
    } else {
        rc = run_once(d, &o);
    }
    hc_drbd_free(d);
    hc_drbd_free(o.ref);
    if (o.names) {
        g_hash_table_destroy(o.names);
    }
    return rc;
}

static const hc_opt drbd_opts_table[] = {
    HC_FORMAT_OPT,
    { "history", 0, HC_OPT_FLAG, NULL, .help = "the recent state changes too" },
    { "proc", 0, HC_OPT_STRING, "FILE", .help = "read a captured /proc/drbd "
      "(DRBD 8.4)", .complete = HC_OPT_FILE },
    { "events2", 0, HC_OPT_STRING, "FILE", .help = "read captured drbdsetup events2 "
      "lines (DRBD 9)", .complete = HC_OPT_FILE },
    { "status-json", 0, HC_OPT_STRING, "FILE", .help = "read captured drbdsetup "
      "status in JSON", .complete = HC_OPT_FILE },
    { "follow", 0, HC_OPT_FLAG, NULL, .help = "follow drbdsetup events2 and print "
      "each change" },
    { "until-synced", 0, HC_OPT_FLAG, NULL, .help = "--follow: end when every "
      "resource is in sync" },
    { "timeout", 0, HC_OPT_REAL, "SECS", .help = "--follow: end with status 1 after "
      "SECS (0: never)", 0, 86400, "seconds" },
    { "dump-deadline", 0, HC_OPT_REAL, "SECS", .help = "--follow: how long the "
      "initial dump may take (0: 10 s)", 0, 3600, "seconds" },
    { "drbdsetup", 0, HC_OPT_STRING, "PATH", .help = "the drbdsetup program",
      .complete = HC_OPT_FILE },
    { "drbdadm", 0, HC_OPT_STRING, "PATH", .help = "the drbdadm program",
      .complete = HC_OPT_FILE },
    { "cib", 0, HC_OPT_STRING, "FILE", .help = "compare with what this CIB says of "
      "the same resources", .complete = HC_OPT_FILE },
    { "node", 0, HC_OPT_STRING, "NAME", .help = "--cib: this node's name (default: "
      "the host name)" },
    { "gen-res", 0, HC_OPT_STRING, "NAME", .help = "print a resource file for NAME "
      "instead" },
    { "host", 0, HC_OPT_STRING, "N=ADDR", .help = "--gen-res: a node and its "
      "replication address", .repeat = 2 },
    { "drbd-version", 0, HC_OPT_INT, "8|9", .help = "--gen-res: the DRBD version "
      "(default 8)", 8, 9 },
    { "minor", 0, HC_OPT_INT, "N", .help = "--gen-res: the device minor (default "
      "1)", 0, 1048575 },
    { "disk", 0, HC_OPT_STRING, "DEV", .help = "--gen-res: the backing disk "
      "(default /dev/sdb1)", .complete = HC_OPT_FILE },
    { "port", 0, HC_OPT_INT, "P", .help = "--gen-res: the TCP port (default 7789)",
      1, 65535 },
    { "fencing", 0, HC_OPT_FLAG, NULL, .help = "--gen-res: resource-level fencing "
      "through Pacemaker" },
    { "resync-rate", 0, HC_OPT_STRING, "R", .help = "--gen-res: the resync rate "
      "(40M)" },
    { "verify-alg", 0, HC_OPT_STRING, "ALG", .help = "--gen-res: the online "
      "verification algorithm" },
    { NULL },
};

static const char *const drbd_forms[] = {
    "[--proc F|--events2 F|--status-json F|--follow]",
    "--gen-res NAME --host N=ADDR --host N=ADDR",
    NULL,
};

const hc_command hc_cmd_drbd = {
    .name = "drbd",
    .summary = "DRBD replication state and sync progress",
    .forms = drbd_forms,
    .args = { drbd_opts_table, 0, 0, false },
    .run = cmd_drbd,
};
