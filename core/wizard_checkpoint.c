/* A step's checkpoint, HACON_STATE_DIR/checkpoints/STEP-STAMP: the CIB,
 * the old content of every file the plan writes (a secret's beside it on
 * its node), the undo of every command that was started, and the
 * transcript; restored in the reverse order of the apply. */
#include "wizard.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "exec.h"
#include "util.h"
#include "wizard_int.h"

char *hc_wizard_checkpoint_new(hc_wizard *w, const hc_step *s, char **ret_err)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    char *base = g_build_filename(w->state_dir, "checkpoints", NULL);
    char *dir = NULL;

    for (int i = 0; i < 100 && !dir; i++) {
        char *name = i ? g_strdup_printf("%s-%s.%d", s->name, stamp, i)
                       : g_strdup_printf("%s-%s", s->name, stamp);
        char *d = g_build_filename(base, name, NULL);

        g_free(name);
        if (g_mkdir_with_parents(base, 0755) < 0) {
            *ret_err = g_strdup_printf("cannot create %s: %s", base,
                                       strerror(errno));
            g_free(d);
            break;
        }
        if (mkdir(d, 0700) == 0) {
            dir = d;
        } else if (errno != EEXIST) {
            *ret_err = g_strdup_printf("cannot create %s: %s", d,
                                       strerror(errno));
            g_free(d);
            break;
        } else {
            g_free(d);
        }
    }
    g_free(base);
    g_free(stamp);
    g_date_time_unref(now);
    return dir;
}

/* Where the checkpoint dir keeps the old content of a secret file: beside
 * the file on its own node (same directory, mode 0400), never in the
 * state directory, whose checkpoints are not secret. */
static char *kept_path(const char *dir, const char *path)
{
    char *cp = g_path_get_basename(dir);
    char *k = g_strdup_printf("%s.hacon-checkpoint-%s", path, cp);

    g_free(cp);
    return k;
}

/* The CIB as it is now, as DIR/cib.xml; a CIB that cannot be read is an
 * error only for a plan that changes it (a file step on nodes without a
 * cluster yet). */
static int save_cib(hc_wizard *w, const char *dir, const hc_plan *p,
                    char **ret_err)
{
    xmlNode *cib = NULL;
    char *err = NULL, *path;
    int rc = 0;

    if (hc_wizard_cib(w, &cib, &err) == 0) {
        path = g_build_filename(dir, "cib.xml", NULL);
        if (write_xml_file(cib, path, FALSE) < 0) {
            *ret_err = g_strdup_printf("cannot save the CIB to %s", path);
            rc = -EIO;
        }
        g_free(path);
        free_xml(cib);
    } else if (p->cib_new) {
        *ret_err = g_steal_pointer(&err);
        rc = -EIO;
    }
    g_free(err);
    return rc;
}

/* The mode of a local file as it is (a file the admin made stricter
 * keeps it when restored), else the plan's. */
static mode_t mode_now(hc_wizard *w, const hc_plan_file *f)
{
    mode_t mode = f->mode;
    struct stat st;

    if (!f->node) {
        char *lp = hc_wizard_path(w, f->path);

        if (stat(lp, &st) == 0) {
            mode = st.st_mode & 07777;
        }
        g_free(lp);
    }
    return mode;
}

/* Keeps the old content of file i of the plan (as DIR/fileI, or beside a
 * secret on its node) and appends its manifest line. */
static int save_file(hc_wizard *w, const char *dir, const hc_plan_file *f,
                     guint i, GString *manifest, char **ret_err)
{
    char *text = NULL;
    size_t len = 0;
    mode_t mode;
    /* Read again: the file may have changed since the plan. */
    int rc = hc_wizard_remote_read(w, f->node, f->path, f->secret, &text,
                                   &len, ret_err);

    if (rc < 0) {
        return rc;
    }
    mode = mode_now(w, f);
    if (text && f->secret) {
        char *k = kept_path(dir, f->path);

        rc = hc_wizard_remote_write(w, f->node, k, text, len, 0400,
                                    ret_err);
        g_free(k);
    } else if (text) {
        char *path = g_strdup_printf("%s/file%u", dir, i);

        rc = hc_write_file_atomic(path, text, len, 0600, false);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                       strerror(-rc));
        }
        g_free(path);
    }
    if (rc == 0) {
        g_string_append_printf(manifest, "%u\t%s\t%s\t%o\t%s\n", i,
                               f->node ? f->node : "-",
                               !text ? "absent"
                               : f->secret ? "kept" : "present",
                               (unsigned) mode, f->path);
    }
    if (text && f->secret) {
        explicit_bzero(text, len);
    }
    g_free(text);
    return rc;
}

/* The checkpoint holds cib.xml (the whole CIB, when there is one) and, for
 * every file of the plan, its old content and a manifest line:
 *   N<TAB>node or -<TAB>present|absent|kept<TAB>mode<TAB>path
 * "kept": a secret, whose old content is on its node (kept_path()). */
int hc_wizard_checkpoint_save(hc_wizard *w, const char *dir, hc_plan *p,
                              char **ret_err)
{
    GString *manifest = g_string_new(NULL);
    int rc = save_cib(w, dir, p, ret_err);

    for (guint i = 0; rc == 0 && i < p->files->len; i++) {
        rc = save_file(w, dir, p->files->pdata[i], i, manifest, ret_err);
    }
    if (rc == 0) {
        char *path = g_build_filename(dir, "files", NULL);

        rc = hc_write_file_atomic(path, manifest->str, manifest->len, 0600,
                                  false);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                       strerror(-rc));
        }
        g_free(path);
    }
    g_string_free(manifest, TRUE);
    return rc;
}

/* The checkpoint's "undo" file: one line per command that was started
 * and has an undo, node (or -) then the undo's words, tab-separated and
 * escaped.  Written before the command runs: a command that times out may
 * still have started what its undo stops.  Returns 0 or a negative errno
 * with the message in *ret_err. */
int hc_wizard_undo_record(hc_wizard *w, const hc_plan_cmd *c, char **ret_err)
{
    char *path, *old = NULL;
    size_t len = 0;
    GString *s;
    int rc;

    if (!w->checkpoint) {
        return 0;
    }
    path = g_build_filename(w->checkpoint, "undo", NULL);
    s = g_string_new(NULL);
    if (hc_read_file(path, &old, &len) == 0) {
        g_string_append_len(s, old, (gssize) len);
    }
    g_string_append(s, c->node ? c->node : "-");
    for (size_t i = 0; c->undo[i]; i++) {
        char *e = g_strescape(c->undo[i], NULL);

        g_string_append_printf(s, "\t%s", e);
        g_free(e);
    }
    g_string_append_c(s, '\n');
    rc = hc_write_file_atomic(path, s->str, s->len, 0600, false);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot record the undo in %s: %s", path,
                                   strerror(-rc));
    }
    g_string_free(s, TRUE);
    g_free(old);
    g_free(path);
    return rc;
}

/* Runs the checkpoint's undo commands, the last first; every one is tried.
 * Each gets five minutes: a daemon's stop waits for its resources to move
 * away, minutes on a slow node. */
static int undo_run(hc_wizard *w, const char *dir, char **ret_err)
{
    char *path = g_build_filename(dir, "undo", NULL), *text = NULL, **lines;
    size_t len;
    int first = 0;

    if (hc_read_file(path, &text, &len) < 0) {
        g_free(path);
        return 0;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = (int) g_strv_length(lines) - 1; i >= 0; i--) {
        char **f = g_strsplit(lines[i], "\t", -1), *err = NULL, *cmd;
        guint n = g_strv_length(f);
        const char *node;
        char **argv;
        int rc;

        if (n < 2) {
            g_strfreev(f);
            continue;
        }
        node = strcmp(f[0], "-") ? f[0] : NULL;
        argv = g_new0(char *, n);
        for (guint k = 1; k < n; k++) {
            argv[k - 1] = g_strcompress(f[k]);
        }
        cmd = hc_exec_cmdline((const char *const *) argv, node);
        hc_wizard_progress(w, "undoing: %s", cmd);
        rc = hc_wizard_run(w, node, 300000, NULL, &err,
                           (const char *const *) argv);
        if (rc < 0 && !first) {
            first = rc;
            *ret_err = g_steal_pointer(&err);
        }
        g_free(err);
        g_free(cmd);
        g_strfreev(argv);
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return first;
}

/* The checkpoint's CIB, when it has one, written back (its configuration
 * section). */
static int restore_cib(hc_wizard *w, const char *dir, char **ret_err)
{
    char *path = g_build_filename(dir, "cib.xml", NULL);
    int rc = 0;

    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        xmlNode *old = filename2xml(path);

        if (!old) {
            *ret_err = g_strdup_printf("cannot read %s", path);
            rc = -EIO;
        } else {
            rc = hc_wizard_cib_write(w, NULL, old, ret_err);
            if (rc == 0) {
                hc_wizard_progress(w, "restored the CIB configuration");
            }
            free_xml(old);
        }
    }
    g_free(path);
    return rc;
}

/* The old content of the file of manifest line f (see
 * hc_wizard_checkpoint_save()): from the checkpoint ("present"), from
 * beside the file on its node ("kept"), or none ("absent": the file did
 * not exist; *ret stays NULL). */
static int kept_content(hc_wizard *w, const char *dir, char **f,
                        const char *node, char **ret, size_t *ret_len,
                        char **ret_err)
{
    int rc = 0;

    if (!strcmp(f[2], "present")) {
        char *fp = g_strdup_printf("%s/file%s", dir, f[0]);

        rc = hc_read_file(fp, ret, ret_len);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot read %s: %s", fp,
                                       strerror(-rc));
        }
        g_free(fp);
    } else if (!strcmp(f[2], "kept")) {
        char *k = kept_path(dir, f[4]);

        rc = hc_wizard_remote_read(w, node, k, true, ret, ret_len, ret_err);
        if (rc == 0 && !*ret) {
            *ret_err = g_strdup_printf("the old content of %s, kept as "
                                       "%s%s%s, is gone", f[4],
                                       node ? node : "", node ? ":" : "", k);
            rc = -ENOENT;
        }
        g_free(k);
    }
    return rc;
}

/* Whether path on node has that content (text NULL: is absent): then a
 * restore has nothing to do (the step did not get to write it). */
static bool has_content(hc_wizard *w, const char *node, const char *path,
                        bool secret, const char *text, size_t len)
{
    char *now = NULL, *err = NULL;
    size_t now_len = 0;
    bool same = hc_wizard_remote_read(w, node, path, secret, &now, &now_len,
                                      &err) == 0
                && (now ? text && now_len == len && !memcmp(now, text, len)
                        : !text);

    if (now && secret) {
        explicit_bzero(now, now_len);
    }
    g_free(now);
    g_free(err);
    return same;
}

/* Restores the file of one manifest line, with its progress line; 0 (also
 * for a line that names no file) or a negative errno with *ret_err. */
static int restore_file(hc_wizard *w, const char *dir, const char *line,
                        char **ret_err)
{
    char **f = g_strsplit(line, "\t", 5), *text = NULL, *err = NULL;
    size_t len = 0;
    const char *node;
    bool secret;
    int rc;

    if (g_strv_length(f) != 5) {
        g_strfreev(f);
        return 0;
    }
    node = strcmp(f[1], "-") ? f[1] : NULL;
    secret = !strcmp(f[2], "kept");
    rc = kept_content(w, dir, f, node, &text, &len, &err);
    if (rc == 0 && has_content(w, node, f[4], secret, text, len)) {
        goto out;
    }
    if (rc == 0) {
        rc = hc_wizard_remote_write(w, node, f[4], text, len,
                                    (mode_t) strtoul(f[3], NULL, 8), &err);
    }
    hc_wizard_progress(w, "restored %s%s%s: %s", node ? node : "",
                       node ? ":" : "", f[4], rc == 0 ? "ok" : err);
    if (rc < 0) {
        *ret_err = g_steal_pointer(&err);
    }
out:
    g_free(err);
    if (text && secret) {
        explicit_bzero(text, len);
    }
    g_free(text);
    g_strfreev(f);
    return rc;
}

/* Apply went files, commands, CIB; the restore goes back the other way:
 * the CIB (while the cluster the step may have started still runs), the
 * commands undone, then the files. */
int hc_wizard_checkpoint_restore(hc_wizard *w, const char *dir, char **ret_err)
{
    char *path, *manifest = NULL, **lines, *uerr = NULL;
    size_t len;
    int rc, first = restore_cib(w, dir, ret_err);

    /* Every part is tried even when one fails: as much as possible goes
     * back (a CIB that cannot be reached must not leave a daemon the step
     * started running); the CIB is tried again after the undo. */
    rc = undo_run(w, dir, &uerr);
    if (first < 0) {
        char *e2 = NULL;

        if (restore_cib(w, dir, &e2) == 0) {
            g_clear_pointer(ret_err, g_free);
            first = 0;
        }
        g_free(e2);
    }
    if (first == 0 && rc < 0) {
        first = rc;
        *ret_err = g_steal_pointer(&uerr);
    }
    g_free(uerr);
    path = g_build_filename(dir, "files", NULL);
    rc = hc_read_file(path, &manifest, &len);
    g_free(path);
    if (rc < 0) {
        if (first == 0) {
            *ret_err = g_strdup_printf("checkpoint %s has no file list", dir);
        }
        return first < 0 ? first : rc;
    }
    lines = g_strsplit(manifest, "\n", -1);
    /* Every file is restored even when one fails: as much as possible. */
    for (size_t i = 0; lines[i]; i++) {
        char *err = NULL;

        rc = restore_file(w, dir, lines[i], &err);
        if (rc < 0 && !first) {
            first = rc;
            *ret_err = g_steal_pointer(&err);
        }
        g_free(err);
    }
    g_strfreev(lines);
    g_free(manifest);
    return first;
}

/* Where a checkpoint's name (after "STEP-") sorts: by its stamp, then by
 * the number that a second checkpoint made in the same second got
 * (STAMP.N, hc_wizard_checkpoint_new()).  False for a name that is not a
 * checkpoint's, or one that was rolled back (used). */
static bool checkpoint_order(const char *name, char **ret_stamp, long *ret_n)
{
    const char *dot = strchr(name, '.');

    if (!isdigit((unsigned char) name[0])
        || g_str_has_suffix(name, ".rolled-back")) {
        return false;
    }
    *ret_stamp = dot ? g_strndup(name, (gsize) (dot - name)) : g_strdup(name);
    *ret_n = dot ? strtol(dot + 1, NULL, 10) : 0;
    return true;
}

/* The newest checkpoint of the step that was not rolled back. */
char *hc_wizard_checkpoint_latest(hc_wizard *w, const hc_step *s)
{
    char *base = g_build_filename(w->state_dir, "checkpoints", NULL);
    GDir *d = g_dir_open(base, 0, NULL);
    char *prefix = g_strdup_printf("%s-", s->name), *best = NULL;
    char *best_stamp = NULL;
    long best_n = 0;
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        char *stamp = NULL;
        long n;
        int cmp;

        if (!g_str_has_prefix(e, prefix)
            || !checkpoint_order(e + strlen(prefix), &stamp, &n)) {
            continue;
        }
        cmp = best_stamp ? strcmp(stamp, best_stamp) : 1;
        if (cmp > 0 || (cmp == 0 && n > best_n)) {
            g_free(best);
            g_free(best_stamp);
            best = g_build_filename(base, e, NULL);
            best_stamp = g_steal_pointer(&stamp);
            best_n = n;
        }
        g_free(stamp);
    }
    if (d) {
        g_dir_close(d);
    }
    g_free(best_stamp);
    g_free(prefix);
    g_free(base);
    return best;
}
