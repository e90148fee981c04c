#include "failover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <crm/common/xml.h>

#include "cib.h"
#include "dhcpconf.h"
#include "dhcpprobe.h"
#include "exec.h"
#include "leases.h"
#include "leases_locate.h"
#include "kea_read.h"
#include "status.h"
#include "util.h"

enum phase {
    PH_BASELINE,
    PH_BASE_IO,      /* the baseline's probe and lease read, in a thread */
    PH_ACTION,
    PH_OBSERVE,
    PH_CLEANUP,
    PH_FINAL,
    PH_FINAL_IO,     /* the final probe and lease read, in a thread */
    PH_DONE,
};

/* The slow reads of the baseline and of the final checks (a DHCP probe
 * that may wait for dhcpd's ping check, a lease file read over ssh): in a
 * thread, so that a caller's loop (the console's) is never held for
 * seconds.  The thread touches only the probe, these results and what it
 * reads; the main thread waits for it before using them. */
typedef struct io_task {
    GThread *thread;
    gint done;
    int probe_tries, probe_wait_ms;
    bool probe_ok;
    double rtt;
    char *lease_node;      /* read the lease file there (NULL: skip) */
    GArray *leases;        /* base_lease */
    int lease_rc;
    char *lease_err;
    uint32_t lease_read_at;    /* time(NULL) when the file was read */
} io_task;

/* One command of a job, run in the worker thread. */
typedef struct job_cmd {
    char **argv;
    char *node;          /* NULL: here; else over ssh */
    int timeout_ms;
    bool may_fail;       /* a failure is reported but does not stop */
} job_cmd;

/* A message from the worker thread, emitted by the main thread. */
typedef struct job_msg {
    double when_ms;      /* hc_now_ms() */
    char *text;
} job_msg;

typedef struct job {
    GPtrArray *cmds;     /* job_cmd* */
    GAsyncQueue *msgs;   /* job_msg* */
    GThread *thread;
    gint done;
    int rc;              /* 0, or -EIO when a command failed */
} job;

typedef hc_fo_lease base_lease;

struct hc_failover {
    hc_fo_opts o;
    GPtrArray *strs;             /* copies of the opts strings */
    hc_fo_observer fn;
    void *fn_data;
    hc_fo_drbd_reader drbd;
    void *drbd_data;

    enum phase phase;
    char *error;
    hc_cib *cib;
    bool cib_dirty, cib_lost;
    double cib_retry_ms;
    hc_status *st;
    GHashTable *snap;            /* what the timeline compares: key->text */

    char *service, *anchor, *vip, *ifname, *leases_path, *leases_node;
    bool anchor_promoted;
    GPtrArray *chain;            /* char* top-level ids, service's component */
    char *drbd_rsc;              /* a DRBD primitive in the CIB, or NULL */
    char *local, *from, *to;
    bool stonith;

    hc_dhcpprobe *probe;
    struct in_addr vip_addr;
    double t0;                   /* hc_now_ms() when the action started */
    double wall0;
    double deadline;
    unsigned sent, answered, lost;
    bool last_ok;
    double first_fail, last_fail, recovered;  /* relative to t0, -1 */
    bool wrong_server_seen;
    int last_probe_err;

    GArray *base_leases;         /* base_lease */
    GPtrArray *base_lines;       /* char*: the baseline as text */
    char *base_drbd;
    char *drbd_last;             /* last text of the reader, timeline */
    double drbd_next;            /* when to read it again */
    double drbd_wait_end;        /* end of the wait for UpToDate, or 0 */
    GPtrArray *base_fails;       /* char* "rsc@node" with a fail count */
    GPtrArray *cleaned;          /* char* "rsc@node=count": fail counts
                                  * the test caused, cleaned up after it */
    char *pidfile;               /* the dhcpd resource's pid file */
    char *kea_config;            /* Kea's configuration, when Kea serves */
    GPtrArray *leftovers;        /* char* constraint ids */
    GPtrArray *leftover_rscs;    /* char* their resources */

    bool action_failed;
    char *aborted;               /* why the run was asked to end, or NULL */
    bool placed_known;           /* service-placed is asserted */
    bool seen_failure;           /* kill: the cluster noticed */
    int max_failcount;
    double done_ms;              /* failover complete, relative to t0 */
    char *done_node;
    job *job;
    GPtrArray *events;           /* hc_fo_event* */
    GPtrArray *asserts;          /* hc_fo_assertion* */
    io_task *io;
    xmlNode *final_xml;          /* the CIB after the test */
    char *final_where;           /* where the service runs after it */
};

static const char *const scenario_names[HC_FO_N_SCENARIOS] = {
    "move", "standby", "stop-stack", "kill", "crash", "cut",
};

const char *hc_fo_scenario_name(hc_fo_scenario s)
{
    return s < HC_FO_N_SCENARIOS ? scenario_names[s] : "?";
}

int hc_fo_scenario_from_name(const char *name)
{
    for (int i = 0; i < HC_FO_N_SCENARIOS; i++) {
        if (name && !strcmp(name, scenario_names[i])) {
            return i;
        }
    }
    return -1;
}

const char *hc_fo_event_kind_name(hc_fo_event_kind k)
{
    static const char *const names[] = {
        "info", "action", "cib", "member", "quorum", "drbd", "dhcp",
        "assert", "warn",
    };
    return k <= HC_FO_EV_WARN ? names[k] : "?";
}

static const char *verdict_name(hc_fo_verdict v)
{
    return v == HC_FO_PASS ? "pass" : v == HC_FO_FAIL ? "fail" : "skip";
}

char *hc_fo_subst_node(const char *cmd, const char *node)
{
    GString *s;

    if (!cmd || !node || !*node) {
        return NULL;
    }
    for (const char *p = node; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != '_') {
            return NULL;
        }
    }
    s = g_string_new(NULL);
    for (const char *p = cmd; *p;) {
        if (!strncmp(p, "{node}", 6)) {
            g_string_append(s, node);
            p += 6;
        } else {
            g_string_append_c(s, *p++);
        }
    }
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ events */

static double rel_ms(const hc_failover *fo)
{
    return fo->t0 > 0 ? hc_now_ms() - fo->t0 : -0.0;
}

static void emit_at(hc_failover *fo, double t, hc_fo_event_kind kind,
                    const char *text)
{
    hc_fo_event *ev = g_new0(hc_fo_event, 1);

    ev->t_ms = t;
    /* Thread messages are emitted a little after they happened: the wall
     * time follows t, not the moment of emission. */
    ev->wall = g_get_real_time() / 1e6
               - (fo->t0 > 0 ? (rel_ms(fo) - t) / 1000.0 : 0);
    ev->kind = kind;
    ev->text = hc_escape(text, 0);
    g_ptr_array_add(fo->events, ev);
    if (fo->fn) {
        fo->fn(ev, fo->fn_data);
    }
}

G_GNUC_PRINTF(3, 4)
static void emit(hc_failover *fo, hc_fo_event_kind kind, const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    emit_at(fo, rel_ms(fo), kind, text);
    g_free(text);
}

G_GNUC_PRINTF(4, 5)
static void assertion(hc_failover *fo, hc_fo_verdict v, const char *name,
                      const char *fmt, ...)
{
    hc_fo_assertion *a = g_new0(hc_fo_assertion, 1);
    va_list ap;
    char *detail;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    a->name = g_strdup(name);
    a->verdict = v;
    a->detail = hc_escape(detail, 0);
    g_ptr_array_add(fo->asserts, a);
    emit(fo, HC_FO_EV_ASSERT, "%s: %s: %s", verdict_name(v), name, detail);
    g_free(detail);
}

static void event_free(gpointer p)
{
    hc_fo_event *ev = p;

    g_free(ev->text);
    g_free(ev);
}

static void assertion_free(gpointer p)
{
    hc_fo_assertion *a = p;

    g_free(a->name);
    g_free(a->detail);
    g_free(a);
}

void hc_fo_event_format(const hc_fo_event *ev, GString *out)
{
    char when[32];
    time_t w = (time_t) ev->wall;

    hc_time_str(w, when, sizeof(when));
    g_string_append_printf(out, "%s.%03d ", when,
                           (int) ((ev->wall - (double) w) * 1000));
    /* Before the action there is no time from it yet. */
    if (ev->t_ms == 0 && signbit(ev->t_ms)) {
        g_string_append(out, "   before");
    } else {
        g_string_append_printf(out, "%+9.3f", ev->t_ms / 1000.0);
    }
    g_string_append_printf(out, " %-6s %s\n",
                           hc_fo_event_kind_name(ev->kind), ev->text);
}

/* ------------------------------------------------------------ jobs */

static void job_cmd_free(gpointer p)
{
    job_cmd *c = p;

    g_strfreev(c->argv);
    g_free(c->node);
    g_free(c);
}

static void job_msg_free(gpointer p)
{
    job_msg *m = p;

    g_free(m->text);
    g_free(m);
}

static job *job_new(void)
{
    job *j = g_new0(job, 1);

    j->cmds = g_ptr_array_new_with_free_func(job_cmd_free);
    j->msgs = g_async_queue_new_full(job_msg_free);
    return j;
}

/* The end of job_add's argument list: a pointer, not a bare NULL that
 * may be an int in a variadic call. */
#define JOB_END ((const char *) NULL)

static void job_add(job *j, const char *node, int timeout_ms, bool may_fail,
                    ...) G_GNUC_NULL_TERMINATED;
static void job_add(job *j, const char *node, int timeout_ms, bool may_fail,
                    ...)
{
    job_cmd *c = g_new0(job_cmd, 1);
    va_list ap;

    va_start(ap, may_fail);
    c->argv = hc_argv_from_va(ap);
    va_end(ap);
    c->node = g_strdup(node);
    c->timeout_ms = timeout_ms;
    c->may_fail = may_fail;
    g_ptr_array_add(j->cmds, c);
}

static void job_say(job *j, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void job_say(job *j, const char *fmt, ...)
{
    job_msg *m = g_new0(job_msg, 1);
    va_list ap;

    va_start(ap, fmt);
    m->text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    m->when_ms = hc_now_ms();
    g_async_queue_push(j->msgs, m);
}

/* The last non-empty line of s, for a one-line result. */
static char *last_line(const char *s)
{
    char **lines = g_strsplit(s ? s : "", "\n", -1);
    char *r = NULL;

    for (int i = (int) g_strv_length(lines) - 1; i >= 0 && !r; i--) {
        g_strstrip(lines[i]);
        if (*lines[i]) {
            r = g_strdup(lines[i]);
        }
    }
    g_strfreev(lines);
    return r ? r : g_strdup("");
}

static gpointer job_main(gpointer p)
{
    job *j = p;

    for (guint i = 0; i < j->cmds->len; i++) {
        job_cmd *c = j->cmds->pdata[i];
        hc_exec_result res = { 0 };
        char *cl = hc_exec_cmdline((const char *const *) c->argv, c->node);
        hc_exec_opts eo = { .node = c->node, .timeout_ms = c->timeout_ms };
        int rc;

        job_say(j, "run: %s", cl);
        rc = hc_exec((const char *const *) c->argv, &eo, &res);
        if (rc < 0 || res.status != 0 || res.timed_out) {
            char *why = last_line(res.err && *res.err ? res.err : res.out);

            job_say(j, "%s: %s%s%s", cl,
                    rc < 0 ? "cannot run"
                    : res.timed_out ? "timed out" : "failed",
                    *why ? ": " : "", why);
            g_free(why);
            if (!c->may_fail) {
                j->rc = -EIO;
                g_free(cl);
                hc_exec_result_clear(&res);
                break;
            }
        } else {
            job_say(j, "done in %.0f ms: %s", res.ms, cl);
        }
        g_free(cl);
        hc_exec_result_clear(&res);
    }
    g_atomic_int_set(&j->done, 1);
    return NULL;
}

static void job_start(job *j)
{
    j->thread = g_thread_new("hc-failover", job_main, j);
}

static void job_drain(hc_failover *fo)
{
    job_msg *m;

    if (!fo->job) {
        return;
    }
    while ((m = g_async_queue_try_pop(fo->job->msgs))) {
        emit_at(fo, fo->t0 > 0 ? m->when_ms - fo->t0 : -0.0,
                HC_FO_EV_ACTION, m->text);
        job_msg_free(m);
    }
}

/* True when the running job (if any) is finished; drains its messages. */
static bool job_finished(hc_failover *fo, int *ret_rc)
{
    if (!fo->job) {
        *ret_rc = 0;
        return true;
    }
    job_drain(fo);
    if (!g_atomic_int_get(&fo->job->done)) {
        return false;
    }
    g_thread_join(fo->job->thread);
    job_drain(fo);
    *ret_rc = fo->job->rc;
    g_ptr_array_free(fo->job->cmds, TRUE);
    g_async_queue_unref(fo->job->msgs);
    g_free(fo->job);
    fo->job = NULL;
    return true;
}

/* ------------------------------------------------------------ model */

static bool score_is_inf(const char *s)
{
    if (!s) {
        return false;
    }
    if (*s == '+') {
        s++;
    }
    return !g_ascii_strcasecmp(s, "INFINITY") || !g_ascii_strcasecmp(s, "inf");
}

static hc_resource *top_of(hc_resource *r)
{
    while (r && r->parent) {
        r = r->parent;
    }
    return r;
}

static bool is_kea_agent(const char *a)
{
    return a && !strcmp(a, "ocf:hacon:kea-dhcp4");
}

/* The DHCP service: dhcpd's agents or Kea's. */
static bool is_dhcpd_agent(const char *a)
{
    return a && (!strcmp(a, "ocf:hacon:dhcpd")
                 || !strcmp(a, "ocf:heartbeat:dhcpd") || is_kea_agent(a));
}

static hc_resource *find_by_agent(GPtrArray *rscs, bool (*match)(const char *))
{
    for (guint i = 0; rscs && i < rscs->len; i++) {
        hc_resource *r = rscs->pdata[i], *c;

        if (r->kind == HC_RSC_PRIMITIVE && match(r->agent)) {
            return r;
        }
        if ((c = find_by_agent(r->children, match))) {
            return c;
        }
    }
    return NULL;
}

static bool is_drbd_agent(const char *a)
{
    return a && !strcmp(a, "ocf:linbit:drbd");
}

static const char *param(const hc_resource *r, const char *name)
{
    for (guint i = 0; r && r->params && i < r->params->len; i++) {
        hc_nvpair *nv = r->params->pdata[i];

        if (!strcmp(nv->name, name)) {
            return nv->value;
        }
    }
    return NULL;
}

/* The pid file of the dhcpd the resource runs, as its agent computes it:
 * ocf:hacon:dhcpd's pidfile (default /run/dhcpd.pid); ocf:heartbeat:dhcpd's
 * pid (default /var/run/dhcpd.pid), inside chrooted_path (default
 * /var/lib/dhcp) unless chrooted is false.  Newly allocated. */
static char *dhcpd_pidfile(const hc_resource *r)
{
    const char *pid, *ch, *root;

    if (is_kea_agent(r->agent)) {
        /* Kea's: RUNDIR/NAME.kea-dhcp4.pid, NAME the configuration's file
         * name without its extension (ocf:hacon:kea-dhcp4). */
        const char *cf = param(r, "config"), *rd = param(r, "rundir");
        char *base = g_path_get_basename(cf && *cf ? cf
                                         : "/etc/kea/kea-dhcp4.conf");
        char *dot = strrchr(base, '.'), *ret;

        if (dot && dot != base) {
            *dot = 0;
        }
        ret = g_strdup_printf("%s/%s.kea-dhcp4.pid", rd && *rd ? rd
                              : "/run/kea", base);
        g_free(base);
        return ret;
    }

    if (r->agent && !strcmp(r->agent, "ocf:hacon:dhcpd")) {
        pid = param(r, "pidfile");
        return g_strdup(pid && *pid ? pid : "/run/dhcpd.pid");
    }
    pid = param(r, "pid");
    if (!pid || !*pid) {
        pid = "/var/run/dhcpd.pid";
    }
    ch = param(r, "chrooted");
    if (ch && (!g_ascii_strcasecmp(ch, "false") || !strcmp(ch, "0")
               || !g_ascii_strcasecmp(ch, "no")
               || !g_ascii_strcasecmp(ch, "off"))) {
        return g_strdup(pid);
    }
    root = param(r, "chrooted_path");
    return g_strconcat(root && *root ? root : "/var/lib/dhcp", pid, NULL);
}

/* The node where r (a primitive, or any primitive below it) is active in
 * role (NULL: any active role but Unpromoted). */
static const char *rsc_node(const hc_resource *r, const char *role)
{
    for (guint i = 0; r && r->places && i < r->places->len; i++) {
        hc_rsc_place *pl = r->places->pdata[i];

        if (role ? !g_strcmp0(pl->role, role)
                 : g_strcmp0(pl->role, "Unpromoted")
                   && g_strcmp0(pl->role, "Slave")
                   && g_strcmp0(pl->role, "Stopped")) {
            return pl->node;
        }
    }
    for (guint i = 0; r && r->children && i < r->children->len; i++) {
        const char *n = rsc_node(r->children->pdata[i], role);

        if (n) {
            return n;
        }
    }
    return NULL;
}

static const char *service_node(const hc_failover *fo)
{
    hc_resource *r = fo->st ? hc_status_find_resource(fo->st, fo->service)
                            : NULL;

    return r && r->active ? rsc_node(r, NULL) : NULL;
}

static bool in_list(GPtrArray *a, const char *s)
{
    for (guint i = 0; a && i < a->len; i++) {
        if (!g_strcmp0(a->pdata[i], s)) {
            return true;
        }
    }
    return false;
}

/* The colocation chain: the component of top-level resources joined to
 * the service by mandatory colocations, and the anchor that the service
 * depends on through them without depending on anything itself (moving
 * the anchor moves the whole chain). */
/* An edge of a mandatory colocation between top-level resources:
 * dependent -> primary.  False for anything else. */
static bool coloc_edge(const hc_status *st, const hc_constraint *c,
                       hc_resource **ret_d, hc_resource **ret_p)
{
    hc_resource *d, *p;

    if (c->kind != HC_CONS_COLOCATION || c->has_sets
        || !score_is_inf(c->score)
        || !(d = hc_status_find_resource(st, c->rsc))
        || !(p = hc_status_find_resource(st, c->with_rsc))) {
        return false;
    }
    *ret_d = top_of(d);
    *ret_p = top_of(p);
    return *ret_d != *ret_p;
}

int hc_fo_find_chain(const hc_status *st, const char *service,
                     GPtrArray *chain, char **ret_anchor,
                     bool *ret_promoted)
{
    hc_resource *svc = hc_status_find_resource(st, service);
    GPtrArray *reach;
    char *anchor = NULL;
    bool promoted = false;

    if (!svc) {
        return -ENOENT;
    }
    reach = g_ptr_array_new();

    g_ptr_array_add(chain, g_strdup(top_of(svc)->id));
    /* Everything the service depends on, breadth first; the anchor is the
     * first of them that depends on nothing (dhcp -> fs_data, testnet;
     * testnet -> fs_data: fs_data). */
    g_ptr_array_add(reach, top_of(svc)->id);
    for (guint r = 0; r < reach->len; r++) {
        bool sink = true;

        for (guint i = 0; i < st->constraints->len; i++) {
            hc_constraint *c = st->constraints->pdata[i];
            hc_resource *d, *p;

            if (!coloc_edge(st, c, &d, &p) || strcmp(d->id, reach->pdata[r])) {
                continue;
            }
            sink = false;
            if (!in_list(reach, p->id)) {
                g_ptr_array_add(reach, p->id);
            }
        }
        if (sink && r > 0 && !anchor) {
            anchor = g_strdup(reach->pdata[r]);
        }
    }
    if (!anchor) {
        anchor = g_strdup(top_of(svc)->id);
    }
    g_ptr_array_free(reach, TRUE);
    /* Promotable anchors move by their promoted instance. */
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = st->constraints->pdata[i];
        hc_resource *d, *p;

        if (coloc_edge(st, c, &d, &p) && !strcmp(p->id, anchor)
            && c->with_role && (!strcmp(c->with_role, "Promoted")
                                || !strcmp(c->with_role, "Master"))) {
            promoted = true;
        }
    }
    /* The component, both directions. */
    for (bool grew = true; grew;) {
        grew = false;
        for (guint i = 0; i < st->constraints->len; i++) {
            hc_constraint *c = st->constraints->pdata[i];
            hc_resource *d, *p;

            if (!coloc_edge(st, c, &d, &p)) {
                continue;
            }
            if (in_list(chain, d->id) != in_list(chain, p->id)) {
                g_ptr_array_add(chain, g_strdup(in_list(chain, d->id)
                                                    ? p->id : d->id));
                grew = true;
            }
        }
    }
    *ret_anchor = anchor;
    if (ret_promoted) {
        *ret_promoted = promoted;
    }
    return 0;
}

/* The floating IP of the chain: an IPaddr2 primitive in it. */
static hc_resource *find_vip_rsc(hc_failover *fo)
{
    for (guint i = 0; i < fo->chain->len; i++) {
        hc_resource *r = hc_status_find_resource(fo->st, fo->chain->pdata[i]);

        if (!r) {
            continue;
        }
        if (r->kind == HC_RSC_PRIMITIVE) {
            if (r->agent && (g_str_has_suffix(r->agent, ":IPaddr2")
                             || g_str_has_suffix(r->agent, ":IPaddr"))) {
                return r;
            }
            continue;
        }
        for (guint k = 0; r->children && k < r->children->len; k++) {
            hc_resource *c = r->children->pdata[k];

            if (c->agent && g_str_has_suffix(c->agent, ":IPaddr2")) {
                return c;
            }
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ snapshot */

static void snap_rsc(GHashTable *h, const hc_resource *r)
{
    if (r->kind == HC_RSC_PRIMITIVE) {
        GString *v = g_string_new(NULL);

        for (guint i = 0; r->places && i < r->places->len; i++) {
            hc_rsc_place *pl = r->places->pdata[i];

            g_string_append_printf(v, "%s%s on %s", v->len ? ", " : "",
                                   pl->role ? pl->role : "Started", pl->node);
        }
        if (!v->len) {
            g_string_append(v, r->failed ? "Stopped (failed)" : "Stopped");
        }
        g_hash_table_insert(h, g_strdup_printf("rsc %s", r->id),
                            g_string_free(v, FALSE));
        for (guint i = 0; r->failcounts && i < r->failcounts->len; i++) {
            hc_failcount *f = r->failcounts->pdata[i];

            g_hash_table_insert(h, g_strdup_printf("fail %s@%s", r->id,
                                                   f->node),
                                g_strdup_printf("%d", f->count));
        }
    }
    for (guint i = 0; r->children && i < r->children->len; i++) {
        snap_rsc(h, r->children->pdata[i]);
    }
}

static GHashTable *snapshot(hc_failover *fo)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
    const hc_status *st = fo->st;

    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = st->nodes->pdata[i];

        g_hash_table_insert(h, g_strdup_printf("node %s", n->name),
                            g_strdup(hc_node_state_str(n->state)));
    }
    g_hash_table_insert(h, g_strdup("quorum"),
                        g_strdup(st->cluster.quorate ? "yes" : "no"));
    g_hash_table_insert(h, g_strdup("dc"),
                        g_strdup(st->cluster.dc ? st->cluster.dc : "none"));
    for (guint i = 0; i < fo->chain->len; i++) {
        hc_resource *r = hc_status_find_resource(st, fo->chain->pdata[i]);

        if (r) {
            snap_rsc(h, r);
        }
    }
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = st->constraints->pdata[i];

        if (c->leftover) {
            char *d = hc_constraint_describe(c);

            g_hash_table_insert(h, g_strdup_printf("cons %s", c->id), d);
        }
    }
    return h;
}

static hc_fo_event_kind snap_kind(const char *key)
{
    if (g_str_has_prefix(key, "node ") || !strcmp(key, "dc")) {
        return HC_FO_EV_MEMBER;
    }
    if (!strcmp(key, "quorum")) {
        return HC_FO_EV_QUORUM;
    }
    return HC_FO_EV_CIB;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Emits one line for each difference between the last snapshot and now. */
static void snap_diff(hc_failover *fo, GHashTable *now)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, now);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        g_ptr_array_add(keys, k);
    }
    if (fo->snap) {
        g_hash_table_iter_init(&it, fo->snap);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            if (!g_hash_table_contains(now, k)) {
                g_ptr_array_add(keys, k);
            }
        }
    }
    g_ptr_array_sort(keys, cmp_str);
    for (guint i = 0; i < keys->len; i++) {
        const char *key = keys->pdata[i];
        const char *nv = g_hash_table_lookup(now, key);
        const char *ov = fo->snap ? g_hash_table_lookup(fo->snap, key) : NULL;

        if (!g_strcmp0(nv, ov) || (!fo->snap && g_str_has_prefix(key, "fail"))) {
            continue;
        }
        if (!strcmp(key, "dc")) {
            emit(fo, HC_FO_EV_MEMBER, "DC: %s", nv ? nv : "none");
        } else if (!strcmp(key, "quorum")) {
            emit(fo, HC_FO_EV_QUORUM, "quorum: %s", nv);
        } else if (g_str_has_prefix(key, "fail ")) {
            emit(fo, HC_FO_EV_CIB, "fail count %s: %s", key + 5,
                 nv ? nv : "cleared");
        } else if (g_str_has_prefix(key, "cons ")) {
            emit(fo, HC_FO_EV_CIB, "constraint %s %s%s%s", key + 5,
                 nv ? "added (" : "removed", nv ? nv : "", nv ? ")" : "");
        } else {
            emit(fo, snap_kind(key), "%s: %s", key + (key[0] == 'n' ? 5 : 4),
                 nv ? nv : "gone");
        }
    }
    g_ptr_array_free(keys, TRUE);
}

/* ------------------------------------------------------------ CIB */

static void cib_changed(xmlNode *diff, void *data)
{
    hc_failover *fo = data;

    if (!diff) {
        fo->cib_lost = true;
    }
    fo->cib_dirty = true;
}

static int cib_open(hc_failover *fo, char **ret_err)
{
    int rc;

    hc_cib_free(fo->cib);
    fo->cib = NULL;
    rc = hc_cib_connect(&fo->cib, ret_err);
    if (rc < 0) {
        return rc;
    }
    if (hc_cib_is_file(fo->cib)) {
        *ret_err = g_strdup("the failover test needs the live cluster, "
                            "not a CIB file (unset CIB_file/CIB_shadow)");
        return -EINVAL;
    }
    rc = hc_cib_watch(fo->cib, cib_changed, fo);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot watch the CIB: %s",
                                   g_strerror(-rc));
        return rc;
    }
    fo->cib_lost = false;
    return 0;
}

/* Reads the CIB into fo->st (and *ret_xml when asked). */
static int refresh(hc_failover *fo, xmlNode **ret_xml, char **ret_err)
{
    xmlNode *xml = NULL;
    hc_status *st = NULL;
    char *err = NULL;
    int rc;

    if (!fo->cib || fo->cib_lost) {
        if (hc_now_ms() < fo->cib_retry_ms) {
            return -ENOTCONN;
        }
        fo->cib_retry_ms = hc_now_ms() + 2000;
        rc = cib_open(fo, &err);
        if (rc < 0) {
            if (ret_err) {
                *ret_err = err;
            } else {
                g_free(err);
            }
            return rc;
        }
        emit(fo, HC_FO_EV_INFO, "connected to the CIB");
    }
    rc = hc_cib_query(fo->cib, &xml, &err);
    if (rc == 0) {
        rc = hc_status_from_xml(xml, 0, &st, &err);
    }
    if (rc < 0) {
        if (!fo->cib_lost) {
            emit(fo, HC_FO_EV_WARN, "CIB: %s", err ? err : g_strerror(-rc));
        }
        fo->cib_lost = true;
        free_xml(xml);
        if (ret_err) {
            *ret_err = err;
        } else {
            g_free(err);
        }
        return rc;
    }
    g_free(err);
    fo->cib_dirty = false;
    hc_status_free(fo->st);
    fo->st = st;
    if (ret_xml) {
        *ret_xml = xml;
    } else {
        free_xml(xml);
    }
    return 0;
}

static void observe_cib(hc_failover *fo)
{
    GHashTable *h;

    if (!fo->cib_dirty && !fo->cib_lost) {
        return;
    }
    if (refresh(fo, NULL, NULL) < 0) {
        return;
    }
    h = snapshot(fo);
    snap_diff(fo, h);
    if (fo->snap) {
        g_hash_table_unref(fo->snap);
    }
    fo->snap = h;
}

/* DRBD roles and disk states in the timeline: the reader once a second,
 * a line when its text changes. */
static void observe_drbd(hc_failover *fo)
{
    char *text = NULL;
    int rc;

    if (!fo->drbd || !fo->drbd_rsc || hc_now_ms() < fo->drbd_next) {
        return;
    }
    fo->drbd_next = hc_now_ms() + 1000;
    rc = fo->drbd(fo->to, &text, fo->drbd_data);
    if (!text) {
        text = g_strdup_printf("cannot read: %s", g_strerror(rc < 0 ? -rc
                                                                    : EIO));
    }
    if (g_strcmp0(text, fo->drbd_last)) {
        emit(fo, HC_FO_EV_DRBD, "%s", text);
        g_free(fo->drbd_last);
        fo->drbd_last = text;
    } else {
        g_free(text);
    }
}

/* ------------------------------------------------------------ probes */

/* One probe; true when the floating IP's server answered. */
static bool probe_once_within(hc_failover *fo, int timeout_ms,
                              double *ret_rtt)
{
    hc_dhcpprobe_result r;
    int rc = hc_dhcpprobe_run(fo->probe, timeout_ms, &r);

    if (rc < 0) {
        fo->last_probe_err = rc;
        return false;
    }
    if (r.server_id.s_addr != fo->vip_addr.s_addr) {
        /* Another server on the segment: not the one under test. */
        fo->wrong_server_seen = true;
        fo->last_probe_err = -EPROTO;
        return false;
    }
    *ret_rtt = r.rtt_ms;
    return true;
}

static bool probe_once(hc_failover *fo, double *ret_rtt)
{
    return probe_once_within(fo, fo->o.probe_timeout_ms, ret_rtt);
}

static void probe_tick(hc_failover *fo)
{
    double sent_at = rel_ms(fo), rtt = 0;
    bool ok = probe_once(fo, &rtt);

    fo->sent++;
    if (ok) {
        fo->answered++;
        if (!fo->last_ok && fo->lost) {
            char *text;

            fo->recovered = sent_at + rtt;
            text = g_strdup_printf("DHCP answers again from %s, %.0f ms "
                                   "after the first unanswered probe (%u "
                                   "unanswered so far)", fo->vip,
                                   fo->recovered - fo->first_fail, fo->lost);
            emit_at(fo, fo->recovered, HC_FO_EV_PROBE, text);
            g_free(text);
        }
    } else {
        fo->lost++;
        if (fo->first_fail < 0) {
            fo->first_fail = sent_at;
        }
        fo->last_fail = sent_at;
        if (fo->last_ok) {
            emit_at(fo, sent_at, HC_FO_EV_PROBE, "DHCP: no answer");
        }
    }
    fo->last_ok = ok;
}

/* ------------------------------------------------------------ leases */

static bool is_local(const hc_failover *fo, const char *node)
{
    return node && fo->local && !strcmp(node, fo->local);
}

/* Kea's memfile: its files in the order Kea reads them, later rows
 * superseding earlier ones (kea_read.h). */
static int read_kea_leases(hc_failover *fo, const char *node, GArray *out,
                           char **ret_err)
{
    const char *argv[] = { "sh", "-c", "for f in \"$1.2\" \"$1.completed\" "
                           "\"$1.1\" \"$1\"; do [ ! -e \"$f\" ] || cat -- "
                           "\"$f\" || exit 1; done", "sh", fo->leases_path,
                           NULL };
    hc_exec_result res = { 0 };
    unsigned bad = 0, line = 0;
    int rc = hc_exec(argv, &(hc_exec_opts) {
                         .node = is_local(fo, node) ? NULL : node }, &res);

    if (rc == 0 && res.status != 0) {
        rc = -EIO;
    }
    if (rc < 0) {
        *ret_err = g_strdup_printf("%s%s%s: cannot read Kea's lease files",
                                   node ? node : "", node ? ":" : "",
                                   fo->leases_path);
    } else {
        hc_kea_csv_leases(res.out, res.out_len, (uint32_t) time(NULL), out,
                          &bad, &line);
        if (bad) {
            /* Kea writes whole rows: one that is not is the file's fault,
             * and the comparison would not be sound. */
            *ret_err = g_strdup_printf("%s%s%s: %u rows are not Kea lease "
                                       "rows (the first at line %u of the "
                                       "files read in turn)", node ? node
                                       : "", node ? ":" : "",
                                       fo->leases_path, bad, line);
            rc = -EINVAL;
        }
    }
    hc_exec_result_clear(&res);
    return rc;
}

/* Every lease record of the file, the last one of each address (active
 * or not: a lease that ran out during a test is still recorded). */
static int read_leases(hc_failover *fo, const char *node, GArray *out,
                       char **ret_err)
{
    hc_lease_follower *f = NULL;
    hc_lease_table *t;
    uint32_t now = (uint32_t) time(NULL);
    int rc;

    if (fo->kea_config) {
        return read_kea_leases(fo, node, out, ret_err);
    }
    rc = hc_lease_follower_new(fo->leases_path,
                               is_local(fo, node) ? NULL : node, &f);

    if (rc == 0) {
        rc = hc_lease_follower_poll(f, NULL);
    }
    if (rc < 0) {
        *ret_err = g_strdup_printf("%s%s%s: %s", node ? node : "",
                                   node ? ":" : "", fo->leases_path,
                                   g_strerror(-rc));
        hc_lease_follower_free(f);
        return rc;
    }
    t = hc_lease_follower_table(f);
    g_array_set_size(out, 0);
    for (size_t i = 0; i < hc_lease_table_count(t); i++) {
        const hc_lease *l = hc_lease_table_get(t, i);
        base_lease b = { 0 };

        b.active = l->state == HC_LEASE_ACTIVE
                   && (l->ends == HC_LEASE_NEVER || !l->ends || l->ends > now);
        b.ip = l->ip;
        b.mac_len = l->hw_len > 6 ? 6 : l->hw_len;
        memcpy(b.mac, l->mac, b.mac_len);
        b.ends = l->ends;
        g_array_append_val(out, b);
    }
    hc_lease_follower_free(f);
    return 0;
}

static void lease_str(const base_lease *b, GString *out)
{
    struct in_addr a = { htonl(b->ip) };
    char ip[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &a, ip, sizeof(ip));
    g_string_append(out, ip);
    g_string_append_c(out, ' ');
    for (int i = 0; i < b->mac_len; i++) {
        g_string_append_printf(out, "%s%02x", i ? ":" : "", b->mac[i]);
    }
}

/* The lease file: --leases, else the dhcpd resource's parameter, else
 * lease-file-name in its dhcpd.conf (read on the node running dhcpd). */
static int locate_leases(hc_failover *fo, xmlNode *xml, char **ret_err)
{
    hc_leases_location loc = { 0 };
    int rc = hc_leases_locate(xml, &loc);

    if (rc == 0) {
        fo->leases_node = g_strdup(loc.node);
    }
    if (fo->o.leases) {
        fo->leases_path = g_strdup(fo->o.leases);
    } else if (fo->kea_config) {
        /* Kea's lease file is named in its configuration, read where it
         * runs (Kea's default place when it names none). */
        const char *argv[] = { "cat", fo->kea_config, NULL };
        const char *node = is_local(fo, fo->from) ? NULL : fo->from;
        hc_exec_result res = { 0 };

        if (hc_exec(argv, &(hc_exec_opts) { .node = node }, &res) == 0
            && res.status == 0) {
            fo->leases_path = hc_kea_conf_lease_file(res.out, res.out_len);
        }
        hc_exec_result_clear(&res);
        if (!fo->leases_path) {
            fo->leases_path = g_strdup("/var/lib/kea/kea-leases4.csv");
        }
    } else if (rc == 0 && loc.leases) {
        fo->leases_path = g_strdup(loc.leases);
    } else if (rc == 0 && loc.config) {
        const char *argv[] = { "cat", loc.config, NULL };
        const char *node = is_local(fo, fo->from) ? NULL : fo->from;
        hc_exec_result res = { 0 };

        if (hc_exec(argv, &(hc_exec_opts) { .node = node }, &res) == 0
            && res.status == 0) {
            hc_dhcp_conf *conf = hc_dhcp_conf_new();

            if (hc_dhcp_conf_parse(conf, res.out, res.out_len, loc.config,
                                   false) >= 0 && conf->lease_file_name) {
                fo->leases_path = g_strdup(conf->lease_file_name);
            }
            hc_dhcp_conf_free(conf);
        }
        hc_exec_result_clear(&res);
        if (!fo->leases_path) {
            fo->leases_path = g_strdup("/var/lib/dhcp/dhcpd.leases");
        }
    }
    hc_leases_location_clear(&loc);
    if (!fo->leases_path) {
        *ret_err = g_strdup("cannot tell where the lease file is "
                            "(give --leases FILE)");
        return -ENOENT;
    }
    return 0;
}

/* ------------------------------------------------------------ baseline */

/* ------------------------------------------------------------ I/O */

static gpointer io_main(gpointer p)
{
    hc_failover *fo = p;
    io_task *t = fo->io;

    for (int i = 0; i < t->probe_tries && !t->probe_ok; i++) {
        t->probe_ok = probe_once_within(fo, t->probe_wait_ms, &t->rtt);
    }
    if (t->lease_node) {
        t->lease_read_at = (uint32_t) time(NULL);
        t->lease_rc = read_leases(fo, t->lease_node, t->leases,
                                  &t->lease_err);
    }
    g_atomic_int_set(&t->done, 1);
    return NULL;
}

static void io_start(hc_failover *fo, int tries, int wait_ms,
                     const char *lease_node)
{
    io_task *t = g_new0(io_task, 1);

    t->probe_tries = tries;
    t->probe_wait_ms = wait_ms;
    t->lease_node = g_strdup(lease_node);
    t->leases = g_array_new(FALSE, TRUE, sizeof(base_lease));
    fo->io = t;
    t->thread = g_thread_new("hc-failover-io", io_main, fo);
}

/* True once the thread is done (joined; results in fo->io). */
static bool io_finished(hc_failover *fo)
{
    if (!fo->io) {
        return true;
    }
    if (!g_atomic_int_get(&fo->io->done)) {
        return false;
    }
    if (fo->io->thread) {
        g_thread_join(fo->io->thread);
        fo->io->thread = NULL;
    }
    return true;
}

static void io_free(hc_failover *fo)
{
    if (!fo->io) {
        return;
    }
    if (fo->io->thread) {
        g_thread_join(fo->io->thread);
    }
    g_free(fo->io->lease_node);
    g_array_free(fo->io->leases, TRUE);
    g_free(fo->io->lease_err);
    g_free(fo->io);
    fo->io = NULL;
}

static bool node_usable(const hc_node *n)
{
    return n->online && !n->standby && !n->maintenance && !n->unclean
           && !n->pending;
}

static int fail_start(hc_failover *fo, int rc, char *err)
{
    g_free(fo->error);
    fo->error = hc_escape(err, 0);
    g_free(err);
    fo->phase = PH_DONE;
    return rc;
}

/* crm_resource --clear for each resource of rscs, then a --wait (the
 * service may move when its constraint goes: what comes next starts from
 * where the cluster settles); a line per command in out.  Returns 0, or
 * -EIO when a --clear failed. */
static int clear_rscs(const GPtrArray *rscs, GString *out)
{
    const char *wait_argv[] = { "crm_resource", "--wait", "--timeout=60s",
                                NULL };
    hc_exec_result res = { 0 };
    int ret = 0, rc;

    for (guint i = 0; i < rscs->len; i++) {
        const char *argv[] = { "crm_resource", "--clear", "-r",
                               rscs->pdata[i], NULL };
        char *cl = hc_exec_cmdline(argv, NULL);

        rc = hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 30000 }, &res);
        if (rc < 0 || res.status != 0) {
            ret = -EIO;
        }
        g_string_append_printf(out, "%s: %s\n", cl,
                               rc == 0 && res.status == 0 ? "done"
                                                          : "failed");
        g_free(cl);
        if (rc == 0) {
            hc_exec_result_clear(&res);
        }
    }
    if (!rscs->len) {
        return ret;
    }
    rc = hc_exec(wait_argv, &(hc_exec_opts) { .timeout_ms = 70000 }, &res);
    g_string_append_printf(out, "crm_resource --wait: %s\n",
                           rc == 0 && res.status == 0
                           ? "the cluster is settled" : "did not settle");
    if (rc == 0) {
        hc_exec_result_clear(&res);
    }
    return ret;
}

static int baseline(hc_failover *fo)
{
    xmlNode *xml = NULL;
    char *err = NULL, host[256];
    hc_resource *svc, *vr;
    hc_dhcpprobe_opts po = { 0 };
    int rc;

    fo->cib_retry_ms = 0;
    rc = refresh(fo, &xml, &err);
    if (rc < 0) {
        return fail_start(fo, rc, err ? err : g_strdup("cannot read the CIB"));
    }
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = 0;
        if (hc_status_find_node(fo->st, host)) {
            fo->local = g_strdup(host);
        }
    }
    fo->stonith = fo->st->cluster.stonith_enabled;
    /* The service and its chain. */
    svc = fo->o.service ? hc_status_find_resource(fo->st, fo->o.service)
                        : find_by_agent(fo->st->resources, is_dhcpd_agent);
    if (!svc) {
        free_xml(xml);
        return fail_start(fo, -ENOENT, fo->o.service
            ? g_strdup_printf("no resource %s in the CIB", fo->o.service)
            : g_strdup("no DHCP server resource (ocf:hacon:dhcpd, "
                       "ocf:heartbeat:dhcpd, ocf:hacon:kea-dhcp4) in the "
                       "CIB (give --service)"));
    }
    fo->service = g_strdup(svc->id);
    fo->pidfile = dhcpd_pidfile(svc);
    if (is_kea_agent(svc->agent)) {
        const char *cf = param(svc, "config");

        fo->kea_config = g_strdup(cf && *cf ? cf : "/etc/kea/kea-dhcp4.conf");
    }
    hc_fo_find_chain(fo->st, fo->service, fo->chain, &fo->anchor,
                     &fo->anchor_promoted);
    {
        hc_resource *d = find_by_agent(fo->st->resources, is_drbd_agent);

        fo->drbd_rsc = d ? g_strdup(top_of(d)->id) : NULL;
    }
    if (!service_node(fo)) {
        free_xml(xml);
        return fail_start(fo, -ESRCH, g_strdup_printf(
            "%s is not running: nothing to fail over", fo->service));
    }
    fo->from = g_strdup(service_node(fo));
    if (fo->o.scenario == HC_FO_KILL) {
        fo->to = g_strdup(fo->from);
    } else {
        for (guint i = 0; i < fo->st->nodes->len; i++) {
            hc_node *n = fo->st->nodes->pdata[i];

            if (strcmp(n->name, fo->from) && node_usable(n)) {
                fo->to = g_strdup(n->name);
                break;
            }
        }
        if (!fo->to) {
            free_xml(xml);
            return fail_start(fo, -EHOSTUNREACH, g_strdup_printf(
                "no other node online to take %s over from %s",
                fo->service, fo->from));
        }
    }
    /* What the scenario needs before anything is changed. */
    switch (fo->o.scenario) {
    case HC_FO_CRASH:
    case HC_FO_CUT:
        if (!(fo->o.scenario == HC_FO_CRASH ? fo->o.crash_cmd
                                            : fo->o.cut_cmd)) {
            free_xml(xml);
            return fail_start(fo, -EINVAL, g_strdup_printf(
                "the %s scenario needs the command that does it here "
                "(--%s-cmd 'CMD {node}')", hc_fo_scenario_name(fo->o.scenario),
                fo->o.scenario == HC_FO_CRASH ? "crash" : "cut"));
        }
        if (!fo->o.confirmed) {
            free_xml(xml);
            return fail_start(fo, -EPERM, g_strdup_printf(
                "the %s scenario %s %s: confirm it (--yes)",
                hc_fo_scenario_name(fo->o.scenario),
                fo->o.scenario == HC_FO_CRASH ? "crashes" : "cuts the HA link of",
                fo->from));
        }
        /* fall through */
    case HC_FO_STOP_STACK:
        if (is_local(fo, fo->from)) {
            free_xml(xml);
            return fail_start(fo, -EINVAL, g_strdup_printf(
                "hacon runs on %s, the active node, which the %s scenario "
                "takes out of the cluster: run it on %s", fo->from,
                hc_fo_scenario_name(fo->o.scenario), fo->to));
        }
        break;
    default:
        break;
    }
    /* The floating IP and where to probe it from. */
    vr = find_vip_rsc(fo);
    fo->vip = g_strdup(fo->o.vip ? fo->o.vip : param(vr, "ip"));
    fo->ifname = g_strdup(fo->o.ifname ? fo->o.ifname : param(vr, "nic"));
    if (!fo->vip || inet_pton(AF_INET, fo->vip, &fo->vip_addr) != 1) {
        free_xml(xml);
        return fail_start(fo, -EINVAL, g_strdup(
            "no floating IP (IPaddr2) with the service (give --vip)"));
    }
    if (!fo->ifname) {
        free_xml(xml);
        return fail_start(fo, -EINVAL, g_strdup_printf(
            "the floating IP's resource names no nic (give --interface)"));
    }
    rc = locate_leases(fo, xml, &err);
    free_xml(xml);
    if (rc < 0) {
        return fail_start(fo, rc, err);
    }
    /* Leftovers of earlier moves: the test's own assertion would blame
     * this run for them, and they pin the service. */
    for (guint i = 0; i < fo->st->constraints->len; i++) {
        hc_constraint *c = fo->st->constraints->pdata[i];

        if (c->leftover) {
            g_ptr_array_add(fo->leftovers, g_strdup(c->id));
            if (!in_list(fo->leftover_rscs, c->rsc)) {
                g_ptr_array_add(fo->leftover_rscs, g_strdup(c->rsc));
            }
        }
    }
    if (fo->leftovers->len && !fo->o.clear_leftovers) {
        GString *s = g_string_new(NULL);
        char *msg;

        for (guint i = 0; i < fo->leftover_rscs->len; i++) {
            g_string_append_printf(s, "; crm_resource --clear -r %s",
                                   (char *) fo->leftover_rscs->pdata[i]);
        }
        msg = g_strdup_printf("%u cli-prefer/cli-ban constraint(s) left by "
                              "an earlier move or ban (first: %s): clear "
                              "them first (or let the test do it)%s",
                              fo->leftovers->len,
                              (char *) fo->leftovers->pdata[0], s->str);
        g_string_free(s, TRUE);
        return fail_start(fo, -EEXIST, msg);
    }
    if (fo->leftover_rscs->len) {
        GString *out = g_string_new(NULL);
        char **v;

        clear_rscs(fo->leftover_rscs, out);
        v = g_strsplit(out->str, "\n", -1);
        for (char **l = v; *l; l++) {
            if (**l) {
                emit(fo, HC_FO_EV_ACTION, "%s", *l);
            }
        }
        g_strfreev(v);
        g_string_free(out, TRUE);
        refresh(fo, NULL, NULL);
        if (!service_node(fo) || strcmp(service_node(fo), fo->from)) {
            return fail_start(fo, -EAGAIN, g_strdup(
                "the service moved when the leftover constraints were "
                "cleared: run the test again"));
        }
    }
    /* The probe. */
    po.ifname = fo->ifname;
    po.server.s_addr = INADDR_BROADCAST;
    po.type = HC_DHCPDISCOVER;
    rc = hc_dhcpprobe_open(&po, &fo->probe);
    if (rc < 0) {
        return fail_start(fo, rc, g_strdup_printf(
            "cannot probe DHCP on %s: %s", fo->ifname, g_strerror(-rc)));
    }
    {
        static const char *const what[HC_FO_N_SCENARIOS] = {
            "move the service", "put the active node in standby",
            "stop the cluster stack on the active node",
            "kill dhcpd on the active node", "crash the active node",
            "cut the HA link of the active node",
        };

        emit(fo, HC_FO_EV_INFO, "%s: service %s, chain anchor %s%s, "
             "%s -> %s, hacon on %s", what[fo->o.scenario], fo->service,
             fo->anchor, fo->anchor_promoted ? " (promoted)" : "", fo->from,
             fo->to, fo->local ? fo->local : "a host outside the cluster");
        if (fo->o.scenario == HC_FO_KILL) {
            emit(fo, HC_FO_EV_INFO, "dhcpd's pid file (of %s): %s",
                 fo->service, fo->pidfile);
        }
    }
    if (!fo->stonith && fo->o.scenario == HC_FO_CUT) {
        emit(fo, HC_FO_EV_WARN, "fencing is off (stonith-enabled=false): "
             "with the HA link cut both nodes think the other is gone and "
             "both run the service (split brain); the lease files diverge");
    }
    /* A longer wait than during the test: dhcpd checks an address with a
     * ping (up to a second) before its first offer of it. */
    io_start(fo, 5, 1500, fo->leases_node ? fo->leases_node : fo->from);
    return 0;
}

/* The rest of the baseline, once the thread read DHCP and the leases. */
static int baseline_done(hc_failover *fo)
{
    io_task *t = fo->io;
    GHashTable *h;
    char *err = NULL;
    int rc;

    if (!t->probe_ok) {
        char *msg = g_strdup_printf(
            "DHCP at %s does not answer a probe on %s before the test "
            "(%s)%s", fo->vip, fo->ifname,
            g_strerror(-fo->last_probe_err), fo->wrong_server_seen
            ? "; another DHCP server answered" : "");

        io_free(fo);
        return fail_start(fo, -EHOSTUNREACH, msg);
    }
    g_ptr_array_add(fo->base_lines, g_strdup_printf(
        "DHCP: %s answers on %s in %.1f ms", fo->vip, fo->ifname, t->rtt));
    /* Where everything runs. */
    h = snapshot(fo);
    {
        GPtrArray *keys = g_ptr_array_new();
        GHashTableIter it;
        gpointer k0;

        g_hash_table_iter_init(&it, h);
        while (g_hash_table_iter_next(&it, &k0, NULL)) {
            g_ptr_array_add(keys, k0);
        }

        g_ptr_array_sort(keys, cmp_str);
        for (guint i = 0; i < keys->len; i++) {
            const char *k = keys->pdata[i];

            g_ptr_array_add(fo->base_lines, g_strdup_printf(
                "%s: %s", k, (char *) g_hash_table_lookup(h, k)));
            if (g_str_has_prefix(k, "fail ")) {
                g_ptr_array_add(fo->base_fails, g_strdup(k + 5));
            }
        }
        g_ptr_array_free(keys, TRUE);
    }
    fo->snap = h;
    /* DRBD. */
    if (!fo->drbd_rsc) {
        g_ptr_array_add(fo->base_lines,
                        g_strdup("DRBD: no DRBD resource in the CIB"));
    } else if (!fo->drbd) {
        g_ptr_array_add(fo->base_lines, g_strdup_printf(
            "DRBD: %s in the CIB, no DRBD state reader", fo->drbd_rsc));
    } else {
        char *text = NULL;

        rc = fo->drbd(fo->from, &text, fo->drbd_data);
        fo->base_drbd = text ? text : g_strdup(g_strerror(rc < 0 ? -rc
                                                                 : EIO));
        fo->drbd_last = g_strdup(fo->base_drbd);
        g_ptr_array_add(fo->base_lines, g_strdup_printf(
            "DRBD: %s", fo->base_drbd));
    }
    /* Leases, read where the lease file is now. */
    {
        const char *ln = fo->leases_node ? fo->leases_node : fo->from;

        if (t->lease_rc < 0) {
            rc = t->lease_rc;
            err = g_strdup_printf("cannot read the lease file before the "
                                  "test: %s", t->lease_err);
            io_free(fo);
            return fail_start(fo, rc, err);
        }
        for (guint i = 0; i < t->leases->len; i++) {
            base_lease *b = &g_array_index(t->leases, base_lease, i);

            if (b->active) {
                g_array_append_val(fo->base_leases, *b);
            }
        }
        g_ptr_array_add(fo->base_lines, g_strdup_printf(
            "leases: %u active in %s on %s", fo->base_leases->len,
            fo->leases_path, ln));
        for (guint i = 0; i < fo->base_leases->len; i++) {
            base_lease *b = &g_array_index(fo->base_leases, base_lease, i);
            GString *s = g_string_new("lease ");
            char when[32];

            lease_str(b, s);
            g_string_append_printf(s, " ends %s", b->ends == HC_LEASE_NEVER
                                   ? "never"
                                   : hc_time_str(b->ends, when, sizeof(when)));
            g_ptr_array_add(fo->base_lines, g_string_free(s, FALSE));
        }
    }
    for (guint i = 0; i < fo->base_lines->len; i++) {
        emit(fo, HC_FO_EV_INFO, "baseline %s",
             (char *) fo->base_lines->pdata[i]);
    }
    io_free(fo);
    fo->last_ok = true;
    return 0;
}

/* ------------------------------------------------------------ actions */

static void job_add_shell(job *j, const char *cmd, const char *node,
                          int timeout_ms)
{
    char *c = hc_fo_subst_node(cmd, node);

    job_add(j, NULL, timeout_ms, false, "sh", "-c", c, JOB_END);
    g_free(c);
}

static job *action_job(hc_failover *fo)
{
    job *j = job_new();
    const char *n = fo->from;
    const char *remote = is_local(fo, n) ? NULL : n;

    switch (fo->o.scenario) {
    case HC_FO_MOVE:
        if (fo->anchor_promoted) {
            job_add(j, NULL, 30000, false, "crm_resource", "--move",
                    "--promoted", "-r", fo->anchor, "-N", fo->to, JOB_END);
        } else {
            job_add(j, NULL, 30000, false, "crm_resource", "--move", "-r",
                    fo->anchor, "-N", fo->to, JOB_END);
        }
        break;
    case HC_FO_STANDBY:
        job_add(j, NULL, 30000, false, "crm_attribute", "--node", n,
                "--name", "standby", "--update", "on", JOB_END);
        break;
    case HC_FO_KILL:
        /* SIGKILL, as a crash of dhcpd would be: no clean exit.  The pid
         * is the resource's own (its pid file), and must be a dhcpd (or
         * Kea's kea-dhcp4): not another one on the node, nor a pid
         * reused since. */
        job_add(j, remote, 20000, false, "sh", "-c",
                "read -r p < \"$1\" && [ \"$(cat /proc/$p/comm)\" = \"$2\" ] "
                "&& kill -KILL \"$p\" && echo \"killed $2 $p of $1\"",
                "sh", fo->pidfile, fo->kea_config ? "kea-dhcp4" : "dhcpd",
                JOB_END);
        break;
    case HC_FO_STOP_STACK:
        if (fo->o.stop_cmd) {
            job_add_shell(j, fo->o.stop_cmd, n, 300000);
        } else {
            job_add(j, n, 300000, false, "systemctl", "stop", "pacemaker",
                    JOB_END);
            job_add(j, n, 60000, false, "systemctl", "stop", "corosync",
                    JOB_END);
        }
        break;
    case HC_FO_CRASH:
        job_add_shell(j, fo->o.crash_cmd, n, 60000);
        break;
    case HC_FO_CUT:
        job_add_shell(j, fo->o.cut_cmd, n, 60000);
        break;
    default:
        break;
    }
    return j;
}

static job *cleanup_job(hc_failover *fo)
{
    job *j = job_new();

    switch (fo->o.scenario) {
    case HC_FO_MOVE:
        job_add(j, NULL, 30000, true, "crm_resource", "--clear", "-r",
                fo->anchor, JOB_END);
        break;
    case HC_FO_STANDBY:
        job_add(j, NULL, 30000, true, "crm_attribute", "--node", fo->from,
                "--name", "standby", "--update", "off", JOB_END);
        break;
    case HC_FO_KILL:
        job_add(j, NULL, 30000, true, "crm_resource", "--cleanup", "-r",
                fo->service, "-N", fo->from, JOB_END);
        break;
    case HC_FO_STOP_STACK:
    case HC_FO_CRASH:
    case HC_FO_CUT:
        if (fo->o.restore_cmd) {
            char *c = hc_fo_subst_node(fo->o.restore_cmd, fo->from);

            job_add(j, NULL, 300000, true, "sh", "-c", c, JOB_END);
            g_free(c);
        } else if (fo->o.scenario == HC_FO_STOP_STACK && !fo->o.stop_cmd) {
            job_add(j, fo->from, 120000, true, "systemctl", "start",
                    "corosync", "pacemaker", JOB_END);
        }
        break;
    default:
        break;
    }
    /* Fail counts that appeared during the test: the test caused them
     * (the kill's own is cleaned above). */
    if (fo->st) {
        GHashTable *h = snapshot(fo);
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, h);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const char *key = k;
            char *rsc, *at, *colon;

            if (!g_str_has_prefix(key, "fail ")
                || in_list(fo->base_fails, key + 5)) {
                continue;
            }
            rsc = g_strdup(key + 5);
            at = strrchr(rsc, '@');
            if (!at) {
                g_free(rsc);
                continue;
            }
            *at = '\0';
            /* A clone instance (drbd:1) is cleaned as its clone's. */
            if ((colon = strrchr(rsc, ':'))) {
                *colon = '\0';
            }
            g_ptr_array_add(fo->cleaned, g_strdup_printf("%s=%s", key + 5,
                                                         (char *) v));
            if (!(fo->o.scenario == HC_FO_KILL
                  && !strcmp(rsc, fo->service)
                  && !strcmp(at + 1, fo->from))) {
                job_add(j, NULL, 30000, true, "crm_resource", "--cleanup",
                        "-r", rsc, "-N", at + 1, JOB_END);
            }
            g_free(rsc);
        }
        g_hash_table_unref(h);
    }
    /* Until the cluster has nothing left to do. */
    job_add(j, NULL, 130000, true, "crm_resource", "--wait",
            "--timeout=120s", JOB_END);
    return j;
}

unsigned hc_fo_leases_lost(const GArray *before, const GArray *after,
                           uint32_t read_at, unsigned *ret_ended,
                           GString *lost)
{
    unsigned n_lost = 0;

    *ret_ended = 0;
    for (guint i = 0; i < before->len; i++) {
        const base_lease *b = &g_array_index(before, base_lease, i);
        const base_lease *c = NULL;

        for (guint k = 0; k < after->len && !c; k++) {
            const base_lease *x = &g_array_index(after, base_lease, k);

            if (x->ip == b->ip && x->mac_len == b->mac_len
                && !memcmp(x->mac, b->mac, b->mac_len)) {
                c = x;
            }
        }
        /* dhcpd frees a lease at its end: still recorded for the same
         * client, it ran out during the test. */
        if (c && !c->active && b->ends != HC_LEASE_NEVER
            && b->ends <= read_at) {
            (*ret_ended)++;
        } else if (!c || !c->active) {
            n_lost++;
            g_string_append_c(lost, ' ');
            lease_str(b, lost);
        }
    }
    return n_lost;
}

/* ------------------------------------------------------------ observe */

static bool failover_complete(hc_failover *fo)
{
    const char *now = service_node(fo);
    hc_resource *svc;

    if (!now || strcmp(now, fo->to) || !fo->last_ok) {
        return false;
    }
    if (fo->o.scenario == HC_FO_KILL) {
        /* The cluster must have noticed: a fail count or a failed
         * operation on the service; then it runs again. */
        svc = hc_status_find_resource(fo->st, fo->service);
        for (guint i = 0; svc && svc->failcounts && i < svc->failcounts->len;
             i++) {
            hc_failcount *f = svc->failcounts->pdata[i];

            if (f->count > fo->max_failcount) {
                fo->max_failcount = f->count;
            }
            if (!strcmp(f->node, fo->from) && f->count > 0) {
                fo->seen_failure = true;
            }
        }
        return fo->seen_failure && svc && svc->active && !svc->failed;
    }
    return true;
}

/* ------------------------------------------------------------ final */

static bool node_online(const hc_failover *fo, const char *name)
{
    hc_node *n = fo->st ? hc_status_find_node(fo->st, name) : NULL;

    return n && n->online;
}

/* The start of the final checks: the CIB after the test, then the probe
 * and the lease file in the thread. */
static void final_start(hc_failover *fo)
{
    hc_leases_location loc = { 0 };
    char *err = NULL;
    const char *where, *ln;
    int rc;

    rc = refresh(fo, &fo->final_xml, &err);
    if (rc < 0) {
        emit(fo, HC_FO_EV_WARN, "cannot read the CIB after the test: %s",
             err ? err : g_strerror(-rc));
    }
    g_free(err);
    where = service_node(fo);
    fo->final_where = g_strdup(where);
    if (fo->final_xml && hc_leases_locate(fo->final_xml, &loc) == 0
        && loc.node) {
        ln = loc.node;
    } else {
        ln = where ? where : fo->to;
    }
    io_start(fo, 5, 1500, fo->base_leases->len ? ln : NULL);
    hc_leases_location_clear(&loc);
}

static void final_assertions(hc_failover *fo)
{
    const char *where = fo->final_where;
    io_task *t = fo->io;
    int rc;

    /* DHCP. */
    if (fo->recovered >= 0 || (fo->lost == 0 && fo->answered > 0)) {
        assertion(fo, HC_FO_PASS, "dhcp-answers",
                  "DHCP at %s answered again; downtime %.0f ms "
                  "(%u of %u probes every %d ms unanswered)", fo->vip,
                  hc_failover_downtime_ms(fo), fo->lost, fo->sent,
                  fo->o.probe_interval_ms);
    } else {
        assertion(fo, HC_FO_FAIL, "dhcp-answers",
                  "DHCP at %s did not answer again (%u of %u probes "
                  "unanswered, the first at %+.3f s)", fo->vip, fo->lost,
                  fo->sent, fo->first_fail / 1000.0);
    }
    /* Still running after the cleanup. */
    assertion(fo, where && t->probe_ok ? HC_FO_PASS : HC_FO_FAIL,
              "after-cleanup", "after the cleanup %s %s%s and DHCP %s",
              fo->service, where ? "runs on " : "is not running",
              where ? where : "", t->probe_ok ? "answers" : "does not answer");
    /* Leases: where the lease file is now. */
    {
        const char *ln = t->lease_node;
        GArray *now = t->leases;

        if (!fo->base_leases->len) {
            assertion(fo, HC_FO_SKIP, "leases-kept", "no active lease before "
                      "the test: nothing to compare");
        } else if (t->lease_rc < 0) {
            assertion(fo, HC_FO_FAIL, "leases-kept",
                      "cannot read the lease file after the test: %s",
                      t->lease_err);
        } else {
            GString *missing = g_string_new(NULL);
            unsigned n_missing, n_ended = 0, n_active = 0;

            for (guint k = 0; k < now->len; k++) {
                n_active += g_array_index(now, base_lease, k).active;
            }
            n_missing = hc_fo_leases_lost(fo->base_leases, now,
                                          t->lease_read_at, &n_ended,
                                          missing);
            if (n_missing) {
                assertion(fo, HC_FO_FAIL, "leases-kept",
                          "%u of %u leases active before are not active in "
                          "%s on %s:%s", n_missing, fo->base_leases->len,
                          fo->leases_path, ln, missing->str);
            } else if (n_ended) {
                assertion(fo, HC_FO_PASS, "leases-kept",
                          "all %u leases active before are in %s on %s with "
                          "the same address and MAC: %u active, %u ran out "
                          "during the test at their own end time (%u active "
                          "now)", fo->base_leases->len, fo->leases_path, ln,
                          fo->base_leases->len - n_ended, n_ended, n_active);
            } else {
                assertion(fo, HC_FO_PASS, "leases-kept",
                          "all %u leases active before are active in %s on "
                          "%s with the same address and MAC (%u active now)",
                          fo->base_leases->len, fo->leases_path, ln,
                          n_active);
            }
            g_string_free(missing, TRUE);
        }
    }
    /* DRBD. */
    if (!fo->drbd_rsc) {
        assertion(fo, HC_FO_SKIP, "drbd-uptodate",
                  "no DRBD resource in the CIB: skipped");
    } else if (!fo->drbd) {
        assertion(fo, HC_FO_SKIP, "drbd-uptodate", "%s is in the CIB but "
                  "this build reads no DRBD state: skipped", fo->drbd_rsc);
    } else {
        char *text = NULL;
        const char *prim = where ? where : fo->to;

        rc = fo->drbd(prim, &text, fo->drbd_data);
        assertion(fo, rc == 0 ? HC_FO_PASS : HC_FO_FAIL, "drbd-uptodate",
                  "%s Primary wanted on %s: %s", fo->drbd_rsc, prim,
                  text ? text : g_strerror(rc < 0 ? -rc : EIO));
        g_free(text);
    }
    /* No cli-* left. */
    {
        GString *left = g_string_new(NULL);
        unsigned n = 0;

        for (guint i = 0; fo->st && i < fo->st->constraints->len; i++) {
            hc_constraint *c = fo->st->constraints->pdata[i];

            if (c->leftover) {
                g_string_append_printf(left, " %s", c->id);
                n++;
            }
        }
        if (n) {
            assertion(fo, HC_FO_FAIL, "no-cli-constraints",
                      "%u left:%s (crm_resource --clear -r RSC removes "
                      "them)", n, left->str);
        } else {
            assertion(fo, HC_FO_PASS, "no-cli-constraints",
                      "no cli-prefer/cli-ban constraint left");
        }
        g_string_free(left, TRUE);
    }
    /* Fail counts. */
    {
        GHashTable *h = fo->st ? snapshot(fo) : NULL;
        GString *left = g_string_new(NULL);
        GHashTableIter it;
        gpointer k, v;

        if (h) {
            g_hash_table_iter_init(&it, h);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                if (g_str_has_prefix(k, "fail ")
                    && !in_list(fo->base_fails, (char *) k + 5)) {
                    g_string_append_printf(left, " %s=%s", (char *) k + 5,
                                           (char *) v);
                }
            }
            g_hash_table_unref(h);
        }
        if (left->len) {
            assertion(fo, HC_FO_FAIL, "failcounts-clean",
                      "fail counts left by the test:%s (crm_resource "
                      "--cleanup -r RSC)", left->str);
        } else if (fo->o.scenario != HC_FO_KILL && fo->cleaned->len) {
            GString *c = g_string_new(NULL);

            for (guint i = 0; i < fo->cleaned->len; i++) {
                g_string_append_printf(c, " %s",
                                       (char *) fo->cleaned->pdata[i]);
            }
            assertion(fo, HC_FO_PASS, "failcounts-clean",
                      "the test caused fail counts:%s; crm_resource "
                      "--cleanup cleared them", c->str);
            g_string_free(c, TRUE);
        } else if (fo->o.scenario == HC_FO_KILL) {
            assertion(fo, fo->seen_failure ? HC_FO_PASS : HC_FO_FAIL,
                      "failcounts-clean", fo->seen_failure
                      ? "the kill raised the fail count of %s on %s to %d; "
                        "crm_resource --cleanup cleared it"
                      : "the cluster never counted the failure of %s on "
                        "%s (%d)", fo->service, fo->from, fo->max_failcount);
        } else {
            assertion(fo, HC_FO_PASS, "failcounts-clean",
                      "no fail count caused by the test");
        }
        g_string_free(left, TRUE);
    }
    /* The node that was taken out. */
    if (fo->o.scenario == HC_FO_STOP_STACK || fo->o.scenario == HC_FO_CRASH
        || fo->o.scenario == HC_FO_CUT) {
        bool restore = fo->o.restore_cmd
                       || (fo->o.scenario == HC_FO_STOP_STACK
                           && !fo->o.stop_cmd);

        if (!restore) {
            assertion(fo, HC_FO_SKIP, "node-back", "no --restore-cmd: %s is "
                      "left out of the cluster", fo->from);
        } else {
            assertion(fo, node_online(fo, fo->from) ? HC_FO_PASS : HC_FO_FAIL,
                      "node-back", "%s is %s", fo->from,
                      node_online(fo, fo->from) ? "online again"
                                                : "not back online");
        }
    }
}

/* After the cleanup (the node back), DRBD resyncs what changed while the
 * node was away: the final assertion waits for both disks UpToDate, up to
 * the run's timeout, with the resync's progress in the timeline.  True
 * while it should wait on. */
static bool drbd_settling(hc_failover *fo)
{
    const char *prim = service_node(fo) ? service_node(fo) : fo->to;
    char *text = NULL;
    int rc;

    if (!fo->drbd || !fo->drbd_rsc) {
        return false;
    }
    if (!fo->drbd_wait_end) {
        fo->drbd_wait_end = hc_now_ms() + fo->o.timeout_s * 1000.0;
    }
    if (hc_now_ms() < fo->drbd_next) {
        return true;
    }
    fo->drbd_next = hc_now_ms() + 1000;
    rc = fo->drbd(prim, &text, fo->drbd_data);
    if (text && g_strcmp0(text, fo->drbd_last)) {
        emit(fo, HC_FO_EV_DRBD, "%s", text);
        g_free(fo->drbd_last);
        fo->drbd_last = text;
    } else {
        g_free(text);
    }
    return rc != 0 && hc_now_ms() < fo->drbd_wait_end;
}

/* ------------------------------------------------------------ step */

int hc_failover_step(hc_failover *fo)
{
    int rc;

    switch (fo->phase) {
    case PH_BASELINE:
        if (fo->aborted) {
            return fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the test started: nothing was changed",
                fo->aborted));
        }
        rc = baseline(fo);
        if (rc < 0) {
            return rc;
        }
        fo->phase = PH_BASE_IO;
        return 1;
    case PH_BASE_IO:
        if (!io_finished(fo)) {
            return 1;
        }
        if (fo->aborted) {
            io_free(fo);
            return fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the action: nothing was changed by the test",
                fo->aborted));
        }
        rc = baseline_done(fo);
        if (rc < 0) {
            return rc;
        }
        fo->phase = PH_ACTION;
        return 1;
    case PH_ACTION:
        if (fo->aborted) {
            return fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the action: nothing was changed by the test",
                fo->aborted));
        }
        fo->t0 = hc_now_ms();
        fo->wall0 = g_get_real_time() / 1e6;
        fo->deadline = fo->t0 + fo->o.timeout_s * 1000.0;
        emit(fo, HC_FO_EV_ACTION, "%s: start",
             hc_fo_scenario_name(fo->o.scenario));
        fo->job = action_job(fo);
        job_start(fo->job);
        fo->phase = PH_OBSERVE;
        return 1;
    case PH_OBSERVE: {
        bool done = job_finished(fo, &rc);

        if (done && rc < 0) {
            fo->action_failed = true;
        }
        probe_tick(fo);
        observe_cib(fo);
        observe_drbd(fo);
        if (!fo->placed_known) {
            if (fo->aborted) {
                assertion(fo, HC_FO_FAIL, "service-placed", "%s %.1f s "
                          "after the action started (%s runs on %s): the "
                          "cleanup runs now", fo->aborted,
                          rel_ms(fo) / 1000.0, fo->service,
                          service_node(fo) ? service_node(fo) : "no node");
            } else if (fo->action_failed) {
                assertion(fo, HC_FO_FAIL, "service-placed", "the %s action "
                          "failed; %s runs on %s", hc_fo_scenario_name(
                              fo->o.scenario), fo->service,
                          service_node(fo) ? service_node(fo) : "no node");
            } else if (done && failover_complete(fo)) {
                fo->done_ms = rel_ms(fo);
                assertion(fo, HC_FO_PASS, "service-placed",
                          "%s runs on %s, %.1f s after the action started",
                          fo->service, fo->to, fo->done_ms / 1000.0);
            } else if (hc_now_ms() > fo->deadline) {
                assertion(fo, HC_FO_FAIL, "service-placed",
                          "after %d s %s runs on %s, not on %s",
                          fo->o.timeout_s, fo->service,
                          service_node(fo) ? service_node(fo) : "no node",
                          fo->to);
            } else {
                return 1;
            }
            fo->placed_known = true;
        }
        /* The action's own deadline bounds this wait; its thread must end
         * before the cleanup starts. */
        if (!done) {
            return 1;
        }
        emit(fo, HC_FO_EV_ACTION, "cleanup");
        fo->job = cleanup_job(fo);
        job_start(fo->job);
        fo->phase = PH_CLEANUP;
        return 1;
    }
    case PH_CLEANUP:
        if (!job_finished(fo, &rc)) {
            probe_tick(fo);
            observe_cib(fo);
            observe_drbd(fo);
            return 1;
        }
        observe_cib(fo);
        if (!fo->aborted && drbd_settling(fo)) {
            probe_tick(fo);
            return 1;
        }
        fo->phase = PH_FINAL;
        return 1;
    case PH_FINAL:
        final_start(fo);
        fo->phase = PH_FINAL_IO;
        return 1;
    case PH_FINAL_IO:
        if (!io_finished(fo)) {
            return 1;
        }
        final_assertions(fo);
        io_free(fo);
        if (fo->final_xml) {
            free_xml(fo->final_xml);
            fo->final_xml = NULL;
        }
        emit(fo, HC_FO_EV_INFO, "%s: %s",
             hc_fo_scenario_name(fo->o.scenario),
             hc_failover_passed(fo) ? "pass" : "FAIL");
        fo->phase = PH_DONE;
        return 0;
    case PH_DONE:
    default:
        return fo->error ? -EINVAL : 0;
    }
}

/* ------------------------------------------------------------ object */

static const char *keep(hc_failover *fo, const char *s)
{
    char *c = g_strdup(s);

    if (c) {
        g_ptr_array_add(fo->strs, c);
    }
    return c;
}

hc_failover *hc_failover_new(const hc_fo_opts *opts, hc_fo_observer fn,
                             void *data)
{
    hc_failover *fo = g_new0(hc_failover, 1);

    fo->strs = g_ptr_array_new_with_free_func(g_free);
    fo->o = *opts;
    fo->o.service = keep(fo, opts->service);
    fo->o.vip = keep(fo, opts->vip);
    fo->o.ifname = keep(fo, opts->ifname);
    fo->o.leases = keep(fo, opts->leases);
    fo->o.crash_cmd = keep(fo, opts->crash_cmd);
    fo->o.stop_cmd = keep(fo, opts->stop_cmd);
    fo->o.cut_cmd = keep(fo, opts->cut_cmd);
    fo->o.restore_cmd = keep(fo, opts->restore_cmd);
    if (fo->o.timeout_s <= 0) {
        fo->o.timeout_s = 120;
    }
    if (fo->o.probe_interval_ms <= 0) {
        fo->o.probe_interval_ms = 200;
    }
    if (fo->o.probe_timeout_ms <= 0) {
        fo->o.probe_timeout_ms = 150;
    }
    fo->fn = fn;
    fo->fn_data = data;
    fo->chain = g_ptr_array_new_with_free_func(g_free);
    fo->first_fail = fo->last_fail = fo->recovered = -1;
    fo->done_ms = -1;
    fo->base_leases = g_array_new(FALSE, TRUE, sizeof(base_lease));
    fo->base_lines = g_ptr_array_new_with_free_func(g_free);
    fo->base_fails = g_ptr_array_new_with_free_func(g_free);
    fo->cleaned = g_ptr_array_new_with_free_func(g_free);
    fo->leftovers = g_ptr_array_new_with_free_func(g_free);
    fo->leftover_rscs = g_ptr_array_new_with_free_func(g_free);
    fo->events = g_ptr_array_new_with_free_func(event_free);
    fo->asserts = g_ptr_array_new_with_free_func(assertion_free);
    return fo;
}

void hc_failover_set_drbd_reader(hc_failover *fo, hc_fo_drbd_reader fn,
                                 void *data)
{
    fo->drbd = fn;
    fo->drbd_data = data;
}

void hc_failover_abort(hc_failover *fo, const char *why)
{
    if (fo->aborted || fo->phase == PH_DONE) {
        return;
    }
    fo->aborted = g_strdup(why && *why ? why : "interrupted");
    emit(fo, HC_FO_EV_WARN, "%s: %s", fo->aborted,
         fo->phase < PH_ACTION ? "the test ends before its action"
         : fo->phase == PH_OBSERVE ? "the action's command is let finish "
           "(within its deadline), then the cleanup runs"
         : "the cleanup goes on to its end");
}

bool hc_failover_aborted(const hc_failover *fo)
{
    return fo->aborted != NULL;
}

void hc_failover_note(hc_failover *fo, hc_fo_event_kind kind,
                      const char *text)
{
    emit_at(fo, rel_ms(fo), kind, text);
}

int hc_failover_bound_s(const hc_failover *fo)
{
    /* The baseline: CIB reads, leftovers cleared (30 s each) and a wait
     * (70 s), five probes (1.5 s) and a lease file read (20 + 60 s). */
    int s = 30 + 30 * 4 + 70 + 8 + 80;

    /* The action: its command's deadline, or the failover's. */
    switch (fo->o.scenario) {
    case HC_FO_STOP_STACK:
        s += MAX(fo->o.timeout_s, fo->o.stop_cmd ? 300 : 360);
        break;
    case HC_FO_CRASH:
    case HC_FO_CUT:
        s += MAX(fo->o.timeout_s, 60);
        break;
    default:
        s += MAX(fo->o.timeout_s, 30);
        break;
    }
    /* The cleanup: the restore (300 s) or its own command, fail counts
     * cleaned (30 s each, a few), the wait (130 s), DRBD's resync (the
     * failover's timeout); the final probe and lease read. */
    s += 300 + 30 * 4 + 130 + fo->o.timeout_s + 2 + 80;
    return s;
}

void hc_failover_free(hc_failover *fo)
{
    int rc;

    if (!fo) {
        return;
    }
    /* A running job is waited for: its thread uses fo's strings. */
    while (fo->job && !job_finished(fo, &rc)) {
        g_usleep(50000);
    }
    io_free(fo);
    if (fo->final_xml) {
        free_xml(fo->final_xml);
    }
    g_free(fo->final_where);
    hc_cib_free(fo->cib);
    hc_status_free(fo->st);
    if (fo->snap) {
        g_hash_table_unref(fo->snap);
    }
    hc_dhcpprobe_free(fo->probe);
    g_free(fo->error);
    g_free(fo->service);
    g_free(fo->anchor);
    g_free(fo->vip);
    g_free(fo->ifname);
    g_free(fo->leases_path);
    g_free(fo->leases_node);
    g_free(fo->drbd_rsc);
    g_free(fo->local);
    g_free(fo->from);
    g_free(fo->to);
    g_free(fo->base_drbd);
    g_free(fo->drbd_last);
    g_free(fo->done_node);
    g_free(fo->aborted);
    g_ptr_array_free(fo->chain, TRUE);
    g_array_free(fo->base_leases, TRUE);
    g_ptr_array_free(fo->base_lines, TRUE);
    g_ptr_array_free(fo->base_fails, TRUE);
    g_ptr_array_free(fo->cleaned, TRUE);
    g_free(fo->pidfile);
    g_free(fo->kea_config);
    g_ptr_array_free(fo->leftovers, TRUE);
    g_ptr_array_free(fo->leftover_rscs, TRUE);
    g_ptr_array_free(fo->events, TRUE);
    g_ptr_array_free(fo->asserts, TRUE);
    g_ptr_array_free(fo->strs, TRUE);
    g_free(fo);
}

int hc_failover_interval_ms(const hc_failover *fo)
{
    return fo->o.probe_interval_ms;
}

const char *hc_failover_error(const hc_failover *fo)
{
    return fo->error;
}

bool hc_failover_passed(const hc_failover *fo)
{
    if (fo->error || !fo->asserts->len) {
        return false;
    }
    for (guint i = 0; i < fo->asserts->len; i++) {
        if (((hc_fo_assertion *) fo->asserts->pdata[i])->verdict
            == HC_FO_FAIL) {
            return false;
        }
    }
    return true;
}

double hc_failover_downtime_ms(const hc_failover *fo)
{
    if (!fo->lost) {
        return 0;
    }
    if (fo->recovered < 0 || fo->recovered < fo->last_fail) {
        return -1;
    }
    return fo->recovered - fo->first_fail;
}

const char *hc_failover_from_node(const hc_failover *fo)
{
    return fo->from;
}

const char *hc_failover_to_node(const hc_failover *fo)
{
    return fo->to;
}

const GPtrArray *hc_failover_events(const hc_failover *fo)
{
    return fo->events;
}

const GPtrArray *hc_failover_assertions(const hc_failover *fo)
{
    return fo->asserts;
}

const GPtrArray *hc_failover_leftovers(const hc_failover *fo)
{
    return fo->leftovers;
}

int hc_failover_clear_leftovers(hc_failover *fo, GString *out)
{
    GPtrArray *rscs = g_ptr_array_new_with_free_func(g_free);
    int ret;

    if (refresh(fo, NULL, NULL) < 0 || !fo->st) {
        g_ptr_array_free(rscs, TRUE);
        return -ENOTCONN;
    }
    for (guint i = 0; i < fo->st->constraints->len; i++) {
        hc_constraint *c = fo->st->constraints->pdata[i];

        if (c->leftover && c->rsc && !in_list(rscs, c->rsc)) {
            g_ptr_array_add(rscs, g_strdup(c->rsc));
        }
    }
    ret = clear_rscs(rscs, out);
    g_ptr_array_free(rscs, TRUE);
    return ret;
}

void hc_failover_probe_counts(const hc_failover *fo, unsigned *ret_sent,
                              unsigned *ret_answered, unsigned *ret_lost,
                              bool *ret_last_ok)
{
    *ret_sent = fo->sent;
    *ret_answered = fo->answered;
    *ret_lost = fo->lost;
    *ret_last_ok = fo->last_ok;
}

const char *hc_failover_phase(const hc_failover *fo)
{
    static const char *const names[] = {
        "baseline", "baseline", "action", "observe", "cleanup", "final",
        "final", "done",
    };

    return names[fo->phase];
}

int hc_failover_save_report(const hc_failover *fo, const char *dir,
                            const char *stamp, int n, char **ret_txt,
                            char **ret_json)
{
    GString *txt = g_string_new(NULL), *js = g_string_new(NULL);
    char *base = g_strdup_printf("%s/failover-%s-%s-%02d", dir,
                                 hc_fo_scenario_name(fo->o.scenario), stamp,
                                 n);
    char *p1 = g_strconcat(base, ".txt", NULL);
    char *p2 = g_strconcat(base, ".json", NULL);
    int rc;

    if (ret_txt) {
        *ret_txt = NULL;
    }
    if (ret_json) {
        *ret_json = NULL;
    }
    hc_failover_report_text(fo, txt);
    hc_failover_report_json(fo, js);
    rc = hc_write_file_atomic(p1, txt->str, txt->len, 0640, true);
    if (rc < 0) {
        if (ret_txt) {
            *ret_txt = p1;
            p1 = NULL;
        }
    } else {
        rc = hc_write_file_atomic(p2, js->str, js->len, 0640, true);
        if (ret_txt) {
            *ret_txt = rc < 0 ? p2 : p1;
            if (rc < 0) {
                p2 = NULL;
            } else {
                p1 = NULL;
            }
        }
    }
    if (rc == 0 && ret_json) {
        *ret_json = p2;
        p2 = NULL;
    }
    g_free(base);
    g_free(p1);
    g_free(p2);
    g_string_free(txt, TRUE);
    g_string_free(js, TRUE);
    return rc;
}

const char *hc_fo_env_report_dir(void)
{
    const char *d = getenv("HACON_FAILOVER_DIR");

    return d && *d ? d : "/var/lib/hacon/failover";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

void hc_fo_downtime_summary(double *v, size_t n, double *ret_min,
                            double *ret_median, double *ret_max)
{
    *ret_min = *ret_median = *ret_max = 0;
    if (!n) {
        return;
    }
    qsort(v, n, sizeof(double), cmp_double);
    *ret_min = v[0];
    *ret_max = v[n - 1];
    *ret_median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------ report */

static gint cmp_event(gconstpointer a, gconstpointer b)
{
    const hc_fo_event *x = *(hc_fo_event *const *) a;
    const hc_fo_event *y = *(hc_fo_event *const *) b;

    return x->t_ms < y->t_ms ? -1 : x->t_ms > y->t_ms;
}

/* The timeline in time order: messages of the worker thread reach the
 * list a little after the CIB changes that followed them. */
static GPtrArray *sorted_events(const hc_failover *fo)
{
    GPtrArray *a = g_ptr_array_sized_new(fo->events->len);

    for (guint i = 0; i < fo->events->len; i++) {
        g_ptr_array_add(a, fo->events->pdata[i]);
    }
    /* Stable (GLib documents it since 2.32): equal times keep their
     * order. */
    g_ptr_array_sort(a, cmp_event);
    return a;
}

void hc_failover_report_text(const hc_failover *fo, GString *out)
{
    char when[32];

    g_string_append_printf(out, "hacon failover-test %s: %s\n",
                           hc_fo_scenario_name(fo->o.scenario),
                           fo->error ? "NOT RUN"
                           : hc_failover_passed(fo) ? "PASS" : "FAIL");
    if (fo->error) {
        g_string_append_printf(out, "reason: %s\n", fo->error);
    }
    if (fo->wall0 > 0) {
        g_string_append_printf(out, "started: %s\n",
                               hc_time_str((time_t) fo->wall0, when,
                                           sizeof(when)));
    }
    if (fo->service) {
        g_string_append_printf(out, "service: %s (chain anchor %s%s), "
                               "%s -> %s, floating IP %s probed on %s\n",
                               fo->service, fo->anchor,
                               fo->anchor_promoted ? ", promoted" : "",
                               fo->from ? fo->from : "?",
                               fo->to ? fo->to : "?",
                               fo->vip ? fo->vip : "?",
                               fo->ifname ? fo->ifname : "?");
    }
    g_string_append(out, "\nBaseline\n");
    for (guint i = 0; i < fo->base_lines->len; i++) {
        char *e = hc_escape(fo->base_lines->pdata[i], 0);

        g_string_append_printf(out, "  %s\n", e);
        g_free(e);
    }
    g_string_append(out, "\nTimeline (seconds from the action)\n");
    {
        GPtrArray *ev = sorted_events(fo);

        for (guint i = 0; i < ev->len; i++) {
            g_string_append(out, "  ");
            hc_fo_event_format(ev->pdata[i], out);
        }
        g_ptr_array_free(ev, TRUE);
    }
    g_string_append_printf(out, "\nProbes: %u sent every %d ms, %u "
                           "answered, %u unanswered; downtime ",
                           fo->sent, fo->o.probe_interval_ms, fo->answered,
                           fo->lost);
    if (hc_failover_downtime_ms(fo) < 0) {
        g_string_append(out, "unbounded (DHCP did not come back)\n");
    } else {
        g_string_append_printf(out, "%.0f ms\n", hc_failover_downtime_ms(fo));
    }
    g_string_append(out, "\nAssertions\n");
    for (guint i = 0; i < fo->asserts->len; i++) {
        hc_fo_assertion *a = fo->asserts->pdata[i];

        g_string_append_printf(out, "  [%s] %s: %s\n",
                               a->verdict == HC_FO_PASS ? "PASS"
                               : a->verdict == HC_FO_FAIL ? "FAIL" : "SKIP",
                               a->name, a->detail);
    }
}

static void json_kv_str(GString *out, const char *k, const char *v,
                        bool comma)
{
    hc_json_str(out, k);
    g_string_append_c(out, ':');
    if (v) {
        hc_json_str(out, v);
    } else {
        g_string_append(out, "null");
    }
    if (comma) {
        g_string_append_c(out, ',');
    }
}

void hc_failover_report_json(const hc_failover *fo, GString *out)
{
    g_string_append_c(out, '{');
    json_kv_str(out, "scenario", hc_fo_scenario_name(fo->o.scenario), true);
    json_kv_str(out, "result", fo->error ? "not-run"
                : hc_failover_passed(fo) ? "pass" : "fail", true);
    json_kv_str(out, "error", fo->error, true);
    g_string_append_printf(out, "\"started\":%.3f,", fo->wall0);
    json_kv_str(out, "service", fo->service, true);
    json_kv_str(out, "anchor", fo->anchor, true);
    g_string_append_printf(out, "\"anchor_promoted\":%s,",
                           fo->anchor_promoted ? "true" : "false");
    json_kv_str(out, "from", fo->from, true);
    json_kv_str(out, "to", fo->to, true);
    json_kv_str(out, "vip", fo->vip, true);
    json_kv_str(out, "interface", fo->ifname, true);
    json_kv_str(out, "leases_file", fo->leases_path, true);
    g_string_append(out, "\"baseline\":{\"lines\":[");
    for (guint i = 0; i < fo->base_lines->len; i++) {
        if (i) {
            g_string_append_c(out, ',');
        }
        hc_json_str(out, fo->base_lines->pdata[i]);
    }
    g_string_append(out, "],\"leases\":[");
    for (guint i = 0; i < fo->base_leases->len; i++) {
        base_lease *b = &g_array_index(fo->base_leases, base_lease, i);
        GString *s = g_string_new(NULL);
        char **parts;

        lease_str(b, s);
        parts = g_strsplit(s->str, " ", 2);
        g_string_append_printf(out, "%s{", i ? "," : "");
        json_kv_str(out, "address", parts[0], true);
        json_kv_str(out, "mac", parts[1] ? parts[1] : "", true);
        if (b->ends == HC_LEASE_NEVER) {
            g_string_append(out, "\"ends\":null}");
        } else {
            g_string_append_printf(out, "\"ends\":%u}", b->ends);
        }
        g_strfreev(parts);
        g_string_free(s, TRUE);
    }
    g_string_append(out, "]},\"timeline\":[");
    GPtrArray *evs = sorted_events(fo);

    for (guint i = 0; i < evs->len; i++) {
        hc_fo_event *ev = evs->pdata[i];

        g_string_append_printf(out, "%s{\"t_ms\":%.1f,\"wall\":%.3f,"
                               "\"before_action\":%s,", i ? "," : "",
                               ev->t_ms, ev->wall,
                               ev->t_ms == 0 && signbit(ev->t_ms)
                               ? "true" : "false");
        json_kv_str(out, "kind", hc_fo_event_kind_name(ev->kind), true);
        json_kv_str(out, "text", ev->text, false);
        g_string_append_c(out, '}');
    }
    g_ptr_array_free(evs, TRUE);
    g_string_append_printf(out, "],\"probes\":{\"interval_ms\":%d,"
                           "\"sent\":%u,\"answered\":%u,\"unanswered\":%u,"
                           "\"downtime_ms\":", fo->o.probe_interval_ms,
                           fo->sent, fo->answered, fo->lost);
    if (hc_failover_downtime_ms(fo) < 0) {
        g_string_append(out, "null},");
    } else {
        g_string_append_printf(out, "%.1f},", hc_failover_downtime_ms(fo));
    }
    g_string_append(out, "\"assertions\":[");
    for (guint i = 0; i < fo->asserts->len; i++) {
        hc_fo_assertion *a = fo->asserts->pdata[i];

        g_string_append_printf(out, "%s{", i ? "," : "");
        json_kv_str(out, "name", a->name, true);
        json_kv_str(out, "result", verdict_name(a->verdict), true);
        json_kv_str(out, "detail", a->detail, false);
        g_string_append_c(out, '}');
    }
    g_string_append_printf(out, "],\"passed\":%s}\n",
                           hc_failover_passed(fo) ? "true" : "false");
}
