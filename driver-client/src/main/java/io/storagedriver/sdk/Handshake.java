package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverInternalException;
import io.storagedriver.ErrorCode;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Versions;
import io.storagedriver.internal.wire.WireErrors;
import io.storagedriver.internal.yamux.YamuxException;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the handshake on the first stream: sends the versions, then creates the
 * driver from the parameters of an accepted {@code Configure}.
 */
final class Handshake {
    private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);

    private final DriverFactory factory;
    private final Requests requests;

    Handshake(DriverFactory factory) {
        this.factory = factory;
        this.requests = new Requests(factory.name());
    }

    /**
     * Runs the handshake and returns the configured driver, or empty when the handshake failed,
     * the host rejected the driver or the parameters were invalid. A failure of the stream is
     * logged and not raised: if the whole session failed, the next accept reports it.
     */
    Optional<StorageDriver> run(YamuxStream stream) {
        Call call = new Call(stream);
        Optional<StorageDriver> driver = Optional.empty();
        try {
            driver = exchange(call);
            call.finish();
        } catch (YamuxException e) {
            if (e.kind() == YamuxException.Kind.STREAM_RESET) {
                LOG.warn("handshake stream reset by the host");
            } else {
                LOG.debug("session ended during the handshake: {}", e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("handshake failed: {}", e.toString());
        } finally {
            call.release();
        }
        return driver;
    }

    private Optional<StorageDriver> exchange(Call call) throws IOException {
        ObjectNode hello = Messages.read(call.in());
        if (hello == null) {
            LOG.warn("handshake failed: the host closed the first stream without a request");
            return Optional.empty();
        }
        try {
            sendVersions(call, hello);
        } catch (StorageDriverException e) {
            LOG.warn("handshake failed: {}", e.getMessage());
            call.send(WireErrors.errorResponse(e));
            return Optional.empty();
        }
        ObjectNode configure = Messages.read(call.in());
        if (configure == null) {
            LOG.warn("handshake ended by the host before Configure");
            return Optional.empty();
        }
        try {
            return configure(call, configure);
        } catch (StorageDriverException e) {
            LOG.warn("configuration failed: {}", e.getMessage());
            call.send(WireErrors.errorResponse(e));
            return Optional.empty();
        }
    }

    private void sendVersions(Call call, ObjectNode hello) throws IOException {
        String op = requests.text(hello, "op");
        if (!op.equals("Handshake")) {
            throw requests.badRequest(
                    "the first stream must carry the Handshake request, not \"" + op + "\"");
        }
        String protocolVersion = requests.text(hello, "protocolVersion");
        String apiVersion = requests.text(hello, "apiVersion");
        requireSameMajor("protocol", protocolVersion, Versions.PROTOCOL);
        requireSameMajor("storage API", apiVersion, Versions.API);
        LOG.info("handshake client=\"{}\" protocolVersion={} apiVersion={}",
                hello.path("client").asText(""), protocolVersion, apiVersion);

        ObjectNode response = WireErrors.okResponse();
        response.put("protocolVersion", Versions.PROTOCOL);
        response.put("apiVersion", Versions.API);
        response.put("name", factory.name());
        ArrayNode operations = response.putArray("operations");
        for (String operation : factory.operations()) {
            operations.add(operation);
        }
        call.send(response);
    }

    /**
     * Applies the version rule from the driver's side: only the major versions must match,
     * because the host itself rejects a driver whose minor version is newer than its own.
     */
    private void requireSameMajor(String kind, String hostVersion, String driverVersion) {
        int hostMajor = major(hostVersion);
        if (hostMajor < 0) {
            throw incompatible("the host's " + kind + " version \"" + hostVersion
                    + "\" is not of the form Major.Minor");
        }
        int driverMajor = major(driverVersion);
        if (hostMajor != driverMajor) {
            throw incompatible("the host speaks " + kind + " version " + hostVersion
                    + ", but this driver implements " + driverVersion + "; use a driver that "
                    + "implements " + kind + " version " + hostMajor + ".x, or a host that "
                    + "supports " + driverMajor + ".x");
        }
    }

    private StorageDriverException incompatible(String message) {
        return new StorageDriverException(
                factory.name(), ErrorCode.INCOMPATIBLE_VERSION, message);
    }

    /** Returns the major number of "Major.Minor", or -1 when the text is not of that form. */
    static int major(String version) {
        int dot = version.indexOf('.');
        if (dot <= 0 || dot == version.length() - 1) {
            return -1;
        }
        String majorText = version.substring(0, dot);
        String minorText = version.substring(dot + 1);
        if (!isNumber(majorText) || !isNumber(minorText)) {
            return -1;
        }
        return Integer.parseInt(majorText);
    }

    /**
     * Returns whether {@code text} is at most 9 digits, which fits an int. This is a loop and not
     * a stream, because a JVM's first stream pipeline took about 2 ms of a driver's start.
     */
    private static boolean isNumber(String text) {
        if (text.length() > 9) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private Optional<StorageDriver> configure(Call call, ObjectNode configure) throws IOException {
        String op = requests.text(configure, "op");
        if (!op.equals("Configure")) {
            throw requests.badRequest("expected the Configure request, not \"" + op + "\"");
        }
        if (!requests.bool(configure, "accept")) {
            LOG.warn("the host rejected this driver: {}", configure.path("reason").asText(""));
            return Optional.empty();
        }
        Map<String, String> parameters = parameters(configure);
        StorageDriver driver;
        try {
            driver = factory.create(parameters);
        } catch (StorageDriverException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("creating the driver failed", e);
            throw new DriverInternalException(factory.name(), "creating the driver failed: "
                    + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()), e);
        }
        if (driver == null) {
            throw new DriverInternalException(factory.name(), "the driver factory returned null");
        }
        call.send(WireErrors.okResponse());
        LOG.info("driver configured name={} parameters={}", factory.name(), parameters.keySet());
        return Optional.of(driver);
    }

    /** Returns the parameters of an accepted {@code Configure}; their values are never logged. */
    private Map<String, String> parameters(ObjectNode configure) {
        JsonNode node = configure.get("parameters");
        Map<String, String> parameters = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return parameters;
        }
        if (!node.isObject()) {
            throw requests.badRequest("the field \"parameters\" must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw requests.badRequest("the parameter \"" + field.getKey()
                        + "\" must be a string");
            }
            parameters.put(field.getKey(), field.getValue().asText());
        }
        return parameters;
    }
}
