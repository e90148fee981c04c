/* libFuzzer target for step fence's readers: a fence agent's meta-data
 * (its parameters), the secret file (a node's line), corosync.conf
 * turned to a quorum device, corosync-quorumtool's Qdevice line and
 * corosync-qdevice-tool's heuristics result. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "corosync.h"
#include "steps/steps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *) data, size), *s;
    GPtrArray *params = NULL;

    if (hc_fence_meta_params((const char *) data, size, &params) == 0) {
        for (guint i = 0; i < params->len; i++) {
            const hc_fence_param *p = params->pdata[i];

            (void) strlen(p->name);
        }
        g_ptr_array_unref(params);
    }
    s = hc_fence_secret_pick(text, "node1", "nodeone");
    g_free(s);
    s = hc_fence_qdevice_conf(text, "qnetd.example");
    g_free(s);
    (void) hc_fence_qdevice_votes(text);
    s = hc_qdevice_heuristics_result(text);
    g_free(s);
    g_free(text);
    return 0;
}
