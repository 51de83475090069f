package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SurefireXmlWriterTest {
    private static final String SUITE = "io.storagedriver.junit.suite.ContentChecks";
    private static final Instant TIMESTAMP = Instant.parse("2025-01-02T03:04:05.678Z");

    @Test
    void countsAndTestCasesParseBack() throws Exception {
        List<CheckResult> checks = List.of(
                passed("content.empty-round-trip: stores no bytes"),
                failed("content.large: reads back", CheckResult.Status.FAILED, "expected 3"),
                failed("content.move: moves", CheckResult.Status.ERROR, "driver exited"),
                skipped("content.slow: is slow", "excluded by tag"));

        Element suite = parse(SurefireXmlWriter.toXml(SUITE, checks, TIMESTAMP));

        assertEquals("testsuite", suite.getTagName());
        assertEquals(SUITE, suite.getAttribute("name"));
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("1", suite.getAttribute("skipped"));
        assertEquals("2025-01-02T03:04:05Z", suite.getAttribute("timestamp"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        Element first = (Element) cases.item(0);
        assertEquals("content.empty-round-trip: stores no bytes", first.getAttribute("name"));
        assertEquals(SUITE, first.getAttribute("classname"));
        assertEquals("0.250", first.getAttribute("time"));
        assertEquals(1, suite.getElementsByTagName("failure").getLength());
        assertEquals(1, suite.getElementsByTagName("error").getLength());
        Element skipped = (Element) suite.getElementsByTagName("skipped").item(0);
        assertEquals("excluded by tag", skipped.getAttribute("message"));
    }

    @Test
    void markupInMessagesAndOutputSurvives() throws Exception {
        String message = "expected <a href=\"x\">&amp;</a> ]]> 'quoted'\nsecond line\ttab";
        CheckResult check = new CheckResult(SUITE, "content.markup", "content.markup: <b>&",
                CheckResult.Status.FAILED, Duration.ZERO,
                new CheckResult.Failure("org.opentest4j.AssertionFailedError", message,
                        "trace <at> & ]]>", null),
                "out <tag/> & ]]>", "err \"x\"");

        Element suite = parse(SurefireXmlWriter.toXml(SUITE, List.of(check), TIMESTAMP));

        Element testCase = (Element) suite.getElementsByTagName("testcase").item(0);
        assertEquals("content.markup: <b>&", testCase.getAttribute("name"));
        Element failure = (Element) suite.getElementsByTagName("failure").item(0);
        assertEquals(message, failure.getAttribute("message"));
        assertEquals("org.opentest4j.AssertionFailedError", failure.getAttribute("type"));
        assertEquals("trace <at> & ]]>", failure.getTextContent());
        assertEquals("out <tag/> & ]]>",
                suite.getElementsByTagName("system-out").item(0).getTextContent());
        assertEquals("err \"x\"",
                suite.getElementsByTagName("system-err").item(0).getTextContent());
    }

    @Test
    void controlCharactersBecomeVisibleEscapes() throws Exception {
        String output = "bell\u0007 nul\u0000 esc\u001b[31m fffe\ufffe lone\ud800"
                + " ok\u00e9\ud83d\ude00";
        CheckResult check = new CheckResult(SUITE, "content.binary", "content.binary: x\u0001",
                CheckResult.Status.ERROR, Duration.ZERO,
                new CheckResult.Failure("java.lang.IllegalStateException", "bad\u0002", "", null),
                output, "");

        String xml = SurefireXmlWriter.toXml(SUITE, List.of(check), TIMESTAMP);
        Element suite = parse(xml);

        assertEquals("content.binary: x\\u0001",
                ((Element) suite.getElementsByTagName("testcase").item(0)).getAttribute("name"));
        assertEquals("bad\\u0002",
                ((Element) suite.getElementsByTagName("error").item(0)).getAttribute("message"));
        assertEquals("bell\\u0007 nul\\u0000 esc\\u001b[31m fffe\\ufffe lone\\ud800"
                        + " ok\u00e9\ud83d\ude00",
                suite.getElementsByTagName("system-out").item(0).getTextContent());
        for (char c : xml.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' && c != '\r' && c != '\t',
                    "raw control character " + (int) c + " in the XML");
        }
    }

    @Test
    void passedCheckHasNoFailureElements() throws Exception {
        Element suite = parse(SurefireXmlWriter.toXml(SUITE, List.of(passed("a.b: c")),
                TIMESTAMP));

        assertEquals(0, suite.getElementsByTagName("failure").getLength());
        assertEquals(0, suite.getElementsByTagName("error").getLength());
        assertEquals(0, suite.getElementsByTagName("skipped").getLength());
        assertEquals(0, suite.getElementsByTagName("system-out").getLength());
    }

    @Test
    void writeNamesFileAfterSuiteClass(@TempDir Path directory) throws Exception {
        Path file = SurefireXmlWriter.write(directory.resolve("reports"), SUITE,
                List.of(passed("a.b: c")), TIMESTAMP);

        assertEquals("TEST-" + SUITE + ".xml", file.getFileName().toString());
        assertTrue(Files.isRegularFile(file));
        assertEquals(SUITE, parse(Files.readString(file)).getAttribute("name"));
    }

    private static CheckResult passed(String displayName) {
        return new CheckResult(SUITE, CheckIds.fromDisplayName(displayName).orElse(""),
                displayName, CheckResult.Status.PASSED, Duration.ofMillis(250), null, "", "");
    }

    private static CheckResult failed(String displayName, CheckResult.Status status,
            String message) {
        return new CheckResult(SUITE, CheckIds.fromDisplayName(displayName).orElse(""),
                displayName, status, Duration.ofMillis(10),
                new CheckResult.Failure("java.lang.AssertionError", message, "trace", null),
                "", "");
    }

    private static CheckResult skipped(String displayName, String reason) {
        return new CheckResult(SUITE, CheckIds.fromDisplayName(displayName).orElse(""),
                displayName, CheckResult.Status.SKIPPED, Duration.ZERO,
                new CheckResult.Failure("", reason, "", null), "", "");
    }

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        return document.getDocumentElement();
    }
}
