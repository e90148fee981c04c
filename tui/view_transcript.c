/* The transcript: every command hacon ran (core/exec.c), its exit status,
 * time and the first lines of its output.  Commands are shown as an admin
 * types them (shell quoting, no \" escapes): control bytes only are
 * escaped. */
#include "views.h"

#include <string.h>

#include "exec.h"
#include "util.h"

#define OUT_LINES 5

static void add_output(hc_console *con, GPtrArray *lines, const char *text,
                       hc_tone tone)
{
    char **parts;
    int n = 0;

    if (!text || !*text) {
        return;
    }
    parts = g_strsplit(text, "\n", -1);
    for (int i = 0; parts[i]; i++) {
        char *l;

        if (!parts[i][0] && !parts[i + 1]) {
            break;
        }
        if (n == OUT_LINES) {
            hc_line_add(lines, HC_TONE_DIM, "      ", "...");
            break;
        }
        l = hc_escape_text(parts[i], 0, con->ascii);
        hc_line_add(lines, tone, "      ", "%s", l);
        g_free(l);
        n++;
    }
    g_strfreev(parts);
}

static void transcript_build(hc_console *con, GPtrArray *lines, int width)
{
    GPtrArray *t = hc_transcript();

    /* The Leases pane's remote read may be adding a command (a thread). */
    hc_transcript_lock();
    if (!t->len) {
        hc_transcript_unlock();
        hc_line_add(lines, HC_TONE_DIM, NULL, "hacon has run no command "
                    "yet.  Every command it runs is listed here.");
        return;
    }
    for (guint i = 0; i < t->len; i++) {
        const hc_transcript_entry *e = t->pdata[i];
        char *cmd = hc_escape_text(e->cmdline, 0, con->ascii);
        char when[32];
        hc_tone tone = e->status == 0 && !e->timed_out ? HC_TONE_GOOD
                       : HC_TONE_BAD;

        hc_line_add(lines, HC_TONE_NORMAL, NULL, "%s $ %s",
                    hc_time_str(e->when, when, sizeof(when)), cmd);
        if (e->timed_out) {
            hc_line_add(lines, tone, "  ", "-> timed out after %.0f ms",
                        e->ms);
        } else {
            hc_line_add(lines, tone, "  ", "-> exit %d in %.0f ms", e->status,
                        e->ms);
        }
        add_output(con, lines, e->out, HC_TONE_NORMAL);
        add_output(con, lines, e->err, HC_TONE_WARN);
        g_free(cmd);
    }
    hc_transcript_unlock();
}

static uint64_t transcript_digest(const hc_console *con)
{
    uint64_t d;

    /* The count of entries stops growing at the bound; their seq does
     * not. */
    d = hc_digest_int(HC_DIGEST_INIT, hc_transcript_next_seq());
    return d;
}

const hc_view hc_view_transcript = {
    .name = "Transcript", .key = '6',
    .build = transcript_build, .digest = transcript_digest,
};
