#include "drbd_disk.h"

#include <stddef.h>
#include <string.h>

#include <glib.h>

bool hc_drbd_disk_has_data(const hc_drbd_disk_probe *p)
{
    return p->meta_data || (p->signatures && *p->signatures);
}

void hc_drbd_disk_decide(const hc_drbd_disk_probe probe[2], bool pacemaker,
                         hc_drbd_disk_plan *ret)
{
    bool keeps_data = false;

    for (int i = 0; i < 2; i++) {
        const hc_drbd_disk_probe *p = &probe[i];

        if (p->up) {
            /* In use by the kernel: whatever it holds is r0's. */
            ret->action[i] = HC_DRBD_DISK_KEEP;
            keeps_data = true;
        } else if (!hc_drbd_disk_has_data(p)) {
            ret->action[i] = HC_DRBD_DISK_CREATE;
        } else if (p->overwrite) {
            ret->action[i] = HC_DRBD_DISK_OVERWRITE;
        } else {
            ret->action[i] = pacemaker ? HC_DRBD_DISK_PACEMAKER
                                       : HC_DRBD_DISK_UP;
            keeps_data = true;
        }
    }
    /* A disk that keeps data is the sync source of the other: nothing is
     * forced and the filesystem it carries stays. */
    ret->initial = !keeps_data;
}

const char *hc_drbd_disk_action_str(hc_drbd_disk_action a)
{
    switch (a) {
    case HC_DRBD_DISK_KEEP: return "keep";
    case HC_DRBD_DISK_UP: return "up";
    case HC_DRBD_DISK_PACEMAKER: return "pacemaker";
    case HC_DRBD_DISK_CREATE: return "create";
    case HC_DRBD_DISK_OVERWRITE: return "overwrite";
    }
    return "?";
}

char *hc_drbd_show_fencing(const char *text, size_t len)
{
    char *t = g_strndup(text, len), **lines, *r = NULL;

    if (!g_str_has_prefix(g_strchug(t), "resource")) {
        g_free(t);
        return NULL;
    }
    lines = g_strsplit(t, "\n", -1);
    for (char **l = lines; *l && !r; l++) {
        char *s = g_strstrip(*l);

        if (g_str_has_prefix(s, "fencing")
            && g_ascii_isspace(s[strlen("fencing")])) {
            s += strlen("fencing");
            s += strspn(s, " \t");
            r = g_strndup(s, strcspn(s, "; \t"));
        }
    }
    g_strfreev(lines);
    g_free(t);
    return r ? r : g_strdup("");
}
