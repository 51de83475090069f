package io.storagedriver.junit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * One {@link WithStorageDriver} annotation, checked and in a form that configuration can amend.
 *
 * @param id the driver id
 * @param source the driver, or empty for an annotation that only registers the extension
 * @param parameters the raw {@code key=value} entries, placeholders unresolved
 * @param lifecycle how long the driver lives
 * @param timeouts the start, call and stop timeouts; a zero duration keeps the client default
 * @param origin where the declaration comes from, for messages
 */
record DriverDeclaration(
        String id,
        Optional<DriverSource> source,
        List<String> parameters,
        WithStorageDriver.Lifecycle lifecycle,
        Timeouts timeouts,
        String origin) {

    /** The timeouts of one driver; {@link Duration#ZERO} keeps the client's default. */
    record Timeouts(Duration start, Duration call, Duration stop) {
        static final Timeouts DEFAULTS = new Timeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO);

        /** Returns these timeouts, each replaced by the one of {@code other} where that is set. */
        Timeouts overriddenBy(Timeouts other) {
            return new Timeouts(
                    other.start.isZero() ? start : other.start,
                    other.call.isZero() ? call : other.call,
                    other.stop.isZero() ? stop : other.stop);
        }
    }

    DriverDeclaration {
        parameters = List.copyOf(parameters);
    }

    /**
     * Reads and checks an annotation found on {@code element}.
     *
     * @throws ExtensionConfigurationException when it names more than one driver, gives
     *     parameters without a driver or has a negative timeout
     */
    static DriverDeclaration of(WithStorageDriver annotation, AnnotatedElement element) {
        String origin = "@WithStorageDriver" + (annotation.id().isEmpty()
                ? "" : "(id = \"" + annotation.id() + "\")") + " on " + describe(element);
        List<DriverSource> sources = new ArrayList<>();
        addIfSet(sources, DriverSource.Kind.NAME, annotation.name());
        addIfSet(sources, DriverSource.Kind.EXECUTABLE, annotation.executable());
        addIfSet(sources, DriverSource.Kind.MAIN_CLASS, annotation.mainClass());
        if (sources.size() > 1) {
            throw new ExtensionConfigurationException(origin + " sets " + sources.size()
                    + " of name, executable and mainClass (" + describeAll(sources)
                    + "); set exactly one of them");
        }
        if (sources.isEmpty() && annotation.parameters().length > 0) {
            throw new ExtensionConfigurationException(origin + " sets parameters but no driver; "
                    + "add name, executable or mainClass, or give the parameters together with "
                    + "the driver in the configuration parameter "
                    + StorageDriverConfiguration.PARAMETERS);
        }
        Timeouts timeouts = new Timeouts(
                seconds(origin, "startTimeoutSeconds", annotation.startTimeoutSeconds()),
                seconds(origin, "callTimeoutSeconds", annotation.callTimeoutSeconds()),
                seconds(origin, "stopTimeoutSeconds", annotation.stopTimeoutSeconds()));
        return new DriverDeclaration(annotation.id(), sources.stream().findFirst(),
                List.of(annotation.parameters()), annotation.lifecycle(), timeouts, origin);
    }

    /** Returns whether this names a driver, instead of only registering the extension. */
    boolean hasSource() {
        return source.isPresent();
    }

    private static void addIfSet(List<DriverSource> sources, DriverSource.Kind kind, String value) {
        if (!value.isBlank()) {
            sources.add(new DriverSource(kind, value.strip()));
        }
    }

    private static String describeAll(List<DriverSource> sources) {
        List<String> described = new ArrayList<>();
        for (DriverSource source : sources) {
            described.add(source.describe());
        }
        return String.join(", ", described);
    }

    private static Duration seconds(String origin, String attribute, int seconds) {
        if (seconds < 0) {
            throw new ExtensionConfigurationException(origin + " sets " + attribute + " to "
                    + seconds + "; use a positive number of seconds, or 0 for the default");
        }
        return Duration.ofSeconds(seconds);
    }

    private static String describe(AnnotatedElement element) {
        if (element instanceof Class<?> type) {
            return "class " + type.getName();
        }
        if (element instanceof Method method) {
            return "method " + method.getDeclaringClass().getName() + "." + method.getName() + "()";
        }
        return String.valueOf(element);
    }
}
