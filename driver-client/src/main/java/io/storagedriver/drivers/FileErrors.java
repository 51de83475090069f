package io.storagedriver.drivers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Describes file system failures of {@link FilesystemDriver} in words, without the host paths
 * that the JDK's messages contain. The root directory is a driver parameter, and parameter
 * values may be secrets, so they never go into an error message or a log line.
 */
final class FileErrors {
    /** Maximum length in bytes of a name on Linux file systems such as ext4 and XFS. */
    static final int NAME_MAX = 255;
    /** Maximum length in bytes of a path in a Linux system call, with its terminating zero. */
    static final int PATH_MAX = 4096;

    private FileErrors() {}

    /**
     * Returns what went wrong with the storage path {@code path} below {@code root}, as {@link
     * #describe(IOException)} does, but names the length limit that a path over it broke. The
     * message contains the storage path's names, never the root directory.
     */
    static String describe(IOException e, Path root, String path) {
        if (!isNameTooLong(e)) {
            return describe(e);
        }
        String longest = "";
        for (String name : path.split("/")) {
            if (name.length() > longest.length()) {
                longest = name;
            }
        }
        // Storage paths are ASCII, so a name's length in characters is its length in bytes.
        if (longest.length() > NAME_MAX) {
            return "the name " + longest.substring(0, 16) + "... in the path is "
                    + longest.length() + " bytes long, over the file system's limit of "
                    + NAME_MAX + " bytes per name; use names of at most " + NAME_MAX + " bytes";
        }
        long hostBytes = root.toString().getBytes(StandardCharsets.UTF_8).length
                + (long) path.length() + 1;
        if (hostBytes > PATH_MAX) {
            return "together with the root directory, the path is longer than the operating"
                    + " system's limit of " + PATH_MAX + " bytes for a file's path; use a"
                    + " shorter path or root directory";
        }
        return "the file system refused a name or the path as too long, although the longest"
                + " name has " + longest.length() + " of the " + NAME_MAX + " bytes that most"
                + " Linux file systems allow and the path fits the operating system's limit of "
                + PATH_MAX + " bytes; use shorter names, or a root directory on a file system"
                + " such as ext4 or XFS";
    }

    private static boolean isNameTooLong(IOException e) {
        return e instanceof FileSystemException failure
                && "File name too long".equals(failure.getReason());
    }

    /** Returns what went wrong, such as "permission denied", without any file name. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file already exists there";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "a loop of symbolic links";
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "the file system cannot rename it atomically";
        }
        if (e instanceof FileSystemException failure) {
            // The reason is the operating system's error text, such as "No space left on
            // device", which the JDK keeps apart from the file names.
            return failure.getReason() != null ? failure.getReason()
                    : "the file system reported " + e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage()
                : "an I/O error (" + e.getClass().getSimpleName() + ")";
    }

    /**
     * Returns an exception with the description of {@code e} as its message and the stack trace
     * of {@code e}, to keep as the cause of a driver's exception, whose stack trace the SDK logs.
     */
    static IOException withoutPaths(IOException e) {
        IOException copy = new IOException(e.getClass().getSimpleName() + ": " + describe(e));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /**
     * Returns why {@code root} cannot be the root directory, after creating or opening it failed
     * with {@code e}, and what to do about it. Looks at the path and its parents to tell a file
     * in the way, a symbolic link to nothing and a directory that may not be written apart.
     */
    static String rootDirectoryProblem(Path root, IOException e) {
        Path absolute = root.toAbsolutePath();
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return existingRootProblem(absolute, e);
        }
        Path ancestor = absolute.getParent();
        while (ancestor != null && !Files.exists(ancestor, LinkOption.NOFOLLOW_LINKS)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null) {
            return "it does not exist, and creating it failed: " + describe(e);
        }
        if (Files.isSymbolicLink(ancestor) && !Files.exists(ancestor)) {
            return "it does not exist, and one of its parents is a symbolic link to a missing "
                    + "target. Create the link's target, or set the parameter to a path without "
                    + "that link";
        }
        if (!Files.isDirectory(ancestor)) {
            return "one of its parents is a file, not a directory, so no directory can be "
                    + "created below it. Set the parameter to a path whose parents are "
                    + "directories";
        }
        return "it does not exist, and the driver cannot create it in its nearest existing "
                + "parent directory: " + describe(e) + ". Create the directory beforehand and let "
                + "the driver's user write to it, or choose a path below a directory that this "
                + "user may write to";
    }

    private static String existingRootProblem(Path absolute, IOException e) {
        if (Files.isSymbolicLink(absolute) && !Files.exists(absolute)) {
            return "it is a symbolic link to a missing target. Create the link's target "
                    + "directory, or set the parameter to an existing directory";
        }
        if (Files.isRegularFile(absolute)) {
            return "it is a file, not a directory. Set it to a directory, or to a path that does "
                    + "not exist yet, which the driver creates";
        }
        if (!Files.isDirectory(absolute)) {
            return "it is neither a directory nor a regular file. Set it to a directory, or to "
                    + "a path that does not exist yet, which the driver creates";
        }
        if (e instanceof AccessDeniedException || isPermissionReason(e)) {
            return "the driver's user may not write to the directory (" + describe(e) + "), "
                    + "and the driver keeps its files and its staging directory "
                    + FilesystemTree.STAGING_NAME + " there. Let this user write to it, or "
                    + "choose another directory";
        }
        return "the directory cannot be written: " + describe(e) + ". Choose a directory on a "
                + "writable file system with free space";
    }

    private static boolean isPermissionReason(IOException e) {
        return e instanceof FileSystemException failure
                && "Operation not permitted".equals(failure.getReason());
    }
}
