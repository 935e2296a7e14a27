"""The ballot page's weight as a phone downloads it: the HTML and every asset it loads."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

import requests

_ASSET = re.compile(rb"""<(?:link[^>]+href|script[^>]+src|img[^>]+src)=["']([^"']+)["']""")


@dataclass
class Weight:
    requests: int
    raw_bytes: int
    gzip_bytes: int


def ballot_page_weight(base_url: str, ballot_path: str) -> Weight:
    """Fetch the page and what it links (stylesheets, scripts, images) from the same app."""
    page = requests.get(base_url + ballot_path, timeout=10)
    page.raise_for_status()
    bodies = [page.content]
    for href in dict.fromkeys(_ASSET.findall(page.content)):
        url = href.decode()
        if url.startswith("data:"):
            continue  # inline (the empty icon that spares a phone the /favicon.ico request)
        if url.startswith(("http://", "https://", "//")):
            raise RuntimeError(f"the ballot page loads {url} from another host")
        asset = requests.get(base_url + url, timeout=10)
        asset.raise_for_status()
        bodies.append(asset.content)
    return Weight(
        requests=len(bodies),
        raw_bytes=sum(len(b) for b in bodies),
        gzip_bytes=sum(len(gzip.compress(b, 6)) for b in bodies),
    )
