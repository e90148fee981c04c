/* Step 6: the DHCP server, ready for Pacemaker: the packaged service
 * stopped and disabled on both nodes (ERRATA 11), one dhcpd.conf on both
 * with the lease file on the shared filesystem and the floating IP as
 * server identifier (ERRATA 9, 10), the existing leases moved there, the
 * same dhcpd uid/gid on both nodes and an AppArmor profile that would deny
 * the lease file detected (ERRATA 12); checked with dhcpd -t.  With
 * dhcp_server=kea the same for ISC Kea: kea-dhcp4.conf from the same
 * answers (gen_kea.h), the packaged kea-dhcp4-server, the _kea user,
 * Kea's AppArmor profiles, kea-dhcp4 -t. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "dhcpconf.h"
#include "gen_dhcpd.h"
#include "gen_kea.h"
#include "status.h"
#include "util.h"
#include "steps/steps.h"

#define APPARMOR "/etc/apparmor.d/usr.sbin.dhcpd"
#define APPARMOR_LOCAL "/etc/apparmor.d/local/usr.sbin.dhcpd"
#define APPARMOR_ENABLED "/sys/module/apparmor/parameters/enabled"
/* Debian's Kea profiles include no local part: the rule goes into them. */
#define APPARMOR_KEA "/etc/apparmor.d/usr.sbin.kea-dhcp4"
#define APPARMOR_KEA_LFC "/etc/apparmor.d/usr.sbin.kea-lfc"
/* Where the cluster's Kea answers statistic-get-all (the agent's rundir
 * is /run/kea, which Debian's profile allows for the socket). */
#define KEA_CONTROL_SOCKET "/run/kea/kea4-ctrl-socket"

/* What differs between the two servers the step prepares. */
typedef struct server {
    bool kea;
    const char *name;       /* as the admin calls it */
    const char *check;      /* the syntax check, as the plan says it */
    const char *conf;       /* its configuration (an answer) */
    const char *leases;     /* its lease file (an answer) */
    const char *user;       /* the user its package makes */
    const char *state_dir;  /* where its package keeps the leases */
    const char *service;    /* the packaged service */
} server;

static void server_of(const hc_wizard *w, server *sv)
{
    sv->kea = hc_steps_kea(w);
    sv->name = sv->kea ? "Kea" : "dhcpd";
    sv->check = sv->kea ? "kea-dhcp4 -t" : "dhcpd -t";
    sv->conf = hc_steps_dhcp_conf(w);
    sv->leases = hc_steps_dhcp_leases(w);
    sv->user = sv->kea ? "_kea" : "dhcpd";
    sv->state_dir = sv->kea ? "/var/lib/kea" : "/var/lib/dhcp";
    sv->service = sv->kea ? "kea-dhcp4-server" : "isc-dhcp-server";
}

/* The nodes' own network on the service interface: the answer, or what
 * `ip` says the interface has here. */
static char *static_net(hc_wizard *w, char **ret_err)
{
    const char *ans = hc_wizard_answer(w, "service_net");
    const char *argv[] = { "ip", "-o", "-4", "addr", "show", "dev",
                           hc_wizard_answer(w, "service_if"), NULL };
    char *out = NULL, **f, *net = NULL;

    if (*ans) {
        return g_strdup(ans);
    }
    if (hc_wizard_run(w, NULL, 10000, &out, NULL, argv) < 0) {
        *ret_err = g_strdup_printf("%s: no interface service_if=%s: "
                                   "answer service_if= (the clients' side)",
                                   hc_wizard_local(w),
                                   hc_wizard_answer(w, "service_if"));
        g_free(out);
        return NULL;
    }
    /* "3: eth2    inet 10.10.102.1/24 brd ..." */
    f = g_strsplit_set(out, " \t\n", -1);
    for (size_t i = 0; f[i] && !net; i++) {
        if (!strcmp(f[i], "inet")) {
            for (size_t j = i + 1; f[j] && !net; j++) {
                if (*f[j]) {
                    net = g_strdup(f[j]);
                }
            }
        }
    }
    g_strfreev(f);
    g_free(out);
    if (!net) {
        *ret_err = g_strdup_printf("%s: service_if=%s has no IPv4 "
                                   "address there: give it the node's own "
                                   "static address on the service network, "
                                   "or answer service_net=A.B.C.D/N",
                                   hc_wizard_local(w),
                                   hc_wizard_answer(w, "service_if"));
    }
    return net;
}

/* a.b.c.d/n -> network and mask (host order); false when it is none. */
static bool parse_cidr(const char *cidr, uint32_t *net, uint32_t *mask)
{
    char *ip = g_strdup(cidr), *slash = strchr(ip, '/');
    struct in_addr a;
    bool ok = slash != NULL;
    int n = 0;

    if (ok) {
        *slash = 0;
        n = atoi(slash + 1);
        ok = inet_pton(AF_INET, ip, &a) == 1 && n >= 0 && n <= 32;
    }
    if (ok) {
        *mask = n ? ~0u << (32 - n) : 0;
        *net = ntohl(a.s_addr) & *mask;
    }
    g_free(ip);
    return ok;
}

/* dhcpd answers on an interface only when the interface's own address lies
 * in a declared subnet (ERRATA 10): the nodes' static network and the
 * service subnet.  Warns for each node whose address is in neither, and
 * for the tutorial's placeholder when the interface cannot be read. */
static void warn_unserved(hc_wizard *w, hc_plan *p, const char *static_net)
{
    const char *ifname = hc_wizard_answer(w, "service_if");
    const char *argv[] = { "ip", "-o", "-4", "addr", "show", "dev", ifname,
                           NULL };
    char *vipnet = g_strdup_printf("%s/%s", hc_wizard_answer(w, "vip"),
                                   hc_wizard_answer(w, "vip_prefix"));
    uint32_t sn = 0, sm = 0, vn = 0, vm = 0;
    bool have_s = parse_cidr(static_net, &sn, &sm);
    bool read_any = false;

    parse_cidr(vipnet, &vn, &vm);
    for (int i = 0; i < 2; i++) {
        const char *node = i ? hc_wizard_peer(w) : NULL;
        char *out = NULL, **f;
        GString *outside = g_string_new(NULL);
        bool inside = false;

        if (hc_wizard_run(w, node, 10000, &out, NULL, argv) < 0) {
            g_free(out);
            g_string_free(outside, TRUE);
            continue;
        }
        f = g_strsplit_set(out, " \t\n", -1);
        for (size_t k = 0; f[k]; k++) {
            uint32_t an, am;

            if (strcmp(f[k], "inet") || !f[k + 1]
                || !parse_cidr(f[k + 1], &an, &am)) {
                continue;
            }
            read_any = true;
            {
                char *ip = g_strndup(f[k + 1], strcspn(f[k + 1], "/"));
                struct in_addr a;
                uint32_t h;

                inet_pton(AF_INET, ip, &a);
                h = ntohl(a.s_addr);
                if ((have_s && (h & sm) == sn) || (h & vm) == vn) {
                    inside = true;
                } else {
                    g_string_append_printf(outside, "%s%s",
                                           outside->len ? ", " : "", ip);
                }
                g_free(ip);
            }
        }
        if (!inside && outside->len) {
            hc_plan_warn(p, "on %s, %s has %s, which lies in no subnet of "
                         "dhcpd.conf (%s, %s): dhcpd will not serve %s there "
                         "(ERRATA 10). Answer service_net= the nodes' own "
                         "network on %s, or leave it empty to read it from "
                         "the interface.", i ? hc_wizard_peer(w)
                         : hc_wizard_local(w), ifname, outside->str,
                         static_net, vipnet, ifname, ifname);
        }
        g_strfreev(f);
        g_free(out);
        g_string_free(outside, TRUE);
    }
    if (!read_any && have_s && (sm == ~0u || (sn >> 24) == 127)) {
        hc_plan_warn(p, "service_net=%s looks like the tutorial's placeholder "
                     "(127.0.1.10/32): dhcpd serves %s only when its own "
                     "address lies in a declared subnet, and no address of "
                     "%s lies in %s (ERRATA 10). Answer service_net= the "
                     "nodes' real static network on %s.", static_net,
                     ifname, ifname, static_net, ifname);
    }
    g_free(vipnet);
}

static char *conf_text(hc_wizard *w, const server *sv, const char *net,
                       char **ret_err)
{
    char *text;
    hc_dhcpd_conf c = {
        .interface = hc_wizard_answer(w, "service_if"),
        .vip = hc_wizard_answer(w, "vip"),
        .vip_prefix = (unsigned) atoi(hc_wizard_answer(w, "vip_prefix")),
        .static_net = net,
        .range_start = hc_wizard_answer(w, "range_start"),
        .range_end = hc_wizard_answer(w, "range_end"),
        .leases = sv->leases,
        .routers = hc_wizard_answer(w, "routers"),
        .dns_servers = hc_wizard_answer(w, "dns_servers"),
        .domain_name = hc_wizard_answer(w, "domain_name"),
        .default_lease_time = (unsigned) atoi(hc_wizard_answer(w,
                                             "default_lease_time")),
        .max_lease_time = (unsigned) atoi(hc_wizard_answer(w,
                                                           "max_lease_time")),
    };

    if (sv->kea) {
        hc_kea_conf k = { .dhcp = c, .control_socket = KEA_CONTROL_SOCKET };

        text = hc_gen_kea_conf(&k, ret_err);
    } else {
        text = hc_gen_dhcpd_conf(&c, ret_err);
    }
    return text;
}

/* The dhcpd.conf here when an admin wrote it and it works: it does not
 * start with the line hacon writes first, dhcpd -t accepts it and its
 * lease file is on the shared filesystem.  Such a file is kept (and copied to the peer) unless the
 * admin answers dhcpd_conf_rewrite=yes; the plan says which.  NULL: write
 * hacon's. */
static char *admin_conf(hc_wizard *w, const server *sv, hc_plan *p,
                        const char *generated)
{
    const char *path = sv->conf;
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    bool rewrite = !strcmp(hc_wizard_answer(w, "dhcpd_conf_rewrite"), "yes");
    char *old = NULL, *lp, *err = NULL;
    size_t len = 0, ml = strlen(mnt);
    hc_dhcp_conf *c = NULL;
    char *lf;

    if (hc_wizard_read(w, NULL, path, &old, &len, NULL) < 0 || !old
        || g_str_has_prefix(old, HC_DHCPD_CONF_MARK)
        || (len == strlen(generated) && !memcmp(old, generated, len))) {
        g_free(old);
        return NULL;
    }
    /* dhcpd.conf or kea-dhcp4.conf: the reader tells them apart. */
    c = hc_dhcp_conf_new();
    hc_dhcp_conf_parse(c, old, len, path, false);
    lf = g_strdup(c->lease_file_name);
    lp = hc_wizard_path(w, path);
    {
        const char *dhcpd[] = { "dhcpd", "-t", "-q", "-cf", lp, NULL };
        const char *kea[] = { "kea-dhcp4", "-t", lp, NULL };

        if (hc_wizard_run(w, NULL, 15000, NULL, &err,
                          sv->kea ? kea : dhcpd) < 0) {
            hc_plan_note(p, "%s here fails %s: hacon's replaces it "
                         "(the diff shows what changes).", path, sv->check);
            g_clear_pointer(&old, g_free);
        } else if (!lf || strncmp(lf, mnt, ml) || lf[ml] != '/') {
            hc_plan_note(p, "%s here keeps its leases in %s, not on the "
                         "shared filesystem %s: a failover would lose them. "
                         "hacon's replaces it (the diff shows what changes).",
                         path, lf ? lf : sv->kea ? "Kea's default place"
                         : "dhcpd's default place", mnt);
            g_clear_pointer(&old, g_free);
        } else if (rewrite) {
            hc_plan_note(p, "%s here was edited by hand and works; "
                         "dhcpd_conf_rewrite=yes: hacon's replaces it (the "
                         "diff shows what changes).", path);
            g_clear_pointer(&old, g_free);
        } else {
            hc_plan_note(p, "%s here was edited by hand: %s accepts it "
                         "and it keeps the leases on the shared filesystem "
                         "(%s), so hacon keeps it, the same on both nodes. "
                         "Answer dhcpd_conf_rewrite=yes to replace it with "
                         "hacon's (the plan then shows the diff).", path,
                         sv->check, lf);
        }
    }
    g_free(err);
    g_free(lp);
    g_free(lf);
    if (c) {
        hc_dhcp_conf_free(c);
    }
    return old;
}

/* "uid:gid" of the server's user (dhcpd, _kea) on node, "" when there is
 * none (Debian runs dhcpd as root). */
static int server_ids(hc_wizard *w, const server *sv, const char *node,
                      char **ret, char **ret_err)
{
    const char *argv[] = { "sh", "-c", "id -u \"$1\" 2>/dev/null && "
                           "id -g \"$1\" || true", "sh", sv->user, NULL };
    char *out = NULL;
    int rc = hc_wizard_run(w, node, 15000, &out, ret_err, argv);

    if (rc == 0) {
        g_strdelimit(g_strstrip(out), "\n", ':');
        *ret = out;
    } else {
        g_free(out);
    }
    return rc;
}

/* What the tutorial copies (ERRATA 12): the directory /var/lib/dhcp with
 * its owners and modes, as the lease file's directory ($1) on the shared
 * filesystem; into a directory that is there already, its files (never
 * over one there).  A lease file ($2) still missing is made with the
 * directory's owner.  Kea's package keeps its leases in /var/lib/kea;
 * Kea makes its lease file itself (with its header line). */
#define COPY_DIR(src) \
    "src=" src "; " \
    "if [ -d \"$src\" ] && [ -e \"$1\" ]; then cp -a -n \"$src/.\" \"$1/\"; " \
    "elif [ -d \"$src\" ]; then mkdir -p \"$(dirname \"$1\")\"; " \
    "cp -a \"$src\" \"$1\"; else mkdir -p \"$1\"; fi"
#define COPY_LEASES \
    COPY_DIR("/var/lib/dhcp") "; " \
    "if [ ! -e \"$2\" ]; then touch \"$2\"; " \
    "chown --reference=\"$1\" \"$2\"; fi"
#define COPY_KEA_LEASES COPY_DIR("/var/lib/kea")

/* The filesystem is not mounted here: as the tutorial does before
 * Pacemaker manages it, mount it for a moment and copy the leases there
 * (dhcpd's agent refuses a missing lease directory).  Only when it is
 * mounted nowhere (not on the peer either) and the device, with its
 * filesystem, is here; whether the file is there already, debugfs reads
 * from the unmounted ext3/ext4.  Returns false when it cannot be done
 * from here (the caller warns). */
static bool leases_on_disk(hc_wizard *w, const server *sv, hc_plan *p,
                           const char *peer)
{
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    const char *leases = sv->leases;
    const char *dev = strcmp(hc_wizard_answer(w, "storage"), "drbd")
                      ? hc_wizard_answer(w, "shared_disk")
                      : hc_wizard_answer(w, "drbd_device");
    const char *fst = hc_wizard_answer(w, "fstype");
    size_t ml = strlen(mnt);
    const char *mp[] = { "mountpoint", "-q", mnt, NULL };
    const char *fs[] = { "sh", "-c", "test -b \"$1\" && [ \"$(blkid -o value "
                         "-s TYPE \"$1\")\" = \"$2\" ]", "sh", dev, fst, NULL };
    char *rel, *out = NULL;
    bool there;

    if (strncmp(leases, mnt, ml) || leases[ml] != '/'
        || hc_wizard_run(w, NULL, 15000, NULL, NULL, fs) < 0
        || hc_wizard_run(w, peer, 15000, NULL, NULL, mp) == 0) {
        return false;
    }
    /* Kea needs its directory only. */
    if (sv->kea) {
        char *d = g_path_get_dirname(leases + ml);

        rel = g_strdup_printf("stat %s", d);
        g_free(d);
    } else {
        rel = g_strdup_printf("stat %s", leases + ml);
    }
    {
        const char *dbg[] = { "debugfs", "-R", rel, dev, NULL };

        there = hc_wizard_run(w, NULL, 15000, &out, NULL, dbg) == 0 && out
                && strstr(out, sv->kea ? "Type: directory" : "Type: regular");
    }
    g_free(out);
    g_free(rel);
    if (!there) {
        char *dir = g_path_get_dirname(leases);

        hc_plan_cmd_add(p, NULL, 60000, "the lease directory onto the shared "
                        "filesystem, with its owners and modes: mounted here "
                        "for the copy, then unmounted (Pacemaker mounts it "
                        "from now on)", "sh", "-c", sv->kea
                        ? "set -e; mount -t \"$4\" \"$3\" \"$5\"; trap "
                          "'umount \"$5\"' EXIT; " COPY_KEA_LEASES
                        : "set -e; mount -t \"$4\" \"$3\" \"$5\"; trap "
                          "'umount \"$5\"' EXIT; " COPY_LEASES,
                        "sh", dir, leases, dev, fst, mnt, NULL);
        hc_plan_crm(p, "mount %s %s; cp -a %s %s; umount %s",
                    dev, mnt, sv->state_dir, dir, mnt);
        g_free(dir);
    }
    return true;
}

/* AppArmor's profile for dhcpd confines it to /var/lib/dhcp: a lease file
 * on the shared filesystem is denied unless the profile's local part
 * allows it (ERRATA 12).  Checked on both nodes, and only where AppArmor
 * is enabled.  This node is read under HACON_ROOT (tests), the peer over
 * ssh. */
static void warn_apparmor(hc_wizard *w, const server *sv, hc_plan *p,
                          const char *nodes[2])
{
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    /* Kea's: the rule in the profile itself (no local part in Debian's). */
    const char *profile_path = sv->kea ? APPARMOR_KEA : APPARMOR;
    const char *rule_path = sv->kea ? APPARMOR_KEA : APPARMOR_LOCAL;
    const char *probe[] = { "sh", "-c", "[ -f \"$2\" ] && echo profile;"
        " grep -qsF \"$1/\" \"$3\" && echo allowed;"
        " grep -qs Y " APPARMOR_ENABLED " && echo enabled; true", "sh", mnt,
        profile_path, rule_path, NULL };
    GString *where = g_string_new(NULL);

    for (int i = 0; i < 2; i++) {
        bool profile, allowed, enabled;

        if (i == 0) {
            char *pf = hc_wizard_path(w, profile_path);
            char *lf = hc_wizard_path(w, rule_path);
            char *ef = hc_wizard_path(w, APPARMOR_ENABLED);
            char *local = NULL, *en = NULL, *pat = g_strdup_printf("%s/", mnt);

            profile = g_file_test(pf, G_FILE_TEST_EXISTS);
            allowed = g_file_get_contents(lf, &local, NULL, NULL)
                      && strstr(local, pat);
            enabled = g_file_get_contents(ef, &en, NULL, NULL) && *en == 'Y';
            g_free(pf);
            g_free(lf);
            g_free(ef);
            g_free(local);
            g_free(en);
            g_free(pat);
        } else {
            char *out = NULL;

            if (hc_wizard_run(w, nodes[1], 15000, &out, NULL, probe) < 0) {
                g_free(out);
                continue;
            }
            profile = strstr(out, "profile") != NULL;
            allowed = strstr(out, "allowed") != NULL;
            enabled = strstr(out, "enabled") != NULL;
            g_free(out);
        }
        if (profile && enabled && !allowed) {
            g_string_append_printf(where, "%s%s", where->len ? " and " : "",
                                   nodes[i]);
        }
    }
    if (where->len && sv->kea) {
        hc_plan_warn(p, "AppArmor is enabled on %s and confines Kea (%s, "
                     "%s) to /var/lib/kea: add \"owner %s* rw,\" to both "
                     "profiles there and reload AppArmor (systemctl reload "
                     "apparmor), or Kea cannot open %s and its lease file "
                     "cleanup cannot compact it (ERRATA 12)", where->str,
                     APPARMOR_KEA, APPARMOR_KEA_LFC, sv->leases, sv->leases);
    } else if (where->len) {
        hc_plan_warn(p, "AppArmor is enabled on %s and confines dhcpd (%s) "
                     "to /var/lib/dhcp: add \"%s/** lrw,\" to %s there and "
                     "reload AppArmor (systemctl reload apparmor), or dhcpd "
                     "cannot open %s (ERRATA 12)", where->str, APPARMOR, mnt,
                     APPARMOR_LOCAL, hc_wizard_answer(w, "leases"));
    }
    g_string_free(where, TRUE);
}

/* The node where the cluster runs the service's dhcpd now, or NULL (no
 * cluster yet, or it runs nowhere).  Its dhcpd and pid file are the
 * cluster's: the packaged service's init script uses the same pid file
 * and must not be told to stop it. */
static char *cluster_dhcpd_node(hc_wizard *w)
{
    xmlNode *cib = NULL;
    hc_status *st = NULL;
    char *err = NULL, *node = NULL;

    if (hc_wizard_cib(w, &cib, &err) == 0
        && hc_wizard_status(w, cib, false, &st, &err) == 0) {
        node = g_strdup(hc_wizard_rsc_node(st, HC_SERVICE_RSC));
    }
    hc_status_free(st);
    free_xml(cib);
    g_free(err);
    return node;
}

/* Only Pacemaker may start the DHCP server: the packaged service is
 * stopped and kept from starting at boot, whatever the init system.
 * Plans that for node (NULL: here); cluster_here: the cluster runs the
 * service on that node now. */
static int plan_packaged_dhcpd(hc_wizard *w, const server *sv, hc_plan *p,
                               const char *node, bool cluster_here,
                               char **ret_err)
{
    /* The packaged dhcpd's pid file is also the agent's default: a dhcpd
     * that uses the cluster's lease file is Pacemaker's, and stays. */
    const char *probe[] = { "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
        "systemd ]; then systemctl is-enabled -q isc-dhcp-server "
        "2>/dev/null && echo enabled; systemctl is-active -q "
        "isc-dhcp-server && echo active; else ls /etc/rc[2345].d/S* "
        "2>/dev/null | grep -q isc-dhcp-server && echo enabled; "
        "p=$(cat /run/dhcpd.pid 2>/dev/null) && kill -0 \"$p\" "
        "2>/dev/null && ! tr '\\0' '\\n' < /proc/$p/cmdline | "
        "grep -qxF -- \"$1\" && echo active; fi; true", "sh", sv->leases,
        NULL };
    char *out = NULL;
    int rc = hc_wizard_run(w, node, 15000, &out, ret_err, probe);

    if (rc == 0 && out && cluster_here) {
        /* The running dhcpd here is the cluster's: only the boot links of
         * the packaged service count. */
        if (strstr(out, "enabled")) {
            hc_plan_cmd_add(p, node, 60000, "disable the packaged "
                            "isc-dhcp-server at boot (the cluster runs dhcpd "
                            "here: not stopped)", "sh", "-c", "if [ \"$(cat "
                            "/proc/1/comm)\" = systemd ]; then systemctl "
                            "disable isc-dhcp-server; else update-rc.d "
                            "isc-dhcp-server disable; fi", NULL);
        }
    } else if (rc == 0 && out && *g_strstrip(out)) {
        hc_plan_cmd_add(p, node, 60000, "stop the packaged isc-dhcp-server "
                        "and disable it at boot: only Pacemaker starts dhcpd "
                        "(ERRATA 11)", "sh", "-c", "if [ \"$(cat "
                        "/proc/1/comm)\" = systemd ]; then systemctl disable "
                        "--now isc-dhcp-server; else "
                        "/etc/init.d/isc-dhcp-server stop || true; "
                        "update-rc.d isc-dhcp-server disable; fi", NULL);
    }
    g_free(out);
    return rc;
}

/* The packaged service's Kea: a kea-dhcp4 on the configuration ($1)
 * that Pacemaker did not start: its environment has no
 * OCF_RESOURCE_INSTANCE (the agent's Kea inherits the agent's).  The
 * packaged init script is never asked to stop Kea: its stop ends every
 * kea-dhcp4 of the machine, the cluster's too. */
#define KEA_NOT_OURS \
    "for p in $(pidof kea-dhcp4); do " \
    "[ \"$(readlink /proc/$p/exe)\" = /usr/sbin/kea-dhcp4 ] || continue; " \
    "tr '\\0' '\\n' < /proc/$p/cmdline 2>/dev/null | " \
    "grep -qxF -- \"$1\" || continue; " \
    "tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | " \
    "grep -q '^OCF_RESOURCE_INSTANCE=' || echo \"$p\"; done"

static int plan_packaged_kea(hc_wizard *w, const server *sv, hc_plan *p,
                             const char *node, char **ret_err)
{
    const char *probe[] = { "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
        "systemd ]; then systemctl is-enabled -q kea-dhcp4-server "
        "2>/dev/null && echo enabled; systemctl is-active -q "
        "kea-dhcp4-server && echo active; else ls /etc/rc[2345].d/S* "
        "2>/dev/null | grep -q kea-dhcp4-server && echo enabled; "
        "[ -n \"$(" KEA_NOT_OURS ")\" ] && echo active; fi; true", "sh",
        sv->conf, NULL };
    char *out = NULL;
    int rc = hc_wizard_run(w, node, 15000, &out, ret_err, probe);

    if (rc == 0 && out && *g_strstrip(out)) {
        hc_plan_cmd_add(p, node, 60000, "stop the packaged kea-dhcp4-server "
                        "and disable it at boot: only Pacemaker starts Kea "
                        "(ERRATA 11); a Kea the cluster runs stays", "sh",
                        "-c", "if [ \"$(cat /proc/1/comm)\" = systemd ]; "
                        "then systemctl disable --now kea-dhcp4-server; "
                        "else update-rc.d kea-dhcp4-server disable; "
                        "pids=$(" KEA_NOT_OURS "); [ -z \"$pids\" ] || "
                        "kill -TERM $pids; for i in $(seq 100); do "
                        "[ -n \"$(" KEA_NOT_OURS ")\" ] || exit 0; "
                        "sleep 0.1; done; echo \"kea-dhcp4 $pids did not "
                        "stop\" >&2; exit 1; fi", "sh", sv->conf, NULL);
        /* A rollback starts it at boot again (it is not restarted: the
         * cluster's Kea serves). */
        if (strstr(out, "enabled")) {
            hc_plan_cmd_undo(p, "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
                             "systemd ]; then systemctl enable "
                             "kea-dhcp4-server; else update-rc.d "
                             "kea-dhcp4-server enable; fi", NULL);
        }
    }
    g_free(out);
    return rc;
}

int hc_steps_plan_packaged_kea(hc_wizard *w, hc_plan *p, const char *node,
                               char **ret_err)
{
    server sv;

    server_of(w, &sv);
    return plan_packaged_kea(w, &sv, p, node, ret_err);
}

static int dhcp_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    server sv;
    char *net = static_net(w, ret_err);
    char *conf = NULL;
    char *ids[2] = { NULL, NULL }, *kept = NULL;
    char *cluster_node = NULL;
    int rc;

    server_of(w, &sv);
    if (net && hc_steps_kea_pending(w)) {
        /* Kea's configuration is the translation of the running dhcpd's,
         * which step kea writes with the leases. */
        *ret_err = g_strdup("dhcp runs dhcpd and dhcp_server=kea: step kea "
                            "migrates it to Kea with its configuration and "
                            "leases (apply kea)");
        g_free(net);
        return -EBUSY;
    }
    conf = net ? conf_text(w, &sv, net, ret_err) : NULL;
    rc = conf ? 0 : -EINVAL;
    if (rc == 0) {
        /* Kea picks its shared network by the interface, whatever the
         * node's own address is (gen_kea.c). */
        if (!sv.kea) {
            warn_unserved(w, p, net);
        }
        kept = admin_conf(w, &sv, p, conf);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *text = kept ? kept : conf;

        rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, sv.conf, text,
                              strlen(text), 0644, false, ret_err);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = server_ids(w, &sv, i ? nodes[1] : NULL, &ids[i], ret_err);
    }
    if (rc == 0 && strcmp(ids[0], ids[1])) {
        *ret_err = g_strdup_printf("the %s user differs: %s on %s, %s on "
                                   "%s; give it the same uid and gid on both "
                                   "nodes (usermod/groupmod), or the lease "
                                   "file will not be readable after a "
                                   "failover", sv.user,
                                   *ids[0] ? ids[0] : "none", nodes[0],
                                   *ids[1] ? ids[1] : "none", nodes[1]);
        rc = -EINVAL;
    }
    cluster_node = rc == 0 && !sv.kea ? cluster_dhcpd_node(w) : NULL;
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *node = i ? nodes[1] : NULL;

        rc = sv.kea ? plan_packaged_kea(w, &sv, p, node, ret_err)
             : plan_packaged_dhcpd(w, &sv, p, node, cluster_node
                                   && !strcmp(cluster_node, nodes[i]),
                                   ret_err);
    }
    if (rc == 0) {
        char *dir = g_path_get_dirname(sv.leases);
        const char *mp[] = { "mountpoint", "-q",
                             hc_wizard_answer(w, "mountpoint"), NULL };
        /* dhcpd needs its lease file, Kea the directory. */
        char *lp = hc_wizard_path(w, sv.kea ? dir : sv.leases);

        if (!g_file_test(lp, G_FILE_TEST_EXISTS)) {
            if (hc_wizard_run(w, NULL, 10000, NULL, NULL, mp) == 0) {
                hc_plan_cmd_add(p, NULL, 30000, "copy the lease directory to "
                                "the shared filesystem, with its owners and "
                                "modes", "sh", "-c", sv.kea
                                ? "set -e; " COPY_KEA_LEASES
                                : "set -e; " COPY_LEASES,
                                "sh", dir, sv.leases, NULL);
                hc_plan_crm(p, "cp -a %s %s", sv.state_dir, dir);
            } else if (leases_on_disk(w, &sv, p, nodes[1])) {
                /* planned, or there already */
            } else {
                hc_plan_warn(p, "%s is not mounted here: the leases are moved "
                             "to %s when it is (or %s starts with an empty "
                             "lease file)", hc_wizard_answer(w, "mountpoint"),
                             sv.leases, sv.name);
            }
        }
        g_free(lp);
        g_free(dir);
    }
    if (rc == 0) {
        warn_apparmor(w, &sv, p, nodes);
    }
    if (sv.kea) {
        hc_plan_note(p, "dhcp_server=kea: ISC Kea serves, not the tutorial's "
                     "dhcpd, which reached its end of life in December 2022. "
                     "Tutorial says: lease-file-name with typographic quotes "
                     "and a placeholder subnet in a shared-network. hacon "
                     "writes %s with lease-database memfile \"%s\" on the "
                     "shared filesystem (lease file cleanup every 3600 s), "
                     "one shared network on %s holding the nodes' own subnet "
                     "and the service subnet with its pool (Kea picks it by "
                     "the interface), and the floating IP as "
                     "dhcp-server-identifier (ERRATA 9, 10).", sv.conf,
                     sv.leases, hc_wizard_answer(w, "service_if"));
        hc_plan_note(p, "Tutorial says: copy the directory /var/lib/dhcp to "
                     "the cluster device with its permissions and ownership. "
                     "hacon makes %s's directory there instead, with the "
                     "files of Kea's package directory %s when there are "
                     "(cp -a, ERRATA 12); Kea writes its lease file itself. "
                     "The clients get the router, DNS servers, domain and "
                     "lease times the answers give (routers, dns_servers, "
                     "domain_name, default_lease_time as valid-lifetime, "
                     "max_lease_time as max-valid-lifetime).", sv.leases,
                     sv.state_dir);
    } else {
        hc_plan_note(p, "Tutorial says: lease-file-name with typographic "
                     "quotes and a placeholder subnet. hacon writes "
                     "lease-file-name \"%s\", declares the nodes' own subnet "
                     "and the service subnet, and names the floating IP as "
                     "server-identifier (ERRATA 9, 10).", sv.leases);
        hc_plan_note(p, "Tutorial says: copy the directory /var/lib/dhcp to "
                     "the cluster device with its permissions and ownership. "
                     "hacon does so with cp -a, into %s's directory (ERRATA "
                     "12). The clients get the router, DNS servers, domain "
                     "and lease times the answers give (routers, "
                     "dns_servers, domain_name, default_lease_time, "
                     "max_lease_time): the floating IP is their router only "
                     "when it is named there.", sv.leases);
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup_printf("%s the same on both nodes, the "
                                         "packaged service disabled",
                                         sv.conf));
    hc_plan_crm(p, "scp %s %s:%s   # and: systemctl disable --now %s, on "
                "both", sv.conf, nodes[1], sv.conf, sv.service);
    g_free(ids[0]);
    g_free(ids[1]);
    g_free(conf);
    g_free(kept);
    g_free(net);
    g_free(cluster_node);
    return rc;
}

static int dhcp_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    server sv;
    char *lp;
    int rc;

    server_of(w, &sv);
    lp = hc_wizard_path(w, sv.conf);
    {
        const char *here[] = { "dhcpd", "-t", "-q", "-cf", lp, NULL };
        const char *there[] = { "dhcpd", "-t", "-q", "-cf", sv.conf, NULL };
        const char *kea_here[] = { "kea-dhcp4", "-t", lp, NULL };
        const char *kea_there[] = { "kea-dhcp4", "-t", sv.conf, NULL };

        rc = hc_wizard_run(w, NULL, 15000, NULL, ret_err,
                           sv.kea ? kea_here : here);
        if (rc == 0) {
            rc = hc_wizard_run(w, hc_wizard_peer(w), 15000, NULL, ret_err,
                               sv.kea ? kea_there : there);
        }
    }
    g_free(lp);
    return rc;
}

static int dhcp_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_dhcp, ret, why);
}

const hc_step hc_step_dhcp = {
    .name = "dhcp",
    .title = "DHCP server configuration",
    .tutorial = "stop isc-dhcp-server, copy /var/lib/dhcp to the cluster "
                "device, lease-file-name, a shared-network, copy the "
                "configuration",
    .hacon = "disables the packaged service on both nodes, writes one "
             "dhcpd.conf checked by dhcpd -t on both (or, with "
             "dhcp_server=kea, kea-dhcp4.conf checked by kea-dhcp4 -t), "
             "moves the leases, checks the server's uid/gid and AppArmor",
    .check = dhcp_check,
    .plan = dhcp_plan,
    .verify = dhcp_verify,
    .needs = { "drbd" },
};
