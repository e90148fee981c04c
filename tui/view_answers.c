/* The answers form of the setup screen (key e): every answer of the guided
 * setup with its help, its value and where the value came from (default,
 * detected on the nodes, the answers file, or edited here and not saved
 * yet).  A value is checked as it is typed, with the same rules as an
 * answers file line (hc_wizard_set_answer()); s checks the answers
 * together and saves them to HACON_STATE_DIR/answers (temp file, fsync,
 * rename, the old one kept), which every `hacon setup` child the console
 * runs from then on gets with --answers.
 *
 * The facts (no DRBD module on a node, the disk both nodes have) are
 * found by `hacon setup answers --detect`, run by the setup screen as a
 * child: it asks both nodes, and the console does not wait for ssh. */
#include "view_answers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "util.h"
#include "wizard.h"

static struct {
    bool open;
    hc_wizard *w;           /* the answers as they stand, edits included */
    char *loaded;           /* the file they were read from, or NULL */
    char *load_error;       /* why that file could not be read */
    GHashTable *edited;     /* keys edited and not saved (a set) */
    int sel;                /* index of the selected answer */
    int top;
    bool editing;
    bool secret;            /* typing a password: never shown */
    GString *edit;
    char *edit_error;       /* what is wrong with the typed value */
    bool detecting;
    char *detect_note;      /* how the detection ended */
    bool discard_armed;     /* Esc once with unsaved edits */
    char *message;
    bool saved;             /* the last close saved: check the steps */
} af;

static size_t n_keys(void)
{
    size_t n = 0;
    const char *const *k = hc_wizard_answer_keys();

    while (k[n]) {
        n++;
    }
    return n;
}

static const char *key_at(int i)
{
    return hc_wizard_answer_keys()[i];
}

static int key_index(const char *key)
{
    const char *const *k = hc_wizard_answer_keys();

    for (int i = 0; k[i]; i++) {
        if (!strcmp(k[i], key)) {
            return i;
        }
    }
    return -1;
}

const char *hc_answers_file(void)
{
    static char *state_file;
    const char *env = getenv("HACON_ANSWERS");
    hc_wizard *w = NULL;
    char *err = NULL;

    if (env && *env) {
        return env;
    }
    if (!state_file && hc_wizard_new(NULL, &w, &err) == 0) {
        state_file = hc_wizard_answers_path(w);
        hc_wizard_free(w);
    }
    g_free(err);
    return state_file && g_file_test(state_file, G_FILE_TEST_EXISTS)
           ? state_file : NULL;
}

static void set_message(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void set_message(const char *fmt, ...)
{
    va_list ap;

    g_free(af.message);
    va_start(ap, fmt);
    af.message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

bool hc_answers_form_active(void)
{
    return af.open;
}

bool hc_answers_form_saved(void)
{
    return af.saved;
}

void hc_answers_form_open(hc_console *con, const char *focus)
{
    const char *file = hc_answers_file();
    char *err = NULL;

    hc_wizard_free(af.w);
    af.w = NULL;
    g_clear_pointer(&af.load_error, g_free);
    g_clear_pointer(&af.loaded, g_free);
    if (hc_wizard_new(file, &af.w, &err) < 0) {
        af.load_error = err;
        err = NULL;
        hc_wizard_new(NULL, &af.w, &err);
    } else {
        af.loaded = g_strdup(file);
    }
    g_free(err);
    if (!af.edited) {
        af.edited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
        af.edit = g_string_new(NULL);
    }
    g_hash_table_remove_all(af.edited);
    af.sel = focus && key_index(focus) >= 0 ? key_index(focus) : 0;
    af.top = -1;            /* the selected answer in view */
    af.editing = false;
    af.discard_armed = false;
    af.saved = false;
    af.detecting = true;
    g_clear_pointer(&af.detect_note, g_free);
    g_clear_pointer(&af.message, g_free);
    g_clear_pointer(&af.edit_error, g_free);
    af.open = true;
    con->all_dirty = true;
}

/* The output of `hacon setup answers --detect`: an answers file where
 * a "# detected: FACT" comment precedes each answer found on the nodes. */
void hc_answers_form_detected(GPtrArray *out, int status)
{
    const char *why = NULL, *not = NULL;
    int n = 0;

    af.detecting = false;
    if (!af.open || !af.w) {
        return;
    }
    for (guint i = 0; i < out->len; i++) {
        const char *l = out->pdata[i];
        const char *eq = strchr(l, '=');

        if (g_str_has_prefix(l, "# not detected: ")) {
            not = l + strlen("# not detected: ");
            continue;
        }
        if (g_str_has_prefix(l, "# detected: ")) {
            why = l + strlen("# detected: ");
            continue;
        }
        if (why && eq && l[0] != '#') {
            char *key = g_strndup(l, (gsize) (eq - l)), *err = NULL;

            /* Not over an answer given by the file or edited here. */
            if (hc_wizard_answer_origin(af.w, key, NULL) != HC_ANSWER_FILE
                && hc_wizard_set_detected(af.w, key, eq + 1, why, &err) == 0) {
                n++;
            }
            g_free(err);
            g_free(key);
        }
        why = NULL;
    }
    g_free(af.detect_note);
    af.detect_note = status != 0
        ? g_strdup_printf("asking the nodes failed (exit %d): defaults kept",
                          status)
        : not ? g_strdup_printf("nothing detected: %s", not)
        : n ? g_strdup_printf("%d answer%s detected on the nodes: check "
                              "them, then s saves", n, n == 1 ? "" : "s")
            : g_strdup("nothing detected: the nodes fit the defaults");
}

/* ---- drawing ------------------------------------------------------------ */

/* Adds text wrapped at width, every row indented by indent spaces. */
static void add_wrapped(GPtrArray *shown, hc_tone tone, int indent,
                        int width, const char *text)
{
    const char *p = text;
    int room = MAX(width - indent, 20);

    do {
        const char *end = p;
        int n = 0;

        while (*end && n < room) {
            end = g_utf8_next_char(end);
            n++;
        }
        if (*end) {
            const char *sp = end;

            while (sp > p + room / 2 && *sp != ' ') {
                sp--;
            }
            if (*sp == ' ') {
                end = sp + 1;
            }
        }
        hc_line_add(shown, tone, NULL, "%*s%.*s", indent, "",
                    (int) (end - p), p);
        p = end;
    } while (*p);
}

static const char *origin_label(const char *key, const char **why)
{
    *why = NULL;
    if (g_hash_table_contains(af.edited, key)) {
        return "edited, not saved";
    }
    switch (hc_wizard_answer_origin(af.w, key, why)) {
    case HC_ANSWER_FILE:
        return "file";
    case HC_ANSWER_DETECTED:
        return "detected";
    default:
        return "default";
    }
}

/* The form's title lines: where the answers come from, the detection. */
static void head_lines(hc_console *con, GPtrArray *shown, int width)
{
    char *f = hc_con_esc(con, af.loaded ? af.loaded : "none: the defaults", 0);
    char *t = g_strdup_printf("read from: %s", f);

    hc_line_add(shown, HC_TONE_TITLE, NULL, "Answers of the guided setup: "
                "every value the steps use");
    add_wrapped(shown, HC_TONE_DIM, 0, width, t);
    g_free(t);
    g_free(f);
    if (af.load_error) {
        char *e = hc_con_esc(con, af.load_error, 0);

        add_wrapped(shown, HC_TONE_BAD, 0, width, e);
        g_free(e);
    }
    if (af.detecting) {
        hc_line_add(shown, HC_TONE_DIM, NULL, "asking both nodes what they "
                    "have (DRBD module, disks)...");
    } else if (af.detect_note) {
        hc_line_add(shown, HC_TONE_DIM, NULL, "%s", af.detect_note);
    }
}

/* The value being typed and whether it is valid. */
static void edit_lines(hc_console *con, GPtrArray *out, const char *key,
                       int width, bool value)
{
    char *e;

    if (af.secret) {
        if (value) {
            hc_line_add(out, HC_TONE_GOOD, NULL, "%-16s = password of the "
                        "fence devices: (typed, not shown)_", key);
        } else {
            hc_line_add(out, HC_TONE_GOOD, NULL, "    Enter keeps it in "
                        "HACON_STATE_DIR/fence.secret (mode 0600) for both "
                        "nodes; Esc drops it");
        }
        return;
    }
    if (value) {
        e = hc_con_esc(con, af.edit->str, 0);
        hc_line_add(out, af.edit_error ? HC_TONE_BAD : HC_TONE_GOOD, NULL,
                    "%-16s = %s_", key, e);
        g_free(e);
    } else if (af.edit_error) {
        e = hc_con_esc(con, af.edit_error, 0);
        add_wrapped(out, HC_TONE_BAD, 4, width, e);
        g_free(e);
    } else {
        hc_line_add(out, HC_TONE_GOOD, NULL, "    valid: Enter takes it");
    }
}

/* One answer: KEY = VALUE ORIGIN (or the value being typed), its help,
 * what was detected, whether the typed value is valid. */
static void answer_lines(hc_console *con, GPtrArray *out, int i, int width)
{
    const char *key = key_at(i), *why = NULL;
    const char *origin = origin_label(key, &why);
    bool editing = i == af.sel && af.editing;
    hc_tone tone = !strcmp(origin, "default") ? HC_TONE_NORMAL
                   : !strcmp(origin, "detected") ? HC_TONE_GOOD
                   : HC_TONE_WARN;
    char *h;

    if (editing) {
        edit_lines(con, out, key, width, true);
    } else {
        char *v = hc_con_esc(con, hc_wizard_answer(af.w, key), 40);

        hc_line_add(out, tone, NULL, "%-16s = %-30s %s", key,
                    *v ? v : "(empty)", origin);
        g_free(v);
    }
    h = hc_con_esc(con, hc_wizard_answer_help(key), 0);
    add_wrapped(out, HC_TONE_DIM, 4, width, h);
    g_free(h);
    if (!strcmp(key, "fence_secret_file") && i == af.sel && !editing) {
        add_wrapped(out, HC_TONE_DIM, 4, width, "p: type the password "
                    "instead (not shown; kept in a 0600 file this answer "
                    "then names)");
    }
    if (why && *why) {
        char *w = hc_con_esc(con, why, 0), *d;

        d = g_strdup_printf("detected: %s", w);
        add_wrapped(out, HC_TONE_GOOD, 4, width, d);
        g_free(d);
        g_free(w);
    }
    if (editing) {
        edit_lines(con, out, key, width, false);
    }
}

/* Moves the lines from af.top that fit in rows from all to shown, and
 * frees all with the others. */
static void take_window(GPtrArray *all, GPtrArray *shown, int rows)
{
    for (int i = af.top; i < (int) all->len && i < af.top + rows; i++) {
        g_ptr_array_add(shown, all->pdata[i]);
        all->pdata[i] = NULL;
    }
    g_ptr_array_set_free_func(all, NULL);
    for (guint i = 0; i < all->len; i++) {
        if (all->pdata[i]) {
            hc_line_free(all->pdata[i]);
        }
    }
    g_ptr_array_free(all, TRUE);
}

void hc_answers_form_lines(hc_console *con, GPtrArray *shown, int rows,
                           int *top, int *sel)
{
    int width = con->cols > 20 ? con->cols : 80;
    size_t n = n_keys();
    int sel_line = 0, sel_end = 0, head;
    GPtrArray *all = g_ptr_array_new_with_free_func(hc_line_free);

    head_lines(con, shown, width);
    head = (int) shown->len;
    /* The answers below the title lines, which stay in view. */
    rows = MAX(rows - head, 1);
    for (size_t i = 0; i < n; i++) {
        if ((int) i == af.sel) {
            sel_line = (int) all->len;
        }
        answer_lines(con, all, (int) i, width);
        if ((int) i == af.sel) {
            sel_end = (int) all->len - 1;
        }
    }
    /* The selected answer whole in view. */
    if (af.top < 0 || sel_line < af.top) {
        af.top = sel_line;
    }
    if (sel_end >= af.top + rows) {
        af.top = sel_end - rows + 1;
    }
    af.top = CLAMP(af.top, 0, MAX((int) all->len - rows, 0));
    take_window(all, shown, rows);
    *top = 0;
    *sel = head + sel_line - af.top;
}

const char *hc_answers_form_footer(const hc_console *con)
{
    static char buf[256];

    if (af.message) {
        snprintf(buf, sizeof(buf), "%s", af.message);
    } else if (af.editing) {
        snprintf(buf, sizeof(buf), "Type the value  Enter Take it  %s"
                 "Ctrl-U Clear  Esc Cancel",
                 hc_wizard_answer_choices(key_at(af.sel))
                 ? "Tab Next choice  " : "");
    } else {
        snprintf(buf, sizeof(buf), "Enter Edit  Up/Down Answer  s Save%s  "
                 "Esc Back", con->read_only ? " (read-only: off)" : "");
    }
    return buf;
}

/* ---- keys --------------------------------------------------------------- */

static void check_edit(void)
{
    hc_wizard *probe = NULL;
    char *err = NULL;

    g_clear_pointer(&af.edit_error, g_free);
    if (hc_wizard_new(NULL, &probe, &err) == 0
        && hc_wizard_set_answer(probe, key_at(af.sel), af.edit->str,
                                &err) < 0) {
        af.edit_error = g_steal_pointer(&err);
    }
    g_free(err);
    hc_wizard_free(probe);
}

/* The next value of a choice answer (storage: drbd, shared). */
static void next_choice(void)
{
    const char *choices = hc_wizard_answer_choices(key_at(af.sel));
    char **c;
    guint n, at = 0;

    if (!choices) {
        return;
    }
    c = g_strsplit(choices, "|", -1);
    n = g_strv_length(c);
    for (guint i = 0; i < n; i++) {
        if (!strcmp(c[i], af.edit->str)) {
            at = (i + 1) % n;
        }
    }
    g_string_assign(af.edit, c[at]);
    g_strfreev(c);
    check_edit();
}

/* The password typed for fence_secret_file: written to
 * HACON_STATE_DIR/fence.secret (mode 0600), one line for both nodes, and
 * the answer names that file; the typed bytes are cleared. */
static void secret_key(hc_console *con, int key)
{
    char *err = NULL, *path, *text;
    int rc;

    switch (key) {
    case 27:
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (!af.edit->len) {
            set_message("no password typed: not changed");
            break;
        }
        path = g_build_filename(hc_wizard_state_dir(af.w), "fence.secret",
                                NULL);
        text = g_strdup_printf("%s\n", af.edit->str);
        g_mkdir_with_parents(hc_wizard_state_dir(af.w), 0700);
        rc = con->read_only ? -EROFS
             : hc_write_file_atomic(path, text, strlen(text), 0600, false);
        if (rc == 0) {
            rc = hc_wizard_set_answer(af.w, "fence_secret_file", path, &err);
        }
        if (rc == 0) {
            g_hash_table_add(af.edited, g_strdup("fence_secret_file"));
            set_message("password kept in %s (0600): s saves the answers",
                        path);
        } else {
            set_message("password not kept: %s", err ? err : strerror(-rc));
        }
        explicit_bzero(text, strlen(text));
        g_free(text);
        g_free(path);
        g_free(err);
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (af.edit->len) {
            af.edit->str[af.edit->len - 1] = 0;
            g_string_truncate(af.edit, af.edit->len - 1);
        }
        return;
    default:
        if (key >= 0x20 && key < 0x100 && key != 0x7f
            && af.edit->len < 255) {
            g_string_append_c(af.edit, (char) key);
        }
        return;
    }
    explicit_bzero(af.edit->str, af.edit->allocated_len);
    g_string_truncate(af.edit, 0);
    af.secret = false;
    af.editing = false;
}

static void edit_key(int key)
{
    const char *k = key_at(af.sel);
    char *err = NULL;

    switch (key) {
    case 27:
        af.editing = false;
        g_clear_pointer(&af.edit_error, g_free);
        set_message("not changed");
        return;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (af.edit_error) {
            set_message("not valid: %s", af.edit_error);
            return;
        }
        if (strcmp(af.edit->str, hc_wizard_answer(af.w, k))
            || hc_wizard_answer_origin(af.w, k, NULL) != HC_ANSWER_FILE) {
            if (hc_wizard_set_answer(af.w, k, af.edit->str, &err) == 0) {
                g_hash_table_add(af.edited, g_strdup(k));
            }
            g_free(err);
        }
        af.editing = false;
        set_message("%s set: s saves the answers", k);
        return;
    case '\t':
        next_choice();
        return;
    case 21: /* ^U */
        g_string_truncate(af.edit, 0);
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (af.edit->len) {
            gsize n = af.edit->len - 1;

            while (n > 0 && (af.edit->str[n] & 0xc0) == 0x80) {
                n--;
            }
            g_string_truncate(af.edit, n);
        }
        break;
    default:
        if (key >= 0x20 && key < 0x100 && key != 0x7f
            && af.edit->len < 255) {
            g_string_append_c(af.edit, (char) key);
        }
        break;
    }
    check_edit();
}

static void save(hc_console *con)
{
    char *err = NULL, *path;

    if (con->read_only) {
        set_message("read-only: the answers are not saved");
        return;
    }
    if (hc_wizard_check_answers(af.w, &err) < 0) {
        set_message("not saved: %s", err);
        g_free(err);
        return;
    }
    path = hc_wizard_answers_path(af.w);
    if (hc_wizard_save_answers(af.w, path, &err) < 0) {
        set_message("not saved: %s", err);
        g_free(err);
        g_free(path);
        return;
    }
    /* Every `hacon setup` child from now on reads them. */
    setenv("HACON_ANSWERS", path, 1);
    g_free(path);
    af.saved = true;
    af.open = false;
}

bool hc_answers_form_key(hc_console *con, int key)
{
    int n = (int) n_keys();

    g_clear_pointer(&af.message, g_free);
    con->all_dirty = true;
    if (af.editing && af.secret) {
        secret_key(con, key);
        return true;
    }
    if (af.editing) {
        edit_key(key);
        return true;
    }
    if (key != 27 && key != 'q' && key != 'b') {
        af.discard_armed = false;
    }
    switch (key) {
    case KEY_UP:
    case 'k':
        af.sel = MAX(af.sel - 1, 0);
        break;
    case KEY_DOWN:
    case 'j':
        af.sel = MIN(af.sel + 1, n - 1);
        break;
    case KEY_PPAGE:
        af.sel = MAX(af.sel - 5, 0);
        break;
    case KEY_NPAGE:
    case ' ':
        af.sel = MIN(af.sel + 5, n - 1);
        break;
    case KEY_HOME:
    case 'g':
        af.sel = 0;
        break;
    case KEY_END:
    case 'G':
        af.sel = n - 1;
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
        af.editing = true;
        g_string_assign(af.edit, hc_wizard_answer(af.w, key_at(af.sel)));
        check_edit();
        break;
    case 'p':
        if (!strcmp(key_at(af.sel), "fence_secret_file")) {
            af.editing = true;
            af.secret = true;
            g_string_truncate(af.edit, 0);
            g_clear_pointer(&af.edit_error, g_free);
        }
        break;
    case 's':
        save(con);
        break;
    case 27:
    case 'q':
    case 'b':
        if (g_hash_table_size(af.edited) && !af.discard_armed) {
            af.discard_armed = true;
            set_message("%u answer%s edited and not saved: s saves, Esc "
                        "again drops the edits",
                        g_hash_table_size(af.edited),
                        g_hash_table_size(af.edited) == 1 ? "" : "s");
            break;
        }
        af.open = false;
        af.saved = false;
        break;
    default:
        break;
    }
    return true;
}

/* The answer a blocked step's message names ("answer storage=shared"),
 * or NULL. */
const char *hc_answers_named_in(const char *text)
{
    const char *p = text;

    while (p && (p = strstr(p, "answer")) != NULL) {
        const char *q = p + strlen("answer");
        size_t len;

        q += *q == 's';
        q += strspn(q, " :");
        len = strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789_");
        if (len && q[len] == '=') {
            char *key = g_strndup(q, len);
            int i = key_index(key);

            g_free(key);
            if (i >= 0) {
                return key_at(i);
            }
        }
        p = q;
    }
    return NULL;
}
