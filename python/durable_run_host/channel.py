"""JSON lines to and from the Node worker, on this process's stdin and (a copy of) its stdout.

The agent's own ``print`` must not break the protocol, so the protocol keeps a private copy of
stdout and file descriptor 1 is pointed at stderr, which the worker passes on to the user.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from typing import Any, BinaryIO

Message = dict[str, Any]
ANSWERS = frozenset({"invoke", "settled"})


class Channel:
    """Writes messages from any thread; hands each incoming message to its execution's inbox."""

    def __init__(self, incoming: BinaryIO, outgoing: BinaryIO) -> None:
        self._incoming = incoming
        self._outgoing = outgoing
        self._lock = threading.Lock()
        self._inboxes: dict[str, queue.Queue[Message]] = {}
        self._inboxes_lock = threading.Lock()
        self.control: queue.Queue[Message | None] = queue.Queue()

    @classmethod
    def over_stdio(cls) -> Channel:
        """The protocol on stdin and a private copy of stdout; fd 1 then writes to stderr."""
        outgoing = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        return cls(sys.stdin.buffer, outgoing)

    def send(self, message: Message) -> None:
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
        with self._lock:
            self._outgoing.write(data)
            self._outgoing.flush()

    def inbox(self, exec_id: str) -> queue.Queue[Message]:
        with self._inboxes_lock:
            return self._inboxes.setdefault(exec_id, queue.Queue())

    def close_inbox(self, exec_id: str) -> None:
        with self._inboxes_lock:
            self._inboxes.pop(exec_id, None)

    def read_forever(self) -> None:
        """Routes every line; end of input (the worker is gone) ends this process at once."""
        for line in self._incoming:
            message: Message = json.loads(line)
            # Answers for a running action go to its thread; everything else to the main loop.
            if message.get("op") in ANSWERS:
                self.inbox(str(message["exec"])).put(message)
            else:
                self.control.put(message)
        # Nothing may run on once the worker is gone: not even the agent's own threads.
        os._exit(0)
