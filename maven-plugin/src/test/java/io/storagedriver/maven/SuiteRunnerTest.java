package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.junit.suite.ContentChecks;
import io.storagedriver.junit.suite.DeleteChecks;
import io.storagedriver.junit.suite.StreamChecks;
import io.storagedriver.maven.fixtures.ConfigurationEchoFixture;
import io.storagedriver.maven.fixtures.FailingChecksFixture;
import io.storagedriver.maven.fixtures.FixtureDriver;
import io.storagedriver.maven.fixtures.ParameterEchoFixture;
import io.storagedriver.maven.fixtures.PassingChecksFixture;
import io.storagedriver.maven.fixtures.RepeatedFailureFixture;
import io.storagedriver.maven.fixtures.SlowCheckFixture;
import io.storagedriver.maven.fixtures.StartFailingFixture;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * Runs fixture suites through the real launcher. The fixtures ignore the driver, but the runner
 * still starts it once, so these tests use the bundled {@code inmemory} driver.
 */
class SuiteRunnerTest {
    private static final String PASSING = PassingChecksFixture.class.getName();
    private static final String FAILING = FailingChecksFixture.class.getName();

    @TempDir
    Path reports;

    private final List<String> logLines = new ArrayList<>();
    private final RunLog log = new RunLog() {
        @Override
        public void info(String line) {
            logLines.add("[INFO] " + line);
        }

        @Override
        public void warn(String line) {
            logLines.add("[WARNING] " + line);
        }

        @Override
        public void error(String line) {
            logLines.add("[ERROR] " + line);
        }
    };

    @Test
    void passingSuiteWritesReports() throws Exception {
        SuiteResult result = run(inMemory(PassingChecksFixture.class));

        assertEquals(2, result.total());
        assertTrue(result.failed().isEmpty());
        assertEquals("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0", result.countLine());
        Element suite = parseReport(PASSING);
        assertEquals("2", suite.getAttribute("tests"));
        assertTrue(Files.isRegularFile(reports.resolve(SuiteRunner.DRIVER_LOG)));
        assertTrue(logLines.contains("[INFO] Running " + PASSING), logLines.toString());
        assertTrue(lastLines(2).get(0).startsWith("[INFO] Tests run: 2, Failures: 0"),
                logLines.toString());
    }

    @Test
    void failuresErrorsAndSkipsAreCounted() throws Exception {
        SuiteResult result = run(inMemory(FailingChecksFixture.class));

        assertEquals("Tests run: 6, Failures: 1, Errors: 1, Skipped: 1", result.countLine());
        assertEquals(Set.of("fixture.fail-assert", "fixture.fail-error"),
                Set.copyOf(result.failed().stream().map(CheckResult::checkId).toList()));
        Element suite = parseReport(FAILING);
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("1", suite.getAttribute("skipped"));
        assertTrue(logLines.contains("[ERROR]   fixture.fail-assert: expected <b>&amp;</b>\u0007"),
                logLines.toString());
        assertTrue(logLines.contains("[ERROR]   fixture.fail-error: broken state"),
                logLines.toString());
    }

    @Test
    void logEndsWithRerunCommand() throws Exception {
        run(inMemory(FailingChecksFixture.class));

        List<String> last = lastLines(3);
        assertEquals("[ERROR] Tests run: 6, Failures: 1, Errors: 1, Skipped: 1", last.get(0));
        assertTrue(last.get(1).startsWith("[INFO] Reports: " + reports), last.get(1));
        assertTrue(last.get(2).matches("\\[INFO] Rerun one failed check: mvn storagedriver:verify"
                + " -Dstoragedriver.check=fixture\\.fail-(assert|error)"), last.get(2));
    }

    @Test
    void dynamicTestsInheritTheirCheckId() throws Exception {
        SuiteResult result = run(inMemory(FailingChecksFixture.class));

        List<CheckResult> sizes = result.checks().stream()
                .filter(check -> check.checkId().equals("fixture.sizes"))
                .toList();
        assertEquals(List.of("[1] size=0", "[2] size=1"),
                sizes.stream().map(CheckResult::displayName).toList());
        assertEquals(List.of("fixture.sizes: [1] size=0", "fixture.sizes: [2] size=1"),
                sizes.stream().map(CheckResult::name).toList());
    }

    @Test
    void capturedOutputGoesToSystemOut() throws Exception {
        SuiteResult result = run(inMemory(FailingChecksFixture.class));

        CheckResult prints = result.checks().stream()
                .filter(check -> check.checkId().equals("fixture.prints"))
                .findFirst()
                .orElseThrow();
        assertTrue(prints.output().contains("hello <out>"), prints.output());
        String xml = Files.readString(reports.resolve("TEST-" + FAILING + ".xml"));
        assertTrue(xml.contains("hello &lt;out&gt;"), xml);
    }

    @Test
    void includesAndExcludesSelectById() throws Exception {
        SuiteResult included = run(inMemory(PassingChecksFixture.class, FailingChecksFixture.class)
                .includes(List.of("fixture.pass-*", "fixture.fail-*"))
                .excludes(List.of("fixture.fail-error")));

        assertEquals(Set.of("fixture.pass-one", "fixture.fail-assert"), ids(included));
    }

    @Test
    void tagExpressionsSelectByTag() throws Exception {
        SuiteResult onlyLarge = run(inMemory(PassingChecksFixture.class).groups("large"));
        assertEquals(Set.of("fixture.large-one"), ids(onlyLarge));

        SuiteResult withoutLarge = run(inMemory(PassingChecksFixture.class)
                .excludedGroups("large | benchmark"));
        assertEquals(Set.of("fixture.pass-one"), ids(withoutLarge));
    }

    @Test
    void selectionMatchingNothingCannotRun() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class).includes(List.of("nothing.*"))));

        assertTrue(e.getMessage().startsWith("No check matches the selection includes=[nothing.*]"),
                e.getMessage());
    }

    @Test
    void invalidTagExpressionCannotRun() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class).groups("large &")));

        assertTrue(e.getMessage().startsWith("Invalid tag expression"), e.getMessage());
    }

    @Test
    void timeoutFailsSlowCheck() throws Exception {
        SuiteResult result = run(inMemory(SlowCheckFixture.class).timeout(Duration.ofSeconds(1)));

        assertEquals(1, result.failed().size());
        CheckResult slow = result.failed().get(0);
        assertTrue(slow.failure().message().contains("timed out"), slow.failure().message());
        assertTrue(slow.time().compareTo(Duration.ofSeconds(5)) < 0, slow.time().toString());
    }

    @Test
    void configurationReachesTheSuite() throws Exception {
        SuiteResult result = run(inMemory(ConfigurationEchoFixture.class)
                .parameters(Map.of("color", "blue"))
                .rootPrefix("/ci")
                .timeout(Duration.ofSeconds(30))
                .startTimeout(Duration.ofSeconds(45))
                .callTimeout(Duration.ofSeconds(7)));

        String output = result.checks().get(0).output();
        assertTrue(output.contains("storagedriver.name = inmemory"), output);
        assertTrue(output.contains("storagedriver.parameters = color=blue"), output);
        assertTrue(output.contains("storagedriver.rootPrefix = /ci"), output);
        assertTrue(output.contains("junit.jupiter.execution.timeout.default = 30 s"), output);
        assertTrue(output.contains("storagedriver.startTimeout = 45"), output);
        assertTrue(output.contains("storagedriver.callTimeout = 7"), output);
        assertTrue(output.contains("storagedriver.outputLog = "
                + reports.resolve(SuiteRunner.DRIVER_LOG).toAbsolutePath()), output);
        assertFalse(output.contains("storagedriver.mainClass"), output);
    }

    @Test
    void defaultTimeoutsReachTheSuite() throws Exception {
        SuiteResult result = run(inMemory(ConfigurationEchoFixture.class));

        String output = result.checks().get(0).output();
        assertTrue(output.contains("storagedriver.startTimeout = 30"), output);
        assertTrue(output.contains("storagedriver.callTimeout = 0"), output);
    }

    @Test
    void silentHangingDriverSaysSoOnce(@TempDir Path bin) throws Exception {
        Path hanging = bin.resolve("registry-storagedriver-silent");
        Files.writeString(hanging, "#!/bin/sh\nexec sleep 60\n");
        hanging.toFile().setExecutable(true);
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(SuiteRequest.builder(reports, List.of(PassingChecksFixture.class))
                        .executable(hanging)
                        .startTimeout(Duration.ofSeconds(1))));

        String message = e.getMessage();
        int first = message.indexOf("wrote nothing to its standard error");
        assertTrue(first >= 0, message);
        assertEquals(-1, message.indexOf("wrote nothing to its standard error", first + 1),
                message);
    }

    @Test
    void startTimeoutStopsHangingDriver(@TempDir Path bin) throws Exception {
        Path hanging = bin.resolve("registry-storagedriver-hanging");
        Files.writeString(hanging, "#!/bin/sh\necho hanging driver waits >&2\nexec sleep 60\n");
        hanging.toFile().setExecutable(true);
        long started = System.nanoTime();
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(SuiteRequest.builder(reports, List.of(PassingChecksFixture.class))
                        .executable(hanging)
                        .startTimeout(Duration.ofSeconds(1))));

        assertTrue(e.getMessage().startsWith("The driver (executable " + hanging
                + ") failed to start"), e.getMessage());
        assertTrue(e.getMessage().contains("within 1000 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("The start timeout is 1 second; raise it with the"
                + " goal's startTimeout parameter (property storagedriver.startTimeout)."),
                e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 20,
                "the start took the default timeout");
        String driverLog = Files.readString(reports.resolve(SuiteRunner.DRIVER_LOG));
        assertTrue(driverLog.contains("[stderr] hanging driver waits"), driverLog);
    }

    @Test
    void invalidTimeoutsCannotRun() {
        CannotRunException start = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class).startTimeout(Duration.ZERO)));
        assertTrue(start.getMessage().startsWith("storagedriver.startTimeout must be a positive"),
                start.getMessage());

        CannotRunException call = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class)
                        .callTimeout(Duration.ofSeconds(-1))));
        assertTrue(call.getMessage().startsWith("storagedriver.callTimeout must be 0"),
                call.getMessage());
    }

    @Test
    void invalidRootPrefixCannotRun() throws Exception {
        for (String rootPrefix : List.of("relative", "/", "/ci/")) {
            CannotRunException e = assertThrows(CannotRunException.class,
                    () -> run(inMemory(ContentChecks.class).rootPrefix(rootPrefix)));

            assertTrue(e.getMessage().startsWith("storagedriver.rootPrefix is \"" + rootPrefix
                    + "\", which is not a valid storage path: "), e.getMessage());
            assertTrue(e.getMessage().contains("Use an absolute path below the root"),
                    e.getMessage());
            assertFalse(Files.exists(reports.resolve("TEST-" + ContentChecks.class.getName()
                    + ".xml")), rootPrefix);
        }
    }

    @Test
    void driverLogHoldsOutputOfEveryDriver() throws Exception {
        run(SuiteRequest.builder(reports, List.of(ParameterEchoFixture.class))
                .mainClass(FixtureDriver.class.getName(), fixtureDriverClasspath()));

        List<String> lines = Files.readAllLines(reports.resolve(SuiteRunner.DRIVER_LOG));
        String checked = "the driver (main class " + FixtureDriver.class.getName() + ")";
        String suite = "the storage driver (mainClass = \"" + FixtureDriver.class.getName()
                + "\")";
        assertEquals("# starting " + checked + " to check its configuration", lines.get(0));
        int checkStopped = indexOf(lines, "# \\Q" + checked + "\\E, pid \\d+, stopped");
        int suiteStarting = indexOf(lines, "# starting \\Q" + suite + "\\E from the"
                + " configuration parameter storagedriver.mainClass");
        int suiteStopped = indexOf(lines, "# \\Q" + suite + "\\E, pid \\d+, stopped");
        assertTrue(checkStopped > 0, lines.toString());
        assertTrue(suiteStarting > checkStopped, lines.toString());
        assertTrue(suiteStopped > suiteStarting, lines.toString());
        assertEquals(2, lines.stream()
                .filter(line -> line.equals("[stderr] fixture driver started")).count(),
                lines.toString());
    }

    @Test
    void parametersReachDriverUnchanged() throws Exception {
        Map<String, String> parameters = ParameterValues.resolve(
                Map.of("token", "env:TOKEN", "root", "${tempdir}/blobs"),
                name -> "a${tempdir}b$${c}", name -> null);
        SuiteResult result = run(SuiteRequest.builder(reports, List.of(ParameterEchoFixture.class))
                .mainClass(FixtureDriver.class.getName(), fixtureDriverClasspath())
                .parameters(parameters));

        assertEquals(List.of(), result.failed(), logLines.toString());
        String output = result.checks().get(0).output();
        assertTrue(output.contains("parameter token = a${tempdir}b$${c}\n"), output);
        assertTrue(output.matches("(?s).*parameter root = /\\S*/blobs\n.*"), output);
        assertFalse(output.contains("parameter root = ${tempdir}"), output);
    }

    @Test
    void previousReportsDeletedBeforeConfigurationError() throws Exception {
        Files.writeString(reports.resolve("TEST-io.example.OldChecks.xml"), "<testsuite/>");
        Files.writeString(reports.resolve(SuiteRunner.DRIVER_LOG), "old log");
        Files.writeString(reports.resolve("notes.txt"), "kept");

        assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class).executable(Path.of("/bin/true"))));

        assertFalse(Files.exists(reports.resolve("TEST-io.example.OldChecks.xml")));
        assertFalse(Files.exists(reports.resolve(SuiteRunner.DRIVER_LOG)));
        assertTrue(Files.exists(reports.resolve("notes.txt")));
    }

    @Test
    void repeatedFailuresListCheckOnce() throws Exception {
        SuiteResult result = run(inMemory(RepeatedFailureFixture.class));

        assertEquals("1 storage driver check failed: fixture.repeated (3 of 3 tests). See the"
                + " reports in " + reports, result.failureMessage());
        assertEquals(1, logLines.stream().filter(line -> line.startsWith("[ERROR]   ")).count(),
                logLines.toString());
        assertTrue(logLines.contains("[ERROR]   fixture.repeated: size 1 failed (3 tests)"),
                logLines.toString());
    }

    @Test
    void driverExitSkipsLaterChecks() throws Exception {
        SuiteResult result = run(SuiteRequest.builder(reports,
                        List.of(ContentChecks.class, StreamChecks.class, DeleteChecks.class))
                .mainClass(FixtureDriver.class.getName(), fixtureDriverClasspath())
                .parameters(Map.of("exitoncall", "40"))
                .excludedGroups("large"));

        List<String> failed = SuiteResult.distinctLabels(result.failed());
        assertEquals(1, failed.size(), logLines.toString());
        String crashed = failed.get(0);
        assertEquals(1, result.failed().size(), logLines.toString());
        String reason = "driver " + FixtureDriver.NAME + " exited (exit code "
                + FixtureDriver.EXIT_STATUS + ") during " + crashed + "; not run";
        List<CheckResult> skipped = result.checks().stream()
                .filter(check -> check.status() == CheckResult.Status.SKIPPED).toList();
        assertTrue(skipped.size() > 10, "skipped checks: " + skipped.size());
        for (CheckResult check : skipped) {
            assertEquals(reason, check.failure().message(), check.name());
        }
        assertTrue(logLines.contains("[WARNING] " + skipped.size() + " tests skipped: " + reason),
                logLines.toString());
        assertTrue(result.failureMessage().startsWith("1 storage driver check failed: " + crashed
                + " (1 of "), result.failureMessage());
        String driverLog = Files.readString(reports.resolve(SuiteRunner.DRIVER_LOG));
        assertTrue(driverLog.contains("[stderr] fixture driver exits on call 40\n"), driverLog);
        assertEquals(1, driverLog.lines()
                .filter(line -> line.endsWith("exited (exit code " + FixtureDriver.EXIT_STATUS
                        + ") during " + crashed)).count(), driverLog);
    }

    @Test
    void driverExitShowsStderrInSummary() throws Exception {
        run(SuiteRequest.builder(reports, List.of(ContentChecks.class))
                .mainClass(FixtureDriver.class.getName(), fixtureDriverClasspath())
                .parameters(Map.of("exitoncall", "2"))
                .includes(List.of("content.empty-round-trip")));

        int summary = indexOf(logLines, "\\[ERROR\\]   content\\.empty-round-trip: .*exited.*");
        assertTrue(summary >= 0, logLines.toString());
        assertTrue(logLines.get(summary).endsWith("last lines of its standard error:"),
                logLines.get(summary));
        // The driver's stderr also has logging lines, so only the order of these two is fixed.
        int started = logLines.indexOf("[ERROR]       fixture driver started");
        int exits = logLines.indexOf("[ERROR]       fixture driver exits on call 2");
        assertTrue(summary < started, logLines.toString());
        assertTrue(started < exits, logLines.toString());
        for (String line : logLines.subList(summary + 1, exits)) {
            assertTrue(line.startsWith("[ERROR]       "), line);
        }
    }

    @Test
    void timeoutNamesTheRunningCall() throws Exception {
        SuiteResult result = run(SuiteRequest.builder(reports, List.of(ContentChecks.class))
                .mainClass(FixtureDriver.class.getName(), fixtureDriverClasspath())
                .parameters(Map.of("hangoncall", "2"))
                .includes(List.of("content.empty-round-trip"))
                .timeout(Duration.ofSeconds(2)));

        assertEquals(1, result.failed().size(), logLines.toString());
        String line = logLines.stream()
                .filter(text -> text.startsWith("[ERROR]   content.empty-round-trip: "))
                .findFirst().orElseThrow(() -> new AssertionError(logLines.toString()));
        assertTrue(line.contains("emptyContentRoundTrips() timed out after 2 seconds during the"
                + " driver call GetContent /"), line);
        assertTrue(line.endsWith("set storagedriver.callTimeout (now no limit)."), line);
    }

    @Test
    void mainClassDriverGetsClasspath() throws Exception {
        List<Path> classpath = driverClasspath();
        SuiteResult result = run(SuiteRequest.builder(reports,
                        List.of(ConfigurationEchoFixture.class))
                .mainClass("io.storagedriver.drivers.InMemoryDriver", classpath));

        String output = result.checks().get(0).output();
        assertTrue(output.contains("storagedriver.mainClass = io.storagedriver.drivers"
                + ".InMemoryDriver"), output);
        assertTrue(output.contains("storagedriver.classpath = " + classpath.get(0)), output);
    }

    @Test
    void mainClassMissingFromClasspathCannotRun() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(SuiteRequest.builder(reports, List.of(PassingChecksFixture.class))
                        .mainClass("com.example.NoSuchDriver", List.of(reports))));

        assertTrue(e.getMessage().startsWith("Driver main class com.example.NoSuchDriver was not"
                + " found on the classpath"), e.getMessage());
    }

    @Test
    void missingDriverSaysWhereItLooked() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(SuiteRequest.builder(reports, List.of(PassingChecksFixture.class))
                        .name("no-such-driver")
                        .driversDirectory(reports.resolve("drivers"))));

        assertTrue(e.getMessage().startsWith("Storage driver not found (driver name"
                + " 'no-such-driver')"), e.getMessage());
        assertTrue(e.getMessage().contains(reports.resolve("drivers")
                .resolve("registry-storagedriver-no-such-driver").toString()), e.getMessage());
    }

    @Test
    void twoDriversCannotRun() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class).executable(Path.of("/bin/true"))));

        assertTrue(e.getMessage().startsWith("Configure exactly one driver"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Set are: [name, executable]."), e.getMessage());
    }

    @Test
    void startFailureOfSuiteClassCannotRun() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(inMemory(StartFailingFixture.class)));

        assertTrue(e.getMessage().startsWith("Storage driver not found (driver name 'inmemory'):"
                + " driver ghost not found"), e.getMessage());
        assertTrue(Files.isRegularFile(reports.resolve("TEST-"
                + StartFailingFixture.class.getName() + ".xml")));
    }

    @Test
    void commaInParameterValueRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> run(inMemory(PassingChecksFixture.class)
                        .parameters(Map.of("token", "a,secret"))));

        assertTrue(e.getMessage().contains("'token'"), e.getMessage());
        assertFalse(e.getMessage().contains("a,secret"), e.getMessage());
    }

    /** Returns the index of the first line that matches {@code regex}, or -1. */
    private static int indexOf(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(regex)) {
                return i;
            }
        }
        return -1;
    }

    private SuiteRequest.Builder inMemory(Class<?>... suiteClasses) {
        return SuiteRequest.builder(reports, List.of(suiteClasses)).name("inmemory");
    }

    private SuiteResult run(SuiteRequest.Builder request) throws CannotRunException {
        return new SuiteRunner(log).run(request.build());
    }

    private static Set<String> ids(SuiteResult result) {
        Set<String> ids = new LinkedHashSet<>();
        result.checks().forEach(check -> ids.add(check.checkId()));
        return ids;
    }

    private List<String> lastLines(int count) {
        return logLines.subList(logLines.size() - count, logLines.size());
    }

    private Element parseReport(String suiteClass) throws Exception {
        Path file = reports.resolve("TEST-" + suiteClass + ".xml");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile())
                .getDocumentElement();
    }

    /** Returns {@link #driverClasspath()} with the folder of {@link FixtureDriver}. */
    private static List<Path> fixtureDriverClasspath() throws Exception {
        List<Path> entries = new ArrayList<>(driverClasspath());
        entries.add(Path.of(FixtureDriver.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()));
        return entries;
    }

    /** Returns the jars or folders of the bundled drivers and the libraries they need. */
    private static List<Path> driverClasspath() throws URISyntaxException, ClassNotFoundException {
        List<Path> entries = new ArrayList<>();
        for (String name : List.of("io.storagedriver.drivers.InMemoryDriver",
                "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.annotation.JsonProperty", "org.slf4j.LoggerFactory",
                "org.newsclub.net.unix.AFUNIXSocket",
                "org.newsclub.lib.junixsocket.common.NarMetadata")) {
            Path entry = Path.of(Class.forName(name).getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
