"""A private OpenLDAP server (Debian's slapd) for the auth_ldap tests.

Each :class:`Slapd` has its own directory: a generated ``slapd.conf`` (core, cosine,
inetorgperson schemas; one mdb database ``dc=example,dc=org``), entries loaded with
``slapadd`` before it starts, a loopback port of its own, and its log (``stats`` level:
one ``ACCEPT`` line per connection, which tests count to prove that no LDAP traffic
happened). The system's slapd service is never touched.

The directory allows unauthenticated binds (a DN with an empty password, RFC 4513
5.1.2), as many servers do: a client that sent an empty password would be let in as
anonymous, which the tests check Agora never does. Anonymous clients may bind but not
search: searching needs the bind DN ``cn=reader``.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import ldap3

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SLAPPASSWD = "/usr/sbin/slappasswd"
LDAPWHOAMI = "/usr/bin/ldapwhoami"
SCHEMAS = "/etc/ldap/schema"
MODULES = "/usr/lib/ldap"

SUFFIX = "dc=example,dc=org"
PEOPLE = f"ou=people,{SUFFIX}"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret-0"
READER_DN = f"cn=reader,{SUFFIX}"
READER_PASSWORD = "reader-secret-0"


def available() -> bool:
    return all(os.access(path, os.X_OK) for path in (SLAPD, SLAPADD, SLAPPASSWD, LDAPWHOAMI))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class TlsFiles:
    """A certificate authority and a server certificate (127.0.0.1, localhost) it
    signed, as PEM files."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def make_tls_files(directory: Path) -> TlsFiles:
    """A fresh CA and a server certificate for 127.0.0.1/localhost (cryptography)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(name("Agora test CA"))
               .issuer_name(name("Agora test CA")).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                            crl_sign=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("127.0.0.1"))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.server_key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    files.server_key.chmod(0o600)
    return files


def hashed(password: str) -> str:
    """``password`` as slapd stores it ({SSHA}, by slappasswd)."""
    return subprocess.run([SLAPPASSWD, "-s", password], check=True, capture_output=True,
                          text=True).stdout.strip()


class Slapd:
    """One private slapd; :meth:`start` it, :meth:`stop` it (also on failure)."""

    def __init__(self, directory: Path, *, tls: TlsFiles | None = None) -> None:
        self.directory = directory
        self.tls = tls
        self.port = free_port()
        self.host = "127.0.0.1"
        #: other loopback addresses it answers on (its certificate does not name them)
        self.other_hosts = ("127.0.0.2",)
        self.log_path = directory / "slapd.log"
        self.process: subprocess.Popen[bytes] | None = None

    # -- setup ----------------------------------------------------------------------------
    def _config(self) -> str:
        database = self.directory / "db"
        tls = ""
        if self.tls is not None:
            tls = (f"TLSCACertificateFile {self.tls.ca_cert}\n"
                   f"TLSCertificateFile {self.tls.server_cert}\n"
                   f"TLSCertificateKeyFile {self.tls.server_key}\n")
        return (
            f"include {SCHEMAS}/core.schema\n"
            f"include {SCHEMAS}/cosine.schema\n"
            f"include {SCHEMAS}/inetorgperson.schema\n"
            f"modulepath {MODULES}\n"
            "moduleload back_mdb\n"
            f"pidfile {self.directory / 'slapd.pid'}\n"
            # a DN with an empty password binds as anonymous: what Agora must never send
            "allow bind_anon_dn\n"
            f"{tls}"
            "database mdb\n"
            f'suffix "{SUFFIX}"\n'
            f'rootdn "{ROOT_DN}"\n'
            f"rootpw {ROOT_PASSWORD}\n"
            f"directory {database}\n"
            "maxsize 10485760\n"
            "access to attrs=userPassword by anonymous auth by self write by * none\n"
            "access to * by users read by anonymous auth by * none\n")

    def _base_ldif(self) -> str:
        return (
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\n"
            "o: Example\ndc: example\n\n"
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
            f"dn: {READER_DN}\nobjectClass: organizationalRole\n"
            "objectClass: simpleSecurityObject\ncn: reader\n"
            f"userPassword: {hashed(READER_PASSWORD)}\n\n")

    def start(self, extra_ldif: str = "") -> None:
        (self.directory / "db").mkdir(parents=True, exist_ok=True)
        config = self.directory / "slapd.conf"
        config.write_text(self._config())
        ldif = self.directory / "data.ldif"
        ldif.write_text(self._base_ldif() + extra_ldif)
        subprocess.run([SLAPADD, "-f", str(config), "-l", str(ldif)], check=True,
                       capture_output=True)
        with open(self.log_path, "wb") as log:
            # -d stats: in the foreground (a child we can stop), one line per operation
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(config), "-h", " ".join(
                    f"ldap://{host}:{self.port}/" for host in (self.host, *self.other_hosts)),
                 "-d", "stats"], stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited ({self.process.returncode}): "
                                   f"{self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with self.admin() as connection:
                    if connection.bound:
                        return
            except ldap3.core.exceptions.LDAPException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"slapd did not answer on port {self.port}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGCONT)  # in case a test left it paused
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- use --------------------------------------------------------------------------------
    def admin(self) -> ldap3.Connection:
        """A connection bound as the root DN (to add entries, change passwords)."""
        server = ldap3.Server(self.host, port=self.port, get_info=ldap3.NONE,
                              connect_timeout=2)
        return ldap3.Connection(server, user=ROOT_DN, password=ROOT_PASSWORD,
                                auto_bind=ldap3.AUTO_BIND_NO_TLS, receive_timeout=5)

    def add_person(self, uid: str, cn: str, password: str, *, mail: str | None = None,
                   parent: str = PEOPLE) -> str:
        """Add an inetOrgPerson; its DN."""
        dn = f"uid={ldap3.utils.dn.escape_rdn(uid)},{parent}"
        attributes = {"uid": uid, "cn": cn, "sn": cn.split()[-1],
                      "userPassword": hashed(password)}
        if mail:
            attributes["mail"] = mail
        with self.admin() as connection:
            assert connection.add(dn, ["inetOrgPerson"], attributes), connection.result
        return dn

    def add_unit(self, name: str) -> str:
        dn = f"ou={name},{SUFFIX}"
        with self.admin() as connection:
            assert connection.add(dn, ["organizationalUnit"], {"ou": name}), connection.result
        return dn

    def set_password(self, dn: str, password: str) -> None:
        with self.admin() as connection:
            assert connection.modify(dn, {"userPassword": [(ldap3.MODIFY_REPLACE, [password])]}
                                     ), connection.result

    def connections(self) -> int:
        """How many connections slapd has accepted so far (its log's ACCEPT lines)."""
        text = self.log_path.read_text(errors="replace")
        return len(re.findall(r" ACCEPT from ", text))

    def pause(self) -> None:
        """Stop answering (SIGSTOP): the kernel still accepts connections, nothing
        replies — a hung directory."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)
