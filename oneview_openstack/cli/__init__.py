"""The enrollment CLI: ``openstack oneview ...`` (an OpenStackClient plugin) and
``ironic-oneview`` (the same commands standalone, with the original tool's names).

- :mod:`plugin`: the OpenStackClient plugin contract;
- :mod:`shell`: the ``ironic-oneview`` application;
- :mod:`oneview_options`: how both reach OneView (options, environment, config file);
- :mod:`base`: the clients of a command run, and errors turned into one line;
- :mod:`v1`: the commands, one module per object. The work is done by
  :mod:`oneview_openstack.enrollment`, shared with the daemon.
"""
