package io.storagedriver;

import java.util.Optional;

/**
 * The path rules shared by the client and every driver.
 *
 * <p>A path is absolute and slash-separated. Each component is one or more letters ({@code
 * A-Z}, {@code a-z}), digits, dots, underscores or dashes, and is neither {@code .} nor {@code
 * ..}. Empty paths, relative paths, {@code //} and a trailing {@code /} are invalid. The root
 * {@code /} is valid where a directory is expected and invalid where a file is.
 */
public final class StoragePaths {
    private StoragePaths() {}

    /**
     * Checks a path that may name the root, and returns it. Raises {@link InvalidPathException}
     * naming {@code driverName} when it breaks the rules.
     */
    public static String requireValid(String driverName, String path) {
        problem(path, true).ifPresent(reason -> {
            throw new InvalidPathException(driverName, String.valueOf(path), reason);
        });
        return path;
    }

    /** Checks a path that must name a file or directory other than the root, and returns it. */
    public static String requireValidNonRoot(String driverName, String path) {
        problem(path, false).ifPresent(reason -> {
            throw new InvalidPathException(driverName, String.valueOf(path), reason);
        });
        return path;
    }

    /** Returns whether {@code path} follows the rules; the root counts as valid. */
    public static boolean isValid(String path) {
        return problem(path, true).isEmpty();
    }

    /**
     * Returns the reason why {@code path} breaks the rules, or empty when it follows them.
     *
     * @param rootAllowed whether {@code /} itself is acceptable
     */
    public static Optional<String> problem(String path, boolean rootAllowed) {
        if (path == null || path.isEmpty()) {
            return Optional.of("the path is empty");
        }
        if (path.charAt(0) != '/') {
            return Optional.of("the path must be absolute, starting with /");
        }
        if (path.length() == 1) {
            return rootAllowed ? Optional.empty() : Optional.of("the root / is not a file");
        }
        if (path.endsWith("/")) {
            return Optional.of("the path must not end with /");
        }
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            Optional<String> componentProblem = componentProblem(path, start, end);
            if (componentProblem.isPresent()) {
                return componentProblem;
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /** Returns the parent of a valid non-root path; the parent of {@code /a} is {@code /}. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Returns the last component of a valid non-root path. */
    public static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Joins a valid directory path and one component. */
    public static String child(String directory, String name) {
        return directory.equals("/") ? "/" + name : directory + "/" + name;
    }

    private static Optional<String> componentProblem(String path, int start, int end) {
        if (start == end) {
            return Optional.of("the path must not contain an empty component (//)");
        }
        String component = path.substring(start, end);
        if (component.equals(".") || component.equals("..")) {
            return Optional.of("the component \"" + component + "\" is not allowed");
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!allowed) {
                return Optional.of(String.format(
                        "the character %s at index %d is not allowed; use letters, digits, "
                                + "'.', '_' or '-'", describe(c), i));
            }
        }
        return Optional.empty();
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
            return String.format("U+%04X", (int) c);
        }
        return "'" + c + "'";
    }
}
