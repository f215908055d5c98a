"""The candidate stage as Spark DataFrame joins: LSH band buckets and rare-anchor n-grams are
computed per shard on the executors, then grouped and self-joined. The result is the same
set as `stages.candidates` (same pairs, same anchor count per pair), which the parity tests
check; exact-duplicate groups stay on the driver (one content hash per document)."""
from __future__ import annotations

from functools import partial

import numpy as np

from ..config import Config
from ..sketch.lsh import band_buckets, lsh_params
from . import stages


def _bucket_rows(bands: int, rows: int, shard: tuple[int, np.ndarray]):
    """(bucket key, row) of every (row, band) of one shard of signatures."""
    lo, sig = shard
    keys, members = band_buckets(sig, bands, rows)
    return zip(keys.view(np.int64).tolist(), (members + lo).tolist())


def _anchor_rows(shard: tuple[int, list[np.ndarray]]):
    """(anchor n-gram, row) of every distinct anchor of one shard of documents."""
    lo, grams = shard
    for k, g in enumerate(grams):
        row = lo + k
        for x in np.unique(g).view(np.int64).tolist():
            yield x, row


def _shards(items, size: int) -> list[tuple[int, object]]:
    return [(lo, items[lo:lo + size]) for lo in range(0, len(items), size)]


def lsh_pairs(spark, sig: np.ndarray, cfg: Config, slices: int):
    """DataFrame (a, b), a < b: rows of `sig` sharing an LSH bucket, as `lsh_candidates`
    makes them (a bucket over `max_bucket` rows gives a star from its lowest row)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    bands, rows = lsh_params(cfg.near_threshold, sig.shape[1], cfg.lsh_fp_weight)
    shards = _shards(sig, max(1, -(-len(sig) // slices)))
    rdd = spark.sparkContext.parallelize(shards, max(1, len(shards))).flatMap(partial(_bucket_rows, bands, rows))
    bucket = Window.partitionBy("key")
    # size and first member of each bucket, in one pass partitioned by key (the joins below
    # keep that partitioning)
    buckets = (spark.createDataFrame(rdd, "key long, m long")
               .withColumn("size", F.count("*").over(bucket)).withColumn("first", F.min("m").over(bucket)))
    small = buckets.where(F.col("size") <= cfg.max_bucket).select("key", "m")
    clique = (small.alias("x").join(small.alias("y"), "key")
              .where(F.col("x.m") < F.col("y.m")).select(F.col("x.m").alias("a"), F.col("y.m").alias("b")))
    # big buckets (boilerplate, cliches): a star from the first member keeps them connected
    star = (buckets.where((F.col("size") > cfg.max_bucket) & (F.col("m") != F.col("first")))
            .select(F.col("first").alias("a"), F.col("m").alias("b")))
    return clique.union(star).distinct()


def anchor_pairs(spark, anchors: list[np.ndarray], cfg: Config, slices: int):
    """DataFrame (a, b, anchors): documents sharing at least `min_anchors` n-grams found in 2
    to `anchor_max_df` documents, each document keeping its `max_candidates_per_doc` best
    partners (a pair stays when either side keeps it), as `anchor_candidates` does."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    shards = _shards(anchors, max(1, -(-len(anchors) // slices)))
    rdd = spark.sparkContext.parallelize(shards, max(1, len(shards))).flatMap(_anchor_rows)
    grams = spark.createDataFrame(rdd, "g long, m long").withColumn("df", F.count("*").over(Window.partitionBy("g")))
    rare = grams.where((F.col("df") >= 2) & (F.col("df") <= cfg.anchor_max_df)).select("g", "m")
    shared = (rare.alias("x").join(rare.alias("y"), "g").where(F.col("x.m") < F.col("y.m"))
              .groupBy(F.col("x.m").alias("a"), F.col("y.m").alias("b")).agg(F.count("*").alias("anchors"))
              .where(F.col("anchors") >= cfg.min_anchors))
    # ties in the cap go to the lower partner row (rows in id order: `stages.canonical_reps`),
    # as in anchors._cap_per_doc's stable sort
    by_a = Window.partitionBy("a").orderBy(F.col("anchors").desc(), F.col("b"))
    by_b = Window.partitionBy("b").orderBy(F.col("anchors").desc(), F.col("a"))
    cap = cfg.max_candidates_per_doc
    return (shared.withColumn("ra", F.row_number().over(by_a)).withColumn("rb", F.row_number().over(by_b))
            .where((F.col("ra") <= cap) | (F.col("rb") <= cap)).select("a", "b", "anchors"))


def candidates(spark, batch: stages.SketchBatch, dates: list[str | None], cfg: Config,
               slices: int, ids: list[str] | None = None) -> stages.Candidates:
    """`stages.candidates` with the LSH and anchor joins on Spark.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
    batch : stages.SketchBatch
        The sketch of every document, in document order.
    dates : list of str or None
        Each document's date (exact groups are represented by their earliest member).
    cfg : Config
    slices : int
        Partitions the sketch is shipped to the executors in.
    ids : list of str, optional
        Each document's id (ties between equally dated copies go to the smallest).

    Returns
    -------
    stages.Candidates
        Pairs sorted by (a, b), as `stages.candidates` returns them.
    """
    from pyspark.sql import functions as F
    rep, exact = stages.exact_groups(batch.content_hashes, dates, ids)
    reps = stages.canonical_reps(rep, ids)
    lsh = lsh_pairs(spark, batch.signatures[reps], cfg, slices).withColumn("anchors", F.lit(0).cast("long"))
    anc = anchor_pairs(spark, [batch.anchors[i] for i in reps], cfg, slices)
    # one row per pair, keeping its anchor count (0 when only LSH found it)
    rows = lsh.union(anc).groupBy("a", "b").agg(F.max("anchors").alias("anchors")).collect()
    if not rows:
        return stages.Candidates(np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64), exact)
    got = np.array([(r["a"], r["b"], r["anchors"]) for r in rows], dtype=np.int64)
    return stages.Candidates(*stages.to_documents(reps, got[:, :2], got[:, 2].copy()), exact)
