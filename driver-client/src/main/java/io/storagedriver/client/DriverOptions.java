package io.storagedriver.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to find, start and talk to one driver. Create it with {@link #name}, {@link #executable}
 * or {@link #mainClass}, then set parameters and timeouts on the builder.
 *
 * <pre>{@code
 * DriverOptions options = DriverOptions.name("filesystem")
 *         .parameter("rootdirectory", "/srv/blobs")
 *         .callTimeout(Duration.ofMinutes(1))
 *         .build();
 * }</pre>
 */
public final class DriverOptions {
    /** The kind of reference that chooses the driver. */
    public enum Source {
        /** {@code registry-storagedriver-<name>} in the drivers directory, on PATH or bundled. */
        NAME,
        /** An executable file given by path. */
        EXECUTABLE,
        /** A Java main class, started with the current JVM. */
        MAIN_CLASS
    }

    private final Source source;
    private final String name;
    private final Path executable;
    private final String mainClass;
    private final List<Path> classpath;
    private final List<String> jvmOptions;
    private final Map<String, String> parameters;
    private final Path driversDirectory;
    private final Duration startTimeout;
    private final Duration callTimeout;
    private final Duration stopTimeout;
    private final DriverOutputListener outputListener;
    private final int maxListEntries;
    private final long maxListBytes;

    private DriverOptions(Builder builder) {
        this.source = builder.source;
        this.name = builder.name;
        this.executable = builder.executable;
        this.mainClass = builder.mainClass;
        this.classpath = List.copyOf(builder.classpath);
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.parameters = Map.copyOf(builder.parameters);
        this.driversDirectory = builder.driversDirectory;
        this.startTimeout = builder.startTimeout;
        this.callTimeout = builder.callTimeout;
        this.stopTimeout = builder.stopTimeout;
        this.outputListener = builder.outputListener;
        this.maxListEntries = builder.maxListEntries;
        this.maxListBytes = builder.maxListBytes;
    }

    /** Chooses the driver {@code registry-storagedriver-<name>}. */
    public static Builder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("invalid driver name \"" + name
                    + "\": give the part after registry-storagedriver-, such as filesystem");
        }
        Builder builder = new Builder(Source.NAME);
        builder.name = name;
        return builder;
    }

    /** Chooses the driver executable at {@code executable}. */
    public static Builder executable(Path executable) {
        Builder builder = new Builder(Source.EXECUTABLE);
        builder.executable = Objects.requireNonNull(executable, "executable");
        return builder;
    }

    /**
     * Chooses a Java driver started with the current JVM. An empty {@code classpath} means this
     * JVM's {@code java.class.path}.
     */
    public static Builder mainClass(String mainClass, List<Path> classpath) {
        Builder builder = new Builder(Source.MAIN_CLASS);
        builder.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        builder.classpath = List.copyOf(classpath);
        return builder;
    }

    public Source source() {
        return source;
    }

    /** Returns the driver name for {@link Source#NAME}. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    public Optional<Path> executable() {
        return Optional.ofNullable(executable);
    }

    public Optional<String> mainClass() {
        return Optional.ofNullable(mainClass);
    }

    public List<Path> classpath() {
        return classpath;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** Returns the driver parameters; their values may be secrets, so never log them. */
    public Map<String, String> parameters() {
        return parameters;
    }

    public Optional<Path> driversDirectory() {
        return Optional.ofNullable(driversDirectory);
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    /** Returns the timeout of one call, or {@link Duration#ZERO} for none. */
    public Duration callTimeout() {
        return callTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** Returns the listener for the driver's output lines; by default it ignores them. */
    public DriverOutputListener outputListener() {
        return outputListener;
    }

    /** Returns the maximum number of entries that one {@code list} call collects. */
    public int maxListEntries() {
        return maxListEntries;
    }

    /** Returns the maximum total UTF-8 bytes of the paths that one {@code list} call collects. */
    public long maxListBytes() {
        return maxListBytes;
    }

    /**
     * Lists JVM options for an error message, each cut after its first {@code =}, because a
     * value such as that of {@code -Dtoken=...} may be a secret.
     */
    static String describeJvmOptions(List<String> options) {
        List<String> shown = new ArrayList<>();
        for (String option : options) {
            int equals = option.indexOf('=');
            shown.add(equals < 0 ? option : option.substring(0, equals + 1) + "…");
        }
        return shown.toString();
    }

    /** Describes the choice of driver for messages, such as {@code driver name 'filesystem'}. */
    public String describe() {
        return switch (source) {
            case NAME -> "driver name '" + name + "'";
            case EXECUTABLE -> "executable " + executable;
            case MAIN_CLASS -> "main class " + mainClass;
        };
    }

    @Override
    public String toString() {
        return "DriverOptions[" + describe() + ", parameters=" + parameters.keySet() + "]";
    }

    /** Collects the options; parameters keep their insertion order. */
    public static final class Builder {
        /** The default of {@link #maxListEntries(int)}. */
        public static final int DEFAULT_MAX_LIST_ENTRIES = 100_000;

        /** The default of {@link #maxListBytes(long)}: 16 MiB. */
        public static final long DEFAULT_MAX_LIST_BYTES = 16L * 1024 * 1024;

        private final Source source;
        private String name;
        private Path executable;
        private String mainClass;
        private List<Path> classpath = List.of();
        private List<String> jvmOptions = List.of();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private Path driversDirectory;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ZERO;
        private Duration stopTimeout = Duration.ofSeconds(5);
        private DriverOutputListener outputListener = (stream, line) -> { };
        private int maxListEntries = DEFAULT_MAX_LIST_ENTRIES;
        private long maxListBytes = DEFAULT_MAX_LIST_BYTES;

        private Builder(Source source) {
            this.source = source;
        }

        /** Adds one driver parameter; the value may be a secret and is never logged. */
        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value,
                    () -> "value of parameter " + key));
            return this;
        }

        /** Adds driver parameters. */
        public Builder parameters(Map<String, String> values) {
            values.forEach(this::parameter);
            return this;
        }

        /** Sets the folder searched for {@code registry-storagedriver-<name>} before PATH. */
        public Builder driversDirectory(Path directory) {
            this.driversDirectory = directory;
            return this;
        }

        /**
         * Sets extra JVM options for a Java driver: a {@link Source#MAIN_CLASS} driver, or a
         * bundled driver found by {@link Source#NAME}. They follow the client's own JVM options,
         * so they can override them. An executable driver is started as it is, so {@link #build}
         * rejects JVM options for {@link Source#EXECUTABLE}, and {@code DriverClient.start}
         * rejects them when a name leads to an executable.
         */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** Sets the time allowed from spawning the driver to the end of the handshake. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /** Sets the time one call may take; {@link Duration#ZERO} means no limit. */
        public Builder callTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "callTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("callTimeout must not be negative: " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /** Sets how long {@code close()} waits for the driver to exit before killing it. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = positive(timeout, "stopTimeout");
            return this;
        }

        /**
         * Sets a listener that receives every line of the driver's output, for example to save
         * the driver's whole log. The client logs the lines through SLF4J either way.
         */
        public Builder outputListener(DriverOutputListener listener) {
            this.outputListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the maximum number of entries that one {@code list} call collects, {@value
         * #DEFAULT_MAX_LIST_ENTRIES} by default. A listing with more fails with {@link
         * io.storagedriver.ListTooLargeException}, so that a driver cannot fill the host's memory
         * with a list of very many short paths. {@code walk} passes entries to its visitor one at
         * a time and has no such limit.
         */
        public Builder maxListEntries(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxListEntries must be at least 1: "
                        + entries);
            }
            this.maxListEntries = entries;
            return this;
        }

        /**
         * Sets the maximum total UTF-8 bytes of the paths, without their line ends, that one
         * {@code list} call collects, 16 MiB by default. A listing with more fails with {@link
         * io.storagedriver.ListTooLargeException}. The collected paths take up to twice this
         * many bytes of heap, because Java stores a string that contains a character outside
         * Latin-1 at two bytes a character, plus the overhead of one string per entry.
         */
        public Builder maxListBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxListBytes must be at least 1: " + bytes);
            }
            this.maxListBytes = bytes;
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws IllegalArgumentException when JVM options are set for an executable driver
         */
        public DriverOptions build() {
            if (source == Source.EXECUTABLE && !jvmOptions.isEmpty()) {
                throw new IllegalArgumentException("the JVM options " + describeJvmOptions(
                        jvmOptions) + " cannot apply to the driver executable " + executable
                        + ", which the host starts as it is, without a JVM of its own. Remove "
                        + "the JVM options, put them in the java command of the driver's "
                        + "launcher script, or start a Java driver with "
                        + "DriverOptions.mainClass");
            }
            return new DriverOptions(this);
        }

        private static Duration positive(Duration timeout, String what) {
            Objects.requireNonNull(timeout, what);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + timeout);
            }
            return timeout;
        }
    }
}
