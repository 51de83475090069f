package io.storagedriver.junit;

import io.storagedriver.DriverNotFoundException;
import io.storagedriver.DriverStartException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Starts a driver and turns each kind of start failure into a message with its remedy. */
final class StartFailures {
    /** The part of the client's message for a driver that did not finish its handshake in time. */
    private static final String HANDSHAKE_TIMED_OUT = "did not finish its handshake within";

    private StartFailures() {}

    /**
     * Starts the driver.
     *
     * @throws ExtensionConfigurationException naming the driver option, where it came from, the
     *     client's reason and what to do about it; the client's exception is the cause
     */
    static DriverClient start(DriverSpec spec, DriverOptions options) {
        try {
            return DriverClient.start(options);
        } catch (StorageDriverException e) {
            throw new ExtensionConfigurationException(message(spec, options, e), e);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Cannot start the " + spec.describe()
                    + " from " + spec.origin() + ": " + e.getMessage(), e);
        }
    }

    private static String message(
            DriverSpec spec, DriverOptions options, StorageDriverException failure) {
        // The client's messages already name the versions, the places searched, the exit status
        // and the standard error, each with its own remedy. This adds the test-side settings.
        String detail = withoutFinalPeriod(failure.getMessage());
        String prefix = "Cannot start the " + spec.describe() + resolvedExecutable(spec, options)
                + " from " + spec.origin() + ": " + detail;
        if (failure instanceof DriverNotFoundException) {
            return prefix + ". A directory to search before the PATH can be set with the "
                    + "configuration parameter " + StorageDriverConfiguration.DRIVERS_DIRECTORY;
        }
        if (failure instanceof InvalidParametersException) {
            String remedy = ". Fix the driver parameters in " + spec.parametersOrigin();
            if (!spec.parametersOrigin().contains(StorageDriverConfiguration.PARAMETERS)) {
                remedy += ", or set them with the configuration parameter "
                        + StorageDriverConfiguration.PARAMETERS;
            }
            return prefix + remedy;
        }
        if (failure instanceof DriverStartException && detail.contains(HANDSHAKE_TIMED_OUT)) {
            long seconds = options.startTimeout().toSeconds();
            return prefix + ". The start timeout is " + seconds
                    + (seconds == 1 ? " second" : " seconds") + "; set it with the "
                    + "configuration parameter " + StorageDriverConfiguration.START_TIMEOUT
                    + " or the attribute startTimeoutSeconds of @WithStorageDriver, and the "
                    + "configuration parameter wins";
        }
        if (failure instanceof DriverStartException && !spec.classpath().isEmpty()) {
            return prefix + ". The driver JVM's class path is the configuration parameter "
                    + StorageDriverConfiguration.CLASSPATH + ": " + joined(spec.classpath());
        }
        return prefix;
    }

    /** Returns the absolute path of a relative executable, such as {@code (/work/bin/x)}. */
    private static String resolvedExecutable(DriverSpec spec, DriverOptions options) {
        String written = spec.source().value();
        return options.executable()
                .map(Path::toString)
                .filter(absolute -> !absolute.equals(written))
                .map(absolute -> " (" + absolute + ")")
                .orElse("");
    }

    private static String joined(List<Path> classpath) {
        List<String> entries = new ArrayList<>();
        for (Path entry : classpath) {
            entries.add(entry.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String withoutFinalPeriod(String message) {
        String trimmed = String.valueOf(message).strip();
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
