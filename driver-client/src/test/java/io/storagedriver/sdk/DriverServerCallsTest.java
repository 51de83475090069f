package io.storagedriver.sdk;

import static io.storagedriver.sdk.HostPeer.assertError;
import static io.storagedriver.sdk.HostPeer.assertOk;
import static io.storagedriver.sdk.HostPeer.message;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.FileInfo;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.WalkVisitor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calls without request content, and the checks the server makes before the driver. */
@Timeout(30)
class DriverServerCallsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HostPeer peer;

    @AfterEach
    void closePeer() {
        if (peer != null) {
            peer.close();
        }
    }

    private ScriptedDriver serve(ScriptedDriver driver) throws Exception {
        peer = HostPeer.configured(TestFactory.of(driver), Map.of());
        return driver;
    }

    private ObjectNode answer(ObjectNode request) throws Exception {
        HostCall call = peer.call(request);
        ObjectNode answer = call.read();
        call.finishWrite();
        call.expectEnd();
        return answer;
    }

    /** Frames a message body that is shorter than 256 bytes, as it is, with its length. */
    private static byte[] framed(String body) {
        byte[] bytes = body.getBytes(UTF_8);
        byte[] message = new byte[4 + bytes.length];
        message[3] = (byte) bytes.length;
        System.arraycopy(bytes, 0, message, 4, bytes.length);
        return message;
    }

    private static List<String> lines(byte[] content) {
        String text = new String(content, UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        assertEquals("", lines.remove(lines.size() - 1), "the content must end with a newline");
        return lines;
    }

    @Test
    void statReturnsFileFields() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/dir/f", "12345".getBytes(UTF_8));
        FileInfo expected = driver.store.stat("/dir/f");
        ObjectNode answer = answer(message("op", "Stat", "path", "/dir/f"));
        assertOk(answer);
        assertEquals("/dir/f", answer.path("path").asText());
        assertEquals(5, answer.path("size").asLong());
        assertEquals(expected.modificationTime().toEpochMilli(), answer.path("modTime").asLong());
        assertFalse(answer.path("isDir").asBoolean(true));
        ObjectNode directory = answer(message("op", "Stat", "path", "/dir"));
        assertTrue(directory.path("isDir").asBoolean());
        assertEquals(0, directory.path("size").asLong());
    }

    @Test
    void statOfRootIsDirectory() throws Exception {
        serve(new ScriptedDriver());
        ObjectNode answer = answer(message("op", "Stat", "path", "/"));
        assertOk(answer);
        assertTrue(answer.path("isDir").asBoolean());
    }

    @Test
    void missingPathIsPathNotFoundWithPath() throws Exception {
        serve(new ScriptedDriver());
        ObjectNode error = assertError("PathNotFound",
                answer(message("op", "Stat", "path", "/missing")));
        assertEquals("/missing", error.path("path").asText());
    }

    @Test
    void listSendsOnePathPerLine() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/a/x", new byte[1]);
        driver.store.putContent("/a/y/z", new byte[1]);
        HostCall call = peer.call(message("op", "List", "path", "/a"));
        assertOk(call.read());
        assertEquals(Set.of("/a/x", "/a/y"), new TreeSet<>(lines(call.readContent())));
        assertOk(call.read());
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void listOfEmptyRootSendsEmptyContent() throws Exception {
        serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "List", "path", "/"));
        assertOk(call.read());
        assertEquals(0, call.readContent().length);
        assertOk(call.read());
    }

    @Test
    void listOfFileIsPathNotFound() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/f", new byte[1]);
        assertError("PathNotFound", answer(message("op", "List", "path", "/f")));
    }

    @Test
    void moveAndDeleteSucceed() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/a", "x".getBytes(UTF_8));
        assertOk(answer(message("op", "Move", "source", "/a", "destination", "/b/c")));
        assertEquals("x", new String(driver.store.getContent("/b/c"), UTF_8));
        assertOk(answer(message("op", "Delete", "path", "/b")));
        assertEquals(List.of(), driver.store.list("/"));
        assertError("PathNotFound", answer(message("op", "Delete", "path", "/b")));
    }

    @Test
    void redirectUrlIsEmptyString() throws Exception {
        serve(new ScriptedDriver());
        ObjectNode answer = answer(message("op", "RedirectURL", "path", "/f"));
        assertOk(answer);
        assertEquals("", answer.path("url").asText("absent"));
    }

    @Test
    void walkSendsOneJsonObjectPerLine() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/b/f", "123".getBytes(UTF_8));
        driver.store.putContent("/a", "1".getBytes(UTF_8));
        HostCall call = peer.call(message("op", "Walk", "path", "/"));
        assertOk(call.read());
        List<String> lines = lines(call.readContent());
        assertOk(call.read());
        assertEquals(3, lines.size());
        List<String> paths = new ArrayList<>();
        for (String line : lines) {
            ObjectNode entry = (ObjectNode) MAPPER.readTree(line);
            paths.add(entry.path("path").asText());
            FileInfo expected = driver.store.stat(entry.path("path").asText());
            assertEquals(expected.size(), entry.path("size").asLong());
            assertEquals(expected.isDirectory(), entry.path("isDir").asBoolean());
            assertEquals(expected.modificationTime().toEpochMilli(),
                    entry.path("modTime").asLong());
        }
        assertEquals(List.of("/a", "/b", "/b/f"), paths);
    }

    @Test
    void walkOfMissingPathIsErrorResponse() throws Exception {
        serve(new ScriptedDriver());
        assertError("PathNotFound", answer(message("op", "Walk", "path", "/missing")));
    }

    @Test
    void walkFailureAfterEntriesIsErrorTrailer() throws Exception {
        serve(new ScriptedDriver() {
            @Override
            public void walk(String path, WalkVisitor visitor) {
                visitor.visit(new FileInfo("/a", 0, Instant.EPOCH, true));
                throw new PathNotFoundException("scripted", "/a", "removed during the walk");
            }
        });
        HostCall call = peer.call(message("op", "Walk", "path", "/"));
        assertOk(call.read());
        assertEquals(1, lines(call.readContent()).size());
        ObjectNode error = assertError("PathNotFound", call.read());
        assertTrue(error.path("message").asText().contains("removed during the walk"));
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void unknownOperationIsUnsupportedMethod() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        ObjectNode error = assertError("UnsupportedMethod",
                answer(message("op", "Frobnicate", "path", "/")));
        assertEquals("Frobnicate", error.path("operation").asText());
        assertEquals(0, driver.calls.get());
    }

    @Test
    void operationOutsideAnnouncedSetIsUnsupportedMethod() throws Exception {
        ScriptedDriver driver = new ScriptedDriver();
        peer = HostPeer.configured(new TestFactory(p -> driver, Set.of("Stat")), Map.of());
        assertError("UnsupportedMethod", answer(message("op", "List", "path", "/")));
        assertOk(answer(message("op", "Stat", "path", "/")));
        assertEquals(1, driver.calls.get());
    }

    @Test
    void malformedRequestsAreBadRequest() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        List<ObjectNode> requests = List.of(
                message("path", "/"),
                message("op", 7, "path", "/"),
                message("op", "Stat"),
                message("op", "Stat", "path", 5),
                message("op", "Reader", "path", "/f", "offset", "5"),
                message("op", "Reader", "path", "/f"),
                message("op", "Move", "source", "/a"),
                message("op", "RedirectURL"));
        for (ObjectNode request : requests) {
            assertError("BadRequest", answer(request));
        }
        ObjectNode fraction = message("op", "Reader", "path", "/f");
        fraction.put("offset", 1.5);
        assertError("BadRequest", answer(fraction));
        assertEquals(0, driver.calls.get());
    }

    @Test
    void messageThatIsNotObjectIsBadRequest() throws Exception {
        serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Stat", "path", "/"));
        assertOk(call.read());
        HostCall malformed = new HostCall(peer.session.openStream());
        malformed.sendRaw(new byte[] {0, 0, 0, 3, '[', '1', ']'});
        assertError("BadRequest", malformed.read());
        malformed.finishWrite();
        malformed.expectEnd();
    }

    @Test
    void requestWithTrailingBytesIsBadRequest() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        String request = "{\"op\":\"Stat\",\"path\":\"/\"}";
        Map<String, String> expectedBySuffix = Map.of(
                " x", "at byte 25: \"x\"",
                "{\"op\":\"Delete\"}", "at byte 24: \"{\\\"op\\\":\\\"Delete\\\"}\"",
                "\n\u0000", "at byte 25: \"\\u0000\"");
        for (Map.Entry<String, String> suffix : expectedBySuffix.entrySet()) {
            HostCall call = new HostCall(peer.session.openStream());
            call.sendRaw(framed(request + suffix.getKey()));

            ObjectNode answer = call.read();

            ObjectNode error = assertError("BadRequest", answer);
            String text = error.path("message").asText();
            String expected = "message has content after its JSON object " + suffix.getValue();
            assertTrue(text.contains(expected), "error for the suffix " + suffix.getKey()
                    + " contains " + expected + ", actual: " + text);
            call.finishWrite();
            call.expectEnd();
        }
        assertEquals(0, driver.calls.get(), "calls that reached the driver");
    }

    @Test
    void requestWithTrailingWhitespaceIsServed() throws Exception {
        serve(new ScriptedDriver());
        HostCall call = new HostCall(peer.session.openStream());
        call.sendRaw(framed("{\"op\":\"Stat\",\"path\":\"/\"} \t\r\n"));

        assertOk(call.read());
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void invalidPathsNeverReachDriver() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        List<ObjectNode> requests = List.of(
                message("op", "Stat", "path", "a"),
                message("op", "Stat", "path", ""),
                message("op", "List", "path", "/a/"),
                message("op", "Walk", "path", "//"),
                message("op", "GetContent", "path", "/"),
                message("op", "GetContent", "path", "/a/../b"),
                message("op", "Reader", "path", "/a b", "offset", 0),
                message("op", "Delete", "path", "/"),
                message("op", "Move", "source", "/a", "destination", "/x/.."),
                message("op", "Move", "source", "/", "destination", "/x"),
                message("op", "RedirectURL", "path", "/"));
        for (ObjectNode request : requests) {
            ObjectNode error = assertError("InvalidPath", answer(request));
            assertTrue(error.has("path"), error.toString());
        }
        assertEquals(0, driver.calls.get());
    }

    @Test
    void negativeOffsetIsInvalidOffsetBeforeDriver() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        ObjectNode error = assertError("InvalidOffset",
                answer(message("op", "Reader", "path", "/f", "offset", -1)));
        assertEquals(-1, error.path("offset").asLong());
        assertEquals("/f", error.path("path").asText());
        assertEquals(0, driver.calls.get());
    }

    @Test
    void driverRuntimeExceptionIsInternalAndSessionGoesOn() throws Exception {
        serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                if (path.equals("/broken")) {
                    throw new IllegalStateException("index corrupted");
                }
                return super.stat(path);
            }
        });
        ObjectNode error = assertError("Internal",
                answer(message("op", "Stat", "path", "/broken")));
        assertEquals("index corrupted", error.path("message").asText());
        assertOk(answer(message("op", "Stat", "path", "/")));
    }

    @Test
    void streamWithoutRequestIsEnded() throws Exception {
        serve(new ScriptedDriver());
        HostCall empty = new HostCall(peer.session.openStream());
        empty.finishWrite();
        empty.expectEnd();
        assertOk(answer(message("op", "Stat", "path", "/")));
    }

    @Test
    void callsRunConcurrentlyOnNamedThreads() throws Exception {
        CyclicBarrier bothInside = new CyclicBarrier(2);
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                threads.add(Thread.currentThread().getName());
                try {
                    bothInside.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the calls did not run at the same time", e);
                }
                return super.stat(path);
            }
        });
        HostCall first = peer.call(message("op", "Stat", "path", "/"));
        HostCall second = peer.call(message("op", "Stat", "path", "/"));
        assertOk(first.read());
        assertOk(second.read());
        assertEquals(2, threads.size());
        for (String thread : threads) {
            assertTrue(thread.startsWith("storagedriver-call-"), thread);
        }
    }

    @Test
    void manyBlockedCallsRunAtOnce() throws Exception {
        int calls = 8;
        CyclicBarrier allInside = new CyclicBarrier(calls);
        serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                try {
                    allInside.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the calls did not run at the same time", e);
                }
                return super.stat(path);
            }
        });
        List<HostCall> running = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            running.add(peer.call(message("op", "Stat", "path", "/")));
        }
        for (HostCall call : running) {
            assertOk(call.read());
        }
    }

    @Test
    void sequentialCallsReuseFewThreads() throws Exception {
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                threads.add(Thread.currentThread().getName());
                return super.stat(path);
            }
        });

        for (int i = 0; i < 50; i++) {
            assertOk(answer(message("op", "Stat", "path", "/")));
        }

        // A call thread that takes a stream starts another one only when no other thread waits
        // to accept, so calls one after another need only a few threads.
        assertTrue(threads.size() <= 8, "calls ran on " + threads.size() + " threads");
    }
}
