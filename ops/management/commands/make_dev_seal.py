"""Create a self-signed development seal certificate under var/seal/ (never committed)."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.management.base import BaseCommand

from core.pdf import DEVELOPMENT_SEAL as DEVELOPMENT


def _name(common_name: str, organisation: str = DEVELOPMENT) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_certificates(years: int = 10, organisation: str = DEVELOPMENT):
    """Return (root key, root cert, seal key, seal cert): a CA and the seal it issued (development by default)."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Development root CA", organisation))
        .issuer_name(_name("Development root CA", organisation))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * (years + 5)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name("He thong giao uoc thi dua - con dau dien tu", organisation))
        .issuer_name(root.subject)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return root_key, root, seal_key, seal


def write_dev_seal(target: Path, passphrase: str) -> Path:
    """Write the development seal (PKCS#12) to *target* and its root (PEM) beside it; return the root's path."""
    _, root, seal_key, seal = make_certificates()
    target.parent.mkdir(parents=True, exist_ok=True)
    bundle = pkcs12.serialize_key_and_certificates(
        b"dev-seal", seal_key, seal, [root], serialization.BestAvailableEncryption(passphrase.encode())
    )
    target.write_bytes(bundle)
    target.chmod(0o600)
    root_path = target.parent / "dev-root.pem"
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return root_path


class Command(BaseCommand):
    help = "Create a self-signed development seal certificate (PKCS#12) and its root under var/seal/."

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if the configured seal exists.")

    def handle(self, *args, if_missing=False, **options):
        target = Path(settings.SEAL_PKCS12)
        if if_missing and target.is_file():
            return
        root_path = write_dev_seal(target, settings.SEAL_PASSPHRASE)
        self.stdout.write(f"Development seal written to {target} (root: {root_path}). Never use it in production.")
