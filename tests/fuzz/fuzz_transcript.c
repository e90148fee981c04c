/* libFuzzer target for the transcript records a `hacon setup` child hands
 * to the console (hc_transcript_add_record), and the round trip of what
 * was read: a record made again from the entry reads back the same. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GPtrArray *t = hc_transcript();

    if (hc_transcript_add_record((const char *) data, size) == 0) {
        const hc_transcript_entry *e = t->pdata[t->len - 1];
        char *again = hc_transcript_record(e);
        guint n = t->len;

        if (hc_transcript_add_record(again, strlen(again)) != 0
            || t->len != n + 1) {
            __builtin_trap();
        }
        {
            const hc_transcript_entry *f = t->pdata[t->len - 1];

            if (f->status != e->status || f->timed_out != e->timed_out
                || strcmp(f->cmdline, e->cmdline)
                || g_strcmp0(f->node, e->node)) {
                __builtin_trap();
            }
        }
        g_free(again);
    }
    g_ptr_array_set_size(t, 0);
    return 0;
}
