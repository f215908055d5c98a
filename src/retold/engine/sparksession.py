"""Starting (or joining) the Spark session the spark engine runs on, with coded errors when
PySpark or Java is missing."""
from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from ..errors import Err, RetoldError

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
SHUFFLE_PARTITIONS = 8  # the candidate joins are small per document: Spark's 200 cost more than they share


def import_pyspark():
    """The `pyspark.sql` module, or E060 naming the extra to install."""
    try:
        import pyspark.sql
    except ImportError as e:
        raise RetoldError(Err.E060, "pyspark", str(e)) from None
    return pyspark.sql


def java_found() -> bool:
    """Whether a `java` launcher is on JAVA_HOME or PATH (what Spark's launcher looks for)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


def default_master(workers: int) -> str:
    """Spark local mode on `workers` cores."""
    return f"local[{max(1, workers)}]"


@contextmanager
def spark_session(master: str | None, workers: int):
    """The active Spark session if there is one (a test's, a notebook's: left running),
    else a new one on `master` (default: local mode on `workers` cores), stopped on exit.

    Parameters
    ----------
    master : str or None
        Spark master URL (`local[4]`, `spark://host:7077`, `yarn`); None for local mode.
    workers : int
        Cores for local mode when `master` is None.

    Yields
    ------
    pyspark.sql.SparkSession

    Raises
    ------
    RetoldError
        E060 when PySpark is not installed, E061 when no Java runtime is found or the
        session does not start.
    """
    sql = import_pyspark()
    active = sql.SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    if not java_found():
        raise RetoldError(Err.E061, "java", "no java on JAVA_HOME or PATH")
    # Python workers must run this interpreter (its packages, retold among them), not
    # whatever `python3` is first on PATH
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (sql.SparkSession.builder.master(master or default_master(workers)).appName("retold")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")  # retold draws its own progress
               .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
               # the sketch and the compared chunks come back to the driver, which keeps them
               # as the local engine does: no 1 GB cap on what a stage returns
               .config("spark.driver.maxResultSize", "0")
               .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}")
               .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"]))
    if master is None or master.startswith("local"):
        # local mode listens on loopback only: nothing else needs to reach it
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1"))
    try:
        session = builder.getOrCreate()
    except Exception as e:  # the JVM did not start (Py4J and the launcher raise plain errors)
        lines = str(e).strip().splitlines()
        raise RetoldError(Err.E061, master or "local", lines[-1] if lines else type(e).__name__) from None
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
