package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CompatibilitySuiteTest {
    private static final Map<Class<?>, String> GROUPS = Map.ofEntries(
            Map.entry(PathRulesChecks.class, "path"),
            Map.entry(ContentChecks.class, "content"),
            Map.entry(StreamChecks.class, "stream"),
            Map.entry(WriterChecks.class, "writer"),
            Map.entry(StatChecks.class, "stat"),
            Map.entry(ListChecks.class, "list"),
            Map.entry(MoveChecks.class, "move"),
            Map.entry(DeleteChecks.class, "delete"),
            Map.entry(WalkChecks.class, "walk"),
            Map.entry(ConcurrencyChecks.class, "concurrency"),
            Map.entry(BenchmarkChecks.class, "benchmark"));

    @Test
    void listsEveryCheckClassOnce() {
        assertEquals(GROUPS.keySet(), Set.copyOf(CompatibilitySuite.CHECK_CLASSES));
        assertEquals(GROUPS.size(), CompatibilitySuite.CHECK_CLASSES.size());
    }

    @Test
    void checkClassesArePublicAndConcrete() {
        for (Class<?> checks : CompatibilitySuite.CHECK_CLASSES) {
            int modifiers = checks.getModifiers();
            assertTrue(Modifier.isPublic(modifiers), checks + " is not public");
            assertFalse(Modifier.isFinal(modifiers), checks + " is final");
            assertFalse(Modifier.isAbstract(modifiers), checks + " is abstract");
            assertEquals(CheckSupport.class, checks.getSuperclass());
        }
    }

    @Test
    void everyCheckHasUniqueIdOfItsGroup() {
        Map<String, Method> seen = new HashMap<>();
        for (Class<?> checks : CompatibilitySuite.CHECK_CLASSES) {
            for (Method method : checks.getDeclaredMethods()) {
                if (!method.isAnnotationPresent(Test.class)
                        && !method.isAnnotationPresent(TestFactory.class)) {
                    continue;
                }
                CheckId id = method.getAnnotation(CheckId.class);
                assertNotNull(id, method + " has no @CheckId");
                assertTrue(id.value().matches("[a-z]+\\.[a-z0-9]+(-[a-z0-9]+)*"), id.value());
                assertEquals(GROUPS.get(checks), id.value().substring(0, id.value().indexOf('.')),
                        "group of " + id.value() + " in " + checks.getSimpleName());
                Method earlier = seen.put(id.value(), method);
                assertEquals(null, earlier, "check id " + id.value() + " used twice");
                assertTrue(Modifier.isPublic(method.getModifiers()), method + " is not public");
            }
        }
        assertTrue(seen.size() >= 50, "only " + seen.size() + " checks");
    }

    @Test
    void displayNameStartsWithCheckId() throws Exception {
        Method method = ContentChecks.class.getMethod("emptyContentRoundTrips");

        assertEquals("content.empty-round-trip: empty content round trips",
                CheckDisplayNames.displayName(method));
    }
}
