"""One place for every signature and derived secret, each with its own salt (purpose).

A slip's secret and manual code are derived from the app's SECRET_KEY and a random nonce
stored on the token row, so the database holds only the nonce and hashes: a copy of the
database alone cannot vote. The token list and the slip sheet re-derive them for printing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

from .domain import codes
from .domain.choices import Category
from .domain.secrecy import TRACKER_DATA_CHARS


@dataclass(frozen=True)
class VoterValue:
    """What a slip's QR carries, once its signature is checked."""

    meeting_id: int
    category: Category
    secret: str
    #: A rehearsal slip's (演练): its value says so, so that it is still known for one when
    #: the rehearsal's rows are gone.
    is_rehearsal: bool = False


#: What starts a rehearsal slip's nonce (real ones are hex digits): the token row and the
#: printed codes carry the mark without another column.
REHEARSAL_NONCE = "r"


def is_rehearsal_nonce(nonce: str) -> bool:
    return nonce.startswith(REHEARSAL_NONCE)


class Keys:
    """Derives per-purpose keys from the app's SECRET_KEY."""

    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key.encode()

    def _mac(self, purpose: str, message: str) -> bytes:
        key = hmac.new(self._secret, b"ballot_app/" + purpose.encode(), hashlib.sha256).digest()
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    def _signer(self, purpose: str) -> Signer:
        return Signer(self._secret, salt=purpose, digest_method=hashlib.sha256)

    def slip_secret(self, meeting_id: int, nonce: str) -> str:
        """The slip's 128-bit secret, as 26 base32 characters."""
        raw = self._mac("slip-secret", f"{meeting_id}:{nonce}")[:16]
        return base64.b32encode(raw).decode().rstrip("=").lower()

    def manual_code(self, meeting_id: int, nonce: str) -> str:
        """The slip's typeable code: 50 bits and a check character (a rehearsal's own)."""
        shift = codes.REHEARSAL_SHIFT if is_rehearsal_nonce(nonce) else 0
        raw = self._mac("manual-code", f"{meeting_id}:{nonce}")[:8]
        return codes.from_bytes(raw, shift=shift)

    def tracker_code(self, secret: str) -> str:
        """The receipt's tracker code of a slip: the same for every submit of that slip, so a
        submit whose answer was lost on the way can be repeated and shows the same receipt.
        Nothing is stored when a ballot is cast: the bulletin derives the codes of the used
        slips at certification. Without SECRET_KEY it cannot be computed from a slip."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return codes.grouped(codes.from_bytes(self._mac("tracker", digest)[:8], TRACKER_DATA_CHARS))

    def hash_secret(self, secret: str) -> str:
        """What the token row stores of the secret: a keyed hash of it, so that neither the
        secret nor a photo of the slip finds the row without SECRET_KEY."""
        return self.lookup_of_digest(hashlib.sha256(secret.encode()).hexdigest())

    def lookup_of_digest(self, digest: str) -> str:
        """The stored lookup hash from the secret's SHA-256 (the migration from unkeyed
        hashes computes it from what the old rows held)."""
        return self._mac("slip-lookup", digest).hex()

    def hash_code(self, code: str) -> str:
        """What the token row stores of the manual code: a keyed hash (the code is short)."""
        return self._mac("manual-code-hash", code).hex()

    def voter_value(
        self, meeting_id: int, category: Category, secret: str, rehearsal: bool = False
    ) -> str:
        """The signed value in the QR's URL: names the meeting and the category, and ends in
        `.r` on a rehearsal's slip."""
        payload = f"{meeting_id}.{category.value}.{secret}" + (".r" if rehearsal else "")
        return self._signer("voter-slip").sign(payload).decode()

    def read_voter_value(self, value: str) -> VoterValue | None:
        """The checked content of a QR value, or None for a forged or damaged one."""
        try:
            payload = self._signer("voter-slip").unsign(value).decode()
            meeting, category, secret, *mark = payload.split(".")
            if mark not in ([], ["r"]):
                return None
            return VoterValue(int(meeting), Category(category), secret, bool(mark))
        except (BadSignature, ValueError, UnicodeDecodeError):
            return None

    def sign(self, purpose: str, payload: str) -> str:
        """Sign a short text for one purpose (test QR, receipts)."""
        return self._signer(purpose).sign(payload).decode()

    def unsign(self, purpose: str, value: str) -> str | None:
        """The text signed for this purpose, or None."""
        try:
            return self._signer(purpose).unsign(value).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def serializer(self, purpose: str) -> URLSafeTimedSerializer:
        """A timed JSON serializer for one purpose (the receipt cookie)."""
        return URLSafeTimedSerializer(self._secret, salt=purpose)

    def loads(self, purpose: str, value: str, max_age: int) -> Any:
        """The JSON signed for this purpose no longer than max_age seconds ago, or None."""
        try:
            return self.serializer(purpose).loads(value, max_age=max_age)
        except BadSignature:
            return None


@lru_cache(maxsize=4)
def keys_for(secret_key: str) -> Keys:
    """The Keys of one SECRET_KEY, built once."""
    return Keys(secret_key)
