"""Derives TelegramVectors' known-good payloads from Telegram's documented algorithms, independently of
the Java code under test (Python's hmac/hashlib and the 'cryptography' package). Run: python3 telegram_vectors.py

Inputs are all public test values: Telegram's own documentation example bot token, a made-up user, and
the RFC 8032 section 7.1 TEST 1 Ed25519 key pair standing in for Telegram's signing key.
"""
import base64
import hashlib
import hmac
import urllib.parse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
BOT_ID = "123456"
RFC8032_TEST1_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


def data_check(fields, excluded):
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k not in excluded)


# Login widget: hash = hex(HMAC-SHA-256(key = SHA-256(bot token), data-check string))
widget = {"id": "424242", "first_name": "Ada", "username": "ada_l",
          "photo_url": "https://t.me/i/userpic/320/ada.jpg", "auth_date": "1700000000"}
widget_hash = hmac.new(hashlib.sha256(BOT_TOKEN.encode()).digest(),
                       data_check(widget, {"hash"}).encode(), hashlib.sha256).hexdigest()
print("widget hash:", widget_hash)

# Mini App initData: first the Ed25519 third-party signature over "<bot id>:WebAppData\n" + data-check
# string without hash and signature (base64url, no padding), then the bot-token hash over every field
# but hash (the signature included), keyed with HMAC-SHA-256(key = "WebAppData", message = bot token).
user = '{"id":424242,"first_name":"Ada","last_name":"Lovelace","username":"ada_l","language_code":"en","allows_write_to_pm":true}'
init = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc", "user": user, "auth_date": "1700000000",
        "chat_instance": "-5086245291850913214", "chat_type": "sender"}
message = BOT_ID + ":WebAppData\n" + data_check(init, {"hash", "signature"})
signature = Ed25519PrivateKey.from_private_bytes(RFC8032_TEST1_SECRET).sign(message.encode())
init["signature"] = base64.urlsafe_b64encode(signature).decode().rstrip("=")
secret = hmac.new(b"WebAppData", BOT_TOKEN.encode(), hashlib.sha256).digest()
init["hash"] = hmac.new(secret, data_check(init, {"hash"}).encode(), hashlib.sha256).hexdigest()
print("init_data:", "&".join(f"{k}={urllib.parse.quote(v, safe='')}" for k, v in init.items()))
