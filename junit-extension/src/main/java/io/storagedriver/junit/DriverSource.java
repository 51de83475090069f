package io.storagedriver.junit;

import io.storagedriver.client.DriverOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The origin of a driver: a driver name, an executable or a Java main class. */
record DriverSource(Kind kind, String value) {

    /** The three ways to name a driver, with the attribute and configuration key of each. */
    enum Kind {
        NAME("name", StorageDriverConfiguration.NAME),
        EXECUTABLE("executable", StorageDriverConfiguration.EXECUTABLE),
        MAIN_CLASS("mainClass", StorageDriverConfiguration.MAIN_CLASS);

        private final String attribute;
        private final String configurationKey;

        Kind(String attribute, String configurationKey) {
            this.attribute = attribute;
            this.configurationKey = configurationKey;
        }

        /** Returns the name of the {@link WithStorageDriver} attribute, such as {@code name}. */
        String attribute() {
            return attribute;
        }

        /** Returns the configuration parameter, such as {@code storagedriver.name}. */
        String configurationKey() {
            return configurationKey;
        }
    }

    DriverSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Returns an options builder for this source; a relative executable is made absolute.
     *
     * @param classpath the class path of a main-class driver, or empty for the class path of this
     *     JVM. The other kinds ignore it.
     */
    DriverOptions.Builder toOptions(List<Path> classpath) {
        return switch (kind) {
            case NAME -> DriverOptions.name(value);
            case EXECUTABLE -> DriverOptions.executable(Path.of(value).toAbsolutePath());
            case MAIN_CLASS -> DriverOptions.mainClass(value, classpath);
        };
    }

    /** Returns the source as it would be written in the annotation, such as {@code name = "x"}. */
    String describe() {
        return kind.attribute() + " = \"" + value + "\"";
    }
}
