/* The wizard engine's checkpoint, apply, undo and rollback
 * (core/wizard_checkpoint.c, core/wizard_apply.c), on real files in a
 * temporary HACON_ROOT and state directory and a real CIB file (CIB_file=,
 * the tutorial's bare two-node fixture): a step of the test's own plans
 * files, commands with their undo and a CIB change, as the steps of
 * core/steps/ do, and the engine applies, verifies and rolls it back.
 * Then the real migrate step, whose commands go through the engine too. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "exec.h"
#include "util.h"
#include "wizard.h"
#include "wizard_int.h"

typedef struct fixture {
    char *dir;          /* the test's temporary directory */
    char *root;         /* HACON_ROOT */
    char *state;        /* HACON_STATE_DIR */
    char *cib;          /* CIB_file */
    char *log;          /* what the plan's commands and undos append to */
    hc_wizard *w;
} fixture;

static fixture *fx;     /* the running test's, for the test step */

/* What the test step plans and how its verify ends. */
static struct {
    const char *a_text;     /* new content of /etc/hacon-test/a.conf */
    bool b_file;            /* also a new file b.conf */
    bool secret;            /* a secret authkey instead */
    const char *property;   /* a cluster property to set, or NULL */
    const char *cmds[3];    /* shell lines appending to the log */
    const char *undos[3];   /* their undos (NULL: none) */
    bool verify_fails;
} plan_of;

static void write_root_file(const char *path, const char *text, mode_t mode)
{
    char *p = g_build_filename(fx->root, path, NULL);
    char *d = g_path_get_dirname(p);

    assert_int_equal(g_mkdir_with_parents(d, 0755), 0);
    assert_int_equal(hc_write_file_atomic(p, text, strlen(text), mode, false),
                     0);
    g_free(d);
    g_free(p);
}

/* The content of a file under HACON_ROOT, or NULL when it is absent
 * (g_free). */
static char *root_file(const char *path)
{
    char *p = g_build_filename(fx->root, path, NULL), *text = NULL;
    size_t len;

    if (hc_read_file(p, &text, &len) < 0) {
        text = NULL;
    }
    g_free(p);
    return text;
}

static void assert_root_file(const char *path, const char *want)
{
    char *text = root_file(path);

    if (!want) {
        assert_null(text);
    } else {
        assert_non_null(text);
        assert_string_equal(text, want);
    }
    g_free(text);
}

static char *read_log(void)
{
    char *text = NULL;
    size_t len;

    if (hc_read_file(fx->log, &text, &len) < 0) {
        return g_strdup("");
    }
    return text;
}

/* The property's value in the CIB file as it is now (g_free), or NULL. */
static char *cib_property(const char *name)
{
    xmlNode *cib = NULL;
    char *err = NULL, *v;

    assert_int_equal(hc_wizard_cib(fx->w, &cib, &err), 0);
    v = g_strdup(hc_cib_property(cib, name));
    free_xml(cib);
    return v;
}

static int test_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    int rc = 0;

    if (plan_of.a_text) {
        rc = hc_plan_file_add(w, p, NULL, "/etc/hacon-test/a.conf",
                              plan_of.a_text, strlen(plan_of.a_text), 0644,
                              false, ret_err);
    }
    if (rc == 0 && plan_of.b_file) {
        rc = hc_plan_file_add(w, p, NULL, "/etc/hacon-test/b.conf", "b\n", 2,
                              0644, false, ret_err);
    }
    if (rc == 0 && plan_of.secret) {
        rc = hc_plan_file_add(w, p, NULL, "/etc/hacon-test/authkey",
                              "new-secret", 10, 0400, true, ret_err);
    }
    for (size_t i = 0; rc == 0 && i < 3 && plan_of.cmds[i]; i++) {
        hc_plan_cmd_add(p, NULL, 10000, "a command of the test", "sh", "-c",
                        plan_of.cmds[i], "sh", fx->log, NULL);
        if (plan_of.undos[i]) {
            hc_plan_cmd_undo(p, "sh", "-c", plan_of.undos[i], "sh", fx->log,
                             NULL);
        }
    }
    if (rc == 0 && plan_of.property) {
        rc = hc_wizard_cib(w, &p->cib_old, ret_err);
        if (rc == 0) {
            p->cib_new = copy_xml(p->cib_old);
            rc = hc_cib_set_property(p->cib_new, plan_of.property, "false");
        }
    }
    return rc;
}

static int test_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    if (plan_of.verify_fails) {
        *ret_err = g_strdup("the test's verify fails");
        return -EPROTO;
    }
    return 0;
}

static int test_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, hc_step_find("preflight"), ret, why);
}

static const hc_step test_step = {
    .name = "test",
    .title = "A step of the unit test",
    .tutorial = "-",
    .hacon = "-",
    .check = test_check,
    .plan = test_plan,
    .verify = test_verify,
};

static int setup(void **state)
{
    const char *top = getenv("HACON_TOP");
    char *bare = g_strdup_printf("%s/tests/golden/cib/bare.xml",
                                 top ? top : ".");
    char *text = NULL, *err = NULL;
    size_t len;

    fx = g_new0(fixture, 1);
    fx->dir = g_dir_make_tmp("hacon-test-wizard-XXXXXX", NULL);
    assert_non_null(fx->dir);
    fx->root = g_build_filename(fx->dir, "root", NULL);
    fx->state = g_build_filename(fx->dir, "state", NULL);
    fx->cib = g_build_filename(fx->dir, "cib.xml", NULL);
    fx->log = g_build_filename(fx->dir, "log", NULL);
    assert_int_equal(g_mkdir_with_parents(fx->root, 0755), 0);
    assert_int_equal(g_mkdir_with_parents(fx->state, 0700), 0);
    assert_int_equal(hc_read_file(bare, &text, &len), 0);
    assert_int_equal(hc_write_file_atomic(fx->cib, text, len, 0644, false),
                     0);
    g_free(text);
    g_free(bare);
    setenv("CIB_file", fx->cib, 1);
    setenv("HACON_ROOT", fx->root, 1);
    setenv("HACON_STATE_DIR", fx->state, 1);
    unsetenv("HACON_WIZARD_FAIL");
    assert_int_equal(hc_wizard_new(NULL, &fx->w, &err), 0);
    memset(&plan_of, 0, sizeof(plan_of));
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    const char *argv[] = { "rm", "-rf", fx->dir, NULL };
    int status;

    hc_wizard_free(fx->w);
    g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                 NULL, NULL, &status, NULL);
    g_free(fx->dir);
    g_free(fx->root);
    g_free(fx->state);
    g_free(fx->cib);
    g_free(fx->log);
    g_free(fx);
    fx = NULL;
    return 0;
}

/* Plans and applies the test step: rc of the apply, its checkpoint in
 * *ret_cp (may be NULL) and its error in *ret_err (may be NULL). */
static int apply_test_step(char **ret_cp, char **ret_err)
{
    hc_plan *p = NULL;
    char *err = NULL, *cp = NULL;
    int rc;

    assert_int_equal(hc_wizard_plan(fx->w, &test_step, &p, &err), 0);
    rc = hc_wizard_apply(fx->w, &test_step, p, &cp, &err);
    hc_plan_free(p);
    if (ret_cp) {
        *ret_cp = cp;
    } else {
        g_free(cp);
    }
    if (ret_err) {
        *ret_err = err;
    } else {
        g_free(err);
    }
    return rc;
}

static char *cp_file(const char *cp, const char *name)
{
    char *p = g_build_filename(cp, name, NULL), *text = NULL;
    size_t len;

    if (hc_read_file(p, &text, &len) < 0) {
        text = NULL;
    }
    g_free(p);
    return text;
}

/* ------------------------------------------------------------ tests */

static void apply_writes_and_keeps_a_checkpoint(void **state)
{
    char *cp = NULL, *manifest, *kept, *transcript, *v;
    char *a = g_build_filename(fx->root, "/etc/hacon-test/a.conf", NULL);
    struct stat st;

    write_root_file("/etc/hacon-test/a.conf", "old a\n", 0640);
    plan_of.a_text = "new a\n";
    plan_of.b_file = true;
    plan_of.property = "stonith-enabled";
    plan_of.cmds[0] = "echo one >> \"$1\"";
    plan_of.undos[0] = "echo undo one >> \"$1\"";
    assert_int_equal(apply_test_step(&cp, NULL), 0);
    assert_non_null(cp);
    assert_true(g_str_has_prefix(cp, fx->state));

    /* The step's effect: files, the command, the CIB. */
    assert_root_file("/etc/hacon-test/a.conf", "new a\n");
    assert_root_file("/etc/hacon-test/a.conf~", "old a\n");
    assert_root_file("/etc/hacon-test/b.conf", "b\n");
    /* An existing file keeps the admin's mode (hc_write_file_atomic()). */
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    v = read_log();
    assert_string_equal(v, "one\n");
    g_free(v);
    v = cib_property("stonith-enabled");
    assert_string_equal(v, "false");
    g_free(v);

    /* The checkpoint: the CIB before, the old files with their modes,
     * the undo of the command that ran, and the transcript. */
    kept = cp_file(cp, "cib.xml");
    assert_non_null(kept);
    assert_null(strstr(kept, "stonith-enabled"));
    g_free(kept);
    manifest = cp_file(cp, "files");
    assert_non_null(manifest);
    assert_string_equal(manifest,
                        "0\t-\tpresent\t640\t/etc/hacon-test/a.conf\n"
                        "1\t-\tabsent\t644\t/etc/hacon-test/b.conf\n");
    g_free(manifest);
    kept = cp_file(cp, "file0");
    assert_string_equal(kept, "old a\n");
    g_free(kept);
    /* The undo line: node (- for here), then the undo's words escaped. */
    kept = cp_file(cp, "undo");
    v = g_strdup_printf("-\tsh\t-c\techo undo one >> \\\"$1\\\"\tsh\t%s\n",
                        fx->log);
    assert_non_null(kept);
    assert_string_equal(kept, v);
    g_free(v);
    g_free(kept);
    transcript = cp_file(cp, "transcript");
    assert_non_null(transcript);
    assert_non_null(strstr(transcript, "echo one"));
    g_free(transcript);
    g_free(a);
    g_free(cp);
}

static void verify_failure_restores_files_and_cib(void **state)
{
    char *err = NULL, *v, *a = g_build_filename(fx->root,
                                                "/etc/hacon-test/a.conf",
                                                NULL);
    struct stat st;

    write_root_file("/etc/hacon-test/a.conf", "old a\n", 0640);
    plan_of.a_text = "new a\n";
    plan_of.b_file = true;
    plan_of.property = "stonith-enabled";
    plan_of.verify_fails = true;
    assert_int_equal(apply_test_step(NULL, &err), -EPROTO);
    assert_non_null(strstr(err, "the test's verify fails; rolled back to "));
    assert_root_file("/etc/hacon-test/a.conf", "old a\n");
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_root_file("/etc/hacon-test/b.conf", NULL);
    v = cib_property("stonith-enabled");
    assert_null(v);
    g_free(err);
    g_free(a);
}

/* The commands that ran are undone, the last first; a command without an
 * undo has nothing to undo. */
static void undo_last_first_on_failure(void **state)
{
    char *err = NULL, *log;

    plan_of.cmds[0] = "echo one >> \"$1\"";
    plan_of.undos[0] = "echo undo one >> \"$1\"";
    plan_of.cmds[1] = "echo two >> \"$1\"";
    plan_of.cmds[2] = "echo three >> \"$1\"";
    plan_of.undos[2] = "echo undo three >> \"$1\"";
    plan_of.verify_fails = true;
    assert_int_equal(apply_test_step(NULL, &err), -EPROTO);
    log = read_log();
    assert_string_equal(log, "one\ntwo\nthree\nundo three\nundo one\n");
    g_free(log);
    g_free(err);
}

/* The undo is recorded before its command runs: a command that fails (or
 * times out) may have started what its undo stops.  The commands after it
 * do not run. */
static void undo_of_a_failed_command_runs(void **state)
{
    char *err = NULL, *log;

    plan_of.cmds[0] = "echo started >> \"$1\"; exit 3";
    plan_of.undos[0] = "echo undone >> \"$1\"";
    plan_of.cmds[1] = "echo never >> \"$1\"";
    assert_int_equal(apply_test_step(NULL, &err), -EIO);
    assert_non_null(strstr(err, "failed"));
    assert_non_null(strstr(err, "rolled back to"));
    log = read_log();
    assert_string_equal(log, "started\nundone\n");
    g_free(log);
    g_free(err);
}

static void injected_apply_failure_rolls_back(void **state)
{
    char *err = NULL;

    write_root_file("/etc/hacon-test/a.conf", "old a\n", 0644);
    plan_of.a_text = "new a\n";
    setenv("HACON_WIZARD_FAIL", "test:apply", 1);
    assert_int_equal(apply_test_step(NULL, &err), -EIO);
    unsetenv("HACON_WIZARD_FAIL");
    assert_non_null(strstr(err, "failure injected by HACON_WIZARD_FAIL; "
                           "rolled back to"));
    assert_root_file("/etc/hacon-test/a.conf", "old a\n");
    g_free(err);
}

/* A CIB changed between the plan and the apply is not overwritten: the
 * apply fails and what it wrote before is rolled back. */
static void cib_changed_since_plan(void **state)
{
    hc_plan *p = NULL;
    char *err = NULL, *v;
    const char *argv[] = { "crm_attribute", "--type", "crm_config", "--name",
                           "cluster-recheck-interval", "--update", "5min",
                           NULL };

    write_root_file("/etc/hacon-test/a.conf", "old a\n", 0644);
    plan_of.a_text = "new a\n";
    plan_of.property = "stonith-enabled";
    assert_int_equal(hc_wizard_plan(fx->w, &test_step, &p, &err), 0);
    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, NULL, &err, argv), 0);
    assert_int_equal(hc_wizard_apply(fx->w, &test_step, p, NULL, &err),
                     -ESTALE);
    assert_non_null(strstr(err, "the CIB changed since the plan was made"));
    assert_root_file("/etc/hacon-test/a.conf", "old a\n");
    v = cib_property("stonith-enabled");
    assert_null(v);
    v = cib_property("cluster-recheck-interval");
    assert_string_equal(v, "5min");
    g_free(v);
    g_free(err);
    hc_plan_free(p);
}

/* What the controller writes itself (have-watchdog, when a step's restart
 * started sbd) between the plan and the apply does not refuse the update:
 * it is made on the CIB as it is, the controller's value kept. */
static void cib_rebased_on_controller_props(void **state)
{
    hc_plan *p = NULL;
    char *err = NULL, *v;
    const char *argv[] = { "crm_attribute", "--type", "crm_config", "--name",
                           "have-watchdog", "--update", "true", NULL };

    write_root_file("/etc/hacon-test/a.conf", "old a\n", 0644);
    plan_of.a_text = "new a\n";
    plan_of.property = "stonith-enabled";
    assert_int_equal(hc_wizard_plan(fx->w, &test_step, &p, &err), 0);
    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, NULL, &err, argv), 0);
    assert_int_equal(hc_wizard_apply(fx->w, &test_step, p, NULL, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "new a\n");
    v = cib_property("stonith-enabled");
    assert_non_null(v);
    g_free(v);
    v = cib_property("have-watchdog");
    assert_string_equal(v, "true");
    g_free(v);
    g_free(err);
    hc_plan_free(p);
}

/* DRBD's crm-fence-peer handler places its constraint while a restarted
 * peer is away: the update is made on the CIB as it is, the constraint
 * kept; a constraint of anyone else still refuses it. */
static void cib_rebased_on_fence_peer_constraint(void **state)
{
    hc_plan *p = NULL;
    char *err = NULL, *out = NULL, *v;
    const char *prim[] = { "cibadmin", "--create", "-o", "resources", "-X",
                           "<primitive id=\"d\" class=\"ocf\" "
                           "provider=\"heartbeat\" type=\"Dummy\"/>", NULL };
    const char *fp[] = { "cibadmin", "--create", "-o", "constraints", "-X",
                         "<rsc_location id=\"drbd-fence-by-handler-r0-d\" "
                         "rsc=\"d\" node=\"n1\" score=\"-INFINITY\"/>",
                         NULL };
    const char *other[] = { "cibadmin", "--create", "-o", "constraints", "-X",
                            "<rsc_location id=\"admin-ban\" rsc=\"d\" "
                            "node=\"n2\" score=\"-INFINITY\"/>", NULL };
    const char *query[] = { "cibadmin", "-Q", "-o", "constraints", NULL };

    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, NULL, &err, prim), 0);
    plan_of.property = "stonith-enabled";
    assert_int_equal(hc_wizard_plan(fx->w, &test_step, &p, &err), 0);
    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, NULL, &err, fp), 0);
    assert_int_equal(hc_wizard_apply(fx->w, &test_step, p, NULL, &err), 0);
    v = cib_property("stonith-enabled");
    assert_non_null(v);
    g_free(v);
    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, &out, &err, query), 0);
    assert_non_null(strstr(out, "drbd-fence-by-handler-r0-d"));
    g_free(out);
    hc_plan_free(p);
    p = NULL;
    plan_of.property = "maintenance-mode";
    assert_int_equal(hc_wizard_plan(fx->w, &test_step, &p, &err), 0);
    assert_int_equal(hc_wizard_run(fx->w, NULL, 30000, NULL, &err, other), 0);
    assert_int_equal(hc_wizard_apply(fx->w, &test_step, p, NULL, &err),
                     -ESTALE);
    g_free(err);
    hc_plan_free(p);
}

/* An explicit rollback restores the newest checkpoint, marks it used, and
 * the next rollback goes to the one before it. */
static void rollback_goes_back_one_checkpoint_at_a_time(void **state)
{
    char *err = NULL, *cp1 = NULL, *cp2 = NULL, *used;

    write_root_file("/etc/hacon-test/a.conf", "v0\n", 0644);
    plan_of.a_text = "v1\n";
    assert_int_equal(apply_test_step(&cp1, NULL), 0);
    plan_of.a_text = "v2\n";
    assert_int_equal(apply_test_step(&cp2, NULL), 0);
    assert_string_not_equal(cp1, cp2);
    assert_root_file("/etc/hacon-test/a.conf", "v2\n");

    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "v1\n");
    used = g_strdup_printf("%s.rolled-back", cp2);
    assert_true(g_file_test(used, G_FILE_TEST_IS_DIR));
    assert_false(g_file_test(cp2, G_FILE_TEST_EXISTS));
    g_free(used);

    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "v0\n");

    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), -ENOENT);
    assert_non_null(strstr(err, "no checkpoint of step test"));
    g_free(err);
    g_free(cp1);
    g_free(cp2);
}

/* A checkpoint made in the same second as another is STAMP.N: the
 * newest is the highest N (STAMP.10 after STAMP.9), not the last name in
 * the order of strcmp(). */
static void numbered_checkpoints_newest_first(void **state)
{
    static const char *const names[] = { "test-20260101-000000",
        "test-20260101-000000.2", "test-20260101-000000.10",
        "test-20251231-235959.11" };
    char *err = NULL;

    write_root_file("/etc/hacon-test/a.conf", "now\n", 0644);
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *dir = g_build_filename(fx->state, "checkpoints", names[i],
                                     NULL);
        char *files = g_build_filename(dir, "files", NULL);
        char *file0 = g_build_filename(dir, "file0", NULL);
        const char *manifest = "0\t-\tpresent\t644\t/etc/hacon-test/a.conf\n";

        assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
        assert_int_equal(hc_write_file_atomic(files, manifest,
                                              strlen(manifest), 0600, false),
                         0);
        assert_int_equal(hc_write_file_atomic(file0, names[i],
                                              strlen(names[i]), 0600, false),
                         0);
        g_free(file0);
        g_free(files);
        g_free(dir);
    }
    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "test-20260101-000000.10");
    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "test-20260101-000000.2");
    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "test-20260101-000000");
    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/a.conf", "test-20251231-235959.11");
}

/* A secret's old content is kept beside it on its node (mode 0400), never
 * in the checkpoint directory, and restored from there. */
static void secret_kept_beside_the_file(void **state)
{
    char *err = NULL, *cp = NULL, *base, *kept_rel, *kept, *manifest;
    const char *argv[] = { "grep", "-r", "-l", "old-secret", NULL, NULL };
    char *out = NULL;
    struct stat st;

    write_root_file("/etc/hacon-test/authkey", "old-secret", 0400);
    plan_of.secret = true;
    assert_int_equal(apply_test_step(&cp, NULL), 0);
    base = g_path_get_basename(cp);
    kept_rel = g_strdup_printf("/etc/hacon-test/authkey.hacon-checkpoint-%s",
                               base);
    assert_root_file(kept_rel, "old-secret");
    kept = g_build_filename(fx->root, kept_rel, NULL);
    assert_int_equal(stat(kept, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0400);
    manifest = cp_file(cp, "files");
    assert_string_equal(manifest,
                        "0\t-\tkept\t400\t/etc/hacon-test/authkey\n");
    argv[4] = fx->state;
    /* grep exits 1: no file of the state directory holds the secret. */
    assert_int_equal(hc_wizard_run(fx->w, NULL, 10000, &out, &err, argv),
                     -EIO);
    assert_string_equal(out, "");
    g_clear_pointer(&err, g_free);
    assert_root_file("/etc/hacon-test/authkey", "new-secret");

    assert_int_equal(hc_wizard_rollback(fx->w, &test_step, &err), 0);
    assert_root_file("/etc/hacon-test/authkey", "old-secret");
    g_free(out);
    g_free(manifest);
    g_free(kept);
    g_free(kept_rel);
    g_free(base);
    g_free(cp);
}

/* Nothing to do: no checkpoint. */
static void empty_plan_makes_no_checkpoint(void **state)
{
    char *cp = NULL, *dir = g_build_filename(fx->state, "checkpoints", NULL);

    write_root_file("/etc/hacon-test/a.conf", "same\n", 0644);
    plan_of.a_text = "same\n";
    assert_int_equal(apply_test_step(&cp, NULL), 0);
    assert_null(cp);
    assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    g_free(dir);
}

/* The answers API the console's answers form uses: the keys with their
 * help, a value checked as a file line is, the origins, and a save that a
 * reload reads back with the same values and origins. */
static void answers_set_save_reload(void **state)
{
    const char *const *keys = hc_wizard_answer_keys();
    char *err = NULL, *path = g_build_filename(fx->dir, "answers", NULL);
    char *text = NULL;
    size_t n = 0, len;
    hc_wizard *again = NULL;
    const char *why = NULL;

    for (n = 0; keys[n]; n++) {
        assert_non_null(hc_wizard_answer_help(keys[n]));
        assert_non_null(hc_wizard_answer(fx->w, keys[n]));
    }
    assert_true(n > 30);
    assert_null(hc_wizard_answer_help("no_such_key"));
    assert_string_equal(hc_wizard_answer_choices("storage"), "drbd|shared");
    assert_null(hc_wizard_answer_choices("vip"));

    assert_int_equal(hc_wizard_set_answer(fx->w, "vip", "10.10.101.2", &err),
                     0);
    assert_int_equal(hc_wizard_answer_origin(fx->w, "vip", NULL),
                     HC_ANSWER_FILE);
    assert_int_equal(hc_wizard_set_answer(fx->w, "vip", "10.10.101.300",
                                          &err), -EINVAL);
    assert_string_equal(err, "bad value 10.10.101.300 for vip (floating IP "
                        "of the service)");
    g_clear_pointer(&err, g_free);
    assert_string_equal(hc_wizard_answer(fx->w, "vip"), "10.10.101.2");
    assert_int_equal(hc_wizard_set_answer(fx->w, "storage", "nfs", &err),
                     -EINVAL);
    assert_non_null(strstr(err, ": drbd|shared)"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(hc_wizard_set_answer(fx->w, "colour", "x", &err),
                     -EINVAL);
    assert_string_equal(err, "unknown answer 'colour'");
    g_clear_pointer(&err, g_free);

    /* A detected answer keeps what the admin gave. */
    assert_int_equal(hc_wizard_set_detected(fx->w, "vip", "10.10.101.3",
                                            "a fact", &err), 0);
    assert_string_equal(hc_wizard_answer(fx->w, "vip"), "10.10.101.2");
    assert_int_equal(hc_wizard_set_detected(fx->w, "storage", "shared",
                                            "no drbd module on nodetwo",
                                            &err), 0);
    assert_int_equal(hc_wizard_answer_origin(fx->w, "storage", &why),
                     HC_ANSWER_DETECTED);
    assert_string_equal(why, "no drbd module on nodetwo");

    assert_int_equal(hc_wizard_save_answers(fx->w, path, &err), 0);
    assert_int_equal(hc_read_file(path, &text, &len), 0);
    assert_non_null(strstr(text, "\nvip=10.10.101.2\n"));
    assert_non_null(strstr(text, "\n# detected: no drbd module on nodetwo\n"
                           "storage=shared\n"));
    assert_non_null(strstr(text, "\n#node1=nodeone\n"));
    assert_int_equal(hc_wizard_new(path, &again, &err), 0);
    assert_string_equal(hc_wizard_answer(again, "vip"), "10.10.101.2");
    assert_int_equal(hc_wizard_answer_origin(again, "vip", NULL),
                     HC_ANSWER_FILE);
    assert_int_equal(hc_wizard_answer_origin(again, "node1", NULL),
                     HC_ANSWER_DEFAULT);
    hc_wizard_free(again);
    g_free(text);
    g_free(path);
}

/* A step is found by its name and by its number in the table (as
 * `hacon setup list` shows it), every one of them, ten and more too. */
static void steps_found_by_name_and_number(void **state)
{
    size_t n;
    const hc_step *const *steps = hc_steps(&n);

    assert_true(n >= 8);
    assert_null(steps[n]);
    for (size_t i = 0; i < n; i++) {
        char num[24];

        snprintf(num, sizeof(num), "%zu", i + 1);
        assert_ptr_equal(hc_step_find(steps[i]->name), steps[i]);
        assert_ptr_equal(hc_step_find(num), steps[i]);
        /* Every prerequisite is a step of the table. */
        for (size_t k = 0; steps[i]->needs[k]; k++) {
            assert_non_null(hc_step_find(steps[i]->needs[k]));
        }
    }
    assert_null(hc_step_find("0"));
    assert_null(hc_step_find("01"));
    assert_null(hc_step_find("1x"));
    assert_null(hc_step_find("-1"));
    assert_null(hc_step_find("nosuchstep"));
    {
        char past[24];

        snprintf(past, sizeof(past), "%zu", n + 1);
        assert_null(hc_step_find(past));
    }
}

/* A note of several lines (the cluster step's diff of a corosync.conf it
 * keeps) is indented under the one "Notes:" title, not titled again at
 * each of its lines. */
static void plan_notes_under_one_title(void **state)
{
    hc_plan *p = hc_plan_new();
    GString *out = g_string_new(NULL);
    int titles = 0;

    (void) state;
    hc_plan_note(p, "kept, not rewritten:\n--- a\n+++ b\n-two_node: 1");
    hc_plan_note(p, "second");
    p->empty = true;
    hc_plan_format(hc_step_find("cluster"), p, out);
    for (const char *t = out->str; (t = strstr(t, "Notes:")); t++) {
        titles++;
    }
    assert_int_equal(titles, 1);
    assert_non_null(strstr(out->str, "\nNotes:\n  kept, not rewritten:\n"
                                     "  --- a\n  +++ b\n  -two_node: 1\n"
                                     "  second\n"));
    g_string_free(out, TRUE);
    hc_plan_free(p);
}

/* Applies the real step name on the CIB file; it must succeed. */
/* crm_verify -VV's warnings as a plan lists them: Pacemaker 2.1.5's own
 * lines (function name, tab), each with its cause when hacon knows one. */
static void verify_warnings_with_their_cause(void **state)
{
    (void) state;
    char **l = hc__verify_lines(
        "(unpack_config) \twarning: Blind faith: not fencing unseen nodes\n"
        "(unpack_config) \twarning: Support for stonith-action of "
        "'poweroff' is deprecated\n"
        "crm_verify: Warnings found during check: config may not be valid\n");
    char *w;

    assert_true(hc__verify_warnings_only(l));
    w = hc__verify_warning(l[0]);
    assert_non_null(w);
    assert_non_null(strstr(w, "crm_verify warns: Blind faith: not fencing "
                           "unseen nodes. Fencing is off "
                           "(stonith-enabled=false"));
    assert_non_null(strstr(w, "startup-fencing=false"));
    g_free(w);
    w = hc__verify_warning(l[1]);
    assert_string_equal(w, "crm_verify warns: Support for stonith-action of "
                        "'poweroff' is deprecated");
    g_free(w);
    assert_null(hc__verify_warning(l[2]));
    /* Only that message: a longer one is not given its cause. */
    w = hc__verify_warning("warning: Blind faith: not fencing unseen nodes, "
                           "or so");
    assert_null(strstr(w, "Fencing is off"));
    g_free(w);
    g_strfreev(l);
}

static void apply_step(hc_wizard *w, const char *name)
{
    const hc_step *s = hc_step_find(name);
    hc_plan *p = NULL;
    char *err = NULL;

    assert_non_null(s);
    if (hc_wizard_plan(w, s, &p, &err) < 0
        || hc_wizard_apply(w, s, p, NULL, &err) < 0) {
        fail_msg("step %s: %s", name, err);
    }
    hc_plan_free(p);
}

/* The migrate step runs its own apply (it waits for the service between
 * its commands), but each command goes through the engine: its undo is
 * recorded before it runs and run by the rollback, as for every step. */
static void migrate_commands_have_their_undo(void **state)
{
    const hc_step *migrate = hc_step_find("migrate");
    char *answers = g_build_filename(fx->dir, "answers", NULL);
    const char *text = "quorum=ignore\nstorage=shared\n";
    hc_wizard *w = NULL;
    hc_plan *p = NULL;
    char *err = NULL, *log, *undo_line, *v;
    xmlNode *cib = NULL;
    bool moved = false;

    assert_int_equal(hc_write_file_atomic(answers, text, strlen(text), 0600,
                                          false), 0);
    assert_int_equal(hc_wizard_new(answers, &w, &err), 0);
    apply_step(w, "stonith");
    apply_step(w, "quorum");
    apply_step(w, "resources");

    assert_int_equal(hc_wizard_plan(w, migrate, &p, &err), 0);
    undo_line = g_strdup_printf("echo undone >> '%s'", fx->log);
    for (guint i = 0; i < p->cmds->len; i++) {
        hc_plan_cmd *c = p->cmds->pdata[i];

        if (!strcmp(c->argv[1], "--move")) {
            const char *undo[] = { "sh", "-c", undo_line, NULL };

            c->undo = g_strdupv((char **) undo);
            moved = true;
        }
    }
    assert_true(moved);
    setenv("HACON_WIZARD_FAIL", "migrate:verify", 1);
    assert_int_equal(hc_wizard_apply(w, migrate, p, NULL, &err), -EIO);
    unsetenv("HACON_WIZARD_FAIL");
    assert_non_null(strstr(err, "rolled back to"));
    log = read_log();
    assert_string_equal(log, "undone\n");
    /* The move's constraint went with the CIB's restore. */
    assert_int_equal(hc_wizard_cib(w, &cib, &err), 0);
    v = dump_xml_unformatted(cib);
    assert_null(strstr(v, "cli-prefer"));
    free(v);
    free_xml(cib);
    g_free(log);
    g_free(undo_line);
    g_free(err);
    hc_plan_free(p);
    hc_wizard_free(w);
    g_free(answers);
}

/* Commands of the transcript from seq on, as "node\tcommand line" (a
 * GPtrArray of g_free'd strings). */
static GPtrArray *commands_since(guint64 seq)
{
    GPtrArray *t, *out = g_ptr_array_new_with_free_func(g_free);

    hc_transcript_lock();
    t = hc_transcript();
    for (guint i = 0; i < t->len; i++) {
        const hc_transcript_entry *e = t->pdata[i];

        if (e->seq >= seq) {
            g_ptr_array_add(out, g_strdup_printf("%s\t%s",
                                                 e->node ? e->node : "",
                                                 e->cmdline));
        }
    }
    hc_transcript_unlock();
    return out;
}

/* The same command (node and command line) more than once in cmds. */
static int repeated(const GPtrArray *cmds)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    int n = 0;

    for (guint i = 0; i < cmds->len; i++) {
        /* Scratch files have a name of their own each time. */
        if (strstr(cmds->pdata[i], "hacon-wizard-")) {
            continue;
        }
        n += !g_hash_table_add(seen, cmds->pdata[i]);
    }
    g_hash_table_destroy(seen);
    return n;
}

/* Every step checked in one pass (all at once, each fact asked once)
 * gets the verdict it gets checked alone, on every CIB fixture: on bare
 * nodes, the tutorial's cluster, a moved, failed, fenced, standby one;
 * and the pass runs no command twice, nor more than the checks one by
 * one (the live cluster's pass: tests/wizard/t-e2e.sh). */
static void pass_gives_the_verdicts_of_one_by_one(void **state)
{
    static const char *const cibs[] = { "bare", "tutorial", "moved",
        "failed", "fenced", "nodevice", "promotable", "standby" };
    const char *top = getenv("HACON_TOP");
    char *ssh_config = g_build_filename(fx->dir, "ssh_config", NULL);
    size_t n;
    const hc_step *const *steps = hc_steps(&n);
    static const char refused[] = "Host *\n  Hostname 127.0.0.1\n"
                                  "  Port 1\n";

    (void) state;
    /* The peer cannot be reached (refused at once): the checks that ask
     * it say so, alike in both ways. */
    assert_int_equal(hc_write_file_atomic(ssh_config, refused,
                                          strlen(refused), 0644, false), 0);
    setenv("HACON_SSH_CONFIG", ssh_config, 1);
    for (size_t c = 0; c < G_N_ELEMENTS(cibs); c++) {
        char *src = g_strdup_printf("%s/tests/golden/cib/%s.xml",
                                    top ? top : ".", cibs[c]);
        char *text = NULL;
        size_t len;
        hc_wizard_pass_result *res = g_new0(hc_wizard_pass_result, n);
        hc_step_state *sts = g_new0(hc_step_state, n);
        char **whys = g_new0(char *, n);
        int *rcs = g_new0(int, n);
        GPtrArray *alone, *pass;
        guint64 seq;

        assert_int_equal(hc_read_file(src, &text, &len), 0);
        assert_int_equal(hc_write_file_atomic(fx->cib, text, len, 0644,
                                              false), 0);
        /* One by one first: the process's first ssh reads the ssh
         * configuration once (ssh -G), not in the pass. */
        seq = hc_transcript_next_seq();
        for (size_t i = 0; i < n; i++) {
            rcs[i] = hc_wizard_check(fx->w, steps[i], &sts[i], &whys[i]);
        }
        alone = commands_since(seq);
        seq = hc_transcript_next_seq();
        hc_wizard_check_all(fx->w, steps, n, res);
        pass = commands_since(seq);
        for (size_t i = 0; i < n; i++) {
            print_message("# %s %s: %s%s%s\n", cibs[c], steps[i]->name,
                          hc_step_state_str(sts[i]), *whys[i] ? ": " : "",
                          whys[i]);
            assert_int_equal(res[i].rc, rcs[i]);
            assert_int_equal(res[i].state, sts[i]);
            assert_string_equal(res[i].why, whys[i]);
            g_free(whys[i]);
            g_free(res[i].why);
        }
        if (getenv("HC_TEST_VERBOSE")) {
            for (guint i = 0; i < pass->len; i++) {
                print_message("# pass: %.100s\n", (char *) pass->pdata[i]);
            }
            for (guint i = 0; i < alone->len; i++) {
                print_message("# alone: %.100s\n", (char *) alone->pdata[i]);
            }
        }
        assert_int_equal(repeated(pass), 0);
        assert_true(pass->len <= alone->len);
        g_ptr_array_free(alone, TRUE);
        g_ptr_array_free(pass, TRUE);
        g_free(res);
        g_free(sts);
        g_free(whys);
        g_free(rcs);
        g_free(text);
        g_free(src);
    }
    unsetenv("HACON_SSH_CONFIG");
    g_free(ssh_config);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(apply_writes_and_keeps_a_checkpoint,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(verify_failure_restores_files_and_cib,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(undo_last_first_on_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(undo_of_a_failed_command_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(injected_apply_failure_rolls_back,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(cib_changed_since_plan, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(cib_rebased_on_controller_props, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(cib_rebased_on_fence_peer_constraint,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            rollback_goes_back_one_checkpoint_at_a_time, setup, teardown),
        cmocka_unit_test_setup_teardown(numbered_checkpoints_newest_first,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(secret_kept_beside_the_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(empty_plan_makes_no_checkpoint, setup,
                                        teardown),
        cmocka_unit_test(steps_found_by_name_and_number),
        cmocka_unit_test(plan_notes_under_one_title),
        cmocka_unit_test(verify_warnings_with_their_cause),
        cmocka_unit_test_setup_teardown(answers_set_save_reload, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(migrate_commands_have_their_undo,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(pass_gives_the_verdicts_of_one_by_one,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
