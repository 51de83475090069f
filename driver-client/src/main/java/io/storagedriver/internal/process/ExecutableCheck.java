package io.storagedriver.internal.process;

import io.storagedriver.DriverStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Checks that a driver executable can be run, before anything is spawned. */
final class ExecutableCheck {
    private ExecutableCheck() {}

    /**
     * Raises {@link DriverStartException} unless {@code executable} is an existing regular file
     * that the current user may execute. The message names the path, states whether it exists and
     * whether it is executable, and suggests a fix.
     */
    static void requireExecutable(String driverName, Path executable) {
        boolean exists = Files.exists(executable);
        if (!exists) {
            String detail = Files.isSymbolicLink(executable)
                    ? "is a symbolic link to a missing file"
                    : "does not exist";
            throw failure(driverName, executable, detail + " (exists=false, executable=false)",
                    "Install the driver at that path, or give the path of an existing executable.");
        }
        boolean executableBit = Files.isExecutable(executable);
        if (!Files.isRegularFile(executable)) {
            String kind = Files.isDirectory(executable) ? "a directory" : "not a regular file";
            throw failure(driverName, executable,
                    "is " + kind + " (exists=true, executable=" + executableBit + ")",
                    "Give the path of the driver's executable file.");
        }
        if (!executableBit) {
            throw failure(driverName, executable, "is not executable (exists=true, "
                            + "executable=false, permissions=" + permissions(executable) + ")",
                    "Make it executable, for example with chmod +x " + executable + ".");
        }
    }

    /** Returns whether {@code file} is an existing regular file that the current user may run. */
    static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static DriverStartException failure(
            String driverName, Path executable, String problem, String fix) {
        String message = "driver " + driverName + " cannot start: the executable " + executable
                + " " + problem + ". " + fix;
        return new DriverStartException(driverName, message, List.of(), null);
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }
}
