/* libFuzzer target: `drbdsetup events2` lines into the DRBD model, line by
 * line as the follower reads them (with the lines' own time stamps and
 * with a clock), then every formatter.  Corpus:
 * tests/fuzz/corpus/fuzz_drbd_events2/ (real 8.4 captures, DRBD 9 lines
 * written from the documentation). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_drbd *d = hc_drbd_new();
    GString *out = g_string_new(NULL);
    const char *p = (const char *)data, *end = p + size;
    double t = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        hc_drbd_feed_events2_line(d, p, l, -1);
        hc_drbd_feed_events2_line(d, p, l, t += 0.5);
        p = nl ? nl + 1 : end;
    }
    hc_drbd_feed_events2(d, (const char *)data, size, -1);
    hc_drbd_format_text(d, out, true);
    hc_drbd_format_json(d, out);
    hc_drbd_format_brief(d, out);
    hc_drbd_clear(d);
    g_string_free(out, TRUE);
    hc_drbd_free(d);
    return 0;
}
