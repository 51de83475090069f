package io.storagedriver.internal.logging;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the bundled drivers' JVMs, which writes each log event as one line to
 * standard error, where the host reads it and logs it under the driver's name.
 *
 * <p>It is deliberately not registered in {@code META-INF/services}, so that it never binds in
 * the host's JVM, which has this library on its class path too. The host selects it for a
 * bundled driver with the system property {@code slf4j.provider} (see {@link
 * DriverLogging#SELECT_OPTIONS}). The system property {@value DriverLogging#LEVEL_PROPERTY}
 * sets the lowest level that is written: {@code trace}, {@code debug}, {@code info} (the
 * default), {@code warn}, {@code error} or {@code off}.
 */
public final class DriverLogProvider implements SLF4JServiceProvider {
    /** The SLF4J API version that this provider implements. */
    private static final String API_VERSION = "2.0.99";

    private final BasicMarkerFactory markerFactory = new BasicMarkerFactory();
    private final NOPMDCAdapter mdcAdapter = new NOPMDCAdapter();
    private ILoggerFactory loggerFactory;

    @Override
    public void initialize() {
        String setting = System.getProperty(DriverLogging.LEVEL_PROPERTY, "info").strip()
                .toUpperCase(Locale.ROOT);
        Level threshold;
        if (setting.equals("OFF")) {
            threshold = null;
        } else {
            try {
                threshold = Level.valueOf(setting);
            } catch (IllegalArgumentException e) {
                System.err.println("WARN " + DriverLogProvider.class.getName() + " - invalid "
                        + DriverLogging.LEVEL_PROPERTY + " \"" + setting.toLowerCase(Locale.ROOT)
                        + "\"; use trace, debug, info, warn, error or off. Logging at info.");
                threshold = Level.INFO;
            }
        }
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        Level lowest = threshold;
        loggerFactory = name -> loggers.computeIfAbsent(name,
                key -> new DriverLogger(key, lowest, System.err));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }
}
