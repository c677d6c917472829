"""``write_image``: download the image Ironic names and check it against the hash Ironic sent.

Blocking (run in the fleet's thread pool); nothing is kept but the hash and size:
the "disk" is the record ``disks`` keeps.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import requests

from oneview_openstack.simulator.agents.commands import CommandFailed

CHUNK = 1 << 20
TIMEOUT = 30.0
# A legacy ``checksum`` without an algorithm: ironic-python-agent guesses it by length.
_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}


@dataclass(frozen=True)
class Image:
    url: str
    algorithm: str
    hash: str
    size: int
    image_id: str | None
    disk_format: str | None

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "os_hash_algo": self.algorithm,
            "os_hash_value": self.hash,
            "size": self.size,
            "image_id": self.image_id,
            "disk_format": self.disk_format,
        }


def expected_hash(image_info: dict[str, Any]) -> tuple[str, str]:
    """(algorithm, hex digest) Ironic expects: os_hash_algo/os_hash_value, else ``checksum``."""
    algorithm, value = image_info.get("os_hash_algo"), image_info.get("os_hash_value")
    if not (algorithm and value):
        value = image_info.get("checksum")
        algorithm = _BY_LENGTH.get(len(value)) if isinstance(value, str) else None
    if not (isinstance(algorithm, str) and isinstance(value, str)):
        raise CommandFailed(
            "The image_info has neither os_hash_algo/os_hash_value nor a checksum.",
            "ImageChecksumError",
        )
    if algorithm not in hashlib.algorithms_available:
        raise CommandFailed(f"Unknown image hash algorithm {algorithm!r}.", "ImageChecksumError")
    return algorithm, value.lower()


def write_image(image_info: dict[str, Any]) -> Image:
    """Fetch ``urls[0]`` and verify it; raises ``CommandFailed`` naming both hashes."""
    urls = image_info.get("urls") or []
    if not urls or not isinstance(urls[0], str):
        raise CommandFailed("The image_info has no URL to download.", "ImageDownloadError")
    url = urls[0]
    algorithm, expected = expected_hash(image_info)
    digest = hashlib.new(algorithm)
    size = 0
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT) as response:
            response.raise_for_status()
            for chunk in response.iter_content(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except requests.RequestException as error:
        raise CommandFailed(
            f"Image download from {url} failed: {error}", "ImageDownloadError"
        ) from error
    actual = digest.hexdigest()
    if actual != expected:
        raise CommandFailed(
            f"Image {url} failed to verify against its {algorithm} hash: "
            f"expected {expected}, actual {actual} ({size} bytes).",
            "ImageChecksumError",
        )
    return Image(
        url,
        algorithm,
        actual,
        size,
        image_info.get("id"),
        image_info.get("disk_format"),
    )
