/* Reading libxml2 trees (the CIB, agents' meta-data): attributes,
 * element children, a primitive's parameters.  Every function takes NULL
 * for a missing node and returns NULL for what is not there; the strings
 * returned point into the tree (no copy). */
#ifndef HC_XML_UTIL_H
#define HC_XML_UTIL_H

#include <stdbool.h>
#include <libxml/tree.h>

/* An attribute's text: "" when it has none, NULL when it is absent. */
const char *hc_xml_attr(const xmlNode *n, const char *name);
/* The text of an attribute node ("" when it has none). */
const char *hc_xml_prop_value(const xmlAttr *a);
/* n is an element named name. */
bool hc_xml_is_elem(const xmlNode *n, const char *name);
/* The first element child of n named name. */
xmlNode *hc_xml_child(const xmlNode *n, const char *name);
/* The first element from x on (x itself when it is one), and the first
 * element child of x: with them a loop skips text and comments. */
xmlNode *hc_xml_next_elem(xmlNode *x);
xmlNode *hc_xml_first_elem(const xmlNode *x);
/* A primitive's parameter: the value of the nvpair named name in its
 * first instance_attributes set that has one. */
const char *hc_xml_param(const xmlNode *prim, const char *name);

#endif
