/* sbd as the admin needs to see it on a node: its configuration
 * (/etc/default/sbd), whether the daemon runs and holds its watchdog open,
 * and the message slot of each node on each sbd disk (`sbd -d DEV list`). */
#ifndef HC_SBD_H
#define HC_SBD_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define HC_SBD_CONFIG "/etc/default/sbd"

typedef struct hc_sbd_slot {
    int slot;
    char *node;
    char *message;      /* clear, reset, off, test, exit ... */
    char *from;         /* the sender, NULL when sbd names none */
} hc_sbd_slot;

typedef struct hc_sbd_disk {
    char *device;
    GPtrArray *slots;   /* hc_sbd_slot*; empty when not read */
    char *error;        /* why the slots could not be read, or NULL */
} hc_sbd_disk;

typedef struct hc_sbd_state {
    bool configured;    /* the configuration file exists */
    char *config_path;
    char *config_error; /* unreadable, or a bad line (named), or NULL */
    char *watchdog_dev; /* SBD_WATCHDOG_DEV, default /dev/watchdog */
    char *watchdog_timeout; /* SBD_WATCHDOG_TIMEOUT, NULL when unset */
    bool pacemaker;     /* SBD_PACEMAKER (default yes) */
    bool running;       /* an sbd process runs here */
    int pid;            /* the first of them, or 0 */
    bool watchdog_open; /* a running sbd holds the watchdog device open */
    GPtrArray *disks;   /* hc_sbd_disk*, SBD_DEVICE's, in order;
                         * empty: diskless (watchdog only) */
} hc_sbd_state;

/* Parses the text of /etc/default/sbd (shell assignments, comments,
 * single or double quotes) into st's configuration fields and disks.
 * path names the file in messages.  Returns 0, or -EINVAL with
 * st->config_error naming the line. */
int hc_sbd_config_parse(const char *text, size_t len, const char *path,
                        hc_sbd_state *st);

/* Parses `sbd -d DEV list` output ("SLOT\tNODE\tMESSAGE\tFROM" lines) into
 * hc_sbd_slot* appended to slots.  Returns 0 or -EINVAL (a line that is
 * not a slot line; line is its number). */
int hc_sbd_list_parse(const char *text, size_t len, GPtrArray *slots,
                      int *line);

/* This node's sbd: reads path (NULL: HC_SBD_CONFIG), looks for the
 * daemon in /proc and its watchdog among its open files, and with
 * read_slots runs `sbd -d DEV list` on each disk (5 s deadline each).
 * Never fails: what cannot be known is said in the state. */
hc_sbd_state *hc_sbd_local(const char *path, bool read_slots);
void hc_sbd_state_free(hc_sbd_state *st);

/* A new, empty state (for the parsers' callers). */
hc_sbd_state *hc_sbd_state_new(void);

#endif
