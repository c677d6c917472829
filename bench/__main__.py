"""``python -m bench``: every benchmark, one after the other.

Arguments go to the simulator benchmark; ``python -m bench.<name> --help`` tells how to run
one alone: ``ironic_periodics``, ``ironic_power_sync``, ``enrollment``, ``deploy``,
``deploy_locks`` (conductor lock time per deploy, blocking vs asynchronous), ``ml2``,
``daemon`` and ``nova_boot`` (server create/delete through Nova on a OneView blade).
"""

from __future__ import annotations

import sys

from bench import (
    daemon,
    deploy,
    deploy_locks,
    enrollment,
    ironic_periodics,
    ironic_power_sync,
    ml2,
    nova_boot,
    simulator,
)

if __name__ == "__main__":
    status = simulator.main(sys.argv[1:])
    status = status or ironic_periodics.main([])
    status = status or ironic_power_sync.main([])
    status = status or enrollment.main([])
    status = status or deploy.main([])
    status = status or deploy_locks.main([])
    status = status or ml2.main([])
    status = status or daemon.main([])
    sys.exit(status or nova_boot.main([]))
