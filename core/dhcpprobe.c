#include "dhcpprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define BOOTP_FIXED 236          /* op .. file */
#define BOOTP_MIN 300            /* RFC 951 minimum message */
#define DHCP_MAGIC 0x63825363u

enum {
    OPT_PAD = 0,
    OPT_LEASE_TIME = 51,
    OPT_MSG_TYPE = 53,
    OPT_SERVER_ID = 54,
    OPT_PARAM_REQ = 55,
    OPT_MAX_SIZE = 57,
    OPT_CLIENT_ID = 61,
    OPT_END = 255,
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | p[3];
}

const char *hc_dhcp_type_name(uint8_t type)
{
    static const char *const names[] = {
        "BOOTP", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPDECLINE",
        "DHCPACK", "DHCPNAK", "DHCPRELEASE", "DHCPINFORM",
    };

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "DHCP?";
}

ssize_t hc_dhcp_build(uint8_t *buf, size_t size, const hc_dhcp_request *req)
{
    static const uint8_t params[] = { 1, 3, 6, 51, 54 };
    const size_t id_len = sizeof(HC_DHCP_PROBE_CLIENT_ID) - 1;
    size_t n;

    if (req->type != HC_DHCPDISCOVER && req->type != HC_DHCPINFORM) {
        return -EINVAL;
    }
    if (size < BOOTP_MIN) {
        return -ENOSPC;
    }
    memset(buf, 0, BOOTP_MIN);
    buf[0] = 1;                      /* BOOTREQUEST */
    buf[1] = 1;                      /* Ethernet */
    buf[2] = 6;
    put32(buf + 4, req->xid);
    put16(buf + 10, req->broadcast ? 0x8000 : 0);
    memcpy(buf + 12, &req->ciaddr, 4);
    memcpy(buf + 28, req->chaddr, 6);
    put32(buf + BOOTP_FIXED, DHCP_MAGIC);
    n = BOOTP_FIXED + 4;

    buf[n++] = OPT_MSG_TYPE;
    buf[n++] = 1;
    buf[n++] = req->type;
    /* Client id: type 0 (not a hardware address), then the name. */
    buf[n++] = OPT_CLIENT_ID;
    buf[n++] = (uint8_t) (id_len + 1);
    buf[n++] = 0;
    memcpy(buf + n, HC_DHCP_PROBE_CLIENT_ID, id_len);
    n += id_len;
    buf[n++] = OPT_PARAM_REQ;
    buf[n++] = sizeof(params);
    memcpy(buf + n, params, sizeof(params));
    n += sizeof(params);
    buf[n++] = OPT_MAX_SIZE;
    buf[n++] = 2;
    put16(buf + n, 576);
    n += 2;
    buf[n++] = OPT_END;
    return n < BOOTP_MIN ? BOOTP_MIN : (ssize_t) n;
}

int hc_dhcp_parse(const uint8_t *buf, size_t len, hc_dhcp_reply *ret)
{
    size_t i;

    memset(ret, 0, sizeof(*ret));
    if (len < BOOTP_FIXED + 4 || buf[1] != 1 || buf[2] != 6) {
        return -EBADMSG;
    }
    if (get32(buf + BOOTP_FIXED) != DHCP_MAGIC) {
        return -EBADMSG;
    }
    ret->op = buf[0];
    ret->xid = get32(buf + 4);
    memcpy(&ret->yiaddr, buf + 16, 4);
    memcpy(ret->chaddr, buf + 28, 6);

    /* Options are type, length, value; PAD and END have no length.
     * Overloaded sname/file fields (option 52) are not followed: the
     * probe needs only options that servers put in the main area. */
    for (i = BOOTP_FIXED + 4; i < len;) {
        uint8_t code = buf[i++];
        uint8_t olen;

        if (code == OPT_PAD) {
            continue;
        }
        if (code == OPT_END) {
            return 0;
        }
        if (i >= len) {
            return -EBADMSG;
        }
        olen = buf[i++];
        if (olen > len - i) {
            return -EBADMSG;
        }
        switch (code) {
        case OPT_MSG_TYPE:
            if (olen >= 1) {
                ret->type = buf[i];
            }
            break;
        case OPT_SERVER_ID:
            if (olen >= 4) {
                memcpy(&ret->server_id, buf + i, 4);
            }
            break;
        case OPT_LEASE_TIME:
            if (olen >= 4) {
                ret->lease_time = get32(buf + i);
            }
            break;
        default:
            break;
        }
        i += olen;
    }
    /* No END option: accepted, as many clients do. */
    return 0;
}

uint16_t hc_inet_checksum(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;

    while (len > 1) {
        sum += get16(p);
        p += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t) p[0] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* The partial sum of the UDP pseudo-header, not yet complemented. */
static uint32_t pseudo_sum(const uint8_t *src, const uint8_t *dst,
                           size_t udp_len)
{
    return get16(src) + get16(src + 2) + get16(dst) + get16(dst + 2)
           + 17 + (uint32_t) udp_len;
}

ssize_t hc_dhcp_frame_build(uint8_t *buf, size_t size, struct in_addr src,
                            struct in_addr dst, uint16_t sport,
                            uint16_t dport, const uint8_t *payload,
                            size_t len)
{
    size_t udp_len = 8 + len, total = 20 + udp_len;
    uint8_t *ip = buf, *udp = buf + 20;
    uint16_t sum;

    if (total > size || total > 0xffff) {
        return -ENOSPC;
    }
    memmove(udp + 8, payload, len);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t) total);
    ip[8] = 64;                      /* TTL */
    ip[9] = 17;                      /* UDP */
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    put16(ip + 10, hc_inet_checksum(ip, 20, 0));

    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (uint16_t) udp_len);
    put16(udp + 6, 0);
    sum = hc_inet_checksum(udp, udp_len, pseudo_sum(ip + 12, ip + 16, udp_len));
    /* 0 means "no checksum" in UDP; a computed 0 is sent as 0xffff. */
    put16(udp + 6, sum ? sum : 0xffff);
    return (ssize_t) total;
}

int hc_dhcp_frame_parse(const uint8_t *buf, size_t len, uint16_t dport,
                        bool check_udp_sum, const uint8_t **payload,
                        size_t *payload_len)
{
    size_t ihl, total, udp_len;
    const uint8_t *udp;

    if (len < 20 || (buf[0] >> 4) != 4) {
        return -EBADMSG;
    }
    ihl = (size_t) (buf[0] & 0x0f) * 4;
    total = get16(buf + 2);
    if (ihl < 20 || total < ihl || total > len) {
        return -EBADMSG;
    }
    if (hc_inet_checksum(buf, ihl, 0) != 0) {
        return -EBADMSG;
    }
    if (buf[9] != 17 || (get16(buf + 6) & 0x3fff) != 0) {
        return -ENOENT;              /* not UDP, or a fragment */
    }
    if (total - ihl < 8) {
        return -EBADMSG;
    }
    udp = buf + ihl;
    udp_len = get16(udp + 4);
    if (udp_len < 8 || udp_len > total - ihl) {
        return -EBADMSG;
    }
    if (get16(udp + 2) != dport) {
        return -ENOENT;
    }
    if (check_udp_sum && get16(udp + 6) != 0
        && hc_inet_checksum(udp, udp_len,
                            pseudo_sum(buf + 12, buf + 16, udp_len)) != 0) {
        return -EBADMSG;
    }
    *payload = udp + 8;
    *payload_len = udp_len - 8;
    return 0;
}

struct hc_dhcpprobe {
    int fd;
    int ifindex;
    char ifname[IF_NAMESIZE];
    struct in_addr server;
    struct in_addr ciaddr;
    uint8_t type;
    uint8_t tx[HC_DHCP_MAX_PACKET];
    uint8_t msg[HC_DHCP_MAX_PACKET];
    uint8_t rx[HC_DHCP_MAX_PACKET + 64];
    /* Control buffer for PACKET_AUXDATA, aligned for struct cmsghdr. */
    union {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } cmsg_u;
};

const char *hc_dhcpprobe_ifname(const hc_dhcpprobe *p)
{
    return p->ifname;
}

/* The interface whose address the kernel would send from to reach server,
 * and that address. */
static int route_to(struct in_addr server, char *ifname,
                    struct in_addr *ret_addr)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(DHCP_SERVER_PORT),
                              .sin_addr = server };
    struct sockaddr_in me;
    socklen_t me_len = sizeof(me);
    struct ifaddrs *ifa, *i;
    int fd, r = -ENODEV;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0
        || getsockname(fd, (struct sockaddr *) &me, &me_len) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    close(fd);
    if (getifaddrs(&ifa) < 0) {
        return -errno;
    }
    for (i = ifa; i; i = i->ifa_next) {
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET
            && ((struct sockaddr_in *) i->ifa_addr)->sin_addr.s_addr
                   == me.sin_addr.s_addr) {
            snprintf(ifname, IF_NAMESIZE, "%s", i->ifa_name);
            *ret_addr = me.sin_addr;
            r = 0;
            break;
        }
    }
    freeifaddrs(ifa);
    return r;
}

/* The address an INFORM is sent from: the one the kernel would use towards
 * a unicast server when it is on ifname, else the interface's first IPv4
 * address.  -EADDRNOTAVAIL when the interface has none. */
static int pick_ciaddr(const char *ifname, struct in_addr server,
                       struct in_addr *ret)
{
    struct ifaddrs *ifa, *i;
    char rif[IF_NAMESIZE];
    struct in_addr raddr;
    int r = -EADDRNOTAVAIL;

    if (server.s_addr != htonl(INADDR_BROADCAST)
        && route_to(server, rif, &raddr) == 0 && !strcmp(rif, ifname)) {
        *ret = raddr;
        return 0;
    }
    if (getifaddrs(&ifa) < 0) {
        return -errno;
    }
    for (i = ifa; i; i = i->ifa_next) {
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET
            && !strcmp(i->ifa_name, ifname)) {
            *ret = ((struct sockaddr_in *) i->ifa_addr)->sin_addr;
            r = 0;
            break;
        }
    }
    freeifaddrs(ifa);
    return r;
}

/* Lets only IPv4 UDP to port 68 reach the socket, so that a busy interface
 * costs the probe nothing.  Offsets are from the network header (SOCK_DGRAM). */
static int attach_filter(int fd)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
                               .filter = code };

    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                   sizeof(prog)) < 0) {
        return -errno;
    }
    return 0;
}

int hc_dhcpprobe_open(const hc_dhcpprobe_opts *opts, hc_dhcpprobe **ret)
{
    struct sockaddr_ll ll = { .sll_family = AF_PACKET };
    hc_dhcpprobe *p;
    struct in_addr dummy;
    int r;

    *ret = NULL;
    if (opts->type != 0 && opts->type != HC_DHCPINFORM
        && opts->type != HC_DHCPDISCOVER) {
        return -EINVAL;
    }
    p = calloc(1, sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    p->fd = -1;
    p->server = opts->server;
    if (opts->ifname) {
        if (strlen(opts->ifname) >= IF_NAMESIZE) {
            r = -ENODEV;
            goto fail;
        }
        snprintf(p->ifname, sizeof(p->ifname), "%s", opts->ifname);
    } else if (opts->server.s_addr == htonl(INADDR_BROADCAST)) {
        r = -EINVAL;
        goto fail;
    } else if ((r = route_to(opts->server, p->ifname, &dummy)) < 0) {
        goto fail;
    }
    p->ifindex = (int) if_nametoindex(p->ifname);
    if (p->ifindex == 0) {
        r = -ENODEV;
        goto fail;
    }
    r = pick_ciaddr(p->ifname, opts->server, &p->ciaddr);
    if (r < 0 && (r != -EADDRNOTAVAIL || opts->type == HC_DHCPINFORM)) {
        goto fail;
    }
    p->type = opts->type ? opts->type
              : r == 0 ? HC_DHCPINFORM : HC_DHCPDISCOVER;
    if (p->type == HC_DHCPDISCOVER) {
        p->ciaddr.s_addr = 0;
    }

    /* Protocol 0 first: nothing is queued before the filter is attached.
     * Then ETH_P_ALL on every interface: only ETH_P_ALL taps see frames
     * that this host sends (a dhcpd on this node answers through its own
     * packet socket), and an INFORM's unicast answer to a local address
     * comes back over the loopback, not over the probed interface. */
    p->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (p->fd < 0) {
        r = -errno;
        goto fail;
    }
    r = attach_filter(p->fd);
    if (r < 0) {
        goto fail;
    }
    /* PACKET_AUXDATA tells which packets carry a checksum left to an
     * offload (see hc_dhcp_frame_parse()). */
    if (setsockopt(p->fd, SOL_PACKET, PACKET_AUXDATA, &(int) { 1 },
                   sizeof(int)) < 0) {
        r = -errno;
        goto fail;
    }
    ll.sll_protocol = htons(ETH_P_ALL);
    ll.sll_ifindex = 0;
    if (bind(p->fd, (struct sockaddr *) &ll, sizeof(ll)) < 0) {
        r = -errno;
        goto fail;
    }
    *ret = p;
    return 0;

fail:
    hc_dhcpprobe_free(p);
    return r;
}

void hc_dhcpprobe_free(hc_dhcpprobe *p)
{
    if (!p) {
        return;
    }
    if (p->fd >= 0) {
        close(p->fd);
    }
    free(p);
}

static double mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static uint32_t random_xid(void)
{
    uint32_t x;

    if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t) sizeof(x)) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        x = (uint32_t) ts.tv_nsec ^ ((uint32_t) getpid() << 16);
    }
    return x;
}

/* Drops what queued up since the last probe (late answers, other
 * clients' traffic), so that an old answer is never taken for a new one. */
static void drain(hc_dhcpprobe *p)
{
    while (recv(p->fd, p->rx, sizeof(p->rx), MSG_DONTWAIT) >= 0) {
    }
}

int hc_dhcpprobe_run(hc_dhcpprobe *p, int timeout_ms,
                     hc_dhcpprobe_result *ret)
{
    static const uint8_t mac[6] = HC_DHCP_PROBE_MAC;
    hc_dhcp_request req = { .type = p->type, .ciaddr = p->ciaddr };
    struct sockaddr_ll to = { .sll_family = AF_PACKET };
    ssize_t mlen, flen;
    double t0, deadline;

    memset(ret, 0, sizeof(*ret));
    req.xid = random_xid();
    memcpy(req.chaddr, mac, sizeof(mac));
    /* Without an address the probe cannot take a unicast answer. */
    req.broadcast = p->type == HC_DHCPDISCOVER;
    mlen = hc_dhcp_build(p->msg, sizeof(p->msg), &req);
    if (mlen < 0) {
        return (int) mlen;
    }
    flen = hc_dhcp_frame_build(p->tx, sizeof(p->tx), p->ciaddr, p->server,
                               DHCP_CLIENT_PORT, DHCP_SERVER_PORT, p->msg,
                               (size_t) mlen);
    if (flen < 0) {
        return (int) flen;
    }
    /* Link-layer broadcast even to a unicast server: no ARP needed, and
     * dhcpd's packet socket takes it whatever the destination MAC. */
    to.sll_protocol = htons(ETH_P_IP);
    to.sll_ifindex = p->ifindex;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);

    ret->sent_type = p->type;
    ret->xid = req.xid;
    ret->ciaddr = p->ciaddr;
    drain(p);
    t0 = mono_ms();
    deadline = t0 + (timeout_ms > 0 ? timeout_ms : 1000);
    if (sendto(p->fd, p->tx, (size_t) flen, 0, (struct sockaddr *) &to,
               sizeof(to)) < 0) {
        return -errno;
    }
    for (;;) {
        struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
        double now = mono_ms();
        const uint8_t *dhcp;
        size_t dhcp_len;
        hc_dhcp_reply reply;
        struct iovec iov = { .iov_base = p->rx, .iov_len = sizeof(p->rx) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = &p->cmsg_u,
                             .msg_controllen = sizeof(p->cmsg_u) };
        bool check_sum;
        ssize_t n;
        int wait_ms;

        if (now >= deadline) {
            return -ETIMEDOUT;
        }
        wait_ms = (int) (deadline - now) + 1;
        if (poll(&pfd, 1, wait_ms) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (!(pfd.revents & POLLIN)) {
            continue;
        }
        n = recvmsg(p->fd, &mh, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return -errno;
        }
        check_sum = true;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
             cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_PACKET
                && cm->cmsg_type == PACKET_AUXDATA
                && cm->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
                struct tpacket_auxdata aux;

                memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
                if (aux.tp_status & TP_STATUS_CSUMNOTREADY) {
                    check_sum = false;
                }
            }
        }
        if (hc_dhcp_frame_parse(p->rx, (size_t) n, DHCP_CLIENT_PORT,
                                check_sum, &dhcp, &dhcp_len) < 0
            || hc_dhcp_parse(dhcp, dhcp_len, &reply) < 0) {
            continue;
        }
        if (reply.op != 2 || reply.xid != req.xid
            || memcmp(reply.chaddr, mac, sizeof(mac))) {
            continue;
        }
        ret->rtt_ms = mono_ms() - t0;
        ret->type = reply.type;
        ret->yiaddr = reply.yiaddr;
        ret->server_id = reply.server_id;
        if (!ret->server_id.s_addr) {
            memcpy(&ret->server_id, p->rx + 12, 4);
        }
        return 0;
    }
}
