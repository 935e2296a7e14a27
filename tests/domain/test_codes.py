"""Typeable codes: alphabet, check character, normalisation."""

import itertools

from ballot_app.domain import codes
from ballot_app.domain.secrecy import TRACKER_DATA_CHARS, ballot_key, redact_credential_paths
from ballot_app.signing import keys_for


def test_manual_code_carries_at_least_40_bits_and_a_check_character():
    code = codes.random_code(codes.MANUAL_CODE_DATA_CHARS)
    assert codes.MANUAL_CODE_DATA_CHARS * 5 >= 40
    assert len(code) == codes.MANUAL_CODE_DATA_CHARS + 1
    assert codes.is_well_formed(code)
    assert not set(code) & set("ILOU")


def test_every_single_character_typo_is_caught():
    code = codes.random_code(10)
    for i, ch in itertools.product(range(len(code)), codes.ALPHABET):
        if ch != code[i]:
            assert not codes.is_well_formed(code[:i] + ch + code[i + 1 :])


def test_people_may_type_lower_case_spaces_dashes_and_look_alikes():
    code = "0A1B" + "CDEF" + "GH"
    code += codes.check_char(code)
    typed = " oa1b-cdef-" + code[8:].lower() + " "
    assert codes.normalize(typed.replace("1", "l")) == code
    assert codes.grouped(code) == f"{code[:4]}-{code[4:8]}-{code[8:]}"


def test_ballot_keys_are_random_128_bit_and_tracker_codes_are_checked():
    keys = {ballot_key() for _ in range(200)}
    assert len(keys) == 200 and all(len(k) == 32 for k in keys)
    assert sorted(keys) != list(keys) or len(keys) == 1
    code = keys_for("k" * 40).tracker_code("some-slip-secret").replace("-", "")
    assert codes.is_well_formed(code, TRACKER_DATA_CHARS)


def test_log_lines_lose_slip_and_monitor_link_credentials():
    line = '127.0.0.1 - - "GET /v/1.A.secret.sig HTTP/1.1" 200 and POST /v/review'
    assert redact_credential_paths(line) == (
        '127.0.0.1 - - "GET /v/… HTTP/1.1" 200 and POST /v/review'
    )
    assert redact_credential_paths("GET /m/WzEsImFiIl0.sig?board=1") == "GET /m/…?board=1"
    assert redact_credential_paths("GET /v/receipt/1:ABCD.sig") == "GET /v/…"


def test_form_actions_stay_readable_in_logs_but_every_other_voter_path_is_redacted():
    assert redact_credential_paths("POST /v/submit HTTP/1.1") == "POST /v/submit HTTP/1.1"
    assert redact_credential_paths("GET /v/receipt/1:ABC.sig HTTP/1.1") == "GET /v/… HTTP/1.1"
    assert redact_credential_paths("GET /v/submitX.sig") == "GET /v/…"
