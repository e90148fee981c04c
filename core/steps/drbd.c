/* Step 5: the replicated storage.  With DRBD: r0.res in the syntax of the
 * installed DRBD (ERRATA 4-8) on both nodes, create-md and up on both,
 * primary --force once (both disks start Inconsistent), the initial sync
 * waited for, mkfs on the device, the mount point on both nodes.  Where
 * the DRBD kernel module is missing the step says so and offers a shared
 * disk the admin names (storage=shared); it never pretends DRBD ran. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drbd.h"
#include "gen_drbd.h"

/* The DRBD syntax a node needs: 8.4 (the kernel's module) or 9. */
typedef enum hc_drbd_version {
    HC_DRBD_84,
    HC_DRBD_9,
} hc_drbd_version;
#include "util.h"
#include "steps/steps.h"

static bool ok_on(hc_wizard *w, const char *node, const char *script,
                  const char *arg)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };

    return hc_wizard_run(w, node, 15000, NULL, NULL, argv) == 0;
}

static char *out_on(hc_wizard *w, const char *node, const char *script,
                    const char *arg)
{
    const char *argv[] = { "sh", "-c", script, "sh", arg, NULL };
    char *out = NULL;

    if (hc_wizard_run(w, node, 15000, &out, NULL, argv) < 0) {
        g_free(out);
        return NULL;
    }
    return g_strstrip(out);
}

/* DRBD 8.4 or 9, from the loaded or loadable module. */
static int drbd_version(hc_wizard *w, const char *node, hc_drbd_version *ret)
{
    const char *ans = hc_wizard_answer(w, "drbd_version");
    char *v;

    if (strcmp(ans, "auto")) {
        *ret = !strcmp(ans, "9") ? HC_DRBD_9 : HC_DRBD_84;
        return 0;
    }
    v = out_on(w, node, "sed -n 's/^version: \\([0-9.]*\\).*/\\1/p' "
               "/proc/drbd 2>/dev/null | grep . || modinfo -F version drbd "
               "2>/dev/null", "");
    if (!v || !*v) {
        g_free(v);
        return -ENOENT;
    }
    *ret = g_str_has_prefix(v, "8.") ? HC_DRBD_84 : HC_DRBD_9;
    g_free(v);
    return 0;
}

static void mount_point(hc_wizard *w, hc_plan *p, const char *nodes[2])
{
    const char *mnt = hc_wizard_answer(w, "mountpoint");

    for (int i = 0; i < 2; i++) {
        if (!ok_on(w, i ? nodes[1] : NULL, "test -d \"$1\"", mnt)) {
            hc_plan_cmd_add(p, i ? nodes[1] : NULL, 15000,
                            "the mount point, on both nodes", "mkdir", "-p",
                            mnt, NULL);
        }
    }
}

static void mkfs_if_empty(hc_wizard *w, hc_plan *p, const char *dev)
{
    const char *fst = hc_wizard_answer(w, "fstype");
    char *have = out_on(w, NULL, "blkid -o value -s TYPE \"$1\" || true", dev);
    char *mkfs = g_strdup_printf("mkfs.%s", fst);

    if (have && *have) {
        if (strcmp(have, fst)) {
            hc_plan_note(p, "%s already has a %s filesystem: kept (answer "
                         "fstype=%s to match it)", dev, have, have);
        }
    } else {
        hc_plan_cmd_add(p, NULL, 600000, "a filesystem on the device (it "
                        "has none); the tutorial uses ext3", mkfs, "-q", dev,
                        NULL);
    }
    g_free(mkfs);
    g_free(have);
}

static int drbd_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    bool shared = strcmp(hc_wizard_answer(w, "storage"), "drbd") != 0;
    int rc = 0;

    if (shared) {
        const char *disk = hc_wizard_answer(w, "shared_disk");

        for (int i = 0; i < 2; i++) {
            if (!ok_on(w, i ? nodes[1] : NULL, "test -b \"$1\"", disk)) {
                *ret_err = g_strdup_printf("%s: shared_disk=%s (storage="
                                           "shared) is not a block device "
                                           "there: answer shared_disk= a "
                                           "disk both nodes see", nodes[i],
                                           disk);
                return -ENOENT;
            }
        }
        hc_plan_note(p, "storage=shared: no DRBD; %s is one disk both nodes "
                     "see, mounted by the active node only.", disk);
        {
            /* Block major 7: a loop device standing in for a disk (the
             * test cluster's /dev/drbd1); said, never passed off as DRBD. */
            char *major = out_on(w, NULL, "stat -L -c %t \"$1\"", disk);

            if (major && !strcmp(major, "7")) {
                hc_plan_note(p, "%s is a loop device (block major 7), not "
                             "DRBD: nothing is replicated.", disk);
            }
            g_free(major);
        }
        mkfs_if_empty(w, p, disk);
        mount_point(w, p, nodes);
    } else {
        const char *res = hc_wizard_answer(w, "drbd_resource");
        char *path = g_strdup_printf("/etc/drbd.d/%s.res", res), *text;
        hc_drbd_version v[2];
        const char *dev = hc_wizard_answer(w, "drbd_device");
        const char *digits = dev + strcspn(dev, "0123456789");
        hc_drbd_res_opts r = {
            .name = res, .minor = atoi(digits),
            .disk = hc_wizard_answer(w, "drbd_disk"),
            .port = atoi(hc_wizard_answer(w, "drbd_port")),
            .hosts = { { hc_wizard_answer(w, "node1"),
                         hc_wizard_answer(w, "node1_ha") },
                       { hc_wizard_answer(w, "node2"),
                         hc_wizard_answer(w, "node2_ha") } },
            /* Pacemaker's fence handlers, as ERRATA row 5 says. */
            .fencing = true,
        };
        GString *res_text = g_string_new(NULL);
        const char *why = NULL;

        for (int i = 0; i < 2; i++) {
            if (drbd_version(w, i ? nodes[1] : NULL, &v[i]) < 0) {
                const char *sd = hc_wizard_answer(w, "shared_disk");
                bool both = ok_on(w, NULL, "test -b \"$1\"", sd)
                            && ok_on(w, nodes[1], "test -b \"$1\"", sd);

                *ret_err = g_strdup_printf("%s has no DRBD kernel module "
                                           "(storage=drbd): install DRBD on "
                                           "both nodes, or answer storage="
                                           "shared and shared_disk= a disk "
                                           "both nodes see (shared_disk=%s "
                                           "is%s a block device on both)",
                                           nodes[i], sd, both ? "" : " not");
                g_free(path);
                return -ENOENT;
            }
        }
        if (v[0] != v[1]) {
            *ret_err = g_strdup("the nodes run different DRBD versions");
            g_free(path);
            return -EINVAL;
        }
        r.drbd_major = v[0] == HC_DRBD_9 ? 9 : 8;
        if (hc_gen_drbd_res(&r, res_text, &why) < 0) {
            *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                       why ? why : "bad answers");
            g_string_free(res_text, TRUE);
            g_free(path);
            return -EINVAL;
        }
        text = g_string_free(res_text, FALSE);
        for (int i = 0; rc == 0 && i < 2; i++) {
            rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, path, text,
                                  strlen(text), 0644, false, ret_err);
        }
        g_free(text);
        g_free(path);
        if (rc < 0) {
            return rc;
        }
        hc_plan_note(p, "Tutorial says: r0.res split in two blocks, "
                     "allow-two-primaries, fencing in disk{}, \"drbdadm "
                     "primary r0\". hacon writes one file in DRBD %s syntax, "
                     "one primary at a time, and promotes with --force once "
                     "(both disks start Inconsistent) (ERRATA 4-8).",
                     v[0] == HC_DRBD_9 ? "9" : "8.4");
        if (!ok_on(w, NULL, "drbdadm cstate \"$1\" >/dev/null 2>&1", res)) {
            for (int i = 0; i < 2; i++) {
                hc_plan_cmd_add(p, i ? nodes[1] : NULL, 60000,
                                "DRBD meta data at the end of the disk",
                                "drbdadm", "create-md", "--force", res, NULL);
                hc_plan_cmd_add(p, i ? nodes[1] : NULL, 60000,
                                "attach and connect", "drbdadm", "up", res,
                                NULL);
            }
            hc_plan_cmd_add(p, NULL, 60000, "the first promotion starts the "
                            "initial full sync", "drbdadm", "primary",
                            "--force", res, NULL);
            hc_plan_cmd_add(p, NULL, 120000, "wait until the nodes are "
                            "connected; the initial sync then runs on, "
                            "followed with its progress and ETA before the "
                            "step ends", "drbdadm", "wait-connect", res, NULL);
            g_hash_table_replace(p->data, g_strdup("initial_sync"),
                                 g_strdup(res));
            hc_plan_note(p, "After wait-connect the step follows the initial "
                         "sync (progress, speed, ETA) until both disks are "
                         "UpToDate, then makes the filesystem.");
            hc_plan_crm(p, "drbdadm create-md %s; drbdadm up %s   # on both",
                        res, res);
            hc_plan_crm(p, "drbdadm primary --force %s   # on %s", res,
                        nodes[0]);
            char *mkfs = g_strdup_printf("mkfs.%s",
                                         hc_wizard_answer(w, "fstype"));

            hc_plan_cmd_add(p, NULL, 600000, "a filesystem on the DRBD device",
                            mkfs, "-q", dev, NULL);
            g_free(mkfs);
        }
        mount_point(w, p, nodes);
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup(shared ? "shared disk with a filesystem, "
                                  "mount point on both nodes"
                                  : "r0 configured and up"));
    return 0;
}

/* Follows the initial sync of res in this node's /proc/drbd (DRBD 8.4;
 * 9 has none, its sync is left to `hacon drbd`) until both disks are
 * UpToDate: one progress line when the state changes and every few
 * seconds, with the speed and ETA of the estimator in core/drbd.c.  The
 * step must not end before: the service's resources would start on a
 * node whose peer cannot take over yet.  Read here, not through
 * hc_wizard_run(): twice a second would flood the transcript. */
static int follow_initial_sync(hc_wizard *w, const char *res, char **ret_err)
{
    double deadline = hc_now_ms()
                      + 1000.0 * atoi(hc_wizard_answer(w, "timeout")) * 5;
    const char *dev = hc_wizard_answer(w, "drbd_device");
    char *minor = g_strdup_printf("%d", atoi(dev + strcspn(dev, "0123456789")));
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    hc_drbd *d = hc_drbd_new();
    char *last = NULL;
    double last_ms = 0;
    int rc = -ETIMEDOUT;

    g_hash_table_insert(names, minor, (char *) res);
    while (hc_now_ms() < deadline) {
        char *buf = NULL, *line = NULL;
        size_t len = 0;
        hc_drbd_resource *r;
        GString *brief;
        bool synced = false;

        if (hc_read_file("/proc/drbd", &buf, &len) < 0) {
            g_free(buf);
            *ret_err = g_strdup("no /proc/drbd: is the DRBD 8.4 module "
                                "loaded?");
            rc = -ENOENT;
            break;
        }
        hc_drbd_feed_proc(d, buf, len, hc_now_ms() / 1000.0, names);
        g_free(buf);
        r = hc_drbd_find(d, res);
        if (!r) {
            /* DRBD 9 or a resource the module does not show: nothing to
             * follow here. */
            rc = 0;
            break;
        }
        brief = g_string_new(NULL);
        hc_drbd_format_brief(d, brief);
        line = g_strstrip(g_string_free(brief, FALSE));
        for (guint i = 0; i < r->devices->len && r->connections->len; i++) {
            hc_drbd_device *v = r->devices->pdata[i];
            hc_drbd_connection *c = r->connections->pdata[0];
            hc_drbd_peer_device *pd = c->peer_devices->len
                                      ? c->peer_devices->pdata[0] : NULL;

            synced = !strcmp(v->disk, "UpToDate") && pd
                     && !strcmp(pd->peer_disk, "UpToDate");
        }
        if (g_strcmp0(line, last) && (hc_now_ms() - last_ms > 3000 || synced
                                      || !last)) {
            hc_wizard_progress(w, "initial sync: %s", line);
            g_free(last);
            last = line;
            last_ms = hc_now_ms();
        } else {
            g_free(line);
        }
        if (synced) {
            rc = 0;
            break;
        }
        g_usleep(500 * 1000);
    }
    if (rc == -ETIMEDOUT) {
        *ret_err = g_strdup_printf("the initial sync of %s did not end in "
                                   "time: %s", res, last ? last : "no state");
    }
    g_free(last);
    hc_drbd_free(d);
    g_hash_table_destroy(names);
    g_free(minor);
    return rc;
}

/* The engine's apply, with the initial sync followed right after
 * wait-connect, before the filesystem is made. */
static int drbd_apply(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *sync_res = g_hash_table_lookup(p->data, "initial_sync");
    int rc = hc_wizard_apply_files(w, p, ret_err);

    for (guint i = 0; rc == 0 && i < p->cmds->len; i++) {
        hc_plan_cmd *c = p->cmds->pdata[i];

        rc = hc_wizard_apply_cmd(w, c, ret_err);
        if (rc == 0 && sync_res && !c->node && c->argv[1]
            && !strcmp(c->argv[1], "wait-connect")) {
            rc = follow_initial_sync(w, sync_res, ret_err);
        }
    }
    return rc;
}

static int drbd_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    bool shared = strcmp(hc_wizard_answer(w, "storage"), "drbd") != 0;
    const char *dev = shared ? hc_wizard_answer(w, "shared_disk")
                             : hc_wizard_answer(w, "drbd_device");
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };
    char *fs = out_on(w, NULL, "blkid -o value -s TYPE \"$1\"", dev);
    if (!fs || !*fs) {
        *ret_err = g_strdup_printf("no filesystem on %s", dev);
        g_free(fs);
        return -EPROTO;
    }
    g_free(fs);
    for (int i = 0; i < 2; i++) {
        if (!ok_on(w, nodes[i], "test -d \"$1\"",
                   hc_wizard_answer(w, "mountpoint"))) {
            *ret_err = g_strdup_printf("no mount point %s on %s",
                                       hc_wizard_answer(w, "mountpoint"),
                                       nodes[i] ? nodes[i] : "this node");
            return -EPROTO;
        }
    }
    if (!shared && !ok_on(w, NULL, "drbdadm dump \"$1\" >/dev/null",
                          hc_wizard_answer(w, "drbd_resource"))) {
        *ret_err = g_strdup("drbdadm dump refuses the configuration");
        return -EPROTO;
    }
    return 0;
}

static int drbd_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_drbd, ret, why);
}

const hc_step hc_step_drbd = {
    .name = "drbd",
    .title = "Replicated storage (DRBD r0) or a shared disk",
    .tutorial = "r0.res, create-md and up on both nodes, primary, mkfs.ext3 "
                "/dev/drbd1",
    .hacon = "r0.res for the installed DRBD checked with drbdadm, "
             "primary --force once, mkfs, the mount point on both nodes; "
             "without the DRBD module, a shared disk the admin names",
    .check = drbd_check,
    .plan = drbd_plan,
    .apply = drbd_apply,
    .verify = drbd_verify,
};

/* What the nodes say about storage, for the answers the admin left at
 * their defaults: a node without the DRBD module cannot run storage=drbd,
 * so storage=shared, with the first of the named disks (shared_disk,
 * drbd_disk) that is a block device on both nodes.  A peer that ssh
 * cannot reach tells nothing: the defaults stay. */
int hc_steps_detect_storage(hc_wizard *w)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    const char *cand[2];
    char *cands[2];
    GString *why;
    hc_drbd_version v;
    int missing = -1;

    if (hc_wizard_answer_origin(w, "storage", NULL) == HC_ANSWER_FILE) {
        return 0;
    }
    if (!ok_on(w, nodes[1], "true", "")) {
        return -EHOSTUNREACH;
    }
    for (int i = 0; i < 2 && missing < 0; i++) {
        if (drbd_version(w, i ? nodes[1] : NULL, &v) < 0) {
            missing = i;
        }
    }
    if (missing < 0) {
        return 0;
    }
    why = g_string_new(NULL);
    g_string_printf(why, "%s has no DRBD kernel module", nodes[missing]);
    cands[0] = g_strdup(hc_wizard_answer(w, "shared_disk"));
    cands[1] = g_strdup(hc_wizard_answer(w, "drbd_disk"));
    cand[0] = cands[0];
    cand[1] = cands[1];
    if (hc_wizard_answer_origin(w, "shared_disk", NULL) == HC_ANSWER_FILE) {
        cand[1] = NULL;     /* the admin named the disk */
    }
    for (int k = 0; k < 2; k++) {
        if (cand[k] && ok_on(w, NULL, "test -b \"$1\"", cand[k])
            && ok_on(w, nodes[1], "test -b \"$1\"", cand[k])) {
            char *disk_why = g_strdup_printf("%s is a block device on %s and "
                                             "%s (the disk that is there)",
                                             cand[k], nodes[0], nodes[1]);

            char *err = NULL;

            hc_wizard_set_detected(w, "shared_disk", cand[k], disk_why, &err);
            g_free(err);
            g_string_append_printf(why, "; %s is a block device on both "
                                   "nodes", cand[k]);
            g_free(disk_why);
            break;
        }
        if (k == 1 || !cand[1]) {
            g_string_append(why, "; no disk found on both nodes: answer "
                            "shared_disk");
            break;
        }
    }
    {
        char *err = NULL;

        hc_wizard_set_detected(w, "storage", "shared", why->str, &err);
        g_free(err);
    }
    g_string_free(why, TRUE);
    g_free(cands[0]);
    g_free(cands[1]);
    return 0;
}
