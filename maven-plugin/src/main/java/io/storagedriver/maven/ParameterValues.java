package io.storagedriver.maven;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves driver parameter values that refer to an environment variable or a Java system
 * property, and writes every value in the placeholder syntax of the suite's JUnit extension.
 *
 * <p>A whole value {@code env:NAME} or {@code ${env:NAME}} is replaced by that environment
 * variable, and {@code sys:NAME} or {@code ${sys:NAME}} by that system property. Maven prints
 * configured parameter values under {@code -X}, so references are resolved only here, inside the
 * goal, and the resolved values are never logged.
 *
 * <p>The extension reads <code>${...}</code> in a value as a placeholder, so every <code>${</code>
 * is escaped as <code>$${</code>, and a value, such as a secret from the environment, always
 * reaches the driver exactly as it was. The one exception is {@code ${tempdir}} in a value that
 * the user wrote, which stays a placeholder: the suite replaces it with a new temporary
 * directory, deleted after the run. Any other <code>${...}</code> in a written value reaches the
 * driver unchanged.
 */
final class ParameterValues {
    static final String ENV_PREFIX = "env:";
    static final String SYS_PREFIX = "sys:";
    static final String TEMPDIR = "${tempdir}";

    /** A whole-value reference: {@code env:NAME} or {@code sys:NAME}, bare or braced. */
    private static final Pattern REFERENCE =
            Pattern.compile("(env:|sys:)(.*)|\\$\\{(env:|sys:)([^}]*)}");

    private ParameterValues() {}

    /**
     * Returns {@code configured} with every reference replaced by the value it names, and every
     * value in the extension's placeholder syntax. A null map counts as empty.
     *
     * @param environment returns an environment variable's value, or null when it is not set
     * @param systemProperties returns a system property's value, or null when it is not set
     * @throws CannotRunException when a value is empty or null, a reference names a variable or
     *     property that is not set or is empty, or a value contains a reference inside other
     *     text. The message names the parameter and the reference, never a value.
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
            Matcher reference = REFERENCE.matcher(value.strip());
            if (reference.matches()) {
                boolean braced = reference.group(3) != null;
                String prefix = braced ? reference.group(3) : reference.group(1);
                String name = braced ? reference.group(4) : reference.group(2);
                UnaryOperator<String> source =
                        prefix.equals(ENV_PREFIX) ? environment : systemProperties;
                resolved.put(key, escape(lookUp(key, reference.group(), prefix, name, source)));
                continue;
            }
            if (value.isEmpty()) {
                throw emptyValue(key);
            }
            if (value.contains("${" + ENV_PREFIX) || value.contains("${" + SYS_PREFIX)) {
                throw new CannotRunException("Driver parameter '" + key + "' contains a ${env:...}"
                        + " or ${sys:...} reference inside other text, and the goal resolves only"
                        + " a whole value such as env:NAME or ${env:NAME}. Put the whole value in"
                        + " the variable or property.");
            }
            resolved.put(key, escapeExceptTempdir(value));
        }
        return resolved;
    }

    /**
     * Returns the value that the driver receives for a value in the extension's placeholder
     * syntax: <code>$${</code> becomes <code>${</code>, and {@code ${tempdir}} becomes the
     * directory that {@code tempDirectory} returns, which must be the same every time.
     */
    static String decode(String value, Supplier<Path> tempDirectory) {
        StringBuilder decoded = new StringBuilder();
        int position = 0;
        while (position < value.length()) {
            if (value.startsWith("$${", position)) {
                decoded.append("${");
                position += 3;
            } else if (value.startsWith(TEMPDIR, position)) {
                decoded.append(tempDirectory.get());
                position += TEMPDIR.length();
            } else {
                decoded.append(value.charAt(position));
                position++;
            }
        }
        return decoded.toString();
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
            String key = entries[i].substring(0, equals).strip();
            if (parsed.put(key, entries[i].substring(equals + 1)) != null) {
                throw new CannotRunException("Driver parameter '" + key + "' is given twice in"
                        + " storagedriver.parameters. Give each parameter once.");
            }
        }
        return parsed;
    }

    /**
     * Returns the key=value text to parse: {@code typed}, the user property as typed, when it is
     * set, because Maven turns a {@code ${env:NAME}} in {@code interpolated} into the text null.
     *
     * @param interpolated the value that Maven gave the goal
     * @param typed the user property {@code storagedriver.parameters} as typed, or null
     * @throws CannotRunException when {@code typed} is null and a value in {@code interpolated} is
     *     null. The message names the parameter, never a value.
     */
    static String commandLineText(String interpolated, String typed) throws CannotRunException {
        if (typed != null) {
            return typed;
        }
        for (Map.Entry<String, String> entry : parse(interpolated).entrySet()) {
            if (entry.getValue().strip().equals("null")) {
                throw new CannotRunException("Driver parameter '" + entry.getKey() + "' in"
                        + " storagedriver.parameters is the text null, which is what Maven"
                        + " makes of a ${...} expression it cannot resolve. Pass the parameters"
                        + " with -Dstoragedriver.parameters=key=value on the command line, where"
                        + " the goal reads ${env:NAME} itself, or write env:NAME.");
            }
        }
        return interpolated;
    }

    /** Escapes every <code>${</code>, so that the extension passes the value on unchanged. */
    static String escape(String value) {
        return value.replace("${", "$${");
    }

    private static String escapeExceptTempdir(String value) {
        StringBuilder escaped = new StringBuilder();
        int position = 0;
        while (position < value.length()) {
            if (value.startsWith(TEMPDIR, position)) {
                escaped.append(TEMPDIR);
                position += TEMPDIR.length();
            } else if (value.startsWith("${", position)) {
                escaped.append("$${");
                position += 2;
            } else {
                escaped.append(value.charAt(position));
                position++;
            }
        }
        return escaped.toString();
    }

    private static String lookUp(String key, String reference, String prefix, String name,
            UnaryOperator<String> source) throws CannotRunException {
        String kind = prefix.equals(ENV_PREFIX) ? "environment variable" : "system property";
        if (name.isEmpty()) {
            throw new CannotRunException("Driver parameter '" + key + "' has the reference '"
                    + reference + "' without a name. Write " + prefix + "NAME.");
        }
        String value = source.apply(name);
        if (value == null) {
            throw new CannotRunException("Driver parameter '" + key + "' refers to the " + kind
                    + " " + name + ", which is not set. Set it before running Maven, or change"
                    + " the parameter's value.");
        }
        if (value.isEmpty()) {
            throw new CannotRunException("Driver parameter '" + key + "' refers to the " + kind
                    + " " + name + ", which is empty. Set it to the value before running Maven.");
        }
        return value;
    }

    private static CannotRunException emptyValue(String key) {
        return new CannotRunException("Driver parameter '" + key + "' is empty. Give it a value,"
                + " or read it from the environment or a system property with a whole value"
                + " env:NAME or sys:NAME, which the goal also accepts as ${env:NAME} or"
                + " ${sys:NAME}. In a POM, Maven turns a whole value ${...} that it cannot"
                + " resolve, such as ${env:NAME} or ${tempdir}, into an empty value, so write"
                + " env:NAME there, or $${tempdir} for a temporary directory.");
    }
}
