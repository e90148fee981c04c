/* libFuzzer target: the ETA estimator on arbitrary sample sequences
 * (times may go back, amounts jump, NaN and infinities appear): it must
 * return finite or negative ("unknown") figures and never crash.  Input:
 * 4 bytes of tau and now, then records of an int16 time step (1/16 s)
 * and a uint32 amount. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_drbd_sample s[256];
    hc_drbd_eta e;
    size_t n = 0;
    double t = 0, tau, now;

    if (size < 4) {
        return 0;
    }
    tau = (double)(data[0] | data[1] << 8) / 64.0;
    now = (double)(int8_t)data[2] * 4.0;
    data += 4;
    size -= 4;
    while (size >= 6 && n < 256) {
        int16_t dt;
        uint32_t oos;
        memcpy(&dt, data, 2);
        memcpy(&oos, data + 2, 4);
        t += dt / 16.0;
        s[n].t = t;
        s[n++].oos_kib = oos;
        data += 6;
        size -= 6;
    }
    if (hc_drbd_eta_compute(s, n, t + now, tau, &e) == 0) {
        if (isnan(e.speed_kib_s) || isnan(e.eta_s) || isinf(e.eta_s)) {
            abort();
        }
    }
    return 0;
}
