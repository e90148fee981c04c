/* The tutorial's DRBD resource file (r0.res), generated in one valid piece
 * (ERRATA 4: the tutorial splits it and leaves a host outside the
 * resource) in the syntax of the DRBD that runs (ERRATA 5: 8.4 keeps
 * `fencing` in disk {} and uses crm-fence-peer.sh / crm-unfence-peer.sh
 * as fence-peer / after-resync-target; 9 keeps it in net {} and uses the
 * .9.sh handlers as fence-peer / unfence-peer, and wants node-ids). */
#ifndef HC_GEN_DRBD_H
#define HC_GEN_DRBD_H

#include <stdbool.h>
#include <glib.h>

typedef struct hc_drbd_res_host {
    const char *name;      /* as `uname -n` prints it */
    const char *address;   /* IPv4 address of the replication link */
} hc_drbd_res_host;

typedef struct hc_drbd_res_opts {
    const char *name;          /* "r0" */
    int drbd_major;            /* 8 (8.4 syntax) or 9 */
    int minor;                 /* 1: /dev/drbd1 */
    const char *disk;          /* backing device, "/dev/sdb1" */
    hc_drbd_res_host hosts[2];
    int port;                  /* 0: 7789 */
    bool fencing;              /* resource-only, with Pacemaker handlers */
    bool stonith;              /* with fencing: resource-and-stonith (the
                                * cluster fences: I/O freezes until the
                                * peer is fenced or its data outdated) */
    const char *resync_rate;   /* NULL, or a fixed rate such as "40M" */
    const char *verify_alg;    /* NULL, or "crc32c"... */
} hc_drbd_res_opts;

/* Appends the resource file to out.  Returns 0, or -EINVAL (with a reason
 * in *ret_why, static) when a name, address, device or number is not
 * something drbdadm would accept. */
int hc_gen_drbd_res(const hc_drbd_res_opts *o, GString *out,
                    const char **ret_why);

#endif
