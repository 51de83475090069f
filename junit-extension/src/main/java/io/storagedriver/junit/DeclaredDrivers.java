package io.storagedriver.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The {@link WithStorageDriver} annotations of one class, including its superclasses, or of one
 * method, by driver id.
 *
 * <p>For each id it keeps the nearest annotation that names a driver (the one on the class itself
 * before one on a superclass) and, separately, the nearest one that only registers the extension.
 * Annotations count when they are present directly or on an annotation of the element.
 */
final class DeclaredDrivers {
    private static final ClassValue<DeclaredDrivers> BY_CLASS = new ClassValue<>() {
        @Override
        protected DeclaredDrivers computeValue(Class<?> type) {
            DeclaredDrivers declared = new DeclaredDrivers();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                declared.addAll(c);
            }
            return declared;
        }
    };

    /** The nearest declarations of one id. */
    record Entry(Optional<DriverDeclaration> sourced, Optional<DriverDeclaration> marker) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private DeclaredDrivers() {}

    /** Returns the declarations of {@code type} and its superclasses. */
    static DeclaredDrivers of(Class<?> type) {
        return BY_CLASS.get(type);
    }

    /** Returns the declarations of one method. */
    static DeclaredDrivers of(Method method) {
        DeclaredDrivers declared = new DeclaredDrivers();
        declared.addAll(method);
        return declared;
    }

    /** Returns the ids declared, in the order found. */
    List<String> ids() {
        return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
    }

    /** Returns the declarations of {@code id}, or empty when there is none. */
    Optional<Entry> get(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    private void addAll(AnnotatedElement element) {
        Map<String, DriverDeclaration> local = new LinkedHashMap<>();
        for (WithStorageDriver annotation : findOn(element)) {
            DriverDeclaration declaration = DriverDeclaration.of(annotation, element);
            DriverDeclaration earlier = local.putIfAbsent(declaration.id(), declaration);
            if (earlier != null) {
                throw new ExtensionConfigurationException(declaration.origin()
                        + " is declared more than once; give each @WithStorageDriver on one "
                        + "element a distinct id");
            }
        }
        for (DriverDeclaration declaration : local.values()) {
            Entry entry = entries.getOrDefault(
                    declaration.id(), new Entry(Optional.empty(), Optional.empty()));
            if (declaration.hasSource() && entry.sourced().isEmpty()) {
                entry = new Entry(Optional.of(declaration), entry.marker());
            } else if (!declaration.hasSource() && entry.marker().isEmpty()) {
                entry = new Entry(entry.sourced(), Optional.of(declaration));
            }
            entries.put(declaration.id(), entry);
        }
    }

    /** Finds the annotations declared on the element itself and on its annotations. */
    private static List<WithStorageDriver> findOn(AnnotatedElement element) {
        List<WithStorageDriver> found = new ArrayList<>(
                List.of(element.getDeclaredAnnotationsByType(WithStorageDriver.class)));
        for (Annotation annotation : element.getDeclaredAnnotations()) {
            Class<? extends Annotation> type = annotation.annotationType();
            if (type == WithStorageDriver.class || type == WithStorageDrivers.class
                    || type.getName().startsWith("java.")) {
                continue;
            }
            found.addAll(List.of(type.getAnnotationsByType(WithStorageDriver.class)));
        }
        return found;
    }
}
