/* The failover test: one scenario (move, standby, stop the stack, kill
 * dhcpd, crash the node, cut the HA link, hang the node's corosync and
 * pacemaker) run against the live cluster with
 * a baseline before, a timeline during (CIB, membership, quorum, DRBD and a
 * DHCP probe of the floating IP every 200 ms) and assertions after, each
 * pass, fail or skip with its reason, as a report in text and JSON.
 *
 * The engine is a state machine that hc_failover_step() advances; it never
 * sleeps longer than one probe.  Cluster commands (the action, the
 * cleanup) run in a worker thread so that probing goes on while they run,
 * and so do the slow reads of the baseline and of the final checks (the
 * first probe, which may wait a second for dhcpd's ping check, and the
 * lease file read over ssh).
 * The CIB is watched through hc_cib_watch(), whose notifications arrive
 * through the GLib main loop: the caller runs that loop and calls
 * hc_failover_step() from a timer every hc_failover_interval_ms().  Every
 * timeline line goes to the observer callback as it happens. */
#ifndef HC_FAILOVER_H
#define HC_FAILOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <glib.h>

#include "status.h"

typedef enum hc_fo_scenario {
    HC_FO_MOVE,
    HC_FO_STANDBY,
    HC_FO_STOP_STACK,
    HC_FO_KILL,
    HC_FO_CRASH,
    HC_FO_CUT,
    HC_FO_HANG,
    HC_FO_N_SCENARIOS
} hc_fo_scenario;

/* "move", "standby", "stop-stack", "kill", "crash", "cut", "hang". */
const char *hc_fo_scenario_name(hc_fo_scenario s);
/* Returns the scenario, or -1 for an unknown name. */
int hc_fo_scenario_from_name(const char *name);

typedef struct hc_fo_opts {
    hc_fo_scenario scenario;
    const char *service;     /* dhcpd primitive; NULL: found in the CIB */
    const char *vip;         /* floating IP; NULL: the IPaddr2 of the chain */
    const char *ifname;      /* probe interface; NULL: that IPaddr2's nic */
    const char *leases;      /* lease file; NULL: from the CIB */
    /* Shell commands with {node} replaced by the active node's name, run
     * where hacon runs (sh -c).  stop_cmd NULL: systemctl over ssh.
     * restore_cmd (after stop-stack, crash, cut): brings the node back;
     * NULL: the node is left down and the report says so. */
    const char *crash_cmd, *stop_cmd, *cut_cmd, *restore_cmd;
    int timeout_s;           /* for the failover itself; 0: 120 */
    int probe_interval_ms;   /* 0: 200 */
    int probe_timeout_ms;    /* 0: 150 */
    bool confirmed;          /* the admin confirmed a crash / cut */
    bool clear_leftovers;    /* clear cli-* constraints found before */
} hc_fo_opts;

typedef enum hc_fo_event_kind {
    HC_FO_EV_INFO,
    HC_FO_EV_ACTION,     /* a command the test ran and its result */
    HC_FO_EV_CIB,        /* placement, constraint, fail count changes */
    HC_FO_EV_MEMBER,     /* node membership / state */
    HC_FO_EV_QUORUM,
    HC_FO_EV_DRBD,
    HC_FO_EV_PROBE,      /* DHCP answers lost / back (not every probe) */
    HC_FO_EV_ASSERT,
    HC_FO_EV_WARN,
} hc_fo_event_kind;

typedef struct hc_fo_event {
    double t_ms;             /* since the action started (<0: before) */
    double wall;             /* seconds since the epoch */
    hc_fo_event_kind kind;
    char *text;              /* escaped already: safe to display */
} hc_fo_event;

const char *hc_fo_event_kind_name(hc_fo_event_kind k);

typedef enum hc_fo_verdict { HC_FO_PASS, HC_FO_FAIL, HC_FO_SKIP } hc_fo_verdict;

typedef struct hc_fo_assertion {
    char *name;
    hc_fo_verdict verdict;
    char *detail;
} hc_fo_assertion;

/* DRBD state for the baseline and the assertion, from a reader the caller
 * provides (the DRBD module); without one the DRBD assertion is skipped
 * with its reason.  The reader fills *ret_text with one line per resource
 * ("r0 nodeone Primary/UpToDate nodetwo Secondary/UpToDate", g_free) and
 * returns 0 when every resource is UpToDate on both nodes with
 * primary_node Primary, 1 when not, or a negative errno. */
typedef int (*hc_fo_drbd_reader)(const char *primary_node, char **ret_text,
                                 void *data);

typedef struct hc_failover hc_failover;

typedef void (*hc_fo_observer)(const hc_fo_event *ev, void *data);

/* A new run (nothing happens until the first step).  opts and its strings
 * are copied.  fn (may be NULL) gets every timeline event as it happens. */
hc_failover *hc_failover_new(const hc_fo_opts *opts, hc_fo_observer fn,
                             void *data);
void hc_failover_free(hc_failover *fo);
void hc_failover_set_drbd_reader(hc_failover *fo, hc_fo_drbd_reader fn,
                                 void *data);

/* Advances the run by at most one probe and one state change.  Returns 1
 * while it runs, 0 when it is finished (report ready), or a negative errno
 * when it could not start (the reason is in hc_failover_error(); nothing
 * was changed in the cluster). */
int hc_failover_step(hc_failover *fo);
int hc_failover_interval_ms(const hc_failover *fo);

/* Asks the run to end as soon as it safely can (a signal, the admin):
 * before the action it ends at once (hc_failover_step() returns -EINTR,
 * nothing was changed); after it, the action's command is let finish
 * within its deadline, service-placed fails with why, and the cleanup and
 * the final checks run as always.  why goes into the timeline. */
void hc_failover_abort(hc_failover *fo, const char *why);
bool hc_failover_aborted(const hc_failover *fo);
/* Adds a line of the caller's to the timeline (and so to the report). */
void hc_failover_note(hc_failover *fo, hc_fo_event_kind kind,
                      const char *text);
/* The longest a run can take, in seconds: the sum of the deadlines of
 * its commands and waits (the baseline, the action, the cleanup, the
 * final checks).  A run that is not finished by then is stuck. */
int hc_failover_bound_s(const hc_failover *fo);
const char *hc_failover_error(const hc_failover *fo);

/* Results, valid once hc_failover_step() returned 0. */
bool hc_failover_passed(const hc_failover *fo);
/* Downtime as the probe saw it: from the sending of the first probe that
 * got no answer to the answer of the first probe after the last one that
 * got none; 0 when every probe was answered; -1 when DHCP never answered
 * again. */
double hc_failover_downtime_ms(const hc_failover *fo);
/* The time DHCP did not answer: every outage, from its first unanswered
 * probe to the answer after it, added up (what dhcp-bound holds against
 * its bound); 0 when every probe was answered. */
double hc_failover_unanswered_ms(const hc_failover *fo);
/* The longest of those outages (0 when none ended), and how many ended
 * (ret_outages, may be NULL). */
double hc_failover_longest_outage_ms(const hc_failover *fo,
                                     unsigned *ret_outages);
/* One probe's result: sent at SENT_AT ms after the action, answered (OK)
 * after RTT ms.  hacon's own probe calls it; exported for tests. */
void hc_failover_probe_result(hc_failover *fo, double sent_at, bool ok,
                              double rtt);
const char *hc_failover_from_node(const hc_failover *fo);
const char *hc_failover_to_node(const hc_failover *fo);
const GPtrArray *hc_failover_events(const hc_failover *fo);
const GPtrArray *hc_failover_assertions(const hc_failover *fo);

/* Clears every cli-prefer/cli-ban constraint now in the CIB
 * (crm_resource --clear per resource, then crm_resource --wait; a line per
 * command in out), for the offer when the no-cli-constraints assertion
 * failed.  Blocks up to 30 s per resource and 70 s for the wait: not for
 * a loop that must answer.  Returns 0, -EIO when a --clear failed,
 * -ENOTCONN. */
int hc_failover_clear_leftovers(hc_failover *fo, GString *out);

/* The probe so far: probes sent, answered, unanswered, and whether the
 * last one was answered (for a live display of every probe). */
void hc_failover_probe_counts(const hc_failover *fo, unsigned *ret_sent,
                              unsigned *ret_answered, unsigned *ret_lost,
                              bool *ret_last_ok);
/* "baseline", "action", "observe", "cleanup", "final", "done". */
const char *hc_failover_phase(const hc_failover *fo);

/* Saves the report as DIR/failover-SCENARIO-STAMP-NN.txt and .json
 * (hc_write_file_atomic); *ret_txt and *ret_json (g_free, may be NULL)
 * get the paths.  Returns 0 or the negative errno of the write that
 * failed; then *ret_txt gets the path of the file that could not be
 * written and *ret_json is NULL (the text file may be on disk when the
 * JSON one failed). */
int hc_failover_save_report(const hc_failover *fo, const char *dir,
                            const char *stamp, int n, char **ret_txt,
                            char **ret_json);

/* Where reports go unless told: $HACON_FAILOVER_DIR, else
 * /var/lib/hacon/failover. */
const char *hc_fo_env_report_dir(void);

/* A lease as the test compares them: address, MAC, whether it was
 * active when read (its end not passed), its end (HC_LEASE_NEVER). */
typedef struct hc_fo_lease {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t mac_len;
    bool active;
    uint32_t ends;
} hc_fo_lease;

/* The leases of before (hc_fo_lease, all active) that after (the lease
 * file read at read_at) lost: gone, or not active for the same MAC.  A
 * lease whose own end came by read_at and that the file still records
 * for the same MAC ran out, it is not lost: *ret_ended counts those.
 * Each lost one is appended to lost as " IP MAC".  Returns the number
 * lost. */
unsigned hc_fo_leases_lost(const GArray *before, const GArray *after,
                           uint32_t read_at, unsigned *ret_ended,
                           GString *lost);

/* Minimum, median and maximum of n downtimes (sorts v); all 0 when n is
 * 0. */
void hc_fo_downtime_summary(double *v, size_t n, double *ret_min,
                            double *ret_median, double *ret_max);

/* The report: baseline, timeline, probe counts, assertions. */
void hc_failover_report_text(const hc_failover *fo, GString *out);
void hc_failover_report_json(const hc_failover *fo, GString *out);

/* One timeline line as headless mode prints it: "+   1.234 cib  text". */
void hc_fo_event_format(const hc_fo_event *ev, GString *out);

/* The service's colocation chain in st: appends to chain (char*, g_free)
 * the top-level ids joined to the service by mandatory colocations, the
 * service's first; *ret_anchor (g_free) is the resource that the service
 * depends on through them that depends on nothing itself (moving it moves
 * the chain); *ret_promoted tells that the chain wants its promoted role
 * (a promotable clone: move with --promoted).  -ENOENT: no such service. */
int hc_fo_find_chain(const hc_status *st, const char *service,
                     GPtrArray *chain, char **ret_anchor,
                     bool *ret_promoted);

/* Substitutes {node} in cmd; NULL when node is not a plain node name
 * (letters, digits, '.', '-', '_'), so that a name from the CIB can never
 * become shell syntax.  Newly allocated. */
char *hc_fo_subst_node(const char *cmd, const char *node);

#endif
