"""Enrollment: the Ironic nodes and ports that a template's OneView servers should be.

Written once, called by the enrollment CLI (``openstack oneview node create``,
``ironic-oneview node-create``) and by the daemon ``ironic-oneviewd``:

1. :mod:`catalog` reads OneView: the template with its hardware type, enclosure group and
   firmware baseline (one GET each), the compatible servers and the interconnects (one paged
   listing each). Nothing per server, except the local storage of a server being created
   when the operator gives no ``local_gb``.
2. :mod:`ironic` reads Ironic: one paged listing of ``oneview`` nodes and one of ports.
3. :mod:`plan` compares the two and decides, per server: create, repair (a node left without
   its ports by an interrupted run), already enrolled, or skipped (and why).
4. :mod:`run` carries the plan out concurrently: per server a node, its traits and its ports;
   a server that fails leaves nothing behind (its node is deleted).

Every step is idempotent: a node's UUID is its server's, so a second run, or two runs at
once, never create a duplicate.
"""

from oneview_openstack.enrollment.catalog import Catalog, TemplateBundle, read_catalog
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.enrollment.ironic import IronicNodes, OneViewNode, read_ironic
from oneview_openstack.enrollment.plan import Action, Selection, Step, plan
from oneview_openstack.enrollment.run import Outcome, Result, enroll, execute
from oneview_openstack.enrollment.spec import NodeOptions, NodeSpec, PortSpec

__all__ = [
    "Action",
    "Catalog",
    "EnrollmentError",
    "IronicNodes",
    "NodeOptions",
    "NodeSpec",
    "OneViewNode",
    "Outcome",
    "PortSpec",
    "Result",
    "Selection",
    "Step",
    "TemplateBundle",
    "enroll",
    "execute",
    "plan",
    "read_catalog",
    "read_ironic",
]
