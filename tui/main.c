/* hacon: the entry point.  With no command, the console; otherwise one of
 * the commands in the table below (one file each, tui/cmd_*.c). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "console.h"

static const hc_command *const commands[] = {
    &hc_cmd_status,
    &hc_cmd_leases,
    &hc_cmd_probe,
    &hc_cmd_crm,
    &hc_cmd_drbd,
    &hc_cmd_setup,
    &hc_cmd_failover,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int hc_parse_format(const char *arg)
{
    if (!strcmp(arg, "text")) {
        return 0;
    }
    if (!strcmp(arg, "json")) {
        return 1;
    }
    return -1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: hacon [--read-only]      the live console\n"
            "       hacon COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        fprintf(f, "  %-14s %-28s %s\n", commands[i]->name,
                commands[i]->usage, commands[i]->summary);
    }
    fprintf(f, "\nSee hacon(1).\n");
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2) {
        return hc_console_run(false);
    }
    if (!strcmp(argv[1], "--read-only") || !strcmp(argv[1], "-r")) {
        if (argc > 2) {
            usage(stderr);
            return 2;
        }
        return hc_console_run(true);
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")
        || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(argv[1], commands[i]->name)) {
            return commands[i]->run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "hacon: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
