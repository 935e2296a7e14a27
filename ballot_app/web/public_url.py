"""The address the slips encode (PUBLIC_BASE_URL), and why loopback ones are refused."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, request

from ..services.errors import StateBlocked

LOOPBACK_REFUSED = (
    "测评码里的地址是「{url}」，这是本机地址，会场的手机打不开。"
    "请把 PUBLIC_BASE_URL 设为手机能访问的地址（例如 https://测评.某区.gov.cn 或本机的局域网地址"
    " http://192.168.1.20:5000），重新启动后再打印。设置方法见说明文档《配置》（docs/configuration.md）"
    "「测评码里的地址（PUBLIC_BASE_URL）」一节。"
)


def public_base_url() -> str:
    """PUBLIC_BASE_URL if set, else the address this request came in on."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    return (configured or request.url_root).rstrip("/")


def is_loopback(url: str) -> bool:
    """True when phones in a hall could not reach this address (localhost, 127.x, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def printable_base_url() -> str:
    """The public address, or StateBlocked explaining why a loopback address cannot print."""
    url = public_base_url()
    if is_loopback(url):
        raise StateBlocked([LOOPBACK_REFUSED.format(url=url)])
    return url
