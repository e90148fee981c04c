/* What the DRBD step of the setup may do to each node's backing disk: a
 * pure function of what was found on the disks, so that the rule that
 * protects the admin's data is tested on its own (tests/unit/test_drbd_disk.c).
 *
 * A backing disk that holds anything (DRBD meta data, a filesystem or any
 * other signature wipefs or blkid sees) is never given create-md, and
 * then nothing is promoted with --force and no filesystem is made: r0 is
 * only brought up (drbdadm up), or left to Pacemaker when Pacemaker
 * manages it.  Only a disk that the admin named for overwriting (node and
 * device, outside the answers file) gets create-md --force. */
#ifndef HC_DRBD_DISK_H
#define HC_DRBD_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What was found on one node. */
typedef struct hc_drbd_disk_probe {
    bool up;             /* `drbdadm cstate` answers: r0 is configured in
                          * the kernel there (its disk is in use) */
    bool meta_data;      /* drbdmeta found DRBD meta data on the disk */
    const char *gi;      /* its generation identifiers (get-gi), or NULL */
    const char *signatures; /* wipefs's list of signatures; NULL or ""
                          * when it found none */
    uint64_t size;       /* bytes, 0 unknown */
    bool overwrite;      /* the admin named this node's disk to overwrite */
} hc_drbd_disk_probe;

typedef enum hc_drbd_disk_action {
    HC_DRBD_DISK_KEEP,      /* r0 runs there: nothing to do */
    HC_DRBD_DISK_UP,        /* holds data, r0 down: drbdadm up */
    HC_DRBD_DISK_PACEMAKER, /* holds data, r0 down: Pacemaker brings it up */
    HC_DRBD_DISK_CREATE,    /* empty: create-md, then up */
    HC_DRBD_DISK_OVERWRITE, /* holds data, named by the admin: create-md
                             * --force, then up */
} hc_drbd_disk_action;

typedef struct hc_drbd_disk_plan {
    hc_drbd_disk_action action[2];
    /* Both disks start with new meta data and no data: the first node is
     * promoted with --force (the initial full sync) and the filesystem is
     * made on the DRBD device.  Never when a disk keeps data. */
    bool initial;
} hc_drbd_disk_plan;

/* Does the probe show data (meta data or a signature)? */
bool hc_drbd_disk_has_data(const hc_drbd_disk_probe *p);

/* The plan for the two nodes (this node first).  pacemaker: the CIB has
 * an ocf:linbit:drbd resource for r0. */
void hc_drbd_disk_decide(const hc_drbd_disk_probe probe[2], bool pacemaker,
                         hc_drbd_disk_plan *ret);

const char *hc_drbd_disk_action_str(hc_drbd_disk_action a);

/* The fencing policy that `drbdsetup show RES` text (len bytes) shows the
 * running resource with: "" when it is up with the option at its default
 * (none, which drbdsetup show leaves out), NULL when the text shows no
 * resource (it is down).  g_free() the result. */
char *hc_drbd_show_fencing(const char *text, size_t len);

#endif
