/* hacon's subcommands, one file each (tui/cmd_*.c), in the table that
 * tui/main.c walks, as tmux's cmd-*.c.  Each entry carries its argument
 * template (core/args.h): the options, their types and ranges and their
 * help; hc_command_exec() checks the arguments against it, writes the
 * command's --help from it and only then runs the command. */
#ifndef HC_COMMANDS_H
#define HC_COMMANDS_H

#include <stdio.h>

#include "args.h"

typedef struct hc_command {
    const char *name;
    const char *summary;  /* one line for `hacon help` and --help */
    /* The forms of the usage line, each what follows "hacon NAME ";
     * NULL-terminated. */
    const char *const *forms;
    const char *notes;    /* text after the option list, or NULL */
    hc_args_template args;
    int (*run)(const hc_args *a);
} hc_command;

extern const hc_command hc_cmd_status;
extern const hc_command hc_cmd_leases;
extern const hc_command hc_cmd_probe;
extern const hc_command hc_cmd_crm;
extern const hc_command hc_cmd_drbd;
extern const hc_command hc_cmd_setup;
extern const hc_command hc_cmd_failover;

/* The values of the common option --format. */
extern const char *const hc_format_choices[];   /* text, json */
#define HC_FORMAT_OPT \
    { "format", 'f', HC_OPT_CHOICE, NULL, .help = "text for people, json for " \
      "programs", .choices = hc_format_choices }

/* argv[0] is the command's name.  Checks the arguments against the
 * command's template: --help prints the help (exit status 0), a bad
 * argument its message, naming the command and the option, and the usage
 * (2); otherwise runs the command and returns its exit status. */
int hc_command_exec(const hc_command *c, int argc, char **argv);
/* The command's --help: usage forms, summary, options, notes. */
void hc_command_help(const hc_command *c, FILE *f);
/* "hacon NAME: MSG" and the usage forms on stderr; returns 2, the exit
 * status of a usage error. */
int hc_command_usage_error(const hc_command *c, const char *msg);

#endif
