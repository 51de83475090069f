package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.maven.fixtures.ConfigurationEchoFixture;
import io.storagedriver.maven.fixtures.FailingChecksFixture;
import io.storagedriver.maven.fixtures.PassingChecksFixture;
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
                .timeout(Duration.ofSeconds(30)));

        String output = result.checks().get(0).output();
        assertTrue(output.contains("storagedriver.name = inmemory"), output);
        assertTrue(output.contains("storagedriver.parameters = color=blue"), output);
        assertTrue(output.contains("storagedriver.rootPrefix = /ci"), output);
        assertTrue(output.contains("junit.jupiter.execution.timeout.default = 30 s"), output);
        assertFalse(output.contains("storagedriver.mainClass"), output);
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
