package io.storagedriver.maven;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Check ids and the globs that select them. Every check of the suite shows its stable id first
 * in its display name, as in {@code content.empty-round-trip: stores and reads back no bytes}.
 */
final class CheckIds {
    private static final Pattern ID_PREFIX = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*):\\s");

    private CheckIds() {}

    /** Returns the check id that starts {@code displayName}, or empty when it has none. */
    static Optional<String> fromDisplayName(String displayName) {
        Matcher matcher = ID_PREFIX.matcher(displayName);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /**
     * Returns whether {@code id} matches {@code glob}, in which {@code *} matches any run of
     * characters (dots included) and {@code ?} matches one character. Matching is case-sensitive.
     */
    static boolean matches(String glob, String id) {
        return matches(glob, 0, id, 0);
    }

    /** Returns whether {@code id} matches at least one of {@code globs}. */
    static boolean matchesAny(List<String> globs, String id) {
        for (String glob : globs) {
            if (matches(glob, id)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String glob, int g, String id, int i) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                for (int rest = i; rest <= id.length(); rest++) {
                    if (matches(glob, g + 1, id, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (i >= id.length() || (c != '?' && c != id.charAt(i))) {
                return false;
            }
            g++;
            i++;
        }
        return i == id.length();
    }
}
