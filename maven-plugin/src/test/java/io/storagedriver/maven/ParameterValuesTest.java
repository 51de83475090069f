package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
        assertEquals(List.of("token", "bucket", "rootdirectory"), List.copyOf(resolved.keySet()));
    }

    @Test
    void bracedReferencesAreReplaced() throws Exception {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("token", "${env:TOKEN}");
        configured.put("bucket", " ${sys:bucket.name} ");

        assertEquals(Map.of("token", "s3cret", "bucket", "blobs"), resolve(configured));
    }

    @Test
    void typedTextReplacesInterpolatedText() throws Exception {
        assertEquals("rootdirectory=${env:ROOT}",
                ParameterValues.commandLineText("rootdirectory=null", "rootdirectory=${env:ROOT}"));
        assertEquals("rootdirectory=/srv", ParameterValues.commandLineText("rootdirectory=/srv",
                null));
    }

    @Test
    void interpolatedNullValueIsRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> ParameterValues.commandLineText("bucket=b,rootdirectory= null", null));

        assertTrue(e.getMessage().startsWith("Driver parameter 'rootdirectory' in"
                + " storagedriver.parameters is the text null"), e.getMessage());
        assertTrue(e.getMessage().contains("env:NAME"), e.getMessage());
    }

    @Test
    void repeatedKeyIsRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> ParameterValues.parse("rootdirectory=/one,rootdirectory=/two"));

        assertTrue(e.getMessage().contains("'rootdirectory' is given twice"), e.getMessage());
        assertFalse(e.getMessage().contains("/one"), e.getMessage());
    }

    @Test
    void nullMapIsEmpty() throws Exception {
        assertTrue(resolve(null).isEmpty());
    }

    @Test
    void emptyValueNamesParameterAndSyntaxes() {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("token", null);
        for (Map<String, String> values : List.of(configured, Map.of("token", ""))) {
            CannotRunException e =
                    assertThrows(CannotRunException.class, () -> resolve(values));

            assertTrue(e.getMessage().startsWith("Driver parameter 'token' is empty."),
                    e.getMessage());
            assertTrue(e.getMessage().contains("env:NAME or sys:NAME"), e.getMessage());
            assertTrue(e.getMessage().contains("${env:NAME} or ${sys:NAME}"), e.getMessage());
        }
    }

    @Test
    void emptyVariableIsRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> ParameterValues.resolve(Map.of("token", "${env:EMPTY}"), name -> "",
                        PROPERTIES::get));

        assertTrue(e.getMessage().contains("'token'"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable EMPTY, which is empty"),
                e.getMessage());
    }

    @Test
    void referenceInsideValueIsRejected() {
        CannotRunException e = assertThrows(CannotRunException.class,
                () -> resolve(Map.of("url", "https://${env:TOKEN}@example.com")));

        assertTrue(e.getMessage().contains("'url'"), e.getMessage());
        assertTrue(e.getMessage().contains("whole value"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void resolvedValuesAreEscaped() throws Exception {
        Map<String, String> resolved = ParameterValues.resolve(
                Map.of("token", "env:TOKEN"), name -> "a${tempdir}b$${c}", PROPERTIES::get);

        assertEquals("a$${tempdir}b$$${c}", resolved.get("token"));
        assertEquals("a${tempdir}b$${c}",
                ParameterValues.decode(resolved.get("token"), () -> Path.of("/unused")));
    }

    @Test
    void writtenTempdirStaysPlaceholder() throws Exception {
        Map<String, String> resolved =
                resolve(Map.of("root", "${tempdir}/blobs", "template", "${user}/${tempdir}"));

        assertEquals("${tempdir}/blobs", resolved.get("root"));
        assertEquals("$${user}/${tempdir}", resolved.get("template"));
        Path temp = Path.of("/tmp/run-1");
        assertEquals("/tmp/run-1/blobs", ParameterValues.decode(resolved.get("root"), () -> temp));
        assertEquals("${user}//tmp/run-1",
                ParameterValues.decode(resolved.get("template"), () -> temp));
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
