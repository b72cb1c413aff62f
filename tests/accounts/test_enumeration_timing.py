"""Log-in and registration do the same password-hashing work whether the address (or NIP) exists,
so the time an answer takes does not tell who is registered."""
import hashlib
import time

import pytest

from core.permissions import ASN

FORM = {"full_name": "Siti Aminah", "password": "kopi-pagi-di-teras", "password_confirm": "kopi-pagi-di-teras",
        "account_type": "citizen", "agree": "y"}


@pytest.fixture
def scrypt_calls(monkeypatch):
    """Every scrypt computation (the costly part of hashing and checking a password), with its cost."""
    calls = []
    real = hashlib.scrypt

    def counting(password, *, salt, n, r, p, **kwargs):
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, **kwargs)
    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def work(calls, action):
    calls.clear()
    action()
    return list(calls)


def test_log_in_checks_one_password_of_the_same_cost_for_known_and_unknown_addresses(client, make_user,
                                                                                    scrypt_calls):
    make_user(email="warga@example.com")

    def login(email):
        return client.post("/akun/masuk", data={"email": email, "password": "tebakan-yang-salah"})
    login("pemanasan@example.com")  # the throwaway hash is made once per process
    unknown = work(scrypt_calls, lambda: login("siapa@example.com"))
    wrong = work(scrypt_calls, lambda: login("warga@example.com"))
    assert len(unknown) == len(wrong) == 1
    assert unknown == wrong  # the same scrypt cost (n, r, p)


def test_registration_hashes_once_whether_the_address_or_nip_is_new_or_taken(client, make_user, make_unit,
                                                                             scrypt_calls):
    unit = make_unit()
    make_user(email="siti@example.com")
    make_user(ASN, unit=unit, nip="198503122010011003", email="pemilik@example.com")
    fresh = work(scrypt_calls, lambda: client.post("/akun/daftar", data={**FORM, "email": "baru@example.com"}))
    taken_email = work(scrypt_calls, lambda: client.post("/akun/daftar", data={**FORM, "email": "siti@example.com"}))
    taken_nip = work(scrypt_calls, lambda: client.post("/akun/daftar", data={
        **FORM, "email": "lain@example.com", "account_type": "asn", "nip": "198503122010011003", "unit_id": unit.id}))
    assert len(fresh) == 1
    assert fresh == taken_email == taken_nip


def test_an_unknown_address_takes_about_as_long_to_refuse_as_a_wrong_password(client, make_user):
    make_user(email="warga@example.com")

    def timed(email):
        start = time.perf_counter()
        client.post("/akun/masuk", data={"email": email, "password": "tebakan-yang-salah"})
        return time.perf_counter() - start
    timed("pemanasan@example.com")
    unknown = min(timed("siapa@example.com") for _ in range(3))
    wrong = min(timed("warga@example.com") for _ in range(3))
    # Loose on purpose (shared machines): today the unknown address answered ~10x faster.
    assert unknown > wrong / 3
