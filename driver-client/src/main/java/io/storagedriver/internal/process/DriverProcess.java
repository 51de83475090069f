package io.storagedriver.internal.process;

import io.storagedriver.DriverStartException;
import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import io.storagedriver.internal.process.OutputPump.Source;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running driver process and the host's end of the socket pair connected to it.
 *
 * <p>{@link #start} validates the executable, creates the socket pair, starts the process with
 * the child's end as its standard input (moved to fd 3 by a shell for {@link
 * SocketPlacement#FD3_VIA_SHELL}), releases the parent's copy of the child's end, and starts one
 * daemon thread per output stream that logs the driver's lines to the SLF4J logger {@code
 * storagedriver.driver.<name>}. Logging is limited to {@value #LOG_LINES_PER_SECOND} lines per
 * second with bursts of {@value #LOG_BURST_LINES}, and the last {@value #STDERR_TAIL_LINES}
 * lines of standard error are kept for error messages, including lines left out of the log.
 *
 * <p>{@link #stop} closes the socket, and the driver must exit when it reads end of file. A driver
 * that does not gets SIGTERM and then SIGKILL. A JVM shutdown hook stops every driver still
 * running when the JVM exits.
 */
public final class DriverProcess implements AutoCloseable {
    /** The time that {@link #close()} gives a driver to exit after its socket closes. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(5);

    /** The number of standard error lines kept for {@link #stderrTail()}. */
    public static final int STDERR_TAIL_LINES = 50;

    static final int LOG_LINES_PER_SECOND = 200;
    static final int LOG_BURST_LINES = 1000;
    static final Duration SUPPRESSED_REPORT_INTERVAL = Duration.ofSeconds(1);

    /** How long {@link #stop} waits after SIGTERM before it sends SIGKILL. */
    static final Duration TERM_TIMEOUT = Duration.ofSeconds(2);

    /** How long {@link #stop} waits after SIGKILL before it gives up on the process. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How long the host waits, after the process has exited, for the ends of its output
     * streams. A process started by the driver may hold them open much longer.
     */
    static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(2);

    static final String SHELL = "/bin/sh";

    /**
     * Duplicates the socket on standard input to fd 3, points standard input at /dev/null and
     * replaces the shell with the driver. {@code $0} is the driver executable and {@code $@} its
     * arguments, which the shell passes on without expanding them again.
     */
    static final String FD3_SHELL_SCRIPT = "exec \"$0\" \"$@\" 3<&0 0</dev/null";

    private static final Logger log = LoggerFactory.getLogger(DriverProcess.class);

    private final LaunchCommand command;
    private final Process process;
    private final AFUNIXSocketChannel channel;
    private final RecentLines stderrLines = new RecentLines(STDERR_TAIL_LINES);
    private final OutputPump stdoutPump;
    private final OutputPump stderrPump;
    private final CompletableFuture<Integer> exit;
    private final Object stopLock = new Object();
    private volatile boolean stopRequested;
    private boolean stopped;

    private DriverProcess(LaunchCommand command, Process process, AFUNIXSocketChannel channel,
            BiConsumer<String, String> outputListener) {
        this.command = command;
        this.process = process;
        this.channel = channel;
        String name = command.driverName();
        Logger driverLog = LoggerFactory.getLogger("storagedriver.driver." + name);
        LogRateLimiter limiter = new LogRateLimiter(LOG_LINES_PER_SECOND, LOG_BURST_LINES,
                SUPPRESSED_REPORT_INTERVAL.toNanos(), System::nanoTime);
        this.stdoutPump = new OutputPump(
                name, Source.STDOUT, process.getInputStream(), driverLog, limiter, null,
                outputListener);
        this.stderrPump = new OutputPump(
                name, Source.STDERR, process.getErrorStream(), driverLog, limiter, stderrLines,
                outputListener);
        CompletableFuture<Void> outputDone =
                CompletableFuture.allOf(stdoutPump.done(), stderrPump.done());
        this.exit = process.onExit()
                .thenCompose(exited -> awaitOutputEnd(outputDone))
                .thenApply(ignored -> process.exitValue());
    }

    /**
     * Starts the driver described by {@code command}.
     *
     * @throws DriverStartException when the executable fails the check, the platform cannot
     *     hand a socket to a child, the socket pair or the process cannot be created, or the JVM
     *     is shutting down. A failed start leaves no process and no descriptor behind.
     */
    public static DriverProcess start(LaunchCommand command) {
        return start(command, (stream, line) -> { });
    }

    /**
     * Starts the driver described by {@code command} and passes every line of its output, before
     * any rate limit, to {@code outputListener} as ("stdout" or "stderr", line). The listener runs
     * on the pump threads, must be quick, and its exceptions are ignored.
     */
    public static DriverProcess start(LaunchCommand command,
            BiConsumer<String, String> outputListener) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(outputListener, "outputListener");
        validate(command);
        List<String> argv = argv(command);
        SocketPair pair = openSocketPair(command.driverName());
        Process process = spawn(command, argv, pair);
        DriverProcess driver =
                new DriverProcess(command, process, pair.parentEnd(), outputListener);
        driver.startMonitoring();
        return driver;
    }

    /** Returns the host's end of the socket, in blocking mode. */
    public ByteChannel channel() {
        return channel;
    }

    public long pid() {
        return process.pid();
    }

    public String driverName() {
        return command.driverName();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Returns the exit code once the process has exited, and empty while it runs. */
    public Optional<Integer> exitCode() {
        if (process.isAlive()) {
            return Optional.empty();
        }
        return Optional.of(process.exitValue());
    }

    /**
     * Returns a future that completes with the exit code once the process has exited and both
     * output streams have been read to their end, or {@link #OUTPUT_DRAIN_TIMEOUT} after the
     * exit when a process started by the driver keeps them open.
     */
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    /** Returns the last {@value #STDERR_TAIL_LINES} lines of standard error, oldest first. */
    public List<String> stderrTail() {
        return stderrLines.snapshot();
    }

    /**
     * Describes exit code {@code code} in words: signals by number and name, and, for the
     * shell wrapper, 126 and 127 as an executable that cannot be run or was not found.
     */
    public String describeExit(int code) {
        return ExitDescriptions.describe(code, command.placement(), command.executable());
    }

    /**
     * Stops the driver and waits for it. Closes the socket, which the driver reads as end of
     * file and must exit on. After {@code gracePeriod} sends SIGTERM, after {@link
     * #TERM_TIMEOUT} more sends SIGKILL, and logs a warning for each. Then waits for the output
     * threads, for at most {@link #OUTPUT_DRAIN_TIMEOUT}. The caller sends a yamux GoAway
     * first, if it wants one. Later calls return at once, and a concurrent call waits for the
     * first. An interrupt does not cut the waits short and stays set.
     */
    public void stop(Duration gracePeriod) {
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
        }
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            stopped = true;
            log.debug("stopping driver name={} pid={} gracePeriodMs={}",
                    driverName(), pid(), gracePeriod.toMillis());
            beginStop();
            if (!awaitExit(process, gracePeriod)) {
                terminate(gracePeriod);
                if (!awaitExit(process, TERM_TIMEOUT)) {
                    kill();
                    awaitKilled();
                }
            }
            joinOutputPumps();
            LiveDrivers.unregister(this);
        }
    }

    /** Stops the driver with {@link #DEFAULT_GRACE_PERIOD}. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE_PERIOD);
    }

    @Override
    public String toString() {
        return "DriverProcess[name=" + driverName() + ", pid=" + pid() + "]";
    }

    /**
     * Stops several drivers at once, so the total wait is that of one driver: closes every
     * socket, waits up to {@code gracePeriod} for all, sends SIGTERM to the rest, and so on.
     */
    static void stopAll(List<DriverProcess> drivers, Duration gracePeriod) {
        drivers.forEach(DriverProcess::beginStop);
        awaitAllExit(drivers, gracePeriod);
        drivers.forEach(driver -> driver.terminate(gracePeriod));
        awaitAllExit(drivers, TERM_TIMEOUT);
        drivers.forEach(DriverProcess::kill);
        awaitAllExit(drivers, KILL_TIMEOUT);
        for (DriverProcess driver : drivers) {
            if (driver.process.isAlive()) {
                log.error("driver still running after SIGKILL name={} pid={}",
                        driver.driverName(), driver.pid());
            }
        }
    }

    // Launch steps, in order.

    private static void validate(LaunchCommand command) {
        String name = command.driverName();
        command.checkedExecutable()
                .ifPresent(path -> ExecutableCheck.requireExecutable(name, path));
        if (command.placement() == SocketPlacement.FD3_VIA_SHELL
                && !ExecutableCheck.isExecutableFile(Path.of(SHELL))) {
            throw startFailure(name, "the shell " + SHELL + ", which moves the socket to fd 3,"
                    + " is missing or not executable", null);
        }
        requireRedirectSupport(name);
        try {
            LiveDrivers.ensureShutdownHook();
        } catch (IllegalStateException e) {
            throw startFailure(name, "the JVM is shutting down", e);
        }
    }

    private static void requireRedirectSupport(String name) {
        boolean supported;
        LinkageError loadError = null;
        try {
            supported = AFSocket.supports(AFSocketCapability.CAPABILITY_FD_AS_REDIRECT);
        } catch (LinkageError e) {
            supported = false;
            loadError = e;
        }
        if (!supported) {
            throw startFailure(name, "junixsocket cannot hand a socket to a child process on"
                    + " this platform (os.name=" + System.getProperty("os.name") + ", os.arch="
                    + System.getProperty("os.arch") + "): the capability"
                    + " CAPABILITY_FD_AS_REDIRECT is missing, or junixsocket's native library"
                    + " did not load. Run the client on a platform that junixsocket's native"
                    + " library supports, such as Linux or macOS on x86_64 or aarch64.",
                    loadError);
        }
    }

    private static List<String> argv(LaunchCommand command) {
        if (command.placement() == SocketPlacement.FD0) {
            return command.command();
        }
        List<String> argv = new ArrayList<>(command.command().size() + 3);
        argv.add(SHELL);
        argv.add("-c");
        argv.add(FD3_SHELL_SCRIPT);
        argv.addAll(command.command());
        return argv;
    }

    private static SocketPair openSocketPair(String name) {
        try {
            return SocketPair.open();
        } catch (IOException e) {
            throw startFailure(name, "cannot create the socket pair: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the process with the child's end of {@code pair} as its standard input and
     * releases the parent's copy of that end, whether the start succeeds or not.
     */
    private static Process spawn(LaunchCommand command, List<String> argv, SocketPair pair) {
        String name = command.driverName();
        FileDescriptor childEnd;
        try {
            childEnd = pair.childEnd().getFileDescriptor();
        } catch (IOException e) {
            closeQuietly(pair.childEnd(), name);
            closeQuietly(pair.parentEnd(), name);
            throw startFailure(name, "cannot access the socket pair: " + e.getMessage(), e);
        }
        Process process;
        try {
            Redirect childStdin = FileDescriptorCast.using(childEnd).as(Redirect.class);
            process = new ProcessBuilder(argv).redirectInput(childStdin).start();
        } catch (IOException | RuntimeException e) {
            releaseDescriptor(name, childEnd);
            closeQuietly(pair.parentEnd(), name);
            throw startFailure(name, "failed to run " + command.executable() + ": "
                    + e.getMessage(), e);
        }
        releaseDescriptor(name, childEnd);
        return process;
    }

    /**
     * Closes the parent's copy of the child's end of the socket. Only the raw descriptor is
     * closed, because closing junixsocket's channel object would first call shutdown(), which
     * acts on the socket that the child shares, and the driver would read end of file at once.
     * Closing through {@link FileInputStream} also marks the {@link FileDescriptor} invalid, so
     * junixsocket's cleaner does not shut the socket down later either.
     */
    private static void releaseDescriptor(String name, FileDescriptor descriptor) {
        try {
            new FileInputStream(descriptor).close();
        } catch (IOException e) {
            // Linux frees the descriptor even when close() reports an error.
            log.warn("closing the parent's copy of the driver's socket failed name={} error={}",
                    name, e.toString());
        }
    }

    private void startMonitoring() {
        try {
            stdoutPump.start();
            stderrPump.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            abortStart();
            throw startFailure(driverName(), "cannot start the output threads: " + e, e);
        }
        LiveDrivers.register(this);
        exit.whenComplete(this::onExited);
        log.info("driver started name={} pid={} executable={} placement={}",
                driverName(), pid(), command.executable(), command.placement());
    }

    private void abortStart() {
        process.destroyForcibly();
        awaitExit(process, KILL_TIMEOUT);
        closeQuietly(channel, driverName());
        closeQuietly(process.getInputStream(), driverName());
        closeQuietly(process.getErrorStream(), driverName());
    }

    // Exit and stop steps.

    private CompletableFuture<Void> awaitOutputEnd(CompletableFuture<Void> outputDone) {
        return outputDone.copy()
                .orTimeout(OUTPUT_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    log.warn("driver output still open after the driver exited name={} pid={}"
                            + " waitedMs={}; a process started by the driver may hold it",
                            driverName(), pid(), OUTPUT_DRAIN_TIMEOUT.toMillis());
                    return null;
                });
    }

    private void onExited(Integer code, Throwable error) {
        LiveDrivers.unregister(this);
        if (error != null) {
            log.warn("watching the driver's exit failed name={} pid={} error={}",
                    driverName(), pid(), error.toString());
            return;
        }
        if (stopRequested || code == 0) {
            log.info("driver exited name={} pid={} code={} ({})",
                    driverName(), pid(), code, describeExit(code));
        } else {
            log.warn("driver exited unexpectedly name={} pid={} code={} ({})",
                    driverName(), pid(), code, describeExit(code));
        }
    }

    /** Closes the host's end of the socket, which the driver reads as end of file. */
    private void beginStop() {
        stopRequested = true;
        closeQuietly(channel, driverName());
    }

    private void terminate(Duration waited) {
        if (process.isAlive()) {
            log.warn("driver did not exit within the grace period after its socket closed,"
                    + " sending SIGTERM name={} pid={} gracePeriodMs={}",
                    driverName(), pid(), waited.toMillis());
            process.destroy();
        }
    }

    private void kill() {
        if (process.isAlive()) {
            log.warn("driver did not exit after SIGTERM, sending SIGKILL name={} pid={}"
                    + " waitedMs={}", driverName(), pid(), TERM_TIMEOUT.toMillis());
            process.destroyForcibly();
        }
    }

    private void awaitKilled() {
        if (!awaitExit(process, KILL_TIMEOUT)) {
            log.error("driver still running after SIGKILL name={} pid={} waitedMs={}",
                    driverName(), pid(), KILL_TIMEOUT.toMillis());
        }
    }

    private void joinOutputPumps() {
        long deadline = System.nanoTime() + OUTPUT_DRAIN_TIMEOUT.toNanos();
        boolean interrupted = false;
        boolean ended = true;
        for (OutputPump pump : List.of(stdoutPump, stderrPump)) {
            while (true) {
                try {
                    long remaining = Math.max(0, deadline - System.nanoTime());
                    ended &= pump.join(Duration.ofNanos(remaining));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!ended) {
            // The exit watcher logs a warning for this case too.
            log.debug("output threads still running after stop name={} pid={} waitedMs={}",
                    driverName(), pid(), OUTPUT_DRAIN_TIMEOUT.toMillis());
        }
    }

    private static void awaitAllExit(List<DriverProcess> drivers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (DriverProcess driver : drivers) {
            long remaining = Math.max(0, deadline - System.nanoTime());
            awaitExit(driver.process, Duration.ofNanos(remaining));
        }
    }

    /**
     * Waits up to {@code timeout} for {@code process} to exit and be reaped, and returns whether
     * it did. An interrupt does not end the wait early, and is set again on return.
     */
    private static boolean awaitExit(Process process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    long remaining = Math.max(0, deadline - System.nanoTime());
                    return process.waitFor(remaining, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static DriverStartException startFailure(String name, String reason, Throwable cause) {
        return new DriverStartException(
                name, "driver " + name + " failed to start: " + reason, List.of(), cause);
    }

    private static void closeQuietly(Closeable closeable, String name) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("closing failed name={} resource={} error={}",
                    name, closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
