package io.storagedriver.junit;

import io.storagedriver.client.DriverOptions;
import io.storagedriver.client.DriverOutputListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to start one driver: the declaration after configuration was applied.
 *
 * @param id the driver id
 * @param source the driver to start
 * @param classpath the class path of a main-class driver, or empty for this JVM's class path. It
 *     is always empty for the other kinds of source.
 * @param parameters the raw {@code key=value} entries, placeholders unresolved
 * @param lifecycle how long the driver lives
 * @param timeouts the start, call and stop timeouts
 * @param driversDirectory the directory searched first for driver executables, if configured
 * @param origin where the driver comes from, for messages, such as {@code @WithStorageDriver on
 *     class com.example.BlobTest}
 * @param parametersOrigin the place that sets the parameters, named in messages about invalid
 *     parameters
 */
record DriverSpec(
        String id,
        DriverSource source,
        List<Path> classpath,
        List<String> parameters,
        WithStorageDriver.Lifecycle lifecycle,
        DriverDeclaration.Timeouts timeouts,
        Optional<Path> driversDirectory,
        String origin,
        String parametersOrigin) {

    DriverSpec {
        classpath = source.kind() == DriverSource.Kind.MAIN_CLASS ? List.copyOf(classpath)
                : List.of();
        parameters = List.copyOf(parameters);
    }

    /** Builds the client options with already resolved parameters. */
    DriverOptions toOptions(
            Map<String, String> resolvedParameters, DriverOutputListener outputListener) {
        DriverOptions.Builder builder = source.toOptions(classpath).parameters(resolvedParameters)
                .outputListener(outputListener);
        driversDirectory.ifPresent(builder::driversDirectory);
        if (!timeouts.start().isZero()) {
            builder.startTimeout(timeouts.start());
        }
        if (!timeouts.call().isZero()) {
            builder.callTimeout(timeouts.call());
        }
        if (!timeouts.stop().isZero()) {
            builder.stopTimeout(timeouts.stop());
        }
        return builder.build();
    }

    /**
     * Returns a short description for messages, such as {@code storage driver (name = "x")} or,
     * with an id, {@code storage driver "a" (name = "x")}.
     */
    String describe() {
        return "storage driver" + (id.isEmpty() ? "" : " \"" + id + "\"") + " ("
                + source.describe() + ")";
    }
}
