/* libFuzzer target for the kea-dhcp4.conf reader: the input as the main
 * file, its includes read as the same input again (so that nesting and
 * the include limit are reached), then the usage over its pools; every
 * range must be ordered, no usage above what a range holds, and no
 * control byte of the input in the output. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "fuzz_leases_check.h"

static const char leases_text[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
    "fqdn_rev,hostname,state,user_context\n"
    "10.0.0.5,00:01:02:03:04:05,,600,1900000000,1,0,0,a,0,\n"
    "10.0.0.6,00:01:02:03:04:06,,600,1900000000,1,0,0,b,1,\n"
    "10.1.2.3,00:01:02:03:04:07,,600,1900000000,1,0,0,c,2,\n"
    "192.168.5.5,,,600,1900000000,2,0,0,,0,\n";

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static int read_same(const char *path, char **ret_buf, size_t *ret_len,
                     void *data)
{
    const input *in = data;

    if (!strcmp(path, "missing")) {
        return -ENOENT;
    }
    *ret_buf = g_memdup2(in->data, in->size ? in->size : 1);
    *ret_len = in->size;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hc_lease_table *t;
    input in = { data, size };
    hc_dhcp_conf *c = NULL;

    if (!t) {
        t = hc_lease_table_new();
        hc_leases_parse(t, leases_text, sizeof(leases_text) - 1, true);
    }
    if (hc_dhcp_conf_load_via("fuzz.conf", read_same, &in, &c) < 0) {
        __builtin_trap();
    }
    fuzz_check_views(t, c, NULL, NULL, 0, true);
    hc_dhcp_conf_free(c);
    return 0;
}
