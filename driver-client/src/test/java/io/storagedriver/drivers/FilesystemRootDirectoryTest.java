package io.storagedriver.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.storagedriver.InvalidParametersException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors for a {@code rootdirectory} that the filesystem driver cannot use: each states in
 * words what is wrong and what to do, and none contains the path or a Java exception name.
 */
class FilesystemRootDirectoryTest {
    @TempDir
    Path temporary;

    /** Opens the driver on {@code root} and returns the message of its rejection. */
    private static String rejection(Path root) {
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> FilesystemDriver.factory().create(Map.of("rootdirectory", root.toString())),
                "opening the driver on " + root);
        String message = e.getMessage();
        assertTrue(message.contains("the parameter rootdirectory names no usable root "
                + "directory: "), "message names the parameter: " + message);
        assertFalse(message.contains(root.toString()), "message contains the path: " + message);
        assertFalse(message.contains("Exception"),
                "message names a Java exception: " + message);
        return message;
    }

    private static void assertContains(String expected, String message) {
        assertTrue(message.contains(expected),
                "message contains \"" + expected + "\", actual: " + message);
    }

    private static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    @Test
    void regularFileIsRejected() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "x");

        String message = rejection(file);

        assertContains("it is a file, not a directory. Set it to a directory, or to a path "
                + "that does not exist yet, which the driver creates", message);
    }

    @Test
    void fileAsParentIsRejected() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "x");

        String message = rejection(file.resolve("store/deeper"));

        assertContains("one of its parents is a file, not a directory, so no directory can be "
                + "created below it. Set the parameter to a path whose parents are directories",
                message);
    }

    @Test
    void linkToMissingTargetIsRejected() throws IOException {
        Path link = Files.createSymbolicLink(temporary.resolve("link"),
                temporary.resolve("missing"));

        String message = rejection(link);

        assertContains("it is a symbolic link to a missing target. Create the link's target "
                + "directory, or set the parameter to an existing directory", message);
    }

    @Test
    void parentLinkToMissingTargetIsRejected() throws IOException {
        Path link = Files.createSymbolicLink(temporary.resolve("link"),
                temporary.resolve("missing"));

        String message = rejection(link.resolve("store"));

        assertContains("it does not exist, and one of its parents is a symbolic link to a "
                + "missing target", message);
    }

    @Test
    void deviceFileIsRejected() {
        Path device = Path.of("/dev/null");
        assumeTrue(Files.exists(device), "/dev/null exists");

        String message = rejection(device);

        assertContains("it is neither a directory nor a regular file", message);
    }

    @Test
    void directoryWithoutWritePermissionIsRejected() throws IOException {
        assumeFalse(isRoot(), "root may write to any directory on a writable file system");
        Path directory = Files.createDirectory(temporary.resolve("read-only"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));

        String message = rejection(directory);

        assertContains("the driver's user may not write to the directory (permission denied)",
                message);
        assertContains("Let this user write to it, or choose another directory", message);
    }

    /** Linux rejects new directories in sysfs, even from root, with EPERM. */
    @Test
    void directoryOfSysfsIsRejected() {
        Path sysfs = Path.of("/sys/kernel");
        assumeTrue(Files.isDirectory(sysfs), "sysfs is mounted");
        assumeFalse(Files.exists(sysfs.resolve(FilesystemTree.STAGING_NAME)),
                "sysfs contains no staging directory");

        String message = rejection(sysfs);

        assertContains("the driver's user may not write to the directory", message);
        assertContains(FilesystemTree.STAGING_NAME, message);
    }

    @Test
    void missingDirectoryInSysfsIsRejected() {
        Path missing = Path.of("/sys/kernel/storagedriver-missing/store");
        assumeTrue(Files.isDirectory(missing.getParent().getParent()), "sysfs is mounted");

        String message = rejection(missing);

        assertContains("it does not exist, and the driver cannot create it in its nearest "
                + "existing parent directory: ", message);
        assertContains("Create the directory beforehand and let the driver's user write to it",
                message);
    }

    @Test
    void usableDirectoryIsAccepted() throws IOException {
        Path directory = Files.createDirectory(temporary.resolve("store"));

        FilesystemDriver driver = FilesystemDriver.open(directory);

        assertEquals(directory.toRealPath(), driver.rootDirectory(), "root directory");
    }

    @Test
    void fileErrorsLeaveOutPaths() {
        String secret = "/secret-root/a";
        Map<IOException, String> expected = Map.of(
                new AccessDeniedException(secret), "permission denied",
                new NoSuchFileException(secret), "no such file or directory",
                new FileSystemException(secret, null, "No space left on device"),
                "No space left on device",
                new AtomicMoveNotSupportedException(secret, "/secret-target", "cross-device"),
                "the file system cannot rename it atomically",
                new IOException("Input/output error"), "Input/output error");

        for (Map.Entry<IOException, String> error : expected.entrySet()) {
            String description = FileErrors.describe(error.getKey());
            IOException cause = FileErrors.withoutPaths(error.getKey());

            assertEquals(error.getValue(), description, "description of " + error.getKey());
            assertFalse(cause.getMessage().contains("secret"),
                    "cause message of " + error.getKey() + ": " + cause.getMessage());
            assertEquals(error.getKey().getStackTrace().length, cause.getStackTrace().length,
                    "stack trace length of the cause of " + error.getKey());
        }
    }
}
