package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.InvalidPathException;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Checks the path rules: valid shapes work with every operation, and invalid shapes are rejected
 * with {@code InvalidPath} by the driver itself (the calls bypass the client's own checks).
 */
public class PathRulesChecks extends CheckSupport {

    /** Valid names and relative paths, each below the check's directory. */
    private static final List<String> VALID_SHAPES = List.of(
            "a", "Z", "0", "-", "_", "9lives", "a.b", "a-b", "a_b", ".hidden", "MiXeD", "...",
            "a..b", "-leading-dash", "trailing.", "x".repeat(100),
            "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/leaf");

    @Test
    @CheckId("path.valid-shapes-round-trip")
    public void validShapesRoundTrip() {
        List<Executable> checks = new ArrayList<>();
        for (String shape : VALID_SHAPES) {
            String file = path(shape);
            byte[] content = shape.getBytes(StandardCharsets.UTF_8);
            driver.putContent(file, content);
            checks.add(() -> Patterns.assertBytes("getContent(" + file + ")", content,
                    driver.getContent(file)));
            checks.add(() -> assertEquals(content.length, driver.stat(file).size(),
                    "size returned by stat(" + file + ")"));
        }
        List<String> listed = driver.list(directory);
        for (String shape : VALID_SHAPES) {
            String child = path(shape.split("/")[0]);
            checks.add(() -> assertTrue(listed.contains(child), "list(" + directory
                    + ") returned " + listed + ", which lacks " + child));
        }
        assertAll("valid path shapes", checks);
    }

    @TestFactory
    @CheckId("path.invalid-rejected")
    public List<DynamicTest> invalidShapesAreRejected() {
        List<String> all = invalidShapes();
        List<String> harmless = harmlessInvalidShapes();
        String existing = path("existing");

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(operation("getContent", all, p -> () -> unchecked.getContent(p)));
        tests.add(operation("reader", all, p -> () -> unchecked.reader(p, 0).close()));
        tests.add(operation("stat", all, p -> () -> unchecked.stat(p)));
        tests.add(operation("list", all, p -> () -> unchecked.list(p)));

        // A driver that ignored the rules could normalize "/x/.." or "//" to an existing
        // directory and replace, move or delete it. So calls that change the store get only
        // shapes that name nothing outside the check's directory, however they are normalized.
        tests.add(operation("putContent", harmless,
                p -> () -> unchecked.putContent(p, new byte[] {1})));
        tests.add(operation("writeStream", harmless, p -> () -> unchecked.writeStream(
                p, 0, new ByteArrayInputStream(new byte[] {1}))));
        tests.add(operation("move to", harmless, p -> () -> {
            driver.putContent(existing, new byte[] {1});
            unchecked.move(existing, p);
        }));
        tests.add(operation("move from", harmless,
                p -> () -> unchecked.move(p, path("destination"))));
        tests.add(operation("delete", harmless, p -> () -> unchecked.delete(p)));

        if (driver.operations().contains("Writer")) {
            tests.add(operation("writer", harmless,
                    p -> () -> unchecked.writer(p, false).cancel()));
        }
        if (driver.operations().contains("Walk")) {
            tests.add(operation("walk", all,
                    p -> () -> unchecked.walk(p, e -> WalkVisitor.Decision.SKIP_CONTENTS)));
        }
        if (driver.operations().contains("RedirectURL")) {
            tests.add(operation("redirectUrl", all, p -> () -> unchecked.redirectUrl(p)));
        }
        return tests;
    }

    @Test
    @CheckId("path.root-only-for-directories")
    public void rootIsValidOnlyWhereDirectoryIsExpected() {
        driver.putContent(path("file"), new byte[] {1});
        assertTrue(unchecked.stat("/").isDirectory(), "stat(/) returned isDir false");
        unchecked.list("/");
        if (driver.operations().contains("Walk")) {
            unchecked.walk("/", entry -> WalkVisitor.Decision.SKIP_CONTENTS);
        }
        // Delete and move are left out on purpose: a driver that accepted the root there could
        // remove everything in the store.
        StorageDriver d = unchecked;
        List<Executable> checks = new ArrayList<>(List.of(
                rejects("putContent(/)", () -> d.putContent("/", new byte[] {1})),
                rejects("getContent(/)", () -> d.getContent("/")),
                rejects("reader(/, 0)", () -> d.reader("/", 0).close()),
                rejects("writeStream(/, 0)",
                        () -> d.writeStream("/", 0, new ByteArrayInputStream(new byte[] {1})))));
        if (driver.operations().contains("Writer")) {
            checks.add(rejects("writer(/, false)", () -> d.writer("/", false).cancel()));
        }
        assertAll("the root / where a file is expected", checks);
    }

    /** Returns every invalid shape, including ones that normalize to the root or a parent. */
    private List<String> invalidShapes() {
        List<String> shapes = new ArrayList<>(List.of("//", directory + "/.."));
        shapes.addAll(harmlessInvalidShapes());
        return shapes;
    }

    /** Returns invalid shapes that name nothing outside the check's directory when normalized. */
    private List<String> harmlessInvalidShapes() {
        List<String> shapes = new ArrayList<>(List.of("", "relative", "relative/x"));
        for (String suffix : List.of("/", "//x", "/x/", "/./x", "/x/.", "/x/../y", "/x/y/..",
                "/a b", "/a\tb", "/a\nb", "/a\u0000b", "/caf\u00e9", "/a*b", "/a:b", "/a\\b",
                "/a?b", "/a%2fb")) {
            shapes.add(directory + suffix);
        }
        return shapes;
    }

    private DynamicTest operation(
            String name, List<String> shapes, Function<String, Expect.Call> call) {
        return DynamicTest.dynamicTest(name, () -> {
            List<Executable> checks = new ArrayList<>();
            for (String shape : shapes) {
                checks.add(rejects(name + "(" + quote(shape) + ")", call.apply(shape)));
            }
            assertAll(name + " with invalid paths", checks);
        });
    }

    private static Executable rejects(String description, Expect.Call call) {
        return () -> Expect.raises(InvalidPathException.class, description, call);
    }

    private static String quote(String path) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : path.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
