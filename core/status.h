/* The cluster status model: what crm_mon shows, computed by the same
 * engine (libpe_status's cluster_status()) from a CIB, in plain structs
 * owned by core.  Every string in the model is as the CIB has it; views
 * escape it (hc_escape) before display. */
#ifndef HC_STATUS_H
#define HC_STATUS_H

#include <stdbool.h>
#include <time.h>
#include <glib.h>
#include <libxml/tree.h>

#include "sbd.h"

typedef enum hc_node_state {
    HC_NODE_ONLINE,
    HC_NODE_STANDBY,
    HC_NODE_MAINTENANCE,
    HC_NODE_PENDING,
    HC_NODE_UNCLEAN,
    HC_NODE_OFFLINE,
} hc_node_state;

typedef enum hc_rsc_kind {
    HC_RSC_PRIMITIVE,
    HC_RSC_GROUP,
    HC_RSC_CLONE,
    HC_RSC_PROMOTABLE,
    HC_RSC_BUNDLE,
    HC_RSC_REPLICA,     /* one replica of a bundle: its parts as children */
} hc_rsc_kind;

/* One name=value pair (instance attribute, meta attribute, node attr). */
typedef struct hc_nvpair {
    char *name;
    char *value;
} hc_nvpair;

typedef struct hc_node {
    char *id;
    char *name;
    char *type;             /* "member", "remote", "guest" */
    hc_node_state state;
    bool online, standby, maintenance, pending, unclean, shutdown, is_dc;
    bool standby_onfail;
    GPtrArray *running;     /* char* ids of the primitives active here */
} hc_node;

/* Where one primitive (or one clone instance) is active and in what role. */
typedef struct hc_rsc_place {
    char *node;
    char *role;             /* "Started", "Promoted", "Unpromoted", ... */
} hc_rsc_place;

typedef struct hc_failcount {
    char *node;
    int count;              /* INFINITY is 1000000 */
} hc_failcount;

typedef struct hc_op {
    char *name;             /* start, stop, monitor, promote ... */
    char *interval;         /* as configured, "0s" when absent */
    char *timeout;
    char *role;
} hc_op;

typedef struct hc_resource hc_resource;
struct hc_resource {
    char *id;               /* for clone instances the id crm_mon shows */
    char *agent;            /* class:provider:type, NULL for collectives */
    hc_rsc_kind kind;
    char *role;             /* current role ("Stopped" when inactive) */
    char *target_role;      /* meta target-role, NULL when not set */
    bool active, managed, failed, orphaned, blocked, disabled, unique;
    int migration_threshold;
    GPtrArray *places;      /* hc_rsc_place*: where it is active */
    GPtrArray *failcounts;  /* hc_failcount*: nodes with fail-count > 0 */
    GPtrArray *params;      /* hc_nvpair*: instance attributes */
    GPtrArray *meta;        /* hc_nvpair*: meta attributes */
    GPtrArray *ops;         /* hc_op*: configured operations */
    GPtrArray *children;    /* hc_resource*: group members, clone instances,
                             * a bundle's replicas, a replica's parts (IP,
                             * the resource inside, container, remote
                             * connection, in crm_mon's order) */
    hc_resource *parent;
    /* A bundle: its container image.  A replica (id "0", "1"... as
     * crm_mon's XML numbers them): the name crm_mon gives it (its remote
     * connection's, else its container's) and the node its container
     * runs on, NULL when stopped; role is that of the resource inside. */
    char *image;
    char *replica_name, *replica_node;
    /* A top-level resource's share of the cluster's instance, disabled
     * and blocked counts, so that an update of one resource can correct
     * the totals (status_update.c). */
    int n_instances, n_disabled, n_blocked;
};

typedef struct hc_failed_action {
    char *resource;
    char *op_key;           /* e.g. "dhcp_monitor_10000" */
    char *task;             /* monitor, start, ... */
    char *node;
    guint interval_ms;
    int rc;
    char *rc_text;          /* "not running", "error", ... */
    int op_status;
    char *status_text;      /* "complete", "Timed Out", ... */
    char *exit_reason;
    time_t last_rc_change;
} hc_failed_action;

typedef enum hc_cons_kind {
    HC_CONS_LOCATION,
    HC_CONS_COLOCATION,
    HC_CONS_ORDER,
    HC_CONS_TICKET,
} hc_cons_kind;

typedef struct hc_constraint {
    char *id;
    hc_cons_kind kind;
    /* location: rsc, node, score, role (or "rule" when it has rules);
     * colocation: rsc (dependent) with with_rsc, their roles, score;
     * order: first (first_action) then then_rsc (then_action), kind. */
    char *rsc, *rsc_role;
    char *with_rsc, *with_role;   /* colocation with / order first */
    char *node;
    char *score;
    char *action, *with_action;   /* order actions */
    char *kind_str;               /* order kind: Mandatory, Optional ... */
    bool has_rule, has_sets;
    char *sets;                   /* resource sets as "( a b ) ( c )" */
    bool leftover;                /* cli-prefer-* / cli-ban-*: left by a move */
    char *expires;                /* lifetime of a move, when set */
    /* location with a rule: the node its #uname eq expression names (as
     * crm_resource --move/--ban --lifetime writes it), or NULL */
    char *rule_node;
} hc_constraint;

typedef struct hc_cluster {
    char *name;             /* cluster-name property, or NULL */
    char *stack;            /* cluster-infrastructure, "corosync" */
    char *dc;               /* DC node name, NULL when none */
    char *dc_version;
    bool have_dc;
    bool quorate;
    char *last_written;     /* cib-last-written, as the CIB has it */
    char *last_change_user, *last_change_client, *last_change_origin;
    /* The properties the tutorial changes, as effective values. */
    bool stonith_enabled;
    bool have_watchdog;     /* have-watchdog: the DC's sbd runs */
    char *watchdog_timeout; /* stonith-watchdog-timeout, NULL when 0/unset */
    char *no_quorum_policy; /* stop, ignore, freeze, demote, suicide */
    bool maintenance_mode;
    bool stop_all_resources;
    bool shutdown_lock;     /* shutdown-lock: also orders history unpacking */
    char *epoch;            /* admin_epoch:epoch:num_updates */
    int n_nodes, n_resources, n_disabled, n_blocked;
    GPtrArray *warnings;    /* char*: must stay visible */
} hc_cluster;

/* One entry of the fencer's history (stonith_admin --history '*'). */
typedef enum hc_fence_state {
    HC_FENCE_PENDING,
    HC_FENCE_DONE,
    HC_FENCE_FAILED,
} hc_fence_state;

typedef struct hc_fence_event {
    char *target;           /* the node fenced */
    char *action;           /* reboot, off, on */
    char *delegate;         /* the node whose device did it, NULL if none */
    char *origin;           /* the node that asked */
    char *client;           /* who asked: pacemaker-controld.PID, ... */
    char *exit_reason;
    hc_fence_state state;
    time_t completed;       /* 0 while pending */
    long completed_nsec;
} hc_fence_event;

typedef struct hc_status {
    hc_cluster cluster;
    GPtrArray *nodes;       /* hc_node*, in CIB order */
    GPtrArray *resources;   /* hc_resource*, top level, in CIB order */
    GPtrArray *failed;      /* hc_failed_action* */
    GPtrArray *constraints; /* hc_constraint*, in CIB order */
    /* The fencer's history, which the CIB does not hold: set by
     * hc_status_set_fence_history (fencing.c).  fence_known is false
     * until then, and fence_why says why (no fencer for a CIB file, the
     * fencer not reachable). */
    bool fence_known;
    char *fence_why;
    GPtrArray *fence_history; /* hc_fence_event*: pending first, then the
                               * newest first */
    /* This node's sbd and watchdog (hc_status_set_sbd), NULL when not
     * looked at (a CIB file), and this node's name. */
    hc_sbd_state *sbd;
    char *sbd_node;
    /* The other nodes' sbd (hc_status_set_sbd_peers): hc_sbd_state*, each
     * named (->node), in the order of nodes; NULL when not looked at. */
    GPtrArray *sbd_peers;
    /* The quorum device as corosync counts it (hc_status_set_qdevice),
     * NULL when none is registered or corosync was not asked. */
    char *qdevice;
    /* Its heuristics' last result as corosync-qdevice-tool -s says it
     * (Pass, Fail, Undefined), NULL when it has none or was not asked. */
    char *qdevice_heuristics;
} hc_status;

/* Computes the status from a whole CIB (configuration + status) with
 * libpe_status.  now: the time to evaluate rules and failure timeouts at,
 * 0 for the current time.  The cib is not modified or kept.  Returns 0 or
 * a negative errno with one line in *ret_err. */
int hc_status_from_xml(xmlNode *cib, time_t now, hc_status **ret,
                       char **ret_err);

/* The same, taking cib (which it frees) instead of working on a copy: for
 * a single look that needs the CIB no longer. */
int hc_status_from_xml_owned(xmlNode *cib, time_t now, hc_status **ret,
                             char **ret_err);

void hc_status_free(hc_status *st);

/* Updates st, computed from old_cib, to what hc_status_from_xml(new_cib)
 * gives, by recomputing only the resources whose history changed, when
 * that is all that changed between the two (status_update.c).  Returns 1
 * when st was updated, 0 when the change needs a full computation (st is
 * then unchanged), or a negative errno.  When ret_dirty is not NULL it
 * receives the ids of the top-level resources recomputed (g_free). */
int hc_status_update(hc_status *st, xmlNode *old_cib, xmlNode *new_cib,
                     time_t now, GPtrArray **ret_dirty);

/* Looks up a resource (any depth) or a node by id or name; NULL if none. */
hc_resource *hc_status_find_resource(const hc_status *st, const char *id);
hc_node *hc_status_find_node(const hc_status *st, const char *name);

const char *hc_node_state_str(hc_node_state s);
const char *hc_rsc_kind_str(hc_rsc_kind k);
const char *hc_cons_kind_str(hc_cons_kind k);

/* The constraint in words, as an admin reads it:
 * "dhcp runs where fs_data runs", "testnet starts before dhcp". */
char *hc_constraint_describe(const hc_constraint *c);

/* The leftover cli-prefer / cli-ban location constraints (left by
 * crm_resource --move or --ban) on the resource id, which pin it to or
 * ban it from a node until cleared: the first at or after *iter (start
 * with 0; *iter is moved past it), NULL when there is no more.  The
 * console's Resources view and `hacon status` mark a resource with them. */
const hc_constraint *hc_status_next_leftover(const hc_status *st,
                                             const char *rsc, guint *iter);
/* "banned from" for a negative score (cli-ban), else "pinned to". */
const char *hc_leftover_verb(const hc_constraint *c);
/* What a leftover move does, unescaped (g_free): "pinned to NODE",
 * "banned from NODE", "pinned by rule" (a rule that names no node), then
 * " (as ROLE)" for a role other than Started and " until DATE" for a
 * lifetime; NULL when it names neither a node nor a rule. */
char *hc_leftover_text(const hc_constraint *c);

/* ---- fencing (fencing.c) ---------------------------------------------- */

/* Asks the local fencer (libstonithd, as `stonith_admin --history '*'`)
 * for its history of every node: *ret gets hc_fence_event*, pending first,
 * then the newest first, on a connection of its own that joins no main
 * loop (a thread may ask), within timeout_s for the answer.  Returns 0 or
 * a negative errno with one line in *ret_err (the fencer not running, not
 * reachable, no answer). */
int hc_fence_history_query(int timeout_s, GPtrArray **ret, char **ret_err);

/* The same question with a bounded wait: hc_fence_history_ask() asks it in
 * a thread of its own (call it from the main thread, as hc_fencer_start),
 * hc_fence_history_wait() waits for the answer until wait_s after the ask
 * and frees the question.  No answer by then: -ETIMEDOUT and "fencer: no
 * answer in N s" (libstonithd's connect has no limit; its thread ends by
 * itself when the fencer answers or goes). */
typedef struct hc_fence_ask hc_fence_ask;
hc_fence_ask *hc_fence_history_ask(int wait_s);
int hc_fence_history_wait(hc_fence_ask *a, GPtrArray **ret, char **ret_err);

/* The local fencer followed as crm_mon follows it: a connection
 * registered for fence notifications, made and read in a thread of its
 * own (a hung fencer never holds the caller).  fn is called from GLib's
 * default main context with the event's name and, for HC_FENCER_GONE, one
 * line saying why: HC_FENCER_UP once connected and registered
 * (hc_fencer_notifying() says whether the registration was taken);
 * "st_notify_fence" when a fence ended, "st_notify_history" when the
 * history changed, a fence asked or ended; HC_FENCER_GONE when the
 * connect failed or the fencer went away, after which nothing more comes:
 * free it (from fn too) and start another. */
typedef struct hc_fencer hc_fencer;
#define HC_FENCER_UP "connected"
#define HC_FENCER_GONE "st_notify_disconnect"   /* T_STONITH_NOTIFY_... */
typedef void (*hc_fencer_fn)(void *data, const char *event,
                             const char *detail);

/* How long one history question may take (s): the fencer is local. */
#define HC_FENCER_TIMEOUT_S 5

/* Starts connecting (call it from the main thread, which it makes
 * libxml2's and Pacemaker's XML thread first): the fencer, or NULL with one
 * line in *ret_err (no thread could be started). */
hc_fencer *hc_fencer_start(hc_fencer_fn fn, void *data, char **ret_err);
bool hc_fencer_notifying(const hc_fencer *f);
/* Nothing is told after it; the thread ends by itself (once its connect
 * returns, when the fencer hangs). */
void hc_fencer_free(hc_fencer *f);

/* Gives st the history (taken; NULL with why when it is not known) and
 * recomputes the warnings, which name failed and pending fences. */
void hc_status_set_fence_history(hc_status *st, GPtrArray *history,
                                 const char *why);

/* Gives st this node's sbd state (taken) and name, and recomputes the
 * warnings (sbd configured but not running, its watchdog not open). */
void hc_status_set_sbd(hc_status *st, hc_sbd_state *sbd, const char *node);

/* Gives st the other nodes' sbd states (hc_sbd_state*, named, taken with
 * the array; NULL: not looked at) and recomputes the warnings. */
void hc_status_set_sbd_peers(hc_status *st, GPtrArray *peers);

/* The names of the cluster nodes (members) other than here (compared in
 * short form: "nodeone" is "nodeone.example.com"; here NULL: all of
 * them), NULL-terminated (g_strfreev): the nodes whose sbd is asked over
 * ssh. */
char **hc_status_other_nodes(const hc_status *st, const char *here);

/* Gives st the quorum device's state in words (copied; NULL: none). */
void hc_status_set_qdevice(hc_status *st, const char *text);
/* ... and its heuristics' last result (copied; NULL: none). */
void hc_status_set_qdevice_heuristics(hc_status *st, const char *result);

/* The fence devices: the primitives of class stonith, at any depth, in
 * CIB order (borrowed pointers into st), appended to out. */
void hc_status_fence_devices(const hc_status *st, GPtrArray *out);

/* What fencing can do now, for the header and the warnings. */
typedef struct hc_fence_summary {
    int devices, running, failed;   /* fence devices */
    bool watchdog;      /* watchdog fencing (stonith-watchdog-timeout and
                         * have-watchdog): works without a device */
    bool works;         /* enabled and a device runs (or the watchdog) */
    bool sbd_expected;  /* sbd should run on the nodes: a node's
                         * configuration names a disk, a fence_sbd device
                         * exists, or watchdog fencing is on
                         * (stonith-watchdog-timeout) */
    int pending;        /* fence operations in flight */
    int failed_targets; /* nodes whose last fence failed */
    const hc_fence_event *last_failed; /* the newest of those */
    const hc_fence_event *first_pending;
} hc_fence_summary;
void hc_status_fence_summary(const hc_status *st, hc_fence_summary *sum);

const char *hc_fence_state_str(hc_fence_state s);

/* One history entry in words, as stonith_admin --history prints it:
 * "reboot of nodetwo successful: delegate=nodeone, client=..., origin=
 * nodeone, completed='2026-12-06 11:50:01Z'" (escaped for a terminal). */
char *hc_fence_event_describe(const hc_fence_event *e);

/* Renders the model as text (what `hacon status` prints) or JSON. */
void hc_status_format_text(const hc_status *st, GString *out);
void hc_status_format_json(const hc_status *st, GString *out);

#endif
