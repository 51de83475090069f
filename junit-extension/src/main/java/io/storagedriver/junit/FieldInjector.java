package io.storagedriver.junit;

import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Sets fields annotated with {@link StorageDriverClient}: static fields once per test class,
 * instance fields before each test.
 *
 * <p>A static field exists once per JVM, even when it is declared in a superclass shared by
 * several test classes. Each class claims the fields it sets until its context closes, and a class
 * that finds a field claimed by another class that is still running fails with an error instead
 * of overwriting the other class's driver.
 */
final class FieldInjector {
    /** The class that currently owns each static field, by the unique id of its context. */
    private static final ConcurrentMap<Field, Claim> STATIC_CLAIMS = new ConcurrentHashMap<>();

    private record Claim(String contextId, String testClass) {}

    private FieldInjector() {}

    /** Sets the static fields of the class of {@code classContext} and its superclasses. */
    static void injectStaticFields(ExtensionContext classContext,
            BiFunction<DriverResolver.Resolution, ExtensionContext, DriverResource> drivers) {
        Class<?> testClass = classContext.getRequiredTestClass();
        for (Field field : annotatedFields(testClass, true)) {
            String id = field.getAnnotation(StorageDriverClient.class).id();
            DriverResolver.Resolution resolution;
            try {
                resolution = DriverResolver.resolve(classContext, testClass, id, false);
                resolution.scope(classContext);
            } catch (ExtensionConfigurationException e) {
                throw new ExtensionConfigurationException(
                        "Cannot set static field " + describe(field) + ": " + e.getMessage(), e);
            }
            claim(field, classContext);
            DriverResource driver = drivers.apply(resolution, classContext);
            DriverClient client = driver.client();
            write(field, null, client);
            driver.onClose(() -> clearIfHolding(field, null, client));
        }
    }

    /** Sets the instance fields of {@code instance}, whose class is one of the test's classes. */
    static void injectInstanceFields(ExtensionContext methodContext, Object instance,
            BiFunction<DriverResolver.Resolution, ExtensionContext, DriverResource> drivers) {
        Class<?> instanceClass = instance.getClass();
        boolean innermost = methodContext.getRequiredTestClass() == instanceClass;
        for (Field field : annotatedFields(instanceClass, false)) {
            String id = field.getAnnotation(StorageDriverClient.class).id();
            DriverResolver.Resolution resolution;
            try {
                resolution =
                        DriverResolver.resolve(methodContext, instanceClass, id, innermost);
            } catch (ExtensionConfigurationException e) {
                throw new ExtensionConfigurationException(
                        "Cannot set field " + describe(field) + ": " + e.getMessage(), e);
            }
            DriverResource driver = drivers.apply(resolution, methodContext);
            DriverClient client = driver.client();
            write(field, instance, client);
            // Weak, so a per-class driver does not keep every test instance of the class alive.
            WeakReference<Object> target = new WeakReference<>(instance);
            driver.onClose(() -> {
                Object holder = target.get();
                if (holder != null) {
                    clearIfHolding(field, holder, client);
                }
            });
        }
    }

    private static List<Field> annotatedFields(Class<?> type, boolean isStatic) {
        List<Field> fields = ReflectionSupport.findFields(type,
                field -> field.isAnnotationPresent(StorageDriverClient.class)
                        && Modifier.isStatic(field.getModifiers()) == isStatic,
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            check(field);
        }
        return fields;
    }

    private static void check(Field field) {
        if (field.getType() != StorageDriver.class && field.getType() != DriverClient.class) {
            throw new ExtensionConfigurationException("Field " + describe(field) + " is annotated "
                    + "with @StorageDriverClient but has type " + field.getType().getName()
                    + "; declare it as " + StorageDriver.class.getName() + " or "
                    + DriverClient.class.getName());
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("Field " + describe(field) + " is annotated "
                    + "with @StorageDriverClient but is final; remove the final modifier so the "
                    + "driver can be injected");
        }
    }

    private static void claim(Field field, ExtensionContext classContext) {
        Claim claim = new Claim(classContext.getUniqueId(), classContext.getRequiredTestClass()
                .getName());
        Claim holder = STATIC_CLAIMS.putIfAbsent(field, claim);
        if (holder != null && !holder.contextId().equals(claim.contextId())) {
            throw new ExtensionConfigurationException("Static field " + describe(field)
                    + " already holds the driver of test class " + holder.testClass()
                    + ", which is still running, so " + claim.testClass() + " cannot use it: "
                    + "classes that run at the same time cannot share a static driver field. "
                    + "Make the field an instance field, declare a static field in each test "
                    + "class, or run these classes in the same thread (for example with "
                    + "@ResourceLock(\"" + field.getDeclaringClass().getName() + "\"))");
        }
        classContext.getStore(StorageDriverExtension.NAMESPACE)
                .put(new StaticFieldKey(field), new ClaimRelease(field, claim));
    }

    private static void write(Field field, Object target, Object value) {
        try {
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException(
                    "Cannot set field " + describe(field) + ": " + e, e);
        }
    }

    private static void clearIfHolding(Field field, Object target, Object value) {
        try {
            if (field.get(target) == value) {
                field.set(target, null);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("field " + describe(field) + " became inaccessible", e);
        }
    }

    private static String describe(Field field) {
        return field.getDeclaringClass().getName() + "." + field.getName();
    }

    private record StaticFieldKey(Field field) {}

    /** Releases a static field's claim when the claiming class's context closes. */
    @SuppressWarnings("deprecation")
    private record ClaimRelease(Field field, Claim claim)
            implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            STATIC_CLAIMS.remove(field, claim);
        }
    }
}
