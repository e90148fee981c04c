/* Internals shared by the modules of the wizard engine (wizard*.c); not
 * for the steps, nor for callers. */
#ifndef HC_WIZARD_INT_H
#define HC_WIZARD_INT_H

#include <stdbool.h>
#include <time.h>

#include "exec.h"
#include "status.h"
#include "wizard.h"

typedef struct hc_wizard_memo hc_wizard_memo;

/* crm_verify -VV's output (wizard_plan.c): its messages, one a line,
 * without their function names (NULL-terminated, g_strfreev); whether
 * they hold warnings and no error; a line's warning for a plan, with its
 * cause when hacon knows it (NULL: not a warning; g_free). */
char **hc__verify_lines(const char *out);
bool hc__verify_warnings_only(char **lines);
char *hc__verify_warning(const char *line);

struct hc_wizard {
    GHashTable *answers;
    /* key -> where its answer came from (GINT hc_answer_origin); a key
     * that is not here has its default. */
    GHashTable *origins;
    GHashTable *detected_why;   /* key -> the fact that filled it */
    char *root;
    char *state_dir;
    char *uname;
    void (*progress)(const char *, void *);
    void *progress_data;
    char *checkpoint;   /* of the step being applied: where undos go */
    time_t apply_started;   /* of the step being applied, else 0 */
    /* "NODE:DEVICE" the admin named for overwriting (never an answer). */
    GPtrArray *overwrite;
    /* What the pass of checks under way asked already (wizard_pass.c);
     * NULL outside a pass. */
    hc_wizard_memo *memo;
};

/* wizard_answers.c: reads an answers file into w; a bad line is an error
 * with file and line in *ret_err. */
int hc_wizard_answers_load(hc_wizard *w, const char *path, char **ret_err);

/* wizard_remote.c: hc_wizard_run() and hc_wizard_read() where secret
 * keeps stdout (the file's bytes) out of the transcript and the error
 * message; and a file written (text) or removed (text NULL) on node, the
 * old one kept as path~. */
int hc_wizard_remote_run(hc_wizard *w, const char *node, int timeout_ms,
                         bool secret, const char *input_file, char **ret_out,
                         char **ret_err, const char *const *argv);
/* wizard_plan.c: a plan command as the admin would type it, its input
 * file after "<" (newly allocated). */
char *hc_plan_cmd_line(const hc_plan_cmd *c);
int hc_wizard_remote_read(hc_wizard *w, const char *node, const char *path,
                          bool secret, char **ret, size_t *ret_len,
                          char **ret_err);
int hc_wizard_remote_write(hc_wizard *w, const char *node, const char *path,
                           const char *text, size_t len, mode_t mode,
                           char **ret_err);

/* wizard_sim.c: a fresh scratch directory (g_free; NULL when it cannot
 * be made; hc_rm_tree() removes it); a tool that reads files only, not the
 * cluster (*out: its stdout and stderr, *status: its exit status, 124
 * when it timed out); the status after rounds transitions of crm_simulate
 * (5: settled). */
char *hc_wizard_tmp_dir(void);
int hc_wizard_run_tool(const char *const *argv, int timeout_ms, char **out,
                       int *status);
int hc_wizard_status_simulated(xmlNode *cib, int rounds, hc_status **ret,
                               char **ret_err);

/* wizard_plan.c: an empty plan (hc_plan_free()). */
hc_plan *hc_plan_new(void);

/* wizard_checkpoint.c: a new checkpoint directory of step s (g_free;
 * NULL with *ret_err when it cannot be made); saving into it what the
 * plan will change; restoring it (the CIB, the undos, the files); the
 * newest one of step s (NULL: none); and the undo of command c recorded
 * in the checkpoint of the apply under way. */
char *hc_wizard_checkpoint_new(hc_wizard *w, const hc_step *s,
                               char **ret_err);
int hc_wizard_checkpoint_save(hc_wizard *w, const char *dir, hc_plan *p,
                              char **ret_err);
int hc_wizard_checkpoint_restore(hc_wizard *w, const char *dir,
                                 char **ret_err);
char *hc_wizard_checkpoint_latest(hc_wizard *w, const hc_step *s);
int hc_wizard_undo_record(hc_wizard *w, const hc_plan_cmd *c, char **ret_err);

/* wizard_apply.c: writes want's configuration into the CIB in one update
 * when the CIB's is still expect's (NULL: any). */
int hc_wizard_cib_write(hc_wizard *w, xmlNode *expect, xmlNode *want,
                        char **ret_err);

/* wizard_pass.c: hc_exec() for the engine.  Inside a pass of checks
 * (hc_wizard_check_all()) the other checks go on while the command runs,
 * and a command the pass ran already (same node and argv; not a secret,
 * no input) is answered from that run (*r a copy of its result, no new
 * transcript entry); outside a pass, hc_exec() itself. */
int hc_wizard_exec(hc_wizard *w, const char *const *argv,
                   const hc_exec_opts *o, hc_exec_result *r);
/* hc_exec(), the other checks of a pass going on while it runs, nothing
 * remembered (a tool on a scratch file). */
int hc_wizard_exec_unlocked(const char *const *argv, const hc_exec_opts *o,
                            hc_exec_result *r);
/* The CIB a pass read already: true with *rc, and a copy in *ret (or the
 * error in *ret_err); false outside a pass or before its first read,
 * which hc_wizard_memo_cib_keep() then keeps (cib not taken). */
bool hc_wizard_memo_cib(hc_wizard *w, xmlNode **ret, char **ret_err, int *rc);
void hc_wizard_memo_cib_keep(hc_wizard *w, int rc, xmlNode *cib,
                             const char *err);

#endif
