package io.storagedriver.client.testdrivers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Operation;
import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A driver that announces the versions given in system properties and records, one line per
 * event, what the host sent it. Parameter values are never recorded, only their names.
 *
 * <p>System properties, set through the JVM options of the launch:
 *
 * <ul>
 *   <li>{@value #PROTOCOL_VERSION_PROPERTY} and {@value #API_VERSION_PROPERTY}: the versions
 *       announced, "1.0" when unset;
 *   <li>{@value #REJECT_HOST_PROPERTY}: when "true", the driver responds to the handshake with
 *       an {@code IncompatibleVersion} error instead;
 *   <li>{@value #RECORD_PROPERTY}: the file that the lines are appended to.
 * </ul>
 *
 * <p>The recorded lines are {@code handshake ...}, {@code configure accept=... parameters=...},
 * {@code stream opened id=...} for each later stream, and {@code session ended}.
 */
public final class VersionClaimingDriver {
    /** The name the handshake sends. */
    public static final String NAME = "versionclaiming";

    public static final String PROTOCOL_VERSION_PROPERTY = "testdriver.protocolVersion";
    public static final String API_VERSION_PROPERTY = "testdriver.apiVersion";
    public static final String REJECT_HOST_PROPERTY = "testdriver.rejectHost";
    public static final String RECORD_PROPERTY = "testdriver.record";

    private final Path record;

    private VersionClaimingDriver(Path record) {
        this.record = record;
    }

    public static void main(String[] args) throws IOException {
        Path record = Path.of(System.getProperty(RECORD_PROPERTY));
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof SocketChannel socket)) {
            System.err.println("version-claiming driver: no socket on fd 0");
            System.exit(2);
            return;
        }
        YamuxSession session =
                YamuxSession.server(socket, YamuxConfig.defaults().withName(NAME));
        VersionClaimingDriver driver = new VersionClaimingDriver(record);
        try {
            driver.serve(session);
        } catch (IOException e) {
            driver.record("session failed: " + e);
        }
        driver.record("session ended");
        session.close();
        System.exit(0);
    }

    private void serve(YamuxSession session) throws IOException {
        YamuxStream first = session.acceptStream();
        if (first == null) {
            return;
        }
        ObjectNode hello = Messages.readRequired(first.inputStream(), "Handshake request");
        record("handshake op=" + hello.path("op").asText() + " protocolVersion="
                + hello.path("protocolVersion").asText() + " apiVersion="
                + hello.path("apiVersion").asText());
        Messages.write(first.outputStream(), handshakeAnswer());
        ObjectNode message;
        while ((message = Messages.read(first.inputStream())) != null) {
            recordConfigure(message);
            if (message.path("accept").asBoolean(false)) {
                ObjectNode ok = Messages.object();
                ok.put("ok", true);
                Messages.write(first.outputStream(), ok);
            }
        }
        first.closeWrite();
        YamuxStream stream;
        while ((stream = session.acceptStream()) != null) {
            record("stream opened id=" + stream.id());
            stream.reset();
        }
    }

    private static ObjectNode handshakeAnswer() {
        ObjectNode answer = Messages.object();
        if (Boolean.getBoolean(REJECT_HOST_PROPERTY)) {
            answer.put("ok", false);
            ObjectNode error = answer.putObject("error");
            error.put("code", "IncompatibleVersion");
            error.put("message", "this driver needs a host that speaks storage API 7.0");
            return answer;
        }
        answer.put("ok", true);
        answer.put("protocolVersion", System.getProperty(PROTOCOL_VERSION_PROPERTY, "1.0"));
        answer.put("apiVersion", System.getProperty(API_VERSION_PROPERTY, "1.0"));
        answer.put("name", NAME);
        var operations = answer.putArray("operations");
        for (Operation operation : Operation.values()) {
            operations.add(operation.wireName());
        }
        return answer;
    }

    /** Records a Configure message with the names of its parameters but not their values. */
    private void recordConfigure(ObjectNode message) throws IOException {
        JsonNode parameters = message.get("parameters");
        String parameterNames;
        if (parameters == null) {
            parameterNames = "absent";
        } else {
            List<String> names = new ArrayList<>();
            parameters.fieldNames().forEachRemaining(names::add);
            parameterNames = "present" + names;
        }
        record("configure op=" + message.path("op").asText() + " accept="
                + message.path("accept").asText() + " parameters=" + parameterNames
                + " reason=" + message.path("reason").asText(""));
    }

    private void record(String line) throws IOException {
        Files.writeString(record, line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
