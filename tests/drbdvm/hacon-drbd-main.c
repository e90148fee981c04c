/* The `hacon drbd` command alone, linked statically so that it runs in the
 * drbdvm initramfs (busybox, no Pacemaker libraries): the same
 * tui/cmd_drbd.c and core/drbd*.c as in hacon, only without the other
 * commands of tui/main.c, which need the cluster's libraries. */
#include <errno.h>
#include <locale.h>

#include "commands.h"
#include "drbd_cib.h"

/* The Pacemaker correlation needs libxml2 and the CIB, neither of which is
 * in the VMs: --cib says so. */
int hc_drbd_cib_report_file(const char *path, const hc_drbd *d,
                            const char *local_node, bool json,
                            GString *out)
{
    return -ENOTSUP;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    return hc_command_exec(&hc_cmd_drbd, argc, argv);
}
