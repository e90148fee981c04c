/* Reading and committing the CIB for the crm shell lines, the readable
 * difference between two CIBs, and the scheduler's preview of one. */
#include "crmsh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <crm/cib.h>
#include <crm/cib/util.h>
#include <crm/common/nvpair.h>
#include <crm/common/results.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "crmsh_int.h"
#include "exec.h"
#include "util.h"

static void set_msg(char **ret_msg, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void set_msg(char **ret_msg, const char *fmt, ...)
{
    va_list ap;

    if (!ret_msg) {
        return;
    }
    va_start(ap, fmt);
    *ret_msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* Pacemaker's legacy return codes are negative errnos below 1000 and its
 * own above; both become a negative errno here. */
static int legacy_to_errno(int rc)
{
    if (rc == pcmk_ok) {
        return 0;
    }
    rc = rc < 0 ? -rc : rc;
    return rc < 1000 ? -rc : -EIO;
}

static int connect_cib(cib_t *cib, char **ret_msg)
{
    int rc = cib->cmds->signon(cib, "hacon", cib_command);

    if (rc != pcmk_ok) {
        set_msg(ret_msg, "cannot connect to the CIB: %s", pcmk_strerror(rc));
        return legacy_to_errno(rc);
    }
    return 0;
}

int hc_crm_cib_query(xmlNode **ret, char **ret_msg)
{
    hc_cib *c = NULL;
    int rc = hc_cib_connect(&c, ret_msg);

    *ret = NULL;
    if (rc < 0) {
        return rc;
    }
    rc = hc_cib_query(c, ret, ret_msg);
    hc_cib_free(c);
    return rc;
}

static xmlNode *first_child_named(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && !strcmp((const char *)c->name, name)) {
            return c;
        }
    }
    return NULL;
}

/* Copies the CIB file beside itself, for the file variant of the CIB API
 * to work on: Pacemaker writes its file in place, hacon must not. */
static char *copy_beside(const char *file, mode_t *ret_mode, char **ret_msg)
{
    char *data = NULL;
    size_t len = 0;
    struct stat st;
    int rc = hc_read_file(file, &data, &len);

    if (rc < 0 || stat(file, &st) < 0) {
        set_msg(ret_msg, "cannot read %s: %s", file, g_strerror(rc < 0
                ? -rc : errno));
        g_free(data);
        return NULL;
    }
    *ret_mode = st.st_mode & 07777;
    char *tmp = g_strdup_printf("%s.hacon-XXXXXX", file);
    int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_msg(ret_msg, "cannot create a file beside %s: %s", file,
                g_strerror(errno));
        g_free(tmp);
        g_free(data);
        return NULL;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) {
            set_msg(ret_msg, "cannot write %s: %s", tmp, g_strerror(errno));
            close(fd);
            unlink(tmp);
            g_free(tmp);
            g_free(data);
            return NULL;
        }
        off += (size_t)w;
    }
    close(fd);
    g_free(data);
    return tmp;
}

/* Not hc_cib_replace(): a change needs a command (read-write) connection,
 * replaces the configuration only (the status section belongs to the
 * cluster), and a CIB file is rewritten through hc_write_file_atomic()
 * rather than in place by libcib. */
int hc_crm_cib_commit(xmlNode *base, xmlNode *new_cib, char **ret_msg)
{
    const char *file = g_getenv("CIB_file");
    char *tmp = NULL;
    mode_t mode = 0600;
    cib_t *cib;
    xmlNode *now = NULL;
    int rc;

    if (file && *file) {
        if (!(tmp = copy_beside(file, &mode, ret_msg))) {
            return -EIO;
        }
        cib = cib_file_new(tmp);
    } else {
        cib = cib_new();
    }
    if (!cib) {
        set_msg(ret_msg, "cannot create a CIB connection");
        rc = -ENOMEM;
        goto out;
    }
    if ((rc = connect_cib(cib, ret_msg))) {
        cib_delete(cib);
        goto out;
    }
    /* Someone else may have changed the CIB since it was read: replacing
     * the configuration would undo their change without a word. */
    rc = cib->cmds->query(cib, NULL, &now, cib_scope_local | cib_sync_call);
    int a0 = 0, e0 = 0, u0 = 0, a1 = 0, e1 = 0, u1 = 0;
    if (rc != pcmk_ok || !now) {
        set_msg(ret_msg, "cannot read the CIB: %s", pcmk_strerror(rc));
        rc = rc != pcmk_ok ? legacy_to_errno(rc) : -EIO;
    } else {
        cib_version_details(base, &a0, &e0, &u0);
        cib_version_details(now, &a1, &e1, &u1);
        if (a0 != a1 || e0 != e1) {
            set_msg(ret_msg, "the CIB changed since it was read (epoch "
                    "%d:%d, now %d:%d); nothing applied", a0, e0, a1, e1);
            rc = -ESTALE;
        } else {
            xmlNode *conf = first_child_named(new_cib, "configuration");
            rc = cib->cmds->replace(cib, "configuration", conf,
                                    cib_sync_call);
            if (rc != pcmk_ok) {
                set_msg(ret_msg, "the cluster refused the change: %s",
                        pcmk_strerror(rc));
                rc = legacy_to_errno(rc);
            } else {
                rc = 0;
            }
        }
    }
    free_xml(now);
    cib->cmds->signoff(cib);
    cib_delete(cib);
    if (rc == 0 && tmp) {
        char *data = NULL;
        size_t len = 0;
        rc = hc_read_file(tmp, &data, &len);
        if (rc == 0) {
            rc = hc_write_file_atomic(file, data, len, mode, true);
        }
        if (rc < 0) {
            set_msg(ret_msg, "cannot write %s: %s", file, g_strerror(-rc));
        }
        g_free(data);
    }
out:
    if (tmp) {
        unlink(tmp);
        g_free(tmp);
    }
    return rc;
}

/* ---- the difference ------------------------------------------------- */

static void append_xml_lines(GString *s, const char *prefix, xmlNode *n)
{
    char *text = dump_xml_formatted(n);
    gchar **lines = g_strsplit(text ? text : "", "\n", -1);

    for (gchar **l = lines; *l; l++) {
        if (**l) {
            char *esc = hc_crm_escape_text(*l);
            g_string_append_printf(s, "%s%s\n", prefix, esc);
            g_free(esc);
        }
    }
    g_strfreev(lines);
    free(text);
}

static bool xml_same(const xmlNode *a, const xmlNode *b);

static bool attrs_same(const xmlNode *a, const xmlNode *b)
{
    const xmlAttr *x = a->properties, *y = b->properties;

    for (; x && y; x = x->next, y = y->next) {
        xmlChar *vx, *vy;
        bool same;

        if (strcmp((const char *) x->name, (const char *) y->name)) {
            return false;
        }
        vx = xmlNodeGetContent((const xmlNode *) x);
        vy = xmlNodeGetContent((const xmlNode *) y);
        same = !g_strcmp0((const char *) vx, (const char *) vy);
        xmlFree(vx);
        xmlFree(vy);
        if (!same) {
            return false;
        }
    }
    return !x && !y;
}

/* Same elements, attributes (in order), text and comments. */
static bool xml_same(const xmlNode *a, const xmlNode *b)
{
    const xmlNode *x, *y;

    if (a->type != b->type || g_strcmp0((const char *) a->name,
                                        (const char *) b->name)) {
        return false;
    }
    if (a->type != XML_ELEMENT_NODE) {
        return !g_strcmp0((const char *) a->content,
                          (const char *) b->content);
    }
    if (!attrs_same(a, b)) {
        return false;
    }
    for (x = a->children, y = b->children; x && y; x = x->next, y = y->next) {
        if (!xml_same(x, y)) {
            return false;
        }
    }
    return !x && !y;
}

static xmlNode *section_of(xmlNode *conf, const xmlChar *name)
{
    for (xmlNode *k = conf ? conf->children : NULL; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, name)) {
            return k;
        }
    }
    return NULL;
}

/* The <cib> element with its attributes and its configuration only, and
 * of that only the sections (resources, constraints, ...) that differ
 * from the other CIB's: a line changes one or two sections, and comparing
 * the rest (on a large cluster a thousand resources, and the status) made
 * every plan many times slower for nothing.  The paths of the changes do
 * not depend on the sections left out. */
static xmlNode *config_copy(xmlNode *cib, xmlNode *other)
{
    xmlNode *c = create_xml_node(NULL, (const char *) cib->name);
    xmlNode *conf = section_of(cib, (const xmlChar *) "configuration");
    xmlNode *oconf = section_of(other, (const xmlChar *) "configuration");
    xmlNode *cc;

    copy_in_properties(c, cib);
    if (!conf) {
        return c;
    }
    cc = create_xml_node(c, "configuration");
    copy_in_properties(cc, conf);
    for (xmlNode *k = conf->children; k; k = k->next) {
        xmlNode *o;

        if (k->type != XML_ELEMENT_NODE) {
            continue;
        }
        o = section_of(oconf, k->name);
        if (o && xml_same(k, o)) {
            copy_in_properties(create_xml_node(cc, (const char *) k->name),
                               k);
        } else {
            add_node_copy(cc, k);
        }
    }
    return c;
}

char *hc_crm_diff_text(xmlNode *old_cib, xmlNode *new_cib)
{
    xmlNode *a = config_copy(old_cib, new_cib);
    xmlNode *b = config_copy(new_cib, old_cib);
    GString *s = g_string_new(NULL);

    xml_track_changes(b, NULL, b, FALSE);
    xml_calculate_changes(a, b);
    xmlNode *patch = xml_create_patchset(2, a, b, NULL, FALSE);

    for (xmlNode *c = patch ? patch->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE
            || strcmp((const char *)c->name, "change")) {
            continue;
        }
        const char *op = crm_element_value(c, "operation");
        const char *path = crm_element_value(c, "path");
        char *epath = hc_escape(path, 0);
        if (!op) {
            g_free(epath);
            continue;
        }
        if (!strcmp(op, "create")) {
            g_string_append_printf(s, "+ %s:\n", epath);
            for (xmlNode *k = c->children; k; k = k->next) {
                if (k->type == XML_ELEMENT_NODE) {
                    append_xml_lines(s, "+   ", k);
                }
            }
        } else if (!strcmp(op, "delete")) {
            g_string_append_printf(s, "- %s\n", epath);
        } else if (!strcmp(op, "move")) {
            g_string_append_printf(s, "> %s (to position %s)\n", epath,
                                   crm_element_value(c, "position"));
        } else if (!strcmp(op, "modify")) {
            xmlNode *list = first_child_named(c, "change-list");
            GString *what = g_string_new(NULL);
            for (xmlNode *k = list ? list->children : NULL; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE) {
                    continue;
                }
                const char *name = crm_element_value(k, "name");
                const char *aop = crm_element_value(k, "operation");
                /* The version counters move on every change: noise. */
                if (!name || !strcmp(name, "epoch")
                    || !strcmp(name, "num_updates")
                    || !strcmp(name, "admin_epoch")) {
                    continue;
                }
                char *ev = hc_escape(crm_element_value(k, "value"), 0);
                if (aop && !strcmp(aop, "unset")) {
                    g_string_append_printf(what, " -%s", name);
                } else {
                    g_string_append_printf(what, " %s=\"%s\"", name, ev);
                }
                g_free(ev);
            }
            if (what->len) {
                g_string_append_printf(s, "~ %s:%s\n", epath, what->str);
            }
            g_string_free(what, TRUE);
        }
        g_free(epath);
    }
    free_xml(patch);
    free_xml(a);
    free_xml(b);
    return g_string_free(s, FALSE);
}

/* ---- the preview ---------------------------------------------------- */

int hc_crm_simulate(xmlNode *cib, int timeout_ms, char **ret_summary,
                    char **ret_msg)
{
    return hc_crm_simulate_grouped(cib, timeout_ms, false, ret_summary,
                                   ret_msg);
}

int hc_crm_simulate_tmp(char *path, size_t size, char **ret_msg)
{
    int fd, e;

    if ((size_t) snprintf(path, size, "%s/hacon-sim-XXXXXX.xml",
                          g_get_tmp_dir()) >= size) {
        set_msg(ret_msg, "cannot create a file in %s: name too long",
                g_get_tmp_dir());
        return -ENAMETOOLONG;
    }
    fd = mkostemps(path, 4, O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        set_msg(ret_msg, "cannot create %s: %s", path, g_strerror(e));
        return -e;
    }
    close(fd);
    return 0;
}

int hc_crm_simulate_grouped(xmlNode *cib, int timeout_ms, bool same_group,
                            char **ret_summary, char **ret_msg)
{
    char tmp[PATH_MAX];
    int rc;

    *ret_summary = NULL;
    rc = hc_crm_simulate_tmp(tmp, sizeof(tmp), ret_msg);
    if (rc < 0) {
        return rc;
    }
    rc = hc_crm_simulate_in(cib, tmp, timeout_ms, same_group, ret_summary,
                            ret_msg);
    unlink(tmp);
    return rc;
}

int hc_crm_simulate_in(xmlNode *cib, const char *path, int timeout_ms,
                       bool same_group, char **ret_summary, char **ret_msg)
{
    int rc;

    *ret_summary = NULL;
    if (write_xml_file(cib, path, FALSE) <= 0) {
        set_msg(ret_msg, "cannot write %s", path);
        return -EIO;
    }
    const char *argv[] = { "crm_simulate", "-S", "-x", path, NULL };
    hc_exec_opts o = { .timeout_ms = timeout_ms > 0 ? timeout_ms : 30000,
                       .same_group = same_group };
    hc_exec_result r = { 0 };
    rc = hc_exec(argv, &o, &r);
    if (rc < 0) {
        set_msg(ret_msg, "cannot run crm_simulate: %s", g_strerror(-rc));
    } else if (r.timed_out) {
        set_msg(ret_msg, "crm_simulate took longer than %d ms",
                o.timeout_ms);
        rc = -ETIMEDOUT;
    } else if (r.status != 0) {
        char *e = hc_escape(r.err, 400);
        set_msg(ret_msg, "crm_simulate failed (status %d): %s", r.status, e);
        g_free(e);
        rc = -EIO;
    } else {
        /* The lines between "Transition Summary:" and the next heading. */
        GString *s = g_string_new(NULL);
        gchar **lines = g_strsplit(r.out, "\n", -1);
        bool in = false;
        for (gchar **l = lines; *l; l++) {
            if (!strcmp(*l, "Transition Summary:")) {
                in = true;
                continue;
            }
            if (in && **l && **l != ' ') {
                break;
            }
            if (in && **l) {
                char *esc = hc_escape(g_strstrip(*l), 0);
                g_string_append_printf(s, "%s\n", esc);
                g_free(esc);
            }
        }
        g_strfreev(lines);
        *ret_summary = g_string_free(s, FALSE);
        rc = 0;
    }
    hc_exec_result_clear(&r);
    return rc;
}

/* ---- a line, from text to cluster ------------------------------------ */

void hc_crm_plan_free(hc_crm_plan *p)
{
    if (!p) {
        return;
    }
    g_free(p->line);
    hc_crm_cmd_free(p->cmd);
    free_xml(p->base);
    free_xml(p->next);
    g_free(p->diff);
    g_free(p->preview);
    g_free(p->preview_error);
    g_strfreev(p->cluster_argv);
    hc_crm_advice_free(p->advice);
    g_free(p);
}

int hc_crm_plan_new(const char *line, bool simulate, hc_crm_plan **ret,
                    hc_crm_error *err, char **ret_msg)
{
    return hc_crm_plan_new_from(line, NULL, simulate, ret, err, ret_msg);
}

int hc_crm_plan_new_from(const char *line, xmlNode *cib, bool simulate,
                         hc_crm_plan **ret, hc_crm_error *err,
                         char **ret_msg)
{
    hc_crm_plan *p = g_new0(hc_crm_plan, 1);
    int rc;

    *ret = NULL;
    p->line = g_strdup(line);
    if ((rc = hc_crm_parse(line, strlen(line), &p->cmd, err))) {
        goto fail;
    }
    if (hc_crm_cmd_needs_cluster(p->cmd)) {
        p->cluster_argv = hc_crm_cmd_cluster_argv(p->cmd);
        *ret = p;
        return 0;
    }
    if (cib) {
        p->base = copy_xml(cib);
    } else if ((rc = hc_crm_cib_query(&p->base, ret_msg))) {
        goto fail;
    }
    p->next = copy_xml(p->base);
    p->advice = hc_crm_advice_new();
    if ((rc = hc_crm_apply_advised(p->cmd, p->next, p->advice, err))) {
        goto fail;
    }
    p->diff = hc_crm_diff_text(p->base, p->next);
    if (simulate && *p->diff
        && hc_crm_simulate(p->next, 30000, &p->preview,
                           &p->preview_error) < 0 && !p->preview_error) {
        p->preview_error = g_strdup("crm_simulate failed");
    }
    *ret = p;
    return 0;
fail:
    hc_crm_plan_free(p);
    return rc;
}

int hc_crm_plan_apply(const hc_crm_plan *p, char **ret_out, char **ret_msg)
{
    if (ret_out) {
        *ret_out = NULL;
    }
    if (p->cluster_argv) {
        hc_exec_result r = { 0 };
        int rc = hc_exec((const char *const *)p->cluster_argv, NULL, &r);
        if (rc < 0) {
            set_msg(ret_msg, "cannot run %s: %s", p->cluster_argv[0],
                    g_strerror(-rc));
            return rc;
        }
        if (ret_out) {
            GString *o = g_string_new(NULL);
            hc_escape_append(o, r.out, strlen(r.out), 0);
            if (*r.err) {
                g_string_append_c(o, '\n');
                hc_escape_append(o, r.err, strlen(r.err), 0);
            }
            *ret_out = g_string_free(o, FALSE);
        }
        rc = (r.status == 0 && !r.timed_out) ? 0 : -EIO;
        if (rc) {
            set_msg(ret_msg, "%s failed (status %d%s)", p->cluster_argv[0],
                    r.status, r.timed_out ? ", timed out" : "");
        }
        hc_exec_result_clear(&r);
        return rc;
    }
    if (!p->diff || !*p->diff) {
        return 0;
    }
    return hc_crm_cib_commit(p->base, p->next, ret_msg);
}
