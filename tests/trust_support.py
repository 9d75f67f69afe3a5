"""Keys, trust files and signed reviews for the trust and sign-off tests (keys made with `cryptography`)."""

import os

import yaml

from conftest import invoke


def make_key(path):
    """An OpenSSH ed25519 key pair: `path` (private, owner-only) and `path`.pub."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()))
    os.chmod(path, 0o600)
    public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    path.with_suffix(".pub").write_text(f"{public} {path.name}\n")
    return path


def person(name, role, key, registration="", **extra):
    return {"name": name, "role": role, "registration": registration,
            "public_key": key.with_suffix(".pub").read_text().strip(), **extra}


def write_trust(path, *people):
    path.write_text(yaml.safe_dump({"people": list(people)}, sort_keys=False, allow_unicode=True))
    return path


def review(folder, trust, name, key, *rules, input=None, extra=()):
    rule_args = [a for rule in rules for a in ("--rule", rule)]
    return invoke("rules", "review", folder, "--trust", trust, "--reviewer", name, "--key", key, *rule_args,
                  *extra, input=input)


def records(folder):
    return yaml.safe_load((folder / "signoffs.yaml").read_text())["signoffs"]
