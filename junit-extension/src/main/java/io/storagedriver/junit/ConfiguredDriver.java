package io.storagedriver.junit;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The driver settings given by the configuration parameters of {@link
 * StorageDriverConfiguration}, each falling back to the system property of the same name.
 *
 * @param source the driver named by configuration, if any
 * @param parameters the raw {@code key=value} entries of {@link
 *     StorageDriverConfiguration#PARAMETERS}
 * @param classpath the class path of a main-class driver from {@link
 *     StorageDriverConfiguration#CLASSPATH}, as absolute paths; empty when not set
 * @param driversDirectory the directory searched first for driver executables, if set
 * @param timeouts the start and call timeouts of {@link StorageDriverConfiguration#START_TIMEOUT}
 *     and {@link StorageDriverConfiguration#CALL_TIMEOUT}; a zero duration where not set
 * @param outputLog the file of {@link StorageDriverConfiguration#OUTPUT_LOG}, if set
 */
record ConfiguredDriver(
        Optional<DriverSource> source,
        List<String> parameters,
        List<Path> classpath,
        Optional<Path> driversDirectory,
        DriverDeclaration.Timeouts timeouts,
        Optional<Path> outputLog) {

    ConfiguredDriver {
        parameters = List.copyOf(parameters);
        classpath = List.copyOf(classpath);
    }

    /**
     * Reads the settings visible from {@code context}.
     *
     * @throws ExtensionConfigurationException when more than one of name, executable and main
     *     class is set, a class path entry or the output log is not a valid path, or a timeout is
     *     not a whole number of seconds from 0 up
     */
    static ConfiguredDriver read(ExtensionContext context) {
        List<DriverSource> sources = new ArrayList<>();
        for (DriverSource.Kind kind : DriverSource.Kind.values()) {
            lookup(context, kind.configurationKey())
                    .ifPresent(value -> sources.add(new DriverSource(kind, value)));
        }
        if (sources.size() > 1) {
            List<String> keys = new ArrayList<>();
            for (DriverSource source : sources) {
                keys.add(source.kind().configurationKey() + "=" + source.value());
            }
            throw new ExtensionConfigurationException("The configuration sets "
                    + String.join(" and ", keys) + "; set only one of "
                    + StorageDriverConfiguration.NAME + ", " + StorageDriverConfiguration.EXECUTABLE
                    + " and " + StorageDriverConfiguration.MAIN_CLASS);
        }
        List<String> parameters = new ArrayList<>();
        lookup(context, StorageDriverConfiguration.PARAMETERS).ifPresent(value -> {
            for (String entry : value.split(",")) {
                if (!entry.isBlank()) {
                    parameters.add(entry.strip());
                }
            }
        });
        List<Path> classpath = lookup(context, StorageDriverConfiguration.CLASSPATH)
                .map(ConfiguredDriver::parseClasspath).orElse(List.of());
        Optional<Path> driversDirectory =
                lookup(context, StorageDriverConfiguration.DRIVERS_DIRECTORY).map(Path::of);
        DriverDeclaration.Timeouts timeouts = new DriverDeclaration.Timeouts(
                seconds(context, StorageDriverConfiguration.START_TIMEOUT),
                seconds(context, StorageDriverConfiguration.CALL_TIMEOUT),
                Duration.ZERO);
        return new ConfiguredDriver(sources.stream().findFirst(), parameters, classpath,
                driversDirectory, timeouts, outputLog(context));
    }

    /** Reads a timeout in whole seconds; {@link Duration#ZERO} when it is not set or 0. */
    private static Duration seconds(ExtensionContext context, String key) {
        Optional<String> value = lookup(context, key);
        if (value.isEmpty()) {
            return Duration.ZERO;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0) {
            throw new ExtensionConfigurationException("The configuration parameter " + key
                    + " is \"" + value.get() + "\", which is not a whole number of seconds; use "
                    + "a number such as 60, or 0 for the default");
        }
        return Duration.ofSeconds(seconds);
    }

    /** Returns the file of {@link StorageDriverConfiguration#OUTPUT_LOG}, if it is set. */
    static Optional<Path> outputLog(ExtensionContext context) {
        Optional<String> value = lookup(context, StorageDriverConfiguration.OUTPUT_LOG);
        try {
            return value.map(path -> Path.of(path).toAbsolutePath());
        } catch (InvalidPathException e) {
            throw new ExtensionConfigurationException("The configuration parameter "
                    + StorageDriverConfiguration.OUTPUT_LOG + " is \"" + value.get()
                    + "\", which is not a valid path: " + e.getReason(), e);
        }
    }

    /** Splits a class path at {@link File#pathSeparator}, skipping empty entries. */
    private static List<Path> parseClasspath(String value) {
        List<Path> entries = new ArrayList<>();
        for (String entry : value.split(Pattern.quote(File.pathSeparator))) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                entries.add(Path.of(entry.strip()).toAbsolutePath());
            } catch (InvalidPathException e) {
                throw new ExtensionConfigurationException("The configuration parameter "
                        + StorageDriverConfiguration.CLASSPATH + " contains the entry \""
                        + entry.strip() + "\", which is not a valid path: " + e.getReason()
                        + ". Separate the entries with \"" + File.pathSeparator + "\"", e);
            }
        }
        return entries;
    }

    /** Returns a non-blank configuration parameter or, failing that, system property. */
    static Optional<String> lookup(ExtensionContext context, String key) {
        Optional<String> value = context.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)));
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }
}
