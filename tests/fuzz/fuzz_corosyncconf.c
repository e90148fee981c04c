/* libFuzzer target for the corosync.conf reader and the comparison with
 * hacon's own file (the cluster step keeps an equivalent one). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "gen_corosync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *want;
    GHashTable *kv = NULL;
    char *err = NULL, *d;

    if (!want) {
        hc_corosync_conf c = {
            .cluster_name = "hacluster",
            .node_name = { "nodeone", "nodetwo" },
            .ring0_addr = { "10.10.100.1", "10.10.100.2" },
        };

        want = hc_gen_corosync_conf(&c);
    }
    if (hc_corosync_conf_parse((const char *) data, size, &kv, &err) == 0) {
        g_hash_table_unref(kv);
    } else {
        g_free(err);
    }
    d = hc_corosync_conf_differs((const char *) data, size, want,
                                 strlen(want));
    g_free(d);
    return 0;
}
