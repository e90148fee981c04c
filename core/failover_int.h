/* What the failover test's files share, not part of the API: the run's
 * state and the functions one part of the run calls in another.
 *   failover.c           the state machine (hc_failover_step), the
 *                        timeline (events, assertions), the CIB watch,
 *                        the probe, the object and its accessors
 *   failover_chain.c     the service's colocation chain and resources
 *   failover_baseline.c  the checks before the action, the lease file
 *   failover_actions.c   what each scenario does, cleans up, waits for
 *   failover_assert.c    the final checks and their assertions
 *   failover_job.c       the worker threads: commands and slow reads
 *   failover_report.c    the report in text and JSON, its files */
#ifndef HC_FAILOVER_INT_H
#define HC_FAILOVER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <netinet/in.h>

#include <crm/common/xml.h>

#include "cib.h"
#include "dhcpprobe.h"
#include "failover.h"
#include "status.h"

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
    /* cut, hang: the node to be fenced (fenced scenarios), what the CIB
     * samples showed (failover_fence.c) */
    char *victim;
    bool victim_was_in;
    bool victim_was_unclean;     /* seen unclean: a fence is due */
    double history_next_ms;      /* the fencer's history asked again from */
    double fence_seen_ms, start_seen_ms, two_at;  /* relative to t0, -1 */
    double victim_back_ms;       /* seen again (pending or online) after
                                  * its fence, relative to t0, -1 */
    double victim_wait_end;
    unsigned fence_samples, two_samples;

    hc_dhcpprobe *probe;
    struct in_addr vip_addr;
    double t0;                   /* hc_now_ms() when the action started */
    double wall0;
    double deadline;
    unsigned sent, answered, lost;
    double outage_start;         /* this outage's first miss */
    double unanswered_ms;        /* every outage, first miss to answer */
    double longest_ms, longest_end;  /* the longest outage, its answer */
    unsigned outages;
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

/* failover.c: the timeline. */
const char *hc__fo_verdict_name(hc_fo_verdict v);
/* Milliseconds since the action started; -0.0 before it. */
double hc__fo_rel_ms(const hc_failover *fo);
/* Adds an event at t (text is escaped) and tells the observer. */
void hc__fo_emit_at(hc_failover *fo, double t, hc_fo_event_kind kind,
                    const char *text);
void hc__fo_emit(hc_failover *fo, hc_fo_event_kind kind, const char *fmt,
                 ...) G_GNUC_PRINTF(3, 4);
/* Records an assertion and puts it in the timeline. */
void hc__fo_assert(hc_failover *fo, hc_fo_verdict v, const char *name,
                   const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Ends the run before its action with err (taken) as the reason;
 * returns rc. */
int hc__fo_fail_start(hc_failover *fo, int rc, char *err);

/* failover.c: what the timeline compares.  The snapshot maps "node N",
 * "quorum", "dc", "rsc R", "fail R@N", "cons ID" to their text. */
GHashTable *hc__fo_snapshot(hc_failover *fo);
gint hc__fo_cmp_str(gconstpointer a, gconstpointer b);
/* Reads the CIB into fo->st (and *ret_xml when asked). */
int hc__fo_refresh(hc_failover *fo, xmlNode **ret_xml, char **ret_err);
void hc__fo_observe_cib(hc_failover *fo);
void hc__fo_observe_drbd(hc_failover *fo);
/* One probe; true when the floating IP's server answered. */
bool hc__fo_probe_once_within(hc_failover *fo, int timeout_ms,
                              double *ret_rtt);
void hc__fo_probe_tick(hc_failover *fo);

/* failover_chain.c: the resources. */
hc_resource *hc__fo_top_of(hc_resource *r);
bool hc__fo_is_dhcpd_agent(const char *a);
/* ocf:hacon:kea-dhcp4 (Kea serves). */
bool hc__fo_is_kea_agent(const char *a);
bool hc__fo_is_drbd_agent(const char *a);
hc_resource *hc__fo_find_by_agent(GPtrArray *rscs,
                                  bool (*match)(const char *));
const char *hc__fo_rsc_param(const hc_resource *r, const char *name);
/* The pid file of the dhcpd r runs.  Newly allocated. */
char *hc__fo_dhcpd_pidfile(const hc_resource *r);
/* The node the service is active on, or NULL. */
const char *hc__fo_service_node(const hc_failover *fo);
bool hc__fo_in_list(GPtrArray *a, const char *s);
/* The floating IP of the chain: an IPaddr2 primitive in it. */
hc_resource *hc__fo_find_vip_rsc(hc_failover *fo);

/* failover_baseline.c: before the action. */
bool hc__fo_is_local(const hc_failover *fo, const char *node);
/* Every lease record of the lease file on node into out (base_lease). */
int hc__fo_read_leases(hc_failover *fo, const char *node, GArray *out,
                       char **ret_err);
/* "ADDRESS MAC" of a lease, appended to out. */
void hc__fo_lease_str(const base_lease *b, GString *out);
int hc__fo_clear_rscs(const GPtrArray *rscs, GString *out);
/* The baseline's first part (CIB, chain, checks, probe opened), then its
 * rest once the I/O thread read DHCP and the leases. */
int hc__fo_baseline(hc_failover *fo);
int hc__fo_baseline_done(hc_failover *fo);

/* failover_actions.c: what the scenario does. */
job *hc__fo_action_job(hc_failover *fo);
job *hc__fo_cleanup_job(hc_failover *fo);
/* True once the service runs where the scenario wants it. */
bool hc__fo_failover_complete(hc_failover *fo);

/* failover_assert.c: after the cleanup. */
/* True while DRBD resyncs and the final checks should wait. */
bool hc__fo_drbd_settling(hc_failover *fo);
void hc__fo_final_start(hc_failover *fo);
void hc__fo_final_assertions(hc_failover *fo);

/* failover_job.c: the worker threads. */
job *hc__fo_job_new(void);
/* The end of hc__fo_job_add's argument list: a pointer, not a bare NULL
 * that may be an int in a variadic call. */
#define JOB_END ((const char *) NULL)
/* Adds a command (argv given as strings up to JOB_END), run on node
 * (NULL: here) within timeout_ms; may_fail non-zero: its failure is not
 * the job's.  An int, not a bool: the last parameter before the "..." must
 * keep its type under the default argument promotions (va_start). */
void hc__fo_job_add(job *j, const char *node, int timeout_ms, int may_fail,
                    ...) G_GNUC_NULL_TERMINATED;
void hc__fo_job_start(job *j);
/* True when the running job (if any) is finished; drains its messages
 * into the timeline. */
bool hc__fo_job_finished(hc_failover *fo, int *ret_rc);
/* The probe (tries times, wait_ms each) and the lease file read on
 * lease_node (NULL: none) in a thread; results in fo->io. */
void hc__fo_io_start(hc_failover *fo, int tries, int wait_ms,
                     const char *lease_node);
/* True once the thread is done (joined; results in fo->io). */
bool hc__fo_io_finished(hc_failover *fo);
void hc__fo_io_free(hc_failover *fo);

/* failover_fence.c: the cut and hang scenarios with and without
 * fencing. */
bool hc__fo_fence_scenario(const hc_failover *fo);
void hc__fo_hang_action(hc_failover *fo, job *j);
void hc__fo_hang_cleanup(hc_failover *fo, job *j);
void hc__fo_fence_observe(hc_failover *fo);
bool hc__fo_fence_complete(const hc_failover *fo);
bool hc__fo_victim_returning(hc_failover *fo);
int hc__fo_fence_history(const char *victim, double since_wall,
                         double *ret_s, char **ret_by, char **ret_err);
void hc__fo_fence_assertions(hc_failover *fo);

#endif
