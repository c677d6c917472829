"""``make demo``: the project's main story, on the embedded OneView simulator.

1. the (simulated) OneView appliance and what it serves, through our own client;
2. a real Ironic manages two of its servers with the ``oneview`` hardware type: enroll,
   validate, manage, inspect, clean, deploy and undeploy, watching OneView's side;
3. dynamic allocation: a OneView user takes a server and gives it back, and what one period
   of the periodic task costs OneView.

``python -m oneview_openstack.demo [--workdir DIR]``; every process it starts is stopped
when it ends, fails or is interrupted.
"""
