/* DHCP probe: one DHCPINFORM or DHCPDISCOVER to a server, the matching
 * answer, with a deadline.  The deep monitor of ocf:hacon:dhcpd and the
 * failover test use it to prove that a dhcpd answers, not just that it runs.
 *
 * What a probe does to the server: a DHCPINFORM (sent when the interface has
 * an IPv4 address) asks for configuration only; dhcpd answers with a DHCPACK
 * and allocates nothing and writes nothing to its lease file.  A DHCPDISCOVER
 * (sent when the interface has no address) makes dhcpd offer an address; it
 * commits no lease until a DHCPREQUEST, which the probe never sends, but it
 * keeps that one address set aside for the probe's client for a while.  Every
 * probe uses the same hardware address and client id, so that it ties up at
 * most one address, and so that it is recognizable in dhcpd's log:
 * chaddr 02:68:63:70:72:62 ("hcprb", locally administered) and client id
 * "hacon-probe".
 *
 * Transport: a packet socket, as DHCP clients use, so that the probe works
 * without an address and on the server's own node (dhcpd reads requests from
 * a packet socket and would never see a UDP datagram that the kernel routes
 * over the loopback).  It needs CAP_NET_RAW. */
#ifndef HC_DHCPPROBE_H
#define HC_DHCPPROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HC_DHCP_PROBE_MAC { 0x02, 0x68, 0x63, 0x70, 0x72, 0x62 }
#define HC_DHCP_PROBE_CLIENT_ID "hacon-probe"

enum {
    HC_DHCPDISCOVER = 1,
    HC_DHCPOFFER = 2,
    HC_DHCPREQUEST = 3,
    HC_DHCPDECLINE = 4,
    HC_DHCPACK = 5,
    HC_DHCPNAK = 6,
    HC_DHCPRELEASE = 7,
    HC_DHCPINFORM = 8,
};

/* The largest message the probe builds or accepts (a full Ethernet MTU). */
#define HC_DHCP_MAX_PACKET 1500

typedef struct hc_dhcp_request {
    uint8_t type;          /* HC_DHCPDISCOVER or HC_DHCPINFORM */
    uint32_t xid;
    uint8_t chaddr[6];
    struct in_addr ciaddr; /* INFORM: the client's address; else 0 */
    bool broadcast;        /* ask for a broadcast answer */
} hc_dhcp_request;

typedef struct hc_dhcp_reply {
    uint8_t op;            /* 2: BOOTREPLY */
    uint8_t type;          /* option 53, 0 when absent (plain BOOTP) */
    uint32_t xid;
    uint8_t chaddr[6];
    struct in_addr yiaddr;
    struct in_addr server_id;  /* option 54, 0 when absent */
    uint32_t lease_time;       /* option 51 in seconds, 0 when absent */
} hc_dhcp_reply;

/* Writes the DHCP message for req into buf (BOOTP header, magic cookie,
 * options, padded to the 300 bytes that BOOTP relays expect).  Returns its
 * length, or -EINVAL for a type other than DISCOVER or INFORM, or -ENOSPC. */
ssize_t hc_dhcp_build(uint8_t *buf, size_t size, const hc_dhcp_request *req);

/* Parses the DHCP message [buf, buf+len) into *ret.  Never reads past len;
 * options may be in any order and are bounded by their lengths.  Returns 0,
 * or -EBADMSG when the message is truncated, has no magic cookie or an
 * option runs past the end. */
int hc_dhcp_parse(const uint8_t *buf, size_t len, hc_dhcp_reply *ret);

/* The Internet checksum (RFC 1071) of [data, data+len), folded into the
 * partial sum `sum` (0 to start). */
uint16_t hc_inet_checksum(const void *data, size_t len, uint32_t sum);

/* Wraps payload in IPv4 and UDP headers with correct checksums into buf.
 * Returns the packet's length or -ENOSPC. */
ssize_t hc_dhcp_frame_build(uint8_t *buf, size_t size, struct in_addr src,
                            struct in_addr dst, uint16_t sport,
                            uint16_t dport, const uint8_t *payload,
                            size_t len);

/* Checks that [buf, buf+len) is an unfragmented IPv4 UDP packet to port
 * dport with valid checksums, and points *payload and *payload_len at its UDP
 * payload.  check_udp_sum false skips the UDP checksum: a packet that this
 * host sent, or that came over a veth or the loopback, carries only the
 * pseudo-header sum when the kernel left it to an offload
 * (TP_STATUS_CSUMNOTREADY).  Returns 0, or -EBADMSG (malformed, bad
 * checksum) or -ENOENT (valid, but not UDP to dport). */
int hc_dhcp_frame_parse(const uint8_t *buf, size_t len, uint16_t dport,
                        bool check_udp_sum, const uint8_t **payload,
                        size_t *payload_len);

/* A reusable probe: its socket and buffers are made once by
 * hc_dhcpprobe_open(), so that hc_dhcpprobe_run() allocates nothing. */
typedef struct hc_dhcpprobe hc_dhcpprobe;

typedef struct hc_dhcpprobe_opts {
    /* Interface to send on.  NULL: the one the kernel routes `server`
     * through (then server must not be the broadcast address). */
    const char *ifname;
    /* The server's address, or INADDR_BROADCAST. */
    struct in_addr server;
    /* HC_DHCPINFORM, HC_DHCPDISCOVER, or 0: INFORM when the interface has
     * an IPv4 address, else DISCOVER. */
    uint8_t type;
} hc_dhcpprobe_opts;

typedef struct hc_dhcpprobe_result {
    uint8_t sent_type;         /* what was sent */
    uint8_t type;              /* the answer: OFFER, ACK or NAK */
    uint32_t xid;
    struct in_addr server_id;  /* option 54, else the answer's source */
    struct in_addr yiaddr;     /* offered address (0 for INFORM) */
    struct in_addr ciaddr;     /* the address the INFORM was sent from */
    double rtt_ms;             /* from send to the matching answer */
} hc_dhcpprobe_result;

/* Opens the probe's socket and resolves the interface and its address.
 * Returns 0 and the probe in *ret (free with hc_dhcpprobe_free()), or
 * -EPERM without CAP_NET_RAW, -ENODEV for an unknown interface,
 * -EADDRNOTAVAIL for an INFORM from an interface without an address,
 * -EINVAL for a broadcast server without an interface, or another -errno. */
int hc_dhcpprobe_open(const hc_dhcpprobe_opts *opts, hc_dhcpprobe **ret);

/* Sends one request with a new random xid and waits up to timeout_ms for
 * the matching answer (same xid and hardware address).  Allocates nothing.
 * Returns 0 and fills *ret, -ETIMEDOUT when nothing matching came, or
 * another -errno when sending or receiving failed. */
int hc_dhcpprobe_run(hc_dhcpprobe *p, int timeout_ms,
                     hc_dhcpprobe_result *ret);

/* The interface the probe sends on (for messages). */
const char *hc_dhcpprobe_ifname(const hc_dhcpprobe *p);

void hc_dhcpprobe_free(hc_dhcpprobe *p);

/* "DHCPACK" etc.; "DHCP?" for an unknown type. */
const char *hc_dhcp_type_name(uint8_t type);

#endif
