/* libFuzzer target for the sbd parsers: /etc/default/sbd (any text an
 * admin or a tool left there), `sbd -d DEV list` output (what the disk's
 * slots hold, written by any node), `sbd -d DEV dump` (a header) and what
 * the probe of another node printed (over ssh, from whatever that node
 * runs). */
#include <stddef.h>
#include <stdint.h>

#include "sbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_sbd_state *st = hc_sbd_state_new();
    GPtrArray *slots = g_ptr_array_new();
    int line = 0;

    (void) hc_sbd_config_parse((const char *) data, size, "fuzz", st);
    hc_sbd_state_free(st);
    (void) hc_sbd_list_parse((const char *) data, size, slots, &line);
    for (guint i = 0; i < slots->len; i++) {
        hc_sbd_slot *s = g_ptr_array_index(slots, i);

        g_free(s->node);
        g_free(s->message);
        g_free(s->from);
        g_free(s);
    }
    g_ptr_array_unref(slots);
    st = hc_sbd_state_new();
    (void) hc_sbd_probe_parse((const char *) data, size, "fuzz", st, &line);
    if (st->disks->len) {
        (void) hc_sbd_dump_parse((const char *) data, size,
                                 g_ptr_array_index(st->disks, 0));
    }
    hc_sbd_state_free(st);
    return 0;
}
