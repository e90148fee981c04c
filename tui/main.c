/* hacon: the entry point.  With no command, the console; otherwise one of
 * the commands in the table below (one file each, tui/cmd_*.c), whose
 * arguments hc_command_exec() checks against the command's template. */
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
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

/* The console's options: files and commands for its sources and screens,
 * handed to them through the environment (HACON_LEASES...), which also
 * works without options.  env_of names each option's variable. */
static const hc_opt console_opts[] = {
    { "read-only", 'r', HC_OPT_FLAG, NULL, .help = "look, change nothing" },
    { "leases", 0, HC_OPT_STRING, "FILE", .help = "the lease file (default: from "
      "the CIB)", .complete = HC_OPT_FILE },
    { "config", 0, HC_OPT_STRING, "FILE", .help = "dhcpd.conf, for the pools",
      .complete = HC_OPT_FILE },
    { "leases-node", 0, HC_OPT_STRING, "NODE", .help = "read the lease file on NODE "
      "over ssh" },
    { "drbd-proc", 0, HC_OPT_STRING, "FILE", .help = "replay a /proc/drbd capture",
      .complete = HC_OPT_FILE },
    { "drbd-events2", 0, HC_OPT_STRING, "FILE", .help = "replay a drbdsetup events2 "
      "capture", .complete = HC_OPT_FILE },
    { "answers", 0, HC_OPT_STRING, "FILE", .help = "the setup screen's answers file "
      "(key w)", .complete = HC_OPT_FILE },
    { "crash-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "the failover screen's "
      "crash (key f)" },
    { "cut-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "the failover screen's "
      "cut" },
    { "stop-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "the failover screen's "
      "stop-stack" },
    { "restore-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "how the failover "
      "screen brings a node back" },
    { "report-dir", 0, HC_OPT_STRING, "DIR", .help = "where the failover screen's "
      "reports go", .complete = HC_OPT_DIR },
    { "version", 0, HC_OPT_FLAG, NULL, .help = "print the version" },
    { NULL },
};

static const char *env_of(const char *opt)
{
    static const char *const env[][2] = {
        { "leases", "HACON_LEASES" },
        { "config", "HACON_DHCPD_CONF" },
        { "leases-node", "HACON_LEASES_NODE" },
        { "drbd-proc", "HACON_DRBD_PROC" },
        { "drbd-events2", "HACON_DRBD_EVENTS2" },
        { "answers", "HACON_ANSWERS" },
        { "crash-cmd", "HACON_CRASH_CMD" },
        { "cut-cmd", "HACON_CUT_CMD" },
        { "stop-cmd", "HACON_STOP_CMD" },
        { "restore-cmd", "HACON_RESTORE_CMD" },
        { "report-dir", "HACON_FAILOVER_DIR" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(env); i++) {
        if (!strcmp(opt, env[i][0])) {
            return env[i][1];
        }
    }
    return NULL;
}

static const hc_args_template console_args = { console_opts, 0, 0, false };

static void usage(FILE *f)
{
    GString *s = g_string_new(NULL);

    hc_args_format_help(&console_args, s);
    fprintf(f, "usage: hacon [OPTIONS]      the live console\n"
            "       hacon COMMAND [ARGS]\n"
            "       hacon help [COMMAND]  (or hacon COMMAND --help)\n\n"
            "the console's %s\ncommands:\n", s->str);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        fprintf(f, "  %-14s %s\n", commands[i]->name,
                commands[i]->summary);
    }
    fprintf(f, "\nhacon COMMAND --help describes a command.  See hacon(1).\n");
    g_string_free(s, TRUE);
}

static const hc_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(name, commands[i]->name)) {
            return commands[i];
        }
    }
    return NULL;
}

/* hacon --list-options: every command's options (and the console's,
 * under "hacon"), one a line, "COMMAND --NAME KIND [WORDS]": what
 * tests/deb/t-completion.sh checks completion/hacon against. */
static int list_options(void)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i <= N_COMMANDS; i++) {
        const char *name = i < N_COMMANDS ? commands[i]->name : "hacon";
        char **lines;

        g_string_truncate(s, 0);
        hc_args_format_list(i < N_COMMANDS ? &commands[i]->args
                                           : &console_args, s);
        lines = g_strsplit(s->str, "\n", -1);
        for (char **l = lines; *l; l++) {
            if (**l) {
                printf("%s %s\n", name, *l);
            }
        }
        g_strfreev(lines);
    }
    g_string_free(s, TRUE);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int console_main(int argc, char **argv)
{
    hc_args *a = NULL;
    char *err = NULL;
    bool read_only;

    if (hc_args_parse(&console_args, argc, argv, &a, &err) < 0) {
        fprintf(stderr, "hacon: %s\n", err);
        g_free(err);
        usage(stderr);
        return 2;
    }
    if (hc_args_help(a)) {
        hc_args_free(a);
        usage(stdout);
        return 0;
    }
    if (hc_args_has(a, "version")) {
        hc_args_free(a);
        printf("hacon %s\n", hc_version());
        return 0;
    }
    for (const hc_opt *o = console_opts; o->name; o++) {
        const char *env = env_of(o->name);

        if (env && hc_args_has(a, o->name)) {
            setenv(env, hc_args_str(a, o->name, ""), 1);
        }
    }
    read_only = hc_args_has(a, "read-only");
    hc_args_free(a);
    return hc_console_run(read_only);
}

int main(int argc, char **argv)
{
    const hc_command *c;

    setlocale(LC_ALL, "");
    if (argc < 2) {
        return hc_console_run(false);
    }
    if (!strcmp(argv[1], "--list-options") && argc == 2) {
        return list_options();
    }
    if (argv[1][0] == '-') {
        return console_main(argc, argv);
    }
    if (!strcmp(argv[1], "help")) {
        if (argc > 2 && (c = find_command(argv[2]))) {
            hc_command_help(c, stdout);
            return 0;
        }
        if (argc > 2) {
            fprintf(stderr, "hacon: unknown command '%s'\n", argv[2]);
            usage(stderr);
            return 2;
        }
        usage(stdout);
        return 0;
    }
    c = find_command(argv[1]);
    if (c) {
        return hc_command_exec(c, argc - 1, argv + 1);
    }
    fprintf(stderr, "hacon: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
