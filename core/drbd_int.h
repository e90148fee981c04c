/* What the DRBD model's readers share, not part of the API:
 *   drbd.c          the model, the sync estimator, names from the
 *                   configuration, the text and JSON output
 *   drbd_proc.c     /proc/drbd (DRBD 8.4)
 *   drbd_events2.c  drbdsetup events2 (DRBD 9, and 8.4 through
 *                   drbdsetup-84)
 *   drbd_json.c     drbdsetup status --json */
#ifndef HC_DRBD_INT_H
#define HC_DRBD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drbd.h"

/* Untrusted text into the model. */
/* Copies a word into a field of n bytes, keeping only the characters
 * DRBD uses in names and states (anything else becomes '?'). */
void hc__drbd_copy_word(char *dst, size_t n, const char *src, size_t len);
/* The same; true when the field changed. */
bool hc__drbd_set_word(char *dst, size_t n, const char *src, size_t len);
/* Unsigned decimal with optional thousands commas ("1,236"); returns the
 * number of bytes used, 0 when there is no digit. */
size_t hc__drbd_parse_u64(const char *s, size_t len, uint64_t *ret);
bool hc__drbd_parse_double(const char *s, size_t len, double *ret);
/* s (len bytes, not NUL-terminated) is the word w. */
bool hc__drbd_word_eq(const char *s, size_t len, const char *w);

/* The model's objects, found or made. */
hc_drbd_resource *hc__drbd_resource_get(hc_drbd *d, const char *name);
hc_drbd_device *hc__drbd_device_get(hc_drbd_resource *r, int volume);
hc_drbd_connection *hc__drbd_connection_get(hc_drbd_resource *r,
                                            int peer_node_id,
                                            const char *name);
hc_drbd_peer_device *hc__drbd_peer_device_get(hc_drbd_connection *c,
                                              int volume);

/* Adds a line (text, taken) to the resource's history at time t. */
void hc__drbd_history_add(hc_drbd_resource *r, double t, char *text);
/* Sets a state word and, when it changed from a known value, records the
 * change in the resource's history. */
void hc__drbd_set_state(hc_drbd *d, hc_drbd_resource *r, double t,
                        const char *what, char *field, const char *val,
                        size_t len);
/* A sync seen to begin (from a known state that was no sync) has its
 * total in the first sample; one found already running has not. */
void hc__drbd_note_sync_start(hc_drbd_peer_device *p, bool known,
                              bool was_sync);
/* Records an out-of-sync observation and recomputes the estimate. */
void hc__drbd_peer_device_sample(hc_drbd_peer_device *p, double t,
                                 uint64_t oos, bool kernel_pct);

#endif
