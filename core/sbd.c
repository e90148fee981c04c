/* sbd on a node: its configuration, the daemon, its watchdog, the
 * timeouts and slots of its disks (sbd.h). */
#include "sbd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

/* Each `sbd -d DEV ...` (and the probe of another node) must answer in
 * this long: a disk that hangs must not hang hacon. */
#define SBD_DEADLINE_MS 5000

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

static hc_sbd_disk *disk_new(const char *device)
{
    hc_sbd_disk *d = g_new0(hc_sbd_disk, 1);

    d->device = g_strdup(device);
    d->slots = g_ptr_array_new_with_free_func(slot_free);
    d->msgwait = -1;
    d->watchdog_timeout = -1;
    return d;
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
    g_free(st->node);
    g_free(st->unknown);
    g_free(st->watchdog_held);
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
                    g_ptr_array_add(st->disks, disk_new(t));
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

/* A watchdog device node: sbd may open another name of the configured
 * one (/dev/watchdog0 for /dev/watchdog, both the first watchdog). */
static bool is_watchdog_path(const char *p)
{
    const char *n;

    if (!g_str_has_prefix(p, "/dev/watchdog")) {
        return false;
    }
    for (n = p + strlen("/dev/watchdog"); *n; n++) {
        if (!isdigit((unsigned char) *n)) {
            return false;
        }
    }
    return true;
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
                || (want && !strcmp(target, want))
                || is_watchdog_path(target)) {
                st->watchdog_open = true;
                st->watchdog_held = g_strdup(target);
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

/* The last line of an ssh's or sbd's complaint, or what happened. */
static char *failure_text(const hc_exec_result *r)
{
    char *msg = g_strstrip(g_strdup(r->err ? r->err : ""));
    char *nl = strrchr(msg, '\n');
    char *out;

    if (r->timed_out) {
        out = g_strdup_printf("no answer in %d s", SBD_DEADLINE_MS / 1000);
    } else if (*msg) {
        out = g_strdup(g_strstrip(nl ? nl + 1 : msg));
    } else {
        out = g_strdup_printf("exit status %d", r->status);
    }
    g_free(msg);
    return out;
}

/* Runs `sbd -d DEV CMD` on node (NULL: here) with sbd's deadline. */
static int run_sbd(const char *node, const char *dev, const char *cmd,
                   hc_exec_result *r)
{
    const char *argv[] = { "sbd", "-d", dev, cmd, NULL };
    hc_exec_opts o = { .timeout_ms = SBD_DEADLINE_MS, .node = node };

    memset(r, 0, sizeof(*r));
    if (hc_exec(argv, &o, r) < 0 || r->spawn_failed) {
        return -ENOENT;
    }
    return r->timed_out || r->status != 0 ? -EIO : 0;
}

/* Each disk's header timeouts (dump) and slots (list), read on node. */
static void read_disks(hc_sbd_state *st, const char *node)
{
    for (guint i = 0; i < st->disks->len; i++) {
        hc_sbd_disk *disk = g_ptr_array_index(st->disks, i);
        hc_exec_result r;
        int line = 0, rc;

        rc = run_sbd(node, disk->device, "list", &r);
        if (rc == -ENOENT) {
            disk->error = g_strdup("sbd could not be run");
        } else if (rc < 0) {
            char *why = failure_text(&r);

            disk->error = g_strdup_printf("sbd -d %s list: %s", disk->device,
                                          why);
            g_free(why);
        } else if (hc_sbd_list_parse(r.out, r.out_len, disk->slots,
                                     &line) < 0) {
            disk->error = g_strdup_printf("sbd -d %s list: line %d is not "
                                          "a slot", disk->device, line);
        }
        hc_exec_result_clear(&r);
        if (disk->error) {
            continue;
        }
        /* The timeouts the disk's nodes use (a disk's header wins over
         * SBD_WATCHDOG_TIMEOUT): only a readable disk is asked. */
        if (run_sbd(node, disk->device, "dump", &r) == 0) {
            (void) hc_sbd_dump_parse(r.out, r.out_len, disk);
        }
        hc_exec_result_clear(&r);
    }
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
    if (read_slots) {
        read_disks(st, NULL);
    }
    return st;
}

/* "Timeout (NAME) : N" lines of a header dump. */
int hc_sbd_dump_parse(const char *text, size_t len, hc_sbd_disk *d)
{
    const char *p = text, *end = text + len;
    bool found = false;

    while (p < end) {
        const char *e = memchr(p, '\n', (size_t) (end - p));
        char *l, *colon, *num_end;
        long v;

        e = e ? e : end;
        l = g_strndup(p, (size_t) (e - p));
        p = e < end ? e + 1 : end;
        colon = strchr(l, ':');
        if (!g_str_has_prefix(l, "Timeout (") || !colon) {
            g_free(l);
            continue;
        }
        errno = 0;
        v = strtol(colon + 1, &num_end, 10);
        if (errno || num_end == colon + 1 || *g_strstrip(num_end)
            || v < 0 || v > INT_MAX) {
            g_free(l);
            continue;
        }
        if (g_str_has_prefix(l, "Timeout (msgwait)")) {
            d->msgwait = (int) v;
            found = true;
        } else if (g_str_has_prefix(l, "Timeout (watchdog)")) {
            d->watchdog_timeout = (int) v;
        }
        g_free(l);
    }
    return found ? 0 : -EINVAL;
}

/* The probe run on another node: its sbd configuration (each line after
 * a "|", so that no line of it can pass for one of ours), and each sbd
 * process with the watchdog devices it holds open.  No pgrep (not on
 * every node); `read` is a builtin, so that a node with many processes
 * costs no fork per process. */
static const char probe_script[] =
    "c=$1\n"
    "if [ -r \"$c\" ]; then echo config; sed 's/^/|/' \"$c\"; echo end\n"
    "elif [ -e \"$c\" ]; then echo unreadable; else echo noconfig; fi\n"
    "for d in /proc/[0-9]*; do\n"
    "  read -r n 2>/dev/null < \"$d/comm\" || continue\n"
    "  [ \"$n\" = sbd ] || continue\n"
    "  echo \"pid ${d#/proc/}\"\n"
    "  for f in \"$d\"/fd/*; do\n"
    "    t=$(readlink \"$f\" 2>/dev/null) || continue\n"
    "    case $t in /dev/watchdog|/dev/watchdog[0-9]*)\n"
    "      echo \"fd ${d#/proc/} $t\";; esac\n"
    "  done\n"
    "done\n";

int hc_sbd_probe_parse(const char *text, size_t len, const char *path,
                       hc_sbd_state *st, int *line)
{
    const char *p = text, *end = text + len;
    GString *conf = NULL;
    bool had_config = false;    /* one of config, noconfig, unreadable */
    int lineno = 0, rc = 0;

    st->configured = false;
    while (p < end && rc == 0) {
        const char *e = memchr(p, '\n', (size_t) (end - p));
        size_t n;

        e = e ? e : end;
        n = (size_t) (e - p);
        lineno++;
        if (conf) {
            if (n == 3 && !memcmp(p, "end", 3)) {
                /* A bad line of the file is the file's error (named in
                 * config_error), not the probe's: the rest is read. */
                (void) hc_sbd_config_parse(conf->str, conf->len, path, st);
                g_string_free(conf, TRUE);
                conf = NULL;
            } else if (n >= 1 && *p == '|') {
                g_string_append_len(conf, p + 1, (gssize) n - 1);
                g_string_append_c(conf, '\n');
            } else {
                rc = -EINVAL;
            }
        } else if ((n == 6 || n == 8 || n == 10) && had_config) {
            rc = -EINVAL;
        } else if (n == 6 && !memcmp(p, "config", 6)) {
            conf = g_string_new(NULL);
            had_config = true;
        } else if (n == 8 && !memcmp(p, "noconfig", 8)) {
            st->configured = false;
            had_config = true;
        } else if (n == 10 && !memcmp(p, "unreadable", 10)) {
            had_config = true;
            st->configured = true;
            g_free(st->config_error);
            st->config_error = g_strdup_printf("%s: not readable", path);
        } else if (n > 4 && (!memcmp(p, "pid ", 4) || !memcmp(p, "fd ", 3))) {
            char *l = g_strndup(p, n);
            bool is_fd = l[0] == 'f';
            char *s = l + (is_fd ? 3 : 4), *num_end;
            long pid;

            errno = 0;
            pid = strtol(s, &num_end, 10);
            if (errno || num_end == s || pid <= 0 || pid > INT_MAX
                || (is_fd ? *num_end != ' ' || !num_end[1] : *num_end != 0)) {
                rc = -EINVAL;
            } else if (!is_fd) {
                if (!st->running) {
                    st->running = true;
                    st->pid = (int) pid;
                }
            } else if (!st->watchdog_open) {
                st->watchdog_open = true;
                st->watchdog_held = g_strdup(num_end + 1);
            }
            g_free(l);
        } else if (n > 0) {
            rc = -EINVAL;
        }
        p = e < end ? e + 1 : end;
    }
    if (conf) {
        /* The configuration's text never ended: cut short (the line after
         * the last is the one missing). */
        g_string_free(conf, TRUE);
        if (rc == 0) {
            rc = -EINVAL;
            lineno++;
        }
    }
    if (rc < 0 && line) {
        *line = lineno;
    }
    return rc;
}

hc_sbd_state *hc_sbd_remote(const char *node, const char *path,
                            bool read_slots)
{
    hc_sbd_state *st = hc_sbd_state_new();
    hc_exec_result r = { 0 };
    hc_exec_opts o = { .timeout_ms = 2 * SBD_DEADLINE_MS, .node = node };
    const char *argv[] = { "sh", "-c", probe_script, "sh", NULL, NULL };
    int line = 0;

    st->node = g_strdup(node);
    st->config_path = g_strdup(path ? path : HC_SBD_CONFIG);
    argv[4] = st->config_path;
    if (hc_exec(argv, &o, &r) < 0 || r.spawn_failed) {
        st->unknown = g_strdup("ssh: could not be run");
    } else if (r.timed_out || r.status == 255) {
        /* 255: ssh itself failed (the script never exits so). */
        char *why = failure_text(&r);

        st->unknown = g_str_has_prefix(why, "ssh: ") ? g_strdup(why)
                      : g_strdup_printf("ssh: %s", why);
        g_free(why);
    } else if (r.status != 0
               || hc_sbd_probe_parse(r.out, r.out_len, st->config_path, st,
                                     &line) < 0) {
        char *why = failure_text(&r);

        st->unknown = r.status ? g_strdup_printf("the probe failed: %s", why)
                      : g_strdup_printf("the probe's line %d is not "
                                        "understood", line);
        g_free(why);
    }
    hc_exec_result_clear(&r);
    if (!st->watchdog_dev) {
        st->watchdog_dev = g_strdup("/dev/watchdog");
    }
    if (!st->unknown && read_slots) {
        read_disks(st, node);
    }
    return st;
}

hc_sbd_state *hc_sbd_state_dup(const hc_sbd_state *st)
{
    hc_sbd_state *c;

    if (!st) {
        return NULL;
    }
    c = hc_sbd_state_new();
    c->node = g_strdup(st->node);
    c->unknown = g_strdup(st->unknown);
    c->configured = st->configured;
    c->config_path = g_strdup(st->config_path);
    c->config_error = g_strdup(st->config_error);
    c->watchdog_dev = g_strdup(st->watchdog_dev);
    c->watchdog_timeout = g_strdup(st->watchdog_timeout);
    c->pacemaker = st->pacemaker;
    c->running = st->running;
    c->pid = st->pid;
    c->watchdog_open = st->watchdog_open;
    c->watchdog_held = g_strdup(st->watchdog_held);
    for (guint i = 0; i < st->disks->len; i++) {
        const hc_sbd_disk *d = g_ptr_array_index(st->disks, i);
        hc_sbd_disk *cd = disk_new(d->device);

        cd->error = g_strdup(d->error);
        cd->msgwait = d->msgwait;
        cd->watchdog_timeout = d->watchdog_timeout;
        for (guint j = 0; j < d->slots->len; j++) {
            const hc_sbd_slot *sl = g_ptr_array_index(d->slots, j);
            hc_sbd_slot *cs = g_new0(hc_sbd_slot, 1);

            cs->slot = sl->slot;
            cs->node = g_strdup(sl->node);
            cs->message = g_strdup(sl->message);
            cs->from = g_strdup(sl->from);
            g_ptr_array_add(cd->slots, cs);
        }
        g_ptr_array_add(c->disks, cd);
    }
    return c;
}

const hc_sbd_slot *hc_sbd_node_slot(const hc_sbd_state *st,
                                    const hc_sbd_disk *d)
{
    for (guint i = 0; st->node && i < d->slots->len; i++) {
        const hc_sbd_slot *sl = g_ptr_array_index(d->slots, i);

        if (!strcmp(sl->node, st->node)) {
            return sl;
        }
    }
    return NULL;
}

static bool same_short_name(const char *a, const char *b)
{
    size_t na = strcspn(a, "."), nb = strcspn(b, ".");

    return na == nb && !strncmp(a, b, na);
}

char *hc_sbd_here(char *const *nodes)
{
    const char *host = g_get_host_name();
    const char *argv[] = { "crm_node", "-n", NULL };
    hc_exec_opts o = { .timeout_ms = SBD_DEADLINE_MS };
    hc_exec_result r = { 0 };
    char *name = NULL;

    for (char *const *n = nodes; n && *n; n++) {
        if (same_short_name(*n, host)) {
            return g_strdup(*n);
        }
    }
    if (hc_exec(argv, &o, &r) == 0 && !r.spawn_failed && !r.timed_out
        && r.status == 0 && r.out) {
        name = g_strstrip(g_strdup(r.out));
        if (!*name || strchr(name, '\n')) {
            g_clear_pointer(&name, g_free);
        }
    }
    hc_exec_result_clear(&r);
    return name ? name : g_strdup(host);
}
