package io.storagedriver.drivers;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Helpers that name the parameters a bundled driver was given, in messages and log lines. They
 * show only the names, because parameter values may be secrets.
 */
final class DriverParameters {
    private DriverParameters() {}

    /** Returns the names in alphabetical order, separated by commas, such as "a, b". */
    static String names(Collection<String> names) {
        return names.stream().sorted().collect(Collectors.joining(", "));
    }

    /**
     * Logs a warning naming the parameters in {@code given} that are not in {@code known}, which
     * the driver ignores, so that a misspelled name does not go unnoticed.
     */
    static void warnUnknown(Logger log, Collection<String> given, Set<String> known) {
        String unknown = names(given.stream().filter(name -> !known.contains(name)).toList());
        if (!unknown.isEmpty()) {
            log.warn("ignoring unknown parameters: {}; this driver takes {}", unknown,
                    known.isEmpty() ? "no parameters" : names(known));
        }
    }
}
