#include "failover_events.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void event_free(gpointer p)
{
    hc_fo_event *e = p;

    g_free(e->text);
    g_free(e);
}

hc_fo_follow *hc_fo_follow_new(void)
{
    hc_fo_follow *m = g_new0(hc_fo_follow, 1);

    m->strip = g_string_new(NULL);
    m->partial = g_string_new(NULL);
    m->events = g_ptr_array_new_with_free_func(event_free);
    m->asserts = g_ptr_array_new_with_free_func(g_free);
    m->runs = g_ptr_array_new_with_free_func(g_free);
    m->reports = g_ptr_array_new_with_free_func(g_free);
    m->clear_lines = g_ptr_array_new_with_free_func(g_free);
    m->headless = g_ptr_array_new_with_free_func(g_free);
    hc_fo_follow_reset(m);
    return m;
}

static void reset_run(hc_fo_follow *m)
{
    g_ptr_array_set_size(m->events, 0);
    g_ptr_array_set_size(m->asserts, 0);
    g_clear_pointer(&m->result, g_free);
    g_clear_pointer(&m->phase, g_free);
    g_string_truncate(m->strip, 0);
    m->sent = m->answered = m->lost = 0;
    m->last_ok = false;
    m->interval_ms = 200;
}

void hc_fo_follow_reset(hc_fo_follow *m)
{
    reset_run(m);
    g_ptr_array_set_size(m->runs, 0);
    g_ptr_array_set_size(m->reports, 0);
    g_ptr_array_set_size(m->clear_lines, 0);
    g_ptr_array_set_size(m->headless, 0);
    g_clear_pointer(&m->summary, g_free);
    g_clear_pointer(&m->error, g_free);
    g_clear_pointer(&m->scen, g_free);
    g_string_truncate(m->partial, 0);
    m->error_rc = 0;
    m->end_status = -1;
    m->deadline = 0;
    m->cli_left = false;
    m->run_no = 0;
    m->repeat = 1;
}

void hc_fo_follow_free(hc_fo_follow *m)
{
    if (!m) {
        return;
    }
    hc_fo_follow_reset(m);
    g_string_free(m->strip, TRUE);
    g_string_free(m->partial, TRUE);
    g_ptr_array_free(m->events, TRUE);
    g_ptr_array_free(m->asserts, TRUE);
    g_ptr_array_free(m->runs, TRUE);
    g_ptr_array_free(m->reports, TRUE);
    g_ptr_array_free(m->clear_lines, TRUE);
    g_ptr_array_free(m->headless, TRUE);
    g_free(m);
}

static int kind_from_name(const char *n)
{
    for (int k = HC_FO_EV_INFO; k <= HC_FO_EV_WARN; k++) {
        if (!strcmp(n, hc_fo_event_kind_name((hc_fo_event_kind) k))) {
            return k;
        }
    }
    return -1;
}

/* A number of the stream, within [lo, hi]; def when it is not one. */
static double num(const char *s, double lo, double hi, double def)
{
    char *end;
    double v = g_ascii_strtod(s, &end);

    if (end == s || *end || !isfinite(v) || v < lo || v > hi) {
        return def;
    }
    return v;
}

static int int_of(const char *s, int lo, int hi, int def)
{
    return (int) num(s, lo, hi, def);
}

/* Splits rest into n fields at spaces, the last taking the rest of the
 * line; NULL unless there are n. */
static char **fields(const char *rest, int n)
{
    char **f = g_strsplit(rest, " ", n);

    if ((int) g_strv_length(f) != n) {
        g_strfreev(f);
        return NULL;
    }
    return f;
}

static void take_line(hc_fo_follow *m, char *l)
{
    char *rest = strchr(l, ' ');
    char **f;

    /* No control character reaches a screen. */
    for (char *p = l; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    if (rest) {
        *rest++ = '\0';
    } else {
        rest = l + strlen(l);
    }
    if (!strcmp(l, "start") && (f = fields(rest, 5))) {
        g_free(m->scen);
        m->scen = g_strdup(f[1]);
        m->repeat = int_of(f[2], 1, 1000, 1);
        m->deadline = (long long) num(f[4], 0, 1e12, 0);
        g_strfreev(f);
    } else if (!strcmp(l, "run")) {
        reset_run(m);
        m->run_no = int_of(rest, 1, 1000, 1);
    } else if (!strcmp(l, "phase")) {
        g_free(m->phase);
        m->phase = g_strdup(rest);
    } else if (!strcmp(l, "probe") && (f = fields(rest, 5))) {
        unsigned s = (unsigned) num(f[0], 0, 4e9, m->sent);
        bool ok = !strcmp(f[3], "1");

        /* One character per probe sent since the last line; no more than
         * the strip keeps. */
        if (s > m->sent) {
            unsigned k = MIN(s - m->sent, HC_FO_STRIP_MAX);

            for (unsigned i = 0; i < k; i++) {
                if (m->strip->len >= HC_FO_STRIP_MAX) {
                    g_string_erase(m->strip, 0, HC_FO_STRIP_MAX / 2);
                }
                g_string_append_c(m->strip, ok ? '.' : 'x');
            }
        }
        m->sent = s;
        m->answered = (unsigned) num(f[1], 0, 4e9, 0);
        m->lost = (unsigned) num(f[2], 0, 4e9, 0);
        m->last_ok = ok;
        m->interval_ms = (unsigned) num(f[4], 1, 3.6e6, 200);
        g_strfreev(f);
    } else if (!strcmp(l, "event") && (f = fields(rest, 4))) {
        int k = kind_from_name(f[0]);

        if (k >= 0) {
            hc_fo_event *e = g_new0(hc_fo_event, 1);

            e->kind = (hc_fo_event_kind) k;
            /* -0: before the action (hc_fo_event_format says so). */
            e->t_ms = !strcmp(f[1], "before") ? -0.0
                      : num(f[1], -1e9, 1e9, 0);
            e->wall = num(f[2], 0, 1e11, 0);
            e->text = g_strdup(f[3]);
            g_ptr_array_add(m->events, e);
        }
        g_strfreev(f);
    } else if (!strcmp(l, "assert") && (f = fields(rest, 4))) {
        g_ptr_array_add(m->asserts, g_strdup_printf("[%s] %s: %s", f[1], f[2],
                                                    f[3]));
        g_strfreev(f);
    } else if (!strcmp(l, "result") && (f = fields(rest, 5))) {
        double d = num(f[4], -1, 1e12, -1);

        g_free(m->result);
        m->result = g_strdup_printf("%s %s %s %.0f", f[1], f[2], f[3], d);
        g_ptr_array_add(m->runs, d < 0
            ? g_strdup_printf("run %s: %s -> %s %s, no answer again", f[0],
                              f[1], f[2], f[3])
            : g_strdup_printf("run %s: %s -> %s %s, downtime %.0f ms", f[0],
                              f[1], f[2], f[3], d));
        g_strfreev(f);
    } else if (!strcmp(l, "notrun") && (f = fields(rest, 3))) {
        g_free(m->error);
        m->error = g_strdup(f[2]);
        m->error_rc = int_of(f[1], -4095, 0, -EINVAL);
        g_strfreev(f);
    } else if (!strcmp(l, "report")) {
        const char *sp = strchr(rest, ' ');

        g_ptr_array_add(m->reports, g_strdup(sp ? sp + 1 : rest));
    } else if (!strcmp(l, "reportfail")) {
        const char *sp = strchr(rest, ' ');

        g_ptr_array_add(m->reports, g_strdup(sp ? sp + 1 : rest));
    } else if (!strcmp(l, "cli-left")) {
        m->cli_left = true;
    } else if (!strcmp(l, "clear")) {
        g_ptr_array_add(m->clear_lines, g_strdup(rest));
    } else if (!strcmp(l, "summary")) {
        g_free(m->summary);
        m->summary = g_strdup(rest);
    } else if (!strcmp(l, "headless")) {
        g_ptr_array_add(m->headless, g_strdup(rest));
    } else if (!strcmp(l, "end")) {
        m->end_status = int_of(rest, 0, 255, 255);
    }
}

void hc_fo_follow_feed(hc_fo_follow *m, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            take_line(m, m->partial->str);
            g_string_truncate(m->partial, 0);
        } else if (m->partial->len < HC_FO_LINE_MAX) {
            /* A NUL would end the line early: shown as a control. */
            g_string_append_c(m->partial, buf[i] ? buf[i] : '?');
        }
    }
}

void hc_fo_follow_flush(hc_fo_follow *m)
{
    if (m->partial->len) {
        take_line(m, m->partial->str);
        g_string_truncate(m->partial, 0);
    }
}
