package io.storagedriver.internal.process;

import io.storagedriver.DriverNotFoundException;
import io.storagedriver.DriverStartException;
import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the driver for a name and builds the {@link LaunchCommand} that starts it.
 *
 * <p>A driver named {@code s3} is the executable file {@code registry-storagedriver-s3}. The
 * locator looks for it in the drivers directory, if one is configured, then in each PATH
 * directory in order, and last among the bundled drivers: Java drivers that ship with the client
 * and start in a child JVM.
 */
public final class DriverLocator {
    /** The start of every driver executable's file name; the driver's name follows it. */
    public static final String EXECUTABLE_PREFIX = "registry-storagedriver-";

    /**
     * JVM options that {@link #forMainClass} puts before the caller's options, so that the
     * caller can override them. {@code -Xshare:auto}, the JDK's default, uses the class data
     * sharing archive when there is one. {@code -XX:+UseSerialGC} was measured and left out,
     * because on JDK 17 the archive's preloaded heap objects work only with G1, and a minimal
     * echo driver took about 6 ms longer to echo its first byte (medians of 40 starts on 2
     * vCPUs). {@code -XX:TieredStopAtLevel=1} started a driver that loads Jackson about 40 ms
     * sooner (medians of 15 starts) but lowers its peak throughput, so it is left to the caller.
     */
    static final List<String> DRIVER_JVM_OPTIONS = List.of("-Xshare:auto");

    private static final Logger log = LoggerFactory.getLogger(DriverLocator.class);

    /** Driver names become file names, logger names and thread names. */
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Optional<Path> driversDirectory;
    private final List<Path> pathDirectories;
    private final Map<String, Supplier<LaunchCommand>> bundled;

    /**
     * Creates a locator.
     *
     * @param driversDirectory a directory searched before PATH, or empty
     * @param pathVariable the PATH value to search, directories separated by {@link
     *     File#pathSeparator}. Null or empty searches no PATH directory. Empty entries are
     *     skipped rather than read as the working directory, so that a stray separator cannot
     *     make the working directory a source of executables.
     * @param bundled suppliers of launch commands for drivers that ship with the client,
     *     consulted after PATH
     */
    public DriverLocator(
            Optional<Path> driversDirectory,
            String pathVariable,
            Map<String, Supplier<LaunchCommand>> bundled) {
        this.driversDirectory = Objects.requireNonNull(driversDirectory, "driversDirectory")
                .map(Path::toAbsolutePath);
        this.pathDirectories = parsePath(pathVariable);
        this.bundled = Map.copyOf(Objects.requireNonNull(bundled, "bundled"));
    }

    /** Creates a locator that searches the PATH of the current process. */
    public static DriverLocator withSystemPath(
            Optional<Path> driversDirectory, Map<String, Supplier<LaunchCommand>> bundled) {
        return new DriverLocator(driversDirectory, System.getenv("PATH"), bundled);
    }

    /**
     * Returns the launch command for the driver {@code name}: the first executable {@code
     * registry-storagedriver-<name>} in the drivers directory or on PATH, or else the bundled
     * driver of that name. A file of that name that exists but is not executable is skipped, as
     * a shell skips it, and the error lists it if nothing else is found.
     *
     * @throws DriverNotFoundException listing every place searched, in order
     * @throws DriverStartException when the name is invalid
     */
    public LaunchCommand locate(String name) {
        requireValidName(name);
        String fileName = EXECUTABLE_PREFIX + name;
        List<String> searched = new ArrayList<>();
        if (driversDirectory.isPresent()) {
            Optional<Path> found =
                    probe(driversDirectory.get(), fileName, "drivers directory", searched);
            if (found.isPresent()) {
                return located(name, found.get(), "drivers directory");
            }
        }
        for (Path directory : pathDirectories) {
            Optional<Path> found = probe(directory, fileName, "PATH", searched);
            if (found.isPresent()) {
                return located(name, found.get(), "PATH");
            }
        }
        Supplier<LaunchCommand> supplier = bundled.get(name);
        searched.add("bundled drivers " + new TreeSet<>(bundled.keySet()));
        if (supplier != null) {
            LaunchCommand command = supplier.get();
            log.debug("driver located name={} source=bundled", name);
            return command;
        }
        throw notFound(name, fileName, searched);
    }

    /**
     * Returns the launch command for a driver executable given by path, with the socket on fd
     * 3. The driver's name is the file name without {@value #EXECUTABLE_PREFIX}, or the whole
     * file name when it lacks that prefix. The path is made absolute, so that the shell wrapper
     * never looks it up on PATH.
     *
     * @throws DriverStartException when the path does not exist, is not a regular file or is
     *     not executable
     */
    public static LaunchCommand forExecutable(Path executable) {
        Path absolute = Objects.requireNonNull(executable, "executable").toAbsolutePath();
        String name = nameFromFile(absolute);
        ExecutableCheck.requireExecutable(name, absolute);
        return shellLaunch(name, absolute);
    }

    /**
     * Returns the launch command for a Java driver that runs {@code mainClass} in a new JVM of
     * the same Java installation as the current one, with the socket on fd 0. The argv is the
     * java executable, {@link #DRIVER_JVM_OPTIONS}, {@code jvmOptions}, {@code -cp} with the
     * classpath joined by {@link File#pathSeparator}, and the main class.
     *
     * @throws IllegalArgumentException when the classpath is empty or an entry contains the path
     *     separator
     * @throws DriverStartException when the name is invalid or no java executable is found
     */
    public static LaunchCommand forMainClass(
            String driverName, String mainClass, List<Path> classpath, List<String> jvmOptions) {
        requireValidName(driverName);
        Objects.requireNonNull(mainClass, "mainClass");
        if (mainClass.isBlank()) {
            throw new IllegalArgumentException("mainClass must not be blank");
        }
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("classpath must contain at least one entry");
        }
        List<String> entries = new ArrayList<>();
        for (Path entry : classpath) {
            String text = entry.toAbsolutePath().toString();
            if (text.contains(File.pathSeparator)) {
                throw new IllegalArgumentException("classpath entry " + text
                        + " contains the path separator " + File.pathSeparator);
            }
            entries.add(text);
        }
        Path java = javaExecutable(driverName);
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(DRIVER_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, entries));
        command.add(mainClass);
        return new LaunchCommand(driverName, command, SocketPlacement.FD0, Optional.of(java));
    }

    /** Returns the directories searched, in order: the drivers directory, then PATH. */
    public List<Path> searchDirectories() {
        List<Path> directories = new ArrayList<>();
        driversDirectory.ifPresent(directories::add);
        directories.addAll(pathDirectories);
        return List.copyOf(directories);
    }

    private static LaunchCommand located(String name, Path executable, String source) {
        log.debug("driver located name={} source={} executable={}", name, source, executable);
        return shellLaunch(name, executable);
    }

    private static LaunchCommand shellLaunch(String name, Path executable) {
        return new LaunchCommand(name, List.of(executable.toString()),
                SocketPlacement.FD3_VIA_SHELL, Optional.of(executable));
    }

    /**
     * Returns {@code directory/fileName} when it is an executable file, and otherwise records
     * the candidate, with the reason it was passed over, in {@code searched}.
     */
    private static Optional<Path> probe(
            Path directory, String fileName, String source, List<String> searched) {
        Path candidate = directory.resolve(fileName);
        if (ExecutableCheck.isExecutableFile(candidate)) {
            return Optional.of(candidate);
        }
        String note;
        if (!Files.isDirectory(directory)) {
            note = source + ", directory does not exist";
        } else if (Files.exists(candidate)) {
            note = source + ", exists but is not an executable file";
        } else {
            note = source;
        }
        searched.add(candidate + " (" + note + ")");
        return Optional.empty();
    }

    private DriverNotFoundException notFound(String name, String fileName, List<String> searched) {
        String places = driversDirectory.isPresent() ? "in the drivers directory or on PATH"
                : "on PATH (no drivers directory is configured)";
        String message = "driver " + name + " not found: no executable file " + fileName + " "
                + places + ", and no bundled driver of that name. Searched, in order: "
                + String.join(", ", searched) + ". Put an executable file named " + fileName
                + " in the drivers directory or in a directory on PATH, or give the path of the"
                + " driver's executable.";
        return new DriverNotFoundException(name, searched, message);
    }

    private static List<Path> parsePath(String pathVariable) {
        if (pathVariable == null || pathVariable.isEmpty()) {
            return List.of();
        }
        Set<Path> directories = new LinkedHashSet<>();
        for (String entry : pathVariable.split(Pattern.quote(File.pathSeparator))) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                directories.add(Path.of(entry).toAbsolutePath());
            } catch (InvalidPathException e) {
                log.debug("skipping invalid PATH entry reason={}", e.getReason());
            }
        }
        return List.copyOf(directories);
    }

    private static String nameFromFile(Path executable) {
        Path fileName = executable.getFileName();
        String text = fileName == null ? executable.toString() : fileName.toString();
        if (text.startsWith(EXECUTABLE_PREFIX) && text.length() > EXECUTABLE_PREFIX.length()) {
            return text.substring(EXECUTABLE_PREFIX.length());
        }
        return text;
    }

    private static void requireValidName(String name) {
        Objects.requireNonNull(name, "name");
        if (!VALID_NAME.matcher(name).matches()) {
            throw new DriverStartException(name, "invalid driver name \"" + name + "\": a name"
                    + " starts with a letter or digit and contains only letters, digits, '.', '_'"
                    + " and '-'", List.of(), null);
        }
    }

    /**
     * Returns the java launcher of the running Java installation: {@code java.home/bin/java},
     * or else the executable of the current process. {@code java.home} comes first because an
     * application started by a custom launcher that embeds the JVM has that launcher as its
     * process executable.
     */
    private static Path javaExecutable(String driverName) {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (ExecutableCheck.isExecutableFile(fromHome)) {
            return fromHome;
        }
        Optional<Path> fromProcess = ProcessHandle.current().info().command()
                .map(Path::of)
                .filter(ExecutableCheck::isExecutableFile);
        if (fromProcess.isPresent()) {
            return fromProcess.get();
        }
        throw new DriverStartException(driverName, "failed to start Java driver " + driverName
                + ": no java executable at " + fromHome + ", and the current process's executable"
                + " is unknown or not executable. Run the client with a full JDK or JRE.",
                List.of(), null);
    }
}
