/* The failover test's DRBD state reader (hc_fo_drbd_reader) for the node
 * hacon runs on: the kernel's own view, which holds both sides of each
 * resource (this node's role and disk, the peer's role and disk). */
#ifndef HC_FAILOVER_DRBD_H
#define HC_FAILOVER_DRBD_H

/* Reads DRBD here: /proc/drbd (8.4), with the resource names learnt once
 * from `drbdsetup events2 --now`; on DRBD 9, events2 each time.  One line
 * per resource, "r0 alpha Secondary/UpToDate peer Primary/UpToDate
 * Connected" (and the sync's progress and ETA while one runs).  Returns 0
 * when every resource is connected with both disks UpToDate and is Primary
 * on primary_node (this node's name or its peer's), 1 when not, or a
 * negative errno.  data: NULL. */
int hc_failover_drbd_local(const char *primary_node, char **ret_text,
                           void *data);

#endif
