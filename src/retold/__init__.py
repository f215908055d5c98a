"""retold: find where news and web text was reused and retold.

    import retold
    c = retold.compare(text_a, text_b)      # Comparison; c.to_dict() is the JSON contract
    r = retold.run(["corpus/"], out="run")  # RunResult; r.table("pairs") is a pyarrow Table
"""

__version__ = "0.1.0"

from .api import compare, dedup, run  # noqa: E402
from .config import Config, load_config  # noqa: E402
from .model import Comparison, Document, Edit, Passage  # noqa: E402

__all__ = ["compare", "dedup", "run", "Config", "load_config", "Comparison", "Document", "Edit", "Passage",
           "__version__"]
