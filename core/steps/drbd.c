/* Step 5: the replicated storage.  With DRBD: r0.res in the syntax of the
 * installed DRBD (ERRATA 4-8) on both nodes, checked with drbdadm -d up
 * before it is written, create-md and up on both, primary --force once
 * (both disks start Inconsistent), the initial sync waited for, mkfs on
 * the device, the mount point on both nodes.  A backing disk that holds
 * anything is never given create-md, --force or mkfs (core/drbd_disk.c
 * decides from what each disk holds): r0 is brought up there, or left to
 * Pacemaker; only the admin's --overwrite NODE:DEVICE starts it over.
 * hc_step_drbd_try() is the tutorial's test by hand.  Where
 * the DRBD kernel module is missing the step says so and offers a shared
 * disk the admin names (storage=shared); it never pretends DRBD ran. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <crm/common/xml.h>

#include "drbd.h"
#include "drbd_disk.h"
#include "drbd_follow.h"
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

static int run_on(hc_wizard *w, const char *node, const char *script,
                  const char *a1, const char *a2, char **ret_out,
                  char **ret_err)
{
    const char *argv[] = { "sh", "-c", script, "sh", a1, a2, NULL };

    return hc_wizard_run(w, node, 15000, ret_out, ret_err, argv);
}

/* ERRATA 4: drbdadm checks the generated file (`drbdadm -d up`, a dry run
 * that only prints what it would do) on each node before anything is
 * written. */
static int dry_run(hc_wizard *w, const char *node, const char *name,
                   const char *path, const char *text, const char *res,
                   char **ret_err)
{
    char *err = NULL;
    int rc = run_on(w, node, "t=$(mktemp) || exit 1; printf '%s' \"$1\" > "
                    "\"$t\"; drbdadm -c \"$t\" -d up \"$2\" 2>&1 >/dev/null; "
                    "rc=$?; rm -f \"$t\"; exit $rc", text, res, NULL, &err);

    if (rc < 0) {
        *ret_err = g_strdup_printf("drbdadm -d up %s refuses the %s hacon "
                                   "would write on %s: %s", res, path, name,
                                   err ? err : "failed");
        g_free(err);
        return -EINVAL;
    }
    return 0;
}

/* The ocf:linbit:drbd primitive of resource res in cib, or NULL. */
static xmlNode *find_drbd_rsc(xmlNode *n, const char *res)
{
    for (; n; n = n->next) {
        xmlNode *hit;

        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (xmlStrEqual(n->name, BAD_CAST "nvpair")) {
            xmlChar *name = xmlGetProp(n, BAD_CAST "name");
            xmlChar *value = xmlGetProp(n, BAD_CAST "value");
            bool match = name && value
                         && xmlStrEqual(name, BAD_CAST "drbd_resource")
                         && xmlStrEqual(value, BAD_CAST res);

            xmlFree(name);
            xmlFree(value);
            if (match) {
                for (xmlNode *up = n->parent; up; up = up->parent) {
                    if (xmlStrEqual(up->name, BAD_CAST "primitive")) {
                        xmlChar *t = xmlGetProp(up, BAD_CAST "type");
                        bool drbd = t && xmlStrEqual(t, BAD_CAST "drbd");

                        xmlFree(t);
                        return drbd ? up : NULL;
                    }
                }
            }
        }
        hit = find_drbd_rsc(n->children, res);
        if (hit) {
            return hit;
        }
    }
    return NULL;
}

/* Does Pacemaker manage res?  From the cluster's CIB, or, when the
 * cluster is stopped here, from the CIB Pacemaker keeps on this node's
 * disk.  *ret_id gets the resource's id (g_free). */
static bool pacemaker_manages(hc_wizard *w, const char *res, char **ret_id)
{
    xmlNode *cib = NULL, *hit;
    xmlDoc *doc = NULL;
    char *err = NULL;
    bool found = false;

    *ret_id = NULL;
    if (hc_wizard_cib(w, &cib, &err) < 0) {
        char *text = NULL;
        size_t len = 0;

        g_free(err);
        err = NULL;
        if (hc_wizard_cib_is_file(w)
            || hc_wizard_read(w, NULL, "/var/lib/pacemaker/cib/cib.xml",
                              &text, &len, &err) < 0 || !text) {
            g_free(err);
            g_free(text);
            return false;
        }
        doc = xmlReadMemory(text, (int) len, "cib.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR
                            | XML_PARSE_NOWARNING);
        g_free(text);
        if (!doc) {
            return false;
        }
        hit = find_drbd_rsc(xmlDocGetRootElement(doc), res);
    } else {
        hit = find_drbd_rsc(cib, res);
    }
    if (hit) {
        xmlNode *top = hit;
        xmlChar *id;

        /* The clone (promotable) that holds it, as crm_mon names it. */
        if (hit->parent && (xmlStrEqual(hit->parent->name, BAD_CAST "clone")
                            || xmlStrEqual(hit->parent->name,
                                           BAD_CAST "master"))) {
            top = hit->parent;
        }
        id = xmlGetProp(top, BAD_CAST "id");
        *ret_id = g_strdup(id ? (const char *) id : "?");
        xmlFree(id);
        found = true;
    }
    if (doc) {
        xmlFreeDoc(doc);
    }
    free_xml(cib);
    return found;
}

/* What is on a node's backing disk while r0 is down there: DRBD meta data
 * (drbdmeta get-gi, 8.4's format or 9's), every signature wipefs sees (it
 * only lists them without -a) and the size.  A disk that cannot be read is
 * an error: nothing is planned on a guess. */
typedef struct disk_found {
    hc_drbd_disk_probe p;
    char *gi, *sigs;
} disk_found;

static int probe_disk(hc_wizard *w, const char *node, const char *name,
                      const char *res, const char *disk, int minor,
                      disk_found *f, char **ret_err)
{
    /* One command on the node (each costs its round trip): "up" when r0
     * runs there; else wipefs's signatures, the size on a line of its
     * own, then after a line "gi" what drbdmeta says (8.4's format or
     * 9's; it refuses a minor in use, and r0 is down here). */
    static const char script[] =
        "if drbdadm cstate \"$1\" >/dev/null 2>&1; then echo up; exit 0; fi; "
        "wipefs --noheadings --output TYPE,OFFSET \"$2\" "
        "&& s=$(blockdev --getsize64 \"$2\") || exit 1; "
        "echo \"size $s\"; echo gi; "
        "drbdmeta \"$3\" v08 \"$2\" internal get-gi 2>/dev/null "
        "|| drbdmeta \"$3\" v09 \"$2\" internal get-gi --node-id 0 "
        "2>/dev/null || drbdmeta \"$3\" v09 \"$2\" internal get-gi "
        "--node-id 1 2>/dev/null; exit 0";
    char *minor_s = g_strdup_printf("%d", minor), *out = NULL, *err = NULL;
    const char *argv[] = { "sh", "-c", script, "sh", res, disk, minor_s,
                           NULL };
    char *size, *gi;
    int rc = hc_wizard_run(w, node, 15000, &out, &err, argv);

    g_free(minor_s);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot read what %s holds on %s (wipefs, "
                                   "blockdev): %s; nothing is planned on it",
                                   disk, name, err ? err : "failed");
        g_free(err);
        g_free(out);
        return -EIO;
    }
    g_free(err);
    if (!strcmp(g_strstrip(out), "up")) {
        f->p.up = true;
        g_free(out);
        return 0;
    }
    /* out: the signatures, "size N", "gi", what drbdmeta said. */
    gi = strstr(out, "\ngi");
    if (gi && (gi[3] == '\n' || gi[3] == '\0')) {
        char *text = g_strstrip(g_strdup(gi + 3));

        *gi = '\0';
        if (*text) {
            f->p.meta_data = true;
            f->gi = text;
            f->p.gi = f->gi;
        } else {
            g_free(text);
        }
    }
    size = g_strrstr(out, "size ");
    if (size && (size == out || size[-1] == '\n')) {
        f->p.size = g_ascii_strtoull(size + 5, NULL, 10);
        *size = '\0';
    }
    f->sigs = g_strstrip(out);
    f->p.signatures = f->sigs;
    return 0;
}

/* "128.0 MiB; signatures: ext4 at 0x438, drbd at 0x7fff03c; DRBD meta
 * data, generation identifiers ..." */
static char *disk_contents(const disk_found *f)
{
    GString *s = g_string_new(NULL);
    char kib[32];

    if (f->p.size) {
        g_string_append_printf(s, "%s", hc_drbd_fmt_kib(kib, sizeof(kib),
                                                        f->p.size / 1024.0));
    } else {
        g_string_append(s, "size unknown");
    }
    if (f->sigs && *f->sigs) {
        char **lines = g_strsplit(f->sigs, "\n", -1);

        g_string_append(s, "; signatures:");
        for (int i = 0; lines[i]; i++) {
            char *sp = strchr(g_strstrip(lines[i]), ' ');

            if (!*lines[i]) {
                continue;
            }
            if (sp) {
                *sp = 0;
                g_string_append_printf(s, "%s %s at %s", i ? "," : "",
                                       lines[i], g_strchug(sp + 1));
            } else {
                g_string_append_printf(s, "%s %s", i ? "," : "", lines[i]);
            }
        }
        g_strfreev(lines);
    }
    if (f->gi) {
        g_string_append_printf(s, "; DRBD meta data, generation identifiers "
                               "%s", f->gi);
    }
    return g_string_free(s, FALSE);
}

/* create-md, up, the first promotion and mkfs, or only up, or nothing, as
 * hc_drbd_disk_decide() says from what each node's disk holds. */
static int plan_disks(hc_wizard *w, hc_plan *p, const char *nodes[2],
                      const char *res, const char *dev, int minor,
                      char **ret_err)
{
    const char *disk = hc_wizard_answer(w, "drbd_disk");
    disk_found f[2];
    hc_drbd_disk_probe probe[2];
    hc_drbd_disk_plan d;
    char *rsc = NULL;
    bool pcmk = pacemaker_manages(w, res, &rsc);
    GString *down = g_string_new(NULL), *brought = g_string_new(NULL);
    int rc = 0;

    memset(f, 0, sizeof(f));
    for (int i = 0; rc == 0 && i < 2; i++) {
        f[i].p.overwrite = hc_wizard_overwrite(w, nodes[i], disk);
        rc = probe_disk(w, i ? nodes[1] : NULL, nodes[i], res, disk, minor,
                        &f[i], ret_err);
        probe[i] = f[i].p;
    }
    if (rc < 0) {
        goto out;
    }
    /* A named disk that is not one of the two is a mistake: say so. */
    for (guint i = 0; hc_wizard_overwrites(w)
                      && i < hc_wizard_overwrites(w)->len; i++) {
        const char *o = hc_wizard_overwrites(w)->pdata[i];
        char *a = g_strdup_printf("%s:%s", nodes[0], disk);
        char *b = g_strdup_printf("%s:%s", nodes[1], disk);
        bool known = !strcmp(o, a) || !strcmp(o, b);

        if (!known) {
            char *e = hc_escape(o, 60);

            *ret_err = g_strdup_printf("--overwrite %s names no backing disk "
                                       "of %s (%s or %s)", e, res, a, b);
            g_free(e);
            rc = -EINVAL;
        }
        g_free(a);
        g_free(b);
        if (rc < 0) {
            goto out;
        }
    }
    hc_drbd_disk_decide(probe, pcmk, &d);
    for (int i = 0; i < 2; i++) {
        const char *node = i ? nodes[1] : NULL;
        char *what = hc_drbd_disk_has_data(&f[i].p) ? disk_contents(&f[i])
                                                     : NULL;

        switch (d.action[i]) {
        case HC_DRBD_DISK_KEEP:
            break;
        case HC_DRBD_DISK_UP:
        case HC_DRBD_DISK_PACEMAKER:
            hc_plan_note(p, "%s:%s holds data (%s): no create-md, no "
                         "--force promotion, no mkfs. To start over on it "
                         "(destroying that data): hacon setup apply drbd "
                         "--overwrite %s:%s, typed by you; the console and "
                         "the answers file never do that.", nodes[i], disk,
                         what, nodes[i], disk);
            g_string_append_printf(down, "%s%s", down->len ? ", " : "",
                                   nodes[i]);
            if (d.action[i] == HC_DRBD_DISK_UP) {
                hc_plan_cmd_add(p, node, 60000, "r0 is configured and its "
                                "disk holds data, but it is down on this "
                                "node: attach and connect it", "drbdadm",
                                "up", res, NULL);
                hc_plan_cmd_undo(p, "drbdadm", "down", res, NULL);
                g_string_append_printf(brought, "%s%s",
                                       brought->len ? ", " : "", nodes[i]);
            }
            break;
        case HC_DRBD_DISK_OVERWRITE:
            hc_plan_warn(p, "DESTROYS what %s:%s holds (%s): you named it "
                         "with --overwrite %s:%s.", nodes[i], disk, what,
                         nodes[i], disk);
            hc_plan_cmd_add(p, node, 60000, "new DRBD meta data at the end "
                            "of the disk, over what it holds (--overwrite)",
                            "drbdadm", "create-md", "--force", res, NULL);
            hc_plan_cmd_add(p, node, 60000, "attach and connect", "drbdadm",
                            "up", res, NULL);
            break;
        case HC_DRBD_DISK_CREATE:
            /* No --force: drbdmeta itself refuses a disk that holds a
             * filesystem, should one appear after this plan. */
            hc_plan_cmd_add(p, node, 60000, "DRBD meta data at the end of "
                            "the disk (it holds no signature and no meta "
                            "data)", "drbdadm", "create-md", res, NULL);
            hc_plan_cmd_add(p, node, 60000, "attach and connect", "drbdadm",
                            "up", res, NULL);
            break;
        }
        g_free(what);
    }
    if (d.initial) {
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
        {
            char *mkfs = g_strdup_printf("mkfs.%s",
                                         hc_wizard_answer(w, "fstype"));

            hc_plan_cmd_add(p, NULL, 600000, "a filesystem on the DRBD "
                            "device (its disks held nothing)", mkfs, "-q",
                            dev, NULL);
            g_free(mkfs);
        }
    } else if (brought->len) {
        g_hash_table_replace(p->data, g_strdup("partial"),
                             g_strdup_printf("%s configured, its data kept; "
                                             "down on %s: drbdadm up there",
                                             res, brought->str));
        hc_plan_crm(p, "drbdadm up %s   # on %s", res, brought->str);
    }
    if (!pcmk) {
        hc_plan_note(p, "The tutorial tests DRBD by hand before Pacemaker "
                     "takes it over: once r0 is up and in sync, hacon setup "
                     "test drbd switches it to the other node and back, "
                     "mounted on each in turn, and proves that a file "
                     "written on one node is read on the other.");
    }
    if (!d.initial && down->len && pcmk) {
        hc_plan_note(p, "%s is down on %s: Pacemaker manages it (%s) and "
                     "brings it up where the cluster runs; the step leaves "
                     "it to Pacemaker.", res, down->str, rsc);
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         down->len && pcmk
                         ? g_strdup_printf("%s configured, its data kept; "
                                           "down on %s, left to Pacemaker "
                                           "(%s)", res, down->str, rsc)
                         : g_strdup_printf("%s configured and up", res));
    if (d.initial) {
        g_hash_table_replace(p->data, g_strdup("mkfs"), g_strdup("1"));
    }
out:
    for (int i = 0; i < 2; i++) {
        g_free(f[i].gi);
        g_free(f[i].sigs);
    }
    g_string_free(down, TRUE);
    g_string_free(brought, TRUE);
    g_free(rsc);
    return rc;
}

/* The fencing policy res runs with on node (drbdsetup show), NULL where
 * res is not up there. */
static char *running_fencing(hc_wizard *w, const char *node, const char *res)
{
    char *out = out_on(w, node, "drbdsetup show \"$1\" 2>/dev/null", res);
    char *r = out ? hc_drbd_show_fencing(out, strlen(out)) : NULL;

    g_free(out);
    return r;
}

/* A running res reads r0.res only when told: where it is up and its file
 * changes, or where it runs with another fencing policy than the file's
 * (a file written before without the adjust), `drbdadm adjust` applies
 * the file to the running resource; verify reads drbdsetup show. */
static void plan_adjust(hc_wizard *w, hc_plan *p, const char *nodes[2],
                        const char *res, const char *policy,
                        const bool changed[2])
{
    for (int i = 0; i < 2; i++) {
        const char *node = i ? nodes[1] : NULL;
        char *now = running_fencing(w, node, res);

        if (now && (changed[i] || strcmp(now, policy))) {
            char *why = g_strdup_printf("%s runs with %s%s: apply the new "
                                        "%s.res to the running resource "
                                        "(fencing %s)", res,
                                        *now ? "fencing " : "no fencing "
                                        "policy", now, res, policy);

            hc_plan_cmd_add(p, node, 60000, why, "drbdadm", "adjust", res,
                            NULL);
            hc_plan_crm(p, "drbdadm adjust %s   # on %s", res, nodes[i]);
            g_hash_table_replace(p->data, g_strdup("adjust"),
                                 g_strdup(policy));
            g_free(why);
        }
        g_free(now);
    }
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
            /* Pacemaker's fence handlers, as ERRATA row 5 says; with
             * fencing (step fence), resource-and-stonith: a Primary never
             * outlives its fenced peer's data. */
            .fencing = true,
            .stonith = strcmp(hc_wizard_answer(w, "fencing"), "none") != 0,
        };
        GString *res_text = g_string_new(NULL);
        const char *why = NULL;
        bool changed[2] = { false, false };

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
                g_string_free(res_text, TRUE);
                g_free(path);
                return -ENOENT;
            }
        }
        if (v[0] != v[1]) {
            *ret_err = g_strdup("the nodes run different DRBD versions");
            g_string_free(res_text, TRUE);
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
            rc = dry_run(w, i ? nodes[1] : NULL, nodes[i], path, text, res,
                         ret_err);
        }
        for (int i = 0; rc == 0 && i < 2; i++) {
            guint before = p->files->len;

            rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, path, text,
                                  strlen(text), 0644, false, ret_err);
            changed[i] = p->files->len != before;
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
        rc = plan_disks(w, p, nodes, res, dev, r.minor, ret_err);
        if (rc < 0) {
            return rc;
        }
        plan_adjust(w, p, nodes, res, r.stonith ? "resource-and-stonith"
                                                : "resource-only", changed);
        mount_point(w, p, nodes);
    }
    if (shared) {
        g_hash_table_replace(p->data, g_strdup("done"),
                             g_strdup("shared disk with a filesystem, mount "
                                      "point on both nodes"));
    }
    return 0;
}

static void sync_progress(const char *line, void *data)
{
    hc_wizard_progress(data, "initial sync: %s", line);
}

/* Follows the initial sync of res here until both disks are UpToDate, as
 * `hacon drbd --follow` does (core/drbd_follow.c): drbdsetup events2 for
 * the states, and for the progress /proc/drbd on DRBD 8.4 or polls of
 * `drbdsetup events2 --now --statistics` on DRBD 9; one progress line
 * when the state changes and every few seconds, with the speed and ETA
 * of the estimator in core/drbd.c.  The step must not end before: the
 * service's resources would start on a node whose peer cannot take over
 * yet.  These reads stay out of the transcript: a poll a second would
 * flood it. */
static int follow_initial_sync(hc_wizard *w, const char *res, char **ret_err)
{
    int timeout_ms = 1000 * atoi(hc_wizard_answer(w, "timeout")) * 5;

    return hc_drbd_wait_synced(res, NULL, timeout_ms, 3000, sync_progress, w,
                               ret_err);
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
    const char *res = hc_wizard_answer(w, "drbd_resource");
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };

    /* The filesystem where this step made it (or found it on a shared
     * disk); a Secondary DRBD device cannot be read, so where r0 was only
     * brought up, r0 being up is what is proved. */
    if (shared || g_hash_table_lookup(p->data, "mkfs")) {
        char *fs = out_on(w, NULL, "blkid -o value -s TYPE \"$1\"", dev);

        if (!fs || !*fs) {
            *ret_err = g_strdup_printf("no filesystem on %s", dev);
            g_free(fs);
            return -EPROTO;
        }
        g_free(fs);
    }
    for (int i = 0; i < 2; i++) {
        if (!ok_on(w, nodes[i], "test -d \"$1\"",
                   hc_wizard_answer(w, "mountpoint"))) {
            *ret_err = g_strdup_printf("no mount point %s on %s",
                                       hc_wizard_answer(w, "mountpoint"),
                                       nodes[i] ? nodes[i] : "this node");
            return -EPROTO;
        }
    }
    if (shared) {
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        if (!ok_on(w, nodes[i], "drbdadm dump \"$1\" >/dev/null", res)) {
            *ret_err = g_strdup_printf("drbdadm dump refuses the "
                                       "configuration on %s",
                                       nodes[i] ? nodes[i] : "this node");
            return -EPROTO;
        }
    }
    for (guint i = 0; i < p->cmds->len; i++) {
        const hc_plan_cmd *c = p->cmds->pdata[i];

        if (!strcmp(c->argv[0], "drbdadm") && !strcmp(c->argv[1], "up")
            && !ok_on(w, c->node, "drbdadm cstate \"$1\" >/dev/null", res)) {
            *ret_err = g_strdup_printf("%s is not up on %s", res,
                                       c->node ? c->node : "this node");
            return -EPROTO;
        }
    }
    /* Where r0 runs, it runs with the file's fencing policy. */
    for (int i = 0; g_hash_table_lookup(p->data, "adjust") && i < 2; i++) {
        const char *want = g_hash_table_lookup(p->data, "adjust");
        char *now = running_fencing(w, nodes[i], res);

        if (now && strcmp(now, want)) {
            *ret_err = g_strdup_printf("%s on %s runs with fencing %s after "
                                       "drbdadm adjust, not %s (drbdsetup "
                                       "show %s)", res, nodes[i] ? nodes[i]
                                       : "this node", *now ? now : "none",
                                       want, res);
            g_free(now);
            return -EPROTO;
        }
        g_free(now);
    }
    return 0;
}

/* After the checkpoint put the old r0.res back: where r0 runs, it takes
 * the old file's options again. */
static int drbd_rollback(hc_wizard *w, char **ret_err)
{
    const char *nodes[2] = { NULL, hc_wizard_peer(w) };
    const char *res = hc_wizard_answer(w, "drbd_resource");
    int rc = 0;

    if (strcmp(hc_wizard_answer(w, "storage"), "drbd")) {
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        char *now = running_fencing(w, nodes[i], res);
        const char *argv[] = { "drbdadm", "adjust", res, NULL };

        if (now && hc_wizard_run(w, nodes[i], 60000, NULL,
                                 rc == 0 ? ret_err : NULL, argv) < 0
            && rc == 0) {
            rc = -EIO;
        }
        g_free(now);
    }
    return rc;
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
    .rollback = drbd_rollback,
    .needs = { "cluster" },
    .detect = hc_steps_detect_storage,
};

/* ---------------------------------------------------------- the hand test */

static int run4(hc_wizard *w, const char *node, int timeout_ms,
                const char *script, const char *const args[5], char **ret_out,
                char **ret_err)
{
    const char *argv[] = { "sh", "-c", script, "sh", args[0], args[1],
                           args[2], args[3], args[4], NULL };

    return hc_wizard_run(w, node, timeout_ms, ret_out, ret_err, argv);
}

/* One node's turn: promote, mount, read what the other node wrote (want,
 * unless empty), write put (or remove the file when put is empty),
 * unmount, demote.  Whatever fails, the device is unmounted and demoted
 * before the script ends. */
static const char turn_script[] =
    "res=$1 dev=$2 mnt=$3 want=$4 put=$5 f=\"$3/.hacon-drbd-test\"\n"
    "drbdadm primary \"$res\" || exit 1\n"
    "if ! mount \"$dev\" \"$mnt\"; then drbdadm secondary \"$res\"; exit 1; fi\n"
    "rc=0\n"
    "if [ -n \"$want\" ]; then\n"
    "  got=$(cat \"$f\" 2>/dev/null)\n"
    "  if [ \"$got\" != \"$want\" ]; then\n"
    "    echo \"$f holds '$got', not '$want'\" >&2; rc=1\n"
    "  fi\n"
    "fi\n"
    "if [ $rc = 0 ] && [ -n \"$put\" ]; then\n"
    "  { printf '%s\\n' \"$put\" > \"$f\" && sync; } || rc=1\n"
    "elif [ $rc = 0 ]; then\n"
    "  rm -f \"$f\" || rc=1\n"
    "fi\n"
    "umount \"$mnt\" || rc=1\n"
    "drbdadm secondary \"$res\" || rc=1\n"
    "exit $rc\n";

static char *word_on(hc_wizard *w, const char *node, const char *script,
                     const char *res)
{
    char *out = out_on(w, node, script, res);
    char *slash = out ? strchr(out, '/') : NULL;

    if (slash) {
        *slash = 0;
    }
    return out;
}

int hc_step_drbd_try(hc_wizard *w, GString *report, char **ret_err)
{
    const char *res = hc_wizard_answer(w, "drbd_resource");
    const char *dev = hc_wizard_answer(w, "drbd_device");
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    const char *at[2] = { NULL, hc_wizard_peer(w) };
    char *role[2] = { NULL, NULL }, *tok[2] = { NULL, NULL }, *err = NULL;
    char *rsc = NULL;
    int a = 0, rc = 0, done = 0;

    if (strcmp(hc_wizard_answer(w, "storage"), "drbd")) {
        *ret_err = g_strdup("storage=shared: there is no DRBD to test");
        return -EINVAL;
    }
    if (pacemaker_manages(w, res, &rsc)) {
        *ret_err = g_strdup_printf("Pacemaker manages %s (%s): switching it "
                                   "by hand would fight the cluster; "
                                   "hacon failover-test moves it instead",
                                   res, rsc);
        g_free(rsc);
        return -EBUSY;
    }
    for (int i = 0; i < 2; i++) {
        char *cs = word_on(w, at[i], "drbdadm cstate \"$1\"", res);
        char *ds = out_on(w, at[i], "drbdadm dstate \"$1\"", res);
        bool ok = cs && !strcmp(cs, "Connected") && ds
                  && (!strcmp(ds, "UpToDate/UpToDate")
                      || !strcmp(ds, "UpToDate"));

        role[i] = word_on(w, at[i], "drbdadm role \"$1\"", res);
        if (!ok || !role[i]) {
            *ret_err = g_strdup_printf("%s on %s is %s, %s: the test needs "
                                       "it Connected and UpToDate on both "
                                       "nodes (apply the drbd step first)",
                                       res, nodes[i], cs ? cs : "down",
                                       ds ? ds : "no disk");
            rc = -EAGAIN;
        } else if (!ok_on(w, at[i], "! grep -q \"^$1 \" /proc/mounts", dev)) {
            *ret_err = g_strdup_printf("%s is mounted on %s: the test "
                                       "mounts it itself", dev, nodes[i]);
            rc = -EBUSY;
        }
        g_free(cs);
        g_free(ds);
        if (rc < 0) {
            goto out;
        }
    }
    /* The Primary side goes first: it must step down before the other
     * can be promoted (one primary at a time, ERRATA 6). */
    if (!strcmp(role[1], "Primary")) {
        a = 1;
    }
    for (int i = 0; i < 2; i++) {
        GDateTime *now = g_date_time_new_now_utc();
        char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

        g_date_time_unref(now);
        tok[i] = g_strdup_printf("written by hacon on %s at %s (%08x)",
                                 nodes[i], stamp, g_random_int());
        g_free(stamp);
    }
    {
        /* a writes, b reads it and writes, a reads that and removes it. */
        int who[3] = { a, !a, a };
        const char *want[3] = { "", tok[a], tok[!a] };
        const char *put[3] = { tok[a], tok[!a], "" };
        static const char *const said[3] = {
            "a file written",
            "the file written on the other node read back, its own written",
            "the file written on the other node read back and removed",
        };

        for (done = 0; done < 3; done++) {
            const char *args[5] = { res, dev, mnt, want[done], put[done] };
            int n = who[done];

            hc_wizard_progress(w, "DRBD test %d/3 on %s", done + 1,
                               nodes[n]);
            rc = run4(w, at[n], 120000, turn_script, args, NULL, &err);
            if (rc < 0) {
                *ret_err = g_strdup_printf("DRBD test on %s failed: %s",
                                           nodes[n], err ? err : "?");
                g_free(err);
                break;
            }
            g_string_append_printf(report, "%s: %s promoted, %s mounted, "
                                   "%s, unmounted, demoted\n", nodes[n],
                                   res, mnt, said[done]);
        }
    }
    /* Back as it was: unmounted everywhere, the roles of before. */
    for (int i = 0; i < 2; i++) {
        const char *args[5] = { res, dev, mnt, "", "" };

        if (rc < 0) {
            run4(w, at[i], 60000, "grep -q \"^$2 \" /proc/mounts && "
                 "umount \"$3\"; drbdadm secondary \"$1\"", args, NULL, NULL);
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!strcmp(role[i], "Primary")) {
            char *e = NULL;

            if (run_on(w, at[i], "drbdadm primary \"$1\"", res, NULL, NULL,
                       &e) < 0) {
                if (rc == 0) {
                    *ret_err = g_strdup_printf("%s could not be made "
                                               "Primary again on %s: %s",
                                               res, nodes[i], e ? e : "?");
                    rc = -EIO;
                }
            } else if (rc == 0) {
                g_string_append_printf(report, "%s: %s Primary again, as "
                                       "before the test\n", nodes[i], res);
            }
            g_free(e);
        }
    }
out:
    for (int i = 0; i < 2; i++) {
        g_free(role[i]);
        g_free(tok[i]);
    }
    return rc;
}

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
