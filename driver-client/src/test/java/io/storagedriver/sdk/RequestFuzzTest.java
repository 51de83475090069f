package io.storagedriver.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.FuzzInputs;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the SDK's request handling with {@value #REQUESTS} seeded requests (see {@link
 * FuzzInputs} for the seed), each on its own stream of one session: bodies that are not JSON
 * objects, JSON objects with random operations and fields of random types, requests cut short
 * by the end of their stream, and request content that is random too. A request that is not a
 * JSON object must get a {@code BadRequest} response, and any other request a response with a
 * known error code, or success. No request may end the session, go without a response, or make
 * the driver fail with {@code Internal}.
 */
class RequestFuzzTest {
    private static final int REQUESTS = 10_000;

    /** The oracle for whether a body is a JSON object, independent of the SDK's parser. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A guard against a request without a response, not a measure of speed. */
    private static final long ANSWER_GUARD_SECONDS = 10;

    private static final List<String> OPERATIONS = List.of("GetContent", "PutContent",
            "Reader", "WriteStream", "Stat", "List", "Move", "Delete", "Walk", "RedirectURL",
            "Writer", "Handshake", "Configure", "stat", "");
    private static final List<String> FIELDS = List.of("path", "offset", "source",
            "destination", "append", "action", "size");
    private static final List<String> PATHS = List.of("/", "/a", "/a/b", "/dir/file", "a",
            "/a/../b", "//", "/a/", "", "/\u00e9", "/.storagedriver-staging", "/x".repeat(300));
    private static final Set<String> CODES = Set.of("PathNotFound", "InvalidPath",
            "InvalidOffset", "UnsupportedMethod", "BadRequest");

    @Test
    @Timeout(120)
    void everyRequestGetsResponse() throws Exception {
        long seed = FuzzInputs.seed();
        ScriptedDriver driver = new ScriptedDriver();
        driver.store.putContent("/a", "content".getBytes(StandardCharsets.UTF_8));
        driver.store.putContent("/dir/file", new byte[100_000]);
        Map<String, Integer> responses = new TreeMap<>();
        ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor();
        try (HostPeer peer = HostPeer.configured(TestFactory.of(driver), Map.of())) {
            for (int index = 0; index < REQUESTS; index++) {
                SplittableRandom random = FuzzInputs.random(seed, index);
                boolean object = random.nextInt(3) > 0;
                byte[] body = object ? requestObject(random)
                        : FuzzInputs.mutate("{\"op\":\"Stat\",\"path\":\"/a\"}"
                                .getBytes(StandardCharsets.UTF_8), random);
                String response = exchange(peer, guard, body, random, seed, index);
                responses.merge(response, 1, Integer::sum);
            }

            HostCall stat = peer.call(HostPeer.message("op", "Stat", "path", "/a"));
            HostPeer.assertOk(stat.read());
            peer.close();
            assertNull(peer.awaitServerEnd(10_000), "failure of the served session");
        } finally {
            guard.shutdownNow();
        }
        System.out.printf("request responses: %s (seed %d)%n", responses, seed);
    }

    /**
     * Sends one request with its content and returns the response's error code, or "ok". Fails
     * when the response does not fit the request.
     */
    private static String exchange(HostPeer peer, ScheduledExecutorService guard, byte[] body,
            SplittableRandom random, long seed, int index) throws IOException {
        YamuxStream stream = peer.session.openStream();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = guard.schedule(() -> {
            timedOut.set(true);
            stream.reset();
        }, ANSWER_GUARD_SECONDS, TimeUnit.SECONDS);
        String what = FuzzInputs.describe(seed, index, body);
        try {
            OutputStream out = stream.outputStream();
            boolean truncated = random.nextInt(20) == 0;
            out.write(lengthPrefix(truncated ? body.length + 1 + random.nextInt(100)
                    : body.length));
            out.write(body);
            sendContent(out, random);
            stream.closeWrite();
            InputStream in = new BufferedInputStream(stream.inputStream());
            ObjectNode response = Messages.read(in);
            if (response == null) {
                return fail("the driver ended the stream without a response to " + what);
            }
            in.transferTo(OutputStream.nullOutputStream());
            // A request cut short takes the bytes that follow it as its end, which may still
            // make a JSON object, so only the presence of a response is certain.
            boolean malformed = !truncated && !isJsonObject(body);
            if (response.path("ok").asBoolean(false)) {
                assertFalse(malformed, "success for a request that is no JSON object: " + what);
                return "ok";
            }
            String code = response.path("error").path("code").asText("");
            assertTrue(CODES.contains(code), "error code " + code + " (" + response + ") for "
                    + what);
            if (malformed) {
                assertEquals("BadRequest", code, "error code for " + what + ": " + response);
            }
            return code;
        } catch (IOException e) {
            if (timedOut.get()) {
                return fail("no response within " + ANSWER_GUARD_SECONDS + " s to " + what);
            }
            throw new AssertionError("the exchange of " + what + " failed", e);
        } finally {
            timer.cancel(false);
            stream.close();
        }
    }

    private static boolean isJsonObject(byte[] body) {
        try {
            return MAPPER.readTree(body).isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends nothing, a valid content section, random bytes, or content and an action. */
    private static void sendContent(OutputStream out, SplittableRandom random)
            throws IOException {
        switch (random.nextInt(4)) {
            case 0 -> {
                // No content: a request that needs some finds the end of the stream.
            }
            case 1 -> {
                byte[] content = FuzzInputs.randomBytes(random, random.nextInt(3000));
                out.write(lengthPrefix(content.length));
                out.write(content);
                out.write(lengthPrefix(0));
            }
            case 2 -> out.write(FuzzInputs.randomBytes(random, random.nextInt(40)));
            default -> {
                out.write(lengthPrefix(0));
                String action = List.of("commit", "cancel", "close", "drop")
                        .get(random.nextInt(4));
                byte[] message = ("{\"action\":\"" + action + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(lengthPrefix(message.length));
                out.write(message);
            }
        }
    }

    /** Returns a JSON object with a random operation and fields of random types. */
    private static byte[] requestObject(SplittableRandom random) {
        ObjectNode request = Messages.object();
        if (random.nextInt(10) > 0) {
            request.put("op", OPERATIONS.get(random.nextInt(OPERATIONS.size())));
        }
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            String field = FIELDS.get(random.nextInt(FIELDS.size()));
            switch (random.nextInt(7)) {
                case 0, 1, 2 -> request.put(field, PATHS.get(random.nextInt(PATHS.size())));
                case 3 -> request.put(field, random.nextLong(-10, 200_000));
                case 4 -> request.put(field, random.nextBoolean());
                case 5 -> request.putNull(field);
                default -> request.put(field, random.nextDouble() * 1e20);
            }
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] lengthPrefix(int length) {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream(4);
        prefix.write(length >>> 24);
        prefix.write(length >>> 16);
        prefix.write(length >>> 8);
        prefix.write(length);
        return prefix.toByteArray();
    }
}
