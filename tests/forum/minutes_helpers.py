"""Helpers for the berita acara and follow-up tests: a held consultation, a saved and a published
berita acara, and reading the text back out of a generated PDF (pypdf is not a dependency)."""
import re
import zlib
from datetime import date, timedelta

from forum import minutes_services as services
from forum.models import CLOSED


def held_consultation(make_consultation, now, **fields):
    """Input window closed, meeting held yesterday."""
    return make_consultation(stage=CLOSED, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=3),
                             meeting_at=now - timedelta(days=1), **fields)


def agreement_rows(unit, n=2, *, start=None, input_id=None):
    start = start or date(2026, 12, 1)
    return [{"text": f"Kesepakatan {i}: waktu layanan perizinan dipersingkat menjadi {i + 2} hari kerja.",
             "unit_id": unit.id, "target_date": start + timedelta(days=30 * i),
             "input_id": input_id if i == 1 else None} for i in range(1, n + 1)]


SIGNATORIES = [{"name": "Drs. Ahmad Syafi'i, M.Si.", "position": "Kepala Dinas", "organisation": "DPMPTSP"},
               {"name": "Siti Nurhaliza", "position": "Ketua", "organisation": "Forum Peduli Layanan"}]


def save(actor, consultation, now, unit, *, n=2, **overrides):
    values = dict(held_at=now - timedelta(days=1), place="Aula Kantor Wali Kota", summary="Forum membahas rancangan.",
                  signatories=SIGNATORIES, other_attendees="Budi — Kecamatan Pontianak Kota",
                  agreements=agreement_rows(unit, n))
    values.update(overrides)
    return services.save_minutes(actor, consultation, now=now, **values)


def publish(actor, consultation, now, unit, *, n=2, **overrides):
    minutes = save(actor, consultation, now, unit, n=n, **overrides)
    return services.publish_minutes(actor, minutes, now=now)


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw):
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i:i + 1]
        if ch == b"\\":
            nxt = raw[i + 1:i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            i += 1
            continue
        out += ch
        i += 1
    return bytes(out)


def _stream(body):
    match = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if match is None:
        return b""
    try:
        return zlib.decompress(match.group(1))
    except zlib.error:
        return match.group(1)


def _cmap(stream):
    glyphs = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for gid, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            glyphs[int(gid, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    return glyphs


def pdf_text(data):
    """The text shown by an fpdf2 PDF with embedded TrueType fonts: each font's glyph ids mapped back
    through its ToUnicode CMap, one line per text object."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}
    fonts = {}
    for body in objects.values():
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        if font_dict:
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict.group(1)):
                to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects.get(int(ref), b""))
                if to_unicode:
                    fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    lines = []
    for body in objects.values():
        content = _stream(body)
        if b"BT" not in content or b"Tf" not in content:
            continue
        glyphs = {}
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            font = re.search(rb"/(\w+)\s+[\d.]+\s+Tf", block)
            if font:
                glyphs = fonts.get(font.group(1), {})
            text = ""
            for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)", block, re.S):
                code = _unescape(raw)
                text += "".join(glyphs.get(int.from_bytes(code[i:i + 2], "big"), "?")
                                for i in range(0, len(code) - 1, 2))
            if text:
                lines.append(text)
    return " ".join(lines)
