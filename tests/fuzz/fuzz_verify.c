/* libFuzzer target for what hacon reads of crm_verify -VV's output when
 * it refuses a planned CIB (core/wizard_plan.c): its messages split from
 * their function names, whether they hold warnings alone, and each
 * warning's text for the plan (the active-orphan form read with sscanf,
 * Blind faith's by its whole text).
 * The output is a tool's, but it quotes the CIB's ids, which anyone who
 * can write the CIB chose. */
#include <stddef.h>
#include <stdint.h>

#include "wizard_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *) data, size);
    char **lines = hc__verify_lines(text);

    (void) hc__verify_warnings_only(lines);
    for (char **l = lines; *l; l++) {
        g_free(hc__verify_warning(*l));
    }
    g_strfreev(lines);
    g_free(text);
    return 0;
}
