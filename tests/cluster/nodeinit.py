#!/usr/bin/python3
"""PID 1 of a test-cluster node after node-init: reaps the orphans that the
node's daemons and resource agents leave (they are reparented to PID 1).

No handler is installed for SIGTERM, SIGINT or SIGHUP on purpose: the kernel
drops those signals when they are sent to a PID-namespace init from inside
its namespace, so an agent's `fuser -k` or `kill -TERM -1` inside the node
cannot take the whole node down.  The node ends with SIGKILL from the host."""
import os
import signal
import time

# Python maps SIGINT to KeyboardInterrupt; give it back to the kernel.
signal.signal(signal.SIGINT, signal.SIG_DFL)

while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(1)
    except InterruptedError:
        pass
