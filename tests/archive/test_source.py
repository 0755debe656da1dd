"""Files that are not trustworthy text are refused with a reason a curator understands."""

import pytest

from archive.ingest.source import SourceError, read_source

LIMIT = 1024 * 1024


def test_utf8_file_is_read_with_its_checksum(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Međutim, sve se promijenilo.\r\n", encoding="utf-8")
    source = read_source(path, max_bytes=LIMIT)
    assert source.text == "Međutim, sve se promijenilo.\n"
    assert source.encoding == "utf-8"
    assert len(source.checksum) == 64


def test_windows_1250_croatian_is_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    text = "Sovjetski čelnici su bili puno više nego zapadni državnici impresionirani. " * 5
    path.write_bytes(text.encode("cp1250"))
    source = read_source(path, max_bytes=LIMIT)
    assert "čelnici" in source.text and "državnici" in source.text
    assert source.encoding in {"cp1250", "iso8859_2"}


def test_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle line".encode())
    assert read_source(path, max_bytes=LIMIT).text == "Title line"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        read_source(path, max_bytes=LIMIT)


def test_absurdly_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(SourceError, match="too large"):
        read_source(path, max_bytes=1024)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(SourceError, match="cannot be read"):
        read_source(tmp_path / "nope.txt", max_bytes=LIMIT)
