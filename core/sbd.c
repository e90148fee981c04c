/* sbd on this node: its configuration, the daemon, its watchdog, the
 * slots on its disks (sbd.h). */
#include "sbd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

hc_sbd_state *hc_sbd_state_new(void)
{
    hc_sbd_state *st = g_new0(hc_sbd_state, 1);

    st->disks = g_ptr_array_new();
    st->pacemaker = true;
    return st;
}

static void slot_free(gpointer p)
{
    hc_sbd_slot *s = p;

    g_free(s->node);
    g_free(s->message);
    g_free(s->from);
    g_free(s);
}

static void disk_free(hc_sbd_disk *d)
{
    g_free(d->device);
    g_ptr_array_unref(d->slots);
    g_free(d->error);
    g_free(d);
}

void hc_sbd_state_free(hc_sbd_state *st)
{
    if (!st) {
        return;
    }
    g_free(st->config_path);
    g_free(st->config_error);
    g_free(st->watchdog_dev);
    g_free(st->watchdog_timeout);
    for (guint i = 0; i < st->disks->len; i++) {
        disk_free(g_ptr_array_index(st->disks, i));
    }
    g_ptr_array_unref(st->disks);
    g_free(st);
}

/* One shell word at *p (quoted or bare), up to the end of the line e;
 * NULL for an unterminated quote. */
static char *shell_value(const char **p, const char *e)
{
    GString *v = g_string_new(NULL);
    const char *s = *p;

    while (s < e && !isspace((unsigned char) *s) && *s != '#') {
        if (*s == '\'' || *s == '"') {
            char q = *s++;

            while (s < e && *s != q) {
                if (q == '"' && *s == '\\' && s + 1 < e) {
                    s++;
                }
                g_string_append_c(v, *s++);
            }
            if (s >= e) {
                g_string_free(v, TRUE);
                return NULL;
            }
            s++;
        } else {
            g_string_append_c(v, *s++);
        }
    }
    *p = s;
    return g_string_free(v, FALSE);
}

static bool is_true(const char *v)
{
    return !g_ascii_strcasecmp(v, "yes") || !g_ascii_strcasecmp(v, "true")
           || !g_ascii_strcasecmp(v, "on") || !strcmp(v, "1");
}

int hc_sbd_config_parse(const char *text, size_t len, const char *path,
                        hc_sbd_state *st)
{
    const char *p = text, *end = text + len;
    int lineno = 0;

    st->configured = true;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t) (end - p));
        const char *s = p, *name;
        size_t nlen;
        char *key, *val;

        e = e ? e : end;
        lineno++;
        p = e < end ? e + 1 : end;
        while (s < e && isspace((unsigned char) *s)) {
            s++;
        }
        if (s == e || *s == '#') {
            continue;
        }
        if ((size_t) (e - s) > 7 && !strncmp(s, "export ", 7)) {
            s += 7;
        }
        name = s;
        while (s < e && (isalnum((unsigned char) *s) || *s == '_')) {
            s++;
        }
        nlen = (size_t) (s - name);
        if (!nlen || s >= e || *s != '=' || isdigit((unsigned char) *name)) {
            st->config_error = g_strdup_printf("%s line %d: not NAME=VALUE",
                                               path, lineno);
            return -EINVAL;
        }
        s++;
        val = shell_value(&s, e);
        if (!val) {
            st->config_error = g_strdup_printf("%s line %d: a quote is not "
                                               "closed", path, lineno);
            return -EINVAL;
        }
        key = g_strndup(name, nlen);
        if (!strcmp(key, "SBD_DEVICE")) {
            char **devs = g_strsplit(val, ";", -1);

            for (guint i = 0; i < st->disks->len; i++) {
                disk_free(g_ptr_array_index(st->disks, i));
            }
            g_ptr_array_set_size(st->disks, 0);
            for (char **d = devs; *d; d++) {
                char *t = g_strstrip(*d);

                if (*t) {
                    hc_sbd_disk *disk = g_new0(hc_sbd_disk, 1);

                    disk->device = g_strdup(t);
                    disk->slots = g_ptr_array_new_with_free_func(slot_free);
                    g_ptr_array_add(st->disks, disk);
                }
            }
            g_strfreev(devs);
        } else if (!strcmp(key, "SBD_WATCHDOG_DEV")) {
            g_free(st->watchdog_dev);
            st->watchdog_dev = *val ? g_strdup(val) : NULL;
        } else if (!strcmp(key, "SBD_WATCHDOG_TIMEOUT")) {
            g_free(st->watchdog_timeout);
            st->watchdog_timeout = *val ? g_strdup(val) : NULL;
        } else if (!strcmp(key, "SBD_PACEMAKER")) {
            st->pacemaker = !*val || is_true(val);
        }
        g_free(key);
        g_free(val);
    }
    return 0;
}

int hc_sbd_list_parse(const char *text, size_t len, GPtrArray *slots,
                      int *line)
{
    const char *p = text, *end = text + len;
    int lineno = 0;

    while (p < end) {
        const char *e = memchr(p, '\n', (size_t) (end - p));
        char *l, **f;
        size_t n;
        char *num_end;
        long slot;

        e = e ? e : end;
        lineno++;
        l = g_strndup(p, (size_t) (e - p));
        p = e < end ? e + 1 : end;
        if (!*g_strstrip(l)) {
            g_free(l);
            continue;
        }
        f = g_strsplit(l, "\t", 4);
        n = g_strv_length(f);
        errno = 0;
        slot = n ? strtol(f[0], &num_end, 10) : -1;
        if (n < 3 || !*f[0] || *num_end || errno || slot < 0
            || slot > INT_MAX || !*f[1]) {
            g_strfreev(f);
            g_free(l);
            if (line) {
                *line = lineno;
            }
            return -EINVAL;
        }
        {
            hc_sbd_slot *s = g_new0(hc_sbd_slot, 1);

            s->slot = (int) slot;
            s->node = g_strdup(g_strstrip(f[1]));
            s->message = g_strdup(g_strstrip(f[2]));
            s->from = n > 3 && *g_strstrip(f[3]) ? g_strdup(f[3]) : NULL;
            g_ptr_array_add(slots, s);
        }
        g_strfreev(f);
        g_free(l);
    }
    return 0;
}

/* The first process named sbd in /proc (this PID namespace's), and
 * whether one of them holds dev open. */
static void find_daemon(hc_sbd_state *st)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    char *want = NULL;

    if (!d) {
        return;
    }
    want = realpath(st->watchdog_dev, NULL);
    while ((de = readdir(d))) {
        char *path, *comm = NULL;
        DIR *fds;
        struct dirent *fe;

        if (!isdigit((unsigned char) de->d_name[0])) {
            continue;
        }
        path = g_strdup_printf("/proc/%s/comm", de->d_name);
        if (!g_file_get_contents(path, &comm, NULL, NULL)
            || strcmp(g_strchomp(comm), "sbd") != 0) {
            g_free(path);
            g_free(comm);
            continue;
        }
        g_free(path);
        g_free(comm);
        if (!st->running) {
            st->running = true;
            st->pid = atoi(de->d_name);
        }
        path = g_strdup_printf("/proc/%s/fd", de->d_name);
        fds = opendir(path);
        while (fds && !st->watchdog_open && (fe = readdir(fds))) {
            char *fp = g_strdup_printf("%s/%s", path, fe->d_name);
            char target[PATH_MAX];
            ssize_t n = readlink(fp, target, sizeof(target) - 1);

            g_free(fp);
            if (n <= 0) {
                continue;
            }
            target[n] = '\0';
            if (!strcmp(target, st->watchdog_dev)
                || (want && !strcmp(target, want))) {
                st->watchdog_open = true;
            }
        }
        if (fds) {
            closedir(fds);
        }
        g_free(path);
    }
    closedir(d);
    free(want);
}

hc_sbd_state *hc_sbd_local(const char *path, bool read_slots)
{
    hc_sbd_state *st = hc_sbd_state_new();
    char *text = NULL;
    gsize len = 0;
    GError *gerr = NULL;

    st->config_path = g_strdup(path ? path : HC_SBD_CONFIG);
    if (g_file_get_contents(st->config_path, &text, &len, &gerr)) {
        (void) hc_sbd_config_parse(text, len, st->config_path, st);
        g_free(text);
    } else if (!g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        st->configured = true;
        st->config_error = g_strdup_printf("%s: %s", st->config_path,
                                           gerr->message);
    }
    g_clear_error(&gerr);
    if (!st->watchdog_dev) {
        st->watchdog_dev = g_strdup("/dev/watchdog");
    }
    find_daemon(st);
    for (guint i = 0; read_slots && i < st->disks->len; i++) {
        hc_sbd_disk *disk = g_ptr_array_index(st->disks, i);
        const char *argv[] = { "sbd", "-d", disk->device, "list", NULL };
        hc_exec_opts o = { .timeout_ms = 5000 };
        hc_exec_result r = { 0 };
        int line = 0;

        if (hc_exec(argv, &o, &r) < 0 || r.spawn_failed) {
            disk->error = g_strdup("sbd could not be run");
        } else if (r.timed_out || r.status != 0) {
            char *msg = g_strstrip(g_strdup(r.err ? r.err : ""));

            disk->error = g_strdup_printf("sbd -d %s list: %s", disk->device,
                                          r.timed_out ? "no answer in 5 s"
                                          : *msg ? msg : "failed");
            g_free(msg);
        } else if (hc_sbd_list_parse(r.out, r.out_len, disk->slots,
                                     &line) < 0) {
            disk->error = g_strdup_printf("sbd -d %s list: line %d is not "
                                          "a slot", disk->device, line);
        }
        hc_exec_result_clear(&r);
    }
    return st;
}
