/* hacon: the entry point.  With no command, the console; otherwise one of
 * the commands in the table below (one file each, tui/cmd_*.c). */
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "console.h"
#include "version.h"

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
            "         [--leases FILE [--config FILE] [--leases-node NODE]]\n"
            "         [--drbd-proc FILE | --drbd-events2 FILE]\n"
            "         [--answers FILE]      (the setup screen, key w)\n"
            "         [--crash-cmd|--cut-cmd|--stop-cmd|--restore-cmd "
            "'CMD {node}']\n"
            "         [--report-dir DIR]       (the failover screen, f)\n"
            "       hacon --version\n"
            "       hacon COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        fprintf(f, "  %-14s %-28s %s\n", commands[i]->name,
                commands[i]->usage, commands[i]->summary);
    }
    fprintf(f, "\nSee hacon(1).\n");
}

/* hacon [--read-only] [--leases FILE] [--config FILE] [--drbd-proc FILE]
 * [--drbd-events2 FILE]: the console; the files go to its sources through
 * the environment (HACON_LEASES...), which also works without options. */
static int console_main(int argc, char **argv)
{
    static const char *const opts[][2] = {
        {"--leases", "HACON_LEASES"},
        {"--config", "HACON_DHCPD_CONF"},
        {"--leases-node", "HACON_LEASES_NODE"},
        {"--drbd-proc", "HACON_DRBD_PROC"},
        {"--drbd-events2", "HACON_DRBD_EVENTS2"},
        {"--answers", "HACON_ANSWERS"},
        {"--crash-cmd", "HACON_CRASH_CMD"},
        {"--cut-cmd", "HACON_CUT_CMD"},
        {"--stop-cmd", "HACON_STOP_CMD"},
        {"--restore-cmd", "HACON_RESTORE_CMD"},
        {"--report-dir", "HACON_FAILOVER_DIR"},
    };
    bool read_only = false;

    for (int i = 1; i < argc; i++) {
        size_t k;

        if (!strcmp(argv[i], "--read-only") || !strcmp(argv[i], "-r")) {
            read_only = true;
            continue;
        }
        for (k = 0; k < G_N_ELEMENTS(opts); k++) {
            if (!strcmp(argv[i], opts[k][0]) && i + 1 < argc) {
                setenv(opts[k][1], argv[++i], 1);
                break;
            }
        }
        if (k == G_N_ELEMENTS(opts)) {
            usage(stderr);
            return 2;
        }
    }
    return hc_console_run(read_only);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2) {
        return hc_console_run(false);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hacon %s\n", hc_version());
        return 0;
    }
    if (argv[1][0] == '-' && strcmp(argv[1], "--help")
        && strcmp(argv[1], "-h")) {
        return console_main(argc, argv);
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
