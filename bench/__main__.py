"""``python -m bench``: every benchmark, one after the other.

Arguments go to the simulator benchmark; ``python -m bench.ironic_periodics --help`` tells
how to run the Ironic one alone.
"""

from __future__ import annotations

import sys

from bench import ironic_periodics, simulator

if __name__ == "__main__":
    status = simulator.main(sys.argv[1:])
    sys.exit(status or ironic_periodics.main([]))
