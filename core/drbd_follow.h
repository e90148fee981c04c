/* Following DRBD live from the GLib main loop: a child `drbdsetup events2
 * --timestamps --statistics all` (restarted when it dies or when its
 * initial dump does not end within a deadline), and polled statistics
 * (/proc/drbd on 8.4, `drbdsetup events2 --now --statistics` otherwise)
 * often while a sync runs and rarely when all is idle, because the events2
 * stream reports state changes but not the progress of a sync. */
#ifndef HC_DRBD_FOLLOW_H
#define HC_DRBD_FOLLOW_H

#include "drbd.h"

typedef struct hc_drbd_follow_opts {
    const char *drbdsetup;    /* NULL: "drbdsetup" from PATH */
    const char *drbdadm;      /* NULL: "drbdadm" from PATH */
    const char *proc_path;    /* NULL: "/proc/drbd" */
    int dump_deadline_ms;     /* 0: 10 s for the initial dump */
    int poll_sync_ms;         /* 0: 1 s while a sync or verify runs */
    int poll_idle_ms;         /* 0: 15 s otherwise */
    int lookup_timeout_ms;    /* 0: 5 s for each tool that names minors */
} hc_drbd_follow_opts;

typedef struct hc_drbd_follow hc_drbd_follow;

/* Called from the loop after the model changed (d->dirty is set), and with
 * a message when the stream failed or restarted (msg NULL otherwise). */
typedef void (*hc_drbd_follow_fn)(hc_drbd *d, const char *msg, void *data);

/* Starts following into d (not owned) on the thread-default main context.
 * Minors that /proc/drbd shows and events2 does not name (drbdsetup
 * without events2: drbd8-utils) are named with hc_drbd_lookup_start(),
 * once each, when they first appear.
 * Returns NULL with *ret_err (g_free) when nothing can be followed. */
hc_drbd_follow *hc_drbd_follow_start(hc_drbd *d,
                                     const hc_drbd_follow_opts *opts,
                                     hc_drbd_follow_fn fn, void *data,
                                     char **ret_err);

/* Stops the children and the timers; NULL is fine. */
void hc_drbd_follow_stop(hc_drbd_follow *f);

/* Names and sizes of the minors that /proc/drbd shows by number only:
 * `drbdsetup events2 --now all` (what the kernel runs: names and sizes),
 * then `drbdsetup show` (the kernel's configuration) and `drbdadm dump
 * all` (the configuration files) for minors still unnamed.  drbdsetup and
 * drbdadm are paths or NULL for PATH's.  Fills names ("N" -> "NAME", a
 * table made with g_free for keys and values) and ref (the events2 model,
 * for hc_drbd_take_sizes()); returns the number of minors named. */
int hc_drbd_lookup_minors(const char *drbdsetup, const char *drbdadm,
                          GHashTable *names, hc_drbd *ref);

/* hc_drbd_lookup_minors() off the loop: its three tools run one after
 * the other as children watched from the thread-default main context,
 * each killed (with its process group) after timeout_ms (0: 5 s); the
 * later ones only while one of minors (n_minors of them; none: go through
 * all three) is unnamed.  Every run goes to the transcript.  At the end fn
 * gets names ("N" -> "NAME") and ref (the events2 model, for the sizes),
 * both its to free, from the loop; l is freed after fn returns. */
typedef struct hc_drbd_lookup hc_drbd_lookup;
typedef void (*hc_drbd_lookup_fn)(GHashTable *names, hc_drbd *ref,
                                  void *data);
hc_drbd_lookup *hc_drbd_lookup_start(const char *drbdsetup,
                                     const char *drbdadm, const int *minors,
                                     size_t n_minors, int timeout_ms,
                                     hc_drbd_lookup_fn fn, void *data);
/* Kills the tool running and frees l without calling fn; NULL is fine. */
void hc_drbd_lookup_stop(hc_drbd_lookup *l);

/* Follows resource res with hc_drbd_follow_start() on the default main
 * context (for a process that runs no loop of its own: `hacon setup
 * apply`) until every volume's disk and peer disk are UpToDate: the end
 * of an initial sync, on DRBD 8.4 (/proc/drbd) and 9 (events2 --now
 * polls) alike.  fn gets hc_drbd_format_brief()'s line for res when it
 * changes, at most every interval_ms (0: 3 s) unless the sync ended.
 * Returns 0 when synced, -ETIMEDOUT after timeout_ms (*ret_err says the
 * last state), -ENOENT when drbdsetup cannot be run or does not know res
 * once its dump is done. */
int hc_drbd_wait_synced(const char *res, const hc_drbd_follow_opts *opts,
                        int timeout_ms, int interval_ms,
                        void (*fn)(const char *line, void *data), void *data,
                        char **ret_err);

#endif
