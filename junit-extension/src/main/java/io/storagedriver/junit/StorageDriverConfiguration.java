package io.storagedriver.junit;

/**
 * Names of the JUnit configuration parameters that choose and configure the driver with the
 * empty id. Each is read as a configuration parameter first (for example from {@code
 * junit-platform.properties} or a launcher request), then as a system property of the same name.
 *
 * <p>When one of {@link #NAME}, {@link #EXECUTABLE} and {@link #MAIN_CLASS} is set, it replaces
 * the driver of the annotation together with the annotation's parameters, and {@link
 * #PARAMETERS} gives the new driver's parameters. When none of the three is set, {@link
 * #PARAMETERS} adds to the annotation's parameters and replaces those with the same key. {@link
 * #START_TIMEOUT} and {@link #CALL_TIMEOUT} replace the annotation's timeouts either way.
 */
public final class StorageDriverConfiguration {
    /** Driver name, as in {@link WithStorageDriver#name()}. */
    public static final String NAME = "storagedriver.name";

    /** Path of a driver executable, as in {@link WithStorageDriver#executable()}. */
    public static final String EXECUTABLE = "storagedriver.executable";

    /** Main class of a Java driver, as in {@link WithStorageDriver#mainClass}. */
    public static final String MAIN_CLASS = "storagedriver.mainClass";

    /**
     * Class path of the new JVM of a Java driver, as entries joined with {@link
     * java.io.File#pathSeparator}, such as {@code target/classes:lib/driver-client.jar}. Relative
     * entries are resolved against the working directory. It applies to the driver with the empty
     * id when that driver is a main class, named by {@link #MAIN_CLASS} or by the annotation.
     * Drivers started by name or executable ignore it. When it is empty or not set, the driver JVM
     * gets the {@code java.class.path} of this JVM.
     */
    public static final String CLASSPATH = "storagedriver.classpath";

    /**
     * Comma-separated {@code key=value} driver parameters, such as {@code
     * rootdirectory=${tempdir},readonly=false}. Values may use the placeholders of {@link
     * WithStorageDriver#parameters()} and cannot contain commas.
     */
    public static final String PARAMETERS = "storagedriver.parameters";

    /** Directory searched first for {@code registry-storagedriver-<name>} executables. */
    public static final String DRIVERS_DIRECTORY = "storagedriver.driversDirectory";

    /**
     * Maximum seconds for the driver with the empty id to start and finish its handshake, as a
     * whole number. It replaces {@link WithStorageDriver#startTimeoutSeconds()}, and 0 keeps the
     * annotation's value or, without one, the client's default of 30 seconds.
     */
    public static final String START_TIMEOUT = "storagedriver.startTimeout";

    /**
     * Maximum seconds for one call to the driver with the empty id, as a whole number. It
     * replaces {@link WithStorageDriver#callTimeoutSeconds()}, and 0 keeps the annotation's value
     * or, without one, the client's default of no limit.
     */
    public static final String CALL_TIMEOUT = "storagedriver.callTimeout";

    /**
     * Path of a file to which every line that the drivers started by the extension write to
     * standard output or standard error is appended, as {@code [stdout] line} or {@code [stderr]
     * line}, with a {@code #} line when each driver starts, exits and stops. A launcher such as
     * the Maven goal sets it to keep the whole log of its drivers. The file and its parent
     * directories are created when missing. When it cannot be written, the tests run on and a
     * warning is logged.
     */
    public static final String OUTPUT_LOG = "storagedriver.outputLog";

    /**
     * Absolute storage path under which the compatibility suite writes, such as {@code
     * /ci-run-42}. The default is a new {@code /storagedriver-suite-<uuid>} for every JVM.
     */
    public static final String ROOT_PREFIX = "storagedriver.rootPrefix";

    /** {@code true} runs the compatibility suite's benchmarks, which are off otherwise. */
    public static final String BENCHMARKS = "storagedriver.benchmarks";

    private StorageDriverConfiguration() {}
}
