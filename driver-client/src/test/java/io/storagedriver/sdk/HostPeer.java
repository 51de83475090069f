package io.storagedriver.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Versions;
import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * Plays the host by hand: a yamux client session on one end of a real socketpair, with {@link
 * DriverServer#serve(DriverFactory, java.nio.channels.ByteChannel)} running on the other end in
 * a thread of this JVM.
 */
final class HostPeer implements AutoCloseable {
    final YamuxSession session;
    private final AFUNIXSocketChannel hostChannel;
    private final Thread serverThread;
    private final AtomicReference<Throwable> serverFailure = new AtomicReference<>();

    private HostPeer(DriverFactory factory, AFUNIXSocketPair<AFUNIXSocketChannel> pair) {
        serverThread = new Thread(() -> {
            try {
                DriverServer.serve(factory, pair.getSocket2());
            } catch (Throwable e) {
                serverFailure.set(e);
            }
        }, "test-driver-server");
        serverThread.setDaemon(true);
        serverThread.start();
        hostChannel = pair.getSocket1();
        session = YamuxSession.client(pair.getSocket1(), YamuxConfig.defaults().withName("host"));
    }

    /** Starts the server; no stream is open yet. */
    static HostPeer start(DriverFactory factory) throws IOException {
        return new HostPeer(factory, AFUNIXSocketPair.open());
    }

    /** Starts the server and completes the handshake with the given parameters. */
    static HostPeer configured(DriverFactory factory, Map<String, String> parameters)
            throws IOException {
        HostPeer peer = start(factory);
        HostCall handshake = peer.call(handshakeRequest(Versions.PROTOCOL, Versions.API));
        ObjectNode answer = handshake.read();
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        handshake.send(configureRequest(parameters));
        ObjectNode configured = handshake.read();
        assertTrue(configured.path("ok").asBoolean(), configured.toString());
        handshake.finishWrite();
        handshake.expectEnd();
        return peer;
    }

    /** Opens a stream and sends the request. */
    HostCall call(ObjectNode request) throws IOException {
        HostCall call = new HostCall(session.openStream());
        call.send(request);
        return call;
    }

    static ObjectNode handshakeRequest(String protocolVersion, String apiVersion) {
        return message("op", "Handshake", "protocolVersion", protocolVersion,
                "apiVersion", apiVersion, "client", "test host");
    }

    static ObjectNode configureRequest(Map<String, String> parameters) {
        ObjectNode request = message("op", "Configure", "accept", true);
        ObjectNode values = request.putObject("parameters");
        parameters.forEach(values::put);
        return request;
    }

    /** Builds a message from alternating names and values (strings, numbers or booleans). */
    static ObjectNode message(Object... namesAndValues) {
        ObjectNode message = Messages.object();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            Object value = namesAndValues[i + 1];
            if (value instanceof String text) {
                message.put(name, text);
            } else if (value instanceof Long number) {
                message.put(name, number);
            } else if (value instanceof Integer number) {
                message.put(name, number);
            } else if (value instanceof Boolean flag) {
                message.put(name, flag);
            } else {
                throw new IllegalArgumentException("unsupported value " + value);
            }
        }
        return message;
    }

    /** Checks that a response is an error with the given code, and returns the error object. */
    static ObjectNode assertError(String code, ObjectNode answer) {
        assertFalse(answer.path("ok").asBoolean(true), answer.toString());
        assertEquals(code, answer.path("error").path("code").asText(), answer.toString());
        return (ObjectNode) answer.get("error");
    }

    static void assertOk(ObjectNode answer) {
        assertTrue(answer.path("ok").asBoolean(false), answer.toString());
    }

    /** Waits for the server's serve method to return, and returns its failure or null. */
    Throwable awaitServerEnd(long millis) throws InterruptedException {
        serverThread.join(millis);
        assertFalse(serverThread.isAlive(), "serve did not return within " + millis + " ms");
        return serverFailure.get();
    }

    /** Closes the host's socket without Go Away, so the driver reads end of file. */
    void closeSocket() throws IOException {
        hostChannel.close();
    }

    @Override
    public void close() {
        session.close();
        try {
            serverThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
