package io.storagedriver.maven;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Resolves driver parameter values that refer to an environment variable ({@code env:NAME}) or a
 * Java system property ({@code sys:NAME}), so that secrets need not appear in the POM or on the
 * command line. Maven prints configured parameter values under {@code -X}, so references are
 * resolved only here, inside the goal, and the resolved values are never logged.
 */
final class ParameterValues {
    static final String ENV_PREFIX = "env:";
    static final String SYS_PREFIX = "sys:";

    private ParameterValues() {}

    /**
     * Returns {@code configured} with every reference replaced by the value it names; other values
     * are kept as they are. A null map or null value counts as empty.
     *
     * @param environment returns an environment variable's value, or null when it is not set
     * @param systemProperties returns a system property's value, or null when it is not set
     * @throws CannotRunException when a reference names a variable or property that is not set;
     *     the message names the parameter and the reference, never a value
     */
    static Map<String, String> resolve(Map<String, String> configured,
            UnaryOperator<String> environment, UnaryOperator<String> systemProperties)
            throws CannotRunException {
        Map<String, String> resolved = new LinkedHashMap<>();
        if (configured == null) {
            return resolved;
        }
        for (Map.Entry<String, String> entry : configured.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue();
            String reference = value.strip();
            if (reference.startsWith(ENV_PREFIX)) {
                value = lookUp(key, reference, "environment variable", environment);
            } else if (reference.startsWith(SYS_PREFIX)) {
                value = lookUp(key, reference, "system property", systemProperties);
            }
            resolved.put(key, value);
        }
        return resolved;
    }

    /**
     * Parses the command-line form {@code key=value,key=value}. Blank entries are skipped. The
     * message for an invalid entry gives its position, never its text, which may be a secret.
     */
    static Map<String, String> parse(String text) throws CannotRunException {
        Map<String, String> parsed = new LinkedHashMap<>();
        String[] entries = text.split(",");
        for (int i = 0; i < entries.length; i++) {
            int equals = entries[i].indexOf('=');
            if (entries[i].isBlank()) {
                continue;
            }
            if (equals <= 0 || entries[i].substring(0, equals).isBlank()) {
                throw new CannotRunException("Entry " + (i + 1) + " of storagedriver.parameters"
                        + " is not of the form key=value. Write key=value,key=value.");
            }
            parsed.put(entries[i].substring(0, equals).strip(), entries[i].substring(equals + 1));
        }
        return parsed;
    }

    private static String lookUp(String key, String reference, String kind,
            UnaryOperator<String> source) throws CannotRunException {
        String name = reference.substring(reference.indexOf(':') + 1);
        if (name.isEmpty()) {
            throw new CannotRunException("Driver parameter '" + key + "' has the reference '"
                    + reference + "' without a name. Write " + reference + "NAME.");
        }
        String value = source.apply(name);
        if (value == null) {
            throw new CannotRunException("Driver parameter '" + key + "' refers to the " + kind
                    + " " + name + ", which is not set. Set it before running Maven, or change"
                    + " the parameter's value.");
        }
        return value;
    }
}
