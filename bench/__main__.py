"""``python -m bench``: every benchmark, one after the other.

Arguments go to the simulator benchmark; ``python -m bench.ironic_periodics --help`` and
``python -m bench.enrollment --help`` tell how to run the Ironic and enrollment ones alone.
"""

from __future__ import annotations

import sys

from bench import enrollment, ironic_periodics, simulator

if __name__ == "__main__":
    status = simulator.main(sys.argv[1:])
    status = status or ironic_periodics.main([])
    sys.exit(status or enrollment.main([]))
