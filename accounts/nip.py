"""NIP (Nomor Induk Pegawai) of a civil servant: 18 digits with meaning.

    YYYYMMDD  birth date
    YYYYMM    TMT CPNS (month and year of appointment)
    G         gender: 1 male, 2 female
    NNN       serial number within that group, from 001
"""
from dataclasses import dataclass
from datetime import date

from core.i18n import gettext as _


MIN_APPOINTMENT_AGE = 18
EARLIEST_BIRTH_YEAR = 1940


class InvalidNip(ValueError):
    pass


@dataclass(frozen=True)
class Nip:
    value: str
    birth_date: date
    appointed: date  # first day of the TMT month
    gender: str  # "L" or "P"

    @property
    def gender_label(self):
        return _("Laki-laki") if self.gender == "L" else _("Perempuan")


def normalise(raw):
    """People type NIPs with spaces or dots (19850312 201001 1 003); keep the digits."""
    return "".join(ch for ch in (raw or "") if not ch.isspace() and ch not in ".-")


def parse_nip(raw, *, today=None):
    """Return the parsed NIP or raise InvalidNip with a message for the user."""
    today = today or date.today()
    value = normalise(raw)
    if len(value) != 18 or not value.isdigit():
        raise InvalidNip(_("NIP harus terdiri dari 18 angka."))
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise InvalidNip(_("Delapan angka pertama NIP harus tanggal lahir yang sah (TTTTBBHH).")) from None
    if birth.year < EARLIEST_BIRTH_YEAR or birth > today:
        raise InvalidNip(_("Tanggal lahir dalam NIP tidak masuk akal."))
    tmt_year, tmt_month = int(value[8:12]), int(value[12:14])
    if not 1 <= tmt_month <= 12:
        raise InvalidNip(_("Angka ke-9 sampai ke-14 NIP harus tahun dan bulan TMT CPNS yang sah (TTTTBB)."))
    appointed = date(tmt_year, tmt_month, 1)
    if appointed > today:
        raise InvalidNip(_("TMT CPNS dalam NIP tidak boleh di masa depan."))
    age_at_appointment = tmt_year - birth.year - ((tmt_month, 1) < (birth.month, birth.day))
    if age_at_appointment < MIN_APPOINTMENT_AGE:
        raise InvalidNip(_("TMT CPNS dalam NIP terlalu dekat dengan tanggal lahir (usia minimal %(age)s tahun).",
                           age=MIN_APPOINTMENT_AGE))
    if value[14] not in "12":
        raise InvalidNip(_("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    if value[15:18] == "000":
        raise InvalidNip(_("Tiga angka terakhir NIP (nomor urut) tidak boleh 000."))
    return Nip(value=value, birth_date=birth, appointed=appointed, gender="L" if value[14] == "1" else "P")
