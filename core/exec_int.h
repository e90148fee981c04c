/* Inside the exec module (exec.c, exec_ssh.c). */
#ifndef HC_EXEC_INT_H
#define HC_EXEC_INT_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

/* The argv that runs argv on node: ssh with hacon's options (and the
 * connection this process shares with node, see exec_ssh.c), "--", the
 * node, the command line with every word quoted.  g_strfreev(). */
char **hc_exec_ssh_argv(const char *node, const char *const *argv);

/* An ssh of this process started (running true) or reaped: target is
 * what kill() ends it with (-pgid, or its pid when it shares the
 * caller's group).  hc_exec_ssh_close() kills those still running: one
 * still logging in would become a master after hacon ended. */
void hc_exec_ssh_running(pid_t target, bool running);

#endif
