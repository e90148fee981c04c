/* hacon failover-test: one failover scenario against the live cluster,
 * headless: the timeline printed as it happens, the assertions, and the
 * report saved as text and JSON; --repeat runs it N times (each run starts
 * from where the last one left the service, so the direction alternates)
 * and prints the downtime summary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "commands.h"
#include "failover.h"
#include "failover_drbd.h"
#include "util.h"

typedef struct run_ctx {
    hc_failover *fo;
    GMainLoop *loop;
    int rc;
} run_ctx;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hacon failover-test SCENARIO [--repeat N] [--service RSC]\n"
        "           [--vip IP] [--interface IF] [--leases FILE]\n"
        "           [--crash-cmd 'CMD {node}'] [--stop-cmd 'CMD {node}']\n"
        "           [--cut-cmd 'CMD {node}'] [--restore-cmd 'CMD {node}']\n"
        "           [--timeout S] [--report-dir DIR] [--yes]\n"
        "SCENARIO: move, standby, stop-stack, kill, crash, cut\n");
}

static void print_event(const hc_fo_event *ev, void *data)
{
    GString *s = g_string_new(NULL);

    (void) data;
    hc_fo_event_format(ev, s);
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static gboolean tick(gpointer data)
{
    run_ctx *c = data;
    double t0 = hc_now_ms();
    int rc = hc_failover_step(c->fo);

    if (rc == 1) {
        /* Every interval from the start of a step, not from its end: a
         * probe that waited its timeout must not stretch the interval. */
        double left = hc_failover_interval_ms(c->fo) - (hc_now_ms() - t0);

        g_timeout_add((guint) MAX(left, 0), tick, c);
        return G_SOURCE_REMOVE;
    }
    c->rc = rc;
    g_main_loop_quit(c->loop);
    return G_SOURCE_REMOVE;
}

/* Saves the run's report as DIR/failover-SCENARIO-STAMP-N.txt and .json. */
static int save_report(const hc_failover *fo, const char *dir,
                       const char *stamp, int n, GString *names)
{
    char *p1 = NULL, *p2 = NULL;
    int rc = hc_failover_save_report(fo, dir, stamp, n, &p1, &p2);

    if (rc == 0) {
        g_string_append_printf(names, "%s %s\n", p1, p2);
    }
    g_free(p1);
    g_free(p2);
    return rc;
}

static bool ask(const char *question)
{
    char line[64];

    if (!isatty(STDIN_FILENO)) {
        return false;
    }
    printf("%s ", question);
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin)) {
        return false;
    }
    return !strcmp(line, "yes\n") || !strcmp(line, "y\n");
}

static int cmd_failover(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "repeat", required_argument, NULL, 'n' },
        { "service", required_argument, NULL, 's' },
        { "vip", required_argument, NULL, 'v' },
        { "interface", required_argument, NULL, 'i' },
        { "leases", required_argument, NULL, 'l' },
        { "crash-cmd", required_argument, NULL, 'C' },
        { "stop-cmd", required_argument, NULL, 'S' },
        { "cut-cmd", required_argument, NULL, 'U' },
        { "restore-cmd", required_argument, NULL, 'R' },
        { "timeout", required_argument, NULL, 't' },
        { "report-dir", required_argument, NULL, 'd' },
        { "yes", no_argument, NULL, 'y' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    hc_fo_opts o = { 0 };
    const char *dir = hc_fo_env_report_dir();
    int repeat = 1, c, scen, failures = 0, not_run = 0, ret;
    bool yes = false;
    GArray *downs = g_array_new(FALSE, FALSE, sizeof(double));
    GString *names = g_string_new(NULL);
    char stamp[32];
    time_t now = time(NULL);

    /* The console takes the same commands (hacon --crash-cmd ...), and
     * both read them from the environment when not given. */
    o.crash_cmd = getenv("HACON_CRASH_CMD");
    o.stop_cmd = getenv("HACON_STOP_CMD");
    o.cut_cmd = getenv("HACON_CUT_CMD");
    o.restore_cmd = getenv("HACON_RESTORE_CMD");
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:s:v:i:l:t:d:yh", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'n':
            repeat = atoi(optarg);
            if (repeat < 1 || repeat > 1000) {
                fprintf(stderr, "hacon failover-test: bad --repeat '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 's': o.service = optarg; break;
        case 'v': o.vip = optarg; break;
        case 'i': o.ifname = optarg; break;
        case 'l': o.leases = optarg; break;
        case 'C': o.crash_cmd = optarg; break;
        case 'S': o.stop_cmd = optarg; break;
        case 'U': o.cut_cmd = optarg; break;
        case 'R': o.restore_cmd = optarg; break;
        case 't':
            o.timeout_s = atoi(optarg);
            if (o.timeout_s < 1 || o.timeout_s > 3600) {
                fprintf(stderr, "hacon failover-test: bad --timeout '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'd': dir = optarg; break;
        case 'y': yes = true; break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1
        || (scen = hc_fo_scenario_from_name(argv[optind])) < 0) {
        usage(stderr);
        return 2;
    }
    o.scenario = (hc_fo_scenario) scen;
    o.confirmed = yes;
    o.clear_leftovers = yes;
    if ((scen == HC_FO_CRASH || scen == HC_FO_CUT) && !yes) {
        o.confirmed = ask(scen == HC_FO_CRASH
                          ? "This crashes the active node. Type yes to go on:"
                          : "This cuts the HA link of the active node. "
                            "Type yes to go on:");
    }
    if (g_mkdir_with_parents(dir, 0750) < 0) {
        fprintf(stderr, "hacon failover-test: cannot create %s: %s\n", dir,
                g_strerror(errno));
        return 1;
    }
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
    for (int n = 1; n <= repeat; n++) {
        run_ctx rc = { 0 };
        double d;

        if (repeat > 1) {
            printf("== run %d of %d\n", n, repeat);
        }
        rc.fo = hc_failover_new(&o, print_event, NULL);
        hc_failover_set_drbd_reader(rc.fo, hc_failover_drbd_local, NULL);
        rc.loop = g_main_loop_new(NULL, FALSE);
        g_timeout_add(hc_failover_interval_ms(rc.fo), tick, &rc);
        g_main_loop_run(rc.loop);
        g_main_loop_unref(rc.loop);
        if (rc.rc == -EEXIST && !o.clear_leftovers
            && ask("Clear them now? Type yes:")) {
            o.clear_leftovers = true;
            hc_failover_free(rc.fo);
            n--;
            continue;
        }
        if (rc.rc < 0) {
            fprintf(stderr, "hacon failover-test: %s\n",
                    hc_failover_error(rc.fo));
            not_run++;
        } else if (!hc_failover_passed(rc.fo)) {
            failures++;
        }
        if (rc.rc == 0) {
            GString *txt = g_string_new(NULL);

            for (guint i = 0; i < hc_failover_assertions(rc.fo)->len; i++) {
                const hc_fo_assertion *a =
                    hc_failover_assertions(rc.fo)->pdata[i];

                g_string_append_printf(txt, "[%s] %s: %s\n",
                                       a->verdict == HC_FO_PASS ? "PASS"
                                       : a->verdict == HC_FO_FAIL ? "FAIL"
                                       : "SKIP", a->name, a->detail);
            }
            printf("%s%s %s -> %s: %s\n", txt->str, argv[optind],
                   hc_failover_from_node(rc.fo), hc_failover_to_node(rc.fo),
                   hc_failover_passed(rc.fo) ? "PASS" : "FAIL");
            g_string_free(txt, TRUE);
            d = hc_failover_downtime_ms(rc.fo);
            if (d >= 0) {
                g_array_append_val(downs, d);
            }
        }
        for (guint i = 0; rc.rc == 0
                          && i < hc_failover_assertions(rc.fo)->len; i++) {
            const hc_fo_assertion *a = hc_failover_assertions(rc.fo)->pdata[i];

            if (!strcmp(a->name, "no-cli-constraints")
                && a->verdict == HC_FO_FAIL
                && (yes || ask("Clear the cli-* constraints? Type yes:"))) {
                GString *cl = g_string_new(NULL);

                hc_failover_clear_leftovers(rc.fo, cl);
                fputs(cl->str, stdout);
                g_string_free(cl, TRUE);
            }
        }
        if (save_report(rc.fo, dir, stamp, n, names) < 0) {
            fprintf(stderr, "hacon failover-test: cannot save the report in "
                    "%s\n", dir);
            failures++;
        }
        hc_failover_free(rc.fo);
        if (rc.rc < 0) {
            break;   /* the cluster is not in a state to go on */
        }
    }
    printf("reports:\n%s", names->str);
    if (repeat > 1) {
        GString *js = g_string_new(NULL);
        char *path = g_strdup_printf("%s/failover-%s-%s-summary.json", dir,
                                     argv[optind], stamp);
        double mn = 0, md = 0, mx = 0;

        hc_fo_downtime_summary((double *) (void *) downs->data, downs->len,
                               &mn, &md, &mx);
        printf("summary: %s x%d: %d failed, %d not run; downtime ms "
               "min %.0f median %.0f max %.0f (over %u runs that measured "
               "one)\n", argv[optind], repeat, failures, not_run, mn, md, mx,
               downs->len);
        g_string_append_printf(js, "{\"scenario\":\"%s\",\"runs\":%d,"
                               "\"failed\":%d,\"not_run\":%d,"
                               "\"downtime_ms\":{\"min\":%.1f,"
                               "\"median\":%.1f,\"max\":%.1f,\"n\":%u}}\n",
                               argv[optind], repeat, failures, not_run, mn,
                               md, mx, downs->len);
        hc_write_file_atomic(path, js->str, js->len, 0640, true);
        printf("summary: %s\n", path);
        g_free(path);
        g_string_free(js, TRUE);
    }
    ret = not_run ? 3 : failures ? 1 : 0;
    g_array_free(downs, TRUE);
    g_string_free(names, TRUE);
    return ret;
}

const hc_command hc_cmd_failover = {
    .name = "failover-test",
    .usage = "SCENARIO [--repeat N]",
    .summary = "fail the DHCP service over and check it (move, standby, ...)",
    .run = cmd_failover,
};
