from __future__ import annotations

import socket
import threading
import time

import pytest

from retold.config import Config

from ._corpus import make_store


@pytest.fixture(scope="package")
def store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("serve"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="package")
def server(store):
    """uvicorn serving the app on a free localhost port, in a thread, comparing queries on
    a pool of two worker processes as `retold serve` does."""
    import uvicorn

    from retold.query import ComparePool
    from retold.serve import create_app
    port = _free_port()
    pool = ComparePool(Config(), workers=2)
    srv = uvicorn.Server(uvicorn.Config(create_app(store, pool=pool), host="127.0.0.1", port=port,
                                       log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    pool.close()
