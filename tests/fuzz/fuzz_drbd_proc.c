/* libFuzzer target: /proc/drbd text into the DRBD model (several
 * snapshots in a row, as the follower polls them), then every formatter.
 * Corpus: tests/fuzz/corpus/fuzz_drbd_proc/ (real 8.4 captures). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_drbd *d = hc_drbd_new();
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    GString *out = g_string_new(NULL);
    const char *s = (const char *)data;
    size_t half = size / 2;

    g_hash_table_insert(names, (char *)"1", (char *)"r0");
    /* The input in two snapshots, and whole, at increasing times: the
     * samples, the estimator and the history all run. */
    hc_drbd_feed_proc(d, s, half, 1.0, names);
    hc_drbd_feed_proc(d, s + half, size - half, 2.0, NULL);
    hc_drbd_feed_proc(d, s, size, 3.5, names);
    hc_drbd_format_text(d, out, true);
    hc_drbd_format_json(d, out);
    hc_drbd_format_brief(d, out);
    g_string_free(out, TRUE);
    g_hash_table_destroy(names);
    hc_drbd_free(d);
    return 0;
}
