"""WeChat's XML: inbound messages parsed with ``defusedxml`` (no DTD, no entities, so neither XXE
nor billion laughs), replies built CDATA-safe.

Every text in a reply goes into CDATA with each ``]]>`` split across two sections
(``]]]]><![CDATA[>``), so a product named ``x]]><MsgType>image`` reaches the visitor as that
text and nothing else.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = ["XmlError", "cdata", "envelope", "parse", "text_reply"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XmlError(Exception):
    """A body that is not a WeChat message (malformed, a DTD, entities, or no ``<xml>``)."""


def parse(body: bytes | str) -> dict[str, str]:
    """The fields of a WeChat message: ``{"MsgType": "text", …}``; nested fields
    (``SendLocationInfo``) are flattened, the first occurrence of a name kept."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ET.ParseError, ValueError) as exc:
        raise XmlError(type(exc).__name__) from exc
    if root.tag != "xml":
        raise XmlError("the root element is not <xml>")
    fields: dict[str, str] = {}
    for element in root.iter():
        if element is root:
            continue
        if len(element) == 0:
            fields.setdefault(element.tag, (element.text or "").strip())
    return fields


def cdata(text: str) -> str:
    """``text`` as CDATA that no content can end early (control characters dropped)."""
    clean = _CONTROL.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive text reply."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        f"<MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


def envelope(encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    """The safe-mode reply around an encrypted message."""
    return (
        f"<xml><Encrypt>{cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{int(timestamp)}</TimeStamp>"
        f"<Nonce>{cdata(nonce)}</Nonce></xml>"
    )
