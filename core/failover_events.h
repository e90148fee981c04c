/* The failover test's event stream as a reader takes it up: the lines
 * that `hacon failover-test --events FILE` appends (tui/cmd_failover.c
 * lists them) folded into what the console's failover screen shows.  Bytes
 * are fed as they are read; a line is taken at its newline.  Unknown and
 * malformed lines are skipped (a newer test may say more); every text is
 * kept display-safe (control characters become '?'). */
#ifndef HC_FAILOVER_EVENTS_H
#define HC_FAILOVER_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "failover.h"

typedef struct hc_fo_follow {
    char *scen;             /* the scenario's name, "clear" for a clearing */
    int repeat;             /* runs asked for (1 until said) */
    int run_no;             /* the run going on, 1-based; 0 before */
    char *phase;
    unsigned sent, answered, lost, interval_ms;
    bool last_ok;
    GString *strip;         /* one character per probe, '.' or 'x' */
    GPtrArray *events;      /* hc_fo_event*: this run's timeline */
    GPtrArray *asserts;     /* char* "[PASS] name: detail": this run's */
    char *result;           /* "FROM TO PASS|FAIL DOWNTIME_MS", this run */
    GPtrArray *runs;        /* char*: one line per finished run */
    GPtrArray *reports;     /* char*: "TXT JSON", or why none */
    GPtrArray *clear_lines; /* char*: the clearing's output */
    GPtrArray *headless;    /* char*: the console or terminal went away */
    char *summary;          /* after a repeat */
    char *error;            /* a run could not start: why */
    int error_rc;           /* its negative errno */
    int end_status;         /* the exit status; -1 until the end line */
    long long deadline;     /* seconds since the epoch, 0 unknown */
    bool cli_left;          /* a run left cli-* constraints */
    GString *partial;       /* an unfinished last line */
} hc_fo_follow;

/* The longest a strip keeps, and a line (longer is cut). */
#define HC_FO_STRIP_MAX 512
#define HC_FO_LINE_MAX 65536

hc_fo_follow *hc_fo_follow_new(void);
void hc_fo_follow_free(hc_fo_follow *m);
/* Forgets everything (a new stream). */
void hc_fo_follow_reset(hc_fo_follow *m);
/* Takes n bytes of the stream. */
void hc_fo_follow_feed(hc_fo_follow *m, const char *buf, size_t n);
/* The stream ended: an unfinished last line is taken as it is. */
void hc_fo_follow_flush(hc_fo_follow *m);

#endif
