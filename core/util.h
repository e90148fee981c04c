/* Small helpers shared by every core module: safe display of untrusted
 * text, atomic file writes, time formatting. */
#ifndef HC_UTIL_H
#define HC_UTIL_H

#include <stddef.h>
#include <stdbool.h>
#include <time.h>
#include <glib.h>

/* Appends the bytes [s, s+len) to out so that no control byte and no
 * invalid UTF-8 reaches a terminal: printable ASCII and valid UTF-8 are kept,
 * '\\' and '"' are escaped, controls become \n \t \r or \xNN, invalid bytes
 * \xNN.  At most max_cols characters are appended (0 = no cap); a cut string
 * ends in "...". */
void hc_escape_append(GString *out, const char *s, size_t len, size_t max_cols);

/* Returns a newly allocated escaped copy of NUL-terminated s (NULL gives
 * ""); the caller frees it with g_free(). */
char *hc_escape(const char *s, size_t max_cols);

/* Same as hc_escape() but only ASCII is kept; anything else becomes \xNN.
 * For terminals that cannot show UTF-8. */
char *hc_escape_ascii(const char *s, size_t max_cols);

/* Same as hc_escape() (hc_escape_ascii() when ascii) but '\\' and '"'
 * are kept as they are: for text that is already what an admin types, a
 * shell command line or an XML line, where \" would be wrong.  Control
 * bytes and invalid UTF-8 are still escaped. */
char *hc_escape_text(const char *s, size_t max_cols, bool ascii);

/* Appends s to out as a JSON string literal (with quotes).  Invalid UTF-8
 * bytes become U+FFFD so that the output is always valid JSON. */
void hc_json_str(GString *out, const char *s);

/* Writes data to path through a temp file in the same directory (mode
 * 0600 until it has its own), fsynced, renamed over path, and the
 * directory fsynced.  A new file gets mode; a file that existed keeps its
 * owner, group and mode, less any group or other access that mode does
 * not give.  When path existed and keep_backup is true, the old file is
 * kept as path + "~" (hard link taken before the rename).  Returns 0 or a
 * negative errno (nothing changed at path then, except when only the
 * directory's fsync failed). */
int hc_write_file_atomic(const char *path, const char *data, size_t len,
                         mode_t mode, bool keep_backup);

/* Removes dir and everything under it; a symbolic link is removed, never
 * followed.  What cannot be removed stays (best effort: scratch
 * directories). */
void hc_rm_tree(const char *dir);

/* Reads a whole file into *ret (NUL-terminated, g_free()) and its length.
 * Returns 0 or a negative errno. */
int hc_read_file(const char *path, char **ret, size_t *ret_len);

/* Formats t as "YYYY-mm-dd HH:MM:SS" in local time into buf (>= 20 bytes). */
const char *hc_time_str(time_t t, char *buf, size_t n);

/* "in 5 min", "3 h ago", "now": the distance of t from now, for humans. */
const char *hc_time_rel(time_t t, time_t now, char *buf, size_t n);

/* Monotonic clock in milliseconds. */
double hc_now_ms(void);

/* text broken into lines of at most width columns at blanks (a longer
 * word stays whole), the first line after first, the others after rest.
 * Bytes are counted as columns: escape text first.  Newly allocated
 * (g_strfreev). */
char **hc_wrap(const char *text, size_t width, const char *first,
               const char *rest);

/* In a child forked by the console: the terminal's signals (SIGINT,
 * SIGHUP) ignored, SIGPIPE back to its default, and stdin, stdout and
 * stderr on /dev/null, so that nothing of it reaches the screen. */
void hc_child_detach_tty(void);

#endif
