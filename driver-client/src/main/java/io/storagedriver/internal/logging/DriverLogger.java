package io.storagedriver.internal.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes log events at or above a threshold to a stream, each as {@code LEVEL logger - message},
 * followed by the stack trace of a throwable on the next lines.
 */
final class DriverLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    /** The lowest level written, or null to write nothing. */
    private final Level threshold;
    private final transient PrintStream out;

    DriverLogger(String name, Level threshold, PrintStream out) {
        this.name = name;
        this.threshold = threshold;
        this.out = out;
    }

    private boolean isEnabled(Level level) {
        // Level numbers grow with severity: TRACE is 0 and ERROR is 40.
        return threshold != null && level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return isEnabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return isEnabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return isEnabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return isEnabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return isEnabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
            Object[] arguments, Throwable throwable) {
        StringBuilder line = new StringBuilder()
                .append(level).append(' ').append(name).append(" - ")
                .append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        // One print call per event, so that events of concurrent threads do not interleave.
        out.println(line);
    }
}
