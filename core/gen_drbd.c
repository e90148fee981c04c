#include "gen_drbd.h"

#include <stdbool.h>

char *hc_gen_drbd_res(const hc_drbd_res *r, hc_drbd_version v)
{
    GString *s = g_string_new(NULL);
    bool nine = v == HC_DRBD_9;

    g_string_append_printf(s,
        "# Written by hacon setup (step drbd) for DRBD %s.\n"
        "# One primary at a time (the default): Pacemaker demotes one side\n"
        "# before it promotes the other; ext3/ext4 must never be mounted twice.\n"
        "resource %s {\n", nine ? "9" : "8.4", r->name);
    /* DRBD 8.4 has fencing in disk{}, 9 in net{}; 9's handlers are the
     * .9.sh scripts and unfence-peer replaces after-resync-target. */
    g_string_append_printf(s,
        "\t%s {\n"
        "\t\tfencing resource-only;\n"
        "\t}\n"
        "\thandlers {\n"
        "\t\tfence-peer \"/usr/lib/drbd/crm-fence-peer%s.sh\";\n"
        "\t\t%s \"/usr/lib/drbd/crm-unfence-peer%s.sh\";\n"
        "\t}\n", nine ? "net" : "disk", nine ? ".9" : "",
        nine ? "unfence-peer" : "after-resync-target", nine ? ".9" : "");
    for (int i = 0; i < 2; i++) {
        g_string_append_printf(s, "\ton %s {\n", r->node_name[i]);
        if (nine) {
            g_string_append_printf(s, "\t\tnode-id %d;\n", i);
        }
        g_string_append_printf(s,
            "\t\tdevice %s;\n"
            "\t\tdisk %s;\n"
            "\t\taddress %s:%u;\n"
            "\t\t# The meta data lives in the last part of the disk itself.\n"
            "\t\tmeta-disk internal;\n"
            "\t}\n", r->device, r->disk, r->address[i], r->port);
    }
    g_string_append(s, "}\n");
    return g_string_free(s, FALSE);
}
