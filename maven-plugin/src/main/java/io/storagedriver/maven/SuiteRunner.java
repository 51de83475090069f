package io.storagedriver.maven;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.storagedriver.StorageDriverException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.platform.commons.PreconditionViolationException;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the compatibility suite against one driver through the JUnit Platform Launcher, in this
 * JVM, and writes Surefire-style reports. Has no Maven types, so it can be tested and reused on
 * its own.
 *
 * <p>It deletes the reports of an earlier run, checks the request and selects the checks. Then it
 * starts the driver once, so that a missing, failing or incompatible driver is one clear error
 * instead of a failure per check. It runs the selected checks, writes one {@code TEST-<suite
 * class>.xml} per suite class, and logs the summary. The output of every driver it and the suite
 * start goes to {@value #DRIVER_LOG}.
 */
final class SuiteRunner {
    static final String DRIVER_LOG = "driver.log";
    private static final String JUPITER_ENGINE = "junit-jupiter";
    /**
     * Lets one suite run at a time in this JVM, such as in a parallel Maven build, because JUnit's
     * output capture replaces {@code System.out} and {@code System.err} for the whole JVM.
     */
    private static final ReentrantLock EXECUTION_LOCK = new ReentrantLock();

    private final RunLog log;

    SuiteRunner(RunLog log) {
        this.log = log;
    }

    /**
     * Runs the checks that {@code request} selects. First deletes the reports of an earlier run,
     * so that none are left when this run cannot start.
     *
     * @return the results, including failed checks, which do not raise
     * @throws CannotRunException when the request is invalid, no check matches it, or the driver
     *     is missing, does not start, is incompatible or rejects its parameters
     */
    SuiteResult run(SuiteRequest request) throws CannotRunException {
        deletePreviousReports(request.reportsDirectory());
        Map<String, String> configuration = DriverSettings.configurationParameters(request);
        String driver = DriverSettings.describe(request);
        if (request.mainClass() != null && !request.mainClass().isBlank()) {
            MainClassCheck.check(request.mainClass().strip(), request.classpath());
        }
        Path driverLogPath = request.reportsDirectory().resolve(DRIVER_LOG);
        ConsoleReport console = new ConsoleReport(log, driver, request.callTimeout());
        ResultCollector collector = new ResultCollector(console::suiteClassStarted,
                console::suiteClassFinished);

        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // The suite, the engine and their services come from the class loader of this plugin.
        Thread.currentThread().setContextClassLoader(SuiteRunner.class.getClassLoader());
        try (LauncherSession session = LauncherFactory.openSession()) {
            Launcher launcher = session.getLauncher();
            TestPlan plan = discover(launcher, discoveryRequest(request, configuration));
            if (!plan.containsTests()) {
                throw new CannotRunException("No check matches the selection " + selection(request)
                        + ". Check ids look like content.empty-round-trip, and tags include large,"
                        + " concurrency and benchmark.");
            }
            try (DriverLogFile driverLog = DriverLogFile.create(driverLogPath, log)) {
                checkDriverStarts(request, driver, driverLog);
                log.info("Running the compatibility suite against "
                        + DriverSettings.theDriver(driver));
                EXECUTION_LOCK.lock();
                try {
                    launcher.execute(plan, collector);
                } finally {
                    EXECUTION_LOCK.unlock();
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }

        List<CheckResult> checks = collector.results();
        SuiteResult result = new SuiteResult(checks, request.reportsDirectory(), driverLogPath);
        writeReports(result);
        console.finished(result, request.rerunCommand());
        Optional<StorageDriverException> startFailure = startFailure(checks);
        if (startFailure.isPresent()) {
            throw new CannotRunException(StartFailures.describe(startFailure.get(), driver,
                    request.startTimeout()) + "\nReports: " + request.reportsDirectory(),
                    startFailure.get());
        }
        return result;
    }

    /**
     * Deletes the {@code TEST-*.xml} reports and the {@value #DRIVER_LOG} of an earlier run from
     * {@code directory}, and nothing else, so that a run that fails early leaves no report that
     * looks current.
     *
     * @throws CannotRunException when a file cannot be deleted
     */
    static void deletePreviousReports(Path directory) throws CannotRunException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> reports = Files.newDirectoryStream(directory,
                "{TEST-*.xml," + DRIVER_LOG + "}")) {
            for (Path report : reports) {
                Files.deleteIfExists(report);
            }
        } catch (IOException e) {
            throw new CannotRunException("Failed to delete the reports of the previous run from "
                    + directory + ": " + e, e);
        }
    }

    private static LauncherDiscoveryRequest discoveryRequest(SuiteRequest request,
            Map<String, String> configuration) throws CannotRunException {
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request()
                .configurationParameters(configuration)
                .filters(EngineFilter.includeEngines(JUPITER_ENGINE))
                .filters(new CheckIdFilter(request.includes(), request.excludes()));
        for (Class<?> suiteClass : request.suiteClasses()) {
            builder.selectors(selectClass(suiteClass));
        }
        try {
            if (request.groups() != null && !request.groups().isBlank()) {
                builder.filters(TagFilter.includeTags(request.groups().strip()));
            }
            if (request.excludedGroups() != null && !request.excludedGroups().isBlank()) {
                builder.filters(TagFilter.excludeTags(request.excludedGroups().strip()));
            }
        } catch (PreconditionViolationException e) {
            throw new CannotRunException("Invalid tag expression in storagedriver.groups or"
                    + " storagedriver.excludedGroups: " + e.getMessage(), e);
        }
        return builder.build();
    }

    private static TestPlan discover(Launcher launcher, LauncherDiscoveryRequest discovery)
            throws CannotRunException {
        try {
            return launcher.discover(discovery);
        } catch (PreconditionViolationException e) {
            throw new CannotRunException("Invalid check selection: " + e.getMessage(), e);
        }
    }

    /**
     * Starts and stops the driver once, so that a driver that cannot run fails the goal early.
     * Its output goes to the driver log.
     */
    private void checkDriverStarts(SuiteRequest request, String driver, DriverLogFile driverLog)
            throws CannotRunException {
        String subject = DriverSettings.theDriver(driver);
        log.info("Starting " + subject + " to check its configuration");
        driverLog.note("starting " + subject + " to check its configuration");
        try (TemporaryDirectory tempDirectory = new TemporaryDirectory(log)) {
            DriverOptions options;
            try {
                options = DriverSettings.options(request, tempDirectory::get)
                        .outputListener(driverLog)
                        .build();
            } catch (UncheckedIOException e) {
                throw new CannotRunException(e.getMessage() + ": " + e.getCause(), e);
            }
            DriverClient client;
            try {
                client = DriverClient.start(options);
            } catch (StorageDriverException e) {
                driverLog.note(subject + " did not start");
                throw new CannotRunException(StartFailures.describe(e, driver,
                        request.startTimeout()), e);
            }
            driverLog.note(subject + " started, pid " + client.pid());
            try {
                log.info("Driver " + client.name() + " started: API version "
                        + client.apiVersion() + ", " + client.operations().size()
                        + " operations");
            } finally {
                client.close();
                driverLog.note(subject + ", pid " + client.pid() + ", stopped");
            }
        }
    }

    private void writeReports(SuiteResult result) throws CannotRunException {
        Map<String, List<CheckResult>> bySuiteClass = new LinkedHashMap<>();
        for (CheckResult check : result.checks()) {
            bySuiteClass.computeIfAbsent(check.suiteClass(), key -> new ArrayList<>()).add(check);
        }
        Path directory = result.reportsDirectory();
        Instant now = Instant.now();
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, List<CheckResult>> entry : bySuiteClass.entrySet()) {
                SurefireXmlWriter.write(directory, entry.getKey(), entry.getValue(), now);
            }
        } catch (IOException e) {
            throw new CannotRunException("Failed to write the reports to " + directory + ": " + e,
                    e);
        }
    }

    /** Returns a start failure of a whole suite class, which means the suite could not run. */
    private static Optional<StorageDriverException> startFailure(List<CheckResult> checks) {
        for (CheckResult check : checks) {
            if (check.checkId().isEmpty() && check.failedOrError()) {
                Optional<StorageDriverException> found =
                        StartFailures.find(check.failure().cause());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static String selection(SuiteRequest request) {
        return "includes=" + request.includes() + ", excludes=" + request.excludes()
                + ", groups=" + orNone(request.groups()) + ", excludedGroups="
                + orNone(request.excludedGroups());
    }

    private static String orNone(String value) {
        return value == null || value.isBlank() ? "(none)" : value;
    }
}
