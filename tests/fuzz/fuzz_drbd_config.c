/* libFuzzer target: `drbdadm dump` / `drbdsetup show` text read for the
 * names of minors, which then name the minors of a /proc/drbd snapshot
 * (the same input), and every formatter; the fencing policy step drbd
 * reads from `drbdsetup show`.  Corpus:
 * tests/fuzz/corpus/fuzz_drbd_config/ (real drbdadm dump output). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drbd.h"
#include "drbd_disk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char proc[] =
        "version: 8.4.11 (api:1/proto:86-101)\n"
        " 1: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown C r-----\n"
        "    ns:0 nr:0 dw:0 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
        " 2: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
        "    ns:0 nr:0 dw:0 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:100\n"
        "\t[>...................] sync'ed:  0.0% (100/100)K\n"
        "\tfinish: 0:00:00 speed: 0 (0) K/sec\n";
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, g_free);
    hc_drbd *d = hc_drbd_new();
    GString *out = g_string_new(NULL);

    g_free(hc_drbd_show_fencing((const char *)data, size));
    hc_drbd_parse_config_minors((const char *)data, size, names);
    hc_drbd_feed_proc(d, proc, strlen(proc), 1.0, names);
    hc_drbd_format_text(d, out, true);
    hc_drbd_format_json(d, out);
    hc_drbd_format_brief(d, out);
    g_string_free(out, TRUE);
    g_hash_table_destroy(names);
    hc_drbd_free(d);
    return 0;
}
