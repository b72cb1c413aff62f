from datetime import date

import pytest

from accounts.nip import InvalidNip, parse_nip

TODAY = date(2026, 11, 28)


def test_a_valid_nip_yields_birth_date_appointment_and_gender():
    nip = parse_nip("198503122010011003", today=TODAY)
    assert nip.birth_date == date(1985, 3, 12)
    assert nip.appointed == date(2010, 1, 1)
    assert nip.gender == "L"


def test_spaces_and_dots_as_people_type_them_are_accepted():
    assert parse_nip("19920725 201903 2 008", today=TODAY).value == "199207252019032008"
    assert parse_nip("19920725.201903.2.008", today=TODAY).gender == "P"


@pytest.mark.parametrize("raw,message", [
    ("", "18 angka"),
    ("19850312201001100", "18 angka"),          # 17 digits
    ("1985031220100110031", "18 angka"),        # 19 digits
    ("19850312201001100A", "18 angka"),
    ("198502302010011003", "tanggal lahir"),    # 30 February
    ("198513122010011003", "tanggal lahir"),    # month 13
    ("193001012010011003", "tidak masuk akal"),  # born before 1940
    ("198503122010131003", "TMT"),              # TMT month 13
    ("198503122027011003", "masa depan"),       # appointed in 2027
    ("198503122000011003", "usia minimal"),     # appointed at 14
    ("198503122010013003", "jenis kelamin"),    # gender digit 3
    ("198503122010011000", "000"),              # serial 000
])
def test_an_invalid_nip_is_refused_with_the_reason(raw, message):
    with pytest.raises(InvalidNip, match=message):
        parse_nip(raw, today=TODAY)


def test_appointment_exactly_at_eighteen_is_accepted():
    assert parse_nip("199001012008011001", today=TODAY).appointed == date(2008, 1, 1)
    with pytest.raises(InvalidNip):
        parse_nip("199002012008011001", today=TODAY)  # one month short of 18
