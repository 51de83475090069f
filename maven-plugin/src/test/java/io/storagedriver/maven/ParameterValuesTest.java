package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterValuesTest {
    private static final Map<String, String> ENVIRONMENT = Map.of("TOKEN", "s3cret");
    private static final Map<String, String> PROPERTIES = Map.of("bucket.name", "blobs");

    @Test
    void referencesAreReplacedAndPlainValuesKept() throws Exception {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("token", "env:TOKEN");
        configured.put("bucket", " sys:bucket.name ");
        configured.put("rootdirectory", "/srv/blobs");

        Map<String, String> resolved = resolve(configured);

        assertEquals(Map.of("token", "s3cret", "bucket", "blobs", "rootdirectory", "/srv/blobs"),
                resolved);
        assertEquals(java.util.List.of("token", "bucket", "rootdirectory"),
                java.util.List.copyOf(resolved.keySet()));
    }

    @Test
    void nullMapAndNullValueAreEmpty() throws Exception {
        assertTrue(resolve(null).isEmpty());
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("empty", null);
        assertEquals(Map.of("empty", ""), resolve(configured));
    }

    @Test
    void unsetVariableNamesParameterAndReference() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> resolve(Map.of("password", "env:MISSING_PASSWORD")));

        assertTrue(e.getMessage().contains("'password'"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable MISSING_PASSWORD"),
                e.getMessage());
    }

    @Test
    void unsetPropertyIsReported() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> resolve(Map.of("bucket", "sys:no.such.property")));

        assertTrue(e.getMessage().contains("system property no.such.property"), e.getMessage());
    }

    @Test
    void referenceWithoutNameIsRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> resolve(Map.of("token", "env:")));

        assertTrue(e.getMessage().contains("without a name"), e.getMessage());
    }

    @Test
    void messagesNeverContainValues() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> resolve(Map.of("a", "env:TOKEN", "b", "env:UNSET")));

        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    private static Map<String, String> resolve(Map<String, String> configured)
            throws CannotRunException {
        return ParameterValues.resolve(configured, ENVIRONMENT::get, PROPERTIES::get);
    }
}
