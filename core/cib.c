#include "cib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <crm/crm.h>
#include <crm/cib.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "exec.h"
#include "util.h"

/* libcrmcommon exports this without a public header; libcib's file
 * backend strips a file's text the same way (filename2xml()). */
void pcmk__strip_xml_text(xmlNode *xml);

struct hc_cib {
    cib_t *cib;
    char *source;
    bool is_file;
    void (*watch_fn)(xmlNode *diff, void *data);
    void *watch_data;
};

/* Every watched connection of the process (the console's and a failover
 * test's): libcib's diff callbacks carry no user data, so a diff that
 * arrives on any connection is given to every watcher (each marks itself
 * dirty; a change seen twice costs one more read). */
static GPtrArray *watchers;

static void xml_error_to_string(void *ctx, const char *msg, ...)
{
    GString *s = ctx;
    va_list ap;

    va_start(ap, msg);
    g_string_append_vprintf(s, msg, ap);
    va_end(ap);
}

/* Parses a CIB file; keeps its document in *ret_doc when that is not
 * NULL and all went well. */
static int parse_file(const char *path, xmlDoc **ret_doc, char **ret_err)
{
    GString *msg = g_string_new(NULL);
    xmlDoc *doc;
    xmlNode *root;
    int rc = 0;

    if (access(path, R_OK) < 0) {
        rc = -errno;
        if (ret_err) {
            *ret_err = g_strdup_printf("cannot read %s: %s", path,
                                       strerror(errno));
        }
        g_string_free(msg, TRUE);
        return rc;
    }
    xmlSetGenericErrorFunc(msg, xml_error_to_string);
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (!doc) {
        char *first = g_strstrip(g_strdup(msg->len ? msg->str : "parse error"));
        char *nl = strchr(first, '\n');

        if (nl) {
            *nl = 0;
        }
        if (ret_err) {
            *ret_err = g_strdup_printf("%s is not valid XML: %s", path, first);
        }
        g_free(first);
        rc = -EINVAL;
    } else {
        root = xmlDocGetRootElement(doc);
        if (!root || strcmp((const char *) root->name, "cib") != 0) {
            if (ret_err) {
                *ret_err = g_strdup_printf(
                    "%s is not a CIB: its root element is <%s>, not <cib>",
                    path, root ? (const char *) root->name : "(none)");
            }
            rc = -EINVAL;
        }
        if (rc == 0 && ret_doc) {
            *ret_doc = doc;
        } else {
            xmlFreeDoc(doc);
        }
    }
    g_string_free(msg, TRUE);
    return rc;
}

int hc_cib_check_file(const char *path, char **ret_err)
{
    return parse_file(path, NULL, ret_err);
}

int hc_cib_load_file(const char *path, xmlNode **ret, char **ret_err)
{
    xmlDoc *doc = NULL;
    xmlNode *root;
    int rc;

    *ret = NULL;
    crm_xml_init();
    rc = parse_file(path, &doc, ret_err);
    if (rc < 0) {
        return rc;
    }
    /* What libcib's file backend does on sign-on (cib_file.c,
     * load_file_cib()): text between elements dropped, a status section
     * added when there is none, and the schema check. */
    root = xmlDocGetRootElement(doc);
    pcmk__strip_xml_text(root);
    if (!find_xml_node(root, XML_CIB_TAG_STATUS, FALSE)) {
        create_xml_node(root, XML_CIB_TAG_STATUS);
    }
    if (!validate_xml(root, NULL, TRUE)) {
        const char *schema = crm_element_value(root, XML_ATTR_VALIDATION);

        if (ret_err) {
            *ret_err = g_strdup_printf("%s does not validate against its "
                                       "schema (%s)", path,
                                       schema ? schema : "none named");
        }
        xmlFreeDoc(doc);
        return -EINVAL;
    }
    *ret = root;
    return 0;
}

int hc_cib_connect(hc_cib **ret, char **ret_err)
{
    const char *file = getenv("CIB_file");
    const char *shadow = getenv("CIB_shadow");
    hc_cib *c;
    int rc;

    *ret = NULL;
    /* Loads the schemas the file-based CIB validates against. */
    crm_xml_init();
    /* libcib recovers what it can from broken XML and prints the schema
     * errors to stderr; check the file first for one clear message. */
    if (file && *file) {
        rc = hc_cib_check_file(file, ret_err);
        if (rc < 0) {
            return rc;
        }
    }
    c = g_new0(hc_cib, 1);
    c->cib = cib_new();
    if (!c->cib) {
        g_free(c);
        if (ret_err) {
            *ret_err = g_strdup("cannot create a CIB connection object");
        }
        return -ENOMEM;
    }
    if (file && *file) {
        c->source = g_strdup_printf("file %s", file);
        c->is_file = true;
    } else if (shadow && *shadow) {
        c->source = g_strdup_printf("shadow %s", shadow);
        c->is_file = true;
    } else {
        c->source = g_strdup("live cluster");
    }
    rc = c->cib->cmds->signon(c->cib, "hacon", cib_query);
    if (rc != pcmk_ok) {
        if (ret_err) {
            if (c->is_file) {
                *ret_err = g_strdup_printf("cannot read the CIB from %s: %s",
                                           c->source, pcmk_strerror(rc));
            } else {
                *ret_err = g_strdup_printf(
                    "cannot connect to the CIB: %s; is pacemaker running? "
                    "set CIB_file= to read a file", pcmk_strerror(rc));
            }
        }
        hc_cib_free(c);
        return rc < 0 ? rc : -ECONNREFUSED;
    }
    *ret = c;
    return 0;
}

const char *hc_cib_source(const hc_cib *c)
{
    return c->source;
}

bool hc_cib_is_file(const hc_cib *c)
{
    return c->is_file;
}

int hc_cib_query(hc_cib *c, xmlNode **ret, char **ret_err)
{
    xmlNode *xml = NULL;
    int rc = c->cib->cmds->query(c->cib, NULL, &xml,
                                 cib_scope_local | cib_sync_call);

    if (rc != pcmk_ok || !xml) {
        if (ret_err) {
            *ret_err = g_strdup_printf("cannot read the CIB from %s: %s",
                                       c->source, pcmk_strerror(rc));
        }
        free_xml(xml);
        return rc < 0 ? rc : -EIO;
    }
    *ret = xml;
    return 0;
}

int hc_cib_replace(hc_cib *c, xmlNode *xml, char **ret_err)
{
    int rc = c->cib->cmds->replace(c->cib, NULL, xml, cib_sync_call);

    if (rc != pcmk_ok) {
        if (ret_err) {
            *ret_err = g_strdup_printf("the CIB refused the update: %s",
                                       pcmk_strerror(rc));
        }
        return rc < 0 ? rc : -EIO;
    }
    return 0;
}

static xmlNode *write_probe(void)
{
    xmlNode *probe = create_xml_node(NULL, "crm_config");
    xmlNode *set = create_xml_node(probe, "cluster_property_set");
    xmlNode *nv;

    crm_xml_add(set, "id", "hacon-write-probe");
    nv = create_xml_node(set, "nvpair");
    crm_xml_add(nv, "id", "hacon-write-probe-nv");
    crm_xml_add(nv, "name", "hacon-write-probe");
    crm_xml_add(nv, "value", "1");
    return probe;
}

/* The file backend applies the ACLs of CIB_user= but ignores cib_dryrun,
 * and its CIB in memory is one per process: cibadmin makes the probe on
 * a copy of the file, in a private directory removed afterwards. */
static int check_file_acls(const char *file)
{
    char *dir = g_dir_make_tmp("hacon-acl-XXXXXX", NULL), *copy, *text;
    char *env_file, *xml;
    gsize len;
    xmlNode *probe;
    hc_exec_result res = { 0 };
    int rc;

    if (!dir) {
        return -errno;
    }
    copy = g_build_filename(dir, "cib.xml", NULL);
    if (!g_file_get_contents(file, &text, &len, NULL)) {
        rc = -EIO;
    } else {
        rc = g_file_set_contents(copy, text, (gssize) len, NULL) ? 0 : -EIO;
        g_free(text);
    }
    probe = write_probe();
    xml = dump_xml_unformatted(probe);
    free_xml(probe);
    env_file = g_strdup_printf("CIB_file=%s", copy);
    if (rc == 0) {
        const char *argv[] = { "cibadmin", "--modify", "--scope",
                               "crm_config", "--xml-text", xml, NULL };
        const char *env[] = { env_file, NULL };
        hc_exec_opts opts = { .timeout_ms = 10000, .env = env };

        rc = hc_exec(argv, &opts, &res);
        if (rc == 0 && res.status != 0) {
            /* CRM_EX_INSUFFICIENT_PRIV */
            rc = res.status == 4 || (res.err && strstr(res.err,
                                                       "Permission denied"))
                 ? -EACCES : -EIO;
        }
        hc_exec_result_clear(&res);
    }
    free(xml);
    g_free(env_file);
    hc_rm_tree(dir);
    g_free(copy);
    g_free(dir);
    return rc;
}

int hc_cib_check_write(hc_cib *c)
{
    const char *file = getenv("CIB_file");
    const char *user = getenv("CIB_user");
    xmlNode *probe;
    int rc;

    if (c->is_file && file && *file && access(file, W_OK) < 0) {
        return errno == EACCES || errno == EROFS ? -EACCES : -errno;
    }
    /* ACLs are checked on what an update changes: a no-op passes even
     * for a read-only user.  So the probe adds a property, with
     * cib_dryrun: the cluster applies the user's ACLs and commits
     * nothing. */
    if (c->is_file) {
        if (!file || !*file || !user || !*user) {
            return 0;
        }
        rc = check_file_acls(file);
    } else {
        probe = write_probe();
        rc = c->cib->cmds->modify(c->cib, "crm_config", probe,
                                  cib_sync_call | cib_dryrun);
        free_xml(probe);
    }
    if (rc == -EACCES || rc == -EPERM) {
        return -EACCES;
    }
    return rc == pcmk_ok ? 0 : (rc < 0 ? rc : -EIO);
}

static void on_diff(const char *event, xmlNode *msg)
{
    /* F_CIB_UPDATE_RESULT in Pacemaker's internal headers. */
    xmlNode *diff = get_message_xml(msg, "cib_update_result");

    /* A watcher may free its connection (and leave the list) inside. */
    for (guint i = 0; watchers && i < watchers->len; i++) {
        hc_cib *w = watchers->pdata[i];

        if (w->watch_fn) {
            w->watch_fn(diff ? diff : msg, w->watch_data);
        }
    }
}

/* libcib passes the cib_t that went away and has marked it disconnected;
 * either tells which watcher lost its connection. */
static void on_destroy(gpointer user_data)
{
    for (guint i = 0; watchers && i < watchers->len; i++) {
        hc_cib *w = watchers->pdata[i];

        if (w->watch_fn && (w->cib == user_data
                            || w->cib->state == cib_disconnected)) {
            w->watch_fn(NULL, w->watch_data);
        }
    }
}

int hc_cib_watch(hc_cib *c, void (*fn)(xmlNode *diff, void *data), void *data)
{
    int rc;

    c->watch_fn = fn;
    c->watch_data = data;
    if (!watchers) {
        watchers = g_ptr_array_new();
    }
    if (!g_ptr_array_find(watchers, c, NULL)) {
        g_ptr_array_add(watchers, c);
    }
    if (c->is_file) {
        return 0;
    }
    rc = c->cib->cmds->set_connection_dnotify(c->cib, on_destroy);
    if (rc == pcmk_ok) {
        rc = c->cib->cmds->add_notify_callback(c->cib, T_CIB_DIFF_NOTIFY,
                                               on_diff);
    }
    return rc == pcmk_ok ? 0 : (rc < 0 ? rc : -EIO);
}

void hc_cib_free(hc_cib *c)
{
    if (!c) {
        return;
    }
    if (watchers) {
        g_ptr_array_remove(watchers, c);
    }
    if (c->cib) {
        c->cib->cmds->signoff(c->cib);
        cib_delete(c->cib);
    }
    g_free(c->source);
    g_free(c);
}

/* ------------------------------------------------------------ editing a CIB
 * in memory: what the wizard's steps change before one atomic update */

static char *config_text(xmlNode *cib)
{
    xmlNode *cfg = cib ? pcmk_find_cib_element(cib, "configuration") : NULL;

    return cfg ? dump_xml_unformatted(cfg) : g_strdup("");
}

bool hc_cib_same_config(xmlNode *a, xmlNode *b)
{
    char *x = config_text(a), *y = config_text(b);
    bool same = !strcmp(x, y);

    free(x);
    free(y);
    return same;
}

const char *hc_cib_property(xmlNode *cib, const char *name)
{
    char *xp = g_strdup_printf("//crm_config/cluster_property_set"
                               "/nvpair[@name='%s']", name);
    xmlNode *n = get_xpath_object(xp, cib, LOG_NEVER);

    g_free(xp);
    return n ? crm_element_value(n, "value") : NULL;
}

int hc_cib_set_property(xmlNode *cib, const char *name, const char *value)
{
    char *xp = g_strdup_printf("//crm_config/cluster_property_set"
                               "/nvpair[@name='%s']", name);
    xmlNode *n = get_xpath_object(xp, cib, LOG_NEVER), *set;

    g_free(xp);
    if (!value) {
        if (n) {
            free_xml(n);
        }
        return 0;
    }
    if (n) {
        crm_xml_add(n, "value", value);
        return 0;
    }
    set = get_xpath_object("//crm_config/cluster_property_set"
                           "[@id='cib-bootstrap-options']", cib, LOG_NEVER);
    if (!set) {
        xmlNode *cc = get_xpath_object("//configuration/crm_config", cib,
                                       LOG_NEVER);

        if (!cc) {
            return -EINVAL;
        }
        set = create_xml_node(cc, "cluster_property_set");
        crm_xml_add(set, "id", "cib-bootstrap-options");
    }
    n = create_xml_node(set, "nvpair");
    /* crm_attribute's id scheme, so crm shell and hacon agree. */
    crm_xml_set_id(n, "%s-%s", crm_element_value(set, "id"), name);
    crm_xml_add(n, "name", name);
    crm_xml_add(n, "value", value);
    return 0;
}

xmlNode *hc_cib_find_id(xmlNode *cib, const char *id)
{
    char *xp;
    xmlNode *n;

    if (strchr(id, '\'')) {
        return NULL;
    }
    xp = g_strdup_printf("//configuration//*[@id='%s']", id);
    n = get_xpath_object(xp, cib, LOG_NEVER);
    g_free(xp);
    return n;
}

bool hc_cib_remove_id(xmlNode *cib, const char *id)
{
    xmlNode *n = hc_cib_find_id(cib, id);

    if (n) {
        free_xml(n);
    }
    return n != NULL;
}

int hc_cib_add_xml(xmlNode *cib, const char *section, const char *xml_text)
{
    char *xp = g_strdup_printf("//configuration/%s", section);
    xmlNode *sec = get_xpath_object(xp, cib, LOG_NEVER);
    /* Parsed strictly: string2xml() would recover broken XML into an
     * element without its attributes (and leaks text that has none). */
    xmlDoc *doc = xmlReadMemory(xml_text, (int) strlen(xml_text), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR
                                | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
    xmlNode *frag = doc ? xmlDocGetRootElement(doc) : NULL;

    g_free(xp);
    if (frag && !sec) {
        xmlNode *cfg = pcmk_find_cib_element(cib, "configuration");

        sec = cfg ? create_xml_node(cfg, section) : NULL;
    }
    if (!frag || !sec) {
        xmlFreeDoc(doc);
        return -EINVAL;
    }
    add_node_copy(sec, frag);
    xmlFreeDoc(doc);
    return 0;
}
