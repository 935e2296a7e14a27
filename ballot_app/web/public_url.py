"""The address the slips encode, and why loopback ones are refused.

In order: PUBLIC_BASE_URL if set; else the address an organizer chose on the meeting page from
this machine's own network addresses (SPEC, "Meeting states"), kept in the instance folder so
that every process of the app reads the same choice; else the address the request came in on.
Finding the machine's addresses never touches the network: it asks the kernel (`ip -j addr`,
else /proc/net/fib_trie, else the resolver for the host's own name) and connects nowhere.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, request

from ..domain.text import N_, _
from ..services.errors import StateBlocked
from .locale import is_english

#: Message ids (translated where they are said), with the address as %(url)s.
LOOPBACK_REFUSED = N_(
    "测评码里的地址是「%(url)s」，这是本机地址，会场的手机打不开。"
    "请把 PUBLIC_BASE_URL 设为手机能访问的地址（例如 https://测评.某区.gov.cn 或本机的局域网地址"
    " http://192.168.1.20:5000），重新启动后再打印。设置方法见说明文档《配置》（docs/configuration.md）"
    "「测评码里的地址（PUBLIC_BASE_URL）」一节。"
)
#: Said after LOOPBACK_REFUSED when the meeting page offers this machine's addresses.
OR_CHOOSE = N_(
    "没有设置 PUBLIC_BASE_URL 时，也可以在会议页面「试扫码」一节选一个本机的局域网地址。"
)

#: The organizer's choice, one line in the instance folder (no migration, read by every process).
CHOICE_FILE = "public_base_url.txt"


def configured_base_url() -> str:
    """PUBLIC_BASE_URL as configured, without a trailing slash; "" when unset."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")


def chosen_base_url() -> str:
    """The address chosen on the meeting page (instance/public_base_url.txt), or ""."""
    try:
        text = (Path(current_app.instance_path) / CHOICE_FILE).read_text(encoding="utf-8")
    except OSError:
        return ""
    url = text.strip().rstrip("/")
    return url if _is_http_url(url) else ""


def choose_base_url(url: str) -> None:
    """Keep the organizer's choice for every process of the app (written whole, then renamed)."""
    if not _is_http_url(url):
        raise ValueError(url)
    folder = Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{CHOICE_FILE}.{os.getpid()}"
    part.write_text(url.rstrip("/") + "\n", encoding="utf-8")
    os.replace(part, folder / CHOICE_FILE)


def forget_base_url() -> None:
    """Drop the organizer's choice: slips encode the request's address again."""
    (Path(current_app.instance_path) / CHOICE_FILE).unlink(missing_ok=True)


def public_base_url() -> str:
    """PUBLIC_BASE_URL if set, else the chosen address, else the address this request came in on."""
    return configured_base_url() or chosen_base_url() or request.url_root.rstrip("/")


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


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
        gap = " " if is_english() else ""  # Chinese sentences run on, English ones are spaced
        raise StateBlocked([_(LOOPBACK_REFUSED, url=url) + gap + _(OR_CHOOSE)])
    return url


# --- this machine's addresses -------------------------------------------------------------


def hall_address(text: str) -> str | None:
    """The IPv4 address a hall's phone could use, or None (loopback, link-local, not IPv4)."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if ip.version != 4 or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
        return None
    if ip.is_multicast or ip.is_reserved:
        return None
    return str(ip)


def _from_ip_command() -> list[str]:
    """Addresses from `ip -j addr` (iproute2), [] where it is missing or fails."""
    ip = shutil.which("ip")
    if not ip:
        return []
    try:
        run = subprocess.run(
            [ip, "-j", "-4", "addr", "show"], capture_output=True, text=True, timeout=3
        )
        links = json.loads(run.stdout or "[]")
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    return [
        str(info.get("local", ""))
        for link in links
        if isinstance(link, dict)
        for info in link.get("addr_info", [])
        if isinstance(info, dict) and info.get("family", "inet") == "inet"
    ]


def parse_fib_trie(text: str) -> list[str]:
    """The machine's own addresses in /proc/net/fib_trie: each line before a "/32 host LOCAL"."""
    lines = text.splitlines()
    return [
        lines[i - 1].split()[-1]
        for i, line in enumerate(lines)
        if i and "/32 host LOCAL" in line and lines[i - 1].split()
    ]


def _from_fib_trie() -> list[str]:
    try:
        return parse_fib_trie(Path("/proc/net/fib_trie").read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError):
        return []


def _from_host_name() -> list[str]:
    """What the resolver says about this host's own name: the last resort, as it may ask DNS."""
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in found]


#: Where the addresses come from, most precise first: the first that finds one is used.
SOURCES: list[Callable[[], Iterable[str]]] = [_from_ip_command, _from_fib_trie, _from_host_name]


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses a hall's phone could reach, private ones first."""
    found: list[str] = []
    for source in SOURCES:
        found = [a for a in (hall_address(t) for t in source()) if a]
        if found:
            break
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda a: (not ipaddress.ip_address(a).is_private, _sort_key(a)))


def _sort_key(address: str) -> tuple[int, ...]:
    return tuple(int(part) for part in address.split("."))


def address_url(address: str) -> str:
    """The address as phones would open it: this request's scheme and port, another host."""
    port = urlsplit(request.url_root).port
    return f"{request.scheme}://{address}" + (f":{port}" if port else "")


def listens_only_here() -> bool:
    """True when the server says it listens on a loopback address only (`flask run` without
    --host 0.0.0.0 puts 127.0.0.1 in SERVER_NAME): phones cannot connect at all."""
    try:
        return ipaddress.ip_address(str(request.environ.get("SERVER_NAME", ""))).is_loopback
    except ValueError:
        return False
