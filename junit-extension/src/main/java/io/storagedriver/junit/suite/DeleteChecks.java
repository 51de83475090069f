package io.storagedriver.junit.suite;

import io.storagedriver.PathNotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks {@code delete}: files, whole trees, and nothing beyond the subtree. */
public class DeleteChecks extends CheckSupport {

    @Test
    @CheckId("delete.file")
    public void deletesFile() {
        String file = path("file");
        String sibling = path("sibling");
        driver.putContent(file, new byte[10]);
        driver.putContent(sibling, new byte[10]);
        driver.delete(file);
        Expect.raises(PathNotFoundException.class, "stat(" + file + ") after deleting it",
                () -> driver.stat(file));
        Expect.raises(PathNotFoundException.class, "getContent(" + file + ") after deleting it",
                () -> driver.getContent(file));
        Expect.sameEntries("list(" + directory + ") after deleting " + file, List.of(sibling),
                driver.list(directory));
    }

    @Test
    @CheckId("delete.directory-tree")
    public void deletesDirectoryTree() {
        List<String> files = List.of("tree/a", "tree/b/c", "tree/b/d/e", "tree/b/d/f", "tree/g/h");
        for (String file : files) {
            driver.putContent(path(file), new byte[3]);
        }
        driver.putContent(path("outside"), new byte[3]);
        driver.delete(path("tree"));
        for (String gone : List.of("tree", "tree/a", "tree/b", "tree/b/c", "tree/b/d",
                "tree/b/d/e", "tree/b/d/f", "tree/g", "tree/g/h")) {
            Expect.raises(PathNotFoundException.class, "stat(" + path(gone) + ") after deleting "
                    + path("tree"), () -> driver.stat(path(gone)));
        }
        Expect.sameEntries("list(" + directory + ") after deleting " + path("tree"),
                List.of(path("outside")), driver.list(directory));
    }

    @Test
    @CheckId("delete.missing-not-found")
    public void deletingMissingPathIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "delete(" + missing + ")",
                () -> driver.delete(missing));
    }

    @Test
    @CheckId("delete.exact-subtree-only")
    public void deletesOnlyTheExactSubtree() {
        List<String> kept = List.of("a/bc", "a/b-c", "a/b.c", "a/b_", "a/bb/x", "a/c");
        for (String file : kept) {
            driver.putContent(path(file), new byte[] {1});
        }
        driver.putContent(path("a/b/x"), new byte[] {2});
        driver.putContent(path("a/b/y/z"), new byte[] {3});
        driver.delete(path("a/b"));
        for (String file : kept) {
            Patterns.assertBytes("getContent(" + path(file) + ") after deleting " + path("a/b"),
                    new byte[] {1}, driver.getContent(path(file)));
        }
        Expect.raises(PathNotFoundException.class, "stat(" + path("a/b") + ") after deleting it",
                () -> driver.stat(path("a/b")));
    }
}
