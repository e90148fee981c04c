/* The one way hacon runs a program: argv (never a shell string), an
 * optional node to run it on over ssh, a deadline, captured output and exit
 * status.  Every run is appended to the transcript that the console shows. */
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
    const char *node;     /* NULL: run here; else "ssh node -- argv"
                           * (ssh -F $HACON_SSH_CONFIG when that is set) */
    int timeout_ms;       /* 0: 30 s */
    const char *input;    /* written to the child's stdin, or NULL */
    const char *const *env; /* extra NAME=VALUE entries, NULL-terminated */
    bool same_group;      /* stay in the caller's process group (a caller
                           * that is itself a group to be killed as one);
                           * default: a group of its own */
} hc_exec_opts;

/* Runs argv synchronously with its deadline and fills *res (free with
 * hc_exec_result_clear()).  Returns 0 when the program ran (whatever its
 * exit status), or a negative errno when it could not be started. */
int hc_exec(const char *const *argv, const hc_exec_opts *opts,
            hc_exec_result *res);

void hc_exec_result_clear(hc_exec_result *res);

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
    char *out;
    char *err;
    time_t when;
} hc_transcript_entry;

/* The process-wide transcript (GPtrArray of hc_transcript_entry*), oldest
 * first.  Never NULL. */
GPtrArray *hc_transcript(void);

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
