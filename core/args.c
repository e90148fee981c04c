/* Argument templates: one parser for every command's options (args.h). */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    unsigned count;
    const char *str[HC_OPT_MAX_REPEAT];
    long num;
    double real;
    int choice;
} opt_value;

struct hc_args {
    const hc_args_template *t;
    size_t n_opts;
    opt_value *v;
    GPtrArray *pos;   /* char *, NULL-terminated */
    bool help;
};

static size_t count_opts(const hc_args_template *t)
{
    size_t n = 0;

    while (t->opts && t->opts[n].name) {
        n++;
    }
    return n;
}

static const char *option_name(const hc_opt *o, GString *buf)
{
    g_string_printf(buf, "--%s", o->name);
    return buf->str;
}

/* "(1-3600 seconds)", "(text, json)": what the option takes. */
static void append_range(GString *out, const hc_opt *o)
{
    if (o->type == HC_OPT_INT || o->type == HC_OPT_REAL) {
        g_string_append_printf(out, "%.15g-%.15g", o->min, o->max);
        if (o->unit) {
            g_string_append_printf(out, " %s", o->unit);
        }
    } else if (o->choices) {
        for (const char *const *c = o->choices; c && *c; c++) {
            g_string_append_printf(out, "%s%s", c == o->choices ? "" : ", ",
                                   *c);
        }
    }
}

static int bad_value(const hc_opt *o, const char *value, bool range,
                     char **ret_err)
{
    GString *s = g_string_new(NULL);
    char *v = hc_escape(value, 40);

    g_string_printf(s, "--%s: \"%s\" ", o->name, v);
    if (o->type == HC_OPT_CHOICE || o->type == HC_OPT_STRING) {
        g_string_append(s, "is not one of ");
        append_range(s, o);
    } else {
        if (range) {
            g_string_append(s, "is out of range (");
            append_range(s, o);
        } else {
            if (o->unit) {
                g_string_append_printf(s, "is not a number of %s (",
                                       o->unit);
            } else {
                g_string_append_printf(s, "is not %s (",
                                       o->type == HC_OPT_INT
                                       ? "a whole number" : "a number");
            }
            g_string_append_printf(s, "%.15g-%.15g", o->min, o->max);
        }
        g_string_append_c(s, ')');
    }
    g_free(v);
    *ret_err = g_string_free(s, FALSE);
    return -EINVAL;
}

static int check_value(const hc_opt *o, const char *value, opt_value *v,
                       char **ret_err)
{
    char *end;

    switch (o->type) {
    case HC_OPT_FLAG:
        return 0;
    case HC_OPT_STRING:
        if (o->check && o->check(value) < 0) {
            return bad_value(o, value, false, ret_err);
        }
        return 0;
    case HC_OPT_INT: {
        long n;

        /* strtol alone would take " 5" and "5x" (as atoi took "5x"). */
        errno = 0;
        n = strtol(value, &end, 10);
        if (!*value || g_ascii_isspace(*value) || *end || end == value) {
            return bad_value(o, value, false, ret_err);
        }
        if (errno == ERANGE || n < o->min || n > o->max) {
            return bad_value(o, value, true, ret_err);
        }
        v->num = n;
        return 0;
    }
    case HC_OPT_REAL: {
        double d;

        errno = 0;
        d = strtod(value, &end);
        if (!*value || g_ascii_isspace(*value) || *end || end == value
            || !isfinite(d)) {
            return bad_value(o, value, false, ret_err);
        }
        if (errno == ERANGE || d < o->min || d > o->max) {
            return bad_value(o, value, true, ret_err);
        }
        v->real = d;
        return 0;
    }
    case HC_OPT_CHOICE:
        for (int i = 0; o->choices && o->choices[i]; i++) {
            if (!strcmp(value, o->choices[i])) {
                v->choice = i;
                return 0;
            }
        }
        return bad_value(o, value, false, ret_err);
    }
    return 0;
}

static int store(hc_args *a, const hc_opt *o, const char *value,
                 char **ret_err)
{
    opt_value *v = &a->v[o - a->t->opts];
    int max = o->repeat > 0 ? MIN(o->repeat, HC_OPT_MAX_REPEAT) : 1;

    if (o->repeat > 0 && (int) v->count >= max) {
        *ret_err = g_strdup_printf("--%s: given more than %d time%s",
                                   o->name, max, max == 1 ? "" : "s");
        return -EINVAL;
    }
    if (value && check_value(o, value, v, ret_err) < 0) {
        return -EINVAL;
    }
    v->str[o->repeat > 0 ? v->count : 0] = value;
    v->count++;
    return 0;
}

static const hc_opt *find_long(const hc_args_template *t, const char *name,
                               size_t len)
{
    for (const hc_opt *o = t->opts; o && o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
            return o;
        }
    }
    return NULL;
}

static const hc_opt *find_short(const hc_args_template *t, char c)
{
    for (const hc_opt *o = t->opts; o && o->name; o++) {
        if (o->letter == c) {
            return o;
        }
    }
    return NULL;
}

static int need_value(const hc_opt *o, char **ret_err)
{
    GString *s = g_string_new(NULL);

    g_string_printf(s, "--%s needs a value", o->name);
    if (o->type == HC_OPT_INT || o->type == HC_OPT_REAL
        || o->type == HC_OPT_CHOICE) {
        g_string_append(s, " (");
        append_range(s, o);
        g_string_append_c(s, ')');
    } else if (o->metavar) {
        g_string_append_printf(s, " (%s)", o->metavar);
    }
    *ret_err = g_string_free(s, FALSE);
    return -EINVAL;
}

/* "--name[=value]" at argv[*i]; the value may be the next word. */
static int parse_long(hc_args *a, int argc, char **argv, int *i,
                      char **ret_err)
{
    const char *name = argv[*i] + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t) (eq - name) : strlen(name);
    const hc_opt *o = find_long(a->t, name, len);

    if (!o && len == 4 && !strncmp(name, "help", 4) && !eq) {
        a->help = true;
        return 0;
    }
    if (!o) {
        /* The option, not its value. */
        char *n = g_strndup(argv[*i], len + 2), *e = hc_escape(n, 40);

        g_free(n);
        *ret_err = g_strdup_printf("unknown option %s", e);
        g_free(e);
        return -EINVAL;
    }
    if (o->type == HC_OPT_FLAG) {
        if (eq) {
            *ret_err = g_strdup_printf("--%s takes no value", o->name);
            return -EINVAL;
        }
        return store(a, o, NULL, ret_err);
    }
    if (eq) {
        return store(a, o, eq + 1, ret_err);
    }
    if (*i + 1 >= argc) {
        return need_value(o, ret_err);
    }
    return store(a, o, argv[++*i], ret_err);
}

/* "-abc" or "-tVALUE" or "-t VALUE" at argv[*i]. */
static int parse_short(hc_args *a, int argc, char **argv, int *i,
                       char **ret_err)
{
    for (const char *p = argv[*i] + 1; *p; p++) {
        const hc_opt *o = find_short(a->t, *p);

        if (!o && *p == 'h') {
            a->help = true;
            continue;
        }
        if (!o) {
            char c[2] = { *p, 0 };
            char *e = hc_escape(c, 0);

            *ret_err = g_strdup_printf("unknown option -%s", e);
            g_free(e);
            return -EINVAL;
        }
        if (o->type == HC_OPT_FLAG) {
            if (store(a, o, NULL, ret_err) < 0) {
                return -EINVAL;
            }
            continue;
        }
        if (p[1]) {
            return store(a, o, p + 1, ret_err);
        }
        if (*i + 1 >= argc) {
            return need_value(o, ret_err);
        }
        return store(a, o, argv[++*i], ret_err);
    }
    return 0;
}

static int check_positional(const hc_args *a, char **ret_err)
{
    const hc_args_template *t = a->t;
    int n = (int) a->pos->len - 1;

    if (n < t->min_args) {
        *ret_err = g_strdup(n == 0 ? "an argument is missing"
                                   : "too few arguments");
        return -EINVAL;
    }
    if (t->max_args >= 0 && n > t->max_args) {
        char *e = hc_escape(a->pos->pdata[t->max_args], 40);

        *ret_err = g_strdup_printf("unexpected argument \"%s\"", e);
        g_free(e);
        return -EINVAL;
    }
    return 0;
}

int hc_args_parse(const hc_args_template *t, int argc, char **argv,
                  hc_args **ret, char **ret_err)
{
    hc_args *a = g_new0(hc_args, 1);
    bool ended = false;
    int rc = 0;

    *ret = NULL;
    *ret_err = NULL;
    a->t = t;
    a->n_opts = count_opts(t);
    a->v = g_new0(opt_value, a->n_opts + 1);
    a->pos = g_ptr_array_new();
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *arg = argv[i];

        if (!ended && !strcmp(arg, "--")) {
            ended = true;
        } else if (ended || arg[0] != '-' || !arg[1]) {
            g_ptr_array_add(a->pos, argv[i]);
            ended = ended || t->options_first;
        } else if (arg[1] == '-') {
            rc = parse_long(a, argc, argv, &i, ret_err);
        } else {
            rc = parse_short(a, argc, argv, &i, ret_err);
        }
    }
    g_ptr_array_add(a->pos, NULL);
    if (rc == 0 && !a->help) {
        rc = check_positional(a, ret_err);
    }
    if (rc < 0) {
        hc_args_free(a);
        return rc;
    }
    *ret = a;
    return 0;
}

void hc_args_free(hc_args *a)
{
    if (!a) {
        return;
    }
    g_ptr_array_free(a->pos, TRUE);
    g_free(a->v);
    g_free(a);
}

bool hc_args_help(const hc_args *a)
{
    return a->help;
}

char **hc_args_argv(const hc_args *a)
{
    return (char **) a->pos->pdata;
}

int hc_args_argc(const hc_args *a)
{
    return (int) a->pos->len - 1;
}

static const opt_value *lookup(const hc_args *a, const char *name,
                               const hc_opt **ret_opt)
{
    const hc_opt *o = find_long(a->t, name, strlen(name));

    if (!o) {
        g_critical("hc_args: no option --%s in the template", name);
        return NULL;
    }
    *ret_opt = o;
    return &a->v[o - a->t->opts];
}

bool hc_args_has(const hc_args *a, const char *name)
{
    return hc_args_count(a, name) > 0;
}

unsigned hc_args_count(const hc_args *a, const char *name)
{
    const hc_opt *o;
    const opt_value *v = lookup(a, name, &o);

    return v ? v->count : 0;
}

const char *hc_args_str(const hc_args *a, const char *name, const char *def)
{
    const hc_opt *o;
    const opt_value *v = lookup(a, name, &o);

    if (!v || !v->count) {
        return def;
    }
    /* A repeated option keeps each value; any other only the last. */
    return v->str[o->repeat > 0 ? v->count - 1 : 0];
}

const char *hc_args_nth(const hc_args *a, const char *name, unsigned i)
{
    const hc_opt *o;
    const opt_value *v = lookup(a, name, &o);

    if (!v || i >= v->count) {
        return NULL;
    }
    return o->repeat > 0 ? v->str[i] : i == 0 ? v->str[0] : NULL;
}

static const opt_value *typed(const hc_args *a, const char *name,
                              hc_opt_type type)
{
    const hc_opt *o;
    const opt_value *v = lookup(a, name, &o);

    if (v && o->type != type) {
        g_critical("hc_args: --%s is read as the wrong type", name);
        return NULL;
    }
    return v && v->count ? v : NULL;
}

long hc_args_int(const hc_args *a, const char *name, long def)
{
    const opt_value *v = typed(a, name, HC_OPT_INT);

    return v ? v->num : def;
}

double hc_args_real(const hc_args *a, const char *name, double def)
{
    const opt_value *v = typed(a, name, HC_OPT_REAL);

    return v ? v->real : def;
}

int hc_args_choice(const hc_args *a, const char *name, int def)
{
    const opt_value *v = typed(a, name, HC_OPT_CHOICE);

    return v ? v->choice : def;
}

/* "-t, --timeout SECS" or "    --format text|json". */
static void append_synopsis(GString *out, const hc_opt *o)
{
    if (o->letter) {
        g_string_append_printf(out, "-%c, ", o->letter);
    } else {
        g_string_append(out, "    ");
    }
    g_string_append_printf(out, "--%s", o->name);
    if (o->type == HC_OPT_CHOICE && !o->metavar) {
        g_string_append_c(out, '=');
        for (const char *const *c = o->choices; c && *c; c++) {
            g_string_append_printf(out, "%s%s", c == o->choices ? "" : "|",
                                   *c);
        }
    } else if (o->type != HC_OPT_FLAG) {
        g_string_append_printf(out, " %s", o->metavar ? o->metavar : "VALUE");
    }
}

void hc_args_format_help(const hc_args_template *t, GString *out)
{
    GString *syn = g_string_new(NULL), *help = g_string_new(NULL);
    char pad[32];

    memset(pad, ' ', 31);
    pad[31] = '\0';
    g_string_append(out, "options:\n");
    for (const hc_opt *o = t->opts; o && o->name; o++) {
        char **lines;

        g_string_assign(syn, "  ");
        append_synopsis(syn, o);
        g_string_assign(help, o->help ? o->help : "");
        if (o->type == HC_OPT_INT || o->type == HC_OPT_REAL
            || (o->type == HC_OPT_STRING && o->choices)) {
            g_string_append(help, " (");
            append_range(help, o);
            g_string_append_c(help, ')');
        }
        if (o->repeat > 1) {
            g_string_append_printf(help, " (up to %d times)", o->repeat);
        }
        /* The help in a column of its own, under 80 columns. */
        if (syn->len >= 30) {
            g_string_append_printf(out, "%s\n", syn->str);
            g_string_truncate(syn, 0);
        }
        g_string_append_printf(syn, "%-*s", (int) (31 - syn->len), "");
        lines = hc_wrap(help->str, 78, syn->str, pad);
        for (char **l = lines; *l; l++) {
            g_string_append_printf(out, "%s\n", *l);
        }
        g_strfreev(lines);
    }
    g_string_append_printf(out, "  %-28s show this help\n", "-h, --help");
    g_string_free(syn, TRUE);
    g_string_free(help, TRUE);
}

void hc_args_format_list(const hc_args_template *t, GString *out)
{
    static const char *const kind[] = {
        [HC_OPT_VALUE] = "value", [HC_OPT_FILE] = "file",
        [HC_OPT_DIR] = "dir", [HC_OPT_IFACE] = "interface",
    };
    GString *buf = g_string_new(NULL);

    for (const hc_opt *o = t->opts; o && o->name; o++) {
        g_string_append(out, option_name(o, buf));
        if (o->type == HC_OPT_FLAG) {
            g_string_append(out, " flag");
        } else if (o->choices) {
            g_string_append(out, " choice");
            for (const char *const *c = o->choices; c && *c; c++) {
                g_string_append_printf(out, " %s", *c);
            }
        } else {
            g_string_append_printf(out, " %s", kind[o->complete]);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append(out, "--help flag\n");
    g_string_free(buf, TRUE);
}
