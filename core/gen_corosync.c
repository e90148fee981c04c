#include "gen_corosync.h"

char *hc_gen_corosync_conf(const hc_corosync_conf *c)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s,
        "# Written by hacon setup (step cluster).  corosync 3: knet and a\n"
        "# nodelist; the tutorial's bindnetaddr belongs to corosync 1 and 2.\n"
        "totem {\n"
        "\tversion: 2\n"
        "\tcluster_name: %s\n"
        "\ttransport: knet\n"
        "\tcrypto_cipher: aes256\n"
        "\tcrypto_hash: sha256\n", c->cluster_name);
    if (c->keyfile) {
        g_string_append_printf(s, "\tkeyfile: %s\n", c->keyfile);
    }
    g_string_append(s, "}\n\nnodelist {\n");
    for (int i = 0; i < 2; i++) {
        g_string_append_printf(s,
            "\tnode {\n"
            "\t\tname: %s\n"
            "\t\tnodeid: %d\n"
            "\t\tring0_addr: %s\n"
            "\t}\n", c->node_name[i], i + 1, c->ring0_addr[i]);
    }
    g_string_append(s,
        "}\n\n"
        "# Two nodes: one that dies leaves the other quorate; wait_for_all\n"
        "# (implied) keeps a node that boots alone from starting services.\n"
        "quorum {\n"
        "\tprovider: corosync_votequorum\n"
        "\ttwo_node: 1\n"
        "}\n\n"
        "logging {\n"
        "\tto_logfile: yes\n"
        "\tlogfile: /var/log/corosync/corosync.log\n"
        "\tto_syslog: yes\n"
        "\ttimestamp: on\n"
        "}\n");
    return g_string_free(s, FALSE);
}
