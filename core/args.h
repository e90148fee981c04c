/* Argument templates: a command's options and positional arguments as a
 * table that one parser checks, as tmux's cmd_entry carries an argument
 * template that args_parse checks.  A command then holds only what it
 * does; numbers are read with strtol/strtod and a range, and a bad value
 * gives a message that names the option.  The same table writes the
 * option list of the command's --help and the list that the shell
 * completion is checked against. */
#ifndef HC_ARGS_H
#define HC_ARGS_H

#include <stdbool.h>

#include <glib.h>

typedef enum {
    HC_OPT_FLAG,    /* --yes: no value */
    HC_OPT_STRING,  /* --leases FILE: any text */
    HC_OPT_INT,     /* --timeout 30: a whole number in [min, max] */
    HC_OPT_REAL,    /* --timeout 1.5: a number in [min, max] */
    HC_OPT_CHOICE,  /* --format json: one of choices */
} hc_opt_type;

/* What a value names, for the shell completion. */
typedef enum {
    HC_OPT_VALUE,   /* nothing to offer (a name, a number, a command) */
    HC_OPT_FILE,
    HC_OPT_DIR,
    HC_OPT_IFACE,   /* a network interface */
} hc_opt_complete;

/* How often an option with a value may be given at most. */
#define HC_OPT_MAX_REPEAT 4

typedef struct hc_opt {
    const char *name;      /* the long name, without "--"; NULL ends */
    char letter;           /* the short option (-t), 0 for none */
    hc_opt_type type;
    const char *metavar;   /* the value in the help: FILE, N, SECS */
    const char *help;      /* one line for --help */
    double min, max;       /* HC_OPT_INT, HC_OPT_REAL: the range */
    const char *unit;      /* "seconds", ...: the error says "a number of
                            * seconds"; NULL: "a number" */
    /* HC_OPT_CHOICE: the values, NULL-terminated.  HC_OPT_STRING with
     * check: the names to offer and to list in an error. */
    const char *const *choices;
    int repeat;            /* 0: once (the last one counts); N: up to N
                            * times, each kept */
    hc_opt_complete complete;
    /* HC_OPT_STRING: a value for which it returns < 0 is refused (for
     * names that a module reads itself, with its aliases). */
    int (*check)(const char *value);
} hc_opt;

typedef struct hc_args_template {
    const hc_opt *opts;    /* ends with an entry whose name is NULL */
    int min_args, max_args;  /* positional arguments; max -1: any number */
    /* Options end at the first positional argument (hacon crm's line may
     * hold words that start with a dash); otherwise they may come
     * anywhere, as with getopt_long.  "--" always ends them. */
    bool options_first;
} hc_args_template;

typedef struct hc_args hc_args;

/* Parses argv[1..argc-1] (argv[0] is the command's name) against t.
 * --help and -h are understood for every template: *ret then has
 * hc_args_help() set and the positional arguments are not checked.
 * Returns 0 and *ret (free with hc_args_free; it points into argv), or
 * -EINVAL and *ret_err: one line that names the option or argument
 * ("--timeout: \"5x\" is not a number of seconds (1-3600)"), to free. */
int hc_args_parse(const hc_args_template *t, int argc, char **argv,
                  hc_args **ret, char **ret_err);
void hc_args_free(hc_args *a);

bool hc_args_help(const hc_args *a);
/* The positional arguments, NULL-terminated, and how many there are. */
char **hc_args_argv(const hc_args *a);
int hc_args_argc(const hc_args *a);

/* The values, by the option's long name.  A name that is not in the
 * template is a programming error: it logs a critical and counts as not
 * given. */
bool hc_args_has(const hc_args *a, const char *name);
unsigned hc_args_count(const hc_args *a, const char *name);
/* The value as given (the last one, or the i-th of a repeated option),
 * or def when the option was not given. */
const char *hc_args_str(const hc_args *a, const char *name, const char *def);
const char *hc_args_nth(const hc_args *a, const char *name, unsigned i);
long hc_args_int(const hc_args *a, const char *name, long def);
double hc_args_real(const hc_args *a, const char *name, double def);
/* HC_OPT_CHOICE: the index of the value in choices. */
int hc_args_choice(const hc_args *a, const char *name, int def);

/* The option list of --help, one option a line, into out:
 *   "  -t, --timeout SECS       HELP (1-3600 seconds)\n" */
void hc_args_format_help(const hc_args_template *t, GString *out);
/* One line per option for the completion's check:
 *   "--NAME flag" | "--NAME value" | "--NAME file" | "--NAME dir" |
 *   "--NAME interface" | "--NAME choice WORD..." */
void hc_args_format_list(const hc_args_template *t, GString *out);

#endif
