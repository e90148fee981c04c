/* libFuzzer target for the DHCP probe's parsers: what a packet socket
 * hands the probe is any frame on the wire, so both the IPv4/UDP framing
 * and the DHCP message parser must hold against any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "dhcpprobe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *payload;
    size_t plen;
    hc_dhcp_reply r;

    /* As a whole frame, with and without the UDP checksum check. */
    for (int check = 0; check < 2; check++) {
        if (hc_dhcp_frame_parse(data, size, 68, check, &payload,
                                &plen) == 0) {
            (void) hc_dhcp_parse(payload, plen, &r);
        }
    }
    /* As a bare DHCP message. */
    (void) hc_dhcp_parse(data, size, &r);
    return 0;
}
