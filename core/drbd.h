/* DRBD replication state, as the kernel reports it: one model fed by
 * /proc/drbd (DRBD 8.4), `drbdsetup events2` lines (8.4 through drbd-utils
 * 9, and 9) and `drbdsetup status --json` (9).  Resources hold devices
 * (volumes) and connections; a connection holds one peer device per volume.
 * Sync progress is kept as samples of out-of-sync bytes over time, from
 * which a smoothed speed and an ETA are computed.
 *
 * For a view: hc_drbd_follow_start() (drbd_follow.h) keeps a model up to
 * date from the main loop and calls back on changes (d->dirty set; the
 * view clears it after drawing).  Per resource it holds the local role and
 * each volume's disk; per connection the peer's role and connection
 * state; per peer device the replication state, the peer's disk, the
 * out-of-sync amount and, during a sync, done_pct and eta (speed, ETA,
 * stalled); a ring of recent state changes (history).  The formatters
 * below are what `hacon drbd` prints; hc_drbd_progress_bar() and the
 * fmt helpers serve a pane of any width.  hc_drbd_cib_warnings()
 * (drbd_cib.h) gives the header's warnings.
 *
 * This module needs only libc and GLib (no Pacemaker), so that it can be
 * built statically into the test VMs; the Pacemaker correlation lives in
 * drbd_cib.c. */
#ifndef HC_DRBD_H
#define HC_DRBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define HC_DRBD_NAME_MAX 64
#define HC_DRBD_WORD_MAX 32
#define HC_DRBD_SAMPLES 128
#define HC_DRBD_HISTORY 64

/* One observation of a peer device's out-of-sync amount. */
typedef struct hc_drbd_sample {
    double t;           /* seconds, any clock, increasing */
    uint64_t oos_kib;
} hc_drbd_sample;

typedef struct hc_drbd_eta {
    double speed_kib_s; /* smoothed; < 0 when unknown */
    double eta_s;       /* seconds to go; < 0 when unknown */
    bool stalled;       /* no progress for a while although out of sync */
} hc_drbd_eta;

/* The estimator, a pure function of the samples (oldest first) and of the
 * time now (same clock).  Only the samples since the last restart (the
 * out-of-sync amount grew) and since the sync's first progress count;
 * their per-interval rates are averaged with weights exp(-age / tau_s)
 * times the interval's length, so a change of speed shows within a few
 * tau, and time since the last sample counts at zero speed.  No progress for 2*tau (or more than 10 s) means
 * stalled: speed 0, ETA unknown.  Returns 0, or -EINVAL on bad arguments. */
int hc_drbd_eta_compute(const hc_drbd_sample *s, size_t n, double now,
                        double tau_s, hc_drbd_eta *ret);

#define HC_DRBD_ETA_TAU 4.0

typedef struct hc_drbd_peer_device {
    int volume;
    char repl[HC_DRBD_WORD_MAX];       /* Established, SyncSource, Off... */
    char peer_disk[HC_DRBD_WORD_MAX];  /* UpToDate, Inconsistent, DUnknown */
    char resync_suspended[HC_DRBD_WORD_MAX]; /* "no", "user,peer"... */
    uint64_t oos_kib;
    uint64_t sent_kib, received_kib;
    uint64_t pending, unacked;
    /* Progress of the running sync or verify: the kernel's figures when
     * it gives them (/proc/drbd, 9's done:), else from the samples. */
    uint64_t sync_total_kib;   /* out of sync when this sync began */
    bool saw_sync_start;       /* the change into the sync was seen, so
                                * sync_total_kib is the real total (a
                                * dump taken mid-sync does not tell) */
    double done_pct;           /* < 0 unknown */
    double kernel_speed_kib_s; /* /proc/drbd "speed:"; < 0 unknown */
    double kernel_eta_s;       /* /proc/drbd "finish:"; < 0 unknown */
    double kernel_done_pct;    /* /proc/drbd "sync'ed:" or "verified:" as
                                * printed (8.4 rounds it to its bitmap's
                                * 4 MiB units); < 0 unknown */
    hc_drbd_sample samples[HC_DRBD_SAMPLES];
    size_t n_samples;
    hc_drbd_eta eta;           /* hc_drbd_eta_compute() at the last update */
} hc_drbd_peer_device;

typedef struct hc_drbd_connection {
    int peer_node_id;
    char name[HC_DRBD_NAME_MAX];       /* conn-name, "peer" on 8.4 */
    char cstate[HC_DRBD_WORD_MAX];     /* Connected, StandAlone... in the
                                        * words of events2 and DRBD 9
                                        * (Connecting, not WFConnection) */
    char cstate_proc[HC_DRBD_WORD_MAX]; /* 8.4's /proc/drbd word where it
                                        * differs (WFConnection), or "" */
    char peer_role[HC_DRBD_WORD_MAX];
    bool congested;
    GPtrArray *peer_devices;           /* hc_drbd_peer_device* by volume */
} hc_drbd_connection;

typedef struct hc_drbd_device {
    int volume;
    int minor;
    char disk[HC_DRBD_WORD_MAX];
    uint64_t size_kib, read_kib, written_kib;
    int quorum;                        /* 1, 0, -1 unknown (8.4) */
    bool blocked;
} hc_drbd_device;

typedef struct hc_drbd_change {
    double t;                          /* as the samples */
    char *text;                        /* "role Secondary -> Primary" */
} hc_drbd_change;

typedef struct hc_drbd_resource {
    char name[HC_DRBD_NAME_MAX];       /* "minor<N>" while name_unknown */
    bool name_unknown;                 /* known from /proc/drbd by its
                                        * minor only */
    char role[HC_DRBD_WORD_MAX];
    char suspended[HC_DRBD_WORD_MAX];  /* "no", or why I/O is suspended */
    char write_ordering[HC_DRBD_WORD_MAX];
    bool split_brain;                  /* the split-brain helper ran and no
                                        * peer replicated since */
    GPtrArray *devices;                /* hc_drbd_device* */
    GPtrArray *connections;            /* hc_drbd_connection* */
    hc_drbd_change history[HC_DRBD_HISTORY]; /* ring, oldest at hist_first */
    size_t hist_first, hist_len;
} hc_drbd_resource;

typedef enum hc_drbd_source {
    HC_DRBD_SRC_NONE = 0,
    HC_DRBD_SRC_PROC = 1,
    HC_DRBD_SRC_EVENTS2 = 2,
    HC_DRBD_SRC_JSON = 4,
} hc_drbd_source;

typedef struct hc_drbd {
    char version[HC_DRBD_WORD_MAX];    /* kernel module, "8.4.11" */
    int version_major;                 /* 8, 9, 0 unknown */
    GPtrArray *resources;              /* hc_drbd_resource*, sorted */
    unsigned sources;                  /* hc_drbd_source bits seen */
    bool dump_done;                    /* events2 "exists -" seen */
    bool dirty;                        /* set on every change; views clear */
    double last_update;
    /* The first parse error: line number (1-based) and reason. */
    int err_line;
    char err[128];
} hc_drbd;

/* New empty model; free with hc_drbd_free() (NULL is fine). */
hc_drbd *hc_drbd_new(void);
void hc_drbd_free(hc_drbd *d);
/* Forgets all resources (when the events2 child restarts, its dump
 * rebuilds them). */
void hc_drbd_clear(hc_drbd *d);

hc_drbd_resource *hc_drbd_find(const hc_drbd *d, const char *name);
hc_drbd_device *hc_drbd_find_minor(const hc_drbd *d, int minor,
                                   hc_drbd_resource **ret_res);

/* Feeds a whole /proc/drbd text observed at time now.  Minors are mapped
 * to resources already in the model (from events2); others get the name
 * given by names (a "minor=name" GHashTable of char*, may be NULL) or
 * "minor<N>".  Returns 0, or -EINVAL with d->err/err_line set (the lines
 * before the error are applied). */
int hc_drbd_feed_proc(hc_drbd *d, const char *buf, size_t len, double now,
                      GHashTable *names);

/* Reads the minors of `drbdsetup show` or `drbdadm dump` output (both
 * write "resource NAME {" and, inside, "device ... minor N;") into names,
 * "N" -> "NAME" (both g_strdup'ed: create the table with g_free for key
 * and value).  Returns the number of minors found. */
int hc_drbd_parse_config_minors(const char *buf, size_t len,
                                GHashTable *names);

/* Takes the size of every device of d whose size is not known from the
 * device with the same minor in ref (one read from events2). */
void hc_drbd_take_sizes(hc_drbd *d, const hc_drbd *ref);

/* Gives the resources known by their minor only (name_unknown, from
 * /proc/drbd) the names of names ("N" -> "NAME"), keeping their state,
 * samples and history.  Returns how many were renamed, -EEXIST (some
 * renamed) when a name is already another resource's (two volumes of one
 * resource: the caller clears the model and feeds /proc/drbd again with
 * names), -EINVAL without a model or names. */
int hc_drbd_name_minors(hc_drbd *d, GHashTable *names);

/* Feeds one `drbdsetup events2 [--timestamps] [--statistics]` line (no
 * newline needed).  now < 0 means use the line's timestamp (replays).
 * Returns 0, 1 when the line ended the initial dump ("exists -"), or
 * -EINVAL for a malformed line (d->err set). */
int hc_drbd_feed_events2_line(hc_drbd *d, const char *line, size_t len,
                              double now);

/* Feeds a whole events2 text, line by line; returns as the line function,
 * stopping at the first error. */
int hc_drbd_feed_events2(hc_drbd *d, const char *buf, size_t len,
                         double now);

/* Feeds `drbdsetup status --json` (DRBD 9 only: drbdsetup-84 has no
 * --json), observed at time now.  Returns 0, or -EINVAL with d->err set
 * (the byte offset of a syntax error). */
int hc_drbd_feed_status_json(hc_drbd *d, const char *buf, size_t len,
                             double now);

/* Parses the version line of /proc/drbd or the DRBD_KERNEL_VERSION_CODE
 * line of `drbdadm --version` into major (8, 9).  Returns 0 or -ENOENT. */
int hc_drbd_parse_version(const char *buf, size_t len, int *ret_major,
                          char *ret_version, size_t n);

/* Is this replication state a resync, a verify, paused? */
bool hc_drbd_repl_is_sync(const char *repl);
bool hc_drbd_repl_is_verify(const char *repl);

/* "[=======>............]" of width cols (>= 3) for pct in 0..100, into
 * buf (>= cols + 1 bytes). */
const char *hc_drbd_progress_bar(char *buf, size_t n, double pct, int cols);

/* "1:02:03", "0:00:09" or "?" for a negative number of seconds. */
const char *hc_drbd_fmt_duration(char *buf, size_t n, double s);

/* Human size of KiB: "64.0 MiB". */
const char *hc_drbd_fmt_kib(char *buf, size_t n, double kib);

/* The resource's name as a person reads it: its name, or "minor 1 (name
 * unknown)" (not escaped). */
const char *hc_drbd_display_name(const hc_drbd_resource *r, char *buf,
                                 size_t n);

/* Appends the model as text (what `hacon drbd` prints), one block per
 * resource, lines under 80 columns; untrusted names are escaped.  With
 * history, the recent state changes of each resource follow. */
void hc_drbd_format_text(const hc_drbd *d, GString *out, bool history);

/* Appends the model as one JSON object. */
void hc_drbd_format_json(const hc_drbd *d, GString *out);

/* One line for a follower's log: "r0 peer/0 SyncSource 43.8% ..." per
 * peer device, each line ending in '\n'. */
void hc_drbd_format_brief(const hc_drbd *d, GString *out);

#endif
