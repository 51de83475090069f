package io.storagedriver.client;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverStartException;
import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import io.storagedriver.internal.process.DriverLocator;
import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.process.LaunchCommand;
import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live storage driver process, used through the {@link StorageDriver} interface.
 *
 * <p>{@link #start} finds the driver, spawns it with one end of a Unix socketpair, and performs
 * the handshake; the client is then safe for concurrent use by many threads, each call running on
 * its own multiplexed stream. Paths and offsets are checked before anything is sent, except
 * through {@link #unchecked()}. When the driver exits or its socket breaks, every pending and
 * later call fails at once with {@link DriverExitedException}. {@link #close()} stops the driver
 * and is idempotent.
 *
 * <pre>{@code
 * try (DriverClient driver = DriverClient.start(DriverOptions.name("inmemory").build())) {
 *     driver.putContent("/greeting", "hello".getBytes(StandardCharsets.UTF_8));
 *     byte[] content = driver.getContent("/greeting");
 * }
 * }</pre>
 */
public final class DriverClient implements StorageDriver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverClient.class);

    private final DriverProcess process;
    private final YamuxSession session;
    private final Handshake.Result handshake;
    private final DriverOptions options;
    private final RemoteCalls checked;
    private final RemoteCalls unchecked;
    private final CallWatchdog watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DriverClient(DriverProcess process, YamuxSession session, Handshake.Result handshake,
            DriverOptions options) {
        this.process = process;
        this.session = session;
        this.handshake = handshake;
        this.options = options;
        Failures failures = new Failures(handshake.name(), process, session, closed);
        this.watchdog = new CallWatchdog(options.callTimeout(), handshake.name());
        RemoteCalls.ListLimits listLimits = new RemoteCalls.ListLimits(options.maxListEntries(),
                options.maxListBytes());
        this.checked = new RemoteCalls(session, handshake, failures, watchdog, listLimits, true);
        this.unchecked = new RemoteCalls(session, handshake, failures, watchdog, listLimits,
                false);
    }

    /**
     * Starts the driver that {@code options} describe and completes the handshake.
     *
     * @throws io.storagedriver.DriverNotFoundException when no executable was found
     * @throws io.storagedriver.DriverStartException when the driver could not be started, exited
     *     or timed out before the handshake finished, or when JVM options are set and the name
     *     led to an executable driver
     * @throws io.storagedriver.IncompatibleVersionException when the versions do not match
     * @throws io.storagedriver.InvalidParametersException when the driver rejects its parameters
     */
    public static DriverClient start(DriverOptions options) {
        Objects.requireNonNull(options, "options");
        LaunchCommand command = launchCommand(options);
        DriverOutputListener listener = options.outputListener();
        DriverProcess process;
        try {
            process = DriverProcess.start(command, (stream, line) -> listener.onLine(
                    stream.equals("stdout") ? DriverOutputListener.Stream.STDOUT
                            : DriverOutputListener.Stream.STDERR, line));
        } catch (RuntimeException | Error e) {
            ClassDataArchive.abandon(command);
            throw e;
        }
        ClassDataArchive.watch(command, process);
        YamuxSession session = null;
        try {
            // The host never accepts streams, so it resets every stream that a driver opens.
            session = YamuxSession.client(process.channel(),
                    YamuxConfig.defaults().withName(command.driverName()).withAcceptBacklog(0));
            YamuxSession opened = session;
            process.onExit().whenComplete((code, error) -> opened.close());
            Handshake.Result result = Handshake.perform(session, process, command, options);
            DriverClient client = new DriverClient(process, session, result, options);
            client.watchExit();
            LOG.info("driver started name={} pid={} api={} source=\"{}\"", result.name(),
                    process.pid(), result.apiVersion(), options.describe());
            return client;
        } catch (RuntimeException | Error e) {
            if (session != null) {
                session.close();
            }
            process.stop(options.stopTimeout());
            throw e;
        }
    }

    /** Starts the driver {@code registry-storagedriver-<name>} with the given parameters. */
    public static DriverClient start(String name, Map<String, String> parameters) {
        return start(DriverOptions.name(name).parameters(parameters).build());
    }

    private static LaunchCommand launchCommand(DriverOptions options) {
        return switch (options.source()) {
            case NAME -> requireJavaForJvmOptions(new DriverLocator(options.driversDirectory(),
                    Optional.ofNullable(System.getenv("PATH")).orElse(""),
                    BundledDrivers.launchers(options.jvmOptions()))
                    .locate(options.name().orElseThrow()), options);
            case EXECUTABLE -> DriverLocator.forExecutable(options.executable().orElseThrow());
            case MAIN_CLASS -> DriverLocator.forMainClass(
                    BundledDrivers.nameOf(options.mainClass().orElseThrow()),
                    options.mainClass().orElseThrow(), classpathOf(options),
                    options.jvmOptions());
        };
    }

    /**
     * Returns {@code command}, or raises when JVM options are set but the name led to an
     * executable, which is started as it is, rather than to a bundled Java driver.
     */
    private static LaunchCommand requireJavaForJvmOptions(LaunchCommand command,
            DriverOptions options) {
        if (options.jvmOptions().isEmpty()
                || command.placement() != LaunchCommand.SocketPlacement.FD3_VIA_SHELL) {
            return command;
        }
        throw new DriverStartException(command.driverName(), "the JVM options "
                + DriverOptions.describeJvmOptions(options.jvmOptions()) + " cannot apply to "
                + "driver " + command.driverName() + ": its name led to the executable "
                + command.executable() + ", which the host starts as it is, without a JVM of "
                + "its own. Remove the JVM options, put them in the java command of that "
                + "executable's launcher script, or start a Java driver with "
                + "DriverOptions.mainClass", List.of(), null);
    }

    private static List<Path> classpathOf(DriverOptions options) {
        if (!options.classpath().isEmpty()) {
            return options.classpath();
        }
        return BundledDrivers.splitClasspath(System.getProperty("java.class.path", ""));
    }

    /** Logs an exit that {@link #close()} did not cause; the session closes by itself. */
    private void watchExit() {
        process.onExit().whenComplete((code, error) -> {
            if (!closed.get()) {
                LOG.warn("driver exited name={} pid={} exitCode={}", handshake.name(),
                        process.pid(), code);
            }
        });
    }

    /**
     * Returns a view of this driver that sends requests exactly as given, without checking paths
     * and offsets first, so that a test can see how the driver itself answers bad input. It also
     * returns the paths in {@code list}, {@code walk} and {@code stat} responses as the driver sent
     * them, where this client rejects paths that the request did not ask for.
     */
    public StorageDriver unchecked() {
        return unchecked;
    }

    /** Returns the operations the driver announced in its handshake. */
    public Set<String> operations() {
        return handshake.operations();
    }

    /** Returns the wire protocol version the driver announced. */
    public String protocolVersion() {
        return handshake.protocolVersion();
    }

    /** Returns the process id of the driver. */
    public long pid() {
        return process.pid();
    }

    /** Returns the last lines the driver wrote to its standard error, oldest first. */
    public List<String> stderrTail() {
        return process.stderrTail();
    }

    /** Returns whether the driver is running and its session is open. */
    public boolean isAlive() {
        return !closed.get() && !session.isClosed() && process.exitCode().isEmpty();
    }

    /** Returns whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Returns the options this client was started with. */
    public DriverOptions options() {
        return options;
    }

    /**
     * Stops the driver: sends Go Away, closes the socket, waits up to the stop timeout for the
     * process to exit and then kills it. Calls still pending fail with {@link
     * DriverExitedException}, and so does every later call at once, also a read from a reader
     * or a write, commit or cancel of a writer opened before. Closing such a writer does
     * nothing, because the driver keeps an open writer's content as if the writer had been
     * closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            session.goAway();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("go away not sent name={}: {}", handshake.name(), e.toString());
        }
        session.close();
        process.stop(options.stopTimeout());
        watchdog.close();
        LOG.info("driver stopped name={} pid={}", handshake.name(), process.pid());
    }

    @Override
    public String name() {
        return handshake.name();
    }

    @Override
    public String apiVersion() {
        return handshake.apiVersion();
    }

    @Override
    public byte[] getContent(String path) {
        return checked.getContent(path);
    }

    @Override
    public void putContent(String path, byte[] content) {
        checked.putContent(path, content);
    }

    @Override
    public InputStream reader(String path, long offset) {
        return checked.reader(path, offset);
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        return checked.writeStream(path, offset, content);
    }

    @Override
    public long currentSize(String path) {
        return checked.currentSize(path);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The client collects at most {@link DriverOptions#maxListEntries()} entries (100,000 by
     * default) and {@link DriverOptions#maxListBytes()} bytes of paths (16 MiB by default), so
     * that a driver cannot exhaust the host's memory. Past either limit the call fails with
     * {@link io.storagedriver.ListTooLargeException}. {@link #walk} has no such limit, because
     * it passes entries to its visitor one at a time.
     */
    @Override
    public List<String> list(String path) {
        return checked.list(path);
    }

    @Override
    public void move(String source, String destination) {
        checked.move(source, destination);
    }

    @Override
    public void delete(String path) {
        checked.delete(path);
    }

    @Override
    public FileInfo stat(String path) {
        return checked.stat(path);
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        return checked.writer(path, append);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        checked.walk(path, visitor);
    }

    @Override
    public String redirectUrl(String path) {
        return checked.redirectUrl(path);
    }

    @Override
    public String toString() {
        return "DriverClient[name=" + handshake.name() + ", pid=" + process.pid() + "]";
    }
}
