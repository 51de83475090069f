package io.storagedriver.client;

import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.process.LaunchCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class data sharing archives (the JDK's dynamic AppCDS) for the bundled drivers, so that a
 * driver JVM maps the classes it needs instead of loading and verifying them from the jars.
 *
 * <p>The first start of a bundled driver with a given JVM and class path runs with {@code
 * -XX:ArchiveClassesAtExit}, which makes the driver's JVM write the classes it loaded to a file
 * as it exits. After an exit with status 0 the client moves that file into place, and later
 * starts pass it with {@code -XX:SharedArchiveFile}. The JVM checks an archive against its own
 * build and the class path, and under the {@code -Xshare:auto} that every Java driver launch
 * passes it ignores an archive that does not match.
 *
 * <p>The archives live in {@code $XDG_CACHE_HOME/storagedriver/cds}, by default {@code
 * ~/.cache/storagedriver/cds}. Classes in an archive run in every driver that maps it, so the
 * directory must belong to the current user and be closed to others. When it is not, or cannot
 * be created, no archive is used. The directory keeps the {@value #MAX_ARCHIVES} most recently
 * used archives. A recording's temporary file, {@code <archive>.jsa.<host pid>-<n>.tmp}, is
 * deleted by the first start in a later host JVM once the host that named it has exited, or
 * once it is a day old. Set the system property {@value #PROPERTY} to {@code false} to turn
 * archives off.
 */
final class ClassDataArchive {
    /** The system property that turns archives off when it is {@code false}. */
    static final String PROPERTY = "storagedriver.classDataSharing";

    static final String RECORD_OPTION = "-XX:ArchiveClassesAtExit=";
    static final String USE_OPTION = "-XX:SharedArchiveFile=";

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    private static final String SUFFIX = ".jsa";

    /**
     * The number of archives kept, the most recently used first. Each is 3 to 4 MB, and every
     * new class path, such as each build directory of a project, records one more.
     */
    static final int MAX_ARCHIVES = 8;

    /** The age after which a recording that no driver finished is deleted. */
    private static final Duration ABANDONED_RECORDING_AGE = Duration.ofDays(1);
    private static final Duration PID_REUSE_MARGIN = Duration.ofMinutes(1);
    /**
     * The name of a recording's temporary file as {@link #jvmOptions} makes it: the archive's
     * name, then the process id of the host JVM that would move it into place and a number.
     */
    private static final Pattern RECORDING_NAME = Pattern.compile(
            "[^-./]+-[0-9a-f]{16}-[0-9a-f]{16}\\.jsa\\.([0-9]{1,19})-[0-9]{1,19}\\.tmp");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
            PosixFilePermissions.fromString("rwx------");

    /** Archives that a driver of this JVM is recording, so that one start per archive does. */
    private static final Set<Path> RECORDING = ConcurrentHashMap.newKeySet();
    /** Archives whose recording ended without a file, which this JVM does not try again. */
    private static final Set<Path> UNRECORDABLE = ConcurrentHashMap.newKeySet();
    private static final AtomicLong PENDING_NUMBER = new AtomicLong();
    /**
     * Recordings that {@link #jvmOptions} handed out and that no {@link #watch} or {@link
     * #abandon} has taken yet. Only these are moved into place or deleted, so that a caller who
     * passes its own {@code -XX:ArchiveClassesAtExit} keeps its files.
     */
    private static final Set<Path> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** Archive directories whose abandoned recordings this JVM has deleted already. */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private ClassDataArchive() {}

    /**
     * Returns the JVM options that use or record the archive of {@code mainClass} on {@code
     * classpath} with the current JVM, or no options when archives are off or unavailable.
     */
    static List<String> jvmOptions(String mainClass, List<Path> classpath) {
        return jvmOptions(mainClass, classpath, cacheRoot());
    }

    /** Returns the options as {@link #jvmOptions(String, List)} does, for archives below root. */
    static List<String> jvmOptions(String mainClass, List<Path> classpath, Path cacheRoot) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip())) {
            return List.of();
        }
        if (!classpath.stream().allMatch(Files::isRegularFile)) {
            // The JVM archives classes from jars only. It records no archive at all, and fails
            // at exit, when the class path contains a non-empty directory such as target/classes.
            return List.of();
        }
        try {
            Optional<Path> directory = privateDirectory(cacheRoot);
            if (directory.isEmpty()) {
                return List.of();
            }
            if (SWEPT.add(directory.get())) {
                deleteAbandonedRecordings(directory.get());
            }
            Path archive = directory.get().resolve(fileName(mainClass, classpath));
            if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
                markUsed(archive);
                return List.of(USE_OPTION + archive);
            }
            if (UNRECORDABLE.contains(archive) || !RECORDING.add(archive)) {
                return List.of();
            }
            Path pending = archive.resolveSibling(archive.getFileName() + "."
                    + ProcessHandle.current().pid() + "-" + PENDING_NUMBER.incrementAndGet()
                    + ".tmp");
            HANDED_OUT.add(pending);
            return List.of(RECORD_OPTION + pending);
        } catch (IOException | RuntimeException e) {
            LOG.debug("class data sharing archive not available mainClass={} error={}",
                    mainClass, e.toString());
            return List.of();
        }
    }

    /**
     * Moves the archive that a started driver records into place once the driver has exited
     * with status 0, and deletes it otherwise. Does nothing unless the launch records an archive
     * that {@link #jvmOptions} chose, so a caller's own {@code -XX:ArchiveClassesAtExit} file is
     * left alone.
     */
    static void watch(LaunchCommand command, DriverProcess process) {
        Optional<Path> pending = pendingArchive(command);
        if (pending.isPresent()) {
            process.onExit().whenComplete((code, error) ->
                    finish(pending.get(), error == null && code != null && code == 0));
        }
    }

    /** Forgets the archive of a launch whose process never started. */
    static void abandon(LaunchCommand command) {
        pendingArchive(command).ifPresent(pending -> finish(pending, false));
    }

    /** Takes the recording of a launch whose options {@link #jvmOptions} returned. */
    private static Optional<Path> pendingArchive(LaunchCommand command) {
        return command.command().stream()
                .filter(argument -> argument.startsWith(RECORD_OPTION))
                .map(argument -> Path.of(argument.substring(RECORD_OPTION.length())))
                .filter(HANDED_OUT::remove)
                .findFirst();
    }

    /** Moves a recorded archive into place, or deletes it when the driver did not exit cleanly. */
    static void finish(Path pending, boolean exitedCleanly) {
        String name = pending.getFileName().toString();
        Path archive = pending.resolveSibling(name.substring(0, name.indexOf(SUFFIX)
                + SUFFIX.length()));
        try {
            if (exitedCleanly && Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                LOG.debug("class data sharing archive created archive={}", archive);
                deleteOutdated(archive);
                deleteLeastRecentlyUsed(archive.getParent());
            } else {
                if (exitedCleanly) {
                    UNRECORDABLE.add(archive);
                }
                Files.deleteIfExists(pending);
            }
        } catch (IOException e) {
            LOG.debug("class data sharing archive not kept archive={} error={}", archive,
                    e.toString());
        } finally {
            RECORDING.remove(archive);
        }
    }

    /**
     * Deletes the archives for the same JVM, main class and class path entries whose jars have
     * changed since, which share the first part of the name.
     */
    private static void deleteOutdated(Path archive) throws IOException {
        String name = archive.getFileName().toString();
        String family = name.substring(0, name.lastIndexOf('-') + 1);
        try (DirectoryStream<Path> siblings =
                Files.newDirectoryStream(archive.getParent(), family + "*" + SUFFIX)) {
            for (Path sibling : siblings) {
                if (!sibling.equals(archive)) {
                    Files.deleteIfExists(sibling);
                }
            }
        }
    }

    /** Deletes all archives but the {@link #MAX_ARCHIVES} most recently used. */
    static void deleteLeastRecentlyUsed(Path directory) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            files.forEach(archives::add);
        }
        archives.sort(Comparator.comparing(ClassDataArchive::lastModified).reversed());
        for (Path stale : archives.subList(Math.min(MAX_ARCHIVES, archives.size()),
                archives.size())) {
            Files.deleteIfExists(stale);
        }
        deleteAbandonedRecordings(directory);
    }

    /**
     * Deletes the temporary files of recordings that no host will move into place: those whose
     * host JVM has exited, as when a host ends or is killed before its driver has written the
     * archive, and those older than {@link #ABANDONED_RECORDING_AGE}. Only files named
     * as {@link #jvmOptions} names them are touched, and a file of a host that still runs is kept
     * unless that process started after the file was last written, so its id was reused.
     */
    static void deleteAbandonedRecordings(Path directory) throws IOException {
        Instant abandoned = Instant.now().minus(ABANDONED_RECORDING_AGE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.tmp")) {
            for (Path file : files) {
                Matcher name = RECORDING_NAME.matcher(file.getFileName().toString());
                if (!name.matches() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Instant written = lastModified(file).toInstant();
                if (written.isBefore(abandoned) || !hostRuns(name.group(1), written)) {
                    Files.deleteIfExists(file);
                    LOG.debug("abandoned class data sharing recording deleted file={}", file);
                }
            }
        }
    }

    /** Returns whether the host JVM with this process id may still move a recording written then. */
    private static boolean hostRuns(String pid, Instant written) {
        Optional<ProcessHandle> host;
        try {
            host = ProcessHandle.of(Long.parseLong(pid));
        } catch (NumberFormatException e) {
            return false;
        }
        if (host.isEmpty() || !host.get().isAlive()) {
            return false;
        }
        // The start time is known to about a second, and a host starts well before its driver
        // writes, so only a process that started a minute after the write has a reused id.
        Optional<Instant> started = host.get().info().startInstant();
        return started.isEmpty() || !started.get().isAfter(written.plus(PID_REUSE_MARGIN));
    }

    /** Records a use in the archive's modification time, which orders the deletion. */
    private static void markUsed(Path archive) {
        try {
            Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("class data sharing archive not marked as used archive={} error={}",
                    archive, e.toString());
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /**
     * Returns the archive's file name: the main class and two digests. The first covers the JVM,
     * the main class and the class path entries. The second covers the JVM's version and the
     * entries' sizes and modification times, so that a rebuilt jar gets a new archive.
     */
    static String fileName(String mainClass, List<Path> classpath) throws IOException {
        StringBuilder identity = new StringBuilder()
                .append(System.getProperty("java.home")).append('\n')
                .append(mainClass).append('\n');
        StringBuilder version = new StringBuilder()
                .append(System.getProperty("java.vm.version")).append('\n');
        for (Path entry : classpath) {
            Path absolute = entry.toAbsolutePath();
            identity.append(absolute).append('\n');
            if (Files.isRegularFile(absolute)) {
                version.append(Files.size(absolute)).append(' ')
                        .append(Files.getLastModifiedTime(absolute).toMillis()).append('\n');
            } else {
                version.append("-\n");
            }
        }
        String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1)
                .toLowerCase(Locale.ROOT);
        return simpleName + "-" + digest(identity) + "-" + digest(version) + SUFFIX;
    }

    private static String digest(CharSequence text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return Path.of(System.getProperty("user.home"), ".cache");
    }

    /**
     * Returns {@code <root>/storagedriver/cds}, created if needed, when it belongs to the current
     * user and others may not write to it. Returns empty otherwise.
     */
    static Optional<Path> privateDirectory(Path root) throws IOException {
        Path directory = root.resolve("storagedriver").resolve("cds");
        Files.createDirectories(directory.getParent());
        try {
            Files.createDirectory(directory,
                    PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // Created before or by a concurrent start, and checked below either way.
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            LOG.debug("class data sharing archives off: {} is not a directory", directory);
            return Optional.empty();
        }
        UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal me = directory.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        Set<PosixFilePermission> permissions =
                Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me) || !PRIVATE_DIRECTORY.containsAll(permissions)) {
            LOG.debug("class data sharing archives off: {} belongs to {} with permissions {},"
                    + " but must belong to {} with at most rwx------", directory, owner,
                    PosixFilePermissions.toString(permissions), me);
            return Optional.empty();
        }
        return Optional.of(directory);
    }
}
