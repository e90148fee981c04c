/* Inside the exec module (exec.c, exec_ssh.c). */
#ifndef HC_EXEC_INT_H
#define HC_EXEC_INT_H

#include <glib.h>

/* The argv that runs argv on node: ssh with hacon's options (and the
 * connection this process shares with node, see exec_ssh.c), "--", the
 * node, the command line with every word quoted.  g_strfreev(). */
char **hc_exec_ssh_argv(const char *node, const char *const *argv);

#endif
