package io.storagedriver.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Writes the results of one suite class in the XML format of Maven Surefire's
 * {@code TEST-<class>.xml} reports, which CI servers and report tools read: a {@code testsuite}
 * with counts, one {@code testcase} per check, and {@code failure}, {@code error} or {@code
 * skipped} inside it with the check's {@code system-out} and {@code system-err}.
 *
 * <p>Messages and output come from drivers and may contain markup or bytes that XML 1.0 cannot
 * carry. Markup is escaped, and each character outside the XML 1.0 {@code Char} production (most
 * control characters, unpaired surrogates, U+FFFE and U+FFFF) is written as the visible text
 * {@code \}{@code uXXXX}.
 */
final class SurefireXmlWriter {
    private SurefireXmlWriter() {}

    /** Writes {@code TEST-<suiteClass>.xml} into {@code directory} and returns its path. */
    static Path write(Path directory, String suiteClass, List<CheckResult> checks,
            Instant timestamp) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("TEST-" + suiteClass + ".xml");
        Files.writeString(file, toXml(suiteClass, checks, timestamp), StandardCharsets.UTF_8);
        return file;
    }

    /** Returns the report of one suite class as an XML document. */
    static String toXml(String suiteClass, List<CheckResult> checks, Instant timestamp) {
        Duration total = Duration.ZERO;
        for (CheckResult check : checks) {
            total = total.plus(check.time());
        }
        StringBuilder xml = new StringBuilder(1024);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite");
        attribute(xml, "name", suiteClass);
        attribute(xml, "time", seconds(total));
        attribute(xml, "tests", Integer.toString(checks.size()));
        attribute(xml, "errors", count(checks, CheckResult.Status.ERROR));
        attribute(xml, "skipped", count(checks, CheckResult.Status.SKIPPED));
        attribute(xml, "failures", count(checks, CheckResult.Status.FAILED));
        attribute(xml, "timestamp", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
        xml.append(">\n");
        for (CheckResult check : checks) {
            appendTestCase(xml, check);
        }
        xml.append("</testsuite>\n");
        return xml.toString();
    }

    private static void appendTestCase(StringBuilder xml, CheckResult check) {
        xml.append("  <testcase");
        attribute(xml, "name", check.name());
        attribute(xml, "classname", check.suiteClass());
        attribute(xml, "time", seconds(check.time()));
        xml.append(">\n");
        CheckResult.Failure failure = check.failure();
        switch (check.status()) {
            case PASSED -> { }
            case SKIPPED -> {
                xml.append("    <skipped");
                attribute(xml, "message", failure.message());
                xml.append("/>\n");
            }
            case FAILED -> appendFailure(xml, "failure", failure);
            case ERROR -> appendFailure(xml, "error", failure);
        }
        appendOutput(xml, "system-out", check.output());
        appendOutput(xml, "system-err", check.errorOutput());
        xml.append("  </testcase>\n");
    }

    private static void appendFailure(StringBuilder xml, String element,
            CheckResult.Failure failure) {
        xml.append("    <").append(element);
        attribute(xml, "message", failure.message());
        attribute(xml, "type", failure.type());
        xml.append(">");
        appendEscaped(xml, failure.stackTrace(), false);
        xml.append("</").append(element).append(">\n");
    }

    private static void appendOutput(StringBuilder xml, String element, String text) {
        if (text.isEmpty()) {
            return;
        }
        xml.append("    <").append(element).append(">");
        appendEscaped(xml, text, false);
        xml.append("</").append(element).append(">\n");
    }

    private static void attribute(StringBuilder xml, String name, String value) {
        xml.append(' ').append(name).append("=\"");
        appendEscaped(xml, value, true);
        xml.append('"');
    }

    /**
     * Appends {@code text} escaped for element content or, with {@code inAttribute}, for a
     * double-quoted attribute value. In attributes, tabs and line breaks become character
     * references, because a parser would otherwise normalize them to spaces.
     */
    static void appendEscaped(StringBuilder xml, String text, boolean inAttribute) {
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            switch (codePoint) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '"' -> xml.append(inAttribute ? "&quot;" : "\"");
                case '\t', '\n', '\r' -> {
                    if (inAttribute) {
                        xml.append("&#").append(codePoint).append(';');
                    } else {
                        xml.append((char) codePoint);
                    }
                }
                default -> {
                    if (isXmlChar(codePoint)) {
                        xml.appendCodePoint(codePoint);
                    } else {
                        xml.append(String.format(Locale.ROOT, "\\u%04x", codePoint));
                    }
                }
            }
        }
    }

    /** Returns whether XML 1.0 allows {@code codePoint} (its {@code Char} production). */
    static boolean isXmlChar(int codePoint) {
        return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD
                || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
    }

    private static String count(List<CheckResult> checks, CheckResult.Status status) {
        return Long.toString(checks.stream().filter(check -> check.status() == status).count());
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
    }
}
