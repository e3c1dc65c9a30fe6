from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a real socket (threaded werkzeug server on 127.0.0.1 and a free port)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
