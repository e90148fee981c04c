/* Internals shared by the crm shell modules (crmsh*.c); not for callers. */
#ifndef HC_CRMSH_INT_H
#define HC_CRMSH_INT_H

#include "crmsh.h"

/* Fills *err (printf-style message) for word w of cmd; returns -EINVAL. */
int hc_crm_fail(hc_crm_error *err, const GPtrArray *words, int w,
                const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* The candidate nearest to word, or NULL when none is near enough.  A
 * candidate that starts with the word counts as near. */
const char *hc_crm_nearest(const char *word, const char *const *cands,
                           size_t n);

/* hc_escape() that leaves '"' alone (for lines that are shown whole). */
char *hc_crm_escape_text(const char *s);

/* A valid XML id as crmsh and the schema accept it. */
bool hc_crm_valid_id(const char *s);

/* Tokenises the line into words (hc_crm_word*). */
int hc_crm_tokenize(const char *line, size_t len, GPtrArray *words,
                    hc_crm_error *err);
void hc_crm_word_free(gpointer p);

/* The configuration's sections. */
xmlNode *hc_crm_section(xmlNode *cib, const char *name, bool create);

/* Every resource id in the configuration (primitive, group, clone, master,
 * bundle) and, for each, the id a constraint must name (the clone for a
 * cloned resource).  Borrowed strings, valid while cib lives. */
void hc_crm_resource_ids(xmlNode *cib, GPtrArray *ids, GPtrArray *addr);

/* The resource (primitive, group, clone, master, bundle) with this id,
 * or NULL. */
xmlNode *hc_crm_find_rsc(xmlNode *cib, const char *id);

/* A promotable clone: <master>, or a clone with meta promotable=true. */
bool hc_crm_is_promotable(xmlNode *rsc);

/* The value of meta attribute name in rsc's own meta_attributes, or
 * NULL. */
const char *hc_crm_meta_value(xmlNode *rsc, const char *name);

/* Warnings and the corrected line for a colocation, from the CIB before
 * the colocation is added. */
void hc_crm_advise_colocation(const hc_crm_cmd *c, xmlNode *cib,
                              hc_crm_advice *adv);

/* Agents that do not work and the one to use instead: the message for a
 * primitive that names one (static), or NULL. */
const char *hc_crm_agent_replaced(const char *provider, const char *type);

/* Node names (uname) in the nodes section. */
void hc_crm_node_names(xmlNode *cib, GPtrArray *names);

/* The words crmsh knows for each position. */
extern const char *const hc_crm_roles[];
extern const size_t hc_crm_n_roles;
extern const char *const hc_crm_actions[];
extern const size_t hc_crm_n_actions;

#endif
