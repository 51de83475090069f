package io.storagedriver.internal.logging;

import java.util.List;

/**
 * The settings of {@link DriverLogProvider} that the host passes to a bundled driver's JVM. This
 * class refers to no SLF4J type, because the host may run on SLF4J 1.7, which lacks the provider
 * interface, so loading the provider class itself would fail there.
 */
public final class DriverLogging {
    /**
     * The JVM options that make SLF4J use {@link DriverLogProvider}, and keep SLF4J's own report
     * of that choice, which it writes to standard error at its level INFO, out of the driver's
     * log. SLF4J reads {@code slf4j.provider} from version 2.0.9 on and {@code
     * slf4j.internal.verbosity} from 2.0.10 on.
     */
    public static final List<String> SELECT_OPTIONS = List.of(
            "-Dslf4j.provider=io.storagedriver.internal.logging.DriverLogProvider",
            "-Dslf4j.internal.verbosity=WARN");

    /** The system property that sets the lowest level written. */
    public static final String LEVEL_PROPERTY = "storagedriver.logLevel";

    private DriverLogging() {}
}
