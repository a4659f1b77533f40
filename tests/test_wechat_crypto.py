"""WeChat's signatures, encryption and XML: Tencent's official sample byte for byte, and the
bodies an attacker would send."""

from __future__ import annotations

import pytest

from marketbot.platforms.wechat.crypto import CryptoError, MessageCrypto, sign, signature_ok
from marketbot.platforms.wechat.wire import XmlError, cdata, parse, text_reply

# Tencent's WXBizMsgCrypt sample (Sample.py of the official download, 2014).
SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SAMPLE_TOKEN = "spamtest"
SAMPLE_APPID = "wx2c2769f8efd9abc2"
SAMPLE_TIMESTAMP = "1409735669"
SAMPLE_NONCE = "1320562132"
SAMPLE_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
SAMPLE_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8P"
    "GHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jis"
    "a+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X"
    "8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9F"
    "yJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
SAMPLE_PLAIN = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
    "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n"
    "<CreateTime>1409735668</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[abcdteT]]></Content>\n"
    "<MsgId>6054768590064713728</MsgId>\n"
    "</xml>"
)


def test_tencents_sample_verifies_and_decrypts_byte_for_byte() -> None:
    assert sign(SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT) == (
        SAMPLE_MSG_SIGNATURE
    )
    assert signature_ok(
        SAMPLE_MSG_SIGNATURE, SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT
    )
    box = MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    assert box.decrypt(SAMPLE_ENCRYPT) == SAMPLE_PLAIN
    # Encrypting it again with the sample's random prefix gives Tencent's bytes exactly.
    assert box.encrypt(SAMPLE_PLAIN, random_prefix=b"89465c840c5f116f") == SAMPLE_ENCRYPT
    assert parse(SAMPLE_PLAIN)["Content"] == "abcdteT"


def test_another_appid_and_broken_ciphertexts_are_refused() -> None:
    other = MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, "wx0000000000000000")
    with pytest.raises(CryptoError, match="AppID"):
        other.decrypt(SAMPLE_ENCRYPT)
    box = MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    for broken in ("", "!!!", SAMPLE_ENCRYPT[:-8] + "AAAAAAA=", "QUJD"):
        with pytest.raises(CryptoError):
            box.decrypt(broken)


def test_signatures_are_exact() -> None:
    good = sign("tok", "1", "2")
    assert signature_ok(good, "tok", "1", "2")
    assert signature_ok(good.upper(), "tok", "1", "2")
    assert not signature_ok(None, "tok", "1", "2")
    assert not signature_ok("", "tok", "1", "2")
    assert not signature_ok(good[:-1] + "0", "tok", "1", "2")
    assert not signature_ok("签名", "tok", "1", "2")


def test_cdata_cannot_be_closed_by_content() -> None:
    evil = "x]]><MsgType>image</MsgType><![CDATA["
    xml = text_reply("oUser", "gh_x", 1, evil)
    fields = parse(xml)
    assert fields["Content"] == evil
    assert fields["MsgType"] == "text"
    assert cdata("a]]>b]]>") == "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]>"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<xml><Content>&e;</Content></xml>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;">]><xml><Content>&c;</Content></xml>',
        b"<xml><Content>unclosed</xml>",
        b"<notxml/>",
        b"",
    ],
    ids=["xxe", "billion-laughs", "malformed", "wrong-root", "empty"],
)
def test_hostile_xml_is_refused(body: bytes) -> None:
    with pytest.raises(XmlError):
        parse(body)
