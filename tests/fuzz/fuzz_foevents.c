/* libFuzzer target: the failover test's event stream as the console
 * takes it up (core/failover_events.c), on arbitrary bytes fed in two
 * pieces cut where the first byte says: no crash, no leak, every kept text
 * free of control characters, every event formattable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "failover_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    for (const char *p = s; p && *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_fo_follow *m = hc_fo_follow_new();
    size_t cut;
    GString *s = g_string_new(NULL);

    if (size) {
        cut = data[0] % size;
        hc_fo_follow_feed(m, (const char *) data + 1, cut ? cut - 1 : 0);
        hc_fo_follow_feed(m, (const char *) data + (cut ? cut : 1),
                          size - (cut ? cut : 1));
    }
    hc_fo_follow_flush(m);
    for (guint i = 0; i < m->events->len; i++) {
        const hc_fo_event *e = m->events->pdata[i];

        check_text(e->text);
        hc_fo_event_format(e, s);
    }
    for (guint i = 0; i < m->asserts->len; i++) {
        check_text(m->asserts->pdata[i]);
    }
    check_text(m->scen);
    check_text(m->error);
    check_text(m->result);
    if (m->strip->len > HC_FO_STRIP_MAX) {
        __builtin_trap();
    }
    g_string_free(s, TRUE);
    hc_fo_follow_free(m);
    return 0;
}
