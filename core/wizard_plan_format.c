/* The plan as the admin reads it: a summary in words (files, commands,
 * the CIB change), what the cluster will then do, the crm shell lines,
 * then every file's diff, every command and the CIB diff in full. */
#include "wizard.h"

#include <errno.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "exec.h"
#include "util.h"
#include "wizard_int.h"

/* Untrusted text (file content, tool output) line by line: control bytes
 * and invalid UTF-8 escaped, but quotes and backslashes kept as they are,
 * so that a config file still reads as one. */
static void append_text(GString *out, const char *prefix, const char *s)
{
    const char *p = s ? s : "";

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);

        g_string_append(out, prefix);
        for (size_t i = 0; i < len;) {
            size_t j = i;

            while (j < len && p[j] != '"' && p[j] != '\\' && p[j] != '\t') {
                j++;
            }
            hc_escape_append(out, p + i, j - i, 0);
            if (j < len) {
                g_string_append_c(out, p[j] == '\t' ? ' ' : p[j]);
                if (p[j] == '\t') {
                    g_string_append(out, "   ");
                }
                j++;
            }
            i = j;
        }
        g_string_append_c(out, '\n');
        p += len + (nl ? 1 : 0);
    }
}

char *hc_wizard_diff(const char *path, const char *old_text, size_t old_len,
                     const char *new_text, size_t new_len,
                     const char *old_label, const char *new_label)
{
    char *dir = hc_wizard_tmp_dir(), *a, *b, *out = NULL, *la, *lb;
    GError *gerr = NULL;
    int status;

    if (!dir) {
        return g_strdup_printf("(no diff: cannot make a temporary directory "
                               "in %s: %s)\n", g_get_tmp_dir(),
                               strerror(errno));
    }
    a = g_build_filename(dir, "old", NULL);
    b = g_build_filename(dir, "new", NULL);
    la = g_strdup_printf("%s (%s)", path, old_label);
    lb = g_strdup_printf("%s (%s)", path, new_label);
    if (!g_file_set_contents(a, old_text ? old_text : "", (gssize) old_len,
                             &gerr)
        || !g_file_set_contents(b, new_text, (gssize) new_len, &gerr)) {
        /* Said where the diff would be: a diff of a half-written file
         * would show changes that are not planned. */
        out = g_strdup_printf("(no diff: %s)\n", gerr->message);
        g_error_free(gerr);
    } else {
        const char *argv[] = { "diff", "-u", "--label", la, "--label", lb,
                               old_text ? a : "/dev/null", b, NULL };

        hc_wizard_run_tool(argv, 10000, &out, &status);
    }
    g_free(la);
    g_free(lb);
    g_free(a);
    g_free(b);
    hc_rm_tree(dir);
    g_free(dir);
    return out;
}

/* What a CIB element is, in the words of crm shell. */
static const char *element_word(const xmlNode *x)
{
    static const char *const words[][2] = {
        { "primitive", "the resource" }, { "group", "the group" },
        { "clone", "the clone" }, { "master", "the promotable clone" },
        { "rsc_colocation", "the colocation" }, { "rsc_order", "the order" },
        { "rsc_location", "the location constraint" },
        { "rsc_ticket", "the ticket constraint" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        if (!strcmp((const char *) x->name, words[i][0])) {
            return words[i][1];
        }
    }
    return (const char *) x->name;
}

/* The child of section with that id, or NULL. */
static xmlNode *child_by_id(xmlNode *section, const char *id)
{
    for (xmlNode *o = section ? xmlFirstElementChild(section) : NULL;
         o && id; o = xmlNextElementSibling(o)) {
        if (!g_strcmp0(crm_element_value(o, "id"), id)) {
            return o;
        }
    }
    return NULL;
}

/* "  adds the resource dhcp (ocf:hacon:dhcpd)" */
static void describe_added(xmlNode *c, GString *out)
{
    const char *id = crm_element_value(c, "id");
    const char *type = crm_element_value(c, "type");
    const char *cls = crm_element_value(c, "class");
    const char *prov = crm_element_value(c, "provider");

    g_string_append_printf(out, "  adds %s %s", element_word(c),
                           id ? id : "?");
    if (type) {
        g_string_append_printf(out, " (%s%s%s:%s)", cls ? cls : "?",
                               prov ? ":" : "", prov ? prov : "", type);
    }
    g_string_append_c(out, '\n');
}

/* The top-level elements of one configuration section added, changed or
 * removed, by id. */
static void describe_section_change(xmlNode *old, xmlNode *new_cib,
                                    const char *section, GString *out)
{
    char *xp = g_strdup_printf("//configuration/%s", section);
    xmlNode *so = old ? get_xpath_object(xp, old, LOG_NEVER) : NULL;
    xmlNode *sn = get_xpath_object(xp, new_cib, LOG_NEVER);

    for (xmlNode *c = sn ? xmlFirstElementChild(sn) : NULL; c;
         c = xmlNextElementSibling(c)) {
        const char *id = crm_element_value(c, "id");
        xmlNode *was = child_by_id(so, id);

        if (!was) {
            describe_added(c, out);
        } else {
            char *x = dump_xml_unformatted(was), *y = dump_xml_unformatted(c);

            if (strcmp(x, y)) {
                g_string_append_printf(out, "  changes %s %s\n",
                                       element_word(c), id);
            }
            free(x);
            free(y);
        }
    }
    for (xmlNode *o = so ? xmlFirstElementChild(so) : NULL; o;
         o = xmlNextElementSibling(o)) {
        const char *id = crm_element_value(o, "id");

        if (!id || !child_by_id(sn, id)) {
            g_string_append_printf(out, "  removes %s %s\n",
                                   element_word(o), id ? id : "?");
        }
    }
    g_free(xp);
}

/* The cluster properties set (with the value they had) or removed. */
static void describe_property_change(xmlNode *old, xmlNode *new_cib,
                                     GString *out)
{
    static const char *const props = "//configuration/crm_config//nvpair";
    xmlXPathObjectPtr xn = xpath_search(new_cib, props);
    xmlXPathObjectPtr xo = old ? xpath_search(old, props) : NULL;
    int nn = numXpathResults(xn), no = xo ? numXpathResults(xo) : 0;

    for (int i = 0; i < nn; i++) {
        xmlNode *n = getXpathResult(xn, i);
        const char *name = crm_element_value(n, "name");
        const char *v = crm_element_value(n, "value"), *was = NULL;

        for (int j = 0; j < no && !was; j++) {
            xmlNode *o = getXpathResult(xo, j);

            if (!g_strcmp0(crm_element_value(o, "name"), name)) {
                was = crm_element_value(o, "value");
                was = was ? was : "";
            }
        }
        if (!was || g_strcmp0(was, v)) {
            g_string_append_printf(out, "  sets the property %s=%s%s%s%s\n",
                                   name, v ? v : "", was ? " (was " : "",
                                   was ? was : "", was ? ")" : "");
        }
    }
    for (int j = 0; j < no; j++) {
        xmlNode *o = getXpathResult(xo, j);
        const char *name = crm_element_value(o, "name");
        bool kept = false;

        for (int i = 0; i < nn && !kept; i++) {
            kept = !g_strcmp0(crm_element_value(getXpathResult(xn, i),
                                                "name"), name);
        }
        if (!kept) {
            g_string_append_printf(out, "  removes the property %s\n", name);
        }
    }
    freeXpathObject(xn);
    if (xo) {
        freeXpathObject(xo);
    }
}

/* The CIB change in words: the resources and constraints added, changed
 * or removed (top-level elements by id) and the cluster properties set or
 * removed, one line each. */
static void describe_cib_change(xmlNode *old, xmlNode *new_cib, GString *out)
{
    describe_section_change(old, new_cib, "resources", out);
    describe_section_change(old, new_cib, "constraints", out);
    describe_property_change(old, new_cib, out);
}

/* The files and commands in words: each file with the nodes it goes to,
 * the commands counted by node. */
static void describe_files_cmds(const hc_plan *p, GString *out)
{
    for (guint i = 0; i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];
        bool seen = false;
        GString *nodes = g_string_new(NULL);

        for (guint j = 0; j < i && !seen; j++) {
            seen = !strcmp(((hc_plan_file *) p->files->pdata[j])->path,
                           f->path);
        }
        if (seen) {
            g_string_free(nodes, TRUE);
            continue;
        }
        for (guint j = i; j < p->files->len; j++) {
            hc_plan_file *g = p->files->pdata[j];

            if (!strcmp(g->path, f->path)) {
                g_string_append_printf(nodes, "%s%s", nodes->len ? " and " : "",
                                       g->node ? g->node : "here");
            }
        }
        g_string_append_printf(out, "  %s %s on %s\n",
                               f->old_text ? "rewrites" : "writes", f->path,
                               nodes->str);
        g_string_free(nodes, TRUE);
    }
    if (p->cmds->len) {
        GString *nodes = g_string_new(NULL);

        for (guint i = 0; i < p->cmds->len; i++) {
            hc_plan_cmd *c = p->cmds->pdata[i];
            const char *n = c->node ? c->node : "here";
            bool seen = false;

            for (guint j = 0; j < i && !seen; j++) {
                hc_plan_cmd *d = p->cmds->pdata[j];

                seen = !strcmp(d->node ? d->node : "here", n);
            }
            if (!seen) {
                g_string_append_printf(nodes, "%s%s", nodes->len ? ", " : "",
                                       n);
            }
        }
        g_string_append_printf(out, "  runs %u command%s (on %s; each "
                               "under Commands below)\n", p->cmds->len,
                               p->cmds->len == 1 ? "" : "s", nodes->str);
        g_string_free(nodes, TRUE);
    }
}

/* The outcome of crm_simulate: its "Transition Summary" and "Revised
 * Cluster Status" sections (the sections start at column 0); the whole
 * output when it has neither. */
static char *simulate_outcome(const char *sim)
{
    GString *o = g_string_new(NULL);
    char **l = g_strsplit(sim ? sim : "", "\n", -1);
    bool keep = false, in_summary = false, actions = false;

    for (size_t i = 0; l[i]; i++) {
        if (l[i][0] && l[i][0] != ' ') {
            if (in_summary && !actions) {
                g_string_append(o, "  (no action: every resource stays as "
                                "it is)\n");
            }
            in_summary = g_str_has_prefix(l[i], "Transition Summary");
            keep = in_summary
                   || g_str_has_prefix(l[i], "Revised Cluster Status");
        } else if (in_summary && strchr(l[i], '*')) {
            actions = true;
        }
        /* The summary's blank lines dropped, the status's kept. */
        if (keep && (l[i][strspn(l[i], " ")] || !in_summary)) {
            g_string_append_printf(o, "%s\n", l[i]);
        }
    }
    g_strfreev(l);
    if (!o->len) {
        g_string_assign(o, sim ? sim : "");
    }
    return g_string_free(o, FALSE);
}

/* The notes, under one "Notes:" (append_text's prefix starts every line
 * of a note: a note of several lines, a diff, is indented, not titled
 * again at each line). */
static void format_notes(const hc_plan *p, GString *out)
{
    if (p->notes->len) {
        g_string_append(out, "\nNotes:\n");
    }
    for (guint i = 0; i < p->notes->len; i++) {
        append_text(out, "  ", p->notes->pdata[i]);
    }
}

static void format_warnings(const hc_plan *p, GString *out)
{
    for (guint i = 0; i < p->warnings->len; i++) {
        append_text(out, "WARNING: ", p->warnings->pdata[i]);
    }
}

/* A step that is done still says what it is and why (the quorum step's
 * explanation is the only place the admin learns it). */
static void format_done(const hc_plan *p, GString *out)
{
    const char *done = g_hash_table_lookup(p->data, "done");
    char *d = done ? hc_escape(done, 0) : NULL;

    format_notes(p, out);
    format_warnings(p, out);
    g_string_append_printf(out, "\nNothing to do: the step is done%s%s.\n",
                           d ? ": " : "", d ? d : "");
    g_free(d);
}

/* What changes, in words. */
static void format_summary(const hc_plan *p, GString *out)
{
    GString *words = g_string_new(NULL);

    g_string_append(out, "\nSummary: what changes\n");
    describe_files_cmds(p, words);
    if (p->cib_new) {
        describe_cib_change(p->cib_old, p->cib_new, words);
    }
    if (!words->len) {
        g_string_append(words, "  nothing in files, commands or the CIB\n");
    }
    append_text(out, "", words->str);
    g_string_free(words, TRUE);
}

/* What the cluster will do with the planned CIB, and crm_verify's word
 * on it. */
static void format_cluster_outcome(const hc_plan *p, GString *out)
{
    char *outcome = simulate_outcome(p->simulate);

    g_string_append(out, "\nWhat the cluster will do (crm_simulate -S):\n");
    append_text(out, "  ", outcome);
    g_free(outcome);
    g_string_append(out, "\ncrm_verify of the planned CIB: ");
    if (p->cib_verify && *p->cib_verify) {
        g_string_append(out, "\n");
        append_text(out, "  ", p->cib_verify);
    } else {
        g_string_append(out, "clean\n");
    }
}

/* Every file with its diff (a secret with its size only). */
static void format_files(const hc_plan *p, GString *out)
{
    if (p->files->len) {
        g_string_append(out, "\nFiles:\n");
    }
    for (guint i = 0; i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];

        g_string_append_printf(out, "  [%s] %s (mode %04o, %s)\n",
                               f->node ? f->node : "here", f->path,
                               (unsigned) f->mode,
                               f->old_text ? "changed; the old one is kept "
                               "as FILE~" : "new");
        if (f->secret) {
            g_string_append_printf(out, "    (secret: %zu bytes, not shown)\n",
                                   f->new_len);
        } else {
            char *d = hc_wizard_diff(f->path, f->old_text, f->old_len,
                                     f->new_text, f->new_len, "now",
                                     "planned");

            append_text(out, "    ", d);
            g_free(d);
        }
    }
}

/* Every command with its node, purpose, deadline and undo. */
static void format_cmds(const hc_plan *p, GString *out)
{
    if (p->cmds->len) {
        g_string_append(out, "\nCommands:\n");
    }
    for (guint i = 0; i < p->cmds->len; i++) {
        hc_plan_cmd *c = p->cmds->pdata[i];
        char *cmd = hc_plan_cmd_line(c);

        g_string_append_printf(out, "  %s\n      # %s (deadline %d s)\n", cmd,
                               c->why, (c->timeout_ms ? c->timeout_ms : 30000)
                               / 1000);
        g_free(cmd);
        if (c->undo) {
            cmd = hc_exec_cmdline((const char *const *) c->undo, c->node);
            g_string_append_printf(out, "      # a rollback runs: %s\n", cmd);
            g_free(cmd);
        }
    }
}

void hc_plan_format(const hc_step *s, const hc_plan *p, GString *out)
{
    g_string_append_printf(out, "Step %s: %s\n", s->name, s->title);
    g_string_append_printf(out, "  Tutorial: %s\n  hacon:    %s\n",
                           s->tutorial, s->hacon);
    if (p->empty) {
        format_done(p, out);
        return;
    }
    /* The readable part first (what changes, what the cluster will then
     * do, the crm lines); the files, commands and the CIB diff after it,
     * for whoever wants every line. */
    format_summary(p, out);
    format_warnings(p, out);
    if (p->cib_new) {
        format_cluster_outcome(p, out);
    }
    if (p->crm->len) {
        g_string_append(out, "\nThe same in crm shell:\n");
    }
    for (guint i = 0; i < p->crm->len; i++) {
        append_text(out, "  ", p->crm->pdata[i]);
    }
    format_notes(p, out);
    format_files(p, out);
    format_cmds(p, out);
    if (p->cib_new) {
        g_string_append(out, "\nCIB change, in one atomic update "
                        "(crm_diff -o now -n planned):\n");
        append_text(out, "  ", p->cib_diff);
        g_string_append(out, "\ncrm_simulate -S of the planned CIB, in "
                        "full:\n");
        append_text(out, "  ", p->simulate);
    }
}
