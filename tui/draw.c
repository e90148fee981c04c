/* Lines of views (tui/draw.h): plain, lazy (made when first shown), and
 * the digests that tell whether a view's content changed. */
#include "draw.h"

#include <stdarg.h>

hc_line *hc_line_add(GPtrArray *lines, hc_tone tone, const char *tree,
                     const char *fmt, ...)
{
    hc_line *l = g_new0(hc_line, 1);
    va_list ap;

    va_start(ap, fmt);
    l->text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    l->tree = g_strdup(tree ? tree : "");
    l->tone = tone;
    l->selectable = true;
    g_ptr_array_add(lines, l);
    return l;
}

/* Lazy lines are allocated together and freed with the last of them. */
typedef struct line_pool {
    size_t refs;
    hc_line lines[];
} line_pool;

hc_line *hc_lines_add_lazy(GPtrArray *lines, size_t n,
                           void (*fill)(hc_line *l), void *data)
{
    line_pool *p;
    guint base = lines->len;

    if (!n) {
        return NULL;
    }
    p = g_malloc(sizeof(*p) + n * sizeof(hc_line));
    p->refs = n;
    g_ptr_array_set_size(lines, (gint) (base + n));
    for (size_t i = 0; i < n; i++) {
        p->lines[i] = (hc_line) { .selectable = true, .fill = fill,
                                  .fill_data = data, .pool = p };
        lines->pdata[base + i] = &p->lines[i];
    }
    return p->lines;
}

const char *hc_line_text(hc_line *l)
{
    if (!l->text && l->fill) {
        l->fill(l);
    }
    return l->text ? l->text : "";
}

void hc_line_free(gpointer p)
{
    hc_line *l = p;
    line_pool *pool = l->pool;

    g_free(l->tree);
    g_free(l->text);
    g_free(l->ref);
    if (!pool) {
        g_free(l);
    } else if (--pool->refs == 0) {
        g_free(pool);
    }
}

uint64_t hc_digest_str(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *) (s ? s : "\1");
         *p; p++) {
        h = (h ^ *p) * 1099511628211ULL;
    }
    return (h ^ 0xff) * 1099511628211ULL;
}

uint64_t hc_digest_int(uint64_t h, int64_t v)
{
    for (int i = 0; i < 8; i++) {
        h = (h ^ ((uint64_t) v >> (8 * i) & 0xff)) * 1099511628211ULL;
    }
    return h;
}
