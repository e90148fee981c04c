/* libFuzzer target for the split of a batch's output (wizard_batch.c):
 * what a peer's shell printed for several commands at once, whatever the
 * commands printed or the node's shell did.  The first byte gives the
 * number of commands (1-8); stdout and stderr are the rest, split at
 * the first NUL (stdout may hold NUL bytes after it, stderr not). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wizard_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_exec_result res[8];
    const char *rest, *nul;
    size_t n, k, len, out_len;
    char *err_text, *why = NULL;

    if (size < 1) {
        return 0;
    }
    n = (size_t) (data[0] % 8) + 1;
    rest = (const char *) data + 1;
    len = size - 1;
    nul = memchr(rest, 0, len);
    out_len = nul ? (size_t) (nul - rest) : len;
    err_text = nul ? g_strndup(nul + 1, len - out_len - 1) : g_strdup("");
    k = hc_batch_parse("hacon-batch-0f", rest, out_len, err_text,
                       strlen(err_text), n, res, &why);
    for (size_t i = 0; i < (k < n ? k + 1 : n); i++) {
        hc_exec_result_clear(&res[i]);
    }
    g_free(why);
    g_free(err_text);
    return 0;
}
