package io.storagedriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverStartException;
import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.process.LaunchCommand;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Versions;
import io.storagedriver.internal.wire.WireErrors;
import io.storagedriver.internal.wire.WireFormatException;
import io.storagedriver.internal.yamux.YamuxException;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The host side of the handshake: versions, name and operations first, then the parameters, which
 * are sent only to a driver that passed the version rule.
 */
final class Handshake {
    /** The client description sent in the handshake. */
    static final String CLIENT = "storagedriver-java";

    /** Maximum length of a driver name, because the host puts the name in every log line. */
    static final int MAX_NAME_CHARS = 100;

    /** The name, versions and operations in the driver's handshake answer. */
    record Result(String name, String protocolVersion, String apiVersion, Set<String> operations) {}

    private Handshake() {}

    static Result perform(YamuxSession session, DriverProcess process, LaunchCommand command,
            DriverOptions options) {
        String provisionalName = command.driverName();
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread timer = startTimer(session, options.startTimeout(), timedOut);
        try {
            YamuxStream stream = session.openStream();
            InputStream in = stream.inputStream();
            OutputStream out = stream.outputStream();
            ObjectNode hello = Messages.object();
            hello.put("op", "Handshake");
            hello.put("protocolVersion", Versions.PROTOCOL);
            hello.put("apiVersion", Versions.API);
            hello.put("client", CLIENT);
            Messages.write(out, hello);
            ObjectNode answer = Messages.readRequired(in, "handshake answer");
            if (!WireErrors.isOk(answer)) {
                StorageDriverException error = WireErrors.toException(provisionalName, answer);
                if (error instanceof IncompatibleVersionException) {
                    throw new IncompatibleVersionException(provisionalName, Versions.API, "",
                            "driver " + provisionalName + " rejected this client's versions "
                                    + "(protocol " + Versions.PROTOCOL + ", API " + Versions.API
                                    + "): " + error.getMessage()
                                    + ". Upgrade the client, or use a driver that accepts them");
                }
                throw error;
            }
            Result result = parse(answer, provisionalName, command);
            IncompatibleVersionException incompatible = checkVersions(result, options);
            if (incompatible != null) {
                reject(stream, out, incompatible.getMessage());
                throw incompatible;
            }
            ObjectNode configure = Messages.object();
            configure.put("op", "Configure");
            configure.put("accept", true);
            ObjectNode parameters = configure.putObject("parameters");
            options.parameters().forEach(parameters::put);
            Messages.write(out, configure);
            ObjectNode configured = Messages.readRequired(in, "answer to Configure");
            stream.close();
            if (!WireErrors.isOk(configured)) {
                throw WireErrors.toException(result.name(), configured);
            }
            return result;
        } catch (IOException e) {
            // Stop the timer first: its close of the session would end the driver during the
            // wait for its exit below, and that exit would hide the real cause.
            boolean timedOutBefore = timedOut.get();
            timer.interrupt();
            throw startFailure(e, process, command, options, timedOutBefore, provisionalName);
        } finally {
            timer.interrupt();
        }
    }

    /** Applies the version rule to both versions; returns null when the driver passes. */
    private static IncompatibleVersionException checkVersions(Result result,
            DriverOptions options) {
        String[][] versions = {
            {"protocol", Versions.PROTOCOL, result.protocolVersion()},
            {"storage API", Versions.API, result.apiVersion()},
        };
        for (String[] version : versions) {
            Optional<String> problem = Versions.incompatibility(version[0], version[1],
                    version[2]);
            if (problem.isPresent()) {
                return new IncompatibleVersionException(result.name(), version[1], version[2],
                        "driver " + result.name() + " (" + options.describe()
                                + ") is incompatible: " + problem.get()
                                + ". Its parameters were not sent");
            }
        }
        return null;
    }

    private static void reject(YamuxStream stream, OutputStream out, String reason) {
        try {
            ObjectNode configure = Messages.object();
            configure.put("op", "Configure");
            configure.put("accept", false);
            configure.put("reason", reason);
            Messages.write(out, configure);
            stream.closeWrite();
        } catch (IOException e) {
            // The driver is rejected either way; it learns of it from the closed socket.
        }
    }

    private static Result parse(JsonNode answer, String provisionalName, LaunchCommand command) {
        String name = answer.path("name").asText("");
        String protocolVersion = answer.path("protocolVersion").asText("");
        String apiVersion = answer.path("apiVersion").asText("");
        JsonNode operations = answer.path("operations");
        if (name.isEmpty() || protocolVersion.isEmpty() || apiVersion.isEmpty()
                || !operations.isArray()) {
            throw new DriverStartException(provisionalName, "driver " + provisionalName
                    + " sent a malformed handshake answer: it needs the fields name, "
                    + "protocolVersion, apiVersion and operations, but sent "
                    + WireErrors.printable(answer.toString())
                    + diagnose(command), List.of(), null);
        }
        if (name.length() > MAX_NAME_CHARS || name.chars().anyMatch(Character::isISOControl)) {
            throw new DriverStartException(provisionalName, "driver " + provisionalName
                    + " sent an invalid name in its handshake answer: "
                    + WireErrors.printable(name) + "; a name has 1 to " + MAX_NAME_CHARS
                    + " characters and no control characters" + diagnose(command),
                    List.of(), null);
        }
        Set<String> names = new LinkedHashSet<>();
        operations.forEach(operation -> names.add(operation.asText()));
        return new Result(name, protocolVersion, apiVersion, Set.copyOf(names));
    }

    private static Thread startTimer(YamuxSession session, Duration timeout,
            AtomicBoolean timedOut) {
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                timedOut.set(true);
                session.close();
            } catch (InterruptedException e) {
                // The handshake finished in time.
            }
        }, "storagedriver-start-timeout");
        timer.setDaemon(true);
        timer.start();
        return timer;
    }

    private static StorageDriverException startFailure(IOException cause, DriverProcess process,
            LaunchCommand command, DriverOptions options, boolean timedOut, String name) {
        StringBuilder message = new StringBuilder("driver ").append(name).append(" (")
                .append(options.describe()).append(", pid ").append(process.pid()).append(") ");
        // A malformed frame or message makes the host end the session. The driver then exits
        // because its socket ended, so its exit is not the cause.
        boolean malformed = cause instanceof WireFormatException
                || (cause instanceof YamuxException yamux
                        && yamux.kind() == YamuxException.Kind.PROTOCOL_ERROR);
        Integer exitCode = timedOut || malformed ? null : awaitExit(process);
        List<String> tail = process.stderrTail();
        if (timedOut) {
            return timedOut(message, options.startTimeout(), tail, name, cause);
        }
        if (malformed) {
            message.append("sent a malformed handshake: ").append(cause.getMessage())
                    .append(diagnose(command));
        } else if (exitCode != null) {
            message.append("exited before the handshake finished: ")
                    .append(process.describeExit(exitCode));
        } else {
            message.append("sent a malformed handshake: ").append(cause.getMessage())
                    .append(diagnose(command));
        }
        Failures.appendTail(message, tail);
        return new DriverStartException(name, message.toString(), tail, cause);
    }

    /**
     * Returns the failure of a start that timed out, as whole sentences. The cause is a {@link
     * TimeoutException} whose message the failure's message contains, because tools that print
     * a failure add each cause's message that it lacks, and the session's end that the timeout
     * caused ("session closed") would only mislead there. That end stays a suppressed exception.
     */
    private static DriverStartException timedOut(StringBuilder message, Duration startTimeout,
            List<String> tail, String name, IOException sessionEnd) {
        String limit = "did not finish its handshake within " + startTimeout.toMillis() + " ms";
        message.append(limit);
        if (tail.isEmpty()) {
            message.append(" and wrote nothing to its standard error");
        }
        message.append(". Check that it serves the storage driver protocol on fd 3, or raise the"
                + " start timeout.");
        if (!tail.isEmpty()) {
            message.append(" Last lines of its standard error:");
            tail.forEach(line -> message.append("\n  ").append(line));
        }
        TimeoutException cause = new TimeoutException(limit);
        cause.addSuppressed(sessionEnd);
        return new DriverStartException(name, message.toString(), tail, cause);
    }

    private static Integer awaitExit(DriverProcess process) {
        try {
            return process.onExit().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private static String diagnose(LaunchCommand command) {
        if (command.checkedExecutable().isEmpty()) {
            return "";
        }
        Path executable = command.checkedExecutable().get();
        return " (executable " + executable + ": exists=" + Files.exists(executable)
                + ", executable=" + Files.isExecutable(executable) + ")";
    }
}
