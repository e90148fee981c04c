/* The connection to the CIB, made the way Pacemaker's own tools make it
 * (cib_new()), so that CIB_file= and CIB_shadow= work as they do for
 * crm_mon and cibadmin. */
#ifndef HC_CIB_H
#define HC_CIB_H

#include <stdbool.h>
#include <libxml/tree.h>

typedef struct hc_cib hc_cib;

/* Connects to the CIB: the live cluster, or the file named by CIB_file /
 * the shadow named by CIB_shadow.  On failure returns a negative errno and,
 * when ret_err is not NULL, one line for the admin in *ret_err (g_free):
 * what failed and what to do. */
int hc_cib_connect(hc_cib **ret, char **ret_err);

/* Where the CIB comes from, for display: "live cluster", "file X". */
const char *hc_cib_source(const hc_cib *c);

/* True when the CIB is a file (CIB_file / CIB_shadow), not a cluster. */
bool hc_cib_is_file(const hc_cib *c);

/* Reads the whole CIB.  *ret is a new document root owned by the caller
 * (free_xml()). */
int hc_cib_query(hc_cib *c, xmlNode **ret, char **ret_err);

/* Replaces the whole CIB with xml in one atomic update (the cluster
 * checks its epoch: a CIB changed in between is refused). */
int hc_cib_replace(hc_cib *c, xmlNode *xml, char **ret_err);

/* Asks to be told of every CIB change (diff notifications).  fn gets the
 * diff (a patchset, owned by the library) or NULL when the connection was
 * lost.  The notifications arrive through the GLib main loop. */
int hc_cib_watch(hc_cib *c, void (*fn)(xmlNode *diff, void *data), void *data);

/* Whether this user may change the CIB: an update that adds a property,
 * with cib_dryrun, so that the cluster applies its ACLs and commits
 * nothing; for a file, its write permission and, with CIB_user=, the
 * same update on a copy of the file.  Returns 0 (may write), -EACCES (denied) or another
 * negative errno when it could not be told. */
int hc_cib_check_write(hc_cib *c);

void hc_cib_free(hc_cib *c);

/* Parses a CIB file the way hacon checks one before use: the XML parser's
 * message with file and line for bad XML, "not a CIB" when the root is not
 * <cib>.  Returns 0, -EINVAL or -errno. */
int hc_cib_check_file(const char *path, char **ret_err);

/* Reads a CIB file once for a single look (hacon status): checked as
 * hc_cib_check_file() does, then as libcib's file backend does on sign-on
 * (a status section added when missing, the schema validated), without
 * libcib's in-memory copy and the copy a query returns.  *ret is the root
 * of a new document (free_xml()).  Returns 0, -EINVAL or -errno. */
int hc_cib_load_file(const char *path, xmlNode **ret, char **ret_err);

/* Editing a CIB document in memory (a copy of the CIB the wizard's steps
 * change before writing it in one update). */

/* Whether a and b have the same configuration section (NULL: none). */
bool hc_cib_same_config(xmlNode *a, xmlNode *b);
/* The value of the cluster property name (crm_config), or NULL
 * (borrowed from cib). */
const char *hc_cib_property(xmlNode *cib, const char *name);
/* Sets the cluster property name in cib-bootstrap-options, with
 * crm_attribute's id, or removes it (value NULL).  -EINVAL when cib has
 * no crm_config. */
int hc_cib_set_property(xmlNode *cib, const char *name, const char *value);
/* The configuration element with that id, or NULL (borrowed). */
xmlNode *hc_cib_find_id(xmlNode *cib, const char *id);
/* Removes the configuration element with that id; false when none. */
bool hc_cib_remove_id(xmlNode *cib, const char *id);
/* Parses an XML fragment (one element) and appends it to the named
 * configuration section ("resources", "constraints"), created when
 * missing.  -EINVAL for a fragment that is not well-formed XML or a CIB
 * without configuration. */
int hc_cib_add_xml(xmlNode *cib, const char *section, const char *xml_text);

#endif
