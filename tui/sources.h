/* The data behind the DRBD and Leases panes, followed from the console's
 * loop (tui/loop.c): the lease file and dhcpd.conf (found in the CIB by
 * leases_locate, or given with --leases/--config) and DRBD (core/drbd_follow
 * live, or a captured /proc/drbd or events2 file with --drbd-proc and
 * --drbd-events2). */
#ifndef HC_SOURCES_H
#define HC_SOURCES_H

#include <stdbool.h>
#include <libxml/tree.h>
#include <glib.h>

#include "model.h"

/* Called by a source after its data changed. */
typedef void (*hc_src_changed_fn)(void *data);

/* A background job (tui/source_job.c): work(job) runs in a thread of its
 * own (its children marked readers, killed when the console ends, with
 * reader), then done(job) in the loop's thread.  false with *ret_err
 * (when not NULL) when no thread could be started: neither runs. */
typedef void (*hc_job_work_fn)(void *job);
typedef void (*hc_job_done_fn)(void *job);
bool hc_job_start(const char *name, bool reader, hc_job_work_fn work,
                  hc_job_done_fn done, void *job, char **ret_err);

typedef struct hc_leases_src hc_leases_src;

/* leases/config: given by the user (env HACON_LEASES, HACON_DHCPD_CONF),
 * or NULL to take them from the CIB (hc_leases_src_cib). */
hc_leases_src *hc_leases_src_new(const char *leases, const char *config,
                                 hc_src_changed_fn fn, void *data);
void hc_leases_src_free(hc_leases_src *s);
/* A new CIB: locates the files again (unless given by the user).  With
 * remote_ok false (a CIB file, whose nodes may be anywhere) the lease file
 * is read here, never over ssh. */
void hc_leases_src_cib(hc_leases_src *s, xmlNode *cib, bool remote_ok);
/* Pane keys: s (sort column), r (reverse), F (filter by the search text),
 * t (only the leases in one state: active, free, ..., then all again).
 * Returns true when the key was the pane's. */
bool hc_leases_src_key(hc_leases_src *s, hc_console *con, int key);
void hc_leases_src_build(hc_leases_src *s, hc_console *con, GPtrArray *lines,
                         int width);
uint64_t hc_leases_src_generation(const hc_leases_src *s);

typedef struct hc_drbd_src hc_drbd_src;

/* proc/events2: captured files (env HACON_DRBD_PROC, HACON_DRBD_EVENTS2),
 * or both NULL to follow the kernel once the CIB has an ocf:linbit:drbd
 * resource or /proc/drbd exists. */
hc_drbd_src *hc_drbd_src_new(const char *proc, const char *events2,
                             hc_src_changed_fn fn, void *data);
void hc_drbd_src_free(hc_drbd_src *s);
/* A new CIB: names /proc/drbd's minors, computes the warnings and, with
 * live_ok (a live cluster, not a CIB file), starts following DRBD when the
 * CIB has an ocf:linbit:drbd resource. */
void hc_drbd_src_cib(hc_drbd_src *s, xmlNode *cib, bool live_ok);
/* DRBD/Pacemaker disagreements, for the header (char*, owned by s). */
const GPtrArray *hc_drbd_src_warnings(const hc_drbd_src *s);
bool hc_drbd_src_active(const hc_drbd_src *s);
void hc_drbd_src_build(hc_drbd_src *s, hc_console *con, GPtrArray *lines,
                       int width);
uint64_t hc_drbd_src_generation(const hc_drbd_src *s);

typedef struct hc_fence_src hc_fence_src;
struct hc_status;

/* Called with an event's name for the loop's timing log (HACON_TIMING). */
typedef void (*hc_fence_log_fn)(void *data, const char *what);

/* The fencer's history (followed by its notifications; with live false, a
 * CIB file, none) and each node's sbd (read in a thread, the other nodes
 * over ssh), for the Fencing section (tui/source_fence.c). */
hc_fence_src *hc_fence_src_new(bool live, hc_src_changed_fn fn,
                               hc_fence_log_fn log, void *data);
void hc_fence_src_free(hc_fence_src *s);
/* Gives st what is known (copies) and takes the nodes to ask from it;
 * starts the first sbd read.  Call it on every new model and from fn. */
void hc_fence_src_apply(hc_fence_src *s, struct hc_status *st);
/* How the history is followed when not by notifications (said in the
 * section), NULL when by notifications. */
const char *hc_fence_src_feed(const hc_fence_src *s);
uint64_t hc_fence_src_generation(const hc_fence_src *s);

typedef struct hc_qdev_src hc_qdev_src;
struct hc_cs_state;

/* The quorum device's heuristics result (corosync-qdevice-tool -s, read
 * in a thread with a deadline), for the Corosync view
 * (tui/source_qdevice.c).  fn(data) after the result changed. */
hc_qdev_src *hc_qdev_src_new(hc_src_changed_fn fn, void *data);
void hc_qdev_src_free(hc_qdev_src *s);
/* Corosync's state changed (cs NULL: not connected): a read follows a
 * change of its membership or quorum; with no quorum device none is made
 * and the result is forgotten. */
void hc_qdev_src_corosync(hc_qdev_src *s, const struct hc_cs_state *cs);
/* The last result ("Pass", "Fail", "Undefined", escaped), NULL when there
 * is none: no quorum device, no heuristics, or not read yet. */
const char *hc_qdev_src_heuristics(const hc_qdev_src *s);
uint64_t hc_qdev_src_generation(const hc_qdev_src *s);

#endif
