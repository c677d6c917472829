"""``python -m bench``: every benchmark, one after the other.

Arguments go to the simulator benchmark; ``python -m bench.ironic_periodics --help``,
``python -m bench.ironic_power_sync --help``, ``python -m bench.enrollment --help``,
``python -m bench.deploy --help``, ``python -m bench.ml2 --help`` and
``python -m bench.daemon --help`` tell how to run the Ironic, power sync, enrollment, deploy,
ML2 and ironic-oneviewd ones alone.
"""

from __future__ import annotations

import sys

from bench import daemon, deploy, enrollment, ironic_periodics, ironic_power_sync, ml2, simulator

if __name__ == "__main__":
    status = simulator.main(sys.argv[1:])
    status = status or ironic_periodics.main([])
    status = status or ironic_power_sync.main([])
    status = status or enrollment.main([])
    status = status or deploy.main([])
    status = status or ml2.main([])
    sys.exit(status or daemon.main([]))
