#include "json.h"

#include "util.h"

void hc_jw_init(hc_jw *w, GString *out)
{
    *w = (hc_jw) { .out = out };
}

void hc_jw_init_spaced(hc_jw *w, GString *out)
{
    hc_jw_init(w, out);
    w->spaced = true;
}

void hc_jw_init_in_object(hc_jw *w, GString *out, bool has_members)
{
    hc_jw_init(w, out);
    w->depth = 1;
    w->is_obj[1] = true;
    w->has_item[1] = has_members;
}

static void new_line(hc_jw *w, int depth)
{
    g_string_append_c(w->out, '\n');
    for (int i = 0; i < depth; i++) {
        g_string_append(w->out, "  ");
    }
}

/* What comes before a value: its comma, a newline when asked, its key. */
static void item(hc_jw *w, const char *key)
{
    if (w->has_item[w->depth]) {
        g_string_append(w->out, w->spaced && !w->lines[w->depth] ? ", "
                                                                 : ",");
    }
    w->has_item[w->depth] = true;
    if (w->lines[w->depth]) {
        new_line(w, w->depth);
    } else if (w->newline) {
        g_string_append_c(w->out, '\n');
        w->newline = false;
    }
    if (key) {
        hc_json_str(w->out, key);
        g_string_append(w->out, w->spaced ? ": " : ":");
    }
}

static void open_container(hc_jw *w, const char *key, bool obj)
{
    if (w->too_deep || w->depth == HC_JW_MAX_DEPTH) {
        w->too_deep++;
        return;
    }
    item(w, key);
    g_string_append_c(w->out, obj ? '{' : '[');
    w->depth++;
    w->is_obj[w->depth] = obj;
    w->has_item[w->depth] = false;
    w->lines[w->depth] = false;
}

void hc_jw_obj(hc_jw *w, const char *key)
{
    open_container(w, key, true);
}

void hc_jw_arr(hc_jw *w, const char *key)
{
    open_container(w, key, false);
}

void hc_jw_end(hc_jw *w)
{
    if (w->too_deep) {
        w->too_deep--;
        return;
    }
    if (w->depth == 0) {
        return;
    }
    if (w->lines[w->depth] && w->has_item[w->depth]) {
        new_line(w, w->depth - 1);
    }
    g_string_append_c(w->out, w->is_obj[w->depth] ? '}' : ']');
    w->depth--;
}

/* Values inside a container opened too deep are not written either. */
#define SKIP_TOO_DEEP(w)       \
    do {                       \
        if ((w)->too_deep) {   \
            return;            \
        }                      \
    } while (0)

void hc_jw_str(hc_jw *w, const char *key, const char *v)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    if (v) {
        hc_json_str(w->out, v);
    } else {
        g_string_append(w->out, "null");
    }
}

void hc_jw_int(hc_jw *w, const char *key, long long v)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    g_string_append_printf(w->out, "%lld", v);
}

void hc_jw_uint(hc_jw *w, const char *key, unsigned long long v)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    g_string_append_printf(w->out, "%llu", v);
}

void hc_jw_num(hc_jw *w, const char *key, double v, int decimals)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    g_string_append_printf(w->out, "%.*f", decimals, v);
}

void hc_jw_bool(hc_jw *w, const char *key, bool v)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    g_string_append(w->out, v ? "true" : "false");
}

void hc_jw_null(hc_jw *w, const char *key)
{
    SKIP_TOO_DEEP(w);
    item(w, key);
    g_string_append(w->out, "null");
}

void hc_jw_newline(hc_jw *w)
{
    w->newline = true;
}

void hc_jw_lines(hc_jw *w)
{
    if (!w->too_deep) {
        w->lines[w->depth] = true;
    }
}
