"""Printing after the quick start: without PUBLIC_BASE_URL the meeting page lists this
machine's own addresses, the organizer picks the one the hall's phones reach, and the slips
encode it (SPEC, "Meeting states"). The address list is always replaced here: no test asks
the network, or even the machine, for its addresses."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from ballot_app import create_app
from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.web import public_url

from .. import factories

MACHINE = ["127.0.0.1", "169.254.10.1", "192.168.1.20", "10.8.0.3", "203.0.113.9", "::1", "fe80::1"]


@pytest.fixture
def laptop(app, monkeypatch):  # type: ignore[no-untyped-def]
    """The app as started by the quick start: no PUBLIC_BASE_URL, on a laptop with these
    addresses; asking the resolver or the system for real ones fails the test."""
    app.config["PUBLIC_BASE_URL"] = ""
    monkeypatch.setattr(public_url, "SOURCES", [lambda: MACHINE])

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a test asked the system for addresses")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)
    return app


def _organizer_with_meeting(app, actions, state=MeetingState.DRAFT):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, state=state)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    return m


def test_only_addresses_a_hall_phone_could_reach_are_offered(laptop):
    assert public_url.local_addresses() == ["10.8.0.3", "192.168.1.20", "203.0.113.9"]


def test_the_machine_addresses_come_from_ip_then_fib_trie(monkeypatch):
    links = [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1"}]},
        {"ifname": "wlan0", "addr_info": [{"family": "inet", "local": "192.168.3.7"}]},
    ]
    monkeypatch.setattr(public_url.shutil, "which", lambda name: "/usr/sbin/ip")
    monkeypatch.setattr(
        public_url.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=json.dumps(links)),
    )
    assert public_url._from_ip_command() == ["127.0.0.1", "192.168.3.7"]
    trie = (
        "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n"
        "     +-- 192.168.3.0/24 2 0 2\n        |-- 192.168.3.7\n           /32 host LOCAL\n"
        "     |-- 127.0.0.1\n        /32 host LOCAL\n"
    )
    assert public_url.parse_fib_trie(trie) == ["192.168.3.7", "127.0.0.1"]
    monkeypatch.setattr(public_url.shutil, "which", lambda name: None)
    assert public_url._from_ip_command() == []


def test_the_meeting_page_lists_the_addresses_and_the_choice_prints_the_slips(
    laptop, client, actions
):
    m = _organizer_with_meeting(laptop, actions)
    assert client.get(f"/print/{m.id}/slips").status_code == 409  # http://localhost: refused
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "选择会场手机能访问的地址" in page
    for url in ("http://10.8.0.3", "http://192.168.1.20", "http://203.0.113.9"):
        assert f'value="{url}"' in page
    assert "169.254" not in page and 'value="http://127.0.0.1"' not in page
    r = client.post(f"/meetings/{m.id}/public-address", data={"address": "http://192.168.1.20"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#address")
    stored = Path(laptop.instance_path) / "public_base_url.txt"
    assert stored.read_text(encoding="utf-8").strip() == "http://192.168.1.20"
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert '测评码里的地址是 <strong class="url">http://192.168.1.20</strong>' in page
    assert 'checked id="chosen-address-1"' in page
    sheet = client.get(f"/print/{m.id}/slips")
    assert sheet.status_code == 200 and "http://192.168.1.20/v<" in sheet.get_data(as_text=True)
    rows = client.get(f"/meetings/{m.id}/tokens.json").get_json()
    assert all(r["url"].startswith("http://192.168.1.20/v/") for r in rows)


def test_every_process_of_the_app_reads_the_same_choice(laptop, client, actions):
    m = _organizer_with_meeting(laptop, actions)
    client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.8.0.3"})
    other = create_app(
        {
            "SECRET_KEY": laptop.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": laptop.config["SQLALCHEMY_DATABASE_URI"],
            "TESTING": True,
        },
        instance_path=laptop.instance_path,
    )
    with other.test_request_context("/", base_url="http://localhost:5000"):
        assert public_url.public_base_url() == "http://10.8.0.3"
        assert public_url.printable_base_url() == "http://10.8.0.3"


def test_an_address_not_on_this_machine_is_refused_and_nothing_is_stored(laptop, client, actions):
    m = _organizer_with_meeting(laptop, actions)
    for sent in ("http://evil.example.org", "http://127.0.0.1", ""):
        r = client.post(f"/meetings/{m.id}/public-address", data={"address": sent})
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and 'href="#chosen-address"' in html
        assert "请选择一个地址。" in html or "请从列表中重新选择" in html
    assert not (Path(laptop.instance_path) / "public_base_url.txt").exists()


def test_the_port_and_scheme_are_those_the_app_is_reached_on(laptop):
    with laptop.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert public_url.address_url("192.168.1.20") == "http://192.168.1.20:5000"
    with laptop.test_request_context("/", base_url="https://localhost"):
        assert public_url.address_url("192.168.1.20") == "https://192.168.1.20"


def test_a_server_listening_on_loopback_only_is_pointed_out(laptop, client, actions):
    m = _organizer_with_meeting(laptop, actions)
    page = client.get(f"/meetings/{m.id}", environ_overrides={"SERVER_NAME": "127.0.0.1"})
    assert "--host 0.0.0.0" in page.get_data(as_text=True)
    page = client.get(f"/meetings/{m.id}", environ_overrides={"SERVER_NAME": "0.0.0.0"})
    assert "--host 0.0.0.0" not in page.get_data(as_text=True)


def test_the_loopback_refusal_says_an_address_can_be_chosen(laptop, client, actions):
    m = _organizer_with_meeting(laptop, actions)
    r = client.get(f"/print/{m.id}/test-qr")
    text = r.get_data(as_text=True)
    assert r.status_code == 409 and "会场的手机打不开" in text and "选一个本机的局域网地址" in text


def test_with_public_base_url_set_there_is_nothing_to_choose(app, client, actions):
    m = _organizer_with_meeting(app, actions)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "https://ceping.example.org" in page and "（由 PUBLIC_BASE_URL 设定）" in page
    assert "选择会场手机能访问的地址" not in page
    r = client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.8.0.3"})
    assert r.status_code == 409 and "PUBLIC_BASE_URL" in r.get_data(as_text=True)


def test_no_address_found_says_what_to_check(laptop, client, actions, monkeypatch):
    monkeypatch.setattr(public_url, "SOURCES", [lambda: ["127.0.0.1"]])
    m = _organizer_with_meeting(laptop, actions)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "没有找到这台电脑的局域网地址" in page


def test_tellers_and_closed_meetings_get_no_address_choice(laptop, client, actions):
    m = factories.meeting(laptop, state=MeetingState.CLOSED)
    actions.login_as(factories.teller(m, name="jipiao"))
    r = client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.8.0.3"})
    assert r.status_code == 403
    actions.login_as(factories.user(Role.ADMIN, name="guanli"))
    r = client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.8.0.3"})
    assert r.status_code == 409
    assert "选择会场手机能访问的地址" not in client.get(f"/meetings/{m.id}").get_data(as_text=True)


def test_a_choice_the_machine_no_longer_has_is_pointed_out(laptop, client, actions):
    m = _organizer_with_meeting(laptop, actions)
    (Path(laptop.instance_path) / "public_base_url.txt").write_text("http://172.16.0.9\n")
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "之前选的地址 http://172.16.0.9 已经不是这台电脑现在的地址了" in page
    client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.8.0.3"})
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "已经不是这台电脑现在的地址" not in page
