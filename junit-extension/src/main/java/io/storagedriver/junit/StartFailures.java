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
        String prefix = "Cannot start the " + spec.describe() + " (" + options.describe()
                + ") from " + spec.origin() + ": " + withoutFinalPeriod(failure.getMessage());
        if (failure instanceof DriverNotFoundException) {
            return prefix + ". A directory to search before the PATH can be set with the "
                    + "configuration parameter " + StorageDriverConfiguration.DRIVERS_DIRECTORY;
        }
        if (failure instanceof InvalidParametersException) {
            return prefix + ". Fix the parameters in " + spec.origin() + ", or set them with "
                    + "the configuration parameter " + StorageDriverConfiguration.PARAMETERS;
        }
        if (failure instanceof DriverStartException && failure.getMessage().contains("within")) {
            return prefix + ". The start timeout is the attribute startTimeoutSeconds of "
                    + "@WithStorageDriver";
        }
        if (failure instanceof DriverStartException && !spec.classpath().isEmpty()) {
            return prefix + ". The driver JVM's class path is the configuration parameter "
                    + StorageDriverConfiguration.CLASSPATH + ": " + joined(spec.classpath());
        }
        return prefix;
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
