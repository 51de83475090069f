package io.storagedriver.client;

import io.storagedriver.internal.process.DriverLocator;
import io.storagedriver.internal.process.LaunchCommand;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The drivers shipped in this library, found by name when no executable of that name is in the
 * drivers directory or on PATH. They run as Java main classes on the library's own classpath.
 */
final class BundledDrivers {
    static final String IN_MEMORY_CLASS = "io.storagedriver.drivers.InMemoryDriver";
    static final String FILESYSTEM_CLASS = "io.storagedriver.drivers.FilesystemDriver";

    /** Classes whose jars or folders a bundled driver needs on its classpath. */
    private static final List<String> RUNTIME_CLASSES = List.of(
            "io.storagedriver.client.DriverClient",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty",
            "org.slf4j.LoggerFactory",
            "org.newsclub.net.unix.AFUNIXSocket",
            "org.newsclub.lib.junixsocket.common.NarMetadata");

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
        options.addAll(jvmOptions);
        return DriverLocator.forMainClass(name, mainClass, classpath, options);
    }

    /** Returns the jars or class folders that hold this library and its dependencies. */
    static List<Path> runtimeClasspath() {
        Set<Path> entries = new LinkedHashSet<>();
        ClassLoader loader = BundledDrivers.class.getClassLoader();
        for (String className : RUNTIME_CLASSES) {
            try {
                CodeSource source = Class.forName(className, false, loader)
                        .getProtectionDomain().getCodeSource();
                if (source != null && source.getLocation() != null) {
                    entries.add(Path.of(source.getLocation().toURI()));
                }
            } catch (ClassNotFoundException | URISyntaxException | SecurityException e) {
                // An optional part is missing; the driver reports what it lacks when it starts.
            }
        }
        return List.copyOf(entries);
    }
}
