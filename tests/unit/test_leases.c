/* core/leases: the dhcpd.leases parser, its table and the follower. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "leases.h"
#include "util.h"

#define KEA_HEADER "address,hwaddr,client_id,valid_lifetime,expire," \
                   "subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
#define REC(ip, body) "lease " ip " {\n" body "}\n"
#define STD "  starts 3 2026/11/25 10:00:00;\n  ends 3 2026/11/25 22:00:00;\n" \
            "  cltt 3 2026/11/25 10:00:00;\n"

static const char sample[] =
    "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
    "authoring-byte-order little-endian;\n\n"
    "server-duid \"\\000\\001\\000\\001,\";\n\n"
    "failover peer \"p1\" state {\n"
    "  my state normal at 3 2026/11/25 09:00:00;\n"
    "  partner state recover at 3 2026/11/25 09:30:00;\n"
    "  mclt 3600;\n}\n"
    REC("10.0.0.1", STD "  tstp 3 2026/11/25 22:00:00;\n"
        "  binding state active;\n  next binding state free;\n"
        "  rewind binding state free;\n"
        "  hardware ethernet 02:00:0a:0a:65:99;\n"
        "  uid \"\\001\\002\\000\";\n"
        "  set vendor-class-identifier = \"MSFT 5.0\";\n"
        "  set ddns-fwd-name = \"h.example\";\n"
        "  option agent.circuit-id \"c1\";\n"
        "  on expiry { set x = \"y\"; }\n"
        "  client-hostname \"alpha\";\n")
    REC("10.0.0.2", "  starts epoch 1795600800; # comment\n  ends never;\n"
        "  binding state backup;\n  uid 1:a:ff;\n"
        "  hardware ethernet 2:0:0:0:0:b;\n")
    REC("10.0.0.1", STD "  binding state active;\n"
        "  client-hostname \"alpha-2\";\n")
    REC("10.0.0.3", STD "  binding state active;\n")
    REC("10.0.0.3", STD "  binding state reset;\n");

static hc_lease_table *parse_all(const char *buf, size_t len)
{
    hc_lease_table *t = hc_lease_table_new();
    ssize_t n = hc_leases_parse(t, buf, len, true);

    assert_int_equal(n, (ssize_t) len);
    return t;
}

static char *str_of(const hc_lease_table *t, uint32_t ref)
{
    size_t n;
    const uint8_t *s = hc_lease_str(t, ref, &n);

    return s ? g_strndup((const char *) s, n) : NULL;
}

static void test_fields(void **state)
{
    hc_lease_table *t = parse_all(sample, sizeof(sample) - 1);
    const hc_lease *a = hc_lease_table_find(t, 0x0a000001);
    const hc_lease *b = hc_lease_table_find(t, 0x0a000002);
    const hc_lease *c = hc_lease_table_find(t, 0x0a000003);
    const GPtrArray *fo = hc_lease_table_failover(t);
    size_t n, pos = 0, nl, vl;
    const uint8_t *nm, *v;
    char *s;

    assert_int_equal(hc_lease_table_count(t), 3);
    assert_int_equal(hc_lease_table_records(t), 5);
    assert_int_equal(hc_lease_table_n_errors(t), 0);
    /* The last record wins, whole: the first one's uid is gone. */
    assert_non_null(a);
    s = str_of(t, a->hostname);
    assert_string_equal(s, "alpha-2");
    g_free(s);
    assert_int_equal(a->uid, 0);
    assert_int_equal(a->starts, 1795600800);
    assert_int_equal(a->ends, 1795600800 + 43200);
    assert_int_equal(a->state, HC_LEASE_ACTIVE);
    assert_int_equal(a->usage, HC_USAGE_USED);
    assert_non_null(b);
    assert_int_equal(b->starts, 1795600800);
    assert_int_equal(b->ends, HC_LEASE_NEVER);
    assert_int_equal(b->state, HC_LEASE_BACKUP);
    assert_int_equal(b->usage, HC_USAGE_BACKUP);
    assert_int_equal(b->hw_len, 6);
    assert_int_equal(b->mac[0], 2);
    assert_int_equal(b->mac[5], 0xb);
    assert_memory_equal(hc_lease_str(t, b->uid, &n), "\x01\x0a\xff", 3);
    assert_int_equal(n, 3);
    /* reset is not a state dhcpd-pools counts: the address stays used. */
    assert_int_equal(c->state, HC_LEASE_RESET);
    assert_int_equal(c->usage, HC_USAGE_USED);
    assert_int_equal(fo->len, 1);
    assert_string_equal(((hc_lease_failover *) fo->pdata[0])->name, "p1");
    assert_string_equal(((hc_lease_failover *) fo->pdata[0])->my_state,
                        "normal");
    assert_string_equal(((hc_lease_failover *) fo->pdata[0])->partner_state,
                        "recover");
    assert_int_equal(((hc_lease_failover *) fo->pdata[0])->mclt, 3600);
    assert_memory_equal(hc_lease_table_server_duid(t, &n), "\0\1\0\1,", 5);
    hc_lease_table_free(t);

    /* The first record, alone: every statement. */
    t = parse_all(sample, (size_t) (strstr(sample, "lease 10.0.0.2") - sample));
    a = hc_lease_table_find(t, 0x0a000001);
    assert_int_equal(a->next_state, HC_LEASE_FREE);
    assert_int_equal(a->rewind_state, HC_LEASE_FREE);
    assert_int_equal(a->tstp, 1795600800 + 43200);
    assert_memory_equal(hc_lease_str(t, a->uid, &n), "\x01\x02\x00", 3);
    s = str_of(t, a->vclass);
    assert_string_equal(s, "MSFT 5.0");
    g_free(s);
    assert_true(hc_lease_extra_next(t, a, &pos, &nm, &nl, &v, &vl));
    assert_memory_equal(nm, "ddns-fwd-name", nl);
    assert_memory_equal(v, "h.example", vl);
    assert_true(hc_lease_extra_next(t, a, &pos, &nm, &nl, &v, &vl));
    assert_memory_equal(nm, "agent.circuit-id", nl);
    assert_memory_equal(v, "c1", vl);
    assert_false(hc_lease_extra_next(t, a, &pos, &nm, &nl, &v, &vl));
    hc_lease_table_free(t);
}

/* Hostile strings are kept as bytes and never reach a terminal raw. */
static void test_escapes(void **state)
{
    static const char buf[] =
        REC("10.0.0.1", "  binding state active;\n"
            "  client-hostname \"\\033[2J\\033]0;x\\007\\\"q\\\\\\x41\\377\";\n")
        "lease 10.0.0.2 {\n  binding state active;\n"
        "  client-hostname \"raw\0nul\xff\xc2\x9b\";\n}\n"
        REC("10.0.0.3", "  binding state active;\n  client-hostname \"\";\n");
    hc_lease_table *t = parse_all(buf, sizeof(buf) - 1);
    const hc_lease *a = hc_lease_table_find(t, 0x0a000001);
    const hc_lease *b = hc_lease_table_find(t, 0x0a000002);
    const hc_lease *c = hc_lease_table_find(t, 0x0a000003);
    GString *out = g_string_new(NULL);
    size_t n;

    assert_memory_equal(hc_lease_str(t, a->hostname, &n),
                        "\x1b[2J\x1b]0;x\x07\"q\\A\xff", 15);
    assert_int_equal(n, 15);
    hc_lease_str_escaped(out, t, a->hostname, 0);
    assert_string_equal(out->str, "\\x1b[2J\\x1b]0;x\\x07\\\"q\\\\A\\xff");
    g_string_truncate(out, 0);
    hc_lease_str_escaped(out, t, b->hostname, 0);
    assert_string_equal(out->str, "raw\\x00nul\\xff\\xc2\\x9b");
    for (size_t i = 0; i < out->len; i++) {
        assert_true(out->str[i] >= 0x20 && out->str[i] < 0x7f);
    }
    assert_memory_equal(hc_lease_str(t, b->hostname, &n), "raw\0nul", 7);
    /* An empty name is a name, not an absent one. */
    assert_int_not_equal(c->hostname, 0);
    hc_lease_str(t, c->hostname, &n);
    assert_int_equal(n, 0);
    /* The display cap. */
    g_string_truncate(out, 0);
    hc_lease_str_escaped(out, t, a->hostname, 8);
    assert_true(out->len <= 11);
    g_string_free(out, TRUE);
    hc_lease_table_free(t);
}

static void test_malformed(void **state)
{
    static const char buf[] =
        REC("10.0.0.1", "  binding state active;\n")      /* lines 1-3 */
        REC("10.0.0.2", "  starts 3 2026/13/45 99:00:00;\n") /* 4-6 */
        "lease 10.0.0.3 {\n  client-hostname \"open;\n"
        "  binding state active;\n}\n"                     /* 7-10 */
        REC("10.0.0.x", "  binding state active;\n")        /* 11-13 */
        "}\n"                                               /* 14 */
        "lease 10.0.0.4 {\n  binding state wobbly;\n"      /* 15 */
        "lease 10.0.0.5 {\n  binding state free;\n}\n"      /* 17 */
        REC("10.0.0.6", "  binding state active;\n");
    hc_lease_table *t = parse_all(buf, sizeof(buf) - 1);
    const GArray *e = hc_lease_table_errors(t);
    static const uint32_t lines[] = { 4, 7, 11, 14, 15 };

    assert_int_equal(hc_lease_table_n_errors(t), 5);
    for (guint i = 0; i < 5; i++) {
        assert_int_equal(g_array_index(e, hc_lease_error, i).line, lines[i]);
    }
    assert_non_null(hc_lease_table_find(t, 0x0a000001));
    assert_null(hc_lease_table_find(t, 0x0a000002));
    assert_null(hc_lease_table_find(t, 0x0a000003));
    /* The record after a missing '}' is read. */
    assert_non_null(hc_lease_table_find(t, 0x0a000005));
    assert_non_null(hc_lease_table_find(t, 0x0a000006));
    assert_int_equal(hc_lease_table_find(t, 0x0a000006)->line, 20);
    hc_lease_table_free(t);
}

/* Fed in two pieces at every split point, then in one byte steps, the
 * parser gives what it gives on the whole buffer. */
static void test_split_everywhere(void **state)
{
    size_t len = sizeof(sample) - 1;
    hc_lease_table *ref = parse_all(sample, len);

    for (size_t cut = 0; cut <= len; cut++) {
        hc_lease_table *t = hc_lease_table_new();
        GString *buf = g_string_new_len(sample, (gssize) cut);
        ssize_t used = hc_leases_parse(t, buf->str, buf->len, false);

        assert_true(used >= 0 && (size_t) used <= cut);
        g_string_erase(buf, 0, used);
        g_string_append_len(buf, sample + cut, (gssize) (len - cut));
        used = hc_leases_parse(t, buf->str, buf->len, true);
        assert_int_equal(used, (ssize_t) buf->len);
        assert_int_equal(hc_lease_table_count(t), hc_lease_table_count(ref));
        assert_int_equal(hc_lease_table_records(t), 5);
        assert_int_equal(hc_lease_table_n_errors(t), 0);
        for (size_t i = 0; i < hc_lease_table_count(ref); i++) {
            const hc_lease *x = hc_lease_table_get(ref, i);
            const hc_lease *y = hc_lease_table_get(t, i);

            assert_int_equal(x->ip, y->ip);
            assert_int_equal(x->starts, y->starts);
            assert_int_equal(x->state, y->state);
            assert_int_equal(x->line, y->line);
        }
        g_string_free(buf, TRUE);
        hc_lease_table_free(t);
    }
    {
        hc_lease_table *t = hc_lease_table_new();
        GString *buf = g_string_new(NULL);

        for (size_t i = 0; i < len; i++) {
            ssize_t used;

            g_string_append_c(buf, sample[i]);
            used = hc_leases_parse(t, buf->str, buf->len, false);
            assert_true(used >= 0);
            g_string_erase(buf, 0, used);
        }
        assert_int_equal(hc_leases_parse(t, buf->str, buf->len, true),
                         (ssize_t) buf->len);
        assert_int_equal(hc_lease_table_records(t), 5);
        assert_int_equal(hc_lease_table_n_errors(t), 0);
        g_string_free(buf, TRUE);
        hc_lease_table_free(t);
    }
    hc_lease_table_free(ref);
}

static void test_crlf_and_truncated(void **state)
{
    gchar **lines = g_strsplit(sample, "\n", -1);
    char *crlf = g_strjoinv("\r\n", lines);
    hc_lease_table *t = parse_all(crlf, strlen(crlf));

    assert_int_equal(hc_lease_table_records(t), 5);
    assert_int_equal(hc_lease_table_n_errors(t), 0);
    assert_int_equal(hc_lease_table_find(t, 0x0a000002)->ends, HC_LEASE_NEVER);
    hc_lease_table_free(t);
    g_strfreev(lines);
    g_free(crlf);

    /* A cut last record: left unconsumed while following, an error at
     * the end of a one-shot read. */
    t = hc_lease_table_new();
    {
        const char *cut = strstr(sample, "lease 10.0.0.3");
        size_t len = (size_t) (cut - sample) + 30;
        ssize_t used = hc_leases_parse(t, sample, len, false), rest;

        /* Up to the end of the record before (its newline may wait). */
        assert_true(used <= cut - sample && used >= cut - sample - 1);
        assert_int_equal(hc_lease_table_n_errors(t), 0);
        rest = (ssize_t) len - used;
        assert_int_equal(hc_leases_parse(t, sample + used, (size_t) rest,
                                         true), rest);
        assert_int_equal(hc_lease_table_n_errors(t), 1);
        assert_null(hc_lease_table_find(t, 0x0a000003));
    }
    hc_lease_table_free(t);
}

/* ---- follower ---- */

static char dir[64];

static void write_file(const char *path, const char *data, size_t len,
                       const char *mode)
{
    FILE *f = fopen(path, mode);

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int setup_dir(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/hc-test-leases.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    int rc = system(cmd);

    g_free(cmd);
    return rc;
}

/* ---- the split read ---- */

/* A file read in two halves by two threads, split at every byte of it,
 * gives what a sequential read gives.  (A split moves to the next line
 * that starts with "lease ", in Kea's file to the next line: one try for
 * each of those is all of them.) */
static void check_split_everywhere(const char *path)
{
    const char *mark = "\nlease ";
    hc_lease_table *ref = hc_lease_table_new(), *t = hc_lease_table_new();
    gchar *data;
    gsize len;
    const char *prev = NULL;

    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal(hc_leases_load_split(ref, path, 0), 0);
    if (hc_lease_table_format(ref) == HC_LEASE_FMT_KEA) {
        mark = "\n";
    }
    for (uint64_t at = 1; at <= (uint64_t) len; at++) {
        const char *s = memmem(data + at - 1, len - at + 1, mark,
                               strlen(mark));

        if (!s || s == prev) {
            continue;
        }
        prev = s;
        assert_int_equal(hc_leases_load_split(t, path, at), 0);
        if (!hc_lease_table_equal(ref, t)) {
            fail_msg("%s: split at %llu differs", path,
                     (unsigned long long) at);
        }
    }
    hc_lease_table_free(t);
    hc_lease_table_free(ref);
    g_free(data);
}

static void test_load_split(void **state)
{
    /* Lines that start with "lease " inside statements: a split there is
     * no record boundary, and the first half must read on. */
    static const char inside[] =
        "host h {\nlease 10.0.0.9 {\n  binding state active;\n}\n}\n"
        REC("10.0.0.1", "  binding state free;\n  on commit {\n"
            "lease 10.0.0.7 { binding state active; }\n  }\n")
        "failover peer \"p\" state {\n  my state normal at 3 "
        "2026/11/25 09:00:00;\nlease 10.0.0.8 {\n}\n"
        REC("10.0.0.1", "  binding state active;\n  client-hostname \"x\";\n")
        "lease 10.0.0.2 {\n  binding state wobbly;\n"
        REC("10.0.0.3", "  binding state bootp;\n")
        REC("10.0.0.3", "  binding state reset;\n")
        "server-duid \"\\001\";\n"
        "lease 10.0.0.4 {\n  client-hostname \"cut";
    char *path = g_build_filename(dir, "split.leases", NULL);

    write_file(path, sample, sizeof(sample) - 1, "w");
    check_split_everywhere(path);
    write_file(path, inside, sizeof(inside) - 1, "w");
    check_split_everywhere(path);
    g_free(path);
}

/* Kea's file split in its second half, which the join replays row by
 * row: deletions there that move the last lease into the hole, of leases
 * of either half; a header that reorders the columns (the first half then
 * reads on); errors and a row longer than Kea writes; CRLF. */
/* A table read in two halves takes more rows afterwards: its strings
 * are then two mappings (the join moved the second half's pages in),
 * which must still grow. */
static void test_load_split_grows(void **state)
{
    GString *in = g_string_new(KEA_HEADER);
    char *path = g_build_filename(dir, "grow.csv", NULL);
    hc_lease_table *t = hc_lease_table_new();
    size_t len;
    const uint8_t *h;

    for (int i = 0; i < 200; i++) {
        g_string_append_printf(in, "10.0.%d.%d,,,600,1900000000,1,0,0,h%d,0,"
                               "\n", i / 200, i % 200 + 1, i);
    }
    write_file(path, in->str, in->len, "w");
    assert_int_equal(hc_leases_load_split(t, path, in->len / 2), 0);
    assert_int_equal(hc_lease_table_count(t), 200);
    g_string_truncate(in, 0);
    for (int i = 0; i < 3000; i++) {
        g_string_append_printf(in, "10.1.%d.%d,,,600,1900000000,1,0,0,%0200d,"
                               "0,\n", i / 200, i % 200 + 1, i);
    }
    assert_int_equal(hc_leases_parse(t, in->str, in->len, true),
                     (ssize_t) in->len);
    assert_int_equal(hc_lease_table_count(t), 3200);
    h = hc_lease_str(t, hc_lease_table_find(t, 0x0a000064)->hostname, &len);
    assert_true(len == 3 && !memcmp(h, "h99", 3));
    h = hc_lease_str(t, hc_lease_table_find(t, 0x0a010e0a)->hostname, &len);
    assert_int_equal(len, 200);
    assert_true(!memcmp(h + 196, "2809", 4));
    hc_lease_table_free(t);
    g_string_free(in, TRUE);
    g_free(path);
}

/* A large file of short rows, split: the second half's log outgrows
 * the room it was given while the first half replays it (the log moves
 * under the replay's lock), deletions of either half's leases included;
 * the same table as a sequential read. */
static void test_load_split_kea_large(void **state)
{
    GString *in = g_string_new(KEA_HEADER);
    GRand *r = g_rand_new_with_seed(11);
    char *path = g_build_filename(dir, "large.csv", NULL);
    hc_lease_table *ref = hc_lease_table_new(), *t = hc_lease_table_new();

    for (int i = 0; i < 120000; i++) {
        unsigned a = (unsigned) g_rand_int_range(r, 0, 60000);

        g_string_append_printf(in, "10.%u.%u.%u,,,%d,1900000000,1,0,0,,%d,\n",
                               a >> 16, a >> 8 & 255, a & 255,
                               g_rand_int_range(r, 0, 10) ? 600 : 0, i % 3);
    }
    write_file(path, in->str, in->len, "w");
    assert_int_equal(hc_leases_load_split(ref, path, 0), 0);
    assert_true(hc_lease_table_count(ref) > 40000);
    for (int pct = 10; pct < 100; pct += 20) {
        assert_int_equal(hc_leases_load_split(t, path, in->len * pct / 100),
                         0);
        if (!hc_lease_table_equal(ref, t)) {
            fail_msg("split at %d %% differs", pct);
        }
    }
    assert_int_equal(hc_leases_load(t, path), 0);
    assert_true(hc_lease_table_equal(ref, t));
    hc_lease_table_free(t);
    hc_lease_table_free(ref);
    g_rand_free(r);
    g_string_free(in, TRUE);
    g_free(path);
}

/* The second half's log is written in the first half's lease mapping,
 * where sizes estimated from the file's first rows put it: estimates
 * wrong in every direction.  Long rows first, then short ones: the first
 * half's leases outgrow the room before the log (they move out), the log
 * outgrows its room (it moves out), and, the second half's rows shorter
 * than the first's, the replay's new leases reach the log's rows not
 * read yet (they are copied aside first); renewals and deletions of
 * either half's addresses; the same table as a sequential read. */
static void test_load_split_kea_lent(void **state)
{
    static const int rows[][2] = {
        /* rows, hostname length */
        { 300, 900 }, { 20000, 100 }, { 30000, 20 }, { 40000, 0 },
    };
    GString *in = g_string_new(KEA_HEADER);
    GRand *r = g_rand_new_with_seed(23);
    char *path = g_build_filename(dir, "lent.csv", NULL);
    hc_lease_table *ref = hc_lease_table_new(), *t = hc_lease_table_new();
    char host[1000];
    unsigned next = 0;

    memset(host, 'h', sizeof(host));
    for (size_t k = 0; k < G_N_ELEMENTS(rows); k++) {
        for (int i = 0; i < rows[k][0]; i++) {
            /* Mostly new addresses, some renewals and deletions. */
            unsigned a = g_rand_int_range(r, 0, 10)
                         ? next++
                         : (unsigned) g_rand_int_range(r, 0, (gint32) next + 1);

            g_string_append_printf(in, "10.%u.%u.%u,,,%d,1900000000,1,0,0,"
                                   "%.*s,%d,\n", a >> 16, a >> 8 & 255,
                                   a & 255,
                                   g_rand_int_range(r, 0, 20) ? 600 : 0,
                                   rows[k][1], host, i % 3);
        }
    }
    write_file(path, in->str, in->len, "w");
    assert_int_equal(hc_leases_load_split(ref, path, 0), 0);
    assert_true(hc_lease_table_count(ref) > 60000);
    assert_int_equal(hc_lease_table_n_errors(ref), 0);
    for (int pct = 5; pct < 100; pct += 15) {
        assert_int_equal(hc_leases_load_split(t, path, in->len * pct / 100),
                         0);
        if (!hc_lease_table_equal(ref, t)) {
            fail_msg("split at %d %% differs", pct);
        }
    }
    hc_lease_table_free(t);
    hc_lease_table_free(ref);
    g_rand_free(r);
    g_string_free(in, TRUE);
    g_free(path);
}

static void test_load_split_kea(void **state)
{
    GString *in = g_string_new(KEA_HEADER);
    GRand *r = g_rand_new_with_seed(7);
    char *path = g_build_filename(dir, "split.csv", NULL);

    for (int i = 0; i < 120; i++) {
        unsigned host = (unsigned) g_rand_int_range(r, 1, 40);
        bool del = g_rand_int_range(r, 0, 4) == 0;

        g_string_append_printf(in, "10.0.0.%u,52:54:00:00:00:%02x,,%d,"
                               "1900000000,%d,0,0,h%d,%d,%s\n", host,
                               i & 255, del ? 0 : 600, i % 3 + 1, i, i % 3,
                               i % 17 ? "" : "{ \"a\": 1 }");
        if (i == 30) {
            g_string_append(in, "10.0.0.300,,,600,1900000000,1,0,0,x,0,\n"
                                "10.0.0.5,,,600,1900000000,1,0,0,y,0,\r\n");
        }
    }
    write_file(path, in->str, in->len, "w");
    check_split_everywhere(path);
    g_string_append(in, "address,state,hostname,expire,valid_lifetime,"
                        "hwaddr,client_id,subnet_id,fqdn_fwd,fqdn_rev\n");
    for (int i = 0; i < 40; i++) {
        g_string_append_printf(in, "10.0.0.%d,%d,n%d,1900000000,%d,,,1,0,0\n",
                               i % 20 + 1, i % 3, i, i % 5 ? 600 : 0);
    }
    g_string_append(in, "10.0.0.9,0,");
    for (int i = 0; i < 70000; i++) {
        g_string_append_c(in, 'z');
    }
    g_string_append(in, ",1900000000,600,,,1,0,0\n"
                        "10.0.0.10,0,last,1900000000,600,,,1,0,0\n");
    write_file(path, in->str, in->len, "w");
    check_split_everywhere(path);
    /* A first line that starts as Kea's header but is not one (more
     * columns than a header has): still Kea's file, read with Kea's
     * columns, in both halves; a line starting "lease " is a row. */
    g_string_assign(in, "address");
    for (int i = 0; i < 40; i++) {
        g_string_append_printf(in, ",c%d", i);
    }
    g_string_append_c(in, '\n');
    for (int i = 0; i < 30; i++) {
        g_string_append_printf(in, "10.0.0.%d,,,600,1900000000,1,0,0,h%d,0,"
                               "\n%s", i % 7 + 1, i,
                               i % 5 ? "" : "lease 10.0.0.1 {\n");
    }
    write_file(path, in->str, in->len, "w");
    check_split_everywhere(path);
    g_string_free(in, TRUE);
    g_rand_free(r);
    g_free(path);
}

/* The source tree: HACON_TOP (tests/run.sh sets it), else the tree this
 * binary was built in (build/tests/test_leases), or NULL. */
static char *source_top(void)
{
    const char *top = getenv("HACON_TOP");
    char *exe, *t, *probe;

    if (top && *top) {
        return g_strdup(top);
    }
    exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe) {
        return NULL;
    }
    t = g_path_get_dirname(exe);
    for (int up = 0; up < 2; up++) {
        char *d = g_path_get_dirname(t);

        g_free(t);
        t = d;
    }
    g_free(exe);
    probe = g_build_filename(t, "tests/leases/fixtures", NULL);
    if (!g_file_test(probe, G_FILE_TEST_IS_DIR)) {
        g_free(t);
        t = NULL;
    }
    g_free(probe);
    return t;
}

/* The split loader on the real and edge-case files of tests/leases, both
 * servers'. */
static void test_load_split_fixtures(void **state)
{
    static const char *const fixtures[] = {
        "real-1", "real-2", "edge-crlf", "edge-hostile", "edge-truncated",
    };
    /* Written by a real kea-dhcp4 (tests/leases/t-kea-fixtures.sh). */
    static const char *const kea[] = {
        "cleanup/kea-leases4.csv", "completed/kea-leases4.csv.2",
        "declined/kea-leases4.csv", "released/kea-leases4.csv",
    };
    char *top = source_top(), *path;

    if (!top) {
        print_message("# SKIP: the fixtures of tests/leases are not found "
                      "(set HACON_TOP to the source tree)\n");
        skip();
    }
    for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        path = g_build_filename(top, "tests/leases/fixtures", fixtures[i],
                                "dhcpd.leases", NULL);
        check_split_everywhere(path);
        g_free(path);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(kea); i++) {
        path = g_build_filename(top, "tests/leases/kea", kea[i], NULL);
        check_split_everywhere(path);
        g_free(path);
    }
    g_free(top);
}

static void follow(bool exec)
{
    char *path = g_build_filename(dir, exec ? "x.leases" : "l.leases", NULL);
    char *tmp = g_strconcat(path, ".new", NULL);
    hc_lease_follower *f;
    unsigned loads, appends;
    uint64_t bytes;
    bool changed;
    static const char rec4[] = REC("10.0.0.4", STD "  binding state active;\n");
    size_t half = sizeof(rec4) / 2;

    unlink(path);
    assert_int_equal(hc_lease_follower_new(path, NULL, &f), 0);
    hc_lease_follower_force_exec(f, exec);
    assert_int_equal(hc_lease_follower_poll(f, &changed), -ENOENT);
    write_file(path, sample, sizeof(sample) - 1, "w");
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_true(changed);
    assert_int_equal(hc_lease_table_count(hc_lease_follower_table(f)), 3);

    /* Nothing new: nothing read. */
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_false(changed);

    /* Half a record: it waits for its end. */
    write_file(path, rec4, half, "a");
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_false(changed);
    assert_int_equal(hc_lease_follower_pending(f), half);
    write_file(path, rec4 + half, sizeof(rec4) - 1 - half, "a");
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_true(changed);
    assert_non_null(hc_lease_table_find(hc_lease_follower_table(f), 0x0a000004));
    hc_lease_follower_stats(f, &loads, &appends, &bytes);
    assert_int_equal(loads, 1);
    assert_int_equal(appends, 2);
    /* Only the appended bytes were read. */
    assert_int_equal(bytes, sizeof(rec4) - 1 - half);

    /* dhcpd's rewrite: a new file renamed over the old, larger than what
     * was read, with half a record of the old one still pending. */
    write_file(path, rec4, half, "a");
    assert_int_equal(hc_lease_follower_poll(f, NULL), 0);
    {
        GString *big = g_string_new(NULL);

        for (int i = 0; i < 50; i++) {
            g_string_append_printf(big, "lease 10.1.0.%d {\n  binding state "
                                   "free;\n}\n", i);
        }
        write_file(tmp, big->str, big->len, "w");
        g_string_free(big, TRUE);
    }
    assert_int_equal(rename(tmp, path), 0);
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_true(changed);
    hc_lease_follower_stats(f, &loads, NULL, NULL);
    assert_int_equal(loads, 2);
    assert_int_equal(hc_lease_table_count(hc_lease_follower_table(f)), 50);
    assert_null(hc_lease_table_find(hc_lease_follower_table(f), 0x0a000001));
    assert_int_equal(hc_lease_follower_pending(f), 0);
    assert_int_equal(hc_lease_table_n_errors(hc_lease_follower_table(f)), 0);

    /* Truncated in place (same inode, smaller): read again. */
    write_file(path, sample, sizeof(sample) - 1, "w");
    assert_int_equal(hc_lease_follower_poll(f, &changed), 0);
    assert_true(changed);
    hc_lease_follower_stats(f, &loads, NULL, NULL);
    assert_int_equal(loads, 3);
    assert_int_equal(hc_lease_table_count(hc_lease_follower_table(f)), 3);

    hc_lease_follower_free(f);
    unlink(path);
    g_free(path);
    g_free(tmp);
}

static void test_follow_local(void **state)
{
    follow(false);
}

/* The ssh path (stat + tail -c +N through hc_exec), run here. */
static void test_follow_exec(void **state)
{
    follow(true);
}

static int listener_calls;

static void on_change(void *data)
{
    listener_calls++;
}

/* Offsets past 2 GiB: a sparse file (dhcpd never writes NULs; a crash can
 * leave them, and they read as blanks). */
static void test_follow_2g(void **state)
{
    char *path = g_build_filename(dir, "big.leases", NULL);
    static const char rec5[] = REC("10.0.0.5", STD "  binding state active;\n");
    hc_lease_follower *f;
    uint64_t bytes;
    int fd;

    write_file(path, sample, sizeof(sample) - 1, "w");
    assert_int_equal(truncate(path, (off_t) 2200 << 20), 0);
    write_file(path, rec5, sizeof(rec5) - 1, "a");
    hc_lease_follower_new(path, NULL, &f);
    hc_lease_follower_set_listener(f, on_change, NULL);
    assert_int_equal(hc_lease_follower_poll(f, NULL), 0);
    assert_int_equal(hc_lease_table_count(hc_lease_follower_table(f)), 4);
    assert_int_equal(listener_calls, 1);
    write_file(path, "lease 10.0.0.6 {\n  binding state free;\n}\n", 40, "a");
    assert_int_equal(hc_lease_follower_poll(f, NULL), 0);
    hc_lease_follower_stats(f, NULL, NULL, &bytes);
    assert_int_equal(bytes, 40);
    assert_int_equal(listener_calls, 2);
    assert_non_null(hc_lease_table_find(hc_lease_follower_table(f), 0x0a000006));
    /* The line numbers count past the NULs correctly. */
    assert_true(hc_lease_table_find(hc_lease_follower_table(f), 0x0a000006)->line
                > 20);
    fd = open(path, O_RDONLY);
    assert_true(lseek(fd, 0, SEEK_END) > ((off_t) 2 << 30));
    close(fd);
    hc_lease_follower_free(f);
    unlink(path);
    g_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_split_everywhere),
        cmocka_unit_test(test_crlf_and_truncated),
        cmocka_unit_test(test_load_split),
        cmocka_unit_test(test_load_split_kea),
        cmocka_unit_test(test_load_split_grows),
        cmocka_unit_test(test_load_split_kea_large),
        cmocka_unit_test(test_load_split_kea_lent),
        cmocka_unit_test(test_load_split_fixtures),
        cmocka_unit_test(test_follow_local),
        cmocka_unit_test(test_follow_exec),
        cmocka_unit_test(test_follow_2g),
    };

    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
