/* Parsing crm shell lines into hc_crm_cmd: words, then the grammar of the
 * commands crmsh 4.4 documents for configure, resource and node. */
#include "crmsh.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <crm/common/iso8601.h>

#include "crmsh_int.h"
#include "util.h"

const char *const hc_crm_roles[] = {
    "Started", "Stopped", "Promoted", "Unpromoted", "Master", "Slave",
};
const size_t hc_crm_n_roles = G_N_ELEMENTS(hc_crm_roles);
const char *const hc_crm_actions[] = {
    "start", "stop", "promote", "demote",
};
const size_t hc_crm_n_actions = G_N_ELEMENTS(hc_crm_actions);

static const char *const configure_verbs[] = {
    "property", "rsc_defaults", "op_defaults", "primitive", "ms", "clone",
    "group", "colocation", "collocation", "order", "location", "delete",
};
static const char *const resource_verbs[] = {
    "move", "migrate", "unmigrate", "unmove", "clear", "cleanup", "start",
    "stop",
};
static const char *const node_verbs[] = { "standby", "online" };
static const char *const top_words[] = {
    "configure", "resource", "node", "property", "rsc_defaults",
    "op_defaults", "primitive", "ms", "clone", "group", "colocation",
    "collocation", "order", "location", "delete",
};
static const char *const order_kinds[] = {
    "Mandatory", "Optional", "Serialize",
};

/* ---- words ---------------------------------------------------------- */

void hc_crm_word_free(gpointer p)
{
    hc_crm_word *w = p;

    if (w) {
        g_free(w->text);
        g_free(w);
    }
}

int hc_crm_fail(hc_crm_error *err, const GPtrArray *words, int w,
                const char *fmt, ...)
{
    va_list ap;

    if (!err) {
        return -EINVAL;
    }
    err->word = w;
    err->col = 0;
    err->len = 0;
    if (words && w >= 0 && (guint)w < words->len) {
        const hc_crm_word *wd = g_ptr_array_index(words, w);
        err->col = wd->col;
        err->len = wd->len;
    }
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Shell-like words: blanks separate, "..." and '...' group (quotes are
 * removed, as crmsh's shlex does), a backslash escapes the next byte
 * outside single quotes. */
int hc_crm_tokenize(const char *line, size_t len, GPtrArray *words,
                    hc_crm_error *err)
{
    size_t i = 0;

    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'
                           || line[i] == '\n' || line[i] == '\r')) {
            i++;
        }
        if (i >= len) {
            break;
        }
        size_t start = i, qstart = 0;
        char q = 0;
        GString *t = g_string_new(NULL);
        while (i < len) {
            char c = line[i];
            if (c == '\0') {
                g_string_free(t, TRUE);
                err->word = (int)words->len;
                err->col = i;
                err->len = 1;
                snprintf(err->msg, sizeof(err->msg),
                         "a NUL byte is not allowed in a line");
                return -EINVAL;
            }
            if (q) {
                if (c == q) {
                    q = 0;
                } else if (c == '\\' && q == '"' && i + 1 < len) {
                    g_string_append_c(t, line[++i]);
                } else {
                    g_string_append_c(t, c);
                }
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                break;
            }
            if (c == '"' || c == '\'') {
                q = c;
                qstart = i++;
                continue;
            }
            if (c == '\\' && i + 1 < len) {
                i++;
                c = line[i];
            }
            g_string_append_c(t, c);
            i++;
        }
        if (q) {
            g_string_free(t, TRUE);
            err->word = (int)words->len;
            err->col = qstart;
            err->len = len - qstart;
            snprintf(err->msg, sizeof(err->msg),
                     "the quote %c opened here is never closed", q);
            return -EINVAL;
        }
        hc_crm_word *w = g_new0(hc_crm_word, 1);
        w->text = g_string_free(t, FALSE);
        w->col = start;
        w->len = i - start;
        g_ptr_array_add(words, w);
    }
    return 0;
}

char *hc_crm_escape_text(const char *s)
{
    GString *out = g_string_new(NULL);
    const char *q;

    /* hc_escape() quotes '"' for strings shown in quotes; a crm line or
     * an XML line reads better with its quotes as they are. */
    while (s && (q = strchr(s, '"'))) {
        hc_escape_append(out, s, (size_t)(q - s), 0);
        g_string_append_c(out, '"');
        s = q + 1;
    }
    if (s) {
        hc_escape_append(out, s, strlen(s), 0);
    }
    return g_string_free(out, FALSE);
}

/* ---- suggestions ---------------------------------------------------- */

size_t hc_crm_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = g_new(size_t, lb + 1);

    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    g_free(row);
    return d;
}

const char *hc_crm_nearest(const char *word, const char *const *cands,
                           size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t wl = strlen(word);
    /* Up to a third of the word may be wrong (at least 2 edits): enough for
     * typos, not so much that unrelated names are offered. */
    size_t limit = (wl + 2) / 3 > 2 ? (wl + 2) / 3 : 2;

    if (wl == 0) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) {
            continue;
        }
        size_t d = hc_crm_edit_distance(word, cands[i]);
        if (g_str_has_prefix(cands[i], word)
            || g_ascii_strncasecmp(cands[i], word, wl) == 0) {
            /* What was typed is the start of a longer name: the user
             * remembered its beginning ("drbd" for "drbd-r0-master"). */
            d = d < 1 ? d : 1;
        }
        if (d <= limit && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

bool hc_crm_valid_id(const char *s)
{
    if (!s || !(g_ascii_isalpha(*s) || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!(g_ascii_isalnum(*s) || *s == '_' || *s == '-' || *s == '.')) {
            return false;
        }
    }
    return true;
}

/* ---- commands ------------------------------------------------------- */

static void nv_free(gpointer p)
{
    hc_crm_nv *nv = p;

    if (nv) {
        g_free(nv->name);
        g_free(nv->value);
        g_free(nv);
    }
}

static void op_free(gpointer p)
{
    hc_crm_op *op = p;

    if (op) {
        g_free(op->name);
        g_ptr_array_unref(op->attrs);
        g_free(op);
    }
}

static void ref_free(gpointer p)
{
    hc_crm_ref *r = p;

    if (r) {
        g_free(r->rsc);
        g_free(r->qual);
        g_free(r);
    }
}

void hc_crm_cmd_free(hc_crm_cmd *cmd)
{
    if (!cmd) {
        return;
    }
    g_ptr_array_unref(cmd->words);
    g_free(cmd->id);
    g_free(cmd->agent_class);
    g_free(cmd->agent_provider);
    g_free(cmd->agent_type);
    g_ptr_array_unref(cmd->params);
    g_ptr_array_unref(cmd->meta);
    g_ptr_array_unref(cmd->utilization);
    g_ptr_array_unref(cmd->ops);
    g_ptr_array_unref(cmd->refs);
    g_ptr_array_unref(cmd->options);
    g_ptr_array_unref(cmd->ids);
    g_free(cmd->score);
    g_free(cmd->kind);
    g_free(cmd->node);
    g_free(cmd->lifetime);
    g_free(cmd);
}

typedef struct parser {
    hc_crm_cmd *cmd;
    GPtrArray *w;
    int i;              /* next word */
    hc_crm_error *err;
} parser;

static const char *peek(const parser *p)
{
    if ((guint)p->i >= p->w->len) {
        return NULL;
    }
    return ((hc_crm_word *)g_ptr_array_index(p->w, p->i))->text;
}

/* An error at the end of the line, where a word is missing. */
static int fail_missing(parser *p, const char *what)
{
    p->err->word = (int)p->w->len;
    p->err->col = 0;
    p->err->len = 0;
    if (p->w->len > 0) {
        const hc_crm_word *last = g_ptr_array_index(p->w, p->w->len - 1);
        p->err->col = last->col + last->len + 1;
    }
    snprintf(p->err->msg, sizeof(p->err->msg), "missing %s", what);
    return -EINVAL;
}

static int fail_here(parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail_here(parser *p, const char *fmt, ...)
{
    char buf[sizeof(p->err->msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return hc_crm_fail(p->err, p->w, p->i, "%s", buf);
}

static bool is_one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s, set[i])) {
            return true;
        }
    }
    return false;
}

/* "unknown X; did you mean Y?" or the list of choices. */
static int fail_choice(parser *p, const char *what, const char *const *set,
                       size_t n)
{
    const char *w = peek(p);
    const char *near = hc_crm_nearest(w, set, n);
    GString *s = g_string_new(NULL);
    char *esc = hc_escape(w, 40);

    if (near) {
        g_string_printf(s, "unknown %s %s; did you mean %s?", what, esc, near);
    } else {
        g_string_printf(s, "unknown %s %s; expected one of:", what, esc);
        for (size_t i = 0; i < n; i++) {
            g_string_append_printf(s, " %s", set[i]);
        }
    }
    int rc = hc_crm_fail(p->err, p->w, p->i, "%s", s->str);
    g_string_free(s, TRUE);
    g_free(esc);
    return rc;
}

static int take_id(parser *p, const char *what, char **ret, int *ret_word)
{
    const char *s = peek(p);

    if (!s) {
        return fail_missing(p, what);
    }
    if (!hc_crm_valid_id(s)) {
        char *esc = hc_escape(s, 40);
        int rc = fail_here(p, "%s is not a valid %s: it must start with a "
                           "letter or _ and hold only letters, digits, "
                           "_ - .", esc, what);
        g_free(esc);
        return rc;
    }
    *ret = g_strdup(s);
    *ret_word = p->i++;
    return 0;
}

static bool is_section_keyword(const char *s)
{
    return !strcmp(s, "params") || !strcmp(s, "param") || !strcmp(s, "meta")
        || !strcmp(s, "utilization") || !strcmp(s, "op");
}

/* NAME=VALUE words until a keyword or a word without '='. */
static int take_nvs(parser *p, GPtrArray *into, const char *section,
                    bool need_one)
{
    int n = 0;
    const char *s;

    while ((s = peek(p)) && !is_section_keyword(s)) {
        const char *eq = strchr(s, '=');
        if (!eq) {
            break;
        }
        if (eq == s) {
            return fail_here(p, "a name is missing before '='");
        }
        hc_crm_nv *nv = g_new0(hc_crm_nv, 1);
        nv->name = g_strndup(s, (gsize)(eq - s));
        nv->value = g_strdup(eq + 1);
        nv->word = p->i++;
        g_ptr_array_add(into, nv);
        n++;
    }
    if (need_one && n == 0) {
        if (!s) {
            char what[64];
            snprintf(what, sizeof(what), "NAME=VALUE after %s", section);
            return fail_missing(p, what);
        }
        char *esc = hc_escape(s, 40);
        int rc = fail_here(p, "expected NAME=VALUE after %s, not %s",
                           section, esc);
        g_free(esc);
        return rc;
    }
    return 0;
}

/* Scores as crmsh writes them: inf, +inf, INFINITY -> INFINITY. */
static char *score_normalise(const char *s)
{
    /* crmsh keeps the sign as typed: +inf is written +INFINITY. */
    if (!g_ascii_strcasecmp(s, "inf") || !g_ascii_strcasecmp(s, "infinity")) {
        return g_strdup("INFINITY");
    }
    if (!g_ascii_strcasecmp(s, "+inf")
        || !g_ascii_strcasecmp(s, "+infinity")) {
        return g_strdup("+INFINITY");
    }
    if (!g_ascii_strcasecmp(s, "-inf")
        || !g_ascii_strcasecmp(s, "-infinity")) {
        return g_strdup("-INFINITY");
    }
    const char *d = s;
    if (*d == '-' || *d == '+') {
        d++;
    }
    if (!*d) {
        return NULL;
    }
    for (const char *c = d; *c; c++) {
        if (!g_ascii_isdigit(*c)) {
            return NULL;
        }
    }
    return g_strdup(s);
}

/* "inf:" and friends; the colon is what tells a score from a resource. */
static int take_score(parser *p, bool order)
{
    hc_crm_cmd *c = p->cmd;
    const char *s = peek(p);

    if (!s) {
        return fail_missing(p, "score (such as inf:)");
    }
    size_t l = strlen(s);
    if (l < 2 || s[l - 1] != ':') {
        if (order) {
            return 0;   /* the kind is optional in an order */
        }
        char *esc = hc_escape(s, 40);
        int rc = fail_here(p, "expected a score such as inf: or 100: "
                           "(with its colon), not %s", esc);
        g_free(esc);
        return rc;
    }
    char *bare = g_strndup(s, l - 1);
    if (order && is_one_of(bare, order_kinds, G_N_ELEMENTS(order_kinds))) {
        c->kind = bare;
        c->score_word = p->i++;
        return 0;
    }
    char *sc = score_normalise(bare);
    if (!sc) {
        char *esc = hc_escape(bare, 40);
        g_free(bare);
        int rc = fail_here(p, "%s is not a score: expected inf, -inf or "
                           "an integer%s", esc, order
                           ? ", or Mandatory, Optional, Serialize" : "");
        g_free(esc);
        return rc;
    }
    g_free(bare);
    if (order) {
        /* crmsh turns an order's score into its kind. */
        if (!strcmp(sc, "INFINITY") || !strcmp(sc, "+INFINITY")) {
            c->kind = g_strdup("Mandatory");
        } else if (!strcmp(sc, "0")) {
            c->kind = g_strdup("Optional");
        } else {
            g_free(sc);
            return fail_here(p, "an order takes inf: (Mandatory), 0: "
                             "(Optional), Mandatory:, Optional: or "
                             "Serialize:");
        }
        g_free(sc);
    } else {
        c->score = sc;
    }
    c->score_word = p->i++;
    return 0;
}

/* RSC[:ROLE] or RSC[:ACTION] words until one holds '='. */
static int take_refs(parser *p, const char *const *quals, size_t n_quals,
                     const char *qual_what, int min)
{
    const char *s;
    int n = 0;

    while ((s = peek(p)) && !strchr(s, '=')) {
        if (!strcmp(s, "(") || !strcmp(s, ")") || !strcmp(s, "[")
            || !strcmp(s, "]") || s[0] == '(' || s[0] == '[') {
            return fail_here(p, "resource sets in brackets are not "
                             "supported by hacon; use crm configure");
        }
        const char *colon = strchr(s, ':');
        hc_crm_ref *r = g_new0(hc_crm_ref, 1);
        r->rsc = colon ? g_strndup(s, (gsize)(colon - s)) : g_strdup(s);
        r->word = p->i;
        g_ptr_array_add(p->cmd->refs, r);
        if (!hc_crm_valid_id(r->rsc)) {
            char *esc = hc_escape(r->rsc, 40);
            int rc = fail_here(p, "%s is not a valid resource id", esc);
            g_free(esc);
            return rc;
        }
        if (colon) {
            r->qual = g_strdup(colon + 1);
            if (!n_quals) {
                return fail_here(p, "no %s may follow a resource here",
                                 qual_what);
            }
            if (!is_one_of(r->qual, quals, n_quals)) {
                const char *near = hc_crm_nearest(r->qual, quals, n_quals);
                char *esc = hc_escape(r->qual, 40);
                int rc;
                if (near) {
                    rc = fail_here(p, "unknown %s %s; did you mean %s?",
                                   qual_what, esc, near);
                } else {
                    GString *l = g_string_new(NULL);
                    for (size_t i = 0; i < n_quals; i++) {
                        g_string_append_printf(l, " %s", quals[i]);
                    }
                    rc = fail_here(p, "unknown %s %s; expected one of:%s",
                                   qual_what, esc, l->str);
                    g_string_free(l, TRUE);
                }
                g_free(esc);
                return rc;
            }
        }
        p->i++;
        n++;
    }
    if (n < min) {
        if (!s) {
            return fail_missing(p, n == 0 ? "two resources"
                                : "the second resource");
        }
        return fail_here(p, "expected %d resources before options", min);
    }
    return 0;
}

static int take_options(parser *p, const char *const *names, size_t n)
{
    const char *s;

    while ((s = peek(p))) {
        const char *eq = strchr(s, '=');
        if (!eq) {
            char *esc = hc_escape(s, 40);
            int rc = fail_here(p, "unexpected %s at the end of the line",
                               esc);
            g_free(esc);
            return rc;
        }
        char *name = g_strndup(s, (gsize)(eq - s));
        if (!is_one_of(name, names, n)) {
            const char *near = hc_crm_nearest(name, names, n);
            char *esc = hc_escape(name, 40);
            int rc = near ? fail_here(p, "unknown option %s; did you mean "
                                      "%s?", esc, near)
                : fail_here(p, "unknown option %s", esc);
            g_free(esc);
            g_free(name);
            return rc;
        }
        hc_crm_nv *nv = g_new0(hc_crm_nv, 1);
        nv->name = name;
        nv->value = g_strdup(eq + 1);
        nv->word = p->i++;
        g_ptr_array_add(p->cmd->options, nv);
    }
    return 0;
}

static int expect_end(parser *p)
{
    const char *s = peek(p);

    if (s) {
        char *esc = hc_escape(s, 40);
        int rc = fail_here(p, "unexpected %s at the end of the line", esc);
        g_free(esc);
        return rc;
    }
    return 0;
}

static int parse_nvs_command(parser *p)
{
    const char *s = peek(p);

    if (s && s[0] == '$') {
        return fail_here(p, "$id= is not supported by hacon; the set "
                         "cib-bootstrap-options is used");
    }
    int rc = take_nvs(p, p->cmd->params,
                      ((hc_crm_word *)g_ptr_array_index(
                          p->w, p->cmd->verb_word))->text, true);
    return rc ? rc : expect_end(p);
}

static int parse_agent(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    const char *s = peek(p);

    if (!s) {
        return fail_missing(p, "resource agent (such as "
                            "ocf:heartbeat:IPaddr2)");
    }
    if (is_section_keyword(s) || strchr(s, '=')) {
        return fail_here(p, "expected a resource agent (such as "
                         "ocf:heartbeat:IPaddr2) before %s", s);
    }
    gchar **parts = g_strsplit(s, ":", 0);
    guint n = g_strv_length(parts);
    static const char *const classes[] = {
        "ocf", "lsb", "service", "systemd", "stonith",
    };
    int rc = 0;

    c->agent_word = p->i;
    if (n == 3) {
        if (strcmp(parts[0], "ocf")) {
            rc = fail_here(p, "only ocf agents have a provider: "
                           "ocf:PROVIDER:TYPE");
        }
        c->agent_class = g_strdup(parts[0]);
        c->agent_provider = g_strdup(parts[1]);
        c->agent_type = g_strdup(parts[2]);
    } else if (n == 2) {
        if (!strcmp(parts[0], "ocf")) {
            rc = fail_here(p, "an ocf agent needs its provider: "
                           "ocf:PROVIDER:%s", parts[1]);
        } else if (!is_one_of(parts[0], classes, G_N_ELEMENTS(classes))) {
            const char *near = hc_crm_nearest(parts[0], classes,
                                              G_N_ELEMENTS(classes));
            char *esc = hc_escape(parts[0], 40);
            rc = near ? fail_here(p, "unknown agent class %s; did you mean "
                                  "%s?", esc, near)
                : fail_here(p, "unknown agent class %s", esc);
            g_free(esc);
        }
        c->agent_class = g_strdup(parts[0]);
        c->agent_type = g_strdup(parts[1]);
    } else if (n == 1) {
        c->agent_type = g_strdup(parts[0]);
    } else {
        rc = fail_here(p, "an agent is CLASS:PROVIDER:TYPE or TYPE");
    }
    if (!rc && (!c->agent_type || !*c->agent_type
                || (c->agent_provider && !*c->agent_provider))) {
        rc = fail_here(p, "an empty name in the agent");
    }
    g_strfreev(parts);
    if (!rc) {
        p->i++;
    }
    return rc;
}

static int parse_primitive(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    int rc = take_id(p, "resource id", &c->id, &c->id_word);

    if (rc || (rc = parse_agent(p))) {
        return rc;
    }
    const char *s;
    while ((s = peek(p))) {
        char kind = !strcmp(s, "param") ? 'p' : s[0];
        if (is_section_keyword(s) && !strchr(c->sections, kind)) {
            c->sections[strlen(c->sections)] = kind;
        }
        if (!strcmp(s, "params") || !strcmp(s, "param")) {
            p->i++;
            rc = take_nvs(p, c->params, s, true);
        } else if (!strcmp(s, "meta")) {
            p->i++;
            rc = take_nvs(p, c->meta, "meta", true);
        } else if (!strcmp(s, "utilization")) {
            p->i++;
            rc = take_nvs(p, c->utilization, "utilization", true);
        } else if (!strcmp(s, "op")) {
            p->i++;
            const char *name = peek(p);
            if (!name) {
                return fail_missing(p, "operation name after op "
                                    "(such as monitor)");
            }
            if (strchr(name, '=') || is_section_keyword(name)) {
                return fail_here(p, "expected an operation name (such as "
                                 "monitor) after op");
            }
            hc_crm_op *op = g_new0(hc_crm_op, 1);
            op->name = g_strdup(name);
            op->attrs = g_ptr_array_new_with_free_func(nv_free);
            op->word = p->i++;
            g_ptr_array_add(c->ops, op);
            rc = take_nvs(p, op->attrs, "op", false);
        } else if (strchr(s, '=')) {
            return fail_here(p, "NAME=VALUE must follow params, meta, "
                             "utilization or op");
        } else {
            static const char *const kw[] = {
                "params", "meta", "utilization", "op",
            };
            return fail_choice(p, "keyword", kw, G_N_ELEMENTS(kw));
        }
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* The word s (the next) as a reference in refs, then past it; s must
 * be a valid id (what says which, in the message when it is not). */
static int take_ref(parser *p, GPtrArray *refs, const char *s,
                    const char *what)
{
    hc_crm_ref *r = g_new0(hc_crm_ref, 1);
    int rc;

    r->rsc = g_strdup(s);
    r->word = p->i;
    g_ptr_array_add(refs, r);
    if (!hc_crm_valid_id(s)) {
        char *esc = hc_escape(s, 40);

        rc = fail_here(p, "%s is not a valid %s", esc, what);
        g_free(esc);
        return rc;
    }
    p->i++;
    return 0;
}

/* ms/clone ID CHILD [meta ...], group ID RSC... [meta ...]. */
static int parse_container(parser *p, bool group)
{
    hc_crm_cmd *c = p->cmd;
    int rc = take_id(p, "resource id", &c->id, &c->id_word);
    const char *s;

    if (rc) {
        return rc;
    }
    while ((s = peek(p)) && !is_section_keyword(s) && !strchr(s, '=')) {
        if (!group && c->refs->len == 1) {
            return fail_here(p, "a clone holds one resource; expected meta "
                             "here");
        }
        if ((rc = take_ref(p, c->refs, s, "resource id"))) {
            return rc;
        }
    }
    if (c->refs->len == 0) {
        return s ? fail_here(p, "expected the resource to %s before this",
                             group ? "group" : "clone")
            : fail_missing(p, group ? "resources of the group"
                           : "resource to clone");
    }
    while ((s = peek(p))) {
        if (!strcmp(s, "meta")) {
            p->i++;
            if ((rc = take_nvs(p, c->meta, "meta", true))) {
                return rc;
            }
        } else if (!strcmp(s, "params") || !strcmp(s, "param")) {
            return fail_here(p, "params on a %s are not supported by hacon;"
                             " use meta", group ? "group" : "clone");
        } else {
            char *esc = hc_escape(s, 40);
            rc = fail_here(p, "expected meta, not %s", esc);
            g_free(esc);
            return rc;
        }
    }
    return 0;
}

static int parse_colocation(parser *p)
{
    static const char *const opts[] = { "node-attribute" };
    hc_crm_cmd *c = p->cmd;
    int rc = take_id(p, "constraint id", &c->id, &c->id_word);

    if (rc || (rc = take_score(p, false))
        || (rc = take_refs(p, hc_crm_roles, hc_crm_n_roles, "role", 2))) {
        return rc;
    }
    return take_options(p, opts, G_N_ELEMENTS(opts));
}

static int parse_order(parser *p)
{
    static const char *const opts[] = { "symmetrical" };
    hc_crm_cmd *c = p->cmd;
    int rc = take_id(p, "constraint id", &c->id, &c->id_word);

    if (rc || (rc = take_score(p, true))
        || (rc = take_refs(p, hc_crm_actions, hc_crm_n_actions, "action",
                           2))) {
        return rc;
    }
    if ((rc = take_options(p, opts, G_N_ELEMENTS(opts)))) {
        return rc;
    }
    for (guint i = 0; i < c->options->len; i++) {
        hc_crm_nv *nv = g_ptr_array_index(c->options, i);
        if (strcmp(nv->value, "true") && strcmp(nv->value, "false")) {
            return hc_crm_fail(p->err, p->w, nv->word,
                               "symmetrical is true or false");
        }
    }
    return 0;
}

static int take_node(parser *p, bool required)
{
    hc_crm_cmd *c = p->cmd;
    const char *s = peek(p);

    if (!s) {
        return required ? fail_missing(p, "node name") : 0;
    }
    if (strchr(s, '=') || strchr(s, ':')) {
        char *esc = hc_escape(s, 40);
        int rc = fail_here(p, "%s is not a node name", esc);
        g_free(esc);
        return rc;
    }
    c->node = g_strdup(s);
    c->node_word = p->i++;
    return 0;
}

/* location ID RSC SCORE: NODE */
static int parse_location(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    int rc = take_id(p, "constraint id", &c->id, &c->id_word);
    const char *s;

    if (rc) {
        return rc;
    }
    if (!(s = peek(p))) {
        return fail_missing(p, "resource");
    }
    if ((rc = take_ref(p, c->refs, s, "resource id"))) {
        return rc;
    }
    if ((s = peek(p)) && !strcmp(s, "rule")) {
        return fail_here(p, "location rules are not supported by hacon; "
                         "use crm configure");
    }
    if (s && strchr(s, '=')) {
        return fail_here(p, "location options are not supported by hacon;"
                         " expected a score such as 100:");
    }
    if ((rc = take_score(p, false)) || (rc = take_node(p, true))) {
        return rc;
    }
    return expect_end(p);
}

static int parse_delete(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    const char *s;

    while ((s = peek(p))) {
        int rc = take_ref(p, c->ids, s, "id");

        if (rc) {
            return rc;
        }
    }
    if (c->ids->len == 0) {
        return fail_missing(p, "id of what to delete");
    }
    return 0;
}

/* ISO 8601 durations only, as crmsh's move takes (PT1H, P1D). */
static bool is_duration(const char *s)
{
    if (s[0] != 'P') {
        return false;
    }
    crm_time_t *d = crm_time_parse_duration(s);
    if (!d) {
        return false;
    }
    crm_time_free(d);
    return true;
}

static int parse_resource(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    const char *s = peek(p);
    int rc;

    if (!s) {
        return fail_missing(p, "resource command (move, clear, cleanup, "
                            "start, stop)");
    }
    if (!is_one_of(s, resource_verbs, G_N_ELEMENTS(resource_verbs))) {
        return fail_choice(p, "resource command", resource_verbs,
                           G_N_ELEMENTS(resource_verbs));
    }
    c->verb_word = p->i++;
    if (!strcmp(s, "move") || !strcmp(s, "migrate")) {
        c->verb = HC_CRM_MOVE;
    } else if (!strcmp(s, "cleanup")) {
        c->verb = HC_CRM_CLEANUP;
    } else if (!strcmp(s, "start")) {
        c->verb = HC_CRM_START;
    } else if (!strcmp(s, "stop")) {
        c->verb = HC_CRM_STOP;
    } else {
        c->verb = HC_CRM_CLEAR;
    }
    if (c->verb == HC_CRM_CLEANUP && !peek(p)) {
        return 0;   /* every resource */
    }
    if ((rc = take_id(p, "resource id", &c->id, &c->id_word))) {
        return rc;
    }
    if (c->verb == HC_CRM_START || c->verb == HC_CRM_STOP
        || c->verb == HC_CRM_CLEAR) {
        return expect_end(p);
    }
    if (c->verb == HC_CRM_CLEANUP) {
        return (rc = take_node(p, false)) ? rc : expect_end(p);
    }
    s = peek(p);
    if (!s) {
        return fail_missing(p, "node to move to (hacon does not ban from "
                            "the current node)");
    }
    if (is_duration(s)) {
        return fail_here(p, "expected the node to move to before the "
                         "lifetime");
    }
    if ((rc = take_node(p, true))) {
        return rc;
    }
    if ((s = peek(p)) && strcmp(s, "force")) {
        if (!is_duration(s)) {
            char *esc = hc_escape(s, 40);
            rc = fail_here(p, "%s is not a lifetime: expected an ISO 8601 "
                           "duration such as PT1H or P1D", esc);
            g_free(esc);
            return rc;
        }
        c->lifetime = g_strdup(s);
        c->lifetime_word = p->i++;
    }
    if ((s = peek(p)) && !strcmp(s, "force")) {
        p->i++;
    }
    return expect_end(p);
}

static int parse_node(parser *p)
{
    hc_crm_cmd *c = p->cmd;
    const char *s = peek(p);
    int rc;

    if (!s) {
        return fail_missing(p, "node command (standby, online)");
    }
    if (!is_one_of(s, node_verbs, G_N_ELEMENTS(node_verbs))) {
        return fail_choice(p, "node command", node_verbs,
                           G_N_ELEMENTS(node_verbs));
    }
    c->verb = strcmp(s, "standby") ? HC_CRM_ONLINE : HC_CRM_STANDBY;
    c->verb_word = p->i++;
    if ((rc = take_node(p, true))) {
        return rc;
    }
    if ((s = peek(p)) && c->verb == HC_CRM_STANDBY
        && !strcmp(s, "forever")) {
        p->i++;
    } else if (s && c->verb == HC_CRM_STANDBY && !strcmp(s, "reboot")) {
        return fail_here(p, "standby until reboot is not supported by "
                         "hacon; it lasts until online");
    }
    return expect_end(p);
}

int hc_crm_parse(const char *line, size_t len, hc_crm_cmd **ret,
                 hc_crm_error *err)
{
    hc_crm_error dummy;
    hc_crm_cmd *c = g_new0(hc_crm_cmd, 1);
    parser p = { .cmd = c, .err = err ? err : &dummy };
    int rc;

    *ret = NULL;
    memset(p.err, 0, sizeof(*p.err));
    c->words = g_ptr_array_new_with_free_func(hc_crm_word_free);
    c->params = g_ptr_array_new_with_free_func(nv_free);
    c->meta = g_ptr_array_new_with_free_func(nv_free);
    c->utilization = g_ptr_array_new_with_free_func(nv_free);
    c->ops = g_ptr_array_new_with_free_func(op_free);
    c->refs = g_ptr_array_new_with_free_func(ref_free);
    c->options = g_ptr_array_new_with_free_func(nv_free);
    c->ids = g_ptr_array_new_with_free_func(ref_free);
    c->id_word = c->agent_word = c->score_word = c->node_word = -1;
    c->lifetime_word = -1;
    p.w = c->words;

    if ((rc = hc_crm_tokenize(line, len, c->words, p.err))) {
        goto out;
    }
    const char *s = peek(&p);
    bool configure = false;
    if (s && !strcmp(s, "crm")) {
        p.i++;
        s = peek(&p);
    }
    if (s && !strcmp(s, "configure")) {
        configure = true;
        p.i++;
        s = peek(&p);
    }
    if (!s) {
        rc = fail_missing(&p, configure ? "configure command (primitive, "
                          "colocation, ...)" : "command");
        goto out;
    }
    c->verb_word = p.i;
    if (!configure && !strcmp(s, "resource")) {
        p.i++;
        rc = parse_resource(&p);
        goto out;
    }
    if (!configure && !strcmp(s, "node")) {
        p.i++;
        rc = parse_node(&p);
        goto out;
    }
    if (!is_one_of(s, configure_verbs, G_N_ELEMENTS(configure_verbs))) {
        if (configure) {
            rc = fail_choice(&p, "configure command", configure_verbs,
                             G_N_ELEMENTS(configure_verbs));
        } else {
            rc = fail_choice(&p, "command", top_words,
                             G_N_ELEMENTS(top_words));
        }
        goto out;
    }
    p.i++;
    if (!strcmp(s, "property")) {
        c->verb = HC_CRM_PROPERTY;
        rc = parse_nvs_command(&p);
    } else if (!strcmp(s, "rsc_defaults")) {
        c->verb = HC_CRM_RSC_DEFAULTS;
        rc = parse_nvs_command(&p);
    } else if (!strcmp(s, "op_defaults")) {
        c->verb = HC_CRM_OP_DEFAULTS;
        rc = parse_nvs_command(&p);
    } else if (!strcmp(s, "primitive")) {
        c->verb = HC_CRM_PRIMITIVE;
        rc = parse_primitive(&p);
    } else if (!strcmp(s, "ms")) {
        c->verb = HC_CRM_MS;
        rc = parse_container(&p, false);
    } else if (!strcmp(s, "clone")) {
        c->verb = HC_CRM_CLONE;
        rc = parse_container(&p, false);
    } else if (!strcmp(s, "group")) {
        c->verb = HC_CRM_GROUP;
        rc = parse_container(&p, true);
    } else if (!strcmp(s, "colocation") || !strcmp(s, "collocation")) {
        c->verb = HC_CRM_COLOCATION;
        rc = parse_colocation(&p);
    } else if (!strcmp(s, "order")) {
        c->verb = HC_CRM_ORDER;
        rc = parse_order(&p);
    } else if (!strcmp(s, "location")) {
        c->verb = HC_CRM_LOCATION;
        rc = parse_location(&p);
    } else {
        c->verb = HC_CRM_DELETE;
        rc = parse_delete(&p);
    }
out:
    if (rc) {
        hc_crm_cmd_free(c);
        return rc;
    }
    *ret = c;
    return 0;
}

bool hc_crm_cmd_needs_cluster(const hc_crm_cmd *cmd)
{
    return cmd && cmd->verb == HC_CRM_CLEANUP;
}

char **hc_crm_cmd_cluster_argv(const hc_crm_cmd *cmd)
{
    if (!hc_crm_cmd_needs_cluster(cmd)) {
        return NULL;
    }
    GPtrArray *a = g_ptr_array_new();
    g_ptr_array_add(a, g_strdup("crm_resource"));
    g_ptr_array_add(a, g_strdup("--cleanup"));
    if (cmd->id) {
        g_ptr_array_add(a, g_strdup("--resource"));
        g_ptr_array_add(a, g_strdup(cmd->id));
    }
    if (cmd->node) {
        g_ptr_array_add(a, g_strdup("--node"));
        g_ptr_array_add(a, g_strdup(cmd->node));
    }
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

char *hc_crm_error_format(const char *line, const hc_crm_error *err)
{
    GString *s = g_string_new(NULL);
    size_t n = strlen(line);
    size_t col = err->col > n ? n : err->col;
    size_t len = err->len;

    /* The caret goes under the escaped line: count display columns of
     * the escaped prefix so that it lands under the word. */
    char *esc_line = hc_crm_escape_text(line);
    char *pre = g_strndup(line, col);
    char *esc_pre = hc_crm_escape_text(pre);
    char *word = g_strndup(line + col, len > n - col ? n - col : len);
    char *esc_word = hc_crm_escape_text(word);
    size_t pre_cols = g_utf8_strlen(esc_pre, -1);
    size_t word_cols = g_utf8_strlen(esc_word, -1);

    g_string_append_printf(s, "%s\n", esc_line);
    for (size_t i = 0; i < pre_cols; i++) {
        g_string_append_c(s, ' ');
    }
    g_string_append_c(s, '^');
    for (size_t i = 1; i < word_cols; i++) {
        g_string_append_c(s, '~');
    }
    g_string_append_c(s, '\n');
    if (err->word >= 0 && len > 0) {
        g_string_append_printf(s, "word %d (%s): %s", err->word + 1,
                               esc_word, err->msg);
    } else {
        g_string_append(s, err->msg);
    }
    g_free(esc_line);
    g_free(pre);
    g_free(esc_pre);
    g_free(word);
    g_free(esc_word);
    return g_string_free(s, FALSE);
}
