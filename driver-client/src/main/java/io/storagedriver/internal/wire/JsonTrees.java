package io.storagedriver.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Parses and writes JSON trees with jackson-core's streaming parser and generator, without an
 * {@code ObjectMapper}. Building the first {@code ObjectMapper} in a JVM initializes databind's
 * serializers and its default date format, which loads the JDK's locale and time zone data. In
 * a measurement of the {@code inmemory} driver on a 2-vCPU VM, that took about 40 ms of the
 * driver's start, which is why the wire messages go through this class.
 *
 * <p>The trees are databind's node types, built as {@code ObjectMapper.readTree} and written as
 * {@code ObjectMapper.writeValueAsBytes} do with their default settings: a repeated field keeps
 * its last value, integers become int, long or BigInteger nodes by size, fractions become double
 * nodes, and content after the first value is not read.
 */
public final class JsonTrees {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The initial capacity of the output buffer, enough for most responses without growing. */
    private static final int OUTPUT_BYTES = 256;

    private JsonTrees() {}

    /** Creates an empty JSON object to fill in. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * Parses the first JSON value in {@code content}, which may be UTF-8, UTF-16 or UTF-32.
     * Returns {@link MissingNode} when the content contains only whitespace.
     *
     * @throws com.fasterxml.jackson.core.JsonProcessingException when the content is not valid
     *     JSON or exceeds jackson-core's default limits, such as the nesting depth
     * @throws java.io.CharConversionException when the content starts like UTF-32 but is not
     */
    public static JsonNode parse(byte[] content) throws IOException {
        try (JsonParser parser = FACTORY.createParser(content)) {
            return readValue(parser);
        }
    }

    /** Parses the first JSON value in {@code text}, as {@link #parse(byte[])} does. */
    public static JsonNode parse(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return readValue(parser);
        }
    }

    /** Writes {@code node} as compact UTF-8 JSON. */
    public static byte[] toBytes(JsonNode node) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(OUTPUT_BYTES);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        }
        return out.toByteArray();
    }

    /** Creates a parser of {@code content}, for callers that check what follows a value. */
    static JsonParser createParser(byte[] content) throws IOException {
        return FACTORY.createParser(content);
    }

    private static JsonNode readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return MissingNode.getInstance();
        }
        return readValue(parser, token);
    }

    /**
     * Reads the value that starts with {@code token}, the parser's current token. Containers are
     * kept on an explicit stack instead of the call stack, so that deep nesting ends at the
     * parser's depth limit and never in a stack overflow.
     */
    static JsonNode readValue(JsonParser parser, JsonToken token) throws IOException {
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        String fieldName = null;
        while (true) {
            JsonNode value;
            switch (token) {
                case FIELD_NAME -> {
                    fieldName = parser.currentName();
                    token = nextToken(parser);
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    ContainerNode<?> closed = open.pop();
                    if (open.isEmpty()) {
                        return closed;
                    }
                    token = nextToken(parser);
                    continue;
                }
                case START_OBJECT -> value = NODES.objectNode();
                case START_ARRAY -> value = NODES.arrayNode();
                case VALUE_STRING -> value = NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT -> value = integer(parser);
                case VALUE_NUMBER_FLOAT -> value = NODES.numberNode(parser.getDoubleValue());
                case VALUE_TRUE -> value = NODES.booleanNode(true);
                case VALUE_FALSE -> value = NODES.booleanNode(false);
                case VALUE_NULL -> value = NODES.nullNode();
                default -> throw new JsonParseException(parser, "unexpected token " + token);
            }
            ContainerNode<?> parent = open.peek();
            if (parent instanceof ObjectNode object) {
                object.set(fieldName, value);
            } else if (parent instanceof ArrayNode array) {
                array.add(value);
            }
            if (value instanceof ContainerNode<?> container) {
                open.push(container);
            } else if (parent == null) {
                return value;
            }
            token = nextToken(parser);
        }
    }

    /** Returns the next token inside an open container, where the end of input is an error. */
    private static JsonToken nextToken(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            // The parser reports an unclosed container itself, so this only guards the switch
            // in readValue against a null token.
            throw new JsonParseException(parser, "unexpected end of input inside a container");
        }
        return token;
    }

    private static JsonNode integer(JsonParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    generator.writeFieldName(field.getKey());
                    write(generator, field.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> writeNumber(generator, node);
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL, MISSING -> generator.writeNull();
            case BINARY -> generator.writeBinary(node.binaryValue());
            case POJO -> throw new IllegalArgumentException("a POJO node needs an ObjectMapper"
                    + " to be written, but wire messages hold only JSON values");
        }
    }

    private static void writeNumber(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.numberType()) {
            case INT -> generator.writeNumber(node.intValue());
            case LONG -> generator.writeNumber(node.longValue());
            case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
            case FLOAT -> generator.writeNumber(node.floatValue());
            case DOUBLE -> generator.writeNumber(node.doubleValue());
            case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
        }
    }
}
