/* libFuzzer target: what the setup's preflight reads back from the peer
 * about its hacon (hc_hacon_install_parse): any bytes give a result or an
 * error with its line, never a crash or a leak; a result can be compared
 * with this hacon. */
#include <stddef.h>
#include <stdint.h>

#include "version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_hacon_install h;
    char *err = NULL;

    if (hc_hacon_install_parse((const char *) data, size, &h, &err) == 0) {
        GString *why = g_string_new(NULL);

        hc_hacon_install_same(&h, why);
        g_string_free(why, TRUE);
        hc_hacon_install_clear(&h);
    } else {
        g_free(err);
    }
    return 0;
}
