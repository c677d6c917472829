"""Virtual ironic-python-agents: one per simulated server, what sushy-tools never had.

A server that boots from the network runs a virtual agent that speaks
ironic-python-agent 13's protocol to a real Ironic (lookup, heartbeat, the
commands of cleaning, the ``direct`` deploy and its tear-down), so that Ironic's
own agent-based deploy runs against the simulator with no ramdisk, DHCP or TFTP.

- ``fleet``     the agents: born on a network boot, dead at power off; the loops.
- ``agent``     one live agent's state (token, node, commands).
- ``execution`` running a command: busy, injected failures, latency, the steps' work.
- ``commands``  the IPA commands, their answers and errors.
- ``image``     ``write_image``: download and verify the image.
- ``disks``     what was written on each server's disk (internal store documents).
- ``ironic``    lookup and heartbeat over HTTP.
- ``nics``      the MACs a lookup sends.
- ``listener``  the HTTP listener Ironic sends commands to (``/agents/<server-id>``).
- ``operator``  ``/sim/agents``: state, settings, failure injection.
- ``settings``, ``failures``: what flags and the operator API set.
"""
