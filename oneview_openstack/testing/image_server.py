"""One image served over loopback HTTP, for deploys through the simulator's virtual agents
(tests, the demo, the benchmark).

Ironic's conductor only sends ``HEAD`` to an ``http`` image_source (to check it exists); the
agent ``GET``s it and checks its hash.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from oneview_openstack.testing.service_process import LOOPBACK, Startable

LOG = logging.getLogger(__name__)

_TIMEOUT = 10.0


class ImageServer(Startable):
    """Serves one image at :attr:`url` over loopback HTTP (HEAD and GET), for deploys.

    Ironic's conductor only sends HEAD to an ``http`` image_source; the agent GETs it.
    """

    def __init__(self, content: bytes, name: str = "disk.raw") -> None:
        self.content = content
        self.name = name
        self.sha256 = hashlib.sha256(content).hexdigest()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _image_handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}/images/{self.name}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=_TIMEOUT)


def _image_handler(images: ImageServer) -> type[BaseHTTPRequestHandler]:
    class ImageHandler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self._send(with_body=False)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._send(with_body=True)

        def _send(self, with_body: bool) -> None:
            if urlsplit(self.path).path != f"/images/{images.name}":
                self.send_error(HTTPStatus.NOT_FOUND, f"No image at {self.path}")
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(images.content)))
            self.end_headers()
            if with_body:
                self.wfile.write(images.content)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
            LOG.debug("%s %s", self.address_string(), format % args)

    return ImageHandler
