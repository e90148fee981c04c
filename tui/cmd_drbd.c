/* hacon drbd: DRBD's replication state and sync progress, printed once or
 * followed.  Inputs: the live system (drbdsetup events2 and /proc/drbd),
 * or captured files (--proc, --events2), which is what the golden tests
 * use.  With --cib, what Pacemaker says about the same resources and
 * where the two disagree.  A --proc file may hold several /proc/drbd snapshots, each after a
 * line "@ SECONDS", replayed in order as samples of a sync. */
#include <errno.h>
#include <getopt.h>
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
    if (hc_read_file("/proc/drbd", &buf, &len) == 0) {
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
static int parse_host(drbd_opts *o, char *arg)
{
    char *eq = strchr(arg, '=');

    if (!eq || o->n_hosts == 2) {
        return -1;
    }
    *eq = '\0';
    o->res.hosts[o->n_hosts].name = arg;
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

static void drbd_usage(FILE *f)
{
    fprintf(f, "usage: hacon drbd [--format=text|json] [--history]\n"
            "                  [--proc FILE | --events2 FILE |"
            " --status-json FILE | --follow]\n"
            "                  [--until-synced] [--timeout SECS]"
            " [--dump-deadline SECS]\n"
            "                  [--drbdsetup PATH] [--drbdadm PATH]\n"
            "                  [--cib FILE [--node NAME]]\n"
            "       hacon drbd --gen-res NAME --host N=ADDR --host N=ADDR\n"
            "                  [--drbd-version 8|9] [--minor N] [--disk DEV]"
            " [--port P]\n"
            "                  [--fencing] [--resync-rate R]"
            " [--verify-alg ALG]\n");
}

static int cmd_drbd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "history", no_argument, NULL, 'H' },
        { "proc", required_argument, NULL, 'p' },
        { "events2", required_argument, NULL, 'e' },
        { "status-json", required_argument, NULL, 'j' },
        { "follow", no_argument, NULL, 'F' },
        { "until-synced", no_argument, NULL, 'u' },
        { "timeout", required_argument, NULL, 't' },
        { "dump-deadline", required_argument, NULL, 'T' },
        { "drbdsetup", required_argument, NULL, 'd' },
        { "drbdadm", required_argument, NULL, 'A' },
        { "cib", required_argument, NULL, 'c' },
        { "node", required_argument, NULL, 'n' },
        { "gen-res", required_argument, NULL, 'G' },
        { "drbd-version", required_argument, NULL, 'V' },
        { "minor", required_argument, NULL, 'm' },
        { "disk", required_argument, NULL, 'D' },
        { "host", required_argument, NULL, 'o' },
        { "port", required_argument, NULL, 'P' },
        { "fencing", no_argument, NULL, 'x' },
        { "resync-rate", required_argument, NULL, 'r' },
        { "verify-alg", required_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    drbd_opts o = { .res = { .drbd_major = 8, .minor = 1,
                             .disk = "/dev/sdb1" } };
    hc_drbd *d;
    char *buf = NULL;
    size_t len = 0;
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            o.json = hc_parse_format(optarg);
            if (o.json < 0) {
                drbd_usage(stderr);
                return 2;
            }
            break;
        case 'H':
            o.history = true;
            break;
        case 'p':
            o.proc = optarg;
            break;
        case 'e':
            o.events2 = optarg;
            break;
        case 'j':
            o.status_json = optarg;
            break;
        case 'F':
            o.follow = true;
            break;
        case 'u':
            o.until_synced = true;
            break;
        case 't':
            o.timeout_s = atof(optarg);
            break;
        case 'T':
            o.dump_deadline_s = atof(optarg);
            break;
        case 'd':
            o.drbdsetup = optarg;
            break;
        case 'A':
            o.drbdadm = optarg;
            break;
        case 'c':
            o.cib = optarg;
            break;
        case 'n':
            o.node = optarg;
            break;
        case 'G':
            o.gen_res = true;
            o.res.name = optarg;
            break;
        case 'V':
            o.res.drbd_major = atoi(optarg);
            break;
        case 'm':
            o.res.minor = atoi(optarg);
            break;
        case 'D':
            o.res.disk = optarg;
            break;
        case 'o':
            if (parse_host(&o, optarg) < 0) {
                drbd_usage(stderr);
                return 2;
            }
            break;
        case 'P':
            o.res.port = atoi(optarg);
            break;
        case 'x':
            o.res.fencing = true;
            break;
        case 'r':
            o.res.resync_rate = optarg;
            break;
        case 'v':
            o.res.verify_alg = optarg;
            break;
        case 'h':
            drbd_usage(stdout);
            return 0;
        default:
            drbd_usage(stderr);
            return 2;
        }
    }
    if (optind < argc
        || (!!o.proc + !!o.events2 + !!o.status_json) > 1) {
        drbd_usage(stderr);
        return 2;
    }
    if (o.gen_res) {
        return run_gen_res(&o);
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

const hc_command hc_cmd_drbd = {
    .name = "drbd",
    .usage = "[--format=text|json] [--proc F|--events2 F|--follow]",
    .summary = "DRBD replication state and sync progress",
    .run = cmd_drbd,
};
