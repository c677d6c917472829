"""``ironic-oneviewd``: enrolls the servers of configured templates and drives their nodes to
``available``, alone or shared among instances through tooz. See ``doc/daemon.md``.

- :mod:`settings` reads the configuration once; :mod:`ironic` builds the Ironic client;
- :mod:`convergence` decides, per node, the next provision-state move (pure);
- :mod:`ring` says which servers this instance handles (tooz group + consistent hash ring);
- :mod:`cycle` runs one cycle: enrollment (:mod:`oneview_openstack.enrollment`), then moves;
- :mod:`metrics` serves Prometheus metrics and a health endpoint;
- :mod:`service` loops, stops gracefully on SIGTERM; :mod:`main` is the console script.
"""
