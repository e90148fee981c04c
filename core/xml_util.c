#include "xml_util.h"

#include <string.h>

const char *hc_xml_prop_value(const xmlAttr *a)
{
    return a->children && a->children->content
           ? (const char *) a->children->content : "";
}

const char *hc_xml_attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next) {
        if (!strcmp((const char *) a->name, name)) {
            return hc_xml_prop_value(a);
        }
    }
    return NULL;
}

bool hc_xml_is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE
           && !strcmp((const char *) n->name, name);
}

xmlNode *hc_xml_child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (hc_xml_is_elem(c, name)) {
            return c;
        }
    }
    return NULL;
}

xmlNode *hc_xml_next_elem(xmlNode *x)
{
    while (x && x->type != XML_ELEMENT_NODE) {
        x = x->next;
    }
    return x;
}

xmlNode *hc_xml_first_elem(const xmlNode *x)
{
    return x ? hc_xml_next_elem(x->children) : NULL;
}

const char *hc_xml_param(const xmlNode *prim, const char *name)
{
    for (xmlNode *ia = prim ? prim->children : NULL; ia; ia = ia->next) {
        if (!hc_xml_is_elem(ia, "instance_attributes")) {
            continue;
        }
        for (xmlNode *nv = ia->children; nv; nv = nv->next) {
            const char *n;

            if (hc_xml_is_elem(nv, "nvpair")
                && (n = hc_xml_attr(nv, "name")) && !strcmp(n, name)) {
                return hc_xml_attr(nv, "value");
            }
        }
    }
    return NULL;
}
