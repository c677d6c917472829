"""A OneView REST appliance simulator (what sushy-tools is for Redfish).

The package is an independent reading of the OneView API: it never imports
``oneview_openstack.client`` (and the client never imports it), so testing one
against the other checks both.

Layers, from the wire inwards:

- ``app``        ASGI glue: counters, faults, auth, API version, dispatch, commit.
- ``router``     method + path template -> handler; the request context ``Ctx``.
- ``resources``  one module per resource family, registering routes and jobs.
- ``tasks``      asynchronous operations (202 + /rest/tasks/{id}) as persisted jobs.
- ``store``      every document by URI; the one place state changes.
- ``versions``   one canonical model rendered per request X-API-Version.
- ``agents``     virtual ironic-python-agents on servers that boot from the network,
                 with their own plain-HTTP listener for Ironic's commands.
"""
