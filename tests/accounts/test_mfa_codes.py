"""Authenticator codes against RFC 6238's own test vectors, the drift window and single use."""

from __future__ import annotations

import base64
import math

import pytest

from youthcourt.accounts import mfa

RFC_KEY = b"12345678901234567890"
"""The SHA-1 seed of RFC 6238 appendix B."""
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_rfc_6238_test_vectors(unix_time, expected):
    assert mfa.hotp(RFC_KEY, mfa.current_step(unix_time), digits=8) == expected
    secret = base64.b32encode(RFC_KEY).decode()
    assert mfa.code_at(secret, mfa.current_step(unix_time)) == expected[-6:], "6 digits: the last six"


def test_previous_current_and_next_step_are_accepted_but_no_further():
    secret = mfa.new_secret()
    now = 1_700_000_000.0
    step = mfa.current_step(now)
    for offset in (-1, 0, 1):
        assert mfa.matching_step(secret, mfa.code_at(secret, step + offset), None, at=now) == step + offset
    for offset in (-3, -2, 2, 3):
        assert mfa.matching_step(secret, mfa.code_at(secret, step + offset), None, at=now) is None


def test_after_an_accepted_step_only_later_steps_are_accepted():
    secret = mfa.new_secret()
    now = mfa.current_step()
    code = mfa.code_at(secret, now)
    assert mfa.matching_step(secret, code, None) == now
    assert mfa.matching_step(secret, code, now) is None, "replayed"
    assert mfa.matching_step(secret, mfa.code_at(secret, now - 1), now) is None, "an earlier step"
    assert mfa.matching_step(secret, mfa.code_at(secret, now + 1), now) == now + 1


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "", "12 34 5"])
def test_malformed_codes_never_match(typed):
    assert mfa.matching_step(mfa.new_secret(), typed, None) is None


def test_spaces_and_dashes_in_a_code_are_ignored():
    secret = mfa.new_secret()
    code = mfa.code_at(secret, mfa.current_step())
    assert mfa.matching_step(secret, f"{code[:3]} {code[3:]}", None) == mfa.current_step()


def test_new_secrets_are_160_bit_base32_and_different():
    first, second = mfa.new_secret(), mfa.new_secret()
    assert first != second
    assert len(base64.b32decode(first + "=" * (-len(first) % 8))) == 20
    assert mfa.grouped("ABCDEFGHIJKL") == "ABCD EFGH IJKL"


def test_provisioning_uri_names_the_issuer_and_the_account():
    uri = mfa.provisioning_uri("YOUTHCOURTDEMOAA", "maya.alvarez@example.org")
    assert uri.startswith("otpauth://totp/Youthcourt:maya.alvarez@example.org?")
    assert "secret=YOUTHCOURTDEMOAA" in uri and "issuer=Youthcourt" in uri
    svg = mfa.qr_svg(uri)
    assert svg.startswith("<svg") and "style=" not in svg and "data:" not in svg


def test_recovery_codes_carry_more_than_112_random_bits():
    codes = {mfa._new_recovery_code() for _ in range(50)}

    assert len(codes) == 50
    assert all(len(code.replace("-", "")) == mfa.RECOVERY_CODE_LENGTH for code in codes)
    assert mfa.RECOVERY_CODE_LENGTH * math.log2(31) >= 112
