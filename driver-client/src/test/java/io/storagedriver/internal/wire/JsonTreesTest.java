package io.storagedriver.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link JsonTrees} against a default {@link ObjectMapper}. Both must build equal trees,
 * with the same node types, and write the same bytes.
 */
class JsonTreesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> DOCUMENTS = List.of(
            "{}",
            "[]",
            "{\"op\":\"Stat\",\"path\":\"/a/b\"}",
            "{\"ok\":true,\"error\":null,\"flag\":false}",
            "{\"n\":0,\"neg\":-1,\"int\":2147483647,\"long\":2147483648,"
                    + "\"minLong\":-9223372036854775808,\"big\":123456789012345678901234567890}",
            "{\"half\":1.5,\"exp\":1e3,\"negZero\":-0.0e-5,\"huge\":1e999}",
            "{\"text\":\"caf\u00e9 \\u0000 \\\" \\\\ \\n \\ud83d\\ude00\",\"lone\":\"\\ud800\"}",
            "{\"a\":{\"b\":[1,[2,{\"c\":[]}],{}],\"d\":\"e\"},\"f\":[null,true]}",
            "{\"dup\":1,\"dup\":\"last\"}",
            "{\"operations\":[\"Stat\",\"GetContent\"],\"size\":12,\"modTime\":1700000000000}",
            "  {\"padded\":1}  \n",
            "\"just a string\"",
            "42",
            "[1,2,3]");

    @Test
    void parseMatchesObjectMapper() throws IOException {
        for (String document : DOCUMENTS) {
            byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
            JsonNode expected = MAPPER.readTree(utf8);
            assertEquals(expected, JsonTrees.parse(utf8), "parse of bytes " + document);
            assertEquals(expected, JsonTrees.parse(document), "parse of text " + document);
        }
    }

    @Test
    void parseKeepsNumberTypes() throws IOException {
        String document = "{\"i\":7,\"l\":4294967296,\"b\":18446744073709551616,\"d\":0.25}";
        JsonNode node = JsonTrees.parse(document.getBytes(StandardCharsets.UTF_8));
        assertTrue(node.get("i").isInt(), "7 is an int node");
        assertTrue(node.get("l").isLong(), "2^32 is a long node");
        assertTrue(node.get("b").isBigInteger(), "2^64 is a BigInteger node");
        assertTrue(node.get("d").isDouble(), "0.25 is a double node");
    }

    @Test
    void parseDetectsUtf16() throws IOException {
        String document = "{\"path\":\"/caf\u00e9\"}";
        byte[] utf16 = document.getBytes(StandardCharsets.UTF_16BE);
        assertEquals(MAPPER.readTree(utf16), JsonTrees.parse(utf16));
    }

    @Test
    void parseIgnoresContentAfterFirstValue() throws IOException {
        for (String document : List.of("{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "[1]]")) {
            byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
            assertEquals(MAPPER.readTree(utf8), JsonTrees.parse(utf8), document);
        }
    }

    @Test
    void parseOfWhitespaceIsMissing() throws IOException {
        assertTrue(JsonTrees.parse("  \n".getBytes(StandardCharsets.UTF_8)).isMissingNode());
        assertTrue(MAPPER.readTree("  \n".getBytes(StandardCharsets.UTF_8)).isMissingNode());
    }

    @Test
    void parseRejectsMalformedJson() {
        for (String document : List.of("{", "{\"a\"", "{\"a\":}", "{\"a\":1,}", "[1,2",
                "{'a':1}", "{\"a\":tru}", "nul", "{\"a\":01}", "}")) {
            byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
            assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(utf8),
                    "the mapper accepted " + document);
            assertThrows(JsonProcessingException.class, () -> JsonTrees.parse(utf8),
                    "JsonTrees accepted " + document);
        }
    }

    @Test
    void parseStopsAtNestingLimit() {
        int depth = 100_000;
        byte[] nested = ("{\"a\":".repeat(depth) + "1" + "}".repeat(depth))
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(JsonProcessingException.class, () -> JsonTrees.parse(nested));
    }

    @Test
    void toBytesMatchesObjectMapper() throws IOException {
        for (String document : DOCUMENTS) {
            JsonNode tree = MAPPER.readTree(document);
            assertArrayEquals(MAPPER.writeValueAsBytes(tree), JsonTrees.toBytes(tree),
                    "bytes of " + document);
        }
    }

    @Test
    void toBytesWritesEveryNodeType() throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode tree = JsonTrees.object();
        tree.put("short", (short) 3);
        tree.put("float", 0.5f);
        tree.put("decimal", new BigDecimal("1.10"));
        tree.put("bigInteger", new BigInteger("99999999999999999999"));
        tree.put("binary", new byte[] {0, 1, 2, (byte) 255});
        tree.set("missing", nodes.missingNode());
        tree.putArray("array").add(1L).add("two").addNull();
        assertArrayEquals(MAPPER.writeValueAsBytes(tree), JsonTrees.toBytes(tree));
    }

    @Test
    void toBytesRejectsPojoNode() {
        ObjectNode tree = JsonTrees.object();
        tree.putPOJO("pojo", new Object());
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.toBytes(tree));
    }

    @Test
    void roundTripKeepsTree() throws IOException {
        for (String document : DOCUMENTS) {
            if (document.contains("1e999")) {
                // 1e999 overflows to Infinity, which Jackson writes as the string "Infinity".
                continue;
            }
            JsonNode tree = JsonTrees.parse(document);
            assertEquals(tree, JsonTrees.parse(JsonTrees.toBytes(tree)), document);
        }
    }
}
