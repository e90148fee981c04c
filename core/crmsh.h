/* The crm shell lines hacon understands by itself, so that the console's
 * command line works on a cluster where crmsh is not installed: a line is
 * parsed into a hc_crm_cmd, and the command is applied to a copy of the CIB
 * in memory.  The caller shows the difference and commits it.
 *
 * The XML written is what crmsh 4.4 and crm_resource 2.1.5 write for the
 * same line (same element order and ids), except that `ms` gives a
 * promotable clone and the roles Master/Slave are written Promoted/Unpromoted
 * when the CIB's schema (pacemaker-3.7 and later) allows it. */
#ifndef HC_CRMSH_H
#define HC_CRMSH_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <libxml/tree.h>

/* Where a line is wrong: the word (0-based index in the line as typed, -1
 * for the line as a whole), its byte offset and length, and why. */
typedef struct hc_crm_error {
    int word;
    size_t col;
    size_t len;
    char msg[320];
} hc_crm_error;

typedef enum hc_crm_verb {
    HC_CRM_PROPERTY,
    HC_CRM_RSC_DEFAULTS,
    HC_CRM_OP_DEFAULTS,
    HC_CRM_PRIMITIVE,
    HC_CRM_MS,
    HC_CRM_CLONE,
    HC_CRM_GROUP,
    HC_CRM_COLOCATION,
    HC_CRM_ORDER,
    HC_CRM_LOCATION,
    HC_CRM_DELETE,
    HC_CRM_MOVE,
    HC_CRM_CLEAR,
    HC_CRM_CLEANUP,
    HC_CRM_START,
    HC_CRM_STOP,
    HC_CRM_STANDBY,
    HC_CRM_ONLINE,
} hc_crm_verb;

/* One word of the line: its text with quotes removed, where it was. */
typedef struct hc_crm_word {
    char *text;
    size_t col;
    size_t len;
} hc_crm_word;

/* NAME=VALUE, and the word it came from (for error messages). */
typedef struct hc_crm_nv {
    char *name;
    char *value;
    int word;
} hc_crm_nv;

/* A resource operation: `op monitor interval=10s role=Master`. */
typedef struct hc_crm_op {
    char *name;
    GPtrArray *attrs;     /* hc_crm_nv* */
    int word;
} hc_crm_op;

/* A resource named in a constraint or a container, with the role or action
 * after its colon (NULL when none). */
typedef struct hc_crm_ref {
    char *rsc;
    char *qual;
    int word;
} hc_crm_ref;

typedef struct hc_crm_cmd {
    hc_crm_verb verb;
    GPtrArray *words;     /* hc_crm_word*: the line as typed */
    int verb_word;        /* index of the word naming the command */
    char *id;             /* object id, or the resource/node acted on */
    int id_word;
    char *agent_class;    /* primitive: ocf, lsb, systemd, service, stonith */
    char *agent_provider; /* ocf only; NULL when the line gave none */
    char *agent_type;
    int agent_word;
    GPtrArray *params;    /* hc_crm_nv*: params, property and defaults */
    GPtrArray *meta;      /* hc_crm_nv* */
    GPtrArray *utilization; /* hc_crm_nv* */
    GPtrArray *ops;       /* hc_crm_op* */
    char sections[5];     /* primitive: 'p'arams 'm'eta 'u'tilization
                           * 'o'p in the order they first appear */
    GPtrArray *refs;      /* hc_crm_ref*: members, constraint resources */
    GPtrArray *options;   /* hc_crm_nv*: symmetrical=, node-attribute= */
    char *score;          /* normalised: INFINITY, -INFINITY, 100 */
    char *kind;           /* order: Mandatory, Optional, Serialize */
    int score_word;
    char *node;           /* location, move, standby, cleanup */
    int node_word;
    char *lifetime;       /* move: ISO 8601 duration */
    int lifetime_word;
    GPtrArray *ids;       /* delete: hc_crm_ref* (qual unused) */
} hc_crm_cmd;

void hc_crm_cmd_free(hc_crm_cmd *cmd);

/* Parses one line (len bytes, not necessarily NUL-terminated).  A leading
 * "crm" and "configure" are accepted and skipped, so that lines copied from
 * a tutorial work.  On success *ret owns a new command (hc_crm_cmd_free);
 * on a syntax error returns -EINVAL and fills *err. */
int hc_crm_parse(const char *line, size_t len, hc_crm_cmd **ret,
                 hc_crm_error *err);

/* True for commands that act on the running cluster and not on the CIB
 * (resource cleanup). */
bool hc_crm_cmd_needs_cluster(const hc_crm_cmd *cmd);

/* The argv (NULL-terminated, g_strfreev) that performs a command that needs
 * the cluster; NULL for the others. */
char **hc_crm_cmd_cluster_argv(const hc_crm_cmd *cmd);

/* Applies the command to cib (a whole <cib> element), changing it in place.
 * Checks what only the CIB can tell (resources and nodes that exist, ids
 * already taken, agents and their required parameters).  Returns 0, or a
 * negative errno with *err filled (the CIB may then be partly changed: apply
 * to a copy).  A command that needs the cluster returns -EOPNOTSUPP. */
int hc_crm_apply(const hc_crm_cmd *cmd, xmlNode *cib, hc_crm_error *err);

/* What hacon says about a line it accepts.  Warnings: the line is valid
 * but likely does not do what was meant (a colocation written backwards,
 * a promotable clone named without its role, a cluster option Pacemaker
 * does not know).  Notes: what hacon wrote differently from the line (ms
 * as a promotable clone).  fix: the line as it was meant, when hacon can
 * tell, else NULL. */
typedef struct hc_crm_advice {
    GPtrArray *warnings;  /* char*, one message each */
    GPtrArray *notes;     /* char* */
    char *fix;
} hc_crm_advice;

hc_crm_advice *hc_crm_advice_new(void);
void hc_crm_advice_free(hc_crm_advice *a);

/* hc_crm_apply that also fills advice (NULL: none wanted); the corrected
 * line is made from the command's words. */
int hc_crm_apply_advised(const hc_crm_cmd *cmd, xmlNode *cib,
                         hc_crm_advice *advice, hc_crm_error *err);

/* The cluster options Pacemaker knows (crm_config), from the metadata of
 * its daemons (pacemaker-schedulerd, -controld and -based), read once and
 * cached; NULL when none can be read.  Borrowed (sorted). */
const GPtrArray *hc_crm_cluster_options(void);

/* Parse and apply in one go. */
int hc_crm_apply_line(const char *line, xmlNode *cib, hc_crm_error *err);

/* The error as three lines for a terminal: the line, a caret under the
 * word, and "word N (WORD): why".  Untrusted bytes are escaped.  Newly
 * allocated (g_free). */
char *hc_crm_error_format(const char *line, const hc_crm_error *err);

/* The candidate completions of the last word of line (the part after the
 * last unquoted blank; "" after a blank), for the console's readline: pass
 * the text before the cursor (rl_line_buffer up to rl_point).  Offers
 * commands, resource and constraint ids, node names, agents, an agent's
 * parameters (from its meta-data), cluster options (from Pacemaker's
 * daemons), roles and actions.  *ret is a new
 * array of g_strdup'ed words (g_ptr_array_unref), sorted, unique, each
 * beginning with the partial word.  Returns 0 or a negative errno. */
int hc_crm_complete(const char *line, xmlNode *cib, GPtrArray **ret);

/* Agents: the OCF root is $OCF_ROOT or /usr/lib/ocf.  Lists "ocf:P:T" for
 * every executable agent (sorted, g_ptr_array_unref). */
GPtrArray *hc_crm_list_agents(void);

/* The parameters of an agent from its meta-data (run once, then cached):
 * names, and which are required.  Returns 0, -ENOENT when the agent does
 * not exist, or another negative errno when its meta-data cannot be read.
 * *ret_names and *ret_required are borrowed from the cache: valid until
 * hc_crm_agent_cache_clear(). */
int hc_crm_agent_params(const char *cls, const char *provider,
                        const char *type, GPtrArray **ret_names,
                        GPtrArray **ret_required);
void hc_crm_agent_cache_clear(void);

/* Levenshtein distance, for "did you mean". */
size_t hc_crm_edit_distance(const char *a, const char *b);

/* Reading and committing the CIB (CIB_file= or the live cluster).  query:
 * the whole CIB, *ret newly allocated (free_xml).  commit: replaces the
 * configuration section with the one of new_cib, refusing with -ESTALE when
 * the CIB changed since base was read (epoch or admin_epoch differ).  With
 * CIB_file= the file is rewritten through a temp file and rename, the old
 * one kept as FILE~.  *ret_msg (may be NULL) receives a reason on failure
 * (g_free). */
int hc_crm_cib_query(xmlNode **ret, char **ret_msg);
int hc_crm_cib_commit(xmlNode *base, xmlNode *new_cib, char **ret_msg);

/* The changes from old to new as human-readable lines ("+ ", "- ", "~ ")
 * from Pacemaker's patchset of the two.  "" when nothing changed.  Newly
 * allocated (g_free). */
char *hc_crm_diff_text(xmlNode *old_cib, xmlNode *new_cib);

/* What the cluster would do with cib: crm_simulate -S on a temp copy,
 * within timeout_ms (0: 30 s).  *ret_summary gets the lines of its
 * "Transition Summary" ("" when nothing would change; g_free). */
int hc_crm_simulate(xmlNode *cib, int timeout_ms, char **ret_summary,
                    char **ret_msg);

/* The same; same_group: crm_simulate stays in the caller's process group
 * (the console's preview child, killed as a group on cancel). */
int hc_crm_simulate_grouped(xmlNode *cib, int timeout_ms, bool same_group,
                            char **ret_summary, char **ret_msg);

/* Makes the preview's temporary CIB file, empty and 0600, in
 * $TMPDIR: its name in path (size bytes).  0, or a negative errno with
 * *ret_msg set. */
int hc_crm_simulate_tmp(char *path, size_t size, char **ret_msg);

/* hc_crm_simulate_grouped() on path, a file the caller made
 * (hc_crm_simulate_tmp()) and removes: cib is written there.  The
 * console's preview child makes the file itself, so that its SIGTERM
 * handler knows the name to remove at any moment. */
int hc_crm_simulate_in(xmlNode *cib, const char *path, int timeout_ms,
                       bool same_group, char **ret_summary, char **ret_msg);

/* One line from text to cluster, for `hacon crm` and the console's command
 * line alike: plan (parse, read the CIB, apply in memory, diff, preview),
 * show, then apply. */
typedef struct hc_crm_plan {
    char *line;
    hc_crm_cmd *cmd;
    xmlNode *base;        /* the CIB as read (NULL for cluster commands) */
    xmlNode *next;        /* the CIB to commit */
    char *diff;           /* hc_crm_diff_text(); "" when nothing changes */
    char *preview;        /* crm_simulate's summary, or NULL */
    char *preview_error;  /* why there is no preview, or NULL */
    char **cluster_argv;  /* for commands that need the cluster, else NULL */
    hc_crm_advice *advice; /* warnings, notes, the corrected line */
} hc_crm_plan;

/* Parses line and prepares what it does.  Errors in the line: -EINVAL and
 * *err; errors reading the CIB: another negative errno and *ret_msg
 * (g_free).  With simulate, also runs the preview. */
int hc_crm_plan_new(const char *line, bool simulate, hc_crm_plan **ret,
                    hc_crm_error *err, char **ret_msg);
/* The same on a CIB the caller holds already (copied; NULL: read it), as
 * the console's, which notifications keep current: no CIB query per line.
 * The commit still refuses a CIB that changed since (-ESTALE). */
int hc_crm_plan_new_from(const char *line, xmlNode *cib, bool simulate,
                         hc_crm_plan **ret, hc_crm_error *err,
                         char **ret_msg);

/* Commits the plan (or runs its cluster command).  *ret_out (may be NULL)
 * gets the command's output, escaped.  Returns 0 or a negative errno with
 * *ret_msg (-ESTALE: the CIB changed since the plan was made). */
int hc_crm_plan_apply(const hc_crm_plan *plan, char **ret_out,
                      char **ret_msg);

void hc_crm_plan_free(hc_crm_plan *plan);

#endif
