/* hacon status [--format=text|json]: the status model, printed once. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <crm/common/xml.h>

#include "commands.h"
#include "cib.h"
#include "status.h"

static int status_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int json = 0, c;
    hc_cib *cib = NULL;
    xmlNode *xml = NULL;
    hc_status *st = NULL;
    char *err = NULL;
    const char *file = getenv("CIB_file");
    GString *out;
    int rc;

    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            json = hc_parse_format(optarg);
            if (json < 0) {
                fprintf(stderr, "hacon status: unknown format '%s' "
                        "(text or json)\n", optarg);
                return 2;
            }
            break;
        case 'h':
            printf("usage: hacon status [--format=text|json]\n");
            return 0;
        default:
            return 2;
        }
    }
    /* A CIB file is read once, with libcib's checks (hc_cib_load_file),
     * and its tree handed to the status engine: no sign-on copy, no query
     * copy.  A live cluster is asked through libcib. */
    if (file && *file) {
        rc = hc_cib_load_file(file, &xml, &err);
        if (rc == 0) {
            rc = hc_status_from_xml_owned(xml, 0, &st, &err);
            xml = NULL;
        }
    } else if ((rc = hc_cib_connect(&cib, &err)) == 0
               && (rc = hc_cib_query(cib, &xml, &err)) == 0) {
        rc = hc_status_from_xml(xml, 0, &st, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "hacon status: %s\n", err ? err : "failed");
        g_free(err);
        free_xml(xml);
        hc_cib_free(cib);
        return 1;
    }
    out = g_string_new(NULL);
    if (json) {
        hc_status_format_json(st, out);
    } else {
        hc_status_format_text(st, out);
    }
    fwrite(out->str, 1, out->len, stdout);
    g_string_free(out, TRUE);
    hc_status_free(st);
    free_xml(xml);
    hc_cib_free(cib);
    return fflush(stdout) == 0 ? 0 : 1;
}

const hc_command hc_cmd_status = {
    "status", "[--format=text|json]",
    "print nodes, resources, constraints and failures once", status_run,
};
