package io.storagedriver.internal.process;

import static io.storagedriver.internal.process.TestDrivers.shellScript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverNotFoundException;
import io.storagedriver.DriverStartException;
import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverLocatorTest {
    private static final LaunchCommand BUNDLED_INMEMORY = new LaunchCommand(
            "inmemory", List.of("/usr/bin/java", "Main"), SocketPlacement.FD0, Optional.empty());

    @TempDir
    Path root;

    private Path driversDirectory;
    private Path firstPath;
    private Path secondPath;

    @BeforeEach
    void createDirectories() throws IOException {
        driversDirectory = Files.createDirectory(root.resolve("drivers"));
        firstPath = Files.createDirectory(root.resolve("bin1"));
        secondPath = Files.createDirectory(root.resolve("bin2"));
    }

    @Test
    void driversDirectoryBeforePath() throws IOException {
        Path inDrivers = shellScript(driversDirectory, "registry-storagedriver-s3", "exit 0");
        shellScript(firstPath, "registry-storagedriver-s3", "exit 0");

        LaunchCommand command = locator(Optional.of(driversDirectory), Map.of()).locate("s3");

        assertEquals(List.of(inDrivers.toString()), command.command());
        assertEquals("s3", command.driverName());
        assertEquals(SocketPlacement.FD3_VIA_SHELL, command.placement());
        assertEquals(Optional.of(inDrivers), command.checkedExecutable());
    }

    @Test
    void pathSearchedInOrder() throws IOException {
        shellScript(firstPath, "registry-storagedriver-other", "exit 0");
        Path second = shellScript(secondPath, "registry-storagedriver-s3", "exit 0");
        Path third = shellScript(root, "registry-storagedriver-s3", "exit 0");
        String path = String.join(File.pathSeparator,
                firstPath.toString(), secondPath.toString(), root.toString());

        LaunchCommand command = new DriverLocator(Optional.of(driversDirectory), path, Map.of())
                .locate("s3");

        assertEquals(List.of(second.toString()), command.command());
        assertFalse(command.command().contains(third.toString()));
    }

    @Test
    void bundledDriverAfterPath() throws IOException {
        Supplier<LaunchCommand> bundled = () -> BUNDLED_INMEMORY;

        LaunchCommand fromBundle =
                locator(Optional.empty(), Map.of("inmemory", bundled)).locate("inmemory");
        Path onPath = shellScript(secondPath, "registry-storagedriver-inmemory", "exit 0");
        LaunchCommand fromPath =
                locator(Optional.empty(), Map.of("inmemory", bundled)).locate("inmemory");

        assertSame(BUNDLED_INMEMORY, fromBundle);
        assertEquals(List.of(onPath.toString()), fromPath.command());
    }

    @Test
    void notFoundListsSearchedPlacesInOrder() {
        Path missingDirectory = root.resolve("absent");
        String path = String.join(File.pathSeparator,
                firstPath.toString(), missingDirectory.toString(), secondPath.toString());
        DriverLocator locator = new DriverLocator(Optional.of(driversDirectory), path,
                Map.of("inmemory", () -> BUNDLED_INMEMORY));

        DriverNotFoundException error =
                assertThrows(DriverNotFoundException.class, () -> locator.locate("s3"));

        String file = "registry-storagedriver-s3";
        assertEquals(List.of(
                driversDirectory.resolve(file) + " (drivers directory)",
                firstPath.resolve(file) + " (PATH)",
                missingDirectory.resolve(file) + " (PATH, directory does not exist)",
                secondPath.resolve(file) + " (PATH)",
                "bundled drivers [inmemory]"), error.searched());
        assertEquals("s3", error.driverName());
        for (String place : error.searched()) {
            assertTrue(error.getMessage().contains(place), error.getMessage());
        }
        assertTrue(error.getMessage().contains("Put an executable file named " + file),
                error.getMessage());
        assertTrue(error.getMessage().contains("give the path"), error.getMessage());
    }

    @Test
    void nonExecutableCandidateSkippedAndReported() throws IOException {
        Path plain = Files.writeString(
                driversDirectory.resolve("registry-storagedriver-s3"), "#!/bin/sh\n");
        Path onPath = shellScript(firstPath, "registry-storagedriver-s3", "exit 0");
        DriverLocator locator = locator(Optional.of(driversDirectory), Map.of());

        LaunchCommand command = locator.locate("s3");
        Files.delete(onPath);
        DriverNotFoundException error =
                assertThrows(DriverNotFoundException.class, () -> locator.locate("s3"));

        assertEquals(List.of(onPath.toString()), command.command());
        assertEquals(plain + " (drivers directory, exists but is not an executable file)",
                error.searched().get(0));
    }

    @Test
    void emptyPathEntriesSkipped() {
        String path = File.pathSeparator + firstPath + File.pathSeparator + File.pathSeparator;

        DriverLocator locator = new DriverLocator(Optional.empty(), path, Map.of());

        assertEquals(List.of(firstPath), locator.searchDirectories());
    }

    @Test
    void invalidNameRejected() {
        DriverLocator locator = locator(Optional.of(driversDirectory), Map.of());

        for (String name : List.of("", "../s3", "a/b", "-x", ".hidden", "s 3")) {
            DriverStartException error =
                    assertThrows(DriverStartException.class, () -> locator.locate(name));
            assertTrue(error.getMessage().contains("invalid driver name"), error.getMessage());
        }
    }

    @Test
    void forExecutableDerivesNameFromFile() throws IOException {
        Path prefixed = shellScript(root, "registry-storagedriver-gcs", "exit 0");
        Path other = shellScript(root, "my-driver", "exit 0");

        LaunchCommand fromPrefixed = DriverLocator.forExecutable(prefixed);
        LaunchCommand fromOther = DriverLocator.forExecutable(other);

        assertEquals("gcs", fromPrefixed.driverName());
        assertEquals("my-driver", fromOther.driverName());
        assertEquals(List.of(prefixed.toString()), fromPrefixed.command());
        assertEquals(SocketPlacement.FD3_VIA_SHELL, fromPrefixed.placement());
    }

    @Test
    void forExecutableMakesPathAbsolute() throws IOException {
        Path script = shellScript(root, "registry-storagedriver-rel", "exit 0");
        Path relative = Path.of("").toAbsolutePath().relativize(script);

        LaunchCommand command = DriverLocator.forExecutable(relative);
        Path executable = Path.of(command.executable());

        assertTrue(executable.isAbsolute(), executable.toString());
        assertTrue(Files.isSameFile(script, executable), executable.toString());
    }

    @Test
    void forExecutableRejectsMissingFile() {
        Path missing = root.resolve("registry-storagedriver-none");

        DriverStartException error = assertThrows(
                DriverStartException.class, () -> DriverLocator.forExecutable(missing));

        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("exists=false"), error.getMessage());
        assertEquals("none", error.driverName());
    }

    @Test
    void forExecutableRejectsNonExecutableFile() throws IOException {
        Path plain = Files.writeString(root.resolve("registry-storagedriver-plain"), "x");

        DriverStartException error = assertThrows(
                DriverStartException.class, () -> DriverLocator.forExecutable(plain));

        assertTrue(error.getMessage().contains(plain.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("exists=true, executable=false"),
                error.getMessage());
        assertTrue(error.getMessage().contains("chmod +x " + plain), error.getMessage());
    }

    @Test
    void forExecutableRejectsDirectory() {
        DriverStartException error = assertThrows(
                DriverStartException.class, () -> DriverLocator.forExecutable(firstPath));

        assertTrue(error.getMessage().contains("is a directory"), error.getMessage());
    }

    @Test
    void forMainClassUsesCurrentJavaAndFd0() {
        Path classes = root.resolve("classes");
        Path jar = root.resolve("lib.jar");

        LaunchCommand command = DriverLocator.forMainClass("fs", "com.example.Main",
                List.of(classes, jar), List.of("-Xmx64m"));

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> expected = new java.util.ArrayList<>();
        expected.add(java.toString());
        expected.addAll(DriverLocator.DRIVER_JVM_OPTIONS);
        expected.addAll(List.of("-Xmx64m", "-cp", classes + File.pathSeparator + jar,
                "com.example.Main"));
        assertEquals(expected, command.command());
        assertEquals(SocketPlacement.FD0, command.placement());
        assertEquals(Optional.of(java), command.checkedExecutable());
        assertEquals("fs", command.driverName());
    }

    @Test
    void forMainClassRejectsSeparatorInClasspath() {
        Path odd = root.resolve("a" + File.pathSeparator + "b");

        assertThrows(IllegalArgumentException.class, () -> DriverLocator.forMainClass(
                "fs", "com.example.Main", List.of(odd), List.of()));
        assertThrows(IllegalArgumentException.class, () -> DriverLocator.forMainClass(
                "fs", "com.example.Main", List.of(), List.of()));
    }

    private DriverLocator locator(
            Optional<Path> drivers, Map<String, Supplier<LaunchCommand>> bundled) {
        String path = String.join(File.pathSeparator, firstPath.toString(), secondPath.toString());
        return new DriverLocator(drivers, path, bundled);
    }
}
