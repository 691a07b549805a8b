"""The answer cache: append-only segments that survive crashes and older layouts."""

from __future__ import annotations

from pathlib import Path

from harness.cache import AnswerJournal, DiskCache, key_of

FIRST, SECOND = key_of("first"), key_of("second")


def test_answers_written_by_one_process_are_read_by_the_next(tmp_path: Path) -> None:
    writer = AnswerJournal(tmp_path)
    writer.put(FIRST, {"text": "one"})
    writer.put(SECOND, {"text": "two"})
    assert writer.get(FIRST) == {"text": "one"}
    writer.close()

    reader = AnswerJournal(tmp_path)
    assert reader.get(FIRST) == {"text": "one"}
    assert reader.get(SECOND) == {"text": "two"}
    assert reader.get(key_of("never asked")) is None
    assert len(list((tmp_path / "answers" / "journal").glob("*.seg"))) == 1


def test_a_record_cut_short_by_a_crash_is_a_miss(tmp_path: Path) -> None:
    writer = AnswerJournal(tmp_path)
    writer.put(FIRST, {"text": "one"})
    writer.put(SECOND, {"text": "two" * 100})
    writer.close()
    segment = next((tmp_path / "answers" / "journal").glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[:-7])

    reader = AnswerJournal(tmp_path)
    assert reader.get(FIRST) == {"text": "one"}
    assert reader.get(SECOND) is None
    reader.put(SECOND, {"text": "asked again"})
    assert reader.get(SECOND) == {"text": "asked again"}
    reader.close()
    assert AnswerJournal(tmp_path).get(SECOND) == {"text": "asked again"}


def test_answers_cached_a_file_each_are_still_served(tmp_path: Path) -> None:
    DiskCache(tmp_path, "answers", versioned=False).put(FIRST, {"text": "old"})
    assert AnswerJournal(tmp_path).get(FIRST) == {"text": "old"}
