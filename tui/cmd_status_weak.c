/* A weak `status` entry, so that this tree links before tui/cmd_status.c
 * exists; the real command (a strong definition) replaces it at link time.
 * Delete this file once cmd_status.c is in. */
#include <stdio.h>

#include "commands.h"

static int status_missing(int argc, char **argv)
{
    fprintf(stderr, "hacon status: not built into this hacon\n");
    return 2;
}

__attribute__((weak)) const hc_command hc_cmd_status = {
    .name = "status",
    .usage = "",
    .summary = "cluster status (not built into this hacon)",
    .run = status_missing,
};
