package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.FileInfo;
import io.storagedriver.PathNotFoundException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Checks {@code stat}: size, kind and modification time. */
public class StatChecks extends CheckSupport {
    /** How far a modification time may lie from the test's clock; covers clock skew. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(1);

    @Test
    @CheckId("stat.file-size-and-kind")
    public void fileHasSizeAndIsNoDirectory() {
        String file = path("file");
        driver.putContent(file, new byte[1234]);
        FileInfo info = driver.stat(file);
        assertEquals(file, info.path(), "path returned by stat(" + file + ")");
        assertEquals(1234, info.size(), "size returned by stat(" + file + ")");
        assertFalse(info.isDirectory(), "stat(" + file + ") of a file returned isDir true");
    }

    @Test
    @CheckId("stat.directory-kind")
    public void directoryIsDirectoryOfSizeZero() {
        driver.putContent(path("dir/file"), new byte[10]);
        String dir = path("dir");
        FileInfo info = driver.stat(dir);
        assertTrue(info.isDirectory(), "stat(" + dir + ") of a directory returned isDir false");
        assertEquals(0, info.size(), "size returned by stat(" + dir + ") of a directory");
        assertEquals(dir, info.path(), "path returned by stat(" + dir + ")");
    }

    @Test
    @CheckId("stat.modification-time-recent")
    public void modificationTimeIsRecent() {
        String file = path("file");
        Instant before = Instant.now();
        driver.putContent(file, new byte[] {1});
        Instant after = Instant.now();
        Instant modified = driver.stat(file).modificationTime();
        assertTrue(!modified.isBefore(before.minus(CLOCK_TOLERANCE))
                        && !modified.isAfter(after.plus(CLOCK_TOLERANCE)),
                "modification time returned by stat(" + file + ") is " + modified
                        + ", expected within " + CLOCK_TOLERANCE.toMinutes() + " minute of the "
                        + "write between " + before + " and " + after);
    }

    @Test
    @CheckId("stat.missing-not-found")
    public void missingPathIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "stat(" + missing + ")",
                () -> driver.stat(missing));
        driver.putContent(path("file"), new byte[1]);
        String below = path("file/below");
        Expect.raises(PathNotFoundException.class, "stat(" + below + ") below a file",
                () -> driver.stat(below));
    }

    @Test
    @CheckId("stat.same-name-child")
    public void directoryWithChildOfItsOwnName() {
        String child = path("x/x");
        driver.putContent(child, new byte[7]);
        FileInfo parent = driver.stat(path("x"));
        assertTrue(parent.isDirectory(), "stat(" + path("x") + ") returned isDir false, but "
                + child + " is below it");
        FileInfo file = driver.stat(child);
        assertFalse(file.isDirectory(), "stat(" + child + ") of a file returned isDir true");
        assertEquals(7, file.size(), "size returned by stat(" + child + ")");
    }

    @Test
    @CheckId("stat.root-is-directory")
    public void rootIsDirectory() {
        driver.putContent(path("file"), new byte[1]);
        FileInfo root = driver.stat("/");
        assertTrue(root.isDirectory(), "stat(/) returned isDir false");
        assertEquals(0, root.size(), "size returned by stat(/)");
    }
}
