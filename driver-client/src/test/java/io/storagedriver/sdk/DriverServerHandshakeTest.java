package io.storagedriver.sdk;

import static io.storagedriver.sdk.HostPeer.assertError;
import static io.storagedriver.sdk.HostPeer.assertOk;
import static io.storagedriver.sdk.HostPeer.configureRequest;
import static io.storagedriver.sdk.HostPeer.handshakeRequest;
import static io.storagedriver.sdk.HostPeer.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriver;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

@Timeout(30)
class DriverServerHandshakeTest {
    private static final List<String> ALL_OPERATIONS = List.of("GetContent", "PutContent",
            "Reader", "WriteStream", "Stat", "List", "Move", "Delete", "Writer", "Walk",
            "RedirectURL");

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    @Test
    void handshakeSendsVersionsNameAndOperations() throws Exception {
        TestFactory factory = TestFactory.of(new ScriptedDriver());
        try (HostPeer peer = HostPeer.start(factory)) {
            HostCall call = peer.call(handshakeRequest("1.0", "1.0"));
            ObjectNode answer = call.read();
            assertOk(answer);
            assertEquals("1.0", answer.path("protocolVersion").asText());
            assertEquals("1.0", answer.path("apiVersion").asText());
            assertEquals("scripted", answer.path("name").asText());
            assertEquals(ALL_OPERATIONS, texts(answer.path("operations")));
            assertEquals(0, factory.creations.get());
        }
    }

    @Test
    void handshakeAnnouncesFactoryOperations() throws Exception {
        TestFactory factory = new TestFactory(p -> new ScriptedDriver(), Set.of("Stat"));
        try (HostPeer peer = HostPeer.start(factory)) {
            ObjectNode answer = peer.call(handshakeRequest("1.0", "1.0")).read();
            assertEquals(List.of("Stat"), texts(answer.path("operations")));
        }
    }

    @Test
    void otherHostMajorIsIncompatibleVersion() throws Exception {
        for (String[] versions : new String[][] {{"2.0", "1.0"}, {"1.0", "2.0"}, {"0.9", "1.0"}}) {
            TestFactory factory = TestFactory.of(new ScriptedDriver());
            try (HostPeer peer = HostPeer.start(factory)) {
                HostCall call = peer.call(handshakeRequest(versions[0], versions[1]));
                ObjectNode error = assertError("IncompatibleVersion", call.read());
                String message = error.path("message").asText();
                assertTrue(message.contains("1.0"), message);
                call.expectEnd();
                assertEquals(0, factory.creations.get());
            }
        }
    }

    @Test
    void malformedHostVersionIsIncompatibleVersion() throws Exception {
        try (HostPeer peer = HostPeer.start(TestFactory.of(new ScriptedDriver()))) {
            HostCall call = peer.call(handshakeRequest("one", "1.0"));
            ObjectNode error = assertError("IncompatibleVersion", call.read());
            assertTrue(error.path("message").asText().contains("\"one\""), error.toString());
        }
    }

    @Test
    void newerHostMinorIsAccepted() throws Exception {
        try (HostPeer peer = HostPeer.start(TestFactory.of(new ScriptedDriver()))) {
            ObjectNode answer = peer.call(handshakeRequest("1.7", "1.3")).read();
            assertOk(answer);
            assertEquals("1.0", answer.path("protocolVersion").asText());
        }
    }

    @Test
    void handshakeWithoutVersionIsBadRequest() throws Exception {
        try (HostPeer peer = HostPeer.start(TestFactory.of(new ScriptedDriver()))) {
            HostCall call = peer.call(message("op", "Handshake", "apiVersion", "1.0"));
            ObjectNode error = assertError("BadRequest", call.read());
            String message = error.path("message").asText();
            assertTrue(message.contains("protocolVersion"), message);
        }
    }

    @Test
    void firstRequestOtherThanHandshakeIsBadRequest() throws Exception {
        TestFactory factory = TestFactory.of(new ScriptedDriver());
        try (HostPeer peer = HostPeer.start(factory)) {
            assertError("BadRequest", peer.call(message("op", "Stat", "path", "/")).read());
            ObjectNode later = peer.call(message("op", "Stat", "path", "/")).read();
            ObjectNode error = assertError("BadRequest", later);
            assertTrue(error.path("message").asText().contains("not configured"), error.toString());
            assertEquals(0, factory.creations.get());
        }
    }

    @Test
    void configureSendsParametersToFactory() throws Exception {
        TestFactory factory = TestFactory.of(new ScriptedDriver());
        Map<String, String> parameters = Map.of("rootdirectory", "/srv", "secret", "s3cr3t");
        try (HostPeer peer = HostPeer.configured(factory, parameters)) {
            assertEquals(1, factory.creations.get());
            assertEquals(parameters, factory.parameters.get());
            assertOk(peer.call(message("op", "Stat", "path", "/")).read());
        }
    }

    @Test
    void configureRejectionNeverReachesFactory() throws Exception {
        TestFactory factory = TestFactory.of(new ScriptedDriver());
        try (HostPeer peer = HostPeer.start(factory)) {
            HostCall handshake = peer.call(handshakeRequest("1.0", "1.0"));
            assertOk(handshake.read());
            ObjectNode rejection = message("op", "Configure", "accept", false,
                    "reason", "driver API version is not supported");
            rejection.putObject("parameters").put("secret", "must not be used");
            handshake.send(rejection);
            handshake.finishWrite();
            handshake.expectEnd();
            assertEquals(0, factory.creations.get());
            assertNull(factory.parameters.get());
            assertError("BadRequest", peer.call(message("op", "Stat", "path", "/")).read());
            peer.session.goAway();
            assertNull(peer.awaitServerEnd(10_000));
        }
    }

    @Test
    void invalidParametersAreReported() throws Exception {
        TestFactory factory = new TestFactory(p -> {
            throw new InvalidParametersException("scripted",
                    "the parameter rootdirectory is missing");
        }, null);
        try (HostPeer peer = HostPeer.start(factory)) {
            HostCall handshake = peer.call(handshakeRequest("1.0", "1.0"));
            assertOk(handshake.read());
            handshake.send(configureRequest(Map.of()));
            ObjectNode error = assertError("InvalidParameters", handshake.read());
            assertEquals("the parameter rootdirectory is missing",
                    error.path("message").asText());
            handshake.expectEnd();
        }
    }

    @Test
    void factoryFailureIsInternal() throws Exception {
        TestFactory factory = new TestFactory(p -> {
            throw new IllegalStateException("backend unreachable");
        }, null);
        try (HostPeer peer = HostPeer.start(factory)) {
            HostCall handshake = peer.call(handshakeRequest("1.0", "1.0"));
            assertOk(handshake.read());
            handshake.send(configureRequest(Map.of()));
            ObjectNode error = assertError("Internal", handshake.read());
            assertTrue(error.path("message").asText().contains("backend unreachable"),
                    error.toString());
        }
    }

    @Test
    void nonTextParameterIsBadRequest() throws Exception {
        TestFactory factory = TestFactory.of(new ScriptedDriver());
        try (HostPeer peer = HostPeer.start(factory)) {
            HostCall handshake = peer.call(handshakeRequest("1.0", "1.0"));
            assertOk(handshake.read());
            ObjectNode configure = message("op", "Configure", "accept", true);
            configure.putObject("parameters").put("maxthreads", 5);
            handshake.send(configure);
            ObjectNode error = assertError("BadRequest", handshake.read());
            assertTrue(error.path("message").asText().contains("maxthreads"), error.toString());
            assertEquals(0, factory.creations.get());
        }
    }

    @Test
    void serveReturnsAfterGoAway() throws Exception {
        try (HostPeer peer = HostPeer.configured(TestFactory.of(new ScriptedDriver()), Map.of())) {
            peer.session.goAway();
            assertNull(peer.awaitServerEnd(10_000));
        }
    }

    @Test
    void serveReturnsAtEndOfFile() throws Exception {
        try (HostPeer peer = HostPeer.configured(TestFactory.of(new ScriptedDriver()), Map.of())) {
            peer.closeSocket();
            assertNull(peer.awaitServerEnd(10_000));
        }
    }

    @Test
    void serveReturnsWhenHostClosesRightAfterConfigure() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (HostPeer peer = HostPeer.start(TestFactory.of(new ScriptedDriver()))) {
                HostCall handshake = peer.call(handshakeRequest("1.0", "1.0"));
                assertOk(handshake.read());
                handshake.send(configureRequest(Map.of()));
                assertOk(handshake.read());
                peer.closeSocket();
                assertNull(peer.awaitServerEnd(10_000));
            }
        }
    }

    @Test
    void yamuxProtocolErrorFailsServe() throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread server = new Thread(() -> {
            try {
                DriverServer.serve(TestFactory.of(new ScriptedDriver()), pair.getSocket2());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        server.start();
        // A frame header with yamux version 7, which no peer may send.
        pair.getSocket1().write(ByteBuffer.wrap(new byte[] {7, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}));
        server.join(10_000);
        assertTrue(failure.get() instanceof UncheckedIOException, String.valueOf(failure.get()));
        pair.close();
    }

    @Test
    void closeableDriverIsClosedAtSessionEnd() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        class CloseableDriver extends ScriptedDriver implements AutoCloseable {
            @Override
            public void close() {
                closed.set(true);
            }
        }
        StorageDriver driver = new CloseableDriver();
        try (HostPeer peer = HostPeer.configured(TestFactory.of(driver), Map.of())) {
            peer.session.goAway();
            peer.awaitServerEnd(10_000);
            assertTrue(closed.get());
        }
    }
}
