package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.FileInfo;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.WalkVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code walk}: every entry once, depth-first, a directory before its contents, siblings
 * in byte order of their names, and skipping a directory's contents.
 */
public class WalkChecks extends CheckSupport {
    /**
     * Files of the walked tree with their sizes. The names make byte order differ from other
     * orders: upper case sorts before lower case, and {@code a-z} sorts after the directory
     * {@code a} but, as a full path, before its child {@code a/x}.
     */
    private static final Map<String, Integer> FILES = Map.of(
            "B", 1, "a/x", 2, "a/y/z", 3, "a-z", 4, "a.b", 5,
            "a0", 6, "aB/q", 7, "a_", 8, "b", 9);

    /**
     * The maximum entries a check collects from one walk, many times the 12 entries of the
     * tree, so that a driver whose walk does not end cannot fill the memory of the test JVM.
     */
    private static final int MAX_VISITED = 1000;

    @BeforeEach
    void requireOperation() {
        assumeOperation("Walk");
    }

    @Test
    @CheckId("walk.every-entry-in-order")
    public void visitsEveryEntryOnceInOrder() {
        String tree = writeTree();
        List<String> visited = new ArrayList<>();
        driver.walk(tree, entry -> {
            collect(visited, entry.path(), "walk(" + tree + ")");
            return WalkVisitor.Decision.CONTINUE;
        });
        assertOrder("walk(" + tree + ")", expectedOrder(tree, Set.of()), visited);
    }

    @Test
    @CheckId("walk.entries-carry-metadata")
    public void entriesCarrySizeAndKind() {
        String tree = writeTree();
        List<FileInfo> entries = new ArrayList<>();
        driver.walk(tree, entry -> {
            collect(entries, entry, "walk(" + tree + ")");
            return WalkVisitor.Decision.CONTINUE;
        });
        for (FileInfo entry : entries) {
            String relative = entry.path().substring(tree.length() + 1);
            Integer size = FILES.get(relative);
            boolean directory = size == null;
            assertEquals(directory, entry.isDirectory(), "isDir of walk entry " + entry.path());
            assertEquals(directory ? 0 : size, entry.size(), "size of walk entry " + entry.path());
        }
    }

    @Test
    @CheckId("walk.skip-contents")
    public void skipsContentsOfDirectory() {
        String tree = writeTree();
        Set<String> skipped = Set.of(tree + "/a", tree + "/aB");
        List<String> visited = new ArrayList<>();
        driver.walk(tree, entry -> {
            collect(visited, entry.path(), "walk(" + tree + ") skipping " + skipped);
            return skipped.contains(entry.path())
                    ? WalkVisitor.Decision.SKIP_CONTENTS
                    : WalkVisitor.Decision.CONTINUE;
        });
        assertOrder("walk(" + tree + ") skipping the contents of " + skipped,
                expectedOrder(tree, skipped), visited);
    }

    @Test
    @CheckId("walk.missing-not-found")
    public void walkingMissingPathOrFileIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "walk(" + missing + ")",
                () -> driver.walk(missing, entry -> WalkVisitor.Decision.CONTINUE));
        String file = path("file");
        driver.putContent(file, new byte[1]);
        Expect.raises(PathNotFoundException.class, "walk(" + file + ") of a file",
                () -> driver.walk(file, entry -> WalkVisitor.Decision.CONTINUE));
    }

    /** Adds a visited entry, and fails once a walk has visited {@link #MAX_VISITED}. */
    private static <T> void collect(List<T> visited, T entry, String description) {
        if (visited.size() == MAX_VISITED) {
            fail(description + " visited more than " + MAX_VISITED + " entries, many more than "
                    + "the tree has, so the driver's walk repeats or invents entries. The first "
                    + "ones: " + visited.subList(0, 20));
        }
        visited.add(entry);
    }

    private String writeTree() {
        for (Map.Entry<String, Integer> file : FILES.entrySet()) {
            driver.putContent(path("tree/" + file.getKey()), new byte[file.getValue()]);
        }
        return path("tree");
    }

    /** Computes the defined walk order of the tree, leaving out the contents of {@code skipped}. */
    private static List<String> expectedOrder(String tree, Set<String> skipped) {
        Node root = new Node();
        for (String file : FILES.keySet()) {
            Node node = root;
            for (String name : file.split("/")) {
                node = node.children.computeIfAbsent(name, n -> new Node());
            }
        }
        List<String> order = new ArrayList<>();
        root.appendOrder(tree, skipped, order);
        return order;
    }

    private static void assertOrder(
            String description, List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(description + " visited " + actual.get(i) + " as entry " + i + ", expected "
                        + expected.get(i) + ".\nExpected order: " + expected
                        + "\nActual order:   " + actual);
            }
        }
        if (expected.size() != actual.size()) {
            fail(description + " visited " + actual.size() + " entries, expected " + expected.size()
                    + ".\nExpected order: " + expected + "\nActual order:   " + actual);
        }
    }

    /** A directory of the expected tree; {@link String#compareTo} is byte order for ASCII names. */
    private static final class Node {
        final TreeMap<String, Node> children = new TreeMap<>();

        void appendOrder(String path, Set<String> skipped, List<String> order) {
            for (Map.Entry<String, Node> child : children.entrySet()) {
                String childPath = path + "/" + child.getKey();
                order.add(childPath);
                if (!skipped.contains(childPath)) {
                    child.getValue().appendOrder(childPath, skipped, order);
                }
            }
        }
    }
}
