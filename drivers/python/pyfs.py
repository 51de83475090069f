"""pyfs: a filesystem storage driver for the storage driver wire protocol 1.0.

Where each section of PROTOCOL.md lives:

1. The process: main() takes the socket from fd 3, logs to stderr and returns
   the exit status when the socket ends or the host sends Go Away.
2. yamux: yamux.py (Session reads frames and replies to pings, Stream does
   flow control in both directions).
3. Messages and content: read_message, write_message, read_content and
   ContentWriter.
4. Calls: Driver.serve_stream runs one call per stream, answers errors early
   (Stream.finish drains the rest) and stops when the host resets the stream.
   send_content sends content and the trailer.
5. The handshake: Driver.handshake.
6. Operations: the op_* functions, on top of FileStore, which maps storage
   paths to files under the root directory.
7. Errors: DriverError.

Files are staged under <root>/#pyfs and renamed into place, so no reader sees
a half-written file. '#' is not allowed in a path component, so no storage
path can name that directory.
"""

import errno
import json
import logging
import os
import re
import shutil
import socket
import stat
import struct
import sys
import tempfile
import threading

from yamux import Session, StreamReset

log = logging.getLogger("pyfs")

DRIVER_NAME = "pyfs"
PROTOCOL_VERSION = "1.0"
API_VERSION = "1.0"
SOCKET_FD = 3
MAX_ITEM = 1024 * 1024  # the limit for a message and for a content chunk
CHUNK = 64 * 1024  # the size of the content chunks the driver sends
LENGTH = struct.Struct(">I")
COMPONENT = re.compile(r"[A-Za-z0-9._-]+")
STAGING_DIR = "#pyfs"


# Section 7: errors


class DriverError(Exception):
    """An error response body: {"code": ..., "message": ...}, with path and offset where they apply."""

    def __init__(self, code, message, path=None, offset=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset

    def body(self):
        error = {"code": self.code, "message": self.message}
        if self.path is not None:
            error["path"] = self.path
        if self.offset is not None:
            error["offset"] = self.offset
        return error


def not_found(path, detail="no such file or directory"):
    return DriverError("PathNotFound", f"{path}: {detail}", path=path)


def invalid_path(path, reason):
    return DriverError("InvalidPath", f"invalid path {path!r}: {reason}", path=path)


def bad_request(message):
    return DriverError("BadRequest", message)


def internal(path, error):
    # OSError's str() contains the local file name, which contains the root
    # directory parameter, so only its strerror goes into the message.
    return DriverError("Internal", f"{path}: {error.strerror or type(error).__name__}", path=path)


# Section 3: messages and content


def read_message(stream, allow_end=False):
    """Read one length-prefixed JSON object; return None at FIN when allow_end is set."""
    prefix = stream.read(LENGTH.size)
    if not prefix and allow_end:
        return None
    if len(prefix) < LENGTH.size:
        raise bad_request("the stream ended where a message was expected")
    (length,) = LENGTH.unpack(prefix)
    if not 2 <= length <= MAX_ITEM:
        raise bad_request(f"message length {length} is outside 2..{MAX_ITEM}")
    body = stream.read(length)
    if len(body) < length:
        raise bad_request("the stream ended inside a message")
    try:
        message = json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise bad_request(f"the message is not UTF-8 JSON: {error}") from None
    if not isinstance(message, dict):
        raise bad_request("the message is not a JSON object")
    return message


def write_message(stream, message):
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    stream.write(LENGTH.pack(len(body)) + body)
    stream.flush()


def read_content(stream):
    """Yield the request content in pieces of at most CHUNK bytes, up to its 0 chunk."""
    while True:
        prefix = stream.read(LENGTH.size)
        if len(prefix) < LENGTH.size:
            raise bad_request("the stream ended before the 0 chunk of the content")
        (remaining,) = LENGTH.unpack(prefix)
        if remaining == 0:
            return
        if remaining > MAX_ITEM:
            raise bad_request(f"content chunk of {remaining} bytes exceeds {MAX_ITEM}")
        while remaining:
            piece = stream.read(min(remaining, CHUNK))
            if not piece:
                raise bad_request("the stream ended inside a content chunk")
            remaining -= len(piece)
            yield piece


class ContentWriter:
    """Response content: gathers small writes into chunks of CHUNK bytes."""

    def __init__(self, stream):
        self._stream = stream
        self._pending = bytearray()

    def write(self, data):
        self._pending += data
        while len(self._pending) >= CHUNK:
            self._emit(CHUNK)

    def end(self):
        if self._pending:
            self._emit(len(self._pending))
        self._stream.write(LENGTH.pack(0))

    def _emit(self, size):
        self._stream.write(LENGTH.pack(size) + self._pending[:size])
        del self._pending[:size]


# Section 4: calls


class Call:
    """The exchange on one stream: requests (Writer adds its action) and their responses."""

    def __init__(self, stream):
        self.stream = stream
        self.op = None  # the first request's op; a Writer's action message has none
        self.request = {}
        self.answered = True  # nothing to answer before a request is read

    def read_request(self, allow_end=False):
        self.answered = False  # an error while reading the request gets a response too
        message = read_message(self.stream, allow_end)
        self.request = message if message is not None else {}
        self.answered = message is None
        return message

    def respond(self, **fields):
        self.answered = True
        write_message(self.stream, {"ok": True, **fields})

    def respond_error(self, error):
        self.answered = True
        write_message(self.stream, {"ok": False, "error": error.body()})

    def field(self, name, kind):
        value = self.request.get(name)
        # bool is a subclass of int, so an integer field must reject it explicitly.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise bad_request(f"field {name!r} is missing or not a JSON {kind.__name__}")
        return value

    def path(self, name="path", root_allowed=False):
        path = self.field(name, str)
        check_path(path, root_allowed)
        return path


def send_content(call, pieces):
    """Send content from an iterable of bytes, then the trailer.

    A failure after the content started ends the content at once and goes
    into the trailer, because the response has already reported ok.
    """
    content = ContentWriter(call.stream)
    trailer = {"ok": True}
    try:
        for piece in pieces:
            content.write(piece)
    except DriverError as error:
        trailer = {"ok": False, "error": error.body()}
    except OSError as error:
        trailer = {"ok": False, "error": internal(call.request.get("path"), error).body()}
    if not trailer["ok"]:
        log.error("%s failed during its content: %s", call.op, trailer["error"]["message"])
    content.end()
    write_message(call.stream, trailer)


# Section 6: paths and the filesystem


def check_path(path, root_allowed=False):
    if path == "/":
        if not root_allowed:
            raise invalid_path(path, "the root is valid only for Stat, List and Walk")
        return
    if not path.startswith("/"):
        raise invalid_path(path, "a path must start with /")
    for component in path[1:].split("/"):
        if component in (".", "..") or not COMPONENT.fullmatch(component):
            raise invalid_path(
                path, "each component must be one or more of A-Z a-z 0-9 . _ - and not . or ..")


def join_path(parent, name):
    return parent.rstrip("/") + "/" + name


def stat_fields(path, info):
    is_dir = stat.S_ISDIR(info.st_mode)
    return {"path": path, "size": 0 if is_dir else info.st_size,
            "modTime": info.st_mtime_ns // 1_000_000, "isDir": is_dir}


class FileStore:
    """Storage paths mapped to files below a root directory.

    Symbolic links are never followed: a path that runs through one is
    missing for reads and invalid for writes, and List and Walk skip links,
    so no path reaches outside the root. Directories exist only while they
    contain something, so every removal prunes the parents it left empty.
    """

    def __init__(self, root):
        self.root = root
        self._staging = os.path.join(root, STAGING_DIR)
        self._temp_dir = os.path.join(self._staging, "tmp")
        self._writers_dir = os.path.join(self._staging, "writers")
        os.makedirs(self._temp_dir, exist_ok=True)
        os.makedirs(self._writers_dir, exist_ok=True)
        # Creating parents, renaming into place and pruning empty parents run
        # under this lock, so a Delete never prunes a directory that a
        # concurrent write has just created. Content is copied outside it.
        self.tree_lock = threading.Lock()
        # NOTE: a driver that is killed leaves its running uploads in
        # #pyfs/tmp. They are not removed at start, because another driver
        # process may be using the same root.

    @classmethod
    def configure(cls, parameters):
        root = parameters.get("rootdirectory")
        if not isinstance(root, str) or not root:
            raise DriverError("InvalidParameters", "the parameter rootdirectory is missing or empty")
        try:
            os.makedirs(root, exist_ok=True)
            return cls(os.path.realpath(root))
        except OSError as error:
            # The value may not be logged or returned, so the message names only the parameter.
            raise DriverError(
                "InvalidParameters",
                f"the parameter rootdirectory does not name a writable directory: {error.strerror}",
            ) from None

    def local(self, path, writing=False):
        """Return the local file name of a storage path (section 6 rules checked by the caller)."""
        if path == "/":
            return self.root
        local = self.root.rstrip("/") + path
        if os.path.realpath(local) != local:
            if writing:
                raise invalid_path(path, "it runs through a symbolic link")
            raise not_found(path)
        return local

    def lstat(self, local, path):
        try:
            info = os.lstat(local)
        except (FileNotFoundError, NotADirectoryError):
            raise not_found(path) from None
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise not_found(path)
        return info

    def open_file(self, local, path):
        """Open a regular file for reading; a directory or anything else is PathNotFound."""
        try:
            # O_NONBLOCK keeps a FIFO under the root from blocking the open.
            fd = os.open(local, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
                raise not_found(path) from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise not_found(path, "not a file")
        return os.fdopen(fd, "rb")

    def check_writable(self, local, path):
        """Raise InvalidPath when the path is a directory or lies below a file."""
        if os.path.isdir(local):
            raise invalid_path(path, "it is a directory")
        parent = os.path.dirname(local)
        while parent != self.root and not os.path.isdir(parent):
            # A concurrent write may create the directory between the two checks, so only
            # something that exists and is still no directory is in the way.
            if os.path.lexists(parent) and not os.path.isdir(parent):
                raise invalid_path(path, "a parent of it is a file")
            parent = os.path.dirname(parent)

    def make_parents(self, local, path):
        try:
            os.makedirs(os.path.dirname(local), exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise invalid_path(path, "a parent of it is a file") from None

    def prune(self, directory):
        """Remove directory and its ancestors below the root while they are empty."""
        while directory != self.root:
            try:
                os.rmdir(directory)
            except OSError:
                return
            directory = os.path.dirname(directory)

    def publish(self, staged, local, path):
        """Rename a staged file to its final name, replacing a file there.

        NOTE: there is no fsync, so a crash of the machine (not of the
        driver) can lose content that was already acknowledged.
        """
        with self.tree_lock:
            self.make_parents(local, path)
            try:
                os.replace(staged, local)
            except (IsADirectoryError, NotADirectoryError):
                raise invalid_path(path, "it is a directory") from None

    def new_staged_name(self):
        fd, staged = tempfile.mkstemp(dir=self._temp_dir)
        os.close(fd)
        return staged

    def writer_state(self, path):
        import hashlib  # imported here, because it costs about 3 ms of every start

        return os.path.join(self._writers_dir, hashlib.sha256(path.encode()).hexdigest())

    def children(self, local, parent_path):
        """Yield (storage path, DirEntry) for each file and directory directly in local."""
        try:
            entries = list(os.scandir(local))
        except (FileNotFoundError, NotADirectoryError):
            return  # removed concurrently
        for entry in sorted(entries, key=lambda entry: entry.name):
            # The staging directory and foreign names fail the component rule.
            if entry.is_symlink() or not COMPONENT.fullmatch(entry.name):
                continue
            yield join_path(parent_path, entry.name), entry


def remove_quietly(name):
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def read_blocks(file, size, path):
    """Yield exactly size bytes of file in blocks of CHUNK bytes."""
    while size:
        block = file.read(min(size, CHUNK))
        if not block:
            raise DriverError("Internal", f"{path}: the file shrank while it was read", path=path)
        size -= len(block)
        yield block


# Section 6: operations. Each one reads its request from call.request and
# answers with call.respond, or raises DriverError.


def op_get_content(store, call):
    path = call.path()
    with store.open_file(store.local(path), path) as file:
        size = os.fstat(file.fileno()).st_size
        call.respond(size=size)
        send_content(call, read_blocks(file, size, path))


def op_reader(store, call):
    path = call.path()
    offset = call.field("offset", int)
    with store.open_file(store.local(path), path) as file:
        size = os.fstat(file.fileno()).st_size
        if not 0 <= offset <= size:
            raise DriverError(
                "InvalidOffset", f"{path}: offset {offset} is outside 0..{size}", path=path, offset=offset)
        file.seek(offset)
        call.respond(size=size - offset)
        send_content(call, read_blocks(file, size - offset, path))


def op_put_content(store, call):
    path = call.path()
    local = store.local(path, writing=True)
    store.check_writable(local, path)
    staged = store.new_staged_name()
    try:
        with open(staged, "wb") as file:
            for piece in read_content(call.stream):
                file.write(piece)
        store.publish(staged, local, path)
    except BaseException:
        remove_quietly(staged)  # a reset or a broken stream stores nothing
        raise
    call.respond()


def op_write_stream(store, call):
    path = call.path()
    offset = call.field("offset", int)
    local = store.local(path, writing=True)
    store.check_writable(local, path)
    if offset < 0:
        raise DriverError("InvalidOffset", f"{path}: offset {offset} is negative", path=path, offset=offset)
    with store.tree_lock:
        try:
            fd = os.open(local, os.O_WRONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            if offset > 0:
                raise DriverError("InvalidOffset", f"{path}: offset {offset} is past the end of a missing file",
                                  path=path, offset=offset) from None
            store.make_parents(local, path)
            fd = os.open(local, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except (IsADirectoryError, NotADirectoryError):
            raise invalid_path(path, "it is a directory or lies below a file") from None
    with os.fdopen(fd, "wb") as file:
        size = os.fstat(fd).st_size
        if offset > size:
            raise DriverError("InvalidOffset", f"{path}: offset {offset} is past the size {size}",
                              path=path, offset=offset)
        file.seek(offset)
        written = 0
        # Leaving the with block flushes, so after a reset the bytes received so far stay.
        for piece in read_content(call.stream):
            file.write(piece)
            written += len(piece)
    call.respond(written=written)


def op_stat(store, call):
    path = call.path(root_allowed=True)
    local = store.local(path)
    call.respond(**stat_fields(path, store.lstat(local, path)))


def directory_local(store, path):
    local = store.local(path)
    if not stat.S_ISDIR(store.lstat(local, path).st_mode):
        raise not_found(path, "not a directory")
    return local


def op_list(store, call):
    path = call.path(root_allowed=True)
    local = directory_local(store, path)
    call.respond()
    send_content(call, (child.encode() + b"\n" for child, _ in store.children(local, path)))


def op_walk(store, call):
    path = call.path(root_allowed=True)
    local = directory_local(store, path)
    call.respond()
    send_content(call, walk_lines(store, local, path))


def walk_lines(store, local, path):
    """Yield one Stat line per entry below local: depth first, a directory before its contents."""
    stack = [store.children(local, path)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        child_path, entry = item
        try:
            info = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # removed concurrently
        yield json.dumps(stat_fields(child_path, info), separators=(",", ":")).encode() + b"\n"
        if stat.S_ISDIR(info.st_mode):
            stack.append(store.children(entry.path, child_path))


def op_move(store, call):
    source = call.path("source")
    destination = call.path("destination")
    source_local = store.local(source)
    destination_local = store.local(destination, writing=True)
    with store.tree_lock:
        if not stat.S_ISREG(store.lstat(source_local, source).st_mode):
            raise not_found(source, "not a file")
        if source != destination:
            store.check_writable(destination_local, destination)
            store.make_parents(destination_local, destination)
            os.replace(source_local, destination_local)
            store.prune(os.path.dirname(source_local))
    call.respond()


def op_delete(store, call):
    path = call.path()
    local = store.local(path)
    with store.tree_lock:
        if stat.S_ISDIR(store.lstat(local, path).st_mode):
            shutil.rmtree(local)
        else:
            os.unlink(local)
        store.prune(os.path.dirname(local))
    call.respond()


def op_redirect_url(store, call):
    call.path()
    call.respond(url="")


def op_writer(store, call):
    path = call.path()
    append = call.field("append", bool)
    local = store.local(path, writing=True)
    store.check_writable(local, path)
    writer = StagedWriter(store, path, local, append)
    try:
        call.respond(size=writer.size)
        write_error = None
        for piece in read_content(call.stream):
            if write_error is None:
                try:
                    writer.write(piece)
                except OSError as error:
                    write_error = internal(path, error)
                    log.error("Writer for %s failed: %s", path, write_error.message)
        action = call.read_request().get("action")
        size = writer.size
        # The state is settled before any answer, so a writer that the host
        # opens right after the answer finds it.
        if action == "commit" and write_error is None:
            writer.commit()
        elif action == "cancel":
            writer.cancel()
        else:
            writer.keep()  # close, an unknown action or a failed write keep the content
        if write_error is not None:
            raise write_error
        if action not in ("commit", "cancel", "close"):
            raise bad_request(f"unknown Writer action {action!r}; expected commit, cancel or close")
        call.respond(size=size)
    finally:
        writer.keep()  # after a reset or a failed commit; a no-op once the writer finished


class StagedWriter:
    """The content of one Writer call, in a staged file that only this call uses.

    A closed writer's content waits in a state file named after the path.
    A writer with append true claims it by renaming it to its own staged
    file, so two writers never write to the same file.

    NOTE: PROTOCOL.md does not define two writers open on one path at once.
    Here the second append writer starts from the committed file, and the
    last writer to close replaces the state of the other.
    """

    def __init__(self, store, path, local, append):
        self._store = store
        self._path = path
        self._local = local
        self._state = store.writer_state(path)
        self._staged = store.new_staged_name()
        self._finished = False
        try:
            if not append:
                remove_quietly(self._state)
            else:
                try:
                    os.replace(self._state, self._staged)
                except FileNotFoundError:
                    self._copy_committed_file()
            self._file = open(self._staged, "ab")
            self.size = os.path.getsize(self._staged)
        except BaseException:
            remove_quietly(self._staged)
            raise

    def _copy_committed_file(self):
        try:
            source = self._store.open_file(self._local, self._path)
        except DriverError:
            return  # no committed file, so the writer starts empty
        with source, open(self._staged, "wb") as target:
            shutil.copyfileobj(source, target, CHUNK)

    def write(self, data):
        self._file.write(data)
        self.size += len(data)

    def commit(self):
        self._file.close()
        self._store.publish(self._staged, self._local, self._path)
        self._finished = True

    def cancel(self):
        self._file.close()
        remove_quietly(self._staged)
        self._finished = True

    def keep(self):
        if self._finished:
            return
        self._finished = True
        self._file.close()
        os.replace(self._staged, self._state)


OPERATIONS = {
    "GetContent": op_get_content,
    "PutContent": op_put_content,
    "Reader": op_reader,
    "WriteStream": op_write_stream,
    "Stat": op_stat,
    "List": op_list,
    "Move": op_move,
    "Delete": op_delete,
    "Writer": op_writer,
    "Walk": op_walk,
    "RedirectURL": op_redirect_url,
}


# Sections 4 and 5: serving streams and the handshake


def major_version(version):
    """Return the major number of a "Major.Minor" string, or None when it is malformed."""
    match = re.fullmatch(r"(\d+)\.(\d+)", version) if isinstance(version, str) else None
    return int(match.group(1)) if match else None


class Driver:
    def __init__(self):
        self.store = None  # set by an accepted Configure

    def serve_stream(self, stream):
        call = Call(stream)
        try:
            if call.read_request(allow_end=True) is not None:
                self.dispatch(call)
        except DriverError as error:
            self.fail(call, error)
        except StreamReset:
            log.debug("stream %d was reset", stream.id)
        except OSError as error:
            self.fail(call, internal(call.request.get("path") or call.request.get("source"), error))
        except Exception as error:  # a bug: answer Internal and keep serving other streams
            log.exception("stream %d failed", stream.id)
            self.fail(call, DriverError("Internal", f"unexpected {type(error).__name__} in the driver"))
        finally:
            stream.finish()

    def fail(self, call, error):
        if error.code == "Internal":
            log.error("%s failed: %s", call.op, error.message)
        if call.answered:
            # Nothing can carry the error in this state; the host reports the reset.
            log.error("stream %d: %s after the response; resetting the stream", call.stream.id, error.message)
            call.stream.reset()
            return
        try:
            call.respond_error(error)
        except StreamReset:
            pass

    def dispatch(self, call):
        op = call.op = call.request.get("op")
        if not isinstance(op, str):
            raise bad_request("the request has no string field 'op'")
        if self.store is None:
            if op != "Handshake":
                raise bad_request(f"{op!r} before the handshake; the first call must be Handshake")
            self.handshake(call)
            return
        if op == "Handshake":
            raise bad_request("the handshake has already taken place")
        operation = OPERATIONS.get(op)
        if operation is None:
            raise DriverError("UnsupportedMethod", f"driver {DRIVER_NAME} does not implement {op!r}")
        operation(self.store, call)

    def handshake(self, call):
        for field, ours in (("protocolVersion", PROTOCOL_VERSION), ("apiVersion", API_VERSION)):
            theirs = call.request.get(field)
            if major_version(theirs) != major_version(ours):
                raise DriverError("IncompatibleVersion",
                                  f"the host's {field} {theirs!r} differs in major version from {ours}")
        log.info("handshake with %s", call.request.get("client", "an unnamed host"))
        call.respond(protocolVersion=PROTOCOL_VERSION, apiVersion=API_VERSION,
                     name=DRIVER_NAME, operations=list(OPERATIONS))
        configure = call.read_request()
        if configure.get("op") != "Configure":
            raise bad_request(f"expected Configure after Handshake, got {configure.get('op')!r}")
        if configure.get("accept") is not True:
            # A rejected driver sends no answer; the host ends the session.
            log.error("the host rejected the driver: %s", configure.get("reason"))
            return
        parameters = configure.get("parameters", {})
        if not isinstance(parameters, dict) or not all(isinstance(v, str) for v in parameters.values()):
            raise bad_request("parameters must be an object that maps strings to strings")
        unknown = sorted(set(parameters) - {"rootdirectory"})
        if unknown:
            log.warning("ignoring unknown parameters: %s", ", ".join(unknown))  # names only, never values
        self.store = FileStore.configure(parameters)
        log.info("configured and ready")
        call.respond()


def main():
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.stdout = sys.stderr  # fd 1 is a log pipe too, but nothing should reach it
    try:
        sock = socket.socket(fileno=SOCKET_FD)
    except OSError as error:
        log.error("fd %d is not a socket (%s); start the driver through a storage driver host",
                  SOCKET_FD, error.strerror)
        return 2
    status = Session(sock, Driver().serve_stream).serve()
    log.info("stopped with exit status %d", status)
    return status


if __name__ == "__main__":
    sys.exit(main())
