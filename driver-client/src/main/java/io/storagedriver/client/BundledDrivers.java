package io.storagedriver.client;

import io.storagedriver.internal.logging.DriverLogging;
import io.storagedriver.internal.process.DriverLocator;
import io.storagedriver.internal.process.LaunchCommand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers shipped in this library, found by name when no executable of that name is in the
 * drivers directory or on PATH. They run as Java main classes on the library's own classpath,
 * and log through {@code io.storagedriver.internal.logging.DriverLogProvider} to standard error,
 * which the host logs.
 */
final class BundledDrivers {
    static final String IN_MEMORY_CLASS = "io.storagedriver.drivers.InMemoryDriver";
    static final String FILESYSTEM_CLASS = "io.storagedriver.drivers.FilesystemDriver";

    /**
     * Classes whose jars or folders a bundled driver needs on its classpath, besides the
     * slf4j-api jar that {@link #slf4jApi} chooses.
     */
    private static final List<String> RUNTIME_CLASSES = List.of(
            "io.storagedriver.client.DriverClient",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty",
            "org.newsclub.net.unix.AFUNIXSocket",
            "org.newsclub.lib.junixsocket.common.NarMetadata");

    private static final Logger LOG = LoggerFactory.getLogger(BundledDrivers.class);

    private BundledDrivers() {}

    /** Returns the launches of the bundled drivers, each with {@code jvmOptions} last. */
    static Map<String, Supplier<LaunchCommand>> launchers(List<String> jvmOptions) {
        return Map.of(
                "inmemory", () -> launcher("inmemory", IN_MEMORY_CLASS, jvmOptions),
                "filesystem", () -> launcher("filesystem", FILESYSTEM_CLASS, jvmOptions));
    }

    /** Names a main-class driver for logs before its handshake: the bundled name or the class. */
    static String nameOf(String mainClass) {
        if (mainClass.equals(IN_MEMORY_CLASS)) {
            return "inmemory";
        }
        if (mainClass.equals(FILESYSTEM_CLASS)) {
            return "filesystem";
        }
        String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        return simple.toLowerCase(Locale.ROOT);
    }

    static List<Path> splitClasspath(String classpath) {
        List<Path> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }

    /**
     * Builds the launch, with a class data sharing archive when one can be used, and then the
     * caller's JVM options.
     */
    private static LaunchCommand launcher(String name, String mainClass,
            List<String> jvmOptions) {
        List<Path> classpath = runtimeClasspath();
        List<String> options = new ArrayList<>(ClassDataArchive.jvmOptions(mainClass, classpath));
        options.addAll(DriverLogging.SELECT_OPTIONS);
        options.addAll(jvmOptions);
        return DriverLocator.forMainClass(name, mainClass, classpath, options);
    }

    /** Returns the jars or class folders that hold this library and its dependencies. */
    static List<Path> runtimeClasspath() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String className : RUNTIME_CLASSES) {
            location(className).ifPresent(entries::add);
        }
        slf4jApi().ifPresent(entries::add);
        return List.copyOf(entries);
    }

    /** Returns the jar or class folder of a class, or empty when it cannot be found. */
    private static Optional<Path> location(String className) {
        try {
            CodeSource source = Class.forName(className, false,
                    BundledDrivers.class.getClassLoader()).getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return Optional.of(Path.of(source.getLocation().toURI()));
            }
        } catch (ClassNotFoundException | URISyntaxException | SecurityException e) {
            // An optional part is missing; the driver reports what it lacks when it starts.
        }
        return Optional.empty();
    }

    /**
     * Returns the slf4j-api jar for a driver's JVM: the host's own when it is SLF4J 2.0.9 or
     * later, which reads the system property {@code slf4j.provider}. Maven 3.9 gives every plugin
     * its own slf4j-api 1.7.36 in place of the one the plugin depends on, and 1.7 would print a
     * warning in the driver and drop its log. Then the jar of the version that this library was
     * built against is taken from the Maven repository that contains this library's jar, where
     * Maven resolved it as a dependency of the plugin.
     */
    static Optional<Path> slf4jApi() {
        Optional<Path> host = location("org.slf4j.LoggerFactory");
        if (readsProviderProperty()) {
            return host;
        }
        Optional<Path> library = location("io.storagedriver.client.DriverClient");
        Optional<Path> built = library.flatMap(jar -> slf4jApiBeside(jar, builtSlf4jVersion()));
        if (built.isEmpty()) {
            LOG.debug("no slf4j-api {} in the Maven repository of {}; bundled drivers get the "
                    + "host's older slf4j-api {}, which drops their log", builtSlf4jVersion(),
                    library.orElse(null), host.orElse(null));
            return host;
        }
        return built;
    }

    /** Returns whether the host's SLF4J selects a provider by system property, as 2.0.9 does. */
    private static boolean readsProviderProperty() {
        try {
            LoggerFactory.class.getField("PROVIDER_PROPERTY_KEY");
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    /**
     * Returns the jar of slf4j-api {@code version} in the Maven repository that contains {@code
     * libraryJar}, when that jar lies at {@code <repository>/io/storagedriver/driver-client/
     * <version>/} and the slf4j-api jar exists.
     */
    static Optional<Path> slf4jApiBeside(Path libraryJar, String version) {
        Path versionDirectory = libraryJar.toAbsolutePath().getParent();
        Path artifact = versionDirectory == null ? null : versionDirectory.getParent();
        Path group = artifact == null ? null : artifact.getParent();
        Path groupTop = group == null ? null : group.getParent();
        Path repository = groupTop == null ? null : groupTop.getParent();
        if (repository == null || version.isEmpty()
                || !artifact.getFileName().toString().equals("driver-client")
                || !group.getFileName().toString().equals("storagedriver")
                || !groupTop.getFileName().toString().equals("io")) {
            return Optional.empty();
        }
        Path jar = repository.resolve(Path.of("org", "slf4j", "slf4j-api", version,
                "slf4j-api-" + version + ".jar"));
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /** Returns the slf4j-api version this library was built against, or "" when unknown. */
    static String builtSlf4jVersion() {
        Properties properties = new Properties();
        try (InputStream in = BundledDrivers.class.getResourceAsStream(
                "bundled-drivers.properties")) {
            if (in == null) {
                return "";
            }
            properties.load(in);
        } catch (IOException e) {
            return "";
        }
        return properties.getProperty("slf4j.version", "");
    }
}
