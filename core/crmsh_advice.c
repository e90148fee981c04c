/* What hacon says about crm lines it accepts: a colocation written the
 * wrong way round (the tutorial has three, ERRATA 14), a promotable clone
 * named without its role, a cluster option Pacemaker does not know; and
 * the line as it was meant, which the caller can apply instead. */
#include "crmsh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <crm/common/xml.h>

#include "crmsh_int.h"
#include "exec.h"
#include "util.h"

#define EL(n, s) (!strcmp((const char *)(n)->name, (s)))

hc_crm_advice *hc_crm_advice_new(void)
{
    hc_crm_advice *a = g_new0(hc_crm_advice, 1);

    a->warnings = g_ptr_array_new_with_free_func(g_free);
    a->notes = g_ptr_array_new_with_free_func(g_free);
    return a;
}

void hc_crm_advice_free(hc_crm_advice *a)
{
    if (!a) {
        return;
    }
    g_ptr_array_unref(a->warnings);
    g_ptr_array_unref(a->notes);
    g_free(a->fix);
    g_free(a);
}

/* ---- agents that must not be used ------------------------------------ */

const char *hc_crm_agent_replaced(const char *provider, const char *type)
{
    /* Every agent of the tutorial's provider: it wrote only the broken
     * one. */
    (void) type;
    if (provider && !strcmp(provider, "dieploegers")) {
        return "the tutorial's own agent, which does not work (ERRATA 17: "
               "old .ocf-shellfuncs path, Upstart's \"start/running\", "
               "exit codes lost in subshells); use ocf:hacon:dhcpd, "
               "shipped with hacon: primitive dhcp ocf:hacon:dhcpd "
               "params config=/etc/dhcp/dhcpd.conf";
    }
    return NULL;
}

/* ---- cluster options ------------------------------------------------- */

static GPtrArray *cluster_options;
static bool cluster_options_read;

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_metadata_names(GPtrArray *out, const char *text)
{
    xmlNode *doc = string2xml(text);

    for (xmlNode *c = doc ? doc->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !EL(c, "parameters")) {
            continue;
        }
        for (xmlNode *p = c->children; p; p = p->next) {
            const char *n = p->type == XML_ELEMENT_NODE
                && EL(p, "parameter") ? crm_element_value(p, "name") : NULL;
            bool dup = false;

            for (guint i = 0; n && i < out->len; i++) {
                dup = dup || !strcmp(out->pdata[i], n);
            }
            if (n && !dup) {
                g_ptr_array_add(out, g_strdup(n));
            }
        }
    }
    if (doc) {
        free_xml(doc);
    }
}

const GPtrArray *hc_crm_cluster_options(void)
{
    /* The daemons that own cluster options (crm_attribute --list-options
     * came only with Pacemaker 2.1.8).  pacemaker-fenced's metadata lists
     * a fence device's pcmk_* parameters, not cluster options. */
    static const char *const daemons[] = {
        "pacemaker-schedulerd", "pacemaker-controld", "pacemaker-based",
    };
    static const char *const dirs[] = {
        "/usr/lib/pacemaker", "/usr/libexec/pacemaker",
    };

    if (cluster_options_read) {
        return cluster_options;
    }
    cluster_options_read = true;
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    int found = 0;

    for (size_t d = 0; d < G_N_ELEMENTS(daemons); d++) {
        for (size_t k = 0; k < G_N_ELEMENTS(dirs); k++) {
            char *path = g_build_filename(dirs[k], daemons[d], NULL);
            const char *argv[] = { path, "metadata", NULL };
            hc_exec_opts o = { .timeout_ms = 10000 };
            hc_exec_result r = { 0 };

            if (access(path, X_OK) == 0 && hc_exec(argv, &o, &r) == 0
                && r.status == 0 && !r.timed_out) {
                add_metadata_names(out, r.out);
                found++;
                k = G_N_ELEMENTS(dirs);
            }
            hc_exec_result_clear(&r);
            g_free(path);
        }
    }
    if (found < (int) G_N_ELEMENTS(daemons)) {
        /* A partial list would call a real option unknown. */
        g_ptr_array_unref(out);
        return NULL;
    }
    /* Written by the controller itself, in no metadata. */
    g_ptr_array_add(out, g_strdup("last-lrm-refresh"));
    g_ptr_array_sort(out, cmp_str);
    cluster_options = out;
    return cluster_options;
}

/* ---- colocations ----------------------------------------------------- */

/* How basic a resource is to the others on a stack like the tutorial's:
 * 0 storage (a promotable clone such as DRBD), 1 what lies on it or
 * beside it (a file system, an address), 2 a service; -1 unknown (groups,
 * fencing).  *what: a few words for the message. */
static int layer_of(xmlNode *cib, const char *id, const char **what)
{
    xmlNode *n = hc_crm_find_rsc(cib, id);

    *what = NULL;
    if (!n) {
        return -1;
    }
    if (hc_crm_is_promotable(n)) {
        *what = "a promotable clone";
        return 0;
    }
    if (EL(n, "clone")) {
        for (xmlNode *c = n->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && EL(c, "primitive")) {
                n = c;
                break;
            }
        }
    }
    if (!EL(n, "primitive")) {
        return -1;
    }
    const char *cls = crm_element_value(n, "class");
    const char *type = crm_element_value(n, "type");

    if (!cls || !type || !strcmp(cls, "stonith")) {
        return -1;
    }
    if (!strcmp(type, "drbd")) {
        *what = "DRBD";
        return 0;
    }
    if (!strcmp(type, "Filesystem")) {
        *what = "a file system";
        return 1;
    }
    if (!strcmp(type, "IPaddr2") || !strcmp(type, "IPaddr")
        || !strcmp(type, "IPv6addr") || !strcmp(type, "IPsrcaddr")) {
        *what = "an address";
        return 1;
    }
    *what = "a service";
    return 2;
}

/* The id of an order that starts first before then, or NULL. */
static const char *order_between(xmlNode *cib, const char *first,
                                 const char *then)
{
    xmlNode *cons = hc_crm_section(cib, "constraints", false);

    for (xmlNode *o = cons ? cons->children : NULL; o; o = o->next) {
        if (o->type != XML_ELEMENT_NODE || !EL(o, "rsc_order")) {
            continue;
        }
        const char *f = crm_element_value(o, "first");
        const char *t = crm_element_value(o, "then");
        const char *kind = crm_element_value(o, "kind");

        if (f && t && !strcmp(f, first) && !strcmp(t, then)
            && (!kind || strcmp(kind, "Optional"))) {
            return crm_element_value(o, "id");
        }
    }
    return NULL;
}

static void append_word(GString *s, const char *w)
{
    if (s->len) {
        g_string_append_c(s, ' ');
    }
    if (*w && !strpbrk(w, " \t\"'\\")) {
        g_string_append(s, w);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *c = w; *c; c++) {
        if (*c == '"' || *c == '\\') {
            g_string_append_c(s, '\\');
        }
        g_string_append_c(s, *c);
    }
    g_string_append_c(s, '"');
}

/* The line's words with words wa and wb replaced by ta and tb. */
static char *rebuild(const hc_crm_cmd *c, int wa, const char *ta, int wb,
                     const char *tb)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < c->words->len; i++) {
        const hc_crm_word *w = g_ptr_array_index(c->words, i);

        append_word(s, (int) i == wa ? ta : (int) i == wb ? tb : w->text);
    }
    return g_string_free(s, FALSE);
}

static char *ref_text(const hc_crm_ref *r, bool add_role)
{
    if (r->qual) {
        return g_strdup_printf("%s:%s", r->rsc, r->qual);
    }
    return add_role ? g_strdup_printf("%s:Promoted", r->rsc)
        : g_strdup(r->rsc);
}

void hc_crm_advise_colocation(const hc_crm_cmd *c, xmlNode *cib,
                              hc_crm_advice *adv)
{
    if (!adv || c->verb != HC_CRM_COLOCATION || c->refs->len != 2
        || !c->score || c->score[0] == '-') {
        return;     /* sets, and colocations that keep apart */
    }
    const hc_crm_ref *a = c->refs->pdata[0], *b = c->refs->pdata[1];
    const char *wa = NULL, *wb = NULL;
    int la = layer_of(cib, a->rsc, &wa), lb = layer_of(cib, b->rsc, &wb);
    const char *o_ab = order_between(cib, a->rsc, b->rsc);
    const char *o_ba = order_between(cib, b->rsc, a->rsc);
    char *reason = NULL;

    if (o_ab) {
        reason = g_strdup_printf("the order %s starts %s before %s, so %s "
                                 "needs %s", o_ab, a->rsc, b->rsc, b->rsc,
                                 a->rsc);
    } else if (!o_ba && la >= 0 && lb >= 0 && la < lb) {
        reason = g_strdup_printf("%s (%s) needs %s (%s), not the other way "
                                 "round", b->rsc, wb, a->rsc, wa);
    }
    bool role_a = !a->qual && hc_crm_is_promotable(hc_crm_find_rsc(cib,
                                                                   a->rsc));
    bool role_b = !b->qual && hc_crm_is_promotable(hc_crm_find_rsc(cib,
                                                                   b->rsc));

    if (reason) {
        char *ta = ref_text(a, false);

        g_ptr_array_add(adv->warnings, g_strdup_printf(
            "%s follows %s: in `colocation ID SCORE: A B` A goes where B "
            "runs, so Pacemaker places %s first, without regard to %s, and "
            "%s only goes where %s is. %s: the dependent resource comes "
            "first (the tutorial has this backwards, ERRATA 14).", ta,
            b->rsc, b->rsc, a->rsc, ta, b->rsc, reason));
        g_free(ta);
    }
    /* The dependent resource, after a swap, is the one placed with it. */
    const hc_crm_ref *dep = reason ? b : a, *with = reason ? a : b;
    bool role_dep = reason ? role_b : role_a;
    bool role_with = reason ? role_a : role_b;

    if (role_with) {
        g_ptr_array_add(adv->warnings, g_strdup_printf(
            "%s is a promotable clone and the colocation names no role: %s "
            "goes with any instance of it, Unpromoted included, and may run "
            "where %s is not promoted. Name the role: %s:Promoted.",
            with->rsc, dep->rsc, with->rsc, with->rsc));
    }
    if (role_dep) {
        g_ptr_array_add(adv->warnings, g_strdup_printf(
            "%s is a promotable clone and the colocation names no role: "
            "every instance of it is placed with %s, so at most one runs. "
            "Name the role: %s:Promoted.", dep->rsc, with->rsc, dep->rsc));
    }
    if (reason || role_a || role_b) {
        char *ta = ref_text(a, role_a), *tb = ref_text(b, role_b);

        g_free(adv->fix);
        adv->fix = reason ? rebuild(c, a->word, tb, b->word, ta)
            : rebuild(c, a->word, ta, b->word, tb);
        g_free(ta);
        g_free(tb);
    }
    g_free(reason);
}
