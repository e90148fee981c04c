/* The DRBD pane's data: core/drbd_follow live (events2 child plus polled
 * statistics, all from the loop) once the CIB has an ocf:linbit:drbd
 * resource or /proc/drbd exists, or a captured /proc/drbd or events2 file
 * replayed once (tests, post-mortems).  A captured /proc/drbd's minors
 * are named by the CIB, else by drbdsetup and drbdadm asked in the
 * background (hc_drbd_lookup_start()), as `hacon drbd --proc` does.  After every DRBD change and every
 * CIB change the DRBD/Pacemaker disagreements are computed again for the
 * header. */
#include "sources.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <crm/common/xml.h>
#include <libxml/xpath.h>

#include "drbd.h"
#include "drbd_cib.h"
#include "drbd_follow.h"
#include "util.h"

struct hc_drbd_src {
    hc_drbd *d;
    hc_drbd_follow *follow;
    bool replay;                /* a captured file, not the kernel */
    bool tried;                 /* the live follower was started once */
    char *proc_text;            /* a captured /proc/drbd, fed again with
                                 * the CIB's names for its minors */
    GHashTable *names;          /* its minors named by drbdsetup and
                                 * drbdadm, as `hacon drbd --proc` names
                                 * them (the CIB's names go over these) */
    GHashTable *cib_names;      /* its minors named by the last CIB */
    hc_drbd_lookup *lookup;     /* asking them, in the background */
    bool asked;                 /* asked once */
    char *err;                  /* why nothing is followed, or NULL */
    char *msg;                  /* the follower's last message */
    xmlNode *cib;               /* a copy of the last CIB */
    GPtrArray *warnings;
    uint64_t gen;
    hc_src_changed_fn fn;
    void *data;
};

static void recompute_warnings(hc_drbd_src *s)
{
    char host[256];

    g_ptr_array_set_size(s->warnings, 0);
    if (!s->cib || !s->d->resources->len) {
        return;
    }
    if (gethostname(host, sizeof(host)) < 0) {
        host[0] = '\0';
    }
    host[sizeof(host) - 1] = '\0';
    host[strcspn(host, ".")] = '\0';
    /* A captured file was seen on some node, not necessarily this one. */
    hc_drbd_cib_warnings(s->cib, s->d, host[0] && !s->replay ? host : NULL,
                         s->warnings);
}

static void changed(hc_drbd_src *s)
{
    recompute_warnings(s);
    s->gen++;
    if (s->fn) {
        s->fn(s->data);
    }
}

static void on_follow(hc_drbd *d, const char *msg, void *data)
{
    hc_drbd_src *s = data;

    if (msg) {
        g_free(s->msg);
        s->msg = g_strdup(msg);
    }
    changed(s);
}

/* The kernel's /proc/drbd, or the file HACON_PROC_DRBD_PATH names (tests
 * play a node's /proc/drbd with it). */
static const char *proc_path(void)
{
    const char *p = getenv("HACON_PROC_DRBD_PATH");

    return p && *p ? p : "/proc/drbd";
}

static void start_live(hc_drbd_src *s)
{
    hc_drbd_follow_opts fo = { .proc_path = proc_path() };
    char *err = NULL;

    if (s->replay || s->tried) {
        return;
    }
    s->tried = true;
    s->follow = hc_drbd_follow_start(s->d, &fo, on_follow, s, &err);
    g_free(s->err);
    s->err = s->follow ? NULL : err;
    if (!s->follow && !s->err) {
        s->err = g_strdup("DRBD cannot be followed here");
    }
    changed(s);
}

static void feed_capture(hc_drbd_src *s);

static void on_capture_names(GHashTable *names, hc_drbd *ref, void *data)
{
    hc_drbd_src *s = data;

    s->lookup = NULL;
    hc_drbd_free(ref);
    if (s->names) {
        g_hash_table_destroy(s->names);
    }
    s->names = names;
    feed_capture(s);
    changed(s);
}

/* A captured /proc/drbd into the model: its minors named by the CIB,
 * else by what drbdsetup and drbdadm said; those neither names are asked
 * about once, in the background. */
static void feed_capture(hc_drbd_src *s)
{
    GHashTable *cib_names = s->cib_names;
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, g_free);
    GHashTableIter it;
    gpointer k, v;
    GArray *minors;

    if (s->names) {
        g_hash_table_iter_init(&it, s->names);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            g_hash_table_replace(names, g_strdup(k), g_strdup(v));
        }
    }
    if (cib_names) {
        g_hash_table_iter_init(&it, cib_names);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            g_hash_table_replace(names, g_strdup(k), g_strdup(v));
        }
    }
    hc_drbd_clear(s->d);
    hc_drbd_feed_proc(s->d, s->proc_text, strlen(s->proc_text), 0.0, names);
    g_hash_table_destroy(names);
    if (s->asked || s->lookup) {
        return;
    }
    minors = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < s->d->resources->len; i++) {
        const hc_drbd_resource *r = s->d->resources->pdata[i];

        for (guint j = 0; r->name_unknown && j < r->devices->len; j++) {
            const hc_drbd_device *dv = r->devices->pdata[j];

            g_array_append_val(minors, dv->minor);
        }
    }
    if (minors->len) {
        s->asked = true;
        s->lookup = hc_drbd_lookup_start(NULL, NULL,
                                         (const int *) minors->data,
                                         minors->len, 0, on_capture_names, s);
    }
    g_array_free(minors, TRUE);
}

static int replay(hc_drbd_src *s, const char *path, bool proc)
{
    char *buf = NULL;
    gsize len = 0;
    GError *ge = NULL;
    int r;

    if (!g_file_get_contents(path, &buf, &len, &ge)) {
        s->err = g_strdup_printf("cannot read %s: %s", path, ge->message);
        g_error_free(ge);
        return -1;
    }
    r = proc ? hc_drbd_feed_proc(s->d, buf, len, 0.0, NULL)
             : hc_drbd_feed_events2(s->d, buf, len, -1.0);
    if (r < 0) {
        s->err = g_strdup_printf("%s line %d: %s", path, s->d->err_line,
                                 s->d->err);
    }
    if (proc && r >= 0) {
        g_free(s->proc_text);
        s->proc_text = buf;
    } else {
        g_free(buf);
    }
    return r;
}

hc_drbd_src *hc_drbd_src_new(const char *proc, const char *events2,
                             hc_src_changed_fn fn, void *data)
{
    hc_drbd_src *s = g_new0(hc_drbd_src, 1);

    s->d = hc_drbd_new();
    s->warnings = g_ptr_array_new_with_free_func(g_free);
    s->fn = fn;
    s->data = data;
    if (events2 && *events2) {
        s->replay = true;
        replay(s, events2, false);
    }
    if (proc && *proc) {
        s->replay = true;
        if (replay(s, proc, true) >= 0 && s->proc_text) {
            feed_capture(s);
        }
    }
    if (!s->replay && access(proc_path(), R_OK) == 0) {
        start_live(s);
    }
    return s;
}

void hc_drbd_src_free(hc_drbd_src *s)
{
    if (!s) {
        return;
    }
    hc_drbd_follow_stop(s->follow);
    hc_drbd_lookup_stop(s->lookup);
    if (s->names) {
        g_hash_table_destroy(s->names);
    }
    if (s->cib_names) {
        g_hash_table_destroy(s->cib_names);
    }
    hc_drbd_free(s->d);
    g_free(s->err);
    g_free(s->msg);
    g_free(s->proc_text);
    if (s->cib) {
        free_xml(s->cib);
    }
    g_ptr_array_free(s->warnings, TRUE);
    g_free(s);
}

/* /proc/drbd names minors only, and the CIB links a Filesystem to a DRBD
 * resource only through a name.  With one ocf:linbit:drbd resource in the
 * CIB (the usual two-node cluster), a Filesystem on /dev/drbdN says that
 * minor N is that resource; a Filesystem on /dev/drbd/by-res/NAME does
 * not give the minor, so there one resource in /proc/drbd is taken as the
 * CIB's one. */
static void name_minors(xmlNode *cib, GPtrArray *links, const hc_drbd *d,
                        GHashTable *names)
{
    const hc_drbd_cib_link *l = links->pdata[0];
    xmlXPathContext *ctx;
    xmlXPathObject *o;

    if (links->len != 1 || !l->drbd_resource) {
        return;
    }
    ctx = xmlXPathNewContext(cib->doc);
    if (!ctx) {
        return;
    }
    xmlXPathSetContextNode(cib, ctx);
    o = xmlXPathEvalExpression((const xmlChar *)
        ".//primitive[@type='Filesystem']/instance_attributes/"
        "nvpair[@name='device']/@value", ctx);
    for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        const char *dev = (const char *) v;

        if (dev && g_str_has_prefix(dev, "/dev/drbd") && g_ascii_isdigit(dev[9])) {
            g_hash_table_insert(names, g_strdup(dev + 9),
                                g_strdup(l->drbd_resource));
        }
        xmlFree(v);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    if (!g_hash_table_size(names) && d->resources->len == 1) {
        const hc_drbd_resource *r = d->resources->pdata[0];

        for (guint i = 0; i < r->devices->len; i++) {
            const hc_drbd_device *v = r->devices->pdata[i];

            g_hash_table_insert(names, g_strdup_printf("%d", v->minor),
                                g_strdup(l->drbd_resource));
        }
    }
}

void hc_drbd_src_cib(hc_drbd_src *s, xmlNode *cib, bool live_ok)
{
    GPtrArray *links = g_ptr_array_new_with_free_func(
        (GDestroyNotify) hc_drbd_cib_link_free);

    if (s->cib) {
        free_xml(s->cib);
    }
    s->cib = copy_xml(cib);
    if (hc_drbd_cib_links(cib, s->d, links) == 0 && links->len) {
        if (live_ok) {
            start_live(s);
        }
        /* /proc/drbd knows minors only: name them as the CIB does. */
        if (s->proc_text) {
            GHashTable *names = g_hash_table_new_full(g_str_hash,
                                                      g_str_equal, g_free,
                                                      g_free);

            name_minors(cib, links, s->d, names);
            if (s->cib_names) {
                g_hash_table_destroy(s->cib_names);
            }
            s->cib_names = names;
            feed_capture(s);
        }
    }
    g_ptr_array_free(links, TRUE);
    changed(s);
}

const GPtrArray *hc_drbd_src_warnings(const hc_drbd_src *s)
{
    return s->warnings;
}

bool hc_drbd_src_active(const hc_drbd_src *s)
{
    return s->replay || s->tried;
}

uint64_t hc_drbd_src_generation(const hc_drbd_src *s)
{
    return s->gen;
}

void hc_drbd_src_build(hc_drbd_src *s, hc_console *con, GPtrArray *lines,
                       int width)
{
    GString *out = g_string_new(NULL);
    char **split;

    if (!hc_drbd_src_active(s)) {
        hc_line_add(lines, HC_TONE_DIM, NULL, "No DRBD here: no /proc/drbd "
                    "and no ocf:linbit:drbd resource in the CIB.");
        g_string_free(out, TRUE);
        return;
    }
    if (s->err) {
        char *e = hc_con_esc(con, s->err, 0);

        hc_line_add(lines, HC_TONE_BAD, NULL, "%s", e);
        g_free(e);
    }
    if (s->msg) {
        char *e = hc_con_esc(con, s->msg, 0);

        hc_line_add(lines, HC_TONE_WARN, NULL, "%s", e);
        g_free(e);
    }
    for (guint i = 0; i < s->warnings->len; i++) {
        char *e = hc_con_esc(con, s->warnings->pdata[i], 0);

        hc_line_add(lines, HC_TONE_BAD, NULL, "! %s", e);
        g_free(e);
    }
    if (!s->d->resources->len) {
        hc_line_add(lines, HC_TONE_DIM, NULL, "No DRBD resource is "
                    "configured in the kernel (yet).");
    }
    /* The model's own text (names escaped there, lines under 80 columns),
     * with the recent state changes. */
    hc_drbd_format_text(s->d, out, true);
    split = g_strsplit(out->str, "\n", -1);
    for (char **p = split; *p; p++) {
        char *e;
        hc_tone tone = HC_TONE_NORMAL;

        if (!**p && !p[1]) {
            break;
        }
        e = hc_con_esc(con, *p, 0);
        if (!strncmp(*p, "resource ", 9) || !strncmp(*p, "DRBD ", 5)) {
            tone = HC_TONE_TITLE;
        } else if (strstr(*p, "StandAlone") || strstr(*p, "split")
                   || strstr(*p, "Diskless") || strstr(*p, "Outdated")) {
            tone = HC_TONE_BAD;
        } else if (strchr(*p, '[') || strstr(*p, "Inconsistent")) {
            tone = HC_TONE_WARN;
        }
        hc_line_add(lines, tone, NULL, "%s", e);
        g_free(e);
    }
    g_strfreev(split);
    g_string_free(out, TRUE);
}
