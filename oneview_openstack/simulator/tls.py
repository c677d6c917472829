"""The appliance's TLS identity: a private CA and a server certificate it signed.

Both are generated on first start into the certificate directory and reused
afterwards, so a client configured with ``ca.pem`` keeps working across
restarts. The server certificate names ``localhost``, ``127.0.0.1``, ``::1``,
this machine's host names and the bound address, so clients that check host
names (``requests``) accept it as well as those that only check the chain (the
hpeOneView SDK). A server certificate that lacks one of the wanted names, or
that expires within a week, is issued again from the same CA.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import ipaddress
import logging
import os
import socket
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOG = logging.getLogger(__name__)

CA_LIFETIME = datetime.timedelta(days=3650)
SERVER_LIFETIME = datetime.timedelta(days=825)
RENEW_BEFORE = datetime.timedelta(days=7)
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - names, not binds

PrivateKey = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class CertificatePaths:
    """Where the PEM files live. ``ca`` is what clients trust."""

    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def key(self) -> Path:
        return self.directory / "server-key.pem"


def server_names(bind_host: str = "") -> list[str]:
    """Every name a client on this machine may use for the appliance."""
    names = ["localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()]
    if bind_host not in WILDCARD_ADDRESSES:
        names.append(bind_host)
    return list(dict.fromkeys(name for name in names if name))


def ensure_certificates(directory: Path, names: Iterable[str] = ()) -> CertificatePaths:
    """Create the CA and server certificate unless usable ones are already there."""
    paths = CertificatePaths(directory)
    extra = [name for name in names if name not in WILDCARD_ADDRESSES]
    wanted = list(dict.fromkeys([*server_names(), *extra]))
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory):
        _ensure(paths, wanted)
    return paths


def _ensure(paths: CertificatePaths, wanted: list[str]) -> None:
    if paths.ca.exists() and paths.ca_key.exists():
        ca_key = _load_key(paths.ca_key)
        ca_cert = x509.load_pem_x509_certificate(paths.ca.read_bytes())
    else:
        ca_key, ca_cert = _new_ca()
        _write_key(paths.ca_key, ca_key)
        _write_cert(paths.ca, ca_cert)
        LOG.info("Created a certificate authority in %s", paths.ca)
    if not _server_cert_usable(paths, ca_cert, wanted):
        key = ec.generate_private_key(ec.SECP256R1())
        _write_key(paths.key, key)
        _write_cert(paths.cert, _new_server_cert(key, ca_key, ca_cert, wanted))
        LOG.info("Issued a server certificate for %s", ", ".join(wanted))


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Two simulators starting at once with one directory create one CA, not two."""
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def server_context(paths: CertificatePaths) -> ssl.SSLContext:
    """A server-side TLS context: TLS 1.2 or newer, the generated certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(paths.cert, paths.key)
    return context


def _server_cert_usable(
    paths: CertificatePaths, ca_cert: x509.Certificate, wanted: list[str]
) -> bool:
    if not (paths.cert.exists() and paths.key.exists()):
        return False
    cert = x509.load_pem_x509_certificate(paths.cert.read_bytes())
    if cert.issuer != ca_cert.subject:
        return False
    if cert.not_valid_after_utc - _now() < RENEW_BEFORE:
        return False
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    present = {str(name.value) for name in san}
    return all(str(_general_name(name).value) in present for name in wanted)


def _new_ca() -> tuple[PrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "oneview-simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, "OneView simulator CA"),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _new_server_cert(
    key: PrivateKey, ca_key: PrivateKey, ca_cert: x509.Certificate, names: list[str]
) -> x509.Certificate:
    now = _now()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "oneview-simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, names[0]),
        ]
    )
    ca_key_id = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + SERVER_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([_general_name(name) for name in names]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _load_key(path: Path) -> PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: expected an EC private key, found {type(key).__name__}")
    return key


def _write_key(path: Path, key: PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomically(path, pem, mode=0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    _write_atomically(path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Readers (a second simulator sharing the directory) never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
