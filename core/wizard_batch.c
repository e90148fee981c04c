/* Several reads on one node in one command.
 *
 * On a slow node (a VM under emulation) a command costs 1-7 s of wall
 * time for a tenth of a second of its own work: the ssh session, the
 * shell, the forks.  A batch runs a list of commands in one `sh -c` over
 * one ssh session, one after another, each with its own exit status, and
 * splits what the shell printed back into each command's stdout, stderr
 * and status.
 *
 * After each command the script prints, on stdout, a line
 * "\nMARK K STATUS\n" and on stderr "\nMARK K\n"; MARK is made of random
 * bytes for each batch, so that no output of a command (a file a user
 * could write) can forge it.  The newline before MARK is the script's,
 * not the command's: a command's output is exactly what it printed. */
#include "wizard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "wizard_int.h"

char *hc_batch_mark(void)
{
    GString *m = g_string_new("hacon-batch-");

    for (int i = 0; i < 4; i++) {
        g_string_append_printf(m, "%08x", g_random_int());
    }
    return g_string_free(m, FALSE);
}

char *hc_batch_script(const char *mark, const char *const *const *argvs,
                      size_t n)
{
    GString *s = g_string_new(NULL);

    /* printf is the shell's own: no fork per mark. */
    g_string_append_printf(s, "m=%s; b() { printf '\\n%%s %%s %%s\\n' \"$m\" "
                           "\"$1\" \"$2\"; printf '\\n%%s %%s\\n' \"$m\" "
                           "\"$1\" >&2; }\n", mark);
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; argvs[k][i]; i++) {
            char *q = g_shell_quote(argvs[k][i]);

            g_string_append_printf(s, "%s%s", i ? " " : "", q);
            g_free(q);
        }
        g_string_append_printf(s, " </dev/null; b %zu $?\n", k);
    }
    return g_string_free(s, FALSE);
}

/* The next section of buf from *pos: its text up to "\nMARK K", K its
 * number; with_status: then " STATUS".  Returns true and moves *pos past
 * the mark's line, or false: no mark (the text runs to the end: *len is
 * what there is) or a bad one (*ret_err). */
static bool section(const char *buf, size_t buf_len, size_t *pos,
                    const char *mark, size_t k, bool with_status,
                    size_t *start, size_t *len, int *status, char **ret_err)
{
    GString *head = g_string_new("\n");
    const char *hit, *p, *end = buf + buf_len;
    char *num_end;
    unsigned long v;
    bool ok = false;

    g_string_append_printf(head, "%s ", mark);
    *start = *pos;
    hit = memmem(buf + *pos, buf_len - *pos, head->str, head->len);
    if (!hit) {
        *len = buf_len - *pos;
        goto out;
    }
    *len = (size_t) (hit - buf) - *pos;
    p = hit + head->len;
    /* K, then " STATUS" or nothing, then a newline: digits only. */
    if (p >= end || *p < '0' || *p > '9') {
        goto bad;
    }
    errno = 0;
    v = strtoul(p, &num_end, 10);
    if (errno || num_end >= end || v != k) {
        goto bad;
    }
    p = num_end;
    if (with_status) {
        if (*p != ' ' || p + 1 >= end || p[1] < '0' || p[1] > '9') {
            goto bad;
        }
        v = strtoul(p + 1, &num_end, 10);
        if (errno || num_end >= end || v > 255) {
            goto bad;
        }
        *status = (int) v;
        p = num_end;
    }
    if (p >= end || *p != '\n') {
        goto bad;
    }
    *pos = (size_t) (p + 1 - buf);
    ok = true;
    goto out;
bad:
    *ret_err = g_strdup_printf("a bad end line after command %zu on "
                               "%s at byte %zu", k + 1,
                               with_status ? "stdout" : "stderr",
                               (size_t) (hit - buf) + 1);
    *len = buf_len - *pos;
out:
    g_string_free(head, TRUE);
    return ok;
}

size_t hc_batch_parse(const char *mark, const char *out, size_t out_len,
                      const char *err, size_t err_len, size_t n,
                      hc_exec_result *res, char **ret_err)
{
    size_t opos = 0, epos = 0, k;

    *ret_err = NULL;
    for (k = 0; k < n; k++) {
        size_t os = 0, ol = 0, es = epos, el = 0;
        int status = 0;
        bool done_out = section(out, out_len, &opos, mark, k, true, &os, &ol,
                                &status, ret_err);
        bool done_err = !*ret_err && section(err, err_len, &epos, mark, k,
                                             false, &es, &el, NULL, ret_err);

        memset(&res[k], 0, sizeof(res[k]));
        /* A command cut off keeps what it printed so far. */
        res[k].out = g_malloc(ol + 1);
        memcpy(res[k].out, out + os, ol);
        res[k].out[ol] = 0;
        res[k].out_len = ol;
        res[k].err = g_strndup(err + es, el);
        res[k].status = status;
        if (!done_out || !done_err) {
            if (!*ret_err) {
                *ret_err = g_strdup_printf("the output ends in command %zu "
                                           "of %zu", k + 1, n);
            }
            /* res[k]: the command cut off (the caller's to fill in). */
            return k;
        }
    }
    if (opos != out_len || epos != err_len) {
        *ret_err = g_strdup_printf("%zu bytes after the last command's end "
                                   "on %s", opos != out_len ? out_len - opos
                                   : err_len - epos,
                                   opos != out_len ? "stdout" : "stderr");
        /* Every command ended: their results stand. */
    }
    return n;
}

void hc_batch_run(const char *node, const char *const *const *argvs,
                  const int *timeouts_ms, size_t n, hc_exec_result *res)
{
    char *mark = hc_batch_mark();
    char *script = hc_batch_script(mark, argvs, n);
    const char *argv[] = { "sh", "-c", script, NULL };
    hc_exec_opts o = { .node = node };
    hc_exec_result r;
    size_t done = 0, cut = n;
    char *perr = NULL;
    int rc;

    /* They run one after another: the deadline is the sum of theirs. */
    for (size_t k = 0; k < n; k++) {
        o.timeout_ms += timeouts_ms[k] > 0 ? timeouts_ms[k] : 30000;
    }
    rc = hc_exec(argv, &o, &r);
    if (rc < 0) {
        for (size_t k = 0; k < n; k++) {
            memset(&res[k], 0, sizeof(res[k]));
            res[k].spawn_failed = true;
            res[k].status = 127;
            res[k].out = g_strdup("");
            res[k].err = g_strdup_printf("cannot run ssh: %s", strerror(-rc));
        }
        goto out;
    }
    done = hc_batch_parse(mark, r.out ? r.out : "", r.out_len,
                          r.err ? r.err : "", r.err ? strlen(r.err) : 0, n,
                          res, &perr);
    for (size_t k = 0; k < done; k++) {
        res[k].ms = r.ms;
    }
    if (done == n) {
        goto out;
    }
    /* res[done]: the command the batch ended in. */
    cut = done;
    res[cut].ms = r.ms;
    res[cut].timed_out = r.timed_out;
    if (r.timed_out) {
        res[cut].status = 124;
    } else if (r.status == 255 && !r.out_len) {
        /* ssh's own failure (nothing ran): its words for each, as for a
         * command alone. */
        for (size_t k = cut; k < n; k++) {
            if (k > cut) {
                memset(&res[k], 0, sizeof(res[k]));
                res[k].out = g_strdup("");
            }
            g_free(res[k].err);
            res[k].err = g_strdup(r.err ? r.err : "");
            res[k].status = 255;
            res[k].ms = r.ms;
        }
        goto out;
    } else {
        char *e = res[cut].err;

        res[cut].err = g_strdup_printf("%s%shacon: the batch of %zu commands "
                                       "on %s ended with status %d: %s", e,
                                       *e ? "\n" : "", n,
                                       node ? node : "this node", r.status,
                                       perr);
        g_free(e);
        res[cut].status = r.status ? r.status : 125;
    }
    /* Those that never started: each alone, as without a batch (a node
     * that timed out or cannot be reached fails each on its own terms). */
    for (size_t k = cut + 1; k < n; k++) {
        hc_exec_opts one = { .node = node, .timeout_ms = timeouts_ms[k] };

        if (hc_exec(argvs[k], &one, &res[k]) < 0) {
            memset(&res[k], 0, sizeof(res[k]));
            res[k].spawn_failed = true;
            res[k].status = 127;
            res[k].out = g_strdup("");
            res[k].err = g_strdup("cannot run ssh");
        }
    }
out:
    if (rc == 0) {
        hc_exec_result_clear(&r);
    }
    g_free(perr);
    g_free(script);
    g_free(mark);
}
