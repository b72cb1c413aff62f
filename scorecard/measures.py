"""The registry of the scorecard's measures: what each one counts, how, and how it is scored.

Everything the public pages say about a measure (its name, how it is computed, its unit, which
direction is better, its default thresholds and weight) is written here once; the method page
(/rapor/cara-penilaian) is generated from this registry and the admins' current settings.

A measure's value is computed from *stored figures*: the sums of the daily aggregates over the
period (keys such as "c.received" or "c.days:3", see aggregates.py) and the snapshot taken at the
last refresh (keys such as "c.open_now"). `compute(figures)` returns (value, base): the value
shown, and the number of cases it rests on (the denominator), which decides "data belum cukup".

Scoring (score.py): a scored measure maps its value to 0-100 linearly between its "bad" threshold
(0 points) and its "good" threshold (100 points), clamped at both ends; when "good" is below "bad"
lower values are better (days, overdue shares).
"""
from dataclasses import dataclass, field

from core.i18n import lazy_gettext as _l

COMPLAINTS, FORUM, TRAINING, SURVEY = "complaints", "forum", "training", "survey"

FAMILIES = {
    COMPLAINTS: _l("Pengaduan"),
    FORUM: _l("Forum Konsultasi Publik"),
    TRAINING: _l("Pelatihan kode etik ASN"),
    SURVEY: _l("Survei kepuasan masyarakat"),
}
FAMILY_ORDER = (COMPLAINTS, FORUM, TRAINING, SURVEY)

# Default weight of each family in the overall score. A family with no measure that has enough
# data for a unit drops out and the others are re-normalised to 100 (the survey has no measures
# yet: until it has, the other three share its weight in proportion).
FAMILY_WEIGHTS = {COMPLAINTS: 40, FORUM: 20, TRAINING: 20, SURVEY: 20}

COUNT, PERCENT, DAYS, RATING = "count", "percent", "days", "rating"
UNIT_LABELS = {
    COUNT: _l("jumlah"),
    PERCENT: _l("persen"),
    DAYS: _l("hari kerja"),
    RATING: _l("nilai 1–5"),
}
# The range an admin may set a threshold in, per unit of measure.
UNIT_RANGES = {COUNT: (0, 1_000_000), PERCENT: (0, 100), DAYS: (0, 365), RATING: (1, 5)}

HIGHER, LOWER = "higher", "lower"

# Working days to resolution are stored per complaint in buckets 0..30; 31 holds "more than 30".
DAY_BUCKETS = 31


@dataclass(frozen=True)
class Measure:
    key: str
    family: str
    label: object  # a lazy string: Indonesian, English through the catalogue
    description: object  # how it is computed, in plain words
    unit: str
    direction: str | None = None  # HIGHER or LOWER is better; None: shown, not judged
    scored: bool = False
    good: float | None = None  # value that earns 100 points (default; admins may override)
    bad: float | None = None  # value that earns 0 points
    weight: float = 0  # weight inside its family
    min_base: int = 0  # fewest cases (the denominator) for the value to count: else "data belum cukup"
    base_label: object = None  # what the base counts, e.g. "pengaduan selesai"
    snapshot: bool = False  # the state at the last refresh, not a sum over the period
    live: bool = False  # read when the page is drawn (one grouped query), not from the aggregates: no monthly trend
    compute: object = field(default=None, repr=False, compare=False)


def _share(numerator, denominator):
    return (100.0 * numerator / denominator) if denominator else None


def _sum_prefix(figures, prefix):
    return sum(v for k, v in figures.items() if k.startswith(prefix))


def median_from_buckets(counts):
    """The median of values given as {value: how many}; the mean of the two middle ones when even."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(n):  # the n-th smallest value, 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if n < seen:
                return value
        return ordered[-1][0]
    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def day_buckets(figures):
    """{working days: complaints} from the "c.days:N" figures."""
    return {int(k.split(":", 1)[1]): v for k, v in figures.items() if k.startswith("c.days:") and v}


def rating_counts(figures):
    return {n: figures.get(f"c.rating:{n}", 0) for n in range(1, 6)}


def _rating_average(f):
    counts = rating_counts(f)
    total = sum(counts.values())
    return (sum(n * c for n, c in counts.items()) / total if total else None), total


def _sla_share(f):
    base = f.get("c.resolved", 0) + f.get("c.open_past_due", 0)
    return _share(f.get("c.resolved_on_time", 0), base), base


def _median_days(f):
    buckets = day_buckets(f)
    return median_from_buckets(buckets), sum(buckets.values())


def _overdue_share(f):
    base = f.get("c.open_now", 0)
    return _share(f.get("c.overdue_now", 0), base), base


def _count(key):
    return lambda f: (f.get(key, 0), None)


def _training_coverage(f):
    """Mean over the mandatory modules of the share of confirmed ASN holding a valid certificate."""
    asn = f.get("t.asn", 0)
    modules = [k for k in f if k.startswith("t.module:")]
    if not asn or not modules:
        return None, asn if modules else 0
    return sum(100.0 * f[k] / asn for k in modules) / len(modules), asn


MEASURES = [
    # --- complaints: a cohort, the complaints received in the period -------------------------------
    Measure("c.received", COMPLAINTS, _l("Pengaduan diterima"),
            _l("Jumlah pengaduan, aspirasi, dan permintaan informasi yang diterima dalam periode, menurut "
               "tanggal diterima, termasuk yang rahasia dan anonim. Rinciannya menurut jenis dan kategori."),
            COUNT, compute=_count("c.received")),
    Measure("c.confidential", COMPLAINTS, _l("Pengaduan rahasia"),
            _l("Berapa dari pengaduan yang diterima berstatus rahasia. Pengaduan rahasia ikut dihitung pada "
               "setiap angka rapor, tetapi tidak ada isinya yang ditampilkan di rapor."),
            COUNT, compute=_count("c.confidential")),
    Measure("c.resolved", COMPLAINTS, _l("Pengaduan diselesaikan"),
            _l("Berapa dari pengaduan yang diterima dalam periode sudah diselesaikan unit (status selesai "
               "atau ditutup setelah selesai). Penyelesaian yang disanggah pelapor tidak dihitung sampai "
               "diselesaikan lagi."),
            COUNT, compute=_count("c.resolved")),
    Measure("c.sla_share", COMPLAINTS, _l("Diselesaikan tepat waktu"),
            _l("Persentase pengaduan yang diselesaikan paling lambat pada tenggatnya (akhir hari kerja ke-N "
               "setelah diterima; hari menunggu jawaban pelapor tidak dihitung, dan penyelesaian yang "
               "disanggah mendapat tenggat baru). Pembaginya: pengaduan yang sudah selesai ditambah pengaduan "
               "terbuka yang sudah lewat tenggat."),
            PERCENT, HIGHER, scored=True, good=95, bad=50, weight=3, min_base=5,
            base_label=_l("pengaduan selesai atau lewat tenggat"), compute=_sla_share),
    Measure("c.median_days", COMPLAINTS, _l("Median lama penyelesaian"),
            _l("Nilai tengah lama penyelesaian dalam hari kerja, dari hari diterima sampai hari diselesaikan, "
               "tanpa hari-hari menunggu jawaban pelapor. Separuh pengaduan selesai lebih cepat, separuh "
               "lebih lambat."),
            DAYS, LOWER, scored=True, good=3, bad=10, weight=2, min_base=5,
            base_label=_l("pengaduan selesai"), compute=_median_days),
    Measure("c.overdue_share", COMPLAINTS, _l("Pengaduan terbuka yang lewat tenggat saat ini"),
            _l("Dari pengaduan unit yang masih terbuka saat angka terakhir dihitung, berapa persen sudah "
               "lewat tenggat. Ini keadaan saat ini, bukan angka periode."),
            PERCENT, LOWER, scored=True, good=0, bad=50, weight=2, min_base=3,
            base_label=_l("pengaduan terbuka"), snapshot=True, compute=_overdue_share),
    Measure("c.open_now", COMPLAINTS, _l("Pengaduan terbuka saat ini"),
            _l("Pengaduan unit yang belum selesai saat angka terakhir dihitung, termasuk yang menunggu "
               "jawaban pelapor."),
            COUNT, snapshot=True, compute=_count("c.open_now")),
    Measure("c.overdue_now", COMPLAINTS, _l("Pengaduan lewat tenggat saat ini"),
            _l("Pengaduan unit yang masih terbuka dan sudah melewati tenggatnya saat angka terakhir dihitung."),
            COUNT, snapshot=True, compute=_count("c.overdue_now")),
    Measure("c.forwarded_auto", COMPLAINTS, _l("Diteruskan otomatis ke SP4N-LAPOR!"),
            _l("Pengaduan yang diteruskan sistem ke SP4N-LAPOR! karena melewati tenggat."),
            COUNT, compute=_count("c.forwarded_auto")),
    Measure("c.forwarded_manual", COMPLAINTS, _l("Diteruskan moderator ke SP4N-LAPOR!"),
            _l("Pengaduan yang diteruskan moderator ke SP4N-LAPOR! sebelum tenggat, dengan alasan tertulis."),
            COUNT, compute=_count("c.forwarded_manual")),
    Measure("c.verify_share", COMPLAINTS, _l("Diverifikasi tepat waktu"),
            _l("Persentase pengaduan yang diverifikasi moderator sebelum tenggat verifikasi. Verifikasi "
               "dikerjakan moderator kota, bukan unit, sehingga angka ini tidak masuk nilai unit."),
            PERCENT, HIGHER, base_label=_l("pengaduan diverifikasi"),
            compute=lambda f: (_share(f.get("c.verified_on_time", 0), f.get("c.verified", 0)), f.get("c.verified", 0))),
    Measure("c.rating_avg", COMPLAINTS, _l("Penilaian pelapor"),
            _l("Rata-rata nilai 1 sampai 5 yang diberikan pelapor setelah pengaduannya diselesaikan, dengan "
               "sebaran tiap nilai."),
            RATING, HIGHER, scored=True, good=4.5, bad=2.5, weight=2, min_base=3,
            base_label=_l("penilaian"), compute=_rating_average),
    Measure("c.disputed", COMPLAINTS, _l("Penyelesaian disanggah"),
            _l("Pengaduan yang penyelesaiannya disanggah pelapor paling sedikit sekali, sehingga dibuka kembali."),
            COUNT, compute=_count("c.disputed")),
    Measure("c.rejected", COMPLAINTS, _l("Pengaduan ditolak"),
            _l("Pengaduan yang ditolak, misalnya bukan kewenangan pemerintah kota atau duplikat."),
            COUNT, compute=_count("c.rejected")),
    # --- complaints accompanied by a verified organisation (pengawalan): read live, see services ---
    Measure("c.accompanied", COMPLAINTS, _l("Pengaduan dikawal organisasi"),
            _l("Pengaduan unit yang mulai dikawal organisasi masyarakat sipil terverifikasi dalam periode (menurut "
               "tanggal organisasi menerima permintaan pelapor), baik pengawalannya masih berjalan maupun sudah "
               "berakhir; pengaduan yang dikawal dua kali dihitung sekali. Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.accompanied")),
    Measure("c.accompanied_resolved", COMPLAINTS, _l("Pengaduan dikawal yang diselesaikan"),
            _l("Dari pengaduan yang dikawal dalam periode, berapa yang saat ini sudah diselesaikan (selesai atau "
               "ditutup setelah selesai). Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.resolved")),
    Measure("c.accompanied_on_time", COMPLAINTS, _l("Pengaduan dikawal yang diselesaikan tepat waktu"),
            _l("Dari pengaduan dikawal yang sudah diselesaikan, berapa yang diselesaikan paling lambat pada "
               "tenggatnya. Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.resolved_within_sla")),
    Measure("c.accompanied_forwarded", COMPLAINTS, _l("Pengaduan dikawal yang diteruskan ke SP4N-LAPOR!"),
            _l("Dari pengaduan yang dikawal dalam periode, berapa yang diteruskan ke SP4N-LAPOR! (otomatis atau oleh "
               "moderator), apa pun statusnya sekarang. Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.forwarded")),
    Measure("c.accompanied_rejected", COMPLAINTS, _l("Pengaduan dikawal yang ditolak"),
            _l("Dari pengaduan yang dikawal dalam periode, berapa yang ditolak moderator. Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.rejected")),
    Measure("c.accompanied_open", COMPLAINTS, _l("Pengaduan dikawal yang masih terbuka"),
            _l("Dari pengaduan yang dikawal dalam periode, berapa yang saat ini belum selesai. Diselesaikan, ditolak "
               "dan masih terbuka berjumlah sama dengan pengaduan yang dikawal. Ditampilkan, tidak dinilai."),
            COUNT, live=True, compute=_count("acc.open")),
    # --- forum: the consultations published in the period; follow-up actions by target date -------
    Measure("f.consultations_12m", FORUM, _l("Konsultasi dalam 12 bulan terakhir"),
            _l("Konsultasi publik yang dipublikasikan unit dalam 12 bulan terakhir (dihitung dari hari ini, "
               "bukan periode). Unit tanpa konsultasi selama itu ditandai, seperti daftar unit tanpa "
               "konsultasi yang dipakai moderator."),
            COUNT, HIGHER, scored=True, good=1, bad=0, weight=1, snapshot=True,
            compute=_count("f.consultations_12m")),
    Measure("f.consultations", FORUM, _l("Konsultasi dalam periode"),
            _l("Konsultasi publik yang dipublikasikan unit dalam periode. Angka forum lainnya dihitung atas "
               "konsultasi ini."),
            COUNT, compute=_count("f.consultations")),
    Measure("f.inputs", FORUM, _l("Masukan diterima"),
            _l("Masukan yang tampil (tidak disembunyikan moderator) pada konsultasi dalam periode."),
            COUNT, compute=_count("f.inputs")),
    Measure("f.response_share", FORUM, _l("Tanggapan resmi tepat waktu"),
            _l("Persentase masukan yang mendapat tanggapan resmi unit paling lambat pada tenggat tanggapan "
               "(hari kerja setelah masa masukan ditutup). Pembaginya: masukan yang sudah ditanggapi "
               "ditambah masukan yang tenggatnya sudah lewat."),
            PERCENT, HIGHER, scored=True, good=100, bad=50, weight=2, min_base=3,
            base_label=_l("masukan yang jatuh tempo"),
            compute=lambda f: (_share(f.get("f.responses_on_time", 0), f.get("f.responses_due", 0)),
                               f.get("f.responses_due", 0))),
    Measure("f.dispositions", FORUM, _l("Disposisi tanggapan"),
            _l("Tanggapan resmi menurut disposisinya: diterima, diterima sebagian, dipertimbangkan, tidak diterima."),
            COUNT, compute=lambda f: (_sum_prefix(f, "f.disposition:"), None)),
    Measure("f.actions_done", FORUM, _l("Tindak lanjut selesai"),
            _l("Rencana tindak lanjut berita acara yang target tanggalnya jatuh dalam periode dan sudah selesai."),
            COUNT, compute=_count("fa.done")),
    Measure("f.actions_share", FORUM, _l("Tindak lanjut selesai tepat waktu"),
            _l("Dari tindak lanjut yang target tanggalnya jatuh dalam periode dan sudah selesai atau sudah lewat "
               "target, berapa persen selesai paling lambat pada target tanggalnya. Yang dibatalkan tidak dihitung."),
            PERCENT, HIGHER, scored=True, good=90, bad=40, weight=2, min_base=2,
            base_label=_l("tindak lanjut jatuh tempo"),
            compute=lambda f: (_share(f.get("fa.done_on_time", 0), f.get("fa.done", 0) + f.get("fa.overdue", 0)),
                               f.get("fa.done", 0) + f.get("fa.overdue", 0))),
    Measure("f.actions_overdue", FORUM, _l("Tindak lanjut lewat target"),
            _l("Tindak lanjut yang target tanggalnya jatuh dalam periode, sudah lewat, dan belum selesai."),
            COUNT, compute=_count("fa.overdue")),
    Measure("f.vulnerable_share", FORUM, _l("Peserta dari kelompok rentan"),
            _l("Persentase peserta terdaftar konsultasi dalam periode yang menyatakan diri dari kelompok rentan "
               "(penyandang disabilitas, lansia, dan lainnya)."),
            PERCENT, HIGHER, scored=True, good=20, bad=0, weight=1, min_base=5,
            base_label=_l("peserta"),
            compute=lambda f: (_share(f.get("f.participants_vulnerable", 0), f.get("f.participants", 0)),
                               f.get("f.participants", 0))),
    # --- training: the state at the last refresh --------------------------------------------------
    Measure("t.coverage", TRAINING, _l("ASN bersertifikat modul wajib"),
            _l("Untuk setiap modul wajib: persentase ASN unit yang sudah dikonfirmasi dan memegang sertifikat "
               "yang masih berlaku; nilainya rata-rata semua modul wajib. Ini keadaan saat ini."),
            PERCENT, HIGHER, scored=True, good=100, bad=50, weight=3, min_base=1, snapshot=True,
            base_label=_l("ASN terkonfirmasi"), compute=_training_coverage),
    Measure("t.expiring_30d", TRAINING, _l("Sertifikat berakhir dalam 30 hari"),
            _l("Sertifikat modul wajib milik ASN unit yang masa berlakunya berakhir dalam 30 hari ke depan."),
            COUNT, snapshot=True, compute=_count("t.expiring_30d")),
]

BY_KEY = {measure.key: measure for measure in MEASURES}
SCORED = [measure for measure in MEASURES if measure.scored]


def of_family(family):
    return [measure for measure in MEASURES if measure.family == family]


def get(key):
    return BY_KEY[key]
