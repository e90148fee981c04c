/* Writing JSON: one writer for every JSON output of hacon (status,
 * DRBD, the failover report, leases).  It keeps the nesting and puts the
 * commas; a value's key is given with it (NULL inside an array or at the
 * top).  Output is compact, with newlines only where hc_jw_newline()
 * asks for one; or, for outputs that people read too (leases), spaced
 * (": " and ", ") with the containers that hc_jw_lines() marks one item
 * a line, indented.  Either way the outputs stay byte for byte what
 * scripts and golden files read.  Strings are escaped by hc_json_str(). */
#ifndef HC_JSON_H
#define HC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* The deepest nesting a writer keeps (hacon's outputs have 6 levels);
 * containers opened deeper are not written. */
#define HC_JW_MAX_DEPTH 16

typedef struct hc_jw {
    GString *out;
    int depth;                           /* containers open */
    int too_deep;                        /* opened beyond the maximum */
    bool has_item[HC_JW_MAX_DEPTH + 1];  /* a value written at this depth */
    bool is_obj[HC_JW_MAX_DEPTH + 1];    /* the container there is '{' */
    bool lines[HC_JW_MAX_DEPTH + 1];     /* its items one a line */
    bool spaced;                         /* ": " and ", " */
    bool newline;                        /* before the next value */
} hc_jw;

/* A writer that appends to out, at the top (no container open). */
void hc_jw_init(hc_jw *w, GString *out);
/* The same, spaced: ": " after a key, ", " between inline items. */
void hc_jw_init_spaced(hc_jw *w, GString *out);
/* A writer that appends members to an object already open at the end of
 * out, which has members already when has_members. */
void hc_jw_init_in_object(hc_jw *w, GString *out, bool has_members);

/* Opens an object or an array; hc_jw_end() closes the innermost. */
void hc_jw_obj(hc_jw *w, const char *key);
void hc_jw_arr(hc_jw *w, const char *key);
void hc_jw_end(hc_jw *w);

/* Values.  hc_jw_str writes null for a NULL string; hc_jw_num writes v
 * with decimals digits after the point. */
void hc_jw_str(hc_jw *w, const char *key, const char *v);
void hc_jw_int(hc_jw *w, const char *key, long long v);
void hc_jw_uint(hc_jw *w, const char *key, unsigned long long v);
void hc_jw_num(hc_jw *w, const char *key, double v, int decimals);
void hc_jw_bool(hc_jw *w, const char *key, bool v);
void hc_jw_null(hc_jw *w, const char *key);

/* The next value (or key) starts on a new line. */
void hc_jw_newline(hc_jw *w);
/* The container just opened has its items one a line, indented by two
 * spaces a level, and its closing bracket on a line of its own (when it
 * has items). */
void hc_jw_lines(hc_jw *w);

#endif
