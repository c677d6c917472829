"""The RabbitMQ harness: a private broker that carries messages, and leaves no process
behind (neither its Erlang VM nor its port mapper)."""

from __future__ import annotations

import os
from pathlib import Path

import kombu
import pytest

from oneview_openstack.testing.rabbitmq import RabbitMQServer

pytestmark = pytest.mark.functional


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_message_goes_through_the_broker_and_nothing_outlives_it(tmp_path: Path) -> None:
    with RabbitMQServer(tmp_path / "rabbitmq") as broker:
        # kombu (oslo.messaging's rabbit driver) speaks AMQP to it, as Nova's services will
        amqp_url = broker.transport_url.replace("rabbit://", "amqp://", 1)
        with kombu.Connection(amqp_url, connect_timeout=10) as connection:
            queue = connection.SimpleQueue("conductor")
            queue.put({"method": "add_one", "value": 41})
            received = queue.get(timeout=10)
            received.ack()
            queue.close()
        pids = [broker.pid, broker.epmd_pid]

    assert received.payload == {"method": "add_one", "value": 41}
    assert broker.transport_url.startswith("rabbit://guest:guest@127.0.0.1:")
    assert all(pid is not None and not _alive(pid) for pid in pids)
