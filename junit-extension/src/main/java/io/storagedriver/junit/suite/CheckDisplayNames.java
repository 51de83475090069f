package io.storagedriver.junit.suite;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names each check "{@code <check id>: <method name as words>}", for example {@code
 * content.empty-round-trip: empty content round trips}. Methods without {@link CheckId} keep the
 * usual {@code name(parameter types)}.
 */
final class CheckDisplayNames implements DisplayNameGenerator {

    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
        return testClass.getSimpleName();
    }

    /** Used by JUnit 5.12 and earlier. */
    @Override
    @SuppressWarnings("deprecation")
    public String generateDisplayNameForNestedClass(Class<?> nestedClass) {
        return nestedClass.getSimpleName();
    }

    @Override
    public String generateDisplayNameForNestedClass(
            List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
        return nestedClass.getSimpleName();
    }

    /** Used by JUnit 5.12 and earlier. */
    @Override
    @SuppressWarnings("deprecation")
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        return displayName(testMethod);
    }

    @Override
    public String generateDisplayNameForMethod(
            List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return displayName(testMethod);
    }

    static String displayName(Method method) {
        CheckId id = method.getAnnotation(CheckId.class);
        if (id == null) {
            return method.getName() + DisplayNameGenerator.parameterTypesAsString(method);
        }
        return id.value() + ": " + words(method.getName());
    }

    /** Splits a camel-case name into lower-case words: {@code readsAtEnd} to "reads at end". */
    static String words(String camelCase) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < camelCase.length(); i++) {
            char c = camelCase.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                words.append(' ');
            }
            words.append(Character.toLowerCase(c));
        }
        return words.toString();
    }
}
