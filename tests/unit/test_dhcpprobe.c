/* DHCP probe: message and IPv4/UDP framing, built and parsed back, and the
 * parser's bounds on hostile input. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dhcpprobe.h"

static const uint8_t probe_mac[6] = HC_DHCP_PROBE_MAC;

static struct in_addr ip4(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

/* Finds option code in a built message; returns its length or -1. */
static int find_option(const uint8_t *m, size_t len, uint8_t code,
                       const uint8_t **val)
{
    for (size_t i = 240; i < len;) {
        if (m[i] == 0) {
            i++;
            continue;
        }
        if (m[i] == 255) {
            return -1;
        }
        if (m[i] == code) {
            *val = m + i + 2;
            return m[i + 1];
        }
        i += 2 + m[i + 1];
    }
    return -1;
}

static void test_build_inform(void **state)
{
    uint8_t buf[HC_DHCP_MAX_PACKET];
    hc_dhcp_request req = { .type = HC_DHCPINFORM, .xid = 0x12345678,
                            .ciaddr = ip4("10.10.102.1") };
    const uint8_t *v;
    ssize_t n;

    memcpy(req.chaddr, probe_mac, 6);
    n = hc_dhcp_build(buf, sizeof(buf), &req);
    assert_int_equal(n, 300);        /* padded to the BOOTP minimum */
    assert_int_equal(buf[0], 1);     /* BOOTREQUEST */
    assert_int_equal(buf[1], 1);
    assert_int_equal(buf[2], 6);
    assert_memory_equal(buf + 4, "\x12\x34\x56\x78", 4);
    assert_memory_equal(buf + 10, "\x00\x00", 2);    /* no broadcast */
    assert_memory_equal(buf + 12, "\x0a\x0a\x66\x01", 4);
    assert_memory_equal(buf + 28, probe_mac, 6);
    assert_memory_equal(buf + 236, "\x63\x82\x53\x63", 4);
    assert_int_equal(find_option(buf, (size_t) n, 53, &v), 1);
    assert_int_equal(v[0], HC_DHCPINFORM);
    assert_int_equal(find_option(buf, (size_t) n, 61, &v), 12);
    assert_int_equal(v[0], 0);
    assert_memory_equal(v + 1, "hacon-probe", 11);
    assert_int_equal(find_option(buf, (size_t) n, 50, &v), -1);
}

static void test_build_discover_broadcast(void **state)
{
    uint8_t buf[400];
    hc_dhcp_request req = { .type = HC_DHCPDISCOVER, .xid = 1,
                            .broadcast = true };
    const uint8_t *v;
    ssize_t n;

    n = hc_dhcp_build(buf, sizeof(buf), &req);
    assert_true(n >= 300);
    assert_memory_equal(buf + 10, "\x80\x00", 2);
    assert_memory_equal(buf + 12, "\0\0\0\0", 4);
    assert_int_equal(find_option(buf, (size_t) n, 53, &v), 1);
    assert_int_equal(v[0], HC_DHCPDISCOVER);
}

static void test_build_refuses(void **state)
{
    uint8_t buf[HC_DHCP_MAX_PACKET];
    hc_dhcp_request req = { .type = HC_DHCPREQUEST };

    /* The probe never sends a REQUEST: that would commit a lease. */
    assert_int_equal(hc_dhcp_build(buf, sizeof(buf), &req), -EINVAL);
    req.type = HC_DHCPINFORM;
    assert_int_equal(hc_dhcp_build(buf, 299, &req), -ENOSPC);
}

/* A server's answer as dhcpd 4.4 writes it: fields, then options. */
static size_t make_reply(uint8_t *m, uint32_t xid, uint8_t type)
{
    size_t n = 240;

    memset(m, 0, 576);
    m[0] = 2;
    m[1] = 1;
    m[2] = 6;
    m[4] = (uint8_t) (xid >> 24);
    m[5] = (uint8_t) (xid >> 16);
    m[6] = (uint8_t) (xid >> 8);
    m[7] = (uint8_t) xid;
    memcpy(m + 16, "\x0a\x0a\x65\x64", 4);      /* 10.10.101.100 */
    memcpy(m + 28, probe_mac, 6);
    memcpy(m + 236, "\x63\x82\x53\x63", 4);
    m[n++] = 0;                                  /* a PAD */
    m[n++] = 53; m[n++] = 1; m[n++] = type;
    m[n++] = 54; m[n++] = 4;
    memcpy(m + n, "\x0a\x0a\x65\x01", 4);        /* 10.10.101.1 */
    n += 4;
    m[n++] = 51; m[n++] = 4;
    memcpy(m + n, "\x00\x00\x02\x58", 4);        /* 600 s */
    n += 4;
    m[n++] = 255;
    return 300;
}

static void test_parse_offer(void **state)
{
    uint8_t m[576];
    size_t n = make_reply(m, 0xdeadbeef, HC_DHCPOFFER);
    hc_dhcp_reply r;

    assert_int_equal(hc_dhcp_parse(m, n, &r), 0);
    assert_int_equal(r.op, 2);
    assert_int_equal(r.type, HC_DHCPOFFER);
    assert_int_equal(r.xid, 0xdeadbeef);
    assert_memory_equal(r.chaddr, probe_mac, 6);
    assert_int_equal(r.yiaddr.s_addr, ip4("10.10.101.100").s_addr);
    assert_int_equal(r.server_id.s_addr, ip4("10.10.101.1").s_addr);
    assert_int_equal(r.lease_time, 600);
    assert_string_equal(hc_dhcp_type_name(r.type), "DHCPOFFER");
    assert_string_equal(hc_dhcp_type_name(200), "DHCP?");
}

static void test_parse_hostile(void **state)
{
    uint8_t m[576];
    hc_dhcp_reply r;
    size_t n = make_reply(m, 7, HC_DHCPACK);

    /* Truncated anywhere before the cookie. */
    for (size_t len = 0; len < 240; len++) {
        assert_int_equal(hc_dhcp_parse(m, len, &r), -EBADMSG);
    }
    /* An option whose length runs past the end. */
    m[241] = 53; m[242] = 200;
    assert_int_equal(hc_dhcp_parse(m, 260, &r), -EBADMSG);
    /* A code byte as the very last byte. */
    n = make_reply(m, 7, HC_DHCPACK);
    m[240] = 54;
    assert_int_equal(hc_dhcp_parse(m, 241, &r), -EBADMSG);
    /* No magic cookie. */
    n = make_reply(m, 7, HC_DHCPACK);
    m[236] = 0;
    assert_int_equal(hc_dhcp_parse(m, n, &r), -EBADMSG);
    /* Every prefix of a valid message parses or fails, never overreads
     * (run under SANITIZE=address to check the last part). */
    n = make_reply(m, 7, HC_DHCPACK);
    for (size_t len = 240; len <= n; len++) {
        int rc = hc_dhcp_parse(m, len, &r);

        assert_true(rc == 0 || rc == -EBADMSG);
    }
}

static void test_checksum_rfc1071(void **state)
{
    /* The example from RFC 1071, section 3: sum 0xddf2, checksum ~. */
    static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03,
                                    0xf4, 0xf5, 0xf6, 0xf7 };

    assert_int_equal(hc_inet_checksum(data, sizeof(data), 0),
                     (uint16_t) ~0xddf2);
    /* Odd length: the last byte counts as its high half. */
    assert_int_equal(hc_inet_checksum("\x01", 1, 0), (uint16_t) ~0x0100);
}

static void test_frame_roundtrip(void **state)
{
    uint8_t msg[576], pkt[HC_DHCP_MAX_PACKET];
    size_t mlen = make_reply(msg, 42, HC_DHCPACK);
    const uint8_t *payload;
    size_t plen;
    ssize_t n;

    n = hc_dhcp_frame_build(pkt, sizeof(pkt), ip4("10.10.101.1"),
                            ip4("255.255.255.255"), 67, 68, msg, mlen);
    assert_int_equal(n, (ssize_t) (20 + 8 + mlen));
    assert_int_equal(pkt[0], 0x45);
    assert_int_equal(pkt[9], 17);
    /* A valid header sums to zero. */
    assert_int_equal(hc_inet_checksum(pkt, 20, 0), 0);
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 68, true,
                                         &payload, &plen), 0);
    assert_int_equal(plen, mlen);
    assert_memory_equal(payload, msg, mlen);
    /* Another port: valid, but not for us. */
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 67, true,
                                         &payload, &plen), -ENOENT);
    /* A flipped payload bit breaks the UDP checksum, unless the kernel
     * said the checksum was left to an offload. */
    pkt[100] ^= 1;
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 68, true,
                                         &payload, &plen), -EBADMSG);
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 68, false,
                                         &payload, &plen), 0);
    pkt[100] ^= 1;
    /* A broken IP header checksum. */
    pkt[8] = 1;
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 68, true,
                                         &payload, &plen), -EBADMSG);
}

static void test_frame_hostile(void **state)
{
    uint8_t msg[300] = { 0 }, pkt[HC_DHCP_MAX_PACKET];
    const uint8_t *payload;
    size_t plen;
    ssize_t n;

    n = hc_dhcp_frame_build(pkt, sizeof(pkt), ip4("1.2.3.4"),
                            ip4("5.6.7.8"), 67, 68, msg, sizeof(msg));
    assert_true(n > 0);
    /* Truncations, a total length past the buffer, a fragment. */
    for (size_t len = 0; len < (size_t) n; len += 7) {
        assert_int_not_equal(hc_dhcp_frame_parse(pkt, len, 68, true,
                                                 &payload, &plen), 0);
    }
    assert_int_equal(hc_dhcp_frame_build(pkt, 100, ip4("1.2.3.4"),
                                         ip4("5.6.7.8"), 67, 68, msg,
                                         sizeof(msg)), -ENOSPC);
    n = hc_dhcp_frame_build(pkt, sizeof(pkt), ip4("1.2.3.4"),
                            ip4("5.6.7.8"), 67, 68, msg, sizeof(msg));
    pkt[6] = 0x20;                   /* more fragments */
    pkt[10] = pkt[11] = 0;
    {
        uint16_t s = hc_inet_checksum(pkt, 20, 0);

        pkt[10] = (uint8_t) (s >> 8);
        pkt[11] = (uint8_t) s;
    }
    assert_int_equal(hc_dhcp_frame_parse(pkt, (size_t) n, 68, true,
                                         &payload, &plen), -ENOENT);
}

static void test_open_errors(void **state)
{
    hc_dhcpprobe_opts o = { .ifname = NULL };
    hc_dhcpprobe *p = (hc_dhcpprobe *) 1;

    /* A broadcast probe needs an interface. */
    o.server.s_addr = htonl(INADDR_BROADCAST);
    assert_int_equal(hc_dhcpprobe_open(&o, &p), -EINVAL);
    assert_null(p);
    o.ifname = "hcnosuchif0";
    assert_int_equal(hc_dhcpprobe_open(&o, &p), -ENODEV);
    o.type = HC_DHCPREQUEST;
    assert_int_equal(hc_dhcpprobe_open(&o, &p), -EINVAL);
    hc_dhcpprobe_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_inform),
        cmocka_unit_test(test_build_discover_broadcast),
        cmocka_unit_test(test_build_refuses),
        cmocka_unit_test(test_parse_offer),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_checksum_rfc1071),
        cmocka_unit_test(test_frame_roundtrip),
        cmocka_unit_test(test_frame_hostile),
        cmocka_unit_test(test_open_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
