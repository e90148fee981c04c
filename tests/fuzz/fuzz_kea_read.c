/* libFuzzer target for kea_read: a kea-dhcp4.conf's lease file and Kea's
 * memfile rows (the failover test's lease source with Kea). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "failover.h"
#include "kea_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(hc_fo_lease));
    unsigned bad = 0, line = 0;
    char *f = hc_kea_conf_lease_file((const char *) data, size);

    if (f && (strchr(f, '"') || strchr(f, '\\'))) {
        __builtin_trap();
    }
    g_free(f);
    hc_kea_csv_leases((const char *) data, size, 1000, out, &bad, &line);
    for (guint i = 0; i < out->len; i++) {
        if (g_array_index(out, hc_fo_lease, i).mac_len > 6) {
            __builtin_trap();
        }
    }
    if (bad && !line) {
        __builtin_trap();
    }
    g_array_free(out, TRUE);
    return 0;
}
