/* The step engine of hacon's guided setup.  Every tutorial step is one
 * `hc_step` (one file each in core/steps/) with the same five parts:
 *
 *   check     already done, partly done, to do, or blocked (and why)
 *   plan      what will happen: files with a diff, commands with their
 *             node, CIB changes with a crm_diff and a crm_simulate preview,
 *             and the crm shell lines an admin would type
 *   apply     the plan, after a checkpoint (files and CIB); every command
 *             through hc_exec (deadline, transcript), files through
 *             hc_write_file_atomic, the CIB in one atomic update
 *   verify    proves the effect, not the exit code
 *   rollback  back to the checkpoint when apply or verify fails, or when
 *             the admin asks
 *
 * The engine is synchronous.  The console runs a step as a child process,
 * `hacon setup apply STEP --yes --answers FILE`, and follows its output
 * lines from the GLib loop: the CIB and scheduler libraries are not
 * thread-safe, a child can be killed at its deadline, and the console never
 * blocks.  The progress callback below is what that child prints.
 *
 * Answers are key=value lines (see hc_wizard_answer_keys()); every key has
 * a default that matches the tutorial and the test cluster.
 *
 * Environment: HACON_ROOT (prefix for every local file, tests; default /),
 * HACON_STATE_DIR (checkpoints; default /var/lib/hacon), CIB_file (a CIB
 * file instead of the live cluster, as for Pacemaker's tools). */
#ifndef HC_WIZARD_H
#define HC_WIZARD_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include <libxml/tree.h>

typedef enum hc_step_state {
    HC_STEP_TODO,
    HC_STEP_PARTIAL,
    HC_STEP_DONE,
    HC_STEP_BLOCKED,
} hc_step_state;

typedef struct hc_wizard hc_wizard;

/* A command of a plan, run on node (NULL: here). */
typedef struct hc_plan_cmd {
    char *node;
    char **argv;
    int timeout_ms;
    char *why;          /* one line: what it is for */
    /* What undoes it (a stop for a start), run by a rollback when the
     * command ran; NULL: nothing to undo. */
    char **undo;
    /* A file of this node given as its standard input (a copy to a node
     * over the connection its commands share); NULL: none. */
    char *input;
} hc_plan_cmd;

/* A file of a plan: its content on node (NULL: here) before and after. */
typedef struct hc_plan_file {
    char *node;
    char *path;         /* as on the node (HACON_ROOT is added locally) */
    char *old_text;     /* NULL when absent */
    size_t old_len;
    char *new_text;
    size_t new_len;
    mode_t mode;
    bool secret;        /* an authkey: no diff, only sizes */
} hc_plan_file;

typedef struct hc_plan {
    GPtrArray *notes;   /* char*: "tutorial says X; hacon does Y because Z" */
    GPtrArray *warnings;/* char*: what can go wrong, shown before Apply */
    GPtrArray *crm;     /* char*: the crm shell lines that do the same */
    GPtrArray *files;   /* hc_plan_file*: written first */
    GPtrArray *cmds;    /* hc_plan_cmd*: run after the files */
    xmlNode *cib_old;   /* whole CIB now, when the step changes it */
    xmlNode *cib_new;   /* the CIB the step writes, in one update */
    char *cib_diff;     /* crm_diff -o old -n new */
    char *cib_verify;   /* crm_verify -x new: its messages, "" when clean */
    char *simulate;     /* crm_simulate -S -x new: what the cluster will do */
    bool empty;         /* nothing to do (the step is done) */
    GHashTable *data;   /* step's own key -> value (strings), plan to verify */
} hc_plan;

typedef struct hc_step {
    const char *name;       /* preflight, cluster, stonith, ... */
    const char *title;
    const char *tutorial;   /* what the tutorial says */
    const char *hacon;      /* what hacon does, and why it deviates */
    int (*check)(hc_wizard *w, hc_step_state *ret, GString *why);
    int (*plan)(hc_wizard *w, hc_plan *p, char **ret_err);
    /* NULL: the engine writes the files, runs the commands and writes
     * cib_new.  A step with its own apply (migrate) still gets the
     * checkpoint and the rollback. */
    int (*apply)(hc_wizard *w, hc_plan *p, char **ret_err);
    int (*verify)(hc_wizard *w, hc_plan *p, char **ret_err);
    /* Run after the engine restored files and CIB (stop what the step
     * started); may be NULL. */
    int (*rollback)(hc_wizard *w, char **ret_err);
    /* The steps this one builds on, by name, NULL-terminated: the direct
     * prerequisites only (each of those has its own).  On a CIB file only
     * cib_needs count (hc_step_prereqs()). */
    const char *needs[8];
    const char *cib_needs[8];
    /* Fills the answers this step needs from facts found on the nodes
     * (hc_wizard_detect()); may be NULL. */
    int (*detect)(hc_wizard *w);
} hc_step;

/* The steps in tutorial order, NULL-terminated: the table of
 * core/steps/table.c, which the engine walks. */
extern const hc_step *const hc_step_table[];

/* The steps in tutorial order; *n gets their number. */
const hc_step *const *hc_steps(size_t *n);
const hc_step *hc_step_find(const char *name);
const char *hc_step_state_str(hc_step_state s);

/* The drbd step's own test (hacon setup test drbd), the tutorial's
 * test of DRBD by hand before Pacemaker manages it: r0 switched to the
 * other node and back, mounted on each in turn, a file written on one
 * node read on the other, then removed; the roles as they were before.
 * Refused when Pacemaker manages r0, when r0 is not Connected and
 * UpToDate on both nodes, or when the device is mounted.  One line per
 * turn is appended to report.  Returns 0 or a negative errno (with
 * *ret_err); a failed turn is undone (unmounted, demoted, the roles of
 * before).  Defined in core/steps/drbd.c. */
int hc_step_drbd_try(hc_wizard *w, GString *report, char **ret_err);

/* Reads the answers file (NULL: defaults only).  An unknown key or a bad
 * value is an error with file and line in *ret_err. */
int hc_wizard_new(const char *answers_path, hc_wizard **ret, char **ret_err);
void hc_wizard_free(hc_wizard *w);

/* Where an answer's value came from: its default, an answers file (or
 * the admin, through hc_wizard_set_answer()), or a fact found on the
 * nodes (hc_wizard_detect()). */
typedef enum hc_answer_origin {
    HC_ANSWER_DEFAULT,
    HC_ANSWER_FILE,
    HC_ANSWER_DETECTED,
} hc_answer_origin;

/* Sets one answer (validated as a file line would be); its origin is
 * then HC_ANSWER_FILE. */
int hc_wizard_set_answer(hc_wizard *w, const char *key, const char *value,
                         char **ret_err);
/* Sets an answer from a fact found on the nodes, why saying which; an
 * answer given by the file or the admin is kept (returns 0). */
int hc_wizard_set_detected(hc_wizard *w, const char *key, const char *value,
                           const char *why, char **ret_err);
/* The origin of key's answer; *ret_why (may be NULL) gets the fact of a
 * detected one (borrowed), else NULL. */
hc_answer_origin hc_wizard_answer_origin(const hc_wizard *w, const char *key,
                                         const char **ret_why);
const char *hc_answer_origin_str(hc_answer_origin o);
/* The checks across answers (two distinct nodes, the floating IP outside
 * the range and in its subnet): 0, or -EINVAL with the reason. */
int hc_wizard_check_answers(hc_wizard *w, char **ret_err);
/* Fills the answers that neither the file nor the admin gave from what
 * the nodes have (each step's detect, in the table's order): where a node
 * lacks the DRBD kernel module, storage=shared with a disk that is a
 * block device on both nodes.  Runs commands on both nodes; returns 0, or
 * -EHOSTUNREACH when the peer cannot be asked (nothing is detected then). */
int hc_wizard_detect(hc_wizard *w);
/* HACON_STATE_DIR/answers, where the console saves them (g_free). */
char *hc_wizard_answers_path(const hc_wizard *w);
/* Writes the answers to path (temp file, fsync, rename; the old one kept
 * as path~; mode 0600): given and detected answers as key=value lines,
 * defaults as comments, so that a reload gives the same origins. */
int hc_wizard_save_answers(const hc_wizard *w, const char *path,
                           char **ret_err);
/* The answer for key (its default when not given); never NULL for a
 * known key. */
const char *hc_wizard_answer(const hc_wizard *w, const char *key);
/* The known keys, NULL-terminated, and the help line of one. */
const char *const *hc_wizard_answer_keys(void);
const char *hc_wizard_answer_help(const char *key);
/* The values a choice answer takes, "a|b|c", or NULL for a free one. */
const char *hc_wizard_answer_choices(const char *key);
/* All answers as key=value lines (an answers file), a detected one with
 * a "# detected: FACT" comment. */
void hc_wizard_format_answers(const hc_wizard *w, GString *out);

/* A disk the admin named, NODE:DEVICE, whose data a step may destroy
 * (the DRBD step's create-md --force).  Never an answer: neither the
 * answers file nor the console's apply can give it, only the admin's own
 * `hacon setup apply drbd --overwrite NODE:DEVICE`.  -EINVAL (with
 * *ret_err) when it is not NODE:/DEVICE. */
int hc_wizard_add_overwrite(hc_wizard *w, const char *node_dev,
                            char **ret_err);
/* Was node's dev named? */
bool hc_wizard_overwrite(const hc_wizard *w, const char *node,
                         const char *dev);
/* All that were named (char*), or NULL. */
const GPtrArray *hc_wizard_overwrites(const hc_wizard *w);

/* Progress lines while a step runs ("writing ...", "waiting for ..."). */
void hc_wizard_set_progress(hc_wizard *w, void (*fn)(const char *, void *),
                            void *data);
void hc_wizard_progress(hc_wizard *w, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

int hc_wizard_check(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                    char **ret_why);

/* One step's verdict in a pass of checks. */
typedef struct hc_wizard_pass_result {
    int rc;                 /* hc_wizard_check()'s */
    hc_step_state state;
    char *why;              /* g_free */
} hc_wizard_pass_result;
/* Checks the n steps as hc_wizard_check() does, res[i] step i's verdict,
 * all of them at once: each in a thread of its own (their commands on
 * the nodes overlap; at most 4 at once on a node), and a command or a CIB
 * read that a step of this pass made already is not made again (the
 * pass's memo, dropped when it ends: nothing is kept for the next pass).
 * The verdicts are those of checking the steps one after another on a
 * cluster that does not change meanwhile. */
void hc_wizard_check_all(hc_wizard *w, const hc_step *const *steps, size_t n,
                         hc_wizard_pass_result *res);

/* Where the answers are changed, added once to a blocked message that
 * tells the admin to answer something. */
#define HC_WIZARD_FORM_HINT "e: answers form"
void hc_wizard_answers_hint(GString *msg);

/* The steps that must be done before s, NULL-terminated (names).  On a
 * CIB file (cib_file: hc_wizard_cib_is_file()) only the CIB steps count:
 * the nodes' files and daemons are not there to check. */
const char *const *hc_step_prereqs(const hc_step *s, bool cib_file);
/* Checks s's prerequisites, all at once (hc_wizard_check_all()); every
 * one not done goes to *unmet as "NAME (STATE: why)", separated by "; ".
 * Returns how many are not done, or a negative errno. */
int hc_wizard_prereqs(hc_wizard *w, const hc_step *s, GString *unmet);

/* Computes the plan, with the CIB diff, crm_verify and crm_simulate
 * preview filled in.  Free with hc_plan_free(). */
int hc_wizard_plan(hc_wizard *w, const hc_step *s, hc_plan **ret,
                   char **ret_err);
void hc_plan_free(hc_plan *p);
/* The plan as the admin reads it (untrusted text escaped). */
void hc_plan_format(const hc_step *s, const hc_plan *p, GString *out);

/* Checkpoint, apply, verify; on failure rolls back and says so in
 * *ret_err.  *ret_checkpoint (may be NULL) gets the checkpoint directory.
 * Returns 0, or a negative errno when the step failed (rolled back). */
int hc_wizard_apply(hc_wizard *w, const hc_step *s, hc_plan *p,
                    char **ret_checkpoint, char **ret_err);

/* Restores the newest checkpoint of the step: the CIB, then the commands
 * that ran are undone (last first), then the files. */
int hc_wizard_rollback(hc_wizard *w, const hc_step *s, char **ret_err);

/* ---- for the steps (core/steps/) ---- */

/* HACON_STATE_DIR (checkpoints, records of steps done). */
const char *hc_wizard_state_dir(const hc_wizard *w);
/* When the apply of the step under way started (0: none is): what the
 * cluster reported before it is not this step's doing. */
time_t hc_wizard_apply_started(const hc_wizard *w);
/* HACON_ROOT + path, newly allocated. */
char *hc_wizard_path(const hc_wizard *w, const char *path);
/* The peer of this node: node2 when this host is node1, else node1. */
const char *hc_wizard_peer(const hc_wizard *w);
/* The node name hacon runs on (answer "local_node", else uname). */
const char *hc_wizard_local(const hc_wizard *w);

/* A fresh copy of the CIB (caller frees with free_xml()). */
int hc_wizard_cib(hc_wizard *w, xmlNode **ret, char **ret_err);
bool hc_wizard_cib_is_file(hc_wizard *w);

/* Plan building. */
void hc_plan_note(hc_plan *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void hc_plan_warn(hc_plan *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void hc_plan_crm(hc_plan *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void hc_plan_cmd_add(hc_plan *p, const char *node, int timeout_ms,
                     const char *why, ...) G_GNUC_NULL_TERMINATED;
/* The command that undoes the last one added (same node). */
void hc_plan_cmd_undo(hc_plan *p, ...) G_GNUC_NULL_TERMINATED;
/* Frees a command that was not added to a plan (NULL: nothing). */
void hc_plan_cmd_free(hc_plan_cmd *c);
/* The last command added reads this node's file path as its stdin. */
void hc_plan_cmd_input(hc_plan *p, const char *path);
/* Adds a file unless it already has that content; reads the old content
 * (locally or over ssh).  Returns 0 or a negative errno. */
int hc_plan_file_add(hc_wizard *w, hc_plan *p, const char *node,
                     const char *path, const char *text, size_t len,
                     mode_t mode, bool secret, char **ret_err);

/* The parts of the engine's own apply, for a step whose apply does more
 * between them (drbd follows the initial sync before mkfs): writes the
 * plan's files; runs one of its commands (with its progress line). */
int hc_wizard_apply_files(hc_wizard *w, hc_plan *p, char **ret_err);
int hc_wizard_apply_cmd(hc_wizard *w, const hc_plan_cmd *c, char **ret_err);
/* ... and the plan's CIB update (cib_new), when it has one. */
int hc_wizard_apply_cib(hc_wizard *w, hc_plan *p, char **ret_err);

/* diff -u of two texts labelled "PATH (old_label)" and "PATH (new_label)"
 * (old_text NULL: absent), newly allocated. */
char *hc_wizard_diff(const char *path, const char *old_text, size_t old_len,
                     const char *new_text, size_t new_len,
                     const char *old_label, const char *new_label);

/* Reads a file on node (NULL: here, under HACON_ROOT).  *ret is NULL and
 * 0 is returned when the file does not exist. */
int hc_wizard_read(hc_wizard *w, const char *node, const char *path,
                   char **ret, size_t *ret_len, char **ret_err);

/* Runs argv (NULL-terminated) on node with a deadline, recorded in the
 * transcript; 0 when it exited 0, else -EIO (-ETIMEDOUT) with its error
 * in *ret_err.  *ret_out (may be NULL) gets stdout, also on failure. */
int hc_wizard_run(hc_wizard *w, const char *node, int timeout_ms,
                  char **ret_out, char **ret_err, const char *const *argv);

/* A check made from the plan: DONE when the plan is empty, BLOCKED with
 * the plan's error, else TODO (or PARTIAL when the step's plan says so
 * through the data key "partial"). */
int hc_step_check_by_plan(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                          GString *why);

/* The status the scheduler gives: for a live cluster the CIB as it is;
 * for a CIB file, the state after crm_simulate runs the transitions (what
 * the cluster would do).  Frees with hc_status_free(). */
struct hc_status;
int hc_wizard_status(hc_wizard *w, xmlNode *cib, bool simulate,
                     struct hc_status **ret, char **ret_err);

/* The node where resource rsc_id is active (Promoted for a promotable
 * clone), or NULL. */
const char *hc_wizard_rsc_node(const struct hc_status *st, const char *id);

#endif
