/* hacon's subcommands, one file each (tui/cmd_*.c), in the table that
 * tui/main.c walks, as tmux's cmd-*.c. */
#ifndef HC_COMMANDS_H
#define HC_COMMANDS_H

typedef struct hc_command {
    const char *name;
    const char *usage;    /* arguments, for the usage line */
    const char *summary;  /* one line for `hacon help` */
    int (*run)(int argc, char **argv);  /* argv[0] is the command name */
} hc_command;

extern const hc_command hc_cmd_status;
extern const hc_command hc_cmd_leases;
extern const hc_command hc_cmd_probe;
extern const hc_command hc_cmd_crm;
extern const hc_command hc_cmd_drbd;
extern const hc_command hc_cmd_setup;
extern const hc_command hc_cmd_failover;

/* Common option: --format=text|json.  Returns 0 text, 1 json, -1 bad. */
int hc_parse_format(const char *arg);

#endif
