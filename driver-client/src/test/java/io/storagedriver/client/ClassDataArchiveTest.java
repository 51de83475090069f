package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.internal.process.LaunchCommand;
import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    private static final String MAIN_CLASS = "com.example.SomeDriver";

    @TempDir
    Path temp;

    @Test
    void firstStartRecordsLaterStartsUse() throws IOException {
        Path jar = jar("driver.jar");
        Path cache = temp.resolve("cache");

        List<String> first = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);
        assertEquals(1, first.size(), "options of the first start: " + first);
        assertTrue(first.get(0).startsWith(ClassDataArchive.RECORD_OPTION), first.get(0));
        Path pending = optionPath(first.get(0), ClassDataArchive.RECORD_OPTION);
        assertEquals(cache.resolve("storagedriver").resolve("cds"), pending.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pending.getParent())));

        assertEquals(List.of(), ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache),
                "a second start while the first records");

        Files.write(pending, new byte[] {1, 2, 3});
        ClassDataArchive.finish(pending, true);
        assertFalse(Files.exists(pending), "the recorded file was moved");

        List<String> later = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);
        assertEquals(1, later.size(), "options of a later start: " + later);
        assertTrue(later.get(0).startsWith(ClassDataArchive.USE_OPTION), later.get(0));
        assertTrue(Files.isRegularFile(optionPath(later.get(0), ClassDataArchive.USE_OPTION)));
    }

    @Test
    void failedRecordingIsDeleted() throws IOException {
        Path jar = jar("failing.jar");
        Path cache = temp.resolve("cache");
        List<String> first = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);
        Path pending = optionPath(first.get(0), ClassDataArchive.RECORD_OPTION);
        Files.write(pending, new byte[] {1});

        ClassDataArchive.finish(pending, false);

        assertFalse(Files.exists(pending), "the partial file was deleted");
        List<String> retry = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);
        assertTrue(retry.get(0).startsWith(ClassDataArchive.RECORD_OPTION),
                "a later start records again: " + retry);
    }

    @Test
    void rebuiltJarReplacesArchive() throws IOException {
        Path jar = jar("rebuilt.jar");
        Path cache = temp.resolve("cache");
        Path old = record(jar, cache);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Path rebuilt = record(jar, cache);

        assertNotEquals(old, rebuilt);
        assertTrue(Files.exists(rebuilt), "archive of the rebuilt jar");
        assertFalse(Files.exists(old), "archive of the old jar was deleted");
    }

    @Test
    void newArchiveEvictsLeastRecentlyUsed() throws IOException {
        Path cache = temp.resolve("cache");
        Path jar = jar("evicting.jar");
        ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar("other.jar")), cache);
        Path directory = cache.resolve("storagedriver").resolve("cds");
        long now = System.currentTimeMillis();
        int older = ClassDataArchive.MAX_ARCHIVES + 2;
        for (int i = 0; i < older; i++) {
            Path archive = Files.write(directory.resolve("old-" + i + ".jsa"), new byte[] {1});
            Files.setLastModifiedTime(archive, FileTime.fromMillis(now - 60_000L * (i + 1)));
        }
        Path abandoned = Files.write(directory.resolve(
                recordingName(ProcessHandle.current().pid())), new byte[] {1});
        Files.setLastModifiedTime(abandoned, FileTime.fromMillis(now - 2 * 86_400_000L));

        Path recorded = record(jar, cache);

        assertTrue(Files.exists(recorded), "the new archive is kept");
        for (int i = 0; i < older; i++) {
            Path archive = directory.resolve("old-" + i + ".jsa");
            boolean kept = i < ClassDataArchive.MAX_ARCHIVES - 1;
            assertEquals(kept, Files.exists(archive), archive + " kept");
        }
        assertFalse(Files.exists(abandoned), "a day-old recording is deleted");
    }

    @Test
    void recordingsOfExitedHostsAreDeletedAtStart() throws IOException, InterruptedException {
        Path cache = temp.resolve("cache");
        Path directory = Files.createDirectories(cache.resolve("storagedriver").resolve("cds"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        Path jar = jar("leftovers.jar");
        Path archive = Files.write(directory.resolve(
                ClassDataArchive.fileName(MAIN_CLASS, List.of(jar))), new byte[] {1});
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        long self = ProcessHandle.current().pid();
        Path killed = Files.write(directory.resolve(recordingName(exited.pid())), new byte[] {1});
        Path running = Files.write(directory.resolve(recordingName(self)), new byte[] {1});
        Path foreign = Files.write(directory.resolve("notes.jsa." + exited.pid() + "-1.tmp"),
                new byte[] {1});
        Path unrelated = Files.write(directory.resolve("download.tmp"), new byte[] {1});
        Files.setLastModifiedTime(unrelated, FileTime.fromMillis(0));

        List<String> options = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);

        assertEquals(List.of(ClassDataArchive.USE_OPTION + archive), options);
        assertFalse(Files.exists(killed), "recording of an exited host was kept");
        assertTrue(Files.exists(running), "recording of a running host was deleted");
        assertTrue(Files.exists(foreign), "a file not named like a recording was deleted");
        assertTrue(Files.exists(unrelated), "a file not named like a recording was deleted");
    }

    @Test
    void callersOwnRecordingIsLeftAlone() throws IOException {
        Path own = Files.write(temp.resolve("app-1.jsa"), new byte[] {1});
        LaunchCommand command = new LaunchCommand("own", List.of("java",
                ClassDataArchive.RECORD_OPTION + own, "-cp", jar("own.jar").toString(),
                MAIN_CLASS), SocketPlacement.FD0, Optional.empty());

        ClassDataArchive.abandon(command);

        assertTrue(Files.exists(own), "the caller's archive was deleted");
    }

    @Test
    void abandonDeletesHandedOutRecording() throws IOException {
        Path jar = jar("abandoned.jar");
        List<String> options = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar),
                temp.resolve("cache"));
        Path pending = optionPath(options.get(0), ClassDataArchive.RECORD_OPTION);
        Files.write(pending, new byte[] {1});
        LaunchCommand command = new LaunchCommand("abandoned", List.of("java", options.get(0),
                "-cp", jar.toString(), MAIN_CLASS), SocketPlacement.FD0, Optional.empty());

        ClassDataArchive.abandon(command);

        assertFalse(Files.exists(pending), "the handed-out recording was kept");
    }

    @Test
    void directoryOnClassPathGetsNoArchive() throws IOException {
        Path classes = Files.createDirectory(temp.resolve("classes"));
        assertEquals(List.of(), ClassDataArchive.jvmOptions(
                MAIN_CLASS, List.of(jar("lib.jar"), classes), temp.resolve("cache")));
    }

    @Test
    void directoryOpenToOthersGetsNoArchive() throws IOException {
        Path cache = temp.resolve("cache");
        Path directory = Files.createDirectories(cache.resolve("storagedriver").resolve("cds"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertEquals(List.of(), ClassDataArchive.jvmOptions(
                MAIN_CLASS, List.of(jar("open.jar")), cache));
    }

    @Test
    void propertyFalseTurnsArchivesOff() throws IOException {
        Path jar = jar("off.jar");
        String previous = System.getProperty(ClassDataArchive.PROPERTY);
        System.setProperty(ClassDataArchive.PROPERTY, "false");
        try {
            assertEquals(List.of(), ClassDataArchive.jvmOptions(
                    MAIN_CLASS, List.of(jar), temp.resolve("cache")));
        } finally {
            if (previous == null) {
                System.clearProperty(ClassDataArchive.PROPERTY);
            } else {
                System.setProperty(ClassDataArchive.PROPERTY, previous);
            }
        }
    }

    /** Records an archive for the jar as a driver that exits cleanly would, and returns it. */
    private static Path record(Path jar, Path cache) throws IOException {
        List<String> options = ClassDataArchive.jvmOptions(MAIN_CLASS, List.of(jar), cache);
        Path pending = optionPath(options.get(0), ClassDataArchive.RECORD_OPTION);
        Files.write(pending, new byte[] {1});
        ClassDataArchive.finish(pending, true);
        String name = pending.getFileName().toString();
        return pending.resolveSibling(name.substring(0, name.indexOf(".jsa") + 4));
    }

    /** Returns a recording's temporary file name as a host with this process id makes it. */
    private static String recordingName(long pid) {
        return "somedriver-0123456789abcdef-fedcba9876543210.jsa." + pid + "-1.tmp";
    }

    private Path jar(String name) throws IOException {
        return Files.write(temp.resolve(name), new byte[] {0x50, 0x4b, 5, 6});
    }

    private static Path optionPath(String option, String prefix) {
        return Path.of(option.substring(prefix.length()));
    }
}
