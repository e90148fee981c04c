#include "gen_drbd.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

/* drbdadm's tokens: names are [A-Za-z0-9_.-] words (anything else would
 * need quoting and may end up in a shell command of a handler). */
static bool valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 63) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("_.-", *s)) {
            return false;
        }
    }
    return true;
}

static bool valid_device(const char *s)
{
    if (!s || strncmp(s, "/dev/", 5) || strlen(s) > 200) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("/_.-:", *s)) {
            return false;
        }
    }
    return true;
}

static bool valid_rate(const char *s)
{
    size_t i = 0;

    while (isdigit((unsigned char)s[i])) {
        i++;
    }
    return i > 0 && i < 9
        && (!s[i] || (strchr("kKMG", s[i]) && !s[i + 1]));
}

static int fail(const char **ret_why, const char *why)
{
    if (ret_why) {
        *ret_why = why;
    }
    return -EINVAL;
}

int hc_gen_drbd_res(const hc_drbd_res_opts *o, GString *out,
                    const char **ret_why)
{
    struct in_addr a;
    int port = o->port ? o->port : 7789;
    const char *policy = o->stonith ? "resource-and-stonith" : "resource-only";
    bool v9;

    if (!valid_name(o->name)) {
        return fail(ret_why, "resource name: letters, digits, _ . - only");
    }
    if (o->drbd_major != 8 && o->drbd_major != 9) {
        return fail(ret_why, "DRBD version must be 8 (8.4) or 9");
    }
    if (o->minor < 0 || o->minor > 1048575) {
        return fail(ret_why, "minor out of range");
    }
    if (!valid_device(o->disk)) {
        return fail(ret_why, "backing disk must be a /dev/ path");
    }
    if (port < 1 || port > 65535) {
        return fail(ret_why, "port out of range");
    }
    for (int i = 0; i < 2; i++) {
        if (!valid_name(o->hosts[i].name)) {
            return fail(ret_why, "host name: letters, digits, _ . - only");
        }
        if (!o->hosts[i].address
            || inet_pton(AF_INET, o->hosts[i].address, &a) != 1) {
            return fail(ret_why, "host address must be an IPv4 address");
        }
    }
    if (!strcmp(o->hosts[0].name, o->hosts[1].name)
        || !strcmp(o->hosts[0].address, o->hosts[1].address)) {
        return fail(ret_why, "the two hosts must differ in name and address");
    }
    if (o->resync_rate && !valid_rate(o->resync_rate)) {
        return fail(ret_why, "resync rate: a number with K, M or G");
    }
    if (o->verify_alg && !valid_name(o->verify_alg)) {
        return fail(ret_why, "verify algorithm: a kernel hash name");
    }
    v9 = o->drbd_major == 9;
    g_string_append_printf(out, "# DRBD resource %s, written by hacon for "
                           "DRBD %s.\n", o->name, v9 ? "9" : "8.4");
    g_string_append_printf(out, "resource %s {\n", o->name);
    if (!v9) {
        g_string_append(out, "    protocol C;\n");
    }
    g_string_append_printf(out, "    device /dev/drbd%d;\n"
                           "    disk %s;\n"
                           "    meta-disk internal;\n", o->minor, o->disk);
    if (v9 || o->verify_alg) {
        g_string_append(out, "    net {\n");
        if (v9) {
            g_string_append(out, "        protocol C;\n");
            if (o->fencing) {
                g_string_append_printf(out, "        fencing %s;\n", policy);
            }
        }
        if (o->verify_alg) {
            g_string_append_printf(out, "        verify-alg %s;\n",
                                   o->verify_alg);
        }
        g_string_append(out, "    }\n");
    }
    if ((!v9 && o->fencing) || o->resync_rate) {
        g_string_append(out, "    disk {\n");
        if (!v9 && o->fencing) {
            g_string_append_printf(out, "        fencing %s;\n", policy);
        }
        if (o->resync_rate) {
            /* c-plan-ahead 0: the fixed rate, not the dynamic
             * controller that would ignore it. */
            g_string_append_printf(out, "        resync-rate %s;\n"
                                   "        c-plan-ahead 0;\n",
                                   o->resync_rate);
        }
        g_string_append(out, "    }\n");
    }
    if (o->fencing) {
        g_string_append_printf(out,
            "    handlers {\n"
            "        fence-peer \"/usr/lib/drbd/crm-fence-peer%s.sh\";\n"
            "        %s \"/usr/lib/drbd/crm-unfence-peer%s.sh\";\n"
            "    }\n", v9 ? ".9" : "",
            v9 ? "unfence-peer" : "after-resync-target", v9 ? ".9" : "");
    }
    for (int i = 0; i < 2; i++) {
        g_string_append_printf(out, "    on %s {\n", o->hosts[i].name);
        if (v9) {
            g_string_append_printf(out, "        node-id %d;\n", i);
        }
        g_string_append_printf(out, "        address %s:%d;\n    }\n",
                               o->hosts[i].address, port);
    }
    g_string_append(out, "}\n");
    return 0;
}
