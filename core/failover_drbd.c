/* The failover test's DRBD reader: see failover_drbd.h. */
#include "failover_drbd.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "drbd.h"
#include "exec.h"
#include "util.h"

/* minor -> resource name, from one events2 dump: /proc/drbd (8.4) names
 * minors only, and reading it needs no process, which matters for a
 * reader called every second during the test. */
static GHashTable *minor_names;

static void learn_names(void)
{
    const char *argv[] = { "drbdsetup", "events2", "--now", NULL };
    hc_exec_opts o = { .timeout_ms = 15000 };
    hc_exec_result res = { 0 };
    hc_drbd *d;

    if (minor_names) {
        return;
    }
    minor_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    if (hc_exec(argv, &o, &res) < 0 || res.status != 0) {
        hc_exec_result_clear(&res);
        return;
    }
    d = hc_drbd_new();
    hc_drbd_feed_events2(d, res.out, res.out_len, -1);
    for (guint i = 0; i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];

        for (guint j = 0; j < r->devices->len; j++) {
            hc_drbd_device *v = r->devices->pdata[j];

            g_hash_table_replace(minor_names,
                                 g_strdup_printf("%d", v->minor),
                                 g_strdup(r->name));
        }
    }
    hc_drbd_free(d);
    hc_exec_result_clear(&res);
}

static int read_model(hc_drbd *d)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = hc_read_file("/proc/drbd", &buf, &len);

    if (rc == 0) {
        char version[32];
        int major = 0;

        if (hc_drbd_parse_version(buf, len, &major, version,
                                  sizeof(version)) == 0
            && major == 8) {
            learn_names();
            rc = hc_drbd_feed_proc(d, buf, len, hc_now_ms() / 1000.0,
                                   minor_names);
            g_free(buf);
            return rc;
        }
    }
    g_free(buf);
    {
        const char *argv[] = { "drbdsetup", "events2", "--now",
                               "--statistics", NULL };
        hc_exec_opts o = { .timeout_ms = 15000 };
        hc_exec_result res = { 0 };

        rc = hc_exec(argv, &o, &res);
        if (rc == 0 && res.status != 0) {
            rc = -EIO;
        }
        if (rc == 0) {
            rc = hc_drbd_feed_events2(d, res.out, res.out_len,
                                      hc_now_ms() / 1000.0);
            rc = rc < 0 ? rc : 0;
        }
        hc_exec_result_clear(&res);
    }
    return rc;
}

int hc_failover_drbd_local(const char *primary_node, char **ret_text,
                           void *data)
{
    char host[256] = "";
    bool local_primary;
    hc_drbd *d = hc_drbd_new();
    GString *out = g_string_new(NULL);
    int rc = read_model(d), ok = 1;

    (void) data;
    gethostname(host, sizeof(host) - 1);
    local_primary = primary_node && !strcmp(primary_node, host);
    if (rc == 0 && d->resources->len == 0) {
        g_string_append(out, "no DRBD resource is up here");
        ok = 0;
    }
    for (guint i = 0; rc == 0 && i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];
        hc_drbd_connection *c = r->connections->len ? r->connections->pdata[0]
                                                    : NULL;
        const char *disk = r->devices->len
                           ? ((hc_drbd_device *) r->devices->pdata[0])->disk
                           : "?";
        hc_drbd_peer_device *pd = c && c->peer_devices->len
                                  ? c->peer_devices->pdata[0] : NULL;
        const char *pdisk = pd ? pd->peer_disk : "DUnknown";
        const char *prole = c ? c->peer_role : "Unknown";
        char *e1 = hc_escape(r->name, 64), *e2 = hc_escape(host, 64);
        char b1[32], b2[32];

        g_string_append_printf(out, "%s%s %s %s/%s peer %s/%s %s", i ? "; " : "",
                               e1, e2, r->role, disk, prole, pdisk,
                               c ? c->cstate : "StandAlone");
        if (pd && hc_drbd_repl_is_sync(pd->repl)) {
            g_string_append_printf(out, " %s", pd->repl);
            if (pd->done_pct >= 0) {
                g_string_append_printf(out, " %.1f%%", pd->done_pct);
            }
            if (pd->eta.speed_kib_s >= 0) {
                g_string_append_printf(out, " %s/s", hc_drbd_fmt_kib(
                                       b1, sizeof(b1), pd->eta.speed_kib_s));
            }
            if (pd->kernel_eta_s >= 0 || pd->eta.eta_s >= 0) {
                g_string_append_printf(out, " ETA %s", hc_drbd_fmt_duration(
                    b2, sizeof(b2), pd->eta.eta_s >= 0 ? pd->eta.eta_s
                                                       : pd->kernel_eta_s));
            }
        }
        g_free(e1);
        g_free(e2);
        if (strcmp(disk, "UpToDate") || strcmp(pdisk, "UpToDate")
            || !c || (strcmp(c->cstate, "Connected")
                      && strcmp(c->cstate, "Established"))
            || strcmp(local_primary ? r->role : prole, "Primary")) {
            ok = 0;
        }
    }
    hc_drbd_free(d);
    if (rc < 0) {
        g_string_free(out, TRUE);
        return rc;
    }
    *ret_text = g_string_free(out, FALSE);
    return ok ? 0 : 1;
}
