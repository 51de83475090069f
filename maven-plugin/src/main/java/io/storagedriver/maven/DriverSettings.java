package io.storagedriver.maven;

import io.storagedriver.StoragePaths;
import io.storagedriver.client.DriverOptions;
import io.storagedriver.junit.StorageDriverConfiguration;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns a {@link SuiteRequest} into the two forms the driver is configured in: the {@link
 * DriverOptions} that start it directly, and the JUnit configuration parameters from which the
 * suite's extension starts it. Rejects requests that do not choose exactly one driver.
 */
final class DriverSettings {
    static final String NAME = StorageDriverConfiguration.NAME;
    static final String EXECUTABLE = StorageDriverConfiguration.EXECUTABLE;
    static final String MAIN_CLASS = StorageDriverConfiguration.MAIN_CLASS;
    static final String CLASSPATH = StorageDriverConfiguration.CLASSPATH;
    static final String PARAMETERS = StorageDriverConfiguration.PARAMETERS;
    static final String DRIVERS_DIRECTORY = StorageDriverConfiguration.DRIVERS_DIRECTORY;
    static final String ROOT_PREFIX = StorageDriverConfiguration.ROOT_PREFIX;
    static final String BENCHMARKS = StorageDriverConfiguration.BENCHMARKS;
    static final String START_TIMEOUT = StorageDriverConfiguration.START_TIMEOUT;
    static final String CALL_TIMEOUT = StorageDriverConfiguration.CALL_TIMEOUT;
    static final String OUTPUT_LOG = StorageDriverConfiguration.OUTPUT_LOG;
    static final String TIMEOUT_DEFAULT = "junit.jupiter.execution.timeout.default";
    static final String CAPTURE_STDOUT = "junit.platform.output.capture.stdout";
    static final String CAPTURE_STDERR = "junit.platform.output.capture.stderr";

    private DriverSettings() {}

    /**
     * Returns the options that start the driver the request chooses, with its timeouts and its
     * parameters as the driver receives them.
     *
     * @param tempDirectory returns the directory that {@code ${tempdir}} stands for, the same one
     *     every time; called only when a parameter uses it
     */
    static DriverOptions.Builder options(SuiteRequest request, Supplier<Path> tempDirectory)
            throws CannotRunException {
        checkOneDriver(request);
        checkTimeouts(request);
        DriverOptions.Builder builder;
        try {
            if (present(request.name())) {
                builder = DriverOptions.name(request.name().strip());
            } else if (request.executable() != null) {
                builder = DriverOptions.executable(request.executable());
            } else {
                builder = DriverOptions.mainClass(request.mainClass().strip(),
                        request.classpath());
            }
        } catch (IllegalArgumentException e) {
            throw new CannotRunException("Invalid driver configuration: " + e.getMessage(), e);
        }
        for (Map.Entry<String, String> entry : request.parameters().entrySet()) {
            builder.parameter(entry.getKey(),
                    ParameterValues.decode(entry.getValue(), tempDirectory));
        }
        return builder.driversDirectory(request.driversDirectory())
                .startTimeout(request.startTimeout())
                .callTimeout(request.callTimeout());
    }

    /**
     * Returns the JUnit configuration parameters that hand the driver to the suite. Settings that
     * the request leaves unset are passed as empty values, because the suite's extension would
     * otherwise fall back to system properties of the same names, which Maven sets from {@code
     * -D} options with unresolved parameter references. Benchmarks are switched on, so that the
     * tag expressions alone decide whether they run. The extension appends the output of the
     * drivers it starts to the {@value SuiteRunner#DRIVER_LOG} in the reports folder.
     */
    static Map<String, String> configurationParameters(SuiteRequest request)
            throws CannotRunException {
        checkOneDriver(request);
        checkTimeouts(request);
        checkRootPrefix(request);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(NAME, present(request.name()) ? request.name().strip() : "");
        parameters.put(EXECUTABLE, request.executable() == null ? ""
                : request.executable().toString());
        parameters.put(MAIN_CLASS, present(request.mainClass()) ? request.mainClass().strip()
                : "");
        parameters.put(CLASSPATH, request.classpath().stream()
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator)));
        parameters.put(PARAMETERS, encodeParameters(request.parameters()));
        parameters.put(DRIVERS_DIRECTORY, request.driversDirectory() == null ? ""
                : request.driversDirectory().toString());
        parameters.put(ROOT_PREFIX, present(request.rootPrefix()) ? request.rootPrefix().strip()
                : "");
        parameters.put(BENCHMARKS, "true");
        parameters.put(START_TIMEOUT, Long.toString(request.startTimeout().toSeconds()));
        parameters.put(CALL_TIMEOUT, Long.toString(request.callTimeout().toSeconds()));
        parameters.put(OUTPUT_LOG, request.reportsDirectory().resolve(SuiteRunner.DRIVER_LOG)
                .toAbsolutePath().toString());
        if (!request.timeout().isZero()) {
            parameters.put(TIMEOUT_DEFAULT, request.timeout().toSeconds() + " s");
        }
        parameters.put(CAPTURE_STDOUT, "true");
        parameters.put(CAPTURE_STDERR, "true");
        return parameters;
    }

    /** Describes the chosen driver for messages, such as {@code driver name 'filesystem'}. */
    static String describe(SuiteRequest request) {
        if (present(request.name())) {
            return "driver name '" + request.name().strip() + "'";
        }
        if (request.executable() != null) {
            return "executable " + request.executable();
        }
        return present(request.mainClass()) ? "main class " + request.mainClass().strip()
                : "no driver";
    }

    /**
     * Returns a description from {@link #describe} with an article, to use in a sentence: {@code
     * the driver (driver name 'filesystem')}.
     */
    static String theDriver(String driver) {
        return "the driver (" + driver + ")";
    }

    /**
     * Joins the parameters as {@code key=value,key=value}, the form of {@value #PARAMETERS}.
     * The values are already in the extension's placeholder syntax (see {@link
     * ParameterValues}), so a <code>${</code> from a secret arrives escaped. That form cannot
     * carry a comma, nor an equals sign in a key, so such parameters are rejected. The message
     * names the key but never the value.
     */
    static String encodeParameters(Map<String, String> values) throws CannotRunException {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey().strip();
            if (key.isEmpty() || key.contains(",") || key.contains("=")) {
                throw new CannotRunException("Invalid driver parameter name '" + key + "': a name"
                        + " must not be empty or contain ',' or '='.");
            }
            if (entry.getValue().contains(",")) {
                throw new CannotRunException("The value of driver parameter '" + key + "'"
                        + " contains a comma, which the suite's storagedriver.parameters setting"
                        + " cannot carry. Use a value without commas.");
            }
            pairs.add(key + "=" + entry.getValue());
        }
        return String.join(",", pairs);
    }

    private static void checkTimeouts(SuiteRequest request) throws CannotRunException {
        if (request.timeout().isNegative()) {
            throw new CannotRunException("storagedriver.timeout must be 0 (no limit) or a number"
                    + " of seconds, but is " + request.timeout().toSeconds() + ".");
        }
        if (request.startTimeout().isNegative() || request.startTimeout().isZero()) {
            throw new CannotRunException("storagedriver.startTimeout must be a positive number"
                    + " of seconds, but is " + request.startTimeout().toSeconds() + ".");
        }
        if (request.callTimeout().isNegative()) {
            throw new CannotRunException("storagedriver.callTimeout must be 0 (no limit) or a"
                    + " number of seconds, but is " + request.callTimeout().toSeconds() + ".");
        }
    }

    /**
     * Rejects a root prefix that the suite would reject in every check, so that the goal fails
     * once, before any check runs, even when failed checks are ignored.
     */
    private static void checkRootPrefix(SuiteRequest request) throws CannotRunException {
        if (!present(request.rootPrefix())) {
            return;
        }
        String rootPrefix = request.rootPrefix().strip();
        Optional<String> problem = StoragePaths.problem(rootPrefix, false);
        if (problem.isPresent()) {
            throw new CannotRunException("storagedriver.rootPrefix is \"" + rootPrefix + "\","
                    + " which is not a valid storage path: " + problem.get() + ". Use an absolute"
                    + " path below the root, such as /ci, or leave it unset for the suite's"
                    + " default.");
        }
    }

    private static void checkOneDriver(SuiteRequest request) throws CannotRunException {
        List<String> chosen = new ArrayList<>();
        if (present(request.name())) {
            chosen.add("name");
        }
        if (request.executable() != null) {
            chosen.add("executable");
        }
        if (present(request.mainClass())) {
            chosen.add("mainClass");
        }
        if (chosen.size() != 1) {
            throw new CannotRunException("Configure exactly one driver: set one of"
                    + " storagedriver.name (such as filesystem), storagedriver.executable or"
                    + " storagedriver.mainClass. "
                    + (chosen.isEmpty() ? "None is set." : "Set are: " + chosen + "."));
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
