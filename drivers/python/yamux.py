"""Server side of HashiCorp's yamux, the framing of PROTOCOL.md section 2.

One reader thread (Session.serve) parses frames and never waits for a
stream's thread: it only appends Data payloads to the stream's inbox, which
the per-stream receive window bounds. Each stream is served by its own thread, which reads
from the inbox and writes Data frames within the host's window.
"""

import logging
import struct
import threading
import time

log = logging.getLogger("pyfs.yamux")

TYPE_DATA, TYPE_WINDOW_UPDATE, TYPE_PING, TYPE_GO_AWAY = 0, 1, 2, 3
FLAG_SYN, FLAG_ACK, FLAG_FIN, FLAG_RST = 1, 2, 4, 8
GO_AWAY_NORMAL, GO_AWAY_PROTOCOL_ERROR = 0, 1

HEADER = struct.Struct(">BBHII")  # version, type, flags, stream id, length
INITIAL_WINDOW = 256 * 1024  # per stream and direction, fixed by yamux
MAX_DATA_FRAME = 64 * 1024
SHUTDOWN_GRACE_SECONDS = 3.0  # the host kills the driver after 5 s by default


class StreamReset(Exception):
    """Raised in a stream's thread when the host reset the stream or the session ended."""


class ProtocolError(Exception):
    """A frame that breaks yamux; it ends the session with Go Away code 1."""


class Stream:
    """One yamux stream with flow control in both directions.

    The reader thread calls the _on_* methods. Only the stream's own thread
    calls read, write, flush, reset and finish.
    """

    def __init__(self, session, stream_id):
        self.session = session
        self.id = stream_id
        self._cond = threading.Condition()
        self._inbox = bytearray()
        self._remote_closed = False  # the host sent FIN
        self._reset = False
        self._recv_window = INITIAL_WINDOW  # bytes the host may still send
        self._consumed = 0  # bytes read but not yet granted back to the host
        self._send_window = INITIAL_WINDOW  # bytes the driver may still send
        self._outbox = bytearray()

    def _on_data(self, payload):
        with self._cond:
            if len(payload) > self._recv_window:
                raise ProtocolError(
                    f"stream {self.id}: Data frame of {len(payload)} bytes exceeds the "
                    f"receive window of {self._recv_window} bytes")
            if self._reset or self._remote_closed:
                return
            self._recv_window -= len(payload)
            self._inbox += payload
            self._cond.notify_all()

    def _on_window_update(self, increment):
        with self._cond:
            self._send_window += increment
            self._cond.notify_all()

    def _on_fin(self):
        with self._cond:
            self._remote_closed = True
            self._cond.notify_all()

    def _on_reset(self):
        with self._cond:
            self._reset = True
            self._inbox.clear()
            self._cond.notify_all()

    def read(self, size):
        """Read size bytes, or fewer only when the host has sent FIN (b"" at FIN).

        Raises StreamReset. Grants window back to the host as bytes are
        consumed, so a read larger than the window cannot deadlock.
        """
        parts = []
        while size:
            with self._cond:
                while not self._inbox and not self._remote_closed and not self._reset:
                    self._cond.wait()
                if self._reset:
                    raise StreamReset()
                if not self._inbox:
                    break
                part = bytes(self._inbox[:size])
                del self._inbox[:size]
                size -= len(part)
                parts.append(part)
                self._consumed += len(part)
                grant = 0
                if self._consumed >= INITIAL_WINDOW // 2 and not self._remote_closed:
                    grant, self._consumed = self._consumed, 0
                    self._recv_window += grant
            if grant:
                self.session.send_frame(TYPE_WINDOW_UPDATE, 0, self.id, grant)
        return b"".join(parts)

    def write(self, data):
        """Buffer data and send it in Data frames of MAX_DATA_FRAME bytes."""
        self._outbox += data
        while len(self._outbox) >= MAX_DATA_FRAME:
            self._send_data()

    def flush(self):
        while self._outbox:
            self._send_data()

    def _send_data(self):
        with self._cond:
            while self._send_window == 0 and not self._reset:
                self._cond.wait()
            if self._reset:
                raise StreamReset()
            size = min(len(self._outbox), MAX_DATA_FRAME, self._send_window)
            self._send_window -= size
        payload = bytes(self._outbox[:size])
        del self._outbox[:size]
        self.session.send_frame(TYPE_DATA, 0, self.id, size, payload)

    def reset(self):
        with self._cond:
            if self._reset:
                return
            self._reset = True
        try:
            self.session.send_frame(TYPE_WINDOW_UPDATE, FLAG_RST, self.id, 0)
        except StreamReset:
            pass

    def finish(self):
        """Send FIN, discard what the host still sends until its FIN, and forget the stream.

        Draining keeps granting window, so a host that is still sending
        content never blocks on a stream the driver has stopped reading.
        """
        try:
            if not self._reset:
                self.flush()
                self.session.send_frame(TYPE_WINDOW_UPDATE, FLAG_FIN, self.id, 0)
            while self.read(MAX_DATA_FRAME):
                pass
        except StreamReset:
            pass
        finally:
            self.session.forget(self.id)


class Session:
    """The driver's end of a yamux session: the server role, which never opens streams."""

    def __init__(self, sock, serve_stream):
        self._sock = sock
        self._frames = sock.makefile("rb", buffering=MAX_DATA_FRAME + HEADER.size)
        self._serve_stream = serve_stream  # called in a new thread for each stream
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._streams = {}
        self._threads = {}

    def send_frame(self, frame_type, flags, stream_id, length, payload=b""):
        frame = HEADER.pack(0, frame_type, flags, stream_id, length) + payload
        with self._send_lock:
            try:
                self._sock.sendall(frame)
            except OSError as error:
                raise StreamReset() from error

    def forget(self, stream_id):
        with self._lock:
            self._streams.pop(stream_id, None)
            self._threads.pop(stream_id, None)

    def serve(self):
        """Read frames until end of file or Go Away; return the exit status."""
        try:
            while True:
                header = self._frames.read(HEADER.size)
                if len(header) < HEADER.size:
                    log.info("the host closed the socket")
                    return 0
                version, frame_type, flags, stream_id, length = HEADER.unpack(header)
                if version != 0:
                    raise ProtocolError(f"unsupported yamux version {version}")
                if frame_type == TYPE_DATA:
                    payload = self._frames.read(length)
                    if len(payload) < length:
                        log.warning("the socket ended inside a Data frame")
                        return 0
                    self._on_stream_frame(frame_type, flags, stream_id, length, payload)
                elif frame_type == TYPE_WINDOW_UPDATE:
                    self._on_stream_frame(frame_type, flags, stream_id, length, b"")
                elif frame_type == TYPE_PING:
                    if flags & FLAG_SYN:
                        self.send_frame(TYPE_PING, FLAG_ACK, 0, length)
                elif frame_type == TYPE_GO_AWAY:
                    log.info("the host sent Go Away with code %d", length)
                    return 0
                else:
                    raise ProtocolError(f"unknown frame type {frame_type}")
        except ProtocolError as error:
            log.error("yamux protocol error, ending the session: %s", error)
            try:
                self.send_frame(TYPE_GO_AWAY, 0, 0, GO_AWAY_PROTOCOL_ERROR)
            except StreamReset:
                pass
            return 1
        except StreamReset:
            log.info("the socket broke while sending")
            return 0
        finally:
            self._shutdown()

    def _on_stream_frame(self, frame_type, flags, stream_id, length, payload):
        if flags & FLAG_SYN:
            stream = self._open(stream_id)
        else:
            with self._lock:
                stream = self._streams.get(stream_id)
            if stream is None:
                return  # a late frame for a stream that is already finished
        if frame_type == TYPE_DATA:
            stream._on_data(payload)
        else:
            stream._on_window_update(length)
        if flags & FLAG_FIN:
            stream._on_fin()
        if flags & FLAG_RST:
            stream._on_reset()

    def _open(self, stream_id):
        with self._lock:
            if stream_id % 2 == 0 or stream_id in self._streams:
                raise ProtocolError(f"SYN for stream {stream_id}, which is even or already open")
            stream = Stream(self, stream_id)
            thread = threading.Thread(
                target=self._serve_stream, args=(stream,), name=f"stream-{stream_id}", daemon=True)
            self._streams[stream_id] = stream
            self._threads[stream_id] = thread
        # The ACK goes out before the stream's thread can send anything on it.
        self.send_frame(TYPE_WINDOW_UPDATE, FLAG_ACK, stream_id, 0)
        thread.start()
        return stream

    def _shutdown(self):
        """Reset every open stream and give their threads a moment to clean up."""
        with self._lock:
            streams = list(self._streams.values())
            threads = list(self._threads.values())
        for stream in streams:
            stream._on_reset()
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._frames.close()
        self._sock.close()
