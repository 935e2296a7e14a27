"""The documentation stays inside the repository: README.md and docs/*.md link only to files
(and headings) that exist here, point at nothing outside it, and every docs page opens with a
Chinese title. The app's hints name docs sections that exist."""

import ipaddress
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s)`'\"<>;,]*")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PARENT_PATH = re.compile(r"(?:^|(?<=[\s(`'\"\[]))((?:\.\./)+[^\s)`'\"\]]*)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: The documentation's sources live outside the repository: nothing here may name them.
OUTSIDE_SOURCES = ("SPEC.md", "STYLE.md", "shared/", "seed/", "assessment-plan")
#: Reserved example domains (RFC 2606) may appear in examples.
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _prose(text: str) -> str:
    """The page without its fenced code blocks (a link in code is not a link)."""
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip().lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LMN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, title in HEADING.findall(_prose(path.read_text(encoding="utf-8"))):
        slug = _slug(title)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def _headings(path: Path) -> list[str]:
    return [title for _, title in HEADING.findall(_prose(path.read_text(encoding="utf-8")))]


def _inside_repo(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def _allowed_host(url: str) -> bool:
    """Example domains and addresses that cannot name a site outside the reader's own
    network: private and loopback addresses, localhost, and single-label names (an nginx
    upstream); an empty host is a placeholder such as http://<本机局域网地址>."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or "." not in host:
        return True
    if host.endswith(EXAMPLE_DOMAINS):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def _link_problems(page: Path) -> list[str]:
    text = _prose(page.read_text(encoding="utf-8"))
    problems = []
    for target in LINK.findall(text) + AUTOLINK.findall(text):
        if not target:
            problems.append("an empty link")
            continue
        if SCHEME.match(target):
            if not (target.lower().startswith(("http://", "https://")) and _allowed_host(target)):
                problems.append(f"{target} points outside the repository")
            continue
        if target.startswith("/"):
            problems.append(f"{target}: an absolute path, not a link inside the repository")
            continue
        path_part, _, fragment = target.partition("#")
        dest = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not _inside_repo(dest):
            problems.append(f"{target} leaves the repository")
        elif not dest.exists():
            problems.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md" and unquote(fragment) not in _anchors(dest):
            problems.append(f"{target}: no such heading in {_rel(dest)}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_every_relative_link_points_to_a_file_here(page):
    assert _link_problems(page) == []


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_nothing_points_outside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    outside_urls = [url for url in URL.findall(text) if not _allowed_host(url)]
    assert outside_urls == [], "only example domains and LAN addresses may appear"
    leaving = [
        p for p in PARENT_PATH.findall(text) if not _inside_repo(page.parent / p.split("#")[0])
    ]
    assert leaving == [], "paths that leave the repository"
    assert [s for s in OUTSIDE_SOURCES if s in text] == []


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=_rel)
def test_every_docs_page_starts_with_a_chinese_title(page):
    first = next(line for line in page.read_text(encoding="utf-8").splitlines() if line.strip())
    assert first.startswith("# "), f"{_rel(page)} must open with a # title"
    assert CJK.search(first), f"{_rel(page)}: the title must be Chinese"


def test_the_index_lists_every_docs_page():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    listed = {target.partition("#")[0] for target in LINK.findall(_prose(index))}
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert pages - listed == set()


#: The app's hints that send people to the documentation: file, docs page, section title.
HINTS = [
    ("templates/meetings/show.html", "docs/configuration.md", "测评码里的地址（PUBLIC_BASE_URL）"),
    ("ballot_app/web/public_url.py", "docs/configuration.md", "测评码里的地址（PUBLIC_BASE_URL）"),
    ("ballot_app/cli.py", "docs/configuration.md", "测评码里的地址（PUBLIC_BASE_URL）"),
    ("templates/print/test_qr.html", "docs/deploy.md", "首选：正式域名和证书（HTTPS）"),
]


@pytest.mark.parametrize(("source", "page", "section"), HINTS)
def test_hints_name_a_docs_section_that_exists(source, page, section):
    text = (ROOT / source).read_text(encoding="utf-8")
    assert page in text and f"「{section}」" in text
    assert section in _headings(ROOT / page)


def test_no_hint_names_a_readme_section():
    """The README is English and for developers; staff are sent to docs/ instead."""
    old = re.compile(r"README\s*(的)?\s*「|see README")
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "ballot_app").rglob("*.py")]
    assert [_rel(p) for p in sources if old.search(p.read_text(encoding="utf-8"))] == []


def _test_names() -> set[str]:
    names: set[str] = set()
    for source in (ROOT / "tests").rglob("test_*.py"):
        names.update(re.findall(r"^(?:async )?def (test_\w+)", source.read_text(), re.M))
    return names


def test_every_test_the_threat_model_names_exists():
    """Each claim of docs/threat-model.md names the test that backs it: a renamed or deleted
    test would leave a claim unbacked."""
    named = set(re.findall(r"`(test_\w+)`", (ROOT / "docs" / "threat-model.md").read_text()))
    assert len(named) >= 30, "the threat model names the tests beside its claims"
    assert named - _test_names() == set()
