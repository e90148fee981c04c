/* sbd as the admin needs to see it on a node: its configuration
 * (/etc/default/sbd), whether the daemon runs and holds its watchdog open,
 * the timeouts of each sbd disk's header (`sbd -d DEV dump`) and the
 * message slot of each node on it (`sbd -d DEV list`).  This node is
 * looked at directly (/proc); another node over ssh (hc_sbd_remote). */
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
    int msgwait;        /* the header's Timeout (msgwait) in s, -1 unknown */
    int watchdog_timeout; /* the header's Timeout (watchdog), -1 unknown */
} hc_sbd_disk;

typedef struct hc_sbd_state {
    char *node;         /* the node looked at, NULL when not named */
    char *unknown;      /* the node could not be asked ("ssh: REASON"):
                         * nothing below is known */
    bool configured;    /* the configuration file exists */
    char *config_path;
    char *config_error; /* unreadable, or a bad line (named), or NULL */
    char *watchdog_dev; /* SBD_WATCHDOG_DEV, default /dev/watchdog */
    char *watchdog_timeout; /* SBD_WATCHDOG_TIMEOUT, NULL when unset */
    bool pacemaker;     /* SBD_PACEMAKER (default yes) */
    bool running;       /* an sbd process runs here */
    int pid;            /* the first of them, or 0 */
    bool watchdog_open; /* a running sbd holds a watchdog device open */
    char *watchdog_held; /* the one it holds (as its fd names it), NULL */
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

/* Parses `sbd -d DEV dump` output (the header: "Timeout (msgwait)  : 10")
 * into d's msgwait and watchdog_timeout.  Returns 0, or -EINVAL when it
 * holds no msgwait line (not a header dump). */
int hc_sbd_dump_parse(const char *text, size_t len, hc_sbd_disk *d);

/* Parses what HC_SBD_PROBE printed on a node: "config" then the file's
 * lines each after a "|", then "end" (or "noconfig", "unreadable"), then
 * "pid PID" for each sbd process and "fd PID PATH" for each watchdog
 * device it holds open.  path names the file in messages.  Returns 0, or
 * -EINVAL with *line the number of the first line it does not know (or of
 * the configuration's bad line, named in st->config_error). */
int hc_sbd_probe_parse(const char *text, size_t len, const char *path,
                       hc_sbd_state *st, int *line);

/* This node's sbd: reads path (NULL: HC_SBD_CONFIG), looks for the
 * daemon in /proc and its watchdog among its open files, and with
 * read_slots runs `sbd -d DEV list` on each disk (5 s deadline each).
 * Never fails: what cannot be known is said in the state. */
hc_sbd_state *hc_sbd_local(const char *path, bool read_slots);

/* Another node's sbd, asked over ssh (hc_exec's node: one sh script that
 * reads path and /proc there, then with read_slots `sbd -d DEV dump` and
 * `list` there, 5 s deadline each).  Never fails: a node that cannot be
 * asked has st->unknown ("ssh: REASON"). */
hc_sbd_state *hc_sbd_remote(const char *node, const char *path,
                            bool read_slots);
void hc_sbd_state_free(hc_sbd_state *st);

/* This node's name among the cluster's nodes (NULL-terminated): the one
 * whose short name is the host name's, else what `crm_node -n` says (a
 * host named otherwise than its node), else the host name (g_free).  May
 * run crm_node (5 s deadline): not from the console's loop. */
char *hc_sbd_here(char *const *nodes);

/* A deep copy (the console keeps what its reader found across models). */
hc_sbd_state *hc_sbd_state_dup(const hc_sbd_state *st);

/* The slot of st->node on disk d, NULL when it has none (or no name). */
const hc_sbd_slot *hc_sbd_node_slot(const hc_sbd_state *st,
                                    const hc_sbd_disk *d);

/* A new, empty state (for the parsers' callers). */
hc_sbd_state *hc_sbd_state_new(void);

#endif
