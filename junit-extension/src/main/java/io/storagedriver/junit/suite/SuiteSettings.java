package io.storagedriver.junit.suite;

import io.storagedriver.StoragePaths;
import io.storagedriver.junit.StorageDriverConfiguration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The settings of one run of the compatibility suite, read from the configuration parameters
 * {@link StorageDriverConfiguration#ROOT_PREFIX} and {@link StorageDriverConfiguration#BENCHMARKS}
 * or the system properties of the same names. Check classes receive it as a parameter.
 */
public final class SuiteSettings {
    /** The root prefix used when none is configured: one per JVM, so one per suite run. */
    private static final String DEFAULT_ROOT_PREFIX = "/storagedriver-suite-" + UUID.randomUUID();

    private final String rootPrefix;
    private final boolean benchmarks;

    private SuiteSettings(String rootPrefix, boolean benchmarks) {
        this.rootPrefix = rootPrefix;
        this.benchmarks = benchmarks;
    }

    /**
     * Reads the settings visible from {@code context}.
     *
     * @throws ExtensionConfigurationException when the root prefix is not a valid path other than
     *     the root
     */
    static SuiteSettings read(ExtensionContext context) {
        String rootPrefix = lookup(context, StorageDriverConfiguration.ROOT_PREFIX)
                .orElse(DEFAULT_ROOT_PREFIX);
        Optional<String> problem = StoragePaths.problem(rootPrefix, false);
        if (problem.isPresent()) {
            throw new ExtensionConfigurationException("The configuration parameter "
                    + StorageDriverConfiguration.ROOT_PREFIX + " is \"" + rootPrefix + "\", which "
                    + "is not a valid storage path: " + problem.get() + ". Use an absolute path "
                    + "below the root, such as /storagedriver-suite");
        }
        boolean benchmarks = lookup(context, StorageDriverConfiguration.BENCHMARKS)
                .map(Boolean::parseBoolean).orElse(false);
        return new SuiteSettings(rootPrefix, benchmarks);
    }

    /** Returns the storage path below which every check works in a directory of its own. */
    public String rootPrefix() {
        return rootPrefix;
    }

    /** Returns whether the benchmark checks run. */
    public boolean benchmarks() {
        return benchmarks;
    }

    private static Optional<String> lookup(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)))
                .map(String::strip)
                .filter(value -> !value.isEmpty());
    }
}
