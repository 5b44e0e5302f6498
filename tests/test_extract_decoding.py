"""Decoding: byte-order marks, declared charsets, wrong declarations, unreadable input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcrawl.extract import ExtractionError, extract
from govcrawl.extract.decoding import declared_charset, decode

REPORT = "天津市红桥区人民政府2020年政府信息公开年度报告，统计期限自2020年1月1日起至2020年12月31日止。"


def _page(charset_meta: str = "") -> str:
    return f"<html><head>{charset_meta}<title>{REPORT[:25]}</title></head><body><p>{REPORT}</p></body></html>"


def test_gbk_page_with_meta_charset():
    raw = _page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    assert REPORT in decode(raw)


def test_gbk_page_without_any_declaration_is_detected():
    raw = (_page() * 3).encode("gbk")
    assert REPORT in decode(raw)


def test_utf8_bytes_declared_as_gb2312_are_read_as_utf8():
    raw = _page('<meta charset="gb2312">').encode("utf-8")
    assert REPORT in decode(raw)


def test_gbk_bytes_declared_as_utf8_fall_back_to_detection():
    raw = _page('<meta charset="utf-8">').encode("gb18030")
    assert REPORT in decode(raw, "text/html; charset=utf-8")


def test_gb18030_only_characters_survive_a_gb2312_declaration():
    text = "镕" + REPORT  # not in GB2312
    assert text in decode(text.encode("gb18030"), "text/html; charset=gb2312")


def test_utf8_byte_order_mark():
    assert decode(b"\xef\xbb\xbf" + REPORT.encode()).startswith("天津")


def test_declared_charset_prefers_the_header_and_widens_gb2312():
    assert declared_charset(b'<meta charset="utf-8">', "text/html; charset=GB2312") == "gb18030"
    assert declared_charset(b'<meta charset="gbk">') == "gb18030"
    assert declared_charset(b"<p>no declaration</p>") is None


@pytest.mark.parametrize("raw", [b"", b"   \n\t ", bytes(range(256)) * 8])
def test_unreadable_input_raises(raw):
    with pytest.raises(ExtractionError):
        extract(raw, media_type="text/html")


def test_full_width_digits_are_matched_but_text_keeps_its_punctuation():
    page = (
        "<html><head><meta name='ArticleTitle' content='临海市２０２０年政府信息公开工作年度报告'></head><body>"
        "<div class='TRS_Editor'><p>一、总体情况</p><p>全市共受理政府信息公开申请２４８件，办结率100%。</p>"
        "<p>二、主动公开政府信息情况</p></div></body></html>"
    )
    record = extract(page.encode("utf-8"), media_type="text/html").record
    assert record["year"] == 2020
    assert record["stats"]["applications.new_received"] == 248
    assert "２４８件，" in record["text"]


def test_a_page_cut_off_inside_a_character_is_reported_as_truncated():
    raw = _page('<meta charset="utf-8">').encode("utf-8")
    cut = raw[: raw.index("年".encode("utf-8")) + 2]
    with pytest.raises(ExtractionError, match="truncated"):
        extract(cut, media_type="text/html")


def test_control_characters_are_exactly_unicodes_less_the_four_text_uses():
    """The regular expression that counts control characters matches exactly category Cc less
    tab, line feed, form feed and carriage return, on every code point."""
    import unicodedata

    from govcrawl.extract.decoding import CONTROL_CHARACTERS

    wrong = [hex(cp) for cp in range(0x110000)
             if bool(CONTROL_CHARACTERS.fullmatch(chr(cp))) != (unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\t\n\r\f")]
    assert wrong == []


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
def test_control_characters_counted_in_utf8_bytes_as_in_the_text(text):
    """Pages read as UTF-8 have their control characters counted in the bytes (faster): the
    share is the one the regular expression gives over the text, C1 controls (0xC2 …) included."""
    from govcrawl.extract.decoding import _control_share

    assert _control_share(text, text.encode("utf-8")) == _control_share(text)
