"""Protocol checks for pyfs that the compatibility suite does not make.

A small host with its own yamux client starts the driver through its
launcher and checks pings, resets, early answers with draining, Go Away,
end of file, the handshake's error responses, symbolic links and the logs.
Run: python3 -m unittest -v test_pyfs (in this folder). PYFS_TEST_LARGE_MIB=256
adds a round trip of that many MiB that prints time and the driver's peak RSS.
"""

import hashlib
import json
import os
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

LAUNCHER = os.environ.get(
    "PYFS_TEST_LAUNCHER",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "registry-storagedriver-pyfs"))
HEADER = struct.Struct(">BBHII")
LENGTH = struct.Struct(">I")
DATA, WINDOW_UPDATE, PING, GO_AWAY = 0, 1, 2, 3
SYN, ACK, FIN, RST = 1, 2, 4, 8
WINDOW = 256 * 1024
FRAME = 64 * 1024
SECRET = "pyfs-secret-value-1234"


class HostStream:
    def __init__(self, host, stream_id):
        self.host = host
        self.id = stream_id
        self.cond = threading.Condition()
        self.inbox = bytearray()
        self.recv_window = WINDOW
        self.consumed = 0
        self.send_window = WINDOW
        self.fin = self.rst = self.acked = False

    def write(self, data):
        view = memoryview(data)
        while view:
            with self.cond:
                while self.send_window == 0 and not self.rst:
                    self.cond.wait(10)
                if self.rst:
                    raise ConnectionResetError("the driver reset the stream")
                size = min(len(view), FRAME, self.send_window)
                self.send_window -= size
            self.host.send(DATA, 0, self.id, size, bytes(view[:size]))
            view = view[size:]

    def read(self, size):
        parts = []
        while size:
            with self.cond:
                while not self.inbox and not self.fin and not self.rst:
                    if not self.cond.wait(30):
                        raise TimeoutError(f"stream {self.id}: no data for 30 s")
                if self.rst:
                    raise ConnectionResetError("the driver reset the stream")
                if not self.inbox:
                    break
                part = bytes(self.inbox[:size])
                del self.inbox[:size]
                size -= len(part)
                parts.append(part)
                self.consumed += len(part)
                grant = 0
                if self.consumed >= WINDOW // 2:
                    grant, self.consumed = self.consumed, 0
                    self.recv_window += grant
            if grant:
                self.host.send(WINDOW_UPDATE, 0, self.id, grant)
        return b"".join(parts)

    def send_message(self, message):
        body = json.dumps(message).encode()
        self.write(LENGTH.pack(len(body)) + body)

    def read_message(self):
        (length,) = LENGTH.unpack(self.read(4))
        return json.loads(self.read(length))

    def send_content(self, pieces):
        for piece in pieces:
            self.write(LENGTH.pack(len(piece)) + piece)
        self.write(LENGTH.pack(0))

    def read_content(self):
        while True:
            (length,) = LENGTH.unpack(self.read(4))
            if length == 0:
                return
            yield self.read(length)

    def close(self):
        self.host.send(WINDOW_UPDATE, FIN, self.id, 0)

    def reset(self):
        self.host.send(WINDOW_UPDATE, RST, self.id, 0)

    def wait_fin(self):
        with self.cond:
            self.cond.wait_for(lambda: self.fin or self.rst, 10)
            return self.fin and not self.inbox


class Host:
    """A host that starts the driver with its socket on fd 3, as PROTOCOL.md section 1 specifies."""

    def __init__(self, root, parameters=None):
        self.sock, driver_end = socket.socketpair()
        fd = driver_end.fileno()
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", f'exec "$0" 3<&{fd} {fd}<&-', LAUNCHER], pass_fds=(fd,),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        driver_end.close()
        self.stderr = []
        self.stdout = []
        self.log_readers = [
            threading.Thread(target=self.stderr.extend, args=(self.process.stderr,), daemon=True),
            threading.Thread(target=self.stdout.extend, args=(self.process.stdout,), daemon=True)]
        for reader in self.log_readers:
            reader.start()
        self.send_lock = threading.Lock()
        self.streams = {}
        self.next_id = 1
        self.pings = {}
        self.go_away = None
        self.violations = []
        threading.Thread(target=self._read_frames, daemon=True).start()
        if parameters is not None:
            self.handshake(parameters)

    def send(self, frame_type, flags, stream_id, length, payload=b""):
        with self.send_lock:
            self.sock.sendall(HEADER.pack(0, frame_type, flags, stream_id, length) + payload)

    def _read_exact(self, size):
        data = bytearray()
        while len(data) < size:
            try:
                piece = self.sock.recv(size - len(data))
            except OSError:
                return None
            if not piece:
                return None
            data += piece
        return bytes(data)

    def _read_frames(self):
        while True:
            header = self._read_exact(12)
            if header is None:
                return
            version, frame_type, flags, stream_id, length = HEADER.unpack(header)
            payload = self._read_exact(length) if frame_type == DATA and length else b""
            if frame_type == PING:
                self.pings[length] = flags
                continue
            if frame_type == GO_AWAY:
                self.go_away = length
                continue
            stream = self.streams.get(stream_id)
            if stream is None:
                self.violations.append(f"frame type {frame_type} for unknown stream {stream_id}")
                continue
            with stream.cond:
                if flags & ACK:
                    stream.acked = True
                if frame_type == DATA:
                    if len(payload) > stream.recv_window:
                        self.violations.append(f"stream {stream_id}: {len(payload)} bytes over the window")
                    stream.recv_window -= len(payload)
                    stream.inbox += payload
                else:
                    stream.send_window += length
                if flags & FIN:
                    stream.fin = True
                if flags & RST:
                    stream.rst = True
                stream.cond.notify_all()

    def open(self):
        stream = HostStream(self, self.next_id)
        self.streams[stream.id] = stream
        self.next_id += 2
        self.send(WINDOW_UPDATE, SYN, stream.id, 0)
        return stream

    def handshake(self, parameters, protocol_version="1.0", api_version="1.0"):
        stream = self.open()
        stream.send_message({"op": "Handshake", "protocolVersion": protocol_version,
                             "apiVersion": api_version, "client": "test_pyfs"})
        answer = stream.read_message()
        if not answer["ok"]:
            return answer
        stream.send_message({"op": "Configure", "accept": True, "parameters": parameters})
        stream.close()
        return stream.read_message()

    def call(self, request, content=None, close=True):
        stream = self.open()
        stream.send_message(request)
        if content is not None:
            stream.send_content(content)
        if close:
            stream.close()
        return stream, stream.read_message()

    def stop(self, go_away=True):
        if self.process.poll() is None:
            if go_away:
                self.send(GO_AWAY, 0, 0, 0)
            self.sock.shutdown(socket.SHUT_WR)
        status = self.process.wait(10)
        self.sock.close()
        for reader in self.log_readers:
            reader.join(5)
        self.process.stdout.close()
        self.process.stderr.close()
        return status

    def log(self):
        return b"".join(self.stderr).decode()


class DriverTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.temp.name, "root")
        self.host = Host(self.root, {"rootdirectory": self.root, "token": SECRET})

    def tearDown(self):
        self.host.stop()
        self.assertEqual([], self.host.violations)
        self.assertEqual([], self.host.stdout)
        self.assertNotIn(SECRET, self.host.log())
        self.temp.cleanup()

    def put(self, path, data):
        pieces = [data[start:start + FRAME] for start in range(0, len(data), FRAME)]
        stream, answer = self.host.call({"op": "PutContent", "path": path}, pieces)
        self.assertTrue(answer["ok"], answer)

    def get(self, path):
        stream, answer = self.host.call({"op": "GetContent", "path": path})
        if not answer["ok"]:
            return answer["error"]["code"]
        content = b"".join(stream.read_content())
        self.assertEqual({"ok": True}, stream.read_message())
        return content

    def staged_files(self):
        return os.listdir(os.path.join(self.root, "#pyfs", "tmp"))

    def test_ping_answered_with_same_value(self):
        self.host.send(PING, SYN, 0, 0xDEADBEEF)
        deadline = time.monotonic() + 5
        while 0xDEADBEEF not in self.host.pings and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(ACK, self.host.pings.get(0xDEADBEEF))

    def test_stream_acknowledged(self):
        stream, answer = self.host.call({"op": "Stat", "path": "/"})
        self.assertTrue(stream.acked)
        self.assertTrue(answer["isDir"])
        self.assertTrue(stream.wait_fin())

    def test_unknown_op_unsupported(self):
        _, answer = self.host.call({"op": "Frobnicate"})
        self.assertEqual("UnsupportedMethod", answer["error"]["code"])

    def test_malformed_requests_bad_request(self):
        for request in ({}, {"op": "Stat"}, {"op": "Reader", "path": "/a", "offset": "1"},
                        {"op": "Reader", "path": "/a", "offset": True}):
            _, answer = self.host.call(request)
            self.assertEqual("BadRequest", answer["error"]["code"], request)
        stream = self.host.open()
        stream.write(LENGTH.pack(3) + b"[1]")
        stream.close()
        self.assertEqual("BadRequest", stream.read_message()["error"]["code"])

    def test_early_error_drains_content(self):
        # 8 MiB is far beyond the window, so the host blocks unless the driver drains.
        pieces = [b"x" * FRAME] * 128
        stream, answer = self.host.call({"op": "PutContent", "path": "/bad//path"}, pieces)
        self.assertEqual("InvalidPath", answer["error"]["code"])
        self.assertTrue(stream.wait_fin())

    def test_put_reset_keeps_old_file(self):
        self.put("/a", b"old")
        stream = self.host.open()
        stream.send_message({"op": "PutContent", "path": "/a"})
        stream.write(LENGTH.pack(FRAME) + b"n" * FRAME)
        stream.reset()
        time.sleep(0.3)
        self.assertEqual(b"old", self.get("/a"))
        self.assertEqual([], self.staged_files())

    def test_put_without_zero_chunk_stores_nothing(self):
        stream = self.host.open()
        stream.send_message({"op": "PutContent", "path": "/a"})
        stream.write(LENGTH.pack(5) + b"hello")
        stream.close()
        self.assertEqual("BadRequest", stream.read_message()["error"]["code"])
        self.assertEqual("PathNotFound", self.get("/a"))

    def test_reader_reset_keeps_driver_serving(self):
        self.put("/big", os.urandom(4 * 1024 * 1024))
        stream, answer = self.host.call({"op": "Reader", "path": "/big", "offset": 0})
        self.assertEqual(4 * 1024 * 1024, answer["size"])
        stream.read(1000)
        # A stalled reader must not block other streams.
        _, stat = self.host.call({"op": "Stat", "path": "/big"})
        self.assertEqual(4 * 1024 * 1024, stat["size"])
        stream.reset()
        self.put("/small", b"x")
        self.assertEqual(b"x", self.get("/small"))

    def test_write_stream_reset_keeps_bytes(self):
        stream = self.host.open()
        stream.send_message({"op": "WriteStream", "path": "/w", "offset": 0})
        stream.write(LENGTH.pack(1000) + b"w" * 1000)
        time.sleep(0.3)
        stream.reset()
        time.sleep(0.3)
        self.assertEqual(b"w" * 1000, self.get("/w"))

    def test_writer_reset_keeps_content_as_closed(self):
        stream = self.host.open()
        stream.send_message({"op": "Writer", "path": "/wr", "append": False})
        self.assertEqual({"ok": True, "size": 0}, stream.read_message())
        stream.write(LENGTH.pack(10) + b"0123456789")
        time.sleep(0.3)
        stream.reset()
        time.sleep(0.3)
        self.assertEqual("PathNotFound", self.get("/wr"))
        stream, answer = self.host.call({"op": "Writer", "path": "/wr", "append": True}, None, close=False)
        self.assertEqual(10, answer["size"])
        stream.send_content([b"ab"])
        stream.send_message({"action": "commit"})
        stream.close()
        self.assertEqual({"ok": True, "size": 12}, stream.read_message())
        self.assertEqual(b"0123456789ab", self.get("/wr"))

    def test_writer_unknown_action_bad_request(self):
        stream = self.host.open()
        stream.send_message({"op": "Writer", "path": "/wr", "append": False})
        self.assertEqual({"ok": True, "size": 0}, stream.read_message())
        stream.send_content([b"abc"])
        stream.send_message({"action": "explode"})
        stream.close()
        self.assertEqual("BadRequest", stream.read_message()["error"]["code"])

    def test_symlinks_not_followed(self):
        outside = os.path.join(self.temp.name, "outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "secret"), "w") as file:
            file.write("outside")
        os.symlink(outside, os.path.join(self.root, "link"))
        os.symlink(os.path.join(outside, "secret"), os.path.join(self.root, "filelink"))
        self.assertEqual("PathNotFound", self.get("/link/secret"))
        self.assertEqual("PathNotFound", self.get("/filelink"))
        _, answer = self.host.call({"op": "PutContent", "path": "/link/new"}, [b"x"])
        self.assertEqual("InvalidPath", answer["error"]["code"])
        self.assertFalse(os.path.exists(os.path.join(outside, "new")))
        stream, answer = self.host.call({"op": "List", "path": "/"})
        self.assertEqual(b"", b"".join(stream.read_content()))

    def test_move_edge_cases(self):
        self.put("/m/file", b"m")
        _, answer = self.host.call({"op": "Move", "source": "/m/file", "destination": "/m/file"})
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(b"m", self.get("/m/file"))
        self.put("/d/child", b"c")
        _, answer = self.host.call({"op": "Move", "source": "/m/file", "destination": "/d"})
        self.assertEqual("InvalidPath", answer["error"]["code"])
        _, answer = self.host.call({"op": "Move", "source": "/m/file", "destination": "/m/file/below"})
        self.assertEqual("InvalidPath", answer["error"]["code"])
        _, answer = self.host.call({"op": "Move", "source": "/m", "destination": "/n"})
        self.assertEqual("PathNotFound", answer["error"]["code"])
        self.assertEqual(b"m", self.get("/m/file"))

    def test_window_overrun_ends_session(self):
        stream = self.host.open()
        self.host.send(DATA, 0, stream.id, WINDOW + 1, bytes(WINDOW + 1))
        self.assertEqual(1, self.host.process.wait(10))
        self.assertEqual(1, self.host.go_away)

    def test_go_away_keeps_open_writer(self):
        stream = self.host.open()
        stream.send_message({"op": "Writer", "path": "/wr", "append": False})
        self.assertEqual({"ok": True, "size": 0}, stream.read_message())
        stream.write(LENGTH.pack(4) + b"kept")
        time.sleep(0.3)
        self.assertEqual(0, self.host.stop())
        self.host = Host(self.root, {"rootdirectory": self.root})
        stream, answer = self.host.call({"op": "Writer", "path": "/wr", "append": True}, None, close=False)
        self.assertEqual(4, answer["size"])

    def test_go_away_exits_zero(self):
        self.assertEqual(0, self.host.stop(go_away=True))

    def test_end_of_file_exits_zero(self):
        self.assertEqual(0, self.host.stop(go_away=False))

    def test_large_round_trip(self):
        mib = int(os.environ.get("PYFS_TEST_LARGE_MIB", "0"))
        if not mib:
            self.skipTest("set PYFS_TEST_LARGE_MIB to run")
        block = os.urandom(FRAME)
        expected = hashlib.sha256()
        for _ in range(mib * 16):
            expected.update(block)
        started = time.monotonic()
        self.put_blocks("/large", block, mib * 16)
        uploaded = time.monotonic()
        stream, answer = self.host.call({"op": "GetContent", "path": "/large"})
        self.assertEqual(mib * 1024 * 1024, answer["size"])
        actual = hashlib.sha256()
        for piece in stream.read_content():
            actual.update(piece)
        self.assertEqual({"ok": True}, stream.read_message())
        done = time.monotonic()
        self.assertEqual(expected.hexdigest(), actual.hexdigest())
        with open(f"/proc/{self.host.process.pid}/status") as status:
            peak = next(line for line in status if line.startswith("VmHWM")).split(":")[1].strip()
        print(f"\n{mib} MiB: put {uploaded - started:.1f} s, get {done - uploaded:.1f} s, "
              f"driver pid {self.host.process.pid} peak RSS (VmHWM) {peak}")

    def put_blocks(self, path, block, count):
        stream = self.host.open()
        stream.send_message({"op": "PutContent", "path": path})
        stream.send_content(block for _ in range(count))
        stream.close()
        self.assertEqual({"ok": True}, stream.read_message())


class HandshakeTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.host = Host(self.temp.name)

    def tearDown(self):
        self.host.stop()
        self.assertEqual([], self.host.stdout)
        self.temp.cleanup()

    def test_newer_host_minor_accepted(self):
        answer = self.host.handshake({"rootdirectory": self.temp.name}, "1.9", "1.7")
        self.assertEqual({"ok": True}, answer)

    def test_other_major_incompatible(self):
        answer = self.host.handshake({"rootdirectory": self.temp.name}, "2.0", "1.0")
        self.assertEqual("IncompatibleVersion", answer["error"]["code"])

    def test_missing_root_invalid_parameters(self):
        answer = self.host.handshake({"token": SECRET})
        self.assertEqual("InvalidParameters", answer["error"]["code"])
        self.assertIn("rootdirectory", answer["error"]["message"])

    def test_unusable_root_hides_value(self):
        blocker = os.path.join(self.temp.name, "file")
        open(blocker, "w").close()
        answer = self.host.handshake({"rootdirectory": os.path.join(blocker, "root")})
        self.assertEqual("InvalidParameters", answer["error"]["code"])
        self.assertNotIn(blocker, answer["error"]["message"])
        self.host.stop()
        self.assertNotIn(blocker, self.host.log())

    def test_rejected_configure_gets_no_response(self):
        stream = self.host.open()
        stream.send_message({"op": "Handshake", "protocolVersion": "1.0", "apiVersion": "1.0"})
        self.assertTrue(stream.read_message()["ok"])
        stream.send_message({"op": "Configure", "accept": False, "reason": "test rejects the driver"})
        stream.close()
        self.assertTrue(stream.wait_fin())
        self.assertEqual(0, self.host.stop())
        self.assertIn("test rejects the driver", self.host.log())

    def test_call_before_handshake_rejected(self):
        _, answer = self.host.call({"op": "Stat", "path": "/"})
        self.assertEqual("BadRequest", answer["error"]["code"])


if __name__ == "__main__":
    unittest.main()
