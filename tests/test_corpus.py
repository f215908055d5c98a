"""The documents as Arrow columns (corpus.py): the same documents as the list they came from,
views that share the columns, and texts a forked worker reads without copying them."""
from __future__ import annotations

import multiprocessing as mp
import pickle
import random

import pyarrow as pa
import pytest

from retold.corpus import BUILD_ROWS, Corpus, CorpusBuilder, subset, value, values
from retold.model import Document
from retold.schema import DOCUMENTS


def _docs(n: int, seed: int = 3) -> list[Document]:
    rng = random.Random(seed)
    words = ["plain", "naïve", "Zürich", "“quoted”", "пожар", "火事", "🚒", "", "tab\there", "line\nbreak"]
    out = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 30)))
        out.append(Document(f"d{i}", text, rng.choice([None, f"Title {i} 🚒", ""]),
                            rng.choice([None, "2024-03-0%d" % rng.randrange(1, 10)]),
                            rng.choice([None, "site-a", "site-b"]), rng.choice([None, f"https://x/{i}"]),
                            origin=f"in.jsonl:{i + 1}"))
    return out


def test_a_corpus_gives_back_the_documents_it_was_built_from():
    docs = _docs(300)
    corpus = Corpus.from_documents(docs)
    assert len(corpus) == len(docs)
    assert list(corpus) == docs
    assert corpus[-1] == docs[-1] and corpus[7] == docs[7]
    for name in ("doc_id", "text", "title", "date", "source", "url", "origin"):
        assert corpus.column(name).tolist() == [getattr(d, name) for d in docs]
        assert [corpus.value(name, i) for i in range(len(docs))] == [getattr(d, name) for d in docs]
    with pytest.raises(IndexError):
        corpus[len(docs)]


def test_the_builder_makes_one_corpus_over_several_chunks(monkeypatch):
    import retold.corpus as mod
    monkeypatch.setattr(mod, "BUILD_ROWS", 7)
    docs = _docs(50)
    b = CorpusBuilder()
    for d in docs:
        b.add(d)
    assert b.count == 50 and list(b.finish()) == docs
    assert BUILD_ROWS > 7  # the shipped chunk is not the test's


def test_views_share_the_columns_and_changed_values_stay_in_the_view():
    docs = _docs(40)
    corpus = Corpus.from_documents(docs)
    part = corpus[5:25]
    assert list(part) == docs[5:25]
    picked = part.take([3, 0, -1])
    assert list(picked) == [docs[8], docs[5], docs[24]]
    retitled = picked.with_values("title", {1: "New"})
    assert [d.title for d in retitled] == [docs[8].title, "New", docs[24].title]
    assert retitled.column("title").tolist() == [docs[8].title, "New", docs[24].title]
    assert corpus[5].title == docs[5].title and picked[1].title == docs[5].title  # others unchanged
    # a view taken after the change keeps it; the change is keyed by the document, not the position
    assert retitled.take([1])[0].title == "New"
    assert subset(docs, [2, 1]) == [docs[2], docs[1]] and list(subset(corpus, [2, 1])) == [docs[2], docs[1]]
    assert value(docs, "date", 3) == value(corpus, "date", 3) == docs[3].date
    assert values(docs, "url") == values(corpus, "url")


def test_a_corpus_sent_to_another_process_goes_as_its_documents():
    docs = _docs(20)
    view = Corpus.from_documents(docs)[3:9]
    assert pickle.loads(pickle.dumps(view)) == docs[3:9]
    assert pickle.loads(pickle.dumps(view.texts)) == [d.text for d in docs[3:9]]


def test_its_table_is_the_documents_schema_with_lengths_in_code_points():
    docs = _docs(60)
    corpus = Corpus.from_documents(docs)
    for c in (corpus, corpus.take([4, 2, 9]).with_values("text", {0: "🚒🚒"})):
        table = c.table(chunk_rows=7)
        assert table.schema == DOCUMENTS
        assert table.column("text").to_pylist() == [d.text for d in c]
        assert table.column("chars").to_pylist() == [len(d.text) for d in c]
    assert corpus.total_chars() == sum(len(d.text) for d in docs)
    # what documents.parquet reads back as (int32 strings, several chunks) makes the same corpus
    again = Corpus(pa.concat_tables([corpus.table().slice(0, 25), corpus.table().slice(25)]))
    assert list(again) == docs


def _private_dirty_kb() -> int:
    with open("/proc/self/smaps_rollup") as fh:
        return sum(int(line.split()[1]) for line in fh if line.startswith(("Private_Dirty", "Private_Anonymous")))


def _read_all(holder, out) -> None:
    before = _private_dirty_kb()
    n = 0
    for i in range(len(holder)):
        n += len(holder[i] if isinstance(holder, list) else holder.text(i))
    out.put((_private_dirty_kb() - before, n))


def _child_growth(holder) -> int:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_read_all, args=(holder, q))
    p.start()
    grown, _ = q.get(timeout=120)
    p.join()
    return grown


def test_a_forked_worker_reads_the_texts_without_copying_them():
    # 6,000 texts of ~6 KB (36 MB): a worker reading Python strings copies the page of each
    # (its reference count is written), one reading the corpus only decodes each in turn
    rng = random.Random(5)
    texts = ["".join(rng.choice("abcdefghij ") for _ in range(6000)) + str(i) for i in range(6000)]
    corpus = Corpus.from_documents(Document(f"d{i}", t) for i, t in enumerate(texts))
    size_kb = sum(len(t) for t in texts) // 1024
    as_strings = _child_growth(texts)
    as_corpus = _child_growth(corpus)
    assert as_strings > 0.4 * size_kb, (as_strings, size_kb)  # the measure sees the copies
    assert as_corpus < 0.1 * size_kb, (as_corpus, size_kb)


def test_texts_on_disk_read_the_same_documents_and_give_their_pages_back(tmp_path):
    import numpy as np
    from retold.io import mapped
    docs = _docs(400)
    corpus = Corpus.from_documents(docs)
    spilled = corpus.texts_on_disk(tmp_path / "texts.bin")
    assert (tmp_path / "texts.bin").is_file()
    assert list(spilled) == docs and spilled.table().equals(corpus.table())
    assert spilled.total_chars() == corpus.total_chars()
    assert spilled.take([5, 2]).texts.tolist() == [docs[5].text, docs[2].text]
    assert pickle.loads(pickle.dumps(spilled))[9] == docs[9]
    mapped.release()  # the pages go; the texts are read again from the file
    assert spilled.texts.tolist() == [d.text for d in docs]
    # a view is not written again (its columns are the corpus's)
    view = spilled.take(np.arange(3))
    assert view.texts_on_disk(tmp_path / "other.bin") is view and not (tmp_path / "other.bin").exists()


def test_a_builder_writing_its_texts_to_a_file_makes_the_same_corpus(tmp_path):
    docs = _docs(300)
    on_disk = CorpusBuilder(texts_to=tmp_path / "texts.bin")
    for d in docs:
        on_disk.add(d)
    corpus = on_disk.finish()
    assert list(corpus) == docs and corpus.table().equals(Corpus.from_documents(docs).table())
    assert (tmp_path / "texts.bin").stat().st_size == sum(len(d.text.encode("utf-8")) for d in docs)
    assert not (tmp_path / "texts.bin.tmp").exists()
    empty = CorpusBuilder(texts_to=tmp_path / "empty.bin")
    empty.add(Document("e", "", None, None, None, None))
    assert empty.finish().texts.tolist() == [""]


def test_a_documents_file_read_back_with_its_texts_unpacked_to_a_file_is_the_same_corpus(tmp_path):
    import pyarrow.parquet as pq
    docs = _docs(500)
    pq.write_table(Corpus.from_documents(docs).table(), tmp_path / "documents.parquet", row_group_size=97)
    assert pq.ParquetFile(tmp_path / "documents.parquet").num_row_groups > 3
    back = Corpus.read_parquet(tmp_path / "documents.parquet", texts_to=tmp_path / "texts.bin")
    assert list(back) == docs
    assert (tmp_path / "texts.bin").stat().st_size == sum(len(d.text.encode("utf-8")) for d in docs)
    assert list(Corpus.read_parquet(tmp_path / "documents.parquet")) == docs
