from __future__ import annotations

import pytest

from ..serve._corpus import make_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("query"))
