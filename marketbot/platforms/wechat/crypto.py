"""WeChat's message signatures and encryption (the algorithm of Tencent's ``WXBizMsgCrypt``).

* ``signature = sha1(''.join(sorted(parts)))`` in hex, compared in constant time;
* safe/compatible mode: ``AESKey = b64decode(EncodingAESKey + "=")`` (32 bytes), AES-256-CBC
  with ``IV = AESKey[:16]``, PKCS#7 padding to a multiple of **32** bytes, and the plaintext
  ``16 random bytes | uint32 big-endian length | message | AppID`` (the AppID must be ours).

Usage::

    box = MessageCrypto(token, encoding_aes_key, app_id)
    xml = box.decrypt(encrypted)                 # raises CryptoError
    encrypted = box.encrypt(reply_xml)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["BLOCK", "CryptoError", "MessageCrypto", "sign", "signature_ok"]

BLOCK = 32
"""WeChat pads to 32 bytes (not AES's 16)."""


class CryptoError(Exception):
    """A message that cannot be ours: bad key, bad padding, bad length or another AppID."""


def sign(*parts: str) -> str:
    """``sha1`` of the sorted, joined parts, in lower-case hex."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(given: str | None, *parts: str) -> bool:
    """``given`` is the signature of ``parts``, compared in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), sign(*parts).encode())


def _pad(data: bytes) -> bytes:
    amount = BLOCK - len(data) % BLOCK
    return data + bytes([amount]) * amount


def _unpad(data: bytes) -> bytes:
    if not data:
        raise CryptoError("empty plaintext")
    amount = data[-1]
    if not 1 <= amount <= BLOCK or data[-amount:] != bytes([amount]) * amount:
        raise CryptoError("bad padding")
    return data[:-amount]


class MessageCrypto:
    """Encrypts and decrypts messages of one Official Account (see module)."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("an EncodingAESKey has 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("the EncodingAESKey is not base64") from exc
        if len(key) != 32:
            raise ValueError("the EncodingAESKey does not decode to 32 bytes")
        self.token = token
        self._key = key
        self._app_id = app_id.encode("utf-8")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, *, random_prefix: bytes | None = None) -> str:
        """The base64 ``Encrypt`` value for ``message`` (``random_prefix``: tests only)."""
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("the random prefix has 16 bytes")
        body = message.encode("utf-8")
        plain = _pad(prefix + struct.pack(">I", len(body)) + body + self._app_id)
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """The message inside an ``Encrypt`` value; :class:`CryptoError` if it is not ours."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError("not base64") from exc
        if not data or len(data) % 16:
            raise CryptoError("not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise CryptoError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("bad length")
        body, app_id = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(app_id, self._app_id):
            raise CryptoError("another AppID")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CryptoError("not UTF-8") from exc
