package io.storagedriver.maven;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A request to run the suite: the driver, its parameters, the checks to select and the reports
 * folder. Exactly one of {@code name}, {@code executable} and {@code mainClass} chooses the
 * driver, and the runner rejects any other combination.
 *
 * @param name the driver name, found as {@code registry-storagedriver-<name>}, or null
 * @param executable the driver's executable, or null
 * @param mainClass the main class of a Java driver, or null
 * @param classpath the classpath of a {@code mainClass} driver
 * @param parameters the driver parameters with references already resolved, written in the suite's
 *     placeholder syntax, where {@code ${tempdir}} is a temporary directory and <code>$${</code> a
 *     literal <code>${</code> (see {@link ParameterValues}); the values may be secrets, so {@link
 *     #toString()} shows only the keys
 * @param driversDirectory the folder searched for a driver by name before PATH, or null
 * @param rootPrefix the storage path under which the checks work, or null for the suite's default
 * @param includes globs of check ids to run; empty runs every check
 * @param excludes globs of check ids to leave out
 * @param groups a JUnit tag expression that checks must match, or null for all
 * @param excludedGroups a JUnit tag expression that leaves out the checks it matches, or null
 * @param timeout the time one check may take, or {@link Duration#ZERO} for no limit
 * @param startTimeout the time the driver may take to start and finish its handshake
 * @param callTimeout the time one call to the driver may take, or {@link Duration#ZERO} for no
 *     limit
 * @param reportsDirectory the folder for the XML reports and the driver log
 * @param suiteClasses the JUnit test classes that make up the suite
 * @param rerunCommand returns the command line that runs only the given check id
 */
record SuiteRequest(String name, Path executable, String mainClass, List<Path> classpath,
        Map<String, String> parameters, Path driversDirectory, String rootPrefix,
        List<String> includes, List<String> excludes, String groups, String excludedGroups,
        Duration timeout, Duration startTimeout, Duration callTimeout, Path reportsDirectory,
        List<Class<?>> suiteClasses, UnaryOperator<String> rerunCommand) {

    SuiteRequest {
        classpath = List.copyOf(classpath);
        parameters = new LinkedHashMap<>(parameters);
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(reportsDirectory, "reportsDirectory");
        suiteClasses = List.copyOf(suiteClasses);
        Objects.requireNonNull(rerunCommand, "rerunCommand");
    }

    @Override
    public Map<String, String> parameters() {
        return new LinkedHashMap<>(parameters);
    }

    /** Describes the request without the parameter values, which may be secrets. */
    @Override
    public String toString() {
        return "SuiteRequest[name=" + name + ", executable=" + executable + ", mainClass="
                + mainClass + ", parameters=" + parameters.keySet() + ", includes=" + includes
                + ", excludes=" + excludes + ", groups=" + groups + ", excludedGroups="
                + excludedGroups + ", timeout=" + timeout + ", startTimeout=" + startTimeout
                + ", callTimeout=" + callTimeout + ", reportsDirectory=" + reportsDirectory + "]";
    }

    static Builder builder(Path reportsDirectory, List<Class<?>> suiteClasses) {
        return new Builder(reportsDirectory, suiteClasses);
    }

    /** Collects a request; everything but the reports folder and the suite classes is optional. */
    static final class Builder {
        private final Path reportsDirectory;
        private final List<Class<?>> suiteClasses;
        private String name;
        private Path executable;
        private String mainClass;
        private List<Path> classpath = List.of();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private Path driversDirectory;
        private String rootPrefix;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private String groups;
        private String excludedGroups;
        private Duration timeout = Duration.ZERO;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ZERO;
        private UnaryOperator<String> rerunCommand =
                id -> "mvn storagedriver:verify -Dstoragedriver.check=" + id;

        private Builder(Path reportsDirectory, List<Class<?>> suiteClasses) {
            this.reportsDirectory = reportsDirectory;
            this.suiteClasses = suiteClasses;
        }

        Builder name(String value) {
            this.name = value;
            return this;
        }

        Builder executable(Path value) {
            this.executable = value;
            return this;
        }

        Builder mainClass(String value, List<Path> entries) {
            this.mainClass = value;
            this.classpath = entries;
            return this;
        }

        Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        Builder driversDirectory(Path value) {
            this.driversDirectory = value;
            return this;
        }

        Builder rootPrefix(String value) {
            this.rootPrefix = value;
            return this;
        }

        Builder includes(List<String> globs) {
            includes.addAll(globs);
            return this;
        }

        Builder excludes(List<String> globs) {
            excludes.addAll(globs);
            return this;
        }

        Builder groups(String expression) {
            this.groups = expression;
            return this;
        }

        Builder excludedGroups(String expression) {
            this.excludedGroups = expression;
            return this;
        }

        Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        Builder startTimeout(Duration value) {
            this.startTimeout = value;
            return this;
        }

        Builder callTimeout(Duration value) {
            this.callTimeout = value;
            return this;
        }

        Builder rerunCommand(UnaryOperator<String> value) {
            this.rerunCommand = value;
            return this;
        }

        SuiteRequest build() {
            return new SuiteRequest(name, executable, mainClass, classpath, parameters,
                    driversDirectory, rootPrefix, includes, excludes, groups, excludedGroups,
                    timeout, startTimeout, callTimeout, reportsDirectory, suiteClasses,
                    rerunCommand);
        }
    }
}
