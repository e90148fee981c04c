/* Files and commands on a node of the wizard: here (files under
 * HACON_ROOT) or on the peer over ssh, every command through hc_exec
 * (deadline, transcript), every file written to a temp file, fsynced and
 * renamed with the old one kept as FILE~; a secret (an authkey) kept out
 * of the transcript. */
#include "wizard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "util.h"
#include "wizard_int.h"

/* hc_wizard_run(); secret: stdout is a secret, kept out of the transcript
 * and of the error message. */
int hc_wizard_remote_run(hc_wizard *w, const char *node, int timeout_ms,
                         bool secret, const char *input_file, char **ret_out,
                         char **ret_err, const char *const *argv)
{
    /* Every deadline stretched on a slow machine (answer slow_factor). */
    hc_exec_opts o = { .node = node, .timeout_ms = timeout_ms
                       * atoi(hc_wizard_answer(w, "slow_factor")),
                       .secret_output = secret, .input_file = input_file };
    hc_exec_result r;
    int rc;

    if (node && !strcmp(node, hc_wizard_local(w))) {
        o.node = NULL;
    }
    rc = hc_wizard_exec(w, argv, &o, &r);
    if (rc < 0) {
        if (ret_err) {
            *ret_err = g_strdup_printf("%s: %s", argv[0], strerror(-rc));
        }
        return rc;
    }
    if (o.node && !r.timed_out && r.status == 255 && ret_err) {
        /* ssh's own failure (255): the node, ssh's last line, and what
         * to do, not the command it was to run. */
        char *e = g_strstrip(g_strdup(r.err ? r.err : ""));
        char *nl = strrchr(e, '\n');

        *ret_err = g_strdup_printf("%s cannot be reached by ssh as root "
                                   "(%s): ssh-copy-id root@%s, then ssh %s "
                                   "true once", o.node,
                                   *e ? (nl ? nl + 1 : e)
                                      : "ssh exited 255", o.node, o.node);
        g_free(e);
        rc = -EHOSTUNREACH;
    } else if (r.timed_out || r.status != 0) {
        if (ret_err) {
            char *cmd = hc_exec_cmdline(argv, o.node);
            char *e = g_strstrip(g_strdup(*r.err || secret ? r.err : r.out));
            char *nl = strrchr(e, '\n');

            *ret_err = g_strdup_printf("%s: %s%s", cmd,
                                       r.timed_out ? "timed out" : "failed",
                                       "");
            if (*e) {
                char *full = g_strdup_printf("%s: %s", *ret_err,
                                             nl ? nl + 1 : e);

                g_free(*ret_err);
                *ret_err = full;
            }
            g_free(cmd);
            g_free(e);
        }
        rc = r.timed_out ? -ETIMEDOUT : -EIO;
    }
    if (ret_out) {
        *ret_out = g_steal_pointer(&r.out);
    }
    hc_exec_result_clear(&r);
    return rc;
}

int hc_wizard_run(hc_wizard *w, const char *node, int timeout_ms,
                  char **ret_out, char **ret_err, const char *const *argv)
{
    return hc_wizard_remote_run(w, node, timeout_ms, false, NULL, ret_out,
                                ret_err, argv);
}

static int mkdir_p(const char *dir)
{
    return g_mkdir_with_parents(dir, 0755) < 0 ? -errno : 0;
}

/* hc_wizard_read(); secret: the file is a secret (an authkey), its bytes
 * kept out of the transcript. */
int hc_wizard_remote_read(hc_wizard *w, const char *node, const char *path,
                          bool secret, char **ret, size_t *ret_len,
                          char **ret_err)
{
    *ret = NULL;
    *ret_len = 0;
    if (!node || !strcmp(node, hc_wizard_local(w))) {
        char *p = hc_wizard_path(w, path);
        int rc = hc_read_file(p, ret, ret_len);

        if (rc == -ENOENT) {
            rc = 0;
        } else if (rc < 0) {
            *ret_err = g_strdup_printf("cannot read %s: %s", p, strerror(-rc));
        }
        g_free(p);
        return rc;
    } else {
        /* base64, so that a binary authkey survives the text channel. */
        const char *argv[] = { "sh", "-c",
            "if [ -e \"$1\" ]; then echo present; base64 -w0 < \"$1\"; "
            "else echo absent; fi", "sh", path, NULL };
        char *out = NULL;
        int rc = hc_wizard_remote_run(w, node, 15000, secret, NULL, &out,
                                      ret_err, argv);

        if (rc < 0) {
            /* What a failed read printed (never a secret's bytes: ssh or
             * the shell failed before base64 ran to its end). */
            if (out && secret) {
                explicit_bzero(out, strlen(out));
            }
            g_free(out);
            return rc;
        }
        if (g_str_has_prefix(out, "present\n")) {
            gsize n;

            *ret = (char *) g_base64_decode(out + 8, &n);
            *ret = g_realloc(*ret, n + 1);
            (*ret)[n] = 0;
            *ret_len = n;
        }
        if (secret) {
            explicit_bzero(out, strlen(out));
        }
        g_free(out);
        return 0;
    }
}

int hc_wizard_read(hc_wizard *w, const char *node, const char *path,
                   char **ret, size_t *ret_len, char **ret_err)
{
    return hc_wizard_remote_read(w, node, path, false, ret, ret_len, ret_err);
}

/* Writes (text) or removes (text NULL) a file on node, the old one kept
 * as path~. */
int hc_wizard_remote_write(hc_wizard *w, const char *node, const char *path,
                           const char *text, size_t len, mode_t mode,
                           char **ret_err)
{
    if (!node || !strcmp(node, hc_wizard_local(w))) {
        char *p = hc_wizard_path(w, path), *dir = g_path_get_dirname(p);
        int rc = mkdir_p(dir);

        if (rc == 0) {
            rc = text ? hc_write_file_atomic(p, text, len, mode, true)
                      : (unlink(p) < 0 && errno != ENOENT ? -errno : 0);
        }
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", p, strerror(-rc));
        }
        g_free(dir);
        g_free(p);
        return rc;
    } else {
        char *b64 = text ? g_base64_encode((const guchar *) text, len)
                         : g_strdup("");
        char *m = g_strdup_printf("%o", (unsigned) mode);
        /* Under umask 077 to a fresh mktemp name (0600 from its first
         * byte: an authkey is never readable by others, not even while
         * it is written), the mode set, fsynced (a failed sync fails the
         * write), the old file kept as FILE~, renamed, the directory
         * fsynced. */
        const char *argv[] = { "sh", "-c",
            "set -e; umask 077; p=$1; d=$(dirname \"$p\"); mkdir -p \"$d\"; "
            "if [ \"$3\" = rm ]; then rm -f \"$p\"; sync \"$d\"; exit 0; fi; "
            "t=$(mktemp \"$p.hacon-XXXXXX\"); "
            "trap 'rm -f \"$t\"' EXIT; "
            "base64 -d > \"$t\"; chmod \"$2\" \"$t\"; sync \"$t\"; "
            "if [ -e \"$p\" ]; then ln -f \"$p\" \"$p~\"; fi; "
            "mv -f \"$t\" \"$p\"; trap - EXIT; sync \"$d\"",
            "sh", path, m, text ? "write" : "rm", NULL };
        hc_exec_opts o = { .node = node, .timeout_ms = 20000, .input = b64 };
        hc_exec_result r;
        int rc = hc_exec(argv, &o, &r);

        if (rc == 0 && (r.status != 0 || r.timed_out)) {
            char *e = g_strstrip(g_strdup(r.err));

            *ret_err = g_strdup_printf("cannot write %s on %s: %s", path, node,
                                       *e ? e : "ssh failed");
            g_free(e);
            rc = -EIO;
        } else if (rc < 0) {
            *ret_err = g_strdup_printf("cannot run ssh: %s", strerror(-rc));
        }
        hc_exec_result_clear(&r);
        g_free(b64);
        g_free(m);
        return rc;
    }
}
