/* libFuzzer target for crm shell lines: parse any bytes; when they parse,
 * apply them to a small CIB (with hacon's advice) and complete them.  OCF_ROOT points nowhere so
 * that no agent runs while fuzzing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <crm/common/xml.h>

#include "crmsh.h"

static const char cib_text[] =
    "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" "
    "admin_epoch=\"0\"><configuration><crm_config/><nodes>"
    "<node id=\"1\" uname=\"nodeone\"/><node id=\"2\" uname=\"nodetwo\"/>"
    "</nodes><resources><primitive id=\"a\" class=\"ocf\" "
    "provider=\"heartbeat\" type=\"Dummy\"/><group id=\"g\"><primitive "
    "id=\"b\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"
    "</group><clone id=\"c\"><primitive id=\"d\" class=\"ocf\" "
    "provider=\"heartbeat\" type=\"Dummy\"/></clone></resources>"
    "<constraints><rsc_colocation id=\"s\" score=\"INFINITY\">"
    "<resource_set id=\"s-0\"><resource_ref id=\"a\"/><resource_ref "
    "id=\"g\"/><resource_ref id=\"c\"/></resource_set></rsc_colocation>"
    "</constraints></configuration><status/></cib>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static xmlNode *base;
    hc_crm_cmd *cmd = NULL;
    hc_crm_error err;

    if (!base) {
        setenv("OCF_ROOT", "/nonexistent-hacon-fuzz", 1);
        crm_xml_init();
        base = string2xml(cib_text);
    }
    if (hc_crm_parse((const char *)data, size, &cmd, &err) == 0) {
        xmlNode *cib = copy_xml(base);
        hc_crm_advice *adv = hc_crm_advice_new();
        hc_crm_apply_advised(cmd, cib, adv, &err);
        hc_crm_advice_free(adv);
        free_xml(cib);
        hc_crm_cmd_free(cmd);
    }
    char *line = strndup((const char *)data, size);
    GPtrArray *got = NULL;
    if (line && hc_crm_complete(line, base, &got) == 0) {
        g_ptr_array_unref(got);
    }
    if (line && err.col <= strlen(line)) {
        g_free(hc_crm_error_format(line, &err));
    }
    free(line);
    return 0;
}
