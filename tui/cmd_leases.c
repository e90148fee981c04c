/* hacon leases: the DHCP lease table and pool usage, printed once.
 * The files come from --leases/--config or from the cluster: the dhcpd
 * resource's parameters in the CIB and the Filesystem that holds the lease
 * file; when that filesystem is mounted on another node, the file is read
 * there over ssh. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "commands.h"
#include "dhcpconf.h"
#include "exec.h"
#include "leases.h"
#include "leases_locate.h"
#include "leases_view.h"
#include "util.h"

typedef struct opts {
    const char *leases, *config, *cib, *node, *filter, *state, *sort;
    bool reverse, local, no_config, follow;
    int format;
    int interval_ms, changes;
} opts;

static xmlDoc *read_cib(const char *file, char **ret_err)
{
    const char *argv[] = { "cibadmin", "--query", NULL };
    hc_exec_result res;
    xmlDoc *doc;
    int opt = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR
              | XML_PARSE_NOWARNING;

    if (file) {
        doc = xmlReadFile(file, NULL, opt);
        if (!doc) {
            *ret_err = g_strdup_printf("cannot read CIB file %s", file);
        }
        return doc;
    }
    /* cibadmin honours CIB_file, so tests and offline use need nothing
     * special here. */
    if (hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 15000 }, &res) < 0
        || res.status != 0) {
        *ret_err = g_strdup_printf("cibadmin --query failed: %s",
                                   res.err && *res.err ? res.err
                                                       : "cannot run");
        hc_exec_result_clear(&res);
        return NULL;
    }
    doc = xmlReadMemory(res.out, (int) res.out_len, "cib.xml", NULL, opt);
    if (!doc) {
        *ret_err = g_strdup("cibadmin printed no valid XML");
    }
    hc_exec_result_clear(&res);
    return doc;
}

static bool is_this_host(const char *node)
{
    char buf[256];

    if (gethostname(buf, sizeof(buf)) < 0) {
        return false;
    }
    buf[sizeof(buf) - 1] = 0;
    return !strcmp(buf, node) || !strcmp(g_get_host_name(), node);
}

/* A file of the config on the node (data), with cat over ssh. */
static int read_on_node(const char *path, char **ret_buf, size_t *ret_len,
                        void *data)
{
    const char *argv[] = { "cat", path, NULL };
    hc_exec_result res;
    int rc = hc_exec(argv, &(hc_exec_opts) { .node = data }, &res);

    if (rc == 0 && res.status == 0) {
        *ret_len = res.out_len;
        *ret_buf = res.out;
        res.out = NULL;
    } else if (rc == 0) {
        rc = res.timed_out ? -ETIMEDOUT
           : strstr(res.err, "No such file") ? -ENOENT : -EIO;
    }
    hc_exec_result_clear(&res);
    return rc;
}

/* The config: here when readable, else on the node that runs dhcpd (with
 * its includes, read there too). */
static int load_config(const char *path, const char *node, hc_dhcp_conf **ret)
{
    int rc = hc_dhcp_conf_load(path, ret);

    if (rc == -ENOENT && node) {
        rc = hc_dhcp_conf_load_via(path, read_on_node, (void *) node, ret);
    }
    return rc;
}

/* --follow: one line per change of the table, as dhcpd writes the file. */
static int follow(hc_lease_follower *f, const opts *o)
{
    int seen = 0;

    for (;;) {
        hc_lease_table *t = hc_lease_follower_table(f);
        size_t active = 0;
        unsigned loads, appends;
        char when[32];
        time_t now = time(NULL);

        for (size_t i = 0; i < hc_lease_table_count(t); i++) {
            active += hc_lease_table_get(t, i)->state == HC_LEASE_ACTIVE;
        }
        hc_lease_follower_stats(f, &loads, &appends, NULL);
        printf("%s %zu records, %zu addresses, %zu active, %zu errors, "
               "%u full reads, %u appends, %zu bytes pending\n",
               hc_time_str(now, when, sizeof(when)),
               hc_lease_table_records(t), hc_lease_table_count(t), active,
               hc_lease_table_n_errors(t), loads, appends,
               hc_lease_follower_pending(f));
        fflush(stdout);
        if (o->changes > 0 && ++seen > o->changes) {
            return 0;
        }
        for (;;) {
            bool changed = false;
            int rc;

            g_usleep((gulong) o->interval_ms * 1000);
            rc = hc_lease_follower_poll(f, &changed);
            if (rc < 0 && rc != -ENOENT) {
                fprintf(stderr, "hacon leases: %s\n", g_strerror(-rc));
                return 1;
            }
            if (changed) {
                break;
            }
        }
    }
}

/* The malformed records (a cut last record is one), on stderr as well
 * (the report on stdout may go to a file or a program).  Returns whether
 * there was any. */
static bool report_errors(const hc_lease_table *t, const hc_lease_source *src)
{
    const GArray *e = hc_lease_table_errors(t);
    size_t n = hc_lease_table_n_errors(t);
    char *label = hc_lease_source_label(src), *l = hc_escape(label, 0);

    for (guint i = 0; i < e->len && i < 10; i++) {
        char *msg = hc_escape(g_array_index(e, hc_lease_error, i).msg, 0);

        const char *sfx = g_array_index(e, hc_lease_error, i).suffix;

        fprintf(stderr, "hacon leases: %s%s:%u: %s\n", l, sfx ? sfx : "",
                g_array_index(e, hc_lease_error, i).line, msg);
        g_free(msg);
    }
    if (n > 10) {
        fprintf(stderr, "hacon leases: %s: %zu malformed records in all "
                "(10 shown)\n", l, n);
    }
    g_free(l);
    g_free(label);
    return n > 0 || src->unfinished > 0;
}

static int run(const opts *o)
{
    hc_leases_location loc = { 0 };
    char *leases = g_strdup(o->leases), *config = g_strdup(o->config);
    char *node = g_strdup(o->node), *where = NULL, *err = NULL;
    hc_lease_follower *f = NULL;
    hc_dhcp_conf *conf = NULL;
    hc_dhcp_usage usage = { 0 };
    hc_lease_query q = { .sort = HC_LCOL_IP, .state = -1 };
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));
    GString *out = g_string_new(NULL);
    size_t unfinished;
    bool no_usage = false;
    int rc, ret = 1;

    if (!leases) {
        xmlDoc *doc = read_cib(o->cib, &err);

        if (!doc) {
            fprintf(stderr, "hacon leases: %s (give --leases FILE)\n", err);
            goto out;
        }
        rc = hc_leases_locate(xmlDocGetRootElement(doc), &loc);
        xmlFreeDoc(doc);
        if (rc < 0) {
            fprintf(stderr, "hacon leases: no DHCP server resource in the "
                    "CIB (ocf:hacon:dhcpd, ocf:heartbeat:dhcpd or "
                    "ocf:hacon:kea-dhcp4; give --leases FILE)\n");
            goto out;
        }
        if (!config && loc.config) {
            config = g_strdup(loc.config);
        }
        where = hc_leases_location_describe(&loc);
        if (!node && !o->local && loc.node && !is_this_host(loc.node)) {
            node = g_strdup(loc.node);
        }
    }
    if (config && !o->no_config) {
        rc = load_config(config, node, &conf);
        if (rc < 0) {
            fprintf(stderr, "hacon leases: %s: %s\n", config, g_strerror(-rc));
            if (o->config) {
                goto out;
            }
        }
    }
    if (!leases && !loc.leases && !conf && config) {
        /* --no-config: the config is still where the lease file is named
         * (Kea's lease-database). */
        load_config(config, node, &conf);
        no_usage = true;
    }
    if (!leases) {
        /* ocf:hacon:dhcpd without a leases parameter, or Kea: the
         * server's own lease file name, else Debian's default. */
        leases = g_strdup(loc.leases ? loc.leases
                          : conf && conf->lease_file_name
                          ? conf->lease_file_name
                          : loc.kea ? "/var/lib/kea/kea-leases4.csv"
                          : "/var/lib/dhcp/dhcpd.leases");
    }
    if (no_usage) {
        hc_dhcp_conf_free(conf);
        conf = NULL;
    }
    hc_lease_follower_new(leases, node, &f);
    rc = hc_lease_follower_poll(f, NULL);
    if (rc < 0) {
        fprintf(stderr, "hacon leases: %s%s%s: %s\n", node ? node : "",
                node ? ":" : "", leases, g_strerror(-rc));
        goto out;
    }
    if (o->follow) {
        ret = follow(f, o);
        goto out;
    }
    /* Read once: what is left at the end is a cut record, not one that
     * is still coming. */
    unfinished = hc_lease_follower_finish(f);
    if (conf) {
        hc_dhcp_usage_compute(conf, hc_lease_follower_table(f), &usage);
    }
    q.sort = o->sort ? hc_lease_col_from_name(o->sort) : HC_LCOL_IP;
    q.descending = o->reverse;
    q.text = o->filter;
    q.state = o->state ? hc_lease_state_from_name(o->state) : -1;
    hc_lease_query_run(hc_lease_follower_table(f), &q, rows);
    {
        hc_lease_source src = { leases, conf ? config : NULL, where, node,
                                unfinished };

        if (o->format == 1) {
            hc_leases_format_json(out, hc_lease_follower_table(f), rows, conf,
                                  conf ? &usage : NULL, &src);
        } else {
            /* HACON_NOW pins "now" for the golden tests' "in 5 min". */
            const char *pin = getenv("HACON_NOW");
            time_t now = pin ? (time_t) strtoll(pin, NULL, 10) : time(NULL);

            hc_leases_format_text(out, hc_lease_follower_table(f), rows, conf,
                                  conf ? &usage : NULL, &src, now);
        }
        fwrite(out->str, 1, out->len, stdout);
        ret = report_errors(hc_lease_follower_table(f), &src) ? 3 : 0;
    }
out:
    hc_dhcp_usage_clear(&usage);
    hc_dhcp_conf_free(conf);
    hc_lease_follower_free(f);
    hc_leases_location_clear(&loc);
    g_array_free(rows, TRUE);
    g_string_free(out, TRUE);
    g_free(leases);
    g_free(config);
    g_free(node);
    g_free(where);
    g_free(err);
    return ret;
}

static int cmd_leases(const hc_args *a)
{
    opts o = {
        .leases = hc_args_str(a, "leases", NULL),
        .config = hc_args_str(a, "config", NULL),
        .cib = hc_args_str(a, "cib", NULL),
        .node = hc_args_str(a, "node", NULL),
        .local = hc_args_has(a, "local"),
        .format = hc_args_choice(a, "format", 0),
        .sort = hc_args_str(a, "sort", NULL),
        .reverse = hc_args_has(a, "reverse"),
        .filter = hc_args_str(a, "filter", NULL),
        .state = hc_args_str(a, "state", NULL),
        .no_config = hc_args_has(a, "no-config"),
        .follow = hc_args_has(a, "follow"),
        .interval_ms = (int) hc_args_int(a, "interval", 500),
        .changes = (int) hc_args_int(a, "changes", 0),
    };

    return run(&o);
}

static const char *const sort_names[] = {
    "ip", "mac", "hostname", "state", "starts", "ends", NULL,
};
static const char *const state_names[] = {
    "active", "free", "backup", "expired", "released", "abandoned", "reset",
    "bootp", "none", "declined", "reclaimed", NULL,
};

static const hc_opt leases_opts[] = {
    { "leases", 'l', HC_OPT_STRING, "FILE", .help = "the lease file (default: the "
      "DHCP server resource's)", .complete = HC_OPT_FILE },
    { "config", 'c', HC_OPT_STRING, "FILE", .help = "dhcpd.conf or kea-dhcp4.conf, "
      "for the pools (default: the DHCP server resource's)", .complete = HC_OPT_FILE },
    { "cib", 0, HC_OPT_STRING, "FILE", .help = "read the resources from this CIB "
      "file", .complete = HC_OPT_FILE },
    { "node", 'n', HC_OPT_STRING, "NODE", .help = "read the files on NODE over ssh" },
    { "local", 0, HC_OPT_FLAG, NULL, .help = "read the files here, wherever the "
      "resource runs" },
    HC_FORMAT_OPT,
    { "sort", 's', HC_OPT_STRING, "COLUMN", .help = "sort by this column",
      .choices = sort_names, .check = hc_lease_col_from_name },
    { "reverse", 'r', HC_OPT_FLAG, NULL, .help = "sort in descending order" },
    { "filter", 'F', HC_OPT_STRING, "TEXT", .help = "only the leases whose address, "
      "MAC or hostname holds TEXT" },
    { "state", 'S', HC_OPT_STRING, "STATE", .help = "only the leases in this state",
      .choices = state_names, .check = hc_lease_state_from_name },
    { "no-config", 0, HC_OPT_FLAG, NULL, .help = "no dhcpd.conf: no pools" },
    { "follow", 0, HC_OPT_FLAG, NULL, .help = "keep reading the file and print each "
      "change" },
    { "interval", 0, HC_OPT_INT, "MS", .help = "--follow: how often to look at the "
      "file", 10, 3600000, "milliseconds" },
    { "changes", 0, HC_OPT_INT, "N", .help = "--follow: stop after N changes (0: "
      "never)", 0, INT_MAX },
    { NULL },
};

static const char *const leases_forms[] = { "", "--follow", NULL };

const hc_command hc_cmd_leases = {
    .name = "leases",
    .summary = "DHCP leases and pool usage",
    .forms = leases_forms,
    .args = { leases_opts, 0, 0, false },
    .run = cmd_leases,
};
