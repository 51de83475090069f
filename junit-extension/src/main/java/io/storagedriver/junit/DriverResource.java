package io.storagedriver.junit;

import io.storagedriver.client.DriverClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running driver owned by an {@link ExtensionContext.Store}: closing the store stops the
 * process, clears the fields that hold the client and deletes the driver's temporary directory.
 *
 * <p>It implements both {@link AutoCloseable}, which JUnit 5.13 and later close, and the
 * deprecated {@link ExtensionContext.Store.CloseableResource}, which earlier 5.x versions close.
 * JUnit closes a value that implements both only once, and {@link #close()} is idempotent anyway.
 */
@SuppressWarnings("deprecation")
final class DriverResource implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    private static final Logger LOG = LoggerFactory.getLogger(DriverResource.class);

    /**
     * The first test that found the driver no longer running.
     *
     * @param testId the unique id of the test's extension context
     * @param test the test as named in messages: its check id, or its class and method
     * @param exitCode the driver's exit code, or empty when it is not known
     * @param closedByTest whether the test closed the client rather than the driver exiting
     */
    record Exit(String testId, String test, OptionalInt exitCode, boolean closedByTest) {}

    private final DriverSpec spec;
    private final DriverClient client;
    private final Optional<Path> tempDirectory;
    private final DriverOutputLog outputLog;
    private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean announced = new AtomicBoolean();
    private final AtomicReference<Exit> exit = new AtomicReference<>();

    private DriverResource(DriverSpec spec, DriverClient client, Optional<Path> tempDirectory,
            DriverOutputLog outputLog) {
        this.spec = spec;
        this.client = client;
        this.tempDirectory = tempDirectory;
        this.outputLog = outputLog;
    }

    /**
     * Resolves the parameters, creating the temporary directory on first use of {@code
     * ${tempdir}}, and starts the driver. Deletes the directory again when the start fails.
     *
     * @param outputLog the file to append the driver's output to, if any
     * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException when a placeholder
     *     cannot be resolved or the driver cannot be started, naming the driver and the remedy
     */
    static DriverResource start(DriverSpec spec, Optional<Path> outputLog) {
        TempDirectory tempDirectory = new TempDirectory(spec.id());
        DriverOutputLog log = DriverOutputLog.open(outputLog);
        try {
            Map<String, String> parameters =
                    Placeholders.resolve(spec.parameters(), tempDirectory::get,
                            spec.parametersOrigin());
            log.note("starting the " + spec.describe() + " from " + spec.origin());
            DriverClient client = StartFailures.start(spec, spec.toOptions(parameters, log));
            log.note("the " + spec.describe() + " started, pid " + client.pid());
            LOG.debug("driver started id=\"{}\" source={} pid={}",
                    spec.id(), spec.source().describe(), client.pid());
            return new DriverResource(spec, client, tempDirectory.created(), log);
        } catch (RuntimeException | Error e) {
            log.note("the " + spec.describe() + " did not start");
            log.close();
            tempDirectory.created().ifPresent(DriverResource::deleteQuietly);
            throw e;
        }
    }

    DriverSpec spec() {
        return spec;
    }

    DriverClient client() {
        return client;
    }

    /** Returns the directory that {@code ${tempdir}} stands for, if the parameters use it. */
    Optional<Path> tempDirectory() {
        return tempDirectory;
    }

    /** Returns true exactly once, for the caller that announces the new driver. */
    boolean markAnnounced() {
        return announced.compareAndSet(false, true);
    }

    /** Returns the first test that found the driver no longer running, if one did. */
    Optional<Exit> exit() {
        return Optional.ofNullable(exit.get());
    }

    /**
     * Records that a test found the driver no longer running, unless an earlier test did, and
     * notes it in the output log.
     *
     * @return the exit that was recorded first, which is the given one only for the first test
     */
    Exit recordExit(Exit seen) {
        if (exit.compareAndSet(null, seen)) {
            outputLog.note("the " + spec.describe() + ", pid " + client.pid() + ", "
                    + describe(seen));
        }
        return exit.get();
    }

    /** Returns the reason for not running a test after the driver exited. */
    String abortReason(Exit recorded) {
        return "driver " + client.name() + " " + describe(recorded) + "; not run";
    }

    private static String describe(Exit exit) {
        if (exit.closedByTest()) {
            return "was closed by " + exit.test();
        }
        String code = exit.exitCode().isPresent()
                ? "exit code " + exit.exitCode().getAsInt() : "exit code unknown";
        return "exited (" + code + ") during " + exit.test();
    }

    /** Registers an action that runs first when the driver stops, such as clearing a field. */
    void onClose(Runnable action) {
        closeActions.add(action);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Runnable action : closeActions) {
                action.run();
            }
        } finally {
            try {
                client.close();
                LOG.debug("driver stopped id=\"{}\" source={} pid={}",
                        spec.id(), spec.source().describe(), client.pid());
                outputLog.note("the " + spec.describe() + ", pid " + client.pid() + ", stopped");
            } finally {
                outputLog.close();
                tempDirectory.ifPresent(DriverResource::deleteQuietly);
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            deleteTree(directory);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("temporary directory of a driver not deleted path={}", directory, e);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                    throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                    throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The directory behind {@code ${tempdir}}, created on first use and then reused. */
    private static final class TempDirectory {
        private final String id;
        private Path directory;

        TempDirectory(String id) {
            this.id = id;
        }

        Path get() {
            if (directory == null) {
                try {
                    String prefix = "storagedriver-" + (id.isEmpty() ? "" : id.replaceAll(
                            "[^A-Za-z0-9_.-]", "_") + "-");
                    directory = Files.createTempDirectory(prefix);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot create the temporary directory for ${tempdir}", e);
                }
            }
            return directory;
        }

        Optional<Path> created() {
            return Optional.ofNullable(directory);
        }
    }
}
