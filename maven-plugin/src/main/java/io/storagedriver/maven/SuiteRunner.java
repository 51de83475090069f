package io.storagedriver.maven;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.storagedriver.DriverStartException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import java.io.IOException;
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
 * <p>It checks the request and selects the checks. Then it starts the driver once, so that a
 * missing, failing or incompatible driver is one clear error instead of a failure per check. It
 * runs the selected checks, writes one {@code TEST-<suite class>.xml} per suite class and the
 * driver's log, and logs the summary.
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
     * Runs the checks that {@code request} selects.
     *
     * @return the results, including failed checks, which do not raise
     * @throws CannotRunException when the request is invalid, no check matches it, or the driver
     *     is missing, does not start, is incompatible or rejects its parameters
     */
    SuiteResult run(SuiteRequest request) throws CannotRunException {
        DriverOptions options = DriverSettings.options(request);
        Map<String, String> configuration = DriverSettings.configurationParameters(request);
        String driver = DriverSettings.describe(request);
        if (request.mainClass() != null && !request.mainClass().isBlank()) {
            MainClassCheck.check(request.mainClass().strip(), request.classpath());
        }
        DriverLogFile driverLog = new DriverLogFile(request.reportsDirectory().resolve(DRIVER_LOG));
        ConsoleReport console = new ConsoleReport(log, driver);
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
            checkDriverStarts(options, driver, driverLog);
            log.info("Running the compatibility suite against " + driver);
            EXECUTION_LOCK.lock();
            try {
                launcher.execute(plan, collector);
            } finally {
                EXECUTION_LOCK.unlock();
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }

        List<CheckResult> checks = collector.results();
        SuiteResult result = new SuiteResult(checks, request.reportsDirectory(),
                driverLog.path());
        writeReports(result, driverLog);
        console.finished(result, request.rerunCommand());
        Optional<StorageDriverException> startFailure = startFailure(checks);
        if (startFailure.isPresent()) {
            throw new CannotRunException(StartFailures.describe(startFailure.get(), driver)
                    + "\nReports: " + request.reportsDirectory(), startFailure.get());
        }
        return result;
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

    /** Starts and stops the driver once, so that a driver that cannot run fails the goal early. */
    private void checkDriverStarts(DriverOptions options, String driver, DriverLogFile driverLog)
            throws CannotRunException {
        log.info("Starting " + driver + " to check its configuration");
        DriverClient client;
        try {
            client = DriverClient.start(options);
        } catch (StorageDriverException e) {
            if (e instanceof DriverStartException start) {
                driverLog.section("standard error of the driver that failed to start",
                        start.stderrTail());
            }
            driverLog.writeQuietly(log);
            throw new CannotRunException(StartFailures.describe(e, driver), e);
        }
        try {
            log.info("Driver " + client.name() + " started: API version " + client.apiVersion()
                    + ", " + client.operations().size() + " operations");
        } finally {
            client.close();
            driverLog.section("standard error of the driver started to check the configuration",
                    client.stderrTail());
        }
    }

    private void writeReports(SuiteResult result, DriverLogFile driverLog)
            throws CannotRunException {
        Map<String, List<CheckResult>> bySuiteClass = new LinkedHashMap<>();
        for (CheckResult check : result.checks()) {
            bySuiteClass.computeIfAbsent(check.suiteClass(), key -> new ArrayList<>()).add(check);
            driverLog.addFailure(check);
        }
        Path directory = result.reportsDirectory();
        Instant now = Instant.now();
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, List<CheckResult>> entry : bySuiteClass.entrySet()) {
                SurefireXmlWriter.write(directory, entry.getKey(), entry.getValue(), now);
            }
            driverLog.write();
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
