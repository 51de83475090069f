package io.storagedriver.junit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Turns raw {@code key=value} parameter entries into the map sent to the driver, resolving the
 * placeholders {@code ${tempdir}}, {@code ${sys:NAME}} and {@code ${env:NAME}}.
 *
 * <p>Error messages name the parameter key and the placeholder but never a value, because values
 * may be secrets.
 */
final class Placeholders {
    private static final String TEMPDIR = "tempdir";
    private static final String SYSTEM_PROPERTY = "sys:";
    private static final String ENVIRONMENT = "env:";

    private Placeholders() {}

    /**
     * Resolves every entry. {@code tempDirectory} is called for each {@code ${tempdir}} and must
     * return the same directory every time.
     *
     * @param origin where the entries come from, for messages
     * @throws ExtensionConfigurationException for a malformed entry, an unknown placeholder, or a
     *     property or variable that is not set
     */
    static Map<String, String> resolve(
            List<String> entries, Supplier<Path> tempDirectory, String origin) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            int equals = entry.indexOf('=');
            if (equals <= 0 || entry.substring(0, equals).isBlank()) {
                // The entry is not shown: it may be part of a secret value that contained a comma.
                String commas = origin.contains(StorageDriverConfiguration.PARAMETERS)
                        ? "; values in " + StorageDriverConfiguration.PARAMETERS
                                + " cannot contain commas"
                        : "";
                throw new ExtensionConfigurationException("Driver parameter number " + (i + 1)
                        + " in " + origin + " is not of the form key=value with a non-empty key"
                        + commas);
            }
            String key = key(entry);
            String value = resolveValue(entry.substring(equals + 1), key, tempDirectory, origin);
            if (parameters.put(key, value) != null) {
                throw new ExtensionConfigurationException("Driver parameter \"" + key
                        + "\" is given twice in " + origin + "; give each parameter once");
            }
        }
        return parameters;
    }

    /** Returns the key of a key=value entry, or the whole entry when it has no "=". */
    static String key(String entry) {
        int equals = entry.indexOf('=');
        return (equals < 0 ? entry : entry.substring(0, equals)).strip();
    }

    /** Checks every entry without creating a temporary directory. */
    static void check(List<String> entries, String origin) {
        resolve(entries, () -> Path.of("tempdir"), origin);
    }

    private static String resolveValue(
            String raw, String key, Supplier<Path> tempDirectory, String origin) {
        StringBuilder value = new StringBuilder();
        int position = 0;
        while (position < raw.length()) {
            if (raw.startsWith("$${", position)) {
                value.append("${");
                position += 3;
                continue;
            }
            if (!raw.startsWith("${", position)) {
                value.append(raw.charAt(position));
                position++;
                continue;
            }
            int close = raw.indexOf('}', position + 2);
            if (close < 0) {
                throw new ExtensionConfigurationException("The value of driver parameter \"" + key
                        + "\" in " + origin + " has a \"${\" without a closing \"}\"; write $${ "
                        + "for a literal ${");
            }
            String placeholder = raw.substring(position + 2, close);
            value.append(lookup(placeholder, key, tempDirectory, origin));
            position = close + 1;
        }
        return value.toString();
    }

    private static String lookup(
            String placeholder, String key, Supplier<Path> tempDirectory, String origin) {
        String where = " in the value of driver parameter \"" + key + "\" in " + origin;
        if (placeholder.equals(TEMPDIR)) {
            return tempDirectory.get().toString();
        }
        if (placeholder.startsWith(SYSTEM_PROPERTY)) {
            String name = placeholder.substring(SYSTEM_PROPERTY.length());
            String value = name.isEmpty() ? null : System.getProperty(name);
            if (value == null) {
                throw new ExtensionConfigurationException("The placeholder ${" + placeholder + "}"
                        + where + " cannot be resolved: the system property \"" + name
                        + "\" is not set; pass it with -D" + name + "=...");
            }
            return value;
        }
        if (placeholder.startsWith(ENVIRONMENT)) {
            String name = placeholder.substring(ENVIRONMENT.length());
            String value = name.isEmpty() ? null : System.getenv(name);
            if (value == null) {
                throw new ExtensionConfigurationException("The placeholder ${" + placeholder + "}"
                        + where + " cannot be resolved: the environment variable \"" + name
                        + "\" is not set; set it in the environment of the test JVM");
            }
            return value;
        }
        throw new ExtensionConfigurationException("The placeholder ${" + placeholder + "}" + where
                + " is unknown; use ${tempdir}, ${sys:NAME} or ${env:NAME}, or $${ for a "
                + "literal ${");
    }
}
