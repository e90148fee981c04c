/* libFuzzer target: `drbdsetup status --json` into the DRBD model, then
 * every formatter.  Corpus: tests/fuzz/corpus/fuzz_drbd_json/ (DRBD 9
 * output written from drbd-utils' format). */
#include <stddef.h>
#include <stdint.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_drbd *d = hc_drbd_new();
    GString *out = g_string_new(NULL);

    hc_drbd_feed_status_json(d, (const char *)data, size, 1);
    hc_drbd_feed_status_json(d, (const char *)data, size, 2);
    hc_drbd_format_text(d, out, true);
    hc_drbd_format_json(d, out);
    g_string_free(out, TRUE);
    hc_drbd_free(d);
    return 0;
}
