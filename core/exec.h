/* The one way hacon runs a program: argv (never a shell string), an
 * optional node to run it on over ssh, a deadline, captured output and exit
 * status.  Every run is appended to the transcript that the console shows;
 * the transcript is bounded (HC_TRANSCRIPT_ENTRIES entries, the newest
 * kept, each with at most HC_TRANSCRIPT_KEEP bytes of each output: its
 * head and its tail). */
#ifndef HC_EXEC_H
#define HC_EXEC_H

#include <stdarg.h>
#include <stdbool.h>
#include <glib.h>

typedef struct hc_exec_result {
    int status;         /* exit status; 128+N when killed by signal N */
    bool timed_out;     /* the deadline passed and the child was killed */
    bool spawn_failed;  /* the program could not be started */
    char *out;          /* captured stdout, NUL-terminated (g_free) */
    char *err;          /* captured stderr, NUL-terminated (g_free) */
    double ms;          /* wall time */
    size_t out_len;     /* bytes in out (out may hold NUL bytes) */
} hc_exec_result;

typedef struct hc_exec_opts {
    const char *node;     /* NULL: run here; else "ssh -- node argv" (the
                           * "--" so that a node name is never an option;
                           * ssh -F $HACON_SSH_CONFIG when that is set;
                           * one connection per node shared: see
                           * hc_exec_ssh_dir()) */
    int timeout_ms;       /* 0: 30 s */
    const char *input;    /* written to the child's stdin, or NULL */
    const char *input_file; /* the child's stdin is this local file
                             * (opened here; input is then ignored) */
    const char *const *env; /* extra NAME=VALUE entries, NULL-terminated */
    bool same_group;      /* stay in the caller's process group (a caller
                           * that is itself a group to be killed as one);
                           * default: a group of its own */
    bool secret_output;   /* stdout is a secret (a key read from a node):
                           * the transcript keeps only its size */
} hc_exec_opts;

/* Runs argv synchronously with its deadline and fills *res (free with
 * hc_exec_result_clear()).  The deadline covers the whole run: a child
 * still there when it passes (output open or not) is killed with its
 * process group.  Returns 0 when the program ran (whatever its exit
 * status), or a negative errno when it could not be started (no pipe, no
 * fork); then nothing is left open or allocated and *res is empty.
 * opts->env is added to a copy of the environment made before the fork. */
int hc_exec(const char *const *argv, const hc_exec_opts *opts,
            hc_exec_result *res);

void hc_exec_result_clear(hc_exec_result *res);

/* Reads that nothing needs after the caller is gone (the console's
 * background reads: sbd, a remote lease file).  hc_exec_set_reader(true)
 * marks the calling thread: the children its hc_exec() calls start (each
 * a process group of its own) are killed with their group by
 * hc_exec_kill_readers(), which the console calls when it ends (quit,
 * SIGHUP, SIGTERM).  Commands that change the cluster are never marked:
 * they finish their cleanup. */
void hc_exec_set_reader(bool on);
void hc_exec_kill_readers(void);

/* In a child between fork and exec (async-signal-safe): no signal held.
 * A caller that holds signals back (hacon setup apply, until its step is
 * applied or rolled back) must not pass that on: the command, or a daemon
 * it starts, must end on the SIGTERM that stops it. */
void hc_exec_child_signals(void);

/* Commands on a node share one ssh connection per node and process
 * (ControlMaster=auto, unless the admin's ssh_config shares connections
 * itself or HACON_SSH_SHARE=no): its socket is in this directory, 0700
 * ($XDG_RUNTIME_DIR/hacon, /run/hacon for root, else /tmp/hacon-UID);
 * newly allocated. */
char *hc_exec_ssh_dir(void);
/* Ends this process's shared connections (ssh -O exit) and removes their
 * sockets, and kills its ssh commands still running in other threads (one
 * still logging in would become a master after it); done at exit, and
 * by a handler when SIGTERM, SIGHUP or SIGINT (left to its default action
 * when the first connection was made) ends the process.  A later command
 * on a node connects again.  A process killed by SIGKILL leaves its
 * masters to end 10 s after their last command (ControlPersist). */
void hc_exec_ssh_close(void);
/* The console lends its connections to the `hacon setup` child it starts
 * (child: its PID, the child's environment holding HACON_SSH_OWNER=the
 * console's PID), and takes them back when the child has ended (0): each
 * master the children made is then held by an idle session of the
 * console's, until the next child or the console's end, which ends them
 * (unless a child still runs: it ends them when it ends). */
void hc_exec_ssh_lend(pid_t child);

/* Collects the const char* arguments of ap up to a NULL into a new
 * NULL-terminated argv (g_strfreev()): for functions that take a command
 * as their last, NULL-terminated arguments. */
char **hc_argv_from_va(va_list ap);

/* The command line as the transcript shows it, shell-quoted for copying;
 * newly allocated. */
char *hc_exec_cmdline(const char *const *argv, const char *node);

/* Transcript: every command hacon ran, its status and output. */
typedef struct hc_transcript_entry {
    char *cmdline;
    char *node;
    int status;
    bool timed_out;
    double ms;
    char *out;          /* as kept: see HC_TRANSCRIPT_KEEP */
    char *err;
    time_t when;
    guint64 seq;        /* 0 for the first entry ever added, then +1 */
} hc_transcript_entry;

/* The newest entries kept; older ones are dropped. */
#define HC_TRANSCRIPT_ENTRIES 500
/* Bytes of one output kept: output longer than this keeps its first and
 * last HC_TRANSCRIPT_KEEP / 2 bytes around a line that says how many
 * bytes were left out. */
#define HC_TRANSCRIPT_KEEP 8192

/* The process-wide transcript (GPtrArray of hc_transcript_entry*), oldest
 * first.  Never NULL.  Read it under hc_transcript_lock(). */
GPtrArray *hc_transcript(void);

/* The seq the next entry will get: entries with seq >= a value taken
 * before some commands ran are those commands (and later ones). */
guint64 hc_transcript_next_seq(void);

/* Adds e (taking it) as the newest entry: sets e->seq, cuts out and err
 * to HC_TRANSCRIPT_KEEP, drops the oldest entries beyond
 * HC_TRANSCRIPT_ENTRIES, calls the listener.  Takes the lock itself. */
void hc_transcript_append(hc_transcript_entry *e);

/* The text kept of an output of len bytes: s itself (a copy) when it is
 * short, else its head, a line "[... N bytes not kept ...]" and its tail.
 * Newly allocated. */
char *hc_transcript_bound(const char *s, size_t len);

/* hc_exec may run in a worker thread (the failover test's actions): a
 * reader of hc_transcript() in another thread holds this lock while it
 * reads. */
void hc_transcript_lock(void);
void hc_transcript_unlock(void);
/* Called after every entry is added (the console marks its pane dirty);
 * from the thread that ran the command, which may not be the main loop's. */
void hc_transcript_set_listener(void (*fn)(void *), void *data);

/* A process run by another hacon (the console's `hacon setup` child)
 * hands each command it runs to its parent's transcript: set fd, every
 * entry added is then also written there as one record line. */
void hc_transcript_set_sink(int fd);
/* One entry as a record line ("hct1", when, status, timed out, ms, then
 * node, command line, stdout and stderr, C-escaped, tab-separated; the
 * outputs cut at 2 KiB); newly allocated. */
char *hc_transcript_record(const hc_transcript_entry *e);
/* Parses a record line and appends its entry to this process's
 * transcript (the listener is called): 0, or -EINVAL for a line that is
 * not a record. */
int hc_transcript_add_record(const char *buf, size_t len);

#endif
